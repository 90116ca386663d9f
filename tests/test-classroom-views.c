/* test-classroom-views.c: the trainer's live view and a participant's vote
 * view, filled from session objects as docs/api.md shows them, and the
 * requests their buttons make
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tr-test-gtk.h"
#include "tr-test-store.h"
#include "tr-test-util.h"
#include "trellis-application.h"
#include "trellis-block-view.h"
#include "trellis-classroom-join.h"
#include "trellis-classroom-vote.h"
#include "trellis-classroom-window.h"
#include "trellis-qr-code.h"
#include "trellis-vote-chart.h"

#define WAIT_S     30
#define JOIN_URL   "https://learn.example.org/join/K7PQM3"
#define PAUSE_TEXT "Stop, say calmly that you heard it, and ask Sam to come by after the last lesson."

static TrellisCourseLibrary *library;
static char *courses_dir;

/* What the controller sends, seen through its "request" signal. */
typedef struct
{
  char *method;
  char *path;
  char *body;
} Request;

static void
request_cb (TrellisClassroom *classroom,
            const char       *method,
            const char       *path,
            JsonNode         *body,
            GPtrArray        *requests)
{
  Request *request = g_new0 (Request, 1);

  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->body = body != NULL ? json_to_string (body, FALSE) : NULL;
  g_ptr_array_add (requests, request);
}

static void
request_free (Request *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->body);
  g_free (request);
}

static const Request *
last_request (GPtrArray *requests)
{
  g_assert_cmpuint (requests->len, >, 0);
  return g_ptr_array_index (requests, requests->len - 1);
}

/* The body's JSON, compared as JSON. */
static void
assert_body (const Request *request,
             const char    *expected)
{
  g_autoptr(JsonNode) got = json_from_string (request->body, NULL);
  g_autoptr(JsonNode) want = json_from_string (expected, NULL);

  g_assert_nonnull (got);
  g_assert_nonnull (want);
  if (!json_node_equal (got, want))
    g_error ("body %s, expected %s", request->body, expected);
}

static gboolean
library_loaded (gpointer data)
{
  return !trellis_course_library_get_loading (data) &&
         g_list_model_get_n_items (trellis_course_library_get_courses (data)) > 0;
}

/* Session objects, with times around now as the server sends them. */
static JsonObject *
session_from (const char *format,
              ...)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static JsonObject *
trainer_session (const char *step,
                 const char *ended)
{
  gint64 now = g_get_real_time () / 1000;

  return session_from ("{ \"id\": \"s1\", \"code\": \"K7PQM3\", \"course\": \"example-course\","
                       "  \"trainer\": \"Noor Bakker\", \"started\": %" G_GINT64_FORMAT ", \"ended\": %s,"
                       "  \"join_url\": \"" JOIN_URL "\", \"role\": \"trainer\", \"step\": %s,"
                       "  \"participants\": ["
                       "    { \"id\": \"p1\", \"name\": \"Sam Jansen\", \"joined\": %" G_GINT64_FORMAT ","
                       "      \"position\": { \"verb\": \"experienced\", \"object\": \"lesson/first-signals\","
                       "                      \"timestamp\": %" G_GINT64_FORMAT " },"
                       "      \"last_sync\": %" G_GINT64_FORMAT ", \"pending\": 3,"
                       "      \"last_seen\": %" G_GINT64_FORMAT ", \"voted\": true },"
                       "    { \"id\": \"p2\", \"name\": \"Lotte de Vries\", \"joined\": %" G_GINT64_FORMAT ","
                       "      \"position\": null, \"last_sync\": 0, \"pending\": 0,"
                       "      \"last_seen\": %" G_GINT64_FORMAT ", \"voted\": false } ] }",
                       now - 600000, ended, step,
                       now - 500000, now - 400000, now - 150000, now - 4000,
                       now - 450000, now - 120000);
}

