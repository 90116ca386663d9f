/* test-scenario-page.c: playing the example course's scenario
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
#include "trellis-scenario-page.h"

#define SCENARIO_ID "corridor-remark"
#define GO_BACK_LABEL "Go back to this decision"

typedef struct
{
  TrellisProgressStore *store;
  TrCourse             *course;
  const TrScenario     *scenario;
  GPtrArray            *windows;
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

  f->store = tr_test_store_new_temp ("scenario-page");

  course_dir = tr_test_fixture_path ("example-course", NULL);
  f->course = tr_course_load_valid (course_dir, &error);
  g_assert_no_error (error);
  f->scenario = tr_course_find_scenario (f->course, SCENARIO_ID);
  g_assert_nonnull (f->scenario);
  f->windows = g_ptr_array_new ();
  return TRUE;
}

/* Closes the windows and checks that nothing keeps a page alive. */
static void
fixture_tear_down (Fixture *f)
{
  for (guint i = 0; i < f->windows->len; i++)
    {
      GtkWindow *window = g_ptr_array_index (f->windows, i);
      GtkWidget *page = g_object_ref (gtk_window_get_child (window));

      gtk_window_destroy (window);
      g_assert_finalize_object (page);
    }
  g_ptr_array_unref (f->windows);
  tr_test_store_free_temp (f->store);
  g_assert_finalize_object (f->course);
}

static TrellisScenarioPage *
open_page (Fixture *f)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = trellis_scenario_page_new (f->store, f->course, TR_LANG_EN);

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  g_ptr_array_add (f->windows, window);
  trellis_scenario_page_show_scenario (TRELLIS_SCENARIO_PAGE (page), SCENARIO_ID);
  return TRELLIS_SCENARIO_PAGE (page);
}

/* The labels of the choice buttons shown now ("1. …", "2. …"). */
static GStrv
get_choice_labels (TrellisScenarioPage *page)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();

  tr_test_gtk_collect (GTK_WIDGET (page), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      const char *label = gtk_button_get_label (g_ptr_array_index (buttons, i));

      if (label != NULL && g_ascii_isdigit (label[0]) && g_str_has_prefix (label + 1, ". "))
        g_strv_builder_add (labels, label);
    }
  return g_strv_builder_end (labels);
}

static const TrChoice *
find_choice (Fixture    *f,
             const char *node_id,
             const char *choice_id)
{
  const TrScenarioNode *node = tr_scenario_get_node (f->scenario, node_id);

  g_assert_nonnull (node);
  for (guint i = 0; i < node->choices->len; i++)
    {
      const TrChoice *choice = g_ptr_array_index (node->choices, i);

      if (g_strcmp0 (choice->id, choice_id) == 0)
        return choice;
    }
  g_assert_not_reached ();
}

/* The choices of a node, as the page should number them when all are
 * offered. */
static GStrv
expected_choice_labels (Fixture           *f,
                        const char        *node_id,
                        const char * const *choice_ids)
{
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();

  for (guint i = 0; choice_ids[i] != NULL; i++)
    {
      g_autofree char *label = g_strdup_printf ("%u. %s", i + 1,
                                                find_choice (f, node_id, choice_ids[i])->text.s[TR_LANG_EN]);

      g_strv_builder_add (labels, label);
    }
  return g_strv_builder_end (labels);
}

static void
assert_choices (Fixture             *f,
                TrellisScenarioPage *page,
                const char          *node_id,
                const char * const  *choice_ids)
{
  g_auto(GStrv) shown = get_choice_labels (page);
  g_auto(GStrv) expected = expected_choice_labels (f, node_id, choice_ids);

  g_assert_cmpstrv (shown, expected);
}

static GtkWidget *
find_choice_button (Fixture             *f,
                    TrellisScenarioPage *page,
                    const char          *node_id,
                    const char          *choice_id)
{
  const char *text = find_choice (f, node_id, choice_id)->text.s[TR_LANG_EN];
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *found = NULL;

  tr_test_gtk_collect (GTK_WIDGET (page), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      const char *label = gtk_button_get_label (g_ptr_array_index (buttons, i));
      const char *dot = label != NULL ? strstr (label, ". ") : NULL;

      if (dot != NULL && g_strcmp0 (dot + 2, text) == 0)
        {
          g_assert_null (found);
          found = g_ptr_array_index (buttons, i);
        }
    }
  g_assert_nonnull (found);
  return found;
}

