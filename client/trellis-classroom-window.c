/* trellis-classroom-window.c
 *
 * Everything shown comes from the session object (docs/api.md): the
 * window redraws itself whenever the controller has a new one. Texts come
 * from the course on this device; ids only where the course lacks them.
 * The screen may be on a projector: the join code is large, and votes stay
 * hidden until the trainer reveals them.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-classroom"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-block-view.h"
#include "trellis-classroom-window.h"
#include "trellis-qr-code.h"
#include "trellis-vote-chart.h"

#define OFFLINE_MS  (30 * 1000)
#define REFRESH_S   10

struct _TrellisClassroomWindow
{
  AdwWindow         parent_instance;

  TrellisClassroom *classroom;
  TrLang            lang;
  GCancellable     *cancellable;
  guint             refresh_id;
  char             *shown_course;    /* the course whose scenarios the drop-down lists */
  char             *shown_step;      /* "SCENARIO/NODE" whose texts and buttons are built */
  GPtrArray        *scenario_ids;    /* char*, in the drop-down's order */

  AdwToastOverlay  *toast_overlay;
  AdwWindowTitle   *window_title;
  GtkWidget        *end_button;
  GtkWidget        *export_button;
  GtkStack         *stack;
  AdwStatusPage    *error_page;
  GtkWidget        *ended_label;
  GtkWidget        *join_box;
  GtkLabel         *code_label;
  GtkLabel         *join_url_label;
  GtkDrawingArea   *qr_area;
  GtkLabel         *participants_heading;
  GtkWidget        *no_participants_label;
  GtkListBox       *participants_list;
  GtkWidget        *lead_box;
  GtkDropDown      *scenario_dropdown;
  GtkWidget        *no_step_label;
  GtkWidget        *step_box;
  GtkLabel         *step_title_label;
  GtkWidget        *situation_box;
  GtkWidget        *votes_box;
  GtkLabel         *vote_count_label;
  GtkButton        *reveal_button;
  TrellisVoteChart *vote_chart;
  GtkWidget        *move_on_box;
  GtkLabel         *ending_label;

  gboolean          close_confirmed;
};

G_DEFINE_FINAL_TYPE (TrellisClassroomWindow, trellis_classroom_window, ADW_TYPE_WINDOW)

static void
show_toast (TrellisClassroomWindow *self,
            const char             *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static const char *
text (TrellisClassroomWindow *self,
      const TrText           *tr_text)
{
  return tr_text_get (tr_text, self->lang);
}

static TrCourse *
course (TrellisClassroomWindow *self)
{
  return trellis_classroom_get_course (self->classroom);
}

static gint64
member_time (JsonObject *object,
             const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : 0;
}

/* "just now", "2 min ago", "3 h ago", or a date. */
static char *
format_ago (gint64 then_ms,
            gint64 now_ms)
{
  gint64 seconds = MAX (now_ms - then_ms, 0) / 1000;
  g_autoptr(GDateTime) date = NULL;

  if (seconds < 60)
    return g_strdup (_("just now"));
  if (seconds < 60 * 60)
    return g_strdup_printf (_("%d min ago"), (int) (seconds / 60));
  if (seconds < 24 * 60 * 60)
    return g_strdup_printf (_("%d h ago"), (int) (seconds / 3600));
  date = g_date_time_new_from_unix_local (then_ms / 1000);
  return date != NULL ? g_date_time_format (date, "%x") : g_strdup ("?");
}

static char *
format_clock (gint64 ms)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_local (ms / 1000);

  return date != NULL ? g_date_time_format (date, "%H:%M") : g_strdup ("?");
}

/* Where a participant is, as the course names it: the object of their
 * newest event ("lesson/ID", "scenario/ID/…", "signal-exercise/ID", "quiz"). */
