/* test-server-certificates.c: issuing, verifying and revoking certificates,
 * through the real trellis-server on a free loopback port
 *
 * The cases run in order against one server: what an earlier case issued,
 * a later one verifies, revokes or finds after a key rotation.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-certificates"

#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tr-course-loader.h"
#include "tr-credential.h"
#include "tr-event.h"
#include "tr-jws.h"
#include "tr-test-server.h"
#include "tr-test-util.h"
#include "trs-store.h"
#include "trs-verify-page.h"

#define NORTH       "Regio Noord"
#define SOUTH       "Regio Zuid"
#define PUBLIC_URL  "https://learn.example.org/trellis"
#define COURSE_ID   "example-course"
#define PATH_ID     "example-path"
#define EVE_NAME    "Eve <script>alert(1)</script> & \"Co\""

static struct
{
  TrTestServer *server;
  char         *courses_dir;
  SoupSession  *session;
  TrCourse     *course;
  char         *code;
  char         *alice_token;
  char         *alice_id;
  char         *bob_token;
  char         *eve_token;
  char         *admin_token;        /* of NORTH */
  char         *south_admin_token;
  char         *certificate_id;     /* alice's, for the course */
  char         *certificate_jws;
  char         *path_certificate_id;
  char         *eve_certificate_id;
  char         *first_kid;
  GPtrArray    *secrets;
} t;

/* ----------------------------------------------------------------------- */
/* Helpers                                                                  */

static void
write_file (const char *path,
            const char *contents,
            int         mode)
{
  g_autoptr(GError) error = NULL;

  /* CONSISTENT: GLib 2.74 does not truncate a file it writes in place, and
   * a longer JWS written before would leave its tail. */
  g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, mode, &error);
  g_assert_no_error (error);
}

