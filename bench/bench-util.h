/* bench-util.h: what the benchmark programs share
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The @percent percentile (50: the median) of @values_us, gint64
 * microseconds, which it sorts; in milliseconds. 0 for none. */
double bench_percentile_ms (GArray *values_us,
                            double  percent);

G_END_DECLS
