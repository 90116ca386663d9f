/* trellis-progress-store.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-store"

#include <errno.h>
#include <sqlite3.h>

#include "trellis-progress-store.h"

/* How the store works: the UI thread keeps the whole log, the notes and the
 * places in memory and answers every read from there. Every change is put
 * on a queue, shared under `lock`, that one worker thread drains: the worker
 * owns the sqlite connection once the store is open and writes whatever has
 * gathered in one transaction, so a burst of events costs one commit. A
 * write that fails stays queued and is tried again later, so nothing the
 * store has accepted is dropped while the process lives. */

#define BUSY_TIMEOUT_MS 2000
#define RETRY_MIN_USEC  (1 * G_USEC_PER_SEC)
#define RETRY_MAX_USEC  (60 * G_USEC_PER_SEC)

/* Migrations, from user_version N to N + 1. Append, never edit. */
static const char * const migrations[] = {
  "CREATE TABLE events (id TEXT PRIMARY KEY, actor TEXT NOT NULL, verb TEXT NOT NULL,"
  "                     course_id TEXT NOT NULL, course_version TEXT NOT NULL,"
  "                     object TEXT NOT NULL, result TEXT, timestamp INTEGER NOT NULL,"
  "                     synced INTEGER NOT NULL DEFAULT 0);"
  /* Notes never leave the device: the sync engine must not read this table.
   * NOT NULL because sqlite allows NULL in a non-integer primary key. */
  "CREATE TABLE notes (course_id TEXT NOT NULL, object TEXT NOT NULL, text TEXT NOT NULL,"
  "                    updated INTEGER NOT NULL, PRIMARY KEY (course_id, object));"
  "CREATE TABLE positions (course_id TEXT PRIMARY KEY, place TEXT NOT NULL,"
  "                        updated INTEGER NOT NULL);"
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
};

typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_INSERT_EVENT,
  STMT_UPSERT_NOTE,
  STMT_DELETE_NOTE,
  STMT_UPSERT_POSITION,
  STMT_INSERT_SYNCED_EVENT,
  STMT_MARK_SYNCED,
  STMT_UPSERT_META,
  STMT_DELETE_META,
  N_STMTS
} Stmt;

static const char * const stmt_sql[N_STMTS] = {
  "BEGIN IMMEDIATE",
  "COMMIT",
  "ROLLBACK",
  /* An event whose id is already stored is the same event: a retry after an
   * uncertain failure must not turn into a poison item blocking the queue. */
  "INSERT INTO events (id, actor, verb, course_id, course_version, object, result, timestamp)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING",
  "INSERT INTO notes (course_id, object, text, updated) VALUES (?1, ?2, ?3, ?4)"
  " ON CONFLICT (course_id, object) DO UPDATE SET text = excluded.text, updated = excluded.updated",
  "DELETE FROM notes WHERE course_id = ?1 AND object = ?2",
  "INSERT INTO positions (course_id, place, updated) VALUES (?1, ?2, ?3)"
  " ON CONFLICT (course_id) DO UPDATE SET place = excluded.place, updated = excluded.updated",
  "INSERT INTO events (id, actor, verb, course_id, course_version, object, result, timestamp, synced)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1) ON CONFLICT (id) DO UPDATE SET synced = 1",
  "UPDATE events SET synced = 1 WHERE id = ?1",
  "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  "DELETE FROM meta WHERE key = ?1",
};

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];
} Connection;

typedef enum
{
  ITEM_EVENT,
  ITEM_NOTE,
  ITEM_POSITION,
  ITEM_SYNCED_EVENT,
  ITEM_MARK_SYNCED,
  ITEM_META,
  ITEM_STOP,
} ItemKind;

/* One queued write. It owns copies of everything it writes, so the worker
 * shares no data with the UI thread. */
typedef struct
{
  ItemKind  kind;
  guint64   seq;
  TrEvent  *event;      /* ITEM_EVENT, ITEM_SYNCED_EVENT, without its result */
  char     *course_id;  /* ITEM_NOTE, ITEM_POSITION */
  char     *object;     /* ITEM_NOTE; the event id (ITEM_MARK_SYNCED) or key (ITEM_META) */
  char     *text;       /* the result as JSON, the note (NULL deletes it), the place or
                         * the meta value (NULL deletes it) */
  gint64    updated;
} Item;

