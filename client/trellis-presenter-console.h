/* trellis-presenter-console.h: the trainer's own window during a presentation
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "trellis-presenter-deck.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_PRESENTER_CONSOLE (trellis_presenter_console_get_type ())

G_DECLARE_FINAL_TYPE (TrellisPresenterConsole, trellis_presenter_console, TRELLIS, PRESENTER_CONSOLE, AdwWindow)

GtkWidget  *trellis_presenter_console_new        (void);
void        trellis_presenter_console_show_slide (TrellisPresenterConsole *self,
                                                  TrellisPresenterDeck    *deck,
                                                  guint                    index);
void        trellis_presenter_console_show_timer (TrellisPresenterConsole *self,
                                                  int                      elapsed_s,
                                                  int                      duration_s,
                                                  gboolean                 running);
const char *trellis_presenter_console_get_current_title (TrellisPresenterConsole *self);
const char *trellis_presenter_console_get_next_title    (TrellisPresenterConsole *self);
const char *trellis_presenter_console_get_timer_text    (TrellisPresenterConsole *self);
gboolean    trellis_presenter_console_get_over_time     (TrellisPresenterConsole *self);

G_END_DECLS
