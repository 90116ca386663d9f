/* bench-startup.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Measures how long Trellis takes from process start to its first frame,
 * and its peak resident memory, against a minimal libadwaita window
 * (bench-minimal-window) as the floor of this machine.
 *
 * Both programs speak one protocol: with TRELLIS_EXIT_AFTER_FIRST_FRAME=1
 * they print "first-frame" on stdout after their window's first frame is
 * painted, then quit. We time from just before fork() to reading that line,
 * and take the peak RSS from wait4().
 *
 * It needs a display:
 *
 *   xvfb-run -a -s "-screen 0 1280x1024x24" ninja -C build bench-startup
 *
 * This is a benchmark, not a test: it exits 0 whether the targets are met or
 * not, and non-zero only when a program fails to start or times out.
 */
#define G_LOG_DOMAIN "bench-startup"

/* For pipe2() and nftw(). */
#define _GNU_SOURCE

#include <adwaita.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_RUNS      10
#define TIMEOUT_MS        10000
#define TARGET_FRAME      1.25
#define TARGET_MEMORY     1.50
#define FIRST_FRAME_LINE  "first-frame"

typedef struct
{
  double frame_ms;
  double maxrss_kib;
} Sample;

typedef struct
{
  const char *name;
  const char *path;
  GArray     *frame_ms;     /* of double, one per counted run */
  GArray     *maxrss_kib;   /* of double, one per counted run */
} Program;

/* What all runs share: a scratch folder, the user cache, a session bus. */
typedef struct
{
  char *dir;
  char *cache_dir;
  char *bus_address;
  GPid  bus_pid;
} Bench;

static void
program_clear (Program *program)
{
  g_clear_pointer (&program->frame_ms, g_array_unref);
  g_clear_pointer (&program->maxrss_kib, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Program, program_clear)

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1.0e6;
}

static int
remove_cb (const char        *path,
           const struct stat *st,
           int                type,
           struct FTW        *ftw)
{
  return remove (path);
}

static void
remove_tree (const char *dir)
{
  if (nftw (dir, remove_cb, 16, FTW_DEPTH | FTW_PHYS) != 0)
    g_warning ("Cannot remove %s: %s", dir, g_strerror (errno));
}

/* Our own environment, plus the protocol switch, the benchmark's session
 * bus, and a home of its own so that no settings or data carry over from
 * one run to the next.
 *
 * The user cache is the exception: it is shared by all runs, so the warm-up
 * fills it. It holds Mesa's shader cache, and with GL on llvmpipe a cold one
 * costs each start some 700 ms of shader compiling (a window comes up in
 * about 1000 ms instead of 300), which users pay only on their first start
 * and which would hide the difference we are here to measure. */
static char **
child_environ_new (const Bench *bench,
                   const char  *home)
{
  static const struct { const char *name; const char *subdir; } xdg_dirs[] = {
    { "XDG_DATA_HOME", ".local/share" },
    { "XDG_CONFIG_HOME", ".config" },
    { "XDG_STATE_HOME", ".local/state" },
  };
  char **envp = g_get_environ ();

  envp = g_environ_setenv (envp, "TRELLIS_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
  envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "memory", TRUE);
  envp = g_environ_setenv (envp, "HOME", home, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (xdg_dirs); i++)
    {
      g_autofree char *dir = g_build_filename (home, xdg_dirs[i].subdir, NULL);

      envp = g_environ_setenv (envp, xdg_dirs[i].name, dir, TRUE);
    }
  envp = g_environ_setenv (envp, "XDG_CACHE_HOME", bench->cache_dir, TRUE);
  if (bench->bus_address != NULL)
    envp = g_environ_setenv (envp, "DBUS_SESSION_BUS_ADDRESS", bench->bus_address, TRUE);
  return envp;
}

/* A private session bus, as a desktop session has one, for all runs.
 *
 * Without it, under a bare xvfb-run, the first program would autolaunch a
 * bus through X11 with its own environment, so the accessibility bus would
 * live in that run's home and be gone once we remove it; on a desktop,
 * Trellis (a unique application) would hand its activation to a Trellis
 * already running there and never draw. */
