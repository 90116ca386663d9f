/* test-crash-safety.c: the real trellis-server, killed with SIGKILL again
 * and again under a sync load, loses no event it acknowledged
 *
 * Several client threads post batches of new events, as devices syncing at
 * once would, and remember which event ids the server acknowledged with a
 * 200. The test kills the server at random moments and starts it again on
 * the same data folder; a client whose request failed sends the same batch
 * again, as the sync engine does, while another gives it up, as a device
 * that died would. At the end every acknowledged event must
 * be stored exactly once, no other event more than once, and the database
 * must pass PRAGMA integrity_check.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-crash-safety"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tr-test-server.h"
#include "tr-test-sqlite.h"
#include "tr-test-util.h"

#define INSTITUTE     "Regio Noord"
#define N_LEARNERS    4
#define N_CLIENTS     6
#define N_KILLS       6
#define MAX_BATCH     40
#define MIN_DELAY_MS  50
#define MAX_DELAY_MS  500
/* After the last restart, the load runs this long, so that the batches
 * whose answer a kill cut off are sent again and acknowledged. */
#define CALM_MS       400
#define WAIT_S        20

typedef struct
{
  char     *token;
  char     *id;
} Learner;

static struct
{
  TrTestServer *server;          /* on the same port after every restart */
  char         *courses_dir;
  char         *base;            /* "http://127.0.0.1:PORT" */
  SoupSession  *session;         /* the main thread's */
  Learner       learners[N_LEARNERS];

  /* Shared with the client threads. */
  GMutex        lock;
  GHashTable   *sent;            /* event id → learner index + 1, every id ever sent */
  GHashTable   *acked;           /* event id → learner index + 1, acknowledged with a 200 */
  guint         n_ok;            /* requests answered 200 */
  guint         n_failed;        /* requests that got no answer (the server died) */
  guint         n_resent_ok;     /* of n_ok, batches that had failed before */
  guint         n_duplicates;    /* events answered as already stored: committed before a kill cut the answer off */
  char         *unexpected;      /* the first answer that was neither 200 nor a lost connection */
  gint          stop;
} t;

/* ----------------------------------------------------------------------- */
/* Helpers                                                                  */

/* Sends @body and returns the status (0 when no answer came); the answer,
 * if JSON, goes to @json. */
static guint
post (SoupSession  *session,
      const char   *base,
      const char   *path,
      const char   *token,
      const char   *body,
      JsonNode    **json,
      GError      **error)
{
  g_autofree char *uri = g_strconcat (base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (body != NULL ? "POST" : "GET", uri);
  g_autoptr(GBytes) reply = NULL;
  const char *type;

  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (session, msg, NULL, error);
  if (reply == NULL)
    return 0;
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  if (json != NULL && g_strcmp0 (type, "application/json") == 0)
    *json = json_from_string (g_bytes_get_data (reply, NULL), NULL);
  return soup_message_get_status (msg);
}

/* ----------------------------------------------------------------------- */
/* The load                                                                 */

typedef struct
{
  guint      learner;
  GPtrArray *ids;
  char      *body;
  gboolean   failed_before;
} Batch;

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->ids);
  g_free (batch->body);
  g_free (batch);
}

static Batch *
batch_new (guint learner,
           GRand *rand)
{
  Batch *batch = g_new0 (Batch, 1);
  g_autoptr(GString) body = g_string_new ("{\"events\": [");
  guint n = g_rand_int_range (rand, 1, MAX_BATCH + 1);

  batch->learner = learner;
  batch->ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      char *id = g_uuid_string_random ();

      g_string_append_printf (body, "%s{\"id\": \"%s\", \"actor\": \"device\", \"verb\": \"experienced\","
                              " \"course\": \"crash-course\", \"version\": \"1\", \"object\": \"lesson/%u\","
                              " \"timestamp\": %" G_GINT64_FORMAT "}",
                              i > 0 ? ", " : "", id, i, g_get_real_time () / 1000);
      g_ptr_array_add (batch->ids, id);
    }
  g_string_append (body, "]}");
  batch->body = g_string_free (g_steal_pointer (&body), FALSE);

  g_mutex_lock (&t.lock);
  for (guint i = 0; i < batch->ids->len; i++)
    g_hash_table_insert (t.sent, g_strdup (g_ptr_array_index (batch->ids, i)), GUINT_TO_POINTER (learner + 1));
  g_mutex_unlock (&t.lock);
  return batch;
}

