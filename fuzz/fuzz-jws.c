/* fuzz-jws.c: the certificate verifier — JWS, credential, JWKS, status list
 *
 * The first byte of the input chooses what the rest is:
 *
 *   0  a compact JWS, checked as trellis-course and the client's verify
 *      window check a certificate: tr_jws_verify() with a fixed key table,
 *      then tr_credential_parse() on what it verified; and
 *      tr_jws_decode() + tr_credential_parse() on the unverified payload,
 *      which the verify window also shows;
 *   1  a payload: signed here with the table's key, so that it gets past the
 *      signature into tr_credential_parse(), as a real certificate would
 *      (a fuzzer cannot forge Ed25519 signatures);
 *   2  a JWKS document (tr_jwks_parse(), as a client reads
 *      /.well-known/jwks.json);
 *   3  "INDEX\n" and an encoded Bitstring Status List (tr_status_list_get()).
 *
 * The byte is taken modulo 4, so every input means something. The keys are
 * derived from fixed seeds: the JWS in fuzz/corpus/jws/ are signed with
 * "fuzz-key" and stop verifying if the seeds change.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-fuzz"

#include <sodium.h>
#include <string.h>

#include "tr-credential.h"
#include "tr-jws.h"

#include "fuzz-harness.h"

#define KID       "fuzz-key"
#define OTHER_KID "other-key"

enum
{
  MODE_JWS,
  MODE_PAYLOAD,
  MODE_JWKS,
  MODE_STATUS_LIST,
  N_MODES
};

static GHashTable *keys;
static guint8 secret_key[crypto_sign_SECRETKEYBYTES];
static char *header_part;

static void
set_up (void)
{
  static const char header[] = "{\"alg\":\"EdDSA\",\"kid\":\"" KID "\",\"typ\":\"JWT\"}";
  guint8 seed[crypto_sign_SEEDBYTES];
  guint8 public_key[crypto_sign_PUBLICKEYBYTES];
  guint8 other_secret_key[crypto_sign_SECRETKEYBYTES];

  fuzz_init_logging ();
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  keys = tr_jwks_new_table ();
  memset (seed, 0x2a, sizeof seed);
  crypto_sign_seed_keypair (public_key, secret_key, seed);
  tr_jwks_add (keys, KID, public_key);
  memset (seed, 0x17, sizeof seed);
  crypto_sign_seed_keypair (public_key, other_secret_key, seed);
  tr_jwks_add (keys, OTHER_KID, public_key);
  header_part = tr_base64url_encode ((const guint8 *) header, strlen (header));
}

/* A credential that parses must come out of tr_credential_build() as the
 * same credential: the server builds what it later parses back (its verify
 * page, its certificate list). Only for what the server could build: it
 * dates certificates by its clock, never before 1970 (and
 * tr_credential_build() writes years before 1000 with fewer than four
 * digits, which no parser takes back). */
static void
check_credential (JsonNode *payload)
{
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autoptr(TrCredentialInfo) again = NULL;
  g_autoptr(JsonNode) built = NULL;
  g_autoptr(JsonNode) built_again = NULL;
  g_autoptr(GError) error = NULL;

  info = tr_credential_parse (payload, &error);
  if (info == NULL)
    {
      g_assert (error != NULL);
      return;
    }
  if (info->valid_from < 0 || info->valid_until < 0)
    return;
  built = tr_credential_build (info);
  again = tr_credential_parse (built, &error);
  if (again == NULL)
    g_error ("a credential that parses does not parse once built again: %s", error->message);
  built_again = tr_credential_build (again);
  if (!json_node_equal (built, built_again))
    g_error ("a credential changes when built and parsed again");
}

static void
fuzz_jws (const char *jws)
{
  g_autoptr(JsonNode) verified = NULL;
  g_autoptr(JsonNode) decoded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) decode_error = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *decoded_kid = NULL;

  verified = tr_jws_verify (jws, keys, &kid, &error);
  decoded = tr_jws_decode (jws, &decoded_kid, &decode_error);
  if (verified != NULL)
    {
      /* What verifies also decodes, to the same payload and key. */
      if (decoded == NULL || !json_node_equal (verified, decoded) ||
          g_strcmp0 (kid, decoded_kid) != 0)
        g_error ("tr_jws_decode() disagrees with tr_jws_verify()");
      check_credential (verified);
    }
  else
    g_assert (error != NULL && error->domain == TR_JWS_ERROR);
  if (decoded != NULL)
    check_credential (decoded);
}

static void
fuzz_payload (const guint8 *data,
              gsize         size)
{
  g_autofree char *payload_part = tr_base64url_encode (data, size);
  g_autofree char *signing_input = g_strconcat (header_part, ".", payload_part, NULL);
  g_autofree char *signature_part = NULL;
  g_autofree char *jws = NULL;
  g_autoptr(JsonNode) verified = NULL;
  g_autoptr(GError) error = NULL;
  guint8 signature[crypto_sign_BYTES];

  crypto_sign_detached (signature, NULL, (const guint8 *) signing_input, strlen (signing_input),
                        secret_key);
  signature_part = tr_base64url_encode (signature, sizeof signature);
  jws = g_strconcat (signing_input, ".", signature_part, NULL);

  verified = tr_jws_verify (jws, keys, NULL, &error);
  if (verified == NULL)
    {
      /* Signed right: only the payload itself may be refused. */
      if (!g_error_matches (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED))
        g_error ("a correctly signed JWS does not verify: %s", error->message);
      return;
    }
  check_credential (verified);
}

static void
fuzz_jwks (const char *text)
{
  g_autoptr(GHashTable) parsed = NULL;
  g_autoptr(GHashTable) again = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *written = NULL;
  g_autoptr(GError) error = NULL;

  parsed = tr_jwks_parse (text, &error);
  if (parsed == NULL)
    {
      g_assert (error != NULL);
      return;
    }
  /* The server publishes what tr_jwks_to_json() writes: it must read back. */
  node = tr_jwks_to_json (parsed);
  written = json_to_string (node, FALSE);
  again = tr_jwks_parse (written, &error);
  if (again == NULL)
    g_error ("a JWKS does not read back once written: %s", error->message);
  if (g_hash_table_size (again) != g_hash_table_size (parsed))
    g_error ("a JWKS loses keys once written");
}

static void
fuzz_status_list (const char *text)
{
  const char *newline = strchr (text, '\n');
  g_autoptr(GError) error = NULL;
  guint64 index;
  gboolean is_set;

  if (newline == NULL)
    return;
  {
    g_autofree char *number = g_strndup (text, newline - text);

    if (!g_ascii_string_to_unsigned (number, 10, 0, G_MAXUINT, &index, NULL))
      return;
  }
  if (!tr_status_list_get (newline + 1, (guint) index, &is_set, &error))
    g_assert (error != NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;

  if (keys == NULL)
    set_up ();
  if (size == 0)
    return 0;

  /* The API takes NUL-terminated text, as the client reads it from a file. */
  text = g_strndup ((const char *) data + 1, size - 1);
  switch (data[0] % N_MODES)
    {
    case MODE_JWS:
      fuzz_jws (text);
      break;
    case MODE_PAYLOAD:
      fuzz_payload (data + 1, size - 1);
      break;
    case MODE_JWKS:
      fuzz_jwks (text);
      break;
    case MODE_STATUS_LIST:
    default:
      fuzz_status_list (text);
      break;
    }
  return 0;
}
