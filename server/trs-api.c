/* trs-api.c: the HTTP routes of docs/api.md
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

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "tr-course.h"
#include "tr-credential.h"
#include "tr-event.h"
#include "tr-jws.h"
#include "tr-learning-path.h"
#include "tr-progress.h"

#include "trs-api.h"
#include "trs-auth.h"
#include "trs-body.h"
#include "trs-certificates.h"
#include "trs-classroom-hub.h"
#include "trs-classroom-view.h"
#include "trs-join-page.h"
#include "trs-json.h"
#include "trs-keys.h"
#include "trs-report.h"
#include "trs-store-reports.h"
#include "trs-limits.h"
#include "trs-verify-page.h"

#define MAX_BODY_SIZE        TRS_BODY_MAX_SIZE
#define MAX_EVENTS           TRS_BODY_MAX_EVENTS
#define DEFAULT_PULL_LIMIT   500
#define TOKEN_LIFETIME_MS    (G_GINT64_CONSTANT (30) * 24 * 3600 * 1000)
/* Each Argon2id hash takes 64 MiB for a tenth of a second: at most
 * HASH_THREADS run at once, and at most MAX_HASHING wait or run, beyond
 * which the server asks clients to come back (a class enrolling at once
 * waits a moment; a flood of logins gets 429s). */
#define HASH_THREADS         4
#define MAX_HASHING          32
#define LOGIN_WINDOW_US      (G_GINT64_CONSTANT (15) * 60 * G_USEC_PER_SEC)
#define LOGIN_MAX_ACCOUNT    5
#define LOGIN_MAX_ADDRESS    20
#define MIN_PASSWORD_CHARS   10
#define MAX_PASSWORD_BYTES   1024
#define MAX_NAME_CHARS       200
#define MAX_EMAIL_BYTES      254
#define MAX_TOKEN_BYTES      256
#define MAX_ID_BYTES         128
#define MAX_REASON_CHARS     200
/* The status list is rebuilt when a revocation changes it, and at least
 * this often, so that its validFrom tells a client how fresh it is. */
#define STATUS_LIST_MAX_AGE_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define STATUS_LIST_PATH     "/api/v1/status-list"

/* Not in libsoup 3.2's SoupStatus. */
#define STATUS_TOO_MANY_REQUESTS 429

#define TRS_API_ERROR (trs_api_error_quark ())

typedef enum
{
  TRS_API_ERROR_UNAUTHORIZED,
  TRS_API_ERROR_FORBIDDEN,
} TrsApiError;

static GQuark trs_api_error_quark (void);
G_DEFINE_QUARK (trs-api-error-quark, trs_api_error)

typedef enum
{
  ROLE_LEARNER = 1 << 0,
  ROLE_TRAINER = 1 << 1,
  ROLE_ADMIN   = 1 << 2,
} Role;

/* A route with no roles needs no token. */
#define ROLES_PUBLIC    0
#define ROLES_SIGNED_IN (ROLE_LEARNER | ROLE_TRAINER | ROLE_ADMIN)

struct _TrsApi
{
  TrsStore   *store;
  GPtrArray  *courses;      /* TrCourse*, sorted by id */
  TrsMetrics *metrics;
  TrsLimits  *limits;
  TrsClassroomHub *hub;
  char       *dummy_hash;
  GThreadPool *hash_pool;
  gint        n_hashing;    /* atomic: every listener thread counts */
  gint        n_pending;    /* atomic */
  gboolean    log_requests;

  /* Certificates. Set before the server listens, read-only afterwards. */
  GPtrArray  *paths;        /* TrLearningPath*, sorted by id */
  char       *public_url;   /* without a "/" at the end */
  char       *data_dir;

  /* Signing happens on the database thread; the mutexes are for the start,
   * which loads the key from the main thread. */
  GMutex      keys_mutex;
  GHashTable *secret_keys;  /* kid → sodium_malloc'ed secret key */
  GMutex      status_list_mutex;
  char       *status_list_digest;  /* of the kid and revoked indexes it was made from */
  char       *status_list_jws;
  gint64      status_list_made;    /* monotonic µs */
};

typedef struct _Request Request;
typedef void (*Handler) (Request *req);

typedef struct
{
  const char *method;
  const char *pattern;     /* "{id}" stands for one path segment */
  guint       roles;
  gboolean    has_body;
  Handler     handler;
} Route;

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

struct _Request
{
  TrsApi            *api;
  SoupServerMessage *msg;
  const Route       *route;
  char              *param;          /* the {id} of the path */
  GHashTable        *query;
  char              *token;          /* never logged */
  TrsAccount        *account;        /* set once the token was checked */
  gboolean           finished;       /* the message must not be touched */
  gboolean           paused;

  /* The inputs and results of the route's steps. */
  JsonNode          *body;
  gpointer           value;
  GDestroyNotify     value_destroy;
  GPtrArray         *events;
  gint64             after;
  guint              limit;
  char              *code;
  char              *name;
  char              *email;
  char              *address;        /* the client's, for the login limits */
  char              *password;
  char              *password_hash;
  TrsAccount        *login_account;
  GTaskThreadFunc    hash_func;
  TrCourse          *course;         /* borrowed from the catalogue */
  TrLearningPath    *path;           /* borrowed from the catalogue */
  char              *reason;
  TrLang             lang;
};

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

static void
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

static void
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

static void
request_pause (Request *req)
{
  if (!req->paused)
    {
      soup_server_message_pause (req->msg);
      req->paused = TRUE;
    }
}

static void
request_set_header (Request    *req,
                    const char *name,
                    const char *value)
{
  if (!req->finished)
    soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), name, value);
}

/* Takes @data (g_free). Frees @req: the last thing a route does. */
static void
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
static char *
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
static void
request_reply_node (Request  *req,
                    guint     status,
                    JsonNode *node)
{
  gsize length;
  char *data = node_to_data (node, &length);

  json_node_unref (node);
  request_reply_take (req, status, "application/json", data, length);
}

static void
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

static void request_reply_error (Request    *req,
                                 guint       status,
                                 const char *code,
                                 const char *format,
                                 ...) G_GNUC_PRINTF (4, 5);

static void
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

static void
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

static void
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
static void
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

/* Runs on the database thread, with the account of the token on routes that
 * need one (NULL on public routes). Returns non-NULL on success. */
typedef gpointer (*ApiJob) (TrsStore          *store,
                            const TrsAccount  *account,
                            Request           *req,
                            GError           **error);
/* Runs on the main context; @value is req->value. Must answer. */
typedef void (*ApiDone) (Request      *req,
                         gpointer      value,
                         const GError *error);

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
static void
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
static void
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

static void
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

static void
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
static void
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
static void
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
static gboolean
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
static const char *
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

static gboolean
has_control_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* Loosely, as mail systems differ: one "@", something before it, a domain
 * with a dot after it, and no spaces or control characters. */
