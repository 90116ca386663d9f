/* test-sync.c: two devices syncing through the real trellis-server
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "tr-course-loader.h"
#include "tr-test-server.h"
#include "tr-test-store.h"
#include "tr-test-util.h"
#include "trellis-progress-store.h"
#include "trellis-sync.h"
#include "trellis-token-storage.h"

#define WAIT_S          30
#define EMAIL           "sam@example.org"
#define PASSWORD        "a long passphrase"
#define NOTE_TEXT       "Private reflection 7f3a: the pupil's brother worries me"
#define N_BULK_EVENTS   520   /* more than one batch of 500 */

static TrCourse *course;

/* Waiting: the main context runs, bounded in time. */

typedef struct
{
  TrellisSync      *sync;
  TrellisSyncState  state;
} StateWait;

static gboolean
state_reached (gpointer data)
{
  StateWait *wait = data;

  return trellis_sync_get_state (wait->sync) == wait->state;
}

static void
wait_for_state (TrellisSync      *sync,
                TrellisSyncState  state,
                guint             timeout_s)
{
  StateWait wait = { sync, state };

  if (!tr_test_wait_for (state_reached, &wait, timeout_s))
    g_error ("Sync state %d, not %d, after %u s (message: %s)", trellis_sync_get_state (sync), state,
             timeout_s, trellis_sync_get_message (sync));
}

/* Waits for a whole sync: SYNCING, then SYNCED. */
static void
sync_and_wait (TrellisSync *sync)
{
  trellis_sync_now (sync);
  g_assert_cmpint (trellis_sync_get_state (sync), ==, TRELLIS_SYNC_SYNCING);
  wait_for_state (sync, TRELLIS_SYNC_SYNCED, WAIT_S);
}

static void
async_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  return *result;
}

/* Stores. */

static TrellisProgressStore *
open_store (const char *name)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), name, "progress.db", NULL);

  return tr_test_store_open (path, WAIT_S);
}

static void
close_store (TrellisProgressStore *store)
{
  tr_test_finalize_object (store, WAIT_S);
}

static JsonObject *
choice_result (const char *choice,
               gint64      weight)
{
  JsonObject *result = json_object_new ();

  json_object_set_string_member (result, "choice", choice);
  json_object_set_int_member (result, "weight", weight);
  return result;
}

static GHashTable *
event_ids (TrellisProgressStore *store)
{
  GPtrArray *events = trellis_progress_store_get_events (store);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < events->len; i++)
    g_hash_table_add (ids, g_strdup (((TrEvent *) g_ptr_array_index (events, i))->id));
  g_assert_cmpuint (g_hash_table_size (ids), ==, events->len);
  return ids;
}

