/* test-store-crash.c: the client's progress store, killed with SIGKILL
 * while it writes and while it syncs, keeps what it flushed
 *
 * The test runs itself again as a helper process (its first argument
 * "--helper") that records events through trellis_progress_store_record ()
 * and prints each event's id once trellis_progress_store_flush () returned.
 * The test kills the helper at random moments and starts it again on the
 * same store: every printed id must be stored exactly once, and the store
 * must pass PRAGMA integrity_check. The same with a helper that syncs with
 * the real trellis-server while it records; in the end the store and the
 * server hold the same events, each once.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store-crash"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <libsoup/soup.h>

#include "tr-course-loader.h"
#include "tr-test-server.h"
#include "tr-test-sqlite.h"
#include "tr-test-util.h"
#include "trellis-progress-store.h"
#include "trellis-sync.h"
#include "trellis-token-storage.h"

#define N_KILLS       6
#define MIN_DELAY_MS  50
#define MAX_DELAY_MS  500
#define WAIT_S        30
#define EMAIL         "sam@example.org"
#define PASSWORD      "a long passphrase"
#define N_OTHER       20    /* events of another device, before each run */

/* ----------------------------------------------------------------------- */
/* Opening the store, bounded                                               */

static void
store_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!trellis_progress_store_open_finish (TRELLIS_PROGRESS_STORE (source), result, &error))
    g_error ("Could not open the store: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

static TrellisProgressStore *
open_store (const char *path)
{
  TrellisProgressStore *store = trellis_progress_store_new (path);
  gboolean done = FALSE;

  trellis_progress_store_open_async (store, NULL, store_opened_cb, &done);
  if (!tr_test_wait_for (tr_test_flag_set, &done, WAIT_S))
    g_error ("The store %s did not open", path);
  return store;
}

/* ----------------------------------------------------------------------- */
/* The helper process                                                       */

static void
write_all (const char *text,
           gsize       length)
{
  while (length > 0)
    {
      gssize n = write (STDOUT_FILENO, text, length);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          _exit (3);
        }
      text += n;
      length -= n;
    }
}

static void
helper_state_cb (TrellisSync *sync)
{
  g_autofree char *line = g_strdup_printf ("state %d\n", trellis_sync_get_state (sync));

  write_all (line, strlen (line));
}

/* Each batch the server committed lowers the count. */
static void
helper_pending_cb (TrellisSync *sync)
{
  g_autofree char *line = g_strdup_printf ("pending %u\n", trellis_sync_get_pending (sync));

  write_all (line, strlen (line));
}

/* "--helper write|sync STORE COURSE": records events without end, a few
 * at a time, and prints each id on a line of its own once it is flushed;
 * while syncing, asks for a sync after each flush. The parent kills it. */
static int
helper_main (const char *mode,
             const char *store_path,
             const char *course_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCourse) course = tr_course_load_valid (course_path, &error);
  g_autoptr(TrellisProgressStore) store = NULL;
  g_autoptr(TrellisSync) sync = NULL;
  gboolean syncing = g_str_equal (mode, "sync");
  guint n = 0;

  if (course == NULL)
    g_error ("Could not load %s: %s", course_path, error->message);
  store = open_store (store_path);
  if (syncing)
    {
      sync = trellis_sync_new (store);
      g_signal_connect (sync, "notify::state", G_CALLBACK (helper_state_cb), NULL);
      g_signal_connect (sync, "notify::pending", G_CALLBACK (helper_pending_cb), NULL);
      helper_state_cb (sync);
      trellis_sync_start (sync);
    }

  for (;;)
    {
      g_autoptr(GString) lines = g_string_new (NULL);
      guint batch = g_random_int_range (1, 6);

      for (guint i = 0; i < batch; i++, n++)
        {
          g_autofree char *object = g_strdup_printf ("lesson/step-%u", n % 7);
          const TrEvent *event = trellis_progress_store_record (store, course, TR_VERB_EXPERIENCED, object, NULL);

          g_string_append_printf (lines, "%s\n", event->id);
        }
      trellis_progress_store_flush (store);
      /* One write of a few lines is atomic on a pipe: the parent never
       * reads half an id. */
      write_all (lines->str, lines->len);

      if (syncing)
        {
          gint64 until = g_get_monotonic_time () + 5000;

          trellis_sync_now (sync);
          while (g_get_monotonic_time () < until)
            if (!g_main_context_iteration (NULL, FALSE))
              g_usleep (500);
        }
      else
        g_main_context_iteration (NULL, FALSE);
    }
  return 0;
}