#define STEP_HIDDEN \
  "{ \"scenario\": \"corridor-remark\", \"node\": \"remark\", \"revealed\": false, \"path\": [], \"votes\": 2," \
  "  \"choices\": [ { \"id\": \"pause-and-ask\", \"count\": 2 }, { \"id\": \"reprimand\", \"count\": 0 }," \
  "                 { \"id\": \"walk-on\", \"count\": 0 } ] }"
#define STEP_REVEALED \
  "{ \"scenario\": \"corridor-remark\", \"node\": \"remark\", \"revealed\": true, \"path\": [], \"votes\": 2," \
  "  \"choices\": [ { \"id\": \"pause-and-ask\", \"count\": 1 }, { \"id\": \"reprimand\", \"count\": 0 }," \
  "                 { \"id\": \"walk-on\", \"count\": 1 } ] }"
#define STEP_ENDING \
  "{ \"scenario\": \"corridor-remark\", \"node\": \"good-ending\", \"revealed\": false, \"ending\": true," \
  "  \"path\": [ { \"node\": \"remark\", \"choice\": \"pause-and-ask\" }," \
  "             { \"node\": \"after-class\", \"choice\": \"ask-curious\" }," \
  "             { \"node\": \"what-next\", \"choice\": \"agree-and-consult\" } ]," \
  "  \"votes\": 0, \"choices\": [] }"

static AdwActionRow *
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

static GtkWidget *
find_of_type (GtkWidget *root,
              GType      type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  tr_test_gtk_collect (root, type, found);
  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

static gboolean
label_shown_containing (GtkWidget  *root,
                        const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  tr_test_gtk_collect (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_label (g_ptr_array_index (labels, i)), text) != NULL)
      return TRUE;
  return FALSE;
}

static TrellisClassroom *
new_classroom (TrellisProgressStore *store,
               TrellisSync          *sync,
               GPtrArray            *requests)
{
  TrellisClassroom *classroom = trellis_classroom_new (sync, store, library);

  g_signal_connect (classroom, "request", G_CALLBACK (request_cb), requests);
  return classroom;
}