static gboolean
has_label (TrellisScenarioPage *page,
           const char          *text)
{
  return tr_test_gtk_find_label (page, text) != NULL;
}

/* Whether a shown Markdown view has the text, given as Markdown whose only
 * markup is emphasis. */
static gboolean
shows_markdown (TrellisScenarioPage *page,
                const char          *markdown)
{
  g_autoptr(GString) plain = g_string_new (markdown);

  g_string_replace (plain, "*", "", 0);
  return tr_test_gtk_shows_text (page, plain->str);
}

static guint
count_labels_with_prefix (TrellisScenarioPage *page,
                          const char          *prefix)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  guint n = 0;

  tr_test_gtk_collect (GTK_WIDGET (page), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_str_has_prefix (gtk_label_get_label (g_ptr_array_index (labels, i)), prefix))
      n++;
  return n;
}

static gboolean
has_class_up (GtkWidget  *widget,
              const char *css_class)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (gtk_widget_has_css_class (widget, css_class))
      return TRUE;
  return FALSE;
}

static GtkWidget *
get_focus (TrellisScenarioPage *page)
{
  return gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (page)));
}

/* Only what the learner sees can be clicked. */
static void
click (GtkWidget *button)
{
  g_assert_true (tr_test_gtk_is_shown (button));
  tr_test_gtk_click (button);
}

/* Chooses, checks that the feedback comes first, then continues. */
static void
play_choice (Fixture             *f,
             TrellisScenarioPage *page,
             const char          *node_id,
             const char          *choice_id)
{
  const TrChoice *choice = find_choice (f, node_id, choice_id);
  g_autofree char *chose = g_strdup_printf ("You chose: %s", choice->text.s[TR_LANG_EN]);
  g_auto(GStrv) left = NULL;
  GtkWidget *continue_button;

  click (find_choice_button (f, page, node_id, choice_id));

  /* The learner reads why before moving on. */
  left = get_choice_labels (page);
  g_assert_cmpuint (g_strv_length (left), ==, 0);
  g_assert_true (has_label (page, chose));
  g_assert_true (shows_markdown (page, choice->feedback.s[TR_LANG_EN]));
  continue_button = tr_test_gtk_find_button (page, "_Continue");
  g_assert_true (get_focus (page) == continue_button);
  click (continue_button);
}

typedef struct
{
  const char *node;
  const char *choice;
  int         weight;
} Step;

static guint
count_events (Fixture *f,
              TrVerb   verb)
{
  GPtrArray *events = trellis_progress_store_get_events (f->store);
  guint n = 0;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const TrEvent *event = g_ptr_array_index (events, i);

      if (event->verb == verb && g_str_has_prefix (event->object, "scenario/" SCENARIO_ID))
        n++;
    }
  return n;
}

/* The scenario's events in the log, of the verb, in order. */
static GPtrArray *
get_events (Fixture *f,
            TrVerb   verb)
{
  GPtrArray *events = trellis_progress_store_get_events (f->store);
  GPtrArray *found = g_ptr_array_new ();

  g_assert_nonnull (events);
  for (guint i = 0; i < events->len; i++)
    {
      const TrEvent *event = g_ptr_array_index (events, i);

      if (event->verb == verb && g_str_has_prefix (event->object, "scenario/" SCENARIO_ID))
        {
          g_assert_cmpstr (event->course_id, ==, tr_course_get_id (f->course));
          g_ptr_array_add (found, (gpointer) event);
        }
    }
  return found;
}

