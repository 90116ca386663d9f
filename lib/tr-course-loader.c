/* tr-course-loader.c: course.json, its lessons and its completion rules
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-loader"

#include <string.h>

#include "tr-course-loader.h"
#include "tr-loader-private.h"
#include "tr-markdown.h"

G_DEFINE_QUARK (tr-course-error-quark, tr_course_error)

static const TrField course_fields[] = {
  { "format", TR_FIELD_INT, TRUE },
  { "id", TR_FIELD_STRING, TRUE },
  { "title", TR_FIELD_TEXT, TRUE },
  { "summary", TR_FIELD_TEXT, TRUE },
  { "audience", TR_FIELD_TEXT, FALSE },
  { "objectives", TR_FIELD_ARRAY, FALSE },
  { "languages", TR_FIELD_ARRAY, TRUE },
  { "estimated_minutes", TR_FIELD_INT, TRUE },
  { "validity_months", TR_FIELD_INT, FALSE },
  { "lessons", TR_FIELD_ARRAY, TRUE },
  { "scenarios", TR_FIELD_ARRAY, FALSE },
  { "signal_exercises", TR_FIELD_ARRAY, FALSE },
  { "quiz", TR_FIELD_STRING, FALSE },
  { "guide", TR_FIELD_STRING, FALSE },
  { "completion", TR_FIELD_OBJECT, TRUE },
  { "sources", TR_FIELD_ARRAY, FALSE },
};

static const TrField lesson_fields[] = {
  { "id", TR_FIELD_STRING, TRUE },
  { "title", TR_FIELD_TEXT, TRUE },
  { "minutes", TR_FIELD_INT, TRUE },
  { "file", TR_FIELD_OBJECT, TRUE },
  { "key_points", TR_FIELD_ARRAY, FALSE },
};

static const TrField completion_fields[] = {
  { "lessons", TR_FIELD_STRING_OR_ARRAY, FALSE },
  { "scenarios", TR_FIELD_STRING_OR_ARRAY, FALSE },
  { "signal_exercises", TR_FIELD_STRING_OR_ARRAY, FALSE },
  { "quiz", TR_FIELD_STRING, FALSE },
};

static const TrField source_fields[] = {
  { "id", TR_FIELD_STRING, TRUE },
  { "title", TR_FIELD_STRING, TRUE },
  { "url", TR_FIELD_STRING, FALSE },
  { "note", TR_FIELD_TEXT, FALSE },
};

static void
read_languages (TrLoader   *loader,
                TrJsonDoc  *doc,
                JsonObject *root)
{
  JsonArray *languages = tr_json_get_array (root, "languages");

  if (languages == NULL)
    {
      loader->declared = 1u << TR_LANG_EN;
      return;
    }
  for (guint i = 0; i < json_array_get_length (languages); i++)
    {
      JsonNode *node = json_array_get_element (languages, i);
      const char *code = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                         ? json_node_get_string (node) : NULL;
      TrLang lang;

      if (code == NULL || strlen (code) != 2 || !tr_lang_from_code (code, &lang))
        tr_json_doc_report (doc, loader->diagnostics, TR_SEVERITY_ERROR, node,
                            "languages must be \"en\", \"nl\" or \"fr\"");
      else
        loader->declared |= 1u << lang;
    }
  if (!(loader->declared & (1u << TR_LANG_EN)))
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, root, "languages",
                               "languages must include \"en\": English is every text's fallback");
  loader->declared |= 1u << TR_LANG_EN;
  loader->course->languages = loader->declared;
}

static void
read_text_list (TrLoader    *loader,
                TrJsonDoc   *doc,
                JsonObject  *object,
                const char  *member,
                GPtrArray   *into,
                const char  *what)
{
  JsonArray *array = tr_json_get_array (object, member);

  if (array == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(JsonObject) holder = json_object_new ();
      TrText *text = tr_text_new ();

      /* Reuse the text reader by giving the element a name in a holder. */
      json_object_set_member (holder, "text", json_node_ref (json_array_get_element (array, i)));
      if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
        tr_json_doc_report (doc, loader->diagnostics, TR_SEVERITY_ERROR, json_array_get_element (array, i),
                            "each of %s must be a translated text ({\"en\": \"...\", ...})", what);
      else
        tr_loader_read_text (loader, doc, holder, "text", TR_TEXT_PLAIN, text, "%s %u", what, i + 1);
      g_ptr_array_add (into, text);
    }
}

