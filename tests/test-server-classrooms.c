/* test-server-classrooms.c: a trainer and three learners in a classroom
 * session through the real trellis-server, and who may see what of
 * sessions and reports
 *
 * The cases run in order against one server: what an earlier case did, a
 * later one builds on.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-classrooms"

#include <string.h>

#include "tr-course-loader.h"
#include "tr-event.h"
#include "tr-scenario-run.h"
#include "tr-test-http.h"
#include "tr-test-server.h"
#include "tr-test-util.h"

#define INSTITUTE       "Regio Noord"
#define OTHER_INSTITUTE "Regio Zuid"
#define PASSWORD        "a long enough passphrase"
#define N_LEARNERS      3
#define SCENARIO        "corridor-remark"

static struct
{
  TrTestServer *server;
  SoupSession  *session;
  TrCourse     *course;
  char         *trainer;                 /* tokens */
  char         *admin;
  char         *learners[N_LEARNERS];
  char         *learner_ids[N_LEARNERS];
  char         *bystander;               /* a learner of the institute who does not join */
  char         *other_trainer;           /* of the other institute */
  char         *other_learner;
  char         *classroom;               /* the session's id */
  char         *code;
  SoupWebsocketConnection *live;         /* the trainer's live view */
  GPtrArray    *live_messages;           /* JsonNode* */
} t;

static TrTestReply *
call (const char *method,
      const char *path,
      const char *token,
      const char *body)
{
  return tr_test_http (t.session, tr_test_server_get_url (t.server), method, path, token, body);
}

static TrTestReply *
call_classroom (const char *method,
                const char *action,
                const char *token,
                const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/classrooms/%s%s%s", t.classroom,
                                           action != NULL ? "/" : "", action != NULL ? action : "");

  return call (method, path, token, body);
}

static JsonObject *
find_by_id (JsonArray  *array,
            const char *id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (object, "id"), id) == 0)
        return object;
    }
  return NULL;
}

/* The vote count of @choice in a view's step; -1 for null (hidden). */
static gint64
choice_count (JsonObject *view,
              const char *choice)
{
  JsonObject *step = json_object_get_object_member (view, "step");
  JsonObject *entry = find_by_id (json_object_get_array_member (step, "choices"), choice);
  JsonNode *count;

  g_assert_nonnull (entry);
  /* A choice says how many chose it, and nothing of who. */
  g_assert_cmpuint (json_object_get_size (entry), ==, 2);
  count = json_object_get_member (entry, "count");
  return JSON_NODE_HOLDS_NULL (count) ? -1 : json_node_get_int (count);
}

static void
live_message_cb (SoupWebsocketConnection *connection,
                 SoupWebsocketDataType    type,
                 GBytes                  *message,
                 gpointer                 user_data)
{
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);
  g_autofree char *text = g_strndup (data, size);
  JsonNode *node = json_from_string (text, &error);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_assert_no_error (error);
  g_ptr_array_add (t.live_messages, node);
}

typedef gboolean (*LivePredicate) (JsonObject *view, gconstpointer data);

/* Waits until the live view sends a state that satisfies @predicate, and
 * returns it (owned by t.live_messages). */
