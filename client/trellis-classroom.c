/* trellis-classroom.c
 *
 * The session object of docs/api.md ("Classroom sessions") is the whole
 * state: the views only show the latest one. It comes over the session's
 * WebSocket; while the socket cannot connect, or after it closed
 * unexpectedly, a GET every few seconds stands in for it and the socket is
 * tried again with backoff.
 *
 * A participant's device also records the group's way through a scenario
 * as the learner's own progress, as if they had played it: a "chose" event
 * for each step of the path and a "completed" one at the ending, each
 * once, remembered in the store's meta so that rejoining records nothing
 * twice.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-classroom"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "tr-scenario-run.h"
#include "trellis-classroom.h"

#define POLL_S          3
#define PRESENCE_S      10
#define BACKOFF_MIN_S   2
#define BACKOFF_MAX_S   60
#define KEEPALIVE_S     10
#define HTTP_TIMEOUT_S  30
#define CODE_ALPHABET   "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

/* What this device recorded of the group's way through a scenario:
 * "ID\nSCENARIO\nENDED\nNODE\tCHOICE\n…" */
#define META_RECORDED   "classroom.recorded"

struct _TrellisClassroom
{
  GObject                  parent_instance;

  TrellisSync             *sync;
  TrellisProgressStore    *store;
  TrellisCourseLibrary    *library;
  SoupSession             *http;
  GCancellable            *cancellable;   /* of the live updates; cancelled on leaving */

  JsonObject              *session;
  TrCourse                *course;

  SoupWebsocketConnection *socket;
  guint                    websocket_enabled : 1;
  guint                    connecting : 1;
  guint                    polling : 1;
  guint                    live_started : 1;
  guint                    left : 1;
  guint                    resumed : 1;
  guint                    poll_id;
  guint                    reconnect_id;
  guint                    presence_id;
  guint                    backoff_s;
  gulong                   synced_handler;

  char                    *run_scenario;
  GPtrArray               *run_path;      /* char* "NODE\tCHOICE", recorded */
  gboolean                 run_ended;
};

G_DEFINE_FINAL_TYPE (TrellisClassroom, trellis_classroom, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_LIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REQUEST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_polling  (TrellisClassroom *self);
static void connect_socket (TrellisClassroom *self);

TrellisClassroom *
trellis_classroom_new (TrellisSync          *sync,
                       TrellisProgressStore *store,
                       TrellisCourseLibrary *library)
{
  TrellisClassroom *self;

  g_return_val_if_fail (TRELLIS_IS_SYNC (sync), NULL);
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);
  g_return_val_if_fail (library == NULL || TRELLIS_IS_COURSE_LIBRARY (library), NULL);

  self = g_object_new (TRELLIS_TYPE_CLASSROOM, NULL);
  self->sync = g_object_ref (sync);
  self->store = g_object_ref (store);
  self->library = library != NULL ? g_object_ref (library) : NULL;
  return self;
}

/* Accessors. */

/* Returns: (transfer none) (nullable): the latest session object */
JsonObject *
trellis_classroom_get_session (TrellisClassroom *self)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (self), NULL);
  return self->session;
}

const char *
trellis_classroom_get_id (TrellisClassroom *self)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (self), NULL);
  return self->session != NULL ? json_object_get_string_member_with_default (self->session, "id", NULL) : NULL;
}

gboolean
trellis_classroom_is_trainer (TrellisClassroom *self)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (self), FALSE);
  return self->session != NULL &&
         g_strcmp0 (json_object_get_string_member_with_default (self->session, "role", NULL), "trainer") == 0;
}

gboolean
trellis_classroom_is_ended (TrellisClassroom *self)
{
  JsonNode *ended;

  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (self), FALSE);
  if (self->session == NULL)
    return FALSE;
  ended = json_object_get_member (self->session, "ended");
  return ended != NULL && !JSON_NODE_HOLDS_NULL (ended);
}

gboolean
trellis_classroom_get_live (TrellisClassroom *self)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (self), FALSE);
  return self->socket != NULL;
}

/* Returns: (transfer none) (nullable): the session's course on this device */
TrCourse *
trellis_classroom_get_course (TrellisClassroom *self)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (self), NULL);
  return self->course;
}

TrellisSync *
trellis_classroom_get_sync (TrellisClassroom *self)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (self), NULL);
  return self->sync;
}

/* For tests, and for networks that let no WebSocket through: polling only. */
void
trellis_classroom_set_websocket_enabled (TrellisClassroom *self,
                                         gboolean          enabled)
{
  g_return_if_fail (TRELLIS_IS_CLASSROOM (self));
  self->websocket_enabled = !!enabled;
}