static void
note_unexpected (char *what)
{
  g_mutex_lock (&t.lock);
  if (t.unexpected == NULL)
    t.unexpected = what;
  else
    g_free (what);
  g_mutex_unlock (&t.lock);
}

/* One device of a learner's, syncing as fast as it can. On even clients a
 * batch that got no answer is sent again until it gets one. */
static gpointer
client_thread (gpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  guint learner = index % N_LEARNERS;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GRand) rand = g_rand_new ();
  g_autofree char *base = NULL;
  Batch *batch = NULL;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", WAIT_S, "proxy-resolver", NULL, NULL);
  g_mutex_lock (&t.lock);
  base = g_strdup (t.base);
  g_mutex_unlock (&t.lock);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) json = NULL;
      guint status;

      /* A pending batch gets one more try after the stop. */
      if (g_atomic_int_get (&t.stop) && batch == NULL)
        break;
      if (batch == NULL)
        batch = batch_new (learner, rand);

      status = post (session, base, "/api/v1/events", t.learners[learner].token, batch->body, &json, &error);
      if (status == SOUP_STATUS_OK)
        {
          JsonObject *object = json != NULL && JSON_NODE_HOLDS_OBJECT (json) ? json_node_get_object (json) : NULL;
          gint64 counted = object != NULL ? json_object_get_int_member_with_default (object, "new", -1) +
                                            json_object_get_int_member_with_default (object, "duplicate", -1)
                                          : -1;

          if (counted != batch->ids->len)
            note_unexpected (g_strdup_printf ("a batch of %u events was answered new + duplicate = %"
                                              G_GINT64_FORMAT, batch->ids->len, counted));
          g_mutex_lock (&t.lock);
          for (guint i = 0; i < batch->ids->len; i++)
            g_hash_table_insert (t.acked, g_strdup (g_ptr_array_index (batch->ids, i)),
                                 GUINT_TO_POINTER (learner + 1));
          t.n_ok++;
          if (batch->failed_before)
            t.n_resent_ok++;
          t.n_duplicates += object != NULL ? json_object_get_int_member_with_default (object, "duplicate", 0) : 0;
          g_mutex_unlock (&t.lock);
          g_clear_pointer (&batch, batch_free);
        }
      else if (status == 0)
        {
          /* The server died under the request, or is not back yet. */
          g_mutex_lock (&t.lock);
          t.n_failed++;
          g_mutex_unlock (&t.lock);
          batch->failed_before = TRUE;
          /* Odd clients give the batch up: its events stay unacknowledged. */
          if (g_atomic_int_get (&t.stop) || index % 2 == 1)
            g_clear_pointer (&batch, batch_free);
          if (!g_atomic_int_get (&t.stop))
            g_usleep (5000);
        }
      else
        {
          note_unexpected (g_strdup_printf ("POST /api/v1/events answered %u", status));
          g_clear_pointer (&batch, batch_free);
          break;
        }
    }
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* ----------------------------------------------------------------------- */
/* Checking                                                                 */