typedef struct
{
  Connection *conn;
  char       *actor;
  GPtrArray  *events;
  GHashTable *notes;
  GHashTable *positions;
  GHashTable *unsynced;
  GHashTable *meta;
} OpenData;

struct _TrellisProgressStore
{
  GObject     parent_instance;

  /* UI thread only. */
  char       *path;
  char       *actor;
  GPtrArray  *events;         /* TrEvent*, oldest first */
  GHashTable *notes;          /* course id → (object → text) */
  GHashTable *positions;      /* course id → place */
  GHashTable *unsynced;       /* ids of the events the server does not have yet */
  GHashTable *meta;           /* key → value */
  guint       opening : 1;
  guint       open : 1;

  /* Shared with the worker, under lock; cond wakes both sides. */
  GMutex      lock;
  GCond       cond;
  GQueue      queue;          /* Item*, oldest first */
  guint64     last_seq;       /* of the newest item queued */
  guint64     committed_seq;  /* every item up to it is on disk */
  guint       n_failures;
  gint64      retry_at;       /* monotonic time before which the worker waits after a failure */
  gboolean    kick;           /* retry now, someone is waiting */

  GThread    *worker;
  Connection *conn;           /* the worker's alone once it runs */
};

G_DEFINE_FINAL_TYPE (TrellisProgressStore, trellis_progress_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static Item *
item_new (ItemKind kind)
{
  Item *item = g_new0 (Item, 1);

  item->kind = kind;
  item->updated = g_get_real_time () / 1000;
  return item;
}

static void
item_free (gpointer data)
{
  Item *item = data;

  g_clear_pointer (&item->event, tr_event_free);
  g_free (item->course_id);
  g_free (item->object);
  g_free (item->text);
  g_free (item);
}

static void
connection_free (Connection *conn)
{
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (conn->stmts[i]);
  sqlite3_close (conn->db);
  g_free (conn);
}

static void
open_data_free (gpointer data)
{
  OpenData *open_data = data;

  g_clear_pointer (&open_data->conn, connection_free);
  g_free (open_data->actor);
  g_clear_pointer (&open_data->events, g_ptr_array_unref);
  g_clear_pointer (&open_data->notes, g_hash_table_unref);
  g_clear_pointer (&open_data->positions, g_hash_table_unref);
  g_clear_pointer (&open_data->unsynced, g_hash_table_unref);
  g_clear_pointer (&open_data->meta, g_hash_table_unref);
  g_free (open_data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenData, open_data_free)

static GHashTable *
notes_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
}

static void
notes_table_set (GHashTable *notes,
                 const char *course_id,
                 const char *object,
                 const char *text)
{
  GHashTable *objects = g_hash_table_lookup (notes, course_id);

  if (text == NULL || *text == '\0')
    {
      if (objects != NULL)
        g_hash_table_remove (objects, object);
      return;
    }
  if (objects == NULL)
    {
      objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (notes, g_strdup (course_id), objects);
    }
  g_hash_table_insert (objects, g_strdup (object), g_strdup (text));
}

static void
apply_item (TrellisProgressStore *self,
            Item                 *item)
{
  if (item->kind == ITEM_NOTE)
    notes_table_set (self->notes, item->course_id, item->object, item->text);
  else if (item->kind == ITEM_POSITION)
    g_hash_table_insert (self->positions, g_strdup (item->course_id), g_strdup (item->text));
  else if (item->kind == ITEM_META && item->text != NULL)
    g_hash_table_insert (self->meta, g_strdup (item->object), g_strdup (item->text));
  else if (item->kind == ITEM_META)
    g_hash_table_remove (self->meta, item->object);
}

static void
enqueue_locked (TrellisProgressStore *self,
                Item                 *item)
{
  item->seq = ++self->last_seq;
  g_queue_push_tail (&self->queue, item);
  g_cond_broadcast (&self->cond);
}

/* Before the store is open there is no worker yet: the item simply waits
 * on the queue and is written as soon as open_finish starts the worker. */
static void
enqueue (TrellisProgressStore *self,
         Item                 *item)
{
  g_mutex_lock (&self->lock);
  enqueue_locked (self, item);
  g_mutex_unlock (&self->lock);
}

/* The worker side. */

static gboolean
run_stmt (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_DONE;
}

static gboolean
write_item (Connection *conn,
            Item       *item)
{
  sqlite3_stmt *stmt;

  switch (item->kind)
    {
    case ITEM_EVENT:
    case ITEM_SYNCED_EVENT:
      stmt = conn->stmts[item->kind == ITEM_EVENT ? STMT_INSERT_EVENT : STMT_INSERT_SYNCED_EVENT];
      sqlite3_bind_text (stmt, 1, item->event->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, item->event->actor, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, tr_verb_to_string (item->event->verb), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, item->event->course_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, item->event->course_version, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, item->event->object, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, item->text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 8, item->event->timestamp);
      return run_stmt (stmt);

    case ITEM_NOTE:
      stmt = conn->stmts[item->text != NULL ? STMT_UPSERT_NOTE : STMT_DELETE_NOTE];
      sqlite3_bind_text (stmt, 1, item->course_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, item->object, -1, SQLITE_STATIC);
      if (item->text != NULL)
        {
          sqlite3_bind_text (stmt, 3, item->text, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 4, item->updated);
        }
      return run_stmt (stmt);

    case ITEM_POSITION:
      stmt = conn->stmts[STMT_UPSERT_POSITION];
      sqlite3_bind_text (stmt, 1, item->course_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, item->text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, item->updated);
      return run_stmt (stmt);

    case ITEM_MARK_SYNCED:
      stmt = conn->stmts[STMT_MARK_SYNCED];
      sqlite3_bind_text (stmt, 1, item->object, -1, SQLITE_STATIC);
      return run_stmt (stmt);

    case ITEM_META:
      stmt = conn->stmts[item->text != NULL ? STMT_UPSERT_META : STMT_DELETE_META];
      sqlite3_bind_text (stmt, 1, item->object, -1, SQLITE_STATIC);
      if (item->text != NULL)
        sqlite3_bind_text (stmt, 2, item->text, -1, SQLITE_STATIC);
      return run_stmt (stmt);

    case ITEM_STOP:
    default:
      return TRUE;
    }
}

static gboolean
write_batch (Connection *conn,
             GQueue     *batch)
{
  if (batch->length == 1 && ((Item *) batch->head->data)->kind == ITEM_STOP)
    return TRUE;
  if (!run_stmt (conn->stmts[STMT_BEGIN]))
    goto failed;
  for (GList *l = batch->head; l != NULL; l = l->next)
    if (!write_item (conn, l->data))
      goto failed;
  if (!run_stmt (conn->stmts[STMT_COMMIT]))
    goto failed;
  g_debug ("Committed %u changes", batch->length);
  return TRUE;

failed:
  /* sqlite's message names the failing operation, never the values bound. */
  g_warning ("Could not save progress (will retry): %s", sqlite3_errmsg (conn->db));
  if (!sqlite3_get_autocommit (conn->db))
    run_stmt (conn->stmts[STMT_ROLLBACK]);
  return FALSE;
}

static gpointer
worker_thread (gpointer data)
{
  TrellisProgressStore *self = data;
  Connection *conn = self->conn;
  gint64 retry_delay = 0;
  gboolean stop = FALSE;

  g_mutex_lock (&self->lock);
  while (!stop)
    {
      GQueue batch;
      gboolean ok;

      while (g_queue_is_empty (&self->queue) ||
             (!self->kick && g_get_monotonic_time () < self->retry_at))
        {
          if (g_queue_is_empty (&self->queue))
            g_cond_wait (&self->cond, &self->lock);
          else
            g_cond_wait_until (&self->cond, &self->lock, self->retry_at);
        }

      /* Take all that has gathered: one transaction for the whole burst. */
      self->kick = FALSE;
      batch = self->queue;
      g_queue_init (&self->queue);
      stop = ((Item *) batch.tail->data)->kind == ITEM_STOP;
      g_mutex_unlock (&self->lock);

      ok = write_batch (conn, &batch);

      g_mutex_lock (&self->lock);
      if (ok)
        {
          self->committed_seq = ((Item *) batch.tail->data)->seq;
          self->retry_at = 0;
          retry_delay = 0;
          g_queue_clear_full (&batch, item_free);
        }
      else
        {
          Item *item;

          /* Back in front of anything queued meanwhile, in the same order. */
          while ((item = g_queue_pop_tail (&batch)) != NULL)
            g_queue_push_head (&self->queue, item);
          self->n_failures++;
          retry_delay = CLAMP (retry_delay * 2, RETRY_MIN_USEC, RETRY_MAX_USEC);
          self->retry_at = g_get_monotonic_time () + retry_delay;
        }
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);

  g_clear_pointer (&self->conn, connection_free);
  return NULL;
}

/* Opening, on a GTask thread. */

static gboolean
set_sqlite_error (sqlite3     *db,
                  GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not open the progress database: %s",
               db != NULL ? sqlite3_errmsg (db) : "out of memory");
  return FALSE;
}

