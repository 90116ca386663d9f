/* trs-csv.h: CSV for the exports of the server (RFC 4180)
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void   trs_csv_add_field (GString    *line,
                          const char *value);
void   trs_csv_end_row   (GString    *line);
char  *trs_csv_time      (gint64      ms);
char  *trs_csv_date      (gint64      ms);

G_END_DECLS
