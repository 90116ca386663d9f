/* test-classroom.c: a classroom session through the real trellis-server: a
 * trainer starts it in the live view, learners join with the code, vote,
 * see the votes revealed and follow the group to an ending, which their own
 * progress records; one learner's app polls instead of using the WebSocket
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tr-test-gtk.h"
#include "tr-test-server.h"
#include "tr-test-store.h"
#include "tr-test-util.h"
#include "trellis-classroom-join.h"
#include "trellis-classroom-vote.h"
#include "trellis-classroom-window.h"
#include "trellis-vote-chart.h"

#define WAIT_S     30
#define INSTITUTE  "Regio Noord"
#define PASSWORD   "a long passphrase"
#define PAUSE_TEXT "Stop, say calmly that you heard it, and ask Sam to come by after the last lesson."

static char *courses_dir;
static TrellisCourseLibrary *library;
static TrTestServer *server;

typedef struct
{
  TrellisProgressStore *store;
  TrellisSync          *sync;
  TrellisClassroom     *classroom;
} Client;

static void
client_free (Client *client)
{
  if (client->classroom != NULL)
    trellis_classroom_leave (client->classroom);
  g_clear_object (&client->classroom);
  g_clear_object (&client->sync);
  g_clear_object (&client->store);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static void
signed_in_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  trellis_sync_sign_in_finish (TRELLIS_SYNC (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
enrolled_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  trellis_sync_enrol_finish (TRELLIS_SYNC (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* A device with its own store, signed in (or enrolled with @code). */
static Client *
client_new (const char *name,
            const char *email,
            const char *code)
{
  Client *client = g_new0 (Client, 1);
  gboolean done = FALSE;

  client->store = tr_test_store_new_temp (name);
  client->sync = trellis_sync_new (client->store);
  trellis_sync_start (client->sync);
  if (code != NULL)
    trellis_sync_enrol_async (client->sync, tr_test_server_get_url (server), code, name, email, PASSWORD, NULL,
                              enrolled_cb, &done);
  else
    trellis_sync_sign_in_async (client->sync, tr_test_server_get_url (server), email, PASSWORD, NULL,
                                signed_in_cb, &done);
  tr_test_gtk_iterate_until (tr_test_flag_set, &done, WAIT_S);
  client->classroom = trellis_classroom_new (client->sync, client->store, library);
  return client;
}

typedef struct
{
  gboolean  done;
  GError   *error;
} Done;

static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Done *done = user_data;

  trellis_classroom_request_finish (TRELLIS_CLASSROOM (source), result, &done->error);
  done->done = TRUE;
}

static void
wait_done (Done *done)
{
  tr_test_gtk_iterate_until (tr_test_flag_set, &done->done, WAIT_S);
}

/* Conditions on a client's latest session object. */

typedef struct
{
  TrellisClassroom *classroom;
  const char       *node;      /* the step's node, or NULL for "no step" */
  gboolean          revealed;
  gint64            votes;
  gboolean          ended;
} Expect;

static gboolean
session_matches (gpointer data)
{
  Expect *expect = data;
  JsonObject *session = trellis_classroom_get_session (expect->classroom);
  JsonObject *step = trellis_classroom_session_get_step (session);

  if (session == NULL)
    return FALSE;
  if (expect->ended)
    return trellis_classroom_is_ended (expect->classroom);
  if (expect->node == NULL)
    return step == NULL;
  return step != NULL &&
         g_strcmp0 (json_object_get_string_member_with_default (step, "node", NULL), expect->node) == 0 &&
         json_object_get_boolean_member_with_default (step, "revealed", FALSE) == expect->revealed &&
         (expect->votes < 0 || json_object_get_int_member_with_default (step, "votes", -1) == expect->votes);
}

static void
wait_for_step (TrellisClassroom *classroom,
               const char       *node,
               gboolean          revealed,
               gint64            votes)
{
  Expect expect = { classroom, node, revealed, votes, FALSE };

  tr_test_gtk_iterate_until (session_matches, &expect, WAIT_S);
}

