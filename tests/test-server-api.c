/* test-server-api.c: the HTTP API of docs/api.md, through the real
 * trellis-server on a free loopback port
 *
 * The cases run in order against one server: what an earlier case stored,
 * a later one reads.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-api"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tr-course-loader.h"
#include "tr-event.h"
#include "tr-progress.h"
#include "tr-test-server.h"
#include "tr-test-util.h"
#include "trs-limits.h"

#define INSTITUTE "Regio Noord"
#define COHORT    "spring-2027"

static struct
{
  TrTestServer *server;
  char         *courses_dir;
  char         *course_dir;
  SoupSession  *session;
  TrCourse     *course;
  char         *code;            /* 10 uses */
  char         *code_once;       /* 1 use */
  char         *code_spare;      /* 1 use, for an enrolment that must fail */
  char         *alice_token;
  char         *alice_id;
  char         *alice_device2;   /* a second login of alice's */
  char         *bob_token;
  GPtrArray    *alice_events;    /* TrEvent*, as pushed */
  GPtrArray    *secrets;         /* strings that must never reach the log */
} t;

/* ----------------------------------------------------------------------- */
/* Helpers                                                                  */

typedef struct
{
  guint               status;
  GBytes             *body;
  JsonNode           *json;
  SoupMessageHeaders *headers;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static Reply *
request_full (const char   *method,
              const char   *path,
              const char   *token,
              const char   *content_type,
              const char   *body,
              gssize        length,
              gboolean      chunked)
{
  g_autofree char *uri = g_strconcat (tr_test_server_get_url (t.server), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  Reply *reply = g_new0 (Reply, 1);
  const char *type;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    {
      gsize size = length >= 0 ? (gsize) length : strlen (body);

      if (chunked)
        {
          /* No length: libsoup sends it chunked. */
          g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_memdup2 (body, size), size, g_free);

          soup_message_set_request_body (msg, content_type, stream, -1);
        }
      else
        {
          g_autoptr(GBytes) bytes = g_bytes_new (body, size);

          soup_message_set_request_body_from_bytes (msg, content_type, bytes);
        }
    }
  reply->body = soup_session_send_and_read (t.session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  type = soup_message_headers_get_content_type (reply->headers, NULL);
  if (g_strcmp0 (type, "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size;
      const char *data = g_bytes_get_data (reply->body, &size);

      json_parser_load_from_data (parser, data, size, &error);
      g_assert_no_error (error);
      reply->json = json_node_ref (json_parser_get_root (parser));
    }
  return reply;
}

static Reply *
request (const char *method,
         const char *path,
         const char *token,
         const char *json)
{
  return request_full (method, path, token, json != NULL ? "application/json" : NULL, json, -1, FALSE);
}

static JsonObject *
reply_object (Reply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

/* A 4xx or 5xx answer in the error shape of docs/api.md, with @code. */
static void
assert_error (Reply      *reply,
              guint       status,
              const char *code)
{
  JsonObject *error;

  if (reply->status != status)
    g_error ("expected %u %s, got %u: %.*s", status, code, reply->status,
             (int) g_bytes_get_size (reply->body), (const char *) g_bytes_get_data (reply->body, NULL));
  error = json_object_get_object_member (reply_object (reply), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
}

static void
assert_status (Reply *reply,
               guint  status)
{
  if (reply->status != status)
    g_error ("expected %u, got %u: %.*s", status, reply->status,
             (int) g_bytes_get_size (reply->body), (const char *) g_bytes_get_data (reply->body, NULL));
}

static char *
json_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static char *
events_body (GPtrArray *events)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < events->len; i++)
    json_builder_add_value (builder, tr_event_to_json (g_ptr_array_index (events, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_string (root);
}

static Reply *
enrol (const char *code,
       const char *name,
       const char *email,
       const char *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_string (root);
  return request ("POST", "/api/v1/auth/enrol", NULL, body);
}

static Reply *
login (const char *email,
       const char *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_string (root);
  return request ("POST", "/api/v1/auth/login", NULL, body);
}

static char *
session_token (Reply *reply)
{
  JsonObject *object = reply_object (reply);
  const char *token = json_object_get_string_member (object, "token");

  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), >=, 32);
  g_assert_cmpint (json_object_get_int_member (object, "expires"), >, g_get_real_time () / 1000);
  g_ptr_array_add (t.secrets, g_strdup (token));
  return g_strdup (token);
}

/* All of an account's events, page by page. */
static GPtrArray *
pull_all (const char *token,
          guint       limit,
          guint      *n_pages)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  gint64 cursor = 0;
  gboolean more = TRUE;

  *n_pages = 0;
  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/events?after=%" G_GINT64_FORMAT "&limit=%u", cursor, limit);
      g_autoptr(Reply) reply = request ("GET", path, token, NULL);
      JsonObject *object;
      JsonArray *array;
      gint64 next;

      assert_status (reply, 200);
      object = reply_object (reply);
      array = json_object_get_array_member (object, "events");
      g_assert_cmpuint (json_array_get_length (array), <=, limit);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autoptr(GError) error = NULL;
          TrEvent *event = tr_event_from_json (json_array_get_element (array, i), &error);

          g_assert_no_error (error);
          g_ptr_array_add (events, event);
        }
      next = json_object_get_int_member (object, "cursor");
      more = json_object_get_boolean_member (object, "more");
      if (json_array_get_length (array) > 0)
        g_assert_cmpint (next, >, cursor);
      g_assert_true (!more || json_array_get_length (array) == limit);
      cursor = next;
      (*n_pages)++;
      g_assert_cmpuint (*n_pages, <, 1000);
    }
  return events;
}

static GHashTable *
event_ids (GPtrArray *events)
{
  GHashTable *ids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < events->len; i++)
    g_hash_table_add (ids, ((TrEvent *) g_ptr_array_index (events, i))->id);
  return ids;
}