/* How often each of the learner's events is stored, as the API lists them. */
static void
count_stored (guint       learner,
              GHashTable *counts)
{
  gint64 cursor = 0;
  gboolean more = TRUE;
  guint n_pages = 0;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/events?after=%" G_GINT64_FORMAT "&limit=1000", cursor);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) json = NULL;
      guint status = post (t.session, t.base, path, t.learners[learner].token, NULL, &json, &error);
      JsonObject *object;
      JsonArray *events;

      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
      object = json_node_get_object (json);
      events = json_object_get_array_member (object, "events");
      for (guint i = 0; i < json_array_get_length (events); i++)
        {
          JsonObject *event = json_array_get_object_element (events, i);
          const char *id = json_object_get_string_member (event, "id");
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, id));

          g_assert_cmpstr (json_object_get_string_member (event, "actor"), ==, t.learners[learner].id);
          g_hash_table_insert (counts, g_strdup (id), GUINT_TO_POINTER (count + 1));
        }
      cursor = json_object_get_int_member (object, "cursor");
      more = json_object_get_boolean_member (object, "more");
      g_assert_cmpuint (++n_pages, <, 10000);
    }
}

/* What a reader finds in the database the last kill left behind. */
static void
check_database (GHashTable *api_counts)
{
  g_autofree char *db_path = g_build_filename (tr_test_server_get_data_dir (t.server), "trellis.db", NULL);
  g_autofree char *integrity = NULL;
  g_autofree char *total = NULL;
  g_autofree char *twice = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GHashTableIter iter;
  gpointer id, learner;

  db = tr_test_sqlite_open (db_path, SQLITE_OPEN_READONLY);
  integrity = tr_test_sqlite_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  twice = tr_test_sqlite_text (db, "SELECT id FROM events GROUP BY id HAVING count(*) > 1 LIMIT 1");
  g_assert_null (twice);
  total = tr_test_sqlite_text (db, "SELECT count(*) FROM events");
  g_assert_cmpint (g_ascii_strtoll (total, NULL, 10), ==, g_hash_table_size (api_counts));

  /* Each acknowledged event, under its learner's account. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM events JOIN accounts ON accounts.id = account_id"
                                           " WHERE events.id = ?1 AND accounts.public_id = ?2",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_hash_table_iter_init (&iter, t.acked);
  while (g_hash_table_iter_next (&iter, &id, &learner))
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, t.learners[GPOINTER_TO_UINT (learner) - 1].id, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      if (sqlite3_column_int (stmt, 0) != 1)
        g_error ("acknowledged event %s is stored %d times in the database", (const char *) id,
                 sqlite3_column_int (stmt, 0));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* ----------------------------------------------------------------------- */

static void
setup (void)
{
  /* A test that fails must not leave its server running. */
  TrTestServerOptions options = { .death_signal = SIGKILL };
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  t.server = tr_test_server_new ("crash-safety");
  t.courses_dir = g_build_filename (tr_test_server_get_root (t.server), "courses", NULL);
  g_assert_cmpint (g_mkdir (t.courses_dir, 0700), ==, 0);

  tr_test_server_add_institute (t.server, INSTITUTE);
  code = tr_test_server_create_code (t.server, INSTITUTE, "--max-uses", "10", NULL);

  t.session = soup_session_new_with_options ("timeout", WAIT_S, "proxy-resolver", NULL, NULL);
  t.sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t.acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  options.courses_dir = t.courses_dir;
  tr_test_server_start (t.server, &options);
  g_mutex_lock (&t.lock);
  t.base = g_strdup (tr_test_server_get_url (t.server));
  g_mutex_unlock (&t.lock);

  for (guint i = 0; i < N_LEARNERS; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"code\": \"%s\", \"name\": \"Learner %u\", \"email\":"
                                               " \"learner%u@example.org\", \"password\": \"a long passphrase %u\"}",
                                               code, i, i, i);
      g_autoptr(JsonNode) json = NULL;
      JsonObject *object;
      guint status = post (t.session, t.base, "/api/v1/auth/enrol", NULL, body, &json, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, SOUP_STATUS_CREATED);
      object = json_node_get_object (json);
      t.learners[i].token = g_strdup (json_object_get_string_member (object, "token"));
      t.learners[i].id = g_strdup (json_object_get_string_member (json_object_get_object_member (object, "account"),
                                                                  "id"));
    }
}