typedef struct
{
  guint               status;
  GBytes             *body;
  char               *text;
  JsonNode           *json;
  SoupMessageHeaders *headers;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply->text);
  g_clear_pointer (&reply->json, json_node_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static Reply *
request_full (const char *method,
              const char *path,
              const char *token,
              const char *json,
              const char *header,
              const char *value)
{
  g_autofree char *uri = g_strconcat (tr_test_server_get_url (t.server), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  Reply *reply = g_new0 (Reply, 1);
  const char *type;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  if (header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), header, value);
  if (json != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply->body = soup_session_send_and_read (t.session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  reply->text = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
  type = soup_message_headers_get_content_type (reply->headers, NULL);
  if (g_strcmp0 (type, "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      json_parser_load_from_data (parser, reply->text, -1, &error);
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
  return request_full (method, path, token, json, NULL, NULL);
}

static JsonObject *
reply_object (Reply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

static void
assert_status (Reply *reply,
               guint  status)
{
  if (reply->status != status)
    g_error ("expected %u, got %u: %s", status, reply->status, reply->text);
}

static void
assert_error (Reply      *reply,
              guint       status,
              const char *code)
{
  JsonObject *error;

  assert_status (reply, status);
  error = json_object_get_object_member (reply_object (reply), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
}

static const char *
error_message (Reply *reply)
{
  return json_object_get_string_member (json_object_get_object_member (reply_object (reply), "error"), "message");
}

static char *
json_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static char *
object_body (const char *first_name,
             ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  va_list ap;

  json_builder_begin_object (builder);
  va_start (ap, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (ap, const char *))
    {
      json_builder_set_member_name (builder, name);
      json_builder_add_string_value (builder, va_arg (ap, const char *));
    }
  va_end (ap);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_string (root);
}

static char *
session_token (Reply  *reply,
               char  **public_id)
{
  JsonObject *object = reply_object (reply);
  const char *token = json_object_get_string_member (object, "token");

  g_assert_nonnull (token);
  g_ptr_array_add (t.secrets, g_strdup (token));
  if (public_id != NULL)
    *public_id = g_strdup (json_object_get_string_member (json_object_get_object_member (object, "account"), "id"));
  return g_strdup (token);
}

static char *
enrol (const char  *name,
       const char  *email,
       char       **public_id)
{
  g_autofree char *body = object_body ("code", t.code, "name", name, "email", email,
                                       "password", "a long enough passphrase", NULL);
  g_autoptr(Reply) reply = request ("POST", "/api/v1/auth/enrol", NULL, body);

  assert_status (reply, 201);
  return session_token (reply, public_id);
}

static char *
login (const char *email,
       const char *password)
{
  g_autofree char *body = object_body ("email", email, "password", password, NULL);
  g_autoptr(Reply) reply = request ("POST", "/api/v1/auth/login", NULL, body);

  assert_status (reply, 200);
  return session_token (reply, NULL);
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

static void
push (const char *token,
      GPtrArray  *events)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autoptr(Reply) reply = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < events->len; i++)
    json_builder_add_value (builder, tr_event_to_json (g_ptr_array_index (events, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_string (root);
  reply = request ("POST", "/api/v1/events", token, body);
  assert_status (reply, 200);
}

/* The first part of what the example course requires: its two lessons and
 * its scenario. */
static void
push_first_part (const char *token)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  JsonObject *ending = json_object_new ();

  json_object_set_string_member (ending, "ending", "good-ending");
  json_object_set_string_member (ending, "verdict", "good");
  g_ptr_array_add (events, course_event (TR_VERB_EXPERIENCED, "lesson/first-signals", NULL));
  g_ptr_array_add (events, course_event (TR_VERB_EXPERIENCED, "lesson/talking-first", NULL));
  g_ptr_array_add (events, course_event (TR_VERB_COMPLETED, "scenario/corridor-remark", ending));
  push (token, events);
}

/* The rest: the signal exercise, and the quiz failed once, then passed. */
static void
push_rest (const char *token,
           int         quiz_score)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);

  g_ptr_array_add (events, course_event (TR_VERB_ANSWERED, "signal-exercise/corridor-signals", NULL));
  g_ptr_array_add (events, course_event (TR_VERB_FAILED, "quiz", score_result (40)));
  g_ptr_array_add (events, course_event (TR_VERB_PASSED, "quiz", score_result (quiz_score)));
  push (token, events);
}

static Reply *
issue (const char *token,
       const char *kind,
       const char *id)
{
  g_autofree char *body = object_body (kind, id, NULL);

  return request ("POST", "/api/v1/certificates", token, body);
}

static GHashTable *
fetch_jwks (char **text)
{
  g_autoptr(Reply) reply = request ("GET", "/.well-known/jwks.json", NULL, NULL);
  g_autoptr(GError) error = NULL;
  GHashTable *keys;

  assert_status (reply, 200);
  keys = tr_jwks_parse (reply->text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (keys);
  if (text != NULL)
    *text = g_strdup (reply->text);
  return keys;
}

/* The credential of @jws, verified against the server's published keys. */
static TrCredentialInfo *
verify_credential (const char  *jws,
                   char       **kid_out)
{
  g_autoptr(GHashTable) keys = fetch_jwks (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *kid = NULL;
  TrCredentialInfo *info;

  payload = tr_jws_verify (jws, keys, &kid, &error);
  g_assert_no_error (error);
  g_assert_nonnull (payload);
  g_assert_nonnull (kid);
  info = tr_credential_parse (payload, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  if (kid_out != NULL)
    *kid_out = g_steal_pointer (&kid);
  return info;
}

/* "14 March 2026", as the English page writes a date. */
static char *
english_date (gint64 ms)
{
  static const char * const months[] = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
  };
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (ms / 1000);

  return g_strdup_printf ("%d %s %d", g_date_time_get_day_of_month (time),
                          months[g_date_time_get_month (time) - 1], g_date_time_get_year (time));
}

static guint
count_occurrences (const char *haystack,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* A page that is plain, accessible HTML: a language, one main, one h1, no
 * script. */
static void
assert_page_shape (Reply      *reply,
                   const char *lang)
{
  g_autofree char *html_lang = g_strdup_printf ("<html lang=\"%s\">", lang);

  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (reply->headers, NULL), "text/html"));
  g_assert_true (g_str_has_prefix (reply->text, "<!DOCTYPE html>"));
  g_assert_nonnull (strstr (reply->text, html_lang));
  g_assert_nonnull (strstr (reply->text, "<meta name=\"viewport\""));
  g_assert_cmpuint (count_occurrences (reply->text, "<main"), ==, 1);
  g_assert_cmpuint (count_occurrences (reply->text, "<h1"), ==, 1);
  g_assert_null (strstr (reply->text, "<script"));
  g_assert_true (g_utf8_validate (reply->text, -1, NULL));
}

static Reply *
verify_page (const char *id,
             const char *accept_language)
{
  g_autofree char *path = g_strconcat ("/verify/", id, NULL);

  return request_full ("GET", path, NULL, NULL, accept_language != NULL ? "Accept-Language" : NULL,
                       accept_language);
}

static Reply *
certificate_status (const char *id)
{
  g_autofree char *path = g_strconcat ("/api/v1/certificates/", id, "/status", NULL);

  return request ("GET", path, NULL, NULL);
}

/* Whether the published, signed status list marks @index revoked. */
static gboolean
status_list_bit (guint index)
{
  g_autoptr(Reply) reply = request ("GET", "/api/v1/status-list", NULL, NULL);
  g_autoptr(GHashTable) keys = fetch_jwks (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *jws = NULL;
  JsonObject *subject;
  const char *encoded;
  gboolean is_set = FALSE;

  assert_status (reply, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (reply->headers, NULL),
                                   "application/vc+jwt"));
  jws = g_strstrip (g_strdup (reply->text));
  payload = tr_jws_verify (jws, keys, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (payload));
  subject = json_object_get_object_member (json_node_get_object (payload), "credentialSubject");
  g_assert_nonnull (subject);
  encoded = json_object_get_string_member (subject, "encodedList");
  g_assert_nonnull (encoded);
  g_assert_true (tr_status_list_get (encoded, index, &is_set, &error));
  g_assert_no_error (error);
  return is_set;
}

/* ----------------------------------------------------------------------- */
/* The store, without a server: migration from version 1, and the calls     */

/* Schema version 1 as trellis-server 0.1 wrote it. */
static const char schema_v1[] =
  "CREATE TABLE institutes (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created INTEGER NOT NULL);"
  "CREATE TABLE cohorts (id INTEGER PRIMARY KEY,"
  "  institute_id INTEGER NOT NULL REFERENCES institutes ON DELETE CASCADE, name TEXT NOT NULL,"
  "  UNIQUE (institute_id, name));"
  "CREATE TABLE accounts (id INTEGER PRIMARY KEY, public_id TEXT NOT NULL UNIQUE,"
  "  institute_id INTEGER NOT NULL REFERENCES institutes, cohort_id INTEGER REFERENCES cohorts,"
  "  role TEXT NOT NULL CHECK (role IN ('learner', 'trainer', 'admin')), name TEXT NOT NULL,"
  "  email TEXT NOT NULL UNIQUE COLLATE NOCASE, password_hash TEXT NOT NULL, created INTEGER NOT NULL);"
  "CREATE INDEX accounts_institute ON accounts (institute_id);"
  "CREATE INDEX accounts_cohort ON accounts (cohort_id);"
  "CREATE TABLE enrolment_codes (digest TEXT PRIMARY KEY,"
  "  institute_id INTEGER NOT NULL REFERENCES institutes ON DELETE CASCADE,"
  "  cohort_id INTEGER REFERENCES cohorts ON DELETE CASCADE, expires INTEGER NOT NULL DEFAULT 0,"
  "  max_uses INTEGER NOT NULL DEFAULT 0, uses INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);"
  "CREATE TABLE tokens (digest TEXT PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts ON DELETE CASCADE, created INTEGER NOT NULL,"
  "  expires INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX tokens_account ON tokens (account_id);"
  "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
  "  account_id INTEGER NOT NULL REFERENCES accounts ON DELETE CASCADE, verb TEXT NOT NULL,"
  "  course_id TEXT NOT NULL, course_version TEXT NOT NULL, object TEXT NOT NULL, result TEXT,"
  "  timestamp INTEGER NOT NULL, received INTEGER NOT NULL);"
  "CREATE INDEX events_account_seq ON events (account_id, seq);"
  "CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, public_key BLOB NOT NULL, created INTEGER NOT NULL,"
  "  active INTEGER NOT NULL DEFAULT 1);"
  "INSERT INTO institutes VALUES (1, 'Old Institute', 1);"
  "INSERT INTO accounts VALUES (1, '7a3d3f0e-6b7c-4b55-9a51-0e6f2a9b1c11', 1, NULL, 'learner', 'Olga Oud',"
  "  'olga@example.org', 'x', 1);"
  "INSERT INTO signing_keys VALUES ('00112233aabbccdd', zeroblob(32), 1, 1);"
  "INSERT INTO signing_keys VALUES ('44556677aabbccdd', zeroblob(32), 2, 1);"
  "PRAGMA user_version = 1;";

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static TrsCertificate *
make_certificate (gint64      account_id,
                  const char *achievement,
                  guint       index)
{
  TrsCertificate *certificate = g_new0 (TrsCertificate, 1);

  certificate->id = g_uuid_string_random ();
  certificate->account_id = account_id;
  certificate->institute_id = 1;
  certificate->institute_name = g_strdup ("Old Institute");
  certificate->holder_id = g_strdup ("7a3d3f0e-6b7c-4b55-9a51-0e6f2a9b1c11");
  certificate->holder_name = g_strdup ("Olga Oud");
  certificate->achievement_kind = g_strdup ("course");
  certificate->achievement_id = g_strdup (achievement);
  certificate->content_version = g_strdup ("v1");
  certificate->jws = g_strdup ("a.b.c");
  certificate->issued = g_get_real_time () / 1000;
  certificate->status_index = index;
  return certificate;
}

static gpointer
store_calls_job (TrsStore  *store,
                 gpointer   data,
                 GError   **error)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GArray) revoked = NULL;
  g_autoptr(TrsCertificate) found = NULL;
  g_autoptr(TrsCertificate) again = NULL;
  g_autoptr(TrsCertificate) revoked_one = NULL;
  g_autoptr(TrsCertificate) revoked_twice = NULL;
  g_autoptr(GHashTable) indexes = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autofree char *active = NULL;
  g_autofree char *first_id = NULL;
  GError *local_error = NULL;
  guint ascending = 0, previous = 0;

  /* After the migration only the newest key signs; both stay listed. */
  keys = trs_store_key_list (store, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpuint (keys->len, ==, 2);
  g_assert_false (((TrsSigningKey *) g_ptr_array_index (keys, 0))->active);
  g_assert_true (((TrsSigningKey *) g_ptr_array_index (keys, 1))->active);
  active = trs_store_key_active (store, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpstr (active, ==, "44556677aabbccdd");

  /* Indexes are drawn at random, never twice, within the list. */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *achievement = g_strdup_printf ("course-%u", i);
      g_autoptr(TrsCertificate) certificate = NULL;
      guint index = G_MAXUINT;

      g_assert_true (trs_store_certificate_next_index (store, &index, &local_error));
      g_assert_no_error (local_error);
      g_assert_cmpuint (index, <, TRS_STATUS_LIST_SIZE);
      g_assert_false (g_hash_table_contains (indexes, GUINT_TO_POINTER (index + 1)));
      g_hash_table_add (indexes, GUINT_TO_POINTER (index + 1));
      if (i > 0 && index == previous + 1)
        ascending++;
      previous = index;
      certificate = make_certificate (1, achievement, index);
      if (first_id == NULL)
        first_id = g_strdup (certificate->id);
      g_assert_true (trs_store_certificate_insert (store, certificate, &local_error));
      g_assert_no_error (local_error);
    }
  g_assert_cmpuint (ascending, <, 5);

  /* The same achievement and version twice, or a taken index: refused. */
  {
    g_autoptr(TrsCertificate) twice = make_certificate (1, "course-0", (previous + 1) % TRS_STATUS_LIST_SIZE);
    g_autoptr(TrsCertificate) same_index = make_certificate (1, "course-new", previous);

    g_assert_false (trs_store_certificate_insert (store, twice, &local_error));
    g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_CONFLICT);
    g_clear_error (&local_error);
    g_assert_false (trs_store_certificate_insert (store, same_index, &local_error));
    g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_CONFLICT);
    g_clear_error (&local_error);
  }

  found = trs_store_certificate_find_existing (store, 1, "course", "course-0", "v1", &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpstr (found->id, ==, first_id);
  g_assert_cmpstr (found->holder_name, ==, "Olga Oud");
  g_assert_null (trs_store_certificate_find_existing (store, 1, "course", "course-0", "v2", &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);
  g_assert_null (trs_store_certificate_find (store, "not-a-uuid", &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);

  list = trs_store_certificate_list (store, 1, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpuint (list->len, ==, 40);

  /* Revoking keeps the first date and reason. */
  revoked_one = trs_store_certificate_revoke (store, first_id, "issued in error", &local_error);
  g_assert_no_error (local_error);
  g_assert_true (revoked_one->revoked);
  g_assert_cmpint (revoked_one->revoked_at, >, 0);
  g_assert_cmpstr (revoked_one->revoked_reason, ==, "issued in error");
  revoked_twice = trs_store_certificate_revoke (store, first_id, "another reason", &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpint (revoked_twice->revoked_at, ==, revoked_one->revoked_at);
  g_assert_cmpstr (revoked_twice->revoked_reason, ==, "issued in error");
  g_assert_null (trs_store_certificate_revoke (store, first_id, "\x01", &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID);
  g_clear_error (&local_error);
  revoked = trs_store_certificate_revoked_indexes (store, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpuint (revoked->len, ==, 1);
  g_assert_cmpuint (g_array_index (revoked, guint, 0), ==, revoked_one->status_index);

  /* Erasing the account leaves its certificates verifiable. */
  g_assert_true (trs_store_account_delete (store, 1, &local_error));
  g_assert_no_error (local_error);
  again = trs_store_certificate_find (store, first_id, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpint (again->account_id, ==, 0);
  g_assert_cmpstr (again->holder_name, ==, "Olga Oud");
  g_assert_true (again->revoked);
  return GINT_TO_POINTER (TRUE);
}

static void
test_store_migration (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("trellis-certificates-store-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "trellis.db", NULL);
  sqlite3 *db = NULL;
  TrsStore *store;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, schema_v1, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = trs_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trs_store_run_sync (store, TRS_JOB_WRITE, store_calls_job, NULL, &error));
  g_assert_no_error (error);
  trs_store_close (store);

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 3);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM institutes"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM certificates WHERE account_id IS NULL"), ==, 40);
  tr_test_remove_tree (dir);
}

static void
test_accept_language (void)
{
  static const struct
  {
    const char *header;
    TrLang      lang;
  } cases[] = {
    { NULL, TR_LANG_EN },
    { "", TR_LANG_EN },
    { "nl", TR_LANG_NL },
    { "nl-BE,nl;q=0.9,en;q=0.5", TR_LANG_NL },
    { "FR-be", TR_LANG_FR },
    { "de, nl;q=0.8, fr;q=0.9", TR_LANG_FR },
    { "en;q=0.2, nl;q=0.7", TR_LANG_NL },
    { "nl;q=0, fr;q=0.1", TR_LANG_FR },
    { "nl;q=0", TR_LANG_EN },
    { "de, es", TR_LANG_EN },
    { "*;q=0.5, nl;q=0.4", TR_LANG_EN },
    { "nld, nl_garbage;q=1", TR_LANG_EN },
    { "fr;q=abc, nl;q=0.3", TR_LANG_NL },
    { "fr, nl", TR_LANG_FR },
    /* Empty ranges, which crashed the server (found by fuzz/fuzz-http.c). */
    { "en,", TR_LANG_EN },
    { ",", TR_LANG_EN },
    { "de,, fr;q=0.5,", TR_LANG_FR },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("Accept-Language: %s", cases[i].header != NULL ? cases[i].header : "(none)");
      g_assert_cmpint (trs_accept_language (cases[i].header), ==, cases[i].lang);
    }
}

/* ----------------------------------------------------------------------- */
/* Setting up: data folders made with the command line, and the server      */

static void
setup (void)
{
  static const char * const env[] = { "TRELLIS_LOG_REQUESTS", "1", NULL };
  TrTestServerOptions options = { .public_url = PUBLIC_URL "/", .env = env };
  g_autoptr(GError) error = NULL;
  g_autofree char *course_fixture = tr_test_fixture_path ("example-course", NULL);
  g_autofree char *path_fixture = tr_test_fixture_path ("example-path", NULL);
  g_autofree char *course_dir = NULL;
  g_autofree char *path_copy = NULL;
  g_autofree char *path_copy_parent = NULL;
  g_autofree char *path_dir = NULL;

  t.server = tr_test_server_new ("server-certificates");
  t.secrets = g_ptr_array_new_with_free_func (g_free);

  /* The course, and the learning path of that course beside it. */
  course_dir = tr_test_copy_tree (course_fixture);
  t.courses_dir = g_path_get_dirname (course_dir);
  t.course = tr_course_load_valid (course_dir, &error);
  g_assert_no_error (error);
  path_copy = tr_test_copy_tree (path_fixture);
  path_copy_parent = g_path_get_dirname (path_copy);
  path_dir = g_build_filename (t.courses_dir, PATH_ID, NULL);
  g_assert_cmpint (g_rename (path_copy, path_dir), ==, 0);
  g_rmdir (path_copy_parent);

  tr_test_server_add_institute (t.server, NORTH);
  tr_test_server_add_institute (t.server, SOUTH);
  t.code = tr_test_server_create_code (t.server, NORTH, "--max-uses", "10", NULL);
  tr_test_server_add_user (t.server, NORTH, "admin", "Nora Noord", "nora@example.org", "nora's long passphrase");
  tr_test_server_add_user (t.server, SOUTH, "admin", "Zeno Zuid", "zeno@example.org", "zeno's long passphrase");
  {
    g_autofree char *keys = tr_test_server_run (t.server, "keys list", NULL);
    g_auto(GStrv) fields = g_strsplit (keys, " ", 2);

    t.first_kid = g_strdup (fields[0]);
    g_assert_cmpuint (strlen (t.first_kid), ==, 16);
    g_assert_nonnull (strstr (keys, "signs"));
  }

  t.session = soup_session_new_with_options ("timeout", 30, "proxy-resolver", NULL, NULL);
  options.courses_dir = t.courses_dir;
  tr_test_server_start (t.server, &options);
}

/* ----------------------------------------------------------------------- */
/* The cases                                                                */

/* A server whose signing key is missing, or readable by others, does not
 * start: it could only issue certificates that do not verify. */
static void
test_refuses_bad_key (void)
{
  g_autofree char *data = g_build_filename (tr_test_server_get_root (t.server), "data-bad-key", NULL);
  g_autofree char *keys = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_free (tr_test_cli_run ("init", "--data", data, NULL));
  keys = tr_test_cli_run ("keys", "list", "--data", data, NULL);
  kid = g_strndup (keys, 16);
  file_name = g_strconcat (kid, ".key", NULL);
  key_path = g_build_filename (data, "keys", file_name, NULL);

  g_assert_cmpint (g_chmod (key_path, 0644), ==, 0);
  out = tr_test_cli_run_status (&status, &err, "serve", "--data", data, "--listen", "127.0.0.1:0",
                        "--courses", t.courses_dir, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_null (strstr (out, "listening"));
  g_assert_nonnull (strstr (err, "0600"));
  g_assert_nonnull (strstr (err, key_path));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (g_unlink (key_path), ==, 0);
  out = tr_test_cli_run_status (&status, &err, "serve", "--data", data, "--listen", "127.0.0.1:0",
                        "--courses", t.courses_dir, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "missing"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A bad --public-url is a usage error. */
  out = tr_test_cli_run_status (&status, &err, "serve", "--data", tr_test_server_get_data_dir (t.server),
                                "--listen", "127.0.0.1:0", "--public-url", "ftp://example.org", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "--public-url"));
}

static void
test_enrol (void)
{
  t.alice_token = enrol ("Alice Smit", "alice@example.org", &t.alice_id);
  t.bob_token = enrol ("Bob de Wit", "bob@example.org", NULL);
  t.eve_token = enrol (EVE_NAME, "eve@example.org", NULL);
  t.admin_token = login ("nora@example.org", "nora's long passphrase");
  t.south_admin_token = login ("zeno@example.org", "zeno's long passphrase");
}

static void
test_refused_before_completion (void)
{
  g_autoptr(Reply) empty = issue (t.alice_token, "course", COURSE_ID);
  g_autoptr(Reply) partial = NULL;
  g_autoptr(Reply) path = NULL;
  g_autoptr(Reply) unknown = issue (t.alice_token, "course", "no-such-course");
  g_autoptr(Reply) unknown_path = issue (t.alice_token, "path", "no-such-path");
  g_autoptr(Reply) both = request ("POST", "/api/v1/certificates", t.alice_token,
                                   "{\"course\": \"" COURSE_ID "\", \"path\": \"" PATH_ID "\"}");
  g_autoptr(Reply) neither = request ("POST", "/api/v1/certificates", t.alice_token, "{}");
  g_autoptr(Reply) number = request ("POST", "/api/v1/certificates", t.alice_token, "{\"course\": 7}");
  g_autoptr(Reply) no_token = issue (NULL, "course", COURSE_ID);
  g_autoptr(Reply) admin = issue (t.admin_token, "course", COURSE_ID);
  g_autoptr(Reply) list = NULL;

  assert_error (empty, 409, "not_complete");
  g_assert_nonnull (strstr (error_message (empty), "0 of 5 required items done"));

  /* The client's claim counts for nothing: only the stored events do. */
  push_first_part (t.alice_token);
  partial = issue (t.alice_token, "course", COURSE_ID);
  assert_error (partial, 409, "not_complete");
  g_test_message ("%s", error_message (partial));
  g_assert_nonnull (strstr (error_message (partial), "3 of 5 required items done"));
  g_assert_nonnull (strstr (error_message (partial), "the quiz is not passed"));
  g_assert_nonnull (strstr (error_message (partial), "signal exercise \"Signal or not?\" is not answered"));
  g_assert_null (strstr (error_message (partial), "First signals"));

  path = issue (t.alice_token, "path", PATH_ID);
  assert_error (path, 409, "not_complete");
  g_assert_nonnull (strstr (error_message (path), "0 of 1 courses complete"));

  assert_error (unknown, 404, "not_found");
  assert_error (unknown_path, 404, "not_found");
  assert_error (both, 400, "invalid_request");
  assert_error (neither, 400, "invalid_request");
  assert_error (number, 400, "invalid_request");
  assert_error (no_token, 401, "unauthorized");
  assert_error (admin, 403, "forbidden");

  list = request ("GET", "/api/v1/certificates", t.alice_token, NULL);
  assert_status (list, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (list), "certificates")),
                    ==, 0);
}

static void
test_issue (void)
{
  g_autoptr(Reply) first = NULL;
  g_autoptr(Reply) again = NULL;
  JsonObject *object;

  push_rest (t.alice_token, 85);
  first = issue (t.alice_token, "course", COURSE_ID);
  assert_status (first, 201);
  object = reply_object (first);
  t.certificate_id = g_strdup (json_object_get_string_member (object, "id"));
  t.certificate_jws = g_strdup (json_object_get_string_member (object, "jws"));
  g_assert_true (g_uuid_string_is_valid (t.certificate_id));
  g_assert_cmpuint (count_occurrences (t.certificate_jws, "."), ==, 2);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "credential")));

  /* Issuing again gives the same certificate. */
  again = issue (t.alice_token, "course", COURSE_ID);
  assert_status (again, 200);
  g_assert_cmpstr (json_object_get_string_member (reply_object (again), "id"), ==, t.certificate_id);
  g_assert_cmpstr (json_object_get_string_member (reply_object (again), "jws"), ==, t.certificate_jws);
}

static void
test_verifies (void)
{
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) decoded = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *holder = g_strconcat ("urn:uuid:", t.alice_id, NULL);
  g_autofree char *id = g_strconcat ("urn:uuid:", t.certificate_id, NULL);
  g_autofree char *verify_url = g_strconcat (PUBLIC_URL "/verify/", t.certificate_id, NULL);
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) until = NULL;
  g_autoptr(GDateTime) expected_until = NULL;
  gint64 now = g_get_real_time () / 1000;

  info = verify_credential (t.certificate_jws, &kid);
  g_assert_cmpstr (kid, ==, t.first_kid);
  g_assert_cmpstr (info->id, ==, id);
  g_assert_cmpstr (info->holder_name, ==, "Alice Smit");
  g_assert_cmpstr (info->holder_id, ==, holder);
  g_assert_cmpstr (info->achievement_id, ==, COURSE_ID);
  g_assert_cmpstr (info->achievement_kind, ==, "course");
  g_assert_cmpstr (info->title.s[TR_LANG_EN], ==, tr_course_get_title (t.course)->s[TR_LANG_EN]);
  g_assert_cmpstr (info->title.s[TR_LANG_NL], ==, tr_course_get_title (t.course)->s[TR_LANG_NL]);
  g_assert_cmpstr (info->title.s[TR_LANG_FR], ==, tr_course_get_title (t.course)->s[TR_LANG_FR]);
  g_assert_cmpuint (g_strv_length (info->modules), ==, 1);
  g_assert_cmpstr (info->modules[0], ==, tr_course_get_title (t.course)->s[TR_LANG_EN]);
  g_assert_cmpfloat_with_epsilon (info->study_hours, 45 / 60.0, 0.01);
  g_assert_cmpstr (info->version, ==, tr_course_get_version (t.course));
  g_assert_cmpint (info->quiz_score, ==, 85);
  g_assert_cmpstr (info->issuer_id, ==, PUBLIC_URL);
  g_assert_cmpstr (info->issuer_name, ==, NORTH);
  g_assert_cmpstr (info->verify_url, ==, verify_url);
  g_assert_cmpstr (info->status_list, ==, PUBLIC_URL "/api/v1/status-list");
  g_assert_cmpuint (info->status_index, <, TRS_STATUS_LIST_SIZE);
  g_assert_cmpint (info->valid_from, <=, now);
  g_assert_cmpint (info->valid_from, >, now - 5 * 60 * 1000);
  /* The course is valid for 24 months. */
  from = g_date_time_new_from_unix_utc (info->valid_from / 1000);
  until = g_date_time_new_from_unix_utc (info->valid_until / 1000);
  expected_until = g_date_time_add_months (from, 24);
  g_assert_cmpint (g_date_time_to_unix (until), ==, g_date_time_to_unix (expected_until));

  /* What the server answered is what it signed. */
  decoded = tr_jws_decode (t.certificate_jws, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(Reply) again = issue (t.alice_token, "course", COURSE_ID);

    g_assert_true (json_node_equal (decoded, json_object_get_member (reply_object (again), "credential")));
  }
}

/* One byte changed anywhere, or another key: refused. */
static void
test_tampered (void)
{
  g_autoptr(GHashTable) keys = fetch_jwks (NULL);
  g_auto(GStrv) parts = g_strsplit (t.certificate_jws, ".", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  guint8 public_key[crypto_sign_PUBLICKEYBYTES];
  guint8 secret_key[crypto_sign_SECRETKEYBYTES];

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  for (guint part = 1; part <= 2; part++)
    {
      gsize length = strlen (parts[part]);
      gsize positions[] = { 0, length / 3, length / 2, length - 2 };

      for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
        {
          g_autofree char *copy = g_strdup (parts[part]);
          g_autofree char *altered = NULL;
          g_autoptr(JsonNode) node = NULL;
          g_autoptr(GError) local_error = NULL;

          copy[positions[i]] = copy[positions[i]] == 'A' ? 'B' : 'A';
          altered = part == 1 ? g_strjoin (".", parts[0], copy, parts[2], NULL)
                              : g_strjoin (".", parts[0], parts[1], copy, NULL);
          node = tr_jws_verify (altered, keys, NULL, &local_error);
          g_assert_null (node);
          g_assert_nonnull (local_error);
        }
    }

  /* A well-formed payload that says something else. */
  {
    g_autoptr(JsonNode) decoded = tr_jws_decode (t.certificate_jws, NULL, &error);
    g_autofree char *text = NULL;
    g_autofree char *forged_text = NULL;
    g_autofree char *encoded = NULL;
    g_autofree char *forged = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_auto(GStrv) pieces = NULL;

    g_assert_no_error (error);
    text = json_string (decoded);
    pieces = g_strsplit (text, "Alice Smit", -1);
    g_assert_cmpuint (g_strv_length (pieces), >=, 2);
    forged_text = g_strjoinv ("Alice Smid", pieces);
    encoded = tr_base64url_encode ((const guint8 *) forged_text, strlen (forged_text));
    forged = g_strjoin (".", parts[0], encoded, parts[2], NULL);
    node = tr_jws_verify (forged, keys, NULL, &error);
    g_assert_null (node);
    g_assert_error (error, TR_JWS_ERROR, TR_JWS_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
  }

  /* Signed by a key that is not the institute's, under its kid or another. */
  payload = tr_jws_decode (t.certificate_jws, NULL, &error);
  g_assert_no_error (error);
  crypto_sign_keypair (public_key, secret_key);
  {
    g_autofree char *under_kid = tr_jws_sign (payload, t.first_kid, secret_key);
    g_autofree char *other_kid = tr_jws_sign (payload, "0123456789abcdef", secret_key);
    g_autoptr(JsonNode) node = NULL;

    g_assert_nonnull (under_kid);
    node = tr_jws_verify (under_kid, keys, NULL, &error);
    g_assert_null (node);
    g_assert_error (error, TR_JWS_ERROR, TR_JWS_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
    node = tr_jws_verify (other_kid, keys, NULL, &error);
    g_assert_null (node);
    g_assert_error (error, TR_JWS_ERROR, TR_JWS_ERROR_UNKNOWN_KEY);
    g_clear_error (&error);
  }
  sodium_memzero (secret_key, sizeof secret_key);
}

static void
test_status_valid (void)
{
  g_autoptr(Reply) reply = certificate_status (t.certificate_id);
  JsonObject *object;

  assert_status (reply, 200);
  object = reply_object (reply);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, t.certificate_id);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "valid");
  g_assert_cmpstr (json_object_get_string_member (object, "holder"), ==, "Alice Smit");
  g_assert_cmpstr (json_object_get_string_member (object, "achievement"), ==, COURSE_ID);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "title"), "nl"), ==,
                   tr_course_get_title (t.course)->s[TR_LANG_NL]);
  g_assert_cmpstr (json_object_get_string_member (object, "version"), ==, tr_course_get_version (t.course));
  g_assert_cmpstr (json_object_get_string_member (object, "institute"), ==, NORTH);
  g_assert_cmpint (json_object_get_int_member (object, "issued"), >, 0);
  g_assert_cmpint (json_object_get_int_member (object, "valid_until"), >, json_object_get_int_member (object, "issued"));
  g_assert_true (json_object_get_null_member (object, "revoked_at"));
  /* Nothing the certificate does not state itself. */
  g_assert_null (strstr (reply->text, "alice@example.org"));
  g_assert_null (strstr (reply->text, t.alice_id));
}

static void
test_verify_page_valid (void)
{
  g_autoptr(Reply) en = verify_page (t.certificate_id, NULL);
  g_autoptr(Reply) nl = verify_page (t.certificate_id, "nl-BE,nl;q=0.9,en;q=0.5");
  g_autoptr(Reply) fr = verify_page (t.certificate_id, "de, fr;q=0.8, nl;q=0.3");
  g_autoptr(Reply) not_nl = verify_page (t.certificate_id, "nl;q=0, en;q=0.1");
  g_autofree char *status_link = g_strconcat ("/api/v1/certificates/", t.certificate_id, "/status", NULL);

  assert_status (en, 200);
  assert_page_shape (en, "en");
  g_assert_nonnull (strstr (en->text, "VALID"));
  g_assert_null (strstr (en->text, "REVOKED"));
  g_assert_nonnull (strstr (en->text, "Alice Smit"));
  g_assert_nonnull (strstr (en->text, NORTH));
  g_assert_nonnull (strstr (en->text, tr_course_get_version (t.course)));
  g_assert_nonnull (strstr (en->text, t.certificate_id));
  g_assert_nonnull (strstr (en->text, status_link));
  g_assert_null (strstr (en->text, "alice@example.org"));
  g_assert_cmpstr (soup_message_headers_get_one (en->headers, "Content-Language"), ==, "en");

  assert_status (nl, 200);
  assert_page_shape (nl, "nl");
  g_assert_nonnull (strstr (nl->text, "GELDIG"));
  g_assert_nonnull (strstr (nl->text, "Alice Smit"));
  g_assert_nonnull (strstr (nl->text, tr_course_get_title (t.course)->s[TR_LANG_NL]));

  assert_status (fr, 200);
  assert_page_shape (fr, "fr");
  g_assert_nonnull (strstr (fr->text, "VALIDE"));
  g_assert_nonnull (strstr (fr->text, "Alice Smit"));

  assert_page_shape (not_nl, "en");
}

/* Every value on the page is escaped. */
static void
test_verify_page_escapes (void)
{
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) page = NULL;

  push_first_part (t.eve_token);
  push_rest (t.eve_token, 70);
  reply = issue (t.eve_token, "course", COURSE_ID);
  assert_status (reply, 201);
  t.eve_certificate_id = g_strdup (json_object_get_string_member (reply_object (reply), "id"));

  page = verify_page (t.eve_certificate_id, NULL);
  assert_status (page, 200);
  assert_page_shape (page, "en");
  g_assert_nonnull (strstr (page->text, "Eve &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"));
}

