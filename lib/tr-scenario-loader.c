/* tr-scenario-loader.c: scenario files, and the checks on their graphs
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-loader"

#include "tr-loader-private.h"

static const char * const settings[] = {
  "classroom", "school", "youth-centre", "municipal-counter", "home-visit", "online",
  "street", "community", "police", "care", "other",
};

static const char * const verdicts[] = { "good", "mixed", "poor" };

static const TrField scenario_fields[] = {
  { "id", TR_FIELD_STRING, TRUE },
  { "title", TR_FIELD_TEXT, TRUE },
  { "setting", TR_FIELD_STRING, TRUE },
  { "role", TR_FIELD_TEXT, TRUE },
  { "summary", TR_FIELD_TEXT, FALSE },
  { "start", TR_FIELD_STRING, TRUE },
  { "variables", TR_FIELD_OBJECT, FALSE },
  { "nodes", TR_FIELD_ARRAY, TRUE },
};

static const TrField node_fields[] = {
  { "id", TR_FIELD_STRING, TRUE },
  { "text", TR_FIELD_TEXT, TRUE },
  { "choices", TR_FIELD_ARRAY, FALSE },
  { "ending", TR_FIELD_OBJECT, FALSE },
  { "condition", TR_FIELD_STRING, FALSE },
  { "otherwise", TR_FIELD_STRING, FALSE },
};

static const TrField choice_fields[] = {
  { "id", TR_FIELD_STRING, TRUE },
  { "text", TR_FIELD_TEXT, TRUE },
  { "feedback", TR_FIELD_TEXT, TRUE },
  { "weight", TR_FIELD_INT, TRUE },
  { "next", TR_FIELD_STRING, TRUE },
  { "condition", TR_FIELD_STRING, FALSE },
  { "set", TR_FIELD_OBJECT, FALSE },
  { "add", TR_FIELD_OBJECT, FALSE },
};

static const TrField ending_fields[] = {
  { "verdict", TR_FIELD_STRING, TRUE },
  { "summary", TR_FIELD_TEXT, TRUE },
};

typedef struct
{
  TrLoader   *loader;
  TrJsonDoc  *doc;
  TrScenario *scenario;
  GHashTable *node_objects;     /* TrScenarioNode* → JsonObject* */
  GHashTable *choice_objects;   /* TrChoice* → JsonObject* */
} ScenarioReader;

static gboolean
check_enum (ScenarioReader     *reader,
            JsonObject         *object,
            const char         *member,
            const char * const *allowed,
            guint               n_allowed,
            const char         *what)
{
  const char *value = tr_json_get_string (object, member);
  g_autofree char *suggestion = NULL;

  if (value == NULL)
    return TRUE;
  for (guint i = 0; i < n_allowed; i++)
    if (g_str_equal (allowed[i], value))
      return TRUE;
  suggestion = tr_suggest (value, allowed, n_allowed);
  tr_json_doc_report_member (reader->doc, reader->loader->diagnostics, TR_SEVERITY_ERROR, object, member,
                             "unknown %s \"%s\"%s%s%s", what, value,
                             suggestion ? "; did you mean \"" : "", suggestion ? suggestion : "",
                             suggestion ? "\"?" : "");
  return FALSE;
}

static void
check_variable_name (ScenarioReader *reader,
                     JsonObject     *object,
                     const char     *member,
                     const char     *name)
{
  g_autoptr(GList) keys = NULL;
  g_autoptr(GPtrArray) known = g_ptr_array_new ();
  g_autofree char *suggestion = NULL;

  if (g_str_equal (name, TR_CONDITION_SCORE) ||
      g_hash_table_contains (reader->scenario->variables, name))
    return;
  keys = g_hash_table_get_keys (reader->scenario->variables);
  for (const GList *l = keys; l != NULL; l = l->next)
    g_ptr_array_add (known, l->data);
  g_ptr_array_add (known, (gpointer) TR_CONDITION_SCORE);
  suggestion = tr_suggest (name, (const char * const *) known->pdata, known->len);
  tr_json_doc_report_member (reader->doc, reader->loader->diagnostics, TR_SEVERITY_ERROR, object, member,
                             "unknown variable \"%s\": declare it in the scenario's \"variables\"%s%s%s",
                             name, suggestion ? "; did you mean \"" : "", suggestion ? suggestion : "",
                             suggestion ? "\"?" : "");
}

