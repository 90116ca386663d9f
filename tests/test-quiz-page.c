/* test-quiz-page.c: taking the example course's quiz
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tr-course-loader.h"
#include "tr-test-gtk.h"
#include "tr-test-store.h"
#include "tr-test-util.h"
#include "trellis-progress-store.h"
#include "trellis-quiz-page.h"

#define NEXT_LABEL "_Next"
#define PREVIOUS_LABEL "_Previous"
#define FINISH_LABEL "_Finish"
#define TRY_AGAIN_LABEL "_Try again"

typedef struct
{
  TrellisProgressStore *store;
  TrCourse             *course;
  const TrQuiz         *quiz;
  GtkWidget            *window;
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

  f->store = tr_test_store_new_temp ("quiz-page");

  course_dir = tr_test_fixture_path ("example-course", NULL);
  f->course = tr_course_load_valid (course_dir, &error);
  g_assert_no_error (error);
  f->quiz = tr_course_get_quiz (f->course);
  g_assert_nonnull (f->quiz);
  g_assert_cmpint (f->quiz->pass_mark, ==, 60);
  g_assert_cmpuint (f->quiz->questions->len, ==, 3);
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

static TrellisQuizPage *
open_page (Fixture *f)
{
  GtkWidget *page = trellis_quiz_page_new (f->store, f->course, TR_LANG_EN);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 360, 640);
  gtk_window_set_child (GTK_WINDOW (f->window), page);
  gtk_window_present (GTK_WINDOW (f->window));
  trellis_quiz_page_start (TRELLIS_QUIZ_PAGE (page));
  return TRELLIS_QUIZ_PAGE (page);
}

static const TrQuestion *
get_question (Fixture *f,
              guint    index)
{
  return g_ptr_array_index (f->quiz->questions, index);
}

static const TrOption *
find_option (const TrQuestion *question,
             const char       *id)
{
  for (guint i = 0; i < question->options->len; i++)
    {
      const TrOption *option = g_ptr_array_index (question->options, i);

      if (g_strcmp0 (option->id, id) == 0)
        return option;
    }
  g_assert_not_reached ();
}

static gboolean
has_accessible_label (GtkWidget  *widget,
                      const char *label)
{
  char *error;

  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return FALSE;
  error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  g_free (error);
  return error == NULL;
}

/* The one shown widget of the type whose accessible name is the label. */
static GtkWidget *
find_by_accessible_label (TrellisQuizPage *page,
                          GType            type,
                          const char      *label)
{
  g_autoptr(GPtrArray) widgets = g_ptr_array_new ();
  GtkWidget *found = NULL;

  tr_test_gtk_collect (GTK_WIDGET (page), type, widgets);
  for (guint i = 0; i < widgets->len; i++)
    if (has_accessible_label (g_ptr_array_index (widgets, i), label))
      {
        g_assert_null (found);
        found = g_ptr_array_index (widgets, i);
      }
  g_assert_nonnull (found);
  return found;
}

static guint
count_labels (TrellisQuizPage *page,
              const char      *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  guint n = 0;

  tr_test_gtk_collect (GTK_WIDGET (page), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), text) == 0)
      n++;
  return n;
}

static gboolean
has_label (TrellisQuizPage *page,
           const char      *text)
{
  return count_labels (page, text) > 0;
}

/* Only what the learner sees can be clicked. */
static void
click (GtkWidget *button)
{
  g_assert_true (tr_test_gtk_is_shown (button));
  tr_test_gtk_click (button);
}

/* The shown answer rows' titles, in the order shown. */
static GStrv
get_row_titles (TrellisQuizPage *page)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) titles = g_strv_builder_new ();

  tr_test_gtk_collect (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    g_strv_builder_add (titles, adw_preferences_row_get_title (g_ptr_array_index (rows, i)));
  return g_strv_builder_end (titles);
}

/* The ids of an ordering question's items in the order shown. */
static GStrv
get_shown_order (Fixture         *f,
                 TrellisQuizPage *page,
                 guint            question_index)
{
  const TrQuestion *question = get_question (f, question_index);
  g_auto(GStrv) titles = get_row_titles (page);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  g_assert_cmpuint (g_strv_length (titles), ==, question->options->len);
  for (guint i = 0; titles[i] != NULL; i++)
    for (guint j = 0; j < question->options->len; j++)
      {
        const TrOption *option = g_ptr_array_index (question->options, j);

        if (g_strcmp0 (option->text.s[TR_LANG_EN], titles[i]) == 0)
          g_strv_builder_add (ids, option->id);
      }
  return g_strv_builder_end (ids);
}

