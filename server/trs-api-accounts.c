/* trs-api-accounts.c: the routes of enrolment, sign-in, sign-out, and a learner's
 * export and erasure (docs/api.md)
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"




#include "trs-api-private.h"

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

void
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

void
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

void
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

void
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

void
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

void
handle_erase (Request *req)
{
  request_run (req, TRS_JOB_WRITE, erase_job, NULL, erase_done);
}

