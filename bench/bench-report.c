/* bench-report.c: the institute completion report on a generated data set,
 * timed and checked against a straightforward recount
 *
 *   bench-report [--learners 10000] [--events 1000000] [--courses DIR] [--runs 5]
 *
 * Makes a throw-away database with the server's own store (so that its
 * milestones are kept as in production), fills it with learners whose
 * events follow the shape the app writes, then:
 *  - times the report (the database read, the completion rules, the CSV)
 *    over several runs and prints the median;
 *  - recounts every learner's completion from all of their events, by the
 *    rules of lib/tr-progress.c and a plain replay for the completion date,
 *    and compares each item; any difference makes the exit status 1;
 *  - times an incremental pull (events after a cursor) of 1, 100 and 10,000
 *    new events with all of the events stored.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-report"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tr-progress.h"

#include "bench-util.h"
#include "trs-catalogue.h"
#include "trs-report.h"
#include "trs-store.h"
#include "trs-store-reports.h"

#define INSTITUTE     "Bench Institute"
#define N_COHORTS     10
#define PULL_EVENTS   10000

typedef struct
{
  guint      n_learners;
  guint      n_events;
  GPtrArray *courses;
  GPtrArray *paths;
  GArray    *account_ids;     /* gint64 */
  gint64     institute_id;
  GRand     *rand;
  guint      first;           /* the learners a fill job handles */
  guint      count;
} Bench;

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

/* ----------------------------------------------------------------------- */
/* Generating                                                               */

static gpointer
accounts_job (TrsStore  *store,
              gpointer   data,
              GError   **error)
{
  Bench *bench = data;
  gint64 cohorts[N_COHORTS];

  bench->institute_id = trs_store_institute_create (store, INSTITUTE, error);
  if (bench->institute_id == 0)
    return NULL;
  for (guint c = 0; c < N_COHORTS; c++)
    {
      g_autofree char *name = g_strdup_printf ("cohort-%02u", c + 1);

      if ((cohorts[c] = trs_store_cohort_ensure (store, bench->institute_id, name, error)) == 0)
        return NULL;
    }
  for (guint i = 0; i < bench->n_learners; i++)
    {
      g_autofree char *name = g_strdup_printf ("Learner %05u", i + 1);
      g_autofree char *email = g_strdup_printf ("learner%05u@bench.example", i + 1);
      /* Never checked here: hashing 10,000 passwords would only time Argon2id. */
      g_autoptr(TrsAccount) account = trs_store_account_create (store, bench->institute_id,
                                                                cohorts[i % N_COHORTS], "learner", name, email,
                                                                "$argon2id$bench", error);

      if (account == NULL)
        return NULL;
      g_array_append_val (bench->account_ids, account->id);
    }
  return GINT_TO_POINTER (TRUE);
}

static TrEvent *
make_event (TrCourse   *course,
            TrVerb      verb,
            const char *object,
            JsonObject *result,
            gint64      timestamp)
{
  TrEvent *event = tr_event_new ("bench", verb, tr_course_get_id (course), tr_course_get_version (course),
                                 object, result);

  event->timestamp = timestamp;
  if (result != NULL)
    json_object_unref (result);
  return event;
}

static JsonObject *
score_result (int score)
{
  JsonObject *result = json_object_new ();

  json_object_set_int_member (result, "score", score);
  return result;
}

