/* trellis-account-window.h: signing this device in to an institute's server
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "trellis-sync.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_ACCOUNT_WINDOW (trellis_account_window_get_type ())

G_DECLARE_FINAL_TYPE (TrellisAccountWindow, trellis_account_window, TRELLIS, ACCOUNT_WINDOW, AdwWindow)

GtkWidget *trellis_account_window_new (TrellisSync *sync);

G_END_DECLS