static JsonObject *
wait_live (LivePredicate  predicate,
           gconstpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint seen = 0;

  while (g_get_monotonic_time () < deadline)
    {
      for (; seen < t.live_messages->len; seen++)
        {
          JsonObject *view = json_node_get_object (g_ptr_array_index (t.live_messages, seen));

          if (predicate (view, data))
            return view;
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_error ("the live view did not show the expected state in 10 s (%u messages)", t.live_messages->len);
  return NULL;
}

static gboolean
has_participants (JsonObject    *view,
                  gconstpointer  data)
{
  return json_object_has_member (view, "participants") &&
         json_array_get_length (json_object_get_array_member (view, "participants")) == GPOINTER_TO_UINT (data);
}

static gboolean
first_at_lesson (JsonObject    *view,
                 gconstpointer  data)
{
  JsonObject *participant = find_by_id (json_object_get_array_member (view, "participants"), t.learner_ids[0]);
  JsonNode *position = participant != NULL ? json_object_get_member (participant, "position") : NULL;

  return position != NULL && JSON_NODE_HOLDS_OBJECT (position) &&
         g_strcmp0 (json_object_get_string_member (json_node_get_object (position), "object"), data) == 0;
}

/* The first learner at the lesson @data, and the second's presence (7
 * changes waiting): two changes that may reach the trainer in one message
 * or in two. */
static gboolean
progress_and_presence (JsonObject    *view,
                       gconstpointer  data)
{
  JsonObject *second = find_by_id (json_object_get_array_member (view, "participants"), t.learner_ids[1]);

  return first_at_lesson (view, data) && second != NULL && json_object_get_int_member (second, "pending") == 7;
}

static gboolean
has_votes (JsonObject    *view,
           gconstpointer  data)
{
  JsonNode *step = json_object_get_member (view, "step");

  return step != NULL && JSON_NODE_HOLDS_OBJECT (step) &&
         json_object_get_int_member (json_node_get_object (step), "votes") == GPOINTER_TO_INT (data);
}

static gboolean
is_ended (JsonObject    *view,
          gconstpointer  data)
{
  return !JSON_NODE_HOLDS_NULL (json_object_get_member (view, "ended"));
}

/* ----------------------------------------------------------------------- */

static void
setup (void)
{
  g_autofree char *fixture = tr_test_fixture_path ("example-course", NULL);
  g_autofree char *course_dir = tr_test_copy_tree (fixture);
  g_autofree char *courses_dir = g_path_get_dirname (course_dir);
  g_autofree char *code = NULL;
  g_autofree char *other_code = NULL;
  g_autoptr(GError) error = NULL;
  TrTestServerOptions options = { 0 };
  const char *url;

  t.server = tr_test_server_new ("server-classrooms");
  t.course = tr_course_load_valid (course_dir, &error);
  g_assert_no_error (error);
  tr_test_server_add_institute (t.server, INSTITUTE);
  tr_test_server_add_institute (t.server, OTHER_INSTITUTE);
  tr_test_server_add_user (t.server, INSTITUTE, "trainer", "Noor Bakker", "noor@example.org", PASSWORD);
  tr_test_server_add_user (t.server, INSTITUTE, "admin", "Ada Admin", "ada@example.org", PASSWORD);
  tr_test_server_add_user (t.server, INSTITUTE, "learner", "Bo Bystander", "bo@example.org", PASSWORD);
  tr_test_server_add_user (t.server, OTHER_INSTITUTE, "trainer", "Zoe Zuid", "zoe@example.org", PASSWORD);
  tr_test_server_add_user (t.server, OTHER_INSTITUTE, "learner", "Zed Zuid", "zed@example.org", PASSWORD);
  for (guint i = 0; i < N_LEARNERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Learner %u", i + 1);
      g_autofree char *email = g_strdup_printf ("learner%u@example.org", i + 1);

      tr_test_server_add_user (t.server, INSTITUTE, "learner", name, email, PASSWORD);
    }
  options.courses_dir = courses_dir;
  tr_test_server_start (t.server, &options);

  t.session = tr_test_http_session ();
  url = tr_test_server_get_url (t.server);
  t.trainer = tr_test_http_login (t.session, url, "noor@example.org", PASSWORD);
  t.admin = tr_test_http_login (t.session, url, "ada@example.org", PASSWORD);
  t.bystander = tr_test_http_login (t.session, url, "bo@example.org", PASSWORD);
  t.other_trainer = tr_test_http_login (t.session, url, "zoe@example.org", PASSWORD);
  t.other_learner = tr_test_http_login (t.session, url, "zed@example.org", PASSWORD);
  for (guint i = 0; i < N_LEARNERS; i++)
    {
      g_autofree char *email = g_strdup_printf ("learner%u@example.org", i + 1);

      t.learners[i] = tr_test_http_login (t.session, url, email, PASSWORD);
    }
  t.live_messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
}

static void
teardown (gboolean passed)
{
  g_clear_object (&t.live);
  g_clear_pointer (&t.live_messages, g_ptr_array_unref);
  g_clear_object (&t.session);
  g_clear_object (&t.course);
  tr_test_server_free (t.server, passed);
  g_free (t.trainer);
  g_free (t.admin);
  g_free (t.bystander);
  g_free (t.other_trainer);
  g_free (t.other_learner);
  for (guint i = 0; i < N_LEARNERS; i++)
    {
      g_free (t.learners[i]);
      g_free (t.learner_ids[i]);
    }
  g_free (t.classroom);
  g_free (t.code);
}

/* ----------------------------------------------------------------------- */
/* The cases                                                                */

static void
test_start (void)
{
  g_autoptr(TrTestReply) learner = call ("POST", "/api/v1/classrooms", t.learners[0],
                                         "{\"course\": \"example-course\"}");
  g_autoptr(TrTestReply) unknown = call ("POST", "/api/v1/classrooms", t.trainer, "{\"course\": \"nope\"}");
  g_autoptr(TrTestReply) reply = call ("POST", "/api/v1/classrooms", t.trainer,
                                       "{\"course\": \"example-course\"}");
  JsonObject *session;
  const char *code;

  tr_test_reply_assert (learner, 403, "forbidden");
  tr_test_reply_assert (unknown, 404, "not_found");
  tr_test_reply_assert (reply, 201, NULL);
  session = tr_test_reply_object (reply);
  code = json_object_get_string_member (session, "code");
  g_assert_cmpuint (strlen (code), ==, 6);
  for (const char *p = code; *p != '\0'; p++)
    g_assert_nonnull (strchr ("ABCDEFGHJKMNPQRSTUVWXYZ23456789", *p));
  g_assert_cmpstr (json_object_get_string_member (session, "role"), ==, "trainer");
  g_assert_cmpstr (json_object_get_string_member (session, "trainer"), ==, "Noor Bakker");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (session, "join_url"), code));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (session, "step")));
  t.classroom = g_strdup (json_object_get_string_member (session, "id"));
  t.code = g_strdup (code);
}

