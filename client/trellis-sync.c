/* trellis-sync.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tr-credential.h"
#include "trellis-credential-cache.h"
#include "trellis-sync.h"
#include "trellis-token-storage.h"

/* How syncing works: a sync pushes the events the server does not have in
 * batches, pulls what the learner's other devices sent since the cursor,
 * then fetches the server's catalogue and, best effort, what checking
 * certificates offline needs (trellis-credential-cache.h). Only one sync
 * runs at a time; a request made meanwhile runs once the current one ends.
 * Merging is a union of events by id, so there is nothing to reconcile.
 * Reflection notes are not events: nothing here reads them.
 *
 * Errors of enrol, sign-in and sign-out are G_IO_ERROR errors whose
 * message is meant for the learner. */

#define BATCH_SIZE          500
#define DEBOUNCE_MS         2000
#define PERIOD_S            (5 * 60)
#define BACKOFF_MIN_S       5
#define BACKOFF_MAX_S       (5 * 60)
#define HTTP_TIMEOUT_S      30
#define MIN_PASSWORD_LENGTH 10
#define MAX_STATUS_LISTS    4

/* Keys of the store's meta table. */
#define META_SERVER       "sync.server"
#define META_ACCOUNT_ID   "sync.account-id"
#define META_ACCOUNT_NAME "sync.account-name"
#define META_ACCOUNT_ROLE "sync.account-role"
#define META_CURSOR       "sync.cursor"
#define META_LAST_SYNCED  "sync.last-synced"

struct _TrellisSync
{
  GObject               parent_instance;

  TrellisProgressStore *store;
  SoupSession          *session;

  TrellisSyncState      state;
  guint                 pending;
  char                 *message;
  char                 *server;
  char                 *account_name;
  char                 *account_role;
  gint64                last_synced;    /* µs since 1970 (g_get_real_time), 0 if never */

  char                 *token;          /* NULL while signed out or not loaded yet */
  GCancellable         *cancellable;    /* of the account's work; cancelled when it ends */
  guint                 generation;     /* changes at each sign-in and sign-out */

  guint                 meta_loaded : 1;
  guint                 started : 1;
  guint                 loading_token : 1;
  guint                 syncing : 1;
  guint                 again : 1;

  guint                 debounce_id;
  guint                 period_id;
  guint                 retry_id;
  guint                 backoff_s;
};

G_DEFINE_FINAL_TYPE (TrellisSync, trellis_sync, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_PENDING,
  PROP_MESSAGE,
  PROP_SERVER,
  PROP_ACCOUNT_NAME,
  PROP_ACCOUNT_ROLE,
  PROP_LAST_SYNCED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  COURSES_AVAILABLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void request_sync (TrellisSync *self);

/* Properties. */

static void
set_state (TrellisSync      *self,
           TrellisSyncState  state,
           const char       *message)
{
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (g_strcmp0 (self->message, message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
}

static void
set_string (TrellisSync  *self,
            char        **field,
            const char   *value,
            guint         prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
update_pending (TrellisSync *self)
{
  guint pending = trellis_progress_store_get_pending_count (self->store);

  if (self->pending == pending)
    return;
  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

static void
set_last_synced (TrellisSync *self,
                 gint64       last_synced)
{
  if (self->last_synced == last_synced)
    return;
  self->last_synced = last_synced;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNCED]);
}

static gboolean
has_account (TrellisSync *self)
{
  g_autofree char *account_id = trellis_progress_store_get_meta (self->store, META_ACCOUNT_ID);

  return account_id != NULL;
}

/* Server addresses. */

static gboolean
is_loopback (const char *host)
{
  return g_ascii_strcasecmp (host, "localhost") == 0 || g_str_equal (host, "127.0.0.1") ||
         g_str_equal (host, "::1");
}

/* "trellis.example.org" → "https://trellis.example.org"; plain http only
 * to this machine, since tokens and progress must not travel in clear. */
static char *
normalise_server (const char  *address,
                  GError     **error)
{
  g_autofree char *text = g_strstrip (g_strdup (address != NULL ? address : ""));
  g_autofree char *with_scheme = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme, *host;
  gsize length;

  if (*text == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter the server address your institute gave you"));
      return NULL;
    }
  with_scheme = strstr (text, "://") != NULL ? g_strdup (text) : g_strconcat ("https://", text, NULL);
  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (uri == NULL || host == NULL || *host == '\0' || g_uri_get_userinfo (uri) != NULL ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a server address"), text);
      return NULL;
    }
  if (g_ascii_strcasecmp (scheme, "http") == 0 && !is_loopback (host))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The server address must start with https://, so that your progress travels encrypted"));
      return NULL;
    }

  path = g_strdup (g_uri_get_path (uri));
  length = strlen (path);
  while (length > 0 && path[length - 1] == '/')
    path[--length] = '\0';
  return g_uri_join (G_URI_FLAGS_NONE, g_ascii_strcasecmp (scheme, "http") == 0 ? "http" : "https",
                     NULL, host, g_uri_get_port (uri), path, NULL, NULL);
}

/* HTTP. A reply is whatever the server answered, error or not; a GError
 * from api_request_finish means it could not be reached at all. */

typedef struct
{
  guint     status;
  JsonNode *root;          /* NULL when the body is empty or not JSON */
  GBytes   *body;
  gint64    retry_after;   /* seconds, or -1 */
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->root, json_node_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static void
api_request_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *message = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  Reply *reply;
  const char *retry_after;

  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  reply = g_new0 (Reply, 1);
  reply->status = soup_message_get_status (message);
  retry_after = soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");
  reply->retry_after = retry_after != NULL ? g_ascii_strtoll (retry_after, NULL, 10) : -1;
  reply->body = g_bytes_ref (bytes);
  if (g_bytes_get_size (bytes) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      if (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL))
        reply->root = json_parser_steal_root (parser);
    }
  g_task_return_pointer (task, reply, (GDestroyNotify) reply_free);
}

/* A request to any address; its reply is read with api_request_finish (). */
static void
http_request_async (TrellisSync         *self,
                    const char          *uri,
                    const char          *method,
                    const char          *token,
                    JsonNode            *body,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;

  g_task_set_source_tag (task, http_request_async);
  message = soup_message_new (method, uri);
  if (message == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a server address"), uri);
      return;
    }
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
    }
  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  g_task_set_task_data (task, g_object_ref (message), g_object_unref);
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, cancellable,
                                    api_request_cb, g_steal_pointer (&task));
}

