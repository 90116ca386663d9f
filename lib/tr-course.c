/* tr-course.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-course"

#include "tr-course-private.h"

G_DEFINE_FINAL_TYPE (TrCourse, tr_course, G_TYPE_OBJECT)

TrText *
tr_text_new (void)
{
  return g_new0 (TrText, 1);
}

void
tr_text_free (TrText *text)
{
  if (text == NULL)
    return;
  tr_text_clear (text);
  g_free (text);
}

TrLesson *
tr_lesson_new (void)
{
  TrLesson *lesson = g_new0 (TrLesson, 1);

  lesson->key_points = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_text_free);
  return lesson;
}

void
tr_lesson_free (TrLesson *lesson)
{
  g_free (lesson->id);
  tr_text_clear (&lesson->title);
  for (guint i = 0; i < TR_N_LANGS; i++)
    g_free (lesson->file[i]);
  g_ptr_array_unref (lesson->key_points);
  g_free (lesson);
}

static void
tr_effect_free (TrEffect *effect)
{
  g_free (effect->variable);
  g_free (effect);
}

TrChoice *
tr_choice_new (void)
{
  TrChoice *choice = g_new0 (TrChoice, 1);

  choice->effects = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_effect_free);
  return choice;
}

void
tr_choice_free (TrChoice *choice)
{
  g_free (choice->id);
  tr_text_clear (&choice->text);
  tr_text_clear (&choice->feedback);
  g_free (choice->next);
  g_clear_pointer (&choice->condition, tr_condition_free);
  g_ptr_array_unref (choice->effects);
  g_free (choice);
}

TrScenarioNode *
tr_scenario_node_new (void)
{
  TrScenarioNode *node = g_new0 (TrScenarioNode, 1);

  node->choices = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_choice_free);
  return node;
}

void
tr_scenario_node_free (TrScenarioNode *node)
{
  g_free (node->id);
  tr_text_clear (&node->text);
  g_ptr_array_unref (node->choices);
  tr_text_clear (&node->ending_summary);
  g_clear_pointer (&node->condition, tr_condition_free);
  g_free (node->otherwise);
  g_free (node);
}

TrScenario *
tr_scenario_new (void)
{
  TrScenario *scenario = g_new0 (TrScenario, 1);

  scenario->variables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  scenario->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_scenario_node_free);
  scenario->node_index = g_hash_table_new (g_str_hash, g_str_equal);
  return scenario;
}

void
tr_scenario_free (TrScenario *scenario)
{
  g_free (scenario->id);
  tr_text_clear (&scenario->title);
  tr_text_clear (&scenario->role);
  tr_text_clear (&scenario->summary);
  g_free (scenario->setting);
  g_free (scenario->start);
  g_hash_table_unref (scenario->variables);
  g_hash_table_unref (scenario->node_index);
  g_ptr_array_unref (scenario->nodes);
  g_free (scenario);
}

TrStatement *
tr_statement_new (void)
{
  return g_new0 (TrStatement, 1);
}

void
tr_statement_free (TrStatement *statement)
{
  g_free (statement->id);
  tr_text_clear (&statement->text);
  tr_text_clear (&statement->explanation);
  g_free (statement);
}

TrSignalExercise *
tr_signal_exercise_new (void)
{
  TrSignalExercise *exercise = g_new0 (TrSignalExercise, 1);

  exercise->statements = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_statement_free);
  return exercise;
}

void
tr_signal_exercise_free (TrSignalExercise *exercise)
{
  g_free (exercise->id);
  tr_text_clear (&exercise->title);
  tr_text_clear (&exercise->case_text);
  g_ptr_array_unref (exercise->statements);
  g_free (exercise);
}

TrOption *
tr_option_new (void)
{
  return g_new0 (TrOption, 1);
}

void
tr_option_free (TrOption *option)
{
  g_free (option->id);
  tr_text_clear (&option->text);
  tr_text_clear (&option->explanation);
  g_free (option);
}

TrQuestion *
tr_question_new (void)
{
  TrQuestion *question = g_new0 (TrQuestion, 1);

  question->options = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_option_free);
  return question;
}

void
tr_question_free (TrQuestion *question)
{
  g_free (question->id);
  tr_text_clear (&question->text);
  tr_text_clear (&question->explanation);
  g_ptr_array_unref (question->options);
  g_free (question);
}

TrQuiz *
tr_quiz_new (void)
{
  TrQuiz *quiz = g_new0 (TrQuiz, 1);

  quiz->questions = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_question_free);
  return quiz;
}

void
tr_quiz_free (TrQuiz *quiz)
{
  g_ptr_array_unref (quiz->questions);
  g_free (quiz);
}

TrGuidePart *
tr_guide_part_new (void)
{
  return g_new0 (TrGuidePart, 1);
}

void
tr_guide_part_free (TrGuidePart *part)
{
  tr_text_clear (&part->title);
  tr_text_clear (&part->activity);
  g_free (part->scenario);
  g_free (part->lesson);
  g_free (part);
}

TrDiscussion *
tr_discussion_new (void)
{
  TrDiscussion *discussion = g_new0 (TrDiscussion, 1);

  discussion->questions = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_text_free);
  return discussion;
}

void
tr_discussion_free (TrDiscussion *discussion)
{
  g_free (discussion->scenario);
  g_free (discussion->lesson);
  g_ptr_array_unref (discussion->questions);
  g_free (discussion);
}

TrGuide *
tr_guide_new (void)
{
  TrGuide *guide = g_new0 (TrGuide, 1);

  guide->plan = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_guide_part_free);
  guide->discussion = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_discussion_free);
  return guide;
}

void
tr_guide_free (TrGuide *guide)
{
  tr_text_clear (&guide->goal);
  tr_text_clear (&guide->preparation);
  tr_text_clear (&guide->warm_up);
  tr_text_clear (&guide->sensitive_reactions);
  tr_text_clear (&guide->ground_rules);
  g_ptr_array_unref (guide->plan);
  g_ptr_array_unref (guide->discussion);
  g_free (guide);
}

TrSource *
tr_source_new (void)
{
  return g_new0 (TrSource, 1);
}

void
tr_source_free (TrSource *source)
{
  g_free (source->id);
  g_free (source->title);
  g_free (source->url);
  tr_text_clear (&source->note);
  g_free (source);
}

static void
tr_course_finalize (GObject *object)
{
  TrCourse *self = TR_COURSE (object);

  g_free (self->id);
  g_free (self->dir);
  g_free (self->version);
  tr_text_clear (&self->title);
  tr_text_clear (&self->summary);
  tr_text_clear (&self->audience);
  g_ptr_array_unref (self->objectives);
  g_ptr_array_unref (self->lessons);
  g_ptr_array_unref (self->scenarios);
  g_ptr_array_unref (self->signal_exercises);
  g_clear_pointer (&self->quiz, tr_quiz_free);
  g_clear_pointer (&self->guide, tr_guide_free);
  g_strfreev (self->completion.lesson_ids);
  g_strfreev (self->completion.scenario_ids);
  g_strfreev (self->completion.signal_exercise_ids);
  g_ptr_array_unref (self->sources);
  for (guint i = 0; i < TR_N_LANGS; i++)
    g_ptr_array_unref (self->missing[i]);

  G_OBJECT_CLASS (tr_course_parent_class)->finalize (object);
}

static void
tr_course_class_init (TrCourseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tr_course_finalize;
}

static void
tr_course_init (TrCourse *self)
{
  self->objectives = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_text_free);
  self->lessons = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_lesson_free);
  self->scenarios = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_scenario_free);
  self->signal_exercises = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_signal_exercise_free);
  self->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_source_free);
  for (guint i = 0; i < TR_N_LANGS; i++)
    self->missing[i] = g_ptr_array_new_with_free_func (g_free);
}

#define GETTER(type, name, expr) \
  type tr_course_get_##name (TrCourse *self) \
  { \
    g_return_val_if_fail (TR_IS_COURSE (self), (type) 0); \
    return expr; \
  }

GETTER (const char *, id, self->id)
GETTER (const char *, dir, self->dir)
GETTER (const char *, version, self->version)
GETTER (const TrText *, title, &self->title)
GETTER (const TrText *, summary, &self->summary)
GETTER (const TrText *, audience, &self->audience)
GETTER (GPtrArray *, objectives, self->objectives)
GETTER (guint, languages, self->languages)
GETTER (int, estimated_minutes, self->estimated_minutes)
GETTER (int, validity_months, self->validity_months)
GETTER (GPtrArray *, lessons, self->lessons)
GETTER (GPtrArray *, scenarios, self->scenarios)
GETTER (GPtrArray *, signal_exercises, self->signal_exercises)
GETTER (const TrQuiz *, quiz, self->quiz)
GETTER (const TrGuide *, guide, self->guide)
GETTER (const TrCompletion *, completion, &self->completion)
GETTER (GPtrArray *, sources, self->sources)

#undef GETTER

gboolean
tr_course_has_language (TrCourse *self,
                        TrLang    lang)
{
  g_return_val_if_fail (TR_IS_COURSE (self), FALSE);
  return (self->languages & (1u << lang)) != 0;
}

guint
tr_course_get_words (TrCourse *self,
                     TrLang    lang)
{
  g_return_val_if_fail (TR_IS_COURSE (self), 0);
  g_return_val_if_fail (lang < TR_N_LANGS, 0);
  return self->words[lang];
}

/* What lacks a translation into lang, each as "where: what". */
GPtrArray *
tr_course_get_missing (TrCourse *self,
                       TrLang    lang)
{
  g_return_val_if_fail (TR_IS_COURSE (self), NULL);
  g_return_val_if_fail (lang < TR_N_LANGS, NULL);
  return self->missing[lang];
}

