/* trellis-classroom.h: one classroom session, led or joined, kept up to date
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tr-course.h"
#include "trellis-course-library.h"
#include "trellis-progress-store.h"
#include "trellis-sync.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_CLASSROOM (trellis_classroom_get_type ())

G_DECLARE_FINAL_TYPE (TrellisClassroom, trellis_classroom, TRELLIS, CLASSROOM, GObject)

TrellisClassroom *trellis_classroom_new                 (TrellisSync          *sync,
                                                         TrellisProgressStore *store,
                                                         TrellisCourseLibrary *library);
JsonObject       *trellis_classroom_get_session         (TrellisClassroom     *self);
void              trellis_classroom_set_session         (TrellisClassroom     *self,
                                                         JsonObject           *session);
const char       *trellis_classroom_get_id              (TrellisClassroom     *self);
gboolean          trellis_classroom_is_trainer          (TrellisClassroom     *self);
gboolean          trellis_classroom_is_ended            (TrellisClassroom     *self);
gboolean          trellis_classroom_get_live            (TrellisClassroom     *self);
gboolean          trellis_classroom_get_resumed         (TrellisClassroom     *self);
TrCourse         *trellis_classroom_get_course          (TrellisClassroom     *self);
TrellisSync      *trellis_classroom_get_sync            (TrellisClassroom     *self);
void              trellis_classroom_set_websocket_enabled (TrellisClassroom   *self,
                                                         gboolean              enabled);
void              trellis_classroom_leave               (TrellisClassroom     *self);

char             *trellis_classroom_normalise_code      (const char           *code);
JsonObject       *trellis_classroom_session_get_step    (JsonObject           *session);
const TrChoice   *trellis_classroom_find_choice         (const TrScenarioNode *node,
                                                         const char           *choice_id);

/* Starting (trainer: or coming back to the trainer's running session of
 * the course) or joining (participant); the session object comes with the
 * "session" property. */
void              trellis_classroom_create_async        (TrellisClassroom     *self,
                                                         const char           *course_id,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void              trellis_classroom_join_async          (TrellisClassroom     *self,
                                                         const char           *code,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);

/* Changes to the session; each answers with the new session object. */
void              trellis_classroom_vote_async          (TrellisClassroom     *self,
                                                         const char           *choice_id,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void              trellis_classroom_show_node_async     (TrellisClassroom     *self,
                                                         const char           *scenario_id,
                                                         const char           *node_id,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void              trellis_classroom_move_on_async       (TrellisClassroom     *self,
                                                         const char           *choice_id,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void              trellis_classroom_reveal_async        (TrellisClassroom     *self,
                                                         gboolean              revealed,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void              trellis_classroom_end_async           (TrellisClassroom     *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
/* create, join, vote, show_node, move_on, reveal and end finish here. */
gboolean          trellis_classroom_request_finish      (TrellisClassroom     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

void              trellis_classroom_get_attendance_csv_async  (TrellisClassroom     *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
GBytes           *trellis_classroom_get_attendance_csv_finish (TrellisClassroom     *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

/* Properties: "session" (JsonObject, notifies on every change), "live"
 * (whether updates come over the WebSocket rather than by polling).
 * Signal "request" (const char *method, const char *path, JsonNode *body)
 * before each change is sent, for tests and logs. */

G_END_DECLS
