/* test-credential.c: signed certificates (JWS, JWKS, Open Badges credentials,
 * status lists) and `trellis-course verify`
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "tr-credential.h"
#include "tr-jws.h"
#include "tr-test-util.h"

/* 2026-11-23T10:00:00Z and two years later. */
#define ISSUED_MS 1795428000000
#define UNTIL_MS  1858586400000
#define DAY_MS    (24 * 60 * 60 * (gint64) 1000)

typedef struct
{
  guint8 public_key[TR_ED25519_PUBLIC_KEY_SIZE];
  guint8 secret_key[TR_ED25519_SECRET_KEY_SIZE];
} KeyPair;

/* A fixed key per seed byte, so that failures can be reproduced. */
static void
key_pair_init (KeyPair *pair,
               guint8   seed_byte)
{
  guint8 seed[crypto_sign_SEEDBYTES];

  g_assert_cmpint (sodium_init (), >=, 0);
  memset (seed, seed_byte, sizeof seed);
  crypto_sign_seed_keypair (pair->public_key, pair->secret_key, seed);
}

static GHashTable *
table_with (const char    *kid,
            const KeyPair *pair)
{
  GHashTable *keys = tr_jwks_new_table ();

  tr_jwks_add (keys, kid, pair->public_key);
  return keys;
}

static JsonNode *
json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static char *
b64 (const char *text)
{
  return tr_base64url_encode ((const guint8 *) text, strlen (text));
}

/* A JWS with any header and payload text, signed correctly, so that only what
 * the test breaks in it is wrong. */
static char *
sign_raw (const char   *header,
          const char   *payload,
          const guint8 *secret_key)
{
  g_autofree char *header_part = b64 (header);
  g_autofree char *payload_part = b64 (payload);
  g_autofree char *input = g_strconcat (header_part, ".", payload_part, NULL);
  g_autofree char *signature_part = NULL;
  guint8 signature[crypto_sign_BYTES];

  crypto_sign_detached (signature, NULL, (const guint8 *) input, strlen (input), secret_key);
  signature_part = tr_base64url_encode (signature, sizeof signature);
  return g_strconcat (input, ".", signature_part, NULL);
}

static char *
decode_part (const char *jws,
             guint       part)
{
  g_auto(GStrv) parts = g_strsplit (jws, ".", -1);
  gsize length;
  guint8 *data;

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  data = tr_base64url_decode (parts[part], &length);
  g_assert_nonnull (data);
  return (char *) data;
}

/* ----------------------------------------------------------------------- */
/* base64url                                                                */

static void
test_base64url (void)
{
  static const struct { const char *text; const char *why; } refused[] = {
    { "QQ==", "padding" },
    { "QQ=", "padding" },
    { "a+b/", "the standard alphabet" },
    { "QU JD", "white space" },
    { "QUJD\n", "a newline" },
    { "Q", "a lone character" },
    { "QR", "non-zero unused bits" },
    { "QUJ", "non-zero unused bits" },
    { "QU\xc3\xa9", "non-ASCII" },
  };
  guint8 data[70];

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8) (i * 37 + 250);
  for (gsize length = 0; length <= sizeof data; length++)
    {
      g_autofree char *text = tr_base64url_encode (data, length);
      g_autofree guint8 *back = NULL;
      gsize back_length = 99;

      g_assert_null (strpbrk (text, "=+/"));
      g_assert_cmpuint (strlen (text), ==, (length * 4 + 2) / 3);
      back = tr_base64url_decode (text, &back_length);
      g_assert_nonnull (back);
      g_assert_cmpmem (back, back_length, data, length);
    }

  /* The RFC 4648 vectors, in the URL-safe alphabet. */
  {
    g_autofree char *f = b64 ("f"), *fo = b64 ("fo"), *foo = b64 ("foo"), *foob = b64 ("foob");
    g_autofree char *bytes = tr_base64url_encode ((const guint8 *) "\xfb\xff\xbf", 3);

    g_assert_cmpstr (f, ==, "Zg");
    g_assert_cmpstr (fo, ==, "Zm8");
    g_assert_cmpstr (foo, ==, "Zm9v");
    g_assert_cmpstr (foob, ==, "Zm9vYg");
    g_assert_cmpstr (bytes, ==, "-_-_");
  }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      gsize length = 99;
      g_autofree guint8 *back = tr_base64url_decode (refused[i].text, &length);

      g_test_message ("refusing %s", refused[i].why);
      g_assert_null (back);
      g_assert_cmpuint (length, ==, 0);
    }
}

/* ----------------------------------------------------------------------- */
/* JWS                                                                      */

static void
test_jws_round_trip (void)
{
  KeyPair pair;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(JsonNode) payload = json ("{\"name\":\"Amira — ça va\",\"n\":[1,2.5,true,null],\"o\":{}}");
  g_autofree char *jws = NULL;
  g_autofree char *header = NULL;
  g_autofree char *payload_text = NULL;
  g_autofree char *expected_payload = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *decoded_kid = NULL;
  g_autoptr(JsonNode) verified = NULL;
  g_autoptr(JsonNode) decoded = NULL;
  g_autoptr(GError) error = NULL;

  key_pair_init (&pair, 1);
  keys = table_with ("2026-01", &pair);
  jws = tr_jws_sign (payload, "2026-01", pair.secret_key);
  g_assert_nonnull (jws);
  g_assert_null (strpbrk (jws, "=+/ \n"));

  header = decode_part (jws, 0);
  g_assert_cmpstr (header, ==, "{\"alg\":\"EdDSA\",\"kid\":\"2026-01\",\"typ\":\"JWT\"}");
  payload_text = decode_part (jws, 1);
  expected_payload = json_to_string (payload, FALSE);
  g_assert_cmpstr (payload_text, ==, expected_payload);

  verified = tr_jws_verify (jws, keys, &kid, &error);
  g_assert_no_error (error);
  g_assert_nonnull (verified);
  g_assert_true (json_node_equal (verified, payload));
  g_assert_cmpstr (kid, ==, "2026-01");

  decoded = tr_jws_decode (jws, &decoded_kid, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (decoded, payload));
  g_assert_cmpstr (decoded_kid, ==, "2026-01");

  /* The kid argument may be left out. */
  g_clear_pointer (&verified, json_node_unref);
  verified = tr_jws_verify (jws, keys, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (verified);
}

/* Whether tr_jws_verify() refuses @jws as it should: altered text is never
 * accepted, and is refused as malformed or as a bad signature — or as an
 * unknown key when the change turned the kid into another one. */
static void
assert_refused (const char *jws,
                GHashTable *keys,
                const char *kid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) decode_error = NULL;
  g_autoptr(JsonNode) payload = tr_jws_verify (jws, keys, NULL, &error);
  g_autofree char *decoded_kid = NULL;
  g_autoptr(JsonNode) decoded = NULL;

  if (payload != NULL)
    g_error ("an altered JWS was accepted: %s", jws);
  g_assert_nonnull (error);
  g_assert_true (error->domain == TR_JWS_ERROR);
  if (error->code == TR_JWS_ERROR_UNKNOWN_KEY)
    {
      decoded = tr_jws_decode (jws, &decoded_kid, &decode_error);
      g_assert_no_error (decode_error);
      g_assert_cmpstr (decoded_kid, !=, kid);
    }
  else
    g_assert_true (error->code == TR_JWS_ERROR_BAD_SIGNATURE || error->code == TR_JWS_ERROR_MALFORMED);
}