static void
read_lesson_file (TrLoader   *loader,
                  TrJsonDoc  *doc,
                  JsonObject *lesson_object,
                  TrLesson   *lesson)
{
  JsonObject *files = tr_json_get_object (lesson_object, "file");
  g_autoptr(GList) members = NULL;

  if (files == NULL)
    return;
  members = json_object_get_members (files);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *code = l->data;
      JsonNode *node = json_object_get_member (files, code);
      const char *relative = tr_json_get_string (files, code);
      g_autofree char *path = NULL;
      g_autofree char *display = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *base_dir = NULL;
      g_autoptr(GError) error = NULL;
      const char *bad = NULL;
      gsize length;
      TrLang lang;

      if (strlen (code) != 2 || !tr_lang_from_code (code, &lang))
        {
          tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, files, code,
                                     "unknown language \"%s\" in the files of lesson \"%s\"",
                                     code, lesson->id);
          continue;
        }
      if (relative == NULL)
        {
          tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, files, code,
                                     "the \"%s\" file of lesson \"%s\" must be a file name (a string)",
                                     code, lesson->id);
          continue;
        }
      path = tr_loader_resolve_path (loader, doc, node, relative);
      if (path == NULL)
        continue;
      display = tr_loader_display_path (loader, relative);
      if (!g_file_get_contents (path, &contents, &length, &error))
        {
          tr_diagnostics_add (loader->diagnostics, TR_SEVERITY_ERROR, display, 0, 0,
                              "cannot read the file: %s", error->message);
          continue;
        }
      if (!g_utf8_validate (contents, (gssize) length, &bad))
        {
          tr_diagnostics_add (loader->diagnostics, TR_SEVERITY_ERROR, display, 0, 0,
                              "the file is not valid UTF-8 (save it as UTF-8)");
          continue;
        }
      if (tr_is_blank (contents))
        tr_diagnostics_add (loader->diagnostics, TR_SEVERITY_ERROR, display, 0, 0, "the lesson is empty");
      base_dir = g_path_get_dirname (path);
      tr_loader_check_markdown (loader, display, base_dir, contents, 0);
      loader->course->words[lang] += tr_count_words (contents);
      lesson->file[lang] = g_steal_pointer (&path);
    }

  if (lesson->file[TR_LANG_EN] == NULL && json_object_get_size (files) > 0 && !json_object_has_member (files, "en"))
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, lesson_object, "file",
                               "lesson \"%s\" has no English file (\"en\"), which every lesson needs",
                               lesson->id);
  for (guint lang = TR_LANG_EN + 1; lang < TR_N_LANGS; lang++)
    if ((loader->declared & (1u << lang)) && !json_object_has_member (files, tr_lang_to_code (lang)))
      {
        tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_WARNING, lesson_object, "file",
                                   "lesson \"%s\" has no %s text (\"%s\")", lesson->id,
                                   lang == TR_LANG_NL ? "Dutch" : "French", tr_lang_to_code (lang));
        g_ptr_array_add (loader->course->missing[lang], g_strdup_printf ("lesson %s: text", lesson->id));
      }
}

