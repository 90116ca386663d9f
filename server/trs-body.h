/* trs-body.h: reading request bodies — JSON objects and event batches
 *
 * What the server does with a request body before any work is queued,
 * apart from SoupServer, so that the fuzzers (fuzz/) reach the same code.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TRS_BODY_MAX_SIZE   (1024 * 1024)
#define TRS_BODY_MAX_EVENTS 1000
/* json-glib parses recursively: a body of a million "[" would overflow the
 * stack long before it reached the size limit. */
#define TRS_BODY_MAX_DEPTH  64

#define TRS_BODY_ERROR (trs_body_error_quark ())

/* Each code is one answer of docs/api.md:
 * TRS_BODY_ERROR_TOO_LARGE: 413 "too_large";
 * TRS_BODY_ERROR_INVALID_JSON: 400 "invalid_json";
 * TRS_BODY_ERROR_INVALID_REQUEST: 400 "invalid_request".
 * The message is the answer's message. */
typedef enum
{
  TRS_BODY_ERROR_TOO_LARGE,
  TRS_BODY_ERROR_INVALID_JSON,
  TRS_BODY_ERROR_INVALID_REQUEST,
} TrsBodyError;

GQuark     trs_body_error_quark (void);

/* The body as a JSON object node: UTF-8, at most TRS_BODY_MAX_SIZE bytes,
 * nested at most TRS_BODY_MAX_DEPTH levels, one value with no key twice in
 * any object. */
JsonNode  *trs_body_parse       (const char  *data,
                                 gsize        length,
                                 GError     **error);

/* The TrEvent* of a POST /api/v1/events body: its "events" member, a list of
 * 1 to TRS_BODY_MAX_EVENTS valid events. All or nothing. */
GPtrArray *trs_body_parse_events (JsonObject  *body,
                                  GError     **error);

G_END_DECLS
