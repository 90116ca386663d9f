/* trellis-course-page.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-course-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tr-progress.h"
#include "trellis-course-page.h"
#include "trellis-format.h"
#include "trellis-presenter.h"

struct _TrellisCoursePage
{
  AdwBin               parent_instance;

  TrellisApplication  *application;
  TrCourse            *course;
  GPtrArray           *rows;          /* { group, row } pairs to remove on refresh */

  GtkLabel            *title_label;
  GtkLabel            *summary_label;
  GtkLabel            *meta_label;
  GtkProgressBar      *progress_bar;
  GtkLabel            *progress_label;
  GtkButton           *continue_button;
  AdwPreferencesGroup *trainer_group;
  GtkWidget           *guide_row;
  GtkWidget           *present_row;
  GtkWidget           *classroom_row;
  AdwPreferencesGroup *lessons_group;
  AdwPreferencesGroup *scenarios_group;
  AdwPreferencesGroup *exercises_group;
  AdwPreferencesGroup *quiz_group;
  AdwPreferencesGroup *sources_group;
};

G_DEFINE_FINAL_TYPE (TrellisCoursePage, trellis_course_page, ADW_TYPE_BIN)

enum {
  OPEN_ITEM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
row_activated_cb (AdwActionRow      *row,
                  TrellisCoursePage *self)
{
  const char *place = g_object_get_data (G_OBJECT (row), "place");

  if (place != NULL)
    g_signal_emit (self, signals[OPEN_ITEM], 0, place);
}

static void
add_row (TrellisCoursePage   *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle,
         const char          *place,
         TrState              state)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *state_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name (trellis_state_icon_name (state));
  GtkWidget *label = gtk_label_new (trellis_format_state (state));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (label, "dim-label");
  if (state == TR_STATE_DONE)
    gtk_widget_add_css_class (icon, "success");
  gtk_box_append (GTK_BOX (state_box), icon);
  gtk_box_append (GTK_BOX (state_box), label);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), state_box);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));

  if (place != NULL)
    {
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "place", g_strdup (place), g_free);
      g_signal_connect_object (row, "activated", G_CALLBACK (row_activated_cb), self, 0);
    }
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, group);
  g_ptr_array_add (self->rows, row);
}

static void
clear_rows (TrellisCoursePage *self)
{
  for (guint i = 0; i + 1 < self->rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->rows, i), g_ptr_array_index (self->rows, i + 1));
  g_ptr_array_set_size (self->rows, 0);
}

static GPtrArray *
store_events (TrellisCoursePage *self)
{
  TrellisProgressStore *store = trellis_application_get_store (self->application);

  return store != NULL ? trellis_progress_store_get_events (store) : NULL;
}

static char *
stored_position (TrellisCoursePage *self)
{
  TrellisProgressStore *store = trellis_application_get_store (self->application);

  return store != NULL ? trellis_progress_store_get_position (store, tr_course_get_id (self->course)) : NULL;
}

static TrState
place_state (TrProgress *progress,
             const char *place)
{
  if (g_str_has_prefix (place, "lesson/"))
    return tr_progress_get_lesson_state (progress, place + strlen ("lesson/"));
  if (g_str_has_prefix (place, "scenario/"))
    return tr_progress_get_scenario_state (progress, place + strlen ("scenario/"));
  if (g_str_has_prefix (place, "signal-exercise/"))
    return tr_progress_get_exercise_state (progress, place + strlen ("signal-exercise/"));
  if (g_str_equal (place, "quiz"))
    return tr_progress_get_quiz_state (progress);
  return TR_STATE_NOT_STARTED;
}

/* Where "Continue" leads: the place the learner was last, unless it is done;
 * then the first thing in the course not yet done; the first lesson when all is. */
