/* trellis-course.c: validate and inspect course folders
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-course"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "tr-course-info.h"
#include "tr-course-loader.h"
#include "tr-credential.h"
#include "tr-jws.h"
#include "tr-learning-path.h"

static const char usage[] =
  "Usage:\n"
  "  trellis-course validate [--strict] DIR...   check courses and learning paths\n"
  "  trellis-course info [--json] DIR            show what a course holds\n"
  "  trellis-course verify FILE --jwks FILE [--status-list FILE]\n"
  "                                              check a certificate offline\n"
  "  trellis-course --version\n"
  "\n"
  "Problems are printed as FILE:LINE:COLUMN: error|warning: MESSAGE.\n"
  "validate exits with 1 when a course has an error (with --strict: or a warning).\n"
  "verify exits with 1 when the certificate is not valid, is revoked or has expired.\n";

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

/* ----------------------------------------------------------------------- */
/* verify                                                                   */

/* A JWS is at most 1 MiB; a JSON file wrapping one is allowed some more. */
#define MAX_VERIFY_FILE_SIZE (2 * 1024 * 1024)
/* json-glib parses recursively: deeper nesting could overflow the stack. */
#define MAX_JSON_DEPTH 64
/* Clocks differ a little: a certificate issued just now is not in the future. */
#define CLOCK_SKEW_MS (5 * 60 * 1000)

static gboolean
json_nesting_ok (const char *data,
                 gsize       length)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if ((c == '[' || c == '{') && ++depth > MAX_JSON_DEPTH)
        return FALSE;
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

static char *
read_small_file (const char  *path,
                 GError     **error)
{
  GStatBuf buf;
  g_autofree char *contents = NULL;
  gsize length;

  if (g_stat (path, &buf) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (buf.st_mode) || buf.st_size > MAX_VERIFY_FILE_SIZE)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: not a file of at most %d bytes", path, MAX_VERIFY_FILE_SIZE);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (memchr (contents, '\0', length) != NULL || !g_utf8_validate (contents, length, NULL))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not UTF-8 text", path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

/* The compact JWS that @path holds, on its own or as the "jws" member of a
 * JSON object (as the server answers it). */
static char *
load_jws (const char  *path,
          GError     **error)
{
  g_autofree char *contents = read_small_file (path, error);
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root, *jws;

  if (contents == NULL)
    return NULL;
  g_strstrip (contents);
  if (contents[0] != '{')
    return g_steal_pointer (&contents);

  if (!json_nesting_ok (contents, strlen (contents)))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: JSON nested too deeply", path);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, contents, -1, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  root = json_parser_get_root (parser);
  jws = JSON_NODE_HOLDS_OBJECT (root) ? json_object_get_member (json_node_get_object (root), "jws") : NULL;
  if (jws == NULL || json_node_get_value_type (jws) != G_TYPE_STRING)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: neither a compact JWS nor a JSON object with a “jws” string", path);
      return NULL;
    }
  return g_strstrip (json_node_dup_string (jws));
}

static char *
format_date (gint64 ms)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (ms / 1000);

  return date != NULL ? g_date_time_format (date, "%Y-%m-%d %H:%M UTC") : g_strdup ("(no date)");
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
type_holds (JsonObject *object,
            const char *type)
{
  JsonNode *node = json_object_get_member (object, "type");
  JsonArray *array;

  if (node == NULL)
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_str_equal (json_node_get_string (node), type);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (json_node_get_value_type (element) == G_TYPE_STRING &&
          g_str_equal (json_node_get_string (element), type))
        return TRUE;
    }
  return FALSE;
}

/* Checks @info against the status list credential in @path, signed by one
 * of @keys, and prints the "revocation:" line. TRUE when not revoked. */
static gboolean
check_revocation (const TrCredentialInfo *info,
                  const char             *path,
                  GHashTable             *keys,
                  gint64                  now)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *jws = NULL;
  g_autofree char *issued = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(GDateTime) valid_from = NULL;
  JsonObject *object, *subject = NULL;
  JsonNode *subject_node;
  const char *list_id, *issuer, *encoded, *date;
  gboolean revoked = FALSE;
  gint64 age_days;

  if (info->status_list == NULL)
    {
      g_print ("revocation: not checked: the certificate names no status list\n");
      return TRUE;
    }
  jws = load_jws (path, &error);
  if (jws != NULL)
    list = tr_jws_verify (jws, keys, NULL, &error);
  if (list == NULL)
    {
      g_print ("revocation: NOT CHECKED — the status list cannot be trusted: %s\n", error->message);
      return FALSE;
    }

  object = json_node_get_object (list);
  list_id = member_string (object, "id");
  issuer = member_string (object, "issuer");
  if (issuer == NULL && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "issuer")))
    issuer = member_string (json_object_get_object_member (object, "issuer"), "id");
  subject_node = json_object_get_member (object, "credentialSubject");
  if (subject_node != NULL && JSON_NODE_HOLDS_OBJECT (subject_node))
    subject = json_node_get_object (subject_node);
  encoded = member_string (subject, "encodedList");
  date = member_string (object, "validFrom");
  if (date != NULL)
    valid_from = g_date_time_new_from_iso8601 (date, NULL);

  if (!type_holds (object, "BitstringStatusListCredential") || subject == NULL ||
      g_strcmp0 (member_string (subject, "statusPurpose"), "revocation") != 0 ||
      encoded == NULL || valid_from == NULL)
    {
      g_print ("revocation: NOT CHECKED — %s is not a revocation status list credential\n", path);
      return FALSE;
    }
  if (g_strcmp0 (list_id, info->status_list) != 0 || g_strcmp0 (issuer, info->issuer_id) != 0)
    {
      g_print ("revocation: NOT CHECKED — the status list given is %s from %s, "
               "but the certificate's is %s from %s\n",
               list_id != NULL ? list_id : "(no id)", issuer != NULL ? issuer : "(no issuer)",
               info->status_list, info->issuer_id);
      return FALSE;
    }
  if (!tr_status_list_get (encoded, info->status_index, &revoked, &error))
    {
      g_print ("revocation: NOT CHECKED — %s\n", error->message);
      return FALSE;
    }

  issued = format_date (g_date_time_to_unix (valid_from) * 1000);
  age_days = MAX (0, now / 1000 - g_date_time_to_unix (valid_from)) / (24 * 60 * 60);
  if (revoked)
    g_print ("revocation: REVOKED (list of %s)\n", issued);
  else if (age_days == 0)
    g_print ("revocation: not revoked (list of %s, less than a day old)\n", issued);
  else
    g_print ("revocation: not revoked (list of %s, %" G_GINT64_FORMAT " day%s old)\n",
             issued, age_days, age_days == 1 ? "" : "s");
  return !revoked;
}

