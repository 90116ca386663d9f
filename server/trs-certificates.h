/* trs-certificates.h: what a certificate states, re-derived from the
 * learner's stored events
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-course.h"
#include "tr-credential.h"
#include "tr-learning-path.h"

G_BEGIN_DECLS

/* The content version a certificate of the path is earned on:
 * "courseid@version" of each course, joined by ",". NULL when one of its
 * courses is not among @courses. */
char             *trs_path_version               (TrLearningPath *path,
                                                  GPtrArray      *courses);

/* What a certificate of @course (or @path, whose courses are among @courses)
 * states: achievement, title, modules, study hours, version and quiz score;
 * the caller adds who, when and by whom. NULL when the learner has not
 * completed it, with @missing saying in a sentence what is left. */
TrCredentialInfo *trs_achievement_course         (TrCourse       *course,
                                                  GPtrArray      *events,
                                                  int            *validity_months,
                                                  char          **missing);
TrCredentialInfo *trs_achievement_path           (TrLearningPath *path,
                                                  GPtrArray      *courses,
                                                  GPtrArray      *events,
                                                  int            *validity_months,
                                                  char          **missing);

/* @ms (since 1970, UTC) plus @months calendar months. */
gint64            trs_add_months                 (gint64          ms,
                                                  int             months);

G_END_DECLS
