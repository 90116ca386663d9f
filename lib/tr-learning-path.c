/* tr-learning-path.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-path"

#include <string.h>

#include "tr-learning-path.h"
#include "tr-loader-private.h"

struct _TrLearningPath
{
  GObject  parent_instance;

  char    *id;
  TrText   title;
  TrText   summary;
  GStrv    course_ids;
  int      validity_months;
};

G_DEFINE_FINAL_TYPE (TrLearningPath, tr_learning_path, G_TYPE_OBJECT)

static const TrField path_fields[] = {
  { "format", TR_FIELD_INT, TRUE },
  { "id", TR_FIELD_STRING, TRUE },
  { "title", TR_FIELD_TEXT, TRUE },
  { "summary", TR_FIELD_TEXT, TRUE },
  { "courses", TR_FIELD_ARRAY, TRUE },
  { "validity_months", TR_FIELD_INT, FALSE },
};

static void
tr_learning_path_finalize (GObject *object)
{
  TrLearningPath *self = TR_LEARNING_PATH (object);

  g_free (self->id);
  tr_text_clear (&self->title);
  tr_text_clear (&self->summary);
  g_strfreev (self->course_ids);

  G_OBJECT_CLASS (tr_learning_path_parent_class)->finalize (object);
}

static void
tr_learning_path_class_init (TrLearningPathClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tr_learning_path_finalize;
}

static void
tr_learning_path_init (TrLearningPath *self)
{
}

/**
 * tr_learning_path_load:
 * @dir: the path's folder; its courses are folders beside it
 *
 * Returns: (nullable): the path, or %NULL when path.json cannot be read.
 */
TrLearningPath *
tr_learning_path_load (const char    *dir,
                       TrDiagnostics *diagnostics)
{
  g_autoptr(TrLearningPath) self = NULL;
  g_autoptr(TrJsonDoc) doc = NULL;
  g_autoptr(TrCourse) scratch = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = tr_loader_new_id_set ();
  g_autofree char *display = g_build_filename (dir, "path.json", NULL);
  g_autofree char *canonical = g_canonicalize_filename (dir, NULL);
  g_autofree char *parent = g_path_get_dirname (canonical);
  g_autofree char *folder = g_path_get_basename (canonical);
  TrLoader loader = { 0 };
  JsonObject *root;
  JsonArray *courses;

  g_return_val_if_fail (dir != NULL, NULL);

  doc = tr_json_doc_load (display, display, diagnostics);
  if (doc == NULL)
    return NULL;
  self = g_object_new (TR_TYPE_LEARNING_PATH, NULL);
  if (!tr_json_doc_check_object (doc, diagnostics, tr_json_doc_get_root (doc), "path.json",
                                 path_fields, G_N_ELEMENTS (path_fields)))
    return g_steal_pointer (&self);
  root = json_node_get_object (tr_json_doc_get_root (doc));

  /* The text reader keeps word counts on a course; give it one to write to. */
  scratch = g_object_new (TR_TYPE_COURSE, NULL);
  scratch->dir = g_strdup (canonical);
  loader.course = scratch;
  loader.diagnostics = diagnostics;
  loader.dir = (char *) dir;
  loader.declared = (1u << TR_LANG_EN) | (1u << TR_LANG_NL) | (1u << TR_LANG_FR);

  if (tr_json_get_int (root, "format", 1) != 1)
    tr_json_doc_report_member (doc, diagnostics, TR_SEVERITY_ERROR, root, "format",
                               "this Trellis reads format 1");
  self->id = tr_loader_read_id (&loader, doc, root, "learning path", NULL);
  if (self->id != NULL && !g_str_equal (self->id, folder))
    tr_json_doc_report_member (doc, diagnostics, TR_SEVERITY_WARNING, root, "id",
                               "the path id \"%s\" differs from its folder name \"%s\"", self->id, folder);
  tr_loader_read_text (&loader, doc, root, "title", TR_TEXT_PLAIN, &self->title, "path title");
  tr_loader_read_text (&loader, doc, root, "summary", TR_TEXT_PLAIN, &self->summary, "path summary");
  self->validity_months = (int) CLAMP (tr_json_get_int (root, "validity_months", 0), 0, 240);

  courses = tr_json_get_array (root, "courses");
  if (courses != NULL && json_array_get_length (courses) == 0)
    tr_json_doc_report_member (doc, diagnostics, TR_SEVERITY_ERROR, root, "courses",
                               "a learning path needs at least one course");
  for (guint i = 0; courses != NULL && i < json_array_get_length (courses); i++)
    {
      JsonNode *node = json_array_get_element (courses, i);
      const char *id = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                       ? json_node_get_string (node) : NULL;
      g_autofree char *course_json = NULL;

      if (id == NULL)
        {
          tr_json_doc_report (doc, diagnostics, TR_SEVERITY_ERROR, node, "\"courses\" must list course ids");
          continue;
        }
      course_json = g_build_filename (parent, id, "course.json", NULL);
      if (strchr (id, '/') != NULL || g_str_equal (id, "..") ||
          !g_file_test (course_json, G_FILE_TEST_IS_REGULAR))
        tr_json_doc_report (doc, diagnostics, TR_SEVERITY_ERROR, node,
                            "the path names a course that does not exist beside it: \"%s\"", id);
      else if (!g_hash_table_add (seen, g_strdup (id)))
        tr_json_doc_report (doc, diagnostics, TR_SEVERITY_ERROR, node,
                            "the path names course \"%s\" twice", id);
      else
        g_strv_builder_add (builder, id);
    }
  self->course_ids = g_strv_builder_end (builder);
  return g_steal_pointer (&self);
}

const char *
tr_learning_path_get_id (TrLearningPath *self)
{
  g_return_val_if_fail (TR_IS_LEARNING_PATH (self), NULL);
  return self->id;
}

const TrText *
tr_learning_path_get_title (TrLearningPath *self)
{
  g_return_val_if_fail (TR_IS_LEARNING_PATH (self), NULL);
  return &self->title;
}

const TrText *
tr_learning_path_get_summary (TrLearningPath *self)
{
  g_return_val_if_fail (TR_IS_LEARNING_PATH (self), NULL);
  return &self->summary;
}

const char * const *
tr_learning_path_get_course_ids (TrLearningPath *self)
{
  g_return_val_if_fail (TR_IS_LEARNING_PATH (self), NULL);
  return (const char * const *) self->course_ids;
}

int
tr_learning_path_get_validity_months (TrLearningPath *self)
{
  g_return_val_if_fail (TR_IS_LEARNING_PATH (self), 0);
  return self->validity_months;
}