static void
api_request_async (TrellisSync         *self,
                   const char          *server,
                   const char          *method,
                   const char          *path,
                   const char          *token,
                   JsonNode            *body,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autofree char *uri = g_strconcat (server, "/api/v1", path, NULL);

  http_request_async (self, uri, method, token, body, cancellable, callback, user_data);
}

static Reply *
api_request_finish (TrellisSync   *self,
                    GAsyncResult  *result,
                    GError       **error)
{
  g_assert (g_task_is_valid (result, self));
  g_assert (g_task_get_source_tag (G_TASK (result)) == http_request_async);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
reply_ok (Reply *reply)
{
  return reply->status >= 200 && reply->status < 300;
}

static JsonObject *
reply_object (Reply *reply)
{
  return reply->root != NULL && JSON_NODE_HOLDS_OBJECT (reply->root) ? json_node_get_object (reply->root) : NULL;
}

static GError *
unreachable_error (const GError *error)
{
  return g_error_new (error->domain, error->code, _("Cannot reach the server: %s"), error->message);
}

static GError *
not_understood_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                              _("The server’s answer was not understood; is this a Trellis server?"));
}

typedef enum
{
  CONTEXT_ENROL,
  CONTEXT_SIGN_IN,
  CONTEXT_SYNC,
  CONTEXT_REQUEST,   /* trellis_sync_request_json_async (): the server's reason is the message */
} Context;

/* The API's {"error": {"code", "message"}} as a sentence for the learner. */
static GError *
reply_error (Reply   *reply,
             Context  context)
{
  JsonObject *root = reply_object (reply);
  JsonObject *error = root != NULL && json_object_has_member (root, "error") &&
                      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "error")) ?
                      json_object_get_object_member (root, "error") : NULL;
  const char *detail = error != NULL ? json_object_get_string_member_with_default (error, "message", NULL) : NULL;

  /* Refusals such as "not complete yet" are the server's to explain. */
  if (context == CONTEXT_REQUEST && detail != NULL && *detail != '\0' &&
      reply->status >= 400 && reply->status < 500 && reply->status != SOUP_STATUS_UNAUTHORIZED &&
      reply->status != 429 && reply->status != SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE)
    return g_error_new_literal (G_IO_ERROR, reply->status == SOUP_STATUS_FORBIDDEN ? G_IO_ERROR_PERMISSION_DENIED
                                                                                 : G_IO_ERROR_FAILED,
                                detail);

  switch (reply->status)
    {
    case SOUP_STATUS_CONFLICT:
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, _("This e-mail address already has an account"));

    case SOUP_STATUS_GONE:
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The enrolment code has expired"));

    case SOUP_STATUS_NOT_FOUND:
      if (context == CONTEXT_ENROL && error != NULL)
        return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("This enrolment code does not exist"));
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                  _("No Trellis server answers at this address"));

    case SOUP_STATUS_UNAUTHORIZED:
      if (context == CONTEXT_SIGN_IN)
        return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                    _("Wrong e-mail address or password"));
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                  _("Signed out: please sign in again"));

    case SOUP_STATUS_FORBIDDEN:
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                  _("Your account may not do this"));

    case 429:   /* Too Many Requests: libsoup 3.2 has no name for it */
      {
        guint minutes = reply->retry_after > 0 ? (guint) MIN ((reply->retry_after + 59) / 60, 24 * 60) : 15;

        return g_error_new (G_IO_ERROR, G_IO_ERROR_BUSY,
                            ngettext ("Too many attempts: try again in %u minute",
                                      "Too many attempts: try again in %u minutes", minutes),
                            minutes);
      }

    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                  _("The server refused to take so much at once"));

    case SOUP_STATUS_BAD_REQUEST:
      /* The server names the field; its words are English only. */
      if (detail != NULL)
        return g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The server refused the request: %s"), detail);
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The server refused the request"));

    default:
      if (reply->status >= 500)
        return g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                            _("The server has a problem (HTTP %u); try again later"), reply->status);
      return g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, _("Unexpected answer from the server (HTTP %u)"),
                          reply->status);
    }
}

/* Accounts. */

static void
stop_timers (TrellisSync *self)
{
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
}

/* Ends whatever the previous account was doing: its requests are
 * cancelled and their late answers dropped. */
static void
new_generation (TrellisSync *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  self->backoff_s = 0;
  self->again = FALSE;
  self->loading_token = FALSE;
  stop_timers (self);
}

static void
token_cleared_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!trellis_token_storage_clear_finish (result, &error))
    g_warning ("Could not remove the sign-in token: %s", error->message);
}

/* Forgets the account on this device; its events stay. The server is
 * remembered, to suggest it at the next sign-in. */
static void
forget_account (TrellisSync *self,
                const char  *message)
{
  new_generation (self);
  g_clear_pointer (&self->token, g_free);
  trellis_progress_store_set_meta (self->store, META_ACCOUNT_ID, NULL);
  trellis_progress_store_set_meta (self->store, META_ACCOUNT_NAME, NULL);
  trellis_progress_store_set_meta (self->store, META_ACCOUNT_ROLE, NULL);
  trellis_progress_store_set_meta (self->store, META_CURSOR, NULL);
  trellis_progress_store_set_meta (self->store, META_LAST_SYNCED, NULL);
  set_string (self, &self->account_name, NULL, PROP_ACCOUNT_NAME);
  set_string (self, &self->account_role, NULL, PROP_ACCOUNT_ROLE);
  set_last_synced (self, 0);
  set_state (self, TRELLIS_SYNC_SIGNED_OUT, message);
}

