/* trellis-dashboard.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-dashboard"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "trellis-dashboard.h"

/**
 * trellis_dashboard_data_new:
 * @certificates: (nullable): %NULL when the account may not see them
 *
 * Returns: (transfer full): the three answers, each referenced
 */
TrellisDashboardData *
trellis_dashboard_data_new (JsonObject *cohorts,
                            JsonObject *report,
                            JsonObject *certificates)
{
  TrellisDashboardData *data;

  g_return_val_if_fail (cohorts != NULL, NULL);
  g_return_val_if_fail (report != NULL, NULL);

  data = g_new0 (TrellisDashboardData, 1);
  data->cohorts = json_object_ref (cohorts);
  data->report = json_object_ref (report);
  data->certificates = certificates != NULL ? json_object_ref (certificates) : NULL;
  return data;
}

void
trellis_dashboard_data_free (TrellisDashboardData *data)
{
  if (data == NULL)
    return;
  g_clear_pointer (&data->cohorts, json_object_unref);
  g_clear_pointer (&data->report, json_object_unref);
  g_clear_pointer (&data->certificates, json_object_unref);
  g_clear_pointer (&data->classrooms, json_object_unref);
  g_free (data);
}

/* Reading the answers: a member of another type than expected counts as
 * missing, so that an odd answer shows gaps rather than warnings. */

const char *
trellis_dashboard_json_string (JsonObject *object,
                               const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
trellis_dashboard_json_int (JsonObject *object,
                            const char *member,
                            gint64      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return fallback;
}

JsonArray *
trellis_dashboard_json_array (JsonObject *object,
                              const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Returns: (nullable): element @index of @array when it is an object */
JsonObject *
trellis_dashboard_json_element (JsonArray *array,
                                guint      index)
{
  JsonNode *node = array != NULL && index < json_array_get_length (array) ? json_array_get_element (array, index)
                                                                          : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * trellis_dashboard_text:
 * @text: a translated text of the API, such as {"en": …, "nl": …}
 *
 * Returns: (nullable): its text in @lang, else in English
 */
const char *
trellis_dashboard_text (JsonObject *text,
                        TrLang      lang)
{
  const char *found = trellis_dashboard_json_string (text, tr_lang_to_code (lang));

  if (found == NULL || *found == '\0')
    found = trellis_dashboard_json_string (text, "en");
  return found != NULL && *found != '\0' ? found : NULL;
}

/**
 * trellis_dashboard_title:
 * @kind: "course" or "path"
 *
 * Returns: the title of a course or path of @report in @lang (English when
 *   it has none in @lang), or @id when the report does not name it
 */
const char *
trellis_dashboard_title (JsonObject *report,
                         const char *kind,
                         const char *id,
                         TrLang      lang)
{
  const char *list = g_strcmp0 (kind, "path") == 0 ? "paths" : "courses";
  JsonArray *items;

  g_return_val_if_fail (id != NULL, NULL);

  items = trellis_dashboard_json_array (report, list);
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = trellis_dashboard_json_element (items, i);
      JsonNode *title;
      const char *found;

      if (item == NULL || g_strcmp0 (trellis_dashboard_json_string (item, "id"), id) != 0)
        continue;
      title = json_object_get_member (item, "title");
      if (title != NULL && JSON_NODE_HOLDS_OBJECT (title) &&
          (found = trellis_dashboard_text (json_node_get_object (title), lang)) != NULL)
        return found;
      return id;
    }
  return id;
}

/* Reports are for an institute's trainers and admins. */
gboolean
trellis_dashboard_role_may_view (const char *role)
{
  return g_strcmp0 (role, "admin") == 0 || g_strcmp0 (role, "trainer") == 0;
}

/* Certificates, and revoking them, are for its admins only. */
gboolean
trellis_dashboard_role_is_admin (const char *role)
{
  return g_strcmp0 (role, "admin") == 0;
}

/**
 * trellis_dashboard_check_date:
 * @text: what was typed
 *
 * Returns: whether @text is a real day written YYYY-MM-DD; the error's
 *   message says what is wrong, for the person who typed it
 */
gboolean
trellis_dashboard_check_date (const char  *text,
                              GError     **error)
{
  int year, month, day;

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Type a date as YYYY-MM-DD, for example 2027-01-31"));
      return FALSE;
    }
  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) || !g_ascii_isdigit (text[2]) ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[5]) || !g_ascii_isdigit (text[6]) ||
      !g_ascii_isdigit (text[8]) || !g_ascii_isdigit (text[9]))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not written as YYYY-MM-DD, for example 2027-01-31"), text);
      return FALSE;
    }
  year = (int) g_ascii_strtoll (text, NULL, 10);
  month = (int) g_ascii_strtoll (text + 5, NULL, 10);
  day = (int) g_ascii_strtoll (text + 8, NULL, 10);
  if (year < 1970 || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not a day of the calendar"), text);
      return FALSE;
    }
  return TRUE;
}

