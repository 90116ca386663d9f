/* tr-scoring.h: marking quiz answers and signal exercises
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-course.h"

G_BEGIN_DECLS

typedef struct
{
  guint    correct;
  guint    total;
  int      percent;
  gboolean passed;
} TrQuizScore;

gboolean    tr_question_is_correct  (const TrQuestion   *question,
                                     const char * const *answer);
TrQuizScore tr_quiz_score           (const TrQuiz       *quiz,
                                     GPtrArray          *answers);
gboolean    tr_statement_matches    (const TrStatement  *statement,
                                     gboolean            marked_concern);

G_END_DECLS
