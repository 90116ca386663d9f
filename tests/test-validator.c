/* test-validator.c: one broken fixture per validator rule
 *
 * tests/fixtures/broken/expectations.tsv lists, for each fixture, the
 * problem the validator must report: severity, file, line and message. Each
 * is checked through the library and through `trellis-course validate`.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "tr-course-loader.h"
#include "tr-learning-path.h"
#include "tr-test-util.h"

typedef struct
{
  char      *fixture;
  int        status;
  TrSeverity severity;
  char      *file;
  guint      line;
  char      *message;
} Expectation;

static void
expectation_free (Expectation *expectation)
{
  g_free (expectation->fixture);
  g_free (expectation->file);
  g_free (expectation->message);
  g_free (expectation);
}

static GPtrArray *
read_expectations (void)
{
  g_autofree char *path = tr_test_fixture_path ("broken", "expectations.tsv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *expectations = g_ptr_array_new_with_free_func ((GDestroyNotify) expectation_free);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      Expectation *expectation;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (fields), ==, 6);
      expectation = g_new0 (Expectation, 1);
      expectation->fixture = g_strdup (fields[0]);
      expectation->status = atoi (fields[1]);
      expectation->severity = g_str_equal (fields[2], "error") ? TR_SEVERITY_ERROR : TR_SEVERITY_WARNING;
      expectation->file = g_strdup (fields[3]);
      expectation->line = (guint) atoi (fields[4]);
      expectation->message = g_strdup (fields[5]);
      g_ptr_array_add (expectations, expectation);
    }
  return expectations;
}

static gboolean
has_diagnostic (TrDiagnostics     *diagnostics,
                const char        *file,
                const Expectation *expectation)
{
  for (guint i = 0; i < tr_diagnostics_get_n_items (diagnostics); i++)
    {
      const TrDiagnostic *diagnostic = tr_diagnostics_get_item (diagnostics, i);

      if (g_str_equal (diagnostic->file, file) && diagnostic->line == expectation->line &&
          diagnostic->severity == expectation->severity &&
          strstr (diagnostic->message, expectation->message) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
print_diagnostics (TrDiagnostics *diagnostics)
{
  for (guint i = 0; i < tr_diagnostics_get_n_items (diagnostics); i++)
    {
      g_autofree char *text = tr_diagnostic_to_string (tr_diagnostics_get_item (diagnostics, i));

      g_test_message ("got: %s", text);
    }
}

static void
test_library (gconstpointer data)
{
  const Expectation *expectation = data;
  g_autofree char *dir = tr_test_fixture_path ("broken", expectation->fixture, NULL);
  g_autofree char *file = g_build_filename (dir, expectation->file, NULL);
  g_autofree char *path_json = g_build_filename (dir, "path.json", NULL);
  g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
  g_autoptr(GObject) loaded = NULL;

  if (g_file_test (path_json, G_FILE_TEST_EXISTS))
    loaded = G_OBJECT (tr_learning_path_load (dir, diagnostics));
  else
    loaded = G_OBJECT (tr_course_load (dir, diagnostics));

  g_test_message ("expecting %s:%u: %s", file, expectation->line, expectation->message);
  print_diagnostics (diagnostics);
  g_assert_true (has_diagnostic (diagnostics, file, expectation));
  if (expectation->severity == TR_SEVERITY_WARNING)
    g_assert_cmpuint (tr_diagnostics_count (diagnostics, TR_SEVERITY_ERROR), ==, 0);
}

static void
test_command (gconstpointer data)
{
  const Expectation *expectation = data;
  const char *tool = g_getenv ("TRELLIS_COURSE");
  g_autofree char *dir = tr_test_fixture_path ("broken", expectation->fixture, NULL);
  g_autofree char *location = g_strdup_printf ("%s/%s:%u:", dir, expectation->file, expectation->line);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (tool);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              tool, "validate", "--strict", dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);

  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, expectation->status);
  g_assert_nonnull (strstr (err, location));
  g_assert_nonnull (strstr (err, expectation->severity == TR_SEVERITY_ERROR ? ": error: " : ": warning: "));
  g_assert_nonnull (strstr (err, expectation->message));
}

/* Warnings alone do not fail a plain validate; --strict makes them fail. */
static void
test_warnings_pass_without_strict (void)
{
  const char *tool = g_getenv ("TRELLIS_COURSE");
  g_autofree char *dir = tr_test_fixture_path ("broken", "missing-translation", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              tool, "validate", dir, NULL);
  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) expectations = NULL;

  tr_test_init (&argc, &argv);
  expectations = read_expectations ();
  g_assert_cmpuint (expectations->len, >=, 30);
  for (guint i = 0; i < expectations->len; i++)
    {
      const Expectation *expectation = g_ptr_array_index (expectations, i);
      g_autofree char *library = g_strdup_printf ("/validator/library/%s", expectation->fixture);
      g_autofree char *command = g_strdup_printf ("/validator/command/%s", expectation->fixture);

      g_test_add_data_func (library, expectation, test_library);
      g_test_add_data_func (command, expectation, test_command);
    }
  g_test_add_func ("/validator/warnings-pass-without-strict", test_warnings_pass_without_strict);
  return g_test_run ();
}