static TrEvent *
course_event (TrVerb      verb,
              const char *object,
              JsonObject *result)
{
  TrEvent *event = tr_event_new ("device-actor", verb, tr_course_get_id (t.course),
                                 tr_course_get_version (t.course), object, result);

  if (result != NULL)
    json_object_unref (result);
  return event;
}

static JsonObject *
score_result (int score)
{
  JsonObject *result = json_object_new ();

  json_object_set_int_member (result, "score", score);
  json_object_set_int_member (result, "correct", score / 10);
  json_object_set_int_member (result, "total", 10);
  return result;
}

/* ----------------------------------------------------------------------- */
/* Setting up: a data folder made with the command line, and the server     */

static void
setup (void)
{
  static const char * const env[] = { "TRELLIS_LOG_REQUESTS", "1", NULL };
  /* Two listener threads, whatever the machine's cores: every test here
   * also runs across threads. */
  TrTestServerOptions options = { .env = env, .threads = 2 };
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = tr_test_fixture_path ("example-course", NULL);
  g_autofree char *broken = NULL;
  g_autofree char *broken_json = NULL;

  t.server = tr_test_server_new ("server-api");
  t.secrets = g_ptr_array_new_with_free_func (g_free);
  t.alice_events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);

  /* --courses is a folder of course folders. */
  t.course_dir = tr_test_copy_tree (fixture);
  t.courses_dir = g_path_get_dirname (t.course_dir);
  t.course = tr_course_load_valid (t.course_dir, &error);
  g_assert_no_error (error);
  /* A broken course beside it is left out of the catalogue, not fatal. */
  broken = g_build_filename (t.courses_dir, "broken-course", NULL);
  broken_json = g_build_filename (broken, "course.json", NULL);
  g_assert_cmpint (g_mkdir (broken, 0700), ==, 0);
  g_file_set_contents (broken_json, "{ \"format\": 1, \"id\": ", -1, &error);
  g_assert_no_error (error);

  tr_test_server_add_institute (t.server, INSTITUTE);
  t.code = tr_test_server_create_code (t.server, INSTITUTE, "--cohort", COHORT, "--max-uses", "10", NULL);
  t.code_once = tr_test_server_create_code (t.server, INSTITUTE, "--max-uses", "1", NULL);
  t.code_spare = tr_test_server_create_code (t.server, INSTITUTE, "--max-uses", "1", NULL);
  tr_test_server_add_user (t.server, INSTITUTE, "learner", "Erin Vos", "erin@example.org",
                           "erin's long passphrase");
  tr_test_server_add_user (t.server, INSTITUTE, "trainer", "Tom Trainer", "tom@example.org",
                           "the trainer's passphrase");

  /* No proxies: the system's proxy settings are out of reach of an isolated
   * test, and the server is on loopback anyway. */
  t.session = soup_session_new_with_options ("timeout", 30, "proxy-resolver", NULL, NULL);
  options.courses_dir = t.courses_dir;
  tr_test_server_start (t.server, &options);
}

/* ----------------------------------------------------------------------- */
/* The cases                                                                */

static void
test_health (void)
{
  g_autoptr(Reply) reply = request ("GET", "/healthz", NULL, NULL);

  assert_status (reply, 200);
  g_assert_cmpstr (json_object_get_string_member (reply_object (reply), "status"), ==, "ok");
}

static void
test_enrol (void)
{
  g_autoptr(Reply) alice = enrol (t.code, "Alice Smit", "alice@example.org", "alice's long passphrase");
  g_autoptr(Reply) again = NULL;
  g_autoptr(Reply) bob = NULL;
  g_autoptr(Reply) used_up = NULL;
  g_autoptr(Reply) unknown = NULL;
  g_autoptr(Reply) conflict_once = NULL;
  g_autoptr(Reply) dave = NULL;
  g_autoptr(Reply) short_password = NULL;
  JsonObject *account;

  assert_status (alice, 201);
  t.alice_token = session_token (alice);
  account = json_object_get_object_member (reply_object (alice), "account");
  t.alice_id = g_strdup (json_object_get_string_member (account, "id"));
  g_assert_true (g_uuid_string_is_valid (t.alice_id));
  g_assert_cmpstr (json_object_get_string_member (account, "name"), ==, "Alice Smit");
  g_assert_cmpstr (json_object_get_string_member (account, "role"), ==, "learner");
  g_assert_cmpstr (json_object_get_string_member (account, "institute"), ==, INSTITUTE);
  g_assert_cmpstr (json_object_get_string_member (account, "cohort"), ==, COHORT);
  g_assert_false (json_object_has_member (account, "password_hash"));

  /* The same address again. */
  again = enrol (t.code, "Alice Again", "alice@example.org", "another long passphrase");
  assert_error (again, 409, "conflict");

  /* A code of one use: the second enrolment finds it used up. */
  bob = enrol (t.code_once, "Bob de Wit", "bob@example.org", "bob's long passphrase");
  assert_status (bob, 201);
  t.bob_token = session_token (bob);
  used_up = enrol (t.code_once, "Carol Claes", "carol@example.org", "carol's long passphrase");
  assert_error (used_up, 410, "code_expired");

  unknown = enrol ("NOPE-NOPE", "Carol Claes", "carol@example.org", "carol's long passphrase");
  assert_error (unknown, 404, "not_found");

  /* An enrolment that fails on its account leaves the code unused. */
  conflict_once = enrol (t.code_spare, "Alice Twice", "alice@example.org", "alice's long passphrase");
  assert_error (conflict_once, 409, "conflict");
  dave = enrol (t.code_spare, "Dave Peeters", "dave@example.org", "dave's long passphrase");
  assert_status (dave, 201);

  short_password = enrol (t.code, "Eve Short", "eve@example.org", "short");
  assert_error (short_password, 400, "invalid_request");
}

