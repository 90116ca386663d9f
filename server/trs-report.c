/* trs-report.c: an institute's completion report
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <stdio.h>
#include <string.h>

#include "tr-course.h"
#include "tr-learning-path.h"
#include "tr-progress.h"

#include "trs-csv.h"
#include "trs-json.h"
#include "trs-report.h"
#include "trs-store-reports.h"

struct _TrsReport
{
  GPtrArray *learners;     /* TrsReportLearner* */
  GPtrArray *courses;      /* TrCourse* */
  GPtrArray *paths;        /* TrLearningPath* */
  gint64     since;
  guint      n_items;      /* courses, then paths */
  GArray    *items;        /* TrsReportItem: n_items per learner, in the order of learners */
};

static const TrsReportItem *
item_at (TrsReport *self,
         guint      learner,
         guint      item)
{
  return &g_array_index (self->items, TrsReportItem, learner * self->n_items + item);
}

static void
add_course_item (TrsReport        *self,
                 TrsReportLearner *learner,
                 TrCourse         *course)
{
  g_autoptr(TrProgress) progress = tr_progress_compute (course, learner->milestones);
  TrsReportItem item = {
    .kind = "course",
    .id = tr_course_get_id (course),
    .done = tr_progress_get_n_done (progress),
    .required = tr_progress_get_n_required (progress),
    .complete = tr_progress_is_complete (progress),
    .completed = tr_progress_get_completed_at (progress),
    .quiz_best = tr_progress_get_quiz_best_score (progress),
  };

  g_array_append_val (self->items, item);
}

/* A path is complete when all its courses are, on the day the last was. */
static void
add_path_item (TrsReport      *self,
               guint           learner,
               TrLearningPath *path)
{
  const char * const *ids = tr_learning_path_get_course_ids (path);
  TrsReportItem item = { .kind = "path", .id = tr_learning_path_get_id (path), .quiz_best = -1 };

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    for (guint c = 0; c < self->courses->len; c++)
      {
        const TrsReportItem *course = item_at (self, learner, c);

        if (!g_str_equal (course->id, ids[i]))
          continue;
        item.required++;
        if (course->complete)
          {
            item.done++;
            item.completed = MAX (item.completed, course->completed);
          }
      }
  item.complete = item.required > 0 && item.done == item.required;
  if (!item.complete)
    item.completed = 0;
  g_array_append_val (self->items, item);
}

/* Takes a reference to each array. @since: ms since 1970 of the first day
 * whose completions count (0: all); earlier completions are left out. */
TrsReport *
trs_report_new (GPtrArray *learners,
                GPtrArray *courses,
                GPtrArray *paths,
                gint64     since)
{
  TrsReport *self = g_new0 (TrsReport, 1);

  self->learners = g_ptr_array_ref (learners);
  self->courses = g_ptr_array_ref (courses);
  self->paths = g_ptr_array_ref (paths);
  self->since = since;
  self->n_items = courses->len + paths->len;
  self->items = g_array_sized_new (FALSE, FALSE, sizeof (TrsReportItem), learners->len * self->n_items);
  for (guint l = 0; l < learners->len; l++)
    {
      TrsReportLearner *learner = g_ptr_array_index (learners, l);

      for (guint c = 0; c < courses->len; c++)
        add_course_item (self, learner, g_ptr_array_index (courses, c));
      for (guint p = 0; p < paths->len; p++)
        add_path_item (self, l, g_ptr_array_index (paths, p));
    }
  return self;
}

void
trs_report_free (TrsReport *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->learners);
  g_ptr_array_unref (self->courses);
  g_ptr_array_unref (self->paths);
  g_array_unref (self->items);
  g_free (self);
}

guint
trs_report_get_n_learners (TrsReport *self)
{
  return self->learners->len;
}

/* The item of the @learner-th learner, or NULL. */
const TrsReportItem *
trs_report_get_item (TrsReport  *self,
                     guint       learner,
                     const char *kind,
                     const char *id)
{
  g_return_val_if_fail (learner < self->learners->len, NULL);

  for (guint i = 0; i < self->n_items; i++)
    {
      const TrsReportItem *item = item_at (self, learner, i);

      if (g_str_equal (item->kind, kind) && g_str_equal (item->id, id))
        return item;
    }
  return NULL;
}

/* Whether @item belongs in the report: completions before "since" were
 * reported before. */
static gboolean
in_period (TrsReport           *self,
           const TrsReportItem *item)
{
  return !(self->since > 0 && item->complete && item->completed < self->since);
}



