/* trellis-classroom-window.h: the trainer's live view of a classroom session
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tr-lang.h"
#include "trellis-application.h"
#include "trellis-classroom.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_CLASSROOM_WINDOW (trellis_classroom_window_get_type ())

G_DECLARE_FINAL_TYPE (TrellisClassroomWindow, trellis_classroom_window, TRELLIS, CLASSROOM_WINDOW, AdwWindow)

GtkWidget        *trellis_classroom_window_new          (TrellisClassroom       *classroom,
                                                         TrLang                  lang);
void              trellis_classroom_window_start        (TrellisClassroomWindow *self,
                                                         const char             *course_id);
void              trellis_classroom_window_show_session (TrellisClassroomWindow *self,
                                                         JsonObject             *session);
TrellisClassroom *trellis_classroom_window_get_classroom (TrellisClassroomWindow *self);

void              trellis_classroom_window_open         (TrellisApplication     *application,
                                                         const char             *course_id);

G_END_DECLS
