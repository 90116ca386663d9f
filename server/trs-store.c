/* trs-store.c: the server's sqlite database: one worker thread writes, and
 * any thread may read on a connection of its own
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tr-progress.h"

#include "trs-auth.h"
#include "trs-store.h"
#include "trs-store-private.h"

/* Write jobs gathered into one transaction at most: enough to make the
 * commit cheap per job, few enough that the first job's answer is not held
 * up for long. */
#define MAX_GROUP 256
#define BUSY_TIMEOUT_MS 5000
#define NAME_MAX_CHARS 200
#define EMAIL_MAX_BYTES 254
#define CODE_LENGTH 8

G_DEFINE_QUARK (trs-store-error-quark, trs_store_error)

/* One sqlite connection, used by one thread at a time. */
typedef struct
{
  TrsStore   *store;
  sqlite3    *db;
  GHashTable *statements;     /* SQL text → sqlite3_stmt */
} Connection;

struct _TrsStore
{
  GThread    *thread;
  char       *path;
  gboolean    synchronous_full;

  GMutex      mutex;
  GCond       cond;
  GQueue      queue;          /* of Job */
  gboolean    stopping;

  /* The worker's, for writes and queued reads. */
  Connection *writer;

  /* Read-only connections for trs_store_read_now(): one is taken for each
   * read and given back, so there are as many as threads read at once. */
  GMutex      readers_mutex;
  GPtrArray  *idle_readers;   /* Connection* */
  guint       n_readers;
};

/* The connection of the job running on this thread: the worker's for its
 * whole life, a reader's for the length of one trs_store_read_now(). */
static GPrivate current_connection;

typedef struct
{
  GMutex    mutex;
  GCond     cond;
  gboolean  done;
  gpointer  result;
  GError   *error;
} SyncWait;

typedef struct
{
  TrsJobKind      kind;
  TrsJobFunc      func;
  gpointer        data;
  GDestroyNotify  data_destroy;
  GDestroyNotify  result_destroy;
  GTask          *task;       /* an async job: the queue's reference */
  SyncWait       *wait;       /* a sync job */
  gpointer        result;
  GError         *error;
} Job;

void
trs_stmt_release (TrsStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static void
stmt_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static Connection *
connection_new (TrsStore *store)
{
  Connection *connection = g_new0 (Connection, 1);

  connection->store = store;
  connection->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, stmt_finalize);
  return connection;
}

static void
connection_free (Connection *connection)
{
  g_hash_table_unref (connection->statements);
  if (connection->db != NULL && sqlite3_close (connection->db) != SQLITE_OK)
    g_warning ("Could not close the database: %s", sqlite3_errmsg (connection->db));
  g_free (connection);
}

static gboolean
connection_open (Connection  *connection,
                 int          flags,
                 GError     **error)
{
  const char *path = connection->store->path;
  int rc = sqlite3_open_v2 (path, &connection->db, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "could not open %s: %s", path,
                   connection->db != NULL ? sqlite3_errmsg (connection->db) : sqlite3_errstr (rc));
      return FALSE;
    }
  sqlite3_extended_result_codes (connection->db, 1);
  sqlite3_busy_timeout (connection->db, BUSY_TIMEOUT_MS);
  return TRUE;
}

/* The connection of the job this thread runs for @store, or NULL. */
static Connection *
current (TrsStore *store)
{
  Connection *connection = g_private_get (&current_connection);

  return connection != NULL && connection->store == store ? connection : NULL;
}

static sqlite3 *
store_db (TrsStore *store)
{
  Connection *connection = current (store);

  g_assert (connection != NULL);
  return connection->db;
}

static const char schema_v1[] =
  "CREATE TABLE institutes ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  created INTEGER NOT NULL);"
  "CREATE TABLE cohorts ("
  "  id INTEGER PRIMARY KEY,"
  "  institute_id INTEGER NOT NULL REFERENCES institutes ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  UNIQUE (institute_id, name));"
  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  public_id TEXT NOT NULL UNIQUE,"
  "  institute_id INTEGER NOT NULL REFERENCES institutes,"
  "  cohort_id INTEGER REFERENCES cohorts,"
  "  role TEXT NOT NULL CHECK (role IN ('learner', 'trainer', 'admin')),"
  "  name TEXT NOT NULL,"
  "  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  password_hash TEXT NOT NULL,"
  "  created INTEGER NOT NULL);"
  "CREATE INDEX accounts_institute ON accounts (institute_id);"
  "CREATE INDEX accounts_cohort ON accounts (cohort_id);"
  "CREATE TABLE enrolment_codes ("
  "  digest TEXT PRIMARY KEY,"
  "  institute_id INTEGER NOT NULL REFERENCES institutes ON DELETE CASCADE,"
  "  cohort_id INTEGER REFERENCES cohorts ON DELETE CASCADE,"
  "  expires INTEGER NOT NULL DEFAULT 0,"
  "  max_uses INTEGER NOT NULL DEFAULT 0,"
  "  uses INTEGER NOT NULL DEFAULT 0,"
  "  created INTEGER NOT NULL);"
  "CREATE TABLE tokens ("
  "  digest TEXT PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts ON DELETE CASCADE,"
  "  created INTEGER NOT NULL,"
  "  expires INTEGER NOT NULL,"
  "  revoked INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX tokens_account ON tokens (account_id);"
  "CREATE TABLE events ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  id TEXT NOT NULL UNIQUE,"
  "  account_id INTEGER NOT NULL REFERENCES accounts ON DELETE CASCADE,"
  "  verb TEXT NOT NULL,"
  "  course_id TEXT NOT NULL,"
  "  course_version TEXT NOT NULL,"
  "  object TEXT NOT NULL,"
  "  result TEXT,"
  "  timestamp INTEGER NOT NULL,"
  "  received INTEGER NOT NULL);"
  "CREATE INDEX events_account_seq ON events (account_id, seq);"
  "CREATE TABLE signing_keys ("
  "  kid TEXT PRIMARY KEY,"
  "  public_key BLOB NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  active INTEGER NOT NULL DEFAULT 1);"
  "PRAGMA user_version = 1;";

/* Certificates keep the holder's name and ids in their row, so that they
 * stay verifiable after the account is erased (account_id then becomes
 * NULL, and NULLs never collide in the UNIQUE constraint). Only the newest
 * signing key signs. */
static const char schema_v2[] =
  "CREATE TABLE certificates ("
  "  id TEXT PRIMARY KEY,"
  "  account_id INTEGER REFERENCES accounts ON DELETE SET NULL,"
  "  institute_id INTEGER NOT NULL REFERENCES institutes,"
  "  institute_name TEXT NOT NULL,"
  "  holder_id TEXT NOT NULL,"
  "  holder_name TEXT NOT NULL,"
  "  achievement_kind TEXT NOT NULL CHECK (achievement_kind IN ('course', 'path')),"
  "  achievement_id TEXT NOT NULL,"
  "  content_version TEXT NOT NULL,"
  "  jws TEXT NOT NULL,"
  "  issued INTEGER NOT NULL,"
  "  valid_until INTEGER NOT NULL DEFAULT 0,"
  "  status_index INTEGER NOT NULL UNIQUE CHECK (status_index >= 0 AND status_index < 131072),"
  "  revoked INTEGER NOT NULL DEFAULT 0,"
  "  revoked_at INTEGER,"
  "  revoked_reason TEXT,"
  "  UNIQUE (account_id, achievement_kind, achievement_id, content_version));"
  "CREATE INDEX certificates_revoked ON certificates (status_index) WHERE revoked != 0;"
  "UPDATE signing_keys SET active = (rowid = (SELECT rowid FROM signing_keys"
  "  ORDER BY created DESC, rowid DESC LIMIT 1));"
  "PRAGMA user_version = 2;";

/* Milestones: of the events that count towards completion
 * (tr_progress_event_counts()), the first time per verb and object and the
 * best quiz score, kept as events arrive so that a report reads a few rows
 * per learner instead of every event. Classrooms: a trainer's live session;
 * a vote is kept only while its step is shown, and never after the end. */