/* Joining ignores case, spaces and dashes; the server does the same. */
char *
trellis_classroom_normalise_code (const char *code)
{
  GString *normal = g_string_new (NULL);

  for (const char *c = code != NULL ? code : ""; *c != '\0'; c++)
    if (!g_ascii_isspace (*c) && *c != '-')
      g_string_append_c (normal, g_ascii_toupper (*c));
  return g_string_free (normal, FALSE);
}

/* Returns: (transfer none) (nullable): the session's "step", when a
 * decision point is shown */
JsonObject *
trellis_classroom_session_get_step (JsonObject *session)
{
  JsonNode *step = session != NULL ? json_object_get_member (session, "step") : NULL;

  return step != NULL && JSON_NODE_HOLDS_OBJECT (step) ? json_node_get_object (step) : NULL;
}

const TrChoice *
trellis_classroom_find_choice (const TrScenarioNode *node,
                               const char           *choice_id)
{
  for (guint i = 0; node != NULL && i < node->choices->len; i++)
    {
      const TrChoice *choice = g_ptr_array_index (node->choices, i);

      if (g_strcmp0 (choice->id, choice_id) == 0)
        return choice;
    }
  return NULL;
}

static TrCourse *
find_course (TrellisClassroom *self,
             const char       *course_id)
{
  GListModel *courses;

  if (self->library == NULL || course_id == NULL)
    return NULL;
  courses = trellis_course_library_get_courses (self->library);
  for (guint i = 0; i < g_list_model_get_n_items (courses); i++)
    {
      g_autoptr(TrCourse) course = g_list_model_get_item (courses, i);

      if (g_strcmp0 (tr_course_get_id (course), course_id) == 0)
        return g_steal_pointer (&course);
    }
  return NULL;
}

/* Recording the group's way as the learner's progress. */

static void
save_recorded (TrellisClassroom *self)
{
  g_autoptr(GString) value = g_string_new (NULL);

  g_string_append_printf (value, "%s\n%s\n%d\n", trellis_classroom_get_id (self), self->run_scenario,
                          self->run_ended ? 1 : 0);
  for (guint i = 0; i < self->run_path->len; i++)
    g_string_append_printf (value, "%s\n", (const char *) g_ptr_array_index (self->run_path, i));
  trellis_progress_store_set_meta (self->store, META_RECORDED, value->str);
}

