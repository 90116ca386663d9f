/* test-window.c: the window opens and shows the bundled courses
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "tr-course.h"
#include "tr-test-util.h"
#include "trellis-application.h"
#include "trellis-window.h"

static void
wait_until_loaded (TrellisCourseLibrary *library)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (trellis_course_library_get_loading (library) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (trellis_course_library_get_loading (library));
}

/* The first widget of the type under root; for a stack, the one that has
 * the page named stack_page. */
static GtkWidget *
find_by_type (GtkWidget  *root,
              GType       type,
              const char *stack_page)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (stack_page == NULL || gtk_stack_get_child_by_name (GTK_STACK (root), stack_page) != NULL))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type, stack_page);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
init_gtk (void)
{
  static gboolean initialized, have_display;

  if (!initialized)
    {
      have_display = gtk_init_check ();
      if (have_display)
        adw_init ();
      initialized = TRUE;
    }
  return have_display;
}

static void
test_catalogue (void)
{
  g_autoptr(TrellisApplication) app = NULL;
  g_autoptr(TrCourse) first = NULL;
  TrellisCourseLibrary *library;
  TrellisWindow *window;
  GtkStack *stack;
  GtkListBox *list;
  guint rows = 0;

  if (!init_gtk ())
    {
      g_test_skip ("no display");
      return;
    }
  app = trellis_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  library = trellis_application_get_library (app);
  trellis_course_library_load_async (library, NULL, NULL, NULL);
  window = trellis_window_new (app);
  gtk_window_present (GTK_WINDOW (window));

  wait_until_loaded (library);
  g_assert_cmpuint (g_list_model_get_n_items (trellis_course_library_get_courses (library)), ==, 1);

  stack = GTK_STACK (find_by_type (GTK_WIDGET (window), GTK_TYPE_STACK, "catalogue"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "catalogue");
  list = GTK_LIST_BOX (find_by_type (GTK_WIDGET (window), GTK_TYPE_LIST_BOX, NULL));
  while (gtk_list_box_get_row_at_index (list, rows) != NULL)
    rows++;
  g_assert_cmpuint (rows, ==, 1);
  first = g_list_model_get_item (trellis_course_library_get_courses (library), 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (list, 0))),
                   ==, tr_text_get (tr_course_get_title (first), TR_LANG_EN));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *fixtures = NULL;

  tr_test_init_gui (&argc, &argv);
  fixtures = g_build_filename (g_test_get_dir (G_TEST_DIST), "fixtures", NULL);
  g_setenv ("TRELLIS_COURSES_DIR", fixtures, TRUE);
  g_test_add_func ("/window/catalogue", test_catalogue);
  return g_test_run ();
}