static void
test_login (void)
{
  g_autoptr(Reply) right = login ("alice@example.org", "alice's long passphrase");
  g_autoptr(Reply) wrong = login ("alice@example.org", "not alice's passphrase");
  g_autoptr(Reply) unknown = login ("nobody@example.org", "nobody's long passphrase");
  g_autoptr(Reply) trainer = login ("tom@example.org", "the trainer's passphrase");
  JsonObject *account;

  assert_status (right, 200);
  t.alice_device2 = session_token (right);
  g_assert_cmpstr (t.alice_device2, !=, t.alice_token);
  account = json_object_get_object_member (reply_object (right), "account");
  g_assert_cmpstr (json_object_get_string_member (account, "id"), ==, t.alice_id);

  assert_error (wrong, 401, "unauthorized");
  assert_error (unknown, 401, "unauthorized");

  /* Accounts made with the command line log in too. */
  assert_status (trainer, 200);
  account = json_object_get_object_member (reply_object (trainer), "account");
  g_assert_cmpstr (json_object_get_string_member (account, "role"), ==, "trainer");
  g_ptr_array_add (t.secrets, g_strdup (json_object_get_string_member (reply_object (trainer), "token")));
}

static void
test_login_limit (void)
{
  g_autoptr(Reply) blocked = NULL;
  g_autoptr(Reply) blocked_right = NULL;
  const char *retry_after;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(Reply) reply = login ("erin@example.org", "a wrong guess, again");

      assert_error (reply, 401, "unauthorized");
    }
  blocked = login ("erin@example.org", "a wrong guess, again");
  assert_error (blocked, 429, "too_many_attempts");
  retry_after = soup_message_headers_get_one (blocked->headers, "Retry-After");
  g_assert_nonnull (retry_after);
  g_assert_cmpint (g_ascii_strtoll (retry_after, NULL, 10), >, 0);
  g_assert_cmpint (g_ascii_strtoll (retry_after, NULL, 10), <=, 15 * 60);

  /* Even the right password waits now. */
  blocked_right = login ("erin@example.org", "erin's long passphrase");
  assert_error (blocked_right, 429, "too_many_attempts");
}

static void
test_events (void)
{
  GPtrArray *lessons = tr_course_get_lessons (t.course);
  GPtrArray *scenarios = tr_course_get_scenarios (t.course);
  g_autoptr(Reply) first = NULL;
  g_autoptr(Reply) second = NULL;
  g_autoptr(GPtrArray) pulled = NULL;
  g_autoptr(GPtrArray) paged = NULL;
  g_autoptr(GHashTable) pushed_ids = NULL;
  g_autoptr(GHashTable) pulled_ids = NULL;
  g_autofree char *body = NULL;
  guint n_pages;

  for (guint i = 0; i < lessons->len; i++)
    {
      const TrLesson *lesson = g_ptr_array_index (lessons, i);
      g_autofree char *object = g_strconcat ("lesson/", lesson->id, NULL);

      g_ptr_array_add (t.alice_events, course_event (TR_VERB_EXPERIENCED, object, NULL));
    }
  if (scenarios->len > 0)
    {
      const TrScenario *scenario = g_ptr_array_index (scenarios, 0);
      g_autofree char *node = g_strdup_printf ("scenario/%s/node/%s", scenario->id, scenario->start);
      JsonObject *choice = json_object_new ();

      json_object_set_string_member (choice, "choice", "listen");
      json_object_set_int_member (choice, "weight", 2);
      g_ptr_array_add (t.alice_events, course_event (TR_VERB_CHOSE, node, choice));
    }
  g_ptr_array_add (t.alice_events, course_event (TR_VERB_FAILED, "quiz", score_result (40)));
  g_ptr_array_add (t.alice_events, course_event (TR_VERB_PASSED, "quiz", score_result (80)));
  /* Another course's event is stored and synced like any other. */
  g_ptr_array_add (t.alice_events, tr_event_new ("device-actor", TR_VERB_EXPERIENCED, "other-course", "0123abcd",
                                                 "lesson/intro", NULL));
  g_assert_cmpuint (t.alice_events->len, >=, 5);

  body = events_body (t.alice_events);
  first = request ("POST", "/api/v1/events", t.alice_token, body);
  assert_status (first, 200);
  g_assert_cmpint (json_object_get_int_member (reply_object (first), "new"), ==, t.alice_events->len);
  g_assert_cmpint (json_object_get_int_member (reply_object (first), "duplicate"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (reply_object (first), "cursor"), >, 0);

  /* Sending the batch again is harmless. */
  second = request ("POST", "/api/v1/events", t.alice_token, body);
  assert_status (second, 200);
  g_assert_cmpint (json_object_get_int_member (reply_object (second), "new"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (reply_object (second), "duplicate"), ==, t.alice_events->len);

  /* Alice's other device pulls all of them, once, with her pseudonymous id
   * as the actor. */
  pulled = pull_all (t.alice_device2, 500, &n_pages);
  g_assert_cmpuint (n_pages, ==, 1);
  g_assert_cmpuint (pulled->len, ==, t.alice_events->len);
  pushed_ids = event_ids (t.alice_events);
  pulled_ids = event_ids (pulled);
  g_assert_cmpuint (g_hash_table_size (pulled_ids), ==, t.alice_events->len);
  for (guint i = 0; i < pulled->len; i++)
    {
      TrEvent *event = g_ptr_array_index (pulled, i);

      g_assert_true (g_hash_table_contains (pushed_ids, event->id));
      g_assert_cmpstr (event->actor, ==, t.alice_id);
    }

  /* In pages of 2, oldest first, nothing twice and nothing missing. */
  paged = pull_all (t.alice_device2, 2, &n_pages);
  g_assert_cmpuint (paged->len, ==, t.alice_events->len);
  g_assert_cmpuint (n_pages, >=, (t.alice_events->len + 1) / 2);
  for (guint i = 0; i < paged->len; i++)
    g_assert_cmpstr (((TrEvent *) g_ptr_array_index (paged, i))->id, ==,
                     ((TrEvent *) g_ptr_array_index (pulled, i))->id);
}

static void
test_bad_batch_stores_nothing (void)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(GPtrArray) pulled = NULL;
  g_autofree char *body = NULL;
  JsonArray *events;
  JsonObject *error;
  guint n_pages;

  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (batch, course_event (TR_VERB_EXPERIENCED, "lesson/extra", NULL));
  body = events_body (batch);
  root = json_from_string (body, NULL);
  events = json_object_get_array_member (json_node_get_object (root), "events");
  json_object_set_string_member (json_array_get_object_element (events, 2), "id", "not-a-uuid");
  g_free (body);
  body = json_string (root);

  reply = request ("POST", "/api/v1/events", t.alice_token, body);
  assert_error (reply, 400, "invalid_request");
  error = json_object_get_object_member (reply_object (reply), "error");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "event 2"));
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "\"id\""));

  pulled = pull_all (t.alice_token, 1000, &n_pages);
  g_assert_cmpuint (pulled->len, ==, t.alice_events->len);
}

