/* trs-api-classrooms.c: the routes of classroom sessions and their live
 * views (docs/api.md)
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"




#include "trs-api-private.h"
#include "trs-classroom-view.h"
#include "trs-join-page.h"
#include "trs-json.h"
#include "trs-verify-page.h"

/* ----------------------------------------------------------------------- */
/* Classroom sessions (docs/api.md, "Classroom sessions")                   */

/* The session @req->param as @account may see it: NOT_FOUND when it is of
 * another institute (as if it did not exist), FORBIDDEN when the account
 * may not see it or, with @need_leader, may not lead it. */
static TrsClassroom *
classroom_for (TrsStore          *store,
               const TrsAccount  *account,
               Request           *req,
               TrsViewer          need,
               GError           **error)
{
  g_autoptr(TrsClassroom) classroom = NULL;
  TrsViewer viewer;

  if (!g_uuid_string_is_valid (req->param))
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such session");
      return NULL;
    }
  classroom = trs_store_classroom_get (store, req->param, error);
  if (classroom == NULL)
    return NULL;
  if (classroom->institute_id != account->institute_id)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such session");
      return NULL;
    }
  viewer = trs_classroom_viewer (classroom, account);
  if (viewer == TRS_VIEWER_NONE || (need != TRS_VIEWER_NONE && viewer != need))
    {
      g_set_error_literal (error, TRS_API_ERROR, TRS_API_ERROR_FORBIDDEN,
                           need == TRS_VIEWER_LEADER ? "only the session's trainer may do this"
                                                     : need == TRS_VIEWER_PARTICIPANT
                                                       ? "only the session's participants may do this"
                                                       : "this account does not take part in the session");
      return NULL;
    }
  return g_steal_pointer (&classroom);
}

static gboolean
classroom_running (const TrsClassroom  *classroom,
                   GError             **error)
{
  if (classroom->ended != 0)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_CONFLICT, "the session has ended");
      return FALSE;
    }
  return TRUE;
}

/* The session's state as @account may see it, as JSON text. */
static char *
classroom_render (const TrsClassroom *classroom,
                  const TrsAccount   *account,
                  gpointer            user_data)
{
  TrsApi *api = user_data;
  TrsViewer viewer = trs_classroom_viewer (classroom, account);
  g_autoptr(JsonNode) view = NULL;
  gsize length;

  if (viewer == TRS_VIEWER_NONE)
    return NULL;
  view = trs_classroom_view (classroom, find_course (api, classroom->course_id), viewer, account->id,
                             api->public_url);
  return node_to_data (view, &length);
}

/* Answers with the session as the request's account sees it, and tells
 * the live views that it changed. */
static void
classroom_done (Request      *req,
                gpointer      value,
                const GError *error)
{
  const TrsClassroom *classroom = value;
  guint status = g_str_equal (req->route->pattern, "/api/v1/classrooms") ? SOUP_STATUS_CREATED : SOUP_STATUS_OK;
  char *text;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  if (g_str_equal (req->route->method, "POST"))
    trs_classroom_hub_changed (req->api->hub, classroom->id);
  text = classroom_render (classroom, req->account, req->api);
  if (text == NULL)
    {
      request_reply_error (req, SOUP_STATUS_FORBIDDEN, "forbidden", "this account does not take part in the session");
      return;
    }
  request_reply_take (req, status, "application/json", text, strlen (text));
}

static gpointer
classroom_create_job (TrsStore          *store,
                      const TrsAccount  *account,
                      Request           *req,
                      GError           **error)
{
  return trs_store_classroom_create (store, account, tr_course_get_id (req->course), error);
}

void
handle_classroom_create (Request *req)
{
  g_autoptr(GError) error = NULL;
  const char *course_id;

  if (!request_parse_body (req))
    return;
  course_id = member_string (json_node_get_object (req->body), "course", 1, MAX_ID_BYTES, &error);
  if (course_id == NULL)
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "%s", error->message);
      return;
    }
  req->course = find_course (req->api, course_id);
  if (req->course == NULL)
    {
      request_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "no such course");
      return;
    }
  request_run (req, TRS_JOB_WRITE, classroom_create_job, (GDestroyNotify) trs_classroom_free, classroom_done);
}

static gpointer
classroom_join_job (TrsStore          *store,
                    const TrsAccount  *account,
                    Request           *req,
                    GError           **error)
{
  return trs_store_classroom_join (store, account, req->code, error);
}

