/* trellis-token-storage.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-token"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#ifdef HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "trellis-token-storage.h"

/* The keyring first, a private file when there is none (a session without
 * a secret service, tests, CI). libsecret's synchronous calls block on
 * D-Bus, so only its async API is used; file access runs in a thread. */

typedef struct
{
  char *server;
  char *token;
} TokenData;

static void
token_data_free (gpointer data)
{
  TokenData *token_data = data;

  g_free (token_data->server);
  if (token_data->token != NULL)
    memset (token_data->token, 0, strlen (token_data->token));
  g_free (token_data->token);
  g_free (token_data);
}

static GTask *
token_task_new (gpointer             source_tag,
                const char          *server,
                const char          *token,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  TokenData *data = g_new0 (TokenData, 1);

  data->server = g_strdup (server);
  data->token = g_strdup (token);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, token_data_free);
  return task;
}

char *
trellis_token_storage_get_file_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "trellis", "token", NULL);
}

/* The file side, on a GTask thread. */

static void
write_file_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  TokenData *data = task_data;
  g_autofree char *path = trellis_token_storage_get_file_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  GError *error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return;
    }
  if (!g_file_set_contents_full (path, data->token, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
read_file_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_autofree char *path = trellis_token_storage_get_file_path ();
  g_autofree char *contents = NULL;
  GError *error = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    {
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_clear_error (&error);
          g_task_return_pointer (task, NULL, NULL);
        }
      else
        g_task_return_error (task, error);
      return;
    }
  g_strstrip (contents);
  g_task_return_pointer (task, *contents != '\0' ? g_steal_pointer (&contents) : NULL, g_free);
}

static void
remove_file_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_autofree char *path = trellis_token_storage_get_file_path ();

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Could not remove %s: %s"), path, g_strerror (saved_errno));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

#ifdef HAVE_LIBSECRET
static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "org.trellis.Trellis.Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
secret_stored_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (secret_password_store_finish (result, &error))
    {
      /* A token the file kept from before the keyring answered is stale. */
      g_task_run_in_thread (task, remove_file_thread);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("No keyring (%s); keeping the token in a file", error->message);
  g_task_run_in_thread (task, write_file_thread);
}

static void
secret_looked_up_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);

  if (secret != NULL)
    {
      char *token = g_strdup (secret);

      secret_password_free (secret);
      g_task_return_pointer (task, token, g_free);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (error != NULL)
    g_debug ("No keyring (%s); looking for a token file", error->message);
  g_task_run_in_thread (task, read_file_thread);
}

static void
secret_cleared_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_debug ("Could not clear the keyring's token: %s", error->message);
  /* Both places: the token may be in either. */
  g_task_run_in_thread (task, remove_file_thread);
}
#endif

void
trellis_token_storage_save_async (const char          *server,
                                  const char          *token,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (server != NULL);
  g_return_if_fail (token != NULL);

  task = token_task_new (trellis_token_storage_save_async, server, token, cancellable, callback, user_data);
#ifdef HAVE_LIBSECRET
  {
    g_autofree char *label = g_strdup_printf (_("Trellis sign-in for %s"), server);

    secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, token, cancellable,
                           secret_stored_cb, task, "server", server, NULL);
  }
#else
  g_task_run_in_thread (task, write_file_thread);
  g_object_unref (task);
#endif
}

gboolean
trellis_token_storage_save_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == trellis_token_storage_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
trellis_token_storage_load_async (const char          *server,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (server != NULL);

  task = token_task_new (trellis_token_storage_load_async, server, NULL, cancellable, callback, user_data);
#ifdef HAVE_LIBSECRET
  secret_password_lookup (token_schema (), cancellable, secret_looked_up_cb, task, "server", server, NULL);
#else
  g_task_run_in_thread (task, read_file_thread);
  g_object_unref (task);
#endif
}

/* NULL without an error when no token is kept. */
char *
trellis_token_storage_load_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == trellis_token_storage_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
trellis_token_storage_clear_async (const char          *server,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (server != NULL);

  task = token_task_new (trellis_token_storage_clear_async, server, NULL, cancellable, callback, user_data);
#ifdef HAVE_LIBSECRET
  secret_password_clear (token_schema (), cancellable, secret_cleared_cb, task, "server", server, NULL);
#else
  g_task_run_in_thread (task, remove_file_thread);
  g_object_unref (task);
#endif
}

gboolean
trellis_token_storage_clear_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == trellis_token_storage_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
