/* trs-keys.h: the institute's Ed25519 signing keys
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "trs-store.h"

G_BEGIN_DECLS

/* Makes a key pair, writes the secret key to DATA/keys/KID.key (mode 0600)
 * and records the public key in the store. Returns the key id. */
char *trs_keys_generate (const char *data_dir,
                         TrsStore   *store,
                         GError    **error);

/* Reads the secret key of @kid from DATA/keys/KID.key into @secret_key
 * (TR_ED25519_SECRET_KEY_SIZE bytes). Refused when the file is missing, is
 * not a regular file owned by this user, lets anyone else read it (it must
 * be mode 0600), or does not match @public_key (32 bytes; NULL: unchecked). */
gboolean trs_keys_load_secret (const char   *data_dir,
                               const char   *kid,
                               const guint8 *public_key,
                               guint8       *secret_key,
                               GError      **error);

/* Whether @kid has the form trs_keys_generate() gives, so that it can name a
 * file. */
gboolean trs_keys_kid_is_valid (const char *kid);

G_END_DECLS