/* ----------------------------------------------------------------------- */
/* Running and killing the helper                                           */

static char *course_path;

typedef struct
{
  GDataInputStream *lines;
  GMutex            lock;
  GCond             cond;
  gboolean          ended;
  GPtrArray        *ids;          /* printed, so flushed */
  int               state;        /* the last sync state printed, or -1 */
  guint             pending;      /* the last number of events to send printed */
  guint             n_sent;       /* how often it went down: batches the server took */
} Helper;

static gpointer
reader_thread (gpointer data)
{
  Helper *helper = data;

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (helper->lines, NULL, NULL, NULL);

      g_mutex_lock (&helper->lock);
      if (line == NULL)
        {
          helper->ended = TRUE;
          g_cond_broadcast (&helper->cond);
          g_mutex_unlock (&helper->lock);
          break;
        }
      if (g_str_has_prefix (line, "state "))
        helper->state = (int) g_ascii_strtoll (line + strlen ("state "), NULL, 10);
      else if (g_str_has_prefix (line, "pending "))
        {
          guint pending = (guint) g_ascii_strtoull (line + strlen ("pending "), NULL, 10);

          if (pending < helper->pending)
            helper->n_sent++;
          helper->pending = pending;
        }
      else if (g_uuid_string_is_valid (line))
        g_ptr_array_add (helper->ids, g_steal_pointer (&line));
      else
        g_error ("The helper printed \"%s\"", line);
      g_cond_broadcast (&helper->cond);
      g_mutex_unlock (&helper->lock);
    }
  return NULL;
}

static void
die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
}

typedef struct
{
  guint n_ids;
  int   state;     /* the sync state when the kill came */
  guint n_sent;    /* batches the server took during the run */
} Run;

/* Runs the helper on @store_path, kills it 50–500 ms after its first flush,
 * and adds the ids it printed to @flushed. With @also, kills that server
 * first, and the helper only 100 ms later, once it has seen the failure. */
static Run
run_and_kill (const char   *mode,
              const char   *store_path,
              TrTestServer *also,
              GPtrArray    *flushed)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GThread) reader = NULL;
  Helper helper = { 0 };
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;
  guint delay_ms = g_random_int_range (MIN_DELAY_MS, MAX_DELAY_MS + 1);
  Run run;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* The test's isolated folders are this process's own view (the
   * environment still names others): the helper must find the same store
   * and sign-in token. */
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_test_get_filename (G_TEST_BUILT, "test-store-crash", NULL),
                                         "--helper", mode, store_path, course_path, NULL);
  g_assert_no_error (error);

  g_mutex_init (&helper.lock);
  g_cond_init (&helper.cond);
  helper.ids = g_ptr_array_new_with_free_func (g_free);
  helper.state = -1;
  helper.lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  reader = g_thread_new ("reader", reader_thread, &helper);

  /* Into the work: once the helper flushed its first events. */
  g_mutex_lock (&helper.lock);
  while (helper.ids->len == 0 && !helper.ended)
    if (!g_cond_wait_until (&helper.cond, &helper.lock, deadline))
      g_error ("The helper did not start");
  g_assert_false (helper.ended);
  g_mutex_unlock (&helper.lock);

  g_usleep (delay_ms * 1000);
  if (also != NULL)
    {
      tr_test_server_kill (also);
      g_usleep (100 * 1000);
    }
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_thread_join (g_steal_pointer (&reader));
  /* Killed, not ended by a failure of its own. */
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);

  run.n_ids = helper.ids->len;
  run.state = helper.state;
  run.n_sent = helper.n_sent;
  for (guint i = 0; i < helper.ids->len; i++)
    g_ptr_array_add (flushed, g_steal_pointer (&helper.ids->pdata[i]));
  g_test_message ("%s helper killed %u ms after its first flush: %u events flushed, sync state %d, %u batches sent", mode,
                  delay_ms, run.n_ids, run.state, run.n_sent);
  g_ptr_array_unref (helper.ids);
  g_object_unref (helper.lines);
  g_mutex_clear (&helper.lock);
  g_cond_clear (&helper.cond);
  return run;
}

