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

G_END_DECLS
