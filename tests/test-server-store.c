/* test-server-store.c: the server's database, its worker and its command line
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-store"

#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "tr-test-sqlite.h"
#include "tr-test-util.h"
#include "trs-auth.h"
#include "trs-store.h"

#define DAY_MS (G_GINT64_CONSTANT (24) * 60 * 60 * 1000)
#define FAKE_HASH "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* A database path in a folder the store has to make; the test's isolated
 * directories are removed after it. */
static char *
db_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "server", "data", "trellis.db", NULL);
}

static TrsStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  TrsStore *store = trs_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

/* Runs a job whose assertions run on the worker thread. */
static void
run_checks (TrsStore   *store,
            TrsJobKind  kind,
            TrsJobFunc  func,
            gpointer    data)
{
  g_autoptr(GError) error = NULL;
  gpointer result = trs_store_run_sync (store, kind, func, data, &error);

  g_assert_no_error (error);
  g_assert_true (result == GINT_TO_POINTER (TRUE));
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static gboolean
is_code (const char *code)
{
  static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

  if (code == NULL || strlen (code) != 9 || code[4] != '-')
    return FALSE;
  for (int i = 0; i < 9; i++)
    if (i != 4 && strchr (alphabet, code[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* Opening and migrating */

static gpointer
empty_counts_job (TrsStore  *store,
                  gpointer   data,
                  GError   **error)
{
  g_assert_cmpint (trs_store_account_count (store, error), ==, 0);
  g_assert_cmpint (trs_store_events_count (store, error), ==, 0);
  return GINT_TO_POINTER (TRUE);
}

static void
test_open (void)
{
  g_autofree char *path = db_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  TrsStore *store;
  sqlite3 *db;

  store = open_store (path);
  g_assert_cmphex (file_mode (path), ==, 0600);
  g_assert_cmphex (file_mode (dir), ==, 0700);
  run_checks (store, TRS_JOB_READ, empty_counts_job, NULL);
  trs_store_close (store);

  db = tr_test_sqlite_open (path, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (tr_test_sqlite_int (db, "PRAGMA user_version"), ==, 3);
  {
    g_autofree char *mode = tr_test_sqlite_text (db, "PRAGMA journal_mode");
    g_autofree char *check = tr_test_sqlite_text (db, "PRAGMA integrity_check");

    g_assert_cmpstr (mode, ==, "wal");
    g_assert_cmpstr (check, ==, "ok");
  }
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
                                " ('institutes', 'cohorts', 'accounts', 'enrolment_codes', 'tokens',"
                                " 'events', 'signing_keys')"), ==, 7);
  sqlite3_close (db);

  /* Again: already at version 3, nothing to migrate. */
  store = open_store (path);
  run_checks (store, TRS_JOB_READ, empty_counts_job, NULL);
  trs_store_close (store);

  /* A newer server's database is left alone. */
  db = tr_test_sqlite_open (path, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 4", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  store = trs_store_open (path, &error);
  g_assert_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_TOO_NEW);
  g_assert_null (store);
}

static void
test_open_not_a_database (void)
{
  g_autofree char *path = db_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  TrsStore *store;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "this is not a database, not even a little bit", -1, NULL));
  store = trs_store_open (path, &error);
  g_assert_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED);
  g_assert_null (store);
}

/* Institutes, cohorts and accounts */

static gpointer
accounts_job (TrsStore  *store,
              gpointer   data,
              GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TrsAccount) sam = NULL;
  g_autoptr(TrsAccount) found = NULL;
  g_autoptr(TrsAccount) other = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *long_name = NULL;
  gint64 noord, zuid, spring, again, zuid_cohort;

  noord = trs_store_institute_create (store, "Regio Noord", &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpint (noord, >, 0);

  g_assert_cmpint (trs_store_institute_create (store, " Regio Noord ", &local_error), ==, 0);
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_CONFLICT);
  g_clear_error (&local_error);
  g_assert_cmpint (trs_store_institute_create (store, "   ", &local_error), ==, 0);
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID);
  g_clear_error (&local_error);
  long_name = g_strnfill (201, 'x');
  g_assert_cmpint (trs_store_institute_create (store, long_name, &local_error), ==, 0);
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID);
  g_clear_error (&local_error);
  g_assert_cmpint (trs_store_institute_create (store, "tab\tin name", &local_error), ==, 0);
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID);
  g_clear_error (&local_error);
  long_name[200] = '\0';
  zuid = trs_store_institute_create (store, long_name, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpint (zuid, >, noord);

  g_assert_cmpint (trs_store_institute_find (store, "Regio Noord", &local_error), ==, noord);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, zuid);
  g_assert_cmpint (trs_store_institute_find (store, id_text, &local_error), ==, zuid);
  g_assert_no_error (local_error);
  g_assert_cmpint (trs_store_institute_find (store, "Regio Zuid", &local_error), ==, 0);
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_assert_cmpstr (local_error->message, ==, "no institute named \"Regio Zuid\"");
  g_clear_error (&local_error);

  spring = trs_store_cohort_ensure (store, noord, "spring-2027", &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpint (spring, >, 0);
  again = trs_store_cohort_ensure (store, noord, "spring-2027", &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpint (again, ==, spring);
  zuid_cohort = trs_store_cohort_ensure (store, zuid, "spring-2027", &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpint (zuid_cohort, !=, spring);
  g_assert_cmpint (trs_store_cohort_ensure (store, 9999, "autumn", &local_error), ==, 0);
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);

  sam = trs_store_account_create (store, noord, spring, "learner", " Sam Jansen ", "  Sam@Example.org ",
                                  FAKE_HASH, &local_error);
  g_assert_no_error (local_error);
  g_assert_nonnull (sam);
  g_assert_true (g_uuid_string_is_valid (sam->public_id));
  g_assert_cmpint (sam->institute_id, ==, noord);
  g_assert_cmpstr (sam->institute_name, ==, "Regio Noord");
  g_assert_cmpint (sam->cohort_id, ==, spring);
  g_assert_cmpstr (sam->cohort_name, ==, "spring-2027");
  g_assert_cmpstr (sam->role, ==, "learner");
  g_assert_cmpstr (sam->name, ==, "Sam Jansen");
  g_assert_cmpstr (sam->email, ==, "Sam@Example.org");
  g_assert_cmpstr (sam->password_hash, ==, FAKE_HASH);
  g_assert_cmpint (ABS (sam->created - now_ms ()), <, 60000);

  /* The same address in any case is the same address. */
  g_assert_null (trs_store_account_create (store, zuid, 0, "trainer", "Sam Again", "SAM@EXAMPLE.ORG",
                                           FAKE_HASH, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_CONFLICT);
  g_clear_error (&local_error);

  g_assert_null (trs_store_account_create (store, noord, 0, "boss", "Kim", "kim@example.org", FAKE_HASH,
                                           &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID);
  g_clear_error (&local_error);
  g_assert_null (trs_store_account_create (store, noord, 0, "learner", "", "kim@example.org", FAKE_HASH,
                                           &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID);
  g_clear_error (&local_error);
  g_assert_null (trs_store_account_create (store, noord, 0, "learner", "Kim", "not an address", FAKE_HASH,
                                           &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID);
  g_clear_error (&local_error);
  /* A cohort of another institute. */
  g_assert_null (trs_store_account_create (store, noord, zuid_cohort, "learner", "Kim", "kim@example.org",
                                           FAKE_HASH, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID);
  g_clear_error (&local_error);
  g_assert_null (trs_store_account_create (store, 9999, 0, "learner", "Kim", "kim@example.org", FAKE_HASH,
                                           &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);

  found = trs_store_account_by_email (store, "sam@example.ORG", &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpint (found->id, ==, sam->id);
  g_assert_cmpstr (found->public_id, ==, sam->public_id);
  g_assert_null (trs_store_account_by_email (store, "nobody@example.org", &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);

  other = trs_store_account_create (store, zuid, 0, "admin", "Kim de Vries", "kim@example.org", FAKE_HASH,
                                    &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpint (other->cohort_id, ==, 0);
  g_assert_null (other->cohort_name);

  list = trs_store_account_list (store, noord, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((TrsAccount *) g_ptr_array_index (list, 0))->email, ==, "Sam@Example.org");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = trs_store_account_list (store, 0, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (trs_store_account_count (store, &local_error), ==, 2);
  g_assert_no_error (local_error);
  return GINT_TO_POINTER (TRUE);
}

static void
test_accounts (void)
{
  g_autofree char *path = db_path ();
  TrsStore *store = open_store (path);

  run_checks (store, TRS_JOB_WRITE, accounts_job, NULL);
  trs_store_close (store);
}

/* Enrolment codes */

typedef struct
{
  char *codes[4];
} CodesData;

static gpointer
codes_job (TrsStore  *store,
           gpointer   data,
           GError   **error)
{
  CodesData *codes = data;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *limited = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *messy = NULL;
  gint64 institute, cohort, got_institute = 0, got_cohort = 0;

  institute = trs_store_institute_create (store, "Regio Noord", &local_error);
  cohort = trs_store_cohort_ensure (store, institute, "spring-2027", &local_error);
  g_assert_no_error (local_error);

  plain = trs_store_code_create (store, institute, cohort, now_ms () + DAY_MS, 0, &local_error);
  g_assert_no_error (local_error);
  g_assert_true (is_code (plain));
  g_assert_true (trs_store_code_use (store, plain, &got_institute, &got_cohort, &local_error));
  g_assert_no_error (local_error);
  g_assert_cmpint (got_institute, ==, institute);
  g_assert_cmpint (got_cohort, ==, cohort);

  /* Typed as people type it: lower case, a space for the dash, or none. */
  messy = g_ascii_strdown (plain, -1);
  messy[4] = ' ';
  g_assert_true (trs_store_code_use (store, messy, NULL, NULL, &local_error));
  g_assert_no_error (local_error);
  memmove (messy + 4, messy + 5, 5);
  g_assert_true (trs_store_code_use (store, messy, NULL, NULL, &local_error));
  g_assert_no_error (local_error);
  for (int i = 0; i < 5; i++)
    g_assert_true (trs_store_code_use (store, plain, NULL, NULL, &local_error));
  g_assert_no_error (local_error);

  limited = trs_store_code_create (store, institute, 0, 0, 2, &local_error);
  g_assert_no_error (local_error);
  g_assert_true (is_code (limited));
  g_assert_cmpstr (limited, !=, plain);
  g_assert_true (trs_store_code_use (store, limited, &got_institute, &got_cohort, &local_error));
  g_assert_cmpint (got_cohort, ==, 0);
  g_assert_true (trs_store_code_use (store, limited, NULL, NULL, &local_error));
  g_assert_no_error (local_error);
  g_assert_false (trs_store_code_use (store, limited, NULL, NULL, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_EXPIRED);
  g_clear_error (&local_error);

  expired = trs_store_code_create (store, institute, cohort, now_ms () - 1000, 0, &local_error);
  g_assert_no_error (local_error);
  g_assert_false (trs_store_code_use (store, expired, NULL, NULL, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_EXPIRED);
  g_clear_error (&local_error);

  g_assert_false (trs_store_code_use (store, "AAAA-AAAA", NULL, NULL, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);
  g_assert_false (trs_store_code_use (store, "'; DROP TABLE enrolment_codes; --", NULL, NULL, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);
  g_assert_false (trs_store_code_use (store, "", NULL, NULL, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);

  g_assert_null (trs_store_code_create (store, 9999, 0, 0, 0, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);
  g_assert_null (trs_store_code_create (store, institute, 0, 0, -1, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID);
  g_clear_error (&local_error);

  codes->codes[0] = g_steal_pointer (&plain);
  codes->codes[1] = g_steal_pointer (&limited);
  codes->codes[2] = g_steal_pointer (&expired);
  return GINT_TO_POINTER (TRUE);
}

static void
test_codes (void)
{
  g_autofree char *path = db_path ();
  TrsStore *store = open_store (path);
  CodesData codes = { 0 };
  sqlite3 *db;

  run_checks (store, TRS_JOB_WRITE, codes_job, &codes);
  trs_store_close (store);

  /* Only digests of the codes are kept. */
  db = tr_test_sqlite_open (path, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM enrolment_codes"), ==, 3);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT uses FROM enrolment_codes WHERE max_uses = 2"), ==, 2);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT uses FROM enrolment_codes WHERE max_uses = 0 AND uses > 0"), ==, 8);
  for (int i = 0; codes.codes[i] != NULL; i++)
    {
      g_autofree char *head = g_strndup (codes.codes[i], 4);
      g_autofree char *normal = g_strconcat (head, codes.codes[i] + 5, NULL);
      g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, normal, -1);
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM enrolment_codes WHERE digest = ?1"
                                               " OR digest LIKE '%' || ?2 || '%'",
                                           -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, normal, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
      sqlite3_finalize (stmt);
      g_free (codes.codes[i]);
    }
  sqlite3_close (db);
}

/* Tokens */

typedef struct
{
  char *token;
} TokensData;

static gpointer
tokens_job (TrsStore  *store,
            gpointer   data,
            GError   **error)
{
  TokensData *tokens = data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TrsAccount) account = NULL;
  g_autoptr(TrsAccount) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *token = NULL;
  g_autofree char *brief = NULL;
  g_autofree char *revoked = NULL;
  gint64 institute, expires = 0;

  institute = trs_store_institute_create (store, "Regio Noord", &local_error);
  account = trs_store_account_create (store, institute, 0, "learner", "Sam", "sam@example.org", FAKE_HASH,
                                      &local_error);
  g_assert_no_error (local_error);

  token = trs_store_token_issue (store, account->id, 30 * DAY_MS, &expires, &local_error);
  g_assert_no_error (local_error);
  g_assert_true (g_str_has_prefix (token, "tr_"));
  g_assert_cmpint (ABS (expires - (now_ms () + 30 * DAY_MS)), <, 60000);

  found = trs_store_account_by_token (store, token, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpint (found->id, ==, account->id);
  g_assert_cmpstr (found->institute_name, ==, "Regio Noord");

  g_assert_null (trs_store_account_by_token (store, "tr_not-a-token", &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);
  g_assert_null (trs_store_account_by_token (store, "", &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);

  revoked = trs_store_token_issue (store, account->id, 30 * DAY_MS, NULL, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpstr (revoked, !=, token);
  list = trs_store_token_list (store, account->id, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((TrsTokenInfo *) g_ptr_array_index (list, 0))->expires, ==, expires);
  g_assert_true (trs_store_token_revoke (store, revoked, &local_error));
  g_assert_no_error (local_error);
  g_assert_null (trs_store_account_by_token (store, revoked, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);
  g_assert_false (trs_store_token_revoke (store, "tr_unknown", &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);

  /* The other token still works. */
  g_clear_pointer (&found, trs_account_free);
  found = trs_store_account_by_token (store, token, &local_error);
  g_assert_no_error (local_error);

  brief = trs_store_token_issue (store, account->id, 1, NULL, &local_error);
  g_assert_no_error (local_error);
  g_usleep (5000);
  g_assert_null (trs_store_account_by_token (store, brief, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);

  g_assert_null (trs_store_token_issue (store, 9999, DAY_MS, NULL, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);

  tokens->token = g_steal_pointer (&token);
  return GINT_TO_POINTER (TRUE);
}

static void
test_tokens (void)
{
  g_autofree char *path = db_path ();
  g_autofree char *digest = NULL;
  TrsStore *store = open_store (path);
  TokensData tokens = { 0 };
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;

  run_checks (store, TRS_JOB_WRITE, tokens_job, &tokens);
  trs_store_close (store);

  /* Stored as SHA-256 only. */
  digest = trs_token_digest (tokens.token);
  db = tr_test_sqlite_open (path, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM tokens WHERE digest = ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM tokens WHERE digest = ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, tokens.token, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM tokens WHERE length(digest) != 64"), ==, 0);
  sqlite3_close (db);
  g_free (tokens.token);
}

/* Events */

static GPtrArray *
make_events (guint       n,
             const char *course)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) result = NULL;
      g_autofree char *object = g_strdup_printf ("lesson/lesson-%u", i);
      TrEvent *event;

      if (i % 2 == 0)
        {
          result = json_object_new ();
          json_object_set_int_member (result, "score", i);
          json_object_set_string_member (result, "choice", "read-\"calmly\"");
        }
      event = tr_event_new ("device-actor", i % 3 == 0 ? TR_VERB_CHOSE : TR_VERB_EXPERIENCED,
                            course, "8c1f", object, result);
      event->timestamp = 1795996900000 + i;
      g_ptr_array_add (events, event);
    }
  return events;
}

static gpointer
events_job (TrsStore  *store,
            gpointer   data,
            GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TrsAccount) a = NULL;
  g_autoptr(TrsAccount) b = NULL;
  g_autoptr(GPtrArray) batch = make_events (25, "signal-recognition");
  g_autoptr(GPtrArray) more_events = make_events (5, "signal-recognition");
  g_autoptr(GPtrArray) mixed = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  g_autoptr(GPtrArray) b_events = make_events (3, "other-course");
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) b_all = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  guint n_new = 99, n_duplicate = 99, seen = 0;
  gint64 institute, cursor = -1, again = -1, after = 0;
  gboolean more = TRUE;

  institute = trs_store_institute_create (store, "Regio Noord", &local_error);
  a = trs_store_account_create (store, institute, 0, "learner", "A", "a@example.org", FAKE_HASH, &local_error);
  b = trs_store_account_create (store, institute, 0, "learner", "B", "b@example.org", FAKE_HASH, &local_error);
  g_assert_no_error (local_error);

  g_assert_true (trs_store_events_insert (store, a, batch, &n_new, &n_duplicate, &cursor, &local_error));
  g_assert_no_error (local_error);
  g_assert_cmpuint (n_new, ==, 25);
  g_assert_cmpuint (n_duplicate, ==, 0);
  g_assert_cmpint (cursor, >, 0);

  /* The same batch again: all duplicates, nothing stored twice. */
  g_assert_true (trs_store_events_insert (store, a, batch, &n_new, &n_duplicate, &again, &local_error));
  g_assert_no_error (local_error);
  g_assert_cmpuint (n_new, ==, 0);
  g_assert_cmpuint (n_duplicate, ==, 25);
  g_assert_cmpint (again, ==, cursor);
  g_assert_cmpint (trs_store_events_count (store, &local_error), ==, 25);

  for (guint i = 0; i < 5; i++)
    {
      g_ptr_array_add (mixed, tr_event_copy (g_ptr_array_index (more_events, i)));
      g_ptr_array_add (mixed, tr_event_copy (g_ptr_array_index (batch, i)));
    }
  g_assert_true (trs_store_events_insert (store, a, mixed, &n_new, &n_duplicate, &again, &local_error));
  g_assert_cmpuint (n_new, ==, 5);
  g_assert_cmpuint (n_duplicate, ==, 5);
  g_assert_cmpint (again, >, cursor);
  g_assert_cmpint (trs_store_events_count (store, &local_error), ==, 30);

  for (guint i = 0; i < batch->len; i++)
    g_ptr_array_add (expected, g_ptr_array_index (batch, i));
  for (guint i = 0; i < more_events->len; i++)
    g_ptr_array_add (expected, g_ptr_array_index (more_events, i));

  /* Pages of 10: the cursor moves on, and "more" says when to stop. */
  for (int page = 0; page < 3; page++)
    {
      g_autoptr(GPtrArray) events = trs_store_events_after (store, a->id, after, 10, &cursor, &more,
                                                            &local_error);

      g_assert_no_error (local_error);
      g_assert_cmpuint (events->len, ==, 10);
      g_assert_true (more == (page < 2));
      g_assert_cmpint (cursor, >, after);
      for (guint i = 0; i < events->len; i++, seen++)
        {
          const TrEvent *event = g_ptr_array_index (events, i);
          const TrEvent *sent = g_ptr_array_index (expected, seen);

          g_assert_cmpstr (event->id, ==, sent->id);
          g_assert_cmpstr (event->actor, ==, a->public_id);
          g_assert_cmpint (event->verb, ==, sent->verb);
          g_assert_cmpstr (event->course_id, ==, sent->course_id);
          g_assert_cmpstr (event->course_version, ==, "8c1f");
          g_assert_cmpstr (event->object, ==, sent->object);
          g_assert_cmpint (event->timestamp, ==, sent->timestamp);
          g_assert_true ((event->result == NULL) == (sent->result == NULL));
          if (sent->result != NULL)
            {
              g_assert_cmpint (tr_event_result_int (event, "score", -1), ==,
                               tr_event_result_int (sent, "score", -2));
              g_assert_cmpstr (tr_event_result_string (event, "choice"), ==, "read-\"calmly\"");
            }
        }
      after = cursor;
    }
  {
    g_autoptr(GPtrArray) events = trs_store_events_after (store, a->id, after, 10, &cursor, &more,
                                                          &local_error);

    g_assert_no_error (local_error);
    g_assert_cmpuint (events->len, ==, 0);
    g_assert_false (more);
    g_assert_cmpint (cursor, ==, after);
  }
  {
    g_autoptr(GPtrArray) events = trs_store_events_after (store, a->id, 0, 30, &cursor, &more, &local_error);

    g_assert_cmpuint (events->len, ==, 30);
    g_assert_false (more);
    g_assert_cmpint (cursor, ==, after);
  }

  /* Another account sees none of them. */
  {
    g_autoptr(GPtrArray) events = trs_store_events_after (store, b->id, 0, 1000, &cursor, &more,
                                                          &local_error);

    g_assert_no_error (local_error);
    g_assert_cmpuint (events->len, ==, 0);
    g_assert_cmpint (cursor, ==, 0);
  }
  /* An id that another account already stored counts as a duplicate and is
   * not handed to this account. */
  g_ptr_array_add (b_events, tr_event_copy (g_ptr_array_index (batch, 0)));
  g_assert_true (trs_store_events_insert (store, b, b_events, &n_new, &n_duplicate, &cursor, &local_error));
  g_assert_cmpuint (n_new, ==, 3);
  g_assert_cmpuint (n_duplicate, ==, 1);
  b_all = trs_store_events_all (store, b->id, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpuint (b_all->len, ==, 3);
  for (guint i = 0; i < b_all->len; i++)
    {
      const TrEvent *event = g_ptr_array_index (b_all, i);

      g_assert_cmpstr (event->actor, ==, b->public_id);
      g_assert_cmpstr (event->course_id, ==, "other-course");
    }
  all = trs_store_events_all (store, a->id, &local_error);
  g_assert_cmpuint (all->len, ==, 30);
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpstr (((TrEvent *) g_ptr_array_index (all, i))->course_id, ==, "signal-recognition");

  g_assert_null (trs_store_events_after (store, a->id, 0, 0, NULL, NULL, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID);
  g_clear_error (&local_error);
  g_assert_null (trs_store_events_after (store, 9999, 0, 10, NULL, NULL, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);
  return GINT_TO_POINTER (TRUE);
}

static void
test_events (void)
{
  g_autofree char *path = db_path ();
  TrsStore *store = open_store (path);

  run_checks (store, TRS_JOB_WRITE, events_job, NULL);
  trs_store_close (store);
}

/* Milestones: kept as events arrive, and made from the events of a
 * database that had none (schema 2 → 3). */

static TrEvent *
milestone_test_event (TrVerb      verb,
                      const char *object,
                      int         score,
                      gint64      timestamp)
{
  g_autoptr(JsonObject) result = NULL;
  TrEvent *event;

  if (score >= 0)
    {
      result = json_object_new ();
      json_object_set_int_member (result, "score", score);
    }
  event = tr_event_new ("device", verb, "signal-recognition", "v1", object, result);
  event->timestamp = timestamp;
  return event;
}

static gpointer
milestones_job (TrsStore  *store,
                gpointer   data,
                GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TrsAccount) account = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  gint64 institute = trs_store_institute_create (store, "Regio Noord", &local_error);

  account = trs_store_account_create (store, institute, 0, "learner", "M", "m@example.org", FAKE_HASH, &local_error);
  g_assert_no_error (local_error);
  g_ptr_array_add (events, milestone_test_event (TR_VERB_EXPERIENCED, "lesson/a", -1, 3000));
  g_ptr_array_add (events, milestone_test_event (TR_VERB_EXPERIENCED, "lesson/a", -1, 1000));
  g_ptr_array_add (events, milestone_test_event (TR_VERB_CHOSE, "scenario/s/node/n", -1, 1500));
  g_ptr_array_add (events, milestone_test_event (TR_VERB_ANSWERED, "quiz/question/q", -1, 1600));
  g_ptr_array_add (events, milestone_test_event (TR_VERB_FAILED, "quiz", 40, 2000));
  g_ptr_array_add (events, milestone_test_event (TR_VERB_PASSED, "quiz", 85, 2500));
  g_ptr_array_add (events, milestone_test_event (TR_VERB_PASSED, "quiz", 95, 4000));
  g_ptr_array_add (events, milestone_test_event (TR_VERB_PASSED, "quiz", 70, 5000));
  g_assert_true (trs_store_events_insert (store, account, events, NULL, NULL, NULL, &local_error));
  g_assert_no_error (local_error);
  return GINT_TO_POINTER (TRUE);
}

static void
assert_milestones (sqlite3 *db)
{
  /* Only what counts, the first time, the best score. */
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM milestones"), ==, 3);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT first_at FROM milestones WHERE object = 'lesson/a'"), ==, 1000);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT first_at FROM milestones WHERE verb = 'passed'"), ==, 2500);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT best_score FROM milestones WHERE verb = 'passed'"), ==, 95);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT best_score FROM milestones WHERE verb = 'failed'"), ==, 40);
}

static void
test_milestones (void)
{
  g_autofree char *path = db_path ();
  TrsStore *store = open_store (path);
  sqlite3 *db;

  run_checks (store, TRS_JOB_WRITE, milestones_job, NULL);
  trs_store_close (store);

  db = tr_test_sqlite_open (path, SQLITE_OPEN_READWRITE);
  assert_milestones (db);
  /* As a database of schema 2 was: events, no milestones. */
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE classroom_votes; DROP TABLE classroom_participants;"
                                     " DROP TABLE classrooms; DROP TABLE milestones; PRAGMA user_version = 2",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = open_store (path);
  trs_store_close (store);
  db = tr_test_sqlite_open (path, SQLITE_OPEN_READONLY);
  g_assert_cmpint (tr_test_sqlite_int (db, "PRAGMA user_version"), ==, 3);
  assert_milestones (db);
  sqlite3_close (db);
}

/* Deleting an account */

typedef struct
{
  gint64  a_id;
  char   *a_email;
  char   *a_token;
  gint64  b_id;
} DeleteData;

static gpointer
delete_setup_job (TrsStore  *store,
                  gpointer   data,
                  GError   **error)
{
  DeleteData *setup = data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TrsAccount) a = NULL;
  g_autoptr(TrsAccount) b = NULL;
  g_autoptr(GPtrArray) a_events = make_events (5, "signal-recognition");
  g_autoptr(GPtrArray) b_events = make_events (2, "signal-recognition");
  gint64 institute;

  institute = trs_store_institute_create (store, "Regio Noord", &local_error);
  a = trs_store_account_create (store, institute, 0, "learner", "A", "a@example.org", FAKE_HASH, &local_error);
  b = trs_store_account_create (store, institute, 0, "learner", "B", "b@example.org", FAKE_HASH, &local_error);
  g_assert_no_error (local_error);
  g_assert_true (trs_store_events_insert (store, a, a_events, NULL, NULL, NULL, &local_error));
  g_assert_true (trs_store_events_insert (store, b, b_events, NULL, NULL, NULL, &local_error));
  setup->a_token = trs_store_token_issue (store, a->id, DAY_MS, NULL, &local_error);
  g_free (trs_store_token_issue (store, b->id, DAY_MS, NULL, &local_error));
  g_assert_no_error (local_error);
  setup->a_id = a->id;
  setup->a_email = g_strdup (a->email);
  setup->b_id = b->id;
  return GINT_TO_POINTER (TRUE);
}

static gpointer
delete_job (TrsStore  *store,
            gpointer   data,
            GError   **error)
{
  DeleteData *setup = data;

  return GINT_TO_POINTER (trs_store_account_delete (store, setup->a_id, error));
}

static gpointer
after_delete_job (TrsStore  *store,
                  gpointer   data,
                  GError   **error)
{
  DeleteData *setup = data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GPtrArray) b_events = NULL;

  g_assert_null (trs_store_account_by_token (store, setup->a_token, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);
  g_assert_null (trs_store_account_by_email (store, setup->a_email, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);
  tokens = trs_store_token_list (store, setup->a_id, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpuint (tokens->len, ==, 0);
  g_assert_cmpint (trs_store_events_count (store, &local_error), ==, 2);
  b_events = trs_store_events_all (store, setup->b_id, &local_error);
  g_assert_cmpuint (b_events->len, ==, 2);
  g_assert_cmpint (trs_store_account_count (store, &local_error), ==, 1);
  g_assert_false (trs_store_account_delete (store, setup->a_id, &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);
  return GINT_TO_POINTER (TRUE);
}

static void
test_account_delete (void)
{
  g_autofree char *path = db_path ();
  TrsStore *store = open_store (path);
  DeleteData setup = { 0 };
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  run_checks (store, TRS_JOB_WRITE, delete_setup_job, &setup);
  g_assert_true (trs_store_run_sync (store, TRS_JOB_WRITE, delete_job, &setup, &error));
  g_assert_no_error (error);
  run_checks (store, TRS_JOB_READ, after_delete_job, &setup);
  trs_store_close (store);

  db = tr_test_sqlite_open (path, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM tokens"), ==, 1);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM events"), ==, 2);
  sqlite3_close (db);
  g_free (setup.a_token);
  g_free (setup.a_email);
}

/* Group commit */

#define N_GROUP_JOBS 50
#define FAILING_JOB 25
#define CANCELLED_JOB 30

typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean open;
} Gate;

static gpointer
gate_job (TrsStore  *store,
          gpointer   data,
          GError   **error)
{
  Gate *gate = data;

  g_mutex_lock (&gate->mutex);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->mutex);
  g_mutex_unlock (&gate->mutex);
  return GINT_TO_POINTER (TRUE);
}

typedef struct
{
  char    *path;
  GThread *main_thread;
  guint    done;
  guint    failed;
  gint64   ids[N_GROUP_JOBS];
} GroupState;

typedef struct
{
  GroupState *state;
  int         index;
} GroupCall;

static gpointer
group_job (TrsStore  *store,
           gpointer   data,
           GError   **error)
{
  int index = GPOINTER_TO_INT (data);
  g_autofree char *name = g_strdup_printf ("Institute %d", index);
  gint64 *id = g_new (gint64, 1);

  *id = trs_store_institute_create (store, name, error);
  g_assert_cmpint (*id, >, 0);
  if (index == FAILING_JOB)
    {
      /* Fails after writing: its savepoint undoes the write, and only it. */
      g_free (id);
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID, "this job fails on purpose");
      return NULL;
    }
  return id;
}

static gint64
committed_count (const char *path,
                 const char *name)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  db = tr_test_sqlite_open (path, SQLITE_OPEN_READONLY);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM institutes WHERE name = ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

static void
group_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GroupCall *call = user_data;
  GroupState *state = call->state;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("Institute %d", call->index);
  gint64 *id = trs_store_run_finish (NULL, result, &error);

  /* Answered on the caller's context, and only once committed: another
   * connection sees the write already. */
  g_assert_true (g_thread_self () == state->main_thread);
  if (call->index == FAILING_JOB)
    {
      g_assert_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID);
      g_assert_null (id);
      state->failed++;
    }
  else if (call->index == CANCELLED_JOB)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      state->failed++;
    }
  else
    {
      g_assert_no_error (error);
      g_assert_nonnull (id);
      state->ids[call->index % N_GROUP_JOBS] = *id;
      g_assert_cmpint (committed_count (state->path, name), ==, 1);
    }
  state->done++;
  g_free (call);
}

static void
gate_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (trs_store_run_finish (NULL, result, &error) == GINT_TO_POINTER (TRUE));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gpointer
group_check_job (TrsStore  *store,
                 gpointer   data,
                 GError   **error)
{
  g_autoptr(GError) local_error = NULL;

  for (int i = 0; i < N_GROUP_JOBS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Institute %d", i);
      gint64 id = trs_store_institute_find (store, name, &local_error);

      if (i == FAILING_JOB || i == CANCELLED_JOB)
        {
          g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
          g_clear_error (&local_error);
        }
      else
        {
          g_assert_no_error (local_error);
          g_assert_cmpint (id, ==, ((GroupState *) data)->ids[i]);
        }
    }
  return GINT_TO_POINTER (TRUE);
}

static void
test_group_commit (void)
{
  GroupState state = { 0 };
  Gate gate = { 0 };
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  TrsStore *store;
  gboolean gate_done = FALSE;

  state.path = db_path ();
  state.main_thread = g_thread_self ();
  store = open_store (state.path);
  g_mutex_init (&gate.mutex);
  g_cond_init (&gate.cond);

  /* Hold the worker until every write is queued, so that they all meet in
   * one transaction. */
  trs_store_run_async (store, TRS_JOB_READ, gate_job, &gate, NULL, NULL, NULL, gate_cb, &gate_done);
  g_cancellable_cancel (cancelled);
  for (int i = 0; i < N_GROUP_JOBS; i++)
    {
      GroupCall *call = g_new0 (GroupCall, 1);

      call->state = &state;
      call->index = i;
      trs_store_run_async (store, TRS_JOB_WRITE, group_job, GINT_TO_POINTER (i), NULL, g_free,
                           i == CANCELLED_JOB ? cancelled : NULL, group_cb, call);
    }
  g_mutex_lock (&gate.mutex);
  gate.open = TRUE;
  g_cond_signal (&gate.cond);
  g_mutex_unlock (&gate.mutex);

  while (state.done < N_GROUP_JOBS || !gate_done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (state.failed, ==, 2);

  run_checks (store, TRS_JOB_READ, group_check_job, &state);
  trs_store_close (store);
  g_mutex_clear (&gate.mutex);
  g_cond_clear (&gate.cond);
  g_free (state.path);
}

/* Concurrent writes that are not held back still all land. */
static void
test_group_commit_burst (void)
{
  GroupState state = { 0 };
  TrsStore *store;

  state.path = db_path ();
  state.main_thread = g_thread_self ();
  store = open_store (state.path);
  for (int i = 0; i < N_GROUP_JOBS; i++)
    {
      GroupCall *call = g_new0 (GroupCall, 1);

      /* No failing or cancelled job here. */
      call->state = &state;
      call->index = i + N_GROUP_JOBS;
      trs_store_run_async (store, TRS_JOB_WRITE, group_job, GINT_TO_POINTER (call->index), NULL, g_free,
                           NULL, group_cb, call);
    }
  /* Closing drains the queue; the answers still arrive afterwards. */
  trs_store_close (store);
  while (state.done < N_GROUP_JOBS)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (state.failed, ==, 0);
  g_free (state.path);
}

/* Passwords and tokens */

static void
test_passwords (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *hash2 = NULL;

  g_assert_true (trs_auth_init (&error));
  hash = trs_password_hash ("a long passphrase", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_null (strstr (hash, "a long passphrase"));
  g_assert_true (trs_password_verify (hash, "a long passphrase"));
  g_assert_false (trs_password_verify (hash, "a long passphrasE"));
  g_assert_false (trs_password_verify (hash, ""));
  g_assert_false (trs_password_verify ("not a hash", "a long passphrase"));
  g_assert_false (trs_password_verify (NULL, "a long passphrase"));

  /* Salted: the same password never gives the same hash. */
  hash2 = trs_password_hash ("a long passphrase", &error);
  g_assert_cmpstr (hash, !=, hash2);
  g_assert_true (trs_password_verify (hash2, "a long passphrase"));
}

static void
test_token_format (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < 100; i++)
    {
      char *token = trs_token_generate ();
      g_autofree char *digest = trs_token_digest (token);
      g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);

      /* 32 bytes: 43 characters of base64url without padding. */
      g_assert_true (g_str_has_prefix (token, "tr_"));
      g_assert_cmpuint (strlen (token), ==, 3 + 43);
      for (const char *p = token + 3; *p != '\0'; p++)
        g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
      g_assert_cmpstr (digest, ==, expected);
      g_assert_cmpuint (strlen (digest), ==, 64);
      g_assert_true (g_hash_table_add (seen, token));
    }
}

/* Hostile text */

static const char * const hostile_names[] = {
  "Robert'); DROP TABLE accounts;--",
  "x\" OR \"1\"=\"1",
  "'; DELETE FROM institutes; --",
  "Zoë ∑ 名前 %s %n",
};

static gpointer
injection_job (TrsStore  *store,
               gpointer   data,
               GError   **error)
{
  g_autoptr(GError) local_error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (hostile_names); i++)
    {
      g_autofree char *email = g_strdup_printf ("o'hara\"%u'--@example.org", i);
      g_autoptr(TrsAccount) account = NULL;
      g_autoptr(TrsAccount) found = NULL;
      gint64 institute;

      institute = trs_store_institute_create (store, hostile_names[i], &local_error);
      g_assert_no_error (local_error);
      g_assert_cmpint (trs_store_institute_find (store, hostile_names[i], &local_error), ==, institute);
      account = trs_store_account_create (store, institute, 0, "learner", hostile_names[i], email, FAKE_HASH,
                                          &local_error);
      g_assert_no_error (local_error);
      g_assert_cmpstr (account->name, ==, hostile_names[i]);
      g_assert_cmpstr (account->institute_name, ==, hostile_names[i]);
      found = trs_store_account_by_email (store, email, &local_error);
      g_assert_no_error (local_error);
      g_assert_cmpstr (found->email, ==, email);
    }
  g_assert_cmpint (trs_store_institute_find (store, "' OR 1=1 --", &local_error), ==, 0);
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);
  g_assert_null (trs_store_account_by_email (store, "' OR '1'='1", &local_error));
  g_assert_error (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&local_error);
  g_assert_cmpint (trs_store_account_count (store, &local_error), ==, G_N_ELEMENTS (hostile_names));
  return GINT_TO_POINTER (TRUE);
}

static void
test_injection (void)
{
  g_autofree char *path = db_path ();
  TrsStore *store = open_store (path);
  sqlite3 *db;

  run_checks (store, TRS_JOB_WRITE, injection_job, NULL);
  trs_store_close (store);

  db = tr_test_sqlite_open (path, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM institutes"), ==, G_N_ELEMENTS (hostile_names));
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM accounts"), ==, G_N_ELEMENTS (hostile_names));
  sqlite3_close (db);
}

/* The command line, through the real binary */

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliResult;

static void
cli_result_clear (CliResult *result)
{
  g_free (result->out);
  g_free (result->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliResult, cli_result_clear)

static void
run_cli (CliResult  *result,
         const char *input,
         ...)
{
  const char *server = g_getenv ("TRELLIS_SERVER");
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *input_path = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_assert_nonnull (server);
  g_ptr_array_add (args, (gpointer) server);
  va_start (ap, input);
  for (const char *arg = va_arg (ap, const char *); arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  /* Standard input comes from a file, not a pipe: a command that fails before it reads its
   * password would otherwise leave the test writing into a closed pipe (SIGPIPE). */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  input_path = g_build_filename (g_get_user_cache_dir (), "cli-input", NULL);
  g_assert_true (g_file_set_contents (input_path, input != NULL ? input : "", -1, NULL));
  g_subprocess_launcher_set_stdin_file_path (launcher, input_path);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  result->status = g_subprocess_get_exit_status (process);
  if (g_test_verbose ())
    g_printerr ("%s → %d\n%s%s", (char *) args->pdata[1], result->status, result->out, result->err);
}

static void
assert_cli_fails (int         status,
                  const char *message,
                  CliResult  *result)
{
  g_assert_cmpint (result->status, ==, status);
  g_assert_true (g_str_has_prefix (result->err, "trellis-server "));
  g_assert_nonnull (strstr (result->err, message));
  /* One line. */
  g_assert_true (g_str_has_suffix (result->err, "\n"));
  g_assert_true (strchr (result->err, '\n') == result->err + strlen (result->err) - 1);
}

typedef struct
{
  const char *code;
  const char *email;
  gint64      institute;
  gint64      cohort;
} CliCheck;

static gpointer
cli_check_job (TrsStore  *store,
               gpointer   data,
               GError   **error)
{
  CliCheck *check = data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TrsAccount) account = NULL;

  g_assert_true (trs_store_code_use (store, check->code, &check->institute, &check->cohort, &local_error));
  g_assert_no_error (local_error);
  account = trs_store_account_by_email (store, check->email, &local_error);
  g_assert_no_error (local_error);
  g_assert_cmpstr (account->role, ==, "trainer");
  g_assert_true (trs_password_verify (account->password_hash, "a long passphrase"));
  g_assert_false (trs_password_verify (account->password_hash, "a long passphrase\n"));
  return GINT_TO_POINTER (TRUE);
}

static void
test_cli (void)
{
  g_autofree char *root = g_build_filename (g_get_user_cache_dir (), "cli", NULL);
  g_autofree char *data = g_build_filename (root, "data", NULL);
  g_autofree char *db = g_build_filename (data, "trellis.db", NULL);
  g_autofree char *keys = g_build_filename (data, "keys", NULL);
  g_autofree char *courses = g_build_filename (data, "courses", NULL);
  g_autofree char *password_file = g_build_filename (root, "password", NULL);
  g_autofree char *code = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *key_name;
  CliCheck check = { 0 };
  TrsStore *store;

  /* init */
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "init", "--data", data, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  g_assert_cmphex (file_mode (data), ==, 0700);
  g_assert_cmphex (file_mode (db), ==, 0600);
  g_assert_cmphex (file_mode (keys), ==, 0700);
  g_assert_true (g_file_test (courses, G_FILE_TEST_IS_DIR));
  dir = g_dir_open (keys, 0, &error);
  g_assert_no_error (error);
  key_name = g_dir_read_name (dir);
  g_assert_nonnull (key_name);
  g_assert_true (g_str_has_suffix (key_name, ".key"));
  g_assert_cmpuint (strlen (key_name), ==, 16 + 4);
  {
    g_autofree char *key_path = g_build_filename (keys, key_name, NULL);
    g_autofree char *contents = NULL;
    gsize length;
    g_autofree guchar *secret = NULL;

    g_assert_cmphex (file_mode (key_path), ==, 0600);
    g_assert_true (g_file_get_contents (key_path, &contents, NULL, NULL));
    secret = g_base64_decode (g_strstrip (contents), &length);
    g_assert_cmpuint (length, ==, 64);
  }
  g_assert_null (g_dir_read_name (dir));
  {
    sqlite3 *raw = tr_test_sqlite_open (db, SQLITE_OPEN_READWRITE);

    g_assert_cmpint (tr_test_sqlite_int (raw, "SELECT count(*) FROM signing_keys WHERE length(public_key) = 32"),
                     ==, 1);
    sqlite3_close (raw);
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "init", "--data", data, NULL);
    assert_cli_fails (1, "already exists", &r);
  }

  /* serve refuses a number of listener threads it cannot use */
  for (guint i = 0; i < 2; i++)
    {
      g_auto(CliResult) r = { 0 };

      run_cli (&r, NULL, "serve", "--data", data, "--listen", "127.0.0.1:0", "--threads", i == 0 ? "0" : "65",
               NULL);
      assert_cli_fails (2, "--threads takes a number from 1 to 64", &r);
    }

  /* institute create */
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "institute", "create", "--data", data, "Regio Noord", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "Regio Noord"));
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "institute", "create", "--data", data, "Regio Noord", NULL);
    assert_cli_fails (1, "already exists", &r);
  }

  /* user add: the password through standard input, then from a file */
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, "a long passphrase\nthe rest is ignored\n", "user", "add", "--data", data,
             "--institute", "Regio Noord", "--role", "trainer", "--name", "Sam Jansen",
             "--email", "sam@example.org", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "sam@example.org"));
    g_assert_null (strstr (r.out, "passphrase"));
    g_assert_null (strstr (r.err, "passphrase"));
  }
  g_assert_true (g_file_set_contents (password_file, "another long passphrase\r\n", -1, NULL));
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "user", "add", "--data", data, "--institute", "Regio Noord", "--role", "admin",
             "--name", "Kim de Vries", "--email", "kim@example.org", "--password-file", password_file, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, "a long passphrase\n", "user", "add", "--data", data, "--institute", "Regio Noord",
             "--role", "learner", "--name", "Sam Twice", "--email", "SAM@example.ORG", NULL);
    assert_cli_fails (1, "already has an account", &r);
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, "short\n", "user", "add", "--data", data, "--institute", "Regio Noord",
             "--role", "learner", "--name", "Lee", "--email", "lee@example.org", NULL);
    assert_cli_fails (2, "at least 10 characters", &r);
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, "a long passphrase\n", "user", "add", "--data", data, "--institute", "Regio Zuid",
             "--role", "learner", "--name", "Lee", "--email", "lee@example.org", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.err, ==, "trellis-server user add: no institute named \"Regio Zuid\"\n");
  }

  /* code create */
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "code", "create", "--data", data, "--institute", "Regio Noord",
             "--cohort", "spring-2027", "--days", "7", "--max-uses", "3", NULL);
    g_assert_cmpint (r.status, ==, 0);
    code = g_strdup (g_strstrip (r.out));
    g_assert_true (is_code (code));
  }

  /* user list */
  {
    g_auto(CliResult) r = { 0 };
    g_auto(GStrv) lines = NULL;

    run_cli (&r, NULL, "user", "list", "--data", data, NULL);
    g_assert_cmpint (r.status, ==, 0);
    lines = g_strsplit (r.out, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 4);
    for (const char *column = "ID ROLE NAME EMAIL INSTITUTE COHORT CREATED"; *column != '\0'; )
      {
        g_autofree char *word = g_strndup (column, strcspn (column, " "));

        g_assert_nonnull (strstr (lines[0], word));
        column += strlen (word);
        while (*column == ' ')
          column++;
      }
    g_assert_nonnull (strstr (lines[1], "trainer"));
    g_assert_nonnull (strstr (lines[1], "Sam Jansen"));
    g_assert_nonnull (strstr (lines[1], "sam@example.org"));
    g_assert_nonnull (strstr (lines[1], "Regio Noord"));
    g_assert_nonnull (strstr (lines[2], "kim@example.org"));
    g_assert_cmpstr (lines[3], ==, "");
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "user", "list", "--data", data, "--institute", "Regio Noord", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "kim@example.org"));
  }

  /* What the commands stored, seen through the store. */
  store = open_store (db);
  check.code = code;
  check.email = "sam@example.org";
  run_checks (store, TRS_JOB_WRITE, cli_check_job, &check);
  trs_store_close (store);
  g_assert_cmpint (check.institute, >, 0);
  g_assert_cmpint (check.cohort, >, 0);

  /* Bad arguments: a message and a non-zero status. */
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "user", "add", "--institute", "Regio Noord", NULL);
    assert_cli_fails (2, "trellis-server user add: --data DIR is required", &r);
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, "a long passphrase\n", "user", "add", "--data", data, "--institute", "Regio Noord",
             "--role", "boss", "--name", "Lee", "--email", "lee@example.org", NULL);
    assert_cli_fails (2, "--role", &r);
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "user", "list", "--data", data, "--colour", NULL);
    assert_cli_fails (2, "--colour", &r);
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "code", "create", "--data", data, "--institute", "Regio Noord", "--days", "0", NULL);
    assert_cli_fails (2, "--days", &r);
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "code", "create", "--data", data, "--institute", "Regio Noord", "--days", "soon",
             NULL);
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "trellis-server code create"));
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "institute", "create", "--data", data, NULL);
    assert_cli_fails (2, "NAME is required", &r);
  }
  {
    g_auto(CliResult) r = { 0 };
    g_autofree char *nowhere = g_build_filename (root, "nowhere", NULL);

    run_cli (&r, NULL, "user", "list", "--data", nowhere, NULL);
    assert_cli_fails (1, "no database", &r);
    g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "user", "remove", NULL);
    assert_cli_fails (2, "unknown action", &r);
  }
  {
    g_auto(CliResult) r = { 0 };

    run_cli (&r, NULL, "frobnicate", NULL);
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "unknown command"));
  }
}

int
main (int    argc,
      char **argv)
{
  tr_test_init (&argc, &argv);

  g_test_add_func ("/server-store/open", test_open);
  g_test_add_func ("/server-store/open-not-a-database", test_open_not_a_database);
  g_test_add_func ("/server-store/accounts", test_accounts);
  g_test_add_func ("/server-store/codes", test_codes);
  g_test_add_func ("/server-store/tokens", test_tokens);
  g_test_add_func ("/server-store/events", test_events);
  g_test_add_func ("/server-store/milestones", test_milestones);
  g_test_add_func ("/server-store/account-delete", test_account_delete);
  g_test_add_func ("/server-store/group-commit", test_group_commit);
  g_test_add_func ("/server-store/group-commit-burst", test_group_commit_burst);
  g_test_add_func ("/server-store/passwords", test_passwords);
  g_test_add_func ("/server-store/token-format", test_token_format);
  g_test_add_func ("/server-store/injection", test_injection);
  g_test_add_func ("/server-store/cli", test_cli);

  return g_test_run ();
}
