/* tr-course-loader.h: reading and checking a course folder
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-course.h"
#include "tr-diagnostics.h"

G_BEGIN_DECLS

#define TR_COURSE_ERROR (tr_course_error_quark ())

/* TR_COURSE_ERROR_INVALID: the course has errors; the message lists them. */
typedef enum
{
  TR_COURSE_ERROR_INVALID,
} TrCourseError;

GQuark    tr_course_error_quark      (void);
TrCourse *tr_course_load             (const char     *dir,
                                      TrDiagnostics  *diagnostics);
TrCourse *tr_course_load_valid       (const char     *dir,
                                      GError        **error);
char     *tr_course_compute_version  (const char     *dir,
                                      GError        **error);

G_END_DECLS
