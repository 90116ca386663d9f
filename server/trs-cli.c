/* trs-cli.c: the administrative subcommands of trellis-server
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "trs-auth.h"
#include "trs-catalogue.h"
#include "trs-cli.h"
#include "trs-keys.h"
#include "trs-report.h"
#include "trs-store.h"
#include "trs-store-reports.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define DB_NAME "trellis.db"
#define MIN_PASSWORD_CHARS 10
#define MAX_PASSWORD_BYTES 1024
#define MAX_DAYS 3650
#define DAY_MS (G_GINT64_CONSTANT (24) * 60 * 60 * 1000)

static void G_GNUC_PRINTF (2, 3)
cli_error (const char *command,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("trellis-server %s: %s\n", command, message);
}

/* Bad input is a usage error (2); anything else a failure (1). */
static int
cli_fail (const char   *command,
          const GError *error)
{
  cli_error (command, "%s", error->message);
  return g_error_matches (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID) ? EXIT_USAGE : EXIT_FAILED;
}

static gboolean
parse_options (const char     *command,
               const char     *parameter,
               const char     *summary,
               GOptionEntry   *entries,
               int            *argc,
               char         ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strconcat ("trellis-server ", command, NULL);

  g_set_prgname (prgname);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      cli_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* Values are read as G_OPTION_ARG_FILENAME, as they are given, rather than
 * converted from the locale's character set (which may be plain ASCII on a
 * server); they must be UTF-8. */
static gboolean
check_text (const char *command,
            const char *option,
            const char *value)
{
  if (value == NULL || *value == '\0')
    {
      cli_error (command, "%s is required", option);
      return FALSE;
    }
  if (!g_utf8_validate (value, -1, NULL))
    {
      cli_error (command, "%s must be UTF-8 text", option);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_positionals (const char *command,
                   int         argc,
                   int         expected,
                   const char *what)
{
  if (argc - 1 == expected)
    return TRUE;
  if (argc - 1 < expected)
    cli_error (command, "%s is required", what);
  else
    cli_error (command, "unexpected argument");
  return FALSE;
}

static char *
database_path (const char *data_dir)
{
  return g_build_filename (data_dir, DB_NAME, NULL);
}

static TrsStore *
open_store (const char *command,
            const char *data_dir)
{
  g_autofree char *path = database_path (data_dir);
  g_autoptr(GError) error = NULL;
  TrsStore *store;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      cli_error (command, "no database in %s (run \"trellis-server init --data %s\" first)",
                 data_dir, data_dir);
      return NULL;
    }
  store = trs_store_open (path, &error);
  if (store == NULL)
    cli_error (command, "%s", error->message);
  return store;
}

/* What a command asks of the store and what it gets back; lives on the
 * command's stack while trs_store_run_sync() waits. */
typedef struct
{
  const char *data_dir;
  const char *institute;
  const char *cohort;
  const char *role;
  const char *name;
  const char *email;
  const char *password_hash;
  gint64      expires;
  int         max_uses;
  const char *certificate_id;
  const char *reason;
  gint64      id;
  char       *text;
  GPtrArray  *accounts;
  TrsCertificate *certificate;
} CliJob;

/* init */

static gpointer
init_job (TrsStore  *store,
          gpointer   data,
          GError   **error)
{
  CliJob *job = data;

  job->text = trs_keys_generate (job->data_dir, store, error);
  return job->text != NULL ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
remove_database (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

static int
cli_init (int    argc,
          char **argv)
{
  const char *command = "init";
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The server's data folder", "DIR" },
    { NULL }
  };
  g_autofree char *path = NULL;
  g_autofree char *courses = NULL;
  g_autoptr(GError) error = NULL;
  CliJob job = { 0 };
  TrsStore *store;

  if (!parse_options (command, "", "Creates the database, a signing key and the course folder.",
                      entries, &argc, &argv))
    return EXIT_USAGE;
  if (!check_text (command, "--data DIR", data_dir) || !check_positionals (command, argc, 0, ""))
    return EXIT_USAGE;

  path = database_path (data_dir);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      cli_error (command, "a database already exists in %s", data_dir);
      return EXIT_FAILED;
    }
  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      cli_error (command, "could not create %s: %s", data_dir, g_strerror (saved_errno));
      return EXIT_FAILED;
    }

  store = trs_store_open (path, &error);
  if (store == NULL)
    return cli_fail (command, error);
  job.data_dir = data_dir;
  if (trs_store_run_sync (store, TRS_JOB_WRITE, init_job, &job, &error) == NULL)
    {
      trs_store_close (store);
      /* No half-made data folder that a second init would refuse. */
      remove_database (path);
      return cli_fail (command, error);
    }
  trs_store_close (store);

  courses = g_build_filename (data_dir, "courses", NULL);
  if (g_mkdir_with_parents (courses, 0700) != 0)
    {
      int saved_errno = errno;

      g_free (job.text);
      cli_error (command, "could not create %s: %s", courses, g_strerror (saved_errno));
      return EXIT_FAILED;
    }

  g_print ("Created %s with signing key %s.\n", path, job.text);
  g_print ("Put published courses in %s.\n", courses);
  g_free (job.text);
  return 0;
}

