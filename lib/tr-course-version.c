/* tr-course-version.c: the content version of a course folder
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-version"

#include <string.h>

#include "tr-course-loader.h"

static gboolean
collect_files (const char  *root,
               const char  *relative,
               GPtrArray   *into,
               GError     **error)
{
  g_autofree char *path = relative != NULL ? g_build_filename (root, relative, NULL) : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (path, 0, error);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = relative != NULL ? g_strconcat (relative, "/", name, NULL) : g_strdup (name);
      g_autofree char *child_path = g_build_filename (root, child, NULL);

      if (name[0] == '.')
        continue;
      if (g_file_test (child_path, G_FILE_TEST_IS_SYMLINK))
        continue;   /* a course is its own files; links could lead anywhere */
      if (g_file_test (child_path, G_FILE_TEST_IS_DIR))
        {
          if (!collect_files (root, child, into, error))
            return FALSE;
        }
      else if (g_file_test (child_path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (into, g_steal_pointer (&child));
    }
  return TRUE;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * tr_course_compute_version:
 *
 * A SHA-256 over the course's files: each relative path (with "/"), its size
 * and its bytes, in byte order of the paths. It does not depend on where the
 * folder is, on file times or on the order the system lists files in.
 */
char *
tr_course_compute_version (const char  *dir,
                           GError     **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_return_val_if_fail (dir != NULL, NULL);

  if (!collect_files (dir, NULL, files, error))
    return NULL;
  g_ptr_array_sort (files, compare_paths);

  for (guint i = 0; i < files->len; i++)
    {
      const char *relative = g_ptr_array_index (files, i);
      g_autofree char *path = g_build_filename (dir, relative, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *size = NULL;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, error))
        return NULL;
      size = g_strdup_printf ("%" G_GSIZE_FORMAT, length);
      g_checksum_update (checksum, (const guchar *) relative, strlen (relative) + 1);
      g_checksum_update (checksum, (const guchar *) size, strlen (size) + 1);
      g_checksum_update (checksum, (const guchar *) contents, length);
    }
  return g_strdup (g_checksum_get_string (checksum));
}
