/* fuzz-http.c: raw HTTP requests to the server, without a network
 *
 * Why this way: the input is the bytes a client sends on one connection,
 * one request or several, handed to a SoupServer set up as `trellis-server
 * serve` (trs-serve.c) sets it up — "raw-paths", trs_api_attach(), a real
 * TrsStore on a temporary database, the example course and path, a signing
 * key — through soup_server_accept_iostream() on memory streams. So each
 * input goes through libsoup's request parser, the early handler's size
 * checks, the router, the content-type, token and role checks, the body
 * checks, the database and hashing threads and back, and the answer is
 * written, as over TCP, at about 2,000 inputs a second under ASan. Calling
 * the router and body checks as functions would be faster, but would miss
 * how they meet libsoup: chunked and pipelined requests, bodies cut short,
 * messages paused while the database works, several requests whose order
 * matters (log out, then use the token). A real socket would add only the
 * kernel. The rest of trs-serve.c is start-up (options, the listening
 * socket, loading the catalogue), which no request reaches.
 *
 * So that inputs get past authentication, these markers in the input are
 * replaced before it is sent: @LEARNER@, @TRAINER@ and @ADMIN@ by a valid
 * token of an account with that role, @CODE@ by an enrolment code, @CERT@ by
 * the id of a certificate issued at start, and the first @LEN@ by the
 * number of bytes after the end of its header block (the body, when the
 * request is the input's last). Accounts that an input logs out or erases
 * are made again afterwards, so inputs do not depend on the ones before.
 *
 * Password hashing is made cheap (see crypto_pwhash_str() below), and a 500
 * answer aborts: the server must never fail on what a client sends.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-fuzz"
#define _GNU_SOURCE /* memmem() */

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "tr-course-loader.h"
#include "tr-event.h"
#include "tr-learning-path.h"

#include "trs-api.h"
#include "trs-auth.h"
#include "trs-keys.h"
#include "trs-metrics.h"
#include "trs-store.h"

#include "fuzz-harness.h"

#define PASSWORD         "fuzz-password-1"
#define TOKEN_LIFETIME   (G_GINT64_CONSTANT (30) * 24 * 3600 * 1000)
#define CODE_LIFETIME    (G_GINT64_CONSTANT (365) * 24 * 3600 * 1000)

typedef enum
{
  ROLE_LEARNER,
  ROLE_TRAINER,
  ROLE_ADMIN,
  N_ROLES
} Role;

static const struct
{
  const char *marker;
  const char *role;
  const char *name;
  const char *email;
} accounts[N_ROLES] = {
  { "@LEARNER@", "learner", "Fuzz Learner", "learner@fuzz.example" },
  { "@TRAINER@", "trainer", "Fuzz Trainer", "trainer@fuzz.example" },
  { "@ADMIN@", "admin", "Fuzz Admin", "admin@fuzz.example" },
};

static struct
{
  char           *root;
  char           *data_dir;
  TrsStore       *store;
  TrsApi         *api;
  TrsMetrics     *metrics;
  GPtrArray      *courses;
  GPtrArray      *paths;
  SoupServer     *server;
  GSocketAddress *local;
  GSocketAddress *remote;
  gint64          institute_id;
  gint64          cohort_id;
  char           *password_hash;
  char           *tokens[N_ROLES];
  char           *code;
  char           *certificate_id;
  guint           status_500;
  gboolean        verbose;
} fuzz;

/* Argon2id as the server uses it takes 64 MiB and a tenth of a second per
 * hash, which would make every login or enrolment input a hundred times
 * slower than the rest. This executable's definition takes the place of
 * libsodium's for trs-auth.c, which is linked into it: the same Argon2id
 * with the smallest limits. crypto_pwhash_str_verify() reads the limits
 * from the hash, so it needs no change. */