static void
test_jws_every_byte (void)
{
  static const guint8 replacements[] = { 'A', 'B', 'g', '-', '_', '.', '=', '+', '/', ' ', '\n', 0x80, 0xff };
  KeyPair pair;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(JsonNode) payload = json ("{\"a\":1}");
  g_autofree char *jws = NULL;
  gsize length;
  guint tried = 0;

  key_pair_init (&pair, 2);
  keys = table_with ("k", &pair);
  jws = tr_jws_sign (payload, "k", pair.secret_key);
  length = strlen (jws);
  g_test_message ("JWS of %" G_GSIZE_FORMAT " bytes: %s", length, jws);

  for (gsize i = 0; i < length; i++)
    {
      guint8 changed[G_N_ELEMENTS (replacements) + 2];
      guint n_changed = 0;

      changed[n_changed++] = jws[i] ^ 0x01;
      changed[n_changed++] = jws[i] ^ 0x20;
      for (guint j = 0; j < G_N_ELEMENTS (replacements); j++)
        changed[n_changed++] = replacements[j];

      for (guint j = 0; j < n_changed; j++)
        {
          g_autofree char *altered = g_strdup (jws);

          if (changed[j] == (guint8) jws[i] || changed[j] == '\0')
            continue;
          altered[i] = (char) changed[j];
          assert_refused (altered, keys, "k");
          tried++;
        }

      /* Cut short, and with a byte left out. */
      {
        g_autofree char *prefix = g_strndup (jws, i);
        g_autofree char *without = g_strconcat (prefix, jws + i + 1, NULL);

        assert_refused (prefix, keys, "k");
        assert_refused (without, keys, "k");
        tried += 2;
      }
    }
  /* Something added at the end. */
  {
    g_autofree char *longer = g_strconcat (jws, "A", NULL);

    assert_refused (longer, keys, "k");
  }
  g_test_message ("%u altered tokens refused", tried);
  g_assert_cmpuint (tried, >, length * 10);
}

static void
test_jws_other_key (void)
{
  KeyPair pair, other;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(JsonNode) payload = json ("{\"a\":1}");
  g_autofree char *forged = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;

  key_pair_init (&pair, 3);
  key_pair_init (&other, 4);
  keys = table_with ("k1", &pair);
  /* Signed by another key that claims the institute's kid. */
  forged = tr_jws_sign (payload, "k1", other.secret_key);
  result = tr_jws_verify (forged, keys, NULL, &error);
  g_assert_error (error, TR_JWS_ERROR, TR_JWS_ERROR_BAD_SIGNATURE);
  g_assert_null (result);

  /* Decoding does not verify, and says so by its name. */
  g_clear_error (&error);
  result = tr_jws_decode (forged, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
}

static void
test_jws_unknown_kid (void)
{
  KeyPair pair;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GHashTable) empty = tr_jwks_new_table ();
  g_autoptr(JsonNode) payload = json ("{\"a\":1}");
  g_autofree char *jws = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;

  key_pair_init (&pair, 5);
  keys = table_with ("k1", &pair);
  jws = tr_jws_sign (payload, "k2", pair.secret_key);
  result = tr_jws_verify (jws, keys, NULL, &error);
  g_assert_error (error, TR_JWS_ERROR, TR_JWS_ERROR_UNKNOWN_KEY);
  g_assert_null (result);
  g_assert_nonnull (strstr (error->message, "k2"));

  g_clear_error (&error);
  result = tr_jws_verify (jws, empty, NULL, &error);
  g_assert_error (error, TR_JWS_ERROR, TR_JWS_ERROR_UNKNOWN_KEY);
  g_assert_null (result);
}

static void
test_jws_malformed (void)
{
  static const struct { const char *header; const char *payload; } cases[] = {
    { "{\"alg\":\"none\",\"kid\":\"k\"}", "{}" },
    { "{\"alg\":\"HS256\",\"kid\":\"k\"}", "{}" },
    { "{\"alg\":\"eddsa\",\"kid\":\"k\"}", "{}" },
    { "{\"kid\":\"k\"}", "{}" },
    { "{\"alg\":\"EdDSA\"}", "{}" },
    { "{\"alg\":\"EdDSA\",\"kid\":\"\"}", "{}" },
    { "{\"alg\":\"EdDSA\",\"kid\":7}", "{}" },
    { "{\"alg\":\"EdDSA\",\"kid\":\"\\u001b[2Jk\"}", "{}" },
    { "{\"alg\":\"EdDSA\",\"kid\":\"k\",\"crit\":[\"b64\"],\"b64\":false}", "{}" },
    { "[\"EdDSA\"]", "{}" },
    { "\"EdDSA\"", "{}" },
    { "{\"alg\":\"EdDSA\",\"kid\":\"k\"", "{}" },
    { "", "{}" },
    { "{\"alg\":\"EdDSA\",\"kid\":\"k\"}", "" },
    { "{\"alg\":\"EdDSA\",\"kid\":\"k\"}", "[1,2]" },
    { "{\"alg\":\"EdDSA\",\"kid\":\"k\"}", "42" },
    { "{\"alg\":\"EdDSA\",\"kid\":\"k\"}", "null" },
    { "{\"alg\":\"EdDSA\",\"kid\":\"k\"}", "{\"a\":" },
    { "{\"alg\":\"EdDSA\",\"kid\":\"k\"}", "{\"a\":\"\xff\xfe\"}" },
    { "{\"alg\":\"EdDSA\",\"kid\":\"k\"}", "{\"a\":1}\n{\"b\":2}" },
  };
  static const char * const texts[] = {
    "", ".", "..", "a.b", "a.b.c.d", "...", "eyJ9.e30.", "e30.e30.e30",
    "eyJhbGciOiJFZERTQSIsImtpZCI6ImsifQ.e30.",
    "eyJhbGciOiJFZERTQSIsImtpZCI6ImsifQ.e30.AAAA",
    "eyJhbGciOiJFZERTQSIsImtpZCI6ImsifQ==.e30.AAAA",
  };
  KeyPair pair;
  g_autoptr(GHashTable) keys = NULL;

  key_pair_init (&pair, 6);
  keys = table_with ("k", &pair);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *jws = sign_raw (cases[i].header, cases[i].payload, pair.secret_key);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) decode_error = NULL;
      g_autoptr(JsonNode) result = tr_jws_verify (jws, keys, NULL, &error);
      g_autoptr(JsonNode) decoded = tr_jws_decode (jws, NULL, &decode_error);

      g_test_message ("header %s, payload %s: %s", cases[i].header, cases[i].payload,
                      error != NULL ? error->message : "accepted");
      g_assert_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED);
      g_assert_null (result);
      g_assert_error (decode_error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED);
      g_assert_null (decoded);
    }

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) result = tr_jws_verify (texts[i], keys, NULL, &error);

      g_assert_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED);
      g_assert_null (result);
    }

  /* Deep nesting would overflow json-glib's recursive parser. */
  {
    g_autoptr(GString) deep = g_string_new ("{\"a\":");
    g_autofree char *jws = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) result = NULL;

    for (guint i = 0; i < 200000; i++)
      g_string_append_c (deep, '[');
    for (guint i = 0; i < 200000; i++)
      g_string_append_c (deep, ']');
    g_string_append_c (deep, '}');
    jws = sign_raw ("{\"alg\":\"EdDSA\",\"kid\":\"k\"}", deep->str, pair.secret_key);
    result = tr_jws_verify (jws, keys, NULL, &error);
    g_assert_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED);
    g_assert_null (result);
  }

  /* Nesting as deep as a real document is fine. */
  {
    g_autofree char *jws = sign_raw ("{\"alg\":\"EdDSA\",\"kid\":\"k\"}",
                                     "{\"a\":[[[[[[[[[[{\"b\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}]]]]]]]]]]}",
                                     pair.secret_key);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) result = tr_jws_verify (jws, keys, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (result);
  }

  /* Longer than 1 MiB: refused before any decoding. */
  {
    g_autoptr(GString) big = g_string_new ("{\"a\":\"");
    g_autofree char *jws = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) result = NULL;

    for (guint i = 0; i < 800 * 1024; i++)
      g_string_append_c (big, 'x');
    g_string_append (big, "\"}");
    jws = sign_raw ("{\"alg\":\"EdDSA\",\"kid\":\"k\"}", big->str, pair.secret_key);
    g_assert_cmpuint (strlen (jws), >, 1024 * 1024);
    result = tr_jws_verify (jws, keys, NULL, &error);
    g_assert_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED);
    g_assert_null (result);
  }
}

