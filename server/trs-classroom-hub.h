/* trs-classroom-hub.h: the live views of classroom sessions, over WebSockets
 *
 * Runs on the context it was made in (the server's main context); the
 * functions marked so may be called from any thread. The hub knows which
 * sockets watch which session and who takes part in it; when something
 * changes it asks its owner
 * (once per short interval, however many changes came) to read the session
 * again, and sends each socket the session as its viewer may see it.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "trs-store-classrooms.h"

G_BEGIN_DECLS

typedef struct _TrsClassroomHub TrsClassroomHub;

/* Read the session @classroom_id and hand it to trs_classroom_hub_publish(). */
typedef void (*TrsHubRefresh) (const char *classroom_id,
                               gpointer    user_data);
/* The session's JSON text as @viewer may see it, or NULL when they may not. */
typedef char *(*TrsHubRender) (const TrsClassroom *classroom,
                               const TrsAccount   *viewer,
                               gpointer            user_data);

TrsClassroomHub *trs_classroom_hub_new             (TrsHubRefresh            refresh,
                                                    gpointer                 user_data);
void             trs_classroom_hub_free            (TrsClassroomHub         *self);
/* These three, from any thread. */
void             trs_classroom_hub_adopt           (TrsClassroomHub         *self,
                                                    TrsClassroom            *classroom,
                                                    const TrsAccount        *viewer,
                                                    GIOStream               *stream,
                                                    GUri                    *uri,
                                                    const char              *first_message);
void             trs_classroom_hub_changed         (TrsClassroomHub         *self,
                                                    const char              *classroom_id);
void             trs_classroom_hub_account_changed (TrsClassroomHub         *self,
                                                    gint64                   account_id);
void             trs_classroom_hub_publish         (TrsClassroomHub         *self,
                                                    const TrsClassroom      *classroom,
                                                    TrsHubRender             render,
                                                    gpointer                 user_data);
guint            trs_classroom_hub_get_n_sockets   (TrsClassroomHub         *self);

G_END_DECLS
