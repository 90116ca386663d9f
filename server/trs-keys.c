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
