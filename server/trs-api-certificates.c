/* trs-api-certificates.c: the routes of certificates: issuing, listing, status,
 * the verify page, revocation, the status list and the JWKS (docs/api.md)
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <sodium.h>


#include "tr-jws.h"

#include "trs-api-private.h"
#include "trs-json.h"
#include "trs-keys.h"
#include "trs-verify-page.h"

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

gboolean
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
void
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

void
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

void
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

void
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

void
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

void
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

void
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

void
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

void
handle_jwks (Request *req)
{
  request_read_now (req, jwks_job, (GDestroyNotify) g_ptr_array_unref, jwks_done);
}