/* One thing a learner does in @course, as the app records it. */
static TrEvent *
random_event (GRand    *rand,
              TrCourse *course,
              gint64    timestamp)
{
  GPtrArray *lessons = tr_course_get_lessons (course);
  GPtrArray *scenarios = tr_course_get_scenarios (course);
  GPtrArray *exercises = tr_course_get_signal_exercises (course);
  const TrQuiz *quiz = tr_course_get_quiz (course);
  int dice = g_rand_int_range (rand, 0, 100);
  g_autofree char *object = NULL;

  if (dice < 25 && lessons->len > 0)
    {
      const TrLesson *lesson = g_ptr_array_index (lessons, g_rand_int_range (rand, 0, lessons->len));

      object = g_strdup_printf ("lesson/%s", lesson->id);
      return make_event (course, TR_VERB_EXPERIENCED, object, NULL, timestamp);
    }
  if (dice < 60 && scenarios->len > 0)
    {
      const TrScenario *scenario = g_ptr_array_index (scenarios, g_rand_int_range (rand, 0, scenarios->len));
      const TrScenarioNode *node = g_ptr_array_index (scenario->nodes, g_rand_int_range (rand, 0, scenario->nodes->len));
      JsonObject *result = json_object_new ();

      json_object_set_string_member (result, "choice", "a-choice");
      json_object_set_int_member (result, "weight", g_rand_int_range (rand, -1, 3));
      object = g_strdup_printf ("scenario/%s/node/%s", scenario->id, node->id);
      return make_event (course, TR_VERB_CHOSE, object, result, timestamp);
    }
  if (dice < 70 && scenarios->len > 0)
    {
      const TrScenario *scenario = g_ptr_array_index (scenarios, g_rand_int_range (rand, 0, scenarios->len));

      object = g_strdup_printf ("scenario/%s", scenario->id);
      return make_event (course, TR_VERB_COMPLETED, object, score_result (g_rand_int_range (rand, 0, 10)), timestamp);
    }
  if (dice < 75 && exercises->len > 0)
    {
      const TrSignalExercise *exercise = g_ptr_array_index (exercises, g_rand_int_range (rand, 0, exercises->len));

      object = g_strdup_printf ("signal-exercise/%s", exercise->id);
      return make_event (course, TR_VERB_ANSWERED, object, NULL, timestamp);
    }
  if (dice < 93 && quiz != NULL && quiz->questions->len > 0)
    {
      const TrQuestion *question = g_ptr_array_index (quiz->questions,
                                                      g_rand_int_range (rand, 0, quiz->questions->len));

      object = g_strdup_printf ("quiz/question/%s", question->id);
      return make_event (course, TR_VERB_ANSWERED, object, NULL, timestamp);
    }
  {
    int score = g_rand_int_range (rand, 30, 101);
    int pass_mark = quiz != NULL ? quiz->pass_mark : 80;

    return make_event (course, score >= pass_mark ? TR_VERB_PASSED : TR_VERB_FAILED, "quiz",
                       score_result (score), timestamp);
  }
}

/* A learner's events: mostly in the order they did things, a few sent late
 * (from a device that was offline), over about a year. */
static GPtrArray *
learner_events (Bench *bench,
                guint  n)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_event_free);
  gint64 timestamp = G_GINT64_CONSTANT (1798761600000) + g_rand_int_range (bench->rand, 0, 180) * G_GINT64_CONSTANT (86400000);
  /* Most learners stick to one or two courses. */
  guint focus = g_rand_int_range (bench->rand, 0, bench->courses->len);

  for (guint e = 0; e < n; e++)
    {
      guint c = g_rand_int_range (bench->rand, 0, 100) < 70 ? focus
                                                           : (guint) g_rand_int_range (bench->rand, 0, bench->courses->len);

      timestamp += g_rand_int_range (bench->rand, 1, 48 * 60) * G_GINT64_CONSTANT (60000);
      g_ptr_array_add (events, random_event (bench->rand, g_ptr_array_index (bench->courses, c), timestamp));
    }
  for (guint swaps = n / 20; swaps > 0 && n > 1; swaps--)
    {
      guint a = g_rand_int_range (bench->rand, 0, n), b = g_rand_int_range (bench->rand, 0, n);
      gpointer first = events->pdata[a];

      events->pdata[a] = events->pdata[b];
      events->pdata[b] = first;
    }
  return events;
}