void
handle_classroom_join (Request *req)
{
  g_autoptr(GError) error = NULL;
  const char *code;

  if (!request_parse_body (req))
    return;
  code = member_string (json_node_get_object (req->body), "code", 1, 32, &error);
  if (code == NULL)
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "%s", error->message);
      return;
    }
  req->code = g_strdup (code);
  request_run (req, TRS_JOB_WRITE, classroom_join_job, (GDestroyNotify) trs_classroom_free, classroom_done);
}

static gpointer
classroom_get_job (TrsStore          *store,
                   const TrsAccount  *account,
                   Request           *req,
                   GError           **error)
{
  return classroom_for (store, account, req, TRS_VIEWER_NONE, error);
}

void
handle_classroom_get (Request *req)
{
  request_read_now (req, classroom_get_job, (GDestroyNotify) trs_classroom_free, classroom_done);
}

/* The sessions a trainer leads (an admin: all of the institute's), so that
 * a trainer whose window closed comes back to a running session, or fetches
 * the attendance of an ended one. */
#define MAX_LISTED_CLASSROOMS 100

static gpointer
classroom_list_job (TrsStore          *store,
                    const TrsAccount  *account,
                    Request           *req,
                    GError           **error)
{
  return trs_store_classroom_list (store, account, MAX_LISTED_CLASSROOMS, error);
}

static void
classroom_list_done (Request      *req,
                     gpointer      value,
                     const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *classrooms = value;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "classrooms");
  json_builder_begin_array (builder);
  for (guint i = 0; i < classrooms->len; i++)
    {
      const TrsClassroom *classroom = g_ptr_array_index (classrooms, i);

      json_builder_begin_object (builder);
      trs_json_add_string_or_null (builder, "id", classroom->id);
      trs_json_add_string_or_null (builder, "code", classroom->code);
      trs_json_add_string_or_null (builder, "course", classroom->course_id);
      trs_json_add_string_or_null (builder, "trainer", classroom->trainer_name);
      json_builder_set_member_name (builder, "mine");
      json_builder_add_boolean_value (builder, classroom->trainer_id == req->account->id);
      trs_json_add_time_or_null (builder, "started", classroom->started);
      trs_json_add_time_or_null (builder, "ended", classroom->ended);
      json_builder_set_member_name (builder, "participants");
      json_builder_add_int_value (builder, classroom->n_participants);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

void
handle_classroom_list (Request *req)
{
  request_read_now (req, classroom_list_job, (GDestroyNotify) g_ptr_array_unref, classroom_list_done);
}

/* Appends the step {"node": NODE, "choice": CHOICE} to the JSON array @path. */
static char *
path_append (const char *path,
             const char *node,
             const char *choice)
{
  g_autoptr(JsonNode) root = json_from_string (path, NULL);
  g_autoptr(JsonObject) step = json_object_new ();
  gsize length;

  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    root = json_node_init_array (json_node_alloc (), json_array_new ());
  json_object_set_string_member (step, "node", node);
  json_object_set_string_member (step, "choice", choice);
  json_array_add_object_element (json_node_get_array (root), g_steal_pointer (&step));
  return node_to_data (root, &length);
}

static const TrChoice *
find_choice (GPtrArray  *choices,
             const char *id)
{
  for (guint i = 0; choices != NULL && i < choices->len; i++)
    {
      const TrChoice *choice = g_ptr_array_index (choices, i);

      if (g_str_equal (choice->id, id))
        return choice;
    }
  return NULL;
}

/* {"scenario": S}: the group starts scenario S at its first decision
 * point. {"choice": C}: the group moves on along C. */
static gpointer
classroom_step_job (TrsStore          *store,
                    const TrsAccount  *account,
                    Request           *req,
                    GError           **error)
{
  g_autoptr(TrsClassroom) classroom = classroom_for (store, account, req, TRS_VIEWER_LEADER, error);
  TrCourse *course;
  g_autoptr(TrScenarioRun) run = NULL;
  g_autoptr(GPtrArray) choices = NULL;
  g_autofree char *path = NULL;
  const char *scenario;

  if (classroom == NULL || !classroom_running (classroom, error))
    return NULL;
  course = find_course (req->api, classroom->course_id);
  if (req->name != NULL)
    {
      scenario = req->name;
      path = g_strdup ("[]");
    }
  else
    {
      if (classroom->step_scenario == NULL)
        {
          g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_CONFLICT,
                               "no scenario is shown: start one with \"scenario\" first");
          return NULL;
        }
      scenario = classroom->step_scenario;
      path = g_strdup (classroom->path);
    }
  run = trs_classroom_replay (course, scenario, path, error);
  if (run == NULL)
    return NULL;
  if (req->reason != NULL)
    {
      const TrScenarioNode *node = tr_scenario_run_get_node (run);
      g_autofree char *longer = NULL;

      choices = tr_scenario_run_get_choices (run);
      if (tr_scenario_run_is_finished (run) || find_choice (choices, req->reason) == NULL)
        {
          g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID,
                       "the current step has no choice \"%s\"", req->reason);
          return NULL;
        }
      longer = path_append (path, node->id, req->reason);
      g_free (path);
      path = g_steal_pointer (&longer);
      tr_scenario_run_choose (run, req->reason);
    }
  if (!trs_store_classroom_set_step (store, classroom->id, scenario, tr_scenario_run_get_node (run)->id, path,
                                     error))
    return NULL;
  return trs_store_classroom_get (store, classroom->id, error);
}