static TrCondition *
read_condition (ScenarioReader *reader,
                JsonObject     *object)
{
  const char *source = tr_json_get_string (object, "condition");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;
  TrCondition *condition;

  if (source == NULL)
    return NULL;
  condition = tr_condition_parse (source, &error);
  if (condition == NULL)
    {
      tr_json_doc_report_member (reader->doc, reader->loader->diagnostics, TR_SEVERITY_ERROR,
                                 object, "condition", "%s", error->message);
      return NULL;
    }
  names = tr_condition_get_variables (condition);
  for (guint i = 0; i < names->len; i++)
    check_variable_name (reader, object, "condition", g_ptr_array_index (names, i));
  return condition;
}

static void
read_effects (ScenarioReader *reader,
              JsonObject     *object,
              const char     *member,
              TrEffectKind    kind,
              TrChoice       *choice)
{
  JsonObject *effects = tr_json_get_object (object, member);
  g_autoptr(GList) names = NULL;

  if (effects == NULL)
    return;
  names = json_object_get_members (effects);
  for (const GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (effects, l->data);
      TrEffect *effect;

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64)
        {
          tr_json_doc_report_member (reader->doc, reader->loader->diagnostics, TR_SEVERITY_ERROR,
                                     effects, l->data, "the value of \"%s\" in \"%s\" must be a whole number",
                                     (const char *) l->data, member);
          continue;
        }
      if (g_str_equal (l->data, TR_CONDITION_SCORE))
        {
          tr_json_doc_report_member (reader->doc, reader->loader->diagnostics, TR_SEVERITY_ERROR,
                                     effects, l->data, "\"score\" is the sum of the weights and cannot be changed");
          continue;
        }
      check_variable_name (reader, effects, l->data, l->data);
      effect = g_new0 (TrEffect, 1);
      effect->kind = kind;
      effect->variable = g_strdup (l->data);
      effect->value = (int) CLAMP (json_node_get_int (value), G_MININT, G_MAXINT);
      g_ptr_array_add (choice->effects, effect);
    }
}

static void
read_choice (ScenarioReader *reader,
             TrScenarioNode *node,
             JsonNode       *json,
             GHashTable     *seen)
{
  TrLoader *loader = reader->loader;
  JsonObject *object;
  TrChoice *choice;
  gint64 weight;

  if (!tr_json_doc_check_object (reader->doc, loader->diagnostics, json, "a choice",
                                 choice_fields, G_N_ELEMENTS (choice_fields)))
    return;
  object = json_node_get_object (json);
  choice = tr_choice_new ();
  choice->id = tr_loader_read_id (loader, reader->doc, object, "choice", seen);
  if (choice->id == NULL)
    {
      tr_choice_free (choice);
      return;
    }
  tr_loader_read_text (loader, reader->doc, object, "text", TR_TEXT_PLAIN, &choice->text,
                       "scenario %s, node %s, choice %s: text", reader->scenario->id, node->id, choice->id);
  tr_loader_read_text (loader, reader->doc, object, "feedback", TR_TEXT_MARKDOWN, &choice->feedback,
                       "scenario %s, node %s, choice %s: feedback", reader->scenario->id, node->id, choice->id);
  weight = tr_json_get_int (object, "weight", 0);
  if (weight < -10 || weight > 10)
    tr_json_doc_report_member (reader->doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "weight",
                               "\"weight\" must be between -10 and 10");
  choice->weight = (int) CLAMP (weight, -10, 10);
  choice->next = g_strdup (tr_json_get_string (object, "next"));
  choice->condition = read_condition (reader, object);
  read_effects (reader, object, "set", TR_EFFECT_SET, choice);
  read_effects (reader, object, "add", TR_EFFECT_ADD, choice);
  g_hash_table_insert (reader->choice_objects, choice, object);
  g_ptr_array_add (node->choices, choice);
}