static GStrv
get_correct_order (Fixture *f,
                   guint    question_index)
{
  const TrQuestion *question = get_question (f, question_index);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  for (guint i = 0; i < question->options->len; i++)
    g_strv_builder_add (ids, ((TrOption *) g_ptr_array_index (question->options, i))->id);
  return g_strv_builder_end (ids);
}

/* The shown check buttons of the current question, in order. */
static GPtrArray *
get_option_checks (TrellisQuizPage *page)
{
  GPtrArray *checks = g_ptr_array_new ();

  tr_test_gtk_collect (GTK_WIDGET (page), GTK_TYPE_CHECK_BUTTON, checks);
  return checks;
}

static GtkCheckButton *
find_option_check (Fixture         *f,
                   TrellisQuizPage *page,
                   guint            question_index,
                   const char      *option_id)
{
  const TrOption *option = find_option (get_question (f, question_index), option_id);
  GtkWidget *check = find_by_accessible_label (page, GTK_TYPE_CHECK_BUTTON, option->text.s[TR_LANG_EN]);

  return GTK_CHECK_BUTTON (check);
}

static void
choose (Fixture         *f,
        TrellisQuizPage *page,
        guint            question_index,
        const char      *option_id)
{
  GtkCheckButton *check = find_option_check (f, page, question_index, option_id);

  g_assert_false (gtk_check_button_get_active (check));
  gtk_widget_activate (GTK_WIDGET (check));
  g_assert_true (gtk_check_button_get_active (check));
}

static void
assert_progress (TrellisQuizPage *page,
                 guint            number)
{
  g_autofree char *text = g_strdup_printf ("Question %u of 3", number);

  g_assert_true (has_label (page, text));
}

static GtkWidget *
find_move_button (Fixture         *f,
                  TrellisQuizPage *page,
                  guint            question_index,
                  const char      *item_id,
                  gboolean         up)
{
  const TrOption *item = find_option (get_question (f, question_index), item_id);
  g_autofree char *name = g_strdup_printf (up ? "Move up: %s" : "Move down: %s", item->text.s[TR_LANG_EN]);

  return find_by_accessible_label (page, GTK_TYPE_BUTTON, name);
}

/* Activates a button the way the keyboard does, and waits for its click. */
static void
activate_with_keyboard (GtkWidget *button,
                        GStrv     *before,
                        GStrv    (*get_state) (gpointer),
                        gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_assert_true (gtk_widget_get_focusable (button));
  g_assert_true (gtk_widget_activate (button));
  while (g_get_monotonic_time () < deadline)
    {
      g_auto(GStrv) now = get_state (data);

      if (!g_strv_equal ((const char * const *) now, (const char * const *) *before))
        return;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_not_reached ();
}

typedef struct
{
  Fixture         *f;
  TrellisQuizPage *page;
} OrderState;

static GStrv
get_order_state (gpointer data)
{
  OrderState *state = data;

  return get_shown_order (state->f, state->page, 2);
}

/* Puts the ordering question's items in the right order with its buttons:
 * the first once with the keyboard's activation, the rest with clicks. */
static void
sort_with_buttons (Fixture         *f,
                   TrellisQuizPage *page)
{
  g_auto(GStrv) correct = get_correct_order (f, 2);
  gboolean keyboard = TRUE;
  OrderState state = { f, page };

  for (guint target = 0; correct[target] != NULL; target++)
    {
      while (TRUE)
        {
          g_auto(GStrv) shown = get_shown_order (f, page, 2);
          GtkWidget *button;
          guint position = 0;

          while (g_strcmp0 (shown[position], correct[target]) != 0)
            position++;
          if (position == target)
            break;

          button = find_move_button (f, page, 2, correct[target], TRUE);
          if (keyboard)
            {
              activate_with_keyboard (button, &shown, get_order_state, &state);
              keyboard = FALSE;
            }
          else
            click (button);

          /* The keyboard focus stays with the item that moved. */
          {
            GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (f->window));

            g_assert_nonnull (focus);
            g_assert_true (focus == find_move_button (f, page, 2, correct[target], TRUE) ||
                           focus == find_move_button (f, page, 2, correct[target], FALSE));
          }
        }
    }
}