static void
assert_chose_events (Fixture    *f,
                     const Step *steps,
                     guint       n_steps)
{
  g_autoptr(GPtrArray) chose = get_events (f, TR_VERB_CHOSE);

  g_assert_cmpuint (chose->len, ==, n_steps);
  for (guint i = 0; i < n_steps; i++)
    {
      const TrEvent *event = g_ptr_array_index (chose, i);
      g_autofree char *object = g_strdup_printf ("scenario/%s/node/%s", SCENARIO_ID, steps[i].node);

      g_assert_cmpstr (event->object, ==, object);
      g_assert_nonnull (event->result);
      g_assert_cmpstr (tr_event_result_string (event, "choice"), ==, steps[i].choice);
      g_assert_cmpint (tr_event_result_int (event, "weight", G_MININT), ==, steps[i].weight);
    }
}

typedef struct
{
  const char *name;
  Step        steps[4];
  const char *ending;
  const char *verdict;
  const char *verdict_label;
  const char *style_class;
  const char *icon;
  int         score;
} Playthrough;

/* One run to each ending, through both routes of the after-class condition. */
static const Playthrough playthroughs[] = {
  {
    "good",
    { { "remark", "pause-and-ask", 2 }, { "after-class", "ask-curious", 2 }, { "what-next", "agree-and-consult", 3 } },
    "good-ending", "good", "Good outcome", "success", "emblem-ok-symbolic", 7,
  },
  {
    "mixed",
    { { "remark", "pause-and-ask", 2 }, { "after-class", "lecture", 0 }, { "what-next", "note-and-consult", 1 } },
    "mixed-ending", "mixed", "Mixed outcome", "warning", "dialog-warning-symbolic", 3,
  },
  {
    /* Reprimanding sets trust to -1, so "after-class" gives way to its
     * "otherwise": the event names the node actually shown. */
    "poor-guarded",
    { { "remark", "reprimand", -2 }, { "guarded-talk", "insist", -2 } },
    "poor-ending", "poor", "Poor outcome", "error", "dialog-error-symbolic", -4,
  },
  {
    "poor-later",
    { { "remark", "walk-on", -1 }, { "later-week", "staff-chat", -2 } },
    "poor-ending", "poor", "Poor outcome", "error", "dialog-error-symbolic", -3,
  },
};

