/* trs-keys.c: the institute's Ed25519 signing keys
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "trs-auth.h"
#include "trs-keys.h"

#define KID_LENGTH 16

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *what,
                 const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "could not %s %s: %s",
               what, path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      ssize_t written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return FALSE;
      data += written;
      length -= (gsize) written;
    }
  return TRUE;
}

/* Creates the file with its final mode from the start (O_EXCL: never over
 * an existing key, nor through a planted link). */
static gboolean
write_secret_file (const char  *path,
                   const char  *contents,
                   GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  int saved_errno;

  if (fd < 0)
    return set_errno_error (error, errno, "create", path);
  /* A umask cannot widen the mode; fchmod makes it exact all the same. */
  if (fchmod (fd, 0600) != 0 || !write_all (fd, contents, strlen (contents)) || fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_unlink (path);
      return set_errno_error (error, saved_errno, "write", path);
    }
  if (close (fd) != 0)
    {
      saved_errno = errno;
      g_unlink (path);
      return set_errno_error (error, saved_errno, "write", path);
    }
  return TRUE;
}

char *
trs_keys_generate (const char  *data_dir,
                   TrsStore    *store,
                   GError     **error)
{
  guint8 public_key[crypto_sign_PUBLICKEYBYTES];
  guint8 secret_key[crypto_sign_SECRETKEYBYTES];
  g_autofree char *keys_dir = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  char *encoded = NULL;
  gboolean written;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!trs_auth_init (error))
    return NULL;

  keys_dir = g_build_filename (data_dir, "keys", NULL);
  if (g_mkdir_with_parents (keys_dir, 0700) != 0)
    {
      set_errno_error (error, errno, "create", keys_dir);
      return NULL;
    }
  /* The folder may have existed with a wider mode. */
  if (g_chmod (keys_dir, 0700) != 0)
    {
      set_errno_error (error, errno, "protect", keys_dir);
      return NULL;
    }

  if (crypto_sign_keypair (public_key, secret_key) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not make a key pair");
      return NULL;
    }
  digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, public_key, sizeof public_key);
  kid = g_strndup (digest, KID_LENGTH);
  file_name = g_strconcat (kid, ".key", NULL);
  path = g_build_filename (keys_dir, file_name, NULL);

  {
    g_autofree char *base64 = g_base64_encode (secret_key, sizeof secret_key);

    encoded = g_strconcat (base64, "\n", NULL);
    sodium_memzero (base64, strlen (base64));
  }
  sodium_memzero (secret_key, sizeof secret_key);
  written = write_secret_file (path, encoded, error);
  sodium_memzero (encoded, strlen (encoded));
  g_free (encoded);
  if (!written)
    return NULL;

  if (!trs_store_key_add (store, kid, public_key, sizeof public_key, error))
    {
      g_unlink (path);
      return NULL;
    }
  return g_steal_pointer (&kid);
}

gboolean
trs_keys_kid_is_valid (const char *kid)
{
  if (kid == NULL || strlen (kid) != KID_LENGTH)
    return FALSE;
  for (const char *p = kid; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

/* The whole of a small file, opened without following a link. */
static char *
read_secret_file (const char  *path,
                  gsize       *length,
                  GError     **error)
{
  struct stat st;
  char *contents;
  gsize done = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     "the signing key %s is missing (restore it from a backup, or make a new one with "
                     "\"trellis-server keys rotate\")", path);
      else
        set_errno_error (error, saved_errno, "open", path);
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      close (fd);
      set_errno_error (error, saved_errno, "read", path);
      return NULL;
    }
  if (!S_ISREG (st.st_mode) || st.st_uid != geteuid ())
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "the signing key %s must be a regular file owned by this user", path);
      return NULL;
    }
  /* A key others could have read is no longer the institute's alone. */
  if ((st.st_mode & 077) != 0)
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "the signing key %s may be read by others (mode %04o): it must be mode 0600 "
                   "(chmod 600 %s; consider the key exposed and rotate it)",
                   path, (guint) (st.st_mode & 07777), path);
      return NULL;
    }
  if (st.st_size <= 0 || st.st_size > 4096)
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the signing key %s is not a key", path);
      return NULL;
    }
  contents = g_malloc0 ((gsize) st.st_size + 1);
  while (done < (gsize) st.st_size)
    {
      ssize_t n = read (fd, contents + done, (gsize) st.st_size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (gsize) n;
    }
  close (fd);
  *length = done;
  return contents;
}

gboolean
trs_keys_load_secret (const char    *data_dir,
                      const char    *kid,
                      const guint8  *public_key,
                      guint8        *secret_key,
                      GError       **error)
{
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  guint8 derived[crypto_sign_PUBLICKEYBYTES];
  char *contents;
  gsize read_length = 0;
  gsize length = 0;
  gboolean ok;

  g_return_val_if_fail (data_dir != NULL, FALSE);
  g_return_val_if_fail (secret_key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!trs_keys_kid_is_valid (kid))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "the key id is not valid");
      return FALSE;
    }
  if (!trs_auth_init (error))
    return FALSE;
  file_name = g_strconcat (kid, ".key", NULL);
  path = g_build_filename (data_dir, "keys", file_name, NULL);
  contents = read_secret_file (path, &read_length, error);
  if (contents == NULL)
    return FALSE;

  g_strstrip (contents);
  ok = sodium_base642bin (secret_key, crypto_sign_SECRETKEYBYTES, contents, strlen (contents), NULL,
                          &length, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
       length == crypto_sign_SECRETKEYBYTES;
  /* All of it: stripping moved the text, leaving copies behind its end. */
  sodium_memzero (contents, read_length);
  g_free (contents);
  if (!ok)
    {
      sodium_memzero (secret_key, crypto_sign_SECRETKEYBYTES);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the signing key %s is not a key", path);
      return FALSE;
    }
  if (public_key != NULL &&
      (crypto_sign_ed25519_sk_to_pk (derived, secret_key) != 0 ||
       sodium_memcmp (derived, public_key, sizeof derived) != 0))
    {
      sodium_memzero (secret_key, crypto_sign_SECRETKEYBYTES);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the signing key %s does not match the public key %s in the database", path, kid);
      return FALSE;
    }
  return TRUE;
}