static void
assert_quiz_event (const TrEvent *event,
                   TrVerb         verb,
                   gint64         score,
                   gint64         correct)
{
  g_assert_cmpint (event->verb, ==, verb);
  g_assert_cmpstr (event->course_id, ==, "example-course");
  g_assert_cmpstr (event->object, ==, "quiz");
  g_assert_cmpint (tr_event_result_int (event, "score", -1), ==, score);
  g_assert_cmpint (tr_event_result_int (event, "correct", -1), ==, correct);
  g_assert_cmpint (tr_event_result_int (event, "total", -1), ==, 3);
}

static void
test_questions (void)
{
  Fixture f = { 0 };
  TrellisQuizPage *page;
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *position = NULL;
  GtkCheckButton *yes, *no;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);

  /* A single answer: radio buttons, one at a time. */
  assert_progress (page, 1);
  g_assert_true (tr_test_gtk_shows_text (page, "A pupil has started to pray at school"));
  g_assert_false (has_label (page, "Choose all that apply"));
  checks = get_option_checks (page);
  g_assert_cmpuint (checks->len, ==, 3);
  for (guint i = 0; i < checks->len; i++)
    g_assert_false (gtk_check_button_get_active (g_ptr_array_index (checks, i)));
  yes = find_option_check (&f, page, 0, "yes");
  no = find_option_check (&f, page, 0, "no");
  choose (&f, page, 0, "yes");
  choose (&f, page, 0, "no");
  g_assert_false (gtk_check_button_get_active (yes));
  g_assert_true (gtk_check_button_get_active (no));
  g_assert_false (gtk_widget_is_sensitive (tr_test_gtk_find_button (page, PREVIOUS_LABEL)));
  g_assert_false (tr_test_gtk_has_button (page, FINISH_LABEL));

  /* Several answers: check boxes and a hint. */
  click (tr_test_gtk_find_button (page, NEXT_LABEL));
  assert_progress (page, 2);
  g_assert_true (has_label (page, "Choose all that apply"));
  {
    g_autoptr(GPtrArray) boxes = get_option_checks (page);

    g_assert_cmpuint (boxes->len, ==, 4);
  }
  choose (&f, page, 1, "quote");
  choose (&f, page, 1, "missed");
  g_assert_true (gtk_check_button_get_active (find_option_check (&f, page, 1, "quote")));
  g_assert_true (gtk_check_button_get_active (find_option_check (&f, page, 1, "missed")));

  /* Answers survive going back and forth. */
  click (tr_test_gtk_find_button (page, PREVIOUS_LABEL));
  assert_progress (page, 1);
  g_assert_true (gtk_check_button_get_active (find_option_check (&f, page, 0, "no")));
  g_assert_false (gtk_check_button_get_active (find_option_check (&f, page, 0, "yes")));
  click (tr_test_gtk_find_button (page, NEXT_LABEL));
  g_assert_true (gtk_check_button_get_active (find_option_check (&f, page, 1, "quote")));
  g_assert_true (gtk_check_button_get_active (find_option_check (&f, page, 1, "missed")));
  g_assert_false (gtk_check_button_get_active (find_option_check (&f, page, 1, "aggressive")));

  /* The last question is put in order and offers Finish. */
  click (tr_test_gtk_find_button (page, NEXT_LABEL));
  assert_progress (page, 3);
  g_assert_false (tr_test_gtk_has_button (page, NEXT_LABEL));
  g_assert_true (gtk_widget_has_css_class (tr_test_gtk_find_button (page, FINISH_LABEL), "suggested-action"));
  g_assert_cmpuint (tr_test_store_n_events (f.store), ==, 0);

  position = trellis_progress_store_get_position (f.store, "example-course");
  g_assert_cmpstr (position, ==, "quiz");

  fixture_tear_down (&f);
}

/* The items come shuffled, never in the right order, each with buttons
 * named after it; the first cannot move up nor the last down. */