void
handle_classroom_step (Request *req)
{
  JsonObject *body;
  g_autoptr(GError) error = NULL;
  const char *scenario = NULL, *choice = NULL;

  if (!request_parse_body (req))
    return;
  body = json_node_get_object (req->body);
  if (json_object_has_member (body, "scenario") == json_object_has_member (body, "choice"))
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           "give either \"scenario\" or \"choice\"");
      return;
    }
  if (json_object_has_member (body, "scenario"))
    scenario = member_string (body, "scenario", 1, MAX_ID_BYTES, &error);
  else
    choice = member_string (body, "choice", 1, MAX_ID_BYTES, &error);
  if (scenario == NULL && choice == NULL)
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "%s", error->message);
      return;
    }
  /* The request's spare strings carry them to the job. */
  req->name = g_strdup (scenario);
  req->reason = g_strdup (choice);
  request_run (req, TRS_JOB_WRITE, classroom_step_job, (GDestroyNotify) trs_classroom_free, classroom_done);
}

static gpointer
classroom_reveal_job (TrsStore          *store,
                      const TrsAccount  *account,
                      Request           *req,
                      GError           **error)
{
  g_autoptr(TrsClassroom) classroom = classroom_for (store, account, req, TRS_VIEWER_LEADER, error);

  if (classroom == NULL || !classroom_running (classroom, error) ||
      !trs_store_classroom_set_revealed (store, classroom->id, req->after != 0, error))
    return NULL;
  return trs_store_classroom_get (store, classroom->id, error);
}

void
handle_classroom_reveal (Request *req)
{
  JsonNode *revealed;

  if (!request_parse_body (req))
    return;
  revealed = json_object_get_member (json_node_get_object (req->body), "revealed");
  if (revealed == NULL || !JSON_NODE_HOLDS_VALUE (revealed) ||
      json_node_get_value_type (revealed) != G_TYPE_BOOLEAN)
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "\"revealed\" must be true or false");
      return;
    }
  req->after = json_node_get_boolean (revealed) ? 1 : 0;
  request_run (req, TRS_JOB_WRITE, classroom_reveal_job, (GDestroyNotify) trs_classroom_free, classroom_done);
}

static gpointer
classroom_vote_job (TrsStore          *store,
                    const TrsAccount  *account,
                    Request           *req,
                    GError           **error)
{
  g_autoptr(TrsClassroom) classroom = classroom_for (store, account, req, TRS_VIEWER_PARTICIPANT, error);
  g_autoptr(TrScenarioRun) run = NULL;
  g_autoptr(GPtrArray) choices = NULL;

  if (classroom == NULL || !classroom_running (classroom, error))
    return NULL;
  if (classroom->step_scenario == NULL || g_strcmp0 (classroom->step_node, req->name) != 0)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_CONFLICT,
                           "this is not the step the group is at");
      return NULL;
    }
  run = trs_classroom_replay (find_course (req->api, classroom->course_id), classroom->step_scenario,
                              classroom->path, NULL);
  choices = run != NULL ? tr_scenario_run_get_choices (run) : NULL;
  if (find_choice (choices, req->reason) == NULL)
    {
      g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID, "the step has no choice \"%s\"", req->reason);
      return NULL;
    }
  if (!trs_store_classroom_vote (store, classroom->id, classroom->step, account->id, req->reason, error))
    return NULL;
  return trs_store_classroom_get (store, classroom->id, error);
}