/**
 * trellis_dashboard_since:
 * @date: (nullable): the day typed, for %TRELLIS_PERIOD_SINCE_DATE
 * @now: today, in UTC as the server counts days
 *
 * Returns: (transfer full) (nullable): the report's since=, or %NULL for
 *   all time
 */
char *
trellis_dashboard_since (TrellisPeriod  period,
                         const char    *date,
                         GDateTime     *now)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) start = NULL;

  g_return_val_if_fail (now != NULL, NULL);

  utc = g_date_time_to_utc (now);
  switch (period)
    {
    case TRELLIS_PERIOD_30_DAYS:
      start = g_date_time_add_days (utc, -30);
      break;
    case TRELLIS_PERIOD_90_DAYS:
      start = g_date_time_add_days (utc, -90);
      break;
    case TRELLIS_PERIOD_THIS_YEAR:
      return g_strdup_printf ("%04d-01-01", g_date_time_get_year (utc));
    case TRELLIS_PERIOD_SINCE_DATE:
      return trellis_dashboard_check_date (date, NULL) ? g_strdup (date) : NULL;
    case TRELLIS_PERIOD_ALL:
    default:
      return NULL;
    }
  return g_date_time_format (start, "%Y-%m-%d");
}

/**
 * trellis_dashboard_query:
 * @path: such as "/reports/completion"
 * @cohort: (nullable): a cohort's name, or %NULL for all
 * @since: (nullable): YYYY-MM-DD, or %NULL for all time
 * @format: (nullable): "csv", or %NULL for JSON
 *
 * Returns: (transfer full): @path with its query, escaped
 */
char *
trellis_dashboard_query (const char *path,
                         const char *cohort,
                         const char *since,
                         const char *format)
{
  GString *query = g_string_new (path);
  char separator = '?';

  g_return_val_if_fail (path != NULL, NULL);

  if (cohort != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (cohort, NULL, FALSE);

      g_string_append_printf (query, "%ccohort=%s", separator, escaped);
      separator = '&';
    }
  if (since != NULL)
    {
      g_string_append_printf (query, "%csince=%s", separator, since);
      separator = '&';
    }
  if (format != NULL)
    g_string_append_printf (query, "%cformat=%s", separator, format);
  return g_string_free (query, FALSE);
}

/* Loading: the requests go out together; the first error wins. */

typedef enum
{
  PART_COHORTS,
  PART_REPORT,
  PART_CERTIFICATES,
  PART_CLASSROOMS,
  N_PARTS
} Part;

typedef struct
{
  JsonObject *parts[N_PARTS];
  guint       pending;
  GError     *error;
} Load;

static void
load_free (Load *load)
{
  for (guint i = 0; i < N_PARTS; i++)
    g_clear_pointer (&load->parts[i], json_object_unref);
  g_clear_error (&load->error);
  g_free (load);
}

/* One request of the load; its GTask is the shared one. */
typedef struct
{
  GTask *task;
  Part   part;
} PartRequest;

static void
part_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autofree PartRequest *request = user_data;
  g_autoptr(GTask) task = request->task;
  Load *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = trellis_sync_request_json_finish (TRELLIS_SYNC (source), result, &error);
  TrellisDashboardData *data;

  if (node == NULL)
    {
      if (load->error == NULL)
        load->error = g_steal_pointer (&error);
    }
  else if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      if (load->error == NULL)
        load->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                           _("The server’s answer was not understood; is this a Trellis server?"));
    }
  else
    load->parts[request->part] = json_node_dup_object (node);

  if (--load->pending > 0)
    return;
  if (load->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&load->error));
      return;
    }
  data = trellis_dashboard_data_new (load->parts[PART_COHORTS], load->parts[PART_REPORT],
                                     load->parts[PART_CERTIFICATES]);
  data->classrooms = g_steal_pointer (&load->parts[PART_CLASSROOMS]);
  g_task_return_pointer (task, data, (GDestroyNotify) trellis_dashboard_data_free);
}