static gboolean
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

static void
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

static void
add_event (JsonBuilder   *builder,
           const TrEvent *event)
{
  json_builder_add_value (builder, tr_event_to_json (event));
}

static void
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

static TrCourse *
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
/* POST /api/v1/auth/enrol and /auth/login                                  */

typedef struct
{
  TrsAccount *account;
  char       *token;
  gint64      expires;
} Session;

static void
session_free (gpointer data)
{
  Session *session = data;

  g_clear_pointer (&session->account, trs_account_free);
  secret_free (session->token);
  g_free (session);
}

static void
reply_session (Request *req,
               guint    status,
               Session *session)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "account");
  add_account (builder, session->account, FALSE);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, session->token);
  json_builder_set_member_name (builder, "expires");
  json_builder_add_int_value (builder, session->expires);
  json_builder_end_object (builder);
  request_reply_builder (req, status, builder);
}

/* One job, so that an account that cannot be made leaves the code unused:
 * the store undoes a failing job's SAVEPOINT. */
static gpointer
enrol_job (TrsStore          *store,
           const TrsAccount  *account,
           Request           *req,
           GError           **error)
{
  g_autoptr(TrsAccount) created = NULL;
  Session *session;
  gint64 institute_id = 0, cohort_id = 0, expires = 0;
  char *token;

  if (!trs_store_code_use (store, req->code, &institute_id, &cohort_id, error))
    return NULL;
  created = trs_store_account_create (store, institute_id, cohort_id, "learner", req->name,
                                      req->email, req->password_hash, error);
  if (created == NULL)
    return NULL;
  token = trs_store_token_issue (store, created->id, TOKEN_LIFETIME_MS, &expires, error);
  if (token == NULL)
    return NULL;
  session = g_new0 (Session, 1);
  session->account = g_steal_pointer (&created);
  session->token = token;
  session->expires = expires;
  return session;
}

static void
enrol_done (Request      *req,
            gpointer      value,
            const GError *error)
{
  if (error != NULL)
    {
      if (g_error_matches (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND))
        request_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "unknown enrolment code");
      else if (g_error_matches (error, TRS_STORE_ERROR, TRS_STORE_ERROR_EXPIRED))
        request_reply_error (req, SOUP_STATUS_GONE, "code_expired",
                             "the enrolment code expired or was used up");
      else if (g_error_matches (error, TRS_STORE_ERROR, TRS_STORE_ERROR_CONFLICT))
        request_reply_error (req, SOUP_STATUS_CONFLICT, "conflict",
                             "this e-mail address already has an account");
      else
        request_reply_failure (req, error);
      return;
    }
  trs_metrics_add_accounts (req->api->metrics, 1);
  reply_session (req, SOUP_STATUS_CREATED, value);
}

static void
enrol_hashed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *req = user_data;
  g_autoptr(GError) error = NULL;

  g_atomic_int_dec_and_test (&req->api->n_hashing);
  req->password_hash = g_task_propagate_pointer (G_TASK (result), &error);
  if (req->password_hash == NULL)
    {
      request_reply_internal (req, error);
      return;
    }
  request_run (req, TRS_JOB_WRITE, enrol_job, session_free, enrol_done);
}

static void
handle_enrol (Request *req)
{
  g_autoptr(GError) error = NULL;
  JsonObject *body;
  const char *code, *name, *email, *password;

  if (!request_parse_body (req))
    return;
  body = json_node_get_object (req->body);
  if ((code = member_string (body, "code", 1, 64, &error)) == NULL ||
      (name = member_string (body, "name", 1, 4 * MAX_NAME_CHARS, &error)) == NULL ||
      (email = member_string (body, "email", 3, MAX_EMAIL_BYTES, &error)) == NULL ||
      (password = member_string (body, "password", MIN_PASSWORD_CHARS, MAX_PASSWORD_BYTES, &error)) == NULL)
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "%s", error->message);
      return;
    }
  req->code = g_ascii_strup (code, -1);
  g_strstrip (req->code);
  req->name = g_strstrip (g_strdup (name));
  req->email = g_strstrip (g_strdup (email));
  req->password = g_strdup (password);
  if (*req->name == '\0' || g_utf8_strlen (req->name, -1) > MAX_NAME_CHARS ||
      has_control_characters (req->name))
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           "\"name\" must hold 1 to %d characters, none of them control characters",
                           MAX_NAME_CHARS);
      return;
    }
  if (!email_is_valid (req->email))
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           "\"email\" is not an e-mail address");
      return;
    }
  request_run_hashing (req, hash_thread, enrol_hashed_cb);
}

static gpointer
login_issue_job (TrsStore          *store,
                 const TrsAccount  *account,
                 Request           *req,
                 GError           **error)
{
  Session *session;
  gint64 expires = 0;
  char *token;

  token = trs_store_token_issue (store, req->login_account->id, TOKEN_LIFETIME_MS, &expires, error);
  if (token == NULL)
    return NULL;
  session = g_new0 (Session, 1);
  session->account = g_steal_pointer (&req->login_account);
  session->token = token;
  session->expires = expires;
  return session;
}

static void
login_issue_done (Request      *req,
                  gpointer      value,
                  const GError *error)
{
  if (error != NULL)
    request_reply_failure (req, error);
  else
    reply_session (req, SOUP_STATUS_OK, value);
}

static void
login_verified_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Request *req = user_data;
  TrsApi *api = req->api;
  gboolean right;

  g_atomic_int_dec_and_test (&api->n_hashing);
  right = g_task_propagate_boolean (G_TASK (result), NULL) && req->login_account != NULL;
  if (!right)
    {
      /* The account's count took this attempt when it began. */
      trs_limits_failed (api->limits, NULL, req->address, g_get_monotonic_time ());
      request_reply_error (req, SOUP_STATUS_UNAUTHORIZED, "unauthorized", "wrong e-mail address or password");
      return;
    }
  trs_limits_succeeded (api->limits, req->email);
  request_run (req, TRS_JOB_WRITE, login_issue_job, session_free, login_issue_done);
}

typedef struct
{
  TrsAccount *account;   /* NULL: no such address */
} Lookup;

static void
lookup_free (gpointer data)
{
  Lookup *lookup = data;

  g_clear_pointer (&lookup->account, trs_account_free);
  g_free (lookup);
}

