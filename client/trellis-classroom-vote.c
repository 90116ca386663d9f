/* trellis-classroom-vote.c
 *
 * Shows the participant's session object: the decision point the trainer
 * shows, a button per choice to vote with, and the group's anonymous votes
 * once the trainer reveals them. The view keeps nothing the server did not
 * send; a vote shows as given only when the session says so ("my_vote").
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-classroom"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-block-view.h"
#include "trellis-classroom-vote.h"
#include "trellis-vote-chart.h"

#define MAX_KEYED_CHOICES 9

struct _TrellisClassroomVote
{
  AdwBin            parent_instance;

  TrellisClassroom *classroom;
  TrLang            lang;
  GCancellable     *cancellable;
  char             *shown_step;       /* "SCENARIO/NODE/N" whose texts and buttons are built */
  GPtrArray        *choice_buttons;   /* GtkWidget*, in the order shown */

  GtkLabel         *session_label;
  GtkStack         *stack;
  GtkLabel         *step_title_label;
  GtkWidget        *situation_box;
  GtkWidget        *choices_heading;
  GtkWidget        *choices_box;
  GtkLabel         *voted_label;
  GtkLabel         *error_label;
  GtkWidget        *chart_box;
  TrellisVoteChart *vote_chart;
  GtkLabel         *ending_title_label;
  GtkLabel         *verdict_label;
  GtkWidget        *ending_box;
};

G_DEFINE_FINAL_TYPE (TrellisClassroomVote, trellis_classroom_vote, ADW_TYPE_BIN)

static const char *
text (TrellisClassroomVote *self,
      const TrText         *tr_text)
{
  return tr_text_get (tr_text, self->lang);
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
}

static GtkWidget *
block_view_new (TrellisClassroomVote *self,
                const TrText         *tr_text)
{
  GtkWidget *view = trellis_block_view_new ();
  TrCourse *course = trellis_classroom_get_course (self->classroom);

  trellis_block_view_set_markdown (TRELLIS_BLOCK_VIEW (view), text (self, tr_text), tr_course_get_dir (course));
  gtk_widget_set_margin_top (view, 12);
  gtk_widget_set_margin_bottom (view, 12);
  gtk_widget_set_margin_start (view, 12);
  gtk_widget_set_margin_end (view, 12);
  return view;
}

static const char *
choice_label (TrellisClassroomVote *self,
              const TrScenarioNode *node,
              const char           *choice_id)
{
  const TrChoice *choice = trellis_classroom_find_choice (node, choice_id);

  return choice != NULL ? text (self, &choice->text) : choice_id;
}

static JsonArray *
step_choices (JsonObject *step)
{
  JsonNode *choices = json_object_get_member (step, "choices");

  return choices != NULL && JSON_NODE_HOLDS_ARRAY (choices) ? json_node_get_array (choices) : NULL;
}

