/* trs-body.c: reading request bodies — JSON objects and event batches
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <math.h>

#include "tr-event.h"

#include "trs-body.h"

G_DEFINE_QUARK (trs-body-error-quark, trs_body_error)

/* The value of the four hex digits at @data[@i], or -1. */
static gint
hex4 (const char *data,
      gsize       length,
      gsize       i)
{
  gint value = 0;

  if (i + 4 > length)
    return -1;
  for (gsize k = i; k < i + 4; k++)
    {
      gint digit = g_ascii_xdigit_value (data[k]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* The escape at @data[*@i] (a backslash), which this steps over. A \uD800
 * to \uDFFF escape must be half of a pair: json-glib 1.6 reads a lone one
 * as bytes that are not UTF-8 and swallows the character after it (a
 * string's closing quote, so that it reads another body than this one). */
static gboolean
escape_ok (const char  *data,
           gsize        length,
           gsize       *i,
           GError     **error)
{
  gint high, low;

  if (*i + 1 >= length || data[*i + 1] != 'u' || (high = hex4 (data, length, *i + 2)) < 0)
    {
      (*i)++;
      return TRUE;
    }
  if (high < 0xD800 || high > 0xDFFF)
    {
      *i += 5;
      return TRUE;
    }
  if (high <= 0xDBFF && *i + 7 < length && data[*i + 6] == '\\' && data[*i + 7] == 'u' &&
      (low = hex4 (data, length, *i + 8)) >= 0xDC00 && low <= 0xDFFF)
    {
      *i += 11;
      return TRUE;
    }
  g_set_error_literal (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_JSON,
                       "the body has a \\u escape of half a surrogate pair, which is not a character");
  return FALSE;
}

/* What json-glib 1.6 would take without a word, seen outside strings: nesting
 * deeper than @max_depth (its parser recurses), and a second value after
 * the first ("{...}{...}", which it reads as the last one), and lone
 * surrogate escapes (escape_ok ()). The number of
 * members, to tell later whether an object had a key twice. The parser
 * catches the rest of what is wrong. */
static gboolean
json_shape_ok (const char  *data,
               gsize        length,
               guint        max_depth,
               gsize       *n_members,
               GError     **error)
{
  gboolean in_string = FALSE;
  gboolean ended = FALSE;
  guint depth = 0;

  *n_members = 0;
  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            {
              if (!escape_ok (data, length, &i, error))
                return FALSE;
            }
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (ended && !g_ascii_isspace (c))
        {
          g_set_error_literal (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_JSON,
                               "the body goes on after its JSON value");
          return FALSE;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > max_depth)
            {
              g_set_error (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_JSON,
                           "the body nests deeper than %u levels", max_depth);
              return FALSE;
            }
          break;
        case ']':
        case '}':
          if (depth > 0 && --depth == 0)
            ended = TRUE;
          break;
        case ':':
          (*n_members)++;
          break;
        default:
          break;
        }
    }
  return TRUE;
}

static gsize
count_members (JsonNode *node)
{
  gsize n = 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        n += 1 + count_members (member);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        n += count_members (json_array_get_element (array, i));
    }
  return n;
}

/* What in @node could not be stored and sent back as JSON, or NULL: a
 * number that is not finite (json-glib reads 1e999 as infinity, which it
 * then writes out as "inf.0") or a text that is not UTF-8 (escape_ok ()
 * keeps those out; this makes sure). The body nests at most
 * TRS_BODY_MAX_DEPTH levels, which bounds the recursion. */
static const char *
json_unstorable (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node)))
        return "a number is too large";
      if (json_node_get_value_type (node) == G_TYPE_STRING && !g_utf8_validate (json_node_get_string (node), -1, NULL))
        return "a text is not UTF-8";
      return NULL;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            const char *what = json_unstorable (json_array_get_element (array, i));

            if (what != NULL)
              return what;
          }
        return NULL;
      }
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          {
            const char *what = g_utf8_validate (name, -1, NULL) ? json_unstorable (member) : "a key is not UTF-8";

            if (what != NULL)
              return what;
          }
        return NULL;
      }
    case JSON_NODE_NULL:
    default:
      return NULL;
    }
}

JsonNode *
trs_body_parse (const char  *data,
                gsize        length,
                GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize n_members;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > TRS_BODY_MAX_SIZE)
    {
      g_set_error_literal (error, TRS_BODY_ERROR, TRS_BODY_ERROR_TOO_LARGE,
                           "the body is larger than 1 MiB");
      return NULL;
    }
  if (length == 0)
    {
      g_set_error_literal (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_JSON, "the body is empty");
      return NULL;
    }
  if (!g_utf8_validate (data, length, NULL))
    {
      g_set_error_literal (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_JSON,
                           "the body is not UTF-8");
      return NULL;
    }
  if (!json_shape_ok (data, length, TRS_BODY_MAX_DEPTH, &n_members, error))
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error) ||
      (root = json_parser_get_root (parser)) == NULL)
    {
      g_set_error (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_JSON, "the body is not JSON: %s",
                   local_error != NULL ? local_error->message : "it is empty");
      return NULL;
    }
  /* json-glib keeps the last of two members of the same name; a reader
   * that kept the first would see another request. */
  if (count_members (root) != n_members)
    {
      g_set_error_literal (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_JSON,
                           "an object of the body has the same key twice");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_REQUEST,
                           "the body must be a JSON object");
      return NULL;
    }
  return json_node_ref (root);
}

GPtrArray *
trs_body_parse_events (JsonObject  *body,
                       GError     **error)
{
  g_autoptr(GPtrArray) events = NULL;
  JsonNode *member;
  JsonArray *array;
  guint length;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  member = json_object_get_member (body, "events");
  if (member == NULL)
    {
      g_set_error_literal (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_REQUEST,
                           "\"events\" is missing");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (member))
    {
      g_set_error_literal (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_REQUEST,
                           "\"events\" must be a list");
      return NULL;
    }
  array = json_node_get_array (member);
  length = json_array_get_length (array);
  if (length > TRS_BODY_MAX_EVENTS)
    {
      g_set_error (error, TRS_BODY_ERROR, TRS_BODY_ERROR_TOO_LARGE,
                   "a batch holds at most %d events, not %u", TRS_BODY_MAX_EVENTS, length);
      return NULL;
    }
  if (length == 0)
    {
      g_set_error (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_REQUEST,
                   "\"events\" must hold 1 to %d events", TRS_BODY_MAX_EVENTS);
      return NULL;
    }
  events = g_ptr_array_new_full (length, (GDestroyNotify) tr_event_free);
  for (guint i = 0; i < length; i++)
    {
      g_autoptr(GError) event_error = NULL;
      JsonNode *element = json_array_get_element (array, i);
      TrEvent *event = tr_event_from_json (element, &event_error);
      const char *unstorable;

      if (event == NULL)
        {
          g_set_error (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_REQUEST, "event %u: %s", i,
                       event_error->message);
          return NULL;
        }
      g_ptr_array_add (events, event);
      if ((unstorable = json_unstorable (element)) != NULL)
        {
          g_set_error (error, TRS_BODY_ERROR, TRS_BODY_ERROR_INVALID_REQUEST, "event %u: %s", i, unstorable);
          return NULL;
        }
    }
  return g_steal_pointer (&events);
}