static void
load_recorded (TrellisClassroom *self)
{
  g_autofree char *value = NULL;
  g_auto(GStrv) lines = NULL;

  if (self->run_scenario != NULL || !trellis_progress_store_is_open (self->store))
    return;
  value = trellis_progress_store_get_meta (self->store, META_RECORDED);
  if (value == NULL)
    return;
  lines = g_strsplit (value, "\n", -1);
  if (g_strv_length (lines) < 3 || g_strcmp0 (lines[0], trellis_classroom_get_id (self)) != 0)
    return;
  self->run_scenario = g_strdup (lines[1]);
  self->run_ended = g_strcmp0 (lines[2], "1") == 0;
  for (guint i = 3; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_ptr_array_add (self->run_path, g_strdup (lines[i]));
}

static void
record_chose (TrellisClassroom     *self,
              const char           *scenario_id,
              const TrScenarioNode *node,
              const TrChoice       *choice)
{
  g_autofree char *object = g_strconcat ("scenario/", scenario_id, "/node/", node->id, NULL);
  g_autoptr(JsonObject) result = json_object_new ();

  json_object_set_string_member (result, "choice", choice->id);
  json_object_set_int_member (result, "weight", choice->weight);
  json_object_set_string_member (result, "classroom", trellis_classroom_get_id (self));
  trellis_progress_store_record (self->store, self->course, TR_VERB_CHOSE, object, result);
}

/* As trellis-scenario-page.c records an ending. */
static void
record_completed (TrellisClassroom     *self,
                  const char           *scenario_id,
                  const TrScenarioNode *ending,
                  TrScenarioRun        *run)
{
  static const char * const verdicts[] = { "good", "mixed", "poor" };
  g_autofree char *object = g_strconcat ("scenario/", scenario_id, NULL);
  g_autoptr(JsonObject) result = json_object_new ();

  g_assert (ending->verdict < G_N_ELEMENTS (verdicts));
  json_object_set_string_member (result, "ending", ending->id);
  json_object_set_string_member (result, "verdict", verdicts[ending->verdict]);
  json_object_set_int_member (result, "score", tr_scenario_run_get_score (run));
  json_object_set_string_member (result, "classroom", trellis_classroom_get_id (self));
  trellis_progress_store_record (self->store, self->course, TR_VERB_COMPLETED, object, result);
}

static void
record_group_progress (TrellisClassroom *self)
{
  JsonObject *step = trellis_classroom_session_get_step (self->session);
  JsonArray *path;
  const char *scenario_id, *node_id;
  const TrScenario *scenario;
  const TrScenarioNode *node;
  g_autoptr(TrScenarioRun) run = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  gboolean changed = FALSE, extends = TRUE;

  if (step == NULL || self->course == NULL || !trellis_progress_store_is_open (self->store))
    return;
  scenario_id = json_object_get_string_member_with_default (step, "scenario", NULL);
  node_id = json_object_get_string_member_with_default (step, "node", NULL);
  path = json_object_get_member (step, "path") != NULL && JSON_NODE_HOLDS_ARRAY (json_object_get_member (step, "path"))
         ? json_object_get_array_member (step, "path") : NULL;
  if (scenario_id == NULL || (scenario = tr_course_find_scenario (self->course, scenario_id)) == NULL)
    return;

  for (guint i = 0; path != NULL && i < json_array_get_length (path); i++)
    {
      JsonObject *element = json_array_get_object_element (path, i);

      if (element == NULL)
        return;
      g_ptr_array_add (keys, g_strdup_printf ("%s\t%s",
                                              json_object_get_string_member_with_default (element, "node", ""),
                                              json_object_get_string_member_with_default (element, "choice", "")));
    }

  /* A new run: another scenario, or the way no longer goes on from what
   * was recorded (the trainer started the scenario again). */
  load_recorded (self);
  for (guint i = 0; i < MIN (keys->len, self->run_path->len); i++)
    extends = extends && g_strcmp0 (g_ptr_array_index (keys, i), g_ptr_array_index (self->run_path, i)) == 0;
  if (g_strcmp0 (self->run_scenario, scenario_id) != 0 || keys->len < self->run_path->len || !extends)
    {
      g_free (self->run_scenario);
      self->run_scenario = g_strdup (scenario_id);
      g_ptr_array_set_size (self->run_path, 0);
      self->run_ended = FALSE;
      changed = TRUE;
    }

  run = tr_scenario_run_new (scenario);
  for (guint i = 0; i < keys->len; i++)
    {
      JsonObject *element = json_array_get_object_element (path, i);
      const char *step_node = json_object_get_string_member_with_default (element, "node", NULL);
      const char *step_choice = json_object_get_string_member_with_default (element, "choice", NULL);

      if (!tr_scenario_run_follow (run, step_node, step_choice))
        {
          g_debug ("The group's choice %s at %s is not in this device's course", step_choice, step_node);
          break;
        }
      if (i < self->run_path->len)
        continue;
      record_chose (self, scenario_id,
                    tr_scenario_run_get_step_node (run, tr_scenario_run_get_n_steps (run) - 1),
                    tr_scenario_run_get_step_choice (run, tr_scenario_run_get_n_steps (run) - 1));
      g_ptr_array_add (self->run_path, g_strdup (g_ptr_array_index (keys, i)));
      changed = TRUE;
    }

  node = node_id != NULL ? tr_scenario_get_node (scenario, node_id) : NULL;
  if (node != NULL && node->is_ending && !self->run_ended && keys->len > 0)
    {
      record_completed (self, scenario_id, node, run);
      self->run_ended = TRUE;
      changed = TRUE;
    }
  if (changed)
    save_recorded (self);
}

/* The session object. */

static void
stop_live (TrellisClassroom *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_handle_id (&self->presence_id, g_source_remove);
  g_clear_signal_handler (&self->synced_handler, self->sync);
  self->polling = FALSE;
  if (self->socket != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->socket, self);
      if (soup_websocket_connection_get_state (self->socket) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->socket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->socket);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);
    }
}

/**
 * trellis_classroom_set_session:
 * @session: a session object of the API
 *
 * Takes @session as the latest state, as if the server had sent it: the
 * views show it, and a participant's device records the group's progress.
 */