static void
print_info (const TrCredentialInfo *info)
{
  g_autofree char *modules = info->modules != NULL ? g_strjoinv ("; ", info->modules) : NULL;

  g_print ("issuer: %s (%s)\n", info->issuer_name, info->issuer_id);
  g_print ("holder: %s (%s)\n", info->holder_name, info->holder_id);
  g_print ("achievement: %s “%s” (%s)\n", g_str_equal (info->achievement_kind, "path") ? "learning path" : "course",
           tr_text_get (&info->title, TR_LANG_EN), info->achievement_id);
  if (modules != NULL && *modules != '\0')
    g_print ("covers: %s\n", modules);
  g_print ("study hours: %g\n", info->study_hours);
  if (info->quiz_score >= 0)
    g_print ("quiz score: %d%%\n", info->quiz_score);
  else
    g_print ("quiz score: none\n");
  g_print ("content version: %s\n", info->version);
  g_print ("credential: %s\n", info->id);
}

static int
command_verify (int    argc,
                char **argv)
{
  g_autofree char *jwks_path = NULL;
  g_autofree char *status_path = NULL;
  GOptionEntry entries[] = {
    { "jwks", 0, 0, G_OPTION_ARG_FILENAME, &jwks_path, "The issuer's keys (/.well-known/jwks.json)", "FILE" },
    { "status-list", 0, 0, G_OPTION_ARG_FILENAME, &status_path,
      "The issuer's signed revocation list (a JWS)", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE - check a certificate offline");
  g_autoptr(GError) error = NULL;
  g_autofree char *jwks_text = NULL;
  g_autoptr(GHashTable) keys = NULL;
  g_autofree char *jws = NULL;
  g_autofree char *kid = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autofree char *issued = NULL;
  gint64 now = g_get_real_time () / 1000;
  gboolean valid = TRUE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("trellis-course verify: %s\n", error->message);
      return 2;
    }
  if (argc != 2 || jwks_path == NULL)
    {
      g_printerr ("trellis-course verify: name one certificate file and the issuer's keys (--jwks)\n\n%s",
                  usage);
      return 2;
    }

  jwks_text = read_small_file (jwks_path, &error);
  if (jwks_text != NULL)
    keys = tr_jwks_parse (jwks_text, &error);
  if (keys == NULL)
    {
      g_printerr ("trellis-course verify: the keys cannot be read: %s\n", error->message);
      return 2;
    }
  jws = load_jws (argv[1], &error);
  if (jws == NULL)
    {
      g_printerr ("trellis-course verify: %s\n", error->message);
      return 2;
    }

  payload = tr_jws_verify (jws, keys, &kid, &error);
  if (payload == NULL)
    {
      if (g_error_matches (error, TR_JWS_ERROR, TR_JWS_ERROR_UNKNOWN_KEY))
        g_print ("signature: INVALID — %s (if the issuer added a key since, fetch its keys again)\n",
                 error->message);
      else
        g_print ("signature: INVALID — %s\n", error->message);
      g_print ("result: NOT VALID — nothing this certificate states can be trusted\n");
      return 1;
    }
  g_print ("signature: valid (key %s)\n", kid);

  info = tr_credential_parse (payload, &error);
  if (info == NULL)
    {
      g_print ("certificate: INVALID — %s\n", error->message);
      g_print ("result: NOT VALID\n");
      return 1;
    }
  print_info (info);

  issued = format_date (info->valid_from);
  if (info->valid_from > now + CLOCK_SKEW_MS)
    {
      g_print ("issued: %s (in the future: not valid yet)\n", issued);
      valid = FALSE;
    }
  else
    g_print ("issued: %s\n", issued);
  if (info->valid_until != 0)
    {
      g_autofree char *until = format_date (info->valid_until);
      gboolean expired = now >= info->valid_until;

      g_print ("valid until: %s%s\n", until, expired ? " (expired)" : "");
      valid = valid && !expired;
    }
  else
    g_print ("valid until: does not expire\n");

  if (status_path != NULL)
    valid = check_revocation (info, status_path, keys, now) && valid;
  else
    g_print ("revocation: not checked: no status list given\n");
  g_print ("verify online: %s\n", info->verify_url);

  g_print ("result: %s\n", valid ? "valid" : "NOT VALID");
  return valid ? 0 : 1;
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
  if (g_str_equal (argv[1], "verify"))
    return command_verify (argc - 1, argv + 1);

  g_printerr ("trellis-course: unknown command \"%s\"\n\n%s", argv[1], usage);
  return 2;
}
