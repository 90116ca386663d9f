/* trellis-presenter-deck.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-presenter"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-presenter-deck.h"

/* The order of the slides:
 *
 * - each part of the guide's session plan, in order, opens with its slides:
 *   a lesson's title with its key points; a scenario's title and summary,
 *   then one slide per decision point; for a part with neither, its title
 *   and activity;
 * - after a part's slides, the discussion questions the guide has for that
 *   part's lesson or scenario (the first part that uses it);
 * - the other discussion questions (general ones, or about something no part
 *   uses) follow the last part that uses neither a lesson nor a scenario, or
 *   the last part when every part uses one.
 *
 * A scenario's decision points are the nodes reachable from its start,
 * breadth-first, each once: for each node its "otherwise" node comes first
 * (it stands in for the node itself when a condition fails), then where its
 * choices lead, in order. Endings are left out: their summaries judge the
 * choices, as feedback does, and the room should discuss before seeing them.
 * A choice shows only its label, never its feedback or weight, whatever its
 * condition. */

static void
slide_free (gpointer data)
{
  TrellisSlide *slide = data;

  g_free (slide->eyebrow);
  g_free (slide->title);
  g_free (slide->body);
  g_ptr_array_unref (slide->points);
  g_free (slide);
}

static void
part_free (gpointer data)
{
  TrellisDeckPart *part = data;

  g_free (part->title);
  g_free (part->activity);
  g_ptr_array_unref (part->questions);
  g_free (part);
}

static const char *
text_or_null (const TrText *text,
              TrLang        lang)
{
  return tr_text_is_set (text) ? tr_text_get (text, lang) : NULL;
}

static TrellisSlide *
add_slide (TrellisPresenterDeck *deck,
           TrellisSlideKind      kind,
           guint                 part,
           const char           *eyebrow,
           const char           *title,
           const char           *body)
{
  TrellisSlide *slide = g_new0 (TrellisSlide, 1);

  slide->kind = kind;
  slide->part = part;
  slide->eyebrow = g_strdup (eyebrow);
  slide->title = g_strdup (title != NULL ? title : "");
  slide->body = body != NULL && *body != '\0' ? g_strdup (body) : NULL;
  slide->points = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (deck->slides, slide);
  return slide;
}

static GPtrArray *
decision_points (const TrScenario *scenario)
{
  GPtrArray *order = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GQueue) queue = g_queue_new ();
  TrScenarioNode *start = tr_scenario_get_node (scenario, scenario->start);

  if (start == NULL)
    return order;
  g_hash_table_add (seen, start->id);
  g_queue_push_tail (queue, start);
  while (!g_queue_is_empty (queue))
    {
      TrScenarioNode *node = g_queue_pop_head (queue);
      g_autoptr(GPtrArray) next = g_ptr_array_new ();

      if (!node->is_ending && node->choices->len > 0)
        g_ptr_array_add (order, node);
      if (node->otherwise != NULL)
        g_ptr_array_add (next, node->otherwise);
      for (guint i = 0; i < node->choices->len; i++)
        {
          const TrChoice *choice = g_ptr_array_index (node->choices, i);

          if (choice->next != NULL)
            g_ptr_array_add (next, choice->next);
        }
      for (guint i = 0; i < next->len; i++)
        {
          TrScenarioNode *target = tr_scenario_get_node (scenario, g_ptr_array_index (next, i));

          if (target != NULL && !g_hash_table_contains (seen, target->id))
            {
              g_hash_table_add (seen, target->id);
              g_queue_push_tail (queue, target);
            }
        }
    }
  return order;
}

static void
add_lesson (TrellisPresenterDeck *deck,
            guint                 part_index,
            const TrGuidePart    *part,
            const TrLesson       *lesson,
            TrLang                lang)
{
  TrellisSlide *slide = add_slide (deck, TRELLIS_SLIDE_LESSON, part_index, tr_text_get (&part->title, lang),
                                   tr_text_get (&lesson->title, lang), NULL);

  for (guint i = 0; lesson->key_points != NULL && i < lesson->key_points->len; i++)
    g_ptr_array_add (slide->points, g_strdup (tr_text_get (g_ptr_array_index (lesson->key_points, i), lang)));
}