/* Only for fixed SQL: pragmas and schema, which bind no values. */
static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  return sqlite3_exec (db, sql, NULL, NULL, NULL) == SQLITE_OK || set_sqlite_error (db, error);
}

static gboolean
query_int (sqlite3     *db,
           const char  *sql,
           gint64      *out_value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (db, error);
  rc = sqlite3_step (stmt);
  *out_value = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE || set_sqlite_error (db, error);
}

static gboolean
migrate (sqlite3     *db,
         GError     **error)
{
  gint64 version;

  /* Read the version inside the write transaction, so two processes
   * opening a new file at once do not both create the tables. */
  if (!exec_sql (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!query_int (db, "PRAGMA user_version", &version, error))
    goto failed;
  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The progress database has version %" G_GINT64_FORMAT
                   ", newer than this program knows (%u)", version, (guint) G_N_ELEMENTS (migrations));
      goto failed;
    }
  for (; version < (gint64) G_N_ELEMENTS (migrations); version++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);

      if (!exec_sql (db, migrations[version], error) || !exec_sql (db, set_version, error))
        goto failed;
    }
  return exec_sql (db, "COMMIT", error);

failed:
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static char *
select_actor (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  char *actor = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'actor'", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    actor = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return actor;
}

/* The actor is a random UUID made at the first open: it tells which events
 * come from the same learner without saying who they are. */