static const char schema_v3[] =
  "CREATE TABLE milestones ("
  "  account_id INTEGER NOT NULL REFERENCES accounts ON DELETE CASCADE,"
  "  course_id TEXT NOT NULL,"
  "  verb TEXT NOT NULL,"
  "  object TEXT NOT NULL,"
  "  first_at INTEGER NOT NULL,"
  "  best_score INTEGER,"
  "  PRIMARY KEY (account_id, course_id, verb, object)) WITHOUT ROWID;"
  "INSERT INTO milestones (account_id, course_id, verb, object, first_at, best_score)"
  "  SELECT account_id, course_id, verb, object, min(timestamp),"
  "         max(CASE WHEN object = 'quiz' THEN json_extract(result, '$.score') END)"
  "  FROM events WHERE trellis_event_counts(verb, object)"
  "  GROUP BY account_id, course_id, verb, object;"
  "CREATE TABLE classrooms ("
  "  id TEXT PRIMARY KEY,"
  "  code TEXT NOT NULL,"
  "  institute_id INTEGER NOT NULL REFERENCES institutes,"
  "  trainer_id INTEGER REFERENCES accounts ON DELETE SET NULL,"
  "  trainer_name TEXT NOT NULL,"
  "  course_id TEXT NOT NULL,"
  "  started INTEGER NOT NULL,"
  "  ended INTEGER NOT NULL DEFAULT 0,"
  "  step INTEGER NOT NULL DEFAULT 0,"
  "  step_scenario TEXT,"
  "  step_node TEXT,"
  "  step_revealed INTEGER NOT NULL DEFAULT 0,"
  "  path TEXT NOT NULL DEFAULT '[]');"
  "CREATE UNIQUE INDEX classrooms_running_code ON classrooms (code) WHERE ended = 0;"
  "CREATE INDEX classrooms_institute ON classrooms (institute_id, started);"
  "CREATE TABLE classroom_participants ("
  "  classroom_id TEXT NOT NULL REFERENCES classrooms ON DELETE CASCADE,"
  "  account_id INTEGER NOT NULL REFERENCES accounts ON DELETE CASCADE,"
  "  joined INTEGER NOT NULL,"
  "  last_seen INTEGER NOT NULL DEFAULT 0,"
  "  reported_sync INTEGER NOT NULL DEFAULT 0,"
  "  pending INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (classroom_id, account_id)) WITHOUT ROWID;"
  "CREATE INDEX classroom_participants_account ON classroom_participants (account_id);"
  "CREATE TABLE classroom_votes ("
  "  classroom_id TEXT NOT NULL REFERENCES classrooms ON DELETE CASCADE,"
  "  step INTEGER NOT NULL,"
  "  account_id INTEGER NOT NULL REFERENCES accounts ON DELETE CASCADE,"
  "  choice TEXT NOT NULL,"
  "  PRIMARY KEY (classroom_id, step, account_id)) WITHOUT ROWID;"
  "PRAGMA user_version = 3;";

/* migrations[i] takes the schema from version i to version i + 1; each ends
 * by setting user_version. */
static const char * const migrations[] = {
  schema_v1,
  schema_v2,
  schema_v3,
};

G_STATIC_ASSERT (TRS_STATUS_LIST_SIZE == 131072);

#define ACCOUNT_COLUMNS \
  "SELECT a.id, a.public_id, a.institute_id, i.name, a.cohort_id, c.name, a.role, a.name," \
  " a.email, a.password_hash, a.created" \
  " FROM accounts AS a JOIN institutes AS i ON i.id = a.institute_id" \
  " LEFT JOIN cohorts AS c ON c.id = a.cohort_id "

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

sqlite3 *
trs_store_get_db (TrsStore *store)
{
  return store_db (store);
}

gboolean
trs_store_in_job (TrsStore *store)
{
  return store != NULL && current (store) != NULL;
}

gboolean
trs_store_set_sqlite_error (TrsStore  *store,
                  GError   **error)
{
  int code = TRS_STORE_ERROR_FAILED;

  switch (sqlite3_extended_errcode (store_db (store)))
    {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      code = TRS_STORE_ERROR_CONFLICT;
      break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      code = TRS_STORE_ERROR_NOT_FOUND;
      break;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      code = TRS_STORE_ERROR_INVALID;
      break;
    default:
      break;
    }
  g_set_error (error, TRS_STORE_ERROR, code, "database: %s", sqlite3_errmsg (store_db (store)));
  return FALSE;
}

/* The statement for SQL, prepared the first time and kept until the store
 * closes. Never build SQL text from values: bind them. */
