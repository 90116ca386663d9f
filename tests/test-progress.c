/* test-progress.c: completion derived from events
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tr-course-loader.h"
#include "tr-progress.h"
#include "tr-test-util.h"

static TrCourse *
load_example (void)
{
  g_autofree char *dir = tr_test_fixture_path ("example-course", NULL);
  g_autoptr(GError) error = NULL;
  TrCourse *course = tr_course_load_valid (dir, &error);

  g_assert_no_error (error);
  return course;
}

static void
add (GPtrArray  *events,
     TrCourse   *course,
     TrVerb      verb,
     const char *object,
     const char *result_json)
{
  g_autoptr(JsonObject) result = NULL;
  TrEvent *event;

  if (result_json != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (result_json, NULL);

      result = json_object_ref (json_node_get_object (node));
    }
  event = tr_event_new ("actor-1", verb, tr_course_get_id (course), tr_course_get_version (course), object, result);
  event->timestamp = 1000 + events->len;
  g_ptr_array_add (events, event);
}

static void
test_states_and_completion (void)
{
  g_autoptr(TrCourse) course = load_example ();
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  g_autoptr(TrProgress) empty = tr_progress_compute (course, events);
  g_autoptr(TrProgress) partial = NULL;
  g_autoptr(TrProgress) failed = NULL;
  g_autoptr(TrProgress) complete = NULL;

  /* Required: 2 lessons, 1 listed scenario, 1 signal exercise, the quiz. */
  g_assert_cmpuint (tr_progress_get_n_required (empty), ==, 5);
  g_assert_cmpuint (tr_progress_get_n_done (empty), ==, 0);
  g_assert_cmpint (tr_progress_get_state (empty), ==, TR_STATE_NOT_STARTED);
  g_assert_null (tr_progress_get_last_event (empty));
  g_assert_cmpint (tr_progress_get_quiz_best_score (empty), ==, -1);

  add (events, course, TR_VERB_EXPERIENCED, "lesson/first-signals", NULL);
  add (events, course, TR_VERB_CHOSE, "scenario/corridor-remark/node/x", "{\"choice\": \"y\", \"weight\": 2}");
  partial = tr_progress_compute (course, events);
  g_assert_cmpint (tr_progress_get_lesson_state (partial, "first-signals"), ==, TR_STATE_DONE);
  g_assert_cmpint (tr_progress_get_lesson_state (partial, "talking-first"), ==, TR_STATE_NOT_STARTED);
  g_assert_cmpint (tr_progress_get_scenario_state (partial, "corridor-remark"), ==, TR_STATE_IN_PROGRESS);
  g_assert_cmpuint (tr_progress_get_n_done (partial), ==, 1);
  g_assert_cmpint (tr_progress_get_state (partial), ==, TR_STATE_IN_PROGRESS);
  g_assert_cmpstr (tr_progress_get_last_event (partial)->object, ==, "scenario/corridor-remark/node/x");

  add (events, course, TR_VERB_EXPERIENCED, "lesson/talking-first", NULL);
  add (events, course, TR_VERB_COMPLETED, "scenario/corridor-remark", "{\"ending\": \"e\", \"verdict\": \"good\"}");
  add (events, course, TR_VERB_ANSWERED, "signal-exercise/corridor-signals", "{\"correct\": 3, \"total\": 4}");
  add (events, course, TR_VERB_FAILED, "quiz", "{\"score\": 33}");
  failed = tr_progress_compute (course, events);
  g_assert_cmpint (tr_progress_get_quiz_state (failed), ==, TR_STATE_IN_PROGRESS);
  g_assert_cmpint (tr_progress_get_quiz_best_score (failed), ==, 33);
  g_assert_cmpuint (tr_progress_get_n_done (failed), ==, 4);
  g_assert_false (tr_progress_is_complete (failed));

  add (events, course, TR_VERB_PASSED, "quiz", "{\"score\": 100}");
  complete = tr_progress_compute (course, events);
  g_assert_true (tr_progress_is_complete (complete));
  g_assert_cmpint (tr_progress_get_state (complete), ==, TR_STATE_DONE);
  g_assert_cmpfloat (tr_progress_get_fraction (complete), ==, 1.0);
  g_assert_cmpint (tr_progress_get_quiz_best_score (complete), ==, 100);
}

/* The completion time is the first time the last requirement was met, in
 * whatever order the events come; keeping only the events that count gives
 * the same answer (the server's report relies on that). */