static void
live_connected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError **error = user_data;

  t.live = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, error);
  if (*error == NULL)
    g_signal_connect (t.live, "message", G_CALLBACK (live_message_cb), NULL);
}

static void
test_live_view (void)
{
  g_autofree char *uri = g_strdup_printf ("%s/api/v1/classrooms/%s/live", tr_test_server_get_url (t.server),
                                          t.classroom);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(SoupMessage) refused = soup_message_new ("GET", uri);
  g_autofree char *bearer = g_strconcat ("Bearer ", t.trainer, NULL);
  g_autofree char *other = g_strconcat ("Bearer ", t.other_trainer, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) refused_error = NULL;
  g_autoptr(TrTestReply) plain = call_classroom ("GET", "live", t.trainer, NULL);
  gint64 deadline;

  /* Not a WebSocket handshake: a JSON error, not a socket. */
  tr_test_reply_assert (plain, 400, "invalid_request");

  /* Another institute's trainer gets no socket. */
  soup_message_headers_replace (soup_message_get_request_headers (refused), "Authorization", other);
  soup_session_websocket_connect_async (t.session, refused, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        (GAsyncReadyCallback) live_connected_cb, &refused_error);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (refused_error == NULL && t.live == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (t.live);
  g_assert_error (refused_error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET);
  g_assert_cmpuint (soup_message_get_status (refused), ==, 404);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_session_websocket_connect_async (t.session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        (GAsyncReadyCallback) live_connected_cb, &error);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (error == NULL && t.live == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);
  g_assert_nonnull (t.live);
  /* The first message comes at once: nobody has joined yet. */
  wait_live (has_participants, GUINT_TO_POINTER (0));
}

static void
test_join (void)
{
  g_autofree char *typed = g_ascii_strdown (t.code, -1);
  g_autofree char *dashed = g_strdup_printf ("{\"code\": \" %.3s-%s \"}", typed, typed + 3);
  g_autofree char *body = g_strdup_printf ("{\"code\": \"%s\"}", t.code);
  g_autoptr(TrTestReply) other = call ("POST", "/api/v1/classrooms/join", t.other_learner, body);
  g_autoptr(TrTestReply) wrong = call ("POST", "/api/v1/classrooms/join", t.learners[0], "{\"code\": \"2222-22\"}");
  g_autoptr(TrTestReply) bad = call ("POST", "/api/v1/classrooms/join", t.learners[0], "{\"code\": 7}");
  JsonObject *view;
  JsonArray *participants;

  /* A code of another institute is as good as unknown. */
  tr_test_reply_assert (other, 404, "not_found");
  tr_test_reply_assert (wrong, 404, "not_found");
  tr_test_reply_assert (bad, 400, "invalid_request");

  for (guint i = 0; i < N_LEARNERS; i++)
    {
      g_autoptr(TrTestReply) reply = call ("POST", "/api/v1/classrooms/join", t.learners[i], i == 0 ? dashed : body);
      g_autoptr(TrTestReply) again = NULL;

      tr_test_reply_assert (reply, 200, NULL);
      view = tr_test_reply_object (reply);
      g_assert_cmpstr (json_object_get_string_member (view, "role"), ==, "participant");
      g_assert_cmpstr (json_object_get_string_member (view, "id"), ==, t.classroom);
      /* A participant sees nobody else. */
      g_assert_false (json_object_has_member (view, "participants"));
      if (i == 0)
        {
          again = call ("POST", "/api/v1/classrooms/join", t.learners[i], body);
          tr_test_reply_assert (again, 200, NULL);
        }
    }

  view = wait_live (has_participants, GUINT_TO_POINTER (N_LEARNERS));
  participants = json_object_get_array_member (view, "participants");
  for (guint i = 0; i < N_LEARNERS; i++)
    {
      JsonObject *participant = json_array_get_object_element (participants, i);
      g_autofree char *name = g_strdup_printf ("Learner %u", i + 1);

      g_assert_cmpstr (json_object_get_string_member (participant, "name"), ==, name);
      g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (participant, "position")));
      g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (participant, "last_sync")));
      t.learner_ids[i] = g_strdup (json_object_get_string_member (participant, "id"));
    }
}