void
trellis_classroom_set_session (TrellisClassroom *self,
                               JsonObject       *session)
{
  const char *course_id;

  g_return_if_fail (TRELLIS_IS_CLASSROOM (self));
  g_return_if_fail (session != NULL);

  if (self->session != NULL && json_object_equal (self->session, session))
    return;
  /* Another session's object, late, after leaving it. */
  if (self->session != NULL && g_strcmp0 (trellis_classroom_get_id (self),
                                          json_object_get_string_member_with_default (session, "id", NULL)) != 0 &&
      self->live_started)
    return;

  g_clear_pointer (&self->session, json_object_unref);
  self->session = json_object_ref (session);
  course_id = json_object_get_string_member_with_default (session, "course", NULL);
  if (self->course == NULL || g_strcmp0 (tr_course_get_id (self->course), course_id) != 0)
    {
      g_clear_object (&self->course);
      self->course = find_course (self, course_id);
    }
  if (!trellis_classroom_is_trainer (self))
    record_group_progress (self);
  if (trellis_classroom_is_ended (self))
    stop_live (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static gboolean
is_session_object (JsonNode *node)
{
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  return object != NULL && json_object_has_member (object, "id") && json_object_has_member (object, "code");
}

/* Polling, while there is no WebSocket. */

static void
poll_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = trellis_sync_request_json_finish (TRELLIS_SYNC (source), result, &error);
  TrellisClassroom *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  self->polling = FALSE;
  if (node == NULL)
    g_debug ("Polling the session failed: %s", error->message);
  else if (is_session_object (node))
    trellis_classroom_set_session (self, json_node_get_object (node));
}

static void
poll_once (TrellisClassroom *self)
{
  g_autofree char *path = NULL;

  if (self->polling || trellis_classroom_get_id (self) == NULL)
    return;
  self->polling = TRUE;
  path = g_strdup_printf ("/classrooms/%s", trellis_classroom_get_id (self));
  trellis_sync_request_json_async (self->sync, "GET", path, NULL, self->cancellable, poll_reply_cb, self);
}

static gboolean
poll_cb (gpointer user_data)
{
  poll_once (user_data);
  return G_SOURCE_CONTINUE;
}

static void
start_polling (TrellisClassroom *self)
{
  if (self->poll_id != 0 || self->left || trellis_classroom_is_ended (self))
    return;
  poll_once (self);
  self->poll_id = g_timeout_add_seconds (POLL_S, poll_cb, self);
}

/* The WebSocket. */

static gboolean
reconnect_cb (gpointer user_data)
{
  TrellisClassroom *self = user_data;

  self->reconnect_id = 0;
  connect_socket (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (TrellisClassroom *self)
{
  if (!self->websocket_enabled || self->reconnect_id != 0 || self->left || trellis_classroom_is_ended (self))
    return;
  self->backoff_s = self->backoff_s == 0 ? BACKOFF_MIN_S : MIN (self->backoff_s * 2, BACKOFF_MAX_S);
  self->reconnect_id = g_timeout_add_seconds (self->backoff_s, reconnect_cb, self);
}

static void
socket_message_cb (TrellisClassroom        *self,
                   int                      type,
                   GBytes                  *message,
                   SoupWebsocketConnection *socket)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  if (type != SOUP_WEBSOCKET_DATA_TEXT || !json_parser_load_from_data (parser, data, size, NULL))
    {
      g_debug ("Ignoring a message that is not a session object");
      return;
    }
  if (is_session_object (json_parser_get_root (parser)))
    trellis_classroom_set_session (self, json_node_get_object (json_parser_get_root (parser)));
}

static void
socket_closed_cb (TrellisClassroom        *self,
                  SoupWebsocketConnection *socket)
{
  g_debug ("The session's WebSocket closed (%u)", soup_websocket_connection_get_close_code (socket));
  g_signal_handlers_disconnect_by_data (socket, self);
  g_clear_object (&self->socket);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);
  /* The server closes after it sent the ended session; anything else is
   * unexpected, and polling keeps the view current meanwhile. */
  if (!trellis_classroom_is_ended (self) && !self->left)
    {
      start_polling (self);
      schedule_reconnect (self);
    }
}

static void
socket_error_cb (TrellisClassroom        *self,
                 GError                  *error,
                 SoupWebsocketConnection *socket)
{
  g_debug ("The session's WebSocket: %s", error->message);
}

static void
socket_connected_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) socket = soup_session_websocket_connect_finish (SOUP_SESSION (source),
                                                                                      result, &error);
  TrellisClassroom *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  self->connecting = FALSE;
  if (socket == NULL)
    {
      g_debug ("No WebSocket for the session: %s", error->message);
      start_polling (self);
      schedule_reconnect (self);
      return;
    }
  if (self->left || trellis_classroom_is_ended (self))
    {
      soup_websocket_connection_close (socket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      return;
    }

  self->socket = g_steal_pointer (&socket);
  self->backoff_s = 0;
  soup_websocket_connection_set_keepalive_interval (self->socket, KEEPALIVE_S);
  g_signal_connect_swapped (self->socket, "message", G_CALLBACK (socket_message_cb), self);
  g_signal_connect_swapped (self->socket, "closed", G_CALLBACK (socket_closed_cb), self);
  g_signal_connect_swapped (self->socket, "error", G_CALLBACK (socket_error_cb), self);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);
}

