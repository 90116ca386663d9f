/* trs-limits.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include "trs-limits.h"

/* Expired records are dropped once a minute, or once a second past this many
 * keys, so that failures from many addresses do not pile up. */
#define SWEEP_KEYS 10000
#define SWEEP_INTERVAL_US (60 * G_USEC_PER_SEC)

struct _TrsLimits
{
  GMutex      mutex;       /* every listener thread counts */
  guint       account_max;
  guint       address_max;
  gint64      window;
  GHashTable *accounts;    /* normalised e-mail → GArray of gint64 (oldest first) */
  GHashTable *addresses;   /* address → GArray of gint64 */
  gint64      last_sweep;
};

TrsLimits *
trs_limits_new (guint  account_max,
                guint  address_max,
                gint64 window_us)
{
  TrsLimits *self;

  g_return_val_if_fail (account_max > 0 && address_max > 0 && window_us > 0, NULL);

  self = g_new0 (TrsLimits, 1);
  g_mutex_init (&self->mutex);
  self->account_max = account_max;
  self->address_max = address_max;
  self->window = window_us;
  self->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  self->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  return self;
}

void
trs_limits_free (TrsLimits *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->accounts);
  g_hash_table_unref (self->addresses);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

/* E-mail addresses differ only in case for the same person. */
static char *
account_key (const char *account)
{
  g_autofree char *stripped = g_strstrip (g_strdup (account));

  return g_utf8_casefold (stripped, -1);
}

static void
prune (GArray *times,
       gint64  now,
       gint64  window)
{
  guint n = 0;

  while (n < times->len && g_array_index (times, gint64, n) <= now - window)
    n++;
  if (n > 0)
    g_array_remove_range (times, 0, n);
}

/* Seconds until @times holds fewer than @max failures in the window; 0 when
 * it already does. */
static guint
wait_for (GHashTable *table,
          const char *key,
          guint       max,
          gint64      now,
          gint64      window)
{
  GArray *times = g_hash_table_lookup (table, key);
  gint64 until;

  if (times == NULL)
    return 0;
  prune (times, now, window);
  if (times->len < max)
    return 0;
  /* The failure that has to leave the window for one more attempt. */
  until = g_array_index (times, gint64, times->len - max) + window;
  return (guint) MAX (1, (until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

gboolean
trs_limits_check (TrsLimits  *self,
                  const char *account,
                  const char *address,
                  gint64      now,
                  guint      *retry_after)
{
  guint wait = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (account != NULL)
    {
      g_autofree char *key = account_key (account);

      wait = MAX (wait, wait_for (self->accounts, key, self->account_max, now, self->window));
    }
  if (address != NULL)
    wait = MAX (wait, wait_for (self->addresses, address, self->address_max, now, self->window));
  if (retry_after != NULL)
    *retry_after = wait;
  return wait == 0;
}

static void
sweep_table (GHashTable *table,
             gint64      now,
             gint64      window)
{
  GHashTableIter iter;
  GArray *times;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &times))
    {
      prune (times, now, window);
      if (times->len == 0)
        g_hash_table_iter_remove (&iter);
    }
}

static void
record (GHashTable *table,
        char       *key,
        guint       max,
        gint64      now)
{
  GArray *times = g_hash_table_lookup (table, key);

  if (times == NULL)
    {
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (table, key, times);
    }
  else
    g_free (key);
  g_array_append_val (times, now);
  /* Only the newest @max failures decide when the next attempt may come. */
  if (times->len > max)
    g_array_remove_range (times, 0, times->len - max);
}

void
trs_limits_failed (TrsLimits  *self,
                   const char *account,
                   const char *address,
                   gint64      now)
{
  g_return_if_fail (self != NULL);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (now - self->last_sweep > SWEEP_INTERVAL_US ||
      (now - self->last_sweep > G_USEC_PER_SEC &&
       g_hash_table_size (self->accounts) + g_hash_table_size (self->addresses) > SWEEP_KEYS))
    {
      sweep_table (self->accounts, now, self->window);
      sweep_table (self->addresses, now, self->window);
      self->last_sweep = now;
    }
  if (account != NULL)
    record (self->accounts, account_key (account), self->account_max, now);
  if (address != NULL)
    record (self->addresses, g_strdup (address), self->address_max, now);
}

void
trs_limits_succeeded (TrsLimits  *self,
                      const char *account)
{
  g_autofree char *key = NULL;

  g_return_if_fail (self != NULL);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (account == NULL)
    return;
  key = account_key (account);
  g_hash_table_remove (self->accounts, key);
}