static void
wait_for_end (TrellisClassroom *classroom)
{
  Expect expect = { classroom, NULL, FALSE, -1, TRUE };

  tr_test_gtk_iterate_until (session_matches, &expect, WAIT_S);
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return tr_test_gtk_find_label (wait->root, wait->text) != NULL;
}

static void
wait_for_label (GtkWidget  *root,
                const char *text)
{
  LabelWait wait = { root, text };

  tr_test_gtk_iterate_until (label_shown, &wait, WAIT_S);
}

typedef struct
{
  TrellisClassroomVote *view;
  const char           *page;
} PageWait;

static gboolean
page_shown (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (trellis_classroom_vote_get_page (wait->view), wait->page) == 0;
}

static void
wait_for_page (GtkWidget  *view,
               const char *page)
{
  PageWait wait = { TRELLIS_CLASSROOM_VOTE (view), page };

  tr_test_gtk_iterate_until (page_shown, &wait, WAIT_S);
}

static gboolean
is_live (gpointer data)
{
  return trellis_classroom_get_live (data);
}

static gboolean
is_not_live (gpointer data)
{
  return !trellis_classroom_get_live (data);
}

static GtkWidget *
find_of_type (GtkWidget *root,
              GType      type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  tr_test_gtk_collect (root, type, found);
  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

/* The learner's own events of the session, in order. */
static GPtrArray *
session_events (TrellisProgressStore *store,
                const char           *classroom_id)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < tr_test_store_n_events (store); i++)
    {
      const TrEvent *event = tr_test_store_get_event (store, i);

      if (g_strcmp0 (tr_event_result_string (event, "classroom"), classroom_id) == 0)
        g_ptr_array_add (found, (gpointer) event);
    }
  return found;
}

static void
assert_group_progress (TrellisProgressStore *store,
                       const char           *classroom_id)
{
  static const char * const nodes[] = { "remark", "after-class", "what-next" };
  static const char * const choices[] = { "pause-and-ask", "ask-curious", "agree-and-consult" };
  g_autoptr(GPtrArray) events = session_events (store, classroom_id);
  const TrEvent *completed;

  g_assert_cmpuint (events->len, ==, 4);
  for (guint i = 0; i < 3; i++)
    {
      const TrEvent *event = g_ptr_array_index (events, i);
      g_autofree char *object = g_strconcat ("scenario/corridor-remark/node/", nodes[i], NULL);

      g_assert_cmpint (event->verb, ==, TR_VERB_CHOSE);
      g_assert_cmpstr (event->course_id, ==, "example-course");
      g_assert_cmpstr (event->object, ==, object);
      g_assert_cmpstr (tr_event_result_string (event, "choice"), ==, choices[i]);
    }
  completed = g_ptr_array_index (events, 3);
  g_assert_cmpint (completed->verb, ==, TR_VERB_COMPLETED);
  g_assert_cmpstr (completed->object, ==, "scenario/corridor-remark");
  g_assert_cmpstr (tr_event_result_string (completed, "ending"), ==, "good-ending");
  g_assert_cmpstr (tr_event_result_string (completed, "verdict"), ==, "good");
}