static void
connect_socket (TrellisClassroom *self)
{
  g_autofree char *path = NULL;
  g_autoptr(SoupMessage) message = NULL;

  if (self->socket != NULL || self->connecting || self->left || trellis_classroom_is_ended (self))
    return;
  path = g_strdup_printf ("/classrooms/%s/live", trellis_classroom_get_id (self));
  message = trellis_sync_new_message (self->sync, "GET", path);
  if (message == NULL)
    {
      start_polling (self);
      return;
    }
  self->connecting = TRUE;
  soup_session_websocket_connect_async (self->http, message, NULL, NULL, G_PRIORITY_DEFAULT, self->cancellable,
                                        socket_connected_cb, self);
}

/* Presence: how far this device's progress got to the server. */

static void
presence_reply_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = trellis_sync_request_json_finish (TRELLIS_SYNC (source), result, &error);

  if (node == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Presence not reported: %s", error->message);
}

static void
send_presence (TrellisClassroom *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  if (self->left || trellis_classroom_is_ended (self) || trellis_classroom_get_id (self) == NULL)
    return;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "pending");
  json_builder_add_int_value (builder, trellis_sync_get_pending (self->sync));
  json_builder_set_member_name (builder, "last_sync");
  json_builder_add_int_value (builder, trellis_sync_get_last_synced (self->sync) / 1000);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  path = g_strdup_printf ("/classrooms/%s/presence", trellis_classroom_get_id (self));
  g_signal_emit (self, signals[REQUEST], 0, "POST", path, body);
  trellis_sync_request_json_async (self->sync, "POST", path, body, self->cancellable, presence_reply_cb, self);
}

static gboolean
presence_cb (gpointer user_data)
{
  send_presence (user_data);
  return G_SOURCE_CONTINUE;
}

static void
start_live (TrellisClassroom *self)
{
  if (self->live_started || trellis_classroom_is_ended (self))
    return;
  self->live_started = TRUE;
  if (self->websocket_enabled)
    connect_socket (self);
  else
    start_polling (self);

  if (!trellis_classroom_is_trainer (self))
    {
      send_presence (self);
      self->presence_id = g_timeout_add_seconds (PRESENCE_S, presence_cb, self);
      self->synced_handler = g_signal_connect_swapped (self->sync, "notify::last-synced",
                                                       G_CALLBACK (send_presence), self);
      /* So that the trainer sees where this participant is. */
      trellis_sync_now (self->sync);
    }
}

/* Leaving: no more updates; the window that showed the session closes. */
void
trellis_classroom_leave (TrellisClassroom *self)
{
  g_return_if_fail (TRELLIS_IS_CLASSROOM (self));

  self->left = TRUE;
  g_cancellable_cancel (self->cancellable);
  stop_live (self);
}

/* Requests sent on this object's own session, whose answer is read here:
 * joining (to tell an unknown code from an ended session) and the
 * attendance (CSV, not JSON). */

typedef struct
{
  SoupMessage *message;
  guint        status;
  GBytes      *body;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_clear_object (&exchange->message);
  g_clear_pointer (&exchange->body, g_bytes_unref);
  g_free (exchange);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Exchange, exchange_free)

static void
exchange_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(Exchange) exchange = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (exchange->body == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, _("Cannot reach the server: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  exchange->status = soup_message_get_status (exchange->message);
  g_task_return_pointer (task, g_steal_pointer (&exchange), (GDestroyNotify) exchange_free);
}

static void
exchange_async (TrellisClassroom    *self,
                const char          *method,
                const char          *path,
                JsonNode            *body,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(Exchange) exchange = g_new0 (Exchange, 1);
  Exchange *raw;

  g_task_set_source_tag (task, exchange_async);
  g_signal_emit (self, signals[REQUEST], 0, method, path, body);
  if ((exchange->message = trellis_sync_new_message (self->sync, method, path)) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               _("Sign in to your institute’s server first"));
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (exchange->message), "Accept",
                                "application/json, text/csv");
  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

      soup_message_set_request_body_from_bytes (exchange->message, "application/json", bytes);
    }
  /* The reply callback takes the exchange back. */
  raw = g_steal_pointer (&exchange);
  g_task_set_task_data (task, raw, NULL);
  soup_session_send_and_read_async (self->http, raw->message, G_PRIORITY_DEFAULT, cancellable,
                                    exchange_read_cb, g_steal_pointer (&task));
}

/* Returns: (transfer full): the exchange, whatever its status */
static Exchange *
exchange_finish (TrellisClassroom  *self,
                 GAsyncResult      *result,
                 GError           **error)
{
  g_assert (g_task_is_valid (result, self));
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The answer's JSON, when it is JSON. */
static JsonNode *
exchange_json (Exchange *exchange)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (exchange->body == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (exchange->body, NULL),
                                   g_bytes_get_size (exchange->body), NULL))
    return NULL;
  return json_parser_steal_root (parser);
}

