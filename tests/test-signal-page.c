/* test-signal-page.c: marking the example course's signal exercise
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tr-course-loader.h"
#include "tr-markdown.h"
#include "tr-test-gtk.h"
#include "tr-test-store.h"
#include "tr-test-util.h"
#include "trellis-progress-store.h"
#include "trellis-signal-page.h"

#define EXERCISE_ID "corridor-signals"
#define CHECK_LABEL "_Check my answers"
#define TRY_AGAIN_LABEL "_Try again"

typedef struct
{
  TrellisProgressStore   *store;
  TrCourse               *course;
  const TrSignalExercise *exercise;
  GtkWidget              *window;
} Fixture;

static gboolean
fixture_set_up (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *course_dir = NULL;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return FALSE;
    }

  f->store = tr_test_store_new_temp ("signal-page");

  course_dir = tr_test_fixture_path ("example-course", NULL);
  f->course = tr_course_load_valid (course_dir, &error);
  g_assert_no_error (error);
  f->exercise = tr_course_find_signal_exercise (f->course, EXERCISE_ID);
  g_assert_nonnull (f->exercise);
  return TRUE;
}

/* Closes the window and checks that nothing keeps the page alive. */
static void
fixture_tear_down (Fixture *f)
{
  if (f->window != NULL)
    {
      GtkWidget *page = g_object_ref (gtk_window_get_child (GTK_WINDOW (f->window)));

      gtk_window_destroy (GTK_WINDOW (f->window));
      g_assert_finalize_object (page);
    }
  tr_test_store_free_temp (f->store);
  g_assert_finalize_object (f->course);
}

static TrellisSignalPage *
open_page (Fixture *f,
           TrLang   lang)
{
  GtkWidget *page = trellis_signal_page_new (f->store, f->course, lang);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 360, 640);
  gtk_window_set_child (GTK_WINDOW (f->window), page);
  gtk_window_present (GTK_WINDOW (f->window));
  trellis_signal_page_show_exercise (TRELLIS_SIGNAL_PAGE (page), EXERCISE_ID);
  return TRELLIS_SIGNAL_PAGE (page);
}

/* The texts of the shown labels, in the order shown. */
static GStrv
get_labels (TrellisSignalPage *page)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) texts = g_strv_builder_new ();

  tr_test_gtk_collect (GTK_WIDGET (page), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    g_strv_builder_add (texts, gtk_label_get_label (g_ptr_array_index (labels, i)));
  return g_strv_builder_end (texts);
}

/* Of the shown labels whose text is one of the choices, their texts in order. */
static GStrv
get_labels_among (TrellisSignalPage  *page,
                  const char * const *choices)
{
  g_auto(GStrv) all = get_labels (page);
  g_autoptr(GStrvBuilder) texts = g_strv_builder_new ();

  for (guint i = 0; all[i] != NULL; i++)
    if (g_strv_contains (choices, all[i]))
      g_strv_builder_add (texts, all[i]);
  return g_strv_builder_end (texts);
}

/* The concern and no-concern buttons of each statement, in order. */
static void
get_mark_buttons (TrellisSignalPage  *page,
                  GPtrArray         **concern,
                  GPtrArray         **no_concern)
{
  *concern = tr_test_gtk_find_buttons (page, GTK_TYPE_TOGGLE_BUTTON, "Concern");
  *no_concern = tr_test_gtk_find_buttons (page, GTK_TYPE_TOGGLE_BUTTON, "No concern");
}

static void
assert_accessible_label (GtkWidget  *widget,
                         const char *expected)
{
  char *error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                    GTK_ACCESSIBLE_PROPERTY_LABEL, expected);

  if (error != NULL)
    g_error ("Accessible label: %s", error);
}

static void
mark (GPtrArray     *concern,
      GPtrArray     *no_concern,
      const gboolean marks[])
{
  for (guint i = 0; i < concern->len; i++)
    tr_test_gtk_click (g_ptr_array_index (marks[i] ? concern : no_concern, i));
}

static void
assert_answered_event (const TrEvent *event,
                       gint64         correct,
                       gint64         total)
{
  g_assert_cmpint (event->verb, ==, TR_VERB_ANSWERED);
  g_assert_cmpstr (event->course_id, ==, "example-course");
  g_assert_cmpstr (event->object, ==, "signal-exercise/" EXERCISE_ID);
  g_assert_cmpint (tr_event_result_int (event, "correct", -1), ==, correct);
  g_assert_cmpint (tr_event_result_int (event, "total", -1), ==, total);
}