static void
test_list (void)
{
  g_autoptr(Reply) alice = request ("GET", "/api/v1/certificates", t.alice_token, NULL);
  g_autoptr(Reply) bob = request ("GET", "/api/v1/certificates", t.bob_token, NULL);
  g_autoptr(Reply) admin = request ("GET", "/api/v1/certificates", t.admin_token, NULL);
  g_autoptr(Reply) anonymous = request ("GET", "/api/v1/certificates", NULL, NULL);
  JsonArray *list;
  JsonObject *entry;

  assert_status (alice, 200);
  list = json_object_get_array_member (reply_object (alice), "certificates");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  entry = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "id"), ==, t.certificate_id);
  g_assert_cmpstr (json_object_get_string_member (entry, "kind"), ==, "course");
  g_assert_cmpstr (json_object_get_string_member (entry, "achievement"), ==, COURSE_ID);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (entry, "title"), "en"), ==,
                   tr_course_get_title (t.course)->s[TR_LANG_EN]);
  g_assert_cmpint (json_object_get_int_member (entry, "issued"), >, 0);
  g_assert_cmpint (json_object_get_int_member (entry, "valid_until"), >, 0);
  g_assert_false (json_object_get_boolean_member (entry, "revoked"));
  g_assert_cmpstr (json_object_get_string_member (entry, "jws"), ==, t.certificate_jws);

  assert_status (bob, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (bob), "certificates")), ==, 0);
  assert_error (admin, 403, "forbidden");
  assert_error (anonymous, 401, "unauthorized");
}