/* ----------------------------------------------------------------------- */
/* JWKS                                                                     */

static void
test_jwks_round_trip (void)
{
  KeyPair first, second;
  g_autoptr(GHashTable) keys = tr_jwks_new_table ();
  g_autoptr(GHashTable) parsed = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autofree char *text = NULL;
  g_autofree char *x = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;
  JsonObject *jwk;

  key_pair_init (&first, 7);
  key_pair_init (&second, 8);
  tr_jwks_add (keys, "2027-01", &second.public_key[0]);
  tr_jwks_add (keys, "2026-01", &first.public_key[0]);

  document = tr_jwks_to_json (keys);
  text = json_to_string (document, TRUE);
  g_test_message ("%s", text);
  array = json_object_get_array_member (json_node_get_object (document), "keys");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  jwk = json_array_get_object_element (array, 0);
  x = tr_base64url_encode (first.public_key, sizeof first.public_key);
  g_assert_cmpuint (json_object_get_size (jwk), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (jwk, "kty"), ==, "OKP");
  g_assert_cmpstr (json_object_get_string_member (jwk, "crv"), ==, "Ed25519");
  g_assert_cmpstr (json_object_get_string_member (jwk, "x"), ==, x);
  g_assert_cmpstr (json_object_get_string_member (jwk, "kid"), ==, "2026-01");
  g_assert_cmpstr (json_object_get_string_member (jwk, "alg"), ==, "EdDSA");
  g_assert_cmpstr (json_object_get_string_member (jwk, "use"), ==, "sig");

  parsed = tr_jwks_parse (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (parsed), ==, 2);
  g_assert_true (g_bytes_equal (g_hash_table_lookup (parsed, "2026-01"), g_hash_table_lookup (keys, "2026-01")));
  g_assert_true (g_bytes_equal (g_hash_table_lookup (parsed, "2027-01"), g_hash_table_lookup (keys, "2027-01")));

  /* A key set from elsewhere: other members are fine, alg and use optional. */
  {
    g_autofree char *other = g_strdup_printf ("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\","
                                              "\"kid\":\"a\",\"key_ops\":[\"verify\"]}],\"extra\":1}", x);
    g_autoptr(GHashTable) table = tr_jwks_parse (other, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (table), ==, 1);
  }
  {
    g_autoptr(GHashTable) table = tr_jwks_parse ("{\"keys\":[]}", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (table), ==, 0);
  }
}

static void
test_jwks_refused (void)
{
  guint8 key[33];
  g_autofree char *x = NULL;
  g_autofree char *x31 = NULL;
  g_autofree char *x33 = NULL;
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) deep = g_string_new ("{\"keys\":");

  memset (key, 0x42, sizeof key);
  x = tr_base64url_encode (key, 32);
  x31 = tr_base64url_encode (key, 31);
  x33 = tr_base64url_encode (key, 33);

#define JWK(members) g_strdup_printf ("{\"keys\":[{" members "}]}", x)
  g_ptr_array_add (documents, g_strdup (""));
  g_ptr_array_add (documents, g_strdup ("not json"));
  g_ptr_array_add (documents, g_strdup ("[]"));
  g_ptr_array_add (documents, g_strdup ("{}"));
  g_ptr_array_add (documents, g_strdup ("{\"keys\":{}}"));
  g_ptr_array_add (documents, g_strdup ("{\"keys\":[1]}"));
  g_ptr_array_add (documents, JWK ("\"kty\":\"RSA\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"a\""));
  g_ptr_array_add (documents, JWK ("\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"%s\",\"kid\":\"a\""));
  g_ptr_array_add (documents, JWK ("\"kty\":\"OKP\",\"crv\":\"Ed448\",\"x\":\"%s\",\"kid\":\"a\""));
  g_ptr_array_add (documents, JWK ("\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"a\""));
  g_ptr_array_add (documents, JWK ("\"kty\":\"OKP\",\"x\":\"%s\",\"kid\":\"a\""));
  g_ptr_array_add (documents, JWK ("\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\""));
  g_ptr_array_add (documents, JWK ("\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"\""));
  g_ptr_array_add (documents, JWK ("\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":5"));
  g_ptr_array_add (documents, JWK ("\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"a\\nb\""));
  g_ptr_array_add (documents, JWK ("\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"a\",\"alg\":\"ES256\""));
  g_ptr_array_add (documents, JWK ("\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"a\",\"use\":\"enc\""));
  g_ptr_array_add (documents, JWK ("\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"a\",\"d\":\"AAAA\""));
#undef JWK
  g_ptr_array_add (documents, g_strdup ("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"a\"}]}"));
  g_ptr_array_add (documents, g_strdup ("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":5,\"kid\":\"a\"}]}"));
  g_ptr_array_add (documents, g_strdup ("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"a+b/\",\"kid\":\"a\"}]}"));
  g_ptr_array_add (documents, g_strdup_printf ("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"a\"}]}", x31));
  g_ptr_array_add (documents, g_strdup_printf ("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"a\"}]}", x33));
  g_ptr_array_add (documents, g_strdup_printf ("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s=\",\"kid\":\"a\"}]}", x));
  /* One good key and one bad: the whole document is refused. */
  g_ptr_array_add (documents, g_strdup_printf ("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"a\"},"
                                               "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"kid\":\"b\"}]}", x, x));
  g_ptr_array_add (documents, g_strdup_printf ("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"a\"},"
                                               "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"a\"}]}", x, x));
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_ptr_array_add (documents, g_string_free (g_steal_pointer (&deep), FALSE));

  for (guint i = 0; i < documents->len; i++)
    {
      const char *document = g_ptr_array_index (documents, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) keys = tr_jwks_parse (document, &error);

      g_test_message ("%.200s: %s", document, error != NULL ? error->message : "accepted");
      g_assert_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED);
      g_assert_null (keys);
    }
}

/* ----------------------------------------------------------------------- */
/* Credentials                                                              */