static void
test_shows_exercise (void)
{
  Fixture f = { 0 };
  TrellisSignalPage *page;
  g_autoptr(GPtrArray) concern = NULL;
  g_autoptr(GPtrArray) no_concern = NULL;
  g_autofree char *position = NULL;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f, TR_LANG_EN);

  g_assert_nonnull (tr_test_gtk_find_label (page, "Signal or not?"));
  g_assert_true (tr_test_gtk_shows_text (page, "Jesse"));
  g_assert_cmpuint (f.exercise->statements->len, ==, 4);
  for (guint i = 0; i < f.exercise->statements->len; i++)
    {
      const TrStatement *statement = g_ptr_array_index (f.exercise->statements, i);

      g_assert_nonnull (tr_test_gtk_find_label (page, statement->text.s[TR_LANG_EN]));
    }

  get_mark_buttons (page, &concern, &no_concern);
  g_assert_cmpuint (concern->len, ==, 4);
  g_assert_cmpuint (no_concern->len, ==, 4);
  for (guint i = 0; i < concern->len; i++)
    {
      g_autofree char *concern_name = g_strdup_printf ("Statement %u: concern", i + 1);
      g_autofree char *no_concern_name = g_strdup_printf ("Statement %u: no concern", i + 1);

      assert_accessible_label (g_ptr_array_index (concern, i), concern_name);
      assert_accessible_label (g_ptr_array_index (no_concern, i), no_concern_name);
      g_assert_true (gtk_widget_get_focusable (g_ptr_array_index (concern, i)));
      g_assert_false (gtk_toggle_button_get_active (g_ptr_array_index (concern, i)));
      g_assert_false (gtk_toggle_button_get_active (g_ptr_array_index (no_concern, i)));
    }
  g_assert_false (gtk_widget_is_sensitive (tr_test_gtk_find_button (page, CHECK_LABEL)));
  g_assert_true (gtk_widget_has_css_class (tr_test_gtk_find_button (page, CHECK_LABEL), "suggested-action"));
  g_assert_null (tr_test_gtk_find_label (page, "Matches"));
  g_assert_null (tr_test_gtk_find_label (page, "Does not match"));

  position = trellis_progress_store_get_position (f.store, "example-course");
  g_assert_cmpstr (position, ==, "signal-exercise/" EXERCISE_ID);
  g_assert_cmpuint (tr_test_store_n_events (f.store), ==, 0);

  fixture_tear_down (&f);
}

/* A statement's two buttons are one choice, and the check waits for all. */
static void
test_marking (void)
{
  Fixture f = { 0 };
  TrellisSignalPage *page;
  g_autoptr(GPtrArray) concern = NULL;
  g_autoptr(GPtrArray) no_concern = NULL;
  GtkWidget *check;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f, TR_LANG_EN);
  get_mark_buttons (page, &concern, &no_concern);
  check = tr_test_gtk_find_button (page, CHECK_LABEL);

  tr_test_gtk_click (g_ptr_array_index (concern, 0));
  g_assert_true (gtk_toggle_button_get_active (g_ptr_array_index (concern, 0)));
  tr_test_gtk_click (g_ptr_array_index (no_concern, 0));
  g_assert_true (gtk_toggle_button_get_active (g_ptr_array_index (no_concern, 0)));
  g_assert_false (gtk_toggle_button_get_active (g_ptr_array_index (concern, 0)));
  g_assert_false (gtk_widget_is_sensitive (check));

  for (guint i = 1; i < concern->len; i++)
    {
      g_assert_false (gtk_widget_is_sensitive (check));
      tr_test_gtk_click (g_ptr_array_index (concern, i));
    }
  g_assert_true (gtk_widget_is_sensitive (check));
  g_assert_cmpuint (tr_test_store_n_events (f.store), ==, 0);

  fixture_tear_down (&f);
}