/* The API's {"error": {"message"}}, or a sentence of our own. */
static GError *
exchange_error (Exchange *exchange)
{
  g_autoptr(JsonNode) root = exchange_json (exchange);
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *detail = object != NULL ? json_object_get_member (object, "error") : NULL;
  const char *reason = detail != NULL && JSON_NODE_HOLDS_OBJECT (detail)
                       ? json_object_get_string_member_with_default (json_node_get_object (detail), "message", NULL)
                       : NULL;

  if (exchange->status == SOUP_STATUS_UNAUTHORIZED)
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, _("Signed out: please sign in again"));
  if (exchange->status == SOUP_STATUS_FORBIDDEN)
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, _("Your account may not do this"));
  if (reason != NULL && exchange->status >= 400 && exchange->status < 500)
    return g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "%s", reason);
  if (exchange->status >= 500)
    return g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, _("The server has a problem (HTTP %u); try again later"),
                        exchange->status);
  return g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, _("Unexpected answer from the server (HTTP %u)"),
                      exchange->status);
}

static void
joined_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrellisClassroom *self = TRELLIS_CLASSROOM (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(Exchange) exchange = exchange_finish (self, result, &error);
  g_autoptr(JsonNode) root = NULL;

  if (exchange == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  switch (exchange->status)
    {
    case SOUP_STATUS_OK:
    case SOUP_STATUS_CREATED:
      root = exchange_json (exchange);
      if (!is_session_object (root))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                   _("The server’s answer was not understood; is this a Trellis server?"));
          return;
        }
      trellis_classroom_set_session (self, json_node_get_object (root));
      start_live (self);
      g_task_return_boolean (task, TRUE);
      return;

    case SOUP_STATUS_NOT_FOUND:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("No session has this code. Check it with your trainer: it has six letters and "
                                 "digits."));
      return;

    case SOUP_STATUS_GONE:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               _("This session has ended: the trainer closed it."));
      return;

    default:
      g_task_return_error (task, exchange_error (exchange));
    }
}

/* Requests that answer with the session object. */

typedef struct
{
  gboolean  start;       /* starting or joining: the live updates start after */
  char     *course_id;   /* starting: the course of the session */
} Change;

static void
change_free (Change *change)
{
  g_free (change->course_id);
  g_free (change);
}

static void
change_reply_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrellisClassroom *self = g_task_get_source_object (task);
  Change *change = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = trellis_sync_request_json_finish (TRELLIS_SYNC (source), result, &error);

  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (is_session_object (node))
    trellis_classroom_set_session (self, json_node_get_object (node));
  else if (change->start)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The server’s answer was not understood; is this a Trellis server?"));
      return;
    }
  else if (self->socket == NULL && self->live_started)
    poll_once (self);

  if (change->start)
    start_live (self);
  g_task_return_boolean (task, TRUE);
}

static void
change_send (GTask      *task,
             const char *method,
             const char *path,
             JsonNode   *body)
{
  TrellisClassroom *self = g_task_get_source_object (task);

  g_signal_emit (self, signals[REQUEST], 0, method, path, body);
  trellis_sync_request_json_async (self->sync, method, path, body, g_task_get_cancellable (task), change_reply_cb,
                                   g_object_ref (task));
}

static GTask *
change_task_new (TrellisClassroom    *self,
                 gpointer             source_tag,
                 gboolean             start,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Change *change = g_new0 (Change, 1);

  g_task_set_source_tag (task, source_tag);
  change->start = start;
  g_task_set_task_data (task, change, (GDestroyNotify) change_free);
  if (self->left)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, _("You left this session"));
      g_clear_object (&task);
    }
  return task;
}

static void
change_async (TrellisClassroom    *self,
              gpointer             source_tag,
              const char          *path,
              JsonNode            *body,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = change_task_new (self, source_tag, FALSE, cancellable, callback, user_data);

  if (task != NULL)
    change_send (task, "POST", path, body);
}

static JsonNode *
object_node (const char *first_name,
             ...) G_GNUC_NULL_TERMINATED;

/* {"name": "value", …} of string members, NULL-terminated pairs. */
static JsonNode *
object_node (const char *first_name,
             ...)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  va_list args;

  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    json_object_set_string_member (object, name, va_arg (args, const char *));
  va_end (args);
  json_node_set_object (node, object);
  return node;
}

static gboolean
check_session (TrellisClassroom    *self,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  if (trellis_classroom_get_id (self) != NULL)
    return TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("Not in a classroom session"));
  return FALSE;
}