static void
add_catalogue (TrsReport   *self,
               JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "courses");
  json_builder_begin_array (builder);
  for (guint c = 0; c < self->courses->len; c++)
    {
      TrCourse *course = g_ptr_array_index (self->courses, c);

      json_builder_begin_object (builder);
      trs_json_add_string_or_null (builder, "id", tr_course_get_id (course));
      json_builder_set_member_name (builder, "title");
      trs_json_add_text (builder, tr_course_get_title (course));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "paths");
  json_builder_begin_array (builder);
  for (guint p = 0; p < self->paths->len; p++)
    {
      TrLearningPath *path = g_ptr_array_index (self->paths, p);
      const char * const *ids = tr_learning_path_get_course_ids (path);

      json_builder_begin_object (builder);
      trs_json_add_string_or_null (builder, "id", tr_learning_path_get_id (path));
      json_builder_set_member_name (builder, "title");
      trs_json_add_text (builder, tr_learning_path_get_title (path));
      json_builder_set_member_name (builder, "courses");
      json_builder_begin_array (builder);
      for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
        json_builder_add_string_value (builder, ids[i]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_learners (TrsReport   *self,
              JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "learners");
  json_builder_begin_array (builder);
  for (guint l = 0; l < self->learners->len; l++)
    {
      TrsReportLearner *learner = g_ptr_array_index (self->learners, l);

      json_builder_begin_object (builder);
      trs_json_add_string_or_null (builder, "id", learner->public_id);
      trs_json_add_string_or_null (builder, "name", learner->name);
      trs_json_add_string_or_null (builder, "cohort", learner->cohort);
      json_builder_set_member_name (builder, "items");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->n_items; i++)
        {
          const TrsReportItem *item = item_at (self, l, i);

          if (!in_period (self, item))
            continue;
          json_builder_begin_object (builder);
          trs_json_add_string_or_null (builder, "kind", item->kind);
          trs_json_add_string_or_null (builder, "id", item->id);
          json_builder_set_member_name (builder, "done");
          json_builder_add_int_value (builder, item->done);
          json_builder_set_member_name (builder, "required");
          json_builder_add_int_value (builder, item->required);
          json_builder_set_member_name (builder, "complete");
          json_builder_add_boolean_value (builder, item->complete);
          json_builder_set_member_name (builder, "completed");
          if (item->complete)
            json_builder_add_int_value (builder, item->completed);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "quiz_best");
          if (item->quiz_best >= 0)
            json_builder_add_int_value (builder, item->quiz_best);
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

typedef struct
{
  guint learners;
  guint started;
  guint completed;
} Counts;

static int
compare_cohorts (gconstpointer a,
                 gconstpointer b)
{
  const char *x = *(const char * const *) a, *y = *(const char * const *) b;

  /* Learners without a cohort come last. */
  if (x == NULL || y == NULL)
    return (x == NULL) - (y == NULL);
  return g_utf8_collate (x, y);
}

static void
add_summary (TrsReport   *self,
             JsonBuilder *builder)
{
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) cohorts = g_ptr_array_new ();
  g_autofree Counts *counts = NULL;
  gboolean without_cohort = FALSE;

  for (guint l = 0; l < self->learners->len; l++)
    {
      TrsReportLearner *learner = g_ptr_array_index (self->learners, l);

      if (learner->cohort == NULL)
        without_cohort = TRUE;
      else if (!g_hash_table_contains (index, learner->cohort))
        {
          g_hash_table_add (index, learner->cohort);
          g_ptr_array_add (cohorts, learner->cohort);
        }
    }
  g_ptr_array_sort (cohorts, compare_cohorts);
  if (without_cohort)
    g_ptr_array_add (cohorts, NULL);
  g_hash_table_remove_all (index);
  for (guint i = 0; i < cohorts->len; i++)
    if (g_ptr_array_index (cohorts, i) != NULL)
      g_hash_table_insert (index, g_ptr_array_index (cohorts, i), GUINT_TO_POINTER (i));

  counts = g_new0 (Counts, cohorts->len * self->n_items + 1);
  for (guint l = 0; l < self->learners->len; l++)
    {
      TrsReportLearner *learner = g_ptr_array_index (self->learners, l);
      guint row = learner->cohort != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (index, learner->cohort))
                                          : cohorts->len - 1;

      for (guint i = 0; i < self->n_items; i++)
        {
          const TrsReportItem *item = item_at (self, l, i);
          Counts *cell = &counts[row * self->n_items + i];

          cell->learners++;
          cell->started += item->done > 0 || item->quiz_best >= 0 ? 1 : 0;
          cell->completed += item->complete && in_period (self, item) ? 1 : 0;
        }
    }

  json_builder_set_member_name (builder, "summary");
  json_builder_begin_array (builder);
  for (guint row = 0; row < cohorts->len; row++)
    for (guint i = 0; i < self->n_items; i++)
      {
        const TrsReportItem *item = item_at (self, 0, i);
        const Counts *cell = &counts[row * self->n_items + i];

        json_builder_begin_object (builder);
        trs_json_add_string_or_null (builder, "cohort", g_ptr_array_index (cohorts, row));
        trs_json_add_string_or_null (builder, "kind", item->kind);
        trs_json_add_string_or_null (builder, "id", item->id);
        json_builder_set_member_name (builder, "learners");
        json_builder_add_int_value (builder, cell->learners);
        json_builder_set_member_name (builder, "started");
        json_builder_add_int_value (builder, cell->started);
        json_builder_set_member_name (builder, "completed");
        json_builder_add_int_value (builder, cell->completed);
        json_builder_end_object (builder);
      }
  json_builder_end_array (builder);
}

