/* test-window.c: the main window — catalogue, course overview, navigation,
 * restarting without losing progress, and the course authors' mode
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tr-course.h"
#include "tr-progress.h"
#include "tr-test-gtk.h"
#include "tr-test-util.h"
#include "trellis-application.h"
#include "trellis-window.h"

#define WAIT_S 20

static gboolean
app_ready (gpointer data)
{
  TrellisApplication *app = data;

  return !trellis_course_library_get_loading (trellis_application_get_library (app)) &&
         trellis_progress_store_is_open (trellis_application_get_store (app));
}

/* Applications stay alive until the test program ends: without
 * g_application_run () a GtkApplication cannot leave the session bus, and
 * finalizing it then warns. Each test starts its own. */
static GPtrArray *apps;

static TrellisApplication *
start_app (const char *course_dir)
{
  TrellisApplication *app = trellis_application_new ();
  g_autoptr(GError) error = NULL;
  static guint n_started;
  g_autofree char *id = g_strdup_printf ("org.trellis.Trellis.Test%u", ++n_started);

  /* Each instance on the session bus, if there is one, needs its own name. */
  g_application_set_application_id (G_APPLICATION (app), id);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (course_dir != NULL)
    {
      /* As `trellis --course-dir DIR` would. */
      g_autoptr(GVariantDict) options = g_variant_dict_new (NULL);

      g_variant_dict_insert (options, "course-dir", "^ay", course_dir);
      g_assert_cmpint (G_APPLICATION_GET_CLASS (app)->handle_local_options (G_APPLICATION (app), options), ==, -1);
    }
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  tr_test_gtk_iterate_until (app_ready, app, WAIT_S);
  if (apps == NULL)
    apps = g_ptr_array_new ();
  g_ptr_array_add (apps, app);
  return app;
}

static gboolean
page_is (TrellisWindow *window,
         const char    *page)
{
  return g_strcmp0 (trellis_window_get_page (window), page) == 0;
}

/* Depth-first search for a widget of a type whose label (or title, for
 * rows) contains text. */
static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *text)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      const char *label = NULL;

      if (GTK_IS_BUTTON (root))
        label = gtk_button_get_label (GTK_BUTTON (root));
      else if (GTK_IS_LABEL (root))
        label = gtk_label_get_label (GTK_LABEL (root));
      else if (ADW_IS_PREFERENCES_ROW (root))
        label = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root));
      if (text == NULL || (label != NULL && strstr (label, text) != NULL))
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A card of the catalogue holds its title as a label inside the button. */
static GtkWidget *
find_card (GtkWidget  *root,
           const char *title)
{
  GtkWidget *label = find_widget (root, GTK_TYPE_LABEL, title);

  return label != NULL ? gtk_widget_get_ancestor (label, GTK_TYPE_BUTTON) : NULL;
}

static guint
count_events (TrellisApplication *app,
              TrVerb              verb,
              const char         *object)
{
  GPtrArray *events = trellis_progress_store_get_events (trellis_application_get_store (app));
  guint n = 0;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const TrEvent *event = g_ptr_array_index (events, i);

      if (event->verb == verb && g_strcmp0 (event->object, object) == 0)
        n++;
    }
  return n;
}

static TrCourse *
example_course (TrellisApplication *app)
{
  GListModel *courses = trellis_course_library_get_courses (trellis_application_get_library (app));

  g_assert_cmpuint (g_list_model_get_n_items (courses), ==, 1);
  return g_list_model_get_item (courses, 0);
}

