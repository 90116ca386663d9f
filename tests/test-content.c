/* test-content.c: the bundled modules keep what the curriculum asks of them
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tr-course-loader.h"
#include "tr-learning-path.h"
#include "tr-markdown.h"
#include "tr-test-util.h"

static const char * const modules[] = {
  "signal-recognition",
  "right-wing-extremism",
  "pedagogical-perspective",
};

static TrCourse *
load_module (const char *id)
{
  g_autofree char *dir = g_build_filename (SOURCE_COURSES_DIR, id, NULL);
  g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
  TrCourse *course = tr_course_load (dir, diagnostics);

  for (guint i = 0; i < tr_diagnostics_get_n_items (diagnostics); i++)
    {
      g_autofree char *text = tr_diagnostic_to_string (tr_diagnostics_get_item (diagnostics, i));

      g_test_message ("%s", text);
    }
  /* No errors and no warnings: every text exists in en, nl and fr. */
  g_assert_cmpuint (tr_diagnostics_get_n_items (diagnostics), ==, 0);
  g_assert_nonnull (course);
  return course;
}

static void
test_module (gconstpointer data)
{
  const char *id = data;
  g_autoptr(TrCourse) course = load_module (id);
  GPtrArray *lessons = tr_course_get_lessons (course);
  GPtrArray *scenarios = tr_course_get_scenarios (course);
  GPtrArray *exercises = tr_course_get_signal_exercises (course);
  const TrQuiz *quiz = tr_course_get_quiz (course);
  const TrGuide *guide = tr_course_get_guide (course);
  const TrCompletion *completion = tr_course_get_completion (course);
  guint types[3] = { 0, 0, 0 };
  guint statements = 0;

  g_assert_cmpstr (tr_course_get_id (course), ==, id);
  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    {
      g_assert_true (tr_course_has_language (course, lang));
      g_assert_cmpuint (tr_course_get_missing (course, lang)->len, ==, 0);
    }

  /* 4–6 lessons of roughly 600–1200 words in every language. */
  g_assert_cmpuint (lessons->len, >=, 4);
  g_assert_cmpuint (lessons->len, <=, 6);
  for (guint i = 0; i < lessons->len; i++)
    for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
      {
        const TrLesson *lesson = g_ptr_array_index (lessons, i);
        g_autofree char *text = tr_course_read_lesson (course, lesson, lang, NULL);
        guint words = tr_count_words (text);

        g_test_message ("%s %s: %u words", lesson->id, tr_lang_to_code (lang), words);
        g_assert_cmpuint (words, >=, 550);
        g_assert_cmpuint (words, <=, 1300);
        g_assert_cmpuint (lesson->key_points->len, >, 0);
      }

  /* At least 3 branching scenarios, 3 decision points each, several endings. */
  g_assert_cmpuint (scenarios->len, >=, 3);
  for (guint i = 0; i < scenarios->len; i++)
    {
      const TrScenario *scenario = g_ptr_array_index (scenarios, i);

      g_assert_cmpuint (tr_scenario_count_decision_points (scenario), >=, 3);
      g_assert_cmpuint (tr_scenario_count_endings (scenario), >=, 3);
      for (guint j = 0; j < scenario->nodes->len; j++)
        {
          const TrScenarioNode *node = g_ptr_array_index (scenario->nodes, j);

          for (guint k = 0; k < node->choices->len; k++)
            g_assert_true (tr_text_is_set (&((TrChoice *) g_ptr_array_index (node->choices, k))->feedback));
        }
    }

  /* A signal exercise with 8 or more statements, concerns and non-concerns. */
  g_assert_cmpuint (exercises->len, >=, 1);
  for (guint i = 0; i < exercises->len; i++)
    {
      const TrSignalExercise *exercise = g_ptr_array_index (exercises, i);
      guint concerns = 0;

      for (guint j = 0; j < exercise->statements->len; j++)
        concerns += ((TrStatement *) g_ptr_array_index (exercise->statements, j))->concern ? 1 : 0;
      g_assert_cmpuint (concerns, >, 0);
      g_assert_cmpuint (concerns, <, exercise->statements->len);
      statements += exercise->statements->len;
    }
  g_assert_cmpuint (statements, >=, 8);

  /* A quiz of 12 or more questions mixing all three types. */
  g_assert_nonnull (quiz);
  g_assert_cmpuint (quiz->questions->len, >=, 12);
  for (guint i = 0; i < quiz->questions->len; i++)
    {
      const TrQuestion *question = g_ptr_array_index (quiz->questions, i);

      types[question->type]++;
      g_assert_true (tr_text_is_set (&question->explanation));
    }
  g_assert_cmpuint (types[TR_QUESTION_SINGLE], >, 0);
  g_assert_cmpuint (types[TR_QUESTION_MULTIPLE], >, 0);
  g_assert_cmpuint (types[TR_QUESTION_ORDERING], >, 0);

  /* A half-day facilitator guide with discussion questions per scenario. */
  g_assert_nonnull (guide);
  g_assert_cmpint (guide->duration_minutes, >=, 180);
  g_assert_cmpint (guide->duration_minutes, <=, 240);
  g_assert_cmpuint (guide->plan->len, >=, 5);
  for (guint i = 0; i < scenarios->len; i++)
    {
      const TrScenario *scenario = g_ptr_array_index (scenarios, i);
      gboolean discussed = FALSE;

      for (guint j = 0; j < guide->discussion->len; j++)
        discussed |= g_strcmp0 (((TrDiscussion *) g_ptr_array_index (guide->discussion, j))->scenario,
                                scenario->id) == 0;
      g_assert_true (discussed);
    }

  g_assert_cmpuint (tr_course_get_sources (course)->len, >=, 3);

  /* Completion: all lessons, all scenarios to an ending, the quiz passed. */
  g_assert_cmpint (completion->lessons, ==, TR_REQUIRE_ALL);
  g_assert_cmpint (completion->scenarios, ==, TR_REQUIRE_ALL);
  g_assert_true (completion->quiz_pass);
}

static void
test_learning_paths (void)
{
  static const struct {
    const char *id;
    const char *courses[4];
  } paths[] = {
    { "basic", { "signal-recognition", "pedagogical-perspective", NULL } },
    { "train-the-trainer", { "signal-recognition", "right-wing-extremism", "pedagogical-perspective", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *dir = g_build_filename (SOURCE_COURSES_DIR, paths[i].id, NULL);
      g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
      g_autoptr(TrLearningPath) path = tr_learning_path_load (dir, diagnostics);

      g_assert_nonnull (path);
      g_assert_cmpuint (tr_diagnostics_get_n_items (diagnostics), ==, 0);
      g_assert_cmpstr (tr_learning_path_get_id (path), ==, paths[i].id);
      g_assert_true (g_strv_equal (tr_learning_path_get_course_ids (path), paths[i].courses));
    }
}

int
main (int    argc,
      char **argv)
{
  tr_test_init (&argc, &argv);
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      g_autofree char *name = g_strdup_printf ("/content/%s", modules[i]);

      g_test_add_data_func (name, modules[i], test_module);
    }
  g_test_add_func ("/content/learning-paths", test_learning_paths);
  return g_test_run ();
}
