/* trellis-classroom-join.h: joining a classroom session with its code
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

#define TRELLIS_TYPE_CLASSROOM_JOIN (trellis_classroom_join_get_type ())

G_DECLARE_FINAL_TYPE (TrellisClassroomJoin, trellis_classroom_join, TRELLIS, CLASSROOM_JOIN, AdwWindow)

GtkWidget        *trellis_classroom_join_new           (TrellisClassroom     *classroom,
                                                        TrLang                lang);
void              trellis_classroom_join_set_code      (TrellisClassroomJoin *self,
                                                        const char           *code);
TrellisClassroom *trellis_classroom_join_get_classroom (TrellisClassroomJoin *self);
GtkWidget        *trellis_classroom_join_get_view      (TrellisClassroomJoin *self);

void              trellis_classroom_join_open          (TrellisApplication   *application);

G_END_DECLS
