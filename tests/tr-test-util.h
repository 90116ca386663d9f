/* tr-test-util.h: what every test does first
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void  tr_test_init         (int    *argc,
                            char ***argv);
void  tr_test_init_gui     (int    *argc,
                            char ***argv);
char *tr_test_fixture_path (const char *first,
                            ...) G_GNUC_NULL_TERMINATED;
char *tr_test_copy_tree    (const char *source);

G_END_DECLS
