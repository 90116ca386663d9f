/* trellis-screenshots.c: each main screen of the client, rendered to PNG
 *
 * Run by tools/screenshots under Xvfb; the README shows the results.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-screenshots"

#include "config.h"

#include <adwaita.h>

#include "trellis-application.h"
#include "trellis-classroom.h"
#include "trellis-classroom-vote.h"
#include "trellis-classroom-window.h"
#include "trellis-dashboard-window.h"
#include "trellis-presenter.h"
#include "trellis-window.h"

static void
wait_ms (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
save_png (GtkWidget  *widget,
          const char *path)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return FALSE;
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  return gdk_texture_save_to_png (texture, path);
}

static TrCourse *
find_course (TrellisApplication *app,
             const char         *id)
{
  GListModel *courses = trellis_course_library_get_courses (trellis_application_get_library (app));

  for (guint i = 0; i < g_list_model_get_n_items (courses); i++)
    {
      g_autoptr(TrCourse) course = g_list_model_get_item (courses, i);

      if (g_strcmp0 (tr_course_get_id (course), id) == 0)
        return g_steal_pointer (&course);
    }
  return NULL;
}

static void
shoot (TrellisWindow *window,
       const char    *out_dir,
       const char    *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", out_dir, name);

  wait_ms (600);
  if (save_png (GTK_WIDGET (window), path))
    g_print ("%s\n", path);
  else
    g_printerr ("could not render %s\n", path);
}

static void
shoot_window (GtkWindow  *window,
              const char *out_dir,
              const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", out_dir, name);

  wait_ms (800);
  if (save_png (GTK_WIDGET (window), path))
    g_print ("%s\n", path);
  else
    g_printerr ("could not render %s\n", path);
}

static AdwViewStack *
find_view_stack (GtkWidget *root)
{
  if (ADW_IS_VIEW_STACK (root))
    return ADW_VIEW_STACK (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      AdwViewStack *found = find_view_stack (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A member of the sample data in tools/screenshot-data/NAME.json. */
static JsonObject *
sample (const char *name,
        const char *member)
{
  g_autofree char *path = g_strdup_printf ("%s/tools/screenshot-data/%s.json", SOURCE_ROOT, name);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("%s", error->message);
  return json_object_ref (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                         member));
}

/* The trainer's and the institute's screens, filled with sample data: no
 * server is needed to take them. */
static void
shoot_trainer_and_institute (TrellisApplication *app,
                             TrellisWindow      *window,
                             TrCourse           *course,
                             const char         *out_dir)
{
  TrLang lang = trellis_application_get_language (app);
  TrellisPresenter *presenter;
  g_autoptr(TrellisClassroom) classroom = NULL;
  g_autoptr(JsonObject) trainer = sample ("classroom", "trainer");
  g_autoptr(JsonObject) participant = sample ("classroom", "participant");
  g_autoptr(JsonObject) cohorts = sample ("dashboard", "cohorts");
  g_autoptr(JsonObject) report = sample ("dashboard", "report");
  g_autoptr(JsonObject) certificates = sample ("dashboard", "certificates");
  g_autoptr(JsonObject) classrooms = sample ("dashboard", "classrooms");
  GtkWidget *live, *vote_window, *vote, *dashboard;

  trellis_window_open_place (window, "guide");
  shoot (window, out_dir, "guide");

  presenter = trellis_presenter_open (GTK_APPLICATION (app), course, lang, 3);
  gtk_window_unfullscreen (trellis_presenter_get_projector (presenter));
  gtk_window_set_default_size (trellis_presenter_get_projector (presenter), 1280, 720);
  gtk_window_set_default_size (trellis_presenter_get_console (presenter), 1000, 680);
  shoot_window (trellis_presenter_get_projector (presenter), out_dir, "presenter-projector");
  shoot_window (trellis_presenter_get_console (presenter), out_dir, "presenter-console");
  trellis_presenter_end (presenter);

  classroom = trellis_classroom_new (trellis_application_get_sync (app), trellis_application_get_store (app),
                                     trellis_application_get_library (app));
  live = trellis_classroom_window_new (classroom, lang);
  gtk_window_set_default_size (GTK_WINDOW (live), 1200, 800);
  trellis_classroom_window_show_session (TRELLIS_CLASSROOM_WINDOW (live), trainer);
  gtk_window_present (GTK_WINDOW (live));
  shoot_window (GTK_WINDOW (live), out_dir, "classroom-trainer");
  gtk_window_destroy (GTK_WINDOW (live));

  vote_window = adw_window_new ();
  vote = trellis_classroom_vote_new (classroom, lang);
  adw_window_set_content (ADW_WINDOW (vote_window), vote);
  gtk_window_set_default_size (GTK_WINDOW (vote_window), 700, 760);
  trellis_classroom_vote_show_session (TRELLIS_CLASSROOM_VOTE (vote), participant);
  gtk_window_present (GTK_WINDOW (vote_window));
  shoot_window (GTK_WINDOW (vote_window), out_dir, "classroom-learner");
  gtk_window_destroy (GTK_WINDOW (vote_window));

  dashboard = trellis_dashboard_window_new (NULL, lang);
  gtk_window_set_default_size (GTK_WINDOW (dashboard), 1100, 860);
  trellis_dashboard_window_show_data (TRELLIS_DASHBOARD_WINDOW (dashboard), cohorts, report, certificates);
  gtk_window_present (GTK_WINDOW (dashboard));
  trellis_dashboard_window_show_sessions (TRELLIS_DASHBOARD_WINDOW (dashboard), classrooms);
  shoot_window (GTK_WINDOW (dashboard), out_dir, "dashboard");
  adw_view_stack_set_visible_child_name (find_view_stack (GTK_WIDGET (dashboard)), "sessions");
  shoot_window (GTK_WINDOW (dashboard), out_dir, "dashboard-sessions");
  gtk_window_destroy (GTK_WINDOW (dashboard));
}

int
main (int    argc,
      char **argv)
{
  const char *out_dir = argc > 1 ? argv[1] : "docs/screenshots";
  g_autoptr(TrellisApplication) app = NULL;
  g_autoptr(TrCourse) course = NULL;
  TrellisWindow *window;
  gint64 deadline;

  gtk_init ();
  adw_init ();
  /* Still pictures: no page may be caught halfway through a transition. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_mkdir_with_parents (out_dir, 0755);

  app = trellis_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  window = trellis_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 780);
  gtk_window_present (GTK_WINDOW (window));

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((trellis_course_library_get_loading (trellis_application_get_library (app)) ||
          !trellis_progress_store_is_open (trellis_application_get_store (app))) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  shoot (window, out_dir, "catalogue");
  course = find_course (app, "signal-recognition");
  if (course == NULL)
    {
      g_printerr ("the bundled course signal-recognition is missing\n");
      return 1;
    }
  trellis_window_show_course (window, course);
  shoot (window, out_dir, "course");
  trellis_window_open_place (window, "lesson/what-is-radicalisation");
  shoot (window, out_dir, "lesson");
  trellis_window_open_place (window, "scenario/my-hero");
  shoot (window, out_dir, "scenario");
  trellis_window_open_place (window, "signal-exercise/signals-in-context");
  shoot (window, out_dir, "signal-exercise");
  trellis_window_open_place (window, "quiz");
  shoot (window, out_dir, "quiz");

  shoot_trainer_and_institute (app, window, course, out_dir);

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  trellis_window_open_place (window, "lesson/what-is-radicalisation");
  shoot (window, out_dir, "lesson-narrow");

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
