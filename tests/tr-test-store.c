/* tr-test-store.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tr-test-store.h"
#include "tr-test-util.h"

/* How long a temporary store may take to open. */
#define TEMP_STORE_WAIT_S 10

static void
store_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (trellis_progress_store_open_finish (TRELLIS_PROGRESS_STORE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* The progress store at @path, open within @timeout_s seconds. */
TrellisProgressStore *
tr_test_store_open (const char *path,
                    guint       timeout_s)
{
  TrellisProgressStore *store;
  gboolean done = FALSE;

  g_return_val_if_fail (path != NULL, NULL);

  store = trellis_progress_store_new (path);
  trellis_progress_store_open_async (store, NULL, store_opened_cb, &done);
  g_assert_true (tr_test_wait_for (tr_test_flag_set, &done, timeout_s));
  g_assert_true (trellis_progress_store_is_open (store));
  return store;
}

/* An open progress store of its own, in a new temporary folder named
 * after @name. */
TrellisProgressStore *
tr_test_store_new_temp (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  template = g_strdup_printf ("trellis-%s-XXXXXX", name);
  dir = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "progress.db", NULL);
  return tr_test_store_open (path, TEMP_STORE_WAIT_S);
}

/* Flushes @store, checks that nothing else keeps it, and removes its
 * folder. */
void
tr_test_store_free_temp (TrellisProgressStore *store)
{
  g_autofree char *dir = NULL;

  g_return_if_fail (TRELLIS_IS_PROGRESS_STORE (store));

  dir = g_path_get_dirname (trellis_progress_store_get_path (store));
  trellis_progress_store_flush (store);
  g_assert_finalize_object (store);
  tr_test_remove_tree (dir);
}

/* The event @store recorded @index-th, which must be there. */
const TrEvent *
tr_test_store_get_event (TrellisProgressStore *store,
                         guint                 index)
{
  GPtrArray *events;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);

  events = trellis_progress_store_get_events (store);
  g_assert_nonnull (events);
  g_assert_cmpuint (index, <, events->len);
  return g_ptr_array_index (events, index);
}

/* How many events @store holds. */
guint
tr_test_store_n_events (TrellisProgressStore *store)
{
  GPtrArray *events;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), 0);

  events = trellis_progress_store_get_events (store);
  return events != NULL ? events->len : 0;
}
