/* test-progress-store.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-progress-store"

#include <sqlite3.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "tr-course-loader.h"
#include "tr-test-sqlite.h"
#include "tr-test-util.h"
#include "trellis-progress-store.h"

static TrCourse *course;

typedef struct
{
  gboolean      done;
  gboolean      ok;
  GError       *error;
  GAsyncResult *task;
} OpenResult;

static void
open_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  OpenResult *open_result = user_data;

  open_result->ok = trellis_progress_store_open_finish (TRELLIS_PROGRESS_STORE (source), result,
                                                        &open_result->error);
  open_result->done = TRUE;
  open_result->task = result;
  g_object_add_weak_pointer (G_OBJECT (result), (gpointer *) &open_result->task);
}

static gboolean
try_open (TrellisProgressStore  *store,
          GError               **error)
{
  OpenResult result = { 0 };

  trellis_progress_store_open_async (store, NULL, open_cb, &result);
  while (!result.done)
    g_main_context_iteration (NULL, TRUE);
  /* The GTask thread may hold the task, and with it the store, a little
   * longer than the callback runs; the leak checks need it gone. */
  while (g_atomic_pointer_get (&result.task) != NULL)
    g_usleep (1000);
  g_assert_true (result.ok == (result.error == NULL));
  if (result.error != NULL)
    g_propagate_error (error, result.error);
  return result.ok;
}

static TrellisProgressStore *
open_store (const char *path)
{
  g_autoptr(TrellisProgressStore) store = trellis_progress_store_new (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (try_open (store, &error));
  g_assert_no_error (error);
  g_assert_true (trellis_progress_store_is_open (store));
  return g_steal_pointer (&store);
}

static void
close_store (TrellisProgressStore *store)
{
  g_assert_finalize_object (store);
}

/* A fresh database path; the folder is made by the store itself and removed
 * with the test's isolated directories. */
static char *
db_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "store", "progress.db", NULL);
}

static void
assert_integrity (const char *path)
{
  sqlite3 *db = tr_test_sqlite_open (path, SQLITE_OPEN_READWRITE);
  g_autofree char *check = tr_test_sqlite_text (db, "PRAGMA integrity_check");
  g_autofree char *mode = tr_test_sqlite_text (db, "PRAGMA journal_mode");

  g_assert_cmpstr (check, ==, "ok");
  g_assert_cmpstr (mode, ==, "wal");
  sqlite3_close (db);
}

static JsonObject *
make_result (const char *first_member,
             ...)
{
  JsonObject *object = json_object_new ();
  va_list args;

  va_start (args, first_member);
  for (const char *member = first_member; member != NULL; member = va_arg (args, const char *))
    {
      if (g_str_equal (member, "choice") || g_str_equal (member, "ending") || g_str_equal (member, "verdict"))
        json_object_set_string_member (object, member, va_arg (args, const char *));
      else
        json_object_set_int_member (object, member, va_arg (args, int));
    }
  va_end (args);
  return object;
}

static void
assert_same_result (JsonObject *a,
                    JsonObject *b)
{
  g_autoptr(JsonNode) node_a = NULL;
  g_autoptr(JsonNode) node_b = NULL;

  g_assert_true ((a == NULL) == (b == NULL));
  if (a == NULL)
    return;
  node_a = json_node_init_object (json_node_alloc (), a);
  node_b = json_node_init_object (json_node_alloc (), b);
  g_assert_true (json_node_equal (node_a, node_b));
}

static void
assert_same_events (GPtrArray *expected,
                    GPtrArray *actual)
{
  g_assert_cmpuint (actual->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      const TrEvent *a = g_ptr_array_index (expected, i);
      const TrEvent *b = g_ptr_array_index (actual, i);

      g_assert_cmpstr (b->id, ==, a->id);
      g_assert_cmpstr (b->actor, ==, a->actor);
      g_assert_cmpint (b->verb, ==, a->verb);
      g_assert_cmpstr (b->course_id, ==, a->course_id);
      g_assert_cmpstr (b->course_version, ==, a->course_version);
      g_assert_cmpstr (b->object, ==, a->object);
      g_assert_cmpint (b->timestamp, ==, a->timestamp);
      assert_same_result (a->result, b->result);
    }
}

static gpointer
copy_event (gconstpointer event,
            gpointer      user_data)
{
  return tr_event_copy (event);
}