static void
vote_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  TrellisClassroomVote *self;

  if (trellis_classroom_request_finish (TRELLIS_CLASSROOM (source), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  gtk_label_set_label (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static void
choice_clicked_cb (TrellisClassroomVote *self,
                   GtkButton            *button)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  trellis_classroom_vote_async (self->classroom, g_object_get_data (G_OBJECT (button), "trellis-choice"),
                                self->cancellable, vote_done_cb, self);
}

static void
build_step (TrellisClassroomVote *self,
            JsonObject           *step,
            const TrScenario     *scenario,
            const TrScenarioNode *node,
            guint                 n_steps)
{
  JsonArray *choices = step_choices (step);
  const char *scenario_title = scenario != NULL ? text (self, &scenario->title)
                                                : json_object_get_string_member_with_default (step, "scenario", "");
  /* Translators: %s is a scenario's title, %u the number of the decision in it */
  g_autofree char *title = g_strdup_printf (_("%s: decision %u"), scenario_title, n_steps + 1);

  clear_box (self->situation_box);
  clear_box (self->choices_box);
  g_ptr_array_set_size (self->choice_buttons, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  gtk_label_set_label (self->step_title_label, title);
  if (node != NULL)
    gtk_box_append (GTK_BOX (self->situation_box), block_view_new (self, &node->text));
  gtk_widget_set_visible (self->situation_box, node != NULL);

  for (guint i = 0; choices != NULL && i < json_array_get_length (choices); i++)
    {
      JsonObject *choice = json_array_get_object_element (choices, i);
      const char *id = choice != NULL ? json_object_get_string_member_with_default (choice, "id", NULL) : NULL;
      g_autofree char *label = NULL;
      GtkWidget *button, *child;

      if (id == NULL)
        continue;
      /* Translators: a numbered choice, "1. Ask him what he meant." */
      label = g_strdup_printf (_("%u. %s"), i + 1, choice_label (self, node, id));
      button = gtk_button_new_with_label (label);
      child = gtk_button_get_child (GTK_BUTTON (button));
      gtk_label_set_wrap (GTK_LABEL (child), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (child), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      gtk_widget_set_margin_top (child, 6);
      gtk_widget_set_margin_bottom (child, 6);
      g_object_set_data_full (G_OBJECT (button), "trellis-choice", g_strdup (id), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (choice_clicked_cb), self, G_CONNECT_SWAPPED);
      gtk_box_append (GTK_BOX (self->choices_box), button);
      g_ptr_array_add (self->choice_buttons, button);
    }
  if (self->choice_buttons->len > 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (g_ptr_array_index (self->choice_buttons, 0));
}

static void
show_vote (TrellisClassroomVote *self,
           JsonObject           *step,
           const TrScenarioNode *node)
{
  JsonArray *choices = step_choices (step);
  const char *my_vote = json_object_get_string_member_with_default (step, "my_vote", NULL);
  gboolean revealed = json_object_get_boolean_member_with_default (step, "revealed", FALSE);
  guint n = choices != NULL ? json_array_get_length (choices) : 0;
  g_autofree const char **labels = g_new0 (const char *, n + 1);
  g_autofree int *counts = g_new0 (int, n + 1);

  for (guint i = 0; i < self->choice_buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->choice_buttons, i);
      gboolean mine = g_strcmp0 (g_object_get_data (G_OBJECT (button), "trellis-choice"), my_vote) == 0;

      if (mine)
        gtk_widget_add_css_class (button, "suggested-action");
      else
        gtk_widget_remove_css_class (button, "suggested-action");
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      mine ? _("Your vote") : "", -1);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->voted_label), my_vote != NULL);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *choice = json_array_get_object_element (choices, i);
      JsonNode *count = choice != NULL ? json_object_get_member (choice, "count") : NULL;

      labels[i] = choice_label (self, node, choice != NULL ? json_object_get_string_member_with_default (choice, "id", "?")
                                                           : "?");
      counts[i] = count != NULL && JSON_NODE_HOLDS_VALUE (count) ? (int) json_node_get_int (count) : -1;
    }
  trellis_vote_chart_set_votes (self->vote_chart, labels, counts, n, revealed);
  gtk_widget_set_visible (self->chart_box, revealed);
}

static void
show_ending (TrellisClassroomVote *self,
             JsonObject           *step,
             const TrScenario     *scenario,
             const TrScenarioNode *node)
{
  static const char * const verdicts[] = { N_("Good outcome"), N_("Mixed outcome"), N_("Poor outcome") };
  /* Translators: %s is a scenario's title */
  g_autofree char *title = g_strdup_printf (_("%s: the ending"),
                                            scenario != NULL ? text (self, &scenario->title)
                                                             : json_object_get_string_member_with_default (step, "scenario", ""));

  gtk_label_set_label (self->ending_title_label, title);
  gtk_label_set_label (self->verdict_label, node != NULL && node->verdict < G_N_ELEMENTS (verdicts)
                                            ? _(verdicts[node->verdict]) : _("The story ends here"));
  clear_box (self->ending_box);
  if (node != NULL)
    gtk_box_append (GTK_BOX (self->ending_box), block_view_new (self, &node->text));
  if (node != NULL && tr_text_is_set (&node->ending_summary))
    gtk_box_append (GTK_BOX (self->ending_box), block_view_new (self, &node->ending_summary));
  gtk_widget_set_visible (self->ending_box, node != NULL);
}

static void
render (TrellisClassroomVote *self)
{
  JsonObject *session = trellis_classroom_get_session (self->classroom);
  TrCourse *course = trellis_classroom_get_course (self->classroom);
  JsonObject *step = trellis_classroom_session_get_step (session);
  const char *scenario_id, *node_id;
  const TrScenario *scenario;
  const TrScenarioNode *node;
  JsonNode *path;
  guint n_steps;
  g_autofree char *heading = NULL;
  g_autofree char *key = NULL;

  if (session == NULL)
    return;
  /* Translators: "Session: <course title> with <trainer's name>" */
  heading = g_strdup_printf (_("Session: %s with %s"),
                             course != NULL ? text (self, tr_course_get_title (course))
                                            : json_object_get_string_member_with_default (session, "course", ""),
                             json_object_get_string_member_with_default (session, "trainer", ""));
  gtk_label_set_label (self->session_label, heading);

  if (trellis_classroom_is_ended (self->classroom))
    {
      gtk_stack_set_visible_child_name (self->stack, "ended");
      return;
    }
  if (step == NULL)
    {
      g_clear_pointer (&self->shown_step, g_free);
      gtk_stack_set_visible_child_name (self->stack, "waiting");
      return;
    }

  scenario_id = json_object_get_string_member_with_default (step, "scenario", NULL);
  node_id = json_object_get_string_member_with_default (step, "node", NULL);
  scenario = course != NULL && scenario_id != NULL ? tr_course_find_scenario (course, scenario_id) : NULL;
  node = scenario != NULL && node_id != NULL ? tr_scenario_get_node (scenario, node_id) : NULL;
  path = json_object_get_member (step, "path");
  n_steps = path != NULL && JSON_NODE_HOLDS_ARRAY (path) ? json_array_get_length (json_node_get_array (path)) : 0;

  if (json_object_get_boolean_member_with_default (step, "ending", node != NULL && node->is_ending))
    {
      show_ending (self, step, scenario, node);
      g_clear_pointer (&self->shown_step, g_free);
      gtk_stack_set_visible_child_name (self->stack, "ending");
      return;
    }

  key = g_strdup_printf ("%s/%s/%u", scenario_id, node_id, n_steps);
  gtk_stack_set_visible_child_name (self->stack, "step");
  if (g_strcmp0 (key, self->shown_step) != 0)
    {
      build_step (self, step, scenario, node, n_steps);
      g_free (self->shown_step);
      self->shown_step = g_steal_pointer (&key);
    }
  show_vote (self, step, node);
}

/* Fills the view from @session, a session object as a participant sees
 * it, as if the server had sent it. */
void
trellis_classroom_vote_show_session (TrellisClassroomVote *self,
                                     JsonObject           *session)
{
  g_return_if_fail (TRELLIS_IS_CLASSROOM_VOTE (self));
  g_return_if_fail (session != NULL);

  trellis_classroom_set_session (self->classroom, session);
}

/* "waiting", "step", "ending" or "ended". */
const char *
trellis_classroom_vote_get_page (TrellisClassroomVote *self)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM_VOTE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

static void
choose_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TrellisClassroomVote *self = TRELLIS_CLASSROOM_VOTE (widget);
  guint number = g_variant_get_uint32 (parameter);

  if (g_strcmp0 (trellis_classroom_vote_get_page (self), "step") != 0 ||
      number < 1 || number > self->choice_buttons->len)
    return;
  g_signal_emit_by_name (g_ptr_array_index (self->choice_buttons, number - 1), "clicked");
}