static void
test_check_and_try_again (void)
{
  /* The statements are: prayer (no concern), politics (no concern),
   * hero-video (concern), not-human (concern). Two marks are wrong. */
  static const gboolean some_wrong[] = { TRUE, FALSE, TRUE, FALSE };
  static const gboolean all_right[] = { FALSE, FALSE, TRUE, TRUE };
  static const char * const verdicts[] = { "Matches", "Does not match", NULL };
  static const char * const expected_verdicts[] = {
    "Does not match", "Matches", "Matches", "Does not match", NULL
  };
  static const char * const right_answers[] = {
    "Right answer: a signal of concern", "Right answer: not a signal of concern", NULL
  };
  static const char * const expected_right_answers[] = {
    "Right answer: not a signal of concern", "Right answer: not a signal of concern",
    "Right answer: a signal of concern", "Right answer: a signal of concern", NULL
  };
  static const char * const your_marks[] = {
    "Your mark: a signal of concern", "Your mark: not a signal of concern", NULL
  };
  static const char * const expected_marks[] = {
    "Your mark: a signal of concern", "Your mark: not a signal of concern",
    "Your mark: a signal of concern", "Your mark: not a signal of concern", NULL
  };
  Fixture f = { 0 };
  TrellisSignalPage *page;
  g_autoptr(GPtrArray) concern = NULL;
  g_autoptr(GPtrArray) no_concern = NULL;
  g_auto(GStrv) shown_marks = NULL;
  g_auto(GStrv) shown_verdicts = NULL;
  g_auto(GStrv) shown_answers = NULL;
  g_autoptr(GPtrArray) images = g_ptr_array_new ();
  GtkWidget *try_again;
  guint ok_icons = 0, wrong_icons = 0;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f, TR_LANG_EN);
  get_mark_buttons (page, &concern, &no_concern);

  g_assert_false (tr_test_gtk_shows_text (page, "Orthodoxy is not radicalisation"));
  mark (concern, no_concern, some_wrong);
  tr_test_gtk_click (tr_test_gtk_find_button (page, CHECK_LABEL));

  g_assert_nonnull (tr_test_gtk_find_label (page, "2 of 4 match"));
  shown_verdicts = get_labels_among (page, verdicts);
  g_assert_cmpstrv (shown_verdicts, expected_verdicts);
  shown_marks = get_labels_among (page, your_marks);
  g_assert_cmpstrv (shown_marks, expected_marks);
  shown_answers = get_labels_among (page, right_answers);
  g_assert_cmpstrv (shown_answers, expected_right_answers);

  /* Each verdict has an icon next to its words, not only a colour. */
  tr_test_gtk_collect (GTK_WIDGET (page), GTK_TYPE_IMAGE, images);
  for (guint i = 0; i < images->len; i++)
    {
      const char *icon = gtk_image_get_icon_name (g_ptr_array_index (images, i));

      if (g_strcmp0 (icon, "emblem-ok-symbolic") == 0)
        ok_icons++;
      else if (g_strcmp0 (icon, "process-stop-symbolic") == 0)
        wrong_icons++;
    }
  g_assert_cmpuint (ok_icons, ==, 2);
  g_assert_cmpuint (wrong_icons, ==, 2);
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_parent (tr_test_gtk_find_label (page, "Matches")),
                                           "success"));
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_parent (tr_test_gtk_find_label (page, "Does not match")),
                                           "error"));

  /* Every statement's explanation is shown. */
  for (guint i = 0; i < f.exercise->statements->len; i++)
    {
      const TrStatement *statement = g_ptr_array_index (f.exercise->statements, i);
      g_autoptr(TrBlock) block = tr_markdown_parse (statement->explanation.s[TR_LANG_EN]);
      g_autofree char *plain = tr_block_get_plain_text (block);
      g_autofree char *first_words = g_utf8_substring (plain, 0, 30);

      g_assert_true (tr_test_gtk_shows_text (page, first_words));
    }

  /* The marks stay as they were, and cannot change after the check. */
  for (guint i = 0; i < concern->len; i++)
    {
      g_assert_cmpint (gtk_toggle_button_get_active (g_ptr_array_index (concern, i)), ==, some_wrong[i]);
      g_assert_false (gtk_widget_is_sensitive (g_ptr_array_index (concern, i)));
      g_assert_false (gtk_widget_is_sensitive (g_ptr_array_index (no_concern, i)));
    }

  g_assert_cmpuint (tr_test_store_n_events (f.store), ==, 1);
  assert_answered_event (tr_test_store_get_event (f.store, 0), 2, 4);

  g_assert_false (tr_test_gtk_has_button (page, CHECK_LABEL));
  try_again = tr_test_gtk_find_button (page, TRY_AGAIN_LABEL);
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (f.window)) == try_again);
  tr_test_gtk_click (try_again);

  /* Back to the start: nothing marked, no results. */
  g_assert_null (tr_test_gtk_find_label (page, "2 of 4 match"));
  g_assert_null (tr_test_gtk_find_label (page, "Matches"));
  g_assert_null (tr_test_gtk_find_label (page, "Does not match"));
  g_assert_false (tr_test_gtk_shows_text (page, "Orthodoxy is not radicalisation"));
  g_assert_false (tr_test_gtk_has_button (page, TRY_AGAIN_LABEL));
  g_assert_false (gtk_widget_is_sensitive (tr_test_gtk_find_button (page, CHECK_LABEL)));
  for (guint i = 0; i < concern->len; i++)
    {
      g_assert_false (gtk_toggle_button_get_active (g_ptr_array_index (concern, i)));
      g_assert_false (gtk_toggle_button_get_active (g_ptr_array_index (no_concern, i)));
      g_assert_true (gtk_widget_is_sensitive (g_ptr_array_index (concern, i)));
      g_assert_true (gtk_widget_is_sensitive (g_ptr_array_index (no_concern, i)));
    }
  g_assert_cmpuint (tr_test_store_n_events (f.store), ==, 1);

  mark (concern, no_concern, all_right);
  tr_test_gtk_click (tr_test_gtk_find_button (page, CHECK_LABEL));
  g_assert_nonnull (tr_test_gtk_find_label (page, "4 of 4 match"));
  g_assert_null (tr_test_gtk_find_label (page, "Does not match"));
  g_assert_cmpuint (tr_test_store_n_events (f.store), ==, 2);
  assert_answered_event (tr_test_store_get_event (f.store, 1), 4, 4);

  fixture_tear_down (&f);
}

