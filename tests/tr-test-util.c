/* tr-test-util.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "tr-test-util.h"

void
tr_test_init (int    *argc,
              char ***argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

/* G_TEST_OPTION_ISOLATE_DIRS also hides the system data dirs, and with them
 * the MIME database that GTK needs to load SVG icons. GUI tests get fresh
 * user dirs of their own instead and keep the system's. */
void
tr_test_init_gui (int    *argc,
                  char ***argv)
{
  static const char * const user_dirs[][2] = {
    { "HOME", "home" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("trellis-gui-test-XXXXXX", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (user_dirs); i++)
    {
      g_autofree char *dir = g_build_filename (root, user_dirs[i][1], NULL);

      g_mkdir_with_parents (dir, 0700);
      g_setenv (user_dirs[i][0], dir, TRUE);
    }
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (argc, argv, NULL);
}

/* A file under tests/fixtures in the source tree. */
char *
tr_test_fixture_path (const char *first,
                      ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (parts, (gpointer) g_test_get_dir (G_TEST_DIST));
  g_ptr_array_add (parts, (gpointer) "fixtures");
  va_start (args, first);
  for (const char *part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

static void
copy_tree (GFile *source,
           GFile *target)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) error = NULL;
  GFileInfo *info;

  g_file_make_directory_with_parents (target, NULL, NULL);
  children = g_file_enumerate_children (source, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &error);
  g_assert_no_error (error);
  while ((info = g_file_enumerator_next_file (children, NULL, &error)) != NULL)
    {
      g_autoptr(GFileInfo) owned = info;
      g_autoptr(GFile) from = g_file_get_child (source, g_file_info_get_name (info));
      g_autoptr(GFile) to = g_file_get_child (target, g_file_info_get_name (info));

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        copy_tree (from, to);
      else
        {
          g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
        }
    }
  g_assert_no_error (error);
}

/* A copy of a folder in a new temporary directory, to change freely. */
char *
tr_test_copy_tree (const char *source)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("trellis-test-XXXXXX", &error);
  g_autofree char *name = g_path_get_basename (source);
  char *target_path = g_build_filename (tmp, name, NULL);
  g_autoptr(GFile) from = g_file_new_for_path (source);
  g_autoptr(GFile) to = g_file_new_for_path (target_path);

  g_assert_no_error (error);
  copy_tree (from, to);
  return target_path;
}


/* Removes @path and all below it, following no symbolic link. */
void
tr_test_remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFileInfo) owned = info;
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        tr_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Runs the main context until @check holds, for @timeout_s seconds at the
 * most; whether it holds. */
gboolean
tr_test_wait_for (TrTestCheckFunc check,
                  gpointer        data,
                  guint           timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  g_return_val_if_fail (check != NULL, FALSE);

  while (!check (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return TRUE;
}

/* A #TrTestCheckFunc for a gboolean that a callback sets. */
gboolean
tr_test_flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Drops the last reference to @object once pending work (a GTask thread, a
 * request ending) has let go of it, within @timeout_s seconds, and checks
 * that nothing else keeps it. */
void
tr_test_finalize_object (gpointer object,
                         guint    timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  g_return_if_fail (G_IS_OBJECT (object));

  while (g_atomic_int_get (&G_OBJECT (object)->ref_count) > 1 && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_finalize_object (object);
}
