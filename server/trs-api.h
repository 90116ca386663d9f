/* trs-api.h: the routes of docs/api.md on a SoupServer
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "trs-metrics.h"
#include "trs-store.h"

G_BEGIN_DECLS

typedef struct _TrsApi TrsApi;

/* @courses holds the catalogue's TrCourse objects; the API keeps a reference
 * to the array, to @store and to @metrics, which must outlive it. Hashes a
 * password once (to answer unknown e-mail addresses as slowly as known
 * ones), so it takes a tenth of a second. */
TrsApi *trs_api_new           (TrsStore    *store,
                               GPtrArray   *courses,
                               TrsMetrics  *metrics,
                               GError     **error);
void    trs_api_free          (TrsApi      *self);

/* Adds the handlers to @server; call once, on the server's main context. */
void    trs_api_attach        (TrsApi      *self,
                               SoupServer  *server);

/* Requests still waiting for the database or a hashing thread: the server
 * runs its main context until this is 0 before it closes the store. */
guint   trs_api_get_n_pending (TrsApi      *self);

G_END_DECLS