static gboolean
bench_start_bus (Bench   *bench,
                 GError **error)
{
  g_autofree char *bus_home = g_build_filename (bench->dir, "bus", NULL);
  g_autoptr(GString) address = g_string_new (NULL);
  g_auto(GStrv) envp = g_get_environ ();
  const char *argv[] = { "dbus-daemon", "--session", "--nofork", "--print-address=3", NULL };
  int address_pipe[2];
  int target_fd = 3;
  double deadline;
  gboolean spawned;

  if (g_mkdir_with_parents (bus_home, 0700) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create %s: %s", bus_home, g_strerror (saved_errno));
      return FALSE;
    }
  if (pipe2 (address_pipe, O_CLOEXEC) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create a pipe: %s", g_strerror (saved_errno));
      return FALSE;
    }

  /* The bus starts the accessibility bus with its own environment: give it
   * a home that lasts as long as the benchmark. */
  envp = g_environ_setenv (envp, "HOME", bus_home, TRUE);
  envp = g_environ_setenv (envp, "XDG_CACHE_HOME", bench->cache_dir, TRUE);
  envp = g_environ_unsetenv (envp, "DBUS_SESSION_BUS_ADDRESS");

  spawned = g_spawn_async_with_pipes_and_fds (NULL, argv, (const char * const *) envp,
                                              G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                              G_SPAWN_STDOUT_TO_DEV_NULL |
                                              G_SPAWN_STDERR_TO_DEV_NULL,
                                              NULL, NULL, -1, -1, -1,
                                              &address_pipe[1], &target_fd, 1,
                                              &bench->bus_pid, NULL, NULL, NULL, error);
  close (address_pipe[1]);
  if (!spawned)
    {
      close (address_pipe[0]);
      return FALSE;
    }

  /* The daemon prints its address, then a newline, once it listens. */
  deadline = now_ms () + TIMEOUT_MS;
  while (strchr (address->str, '\n') == NULL && now_ms () < deadline)
    {
      struct pollfd pfd = { .fd = address_pipe[0], .events = POLLIN };
      char chunk[256];
      ssize_t n;

      if (poll (&pfd, 1, 100) <= 0)
        continue;
      n = read (address_pipe[0], chunk, sizeof chunk);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (address, chunk, n);
    }
  close (address_pipe[0]);

  if (strchr (address->str, '\n') == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "dbus-daemon printed no address");
      return FALSE;
    }
  g_strstrip (address->str);
  bench->bus_address = g_strdup (address->str);
  return TRUE;
}

static void
bench_stop_bus (Bench *bench)
{
  int status;

  if (bench->bus_pid <= 0)
    return;
  kill (bench->bus_pid, SIGTERM);
  while (waitpid (bench->bus_pid, &status, 0) < 0 && errno == EINTR)
    ;
  bench->bus_pid = 0;
}

