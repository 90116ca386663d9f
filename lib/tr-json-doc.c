/* tr-json-doc.c
 *
 * json-glib does not keep source positions in its tree, but tells them while
 * it parses; we listen and remember where every value starts.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-json"

#include <string.h>

#include "tr-json-doc.h"

typedef struct
{
  guint line;
  guint column;
} Pos;

struct _TrJsonDoc
{
  char          *name;
  char         **lines;
  guint          n_lines;
  JsonParser    *parser;
  GHashTable    *positions;   /* JsonObject*, JsonArray* or scalar JsonNode* → Pos* */
  GHashTable    *seen_keys;   /* "object-pointer/key" while parsing, for duplicates */
  GArray        *open;        /* Pos stack of containers being parsed */
  TrDiagnostics *diagnostics;
};

void
tr_json_doc_free (TrJsonDoc *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_strfreev (self->lines);
  g_clear_object (&self->parser);
  g_clear_pointer (&self->positions, g_hash_table_unref);
  g_clear_pointer (&self->seen_keys, g_hash_table_unref);
  g_clear_pointer (&self->open, g_array_unref);
  g_free (self);
}

static void
remember (TrJsonDoc     *self,
          gconstpointer  key,
          guint          line,
          guint          column)
{
  Pos *pos = g_new (Pos, 1);

  pos->line = line;
  pos->column = MAX (column, 1);
  g_hash_table_replace (self->positions, (gpointer) key, pos);
}

static void
container_start_cb (JsonParser *parser,
                    TrJsonDoc  *self)
{
  Pos pos = { json_parser_get_current_line (parser), json_parser_get_current_pos (parser) };

  g_array_append_val (self->open, pos);
}

static void
container_end (TrJsonDoc     *self,
               gconstpointer  container)
{
  Pos pos;

  g_assert (self->open->len > 0);
  pos = g_array_index (self->open, Pos, self->open->len - 1);
  g_array_set_size (self->open, self->open->len - 1);
  remember (self, container, pos.line, pos.column);
}

static void
object_end_cb (JsonParser *parser,
               JsonObject *object,
               TrJsonDoc  *self)
{
  container_end (self, object);
}

static void
array_end_cb (JsonParser *parser,
              JsonArray  *array,
              TrJsonDoc  *self)
{
  container_end (self, array);
}

/* The parser reports the position just after a scalar, often after the
 * comma that follows it; walk back over the token to find its start. */
static guint
scalar_start_column (TrJsonDoc *self,
                     guint      line,
                     guint      after)
{
  const char *text;
  int i;

  if (line == 0 || line > self->n_lines)
    return 1;
  text = self->lines[line - 1];
  i = MIN ((int) after - 1, (int) strlen (text) - 1);
  while (i > 0 && (text[i] == ',' || text[i] == ' ' || text[i] == '\t' ||
                   text[i] == ']' || text[i] == '}' || text[i] == '\r'))
    i--;
  if (i <= 0)
    return 1;
  if (text[i] == '"')
    {
      for (i--; i > 0; i--)
        if (text[i] == '"' && text[i - 1] != '\\')
          break;
    }
  else
    {
      while (i > 0 && (g_ascii_isalnum (text[i - 1]) || strchr (".-+", text[i - 1]) != NULL))
        i--;
    }
  return (guint) i + 1;
}

static void
remember_scalar (TrJsonDoc  *self,
                 JsonParser *parser,
                 JsonNode   *node)
{
  guint line = json_parser_get_current_line (parser);

  if (node == NULL || JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node))
    return;
  remember (self, node, line, scalar_start_column (self, line, json_parser_get_current_pos (parser)));
}

static void
object_member_cb (JsonParser *parser,
                  JsonObject *object,
                  const char *member,
                  TrJsonDoc  *self)
{
  g_autofree char *key = g_strdup_printf ("%p/%s", (void *) object, member);
  JsonNode *node = json_object_get_member (object, member);

  remember_scalar (self, parser, node);
  if (!g_hash_table_add (self->seen_keys, g_steal_pointer (&key)))
    tr_diagnostics_add (self->diagnostics, TR_SEVERITY_ERROR, self->name,
                        json_parser_get_current_line (parser), 1,
                        "duplicate key \"%s\": the later value replaces the earlier one", member);
}

