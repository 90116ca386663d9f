/* trs-listener.h: a thread that answers HTTP on the server's port
 *
 * Each listener has its own main context, SoupServer and listening socket;
 * the sockets share one port (SO_REUSEPORT), the kernel spreads new
 * connections over them, and every listener answers through the same
 * TrsApi. One libsoup server runs on one core; several use them all.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "trs-api.h"

G_BEGIN_DECLS

typedef struct _TrsListener TrsListener;

/* Listens on @address (port 0: a free one; trs_listener_get_address() tells
 * which, for the next listeners); connections wait until
 * trs_listener_start() answers them on a thread of its own. @index names
 * the listener in the metrics. */
TrsListener        *trs_listener_new             (TrsApi              *api,
                                                  guint                index,
                                                  GInetSocketAddress  *address,
                                                  GTlsCertificate     *certificate,
                                                  GError             **error);
GInetSocketAddress *trs_listener_get_address     (TrsListener         *self);
gboolean            trs_listener_start           (TrsListener         *self,
                                                  GError             **error);
/* Closes the socket and drops the connections; requests already at the
 * database still get their callbacks, until trs_listener_free(). */
void                trs_listener_stop_accepting  (TrsListener         *self);
void                trs_listener_free            (TrsListener         *self);

G_END_DECLS
