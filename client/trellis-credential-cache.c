/* trellis-credential-cache.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-credential-cache"

#include "config.h"

#include <glib/gi18n.h>

#include "tr-jws.h"
#include "trellis-credential-cache.h"

/* A server's revocation lists are few; this bounds what a strange one costs. */
#define MAX_STATUS_LISTS 8

void
trellis_certificate_free (TrellisCertificate *certificate)
{
  if (certificate == NULL)
    return;
  g_free (certificate->jws);
  g_clear_pointer (&certificate->info, tr_credential_info_free);
  g_free (certificate);
}

/**
 * trellis_credential_read_unverified:
 * @kid: (out) (optional): the key it names
 *
 * What a credential states, without checking who signed it: for showing
 * the learner's own certificates, which came from their server. Verifying
 * is TrellisVerifyWindow's work.
 */
TrCredentialInfo *
trellis_credential_read_unverified (const char  *jws,
                                    char       **kid,
                                    GError     **error)
{
  g_autoptr(JsonNode) payload = NULL;

  g_return_val_if_fail (jws != NULL, NULL);

  if ((payload = tr_jws_decode (jws, kid, error)) == NULL)
    return NULL;
  return tr_credential_parse (payload, error);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static TrellisCertificate *
certificate_from_json (JsonNode *node)
{
  g_autoptr(TrellisCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *jws, *status;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  jws = member_string (object, "jws");
  if (jws == NULL)
    jws = member_string (object, "credential");
  if (jws == NULL)
    return NULL;

  certificate = g_new0 (TrellisCertificate, 1);
  certificate->jws = g_strdup (jws);
  if ((certificate->info = trellis_credential_read_unverified (jws, NULL, &error)) == NULL)
    {
      g_warning ("Skipping a certificate from the server: %s", error->message);
      return NULL;
    }
  status = member_string (object, "status");
  certificate->revoked = g_strcmp0 (status, "revoked") == 0 ||
                         json_object_get_boolean_member_with_default (object, "revoked", FALSE);
  certificate->revoked_at = member_int (object, "revoked_at");
  return g_steal_pointer (&certificate);
}

/**
 * trellis_certificates_from_json:
 * @root: the answer to GET /api/v1/certificates, {"certificates": [...]}
 *
 * Returns: (transfer container) (element-type TrellisCertificate): those
 *   that could be read, newest first
 */
GPtrArray *
trellis_certificates_from_json (JsonNode *root)
{
  GPtrArray *certificates = g_ptr_array_new_with_free_func ((GDestroyNotify) trellis_certificate_free);
  JsonNode *list = NULL;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    list = json_object_get_member (json_node_get_object (root), "certificates");
  else if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    list = root;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return certificates;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      TrellisCertificate *certificate = certificate_from_json (json_array_get_element (json_node_get_array (list), i));

      if (certificate != NULL)
        g_ptr_array_add (certificates, certificate);
    }
  for (guint i = 0; i < certificates->len / 2; i++)
    {
      gpointer swap = certificates->pdata[i];

      certificates->pdata[i] = certificates->pdata[certificates->len - 1 - i];
      certificates->pdata[certificates->len - 1 - i] = swap;
    }
  return certificates;
}

/* Meta values that are JSON objects. */

static JsonObject *
get_meta_object (TrellisProgressStore *store,
                 const char           *key)
{
  g_autofree char *text = trellis_progress_store_get_meta (store, key);
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (text == NULL)
    return json_object_new ();
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_warning ("Ignoring a damaged %s", key);
      return json_object_new ();
    }
  return json_object_ref (json_node_get_object (root));
}

static void
set_meta_object (TrellisProgressStore *store,
                 const char           *key,
                 JsonObject           *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);

  trellis_progress_store_set_meta (store, key, text);
}

static JsonObject *
entry_new (gint64 fetched)
{
  JsonObject *entry = json_object_new ();

  json_object_set_int_member (entry, "fetched", fetched);
  return entry;
}

