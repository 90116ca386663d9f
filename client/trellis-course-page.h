/* trellis-course-page.h: a course's overview, with the learner's progress
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "trellis-application.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_COURSE_PAGE (trellis_course_page_get_type ())

G_DECLARE_FINAL_TYPE (TrellisCoursePage, trellis_course_page, TRELLIS, COURSE_PAGE, AdwBin)

GtkWidget  *trellis_course_page_new            (TrellisApplication *application);
void        trellis_course_page_set_course     (TrellisCoursePage  *self,
                                                TrCourse           *course);
TrCourse   *trellis_course_page_get_course     (TrellisCoursePage  *self);
void        trellis_course_page_refresh        (TrellisCoursePage  *self);
char       *trellis_course_page_get_next_place (TrellisCoursePage  *self);

/* Signals: "open-item" (const char *place) with a place such as
 * "lesson/ID", "scenario/ID", "signal-exercise/ID", "quiz" or "guide"
 * (the facilitator guide, offered to trainers). */

G_END_DECLS
