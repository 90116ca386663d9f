/* test-account-window.c: the Account window and the header bar's sync
 * indicator, signed out and signed in, without a server (GUI test)
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-account-window"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tr-course-loader.h"
#include "tr-test-gtk.h"
#include "tr-test-store.h"
#include "tr-test-util.h"
#include "trellis-account-window.h"
#include "trellis-progress-store.h"
#include "trellis-sync-indicator.h"
#include "trellis-sync.h"
#include "trellis-token-storage.h"

#define WAIT_S 20

static TrCourse *course;

static TrellisProgressStore *
open_store (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "trellis", "progress.db", NULL);

  return tr_test_store_open (path, WAIT_S);
}

/* Widgets, found as a learner finds them: by what they say. */

/* The first visible @type below @root whose text is @text. */
static GtkWidget *
find (GtkWidget  *root,
      GType       type,
      const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (!gtk_widget_get_visible (child) || !gtk_widget_get_child_visible (child))
        continue;
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && g_strcmp0 (tr_test_gtk_widget_text (child), text) == 0)
        return child;
      if ((found = find (child, type, text)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  GtkWidget *widget = find (root, GTK_TYPE_BUTTON, label);

  if (widget == NULL && (widget = find (root, GTK_TYPE_LABEL, label)) != NULL)
    widget = gtk_widget_get_ancestor (widget, GTK_TYPE_BUTTON);
  g_assert_nonnull (widget);
  return widget;
}

static void
type_into (GtkWidget  *root,
           const char *title,
           const char *text)
{
  GtkWidget *row = find (root, ADW_TYPE_ENTRY_ROW, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* The visible label with the "error" style, if any. */
static GtkWidget *
find_error (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (!gtk_widget_get_visible (child) || !gtk_widget_get_child_visible (child))
        continue;
      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "error"))
        return child;
      if ((found = find_error (child)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
error_shown (gpointer data)
{
  GtkWidget *error = find_error (data);

  return error != NULL && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (error)), "Cannot reach");
}

static char *
closed_server (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return g_strdup_printf ("http://127.0.0.1:%u", port);
}

static const char *
indicator_tooltip (GtkWidget *indicator)
{
  return gtk_widget_get_tooltip_text (find (indicator, GTK_TYPE_BUTTON, NULL));
}

static void
test_signed_out (void)
{
  TrellisProgressStore *store;
  TrellisSync *sync;
  GtkWidget *window, *indicator, *error;
  g_autofree char *server = NULL;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }

  store = open_store ();
  sync = trellis_sync_new (store);
  trellis_sync_start (sync);
  window = trellis_account_window_new (sync);
  indicator = trellis_sync_indicator_new (sync);
  g_object_ref_sink (indicator);
  gtk_window_present (GTK_WINDOW (window));
  tr_test_gtk_iterate_for (100);

  g_assert_cmpstr (indicator_tooltip (indicator), ==, "Not signed in: progress stays on this device");
  g_assert_null (find (window, GTK_TYPE_BUTTON, "Sign _Out"));
  g_assert_null (find_error (window));

  /* Refused before any request. */
  type_into (window, "Server _address", "trellis.example.org");
  type_into (window, "Enrolment _code", "K7PQ-M3XD");
  type_into (window, "Your _name", "Sam Jansen");
  type_into (window, "E-_mail address", "sam@example.org");
  type_into (window, "Pass_word (at least 10 characters)", "short");
  tr_test_gtk_click (find_button (window, "_Enrol"));
  tr_test_gtk_iterate_for (100);
  error = find_error (window);
  g_assert_nonnull (error);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (error)), ==, "The password needs at least 10 characters");

  /* A server that does not answer: the reason shows in the page, and the
   * focus is where it was. */
  server = closed_server ();
  type_into (window, "Server _address", server);
  type_into (window, "Pass_word (at least 10 characters)", "a long passphrase");
  gtk_widget_grab_focus (find_button (window, "_Enrol"));
  tr_test_gtk_click (find_button (window, "_Enrol"));
  g_assert_false (gtk_widget_get_sensitive (find_button (window, "_Enrol")));
  tr_test_gtk_iterate_until (error_shown, window, WAIT_S);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == find_button (window, "_Enrol"));
  g_assert_cmpint (trellis_sync_get_state (sync), ==, TRELLIS_SYNC_SIGNED_OUT);
  g_assert_true (gtk_widget_get_sensitive (find_button (window, "_Enrol")));

  /* Sign-in shows its errors next to its own button. */
  type_into (window, "E-mail add_ress", "sam@example.org");
  tr_test_gtk_click (find_button (window, "_Sign In"));
  tr_test_gtk_iterate_for (100);
  error = find_error (window);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (error)), ==, "Fill in every field");

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (indicator);
  tr_test_finalize_object (sync, WAIT_S);
  tr_test_finalize_object (store, WAIT_S);
}

