/* trs-api.c: the HTTP API of docs/api.md: a request's life, its answers,
 * its database jobs, and the routing; the routes themselves are in
 * trs-api-*.c, grouped as docs/api.md groups them.
 *
 * Every request goes through the same steps: the early handler refuses
 * bodies that are too large before they are read; the handler matches the
 * route (404, 405), the content type (415) and the body (400, 413), and then
 * hands the work to the database thread or a hashing thread with the message
 * paused. The answer is set, and the message unpaused, from the callback on
 * the main context, unless the client went away in the meantime.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <sodium.h>



#include "trs-api-private.h"
#include "trs-auth.h"
#include "trs-body.h"

G_DEFINE_QUARK (trs-api-error-quark, trs_api_error)



/* What the early handler learns about a message, for the handlers and the
 * metrics; owned by the message. */
typedef struct
{
  gint64       start;
  const Route *route;
  const char  *pattern;    /* also set when only the method is wrong */
  gsize        body_seen;
  gboolean     too_large;
  Request     *req;        /* while the handler's request lives */
} MessageInfo;


static GQuark message_info_quark (void);
G_DEFINE_QUARK (trs-message-info, message_info)

static MessageInfo *
message_info (SoupServerMessage *msg)
{
  return g_object_get_qdata (G_OBJECT (msg), message_info_quark ());
}

/* The early handler made it, unless libsoup answered before it ran. */
static MessageInfo *
message_info_ensure (SoupServerMessage *msg)
{
  MessageInfo *info = message_info (msg);

  if (info == NULL)
    {
      info = g_new0 (MessageInfo, 1);
      info->start = g_get_monotonic_time ();
      g_object_set_qdata_full (G_OBJECT (msg), message_info_quark (), info, g_free);
    }
  return info;
}

/* ----------------------------------------------------------------------- */
/* Requests: their life, and their answers                                  */

void
secret_free (char *secret)
{
  if (secret == NULL)
    return;
  sodium_memzero (secret, strlen (secret));
  g_free (secret);
}

static Request *
request_new (TrsApi            *api,
             SoupServerMessage *msg,
             const Route       *route,
             char              *param,
             GHashTable        *query)
{
  Request *req = g_new0 (Request, 1);

  req->api = api;
  req->msg = g_object_ref (msg);
  req->route = route;
  req->param = param;
  req->query = query != NULL ? g_hash_table_ref (query) : NULL;
  /* request_finished_cb() tells it when the message is done with. */
  message_info_ensure (msg)->req = req;
  g_atomic_int_inc (&api->n_pending);
  return req;
}

void
request_free (Request *req)
{
  message_info (req->msg)->req = NULL;
  g_object_unref (req->msg);
  g_free (req->param);
  g_clear_pointer (&req->query, g_hash_table_unref);
  secret_free (req->token);
  g_clear_pointer (&req->account, trs_account_free);
  g_clear_pointer (&req->body, json_node_unref);
  if (req->value_destroy != NULL && req->value != NULL)
    req->value_destroy (req->value);
  g_clear_pointer (&req->events, g_ptr_array_unref);
  g_free (req->code);
  g_free (req->name);
  g_free (req->email);
  g_free (req->address);
  secret_free (req->password);
  g_free (req->password_hash);
  g_clear_pointer (&req->login_account, trs_account_free);
  g_free (req->reason);
  g_atomic_int_dec_and_test (&req->api->n_pending);
  g_free (req);
}

void
request_pause (Request *req)
{
  if (!req->paused)
    {
      soup_server_message_pause (req->msg);
      req->paused = TRUE;
    }
}

void
request_set_header (Request    *req,
                    const char *name,
                    const char *value)
{
  if (!req->finished)
    soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), name, value);
}

/* Takes @data (g_free). Frees @req: the last thing a route does. */
void
request_reply_take (Request    *req,
                    guint       status,
                    const char *content_type,
                    char       *data,
                    gsize       length)
{
  if (!req->finished)
    {
      if (data != NULL)
        soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_TAKE, data, length);
      else
        g_free (data);
      soup_server_message_set_status (req->msg, status,
                                      status == STATUS_TOO_MANY_REQUESTS ? "Too Many Requests" : NULL);
      if (req->paused)
        soup_server_message_unpause (req->msg);
    }
  else
    g_free (data);
  request_free (req);
}

/* With a newline at the end, as line-oriented tools (curl | sed, the
 * benchmarks) expect of a text answer. */
char *
node_to_data (JsonNode *node,
              gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GString) out = g_string_sized_new (256);

  json_generator_set_root (generator, node);
  json_generator_to_gstring (generator, out);
  g_string_append_c (out, '\n');
  *length = out->len;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Takes @node. */
