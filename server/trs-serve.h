/* trs-serve.h: `trellis-server serve`
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "serve"; returns the process exit status. */
int trs_serve_command (int    argc,
                       char **argv);

G_END_DECLS
