/* trellis-preferences-window.h
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TRELLIS_TYPE_PREFERENCES_WINDOW (trellis_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (TrellisPreferencesWindow, trellis_preferences_window, TRELLIS, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *trellis_preferences_window_new (GSettings *settings);

G_END_DECLS
