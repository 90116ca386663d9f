/* bench-certificates.c: certificates issued and signed per second, and the
 * time to render one as a PDF
 *
 *   bench-certificates [--learners 500] [--clients 8] [--threads N] [--signs 2000] [--pdfs 20]
 *
 * Makes a throw-away data folder with `trellis-server init`, gives it
 * LEARNERS learners who completed "signal-recognition" (their events go
 * straight into the server's own store, so that no password is hashed),
 * starts the real `trellis-server serve` on it, and has CLIENTS threads ask
 * for every learner's certificate at once (POST /api/v1/certificates: the
 * completion check on the stored events, a status list index, the
 * credential, its Ed25519 signature and the row, each answered after its
 * commit). Then it verifies every certificate against the server's JWKS
 * (any failure: exit status 1), times the signature alone, and times the
 * app's PDF of one certificate.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-certificates"

#include <libsoup/soup.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tr-credential.h"
#include "tr-jws.h"
#include "tr-progress.h"

#include "bench-util.h"
#include "trellis-certificate-pdf.h"
#include "trs-catalogue.h"
#include "trs-store.h"

#define INSTITUTE "Bench Institute"
#define COURSE    "signal-recognition"
#define TOKEN_LIFETIME_MS (G_GINT64_CONSTANT (24) * 3600 * 1000)

typedef struct
{
  guint       n_learners;
  TrCourse   *course;
  GPtrArray  *tokens;        /* char*, one per learner */
  char       *url;

  /* Filled by the client threads. */
  gint        next;          /* atomic: the next learner to ask for */
  GMutex      mutex;
  GPtrArray  *jws;           /* char*, the certificates issued */
  GArray     *latencies;     /* gint64 µs */
  guint       n_failed;
} Bench;

static TrEvent *
course_event (TrCourse   *course,
              TrVerb      verb,
              const char *object,
              JsonObject *result)
{
  TrEvent *event = tr_event_new ("bench", verb, tr_course_get_id (course), tr_course_get_version (course), object,
                                 result);

  if (result != NULL)
    json_object_unref (result);
  return event;
}

/* Everything the course requires, done once, the quiz passed. */
static GPtrArray *
completion_events (TrCourse *course)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  GPtrArray *lessons = tr_course_get_lessons (course);
  GPtrArray *scenarios = tr_course_get_scenarios (course);
  GPtrArray *exercises = tr_course_get_signal_exercises (course);
  JsonObject *score = json_object_new ();

  for (guint i = 0; i < lessons->len; i++)
    {
      g_autofree char *object = g_strdup_printf ("lesson/%s", ((TrLesson *) g_ptr_array_index (lessons, i))->id);

      g_ptr_array_add (events, course_event (course, TR_VERB_EXPERIENCED, object, NULL));
    }
  for (guint i = 0; i < scenarios->len; i++)
    {
      g_autofree char *object = g_strdup_printf ("scenario/%s",
                                                 ((TrScenario *) g_ptr_array_index (scenarios, i))->id);
      JsonObject *ending = json_object_new ();

      json_object_set_string_member (ending, "verdict", "good");
      g_ptr_array_add (events, course_event (course, TR_VERB_COMPLETED, object, ending));
    }
  for (guint i = 0; i < exercises->len; i++)
    {
      g_autofree char *object = g_strdup_printf ("signal-exercise/%s",
                                                 ((TrSignalExercise *) g_ptr_array_index (exercises, i))->id);

      g_ptr_array_add (events, course_event (course, TR_VERB_ANSWERED, object, NULL));
    }
  json_object_set_int_member (score, "score", 100);
  g_ptr_array_add (events, course_event (course, TR_VERB_PASSED, "quiz", score));
  return events;
}

