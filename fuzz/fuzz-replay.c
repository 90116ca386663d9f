/* fuzz-replay.c: runs a fuzz harness over saved inputs, without libFuzzer
 *
 * Linked with one fuzz-*.c into a plain test program, built by every build
 * (gcc too): each argument is a file or a folder of files, and each file is
 * handed once to the harness's LLVMFuzzerTestOneInput(). A crash, a
 * sanitizer report or an abort() fails the test; the TAP lines name the
 * input that was running. Built with AddressSanitizer, it also looks for
 * leaks after each input, so that a leak is pinned on the input that made
 * it (fuzz/run relies on this for fuzz-http, which runs too slowly with
 * libFuzzer's own leak checks).
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-fuzz"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz-harness.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif

#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The files of @path, sorted, so that runs are alike; a file stands for
 * itself, and a missing path (an empty regressions folder that git does not
 * keep) for nothing. */
static void
collect (const char *path,
         GPtrArray  *files)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    if (g_file_test (g_ptr_array_index (names, i), G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add (files, g_strdup (g_ptr_array_index (names, i)));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  gboolean failed = FALSE;
#ifdef HAVE_LSAN
  gboolean leaked = FALSE;
#endif

  /* LSan ends the process without flushing stdout when it finds leaks at
   * exit: each line goes out at once. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  for (int i = 1; i < argc; i++)
    collect (argv[i], files);

  printf ("1..%u\n", files->len);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *data = NULL;
      gsize length;

      /* Printed first, so that a crash shows which input it was. */
      printf ("# %s\n", path);
      if (!g_file_get_contents (path, &data, &length, &error))
        {
          printf ("not ok %u - %s: %s\n", i + 1, path, error->message);
          failed = TRUE;
          continue;
        }
      LLVMFuzzerTestOneInput ((const guint8 *) data, length);
#ifdef HAVE_LSAN
      /* Non-zero when leaks were found; LSan has printed them. It finds
       * them again at every later check, so only the first input that
       * leaks is named. */
      if (!leaked && __lsan_do_recoverable_leak_check () != 0)
        {
          printf ("not ok %u - %s: leaks\n", i + 1, path);
          leaked = failed = TRUE;
          continue;
        }
#endif
      printf ("ok %u - %s\n", i + 1, path);
    }
  return failed ? 1 : 0;
}