static void
test_progress (void)
{
  g_autoptr(Reply) reply = request ("GET", "/api/v1/progress", t.alice_device2, NULL);
  g_autoptr(TrProgress) expected = tr_progress_compute (t.course, t.alice_events);
  JsonArray *courses;
  JsonObject *entry;

  assert_status (reply, 200);
  courses = json_object_get_array_member (reply_object (reply), "courses");
  g_assert_cmpuint (json_array_get_length (courses), ==, 1);
  entry = json_array_get_object_element (courses, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "id"), ==, tr_course_get_id (t.course));
  g_assert_cmpstr (json_object_get_string_member (entry, "version"), ==, tr_course_get_version (t.course));
  g_assert_cmpint (json_object_get_int_member (entry, "done"), ==, tr_progress_get_n_done (expected));
  g_assert_cmpint (json_object_get_int_member (entry, "required"), ==, tr_progress_get_n_required (expected));
  g_assert_cmpint (json_object_get_boolean_member (entry, "complete"), ==, tr_progress_is_complete (expected));
  g_assert_cmpint (json_object_get_int_member (entry, "quiz_best"), ==, tr_progress_get_quiz_best_score (expected));
  g_assert_cmpint (json_object_get_int_member (entry, "quiz_best"), ==, 80);
  g_assert_cmpint (json_object_get_int_member (entry, "done"), >, 0);
}

static void
test_isolation (void)
{
  g_autoptr(GPtrArray) bobs = NULL;
  g_autoptr(GPtrArray) bob_batch = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  g_autoptr(GPtrArray) alices = NULL;
  g_autoptr(Reply) pushed = NULL;
  g_autoptr(Reply) progress = NULL;
  g_autofree char *body = NULL;
  guint n_pages;

  bobs = pull_all (t.bob_token, 500, &n_pages);
  g_assert_cmpuint (bobs->len, ==, 0);

  g_ptr_array_add (bob_batch, course_event (TR_VERB_EXPERIENCED, "lesson/bobs", NULL));
  body = events_body (bob_batch);
  pushed = request ("POST", "/api/v1/events", t.bob_token, body);
  assert_status (pushed, 200);
  g_assert_cmpint (json_object_get_int_member (reply_object (pushed), "new"), ==, 1);

  /* Sending an event of alice's from bob's account does not make it his,
   * nor change hers: the UUID is already taken. */
  g_clear_pointer (&body, g_free);
  body = events_body (t.alice_events);
  g_clear_pointer (&pushed, reply_free);
  pushed = request ("POST", "/api/v1/events", t.bob_token, body);
  assert_status (pushed, 200);

  g_clear_pointer (&bobs, g_ptr_array_unref);
  bobs = pull_all (t.bob_token, 500, &n_pages);
  for (guint i = 0; i < bobs->len; i++)
    {
      TrEvent *event = g_ptr_array_index (bobs, i);

      g_assert_cmpstr (event->actor, !=, t.alice_id);
      g_assert_cmpstr (event->object, !=, "quiz");
    }
  alices = pull_all (t.alice_token, 500, &n_pages);
  g_assert_cmpuint (alices->len, ==, t.alice_events->len);

  progress = request ("GET", "/api/v1/progress", t.bob_token, NULL);
  assert_status (progress, 200);
  g_assert_false (json_object_get_boolean_member (
    json_array_get_object_element (json_object_get_array_member (reply_object (progress), "courses"), 0),
    "complete"));
}

static void
test_tokens (void)
{
  const char *routes[][2] = {
    { "GET", "/api/v1/events" },
    { "GET", "/api/v1/progress" },
    { "GET", "/api/v1/courses" },
    { "GET", "/api/v1/me/export" },
    { "POST", "/api/v1/auth/logout" },
    { "DELETE", "/api/v1/me" },
  };
  g_autoptr(Reply) device = login ("alice@example.org", "alice's long passphrase");
  g_autofree char *token = session_token (device);
  g_autoptr(Reply) out = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(Reply) still = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autoptr(Reply) none = request (routes[i][0], routes[i][1], NULL, NULL);
      g_autoptr(Reply) wrong = request (routes[i][0], routes[i][1], "tr_thisisnotatokenthisisnotatoken0123", NULL);
      g_autoptr(Reply) junk = request (routes[i][0], routes[i][1], "not a token at all", NULL);

      assert_error (none, 401, "unauthorized");
      assert_error (wrong, 401, "unauthorized");
      assert_error (junk, 401, "unauthorized");
    }

  out = request ("POST", "/api/v1/auth/logout", token, NULL);
  assert_status (out, 204);
  after = request ("GET", "/api/v1/events", token, NULL);
  assert_error (after, 401, "unauthorized");
  /* Logging out one device leaves the others signed in. */
  still = request ("GET", "/api/v1/events", t.alice_token, NULL);
  assert_status (still, 200);
}