TrsStmt *
trs_store_statement (TrsStore    *store,
                 const char  *sql,
                 GError     **error)
{
  Connection *connection = current (store);
  sqlite3_stmt *stmt;

  g_assert (connection != NULL);

  stmt = g_hash_table_lookup (connection->statements, sql);
  if (stmt != NULL)
    {
      /* A cached statement is used by one caller at a time. */
      g_assert (!sqlite3_stmt_busy (stmt));
      return stmt;
    }
  if (sqlite3_prepare_v3 (connection->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  g_hash_table_insert (connection->statements, g_strdup (sql), stmt);
  return stmt;
}

/* Steps a statement that returns no row, or whose rows do not matter. */
gboolean
trs_store_stmt_run (TrsStore      *store,
          sqlite3_stmt  *stmt,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return trs_store_set_sqlite_error (store, error);
  return TRUE;
}

static gboolean
store_exec (TrsStore    *store,
            const char  *sql,
            GError     **error)
{
  g_autoptr(TrsStmt) stmt = trs_store_statement (store, sql, error);

  return stmt != NULL && trs_store_stmt_run (store, stmt, error);
}

char *
trs_store_column_strdup (sqlite3_stmt *stmt,
               int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Jobs and the worker */

static void
job_free (gpointer user_data)
{
  Job *job = user_data;

  if (job->data_destroy != NULL && job->data != NULL)
    job->data_destroy (job->data);
  if (job->result_destroy != NULL && job->result != NULL)
    job->result_destroy (job->result);
  g_clear_error (&job->error);
  g_free (job);
}

static gboolean
job_cancelled (Job     *job,
               GError **error)
{
  GCancellable *cancellable = job->task != NULL ? g_task_get_cancellable (job->task) : NULL;

  return g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Undoes a job's success: the transaction it ran in did not commit. */
static void
job_fail (Job          *job,
          const GError *error)
{
  if (job->error != NULL)
    return;
  /* A sync job's result has no destroy function: it is lost here, but this
   * happens only when a COMMIT fails. */
  if (job->result != NULL && job->result_destroy != NULL)
    job->result_destroy (job->result);
  job->result = NULL;
  job->error = g_error_copy (error);
}

static void
job_run (TrsStore *store,
         Job      *job)
{
  if (job_cancelled (job, &job->error))
    return;
  job->result = job->func (store, job->data, &job->error);
  if (job->result != NULL)
    g_clear_error (&job->error);
  else if (job->error == NULL)
    g_set_error_literal (&job->error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED,
                         "a database job failed without saying why");
}

static void
job_complete (Job *job)
{
  if (job->wait != NULL)
    {
      SyncWait *wait = job->wait;

      g_mutex_lock (&wait->mutex);
      wait->result = g_steal_pointer (&job->result);
      wait->error = g_steal_pointer (&job->error);
      wait->done = TRUE;
      g_cond_signal (&wait->cond);
      g_mutex_unlock (&wait->mutex);
      g_free (job);
    }
  else
    {
      GTask *task = job->task;

      /* The result stays the job's, and so the task's: it is freed with
       * result_destroy when the task goes. */
      if (job->error != NULL)
        g_task_return_error (task, g_steal_pointer (&job->error));
      else
        g_task_return_pointer (task, job->result, NULL);
      g_object_unref (task);
    }
}

static void
run_read (TrsStore *store,
          Job      *job)
{
  sqlite3 *db = store_db (store);

  job_run (store, job);
  if (db != NULL && !sqlite3_get_autocommit (db))
    {
      g_critical ("A database read job left a transaction open; rolling it back");
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
    }
}

static void
reset_busy_statements (TrsStore *store)
{
  sqlite3 *db = store_db (store);

  for (sqlite3_stmt *stmt = sqlite3_next_stmt (db, NULL); stmt != NULL; stmt = sqlite3_next_stmt (db, stmt))
    if (sqlite3_stmt_busy (stmt))
      sqlite3_reset (stmt);
}

static void
fail_range (GPtrArray    *group,
            guint         from,
            guint         to,
            const GError *error)
{
  for (guint i = from; i < to; i++)
    job_fail (g_ptr_array_index (group, i), error);
}

/* Group commit: one transaction for every write job of the group, each in a
 * savepoint of its own so that a failing job undoes only itself. */
static void
run_write_group (TrsStore  *store,
                 GPtrArray *group)
{
  sqlite3 *db = store->writer->db;
  gboolean in_transaction = FALSE;
  guint first = 0;

  for (guint i = 0; i < group->len; i++)
    {
      Job *job = g_ptr_array_index (group, i);
      g_autoptr(GError) undo_error = NULL;

      if (!in_transaction)
        {
          if (!store_exec (store, "BEGIN IMMEDIATE", &job->error))
            continue;
          in_transaction = TRUE;
          first = i;
        }
      if (job_cancelled (job, &job->error))
        continue;
      if (!store_exec (store, "SAVEPOINT job", &job->error))
        continue;

      job_run (store, job);

      if (sqlite3_get_autocommit (db))
        {
          /* sqlite rolled the whole transaction back (a full disk, an I/O
           * error): the jobs before this one are undone too. */
          g_autoptr(GError) lost = g_error_new (TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED,
                                                "the transaction was rolled back: %s",
                                                sqlite3_errmsg (db));

          fail_range (group, first, i + 1, lost);
          in_transaction = FALSE;
          continue;
        }
      reset_busy_statements (store);
      if (job->error == NULL)
        {
          g_autoptr(GError) release_error = NULL;

          if (store_exec (store, "RELEASE job", &release_error))
            continue;
          job_fail (job, release_error);
        }
      if (!store_exec (store, "ROLLBACK TO job", &undo_error) ||
          !store_exec (store, "RELEASE job", &undo_error))
        {
          /* The job could not be undone alone: undo the whole group so far
           * rather than keep half of it. */
          g_warning ("Could not undo a failed database job: %s", undo_error->message);
          if (!sqlite3_get_autocommit (db))
            sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          fail_range (group, first, i + 1, undo_error);
          in_transaction = FALSE;
        }
    }

  if (in_transaction)
    {
      g_autoptr(GError) commit_error = NULL;

      reset_busy_statements (store);
      if (!store_exec (store, "COMMIT", &commit_error))
        {
          g_warning ("Could not commit %u database jobs: %s", group->len - first, commit_error->message);
          if (!sqlite3_get_autocommit (db))
            sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          fail_range (group, first, group->len, commit_error);
        }
    }
}

static gpointer
worker_main (gpointer user_data)
{
  TrsStore *store = user_data;
  g_autoptr(GPtrArray) group = g_ptr_array_sized_new (MAX_GROUP);

  g_private_set (&current_connection, store->writer);

  for (;;)
    {
      Job *job;

      g_mutex_lock (&store->mutex);
      while (g_queue_is_empty (&store->queue) && !store->stopping)
        g_cond_wait (&store->cond, &store->mutex);
      job = g_queue_pop_head (&store->queue);
      if (job == NULL)
        {
          g_mutex_unlock (&store->mutex);
          break;
        }
      g_ptr_array_set_size (group, 0);
      g_ptr_array_add (group, job);
      if (job->kind == TRS_JOB_WRITE)
        {
          /* Every write waiting now joins this transaction; reads keep their
           * order and run after it. */
          GList *link = store->queue.head;

          while (link != NULL && group->len < MAX_GROUP)
            {
              GList *next = link->next;
              Job *other = link->data;

              if (other->kind == TRS_JOB_WRITE)
                {
                  g_ptr_array_add (group, other);
                  g_queue_delete_link (&store->queue, link);
                }
              link = next;
            }
        }
      g_mutex_unlock (&store->mutex);

      if (job->kind == TRS_JOB_WRITE)
        run_write_group (store, group);
      else
        run_read (store, job);

      /* Answered only now, after the COMMIT. */
      for (guint i = 0; i < group->len; i++)
        job_complete (g_ptr_array_index (group, i));
    }

  g_clear_pointer (&store->writer, connection_free);
  g_private_set (&current_connection, NULL);
  return NULL;
}

/* FALSE when the store is closing: a job queued then would never run. */
static gboolean
store_push (TrsStore *store,
            Job      *job)
{
  gboolean queued;

  g_mutex_lock (&store->mutex);
  queued = !store->stopping;
  if (queued)
    {
      g_queue_push_tail (&store->queue, job);
      g_cond_signal (&store->cond);
    }
  g_mutex_unlock (&store->mutex);
  if (!queued)
    g_critical ("A database job was queued after trs_store_close()");
  return queued;
}

void
trs_store_run_async (TrsStore            *store,
                     TrsJobKind           kind,
                     TrsJobFunc           func,
                     gpointer             data,
                     GDestroyNotify       data_destroy,
                     GDestroyNotify       result_destroy,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;
  Job *job;

  g_return_if_fail (store != NULL);
  g_return_if_fail (func != NULL);
  g_return_if_fail (kind == TRS_JOB_READ || kind == TRS_JOB_WRITE);
  g_return_if_fail (!trs_store_in_job (store));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, trs_store_run_async);
  g_task_set_name (task, "trs_store_run_async");

  job = g_new0 (Job, 1);
  job->kind = kind;
  job->func = func;
  job->data = data;
  job->data_destroy = data_destroy;
  job->result_destroy = result_destroy;
  job->task = task;
  /* The data and the result live as long as the task, so they are still
   * there while the callback runs; they may be freed on either thread. */
  g_task_set_task_data (task, job, job_free);

  if (!store_push (store, job))
    {
      g_task_return_new_error (task, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "the database is closed");
      g_object_unref (task);
    }
}

/* Returns the job's result, owned by the task (freed with result_destroy
 * once the callback has returned): copy or steal what must outlive it. */
gpointer
trs_store_run_finish (TrsStore      *store,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == trs_store_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Returns the job's result, owned by the caller. */
gpointer
trs_store_run_sync (TrsStore    *store,
                    TrsJobKind   kind,
                    TrsJobFunc   func,
                    gpointer     data,
                    GError     **error)
{
  SyncWait wait = { 0 };
  Job *job;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (kind == TRS_JOB_READ || kind == TRS_JOB_WRITE, NULL);
  /* From the worker itself it would wait for ever. */
  g_return_val_if_fail (!trs_store_in_job (store), NULL);

  g_mutex_init (&wait.mutex);
  g_cond_init (&wait.cond);

  job = g_new0 (Job, 1);
  job->kind = kind;
  job->func = func;
  job->data = data;
  job->wait = &wait;
  if (!store_push (store, job))
    {
      g_free (job);
      g_mutex_clear (&wait.mutex);
      g_cond_clear (&wait.cond);
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "the database is closed");
      return NULL;
    }

  g_mutex_lock (&wait.mutex);
  while (!wait.done)
    g_cond_wait (&wait.cond, &wait.mutex);
  g_mutex_unlock (&wait.mutex);

  g_mutex_clear (&wait.mutex);
  g_cond_clear (&wait.cond);
  if (wait.error != NULL)
    {
      g_propagate_error (error, wait.error);
      return NULL;
    }
  return wait.result;
}

static Connection *
reader_take (TrsStore  *store,
             GError   **error)
{
  Connection *reader = NULL;

  g_mutex_lock (&store->readers_mutex);
  if (store->idle_readers->len > 0)
    reader = g_ptr_array_steal_index_fast (store->idle_readers, store->idle_readers->len - 1);
  g_mutex_unlock (&store->readers_mutex);
  if (reader != NULL)
    return reader;

  reader = connection_new (store);
  if (!connection_open (reader, SQLITE_OPEN_READONLY, error))
    {
      connection_free (reader);
      return NULL;
    }
  g_mutex_lock (&store->readers_mutex);
  store->n_readers++;
  g_mutex_unlock (&store->readers_mutex);
  return reader;
}

static void
reader_give_back (TrsStore   *store,
                  Connection *reader)
{
  g_mutex_lock (&store->readers_mutex);
  g_ptr_array_add (store->idle_readers, reader);
  g_mutex_unlock (&store->readers_mutex);
}

/* Runs @func on the calling thread, on a read-only connection of its own:
 * with write-ahead logging readers wait neither for the worker's writes nor
 * for each other, and a short read is answered without a trip to the worker
 * and back. It sees every transaction committed before it started. Returns
 * the job's result, owned by the caller. */
gpointer
trs_store_read_now (TrsStore    *store,
                    TrsJobFunc   func,
                    gpointer     data,
                    GError     **error)
{
  Job job = { .kind = TRS_JOB_READ, .func = func, .data = data };
  Connection *reader;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (!trs_store_in_job (store), NULL);

  reader = reader_take (store, error);
  if (reader == NULL)
    return NULL;
  g_private_set (&current_connection, reader);
  /* One snapshot for the whole job, which also takes the file locks once
   * rather than once per statement. */
  if (store_exec (store, "BEGIN", &job.error))
    {
      job_run (store, &job);
      reset_busy_statements (store);
      if (!sqlite3_get_autocommit (reader->db))
        store_exec (store, "COMMIT", NULL);
    }
  g_private_set (&current_connection, NULL);
  reader_give_back (store, reader);
  if (job.error != NULL)
    {
      g_propagate_error (error, job.error);
      return NULL;
    }
  return job.result;
}

/* Opening */

static char *
query_text (TrsStore    *store,
            const char  *sql,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;
  int rc;

  if (sqlite3_prepare_v2 (store_db (store), sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    text = trs_store_column_strdup (stmt, 0);
  else if (rc != SQLITE_DONE)
    trs_store_set_sqlite_error (store, error);
  else
    text = g_strdup ("");
  sqlite3_finalize (stmt);
  return text;
}

static gboolean
exec_plain (TrsStore    *store,
            const char  *sql,
            GError     **error)
{
  if (sqlite3_exec (store_db (store), sql, NULL, NULL, NULL) != SQLITE_OK)
    return trs_store_set_sqlite_error (store, error);
  return TRUE;
}

static gboolean
read_user_version (TrsStore  *store,
                   gint64    *version,
                   GError   **error)
{
  g_autofree char *text = query_text (store, "PRAGMA user_version", error);

  if (text == NULL)
    return FALSE;
  *version = g_ascii_strtoll (text, NULL, 10);
  return TRUE;
}

static gboolean
check_version (gint64   version,
               GError **error)
{
  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_TOO_NEW,
                   "the database was written by a newer trellis-server (schema version %"
                   G_GINT64_FORMAT ", this one knows up to %u)",
                   version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (TrsStore  *store,
         GError   **error)
{
  gint64 version;

  if (!read_user_version (store, &version, error) || !check_version (version, error))
    return FALSE;
  if (version == G_N_ELEMENTS (migrations))
    return TRUE;

  /* Read again under the write lock: another process may have migrated in
   * between. */
  if (!exec_plain (store, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!read_user_version (store, &version, error) || !check_version (version, error))
    goto fail;
  for (; version < (gint64) G_N_ELEMENTS (migrations); version++)
    if (!exec_plain (store, migrations[version], error))
      goto fail;
  if (!exec_plain (store, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  if (!sqlite3_get_autocommit (store_db (store)))
    sqlite3_exec (store_db (store), "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* trellis_event_counts(verb, object): tr_progress_event_counts() for SQL. */
static void
event_counts_sql (sqlite3_context  *context,
                  int               argc,
                  sqlite3_value   **argv)
{
  TrEvent event = { 0 };
  const char *verb = (const char *) sqlite3_value_text (argv[0]);

  event.object = (char *) sqlite3_value_text (argv[1]);
  sqlite3_result_int (context, verb != NULL && event.object != NULL &&
                               tr_verb_from_string (verb, &event.verb) &&
                               tr_progress_event_counts (&event));
}

static gpointer
open_job (TrsStore  *store,
          gpointer   data,
          GError   **error)
{
  g_autofree char *journal_mode = NULL;

  if (!connection_open (store->writer, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error))
    return NULL;

  journal_mode = query_text (store, "PRAGMA journal_mode = WAL", error);
  if (journal_mode == NULL)
    return NULL;
  if (g_ascii_strcasecmp (journal_mode, "wal") != 0)
    {
      g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED,
                   "could not switch %s to write-ahead logging", store->path);
      return NULL;
    }
  if (!exec_plain (store, store->synchronous_full ? "PRAGMA synchronous = FULL"
                                                  : "PRAGMA synchronous = NORMAL", error) ||
      !exec_plain (store, "PRAGMA foreign_keys = ON", error))
    return NULL;
  if (sqlite3_create_function (store->writer->db, "trellis_event_counts", 2,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                               NULL, event_counts_sql, NULL, NULL) != SQLITE_OK)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  if (!migrate (store, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

/* The file is made here, not by sqlite, so that it is never readable by
 * others, not even for a moment. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  struct stat st;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "could not create %s: %s",
                   dir, g_strerror (saved_errno));
      return FALSE;
    }
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "could not open %s: %s",
                   path, g_strerror (saved_errno));
      return FALSE;
    }
  if (fstat (fd, &st) == 0 && (st.st_mode & 077) != 0 && st.st_uid == geteuid ())
    fchmod (fd, st.st_mode & 0700);
  close (fd);
  return TRUE;
}

static void
store_free (TrsStore *store)
{
  g_ptr_array_unref (store->idle_readers);
  g_mutex_clear (&store->readers_mutex);
  g_mutex_clear (&store->mutex);
  g_cond_clear (&store->cond);
  g_free (store->path);
  g_free (store);
}

static gsize sqlite_configured;

TrsStore *
trs_store_open (const char  *path,
                GError     **error)
{
  TrsStore *store;
  const char *synchronous;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!trs_auth_init (error) || !create_private_file (path, error))
    return NULL;
  if (g_once_init_enter (&sqlite_configured))
    {
      /* Otherwise sqlite counts its memory under one global mutex, which
       * the threads reading at once would take turns at on every
       * allocation. Too late (and harmless) if sqlite is already in use. */
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&sqlite_configured, 1);
    }

  store = g_new0 (TrsStore, 1);
  store->path = g_strdup (path);
  g_mutex_init (&store->mutex);
  g_cond_init (&store->cond);
  g_queue_init (&store->queue);
  store->writer = connection_new (store);
  g_mutex_init (&store->readers_mutex);
  store->idle_readers = g_ptr_array_new ();
  /* Benchmarks compare against the durability of a power cut. */
  synchronous = g_getenv ("TRELLIS_SYNCHRONOUS");
  store->synchronous_full = synchronous != NULL && g_ascii_strcasecmp (synchronous, "FULL") == 0;

  store->thread = g_thread_try_new ("trs-store", worker_main, store, error);
  if (store->thread == NULL)
    {
      connection_free (store->writer);
      store_free (store);
      return NULL;
    }
  if (trs_store_run_sync (store, TRS_JOB_READ, open_job, NULL, error) == NULL)
    {
      trs_store_close (store);
      return NULL;
    }
  return store;
}

void
trs_store_close (TrsStore *store)
{
  if (store == NULL)
    return;
  g_return_if_fail (!trs_store_in_job (store));

  g_mutex_lock (&store->mutex);
  store->stopping = TRUE;
  g_cond_signal (&store->cond);
  g_mutex_unlock (&store->mutex);

  /* The worker runs what is queued, then closes the database. */
  g_thread_join (store->thread);

  if (store->idle_readers->len != store->n_readers)
    g_critical ("The database was closed during %u reads", store->n_readers - store->idle_readers->len);
  g_ptr_array_foreach (store->idle_readers, (GFunc) (void (*) (void)) connection_free, NULL);
  store_free (store);
}

/* Checking values */

static char *
clean_name (const char  *what,
            const char  *name,
            GError     **error)
{
  g_autofree char *clean = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID, "the %s must be UTF-8 text", what);
      return NULL;
    }
  clean = g_strstrip (g_strdup (name));
  if (*clean == '\0')
    {
      g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID, "the %s must not be empty", what);
      return NULL;
    }
  if (g_utf8_strlen (clean, -1) > NAME_MAX_CHARS)
    {
      g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID,
                   "the %s must be at most %d characters", what, NAME_MAX_CHARS);
      return NULL;
    }
  for (const char *p = clean; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID,
                     "the %s must not contain control characters", what);
        return NULL;
      }
  return g_steal_pointer (&clean);
}

static char *
clean_email (const char  *email,
             GError     **error)
{
  g_autofree char *clean = NULL;
  const char *at;

  if (email == NULL || !g_utf8_validate (email, -1, NULL))
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID,
                           "the e-mail address must be UTF-8 text");
      return NULL;
    }
  clean = g_strstrip (g_strdup (email));
  at = strrchr (clean, '@');
  if (*clean == '\0' || strlen (clean) > EMAIL_MAX_BYTES || at == NULL || at == clean ||
      at[1] == '\0')
    goto invalid;
  for (const char *p = clean; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        goto invalid;
    }
  return g_steal_pointer (&clean);

invalid:
  g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID,
                       "the e-mail address is not valid");
  return NULL;
}

static gboolean
check_role (const char  *role,
            GError     **error)
{
  if (g_strcmp0 (role, "learner") == 0 || g_strcmp0 (role, "trainer") == 0 ||
      g_strcmp0 (role, "admin") == 0)
    return TRUE;
  g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID,
                       "the role must be learner, trainer or admin");
  return FALSE;
}

static gboolean
check_institute (TrsStore  *store,
                 gint64     institute_id,
                 GError   **error)
{
  g_autoptr(TrsStmt) stmt = trs_store_statement (store, "SELECT 1 FROM institutes WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, institute_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    return trs_store_set_sqlite_error (store, error);
  g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND,
               "no institute with id %" G_GINT64_FORMAT, institute_id);
  return FALSE;
}

/* A cohort must belong to the institute it is used with. */
static gboolean
check_cohort (TrsStore  *store,
              gint64     institute_id,
              gint64     cohort_id,
              GError   **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  int rc;

  if (cohort_id == 0)
    return TRUE;
  stmt = trs_store_statement (store, "SELECT institute_id FROM cohorts WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, cohort_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND,
                   "no cohort with id %" G_GINT64_FORMAT, cohort_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return trs_store_set_sqlite_error (store, error);
  if (sqlite3_column_int64 (stmt, 0) != institute_id)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID,
                           "the cohort belongs to another institute");
      return FALSE;
    }
  return TRUE;
}