static void
test_play_to_ending (gconstpointer data)
{
  const Playthrough *play = data;
  static const char * const first_choices[] = { "pause-and-ask", "reprimand", "walk-on", NULL };
  g_autoptr(GPtrArray) completed = NULL;
  g_autofree char *position = NULL;
  g_auto(GStrv) choices = NULL;
  Fixture f = { 0 };
  TrellisScenarioPage *page;
  GtkWidget *verdict;
  guint n_steps = 0;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);

  g_assert_true (has_label (page, f.scenario->title.s[TR_LANG_EN]));
  g_assert_true (has_label (page, f.scenario->role.s[TR_LANG_EN]));
  g_assert_true (has_label (page, "Setting: School"));
  assert_choices (&f, page, "remark", first_choices);
  g_assert_true (get_focus (page) == find_choice_button (&f, page, "remark", "pause-and-ask"));
  position = trellis_progress_store_get_position (f.store, tr_course_get_id (f.course));
  g_assert_cmpstr (position, ==, "scenario/" SCENARIO_ID);

  for (; n_steps < G_N_ELEMENTS (play->steps) && play->steps[n_steps].node != NULL; n_steps++)
    {
      const Step *step = &play->steps[n_steps];
      g_autoptr(GPtrArray) back = tr_test_gtk_find_buttons (page, GTK_TYPE_BUTTON, GO_BACK_LABEL);

      /* The story so far has a way back to each earlier decision. */
      g_assert_cmpuint (back->len, ==, n_steps);
      g_assert_cmpuint (count_events (&f, TR_VERB_COMPLETED), ==, 0);
      play_choice (&f, page, step->node, step->choice);
      assert_chose_events (&f, play->steps, n_steps + 1);
    }

  /* The ending: a verdict in words, with an icon and a style class. */
  choices = get_choice_labels (page);
  g_assert_cmpuint (g_strv_length (choices), ==, 0);
  verdict = tr_test_gtk_find_label (page, play->verdict_label);
  g_assert_nonnull (verdict);
  g_assert_true (has_class_up (verdict, play->style_class));
  {
    g_autoptr(GPtrArray) images = g_ptr_array_new ();
    gboolean found_icon = FALSE;

    tr_test_gtk_collect (GTK_WIDGET (page), GTK_TYPE_IMAGE, images);
    for (guint i = 0; i < images->len; i++)
      if (g_strcmp0 (gtk_image_get_icon_name (g_ptr_array_index (images, i)), play->icon) == 0)
        found_icon = TRUE;
    g_assert_true (found_icon);
  }
  g_assert_true (get_focus (page) == tr_test_gtk_find_button (page, "_Play again from the start"));
  {
    const TrScenarioNode *ending = tr_scenario_get_node (f.scenario, play->ending);

    g_assert_true (shows_markdown (page, ending->text.s[TR_LANG_EN]));
    g_assert_true (shows_markdown (page, ending->ending_summary.s[TR_LANG_EN]));
  }

  /* The summary lists every choice with a way back to it. */
  g_assert_true (has_label (page, "Your choices and why they matter"));
  g_assert_cmpuint (count_labels_with_prefix (page, "You chose: "), ==, n_steps);
  for (guint i = 0; i < n_steps; i++)
    {
      g_autofree char *chose = g_strdup_printf ("You chose: %s",
                                                find_choice (&f, play->steps[i].node, play->steps[i].choice)->text.s[TR_LANG_EN]);
      g_autofree char *decision = g_strdup_printf ("Decision %u", i + 1);

      g_assert_true (has_label (page, chose));
      g_assert_true (has_label (page, decision));
      g_assert_true (shows_markdown (page, find_choice (&f, play->steps[i].node, play->steps[i].choice)->feedback.s[TR_LANG_EN]));
    }
  {
    g_autoptr(GPtrArray) back = tr_test_gtk_find_buttons (page, GTK_TYPE_BUTTON, GO_BACK_LABEL);

    g_assert_cmpuint (back->len, ==, n_steps);
  }

  assert_chose_events (&f, play->steps, n_steps);
  completed = get_events (&f, TR_VERB_COMPLETED);
  g_assert_cmpuint (completed->len, ==, 1);
  {
    const TrEvent *event = g_ptr_array_index (completed, 0);

    g_assert_cmpstr (event->object, ==, "scenario/" SCENARIO_ID);
    g_assert_cmpstr (tr_event_result_string (event, "ending"), ==, play->ending);
    g_assert_cmpstr (tr_event_result_string (event, "verdict"), ==, play->verdict);
    g_assert_cmpint (tr_event_result_int (event, "score", G_MININT), ==, play->score);
  }

  fixture_tear_down (&f);
}

/* "agree-and-consult" needs trust >= 2: offered after two trusting moves,
 * left out after a lecture. */
static void
test_condition (void)
{
  static const char * const trusted[] = { "agree-and-consult", "note-and-consult", "call-police", NULL };
  static const char * const untrusted[] = { "note-and-consult", "call-police", NULL };
  Fixture f = { 0 };
  TrellisScenarioPage *page;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);

  play_choice (&f, page, "remark", "pause-and-ask");
  play_choice (&f, page, "after-class", "lecture");
  assert_choices (&f, page, "what-next", untrusted);
  g_assert_true (has_label (page, "Decision 3"));

  click (g_ptr_array_index (tr_test_gtk_find_buttons (page, GTK_TYPE_BUTTON, GO_BACK_LABEL), 1));
  play_choice (&f, page, "after-class", "ask-curious");
  assert_choices (&f, page, "what-next", trusted);

  fixture_tear_down (&f);
}

/* What the page does when the key is pressed: the shortcut bound to it
 * among the page's own, activated as GTK would. */
static void
press_key (TrellisScenarioPage *page,
           guint                keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (page));
  g_autoptr(GtkShortcutTrigger) pressed = gtk_keyval_trigger_new (keyval, 0);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), pressed))
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                           GTK_WIDGET (page),
                                                           gtk_shortcut_get_arguments (shortcut)));
              return;
            }
        }
    }
  g_assert_not_reached ();
}