static void
test_courses (void)
{
  g_autoptr(Reply) list = request ("GET", "/api/v1/courses", t.bob_token, NULL);
  g_autofree char *id_path = g_strconcat ("/api/v1/courses/", tr_course_get_id (t.course), NULL);
  g_autofree char *package_path = g_strconcat (id_path, "/package", NULL);
  g_autoptr(Reply) one = request ("GET", id_path, t.bob_token, NULL);
  g_autoptr(Reply) missing = request ("GET", "/api/v1/courses/no-such-course", t.bob_token, NULL);
  g_autoptr(Reply) missing_package = request ("GET", "/api/v1/courses/no-such-course/package", t.bob_token, NULL);
  g_autoptr(Reply) traversal = request ("GET", "/api/v1/courses/..%2F..%2Fetc/package", t.bob_token, NULL);
  g_autoptr(Reply) package = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = tr_course_compute_version (t.course_dir, &error);
  g_autofree char *rebuilt = NULL;
  g_autofree char *rebuilt_version = NULL;
  g_autofree char *link = NULL;
  JsonArray *courses, *files;
  JsonObject *entry;

  g_assert_no_error (error);
  assert_status (list, 200);
  courses = json_object_get_array_member (reply_object (list), "courses");
  g_assert_cmpuint (json_array_get_length (courses), ==, 1);
  entry = json_array_get_object_element (courses, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "id"), ==, tr_course_get_id (t.course));
  g_assert_cmpstr (json_object_get_string_member (entry, "version"), ==, version);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (entry, "title"), "en"), ==,
                   tr_text_get (tr_course_get_title (t.course), TR_LANG_EN));
  g_assert_cmpint (json_object_get_int_member (entry, "estimated_minutes"), ==,
                   tr_course_get_estimated_minutes (t.course));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (entry, "languages")), >=, 1);

  assert_status (one, 200);
  g_assert_cmpstr (json_object_get_string_member (reply_object (one), "package"), ==, package_path);
  assert_error (missing, 404, "not_found");
  assert_error (missing_package, 404, "not_found");
  assert_error (traversal, 404, "not_found");

  /* A link in the course folder is not part of the package. */
  link = g_build_filename (t.course_dir, "secrets", NULL);
  g_assert_cmpint (symlink ("/etc", link), ==, 0);

  package = request ("GET", package_path, t.bob_token, NULL);
  assert_status (package, 200);
  g_assert_cmpstr (json_object_get_string_member (reply_object (package), "version"), ==, version);
  files = json_object_get_array_member (reply_object (package), "files");
  g_assert_cmpuint (json_array_get_length (files), >, 5);

  /* The files rebuild the same version. */
  rebuilt = g_dir_make_tmp ("trellis-package-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      const char *path = json_object_get_string_member (file, "path");
      g_autofree char *target = g_build_filename (rebuilt, path, NULL);
      g_autofree char *parent = g_path_get_dirname (target);
      g_autofree guchar *data = NULL;
      gsize length;

      g_assert_false (g_path_is_absolute (path));
      g_assert_null (strstr (path, ".."));
      g_assert_false (g_str_has_prefix (path, "secrets"));
      data = g_base64_decode (json_object_get_string_member (file, "data"), &length);
      g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
      g_file_set_contents (target, (const char *) data, length, &error);
      g_assert_no_error (error);
    }
  rebuilt_version = tr_course_compute_version (rebuilt, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rebuilt_version, ==, version);
  g_unlink (link);
  tr_test_remove_tree (rebuilt);
}

typedef struct
{
  const char *name;
  const char *method;
  const char *path;
  const char *content_type;
  const char *body;           /* NULL: none */
  gssize      length;         /* -1: strlen (body) */
  gboolean    chunked;
  gboolean    auth;
  guint       status;
  const char *code;
} BadCase;