static void
test_catalogue_and_overview (void)
{
  TrellisApplication *app;
  g_autoptr(TrCourse) course = NULL;
  TrellisWindow *window;
  GtkWidget *card, *path_card, *row;
  const char *title;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  app = start_app (NULL);
  course = example_course (app);
  title = tr_text_get (tr_course_get_title (course), TR_LANG_EN);
  window = trellis_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  tr_test_gtk_iterate_for (100);

  /* The catalogue: a card for the course, one for the learning path. */
  g_assert_true (page_is (window, "catalogue"));
  card = find_card (GTK_WIDGET (window), title);
  g_assert_nonnull (card);
  g_assert_nonnull (find_widget (card, GTK_TYPE_LABEL, "Not started"));
  g_assert_nonnull (find_widget (card, GTK_TYPE_LABEL, "English, Nederlands, Français"));
  path_card = find_card (GTK_WIDGET (window), "Example path");
  g_assert_nonnull (path_card);
  g_assert_nonnull (find_widget (path_card, GTK_TYPE_LABEL, "0 of 1 courses completed"));

  /* The course overview: every part with its state. */
  tr_test_gtk_click (card);
  g_assert_true (page_is (window, "course"));
  g_assert_nonnull (find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Start the course"));
  row = find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "First signals");
  g_assert_nonnull (row);
  g_assert_nonnull (find_widget (row, GTK_TYPE_LABEL, "Not started"));
  g_assert_nonnull (find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "Quiz"));

  /* Reading the first lesson shows as done, and "Continue" leads on. */
  trellis_progress_store_record (trellis_application_get_store (app), course, TR_VERB_EXPERIENCED,
                                 "lesson/first-signals", NULL);
  tr_test_gtk_iterate_for (50);
  row = find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "First signals");
  g_assert_nonnull (find_widget (row, GTK_TYPE_LABEL, "Done"));
  g_assert_nonnull (find_widget (GTK_WIDGET (window), GTK_TYPE_LABEL, "1 of 5 done"));
  tr_test_gtk_click (find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Continue where I left off"));
  g_assert_true (page_is (window, "activity"));
  g_assert_nonnull (trellis_window_get_activity (window));
  g_assert_cmpstr (G_OBJECT_TYPE_NAME (trellis_window_get_activity (window)), ==, "TrellisLessonPage");

  /* Back to the course, back to the catalogue: the card shows progress. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.back", NULL);
  g_assert_true (page_is (window, "course"));
  gtk_widget_activate_action (GTK_WIDGET (window), "window.back", NULL);
  g_assert_true (page_is (window, "catalogue"));
  card = find_card (GTK_WIDGET (window), title);
  g_assert_nonnull (find_widget (card, GTK_TYPE_LABEL, "1 of 5 done"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Everything recorded before the app closed is there when it opens again. */
static void
test_restart_keeps_progress (void)
{
  g_autoptr(TrCourse) course = NULL;
  TrellisApplication *first, *second;
  TrellisWindow *window;
  GtkWidget *row;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  first = start_app (NULL);
  course = example_course (first);
  trellis_progress_store_record (trellis_application_get_store (first), course, TR_VERB_EXPERIENCED,
                                 "lesson/talking-first", NULL);
  trellis_progress_store_record (trellis_application_get_store (first), course, TR_VERB_ANSWERED,
                                 "signal-exercise/corridor-signals", NULL);
  trellis_progress_store_set_position (trellis_application_get_store (first), tr_course_get_id (course),
                                       "scenario/corridor-remark");
  /* What closing the app does: everything recorded reaches the disk. */
  G_APPLICATION_GET_CLASS (first)->shutdown (G_APPLICATION (first));

  second = start_app (NULL);
  g_assert_cmpuint (count_events (second, TR_VERB_EXPERIENCED, "lesson/talking-first"), ==, 1);
  g_assert_cmpuint (count_events (second, TR_VERB_ANSWERED, "signal-exercise/corridor-signals"), ==, 1);

  window = trellis_window_new (second);
  gtk_window_present (GTK_WINDOW (window));
  g_clear_object (&course);
  course = example_course (second);
  trellis_window_show_course (window, course);
  row = find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "Talking first");
  g_assert_nonnull (find_widget (row, GTK_TYPE_LABEL, "Done"));
  /* "Continue" goes to where the learner was. */
  tr_test_gtk_click (find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Continue where I left off"));
  g_assert_cmpstr (G_OBJECT_TYPE_NAME (trellis_window_get_activity (window)), ==, "TrellisScenarioPage");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
page_is_cb (gpointer data)
{
  gpointer *args = data;

  return page_is (args[0], args[1]);
}

static void
wait_for_page (TrellisWindow *window,
               const char    *page)
{
  gpointer args[2] = { window, (gpointer) page };

  g_test_message ("waiting for the page %s", page);
  tr_test_gtk_iterate_until (page_is_cb, args, WAIT_S);
}

/* trellis --course-dir: the course as it is written, reloaded on save, with
 * the validator's problems in the window instead of a crash. */
static void
test_authoring_reloads (void)
{
  g_autofree char *source = tr_test_fixture_path ("example-course", NULL);
  g_autofree char *dir = tr_test_copy_tree (source);
  g_autofree char *course_json = g_build_filename (dir, "course.json", NULL);
  g_autofree char *original = NULL;
  g_autofree char *broken = NULL;
  TrellisApplication *app;
  g_autoptr(GError) error = NULL;
  TrellisWindow *window;
  GtkWidget *problem;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  app = start_app (dir);
  window = trellis_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (page_is (window, "course"));

  g_file_get_contents (course_json, &original, NULL, &error);
  g_assert_no_error (error);
  broken = g_strconcat (original, "}", NULL);
  g_file_set_contents (course_json, broken, -1, &error);
  g_assert_no_error (error);
  wait_for_page (window, "problems");
  problem = find_widget (GTK_WIDGET (window), GTK_TYPE_LABEL, "course.json:");
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (problem)), "error: JSON syntax error"));

  g_file_set_contents (course_json, original, -1, &error);
  g_assert_no_error (error);
  wait_for_page (window, "course");
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
  g_test_add_func ("/window/catalogue-and-overview", test_catalogue_and_overview);
  g_test_add_func ("/window/restart-keeps-progress", test_restart_keeps_progress);
  g_test_add_func ("/window/authoring-reloads", test_authoring_reloads);
  return g_test_run ();
}