static void
test_trainer_window (void)
{
  g_autoptr(TrellisProgressStore) store = NULL;
  g_autoptr(TrellisSync) sync = NULL;
  g_autoptr(TrellisClassroom) classroom = NULL;
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  g_autoptr(JsonObject) session = NULL;
  GtkWidget *window, *chart;
  AdwActionRow *sam, *lotte;
  const char *subtitle;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  store = tr_test_store_new_temp ("classroom-trainer");
  sync = trellis_sync_new (store);
  classroom = new_classroom (store, sync, requests);
  window = trellis_classroom_window_new (classroom, TR_LANG_EN);
  gtk_window_present (GTK_WINDOW (window));

  /* Before any step: the code, the QR code of the join address, who joined. */
  session = trainer_session ("null", "null");
  trellis_classroom_window_show_session (TRELLIS_CLASSROOM_WINDOW (window), session);
  tr_test_gtk_iterate_for (50);
  g_assert_nonnull (tr_test_gtk_find_label (window, "K7PQM3"));
  g_assert_nonnull (tr_test_gtk_find_label (window, JOIN_URL));
  g_assert_cmpstr (trellis_qr_code_area_get_text (GTK_DRAWING_AREA (find_of_type (window, GTK_TYPE_DRAWING_AREA))),
                   ==, JOIN_URL);
  g_assert_nonnull (tr_test_gtk_find_label (window, "2 Participants"));
  g_assert_true (label_shown_containing (window, "Pick a scenario"));

  /* Participants: names, places as the course names them, sync, pending,
   * and who is offline. */
  sam = find_row (window, "Sam Jansen");
  lotte = find_row (window, "Lotte de Vries");
  g_assert_nonnull (sam);
  g_assert_nonnull (lotte);
  subtitle = adw_action_row_get_subtitle (sam);
  g_test_message ("Sam: %s", subtitle);
  g_assert_nonnull (strstr (subtitle, "Lesson “First signals”"));
  g_assert_nonnull (strstr (subtitle, "synced 2 min ago"));
  g_assert_nonnull (strstr (subtitle, "3 events not sent yet"));
  g_assert_null (tr_test_gtk_find_label (GTK_WIDGET (sam), "Offline"));
  g_assert_nonnull (tr_test_gtk_find_label (GTK_WIDGET (sam), "Voted"));
  subtitle = adw_action_row_get_subtitle (lotte);
  g_assert_nonnull (strstr (subtitle, "Not started yet"));
  g_assert_nonnull (strstr (subtitle, "never synced"));
  g_assert_nonnull (tr_test_gtk_find_label (GTK_WIDGET (lotte), "Offline"));
  g_assert_null (tr_test_gtk_find_label (GTK_WIDGET (lotte), "Voted"));

  /* Showing a scenario to the group asks for its start. */
  g_assert_true (gtk_widget_activate_action (window, "classroom.show-scenario", NULL));
  g_assert_cmpstr (last_request (requests)->path, ==, "/classrooms/s1/step");
  assert_body (last_request (requests), "{\"scenario\": \"corridor-remark\", \"node\": \"remark\"}");

  /* A decision point: its situation, how many voted, the bars hidden. */
  g_clear_pointer (&session, json_object_unref);
  session = trainer_session (STEP_HIDDEN, "null");
  trellis_classroom_window_show_session (TRELLIS_CLASSROOM_WINDOW (window), session);
  tr_test_gtk_iterate_for (50);
  g_assert_true (tr_test_gtk_shows_text (window, "People like that deserve a beating."));
  g_assert_nonnull (tr_test_gtk_find_label (window, "2 of 2 voted"));
  g_assert_nonnull (tr_test_gtk_find_label (window, "A remark in the corridor: decision 1"));
  chart = find_of_type (window, TRELLIS_TYPE_VOTE_CHART);
  g_assert_nonnull (chart);
  g_assert_cmpuint (trellis_vote_chart_get_n_choices (TRELLIS_VOTE_CHART (chart)), ==, 3);
  g_assert_cmpstr (trellis_vote_chart_get_label (TRELLIS_VOTE_CHART (chart), 0), ==, PAUSE_TEXT);
  g_assert_false (trellis_vote_chart_get_revealed (TRELLIS_VOTE_CHART (chart)));
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (trellis_vote_chart_get_count (TRELLIS_VOTE_CHART (chart), i), ==, -1);
  g_assert_true (tr_test_gtk_has_button (window, "_Reveal Votes"));
  g_assert_true (tr_test_gtk_has_button (window, "1. " PAUSE_TEXT));

  /* Reveal, and moving on along a choice, are requests of the trainer. */
  tr_test_gtk_click (tr_test_gtk_find_button (window, "_Reveal Votes"));
  g_assert_cmpstr (last_request (requests)->path, ==, "/classrooms/s1/reveal");
  assert_body (last_request (requests), "{\"revealed\": true}");
  tr_test_gtk_click (tr_test_gtk_find_button (window, "1. " PAUSE_TEXT));
  g_assert_cmpstr (last_request (requests)->path, ==, "/classrooms/s1/step");
  assert_body (last_request (requests), "{\"choice\": \"pause-and-ask\"}");

  /* Revealed: the bars show counts, never names. */
  g_clear_pointer (&session, json_object_unref);
  session = trainer_session (STEP_REVEALED, "null");
  trellis_classroom_window_show_session (TRELLIS_CLASSROOM_WINDOW (window), session);
  tr_test_gtk_iterate_for (50);
  g_assert_true (find_of_type (window, TRELLIS_TYPE_VOTE_CHART) == chart);
  g_assert_true (trellis_vote_chart_get_revealed (TRELLIS_VOTE_CHART (chart)));
  g_assert_cmpint (trellis_vote_chart_get_count (TRELLIS_VOTE_CHART (chart), 0), ==, 1);
  g_assert_cmpint (trellis_vote_chart_get_count (TRELLIS_VOTE_CHART (chart), 1), ==, 0);
  g_assert_cmpint (trellis_vote_chart_get_count (TRELLIS_VOTE_CHART (chart), 2), ==, 1);
  g_assert_true (tr_test_gtk_has_button (window, "_Hide Votes"));

  /* An ending: its text and verdict, nothing to vote on. */
  g_clear_pointer (&session, json_object_unref);
  session = trainer_session (STEP_ENDING, "null");
  trellis_classroom_window_show_session (TRELLIS_CLASSROOM_WINDOW (window), session);
  tr_test_gtk_iterate_for (50);
  g_assert_nonnull (tr_test_gtk_find_label (window, "Good outcome"));
  g_assert_true (tr_test_gtk_shows_text (window, "The relationship is the intervention."));
  g_assert_null (find_of_type (window, TRELLIS_TYPE_VOTE_CHART));
  g_assert_false (tr_test_gtk_has_button (window, "1. " PAUSE_TEXT));

  /* Ended: the attendance can be exported, the session not ended again. */
  g_assert_true (tr_test_gtk_has_button (window, "_End Session"));
  g_clear_pointer (&session, json_object_unref);
  session = trainer_session (STEP_ENDING, "1805031320000");
  trellis_classroom_window_show_session (TRELLIS_CLASSROOM_WINDOW (window), session);
  tr_test_gtk_iterate_for (50);
  g_assert_false (tr_test_gtk_has_button (window, "_End Session"));
  g_assert_true (tr_test_gtk_has_button (window, "E_xport Attendance…"));
  g_assert_true (label_shown_containing (window, "This session has ended"));

  /* A trainer's device records nothing of the group's way. */
  g_assert_cmpuint (tr_test_store_n_events (store), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  tr_test_gtk_iterate_for (50);
}

static JsonObject *
participant_session (const char *step,
                     const char *ended)
{
  return session_from ("{ \"id\": \"s1\", \"code\": \"K7PQM3\", \"course\": \"example-course\","
                       "  \"trainer\": \"Noor Bakker\", \"started\": 1805018720000, \"ended\": %s,"
                       "  \"join_url\": \"" JOIN_URL "\", \"role\": \"participant\", \"step\": %s }",
                       ended, step);
}

#define PSTEP(node, path, my_vote, revealed, counts) \
  "{ \"scenario\": \"corridor-remark\", \"node\": \"" node "\", \"revealed\": " revealed "," \
  "  \"path\": [" path "], \"votes\": 2, \"my_vote\": " my_vote "," \
  "  \"choices\": " counts " }"
#define COUNTS_NULL \
  "[ { \"id\": \"pause-and-ask\", \"count\": null }, { \"id\": \"reprimand\", \"count\": null }," \
  "  { \"id\": \"walk-on\", \"count\": null } ]"
#define COUNTS_SHOWN \
  "[ { \"id\": \"pause-and-ask\", \"count\": 3 }, { \"id\": \"reprimand\", \"count\": 1 }," \
  "  { \"id\": \"walk-on\", \"count\": 0 } ]"
#define PATH_1 "{ \"node\": \"remark\", \"choice\": \"pause-and-ask\" }"
#define COUNTS_AFTER \
  "[ { \"id\": \"ask-curious\", \"count\": null }, { \"id\": \"lecture\", \"count\": null } ]"

static guint
count_events (TrellisProgressStore *store,
              TrVerb                verb)
{
  guint n = 0;

  for (guint i = 0; i < tr_test_store_n_events (store); i++)
    if (tr_test_store_get_event (store, i)->verb == verb)
      n++;
  return n;
}

static void
test_vote_view (void)
{
  g_autoptr(TrellisProgressStore) store = NULL;
  g_autoptr(TrellisSync) sync = NULL;
  g_autoptr(TrellisClassroom) classroom = NULL;
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  g_autoptr(JsonObject) session = NULL;
  GtkWidget *window, *view, *chart;
  const TrEvent *event;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  store = tr_test_store_new_temp ("classroom-vote");
  sync = trellis_sync_new (store);
  classroom = new_classroom (store, sync, requests);
  window = gtk_window_new ();
  view = trellis_classroom_vote_new (classroom, TR_LANG_EN);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));

  /* Nothing shown yet: waiting, with who leads the session. */
  session = participant_session ("null", "null");
  trellis_classroom_vote_show_session (TRELLIS_CLASSROOM_VOTE (view), session);
  g_assert_cmpstr (trellis_classroom_vote_get_page (TRELLIS_CLASSROOM_VOTE (view)), ==, "waiting");
  g_assert_nonnull (tr_test_gtk_find_label (view,
                                            "Session: A remark in the corridor: a first response with Noor Bakker"));

  /* A decision point: the situation and a button per choice, no chart. */
  g_clear_pointer (&session, json_object_unref);
  session = participant_session (PSTEP ("remark", "", "null", "false", COUNTS_NULL), "null");
  trellis_classroom_vote_show_session (TRELLIS_CLASSROOM_VOTE (view), session);
  tr_test_gtk_iterate_for (50);
  g_assert_cmpstr (trellis_classroom_vote_get_page (TRELLIS_CLASSROOM_VOTE (view)), ==, "step");
  g_assert_true (tr_test_gtk_shows_text (view, "People like that deserve a beating."));
  g_assert_null (find_of_type (view, TRELLIS_TYPE_VOTE_CHART));
  g_assert_false (label_shown_containing (view, "Your vote is in"));

  /* Voting is a request with the node voted on. */
  tr_test_gtk_click (tr_test_gtk_find_button (view, "1. " PAUSE_TEXT));
  g_assert_cmpstr (last_request (requests)->method, ==, "POST");
  g_assert_cmpstr (last_request (requests)->path, ==, "/classrooms/s1/votes");
  assert_body (last_request (requests), "{\"node\": \"remark\", \"choice\": \"pause-and-ask\"}");
  /* Signed out here, so the vote is refused, and the view says why. */
  tr_test_gtk_iterate_for (100);
  g_assert_true (label_shown_containing (view, "Sign in"));

  /* The vote is in, and can be changed. */
  g_clear_pointer (&session, json_object_unref);
  session = participant_session (PSTEP ("remark", "", "\"reprimand\"", "false", COUNTS_NULL), "null");
  trellis_classroom_vote_show_session (TRELLIS_CLASSROOM_VOTE (view), session);
  g_assert_true (label_shown_containing (view, "Your vote is in."));
  g_assert_true (gtk_widget_has_css_class (tr_test_gtk_find_button (view, "2. Tell him off in front of everyone and "
                                                                          "send him to the deputy head."),
                                           "suggested-action"));
  tr_test_gtk_click (tr_test_gtk_find_button (view, "3. Walk on: teenagers say things like that."));
  assert_body (last_request (requests), "{\"node\": \"remark\", \"choice\": \"walk-on\"}");

  /* Revealed: the same anonymous chart as the trainer's. */
  g_clear_pointer (&session, json_object_unref);
  session = participant_session (PSTEP ("remark", "", "\"reprimand\"", "true", COUNTS_SHOWN), "null");
  trellis_classroom_vote_show_session (TRELLIS_CLASSROOM_VOTE (view), session);
  tr_test_gtk_iterate_for (50);
  chart = find_of_type (view, TRELLIS_TYPE_VOTE_CHART);
  g_assert_nonnull (chart);
  g_assert_true (trellis_vote_chart_get_revealed (TRELLIS_VOTE_CHART (chart)));
  g_assert_cmpint (trellis_vote_chart_get_count (TRELLIS_VOTE_CHART (chart), 0), ==, 3);
  g_assert_cmpint (trellis_vote_chart_get_count (TRELLIS_VOTE_CHART (chart), 1), ==, 1);
  g_assert_cmpint (trellis_vote_chart_get_count (TRELLIS_VOTE_CHART (chart), 2), ==, 0);
  g_assert_cmpuint (count_events (store, TR_VERB_CHOSE), ==, 0);

  /* The group moves on: the next decision, and the learner's own progress
   * records the group's choice, once. */
  g_clear_pointer (&session, json_object_unref);
  session = participant_session (PSTEP ("after-class", PATH_1, "null", "false", COUNTS_AFTER), "null");
  trellis_classroom_vote_show_session (TRELLIS_CLASSROOM_VOTE (view), session);
  trellis_classroom_vote_show_session (TRELLIS_CLASSROOM_VOTE (view), session);
  tr_test_gtk_iterate_for (50);
  g_assert_true (tr_test_gtk_shows_text (view, "After the last lesson Sam knocks on your door."));
  g_assert_nonnull (tr_test_gtk_find_label (view, "A remark in the corridor: decision 2"));
  g_assert_false (label_shown_containing (view, "Your vote is in"));
  g_assert_cmpuint (count_events (store, TR_VERB_CHOSE), ==, 1);
  event = tr_test_store_get_event (store, tr_test_store_n_events (store) - 1);
  g_assert_cmpstr (event->object, ==, "scenario/corridor-remark/node/remark");
  g_assert_cmpstr (event->course_id, ==, "example-course");
  g_assert_cmpstr (tr_event_result_string (event, "choice"), ==, "pause-and-ask");
  g_assert_cmpstr (tr_event_result_string (event, "classroom"), ==, "s1");

  /* The ending: its text; the rest of the way and the completion, once. */
  g_clear_pointer (&session, json_object_unref);
  session = participant_session (STEP_ENDING, "null");
  trellis_classroom_vote_show_session (TRELLIS_CLASSROOM_VOTE (view), session);
  tr_test_gtk_iterate_for (50);
  g_assert_cmpstr (trellis_classroom_vote_get_page (TRELLIS_CLASSROOM_VOTE (view)), ==, "ending");
  g_assert_nonnull (tr_test_gtk_find_label (view, "Good outcome"));
  g_assert_true (tr_test_gtk_shows_text (view, "The relationship is the intervention."));
  g_assert_cmpuint (count_events (store, TR_VERB_CHOSE), ==, 3);
  g_assert_cmpuint (count_events (store, TR_VERB_COMPLETED), ==, 1);
  event = tr_test_store_get_event (store, tr_test_store_n_events (store) - 1);
  g_assert_cmpint (event->verb, ==, TR_VERB_COMPLETED);
  g_assert_cmpstr (event->object, ==, "scenario/corridor-remark");
  g_assert_cmpstr (tr_event_result_string (event, "ending"), ==, "good-ending");
  g_assert_cmpstr (tr_event_result_string (event, "verdict"), ==, "good");
  g_assert_cmpstr (tr_event_result_string (event, "classroom"), ==, "s1");

  /* Ended: a closing message; nothing recorded twice. */
  g_clear_pointer (&session, json_object_unref);
  session = participant_session (STEP_ENDING, "1805031320000");
  trellis_classroom_vote_show_session (TRELLIS_CLASSROOM_VOTE (view), session);
  g_assert_cmpstr (trellis_classroom_vote_get_page (TRELLIS_CLASSROOM_VOTE (view)), ==, "ended");
  g_assert_cmpuint (count_events (store, TR_VERB_CHOSE), ==, 3);
  g_assert_cmpuint (count_events (store, TR_VERB_COMPLETED), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  tr_test_gtk_iterate_for (50);
}

