/* tr-course-info.h: what a course holds, counted
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-course.h"

G_BEGIN_DECLS

JsonNode *tr_course_info_to_json (TrCourse *course);

G_END_DECLS
