/* tr-test-http.c: plain HTTP requests to the test server, answered in full
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tr-test-http.h"

/* No proxies: the system's proxy settings are out of reach of an isolated
 * test, and the server is on loopback anyway. */
SoupSession *
tr_test_http_session (void)
{
  return soup_session_new_with_options ("timeout", 30, "proxy-resolver", NULL, NULL);
}

void
tr_test_reply_free (TrTestReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_free (reply);
}

/* @json_body: sent as application/json, or NULL for no body. */
TrTestReply *
tr_test_http (SoupSession *session,
              const char  *base_url,
              const char  *method,
              const char  *path,
              const char  *token,
              const char  *json_body)
{
  g_autofree char *uri = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  TrTestReply *reply = g_new0 (TrTestReply, 1);

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (json_body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (g_strcmp0 (soup_message_headers_get_content_type (reply->headers, NULL), "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size;
      const char *data = g_bytes_get_data (reply->body, &size);

      json_parser_load_from_data (parser, data, size, &error);
      g_assert_no_error (error);
      reply->json = json_node_ref (json_parser_get_root (parser));
    }
  return reply;
}

JsonObject *
tr_test_reply_object (TrTestReply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

/* The body as text; the reply keeps it (bodies end in a NUL here). */
const char *
tr_test_reply_text (TrTestReply *reply)
{
  gsize size;
  const char *data = g_bytes_get_data (reply->body, &size);
  GBytes *terminated;

  if (size > 0 && data[size - 1] == '\0')
    return data;
  terminated = g_bytes_new_take (g_strndup (data, size), size + 1);
  g_bytes_unref (reply->body);
  reply->body = terminated;
  return g_bytes_get_data (terminated, NULL);
}

/* The reply has @status; with @error_code, also the error shape of
 * docs/api.md with that code. */
void
tr_test_reply_assert (TrTestReply *reply,
                      guint        status,
                      const char  *error_code)
{
  JsonObject *error;

  if (reply->status != status)
    g_error ("expected %u %s, got %u: %s", status, error_code != NULL ? error_code : "",
             reply->status, tr_test_reply_text (reply));
  if (error_code == NULL)
    return;
  error = json_object_get_object_member (tr_test_reply_object (reply), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, error_code);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
}

/* The token of a fresh login. */
char *
tr_test_http_login (SoupSession *session,
                    const char  *base_url,
                    const char  *email,
                    const char  *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autoptr(TrTestReply) reply = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = tr_test_json_string (root);
  reply = tr_test_http (session, base_url, "POST", "/api/v1/auth/login", NULL, body);
  tr_test_reply_assert (reply, SOUP_STATUS_OK, NULL);
  return g_strdup (json_object_get_string_member (tr_test_reply_object (reply), "token"));
}

char *
tr_test_json_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}
