/* tr-jws.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-jws"

#include <string.h>
#include <sodium.h>

#include "tr-jws.h"

G_DEFINE_QUARK (tr-jws-error-quark, tr_jws_error)

/* Larger tokens or documents are refused before any decoding. */
#define MAX_JWS_LENGTH   (1024 * 1024)
#define MAX_JWKS_LENGTH  (1024 * 1024)
/* json-glib parses recursively: deep nesting from a hostile token would
 * overflow the stack, so it is refused before parsing. */
#define MAX_JSON_DEPTH   64

static void
ensure_sodium (void)
{
  /* Thread-safe, and returns 1 when already initialised. */
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
}

char *
tr_base64url_encode (const guint8 *data,
                     gsize         length)
{
  gsize size;
  char *text;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (length < G_MAXSIZE / 2, NULL);

  size = sodium_base64_ENCODED_LEN (length, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text = g_malloc (size);
  sodium_bin2base64 (text, size, length > 0 ? data : (const guint8 *) "", length,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return text;
}

/* Strict: only the base64url alphabet, no padding, no white space, and the
 * unused low bits of the last character must be zero, so that every byte
 * string has exactly one encoding. Returns NULL when @text is not one. */
guint8 *
tr_base64url_decode (const char *text,
                     gsize      *length)
{
  gsize text_length, max_length, decoded_length = 0;
  g_autofree guint8 *data = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (length != NULL, NULL);

  *length = 0;
  text_length = strlen (text);
  /* A remainder of one character cannot encode a whole byte. */
  if (text_length % 4 == 1)
    return NULL;
  /* libsodium's constant-time decoder maps some bytes above 0x7f onto the
   * alphabet, so the alphabet is checked here first. */
  for (gsize i = 0; i < text_length; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-' && text[i] != '_')
      return NULL;
  max_length = text_length / 4 * 3 + 2;
  data = g_malloc (max_length + 1);
  if (sodium_base642bin (data, max_length, text, text_length, NULL, &decoded_length, NULL,
                         sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return NULL;
  /* A terminating NUL, so that decoded JSON text can be handed on as is. */
  data[decoded_length] = '\0';
  *length = decoded_length;
  return g_steal_pointer (&data);
}

static inline gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A look at the structure before json-glib parses @data: it must be one
 * object, nested no deeper than MAX_JSON_DEPTH (json-glib parses
 * recursively, so deep nesting would overflow the stack), with nothing after
 * it (json-glib would quietly take a second value). The parser catches
 * whatever else is wrong. */
static gboolean
check_json_shape (const char  *data,
                  gsize        length,
                  const char  *what,
                  GError     **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;
  gsize i = 0;

  while (i < length && is_json_space (data[i]))
    i++;
  if (i == length || data[i] != '{')
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED, "the %s is not a JSON object", what);
      return FALSE;
    }
  for (; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_JSON_DEPTH)
            {
              g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                           "the %s nests deeper than %d levels", what, MAX_JSON_DEPTH);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0 && --depth == 0)
        break;
    }
  for (i++; i < length; i++)
    if (!is_json_space (data[i]))
      {
        g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                     "the %s holds more than one JSON value", what);
        return FALSE;
      }
  return TRUE;
}

/* Parses @data as one JSON object; @what names it in the error. */
static JsonNode *
parse_object (const char  *data,
              gsize        length,
              const char  *what,
              GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED, "the %s is not UTF-8 text", what);
      return NULL;
    }
  if (!check_json_shape (data, length, what, error))
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                   "the %s is not valid JSON: %s", what, local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED, "the %s is not a JSON object", what);
      return NULL;
    }
  return json_node_copy (root);
}

/* Whether @text can name a key in messages and in the key table: not empty,
 * not absurdly long, and free of control characters (which could drive a
 * terminal that prints the message). */
static gboolean
is_good_kid (const char *text)
{
  gsize length = strnlen (text, 257);

  if (length == 0 || length > 256)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if ((guchar) text[i] < 0x20 || text[i] == 0x7f)
      return FALSE;
  return TRUE;
}

