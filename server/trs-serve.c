/* trs-serve.c: `trellis-server serve`
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <glib-unix.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tr-course-loader.h"
#include "tr-learning-path.h"

#include "trs-api.h"
#include "trs-auth.h"
#include "trs-catalogue.h"
#include "trs-listener.h"
#include "trs-metrics.h"
#include "trs-serve.h"
#include "trs-store.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
/* More listener threads than cores only add switching. */
#define MAX_THREADS 64
/* How long a stop waits for requests already at the database. */
#define DRAIN_TIMEOUT_US (10 * G_USEC_PER_SEC)

/* "HOST:PORT" or "[IPV6]:PORT"; HOST is an address or "localhost". */
static GInetSocketAddress *
parse_listen (const char  *text,
              GError     **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *colon;
  guint64 port;

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL || close[1] != ':')
        goto invalid;
      host = g_strndup (text + 1, close - text - 1);
      colon = close + 1;
    }
  else
    {
      colon = strrchr (text, ':');
      if (colon == NULL)
        goto invalid;
      host = g_strndup (text, colon - text);
    }
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    goto invalid;
  if (g_str_equal (host, "localhost"))
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (host);
  if (address == NULL)
    goto invalid;
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, (guint16) port));

invalid:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "--listen takes ADDRESS:PORT, for example 127.0.0.1:8080 or [::1]:0, not \"%s\"", text);
  return NULL;
}

/* An http or https address without query or fragment, or NULL. */
static char *
parse_public_url (const char  *text,
                  GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  char *url;

  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--public-url takes an http or https address such as https://learn.example.org, "
                   "not \"%s\"", text);
      return NULL;
    }
  url = g_strdup (text);
  while (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  return url;
}

typedef struct
{
  gint64 events;
  gint64 accounts;
} Counts;