/* The exercise's own texts follow the learner's language. */
static void
test_language (void)
{
  Fixture f = { 0 };
  TrellisSignalPage *page;
  const TrStatement *first;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f, TR_LANG_NL);
  first = g_ptr_array_index (f.exercise->statements, 0);

  g_assert_nonnull (tr_test_gtk_find_label (page, "Signaal of niet?"));
  g_assert_nonnull (tr_test_gtk_find_label (page, first->text.s[TR_LANG_NL]));
  g_assert_null (tr_test_gtk_find_label (page, "Signal or not?"));

  fixture_tear_down (&f);
}

/* Marks not yet checked survive leaving the page (as a restart would), and
 * are forgotten once checked. */
static void
test_resume_marks (void)
{
  Fixture f = { 0 };
  TrellisSignalPage *page;
  g_autoptr(GPtrArray) concern = NULL;
  g_autoptr(GPtrArray) no_concern = NULL;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f, TR_LANG_EN);
  get_mark_buttons (page, &concern, &no_concern);
  tr_test_gtk_click (g_ptr_array_index (concern, 0));
  tr_test_gtk_click (g_ptr_array_index (no_concern, 2));
  g_clear_pointer (&concern, g_ptr_array_unref);
  g_clear_pointer (&no_concern, g_ptr_array_unref);
  gtk_window_destroy (GTK_WINDOW (f.window));

  page = open_page (&f, TR_LANG_EN);
  get_mark_buttons (page, &concern, &no_concern);
  g_assert_true (gtk_toggle_button_get_active (g_ptr_array_index (concern, 0)));
  g_assert_false (gtk_toggle_button_get_active (g_ptr_array_index (no_concern, 0)));
  g_assert_true (gtk_toggle_button_get_active (g_ptr_array_index (no_concern, 2)));
  g_assert_false (gtk_toggle_button_get_active (g_ptr_array_index (concern, 1)));
  g_assert_false (gtk_toggle_button_get_active (g_ptr_array_index (no_concern, 1)));

  /* Checked: the next visit starts with no marks. */
  tr_test_gtk_click (g_ptr_array_index (concern, 1));
  tr_test_gtk_click (g_ptr_array_index (concern, 3));
  tr_test_gtk_click (tr_test_gtk_find_button (page, CHECK_LABEL));
  g_assert_cmpuint (tr_test_store_n_events (f.store), ==, 1);
  g_clear_pointer (&concern, g_ptr_array_unref);
  g_clear_pointer (&no_concern, g_ptr_array_unref);
  gtk_window_destroy (GTK_WINDOW (f.window));
  page = open_page (&f, TR_LANG_EN);
  get_mark_buttons (page, &concern, &no_concern);
  for (guint i = 0; i < concern->len; i++)
    g_assert_false (gtk_toggle_button_get_active (g_ptr_array_index (concern, i)) ||
                    gtk_toggle_button_get_active (g_ptr_array_index (no_concern, i)));

  fixture_tear_down (&f);
}

int
main (int    argc,
      char **argv)
{
  tr_test_init_gui (&argc, &argv);
  /* The test backend keeps accessible properties so that tests can read
   * them, without the session bus that AT-SPI needs. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_test_add_func ("/signal-page/shows-exercise", test_shows_exercise);
  g_test_add_func ("/signal-page/marking", test_marking);
  g_test_add_func ("/signal-page/check-and-try-again", test_check_and_try_again);
  g_test_add_func ("/signal-page/language", test_language);
  g_test_add_func ("/signal-page/resume-marks", test_resume_marks);
  return g_test_run ();
}