typedef struct
{
  char    *server;
  Context  context;
} AuthData;

static void
auth_data_free (gpointer data)
{
  AuthData *auth = data;

  g_free (auth->server);
  g_free (auth);
}

static void
auth_token_saved_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrellisSync *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  /* Signed in all the same: the token stays in memory until the app quits. */
  if (!trellis_token_storage_save_finish (result, &error))
    g_warning ("Could not keep the sign-in token: %s", error->message);
  g_task_return_boolean (task, TRUE);
  request_sync (self);
}

static void
auth_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrellisSync *self = TRELLIS_SYNC (source);
  AuthData *auth = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = api_request_finish (self, result, &error);
  g_autofree char *old_server = NULL;
  g_autofree char *old_account_id = NULL;
  JsonObject *root, *account;
  const char *token, *account_id, *account_name, *account_role;

  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, unreachable_error (error));
      return;
    }
  if (!reply_ok (reply))
    {
      g_task_return_error (task, reply_error (reply, auth->context));
      return;
    }

  root = reply_object (reply);
  account = root != NULL && json_object_has_member (root, "account") &&
            JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "account")) ?
            json_object_get_object_member (root, "account") : NULL;
  token = root != NULL ? json_object_get_string_member_with_default (root, "token", NULL) : NULL;
  account_id = account != NULL ? json_object_get_string_member_with_default (account, "id", NULL) : NULL;
  account_name = account != NULL ? json_object_get_string_member_with_default (account, "name", NULL) : NULL;
  account_role = account != NULL ? json_object_get_string_member_with_default (account, "role", NULL) : NULL;
  if (token == NULL || *token == '\0' || account_id == NULL || *account_id == '\0')
    {
      g_task_return_error (task, not_understood_error ());
      return;
    }

  old_server = trellis_progress_store_get_meta (self->store, META_SERVER);
  old_account_id = trellis_progress_store_get_meta (self->store, META_ACCOUNT_ID);
  new_generation (self);
  /* Another account's cursor would skip this one's events. */
  if (g_strcmp0 (old_server, auth->server) != 0 || g_strcmp0 (old_account_id, account_id) != 0)
    {
      trellis_progress_store_set_meta (self->store, META_CURSOR, NULL);
      trellis_progress_store_set_meta (self->store, META_LAST_SYNCED, NULL);
      set_last_synced (self, 0);
    }
  trellis_progress_store_set_meta (self->store, META_SERVER, auth->server);
  trellis_progress_store_set_meta (self->store, META_ACCOUNT_ID, account_id);
  trellis_progress_store_set_meta (self->store, META_ACCOUNT_NAME, account_name != NULL ? account_name : "");
  trellis_progress_store_set_meta (self->store, META_ACCOUNT_ROLE, account_role != NULL ? account_role : "learner");
  g_free (self->token);
  self->token = g_strdup (token);
  set_string (self, &self->server, auth->server, PROP_SERVER);
  set_string (self, &self->account_name, account_name != NULL ? account_name : "", PROP_ACCOUNT_NAME);
  set_string (self, &self->account_role, account_role != NULL ? account_role : "learner", PROP_ACCOUNT_ROLE);
  set_state (self, TRELLIS_SYNC_SYNCING, NULL);

  trellis_token_storage_save_async (auth->server, token, NULL, auth_token_saved_cb, g_steal_pointer (&task));
}

static void
auth_async (TrellisSync         *self,
            Context              context,
            const char          *address,
            JsonNode            *body,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  AuthData *auth = g_new0 (AuthData, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, auth, auth_data_free);
  auth->context = context;
  if ((auth->server = normalise_server (address, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  api_request_async (self, auth->server, "POST", context == CONTEXT_ENROL ? "/auth/enrol" : "/auth/login",
                     NULL, body, cancellable, auth_reply_cb, g_steal_pointer (&task));
}

static char *
stripped (const char *text)
{
  return g_strstrip (g_strdup (text));
}

/* Catches what the server would refuse anyway, without a round trip. */
static GError *
check_fields (const char *password,
              gboolean    check_length,
              ...)
{
  va_list args;
  const char *field;
  gboolean all = TRUE;

  va_start (args, check_length);
  while ((field = va_arg (args, const char *)) != NULL)
    {
      g_autofree char *text = stripped (field);

      all = all && *text != '\0';
    }
  va_end (args);
  if (!all || *password == '\0')
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Fill in every field"));
  if (check_length && g_utf8_strlen (password, -1) < MIN_PASSWORD_LENGTH)
    return g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        ngettext ("The password needs at least %d character",
                                  "The password needs at least %d characters", MIN_PASSWORD_LENGTH),
                        MIN_PASSWORD_LENGTH);
  return NULL;
}

void
trellis_sync_enrol_async (TrellisSync         *self,
                          const char          *server,
                          const char          *code,
                          const char          *name,
                          const char          *email,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *code_text = NULL, *name_text = NULL, *email_text = NULL;
  GError *error;

  g_return_if_fail (TRELLIS_IS_SYNC (self));
  g_return_if_fail (server != NULL && code != NULL && name != NULL && email != NULL && password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if ((error = check_fields (password, TRUE, code, name, email, NULL)) != NULL)
    {
      g_task_report_error (self, callback, user_data, trellis_sync_enrol_async, error);
      return;
    }

  code_text = stripped (code);
  name_text = stripped (name);
  email_text = stripped (email);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code_text);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name_text);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email_text);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  auth_async (self, CONTEXT_ENROL, server, body, cancellable, callback, user_data, trellis_sync_enrol_async);
}

