/* trs-auth.c: passwords and tokens
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <gio/gio.h>
#include <sodium.h>
#include <string.h>

#include "trs-auth.h"

#define TOKEN_BYTES 32
#define TOKEN_PREFIX "tr_"

gboolean
trs_auth_init (GError **error)
{
  /* sodium_init() is thread-safe and returns 1 when already done. */
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "libsodium could not be initialised");
      return FALSE;
    }
  return TRUE;
}

char *
trs_password_hash (const char  *password,
                   GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];
  char *copy;

  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!trs_auth_init (error))
    return NULL;
  if (crypto_pwhash_str (hash, password, strlen (password),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      /* The only cause libsodium knows is running out of memory. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "not enough memory to hash the password");
      return NULL;
    }
  copy = g_strdup (hash);
  sodium_memzero (hash, sizeof hash);
  return copy;
}

gboolean
trs_password_verify (const char *hash,
                     const char *password)
{
  if (hash == NULL || password == NULL)
    return FALSE;
  /* A hash that is not NUL-terminated within the size libsodium expects
   * (a damaged row) must not make it read past the string. */
  if (strnlen (hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
    return FALSE;
  if (!trs_auth_init (NULL))
    return FALSE;
  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

char *
trs_token_generate (void)
{
  guint8 bytes[TOKEN_BYTES];
  char encoded[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  char *token;

  if (!trs_auth_init (NULL))
    g_error ("libsodium could not be initialised");
  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (encoded, sizeof encoded, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  token = g_strconcat (TOKEN_PREFIX, encoded, NULL);
  sodium_memzero (bytes, sizeof bytes);
  sodium_memzero (encoded, sizeof encoded);
  return token;
}

char *
trs_token_digest (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}
