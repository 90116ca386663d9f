/* trs-limits.h: counting failed logins, to slow down password guessing
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TrsLimits TrsLimits;

/* A sliding window of @window_us microseconds: at most @account_max failures
 * per account (its e-mail address) and @address_max per client address. */
TrsLimits *trs_limits_new       (guint        account_max,
                                 guint        address_max,
                                 gint64       window_us);
void       trs_limits_free      (TrsLimits   *self);

/* TRUE when an attempt may go ahead; otherwise *retry_after is the number of
 * seconds until it may. @now is in microseconds (g_get_monotonic_time ()). */
gboolean   trs_limits_check     (TrsLimits   *self,
                                 const char  *account,
                                 const char  *address,
                                 gint64       now,
                                 guint       *retry_after);
void       trs_limits_failed    (TrsLimits   *self,
                                 const char  *account,
                                 const char  *address,
                                 gint64       now);
void       trs_limits_succeeded (TrsLimits   *self,
                                 const char  *account);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrsLimits, trs_limits_free)

G_END_DECLS