static void
test_revoke (void)
{
  g_autofree char *path = g_strconcat ("/api/v1/certificates/", t.certificate_id, "/revoke", NULL);
  g_autofree char *unknown_path = NULL;
  g_autofree char *body = object_body ("reason", "issued to the wrong person", NULL);
  g_autoptr(Reply) learner = request ("POST", path, t.alice_token, body);
  g_autoptr(Reply) other_institute = request ("POST", path, t.south_admin_token, body);
  g_autoptr(Reply) no_reason = request ("POST", path, t.admin_token, "{}");
  g_autoptr(Reply) unknown = NULL;
  g_autoptr(Reply) revoked = NULL;
  g_autoptr(Reply) status = NULL;
  g_autoptr(Reply) page = NULL;
  g_autoptr(Reply) page_nl = NULL;
  g_autoptr(TrCredentialInfo) info = verify_credential (t.certificate_jws, NULL);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *date = NULL;
  gint64 revoked_at;

  g_assert_false (status_list_bit (info->status_index));

  assert_error (learner, 403, "forbidden");
  assert_error (other_institute, 403, "forbidden");
  assert_error (no_reason, 400, "invalid_request");
  unknown_path = g_strconcat ("/api/v1/certificates/", uuid, "/revoke", NULL);
  unknown = request ("POST", unknown_path, t.admin_token, body);
  assert_error (unknown, 404, "not_found");
  {
    g_autoptr(Reply) still = certificate_status (t.certificate_id);

    g_assert_cmpstr (json_object_get_string_member (reply_object (still), "status"), ==, "valid");
  }

  revoked = request ("POST", path, t.admin_token, body);
  assert_status (revoked, 200);
  g_assert_cmpstr (json_object_get_string_member (reply_object (revoked), "status"), ==, "revoked");
  revoked_at = json_object_get_int_member (reply_object (revoked), "revoked_at");
  g_assert_cmpint (revoked_at, >, 0);

  status = certificate_status (t.certificate_id);
  assert_status (status, 200);
  g_assert_cmpstr (json_object_get_string_member (reply_object (status), "status"), ==, "revoked");
  g_assert_cmpint (json_object_get_int_member (reply_object (status), "revoked_at"), ==, revoked_at);
  /* The reason stays with the institute. */
  g_assert_null (strstr (status->text, "wrong person"));

  date = english_date (revoked_at);
  page = verify_page (t.certificate_id, "en");
  assert_status (page, 200);
  assert_page_shape (page, "en");
  g_assert_nonnull (strstr (page->text, "REVOKED"));
  g_assert_nonnull (strstr (page->text, date));
  g_assert_nonnull (strstr (page->text, "Alice Smit"));
  g_assert_null (strstr (page->text, "wrong person"));
  page_nl = verify_page (t.certificate_id, "nl");
  g_assert_nonnull (strstr (page_nl->text, "INGETROKKEN"));

  /* The signed list says so too, at the certificate's index. */
  g_assert_true (status_list_bit (info->status_index));
}

