/* tr-course.h: a course as loaded from its folder
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tr-condition.h"
#include "tr-lang.h"

G_BEGIN_DECLS

typedef struct
{
  char      *id;
  TrText     title;
  int        minutes;
  char      *file[TR_N_LANGS];  /* absolute paths; NULL where the language has none */
  GPtrArray *key_points;        /* TrText* */
} TrLesson;

typedef enum
{
  TR_EFFECT_SET,
  TR_EFFECT_ADD,
} TrEffectKind;

typedef struct
{
  TrEffectKind  kind;
  char         *variable;
  int           value;
} TrEffect;

typedef struct
{
  char        *id;
  TrText       text;
  TrText       feedback;
  int          weight;
  char        *next;
  TrCondition *condition;   /* may be NULL */
  GPtrArray   *effects;     /* TrEffect* */
} TrChoice;

typedef enum
{
  TR_VERDICT_GOOD,
  TR_VERDICT_MIXED,
  TR_VERDICT_POOR,
} TrVerdict;

typedef struct
{
  char        *id;
  TrText       text;
  GPtrArray   *choices;     /* TrChoice*; empty for an ending */
  gboolean     is_ending;
  TrVerdict    verdict;
  TrText       ending_summary;
  TrCondition *condition;   /* may be NULL */
  char        *otherwise;
} TrScenarioNode;

typedef struct
{
  char       *id;
  TrText      title;
  TrText      role;
  TrText      summary;
  char       *setting;
  char       *start;
  GHashTable *variables;    /* name → initial value (GINT_TO_POINTER) */
  GPtrArray  *nodes;        /* TrScenarioNode*, in file order */
  GHashTable *node_index;   /* id → TrScenarioNode* */
} TrScenario;

typedef struct
{
  char     *id;
  TrText    text;
  gboolean  concern;
  TrText    explanation;
} TrStatement;

typedef struct
{
  char      *id;
  TrText     title;
  TrText     case_text;
  GPtrArray *statements;    /* TrStatement* */
} TrSignalExercise;

typedef enum
{
  TR_QUESTION_SINGLE,
  TR_QUESTION_MULTIPLE,
  TR_QUESTION_ORDERING,
} TrQuestionType;

typedef struct
{
  char     *id;
  TrText    text;
  gboolean  correct;
  TrText    explanation;
} TrOption;

typedef struct
{
  char           *id;
  TrQuestionType  type;
  TrText          text;
  GPtrArray      *options;  /* TrOption*; for ordering, the items in the right order */
  TrText          explanation;
} TrQuestion;

typedef struct
{
  int        pass_mark;     /* percent */
  GPtrArray *questions;     /* TrQuestion* */
} TrQuiz;

typedef struct
{
  int     start;
  int     minutes;
  TrText  title;
  TrText  activity;
  char   *scenario;
  char   *lesson;
} TrGuidePart;

typedef struct
{
  char      *scenario;
  char      *lesson;
  GPtrArray *questions;     /* TrText* */
} TrDiscussion;

typedef struct
{
  int        duration_minutes;
  TrText     goal;
  TrText     preparation;
  TrText     warm_up;
  TrText     sensitive_reactions;
  TrText     ground_rules;
  GPtrArray *plan;          /* TrGuidePart* */
  GPtrArray *discussion;    /* TrDiscussion* */
} TrGuide;

/* Which items of a kind completion needs: none, all, or those listed. */
typedef enum
{
  TR_REQUIRE_NONE,
  TR_REQUIRE_ALL,
  TR_REQUIRE_LISTED,
} TrRequirement;

typedef struct
{
  TrRequirement  lessons;
  TrRequirement  scenarios;
  TrRequirement  signal_exercises;
  GStrv          lesson_ids;
  GStrv          scenario_ids;
  GStrv          signal_exercise_ids;
  gboolean       quiz_pass;
} TrCompletion;

typedef struct
{
  char   *id;
  char   *title;
  char   *url;
  TrText  note;
} TrSource;

#define TR_TYPE_COURSE (tr_course_get_type ())

G_DECLARE_FINAL_TYPE (TrCourse, tr_course, TR, COURSE, GObject)

const char         *tr_course_get_id                (TrCourse   *self);
const char         *tr_course_get_dir               (TrCourse   *self);
const char         *tr_course_get_version           (TrCourse   *self);
const TrText       *tr_course_get_title             (TrCourse   *self);
const TrText       *tr_course_get_summary           (TrCourse   *self);
const TrText       *tr_course_get_audience          (TrCourse   *self);
GPtrArray          *tr_course_get_objectives        (TrCourse   *self);
guint               tr_course_get_languages         (TrCourse   *self);
gboolean            tr_course_has_language          (TrCourse   *self,
                                                     TrLang      lang);
int                 tr_course_get_estimated_minutes (TrCourse   *self);
int                 tr_course_get_validity_months   (TrCourse   *self);
GPtrArray          *tr_course_get_lessons           (TrCourse   *self);
GPtrArray          *tr_course_get_scenarios         (TrCourse   *self);
GPtrArray          *tr_course_get_signal_exercises  (TrCourse   *self);
const TrQuiz       *tr_course_get_quiz              (TrCourse   *self);
const TrGuide      *tr_course_get_guide             (TrCourse   *self);
const TrCompletion *tr_course_get_completion        (TrCourse   *self);
GPtrArray          *tr_course_get_sources           (TrCourse   *self);
const TrLesson     *tr_course_find_lesson           (TrCourse   *self,
                                                     const char *id);
const TrScenario   *tr_course_find_scenario         (TrCourse   *self,
                                                     const char *id);
const TrSignalExercise *tr_course_find_signal_exercise (TrCourse   *self,
                                                     const char *id);
guint               tr_course_get_words             (TrCourse   *self,
                                                     TrLang      lang);
GPtrArray          *tr_course_get_missing           (TrCourse   *self,
                                                     TrLang      lang);
char               *tr_course_read_lesson           (TrCourse   *self,
                                                     const TrLesson *lesson,
                                                     TrLang      lang,
                                                     GError    **error);

guint               tr_scenario_count_decision_points (const TrScenario *scenario);
guint               tr_scenario_count_endings         (const TrScenario *scenario);
TrScenarioNode     *tr_scenario_get_node              (const TrScenario *scenario,
                                                       const char       *id);

G_END_DECLS
