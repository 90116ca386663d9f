/* trs-csv.c: CSV for the exports of the server (RFC 4180)
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <string.h>

#include "trs-csv.h"

/* Appends @value (NULL: empty) and a comma to the row in @line. A
 * field that a spreadsheet would run as a formula (a learner may call
 * themselves "=HYPERLINK(…)") starts with an apostrophe instead. */
void
trs_csv_add_field (GString    *line,
                   const char *value)
{
  gboolean formula, quote;

  if (value == NULL)
    {
      g_string_append_c (line, ',');
      return;
    }
  formula = strchr ("=+-@\t\r", value[0]) != NULL && value[0] != '\0';
  quote = formula || strpbrk (value, ",\"\r\n") != NULL;
  if (quote)
    g_string_append_c (line, '"');
  if (formula)
    g_string_append_c (line, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  if (quote)
    g_string_append_c (line, '"');
  g_string_append_c (line, ',');
}

/* Ends the row: its last comma becomes the line end. */
void
trs_csv_end_row (GString *line)
{
  if (line->len > 0 && line->str[line->len - 1] == ',')
    g_string_truncate (line, line->len - 1);
  g_string_append (line, "\r\n");
}

static char *
format_utc (gint64      ms,
            const char *format)
{
  g_autoptr(GDateTime) date = ms > 0 ? g_date_time_new_from_unix_utc (ms / 1000) : NULL;

  return date != NULL ? g_date_time_format (date, format) : NULL;
}

/* "2027-03-14T10:13:10Z"; NULL for 0. */
char *
trs_csv_time (gint64 ms)
{
  return format_utc (ms, "%Y-%m-%dT%H:%M:%SZ");
}

/* "2027-03-14" (UTC); NULL for 0. */
char *
trs_csv_date (gint64 ms)
{
  return format_utc (ms, "%Y-%m-%d");
}
