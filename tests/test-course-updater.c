/* test-course-updater.c: installing courses offered by an institute's server
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "tr-course-loader.h"
#include "tr-test-util.h"
#include "trellis-course-library.h"
#include "trellis-course-updater.h"

static void
add_files (JsonBuilder *builder,
           const char  *root,
           const char  *relative)
{
  g_autofree char *path = relative ? g_build_filename (root, relative, NULL) : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = relative ? g_strconcat (relative, "/", name, NULL) : g_strdup (name);
      g_autofree char *child_path = g_build_filename (root, child, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *data = NULL;
      gsize length;

      if (g_file_test (child_path, G_FILE_TEST_IS_DIR))
        {
          add_files (builder, root, child);
          continue;
        }
      g_assert_true (g_file_get_contents (child_path, &contents, &length, NULL));
      data = g_base64_encode ((const guchar *) contents, length);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, child);
      json_builder_set_member_name (builder, "data");
      json_builder_add_string_value (builder, data);
      json_builder_end_object (builder);
    }
}

/* The package the server would send for the example course. */
static JsonNode *
example_package (const char *version_override)
{
  g_autofree char *dir = tr_test_fixture_path ("example-course", NULL);
  g_autofree char *version = tr_course_compute_version (dir, NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, "example-course");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, version_override ? version_override : version);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  add_files (builder, dir, NULL);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static char *
install (JsonNode    *package,
         const char  *updates_dir,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  trellis_course_install_async (package, updates_dir, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return trellis_course_install_finish (result, error);
}

static void
test_install_verified (void)
{
  g_autofree char *updates = trellis_course_library_get_updates_dir ();
  g_autofree char *installed = g_build_filename (updates, "example-course", NULL);
  g_autoptr(JsonNode) package = example_package (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = install (package, updates, &error);
  g_autofree char *source = tr_test_fixture_path ("example-course", NULL);
  g_autofree char *expected = tr_course_compute_version (source, NULL);
  g_autofree char *version = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "example-course");
  version = tr_course_compute_version (installed, NULL);
  g_assert_cmpstr (version, ==, expected);

  /* Installing again replaces the copy; nothing is left over beside it. */
  g_clear_pointer (&id, g_free);
  id = install (package, updates, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GDir) dir = g_dir_open (updates, 0, NULL);
    const char *name;
    guint n = 0;

    while ((name = g_dir_read_name (dir)) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
}

static void
test_refuse_damaged (void)
{
  g_autofree char *updates = trellis_course_library_get_updates_dir ();
  g_autofree char *installed = g_build_filename (updates, "example-course", NULL);
  g_autoptr(JsonNode) wrong_version = example_package ("0000000000000000000000000000000000000000000000000000000000000000");
  g_autoptr(JsonNode) traversal = example_package (NULL);
  JsonObject *file;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *outside = g_build_filename (updates, "..", "evil.txt", NULL);

  id = install (wrong_version, updates, &error);
  g_assert_null (id);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_assert_false (g_file_test (installed, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  file = json_array_get_object_element (json_object_get_array_member (json_node_get_object (traversal), "files"), 0);
  json_object_set_string_member (file, "path", "../../evil.txt");
  id = install (traversal, updates, &error);
  g_assert_null (id);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (installed, G_FILE_TEST_EXISTS));
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_assert_true (trellis_course_library_load_finish (TRELLIS_COURSE_LIBRARY (source), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
test_library_offers_and_loads (void)
{
  g_autofree char *bundled = g_dir_make_tmp ("trellis-bundled-XXXXXX", NULL);
  g_autofree char *updates = trellis_course_library_get_updates_dir ();
  g_autoptr(TrellisCourseLibrary) library = trellis_course_library_new (bundled);
  g_autoptr(JsonNode) package = example_package (NULL);
  g_autoptr(GPtrArray) offered = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(JsonObject) entry = json_object_new ();
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  g_autofree char *id = NULL;
  gboolean loaded = FALSE;

  json_object_set_string_member (entry, "id", "example-course");
  json_object_set_string_member (entry, "version",
                                 json_object_get_string_member (json_node_get_object (package), "version"));
  g_ptr_array_add (offered, json_object_ref (entry));

  trellis_course_library_load_async (library, NULL, loaded_cb, &loaded);
  while (!loaded)
    g_main_context_iteration (NULL, TRUE);
  before = trellis_course_updates_find (library, offered);
  g_assert_cmpuint (g_strv_length (before), ==, 1);
  g_assert_cmpstr (before[0], ==, "example-course");

  id = install (package, updates, NULL);
  g_assert_nonnull (id);
  loaded = FALSE;
  trellis_course_library_load_async (library, NULL, loaded_cb, &loaded);
  while (!loaded)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (trellis_course_library_get_courses (library)), ==, 1);
  after = trellis_course_updates_find (library, offered);
  g_assert_cmpuint (g_strv_length (after), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  tr_test_init (&argc, &argv);
  g_test_add_func ("/updater/install-verified", test_install_verified);
  g_test_add_func ("/updater/refuse-damaged", test_refuse_damaged);
  g_test_add_func ("/updater/library-offers-and-loads", test_library_offers_and_loads);
  return g_test_run ();
}
