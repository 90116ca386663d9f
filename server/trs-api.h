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

/* Adds the handlers to @server; call once, on the server's main context.
 * Several servers, each on its own thread, may share one TrsApi; @listener
 * numbers them in the metrics. */
void    trs_api_attach        (TrsApi      *self,
                               SoupServer  *server,
                               guint        listener);

/* Certificates: the learning paths (TrLearningPath*, whose courses are among
 * the catalogue's) and the address that certificates and their QR codes
 * point to. Call before the server's main context runs. */
void     trs_api_set_paths        (TrsApi      *self,
                                   GPtrArray   *paths);
void     trs_api_set_public_url   (TrsApi      *self,
                                   const char  *public_url);

/* Loads the secret half of the signing key from DATA/keys (trs-keys.h):
 * the server refuses to start without it. A key added later by `keys
 * rotate` is loaded when it first signs. */
gboolean trs_api_load_signing_key (TrsApi      *self,
                                   const char  *data_dir,
                                   GError     **error);

/* Requests still waiting for the database or a hashing thread: the server
 * lets its listeners run until this is 0 before it closes the store. */
guint   trs_api_get_n_pending (TrsApi      *self);

G_END_DECLS