static void
request_part (TrellisSync  *sync,
              GTask        *task,
              Part          part,
              const char   *path)
{
  PartRequest *request = g_new0 (PartRequest, 1);
  Load *load = g_task_get_task_data (task);

  request->task = g_object_ref (task);
  request->part = part;
  load->pending++;
  trellis_sync_request_json_async (sync, "GET", path, NULL, g_task_get_cancellable (task), part_reply_cb, request);
}

/**
 * trellis_dashboard_load_async:
 * @cohort: (nullable): a cohort's name, or %NULL for all
 * @since: (nullable): YYYY-MM-DD, or %NULL for all time
 * @with_certificates: whether to ask for the institute's certificates too
 *   (admins only)
 *
 * Fetches the cohorts, the completion report, the classroom sessions and,
 * if asked, the certificates, at once.
 */
void
trellis_dashboard_load_async (TrellisSync         *sync,
                              const char          *cohort,
                              const char          *since,
                              gboolean             with_certificates,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *report = NULL;
  g_autofree char *certificates = NULL;

  g_return_if_fail (TRELLIS_IS_SYNC (sync));

  task = g_task_new (sync, cancellable, callback, user_data);
  g_task_set_source_tag (task, trellis_dashboard_load_async);
  g_task_set_task_data (task, g_new0 (Load, 1), (GDestroyNotify) load_free);
  report = trellis_dashboard_query ("/reports/completion", cohort, since, NULL);
  request_part (sync, task, PART_COHORTS, "/cohorts");
  request_part (sync, task, PART_REPORT, report);
  request_part (sync, task, PART_CLASSROOMS, "/classrooms");
  if (with_certificates)
    {
      certificates = trellis_dashboard_query ("/institute/certificates", cohort, since, NULL);
      request_part (sync, task, PART_CERTIFICATES, certificates);
    }
}

/* Returns: (transfer full): what the dashboard shows */
TrellisDashboardData *
trellis_dashboard_load_finish (TrellisSync   *sync,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sync), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == trellis_dashboard_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * trellis_dashboard_fetch_csv_async:
 *
 * The completion report with these filters, as the server's CSV.
 */
void
trellis_dashboard_fetch_csv_async (TrellisSync         *sync,
                                   const char          *cohort,
                                   const char          *since,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = trellis_dashboard_query ("/reports/completion", cohort, since, "csv");

  g_return_if_fail (TRELLIS_IS_SYNC (sync));

  trellis_sync_request_text_async (sync, "GET", path, cancellable, callback, user_data);
}

/* Returns: (transfer full): the CSV text */
GBytes *
trellis_dashboard_fetch_csv_finish (TrellisSync   *sync,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return trellis_sync_request_text_finish (sync, result, error);
}

/**
 * trellis_dashboard_fetch_attendance_async:
 *
 * The attendance of a classroom session, as the server's CSV; finish with
 * trellis_dashboard_fetch_csv_finish ().
 */
void
trellis_dashboard_fetch_attendance_async (TrellisSync         *sync,
                                          const char          *classroom_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (TRELLIS_IS_SYNC (sync));
  g_return_if_fail (classroom_id != NULL);

  escaped = g_uri_escape_string (classroom_id, NULL, FALSE);
  path = g_strdup_printf ("/classrooms/%s/attendance?format=csv", escaped);
  trellis_sync_request_text_async (sync, "GET", path, cancellable, callback, user_data);
}

/**
 * trellis_dashboard_revoke_async:
 * @reason: 1 to 200 characters, kept by the server and not published
 *
 * Revokes a certificate the institute issued (admins only).
 */
void
trellis_dashboard_revoke_async (TrellisSync         *sync,
                                const char          *certificate_id,
                                const char          *reason,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (TRELLIS_IS_SYNC (sync));
  g_return_if_fail (certificate_id != NULL);
  g_return_if_fail (reason != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  escaped = g_uri_escape_string (certificate_id, NULL, FALSE);
  path = g_strdup_printf ("/certificates/%s/revoke", escaped);
  trellis_sync_request_json_async (sync, "POST", path, body, cancellable, callback, user_data);
}

/* Returns: (transfer full): the certificate's status as the server now states it */
JsonObject *
trellis_dashboard_revoke_finish (TrellisSync   *sync,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_autoptr(JsonNode) node = trellis_sync_request_json_finish (sync, result, error);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The server’s answer was not understood; is this a Trellis server?"));
      return NULL;
    }
  return json_node_dup_object (node);
}
