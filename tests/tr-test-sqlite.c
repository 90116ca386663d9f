/* tr-test-sqlite.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tr-test-sqlite.h"

/* The database at @path, opened with @flags (SQLITE_OPEN_READONLY or
 * SQLITE_OPEN_READWRITE) beside the store's own connection. */
sqlite3 *
tr_test_sqlite_open (const char *path,
                     int         flags)
{
  sqlite3 *db = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, flags, NULL), ==, SQLITE_OK);
  return db;
}

/* The first column of the first row @sql returns, as text; NULL when it
 * returns no row. */
char *
tr_test_sqlite_text (sqlite3    *db,
                     const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

/* The number @sql returns, which must return a row. */
gint64
tr_test_sqlite_int (sqlite3    *db,
                    const char *sql)
{
  g_autofree char *text = tr_test_sqlite_text (db, sql);

  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}