static char *
load_actor (sqlite3     *db,
            GError     **error)
{
  g_autofree char *fresh = g_uuid_string_random ();
  sqlite3_stmt *stmt = NULL;
  char *actor;

  if ((actor = select_actor (db)) != NULL)
    return actor;
  /* DO NOTHING: another process may have made one meanwhile; keep it. */
  if (sqlite3_prepare_v2 (db, "INSERT INTO meta (key, value) VALUES ('actor', ?1) ON CONFLICT (key) DO NOTHING",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, fresh, -1, SQLITE_STATIC);
      sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if ((actor = select_actor (db)) == NULL)
    set_sqlite_error (db, error);
  return actor;
}

#define COLUMN(stmt, i) ((const char *) sqlite3_column_text ((stmt), (i)))

static void
load_event (OpenData     *data,
            sqlite3_stmt *stmt)
{
  g_autoptr(TrEvent) event = g_new0 (TrEvent, 1);
  const char *result = COLUMN (stmt, 6);

  if (!tr_verb_from_string (COLUMN (stmt, 2), &event->verb))
    {
      g_warning ("Skipping stored event %s: unknown verb", COLUMN (stmt, 0));
      return;
    }
  event->id = g_strdup (COLUMN (stmt, 0));
  event->actor = g_strdup (COLUMN (stmt, 1));
  event->course_id = g_strdup (COLUMN (stmt, 3));
  event->course_version = g_strdup (COLUMN (stmt, 4));
  event->object = g_strdup (COLUMN (stmt, 5));
  event->timestamp = sqlite3_column_int64 (stmt, 7);
  if (result != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (result, NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        event->result = json_object_ref (json_node_get_object (node));
    }
  g_ptr_array_add (data->events, g_steal_pointer (&event));
}

static void
load_note (OpenData     *data,
           sqlite3_stmt *stmt)
{
  notes_table_set (data->notes, COLUMN (stmt, 0), COLUMN (stmt, 1), COLUMN (stmt, 2));
}

static void
load_position (OpenData     *data,
               sqlite3_stmt *stmt)
{
  g_hash_table_insert (data->positions, g_strdup (COLUMN (stmt, 0)), g_strdup (COLUMN (stmt, 1)));
}

static void
load_unsynced (OpenData     *data,
               sqlite3_stmt *stmt)
{
  g_hash_table_add (data->unsynced, g_strdup (COLUMN (stmt, 0)));
}

static void
load_meta (OpenData     *data,
           sqlite3_stmt *stmt)
{
  g_hash_table_insert (data->meta, g_strdup (COLUMN (stmt, 0)), g_strdup (COLUMN (stmt, 1)));
}

/* A stored event skipped by load_event () is not waiting to be sent either. */
static void
prune_unsynced (OpenData *data)
{
  g_autoptr(GHashTable) loaded = NULL;
  GHashTableIter iter;
  gpointer id;

  if (g_hash_table_size (data->unsynced) == 0)
    return;
  loaded = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < data->events->len; i++)
    g_hash_table_add (loaded, ((TrEvent *) g_ptr_array_index (data->events, i))->id);
  g_hash_table_iter_init (&iter, data->unsynced);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (loaded, id))
      g_hash_table_iter_remove (&iter);
}

