/* trs-listener.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "trs-listener.h"

#define LISTEN_BACKLOG 1024
#define DRAIN_US       (50 * 1000)

/* libsoup's own listen() has a backlog of 10, too few under load; and
 * g_socket_bind() would reset SO_REUSEPORT: so the socket is made here. */
static GSocket *
listen_socket_new (GInetSocketAddress  *address,
                   GError             **error)
{
  struct sockaddr_storage native;
  gsize length = g_socket_address_get_native_size (G_SOCKET_ADDRESS (address));
  GSocketFamily family = g_socket_address_get_family (G_SOCKET_ADDRESS (address));
  GSocket *socket_object;
  int one = 1;
  int fd;

  if (!g_socket_address_to_native (G_SOCKET_ADDRESS (address), &native, sizeof native, error))
    return NULL;
  fd = socket (family == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "socket: %s", g_strerror (saved_errno));
      return NULL;
    }
  if (setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      setsockopt (fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
      bind (fd, (struct sockaddr *) &native, length) != 0 ||
      listen (fd, LISTEN_BACKLOG) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "cannot listen: %s",
                   g_strerror (saved_errno));
      return NULL;
    }
  socket_object = g_socket_new_from_fd (fd, error);
  if (socket_object == NULL)
    close (fd);
  return socket_object;
}

/* libsoup 3.2's own accepting has two faults: its listen_watch () removes
 * itself for good when one accept () fails (idle connections enough to run
 * the process out of file descriptors would leave the server deaf even
 * after they are gone), and it never unrefs the GSocket it accepted (about
 * 300 bytes lost per connection, which valgrind shows). So connections are
 * accepted here, by a watch on the listening socket with a higher priority
 * than libsoup's, which then finds none waiting (and removes itself); when
 * accept () fails, this one waits a moment instead of giving up. libsoup's
 * listener stays registered: without one, libsoup closes every connection
 * after its first request.
 *
 * Over TLS, libsoup's listener does the handshake itself, and this watch
 * only stands in (at a lower priority) once libsoup's has given up. */
#define ACCEPT_RETRY_MS 100

typedef struct
{
  SoupServer      *server;
  GSocket         *socket;
  GTlsCertificate *certificate;
  GMainContext    *context;     /* the server's, where libsoup's watch runs too */
  GSource         *source;      /* the watch, or the wait after a failure */
  gboolean         failing;
} Acceptor;

static void acceptor_watch (Acceptor *acceptor);

static gboolean
acceptor_retry_cb (gpointer user_data)
{
  Acceptor *acceptor = user_data;

  g_clear_pointer (&acceptor->source, g_source_unref);
  acceptor_watch (acceptor);
  return G_SOURCE_REMOVE;
}

static gboolean
acceptor_ready_cb (GSocket      *socket,
                   GIOCondition  condition,
                   gpointer      user_data)
{
  Acceptor *acceptor = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) client = g_socket_accept (socket, NULL, &error);
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;

  if (client == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      if (!acceptor->failing)
        g_printerr ("trellis-server: cannot accept connections: %s; trying again\n", error->message);
      acceptor->failing = TRUE;
      g_clear_pointer (&acceptor->source, g_source_unref);
      acceptor->source = g_timeout_source_new (ACCEPT_RETRY_MS);
      g_source_set_callback (acceptor->source, acceptor_retry_cb, acceptor, NULL);
      g_source_attach (acceptor->source, acceptor->context);
      return G_SOURCE_REMOVE;
    }
  if (acceptor->failing)
    g_printerr ("trellis-server: accepting connections again\n");
  acceptor->failing = FALSE;
  /* As libsoup's listener would: answers are written in one go. */
  g_socket_set_option (client, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  stream = G_IO_STREAM (g_socket_connection_factory_create_connection (client));
  if (acceptor->certificate != NULL)
    {
      GIOStream *tls = g_tls_server_connection_new (stream, acceptor->certificate, &error);

      if (tls == NULL)
        {
          g_printerr ("trellis-server: cannot start TLS on a connection: %s\n", error->message);
          return G_SOURCE_CONTINUE;
        }
      g_object_unref (stream);
      stream = tls;
    }
  local = g_socket_get_local_address (client, NULL);
  remote = g_socket_get_remote_address (client, NULL);
  if (!soup_server_accept_iostream (acceptor->server, stream, local, remote, &error))
    g_printerr ("trellis-server: cannot take a connection: %s\n", error->message);
  return G_SOURCE_CONTINUE;
}

static void
acceptor_watch (Acceptor *acceptor)
{
  acceptor->source = g_socket_create_source (acceptor->socket, G_IO_IN, NULL);
  g_source_set_priority (acceptor->source, acceptor->certificate == NULL ? G_PRIORITY_DEFAULT - 1 : G_PRIORITY_LOW);
  g_source_set_callback (acceptor->source, G_SOURCE_FUNC (acceptor_ready_cb), acceptor, NULL);
  g_source_attach (acceptor->source, acceptor->context);
}

