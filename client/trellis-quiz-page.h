/* trellis-quiz-page.h: the quiz, its result and review
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tr-course.h"
#include "trellis-progress-store.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_QUIZ_PAGE (trellis_quiz_page_get_type ())

G_DECLARE_FINAL_TYPE (TrellisQuizPage, trellis_quiz_page, TRELLIS, QUIZ_PAGE, AdwBin)

GtkWidget *trellis_quiz_page_new (TrellisProgressStore *store,
                                 TrCourse             *course,
                                 TrLang                lang);
void       trellis_quiz_page_start (TrellisQuizPage *self);

G_END_DECLS