static void
test_completed_at (void)
{
  g_autoptr(TrCourse) course = load_example ();
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  g_autoptr(GPtrArray) counting = g_ptr_array_new ();
  g_autoptr(TrProgress) before = NULL;
  g_autoptr(TrProgress) all = NULL;
  g_autoptr(TrProgress) reversed = NULL;
  g_autoptr(TrProgress) milestones = NULL;

  add (events, course, TR_VERB_EXPERIENCED, "lesson/first-signals", NULL);          /* 1000 */
  add (events, course, TR_VERB_CHOSE, "scenario/corridor-remark/node/x", "{\"choice\": \"y\"}");
  add (events, course, TR_VERB_COMPLETED, "scenario/corridor-remark", NULL);        /* 1002 */
  add (events, course, TR_VERB_ANSWERED, "signal-exercise/corridor-signals", NULL); /* 1003 */
  add (events, course, TR_VERB_ANSWERED, "quiz/question/q1", "{\"correct\": true}");
  add (events, course, TR_VERB_FAILED, "quiz", "{\"score\": 40}");                /* 1005 */
  before = tr_progress_compute (course, events);
  g_assert_cmpint (tr_progress_get_completed_at (before), ==, 0);

  add (events, course, TR_VERB_PASSED, "quiz", "{\"score\": 80}");                /* 1006 */
  add (events, course, TR_VERB_EXPERIENCED, "lesson/talking-first", NULL);          /* 1007: the last one */
  add (events, course, TR_VERB_EXPERIENCED, "lesson/first-signals", NULL);          /* again, later */
  add (events, course, TR_VERB_PASSED, "quiz", "{\"score\": 90}");                /* 1009 */
  all = tr_progress_compute (course, events);
  g_assert_true (tr_progress_is_complete (all));
  g_assert_cmpint (tr_progress_get_completed_at (all), ==, 1007);
  g_assert_cmpint (tr_progress_get_quiz_best_score (all), ==, 90);

  for (guint i = 0, j = events->len - 1; i < j; i++, j--)
    {
      gpointer first = events->pdata[i];

      events->pdata[i] = events->pdata[j];
      events->pdata[j] = first;
    }
  reversed = tr_progress_compute (course, events);
  g_assert_cmpint (tr_progress_get_completed_at (reversed), ==, 1007);

  for (guint i = 0; i < events->len; i++)
    if (tr_progress_event_counts (g_ptr_array_index (events, i)))
      g_ptr_array_add (counting, g_ptr_array_index (events, i));
  g_assert_cmpuint (counting->len, ==, 8);
  milestones = tr_progress_compute (course, counting);
  g_assert_true (tr_progress_is_complete (milestones));
  g_assert_cmpint (tr_progress_get_completed_at (milestones), ==, 1007);
  g_assert_cmpint (tr_progress_get_quiz_best_score (milestones), ==, 90);
  g_assert_cmpuint (tr_progress_get_n_done (milestones), ==, tr_progress_get_n_done (all));
}

static void
test_other_courses_ignored (void)
{
  g_autoptr(TrCourse) course = load_example ();
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  g_autoptr(TrProgress) progress = NULL;
  TrEvent *event = tr_event_new ("actor-1", TR_VERB_EXPERIENCED, "another-course", "v", "lesson/first-signals", NULL);

  g_ptr_array_add (events, event);
  progress = tr_progress_compute (course, events);
  g_assert_cmpuint (tr_progress_get_n_done (progress), ==, 0);
  g_assert_cmpint (tr_progress_get_lesson_state (progress, "first-signals"), ==, TR_STATE_NOT_STARTED);
}

static void
test_event_json (void)
{
  g_autoptr(JsonNode) result_node = json_from_string ("{\"choice\": \"listen\", \"weight\": 2}", NULL);
  g_autoptr(TrEvent) event = tr_event_new ("a1b2", TR_VERB_CHOSE, "course", "version",
                                           "scenario/s/node/n", json_node_get_object (result_node));
  g_autoptr(JsonNode) json = tr_event_to_json (event);
  g_autoptr(GError) error = NULL;
  g_autoptr(TrEvent) back = tr_event_from_json (json, &error);
  static const char * const bad[] = {
    "[]",
    "{\"id\": \"not-a-uuid\", \"actor\": \"a\", \"verb\": \"chose\", \"course\": \"c\", \"version\": \"v\", \"object\": \"o\", \"timestamp\": 1}",
    "{\"id\": \"6f1c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a\", \"actor\": \"a\", \"verb\": \"hacked\", \"course\": \"c\", \"version\": \"v\", \"object\": \"o\", \"timestamp\": 1}",
    "{\"id\": \"6f1c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a\", \"actor\": \"a\", \"verb\": \"chose\", \"course\": \"c\", \"version\": \"v\", \"object\": \"o\", \"timestamp\": \"soon\"}",
    "{\"id\": \"6f1c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a\", \"actor\": \"a\", \"verb\": \"chose\", \"course\": 7, \"version\": \"v\", \"object\": \"o\", \"timestamp\": 1}",
    "{\"id\": \"6f1c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a\", \"actor\": \"a\", \"verb\": \"chose\", \"course\": \"c\", \"version\": \"v\", \"object\": \"o\", \"timestamp\": 1, \"result\": [1]}",
  };

  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, event->id);
  g_assert_cmpint (back->verb, ==, TR_VERB_CHOSE);
  g_assert_cmpstr (back->object, ==, "scenario/s/node/n");
  g_assert_cmpint (back->timestamp, ==, event->timestamp);
  g_assert_cmpstr (tr_event_result_string (back, "choice"), ==, "listen");
  g_assert_cmpint (tr_event_result_int (back, "weight", 0), ==, 2);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) bad_error = NULL;
      g_autoptr(TrEvent) refused = tr_event_from_json (node, &bad_error);

      g_assert_null (refused);
      g_assert_error (bad_error, TR_EVENT_ERROR, TR_EVENT_ERROR_INVALID);
    }
}

int
main (int    argc,
      char **argv)
{
  tr_test_init (&argc, &argv);
  g_test_add_func ("/progress/states-and-completion", test_states_and_completion);
  g_test_add_func ("/progress/completed-at", test_completed_at);
  g_test_add_func ("/progress/other-courses-ignored", test_other_courses_ignored);
  g_test_add_func ("/progress/event-json", test_event_json);
  return g_test_run ();
}
