/* test-presenter-deck.c: the slides and notes a trainer presents, built
 * from the example course's facilitator guide
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tr-course-loader.h"
#include "tr-test-util.h"
#include "trellis-presenter-deck.h"

static TrCourse *
load_example (void)
{
  g_autofree char *dir = tr_test_fixture_path ("example-course", NULL);
  g_autoptr(GError) error = NULL;
  TrCourse *course = tr_course_load_valid (dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (course);
  return course;
}

/* Everything a slide shows, as one text. */
static char *
slide_text (const TrellisSlide *slide)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s\n%s\n%s\n", slide->eyebrow != NULL ? slide->eyebrow : "",
                          slide->title, slide->body != NULL ? slide->body : "");
  for (guint i = 0; i < slide->points->len; i++)
    g_string_append_printf (text, "%s\n", (char *) g_ptr_array_index (slide->points, i));
  return g_string_free (text, FALSE);
}

static void
test_order (void)
{
  g_autoptr(TrCourse) course = load_example ();
  g_autoptr(TrellisPresenterDeck) deck = trellis_presenter_deck_new (course, TR_LANG_EN);
  static const struct { TrellisSlideKind kind; guint part; const char *title; } expected[] = {
    { TRELLIS_SLIDE_LESSON, 0, "First signals" },
    { TRELLIS_SLIDE_SCENARIO, 1, "A remark in the corridor" },
    { TRELLIS_SLIDE_DECISION, 1, "Decision 1 of 5" },
    { TRELLIS_SLIDE_DECISION, 1, "Decision 2 of 5" },
    { TRELLIS_SLIDE_DECISION, 1, "Decision 3 of 5" },
    { TRELLIS_SLIDE_DECISION, 1, "Decision 4 of 5" },
    { TRELLIS_SLIDE_DECISION, 1, "Decision 5 of 5" },
    { TRELLIS_SLIDE_DISCUSSION, 1, "Discussion" },
    { TRELLIS_SLIDE_PART, 2, "Discussion and quiz" },
    { TRELLIS_SLIDE_DISCUSSION, 2, "Discussion" },
  };
  /* Breadth-first from "remark": a node's "otherwise" before its choices'
   * targets; endings left out. */
  static const char * const decision_nodes[] = { "remark", "after-class", "later-week", "guarded-talk", "what-next" };
  const TrScenario *scenario = tr_course_find_scenario (course, "corridor-remark");
  const TrLesson *lesson = tr_course_find_lesson (course, "first-signals");
  const TrellisSlide *slide;
  const TrellisDeckPart *part;

  g_assert_cmpuint (trellis_presenter_deck_get_n_slides (deck), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      slide = trellis_presenter_deck_get_slide (deck, i);
      g_assert_cmpint (slide->kind, ==, expected[i].kind);
      g_assert_cmpuint (slide->part, ==, expected[i].part);
      g_assert_cmpstr (slide->title, ==, expected[i].title);
    }
  g_assert_null (trellis_presenter_deck_get_slide (deck, G_N_ELEMENTS (expected)));

  /* The lesson's key points, in order. */
  slide = trellis_presenter_deck_get_slide (deck, 0);
  g_assert_cmpstr (slide->eyebrow, ==, "Warm-up and first signals");
  g_assert_cmpuint (slide->points->len, ==, lesson->key_points->len);
  for (guint i = 0; i < lesson->key_points->len; i++)
    g_assert_cmpstr (g_ptr_array_index (slide->points, i), ==,
                     tr_text_get (g_ptr_array_index (lesson->key_points, i), TR_LANG_EN));

  /* Each decision point: the node's situation and its choices' labels. */
  for (guint i = 0; i < G_N_ELEMENTS (decision_nodes); i++)
    {
      const TrScenarioNode *node = tr_scenario_get_node (scenario, decision_nodes[i]);

      slide = trellis_presenter_deck_get_slide (deck, 2 + i);
      g_assert_cmpstr (slide->eyebrow, ==, "A remark in the corridor");
      g_assert_cmpstr (slide->body, ==, tr_text_get (&node->text, TR_LANG_EN));
      g_assert_true (slide->numbered);
      g_assert_cmpuint (slide->points->len, ==, node->choices->len);
      for (guint j = 0; j < node->choices->len; j++)
        g_assert_cmpstr (g_ptr_array_index (slide->points, j), ==,
                         tr_text_get (&((TrChoice *) g_ptr_array_index (node->choices, j))->text, TR_LANG_EN));
    }

  /* The discussion questions: the scenario's after its part, the general
   * one after the part that uses neither a lesson nor a scenario. */
  slide = trellis_presenter_deck_get_slide (deck, 7);
  g_assert_cmpstr (slide->eyebrow, ==, "A remark in the corridor");
  g_assert_cmpuint (slide->points->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (slide->points, 0), ==, "What did you learn about Sam only because you talked with him?");
  slide = trellis_presenter_deck_get_slide (deck, 9);
  g_assert_cmpuint (slide->points->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (slide->points, 0), "contact person at your school"));

  /* A part with neither: its title and activity. */
  slide = trellis_presenter_deck_get_slide (deck, 8);
  g_assert_nonnull (strstr (slide->body, "Discuss the questions below"));

  /* The parts, for the console. */
  g_assert_cmpuint (deck->parts->len, ==, 3);
  part = trellis_presenter_deck_get_part (deck, 0);
  g_assert_cmpuint (part->first_slide, ==, 0);
  g_assert_cmpuint (part->n_slides, ==, 1);
  g_assert_cmpint (part->minutes, ==, 15);
  g_assert_cmpuint (part->questions->len, ==, 0);
  part = trellis_presenter_deck_get_part (deck, 1);
  g_assert_cmpuint (part->first_slide, ==, 1);
  g_assert_cmpuint (part->n_slides, ==, 7);
  g_assert_cmpint (part->start, ==, 15);
  g_assert_cmpint (part->minutes, ==, 25);
  g_assert_cmpuint (part->questions->len, ==, 2);
  g_assert_nonnull (strstr (part->activity, "Pairs play"));
  part = trellis_presenter_deck_get_part (deck, 2);
  g_assert_cmpuint (part->first_slide, ==, 8);
  g_assert_cmpuint (part->n_slides, ==, 2);
  g_assert_cmpuint (part->questions->len, ==, 1);
  g_assert_null (trellis_presenter_deck_get_part (deck, 3));
  g_assert_nonnull (strstr (deck->sensitive_reactions, "no religion or group is suspect"));
}