static void
read_lessons (TrLoader   *loader,
              TrJsonDoc  *doc,
              JsonObject *root)
{
  JsonArray *lessons = tr_json_get_array (root, "lessons");
  g_autoptr(GHashTable) seen = tr_loader_new_id_set ();
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();

  if (lessons == NULL)
    return;
  if (json_array_get_length (lessons) == 0)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, root, "lessons",
                               "a course needs at least one lesson");

  /* All lesson ids first, so that lessons may link to later lessons. */
  for (guint i = 0; i < json_array_get_length (lessons); i++)
    {
      JsonNode *node = json_array_get_element (lessons, i);
      TrLesson *lesson;
      JsonObject *object;

      if (!tr_json_doc_check_object (doc, loader->diagnostics, node, "a lesson",
                                     lesson_fields, G_N_ELEMENTS (lesson_fields)))
        continue;
      object = json_node_get_object (node);
      lesson = tr_lesson_new ();
      lesson->id = tr_loader_read_id (loader, doc, object, "lesson", seen);
      if (lesson->id == NULL)
        {
          tr_lesson_free (lesson);
          continue;
        }
      lesson->minutes = (int) tr_json_get_int (object, "minutes", 0);
      if (tr_json_get_int (object, "minutes", 1) <= 0)
        tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "minutes",
                                   "\"minutes\" of lesson \"%s\" must be more than 0", lesson->id);
      g_ptr_array_add (loader->course->lessons, lesson);
      g_ptr_array_add (objects, object);
    }

  for (guint i = 0; i < objects->len; i++)
    {
      TrLesson *lesson = g_ptr_array_index (loader->course->lessons, i);
      JsonObject *object = g_ptr_array_index (objects, i);
      g_autofree char *what = g_strdup_printf ("key point of lesson %s", lesson->id);

      tr_loader_read_text (loader, doc, object, "title", TR_TEXT_PLAIN, &lesson->title,
                           "lesson %s: title", lesson->id);
      read_text_list (loader, doc, object, "key_points", lesson->key_points, what);
      read_lesson_file (loader, doc, object, lesson);
    }
}

static void
read_sources (TrLoader   *loader,
              TrJsonDoc  *doc,
              JsonObject *root)
{
  JsonArray *sources = tr_json_get_array (root, "sources");
  g_autoptr(GHashTable) seen = tr_loader_new_id_set ();

  if (sources == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (sources); i++)
    {
      JsonNode *node = json_array_get_element (sources, i);
      JsonObject *object;
      TrSource *source;

      if (!tr_json_doc_check_object (doc, loader->diagnostics, node, "a source",
                                     source_fields, G_N_ELEMENTS (source_fields)))
        continue;
      object = json_node_get_object (node);
      source = tr_source_new ();
      source->id = tr_loader_read_id (loader, doc, object, "source", seen);
      source->title = g_strdup (tr_json_get_string (object, "title"));
      source->url = g_strdup (tr_json_get_string (object, "url"));
      if (source->url != NULL && !g_str_has_prefix (source->url, "https://") &&
          !g_str_has_prefix (source->url, "http://"))
        tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "url",
                                   "the url of source \"%s\" must start with https:// or http://",
                                   source->id ? source->id : "?");
      tr_loader_read_text (loader, doc, object, "note", TR_TEXT_PLAIN, &source->note,
                           "source %s: note", source->id ? source->id : "?");
      g_ptr_array_add (loader->course->sources, source);
    }
}

static void
load_parts (TrLoader   *loader,
            TrJsonDoc  *doc,
            JsonObject *root,
            const char *member,
            void      (*load) (TrLoader *, TrJsonDoc *, JsonNode *))
{
  JsonArray *files = tr_json_get_array (root, member);

  for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
    load (loader, doc, json_array_get_element (files, i));
}

typedef const void *(*FindFunc) (TrCourse *, const char *);