static void
test_revoke_cli (void)
{
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) certificate = NULL;
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  int status;

  certificate = issue (t.eve_token, "course", COURSE_ID);
  assert_status (certificate, 200);
  info = verify_credential (json_object_get_string_member (reply_object (certificate), "jws"), NULL);
  g_assert_false (status_list_bit (info->status_index));

  out = tr_test_server_run (t.server, "certificate revoke", t.eve_certificate_id, "--reason", "fraud", NULL);
  g_assert_nonnull (strstr (out, t.eve_certificate_id));
  reply = certificate_status (t.eve_certificate_id);
  g_assert_cmpstr (json_object_get_string_member (reply_object (reply), "status"), ==, "revoked");
  /* Revoked by another process: the cached list is made again. */
  g_assert_true (status_list_bit (info->status_index));

  g_clear_pointer (&out, g_free);
  out = tr_test_cli_run_status (&status, &err, "certificate", "revoke", "--data",
                                tr_test_server_get_data_dir (t.server), uuid, "--reason", "x", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "no such certificate"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  out = tr_test_cli_run_status (&status, &err, "certificate", "revoke", "--data",
                                tr_test_server_get_data_dir (t.server), t.eve_certificate_id, NULL);
  g_assert_cmpint (status, ==, 2);
}

static void
test_path (void)
{
  g_autoptr(Reply) reply = issue (t.alice_token, "path", PATH_ID);
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autofree char *version = g_strconcat (COURSE_ID "@", tr_course_get_version (t.course), NULL);

  assert_status (reply, 201);
  t.path_certificate_id = g_strdup (json_object_get_string_member (reply_object (reply), "id"));
  info = verify_credential (json_object_get_string_member (reply_object (reply), "jws"), NULL);
  g_assert_cmpstr (info->achievement_kind, ==, "path");
  g_assert_cmpstr (info->achievement_id, ==, PATH_ID);
  g_assert_cmpstr (info->title.s[TR_LANG_EN], ==, "Example path");
  g_assert_cmpstr (info->title.s[TR_LANG_NL], ==, "Voorbeeldleerlijn");
  g_assert_cmpstr (info->version, ==, version);
  g_assert_cmpuint (g_strv_length (info->modules), ==, 1);
  g_assert_cmpstr (info->modules[0], ==, tr_course_get_title (t.course)->s[TR_LANG_EN]);
  g_assert_cmpint (info->quiz_score, ==, 85);
  g_assert_cmpint (info->valid_until, >, info->valid_from);
}