void
handle_classroom_vote (Request *req)
{
  g_autoptr(GError) error = NULL;
  JsonObject *body;
  const char *node, *choice = NULL;

  if (!request_parse_body (req))
    return;
  body = json_node_get_object (req->body);
  node = member_string (body, "node", 1, MAX_ID_BYTES, &error);
  if (node != NULL)
    choice = member_string (body, "choice", 1, MAX_ID_BYTES, &error);
  if (choice == NULL)
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "%s", error->message);
      return;
    }
  req->name = g_strdup (node);
  req->reason = g_strdup (choice);
  request_run (req, TRS_JOB_WRITE, classroom_vote_job, (GDestroyNotify) trs_classroom_free, classroom_done);
}

static gpointer
classroom_presence_job (TrsStore          *store,
                        const TrsAccount  *account,
                        Request           *req,
                        GError           **error)
{
  g_autoptr(TrsClassroom) classroom = classroom_for (store, account, req, TRS_VIEWER_PARTICIPANT, error);

  if (classroom == NULL ||
      !trs_store_classroom_presence (store, classroom->id, account->id, (guint) req->limit, req->after, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static void
classroom_presence_done (Request      *req,
                         gpointer      value,
                         const GError *error)
{
  if (error == NULL)
    trs_classroom_hub_changed (req->api->hub, req->param);
  reply_no_content (req, value, error);
}

/* A whole number member of @body from @min to @max, or FALSE (answered). */
static gboolean
body_int (Request     *req,
          JsonObject  *body,
          const char  *name,
          gint64       min,
          gint64       max,
          gint64      *out)
{
  JsonNode *node = json_object_get_member (body, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < min || json_node_get_int (node) > max)
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           "\"%s\" must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                           name, min, max);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

void
handle_classroom_presence (Request *req)
{
  JsonObject *body;
  gint64 pending;

  if (!request_parse_body (req))
    return;
  body = json_node_get_object (req->body);
  if (!body_int (req, body, "pending", 0, G_MAXINT32, &pending) ||
      !body_int (req, body, "last_sync", 0, G_GINT64_CONSTANT (1) << 50, &req->after))
    return;
  req->limit = (guint) pending;
  request_run (req, TRS_JOB_WRITE, classroom_presence_job, NULL, classroom_presence_done);
}

static gpointer
classroom_end_job (TrsStore          *store,
                   const TrsAccount  *account,
                   Request           *req,
                   GError           **error)
{
  g_autoptr(TrsClassroom) classroom = classroom_for (store, account, req, TRS_VIEWER_LEADER, error);

  if (classroom == NULL || !trs_store_classroom_end (store, classroom->id, error))
    return NULL;
  return trs_store_classroom_get (store, classroom->id, error);
}

void
handle_classroom_end (Request *req)
{
  request_run (req, TRS_JOB_WRITE, classroom_end_job, (GDestroyNotify) trs_classroom_free, classroom_done);
}

static gpointer
classroom_attendance_job (TrsStore          *store,
                          const TrsAccount  *account,
                          Request           *req,
                          GError           **error)
{
  g_autoptr(TrsClassroom) classroom = classroom_for (store, account, req, TRS_VIEWER_LEADER, error);

  if (classroom == NULL || !trs_store_classroom_attendance (store, classroom, error))
    return NULL;
  return g_steal_pointer (&classroom);
}

static void
classroom_attendance_done (Request      *req,
                           gpointer      value,
                           const GError *error)
{
  char *csv;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  if (req->after == 0)
    {
      request_reply_node (req, SOUP_STATUS_OK, trs_classroom_attendance_json (value));
      return;
    }
  csv = trs_classroom_attendance_csv (value);
  request_set_header (req, "Content-Disposition", "attachment; filename=\"attendance.csv\"");
  request_reply_take (req, SOUP_STATUS_OK, "text/csv; charset=utf-8", csv, strlen (csv));
}

/* ?format=json (the default) or csv: FALSE (answered) for anything else. */
gboolean
query_format (Request  *req,
              gboolean *csv)
{
  const char *format = req->query != NULL ? g_hash_table_lookup (req->query, "format") : NULL;

  if (format == NULL || g_str_equal (format, "json"))
    *csv = FALSE;
  else if (g_str_equal (format, "csv"))
    *csv = TRUE;
  else
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "\"format\" must be json or csv");
      return FALSE;
    }
  return TRUE;
}

void
handle_classroom_attendance (Request *req)
{
  gboolean csv;

  if (!query_format (req, &csv))
    return;
  req->after = csv ? 1 : 0;
  request_run (req, TRS_JOB_READ, classroom_attendance_job, (GDestroyNotify) trs_classroom_free,
               classroom_attendance_done);
}

/* GET /api/v1/classrooms/{id}/live: the token and the right to watch are
 * checked before the upgrade, so a refused client gets an HTTP error, not
 * a socket that closes at once. */
typedef struct
{
  TrsApi       *api;
  TrsClassroom *classroom;
  TrsAccount    viewer;
} Upgrade;

static void
upgrade_free (gpointer data)
{
  Upgrade *upgrade = data;

  trs_classroom_free (upgrade->classroom);
  g_free (upgrade->viewer.role);
  g_free (upgrade);
}

static void
upgrade_wrote_cb (SoupServerMessage *msg,
                  gpointer           user_data)
{
  Upgrade *upgrade = user_data;
  g_autoptr(GIOStream) stream = NULL;
  g_autofree char *first = NULL;

  if (soup_server_message_get_status (msg) != SOUP_STATUS_SWITCHING_PROTOCOLS)
    return;
  stream = soup_server_message_steal_connection (msg);
  first = classroom_render (upgrade->classroom, &upgrade->viewer, upgrade->api);
  if (first == NULL)
    {
      g_io_stream_close (stream, NULL, NULL);
      return;
    }
  trs_classroom_hub_adopt (upgrade->api->hub, g_steal_pointer (&upgrade->classroom), &upgrade->viewer, stream,
                           soup_server_message_get_uri (msg), first);
}

static void
classroom_live_done (Request      *req,
                     gpointer      value,
                     const GError *error)
{
  Upgrade *upgrade;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  if (req->finished)
    {
      request_free (req);
      return;
    }
  if (!soup_websocket_server_check_handshake (req->msg, NULL, NULL, NULL, NULL))
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           "this route takes a WebSocket handshake (GET with \"Upgrade: websocket\")");
      return;
    }
  upgrade = g_new0 (Upgrade, 1);
  upgrade->api = req->api;
  upgrade->classroom = g_steal_pointer (&req->value);
  req->value_destroy = NULL;
  upgrade->viewer.id = req->account->id;
  upgrade->viewer.institute_id = req->account->institute_id;
  upgrade->viewer.role = g_strdup (req->account->role);
  /* Sets 101 and the handshake's headers. */
  if (soup_websocket_server_process_handshake (req->msg, NULL, NULL, NULL, NULL))
    g_signal_connect_data (req->msg, "wrote-informational", G_CALLBACK (upgrade_wrote_cb), upgrade,
                           (GClosureNotify) (void (*) (void)) upgrade_free, 0);
  else
    upgrade_free (upgrade);
  if (req->paused)
    soup_server_message_unpause (req->msg);
  request_free (req);
}