static void
test_bad_input (void)
{
  static const char bad_utf8[] = "{\"events\": [{\"id\": \"\xff\xfe\"}]}";
  static const char nul_inside[] = "{\"email\": \"a\0b\", \"password\": \"x\"}";
  const BadCase cases[] = {
    { "malformed JSON", "POST", "/api/v1/events", "application/json", "{\"events\": [", -1, FALSE, TRUE, 400, "invalid_json" },
    { "not JSON at all", "POST", "/api/v1/auth/login", "application/json", "email=a&password=b", -1, FALSE, FALSE, 400, "invalid_json" },
    { "empty body", "POST", "/api/v1/auth/login", "application/json", "", -1, FALSE, FALSE, 400, "invalid_json" },
    { "bad UTF-8", "POST", "/api/v1/events", "application/json", bad_utf8, -1, FALSE, TRUE, 400, "invalid_json" },
    { "NUL inside", "POST", "/api/v1/auth/login", "application/json", nul_inside, sizeof nul_inside - 1, FALSE, FALSE, 400, "invalid_json" },
    { "a list, not an object", "POST", "/api/v1/events", "application/json", "[]", -1, FALSE, TRUE, 400, "invalid_request" },
    { "events missing", "POST", "/api/v1/events", "application/json", "{}", -1, FALSE, TRUE, 400, "invalid_request" },
    { "events not a list", "POST", "/api/v1/events", "application/json", "{\"events\": {}}", -1, FALSE, TRUE, 400, "invalid_request" },
    { "no events", "POST", "/api/v1/events", "application/json", "{\"events\": []}", -1, FALSE, TRUE, 400, "invalid_request" },
    { "an event not an object", "POST", "/api/v1/events", "application/json", "{\"events\": [42]}", -1, FALSE, TRUE, 400, "invalid_request" },
    { "timestamp a string", "POST", "/api/v1/events", "application/json",
      "{\"events\": [{\"id\": \"6f1c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a\", \"actor\": \"a\", \"verb\": \"experienced\","
      " \"course\": \"c\", \"version\": \"v\", \"object\": \"lesson/x\", \"timestamp\": \"yesterday\"}]}",
      -1, FALSE, TRUE, 400, "invalid_request" },
    { "unknown verb", "POST", "/api/v1/events", "application/json",
      "{\"events\": [{\"id\": \"6f1c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a\", \"actor\": \"a\", \"verb\": \"liked\","
      " \"course\": \"c\", \"version\": \"v\", \"object\": \"lesson/x\", \"timestamp\": 1}]}",
      -1, FALSE, TRUE, 400, "invalid_request" },
    { "email a number", "POST", "/api/v1/auth/login", "application/json", "{\"email\": 7, \"password\": \"x\"}", -1, FALSE, FALSE, 400, "invalid_request" },
    { "password missing", "POST", "/api/v1/auth/login", "application/json", "{\"email\": \"a@example.org\"}", -1, FALSE, FALSE, 400, "invalid_request" },
    { "enrol without code", "POST", "/api/v1/auth/enrol", "application/json",
      "{\"name\": \"N\", \"email\": \"n@example.org\", \"password\": \"long enough passphrase\"}", -1, FALSE, FALSE, 400, "invalid_request" },
    { "enrol with a bad address", "POST", "/api/v1/auth/enrol", "application/json",
      "{\"code\": \"X\", \"name\": \"N\", \"email\": \"not an address\", \"password\": \"long enough passphrase\"}", -1, FALSE, FALSE, 400, "invalid_request" },
    { "enrol with a null name", "POST", "/api/v1/auth/enrol", "application/json",
      "{\"code\": \"X\", \"name\": null, \"email\": \"n@example.org\", \"password\": \"long enough passphrase\"}", -1, FALSE, FALSE, 400, "invalid_request" },
    { "text/plain", "POST", "/api/v1/events", "text/plain", "{\"events\": []}", -1, FALSE, TRUE, 415, "unsupported_media_type" },
    { "no content type", "POST", "/api/v1/auth/login", NULL, "{}", -1, FALSE, FALSE, 415, "unsupported_media_type" },
    { "latin-1 charset", "POST", "/api/v1/auth/login", "application/json; charset=iso-8859-1", "{}", -1, FALSE, FALSE, 415, "unsupported_media_type" },
    { "unknown route", "GET", "/api/v1/nothing-here", NULL, NULL, -1, FALSE, TRUE, 404, "not_found" },
    { "unknown route at the root", "GET", "/", NULL, NULL, -1, FALSE, FALSE, 404, "not_found" },
    { "wrong method", "PUT", "/api/v1/events", "application/json", "{}", -1, FALSE, TRUE, 405, "method_not_allowed" },
    { "wrong method on login", "GET", "/api/v1/auth/login", NULL, NULL, -1, FALSE, FALSE, 405, "method_not_allowed" },
    { "limit 0", "GET", "/api/v1/events?limit=0", NULL, NULL, -1, FALSE, TRUE, 400, "invalid_request" },
    { "limit 1001", "GET", "/api/v1/events?limit=1001", NULL, NULL, -1, FALSE, TRUE, 400, "invalid_request" },
    { "after -1", "GET", "/api/v1/events?after=-1", NULL, NULL, -1, FALSE, TRUE, 400, "invalid_request" },
    { "after a word", "GET", "/api/v1/events?after=soon", NULL, NULL, -1, FALSE, TRUE, 400, "invalid_request" },
  };
  g_autoptr(GString) deep = g_string_new ("{\"events\": ");
  g_autoptr(GString) big = g_string_new ("{\"events\": [\"");
  g_autoptr(GString) many = g_string_new ("{\"events\": [");
  g_autoptr(Reply) health = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const BadCase *c = &cases[i];
      g_autoptr(Reply) reply = NULL;

      g_test_message ("%s", c->name);
      reply = request_full (c->method, c->path, c->auth ? t.alice_token : NULL, c->content_type, c->body,
                            c->length, c->chunked);
      assert_error (reply, c->status, c->code);
      if (c->status == 405)
        g_assert_nonnull (soup_message_headers_get_one (reply->headers, "Allow"));
    }

  /* A body nested deep enough to overflow a recursive parser's stack. */
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  {
    g_autoptr(Reply) reply = request ("POST", "/api/v1/events", t.alice_token, deep->str);

    assert_error (reply, 400, "invalid_json");
  }

  /* 2 MiB, with a length and chunked. */
  while (big->len < 2 * 1024 * 1024)
    g_string_append (big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (big, "\"]}");
  {
    g_autoptr(Reply) sized = request_full ("POST", "/api/v1/events", t.alice_token, "application/json",
                                           big->str, big->len, FALSE);
    g_autoptr(Reply) chunked = request_full ("POST", "/api/v1/events", t.alice_token, "application/json",
                                             big->str, big->len, TRUE);

    assert_error (sized, 413, "too_large");
    assert_error (chunked, 413, "too_large");
  }

  /* 1001 events, well under 1 MiB. */
  for (guint i = 0; i < 1001; i++)
    {
      g_autofree char *id = g_uuid_string_random ();

      g_string_append_printf (many, "%s{\"id\": \"%s\", \"actor\": \"a\", \"verb\": \"experienced\", \"course\": \"c\","
                              " \"version\": \"v\", \"object\": \"lesson/x\", \"timestamp\": 1}",
                              i > 0 ? ", " : "", id);
    }
  g_string_append (many, "]}");
  g_assert_cmpuint (many->len, <, 1024 * 1024);
  {
    g_autoptr(Reply) reply = request ("POST", "/api/v1/events", t.alice_token, many->str);

    assert_error (reply, 413, "too_large");
  }

  /* After all that, the server still answers, and stored nothing. */
  health = request ("GET", "/healthz", NULL, NULL);
  assert_status (health, 200);
  {
    guint n_pages;
    g_autoptr(GPtrArray) pulled = pull_all (t.alice_token, 1000, &n_pages);

    g_assert_cmpuint (pulled->len, ==, t.alice_events->len);
  }
}