static gboolean
load_rows (OpenData     *data,
           const char   *sql,
           void        (*load_row) (OpenData *, sqlite3_stmt *),
           GError      **error)
{
  sqlite3 *db = data->conn->db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (db, error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    load_row (data, stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE || set_sqlite_error (db, error);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(OpenData) data = g_new0 (OpenData, 1);
  GError *error = NULL;
  sqlite3 *db;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               "Could not create %s: %s", dir, g_strerror (saved_errno));
      return;
    }

  data->conn = g_new0 (Connection, 1);
  data->events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  data->notes = notes_table_new ();
  data->positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  data->unsynced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data->meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (sqlite3_open_v2 (path, &data->conn->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      set_sqlite_error (data->conn->db, &error);
      goto failed;
    }
  db = data->conn->db;
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  /* WAL with synchronous=NORMAL: a commit does not wait for fsync, yet
   * the database stays consistent after a crash or power loss. */
  if (!exec_sql (db, "PRAGMA journal_mode = WAL", &error) ||
      !exec_sql (db, "PRAGMA synchronous = NORMAL", &error) ||
      !exec_sql (db, "PRAGMA foreign_keys = ON", &error) ||
      !migrate (db, &error) ||
      (data->actor = load_actor (db, &error)) == NULL ||
      !load_rows (data, "SELECT id, actor, verb, course_id, course_version, object, result, timestamp"
                        " FROM events ORDER BY timestamp, rowid", load_event, &error) ||
      !load_rows (data, "SELECT course_id, object, text FROM notes", load_note, &error) ||
      !load_rows (data, "SELECT course_id, place FROM positions", load_position, &error) ||
      !load_rows (data, "SELECT id FROM events WHERE synced = 0", load_unsynced, &error) ||
      !load_rows (data, "SELECT key, value FROM meta", load_meta, &error))
    goto failed;
  prune_unsynced (data);

  for (guint i = 0; i < N_STMTS; i++)
    if (sqlite3_prepare_v3 (db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                            &data->conn->stmts[i], NULL) != SQLITE_OK)
      {
        set_sqlite_error (db, &error);
        goto failed;
      }

  g_task_return_pointer (task, g_steal_pointer (&data), open_data_free);
  return;

failed:
  g_task_return_error (task, error);
}

void
trellis_progress_store_open_async (TrellisProgressStore *self,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TRELLIS_IS_PROGRESS_STORE (self));
  g_return_if_fail (!self->opening && !self->open);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, trellis_progress_store_open_async);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  self->opening = TRUE;
  g_task_run_in_thread (task, open_thread);
}

/* Installs what was read and starts the worker. Whatever was recorded
 * before this ran comes after the stored log, and notes or places set
 * meanwhile override the stored ones. */
