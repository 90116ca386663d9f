/* trellis-completion-chart.h: completions per course and path over time
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "tr-lang.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_COMPLETION_CHART (trellis_completion_chart_get_type ())

G_DECLARE_FINAL_TYPE (TrellisCompletionChart, trellis_completion_chart, TRELLIS, COMPLETION_CHART, GtkWidget)

GtkWidget  *trellis_completion_chart_new              (void);
void        trellis_completion_chart_set_report       (TrellisCompletionChart *self,
                                                       JsonObject             *report,
                                                       const char             *cohort,
                                                       TrLang                  lang);
guint       trellis_completion_chart_get_n_series     (TrellisCompletionChart *self);
const char *trellis_completion_chart_get_series_title (TrellisCompletionChart *self,
                                                       guint                   series);
guint       trellis_completion_chart_get_n_points     (TrellisCompletionChart *self,
                                                       guint                   series);
guint       trellis_completion_chart_get_total        (TrellisCompletionChart *self,
                                                       guint                   series);

G_END_DECLS
