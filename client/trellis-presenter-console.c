/* trellis-presenter-console.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-presenter"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-block-view.h"
#include "trellis-presenter-console.h"

struct _TrellisPresenterConsole
{
  AdwWindow         parent_instance;

  GtkLabel         *current_eyebrow_label;
  GtkLabel         *current_title_label;
  GtkLabel         *next_title_label;
  GtkLabel         *part_label;
  GtkLabel         *part_time_label;
  GtkLabel         *timer_label;
  GtkButton        *timer_button;
  GtkLabel         *position_label;
  GtkWidget        *activity_heading;
  TrellisBlockView *activity_view;
  GtkWidget        *questions_heading;
  TrellisBlockView *questions_view;
  GtkWidget        *sensitive_heading;
  TrellisBlockView *sensitive_view;

  gboolean          over_time;
};

G_DEFINE_FINAL_TYPE (TrellisPresenterConsole, trellis_presenter_console, ADW_TYPE_WINDOW)

GtkWidget *
trellis_presenter_console_new (void)
{
  return g_object_new (TRELLIS_TYPE_PRESENTER_CONSOLE, NULL);
}

static void
show_notes (GtkWidget        *heading,
            TrellisBlockView *view,
            const char       *markdown)
{
  gboolean shown = markdown != NULL && *markdown != '\0';

  trellis_block_view_set_markdown (view, shown ? markdown : NULL, NULL);
  gtk_widget_set_visible (heading, shown);
  gtk_widget_set_visible (GTK_WIDGET (view), shown);
}

static char *
questions_markdown (GPtrArray *questions)
{
  GString *markdown;

  if (questions == NULL || questions->len == 0)
    return NULL;
  markdown = g_string_new (NULL);
  for (guint i = 0; i < questions->len; i++)
    {
      g_autofree char *question = g_strdup (g_ptr_array_index (questions, i));

      g_strdelimit (question, "\r\n", ' ');
      g_string_append_printf (markdown, "%u. %s\n", i + 1, g_strstrip (question));
    }
  return g_string_free (markdown, FALSE);
}

static char *
format_clock (int minutes)
{
  return g_strdup_printf ("%d:%02d", minutes / 60, minutes % 60);
}

/* Shows where the presentation is: slide @index of @deck, the next one, and
 * the notes for the slide's part of the session plan. */
void
trellis_presenter_console_show_slide (TrellisPresenterConsole *self,
                                      TrellisPresenterDeck    *deck,
                                      guint                    index)
{
  const TrellisSlide *slide, *next;
  const TrellisDeckPart *part;
  g_autofree char *position = NULL;
  g_autofree char *part_text = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *time_text = NULL;
  g_autofree char *questions = NULL;

  g_return_if_fail (TRELLIS_IS_PRESENTER_CONSOLE (self));
  g_return_if_fail (deck != NULL);

  slide = trellis_presenter_deck_get_slide (deck, index);
  next = trellis_presenter_deck_get_slide (deck, index + 1);
  part = slide != NULL ? trellis_presenter_deck_get_part (deck, slide->part) : NULL;

  if (slide != NULL)
    /* Translators: the place of the slide shown, e.g. "Slide 3 of 10". */
    position = g_strdup_printf (_("Slide %u of %u"), index + 1, trellis_presenter_deck_get_n_slides (deck));
  gtk_label_set_label (self->position_label, position != NULL ? position : "");

  gtk_label_set_label (self->current_eyebrow_label, slide != NULL && slide->eyebrow != NULL ? slide->eyebrow : "");
  gtk_widget_set_visible (GTK_WIDGET (self->current_eyebrow_label), slide != NULL && slide->eyebrow != NULL);
  gtk_label_set_label (self->current_title_label, slide != NULL ? slide->title : "");
  gtk_label_set_label (self->next_title_label,
                       next != NULL ? next->title : _("End of the presentation"));

  if (part != NULL)
    {
      from = format_clock (part->start);
      to = format_clock (part->start + part->minutes);
      /* Translators: a part of a session plan, e.g. "Part 1 of 3: Warm-up". */
      part_text = g_strdup_printf (_("Part %u of %u: %s"), slide->part + 1, deck->parts->len, part->title);
      /* Translators: when a part of the session takes place, e.g. "0:15–0:40 (25 min)". */
      time_text = g_strdup_printf (_("%s–%s (%d min)"), from, to, part->minutes);
      questions = questions_markdown (part->questions);
    }
  gtk_label_set_label (self->part_label, part_text != NULL ? part_text : "");
  gtk_label_set_label (self->part_time_label, time_text != NULL ? time_text : "");
  show_notes (self->activity_heading, self->activity_view, part != NULL ? part->activity : NULL);
  show_notes (self->questions_heading, self->questions_view, questions);
  show_notes (self->sensitive_heading, self->sensitive_view, deck->sensitive_reactions);
}