static void
test_progress_shows (void)
{
  g_autoptr(TrEvent) event = tr_event_new ("device", TR_VERB_EXPERIENCED, "example-course",
                                           tr_course_get_version (t.course), "lesson/first-signals", NULL);
  g_autoptr(JsonNode) node = tr_event_to_json (event);
  g_autofree char *text = tr_test_json_string (node);
  g_autofree char *body = g_strdup_printf ("{\"events\": [%s]}", text);
  g_autoptr(TrTestReply) pushed = call ("POST", "/api/v1/events", t.learners[0], body);
  g_autoptr(TrTestReply) presence = call_classroom ("POST", "presence", t.learners[1],
                                                    "{\"pending\": 7, \"last_sync\": 1000}");
  g_autoptr(TrTestReply) bad_presence = call_classroom ("POST", "presence", t.learners[1],
                                                        "{\"pending\": -1, \"last_sync\": 0}");
  g_autoptr(TrTestReply) trainer_presence = call_classroom ("POST", "presence", t.trainer,
                                                            "{\"pending\": 0, \"last_sync\": 0}");
  JsonObject *view, *first, *second;

  tr_test_reply_assert (pushed, 200, NULL);
  tr_test_reply_assert (presence, 204, NULL);
  tr_test_reply_assert (bad_presence, 400, "invalid_request");
  tr_test_reply_assert (trainer_presence, 403, "forbidden");

  /* Pushed by the server, without the trainer asking. */
  view = wait_live (progress_and_presence, "lesson/first-signals");
  first = find_by_id (json_object_get_array_member (view, "participants"), t.learner_ids[0]);
  g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (first, "last_sync")));
  second = find_by_id (json_object_get_array_member (view, "participants"), t.learner_ids[1]);
  g_assert_cmpint (json_object_get_int_member (second, "pending"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (second, "last_sync"), ==, 1000);
}

