/* tr-test-sqlite.h: looking into the databases the stores write
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

sqlite3 *tr_test_sqlite_open (const char *path,
                              int         flags);
char    *tr_test_sqlite_text (sqlite3    *db,
                              const char *sql);
gint64   tr_test_sqlite_int  (sqlite3    *db,
                              const char *sql);

G_END_DECLS