static gint64
db_count (TrellisProgressStore *store,
          const char           *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  trellis_progress_store_flush (store);
  g_assert_cmpint (sqlite3_open_v2 (trellis_progress_store_get_path (store), &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

/* The store's sync functions, without a server. */

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static void
test_store_sync_state (void)
{
  TrellisProgressStore *store = open_store ("store-sync");
  g_autoptr(GPtrArray) unsynced = NULL;
  g_autoptr(GPtrArray) incoming = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  g_autoptr(JsonObject) result = choice_result ("read-calmly", 2);
  g_autofree char *first_id = NULL;
  g_autofree char *second_id = NULL;
  const char *ids[2] = { NULL, NULL };
  g_autofree char *path = NULL;
  sqlite3 *db = NULL;
  GPtrArray *events;
  TrEvent *old_event, *known_event;
  guint changed = 0;

  g_signal_connect (store, "changed", G_CALLBACK (count_cb), &changed);
  g_assert_cmpuint (trellis_progress_store_get_pending_count (store), ==, 0);
  first_id = g_strdup (trellis_progress_store_record (store, course, TR_VERB_EXPERIENCED,
                                                      "lesson/first-signals", NULL)->id);
  second_id = g_strdup (trellis_progress_store_record (store, course, TR_VERB_CHOSE,
                                                       "scenario/corridor/node/start", result)->id);
  trellis_progress_store_set_note (store, tr_course_get_id (course), "lesson/first-signals", NOTE_TEXT);
  g_assert_cmpuint (trellis_progress_store_get_pending_count (store), ==, 2);

  /* Oldest first, at most N, copies. */
  unsynced = trellis_progress_store_get_unsynced (store, 1);
  g_assert_cmpuint (unsynced->len, ==, 1);
  g_assert_cmpstr (((TrEvent *) g_ptr_array_index (unsynced, 0))->id, ==, first_id);
  g_clear_pointer (&unsynced, g_ptr_array_unref);
  unsynced = trellis_progress_store_get_unsynced (store, 500);
  g_assert_cmpuint (unsynced->len, ==, 2);
  g_assert_true (g_ptr_array_index (unsynced, 1) != g_ptr_array_index (trellis_progress_store_get_events (store), 1));
  g_assert_cmpint (tr_event_result_int (g_ptr_array_index (unsynced, 1), "weight", 0), ==, 2);

  ids[0] = first_id;
  trellis_progress_store_mark_synced (store, ids);
  g_assert_cmpuint (trellis_progress_store_get_pending_count (store), ==, 1);
  g_clear_pointer (&unsynced, g_ptr_array_unref);
  unsynced = trellis_progress_store_get_unsynced (store, 500);
  g_assert_cmpuint (unsynced->len, ==, 1);
  g_assert_cmpstr (((TrEvent *) g_ptr_array_index (unsynced, 0))->id, ==, second_id);

  /* Merge: unknown ids only, in time order, already synced. */
  changed = 0;
  old_event = tr_event_new ("other-device", TR_VERB_PASSED, tr_course_get_id (course),
                            tr_course_get_version (course), "quiz", NULL);
  old_event->timestamp = 1000;
  g_ptr_array_add (incoming, old_event);
  known_event = tr_event_copy (g_ptr_array_index (trellis_progress_store_get_events (store), 0));
  g_ptr_array_add (incoming, known_event);
  g_assert_cmpuint (trellis_progress_store_merge (store, incoming), ==, 1);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (trellis_progress_store_merge (store, incoming), ==, 0);
  g_assert_cmpuint (changed, ==, 1);
  events = trellis_progress_store_get_events (store);
  g_assert_cmpuint (events->len, ==, 3);
  g_assert_cmpstr (((TrEvent *) g_ptr_array_index (events, 0))->id, ==, old_event->id);
  g_assert_cmpuint (trellis_progress_store_get_pending_count (store), ==, 1);

  g_assert_cmpint (db_count (store, "SELECT count(*) FROM events"), ==, 3);
  g_assert_cmpint (db_count (store, "SELECT count(*) FROM events WHERE synced = 0"), ==, 1);
  g_assert_cmpint (db_count (store, "SELECT count(*) FROM events WHERE synced = 0 AND verb = 'chose'"), ==, 1);
  path = g_strdup (trellis_progress_store_get_path (store));
  close_store (store);

  /* A row this version cannot read is skipped, and not counted as pending. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO events (id, actor, verb, course_id, course_version, object,"
                                     " timestamp) VALUES ('0d2f6c1e-0000-4000-8000-000000000001', 'a',"
                                     " 'frobnicated', 'c', 'v', 'quiz', 5)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_test_expect_message ("trellis-store", G_LOG_LEVEL_WARNING, "Skipping stored event*");

  /* What was synced stays synced after a restart. */
  store = open_store ("store-sync");
  g_test_assert_expected_messages ();
  g_assert_cmpuint (trellis_progress_store_get_events (store)->len, ==, 3);
  g_assert_cmpuint (trellis_progress_store_get_pending_count (store), ==, 1);
  g_clear_pointer (&unsynced, g_ptr_array_unref);
  unsynced = trellis_progress_store_get_unsynced (store, 500);
  g_assert_cmpuint (unsynced->len, ==, 1);
  g_assert_cmpstr (((TrEvent *) g_ptr_array_index (unsynced, 0))->id, ==, second_id);
  g_assert_cmpint (tr_event_result_int (g_ptr_array_index (unsynced, 0), "weight", 0), ==, 2);
  close_store (store);
}

static void
test_store_meta (void)
{
  TrellisProgressStore *store = open_store ("store-meta");
  char *value;

  g_assert_null (trellis_progress_store_get_meta (store, "sync.cursor"));
  trellis_progress_store_set_meta (store, "sync.cursor", "42");
  trellis_progress_store_set_meta (store, "sync.server", "https://example.org");
  value = trellis_progress_store_get_meta (store, "sync.cursor");
  g_assert_cmpstr (value, ==, "42");
  g_free (value);
  trellis_progress_store_set_meta (store, "sync.server", NULL);
  close_store (store);

  store = open_store ("store-meta");
  value = trellis_progress_store_get_meta (store, "sync.cursor");
  g_assert_cmpstr (value, ==, "42");
  g_free (value);
  g_assert_null (trellis_progress_store_get_meta (store, "sync.server"));
  /* The store's own key is there too, untouched. */
  value = trellis_progress_store_get_meta (store, "actor");
  g_assert_cmpstr (value, ==, trellis_progress_store_get_actor (store));
  g_free (value);
  close_store (store);
}

/* Token storage falls back to a private file when no keyring answers. */

static void
assert_token_file_mode (void)
{
  g_autofree char *path = trellis_token_storage_get_file_path ();
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static char *
read_token_file (void)
{
  g_autofree char *path = trellis_token_storage_get_file_path ();
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return g_strstrip (contents);
}

static void
test_token_storage (void)
{
  g_autofree char *path = trellis_token_storage_get_file_path ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *stored = NULL;

  trellis_token_storage_load_async ("https://example.org", NULL, async_result_cb, &result);
  token = trellis_token_storage_load_finish (wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_null (token);
  g_clear_object (&result);

  trellis_token_storage_save_async ("https://example.org", "tr_secret", NULL, async_result_cb, &result);
  g_assert_true (trellis_token_storage_save_finish (wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  assert_token_file_mode ();
  stored = read_token_file ();
  g_assert_cmpstr (stored, ==, "tr_secret");

  trellis_token_storage_load_async ("https://example.org", NULL, async_result_cb, &result);
  token = trellis_token_storage_load_finish (wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "tr_secret");
  g_clear_object (&result);

  trellis_token_storage_clear_async ("https://example.org", NULL, async_result_cb, &result);
  g_assert_true (trellis_token_storage_clear_finish (wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* What enrolment refuses before asking a server, and an absent server. */

static GError *
enrol_error (TrellisSync *sync,
             const char  *server,
             const char  *password)
{
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;

  trellis_sync_enrol_async (sync, server, "ABCD-EFGH", "Sam Jansen", EMAIL, password, NULL,
                            async_result_cb, &result);
  g_assert_false (trellis_sync_enrol_finish (sync, wait_for_result (&result), &error));
  g_assert_nonnull (error);
  return error;
}

static void
test_enrol_checks (void)
{
  TrellisProgressStore *store = open_store ("checks");
  TrellisSync *sync = trellis_sync_new (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autofree char *closed = NULL;
  guint16 port;

  trellis_sync_start (sync);
  g_assert_cmpint (trellis_sync_get_state (sync), ==, TRELLIS_SYNC_SIGNED_OUT);

  error = enrol_error (sync, "http://trellis.example.org", PASSWORD);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "https://"));
  g_clear_error (&error);

  error = enrol_error (sync, "   ", PASSWORD);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  error = enrol_error (sync, "ftp://trellis.example.org", PASSWORD);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  error = enrol_error (sync, "trellis.example.org", "short");
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "The password needs at least 10 characters");
  g_clear_error (&error);

  /* A port nobody listens on: take a free one and let it go. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  closed = g_strdup_printf ("http://127.0.0.1:%u", port);
  error = enrol_error (sync, closed, PASSWORD);
  g_assert_true (g_str_has_prefix (error->message, "Cannot reach the server: "));
  g_clear_error (&error);

  g_assert_cmpint (trellis_sync_get_state (sync), ==, TRELLIS_SYNC_SIGNED_OUT);
  g_assert_null (trellis_sync_get_account_name (sync));
  tr_test_finalize_object (sync, WAIT_S);
  close_store (store);
}

/* The real server, on the same port after a restart. */

static TrTestServer *server;
static char *server_code;
static char *courses_dir;

static void
server_setup (void)
{
  g_autofree char *source = tr_test_fixture_path ("example-course", NULL);
  g_autofree char *course_copy = tr_test_copy_tree (source);
  TrTestServerOptions options = { 0 };

  server = tr_test_server_new ("sync-test");
  courses_dir = g_path_get_dirname (course_copy);
  tr_test_server_add_institute (server, "Test");
  server_code = tr_test_server_create_code (server, "Test", NULL);
  options.courses_dir = courses_dir;
  tr_test_server_start (server, &options);
}

/* Plain HTTP from the test, to look at the server directly. */
static JsonNode *
http (const char *method,
      const char *path,
      const char *token,
      guint      *out_status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (tr_test_server_get_url (server), "/api/v1", path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, uri);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  *out_status = soup_message_get_status (message);
  if (g_bytes_get_size (body) == 0)
    return NULL;
  return json_from_string (g_bytes_get_data (body, NULL), NULL);
}

/* The two devices, and the account they share. */

static TrellisProgressStore *store_a;
static TrellisProgressStore *store_b;
static TrellisSync *sync_a;
static TrellisSync *sync_b;
static char *token_a;
static GPtrArray *courses_seen;

static void
courses_available_cb (TrellisSync *sync,
                      GPtrArray   *courses,
                      gpointer     user_data)
{
  g_ptr_array_set_size (courses_seen, 0);
  for (guint i = 0; i < courses->len; i++)
    g_ptr_array_add (courses_seen,
                     g_strdup (json_object_get_string_member (g_ptr_array_index (courses, i), "id")));
}

static void
record_some (TrellisProgressStore *store,
             const char           *lesson)
{
  g_autoptr(JsonObject) result = choice_result ("talk-first", 2);
  g_autofree char *object = g_strconcat ("lesson/", lesson, NULL);

  trellis_progress_store_record (store, course, TR_VERB_EXPERIENCED, object, NULL);
  trellis_progress_store_record (store, course, TR_VERB_CHOSE, "scenario/corridor/node/start", result);
}

static void
step_enrol_and_push (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  guint status;

  server_setup ();
  store_a = open_store ("device-a");
  sync_a = trellis_sync_new (store_a);
  courses_seen = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (sync_a, "courses-available", G_CALLBACK (courses_available_cb), NULL);
  trellis_sync_start (sync_a);
  g_assert_cmpint (trellis_sync_get_state (sync_a), ==, TRELLIS_SYNC_SIGNED_OUT);

  /* Recorded while signed out: kept for later. */
  record_some (store_a, "first-signals");
  g_assert_cmpuint (trellis_sync_get_pending (sync_a), ==, 2);

  trellis_sync_enrol_async (sync_a, tr_test_server_get_url (server), server_code, "Sam Jansen", EMAIL, PASSWORD, NULL,
                            async_result_cb, &result);
  trellis_sync_enrol_finish (sync_a, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (trellis_sync_get_account_name (sync_a), ==, "Sam Jansen");
  g_assert_cmpstr (trellis_sync_get_server (sync_a), ==, tr_test_server_get_url (server));
  assert_token_file_mode ();
  token_a = read_token_file ();
  g_assert_nonnull (token_a);

  wait_for_state (sync_a, TRELLIS_SYNC_SYNCED, WAIT_S);
  g_assert_cmpuint (trellis_sync_get_pending (sync_a), ==, 0);
  g_assert_cmpint (trellis_sync_get_last_synced (sync_a), >, 0);
  g_assert_cmpuint (courses_seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (courses_seen, 0), ==, "example-course");
  g_assert_cmpint (db_count (store_a, "SELECT count(*) FROM events WHERE synced = 0"), ==, 0);

  /* More than one batch. */
  for (guint i = 0; i < N_BULK_EVENTS; i++)
    trellis_progress_store_record (store_a, course, TR_VERB_EXPERIENCED, "lesson/talking-first", NULL);
  g_assert_cmpuint (trellis_sync_get_pending (sync_a), ==, N_BULK_EVENTS);
  /* The store's "changed" starts a sync by itself, 2 s later. */
  wait_for_state (sync_a, TRELLIS_SYNC_SYNCING, 10);
  wait_for_state (sync_a, TRELLIS_SYNC_SYNCED, WAIT_S);
  g_assert_cmpuint (trellis_sync_get_pending (sync_a), ==, 0);

  root = http ("GET", "/events?after=0&limit=1000", token_a, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "events")),
                    ==, 2 + N_BULK_EVENTS);
}

static void
step_second_device (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) ids_a = NULL;
  g_autoptr(GHashTable) ids_b = NULL;
  g_autofree char *address = NULL;
  GHashTableIter iter;
  gpointer id;

  store_b = open_store ("device-b");
  sync_b = trellis_sync_new (store_b);
  trellis_sync_start (sync_b);

  /* Errors the learner reads. */
  trellis_sync_sign_in_async (sync_b, tr_test_server_get_url (server), EMAIL, "not the password", NULL,
                              async_result_cb, &result);
  g_assert_false (trellis_sync_sign_in_finish (sync_b, wait_for_result (&result), &error));
  g_assert_cmpstr (error->message, ==, "Wrong e-mail address or password");
  g_clear_error (&error);
  g_clear_object (&result);
  trellis_sync_enrol_async (sync_b, tr_test_server_get_url (server), server_code, "Sam Again", EMAIL, PASSWORD, NULL,
                            async_result_cb, &result);
  g_assert_false (trellis_sync_enrol_finish (sync_b, wait_for_result (&result), &error));
  g_assert_cmpstr (error->message, ==, "This e-mail address already has an account");
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpint (trellis_sync_get_state (sync_b), ==, TRELLIS_SYNC_SIGNED_OUT);

  /* As learners may type it, with a trailing slash. */
  address = g_strconcat (tr_test_server_get_url (server), "/", NULL);
  trellis_sync_sign_in_async (sync_b, address, EMAIL, PASSWORD, NULL, async_result_cb, &result);
  trellis_sync_sign_in_finish (sync_b, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (trellis_sync_get_server (sync_b), ==, tr_test_server_get_url (server));
  g_assert_cmpstr (trellis_sync_get_account_name (sync_b), ==, "Sam Jansen");
  wait_for_state (sync_b, TRELLIS_SYNC_SYNCED, WAIT_S);

  /* B has A's events (over more than one page), as synced. */
  ids_a = event_ids (store_a);
  ids_b = event_ids (store_b);
  g_assert_cmpuint (g_hash_table_size (ids_b), ==, 2 + N_BULK_EVENTS);
  g_hash_table_iter_init (&iter, ids_a);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_assert_true (g_hash_table_contains (ids_b, id));
  g_assert_cmpuint (trellis_sync_get_pending (sync_b), ==, 0);
  g_assert_cmpint (db_count (store_b, "SELECT count(*) FROM events WHERE synced = 1"), ==, 2 + N_BULK_EVENTS);
}

static void
step_converge (void)
{
  g_autoptr(GHashTable) ids_a = NULL;
  g_autoptr(GHashTable) ids_b = NULL;
  GHashTableIter iter;
  gpointer id;

  record_some (store_b, "talking-first");
  g_assert_cmpuint (trellis_sync_get_pending (sync_b), ==, 2);
  sync_and_wait (sync_b);
  g_assert_cmpuint (trellis_sync_get_pending (sync_b), ==, 0);

  sync_and_wait (sync_a);
  ids_a = event_ids (store_a);
  ids_b = event_ids (store_b);
  g_assert_cmpuint (g_hash_table_size (ids_a), ==, 4 + N_BULK_EVENTS);
  g_assert_cmpuint (g_hash_table_size (ids_a), ==, g_hash_table_size (ids_b));
  g_hash_table_iter_init (&iter, ids_a);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_assert_true (g_hash_table_contains (ids_b, id));
  g_assert_cmpint (db_count (store_a, "SELECT count(*) FROM events"), ==, 4 + N_BULK_EVENTS);
}

static void
step_notes_stay_local (void)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *export = NULL;
  guint status;

  trellis_progress_store_set_note (store_a, tr_course_get_id (course), "lesson/first-signals", NOTE_TEXT);
  record_some (store_a, "first-signals");
  sync_and_wait (sync_a);

  root = http ("GET", "/me/export", token_a, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (root);
  export = json_to_string (root, FALSE);
  g_assert_nonnull (strstr (export, "scenario/corridor/node/start"));
  g_assert_null (strstr (export, NOTE_TEXT));
  g_assert_null (strstr (export, "Private reflection"));
}

static void
step_offline_and_resume (void)
{
  g_autoptr(JsonNode) root = NULL;
  guint status, n_before, n_after;

  root = http ("GET", "/events?after=0&limit=1000", token_a, &status);
  n_before = json_array_get_length (json_object_get_array_member (json_node_get_object (root), "events"));
  g_clear_pointer (&root, json_node_unref);

  tr_test_server_stop (server);
  record_some (store_a, "talking-first");
  trellis_sync_now (sync_a);
  wait_for_state (sync_a, TRELLIS_SYNC_OFFLINE, WAIT_S);
  g_assert_cmpuint (trellis_sync_get_pending (sync_a), ==, 2);
  g_assert_true (g_str_has_prefix (trellis_sync_get_message (sync_a), "Cannot reach the server: "));
  g_assert_cmpint (db_count (store_a, "SELECT count(*) FROM events WHERE synced = 0"), ==, 2);

  /* Recorded while offline: waits for the backoff, not sent at once. */
  record_some (store_a, "first-signals");
  g_assert_cmpuint (trellis_sync_get_pending (sync_a), ==, 4);

  /* The same data and port: the retry, 5 s after, finds it. */
  tr_test_server_restart (server);
  wait_for_state (sync_a, TRELLIS_SYNC_SYNCED, WAIT_S);
  g_assert_cmpuint (trellis_sync_get_pending (sync_a), ==, 0);
  g_assert_null (trellis_sync_get_message (sync_a));

  root = http ("GET", "/events?after=0&limit=1000", token_a, &status);
  g_assert_cmpuint (status, ==, 200);
  n_after = json_array_get_length (json_object_get_array_member (json_node_get_object (root), "events"));
  g_assert_cmpuint (n_after, ==, n_before + 4);
}

static void
step_sign_out (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = trellis_token_storage_get_file_path ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *token_b = read_token_file ();
  guint n_events = trellis_progress_store_get_events (store_b)->len;
  guint status;

  g_assert_nonnull (token_b);
  trellis_sync_sign_out_async (sync_b, NULL, async_result_cb, &result);
  g_assert_true (trellis_sync_sign_out_finish (sync_b, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (trellis_sync_get_state (sync_b), ==, TRELLIS_SYNC_SIGNED_OUT);
  g_assert_null (trellis_sync_get_account_name (sync_b));
  g_assert_null (trellis_sync_get_message (sync_b));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* The events stay; the token no longer works. */
  g_assert_cmpuint (trellis_progress_store_get_events (store_b)->len, ==, n_events);
  root = http ("GET", "/events?after=0&limit=1", token_b, &status);
  g_assert_cmpuint (status, ==, 401);

  /* Recording while signed out sends nothing. */
  record_some (store_b, "first-signals");
  trellis_sync_now (sync_b);
  g_assert_cmpint (trellis_sync_get_state (sync_b), ==, TRELLIS_SYNC_SIGNED_OUT);
  g_assert_cmpuint (trellis_sync_get_pending (sync_b), ==, 2);
}

static void
step_revoked_token (void)
{
  g_autoptr(JsonNode) root = NULL;
  guint status;

  /* Another program ends A's session: A notices at its next sync. */
  root = http ("POST", "/auth/logout", token_a, &status);
  g_assert_cmpuint (status, ==, 204);
  record_some (store_a, "first-signals");
  trellis_sync_now (sync_a);
  wait_for_state (sync_a, TRELLIS_SYNC_SIGNED_OUT, WAIT_S);
  g_assert_cmpstr (trellis_sync_get_message (sync_a), ==, "Signed out: please sign in again");
  g_assert_null (trellis_sync_get_account_name (sync_a));
  g_assert_cmpuint (trellis_sync_get_pending (sync_a), ==, 2);
}

static void
step_too_many_attempts (void)
{
  g_autoptr(GRegex) expected = g_regex_new ("^Too many attempts: try again in [0-9]+ minutes?$", 0, 0, NULL);
  gboolean limited = FALSE;

  for (guint i = 0; i < 30 && !limited; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      trellis_sync_sign_in_async (sync_b, tr_test_server_get_url (server), EMAIL, "still not the password", NULL,
                                  async_result_cb, &result);
      g_assert_false (trellis_sync_sign_in_finish (sync_b, wait_for_result (&result), &error));
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY))
        {
          g_assert_true (g_regex_match (expected, error->message, 0, NULL));
          limited = TRUE;
        }
      else
        g_assert_cmpstr (error->message, ==, "Wrong e-mail address or password");
    }
  g_assert_true (limited);
  g_assert_cmpint (trellis_sync_get_state (sync_b), ==, TRELLIS_SYNC_SIGNED_OUT);
}

static void
step_teardown (void)
{
  tr_test_finalize_object (sync_a, WAIT_S);
  tr_test_finalize_object (sync_b, WAIT_S);
  close_store (store_a);
  close_store (store_b);
  tr_test_server_stop (server);
  g_clear_pointer (&courses_seen, g_ptr_array_unref);
  g_clear_pointer (&token_a, g_free);
  tr_test_server_free (server, TRUE);
  tr_test_remove_tree (courses_dir);
  g_clear_pointer (&courses_dir, g_free);
  g_clear_pointer (&server_code, g_free);
}

/* One test, since every step builds on the one before and the isolated
 * directories (where the token file lives) change between tests. */
static void
test_two_devices (void)
{
  static const struct {
    const char *what;
    void      (*run) (void);
  } steps[] = {
    { "device A enrols and sends its events", step_enrol_and_push },
    { "device B signs in and gets A's events", step_second_device },
    { "A and B converge", step_converge },
    { "reflection notes stay on the device", step_notes_stay_local },
    { "offline, events wait; back online, they go", step_offline_and_resume },
    { "B signs out", step_sign_out },
    { "A's session ends on the server", step_revoked_token },
    { "too many wrong passwords", step_too_many_attempts },
    { "cleaning up", step_teardown },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_test_message ("Step %u: %s", i + 1, steps[i].what);
      steps[i].run ();
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *course_dir = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  tr_test_init (&argc, &argv);
  /* No keyring: the token goes to the file these tests look at. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/trellis-test-bus", TRUE);
  /* The desktop's proxy settings need GSettings schemas the isolated
   * directories do not have; loopback needs no proxy. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  course_dir = tr_test_fixture_path ("example-course", NULL);
  course = tr_course_load_valid (course_dir, &error);
  g_assert_no_error (error);

  g_test_add_func ("/sync/store/sync-state", test_store_sync_state);
  g_test_add_func ("/sync/store/meta", test_store_meta);
  g_test_add_func ("/sync/token-storage", test_token_storage);
  g_test_add_func ("/sync/enrol-checks", test_enrol_checks);
  g_test_add_func ("/sync/server/two-devices", test_two_devices);
  status = g_test_run ();
  g_object_unref (course);
  return status;
}