static void
add_scenario (TrellisPresenterDeck *deck,
              guint                 part_index,
              const TrGuidePart    *part,
              const TrScenario     *scenario,
              TrLang                lang)
{
  g_autoptr(GPtrArray) nodes = decision_points (scenario);
  const char *scenario_title = tr_text_get (&scenario->title, lang);

  add_slide (deck, TRELLIS_SLIDE_SCENARIO, part_index, tr_text_get (&part->title, lang), scenario_title,
             text_or_null (&scenario->summary, lang));
  for (guint i = 0; i < nodes->len; i++)
    {
      const TrScenarioNode *node = g_ptr_array_index (nodes, i);
      /* Translators: a decision point of a scenario on a presentation slide, e.g. "Decision 2 of 5". */
      g_autofree char *title = g_strdup_printf (_("Decision %u of %u"), i + 1, nodes->len);
      TrellisSlide *slide = add_slide (deck, TRELLIS_SLIDE_DECISION, part_index, scenario_title, title,
                                       tr_text_get (&node->text, lang));

      slide->numbered = TRUE;
      for (guint j = 0; j < node->choices->len; j++)
        {
          const TrChoice *choice = g_ptr_array_index (node->choices, j);

          g_ptr_array_add (slide->points, g_strdup (tr_text_get (&choice->text, lang)));
        }
    }
}

static void
add_discussion (TrellisPresenterDeck *deck,
                TrCourse             *course,
                guint                 part_index,
                const TrDiscussion   *discussion,
                TrLang                lang)
{
  TrellisDeckPart *part = g_ptr_array_index (deck->parts, part_index);
  const TrScenario *scenario = discussion->scenario != NULL ? tr_course_find_scenario (course, discussion->scenario) : NULL;
  const TrLesson *lesson = discussion->lesson != NULL ? tr_course_find_lesson (course, discussion->lesson) : NULL;
  const char *about = scenario != NULL ? tr_text_get (&scenario->title, lang)
                      : lesson != NULL ? tr_text_get (&lesson->title, lang)
                      : part->title;
  TrellisSlide *slide;

  if (discussion->questions == NULL || discussion->questions->len == 0)
    return;
  slide = add_slide (deck, TRELLIS_SLIDE_DISCUSSION, part_index, about, _("Discussion"), NULL);
  slide->numbered = TRUE;
  for (guint i = 0; i < discussion->questions->len; i++)
    {
      const char *question = tr_text_get (g_ptr_array_index (discussion->questions, i), lang);

      g_ptr_array_add (slide->points, g_strdup (question));
      g_ptr_array_add (part->questions, g_strdup (question));
    }
}

static gboolean
part_uses (const TrGuidePart  *part,
           const TrDiscussion *discussion)
{
  return (discussion->scenario != NULL && g_strcmp0 (part->scenario, discussion->scenario) == 0) ||
         (discussion->lesson != NULL && g_strcmp0 (part->lesson, discussion->lesson) == 0);
}

static gboolean
some_part_uses (const TrGuide      *guide,
                const TrDiscussion *discussion)
{
  for (guint i = 0; i < guide->plan->len; i++)
    if (part_uses (g_ptr_array_index (guide->plan, i), discussion))
      return TRUE;
  return FALSE;
}

/* Where the discussions about nothing in the plan go. */
static guint
general_part (const TrGuide *guide)
{
  for (guint i = guide->plan->len; i > 0; i--)
    {
      const TrGuidePart *part = g_ptr_array_index (guide->plan, i - 1);

      if (part->lesson == NULL && part->scenario == NULL)
        return i - 1;
    }
  return guide->plan->len - 1;
}