static void
test_export (void)
{
  g_autoptr(Reply) reply = request ("GET", "/api/v1/me/export", t.alice_token, NULL);
  JsonObject *account;
  JsonArray *events, *tokens;
  g_autofree char *text = NULL;

  assert_status (reply, 200);
  account = json_object_get_object_member (reply_object (reply), "account");
  g_assert_cmpstr (json_object_get_string_member (account, "id"), ==, t.alice_id);
  g_assert_cmpstr (json_object_get_string_member (account, "email"), ==, "alice@example.org");
  g_assert_cmpstr (json_object_get_string_member (account, "name"), ==, "Alice Smit");
  g_assert_cmpint (json_object_get_int_member (account, "created"), >, 0);
  events = json_object_get_array_member (reply_object (reply), "events");
  g_assert_cmpuint (json_array_get_length (events), ==, t.alice_events->len);
  tokens = json_object_get_array_member (reply_object (reply), "tokens");
  g_assert_cmpuint (json_array_get_length (tokens), >=, 2);
  for (guint i = 0; i < json_array_get_length (tokens); i++)
    {
      JsonObject *token = json_array_get_object_element (tokens, i);

      g_assert_false (json_object_has_member (token, "token"));
      g_assert_cmpint (json_object_get_int_member (token, "expires"), >, json_object_get_int_member (token, "created"));
    }

  text = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
  g_assert_null (strstr (text, "argon2"));
  g_assert_null (strstr (text, "password"));
  g_assert_null (strstr (text, t.alice_token));
}

static void
test_erase (void)
{
  g_autoptr(Reply) erased = request ("DELETE", "/api/v1/me", t.alice_token, NULL);
  g_autoptr(Reply) old_token = NULL;
  g_autoptr(Reply) other_device = NULL;
  g_autoptr(Reply) relogin = NULL;
  g_autoptr(Reply) again = NULL;
  g_autoptr(GPtrArray) pulled = NULL;
  g_autofree char *token = NULL;
  guint n_pages;

  assert_status (erased, 204);
  old_token = request ("GET", "/api/v1/events", t.alice_token, NULL);
  assert_error (old_token, 401, "unauthorized");
  other_device = request ("GET", "/api/v1/events", t.alice_device2, NULL);
  assert_error (other_device, 401, "unauthorized");
  relogin = login ("alice@example.org", "alice's long passphrase");
  assert_error (relogin, 401, "unauthorized");

  /* The address is free again, for an account with none of the old events. */
  again = enrol (t.code, "Alice Smit", "alice@example.org", "alice's new passphrase");
  assert_status (again, 201);
  token = session_token (again);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply_object (again), "account"), "id"),
                   !=, t.alice_id);
  pulled = pull_all (token, 500, &n_pages);
  g_assert_cmpuint (pulled->len, ==, 0);
}

static void
test_metrics (void)
{
  g_autoptr(Reply) reply = request ("GET", "/metrics", NULL, NULL);
  g_autofree char *text = NULL;
  const char *type;

  assert_status (reply, 200);
  type = soup_message_headers_get_content_type (reply->headers, NULL);
  g_assert_cmpstr (type, ==, "text/plain");
  text = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
  g_assert_nonnull (strstr (text, "# TYPE trellis_http_requests_total counter\n"));
  g_assert_nonnull (strstr (text, "trellis_http_requests_total{route=\"/api/v1/events\",status=\"200\"} "));
  g_assert_nonnull (strstr (text, "trellis_http_requests_total{route=\"/api/v1/events\",status=\"413\"} "));
  g_assert_nonnull (strstr (text, "trellis_http_requests_total{route=\"/api/v1/courses/{id}\",status=\"404\"} "));
  g_assert_nonnull (strstr (text, "trellis_http_requests_total{route=\"unmatched\",status=\"404\"} "));
  g_assert_nonnull (strstr (text, "# TYPE trellis_http_request_duration_seconds histogram\n"));
  g_assert_nonnull (strstr (text, "trellis_http_request_duration_seconds_bucket{route=\"/api/v1/auth/login\",le=\"0.001\"} "));
  g_assert_nonnull (strstr (text, "trellis_http_request_duration_seconds_bucket{route=\"/api/v1/auth/login\",le=\"2.5\"} "));
  g_assert_nonnull (strstr (text, "trellis_http_request_duration_seconds_bucket{route=\"/api/v1/auth/login\",le=\"+Inf\"} "));
  g_assert_nonnull (strstr (text, "trellis_http_request_duration_seconds_count{route=\"/api/v1/auth/login\"} "));
  /* Alice's events (erased since), bob's one: counted as stored. */
  {
    g_autofree char *line = g_strdup_printf ("\ntrellis_events_stored_total %u\n", t.alice_events->len + 1);

    g_assert_nonnull (strstr (text, line));
  }
  /* Erin, Tom, Bob, Dave and the new Alice. */
  g_assert_nonnull (strstr (text, "\ntrellis_accounts 5\n"));
  /* Route patterns, never raw paths. */
  g_assert_null (strstr (text, "no-such-course"));
  g_assert_null (strstr (text, "nothing-here"));
}

/* Requests that come at once to both listener threads (setup) are all
 * answered and all stored, and new connections are spread over both. */
#define PUSHERS          4
#define PUSHES_EACH      25

typedef struct
{
  const char *url;
  guint       n_stored;
} Pusher;

static gpointer
pusher_thread (gpointer data)
{
  Pusher *pusher = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, "proxy-resolver", NULL, NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", t.bob_token, NULL);

  for (guint i = 0; i < PUSHES_EACH; i++)
    {
      g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", pusher->url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GBytes) answer = NULL;
      g_autofree char *text = NULL;

      g_ptr_array_add (events, course_event (TR_VERB_EXPERIENCED, "lesson/first-signals", NULL));
      text = events_body (events);
      body = g_bytes_new (text, strlen (text));
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      answer = soup_session_send_and_read (session, msg, NULL, NULL);
      if (answer != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK)
        pusher->n_stored++;
    }
  return NULL;
}

static guint64
listener_requests (const char *metrics,
                   guint       listener)
{
  g_autofree char *label = g_strdup_printf ("\ntrellis_listener_requests_total{listener=\"%u\"} ", listener);
  const char *line = strstr (metrics, label);

  return line != NULL ? g_ascii_strtoull (line + strlen (label), NULL, 10) : 0;
}

