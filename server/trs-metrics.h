/* trs-metrics.h: counters for Prometheus
 *
 * Safe to use from any thread.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TrsMetrics TrsMetrics;

TrsMetrics *trs_metrics_new              (void);
void        trs_metrics_free             (TrsMetrics *self);

/* @route is a route pattern ("/api/v1/courses/{id}"), never a raw path, so
 * that the label set stays small; it must outlive @self (a static string).
 * @listener is the index of the listener thread that answered. */
void        trs_metrics_observe_request  (TrsMetrics *self,
                                          guint       listener,
                                          const char *route,
                                          guint       status,
                                          double      seconds);
void        trs_metrics_add_events       (TrsMetrics *self,
                                          guint64     n);
void        trs_metrics_set_events       (TrsMetrics *self,
                                          guint64     n);
void        trs_metrics_set_accounts     (TrsMetrics *self,
                                          gint64      n);
void        trs_metrics_add_accounts     (TrsMetrics *self,
                                          gint64      delta);

/* The Prometheus text exposition format (version 0.0.4). */
char       *trs_metrics_render           (TrsMetrics *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrsMetrics, trs_metrics_free)

G_END_DECLS
