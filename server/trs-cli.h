/* trs-cli.h: the administrative subcommands of trellis-server
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is the subcommand ("init", "institute", "user", "code", "keys",
 * "certificate"); returns
 * the exit status, or -1 when the subcommand is not one of these. */
int trs_cli_command (int    argc,
                     char **argv);

G_END_DECLS