static gpointer
login_lookup_job (TrsStore          *store,
                  const TrsAccount  *account,
                  Request           *req,
                  GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  Lookup *lookup = g_new0 (Lookup, 1);

  lookup->account = trs_store_account_by_email (store, req->email, &local_error);
  if (lookup->account == NULL && local_error != NULL &&
      !g_error_matches (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      lookup_free (lookup);
      return NULL;
    }
  return lookup;
}

static void
login_lookup_done (Request      *req,
                   gpointer      value,
                   const GError *error)
{
  Lookup *lookup = value;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  req->login_account = g_steal_pointer (&lookup->account);
  request_run_hashing (req, verify_thread, login_verified_cb);
}

static void
handle_login (Request *req)
{
  g_autoptr(GError) error = NULL;
  JsonObject *body;
  const char *email, *password;
  guint retry_after = 0;

  if (!request_parse_body (req))
    return;
  body = json_node_get_object (req->body);
  if ((email = member_string (body, "email", 1, MAX_EMAIL_BYTES, &error)) == NULL ||
      (password = member_string (body, "password", 1, MAX_PASSWORD_BYTES, &error)) == NULL)
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "%s", error->message);
      return;
    }
  req->email = g_strstrip (g_strdup (email));
  req->password = g_strdup (password);
  req->address = g_strdup (soup_server_message_get_remote_host (req->msg));
  if (!trs_limits_check (req->api->limits, req->email, req->address, g_get_monotonic_time (), &retry_after))
    {
      request_reply_retry (req, retry_after, "too many failed logins; try again later");
      return;
    }
  /* Counted as failed until it succeeds, so that guesses sent all at once
   * cannot slip past the account's limit while they are being checked. */
  trs_limits_failed (req->api->limits, req->email, NULL, g_get_monotonic_time ());
  request_read_now (req, login_lookup_job, lookup_free, login_lookup_done);
}

/* ----------------------------------------------------------------------- */
/* POST /api/v1/auth/logout, GET /api/v1/me/export, DELETE /api/v1/me       */

static void
reply_no_content (Request      *req,
                  gpointer      value,
                  const GError *error)
{
  if (error != NULL)
    request_reply_failure (req, error);
  else
    request_reply_take (req, SOUP_STATUS_NO_CONTENT, NULL, NULL, 0);
}

static gpointer
logout_job (TrsStore          *store,
            const TrsAccount  *account,
            Request           *req,
            GError           **error)
{
  if (!trs_store_token_revoke (store, req->token, error))
    return NULL;
  return GINT_TO_POINTER (1);
}

static void
handle_logout (Request *req)
{
  request_run (req, TRS_JOB_WRITE, logout_job, NULL, reply_no_content);
}

typedef struct
{
  GPtrArray *events;
  GPtrArray *tokens;
  GPtrArray *certificates;
} Export;

static void
export_free (gpointer data)
{
  Export *export = data;

  g_clear_pointer (&export->events, g_ptr_array_unref);
  g_clear_pointer (&export->tokens, g_ptr_array_unref);
  g_clear_pointer (&export->certificates, g_ptr_array_unref);
  g_free (export);
}

static void add_certificate_entry (gboolean              with_holder,
                                   JsonBuilder          *builder,
                                   TrsApi               *api,
                                   const TrsCertificate *certificate);

static gpointer
export_job (TrsStore          *store,
            const TrsAccount  *account,
            Request           *req,
            GError           **error)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  Export *export;

  if ((events = trs_store_events_all (store, account->id, error)) == NULL ||
      (tokens = trs_store_token_list (store, account->id, error)) == NULL ||
      (certificates = trs_store_certificate_list (store, account->id, error)) == NULL)
    return NULL;
  export = g_new0 (Export, 1);
  export->events = g_steal_pointer (&events);
  export->tokens = g_steal_pointer (&tokens);
  export->certificates = g_steal_pointer (&certificates);
  return export;
}

