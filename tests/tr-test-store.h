/* tr-test-store.h: progress stores for the client tests
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "trellis-progress-store.h"

G_BEGIN_DECLS

TrellisProgressStore *tr_test_store_open      (const char           *path,
                                               guint                 timeout_s);
TrellisProgressStore *tr_test_store_new_temp  (const char           *name);
void                  tr_test_store_free_temp (TrellisProgressStore *store);

const TrEvent        *tr_test_store_get_event (TrellisProgressStore *store,
                                               guint                 index);
guint                 tr_test_store_n_events  (TrellisProgressStore *store);

G_END_DECLS
