/* trellis-dashboard-window.h: an institute's completion reports and certificates
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "tr-lang.h"
#include "trellis-sync.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_DASHBOARD_WINDOW (trellis_dashboard_window_get_type ())

G_DECLARE_FINAL_TYPE (TrellisDashboardWindow, trellis_dashboard_window, TRELLIS, DASHBOARD_WINDOW, AdwWindow)

GtkWidget *trellis_dashboard_window_new             (TrellisSync            *sync,
                                                     TrLang                  lang);
void       trellis_dashboard_window_show_data       (TrellisDashboardWindow *self,
                                                     JsonObject             *cohorts,
                                                     JsonObject             *report,
                                                     JsonObject             *certificates);
void       trellis_dashboard_window_show_sessions   (TrellisDashboardWindow *self,
                                                     JsonObject             *classrooms);
void       trellis_dashboard_window_refresh         (TrellisDashboardWindow *self);
void       trellis_dashboard_window_export_to_file  (TrellisDashboardWindow *self,
                                                     GFile                  *file);
void       trellis_dashboard_window_export_attendance_to_file (TrellisDashboardWindow *self,
                                                     const char             *classroom_id,
                                                     GFile                  *file);

G_END_DECLS
