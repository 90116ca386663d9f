/* bench-sqlite-insert.c: the storage limit of the sync benchmark
 *
 * Inserts event rows like the server's straight into sqlite, with the same
 * pragmas and a prepared statement, BATCH rows per transaction, and prints
 * rows per second: what the server could reach if HTTP and JSON cost
 * nothing.
 *
 *   bench-sqlite-insert [--batch N] [--seconds S] [--synchronous NORMAL|FULL] [--dir DIR]
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

int
main (int    argc,
      char **argv)
{
  int batch = 100;
  double seconds = 5.0;
  g_autofree char *synchronous = g_strdup ("NORMAL");
  g_autofree char *dir = NULL;
  GOptionEntry entries[] = {
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Rows per transaction", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "How long to insert", "S" },
    { "synchronous", 0, 0, G_OPTION_ARG_STRING, &synchronous, "NORMAL or FULL", "MODE" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Where to put the database", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- raw sqlite insert rate");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *pragma = NULL;
  sqlite3 *db;
  sqlite3_stmt *insert;
  gint64 start, now, rows = 0, seq = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || batch < 1)
    {
      g_printerr ("bench-sqlite-insert: %s\n", error ? error->message : "--batch must be at least 1");
      return 2;
    }
  if (dir == NULL)
    dir = g_dir_make_tmp ("trellis-sqlite-bench-XXXXXX", NULL);
  path = g_build_filename (dir, "bench.db", NULL);
  g_unlink (path);

  if (sqlite3_open (path, &db) != SQLITE_OK)
    g_error ("cannot open %s", path);
  exec_or_die (db, "PRAGMA journal_mode=WAL");
  pragma = g_strdup_printf ("PRAGMA synchronous=%s", synchronous);
  exec_or_die (db, pragma);
  exec_or_die (db, "PRAGMA foreign_keys=ON");
  /* The server's table and index (server/trs-store.c, schema version 1). */
  exec_or_die (db, "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
                   "account_id INTEGER NOT NULL, verb TEXT NOT NULL, course_id TEXT NOT NULL, "
                   "course_version TEXT NOT NULL, object TEXT NOT NULL, result TEXT, "
                   "timestamp INTEGER NOT NULL, received INTEGER NOT NULL)");
  exec_or_die (db, "CREATE INDEX events_by_account ON events (account_id, seq)");
  if (sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO events (id, account_id, verb, course_id, course_version, "
                              "object, result, timestamp, received) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
                          -1, &insert, NULL) != SQLITE_OK)
    g_error ("prepare: %s", sqlite3_errmsg (db));

  start = g_get_monotonic_time ();
  do
    {
      exec_or_die (db, "BEGIN IMMEDIATE");
      for (int i = 0; i < batch; i++)
        {
          g_autofree char *id = g_uuid_string_random ();

          sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (insert, 2, 1 + (seq % 64));
          sqlite3_bind_text (insert, 3, "experienced", -1, SQLITE_STATIC);
          sqlite3_bind_text (insert, 4, "example-course", -1, SQLITE_STATIC);
          sqlite3_bind_text (insert, 5, "bench", -1, SQLITE_STATIC);
          sqlite3_bind_text (insert, 6, "lesson/first-signals", -1, SQLITE_STATIC);
          sqlite3_bind_int64 (insert, 7, g_get_real_time () / 1000);
          sqlite3_bind_int64 (insert, 8, g_get_real_time () / 1000);
          if (sqlite3_step (insert) != SQLITE_DONE)
            g_error ("insert: %s", sqlite3_errmsg (db));
          sqlite3_reset (insert);
          seq++;
        }
      exec_or_die (db, "COMMIT");
      rows += batch;
      now = g_get_monotonic_time ();
    }
  while (now - start < seconds * G_USEC_PER_SEC);

  g_print ("sqlite batch=%d synchronous=%s rows=%" G_GINT64_FORMAT " rows_per_second=%.0f\n",
           batch, synchronous, rows, rows / ((now - start) / (double) G_USEC_PER_SEC));
  sqlite3_finalize (insert);
  sqlite3_close (db);
  return 0;
}