/* The room never sees how a choice is judged. */
static void
test_no_feedback (void)
{
  g_autoptr(TrCourse) course = load_example ();
  const TrScenario *scenario = tr_course_find_scenario (course, "corridor-remark");

  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    {
      g_autoptr(TrellisPresenterDeck) deck = trellis_presenter_deck_new (course, lang);

      for (guint i = 0; i < trellis_presenter_deck_get_n_slides (deck); i++)
        {
          g_autofree char *text = slide_text (trellis_presenter_deck_get_slide (deck, i));
          g_autofree char *points = trellis_slide_get_points_markdown (trellis_presenter_deck_get_slide (deck, i));

          for (guint n = 0; n < scenario->nodes->len; n++)
            {
              const TrScenarioNode *node = g_ptr_array_index (scenario->nodes, n);

              if (node->is_ending)
                g_assert_null (strstr (text, tr_text_get (&node->ending_summary, lang)));
              for (guint c = 0; c < node->choices->len; c++)
                {
                  const TrChoice *choice = g_ptr_array_index (node->choices, c);

                  g_assert_true (tr_text_is_set (&choice->feedback));
                  g_assert_null (strstr (text, tr_text_get (&choice->feedback, lang)));
                  g_assert_true (points == NULL || strstr (points, tr_text_get (&choice->feedback, lang)) == NULL);
                }
            }
        }
    }
}

/* The UI language, with English where a text has none. */
static void
test_language (void)
{
  g_autoptr(TrCourse) course = load_example ();
  g_autoptr(TrellisPresenterDeck) deck = trellis_presenter_deck_new (course, TR_LANG_NL);
  const TrellisSlide *slide = trellis_presenter_deck_get_slide (deck, 0);
  g_autofree char *points = trellis_slide_get_points_markdown (slide);

  g_assert_cmpstr (slide->title, ==, "Eerste signalen");
  g_assert_cmpstr (slide->eyebrow, ==, "Opwarmer en eerste signalen");
  g_assert_true (g_str_has_prefix (points, "- Eén opmerking zegt zelden veel"));
  g_assert_cmpstr (trellis_presenter_deck_get_part (deck, 1)->title, ==, "Scenario in tweetallen");

  slide = trellis_presenter_deck_get_slide (deck, 7);
  g_clear_pointer (&points, g_free);
  points = trellis_slide_get_points_markdown (slide);
  g_assert_true (g_str_has_prefix (points, "1. Wat wist je over Sam"));
}

static void
test_no_guide (void)
{
  g_autofree char *source = tr_test_fixture_path ("example-course", NULL);
  g_autofree char *copy = tr_test_copy_tree (source);
  g_autofree char *guide = g_build_filename (copy, "guide.json", NULL);
  g_autofree char *course_json = g_build_filename (copy, "course.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCourse) course = NULL;
  g_autoptr(TrellisPresenterDeck) deck = NULL;
  GString *edited;
  char *member;

  /* The course without its "guide" member. */
  g_assert_true (g_file_get_contents (course_json, &contents, NULL, &error));
  member = strstr (contents, "\"guide\": \"guide.json\",");
  g_assert_nonnull (member);
  edited = g_string_new_len (contents, member - contents);
  g_string_append (edited, member + strlen ("\"guide\": \"guide.json\","));
  g_assert_true (g_file_set_contents (course_json, edited->str, -1, &error));
  g_string_free (edited, TRUE);
  g_assert_cmpint (g_remove (guide), ==, 0);

  course = tr_course_load_valid (copy, &error);
  g_assert_no_error (error);
  g_assert_null (tr_course_get_guide (course));
  deck = trellis_presenter_deck_new (course, TR_LANG_EN);
  g_assert_cmpuint (trellis_presenter_deck_get_n_slides (deck), ==, 0);
  g_assert_cmpuint (deck->parts->len, ==, 0);
  tr_test_remove_tree (copy);
}

int
main (int    argc,
      char **argv)
{
  tr_test_init (&argc, &argv);
  g_test_add_func ("/presenter-deck/order", test_order);
  g_test_add_func ("/presenter-deck/no-feedback", test_no_feedback);
  g_test_add_func ("/presenter-deck/language", test_language);
  g_test_add_func ("/presenter-deck/no-guide", test_no_guide);
  return g_test_run ();
}
