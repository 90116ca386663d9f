/* bench-bare-soup.c: the libsoup limit of the sync benchmark
 *
 * A libsoup server that does nothing but answer every request with the
 * same short JSON text, on THREADS threads sharing one port (SO_REUSEPORT),
 * as trellis-server's listeners do. What wrk measures against it is the
 * most any libsoup server can answer on this machine: the gap to nginx is
 * libsoup's and GLib's; the gap to trellis-server is Trellis's own work.
 *
 *   bench-bare-soup [--threads N] [--port P]
 *
 * Prints "listening on http://127.0.0.1:P/" and serves until killed.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static const char answer[] = "{\"new\": 100, \"duplicate\": 0, \"cursor\": 4711}\n";

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, answer, sizeof answer - 1);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static int
listen_fd (int port)
{
  struct sockaddr_in address = {
    .sin_family = AF_INET,
    .sin_port = htons (port),
    .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
  };
  int one = 1;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0 ||
      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      setsockopt (fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
      bind (fd, (struct sockaddr *) &address, sizeof address) != 0 ||
      listen (fd, 1024) != 0)
    g_error ("cannot listen on port %d: %s", port, g_strerror (errno));
  return fd;
}

static gpointer
serve_thread (gpointer data)
{
  GSocket *socket = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, handler_cb, NULL, NULL);
  if (!soup_server_listen_socket (server, socket, 0, &error))
    g_error ("%s", error->message);
  g_main_loop_run (loop);
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  int n_threads = 2;
  int port = 0;
  GOptionEntry entries[] = {
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads, "Threads answering on the port", "N" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "The port (0: a free one)", "P" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- a libsoup server that does nothing");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_threads < 1)
    {
      g_printerr ("bench-bare-soup: %s\n", error != NULL ? error->message : "--threads must be at least 1");
      return 2;
    }
  for (int i = 0; i < n_threads; i++)
    {
      GSocket *socket = g_socket_new_from_fd (listen_fd (port), &error);

      if (socket == NULL)
        g_error ("%s", error->message);
      if (i == 0)
        {
          bound = g_socket_get_local_address (socket, &error);
          if (bound == NULL)
            g_error ("%s", error->message);
          port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
        }
      g_thread_unref (g_thread_new ("bare-soup", serve_thread, socket));
    }
  g_print ("listening on http://127.0.0.1:%d/\n", port);
  fflush (stdout);
  pause ();
  return 0;
}