static char *
format_place (TrellisClassroomWindow *self,
              JsonObject             *position)
{
  const char *object = position != NULL ? json_object_get_string_member_with_default (position, "object", NULL) : NULL;
  TrCourse *model = course (self);
  g_auto(GStrv) parts = NULL;

  if (object == NULL)
    return g_strdup (_("Not started yet"));
  parts = g_strsplit (object, "/", 3);
  if (g_strcmp0 (parts[0], "quiz") == 0)
    return g_strdup (_("Quiz"));
  if (parts[1] == NULL)
    return g_strdup (object);
  if (g_strcmp0 (parts[0], "lesson") == 0)
    {
      const TrLesson *lesson = model != NULL ? tr_course_find_lesson (model, parts[1]) : NULL;

      /* Translators: where a participant is; %s is a lesson's title */
      return g_strdup_printf (_("Lesson “%s”"), lesson != NULL ? text (self, &lesson->title) : parts[1]);
    }
  if (g_strcmp0 (parts[0], "scenario") == 0)
    {
      const TrScenario *scenario = model != NULL ? tr_course_find_scenario (model, parts[1]) : NULL;

      /* Translators: where a participant is; %s is a scenario's title */
      return g_strdup_printf (_("Scenario “%s”"), scenario != NULL ? text (self, &scenario->title) : parts[1]);
    }
  if (g_strcmp0 (parts[0], "signal-exercise") == 0)
    {
      const TrSignalExercise *exercise = model != NULL ? tr_course_find_signal_exercise (model, parts[1]) : NULL;

      /* Translators: where a participant is; %s is a signal exercise's title */
      return g_strdup_printf (_("Signal exercise “%s”"), exercise != NULL ? text (self, &exercise->title) : parts[1]);
    }
  return g_strdup (object);
}

static GtkWidget *
badge_new (const char *icon_name,
           const char *label,
           const char *css_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *text_label = gtk_label_new (label);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon_name));
  gtk_box_append (GTK_BOX (box), text_label);
  gtk_widget_add_css_class (box, css_class);
  gtk_widget_add_css_class (box, "classroom-badge");
  return box;
}

static GtkWidget *
participant_row_new (TrellisClassroomWindow *self,
                     JsonObject             *participant,
                     gint64                  now_ms)
{
  GtkWidget *row = adw_action_row_new ();
  JsonNode *position_node = json_object_get_member (participant, "position");
  JsonObject *position = position_node != NULL && JSON_NODE_HOLDS_OBJECT (position_node)
                         ? json_node_get_object (position_node) : NULL;
  gint64 joined = member_time (participant, "joined");
  gint64 last_sync = member_time (participant, "last_sync");
  gint64 last_seen = member_time (participant, "last_seen");
  gint64 pending = member_time (participant, "pending");
  g_autofree char *place = format_place (self, position);
  g_autofree char *joined_text = format_clock (joined);
  g_autofree char *ago = last_sync > 0 ? format_ago (last_sync, now_ms) : NULL;
  g_autofree char *synced = last_sync > 0 ? g_strdup_printf (_("synced %s"), ago) : g_strdup (_("never synced"));
  g_autofree char *pending_text = pending > 0 ? g_strdup_printf (ngettext ("%d event not sent yet",
                                                                          "%d events not sent yet", (int) pending),
                                                                (int) pending)
                                              : g_strdup (_("nothing left to send"));
  g_autofree char *subtitle = NULL;

  /* Translators: a participant's row: place · joined at 10:13 · synced 2 min ago · 3 events not sent yet */
  subtitle = g_strdup_printf (_("%s · joined at %s · %s · %s"), place, joined_text, synced, pending_text);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 json_object_get_string_member_with_default (participant, "name", "?"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  g_object_set_data_full (G_OBJECT (row), "trellis-place", g_steal_pointer (&place), g_free);

  if (json_object_get_boolean_member_with_default (participant, "voted", FALSE))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge_new ("emblem-ok-symbolic", _("Voted"), "success"));
  if (last_seen == 0 || now_ms - last_seen > OFFLINE_MS)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge_new ("network-offline-symbolic", _("Offline"), "warning"));
  return row;
}

static void
show_participants (TrellisClassroomWindow *self,
                   JsonObject             *session)
{
  JsonNode *node = json_object_get_member (session, "participants");
  JsonArray *participants = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  guint n = participants != NULL ? json_array_get_length (participants) : 0;
  gint64 now_ms = g_get_real_time () / 1000;
  g_autofree char *heading = g_strdup_printf (ngettext ("%u Participant", "%u Participants", n), n);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->participants_list))) != NULL)
    gtk_list_box_remove (self->participants_list, child);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *participant = json_array_get_object_element (participants, i);

      if (participant != NULL)
        gtk_list_box_append (self->participants_list, participant_row_new (self, participant, now_ms));
    }
  gtk_label_set_label (self->participants_heading, heading);
  gtk_widget_set_visible (GTK_WIDGET (self->participants_list), n > 0);
  gtk_widget_set_visible (self->no_participants_label, n == 0);
}

