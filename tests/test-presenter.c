/* test-presenter.c: the facilitator guide, the presenter's two windows
 * driven from the keyboard, the part's timer, and the trainer's group on
 * the course page that only trainers see
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tr-test-gtk.h"
#include "tr-test-store.h"
#include "tr-test-util.h"
#include "trellis-application.h"
#include "trellis-course-page.h"
#include "trellis-guide-page.h"
#include "trellis-presenter.h"
#include "trellis-presenter-console.h"
#include "trellis-presenter-window.h"
#include "trellis-window.h"

#define WAIT_S 20
#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

/* The app, as test-window.c starts it; each stays alive until the end. */

static GPtrArray *apps;

static gboolean
app_ready (gpointer data)
{
  TrellisApplication *app = data;

  return !trellis_course_library_get_loading (trellis_application_get_library (app)) &&
         trellis_progress_store_is_open (trellis_application_get_store (app));
}

static TrellisApplication *
start_app (void)
{
  TrellisApplication *app = trellis_application_new ();
  g_autoptr(GError) error = NULL;
  static guint n_started;
  g_autofree char *id = g_strdup_printf ("org.trellis.Trellis.PresenterTest%u", ++n_started);

  g_application_set_application_id (G_APPLICATION (app), id);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  tr_test_gtk_iterate_until (app_ready, app, WAIT_S);
  if (apps == NULL)
    apps = g_ptr_array_new ();
  g_ptr_array_add (apps, app);
  return app;
}

static gboolean
page_is_catalogue (gpointer data)
{
  return g_strcmp0 (trellis_window_get_page (data), "catalogue") == 0;
}

/* The main window on the example course's overview. */
static TrellisWindow *
open_course (TrellisApplication *app)
{
  TrellisWindow *window = trellis_window_new (app);
  GListModel *courses = trellis_course_library_get_courses (trellis_application_get_library (app));
  g_autoptr(TrCourse) course = NULL;

  gtk_window_present (GTK_WINDOW (window));
  tr_test_gtk_iterate_until (page_is_catalogue, window, WAIT_S);
  g_assert_cmpuint (g_list_model_get_n_items (courses), ==, 1);
  course = g_list_model_get_item (courses, 0);
  trellis_window_show_course (window, course);
  g_assert_cmpstr (trellis_window_get_page (window), ==, "course");
  return window;
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  tr_test_gtk_collect (root, type, found);
  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

/* A group of the course page by its title, shown or not. */
static AdwPreferencesGroup *
find_group (GtkWidget  *root,
            const char *title)
{
  if (ADW_IS_PREFERENCES_GROUP (root) &&
      g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (root)), title) == 0)
    return ADW_PREFERENCES_GROUP (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      AdwPreferencesGroup *group = find_group (child, title);

      if (group != NULL)
        return group;
    }
  return NULL;
}

static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  tr_test_gtk_collect (root, ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title) == 0)
      return g_ptr_array_index (rows, i);
  return NULL;
}

/* The presentations open, by their windows. */
static TrellisPresenter *
find_presenter (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);
      TrellisPresenter *presenter = g_object_get_data (G_OBJECT (window), "trellis-presenter");

      if (TRELLIS_IS_PRESENTER_CONSOLE (window) && presenter != NULL && !trellis_presenter_get_ended (presenter))
        return presenter;
    }
  return NULL;
}

static guint
count_presenter_windows (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (TRELLIS_IS_PRESENTER_CONSOLE (window) || TRELLIS_IS_PRESENTER_WINDOW (window))
        n++;
    }
  return n;
}

static char *
projector_text (TrellisPresenter *presenter)
{
  return trellis_presenter_window_get_text (TRELLIS_PRESENTER_WINDOW (trellis_presenter_get_projector (presenter)));
}

static const char *
console_title (TrellisPresenter *presenter)
{
  return trellis_presenter_console_get_current_title (TRELLIS_PRESENTER_CONSOLE (trellis_presenter_get_console (presenter)));
}

/* As a key press: the shortcut @window has for @keyval, activated as GTK
 * activates it when the key arrives; FALSE when it did nothing. */
static gboolean
press_key (GtkWindow *window,
           guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  g_autoptr(GtkShortcutTrigger) pressed = gtk_keyval_trigger_new (keyval, 0);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller) ||
          g_strcmp0 (gtk_event_controller_get_name (GTK_EVENT_CONTROLLER (controller)), "presenter-keys") != 0)
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), pressed))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                 GTK_WIDGET (window), NULL);
        }
    }
  g_assert_not_reached ();
  return FALSE;
}