gboolean
trellis_sync_enrol_finish (TrellisSync   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == trellis_sync_enrol_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
trellis_sync_sign_in_async (TrellisSync         *self,
                            const char          *server,
                            const char          *email,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *email_text = NULL;
  GError *error;

  g_return_if_fail (TRELLIS_IS_SYNC (self));
  g_return_if_fail (server != NULL && email != NULL && password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if ((error = check_fields (password, FALSE, email, NULL)) != NULL)
    {
      g_task_report_error (self, callback, user_data, trellis_sync_sign_in_async, error);
      return;
    }

  email_text = stripped (email);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email_text);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  auth_async (self, CONTEXT_SIGN_IN, server, body, cancellable, callback, user_data, trellis_sync_sign_in_async);
}

gboolean
trellis_sync_sign_in_finish (TrellisSync   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == trellis_sync_sign_in_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
logout_reply_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = api_request_finish (TRELLIS_SYNC (source), result, &error);

  /* Best effort: the token is forgotten here whatever the server says. */
  if (reply == NULL)
    g_debug ("Could not tell the server about the sign-out: %s", error->message);
  else if (!reply_ok (reply))
    g_debug ("The server answered the sign-out with HTTP %u", reply->status);
  g_task_return_boolean (task, TRUE);
}

typedef struct
{
  char *server;
  char *token;
} SignOutData;

static void
sign_out_data_free (gpointer data)
{
  SignOutData *sign_out = data;

  g_free (sign_out->server);
  g_free (sign_out->token);
  g_free (sign_out);
}

static void
sign_out_token_cleared_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrellisSync *self = g_task_get_source_object (task);
  SignOutData *sign_out = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  if (!trellis_token_storage_clear_finish (result, &error))
    g_warning ("Could not remove the sign-in token: %s", error->message);
  if (sign_out->token == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  api_request_async (self, sign_out->server, "POST", "/auth/logout", sign_out->token, NULL,
                     cancellable, logout_reply_cb, g_steal_pointer (&task));
}

void
trellis_sync_sign_out_async (TrellisSync         *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignOutData *sign_out;

  g_return_if_fail (TRELLIS_IS_SYNC (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, trellis_sync_sign_out_async);
  sign_out = g_new0 (SignOutData, 1);
  sign_out->server = g_strdup (self->server);
  sign_out->token = g_strdup (self->token);
  g_task_set_task_data (task, sign_out, sign_out_data_free);

  forget_account (self, NULL);
  if (sign_out->server == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  trellis_token_storage_clear_async (sign_out->server, NULL, sign_out_token_cleared_cb, g_steal_pointer (&task));
}

gboolean
trellis_sync_sign_out_finish (TrellisSync   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == trellis_sync_sign_out_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* One sync: push, pull, catalogue. */

typedef enum
{
  FAILURE_NONE,
  FAILURE_OFFLINE,        /* no answer: retried with backoff */
  FAILURE_REFUSED,        /* an HTTP error: the reason is shown */
  FAILURE_UNAUTHORIZED,   /* the token expired or was revoked */
} Failure;

typedef struct
{
  guint       generation;
  char       *server;
  char       *token;
  GPtrArray  *sent_ids;   /* of the batch being pushed, NULL-terminated */
  GPtrArray  *courses;    /* JsonObject*, from GET /courses */
  GPtrArray  *status_lists;   /* URLs still to fetch */
  Failure     failure;
} SyncRun;

static void
sync_run_free (gpointer data)
{
  SyncRun *run = data;

  g_free (run->server);
  g_free (run->token);
  g_clear_pointer (&run->sent_ids, g_ptr_array_unref);
  g_clear_pointer (&run->courses, g_ptr_array_unref);
  g_clear_pointer (&run->status_lists, g_ptr_array_unref);
  g_free (run);
}

static void
sync_fail (GTask   *task,
           Failure  failure,
           GError  *error)
{
  SyncRun *run = g_task_get_task_data (task);

  run->failure = failure;
  g_task_return_error (task, error);
}

/* Returns TRUE when the step may go on with @reply. */
static gboolean
sync_check_reply (GTask   *task,
                  Reply   *reply,
                  GError  *error)
{
  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_error_copy (error));
      else if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR)
        sync_fail (task, FAILURE_OFFLINE, unreachable_error (error));
      else
        sync_fail (task, FAILURE_REFUSED, unreachable_error (error));
      return FALSE;
    }
  if (g_task_return_error_if_cancelled (task))
    return FALSE;
  if (reply->status == SOUP_STATUS_UNAUTHORIZED)
    {
      sync_fail (task, FAILURE_UNAUTHORIZED, reply_error (reply, CONTEXT_SYNC));
      return FALSE;
    }
  if (!reply_ok (reply))
    {
      sync_fail (task, FAILURE_REFUSED, reply_error (reply, CONTEXT_SYNC));
      return FALSE;
    }
  return TRUE;
}

/* Certificates: the keys, the learner's certificates and the revocation
 * lists they point into, kept for checking offline. None of it may fail
 * the sync: a server without certificates answers 404, and the rest of the
 * sync has succeeded already. */

/* Like the server address: no clear text beyond this machine. */
static gboolean
is_fetchable (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (scheme == NULL || host == NULL || *host == '\0')
    return FALSE;
  return g_ascii_strcasecmp (scheme, "https") == 0 ||
         (g_ascii_strcasecmp (scheme, "http") == 0 && is_loopback (host));
}

/* TRUE when the step should go on with the next; FALSE when the sync was
 * cancelled and the task has returned. */
static gboolean
sync_optional_reply (GTask       *task,
                     Reply       *reply,
                     GError      *error,
                     const char  *what)
{
  if (reply == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_error_copy (error));
      return FALSE;
    }
  if (g_task_return_error_if_cancelled (task))
    return FALSE;
  if (reply == NULL)
    g_debug ("Could not fetch %s: %s", what, error->message);
  else if (!reply_ok (reply))
    g_debug ("Could not fetch %s: HTTP %u", what, reply->status);
  return TRUE;
}

static void sync_status_lists (GTask *task);

