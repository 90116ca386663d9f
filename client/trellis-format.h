/* trellis-format.h: small texts shown in several places
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-course.h"
#include "tr-progress.h"

G_BEGIN_DECLS

char       *trellis_format_duration   (int          minutes);
char       *trellis_format_languages  (TrCourse    *course);
char       *trellis_format_progress   (TrProgress  *progress);
const char *trellis_format_state      (TrState      state);
const char *trellis_state_icon_name   (TrState      state);

G_END_DECLS
