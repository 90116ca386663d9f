/* tr-learning-path.h: courses combined into a path
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tr-diagnostics.h"
#include "tr-lang.h"

G_BEGIN_DECLS

#define TR_TYPE_LEARNING_PATH (tr_learning_path_get_type ())

G_DECLARE_FINAL_TYPE (TrLearningPath, tr_learning_path, TR, LEARNING_PATH, GObject)

TrLearningPath     *tr_learning_path_load                (const char     *dir,
                                                          TrDiagnostics  *diagnostics);
const char         *tr_learning_path_get_id              (TrLearningPath *self);
const TrText       *tr_learning_path_get_title           (TrLearningPath *self);
const TrText       *tr_learning_path_get_summary         (TrLearningPath *self);
const char * const *tr_learning_path_get_course_ids      (TrLearningPath *self);
int                 tr_learning_path_get_validity_months (TrLearningPath *self);

G_END_DECLS
