/* trs-store-classrooms.c: classroom sessions in the server's database
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <sodium.h>

#include "tr-progress.h"

#include "trs-store-classrooms.h"
#include "trs-store-private.h"

/* Tries before giving up on finding a code no running session uses: with 31⁶
 * codes this only fails when the table is corrupt. */
#define CODE_TRIES 16

static void
participant_free (gpointer data)
{
  TrsParticipant *participant = data;

  g_free (participant->public_id);
  g_free (participant->name);
  g_free (participant->position_verb);
  g_free (participant->position_object);
  g_free (participant->vote);
  g_clear_pointer (&participant->completed, g_ptr_array_unref);
  g_free (participant);
}

void
trs_classroom_free (TrsClassroom *classroom)
{
  if (classroom == NULL)
    return;
  g_free (classroom->id);
  g_free (classroom->code);
  g_free (classroom->trainer_name);
  g_free (classroom->course_id);
  g_free (classroom->step_scenario);
  g_free (classroom->step_node);
  g_free (classroom->path);
  g_clear_pointer (&classroom->participants, g_ptr_array_unref);
  g_free (classroom);
}

TrsParticipant *
trs_classroom_find_participant (const TrsClassroom *classroom,
                                gint64              account_id)
{
  for (guint i = 0; i < classroom->participants->len; i++)
    {
      TrsParticipant *participant = g_ptr_array_index (classroom->participants, i);

      if (participant->account_id == account_id)
        return participant;
    }
  return NULL;
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static gboolean
not_found (GError **error)
{
  g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such session");
  return FALSE;
}

/* Runs a statement that changes one session's row; NOT_FOUND when none. */
static gboolean
run_on_classroom (TrsStore      *store,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  if (!trs_store_stmt_run (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (trs_store_get_db (store)) == 0)
    return not_found (error);
  return TRUE;
}

static char *
random_code (void)
{
  char code[TRS_CLASSROOM_CODE_LENGTH + 1];

  for (guint i = 0; i < TRS_CLASSROOM_CODE_LENGTH; i++)
    code[i] = TRS_CODE_ALPHABET[randombytes_uniform (sizeof TRS_CODE_ALPHABET - 1)];
  code[TRS_CLASSROOM_CODE_LENGTH] = '\0';
  return g_strdup (code);
}

TrsClassroom *
trs_store_classroom_create (TrsStore          *store,
                            const TrsAccount  *trainer,
                            const char        *course_id,
                            GError           **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  g_autofree char *id = g_uuid_string_random ();

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store,
                              "INSERT INTO classrooms (id, code, institute_id, trainer_id, trainer_name,"
                              " course_id, started) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                              " ON CONFLICT DO NOTHING",
                              error);
  if (stmt == NULL)
    return NULL;
  for (guint attempt = 0; attempt < CODE_TRIES; attempt++)
    {
      g_autofree char *code = random_code ();

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, trainer->institute_id);
      sqlite3_bind_int64 (stmt, 4, trainer->id);
      sqlite3_bind_text (stmt, 5, trainer->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, course_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 7, now_ms ());
      if (!trs_store_stmt_run (store, stmt, error))
        return NULL;
      /* No change: the code belongs to another running session. */
      if (sqlite3_changes (trs_store_get_db (store)) > 0)
        {
          trs_stmt_release (g_steal_pointer (&stmt));
          return trs_store_classroom_get (store, id, error);
        }
    }
  g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "could not find a free session code");
  return NULL;
}