static TrCredentialInfo *
sample_info (void)
{
  TrCredentialInfo *info = tr_credential_info_new ();
  const char *modules[] = { "Recognising radicalisation", "Talking with young people", NULL };

  info->id = g_strdup ("urn:uuid:6f1c2b8e-3a1d-4c55-9d1e-0a7b3c9e2f10");
  info->issuer_id = g_strdup ("https://trellis.example.org");
  info->issuer_name = g_strdup ("Institute for Prevention");
  info->holder_name = g_strdup ("Amira El Idrissi");
  info->holder_id = g_strdup ("urn:uuid:0c9b8a7d-1e2f-4a3b-8c4d-5e6f7a8b9c0d");
  info->achievement_id = g_strdup ("recognising-radicalisation");
  info->achievement_kind = g_strdup ("course");
  info->title.s[TR_LANG_EN] = g_strdup ("Recognising radicalisation");
  info->title.s[TR_LANG_NL] = g_strdup ("Radicalisering herkennen");
  info->title.s[TR_LANG_FR] = g_strdup ("Reconnaître la radicalisation");
  info->modules = g_strdupv ((char **) modules);
  info->study_hours = 3.5;
  info->version = g_strdup ("1.2.0");
  info->quiz_score = 85;
  info->valid_from = ISSUED_MS;
  info->valid_until = UNTIL_MS;
  info->status_list = g_strdup ("https://trellis.example.org/api/v1/status-lists/1");
  info->status_index = 131071;
  info->verify_url = g_strdup ("https://trellis.example.org/verify/6f1c2b8e-3a1d-4c55-9d1e-0a7b3c9e2f10");
  return info;
}

static void
assert_info_equal (const TrCredentialInfo *a,
                   const TrCredentialInfo *b)
{
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpstr (a->issuer_id, ==, b->issuer_id);
  g_assert_cmpstr (a->issuer_name, ==, b->issuer_name);
  g_assert_cmpstr (a->holder_name, ==, b->holder_name);
  g_assert_cmpstr (a->holder_id, ==, b->holder_id);
  g_assert_cmpstr (a->achievement_id, ==, b->achievement_id);
  g_assert_cmpstr (a->achievement_kind, ==, b->achievement_kind);
  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    g_assert_cmpstr (a->title.s[lang], ==, b->title.s[lang]);
  g_assert_nonnull (b->modules);
  g_assert_cmpstrv (a->modules != NULL ? a->modules : (char *[]) { NULL }, b->modules);
  g_assert_cmpfloat (a->study_hours, ==, b->study_hours);
  g_assert_cmpstr (a->version, ==, b->version);
  g_assert_cmpint (a->quiz_score, ==, b->quiz_score);
  g_assert_cmpint (a->valid_from, ==, b->valid_from);
  g_assert_cmpint (a->valid_until, ==, b->valid_until);
  g_assert_cmpstr (a->status_list, ==, b->status_list);
  g_assert_cmpuint (a->status_index, ==, b->status_index);
  g_assert_cmpstr (a->verify_url, ==, b->verify_url);
}

/* Built, written out, read back and parsed: every field survives. */
static TrCredentialInfo *
round_trip (const TrCredentialInfo *info)
{
  g_autoptr(JsonNode) built = tr_credential_build (info);
  g_autofree char *text = json_to_string (built, FALSE);
  g_autoptr(JsonNode) read = json (text);
  g_autoptr(GError) error = NULL;
  TrCredentialInfo *parsed = tr_credential_parse (read, &error);

  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  assert_info_equal (info, parsed);
  return parsed;
}

static JsonNode *
lookup (JsonNode   *root,
        const char *path)
{
  g_auto(GStrv) names = g_strsplit (path, ".", -1);
  JsonNode *node = root;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      node = json_object_get_member (json_node_get_object (node), names[i]);
      g_assert_nonnull (node);
    }
  return node;
}

static void
test_credential_round_trip (void)
{
  g_autoptr(TrCredentialInfo) info = sample_info ();
  g_autoptr(TrCredentialInfo) parsed = round_trip (info);
  g_autoptr(JsonNode) built = tr_credential_build (info);
  g_autofree char *pretty = json_to_string (built, TRUE);
  g_autofree char *description = NULL;
  JsonArray *array;

  g_test_message ("%s", pretty);

  /* What Open Badges 3.0 and the VC data model 2.0 readers look for. */
  array = json_node_get_array (lookup (built, "@context"));
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "https://www.w3.org/ns/credentials/v2");
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==,
                   "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json");
  array = json_node_get_array (lookup (built, "type"));
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "VerifiableCredential");
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "OpenBadgeCredential");
  g_assert_cmpstr (json_node_get_string (lookup (built, "id")), ==, info->id);
  g_assert_cmpstr (json_node_get_string (lookup (built, "issuer.id")), ==, "https://trellis.example.org");
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (lookup (built, "issuer.type")), 0), ==,
                   "Profile");
  g_assert_cmpstr (json_node_get_string (lookup (built, "validFrom")), ==, "2026-11-23T10:00:00Z");
  g_assert_cmpstr (json_node_get_string (lookup (built, "validUntil")), ==, "2028-11-23T10:00:00Z");
  g_assert_cmpstr (json_node_get_string (lookup (built, "name")), ==, "Recognising radicalisation");
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (lookup (built, "credentialSubject.type")), 0),
                   ==, "AchievementSubject");
  g_assert_cmpstr (json_node_get_string (lookup (built, "credentialSubject.achievement.id")), ==,
                   "https://trellis.example.org/achievements/course/recognising-radicalisation");
  g_assert_cmpstr (json_node_get_string (lookup (built, "credentialSubject.achievement.achievementType")), ==,
                   "Certificate");
  description = json_node_dup_string (lookup (built, "credentialSubject.achievement.description"));
  g_assert_nonnull (strstr (description, "Talking with young people"));
  g_assert_nonnull (json_node_get_string (lookup (built, "credentialSubject.achievement.criteria.narrative")));
  g_assert_cmpint (json_node_get_int (lookup (built, "credentialSubject.achievement.trellis.quizScore")), ==, 85);
  g_assert_cmpstr (json_node_get_string (lookup (built, "credentialStatus.id")), ==,
                   "https://trellis.example.org/api/v1/status-lists/1#131071");
  g_assert_cmpstr (json_node_get_string (lookup (built, "credentialStatus.type")), ==, "BitstringStatusListEntry");
  g_assert_cmpstr (json_node_get_string (lookup (built, "credentialStatus.statusPurpose")), ==, "revocation");
  /* A string, as the Bitstring Status List spec says. */
  g_assert_cmpstr (json_node_get_string (lookup (built, "credentialStatus.statusListIndex")), ==, "131071");
  g_assert_cmpstr (json_node_get_string (lookup (built, "credentialStatus.statusListCredential")), ==,
                   info->status_list);

  /* A learning path without quiz, expiry, status list or translations. */
  {
    g_autoptr(TrCredentialInfo) path = sample_info ();
    g_autoptr(TrCredentialInfo) path_parsed = NULL;
    g_autoptr(JsonNode) path_built = NULL;

    g_free (path->achievement_kind);
    path->achievement_kind = g_strdup ("path");
    g_clear_pointer (&path->title.s[TR_LANG_NL], g_free);
    g_clear_pointer (&path->title.s[TR_LANG_FR], g_free);
    g_clear_pointer (&path->status_list, g_free);
    path->status_index = 0;
    path->quiz_score = -1;
    path->valid_until = 0;
    path->study_hours = 12;
    path_parsed = round_trip (path);
    path_built = tr_credential_build (path);
    g_assert_false (json_object_has_member (json_node_get_object (path_built), "validUntil"));
    g_assert_false (json_object_has_member (json_node_get_object (path_built), "credentialStatus"));
    g_assert_cmpstr (json_node_get_string (lookup (path_built, "credentialSubject.achievement.id")), ==,
                     "https://trellis.example.org/achievements/path/recognising-radicalisation");
  }

  /* No modules, a quiz score of 0, status index 0. */
  {
    g_autoptr(TrCredentialInfo) bare = sample_info ();
    g_autoptr(TrCredentialInfo) bare_parsed = NULL;

    g_clear_pointer (&bare->modules, g_strfreev);
    bare->quiz_score = 0;
    bare->status_index = 0;
    bare->study_hours = 0.25;
    bare_parsed = round_trip (bare);
  }
}