static void
read_requirement (TrLoader      *loader,
                  TrJsonDoc     *doc,
                  JsonObject    *completion,
                  const char    *member,
                  const char    *what,
                  FindFunc       find,
                  TrRequirement *requirement,
                  GStrv         *ids)
{
  JsonNode *node = json_object_get_member (completion, member);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  *requirement = TR_REQUIRE_NONE;
  if (node == NULL)
    return;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      if (g_str_equal (json_node_get_string (node), "all"))
        *requirement = TR_REQUIRE_ALL;
      else
        tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, completion, member,
                                   "completion \"%s\" must be \"all\" or a list of %s ids", member, what);
      return;
    }
  array = tr_json_get_array (completion, member);
  if (array == NULL)
    return;
  *requirement = TR_REQUIRE_LISTED;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *id = JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING
                       ? json_node_get_string (element) : NULL;

      if (id == NULL)
        tr_json_doc_report (doc, loader->diagnostics, TR_SEVERITY_ERROR, element,
                            "completion \"%s\" must list %s ids (strings)", member, what);
      else if (find (loader->course, id) == NULL)
        tr_json_doc_report (doc, loader->diagnostics, TR_SEVERITY_ERROR, element,
                            "completion names a %s that does not exist: \"%s\"", what, id);
      else
        g_strv_builder_add (builder, id);
    }
  *ids = g_strv_builder_end (builder);
}

static void
read_completion (TrLoader   *loader,
                 TrJsonDoc  *doc,
                 JsonObject *root)
{
  JsonNode *node = json_object_get_member (root, "completion");
  TrCompletion *completion = &loader->course->completion;
  JsonObject *object;
  const char *quiz;

  if (node == NULL || !tr_json_doc_check_object (doc, loader->diagnostics, node, "\"completion\"",
                                                 completion_fields, G_N_ELEMENTS (completion_fields)))
    return;
  object = json_node_get_object (node);
  read_requirement (loader, doc, object, "lessons", "lesson", (FindFunc) tr_course_find_lesson,
                    &completion->lessons, &completion->lesson_ids);
  read_requirement (loader, doc, object, "scenarios", "scenario", (FindFunc) tr_course_find_scenario,
                    &completion->scenarios, &completion->scenario_ids);
  read_requirement (loader, doc, object, "signal_exercises", "signal exercise",
                    (FindFunc) tr_course_find_signal_exercise,
                    &completion->signal_exercises, &completion->signal_exercise_ids);

  quiz = tr_json_get_string (object, "quiz");
  if (quiz != NULL && !g_str_equal (quiz, "pass") && !g_str_equal (quiz, "none"))
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "quiz",
                               "completion \"quiz\" must be \"pass\" or \"none\"");
  completion->quiz_pass = g_strcmp0 (quiz, "pass") == 0;
  if (completion->quiz_pass && loader->course->quiz == NULL && !json_object_has_member (root, "quiz"))
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "quiz",
                               "completion asks to pass the quiz, but the course has no \"quiz\"");
  if (completion->lessons == TR_REQUIRE_NONE && completion->scenarios == TR_REQUIRE_NONE &&
      completion->signal_exercises == TR_REQUIRE_NONE && !completion->quiz_pass)
    tr_json_doc_report (doc, loader->diagnostics, TR_SEVERITY_ERROR, node,
                        "completion requires nothing: name the lessons, scenarios, "
                        "signal exercises or quiz a learner must finish");
}