static GPtrArray *
copy_events (GPtrArray *events)
{
  GPtrArray *copy = g_ptr_array_copy (events, copy_event, NULL);

  g_ptr_array_set_free_func (copy, (GDestroyNotify) tr_event_free);
  return copy;
}

static void
test_open_new (void)
{
  g_autofree char *path = db_path ();
  TrellisProgressStore *store = open_store (path);
  g_autofree char *actor = g_strdup (trellis_progress_store_get_actor (store));
  sqlite3 *db;

  g_assert_cmpstr (trellis_progress_store_get_path (store), ==, path);
  g_assert_true (g_uuid_string_is_valid (actor));
  g_assert_cmpuint (trellis_progress_store_get_events (store)->len, ==, 0);
  g_assert_null (trellis_progress_store_get_position (store, "example"));
  close_store (store);

  store = open_store (path);
  g_assert_cmpstr (trellis_progress_store_get_actor (store), ==, actor);
  close_store (store);

  db = tr_test_sqlite_open (path, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (tr_test_sqlite_int (db, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM meta WHERE key = 'actor'"), ==, 1);
  sqlite3_close (db);
  assert_integrity (path);
}

static void
test_default_path (void)
{
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "trellis", "progress.db", NULL);
  g_autofree char *dir = g_path_get_dirname (expected);
  TrellisProgressStore *store = open_store (NULL);
  GStatBuf info;

  g_assert_cmpstr (trellis_progress_store_get_path (store), ==, expected);
  g_assert_cmpint (g_stat (dir, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0700);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  close_store (store);
}

static void
test_events_round_trip (void)
{
  g_autofree char *path = db_path ();
  TrellisProgressStore *store = open_store (path);
  g_autoptr(JsonObject) chose = make_result ("choice", "ask", "weight", 2, NULL);
  g_autoptr(JsonObject) completed = make_result ("ending", "calm", "verdict", "good", "score", 7, NULL);
  g_autoptr(JsonObject) answered = make_result ("correct", 3, "total", 4, NULL);
  g_autoptr(JsonObject) passed = make_result ("score", 80, "correct", 8, "total", 10, NULL);
  g_autoptr(GPtrArray) recorded = NULL;
  const TrEvent *event;
  sqlite3 *db;

  event = trellis_progress_store_record (store, course, TR_VERB_EXPERIENCED, "lesson/signs", NULL);
  g_assert_nonnull (event);
  g_assert_true (g_uuid_string_is_valid (event->id));
  g_assert_cmpstr (event->actor, ==, trellis_progress_store_get_actor (store));
  g_assert_cmpstr (event->course_id, ==, tr_course_get_id (course));
  g_assert_cmpstr (event->course_version, ==, tr_course_get_version (course));
  g_assert_null (event->result);
  trellis_progress_store_record (store, course, TR_VERB_CHOSE, "scenario/cafe/node/start", chose);
  trellis_progress_store_record (store, course, TR_VERB_COMPLETED, "scenario/cafe", completed);
  trellis_progress_store_record (store, course, TR_VERB_ANSWERED, "signal-exercise/posts", answered);
  trellis_progress_store_record (store, course, TR_VERB_FAILED, "quiz", NULL);
  event = trellis_progress_store_record (store, course, TR_VERB_PASSED, "quiz", passed);
  g_assert_true (event->result == passed);
  g_assert_true (g_ptr_array_index (trellis_progress_store_get_events (store), 5) == event);

  recorded = copy_events (trellis_progress_store_get_events (store));
  g_assert_cmpuint (recorded->len, ==, 6);

  /* After flush the rows are visible to another connection, while the store is still open. */
  trellis_progress_store_flush (store);
  db = tr_test_sqlite_open (path, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM events"), ==, 6);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM events WHERE synced = 0"), ==, 6);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM events WHERE result IS NULL"), ==, 2);
  sqlite3_close (db);
  close_store (store);

  store = open_store (path);
  assert_same_events (recorded, trellis_progress_store_get_events (store));
  g_assert_cmpint (tr_event_result_int (g_ptr_array_index (trellis_progress_store_get_events (store), 1),
                                        "weight", -1), ==, 2);
  close_store (store);
  assert_integrity (path);
}

static void
test_notes_positions (void)
{
  g_autofree char *path = db_path ();
  TrellisProgressStore *store = open_store (path);
  g_autofree char *note = NULL;
  g_autofree char *place = NULL;
  sqlite3 *db;

  trellis_progress_store_set_note (store, "example", "lesson/signs", "Ask the team lead");
  trellis_progress_store_set_note (store, "example", "quiz", "Revise");
  trellis_progress_store_set_note (store, "example", "quiz", "Revise question 3");
  trellis_progress_store_set_note (store, "other", "quiz", "Elsewhere");
  trellis_progress_store_set_note (store, "other", "quiz", "");
  trellis_progress_store_set_position (store, "example", "lesson/signs");
  trellis_progress_store_set_position (store, "example", "scenario/cafe");

  /* Reads come from memory at once, as copies. */
  note = trellis_progress_store_get_note (store, "example", "quiz");
  g_assert_cmpstr (note, ==, "Revise question 3");
  g_assert_null (trellis_progress_store_get_note (store, "other", "quiz"));
  g_assert_null (trellis_progress_store_get_note (store, "example", "lesson/other"));
  place = trellis_progress_store_get_position (store, "example");
  g_assert_cmpstr (place, ==, "scenario/cafe");
  g_clear_pointer (&note, g_free);
  g_clear_pointer (&place, g_free);
  close_store (store);

  store = open_store (path);
  note = trellis_progress_store_get_note (store, "example", "lesson/signs");
  g_assert_cmpstr (note, ==, "Ask the team lead");
  g_clear_pointer (&note, g_free);
  note = trellis_progress_store_get_note (store, "example", "quiz");
  g_assert_cmpstr (note, ==, "Revise question 3");
  g_assert_null (trellis_progress_store_get_note (store, "other", "quiz"));
  place = trellis_progress_store_get_position (store, "example");
  g_assert_cmpstr (place, ==, "scenario/cafe");

  /* An empty note deletes the stored row. */
  trellis_progress_store_set_note (store, "example", "quiz", "");
  trellis_progress_store_flush (store);
  db = tr_test_sqlite_open (path, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM notes"), ==, 1);
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM positions"), ==, 1);
  sqlite3_close (db);
  close_store (store);
  assert_integrity (path);
}

static void
changed_cb (TrellisProgressStore *store,
            guint                *count)
{
  (*count)++;
}

static void
test_changed (void)
{
  g_autofree char *path = db_path ();
  TrellisProgressStore *store = open_store (path);
  guint count = 0;

  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), &count);
  trellis_progress_store_record (store, course, TR_VERB_EXPERIENCED, "lesson/signs", NULL);
  g_assert_cmpuint (count, ==, 1);
  trellis_progress_store_record (store, course, TR_VERB_FAILED, "quiz", NULL);
  g_assert_cmpuint (count, ==, 2);
  close_store (store);
}

static void
test_burst (void)
{
  g_autofree char *path = db_path ();
  TrellisProgressStore *store = open_store (path);
  g_autoptr(GPtrArray) recorded = NULL;
  gint64 start;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *object = g_strdup_printf ("scenario/cafe/node/n%u", i);
      g_autoptr(JsonObject) result = make_result ("choice", "ask", "weight", (int) i, NULL);

      trellis_progress_store_record (store, course, TR_VERB_CHOSE, object, result);
    }
  trellis_progress_store_flush (store);
  /* One commit per event would still pass on a fast disk; grouping is what
   * keeps this far below the bound on a slow one. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  recorded = copy_events (trellis_progress_store_get_events (store));
  close_store (store);

  store = open_store (path);
  assert_same_events (recorded, trellis_progress_store_get_events (store));
  close_store (store);
  assert_integrity (path);
}

/* Writes made before the worker exists wait for it; none are lost. */
static void
test_before_open (void)
{
  g_autofree char *path = db_path ();
  TrellisProgressStore *store = open_store (path);
  g_autofree char *actor = g_strdup (trellis_progress_store_get_actor (store));
  g_autofree char *note = NULL;
  g_autofree char *place = NULL;
  const TrEvent *early;
  GPtrArray *events;

  trellis_progress_store_record (store, course, TR_VERB_EXPERIENCED, "lesson/signs", NULL);
  trellis_progress_store_set_note (store, "example", "quiz", "Stored before");
  close_store (store);

  store = trellis_progress_store_new (path);
  early = trellis_progress_store_record (store, course, TR_VERB_FAILED, "quiz", NULL);
  trellis_progress_store_set_note (store, "example", "quiz", "Set early");
  trellis_progress_store_set_note (store, "example", "lesson/signs", "Also early");
  trellis_progress_store_set_position (store, "example", "quiz");
  trellis_progress_store_flush (store);
  g_assert_true (try_open (store, NULL));

  events = trellis_progress_store_get_events (store);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpstr (((TrEvent *) g_ptr_array_index (events, 0))->object, ==, "lesson/signs");
  g_assert_true (g_ptr_array_index (events, 1) == early);
  g_assert_cmpstr (early->actor, ==, actor);
  note = trellis_progress_store_get_note (store, "example", "quiz");
  g_assert_cmpstr (note, ==, "Set early");
  close_store (store);

  store = open_store (path);
  events = trellis_progress_store_get_events (store);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpstr (((TrEvent *) g_ptr_array_index (events, 1))->actor, ==, actor);
  g_clear_pointer (&note, g_free);
  note = trellis_progress_store_get_note (store, "example", "lesson/signs");
  g_assert_cmpstr (note, ==, "Also early");
  place = trellis_progress_store_get_position (store, "example");
  g_assert_cmpstr (place, ==, "quiz");
  close_store (store);
}

static void
assert_open_fails (const char *path,
                   GQuark      domain,
                   int         code)
{
  TrellisProgressStore *store = trellis_progress_store_new (path);
  g_autoptr(GError) error = NULL;

  g_assert_false (try_open (store, &error));
  g_assert_error (error, domain, code);
  g_assert_false (trellis_progress_store_is_open (store));
  close_store (store);
}

static void
test_bad_paths (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "bad", NULL);
  g_autofree char *garbage = g_build_filename (dir, "garbage.db", NULL);
  g_autofree char *under_file = g_build_filename (garbage, "progress.db", NULL);
  g_autofree char *newer = g_build_filename (dir, "newer.db", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (garbage, "This is not an sqlite database, but it is long enough to look like one "
                                "to anything that reads only its first bytes.", -1, &error);
  g_assert_no_error (error);

  assert_open_fails (garbage, G_IO_ERROR, G_IO_ERROR_FAILED);
  assert_open_fails (under_file, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  assert_open_fails (dir, G_IO_ERROR, G_IO_ERROR_FAILED);

  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_open_fails (newer, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

/* While another connection holds the write lock, the write fails; it must
 * stay queued and reach the disk once the lock is gone, without a flush. */
static void
test_retry (void)
{
  g_autofree char *path = db_path ();
  TrellisProgressStore *store = open_store (path);
  sqlite3 *db = tr_test_sqlite_open (path, SQLITE_OPEN_READWRITE);
  gint64 deadline;

  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  trellis_progress_store_record (store, course, TR_VERB_EXPERIENCED, "lesson/signs", NULL);
  g_test_expect_message ("trellis-store", G_LOG_LEVEL_WARNING, "*database is locked*");
  trellis_progress_store_flush (store);
  g_test_assert_expected_messages ();
  g_assert_cmpint (tr_test_sqlite_int (db, "SELECT count(*) FROM events"), ==, 0);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (tr_test_sqlite_int (db, "SELECT count(*) FROM events") == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  sqlite3_close (db);
  close_store (store);

  store = open_store (path);
  g_assert_cmpuint (trellis_progress_store_get_events (store)->len, ==, 1);
  close_store (store);
  assert_integrity (path);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *course_dir = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  tr_test_init (&argc, &argv);

  course_dir = tr_test_fixture_path ("example-course", NULL);
  course = tr_course_load_valid (course_dir, &error);
  g_assert_no_error (error);

  g_test_add_func ("/progress-store/open-new", test_open_new);
  g_test_add_func ("/progress-store/default-path", test_default_path);
  g_test_add_func ("/progress-store/events-round-trip", test_events_round_trip);
  g_test_add_func ("/progress-store/notes-positions", test_notes_positions);
  g_test_add_func ("/progress-store/changed", test_changed);
  g_test_add_func ("/progress-store/burst", test_burst);
  g_test_add_func ("/progress-store/before-open", test_before_open);
  g_test_add_func ("/progress-store/bad-paths", test_bad_paths);
  g_test_add_func ("/progress-store/retry", test_retry);

  status = g_test_run ();
  g_clear_object (&course);
  return status;
}