void
handle_classroom_live (Request *req)
{
  request_read_now (req, classroom_get_job, (GDestroyNotify) trs_classroom_free, classroom_live_done);
}

/* The live views' owner: reads the session again, then sends it. */
typedef struct
{
  TrsApi *api;
  char   *id;
} Refresh;

static gpointer
refresh_job (TrsStore  *store,
             gpointer   data,
             GError   **error)
{
  Refresh *refresh = data;

  return trs_store_classroom_get (store, refresh->id, error);
}

static void
refresh_free (gpointer data)
{
  Refresh *refresh = data;

  g_free (refresh->id);
  g_free (refresh);
}

static void
refresh_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TrsApi *api = user_data;
  TrsClassroom *classroom = trs_store_run_finish (api->store, result, NULL);

  if (classroom != NULL)
    trs_classroom_hub_publish (api->hub, classroom, classroom_render, api);
}

void
hub_refresh_cb (const char *classroom_id,
                gpointer    user_data)
{
  TrsApi *api = user_data;
  Refresh *refresh = g_new0 (Refresh, 1);

  refresh->api = api;
  refresh->id = g_strdup (classroom_id);
  trs_store_run_async (api->store, TRS_JOB_READ, refresh_job, refresh, refresh_free,
                       (GDestroyNotify) trs_classroom_free, NULL, refresh_done_cb, api);
}

/* GET /join/{code}: what a phone that scanned the session's QR code shows. */
void
handle_join_page (Request *req)
{
  const char *accept = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                                     "Accept-Language");
  char *page = trs_join_page_render (req->param, trs_accept_language (accept));

  request_reply_take (req, SOUP_STATUS_OK, "text/html; charset=utf-8", page, strlen (page));
}

