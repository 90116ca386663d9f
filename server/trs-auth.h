/* trs-auth.h: passwords and tokens
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Argon2id through libsodium's crypto_pwhash_str; slow on purpose: never on
 * the main or the database thread. */
char     *trs_password_hash    (const char *password,
                                GError    **error);
gboolean  trs_password_verify  (const char *hash,
                                const char *password);
char     *trs_token_generate   (void);
char     *trs_token_digest     (const char *token);
gboolean  trs_auth_init        (GError    **error);

G_END_DECLS