/* ----------------------------------------------------------------------- */
/* Checking the store's file                                                */

/* integrity_check, and each of @ids stored exactly once; the number of
 * events stored. */
static guint
check_store_file (const char *path,
                  GPtrArray  *ids)
{
  g_autofree char *integrity = NULL;
  g_autofree char *total = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  db = tr_test_sqlite_open (path, SQLITE_OPEN_READONLY);
  integrity = tr_test_sqlite_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM events WHERE id = ?1", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      if (sqlite3_column_int (stmt, 0) != 1)
        g_error ("flushed event %s is stored %d times", id, sqlite3_column_int (stmt, 0));
    }
  sqlite3_finalize (stmt);
  total = tr_test_sqlite_text (db, "SELECT count(*) FROM events");
  sqlite3_close (db);
  return (guint) g_ascii_strtoull (total, NULL, 10);
}

static GHashTable *
id_set (GPtrArray *ids)
{
  GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < ids->len; i++)
    g_assert_true (g_hash_table_add (set, g_ptr_array_index (ids, i)));
  return set;
}

/* ----------------------------------------------------------------------- */
/* Killed while writing                                                     */

static void
test_kill_while_writing (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "writing", "progress.db", NULL);
  g_autoptr(GPtrArray) flushed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) flushed_set = NULL;
  g_autoptr(TrellisProgressStore) store = NULL;
  GPtrArray *events;
  guint n_stored, n_found = 0;

  for (guint k = 0; k < N_KILLS; k++)
    {
      Run run = run_and_kill ("write", path, NULL, flushed);

      g_assert_cmpuint (run.n_ids, >, 0);
      /* What each run flushed is there before the next one starts. */
      check_store_file (path, flushed);
    }
  n_stored = check_store_file (path, flushed);
  g_test_message ("%u events flushed, %u stored", flushed->len, n_stored);
  g_assert_cmpuint (n_stored, >=, flushed->len);

  /* The store itself opens it, with every flushed event once. */
  flushed_set = id_set (flushed);
  store = open_store (path);
  events = trellis_progress_store_get_events (store);
  g_assert_cmpuint (events->len, ==, n_stored);
  for (guint i = 0; i < events->len; i++)
    if (g_hash_table_contains (flushed_set, ((TrEvent *) g_ptr_array_index (events, i))->id))
      n_found++;
  g_assert_cmpuint (n_found, ==, flushed->len);
  g_assert_finalize_object (g_steal_pointer (&store));
}

/* ----------------------------------------------------------------------- */
/* Killed while syncing with the real server                                */

/* On the same port after every restart: the store knows the address. */
static TrTestServer *server;
static char *courses_dir;

static guint
http (SoupSession  *session,
      const char   *method,
      const char   *path,
      const char   *token,
      const char   *body,
      JsonNode    **json)
{
  g_autofree char *uri = g_strconcat (tr_test_server_get_url (server), "/api/v1", path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, uri);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  reply = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  if (json != NULL)
    *json = json_from_string (g_bytes_get_data (reply, NULL), NULL);
  return soup_message_get_status (message);
}

/* Every event of the account on the server, by id, with how often it is
 * listed. */
static GHashTable *
server_events (SoupSession *session,
               const char  *token)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 cursor = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/events?after=%" G_GINT64_FORMAT "&limit=1000", cursor);
      g_autoptr(JsonNode) json = NULL;
      JsonObject *object;
      JsonArray *events;

      g_assert_cmpuint (http (session, "GET", path, token, NULL, &json), ==, SOUP_STATUS_OK);
      object = json_node_get_object (json);
      events = json_object_get_array_member (object, "events");
      for (guint i = 0; i < json_array_get_length (events); i++)
        {
          const char *id = json_object_get_string_member (json_array_get_object_element (events, i), "id");

          g_hash_table_insert (counts, g_strdup (id),
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, id)) + 1));
        }
      cursor = json_object_get_int_member (object, "cursor");
      more = json_object_get_boolean_member (object, "more");
    }
  return counts;
}

