/* trellis-sync.h: this device's progress, synchronised with an institute's server
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "trellis-progress-store.h"

G_BEGIN_DECLS

typedef enum
{
  TRELLIS_SYNC_SIGNED_OUT,   /* no account on this device: nothing is sent */
  TRELLIS_SYNC_SYNCED,       /* everything is on the server */
  TRELLIS_SYNC_SYNCING,      /* sending or fetching now */
  TRELLIS_SYNC_OFFLINE,      /* the server cannot be reached; retrying with backoff */
  TRELLIS_SYNC_ERROR,        /* the server refused; the message says why */
} TrellisSyncState;

#define TRELLIS_TYPE_SYNC (trellis_sync_get_type ())

G_DECLARE_FINAL_TYPE (TrellisSync, trellis_sync, TRELLIS, SYNC, GObject)

TrellisSync      *trellis_sync_new              (TrellisProgressStore *store);
TrellisSyncState  trellis_sync_get_state        (TrellisSync          *self);
guint             trellis_sync_get_pending      (TrellisSync          *self);
const char       *trellis_sync_get_message      (TrellisSync          *self);
const char       *trellis_sync_get_server       (TrellisSync          *self);
const char       *trellis_sync_get_account_name (TrellisSync          *self);
const char       *trellis_sync_get_account_role (TrellisSync          *self);
gint64            trellis_sync_get_last_synced  (TrellisSync          *self);
void              trellis_sync_start            (TrellisSync          *self);
void              trellis_sync_now              (TrellisSync          *self);

void              trellis_sync_enrol_async      (TrellisSync          *self,
                                                 const char           *server,
                                                 const char           *code,
                                                 const char           *name,
                                                 const char           *email,
                                                 const char           *password,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean          trellis_sync_enrol_finish     (TrellisSync          *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
void              trellis_sync_sign_in_async    (TrellisSync          *self,
                                                 const char           *server,
                                                 const char           *email,
                                                 const char           *password,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean          trellis_sync_sign_in_finish   (TrellisSync          *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
void              trellis_sync_sign_out_async   (TrellisSync          *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean          trellis_sync_sign_out_finish  (TrellisSync          *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

void              trellis_sync_fetch_package_async  (TrellisSync          *self,
                                                     const char           *course_id,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
JsonNode         *trellis_sync_fetch_package_finish (TrellisSync          *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void              trellis_sync_request_json_async   (TrellisSync          *self,
                                                     const char           *method,
                                                     const char           *path,
                                                     JsonNode             *body,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
JsonNode         *trellis_sync_request_json_finish  (TrellisSync          *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void              trellis_sync_request_text_async   (TrellisSync          *self,
                                                     const char           *method,
                                                     const char           *path,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GBytes           *trellis_sync_request_text_finish  (TrellisSync          *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
SoupMessage      *trellis_sync_new_message          (TrellisSync          *self,
                                                     const char           *method,
                                                     const char           *path);

/* Properties (all notify): "state", "pending", "message", "server",
 * "account-name", "account-role", "last-synced". Signals: "courses-available" (GPtrArray of
 * JsonObject course entries from GET /courses) after a sync fetched the
 * server's catalogue. */

G_END_DECLS