/* A member, named by its path, that the parser must not do without. */
static const char * const required_paths[] = {
  "@context",
  "type",
  "id",
  "issuer",
  "issuer.id",
  "issuer.name",
  "validFrom",
  "credentialSubject",
  "credentialSubject.type",
  "credentialSubject.id",
  "credentialSubject.name",
  "credentialSubject.achievement",
  "credentialSubject.achievement.type",
  "credentialSubject.achievement.trellis",
  "credentialSubject.achievement.trellis.kind",
  "credentialSubject.achievement.trellis.id",
  "credentialSubject.achievement.trellis.title",
  "credentialSubject.achievement.trellis.title.en",
  "credentialSubject.achievement.trellis.modules",
  "credentialSubject.achievement.trellis.studyHours",
  "credentialSubject.achievement.trellis.contentVersion",
  "credentialStatus.id",
  "credentialStatus.type",
  "credentialStatus.statusPurpose",
  "credentialStatus.statusListIndex",
  "credentialStatus.statusListCredential",
  "trellis",
  "trellis.verifyUrl",
};

/* Members that may be missing but, when present, must be right. */
static const char * const optional_paths[] = {
  "validUntil",
  "credentialStatus",
  "credentialSubject.achievement.trellis.title.nl",
  "credentialSubject.achievement.trellis.title.fr",
  "credentialSubject.achievement.trellis.quizScore",
};

static void
set_member (JsonNode   *root,
            const char *path,
            JsonNode   *value)
{
  g_autofree char *parent_path = g_strdup (path);
  char *dot = strrchr (parent_path, '.');
  JsonNode *parent = root;
  const char *name = path;

  if (dot != NULL)
    {
      *dot = '\0';
      parent = lookup (root, parent_path);
      name = path + (dot - parent_path) + 1;
    }
  if (value != NULL)
    json_object_set_member (json_node_get_object (parent), name, value);
  else
    json_object_remove_member (json_node_get_object (parent), name);
}

/* json_node_copy() shares objects and arrays: this copy may be edited. */
static JsonNode *
deep_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return json (text);
}

static void
assert_parse_refused (JsonNode   *credential,
                      const char *field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCredentialInfo) parsed = tr_credential_parse (credential, &error);
  g_autofree char *quoted = g_strdup_printf ("“%s", field);

  g_assert_error (error, TR_CREDENTIAL_ERROR, TR_CREDENTIAL_ERROR_INVALID);
  g_assert_null (parsed);
  g_test_message ("%s: %s", field, error->message);
  if (strstr (error->message, quoted) == NULL)
    g_error ("the error about %s does not name it: %s", field, error->message);
}

static void
test_credential_refused (void)
{
  g_autoptr(TrCredentialInfo) info = sample_info ();
  g_autoptr(JsonNode) built = tr_credential_build (info);

  for (guint i = 0; i < G_N_ELEMENTS (required_paths); i++)
    {
      g_autoptr(JsonNode) missing = deep_copy (built);

      set_member (missing, required_paths[i], NULL);
      assert_parse_refused (missing, required_paths[i]);
    }

  /* Of the wrong type: a number for a string, a string for anything else. */
  for (guint i = 0; i < G_N_ELEMENTS (required_paths) + G_N_ELEMENTS (optional_paths); i++)
    {
      const char *path = i < G_N_ELEMENTS (required_paths) ? required_paths[i]
                                                            : optional_paths[i - G_N_ELEMENTS (required_paths)];
      g_autoptr(JsonNode) wrong = deep_copy (built);
      JsonNode *original = lookup (wrong, path);
      JsonNode *value;

      if (json_node_get_value_type (original) == G_TYPE_STRING)
        value = json_node_init_int (json_node_alloc (), 42);
      else
        value = json_node_init_string (json_node_alloc (), "42");
      set_member (wrong, path, value);
      assert_parse_refused (wrong, path);
    }

  /* Of the right type, but wrong. */
  {
    static const struct { const char *path; const char *value; } cases[] = {
      { "@context", "[\"https://www.w3.org/2018/credentials/v1\"]" },
      { "@context", "[]" },
      { "type", "[\"VerifiableCredential\"]" },
      { "type", "[\"OpenBadgeCredential\"]" },
      { "credentialSubject.type", "[\"Profile\"]" },
      { "credentialSubject.achievement.type", "[]" },
      { "id", "\"\"" },
      { "issuer.name", "\"\"" },
      { "validFrom", "\"2026-11-23T10:00:00\"" },
      { "validFrom", "\"2026-11-23\"" },
      { "validFrom", "\"yesterday\"" },
      { "validUntil", "\"2028-13-23T10:00:00Z\"" },
      { "credentialSubject.achievement.trellis.kind", "\"module\"" },
      { "credentialSubject.achievement.trellis.modules", "[\"a\",1]" },
      { "credentialSubject.achievement.trellis.studyHours", "-1" },
      { "credentialSubject.achievement.trellis.quizScore", "101" },
      { "credentialSubject.achievement.trellis.quizScore", "-1" },
      { "credentialSubject.achievement.trellis.quizScore", "85.5" },
      { "credentialSubject.achievement.trellis.title.nl", "\"\"" },
      { "credentialStatus.type", "\"StatusList2021Entry\"" },
      { "credentialStatus.statusPurpose", "\"suspension\"" },
      { "credentialStatus.statusListIndex", "\"-1\"" },
      { "credentialStatus.statusListIndex", "\"12a\"" },
      { "credentialStatus.statusListIndex", "\"99999999999\"" },
      { "credentialStatus.statusListIndex", "\"\"" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(JsonNode) wrong = deep_copy (built);

        set_member (wrong, cases[i].path, json (cases[i].value));
        assert_parse_refused (wrong, cases[i].path);
      }
  }

  /* Not an object at all. */
  {
    g_autoptr(JsonNode) array = json ("[]");
    g_autoptr(GError) error = NULL;
    g_autoptr(TrCredentialInfo) parsed = tr_credential_parse (array, &error);

    g_assert_error (error, TR_CREDENTIAL_ERROR, TR_CREDENTIAL_ERROR_INVALID);
    g_assert_null (parsed);
  }

  /* Other time zones are fine: they name one instant. */
  {
    g_autoptr(JsonNode) zoned = deep_copy (built);
    g_autoptr(GError) error = NULL;
    g_autoptr(TrCredentialInfo) parsed = NULL;

    set_member (zoned, "validFrom", json ("\"2026-11-23T11:00:00+01:00\""));
    parsed = tr_credential_parse (zoned, &error);
    g_assert_no_error (error);
    g_assert_cmpint (parsed->valid_from, ==, ISSUED_MS);
  }
}

/* ----------------------------------------------------------------------- */
/* Status lists                                                             */

static void
assert_bit (const char *encoded,
            guint       index,
            gboolean    expected)
{
  g_autoptr(GError) error = NULL;
  gboolean is_set = !expected;

  g_assert_true (tr_status_list_get (encoded, index, &is_set, &error));
  g_assert_no_error (error);
  if (is_set != expected)
    g_error ("bit %u is %s, expected %s", index, is_set ? "set" : "unset", expected ? "set" : "unset");
}

static void
assert_list_refused (const char *encoded,
                     guint       index)
{
  g_autoptr(GError) error = NULL;
  gboolean is_set = FALSE;

  g_assert_false (tr_status_list_get (encoded, index, &is_set, &error));
  g_assert_error (error, TR_CREDENTIAL_ERROR, TR_CREDENTIAL_ERROR_INVALID);
  g_test_message ("%.40s… [%u]: %s", encoded, index, error->message);
}

static char *
gzip_base64url (const guint8 *data,
                gsize         length,
                gsize         cut)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize size;

  g_output_stream_write_all (stream, data, length, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);
  size = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory));
  g_assert_cmpuint (size, >, cut);
  text = tr_base64url_encode (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (memory)), size - cut);
  return g_strconcat ("u", text, NULL);
}

