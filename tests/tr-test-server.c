/* tr-test-server.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <glib/gstdio.h>

#include "tr-test-server.h"
#include "tr-test-util.h"

/* How long starting and stopping may take, even under a sanitizer. */
#define WAIT_S     30
#define LISTENING  "listening on http://127.0.0.1:"

struct _TrTestServer
{
  char              *root;          /* the temporary folder of the data and the logs */
  gboolean           owns_root;
  char              *data_dir;
  char              *log_name;      /* each start logs to ROOT/LOG_NAME-N.log */
  guint              n_starts;
  char              *log_path;      /* of the last start */

  /* The options of the first start, for the next ones. */
  gboolean           started;
  char              *courses_dir;
  char              *public_url;
  GStrv              env;
  int                death_signal;
  guint              max_files;
  char              *threads;    /* for --threads, or NULL */
  GStrv              wrapper;    /* what runs `serve`, from TRELLIS_SERVER_WRAPPER */

  char              *listen;        /* "127.0.0.1:PORT", the same after every restart */
  char              *url;           /* "http://127.0.0.1:PORT" */
  guint16            port;

  GSubprocess       *process;
  GDataInputStream  *output;
  GThread           *reader;

  /* Shared with the reader. */
  GMutex             lock;
  gboolean           have_first_line;
  char              *first_line;
};

/* ----------------------------------------------------------------------- */
/* The command line                                                         */

static const char *
server_path (void)
{
  const char *path = g_getenv ("TRELLIS_SERVER");

  if (path == NULL)
    g_error ("TRELLIS_SERVER is not set");
  return path;
}

/* Whether $TRELLIS_SERVER names the server to test; if not, says so. */
gboolean
tr_test_server_found (void)
{
  if (g_getenv ("TRELLIS_SERVER") != NULL)
    return TRUE;
  g_printerr ("TRELLIS_SERVER is not set\n");
  return FALSE;
}

/* Runs @args (the program first) and returns what it printed. Without
 * @status, it must succeed; with it, @status gets its exit status, or -1
 * when a signal ended it. */
static char *
run_args (GPtrArray  *args,
          int        *status,
          char      **err_out)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (args, NULL);
  process = g_subprocess_newv ((const char * const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (status != NULL)
    *status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  else if (!g_subprocess_get_successful (process))
    g_error ("trellis-server %s failed: %s%s", (const char *) g_ptr_array_index (args, 1), out, err);
  if (err_out != NULL)
    *err_out = g_steal_pointer (&err);
  return g_steal_pointer (&out);
}

static void
add_args (GPtrArray  *args,
          const char *first,
          va_list     ap)
{
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
}

/* `trellis-server FIRST...`, which must succeed; its output. */
char *
tr_test_cli_run (const char *first,
                 ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (gpointer) server_path ());
  va_start (ap, first);
  add_args (args, first, ap);
  va_end (ap);
  return run_args (args, NULL, NULL);
}

/* `trellis-server FIRST...`, which may fail: its exit status goes to
 * @status (-1 if a signal ended it), what it said on stderr to @err. */
char *
tr_test_cli_run_status (int         *status,
                        char       **err,
                        const char  *first,
                        ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_return_val_if_fail (status != NULL, NULL);

  g_ptr_array_add (args, (gpointer) server_path ());
  va_start (ap, first);
  add_args (args, first, ap);
  va_end (ap);
  return run_args (args, status, err);
}

/* `trellis-server COMMAND --data DATA ...` on the server's data, such as
 * ("code create", "--institute", name, NULL); it must succeed. Its output. */
char *
tr_test_server_run (TrTestServer *self,
                    const char   *command,
                    ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) words = NULL;
  const char *first;
  va_list ap;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (command != NULL, NULL);

  words = g_strsplit (command, " ", -1);
  g_ptr_array_add (args, (gpointer) server_path ());
  for (guint i = 0; words[i] != NULL; i++)
    g_ptr_array_add (args, words[i]);
  g_ptr_array_add (args, "--data");
  g_ptr_array_add (args, self->data_dir);
  va_start (ap, command);
  first = va_arg (ap, const char *);
  add_args (args, first, ap);
  va_end (ap);
  return run_args (args, NULL, NULL);
}

void
tr_test_server_add_institute (TrTestServer *self,
                              const char   *name)
{
  g_return_if_fail (self != NULL);

  g_free (tr_test_server_run (self, "institute create", name, NULL));
}

/* An enrolment code of @institute, made with `code create` and the options
 * that follow @institute, such as "--max-uses", "10", NULL. */
char *
tr_test_server_create_code (TrTestServer *self,
                            const char   *institute,
                            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  const char *first;
  va_list ap;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (institute != NULL, NULL);

  g_ptr_array_add (args, (gpointer) server_path ());
  g_ptr_array_add (args, "code");
  g_ptr_array_add (args, "create");
  g_ptr_array_add (args, "--data");
  g_ptr_array_add (args, self->data_dir);
  g_ptr_array_add (args, "--institute");
  g_ptr_array_add (args, (gpointer) institute);
  va_start (ap, institute);
  first = va_arg (ap, const char *);
  add_args (args, first, ap);
  va_end (ap);
  out = run_args (args, NULL, NULL);

  /* The code stands alone on the last line. */
  lines = g_strsplit (out, "\n", -1);
  for (int i = g_strv_length (lines) - 1; i >= 0; i--)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        return g_strdup (lines[i]);
    }
  g_error ("no code in \"%s\"", out);
  return NULL;
}

