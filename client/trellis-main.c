/* trellis-main.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "trellis-application.h"

/* The language chosen in Preferences applies to the interface too; gettext
 * reads it once, so it must be set before anything is translated. */
static void
apply_language_preference (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *language = NULL;

  if (schema == NULL)
    return;
  settings = g_settings_new (APP_ID);
  language = g_settings_get_string (settings, "language");
  if (*language != '\0')
    g_setenv ("LANGUAGE", language, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(TrellisApplication) app = NULL;

  apply_language_preference ();
  setlocale (LC_ALL, "");
  /* Run from a build tree, ./run points to the translations built there. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("TRELLIS_LOCALEDIR") ? g_getenv ("TRELLIS_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = trellis_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