static void
sync_status_list_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrellisSync *self = TRELLIS_SYNC (source);
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = api_request_finish (self, result, &error);
  const char *url = g_ptr_array_index (run->status_lists, run->status_lists->len - 1);

  if (!sync_optional_reply (task, reply, error, url))
    return;
  if (reply != NULL && reply_ok (reply))
    {
      gsize length;
      const char *data = g_bytes_get_data (reply->body, &length);
      g_autofree char *document = g_strndup (data, length);

      /* A status list credential: JSON, or a JWS of it. */
      if (length > 0 && strlen (document) == length && g_utf8_validate (document, -1, NULL))
        trellis_credential_cache_set_status_list (self->store, url, document, g_get_real_time ());
    }
  g_ptr_array_remove_index (run->status_lists, run->status_lists->len - 1);
  sync_status_lists (g_steal_pointer (&task));
}

static void
sync_status_lists (GTask *task)
{
  TrellisSync *self = g_task_get_source_object (task);
  SyncRun *run = g_task_get_task_data (task);
  const char *url;

  if (run->status_lists == NULL || run->status_lists->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  url = g_ptr_array_index (run->status_lists, run->status_lists->len - 1);
  http_request_async (self, url, "GET", NULL, NULL, g_task_get_cancellable (task),
                      sync_status_list_cb, task);
}

static void
sync_certificates_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrellisSync *self = TRELLIS_SYNC (source);
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = api_request_finish (self, result, &error);

  if (!sync_optional_reply (task, reply, error, "the certificates"))
    return;
  run->status_lists = g_ptr_array_new_with_free_func (g_free);
  if (reply != NULL && reply_ok (reply) && reply_object (reply) != NULL)
    {
      g_autoptr(GPtrArray) certificates = trellis_certificates_from_json (reply->root);

      trellis_credential_cache_set_certificates (self->store, reply->root, g_get_real_time ());
      for (guint i = 0; i < certificates->len && run->status_lists->len < MAX_STATUS_LISTS; i++)
        {
          TrellisCertificate *certificate = g_ptr_array_index (certificates, i);
          const char *url = certificate->info->status_list;

          if (url != NULL && is_fetchable (url) &&
              !g_ptr_array_find_with_equal_func (run->status_lists, url, g_str_equal, NULL))
            g_ptr_array_add (run->status_lists, g_strdup (url));
        }
    }
  sync_status_lists (g_steal_pointer (&task));
}

static void
sync_keys_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrellisSync *self = TRELLIS_SYNC (source);
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = api_request_finish (self, result, &error);

  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!sync_optional_reply (task, reply, error, "the institute’s keys"))
    return;
  if (reply != NULL && reply_ok (reply) && reply_object (reply) != NULL)
    trellis_credential_cache_set_jwks (self->store, run->server, reply->root, g_get_real_time ());
  api_request_async (self, run->server, "GET", "/certificates", run->token, NULL, cancellable,
                     sync_certificates_cb, g_steal_pointer (&task));
}

static void
sync_keys (GTask *task)
{
  TrellisSync *self = g_task_get_source_object (task);
  SyncRun *run = g_task_get_task_data (task);
  g_autofree char *uri = g_strconcat (run->server, "/.well-known/jwks.json", NULL);

  http_request_async (self, uri, "GET", NULL, NULL, g_task_get_cancellable (task), sync_keys_cb, task);
}

static void
sync_courses_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = api_request_finish (TRELLIS_SYNC (source), result, &error);
  JsonObject *root;
  JsonArray *courses;

  if (!sync_check_reply (task, reply, error))
    return;
  root = reply_object (reply);
  if (root == NULL || !json_object_has_member (root, "courses") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "courses")))
    {
      sync_fail (task, FAILURE_REFUSED, not_understood_error ());
      return;
    }
  courses = json_object_get_array_member (root, "courses");
  run->courses = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < json_array_get_length (courses); i++)
    {
      JsonNode *node = json_array_get_element (courses, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (run->courses, json_object_ref (json_node_get_object (node)));
    }
  sync_keys (g_steal_pointer (&task));
}

static void sync_pull (GTask *task);

static void
sync_pull_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrellisSync *self = TRELLIS_SYNC (source);
  SyncRun *run = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = api_request_finish (self, result, &error);
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *old_cursor = NULL;
  g_autofree char *cursor = NULL;
  JsonObject *root;
  JsonArray *array;
  JsonNode *cursor_node;

  if (!sync_check_reply (task, reply, error))
    return;
  root = reply_object (reply);
  cursor_node = root != NULL ? json_object_get_member (root, "cursor") : NULL;
  if (cursor_node == NULL || !JSON_NODE_HOLDS_VALUE (cursor_node) ||
      json_node_get_value_type (cursor_node) != G_TYPE_INT64 ||
      !json_object_has_member (root, "events") || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "events")))
    {
      sync_fail (task, FAILURE_REFUSED, not_understood_error ());
      return;
    }

  array = json_object_get_array_member (root, "events");
  events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(GError) event_error = NULL;
      TrEvent *event = tr_event_from_json (json_array_get_element (array, i), &event_error);

      if (event == NULL)
        g_warning ("Skipping an event from the server: %s", event_error->message);
      else
        g_ptr_array_add (events, event);
    }
  if (events->len > 0)
    g_debug ("Merged %u new of %u events from the server",
             trellis_progress_store_merge (self->store, events), events->len);

  old_cursor = trellis_progress_store_get_meta (self->store, META_CURSOR);
  cursor = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (cursor_node));
  trellis_progress_store_set_meta (self->store, META_CURSOR, cursor);

  /* A cursor that does not move would loop forever. */
  if (json_object_get_boolean_member_with_default (root, "more", FALSE) && g_strcmp0 (old_cursor, cursor) != 0)
    {
      sync_pull (g_steal_pointer (&task));
      return;
    }
  api_request_async (self, run->server, "GET", "/courses", run->token, NULL, cancellable,
                     sync_courses_cb, g_steal_pointer (&task));
}

static void
sync_pull (GTask *task)
{
  TrellisSync *self = g_task_get_source_object (task);
  SyncRun *run = g_task_get_task_data (task);
  g_autofree char *cursor = trellis_progress_store_get_meta (self->store, META_CURSOR);
  g_autofree char *path = g_strdup_printf ("/events?after=%s&limit=%d", cursor != NULL ? cursor : "0", BATCH_SIZE);

  api_request_async (self, run->server, "GET", path, run->token, NULL, g_task_get_cancellable (task),
                     sync_pull_cb, task);
}