/* A string member, or NULL when it is missing or not a string. */
static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
make_header (const char *kid)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) header = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "alg");
  json_builder_add_string_value (builder, "EdDSA");
  json_builder_set_member_name (builder, "kid");
  json_builder_add_string_value (builder, kid);
  json_builder_set_member_name (builder, "typ");
  json_builder_add_string_value (builder, "JWT");
  json_builder_end_object (builder);
  header = json_builder_get_root (builder);
  return json_to_string (header, FALSE);
}

char *
tr_jws_sign (JsonNode     *payload,
             const char   *kid,
             const guint8 *secret_key)
{
  g_autofree char *header_json = NULL;
  g_autofree char *payload_json = NULL;
  g_autofree char *header_part = NULL;
  g_autofree char *payload_part = NULL;
  g_autofree char *signing_input = NULL;
  g_autofree char *signature_part = NULL;
  guint8 signature[crypto_sign_BYTES];

  g_return_val_if_fail (payload != NULL && JSON_NODE_HOLDS_OBJECT (payload), NULL);
  g_return_val_if_fail (kid != NULL && *kid != '\0', NULL);
  g_return_val_if_fail (secret_key != NULL, NULL);

  ensure_sodium ();
  header_json = make_header (kid);
  payload_json = json_to_string (payload, FALSE);
  header_part = tr_base64url_encode ((const guint8 *) header_json, strlen (header_json));
  payload_part = tr_base64url_encode ((const guint8 *) payload_json, strlen (payload_json));
  signing_input = g_strconcat (header_part, ".", payload_part, NULL);
  crypto_sign_detached (signature, NULL, (const guint8 *) signing_input, strlen (signing_input),
                        secret_key);
  signature_part = tr_base64url_encode (signature, sizeof signature);
  sodium_memzero (signature, sizeof signature);
  return g_strconcat (signing_input, ".", signature_part, NULL);
}

typedef struct
{
  gsize     signing_input_length;  /* header "." payload, as in the token */
  char     *kid;
  JsonNode *payload;
  guint8    signature[crypto_sign_BYTES];
} Decoded;

static void
decoded_clear (Decoded *decoded)
{
  g_clear_pointer (&decoded->kid, g_free);
  g_clear_pointer (&decoded->payload, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Decoded, decoded_clear)

static gboolean
decode (const char  *jws,
        Decoded     *decoded,
        GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree guint8 *header_json = NULL;
  g_autofree guint8 *payload_json = NULL;
  g_autofree guint8 *signature = NULL;
  g_autoptr(JsonNode) header = NULL;
  gsize header_length, payload_length, signature_length;
  JsonObject *header_object;
  const char *alg, *kid;

  if (strnlen (jws, MAX_JWS_LENGTH + 1) > MAX_JWS_LENGTH)
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                   "the JWS is longer than %d bytes", MAX_JWS_LENGTH);
      return FALSE;
    }
  parts = g_strsplit (jws, ".", 4);
  if (g_strv_length (parts) != 3)
    {
      g_set_error_literal (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                           "a compact JWS has three parts separated by dots");
      return FALSE;
    }
  header_json = tr_base64url_decode (parts[0], &header_length);
  payload_json = tr_base64url_decode (parts[1], &payload_length);
  signature = tr_base64url_decode (parts[2], &signature_length);
  if (header_json == NULL || payload_json == NULL || signature == NULL)
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                   "the %s part is not base64url",
                   header_json == NULL ? "header" : payload_json == NULL ? "payload" : "signature");
      return FALSE;
    }
  if (signature_length != crypto_sign_BYTES)
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                   "the signature is %" G_GSIZE_FORMAT " bytes long, not %d",
                   signature_length, crypto_sign_BYTES);
      return FALSE;
    }

  header = parse_object ((const char *) header_json, header_length, "JWS header", error);
  if (header == NULL)
    return FALSE;
  header_object = json_node_get_object (header);
  alg = get_string (header_object, "alg");
  if (g_strcmp0 (alg, "EdDSA") != 0)
    {
      g_set_error_literal (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                           "the JWS is not signed with EdDSA (Ed25519)");
      return FALSE;
    }
  kid = get_string (header_object, "kid");
  if (kid == NULL || !is_good_kid (kid))
    {
      g_set_error_literal (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                           "the JWS header names no key (kid), or not in plain text");
      return FALSE;
    }
  /* RFC 7515 §4.1.11: extensions we do not understand must not be ignored. */
  if (json_object_has_member (header_object, "crit"))
    {
      g_set_error_literal (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                           "the JWS header has critical extensions (crit) that are not supported");
      return FALSE;
    }

  decoded->payload = parse_object ((const char *) payload_json, payload_length, "JWS payload", error);
  if (decoded->payload == NULL)
    return FALSE;
  decoded->kid = g_strdup (kid);
  decoded->signing_input_length = strlen (parts[0]) + 1 + strlen (parts[1]);
  memcpy (decoded->signature, signature, crypto_sign_BYTES);
  return TRUE;
}

