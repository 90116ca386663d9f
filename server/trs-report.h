/* trs-report.h: an institute's completion report
 *
 * Completion, dates and quiz scores per learner, course and learning path,
 * derived by the rules of lib/tr-progress.c; never a learner's choices,
 * answers or notes, which a report has no way to hold.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _TrsReport TrsReport;

typedef struct
{
  const char *kind;       /* "course" or "path" */
  const char *id;
  guint       done;
  guint       required;
  gboolean    complete;
  gint64      completed;  /* ms since 1970; 0 unless complete */
  int         quiz_best;  /* -1: never taken (and for paths) */
} TrsReportItem;

TrsReport           *trs_report_new         (GPtrArray   *learners,
                                             GPtrArray   *courses,
                                             GPtrArray   *paths,
                                             gint64       since);
void                 trs_report_free        (TrsReport   *self);
guint                trs_report_get_n_learners (TrsReport *self);
const TrsReportItem *trs_report_get_item    (TrsReport   *self,
                                             guint        learner,
                                             const char  *kind,
                                             const char  *id);
JsonNode            *trs_report_to_json     (TrsReport   *self,
                                             const char  *institute,
                                             const char  *cohort,
                                             const char  *since);
char                *trs_report_to_csv      (TrsReport   *self,
                                             const char  *institute);
gboolean             trs_report_parse_date  (const char  *text,
                                             gint64      *ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrsReport, trs_report_free)

G_END_DECLS