static void sync_push (GTask *task);

static void
sync_push_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrellisSync *self = TRELLIS_SYNC (source);
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = api_request_finish (self, result, &error);

  if (!sync_check_reply (task, reply, error))
    return;
  /* Only now, with the batch committed on the server. */
  trellis_progress_store_mark_synced (self->store, (const char * const *) run->sent_ids->pdata);
  g_clear_pointer (&run->sent_ids, g_ptr_array_unref);
  update_pending (self);
  sync_push (g_steal_pointer (&task));
}

static void
sync_push (GTask *task)
{
  TrellisSync *self = g_task_get_source_object (task);
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(GPtrArray) batch = trellis_progress_store_get_unsynced (self->store, BATCH_SIZE);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (batch->len == 0)
    {
      sync_pull (task);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  run->sent_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < batch->len; i++)
    {
      const TrEvent *event = g_ptr_array_index (batch, i);

      json_builder_add_value (builder, tr_event_to_json (event));
      g_ptr_array_add (run->sent_ids, g_strdup (event->id));
    }
  g_ptr_array_add (run->sent_ids, NULL);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  g_debug ("Sending %u events", batch->len);
  api_request_async (self, run->server, "POST", "/events", run->token, body, g_task_get_cancellable (task),
                     sync_push_cb, task);
}

static gboolean
retry_cb (gpointer user_data)
{
  TrellisSync *self = user_data;

  self->retry_id = 0;
  request_sync (self);
  return G_SOURCE_REMOVE;
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TrellisSync *self = TRELLIS_SYNC (source);
  GTask *task = G_TASK (result);
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  self->syncing = FALSE;
  if (run->generation != self->generation)
    {
      /* An account that has ended since; only a sync asked for meanwhile matters. */
      if (self->again)
        request_sync (self);
      return;
    }

  if (g_task_propagate_boolean (task, &error))
    {
      gint64 now = g_get_real_time ();
      g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);

      self->backoff_s = 0;
      trellis_progress_store_set_meta (self->store, META_LAST_SYNCED, now_text);
      set_last_synced (self, now);
      update_pending (self);
      set_state (self, TRELLIS_SYNC_SYNCED, NULL);
      if (run->courses != NULL)
        g_signal_emit (self, signals[COURSES_AVAILABLE], 0, run->courses);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Whoever cancelled has set the state. */
    }
  else if (run->failure == FAILURE_UNAUTHORIZED)
    {
      g_autofree char *server = g_strdup (self->server);

      forget_account (self, error->message);
      if (server != NULL)
        trellis_token_storage_clear_async (server, NULL, token_cleared_cb, NULL);
      return;
    }
  else if (run->failure == FAILURE_OFFLINE)
    {
      self->backoff_s = self->backoff_s == 0 ? BACKOFF_MIN_S : MIN (self->backoff_s * 2, BACKOFF_MAX_S);
      g_debug ("Offline (%s); trying again in %u s", error->message, self->backoff_s);
      update_pending (self);
      set_state (self, TRELLIS_SYNC_OFFLINE, error->message);
      /* Waiting out the backoff is the point: no sooner because of new events. */
      self->again = FALSE;
      g_clear_handle_id (&self->retry_id, g_source_remove);
      self->retry_id = g_timeout_add_seconds (self->backoff_s, retry_cb, self);
      return;
    }
  else
    {
      g_debug ("Sync refused: %s", error->message);
      self->again = FALSE;
      update_pending (self);
      set_state (self, TRELLIS_SYNC_ERROR, error->message);
      return;
    }

  if (self->again)
    request_sync (self);
}

/* Runs a sync now, or once the running one has ended. */
static void
request_sync (TrellisSync *self)
{
  g_autoptr(GTask) task = NULL;
  SyncRun *run;

  if (self->token == NULL || !trellis_progress_store_is_open (self->store))
    return;
  if (self->syncing)
    {
      self->again = TRUE;
      return;
    }

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->syncing = TRUE;
  self->again = FALSE;
  update_pending (self);
  set_state (self, TRELLIS_SYNC_SYNCING, NULL);

  run = g_new0 (SyncRun, 1);
  run->generation = self->generation;
  run->server = g_strdup (self->server);
  run->token = g_strdup (self->token);
  task = g_task_new (self, self->cancellable, sync_done_cb, NULL);
  g_task_set_source_tag (task, request_sync);
  g_task_set_task_data (task, run, sync_run_free);
  sync_push (g_steal_pointer (&task));
}

static gboolean
debounce_cb (gpointer user_data)
{
  TrellisSync *self = user_data;

  self->debounce_id = 0;
  request_sync (self);
  return G_SOURCE_REMOVE;
}

static gboolean
period_cb (gpointer user_data)
{
  TrellisSync *self = user_data;

  /* While offline, the backoff decides. */
  if (self->retry_id == 0)
    request_sync (self);
  return G_SOURCE_CONTINUE;
}

/* Starting. */

static void
token_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TrellisSync) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = trellis_token_storage_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->loading_token)
    return;
  self->loading_token = FALSE;
  if (error != NULL)
    {
      g_warning ("Could not read the sign-in token: %s", error->message);
      set_state (self, TRELLIS_SYNC_ERROR, _("Cannot read the sign-in token; try signing in again"));
      return;
    }
  if (token == NULL)
    {
      forget_account (self, _("Signed out: please sign in again"));
      return;
    }
  self->token = g_steal_pointer (&token);
  request_sync (self);
}