static gboolean
state_is_offline (gpointer data)
{
  return trellis_sync_get_state (data) == TRELLIS_SYNC_OFFLINE;
}

/* The forms wait while the sign-out finishes. */
static gboolean
forms_ready (gpointer data)
{
  return gtk_widget_get_sensitive (find_button (data, "_Enrol"));
}

static void
test_signed_in_offline (void)
{
  g_autofree char *server = closed_server ();
  g_autofree char *token_path = trellis_token_storage_get_file_path ();
  g_autofree char *token_dir = g_path_get_dirname (token_path);
  TrellisProgressStore *store;
  TrellisSync *sync;
  GtkWidget *window, *indicator, *row, *count;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }

  /* A device signed in earlier, whose server is unreachable now. */
  store = open_store ();
  trellis_progress_store_set_meta (store, "sync.server", server);
  trellis_progress_store_set_meta (store, "sync.account-id", "0d2f6c1e-0000-4000-8000-000000000000");
  trellis_progress_store_set_meta (store, "sync.account-name", "Sam Jansen");
  g_assert_cmpint (g_mkdir_with_parents (token_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (token_path, "tr_test", -1, NULL));
  trellis_progress_store_record (store, course, TR_VERB_EXPERIENCED, "lesson/first-signals", NULL);
  trellis_progress_store_record (store, course, TR_VERB_EXPERIENCED, "lesson/talking-first", NULL);

  sync = trellis_sync_new (store);
  window = trellis_account_window_new (sync);
  indicator = trellis_sync_indicator_new (sync);
  g_object_ref_sink (indicator);
  gtk_window_present (GTK_WINDOW (window));
  trellis_sync_start (sync);
  tr_test_gtk_iterate_until (state_is_offline, sync, WAIT_S);
  tr_test_gtk_iterate_for (100);

  g_assert_nonnull (find (window, GTK_TYPE_BUTTON, "Sign _Out"));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == find_button (window, "Sync _Now"));
  row = find (window, ADW_TYPE_ACTION_ROW, "Account");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Sam Jansen");
  row = find (window, ADW_TYPE_ACTION_ROW, "Server");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, server);
  row = find (window, ADW_TYPE_ACTION_ROW, "Progress");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Offline: 2 changes wait to be sent");
  g_assert_cmpstr (indicator_tooltip (indicator), ==, "Offline: 2 changes wait to be sent");
  count = find (indicator, GTK_TYPE_LABEL, "2");
  g_assert_nonnull (count);

  /* Sync Now tries at once, and fails the same way. */
  tr_test_gtk_click (find_button (window, "Sync _Now"));
  g_assert_cmpint (trellis_sync_get_state (sync), ==, TRELLIS_SYNC_SYNCING);
  g_assert_cmpstr (indicator_tooltip (indicator), ==, "Syncing…");
  tr_test_gtk_iterate_until (state_is_offline, sync, WAIT_S);

  tr_test_gtk_click (find_button (window, "Sign _Out"));
  g_assert_cmpint (trellis_sync_get_state (sync), ==, TRELLIS_SYNC_SIGNED_OUT);
  tr_test_gtk_iterate_until (forms_ready, window, WAIT_S);
  g_assert_false (g_file_test (token_path, G_FILE_TEST_EXISTS));
  g_assert_nonnull (find (window, ADW_TYPE_ENTRY_ROW, "Server _address"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (window, ADW_TYPE_ENTRY_ROW, "Server _address"))),
                   ==, server);
  g_assert_cmpstr (indicator_tooltip (indicator), ==, "Not signed in: progress stays on this device");
  /* The server is known: the enrolment code is what comes next. */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         find (window, ADW_TYPE_ENTRY_ROW, "Enrolment _code")));
  /* The events stay on the device. */
  g_assert_cmpuint (trellis_progress_store_get_events (store)->len, ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (indicator);
  tr_test_finalize_object (sync, WAIT_S);
  tr_test_finalize_object (store, WAIT_S);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *course_dir = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  tr_test_init_gui (&argc, &argv);
  /* No keyring, no proxy: the token goes to the file looked at here. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/trellis-test-bus", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  course_dir = tr_test_fixture_path ("example-course", NULL);
  course = tr_course_load_valid (course_dir, &error);
  g_assert_no_error (error);

  g_test_add_func ("/account-window/signed-out", test_signed_out);
  g_test_add_func ("/account-window/signed-in-offline", test_signed_in_offline);
  status = g_test_run ();
  g_object_unref (course);
  return status;
}