static void
test_kill_under_load (void)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer id, learner;
  guint n_unacked_stored = 0;
  guint n_acked_before = 0;

  setup ();
  for (guint i = 0; i < N_CLIENTS; i++)
    g_ptr_array_add (threads, g_thread_new ("client", client_thread, GUINT_TO_POINTER (i)));

  for (guint k = 0; k < N_KILLS; k++)
    {
      guint delay_ms = g_random_int_range (MIN_DELAY_MS, MAX_DELAY_MS + 1);
      gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;
      guint n_acked;

      /* Into the load: once this server answered its first batch. */
      for (;;)
        {
          g_mutex_lock (&t.lock);
          n_acked = g_hash_table_size (t.acked);
          g_mutex_unlock (&t.lock);
          if (n_acked > n_acked_before)
            break;
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (1000);
        }
      g_usleep (delay_ms * 1000);
      tr_test_server_kill (t.server);
      g_mutex_lock (&t.lock);
      n_acked = g_hash_table_size (t.acked);
      g_mutex_unlock (&t.lock);
      g_test_message ("kill %u, %u ms after the first answer: %u events acknowledged so far", k + 1, delay_ms,
                      n_acked);
      n_acked_before = n_acked;
      tr_test_server_restart (t.server);
    }

  g_usleep (CALM_MS * 1000);
  g_atomic_int_set (&t.stop, TRUE);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));

  g_test_message ("%u events sent, %u acknowledged; %u requests answered (%u of them sent again, with %u"
                  " events already stored), %u cut off", g_hash_table_size (t.sent), g_hash_table_size (t.acked),
                  t.n_ok, t.n_resent_ok, t.n_duplicates, t.n_failed);
  if (t.unexpected != NULL)
    g_error ("%s", t.unexpected);
  /* The kills cut requests off. */
  g_assert_cmpuint (t.n_failed, >, 0);

  /* Through the API: each acknowledged event once, nothing twice, nothing
   * that was never sent. */
  for (guint i = 0; i < N_LEARNERS; i++)
    count_stored (i, counts);
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, id));

      if (count != 1)
        g_error ("event %s is listed %u times", (const char *) id, count);
      g_assert_true (g_hash_table_contains (t.sent, id));
      if (!g_hash_table_contains (t.acked, id))
        n_unacked_stored++;
    }
  g_hash_table_iter_init (&iter, t.acked);
  while (g_hash_table_iter_next (&iter, &id, &learner))
    if (!g_hash_table_contains (counts, id))
      g_error ("acknowledged event %s of learner %u is lost", (const char *) id, GPOINTER_TO_UINT (learner) - 1);
  g_test_message ("%u events stored; %u of them were stored though their answer was lost",
                  g_hash_table_size (counts), n_unacked_stored);

  /* The last stop is a kill too; then the file itself. */
  tr_test_server_kill (t.server);
  check_database (counts);
}

int
main (int    argc,
      char **argv)
{
  int status;

  tr_test_init (&argc, &argv);
  if (!tr_test_server_found ())
    return 1;
  g_mutex_init (&t.lock);
  g_test_add_func ("/server/crash-safety/kill-under-load", test_kill_under_load);
  status = g_test_run ();

  tr_test_server_free (t.server, status == 0);
  g_clear_object (&t.session);
  for (guint i = 0; i < N_LEARNERS; i++)
    {
      g_free (t.learners[i].token);
      g_free (t.learners[i].id);
    }
  g_clear_pointer (&t.sent, g_hash_table_unref);
  g_clear_pointer (&t.acked, g_hash_table_unref);
  g_free (t.unexpected);
  g_free (t.courses_dir);
  g_free (t.base);
  g_mutex_clear (&t.lock);
  return status;
}