TrellisPresenterDeck *
trellis_presenter_deck_new (TrCourse *course,
                            TrLang    lang)
{
  TrellisPresenterDeck *deck;
  const TrGuide *guide;
  g_autofree gboolean *shown = NULL;
  guint n_discussions, general;

  g_return_val_if_fail (TR_IS_COURSE (course), NULL);
  g_return_val_if_fail (lang < TR_N_LANGS, NULL);

  deck = g_new0 (TrellisPresenterDeck, 1);
  deck->slides = g_ptr_array_new_with_free_func (slide_free);
  deck->parts = g_ptr_array_new_with_free_func (part_free);
  guide = tr_course_get_guide (course);
  if (guide == NULL || guide->plan == NULL || guide->plan->len == 0)
    return deck;

  if (tr_text_is_set (&guide->sensitive_reactions))
    deck->sensitive_reactions = g_strdup (tr_text_get (&guide->sensitive_reactions, lang));
  n_discussions = guide->discussion != NULL ? guide->discussion->len : 0;
  shown = g_new0 (gboolean, MAX (n_discussions, 1));
  general = general_part (guide);

  for (guint i = 0; i < guide->plan->len; i++)
    {
      const TrGuidePart *plan_part = g_ptr_array_index (guide->plan, i);
      const TrLesson *lesson = plan_part->lesson != NULL ? tr_course_find_lesson (course, plan_part->lesson) : NULL;
      const TrScenario *scenario = plan_part->scenario != NULL ? tr_course_find_scenario (course, plan_part->scenario) : NULL;
      TrellisDeckPart *part = g_new0 (TrellisDeckPart, 1);

      part->first_slide = deck->slides->len;
      part->start = plan_part->start;
      part->minutes = plan_part->minutes;
      part->title = g_strdup (tr_text_get (&plan_part->title, lang));
      part->activity = g_strdup (text_or_null (&plan_part->activity, lang));
      part->questions = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (deck->parts, part);

      if (lesson != NULL)
        add_lesson (deck, i, plan_part, lesson, lang);
      else if (scenario != NULL)
        add_scenario (deck, i, plan_part, scenario, lang);
      else
        add_slide (deck, TRELLIS_SLIDE_PART, i, NULL, part->title, part->activity);

      for (guint j = 0; j < n_discussions; j++)
        {
          const TrDiscussion *discussion = g_ptr_array_index (guide->discussion, j);

          if (!shown[j] && part_uses (plan_part, discussion))
            {
              shown[j] = TRUE;
              add_discussion (deck, course, i, discussion, lang);
            }
        }
      if (i == general)
        for (guint j = 0; j < n_discussions; j++)
          {
            const TrDiscussion *discussion = g_ptr_array_index (guide->discussion, j);

            if (!shown[j] && !some_part_uses (guide, discussion))
              {
                shown[j] = TRUE;
                add_discussion (deck, course, i, discussion, lang);
              }
          }
      part->n_slides = deck->slides->len - part->first_slide;
    }
  return deck;
}

void
trellis_presenter_deck_free (TrellisPresenterDeck *deck)
{
  if (deck == NULL)
    return;
  g_ptr_array_unref (deck->slides);
  g_ptr_array_unref (deck->parts);
  g_free (deck->sensitive_reactions);
  g_free (deck);
}

guint
trellis_presenter_deck_get_n_slides (TrellisPresenterDeck *deck)
{
  g_return_val_if_fail (deck != NULL, 0);
  return deck->slides->len;
}

const TrellisSlide *
trellis_presenter_deck_get_slide (TrellisPresenterDeck *deck,
                                  guint                 index)
{
  g_return_val_if_fail (deck != NULL, NULL);
  return index < deck->slides->len ? g_ptr_array_index (deck->slides, index) : NULL;
}

const TrellisDeckPart *
trellis_presenter_deck_get_part (TrellisPresenterDeck *deck,
                                 guint                 part)
{
  g_return_val_if_fail (deck != NULL, NULL);
  return part < deck->parts->len ? g_ptr_array_index (deck->parts, part) : NULL;
}

/* The points as one Markdown list, for TrellisBlockView; NULL when there
 * are none. A point is one list item, so its line breaks become spaces. */
char *
trellis_slide_get_points_markdown (const TrellisSlide *slide)
{
  GString *markdown;

  g_return_val_if_fail (slide != NULL, NULL);

  if (slide->points->len == 0)
    return NULL;
  markdown = g_string_new (NULL);
  for (guint i = 0; i < slide->points->len; i++)
    {
      g_autofree char *point = g_strdup (g_ptr_array_index (slide->points, i));

      g_strdelimit (point, "\r\n", ' ');
      if (slide->numbered)
        g_string_append_printf (markdown, "%u. %s\n", i + 1, g_strstrip (point));
      else
        g_string_append_printf (markdown, "- %s\n", g_strstrip (point));
    }
  return g_string_free (markdown, FALSE);
}