/**
 * trellis_credential_cache_set_jwks:
 * @server: the server the keys came from
 * @jwks: its /.well-known/jwks.json
 * @fetched: when, in µs since 1970
 *
 * Keeps the keys of each server the device has synced with: a credential
 * from an institute this device left is still checked against its keys.
 */
void
trellis_credential_cache_set_jwks (TrellisProgressStore *store,
                                   const char           *server,
                                   JsonNode             *jwks,
                                   gint64                fetched)
{
  g_autoptr(JsonObject) all = NULL;
  JsonObject *entry;

  g_return_if_fail (TRELLIS_IS_PROGRESS_STORE (store));
  g_return_if_fail (server != NULL);
  g_return_if_fail (jwks != NULL);

  all = get_meta_object (store, TRELLIS_META_JWKS);
  entry = entry_new (fetched);
  json_object_set_member (entry, "jwks", json_node_copy (jwks));
  json_object_set_object_member (all, server, entry);
  set_meta_object (store, TRELLIS_META_JWKS, all);
}

gboolean
trellis_credential_cache_has_keys (TrellisProgressStore *store)
{
  g_autoptr(JsonObject) all = NULL;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), FALSE);

  all = get_meta_object (store, TRELLIS_META_JWKS);
  return json_object_get_size (all) > 0;
}

/**
 * trellis_credential_cache_find_key:
 * @kid: the key a credential names
 * @server: (out) (optional): the server whose JWKS has it
 * @fetched: (out) (optional): when that JWKS was fetched, µs since 1970
 *
 * Returns: (transfer full) (nullable): the key table (tr-jws.h) of the
 *   server that published @kid, or %NULL when no server this device has
 *   synced with did
 */
GHashTable *
trellis_credential_cache_find_key (TrellisProgressStore  *store,
                                   const char            *kid,
                                   char                 **server,
                                   gint64                *fetched)
{
  g_autoptr(JsonObject) all = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);
  g_return_val_if_fail (kid != NULL, NULL);

  all = get_meta_object (store, TRELLIS_META_JWKS);
  json_object_iter_init (&iter, all);
  while (json_object_iter_next (&iter, &name, &node))
    {
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *jwks = entry != NULL ? json_object_get_member (entry, "jwks") : NULL;
      g_autofree char *text = NULL;
      g_autoptr(GHashTable) keys = NULL;
      g_autoptr(GError) error = NULL;

      if (jwks == NULL)
        continue;
      text = json_to_string (jwks, FALSE);
      if ((keys = tr_jwks_parse (text, &error)) == NULL)
        {
          g_warning ("Ignoring the keys kept for %s: %s", name, error->message);
          continue;
        }
      if (!g_hash_table_contains (keys, kid))
        continue;
      if (server != NULL)
        *server = g_strdup (name);
      if (fetched != NULL)
        *fetched = member_int (entry, "fetched");
      return g_steal_pointer (&keys);
    }
  return NULL;
}

void
trellis_credential_cache_set_status_list (TrellisProgressStore *store,
                                          const char           *url,
                                          const char           *document,
                                          gint64                fetched)
{
  g_autoptr(JsonObject) all = NULL;
  g_autofree char *stripped = NULL;
  JsonObject *entry;

  g_return_if_fail (TRELLIS_IS_PROGRESS_STORE (store));
  g_return_if_fail (url != NULL);
  g_return_if_fail (document != NULL);

  all = get_meta_object (store, TRELLIS_META_STATUS_LISTS);
  if (!json_object_has_member (all, url) && json_object_get_size (all) >= MAX_STATUS_LISTS)
    {
      g_autoptr(GList) urls = json_object_get_members (all);

      json_object_remove_member (all, urls->data);
    }
  entry = entry_new (fetched);
  stripped = g_strstrip (g_strdup (document));
  json_object_set_string_member (entry, "document", stripped);
  json_object_set_object_member (all, url, entry);
  set_meta_object (store, TRELLIS_META_STATUS_LISTS, all);
}