void
request_reply_node (Request  *req,
                    guint     status,
                    JsonNode *node)
{
  gsize length;
  char *data = node_to_data (node, &length);

  json_node_unref (node);
  request_reply_take (req, status, "application/json", data, length);
}

void
request_reply_builder (Request     *req,
                       guint        status,
                       JsonBuilder *builder)
{
  request_reply_node (req, status, json_builder_get_root (builder));
}

static char *
error_body (const char *code,
            const char *message,
            gsize      *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  /* Messages may quote the request, and json-glib's parser errors quote
   * escapes such as "\ud800" decoded to bytes that are not UTF-8: the
   * answer must stay valid JSON all the same. */
  g_autofree char *valid_message = g_utf8_make_valid (message, -1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, valid_message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  return node_to_data (node, length);
}

static void
message_set_error (SoupServerMessage *msg,
                   guint              status,
                   const char        *code,
                   const char        *message)
{
  gsize length;
  char *data = error_body (code, message, &length);

  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, length);
  soup_server_message_set_status (msg, status, NULL);
}

void
request_reply_error (Request    *req,
                     guint       status,
                     const char *code,
                     const char *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;
  gsize length;
  char *data;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (!req->finished)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

      if (status == SOUP_STATUS_UNAUTHORIZED && req->route->roles != ROLES_PUBLIC)
        soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer");
    }
  data = error_body (code, message, &length);
  request_reply_take (req, status, "application/json", data, length);
}

void
request_reply_retry (Request    *req,
                     guint       retry_after,
                     const char *message)
{
  if (!req->finished)
    {
      g_autofree char *seconds = g_strdup_printf ("%u", retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Retry-After", seconds);
    }
  request_reply_error (req, STATUS_TOO_MANY_REQUESTS, "too_many_attempts", "%s", message);
}

void
request_reply_internal (Request      *req,
                        const GError *error)
{
  /* The detail goes to the log, not to the client. Store messages carry no
   * values (statements are prepared), so they are safe to log. */
  g_warning ("%s %s: %s", req->route->method, req->route->pattern,
             error != NULL ? error->message : "no result");
  request_reply_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                       "a fault on the server; nothing was half-written");
}

/* The answer for an error of a database job. */
void
request_reply_failure (Request      *req,
                       const GError *error)
{
  if (error != NULL && error->domain == TRS_API_ERROR)
    {
      if (error->code == TRS_API_ERROR_UNAUTHORIZED)
        request_reply_error (req, SOUP_STATUS_UNAUTHORIZED, "unauthorized", "%s", error->message);
      else
        request_reply_error (req, SOUP_STATUS_FORBIDDEN, "forbidden", "%s", error->message);
      return;
    }
  if (error != NULL && error->domain == TRS_STORE_ERROR)
    {
      switch ((TrsStoreError) error->code)
        {
        case TRS_STORE_ERROR_NOT_FOUND:
          request_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "%s", error->message);
          return;
        case TRS_STORE_ERROR_CONFLICT:
          request_reply_error (req, SOUP_STATUS_CONFLICT, "conflict", "%s", error->message);
          return;
        case TRS_STORE_ERROR_EXPIRED:
          request_reply_error (req, SOUP_STATUS_GONE, "code_expired", "%s", error->message);
          return;
        case TRS_STORE_ERROR_INVALID:
          request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "%s", error->message);
          return;
        case TRS_STORE_ERROR_FAILED:
        case TRS_STORE_ERROR_TOO_NEW:
        default:
          break;
        }
    }
  request_reply_internal (req, error);
}

/* ----------------------------------------------------------------------- */
/* Database jobs                                                            */


typedef struct
{
  Request        *req;
  ApiJob          job;
  GDestroyNotify  value_destroy;
  ApiDone         done;
  const char     *token;
  guint           roles;
  const TrsAccount *account;  /* when the request knows it already */
} JobCall;

typedef struct
{
  TrsAccount     *account;
  gpointer        value;
  GDestroyNotify  value_destroy;
} JobResult;

static void
job_result_free (gpointer data)
{
  JobResult *result = data;

  g_clear_pointer (&result->account, trs_account_free);
  if (result->value != NULL && result->value_destroy != NULL)
    result->value_destroy (result->value);
  g_free (result);
}

static guint
role_bit (const char *role)
{
  if (g_strcmp0 (role, "learner") == 0)
    return ROLE_LEARNER;
  if (g_strcmp0 (role, "trainer") == 0)
    return ROLE_TRAINER;
  if (g_strcmp0 (role, "admin") == 0)
    return ROLE_ADMIN;
  return 0;
}