int
crypto_pwhash_str (char                out[crypto_pwhash_STRBYTES],
                   const char * const  passwd,
                   unsigned long long  passwdlen,
                   unsigned long long  opslimit,
                   size_t              memlimit)
{
  return crypto_pwhash_argon2id_str (out, passwd, passwdlen, crypto_pwhash_argon2id_OPSLIMIT_MIN,
                                     crypto_pwhash_argon2id_MEMLIMIT_MIN);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* The database stays open: its files can go all the same. */
static void
cleanup (void)
{
  remove_tree (fuzz.root);
}

/* ----------------------------------------------------------------------- */
/* One connection                                                           */

static void
stream_gone_cb (gpointer  data,
                GObject  *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  if (soup_server_message_get_status (msg) == SOUP_STATUS_INTERNAL_SERVER_ERROR)
    fuzz.status_500++;
}

/* libsoup keeps a connection open for the next request only while the
 * server listens somewhere, and pipelined requests are part of what a
 * client may send: so the server listens on a loopback port, which nothing
 * connects to. */
static void
listen_idle (void)
{
  g_autoptr(GError) error = NULL;

  if (!soup_server_listen_local (fuzz.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("%s", error->message);
}

/* Sends @data on a new connection and returns what the server wrote back
 * once it has done all it can with it. */
static GBytes *
serve (GBytes *data)
{
  g_autoptr(GInputStream) input = g_memory_input_stream_new_from_bytes (data);
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  GIOStream *stream = g_simple_io_stream_new (input, output);
  g_autoptr(GError) error = NULL;
  gboolean gone = FALSE;

  g_object_weak_ref (G_OBJECT (stream), stream_gone_cb, &gone);
  if (!soup_server_accept_iostream (fuzz.server, stream, fuzz.local, fuzz.remote, &error))
    g_error ("the server does not take the connection: %s", error->message);
  g_object_unref (stream);

  /* Memory streams are always ready: once nothing is left to dispatch and
   * no request waits for a thread, the server has answered what it could
   * and waits for bytes that will not come (libsoup 3.2 does not notice the
   * end of the input on a kept-alive connection). A request that never
   * ends shows up as a libFuzzer timeout. */
  while (!gone)
    {
      if (g_main_context_iteration (NULL, FALSE))
        continue;
      if (trs_api_get_n_pending (fuzz.api) > 0)
        {
          g_main_context_iteration (NULL, TRUE);
          continue;
        }
      break;
    }
  if (!gone)
    {
      /* Hanging up is the only way to end the connection from here; it
       * takes the listener with it. */
      soup_server_disconnect (fuzz.server);
      while (!gone && g_main_context_iteration (NULL, FALSE))
        ;
      if (!gone)
        g_error ("the server keeps a connection it was told to drop");
      listen_idle ();
    }
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
}

/* The JSON body of the one answer in @reply, which must have @status. */
static JsonNode *
reply_json (GBytes *reply,
            guint   status)
{
  gsize length;
  const char *text = g_bytes_get_data (reply, &length);
  g_autofree char *status_line = g_strdup_printf ("HTTP/1.1 %u ", status);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *body;

  body = g_strstr_len (text, length, "\r\n\r\n");
  if (length < strlen (status_line) || strncmp (text, status_line, strlen (status_line)) != 0 ||
      body == NULL ||
      !json_parser_load_from_data (parser, body + 4, length - (body + 4 - text), NULL))
    g_error ("the set-up did not get a %u answer: %.*s", status, (int) MIN (length, 2000), text);
  return json_node_ref (json_parser_get_root (parser));
}

static GBytes *
request (const char *method,
         const char *path,
         const char *token,
         const char *body)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n",
                          method, path);
  if (token != NULL)
    g_string_append_printf (text, "Authorization: Bearer %s\r\n", token);
  if (body != NULL)
    g_string_append_printf (text, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                            strlen (body), body);
  else
    g_string_append (text, "\r\n");
  return serve (g_string_free_to_bytes (g_steal_pointer (&text)));
}

/* ----------------------------------------------------------------------- */
/* Set-up                                                                   */

static gpointer
create_job (TrsStore  *store,
            gpointer   data,
            GError   **error)
{
  g_autofree char *kid = NULL;

  fuzz.institute_id = trs_store_institute_create (store, "Fuzz Institute", error);
  if (fuzz.institute_id <= 0)
    return NULL;
  fuzz.cohort_id = trs_store_cohort_ensure (store, fuzz.institute_id, "fuzz", error);
  if (fuzz.cohort_id <= 0)
    return NULL;
  fuzz.code = trs_store_code_create (store, fuzz.institute_id, fuzz.cohort_id,
                                     g_get_real_time () / 1000 + CODE_LIFETIME, 0, error);
  if (fuzz.code == NULL)
    return NULL;
  kid = trs_keys_generate (fuzz.data_dir, store, error);
  return kid != NULL ? GINT_TO_POINTER (TRUE) : NULL;
}

/* Gives every role a valid token again, making its account again when an
 * input erased it. */
static gpointer
ensure_accounts_job (TrsStore  *store,
                     gpointer   data,
                     GError   **error)
{
  for (Role role = 0; role < N_ROLES; role++)
    {
      g_autoptr(TrsAccount) account = NULL;

      if (fuzz.tokens[role] != NULL &&
          (account = trs_store_account_by_token (store, fuzz.tokens[role], NULL)) != NULL)
        continue;
      account = trs_store_account_by_email (store, accounts[role].email, NULL);
      if (account == NULL)
        account = trs_store_account_create (store, fuzz.institute_id,
                                            role == ROLE_LEARNER ? fuzz.cohort_id : 0,
                                            accounts[role].role, accounts[role].name,
                                            accounts[role].email, fuzz.password_hash, error);
      if (account == NULL)
        return NULL;
      g_free (fuzz.tokens[role]);
      fuzz.tokens[role] = trs_store_token_issue (store, account->id, TOKEN_LIFETIME, NULL, error);
      if (fuzz.tokens[role] == NULL)
        return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

static void
ensure_accounts (void)
{
  g_autoptr(GError) error = NULL;

  if (trs_store_run_sync (fuzz.store, TRS_JOB_WRITE, ensure_accounts_job, NULL, &error) == NULL)
    g_error ("cannot make the accounts: %s", error->message);
}

static void
add_event (JsonArray  *array,
           TrCourse   *course,
           TrVerb      verb,
           const char *object,
           const char *result_json)
{
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(TrEvent) event = NULL;

  if (result_json != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (result_json, NULL);

      result = json_object_ref (json_node_get_object (node));
    }
  event = tr_event_new ("fuzz-device", verb, tr_course_get_id (course),
                        tr_course_get_version (course), object, result);
  json_array_add_element (array, tr_event_to_json (event));
}

/* Completes the example course as the learner, and has its certificate
 * issued, so that the certificate routes have one to work on. */
static void
issue_certificate (void)
{
  TrCourse *course = g_ptr_array_index (fuzz.courses, 0);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonArray) events = json_array_new ();
  g_autoptr(JsonNode) body_node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *text = NULL;

  add_event (events, course, TR_VERB_EXPERIENCED, "lesson/first-signals", NULL);
  add_event (events, course, TR_VERB_EXPERIENCED, "lesson/talking-first", NULL);
  add_event (events, course, TR_VERB_COMPLETED, "scenario/corridor-remark",
             "{\"ending\": \"good-ending\", \"verdict\": \"good\"}");
  add_event (events, course, TR_VERB_ANSWERED, "signal-exercise/corridor-signals", NULL);
  add_event (events, course, TR_VERB_PASSED, "quiz",
             "{\"score\": 90, \"correct\": 9, \"total\": 10}");
  json_object_set_array_member (body, "events", g_steal_pointer (&events));
  json_node_set_object (body_node, body);
  text = json_to_string (body_node, FALSE);
  reply = request ("POST", "/api/v1/events", fuzz.tokens[ROLE_LEARNER], text);
  answer = reply_json (reply, 200);
  g_clear_pointer (&reply, g_bytes_unref);

  reply = request ("POST", "/api/v1/certificates", fuzz.tokens[ROLE_LEARNER],
                   "{\"course\": \"example-course\"}");
  g_clear_pointer (&answer, json_node_unref);
  answer = reply_json (reply, 201);
  fuzz.certificate_id = g_strdup (json_object_get_string_member (json_node_get_object (answer),
                                                                 "id"));
}

static void
set_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
  g_autofree char *db_path = NULL;
  TrCourse *course;
  TrLearningPath *path;

  fuzz_init_logging ();
  /* To see what the server answers to an input (fuzz/run --show). */
  fuzz.verbose = g_strcmp0 (g_getenv ("TRELLIS_FUZZ_VERBOSE"), "1") == 0;
  if (!trs_auth_init (&error))
    g_error ("%s", error->message);

  fuzz.root = g_dir_make_tmp ("trellis-fuzz-http-XXXXXX", &error);
  if (fuzz.root == NULL)
    g_error ("%s", error->message);
  atexit (cleanup);
  fuzz.data_dir = g_build_filename (fuzz.root, "data", NULL);
  if (g_mkdir (fuzz.data_dir, 0700) != 0)
    g_error ("cannot make %s", fuzz.data_dir);
  db_path = g_build_filename (fuzz.data_dir, "trellis.db", NULL);
  fuzz.store = trs_store_open (db_path, &error);
  if (fuzz.store == NULL)
    g_error ("cannot open the database: %s", error->message);
  if (trs_store_run_sync (fuzz.store, TRS_JOB_WRITE, create_job, NULL, &error) == NULL)
    g_error ("cannot fill the database: %s", error->message);
  fuzz.password_hash = trs_password_hash (PASSWORD, &error);
  if (fuzz.password_hash == NULL)
    g_error ("%s", error->message);
  ensure_accounts ();

  fuzz.courses = g_ptr_array_new_with_free_func (g_object_unref);
  course = tr_course_load_valid (FUZZ_SOURCE_DIR "/tests/fixtures/example-course", &error);
  if (course == NULL)
    g_error ("the example course does not load: %s", error->message);
  g_ptr_array_add (fuzz.courses, course);
  fuzz.paths = g_ptr_array_new_with_free_func (g_object_unref);
  path = tr_learning_path_load (FUZZ_SOURCE_DIR "/tests/fixtures/example-path", diagnostics);
  if (path == NULL || tr_diagnostics_count (diagnostics, TR_SEVERITY_ERROR) > 0)
    g_error ("the example path does not load");
  g_ptr_array_add (fuzz.paths, path);

  fuzz.metrics = trs_metrics_new ();
  fuzz.api = trs_api_new (fuzz.store, fuzz.courses, fuzz.metrics, &error);
  if (fuzz.api == NULL || !trs_api_load_signing_key (fuzz.api, fuzz.data_dir, &error))
    g_error ("%s", error->message);
  trs_api_set_paths (fuzz.api, fuzz.paths);
  trs_api_set_public_url (fuzz.api, "http://127.0.0.1:8080");

  /* As trs_serve_command() makes it. */
  fuzz.server = soup_server_new ("raw-paths", TRUE, NULL);
  trs_api_attach (fuzz.api, fuzz.server, 0);
  listen_idle ();
  g_signal_connect (fuzz.server, "request-finished", G_CALLBACK (request_finished_cb), NULL);
  fuzz.local = g_inet_socket_address_new_from_string ("127.0.0.1", 8080);
  fuzz.remote = g_inet_socket_address_new_from_string ("127.0.0.1", 40000);

  issue_certificate ();
}

/* ----------------------------------------------------------------------- */
/* Inputs                                                                   */

/* Puts @value in place of the @length bytes at @at. (g_byte_array_insert()
 * is newer than GLib 2.74.) */
static void
splice (GByteArray *text,
        gsize       at,
        gsize       length,
        const char *value)
{
  gsize value_length = strlen (value);

  g_byte_array_remove_range (text, at, length);
  g_byte_array_set_size (text, text->len + value_length);
  memmove (text->data + at + value_length, text->data + at, text->len - value_length - at);
  memcpy (text->data + at, value, value_length);
}

static void
replace_all (GByteArray *text,
             const char *marker,
             const char *value)
{
  gsize marker_length = strlen (marker);
  gsize from = 0;
  guint8 *found;

  while (from < text->len &&
         (found = memmem (text->data + from, text->len - from, marker, marker_length)) != NULL)
    {
      gsize at = found - text->data;

      splice (text, at, marker_length, value);
      from = at + strlen (value);
    }
}

/* The first @LEN@: the length of everything after its header block. */
static void
replace_length (GByteArray *text)
{
  guint8 *marker = memmem (text->data, text->len, "@LEN@", 5);
  guint8 *end;
  char length[24];

  if (marker == NULL)
    return;
  end = memmem (marker, text->len - (marker - text->data), "\r\n\r\n", 4);
  if (end == NULL)
    return;
  g_snprintf (length, sizeof length, "%" G_GSIZE_FORMAT, text->len - (end + 4 - text->data));
  splice (text, marker - text->data, 5, length);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GByteArray) text = g_byte_array_sized_new (size + 256);
  g_autoptr(GBytes) reply = NULL;

  if (fuzz.server == NULL)
    set_up ();

  g_byte_array_append (text, data, size);
  for (Role role = 0; role < N_ROLES; role++)
    replace_all (text, accounts[role].marker, fuzz.tokens[role]);
  replace_all (text, "@CODE@", fuzz.code);
  replace_all (text, "@CERT@", fuzz.certificate_id);
  replace_length (text);

  fuzz.status_500 = 0;
  reply = serve (g_byte_array_free_to_bytes (g_steal_pointer (&text)));
  if (fuzz.verbose)
    g_printerr ("%.*s\n", (int) g_bytes_get_size (reply),
                (const char *) g_bytes_get_data (reply, NULL));
  if (fuzz.status_500 > 0)
    {
      gsize length;
      const char *answer = g_bytes_get_data (reply, &length);

      g_error ("the server answered 500:\n%.*s", (int) MIN (length, 4000), answer);
    }
  ensure_accounts ();
  return 0;
}