/* Number keys choose: 2 is the second choice offered. */
static void
test_number_keys (void)
{
  static const Step expected[] = { { "remark", "reprimand", -2 } };
  static const Step expected_keypad[] = { { "remark", "reprimand", -2 }, { "guarded-talk", "repair", 1 } };
  Fixture f = { 0 };
  TrellisScenarioPage *page;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);

  /* Past the last choice nothing happens. */
  press_key (page, GDK_KEY_4);
  g_assert_cmpuint (count_events (&f, TR_VERB_CHOSE), ==, 0);

  press_key (page, GDK_KEY_2);
  assert_chose_events (&f, expected, 1);
  g_assert_true (tr_test_gtk_is_shown (tr_test_gtk_find_button (page, "_Continue")));

  /* While the feedback is shown, keys do not choose again. */
  press_key (page, GDK_KEY_1);
  assert_chose_events (&f, expected, 1);

  click (tr_test_gtk_find_button (page, "_Continue"));
  press_key (page, GDK_KEY_KP_1);
  assert_chose_events (&f, expected_keypad, 2);

  fixture_tear_down (&f);
}

static void
test_go_back (void)
{
  static const char * const first_choices[] = { "pause-and-ask", "reprimand", "walk-on", NULL };
  static const char * const later_week[] = { "talk-now", "staff-chat", NULL };
  static const Step expected[] = {
    { "remark", "pause-and-ask", 2 },
    { "after-class", "ask-curious", 2 },
    { "remark", "walk-on", -1 },
  };
  Fixture f = { 0 };
  TrellisScenarioPage *page, *reopened;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GPtrArray) back_after = NULL;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);

  play_choice (&f, page, "remark", "pause-and-ask");
  play_choice (&f, page, "after-class", "ask-curious");
  back = tr_test_gtk_find_buttons (page, GTK_TYPE_BUTTON, GO_BACK_LABEL);
  g_assert_cmpuint (back->len, ==, 2);
  /* Screen readers hear which decision each button goes back to. */
  gtk_test_accessible_assert_property (g_ptr_array_index (back, 0), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Go back to decision 1");
  gtk_test_accessible_assert_property (g_ptr_array_index (back, 1), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Go back to decision 2");

  /* Back to the first decision: the path is gone, nothing is recorded. */
  click (g_ptr_array_index (back, 0));
  assert_choices (&f, page, "remark", first_choices);
  back_after = tr_test_gtk_find_buttons (page, GTK_TYPE_BUTTON, GO_BACK_LABEL);
  g_assert_cmpuint (back_after->len, ==, 0);
  g_assert_cmpuint (count_labels_with_prefix (page, "You chose: "), ==, 0);
  g_assert_true (get_focus (page) == find_choice_button (&f, page, "remark", "pause-and-ask"));
  assert_chose_events (&f, expected, 2);

  /* A different choice takes another path. */
  play_choice (&f, page, "remark", "walk-on");
  assert_choices (&f, page, "later-week", later_week);
  assert_chose_events (&f, expected, 3);

  /* Reopened, the page follows the learner back as well. */
  reopened = open_page (&f);
  assert_choices (&f, reopened, "later-week", later_week);
  g_assert_cmpuint (count_labels_with_prefix (reopened, "You chose: "), ==, 1);
  assert_chose_events (&f, expected, 3);

  fixture_tear_down (&f);
}

/* From an ending, back to the last decision and on to another ending. */
static void
test_go_back_from_ending (void)
{
  static const char * const trusted[] = { "agree-and-consult", "note-and-consult", "call-police", NULL };
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GPtrArray) completed = NULL;
  Fixture f = { 0 };
  TrellisScenarioPage *page;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);

  play_choice (&f, page, "remark", "pause-and-ask");
  play_choice (&f, page, "after-class", "ask-curious");
  play_choice (&f, page, "what-next", "agree-and-consult");
  g_assert_true (has_label (page, "Good outcome"));

  back = tr_test_gtk_find_buttons (page, GTK_TYPE_BUTTON, GO_BACK_LABEL);
  g_assert_cmpuint (back->len, ==, 3);
  click (g_ptr_array_index (back, 2));
  g_assert_false (has_label (page, "Good outcome"));
  assert_choices (&f, page, "what-next", trusted);
  g_assert_cmpuint (count_labels_with_prefix (page, "You chose: "), ==, 2);
  g_assert_cmpuint (count_events (&f, TR_VERB_COMPLETED), ==, 1);

  play_choice (&f, page, "what-next", "note-and-consult");
  g_assert_true (has_label (page, "Mixed outcome"));
  completed = get_events (&f, TR_VERB_COMPLETED);
  g_assert_cmpuint (completed->len, ==, 2);
  g_assert_cmpstr (tr_event_result_string (g_ptr_array_index (completed, 1), "ending"), ==, "mixed-ending");
  g_assert_cmpstr (tr_event_result_string (g_ptr_array_index (completed, 1), "verdict"), ==, "mixed");
  g_assert_cmpint (tr_event_result_int (g_ptr_array_index (completed, 1), "score", G_MININT), ==, 5);

  fixture_tear_down (&f);
}