/* The account of @token, when its role is one of @roles. */
static TrsAccount *
authenticate (TrsStore    *store,
              const char  *token,
              guint        roles,
              GError     **error)
{
  g_autoptr(TrsAccount) account = NULL;
  g_autoptr(GError) local_error = NULL;

  account = trs_store_account_by_token (store, token, &local_error);
  if (account == NULL)
    {
      if (local_error == NULL ||
          g_error_matches (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND) ||
          g_error_matches (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_EXPIRED))
        g_set_error_literal (error, TRS_API_ERROR, TRS_API_ERROR_UNAUTHORIZED,
                             "the token is unknown, expired or revoked");
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if ((role_bit (account->role) & roles) == 0)
    {
      g_set_error_literal (error, TRS_API_ERROR, TRS_API_ERROR_FORBIDDEN, "this account's role may not do this");
      return NULL;
    }
  return g_steal_pointer (&account);
}

/* Looks the token up (unless the request already knows its account) and
 * runs the route's work, in one job: a read costs one trip to the
 * database, not two. */
static gpointer
job_run (TrsStore  *store,
         gpointer   data,
         GError   **error)
{
  JobCall *call = data;
  g_autoptr(TrsAccount) looked_up = NULL;
  const TrsAccount *account = call->account;
  JobResult *result;
  gpointer value = GINT_TO_POINTER (1);

  if (call->roles != ROLES_PUBLIC && account == NULL)
    {
      looked_up = authenticate (store, call->token, call->roles, error);
      if (looked_up == NULL)
        return NULL;
      account = looked_up;
    }
  if (call->job != NULL)
    {
      value = call->job (store, account, call->req, error);
      if (value == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "the job gave no result");
          return NULL;
        }
    }
  result = g_new0 (JobResult, 1);
  result->account = g_steal_pointer (&looked_up);
  result->value = value;
  result->value_destroy = call->job != NULL ? call->value_destroy : NULL;
  return result;
}

/* Takes what @result holds, in place of what an earlier step of the
 * request left. */
static void
request_take_result (Request   *req,
                     JobResult *result)
{
  if (req->value != NULL && req->value_destroy != NULL)
    req->value_destroy (req->value);
  if (result->account != NULL)
    {
      g_clear_pointer (&req->account, trs_account_free);
      req->account = g_steal_pointer (&result->account);
    }
  req->value = g_steal_pointer (&result->value);
  req->value_destroy = result->value_destroy;
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  JobCall *call = user_data;
  Request *req = call->req;
  ApiDone done = call->done;
  g_autoptr(GError) error = NULL;
  JobResult *result;

  g_free (call);
  /* The result stays the task's (trs-store.h). */
  result = trs_store_run_finish (req->api->store, res, &error);
  if (result != NULL)
    request_take_result (req, result);
  if (req->finished)
    {
      request_free (req);
      return;
    }
  done (req, req->value, error);
}

/* The job of @req: the route's @job (NULL: only the token check), then
 * @done with what it gave. */
static JobCall
job_call_for (Request        *req,
              ApiJob          job,
              GDestroyNotify  value_destroy,
              ApiDone         done)
{
  return (JobCall) {
    .req = req, .job = job, .value_destroy = value_destroy, .done = done,
    .token = req->token, .roles = req->route->roles, .account = req->account,
  };
}

/* On a route that needs a token, looks it up now, on this thread: a write
 * then costs the worker, which every write waits for, only the write.
 * FALSE when it answered. */
static gboolean
request_authenticate (Request *req)
{
  JobCall call = job_call_for (req, NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  JobResult *result;

  if (req->route->roles == ROLES_PUBLIC || req->account != NULL)
    return TRUE;
  result = trs_store_read_now (req->api->store, job_run, &call, &error);
  if (result == NULL)
    {
      request_reply_failure (req, error);
      return FALSE;
    }
  request_take_result (req, result);
  job_result_free (result);
  return TRUE;
}

/* Checks the token (on routes that need one) and runs @job on the database
 * thread; then @done on this thread's main context. */
void
request_run (Request        *req,
             TrsJobKind      kind,
             ApiJob          job,
             GDestroyNotify  value_destroy,
             ApiDone         done)
{
  JobCall *call;

  if (req->finished)
    {
      request_free (req);
      return;
    }
  if (kind == TRS_JOB_WRITE && !request_authenticate (req))
    return;
  call = g_new (JobCall, 1);
  *call = job_call_for (req, job, value_destroy, done);
  request_pause (req);
  trs_store_run_async (req->api->store, kind, job_run, call, NULL, job_result_free, NULL,
                       job_done_cb, call);
}

/* Like request_run() for a short read (a few indexed rows), which runs at
 * once on this thread (trs_store_read_now()). */
void
request_read_now (Request        *req,
                  ApiJob          job,
                  GDestroyNotify  value_destroy,
                  ApiDone         done)
{
  JobCall call = job_call_for (req, job, value_destroy, done);
  g_autoptr(GError) error = NULL;
  JobResult *result;

  if (req->finished)
    {
      request_free (req);
      return;
    }
  result = trs_store_read_now (req->api->store, job_run, &call, &error);
  if (result != NULL)
    {
      request_take_result (req, result);
      job_result_free (result);
    }
  done (req, req->value, error);
}

/* ----------------------------------------------------------------------- */
/* Password hashing threads                                                 */

void
hash_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Request *req = task_data;
  GError *error = NULL;
  char *hash = trs_password_hash (req->password, &error);

  if (hash == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, hash, g_free);
}