/* An account made with `user add`; the password goes through a file that
 * only the owner may read, and is gone after. */
void
tr_test_server_add_user (TrTestServer *self,
                         const char   *institute,
                         const char   *role,
                         const char   *name,
                         const char   *email,
                         const char   *password)
{
  g_autofree char *file = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (self != NULL);

  file = g_build_filename (self->root, "password", NULL);
  g_file_set_contents_full (file, password, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);
  g_free (tr_test_server_run (self, "user add", "--institute", institute, "--role", role, "--name", name,
                              "--email", email, "--password-file", file, NULL));
  g_unlink (file);
}

/* ----------------------------------------------------------------------- */
/* The data folder                                                          */

/* A new data folder, made with `init`, in a temporary folder named after
 * @name that also holds the server's logs. */
TrTestServer *
tr_test_server_new (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = NULL;
  TrTestServer *self;

  g_return_val_if_fail (name != NULL, NULL);

  template = g_strdup_printf ("trellis-%s-XXXXXX", name);
  self = g_new0 (TrTestServer, 1);
  g_mutex_init (&self->lock);
  self->root = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  self->owns_root = TRUE;
  self->data_dir = g_build_filename (self->root, "data", NULL);
  self->log_name = g_strdup ("server");
  g_free (tr_test_server_run (self, "init", NULL));
  return self;
}

/* A second server on the data of @server, with logs of its own named after
 * @name. */
TrTestServer *
tr_test_server_new_beside (TrTestServer *server,
                           const char   *name)
{
  TrTestServer *self;

  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = g_new0 (TrTestServer, 1);
  g_mutex_init (&self->lock);
  self->root = g_strdup (server->root);
  self->owns_root = FALSE;
  self->data_dir = g_strdup (server->data_dir);
  self->log_name = g_strdup (name);
  return self;
}

static void
reap (TrTestServer *self)
{
  g_thread_join (g_steal_pointer (&self->reader));
  g_clear_object (&self->output);
  g_clear_pointer (&self->first_line, g_free);
  self->have_first_line = FALSE;
  g_clear_object (&self->process);
}

/* Ends a server still running; with @remove_files, the temporary folder
 * goes too (what a failed test leaves is there to look at). */
void
tr_test_server_free (TrTestServer *self,
                     gboolean      remove_files)
{
  if (self == NULL)
    return;

  if (self->process != NULL)
    {
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
      reap (self);
    }
  if (remove_files && self->owns_root)
    tr_test_remove_tree (self->root);
  g_free (self->root);
  g_free (self->data_dir);
  g_free (self->log_name);
  g_free (self->log_path);
  g_free (self->courses_dir);
  g_free (self->public_url);
  g_free (self->threads);
  g_strfreev (self->wrapper);
  g_strfreev (self->env);
  g_free (self->listen);
  g_free (self->url);
  g_mutex_clear (&self->lock);
  g_free (self);
}

const char *
tr_test_server_get_root (TrTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->root;
}

const char *
tr_test_server_get_data_dir (TrTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->data_dir;
}

/* "http://127.0.0.1:PORT", without a slash; NULL before the first start. */
const char *
tr_test_server_get_url (TrTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->url;
}

