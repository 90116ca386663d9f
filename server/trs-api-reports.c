/* trs-api-reports.c: the routes of institute reports: cohorts, completion and
 * the institute's certificates (docs/api.md)
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"




#include "trs-api-private.h"
#include "trs-report.h"
#include "trs-store-reports.h"

/* ----------------------------------------------------------------------- */
/* Institute reports (docs/api.md, "Institute reports")                     */

#define MAX_INSTITUTE_CERTIFICATES 5000

typedef struct
{
  GPtrArray *cohorts;
  guint      without_cohort;
} CohortList;

static void
cohort_list_free (gpointer data)
{
  CohortList *list = data;

  g_clear_pointer (&list->cohorts, g_ptr_array_unref);
  g_free (list);
}

static gpointer
cohorts_job (TrsStore          *store,
             const TrsAccount  *account,
             Request           *req,
             GError           **error)
{
  CohortList *list = g_new0 (CohortList, 1);

  list->cohorts = trs_store_cohort_list (store, account->institute_id, &list->without_cohort, error);
  if (list->cohorts == NULL)
    {
      cohort_list_free (list);
      return NULL;
    }
  return list;
}

static void
cohorts_done (Request      *req,
              gpointer      value,
              const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  CohortList *list = value;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cohorts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->cohorts->len; i++)
    {
      TrsCohort *cohort = g_ptr_array_index (list->cohorts, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, cohort->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, cohort->name);
      json_builder_set_member_name (builder, "learners");
      json_builder_add_int_value (builder, cohort->learners);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "without_cohort");
  json_builder_add_int_value (builder, list->without_cohort);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

void
handle_cohorts (Request *req)
{
  request_read_now (req, cohorts_job, cohort_list_free, cohorts_done);
}

/* ?cohort=NAME_OR_ID&since=YYYY-MM-DD, into req->name and req->after (ms).
 * FALSE (answered) when they are malformed. */
static gboolean
query_report_filters (Request *req)
{
  const char *cohort = req->query != NULL ? g_hash_table_lookup (req->query, "cohort") : NULL;
  const char *since = req->query != NULL ? g_hash_table_lookup (req->query, "since") : NULL;

  if (cohort != NULL && (*cohort == '\0' || strlen (cohort) > MAX_NAME_CHARS * 4 ||
                         !g_utf8_validate (cohort, -1, NULL)))
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "\"cohort\" must be a cohort's name or id");
      return FALSE;
    }
  if (since != NULL && !trs_report_parse_date (since, &req->after))
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "\"since\" must be a date, YYYY-MM-DD");
      return FALSE;
    }
  req->name = g_strdup (cohort);
  req->code = g_strdup (since);
  return TRUE;
}

/* The cohort the request filters on: 0 for all, or NOT_FOUND. */
static gboolean
request_cohort (TrsStore          *store,
                const TrsAccount  *account,
                Request           *req,
                gint64            *cohort_id,
                GError           **error)
{
  *cohort_id = 0;
  if (req->name == NULL)
    return TRUE;
  *cohort_id = trs_store_cohort_lookup (store, account->institute_id, req->name, error);
  return *cohort_id != 0;
}

typedef struct
{
  char      *institute;
  TrsReport *report;
} Report;

static void
report_result_free (gpointer data)
{
  Report *report = data;

  g_free (report->institute);
  g_clear_pointer (&report->report, trs_report_free);
  g_free (report);
}

static gpointer
report_job (TrsStore          *store,
            const TrsAccount  *account,
            Request           *req,
            GError           **error)
{
  g_autoptr(GPtrArray) learners = NULL;
  Report *report;
  gint64 cohort_id;

  if (!request_cohort (store, account, req, &cohort_id, error))
    return NULL;
  learners = trs_store_report_learners (store, account->institute_id, cohort_id, error);
  if (learners == NULL)
    return NULL;
  report = g_new0 (Report, 1);
  report->institute = g_strdup (account->institute_name);
  report->report = trs_report_new (learners, req->api->courses, req->api->paths, req->after);
  return report;
}

static void
report_done (Request      *req,
             gpointer      value,
             const GError *error)
{
  Report *report = value;
  char *csv;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  if (req->limit == 0)
    {
      request_reply_node (req, SOUP_STATUS_OK,
                          trs_report_to_json (report->report, report->institute, req->name, req->code));
      return;
    }
  csv = trs_report_to_csv (report->report, report->institute);
  request_set_header (req, "Content-Disposition", "attachment; filename=\"completion.csv\"");
  request_reply_take (req, SOUP_STATUS_OK, "text/csv; charset=utf-8", csv, strlen (csv));
}

void
handle_report (Request *req)
{
  gboolean csv;

  if (!query_format (req, &csv) || !query_report_filters (req))
    return;
  req->limit = csv ? 1 : 0;
  request_run (req, TRS_JOB_READ, report_job, report_result_free, report_done);
}

static gpointer
institute_certificates_job (TrsStore          *store,
                            const TrsAccount  *account,
                            Request           *req,
                            GError           **error)
{
  gint64 cohort_id;

  if (!request_cohort (store, account, req, &cohort_id, error))
    return NULL;
  return trs_store_certificate_list_institute (store, account->institute_id, cohort_id, req->after,
                                               MAX_INSTITUTE_CERTIFICATES, error);
}

/* The institute's list names each certificate's holder. */
static void
institute_certificates_done (Request      *req,
                             gpointer      value,
                             const GError *error)
{
  reply_certificate_list (req, value, error, TRUE);
}

void
handle_institute_certificates (Request *req)
{
  if (!query_report_filters (req))
    return;
  request_run (req, TRS_JOB_READ, institute_certificates_job, (GDestroyNotify) g_ptr_array_unref,
               institute_certificates_done);
}