void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Request *req = task_data;
  const char *hash = req->login_account != NULL ? req->login_account->password_hash : req->api->dummy_hash;

  /* An unknown address costs as much time as a wrong password, so the
   * answer's timing does not tell which addresses have an account. */
  g_task_return_boolean (task, trs_password_verify (hash, req->password));
}

static void
hash_pool_cb (gpointer data,
              gpointer user_data)
{
  g_autoptr(GTask) task = data;
  Request *req = g_task_get_task_data (task);

  req->hash_func (task, NULL, req, NULL);
}

/* Runs @func on the hashing threads, then @callback on the main context. */
void
request_run_hashing (Request             *req,
                     GTaskThreadFunc      func,
                     GAsyncReadyCallback  callback)
{
  GTask *task;

  if (req->finished)
    {
      request_free (req);
      return;
    }
  if (g_atomic_int_add (&req->api->n_hashing, 1) >= MAX_HASHING)
    {
      g_atomic_int_dec_and_test (&req->api->n_hashing);
      request_reply_retry (req, 1, "the server is busy; try again in a moment");
      return;
    }
  request_pause (req);
  req->hash_func = func;
  task = g_task_new (NULL, NULL, callback, req);
  g_task_set_source_tag (task, request_run_hashing);
  g_task_set_task_data (task, req, NULL);
  g_thread_pool_push (req->api->hash_pool, task, NULL);
}

/* ----------------------------------------------------------------------- */
/* Reading requests                                                         */

/* Answers @req with the 4xx of a TRS_BODY_ERROR (trs-body.h), and frees it. */
void
request_reply_body_error (Request      *req,
                          const GError *error)
{
  g_assert (error->domain == TRS_BODY_ERROR);
  switch ((TrsBodyError) error->code)
    {
    case TRS_BODY_ERROR_TOO_LARGE:
      request_reply_error (req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", "%s", error->message);
      break;
    case TRS_BODY_ERROR_INVALID_JSON:
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_json", "%s", error->message);
      break;
    case TRS_BODY_ERROR_INVALID_REQUEST:
    default:
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "%s", error->message);
      break;
    }
}

/* Parses the body into req->body, a JSON object. Answers and frees @req and
 * returns FALSE when it is not one. */
gboolean
request_parse_body (Request *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize length;

  data = g_bytes_get_data (bytes, &length);
  req->body = trs_body_parse (data, length, &error);
  if (req->body == NULL)
    {
      request_reply_body_error (req, error);
      return FALSE;
    }
  return TRUE;
}

/* A string member of @object: NULL with @error set when it is missing, not
 * a string, or not between @min_chars and @max_bytes long. */
const char *
member_string (JsonObject  *object,
               const char  *name,
               gsize        min_chars,
               gsize        max_bytes,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value;

  if (node == NULL)
    {
      g_set_error (error, TRS_API_ERROR, 0, "\"%s\" is missing", name);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, TRS_API_ERROR, 0, "\"%s\" must be a string", name);
      return NULL;
    }
  value = json_node_get_string (node);
  if (g_utf8_strlen (value, -1) < (glong) min_chars)
    {
      if (min_chars <= 1)
        g_set_error (error, TRS_API_ERROR, 0, "\"%s\" must not be empty", name);
      else
        g_set_error (error, TRS_API_ERROR, 0, "\"%s\" needs at least %" G_GSIZE_FORMAT " characters",
                     name, min_chars);
      return NULL;
    }
  if (strlen (value) > max_bytes)
    {
      g_set_error (error, TRS_API_ERROR, 0, "\"%s\" is longer than %" G_GSIZE_FORMAT " bytes", name, max_bytes);
      return NULL;
    }
  return value;
}

gboolean
has_control_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* Loosely, as mail systems differ: one "@", something before it, a domain
 * with a dot after it, and no spaces or control characters. */
gboolean
email_is_valid (const char *email)
{
  const char *at = strchr (email, '@');
  const char *domain;

  if (at == NULL || at == email || strchr (at + 1, '@') != NULL || at - email > 64)
    return FALSE;
  domain = at + 1;
  if (*domain == '\0' || *domain == '.' || strchr (domain, '.') == NULL ||
      g_str_has_suffix (domain, ".") || strstr (domain, "..") != NULL)
    return FALSE;
  for (const char *p = email; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || *p == 0x7f)
      return FALSE;
  return !has_control_characters (email);
}