/* Institutes and cohorts */

gint64
trs_store_institute_create (TrsStore    *store,
                            const char  *name,
                            GError     **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), 0);

  if ((clean = clean_name ("institute name", name, error)) == NULL)
    return 0;
  stmt = trs_store_statement (store, "INSERT INTO institutes (name, created) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, clean, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now_ms ());
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (store_db (store)) == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_CONFLICT,
                     "an institute named \"%s\" already exists", clean);
      else
        trs_store_set_sqlite_error (store, error);
      return 0;
    }
  return sqlite3_last_insert_rowid (store_db (store));
}

static gint64
lookup_id (TrsStore      *store,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_DONE)
    trs_store_set_sqlite_error (store, error);
  return 0;
}

gint64
trs_store_institute_find (TrsStore    *store,
                          const char  *name_or_id,
                          GError     **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(GError) local_error = NULL;
  guint64 number;
  gint64 id;

  g_return_val_if_fail (trs_store_in_job (store), 0);

  if (name_or_id == NULL || !g_utf8_validate (name_or_id, -1, NULL))
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID,
                           "the institute name must be UTF-8 text");
      return 0;
    }
  clean = g_strstrip (g_strdup (name_or_id));

  {
    g_autoptr(TrsStmt) stmt = trs_store_statement (store, "SELECT id FROM institutes WHERE name = ?1",
                                               error);

    if (stmt == NULL)
      return 0;
    sqlite3_bind_text (stmt, 1, clean, -1, SQLITE_STATIC);
    id = lookup_id (store, stmt, &local_error);
  }
  if (local_error == NULL && id == 0 &&
      g_ascii_string_to_unsigned (clean, 10, 1, G_MAXINT64, &number, NULL))
    {
      g_autoptr(TrsStmt) stmt = trs_store_statement (store, "SELECT id FROM institutes WHERE id = ?1",
                                                 error);

      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, (gint64) number);
      id = lookup_id (store, stmt, &local_error);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return 0;
    }
  if (id == 0)
    g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no institute named \"%s\"", clean);
  return id;
}