static void
bench_clear (Bench *bench)
{
  bench_stop_bus (bench);
  if (bench->dir != NULL)
    remove_tree (bench->dir);
  g_clear_pointer (&bench->dir, g_free);
  g_clear_pointer (&bench->cache_dir, g_free);
  g_clear_pointer (&bench->bus_address, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Bench, bench_clear)

/* Kills and reaps a child that went over its time. */
static void
kill_child (GPid pid)
{
  int status;

  kill (pid, SIGKILL);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
}

/* Reads the child's stdout until the protocol line, the end of the stream or
 * the deadline. Returns TRUE once "first-frame" has been read. */
static gboolean
read_first_frame (int       fd,
                  double    deadline,
                  gboolean *timed_out)
{
  g_autoptr(GString) buffer = g_string_new (NULL);

  *timed_out = FALSE;
  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      double remaining = deadline - now_ms ();
      char chunk[512];
      const char *line;
      const char *newline;
      ssize_t n;
      int r;

      if (remaining <= 0)
        {
          *timed_out = TRUE;
          return FALSE;
        }
      r = poll (&pfd, 1, (int) remaining + 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        continue;   /* the deadline check above decides */

      n = read (fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      g_string_append_len (buffer, chunk, n);

      /* The program may print other lines before ours. */
      line = buffer->str;
      while ((newline = strchr (line, '\n')) != NULL)
        {
          if (newline - line == strlen (FIRST_FRAME_LINE) &&
              strncmp (line, FIRST_FRAME_LINE, newline - line) == 0)
            return TRUE;
          line = newline + 1;
        }
      g_string_erase (buffer, 0, line - buffer->str);
    }
}

/* Waits for the child to exit, draining its stdout so that it cannot block
 * on a full pipe while quitting. */
static gboolean
reap_child (GPid           pid,
            int            fd,
            double         deadline,
            int           *status,
            struct rusage *usage)
{
  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      pid_t r = wait4 (pid, status, WNOHANG, usage);

      if (r == pid)
        return TRUE;
      if (r < 0 && errno != EINTR)
        return FALSE;
      if (now_ms () > deadline)
        return FALSE;

      /* Once the stream has ended, poll() with no descriptor just sleeps. */
      if (poll (&pfd, pfd.fd >= 0 ? 1 : 0, 1) > 0)
        {
          char chunk[512];

          if (read (fd, chunk, sizeof chunk) <= 0)
            fd = -1;
        }
    }
}

static char *
describe_status (int status)
{
  if (WIFEXITED (status))
    return g_strdup_printf ("exited with status %d", WEXITSTATUS (status));
  if (WIFSIGNALED (status))
    return g_strdup_printf ("was killed by signal %d (%s)", WTERMSIG (status),
                            g_strsignal (WTERMSIG (status)));
  return g_strdup_printf ("ended with wait status %d", status);
}

/* Runs one program once. On failure *child_stderr holds what it printed. */
static gboolean
run_once (const Bench    *bench,
          const Program  *program,
          Sample         *sample,
          char          **child_stderr,
          GError        **error)
{
  g_autofree char *home = NULL;
  g_autofree char *stderr_path = NULL;
  g_auto(GStrv) envp = NULL;
  char *argv[] = { (char *) program->path, NULL };
  struct rusage usage;
  gboolean got_frame;
  gboolean timed_out;
  gboolean reaped = FALSE;
  double start;
  double deadline;
  int out_pipe[2];
  int stderr_fd;
  int null_fd;
  int status = 0;
  GPid pid;

  home = g_build_filename (bench->dir, "home-XXXXXX", NULL);
  if (g_mkdtemp (home) == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create a home in %s: %s", bench->dir, g_strerror (saved_errno));
      return FALSE;
    }
  envp = child_environ_new (bench, home);

  /* The child's stderr goes to a file: warnings from 2×(runs+1) starts
   * would bury the table, but are worth showing when a start fails. */
  stderr_path = g_build_filename (home, "stderr.log", NULL);
  stderr_fd = open (stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  null_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (stderr_fd < 0 || null_fd < 0 || pipe2 (out_pipe, O_CLOEXEC) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot set up the child's streams: %s", g_strerror (saved_errno));
      if (stderr_fd >= 0)
        close (stderr_fd);
      if (null_fd >= 0)
        close (null_fd);
      remove_tree (home);
      return FALSE;
    }

  start = now_ms ();
  deadline = start + TIMEOUT_MS;
  pid = fork ();
  if (pid == 0)
    {
      /* Only async-signal-safe calls between fork() and exec(). dup2() clears
       * close-on-exec on the copies, so only these three are inherited. */
      if (dup2 (null_fd, STDIN_FILENO) < 0 ||
          dup2 (out_pipe[1], STDOUT_FILENO) < 0 ||
          dup2 (stderr_fd, STDERR_FILENO) < 0)
        _exit (126);
      execve (program->path, argv, envp);
      _exit (127);
    }

  close (out_pipe[1]);
  close (stderr_fd);
  close (null_fd);

  if (pid < 0)
    {
      int saved_errno = errno;

      close (out_pipe[0]);
      remove_tree (home);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot fork: %s", g_strerror (saved_errno));
      return FALSE;
    }

  got_frame = read_first_frame (out_pipe[0], deadline, &timed_out);
  sample->frame_ms = now_ms () - start;

  if (timed_out)
    kill_child (pid);
  else
    reaped = reap_child (pid, out_pipe[0], deadline, &status, &usage);
  close (out_pipe[0]);

  if (!timed_out && !reaped)
    {
      kill_child (pid);
      timed_out = TRUE;
    }

  g_file_get_contents (stderr_path, child_stderr, NULL, NULL);
  remove_tree (home);

  if (timed_out)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   got_frame ? "%s did not exit within %d s"
                             : "%s printed no \"" FIRST_FRAME_LINE "\" within %d s",
                   program->name, TIMEOUT_MS / 1000);
      return FALSE;
    }
  if (!got_frame)
    {
      g_autofree char *how = describe_status (status);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%s %s before printing \"" FIRST_FRAME_LINE "\"%s", program->name, how,
                   WIFEXITED (status) && WEXITSTATUS (status) == 127 ? " (could not be executed)" : "");
      return FALSE;
    }

  /* Linux gives ru_maxrss in KiB: the child's peak, not its children's. */
  sample->maxrss_kib = usage.ru_maxrss;
  g_clear_pointer (child_stderr, g_free);
  return TRUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Sorts the values in place. */