static void
test_votes (void)
{
  static const char * const votes[N_LEARNERS] = { "pause-and-ask", "pause-and-ask", "walk-on" };
  g_autoptr(TrTestReply) early = call_classroom ("POST", "votes", t.learners[0],
                                                 "{\"node\": \"remark\", \"choice\": \"walk-on\"}");
  g_autoptr(TrTestReply) by_learner = call_classroom ("POST", "step", t.learners[0],
                                                      "{\"scenario\": \"" SCENARIO "\"}");
  g_autoptr(TrTestReply) step = call_classroom ("POST", "step", t.trainer, "{\"scenario\": \"" SCENARIO "\"}");
  g_autoptr(TrTestReply) wrong_choice = NULL;
  g_autoptr(TrTestReply) wrong_node = NULL;
  g_autoptr(TrTestReply) change = NULL;
  g_autoptr(TrTestReply) hidden = NULL;
  g_autoptr(TrTestReply) reveal = NULL;
  g_autoptr(TrTestReply) shown = NULL;
  g_autoptr(TrTestReply) trainer_view = NULL;
  g_autofree char *text = NULL;
  JsonObject *view, *step_object;

  tr_test_reply_assert (early, 409, "conflict");
  tr_test_reply_assert (by_learner, 403, "forbidden");
  tr_test_reply_assert (step, 200, NULL);
  step_object = json_object_get_object_member (tr_test_reply_object (step), "step");
  g_assert_cmpstr (json_object_get_string_member (step_object, "node"), ==, "remark");
  g_assert_false (json_object_get_boolean_member (step_object, "revealed"));

  for (guint i = 0; i < N_LEARNERS; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"node\": \"remark\", \"choice\": \"%s\"}", votes[i]);
      g_autoptr(TrTestReply) reply = call_classroom ("POST", "votes", t.learners[i], body);

      tr_test_reply_assert (reply, 200, NULL);
      view = tr_test_reply_object (reply);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (view, "step"), "my_vote"),
                       ==, votes[i]);
      /* Hidden until the trainer reveals them. */
      g_assert_cmpint (choice_count (view, "pause-and-ask"), ==, -1);
    }
  wrong_choice = call_classroom ("POST", "votes", t.learners[2], "{\"node\": \"remark\", \"choice\": \"lecture\"}");
  tr_test_reply_assert (wrong_choice, 400, "invalid_request");
  wrong_node = call_classroom ("POST", "votes", t.learners[2], "{\"node\": \"what-next\", \"choice\": \"lecture\"}");
  tr_test_reply_assert (wrong_node, 409, "conflict");
  /* Voting again replaces the vote. */
  change = call_classroom ("POST", "votes", t.learners[2], "{\"node\": \"remark\", \"choice\": \"reprimand\"}");
  tr_test_reply_assert (change, 200, NULL);

  view = wait_live (has_votes, GINT_TO_POINTER (N_LEARNERS));
  trainer_view = call_classroom ("GET", NULL, t.trainer, NULL);
  view = tr_test_reply_object (trainer_view);
  g_assert_cmpint (choice_count (view, "pause-and-ask"), ==, 2);
  g_assert_cmpint (choice_count (view, "reprimand"), ==, 1);
  g_assert_cmpint (choice_count (view, "walk-on"), ==, 0);
  /* The trainer sees who voted, never what: no choice id appears beside a
   * participant. */
  text = tr_test_json_string (json_object_get_member (view, "participants"));
  g_assert_null (strstr (text, "pause-and-ask"));
  g_assert_null (strstr (text, "reprimand"));
  g_assert_true (json_object_get_boolean_member (find_by_id (json_object_get_array_member (view, "participants"),
                                                              t.learner_ids[0]), "voted"));

  hidden = call_classroom ("GET", NULL, t.learners[0], NULL);
  g_assert_cmpint (choice_count (tr_test_reply_object (hidden), "reprimand"), ==, -1);
  reveal = call_classroom ("POST", "reveal", t.trainer, "{\"revealed\": true}");
  tr_test_reply_assert (reveal, 200, NULL);
  shown = call_classroom ("GET", NULL, t.learners[0], NULL);
  view = tr_test_reply_object (shown);
  g_assert_cmpint (choice_count (view, "pause-and-ask"), ==, 2);
  g_assert_cmpint (choice_count (view, "reprimand"), ==, 1);
  g_assert_false (json_object_has_member (view, "participants"));
}