/* "Bearer TOKEN" from the Authorization header, or NULL. */
static char *
bearer_token (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");
  const char *token;

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  token = value + 7;
  while (*token == ' ')
    token++;
  if (*token == '\0' || strlen (token) > MAX_TOKEN_BYTES)
    return NULL;
  for (const char *p = token; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || (guchar) *p >= 0x7f)
      return NULL;
  return g_strdup (token);
}

/* ----------------------------------------------------------------------- */
/* Writing answers                                                          */

void
add_account (JsonBuilder      *builder,
             const TrsAccount *account,
             gboolean          everything)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, account->public_id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, account->name);
  if (everything)
    {
      json_builder_set_member_name (builder, "email");
      json_builder_add_string_value (builder, account->email);
    }
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, account->role);
  json_builder_set_member_name (builder, "institute");
  json_builder_add_string_value (builder, account->institute_name);
  json_builder_set_member_name (builder, "cohort");
  if (account->cohort_name != NULL)
    json_builder_add_string_value (builder, account->cohort_name);
  else
    json_builder_add_null_value (builder);
  if (everything)
    {
      json_builder_set_member_name (builder, "created");
      json_builder_add_int_value (builder, account->created);
    }
  json_builder_end_object (builder);
}

void
add_event (JsonBuilder   *builder,
           const TrEvent *event)
{
  json_builder_add_value (builder, tr_event_to_json (event));
}

void
add_course (JsonBuilder *builder,
            TrCourse    *course,
            gboolean     with_package)
{
  const TrText *title = tr_course_get_title (course);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, tr_course_get_id (course));
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, tr_course_get_version (course));
  json_builder_set_member_name (builder, "title");
  json_builder_begin_object (builder);
  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    if (title->s[lang] != NULL)
      {
        json_builder_set_member_name (builder, tr_lang_to_code (lang));
        json_builder_add_string_value (builder, title->s[lang]);
      }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "languages");
  json_builder_begin_array (builder);
  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    if (tr_course_has_language (course, lang))
      json_builder_add_string_value (builder, tr_lang_to_code (lang));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "estimated_minutes");
  json_builder_add_int_value (builder, tr_course_get_estimated_minutes (course));
  if (with_package)
    {
      g_autofree char *package = g_strdup_printf ("/api/v1/courses/%s/package", tr_course_get_id (course));

      json_builder_set_member_name (builder, "package");
      json_builder_add_string_value (builder, package);
    }
  json_builder_end_object (builder);
}

TrCourse *
find_course (TrsApi     *api,
             const char *id)
{
  for (guint i = 0; i < api->courses->len; i++)
    {
      TrCourse *course = g_ptr_array_index (api->courses, i);

      if (g_strcmp0 (tr_course_get_id (course), id) == 0)
        return course;
    }
  return NULL;
}

/* ----------------------------------------------------------------------- */
/* Operations                                                               */

