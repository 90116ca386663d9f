/* test-course-loader.c: the example course, as a player sees it
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "tr-course-info.h"
#include "tr-course-loader.h"
#include "tr-learning-path.h"
#include "tr-test-util.h"

static TrCourse *
load_example (void)
{
  g_autofree char *dir = tr_test_fixture_path ("example-course", NULL);
  g_autoptr(GError) error = NULL;
  TrCourse *course = tr_course_load_valid (dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (course);
  return course;
}

static void
test_structure (void)
{
  g_autoptr(TrCourse) course = load_example ();
  const TrScenario *scenario;
  const TrQuiz *quiz;
  const TrGuide *guide;
  const TrCompletion *completion;
  const TrLesson *lesson;

  g_assert_cmpstr (tr_course_get_id (course), ==, "example-course");
  g_assert_true (tr_course_has_language (course, TR_LANG_EN));
  g_assert_true (tr_course_has_language (course, TR_LANG_NL));
  g_assert_true (tr_course_has_language (course, TR_LANG_FR));
  g_assert_cmpint (tr_course_get_validity_months (course), ==, 24);

  g_assert_cmpuint (tr_course_get_lessons (course)->len, ==, 2);
  lesson = tr_course_find_lesson (course, "first-signals");
  g_assert_nonnull (lesson);
  g_assert_cmpuint (lesson->key_points->len, >, 0);
  for (guint lang = 0; lang < TR_N_LANGS; lang++)
    g_assert_true (g_file_test (lesson->file[lang], G_FILE_TEST_IS_REGULAR));

  g_assert_cmpuint (tr_course_get_scenarios (course)->len, ==, 1);
  scenario = tr_course_find_scenario (course, "corridor-remark");
  g_assert_nonnull (scenario);
  g_assert_cmpstr (scenario->setting, ==, "school");
  g_assert_nonnull (tr_scenario_get_node (scenario, scenario->start));
  g_assert_cmpuint (tr_scenario_count_endings (scenario), ==, 3);
  g_assert_cmpuint (tr_scenario_count_decision_points (scenario), >=, 3);
  g_assert_true (g_hash_table_contains (scenario->variables, "trust"));

  g_assert_cmpuint (tr_course_get_signal_exercises (course)->len, ==, 1);
  g_assert_cmpuint (((TrSignalExercise *) g_ptr_array_index (tr_course_get_signal_exercises (course), 0))->statements->len, ==, 4);

  quiz = tr_course_get_quiz (course);
  g_assert_nonnull (quiz);
  g_assert_cmpint (quiz->pass_mark, ==, 60);
  g_assert_cmpuint (quiz->questions->len, ==, 3);
  g_assert_cmpint (((TrQuestion *) g_ptr_array_index (quiz->questions, 0))->type, ==, TR_QUESTION_SINGLE);
  g_assert_cmpint (((TrQuestion *) g_ptr_array_index (quiz->questions, 1))->type, ==, TR_QUESTION_MULTIPLE);
  g_assert_cmpint (((TrQuestion *) g_ptr_array_index (quiz->questions, 2))->type, ==, TR_QUESTION_ORDERING);

  guide = tr_course_get_guide (course);
  g_assert_nonnull (guide);
  g_assert_cmpint (guide->duration_minutes, ==, 60);
  g_assert_cmpuint (guide->plan->len, ==, 3);

  completion = tr_course_get_completion (course);
  g_assert_cmpint (completion->lessons, ==, TR_REQUIRE_ALL);
  g_assert_cmpint (completion->scenarios, ==, TR_REQUIRE_LISTED);
  g_assert_cmpstr (completion->scenario_ids[0], ==, "corridor-remark");
  g_assert_true (completion->quiz_pass);
}

static void
test_lesson_text_and_fallback (void)
{
  g_autoptr(TrCourse) course = load_example ();
  const TrLesson *lesson = tr_course_find_lesson (course, "talking-first");
  g_autoptr(GError) error = NULL;
  g_autofree char *dutch = tr_course_read_lesson (course, lesson, TR_LANG_NL, &error);
  TrText text = { { "English", NULL, NULL } };

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (dutch, "#"));
  g_assert_cmpstr (tr_text_get (&text, TR_LANG_FR), ==, "English");
  text.s[TR_LANG_FR] = (char *) "Français";
  g_assert_cmpstr (tr_text_get (&text, TR_LANG_FR), ==, "Français");
  g_assert_cmpstr (tr_text_get (&text, TR_LANG_NL), ==, "English");
}

static void
test_info (void)
{
  g_autoptr(TrCourse) course = load_example ();
  g_autoptr(JsonNode) info = tr_course_info_to_json (course);
  JsonObject *object = json_node_get_object (info);
  static const char * const keys[] = {
    "id", "version", "languages", "lessons", "scenarios", "decision_points", "endings",
    "signal_statements", "questions", "words", "missing",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_has_member (object, keys[i]));
  g_assert_cmpint (json_object_get_int_member (object, "lessons"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "questions"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (object, "signal_statements"), ==, 4);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "languages")), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "words"), "nl"), >, 100);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (object, "missing"), "fr")), ==, 0);
}

static void
test_version (void)
{
  g_autofree char *source = tr_test_fixture_path ("example-course", NULL);
  g_autofree char *copy = tr_test_copy_tree (source);
  g_autofree char *lesson = g_build_filename (copy, "lessons", "01-first-signals.fr.md", NULL);
  g_autofree char *hidden = g_build_filename (copy, ".editor-backup", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *original = tr_course_compute_version (source, &error);
  g_autofree char *again = tr_course_compute_version (source, NULL);
  g_autofree char *copied = tr_course_compute_version (copy, NULL);
  g_autofree char *with_hidden = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *contents = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (original), ==, 64);
  g_assert_cmpstr (original, ==, again);
  g_assert_cmpstr (original, ==, copied);   /* not the folder's place */

  g_file_set_contents (hidden, "not part of the course", -1, &error);
  g_assert_no_error (error);
  with_hidden = tr_course_compute_version (copy, NULL);
  g_assert_cmpstr (original, ==, with_hidden);

  g_file_get_contents (lesson, &contents, NULL, &error);
  g_assert_no_error (error);
  contents[strlen (contents) - 2] ^= 1;   /* one byte of one file */
  g_file_set_contents (lesson, contents, -1, &error);
  g_assert_no_error (error);
  changed = tr_course_compute_version (copy, NULL);
  g_assert_cmpstr (original, !=, changed);
}

static void
test_learning_path (void)
{
  g_autofree char *dir = tr_test_fixture_path ("example-path", NULL);
  g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
  g_autoptr(TrLearningPath) path = tr_learning_path_load (dir, diagnostics);
  const char * const *ids;

  g_assert_nonnull (path);
  g_assert_cmpuint (tr_diagnostics_get_n_items (diagnostics), ==, 0);
  g_assert_cmpstr (tr_learning_path_get_id (path), ==, "example-path");
  ids = tr_learning_path_get_course_ids (path);
  g_assert_cmpstr (ids[0], ==, "example-course");
  g_assert_null (ids[1]);
}

int
main (int    argc,
      char **argv)
{
  tr_test_init (&argc, &argv);
  g_test_add_func ("/course/structure", test_structure);
  g_test_add_func ("/course/lesson-text-and-fallback", test_lesson_text_and_fallback);
  g_test_add_func ("/course/info", test_info);
  g_test_add_func ("/course/version", test_version);
  g_test_add_func ("/course/learning-path", test_learning_path);
  return g_test_run ();
}
