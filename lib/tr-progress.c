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
  GHashTable *lessons_done;      /* lesson id */
  GHashTable *scenarios_done;    /* scenario id */
  GHashTable *scenarios_begun;   /* scenario id */
  GHashTable *exercises_done;    /* exercise id */
  gboolean    quiz_passed;
  gboolean    quiz_attempted;
  int         quiz_best;
  TrEvent    *last;
  guint       n_required;
  guint       n_done;
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

static void
apply_event (TrProgress    *self,
             const TrEvent *event)
{
  char *id;

  switch (event->verb)
    {
    case TR_VERB_EXPERIENCED:
      if ((id = object_id (event->object, "lesson/")) != NULL)
        g_hash_table_add (self->lessons_done, id);
      break;
    case TR_VERB_CHOSE:
      if ((id = object_id (event->object, "scenario/")) != NULL)
        g_hash_table_add (self->scenarios_begun, id);
      break;
    case TR_VERB_COMPLETED:
      if ((id = object_id (event->object, "scenario/")) != NULL)
        g_hash_table_add (self->scenarios_done, id);
      break;
    case TR_VERB_ANSWERED:
      if ((id = object_id (event->object, "signal-exercise/")) != NULL)
        g_hash_table_add (self->exercises_done, id);
      break;
    case TR_VERB_PASSED:
    case TR_VERB_FAILED:
      if (g_str_equal (event->object, "quiz"))
        {
          int score = (int) tr_event_result_int (event, "score", 0);

          self->quiz_attempted = TRUE;
          self->quiz_passed |= event->verb == TR_VERB_PASSED;
          self->quiz_best = MAX (self->quiz_best, score);
        }
      break;
    default:
      break;
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

        self->n_required++;
        self->n_done += g_hash_table_contains (done, id) ? 1 : 0;
      }
  else if (requirement == TR_REQUIRE_LISTED)
    for (guint i = 0; listed != NULL && listed[i] != NULL; i++)
      {
        self->n_required++;
        self->n_done += g_hash_table_contains (done, listed[i]) ? 1 : 0;
      }
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
  self->lessons_done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->scenarios_done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->scenarios_begun = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->exercises_done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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
      self->n_done += self->quiz_passed ? 1 : 0;
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
