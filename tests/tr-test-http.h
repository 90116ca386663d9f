/* tr-test-http.h: plain HTTP requests to the test server, answered in full
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  guint               status;
  GBytes             *body;
  JsonNode           *json;      /* when the answer is application/json */
  SoupMessageHeaders *headers;
} TrTestReply;

SoupSession *tr_test_http_session   (void);
TrTestReply *tr_test_http           (SoupSession *session,
                                     const char  *base_url,
                                     const char  *method,
                                     const char  *path,
                                     const char  *token,
                                     const char  *json_body);
void         tr_test_reply_free     (TrTestReply *reply);
JsonObject  *tr_test_reply_object   (TrTestReply *reply);
const char  *tr_test_reply_text     (TrTestReply *reply);
void         tr_test_reply_assert   (TrTestReply *reply,
                                     guint        status,
                                     const char  *error_code);
char        *tr_test_http_login     (SoupSession *session,
                                     const char  *base_url,
                                     const char  *email,
                                     const char  *password);
char        *tr_test_json_string    (JsonNode    *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrTestReply, tr_test_reply_free)

G_END_DECLS