static double
median (GArray *values)
{
  guint n = values->len;

  g_assert (n > 0);
  g_array_sort (values, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (values, double, n / 2);
  return (g_array_index (values, double, n / 2 - 1) + g_array_index (values, double, n / 2)) / 2;
}

static gboolean
check_executable (const Program  *program,
                  GError        **error)
{
  if (g_file_test (program->path, G_FILE_TEST_IS_REGULAR) &&
      g_file_test (program->path, G_FILE_TEST_IS_EXECUTABLE))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "%s: %s is not an executable file (see --%s)",
               program->name, program->path, program->name);
  return FALSE;
}

static void
print_header (const Bench *bench,
              int          runs)
{
  const char *renderer = g_getenv ("GSK_RENDERER");

  g_print ("Startup: process start to first frame, and peak RSS\n");
  g_print ("%d runs per program, alternating, after one warm-up run each\n\n", runs);
  g_print ("CPUs (nproc):  %u\n", g_get_num_processors ());
  g_print ("GTK:           %u.%u.%u\n",
           gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version ());
  g_print ("libadwaita:    %u.%u.%u\n",
           adw_get_major_version (), adw_get_minor_version (), adw_get_micro_version ());
  if (renderer != NULL && *renderer != '\0')
    g_print ("GSK_RENDERER:  %s\n", renderer);
  else
    g_print ("GSK_RENDERER:  not set (GTK's default: GL where available, else cairo)\n");
  g_print ("session bus:   %s\n", bench->bus_address != NULL ? "private, started for the benchmark"
                                                           : "inherited");
  g_print ("\n");
}

static void
print_results (const Program *trellis,
               const Program *minimal)
{
  const Program *programs[] = { trellis, minimal };
  double frame_median[2];
  double rss_median[2];

  g_print ("%-10s %12s %9s %9s %14s\n",
           "program", "first frame", "min", "max", "peak RSS");
  g_print ("%-10s %12s %9s %9s %14s\n",
           "", "median ms", "ms", "ms", "median MiB");
  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      GArray *frames = programs[i]->frame_ms;

      frame_median[i] = median (frames);
      rss_median[i] = median (programs[i]->maxrss_kib) / 1024;
      g_print ("%-10s %12.1f %9.1f %9.1f %14.1f\n",
               programs[i]->name, frame_median[i],
               g_array_index (frames, double, 0),
               g_array_index (frames, double, frames->len - 1),
               rss_median[i]);
    }

  g_print ("\nratio first frame: %.2f (target <= %.2f)\n",
           frame_median[0] / frame_median[1], TARGET_FRAME);
  g_print ("ratio memory: %.2f (target <= %.2f)\n",
           rss_median[0] / rss_median[1], TARGET_MEMORY);

  g_print ("\nNote: measured with GTK's default renderer, as users get it. Under Xvfb that\n"
           "is GL on llvmpipe, in software (GSK_RENDERER=cairo reaches the first frame\n"
           "about 100 ms sooner there), so absolute times are this machine's: compare\n"
           "the ratios. Each run has a fresh home; the shader cache is shared and filled\n"
           "by the warm-up, as on a machine where the app has started before.\n");
}

