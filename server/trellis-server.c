/* trellis-server.c: the institute's server and its administration
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include "config.h"

#include <glib.h>
#include <locale.h>

#include "trs-cli.h"
#include "trs-serve.h"

static const char usage[] =
  "Usage: trellis-server COMMAND [OPTIONS]\n"
  "\n"
  "The Trellis server lets a training institute enrol learners, synchronise\n"
  "their progress between devices and follow completion.\n"
  "\n"
  "Commands:\n"
  "  init --data DIR                      create the database and the signing key\n"
  "  serve --data DIR [--listen ADDR:PORT] [--courses DIR] [--public-url URL]\n"
  "        [--tls-cert FILE --tls-key FILE]\n"
  "                                       answer the API (docs/api.md)\n"
  "  institute create --data DIR NAME     add an institute\n"
  "  user add --data DIR --institute NAME --role learner|trainer|admin\n"
  "        --name NAME --email EMAIL [--password-file FILE]\n"
  "                                       add an account (the password is read from\n"
  "                                       the file, or from standard input)\n"
  "  user list --data DIR [--institute NAME]\n"
  "  code create --data DIR --institute NAME [--cohort NAME] [--days N] [--max-uses N]\n"
  "                                       make an enrolment code for learners\n"
  "  keys rotate --data DIR               add a new signing key for certificates; the\n"
  "                                       old ones stay published\n"
  "  keys list --data DIR\n"
  "  certificate revoke --data DIR ID --reason TEXT\n"
  "                                       revoke a certificate\n"
  "  report completion --data DIR --institute ID [--cohort ID] [--since YYYY-MM-DD]\n"
  "        --format csv|json [--courses DIR]\n"
  "                                       completion per learner, course and path\n"
  "\n"
  "Options:\n"
  "  -h, --help     show this help\n"
  "  --version      print the version\n";

int
main (int    argc,
      char **argv)
{
  int status;

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
  if (argc < 2)
    {
      g_printerr ("%s", usage);
      return 2;
    }
  if (g_str_equal (argv[1], "serve"))
    return trs_serve_command (argc - 1, argv + 1);

  status = trs_cli_command (argc - 1, argv + 1);
  if (status >= 0)
    return status;
  g_printerr ("trellis-server: unknown command \"%s\"\n\n%s", argv[1], usage);
  return 2;
}
