/* trs-catalogue.h: the courses and learning paths a server publishes
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-course.h"
#include "tr-learning-path.h"

G_BEGIN_DECLS

GPtrArray *trs_catalogue_load        (const char *dir,
                                      GPtrArray  *paths);
TrCourse  *trs_catalogue_find_course (GPtrArray  *courses,
                                      const char *id);

G_END_DECLS