static void
fill_scenarios (TrellisClassroomWindow *self)
{
  TrCourse *model = course (self);
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);
  GPtrArray *scenarios = model != NULL ? tr_course_get_scenarios (model) : NULL;

  if (g_strcmp0 (self->shown_course, model != NULL ? tr_course_get_id (model) : NULL) == 0)
    return;
  g_free (self->shown_course);
  self->shown_course = model != NULL ? g_strdup (tr_course_get_id (model)) : NULL;
  g_ptr_array_set_size (self->scenario_ids, 0);
  for (guint i = 0; scenarios != NULL && i < scenarios->len; i++)
    {
      const TrScenario *scenario = g_ptr_array_index (scenarios, i);

      gtk_string_list_append (titles, text (self, &scenario->title));
      g_ptr_array_add (self->scenario_ids, g_strdup (scenario->id));
    }
  gtk_drop_down_set_model (self->scenario_dropdown, G_LIST_MODEL (titles));
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
}

static GtkWidget *
block_view_new (TrellisClassroomWindow *self,
                const TrText           *tr_text)
{
  GtkWidget *view = trellis_block_view_new ();

  trellis_block_view_set_markdown (TRELLIS_BLOCK_VIEW (view), text (self, tr_text), tr_course_get_dir (course (self)));
  gtk_widget_set_margin_top (view, 12);
  gtk_widget_set_margin_bottom (view, 12);
  gtk_widget_set_margin_start (view, 12);
  gtk_widget_set_margin_end (view, 12);
  return view;
}

static const char *
choice_label (TrellisClassroomWindow *self,
              const TrScenarioNode   *node,
              const char             *choice_id)
{
  const TrChoice *choice = trellis_classroom_find_choice (node, choice_id);

  return choice != NULL ? text (self, &choice->text) : choice_id;
}

/* The situation and the buttons to move on: built again only when the
 * group reached another decision point, so that focus stays put. */
static void
build_step (TrellisClassroomWindow *self,
            JsonObject             *step,
            const TrScenario       *scenario,
            const TrScenarioNode   *node)
{
  static const char * const verdicts[] = { N_("Good outcome"), N_("Mixed outcome"), N_("Poor outcome") };
  JsonNode *choices_node = json_object_get_member (step, "choices");
  JsonArray *choices = choices_node != NULL && JSON_NODE_HOLDS_ARRAY (choices_node) ? json_node_get_array (choices_node)
                                                                                    : NULL;
  gboolean ending = json_object_get_boolean_member_with_default (step, "ending", node != NULL && node->is_ending);
  JsonNode *path_node = json_object_get_member (step, "path");
  guint n_steps = path_node != NULL && JSON_NODE_HOLDS_ARRAY (path_node)
                  ? json_array_get_length (json_node_get_array (path_node)) : 0;
  const char *scenario_title = scenario != NULL ? text (self, &scenario->title)
                                                : json_object_get_string_member_with_default (step, "scenario", "");
  g_autofree char *title = NULL;

  clear_box (self->situation_box);
  clear_box (self->move_on_box);

  if (ending)
    {
      /* Translators: %s is a scenario's title */
      title = g_strdup_printf (_("%s: the ending"), scenario_title);
    }
  else
    {
      /* Translators: %s is a scenario's title, %u the number of the decision in it */
      title = g_strdup_printf (_("%s: decision %u"), scenario_title, n_steps + 1);
    }
  gtk_label_set_label (self->step_title_label, title);

  if (node != NULL)
    gtk_box_append (GTK_BOX (self->situation_box), block_view_new (self, &node->text));
  if (node != NULL && ending && tr_text_is_set (&node->ending_summary))
    gtk_box_append (GTK_BOX (self->situation_box), block_view_new (self, &node->ending_summary));
  gtk_widget_set_visible (self->situation_box, node != NULL);

  gtk_widget_set_visible (self->votes_box, !ending);
  gtk_widget_set_visible (GTK_WIDGET (self->ending_label), ending);
  if (ending)
    gtk_label_set_label (self->ending_label, node != NULL && node->verdict < G_N_ELEMENTS (verdicts)
                                             ? _(verdicts[node->verdict]) : _("The story ends here"));

  for (guint i = 0; !ending && choices != NULL && i < json_array_get_length (choices); i++)
    {
      JsonObject *choice = json_array_get_object_element (choices, i);
      const char *id = choice != NULL ? json_object_get_string_member_with_default (choice, "id", NULL) : NULL;
      g_autofree char *label = NULL;
      g_autofree char *accessible = NULL;
      GtkWidget *button, *child;

      if (id == NULL)
        continue;
      /* Translators: a numbered choice, "1. Ask him what he meant." */
      label = g_strdup_printf (_("%u. %s"), i + 1, choice_label (self, node, id));
      /* Translators: the accessible name of a button that moves the group on; %s is the choice */
      accessible = g_strdup_printf (_("Move on with: %s"), choice_label (self, node, id));
      button = gtk_button_new_with_label (label);
      child = gtk_button_get_child (GTK_BUTTON (button));
      gtk_label_set_wrap (GTK_LABEL (child), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (child), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "classroom.move-on");
      gtk_box_append (GTK_BOX (self->move_on_box), button);
    }
}