static void
test_listeners (void)
{
  g_autofree char *url = g_strconcat (tr_test_server_get_url (t.server), "/api/v1/events", NULL);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *metrics = NULL;
  Pusher pushers[PUSHERS];
  GThread *threads[PUSHERS];
  guint n_pages;

  before = pull_all (t.bob_token, 500, &n_pages);
  for (guint i = 0; i < PUSHERS; i++)
    {
      pushers[i] = (Pusher) { .url = url };
      threads[i] = g_thread_new ("pusher", pusher_thread, &pushers[i]);
    }
  for (guint i = 0; i < PUSHERS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (pushers[i].n_stored, ==, PUSHES_EACH);
    }
  after = pull_all (t.bob_token, 500, &n_pages);
  g_assert_cmpuint (after->len, ==, before->len + PUSHERS * PUSHES_EACH);

  /* Each request on a connection of its own: the kernel picks a listener
   * by the connection's addresses, so 32 of them reach both. */
  for (guint i = 0; i < 32; i++)
    {
      g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
      g_autofree char *health = g_strconcat (tr_test_server_get_url (t.server), "/healthz", NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", health);
      g_autoptr(GBytes) answer = soup_session_send_and_read (session, msg, NULL, NULL);

      g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
    }
  {
    g_autoptr(Reply) reply = request ("GET", "/metrics", NULL, NULL);

    assert_status (reply, 200);
    metrics = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
  }
  g_assert_cmpuint (listener_requests (metrics, 0), >, 0);
  g_assert_cmpuint (listener_requests (metrics, 1), >, 0);
  g_assert_cmpuint (listener_requests (metrics, 2), ==, 0);
}

static void
test_shutdown (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  tr_test_server_stop (t.server);

  /* The request log: one line per request, no secrets. */
  g_file_get_contents (tr_test_server_get_log_path (t.server), &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (log, "POST /api/v1/events 200 "));
  g_assert_nonnull (strstr (log, "GET /api/v1/courses/{id} 404 "));
  g_assert_nonnull (strstr (log, "broken-course"));
  for (guint i = 0; i < t.secrets->len; i++)
    g_assert_null (strstr (log, g_ptr_array_index (t.secrets, i)));
  g_assert_null (strstr (log, "passphrase"));
}

static void
test_limits (void)
{
  g_autoptr(TrsLimits) limits = trs_limits_new (5, 20, 15 * 60 * G_USEC_PER_SEC);
  gint64 now = 1000 * G_USEC_PER_SEC;
  guint retry = 0;

  /* Five failures for one account: the sixth attempt waits, until the
   * first failure leaves the window. */
  for (guint i = 0; i < 5; i++)
    {
      g_assert_true (trs_limits_check (limits, "Sam@Example.org", "10.0.0.1", now + i, &retry));
      trs_limits_failed (limits, "sam@example.org", "10.0.0.1", now + i);
    }
  g_assert_false (trs_limits_check (limits, "sam@example.org", "10.0.0.2", now + 10, &retry));
  g_assert_cmpuint (retry, ==, 15 * 60);
  g_assert_true (trs_limits_check (limits, "sam@example.org", "10.0.0.2", now + 15 * 60 * G_USEC_PER_SEC + 1, &retry));
  g_assert_cmpuint (retry, ==, 0);
  /* Other accounts are not held up. */
  g_assert_true (trs_limits_check (limits, "kim@example.org", "10.0.0.1", now + 10, NULL));
  /* A success clears the account. */
  trs_limits_succeeded (limits, "SAM@example.org");
  g_assert_true (trs_limits_check (limits, "sam@example.org", "10.0.0.3", now + 20, NULL));

  /* Twenty failures from one address, over many accounts. */
  for (guint i = 0; i < 15; i++)
    {
      g_autofree char *account = g_strdup_printf ("user%u@example.org", i);

      trs_limits_failed (limits, account, "10.0.0.1", now + 100 + i);
    }
  g_assert_false (trs_limits_check (limits, "new@example.org", "10.0.0.1", now + 200, &retry));
  g_assert_cmpuint (retry, >, 0);
  g_assert_true (trs_limits_check (limits, "new@example.org", "10.0.0.9", now + 200, NULL));
}

int
main (int    argc,
      char **argv)
{
  int status;

  tr_test_init (&argc, &argv);
  g_test_add_func ("/server/limits", test_limits);

  if (!tr_test_server_found ())
    return 1;
  setup ();
  g_test_add_func ("/server/api/health", test_health);
  g_test_add_func ("/server/api/enrol", test_enrol);
  g_test_add_func ("/server/api/login", test_login);
  g_test_add_func ("/server/api/login-limit", test_login_limit);
  g_test_add_func ("/server/api/events", test_events);
  g_test_add_func ("/server/api/bad-batch-stores-nothing", test_bad_batch_stores_nothing);
  g_test_add_func ("/server/api/progress", test_progress);
  g_test_add_func ("/server/api/isolation", test_isolation);
  g_test_add_func ("/server/api/tokens", test_tokens);
  g_test_add_func ("/server/api/courses", test_courses);
  g_test_add_func ("/server/api/bad-input", test_bad_input);
  g_test_add_func ("/server/api/export", test_export);
  g_test_add_func ("/server/api/erase", test_erase);
  g_test_add_func ("/server/api/metrics", test_metrics);
  g_test_add_func ("/server/api/listeners", test_listeners);
  g_test_add_func ("/server/api/shutdown", test_shutdown);
  status = g_test_run ();

  tr_test_server_free (t.server, status == 0);
  g_clear_object (&t.session);
  if (status == 0)
    tr_test_remove_tree (t.courses_dir);
  g_clear_object (&t.course);
  g_clear_pointer (&t.alice_events, g_ptr_array_unref);
  g_clear_pointer (&t.secrets, g_ptr_array_unref);
  g_free (t.courses_dir);
  g_free (t.course_dir);
  g_free (t.code);
  g_free (t.code_once);
  g_free (t.code_spare);
  g_free (t.alice_token);
  g_free (t.alice_id);
  g_free (t.alice_device2);
  g_free (t.bob_token);
  return status;
}