static void
load_meta (TrellisSync *self)
{
  g_autofree char *server = trellis_progress_store_get_meta (self->store, META_SERVER);
  g_autofree char *account_name = trellis_progress_store_get_meta (self->store, META_ACCOUNT_NAME);
  g_autofree char *account_role = trellis_progress_store_get_meta (self->store, META_ACCOUNT_ROLE);
  g_autofree char *last_synced = trellis_progress_store_get_meta (self->store, META_LAST_SYNCED);

  self->meta_loaded = TRUE;
  set_string (self, &self->server, server, PROP_SERVER);
  update_pending (self);
  if (!has_account (self))
    {
      set_state (self, TRELLIS_SYNC_SIGNED_OUT, NULL);
      return;
    }
  set_string (self, &self->account_name, account_name != NULL ? account_name : "", PROP_ACCOUNT_NAME);
  set_string (self, &self->account_role, account_role != NULL && *account_role != '\0' ? account_role : "learner",
              PROP_ACCOUNT_ROLE);
  set_last_synced (self, last_synced != NULL ? g_ascii_strtoll (last_synced, NULL, 10) : 0);
  /* trellis_sync_start () is expected right away. */
  set_state (self, TRELLIS_SYNC_SYNCING, NULL);
}

static void
begin (TrellisSync *self)
{
  if (self->token != NULL)
    {
      request_sync (self);
      return;
    }
  if (self->server == NULL || self->loading_token || !has_account (self))
    return;
  self->loading_token = TRUE;
  trellis_token_storage_load_async (self->server, self->cancellable, token_loaded_cb, g_object_ref (self));
}

static void
store_changed_cb (TrellisSync *self)
{
  if (!trellis_progress_store_is_open (self->store))
    return;
  if (!self->meta_loaded)
    {
      load_meta (self);
      if (self->started)
        begin (self);
      return;
    }

  update_pending (self);
  /* Events merged from the server change nothing to send. Offline, the
   * backoff decides; after a refusal, a new event would be refused too. */
  if (self->token == NULL || self->pending == 0 ||
      self->state == TRELLIS_SYNC_OFFLINE || self->state == TRELLIS_SYNC_ERROR)
    return;
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->debounce_id = g_timeout_add (DEBOUNCE_MS, debounce_cb, self);
}

/* Public API. */

/* Signed-in accounts start syncing with trellis_sync_start (). */
TrellisSync *
trellis_sync_new (TrellisProgressStore *store)
{
  TrellisSync *self;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);

  self = g_object_new (TRELLIS_TYPE_SYNC, NULL);
  self->store = g_object_ref (store);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  if (trellis_progress_store_is_open (store))
    load_meta (self);
  return self;
}

TrellisSyncState
trellis_sync_get_state (TrellisSync *self)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC (self), TRELLIS_SYNC_SIGNED_OUT);
  return self->state;
}

/* How many events wait to be sent. */
guint
trellis_sync_get_pending (TrellisSync *self)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC (self), 0);
  return self->pending;
}

/* Why the state is OFFLINE, ERROR or SIGNED_OUT (after the server ended
 * the session), as a sentence for the learner; NULL otherwise. */
const char *
trellis_sync_get_message (TrellisSync *self)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC (self), NULL);
  return self->message;
}

/* The last server signed in to, also after signing out. */
const char *
trellis_sync_get_server (TrellisSync *self)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC (self), NULL);
  return self->server;
}

/* NULL when signed out. */
/* "learner", "trainer" or "admin" as the server said at sign-in (kept for
 * offline use); NULL when signed out. */
const char *
trellis_sync_get_account_role (TrellisSync *self)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC (self), NULL);
  return self->account_role;
}

const char *
trellis_sync_get_account_name (TrellisSync *self)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC (self), NULL);
  return self->account_name;
}

/* Microseconds since 1970 (as g_get_real_time ()), 0 if never. */
gint64
trellis_sync_get_last_synced (TrellisSync *self)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC (self), 0);
  return self->last_synced;
}

void
trellis_sync_start (TrellisSync *self)
{
  g_return_if_fail (TRELLIS_IS_SYNC (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->period_id = g_timeout_add_seconds (PERIOD_S, period_cb, self);
  if (self->meta_loaded)
    begin (self);
}

void
trellis_sync_now (TrellisSync *self)
{
  g_return_if_fail (TRELLIS_IS_SYNC (self));

  if (self->token == NULL)
    {
      if (self->meta_loaded)
        begin (self);
      return;
    }
  request_sync (self);
}

/* GObject. */

static void
package_reply_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = api_request_finish (TRELLIS_SYNC (source), result, &error);

  if (reply == NULL)
    g_task_return_error (task, unreachable_error (error));
  else if (!reply_ok (reply))
    g_task_return_error (task, reply_error (reply, CONTEXT_SYNC));
  else if (reply_object (reply) == NULL)
    g_task_return_error (task, not_understood_error ());
  else
    g_task_return_pointer (task, json_node_ref (reply->root), (GDestroyNotify) json_node_unref);
}

/**
 * trellis_sync_fetch_package_async:
 *
 * Downloads a course's package from the institute's server (see
 * docs/api.md); the caller checks and installs it.
 */
void
trellis_sync_fetch_package_async (TrellisSync         *self,
                                  const char          *course_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (TRELLIS_IS_SYNC (self));
  g_return_if_fail (course_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, trellis_sync_fetch_package_async);
  if (self->token == NULL || self->server == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               _("Sign in to an institute’s server to install its courses"));
      return;
    }
  escaped = g_uri_escape_string (course_id, NULL, FALSE);
  path = g_strdup_printf ("/courses/%s/package", escaped);
  api_request_async (self, self->server, "GET", path, self->token, NULL, cancellable,
                     package_reply_cb, g_steal_pointer (&task));
}

/* Returns: (transfer full): the package, a JSON object */
JsonNode *
trellis_sync_fetch_package_finish (TrellisSync   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Ends @task with the error of an account request that did not get a
 * successful answer, and says whether it did: the server unreachable, or
 * its refusal with its reason. */
static gboolean
account_request_failed (GTask  *task,
                        Reply  *reply,
                        GError *error)
{
  if (reply == NULL)
    g_task_return_error (task, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                               ? g_error_copy (error) : unreachable_error (error));
  else if (!reply_ok (reply))
    g_task_return_error (task, reply_error (reply, CONTEXT_REQUEST));
  else
    return FALSE;
  return TRUE;
}

static void
request_json_reply_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = api_request_finish (TRELLIS_SYNC (source), result, &error);

  if (account_request_failed (task, reply, error))
    return;
  if (reply->root == NULL && g_bytes_get_size (reply->body) > 0)
    g_task_return_error (task, not_understood_error ());
  else
    g_task_return_pointer (task, reply->root != NULL ? json_node_ref (reply->root) : json_node_new (JSON_NODE_NULL),
                           (GDestroyNotify) json_node_unref);
}