static void
show_votes (TrellisClassroomWindow *self,
            JsonObject             *session,
            JsonObject             *step,
            const TrScenarioNode   *node)
{
  JsonNode *choices_node = json_object_get_member (step, "choices");
  JsonArray *choices = choices_node != NULL && JSON_NODE_HOLDS_ARRAY (choices_node) ? json_node_get_array (choices_node)
                                                                                    : NULL;
  JsonNode *participants = json_object_get_member (session, "participants");
  guint n_participants = participants != NULL && JSON_NODE_HOLDS_ARRAY (participants)
                         ? json_array_get_length (json_node_get_array (participants)) : 0;
  int votes = (int) member_time (step, "votes");
  gboolean revealed = json_object_get_boolean_member_with_default (step, "revealed", FALSE);
  guint n = choices != NULL ? json_array_get_length (choices) : 0;
  g_autofree const char **labels = g_new0 (const char *, n + 1);
  g_autofree int *counts = g_new0 (int, n + 1);
  g_autofree char *count_text = NULL;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *choice = json_array_get_object_element (choices, i);
      JsonNode *count = choice != NULL ? json_object_get_member (choice, "count") : NULL;

      labels[i] = choice_label (self, node, choice != NULL ? json_object_get_string_member_with_default (choice, "id", "?")
                                                           : "?");
      counts[i] = count != NULL && JSON_NODE_HOLDS_VALUE (count) ? (int) json_node_get_int (count) : -1;
    }
  trellis_vote_chart_set_votes (self->vote_chart, labels, counts, n, revealed);

  /* Translators: "3 of 5 voted" */
  count_text = g_strdup_printf (_("%d of %u voted"), votes, n_participants);
  gtk_label_set_label (self->vote_count_label, count_text);
  gtk_button_set_label (self->reveal_button, revealed ? _("_Hide Votes") : _("_Reveal Votes"));
}

static void
show_step (TrellisClassroomWindow *self,
           JsonObject             *session)
{
  JsonObject *step = trellis_classroom_session_get_step (session);
  const char *scenario_id = step != NULL ? json_object_get_string_member_with_default (step, "scenario", NULL) : NULL;
  const char *node_id = step != NULL ? json_object_get_string_member_with_default (step, "node", NULL) : NULL;
  const TrScenario *scenario = scenario_id != NULL && course (self) != NULL
                               ? tr_course_find_scenario (course (self), scenario_id) : NULL;
  const TrScenarioNode *node = scenario != NULL && node_id != NULL ? tr_scenario_get_node (scenario, node_id) : NULL;
  JsonNode *path = step != NULL ? json_object_get_member (step, "path") : NULL;
  g_autofree char *key = NULL;

  gtk_widget_set_visible (self->no_step_label, step == NULL);
  gtk_widget_set_visible (self->step_box, step != NULL);
  if (step == NULL)
    {
      g_clear_pointer (&self->shown_step, g_free);
      return;
    }
  key = g_strdup_printf ("%s/%s/%u", scenario_id, node_id,
                         path != NULL && JSON_NODE_HOLDS_ARRAY (path) ? json_array_get_length (json_node_get_array (path)) : 0);
  if (g_strcmp0 (key, self->shown_step) != 0)
    {
      build_step (self, step, scenario, node);
      g_free (self->shown_step);
      self->shown_step = g_steal_pointer (&key);
    }
  show_votes (self, session, step, node);
}