static void
export_done (Request      *req,
             gpointer      value,
             const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  Export *export = value;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "account");
  add_account (builder, req->account, TRUE);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < export->events->len; i++)
    add_event (builder, g_ptr_array_index (export->events, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "tokens");
  json_builder_begin_array (builder);
  for (guint i = 0; i < export->tokens->len; i++)
    {
      const TrsTokenInfo *info = g_ptr_array_index (export->tokens, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "created");
      json_builder_add_int_value (builder, info->created);
      json_builder_set_member_name (builder, "expires");
      json_builder_add_int_value (builder, info->expires);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "certificates");
  json_builder_begin_array (builder);
  for (guint i = 0; i < export->certificates->len; i++)
    add_certificate_entry (FALSE, builder, req->api, g_ptr_array_index (export->certificates, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

static void
handle_export (Request *req)
{
  request_run (req, TRS_JOB_READ, export_job, export_free, export_done);
}

static gpointer
erase_job (TrsStore          *store,
           const TrsAccount  *account,
           Request           *req,
           GError           **error)
{
  if (!trs_store_account_delete (store, account->id, error))
    return NULL;
  return GINT_TO_POINTER (1);
}

static void
erase_done (Request      *req,
            gpointer      value,
            const GError *error)
{
  if (error == NULL)
    trs_metrics_add_accounts (req->api->metrics, -1);
  reply_no_content (req, value, error);
}

static void
handle_erase (Request *req)
{
  request_run (req, TRS_JOB_WRITE, erase_job, NULL, erase_done);
}

/* ----------------------------------------------------------------------- */
/* POST and GET /api/v1/events, GET /api/v1/progress                        */

typedef struct
{
  guint  n_new;
  guint  n_duplicate;
  gint64 cursor;
} Stored;

static gpointer
push_job (TrsStore          *store,
          const TrsAccount  *account,
          Request           *req,
          GError           **error)
{
  Stored *stored = g_new0 (Stored, 1);

  if (!trs_store_events_insert (store, account, req->events, &stored->n_new, &stored->n_duplicate,
                                &stored->cursor, error))
    {
      g_free (stored);
      return NULL;
    }
  return stored;
}

static void
push_done (Request      *req,
           gpointer      value,
           const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  Stored *stored = value;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  trs_metrics_add_events (req->api->metrics, stored->n_new);
  if (stored->n_new > 0)
    trs_classroom_hub_account_changed (req->api->hub, req->account->id);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "new");
  json_builder_add_int_value (builder, stored->n_new);
  json_builder_set_member_name (builder, "duplicate");
  json_builder_add_int_value (builder, stored->n_duplicate);
  json_builder_set_member_name (builder, "cursor");
  json_builder_add_int_value (builder, stored->cursor);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

/* The whole batch is checked (trs-body.c) before anything is stored. */
static void
handle_push (Request *req)
{
  g_autoptr(GError) error = NULL;

  if (!request_parse_body (req))
    return;
  req->events = trs_body_parse_events (json_node_get_object (req->body), &error);
  if (req->events == NULL)
    {
      request_reply_body_error (req, error);
      return;
    }
  request_run (req, TRS_JOB_WRITE, push_job, g_free, push_done);
}

typedef struct
{
  GPtrArray *events;
  gint64     cursor;
  gboolean   more;
} Page;

static void
page_free (gpointer data)
{
  Page *page = data;

  g_clear_pointer (&page->events, g_ptr_array_unref);
  g_free (page);
}

static gpointer
pull_job (TrsStore          *store,
          const TrsAccount  *account,
          Request           *req,
          GError           **error)
{
  Page *page = g_new0 (Page, 1);

  page->events = trs_store_events_after (store, account->id, req->after, req->limit,
                                         &page->cursor, &page->more, error);
  if (page->events == NULL)
    {
      page_free (page);
      return NULL;
    }
  return page;
}

static void
pull_done (Request      *req,
           gpointer      value,
           const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  Page *page = value;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < page->events->len; i++)
    add_event (builder, g_ptr_array_index (page->events, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "cursor");
  json_builder_add_int_value (builder, page->cursor);
  json_builder_set_member_name (builder, "more");
  json_builder_add_boolean_value (builder, page->more);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

/* A whole decimal number between @min and @max from the query, or @fallback
 * when absent. */
static gboolean
query_int (Request     *req,
           const char  *name,
           gint64       min,
           gint64       max,
           gint64       fallback,
           gint64      *out)
{
  const char *text = req->query != NULL ? g_hash_table_lookup (req->query, name) : NULL;
  guint64 value;

  if (text == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           "\"%s\" must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                           name, min, max);
      return FALSE;
    }
  *out = (gint64) value;
  return TRUE;
}

static void
handle_pull (Request *req)
{
  gint64 limit;

  if (!query_int (req, "after", 0, G_MAXINT64, 0, &req->after) ||
      !query_int (req, "limit", 1, MAX_EVENTS, DEFAULT_PULL_LIMIT, &limit))
    return;
  req->limit = (guint) limit;
  request_read_now (req, pull_job, page_free, pull_done);
}

static gpointer
progress_job (TrsStore          *store,
              const TrsAccount  *account,
              Request           *req,
              GError           **error)
{
  return trs_store_events_all (store, account->id, error);
}

static void
progress_done (Request      *req,
               gpointer      value,
               const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *events = value;
  GPtrArray *courses = req->api->courses;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "courses");
  json_builder_begin_array (builder);
  for (guint i = 0; i < courses->len; i++)
    {
      TrCourse *course = g_ptr_array_index (courses, i);
      g_autoptr(TrProgress) progress = tr_progress_compute (course, events);
      int quiz_best = tr_progress_get_quiz_best_score (progress);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, tr_course_get_id (course));
      json_builder_set_member_name (builder, "version");
      json_builder_add_string_value (builder, tr_course_get_version (course));
      json_builder_set_member_name (builder, "done");
      json_builder_add_int_value (builder, tr_progress_get_n_done (progress));
      json_builder_set_member_name (builder, "required");
      json_builder_add_int_value (builder, tr_progress_get_n_required (progress));
      json_builder_set_member_name (builder, "complete");
      json_builder_add_boolean_value (builder, tr_progress_is_complete (progress));
      json_builder_set_member_name (builder, "quiz_best");
      if (quiz_best >= 0)
        json_builder_add_int_value (builder, quiz_best);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

static void
handle_progress (Request *req)
{
  request_read_now (req, progress_job, (GDestroyNotify) g_ptr_array_unref, progress_done);
}

/* ----------------------------------------------------------------------- */
/* The course catalogue                                                     */

static void
courses_done (Request      *req,
              gpointer      value,
              const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "courses");
  json_builder_begin_array (builder);
  for (guint i = 0; i < req->api->courses->len; i++)
    add_course (builder, g_ptr_array_index (req->api->courses, i), FALSE);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

static void
handle_courses (Request *req)
{
  request_read_now (req, NULL, NULL, courses_done);
}

static void
course_done (Request      *req,
             gpointer      value,
             const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  TrCourse *course;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  course = find_course (req->api, req->param);
  if (course == NULL)
    {
      request_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "no such course");
      return;
    }
  add_course (builder, course, TRUE);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

static void
handle_course (Request *req)
{
  request_read_now (req, NULL, NULL, course_done);
}

typedef struct
{
  char   *path;      /* relative, with "/" */
  GBytes *bytes;
} PackageFile;

static void
package_file_free (PackageFile *file)
{
  g_free (file->path);
  g_bytes_unref (file->bytes);
  g_free (file);
}

static int
compare_package_files (gconstpointer a,
                       gconstpointer b)
{
  const PackageFile *x = *(const PackageFile * const *) a;
  const PackageFile *y = *(const PackageFile * const *) b;

  return strcmp (x->path, y->path);
}

/* The bytes of a regular file, without following a link at its last step
 * (the folders above it were checked on the way down). */
static GBytes *
read_regular_file (const char  *path,
                   GError     **error)
{
  g_autofree char *data = NULL;
  struct stat info;
  gsize length = 0;
  int fd;

  fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &info) != 0 || !S_ISREG (info.st_mode))
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "cannot read %s: %s", path,
                   g_strerror (saved_errno));
      return NULL;
    }
  data = g_malloc (info.st_size + 1);
  while (length < (gsize) info.st_size)
    {
      gssize n = read (fd, data + length, info.st_size - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved_errno = n < 0 ? errno : EIO;

          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "cannot read %s: %s", path,
                       g_strerror (saved_errno));
          return NULL;
        }
      length += n;
    }
  close (fd);
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

/* The files of a course as tr_course_compute_version() counts them: no
 * hidden files, no links, nothing outside the folder. */
static gboolean
collect_package_files (const char  *root,
                       const char  *relative,
                       GPtrArray   *into,
                       GError     **error)
{
  g_autofree char *path = relative != NULL ? g_build_filename (root, relative, NULL) : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (path, 0, error);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = relative != NULL ? g_strconcat (relative, "/", name, NULL) : g_strdup (name);
      g_autofree char *child_path = g_build_filename (root, child, NULL);
      struct stat info;

      if (name[0] == '.' || lstat (child_path, &info) != 0 || S_ISLNK (info.st_mode))
        continue;
      if (S_ISDIR (info.st_mode))
        {
          if (!collect_package_files (root, child, into, error))
            return FALSE;
        }
      else if (S_ISREG (info.st_mode))
        {
          PackageFile *file = g_new0 (PackageFile, 1);

          file->bytes = read_regular_file (child_path, error);
          if (file->bytes == NULL)
            {
              g_free (file);
              return FALSE;
            }
          file->path = g_steal_pointer (&child);
          g_ptr_array_add (into, file);
        }
    }
  return TRUE;
}