static void
read_node (ScenarioReader *reader,
           JsonNode       *json,
           GHashTable     *seen)
{
  TrLoader *loader = reader->loader;
  JsonObject *object;
  TrScenarioNode *node;
  JsonArray *choices;
  JsonObject *ending;
  g_autoptr(GHashTable) seen_choices = tr_loader_new_id_set ();

  if (!tr_json_doc_check_object (reader->doc, loader->diagnostics, json, "a node",
                                 node_fields, G_N_ELEMENTS (node_fields)))
    return;
  object = json_node_get_object (json);
  node = tr_scenario_node_new ();
  node->id = tr_loader_read_id (loader, reader->doc, object, "node", seen);
  if (node->id == NULL)
    {
      tr_scenario_node_free (node);
      return;
    }
  tr_loader_read_text (loader, reader->doc, object, "text", TR_TEXT_MARKDOWN, &node->text,
                       "scenario %s, node %s: text", reader->scenario->id, node->id);

  choices = tr_json_get_array (object, "choices");
  ending = tr_json_get_object (object, "ending");
  if (choices != NULL && ending != NULL)
    tr_json_doc_report_member (reader->doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "ending",
                               "node \"%s\" has both \"choices\" and \"ending\"; a node is one or the other",
                               node->id);
  else if (choices == NULL && ending == NULL && !json_object_has_member (object, "choices") &&
           !json_object_has_member (object, "ending"))
    tr_json_doc_report_member (reader->doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "id",
                               "node \"%s\" has neither \"choices\" nor an \"ending\": the learner would be stuck",
                               node->id);
  else if (choices != NULL && json_array_get_length (choices) == 0)
    tr_json_doc_report_member (reader->doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "choices",
                               "node \"%s\" has an empty list of choices", node->id);

  for (guint i = 0; choices != NULL && i < json_array_get_length (choices); i++)
    read_choice (reader, node, json_array_get_element (choices, i), seen_choices);

  if (ending != NULL &&
      tr_json_doc_check_object (reader->doc, loader->diagnostics, json_object_get_member (object, "ending"),
                                "an ending", ending_fields, G_N_ELEMENTS (ending_fields)))
    {
      const char *verdict = tr_json_get_string (ending, "verdict");

      node->is_ending = TRUE;
      if (check_enum (reader, ending, "verdict", verdicts, G_N_ELEMENTS (verdicts), "verdict") && verdict != NULL)
        node->verdict = g_str_equal (verdict, "good") ? TR_VERDICT_GOOD
                        : g_str_equal (verdict, "mixed") ? TR_VERDICT_MIXED : TR_VERDICT_POOR;
      tr_loader_read_text (loader, reader->doc, ending, "summary", TR_TEXT_MARKDOWN, &node->ending_summary,
                           "scenario %s, ending %s: summary", reader->scenario->id, node->id);
    }

  node->condition = read_condition (reader, object);
  node->otherwise = g_strdup (tr_json_get_string (object, "otherwise"));
  if (json_object_has_member (object, "condition") && !json_object_has_member (object, "otherwise"))
    tr_json_doc_report_member (reader->doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "condition",
                               "node \"%s\" has a \"condition\" but no \"otherwise\": "
                               "say where the learner goes when it does not hold", node->id);
  if (json_object_has_member (object, "otherwise") && !json_object_has_member (object, "condition"))
    tr_json_doc_report_member (reader->doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "otherwise",
                               "node \"%s\" has \"otherwise\" but no \"condition\"", node->id);

  g_hash_table_insert (reader->scenario->node_index, node->id, node);
  g_hash_table_insert (reader->node_objects, node, object);
  g_ptr_array_add (reader->scenario->nodes, node);
}