gint64
trs_store_cohort_ensure (TrsStore    *store,
                         gint64       institute_id,
                         const char  *name,
                         GError     **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 id;

  g_return_val_if_fail (trs_store_in_job (store), 0);

  if ((clean = clean_name ("cohort name", name, error)) == NULL ||
      !check_institute (store, institute_id, error))
    return 0;

  {
    g_autoptr(TrsStmt) stmt = trs_store_statement (store,
                                               "INSERT INTO cohorts (institute_id, name) VALUES (?1, ?2)"
                                               " ON CONFLICT (institute_id, name) DO NOTHING",
                                               error);

    if (stmt == NULL)
      return 0;
    sqlite3_bind_int64 (stmt, 1, institute_id);
    sqlite3_bind_text (stmt, 2, clean, -1, SQLITE_STATIC);
    if (!trs_store_stmt_run (store, stmt, error))
      return 0;
  }
  {
    g_autoptr(TrsStmt) stmt = trs_store_statement (store,
                                               "SELECT id FROM cohorts WHERE institute_id = ?1 AND name = ?2",
                                               error);

    if (stmt == NULL)
      return 0;
    sqlite3_bind_int64 (stmt, 1, institute_id);
    sqlite3_bind_text (stmt, 2, clean, -1, SQLITE_STATIC);
    id = lookup_id (store, stmt, &local_error);
  }
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (id == 0)
    g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "the cohort was not stored");
  return id;
}

/* Accounts */

void
trs_account_free (TrsAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->public_id);
  g_free (account->institute_name);
  g_free (account->cohort_name);
  g_free (account->role);
  g_free (account->name);
  g_free (account->email);
  if (account->password_hash != NULL)
    {
      sodium_memzero (account->password_hash, strlen (account->password_hash));
      g_free (account->password_hash);
    }
  g_free (account);
}

static TrsAccount *
account_from_row (sqlite3_stmt *stmt)
{
  TrsAccount *account = g_new0 (TrsAccount, 1);

  account->id = sqlite3_column_int64 (stmt, 0);
  account->public_id = trs_store_column_strdup (stmt, 1);
  account->institute_id = sqlite3_column_int64 (stmt, 2);
  account->institute_name = trs_store_column_strdup (stmt, 3);
  account->cohort_id = sqlite3_column_int64 (stmt, 4);
  account->cohort_name = trs_store_column_strdup (stmt, 5);
  account->role = trs_store_column_strdup (stmt, 6);
  account->name = trs_store_column_strdup (stmt, 7);
  account->email = trs_store_column_strdup (stmt, 8);
  account->password_hash = trs_store_column_strdup (stmt, 9);
  account->created = sqlite3_column_int64 (stmt, 10);
  return account;
}

/* Steps a statement selecting ACCOUNT_COLUMNS for one account. */
static TrsAccount *
account_fetch (TrsStore      *store,
               sqlite3_stmt  *stmt,
               const char    *not_found,
               GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return account_from_row (stmt);
  if (rc != SQLITE_DONE)
    trs_store_set_sqlite_error (store, error);
  else
    g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, not_found);
  return NULL;
}

static TrsAccount *
account_by_id (TrsStore  *store,
               gint64     account_id,
               GError   **error)
{
  g_autoptr(TrsStmt) stmt = trs_store_statement (store, ACCOUNT_COLUMNS "WHERE a.id = ?1", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  return account_fetch (store, stmt, "no such account", error);
}

TrsAccount *
trs_store_account_create (TrsStore    *store,
                          gint64       institute_id,
                          gint64       cohort_id,
                          const char  *role,
                          const char  *name,
                          const char  *email,
                          const char  *password_hash,
                          GError     **error)
{
  g_autofree char *clean_name_ = NULL;
  g_autofree char *clean_email_ = NULL;
  g_autofree char *public_id = NULL;
  gint64 account_id;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  if (!check_role (role, error) ||
      (clean_name_ = clean_name ("name", name, error)) == NULL ||
      (clean_email_ = clean_email (email, error)) == NULL)
    return NULL;
  if (password_hash == NULL || *password_hash == '\0')
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID, "a password is needed");
      return NULL;
    }
  if (!check_institute (store, institute_id, error) ||
      !check_cohort (store, institute_id, cohort_id, error))
    return NULL;

  public_id = g_uuid_string_random ();
  {
    g_autoptr(TrsStmt) stmt = trs_store_statement (store,
                                               "INSERT INTO accounts (public_id, institute_id, cohort_id, role,"
                                               " name, email, password_hash, created)"
                                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                               error);

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_text (stmt, 1, public_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 2, institute_id);
    if (cohort_id != 0)
      sqlite3_bind_int64 (stmt, 3, cohort_id);
    else
      sqlite3_bind_null (stmt, 3);
    sqlite3_bind_text (stmt, 4, role, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 5, clean_name_, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 6, clean_email_, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 7, password_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 8, now_ms ());
    if (sqlite3_step (stmt) != SQLITE_DONE)
      {
        if (sqlite3_extended_errcode (store_db (store)) == SQLITE_CONSTRAINT_UNIQUE)
          g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_CONFLICT,
                               "this e-mail address already has an account");
        else
          trs_store_set_sqlite_error (store, error);
        return NULL;
      }
    account_id = sqlite3_last_insert_rowid (store_db (store));
  }
  return account_by_id (store, account_id, error);
}

TrsAccount *
trs_store_account_by_email (TrsStore    *store,
                            const char  *email,
                            GError     **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  if (email == NULL || !g_utf8_validate (email, -1, NULL))
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such account");
      return NULL;
    }
  clean = g_strstrip (g_strdup (email));
  /* The column's NOCASE collation makes the comparison ignore case. */
  stmt = trs_store_statement (store, ACCOUNT_COLUMNS "WHERE a.email = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, clean, -1, SQLITE_STATIC);
  return account_fetch (store, stmt, "no such account", error);
}

TrsAccount *
trs_store_account_by_token (TrsStore    *store,
                            const char  *token,
                            GError     **error)
{
  g_autofree char *digest = NULL;
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such token");
      return NULL;
    }
  digest = trs_token_digest (token);
  stmt = trs_store_statement (store,
                          ACCOUNT_COLUMNS "JOIN tokens AS t ON t.account_id = a.id"
                          " WHERE t.digest = ?1 AND t.revoked = 0 AND t.expires > ?2",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now_ms ());
  return account_fetch (store, stmt, "no such token, or it expired or was revoked", error);
}

/* institute_id 0: the accounts of every institute. */
GPtrArray *
trs_store_account_list (TrsStore  *store,
                        gint64     institute_id,
                        GError   **error)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) trs_account_free);
  g_autoptr(TrsStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store, ACCOUNT_COLUMNS "WHERE ?1 = 0 OR a.institute_id = ?1 ORDER BY a.id",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, institute_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (accounts, account_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&accounts);
}

/* The account's tokens and events go with it (ON DELETE CASCADE), in the
 * job's transaction. */
gboolean
trs_store_account_delete (TrsStore  *store,
                          gint64     account_id,
                          GError   **error)
{
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), FALSE);

  stmt = trs_store_statement (store, "DELETE FROM accounts WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  if (!trs_store_stmt_run (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (store_db (store)) == 0)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such account");
      return FALSE;
    }
  return TRUE;
}

static gint64
count_rows (TrsStore    *store,
            const char  *sql,
            GError     **error)
{
  g_autoptr(TrsStmt) stmt = trs_store_statement (store, sql, error);
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      trs_store_set_sqlite_error (store, error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/* -1 on error. */
gint64
trs_store_account_count (TrsStore  *store,
                         GError   **error)
{
  g_return_val_if_fail (trs_store_in_job (store), -1);

  return count_rows (store, "SELECT count(*) FROM accounts", error);
}

/* Enrolment codes */

/* The code as stored: upper case, without spaces or dashes; NULL when it
 * cannot be a code of @length characters at all. */
char *
trs_store_code_normalise (const char *code,
                          gsize       length)
{
  GString *normal;

  if (code == NULL)
    return NULL;
  normal = g_string_sized_new (length);
  for (const char *p = code; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == '-' || g_ascii_isspace (c))
        continue;
      if (strchr (TRS_CODE_ALPHABET, c) == NULL || normal->len >= length)
        {
          g_string_free (normal, TRUE);
          return NULL;
        }
      g_string_append_c (normal, c);
    }
  if (normal->len != length)
    {
      g_string_free (normal, TRUE);
      return NULL;
    }
  return g_string_free (normal, FALSE);
}

static char *
code_digest (const char *normal)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, normal, -1);
}

/* expires: ms since 1970, 0 for never; max_uses: 0 for unlimited. Returns
 * the code as it is handed out, "XXXX-XXXX"; only its digest is kept. */
