/* trellis-server.c: the institute's server
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include "config.h"

#include <glib.h>
#include <locale.h>

static const char usage[] =
  "Usage: trellis-server [--help] [--version]\n"
  "\n"
  "The Trellis server lets a training institute enrol learners, synchronise\n"
  "their progress between devices and issue certificates.\n"
  "\n"
  "Options:\n"
  "  -h, --help     show this help\n"
  "  --version      print the version\n";

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (argc == 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      g_print ("%s", usage);
      return 0;
    }
  if (argc == 2 && g_str_equal (argv[1], "--version"))
    {
      g_print ("trellis-server %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (argc > 1)
    g_printerr ("trellis-server: unknown argument \"%s\"\n\n", argv[1]);
  g_printerr ("%s", usage);
  return 2;
}