char *
trellis_course_page_get_next_place (TrellisCoursePage *self)
{
  g_autoptr(TrProgress) progress = NULL;
  g_autofree char *position = NULL;
  GPtrArray *lessons, *scenarios, *exercises;

  g_return_val_if_fail (TRELLIS_IS_COURSE_PAGE (self), NULL);
  if (self->course == NULL)
    return NULL;

  progress = tr_progress_compute (self->course, store_events (self));
  position = stored_position (self);
  if (position != NULL && place_state (progress, position) != TR_STATE_DONE)
    return g_steal_pointer (&position);

  lessons = tr_course_get_lessons (self->course);
  for (guint i = 0; i < lessons->len; i++)
    {
      const TrLesson *lesson = g_ptr_array_index (lessons, i);

      if (tr_progress_get_lesson_state (progress, lesson->id) != TR_STATE_DONE)
        return g_strdup_printf ("lesson/%s", lesson->id);
    }
  scenarios = tr_course_get_scenarios (self->course);
  for (guint i = 0; i < scenarios->len; i++)
    {
      const TrScenario *scenario = g_ptr_array_index (scenarios, i);

      if (tr_progress_get_scenario_state (progress, scenario->id) != TR_STATE_DONE)
        return g_strdup_printf ("scenario/%s", scenario->id);
    }
  exercises = tr_course_get_signal_exercises (self->course);
  for (guint i = 0; i < exercises->len; i++)
    {
      const TrSignalExercise *exercise = g_ptr_array_index (exercises, i);

      if (tr_progress_get_exercise_state (progress, exercise->id) != TR_STATE_DONE)
        return g_strdup_printf ("signal-exercise/%s", exercise->id);
    }
  if (tr_course_get_quiz (self->course) != NULL && tr_progress_get_quiz_state (progress) != TR_STATE_DONE)
    return g_strdup ("quiz");
  return lessons->len > 0 ? g_strdup_printf ("lesson/%s", ((TrLesson *) g_ptr_array_index (lessons, 0))->id) : NULL;
}

static void
continue_clicked_cb (TrellisCoursePage *self)
{
  g_autofree char *place = trellis_course_page_get_next_place (self);

  if (place != NULL)
    g_signal_emit (self, signals[OPEN_ITEM], 0, place);
}

static void
continue_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  continue_clicked_cb (TRELLIS_COURSE_PAGE (widget));
}

/* Trainers and admins run courses with groups; learners never see how. */
static void
update_trainer (TrellisCoursePage *self)
{
  TrellisSync *sync = self->application != NULL ? trellis_application_get_sync (self->application) : NULL;
  const char *role = sync != NULL ? trellis_sync_get_account_role (sync) : NULL;
  gboolean trainer = g_strcmp0 (role, "trainer") == 0 || g_strcmp0 (role, "admin") == 0;
  const TrGuide *guide = self->course != NULL ? tr_course_get_guide (self->course) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->trainer_group), trainer && self->course != NULL);
  gtk_widget_set_visible (self->guide_row, guide != NULL);
  gtk_widget_set_visible (self->present_row, guide != NULL && guide->plan != NULL && guide->plan->len > 0);
  if (self->course != NULL)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->classroom_row),
                                            g_variant_new_string (tr_course_get_id (self->course)));
}

static void
guide_row_activated_cb (TrellisCoursePage *self)
{
  g_signal_emit (self, signals[OPEN_ITEM], 0, "guide");
}

static void
present_row_activated_cb (TrellisCoursePage *self)
{
  if (self->course == NULL)
    return;
  trellis_presenter_open (GTK_APPLICATION (self->application), self->course,
                          trellis_application_get_language (self->application), 0);
}