/* Takes @task, which ends with the reply read by @reply_cb. */
static void
account_request (TrellisSync         *self,
                 const char          *method,
                 const char          *path,
                 JsonNode            *body,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  reply_cb,
                 GTask               *task)
{
  if (self->token == NULL || self->server == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               _("Sign in to your institute’s server first"));
      g_object_unref (task);
      return;
    }
  api_request_async (self, self->server, method, path, self->token, body, cancellable, reply_cb, task);
}

/**
 * trellis_sync_request_json_async:
 * @method: "GET", "POST"…
 * @path: under /api/v1, such as "/certificates"
 * @body: (nullable): sent as JSON
 *
 * A request to the institute's server with the account's token (see
 * docs/api.md). An error's message is for the learner: for a refusal it is
 * the server's reason.
 */
void
trellis_sync_request_json_async (TrellisSync         *self,
                                 const char          *method,
                                 const char          *path,
                                 JsonNode            *body,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TRELLIS_IS_SYNC (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, trellis_sync_request_json_async);
  account_request (self, method, path, body, cancellable, request_json_reply_cb, g_steal_pointer (&task));
}

/* Returns: (transfer full): the answer; a JSON null when it had no body */
JsonNode *
trellis_sync_request_json_finish (TrellisSync   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == trellis_sync_request_json_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
request_text_reply_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = api_request_finish (TRELLIS_SYNC (source), result, &error);

  if (!account_request_failed (task, reply, error))
    g_task_return_pointer (task, g_bytes_ref (reply->body), (GDestroyNotify) g_bytes_unref);
}

/**
 * trellis_sync_request_text_async:
 *
 * As trellis_sync_request_json_async (), for answers that are not JSON,
 * such as a report with format=csv; errors are read as for JSON.
 */
void
trellis_sync_request_text_async (TrellisSync         *self,
                                 const char          *method,
                                 const char          *path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TRELLIS_IS_SYNC (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, trellis_sync_request_text_async);
  account_request (self, method, path, NULL, cancellable, request_text_reply_cb, g_steal_pointer (&task));
}

/* Returns: (transfer full): the body of the answer, as it came */
GBytes *
trellis_sync_request_text_finish (TrellisSync   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == trellis_sync_request_text_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * trellis_sync_new_message:
 * @method: "GET", "POST"…
 * @path: under /api/v1, such as "/classrooms/ID/live"
 *
 * A request to the institute's server carrying the account's token, for
 * what trellis_sync_request_json_async () cannot do: a WebSocket, or an
 * answer that is not JSON. The caller sends it on a session of its own.
 *
 * Returns: (transfer full) (nullable): the message; %NULL while signed out
 */
SoupMessage *
trellis_sync_new_message (TrellisSync *self,
                          const char  *method,
                          const char  *path)
{
  g_autofree char *uri = NULL;
  g_autofree char *authorization = NULL;
  SoupMessage *message;

  g_return_val_if_fail (TRELLIS_IS_SYNC (self), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  if (self->token == NULL || self->server == NULL)
    return NULL;
  uri = g_strconcat (self->server, "/api/v1", path, NULL);
  if ((message = soup_message_new (method, uri)) == NULL)
    return NULL;
  authorization = g_strconcat ("Bearer ", self->token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  return message;
}

static void
trellis_sync_dispose (GObject *object)
{
  TrellisSync *self = TRELLIS_SYNC (object);

  g_cancellable_cancel (self->cancellable);
  stop_timers (self);
  g_clear_handle_id (&self->period_id, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (trellis_sync_parent_class)->dispose (object);
}

static void
trellis_sync_finalize (GObject *object)
{
  TrellisSync *self = TRELLIS_SYNC (object);

  g_clear_object (&self->cancellable);
  g_free (self->message);
  g_free (self->server);
  g_free (self->account_name);
  g_free (self->account_role);
  g_free (self->token);

  G_OBJECT_CLASS (trellis_sync_parent_class)->finalize (object);
}

static void
trellis_sync_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TrellisSync *self = TRELLIS_SYNC (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;

    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    case PROP_SERVER:
      g_value_set_string (value, self->server);
      break;

    case PROP_ACCOUNT_NAME:
      g_value_set_string (value, self->account_name);
      break;

    case PROP_ACCOUNT_ROLE:
      g_value_set_string (value, self->account_role);
      break;

    case PROP_LAST_SYNCED:
      g_value_set_int64 (value, self->last_synced);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_sync_class_init (TrellisSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = trellis_sync_dispose;
  object_class->finalize = trellis_sync_finalize;
  object_class->get_property = trellis_sync_get_property;

  /* A TrellisSyncState; there is no registered enum type for it. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      TRELLIS_SYNC_SIGNED_OUT, TRELLIS_SYNC_ERROR, TRELLIS_SYNC_SIGNED_OUT,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SERVER] =
    g_param_spec_string ("server", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ACCOUNT_NAME] =
    g_param_spec_string ("account-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ACCOUNT_ROLE] =
    g_param_spec_string ("account-role", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LAST_SYNCED] =
    g_param_spec_int64 ("last-synced", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The GPtrArray of JsonObject is the handler's to read, not to keep. */
  signals[COURSES_AVAILABLE] =
    g_signal_new ("courses-available",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
trellis_sync_init (TrellisSync *self)
{
  g_autofree char *user_agent = g_strdup_printf ("Trellis/%s", PACKAGE_VERSION);

  self->state = TRELLIS_SYNC_SIGNED_OUT;
  self->cancellable = g_cancellable_new ();
  self->session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_S,
                                                 "user-agent", user_agent,
                                                 NULL);
}