/* institute create */

static gpointer
institute_create_job (TrsStore  *store,
                      gpointer   data,
                      GError   **error)
{
  CliJob *job = data;

  job->id = trs_store_institute_create (store, job->name, error);
  return job->id != 0 ? GINT_TO_POINTER (TRUE) : NULL;
}

static int
cli_institute_create (int    argc,
                      char **argv)
{
  const char *command = "institute create";
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The server's data folder", "DIR" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  CliJob job = { 0 };
  TrsStore *store;
  int status = 0;

  if (!parse_options (command, "NAME", "Adds an institute.", entries, &argc, &argv))
    return EXIT_USAGE;
  if (!check_text (command, "--data DIR", data_dir) || !check_positionals (command, argc, 1, "NAME") ||
      !check_text (command, "NAME", argv[1]))
    return EXIT_USAGE;

  if ((store = open_store (command, data_dir)) == NULL)
    return EXIT_FAILED;
  job.name = argv[1];
  if (trs_store_run_sync (store, TRS_JOB_WRITE, institute_create_job, &job, &error) == NULL)
    status = cli_fail (command, error);
  else
    g_print ("Created institute \"%s\" (id %" G_GINT64_FORMAT ").\n", g_strstrip (argv[1]), job.id);
  trs_store_close (store);
  return status;
}

/* user add */

