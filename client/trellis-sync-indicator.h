/* trellis-sync-indicator.h: the header bar's view of syncing
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "trellis-sync.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_SYNC_INDICATOR (trellis_sync_indicator_get_type ())

G_DECLARE_FINAL_TYPE (TrellisSyncIndicator, trellis_sync_indicator, TRELLIS, SYNC_INDICATOR, GtkWidget)

/* A button activating "app.account"; its tooltip and accessible label say
 * the sync state in words. */
GtkWidget   *trellis_sync_indicator_new      (TrellisSync          *sync);
TrellisSync *trellis_sync_indicator_get_sync (TrellisSyncIndicator *self);
void         trellis_sync_indicator_set_sync (TrellisSyncIndicator *self,
                                              TrellisSync          *sync);

/* The sync state as a sentence: "Synced 2 minutes ago", "Syncing…",
 * "Offline: 12 changes wait to be sent", "Error: …". */
char        *trellis_sync_describe           (TrellisSync          *sync);

G_END_DECLS
