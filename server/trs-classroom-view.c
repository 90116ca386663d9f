/* trs-classroom-view.c: what the trainer and the participants of a session
 * see of it
 *
 * Votes are counted here and never leave with a name: the trainer sees how
 * many chose what and who voted at all; a participant sees their own vote
 * and, once revealed, the counts.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include "trs-classroom-view.h"
#include "trs-csv.h"
#include "trs-json.h"

TrsViewer
trs_classroom_viewer (const TrsClassroom *classroom,
                      const TrsAccount   *account)
{
  if (account == NULL || account->institute_id != classroom->institute_id)
    return TRS_VIEWER_NONE;
  if (account->id == classroom->trainer_id || g_strcmp0 (account->role, "admin") == 0)
    return TRS_VIEWER_LEADER;
  if (trs_classroom_find_participant (classroom, account->id) != NULL)
    return TRS_VIEWER_PARTICIPANT;
  return TRS_VIEWER_NONE;
}

/* The group's way through @scenario_id so far: the run stands at the current
 * step. @path is the JSON array of {"node", "choice"} the session keeps. */
TrScenarioRun *
trs_classroom_replay (TrCourse    *course,
                      const char  *scenario_id,
                      const char  *path,
                      GError     **error)
{
  const TrScenario *scenario = course != NULL ? tr_course_find_scenario (course, scenario_id) : NULL;
  g_autoptr(TrScenarioRun) run = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *steps;

  if (scenario == NULL)
    {
      g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID, "the course has no scenario \"%s\"",
                   scenario_id);
      return NULL;
    }
  run = tr_scenario_run_new (scenario);
  root = json_from_string (path != NULL ? path : "[]", NULL);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID, "the session's path is damaged");
      return NULL;
    }
  steps = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (steps); i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);
      const char *node = step != NULL ? json_object_get_string_member_with_default (step, "node", NULL) : NULL;
      const char *choice = step != NULL ? json_object_get_string_member_with_default (step, "choice", NULL) : NULL;

      if (node == NULL || choice == NULL || !tr_scenario_run_follow (run, node, choice))
        {
          g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID,
                               "the session's path no longer fits the scenario");
          return NULL;
        }
    }
  return g_steal_pointer (&run);
}



static guint
count_votes (const TrsClassroom *classroom,
             const char         *choice)
{
  guint n = 0;

  for (guint i = 0; i < classroom->participants->len; i++)
    {
      const TrsParticipant *participant = g_ptr_array_index (classroom->participants, i);

      if (participant->vote != NULL && (choice == NULL || g_str_equal (participant->vote, choice)))
        n++;
    }
  return n;
}

