/* tr-test-server.h: the real trellis-server, for tests, on a loopback port
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A data folder made with the command line of $TRELLIS_SERVER, and the
 * `serve` process on it, started, stopped, killed and started again on the
 * same port. */
typedef struct _TrTestServer TrTestServer;

/* How `serve` runs.
 *
 * @courses_dir: for --courses, or NULL
 * @public_url: for --public-url, or NULL
 * @env: the server's own environment variables, as pairs of name and value
 *   ending in NULL; or NULL
 * @death_signal: what the server gets when the test process dies, so that a
 *   failed test leaves no server behind; 0 for SIGTERM
 * @max_files: the server's limit of open files (RLIMIT_NOFILE), or 0 for the
 *   test's own
 * @threads: for --threads (listener threads), or 0 for the server's default
 */
typedef struct
{
  const char         *courses_dir;
  const char         *public_url;
  const char * const *env;
  int                 death_signal;
  guint               max_files;
  guint               threads;
} TrTestServerOptions;

gboolean      tr_test_server_found         (void);

TrTestServer *tr_test_server_new           (const char                *name);
TrTestServer *tr_test_server_new_beside    (TrTestServer              *server,
                                            const char                *name);
void          tr_test_server_free          (TrTestServer              *self,
                                            gboolean                   remove_files);

const char   *tr_test_server_get_root      (TrTestServer              *self);
const char   *tr_test_server_get_data_dir  (TrTestServer              *self);
const char   *tr_test_server_get_url       (TrTestServer              *self);
guint16       tr_test_server_get_port      (TrTestServer              *self);
const char   *tr_test_server_get_log_path  (TrTestServer              *self);
GSubprocess  *tr_test_server_get_process   (TrTestServer              *self);

char         *tr_test_server_run           (TrTestServer              *self,
                                            const char                *command,
                                            ...) G_GNUC_NULL_TERMINATED;
void          tr_test_server_add_institute (TrTestServer              *self,
                                            const char                *name);
char         *tr_test_server_create_code   (TrTestServer              *self,
                                            const char                *institute,
                                            ...) G_GNUC_NULL_TERMINATED;
void          tr_test_server_add_user      (TrTestServer              *self,
                                            const char                *institute,
                                            const char                *role,
                                            const char                *name,
                                            const char                *email,
                                            const char                *password);

void          tr_test_server_start         (TrTestServer              *self,
                                            const TrTestServerOptions *options);
void          tr_test_server_restart       (TrTestServer              *self);
void          tr_test_server_stop          (TrTestServer              *self);
void          tr_test_server_kill          (TrTestServer              *self);

char         *tr_test_cli_run              (const char                *first,
                                            ...) G_GNUC_NULL_TERMINATED;
char         *tr_test_cli_run_status       (int                       *status,
                                            char                     **err,
                                            const char                *first,
                                            ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