static void
update_actions (TrellisClassroomWindow *self)
{
  JsonObject *session = trellis_classroom_get_session (self->classroom);
  JsonObject *step = trellis_classroom_session_get_step (session);
  gboolean running = session != NULL && !trellis_classroom_is_ended (self->classroom);
  gboolean ending = step != NULL && json_object_get_boolean_member_with_default (step, "ending", FALSE);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "classroom.show-scenario",
                                 running && self->scenario_ids->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "classroom.reveal", running && step != NULL && !ending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "classroom.move-on", running && step != NULL && !ending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "classroom.end", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "classroom.export-attendance", session != NULL);
}

static void
render (TrellisClassroomWindow *self)
{
  JsonObject *session = trellis_classroom_get_session (self->classroom);
  TrCourse *model = course (self);
  const char *code, *join_url, *trainer;
  gboolean ended;
  g_autofree char *subtitle = NULL;
  g_autofree char *spoken_code = NULL;
  g_autoptr(GString) spaced = g_string_new (NULL);

  update_actions (self);
  if (session == NULL)
    return;

  ended = trellis_classroom_is_ended (self->classroom);
  code = json_object_get_string_member_with_default (session, "code", "");
  join_url = json_object_get_string_member_with_default (session, "join_url", NULL);
  trainer = json_object_get_string_member_with_default (session, "trainer", "");
  /* Translators: the classroom window's subtitle: course · trainer */
  subtitle = g_strdup_printf (_("%s · %s"), model != NULL ? text (self, tr_course_get_title (model))
                                                          : json_object_get_string_member_with_default (session, "course", ""),
                              trainer);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  gtk_label_set_label (self->code_label, code);
  /* Read out one character at a time. */
  for (const char *c = code; *c != '\0'; c++)
    g_string_append_printf (spaced, "%s%c", c == code ? "" : " ", *c);
  /* Translators: the accessible name of the join code; %s is the code, spelled */
  spoken_code = g_strdup_printf (_("Join code: %s"), spaced->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->code_label), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken_code, -1);
  gtk_label_set_label (self->join_url_label, join_url != NULL ? join_url : "");
  gtk_widget_set_visible (GTK_WIDGET (self->join_url_label), join_url != NULL);
  trellis_qr_code_area_set_text (self->qr_area, join_url);
  gtk_widget_set_visible (GTK_WIDGET (self->qr_area), join_url != NULL);

  gtk_widget_set_visible (self->join_box, !ended);
  gtk_widget_set_visible (self->ended_label, ended);
  gtk_widget_set_visible (self->end_button, !ended);
  gtk_widget_set_visible (self->export_button, ended);
  gtk_widget_set_sensitive (self->lead_box, !ended);
  gtk_widget_set_sensitive (self->move_on_box, !ended);

  fill_scenarios (self);
  show_participants (self, session);
  show_step (self, session);
  update_actions (self);
  gtk_stack_set_visible_child_name (self->stack, "session");
}

static void
session_changed_cb (TrellisClassroomWindow *self)
{
  render (self);
}

/* Relative times ("2 min ago", offline) age without news from the server. */
static gboolean
refresh_cb (gpointer user_data)
{
  TrellisClassroomWindow *self = user_data;
  JsonObject *session = trellis_classroom_get_session (self->classroom);

  if (session != NULL)
    show_participants (self, session);
  return G_SOURCE_CONTINUE;
}

/* Requests. */

