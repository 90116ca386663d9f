/* trs-store-reports.c: what institute reports read from the database
 *
 * A report reads the milestones table (trs-store.c keeps it as events
 * arrive), a handful of rows per learner and course, not the event log.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include "tr-event.h"

#include "trs-store-private.h"
#include "trs-store-reports.h"

/* The strings of a read's milestones live in one GStringChunk: ten
 * thousand learners have a few hundred thousand milestones, but only a few
 * dozen different course ids and objects among them. */
typedef struct _SharedStrings
{
  GStringChunk *strings;
  guint         users;
} SharedStrings;

static void
milestone_free (gpointer data)
{
  TrEvent *event = data;

  g_clear_pointer (&event->result, json_object_unref);
  g_free (event);
}

void
trs_report_learner_free (TrsReportLearner *learner)
{
  if (learner == NULL)
    return;
  g_free (learner->public_id);
  g_free (learner->name);
  g_free (learner->cohort);
  g_ptr_array_unref (learner->milestones);
  if (learner->shared != NULL && --learner->shared->users == 0)
    {
      g_string_chunk_free (learner->shared->strings);
      g_free (learner->shared);
    }
  g_free (learner);
}

void
trs_cohort_free (TrsCohort *cohort)
{
  if (cohort == NULL)
    return;
  g_free (cohort->name);
  g_free (cohort);
}

/* A milestone row as the event it stands for: the first time, and for the
 * quiz the best score, are all that completion needs of them. */
static TrEvent *
milestone_event (sqlite3_stmt *stmt,
                 GStringChunk *strings)
{
  TrEvent *event = g_new0 (TrEvent, 1);

  if (!tr_verb_from_string ((const char *) sqlite3_column_text (stmt, 5), &event->verb))
    {
      g_free (event);
      return NULL;
    }
  event->course_id = g_string_chunk_insert_const (strings, (const char *) sqlite3_column_text (stmt, 4));
  event->object = g_string_chunk_insert_const (strings, (const char *) sqlite3_column_text (stmt, 6));
  event->timestamp = sqlite3_column_int64 (stmt, 7);
  if (sqlite3_column_type (stmt, 8) != SQLITE_NULL)
    {
      event->result = json_object_new ();
      json_object_set_int_member (event->result, "score", sqlite3_column_int64 (stmt, 8));
    }
  return event;
}

/* The learners of @institute_id (and of @cohort_id, unless 0), in the
 * order of their accounts, each with their milestones. */
GPtrArray *
trs_store_report_learners (TrsStore  *store,
                           gint64     institute_id,
                           gint64     cohort_id,
                           GError   **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  g_autoptr(GPtrArray) learners = g_ptr_array_new_with_free_func ((GDestroyNotify) trs_report_learner_free);
  TrsReportLearner *learner = NULL;
  SharedStrings *shared = g_new0 (SharedStrings, 1);
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store,
    "SELECT a.id, a.public_id, a.name, c.name, m.course_id, m.verb, m.object, m.first_at, m.best_score"
    " FROM accounts AS a LEFT JOIN cohorts AS c ON c.id = a.cohort_id"
    " LEFT JOIN milestones AS m ON m.account_id = a.id"
    " WHERE a.institute_id = ?1 AND a.role = 'learner' AND (?2 = 0 OR a.cohort_id = ?2)"
    " ORDER BY a.id",
    error);
  if (stmt == NULL)
    {
      g_free (shared);
      return NULL;
    }
  shared->strings = g_string_chunk_new (4096);
  sqlite3_bind_int64 (stmt, 1, institute_id);
  sqlite3_bind_int64 (stmt, 2, cohort_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 account_id = sqlite3_column_int64 (stmt, 0);

      if (learner == NULL || learner->account_id != account_id)
        {
          learner = g_new0 (TrsReportLearner, 1);
          learner->account_id = account_id;
          learner->public_id = trs_store_column_strdup (stmt, 1);
          learner->name = trs_store_column_strdup (stmt, 2);
          learner->cohort = trs_store_column_strdup (stmt, 3);
          learner->milestones = g_ptr_array_new_with_free_func (milestone_free);
          learner->shared = shared;
          shared->users++;
          g_ptr_array_add (learners, learner);
        }
      if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
        {
          TrEvent *event = milestone_event (stmt, shared->strings);

          if (event != NULL)
            g_ptr_array_add (learner->milestones, event);
        }
    }
  if (shared->users == 0)
    {
      g_string_chunk_free (shared->strings);
      g_free (shared);
    }
  if (rc != SQLITE_DONE)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&learners);
}

/* The id of the cohort of @institute_id named @name_or_id (or with that
 * number as its id); 0 with NOT_FOUND when there is none. */
gint64
trs_store_cohort_lookup (TrsStore    *store,
                         gint64       institute_id,
                         const char  *name_or_id,
                         GError     **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), 0);

  stmt = trs_store_statement (store,
                              "SELECT id FROM cohorts WHERE institute_id = ?1 AND (name = ?2 OR CAST(id AS TEXT) = ?2)"
                              " ORDER BY name = ?2 DESC LIMIT 1",
                              error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, institute_id);
  sqlite3_bind_text (stmt, 2, name_or_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    trs_store_set_sqlite_error (store, error);
  else
    g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no cohort \"%s\" in this institute", name_or_id);
  return id;
}

/* The cohorts of @institute_id with their number of learners, by name;
 * @without_cohort gets the number of learners in none. */
GPtrArray *
trs_store_cohort_list (TrsStore  *store,
                       gint64     institute_id,
                       guint     *without_cohort,
                       GError   **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  g_autoptr(GPtrArray) cohorts = g_ptr_array_new_with_free_func ((GDestroyNotify) trs_cohort_free);
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store,
                              "SELECT c.id, c.name, (SELECT count(*) FROM accounts AS a"
                              "  WHERE a.cohort_id = c.id AND a.role = 'learner')"
                              " FROM cohorts AS c WHERE c.institute_id = ?1 ORDER BY c.name",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, institute_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TrsCohort *cohort = g_new0 (TrsCohort, 1);

      cohort->id = sqlite3_column_int64 (stmt, 0);
      cohort->name = trs_store_column_strdup (stmt, 1);
      cohort->learners = (guint) sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (cohorts, cohort);
    }
  if (rc != SQLITE_DONE)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  trs_stmt_release (g_steal_pointer (&stmt));

  stmt = trs_store_statement (store,
                              "SELECT count(*) FROM accounts WHERE institute_id = ?1 AND role = 'learner'"
                              " AND cohort_id IS NULL",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, institute_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  *without_cohort = (guint) sqlite3_column_int64 (stmt, 0);
  return g_steal_pointer (&cohorts);
}

char *
trs_store_institute_name (TrsStore  *store,
                          gint64     institute_id,
                          GError   **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store, "SELECT name FROM institutes WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, institute_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return trs_store_column_strdup (stmt, 0);
  if (rc != SQLITE_DONE)
    trs_store_set_sqlite_error (store, error);
  else
    g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such institute");
  return NULL;
}