/* A batch of another device's, straight to the server: the helper's syncs
 * must bring them into the store. */
static void
post_other_device_events (SoupSession *session,
                          const char  *token,
                          GPtrArray   *other_ids)
{
  g_autoptr(GString) body = g_string_new ("{\"events\": [");
  g_autoptr(JsonNode) json = NULL;

  for (guint i = 0; i < N_OTHER; i++)
    {
      char *id = g_uuid_string_random ();

      g_string_append_printf (body, "%s{\"id\": \"%s\", \"actor\": \"other-device\", \"verb\": \"experienced\","
                              " \"course\": \"example-course\", \"version\": \"1\", \"object\": \"lesson/other\","
                              " \"timestamp\": %" G_GINT64_FORMAT "}",
                              i > 0 ? ", " : "", id, g_get_real_time () / 1000);
      g_ptr_array_add (other_ids, id);
    }
  g_string_append (body, "]}");
  g_assert_cmpuint (http (session, "POST", "/events", token, body->str, &json), ==, SOUP_STATUS_OK);
}

typedef struct
{
  TrellisSync      *sync;
  TrellisSyncState  state;
} StateWait;

static gboolean
synced (gpointer data)
{
  StateWait *wait = data;

  return trellis_sync_get_state (wait->sync) == TRELLIS_SYNC_SYNCED && trellis_sync_get_pending (wait->sync) == 0;
}