/* Two choices made, then the app closed: a new page continues at the
 * third decision, whether or not the second feedback was read. */
static void
test_resume (gconstpointer data)
{
  gboolean read_feedback = GPOINTER_TO_INT (data);
  static const char * const what_next[] = { "agree-and-consult", "note-and-consult", "call-police", NULL };
  g_autoptr(GPtrArray) back = NULL;
  Fixture f = { 0 };
  TrellisScenarioPage *page, *reopened;
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);

  play_choice (&f, page, "remark", "pause-and-ask");
  if (read_feedback)
    {
      play_choice (&f, page, "after-class", "ask-curious");
      before = get_choice_labels (page);
    }
  else
    {
      click (find_choice_button (&f, page, "after-class", "ask-curious"));
      before = expected_choice_labels (&f, "what-next", what_next);
    }
  g_assert_cmpuint (count_events (&f, TR_VERB_CHOSE), ==, 2);

  reopened = open_page (&f);
  after = get_choice_labels (reopened);
  g_assert_cmpstrv (after, before);
  assert_choices (&f, reopened, "what-next", what_next);
  g_assert_true (has_label (reopened, "Decision 3"));
  g_assert_true (has_label (reopened, "The story so far"));
  g_assert_cmpuint (count_labels_with_prefix (reopened, "You chose: "), ==, 2);
  back = tr_test_gtk_find_buttons (reopened, GTK_TYPE_BUTTON, GO_BACK_LABEL);
  g_assert_cmpuint (back->len, ==, 2);
  g_assert_cmpuint (count_events (&f, TR_VERB_CHOSE), ==, 2);
  g_assert_cmpuint (count_events (&f, TR_VERB_COMPLETED), ==, 0);

  fixture_tear_down (&f);
}

/* A finished scenario opened again starts at the beginning, as does
 * "Play again from the start". */
static void
test_finished_restarts (void)
{
  static const char * const first_choices[] = { "pause-and-ask", "reprimand", "walk-on", NULL };
  Fixture f = { 0 };
  TrellisScenarioPage *page, *reopened;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);

  play_choice (&f, page, "remark", "walk-on");
  play_choice (&f, page, "later-week", "staff-chat");
  g_assert_true (has_label (page, "Poor outcome"));
  g_assert_cmpuint (count_events (&f, TR_VERB_COMPLETED), ==, 1);

  reopened = open_page (&f);
  assert_choices (&f, reopened, "remark", first_choices);
  g_assert_false (has_label (reopened, "Poor outcome"));
  g_assert_cmpuint (count_labels_with_prefix (reopened, "You chose: "), ==, 0);
  g_assert_cmpuint (count_events (&f, TR_VERB_COMPLETED), ==, 1);

  click (tr_test_gtk_find_button (page, "_Play again from the start"));
  assert_choices (&f, page, "remark", first_choices);
  g_assert_cmpuint (count_labels_with_prefix (page, "You chose: "), ==, 0);
  g_assert_true (get_focus (page) == find_choice_button (&f, page, "remark", "pause-and-ask"));
  g_assert_cmpuint (count_events (&f, TR_VERB_CHOSE), ==, 2);

  /* Playing again records a new run after the completion. */
  play_choice (&f, page, "remark", "pause-and-ask");
  reopened = open_page (&f);
  g_assert_cmpuint (count_labels_with_prefix (reopened, "You chose: "), ==, 1);
  g_assert_true (has_label (reopened, "Decision 2"));

  fixture_tear_down (&f);
}