static gpointer
events_job (TrsStore  *store,
            gpointer   data,
            GError   **error)
{
  Bench *bench = data;
  guint per_learner = bench->n_events / bench->n_learners;
  guint extra = bench->n_events % bench->n_learners;

  for (guint i = bench->first; i < bench->first + bench->count; i++)
    {
      TrsAccount account = { .id = g_array_index (bench->account_ids, gint64, i) };
      g_autoptr(GPtrArray) events = learner_events (bench, per_learner + (i < extra ? 1 : 0));

      if (!trs_store_events_insert (store, &account, events, NULL, NULL, NULL, error))
        return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

static gboolean
fill (TrsStore  *store,
      Bench     *bench,
      GError   **error)
{
  const guint per_job = 200;

  if (trs_store_run_sync (store, TRS_JOB_WRITE, accounts_job, bench, error) == NULL)
    return FALSE;
  for (bench->first = 0; bench->first < bench->n_learners; bench->first += per_job)
    {
      bench->count = MIN (per_job, bench->n_learners - bench->first);
      if (trs_store_run_sync (store, TRS_JOB_WRITE, events_job, bench, error) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* ----------------------------------------------------------------------- */
/* The report, timed                                                        */

typedef struct
{
  Bench     *bench;
  TrsReport *report;
  gint64     query_us;
  gint64     compute_us;
} ReportRun;

static gpointer
report_job (TrsStore  *store,
            gpointer   data,
            GError   **error)
{
  ReportRun *run = data;
  gint64 start = now_us ();
  g_autoptr(GPtrArray) learners = trs_store_report_learners (store, run->bench->institute_id, 0, error);
  gint64 read = now_us ();

  if (learners == NULL)
    return NULL;
  run->report = trs_report_new (learners, run->bench->courses, run->bench->paths, 0);
  run->query_us = read - start;
  run->compute_us = now_us () - read;
  return run->report;
}

/* ----------------------------------------------------------------------- */
/* The recount                                                              */

static int
compare_by_time (gconstpointer a,
                 gconstpointer b)
{
  const TrEvent *x = *(TrEvent * const *) a, *y = *(TrEvent * const *) b;

  return (x->timestamp > y->timestamp) - (x->timestamp < y->timestamp);
}

/* The time of the event after which @course was first complete: replays
 * the events in time order and looks for the shortest complete prefix. */
static gint64
replay_completed_at (TrCourse  *course,
                     GPtrArray *sorted)
{
  g_autoptr(GPtrArray) prefix = g_ptr_array_new ();
  guint low = 1, high = sorted->len;

  {
    g_autoptr(TrProgress) all = tr_progress_compute (course, sorted);

    if (!tr_progress_is_complete (all))
      return 0;
  }
  /* Completion only grows with more events: bisect on the prefix length. */
  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      g_autoptr(TrProgress) progress = NULL;

      g_ptr_array_set_size (prefix, 0);
      for (guint i = 0; i < middle; i++)
        g_ptr_array_add (prefix, g_ptr_array_index (sorted, i));
      progress = tr_progress_compute (course, prefix);
      if (tr_progress_is_complete (progress))
        high = middle;
      else
        low = middle + 1;
    }
  return ((TrEvent *) g_ptr_array_index (sorted, low - 1))->timestamp;
}

typedef struct
{
  Bench     *bench;
  TrsReport *report;
  guint      items;
  guint      mismatches;
  guint      complete;
} Recount;

static void
mismatch (Recount    *recount,
          guint       learner,
          const char *id,
          const char *what)
{
  if (recount->mismatches++ < 10)
    g_printerr ("mismatch: learner %u, %s: %s\n", learner, id, what);
}

static gpointer
recount_job (TrsStore  *store,
             gpointer   data,
             GError   **error)
{
  Recount *recount = data;
  Bench *bench = recount->bench;

  for (guint l = 0; l < bench->account_ids->len; l++)
    {
      g_autoptr(GPtrArray) events = trs_store_events_all (store, g_array_index (bench->account_ids, gint64, l), error);
      g_autoptr(GHashTable) course_done = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

      if (events == NULL)
        return NULL;
      g_ptr_array_sort (events, compare_by_time);
      for (guint c = 0; c < bench->courses->len; c++)
        {
          TrCourse *course = g_ptr_array_index (bench->courses, c);
          g_autoptr(TrProgress) progress = tr_progress_compute (course, events);
          const TrsReportItem *item = trs_report_get_item (recount->report, l, "course", tr_course_get_id (course));
          gint64 completed = replay_completed_at (course, events);

          recount->items++;
          if (item == NULL)
            {
              mismatch (recount, l, tr_course_get_id (course), "missing");
              continue;
            }
          if (item->done != tr_progress_get_n_done (progress) || item->required != tr_progress_get_n_required (progress))
            mismatch (recount, l, item->id, "done or required differ");
          if (item->complete != tr_progress_is_complete (progress))
            mismatch (recount, l, item->id, "complete differs");
          if (item->quiz_best != tr_progress_get_quiz_best_score (progress))
            mismatch (recount, l, item->id, "quiz score differs");
          if (item->completed != completed)
            mismatch (recount, l, item->id, "completion date differs");
          if (completed != 0)
            {
              recount->complete++;
              g_hash_table_insert (course_done, (gpointer) tr_course_get_id (course), g_memdup2 (&completed, sizeof completed));
            }
        }
      for (guint p = 0; p < bench->paths->len; p++)
        {
          TrLearningPath *path = g_ptr_array_index (bench->paths, p);
          const char * const *ids = tr_learning_path_get_course_ids (path);
          const TrsReportItem *item = trs_report_get_item (recount->report, l, "path", tr_learning_path_get_id (path));
          gboolean complete = TRUE;
          gint64 last = 0;

          for (guint i = 0; ids[i] != NULL; i++)
            {
              gint64 *at = g_hash_table_lookup (course_done, ids[i]);

              complete = complete && at != NULL;
              last = at != NULL ? MAX (last, *at) : last;
            }
          recount->items++;
          if (item == NULL || item->complete != complete || item->completed != (complete ? last : 0))
            mismatch (recount, l, tr_learning_path_get_id (path), "path differs");
        }
    }
  return GINT_TO_POINTER (TRUE);
}

/* ----------------------------------------------------------------------- */
/* Incremental pull                                                         */

typedef struct
{
  Bench  *bench;
  gint64  account_id;
  gint64  after;
  guint   want;
  guint   got;
} Pull;

static gpointer
pull_fill_job (TrsStore  *store,
               gpointer   data,
               GError   **error)
{
  Pull *pull = data;
  TrsAccount account = { .id = pull->account_id };
  g_autoptr(GPtrArray) events = learner_events (pull->bench, PULL_EVENTS);

  if (!trs_store_events_insert (store, &account, events, NULL, NULL, NULL, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static gpointer
pull_job (TrsStore  *store,
          gpointer   data,
          GError   **error)
{
  Pull *pull = data;
  gint64 cursor;
  gboolean more = TRUE;
  gint64 after = pull->after;

  pull->got = 0;
  /* As a client does: pages of up to 1000 until there are no more. */
  while (more)
    {
      g_autoptr(GPtrArray) page = trs_store_events_after (store, pull->account_id, after, 1000, &cursor, &more, error);

      if (page == NULL)
        return NULL;
      pull->got += page->len;
      after = cursor;
    }
  return GINT_TO_POINTER (TRUE);
}

/* The cursor that leaves the account's last @pull->want events to pull. */
static gpointer
cursor_job (TrsStore  *store,
            gpointer   data,
            GError   **error)
{
  Pull *pull = data;
  gint64 cursor = 0;
  gboolean more;
  g_autoptr(GPtrArray) all = trs_store_events_all (store, pull->account_id, error);
  g_autoptr(GPtrArray) older = NULL;

  if (all == NULL)
    return NULL;
  pull->after = 0;
  if (all->len > pull->want)
    {
      older = trs_store_events_after (store, pull->account_id, 0, all->len - pull->want, &cursor, &more, error);
      if (older == NULL)
        return NULL;
      pull->after = cursor;
    }
  return GINT_TO_POINTER (TRUE);
}

static void
time_pulls (TrsStore *store,
            Bench    *bench)
{
  static const guint news[] = { 1, 100, 10000 };
  Pull pull = { .bench = bench, .account_id = g_array_index (bench->account_ids, gint64, 0) };
  g_autoptr(GError) error = NULL;

  if (trs_store_run_sync (store, TRS_JOB_WRITE, pull_fill_job, &pull, &error) == NULL)
    g_error ("pull: %s", error->message);
  g_print ("incremental pull with %u events stored (median of 5):", bench->n_events + PULL_EVENTS);
  for (guint i = 0; i < G_N_ELEMENTS (news); i++)
    {
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));

      pull.want = news[i];
      if (trs_store_run_sync (store, TRS_JOB_READ, cursor_job, &pull, &error) == NULL)
        g_error ("pull: %s", error->message);
      for (int r = 0; r < 5; r++)
        {
          gint64 begin = now_us (), elapsed;

          if (trs_store_run_sync (store, TRS_JOB_READ, pull_job, &pull, &error) == NULL)
            g_error ("pull: %s", error->message);
          elapsed = now_us () - begin;
          g_array_append_val (times, elapsed);
        }
      if (pull.got != news[i])
        g_error ("pull: expected %u new events, got %u", news[i], pull.got);
      g_print (" %u new: %.2f ms%s", news[i], bench_percentile_ms (times, 50),
               i + 1 < G_N_ELEMENTS (news) ? "," : "\n");
    }
}

int
main (int    argc,
      char **argv)
{
  int learners = 10000, events = 1000000, runs = 5;
  g_autofree char *courses_dir = NULL;
  g_autofree char *keep = NULL;
  GOptionEntry entries[] = {
    { "learners", 0, 0, G_OPTION_ARG_INT, &learners, "Learners to generate (10000)", "N" },
    { "events", 0, 0, G_OPTION_ARG_INT, &events, "Events to generate (1000000)", "N" },
    { "courses", 0, 0, G_OPTION_ARG_FILENAME, &courses_dir, "The courses (the source tree's courses/)", "DIR" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Timed runs of the report (5)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Leave the database in this new folder", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— time and check the completion report");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autoptr(GArray) query = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) compute = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) csv = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) total = g_array_new (FALSE, FALSE, sizeof (gint64));
  Bench bench = { 0 };
  Recount recount = { 0 };
  ReportRun last = { 0 };
  TrsStore *store;
  gint64 start;
  gsize csv_bytes = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || learners < 1 || events < learners || runs < 1)
    {
      g_printerr ("bench-report: %s\n", error != NULL ? error->message : "needs at least one event per learner");
      return 2;
    }
  if (courses_dir == NULL)
    courses_dir = g_strdup (g_getenv ("TRELLIS_SOURCE_COURSES"));
  if (courses_dir == NULL)
    courses_dir = g_build_filename (SOURCE_ROOT, "courses", NULL);

  bench.n_learners = learners;
  bench.n_events = events;
  bench.paths = g_ptr_array_new_with_free_func (g_object_unref);
  bench.courses = trs_catalogue_load (courses_dir, bench.paths);
  bench.account_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.rand = g_rand_new_with_seed (20261123);
  if (bench.courses->len == 0)
    {
      g_printerr ("bench-report: no courses in %s\n", courses_dir);
      return 2;
    }

  if (keep != NULL)
    {
      if (g_mkdir_with_parents (keep, 0700) != 0)
        g_error ("cannot make %s", keep);
      dir = g_strdup (keep);
    }
  else
    dir = g_dir_make_tmp ("bench-report-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "trellis.db", NULL);
  store = trs_store_open (db, &error);
  g_assert_no_error (error);

  start = now_us ();
  if (!fill (store, &bench, &error))
    g_error ("filling the database: %s", error->message);
  g_print ("generated %u learners, %u events (%u courses, %u paths) in %.1f s\n", bench.n_learners,
           bench.n_events, bench.courses->len, bench.paths->len, (now_us () - start) / 1e6);

  for (int r = 0; r < runs; r++)
    {
      ReportRun run = { .bench = &bench };
      g_autofree char *text = NULL;
      gint64 begin = now_us (), csv_start, csv_us, total_us;

      if (trs_store_run_sync (store, TRS_JOB_READ, report_job, &run, &error) == NULL)
        g_error ("report: %s", error->message);
      csv_start = now_us ();
      text = trs_report_to_csv (run.report, INSTITUTE);
      csv_us = now_us () - csv_start;
      total_us = now_us () - begin;
      csv_bytes = strlen (text);
      g_array_append_val (query, run.query_us);
      g_array_append_val (compute, run.compute_us);
      g_array_append_val (csv, csv_us);
      g_array_append_val (total, total_us);
      if (r < runs - 1)
        trs_report_free (run.report);
      else
        last = run;
    }
  g_print ("report (median of %d): %.1f ms in all: read %.1f ms, completion rules %.1f ms, CSV %.1f ms "
           "(%" G_GSIZE_FORMAT " bytes)\n", runs, bench_percentile_ms (total, 50), bench_percentile_ms (query, 50),
           bench_percentile_ms (compute, 50), bench_percentile_ms (csv, 50), csv_bytes);

  recount.bench = &bench;
  recount.report = last.report;
  start = now_us ();
  if (trs_store_run_sync (store, TRS_JOB_READ, recount_job, &recount, &error) == NULL)
    g_error ("recount: %s", error->message);
  g_print ("recount: %u items of %u learners checked in %.1f s, %u complete courses, %u differences\n",
           recount.items, trs_report_get_n_learners (last.report), (now_us () - start) / 1e6, recount.complete,
           recount.mismatches);

  time_pulls (store, &bench);

  trs_report_free (last.report);
  trs_store_close (store);
  if (keep != NULL)
    g_print ("the database is in %s\n", db);
  else
    g_remove (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  if (keep == NULL)
    g_rmdir (dir);
  g_array_unref (bench.account_ids);
  g_ptr_array_unref (bench.courses);
  g_ptr_array_unref (bench.paths);
  g_rand_free (bench.rand);
  return recount.mismatches == 0 ? 0 : 1;
}
