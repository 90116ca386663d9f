/* tr-progress.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-progress"

#include <string.h>

#include "tr-progress.h"

struct _TrProgress
{
  TrCourse   *course;
  /* id → the time it was first done (a gint64 *), so that the moment the
   * course became complete is known whatever order the events came in. */
  GHashTable *lessons_done;      /* lesson id */
  GHashTable *scenarios_done;    /* scenario id */
  GHashTable *scenarios_begun;   /* scenario id */
  GHashTable *exercises_done;    /* exercise id */
  gboolean    quiz_passed;
  gboolean    quiz_attempted;
  int         quiz_best;
  gint64      quiz_passed_at;
  TrEvent    *last;
  guint       n_required;
  guint       n_done;
  gint64      completed_at;      /* the latest first-done time of what is required */
};

void
tr_progress_free (TrProgress *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->course);
  g_hash_table_unref (self->lessons_done);
  g_hash_table_unref (self->scenarios_done);
  g_hash_table_unref (self->scenarios_begun);
  g_hash_table_unref (self->exercises_done);
  g_clear_pointer (&self->last, tr_event_free);
  g_free (self);
}

/* "scenario/ID/node/NODE" → "ID" when prefix is "scenario/"; NULL otherwise. */
static char *
object_id (const char *object,
           const char *prefix)
{
  const char *rest;
  const char *slash;

  if (!g_str_has_prefix (object, prefix))
    return NULL;
  rest = object + strlen (prefix);
  slash = strchr (rest, '/');
  return slash != NULL ? g_strndup (rest, slash - rest) : g_strdup (rest);
}

/* Takes @id; keeps the earliest time it was done. */
static void
mark_done (GHashTable *table,
           char       *id,
           gint64      timestamp)
{
  gint64 *first = g_hash_table_lookup (table, id);

  if (first != NULL)
    {
      *first = MIN (*first, timestamp);
      g_free (id);
      return;
    }
  g_hash_table_insert (table, id, g_memdup2 (&timestamp, sizeof timestamp));
}

/* The table of @self that @event marks done, with the item's id in @id; or
 * NULL when the event does not count towards completion. */
static GHashTable *
done_table (TrProgress    *self,
            const TrEvent *event,
            char         **id)
{
  switch (event->verb)
    {
    case TR_VERB_EXPERIENCED:
      *id = object_id (event->object, "lesson/");
      return self->lessons_done;
    case TR_VERB_CHOSE:
      *id = object_id (event->object, "scenario/");
      return self->scenarios_begun;
    case TR_VERB_COMPLETED:
      *id = object_id (event->object, "scenario/");
      return self->scenarios_done;
    case TR_VERB_ANSWERED:
      *id = object_id (event->object, "signal-exercise/");
      return self->exercises_done;
    case TR_VERB_PASSED:
    case TR_VERB_FAILED:
    default:
      *id = NULL;
      return NULL;
    }
}

static gboolean
is_quiz_result (const TrEvent *event)
{
  return (event->verb == TR_VERB_PASSED || event->verb == TR_VERB_FAILED) &&
         g_str_equal (event->object, "quiz");
}

static void
apply_event (TrProgress    *self,
             const TrEvent *event)
{
  char *id = NULL;
  GHashTable *table = done_table (self, event, &id);

  if (table != NULL && id != NULL)
    mark_done (table, id, event->timestamp);
  else if (is_quiz_result (event))
    {
      int score = (int) tr_event_result_int (event, "score", 0);

      self->quiz_attempted = TRUE;
      self->quiz_best = MAX (self->quiz_best, score);
      if (event->verb == TR_VERB_PASSED)
        {
          self->quiz_passed_at = self->quiz_passed ? MIN (self->quiz_passed_at, event->timestamp)
                                                   : event->timestamp;
          self->quiz_passed = TRUE;
        }
    }
}

/**
 * tr_progress_event_counts:
 *
 * Whether @event can change what tr_progress_compute() says is done, or the
 * best quiz score: a lesson read, a scenario completed, a signal exercise
 * answered, a quiz passed or failed. Choices within a scenario and answers
 * to single questions do not. Of the events that count, only the earliest
 * per verb and object (and the best quiz score) matter, so a store may keep
 * just those to compute completion quickly.
 */
gboolean
tr_progress_event_counts (const TrEvent *event)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (event != NULL, FALSE);

  if (is_quiz_result (event))
    return TRUE;
  switch (event->verb)
    {
    case TR_VERB_EXPERIENCED:
      id = object_id (event->object, "lesson/");
      break;
    case TR_VERB_COMPLETED:
      id = object_id (event->object, "scenario/");
      break;
    case TR_VERB_ANSWERED:
      id = object_id (event->object, "signal-exercise/");
      break;
    default:
      break;
    }
  return id != NULL;
}

static void
count_one (TrProgress *self,
           GHashTable *done,
           const char *id)
{
  gint64 *first = g_hash_table_lookup (done, id);

  self->n_required++;
  if (first != NULL)
    {
      self->n_done++;
      self->completed_at = MAX (self->completed_at, *first);
    }
}

