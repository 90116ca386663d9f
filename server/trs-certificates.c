/* trs-certificates.c: what a certificate states, re-derived from the
 * learner's stored events
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include "tr-progress.h"

#include "trs-certificates.h"

static TrCourse *
find_course (GPtrArray  *courses,
             const char *id)
{
  for (guint i = 0; i < courses->len; i++)
    {
      TrCourse *course = g_ptr_array_index (courses, i);

      if (g_strcmp0 (tr_course_get_id (course), id) == 0)
        return course;
    }
  return NULL;
}

static void
text_copy (TrText       *to,
           const TrText *from)
{
  for (guint i = 0; i < TR_N_LANGS; i++)
    to->s[i] = g_strdup (from->s[i]);
}

char *
trs_path_version (TrLearningPath *path,
                  GPtrArray      *courses)
{
  const char * const *ids = tr_learning_path_get_course_ids (path);
  g_autoptr(GString) version = g_string_new (NULL);

  g_return_val_if_fail (TR_IS_LEARNING_PATH (path), NULL);
  g_return_val_if_fail (courses != NULL, NULL);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      TrCourse *course = find_course (courses, ids[i]);

      if (course == NULL)
        return NULL;
      g_string_append_printf (version, "%s%s@%s", i > 0 ? "," : "", ids[i], tr_course_get_version (course));
    }
  return g_string_free (g_steal_pointer (&version), FALSE);
}

/* Lessons, scenarios and signal exercises all start with their id and
 * title (tr-course.h), which is what the message names them by. */
typedef struct
{
  char   *id;
  TrText  title;
} Item;

G_STATIC_ASSERT (G_STRUCT_OFFSET (TrLesson, id) == G_STRUCT_OFFSET (Item, id));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TrLesson, title) == G_STRUCT_OFFSET (Item, title));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TrScenario, id) == G_STRUCT_OFFSET (Item, id));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TrScenario, title) == G_STRUCT_OFFSET (Item, title));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TrSignalExercise, id) == G_STRUCT_OFFSET (Item, id));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TrSignalExercise, title) == G_STRUCT_OFFSET (Item, title));

typedef TrState (*StateFunc) (TrProgress *progress, const char *id);

static const Item *
find_item (GPtrArray  *items,
           const char *id)
{
  for (guint i = 0; i < items->len; i++)
    {
      const Item *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (item->id, id) == 0)
        return item;
    }
  return NULL;
}

static void
add_missing (GPtrArray     *missing,
             TrProgress    *progress,
             TrRequirement  requirement,
             GStrv          listed,
             GPtrArray     *items,
             StateFunc      state,
             const char    *what,
             const char    *not_done)
{
  if (requirement == TR_REQUIRE_ALL)
    {
      for (guint i = 0; i < items->len; i++)
        {
          const Item *item = g_ptr_array_index (items, i);

          if (state (progress, item->id) != TR_STATE_DONE)
            g_ptr_array_add (missing, g_strdup_printf ("%s \"%s\" is not %s", what,
                                                       tr_text_get (&item->title, TR_LANG_EN), not_done));
        }
    }
  else if (requirement == TR_REQUIRE_LISTED)
    {
      for (guint i = 0; listed != NULL && listed[i] != NULL; i++)
        {
          const Item *item = find_item (items, listed[i]);

          if (state (progress, listed[i]) != TR_STATE_DONE)
            g_ptr_array_add (missing, g_strdup_printf ("%s \"%s\" is not %s", what,
                                                       item != NULL ? tr_text_get (&item->title, TR_LANG_EN)
                                                                    : listed[i],
                                                       not_done));
        }
    }
}

/* "2 of 5 required items done: lesson "…" is not read, the quiz is not
 * passed". */