static gint64 fake_now = 1000 * G_USEC_PER_SEC;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now;
}

static gboolean
timer_reads (gpointer data)
{
  TrellisPresenter *presenter = g_object_get_data (G_OBJECT (data), "presenter");

  return g_strcmp0 (trellis_presenter_console_get_timer_text (data),
                    g_object_get_data (G_OBJECT (data), "expected")) == 0 &&
         presenter != NULL;
}

/* Until the console's timer shows @text, as its ticks update it. */
static void
wait_for_timer (TrellisPresenter *presenter,
                const char       *text)
{
  GtkWindow *console = trellis_presenter_get_console (presenter);

  g_object_set_data (G_OBJECT (console), "presenter", presenter);
  g_object_set_data_full (G_OBJECT (console), "expected", g_strdup (text), g_free);
  tr_test_gtk_iterate_until (timer_reads, console, WAIT_S);
}

static gboolean
no_presenter_windows (gpointer data)
{
  return count_presenter_windows () == 0;
}

static gboolean
have_display (void)
{
  if (tr_test_gtk_init ())
    return TRUE;
  g_test_skip ("no display");
  return FALSE;
}

static void
test_guide_and_present (void)
{
  TrellisApplication *app;
  TrellisWindow *window;
  g_autoptr(TrellisPresenter) presenter = NULL;
  TrellisPresenterConsole *console;
  GtkWindow *projector;
  GtkWidget *page, *present_button;
  g_autoptr(GPtrArray) part_buttons = g_ptr_array_new ();
  g_autofree char *text = NULL;
  const TrScenario *scenario;

  if (!have_display ())
    return;
  app = start_app ();
  window = open_course (app);

  /* The guide: every section, the timed plan, the questions. */
  trellis_window_open_place (window, "guide");
  g_assert_cmpstr (trellis_window_get_page (window), ==, "activity");
  page = trellis_window_get_activity (window);
  g_assert_true (TRELLIS_IS_GUIDE_PAGE (page));
  g_assert_nonnull (tr_test_gtk_find_label (page, "Facilitator Guide"));
  g_assert_nonnull (tr_test_gtk_find_label (page, "A session of 1 hour"));
  g_assert_true (tr_test_gtk_shows_text (page, "Participants respond to a worrying remark"));
  g_assert_true (tr_test_gtk_shows_text (page, "Find out who your school's contact person is"));
  g_assert_true (tr_test_gtk_shows_text (page, "Ask everyone to recall, without names"));
  g_assert_true (tr_test_gtk_shows_text (page, "No names of real pupils or colleagues"));
  g_assert_true (tr_test_gtk_shows_text (page, "no religion or group is suspect"));
  g_assert_nonnull (tr_test_gtk_find_label (page, "Session Plan"));
  g_assert_nonnull (tr_test_gtk_find_label (page, "Warm-up and first signals"));
  g_assert_nonnull (tr_test_gtk_find_label (page, "0:00–0:15 · 15 minutes"));
  g_assert_nonnull (tr_test_gtk_find_label (page, "Lesson: First signals"));
  g_assert_nonnull (tr_test_gtk_find_label (page, "Scenario in pairs"));
  g_assert_nonnull (tr_test_gtk_find_label (page, "0:15–0:40 · 25 minutes"));
  g_assert_nonnull (tr_test_gtk_find_label (page, "Scenario: A remark in the corridor"));
  g_assert_nonnull (tr_test_gtk_find_label (page, "Discussion and quiz"));
  g_assert_nonnull (tr_test_gtk_find_label (page, "0:40–1:00 · 20 minutes"));
  g_assert_true (tr_test_gtk_shows_text (page, "Pairs play A remark in the corridor"));
  g_assert_nonnull (tr_test_gtk_find_label (page, "Discussion Questions"));
  g_assert_nonnull (tr_test_gtk_find_label (page, "General"));
  g_assert_true (tr_test_gtk_shows_text (page, "When would calling the police have been the right step?"));
  g_assert_true (tr_test_gtk_shows_text (page, "Who is the contact person at your school"));

  /* "Present" starts at the first part: the lesson's key points. */
  present_button = tr_test_gtk_find_button (page, "_Present");
  g_assert_null (find_presenter ());
  tr_test_gtk_click (present_button);
  presenter = g_object_ref (find_presenter ());
  g_assert_nonnull (presenter);
  g_assert_cmpuint (count_presenter_windows (), ==, 2);
  console = TRELLIS_PRESENTER_CONSOLE (trellis_presenter_get_console (presenter));
  projector = trellis_presenter_get_projector (presenter);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (console)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (projector)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (projector), "presenter-projector"));
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 0);
  text = projector_text (presenter);
  g_assert_nonnull (strstr (text, "First signals"));
  g_assert_nonnull (strstr (text, "Orthodoxy is not radicalisation."));
  g_assert_cmpstr (console_title (presenter), ==, "First signals");
  g_assert_cmpstr (trellis_presenter_console_get_next_title (console), ==, "A remark in the corridor");
  g_assert_nonnull (tr_test_gtk_find_label (console, "Part 1 of 3: Warm-up and first signals"));
  g_assert_true (tr_test_gtk_shows_text (console, "Run the warm-up"));
  g_assert_true (tr_test_gtk_shows_text (console, "no religion or group is suspect"));

  /* The timer counts the part's 15 minutes, then warns. */
  trellis_presenter_set_clock (presenter, fake_clock, NULL);
  g_assert_cmpstr (trellis_presenter_console_get_timer_text (console), ==, "00:00 / 15:00");
  g_assert_false (trellis_presenter_console_get_over_time (console));
  fake_now += 14 * MINUTE + 59 * G_USEC_PER_SEC;
  wait_for_timer (presenter, "14:59 / 15:00");
  g_assert_false (trellis_presenter_console_get_over_time (console));
  fake_now += 2 * G_USEC_PER_SEC;
  wait_for_timer (presenter, "15:01 / 15:00");
  g_assert_true (trellis_presenter_console_get_over_time (console));
  g_assert_cmpint (trellis_presenter_get_elapsed (presenter), ==, 15 * 60 + 1);
  /* Paused, it stands still; reset, it starts again. */
  g_assert_true (tr_test_gtk_has_button (console, "_Pause Timer"));
  tr_test_gtk_click (tr_test_gtk_find_button (console, "_Pause Timer"));
  g_assert_false (trellis_presenter_get_running (presenter));
  fake_now += 5 * MINUTE;
  tr_test_gtk_iterate_for (400);
  g_assert_cmpstr (trellis_presenter_console_get_timer_text (console), ==, "15:01 / 15:00");
  tr_test_gtk_click (tr_test_gtk_find_button (console, "Re_set Timer"));
  g_assert_cmpstr (trellis_presenter_console_get_timer_text (console), ==, "00:00 / 15:00");
  g_assert_false (trellis_presenter_console_get_over_time (console));
  tr_test_gtk_click (tr_test_gtk_find_button (console, "_Resume Timer"));
  g_assert_true (trellis_presenter_get_running (presenter));
  fake_now += 3 * MINUTE;
  wait_for_timer (presenter, "03:00 / 15:00");

  /* Keys move on in both windows: Right on the projector... */
  g_assert_true (press_key (projector, GDK_KEY_Right));
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 1);
  g_clear_pointer (&text, g_free);
  text = projector_text (presenter);
  g_assert_nonnull (strstr (text, "A remark in the corridor"));
  g_assert_cmpstr (console_title (presenter), ==, "A remark in the corridor");
  g_assert_cmpstr (trellis_presenter_console_get_next_title (console), ==, "Decision 1 of 5");
  /* ...where the next part's timer starts from nothing. */
  g_assert_cmpstr (trellis_presenter_console_get_timer_text (console), ==, "00:00 / 25:00");
  g_assert_nonnull (tr_test_gtk_find_label (console, "Part 2 of 3: Scenario in pairs"));
  g_assert_true (tr_test_gtk_shows_text (console, "What did you learn about Sam"));

  /* ...Page Down and space on the console, and its Next button. */
  g_assert_true (press_key (GTK_WINDOW (console), GDK_KEY_Page_Down));
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 2);
  g_assert_cmpstr (console_title (presenter), ==, "Decision 1 of 5");
  g_clear_pointer (&text, g_free);
  text = projector_text (presenter);
  g_assert_nonnull (strstr (text, "Decision 1 of 5"));
  g_assert_nonnull (strstr (text, "Stop, say calmly that you heard it"));
  g_assert_true (press_key (GTK_WINDOW (console), GDK_KEY_space));
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 3);
  tr_test_gtk_click (tr_test_gtk_find_button (console, "_Next"));
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 4);
  g_assert_cmpstr (console_title (presenter), ==, "Decision 3 of 5");

  /* Back with Left and Page Up, in either window; the actions the keys are
   * bound to work too. */
  g_assert_true (press_key (GTK_WINDOW (console), GDK_KEY_Left));
  g_assert_true (press_key (projector, GDK_KEY_Page_Up));
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (projector), "presenter.next", NULL));
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (console), "presenter.previous", NULL));
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 2);

  /* End and Home: the last slide, the general questions; the first. */
  g_assert_true (press_key (projector, GDK_KEY_End));
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 9);
  g_clear_pointer (&text, g_free);
  text = projector_text (presenter);
  g_assert_nonnull (strstr (text, "Who is the contact person at your school"));
  g_assert_cmpstr (trellis_presenter_console_get_next_title (console), ==, "End of the presentation");
  g_assert_cmpstr (trellis_presenter_console_get_timer_text (console), ==, "00:00 / 20:00");
  g_assert_false (press_key (GTK_WINDOW (console), GDK_KEY_Right));
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 9);
  g_assert_true (press_key (GTK_WINDOW (console), GDK_KEY_Home));
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 0);
  g_assert_cmpstr (console_title (presenter), ==, "First signals");
  /* Each part kept its own time. */
  g_assert_cmpstr (trellis_presenter_console_get_timer_text (console), ==, "03:00 / 15:00");

  /* No choice's feedback reaches the room, nor an ending's verdict. */
  scenario = tr_course_find_scenario (trellis_guide_page_get_course (TRELLIS_GUIDE_PAGE (page)), "corridor-remark");
  for (guint i = 0; i < trellis_presenter_deck_get_n_slides (trellis_presenter_get_deck (presenter)); i++)
    {
      trellis_presenter_set_current (presenter, i);
      g_clear_pointer (&text, g_free);
      text = projector_text (presenter);
      g_assert_null (strstr (text, "The relationship is the intervention"));
      for (guint n = 0; n < scenario->nodes->len; n++)
        {
          const TrScenarioNode *node = g_ptr_array_index (scenario->nodes, n);

          for (guint c = 0; c < node->choices->len; c++)
            {
              const TrChoice *choice = g_ptr_array_index (node->choices, c);
              g_autofree char *start = g_utf8_substring (tr_text_get (&choice->feedback, TR_LANG_EN), 0, 30);

              g_assert_null (strstr (text, start));
            }
        }
    }

  /* Closing either window ends the presentation; the presenter goes. */
  gtk_window_close (GTK_WINDOW (console));
  g_assert_true (trellis_presenter_get_ended (presenter));
  tr_test_gtk_iterate_until (no_presenter_windows, NULL, WAIT_S);
  tr_test_finalize_object (g_steal_pointer (&presenter), WAIT_S);

  /* Each part of the plan presents from its own start. */
  tr_test_gtk_collect (page, GTK_TYPE_BUTTON, part_buttons);
  for (guint i = part_buttons->len; i > 0; i--)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (part_buttons, i - 1)), "guide.present") != 0 ||
        g_ptr_array_index (part_buttons, i - 1) == present_button)
      g_ptr_array_remove_index (part_buttons, i - 1);
  g_assert_cmpuint (part_buttons->len, ==, 3);
  tr_test_gtk_click (g_ptr_array_index (part_buttons, 1));
  presenter = g_object_ref (find_presenter ());
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 1);
  g_assert_cmpstr (console_title (presenter), ==, "A remark in the corridor");
  /* Escape on the projector leaves full screen, then ends. */
  projector = trellis_presenter_get_projector (presenter);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (projector), "projector.escape", NULL));
  tr_test_gtk_iterate_for (100);
  if (!trellis_presenter_get_ended (presenter))
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (projector), "projector.escape", NULL));
  g_assert_true (trellis_presenter_get_ended (presenter));
  tr_test_gtk_iterate_until (no_presenter_windows, NULL, WAIT_S);
  tr_test_finalize_object (g_steal_pointer (&presenter), WAIT_S);

  /* Back to the course. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.back", NULL));
  g_assert_cmpstr (trellis_window_get_page (window), ==, "course");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* An account as the sync keeps it, written before the app opens the store:
 * a server that refuses connections keeps the sync offline, and the token
 * keeps the account. */
