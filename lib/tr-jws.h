/* tr-jws.h: compact JWS signed with Ed25519 (alg "EdDSA"), and JWKS
 *
 * A compact JWS is BASE64URL(header) "." BASE64URL(payload) "."
 * BASE64URL(signature) with the header {"alg": "EdDSA", "kid": KID,
 * "typ": "JWT"} (RFC 7515, RFC 8037), so that any JOSE library verifies it.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TR_JWS_ERROR (tr_jws_error_quark ())

typedef enum
{
  TR_JWS_ERROR_MALFORMED,      /* not three base64url parts, bad JSON, wrong alg */
  TR_JWS_ERROR_UNKNOWN_KEY,    /* the kid is not among the keys given */
  TR_JWS_ERROR_BAD_SIGNATURE,  /* the signature does not match: altered or forged */
} TrJwsError;

#define TR_ED25519_PUBLIC_KEY_SIZE 32
#define TR_ED25519_SECRET_KEY_SIZE 64

GQuark      tr_jws_error_quark  (void);

char       *tr_jws_sign         (JsonNode     *payload,
                                 const char   *kid,
                                 const guint8 *secret_key);
JsonNode   *tr_jws_decode       (const char   *jws,
                                 char        **kid,
                                 GError      **error);
JsonNode   *tr_jws_verify       (const char   *jws,
                                 GHashTable   *keys,
                                 char        **kid,
                                 GError      **error);

/* JWKS: {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": BASE64URL, "kid": KID,
 * "alg": "EdDSA", "use": "sig"}]}. A key table maps kid → GBytes (32 bytes). */
GHashTable *tr_jwks_new_table   (void);
void        tr_jwks_add         (GHashTable   *keys,
                                 const char   *kid,
                                 const guint8 *public_key);
GHashTable *tr_jwks_parse       (const char   *json,
                                 GError      **error);
JsonNode   *tr_jwks_to_json     (GHashTable   *keys);

char       *tr_base64url_encode (const guint8 *data,
                                 gsize         length);
guint8     *tr_base64url_decode (const char   *text,
                                 gsize        *length);

G_END_DECLS