char *
trs_store_code_create (TrsStore    *store,
                       gint64       institute_id,
                       gint64       cohort_id,
                       gint64       expires,
                       int          max_uses,
                       GError     **error)
{
  g_return_val_if_fail (trs_store_in_job (store), NULL);

  if (max_uses < 0 || expires < 0)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID,
                           "the expiry and the number of uses must not be negative");
      return NULL;
    }
  if (!check_institute (store, institute_id, error) ||
      !check_cohort (store, institute_id, cohort_id, error))
    return NULL;

  /* 31^8 codes: a collision is unlikely, and tried again when it happens. */
  for (int attempt = 0; attempt < 8; attempt++)
    {
      char normal[CODE_LENGTH + 1];
      g_autofree char *digest = NULL;
      g_autoptr(TrsStmt) stmt = NULL;

      for (int i = 0; i < CODE_LENGTH; i++)
        normal[i] = TRS_CODE_ALPHABET[randombytes_uniform (sizeof TRS_CODE_ALPHABET - 1)];
      normal[CODE_LENGTH] = '\0';
      digest = code_digest (normal);

      stmt = trs_store_statement (store,
                              "INSERT INTO enrolment_codes (digest, institute_id, cohort_id, expires,"
                              " max_uses, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                              error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, institute_id);
      if (cohort_id != 0)
        sqlite3_bind_int64 (stmt, 3, cohort_id);
      else
        sqlite3_bind_null (stmt, 3);
      sqlite3_bind_int64 (stmt, 4, expires);
      sqlite3_bind_int (stmt, 5, max_uses);
      sqlite3_bind_int64 (stmt, 6, now_ms ());
      if (sqlite3_step (stmt) == SQLITE_DONE)
        return g_strdup_printf ("%.4s-%.4s", normal, normal + 4);
      if (sqlite3_extended_errcode (store_db (store)) != SQLITE_CONSTRAINT_PRIMARYKEY)
        {
          trs_store_set_sqlite_error (store, error);
          return NULL;
        }
    }
  g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "could not make a new code");
  return NULL;
}

gboolean
trs_store_code_use (TrsStore    *store,
                    const char  *code,
                    gint64      *institute_id,
                    gint64      *cohort_id,
                    GError     **error)
{
  g_autofree char *normal = NULL;
  g_autofree char *digest = NULL;
  gint64 institute = 0, cohort = 0;

  g_return_val_if_fail (trs_store_in_job (store), FALSE);

  normal = trs_store_code_normalise (code, CODE_LENGTH);
  if (normal == NULL)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such enrolment code");
      return FALSE;
    }
  digest = code_digest (normal);

  {
    g_autoptr(TrsStmt) stmt = trs_store_statement (store,
                                               "SELECT institute_id, cohort_id FROM enrolment_codes"
                                               " WHERE digest = ?1",
                                               error);
    int rc;

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_STATIC);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_DONE)
      {
        g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such enrolment code");
        return FALSE;
      }
    if (rc != SQLITE_ROW)
      return trs_store_set_sqlite_error (store, error);
    institute = sqlite3_column_int64 (stmt, 0);
    cohort = sqlite3_column_int64 (stmt, 1);
  }

  {
    /* The check and the count in one statement: a use is taken only while
     * the code is still valid. */
    g_autoptr(TrsStmt) stmt = trs_store_statement (store,
                                               "UPDATE enrolment_codes SET uses = uses + 1"
                                               " WHERE digest = ?1 AND (expires = 0 OR expires > ?2)"
                                               " AND (max_uses = 0 OR uses < max_uses)",
                                               error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 2, now_ms ());
    if (!trs_store_stmt_run (store, stmt, error))
      return FALSE;
    if (sqlite3_changes (store_db (store)) == 0)
      {
        g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_EXPIRED,
                             "the enrolment code expired or was used up");
        return FALSE;
      }
  }

  if (institute_id != NULL)
    *institute_id = institute;
  if (cohort_id != NULL)
    *cohort_id = cohort;
  return TRUE;
}

/* Tokens */

char *
trs_store_token_issue (TrsStore    *store,
                       gint64       account_id,
                       gint64       lifetime_ms,
                       gint64      *expires,
                       GError     **error)
{
  g_autofree char *token = NULL;
  g_autofree char *digest = NULL;
  gint64 now = now_ms ();
  gint64 until;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  if (lifetime_ms <= 0)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID,
                           "a token's lifetime must be positive");
      return NULL;
    }
  until = lifetime_ms > G_MAXINT64 - now ? G_MAXINT64 : now + lifetime_ms;

  {
    /* Tokens that no longer work are kept no longer than needed. */
    g_autoptr(TrsStmt) stmt = trs_store_statement (store,
                                               "DELETE FROM tokens WHERE account_id = ?1"
                                               " AND (revoked != 0 OR expires <= ?2)",
                                               error);

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 1, account_id);
    sqlite3_bind_int64 (stmt, 2, now);
    if (!trs_store_stmt_run (store, stmt, error))
      return NULL;
  }

  token = trs_token_generate ();
  digest = trs_token_digest (token);
  {
    g_autoptr(TrsStmt) stmt = trs_store_statement (store,
                                               "INSERT INTO tokens (digest, account_id, created, expires)"
                                               " VALUES (?1, ?2, ?3, ?4)",
                                               error);

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 2, account_id);
    sqlite3_bind_int64 (stmt, 3, now);
    sqlite3_bind_int64 (stmt, 4, until);
    if (sqlite3_step (stmt) != SQLITE_DONE)
      {
        if (sqlite3_extended_errcode (store_db (store)) == SQLITE_CONSTRAINT_FOREIGNKEY)
          g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such account");
        else
          trs_store_set_sqlite_error (store, error);
        return NULL;
      }
  }
  if (expires != NULL)
    *expires = until;
  return g_steal_pointer (&token);
}

gboolean
trs_store_token_revoke (TrsStore    *store,
                        const char  *token,
                        GError     **error)
{
  g_autofree char *digest = NULL;
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), FALSE);

  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such token");
      return FALSE;
    }
  digest = trs_token_digest (token);
  stmt = trs_store_statement (store, "UPDATE tokens SET revoked = 1 WHERE digest = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_STATIC);
  if (!trs_store_stmt_run (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (store_db (store)) == 0)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such token");
      return FALSE;
    }
  return TRUE;
}

/* Every token the account holds, as TrsTokenInfo (g_free), oldest first. */
GPtrArray *
trs_store_token_list (TrsStore  *store,
                      gint64     account_id,
                      GError   **error)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TrsStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store,
                          "SELECT created, expires FROM tokens WHERE account_id = ?1"
                          " ORDER BY created, rowid",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TrsTokenInfo *info = g_new0 (TrsTokenInfo, 1);

      info->created = sqlite3_column_int64 (stmt, 0);
      info->expires = sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (tokens, info);
    }
  if (rc != SQLITE_DONE)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&tokens);
}

/* Events */

static gboolean
max_seq (TrsStore  *store,
         gint64     account_id,
         gint64    *seq,
         GError   **error)
{
  g_autoptr(TrsStmt) stmt = trs_store_statement (store,
                                             "SELECT coalesce(max(seq), 0) FROM events WHERE account_id = ?1",
                                             error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return trs_store_set_sqlite_error (store, error);
  *seq = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
milestone_add (TrsStore       *store,
               gint64          account_id,
               const TrEvent  *event,
               GError        **error)
{
  g_autoptr(TrsStmt) stmt = trs_store_statement (store,
    "INSERT INTO milestones (account_id, course_id, verb, object, first_at, best_score)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    " ON CONFLICT DO UPDATE SET first_at = min(first_at, excluded.first_at),"
    "  best_score = CASE WHEN best_score IS NULL OR excluded.best_score > best_score"
    "                    THEN coalesce(excluded.best_score, best_score) ELSE best_score END",
    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, event->course_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, tr_verb_to_string (event->verb), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, event->object, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, event->timestamp);
  if (g_str_equal (event->object, "quiz") && event->result != NULL &&
      json_object_has_member (event->result, "score"))
    sqlite3_bind_int64 (stmt, 6, tr_event_result_int (event, "score", 0));
  else
    sqlite3_bind_null (stmt, 6);
  return trs_store_stmt_run (store, stmt, error);
}

gboolean
trs_store_events_insert (TrsStore          *store,
                         const TrsAccount  *account,
                         GPtrArray         *events,
                         guint             *n_new,
                         guint             *n_duplicate,
                         gint64            *cursor,
                         GError           **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  guint added = 0, duplicates = 0;
  gint64 received = now_ms ();
  gint64 last = 0;

  g_return_val_if_fail (trs_store_in_job (store), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);
  g_return_val_if_fail (events != NULL, FALSE);

  for (guint i = 0; i < events->len; i++)
    {
      const TrEvent *event = g_ptr_array_index (events, i);

      if (event == NULL || event->id == NULL || event->course_id == NULL ||
          event->course_version == NULL || event->object == NULL || event->verb >= TR_N_VERBS)
        {
          g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID, "event %u is incomplete", i);
          return FALSE;
        }
    }

  /* Only a known id is ignored: anything else that is wrong is an error. */
  stmt = trs_store_statement (store,
                          "INSERT INTO events (id, account_id, verb, course_id, course_version, object,"
                          " result, timestamp, received) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                          " ON CONFLICT (id) DO NOTHING",
                          error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < events->len; i++)
    {
      const TrEvent *event = g_ptr_array_index (events, i);
      g_autofree char *result = NULL;

      if (event->result != NULL)
        {
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), event->result);

          result = json_to_string (node, FALSE);
        }
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, event->id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, account->id);
      sqlite3_bind_text (stmt, 3, tr_verb_to_string (event->verb), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, event->course_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, event->course_version, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, event->object, -1, SQLITE_STATIC);
      if (result != NULL)
        sqlite3_bind_text (stmt, 7, result, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, 7);
      sqlite3_bind_int64 (stmt, 8, event->timestamp);
      sqlite3_bind_int64 (stmt, 9, received);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          if (sqlite3_extended_errcode (store_db (store)) == SQLITE_CONSTRAINT_FOREIGNKEY)
            g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such account");
          else
            trs_store_set_sqlite_error (store, error);
          return FALSE;
        }
      if (sqlite3_changes (store_db (store)) == 0)
        {
          duplicates++;
          continue;
        }
      added++;
      if (tr_progress_event_counts (event) && !milestone_add (store, account->id, event, error))
        return FALSE;
    }
  trs_stmt_release (g_steal_pointer (&stmt));

  if (!max_seq (store, account->id, &last, error))
    return FALSE;
  if (n_new != NULL)
    *n_new = added;
  if (n_duplicate != NULL)
    *n_duplicate = duplicates;
  if (cursor != NULL)
    *cursor = last;
  return TRUE;
}