static void
read_course (TrLoader  *loader,
             TrJsonDoc *doc)
{
  JsonNode *root_node = tr_json_doc_get_root (doc);
  TrCourse *course = loader->course;
  g_autofree char *folder = g_path_get_basename (course->dir);
  JsonObject *root;
  gint64 format;

  if (!tr_json_doc_check_object (doc, loader->diagnostics, root_node, "course.json",
                                 course_fields, G_N_ELEMENTS (course_fields)))
    return;
  root = json_node_get_object (root_node);

  format = tr_json_get_int (root, "format", 1);
  if (format != 1)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, root, "format",
                               "this Trellis reads course format 1, not %" G_GINT64_FORMAT, format);

  course->id = tr_loader_read_id (loader, doc, root, "course", NULL);
  if (course->id != NULL && !g_str_equal (course->id, folder))
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_WARNING, root, "id",
                               "the course id \"%s\" differs from its folder name \"%s\"",
                               course->id, folder);

  read_languages (loader, doc, root);
  tr_loader_read_text (loader, doc, root, "title", TR_TEXT_PLAIN, &course->title, "course title");
  tr_loader_read_text (loader, doc, root, "summary", TR_TEXT_PLAIN, &course->summary, "course summary");
  tr_loader_read_text (loader, doc, root, "audience", TR_TEXT_PLAIN, &course->audience, "course audience");
  read_text_list (loader, doc, root, "objectives", course->objectives, "objective");

  course->estimated_minutes = (int) tr_json_get_int (root, "estimated_minutes", 0);
  if (tr_json_get_int (root, "estimated_minutes", 1) <= 0)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, root, "estimated_minutes",
                               "\"estimated_minutes\" must be more than 0");
  course->validity_months = (int) tr_json_get_int (root, "validity_months", 0);
  if (course->validity_months < 0 || course->validity_months > 240)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, root, "validity_months",
                               "\"validity_months\" must be between 1 and 240");

  read_lessons (loader, doc, root);
  load_parts (loader, doc, root, "scenarios", tr_loader_load_scenario);
  load_parts (loader, doc, root, "signal_exercises", tr_loader_load_signal_exercise);
  if (json_object_has_member (root, "quiz"))
    tr_loader_load_quiz (loader, doc, json_object_get_member (root, "quiz"));
  if (json_object_has_member (root, "guide"))
    tr_loader_load_guide (loader, doc, json_object_get_member (root, "guide"));
  read_completion (loader, doc, root);
  read_sources (loader, doc, root);
}

/**
 * tr_course_load:
 * @dir: the course folder, named as the author should see it in messages
 * @diagnostics: where every problem found is added
 *
 * Reads and checks a course. Returns %NULL only when course.json cannot be
 * read at all; otherwise a course, which is fit for learners only when no
 * error was added to @diagnostics.
 */
TrCourse *
tr_course_load (const char    *dir,
                TrDiagnostics *diagnostics)
{
  g_autoptr(TrCourse) course = NULL;
  g_autoptr(TrJsonDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *display = NULL;
  TrLoader loader = { 0 };

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (diagnostics != NULL, NULL);

  display = g_build_filename (dir, "course.json", NULL);
  path = g_canonicalize_filename (display, NULL);
  doc = tr_json_doc_load (path, display, diagnostics);
  if (doc == NULL)
    return NULL;

  course = g_object_new (TR_TYPE_COURSE, NULL);
  course->dir = g_canonicalize_filename (dir, NULL);
  loader.course = course;
  loader.diagnostics = diagnostics;
  loader.dir = g_strdup (dir);
  loader.declared = 1u << TR_LANG_EN;

  read_course (&loader, doc);

  course->version = tr_course_compute_version (course->dir, &error);
  if (course->version == NULL)
    tr_diagnostics_add (diagnostics, TR_SEVERITY_ERROR, dir, 0, 0,
                        "cannot compute the content version: %s", error->message);
  g_free (loader.dir);
  return g_steal_pointer (&course);
}

/* For players: a course only when it has no error at all. */
TrCourse *
tr_course_load_valid (const char  *dir,
                      GError     **error)
{
  g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
  g_autoptr(TrCourse) course = tr_course_load (dir, diagnostics);

  if (course == NULL || tr_diagnostics_count (diagnostics, TR_SEVERITY_ERROR) > 0)
    {
      g_autoptr(GString) message = g_string_new (NULL);

      tr_diagnostics_sort (diagnostics);
      for (guint i = 0; i < tr_diagnostics_get_n_items (diagnostics); i++)
        {
          const TrDiagnostic *diagnostic = tr_diagnostics_get_item (diagnostics, i);
          g_autofree char *line = NULL;

          if (diagnostic->severity != TR_SEVERITY_ERROR)
            continue;
          line = tr_diagnostic_to_string (diagnostic);
          g_string_append_printf (message, "%s%s", message->len > 0 ? "\n" : "", line);
        }
      g_set_error_literal (error, TR_COURSE_ERROR, TR_COURSE_ERROR_INVALID, message->str);
      return NULL;
    }
  return g_steal_pointer (&course);
}
