/* tr-diagnostics.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-diagnostics"

#include <string.h>

#include "tr-diagnostics.h"

struct _TrDiagnostics
{
  GPtrArray *items;
};

static void
tr_diagnostic_free (TrDiagnostic *diagnostic)
{
  g_free (diagnostic->file);
  g_free (diagnostic->message);
  g_free (diagnostic);
}

TrDiagnostics *
tr_diagnostics_new (void)
{
  TrDiagnostics *self = g_new0 (TrDiagnostics, 1);

  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_diagnostic_free);
  return self;
}

void
tr_diagnostics_free (TrDiagnostics *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->items);
  g_free (self);
}

void
tr_diagnostics_add (TrDiagnostics *self,
                    TrSeverity     severity,
                    const char    *file,
                    guint          line,
                    guint          column,
                    const char    *format,
                    ...)
{
  TrDiagnostic *diagnostic;
  va_list args;

  g_return_if_fail (self != NULL);
  g_return_if_fail (format != NULL);

  diagnostic = g_new0 (TrDiagnostic, 1);
  diagnostic->file = g_strdup (file);
  diagnostic->line = line;
  diagnostic->column = column;
  diagnostic->severity = severity;
  va_start (args, format);
  diagnostic->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (self->items, diagnostic);
}

guint
tr_diagnostics_get_n_items (TrDiagnostics *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->items->len;
}

const TrDiagnostic *
tr_diagnostics_get_item (TrDiagnostics *self,
                         guint          index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return g_ptr_array_index (self->items, index);
}

guint
tr_diagnostics_count (TrDiagnostics *self,
                      TrSeverity     severity)
{
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);
  for (guint i = 0; i < self->items->len; i++)
    {
      const TrDiagnostic *diagnostic = g_ptr_array_index (self->items, i);

      if (diagnostic->severity == severity)
        n++;
    }
  return n;
}

static int
compare_diagnostics (gconstpointer a,
                     gconstpointer b)
{
  const TrDiagnostic *da = *(const TrDiagnostic * const *) a;
  const TrDiagnostic *db = *(const TrDiagnostic * const *) b;
  int cmp = g_strcmp0 (da->file, db->file);

  if (cmp != 0)
    return cmp;
  if (da->line != db->line)
    return da->line < db->line ? -1 : 1;
  if (da->column != db->column)
    return da->column < db->column ? -1 : 1;
  return 0;
}

/* Stable, so that problems found at the same place keep the order found. */
void
tr_diagnostics_sort (TrDiagnostics *self)
{
  g_return_if_fail (self != NULL);
  g_ptr_array_sort (self->items, compare_diagnostics);
}

char *
tr_diagnostic_to_string (const TrDiagnostic *diagnostic)
{
  const char *severity;

  g_return_val_if_fail (diagnostic != NULL, NULL);

  severity = diagnostic->severity == TR_SEVERITY_ERROR ? "error" : "warning";
  if (diagnostic->line == 0)
    return g_strdup_printf ("%s: %s: %s", diagnostic->file, severity, diagnostic->message);
  return g_strdup_printf ("%s:%u:%u: %s: %s", diagnostic->file, diagnostic->line,
                          MAX (diagnostic->column, 1), severity, diagnostic->message);
}