static void
test_join_signed_out (void)
{
  g_autoptr(TrellisProgressStore) store = NULL;
  g_autoptr(TrellisSync) sync = NULL;
  g_autoptr(TrellisClassroom) classroom = NULL;
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  g_autofree char *normal = NULL;
  GtkWidget *window, *sign_in;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  normal = trellis_classroom_normalise_code (" k7pq-m3 ");
  g_assert_cmpstr (normal, ==, "K7PQM3");

  store = tr_test_store_new_temp ("classroom-join");
  sync = trellis_sync_new (store);
  classroom = new_classroom (store, sync, requests);
  window = trellis_classroom_join_new (classroom, TR_LANG_EN);
  gtk_window_present (GTK_WINDOW (window));

  /* No code, no joining. */
  g_assert_false (gtk_widget_get_sensitive (tr_test_gtk_find_button (window, "_Join")));
  g_assert_false (tr_test_gtk_has_button (window, "_Sign In…"));

  /* Signed out: nothing is sent, and the Account window is offered. */
  trellis_classroom_join_set_code (TRELLIS_CLASSROOM_JOIN (window), "k7pq m3");
  tr_test_gtk_click (tr_test_gtk_find_button (window, "_Join"));
  g_assert_cmpuint (requests->len, ==, 0);
  g_assert_true (label_shown_containing (window, "Sign in"));
  sign_in = tr_test_gtk_find_button (window, "_Sign In…");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (sign_in)), ==, "app.account");

  gtk_window_destroy (GTK_WINDOW (window));
  tr_test_gtk_iterate_for (50);
}