void
trellis_course_page_refresh (TrellisCoursePage *self)
{
  TrLang lang = trellis_application_get_language (self->application);
  g_autoptr(TrProgress) progress = NULL;
  g_autofree char *position = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *languages = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *progress_text = NULL;
  GPtrArray *lessons, *scenarios, *exercises, *sources;
  const TrQuiz *quiz;

  g_return_if_fail (TRELLIS_IS_COURSE_PAGE (self));

  clear_rows (self);
  update_trainer (self);
  if (self->course == NULL)
    return;

  progress = tr_progress_compute (self->course, store_events (self));
  position = stored_position (self);
  duration = trellis_format_duration (tr_course_get_estimated_minutes (self->course));
  languages = trellis_format_languages (self->course);
  meta = g_strdup_printf ("%s · %s", duration, languages);
  progress_text = trellis_format_progress (progress);

  gtk_label_set_label (self->title_label, tr_text_get (tr_course_get_title (self->course), lang));
  gtk_label_set_label (self->summary_label, tr_text_get (tr_course_get_summary (self->course), lang));
  gtk_label_set_label (self->meta_label, meta);
  gtk_progress_bar_set_fraction (self->progress_bar, tr_progress_get_fraction (progress));
  gtk_label_set_label (self->progress_label, progress_text);
  gtk_button_set_label (self->continue_button,
                        tr_progress_get_state (progress) == TR_STATE_NOT_STARTED && position == NULL
                        ? _("_Start the course") : _("_Continue where I left off"));

  lessons = tr_course_get_lessons (self->course);
  for (guint i = 0; i < lessons->len; i++)
    {
      const TrLesson *lesson = g_ptr_array_index (lessons, i);
      g_autofree char *place = g_strdup_printf ("lesson/%s", lesson->id);
      g_autofree char *minutes = trellis_format_duration (lesson->minutes);
      TrState state = tr_progress_get_lesson_state (progress, lesson->id);

      if (state == TR_STATE_NOT_STARTED && g_strcmp0 (position, place) == 0)
        state = TR_STATE_IN_PROGRESS;
      add_row (self, self->lessons_group, tr_text_get (&lesson->title, lang), minutes, place, state);
    }

  scenarios = tr_course_get_scenarios (self->course);
  gtk_widget_set_visible (GTK_WIDGET (self->scenarios_group), scenarios->len > 0);
  for (guint i = 0; i < scenarios->len; i++)
    {
      const TrScenario *scenario = g_ptr_array_index (scenarios, i);
      g_autofree char *place = g_strdup_printf ("scenario/%s", scenario->id);

      add_row (self, self->scenarios_group, tr_text_get (&scenario->title, lang),
               tr_text_get (&scenario->role, lang), place,
               tr_progress_get_scenario_state (progress, scenario->id));
    }

  exercises = tr_course_get_signal_exercises (self->course);
  gtk_widget_set_visible (GTK_WIDGET (self->exercises_group), exercises->len > 0);
  for (guint i = 0; i < exercises->len; i++)
    {
      const TrSignalExercise *exercise = g_ptr_array_index (exercises, i);
      g_autofree char *place = g_strdup_printf ("signal-exercise/%s", exercise->id);
      g_autofree char *count = g_strdup_printf (ngettext ("%u statement", "%u statements", exercise->statements->len),
                                                exercise->statements->len);

      add_row (self, self->exercises_group, tr_text_get (&exercise->title, lang), count, place,
               tr_progress_get_exercise_state (progress, exercise->id));
    }

  quiz = tr_course_get_quiz (self->course);
  gtk_widget_set_visible (GTK_WIDGET (self->quiz_group), quiz != NULL);
  if (quiz != NULL)
    {
      g_autofree char *subtitle = NULL;
      int best = tr_progress_get_quiz_best_score (progress);

      if (best >= 0)
        subtitle = g_strdup_printf (_("%u questions · pass mark %d%% · best score %d%%"),
                                    quiz->questions->len, quiz->pass_mark, best);
      else
        subtitle = g_strdup_printf (_("%u questions · pass mark %d%%"), quiz->questions->len, quiz->pass_mark);
      add_row (self, self->quiz_group, _("Quiz"), subtitle, "quiz", tr_progress_get_quiz_state (progress));
    }

  sources = tr_course_get_sources (self->course);
  gtk_widget_set_visible (GTK_WIDGET (self->sources_group), sources->len > 0);
  for (guint i = 0; i < sources->len; i++)
    {
      const TrSource *source = g_ptr_array_index (sources, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf ("[%s] %s", source->id, source->title);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      if (source->url != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), source->url);
      adw_preferences_group_add (self->sources_group, row);
      g_ptr_array_add (self->rows, self->sources_group);
      g_ptr_array_add (self->rows, row);
    }
}

void
trellis_course_page_set_course (TrellisCoursePage *self,
                                TrCourse          *course)
{
  g_return_if_fail (TRELLIS_IS_COURSE_PAGE (self));

  g_set_object (&self->course, course);
  trellis_course_page_refresh (self);
}

TrCourse *
trellis_course_page_get_course (TrellisCoursePage *self)
{
  g_return_val_if_fail (TRELLIS_IS_COURSE_PAGE (self), NULL);
  return self->course;
}

GtkWidget *
trellis_course_page_new (TrellisApplication *application)
{
  TrellisCoursePage *self = g_object_new (TRELLIS_TYPE_COURSE_PAGE, NULL);

  self->application = application;
  if (trellis_application_get_sync (application) != NULL)
    g_signal_connect_object (trellis_application_get_sync (application), "notify::account-role",
                             G_CALLBACK (update_trainer), self, G_CONNECT_SWAPPED);
  update_trainer (self);
  return GTK_WIDGET (self);
}

static void
trellis_course_page_dispose (GObject *object)
{
  TrellisCoursePage *self = TRELLIS_COURSE_PAGE (object);

  g_clear_object (&self->course);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRELLIS_TYPE_COURSE_PAGE);

  G_OBJECT_CLASS (trellis_course_page_parent_class)->dispose (object);
}

static void
trellis_course_page_class_init (TrellisCoursePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_course_page_dispose;

  signals[OPEN_ITEM] =
    g_signal_new ("open-item", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-course-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, meta_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, continue_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, trainer_group);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, guide_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, present_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, classroom_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, lessons_group);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, scenarios_group);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, exercises_group);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, quiz_group);
  gtk_widget_class_bind_template_child (widget_class, TrellisCoursePage, sources_group);
  gtk_widget_class_bind_template_callback (widget_class, continue_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, guide_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, present_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "course.continue", NULL, continue_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "course.continue", NULL);
}

static void
trellis_course_page_init (TrellisCoursePage *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
