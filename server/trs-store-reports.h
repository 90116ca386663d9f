/* trs-store-reports.h: what institute reports read from the database
 *
 * Like all of trs-store.h, these run on the store's worker thread.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "trs-store.h"

G_BEGIN_DECLS

typedef struct
{
  gint64     account_id;
  char      *public_id;
  char      *name;
  char      *cohort;        /* NULL: none */
  GPtrArray *milestones;    /* TrEvent*: the first of each that counts (tr_progress_event_counts()) */
  struct _SharedStrings *shared;  /* their strings, shared by the learners of one read */
} TrsReportLearner;

typedef struct
{
  gint64  id;
  char   *name;
  guint   learners;
} TrsCohort;

GPtrArray *trs_store_report_learners (TrsStore *store, gint64 institute_id, gint64 cohort_id, GError **error);
gint64     trs_store_cohort_lookup   (TrsStore *store, gint64 institute_id, const char *name_or_id,
                                      GError **error);
GPtrArray *trs_store_cohort_list     (TrsStore *store, gint64 institute_id, guint *without_cohort,
                                      GError **error);
char      *trs_store_institute_name  (TrsStore *store, gint64 institute_id, GError **error);
void       trs_report_learner_free   (TrsReportLearner *learner);
void       trs_cohort_free           (TrsCohort *cohort);

G_END_DECLS