static void
array_element_cb (JsonParser *parser,
                  JsonArray  *array,
                  int         index,
                  TrJsonDoc  *self)
{
  remember_scalar (self, parser, json_array_get_element (array, index));
}

static void
report_bad_utf8 (TrJsonDoc     *self,
                 const char    *contents,
                 const char    *bad,
                 TrDiagnostics *diagnostics)
{
  guint line = 1;
  const char *line_start = contents;

  for (const char *p = contents; p < bad; p++)
    if (*p == '\n')
      {
        line++;
        line_start = p + 1;
      }
  tr_diagnostics_add (diagnostics, TR_SEVERITY_ERROR, self->name, line,
                      (guint) (bad - line_start) + 1,
                      "the file is not valid UTF-8 (save it as UTF-8)");
}

/* json-glib reports "<data>:LINE:COL: Parse error: what"; keep the parts. */
static void
report_parse_error (TrJsonDoc     *self,
                    const GError  *error,
                    TrDiagnostics *diagnostics)
{
  g_autoptr(GRegex) regex = g_regex_new (":([0-9]+):([0-9]+): (?:Parse error: )?(.*)$", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (g_regex_match (regex, error->message, 0, &match))
    {
      g_autofree char *line = g_match_info_fetch (match, 1);
      g_autofree char *column = g_match_info_fetch (match, 2);
      g_autofree char *what = g_match_info_fetch (match, 3);

      tr_diagnostics_add (diagnostics, TR_SEVERITY_ERROR, self->name,
                          (guint) g_ascii_strtoull (line, NULL, 10),
                          (guint) g_ascii_strtoull (column, NULL, 10),
                          "JSON syntax error: %s", what);
    }
  else
    tr_diagnostics_add (diagnostics, TR_SEVERITY_ERROR, self->name, 1, 1,
                        "JSON syntax error: %s", error->message);
}

/* json-glib parses recursively and overflows its stack on very deep nesting;
 * no course needs more than a few levels. Returns the offset of the first
 * bracket beyond the limit, or -1. Brackets inside strings do not count. */
#define MAX_DEPTH 64

static gssize
find_excess_nesting (const char *text,
                     gsize       length)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_DEPTH)
            return (gssize) i;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return -1;
}

TrJsonDoc *
tr_json_doc_load (const char    *path,
                  const char    *display_name,
                  TrDiagnostics *diagnostics)
{
  g_autoptr(TrJsonDoc) self = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const char *bad = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (diagnostics != NULL, NULL);

  self = g_new0 (TrJsonDoc, 1);
  self->name = g_strdup (display_name != NULL ? display_name : path);

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      tr_diagnostics_add (diagnostics, TR_SEVERITY_ERROR, self->name, 0, 0,
                          "cannot read the file: %s", error->message);
      return NULL;
    }
  if (!g_utf8_validate (contents, (gssize) length, &bad))
    {
      report_bad_utf8 (self, contents, bad, diagnostics);
      return NULL;
    }
  {
    gssize deep = find_excess_nesting (contents, length);

    if (deep >= 0)
      {
        guint line = 1, column = 1;

        for (gssize i = 0; i < deep; i++)
          {
            column++;
            if (contents[i] == '\n')
              {
                line++;
                column = 1;
              }
          }
        tr_diagnostics_add (diagnostics, TR_SEVERITY_ERROR, self->name, line, column,
                            "lists and objects are nested more than %d deep", MAX_DEPTH);
        return NULL;
      }
  }

  self->lines = g_strsplit (contents, "\n", -1);
  self->n_lines = g_strv_length (self->lines);
  self->positions = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->seen_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->open = g_array_new (FALSE, FALSE, sizeof (Pos));
  self->diagnostics = diagnostics;
  self->parser = json_parser_new_immutable ();
  g_signal_connect (self->parser, "object-start", G_CALLBACK (container_start_cb), self);
  g_signal_connect (self->parser, "array-start", G_CALLBACK (container_start_cb), self);
  g_signal_connect (self->parser, "object-end", G_CALLBACK (object_end_cb), self);
  g_signal_connect (self->parser, "array-end", G_CALLBACK (array_end_cb), self);
  g_signal_connect (self->parser, "object-member", G_CALLBACK (object_member_cb), self);
  g_signal_connect (self->parser, "array-element", G_CALLBACK (array_element_cb), self);

  if (!json_parser_load_from_data (self->parser, contents, (gssize) length, &error))
    {
      report_parse_error (self, error, diagnostics);
      return NULL;
    }
  g_signal_handlers_disconnect_by_data (self->parser, self);
  g_clear_pointer (&self->seen_keys, g_hash_table_unref);
  self->diagnostics = NULL;

  if (json_parser_get_root (self->parser) == NULL)
    {
      tr_diagnostics_add (diagnostics, TR_SEVERITY_ERROR, self->name, 1, 1, "the file is empty");
      return NULL;
    }
  return g_steal_pointer (&self);
}