static void
read_variables (ScenarioReader *reader,
                JsonObject     *root)
{
  JsonObject *variables = tr_json_get_object (root, "variables");
  g_autoptr(GList) names = NULL;

  if (variables == NULL)
    return;
  names = json_object_get_members (variables);
  for (const GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (variables, l->data);
      const char *name = l->data;
      gboolean valid_name = g_ascii_isalpha (name[0]) || name[0] == '_';

      for (const char *p = name; *p != '\0' && valid_name; p++)
        valid_name = g_ascii_isalnum (*p) || *p == '_' || *p == '-';
      if (!valid_name || g_str_equal (name, TR_CONDITION_SCORE) ||
          g_ascii_strcasecmp (name, "and") == 0 || g_ascii_strcasecmp (name, "or") == 0)
        tr_json_doc_report_member (reader->doc, reader->loader->diagnostics, TR_SEVERITY_ERROR,
                                   variables, name,
                                   "\"%s\" cannot be a variable name: use letters, digits, \"_\" and \"-\", "
                                   "starting with a letter, and not \"score\", \"and\" or \"or\"", name);
      else if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64)
        tr_json_doc_report_member (reader->doc, reader->loader->diagnostics, TR_SEVERITY_ERROR,
                                   variables, name, "the starting value of \"%s\" must be a whole number", name);
      else
        g_hash_table_insert (reader->scenario->variables, g_strdup (name),
                             GINT_TO_POINTER ((int) CLAMP (json_node_get_int (value), G_MININT, G_MAXINT)));
    }
}

/* Each edge of the graph: a choice's next, and a conditional node's otherwise. */
static void
for_each_successor (ScenarioReader  *reader,
                    TrScenarioNode  *node,
                    void           (*visit) (TrScenarioNode *, gpointer),
                    gpointer         data)
{
  TrScenarioNode *target;

  for (guint i = 0; i < node->choices->len; i++)
    {
      TrChoice *choice = g_ptr_array_index (node->choices, i);

      if ((target = tr_scenario_get_node (reader->scenario, choice->next)) != NULL)
        visit (target, data);
    }
  if ((target = tr_scenario_get_node (reader->scenario, node->otherwise)) != NULL)
    visit (target, data);
}

typedef struct
{
  GHashTable *set;
  GQueue     *queue;
} Walk;

static void
visit_cb (TrScenarioNode *node,
          gpointer        data)
{
  Walk *walk = data;

  if (g_hash_table_add (walk->set, node))
    g_queue_push_tail (walk->queue, node);
}

static GHashTable *
reachable_from_start (ScenarioReader *reader)
{
  GHashTable *reached = g_hash_table_new (NULL, NULL);
  g_autoptr(GQueue) queue = g_queue_new ();
  TrScenarioNode *start = tr_scenario_get_node (reader->scenario, reader->scenario->start);
  Walk walk = { reached, queue };
  TrScenarioNode *node;

  if (start != NULL)
    visit_cb (start, &walk);
  while ((node = g_queue_pop_head (queue)) != NULL)
    for_each_successor (reader, node, visit_cb, &walk);
  return reached;
}

/* The nodes from which some ending can be reached: grow the set backwards
 * from the endings until it no longer changes. */
static GHashTable *
leading_to_an_ending (ScenarioReader *reader)
{
  GHashTable *leading = g_hash_table_new (NULL, NULL);
  gboolean grew = TRUE;

  for (guint i = 0; i < reader->scenario->nodes->len; i++)
    {
      TrScenarioNode *node = g_ptr_array_index (reader->scenario->nodes, i);

      if (node->is_ending)
        g_hash_table_add (leading, node);
    }
  while (grew)
    {
      grew = FALSE;
      for (guint i = 0; i < reader->scenario->nodes->len; i++)
        {
          TrScenarioNode *node = g_ptr_array_index (reader->scenario->nodes, i);
          TrScenarioNode *target;
          gboolean leads = FALSE;

          if (g_hash_table_contains (leading, node))
            continue;
          for (guint j = 0; j < node->choices->len && !leads; j++)
            {
              TrChoice *choice = g_ptr_array_index (node->choices, j);

              target = tr_scenario_get_node (reader->scenario, choice->next);
              leads = target != NULL && g_hash_table_contains (leading, target);
            }
          target = tr_scenario_get_node (reader->scenario, node->otherwise);
          leads |= target != NULL && g_hash_table_contains (leading, target);
          if (leads)
            {
              g_hash_table_add (leading, node);
              grew = TRUE;
            }
        }
    }
  return leading;
}

