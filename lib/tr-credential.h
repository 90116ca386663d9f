/* tr-credential.h: Open Badges 3.0 certificates and their revocation list
 *
 * A certificate is an OpenBadgeCredential (a W3C Verifiable Credential, data
 * model 2.0) carried as the payload of a compact JWS (tr-jws.h). Everything
 * it states — who, what (course or learning path, its modules, study hours,
 * content version, quiz score), when, until when, by whom — is inside the
 * signed payload, so changing any of it breaks the signature.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-lang.h"

G_BEGIN_DECLS

#define TR_CREDENTIAL_ERROR (tr_credential_error_quark ())

typedef enum
{
  TR_CREDENTIAL_ERROR_INVALID,   /* not an OpenBadgeCredential as Trellis issues them */
} TrCredentialError;

typedef struct
{
  char    *id;                  /* "urn:uuid:…" */
  char    *issuer_id;           /* the server's base URL */
  char    *issuer_name;         /* the institute */
  char    *holder_name;         /* the learner, as enrolled */
  char    *holder_id;           /* the account's pseudonymous id, "urn:uuid:…" */
  char    *achievement_id;      /* the course or learning path id */
  char    *achievement_kind;    /* "course" or "path" */
  TrText   title;               /* of the course or path */
  GStrv    modules;             /* titles (English) of the courses covered */
  double   study_hours;
  char    *version;             /* content version(s) the certificate was earned on */
  int      quiz_score;          /* percent; -1 when there is none (a path: the lowest) */
  gint64   valid_from;          /* ms since 1970 */
  gint64   valid_until;         /* ms since 1970; 0: does not expire */
  char    *status_list;         /* URL of the status list credential; NULL: none */
  guint    status_index;
  char    *verify_url;          /* the human page: SERVER/verify/ID */
} TrCredentialInfo;

GQuark            tr_credential_error_quark (void);

TrCredentialInfo *tr_credential_info_new    (void);
void              tr_credential_info_free   (TrCredentialInfo *info);
JsonNode         *tr_credential_build       (const TrCredentialInfo *info);
TrCredentialInfo *tr_credential_parse       (JsonNode               *credential,
                                             GError                **error);

/* Bitstring Status List v1.0: the bits, gzip-compressed, as multibase
 * base64url ("u" + base64url). Bit i is set when credential i is revoked;
 * bit 0 is the most significant bit of the first byte. At least 16 KiB of
 * bits (131072), so that the list does not tell how many were issued. */
char             *tr_status_list_encode     (const guint8 *bits,
                                             gsize         n_bytes);
gboolean          tr_status_list_get        (const char   *encoded,
                                             guint         index,
                                             gboolean     *is_set,
                                             GError      **error);
JsonNode         *tr_status_list_build      (const char   *list_url,
                                             const char   *issuer_id,
                                             const char   *encoded,
                                             gint64        valid_from);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrCredentialInfo, tr_credential_info_free)

G_END_DECLS