JsonNode *
tr_json_doc_get_root (TrJsonDoc *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return json_parser_get_root (self->parser);
}

const char *
tr_json_doc_get_name (TrJsonDoc *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

static gconstpointer
position_key (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_node_get_object (node);
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_node_get_array (node);
  return node;
}

void
tr_json_doc_locate (TrJsonDoc *self,
                    JsonNode  *node,
                    guint     *line,
                    guint     *column)
{
  const Pos *pos = NULL;

  g_return_if_fail (self != NULL);

  if (node != NULL)
    pos = g_hash_table_lookup (self->positions, position_key (node));
  *line = pos != NULL ? pos->line : 1;
  *column = pos != NULL ? pos->column : 1;
}

/* Where the key of a member is written: on the value's line or a few above. */
void
tr_json_doc_locate_member (TrJsonDoc  *self,
                           JsonObject *object,
                           const char *member,
                           guint      *line,
                           guint      *column)
{
  const Pos *object_pos = g_hash_table_lookup (self->positions, object);
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", member);
  guint value_line, value_column;
  guint first_line = object_pos != NULL ? object_pos->line : 1;

  if (node == NULL)
    {
      *line = first_line;
      *column = object_pos != NULL ? object_pos->column : 1;
      return;
    }
  tr_json_doc_locate (self, node, &value_line, &value_column);
  for (guint l = value_line; l >= first_line && l >= 1 && l <= self->n_lines; l--)
    {
      const char *text = self->lines[l - 1];
      const char *found = NULL;

      for (const char *p = strstr (text, quoted); p != NULL; p = strstr (p + 1, quoted))
        {
          if (l == value_line && (guint) (p - text) + 1 >= value_column)
            break;
          found = p;
        }
      if (found != NULL)
        {
          *line = l;
          *column = (guint) (found - text) + 1;
          return;
        }
    }
  *line = value_line;
  *column = value_column;
}

void
tr_json_doc_report (TrJsonDoc     *self,
                    TrDiagnostics *diagnostics,
                    TrSeverity     severity,
                    JsonNode      *node,
                    const char    *format,
                    ...)
{
  g_autofree char *message = NULL;
  guint line, column;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  tr_json_doc_locate (self, node, &line, &column);
  tr_diagnostics_add (diagnostics, severity, self->name, line, column, "%s", message);
}

void
tr_json_doc_report_member (TrJsonDoc     *self,
                           TrDiagnostics *diagnostics,
                           TrSeverity     severity,
                           JsonObject    *object,
                           const char    *member,
                           const char    *format,
                           ...)
{
  g_autofree char *message = NULL;
  guint line, column;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  tr_json_doc_locate_member (self, object, member, &line, &column);
  tr_diagnostics_add (diagnostics, severity, self->name, line, column, "%s", message);
}

static const char *
field_type_description (TrFieldType type)
{
  switch (type)
    {
    case TR_FIELD_STRING: return "a string";
    case TR_FIELD_INT: return "a whole number";
    case TR_FIELD_BOOL: return "true or false";
    case TR_FIELD_OBJECT: return "an object";
    case TR_FIELD_ARRAY: return "a list";
    case TR_FIELD_TEXT: return "a translated text ({\"en\": \"...\", \"nl\": \"...\", \"fr\": \"...\"})";
    case TR_FIELD_STRING_OR_ARRAY: return "a string or a list";
    default: g_assert_not_reached ();
    }
}

static gboolean
node_has_type (JsonNode    *node,
               TrFieldType  type)
{
  switch (type)
    {
    case TR_FIELD_STRING:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
    case TR_FIELD_INT:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
    case TR_FIELD_BOOL:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
    case TR_FIELD_OBJECT:
    case TR_FIELD_TEXT:
      return JSON_NODE_HOLDS_OBJECT (node);
    case TR_FIELD_ARRAY:
      return JSON_NODE_HOLDS_ARRAY (node);
    case TR_FIELD_STRING_OR_ARRAY:
      return JSON_NODE_HOLDS_ARRAY (node) || node_has_type (node, TR_FIELD_STRING);
    default:
      g_assert_not_reached ();
    }
}

gboolean
tr_json_doc_check_object (TrJsonDoc      *self,
                          TrDiagnostics  *diagnostics,
                          JsonNode       *node,
                          const char     *what,
                          const TrField  *fields,
                          guint           n_fields)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  g_return_val_if_fail (self != NULL, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      tr_json_doc_report (self, diagnostics, TR_SEVERITY_ERROR, node,
                          "%s must be an object ({ ... })", what);
      return FALSE;
    }
  object = json_node_get_object (node);

  for (guint i = 0; i < n_fields; i++)
    g_ptr_array_add (names, (gpointer) fields[i].name);

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *member = l->data;
      JsonNode *value = json_object_get_member (object, member);
      const TrField *field = NULL;

      for (guint i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].name, member))
          field = &fields[i];

      if (field == NULL)
        {
          g_autofree char *suggestion = tr_suggest (member, (const char * const *) names->pdata, names->len);

          if (suggestion != NULL)
            tr_json_doc_report_member (self, diagnostics, TR_SEVERITY_ERROR, object, member,
                                       "unknown key \"%s\" in %s; did you mean \"%s\"?",
                                       member, what, suggestion);
          else
            tr_json_doc_report_member (self, diagnostics, TR_SEVERITY_ERROR, object, member,
                                       "unknown key \"%s\" in %s", member, what);
        }
      else if (!node_has_type (value, field->type))
        tr_json_doc_report_member (self, diagnostics, TR_SEVERITY_ERROR, object, member,
                                   "\"%s\" in %s must be %s", member, what,
                                   field_type_description (field->type));
    }

  for (guint i = 0; i < n_fields; i++)
    if (fields[i].required && !json_object_has_member (object, fields[i].name))
      tr_json_doc_report (self, diagnostics, TR_SEVERITY_ERROR, node,
                          "%s lacks the required key \"%s\"", what, fields[i].name);

  return TRUE;
}

