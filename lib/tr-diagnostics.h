/* tr-diagnostics.h: problems found in a course, with where they are
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TR_SEVERITY_WARNING,
  TR_SEVERITY_ERROR,
} TrSeverity;

typedef struct
{
  char       *file;     /* as the author should see it, relative where possible */
  guint       line;     /* 1-based; 0 when the problem concerns the file as a whole */
  guint       column;   /* 1-based; 0 when unknown */
  TrSeverity  severity;
  char       *message;
} TrDiagnostic;

typedef struct _TrDiagnostics TrDiagnostics;

TrDiagnostics      *tr_diagnostics_new          (void);
void                tr_diagnostics_free         (TrDiagnostics *self);
void                tr_diagnostics_add          (TrDiagnostics *self,
                                                 TrSeverity     severity,
                                                 const char    *file,
                                                 guint          line,
                                                 guint          column,
                                                 const char    *format,
                                                 ...) G_GNUC_PRINTF (6, 7);
guint               tr_diagnostics_get_n_items  (TrDiagnostics *self);
const TrDiagnostic *tr_diagnostics_get_item     (TrDiagnostics *self,
                                                 guint          index);
guint               tr_diagnostics_count        (TrDiagnostics *self,
                                                 TrSeverity     severity);
void                tr_diagnostics_sort         (TrDiagnostics *self);
char               *tr_diagnostic_to_string     (const TrDiagnostic *diagnostic);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrDiagnostics, tr_diagnostics_free)

G_END_DECLS
