/* bench-courses.c: how long the app takes to load all of its courses, and
 * the memory they take
 *
 *   bench-courses [--runs 20] [--courses DIR]
 *
 * Loads the course folder (by default the repository's courses/, as
 * installed) with the app's own TrellisCourseLibrary, the way the window
 * does after its first frame: parsing, validation, Markdown, learning
 * paths. Prints the median and slowest load and how much the resident
 * memory grew with one library loaded.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-util.h"
#include "trellis-course-library.h"

typedef struct
{
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
} Load;

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Load *load = user_data;

  load->ok = trellis_course_library_load_finish (TRELLIS_COURSE_LIBRARY (source), result, &load->error);
  g_main_loop_quit (load->loop);
}

/* Resident memory now, in KiB (from /proc, Linux). */
static long
resident_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : 0;
}

int
main (int    argc,
      char **argv)
{
  int runs = 20;
  g_autofree char *dir = g_build_filename (SOURCE_ROOT, "courses", NULL);
  GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Loads timed", "N" },
    { "courses", 0, 0, G_OPTION_ARG_FILENAME, &dir, "The course folder", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- loading all courses");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(TrellisCourseLibrary) kept = NULL;
  guint n_courses = 0, n_paths = 0;
  long before, after = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1)
    {
      g_printerr ("bench-courses: %s\n", error != NULL ? error->message : "--runs must be at least 1");
      return 2;
    }

  before = resident_kib ();
  for (int i = 0; i <= runs; i++)
    {
      g_autoptr(TrellisCourseLibrary) library = trellis_course_library_new (dir);
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
      Load load = { .loop = loop };
      gint64 start = g_get_monotonic_time (), took;

      trellis_course_library_load_async (library, NULL, loaded_cb, &load);
      g_main_loop_run (loop);
      took = g_get_monotonic_time () - start;
      if (!load.ok)
        {
          g_printerr ("bench-courses: %s\n", load.error->message);
          return 1;
        }
      n_courses = g_list_model_get_n_items (trellis_course_library_get_courses (library));
      n_paths = g_list_model_get_n_items (trellis_course_library_get_paths (library));
      /* The first load is also the first read of the files: a warm-up. */
      if (i > 0)
        g_array_append_val (times, took);
      if (i == 0)
        {
          after = resident_kib ();
          kept = g_steal_pointer (&library);
        }
    }
  g_print ("loading %u courses and %u learning paths from %s: median %.1f ms, slowest %.1f ms (%d runs); "
           "resident memory +%.1f MiB with them loaded\n",
           n_courses, n_paths, dir, bench_percentile_ms (times, 50), bench_percentile_ms (times, 100),
           runs, (after - before) / 1024.0);
  return 0;
}
