/* tr-event.h: progress events, shaped like xAPI statements
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  TR_VERB_EXPERIENCED,   /* a lesson read to its end */
  TR_VERB_ANSWERED,      /* a signal exercise submitted */
  TR_VERB_CHOSE,         /* a choice at a scenario node */
  TR_VERB_COMPLETED,     /* a scenario ending reached; a course completed */
  TR_VERB_PASSED,        /* the quiz passed */
  TR_VERB_FAILED,        /* the quiz failed */
  TR_N_VERBS
} TrVerb;

/* An event's object is a path inside its course:
 *   "lesson/ID", "scenario/ID", "scenario/ID/node/NODE",
 *   "signal-exercise/ID", "quiz", or "course".
 * The result is a JSON object (or NULL): {"choice": "...", "weight": 2},
 * {"ending": "...", "verdict": "good", "score": 7}, {"score": 80, "correct": 8,
 * "total": 10}. The actor is a pseudonymous id, never a name or address. */
typedef struct
{
  char       *id;              /* UUID, the key that makes syncing idempotent */
  char       *actor;
  TrVerb      verb;
  char       *course_id;
  char       *course_version;
  char       *object;
  JsonObject *result;          /* may be NULL */
  gint64      timestamp;       /* milliseconds since 1970, UTC */
} TrEvent;

TrEvent    *tr_event_new           (const char  *actor,
                                    TrVerb       verb,
                                    const char  *course_id,
                                    const char  *course_version,
                                    const char  *object,
                                    JsonObject  *result);
TrEvent    *tr_event_copy          (const TrEvent *event);
void        tr_event_free          (TrEvent     *event);
const char *tr_verb_to_string      (TrVerb       verb);
gboolean    tr_verb_from_string    (const char  *text,
                                    TrVerb      *out_verb);
JsonNode   *tr_event_to_json       (const TrEvent *event);
TrEvent    *tr_event_from_json     (JsonNode    *node,
                                    GError     **error);
gint64      tr_event_result_int    (const TrEvent *event,
                                    const char  *member,
                                    gint64       fallback);
const char *tr_event_result_string (const TrEvent *event,
                                    const char  *member);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrEvent, tr_event_free)

#define TR_EVENT_ERROR (tr_event_error_quark ())

/* TR_EVENT_ERROR_INVALID: the JSON is not a valid event; the message says
 * which field is wrong. */
typedef enum
{
  TR_EVENT_ERROR_INVALID,
} TrEventError;

GQuark tr_event_error_quark (void);

G_END_DECLS