gboolean
trellis_progress_store_open_finish (TrellisProgressStore  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_autoptr(OpenData) data = NULL;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == trellis_progress_store_open_async, FALSE);

  self->opening = FALSE;
  data = g_task_propagate_pointer (G_TASK (result), error);
  if (data == NULL)
    return FALSE;

  self->actor = g_steal_pointer (&data->actor);
  for (guint i = 0; i < self->events->len; i++)
    {
      TrEvent *event = g_ptr_array_index (self->events, i);

      if (event->actor == NULL)
        event->actor = g_strdup (self->actor);
    }
  for (guint i = 0; i < data->events->len; i++)
    g_ptr_array_insert (self->events, i, g_steal_pointer (&data->events->pdata[i]));

  g_hash_table_unref (self->notes);
  self->notes = g_steal_pointer (&data->notes);
  g_hash_table_unref (self->positions);
  self->positions = g_steal_pointer (&data->positions);
  /* Events recorded before the open are not on the server either. */
  {
    GHashTableIter iter;
    gpointer id;

    g_hash_table_iter_init (&iter, data->unsynced);
    while (g_hash_table_iter_next (&iter, &id, NULL))
      {
        g_hash_table_iter_steal (&iter);
        g_hash_table_add (self->unsynced, id);
      }
  }
  g_hash_table_unref (self->meta);
  self->meta = g_steal_pointer (&data->meta);

  g_mutex_lock (&self->lock);
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    {
      Item *item = l->data;

      if (item->kind == ITEM_EVENT && item->event->actor == NULL)
        item->event->actor = g_strdup (self->actor);
      apply_item (self, item);
    }
  self->conn = g_steal_pointer (&data->conn);
  self->worker = g_thread_new ("trellis-store", worker_thread, self);
  g_mutex_unlock (&self->lock);

  self->open = TRUE;
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

gboolean
trellis_progress_store_is_open (TrellisProgressStore *self)
{
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (self), FALSE);
  return self->open;
}

const char *
trellis_progress_store_get_path (TrellisProgressStore *self)
{
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (self), NULL);
  return self->path;
}

/* NULL until the store is open. */
const char *
trellis_progress_store_get_actor (TrellisProgressStore *self)
{
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (self), NULL);
  return self->actor;
}

GPtrArray *
trellis_progress_store_get_events (TrellisProgressStore *self)
{
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (self), NULL);
  return self->events;
}

const TrEvent *
trellis_progress_store_record (TrellisProgressStore *self,
                               TrCourse             *course,
                               TrVerb                verb,
                               const char           *object,
                               JsonObject           *result)
{
  TrEvent *event;
  Item *item;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (self), NULL);
  g_return_val_if_fail (TR_IS_COURSE (course), NULL);
  g_return_val_if_fail (tr_course_get_id (course) != NULL && tr_course_get_version (course) != NULL, NULL);
  g_return_val_if_fail (verb < TR_N_VERBS, NULL);
  g_return_val_if_fail (object != NULL, NULL);

  event = tr_event_new (self->actor, verb, tr_course_get_id (course), tr_course_get_version (course),
                        object, result);
  g_ptr_array_add (self->events, event);
  g_hash_table_add (self->unsynced, g_strdup (event->id));

  item = item_new (ITEM_EVENT);
  item->event = tr_event_copy (event);
  if (result != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), result);

      /* As text now: the caller may change its JsonObject after this. */
      item->text = json_to_string (node, FALSE);
      g_clear_pointer (&item->event->result, json_object_unref);
    }
  enqueue (self, item);

  g_signal_emit (self, signals[CHANGED], 0);
  return event;
}

char *
trellis_progress_store_get_note (TrellisProgressStore *self,
                                 const char           *course_id,
                                 const char           *object)
{
  GHashTable *objects;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (self), NULL);
  g_return_val_if_fail (course_id != NULL && object != NULL, NULL);

  objects = g_hash_table_lookup (self->notes, course_id);
  return objects != NULL ? g_strdup (g_hash_table_lookup (objects, object)) : NULL;
}