static char *
session_path (TrellisClassroom *self,
              const char       *what)
{
  return g_strdup_printf ("/classrooms/%s/%s", trellis_classroom_get_id (self), what);
}

/* The trainer's own running session of @course_id in the server's list,
 * newest first; NULL when there is none. */
static const char *
find_running (JsonNode   *list,
              const char *course_id)
{
  JsonNode *member;
  JsonArray *classrooms;

  if (list == NULL || !JSON_NODE_HOLDS_OBJECT (list) ||
      (member = json_object_get_member (json_node_get_object (list), "classrooms")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (member))
    return NULL;
  classrooms = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (classrooms); i++)
    {
      JsonNode *node = json_array_get_element (classrooms, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *ended = entry != NULL ? json_object_get_member (entry, "ended") : NULL;
      const char *id = entry != NULL ? json_object_get_string_member_with_default (entry, "id", NULL) : NULL;

      if (id != NULL && g_uuid_string_is_valid (id) && ended != NULL && JSON_NODE_HOLDS_NULL (ended) &&
          json_object_get_boolean_member_with_default (entry, "mine", FALSE) &&
          g_strcmp0 (json_object_get_string_member_with_default (entry, "course", NULL), course_id) == 0)
        return id;
    }
  return NULL;
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrellisClassroom *self = g_task_get_source_object (task);
  Change *change = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = trellis_sync_request_json_finish (TRELLIS_SYNC (source), result, &error);
  const char *running;
  g_autoptr(JsonNode) body = NULL;

  /* An unreachable server would only fail the start again, after another wait. */
  if (list == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  running = find_running (list, change->course_id);
  if (running != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/classrooms/%s", running);

      self->resumed = TRUE;
      change_send (task, "GET", path, NULL);
      return;
    }
  body = object_node ("course", change->course_id, NULL);
  change_send (task, "POST", "/classrooms", body);
}

/* Starts the trainer's session of @course_id, or comes back to the one
 * the trainer left running (the window was closed, the app restarted). */
void
trellis_classroom_create_async (TrellisClassroom    *self,
                                const char          *course_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TRELLIS_IS_CLASSROOM (self));
  g_return_if_fail (course_id != NULL);

  task = change_task_new (self, trellis_classroom_create_async, TRUE, cancellable, callback, user_data);
  if (task == NULL)
    return;
  ((Change *) g_task_get_task_data (task))->course_id = g_strdup (course_id);
  self->resumed = FALSE;
  g_signal_emit (self, signals[REQUEST], 0, "GET", "/classrooms", NULL);
  trellis_sync_request_json_async (self->sync, "GET", "/classrooms", NULL, cancellable, listed_cb,
                                   g_steal_pointer (&task));
}

/* Whether the last start came back to a running session. */
gboolean
trellis_classroom_get_resumed (TrellisClassroom *self)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (self), FALSE);
  return self->resumed;
}

void
trellis_classroom_join_async (TrellisClassroom    *self,
                              const char          *code,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *normal = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TRELLIS_IS_CLASSROOM (self));
  g_return_if_fail (code != NULL);

  normal = trellis_classroom_normalise_code (code);
  if (strlen (normal) != 6 || strspn (normal, CODE_ALPHABET) != 6)
    {
      task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, trellis_classroom_join_async);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("A session code has six letters and digits, such as K7PQM3"));
      return;
    }
  body = object_node ("code", normal, NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, trellis_classroom_join_async);
  exchange_async (self, "POST", "/classrooms/join", body, cancellable, joined_cb, g_steal_pointer (&task));
}

static const char *
current_node (TrellisClassroom *self)
{
  JsonObject *step = trellis_classroom_session_get_step (self->session);

  return step != NULL ? json_object_get_string_member_with_default (step, "node", NULL) : NULL;
}

void
trellis_classroom_vote_async (TrellisClassroom    *self,
                              const char          *choice_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (TRELLIS_IS_CLASSROOM (self));
  g_return_if_fail (choice_id != NULL);

  if (!check_session (self, trellis_classroom_vote_async, cancellable, callback, user_data))
    return;
  path = session_path (self, "votes");
  body = object_node ("node", current_node (self) != NULL ? current_node (self) : "", "choice", choice_id, NULL);
  change_async (self, trellis_classroom_vote_async, path, body, cancellable, callback, user_data);
}

void
trellis_classroom_show_node_async (TrellisClassroom    *self,
                                   const char          *scenario_id,
                                   const char          *node_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (TRELLIS_IS_CLASSROOM (self));
  g_return_if_fail (scenario_id != NULL && node_id != NULL);

  if (!check_session (self, trellis_classroom_show_node_async, cancellable, callback, user_data))
    return;
  path = session_path (self, "step");
  body = object_node ("scenario", scenario_id, "node", node_id, NULL);
  change_async (self, trellis_classroom_show_node_async, path, body, cancellable, callback, user_data);
}

