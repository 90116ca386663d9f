/* trs-store-classrooms.h: classroom sessions in the server's database
 *
 * Like all of trs-store.h, these run on the store's worker thread.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "trs-store.h"

G_BEGIN_DECLS

#define TRS_CLASSROOM_CODE_LENGTH 6

typedef struct
{
  gint64  account_id;
  char   *public_id;
  char   *name;
  gint64  joined;
  gint64  last_seen;        /* the last presence report; 0: none yet */
  gint64  reported_sync;    /* when the app says it last synced */
  guint   pending;          /* events the app says it still holds */
  gint64  last_received;    /* when the server last stored one of their events */
  char   *position_verb;    /* their newest event of the course, or NULL */
  char   *position_object;
  gint64  position_time;
  char   *vote;             /* their vote on the current step, or NULL */
  GPtrArray *completed;     /* char*: with attendance only (see below) */
  gboolean quiz_passed;
} TrsParticipant;

typedef struct
{
  char      *id;
  char      *code;
  gint64     institute_id;
  gint64     trainer_id;    /* 0: the trainer's account was erased */
  char      *trainer_name;
  char      *course_id;
  gint64     started;
  gint64     ended;         /* 0: running */
  gint64     step;          /* increases with every step shown; 0: none yet */
  char      *step_scenario; /* NULL until a step is shown */
  char      *step_node;
  gboolean   step_revealed;
  char      *path;          /* JSON array of {"node", "choice"} */
  GPtrArray *participants;  /* TrsParticipant*, in the order they joined; empty in lists */
  guint      n_participants;
} TrsClassroom;

TrsClassroom *trs_store_classroom_create      (TrsStore *store, const TrsAccount *trainer, const char *course_id,
                                               GError **error);
TrsClassroom *trs_store_classroom_get         (TrsStore *store, const char *id, GError **error);
GPtrArray    *trs_store_classroom_list        (TrsStore *store, const TrsAccount *account, guint limit,
                                               GError **error);
TrsClassroom *trs_store_classroom_join        (TrsStore *store, const TrsAccount *account, const char *code,
                                               GError **error);
gboolean      trs_store_classroom_set_step    (TrsStore *store, const char *id, const char *scenario,
                                               const char *node, const char *path, GError **error);
gboolean      trs_store_classroom_set_revealed (TrsStore *store, const char *id, gboolean revealed,
                                                GError **error);
gboolean      trs_store_classroom_vote        (TrsStore *store, const char *id, gint64 step, gint64 account_id,
                                               const char *choice, GError **error);
gboolean      trs_store_classroom_presence    (TrsStore *store, const char *id, gint64 account_id,
                                               guint pending, gint64 reported_sync, GError **error);
gboolean      trs_store_classroom_end         (TrsStore *store, const char *id, GError **error);
gboolean      trs_store_classroom_attendance  (TrsStore *store, TrsClassroom *classroom, GError **error);
TrsParticipant *trs_classroom_find_participant (const TrsClassroom *classroom, gint64 account_id);
void          trs_classroom_free              (TrsClassroom *classroom);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrsClassroom, trs_classroom_free)

G_END_DECLS