static void
add_step (JsonBuilder        *builder,
          const TrsClassroom *classroom,
          TrCourse           *course,
          TrsViewer           viewer,
          gint64              viewer_id)
{
  g_autoptr(TrScenarioRun) run = NULL;
  g_autoptr(JsonNode) path = NULL;
  const TrScenarioNode *node;
  g_autoptr(GPtrArray) choices = NULL;
  gboolean counts = viewer == TRS_VIEWER_LEADER || classroom->step_revealed;

  json_builder_set_member_name (builder, "step");
  if (classroom->step_scenario == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  run = trs_classroom_replay (course, classroom->step_scenario, classroom->path, NULL);
  node = run != NULL ? tr_scenario_run_get_node (run) : NULL;
  choices = run != NULL ? tr_scenario_run_get_choices (run) : NULL;

  json_builder_begin_object (builder);
  trs_json_add_string_or_null (builder, "scenario", classroom->step_scenario);
  trs_json_add_string_or_null (builder, "node", node != NULL ? node->id : classroom->step_node);
  json_builder_set_member_name (builder, "revealed");
  json_builder_add_boolean_value (builder, classroom->step_revealed);
  json_builder_set_member_name (builder, "ending");
  json_builder_add_boolean_value (builder, run != NULL && tr_scenario_run_is_finished (run));
  json_builder_set_member_name (builder, "path");
  path = json_from_string (classroom->path, NULL);
  json_builder_add_value (builder, path != NULL ? g_steal_pointer (&path) : json_node_new (JSON_NODE_ARRAY));
  if (viewer == TRS_VIEWER_LEADER)
    {
      json_builder_set_member_name (builder, "votes");
      json_builder_add_int_value (builder, count_votes (classroom, NULL));
    }
  else
    {
      const TrsParticipant *self = trs_classroom_find_participant (classroom, viewer_id);

      trs_json_add_string_or_null (builder, "my_vote", self != NULL ? self->vote : NULL);
    }
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  for (guint i = 0; choices != NULL && i < choices->len; i++)
    {
      const TrChoice *choice = g_ptr_array_index (choices, i);

      json_builder_begin_object (builder);
      trs_json_add_string_or_null (builder, "id", choice->id);
      json_builder_set_member_name (builder, "count");
      if (counts)
        json_builder_add_int_value (builder, count_votes (classroom, choice->id));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
add_participant (JsonBuilder          *builder,
                 const TrsParticipant *participant)
{
  json_builder_begin_object (builder);
  trs_json_add_string_or_null (builder, "id", participant->public_id);
  trs_json_add_string_or_null (builder, "name", participant->name);
  trs_json_add_time_or_null (builder, "joined", participant->joined);
  json_builder_set_member_name (builder, "position");
  if (participant->position_object != NULL)
    {
      json_builder_begin_object (builder);
      trs_json_add_string_or_null (builder, "verb", participant->position_verb);
      trs_json_add_string_or_null (builder, "object", participant->position_object);
      json_builder_set_member_name (builder, "timestamp");
      json_builder_add_int_value (builder, participant->position_time);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  trs_json_add_time_or_null (builder, "last_sync", MAX (participant->last_received, participant->reported_sync));
  json_builder_set_member_name (builder, "pending");
  json_builder_add_int_value (builder, participant->pending);
  trs_json_add_time_or_null (builder, "last_seen", participant->last_seen);
  json_builder_set_member_name (builder, "voted");
  json_builder_add_boolean_value (builder, participant->vote != NULL);
  json_builder_end_object (builder);
}

/* @viewer must not be TRS_VIEWER_NONE. */
JsonNode *
trs_classroom_view (const TrsClassroom *classroom,
                    TrCourse           *course,
                    TrsViewer           viewer,
                    gint64              viewer_id,
                    const char         *public_url)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *join_url = g_strdup_printf ("%s/join/%s", public_url, classroom->code);

  g_return_val_if_fail (viewer != TRS_VIEWER_NONE, NULL);

  json_builder_begin_object (builder);
  trs_json_add_string_or_null (builder, "id", classroom->id);
  trs_json_add_string_or_null (builder, "code", classroom->code);
  trs_json_add_string_or_null (builder, "course", classroom->course_id);
  trs_json_add_string_or_null (builder, "trainer", classroom->trainer_name);
  trs_json_add_time_or_null (builder, "started", classroom->started);
  trs_json_add_time_or_null (builder, "ended", classroom->ended);
  trs_json_add_string_or_null (builder, "join_url", join_url);
  trs_json_add_string_or_null (builder, "role", viewer == TRS_VIEWER_LEADER ? "trainer" : "participant");
  add_step (builder, classroom, course, viewer, viewer_id);
  if (viewer == TRS_VIEWER_LEADER)
    {
      json_builder_set_member_name (builder, "participants");
      json_builder_begin_array (builder);
      for (guint i = 0; i < classroom->participants->len; i++)
        add_participant (builder, g_ptr_array_index (classroom->participants, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Needs trs_store_classroom_attendance() first. */
JsonNode *
trs_classroom_attendance_json (const TrsClassroom *classroom)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  trs_json_add_string_or_null (builder, "id", classroom->id);
  trs_json_add_string_or_null (builder, "course", classroom->course_id);
  trs_json_add_time_or_null (builder, "started", classroom->started);
  trs_json_add_time_or_null (builder, "ended", classroom->ended);
  json_builder_set_member_name (builder, "participants");
  json_builder_begin_array (builder);
  for (guint i = 0; i < classroom->participants->len; i++)
    {
      const TrsParticipant *participant = g_ptr_array_index (classroom->participants, i);

      json_builder_begin_object (builder);
      trs_json_add_string_or_null (builder, "id", participant->public_id);
      trs_json_add_string_or_null (builder, "name", participant->name);
      trs_json_add_time_or_null (builder, "joined", participant->joined);
      json_builder_set_member_name (builder, "completed");
      json_builder_begin_array (builder);
      for (guint j = 0; participant->completed != NULL && j < participant->completed->len; j++)
        json_builder_add_string_value (builder, g_ptr_array_index (participant->completed, j));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "quiz_passed");
      json_builder_add_boolean_value (builder, participant->quiz_passed);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static guint
count_prefix (GPtrArray  *items,
              const char *prefix)
{
  guint n = 0;

  for (guint i = 0; items != NULL && i < items->len; i++)
    n += g_str_has_prefix (g_ptr_array_index (items, i), prefix) ? 1 : 0;
  return n;
}

/* Needs trs_store_classroom_attendance() first. */
char *
trs_classroom_attendance_csv (const TrsClassroom *classroom)
{
  GString *csv = g_string_new (NULL);
  static const char * const header[] = {
    "participant_id", "name", "joined", "lessons_read", "scenarios_completed", "exercises_answered",
    "quiz_passed", "completed_items",
  };

  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    trs_csv_add_field (csv, header[i]);
  trs_csv_end_row (csv);
  for (guint i = 0; i < classroom->participants->len; i++)
    {
      const TrsParticipant *participant = g_ptr_array_index (classroom->participants, i);
      g_autofree char *joined = trs_csv_time (participant->joined);
      g_autofree char *lessons = g_strdup_printf ("%u", count_prefix (participant->completed, "lesson/"));
      g_autofree char *scenarios = g_strdup_printf ("%u", count_prefix (participant->completed, "scenario/"));
      g_autofree char *exercises = g_strdup_printf ("%u", count_prefix (participant->completed, "signal-exercise/"));
      g_autoptr(GString) items = g_string_new (NULL);

      for (guint j = 0; participant->completed != NULL && j < participant->completed->len; j++)
        g_string_append_printf (items, "%s%s", j > 0 ? ";" : "",
                                (const char *) g_ptr_array_index (participant->completed, j));
      trs_csv_add_field (csv, participant->public_id);
      trs_csv_add_field (csv, participant->name);
      trs_csv_add_field (csv, joined);
      trs_csv_add_field (csv, lessons);
      trs_csv_add_field (csv, scenarios);
      trs_csv_add_field (csv, exercises);
      trs_csv_add_field (csv, participant->quiz_passed ? "yes" : "no");
      trs_csv_add_field (csv, items->str);
      trs_csv_end_row (csv);
    }
  return g_string_free (csv, FALSE);
}