static void
test_rotate (void)
{
  g_autoptr(Reply) bob = NULL;
  g_autoptr(TrCredentialInfo) old_info = NULL;
  g_autoptr(TrCredentialInfo) new_info = NULL;
  g_autoptr(GHashTable) keys = NULL;
  g_autofree char *old_kid = NULL;
  g_autofree char *new_kid = NULL;
  g_autofree char *out = NULL;
  g_autofree char *listed = NULL;

  out = tr_test_server_run (t.server, "keys rotate", NULL);
  keys = fetch_jwks (NULL);
  g_assert_cmpuint (g_hash_table_size (keys), ==, 2);
  g_assert_true (g_hash_table_contains (keys, t.first_kid));
  listed = tr_test_server_run (t.server, "keys list", NULL);
  g_assert_cmpuint (count_occurrences (listed, "\n"), ==, 2);

  /* The old certificate still verifies. */
  old_info = verify_credential (t.certificate_jws, &old_kid);
  g_assert_cmpstr (old_kid, ==, t.first_kid);

  /* A new one is signed with the new key, by the running server. */
  push_first_part (t.bob_token);
  push_rest (t.bob_token, 100);
  bob = issue (t.bob_token, "course", COURSE_ID);
  assert_status (bob, 201);
  new_info = verify_credential (json_object_get_string_member (reply_object (bob), "jws"), &new_kid);
  g_assert_cmpstr (new_kid, !=, t.first_kid);
  g_assert_nonnull (strstr (out, new_kid));
  g_assert_cmpint (new_info->quiz_score, ==, 100);

  /* The status list is signed with the new key too, and still verifies. */
  g_assert_true (status_list_bit (old_info->status_index));
  g_assert_false (status_list_bit (new_info->status_index));
}