static gpointer
count_job (TrsStore  *store,
           gpointer   data,
           GError   **error)
{
  Counts counts = { 0, 0 };
  GError *local_error = NULL;

  counts.events = trs_store_events_count (store, &local_error);
  if (local_error == NULL)
    counts.accounts = trs_store_account_count (store, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_memdup2 (&counts, sizeof counts);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

int
trs_serve_command (int    argc,
                   char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *listen_text = NULL;
  g_autofree char *courses_dir = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *public_url_text = NULL;
  int n_threads = -1;
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The data folder (made by init)", "DIR" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen_text, "Where to listen (" DEFAULT_LISTEN ")", "ADDR:PORT" },
    { "courses", 0, 0, G_OPTION_ARG_FILENAME, &courses_dir, "The courses to publish (DATA/courses)", "DIR" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "A PEM certificate, for HTTPS", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "Its PEM private key", "FILE" },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url_text,
      "The address certificates and their QR codes point to (http://LISTEN-ADDR:PORT)", "URL" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads,
      "Threads that answer HTTP on the port (one per core)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- answer the Trellis API");
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetSocketAddress) address = NULL;
  g_autoptr(GInetSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) bound_address = NULL;
  g_autoptr(GPtrArray) courses = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *public_url = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GPtrArray) listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) trs_listener_free);
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(TrsMetrics) metrics = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *host = NULL;
  g_autofree Counts *counts = NULL;
  TrsStore *store;
  TrsApi *api;
  guint sigint_id, sigterm_id, wake_id;
  gint64 deadline;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_help_enabled (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("trellis-server serve: %s\n", error->message);
      return 2;
    }
  if (argc > 1)
    {
      g_printerr ("trellis-server serve: unexpected argument \"%s\"\n", argv[1]);
      return 2;
    }
  if (data_dir == NULL)
    {
      g_printerr ("trellis-server serve: --data DIR is needed\n");
      return 2;
    }
  if (n_threads == -1)
    n_threads = MIN ((int) g_get_num_processors (), MAX_THREADS);
  if (n_threads < 1 || n_threads > MAX_THREADS)
    {
      g_printerr ("trellis-server serve: --threads takes a number from 1 to %d\n", MAX_THREADS);
      return 2;
    }
  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_printerr ("trellis-server serve: --tls-cert and --tls-key go together\n");
      return 2;
    }
  address = parse_listen (listen_text != NULL ? listen_text : DEFAULT_LISTEN, &error);
  if (address == NULL)
    {
      g_printerr ("trellis-server serve: %s\n", error->message);
      return 2;
    }
  if (public_url_text != NULL && (public_url = parse_public_url (public_url_text, &error)) == NULL)
    {
      g_printerr ("trellis-server serve: %s\n", error->message);
      return 2;
    }
  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
      if (certificate == NULL)
        {
          g_printerr ("trellis-server serve: cannot load the TLS certificate: %s\n", error->message);
          return 1;
        }
    }
  if (!trs_auth_init (&error))
    {
      g_printerr ("trellis-server serve: %s\n", error->message);
      return 1;
    }

  if (courses_dir == NULL)
    courses_dir = g_build_filename (data_dir, "courses", NULL);
  courses = trs_catalogue_load (courses_dir, paths);

  db_path = g_build_filename (data_dir, "trellis.db", NULL);
  store = trs_store_open (db_path, &error);
  if (store == NULL)
    {
      g_printerr ("trellis-server serve: cannot open the database %s: %s\n", db_path, error->message);
      return 1;
    }
  counts = trs_store_run_sync (store, TRS_JOB_READ, count_job, NULL, &error);
  if (counts == NULL)
    {
      g_printerr ("trellis-server serve: cannot read the database: %s\n", error->message);
      trs_store_close (store);
      return 1;
    }
  metrics = trs_metrics_new ();
  trs_metrics_set_events (metrics, counts->events);
  trs_metrics_set_accounts (metrics, counts->accounts);

  api = trs_api_new (store, courses, metrics, &error);
  if (api == NULL)
    {
      g_printerr ("trellis-server serve: %s\n", error->message);
      trs_store_close (store);
      return 1;
    }
  /* Without its key the server could only issue certificates that do not
   * verify: better not to start. */
  if (!trs_api_load_signing_key (api, data_dir, &error))
    {
      g_printerr ("trellis-server serve: cannot load the signing key: %s\n", error->message);
      trs_api_free (api);
      trs_store_close (store);
      return 1;
    }
  trs_api_set_paths (api, paths);

  /* The first listener finds the port when it was 0; the others share it. */
  for (int i = 0; i < n_threads; i++)
    {
      TrsListener *listener = trs_listener_new (api, i, i == 0 ? address : bound, certificate, &error);

      if (listener == NULL)
        {
          g_printerr ("trellis-server serve: %s\n", error->message);
          g_ptr_array_set_size (listeners, 0);
          trs_api_free (api);
          trs_store_close (store);
          return 1;
        }
      g_ptr_array_add (listeners, listener);
      if (i == 0)
        bound = g_object_ref (trs_listener_get_address (listener));
    }
  bound_address = g_object_ref (g_inet_socket_address_get_address (bound));
  host = g_inet_address_to_string (bound_address);
  if (public_url == NULL)
    {
      if (g_inet_address_get_family (bound_address) == G_SOCKET_FAMILY_IPV6)
        public_url = g_strdup_printf ("%s://[%s]:%u", certificate != NULL ? "https" : "http", host,
                                      g_inet_socket_address_get_port (bound));
      else
        public_url = g_strdup_printf ("%s://%s:%u", certificate != NULL ? "https" : "http", host,
                                      g_inet_socket_address_get_port (bound));
      if (g_inet_address_get_is_any (bound_address))
        g_printerr ("trellis-server: certificates will point to %s; give --public-url with the "
                    "address learners and employers reach\n", public_url);
    }
  trs_api_set_public_url (api, public_url);

  for (guint i = 0; i < listeners->len; i++)
    if (!trs_listener_start (g_ptr_array_index (listeners, i), &error))
      {
        g_printerr ("trellis-server serve: %s\n", error->message);
        g_ptr_array_set_size (listeners, 0);
        trs_api_free (api);
        trs_store_close (store);
        return 1;
      }

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);

  /* The one line that scripts and tests wait for. */
  if (g_inet_address_get_family (bound_address) == G_SOCKET_FAMILY_IPV6)
    g_print ("listening on %s://[%s]:%u/\n", certificate != NULL ? "https" : "http", host,
             g_inet_socket_address_get_port (bound));
  else
    g_print ("listening on %s://%s:%u/\n", certificate != NULL ? "https" : "http", host,
             g_inet_socket_address_get_port (bound));
  fflush (stdout);

  g_main_loop_run (loop);

  /* Stop accepting and drop the connections; then wait for the jobs already
   * given to the database, so that what was accepted gets committed. */
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  for (guint i = 0; i < listeners->len; i++)
    trs_listener_stop_accepting (g_ptr_array_index (listeners, i));
  wake_id = g_timeout_add (100, wake_cb, NULL);
  deadline = g_get_monotonic_time () + DRAIN_TIMEOUT_US;
  while (trs_api_get_n_pending (api) > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake_id);
  if (trs_api_get_n_pending (api) > 0)
    g_printerr ("trellis-server: stopping with %u requests unanswered\n", trs_api_get_n_pending (api));

  g_ptr_array_set_size (listeners, 0);
  trs_store_close (store);
  trs_api_free (api);
  return 0;
}
