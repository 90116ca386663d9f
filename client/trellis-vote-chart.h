/* trellis-vote-chart.h: how a group voted, as anonymous bars
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TRELLIS_TYPE_VOTE_CHART (trellis_vote_chart_get_type ())

G_DECLARE_FINAL_TYPE (TrellisVoteChart, trellis_vote_chart, TRELLIS, VOTE_CHART, GtkWidget)

GtkWidget *trellis_vote_chart_new          (void);
void       trellis_vote_chart_set_votes    (TrellisVoteChart   *self,
                                            const char * const *labels,
                                            const int          *counts,
                                            guint               n_choices,
                                            gboolean            revealed);
guint      trellis_vote_chart_get_n_choices (TrellisVoteChart  *self);
const char *trellis_vote_chart_get_label   (TrellisVoteChart   *self,
                                            guint               index);
int        trellis_vote_chart_get_count    (TrellisVoteChart   *self,
                                            guint               index);
gboolean   trellis_vote_chart_get_revealed (TrellisVoteChart   *self);

G_END_DECLS