GtkWidget *
trellis_classroom_vote_new (TrellisClassroom *classroom,
                            TrLang            lang)
{
  TrellisClassroomVote *self;

  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (classroom), NULL);
  g_return_val_if_fail (lang < TR_N_LANGS, NULL);

  self = g_object_new (TRELLIS_TYPE_CLASSROOM_VOTE, NULL);
  self->classroom = g_object_ref (classroom);
  self->lang = lang;
  g_signal_connect_object (classroom, "notify::session", G_CALLBACK (render), self, G_CONNECT_SWAPPED);
  render (self);
  return GTK_WIDGET (self);
}

static void
trellis_classroom_vote_dispose (GObject *object)
{
  TrellisClassroomVote *self = TRELLIS_CLASSROOM_VOTE (object);

  g_cancellable_cancel (self->cancellable);
  g_ptr_array_set_size (self->choice_buttons, 0);
  /* The template's scrolled window is the bin's child: take it from the
   * bin first, or both would unparent it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRELLIS_TYPE_CLASSROOM_VOTE);
  g_clear_object (&self->classroom);

  G_OBJECT_CLASS (trellis_classroom_vote_parent_class)->dispose (object);
}

static void
trellis_classroom_vote_finalize (GObject *object)
{
  TrellisClassroomVote *self = TRELLIS_CLASSROOM_VOTE (object);

  g_clear_object (&self->cancellable);
  g_free (self->shown_step);
  g_ptr_array_unref (self->choice_buttons);

  G_OBJECT_CLASS (trellis_classroom_vote_parent_class)->finalize (object);
}

static void
trellis_classroom_vote_class_init (TrellisClassroomVoteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_classroom_vote_dispose;
  object_class->finalize = trellis_classroom_vote_finalize;

  /* Number keys vote for the choice with that number. */
  gtk_widget_class_install_action (widget_class, "vote.choose", "u", choose_action_cb);
  for (guint i = 1; i <= MAX_KEYED_CHOICES; i++)
    {
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0 + i, 0, "vote.choose", "u", i);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0 + i, 0, "vote.choose", "u", i);
    }

  g_type_ensure (TRELLIS_TYPE_VOTE_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-classroom-vote.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, session_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, step_title_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, situation_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, choices_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, choices_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, voted_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, error_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, chart_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, vote_chart);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, ending_title_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomVote, ending_box);
}

static void
trellis_classroom_vote_init (TrellisClassroomVote *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->choice_buttons = g_ptr_array_new ();
}