static gboolean
read_participants (TrsStore      *store,
                   TrsClassroom  *classroom,
                   GError       **error)
{
  g_autoptr(TrsStmt) stmt = trs_store_statement (store,
    "SELECT p.account_id, a.public_id, a.name, p.joined, p.last_seen, p.reported_sync, p.pending,"
    "  (SELECT received FROM events WHERE account_id = p.account_id ORDER BY seq DESC LIMIT 1),"
    "  v.choice"
    " FROM classroom_participants AS p JOIN accounts AS a ON a.id = p.account_id"
    " LEFT JOIN classroom_votes AS v ON v.classroom_id = p.classroom_id AND v.step = ?2"
    "  AND v.account_id = p.account_id"
    " WHERE p.classroom_id = ?1 ORDER BY p.joined, p.account_id",
    error);
  g_autoptr(TrsStmt) position = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, classroom->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, classroom->step);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TrsParticipant *participant = g_new0 (TrsParticipant, 1);

      participant->account_id = sqlite3_column_int64 (stmt, 0);
      participant->public_id = trs_store_column_strdup (stmt, 1);
      participant->name = trs_store_column_strdup (stmt, 2);
      participant->joined = sqlite3_column_int64 (stmt, 3);
      participant->last_seen = sqlite3_column_int64 (stmt, 4);
      participant->reported_sync = sqlite3_column_int64 (stmt, 5);
      participant->pending = (guint) CLAMP (sqlite3_column_int64 (stmt, 6), 0, G_MAXUINT);
      participant->last_received = sqlite3_column_int64 (stmt, 7);
      participant->vote = trs_store_column_strdup (stmt, 8);
      g_ptr_array_add (classroom->participants, participant);
    }
  if (rc != SQLITE_DONE)
    return trs_store_set_sqlite_error (store, error);
  trs_stmt_release (g_steal_pointer (&stmt));

  /* Where each one is: the newest event of the session's course. */
  position = trs_store_statement (store,
                                  "SELECT verb, object, timestamp FROM events"
                                  " WHERE account_id = ?1 AND course_id = ?2 ORDER BY seq DESC LIMIT 1",
                                  error);
  if (position == NULL)
    return FALSE;
  for (guint i = 0; i < classroom->participants->len; i++)
    {
      TrsParticipant *participant = g_ptr_array_index (classroom->participants, i);

      sqlite3_reset (position);
      sqlite3_bind_int64 (position, 1, participant->account_id);
      sqlite3_bind_text (position, 2, classroom->course_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (position);
      if (rc == SQLITE_ROW)
        {
          participant->position_verb = trs_store_column_strdup (position, 0);
          participant->position_object = trs_store_column_strdup (position, 1);
          participant->position_time = sqlite3_column_int64 (position, 2);
        }
      else if (rc != SQLITE_DONE)
        return trs_store_set_sqlite_error (store, error);
    }
  return TRUE;
}

TrsClassroom *
trs_store_classroom_get (TrsStore    *store,
                         const char  *id,
                         GError     **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  g_autoptr(TrsClassroom) classroom = NULL;
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store,
                              "SELECT id, code, institute_id, coalesce(trainer_id, 0), trainer_name, course_id,"
                              " started, ended, step, step_scenario, step_node, step_revealed, path"
                              " FROM classrooms WHERE id = ?1",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      not_found (error);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  classroom = g_new0 (TrsClassroom, 1);
  classroom->id = trs_store_column_strdup (stmt, 0);
  classroom->code = trs_store_column_strdup (stmt, 1);
  classroom->institute_id = sqlite3_column_int64 (stmt, 2);
  classroom->trainer_id = sqlite3_column_int64 (stmt, 3);
  classroom->trainer_name = trs_store_column_strdup (stmt, 4);
  classroom->course_id = trs_store_column_strdup (stmt, 5);
  classroom->started = sqlite3_column_int64 (stmt, 6);
  classroom->ended = sqlite3_column_int64 (stmt, 7);
  classroom->step = sqlite3_column_int64 (stmt, 8);
  classroom->step_scenario = trs_store_column_strdup (stmt, 9);
  classroom->step_node = trs_store_column_strdup (stmt, 10);
  classroom->step_revealed = sqlite3_column_int (stmt, 11) != 0;
  classroom->path = trs_store_column_strdup (stmt, 12);
  classroom->participants = g_ptr_array_new_with_free_func (participant_free);
  trs_stmt_release (g_steal_pointer (&stmt));

  if (!read_participants (store, classroom, error))
    return NULL;
  classroom->n_participants = classroom->participants->len;
  return g_steal_pointer (&classroom);
}

/* The sessions @account leads (an admin: all of the institute's), running
 * ones first, then the newest; without their participants, only how many. */