static void
package_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TrCourse *course = task_data;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) package_file_free);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  const char *version;
  char *data;
  gsize length;

  if (!collect_package_files (tr_course_get_dir (course), NULL, files, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_sort (files, compare_package_files);

  /* The version of the bytes sent, as the client computes it: if the folder
   * changed since the server started, the package still checks out. */
  for (guint i = 0; i < files->len; i++)
    {
      PackageFile *file = g_ptr_array_index (files, i);
      g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (file->bytes));
      gsize file_length;
      const guchar *file_data = g_bytes_get_data (file->bytes, &file_length);

      g_checksum_update (checksum, (const guchar *) file->path, strlen (file->path) + 1);
      g_checksum_update (checksum, (const guchar *) size, strlen (size) + 1);
      if (file_length > 0)
        g_checksum_update (checksum, file_data, file_length);
    }
  version = g_checksum_get_string (checksum);
  if (g_strcmp0 (version, tr_course_get_version (course)) != 0)
    g_message ("course %s changed on disk since it was loaded", tr_course_get_id (course));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, tr_course_get_id (course));
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, version);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < files->len; i++)
    {
      PackageFile *file = g_ptr_array_index (files, i);
      gsize file_length;
      const guchar *file_data = g_bytes_get_data (file->bytes, &file_length);
      g_autofree char *encoded = g_base64_encode (file_data, file_length);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, file->path);
      json_builder_set_member_name (builder, "data");
      json_builder_add_string_value (builder, encoded);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  data = node_to_data (root, &length);
  g_task_return_pointer (task, g_bytes_new_take (data, length), (GDestroyNotify) g_bytes_unref);
}

static void
package_built_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Request *req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_task_propagate_pointer (G_TASK (result), &error);
  gsize length;
  gpointer data;

  if (bytes == NULL)
    {
      request_reply_internal (req, error);
      return;
    }
  data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &length);
  request_reply_take (req, SOUP_STATUS_OK, "application/json", data, length);
}

static void
package_done (Request      *req,
              gpointer      value,
              const GError *error)
{
  g_autoptr(GTask) task = NULL;
  TrCourse *course;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  course = find_course (req->api, req->param);
  if (course == NULL)
    {
      request_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "no such course");
      return;
    }
  /* Reading and encoding the files is slow work: not on the main context. */
  request_pause (req);
  task = g_task_new (NULL, NULL, package_built_cb, req);
  g_task_set_source_tag (task, package_done);
  g_task_set_task_data (task, g_object_ref (course), g_object_unref);
  g_task_run_in_thread (task, package_thread);
}

static void
handle_package (Request *req)
{
  request_read_now (req, NULL, NULL, package_done);
}

/* ----------------------------------------------------------------------- */
/* Certificates                                                             */

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static TrLearningPath *
find_path (TrsApi     *api,
           const char *id)
{
  for (guint i = 0; i < api->paths->len; i++)
    {
      TrLearningPath *path = g_ptr_array_index (api->paths, i);

      if (g_strcmp0 (tr_learning_path_get_id (path), id) == 0)
        return path;
    }
  return NULL;
}

/* The secret key of @kid, loaded from DATA/keys the first time: after a
 * `keys rotate` the running server signs with the new key without a
 * restart. Call with keys_mutex held. */
static const guint8 *
secret_key_locked (TrsApi      *api,
                   TrsStore    *store,
                   const char  *kid,
                   GError     **error)
{
  g_autoptr(GPtrArray) keys = NULL;
  const guint8 *public_key = NULL;
  guint8 *secret;

  secret = g_hash_table_lookup (api->secret_keys, kid);
  if (secret != NULL)
    return secret;
  if (api->data_dir == NULL)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "no signing key was loaded");
      return NULL;
    }
  keys = trs_store_key_list (store, error);
  if (keys == NULL)
    return NULL;
  for (guint i = 0; i < keys->len; i++)
    {
      TrsSigningKey *key = g_ptr_array_index (keys, i);

      if (g_str_equal (key->kid, kid) && g_bytes_get_size (key->public_key) == TR_ED25519_PUBLIC_KEY_SIZE)
        public_key = g_bytes_get_data (key->public_key, NULL);
    }
  if (public_key == NULL)
    {
      g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "the signing key %s has no public key", kid);
      return NULL;
    }
  /* Locked away from swap and core dumps, and wiped when freed. */
  secret = sodium_malloc (TR_ED25519_SECRET_KEY_SIZE);
  if (secret == NULL)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "out of memory for a key");
      return NULL;
    }
  if (!trs_keys_load_secret (api->data_dir, kid, public_key, secret, error))
    {
      sodium_free (secret);
      return NULL;
    }
  g_hash_table_insert (api->secret_keys, g_strdup (kid), secret);
  return secret;
}

static gboolean
api_ensure_secret (TrsApi      *api,
                   TrsStore    *store,
                   const char  *kid,
                   GError     **error)
{
  gboolean ok;

  g_mutex_lock (&api->keys_mutex);
  ok = secret_key_locked (api, store, kid, error) != NULL;
  g_mutex_unlock (&api->keys_mutex);
  return ok;
}

/* Signs @payload with the active key, on the database thread. */
static char *
api_sign (TrsApi    *api,
          TrsStore  *store,
          JsonNode  *payload,
          GError   **error)
{
  g_autofree char *kid = trs_store_key_active (store, error);
  const guint8 *secret;
  char *jws = NULL;

  if (kid == NULL)
    return NULL;
  g_mutex_lock (&api->keys_mutex);
  secret = secret_key_locked (api, store, kid, error);
  if (secret != NULL)
    jws = tr_jws_sign (payload, kid, secret);
  g_mutex_unlock (&api->keys_mutex);
  if (secret != NULL && jws == NULL)
    g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "could not sign with the key %s", kid);
  return jws;
}

static TrsCertificateStatus
certificate_status (const TrsCertificate *certificate,
                    gint64                now)
{
  if (certificate->revoked)
    return TRS_CERTIFICATE_REVOKED;
  if (certificate->valid_until > 0 && now >= certificate->valid_until)
    return TRS_CERTIFICATE_EXPIRED;
  return TRS_CERTIFICATE_VALID;
}

/* The payload of the stored JWS; NULL when it cannot be read back (this
 * server signed it, so that is a fault here). */
static JsonNode *
certificate_payload (const TrsCertificate *certificate)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = tr_jws_decode (certificate->jws, NULL, &error);

  if (node == NULL)
    g_warning ("certificate %s: cannot decode its JWS: %s", certificate->id, error->message);
  return node;
}

/* What the stored, signed certificate states; NULL when it cannot be read. */
static TrCredentialInfo *
certificate_credential (const TrsCertificate *certificate)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = certificate_payload (certificate);
  TrCredentialInfo *info;

  if (node == NULL)
    return NULL;
  info = tr_credential_parse (node, &error);
  if (info == NULL)
    g_warning ("certificate %s: cannot read its credential: %s", certificate->id, error->message);
  return info;
}



/* The title the certificate states, or else the catalogue's. */
static const TrText *
certificate_title (TrsApi                 *api,
                   const TrsCertificate   *certificate,
                   const TrCredentialInfo *info)
{
  if (info != NULL && tr_text_is_set (&info->title))
    return &info->title;
  if (g_strcmp0 (certificate->achievement_kind, "path") == 0)
    {
      TrLearningPath *path = find_path (api, certificate->achievement_id);

      return path != NULL ? tr_learning_path_get_title (path) : NULL;
    }
  else
    {
      TrCourse *course = find_course (api, certificate->achievement_id);

      return course != NULL ? tr_course_get_title (course) : NULL;
    }
}

