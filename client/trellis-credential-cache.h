/* trellis-credential-cache.h: what this device keeps to show and check
 * certificates without a network
 *
 * At every sync, TrellisSync stores the server's JWKS, the learner's
 * certificates and the revocation lists they point into in the progress
 * store's meta table; the certificates page and the verify window read
 * them from there.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-credential.h"
#include "trellis-progress-store.h"

G_BEGIN_DECLS

/* Keys of the store's meta table. */
#define TRELLIS_META_JWKS          "certificates.jwks"           /* {SERVER: {"fetched": µs, "jwks": JWKS}} */
#define TRELLIS_META_STATUS_LISTS  "certificates.status-lists"   /* {URL: {"fetched": µs, "document": TEXT}} */
#define TRELLIS_META_CERTIFICATES  "certificates.list"           /* {"fetched": µs, "certificates": [...]} */
#define TRELLIS_META_REMINDED      "certificates.reminded"       /* "YYYY-MM-DD" of the last reminder */

typedef struct
{
  char             *jws;          /* the credential as issued */
  TrCredentialInfo *info;         /* what it states; not verified here */
  gboolean          revoked;      /* as the server said when the list was fetched */
  gint64            revoked_at;   /* ms since 1970, 0 if unknown */
} TrellisCertificate;

void                trellis_certificate_free                   (TrellisCertificate   *certificate);
GPtrArray          *trellis_certificates_from_json             (JsonNode             *root);
TrCredentialInfo   *trellis_credential_read_unverified         (const char           *jws,
                                                                char                **kid,
                                                                GError              **error);

void                trellis_credential_cache_set_jwks          (TrellisProgressStore *store,
                                                                const char           *server,
                                                                JsonNode             *jwks,
                                                                gint64                fetched);
gboolean            trellis_credential_cache_has_keys          (TrellisProgressStore *store);
GHashTable         *trellis_credential_cache_find_key          (TrellisProgressStore *store,
                                                                const char           *kid,
                                                                char                **server,
                                                                gint64               *fetched);
void                trellis_credential_cache_set_status_list   (TrellisProgressStore *store,
                                                                const char           *url,
                                                                const char           *document,
                                                                gint64                fetched);
char               *trellis_credential_cache_get_status_list   (TrellisProgressStore *store,
                                                                const char           *url,
                                                                gint64               *fetched,
                                                                GError              **error);
void                trellis_credential_cache_set_certificates  (TrellisProgressStore *store,
                                                                JsonNode             *root,
                                                                gint64                fetched);
GPtrArray          *trellis_credential_cache_get_certificates  (TrellisProgressStore *store,
                                                                gint64               *fetched);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrellisCertificate, trellis_certificate_free)

G_END_DECLS
