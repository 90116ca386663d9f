/* tr-loader-util.c: texts, ids, paths and Markdown checks for the loader
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-loader"

#include <string.h>

#include "tr-loader-private.h"
#include "tr-markdown.h"

gboolean
tr_is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

gboolean
tr_loader_read_text (TrLoader    *loader,
                     TrJsonDoc   *doc,
                     JsonObject  *object,
                     const char  *member,
                     TrTextKind   kind,
                     TrText      *out,
                     const char  *where_format,
                     ...)
{
  static const char * const codes[] = { "en", "nl", "fr" };
  g_autoptr(GList) members = NULL;
  g_autofree char *where = NULL;
  JsonObject *text;
  va_list args;

  text = tr_json_get_object (object, member);
  if (text == NULL)
    return FALSE;   /* missing or of the wrong type: reported by the object check */

  va_start (args, where_format);
  where = g_strdup_vprintf (where_format, args);
  va_end (args);

  members = json_object_get_members (text);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *code = l->data;
      const char *value = tr_json_get_string (text, code);
      TrLang lang;

      if (strlen (code) != 2 || !tr_lang_from_code (code, &lang))
        {
          g_autofree char *suggestion = tr_suggest (code, codes, G_N_ELEMENTS (codes));

          tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, text, code,
                                     "unknown language \"%s\" in %s (Trellis knows \"en\", \"nl\" and \"fr\")%s%s%s",
                                     code, where, suggestion ? "; did you mean \"" : "",
                                     suggestion ? suggestion : "", suggestion ? "\"?" : "");
          continue;
        }
      if (value == NULL)
        {
          tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, text, code,
                                     "the \"%s\" text of %s must be a string", code, where);
          continue;
        }
      if (tr_is_blank (value))
        {
          tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, text, code,
                                     "the \"%s\" text of %s is empty", code, where);
          continue;
        }
      g_free (out->s[lang]);
      out->s[lang] = g_strdup (value);
      loader->course->words[lang] += tr_count_words (value);
      if (kind == TR_TEXT_MARKDOWN)
        {
          guint line, column;

          tr_json_doc_locate_member (doc, text, code, &line, &column);
          tr_loader_check_markdown (loader, tr_json_doc_get_name (doc), loader->course->dir, value, line);
        }
    }

  if (out->s[TR_LANG_EN] == NULL)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, member,
                               "%s has no English text (\"en\"), which every text needs as the fallback",
                               where);
  for (guint lang = TR_LANG_EN + 1; lang < TR_N_LANGS; lang++)
    if ((loader->declared & (1u << lang)) && out->s[lang] == NULL)
      {
        tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_WARNING, object, member,
                                   "%s has no %s translation (\"%s\")", where,
                                   lang == TR_LANG_NL ? "Dutch" : "French", tr_lang_to_code (lang));
        g_ptr_array_add (loader->course->missing[lang], g_strdup (where));
      }
  return TRUE;
}

GHashTable *
tr_loader_new_id_set (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static gboolean
is_valid_id (const char *id)
{
  if (!g_ascii_isalnum (id[0]))
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return strlen (id) <= 64;
}

/* The "id" of object; reports a malformed or repeated one. seen maps ids to
 * the line where each was first used. */
char *
tr_loader_read_id (TrLoader   *loader,
                   TrJsonDoc  *doc,
                   JsonObject *object,
                   const char *what,
                   GHashTable *seen)
{
  const char *id = tr_json_get_string (object, "id");
  guint line, column;

  if (id == NULL)
    return NULL;
  tr_json_doc_locate_member (doc, object, "id", &line, &column);
  if (!is_valid_id (id))
    {
      tr_diagnostics_add (loader->diagnostics, TR_SEVERITY_ERROR, tr_json_doc_get_name (doc), line, column,
                          "%s id \"%s\" may hold only letters, digits, \"-\", \"_\" and \".\", "
                          "starting with a letter or digit", what, id);
      return NULL;
    }
  if (seen != NULL)
    {
      gpointer first = NULL;

      if (g_hash_table_lookup_extended (seen, id, NULL, &first))
        {
          tr_diagnostics_add (loader->diagnostics, TR_SEVERITY_ERROR, tr_json_doc_get_name (doc), line, column,
                              "duplicate %s id \"%s\" (first used on line %u)", what, id,
                              GPOINTER_TO_UINT (first));
          return NULL;
        }
      g_hash_table_insert (seen, g_strdup (id), GUINT_TO_POINTER (line));
    }
  return g_strdup (id);
}

char *
tr_loader_display_path (TrLoader   *loader,
                        const char *relative)
{
  return g_build_filename (loader->dir, relative, NULL);
}

/* The absolute path of a file the course names, if it is inside the course
 * folder and exists; otherwise reports why at node. */
char *
tr_loader_resolve_path (TrLoader   *loader,
                        TrJsonDoc  *doc,
                        JsonNode   *node,
                        const char *relative)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *path = NULL;

  if (relative == NULL || *relative == '\0')
    {
      tr_json_doc_report (doc, loader->diagnostics, TR_SEVERITY_ERROR, node, "the file name is empty");
      return NULL;
    }
  parts = g_strsplit (relative, "/", -1);
  if (g_path_is_absolute (relative) || strchr (relative, '\\') != NULL ||
      g_strv_contains ((const char * const *) parts, ".."))
    {
      tr_json_doc_report (doc, loader->diagnostics, TR_SEVERITY_ERROR, node,
                          "\"%s\": a file must be named relative to the course folder, without \"..\"",
                          relative);
      return NULL;
    }
  path = g_build_filename (loader->course->dir, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      tr_json_doc_report (doc, loader->diagnostics, TR_SEVERITY_ERROR, node,
                          "the file \"%s\" does not exist", relative);
      return NULL;
    }
  return g_steal_pointer (&path);
}