/* An entry of the learner's list (and of their export). */
static void
add_certificate_entry (gboolean              with_holder,
                       JsonBuilder          *builder,
                       TrsApi               *api,
                       const TrsCertificate *certificate)
{
  g_autoptr(TrCredentialInfo) info = certificate_credential (certificate);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, certificate->id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, certificate->achievement_kind);
  json_builder_set_member_name (builder, "achievement");
  json_builder_add_string_value (builder, certificate->achievement_id);
  json_builder_set_member_name (builder, "title");
  trs_json_add_text (builder, certificate_title (api, certificate, info));
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, certificate->content_version);
  json_builder_set_member_name (builder, "issued");
  json_builder_add_int_value (builder, certificate->issued);
  trs_json_add_time_or_null (builder, "valid_until", certificate->valid_until);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, trs_certificate_status_to_string (certificate_status (certificate,
                                                                                                now_ms ())));
  json_builder_set_member_name (builder, "revoked");
  json_builder_add_boolean_value (builder, certificate->revoked);
  trs_json_add_time_or_null (builder, "revoked_at", certificate->revoked_at);
  json_builder_set_member_name (builder, "jws");
  json_builder_add_string_value (builder, certificate->jws);
  if (with_holder)
    {
      json_builder_set_member_name (builder, "holder");
      json_builder_add_string_value (builder, certificate->holder_name);
    }
  json_builder_end_object (builder);
}

/* The public answer about a certificate: no more than it states itself,
 * and its status. The reason of a revocation stays with the institute. */
static JsonNode *
certificate_status_json (TrsApi               *api,
                         const TrsCertificate *certificate)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(TrCredentialInfo) info = certificate_credential (certificate);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, certificate->id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, trs_certificate_status_to_string (certificate_status (certificate,
                                                                                                now_ms ())));
  json_builder_set_member_name (builder, "holder");
  json_builder_add_string_value (builder, certificate->holder_name);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, certificate->achievement_kind);
  json_builder_set_member_name (builder, "achievement");
  json_builder_add_string_value (builder, certificate->achievement_id);
  json_builder_set_member_name (builder, "title");
  trs_json_add_text (builder, certificate_title (api, certificate, info));
  if (info != NULL && info->modules != NULL)
    {
      json_builder_set_member_name (builder, "modules");
      json_builder_begin_array (builder);
      for (guint i = 0; info->modules[i] != NULL; i++)
        json_builder_add_string_value (builder, info->modules[i]);
      json_builder_end_array (builder);
    }
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, certificate->content_version);
  json_builder_set_member_name (builder, "issued");
  json_builder_add_int_value (builder, certificate->issued);
  trs_json_add_time_or_null (builder, "valid_until", certificate->valid_until);
  json_builder_set_member_name (builder, "institute");
  json_builder_add_string_value (builder, certificate->institute_name);
  trs_json_add_time_or_null (builder, "revoked_at", certificate->revoked ? certificate->revoked_at : 0);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* POST /api/v1/certificates */

typedef struct
{
  TrsCertificate *certificate;
  char           *missing;     /* not complete: what is left */
  gboolean        created;
} Issued;

static void
issued_free (gpointer data)
{
  Issued *issued = data;

  g_clear_pointer (&issued->certificate, trs_certificate_free);
  g_free (issued->missing);
  g_free (issued);
}

/* One job: the check for an earlier certificate, the completion (from the
 * stored events, never the client's word), the index, the signature and
 * the insert, so that two requests at once cannot issue two. */
static gpointer
issue_job (TrsStore          *store,
           const TrsAccount  *account,
           Request           *req,
           GError           **error)
{
  TrsApi *api = req->api;
  const char *kind = req->course != NULL ? "course" : "path";
  const char *achievement_id = req->course != NULL ? tr_course_get_id (req->course)
                                                   : tr_learning_path_get_id (req->path);
  g_autofree char *version = NULL;
  g_autofree char *uuid = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autoptr(JsonNode) credential = NULL;
  g_autoptr(TrsCertificate) certificate = NULL;
  g_autofree char *missing = NULL;
  Issued *issued;
  int validity_months = 0;
  guint index;
  gint64 now = now_ms ();

  version = req->course != NULL ? g_strdup (tr_course_get_version (req->course))
                                : trs_path_version (req->path, api->courses);
  if (version == NULL)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND,
                           "a course of the learning path is not published on this server");
      return NULL;
    }

  certificate = trs_store_certificate_find_existing (store, account->id, kind, achievement_id, version,
                                                     &local_error);
  if (certificate != NULL)
    {
      issued = g_new0 (Issued, 1);
      issued->certificate = g_steal_pointer (&certificate);
      return issued;
    }
  if (!g_error_matches (local_error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  events = trs_store_events_all (store, account->id, error);
  if (events == NULL)
    return NULL;
  if (req->course != NULL)
    info = trs_achievement_course (req->course, events, &validity_months, &missing);
  else
    info = trs_achievement_path (req->path, api->courses, events, &validity_months, &missing);
  if (info == NULL)
    {
      issued = g_new0 (Issued, 1);
      issued->missing = g_steal_pointer (&missing);
      return issued;
    }

  if (!trs_store_certificate_next_index (store, &index, error))
    return NULL;
  uuid = g_uuid_string_random ();
  info->id = g_strconcat ("urn:uuid:", uuid, NULL);
  info->issuer_id = g_strdup (api->public_url);
  info->issuer_name = g_strdup (account->institute_name);
  info->holder_name = g_strdup (account->name);
  info->holder_id = g_strconcat ("urn:uuid:", account->public_id, NULL);
  info->valid_from = now;
  info->valid_until = validity_months > 0 ? trs_add_months (now, validity_months) : 0;
  info->status_list = g_strconcat (api->public_url, STATUS_LIST_PATH, NULL);
  info->status_index = index;
  info->verify_url = g_strconcat (api->public_url, "/verify/", uuid, NULL);
  credential = tr_credential_build (info);
  if (credential == NULL || !JSON_NODE_HOLDS_OBJECT (credential))
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "could not build the credential");
      return NULL;
    }

  certificate = g_new0 (TrsCertificate, 1);
  certificate->jws = api_sign (api, store, credential, error);
  if (certificate->jws == NULL)
    return NULL;
  certificate->id = g_steal_pointer (&uuid);
  certificate->account_id = account->id;
  certificate->institute_id = account->institute_id;
  certificate->institute_name = g_strdup (account->institute_name);
  certificate->holder_id = g_strdup (account->public_id);
  certificate->holder_name = g_strdup (account->name);
  certificate->achievement_kind = g_strdup (kind);
  certificate->achievement_id = g_strdup (achievement_id);
  certificate->content_version = g_steal_pointer (&version);
  certificate->issued = now;
  certificate->valid_until = info->valid_until;
  certificate->status_index = index;
  if (!trs_store_certificate_insert (store, certificate, error))
    return NULL;

  issued = g_new0 (Issued, 1);
  issued->certificate = g_steal_pointer (&certificate);
  issued->created = TRUE;
  return issued;
}