/* The part's timer: @elapsed_s of its @duration_s, in a warning style past it. */
void
trellis_presenter_console_show_timer (TrellisPresenterConsole *self,
                                      int                      elapsed_s,
                                      int                      duration_s,
                                      gboolean                 running)
{
  g_autofree char *text = NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (TRELLIS_IS_PRESENTER_CONSOLE (self));

  elapsed_s = MAX (elapsed_s, 0);
  duration_s = MAX (duration_s, 0);
  text = g_strdup_printf ("%02d:%02d / %02d:%02d", elapsed_s / 60, elapsed_s % 60,
                          duration_s / 60, duration_s % 60);
  gtk_label_set_label (self->timer_label, text);
  self->over_time = elapsed_s > duration_s;
  if (self->over_time)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->timer_label), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->timer_label), "presenter-overtime");
      /* Translators: said of the part's timer when the part took longer than planned. */
      description = g_strdup_printf (_("%s, over time"), text);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->timer_label), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->timer_label), "presenter-overtime");
    }
  /* The colour alone does not tell a screen reader. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->timer_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : text,
                                  -1);
  gtk_button_set_label (self->timer_button, running ? _("_Pause Timer") : _("_Resume Timer"));
}

const char *
trellis_presenter_console_get_current_title (TrellisPresenterConsole *self)
{
  g_return_val_if_fail (TRELLIS_IS_PRESENTER_CONSOLE (self), NULL);
  return gtk_label_get_label (self->current_title_label);
}

const char *
trellis_presenter_console_get_next_title (TrellisPresenterConsole *self)
{
  g_return_val_if_fail (TRELLIS_IS_PRESENTER_CONSOLE (self), NULL);
  return gtk_label_get_label (self->next_title_label);
}

const char *
trellis_presenter_console_get_timer_text (TrellisPresenterConsole *self)
{
  g_return_val_if_fail (TRELLIS_IS_PRESENTER_CONSOLE (self), NULL);
  return gtk_label_get_label (self->timer_label);
}

/* Whether the timer shows its over-time style. */
gboolean
trellis_presenter_console_get_over_time (TrellisPresenterConsole *self)
{
  g_return_val_if_fail (TRELLIS_IS_PRESENTER_CONSOLE (self), FALSE);
  return self->over_time && gtk_widget_has_css_class (GTK_WIDGET (self->timer_label), "presenter-overtime");
}

static void
trellis_presenter_console_class_init (TrellisPresenterConsoleClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (TRELLIS_TYPE_BLOCK_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-presenter-console.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, current_eyebrow_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, current_title_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, next_title_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, part_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, part_time_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, timer_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, timer_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, position_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, activity_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, activity_view);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, questions_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, questions_view);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, sensitive_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterConsole, sensitive_view);
}

static void
trellis_presenter_console_init (TrellisPresenterConsole *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  trellis_presenter_console_show_timer (self, 0, 0, FALSE);
}