/* Events that no longer fit the course (it changed) start the scenario
 * over rather than leaving the learner nowhere. */
static void
test_course_changed (void)
{
  static const char * const first_choices[] = { "pause-and-ask", "reprimand", "walk-on", NULL };
  g_autoptr(JsonObject) first = json_object_new ();
  g_autoptr(JsonObject) gone = json_object_new ();
  Fixture f = { 0 };
  TrellisScenarioPage *page;

  if (!fixture_set_up (&f))
    return;

  json_object_set_string_member (first, "choice", "pause-and-ask");
  json_object_set_int_member (first, "weight", 2);
  trellis_progress_store_record (f.store, f.course, TR_VERB_CHOSE, "scenario/" SCENARIO_ID "/node/remark", first);
  json_object_set_string_member (gone, "choice", "a-choice-since-removed");
  json_object_set_int_member (gone, "weight", 1);
  trellis_progress_store_record (f.store, f.course, TR_VERB_CHOSE, "scenario/" SCENARIO_ID "/node/after-class", gone);

  page = open_page (&f);
  assert_choices (&f, page, "remark", first_choices);
  g_assert_cmpuint (count_labels_with_prefix (page, "You chose: "), ==, 0);

  fixture_tear_down (&f);
}

static void
test_missing_scenario (void)
{
  Fixture f = { 0 };
  TrellisScenarioPage *page;
  g_auto(GStrv) choices = NULL;

  if (!fixture_set_up (&f))
    return;
  page = open_page (&f);
  trellis_scenario_page_show_scenario (page, "no-such-scenario");
  choices = get_choice_labels (page);
  g_assert_cmpuint (g_strv_length (choices), ==, 0);
  g_assert_true (has_label (page, "Scenario Not Found"));

  /* And back to a real one. */
  trellis_scenario_page_show_scenario (page, SCENARIO_ID);
  g_assert_false (has_label (page, "Scenario Not Found"));
  g_strfreev (choices);
  choices = get_choice_labels (page);
  g_assert_cmpuint (g_strv_length (choices), ==, 3);

  fixture_tear_down (&f);
}

int
main (int    argc,
      char **argv)
{
  tr_test_init_gui (&argc, &argv);
  /* GTK's test accessibility backend needs no bus, and lets the tests read
   * what a screen reader would be told. */
  g_setenv ("GTK_A11Y", "test", TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (playthroughs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/scenario-page/play/%s", playthroughs[i].name);

      g_test_add_data_func (path, &playthroughs[i], test_play_to_ending);
    }
  g_test_add_func ("/scenario-page/condition", test_condition);
  g_test_add_func ("/scenario-page/number-keys", test_number_keys);
  g_test_add_func ("/scenario-page/go-back", test_go_back);
  g_test_add_func ("/scenario-page/go-back-from-ending", test_go_back_from_ending);
  g_test_add_data_func ("/scenario-page/resume/after-feedback", GINT_TO_POINTER (TRUE), test_resume);
  g_test_add_data_func ("/scenario-page/resume/before-feedback", GINT_TO_POINTER (FALSE), test_resume);
  g_test_add_func ("/scenario-page/finished-restarts", test_finished_restarts);
  g_test_add_func ("/scenario-page/course-changed", test_course_changed);
  g_test_add_func ("/scenario-page/missing-scenario", test_missing_scenario);
  return g_test_run ();
}