/* The group moves on along the trainer's choice, by the scenario's rules. */
static void
test_lead (void)
{
  const TrScenario *scenario = tr_course_find_scenario (t.course, SCENARIO);
  g_autoptr(TrScenarioRun) run = tr_scenario_run_new (scenario);
  g_autoptr(TrTestReply) moved = call_classroom ("POST", "step", t.trainer, "{\"choice\": \"reprimand\"}");
  g_autoptr(TrTestReply) wrong = call_classroom ("POST", "step", t.trainer, "{\"choice\": \"walk-on\"}");
  g_autoptr(TrTestReply) both = call_classroom ("POST", "step", t.trainer,
                                                "{\"choice\": \"x\", \"scenario\": \"" SCENARIO "\"}");
  JsonObject *step;
  JsonArray *path;

  tr_test_reply_assert (moved, 200, NULL);
  tr_test_reply_assert (wrong, 400, "invalid_request");
  tr_test_reply_assert (both, 400, "invalid_request");
  g_assert_true (tr_scenario_run_choose (run, "reprimand"));
  step = json_object_get_object_member (tr_test_reply_object (moved), "step");
  g_assert_cmpstr (json_object_get_string_member (step, "node"), ==, tr_scenario_run_get_node (run)->id);
  g_assert_false (json_object_get_boolean_member (step, "revealed"));
  g_assert_cmpint (json_object_get_int_member (step, "votes"), ==, 0);
  path = json_object_get_array_member (step, "path");
  g_assert_cmpuint (json_array_get_length (path), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (path, 0), "node"), ==, "remark");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (path, 0), "choice"), ==,
                   "reprimand");
}

static void
test_roles (void)
{
  struct
  {
    const char *method;
    const char *action;
    const char *token_name;
    guint       status;
  } cases[] = {
    { "GET", NULL, "other_trainer", 404 },
    { "GET", NULL, "other_learner", 404 },
    { "GET", NULL, "bystander", 403 },
    { "GET", "attendance", "learner", 403 },
    { "GET", "attendance", "other_trainer", 404 },
    { "POST", "reveal", "learner", 403 },
    { "POST", "end", "learner", 403 },
    { "POST", "end", "other_trainer", 404 },
    { "GET", "attendance", "admin", 200 },
    { "GET", NULL, "admin", 200 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *token = g_str_equal (cases[i].token_name, "other_trainer") ? t.other_trainer
                        : g_str_equal (cases[i].token_name, "other_learner") ? t.other_learner
                        : g_str_equal (cases[i].token_name, "bystander") ? t.bystander
                        : g_str_equal (cases[i].token_name, "admin") ? t.admin : t.learners[0];
      const char *body = g_str_equal (cases[i].method, "POST") ? "{\"revealed\": true}" : NULL;
      g_autoptr(TrTestReply) reply = call_classroom (cases[i].method, cases[i].action, token, body);

      if (reply->status != cases[i].status)
        g_error ("%s %s as %s: expected %u, got %u: %s", cases[i].method,
                 cases[i].action != NULL ? cases[i].action : "(session)", cases[i].token_name,
                 cases[i].status, reply->status, tr_test_reply_text (reply));
    }
}

/* The sessions a trainer leads, to come back to a running one: the
 * trainer's own, all of them for an admin, none of another institute's. */
static JsonObject *
listed (TrTestReply *reply,
        const char  *id)
{
  tr_test_reply_assert (reply, 200, NULL);
  return find_by_id (json_object_get_array_member (tr_test_reply_object (reply), "classrooms"), id);
}

static void
test_list (void)
{
  g_autoptr(TrTestReply) learner = call ("GET", "/api/v1/classrooms", t.learners[0], NULL);
  g_autoptr(TrTestReply) other = call ("GET", "/api/v1/classrooms", t.other_trainer, NULL);
  g_autoptr(TrTestReply) admin = call ("GET", "/api/v1/classrooms", t.admin, NULL);
  g_autoptr(TrTestReply) trainer = call ("GET", "/api/v1/classrooms", t.trainer, NULL);
  g_autoptr(TrTestReply) own = call ("POST", "/api/v1/classrooms", t.other_trainer,
                                     "{\"course\": \"example-course\"}");
  g_autoptr(TrTestReply) other_again = call ("GET", "/api/v1/classrooms", t.other_trainer, NULL);
  JsonObject *entry;

  tr_test_reply_assert (learner, 403, "forbidden");
  tr_test_reply_assert (other, 200, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tr_test_reply_object (other),
                                                                         "classrooms")), ==, 0);
  entry = listed (trainer, t.classroom);
  g_assert_nonnull (entry);
  g_assert_cmpstr (json_object_get_string_member (entry, "code"), ==, t.code);
  g_assert_cmpstr (json_object_get_string_member (entry, "course"), ==, "example-course");
  g_assert_true (json_object_get_boolean_member (entry, "mine"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (entry, "ended")));
  g_assert_cmpint (json_object_get_int_member (entry, "participants"), ==, N_LEARNERS);
  /* Names of participants stay in the session's own view. */
  g_assert_null (strstr (tr_test_reply_text (trainer), "Learner 1"));
  entry = listed (admin, t.classroom);
  g_assert_nonnull (entry);
  g_assert_false (json_object_get_boolean_member (entry, "mine"));

  tr_test_reply_assert (own, 201, NULL);
  g_assert_nonnull (listed (other_again, json_object_get_string_member (tr_test_reply_object (own), "id")));
  g_assert_null (listed (other_again, t.classroom));
}

