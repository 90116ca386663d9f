/* trellis-progress-store.h: this device's progress, notes and places
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tr-course.h"
#include "tr-event.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_PROGRESS_STORE (trellis_progress_store_get_type ())

G_DECLARE_FINAL_TYPE (TrellisProgressStore, trellis_progress_store, TRELLIS, PROGRESS_STORE, GObject)

TrellisProgressStore *trellis_progress_store_new           (const char            *path);
void                  trellis_progress_store_open_async    (TrellisProgressStore  *self,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
gboolean              trellis_progress_store_open_finish   (TrellisProgressStore  *self,
                                                            GAsyncResult          *result,
                                                            GError               **error);
gboolean              trellis_progress_store_is_open       (TrellisProgressStore  *self);
const char           *trellis_progress_store_get_path      (TrellisProgressStore  *self);
const char           *trellis_progress_store_get_actor     (TrellisProgressStore  *self);
GPtrArray            *trellis_progress_store_get_events    (TrellisProgressStore  *self);
const TrEvent        *trellis_progress_store_record        (TrellisProgressStore  *self,
                                                            TrCourse              *course,
                                                            TrVerb                 verb,
                                                            const char            *object,
                                                            JsonObject            *result);
char                 *trellis_progress_store_get_note      (TrellisProgressStore  *self,
                                                            const char            *course_id,
                                                            const char            *object);
void                  trellis_progress_store_set_note      (TrellisProgressStore  *self,
                                                            const char            *course_id,
                                                            const char            *object,
                                                            const char            *text);
char                 *trellis_progress_store_get_position  (TrellisProgressStore  *self,
                                                            const char            *course_id);
void                  trellis_progress_store_set_position  (TrellisProgressStore  *self,
                                                            const char            *course_id,
                                                            const char            *place);
void                  trellis_progress_store_flush         (TrellisProgressStore  *self);

/* Sync: which events the server has, and the sync engine's own settings. */
GPtrArray            *trellis_progress_store_get_unsynced       (TrellisProgressStore  *self,
                                                                 guint                  max);
void                  trellis_progress_store_mark_synced        (TrellisProgressStore  *self,
                                                                 const char * const    *ids);
guint                 trellis_progress_store_merge              (TrellisProgressStore  *self,
                                                                 GPtrArray             *events);
guint                 trellis_progress_store_get_pending_count  (TrellisProgressStore  *self);
char                 *trellis_progress_store_get_meta           (TrellisProgressStore  *self,
                                                                 const char            *key);
void                  trellis_progress_store_set_meta           (TrellisProgressStore  *self,
                                                                 const char            *key,
                                                                 const char            *value);

G_END_DECLS