/* An empty or NULL text deletes the note. */
void
trellis_progress_store_set_note (TrellisProgressStore *self,
                                 const char           *course_id,
                                 const char           *object,
                                 const char           *text)
{
  Item *item;

  g_return_if_fail (TRELLIS_IS_PROGRESS_STORE (self));
  g_return_if_fail (course_id != NULL && object != NULL);

  item = item_new (ITEM_NOTE);
  item->course_id = g_strdup (course_id);
  item->object = g_strdup (object);
  item->text = text != NULL && *text != '\0' ? g_strdup (text) : NULL;
  apply_item (self, item);
  enqueue (self, item);
}

char *
trellis_progress_store_get_position (TrellisProgressStore *self,
                                     const char           *course_id)
{
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (self), NULL);
  g_return_val_if_fail (course_id != NULL, NULL);

  return g_strdup (g_hash_table_lookup (self->positions, course_id));
}

void
trellis_progress_store_set_position (TrellisProgressStore *self,
                                     const char           *course_id,
                                     const char           *place)
{
  Item *item;

  g_return_if_fail (TRELLIS_IS_PROGRESS_STORE (self));
  g_return_if_fail (course_id != NULL && place != NULL);

  item = item_new (ITEM_POSITION);
  item->course_id = g_strdup (course_id);
  item->text = g_strdup (place);
  apply_item (self, item);
  enqueue (self, item);
}

/* Blocks until everything queued so far is committed. It returns early if
 * the disk refuses a write (the worker has warned; the items stay queued),
 * and at once before the store is open, as nothing can be written yet. */
void
trellis_progress_store_flush (TrellisProgressStore *self)
{
  g_return_if_fail (TRELLIS_IS_PROGRESS_STORE (self));

  g_mutex_lock (&self->lock);
  if (self->worker != NULL && self->committed_seq < self->last_seq)
    {
      guint64 target = self->last_seq;
      guint n_failures = self->n_failures;

      self->kick = TRUE;
      g_cond_broadcast (&self->cond);
      while (self->committed_seq < target && self->n_failures == n_failures)
        g_cond_wait (&self->cond, &self->lock);
    }
  g_mutex_unlock (&self->lock);
}

/* Sync. Everything here reads and writes the events and the meta table
 * only: notes never leave the device. */

/* Copies of at most @max events the server does not have yet, oldest
 * first. */
GPtrArray *
trellis_progress_store_get_unsynced (TrellisProgressStore *self,
                                     guint                 max)
{
  GPtrArray *unsynced;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (self), NULL);
  g_return_val_if_fail (self->open, NULL);

  unsynced = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  for (guint i = 0; i < self->events->len && unsynced->len < max; i++)
    {
      const TrEvent *event = g_ptr_array_index (self->events, i);

      if (g_hash_table_contains (self->unsynced, event->id))
        g_ptr_array_add (unsynced, tr_event_copy (event));
    }
  return unsynced;
}

/* @ids: NULL-terminated; the events the server has confirmed. */
void
trellis_progress_store_mark_synced (TrellisProgressStore *self,
                                    const char * const   *ids)
{
  g_return_if_fail (TRELLIS_IS_PROGRESS_STORE (self));
  g_return_if_fail (self->open);
  g_return_if_fail (ids != NULL);

  g_mutex_lock (&self->lock);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      Item *item;

      if (!g_hash_table_remove (self->unsynced, ids[i]))
        continue;
      item = item_new (ITEM_MARK_SYNCED);
      item->object = g_strdup (ids[i]);
      enqueue_locked (self, item);
    }
  g_mutex_unlock (&self->lock);
}

/* Adds the events (TrEvent*) that this device does not know yet, as
 * already on the server. The log stays ordered by time. Returns how many
 * were new; "changed" is emitted when any was. */
