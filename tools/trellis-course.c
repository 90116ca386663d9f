/* trellis-course.c: validate and inspect course folders
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-course"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "tr-course-info.h"
#include "tr-course-loader.h"
#include "tr-learning-path.h"

static const char usage[] =
  "Usage:\n"
  "  trellis-course validate [--strict] DIR...   check courses and learning paths\n"
  "  trellis-course info [--json] DIR            show what a course holds\n"
  "  trellis-course --version\n"
  "\n"
  "Problems are printed as FILE:LINE:COLUMN: error|warning: MESSAGE.\n"
  "validate exits with 1 when a course has an error (with --strict: or a warning).\n";

static gboolean
is_learning_path (const char *dir)
{
  g_autofree char *path_json = g_build_filename (dir, "path.json", NULL);
  g_autofree char *course_json = g_build_filename (dir, "course.json", NULL);

  return g_file_test (path_json, G_FILE_TEST_IS_REGULAR) &&
         !g_file_test (course_json, G_FILE_TEST_IS_REGULAR);
}

static void
print_diagnostics (TrDiagnostics *diagnostics)
{
  tr_diagnostics_sort (diagnostics);
  for (guint i = 0; i < tr_diagnostics_get_n_items (diagnostics); i++)
    {
      g_autofree char *line = tr_diagnostic_to_string (tr_diagnostics_get_item (diagnostics, i));

      g_printerr ("%s\n", line);
    }
}

/* Loads whatever DIR holds, adding its problems to diagnostics. */
static GObject *
load_dir (const char    *dir,
          TrDiagnostics *diagnostics)
{
  g_autofree char *course_json = g_build_filename (dir, "course.json", NULL);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      tr_diagnostics_add (diagnostics, TR_SEVERITY_ERROR, dir, 0, 0, "no such folder");
      return NULL;
    }
  if (is_learning_path (dir))
    return G_OBJECT (tr_learning_path_load (dir, diagnostics));
  if (!g_file_test (course_json, G_FILE_TEST_IS_REGULAR))
    {
      tr_diagnostics_add (diagnostics, TR_SEVERITY_ERROR, dir, 0, 0,
                          "not a course: the folder has no course.json (nor path.json)");
      return NULL;
    }
  return G_OBJECT (tr_course_load (dir, diagnostics));
}