static void
test_end_and_attendance (void)
{
  g_autoptr(TrTestReply) ended = call_classroom ("POST", "end", t.trainer, NULL);
  g_autoptr(TrTestReply) again = call_classroom ("POST", "end", t.trainer, NULL);
  g_autofree char *body = g_strdup_printf ("{\"code\": \"%s\"}", t.code);
  g_autoptr(TrTestReply) late = call ("POST", "/api/v1/classrooms/join", t.bystander, body);
  g_autoptr(TrTestReply) vote = call_classroom ("POST", "votes", t.learners[0],
                                                "{\"node\": \"remark\", \"choice\": \"walk-on\"}");
  g_autoptr(TrTestReply) csv = call_classroom ("GET", "attendance?format=csv", t.trainer, NULL);
  g_autoptr(TrTestReply) json = call_classroom ("GET", "attendance", t.trainer, NULL);
  g_autoptr(TrTestReply) bad_format = call_classroom ("GET", "attendance?format=xml", t.trainer, NULL);
  g_autoptr(TrTestReply) list = call ("GET", "/api/v1/classrooms", t.trainer, NULL);
  g_auto(GStrv) lines = NULL;
  JsonArray *participants;
  JsonObject *entry;
  gint64 deadline;

  tr_test_reply_assert (ended, 200, NULL);
  g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (tr_test_reply_object (ended), "ended")));
  tr_test_reply_assert (again, 200, NULL);
  tr_test_reply_assert (late, 410, "code_expired");
  tr_test_reply_assert (vote, 409, "conflict");
  tr_test_reply_assert (bad_format, 400, "invalid_request");
  entry = listed (list, t.classroom);
  g_assert_nonnull (entry);
  g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (entry, "ended")));

  /* The live view gets the end, then the socket closes. */
  wait_live (is_ended, NULL);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (soup_websocket_connection_get_state (t.live) != SOUP_WEBSOCKET_STATE_CLOSED &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (soup_websocket_connection_get_state (t.live), ==, SOUP_WEBSOCKET_STATE_CLOSED);
  g_assert_cmpint (soup_websocket_connection_get_close_code (t.live), ==, SOUP_WEBSOCKET_CLOSE_NORMAL);

  tr_test_reply_assert (csv, 200, NULL);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (csv->headers, NULL), "text/csv"));
  lines = g_strsplit (tr_test_reply_text (csv), "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, "participant_id,name,joined,lessons_read,scenarios_completed,"
                                 "exercises_answered,quiz_passed,completed_items");
  g_assert_cmpuint (g_strv_length (lines), ==, N_LEARNERS + 2);
  g_assert_cmpstr (lines[N_LEARNERS + 1], ==, "");
  for (guint i = 0; i < N_LEARNERS; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i + 1], ",", -1);
      g_autofree char *name = g_strdup_printf ("Learner %u", i + 1);

      g_assert_cmpuint (g_strv_length (cells), ==, 8);
      g_assert_cmpstr (cells[0], ==, t.learner_ids[i]);
      g_assert_cmpstr (cells[1], ==, name);
      g_assert_true (g_str_has_suffix (cells[2], "Z"));
      g_assert_cmpstr (cells[3], ==, i == 0 ? "1" : "0");
      g_assert_cmpstr (cells[6], ==, "no");
      g_assert_cmpstr (cells[7], ==, i == 0 ? "lesson/first-signals" : "");
    }

  tr_test_reply_assert (json, 200, NULL);
  participants = json_object_get_array_member (tr_test_reply_object (json), "participants");
  g_assert_cmpuint (json_array_get_length (participants), ==, N_LEARNERS);
  /* The record of the session holds no votes. */
  g_assert_null (strstr (tr_test_reply_text (json), "pause-and-ask"));
}

