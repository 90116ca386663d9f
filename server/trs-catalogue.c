/* trs-catalogue.c: the courses and learning paths a server publishes
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <string.h>

#include "tr-course-loader.h"
#include "tr-diagnostics.h"

#include "trs-catalogue.h"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

TrCourse *
trs_catalogue_find_course (GPtrArray  *courses,
                           const char *id)
{
  for (guint i = 0; i < courses->len; i++)
    if (g_strcmp0 (tr_course_get_id (g_ptr_array_index (courses, i)), id) == 0)
      return g_ptr_array_index (courses, i);
  return NULL;
}

/* The learning path in @path, or NULL (logged) when it has errors or one
 * of its courses is not published: a certificate for it could never be
 * earned. */
static TrLearningPath *
load_path (const char *path,
           GPtrArray  *courses)
{
  g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
  g_autoptr(TrLearningPath) learning_path = tr_learning_path_load (path, diagnostics);
  const char * const *ids;

  if (learning_path == NULL || tr_diagnostics_count (diagnostics, TR_SEVERITY_ERROR) > 0)
    {
      g_printerr ("trellis-server: leaving out the learning path %s:\n", path);
      for (guint i = 0; i < tr_diagnostics_get_n_items (diagnostics); i++)
        {
          const TrDiagnostic *item = tr_diagnostics_get_item (diagnostics, i);
          g_autofree char *text = NULL;

          if (item->severity != TR_SEVERITY_ERROR)
            continue;
          text = tr_diagnostic_to_string (item);
          g_printerr ("  %s\n", text);
        }
      return NULL;
    }
  ids = tr_learning_path_get_course_ids (learning_path);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    if (trs_catalogue_find_course (courses, ids[i]) == NULL)
      {
        g_printerr ("trellis-server: leaving out the learning path %s: its course %s is not published\n",
                    path, ids[i]);
        return NULL;
      }
  return g_steal_pointer (&learning_path);
}

/* Every valid course folder of @dir; the invalid ones are logged and left
 * out, so that one broken course does not take the catalogue down. Folders
 * with a path.json are learning paths, which go to @paths once the courses
 * they combine are known. */
GPtrArray *
trs_catalogue_load (const char *dir,
                    GPtrArray  *paths)
{
  g_autoptr(GPtrArray) courses = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) path_dirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) folder = g_dir_open (dir, 0, &error);
  const char *name;

  if (folder == NULL)
    {
      g_printerr ("trellis-server: no courses to publish: %s\n", error->message);
      return g_steal_pointer (&courses);
    }
  while ((name = g_dir_read_name (folder)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *path_json = g_build_filename (path, "path.json", NULL);
      g_autoptr(GError) course_error = NULL;
      TrCourse *course;

      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      if (g_file_test (path_json, G_FILE_TEST_IS_REGULAR))
        {
          g_ptr_array_add (path_dirs, g_steal_pointer (&path));
          continue;
        }
      course = tr_course_load_valid (path, &course_error);
      if (course == NULL)
        {
          g_printerr ("trellis-server: leaving out %s: %s\n", path, course_error->message);
          continue;
        }
      g_ptr_array_add (courses, course);
    }
  for (guint i = 0; i < path_dirs->len; i++)
    {
      TrLearningPath *path = load_path (g_ptr_array_index (path_dirs, i), courses);

      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  return g_steal_pointer (&courses);
}