/* Run 0 is the warm-up. The programs take turns, so that any drift of the
 * machine over the benchmark (heat, other load) hits both alike. */
static gboolean
run_all (const Bench  *bench,
         Program     **programs,
         guint         n_programs,
         int           runs)
{
  for (int run = 0; run <= runs; run++)
    {
      for (guint i = 0; i < n_programs; i++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *child_stderr = NULL;
          Sample sample;

          if (!run_once (bench, programs[i], &sample, &child_stderr, &error))
            {
              g_printerr ("%s\n", error->message);
              if (child_stderr != NULL && *child_stderr != '\0')
                g_printerr ("Its stderr:\n%s", child_stderr);
              return FALSE;
            }
          if (run == 0)
            continue;
          g_array_append_val (programs[i]->frame_ms, sample.frame_ms);
          g_array_append_val (programs[i]->maxrss_kib, sample.maxrss_kib);
        }
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *trellis_path = NULL;
  g_autofree char *minimal_path = NULL;
  int runs = DEFAULT_RUNS;
  const GOptionEntry entries[] = {
    { "runs", 'n', G_OPTION_FLAG_NONE, G_OPTION_ARG_INT, &runs,
      "Counted runs per program (default 10)", "N" },
    { "trellis", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &trellis_path,
      "The trellis executable (default: the one built with this benchmark)", "PATH" },
    { "minimal", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &minimal_path,
      "The minimal window (default: the one built with this benchmark)", "PATH" },
    { NULL }
  };
  g_auto(Program) trellis = { "trellis" };
  g_auto(Program) minimal = { "minimal" };
  Program *programs[] = { &trellis, &minimal };
  g_auto(Bench) bench = { NULL };

  context = g_option_context_new ("- compare Trellis's startup with a minimal libadwaita window");
  g_option_context_set_description (context,
                                    "Needs a display, e.g.:\n"
                                    "  xvfb-run -a -s \"-screen 0 1280x1024x24\" ninja -C build bench-startup");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (runs < 1)
    {
      g_printerr ("--runs must be at least 1\n");
      return 2;
    }

  trellis.path = trellis_path != NULL ? trellis_path : BENCH_TRELLIS_PATH;
  minimal.path = minimal_path != NULL ? minimal_path : BENCH_MINIMAL_PATH;
  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      if (!check_executable (programs[i], &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      programs[i]->frame_ms = g_array_sized_new (FALSE, FALSE, sizeof (double), runs);
      programs[i]->maxrss_kib = g_array_sized_new (FALSE, FALSE, sizeof (double), runs);
    }

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_printerr ("No DISPLAY or WAYLAND_DISPLAY: run this under xvfb-run or in a session\n");

  bench.dir = g_dir_make_tmp ("trellis-bench-XXXXXX", &error);
  if (bench.dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  bench.cache_dir = g_build_filename (bench.dir, "cache", NULL);
  if (!bench_start_bus (&bench, &error))
    {
      /* Not fatal: the programs may still find a bus, or start without. */
      g_printerr ("Cannot start a session bus, using the environment's: %s\n", error->message);
      g_clear_error (&error);
      bench_stop_bus (&bench);
    }

  print_header (&bench, runs);
  if (!run_all (&bench, programs, G_N_ELEMENTS (programs), runs))
    return 1;
  print_results (&trellis, &minimal);
  return 0;
}