/* count_required () reads the id of lessons, scenarios and exercises alike. */
G_STATIC_ASSERT (G_STRUCT_OFFSET (TrLesson, id) == 0);
G_STATIC_ASSERT (G_STRUCT_OFFSET (TrScenario, id) == 0);
G_STATIC_ASSERT (G_STRUCT_OFFSET (TrSignalExercise, id) == 0);

static void
count_required (TrProgress   *self,
                TrRequirement requirement,
                GStrv         listed,
                GPtrArray    *items,
                GHashTable   *done)
{
  if (requirement == TR_REQUIRE_ALL)
    for (guint i = 0; i < items->len; i++)
      {
        /* Every item type starts with its id. */
        const char *id = *(const char * const *) g_ptr_array_index (items, i);

        count_one (self, done, id);
      }
  else if (requirement == TR_REQUIRE_LISTED)
    for (guint i = 0; listed != NULL && listed[i] != NULL; i++)
      count_one (self, done, listed[i]);
}

/**
 * tr_progress_compute:
 * @events: (element-type TrEvent): the learner's events, in any order
 *
 * Events of other courses are ignored; events of earlier versions of this
 * course count, since ids of lessons and scenarios stay stable.
 */
TrProgress *
tr_progress_compute (TrCourse  *course,
                     GPtrArray *events)
{
  TrProgress *self = g_new0 (TrProgress, 1);
  const TrCompletion *completion = tr_course_get_completion (course);

  g_return_val_if_fail (TR_IS_COURSE (course), NULL);

  self->course = g_object_ref (course);
  self->lessons_done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->scenarios_done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->scenarios_begun = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->exercises_done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->quiz_best = -1;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const TrEvent *event = g_ptr_array_index (events, i);

      if (g_strcmp0 (event->course_id, tr_course_get_id (course)) != 0)
        continue;
      apply_event (self, event);
      if (self->last == NULL || event->timestamp >= self->last->timestamp)
        {
          g_clear_pointer (&self->last, tr_event_free);
          self->last = tr_event_copy (event);
        }
    }

  count_required (self, completion->lessons, completion->lesson_ids,
                  tr_course_get_lessons (course), self->lessons_done);
  count_required (self, completion->scenarios, completion->scenario_ids,
                  tr_course_get_scenarios (course), self->scenarios_done);
  count_required (self, completion->signal_exercises, completion->signal_exercise_ids,
                  tr_course_get_signal_exercises (course), self->exercises_done);
  if (completion->quiz_pass)
    {
      self->n_required++;
      if (self->quiz_passed)
        {
          self->n_done++;
          self->completed_at = MAX (self->completed_at, self->quiz_passed_at);
        }
    }
  return self;
}

TrState
tr_progress_get_lesson_state (TrProgress *self,
                              const char *lesson_id)
{
  return g_hash_table_contains (self->lessons_done, lesson_id) ? TR_STATE_DONE : TR_STATE_NOT_STARTED;
}

TrState
tr_progress_get_scenario_state (TrProgress *self,
                                const char *scenario_id)
{
  if (g_hash_table_contains (self->scenarios_done, scenario_id))
    return TR_STATE_DONE;
  if (g_hash_table_contains (self->scenarios_begun, scenario_id))
    return TR_STATE_IN_PROGRESS;
  return TR_STATE_NOT_STARTED;
}

TrState
tr_progress_get_exercise_state (TrProgress *self,
                                const char *exercise_id)
{
  return g_hash_table_contains (self->exercises_done, exercise_id) ? TR_STATE_DONE : TR_STATE_NOT_STARTED;
}

TrState
tr_progress_get_quiz_state (TrProgress *self)
{
  if (self->quiz_passed)
    return TR_STATE_DONE;
  return self->quiz_attempted ? TR_STATE_IN_PROGRESS : TR_STATE_NOT_STARTED;
}

/* The best quiz score in percent, or -1 before the first attempt. */
int
tr_progress_get_quiz_best_score (TrProgress *self)
{
  return self->quiz_best;
}

guint
tr_progress_get_n_required (TrProgress *self)
{
  return self->n_required;
}

guint
tr_progress_get_n_done (TrProgress *self)
{
  return self->n_done;
}

double
tr_progress_get_fraction (TrProgress *self)
{
  return self->n_required > 0 ? (double) self->n_done / self->n_required : 0.0;
}

gboolean
tr_progress_is_complete (TrProgress *self)
{
  return self->n_required > 0 && self->n_done == self->n_required;
}

/* When the course became complete (ms since 1970): the time of the event
 * that did the last required thing first; 0 while it is not complete. */
gint64
tr_progress_get_completed_at (TrProgress *self)
{
  return tr_progress_is_complete (self) ? self->completed_at : 0;
}

TrState
tr_progress_get_state (TrProgress *self)
{
  if (tr_progress_is_complete (self))
    return TR_STATE_DONE;
  return self->last != NULL ? TR_STATE_IN_PROGRESS : TR_STATE_NOT_STARTED;
}

/* The learner's latest event in this course, for "continue where I left off". */
const TrEvent *
tr_progress_get_last_event (TrProgress *self)
{
  return self->last;
}
