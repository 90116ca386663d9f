/* trellis-presenter-window.h: the slide, in large type, for the projector
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "trellis-presenter-deck.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_PRESENTER_WINDOW (trellis_presenter_window_get_type ())

G_DECLARE_FINAL_TYPE (TrellisPresenterWindow, trellis_presenter_window, TRELLIS, PRESENTER_WINDOW, AdwWindow)

GtkWidget *trellis_presenter_window_new        (void);
void       trellis_presenter_window_show_slide (TrellisPresenterWindow *self,
                                                const TrellisSlide     *slide);
char      *trellis_presenter_window_get_text   (TrellisPresenterWindow *self);

G_END_DECLS