static void
check_references (ScenarioReader *reader,
                  JsonObject     *root)
{
  TrScenario *scenario = reader->scenario;
  TrDiagnostics *diagnostics = reader->loader->diagnostics;

  if (scenario->start != NULL && tr_scenario_get_node (scenario, scenario->start) == NULL)
    tr_json_doc_report_member (reader->doc, diagnostics, TR_SEVERITY_ERROR, root, "start",
                               "\"start\" names a node that does not exist: \"%s\"", scenario->start);

  for (guint i = 0; i < scenario->nodes->len; i++)
    {
      TrScenarioNode *node = g_ptr_array_index (scenario->nodes, i);
      JsonObject *object = g_hash_table_lookup (reader->node_objects, node);
      guint unconditional = 0;
      TrScenarioNode *hop = node;

      for (guint j = 0; j < node->choices->len; j++)
        {
          TrChoice *choice = g_ptr_array_index (node->choices, j);
          JsonObject *choice_object = g_hash_table_lookup (reader->choice_objects, choice);

          if (choice->next != NULL && tr_scenario_get_node (scenario, choice->next) == NULL)
            tr_json_doc_report_member (reader->doc, diagnostics, TR_SEVERITY_ERROR, choice_object, "next",
                                       "choice \"%s\" leads to a node that does not exist: \"%s\"",
                                       choice->id, choice->next);
          if (choice->condition == NULL && !json_object_has_member (choice_object, "condition"))
            unconditional++;
        }
      if (node->choices->len > 0 && unconditional == 0)
        tr_json_doc_report_member (reader->doc, diagnostics, TR_SEVERITY_ERROR, object, "choices",
                                   "every choice of node \"%s\" has a condition, so the learner is stuck "
                                   "when none holds: give at least one choice no condition", node->id);

      if (node->otherwise != NULL && tr_scenario_get_node (scenario, node->otherwise) == NULL)
        tr_json_doc_report_member (reader->doc, diagnostics, TR_SEVERITY_ERROR, object, "otherwise",
                                   "\"otherwise\" names a node that does not exist: \"%s\"", node->otherwise);

      /* A chain of "otherwise" that comes back to where it began never stops. */
      for (guint steps = 0; hop != NULL && hop->otherwise != NULL; steps++)
        {
          hop = tr_scenario_get_node (scenario, hop->otherwise);
          if (hop == node || steps > scenario->nodes->len)
            {
              tr_json_doc_report_member (reader->doc, diagnostics, TR_SEVERITY_ERROR, object, "otherwise",
                                         "node \"%s\" sends the learner round in a loop of \"otherwise\" "
                                         "redirections", node->id);
              break;
            }
        }
    }
}