void
trellis_classroom_move_on_async (TrellisClassroom    *self,
                                 const char          *choice_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (TRELLIS_IS_CLASSROOM (self));
  g_return_if_fail (choice_id != NULL);

  if (!check_session (self, trellis_classroom_move_on_async, cancellable, callback, user_data))
    return;
  path = session_path (self, "step");
  body = object_node ("choice", choice_id, NULL);
  change_async (self, trellis_classroom_move_on_async, path, body, cancellable, callback, user_data);
}

void
trellis_classroom_reveal_async (TrellisClassroom    *self,
                                gboolean             revealed,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);

  g_return_if_fail (TRELLIS_IS_CLASSROOM (self));

  if (!check_session (self, trellis_classroom_reveal_async, cancellable, callback, user_data))
    return;
  path = session_path (self, "reveal");
  json_object_set_boolean_member (object, "revealed", revealed);
  json_node_set_object (body, object);
  change_async (self, trellis_classroom_reveal_async, path, body, cancellable, callback, user_data);
}

void
trellis_classroom_end_async (TrellisClassroom    *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (TRELLIS_IS_CLASSROOM (self));

  if (!check_session (self, trellis_classroom_end_async, cancellable, callback, user_data))
    return;
  path = session_path (self, "end");
  change_async (self, trellis_classroom_end_async, path, NULL, cancellable, callback, user_data);
}

gboolean
trellis_classroom_request_finish (TrellisClassroom  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The attendance, as the server writes it in CSV. */

static void
attendance_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Exchange) exchange = exchange_finish (TRELLIS_CLASSROOM (source), result, &error);

  if (exchange == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (exchange->status != SOUP_STATUS_OK)
    g_task_return_error (task, exchange_error (exchange));
  else
    g_task_return_pointer (task, g_bytes_ref (exchange->body), (GDestroyNotify) g_bytes_unref);
}

void
trellis_classroom_get_attendance_csv_async (TrellisClassroom    *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (TRELLIS_IS_CLASSROOM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, trellis_classroom_get_attendance_csv_async);
  if (trellis_classroom_get_id (self) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("Not in a classroom session"));
      return;
    }
  path = g_strdup_printf ("/classrooms/%s/attendance?format=csv", trellis_classroom_get_id (self));
  exchange_async (self, "GET", path, NULL, cancellable, attendance_cb, g_steal_pointer (&task));
}

/* Returns: (transfer full): the CSV file's bytes */
GBytes *
trellis_classroom_get_attendance_csv_finish (TrellisClassroom  *self,
                                             GAsyncResult      *result,
                                             GError           **error)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject. */

static void
trellis_classroom_dispose (GObject *object)
{
  TrellisClassroom *self = TRELLIS_CLASSROOM (object);

  g_cancellable_cancel (self->cancellable);
  stop_live (self);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->library);
  g_clear_object (&self->course);
  g_clear_object (&self->http);

  G_OBJECT_CLASS (trellis_classroom_parent_class)->dispose (object);
}

static void
trellis_classroom_finalize (GObject *object)
{
  TrellisClassroom *self = TRELLIS_CLASSROOM (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->session, json_object_unref);
  g_free (self->run_scenario);
  g_ptr_array_unref (self->run_path);

  G_OBJECT_CLASS (trellis_classroom_parent_class)->finalize (object);
}

static void
trellis_classroom_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TrellisClassroom *self = TRELLIS_CLASSROOM (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_boxed (value, self->session);
      break;

    case PROP_LIVE:
      g_value_set_boolean (value, self->socket != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_classroom_class_init (TrellisClassroomClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = trellis_classroom_dispose;
  object_class->finalize = trellis_classroom_finalize;
  object_class->get_property = trellis_classroom_get_property;

  properties[PROP_SESSION] =
    g_param_spec_boxed ("session", NULL, NULL, JSON_TYPE_OBJECT,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LIVE] =
    g_param_spec_boolean ("live", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[REQUEST] =
    g_signal_new ("request",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, JSON_TYPE_NODE);
}

static void
trellis_classroom_init (TrellisClassroom *self)
{
  g_autofree char *user_agent = g_strdup_printf ("Trellis/%s", PACKAGE_VERSION);

  self->websocket_enabled = TRUE;
  self->cancellable = g_cancellable_new ();
  self->run_path = g_ptr_array_new_with_free_func (g_free);
  self->http = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_S,
                                              "user-agent", user_agent,
                                              NULL);
}