static void
test_report_roles (void)
{
  g_autoptr(TrTestReply) learner = call ("GET", "/api/v1/reports/completion", t.learners[0], NULL);
  g_autoptr(TrTestReply) trainer = call ("GET", "/api/v1/reports/completion", t.trainer, NULL);
  g_autoptr(TrTestReply) other = call ("GET", "/api/v1/reports/completion", t.other_trainer, NULL);
  g_autoptr(TrTestReply) cohorts = call ("GET", "/api/v1/cohorts", t.learners[0], NULL);
  g_autoptr(TrTestReply) certificates_trainer = call ("GET", "/api/v1/institute/certificates", t.trainer, NULL);
  g_autoptr(TrTestReply) certificates_admin = call ("GET", "/api/v1/institute/certificates", t.admin, NULL);
  g_autoptr(TrTestReply) bad_since = call ("GET", "/api/v1/reports/completion?since=2027-02-30", t.admin, NULL);
  g_autoptr(TrTestReply) bad_cohort = call ("GET", "/api/v1/reports/completion?cohort=nope", t.admin, NULL);
  JsonArray *learners;

  tr_test_reply_assert (learner, 403, "forbidden");
  tr_test_reply_assert (cohorts, 403, "forbidden");
  tr_test_reply_assert (certificates_trainer, 403, "forbidden");
  tr_test_reply_assert (certificates_admin, 200, NULL);
  tr_test_reply_assert (bad_since, 400, "invalid_request");
  tr_test_reply_assert (bad_cohort, 404, "not_found");
  tr_test_reply_assert (trainer, 200, NULL);
  tr_test_reply_assert (other, 200, NULL);

  /* Each institute sees its own learners only. */
  learners = json_object_get_array_member (tr_test_reply_object (trainer), "learners");
  g_assert_cmpuint (json_array_get_length (learners), ==, N_LEARNERS + 1);
  g_assert_null (strstr (tr_test_reply_text (trainer), "Zed Zuid"));
  learners = json_object_get_array_member (tr_test_reply_object (other), "learners");
  g_assert_cmpuint (json_array_get_length (learners), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (learners, 0), "name"), ==,
                   "Zed Zuid");
  /* Completion, never what anyone chose in a scenario. */
  g_assert_null (strstr (tr_test_reply_text (trainer), "reprimand"));
  g_assert_null (strstr (tr_test_reply_text (trainer), "/node/"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  tr_test_init (&argc, &argv);
  if (!tr_test_server_found ())
    return 1;
  setup ();
  g_test_add_func ("/classrooms/start", test_start);
  g_test_add_func ("/classrooms/live-view", test_live_view);
  g_test_add_func ("/classrooms/join", test_join);
  g_test_add_func ("/classrooms/progress-shows", test_progress_shows);
  g_test_add_func ("/classrooms/votes", test_votes);
  g_test_add_func ("/classrooms/lead", test_lead);
  g_test_add_func ("/classrooms/roles", test_roles);
  g_test_add_func ("/classrooms/list", test_list);
  g_test_add_func ("/classrooms/end-and-attendance", test_end_and_attendance);
  g_test_add_func ("/reports/roles", test_report_roles);
  status = g_test_run ();
  teardown (status == 0);
  return status;
}