guint
trellis_progress_store_merge (TrellisProgressStore *self,
                              GPtrArray            *events)
{
  g_autoptr(GHashTable) known = NULL;
  guint n_new = 0;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (self), 0);
  g_return_val_if_fail (self->open, 0);
  g_return_val_if_fail (events != NULL, 0);

  known = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->events->len; i++)
    g_hash_table_add (known, ((TrEvent *) g_ptr_array_index (self->events, i))->id);

  for (guint i = 0; i < events->len; i++)
    {
      const TrEvent *event = g_ptr_array_index (events, i);
      TrEvent *copy;
      Item *item;
      guint at;

      g_return_val_if_fail (event != NULL && event->id != NULL, n_new);
      if (g_hash_table_contains (known, event->id))
        continue;

      copy = tr_event_copy (event);
      for (at = self->events->len; at > 0; at--)
        if (((TrEvent *) g_ptr_array_index (self->events, at - 1))->timestamp <= copy->timestamp)
          break;
      g_ptr_array_insert (self->events, at, copy);
      g_hash_table_add (known, copy->id);

      item = item_new (ITEM_SYNCED_EVENT);
      item->event = tr_event_copy (copy);
      if (copy->result != NULL)
        {
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), copy->result);

          item->text = json_to_string (node, FALSE);
          g_clear_pointer (&item->event->result, json_object_unref);
        }
      enqueue (self, item);
      n_new++;
    }

  if (n_new > 0)
    g_signal_emit (self, signals[CHANGED], 0);
  return n_new;
}

/* How many events wait to be sent to the server. */
guint
trellis_progress_store_get_pending_count (TrellisProgressStore *self)
{
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (self), 0);
  return g_hash_table_size (self->unsynced);
}

char *
trellis_progress_store_get_meta (TrellisProgressStore *self,
                                 const char           *key)
{
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_strdup (g_hash_table_lookup (self->meta, key));
}

/* A NULL value deletes the key. */
void
trellis_progress_store_set_meta (TrellisProgressStore *self,
                                 const char           *key,
                                 const char           *value)
{
  Item *item;

  g_return_if_fail (TRELLIS_IS_PROGRESS_STORE (self));
  g_return_if_fail (key != NULL);

  /* Before the open, what is on disk is not known yet. */
  if (self->open && g_strcmp0 (g_hash_table_lookup (self->meta, key), value) == 0)
    return;
  item = item_new (ITEM_META);
  item->object = g_strdup (key);
  item->text = g_strdup (value);
  apply_item (self, item);
  enqueue (self, item);
}

static void
trellis_progress_store_dispose (GObject *object)
{
  TrellisProgressStore *self = TRELLIS_PROGRESS_STORE (object);

  if (self->worker != NULL)
    {
      trellis_progress_store_flush (self);

      g_mutex_lock (&self->lock);
      self->kick = TRUE;
      enqueue_locked (self, item_new (ITEM_STOP));
      g_mutex_unlock (&self->lock);
      g_thread_join (g_steal_pointer (&self->worker));

      /* Only a failing disk leaves items here; the stop item is one of them. */
      if (self->queue.length > 1)
        g_warning ("%u changes to progress could not be saved", self->queue.length - 1);
    }
  else if (!g_queue_is_empty (&self->queue))
    {
      g_message ("%u changes to progress were dropped: the store was never opened", self->queue.length);
    }
  g_queue_clear_full (&self->queue, item_free);

  G_OBJECT_CLASS (trellis_progress_store_parent_class)->dispose (object);
}

static void
trellis_progress_store_finalize (GObject *object)
{
  TrellisProgressStore *self = TRELLIS_PROGRESS_STORE (object);

  g_free (self->path);
  g_free (self->actor);
  g_ptr_array_unref (self->events);
  g_hash_table_unref (self->notes);
  g_hash_table_unref (self->positions);
  g_hash_table_unref (self->unsynced);
  g_hash_table_unref (self->meta);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (trellis_progress_store_parent_class)->finalize (object);
}

static void
trellis_progress_store_class_init (TrellisProgressStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = trellis_progress_store_dispose;
  object_class->finalize = trellis_progress_store_finalize;

  /* Emitted when an event is recorded or merged from the server, and when
   * the stored log is loaded. */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
trellis_progress_store_init (TrellisProgressStore *self)
{
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  self->notes = notes_table_new ();
  self->positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->unsynced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->queue);
}

/* A NULL path means progress.db in the user's data folder. */
TrellisProgressStore *
trellis_progress_store_new (const char *path)
{
  TrellisProgressStore *self = g_object_new (TRELLIS_TYPE_PROGRESS_STORE, NULL);

  if (path != NULL)
    self->path = g_strdup (path);
  else
    self->path = g_build_filename (g_get_user_data_dir (), "trellis", "progress.db", NULL);
  return self;
}
