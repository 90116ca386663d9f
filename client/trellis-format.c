/* trellis-format.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-format"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-format.h"

char *
trellis_format_duration (int minutes)
{
  if (minutes < 60)
    return g_strdup_printf (ngettext ("About %d minute", "About %d minutes", minutes), minutes);
  if (minutes % 60 == 0)
    return g_strdup_printf (ngettext ("About %d hour", "About %d hours", minutes / 60), minutes / 60);
  /* Translators: a study time such as "About 2 h 10 min" */
  return g_strdup_printf (_("About %d h %d min"), minutes / 60, minutes % 60);
}

/* The course's languages, each named in itself, as a learner looks for them. */
char *
trellis_format_languages (TrCourse *course)
{
  static const char * const names[TR_N_LANGS] = { "English", "Nederlands", "Français" };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    if (tr_course_has_language (course, lang))
      g_strv_builder_add (builder, names[lang]);
  list = g_strv_builder_end (builder);
  return g_strjoinv (", ", list);
}

char *
trellis_format_progress (TrProgress *progress)
{
  if (tr_progress_is_complete (progress))
    return g_strdup (_("Completed"));
  if (tr_progress_get_n_done (progress) == 0)
    return g_strdup (tr_progress_get_state (progress) == TR_STATE_NOT_STARTED ? _("Not started") : _("Started"));
  /* Translators: progress through a course, e.g. "4 of 11 done" */
  return g_strdup_printf (_("%u of %u done"), tr_progress_get_n_done (progress),
                          tr_progress_get_n_required (progress));
}

const char *
trellis_format_state (TrState state)
{
  switch (state)
    {
    case TR_STATE_DONE: return _("Done");
    case TR_STATE_IN_PROGRESS: return _("In progress");
    case TR_STATE_NOT_STARTED:
    default: return _("Not started");
    }
}

const char *
trellis_state_icon_name (TrState state)
{
  switch (state)
    {
    case TR_STATE_DONE: return "object-select-symbolic";
    case TR_STATE_IN_PROGRESS: return "media-playback-start-symbolic";
    case TR_STATE_NOT_STARTED:
    default: return "radio-symbolic";
    }
}