static void
test_unknown (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(Reply) status = certificate_status (uuid);
  g_autoptr(Reply) page = verify_page (uuid, NULL);
  g_autoptr(Reply) page_fr = verify_page (uuid, "fr");
  g_autoptr(Reply) not_uuid = verify_page ("%3Cb%3Ehello%3C%2Fb%3E", NULL);
  g_autoptr(Reply) not_uuid_status = certificate_status ("nope");

  assert_error (status, 404, "not_found");
  g_assert_cmpstr (json_object_get_string_member (reply_object (status), "status"), ==, "unknown");
  assert_status (page, 404);
  assert_page_shape (page, "en");
  g_assert_nonnull (strstr (page->text, "UNKNOWN"));
  assert_status (page_fr, 404);
  g_assert_nonnull (strstr (page_fr->text, "INCONNU"));
  assert_status (not_uuid, 404);
  assert_page_shape (not_uuid, "en");
  g_assert_nonnull (strstr (not_uuid->text, "UNKNOWN"));
  g_assert_null (strstr (not_uuid->text, "hello"));
  assert_error (not_uuid_status, 404, "not_found");
}

typedef struct
{
  const char     *jws;
  TrsCertificate *certificate;
} ExpiredJob;

static gpointer
insert_expired_job (TrsStore  *store,
                    gpointer   data,
                    GError   **error)
{
  ExpiredJob *job = data;
  TrsCertificate *certificate = g_new0 (TrsCertificate, 1);
  gint64 now = g_get_real_time () / 1000;

  certificate->id = g_uuid_string_random ();
  certificate->institute_id = trs_store_institute_find (store, NORTH, error);
  certificate->institute_name = g_strdup (NORTH);
  certificate->holder_id = g_strdup (t.alice_id);
  certificate->holder_name = g_strdup ("Alice Smit");
  certificate->achievement_kind = g_strdup ("course");
  certificate->achievement_id = g_strdup (COURSE_ID);
  certificate->content_version = g_strdup ("an-old-version");
  certificate->jws = g_strdup (job->jws);
  certificate->issued = now - G_GINT64_CONSTANT (800) * 24 * 3600 * 1000;
  certificate->valid_until = now - G_GINT64_CONSTANT (35) * 24 * 3600 * 1000;
  if (certificate->institute_id == 0 ||
      !trs_store_certificate_next_index (store, &certificate->status_index, error) ||
      !trs_store_certificate_insert (store, certificate, error))
    {
      trs_certificate_free (certificate);
      return NULL;
    }
  job->certificate = certificate;
  return certificate;
}

/* A certificate past its validUntil: expired, with the date. Made in the
 * database directly, as if issued two years ago. */
static void
test_expired (void)
{
  g_autofree char *db_path = g_build_filename (tr_test_server_get_data_dir (t.server), "trellis.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) status = NULL;
  g_autoptr(Reply) page = NULL;
  g_autoptr(Reply) page_nl = NULL;
  g_autofree char *date = NULL;
  ExpiredJob job = { t.certificate_jws, NULL };
  TrsStore *store;

  store = trs_store_open (db_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trs_store_run_sync (store, TRS_JOB_WRITE, insert_expired_job, &job, &error));
  g_assert_no_error (error);
  trs_store_close (store);

  status = certificate_status (job.certificate->id);
  assert_status (status, 200);
  g_assert_cmpstr (json_object_get_string_member (reply_object (status), "status"), ==, "expired");
  g_assert_cmpint (json_object_get_int_member (reply_object (status), "valid_until"), ==,
                   job.certificate->valid_until);

  date = english_date (job.certificate->valid_until);
  page = verify_page (job.certificate->id, NULL);
  assert_status (page, 200);
  assert_page_shape (page, "en");
  g_assert_nonnull (strstr (page->text, "EXPIRED"));
  g_assert_nonnull (strstr (page->text, date));
  page_nl = verify_page (job.certificate->id, "nl");
  g_assert_nonnull (strstr (page_nl->text, "VERLOPEN"));
  trs_certificate_free (job.certificate);
}

/* Erasing the account keeps what it earned verifiable. */
static void
test_erase_keeps_certificates (void)
{
  g_autoptr(Reply) export = request ("GET", "/api/v1/me/export", t.alice_token, NULL);
  g_autoptr(Reply) erase = request ("DELETE", "/api/v1/me", t.alice_token, NULL);
  g_autoptr(Reply) status = NULL;

  assert_status (export, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (export), "certificates")),
                    ==, 2);
  assert_status (erase, 204);
  status = certificate_status (t.path_certificate_id);
  assert_status (status, 200);
  g_assert_cmpstr (json_object_get_string_member (reply_object (status), "status"), ==, "valid");
  g_assert_cmpstr (json_object_get_string_member (reply_object (status), "holder"), ==, "Alice Smit");
}