static gboolean
app_ready (gpointer data)
{
  TrellisApplication *app = data;

  return !trellis_course_library_get_loading (trellis_application_get_library (app)) &&
         trellis_progress_store_is_open (trellis_application_get_store (app));
}

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

/* The app's actions: joining opens the join window; starting a session
 * while signed out says who may, and offers to sign in. */
static void
test_app_actions (void)
{
  g_autoptr(TrellisApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *join, *dialog;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  app = trellis_application_new ();
  g_application_set_application_id (G_APPLICATION (app), "org.trellis.Trellis.ClassroomTest");
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  tr_test_gtk_iterate_until (app_ready, app, WAIT_S);

  g_action_group_activate_action (G_ACTION_GROUP (app), "join-classroom", NULL);
  join = find_toplevel (TRELLIS_TYPE_CLASSROOM_JOIN);
  g_assert_nonnull (join);
  g_assert_true (tr_test_gtk_has_button (join, "_Join"));
  gtk_window_destroy (GTK_WINDOW (join));

  g_action_group_activate_action (G_ACTION_GROUP (app), "start-classroom", g_variant_new_string ("example-course"));
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Only Trainers Start Sessions");
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "account"));
  g_assert_null (find_toplevel (TRELLIS_TYPE_CLASSROOM_WINDOW));
  gtk_window_destroy (GTK_WINDOW (dialog));
  tr_test_gtk_iterate_for (50);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *source = NULL;
  g_autofree char *copy = NULL;
  int status;

  tr_test_init_gui (&argc, &argv);
  source = tr_test_fixture_path ("example-course", NULL);
  copy = tr_test_copy_tree (source);
  courses_dir = g_path_get_dirname (copy);
  g_setenv ("TRELLIS_COURSES_DIR", courses_dir, TRUE);
  if (tr_test_gtk_init ())
    {
      library = trellis_course_library_new (courses_dir);
      trellis_course_library_load_async (library, NULL, NULL, NULL);
      tr_test_gtk_iterate_until (library_loaded, library, WAIT_S);
    }

  g_test_add_func ("/classroom-views/trainer-window", test_trainer_window);
  g_test_add_func ("/classroom-views/vote-view", test_vote_view);
  g_test_add_func ("/classroom-views/join-signed-out", test_join_signed_out);
  g_test_add_func ("/classroom-views/app-actions", test_app_actions);
  status = g_test_run ();

  g_clear_object (&library);
  tr_test_remove_tree (courses_dir);
  g_free (courses_dir);
  return status;
}