static void
test_status_list_bits (void)
{
  static const guint set[] = { 0, 7, 8, 131071 };
  static const guint unset[] = { 1, 6, 9, 15, 16, 131070 };
  g_autofree guint8 *bits = g_malloc0 (16 * 1024);
  g_autofree char *empty = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *short_list = NULL;
  g_autofree guint8 *compressed = NULL;
  gsize compressed_length;

  empty = tr_status_list_encode (bits, 16 * 1024);
  for (guint i = 0; i < G_N_ELEMENTS (set); i++)
    assert_bit (empty, set[i], FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (set); i++)
    bits[set[i] / 8] |= 0x80 >> (set[i] % 8);
  /* Bit 0 is the most significant bit of the first byte. */
  g_assert_cmphex (bits[0], ==, 0x81);
  g_assert_cmphex (bits[1], ==, 0x80);

  encoded = tr_status_list_encode (bits, 16 * 1024);
  g_assert_true (encoded[0] == 'u');
  compressed = tr_base64url_decode (encoded + 1, &compressed_length);
  g_assert_nonnull (compressed);
  g_assert_cmpuint (compressed_length, >, 18);
  g_assert_cmphex (compressed[0], ==, 0x1f);
  g_assert_cmphex (compressed[1], ==, 0x8b);

  for (guint i = 0; i < G_N_ELEMENTS (set); i++)
    assert_bit (encoded, set[i], TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (unset); i++)
    assert_bit (encoded, unset[i], FALSE);
  assert_list_refused (encoded, 131072);
  assert_list_refused (encoded, G_MAXUINT);

  /* A shorter list is padded to 131072 bits, so that it does not tell how
   * many certificates exist. */
  short_list = tr_status_list_encode (bits, 2);
  assert_bit (short_list, 0, TRUE);
  assert_bit (short_list, 8, TRUE);
  assert_bit (short_list, 131071, FALSE);
  assert_list_refused (short_list, 131072);

  /* A list from elsewhere, as long as it is gzip: a bigger one too. */
  {
    g_autofree guint8 *big = g_malloc0 (64 * 1024);
    g_autofree char *other = NULL;

    big[65535] = 0x01;
    other = gzip_base64url (big, 64 * 1024, 0);
    assert_bit (other, 64 * 1024 * 8 - 1, TRUE);
    assert_bit (other, 64 * 1024 * 8 - 2, FALSE);
    assert_list_refused (other, 64 * 1024 * 8);
  }
}

static void
test_status_list_refused (void)
{
  g_autofree guint8 *bits = g_malloc0 (16 * 1024);
  g_autofree char *encoded = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *trailing = NULL;
  g_autofree char *bomb = NULL;
  g_autofree char *not_gzip = NULL;
  g_autofree guint8 *huge = NULL;
  g_autofree guint8 *compressed = NULL;
  gsize compressed_length;

  encoded = tr_status_list_encode (bits, 16 * 1024);
  assert_list_refused (encoded + 1, 0);                   /* no multibase "u" */
  assert_list_refused ("", 0);
  assert_list_refused ("u", 0);
  assert_list_refused ("u!!!!", 0);
  assert_list_refused ("uH4sI=", 0);
  assert_list_refused ("zQmFoo", 0);

  not_gzip = g_strconcat ("u", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);
  assert_list_refused (not_gzip, 0);
  cut = gzip_base64url (bits, 16 * 1024, 6);
  assert_list_refused (cut, 0);

  compressed = tr_base64url_decode (encoded + 1, &compressed_length);
  {
    g_autoptr(GByteArray) longer = g_byte_array_new ();
    g_autofree char *text = NULL;

    g_byte_array_append (longer, compressed, compressed_length);
    g_byte_array_append (longer, (const guint8 *) "junk", 4);
    text = tr_base64url_encode (longer->data, longer->len);
    trailing = g_strconcat ("u", text, NULL);
    assert_list_refused (trailing, 0);
  }

  /* 17 MiB of zeros compresses to a few KiB: refused, not inflated. */
  huge = g_malloc0 (17 * 1024 * 1024);
  bomb = gzip_base64url (huge, 17 * 1024 * 1024, 0);
  g_test_message ("a 17 MiB list in %" G_GSIZE_FORMAT " characters", strlen (bomb));
  assert_list_refused (bomb, 0);
}

static void
test_status_list_build (void)
{
  g_autofree guint8 *bits = g_malloc0 (16 * 1024);
  g_autofree char *encoded = tr_status_list_encode (bits, 16 * 1024);
  g_autoptr(JsonNode) list = tr_status_list_build ("https://trellis.example.org/api/v1/status-lists/1",
                                                   "https://trellis.example.org", encoded, ISSUED_MS);
  JsonArray *array;

  array = json_node_get_array (lookup (list, "@context"));
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "https://www.w3.org/ns/credentials/v2");
  array = json_node_get_array (lookup (list, "type"));
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "VerifiableCredential");
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "BitstringStatusListCredential");
  g_assert_cmpstr (json_node_get_string (lookup (list, "id")), ==,
                   "https://trellis.example.org/api/v1/status-lists/1");
  g_assert_cmpstr (json_node_get_string (lookup (list, "issuer")), ==, "https://trellis.example.org");
  g_assert_cmpstr (json_node_get_string (lookup (list, "validFrom")), ==, "2026-11-23T10:00:00Z");
  g_assert_cmpstr (json_node_get_string (lookup (list, "credentialSubject.id")), ==,
                   "https://trellis.example.org/api/v1/status-lists/1#list");
  g_assert_cmpstr (json_node_get_string (lookup (list, "credentialSubject.type")), ==, "BitstringStatusList");
  g_assert_cmpstr (json_node_get_string (lookup (list, "credentialSubject.statusPurpose")), ==, "revocation");
  g_assert_cmpstr (json_node_get_string (lookup (list, "credentialSubject.encodedList")), ==, encoded);
}

/* ----------------------------------------------------------------------- */
/* Running programs                                                         */

typedef struct
{
  gboolean  done;
  gboolean  timed_out;
  char     *out;
  char     *err;
  GError   *error;
} Run;

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err, &run->error);
  run->done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  Run *run = user_data;

  run->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs @argv to its end, or kills it after @timeout_s. Returns the exit
 * status, or -1 when it could not be started, was killed or timed out. */