GPtrArray *
trs_store_classroom_list (TrsStore          *store,
                          const TrsAccount  *account,
                          guint              limit,
                          GError           **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  g_autoptr(GPtrArray) classrooms = g_ptr_array_new_with_free_func ((GDestroyNotify) trs_classroom_free);
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store,
                              "SELECT id, code, coalesce(trainer_id, 0), trainer_name, course_id, started, ended,"
                              "  (SELECT count(*) FROM classroom_participants WHERE classroom_id = c.id)"
                              " FROM classrooms AS c WHERE institute_id = ?1 AND (?3 OR trainer_id = ?2)"
                              " ORDER BY ended = 0 DESC, started DESC LIMIT ?4",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account->institute_id);
  sqlite3_bind_int64 (stmt, 2, account->id);
  sqlite3_bind_int (stmt, 3, g_strcmp0 (account->role, "admin") == 0);
  sqlite3_bind_int64 (stmt, 4, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TrsClassroom *classroom = g_new0 (TrsClassroom, 1);

      classroom->id = trs_store_column_strdup (stmt, 0);
      classroom->code = trs_store_column_strdup (stmt, 1);
      classroom->institute_id = account->institute_id;
      classroom->trainer_id = sqlite3_column_int64 (stmt, 2);
      classroom->trainer_name = trs_store_column_strdup (stmt, 3);
      classroom->course_id = trs_store_column_strdup (stmt, 4);
      classroom->started = sqlite3_column_int64 (stmt, 5);
      classroom->ended = sqlite3_column_int64 (stmt, 6);
      classroom->n_participants = (guint) CLAMP (sqlite3_column_int64 (stmt, 7), 0, G_MAXUINT);
      classroom->participants = g_ptr_array_new_with_free_func (participant_free);
      g_ptr_array_add (classrooms, classroom);
    }
  if (rc != SQLITE_DONE)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&classrooms);
}

/* Any account of the session's institute may join a running session;
 * joining again changes nothing. */
TrsClassroom *
trs_store_classroom_join (TrsStore          *store,
                          const TrsAccount  *account,
                          const char        *code,
                          GError           **error)
{
  g_autofree char *normal = trs_store_code_normalise (code, TRS_CLASSROOM_CODE_LENGTH);
  g_autoptr(TrsStmt) stmt = NULL;
  g_autoptr(TrsStmt) insert = NULL;
  g_autofree char *id = NULL;
  gint64 ended;
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  if (normal == NULL)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no session has this code");
      return NULL;
    }
  /* A code is unique among running sessions only: prefer the running one. */
  stmt = trs_store_statement (store,
                              "SELECT id, ended FROM classrooms WHERE code = ?1 AND institute_id = ?2"
                              " ORDER BY ended = 0 DESC, started DESC LIMIT 1",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, normal, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, account->institute_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no session has this code");
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  id = trs_store_column_strdup (stmt, 0);
  ended = sqlite3_column_int64 (stmt, 1);
  trs_stmt_release (g_steal_pointer (&stmt));
  if (ended != 0)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_EXPIRED, "this session has ended");
      return NULL;
    }

  insert = trs_store_statement (store,
                                "INSERT INTO classroom_participants (classroom_id, account_id, joined, last_seen)"
                                " VALUES (?1, ?2, ?3, ?3) ON CONFLICT DO UPDATE SET last_seen = excluded.last_seen",
                                error);
  if (insert == NULL)
    return NULL;
  sqlite3_bind_text (insert, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 2, account->id);
  sqlite3_bind_int64 (insert, 3, now_ms ());
  if (!trs_store_stmt_run (store, insert, error))
    return NULL;
  trs_stmt_release (g_steal_pointer (&insert));
  return trs_store_classroom_get (store, id, error);
}

/* Shows a new step: the votes of the one before are dropped, since nobody
 * needs them once the group moved on. */
gboolean
trs_store_classroom_set_step (TrsStore    *store,
                              const char  *id,
                              const char  *scenario,
                              const char  *node,
                              const char  *path,
                              GError     **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  g_autoptr(TrsStmt) drop = NULL;

  g_return_val_if_fail (trs_store_in_job (store), FALSE);

  stmt = trs_store_statement (store,
                              "UPDATE classrooms SET step = step + 1, step_scenario = ?2, step_node = ?3,"
                              " step_revealed = 0, path = ?4 WHERE id = ?1 AND ended = 0",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, scenario, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, node, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, path, -1, SQLITE_STATIC);
  if (!run_on_classroom (store, stmt, error))
    return FALSE;

  drop = trs_store_statement (store, "DELETE FROM classroom_votes WHERE classroom_id = ?1", error);
  if (drop == NULL)
    return FALSE;
  sqlite3_bind_text (drop, 1, id, -1, SQLITE_STATIC);
  return trs_store_stmt_run (store, drop, error);
}

gboolean
trs_store_classroom_set_revealed (TrsStore    *store,
                                  const char  *id,
                                  gboolean     revealed,
                                  GError     **error)
{
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), FALSE);

  stmt = trs_store_statement (store, "UPDATE classrooms SET step_revealed = ?2 WHERE id = ?1 AND ended = 0",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, revealed ? 1 : 0);
  return run_on_classroom (store, stmt, error);
}

