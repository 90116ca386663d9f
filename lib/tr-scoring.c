/* tr-scoring.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-scoring"

#include "tr-scoring.h"

/**
 * tr_question_is_correct:
 * @answer: (nullable): the ids of the options chosen, or for an ordering
 *   question the ids of the items in the order the learner put them
 *
 * A multiple-answer question counts only when exactly the correct options are
 * chosen; an ordering question only in exactly the right order.
 */
gboolean
tr_question_is_correct (const TrQuestion   *question,
                        const char * const *answer)
{
  guint n_answer = answer != NULL ? g_strv_length ((char **) answer) : 0;

  g_return_val_if_fail (question != NULL, FALSE);

  if (question->type == TR_QUESTION_ORDERING)
    {
      if (n_answer != question->options->len)
        return FALSE;
      for (guint i = 0; i < n_answer; i++)
        if (g_strcmp0 (((TrOption *) g_ptr_array_index (question->options, i))->id, answer[i]) != 0)
          return FALSE;
      return TRUE;
    }

  for (guint i = 0; i < question->options->len; i++)
    {
      const TrOption *option = g_ptr_array_index (question->options, i);
      gboolean chosen = answer != NULL && g_strv_contains (answer, option->id);

      if (chosen != option->correct)
        return FALSE;
    }
  /* Every chosen id must be an option (no duplicates or strangers). */
  for (guint i = 0; i < n_answer; i++)
    {
      gboolean known = FALSE;

      for (guint j = 0; j < question->options->len && !known; j++)
        known = g_strcmp0 (((TrOption *) g_ptr_array_index (question->options, j))->id, answer[i]) == 0;
      if (!known)
        return FALSE;
    }
  return question->type == TR_QUESTION_MULTIPLE || n_answer == 1;
}

/**
 * tr_quiz_score:
 * @answers: (element-type GStrv): one answer per question, in order; a
 *   missing answer counts as wrong
 */
TrQuizScore
tr_quiz_score (const TrQuiz *quiz,
               GPtrArray    *answers)
{
  TrQuizScore score = { 0, 0, 0, FALSE };

  g_return_val_if_fail (quiz != NULL, score);

  score.total = quiz->questions->len;
  for (guint i = 0; i < quiz->questions->len; i++)
    {
      const char * const *answer = answers != NULL && i < answers->len ? g_ptr_array_index (answers, i) : NULL;

      if (tr_question_is_correct (g_ptr_array_index (quiz->questions, i), answer))
        score.correct++;
    }
  score.percent = score.total > 0 ? (int) (score.correct * 100 / score.total) : 0;
  score.passed = score.percent >= quiz->pass_mark;
  return score;
}

gboolean
tr_statement_matches (const TrStatement *statement,
                      gboolean           marked_concern)
{
  g_return_val_if_fail (statement != NULL, FALSE);
  return statement->concern == marked_concern;
}
