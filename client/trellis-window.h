/* trellis-window.h
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-course.h"
#include "trellis-application.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_WINDOW (trellis_window_get_type ())

G_DECLARE_FINAL_TYPE (TrellisWindow, trellis_window, TRELLIS, WINDOW, AdwApplicationWindow)

TrellisWindow *trellis_window_new        (TrellisApplication *application);
void           trellis_window_show_course (TrellisWindow      *self,
                                           TrCourse           *course);
void           trellis_window_open_place  (TrellisWindow      *self,
                                           const char         *place);
const char    *trellis_window_get_page    (TrellisWindow      *self);
GtkWidget     *trellis_window_get_activity (TrellisWindow     *self);

G_END_DECLS