#define FIND_BY_ID(array, type) \
  for (guint i = 0; i < (array)->len; i++) \
    { \
      type *item = g_ptr_array_index ((array), i); \
      if (g_strcmp0 (item->id, id) == 0) \
        return item; \
    } \
  return NULL;

const TrLesson *
tr_course_find_lesson (TrCourse   *self,
                       const char *id)
{
  g_return_val_if_fail (TR_IS_COURSE (self), NULL);
  FIND_BY_ID (self->lessons, TrLesson)
}

const TrScenario *
tr_course_find_scenario (TrCourse   *self,
                         const char *id)
{
  g_return_val_if_fail (TR_IS_COURSE (self), NULL);
  FIND_BY_ID (self->scenarios, TrScenario)
}

const TrSignalExercise *
tr_course_find_signal_exercise (TrCourse   *self,
                                const char *id)
{
  g_return_val_if_fail (TR_IS_COURSE (self), NULL);
  FIND_BY_ID (self->signal_exercises, TrSignalExercise)
}

#undef FIND_BY_ID

/* The lesson's Markdown in lang, or in English when lang has none. */
char *
tr_course_read_lesson (TrCourse        *self,
                       const TrLesson  *lesson,
                       TrLang           lang,
                       GError         **error)
{
  const char *path;
  char *contents = NULL;

  g_return_val_if_fail (TR_IS_COURSE (self), NULL);
  g_return_val_if_fail (lesson != NULL, NULL);

  path = lesson->file[lang] != NULL ? lesson->file[lang] : lesson->file[TR_LANG_EN];
  if (path == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "lesson %s has no text", lesson->id);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  return contents;
}

TrScenarioNode *
tr_scenario_get_node (const TrScenario *scenario,
                      const char       *id)
{
  g_return_val_if_fail (scenario != NULL, NULL);
  return id != NULL ? g_hash_table_lookup (scenario->node_index, id) : NULL;
}

/* A decision point is a node that offers the learner a choice. */
guint
tr_scenario_count_decision_points (const TrScenario *scenario)
{
  guint n = 0;

  g_return_val_if_fail (scenario != NULL, 0);
  for (guint i = 0; i < scenario->nodes->len; i++)
    {
      const TrScenarioNode *node = g_ptr_array_index (scenario->nodes, i);

      if (!node->is_ending && node->choices->len > 0)
        n++;
    }
  return n;
}

guint
tr_scenario_count_endings (const TrScenario *scenario)
{
  guint n = 0;

  g_return_val_if_fail (scenario != NULL, 0);
  for (guint i = 0; i < scenario->nodes->len; i++)
    if (((const TrScenarioNode *) g_ptr_array_index (scenario->nodes, i))->is_ending)
      n++;
  return n;
}