static gpointer
count_accounts_job (TrsStore          *store,
                    const TrsAccount  *account,
                    Request           *req,
                    GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 n = trs_store_account_count (store, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_memdup2 (&n, sizeof n);
}

static void
health_done (Request      *req,
             gpointer      value,
             const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (error != NULL)
    {
      g_warning ("health check: %s", error->message);
      request_reply_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE, "internal", "the database does not answer");
      return;
    }
  trs_metrics_set_accounts (req->api->metrics, *(gint64 *) value);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

void
handle_health (Request *req)
{
  request_read_now (req, count_accounts_job, g_free, health_done);
}

static void
metrics_done (Request      *req,
              gpointer      value,
              const GError *error)
{
  char *text;

  /* Without the database the counters are still worth reading. */
  if (error == NULL)
    trs_metrics_set_accounts (req->api->metrics, *(gint64 *) value);
  text = trs_metrics_render (req->api->metrics);
  request_reply_take (req, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8", text, strlen (text));
}

void
handle_metrics (Request *req)
{
  request_read_now (req, count_accounts_job, g_free, metrics_done);
}

/* ----------------------------------------------------------------------- */
/* Routing                                                                  */

static const Route routes[] = {
  { "POST",   "/api/v1/auth/enrol",            ROLES_PUBLIC,    TRUE,  handle_enrol },
  { "POST",   "/api/v1/auth/login",            ROLES_PUBLIC,    TRUE,  handle_login },
  { "POST",   "/api/v1/auth/logout",           ROLES_SIGNED_IN, FALSE, handle_logout },
  { "POST",   "/api/v1/events",                ROLES_SIGNED_IN, TRUE,  handle_push },
  { "GET",    "/api/v1/events",                ROLES_SIGNED_IN, FALSE, handle_pull },
  { "GET",    "/api/v1/progress",              ROLES_SIGNED_IN, FALSE, handle_progress },
  { "GET",    "/api/v1/courses",               ROLES_SIGNED_IN, FALSE, handle_courses },
  { "GET",    "/api/v1/courses/{id}",          ROLES_SIGNED_IN, FALSE, handle_course },
  { "GET",    "/api/v1/courses/{id}/package",  ROLES_SIGNED_IN, FALSE, handle_package },
  { "GET",    "/api/v1/me/export",             ROLES_SIGNED_IN, FALSE, handle_export },
  { "DELETE", "/api/v1/me",                    ROLES_SIGNED_IN, FALSE, handle_erase },
  { "POST",   "/api/v1/certificates",          ROLE_LEARNER,    TRUE,  handle_issue },
  { "GET",    "/api/v1/certificates",          ROLE_LEARNER,    FALSE, handle_certificates },
  { "GET",    "/api/v1/certificates/{id}/status", ROLES_PUBLIC, FALSE, handle_certificate_status },
  { "POST",   "/api/v1/certificates/{id}/revoke", ROLE_ADMIN,   TRUE,  handle_revoke },
  { "GET",    "/api/v1/status-list",           ROLES_PUBLIC,    FALSE, handle_status_list },
  { "GET",    "/.well-known/jwks.json",        ROLES_PUBLIC,    FALSE, handle_jwks },
  { "GET",    "/verify/{id}",                  ROLES_PUBLIC,    FALSE, handle_verify },
  { "GET",    "/api/v1/classrooms",            ROLE_TRAINER | ROLE_ADMIN, FALSE, handle_classroom_list },
  { "POST",   "/api/v1/classrooms",            ROLE_TRAINER | ROLE_ADMIN, TRUE, handle_classroom_create },
  { "POST",   "/api/v1/classrooms/join",       ROLES_SIGNED_IN, TRUE,  handle_classroom_join },
  { "GET",    "/api/v1/classrooms/{id}",       ROLES_SIGNED_IN, FALSE, handle_classroom_get },
  { "GET",    "/api/v1/classrooms/{id}/live",  ROLES_SIGNED_IN, FALSE, handle_classroom_live },
  { "POST",   "/api/v1/classrooms/{id}/step",  ROLE_TRAINER | ROLE_ADMIN, TRUE, handle_classroom_step },
  { "POST",   "/api/v1/classrooms/{id}/reveal", ROLE_TRAINER | ROLE_ADMIN, TRUE, handle_classroom_reveal },
  { "POST",   "/api/v1/classrooms/{id}/votes", ROLES_SIGNED_IN, TRUE,  handle_classroom_vote },
  { "POST",   "/api/v1/classrooms/{id}/presence", ROLES_SIGNED_IN, TRUE, handle_classroom_presence },
  { "POST",   "/api/v1/classrooms/{id}/end",   ROLE_TRAINER | ROLE_ADMIN, FALSE, handle_classroom_end },
  { "GET",    "/api/v1/classrooms/{id}/attendance", ROLE_TRAINER | ROLE_ADMIN, FALSE, handle_classroom_attendance },
  { "GET",    "/api/v1/cohorts",               ROLE_TRAINER | ROLE_ADMIN, FALSE, handle_cohorts },
  { "GET",    "/api/v1/reports/completion",    ROLE_TRAINER | ROLE_ADMIN, FALSE, handle_report },
  { "GET",    "/api/v1/institute/certificates", ROLE_ADMIN,     FALSE, handle_institute_certificates },
  { "GET",    "/join/{id}",                    ROLES_PUBLIC,    FALSE, handle_join_page },
  { "GET",    "/healthz",                      ROLES_PUBLIC,    FALSE, handle_health },
  { "GET",    "/metrics",                      ROLES_PUBLIC,    FALSE, handle_metrics },
};

/* The label of requests that match no route. */
static const char unmatched[] = "unmatched";

/* Whether @path matches @pattern; the segment under "{id}" goes to @param. */
static gboolean
pattern_matches (const char  *pattern,
                 const char  *path,
                 char       **param)
{
  const char *p = pattern, *s = path;

  while (*p != '\0')
    {
      if (g_str_has_prefix (p, "{id}"))
        {
          const char *end = strchr (s, '/');
          gsize length = end != NULL ? (gsize) (end - s) : strlen (s);

          if (length == 0 || length > 128)
            return FALSE;
          if (param != NULL)
            *param = g_strndup (s, length);
          s += length;
          p += 4;
          continue;
        }
      if (*p != *s)
        {
          if (param != NULL)
            g_clear_pointer (param, g_free);
          return FALSE;
        }
      p++;
      s++;
    }
  if (*s != '\0')
    {
      if (param != NULL)
        g_clear_pointer (param, g_free);
      return FALSE;
    }
  return TRUE;
}

/* The route of @method and @path. When only the method is wrong, NULL, with
 * @allow (if given) listing the methods of the path and @pattern its pattern. */
static const Route *
find_route (const char  *method,
            const char  *path,
            char       **param,
            GString     *allow,
            const char **pattern)
{
  *pattern = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!pattern_matches (routes[i].pattern, path, NULL))
        continue;
      *pattern = routes[i].pattern;
      if (g_str_equal (routes[i].method, method))
        {
          if (param != NULL)
            pattern_matches (routes[i].pattern, path, param);
          return &routes[i];
        }
      if (allow != NULL)
        {
          if (allow->len > 0)
            g_string_append (allow, ", ");
          g_string_append (allow, routes[i].method);
        }
    }
  return NULL;
}

