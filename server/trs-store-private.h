/* trs-store-private.h: what the files of the store share (trs-store*.c)
 *
 * Everything here runs inside a job (trs-store.h).
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "trs-store.h"

G_BEGIN_DECLS

/* A cached statement, borrowed for one use: the cleanup resets it for the
 * next user instead of finalizing it. */
typedef sqlite3_stmt TrsStmt;

void      trs_stmt_release           (TrsStmt       *stmt);
gboolean  trs_store_in_job        (TrsStore      *store);
gboolean  trs_store_set_sqlite_error (TrsStore      *store,
                                      GError       **error);
TrsStmt  *trs_store_statement        (TrsStore      *store,
                                      const char    *sql,
                                      GError       **error);
gboolean  trs_store_stmt_run         (TrsStore      *store,
                                      sqlite3_stmt  *stmt,
                                      GError       **error);
char     *trs_store_column_strdup    (sqlite3_stmt  *stmt,
                                      int            column);
sqlite3  *trs_store_get_db           (TrsStore      *store);

/* Letters and digits that cannot be mistaken for each other (no 0/O, 1/I/L). */
#define TRS_CODE_ALPHABET "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

char     *trs_store_code_normalise   (const char    *code,
                                      gsize          length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrsStmt, trs_stmt_release)

G_END_DECLS
