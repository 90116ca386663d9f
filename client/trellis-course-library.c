/* trellis-course-library.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-library"

#include "config.h"

#include "tr-course-loader.h"
#include "tr-learning-path.h"
#include "trellis-course-library.h"

struct _TrellisCourseLibrary
{
  GObject     parent_instance;

  char       *dir;
  GListStore *courses;    /* TrCourse */
  GListStore *paths;      /* TrLearningPath */
  GStrv       problems;   /* courses that could not be loaded, and why */
  gboolean    loading;

  /* Authoring: one course folder, watched and reloaded when it changes. */
  gboolean    authoring;
  GHashTable *monitors;   /* folder path → GFileMonitor, for each folder of the course */
  guint       reload_id;
};

G_DEFINE_FINAL_TYPE (TrellisCourseLibrary, trellis_course_library, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIR,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  GPtrArray *courses;
  GPtrArray *paths;
  GStrv      problems;
} LoadResult;

static void
load_result_free (LoadResult *result)
{
  g_ptr_array_unref (result->courses);
  g_ptr_array_unref (result->paths);
  g_strfreev (result->problems);
  g_free (result);
}

/* Installed courses first, then the source tree's when run from a build. */
static char *
default_dir (void)
{
  const char *env = g_getenv ("TRELLIS_COURSES_DIR");
  g_autofree char *installed = g_build_filename (PKGDATADIR, "courses", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&installed);
  return g_strdup (SOURCE_COURSES_DIR);
}

TrellisCourseLibrary *
trellis_course_library_new (const char *dir)
{
  return g_object_new (TRELLIS_TYPE_COURSE_LIBRARY, "dir", dir, NULL);
}

/* For course authors: the one course in course_dir, with every problem the
 * validator finds, reloaded whenever a file of it changes. */
TrellisCourseLibrary *
trellis_course_library_new_for_course (const char *course_dir)
{
  TrellisCourseLibrary *self = g_object_new (TRELLIS_TYPE_COURSE_LIBRARY, "dir", course_dir, NULL);

  self->authoring = TRUE;
  return self;
}

gboolean
trellis_course_library_is_authoring (TrellisCourseLibrary *self)
{
  g_return_val_if_fail (TRELLIS_IS_COURSE_LIBRARY (self), FALSE);
  return self->authoring;
}

static void
load_one_course (const char *dir,
                 LoadResult *result)
{
  g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
  g_autoptr(TrCourse) course = tr_course_load (dir, diagnostics);
  g_autoptr(GStrvBuilder) problems = g_strv_builder_new ();

  tr_diagnostics_sort (diagnostics);
  for (guint i = 0; i < tr_diagnostics_get_n_items (diagnostics); i++)
    {
      g_autofree char *line = tr_diagnostic_to_string (tr_diagnostics_get_item (diagnostics, i));

      g_strv_builder_add (problems, line);
    }
  if (course != NULL && tr_diagnostics_count (diagnostics, TR_SEVERITY_ERROR) == 0)
    g_ptr_array_add (result->courses, g_steal_pointer (&course));
  result->problems = g_strv_builder_end (problems);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The courses and paths in one folder, in name order. */
static void
load_folder (const char   *dir,
             LoadResult   *result,
             GStrvBuilder *problems,
             GCancellable *cancellable)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *course_json = g_build_filename (path, "course.json", NULL);
      g_autofree char *path_json = g_build_filename (path, "path.json", NULL);

      if (g_file_test (course_json, G_FILE_TEST_IS_REGULAR))
        {
          g_autoptr(GError) load_error = NULL;
          TrCourse *course = tr_course_load_valid (path, &load_error);

          if (course != NULL)
            g_ptr_array_add (result->courses, course);
          else
            g_strv_builder_add (problems, load_error->message);
        }
      else if (g_file_test (path_json, G_FILE_TEST_IS_REGULAR))
        {
          g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
          TrLearningPath *learning_path = tr_learning_path_load (path, diagnostics);

          if (learning_path != NULL && tr_diagnostics_count (diagnostics, TR_SEVERITY_ERROR) == 0)
            g_ptr_array_add (result->paths, learning_path);
          else
            {
              g_clear_object (&learning_path);
              g_strv_builder_add (problems, path);
            }
        }
    }
}