static void
issue_done (Request      *req,
            gpointer      value,
            const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  Issued *issued = value;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  if (issued->missing != NULL)
    {
      request_reply_error (req, SOUP_STATUS_CONFLICT, "not_complete", "not complete yet: %s", issued->missing);
      return;
    }
  payload = certificate_payload (issued->certificate);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, issued->certificate->id);
  json_builder_set_member_name (builder, "jws");
  json_builder_add_string_value (builder, issued->certificate->jws);
  json_builder_set_member_name (builder, "credential");
  if (payload != NULL)
    json_builder_add_value (builder, g_steal_pointer (&payload));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  if (issued->created)
    {
      g_autofree char *location = g_strconcat ("/api/v1/certificates/", issued->certificate->id, "/status", NULL);

      request_set_header (req, "Location", location);
    }
  request_reply_builder (req, issued->created ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, builder);
}

static void
handle_issue (Request *req)
{
  JsonObject *body;
  JsonNode *course, *path;
  g_autoptr(GError) error = NULL;
  const char *id;

  if (!request_parse_body (req))
    return;
  body = json_node_get_object (req->body);
  course = json_object_get_member (body, "course");
  path = json_object_get_member (body, "path");
  if ((course == NULL) == (path == NULL))
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           "give either \"course\" or \"path\", the id of what was completed");
      return;
    }
  id = member_string (body, course != NULL ? "course" : "path", 1, MAX_ID_BYTES, &error);
  if (id == NULL)
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "%s", error->message);
      return;
    }
  if (course != NULL && (req->course = find_course (req->api, id)) == NULL)
    {
      request_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "no such course");
      return;
    }
  if (path != NULL && (req->path = find_path (req->api, id)) == NULL)
    {
      request_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "no such learning path");
      return;
    }
  request_run (req, TRS_JOB_WRITE, issue_job, issued_free, issue_done);
}

/* GET /api/v1/certificates */

static gpointer
certificates_job (TrsStore          *store,
                  const TrsAccount  *account,
                  Request           *req,
                  GError           **error)
{
  return trs_store_certificate_list (store, account->id, error);
}

static void
reply_certificate_list (Request      *req,
                        GPtrArray    *certificates,
                        const GError *error,
                        gboolean      with_holder)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "certificates");
  json_builder_begin_array (builder);
  for (guint i = 0; i < certificates->len; i++)
    add_certificate_entry (with_holder, builder, req->api, g_ptr_array_index (certificates, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

static void
certificates_done (Request      *req,
                   gpointer      value,
                   const GError *error)
{
  reply_certificate_list (req, value, error, FALSE);
}

static void
handle_certificates (Request *req)
{
  request_read_now (req, certificates_job, (GDestroyNotify) g_ptr_array_unref, certificates_done);
}

/* GET /api/v1/certificates/{id}/status and GET /verify/{id} */

static gpointer
certificate_find_job (TrsStore          *store,
                      const TrsAccount  *account,
                      Request           *req,
                      GError           **error)
{
  return trs_store_certificate_find (store, req->param, error);
}

static void
reply_unknown_status (Request *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  /* The error shape of every 404, and the status a verifier looks for. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  if (g_uuid_string_is_valid (req->param))
    json_builder_add_string_value (builder, req->param);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "unknown");
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, "not_found");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "no certificate with this id was issued here");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_NOT_FOUND, builder);
}

static void
certificate_status_done (Request      *req,
                         gpointer      value,
                         const GError *error)
{
  if (g_error_matches (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND))
    {
      reply_unknown_status (req);
      return;
    }
  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  /* A revocation must show at once. */
  request_set_header (req, "Cache-Control", "no-cache");
  request_reply_node (req, SOUP_STATUS_OK, certificate_status_json (req->api, value));
}

static void
handle_certificate_status (Request *req)
{
  request_read_now (req, certificate_find_job, (GDestroyNotify) trs_certificate_free,
               certificate_status_done);
}

static void
verify_done (Request      *req,
             gpointer      value,
             const GError *error)
{
  TrsCertificate *certificate = value;
  g_autoptr(TrCredentialInfo) info = NULL;
  TrsVerifyView view = { 0 };
  char *page;
  guint status = SOUP_STATUS_OK;

  if (error != NULL && !g_error_matches (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND))
    {
      request_reply_failure (req, error);
      return;
    }
  view.id = g_uuid_string_is_valid (req->param) ? req->param : NULL;
  if (error != NULL)
    {
      view.status = TRS_CERTIFICATE_UNKNOWN;
      status = SOUP_STATUS_NOT_FOUND;
    }
  else
    {
      info = certificate_credential (certificate);
      view.status = certificate_status (certificate, now_ms ());
      view.holder = certificate->holder_name;
      view.kind = certificate->achievement_kind;
      view.achievement_id = certificate->achievement_id;
      view.title = certificate_title (req->api, certificate, info);
      view.modules = info != NULL ? (const char * const *) info->modules : NULL;
      view.version = certificate->content_version;
      view.institute = certificate->institute_name;
      view.issued = certificate->issued;
      view.valid_until = certificate->valid_until;
      view.revoked_at = certificate->revoked_at;
    }
  page = trs_verify_page_render (&view, req->lang);

  request_set_header (req, "Content-Language", tr_lang_to_code (req->lang));
  request_set_header (req, "Vary", "Accept-Language");
  request_set_header (req, "Cache-Control", "no-cache");
  /* No scripts, no frames, nothing from elsewhere: the page cannot be
   * dressed up as something it is not. */
  request_set_header (req, "Content-Security-Policy",
                      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                      "form-action 'none'; frame-ancestors 'none'");
  request_set_header (req, "X-Content-Type-Options", "nosniff");
  request_set_header (req, "Referrer-Policy", "no-referrer");
  request_reply_take (req, status, "text/html; charset=utf-8", page, strlen (page));
}

static void
handle_verify (Request *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);

  req->lang = trs_accept_language (soup_message_headers_get_list (headers, "Accept-Language"));
  request_read_now (req, certificate_find_job, (GDestroyNotify) trs_certificate_free, verify_done);
}

/* POST /api/v1/certificates/{id}/revoke */

static gpointer
revoke_job (TrsStore          *store,
            const TrsAccount  *account,
            Request           *req,
            GError           **error)
{
  g_autoptr(TrsCertificate) certificate = trs_store_certificate_find (store, req->param, error);

  if (certificate == NULL)
    return NULL;
  if (certificate->institute_id != account->institute_id)
    {
      g_set_error_literal (error, TRS_API_ERROR, TRS_API_ERROR_FORBIDDEN,
                           "only an admin of the institute that issued it may revoke a certificate");
      return NULL;
    }
  return trs_store_certificate_revoke (store, req->param, req->reason, error);
}

static void
revoke_done (Request      *req,
             gpointer      value,
             const GError *error)
{
  if (g_error_matches (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND))
    {
      request_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "no such certificate");
      return;
    }
  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  request_reply_node (req, SOUP_STATUS_OK, certificate_status_json (req->api, value));
}

