/* trellis-course-updater.c
 *
 * A package is checked before anything of it is installed: every path stays
 * inside the course folder, the files hash to the version the server
 * announced, and the course passes the validator. Only then does it replace
 * the installed copy, by renaming, so a learner never sees half a course.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-updater"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tr-course-loader.h"
#include "trellis-course-updater.h"

/**
 * trellis_course_updates_find:
 * @server_courses: (element-type JsonObject): the entries of GET /courses
 *
 * Returns: (transfer full): the ids of the courses the server has in another
 *   version than this device, or that this device lacks.
 */
GStrv
trellis_course_updates_find (TrellisCourseLibrary *library,
                             GPtrArray            *server_courses)
{
  GListModel *installed = trellis_course_library_get_courses (library);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  for (guint i = 0; server_courses != NULL && i < server_courses->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (server_courses, i);
      const char *id = json_object_get_string_member_with_default (entry, "id", NULL);
      const char *version = json_object_get_string_member_with_default (entry, "version", NULL);
      gboolean same = FALSE;

      if (id == NULL || version == NULL)
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (installed) && !same; j++)
        {
          g_autoptr(TrCourse) course = g_list_model_get_item (installed, j);

          same = g_strcmp0 (tr_course_get_id (course), id) == 0 &&
                 g_strcmp0 (tr_course_get_version (course), version) == 0;
        }
      if (!same)
        g_strv_builder_add (ids, id);
    }
  return g_strv_builder_end (ids);
}

static gboolean
is_safe_relative_path (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (path == NULL || *path == '\0' || g_path_is_absolute (path) || strchr (path, '\\') != NULL)
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], "..") || parts[i][0] == '.')
      return FALSE;
  return TRUE;
}

static gboolean
remove_tree (const char  *path,
             GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return g_remove (path) == 0 || errno == ENOENT;
  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (!remove_tree (child, error))
        return FALSE;
    }
  return g_rmdir (path) == 0;
}

static gboolean
write_files (JsonArray   *files,
             const char  *dir,
             GError     **error)
{
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonNode *node = json_array_get_element (files, i);
      JsonObject *file = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *relative = file ? json_object_get_string_member_with_default (file, "path", NULL) : NULL;
      const char *data = file ? json_object_get_string_member_with_default (file, "data", NULL) : NULL;
      g_autofree char *path = NULL;
      g_autofree char *parent = NULL;
      g_autofree guchar *bytes = NULL;
      gsize length = 0;

      if (!is_safe_relative_path (relative) || data == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The course package holds a file that may not be installed: %s"),
                       relative != NULL ? relative : "?");
          return FALSE;
        }
      bytes = g_base64_decode (data, &length);
      path = g_build_filename (dir, relative, NULL);
      parent = g_path_get_dirname (path);
      if (g_mkdir_with_parents (parent, 0700) != 0 ||
          !g_file_set_contents (path, (const char *) bytes, (gssize) length, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", path, g_strerror (errno));
          return FALSE;
        }
    }
  return TRUE;
}

static void
install_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  JsonNode *package = task_data;
  const char *updates_dir = g_object_get_data (G_OBJECT (task), "updates-dir");
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (package) ? json_node_get_object (package) : NULL;
  const char *id = object ? json_object_get_string_member_with_default (object, "id", NULL) : NULL;
  const char *version = object ? json_object_get_string_member_with_default (object, "version", NULL) : NULL;
  JsonNode *files_node = object ? json_object_get_member (object, "files") : NULL;
  g_autofree char *incoming = NULL;
  g_autofree char *target = NULL;
  g_autofree char *retired = NULL;
  g_autofree char *computed = NULL;
  g_autoptr(TrCourse) course = NULL;
  g_autoptr(GError) error = NULL;

  if (id == NULL || version == NULL || files_node == NULL || !JSON_NODE_HOLDS_ARRAY (files_node) ||
      !is_safe_relative_path (id) || strchr (id, '/') != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The course package is malformed"));
      return;
    }
  if (g_mkdir_with_parents (updates_dir, 0700) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s",
                               updates_dir, g_strerror (errno));
      return;
    }

  /* Unpack beside the installed copy, with a dot so loading skips it. */
  incoming = g_strdup_printf ("%s/.incoming-%s-XXXXXX", updates_dir, id);
  if (g_mkdtemp (incoming) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errno), "%s", g_strerror (errno));
      return;
    }
  target = g_build_filename (incoming, id, NULL);
  if (!write_files (json_node_get_array (files_node), target, &error))
    goto fail;

  computed = tr_course_compute_version (target, &error);
  if (computed == NULL)
    goto fail;
  if (!g_str_equal (computed, version))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The course package is damaged: its files do not match version %.12s"), version);
      goto fail;
    }
  course = tr_course_load_valid (target, &error);
  if (course == NULL)
    goto fail;

  g_clear_pointer (&target, g_free);
  target = g_build_filename (updates_dir, id, NULL);
  retired = g_strdup_printf ("%s/.retired-%s", incoming, id);
  if (g_file_test (target, G_FILE_TEST_EXISTS) && g_rename (target, retired) != 0)
    {
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", target, g_strerror (errno));
      goto fail;
    }
  {
    g_autofree char *unpacked = g_build_filename (incoming, id, NULL);

    if (g_rename (unpacked, target) != 0)
      {
        g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", target, g_strerror (errno));
        g_rename (retired, target);   /* put the old copy back */
        goto fail;
      }
  }
  remove_tree (incoming, NULL);
  g_task_return_pointer (task, g_strdup (id), g_free);
  return;

fail:
  remove_tree (incoming, NULL);
  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * trellis_course_install_async:
 * @package: the answer of GET /courses/{id}/package
 * @updates_dir: where installed courses live
 *   (trellis_course_library_get_updates_dir())
 */
void
trellis_course_install_async (JsonNode            *package,
                              const char          *updates_dir,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, trellis_course_install_async);
  g_task_set_task_data (task, json_node_ref (package), (GDestroyNotify) json_node_unref);
  g_object_set_data_full (G_OBJECT (task), "updates-dir", g_strdup (updates_dir), g_free);
  g_task_run_in_thread (task, install_thread);
}

/* Returns: (transfer full): the id of the course installed */
char *
trellis_course_install_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
