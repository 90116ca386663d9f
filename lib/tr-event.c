/* tr-event.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-event"

#include <string.h>

#include "tr-event.h"

G_DEFINE_QUARK (tr-event-error-quark, tr_event_error)

static const char * const verbs[TR_N_VERBS] = {
  "experienced", "answered", "chose", "completed", "passed", "failed",
};

const char *
tr_verb_to_string (TrVerb verb)
{
  g_return_val_if_fail (verb < TR_N_VERBS, NULL);
  return verbs[verb];
}

gboolean
tr_verb_from_string (const char *text,
                     TrVerb     *out_verb)
{
  for (guint i = 0; i < TR_N_VERBS; i++)
    if (g_strcmp0 (text, verbs[i]) == 0)
      {
        *out_verb = i;
        return TRUE;
      }
  return FALSE;
}

TrEvent *
tr_event_new (const char *actor,
              TrVerb      verb,
              const char *course_id,
              const char *course_version,
              const char *object,
              JsonObject *result)
{
  TrEvent *event = g_new0 (TrEvent, 1);

  event->id = g_uuid_string_random ();
  event->actor = g_strdup (actor);
  event->verb = verb;
  event->course_id = g_strdup (course_id);
  event->course_version = g_strdup (course_version);
  event->object = g_strdup (object);
  event->result = result != NULL ? json_object_ref (result) : NULL;
  event->timestamp = g_get_real_time () / 1000;
  return event;
}

TrEvent *
tr_event_copy (const TrEvent *event)
{
  TrEvent *copy = g_new0 (TrEvent, 1);

  copy->id = g_strdup (event->id);
  copy->actor = g_strdup (event->actor);
  copy->verb = event->verb;
  copy->course_id = g_strdup (event->course_id);
  copy->course_version = g_strdup (event->course_version);
  copy->object = g_strdup (event->object);
  copy->result = event->result != NULL ? json_object_ref (event->result) : NULL;
  copy->timestamp = event->timestamp;
  return copy;
}

void
tr_event_free (TrEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->id);
  g_free (event->actor);
  g_free (event->course_id);
  g_free (event->course_version);
  g_free (event->object);
  g_clear_pointer (&event->result, json_object_unref);
  g_free (event);
}

JsonNode *
tr_event_to_json (const TrEvent *event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, event->id);
  json_builder_set_member_name (builder, "actor");
  json_builder_add_string_value (builder, event->actor);
  json_builder_set_member_name (builder, "verb");
  json_builder_add_string_value (builder, tr_verb_to_string (event->verb));
  json_builder_set_member_name (builder, "course");
  json_builder_add_string_value (builder, event->course_id);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, event->course_version);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, event->object);
  if (event->result != NULL)
    {
      JsonNode *result = json_node_init_object (json_node_alloc (), event->result);

      json_builder_set_member_name (builder, "result");
      json_builder_add_value (builder, result);
    }
  json_builder_set_member_name (builder, "timestamp");
  json_builder_add_int_value (builder, event->timestamp);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static const char *
required_string (JsonObject  *object,
                 const char  *member,
                 gsize        max_length,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, TR_EVENT_ERROR, TR_EVENT_ERROR_INVALID, "\"%s\" must be a string", member);
      return NULL;
    }
  value = json_node_get_string (node);
  if (*value == '\0' || strlen (value) > max_length)
    {
      g_set_error (error, TR_EVENT_ERROR, TR_EVENT_ERROR_INVALID,
                   "\"%s\" must hold 1 to %" G_GSIZE_FORMAT " characters", member, max_length);
      return NULL;
    }
  return value;
}

/* Reads an event as it travels between devices and the server; refuses
 * anything malformed rather than guessing. */
TrEvent *
tr_event_from_json (JsonNode  *node,
                    GError   **error)
{
  g_autoptr(TrEvent) event = g_new0 (TrEvent, 1);
  JsonObject *object;
  JsonNode *result, *timestamp;
  const char *id, *actor, *verb, *course, *version, *path;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, TR_EVENT_ERROR, TR_EVENT_ERROR_INVALID, "an event must be an object");
      return NULL;
    }
  object = json_node_get_object (node);
  if ((id = required_string (object, "id", 36, error)) == NULL ||
      (actor = required_string (object, "actor", 64, error)) == NULL ||
      (verb = required_string (object, "verb", 16, error)) == NULL ||
      (course = required_string (object, "course", 64, error)) == NULL ||
      (version = required_string (object, "version", 64, error)) == NULL ||
      (path = required_string (object, "object", 200, error)) == NULL)
    return NULL;
  if (!g_uuid_string_is_valid (id))
    {
      g_set_error_literal (error, TR_EVENT_ERROR, TR_EVENT_ERROR_INVALID, "\"id\" must be a UUID");
      return NULL;
    }
  if (!tr_verb_from_string (verb, &event->verb))
    {
      g_set_error (error, TR_EVENT_ERROR, TR_EVENT_ERROR_INVALID, "unknown verb \"%s\"", verb);
      return NULL;
    }
  timestamp = json_object_get_member (object, "timestamp");
  if (timestamp == NULL || !JSON_NODE_HOLDS_VALUE (timestamp) ||
      json_node_get_value_type (timestamp) != G_TYPE_INT64 || json_node_get_int (timestamp) < 0)
    {
      g_set_error_literal (error, TR_EVENT_ERROR, TR_EVENT_ERROR_INVALID,
                           "\"timestamp\" must be milliseconds since 1970");
      return NULL;
    }
  result = json_object_get_member (object, "result");
  if (result != NULL && !JSON_NODE_HOLDS_OBJECT (result) && !JSON_NODE_HOLDS_NULL (result))
    {
      g_set_error_literal (error, TR_EVENT_ERROR, TR_EVENT_ERROR_INVALID, "\"result\" must be an object");
      return NULL;
    }

  event->id = g_ascii_strdown (id, -1);
  event->actor = g_strdup (actor);
  event->course_id = g_strdup (course);
  event->course_version = g_strdup (version);
  event->object = g_strdup (path);
  event->timestamp = json_node_get_int (timestamp);
  if (result != NULL && JSON_NODE_HOLDS_OBJECT (result))
    event->result = json_object_ref (json_node_get_object (result));
  return g_steal_pointer (&event);
}

gint64
tr_event_result_int (const TrEvent *event,
                     const char    *member,
                     gint64         fallback)
{
  JsonNode *node;

  if (event->result == NULL || (node = json_object_get_member (event->result, member)) == NULL ||
      !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

const char *
tr_event_result_string (const TrEvent *event,
                        const char    *member)
{
  JsonNode *node;

  if (event->result == NULL || (node = json_object_get_member (event->result, member)) == NULL ||
      !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}