static int
run_program (const char * const  *argv,
             guint                timeout_s,
             char               **out,
             char               **err)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new_seconds (timeout_s);
  Run run = { 0 };
  int status = -1;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  if (process == NULL)
    {
      if (err != NULL)
        *err = g_strdup (error->message);
      return -1;
    }

  g_main_context_push_thread_default (context);
  g_source_set_callback (timeout, timeout_cb, &run, NULL);
  g_source_attach (timeout, context);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_cb, &run);
  while (!run.done && !run.timed_out)
    g_main_context_iteration (context, TRUE);
  if (!run.done)
    {
      g_subprocess_force_exit (process);
      while (!run.done)
        g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (!run.timed_out && run.error == NULL && g_subprocess_get_if_exited (process))
    status = g_subprocess_get_exit_status (process);
  g_clear_error (&run.error);
  if (out != NULL)
    *out = g_steal_pointer (&run.out);
  if (err != NULL)
    *err = run.timed_out ? g_strdup_printf ("timed out after %u s", timeout_s) : g_steal_pointer (&run.err);
  g_free (run.out);
  g_free (run.err);
  return status;
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents,
            char      **path)
{
  g_autoptr(GError) error = NULL;

  *path = g_build_filename (dir, name, NULL);
  g_file_set_contents (*path, contents, -1, &error);
  g_assert_no_error (error);
}

static char *
jwks_text (GHashTable *keys)
{
  g_autoptr(JsonNode) jwks = tr_jwks_to_json (keys);

  return json_to_string (jwks, TRUE);
}

/* One character of the payload part replaced, as an editor would. */
static char *
tamper (const char *jws)
{
  char *altered = g_strdup (jws);
  char *payload = strchr (altered, '.') + 1;
  gsize middle = (strchr (payload, '.') - payload) / 2;

  payload[middle] = payload[middle] == 'A' ? 'B' : 'A';
  return altered;
}

/* ----------------------------------------------------------------------- */
/* An independent JOSE implementation                                      */

static void
test_jose (void)
{
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *npm = g_find_program_in_path ("npm");
  const char *build_dir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *node_dir = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *script_source = NULL;
  g_autofree char *script = NULL;
  g_autofree char *script_text = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *jwks_path = NULL;
  g_autofree char *good_path = NULL;
  g_autofree char *tampered_path = NULL;
  g_autofree char *forged_path = NULL;
  g_autofree char *jwks = NULL;
  g_autofree char *good = NULL;
  g_autofree char *tampered = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(TrCredentialInfo) info = sample_info ();
  g_autoptr(JsonNode) credential = tr_credential_build (info);
  g_autoptr(JsonNode) printed = NULL;
  g_autoptr(GError) error = NULL;
  KeyPair pair, other;
  int status;

  if (node == NULL || npm == NULL)
    {
      g_test_skip ("node and npm are not installed: cannot check the JWS with the npm “jose” package");
      return;
    }

  node_dir = g_build_filename (build_dir != NULL ? build_dir : g_test_get_dir (G_TEST_BUILT), "node", NULL);
  marker = g_build_filename (node_dir, ".jose-installed", NULL);
  if (!g_file_test (marker, G_FILE_TEST_EXISTS))
    {
      /* The isolated test HOME is /dev/null: npm gets a cache of its own. */
      g_autofree char *cache = g_build_filename (node_dir, "npm-cache", NULL);
      const char *install[] = { npm, "install", "--prefix", node_dir, "--cache", cache, "--no-audit",
                                "--no-fund", "--no-update-notifier", "--loglevel=error", "jose@5", NULL };

      g_mkdir_with_parents (node_dir, 0755);
      status = run_program (install, 60, NULL, &err);
      if (status != 0)
        {
          g_autofree char *reason = g_strdup_printf ("npm could not install jose@5 into %s (no network or "
                                                     "no npm registry?): %s", node_dir, err);

          g_test_skip (reason);
          return;
        }
      g_file_set_contents (marker, "", 0, &error);
      g_assert_no_error (error);
      g_clear_pointer (&err, g_free);
    }

  /* Run from next to node_modules, so that `import 'jose'` finds it. */
  script_source = g_test_build_filename (G_TEST_DIST, "jose-verify.mjs", NULL);
  g_file_get_contents (script_source, &script_text, NULL, &error);
  g_assert_no_error (error);
  write_file (node_dir, "jose-verify.mjs", script_text, &script);

  key_pair_init (&pair, 9);
  key_pair_init (&other, 10);
  keys = table_with ("2026-01", &pair);
  tr_jwks_add (keys, "2025-01", other.public_key);
  jwks = jwks_text (keys);
  good = tr_jws_sign (credential, "2026-01", pair.secret_key);
  tampered = tamper (good);
  forged = tr_jws_sign (credential, "2026-01", other.secret_key);

  tmp = g_dir_make_tmp ("trellis-jose-XXXXXX", &error);
  g_assert_no_error (error);
  write_file (tmp, "jwks.json", jwks, &jwks_path);
  write_file (tmp, "good.jws", good, &good_path);
  write_file (tmp, "tampered.jws", tampered, &tampered_path);
  write_file (tmp, "forged.jws", forged, &forged_path);

  {
    const char *argv[] = { node, script, jwks_path, good_path, NULL };

    status = run_program (argv, 60, &out, &err);
    g_test_message ("jose on a good JWS: %d %s", status, err);
    g_assert_cmpint (status, ==, 0);
    printed = json (out);
    g_assert_true (json_node_equal (printed, credential));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { node, script, jwks_path, tampered_path, NULL };

    status = run_program (argv, 60, &out, &err);
    g_test_message ("jose on a tampered JWS: %d %s", status, err);
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, "jose:"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { node, script, jwks_path, forged_path, NULL };

    status = run_program (argv, 60, &out, &err);
    g_test_message ("jose on a JWS signed by another key: %d %s", status, err);
    g_assert_cmpint (status, ==, 1);
  }

  g_unlink (jwks_path);
  g_unlink (good_path);
  g_unlink (tampered_path);
  g_unlink (forged_path);
  g_rmdir (tmp);
}

/* ----------------------------------------------------------------------- */
/* trellis-course verify                                                    */

typedef struct
{
  char *dir;
  char *jwks;
  char *good;
  char *wrapped;
  char *tampered;
  char *forged;
  char *expired;
  char *list_clear;
  char *list_revoked;
  char *list_forged;
} CliFiles;

#define STATUS_URL "https://trellis.example.org/api/v1/status-lists/1"
#define STATUS_INDEX 77

static char *
signed_list (guint         revoked_index,
             const guint8 *secret_key)
{
  g_autofree guint8 *bits = g_malloc0 (16 * 1024);
  g_autofree char *encoded = NULL;
  g_autoptr(JsonNode) list = NULL;

  if (revoked_index != G_MAXUINT)
    bits[revoked_index / 8] |= 0x80 >> (revoked_index % 8);
  encoded = tr_status_list_encode (bits, 16 * 1024);
  list = tr_status_list_build (STATUS_URL, "https://trellis.example.org", encoded,
                               g_get_real_time () / 1000 - 3 * DAY_MS);
  return tr_jws_sign (list, "2026-01", secret_key);
}