/* Voting again replaces the vote. */
gboolean
trs_store_classroom_vote (TrsStore    *store,
                          const char  *id,
                          gint64       step,
                          gint64       account_id,
                          const char  *choice,
                          GError     **error)
{
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), FALSE);

  stmt = trs_store_statement (store,
                              "INSERT INTO classroom_votes (classroom_id, step, account_id, choice)"
                              " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE SET choice = excluded.choice",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, step);
  sqlite3_bind_int64 (stmt, 3, account_id);
  sqlite3_bind_text (stmt, 4, choice, -1, SQLITE_STATIC);
  return trs_store_stmt_run (store, stmt, error);
}

gboolean
trs_store_classroom_presence (TrsStore    *store,
                              const char  *id,
                              gint64       account_id,
                              guint        pending,
                              gint64       reported_sync,
                              GError     **error)
{
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), FALSE);

  stmt = trs_store_statement (store,
                              "UPDATE classroom_participants SET last_seen = ?3, pending = ?4,"
                              " reported_sync = max(reported_sync, ?5)"
                              " WHERE classroom_id = ?1 AND account_id = ?2",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, account_id);
  sqlite3_bind_int64 (stmt, 3, now_ms ());
  sqlite3_bind_int64 (stmt, 4, pending);
  sqlite3_bind_int64 (stmt, 5, reported_sync);
  return run_on_classroom (store, stmt, error);
}

/* Ending again changes nothing. The votes go: the attendance record is who
 * joined and what they did, never how they voted. */
gboolean
trs_store_classroom_end (TrsStore    *store,
                         const char  *id,
                         GError     **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  g_autoptr(TrsStmt) drop = NULL;

  g_return_val_if_fail (trs_store_in_job (store), FALSE);

  stmt = trs_store_statement (store, "UPDATE classrooms SET ended = ?2 WHERE id = ?1 AND ended = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now_ms ());
  if (!trs_store_stmt_run (store, stmt, error))
    return FALSE;
  trs_stmt_release (g_steal_pointer (&stmt));

  drop = trs_store_statement (store, "DELETE FROM classroom_votes WHERE classroom_id = ?1", error);
  if (drop == NULL)
    return FALSE;
  sqlite3_bind_text (drop, 1, id, -1, SQLITE_STATIC);
  return trs_store_stmt_run (store, drop, error);
}

/* Fills each participant's completed and quiz_passed: the lessons,
 * scenarios, signal exercises and quiz they completed while the session ran
 * (by the events' own times), each once, in the order they did them. */
gboolean
trs_store_classroom_attendance (TrsStore      *store,
                                TrsClassroom  *classroom,
                                GError       **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  gint64 until = classroom->ended != 0 ? classroom->ended : now_ms ();

  g_return_val_if_fail (trs_store_in_job (store), FALSE);

  stmt = trs_store_statement (store,
                              "SELECT verb, object, min(timestamp) AS first FROM events"
                              " WHERE account_id = ?1 AND course_id = ?2 AND timestamp BETWEEN ?3 AND ?4"
                              " GROUP BY verb, object ORDER BY first, object",
                              error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < classroom->participants->len; i++)
    {
      TrsParticipant *participant = g_ptr_array_index (classroom->participants, i);
      int rc;

      g_clear_pointer (&participant->completed, g_ptr_array_unref);
      participant->completed = g_ptr_array_new_with_free_func (g_free);
      participant->quiz_passed = FALSE;
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, participant->account_id);
      sqlite3_bind_text (stmt, 2, classroom->course_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, classroom->started);
      sqlite3_bind_int64 (stmt, 4, until);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          TrEvent event = { 0 };

          if (!tr_verb_from_string ((const char *) sqlite3_column_text (stmt, 0), &event.verb))
            continue;
          event.object = (char *) sqlite3_column_text (stmt, 1);
          /* A failed quiz counts towards completion, but was not completed. */
          if (!tr_progress_event_counts (&event) || event.verb == TR_VERB_FAILED)
            continue;
          if (event.verb == TR_VERB_PASSED)
            participant->quiz_passed = TRUE;
          g_ptr_array_add (participant->completed, g_strdup (event.object));
        }
      if (rc != SQLITE_DONE)
        return trs_store_set_sqlite_error (store, error);
    }
  return TRUE;
}