static const char *
encoded_list (JsonNode  *credential,
              GError   **error)
{
  JsonObject *root = JSON_NODE_HOLDS_OBJECT (credential) ? json_node_get_object (credential) : NULL;
  JsonObject *subject = member_object (root, "credentialSubject");
  const char *encoded = subject != NULL ? member_string (subject, "encodedList") : NULL;

  if (encoded == NULL)
    g_set_error_literal (error, TR_CREDENTIAL_ERROR, TR_CREDENTIAL_ERROR_INVALID,
                         _("The revocation list kept on this device is not a status list"));
  return encoded;
}

/**
 * trellis_credential_cache_get_status_list:
 * @url: the statusListCredential a credential points to
 * @fetched: (out): when it was fetched, µs since 1970; 0 when never
 *
 * A list signed as a JWS is checked against the keys kept; one served as
 * plain JSON came over the same TLS connection as everything else.
 *
 * Returns: (transfer full) (nullable): the encoded bits for
 *   tr_status_list_get (), or %NULL: with @error set when the list kept is
 *   unusable, without it when none was fetched
 */
char *
trellis_credential_cache_get_status_list (TrellisProgressStore  *store,
                                          const char            *url,
                                          gint64                *fetched,
                                          GError               **error)
{
  g_autoptr(JsonObject) all = NULL;
  g_autoptr(JsonNode) credential = NULL;
  JsonObject *entry;
  const char *document, *encoded;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  *fetched = 0;
  all = get_meta_object (store, TRELLIS_META_STATUS_LISTS);
  entry = member_object (all, url);
  document = entry != NULL ? member_string (entry, "document") : NULL;
  if (document == NULL)
    return NULL;

  if (document[0] == '{')
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      if (!json_parser_load_from_data (parser, document, -1, error))
        return NULL;
      credential = json_parser_steal_root (parser);
    }
  else
    {
      g_autofree char *kid = NULL;
      g_autoptr(GHashTable) keys = NULL;
      g_autoptr(JsonNode) unverified = tr_jws_decode (document, &kid, error);

      if (unverified == NULL)
        return NULL;
      if ((keys = trellis_credential_cache_find_key (store, kid, NULL, NULL)) == NULL)
        {
          g_set_error_literal (error, TR_JWS_ERROR, TR_JWS_ERROR_UNKNOWN_KEY,
                               _("The revocation list is signed with a key this device has not seen"));
          return NULL;
        }
      if ((credential = tr_jws_verify (document, keys, NULL, NULL)) == NULL)
        {
          g_set_error_literal (error, TR_JWS_ERROR, TR_JWS_ERROR_BAD_SIGNATURE,
                               _("The signature of the revocation list kept on this device is not valid"));
          return NULL;
        }
    }
  if ((encoded = encoded_list (credential, error)) == NULL)
    return NULL;
  *fetched = member_int (entry, "fetched");
  return g_strdup (encoded);
}

/* Kept so that the certificates show, and remind, while offline. */
void
trellis_credential_cache_set_certificates (TrellisProgressStore *store,
                                           JsonNode             *root,
                                           gint64                fetched)
{
  g_autoptr(JsonObject) kept = NULL;
  JsonNode *list;

  g_return_if_fail (TRELLIS_IS_PROGRESS_STORE (store));
  g_return_if_fail (root != NULL);

  list = JSON_NODE_HOLDS_OBJECT (root) ? json_object_get_member (json_node_get_object (root), "certificates") : NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return;
  kept = entry_new (fetched);
  json_object_set_member (kept, "certificates", json_node_copy (list));
  set_meta_object (store, TRELLIS_META_CERTIFICATES, kept);
}

/**
 * trellis_credential_cache_get_certificates:
 * @fetched: (out) (optional): when the list was fetched, µs; 0 if never
 *
 * Returns: (transfer container) (element-type TrellisCertificate): the
 *   certificates as the last sync saw them, newest first
 */
GPtrArray *
trellis_credential_cache_get_certificates (TrellisProgressStore *store,
                                           gint64               *fetched)
{
  g_autoptr(JsonObject) kept = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);

  kept = get_meta_object (store, TRELLIS_META_CERTIFICATES);
  if (fetched != NULL)
    *fetched = member_int (kept, "fetched");
  root = json_node_init_object (json_node_alloc (), kept);
  return trellis_certificates_from_json (root);
}