/* Images must exist; lesson: links must name a lesson; relative links must
 * lead to a file of the course. first_line is 0 for a Markdown file, or the
 * line of a text that sits inside a JSON file (whose columns we cannot tell). */
void
tr_loader_check_markdown (TrLoader   *loader,
                          const char *display_name,
                          const char *base_dir,
                          const char *text,
                          guint       first_line)
{
  g_autoptr(GPtrArray) refs = tr_markdown_collect_refs (text);

  for (guint i = 0; i < refs->len; i++)
    {
      const TrMarkdownRef *ref = g_ptr_array_index (refs, i);
      guint line = first_line > 0 ? first_line + ref->line - 1 : ref->line;
      guint column = first_line > 0 ? 0 : ref->column;
      g_autofree char *scheme = g_uri_parse_scheme (ref->target);

      if (g_str_has_prefix (ref->target, "lesson:"))
        {
          const char *id = ref->target + strlen ("lesson:");

          if (ref->is_image)
            tr_diagnostics_add (loader->diagnostics, TR_SEVERITY_ERROR, display_name, line, column,
                                "an image cannot be a lesson link");
          else if (tr_course_find_lesson (loader->course, id) == NULL)
            tr_diagnostics_add (loader->diagnostics, TR_SEVERITY_ERROR, display_name, line, column,
                                "link to a lesson that does not exist: \"%s\"", id);
        }
      else if (scheme != NULL)
        {
          if (ref->is_image)
            tr_diagnostics_add (loader->diagnostics, TR_SEVERITY_ERROR, display_name, line, column,
                                "image \"%s\" must be a file of the course, not a web address "
                                "(the app works offline)", ref->target);
          else if (!g_str_equal (scheme, "https") && !g_str_equal (scheme, "http") &&
                   !g_str_equal (scheme, "mailto"))
            tr_diagnostics_add (loader->diagnostics, TR_SEVERITY_ERROR, display_name, line, column,
                                "links may be https:, http:, mailto: or lesson:, not \"%s:\"", scheme);
        }
      else if (ref->target[0] == '#')
        continue;
      else
        {
          g_autofree char *path = g_build_filename (base_dir, ref->target, NULL);
          g_autofree char *canonical = g_canonicalize_filename (path, NULL);
          g_autofree char *root = g_canonicalize_filename (loader->course->dir, NULL);
          g_autofree char *root_slash = g_strconcat (root, G_DIR_SEPARATOR_S, NULL);

          if (!g_str_has_prefix (canonical, root_slash))
            tr_diagnostics_add (loader->diagnostics, TR_SEVERITY_ERROR, display_name, line, column,
                                "%s \"%s\" lies outside the course folder",
                                ref->is_image ? "image" : "link", ref->target);
          else if (!g_file_test (canonical, G_FILE_TEST_IS_REGULAR))
            tr_diagnostics_add (loader->diagnostics, TR_SEVERITY_ERROR, display_name, line, column,
                                "%s \"%s\" does not exist", ref->is_image ? "image" : "linked file",
                                ref->target);
        }
    }
}

/* A file named by course.json that holds one part: a scenario, an exercise,
 * the quiz or the guide. */
TrJsonDoc *
tr_loader_open_part (TrLoader  *loader,
                     TrJsonDoc *course_doc,
                     JsonNode  *ref)
{
  const char *relative;
  g_autofree char *path = NULL;
  g_autofree char *display = NULL;

  if (ref == NULL || !JSON_NODE_HOLDS_VALUE (ref) || json_node_get_value_type (ref) != G_TYPE_STRING)
    {
      tr_json_doc_report (course_doc, loader->diagnostics, TR_SEVERITY_ERROR, ref,
                          "expected a file name (a string)");
      return NULL;
    }
  relative = json_node_get_string (ref);
  path = tr_loader_resolve_path (loader, course_doc, ref, relative);
  if (path == NULL)
    return NULL;
  display = tr_loader_display_path (loader, relative);
  return tr_json_doc_load (path, display, loader->diagnostics);
}
