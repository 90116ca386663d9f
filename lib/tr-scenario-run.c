/* tr-scenario-run.c
 *
 * A run is the list of choices made from the start; everything else
 * (variables, score, the current node) follows from replaying them, which
 * is also how the learner goes back to an earlier decision.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-scenario"

#include "tr-scenario-run.h"

typedef struct
{
  const TrScenarioNode *node;
  const TrChoice       *choice;
} Step;

struct _TrScenarioRun
{
  const TrScenario     *scenario;
  const TrScenarioNode *node;
  GHashTable           *variables;   /* name → GINT_TO_POINTER (value) */
  int                   score;
  GArray               *steps;       /* Step */
};

/* Follows "otherwise" while a node's condition does not hold. The validator
 * refuses loops of otherwise; the bound only guards against a broken file. */
static const TrScenarioNode *
resolve (TrScenarioRun        *self,
         const TrScenarioNode *node)
{
  for (guint hops = 0; node != NULL && node->condition != NULL && hops <= self->scenario->nodes->len; hops++)
    {
      if (tr_condition_evaluate (node->condition, self->variables, self->score))
        break;
      node = tr_scenario_get_node (self->scenario, node->otherwise);
    }
  return node;
}

static void
restart (TrScenarioRun *self)
{
  GHashTableIter iter;
  gpointer name, value;

  g_hash_table_remove_all (self->variables);
  g_hash_table_iter_init (&iter, self->scenario->variables);
  while (g_hash_table_iter_next (&iter, &name, &value))
    g_hash_table_insert (self->variables, name, value);
  self->score = 0;
  g_array_set_size (self->steps, 0);
  self->node = resolve (self, tr_scenario_get_node (self->scenario, self->scenario->start));
}

TrScenarioRun *
tr_scenario_run_new (const TrScenario *scenario)
{
  TrScenarioRun *self = g_new0 (TrScenarioRun, 1);

  g_return_val_if_fail (scenario != NULL, NULL);

  self->scenario = scenario;
  /* Keys are the scenario's own names, which outlive the run. */
  self->variables = g_hash_table_new (g_str_hash, g_str_equal);
  self->steps = g_array_new (FALSE, FALSE, sizeof (Step));
  restart (self);
  return self;
}

void
tr_scenario_run_free (TrScenarioRun *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->variables);
  g_array_unref (self->steps);
  g_free (self);
}

const TrScenario *
tr_scenario_run_get_scenario (TrScenarioRun *self)
{
  return self->scenario;
}

const TrScenarioNode *
tr_scenario_run_get_node (TrScenarioRun *self)
{
  return self->node;
}

/* The choices the learner may make now: those whose condition holds. */
GPtrArray *
tr_scenario_run_get_choices (TrScenarioRun *self)
{
  GPtrArray *choices = g_ptr_array_new ();

  for (guint i = 0; self->node != NULL && i < self->node->choices->len; i++)
    {
      TrChoice *choice = g_ptr_array_index (self->node->choices, i);

      if (choice->condition == NULL || tr_condition_evaluate (choice->condition, self->variables, self->score))
        g_ptr_array_add (choices, choice);
    }
  return choices;
}

static void
apply (TrScenarioRun  *self,
       const TrChoice *choice)
{
  for (guint i = 0; i < choice->effects->len; i++)
    {
      const TrEffect *effect = g_ptr_array_index (choice->effects, i);
      gpointer key = NULL, value = NULL;
      int current;

      /* Use the scenario's own copy of the name as the key. */
      if (!g_hash_table_lookup_extended (self->scenario->variables, effect->variable, &key, &value))
        continue;
      current = GPOINTER_TO_INT (g_hash_table_lookup (self->variables, key));
      g_hash_table_insert (self->variables, key,
                           GINT_TO_POINTER (effect->kind == TR_EFFECT_SET ? effect->value : current + effect->value));
    }
  self->score += choice->weight;
}

/* Makes a choice that is offered now; returns FALSE for any other. */
gboolean
tr_scenario_run_choose (TrScenarioRun *self,
                        const char    *choice_id)
{
  g_autoptr(GPtrArray) choices = tr_scenario_run_get_choices (self);

  for (guint i = 0; i < choices->len; i++)
    {
      const TrChoice *choice = g_ptr_array_index (choices, i);
      Step step = { self->node, choice };

      if (g_strcmp0 (choice->id, choice_id) != 0)
        continue;
      g_array_append_val (self->steps, step);
      apply (self, choice);
      self->node = resolve (self, tr_scenario_get_node (self->scenario, choice->next));
      return TRUE;
    }
  return FALSE;
}

gboolean
tr_scenario_run_is_finished (TrScenarioRun *self)
{
  return self->node == NULL || self->node->is_ending;
}

int
tr_scenario_run_get_score (TrScenarioRun *self)
{
  return self->score;
}

int
tr_scenario_run_get_variable (TrScenarioRun *self,
                              const char    *name)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (self->variables, name));
}

guint
tr_scenario_run_get_n_steps (TrScenarioRun *self)
{
  return self->steps->len;
}

const TrScenarioNode *
tr_scenario_run_get_step_node (TrScenarioRun *self,
                               guint          step)
{
  g_return_val_if_fail (step < self->steps->len, NULL);
  return g_array_index (self->steps, Step, step).node;
}

const TrChoice *
tr_scenario_run_get_step_choice (TrScenarioRun *self,
                                 guint          step)
{
  g_return_val_if_fail (step < self->steps->len, NULL);
  return g_array_index (self->steps, Step, step).choice;
}

/* Back to the decision after the first n_steps choices (0: the start). */
void
tr_scenario_run_rewind (TrScenarioRun *self,
                        guint          n_steps)
{
  g_autoptr(GArray) steps = g_array_copy (self->steps);

  restart (self);
  for (guint i = 0; i < MIN (n_steps, steps->len); i++)
    tr_scenario_run_choose (self, g_array_index (steps, Step, i).choice->id);
}

/**
 * tr_scenario_run_follow:
 *
 * Replays one recorded choice ("chose" event: the node and the choice). When
 * the learner went back to an earlier decision before making it, the run
 * goes back to that node's latest visit first, so replaying a learner's
 * events in order rebuilds exactly where they are.
 *
 * Returns: %FALSE when the choice cannot be made there (the course changed).
 */
gboolean
tr_scenario_run_follow (TrScenarioRun *self,
                        const char    *node_id,
                        const char    *choice_id)
{
  if (self->node == NULL || g_strcmp0 (self->node->id, node_id) != 0)
    {
      guint n = self->steps->len;
      gboolean found = FALSE;

      while (n > 0 && !found)
        {
          n--;
          found = g_strcmp0 (g_array_index (self->steps, Step, n).node->id, node_id) == 0;
        }
      tr_scenario_run_rewind (self, found ? n : 0);
      if (self->node == NULL || g_strcmp0 (self->node->id, node_id) != 0)
        return FALSE;
    }
  return tr_scenario_run_choose (self, choice_id);
}
