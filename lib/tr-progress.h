/* tr-progress.h: what a learner has done, derived from events
 *
 * The rules that decide completion live here, once: the client shows them
 * and the server re-derives them before it issues a certificate.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-course.h"
#include "tr-event.h"

G_BEGIN_DECLS

typedef enum
{
  TR_STATE_NOT_STARTED,
  TR_STATE_IN_PROGRESS,
  TR_STATE_DONE,
} TrState;

typedef struct _TrProgress TrProgress;

TrProgress    *tr_progress_compute               (TrCourse          *course,
                                                  GPtrArray         *events);
void           tr_progress_free                  (TrProgress        *self);
gboolean       tr_progress_event_counts          (const TrEvent     *event);
TrState        tr_progress_get_lesson_state      (TrProgress        *self,
                                                  const char        *lesson_id);
TrState        tr_progress_get_scenario_state    (TrProgress        *self,
                                                  const char        *scenario_id);
TrState        tr_progress_get_exercise_state    (TrProgress        *self,
                                                  const char        *exercise_id);
TrState        tr_progress_get_quiz_state        (TrProgress        *self);
int            tr_progress_get_quiz_best_score   (TrProgress        *self);
guint          tr_progress_get_n_required        (TrProgress        *self);
guint          tr_progress_get_n_done            (TrProgress        *self);
double         tr_progress_get_fraction          (TrProgress        *self);
gboolean       tr_progress_is_complete           (TrProgress        *self);
gint64         tr_progress_get_completed_at      (TrProgress        *self);
TrState        tr_progress_get_state             (TrProgress        *self);
const TrEvent *tr_progress_get_last_event        (TrProgress        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrProgress, tr_progress_free)

G_END_DECLS