static void
write_account (const char *role)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "trellis", "progress.db", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *token = g_build_filename (g_get_user_config_dir (), "trellis", "token", NULL);
  g_autofree char *token_dir = g_path_get_dirname (token);
  g_autoptr(GError) error = NULL;
  TrellisProgressStore *store;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  store = tr_test_store_open (path, WAIT_S);
  trellis_progress_store_set_meta (store, "sync.server", "http://127.0.0.1:9");
  trellis_progress_store_set_meta (store, "sync.account-id", "7");
  trellis_progress_store_set_meta (store, "sync.account-name", "Robin");
  trellis_progress_store_set_meta (store, "sync.account-role", role);
  trellis_progress_store_flush (store);
  tr_test_finalize_object (store, WAIT_S);

  g_assert_cmpint (g_mkdir_with_parents (token_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents_full (token, "a-token", -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));
  g_assert_no_error (error);
}

static gboolean
role_is (gpointer data)
{
  TrellisApplication *app = data;

  return g_strcmp0 (trellis_sync_get_account_role (trellis_application_get_sync (app)),
                    g_object_get_data (G_OBJECT (app), "expected-role")) == 0;
}

static gboolean
widget_hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

static void
signed_out_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (trellis_sync_sign_out_finish (TRELLIS_SYNC (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_role_learner (void)
{
  TrellisApplication *app;
  TrellisWindow *window;
  AdwPreferencesGroup *group;

  if (!have_display ())
    return;
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  write_account ("learner");
  app = start_app ();
  g_object_set_data (G_OBJECT (app), "expected-role", (gpointer) "learner");
  tr_test_gtk_iterate_until (role_is, app, WAIT_S);
  window = open_course (app);
  group = find_group (GTK_WIDGET (window), "Trainer");
  g_assert_nonnull (group);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (group)));
  g_assert_null (find_row (GTK_WIDGET (window), "_Facilitator Guide"));
  /* Still a learner after the page is shown again. */
  trellis_course_page_refresh (TRELLIS_COURSE_PAGE (find_type (GTK_WIDGET (window), TRELLIS_TYPE_COURSE_PAGE)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (group)));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_role_trainer (void)
{
  TrellisApplication *app;
  TrellisWindow *window;
  AdwPreferencesGroup *group;
  GtkWidget *guide_row, *present_row, *classroom_row;
  GVariant *target;
  g_autoptr(TrellisPresenter) presenter = NULL;
  gboolean signed_out = FALSE;

  if (!have_display ())
    return;
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  write_account ("trainer");
  app = start_app ();
  g_object_set_data (G_OBJECT (app), "expected-role", (gpointer) "trainer");
  tr_test_gtk_iterate_until (role_is, app, WAIT_S);
  window = open_course (app);
  group = find_group (GTK_WIDGET (window), "Trainer");
  g_assert_true (tr_test_gtk_is_shown (GTK_WIDGET (group)));
  guide_row = find_row (GTK_WIDGET (group), "_Facilitator Guide");
  present_row = find_row (GTK_WIDGET (group), "_Present");
  classroom_row = find_row (GTK_WIDGET (group), "_Start Classroom Session…");
  g_assert_nonnull (guide_row);
  g_assert_nonnull (present_row);
  g_assert_nonnull (classroom_row);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (classroom_row)), ==, "app.start-classroom");
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (classroom_row));
  g_assert_nonnull (target);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, "example-course");

  /* The guide opens as an activity of the course. */
  gtk_widget_activate (guide_row);
  g_assert_cmpstr (trellis_window_get_page (window), ==, "activity");
  g_assert_true (TRELLIS_IS_GUIDE_PAGE (trellis_window_get_activity (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.back", NULL));
  g_assert_cmpstr (trellis_window_get_page (window), ==, "course");

  /* "Present" opens both windows at the first slide. */
  gtk_widget_activate (present_row);
  presenter = g_object_ref (find_presenter ());
  g_assert_cmpuint (count_presenter_windows (), ==, 2);
  g_assert_cmpuint (trellis_presenter_get_current (presenter), ==, 0);
  trellis_presenter_end (presenter);
  tr_test_gtk_iterate_until (no_presenter_windows, NULL, WAIT_S);
  tr_test_finalize_object (g_steal_pointer (&presenter), WAIT_S);

  /* Signing out hides the group at once. */
  trellis_sync_sign_out_async (trellis_application_get_sync (app), NULL, signed_out_cb, &signed_out);
  tr_test_gtk_iterate_until (widget_hidden, group, WAIT_S);
  tr_test_gtk_iterate_until (tr_test_flag_set, &signed_out, WAIT_S);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *source = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *courses_dir = NULL;
  int status;

  tr_test_init_gui (&argc, &argv);
  /* No keyring: the token is a file. No proxy for loopback. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/trellis-test-bus", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  source = tr_test_fixture_path ("example-course", NULL);
  copy = tr_test_copy_tree (source);
  courses_dir = g_path_get_dirname (copy);
  g_setenv ("TRELLIS_COURSES_DIR", courses_dir, TRUE);

  g_test_add_func ("/presenter/guide-and-present", test_guide_and_present);
  g_test_add_func ("/presenter/role-learner", test_role_learner);
  g_test_add_func ("/presenter/role-trainer", test_role_trainer);
  status = g_test_run ();
  tr_test_remove_tree (courses_dir);
  return status;
}
