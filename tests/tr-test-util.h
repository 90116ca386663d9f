/* tr-test-util.h: what every test shares: init, fixtures, folders, waiting
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*TrTestCheckFunc) (gpointer data);

void      tr_test_init            (int              *argc,
                                   char           ***argv);
void      tr_test_init_gui        (int              *argc,
                                   char           ***argv);
char     *tr_test_fixture_path    (const char       *first,
                                   ...) G_GNUC_NULL_TERMINATED;
char     *tr_test_copy_tree       (const char       *source);
void      tr_test_remove_tree     (const char       *path);

gboolean  tr_test_wait_for        (TrTestCheckFunc   check,
                                   gpointer          data,
                                   guint             timeout_s);
gboolean  tr_test_flag_set        (gpointer          data);
void      tr_test_finalize_object (gpointer          object,
                                   guint             timeout_s);

G_END_DECLS