static void
cli_files_init (CliFiles *files)
{
  KeyPair pair, other;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(TrCredentialInfo) info = sample_info ();
  g_autoptr(JsonNode) credential = NULL;
  g_autoptr(JsonNode) old_credential = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jwks = NULL;
  g_autofree char *good = NULL;
  g_autofree char *wrapped = NULL;
  g_autofree char *tampered = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *list_clear = NULL;
  g_autofree char *list_revoked = NULL;
  g_autofree char *list_forged = NULL;
  gint64 now = g_get_real_time () / 1000;

  key_pair_init (&pair, 11);
  key_pair_init (&other, 12);
  keys = table_with ("2026-01", &pair);
  jwks = jwks_text (keys);

  g_free (info->status_list);
  info->status_list = g_strdup (STATUS_URL);
  info->status_index = STATUS_INDEX;
  info->valid_from = now - 30 * DAY_MS;
  info->valid_until = now + 700 * DAY_MS;
  credential = tr_credential_build (info);
  good = tr_jws_sign (credential, "2026-01", pair.secret_key);
  wrapped = g_strdup_printf ("{\"id\": \"x\", \"jws\": \"%s\"}\n", good);
  tampered = tamper (good);
  forged = tr_jws_sign (credential, "2026-01", other.secret_key);

  info->valid_from = now - 800 * DAY_MS;
  info->valid_until = now - 70 * DAY_MS;
  old_credential = tr_credential_build (info);
  expired = tr_jws_sign (old_credential, "2026-01", pair.secret_key);

  list_clear = signed_list (STATUS_INDEX + 1, pair.secret_key);
  list_revoked = signed_list (STATUS_INDEX, pair.secret_key);
  list_forged = signed_list (G_MAXUINT, other.secret_key);

  files->dir = g_dir_make_tmp ("trellis-verify-XXXXXX", &error);
  g_assert_no_error (error);
  write_file (files->dir, "jwks.json", jwks, &files->jwks);
  write_file (files->dir, "good.jws", good, &files->good);
  write_file (files->dir, "wrapped.json", wrapped, &files->wrapped);
  write_file (files->dir, "tampered.jws", tampered, &files->tampered);
  write_file (files->dir, "forged.jws", forged, &files->forged);
  write_file (files->dir, "expired.jws", expired, &files->expired);
  write_file (files->dir, "list-clear.jws", list_clear, &files->list_clear);
  write_file (files->dir, "list-revoked.jws", list_revoked, &files->list_revoked);
  write_file (files->dir, "list-forged.jws", list_forged, &files->list_forged);
}

static void
cli_files_clear (CliFiles *files)
{
  char **paths[] = { &files->jwks, &files->good, &files->wrapped, &files->tampered, &files->forged,
                     &files->expired, &files->list_clear, &files->list_revoked, &files->list_forged };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_unlink (*paths[i]);
      g_clear_pointer (paths[i], g_free);
    }
  g_rmdir (files->dir);
  g_clear_pointer (&files->dir, g_free);
}

/* Runs trellis-course with @args (NULL-terminated) and returns its exit
 * status, with what it printed in @out. */
static int
run_course (char       **out,
            const char  *first,
            ...)
{
  const char *program = g_getenv ("TRELLIS_COURSE");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  va_list args;
  int status;

  g_assert_nonnull (program);
  g_ptr_array_add (argv, (gpointer) program);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  status = run_program ((const char * const *) argv->pdata, 60, out, &err);
  g_test_message ("exit %d\n%s%s", status, *out, err);
  return status;
}

static void
assert_has_line (const char *out,
                 const char *line)
{
  if (strstr (out, line) == NULL)
    g_error ("“%s” not printed in:\n%s", line, out);
}

static void
test_cli_verify (void)
{
  CliFiles files = { 0 };
  g_autofree char *out = NULL;

  if (g_getenv ("TRELLIS_COURSE") == NULL)
    {
      g_test_skip ("TRELLIS_COURSE is not set: run through meson test");
      return;
    }
  cli_files_init (&files);

  g_assert_cmpint (run_course (&out, "verify", files.good, "--jwks", files.jwks, NULL), ==, 0);
  assert_has_line (out, "signature: valid (key 2026-01)\n");
  assert_has_line (out, "issuer: Institute for Prevention (https://trellis.example.org)\n");
  assert_has_line (out, "holder: Amira El Idrissi (urn:uuid:0c9b8a7d-1e2f-4a3b-8c4d-5e6f7a8b9c0d)\n");
  assert_has_line (out, "achievement: course “Recognising radicalisation” (recognising-radicalisation)\n");
  assert_has_line (out, "content version: 1.2.0\n");
  assert_has_line (out, "issued: ");
  assert_has_line (out, "valid until: ");
  assert_has_line (out, "revocation: not checked: no status list given\n");
  g_assert_null (strstr (out, "expired"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_course (&out, "verify", files.wrapped, "--jwks", files.jwks, NULL), ==, 0);
  assert_has_line (out, "signature: valid");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_course (&out, "verify", files.tampered, "--jwks", files.jwks, NULL), ==, 1);
  assert_has_line (out, "signature: INVALID — ");
  g_assert_null (strstr (out, "holder:"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_course (&out, "verify", files.forged, "--jwks", files.jwks, NULL), ==, 1);
  assert_has_line (out, "signature: INVALID — ");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_course (&out, "verify", files.expired, "--jwks", files.jwks, NULL), ==, 1);
  assert_has_line (out, "signature: valid");
  assert_has_line (out, " (expired)\n");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_course (&out, "verify", files.good, "--jwks", files.jwks,
                               "--status-list", files.list_clear, NULL), ==, 0);
  assert_has_line (out, "revocation: not revoked (list of ");
  assert_has_line (out, "3 days old)\n");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_course (&out, "verify", files.good, "--jwks", files.jwks,
                               "--status-list", files.list_revoked, NULL), ==, 1);
  assert_has_line (out, "signature: valid");
  assert_has_line (out, "revocation: REVOKED (list of ");
  g_clear_pointer (&out, g_free);

  /* A list signed by someone else does not count. */
  g_assert_cmpint (run_course (&out, "verify", files.good, "--jwks", files.jwks,
                               "--status-list", files.list_forged, NULL), ==, 1);
  assert_has_line (out, "revocation: NOT CHECKED");
  g_clear_pointer (&out, g_free);

  /* A certificate given as the status list is not one. */
  g_assert_cmpint (run_course (&out, "verify", files.good, "--jwks", files.jwks,
                               "--status-list", files.good, NULL), ==, 1);
  assert_has_line (out, "revocation: NOT CHECKED");
  g_clear_pointer (&out, g_free);

  /* Usage errors. */
  g_assert_cmpint (run_course (&out, "verify", files.good, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_course (&out, "verify", "--jwks", files.jwks, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_course (&out, "verify", files.good, "--jwks", files.good, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_course (&out, "verify", "/nonexistent/cert.jws", "--jwks", files.jwks, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_course (&out, "verify", files.good, "--jwks", files.jwks, "--bogus", NULL), ==, 2);
  g_clear_pointer (&out, g_free);

  cli_files_clear (&files);
}

int
main (int    argc,
      char **argv)
{
  tr_test_init (&argc, &argv);

  g_test_add_func ("/jws/base64url", test_base64url);
  g_test_add_func ("/jws/round-trip", test_jws_round_trip);
  g_test_add_func ("/jws/every-byte-altered", test_jws_every_byte);
  g_test_add_func ("/jws/other-key", test_jws_other_key);
  g_test_add_func ("/jws/unknown-kid", test_jws_unknown_kid);
  g_test_add_func ("/jws/malformed", test_jws_malformed);
  g_test_add_func ("/jwks/round-trip", test_jwks_round_trip);
  g_test_add_func ("/jwks/refused", test_jwks_refused);
  g_test_add_func ("/credential/round-trip", test_credential_round_trip);
  g_test_add_func ("/credential/refused", test_credential_refused);
  g_test_add_func ("/status-list/bits", test_status_list_bits);
  g_test_add_func ("/status-list/refused", test_status_list_refused);
  g_test_add_func ("/status-list/build", test_status_list_build);
  g_test_add_func ("/jose/independent-check", test_jose);
  g_test_add_func ("/cli/verify", test_cli_verify);

  return g_test_run ();
}