static void
attendance_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(GBytes **) user_data = trellis_classroom_get_attendance_csv_finish (TRELLIS_CLASSROOM (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
bytes_set (gpointer data)
{
  return *(GBytes **) data != NULL;
}

static gboolean
has_events (gpointer data)
{
  gpointer *args = data;
  g_autoptr(GPtrArray) events = session_events (args[0], args[1]);

  return events->len >= 4;
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return tr_test_gtk_find_dialog (data) != NULL;
}

static void
test_session (void)
{
  g_autoptr(Client) trainer = NULL;
  g_autoptr(Client) sam = NULL;
  g_autoptr(Client) lotte = NULL;
  g_autofree char *code = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GBytes) csv = NULL;
  GtkWidget *window, *join, *view, *chart;
  JsonObject *session;
  Done done = { 0 };
  gpointer args[2];

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }

  /* The trainer starts the session for the course: the live view shows
   * the code to join with. */
  g_test_message ("The trainer starts the session for the course");
  trainer = client_new ("trainer", "noor@example.org", NULL);
  window = trellis_classroom_window_new (trainer->classroom, TR_LANG_EN);
  gtk_window_present (GTK_WINDOW (window));
  trellis_classroom_window_start (TRELLIS_CLASSROOM_WINDOW (window), "example-course");
  wait_for_label (window, "Nobody has joined yet.");
  session = trellis_classroom_get_session (trainer->classroom);
  code = g_strdup (json_object_get_string_member (session, "code"));
  id = g_strdup (trellis_classroom_get_id (trainer->classroom));
  g_assert_cmpuint (strlen (code), ==, 6);
  g_assert_true (trellis_classroom_is_trainer (trainer->classroom));
  g_assert_nonnull (tr_test_gtk_find_label (window, code));
  tr_test_gtk_iterate_until (is_live, trainer->classroom, WAIT_S);

  /* A learner joins in the join window, typing the code as it comes. */
  g_test_message ("A learner joins in the join window, typing the code as it comes.");
  {
    g_autofree char *server_code = tr_test_server_create_code (server, INSTITUTE, NULL);
    g_autofree char *typed = g_strdup_printf (" %c%c%c-%c%c%c ", g_ascii_tolower (code[0]), code[1], code[2], code[3],
                                              g_ascii_tolower (code[4]), code[5]);

    sam = client_new ("Sam Jansen", "sam@example.org", server_code);
    join = trellis_classroom_join_new (sam->classroom, TR_LANG_EN);
    gtk_window_present (GTK_WINDOW (join));
    trellis_classroom_join_set_code (TRELLIS_CLASSROOM_JOIN (join), typed);
    tr_test_gtk_click (tr_test_gtk_find_button (join, "_Join"));
  }
  view = trellis_classroom_join_get_view (TRELLIS_CLASSROOM_JOIN (join));
  wait_for_page (view, "waiting");
  g_assert_false (trellis_classroom_is_trainer (sam->classroom));
  tr_test_gtk_iterate_until (is_live, sam->classroom, WAIT_S);
  /* The trainer sees them over the WebSocket. */
  g_test_message ("The trainer sees them over the WebSocket.");
  wait_for_label (window, "1 Participant");

  /* Another joins with an app that only polls. */
  g_test_message ("Another joins with an app that only polls.");
  lotte = client_new ("Lotte de Vries", "lotte@example.org", NULL);
  trellis_classroom_set_websocket_enabled (lotte->classroom, FALSE);
  trellis_classroom_join_async (lotte->classroom, code, NULL, request_done_cb, &done);
  wait_done (&done);
  g_assert_no_error (done.error);
  wait_for_label (window, "2 Participants");
  g_assert_false (trellis_classroom_get_live (lotte->classroom));

  /* The trainer closes the window and keeps the session running, then
   * starts a session of the course again: it is the same one. */
  g_test_message ("The trainer closes the window, keeps the session running and comes back to it.");
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  tr_test_gtk_iterate_until (dialog_shown, window, WAIT_S);
  g_assert_nonnull (window);
  adw_message_dialog_response (tr_test_gtk_find_dialog (GTK_WINDOW (window)), "keep");
  tr_test_gtk_iterate_until (pointer_cleared, &window, WAIT_S);
  trellis_classroom_leave (trainer->classroom);
  g_clear_object (&trainer->classroom);
  trainer->classroom = trellis_classroom_new (trainer->sync, trainer->store, library);
  window = trellis_classroom_window_new (trainer->classroom, TR_LANG_EN);
  gtk_window_present (GTK_WINDOW (window));
  trellis_classroom_window_start (TRELLIS_CLASSROOM_WINDOW (window), "example-course");
  wait_for_label (window, "2 Participants");
  g_assert_true (trellis_classroom_get_resumed (trainer->classroom));
  g_assert_cmpstr (trellis_classroom_get_id (trainer->classroom), ==, id);
  g_assert_nonnull (tr_test_gtk_find_label (window, code));
  tr_test_gtk_iterate_until (is_live, trainer->classroom, WAIT_S);

  /* The server goes away: the sockets close unexpectedly, the apps poll
   * and try the socket again until it is back. */
  g_test_message ("The server goes away and comes back.");
  tr_test_server_kill (server);
  tr_test_gtk_iterate_until (is_not_live, sam->classroom, WAIT_S);
  tr_test_gtk_iterate_until (is_not_live, trainer->classroom, WAIT_S);
  tr_test_server_restart (server);
  tr_test_gtk_iterate_until (is_live, sam->classroom, WAIT_S);
  tr_test_gtk_iterate_until (is_live, trainer->classroom, WAIT_S);

  /* The trainer shows the scenario's first decision; both see it. */
  g_test_message ("The trainer shows the scenario's first decision; both see it.");
  g_assert_true (gtk_widget_activate_action (window, "classroom.show-scenario", NULL));
  wait_for_page (view, "step");
  g_assert_true (tr_test_gtk_shows_text (view, "People like that deserve a beating."));
  wait_for_step (lotte->classroom, "remark", FALSE, -1);

  /* Both vote; the trainer sees how many, not yet how. */
  g_test_message ("Both vote; the trainer sees how many, not yet how.");
  tr_test_gtk_click (tr_test_gtk_find_button (view, "1. " PAUSE_TEXT));
  done = (Done) { 0 };
  trellis_classroom_vote_async (lotte->classroom, "walk-on", NULL, request_done_cb, &done);
  wait_done (&done);
  g_assert_no_error (done.error);
  wait_for_label (window, "2 of 2 voted");
  wait_for_label (view, "Your vote is in. You can change it until the group moves on.");
  chart = find_of_type (window, TRELLIS_TYPE_VOTE_CHART);
  g_assert_false (trellis_vote_chart_get_revealed (TRELLIS_VOTE_CHART (chart)));
  g_assert_null (find_of_type (view, TRELLIS_TYPE_VOTE_CHART));

  /* Revealed: the same anonymous counts everywhere. */
  g_test_message ("Revealed: the same anonymous counts everywhere.");
  g_assert_true (gtk_widget_activate_action (window, "classroom.reveal", NULL));
  wait_for_step (trainer->classroom, "remark", TRUE, 2);
  wait_for_step (sam->classroom, "remark", TRUE, -1);
  wait_for_step (lotte->classroom, "remark", TRUE, -1);
  tr_test_gtk_iterate_for (50);
  chart = find_of_type (view, TRELLIS_TYPE_VOTE_CHART);
  g_assert_nonnull (chart);
  g_assert_cmpint (trellis_vote_chart_get_count (TRELLIS_VOTE_CHART (chart), 0), ==, 1);
  g_assert_cmpint (trellis_vote_chart_get_count (TRELLIS_VOTE_CHART (chart), 2), ==, 1);
  chart = find_of_type (window, TRELLIS_TYPE_VOTE_CHART);
  g_assert_true (trellis_vote_chart_get_revealed (TRELLIS_VOTE_CHART (chart)));

  /* The trainer moves the group on, along the way to the good ending. */
  g_test_message ("The trainer moves the group on, along the way to the good ending.");
  g_assert_true (gtk_widget_activate_action (window, "classroom.move-on", "s", "pause-and-ask"));
  wait_for_step (sam->classroom, "after-class", FALSE, -1);
  g_assert_nonnull (tr_test_gtk_find_label (view, "A remark in the corridor: decision 2"));
  g_assert_true (gtk_widget_activate_action (window, "classroom.move-on", "s", "ask-curious"));
  wait_for_step (trainer->classroom, "what-next", FALSE, 0);
  g_assert_true (gtk_widget_activate_action (window, "classroom.move-on", "s", "agree-and-consult"));
  wait_for_page (view, "ending");
  g_assert_nonnull (tr_test_gtk_find_label (view, "Good outcome"));
  wait_for_label (window, "Good outcome");

  /* Each learner's own progress holds the group's way, once. */
  g_test_message ("Each learner's own progress holds the group's way, once.");
  args[0] = sam->store;
  args[1] = id;
  tr_test_gtk_iterate_until (has_events, args, WAIT_S);
  assert_group_progress (sam->store, id);
  args[0] = lotte->store;
  tr_test_gtk_iterate_until (has_events, args, WAIT_S);
  assert_group_progress (lotte->store, id);
  g_assert_cmpuint (tr_test_store_n_events (trainer->store), ==, 0);

  /* Presence: the trainer's view knows when each app was last seen. */
  g_test_message ("Presence: the trainer's view knows when each app was last seen.");
  {
    JsonArray *participants = json_object_get_array_member (trellis_classroom_get_session (trainer->classroom),
                                                            "participants");

    g_assert_cmpuint (json_array_get_length (participants), ==, 2);
    for (guint i = 0; i < 2; i++)
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (participants, i), "last_seen"),
                       >, 0);
  }

  /* The trainer ends the session: everyone sees it end. */
  g_test_message ("The trainer ends the session: everyone sees it end.");
  done = (Done) { 0 };
  trellis_classroom_end_async (trainer->classroom, NULL, request_done_cb, &done);
  wait_done (&done);
  g_assert_no_error (done.error);
  wait_for_page (view, "ended");
  wait_for_end (lotte->classroom);
  g_assert_true (tr_test_gtk_has_button (window, "E_xport Attendance…"));

  /* The attendance, in CSV. */
  g_test_message ("The attendance, in CSV.");
  trellis_classroom_get_attendance_csv_async (trainer->classroom, NULL, attendance_cb, &csv);
  tr_test_gtk_iterate_until (bytes_set, &csv, WAIT_S);
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (csv, NULL), g_bytes_get_size (csv));

    g_test_message ("attendance:\n%s", text);
    g_assert_true (g_str_has_prefix (text, "participant_id,name,joined,"));
    g_assert_nonnull (strstr (text, "Sam Jansen"));
    g_assert_nonnull (strstr (text, "Lotte de Vries"));
  }

  /* The code no longer works. */
  g_test_message ("The code no longer works.");
  {
    g_autoptr(TrellisClassroom) late = trellis_classroom_new (lotte->sync, lotte->store, library);

    done = (Done) { 0 };
    trellis_classroom_join_async (late, code, NULL, request_done_cb, &done);
    wait_done (&done);
    g_assert_error (done.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
    g_clear_error (&done.error);
    done = (Done) { 0 };
    trellis_classroom_join_async (late, "ZZZ-ZZZ", NULL, request_done_cb, &done);
    wait_done (&done);
    g_assert_error (done.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_clear_error (&done.error);
  }

  /* An ended session's window closes without asking. */
  gtk_window_destroy (GTK_WINDOW (join));
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  tr_test_gtk_iterate_until (pointer_cleared, &window, WAIT_S);
  tr_test_gtk_iterate_for (100);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *source = NULL;
  g_autofree char *copy = NULL;
  TrTestServerOptions options = { 0 };
  int status;

  tr_test_init_gui (&argc, &argv);
  /* No keyring: the token goes to a file. No proxy for loopback. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/trellis-test-bus", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  source = tr_test_fixture_path ("example-course", NULL);
  copy = tr_test_copy_tree (source);
  courses_dir = g_path_get_dirname (copy);

  g_test_add_func ("/classroom/session", test_session);

  if (tr_test_gtk_init ())
    {
      library = trellis_course_library_new (courses_dir);
      trellis_course_library_load_async (library, NULL, NULL, NULL);
      server = tr_test_server_new ("classroom-test");
      tr_test_server_add_institute (server, INSTITUTE);
      tr_test_server_add_user (server, INSTITUTE, "trainer", "Noor Bakker", "noor@example.org", PASSWORD);
      tr_test_server_add_user (server, INSTITUTE, "learner", "Lotte de Vries", "lotte@example.org", PASSWORD);
      options.courses_dir = courses_dir;
      tr_test_server_start (server, &options);
    }
  status = g_test_run ();

  if (server != NULL)
    tr_test_server_free (server, status == 0);
  g_clear_object (&library);
  tr_test_remove_tree (courses_dir);
  g_free (courses_dir);
  return status;
}