static char *
describe_missing (TrCourse   *course,
                  TrProgress *progress)
{
  const TrCompletion *completion = tr_course_get_completion (course);
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new (NULL);

  if (tr_progress_get_n_required (progress) == 0)
    return g_strdup ("the course sets no completion requirements, so it gives no certificate");

  add_missing (missing, progress, completion->lessons, completion->lesson_ids,
               tr_course_get_lessons (course), tr_progress_get_lesson_state, "lesson", "read");
  add_missing (missing, progress, completion->scenarios, completion->scenario_ids,
               tr_course_get_scenarios (course), tr_progress_get_scenario_state, "scenario", "completed");
  add_missing (missing, progress, completion->signal_exercises, completion->signal_exercise_ids,
               tr_course_get_signal_exercises (course), tr_progress_get_exercise_state, "signal exercise",
               "answered");
  if (completion->quiz_pass && tr_progress_get_quiz_state (progress) != TR_STATE_DONE)
    g_ptr_array_add (missing, g_strdup ("the quiz is not passed"));

  g_string_printf (text, "%u of %u required items done",
                   tr_progress_get_n_done (progress), tr_progress_get_n_required (progress));
  for (guint i = 0; i < missing->len; i++)
    g_string_append_printf (text, "%s%s", i == 0 ? ": " : ", ", (const char *) g_ptr_array_index (missing, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

TrCredentialInfo *
trs_achievement_course (TrCourse   *course,
                        GPtrArray  *events,
                        int        *validity_months,
                        char      **missing)
{
  g_autoptr(TrProgress) progress = NULL;
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autoptr(GStrvBuilder) modules = g_strv_builder_new ();

  g_return_val_if_fail (TR_IS_COURSE (course), NULL);
  g_return_val_if_fail (missing != NULL && *missing == NULL, NULL);

  progress = tr_progress_compute (course, events);
  if (!tr_progress_is_complete (progress))
    {
      *missing = describe_missing (course, progress);
      return NULL;
    }

  info = tr_credential_info_new ();
  info->achievement_id = g_strdup (tr_course_get_id (course));
  info->achievement_kind = g_strdup ("course");
  text_copy (&info->title, tr_course_get_title (course));
  g_strv_builder_add (modules, tr_text_get (tr_course_get_title (course), TR_LANG_EN));
  info->modules = g_strv_builder_end (modules);
  info->study_hours = tr_course_get_estimated_minutes (course) / 60.0;
  info->version = g_strdup (tr_course_get_version (course));
  info->quiz_score = tr_progress_get_quiz_best_score (progress);
  if (validity_months != NULL)
    *validity_months = tr_course_get_validity_months (course);
  return g_steal_pointer (&info);
}

TrCredentialInfo *
trs_achievement_path (TrLearningPath  *path,
                      GPtrArray       *courses,
                      GPtrArray       *events,
                      int             *validity_months,
                      char           **missing)
{
  const char * const *ids = tr_learning_path_get_course_ids (path);
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autoptr(GStrvBuilder) modules = g_strv_builder_new ();
  g_autoptr(GString) not_done = g_string_new (NULL);
  guint n_courses = 0, n_complete = 0;
  int lowest_score = -1;
  int minutes = 0;

  g_return_val_if_fail (TR_IS_LEARNING_PATH (path), NULL);
  g_return_val_if_fail (courses != NULL, NULL);
  g_return_val_if_fail (missing != NULL && *missing == NULL, NULL);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      TrCourse *course = find_course (courses, ids[i]);
      g_autoptr(TrProgress) progress = NULL;
      int score;

      n_courses++;
      if (course == NULL)
        {
          g_string_append_printf (not_done, "%scourse \"%s\" is not published on this server",
                                  not_done->len > 0 ? "; " : "", ids[i]);
          continue;
        }
      progress = tr_progress_compute (course, events);
      if (!tr_progress_is_complete (progress))
        {
          g_autofree char *what = describe_missing (course, progress);

          g_string_append_printf (not_done, "%scourse \"%s\": %s", not_done->len > 0 ? "; " : "",
                                  tr_text_get (tr_course_get_title (course), TR_LANG_EN), what);
          continue;
        }
      n_complete++;
      g_strv_builder_add (modules, tr_text_get (tr_course_get_title (course), TR_LANG_EN));
      minutes += tr_course_get_estimated_minutes (course);
      /* The path's score is its weakest course's: a high score elsewhere
       * does not make up for it. Courses without a quiz do not count. */
      score = tr_progress_get_quiz_best_score (progress);
      if (score >= 0 && (lowest_score < 0 || score < lowest_score))
        lowest_score = score;
    }
  if (n_courses == 0 || n_complete < n_courses)
    {
      if (n_courses == 0)
        *missing = g_strdup ("the learning path has no courses");
      else
        *missing = g_strdup_printf ("%u of %u courses complete; %s", n_complete, n_courses, not_done->str);
      return NULL;
    }

  info = tr_credential_info_new ();
  info->achievement_id = g_strdup (tr_learning_path_get_id (path));
  info->achievement_kind = g_strdup ("path");
  text_copy (&info->title, tr_learning_path_get_title (path));
  info->modules = g_strv_builder_end (modules);
  info->study_hours = minutes / 60.0;
  info->version = trs_path_version (path, courses);
  info->quiz_score = lowest_score;
  if (validity_months != NULL)
    *validity_months = tr_learning_path_get_validity_months (path);
  return g_steal_pointer (&info);
}

gint64
trs_add_months (gint64 ms,
                int    months)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) end = NULL;

  if (start == NULL)
    return ms;
  end = g_date_time_add_months (start, months);
  if (end == NULL)
    return ms;
  return g_date_time_to_unix (end) * 1000 + ms % 1000;
}