static char *
account_public_id (TrsStore  *store,
                   gint64     account_id,
                   GError   **error)
{
  g_autoptr(TrsStmt) stmt = trs_store_statement (store, "SELECT public_id FROM accounts WHERE id = ?1",
                                             error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return trs_store_column_strdup (stmt, 0);
  if (rc != SQLITE_DONE)
    trs_store_set_sqlite_error (store, error);
  else
    g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such account");
  return NULL;
}

/* Columns: seq, id, verb, course_id, course_version, object, result, timestamp. */
static TrEvent *
event_from_row (sqlite3_stmt *stmt)
{
  g_autoptr(TrEvent) event = g_new0 (TrEvent, 1);
  const char *result = (const char *) sqlite3_column_text (stmt, 6);

  if (!tr_verb_from_string ((const char *) sqlite3_column_text (stmt, 2), &event->verb))
    {
      g_warning ("Stored event %" G_GINT64_FORMAT " has an unknown verb; skipped",
                 (gint64) sqlite3_column_int64 (stmt, 0));
      return NULL;
    }
  event->id = trs_store_column_strdup (stmt, 1);
  event->course_id = trs_store_column_strdup (stmt, 3);
  event->course_version = trs_store_column_strdup (stmt, 4);
  event->object = trs_store_column_strdup (stmt, 5);
  event->timestamp = sqlite3_column_int64 (stmt, 7);
  if (result != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (result, NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        event->result = json_object_ref (json_node_get_object (node));
    }
  return g_steal_pointer (&event);
}

/* Reads up to limit events (limit 0: all) after the sequence number after;
 * seqs, when given, gets the sequence number of each event returned. */
static GPtrArray *
events_query (TrsStore  *store,
              gint64     account_id,
              gint64     after,
              gint64     limit,
              GArray    *seqs,
              GError   **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  g_autofree char *actor = NULL;
  g_autoptr(TrsStmt) stmt = NULL;
  int rc;

  actor = account_public_id (store, account_id, error);
  if (actor == NULL)
    return NULL;
  stmt = trs_store_statement (store,
                          "SELECT seq, id, verb, course_id, course_version, object, result, timestamp"
                          " FROM events WHERE account_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_int64 (stmt, 2, after);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TrEvent *event = event_from_row (stmt);

      if (event == NULL)
        continue;
      event->actor = g_strdup (actor);
      g_ptr_array_add (events, event);
      if (seqs != NULL)
        {
          gint64 seq = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (seqs, seq);
        }
    }
  if (rc != SQLITE_DONE)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&events);
}

/* At most limit events of the account after the cursor after, oldest first;
 * cursor: the sequence number of the last returned (after, when none). */
GPtrArray *
trs_store_events_after (TrsStore  *store,
                        gint64     account_id,
                        gint64     after,
                        guint      limit,
                        gint64    *cursor,
                        gboolean  *more,
                        GError   **error)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 last = after;
  gboolean has_more = FALSE;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  if (limit == 0 || after < 0)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID,
                           "the limit must be positive and the cursor not negative");
      return NULL;
    }
  /* One more than asked for tells whether there are more. */
  events = events_query (store, account_id, after, (gint64) limit + 1, seqs, error);
  if (events == NULL)
    return NULL;
  if (events->len > limit)
    {
      has_more = TRUE;
      g_ptr_array_set_size (events, limit);
    }
  if (events->len > 0)
    last = g_array_index (seqs, gint64, events->len - 1);
  if (cursor != NULL)
    *cursor = last;
  if (more != NULL)
    *more = has_more;
  return g_steal_pointer (&events);
}

GPtrArray *
trs_store_events_all (TrsStore  *store,
                      gint64     account_id,
                      GError   **error)
{
  g_return_val_if_fail (trs_store_in_job (store), NULL);

  return events_query (store, account_id, 0, 0, NULL, error);
}

/* -1 on error. */
gint64
trs_store_events_count (TrsStore  *store,
                        GError   **error)
{
  g_return_val_if_fail (trs_store_in_job (store), -1);

  return count_rows (store, "SELECT count(*) FROM events", error);
}

/* Signing keys */

gboolean
trs_store_key_add (TrsStore      *store,
                   const char    *kid,
                   const guint8  *public_key,
                   gsize          length,
                   GError       **error)
{
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), FALSE);
  g_return_val_if_fail (kid != NULL, FALSE);
  g_return_val_if_fail (public_key != NULL && length > 0 && length <= G_MAXINT, FALSE);

  stmt = trs_store_statement (store,
                          "INSERT INTO signing_keys (kid, public_key, created) VALUES (?1, ?2, ?3)",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, kid, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, public_key, (int) length, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now_ms ());
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (store_db (store)) == SQLITE_CONSTRAINT_PRIMARYKEY)
        g_set_error (error, TRS_STORE_ERROR, TRS_STORE_ERROR_CONFLICT, "a key %s already exists", kid);
      else
        trs_store_set_sqlite_error (store, error);
      return FALSE;
    }
  trs_stmt_release (g_steal_pointer (&stmt));

  /* The new key signs from now on; the old ones only verify. */
  stmt = trs_store_statement (store, "UPDATE signing_keys SET active = (kid = ?1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, kid, -1, SQLITE_STATIC);
  return trs_store_stmt_run (store, stmt, error);
}

void
trs_signing_key_free (TrsSigningKey *key)
{
  if (key == NULL)
    return;
  g_free (key->kid);
  g_clear_pointer (&key->public_key, g_bytes_unref);
  g_free (key);
}

/* Every key, published or signing, as TrsSigningKey, oldest first. */
GPtrArray *
trs_store_key_list (TrsStore  *store,
                    GError   **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) trs_signing_key_free);
  g_autoptr(TrsStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store,
                          "SELECT kid, public_key, created, active FROM signing_keys ORDER BY created, rowid",
                          error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TrsSigningKey *key = g_new0 (TrsSigningKey, 1);

      key->kid = trs_store_column_strdup (stmt, 0);
      key->public_key = g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
      key->created = sqlite3_column_int64 (stmt, 2);
      key->active = sqlite3_column_int (stmt, 3) != 0;
      g_ptr_array_add (keys, key);
    }
  if (rc != SQLITE_DONE)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&keys);
}

/* The kid of the key that signs; NOT_FOUND when there is none. */
char *
trs_store_key_active (TrsStore  *store,
                      GError   **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store,
                          "SELECT kid FROM signing_keys WHERE active != 0"
                          " ORDER BY created DESC, rowid DESC LIMIT 1",
                          error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return trs_store_column_strdup (stmt, 0);
  if (rc != SQLITE_DONE)
    trs_store_set_sqlite_error (store, error);
  else
    g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND,
                         "there is no signing key (run \"trellis-server keys rotate\")");
  return NULL;
}

/* Certificates */

#define CERTIFICATE_COLUMNS \
  "SELECT id, account_id, institute_id, institute_name, holder_id, holder_name, achievement_kind," \
  " achievement_id, content_version, jws, issued, valid_until, status_index, revoked, revoked_at," \
  " revoked_reason FROM certificates "

void
trs_certificate_free (TrsCertificate *certificate)
{
  if (certificate == NULL)
    return;
  g_free (certificate->id);
  g_free (certificate->institute_name);
  g_free (certificate->holder_id);
  g_free (certificate->holder_name);
  g_free (certificate->achievement_kind);
  g_free (certificate->achievement_id);
  g_free (certificate->content_version);
  g_free (certificate->jws);
  g_free (certificate->revoked_reason);
  g_free (certificate);
}