static void
refuse_too_large (SoupServerMessage *msg,
                  MessageInfo       *info)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  /* libsoup still reads the body to its end; keep none of it. */
  info->too_large = TRUE;
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  message_set_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", "the body is larger than 1 MiB");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  MessageInfo *info = user_data;

  info->body_seen += g_bytes_get_size (chunk);
  if (info->body_seen > MAX_BODY_SIZE && !info->too_large)
    refuse_too_large (msg, info);
}

/* Runs once the headers are read, before the body is. */
static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  MessageInfo *info = g_new0 (MessageInfo, 1);

  info->start = g_get_monotonic_time ();
  info->route = find_route (soup_server_message_get_method (msg), path, NULL, NULL, &info->pattern);
  g_object_set_qdata_full (G_OBJECT (msg), message_info_quark (), info, g_free);

  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_NONE:
      return;
    case SOUP_ENCODING_CONTENT_LENGTH:
      /* A length too large for a goffset ("Content-Length: 99999999999999999999")
       * comes back negative. */
      if (soup_message_headers_get_content_length (headers) < 0 ||
          soup_message_headers_get_content_length (headers) > MAX_BODY_SIZE)
        refuse_too_large (msg, info);
      break;
    case SOUP_ENCODING_UNRECOGNIZED:
    case SOUP_ENCODING_EOF:
    case SOUP_ENCODING_CHUNKED:
    case SOUP_ENCODING_BYTERANGES:
    default:
      break;
    }
  /* Whatever libsoup made of the headers, count the body as it comes. */
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), info);
}

static gboolean
is_json_content_type (SoupServerMessage *msg)
{
  g_autoptr(GHashTable) params = NULL;
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
                                                            &params);
  const char *charset;

  if (type == NULL || g_ascii_strcasecmp (type, "application/json") != 0)
    return FALSE;
  charset = params != NULL ? g_hash_table_lookup (params, "charset") : NULL;
  return charset == NULL || g_ascii_strcasecmp (charset, "utf-8") == 0;
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  TrsApi *self = user_data;
  g_autoptr(GString) allow = g_string_new (NULL);
  const Route *route;
  const char *pattern;
  char *param = NULL;
  Request *req;

  route = find_route (soup_server_message_get_method (msg), path, &param, allow, &pattern);
  if (route == NULL)
    {
      if (pattern != NULL)
        {
          g_autofree char *message = g_strdup_printf ("%s takes %s", pattern, allow->str);

          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow->str);
          message_set_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", message);
        }
      else
        message_set_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "no such route");
      return;
    }

  req = request_new (self, msg, route, param, query);
  if (route->has_body && !is_json_content_type (msg))
    {
      request_reply_error (req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                           "the body must be application/json in UTF-8");
      return;
    }
  if (route->roles != ROLES_PUBLIC)
    {
      req->token = bearer_token (msg);
      if (req->token == NULL)
        {
          request_reply_error (req, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                               "this needs an \"Authorization: Bearer TOKEN\" header");
          return;
        }
    }
  route->handler (req);
}

/* Metrics and the request log, for every message however it ended. */
/* One listener's server, as its request-finished handler knows it. */
typedef struct
{
  TrsApi *api;
  guint   listener;
} Attachment;

static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  Attachment *attachment = user_data;
  TrsApi *self = attachment->api;
  MessageInfo *info = message_info (msg);
  const char *route = info != NULL && info->pattern != NULL ? info->pattern : unmatched;
  guint status = soup_server_message_get_status (msg);
  double seconds = info != NULL ? (g_get_monotonic_time () - info->start) / (double) G_USEC_PER_SEC : 0.0;

  if (info != NULL && info->req != NULL)
    info->req->finished = TRUE;
  trs_metrics_observe_request (self->metrics, attachment->listener, route, status, seconds);
  if (self->log_requests)
    g_printerr ("%s %s %u %.1f ms\n", soup_server_message_get_method (msg), route, status, seconds * 1000.0);
}

/* ----------------------------------------------------------------------- */

static int
compare_courses (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (tr_course_get_id (*(TrCourse * const *) a), tr_course_get_id (*(TrCourse * const *) b));
}

