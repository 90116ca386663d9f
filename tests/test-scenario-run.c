/* test-scenario-run.c: playing, rewinding and replaying a scenario
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tr-course-loader.h"
#include "tr-scenario-run.h"
#include "tr-test-util.h"

/* The small scenario of the validator fixtures: start → listen (trust + 1)
 * | shout; middle → ask (only when trust >= 1) | leave. The unknown-key
 * fixture's only problem is in course.json, so its scenario loads in full. */
static TrCourse *
load_course (void)
{
  g_autofree char *dir = tr_test_fixture_path ("broken", "unknown-key", NULL);
  g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
  TrCourse *course = tr_course_load (dir, diagnostics);

  g_assert_nonnull (course);
  g_assert_nonnull (tr_course_find_scenario (course, "talk"));
  return course;
}

static char *
choice_ids (TrScenarioRun *run)
{
  g_autoptr(GPtrArray) choices = tr_scenario_run_get_choices (run);
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < choices->len; i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? "," : "", ((TrChoice *) g_ptr_array_index (choices, i))->id);
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static void
test_play (void)
{
  g_autoptr(TrCourse) course = load_course ();
  g_autoptr(TrScenarioRun) run = tr_scenario_run_new (tr_course_find_scenario (course, "talk"));
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_cmpstr (tr_scenario_run_get_node (run)->id, ==, "start");
  first = choice_ids (run);
  g_assert_cmpstr (first, ==, "listen,shout");
  g_assert_false (tr_scenario_run_choose (run, "ask"));   /* not offered here */
  g_assert_true (tr_scenario_run_choose (run, "listen"));
  g_assert_cmpint (tr_scenario_run_get_variable (run, "trust"), ==, 1);
  g_assert_cmpint (tr_scenario_run_get_score (run), ==, 2);
  g_assert_cmpstr (tr_scenario_run_get_node (run)->id, ==, "middle");
  second = choice_ids (run);
  g_assert_cmpstr (second, ==, "ask,leave");   /* "ask" needs trust >= 1 */
  g_assert_true (tr_scenario_run_choose (run, "ask"));
  g_assert_true (tr_scenario_run_is_finished (run));
  g_assert_cmpstr (tr_scenario_run_get_node (run)->id, ==, "good-end");
  g_assert_cmpuint (tr_scenario_run_get_n_steps (run), ==, 2);
  g_assert_cmpstr (tr_scenario_run_get_step_choice (run, 1)->id, ==, "ask");
  g_assert_cmpint (tr_scenario_run_get_score (run), ==, 4);
}

static void
test_rewind (void)
{
  g_autoptr(TrCourse) course = load_course ();
  g_autoptr(TrScenarioRun) run = tr_scenario_run_new (tr_course_find_scenario (course, "talk"));
  g_autofree char *ids = NULL;

  g_assert_true (tr_scenario_run_choose (run, "listen"));
  g_assert_true (tr_scenario_run_choose (run, "leave"));
  tr_scenario_run_rewind (run, 1);
  g_assert_cmpstr (tr_scenario_run_get_node (run)->id, ==, "middle");
  g_assert_cmpint (tr_scenario_run_get_variable (run, "trust"), ==, 1);
  g_assert_cmpint (tr_scenario_run_get_score (run), ==, 2);

  /* Back to the start: variables and score as they began. */
  tr_scenario_run_rewind (run, 0);
  g_assert_cmpint (tr_scenario_run_get_variable (run, "trust"), ==, 0);
  g_assert_cmpint (tr_scenario_run_get_score (run), ==, 0);
  g_assert_cmpuint (tr_scenario_run_get_n_steps (run), ==, 0);
  g_assert_true (tr_scenario_run_choose (run, "shout"));
  g_assert_true (tr_scenario_run_is_finished (run));
  ids = choice_ids (run);
  g_assert_cmpstr (ids, ==, "");
}

static void
test_follow_replays_rewinds (void)
{
  g_autoptr(TrCourse) course = load_course ();
  g_autoptr(TrScenarioRun) run = tr_scenario_run_new (tr_course_find_scenario (course, "talk"));

  /* The learner chose listen, then leave; went back to the start and chose
   * shout. Replaying the three recorded choices ends where they ended. */
  g_assert_true (tr_scenario_run_follow (run, "start", "listen"));
  g_assert_true (tr_scenario_run_follow (run, "middle", "leave"));
  g_assert_cmpstr (tr_scenario_run_get_node (run)->id, ==, "bad-end");
  g_assert_true (tr_scenario_run_follow (run, "start", "shout"));
  g_assert_cmpuint (tr_scenario_run_get_n_steps (run), ==, 1);
  g_assert_cmpstr (tr_scenario_run_get_node (run)->id, ==, "bad-end");
  g_assert_cmpint (tr_scenario_run_get_score (run), ==, 0);

  /* A choice at a node the run never reached cannot be replayed. */
  g_assert_false (tr_scenario_run_follow (run, "nowhere", "ask"));
}

int
main (int    argc,
      char **argv)
{
  tr_test_init (&argc, &argv);
  g_test_add_func ("/scenario-run/play", test_play);
  g_test_add_func ("/scenario-run/rewind", test_rewind);
  g_test_add_func ("/scenario-run/follow-replays-rewinds", test_follow_replays_rewinds);
  return g_test_run ();
}