static Acceptor *
acceptor_new (SoupServer      *server,
              GSocket         *socket,
              GTlsCertificate *certificate)
{
  Acceptor *acceptor = g_new0 (Acceptor, 1);

  acceptor->server = g_object_ref (server);
  acceptor->socket = g_object_ref (socket);
  acceptor->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  acceptor->context = g_main_context_ref_thread_default ();
  g_socket_set_blocking (socket, FALSE);
  acceptor_watch (acceptor);
  return acceptor;
}

static void
acceptor_free (Acceptor *acceptor)
{
  if (acceptor == NULL)
    return;
  if (acceptor->source != NULL)
    {
      g_source_destroy (acceptor->source);
      g_source_unref (acceptor->source);
    }
  g_main_context_unref (acceptor->context);
  g_object_unref (acceptor->server);
  g_object_unref (acceptor->socket);
  g_clear_object (&acceptor->certificate);
  g_free (acceptor);
}

struct _TrsListener
{
  TrsApi             *api;
  guint               index;
  GInetSocketAddress *address;      /* asked for, then bound */
  GTlsCertificate    *certificate;
  GThread            *thread;
  GMainContext       *context;
  GMainLoop          *loop;
  GSocket            *socket;

  /* The thread's own, once it runs. */
  SoupServer         *server;
  Acceptor           *acceptor;

  /* How the start, or a stop, went; under the mutex. */
  GMutex              mutex;
  GCond               cond;
  gboolean            started;
  gboolean            stopped_accepting;
  GError             *error;
};

static gboolean
listener_setup (TrsListener  *self,
                GError      **error)
{
  /* Raw paths: routes match the path as sent, and libsoup does not answer
   * "%2E%2E" paths itself with a bare 400; no path ever names a file. */
  self->server = soup_server_new ("raw-paths", TRUE, "tls-certificate", self->certificate, NULL);
  trs_api_attach (self->api, self->server, self->index);
  if (!soup_server_listen_socket (self->server, self->socket,
                                  self->certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return FALSE;
  self->acceptor = acceptor_new (self->server, self->socket, self->certificate);
  return TRUE;
}

static void
listener_stop (TrsListener *self)
{
  g_clear_pointer (&self->acceptor, acceptor_free);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
}

static gpointer
listener_main (gpointer data)
{
  TrsListener *self = data;
  GError *error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (self->context);
  ok = listener_setup (self, &error);

  g_mutex_lock (&self->mutex);
  self->started = TRUE;
  self->error = error;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (ok)
    g_main_loop_run (self->loop);

  listener_stop (self);
  g_clear_object (&self->server);
  /* The dropped connections finish closing in a few turns of the loop. */
  for (gint64 deadline = g_get_monotonic_time () + DRAIN_US; g_get_monotonic_time () < deadline;)
    if (!g_main_context_iteration (self->context, FALSE))
      g_usleep (1000);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

TrsListener *
trs_listener_new (TrsApi              *api,
                  guint                index,
                  GInetSocketAddress  *address,
                  GTlsCertificate     *certificate,
                  GError             **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  TrsListener *self;

  g_return_val_if_fail (api != NULL, NULL);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), NULL);

  socket = listen_socket_new (address, error);
  if (socket == NULL)
    return NULL;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return NULL;

  self = g_new0 (TrsListener, 1);
  self->api = api;
  self->index = index;
  self->socket = g_steal_pointer (&socket);
  self->address = G_INET_SOCKET_ADDRESS (g_steal_pointer (&bound));
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  return self;
}

gboolean
trs_listener_start (TrsListener  *self,
                    GError      **error)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->thread == NULL, FALSE);

  name = g_strdup_printf ("trs-listener-%u", self->index);
  self->thread = g_thread_try_new (name, listener_main, self, error);
  if (self->thread == NULL)
    return FALSE;
  g_mutex_lock (&self->mutex);
  while (!self->started)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
  if (self->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      g_thread_join (g_steal_pointer (&self->thread));
      return FALSE;
    }
  return TRUE;
}

GInetSocketAddress *
trs_listener_get_address (TrsListener *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->address;
}

static gboolean
stop_accepting_cb (gpointer data)
{
  TrsListener *self = data;

  listener_stop (self);
  g_mutex_lock (&self->mutex);
  self->stopped_accepting = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  return G_SOURCE_REMOVE;
}

void
trs_listener_stop_accepting (TrsListener *self)
{
  g_return_if_fail (self != NULL);

  if (self->thread == NULL)
    return;
  g_main_context_invoke (self->context, stop_accepting_cb, self);
  g_mutex_lock (&self->mutex);
  while (!self->stopped_accepting)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
trs_listener_free (TrsListener *self)
{
  if (self == NULL)
    return;
  if (self->thread != NULL)
    {
      /* From inside the loop: a quit before it runs would be lost. */
      g_main_context_invoke (self->context, quit_cb, self->loop);
      g_thread_join (self->thread);
    }
  g_clear_error (&self->error);
  g_object_unref (self->socket);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_object_unref (self->address);
  g_clear_object (&self->certificate);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}