TrsApi *
trs_api_new (TrsStore    *store,
             GPtrArray   *courses,
             TrsMetrics  *metrics,
             GError     **error)
{
  TrsApi *self;
  char *dummy_hash;
  char random_password[33];

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (courses != NULL, NULL);
  g_return_val_if_fail (metrics != NULL, NULL);

  randombytes_buf (random_password, 16);
  sodium_bin2hex (random_password, sizeof random_password, (const guchar *) random_password, 16);
  dummy_hash = trs_password_hash (random_password, error);
  sodium_memzero (random_password, sizeof random_password);
  if (dummy_hash == NULL)
    return NULL;

  self = g_new0 (TrsApi, 1);
  self->store = store;
  self->courses = g_ptr_array_ref (courses);
  g_ptr_array_sort (self->courses, compare_courses);
  self->metrics = metrics;
  self->limits = trs_limits_new (LOGIN_MAX_ACCOUNT, LOGIN_MAX_ADDRESS, LOGIN_WINDOW_US);
  self->hub = trs_classroom_hub_new (hub_refresh_cb, self);
  self->dummy_hash = dummy_hash;
  self->hash_pool = g_thread_pool_new (hash_pool_cb, self, HASH_THREADS, FALSE, NULL);
  self->log_requests = g_strcmp0 (g_getenv ("TRELLIS_LOG_REQUESTS"), "1") == 0;
  self->paths = g_ptr_array_new_with_free_func (g_object_unref);
  self->public_url = g_strdup ("http://localhost");
  g_mutex_init (&self->keys_mutex);
  self->secret_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sodium_free);
  g_mutex_init (&self->status_list_mutex);
  return self;
}

void
trs_api_free (TrsApi *self)
{
  if (self == NULL)
    return;
  g_warn_if_fail (g_atomic_int_get (&self->n_pending) == 0);
  g_thread_pool_free (self->hash_pool, FALSE, TRUE);
  g_ptr_array_unref (self->courses);
  trs_limits_free (self->limits);
  trs_classroom_hub_free (self->hub);
  g_free (self->dummy_hash);
  g_ptr_array_unref (self->paths);
  g_free (self->public_url);
  g_free (self->data_dir);
  g_hash_table_unref (self->secret_keys);
  g_mutex_clear (&self->keys_mutex);
  g_free (self->status_list_digest);
  g_free (self->status_list_jws);
  g_mutex_clear (&self->status_list_mutex);
  g_free (self);
}

void
trs_api_attach (TrsApi     *self,
                SoupServer *server,
                guint       listener)
{
  Attachment *attachment;

  g_return_if_fail (self != NULL);
  g_return_if_fail (SOUP_IS_SERVER (server));

  attachment = g_new (Attachment, 1);
  attachment->api = self;
  attachment->listener = listener;
  /* The server owns it: both handlers go with the server. */
  g_object_set_data_full (G_OBJECT (server), "trs-attachment", attachment, g_free);
  soup_server_add_early_handler (server, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (server, NULL, handler_cb, self, NULL);
  g_signal_connect (server, "request-finished", G_CALLBACK (request_finished_cb), attachment);
  g_signal_connect (server, "request-aborted", G_CALLBACK (request_finished_cb), attachment);
}

guint
trs_api_get_n_pending (TrsApi *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return (guint) g_atomic_int_get (&self->n_pending);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (tr_learning_path_get_id (*(TrLearningPath * const *) a),
                    tr_learning_path_get_id (*(TrLearningPath * const *) b));
}

void
trs_api_set_paths (TrsApi    *self,
                   GPtrArray *paths)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (paths != NULL);

  g_ptr_array_set_size (self->paths, 0);
  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (self->paths, g_object_ref (g_ptr_array_index (paths, i)));
  g_ptr_array_sort (self->paths, compare_paths);
}

void
trs_api_set_public_url (TrsApi     *self,
                        const char *public_url)
{
  g_autofree char *url = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (public_url != NULL);

  url = g_strdup (public_url);
  while (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  g_free (self->public_url);
  self->public_url = g_steal_pointer (&url);
}

static gpointer
load_key_job (TrsStore  *store,
              gpointer   data,
              GError   **error)
{
  TrsApi *self = data;
  g_autofree char *kid = trs_store_key_active (store, error);

  if (kid == NULL || !api_ensure_secret (self, store, kid, error))
    return NULL;
  return g_steal_pointer (&kid);
}

gboolean
trs_api_load_signing_key (TrsApi      *self,
                          const char  *data_dir,
                          GError     **error)
{
  char *kid;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data_dir != NULL, FALSE);

  g_free (self->data_dir);
  self->data_dir = g_strdup (data_dir);
  kid = trs_store_run_sync (self->store, TRS_JOB_READ, load_key_job, self, error);
  if (kid == NULL)
    return FALSE;
  g_free (kid);
  return TRUE;
}