/* A course installed from the institute's server replaces the bundled one
 * with the same id: the later in the array wins. */
static void
keep_latest_of_each_id (GPtrArray   *items,
                        const char *(*get_id) (gpointer))
{
  for (guint i = 0; i < items->len; i++)
    for (guint j = i + 1; j < items->len; j++)
      if (g_strcmp0 (get_id (g_ptr_array_index (items, i)), get_id (g_ptr_array_index (items, j))) == 0)
        {
          g_ptr_array_remove_index (items, i);
          i--;
          break;
        }
}

/* Where courses downloaded from an institute's server are kept. */
char *
trellis_course_library_get_updates_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "trellis", "courses", NULL);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TrellisCourseLibrary *self = source_object;
  const char *dir = task_data;
  g_autoptr(GStrvBuilder) problems = g_strv_builder_new ();
  g_autofree char *updates = trellis_course_library_get_updates_dir ();
  LoadResult *result;

  result = g_new0 (LoadResult, 1);
  result->courses = g_ptr_array_new_with_free_func (g_object_unref);
  result->paths = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->authoring)
    {
      load_one_course (dir, result);
      g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
      return;
    }

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_strv_builder_add (problems, dir);
  load_folder (dir, result, problems, cancellable);
  load_folder (updates, result, problems, cancellable);
  keep_latest_of_each_id (result->courses, (const char *(*) (gpointer)) tr_course_get_id);
  keep_latest_of_each_id (result->paths, (const char *(*) (gpointer)) tr_learning_path_get_id);
  result->problems = g_strv_builder_end (problems);
  g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
}

static void
set_loading (TrellisCourseLibrary *self,
             gboolean              loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
apply_result (TrellisCourseLibrary *self,
              LoadResult           *result)
{
  g_list_store_splice (self->courses, 0, g_list_model_get_n_items (G_LIST_MODEL (self->courses)),
                       result->courses->pdata, result->courses->len);
  g_list_store_splice (self->paths, 0, g_list_model_get_n_items (G_LIST_MODEL (self->paths)),
                       result->paths->pdata, result->paths->len);
  g_strfreev (self->problems);
  self->problems = g_steal_pointer (&result->problems);
  if (!self->authoring)
    for (guint i = 0; self->problems != NULL && self->problems[i] != NULL; i++)
      g_warning ("Course not loaded: %s", self->problems[i]);
}

static gboolean
reload_cb (gpointer user_data)
{
  TrellisCourseLibrary *self = user_data;

  self->reload_id = 0;
  g_debug ("Reloading %s", self->dir);
  trellis_course_library_load_async (self, NULL, NULL, NULL);
  return G_SOURCE_REMOVE;
}

/* Editors save in several steps (temporary file, rename); wait for quiet. */
static void
course_changed_cb (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other,
                   GFileMonitorEvent  event,
                   gpointer           user_data)
{
  TrellisCourseLibrary *self = user_data;

  g_debug ("Course folder changed (event %d); reloading soon", event);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add (300, reload_cb, self);
}

static void
collect_folders (const char *path,
                 GHashTable *folders)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_hash_table_add (folders, g_strdup (path));
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (name[0] != '.' && g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        collect_folders (child, folders);
    }
}

/* Folders may have come or gone with the change. Monitors of folders that
 * stay are kept: dropping and re-adding one loses the events in between. */
