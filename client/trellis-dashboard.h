/* trellis-dashboard.h: the server requests of the institute dashboard
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-lang.h"
#include "trellis-sync.h"

G_BEGIN_DECLS

/* The periods of the dashboard's filter, in the order it offers them. */
typedef enum
{
  TRELLIS_PERIOD_ALL,
  TRELLIS_PERIOD_30_DAYS,
  TRELLIS_PERIOD_90_DAYS,
  TRELLIS_PERIOD_THIS_YEAR,
  TRELLIS_PERIOD_SINCE_DATE,
} TrellisPeriod;

/* What the dashboard shows, as the API answered it (docs/api.md,
 * "Institute reports"). */
typedef struct
{
  JsonObject *cohorts;        /* GET /cohorts */
  JsonObject *report;         /* GET /reports/completion */
  JsonObject *certificates;   /* GET /institute/certificates; NULL when not asked for */
  JsonObject *classrooms;     /* GET /classrooms; NULL when not known */
} TrellisDashboardData;

TrellisDashboardData *trellis_dashboard_data_new         (JsonObject            *cohorts,
                                                          JsonObject            *report,
                                                          JsonObject            *certificates);
void                  trellis_dashboard_data_free        (TrellisDashboardData  *data);

const char           *trellis_dashboard_json_string      (JsonObject            *object,
                                                          const char            *member);
gint64                trellis_dashboard_json_int         (JsonObject            *object,
                                                          const char            *member,
                                                          gint64                 fallback);
JsonArray            *trellis_dashboard_json_array       (JsonObject            *object,
                                                          const char            *member);
JsonObject           *trellis_dashboard_json_element     (JsonArray             *array,
                                                          guint                  index);
const char           *trellis_dashboard_text             (JsonObject            *text,
                                                          TrLang                 lang);
const char           *trellis_dashboard_title            (JsonObject            *report,
                                                          const char            *kind,
                                                          const char            *id,
                                                          TrLang                 lang);
gboolean              trellis_dashboard_role_may_view    (const char            *role);
gboolean              trellis_dashboard_role_is_admin    (const char            *role);
gboolean              trellis_dashboard_check_date       (const char            *text,
                                                          GError               **error);
char                 *trellis_dashboard_since            (TrellisPeriod          period,
                                                          const char            *date,
                                                          GDateTime             *now);
char                 *trellis_dashboard_query            (const char            *path,
                                                          const char            *cohort,
                                                          const char            *since,
                                                          const char            *format);

void                  trellis_dashboard_load_async       (TrellisSync           *sync,
                                                          const char            *cohort,
                                                          const char            *since,
                                                          gboolean               with_certificates,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
TrellisDashboardData *trellis_dashboard_load_finish      (TrellisSync           *sync,
                                                          GAsyncResult          *result,
                                                          GError               **error);
void                  trellis_dashboard_fetch_csv_async  (TrellisSync           *sync,
                                                          const char            *cohort,
                                                          const char            *since,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
GBytes               *trellis_dashboard_fetch_csv_finish (TrellisSync           *sync,
                                                          GAsyncResult          *result,
                                                          GError               **error);
void                  trellis_dashboard_fetch_attendance_async (TrellisSync     *sync,
                                                          const char            *classroom_id,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
void                  trellis_dashboard_revoke_async     (TrellisSync           *sync,
                                                          const char            *certificate_id,
                                                          const char            *reason,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
JsonObject           *trellis_dashboard_revoke_finish    (TrellisSync           *sync,
                                                          GAsyncResult          *result,
                                                          GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrellisDashboardData, trellis_dashboard_data_free)

G_END_DECLS