static gpointer
institute_find_job (TrsStore  *store,
                    gpointer   data,
                    GError   **error)
{
  CliJob *job = data;

  job->id = trs_store_institute_find (store, job->institute, error);
  return job->id != 0 ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
user_add_job (TrsStore  *store,
              gpointer   data,
              GError   **error)
{
  CliJob *job = data;
  g_autoptr(TrsAccount) account = NULL;
  gint64 institute_id;

  institute_id = trs_store_institute_find (store, job->institute, error);
  if (institute_id == 0)
    return NULL;
  account = trs_store_account_create (store, institute_id, 0, job->role, job->name, job->email,
                                      job->password_hash, error);
  if (account == NULL)
    return NULL;
  job->text = g_strdup (account->public_id);
  return GINT_TO_POINTER (TRUE);
}

/* The password's first line, in a buffer the caller wipes and frees;
 * never from the command line, where other users could see it. */
static char *
read_password_file (const char  *path,
                    GError     **error)
{
  char *contents = NULL;
  gsize length = 0;
  char *password;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  password = g_strndup (contents, strcspn (contents, "\n"));
  sodium_memzero (contents, length);
  g_free (contents);
  return password;
}

static char *
read_password_stdin (const char  *email,
                     GError     **error)
{
  struct termios saved, quiet;
  gboolean echo_off = FALSE;
  char *buffer = g_malloc0 (MAX_PASSWORD_BYTES + 1);
  gsize length = 0;

  if (isatty (STDIN_FILENO))
    {
      g_printerr ("Password for %s: ", email);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }

  /* Byte by byte, without stdio, so that no copy is left in a buffer and
   * nothing past the first line is consumed. */
  while (length <= MAX_PASSWORD_BYTES)
    {
      char c;
      ssize_t n = read (STDIN_FILENO, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      if (c == '\n')
        break;
      if (length == MAX_PASSWORD_BYTES)
        {
          length++;
          break;
        }
      buffer[length++] = c;
    }

  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  if (length > MAX_PASSWORD_BYTES)
    {
      sodium_memzero (buffer, MAX_PASSWORD_BYTES + 1);
      g_free (buffer);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the password must be at most %d bytes", MAX_PASSWORD_BYTES);
      return NULL;
    }
  return buffer;
}

static void
password_free (char *password)
{
  if (password == NULL)
    return;
  sodium_memzero (password, strlen (password));
  g_free (password);
}

typedef char TrsPassword;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrsPassword, password_free)

static gboolean
check_password (const char  *password,
                GError     **error)
{
  if (!g_utf8_validate (password, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "the password must be UTF-8 text");
      return FALSE;
    }
  if (g_utf8_strlen (password, -1) < MIN_PASSWORD_CHARS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the password needs at least %d characters", MIN_PASSWORD_CHARS);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_role (const char *command,
            const char *role)
{
  if (!check_text (command, "--role", role))
    return FALSE;
  if (g_str_equal (role, "learner") || g_str_equal (role, "trainer") || g_str_equal (role, "admin"))
    return TRUE;
  cli_error (command, "--role must be learner, trainer or admin, not \"%s\"", role);
  return FALSE;
}

static int
cli_user_add (int    argc,
              char **argv)
{
  const char *command = "user add";
  g_autofree char *data_dir = NULL;
  g_autofree char *institute = NULL;
  g_autofree char *role = NULL;
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;
  g_autofree char *password_file = NULL;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The server's data folder", "DIR" },
    { "institute", 0, 0, G_OPTION_ARG_FILENAME, &institute, "The institute's name", "NAME" },
    { "role", 0, 0, G_OPTION_ARG_FILENAME, &role, "learner, trainer or admin", "ROLE" },
    { "name", 0, 0, G_OPTION_ARG_FILENAME, &name, "The person's name", "NAME" },
    { "email", 0, 0, G_OPTION_ARG_FILENAME, &email, "The person's e-mail address", "EMAIL" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      "Read the password from the first line of FILE (default: standard input)", "FILE" },
    { NULL }
  };
  g_autoptr(TrsPassword) password = NULL;
  g_autoptr(TrsPassword) hash = NULL;
  g_autoptr(GError) error = NULL;
  CliJob job = { 0 };
  TrsStore *store;
  int status = 0;

  if (!parse_options (command, "", "Adds an account. The password is read from the file, or from "
                      "the first line of standard input.", entries, &argc, &argv))
    return EXIT_USAGE;
  if (!check_text (command, "--data DIR", data_dir) ||
      !check_text (command, "--institute NAME", institute) ||
      !check_role (command, role) ||
      !check_text (command, "--name NAME", name) ||
      !check_text (command, "--email EMAIL", email) ||
      !check_positionals (command, argc, 0, ""))
    return EXIT_USAGE;

  if ((store = open_store (command, data_dir)) == NULL)
    return EXIT_FAILED;
  /* Before asking for the password: the institute must exist. */
  job.institute = institute;
  if (trs_store_run_sync (store, TRS_JOB_READ, institute_find_job, &job, &error) == NULL)
    {
      status = cli_fail (command, error);
      goto out;
    }

  password = password_file != NULL ? read_password_file (password_file, &error)
                                   : read_password_stdin (email, &error);
  if (password == NULL)
    {
      cli_error (command, "%s", error->message);
      status = EXIT_FAILED;
      goto out;
    }
  /* Only the line end goes: spaces may belong to the password. */
  if (*password != '\0' && password[strlen (password) - 1] == '\r')
    password[strlen (password) - 1] = '\0';
  if (!check_password (password, &error))
    {
      cli_error (command, "%s", error->message);
      status = EXIT_USAGE;
      goto out;
    }
  hash = trs_password_hash (password, &error);
  if (hash == NULL)
    {
      status = cli_fail (command, error);
      goto out;
    }

  job.role = role;
  job.name = name;
  job.email = email;
  job.password_hash = hash;
  if (trs_store_run_sync (store, TRS_JOB_WRITE, user_add_job, &job, &error) == NULL)
    {
      status = cli_fail (command, error);
      goto out;
    }
  g_print ("Added %s %s <%s> (id %s).\n", role, g_strstrip (name), g_strstrip (email), job.text);
  g_free (job.text);

out:
  trs_store_close (store);
  return status;
}

/* user list */

static gpointer
user_list_job (TrsStore  *store,
               gpointer   data,
               GError   **error)
{
  CliJob *job = data;
  gint64 institute_id = 0;

  if (job->institute != NULL && (institute_id = trs_store_institute_find (store, job->institute, error)) == 0)
    return NULL;
  job->accounts = trs_store_account_list (store, institute_id, error);
  return job->accounts;
}

static char *
format_created (gint64 created)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (created / 1000);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

enum { COL_ID, COL_ROLE, COL_NAME, COL_EMAIL, COL_INSTITUTE, COL_COHORT, COL_CREATED, N_COLS };

static void
print_row (const char * const *cells,
           const glong        *widths)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < N_COLS; i++)
    {
      g_string_append (line, cells[i]);
      if (i + 1 < N_COLS)
        for (glong pad = g_utf8_strlen (cells[i], -1); pad < widths[i] + 2; pad++)
          g_string_append_c (line, ' ');
    }
  g_print ("%s\n", line->str);
}