static void
handle_revoke (Request *req)
{
  g_autoptr(GError) error = NULL;
  const char *reason;

  if (!request_parse_body (req))
    return;
  reason = member_string (json_node_get_object (req->body), "reason", 1, 4 * MAX_REASON_CHARS, &error);
  if (reason == NULL)
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", "%s", error->message);
      return;
    }
  req->reason = g_strstrip (g_strdup (reason));
  if (*req->reason == '\0' || g_utf8_strlen (req->reason, -1) > MAX_REASON_CHARS ||
      has_control_characters (req->reason))
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           "\"reason\" must hold 1 to %d characters, none of them control characters",
                           MAX_REASON_CHARS);
      return;
    }
  if (!g_uuid_string_is_valid (req->param))
    {
      request_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "no such certificate");
      return;
    }
  request_run (req, TRS_JOB_WRITE, revoke_job, (GDestroyNotify) trs_certificate_free, revoke_done);
}

/* GET /api/v1/status-list */

/* Made again only when what it is made from changed (a revocation, from
 * the API or the command line; a new signing key) or it got old: signing
 * 16 KiB of compressed bits on every request would be waste. */
static gpointer
status_list_job (TrsStore          *store,
                 const TrsAccount  *account,
                 Request           *req,
                 GError           **error)
{
  TrsApi *api = req->api;
  g_autoptr(GArray) indexes = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *kid = NULL;
  g_autofree guint8 *bits = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *list_url = NULL;
  g_autoptr(JsonNode) credential = NULL;
  const char *digest;
  char *jws;

  if ((indexes = trs_store_certificate_revoked_indexes (store, error)) == NULL ||
      (kid = trs_store_key_active (store, error)) == NULL)
    return NULL;
  g_checksum_update (checksum, (const guchar *) kid, strlen (kid) + 1);
  g_checksum_update (checksum, (const guchar *) indexes->data, indexes->len * sizeof (guint));
  digest = g_checksum_get_string (checksum);

  g_mutex_lock (&api->status_list_mutex);
  if (api->status_list_jws != NULL && g_strcmp0 (api->status_list_digest, digest) == 0 &&
      g_get_monotonic_time () - api->status_list_made < STATUS_LIST_MAX_AGE_US)
    {
      jws = g_strdup (api->status_list_jws);
      g_mutex_unlock (&api->status_list_mutex);
      return jws;
    }
  g_mutex_unlock (&api->status_list_mutex);

  /* Bit 0 is the most significant bit of the first byte. */
  bits = g_malloc0 (TRS_STATUS_LIST_SIZE / 8);
  for (guint i = 0; i < indexes->len; i++)
    {
      guint index = g_array_index (indexes, guint, i);

      if (index < TRS_STATUS_LIST_SIZE)
        bits[index / 8] |= (guint8) (0x80 >> (index % 8));
    }
  encoded = tr_status_list_encode (bits, TRS_STATUS_LIST_SIZE / 8);
  list_url = g_strconcat (api->public_url, STATUS_LIST_PATH, NULL);
  credential = tr_status_list_build (list_url, api->public_url, encoded, now_ms ());
  if (encoded == NULL || credential == NULL || !JSON_NODE_HOLDS_OBJECT (credential))
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "could not build the status list");
      return NULL;
    }
  jws = api_sign (api, store, credential, error);
  if (jws == NULL)
    return NULL;

  g_mutex_lock (&api->status_list_mutex);
  g_free (api->status_list_digest);
  api->status_list_digest = g_strdup (digest);
  g_free (api->status_list_jws);
  api->status_list_jws = g_strdup (jws);
  api->status_list_made = g_get_monotonic_time ();
  g_mutex_unlock (&api->status_list_mutex);
  return jws;
}

static void
status_list_done (Request      *req,
                  gpointer      value,
                  const GError *error)
{
  g_autofree char *data = NULL;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  data = g_strconcat (value, "\n", NULL);
  /* Clients cache it for offline checks; a few minutes of delay after a
   * revocation is what they accept in return. */
  request_set_header (req, "Cache-Control", "max-age=300");
  request_reply_take (req, SOUP_STATUS_OK, "application/vc+jwt", g_steal_pointer (&data), strlen (value) + 1);
}

static void
handle_status_list (Request *req)
{
  request_run (req, TRS_JOB_READ, status_list_job, g_free, status_list_done);
}

/* GET /.well-known/jwks.json */

static gpointer
jwks_job (TrsStore          *store,
          const TrsAccount  *account,
          Request           *req,
          GError           **error)
{
  return trs_store_key_list (store, error);
}

static void
jwks_done (Request      *req,
           gpointer      value,
           const GError *error)
{
  g_autoptr(GHashTable) keys = tr_jwks_new_table ();
  GPtrArray *list = value;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  /* Every key, the old ones too: what they signed keeps verifying. */
  for (guint i = 0; i < list->len; i++)
    {
      TrsSigningKey *key = g_ptr_array_index (list, i);

      if (g_bytes_get_size (key->public_key) == TR_ED25519_PUBLIC_KEY_SIZE)
        tr_jwks_add (keys, key->kid, g_bytes_get_data (key->public_key, NULL));
    }
  request_set_header (req, "Cache-Control", "max-age=300");
  request_reply_node (req, SOUP_STATUS_OK, tr_jwks_to_json (keys));
}

static void
handle_jwks (Request *req)
{
  request_read_now (req, jwks_job, (GDestroyNotify) g_ptr_array_unref, jwks_done);
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

static void
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

static void
handle_metrics (Request *req)
{
  request_read_now (req, count_accounts_job, g_free, metrics_done);
}

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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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
static gboolean
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

static void
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

static void
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

static void
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
static void
handle_join_page (Request *req)
{
  const char *accept = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                                     "Accept-Language");
  char *page = trs_join_page_render (req->param, trs_accept_language (accept));

  request_reply_take (req, SOUP_STATUS_OK, "text/html; charset=utf-8", page, strlen (page));
}

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

static void
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

static void
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

static void
handle_institute_certificates (Request *req)
{
  if (!query_report_filters (req))
    return;
  request_run (req, TRS_JOB_READ, institute_certificates_job, (GDestroyNotify) g_ptr_array_unref,
               institute_certificates_done);
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