JsonNode *
tr_jws_decode (const char  *jws,
               char       **kid,
               GError     **error)
{
  g_auto(Decoded) decoded = { 0 };

  g_return_val_if_fail (jws != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!decode (jws, &decoded, error))
    return NULL;
  if (kid != NULL)
    *kid = g_steal_pointer (&decoded.kid);
  return g_steal_pointer (&decoded.payload);
}

JsonNode *
tr_jws_verify (const char  *jws,
               GHashTable  *keys,
               char       **kid,
               GError     **error)
{
  g_auto(Decoded) decoded = { 0 };
  GBytes *key;

  g_return_val_if_fail (jws != NULL, NULL);
  g_return_val_if_fail (keys != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_sodium ();
  if (!decode (jws, &decoded, error))
    return NULL;
  key = g_hash_table_lookup (keys, decoded.kid);
  if (key == NULL || g_bytes_get_size (key) != crypto_sign_PUBLICKEYBYTES)
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_UNKNOWN_KEY,
                   "the JWS is signed with key “%s”, which is not among the keys given", decoded.kid);
      return NULL;
    }
  if (crypto_sign_verify_detached (decoded.signature, (const guint8 *) jws, decoded.signing_input_length,
                                   g_bytes_get_data (key, NULL)) != 0)
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_BAD_SIGNATURE,
                   "the signature does not match key “%s”: the JWS was altered or forged", decoded.kid);
      return NULL;
    }
  if (kid != NULL)
    *kid = g_steal_pointer (&decoded.kid);
  return g_steal_pointer (&decoded.payload);
}

GHashTable *
tr_jwks_new_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
}

void
tr_jwks_add (GHashTable   *keys,
             const char   *kid,
             const guint8 *public_key)
{
  g_return_if_fail (keys != NULL);
  g_return_if_fail (kid != NULL && *kid != '\0');
  g_return_if_fail (public_key != NULL);

  g_hash_table_replace (keys, g_strdup (kid), g_bytes_new (public_key, TR_ED25519_PUBLIC_KEY_SIZE));
}