static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  TrellisClassroomWindow *self;

  if (trellis_classroom_request_finish (TRELLIS_CLASSROOM (source), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  show_toast (self, error->message);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean started = trellis_classroom_request_finish (TRELLIS_CLASSROOM (source), result, &error);
  TrellisClassroomWindow *self;

  /* Cancelled: the window is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  if (started)
    {
      if (trellis_classroom_get_resumed (self->classroom))
        show_toast (self, _("Back in your running session: who joined is still here"));
      return;
    }
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

void
trellis_classroom_window_start (TrellisClassroomWindow *self,
                                const char             *course_id)
{
  g_return_if_fail (TRELLIS_IS_CLASSROOM_WINDOW (self));
  g_return_if_fail (course_id != NULL);

  gtk_stack_set_visible_child_name (self->stack, "starting");
  trellis_classroom_create_async (self->classroom, course_id, self->cancellable, created_cb, self);
}

/* Fills the window from @session, a session object as the trainer sees
 * it, as if the server had sent it. */
void
trellis_classroom_window_show_session (TrellisClassroomWindow *self,
                                       JsonObject             *session)
{
  g_return_if_fail (TRELLIS_IS_CLASSROOM_WINDOW (self));
  g_return_if_fail (session != NULL);

  trellis_classroom_set_session (self->classroom, session);
}

TrellisClassroom *
trellis_classroom_window_get_classroom (TrellisClassroomWindow *self)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM_WINDOW (self), NULL);
  return self->classroom;
}

/* Actions. */

static void
show_scenario_action_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TrellisClassroomWindow *self = TRELLIS_CLASSROOM_WINDOW (widget);
  guint selected = gtk_drop_down_get_selected (self->scenario_dropdown);
  const TrScenario *scenario;

  if (selected >= self->scenario_ids->len || course (self) == NULL)
    return;
  scenario = tr_course_find_scenario (course (self), g_ptr_array_index (self->scenario_ids, selected));
  if (scenario == NULL)
    return;
  trellis_classroom_show_node_async (self->classroom, scenario->id, scenario->start, self->cancellable,
                                     request_done_cb, self);
}

static void
reveal_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TrellisClassroomWindow *self = TRELLIS_CLASSROOM_WINDOW (widget);
  JsonObject *step = trellis_classroom_session_get_step (trellis_classroom_get_session (self->classroom));

  if (step == NULL)
    return;
  trellis_classroom_reveal_async (self->classroom, !json_object_get_boolean_member_with_default (step, "revealed", FALSE),
                                  self->cancellable, request_done_cb, self);
}

static void
move_on_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TrellisClassroomWindow *self = TRELLIS_CLASSROOM_WINDOW (widget);

  trellis_classroom_move_on_async (self->classroom, g_variant_get_string (parameter, NULL), self->cancellable,
                                   request_done_cb, self);
}