/* ----------------------------------------------------------------------- */
/* An independent check: the npm package jose verifies what we issued       */

static gboolean
run_quiet (const char * const *argv,
           char              **output)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  if (process == NULL)
    return FALSE;
  g_subprocess_communicate_utf8 (process, NULL, NULL, output, NULL, &error);
  return error == NULL && g_subprocess_get_successful (process);
}

static int
jose_verify (const char *script,
             const char *jwks_file,
             const char *jws,
             char      **output)
{
  g_autofree char *jws_file = g_build_filename (tr_test_server_get_root (t.server), "certificate.jws", NULL);
  const char *argv[] = { "/usr/bin/node", script, jwks_file, jws_file, NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  write_file (jws_file, jws, 0600);
  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, output, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

/* jose@5 in $G_TEST_BUILDDIR/node, installed once (test-credential may do
 * it at the same time: what either installed counts). */
static gboolean
ensure_jose (const char  *prefix,
             char       **reason)
{
  g_autofree char *installed = g_build_filename (prefix, "node_modules", "jose", "package.json", NULL);
  /* A cache of its own: the isolated test's home is not npm's. */
  g_autofree char *cache = g_build_filename (prefix, ".npm-cache", NULL);
  const char *argv[] = { "timeout", "60", "npm", "install", "--no-audit", "--no-fund", "--no-update-notifier",
                         "--loglevel=error", "--cache", cache, "--prefix", prefix, "jose@5", NULL };
  g_autofree char *output = NULL;

  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    return TRUE;
  g_mkdir_with_parents (prefix, 0755);
  if (run_quiet (argv, &output) && g_file_test (installed, G_FILE_TEST_EXISTS))
    return TRUE;
  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    return TRUE;
  *reason = g_strdup_printf ("npm could not install jose@5 into %s (no network or no npm registry?): %s",
                             prefix, output != NULL ? output : "");
  return FALSE;
}

static void
test_jose (void)
{
  const char *build_dir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "jose-verify.mjs", NULL);
  g_autofree char *prefix = NULL;
  g_autofree char *script = NULL;
  g_autofree char *script_text = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *jwks_text = NULL;
  g_autofree char *jwks_file = g_build_filename (tr_test_server_get_root (t.server), "jwks.json", NULL);
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(Reply) bob = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = g_strsplit (t.certificate_jws, ".", -1);
  g_autofree char *signature = g_strdup (parts[2]);
  g_autofree char *tampered = NULL;
  const char *bob_jws;

  if (!g_file_test ("/usr/bin/node", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("/usr/bin/node is not installed: no independent JOSE check");
      return;
    }
  prefix = g_build_filename (build_dir != NULL ? build_dir : g_test_get_dir (G_TEST_BUILT), "node", NULL);
  if (!ensure_jose (prefix, &reason))
    {
      g_test_skip (reason);
      return;
    }

  /* The library's checker (tests/jose-verify.mjs), run from beside
   * node_modules so that its `import 'jose'` finds the package. */
  g_file_get_contents (source, &script_text, NULL, &error);
  g_assert_no_error (error);
  script = g_build_filename (prefix, "jose-verify-server.mjs", NULL);
  write_file (script, script_text, 0644);

  keys = fetch_jwks (&jwks_text);
  write_file (jwks_file, jwks_text, 0600);

  /* The first key's certificate, and one signed after the rotation. */
  {
    g_autofree char *output = NULL;
    int status = jose_verify (script, jwks_file, t.certificate_jws, &output);

    g_test_message ("jose: %s", output);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (output, "Alice Smit"));
  }
  bob = issue (t.bob_token, "course", COURSE_ID);
  assert_status (bob, 200);
  bob_jws = json_object_get_string_member (reply_object (bob), "jws");
  {
    g_autofree char *output = NULL;
    int status = jose_verify (script, jwks_file, bob_jws, &output);

    g_test_message ("jose: %s", output);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (output, "Bob de Wit"));
  }

  /* And it is not a check that says yes to everything. */
  signature[strlen (signature) / 2] = signature[strlen (signature) / 2] == 'A' ? 'B' : 'A';
  tampered = g_strjoin (".", parts[0], parts[1], signature, NULL);
  {
    g_autofree char *output = NULL;
    int status = jose_verify (script, jwks_file, tampered, &output);

    g_test_message ("jose: %s", output);
    g_assert_cmpint (status, ==, 1);
  }
}

static void
test_shutdown (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  tr_test_server_stop (t.server);

  g_file_get_contents (tr_test_server_get_log_path (t.server), &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (log, "POST /api/v1/certificates 201 "));
  g_assert_nonnull (strstr (log, "GET /verify/{id} 200 "));
  g_assert_null (strstr (log, "internal"));
  for (guint i = 0; i < t.secrets->len; i++)
    g_assert_null (strstr (log, g_ptr_array_index (t.secrets, i)));
  g_assert_null (strstr (log, "passphrase"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  tr_test_init (&argc, &argv);
  g_assert_cmpint (sodium_init (), >=, 0);
  g_test_add_func ("/server/certificates/store-migration", test_store_migration);
  g_test_add_func ("/server/certificates/accept-language", test_accept_language);

  if (!tr_test_server_found ())
    return 1;
  setup ();
  g_test_add_func ("/server/certificates/refuses-bad-key", test_refuses_bad_key);
  g_test_add_func ("/server/certificates/enrol", test_enrol);
  g_test_add_func ("/server/certificates/refused-before-completion", test_refused_before_completion);
  g_test_add_func ("/server/certificates/issue", test_issue);
  g_test_add_func ("/server/certificates/verifies", test_verifies);
  g_test_add_func ("/server/certificates/tampered", test_tampered);
  g_test_add_func ("/server/certificates/status-valid", test_status_valid);
  g_test_add_func ("/server/certificates/verify-page", test_verify_page_valid);
  g_test_add_func ("/server/certificates/verify-page-escapes", test_verify_page_escapes);
  g_test_add_func ("/server/certificates/list", test_list);
  g_test_add_func ("/server/certificates/revoke", test_revoke);
  g_test_add_func ("/server/certificates/revoke-cli", test_revoke_cli);
  g_test_add_func ("/server/certificates/path", test_path);
  g_test_add_func ("/server/certificates/rotate", test_rotate);
  g_test_add_func ("/server/certificates/unknown", test_unknown);
  g_test_add_func ("/server/certificates/expired", test_expired);
  g_test_add_func ("/server/certificates/jose", test_jose);
  g_test_add_func ("/server/certificates/erase-keeps-certificates", test_erase_keeps_certificates);
  g_test_add_func ("/server/certificates/shutdown", test_shutdown);
  status = g_test_run ();

  tr_test_server_free (t.server, status == 0);
  g_clear_object (&t.session);
  if (status == 0)
    tr_test_remove_tree (t.courses_dir);
  g_clear_object (&t.course);
  g_clear_pointer (&t.secrets, g_ptr_array_unref);
  g_free (t.courses_dir);
  g_free (t.code);
  g_free (t.alice_token);
  g_free (t.alice_id);
  g_free (t.bob_token);
  g_free (t.eve_token);
  g_free (t.admin_token);
  g_free (t.south_admin_token);
  g_free (t.certificate_id);
  g_free (t.certificate_jws);
  g_free (t.path_certificate_id);
  g_free (t.eve_certificate_id);
  g_free (t.first_kid);
  return status;
}
