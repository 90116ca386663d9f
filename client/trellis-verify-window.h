/* trellis-verify-window.h: checking a certificate offline
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tr-lang.h"
#include "trellis-progress-store.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_VERIFY_WINDOW (trellis_verify_window_get_type ())

G_DECLARE_FINAL_TYPE (TrellisVerifyWindow, trellis_verify_window, TRELLIS, VERIFY_WINDOW, AdwWindow)

GtkWidget *trellis_verify_window_new         (TrellisProgressStore *store,
                                              TrLang                lang);
void       trellis_verify_window_verify_text (TrellisVerifyWindow  *self,
                                              const char           *text);
void       trellis_verify_window_open_file   (TrellisVerifyWindow  *self,
                                              GFile                *file);

G_END_DECLS