static void
ended_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  TrellisClassroomWindow *self;

  if (!trellis_classroom_request_finish (TRELLIS_CLASSROOM (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  if (error != NULL)
    {
      show_toast (self, error->message);
      return;
    }
  show_toast (self, _("The session has ended"));
  if (gtk_widget_get_visible (self->export_button))
    gtk_widget_grab_focus (self->export_button);
}

/* A question before the session ends: Cancel, (Keep Running,) End Session. */
static void
ask_to_end (TrellisClassroomWindow *self,
            const char             *heading,
            const char             *body,
            gboolean                offer_keep,
            GCallback               response_cb)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  if (offer_keep)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "keep", _("_Keep Running"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "end", _("_End Session"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "end", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", response_cb, self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
end_response_cb (AdwMessageDialog       *dialog,
                 const char             *response,
                 TrellisClassroomWindow *self)
{
  if (g_strcmp0 (response, "end") == 0)
    trellis_classroom_end_async (self->classroom, self->cancellable, ended_cb, self);
}

static void
end_action_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TrellisClassroomWindow *self = TRELLIS_CLASSROOM_WINDOW (widget);

  ask_to_end (self, _("End the Session?"),
              _("The code stops working and nobody else can join. Who took part is kept for the attendance."),
              FALSE, G_CALLBACK (end_response_cb));
}

/* Closing the trainer's window while the session runs: it may go on
 * without the window (starting a session of the course again comes back
 * to it) or end here, so that its attendance is kept. */

static void
close_now (TrellisClassroomWindow *self)
{
  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
ended_then_close_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean ended = trellis_classroom_request_finish (TRELLIS_CLASSROOM (source), result, &error);
  TrellisClassroomWindow *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  if (!ended)
    {
      show_toast (self, error->message);
      return;
    }
  close_now (self);
}

static gboolean
close_idle_cb (gpointer user_data)
{
  close_now (user_data);
  return G_SOURCE_REMOVE;
}

static void
close_response_cb (AdwMessageDialog       *dialog,
                   const char             *response,
                   TrellisClassroomWindow *self)
{
  /* Not from within the response: the dialog must go before its parent. */
  if (g_strcmp0 (response, "keep") == 0)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_idle_cb, g_object_ref (self), g_object_unref);
  else if (g_strcmp0 (response, "end") == 0)
    trellis_classroom_end_async (self->classroom, self->cancellable, ended_then_close_cb, self);
}

static gboolean
trellis_classroom_window_close_request (GtkWindow *window)
{
  TrellisClassroomWindow *self = TRELLIS_CLASSROOM_WINDOW (window);

  if (self->close_confirmed || self->classroom == NULL ||
      !trellis_classroom_is_trainer (self->classroom) ||
      trellis_classroom_get_id (self->classroom) == NULL ||
      trellis_classroom_is_ended (self->classroom))
    return GTK_WINDOW_CLASS (trellis_classroom_window_parent_class)->close_request (window);

  ask_to_end (self, _("Leave the Session Running?"),
              _("Learners stay in the session while this window is closed. Start a session of this course "
                "again to come back to it, or end it now to keep the attendance."),
              TRUE, G_CALLBACK (close_response_cb));
  return TRUE;
}

/* Exporting: the CSV is fetched first, so that a refusal shows before
 * asking where to save; then written off the main thread. */

static void
file_saved_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TrellisClassroomWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *title = g_strdup_printf (_("Could not save: %s"), error->message);

      show_toast (self, title);
    }
  else
    {
      g_autofree char *name = g_file_get_basename (G_FILE (source));
      g_autofree char *title = g_strdup_printf (_("Saved as “%s”"), name);

      show_toast (self, title);
    }
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  TrellisClassroomWindow *self = g_object_get_data (G_OBJECT (chooser), "trellis-window");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    g_file_replace_contents_bytes_async (file, user_data, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                         NULL, file_saved_cb, g_object_ref (self));
  g_bytes_unref (user_data);
  g_object_unref (chooser);
}

static void
attendance_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) csv = trellis_classroom_get_attendance_csv_finish (TRELLIS_CLASSROOM (source), result, &error);
  TrellisClassroomWindow *self;
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter;
  g_autofree char *name = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  if (csv == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("No attendance: %s"), error->message);

      show_toast (self, title);
      return;
    }
  chooser = gtk_file_chooser_native_new (_("Export the Attendance"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  /* Translators: the suggested file name; %s is the session's code */
  name = g_strdup_printf (_("attendance-%s.csv"),
                          json_object_get_string_member_with_default (trellis_classroom_get_session (self->classroom),
                                                                      "code", "session"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "trellis-window", self);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_steal_pointer (&csv));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TrellisClassroomWindow *self = TRELLIS_CLASSROOM_WINDOW (widget);

  trellis_classroom_get_attendance_csv_async (self->classroom, self->cancellable, attendance_cb, self);
}

static void
fullscreen_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  if (gtk_window_is_fullscreen (GTK_WINDOW (widget)))
    gtk_window_unfullscreen (GTK_WINDOW (widget));
  else
    gtk_window_fullscreen (GTK_WINDOW (widget));
}

/* The app's entry point: app.start-classroom. */

static void
window_closed_cb (TrellisClassroom *classroom)
{
  trellis_classroom_leave (classroom);
}

static void
sign_in_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     GActionGroup     *application)
{
  g_action_group_activate_action (application, "account", NULL);
}