static void
async_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
sync_until_synced (TrellisSync *sync)
{
  StateWait wait = { sync, TRELLIS_SYNC_SYNCED };

  trellis_sync_now (sync);
  if (!tr_test_wait_for (synced, &wait, WAIT_S))
    g_error ("Sync state %d with %u pending after %u s (message: %s)", trellis_sync_get_state (sync),
             trellis_sync_get_pending (sync), WAIT_S, trellis_sync_get_message (sync));
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
test_kill_while_syncing (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "syncing", "progress.db", NULL);
  g_autofree char *fixture = tr_test_fixture_path ("example-course", NULL);
  g_autofree char *course_copy = NULL;
  g_autofree char *code = NULL;
  g_autofree char *token = NULL;
  g_autofree char *server_db = NULL;
  g_autofree char *integrity = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GPtrArray) flushed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) other_ids = g_ptr_array_new_with_free_func (g_free);
  TrTestServerOptions options = { .death_signal = SIGKILL };
  g_autoptr(GHashTable) on_server = NULL;
  g_autoptr(GHashTable) in_store = g_hash_table_new (g_str_hash, g_str_equal);
  TrellisProgressStore *store;
  TrellisSync *sync;
  GPtrArray *events;
  GHashTableIter iter;
  gpointer id, count;
  guint n_mid_sync = 0;
  sqlite3 *db = NULL;

  if (g_getenv ("TRELLIS_SERVER") == NULL)
    {
      g_test_skip ("TRELLIS_SERVER is not set");
      return;
    }

  /* A server with a code, and a device enrolled with it. */
  server = tr_test_server_new ("store-crash");
  course_copy = tr_test_copy_tree (fixture);
  courses_dir = g_path_get_dirname (course_copy);
  tr_test_server_add_institute (server, "Test");
  code = tr_test_server_create_code (server, "Test", NULL);
  options.courses_dir = courses_dir;
  tr_test_server_start (server, &options);

  store = open_store (path);
  sync = trellis_sync_new (store);
  trellis_sync_start (sync);
  trellis_sync_enrol_async (sync, tr_test_server_get_url (server), code, "Sam Jansen", EMAIL, PASSWORD, NULL,
                            async_result_cb, &result);
  g_assert_true (tr_test_wait_for (result_set, &result, WAIT_S));
  trellis_sync_enrol_finish (sync, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  sync_until_synced (sync);
  tr_test_finalize_object (sync, WAIT_S);
  tr_test_finalize_object (store, WAIT_S);
  token = read_token_file ();
  g_assert_nonnull (token);

  /* Killed while it records and syncs, again and again; every other time
   * the server goes down first, in the middle of what it was sent. */
  for (guint k = 0; k < N_KILLS; k++)
    {
      gboolean with_server = k % 2 == 1;
      Run run;

      post_other_device_events (session, token, other_ids);
      run = run_and_kill ("sync", path, with_server ? server : NULL, flushed);
      g_assert_cmpuint (run.n_ids, >, 0);
      if (run.state == TRELLIS_SYNC_SYNCING && run.n_sent > 0)
        n_mid_sync++;
      check_store_file (path, flushed);
      if (with_server)
        tr_test_server_restart (server);
    }
  g_assert_cmpuint (n_mid_sync, >, 0);

  /* Started again, the device catches up: the store and the server hold
   * the same events, each once. */
  store = open_store (path);
  sync = trellis_sync_new (store);
  trellis_sync_start (sync);
  sync_until_synced (sync);

  on_server = server_events (session, token);
  g_hash_table_iter_init (&iter, on_server);
  while (g_hash_table_iter_next (&iter, &id, &count))
    if (GPOINTER_TO_UINT (count) != 1)
      g_error ("event %s is on the server %u times", (const char *) id, GPOINTER_TO_UINT (count));
  events = trellis_progress_store_get_events (store);
  for (guint i = 0; i < events->len; i++)
    {
      const char *event_id = ((TrEvent *) g_ptr_array_index (events, i))->id;

      g_assert_true (g_hash_table_add (in_store, (gpointer) event_id));
      if (!g_hash_table_contains (on_server, event_id))
        g_error ("event %s of the store did not reach the server", event_id);
    }
  g_assert_cmpuint (g_hash_table_size (in_store), ==, g_hash_table_size (on_server));
  for (guint i = 0; i < flushed->len; i++)
    g_assert_true (g_hash_table_contains (in_store, g_ptr_array_index (flushed, i)));
  for (guint i = 0; i < other_ids->len; i++)
    g_assert_true (g_hash_table_contains (in_store, g_ptr_array_index (other_ids, i)));
  g_test_message ("%u events flushed by the helpers, %u from another device; %u on the server and in the store;"
                  " %u of %u kills came mid-sync, after the run had sent batches", flushed->len, other_ids->len,
                  g_hash_table_size (on_server), n_mid_sync, N_KILLS);

  tr_test_finalize_object (sync, WAIT_S);
  tr_test_finalize_object (store, WAIT_S);
  check_store_file (path, flushed);
  db = tr_test_sqlite_open (path, SQLITE_OPEN_READONLY);
  {
    g_autofree char *unsynced = tr_test_sqlite_text (db, "SELECT count(*) FROM events WHERE synced = 0");

    g_assert_cmpstr (unsynced, ==, "0");
  }
  sqlite3_close (db);

  tr_test_server_stop (server);
  server_db = g_build_filename (tr_test_server_get_data_dir (server), "trellis.db", NULL);
  db = tr_test_sqlite_open (server_db, SQLITE_OPEN_READONLY);
  integrity = tr_test_sqlite_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  sqlite3_close (db);
}

int
main (int    argc,
      char **argv)
{
  int status;

  if (argc == 5 && g_str_equal (argv[1], "--helper"))
    {
      setlocale (LC_ALL, "C.UTF-8");
      return helper_main (argv[2], argv[3], argv[4]);
    }

  tr_test_init (&argc, &argv);
  /* No keyring: the token goes to a file, in the test's own folders. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/trellis-test-bus", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  course_path = tr_test_fixture_path ("example-course", NULL);

  g_test_add_func ("/client/store-crash/kill-while-writing", test_kill_while_writing);
  g_test_add_func ("/client/store-crash/kill-while-syncing", test_kill_while_syncing);
  status = g_test_run ();

  tr_test_server_free (server, status == 0);
  if (status == 0 && courses_dir != NULL)
    tr_test_remove_tree (courses_dir);
  g_free (courses_dir);
  g_free (course_path);
  return status;
}