static void
test_ordering_shuffled (void)
{
  Fixture f = { 0 };
  TrellisQuizPage *page;
  g_auto(GStrv) correct = NULL;
  gboolean seen_different[3] = { FALSE, FALSE, FALSE };

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);
  correct = get_correct_order (&f, 2);

  for (guint round = 0; round < 30; round++)
    {
      g_auto(GStrv) shown = NULL;

      /* A new attempt: without the unfinished one, start () would resume it. */
      if (round > 0)
        {
          trellis_progress_store_set_meta (f.store, "draft/example-course/quiz", NULL);
          trellis_quiz_page_start (page);
        }
      click (tr_test_gtk_find_button (page, NEXT_LABEL));
      click (tr_test_gtk_find_button (page, NEXT_LABEL));
      assert_progress (page, 3);
      g_assert_true (has_label (page, "1."));
      g_assert_true (has_label (page, "3."));

      shown = get_shown_order (&f, page, 2);
      g_assert_cmpuint (g_strv_length (shown), ==, 3);
      g_assert_false (g_strv_equal ((const char * const *) shown, (const char * const *) correct));
      for (guint i = 0; i < 3; i++)
        {
          GtkWidget *up = find_move_button (&f, page, 2, shown[i], TRUE);
          GtkWidget *down = find_move_button (&f, page, 2, shown[i], FALSE);

          g_assert_cmpint (gtk_widget_is_sensitive (up), ==, i > 0);
          g_assert_cmpint (gtk_widget_is_sensitive (down), ==, i < 2);
          g_assert_true (gtk_widget_get_focusable (up));
          g_assert_nonnull (gtk_widget_get_tooltip_text (up));
          seen_different[i] |= g_strcmp0 (shown[i], correct[i]) != 0;
        }
    }
  /* Not merely one fixed wrong order. */
  g_assert_true (seen_different[0] && seen_different[1] && seen_different[2]);

  fixture_tear_down (&f);
}

static void
test_fail_then_pass (void)
{
  Fixture f = { 0 };
  TrellisQuizPage *page;
  g_auto(GStrv) correct = NULL;
  g_auto(GStrv) shown = NULL;
  g_autoptr(GPtrArray) checks = NULL;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);
  correct = get_correct_order (&f, 2);

  /* Wrong answers everywhere; the ordering is left as shuffled. */
  choose (&f, page, 0, "yes");
  click (tr_test_gtk_find_button (page, NEXT_LABEL));
  choose (&f, page, 1, "quote");
  click (tr_test_gtk_find_button (page, NEXT_LABEL));
  click (tr_test_gtk_find_button (page, FINISH_LABEL));

  g_assert_true (has_label (page, "Not passed"));
  g_assert_false (has_label (page, "Passed"));
  g_assert_true (has_label (page, "Your score: 0%"));
  g_assert_true (has_label (page, "Pass mark: 60%"));
  g_assert_true (has_label (page, "0 of 3 questions right"));
  g_assert_cmpuint (count_labels (page, "Not correct"), ==, 3);
  g_assert_cmpuint (count_labels (page, "Correct"), ==, 0);
  g_assert_true (has_label (page, "Yes"));
  g_assert_cmpuint (tr_test_store_n_events (f.store), ==, 1);
  assert_quiz_event (tr_test_store_get_event (f.store, 0), TR_VERB_FAILED, 0, 0);

  /* Try again: a fresh start with nothing chosen. */
  click (tr_test_gtk_find_button (page, TRY_AGAIN_LABEL));
  assert_progress (page, 1);
  g_assert_false (has_label (page, "Not passed"));
  checks = get_option_checks (page);
  g_assert_cmpuint (checks->len, ==, 3);
  for (guint i = 0; i < checks->len; i++)
    g_assert_false (gtk_check_button_get_active (g_ptr_array_index (checks, i)));

  /* Right answers everywhere. */
  choose (&f, page, 0, "no");
  click (tr_test_gtk_find_button (page, NEXT_LABEL));
  choose (&f, page, 1, "quote");
  choose (&f, page, 1, "missed");
  click (tr_test_gtk_find_button (page, NEXT_LABEL));
  sort_with_buttons (&f, page);
  shown = get_shown_order (&f, page, 2);
  g_assert_cmpstrv (shown, correct);
  click (tr_test_gtk_find_button (page, FINISH_LABEL));

  g_assert_true (has_label (page, "Passed"));
  g_assert_false (has_label (page, "Not passed"));
  g_assert_true (has_label (page, "Your score: 100%"));
  g_assert_true (has_label (page, "3 of 3 questions right"));
  g_assert_cmpuint (count_labels (page, "Correct"), ==, 3);
  g_assert_cmpuint (count_labels (page, "Not correct"), ==, 0);
  g_assert_cmpuint (tr_test_store_n_events (f.store), ==, 2);
  assert_quiz_event (tr_test_store_get_event (f.store, 1), TR_VERB_PASSED, 100, 3);

  /* The review explains each question, and the option that has its own. */
  g_assert_true (tr_test_gtk_shows_text (page, "Orthodoxy is not radicalisation."));
  g_assert_true (tr_test_gtk_shows_text (page, "A fact says what, when and where"));
  g_assert_true (tr_test_gtk_shows_text (page, "Describing the signals comes first"));
  g_assert_true (has_label (page, "About “No”"));
  g_assert_true (tr_test_gtk_shows_text (page, "a stricter religious practice is a legitimate life choice"));
  g_assert_true (has_label (page, "1. Write down the facts and the counter-indications\n"
                                  "2. Consult the school's contact person, anonymously where possible\n"
                                  "3. Share through the agreed route, only if there are concrete safety concerns"));

  fixture_tear_down (&f);
}