void
trellis_classroom_window_open (TrellisApplication *application,
                               const char         *course_id)
{
  TrellisSync *sync = trellis_application_get_sync (application);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (application));
  const char *role = trellis_sync_get_account_role (sync);
  g_autoptr(TrellisClassroom) classroom = NULL;
  GtkWidget *window;

  g_return_if_fail (TRELLIS_IS_APPLICATION (application));
  g_return_if_fail (course_id != NULL);

  if (trellis_sync_get_state (sync) == TRELLIS_SYNC_SIGNED_OUT ||
      (g_strcmp0 (role, "trainer") != 0 && g_strcmp0 (role, "admin") != 0))
    {
      gboolean signed_out = trellis_sync_get_state (sync) == TRELLIS_SYNC_SIGNED_OUT;
      GtkWidget *dialog = adw_message_dialog_new (parent, _("Only Trainers Start Sessions"),
                                                  signed_out
                                                  ? _("Sign in with your trainer account at your institute’s server "
                                                      "to start a classroom session.")
                                                  : _("Your account is not a trainer’s. Ask your institute to make it "
                                                      "one, or join a session with its code instead."));

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
      if (signed_out)
        {
          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "account", _("_Sign In…"));
          adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "account", ADW_RESPONSE_SUGGESTED);
          adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "account");
          g_signal_connect_object (dialog, "response::account", G_CALLBACK (sign_in_response_cb), application, 0);
        }
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  classroom = trellis_classroom_new (sync, trellis_application_get_store (application),
                                     trellis_application_get_library (application));
  window = trellis_classroom_window_new (classroom, trellis_application_get_language (application));
  gtk_window_set_application (GTK_WINDOW (window), GTK_APPLICATION (application));
  g_signal_connect_object (window, "destroy", G_CALLBACK (window_closed_cb), classroom, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
  trellis_classroom_window_start (TRELLIS_CLASSROOM_WINDOW (window), course_id);
}

/* GObject. */

GtkWidget *
trellis_classroom_window_new (TrellisClassroom *classroom,
                              TrLang            lang)
{
  TrellisClassroomWindow *self;

  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (classroom), NULL);
  g_return_val_if_fail (lang < TR_N_LANGS, NULL);

  self = g_object_new (TRELLIS_TYPE_CLASSROOM_WINDOW, NULL);
  self->classroom = g_object_ref (classroom);
  self->lang = lang;
  g_signal_connect_object (classroom, "notify::session", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  render (self);
  return GTK_WIDGET (self);
}

static void
trellis_classroom_window_dispose (GObject *object)
{
  TrellisClassroomWindow *self = TRELLIS_CLASSROOM_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_object (&self->classroom);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRELLIS_TYPE_CLASSROOM_WINDOW);

  G_OBJECT_CLASS (trellis_classroom_window_parent_class)->dispose (object);
}

static void
trellis_classroom_window_finalize (GObject *object)
{
  TrellisClassroomWindow *self = TRELLIS_CLASSROOM_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_free (self->shown_course);
  g_free (self->shown_step);
  g_ptr_array_unref (self->scenario_ids);

  G_OBJECT_CLASS (trellis_classroom_window_parent_class)->finalize (object);
}

static void
trellis_classroom_window_class_init (TrellisClassroomWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_classroom_window_dispose;
  object_class->finalize = trellis_classroom_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = trellis_classroom_window_close_request;

  gtk_widget_class_install_action (widget_class, "classroom.show-scenario", NULL, show_scenario_action_cb);
  gtk_widget_class_install_action (widget_class, "classroom.reveal", NULL, reveal_action_cb);
  gtk_widget_class_install_action (widget_class, "classroom.move-on", "s", move_on_action_cb);
  gtk_widget_class_install_action (widget_class, "classroom.end", NULL, end_action_cb);
  gtk_widget_class_install_action (widget_class, "classroom.export-attendance", NULL, export_action_cb);
  gtk_widget_class_install_action (widget_class, "classroom.fullscreen", NULL, fullscreen_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "classroom.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "classroom.reveal", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);

  g_type_ensure (TRELLIS_TYPE_VOTE_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-classroom-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, end_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, ended_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, join_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, code_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, join_url_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, qr_area);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, participants_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, no_participants_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, participants_list);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, lead_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, scenario_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, no_step_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, step_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, step_title_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, situation_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, votes_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, vote_count_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, vote_chart);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, move_on_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomWindow, ending_label);
}

static void
trellis_classroom_window_init (TrellisClassroomWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->scenario_ids = g_ptr_array_new_with_free_func (g_free);
  self->refresh_id = g_timeout_add_seconds (REFRESH_S, refresh_cb, self);
}
