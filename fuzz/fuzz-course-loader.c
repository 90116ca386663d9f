/* fuzz-course-loader.c: tr_course_load() on a hostile course folder
 *
 * The input is a course.json, optionally followed by a line "@@scenario@@"
 * and the text of the course's one scenario file. Both go into a copy of
 * tests/fixtures/example-course, whose lessons, exercises, quiz, guide and
 * image stay as they are, so that an input that names them gets past the
 * checks of course.json into the loaders of every other file. What a
 * player does with a course that loads without errors follows: word counts,
 * missing translations, lessons read, every scenario played.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-fuzz"
#define _GNU_SOURCE /* memmem() */

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "tr-course-loader.h"
#include "tr-progress.h"
#include "tr-scenario-run.h"

#include "fuzz-harness.h"

#define SCENARIO_MARK "\n@@scenario@@\n"
#define SCENARIO_FILE "scenarios/corridor-remark.json"
/* A scenario played further than this is going round in a loop. */
#define MAX_STEPS 64
/* json-glib 1.6 parses recursively and overflows the stack at about 200,000
 * levels of nesting (measured under ASan); a course file has no depth
 * limit of its own, and that is json-glib's to fix. So the input stays
 * well below: at 64 KiB, 65,536 levels are parsed without trouble. */
#define MAX_INPUT_SIZE (64 * 1024)

static char *course_dir;
static char *course_path;
static char *scenario_path;
static char *default_scenario;
static gsize default_scenario_length;

/* Without the rename and fsync of g_file_set_contents(): tens of thousands
 * of inputs a minute need no durability. */
static void
write_file (const char *path,
            const char *contents,
            gsize       length)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents_full (path, contents, length, G_FILE_SET_CONTENTS_NONE, 0600, &error))
    g_error ("%s", error->message);
}

static void
copy_tree (const char *source,
           const char *target)
{
  g_autoptr(GDir) dir = g_dir_open (source, 0, NULL);
  const char *name;

  if (dir == NULL || g_mkdir_with_parents (target, 0700) != 0)
    g_error ("cannot copy %s", source);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *from = g_build_filename (source, name, NULL);
      g_autofree char *to = g_build_filename (target, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (from, G_FILE_TEST_IS_DIR))
        {
          copy_tree (from, to);
          continue;
        }
      if (!g_file_get_contents (from, &contents, &length, NULL))
        g_error ("cannot read %s", from);
      write_file (to, contents, length);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
cleanup (void)
{
  g_autofree char *parent = g_path_get_dirname (course_dir);

  remove_tree (parent);
}

static void
set_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = NULL;

  fuzz_init_logging ();
  parent = g_dir_make_tmp ("trellis-fuzz-course-XXXXXX", &error);
  if (parent == NULL)
    g_error ("%s", error->message);
  course_dir = g_build_filename (parent, "example-course", NULL);
  copy_tree (FUZZ_SOURCE_DIR "/tests/fixtures/example-course", course_dir);
  course_path = g_build_filename (course_dir, "course.json", NULL);
  scenario_path = g_build_filename (course_dir, SCENARIO_FILE, NULL);
  if (!g_file_get_contents (scenario_path, &default_scenario, &default_scenario_length, NULL))
    g_error ("cannot read %s", scenario_path);
  atexit (cleanup);
}

/* Plays @scenario the way a learner might: the first choice offered, or
 * the last one, at every step. */
static void
play (const TrScenario *scenario,
      gboolean          last)
{
  g_autoptr(TrScenarioRun) run = tr_scenario_run_new (scenario);

  for (guint step = 0; step < MAX_STEPS && !tr_scenario_run_is_finished (run); step++)
    {
      GPtrArray *choices = tr_scenario_run_get_choices (run);
      const TrChoice *choice;

      if (choices == NULL || choices->len == 0)
        break;
      choice = g_ptr_array_index (choices, last ? choices->len - 1 : 0);
      if (!tr_scenario_run_choose (run, choice->id))
        break;
    }
  tr_scenario_run_get_score (run);
  if (tr_scenario_run_get_n_steps (run) > 1)
    tr_scenario_run_rewind (run, 1);
}

static void
use_course (TrCourse *course)
{
  GPtrArray *lessons = tr_course_get_lessons (course);
  GPtrArray *scenarios = tr_course_get_scenarios (course);
  g_autoptr(GPtrArray) no_events = g_ptr_array_new ();
  g_autoptr(TrProgress) progress = NULL;

  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    {
      if (!tr_course_has_language (course, lang))
        continue;
      tr_course_get_words (course, lang);
      tr_course_get_missing (course, lang);
      for (guint i = 0; lessons != NULL && i < lessons->len; i++)
        g_free (tr_course_read_lesson (course, g_ptr_array_index (lessons, i), lang, NULL));
    }
  for (guint i = 0; scenarios != NULL && i < scenarios->len; i++)
    {
      play (g_ptr_array_index (scenarios, i), FALSE);
      play (g_ptr_array_index (scenarios, i), TRUE);
    }
  progress = tr_progress_compute (course, no_events);
  tr_progress_get_fraction (progress);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(TrDiagnostics) diagnostics = tr_diagnostics_new ();
  g_autoptr(TrCourse) course = NULL;
  const char *text = (const char *) data;
  const char *mark;
  gsize course_length = size;

  if (size > MAX_INPUT_SIZE)
    return 0;
  if (course_dir == NULL)
    set_up ();

  mark = memmem (text, size, SCENARIO_MARK, strlen (SCENARIO_MARK));
  if (mark != NULL)
    {
      const char *scenario = mark + strlen (SCENARIO_MARK);

      course_length = mark - text;
      write_file (scenario_path, scenario, size - (scenario - text));
    }
  else
    write_file (scenario_path, default_scenario, default_scenario_length);
  write_file (course_path, text, course_length);

  course = tr_course_load (course_dir, diagnostics);
  for (guint i = 0; i < tr_diagnostics_get_n_items (diagnostics); i++)
    g_free (tr_diagnostic_to_string (tr_diagnostics_get_item (diagnostics, i)));
  if (course != NULL && tr_diagnostics_count (diagnostics, TR_SEVERITY_ERROR) == 0)
    use_course (course);
  return 0;
}