static void
check_graph (ScenarioReader *reader,
             JsonObject     *root)
{
  TrScenario *scenario = reader->scenario;
  TrDiagnostics *diagnostics = reader->loader->diagnostics;
  g_autoptr(GHashTable) reached = NULL;
  g_autoptr(GHashTable) leading = NULL;
  gboolean ending_reached = FALSE;

  if (tr_scenario_get_node (scenario, scenario->start) == NULL)
    return;

  reached = reachable_from_start (reader);
  leading = leading_to_an_ending (reader);

  for (guint i = 0; i < scenario->nodes->len; i++)
    {
      TrScenarioNode *node = g_ptr_array_index (scenario->nodes, i);

      if (node->is_ending && g_hash_table_contains (reached, node))
        ending_reached = TRUE;
    }
  if (tr_scenario_count_endings (scenario) == 0)
    tr_json_doc_report_member (reader->doc, diagnostics, TR_SEVERITY_ERROR, root, "nodes",
                               "scenario \"%s\" has no ending: give it nodes with \"ending\"", scenario->id);
  else if (!ending_reached)
    tr_json_doc_report_member (reader->doc, diagnostics, TR_SEVERITY_ERROR, root, "start",
                               "no ending of scenario \"%s\" can be reached from its start", scenario->id);

  for (guint i = 0; i < scenario->nodes->len; i++)
    {
      TrScenarioNode *node = g_ptr_array_index (scenario->nodes, i);
      JsonObject *object = g_hash_table_lookup (reader->node_objects, node);

      if (!g_hash_table_contains (reached, node))
        tr_json_doc_report_member (reader->doc, diagnostics, TR_SEVERITY_ERROR, object, "id",
                                   "node \"%s\" cannot be reached from the start node \"%s\"",
                                   node->id, scenario->start);
      else if (ending_reached && !g_hash_table_contains (leading, node) && node->choices->len > 0)
        tr_json_doc_report_member (reader->doc, diagnostics, TR_SEVERITY_ERROR, object, "id",
                                   "from node \"%s\" no ending can be reached: its choices lead round "
                                   "in a loop with no way out", node->id);
    }
}

void
tr_loader_load_scenario (TrLoader  *loader,
                         TrJsonDoc *course_doc,
                         JsonNode  *ref)
{
  g_autoptr(TrJsonDoc) doc = tr_loader_open_part (loader, course_doc, ref);
  g_autoptr(GHashTable) seen_nodes = tr_loader_new_id_set ();
  g_autoptr(GHashTable) node_objects = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) choice_objects = g_hash_table_new (NULL, NULL);
  ScenarioReader reader = { loader, doc, NULL, node_objects, choice_objects };
  JsonObject *root;
  JsonArray *nodes;
  TrScenario *scenario;

  if (doc == NULL ||
      !tr_json_doc_check_object (doc, loader->diagnostics, tr_json_doc_get_root (doc), "a scenario",
                                 scenario_fields, G_N_ELEMENTS (scenario_fields)))
    return;
  root = json_node_get_object (tr_json_doc_get_root (doc));

  scenario = tr_scenario_new ();
  scenario->id = tr_loader_read_id (loader, doc, root, "scenario", NULL);
  if (scenario->id == NULL)
    {
      tr_scenario_free (scenario);
      return;
    }
  if (tr_course_find_scenario (loader->course, scenario->id) != NULL)
    {
      tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, root, "id",
                                 "duplicate scenario id \"%s\": another scenario of the course has it",
                                 scenario->id);
      tr_scenario_free (scenario);
      return;
    }
  reader.scenario = scenario;
  tr_loader_read_text (loader, doc, root, "title", TR_TEXT_PLAIN, &scenario->title,
                       "scenario %s: title", scenario->id);
  tr_loader_read_text (loader, doc, root, "role", TR_TEXT_PLAIN, &scenario->role,
                       "scenario %s: role", scenario->id);
  tr_loader_read_text (loader, doc, root, "summary", TR_TEXT_PLAIN, &scenario->summary,
                       "scenario %s: summary", scenario->id);
  if (check_enum (&reader, root, "setting", settings, G_N_ELEMENTS (settings), "setting"))
    scenario->setting = g_strdup (tr_json_get_string (root, "setting"));
  scenario->start = g_strdup (tr_json_get_string (root, "start"));
  read_variables (&reader, root);

  nodes = tr_json_get_array (root, "nodes");
  for (guint i = 0; nodes != NULL && i < json_array_get_length (nodes); i++)
    read_node (&reader, json_array_get_element (nodes, i), seen_nodes);

  check_references (&reader, root);
  check_graph (&reader, root);
  g_ptr_array_add (loader->course->scenarios, scenario);
}
