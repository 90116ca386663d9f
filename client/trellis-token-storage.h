/* trellis-token-storage.h: where this device keeps its sign-in token
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The token goes to the keyring (libsecret, schema "org.trellis.Trellis.Token",
 * attribute "server") when a secret service answers, else to a file only the
 * user may read, trellis_token_storage_get_file_path (). */

char     *trellis_token_storage_get_file_path (void);

void      trellis_token_storage_save_async    (const char           *server,
                                               const char           *token,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean  trellis_token_storage_save_finish   (GAsyncResult         *result,
                                               GError              **error);
void      trellis_token_storage_load_async    (const char           *server,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char     *trellis_token_storage_load_finish   (GAsyncResult         *result,
                                               GError              **error);
void      trellis_token_storage_clear_async   (const char           *server,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean  trellis_token_storage_clear_finish  (GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