static int
cli_user_list (int    argc,
               char **argv)
{
  const char *command = "user list";
  static const char * const header[N_COLS] = {
    "ID", "ROLE", "NAME", "EMAIL", "INSTITUTE", "COHORT", "CREATED",
  };
  g_autofree char *data_dir = NULL;
  g_autofree char *institute = NULL;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The server's data folder", "DIR" },
    { "institute", 0, 0, G_OPTION_ARG_FILENAME, &institute, "Only this institute's accounts", "NAME" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func (g_free);
  glong widths[N_COLS];
  CliJob job = { 0 };
  TrsStore *store;

  if (!parse_options (command, "", "Lists the accounts.", entries, &argc, &argv))
    return EXIT_USAGE;
  if (!check_text (command, "--data DIR", data_dir) ||
      (institute != NULL && !check_text (command, "--institute NAME", institute)) ||
      !check_positionals (command, argc, 0, ""))
    return EXIT_USAGE;

  if ((store = open_store (command, data_dir)) == NULL)
    return EXIT_FAILED;
  job.institute = institute;
  accounts = trs_store_run_sync (store, TRS_JOB_READ, user_list_job, &job, &error);
  trs_store_close (store);
  if (accounts == NULL)
    return cli_fail (command, error);

  for (guint c = 0; c < N_COLS; c++)
    widths[c] = g_utf8_strlen (header[c], -1);
  for (guint i = 0; i < accounts->len; i++)
    {
      TrsAccount *account = g_ptr_array_index (accounts, i);
      const char *cells[N_COLS] = {
        account->public_id, account->role, account->name, account->email, account->institute_name,
        account->cohort_name != NULL ? account->cohort_name : "-", NULL,
      };

      g_ptr_array_add (created, format_created (account->created));
      cells[COL_CREATED] = g_ptr_array_index (created, i);
      for (guint c = 0; c < N_COLS; c++)
        widths[c] = MAX (widths[c], g_utf8_strlen (cells[c], -1));
    }

  print_row (header, widths);
  for (guint i = 0; i < accounts->len; i++)
    {
      TrsAccount *account = g_ptr_array_index (accounts, i);
      const char *cells[N_COLS] = {
        account->public_id, account->role, account->name, account->email, account->institute_name,
        account->cohort_name != NULL ? account->cohort_name : "-", g_ptr_array_index (created, i),
      };

      print_row (cells, widths);
    }
  return 0;
}

/* code create */

static gpointer
code_create_job (TrsStore  *store,
                 gpointer   data,
                 GError   **error)
{
  CliJob *job = data;
  gint64 institute_id, cohort_id = 0;

  institute_id = trs_store_institute_find (store, job->institute, error);
  if (institute_id == 0)
    return NULL;
  if (job->cohort != NULL && (cohort_id = trs_store_cohort_ensure (store, institute_id, job->cohort, error)) == 0)
    return NULL;
  job->text = trs_store_code_create (store, institute_id, cohort_id, job->expires, job->max_uses, error);
  return job->text;
}

static int
cli_code_create (int    argc,
                 char **argv)
{
  const char *command = "code create";
  g_autofree char *data_dir = NULL;
  g_autofree char *institute = NULL;
  g_autofree char *cohort = NULL;
  int days = 30;
  int max_uses = 0;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The server's data folder", "DIR" },
    { "institute", 0, 0, G_OPTION_ARG_FILENAME, &institute, "The institute to enrol in", "NAME" },
    { "cohort", 0, 0, G_OPTION_ARG_FILENAME, &cohort, "The cohort to enrol in (made when new)", "NAME" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "Valid for N days (default 30)", "N" },
    { "max-uses", 0, 0, G_OPTION_ARG_INT, &max_uses, "At most N enrolments (default: no limit)", "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  CliJob job = { 0 };
  TrsStore *store;

  if (!parse_options (command, "", "Makes an enrolment code for learners.", entries, &argc, &argv))
    return EXIT_USAGE;
  if (!check_text (command, "--data DIR", data_dir) ||
      !check_text (command, "--institute NAME", institute) ||
      (cohort != NULL && !check_text (command, "--cohort NAME", cohort)) ||
      !check_positionals (command, argc, 0, ""))
    return EXIT_USAGE;
  if (days < 1 || days > MAX_DAYS)
    {
      cli_error (command, "--days must be between 1 and %d", MAX_DAYS);
      return EXIT_USAGE;
    }
  if (max_uses < 0)
    {
      cli_error (command, "--max-uses must not be negative");
      return EXIT_USAGE;
    }

  if ((store = open_store (command, data_dir)) == NULL)
    return EXIT_FAILED;
  job.institute = institute;
  job.cohort = cohort;
  job.expires = g_get_real_time () / 1000 + days * DAY_MS;
  job.max_uses = max_uses;
  code = trs_store_run_sync (store, TRS_JOB_WRITE, code_create_job, &job, &error);
  trs_store_close (store);
  if (code == NULL)
    return cli_fail (command, error);
  g_print ("%s\n", code);
  return 0;
}

/* keys rotate, keys list */

static gpointer
keys_rotate_job (TrsStore  *store,
                 gpointer   data,
                 GError   **error)
{
  CliJob *job = data;

  job->text = trs_keys_generate (job->data_dir, store, error);
  return job->text != NULL ? GINT_TO_POINTER (TRUE) : NULL;
}

static int
cli_keys_rotate (int    argc,
                 char **argv)
{
  const char *command = "keys rotate";
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The server's data folder", "DIR" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  CliJob job = { 0 };
  TrsStore *store;

  if (!parse_options (command, "", "Adds a new signing key, which signs from now on. The old keys "
                      "stay published, so that the certificates they signed keep verifying. A "
                      "running server signs with the new key from its next certificate.",
                      entries, &argc, &argv))
    return EXIT_USAGE;
  if (!check_text (command, "--data DIR", data_dir) || !check_positionals (command, argc, 0, ""))
    return EXIT_USAGE;

  if ((store = open_store (command, data_dir)) == NULL)
    return EXIT_FAILED;
  job.data_dir = data_dir;
  if (trs_store_run_sync (store, TRS_JOB_WRITE, keys_rotate_job, &job, &error) == NULL)
    {
      trs_store_close (store);
      return cli_fail (command, error);
    }
  trs_store_close (store);
  g_print ("Added signing key %s; it signs from now on.\n", job.text);
  g_free (job.text);
  return 0;
}

static gpointer
keys_list_job (TrsStore  *store,
               gpointer   data,
               GError   **error)
{
  return trs_store_key_list (store, error);
}

static int
cli_keys_list (int    argc,
               char **argv)
{
  const char *command = "keys list";
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The server's data folder", "DIR" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  TrsStore *store;

  if (!parse_options (command, "", "Lists the signing keys, all of them published in the JWKS.",
                      entries, &argc, &argv))
    return EXIT_USAGE;
  if (!check_text (command, "--data DIR", data_dir) || !check_positionals (command, argc, 0, ""))
    return EXIT_USAGE;

  if ((store = open_store (command, data_dir)) == NULL)
    return EXIT_FAILED;
  keys = trs_store_run_sync (store, TRS_JOB_READ, keys_list_job, NULL, &error);
  trs_store_close (store);
  if (keys == NULL)
    return cli_fail (command, error);
  for (guint i = 0; i < keys->len; i++)
    {
      TrsSigningKey *key = g_ptr_array_index (keys, i);
      g_autofree char *created = format_created (key->created);

      g_print ("%s  %s  %s\n", key->kid, created, key->active ? "signs" : "verifies only");
    }
  return 0;
}

/* certificate revoke */

static gpointer
certificate_revoke_job (TrsStore  *store,
                        gpointer   data,
                        GError   **error)
{
  CliJob *job = data;

  job->certificate = trs_store_certificate_revoke (store, job->certificate_id, job->reason, error);
  return job->certificate;
}

static int
cli_certificate_revoke (int    argc,
                        char **argv)
{
  const char *command = "certificate revoke";
  g_autofree char *data_dir = NULL;
  g_autofree char *reason = NULL;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The server's data folder", "DIR" },
    { "reason", 0, 0, G_OPTION_ARG_FILENAME, &reason, "Why (kept on the server, not published)", "TEXT" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TrsCertificate) certificate = NULL;
  g_autofree char *revoked_at = NULL;
  CliJob job = { 0 };
  TrsStore *store;

  if (!parse_options (command, "ID", "Revokes a certificate: its verify page, its status and the "
                      "published status list say so from now on.", entries, &argc, &argv))
    return EXIT_USAGE;
  if (!check_text (command, "--data DIR", data_dir) || !check_positionals (command, argc, 1, "ID") ||
      !check_text (command, "ID", argv[1]) || !check_text (command, "--reason TEXT", reason))
    return EXIT_USAGE;
  if (!g_uuid_string_is_valid (argv[1]))
    {
      cli_error (command, "\"%s\" is not a certificate id (a UUID)", argv[1]);
      return EXIT_USAGE;
    }

  if ((store = open_store (command, data_dir)) == NULL)
    return EXIT_FAILED;
  job.certificate_id = argv[1];
  job.reason = reason;
  certificate = trs_store_run_sync (store, TRS_JOB_WRITE, certificate_revoke_job, &job, &error);
  trs_store_close (store);
  if (certificate == NULL)
    return cli_fail (command, error);
  revoked_at = format_created (certificate->revoked_at);
  g_print ("Certificate %s of %s is revoked (since %s UTC).\n", certificate->id, certificate->holder_name,
           revoked_at);
  return 0;
}

/* report completion */

typedef struct
{
  CliJob     base;
  GPtrArray *courses;
  GPtrArray *paths;
  gint64     since;
  char      *institute_name;
  TrsReport *report;
} ReportJob;

static gpointer
report_completion_job (TrsStore  *store,
                       gpointer   data,
                       GError   **error)
{
  ReportJob *job = data;
  g_autoptr(GPtrArray) learners = NULL;
  gint64 institute_id, cohort_id = 0;

  institute_id = trs_store_institute_find (store, job->base.institute, error);
  if (institute_id == 0)
    return NULL;
  if (job->base.cohort != NULL &&
      (cohort_id = trs_store_cohort_lookup (store, institute_id, job->base.cohort, error)) == 0)
    return NULL;
  job->institute_name = trs_store_institute_name (store, institute_id, error);
  if (job->institute_name == NULL)
    return NULL;
  learners = trs_store_report_learners (store, institute_id, cohort_id, error);
  if (learners == NULL)
    return NULL;
  job->report = trs_report_new (learners, job->courses, job->paths, job->since);
  return job->report;
}

static int
cli_report_completion (int    argc,
                       char **argv)
{
  const char *command = "report completion";
  g_autofree char *data_dir = NULL;
  g_autofree char *institute = NULL;
  g_autofree char *cohort = NULL;
  g_autofree char *since = NULL;
  g_autofree char *format = NULL;
  g_autofree char *courses_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The server's data folder", "DIR" },
    { "institute", 0, 0, G_OPTION_ARG_FILENAME, &institute, "The institute's name or id", "ID" },
    { "cohort", 0, 0, G_OPTION_ARG_FILENAME, &cohort, "Only this cohort (name or id)", "ID" },
    { "since", 0, 0, G_OPTION_ARG_FILENAME, &since, "Only completions on or after this day (UTC)", "YYYY-MM-DD" },
    { "format", 0, 0, G_OPTION_ARG_FILENAME, &format, "csv or json", "FORMAT" },
    { "courses", 0, 0, G_OPTION_ARG_FILENAME, &courses_dir, "The published courses (DATA/courses)", "DIR" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) courses = NULL;
  ReportJob job = { 0 };
  TrsStore *store;
  gboolean csv;

  if (!parse_options (command, "", "Writes the completion of each learner of the institute, per course and "
                      "learning path, to standard output: completion, dates and quiz scores, never a "
                      "learner's answers.", entries, &argc, &argv))
    return EXIT_USAGE;
  if (!check_text (command, "--data DIR", data_dir) || !check_text (command, "--institute ID", institute) ||
      (cohort != NULL && !check_text (command, "--cohort ID", cohort)) ||
      !check_text (command, "--format csv|json", format) || !check_positionals (command, argc, 0, ""))
    return EXIT_USAGE;
  if (!g_str_equal (format, "csv") && !g_str_equal (format, "json"))
    {
      cli_error (command, "--format must be csv or json, not \"%s\"", format);
      return EXIT_USAGE;
    }
  csv = g_str_equal (format, "csv");
  if (since != NULL && !trs_report_parse_date (since, &job.since))
    {
      cli_error (command, "--since must be a date as YYYY-MM-DD, not \"%s\"", since);
      return EXIT_USAGE;
    }

  if (courses_dir == NULL)
    courses_dir = g_build_filename (data_dir, "courses", NULL);
  courses = trs_catalogue_load (courses_dir, paths);
  if ((store = open_store (command, data_dir)) == NULL)
    return EXIT_FAILED;
  job.base.institute = institute;
  job.base.cohort = cohort;
  job.courses = courses;
  job.paths = paths;
  trs_store_run_sync (store, TRS_JOB_READ, report_completion_job, &job, &error);
  trs_store_close (store);
  if (job.report == NULL)
    {
      g_free (job.institute_name);
      return cli_fail (command, error);
    }
  if (csv)
    {
      g_autofree char *text = trs_report_to_csv (job.report, job.institute_name);

      fputs (text, stdout);
    }
  else
    {
      g_autoptr(JsonNode) node = trs_report_to_json (job.report, job.institute_name, cohort, since);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_root (generator, node);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      fputs (text, stdout);
      fputc ('\n', stdout);
    }
  trs_report_free (job.report);
  g_free (job.institute_name);
  return fflush (stdout) == 0 ? 0 : EXIT_FAILED;
}

/* Dispatch */

typedef struct
{
  const char *action;
  int       (*run) (int argc, char **argv);
} CliAction;

static int
run_action (const char      *noun,
            const CliAction *actions,
            int              argc,
            char           **argv)
{
  g_autoptr(GString) known = g_string_new (NULL);

  if (argc >= 2)
    for (const CliAction *a = actions; a->action != NULL; a++)
      if (g_str_equal (argv[1], a->action))
        return a->run (argc - 1, argv + 1);

  for (const CliAction *a = actions; a->action != NULL; a++)
    g_string_append_printf (known, "%s%s", known->len > 0 ? ", " : "", a->action);
  if (argc < 2)
    g_printerr ("trellis-server %s: an action is needed (%s)\n", noun, known->str);
  else if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      g_print ("Usage: trellis-server %s ACTION [OPTIONS]\nActions: %s\n", noun, known->str);
      return 0;
    }
  else
    g_printerr ("trellis-server %s: unknown action \"%s\" (%s)\n", noun, argv[1], known->str);
  return EXIT_USAGE;
}

int
trs_cli_command (int    argc,
                 char **argv)
{
  static const CliAction institute_actions[] = {
    { "create", cli_institute_create },
    { NULL },
  };
  static const CliAction user_actions[] = {
    { "add", cli_user_add },
    { "list", cli_user_list },
    { NULL },
  };
  static const CliAction code_actions[] = {
    { "create", cli_code_create },
    { NULL },
  };
  static const CliAction keys_actions[] = {
    { "rotate", cli_keys_rotate },
    { "list", cli_keys_list },
    { NULL },
  };
  static const CliAction certificate_actions[] = {
    { "revoke", cli_certificate_revoke },
    { NULL },
  };
  static const CliAction report_actions[] = {
    { "completion", cli_report_completion },
    { NULL },
  };

  g_return_val_if_fail (argc >= 1 && argv != NULL, -1);

  if (g_str_equal (argv[0], "init"))
    return cli_init (argc, argv);
  if (g_str_equal (argv[0], "institute"))
    return run_action ("institute", institute_actions, argc, argv);
  if (g_str_equal (argv[0], "user"))
    return run_action ("user", user_actions, argc, argv);
  if (g_str_equal (argv[0], "code"))
    return run_action ("code", code_actions, argc, argv);
  if (g_str_equal (argv[0], "keys"))
    return run_action ("keys", keys_actions, argc, argv);
  if (g_str_equal (argv[0], "certificate"))
    return run_action ("certificate", certificate_actions, argc, argv);
  if (g_str_equal (argv[0], "report"))
    return run_action ("report", report_actions, argc, argv);
  return -1;
}
