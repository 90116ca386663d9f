/* trellis-lesson-page.h: one lesson, read to its end
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tr-course.h"
#include "trellis-progress-store.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_LESSON_PAGE (trellis_lesson_page_get_type ())

G_DECLARE_FINAL_TYPE (TrellisLessonPage, trellis_lesson_page, TRELLIS, LESSON_PAGE, AdwBin)

GtkWidget *trellis_lesson_page_new (TrellisProgressStore *store,
                                 TrCourse             *course,
                                 TrLang                lang);
void       trellis_lesson_page_show_lesson (TrellisLessonPage *self,
                                 const char *lesson_id);

G_END_DECLS