/* A score between 0 and 100: the pass mark decides. */
/* Leaving in the middle of the quiz loses nothing: a new page (as after a
 * restart) shows the same question with the answers and the order given. */
static void
test_resume_unfinished (void)
{
  Fixture f = { 0 };
  TrellisQuizPage *page;
  g_auto(GStrv) order = NULL;
  g_auto(GStrv) again = NULL;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);
  choose (&f, page, 0, "no");
  click (tr_test_gtk_find_button (page, NEXT_LABEL));
  click (tr_test_gtk_find_button (page, NEXT_LABEL));
  assert_progress (page, 3);
  order = get_shown_order (&f, page, 2);
  gtk_window_destroy (GTK_WINDOW (f.window));

  page = open_page (&f);
  assert_progress (page, 3);
  again = get_shown_order (&f, page, 2);
  g_assert_true (g_strv_equal ((const char * const *) order, (const char * const *) again));
  click (tr_test_gtk_find_button (page, PREVIOUS_LABEL));
  click (tr_test_gtk_find_button (page, PREVIOUS_LABEL));
  g_assert_true (gtk_check_button_get_active (find_option_check (&f, page, 0, "no")));
  g_assert_cmpuint (tr_test_store_n_events (f.store), ==, 0);

  fixture_tear_down (&f);
}

static void
test_partial_score (void)
{
  Fixture f = { 0 };
  TrellisQuizPage *page;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);

  choose (&f, page, 0, "no");
  click (tr_test_gtk_find_button (page, NEXT_LABEL));
  choose (&f, page, 1, "quote");
  choose (&f, page, 1, "missed");
  click (tr_test_gtk_find_button (page, NEXT_LABEL));
  click (tr_test_gtk_find_button (page, FINISH_LABEL));

  g_assert_true (has_label (page, "Passed"));
  g_assert_true (has_label (page, "Your score: 66%"));
  g_assert_true (has_label (page, "2 of 3 questions right"));
  g_assert_cmpuint (count_labels (page, "Correct"), ==, 2);
  g_assert_cmpuint (count_labels (page, "Not correct"), ==, 1);
  g_assert_cmpuint (tr_test_store_n_events (f.store), ==, 1);
  assert_quiz_event (tr_test_store_get_event (f.store, 0), TR_VERB_PASSED, 66, 2);

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
  g_test_add_func ("/quiz-page/questions", test_questions);
  g_test_add_func ("/quiz-page/ordering-shuffled", test_ordering_shuffled);
  g_test_add_func ("/quiz-page/fail-then-pass", test_fail_then_pass);
  g_test_add_func ("/quiz-page/partial-score", test_partial_score);
  g_test_add_func ("/quiz-page/resume-unfinished", test_resume_unfinished);
  return g_test_run ();
}