const char *
tr_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !node_has_type (node, TR_FIELD_STRING))
    return NULL;
  return json_node_get_string (node);
}

gint64
tr_json_get_int (JsonObject *object,
                 const char *member,
                 gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !node_has_type (node, TR_FIELD_INT))
    return fallback;
  return json_node_get_int (node);
}

gboolean
tr_json_get_bool (JsonObject *object,
                  const char *member,
                  gboolean    fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !node_has_type (node, TR_FIELD_BOOL))
    return fallback;
  return json_node_get_boolean (node);
}

JsonArray *
tr_json_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

JsonObject *
tr_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

/* Optimal string alignment distance: like Levenshtein, but swapping two
 * neighbouring letters ("singel") counts as one mistake. */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *d = g_new0 (guint, (la + 1) * (lb + 1));
#define D(i, j) d[(i) * (lb + 1) + (j)]

  for (gsize i = 0; i <= la; i++)
    D (i, 0) = (guint) i;
  for (gsize j = 0; j <= lb; j++)
    D (0, j) = (guint) j;
  for (gsize i = 1; i <= la; i++)
    for (gsize j = 1; j <= lb; j++)
      {
        guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;

        D (i, j) = MIN (MIN (D (i - 1, j) + 1, D (i, j - 1) + 1), D (i - 1, j - 1) + cost);
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          D (i, j) = MIN (D (i, j), D (i - 2, j - 2) + 1);
      }
  return D (la, lb);
#undef D
}

/* The candidate closest to a mistyped word, if one is close enough. */
char *
tr_suggest (const char         *word,
            const char * const *candidates,
            guint               n_candidates)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;
  guint limit = MAX (1, (guint) strlen (word) / 3);

  for (guint i = 0; i < n_candidates; i++)
    {
      guint distance = edit_distance (word, candidates[i]);

      if (distance < best_distance)
        {
          best = candidates[i];
          best_distance = distance;
        }
    }
  if (best == NULL || best_distance > limit || best_distance == 0)
    return NULL;
  return g_strdup (best);
}