static int
command_validate (int    argc,
                  char **argv)
{
  gboolean strict = FALSE;
  GOptionEntry entries[] = {
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, "Treat warnings as errors", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("DIR... - check courses");
  g_autoptr(GError) error = NULL;
  guint total_errors = 0, total_warnings = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("trellis-course validate: %s\n", error->message);
      return 2;
    }
  if (argc < 2)
    {
      g_printerr ("trellis-course validate: name at least one course folder\n\n%s", usage);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
      g_autoptr(GObject) loaded = load_dir (argv[i], diagnostics);
      guint errors = tr_diagnostics_count (diagnostics, TR_SEVERITY_ERROR);
      guint warnings = tr_diagnostics_count (diagnostics, TR_SEVERITY_WARNING);

      print_diagnostics (diagnostics);
      g_print ("%s: %s (%u error%s, %u warning%s)\n", argv[i],
               errors > 0 ? "invalid" : "valid",
               errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
      total_errors += errors;
      total_warnings += warnings;
    }
  return total_errors > 0 || (strict && total_warnings > 0) ? 1 : 0;
}

static void
print_course_info (TrCourse *course)
{
  g_autoptr(JsonNode) info = tr_course_info_to_json (course);
  JsonObject *object = json_node_get_object (info);
  JsonObject *types = json_object_get_object_member (object, "question_types");
  JsonObject *words = json_object_get_object_member (object, "words");
  JsonObject *missing = json_object_get_object_member (object, "missing");
  GPtrArray *lessons = tr_course_get_lessons (course);
  GPtrArray *scenarios = tr_course_get_scenarios (course);
  const TrGuide *guide = tr_course_get_guide (course);

  g_print ("%s — %s\n", tr_course_get_id (course), tr_text_get (tr_course_get_title (course), TR_LANG_EN));
  g_print ("version:    %s\n", tr_course_get_version (course));
  g_print ("study time: %d min\n", tr_course_get_estimated_minutes (course));
  g_print ("lessons:    %u\n", lessons->len);
  for (guint i = 0; i < lessons->len; i++)
    {
      const TrLesson *lesson = g_ptr_array_index (lessons, i);

      g_print ("  %-32s %3d min  %s\n", lesson->id, lesson->minutes, tr_text_get (&lesson->title, TR_LANG_EN));
    }
  g_print ("scenarios:  %u (%" G_GINT64_FORMAT " decision points, %" G_GINT64_FORMAT " endings)\n",
           scenarios->len, json_object_get_int_member (object, "decision_points"),
           json_object_get_int_member (object, "endings"));
  for (guint i = 0; i < scenarios->len; i++)
    {
      const TrScenario *scenario = g_ptr_array_index (scenarios, i);

      g_print ("  %-32s %-18s %2u nodes, %u decision points, %u endings\n", scenario->id,
               scenario->setting ? scenario->setting : "?", scenario->nodes->len,
               tr_scenario_count_decision_points (scenario), tr_scenario_count_endings (scenario));
    }
  g_print ("signals:    %" G_GINT64_FORMAT " statements in %" G_GINT64_FORMAT " exercise(s)\n",
           json_object_get_int_member (object, "signal_statements"),
           json_object_get_int_member (object, "signal_exercises"));
  g_print ("quiz:       %" G_GINT64_FORMAT " questions (%" G_GINT64_FORMAT " single, %" G_GINT64_FORMAT
           " multiple, %" G_GINT64_FORMAT " ordering), pass mark %" G_GINT64_FORMAT "%%\n",
           json_object_get_int_member (object, "questions"),
           json_object_get_int_member (types, "single"), json_object_get_int_member (types, "multiple"),
           json_object_get_int_member (types, "ordering"), json_object_get_int_member (object, "pass_mark"));
  if (guide != NULL)
    g_print ("guide:      %u parts in %d min, %u discussion groups\n",
             guide->plan->len, guide->duration_minutes, guide->discussion->len);
  else
    g_print ("guide:      none\n");
  g_print ("sources:    %u\n", tr_course_get_sources (course)->len);
  g_print ("languages:\n");
  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    {
      const char *code = tr_lang_to_code (lang);
      JsonArray *lacking;

      if (!json_object_has_member (words, code))
        continue;
      lacking = json_object_get_array_member (missing, code);
      g_print ("  %s  %6" G_GINT64_FORMAT " words, %u missing\n", code,
               json_object_get_int_member (words, code), json_array_get_length (lacking));
      for (guint i = 0; i < json_array_get_length (lacking); i++)
        g_print ("        missing: %s\n", json_array_get_string_element (lacking, i));
    }
}

static void
print_path_info (TrLearningPath *path)
{
  const char * const *ids = tr_learning_path_get_course_ids (path);

  g_print ("%s — %s (learning path)\n", tr_learning_path_get_id (path),
           tr_text_get (tr_learning_path_get_title (path), TR_LANG_EN));
  g_print ("courses:    %u\n", ids != NULL ? g_strv_length ((char **) ids) : 0);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    g_print ("  %s\n", ids[i]);
}

static JsonNode *
path_info_to_json (TrLearningPath *path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char * const *ids = tr_learning_path_get_course_ids (path);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, tr_learning_path_get_id (path));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "learning-path");
  json_builder_set_member_name (builder, "courses");
  json_builder_begin_array (builder);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    json_builder_add_string_value (builder, ids[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static int
command_info (int    argc,
              char **argv)
{
  gboolean as_json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print one JSON object", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("DIR - show what a course holds");
  g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
  g_autoptr(GObject) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) info = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("trellis-course info: %s\n", error->message);
      return 2;
    }
  if (argc != 2)
    {
      g_printerr ("trellis-course info: name one course folder\n\n%s", usage);
      return 2;
    }

  loaded = load_dir (argv[1], diagnostics);
  print_diagnostics (diagnostics);
  if (loaded == NULL)
    return 1;

  if (as_json)
    {
      g_autofree char *text = NULL;

      info = TR_IS_COURSE (loaded) ? tr_course_info_to_json (TR_COURSE (loaded))
                                   : path_info_to_json (TR_LEARNING_PATH (loaded));
      text = json_to_string (info, TRUE);
      g_print ("%s\n", text);
    }
  else if (TR_IS_COURSE (loaded))
    print_course_info (TR_COURSE (loaded));
  else
    print_path_info (TR_LEARNING_PATH (loaded));

  return tr_diagnostics_count (diagnostics, TR_SEVERITY_ERROR) > 0 ? 1 : 0;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      g_print ("%s", usage);
      return argc < 2 ? 2 : 0;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("trellis-course %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_str_equal (argv[1], "validate"))
    return command_validate (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "info"))
    return command_info (argc - 1, argv + 1);

  g_printerr ("trellis-course: unknown command \"%s\"\n\n%s", argv[1], usage);
  return 2;
}