guint16
tr_test_server_get_port (TrTestServer *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

/* The server's stderr, since its last start. */
const char *
tr_test_server_get_log_path (TrTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->log_path;
}

/* The running server, or NULL. */
GSubprocess *
tr_test_server_get_process (TrTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->process;
}

/* ----------------------------------------------------------------------- */
/* The server                                                               */

/* Runs in the child, between fork and exec. */
static void
child_setup (gpointer user_data)
{
  TrTestServer *self = user_data;

#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, self->death_signal);
#endif
  if (self->max_files > 0)
    {
      struct rlimit limit = { self->max_files, self->max_files };

      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

/* Hands the first line on, then reads the rest to the end: whatever the
 * server prints later must not fill the pipe and block it. */
static gpointer
read_output_thread (gpointer data)
{
  TrTestServer *self = data;
  char *line = g_data_input_stream_read_line_utf8 (self->output, NULL, NULL, NULL);

  g_mutex_lock (&self->lock);
  self->first_line = line;
  self->have_first_line = TRUE;
  g_mutex_unlock (&self->lock);
  while ((line = g_data_input_stream_read_line (self->output, NULL, NULL, NULL)) != NULL)
    g_free (line);
  return NULL;
}

/* The first line the server prints, within WAIT_S. The main context runs
 * meanwhile: the widget and sync tests have work pending in it. */
static char *
read_first_line (TrTestServer *self)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  self->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  self->reader = g_thread_new ("trellis-server output", read_output_thread, self);
  for (;;)
    {
      gboolean have_line;

      g_mutex_lock (&self->lock);
      have_line = self->have_first_line;
      g_mutex_unlock (&self->lock);
      if (have_line)
        return g_steal_pointer (&self->first_line);
      if (g_get_monotonic_time () > deadline)
        g_error ("trellis-server serve said nothing in %u s", WAIT_S);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
spawn (TrTestServer *self)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *log_name = NULL;
  g_autofree char *line = NULL;
  g_autofree char *listen = NULL;

  g_assert_null (self->process);
  /* tests/valgrind-server runs the server under valgrind this way. */
  if (g_getenv ("TRELLIS_SERVER_WRAPPER") != NULL)
    {
      g_clear_pointer (&self->wrapper, g_strfreev);
      if (!g_shell_parse_argv (g_getenv ("TRELLIS_SERVER_WRAPPER"), NULL, &self->wrapper, &error))
        g_error ("TRELLIS_SERVER_WRAPPER: %s", error->message);
      for (guint i = 0; self->wrapper[i] != NULL; i++)
        g_ptr_array_add (args, self->wrapper[i]);
    }
  g_ptr_array_add (args, (gpointer) server_path ());
  g_ptr_array_add (args, "serve");
  g_ptr_array_add (args, "--data");
  g_ptr_array_add (args, self->data_dir);
  g_ptr_array_add (args, "--listen");
  g_ptr_array_add (args, self->listen != NULL ? self->listen : "127.0.0.1:0");
  if (self->threads != NULL)
    {
      g_ptr_array_add (args, "--threads");
      g_ptr_array_add (args, self->threads);
    }
  if (self->courses_dir != NULL)
    {
      g_ptr_array_add (args, "--courses");
      g_ptr_array_add (args, self->courses_dir);
    }
  if (self->public_url != NULL)
    {
      g_ptr_array_add (args, "--public-url");
      g_ptr_array_add (args, self->public_url);
    }
  g_ptr_array_add (args, NULL);

  log_name = g_strdup_printf ("%s-%u.log", self->log_name, ++self->n_starts);
  g_free (self->log_path);
  self->log_path = g_build_filename (self->root, log_name, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, self, NULL);
  for (guint i = 0; self->env != NULL && self->env[i] != NULL && self->env[i + 1] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, self->env[i], self->env[i + 1], TRUE);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);

  line = read_first_line (self);
  if (line == NULL || !g_str_has_prefix (line, LISTENING) || !g_str_has_suffix (line, "/"))
    {
      g_autofree char *log = NULL;

      g_file_get_contents (self->log_path, &log, NULL, NULL);
      g_error ("the server did not start: \"%s\"; its log:\n%s", line != NULL ? line : "", log);
    }
  listen = g_strndup (line + strlen ("listening on http://"), strlen (line) - strlen ("listening on http://") - 1);
  if (self->listen == NULL)
    {
      guint64 port = g_ascii_strtoull (line + strlen (LISTENING), NULL, 10);

      g_assert_cmpuint (port, >, 0);
      g_assert_cmpuint (port, <=, G_MAXUINT16);
      self->port = (guint16) port;
      self->listen = g_steal_pointer (&listen);
      self->url = g_strconcat ("http://", self->listen, NULL);
    }
  else
    g_assert_cmpstr (listen, ==, self->listen);
}

/* Starts `serve` on a free loopback port, once it says where it listens. */
void
tr_test_server_start (TrTestServer              *self,
                      const TrTestServerOptions *options)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->started);

  if (options != NULL)
    {
      self->courses_dir = g_strdup (options->courses_dir);
      self->public_url = g_strdup (options->public_url);
      self->env = g_strdupv ((char **) options->env);
      self->death_signal = options->death_signal;
      self->max_files = options->max_files;
      if (options->threads > 0)
        self->threads = g_strdup_printf ("%u", options->threads);
    }
  if (self->death_signal == 0)
    self->death_signal = SIGTERM;
  self->started = TRUE;
  spawn (self);
}

/* After a stop or a kill: the same data, options and port. */
void
tr_test_server_restart (TrTestServer *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->started);

  spawn (self);
}

static void
waited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
wait_for_exit (TrTestServer *self)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  g_subprocess_wait_async (self->process, NULL, waited_cb, &result);
  while (result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_subprocess_wait_finish (self->process, result, &error);
  g_assert_no_error (error);
}

/* SIGTERM: the server must end, and cleanly. */
void
tr_test_server_stop (TrTestServer *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->process != NULL);

  g_subprocess_send_signal (self->process, SIGTERM);
  wait_for_exit (self);
  g_assert_true (g_subprocess_get_if_exited (self->process));
  g_assert_cmpint (g_subprocess_get_exit_status (self->process), ==, 0);
  reap (self);
}

/* SIGKILL, as a crash would; also waits for a server another part of the
 * test already killed so. */
void
tr_test_server_kill (TrTestServer *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->process != NULL);

  g_subprocess_send_signal (self->process, SIGKILL);
  wait_for_exit (self);
  g_assert_true (g_subprocess_get_if_signaled (self->process));
  g_assert_cmpint (g_subprocess_get_term_sig (self->process), ==, SIGKILL);
  reap (self);
}
