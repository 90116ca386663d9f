/* trs-metrics.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <string.h>

#include "trs-metrics.h"

static const double buckets[] = {
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
};
#define N_BUCKETS G_N_ELEMENTS (buckets)

typedef struct
{
  const char *route;
  guint64     counts[N_BUCKETS];   /* not cumulative; summed when rendered */
  guint64     count;
  double      sum;
  GHashTable *statuses;            /* status (GUINT_TO_POINTER) → guint64* */
} RouteStats;

struct _TrsMetrics
{
  GMutex      mutex;       /* every listener thread counts */
  GHashTable *routes;   /* route → RouteStats* */
  GArray     *listeners;   /* guint64 requests, by listener */
  guint64     events;
  gint64      accounts;
};

static void
route_stats_free (RouteStats *stats)
{
  g_hash_table_unref (stats->statuses);
  g_free (stats);
}

TrsMetrics *
trs_metrics_new (void)
{
  TrsMetrics *self = g_new0 (TrsMetrics, 1);

  g_mutex_init (&self->mutex);
  self->routes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) route_stats_free);
  self->listeners = g_array_new (FALSE, TRUE, sizeof (guint64));
  return self;
}

void
trs_metrics_free (TrsMetrics *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->routes);
  g_array_unref (self->listeners);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

void
trs_metrics_observe_request (TrsMetrics *self,
                             guint       listener,
                             const char *route,
                             guint       status,
                             double      seconds)
{
  RouteStats *stats;
  guint64 *count;

  g_return_if_fail (self != NULL);
  g_return_if_fail (route != NULL);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (listener >= self->listeners->len)
    g_array_set_size (self->listeners, listener + 1);
  g_array_index (self->listeners, guint64, listener)++;

  stats = g_hash_table_lookup (self->routes, route);
  if (stats == NULL)
    {
      stats = g_new0 (RouteStats, 1);
      stats->route = route;
      stats->statuses = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      g_hash_table_insert (self->routes, (gpointer) route, stats);
    }
  count = g_hash_table_lookup (stats->statuses, GUINT_TO_POINTER (status));
  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (stats->statuses, GUINT_TO_POINTER (status), count);
    }
  (*count)++;

  seconds = MAX (seconds, 0.0);
  for (guint i = 0; i < N_BUCKETS; i++)
    if (seconds <= buckets[i])
      {
        stats->counts[i]++;
        break;
      }
  stats->count++;
  stats->sum += seconds;
}

void
trs_metrics_add_events (TrsMetrics *self,
                        guint64     n)
{
  g_return_if_fail (self != NULL);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  self->events += n;
}

void
trs_metrics_set_events (TrsMetrics *self,
                        guint64     n)
{
  g_return_if_fail (self != NULL);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  self->events = n;
}

void
trs_metrics_set_accounts (TrsMetrics *self,
                          gint64      n)
{
  g_return_if_fail (self != NULL);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  self->accounts = n;
}

void
trs_metrics_add_accounts (TrsMetrics *self,
                          gint64      delta)
{
  g_return_if_fail (self != NULL);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  self->accounts = MAX (0, self->accounts + delta);
}

/* Label values are our own route patterns, but escape them all the same. */
static void
append_label_value (GString    *out,
                    const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_uints (gconstpointer a,
               gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (*(gconstpointer const *) a);
  guint y = GPOINTER_TO_UINT (*(gconstpointer const *) b);

  return (x > y) - (x < y);
}

static void
append_double (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, value));
}

char *
trs_metrics_render (TrsMetrics *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree gpointer *routes = NULL;
  guint n_routes;

  g_return_val_if_fail (self != NULL, NULL);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  /* Sorted, so that scrapes and tests read a stable order. */
  routes = g_hash_table_get_keys_as_array (self->routes, &n_routes);
  qsort (routes, n_routes, sizeof (gpointer), compare_strings);

  g_string_append (out,
                   "# HELP trellis_http_requests_total HTTP requests answered, by route pattern and status.\n"
                   "# TYPE trellis_http_requests_total counter\n");
  for (guint i = 0; i < n_routes; i++)
    {
      RouteStats *stats = g_hash_table_lookup (self->routes, routes[i]);
      g_autofree gpointer *statuses = NULL;
      guint n_statuses;

      statuses = g_hash_table_get_keys_as_array (stats->statuses, &n_statuses);
      qsort (statuses, n_statuses, sizeof (gpointer), compare_uints);
      for (guint j = 0; j < n_statuses; j++)
        {
          guint64 *count = g_hash_table_lookup (stats->statuses, statuses[j]);

          g_string_append (out, "trellis_http_requests_total{route=\"");
          append_label_value (out, stats->route);
          g_string_append_printf (out, "\",status=\"%u\"} %" G_GUINT64_FORMAT "\n",
                                  GPOINTER_TO_UINT (statuses[j]), *count);
        }
    }

  g_string_append (out,
                   "# HELP trellis_http_request_duration_seconds Time from a request's headers to its answer, by route pattern.\n"
                   "# TYPE trellis_http_request_duration_seconds histogram\n");
  for (guint i = 0; i < n_routes; i++)
    {
      RouteStats *stats = g_hash_table_lookup (self->routes, routes[i]);
      guint64 cumulative = 0;

      for (guint b = 0; b < N_BUCKETS; b++)
        {
          cumulative += stats->counts[b];
          g_string_append (out, "trellis_http_request_duration_seconds_bucket{route=\"");
          append_label_value (out, stats->route);
          g_string_append (out, "\",le=\"");
          append_double (out, buckets[b]);
          g_string_append_printf (out, "\"} %" G_GUINT64_FORMAT "\n", cumulative);
        }
      g_string_append (out, "trellis_http_request_duration_seconds_bucket{route=\"");
      append_label_value (out, stats->route);
      g_string_append_printf (out, "\",le=\"+Inf\"} %" G_GUINT64_FORMAT "\n", stats->count);
      g_string_append (out, "trellis_http_request_duration_seconds_sum{route=\"");
      append_label_value (out, stats->route);
      g_string_append (out, "\"} ");
      append_double (out, stats->sum);
      g_string_append (out, "\ntrellis_http_request_duration_seconds_count{route=\"");
      append_label_value (out, stats->route);
      g_string_append_printf (out, "\"} %" G_GUINT64_FORMAT "\n", stats->count);
    }

  g_string_append (out,
                   "# HELP trellis_listener_requests_total HTTP requests answered, by listener thread.\n"
                   "# TYPE trellis_listener_requests_total counter\n");
  for (guint i = 0; i < self->listeners->len; i++)
    g_string_append_printf (out, "trellis_listener_requests_total{listener=\"%u\"} %" G_GUINT64_FORMAT "\n", i,
                            g_array_index (self->listeners, guint64, i));

  g_string_append_printf (out,
                          "# HELP trellis_events_stored_total Progress events stored.\n"
                          "# TYPE trellis_events_stored_total counter\n"
                          "trellis_events_stored_total %" G_GUINT64_FORMAT "\n"
                          "# HELP trellis_accounts Accounts in the database.\n"
                          "# TYPE trellis_accounts gauge\n"
                          "trellis_accounts %" G_GINT64_FORMAT "\n",
                          self->events, self->accounts);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