/* Checks one member of the keys array and adds it to @keys. */
static gboolean
add_jwk (GHashTable  *keys,
         JsonNode    *node,
         guint        index,
         GError     **error)
{
  JsonObject *jwk;
  const char *kty, *crv, *x, *kid, *alg, *use;
  g_autofree guint8 *public_key = NULL;
  gsize length;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED, "JWKS key %u is not an object", index);
      return FALSE;
    }
  jwk = json_node_get_object (node);
  kid = get_string (jwk, "kid");
  if (kid == NULL || !is_good_kid (kid))
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                   "JWKS key %u has no “kid”, or not in plain text", index);
      return FALSE;
    }
  kty = get_string (jwk, "kty");
  crv = get_string (jwk, "crv");
  if (g_strcmp0 (kty, "OKP") != 0 || g_strcmp0 (crv, "Ed25519") != 0)
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                   "JWKS key “%s” is not an Ed25519 key (kty must be OKP, crv Ed25519)", kid);
      return FALSE;
    }
  alg = get_string (jwk, "alg");
  use = get_string (jwk, "use");
  if ((json_object_has_member (jwk, "alg") && g_strcmp0 (alg, "EdDSA") != 0) ||
      (json_object_has_member (jwk, "use") && g_strcmp0 (use, "sig") != 0))
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                   "JWKS key “%s” is not for EdDSA signatures (alg must be EdDSA, use sig)", kid);
      return FALSE;
    }
  /* A published key set must never carry the private half. */
  if (json_object_has_member (jwk, "d"))
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                   "JWKS key “%s” holds a private key (d): refusing it", kid);
      return FALSE;
    }
  x = get_string (jwk, "x");
  if (x != NULL)
    public_key = tr_base64url_decode (x, &length);
  if (public_key == NULL || length != TR_ED25519_PUBLIC_KEY_SIZE)
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                   "JWKS key “%s”: “x” is not the base64url of a %d-byte Ed25519 public key",
                   kid, TR_ED25519_PUBLIC_KEY_SIZE);
      return FALSE;
    }
  if (g_hash_table_contains (keys, kid))
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED, "JWKS key “%s” appears twice", kid);
      return FALSE;
    }
  tr_jwks_add (keys, kid, public_key);
  return TRUE;
}

GHashTable *
tr_jwks_parse (const char  *json,
               GError     **error)
{
  g_autoptr(GHashTable) keys = tr_jwks_new_table ();
  g_autoptr(JsonNode) root = NULL;
  JsonNode *keys_node;
  JsonArray *array;
  gsize length;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  length = strnlen (json, MAX_JWKS_LENGTH + 1);
  if (length > MAX_JWKS_LENGTH)
    {
      g_set_error (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                   "the JWKS is longer than %d bytes", MAX_JWKS_LENGTH);
      return NULL;
    }
  root = parse_object (json, length, "JWKS", error);
  if (root == NULL)
    return NULL;
  keys_node = json_object_get_member (json_node_get_object (root), "keys");
  if (keys_node == NULL || !JSON_NODE_HOLDS_ARRAY (keys_node))
    {
      g_set_error_literal (error, TR_JWS_ERROR, TR_JWS_ERROR_MALFORMED,
                           "the JWKS has no “keys” array");
      return NULL;
    }
  array = json_node_get_array (keys_node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!add_jwk (keys, json_array_get_element (array, i), i, error))
      return NULL;
  return g_steal_pointer (&keys);
}

static int
compare_kids (const void *a,
              const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

JsonNode *
tr_jwks_to_json (GHashTable *keys)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree const char **kids = NULL;
  guint n_kids;

  g_return_val_if_fail (keys != NULL, NULL);

  /* Sorted, so that the document does not change from one call to the next. */
  kids = (const char **) g_hash_table_get_keys_as_array (keys, &n_kids);
  qsort (kids, n_kids, sizeof (char *), compare_kids);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "keys");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_kids; i++)
    {
      GBytes *key = g_hash_table_lookup (keys, kids[i]);
      gsize size;
      const guint8 *data = g_bytes_get_data (key, &size);
      g_autofree char *x = tr_base64url_encode (data, size);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kty");
      json_builder_add_string_value (builder, "OKP");
      json_builder_set_member_name (builder, "crv");
      json_builder_add_string_value (builder, "Ed25519");
      json_builder_set_member_name (builder, "x");
      json_builder_add_string_value (builder, x);
      json_builder_set_member_name (builder, "kid");
      json_builder_add_string_value (builder, kids[i]);
      json_builder_set_member_name (builder, "alg");
      json_builder_add_string_value (builder, "EdDSA");
      json_builder_set_member_name (builder, "use");
      json_builder_add_string_value (builder, "sig");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