typedef struct
{
  gint64 day;    /* days since 1970 */
  guint  item;
} Completion;

static int
compare_completions (gconstpointer a,
                     gconstpointer b)
{
  const Completion *x = a, *y = b;

  if (x->day != y->day)
    return x->day < y->day ? -1 : 1;
  return (x->item > y->item) - (x->item < y->item);
}

/* Completions per day and item, in the order of days. */
static void
add_timeline (TrsReport   *self,
              JsonBuilder *builder)
{
  g_autoptr(GArray) completions = g_array_new (FALSE, FALSE, sizeof (Completion));
  const gint64 day_ms = G_GINT64_CONSTANT (86400000);

  for (guint l = 0; l < self->learners->len; l++)
    for (guint i = 0; i < self->n_items; i++)
      {
        const TrsReportItem *item = item_at (self, l, i);
        Completion completion = { .item = i };

        if (!item->complete || !in_period (self, item))
          continue;
        completion.day = item->completed >= 0 ? item->completed / day_ms : (item->completed - day_ms + 1) / day_ms;
        g_array_append_val (completions, completion);
      }
  g_array_sort (completions, compare_completions);

  json_builder_set_member_name (builder, "timeline");
  json_builder_begin_array (builder);
  for (guint start = 0, end; start < completions->len; start = end)
    {
      const Completion *first = &g_array_index (completions, Completion, start);
      const TrsReportItem *item = item_at (self, 0, first->item);
      g_autofree char *date = NULL;

      for (end = start + 1; end < completions->len &&
                            compare_completions (first, &g_array_index (completions, Completion, end)) == 0;
           end++)
        ;
      date = trs_csv_date (first->day * day_ms + 1);
      json_builder_begin_object (builder);
      trs_json_add_string_or_null (builder, "date", date);
      trs_json_add_string_or_null (builder, "kind", item->kind);
      trs_json_add_string_or_null (builder, "id", item->id);
      json_builder_set_member_name (builder, "completed");
      json_builder_add_int_value (builder, end - start);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* @cohort and @since as the request gave them, or NULL. */
JsonNode *
trs_report_to_json (TrsReport  *self,
                    const char *institute,
                    const char *cohort,
                    const char *since)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  trs_json_add_string_or_null (builder, "institute", institute);
  json_builder_set_member_name (builder, "generated");
  json_builder_add_int_value (builder, g_get_real_time () / 1000);
  trs_json_add_string_or_null (builder, "cohort", cohort);
  trs_json_add_string_or_null (builder, "since", since);
  add_catalogue (self, builder);
  add_learners (self, builder);
  if (self->learners->len > 0)
    add_summary (self, builder);
  else
    {
      json_builder_set_member_name (builder, "summary");
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
    }
  add_timeline (self, builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
trs_report_to_csv (TrsReport  *self,
                   const char *institute)
{
  GString *csv = g_string_sized_new (128 + self->items->len * 96);
  static const char * const header[] = {
    "institute", "cohort", "learner_id", "learner_name", "kind", "id", "done", "required", "complete",
    "completed_on", "quiz_best",
  };

  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    trs_csv_add_field (csv, header[i]);
  trs_csv_end_row (csv);
  for (guint l = 0; l < self->learners->len; l++)
    {
      TrsReportLearner *learner = g_ptr_array_index (self->learners, l);

      for (guint i = 0; i < self->n_items; i++)
        {
          const TrsReportItem *item = item_at (self, l, i);
          g_autofree char *completed = NULL;
          char done[16], required[16], quiz[16];

          if (!in_period (self, item))
            continue;
          completed = item->complete ? trs_csv_date (item->completed) : NULL;
          g_snprintf (done, sizeof done, "%u", item->done);
          g_snprintf (required, sizeof required, "%u", item->required);
          g_snprintf (quiz, sizeof quiz, "%d", item->quiz_best);
          trs_csv_add_field (csv, institute);
          trs_csv_add_field (csv, learner->cohort);
          trs_csv_add_field (csv, learner->public_id);
          trs_csv_add_field (csv, learner->name);
          trs_csv_add_field (csv, item->kind);
          trs_csv_add_field (csv, item->id);
          trs_csv_add_field (csv, done);
          trs_csv_add_field (csv, required);
          trs_csv_add_field (csv, item->complete ? "yes" : "no");
          trs_csv_add_field (csv, completed);
          trs_csv_add_field (csv, item->quiz_best >= 0 ? quiz : NULL);
          trs_csv_end_row (csv);
        }
    }
  return g_string_free (csv, FALSE);
}

/* "YYYY-MM-DD" → ms since 1970 at the start of that day, UTC. */
gboolean
trs_report_parse_date (const char *text,
                       gint64     *ms)
{
  g_autoptr(GDateTime) date = NULL;
  int year, month, day;
  char end;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &end) != 3 ||
      !g_date_valid_dmy (day, month, year) || year < 1970)
    return FALSE;
  date = g_date_time_new_utc (year, month, day, 0, 0, 0);
  if (date == NULL)
    return FALSE;
  *ms = g_date_time_to_unix (date) * 1000;
  return TRUE;
}