static void
rewatch (TrellisCourseLibrary *self)
{
  g_autoptr(GHashTable) folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer path;

  collect_folders (self->dir, folders);
  g_hash_table_iter_init (&iter, self->monitors);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    if (!g_hash_table_contains (folders, path))
      g_hash_table_iter_remove (&iter);

  g_hash_table_iter_init (&iter, folders);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    {
      g_autoptr(GFile) folder = NULL;
      g_autoptr(GFileMonitor) monitor = NULL;

      if (g_hash_table_contains (self->monitors, path))
        continue;
      folder = g_file_new_for_path (path);
      monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
      if (monitor == NULL)
        continue;
      g_signal_connect_object (monitor, "changed", G_CALLBACK (course_changed_cb), self, 0);
      g_hash_table_insert (self->monitors, g_strdup (path), g_steal_pointer (&monitor));
    }
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  TrellisCourseLibrary *self = TRELLIS_COURSE_LIBRARY (object);
  g_autoptr(GTask) outer = user_data;
  g_autoptr(GError) error = NULL;
  LoadResult *loaded = g_task_propagate_pointer (G_TASK (result), &error);

  if (loaded == NULL)
    {
      g_warning ("Cannot load the courses in %s: %s", self->dir, error->message);
      set_loading (self, FALSE);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  apply_result (self, loaded);
  load_result_free (loaded);
  if (self->authoring)
    rewatch (self);
  /* Last, so that whoever watches "loading" sees the new courses. */
  set_loading (self, FALSE);
  g_task_return_boolean (outer, TRUE);
}

void
trellis_course_library_load_async (TrellisCourseLibrary *self,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (TRELLIS_IS_COURSE_LIBRARY (self));

  set_loading (self, TRUE);
  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, trellis_course_library_load_async);
  inner = g_task_new (self, cancellable, load_done_cb, g_steal_pointer (&outer));
  g_task_set_task_data (inner, g_strdup (self->dir), g_free);
  g_task_run_in_thread (inner, load_thread);
}

gboolean
trellis_course_library_load_finish (TrellisCourseLibrary  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

GListModel *
trellis_course_library_get_courses (TrellisCourseLibrary *self)
{
  g_return_val_if_fail (TRELLIS_IS_COURSE_LIBRARY (self), NULL);
  return G_LIST_MODEL (self->courses);
}

GListModel *
trellis_course_library_get_paths (TrellisCourseLibrary *self)
{
  g_return_val_if_fail (TRELLIS_IS_COURSE_LIBRARY (self), NULL);
  return G_LIST_MODEL (self->paths);
}

const char * const *
trellis_course_library_get_problems (TrellisCourseLibrary *self)
{
  g_return_val_if_fail (TRELLIS_IS_COURSE_LIBRARY (self), NULL);
  return (const char * const *) self->problems;
}

const char *
trellis_course_library_get_dir (TrellisCourseLibrary *self)
{
  g_return_val_if_fail (TRELLIS_IS_COURSE_LIBRARY (self), NULL);
  return self->dir;
}

gboolean
trellis_course_library_get_loading (TrellisCourseLibrary *self)
{
  g_return_val_if_fail (TRELLIS_IS_COURSE_LIBRARY (self), FALSE);
  return self->loading;
}

static void
trellis_course_library_finalize (GObject *object)
{
  TrellisCourseLibrary *self = TRELLIS_COURSE_LIBRARY (object);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_pointer (&self->monitors, g_hash_table_unref);
  g_free (self->dir);
  g_clear_object (&self->courses);
  g_clear_object (&self->paths);
  g_strfreev (self->problems);

  G_OBJECT_CLASS (trellis_course_library_parent_class)->finalize (object);
}

static void
trellis_course_library_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  TrellisCourseLibrary *self = TRELLIS_COURSE_LIBRARY (object);

  switch (prop_id)
    {
    case PROP_DIR:
      g_value_set_string (value, self->dir);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_course_library_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  TrellisCourseLibrary *self = TRELLIS_COURSE_LIBRARY (object);

  switch (prop_id)
    {
    case PROP_DIR:
      g_free (self->dir);
      self->dir = g_value_get_string (value) != NULL ? g_value_dup_string (value) : default_dir ();
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_course_library_class_init (TrellisCourseLibraryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = trellis_course_library_finalize;
  object_class->get_property = trellis_course_library_get_property;
  object_class->set_property = trellis_course_library_set_property;

  properties[PROP_DIR] =
    g_param_spec_string ("dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
trellis_course_library_init (TrellisCourseLibrary *self)
{
  self->courses = g_list_store_new (TR_TYPE_COURSE);
  self->paths = g_list_store_new (TR_TYPE_LEARNING_PATH);
  self->monitors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}
