/* tr-exercise-loader.c: signal exercises, the quiz and the facilitator guide
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-loader"

#include "tr-loader-private.h"

static const TrField exercise_fields[] = {
  { "id", TR_FIELD_STRING, TRUE },
  { "title", TR_FIELD_TEXT, TRUE },
  { "case", TR_FIELD_TEXT, TRUE },
  { "statements", TR_FIELD_ARRAY, TRUE },
};

static const TrField statement_fields[] = {
  { "id", TR_FIELD_STRING, TRUE },
  { "text", TR_FIELD_TEXT, TRUE },
  { "concern", TR_FIELD_BOOL, TRUE },
  { "explanation", TR_FIELD_TEXT, TRUE },
};

static const TrField quiz_fields[] = {
  { "pass_mark", TR_FIELD_INT, TRUE },
  { "questions", TR_FIELD_ARRAY, TRUE },
};

static const TrField question_fields[] = {
  { "id", TR_FIELD_STRING, TRUE },
  { "type", TR_FIELD_STRING, TRUE },
  { "text", TR_FIELD_TEXT, TRUE },
  { "options", TR_FIELD_ARRAY, FALSE },
  { "items", TR_FIELD_ARRAY, FALSE },
  { "explanation", TR_FIELD_TEXT, TRUE },
};

static const TrField option_fields[] = {
  { "id", TR_FIELD_STRING, TRUE },
  { "text", TR_FIELD_TEXT, TRUE },
  { "correct", TR_FIELD_BOOL, TRUE },
  { "explanation", TR_FIELD_TEXT, FALSE },
};

static const TrField item_fields[] = {
  { "id", TR_FIELD_STRING, TRUE },
  { "text", TR_FIELD_TEXT, TRUE },
};

static const TrField guide_fields[] = {
  { "duration_minutes", TR_FIELD_INT, TRUE },
  { "goal", TR_FIELD_TEXT, TRUE },
  { "preparation", TR_FIELD_TEXT, FALSE },
  { "warm_up", TR_FIELD_TEXT, TRUE },
  { "plan", TR_FIELD_ARRAY, TRUE },
  { "discussion", TR_FIELD_ARRAY, TRUE },
  { "sensitive_reactions", TR_FIELD_TEXT, TRUE },
  { "ground_rules", TR_FIELD_TEXT, FALSE },
};

static const TrField part_fields[] = {
  { "start", TR_FIELD_INT, TRUE },
  { "minutes", TR_FIELD_INT, TRUE },
  { "title", TR_FIELD_TEXT, TRUE },
  { "activity", TR_FIELD_TEXT, TRUE },
  { "scenario", TR_FIELD_STRING, FALSE },
  { "lesson", TR_FIELD_STRING, FALSE },
};

static const TrField discussion_fields[] = {
  { "scenario", TR_FIELD_STRING, FALSE },
  { "lesson", TR_FIELD_STRING, FALSE },
  { "questions", TR_FIELD_ARRAY, TRUE },
};

void
tr_loader_load_signal_exercise (TrLoader  *loader,
                                TrJsonDoc *course_doc,
                                JsonNode  *ref)
{
  g_autoptr(TrJsonDoc) doc = tr_loader_open_part (loader, course_doc, ref);
  g_autoptr(GHashTable) seen = tr_loader_new_id_set ();
  TrSignalExercise *exercise;
  JsonObject *root;
  JsonArray *statements;

  if (doc == NULL ||
      !tr_json_doc_check_object (doc, loader->diagnostics, tr_json_doc_get_root (doc), "a signal exercise",
                                 exercise_fields, G_N_ELEMENTS (exercise_fields)))
    return;
  root = json_node_get_object (tr_json_doc_get_root (doc));

  exercise = tr_signal_exercise_new ();
  exercise->id = tr_loader_read_id (loader, doc, root, "signal exercise", NULL);
  if (exercise->id == NULL || tr_course_find_signal_exercise (loader->course, exercise->id) != NULL)
    {
      if (exercise->id != NULL)
        tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, root, "id",
                                   "duplicate signal exercise id \"%s\"", exercise->id);
      tr_signal_exercise_free (exercise);
      return;
    }
  tr_loader_read_text (loader, doc, root, "title", TR_TEXT_PLAIN, &exercise->title,
                       "signal exercise %s: title", exercise->id);
  tr_loader_read_text (loader, doc, root, "case", TR_TEXT_MARKDOWN, &exercise->case_text,
                       "signal exercise %s: case", exercise->id);

  statements = tr_json_get_array (root, "statements");
  for (guint i = 0; statements != NULL && i < json_array_get_length (statements); i++)
    {
      JsonNode *node = json_array_get_element (statements, i);
      JsonObject *object;
      TrStatement *statement;

      if (!tr_json_doc_check_object (doc, loader->diagnostics, node, "a statement",
                                     statement_fields, G_N_ELEMENTS (statement_fields)))
        continue;
      object = json_node_get_object (node);
      statement = tr_statement_new ();
      statement->id = tr_loader_read_id (loader, doc, object, "statement", seen);
      if (statement->id == NULL)
        {
          tr_statement_free (statement);
          continue;
        }
      statement->concern = tr_json_get_bool (object, "concern", FALSE);
      tr_loader_read_text (loader, doc, object, "text", TR_TEXT_PLAIN, &statement->text,
                           "signal exercise %s, statement %s: text", exercise->id, statement->id);
      tr_loader_read_text (loader, doc, object, "explanation", TR_TEXT_MARKDOWN, &statement->explanation,
                           "signal exercise %s, statement %s: explanation", exercise->id, statement->id);
      g_ptr_array_add (exercise->statements, statement);
    }
  if (statements != NULL && json_array_get_length (statements) < 2)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, root, "statements",
                               "a signal exercise needs at least two statements");
  g_ptr_array_add (loader->course->signal_exercises, exercise);
}

static void
read_options (TrLoader   *loader,
              TrJsonDoc  *doc,
              JsonObject *object,
              const char *member,
              TrQuestion *question)
{
  JsonArray *options = tr_json_get_array (object, member);
  gboolean ordering = question->type == TR_QUESTION_ORDERING;
  g_autoptr(GHashTable) seen = tr_loader_new_id_set ();

  for (guint i = 0; options != NULL && i < json_array_get_length (options); i++)
    {
      JsonNode *node = json_array_get_element (options, i);
      JsonObject *option_object;
      TrOption *option;

      if (!tr_json_doc_check_object (doc, loader->diagnostics, node, ordering ? "an item" : "an option",
                                     ordering ? item_fields : option_fields,
                                     ordering ? G_N_ELEMENTS (item_fields) : G_N_ELEMENTS (option_fields)))
        continue;
      option_object = json_node_get_object (node);
      option = tr_option_new ();
      option->id = tr_loader_read_id (loader, doc, option_object, ordering ? "item" : "option", seen);
      if (option->id == NULL)
        {
          tr_option_free (option);
          continue;
        }
      option->correct = ordering || tr_json_get_bool (option_object, "correct", FALSE);
      tr_loader_read_text (loader, doc, option_object, "text", TR_TEXT_PLAIN, &option->text,
                           "quiz question %s, %s %s: text", question->id, ordering ? "item" : "option", option->id);
      tr_loader_read_text (loader, doc, option_object, "explanation", TR_TEXT_MARKDOWN, &option->explanation,
                           "quiz question %s, option %s: explanation", question->id, option->id);
      g_ptr_array_add (question->options, option);
    }
}

static void
check_question (TrLoader   *loader,
                TrJsonDoc  *doc,
                JsonObject *object,
                TrQuestion *question)
{
  guint correct = 0;
  const char *list = question->type == TR_QUESTION_ORDERING ? "items" : "options";
  const char *other = question->type == TR_QUESTION_ORDERING ? "options" : "items";

  if (json_object_has_member (object, other))
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, other,
                               "a question of type \"%s\" has \"%s\", not \"%s\"",
                               tr_json_get_string (object, "type"), list, other);
  if (!json_object_has_member (object, list))
    {
      tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "type",
                                 "question \"%s\" lacks its \"%s\"", question->id, list);
      return;
    }
  if (question->options->len < 2)
    {
      tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, list,
                                 "question \"%s\" needs at least two %s", question->id, list);
      return;
    }
  for (guint i = 0; i < question->options->len; i++)
    if (((TrOption *) g_ptr_array_index (question->options, i))->correct)
      correct++;
  if (question->type != TR_QUESTION_ORDERING && correct == 0)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, list,
                               "question \"%s\" has no correct answer: mark one option \"correct\": true",
                               question->id);
  else if (question->type == TR_QUESTION_SINGLE && correct > 1)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, list,
                               "single-answer question \"%s\" has %u correct options; "
                               "make it \"multiple\" or keep one", question->id, correct);
}

void
tr_loader_load_quiz (TrLoader  *loader,
                     TrJsonDoc *course_doc,
                     JsonNode  *ref)
{
  static const char * const types[] = { "single", "multiple", "ordering" };
  g_autoptr(TrJsonDoc) doc = tr_loader_open_part (loader, course_doc, ref);
  g_autoptr(GHashTable) seen = tr_loader_new_id_set ();
  JsonObject *root;
  JsonArray *questions;
  TrQuiz *quiz;
  gint64 pass_mark;

  if (doc == NULL ||
      !tr_json_doc_check_object (doc, loader->diagnostics, tr_json_doc_get_root (doc), "the quiz",
                                 quiz_fields, G_N_ELEMENTS (quiz_fields)))
    return;
  root = json_node_get_object (tr_json_doc_get_root (doc));
  quiz = tr_quiz_new ();
  pass_mark = tr_json_get_int (root, "pass_mark", 100);
  if (pass_mark < 1 || pass_mark > 100)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, root, "pass_mark",
                               "\"pass_mark\" is a percentage and must be from 1 to 100, not %" G_GINT64_FORMAT,
                               pass_mark);
  quiz->pass_mark = (int) CLAMP (pass_mark, 1, 100);

  questions = tr_json_get_array (root, "questions");
  if (questions != NULL && json_array_get_length (questions) == 0)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, root, "questions",
                               "the quiz has no questions");
  for (guint i = 0; questions != NULL && i < json_array_get_length (questions); i++)
    {
      JsonNode *node = json_array_get_element (questions, i);
      JsonObject *object;
      TrQuestion *question;
      const char *type;

      if (!tr_json_doc_check_object (doc, loader->diagnostics, node, "a question",
                                     question_fields, G_N_ELEMENTS (question_fields)))
        continue;
      object = json_node_get_object (node);
      question = tr_question_new ();
      question->id = tr_loader_read_id (loader, doc, object, "question", seen);
      type = tr_json_get_string (object, "type");
      if (question->id == NULL || type == NULL)
        {
          tr_question_free (question);
          continue;
        }
      if (g_str_equal (type, "single"))
        question->type = TR_QUESTION_SINGLE;
      else if (g_str_equal (type, "multiple"))
        question->type = TR_QUESTION_MULTIPLE;
      else if (g_str_equal (type, "ordering"))
        question->type = TR_QUESTION_ORDERING;
      else
        {
          g_autofree char *suggestion = tr_suggest (type, types, G_N_ELEMENTS (types));

          tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "type",
                                     "unknown question type \"%s\" (use \"single\", \"multiple\" or \"ordering\")%s%s%s",
                                     type, suggestion ? "; did you mean \"" : "", suggestion ? suggestion : "",
                                     suggestion ? "\"?" : "");
          tr_question_free (question);
          continue;
        }
      tr_loader_read_text (loader, doc, object, "text", TR_TEXT_MARKDOWN, &question->text,
                           "quiz question %s: text", question->id);
      tr_loader_read_text (loader, doc, object, "explanation", TR_TEXT_MARKDOWN, &question->explanation,
                           "quiz question %s: explanation", question->id);
      read_options (loader, doc, object, question->type == TR_QUESTION_ORDERING ? "items" : "options", question);
      check_question (loader, doc, object, question);
      g_ptr_array_add (quiz->questions, question);
    }

  if (loader->course->quiz != NULL)
    tr_quiz_free (loader->course->quiz);
  loader->course->quiz = quiz;
}

static void
check_reference (TrLoader   *loader,
                 TrJsonDoc  *doc,
                 JsonObject *object,
                 char      **scenario,
                 char      **lesson)
{
  const char *scenario_id = tr_json_get_string (object, "scenario");
  const char *lesson_id = tr_json_get_string (object, "lesson");

  if (scenario_id != NULL && tr_course_find_scenario (loader->course, scenario_id) == NULL)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "scenario",
                               "the guide names a scenario that does not exist: \"%s\"", scenario_id);
  if (lesson_id != NULL && tr_course_find_lesson (loader->course, lesson_id) == NULL)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "lesson",
                               "the guide names a lesson that does not exist: \"%s\"", lesson_id);
  *scenario = g_strdup (scenario_id);
  *lesson = g_strdup (lesson_id);
}

static void
read_plan (TrLoader   *loader,
           TrJsonDoc  *doc,
           JsonObject *root,
           TrGuide    *guide)
{
  JsonArray *plan = tr_json_get_array (root, "plan");
  int end_of_previous = 0;

  if (plan != NULL && json_array_get_length (plan) == 0)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, root, "plan",
                               "the session plan is empty");
  for (guint i = 0; plan != NULL && i < json_array_get_length (plan); i++)
    {
      JsonNode *node = json_array_get_element (plan, i);
      JsonObject *object;
      TrGuidePart *part;

      if (!tr_json_doc_check_object (doc, loader->diagnostics, node, "a part of the plan",
                                     part_fields, G_N_ELEMENTS (part_fields)))
        continue;
      object = json_node_get_object (node);
      part = tr_guide_part_new ();
      part->start = (int) CLAMP (tr_json_get_int (object, "start", 0), 0, 24 * 60);
      part->minutes = (int) CLAMP (tr_json_get_int (object, "minutes", 0), 0, 24 * 60);
      tr_loader_read_text (loader, doc, object, "title", TR_TEXT_PLAIN, &part->title,
                           "guide, plan part %u: title", i + 1);
      tr_loader_read_text (loader, doc, object, "activity", TR_TEXT_MARKDOWN, &part->activity,
                           "guide, plan part %u: activity", i + 1);
      check_reference (loader, doc, object, &part->scenario, &part->lesson);

      if (part->minutes <= 0)
        tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "minutes",
                                   "a part of the plan must last more than 0 minutes");
      if (part->start < end_of_previous)
        tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "start",
                                   "this part starts at minute %d, before the previous part ends (minute %d)",
                                   part->start, end_of_previous);
      end_of_previous = part->start + part->minutes;
      if (end_of_previous > guide->duration_minutes && guide->duration_minutes > 0)
        tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "minutes",
                                   "this part ends at minute %d, after the session's %d minutes",
                                   end_of_previous, guide->duration_minutes);
      g_ptr_array_add (guide->plan, part);
    }
}

static void
read_discussion (TrLoader   *loader,
                 TrJsonDoc  *doc,
                 JsonObject *root,
                 TrGuide    *guide)
{
  JsonArray *groups = tr_json_get_array (root, "discussion");

  for (guint i = 0; groups != NULL && i < json_array_get_length (groups); i++)
    {
      JsonNode *node = json_array_get_element (groups, i);
      JsonObject *object;
      TrDiscussion *discussion;
      JsonArray *questions;

      if (!tr_json_doc_check_object (doc, loader->diagnostics, node, "a discussion group",
                                     discussion_fields, G_N_ELEMENTS (discussion_fields)))
        continue;
      object = json_node_get_object (node);
      discussion = tr_discussion_new ();
      check_reference (loader, doc, object, &discussion->scenario, &discussion->lesson);
      questions = tr_json_get_array (object, "questions");
      if (questions != NULL && json_array_get_length (questions) == 0)
        tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, object, "questions",
                                   "a discussion group needs at least one question");
      for (guint j = 0; questions != NULL && j < json_array_get_length (questions); j++)
        {
          g_autoptr(JsonObject) holder = json_object_new ();
          JsonNode *question = json_array_get_element (questions, j);
          TrText *text = tr_text_new ();

          json_object_set_member (holder, "text", json_node_ref (question));
          if (!JSON_NODE_HOLDS_OBJECT (question))
            tr_json_doc_report (doc, loader->diagnostics, TR_SEVERITY_ERROR, question,
                                "a discussion question must be a translated text ({\"en\": \"...\", ...})");
          else
            tr_loader_read_text (loader, doc, holder, "text", TR_TEXT_PLAIN, text,
                                 "guide, discussion %u, question %u", i + 1, j + 1);
          g_ptr_array_add (discussion->questions, text);
        }
      g_ptr_array_add (guide->discussion, discussion);
    }
}

void
tr_loader_load_guide (TrLoader  *loader,
                      TrJsonDoc *course_doc,
                      JsonNode  *ref)
{
  g_autoptr(TrJsonDoc) doc = tr_loader_open_part (loader, course_doc, ref);
  JsonObject *root;
  TrGuide *guide;

  if (doc == NULL ||
      !tr_json_doc_check_object (doc, loader->diagnostics, tr_json_doc_get_root (doc), "the guide",
                                 guide_fields, G_N_ELEMENTS (guide_fields)))
    return;
  root = json_node_get_object (tr_json_doc_get_root (doc));
  guide = tr_guide_new ();
  guide->duration_minutes = (int) CLAMP (tr_json_get_int (root, "duration_minutes", 0), 0, 24 * 60);
  if (tr_json_get_int (root, "duration_minutes", 1) <= 0)
    tr_json_doc_report_member (doc, loader->diagnostics, TR_SEVERITY_ERROR, root, "duration_minutes",
                               "\"duration_minutes\" must be more than 0");
  tr_loader_read_text (loader, doc, root, "goal", TR_TEXT_PLAIN, &guide->goal, "guide: goal");
  tr_loader_read_text (loader, doc, root, "preparation", TR_TEXT_MARKDOWN, &guide->preparation,
                       "guide: preparation");
  tr_loader_read_text (loader, doc, root, "warm_up", TR_TEXT_MARKDOWN, &guide->warm_up, "guide: warm-up");
  tr_loader_read_text (loader, doc, root, "sensitive_reactions", TR_TEXT_MARKDOWN,
                       &guide->sensitive_reactions, "guide: sensitive reactions");
  tr_loader_read_text (loader, doc, root, "ground_rules", TR_TEXT_MARKDOWN, &guide->ground_rules,
                       "guide: ground rules");
  read_plan (loader, doc, root, guide);
  read_discussion (loader, doc, root, guide);

  if (loader->course->guide != NULL)
    tr_guide_free (loader->course->guide);
  loader->course->guide = guide;
}
