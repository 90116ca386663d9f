/* bench-util.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-util.h"

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

double
bench_percentile_ms (GArray *values_us,
                     double  percent)
{
  guint index;

  if (values_us->len == 0)
    return 0.0;
  g_array_sort (values_us, compare_gint64);
  index = MIN (values_us->len - 1, (guint) (values_us->len * percent / 100.0));
  return g_array_index (values_us, gint64, index) / 1000.0;
}