static gpointer
learners_job (TrsStore  *store,
              gpointer   data,
              GError   **error)
{
  Bench *bench = data;
  g_autoptr(GPtrArray) events = completion_events (bench->course);
  gint64 institute_id = trs_store_institute_create (store, INSTITUTE, error);

  if (institute_id == 0)
    return NULL;
  for (guint i = 0; i < bench->n_learners; i++)
    {
      g_autofree char *name = g_strdup_printf ("Learner %05u", i + 1);
      g_autofree char *email = g_strdup_printf ("learner%05u@bench.example", i + 1);
      /* Never checked: the learners come with a token. */
      g_autoptr(TrsAccount) account = trs_store_account_create (store, institute_id, 0, "learner", name, email,
                                                                "$argon2id$bench", error);
      char *token;

      if (account == NULL)
        return NULL;
      token = trs_store_token_issue (store, account->id, TOKEN_LIFETIME_MS, NULL, error);
      if (token == NULL)
        return NULL;
      g_ptr_array_add (bench->tokens, token);
      /* New ids for every learner: events are stored by id. */
      for (guint e = 0; e < events->len; e++)
        {
          TrEvent *event = g_ptr_array_index (events, e);

          g_free (event->id);
          event->id = g_uuid_string_random ();
        }
      if (!trs_store_events_insert (store, account, events, NULL, NULL, NULL, error))
        return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

static void
run_or_die (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status,
                     &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", argv[0], error->message);
}

static gpointer
client_thread (gpointer data)
{
  Bench *bench = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, "proxy-resolver", NULL, NULL);
  g_autofree char *uri = g_strconcat (bench->url, "/api/v1/certificates", NULL);
  static const char body[] = "{\"course\": \"" COURSE "\"}";

  for (;;)
    {
      guint i = (guint) g_atomic_int_add (&bench->next, 1);
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) request = NULL;
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *authorization = NULL;
      JsonObject *object = NULL;
      gint64 start, took;

      if (i >= bench->n_learners)
        break;
      msg = soup_message_new ("POST", uri);
      authorization = g_strconcat ("Bearer ", (char *) g_ptr_array_index (bench->tokens, i), NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
      request = g_bytes_new_static (body, sizeof body - 1);
      soup_message_set_request_body_from_bytes (msg, "application/json", request);
      start = g_get_monotonic_time ();
      answer = soup_session_send_and_read (session, msg, NULL, NULL);
      took = g_get_monotonic_time () - start;
      if (answer != NULL && soup_message_get_status (msg) == SOUP_STATUS_CREATED &&
          json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        object = json_node_get_object (json_parser_get_root (parser));

      g_mutex_lock (&bench->mutex);
      g_array_append_val (bench->latencies, took);
      if (object != NULL && json_object_get_string_member_with_default (object, "jws", NULL) != NULL)
        g_ptr_array_add (bench->jws, g_strdup (json_object_get_string_member (object, "jws")));
      else
        {
          if (bench->n_failed++ == 0)
            g_printerr ("bench-certificates: HTTP %u: %.*s\n", soup_message_get_status (msg),
                        answer != NULL ? (int) g_bytes_get_size (answer) : 0,
                        answer != NULL ? (const char *) g_bytes_get_data (answer, NULL) : "");
        }
      g_mutex_unlock (&bench->mutex);
    }
  return NULL;
}

static GHashTable *
fetch_jwks (const char *url)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autofree char *uri = g_strconcat (url, "/.well-known/jwks.json", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_autofree char *text = NULL;
  GHashTable *keys;

  if (answer == NULL)
    g_error ("JWKS: %s", error->message);
  text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  keys = tr_jwks_parse (text, &error);
  if (keys == NULL)
    g_error ("JWKS: %s", error->message);
  return keys;
}

/* "listening on http://127.0.0.1:PORT/" */
static char *
read_url (GSubprocess *server)
{
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  const char *url = line != NULL ? strstr (line, "http://") : NULL;
  char *copy;

  if (url == NULL)
    g_error ("trellis-server serve did not start: %s", error != NULL ? error->message : "no address");
  copy = g_strdup (url);
  if (g_str_has_suffix (copy, "/"))
    copy[strlen (copy) - 1] = '\0';
  return copy;
}

int
main (int    argc,
      char **argv)
{
  int n_learners = 500, n_clients = 8, n_threads = 0, n_signs = 2000, n_pdfs = 20;
  g_autofree char *courses_dir = g_build_filename (SOURCE_ROOT, "courses", NULL);
  GOptionEntry entries[] = {
    { "learners", 0, 0, G_OPTION_ARG_INT, &n_learners, "Learners, one certificate each", "N" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &n_clients, "Requests at once", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads, "The server's listener threads (its default)", "N" },
    { "signs", 0, 0, G_OPTION_ARG_INT, &n_signs, "Signatures timed alone", "N" },
    { "pdfs", 0, 0, G_OPTION_ARG_INT, &n_pdfs, "PDFs rendered", "N" },
    { "courses", 0, 0, G_OPTION_ARG_FILENAME, &courses_dir, "The courses", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- certificates per second and PDF time");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) courses = NULL;
  g_autoptr(GPtrArray) server_args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autoptr(GArray) pdf_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *root = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *threads_text = NULL;
  guint8 public_key[crypto_sign_PUBLICKEYBYTES], secret_key[crypto_sign_SECRETKEYBYTES];
  GThread **clients;
  Bench bench = { 0 };
  TrsStore *store;
  guint n_bad = 0;
  gsize pdf_size = 0;
  gint64 start, issue_us, sign_us, verify_us;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_learners < 1 || n_clients < 1 ||
      n_signs < 1 || n_pdfs < 1)
    {
      g_printerr ("bench-certificates: %s\n", error != NULL ? error->message : "the counts must be at least 1");
      return 2;
    }
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");

  courses = trs_catalogue_load (courses_dir, paths);
  for (guint i = 0; i < courses->len && bench.course == NULL; i++)
    if (g_str_equal (tr_course_get_id (g_ptr_array_index (courses, i)), COURSE))
      bench.course = g_ptr_array_index (courses, i);
  if (bench.course == NULL)
    g_error ("no course \"%s\" in %s", COURSE, courses_dir);
  {
    g_autoptr(GPtrArray) events = completion_events (bench.course);
    g_autoptr(TrProgress) progress = tr_progress_compute (bench.course, events);

    if (!tr_progress_is_complete (progress))
      g_error ("the generated events do not complete %s", COURSE);
  }

  /* The data folder and its learners. */
  root = g_dir_make_tmp ("trellis-bench-certificates-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (root, "data", NULL);
  run_or_die ((const char * const []) { TRELLIS_SERVER_PATH, "init", "--data", data_dir, NULL });
  db_path = g_build_filename (data_dir, "trellis.db", NULL);
  store = trs_store_open (db_path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  bench.n_learners = n_learners;
  bench.tokens = g_ptr_array_new_with_free_func (g_free);
  if (trs_store_run_sync (store, TRS_JOB_WRITE, learners_job, &bench, &error) == NULL)
    g_error ("%s", error->message);
  trs_store_close (store);

  /* The server. */
  g_ptr_array_add (server_args, g_strdup (TRELLIS_SERVER_PATH));
  g_ptr_array_add (server_args, g_strdup ("serve"));
  g_ptr_array_add (server_args, g_strdup_printf ("--data=%s", data_dir));
  g_ptr_array_add (server_args, g_strdup_printf ("--courses=%s", courses_dir));
  g_ptr_array_add (server_args, g_strdup ("--listen=127.0.0.1:0"));
  if (n_threads > 0)
    g_ptr_array_add (server_args, g_strdup_printf ("--threads=%d", n_threads));
  g_ptr_array_add (server_args, NULL);
  server = g_subprocess_newv ((const char * const *) server_args->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (server == NULL)
    g_error ("%s", error->message);
  bench.url = read_url (server);

  /* Issuing, all at once. */
  g_mutex_init (&bench.mutex);
  bench.jws = g_ptr_array_new_with_free_func (g_free);
  bench.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  clients = g_new0 (GThread *, n_clients);
  start = g_get_monotonic_time ();
  for (int i = 0; i < n_clients; i++)
    clients[i] = g_thread_new ("client", client_thread, &bench);
  for (int i = 0; i < n_clients; i++)
    g_thread_join (clients[i]);
  issue_us = g_get_monotonic_time () - start;
  g_free (clients);

  /* Every certificate verifies with the server's published keys. */
  keys = fetch_jwks (bench.url);
  for (guint i = 0; i < bench.jws->len; i++)
    {
      g_autoptr(JsonNode) verified = tr_jws_verify (g_ptr_array_index (bench.jws, i), keys, NULL, NULL);

      if (verified == NULL)
        n_bad++;
    }
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  if (bench.jws->len == 0)
    g_error ("no certificate was issued");

  /* The signature alone, on the same credential, and its verification. */
  payload = tr_jws_decode (g_ptr_array_index (bench.jws, 0), NULL, &error);
  if (payload == NULL)
    g_error ("%s", error->message);
  crypto_sign_keypair (public_key, secret_key);
  {
    g_autoptr(GHashTable) bench_keys = tr_jwks_new_table ();
    g_autofree char *signed_jws = NULL;

    start = g_get_monotonic_time ();
    for (int i = 0; i < n_signs; i++)
      {
        g_free (signed_jws);
        signed_jws = tr_jws_sign (payload, "bench", secret_key);
      }
    sign_us = g_get_monotonic_time () - start;

    tr_jwks_add (bench_keys, "bench", public_key);
    start = g_get_monotonic_time ();
    for (int i = 0; i < n_signs; i++)
      {
        g_autoptr(JsonNode) verified = tr_jws_verify (signed_jws, bench_keys, NULL, NULL);

        if (verified == NULL)
          g_error ("a signature made here does not verify");
      }
    verify_us = g_get_monotonic_time () - start;
  }
  sodium_memzero (secret_key, sizeof secret_key);

  /* The app's PDF of that certificate. */
  info = tr_credential_parse (payload, &error);
  if (info == NULL)
    g_error ("%s", error->message);
  for (int i = 0; i < n_pdfs; i++)
    {
      g_autoptr(GBytes) pdf = NULL;
      gint64 took;

      start = g_get_monotonic_time ();
      pdf = trellis_certificate_render_pdf_bytes (info, TR_LANG_EN, &error);
      took = g_get_monotonic_time () - start;
      if (pdf == NULL)
        g_error ("%s", error->message);
      pdf_size = g_bytes_get_size (pdf);
      g_array_append_val (pdf_times, took);
    }

  g_print ("Trellis certificate benchmark: %u cores, %d learners, %d clients at once\n\n",
           g_get_num_processors (), n_learners, n_clients);
  g_print ("issued (POST /api/v1/certificates):  %u in %.2f s = %.0f per second; p50 %.1f ms, p99 %.1f ms\n",
           bench.jws->len, issue_us / 1e6, bench.jws->len / (issue_us / 1e6),
           bench_percentile_ms (bench.latencies, 50), bench_percentile_ms (bench.latencies, 99));
  g_print ("failed requests:                      %u\n", bench.n_failed);
  g_print ("verified against the JWKS:            %u of %u\n", bench.jws->len - n_bad, bench.jws->len);
  g_print ("Ed25519 JWS signature alone:          %.0f per second (%.1f us each)\n",
           n_signs / (sign_us / 1e6), (double) sign_us / n_signs);
  g_print ("JWS verification alone:               %.0f per second (%.1f us each)\n",
           n_signs / (verify_us / 1e6), (double) verify_us / n_signs);
  g_print ("PDF of one certificate (A4, QR code): median %.1f ms, p99 %.1f ms, %" G_GSIZE_FORMAT " bytes\n",
           bench_percentile_ms (pdf_times, 50), bench_percentile_ms (pdf_times, 99), pdf_size);

  g_ptr_array_unref (bench.tokens);
  g_ptr_array_unref (bench.jws);
  g_array_unref (bench.latencies);
  g_mutex_clear (&bench.mutex);
  g_free (bench.url);
  /* The data folder holds a signing key: none of it stays. */
  run_or_die ((const char * const []) { "rm", "-rf", root, NULL });
  return bench.n_failed == 0 && n_bad == 0 ? 0 : 1;
}