static TrsCertificate *
certificate_from_row (sqlite3_stmt *stmt)
{
  TrsCertificate *certificate = g_new0 (TrsCertificate, 1);

  certificate->id = trs_store_column_strdup (stmt, 0);
  certificate->account_id = sqlite3_column_int64 (stmt, 1);
  certificate->institute_id = sqlite3_column_int64 (stmt, 2);
  certificate->institute_name = trs_store_column_strdup (stmt, 3);
  certificate->holder_id = trs_store_column_strdup (stmt, 4);
  certificate->holder_name = trs_store_column_strdup (stmt, 5);
  certificate->achievement_kind = trs_store_column_strdup (stmt, 6);
  certificate->achievement_id = trs_store_column_strdup (stmt, 7);
  certificate->content_version = trs_store_column_strdup (stmt, 8);
  certificate->jws = trs_store_column_strdup (stmt, 9);
  certificate->issued = sqlite3_column_int64 (stmt, 10);
  certificate->valid_until = sqlite3_column_int64 (stmt, 11);
  certificate->status_index = (guint) sqlite3_column_int64 (stmt, 12);
  certificate->revoked = sqlite3_column_int (stmt, 13) != 0;
  certificate->revoked_at = sqlite3_column_int64 (stmt, 14);
  certificate->revoked_reason = trs_store_column_strdup (stmt, 15);
  return certificate;
}

static TrsCertificate *
certificate_fetch (TrsStore      *store,
                   sqlite3_stmt  *stmt,
                   GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return certificate_from_row (stmt);
  if (rc != SQLITE_DONE)
    trs_store_set_sqlite_error (store, error);
  else
    g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such certificate");
  return NULL;
}

/* CONFLICT when the account already holds a certificate for this
 * achievement and version, or the status index is taken. */
gboolean
trs_store_certificate_insert (TrsStore              *store,
                              const TrsCertificate  *certificate,
                              GError               **error)
{
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), FALSE);
  g_return_val_if_fail (certificate != NULL, FALSE);

  if (certificate->id == NULL || !g_uuid_string_is_valid (certificate->id) ||
      certificate->holder_id == NULL || certificate->holder_name == NULL ||
      certificate->institute_name == NULL || certificate->achievement_kind == NULL ||
      certificate->achievement_id == NULL || certificate->content_version == NULL ||
      certificate->jws == NULL || certificate->status_index >= TRS_STATUS_LIST_SIZE)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_INVALID, "the certificate is incomplete");
      return FALSE;
    }
  stmt = trs_store_statement (store,
                          "INSERT INTO certificates (id, account_id, institute_id, institute_name, holder_id,"
                          " holder_name, achievement_kind, achievement_id, content_version, jws, issued,"
                          " valid_until, status_index)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, certificate->id, -1, SQLITE_STATIC);
  if (certificate->account_id != 0)
    sqlite3_bind_int64 (stmt, 2, certificate->account_id);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int64 (stmt, 3, certificate->institute_id);
  sqlite3_bind_text (stmt, 4, certificate->institute_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, certificate->holder_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, certificate->holder_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, certificate->achievement_kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, certificate->achievement_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, certificate->content_version, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, certificate->jws, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 11, certificate->issued);
  sqlite3_bind_int64 (stmt, 12, certificate->valid_until);
  sqlite3_bind_int64 (stmt, 13, certificate->status_index);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return trs_store_set_sqlite_error (store, error);
  return TRUE;
}

TrsCertificate *
trs_store_certificate_find (TrsStore    *store,
                            const char  *id,
                            GError     **error)
{
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  if (id == NULL || !g_uuid_string_is_valid (id))
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such certificate");
      return NULL;
    }
  stmt = trs_store_statement (store, CERTIFICATE_COLUMNS "WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  return certificate_fetch (store, stmt, error);
}

/* The certificate the account already holds for this achievement and
 * version; NOT_FOUND when it holds none. */
TrsCertificate *
trs_store_certificate_find_existing (TrsStore    *store,
                                     gint64       account_id,
                                     const char  *kind,
                                     const char  *achievement_id,
                                     const char  *version,
                                     GError     **error)
{
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), NULL);
  g_return_val_if_fail (kind != NULL && achievement_id != NULL && version != NULL, NULL);

  stmt = trs_store_statement (store,
                          CERTIFICATE_COLUMNS "WHERE account_id = ?1 AND achievement_kind = ?2"
                          " AND achievement_id = ?3 AND content_version = ?4",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, achievement_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, version, -1, SQLITE_STATIC);
  return certificate_fetch (store, stmt, error);
}

/* The account's certificates as TrsCertificate, oldest first. */
GPtrArray *
trs_store_certificate_list (TrsStore  *store,
                            gint64     account_id,
                            GError   **error)
{
  g_autoptr(GPtrArray) certificates = g_ptr_array_new_with_free_func ((GDestroyNotify) trs_certificate_free);
  g_autoptr(TrsStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store, CERTIFICATE_COLUMNS "WHERE account_id = ?1 ORDER BY issued, rowid", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (certificates, certificate_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&certificates);
}

/* Marks the certificate revoked and returns it. Revoking it again changes
 * nothing: the first date and reason stay. */
/* The certificates @institute_id issued since @since (ms; 0: all), of the
 * learners of @cohort_id (0: all), newest first, at most @limit. */
GPtrArray *
trs_store_certificate_list_institute (TrsStore  *store,
                                      gint64     institute_id,
                                      gint64     cohort_id,
                                      gint64     since,
                                      guint      limit,
                                      GError   **error)
{
  g_autoptr(TrsStmt) stmt = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) trs_certificate_free);
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store,
                              CERTIFICATE_COLUMNS "WHERE institute_id = ?1 AND issued >= ?2"
                              " AND (?3 = 0 OR account_id IN (SELECT id FROM accounts WHERE cohort_id = ?3))"
                              " ORDER BY issued DESC, rowid DESC LIMIT ?4",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, institute_id);
  sqlite3_bind_int64 (stmt, 2, since);
  sqlite3_bind_int64 (stmt, 3, cohort_id);
  sqlite3_bind_int64 (stmt, 4, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, certificate_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

TrsCertificate *
trs_store_certificate_revoke (TrsStore    *store,
                              const char  *id,
                              const char  *reason,
                              GError     **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(TrsStmt) stmt = NULL;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  if ((clean = clean_name ("reason", reason, error)) == NULL)
    return NULL;
  if (id == NULL || !g_uuid_string_is_valid (id))
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_NOT_FOUND, "no such certificate");
      return NULL;
    }
  stmt = trs_store_statement (store,
                          "UPDATE certificates SET revoked = 1, revoked_at = ?2, revoked_reason = ?3"
                          " WHERE id = ?1 AND revoked = 0",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now_ms ());
  sqlite3_bind_text (stmt, 3, clean, -1, SQLITE_STATIC);
  if (!trs_store_stmt_run (store, stmt, error))
    return NULL;
  trs_stmt_release (g_steal_pointer (&stmt));
  return trs_store_certificate_find (store, id, error);
}

/* The status indexes of every revoked certificate (guint), in order. */
GArray *
trs_store_certificate_revoked_indexes (TrsStore  *store,
                                       GError   **error)
{
  g_autoptr(GArray) indexes = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(TrsStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (trs_store_in_job (store), NULL);

  stmt = trs_store_statement (store,
                          "SELECT status_index FROM certificates WHERE revoked != 0 ORDER BY status_index",
                          error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint index = (guint) sqlite3_column_int64 (stmt, 0);

      g_array_append_val (indexes, index);
    }
  if (rc != SQLITE_DONE)
    {
      trs_store_set_sqlite_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&indexes);
}

static gboolean
status_index_used (TrsStore  *store,
                   guint      index,
                   gboolean  *used,
                   GError   **error)
{
  g_autoptr(TrsStmt) stmt = trs_store_statement (store, "SELECT 1 FROM certificates WHERE status_index = ?1",
                                             error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, index);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return trs_store_set_sqlite_error (store, error);
  *used = rc == SQLITE_ROW;
  return TRUE;
}

/* A free index of the status list, drawn at random: sequential indexes
 * would tell anyone who sees two certificates which came first, and how
 * many were issued between them. Call it in the job that inserts. */
gboolean
trs_store_certificate_next_index (TrsStore  *store,
                                  guint     *index,
                                  GError   **error)
{
  guint start;
  gint64 count;

  g_return_val_if_fail (trs_store_in_job (store), FALSE);
  g_return_val_if_fail (index != NULL, FALSE);

  for (int attempt = 0; attempt < 32; attempt++)
    {
      guint candidate = randombytes_uniform (TRS_STATUS_LIST_SIZE);
      gboolean used;

      if (!status_index_used (store, candidate, &used, error))
        return FALSE;
      if (!used)
        {
          *index = candidate;
          return TRUE;
        }
    }

  /* Nearly full: walk from a random place to the next free index. */
  count = count_rows (store, "SELECT count(*) FROM certificates", error);
  if (count < 0)
    return FALSE;
  if (count >= TRS_STATUS_LIST_SIZE)
    {
      g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED,
                           "the status list is full: no index is left for a new certificate");
      return FALSE;
    }
  start = randombytes_uniform (TRS_STATUS_LIST_SIZE);
  for (guint i = 0; i < TRS_STATUS_LIST_SIZE; i++)
    {
      guint candidate = (start + i) % TRS_STATUS_LIST_SIZE;
      gboolean used;

      if (!status_index_used (store, candidate, &used, error))
        return FALSE;
      if (!used)
        {
          *index = candidate;
          return TRUE;
        }
    }
  g_set_error_literal (error, TRS_STORE_ERROR, TRS_STORE_ERROR_FAILED, "the status list is full");
  return FALSE;
}
