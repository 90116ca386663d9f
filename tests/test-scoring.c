/* test-scoring.c: marking quiz answers and signal statements
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tr-course-loader.h"
#include "tr-scoring.h"
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

/* The correct answer of a question, as the learner would give it. */
static GStrv
right_answer (const TrQuestion *question)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < question->options->len; i++)
    {
      const TrOption *option = g_ptr_array_index (question->options, i);

      if (option->correct)
        g_strv_builder_add (builder, option->id);
    }
  return g_strv_builder_end (builder);
}

static void
test_questions (void)
{
  g_autoptr(TrCourse) course = load_example ();
  const TrQuiz *quiz = tr_course_get_quiz (course);

  for (guint i = 0; i < quiz->questions->len; i++)
    {
      const TrQuestion *question = g_ptr_array_index (quiz->questions, i);
      g_auto(GStrv) right = right_answer (question);
      g_auto(GStrv) partial = NULL;
      const char *empty[] = { NULL };
      const char *stranger[] = { "no-such-option", NULL };

      g_assert_true (tr_question_is_correct (question, (const char * const *) right));
      g_assert_false (tr_question_is_correct (question, empty));
      g_assert_false (tr_question_is_correct (question, stranger));
      g_assert_false (tr_question_is_correct (question, NULL));

      if (question->type == TR_QUESTION_ORDERING)
        {
          /* The same items, two swapped: wrong. */
          g_auto(GStrv) swapped = g_strdupv (right);
          char *first = swapped[0];

          swapped[0] = swapped[1];
          swapped[1] = first;
          g_assert_false (tr_question_is_correct (question, (const char * const *) swapped));
        }
      else if (g_strv_length (right) > 1)
        {
          /* Only some of the correct options of a multiple-answer question: wrong. */
          partial = g_strdupv (right);
          g_clear_pointer (&partial[1], g_free);
          g_assert_false (tr_question_is_correct (question, (const char * const *) partial));
        }
    }
}

static void
test_quiz_score (void)
{
  g_autoptr(TrCourse) course = load_example ();
  const TrQuiz *quiz = tr_course_get_quiz (course);
  g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  TrQuizScore score;

  for (guint i = 0; i < quiz->questions->len; i++)
    g_ptr_array_add (answers, right_answer (g_ptr_array_index (quiz->questions, i)));
  score = tr_quiz_score (quiz, answers);
  g_assert_cmpuint (score.correct, ==, 3);
  g_assert_cmpint (score.percent, ==, 100);
  g_assert_true (score.passed);

  /* Two of three right is 66%, above the pass mark of 60. */
  g_strfreev (g_ptr_array_index (answers, 0));
  g_ptr_array_index (answers, 0) = g_new0 (char *, 1);
  score = tr_quiz_score (quiz, answers);
  g_assert_cmpuint (score.correct, ==, 2);
  g_assert_cmpint (score.percent, ==, 66);
  g_assert_true (score.passed);

  /* One of three is 33%: not passed. Missing answers count as wrong. */
  g_ptr_array_set_size (answers, 1);
  score = tr_quiz_score (quiz, answers);
  g_assert_cmpuint (score.correct, ==, 0);
  g_assert_false (score.passed);
}

static void
test_statements (void)
{
  g_autoptr(TrCourse) course = load_example ();
  const TrSignalExercise *exercise = g_ptr_array_index (tr_course_get_signal_exercises (course), 0);

  for (guint i = 0; i < exercise->statements->len; i++)
    {
      const TrStatement *statement = g_ptr_array_index (exercise->statements, i);

      g_assert_true (tr_statement_matches (statement, statement->concern));
      g_assert_false (tr_statement_matches (statement, !statement->concern));
    }
}

int
main (int    argc,
      char **argv)
{
  tr_test_init (&argc, &argv);
  g_test_add_func ("/scoring/questions", test_questions);
  g_test_add_func ("/scoring/quiz-score", test_quiz_score);
  g_test_add_func ("/scoring/statements", test_statements);
  return g_test_run ();
}
