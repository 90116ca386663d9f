/* tr-course-private.h: the course's fields, shared with the loader
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-course.h"

G_BEGIN_DECLS

struct _TrCourse
{
  GObject       parent_instance;

  char         *id;
  char         *dir;
  char         *version;
  TrText        title;
  TrText        summary;
  TrText        audience;
  GPtrArray    *objectives;        /* TrText* */
  guint         languages;         /* bit per TrLang */
  int           estimated_minutes;
  int           validity_months;   /* 0: a certificate does not expire */
  GPtrArray    *lessons;           /* TrLesson* */
  GPtrArray    *scenarios;         /* TrScenario* */
  GPtrArray    *signal_exercises;  /* TrSignalExercise* */
  TrQuiz       *quiz;
  TrGuide      *guide;
  TrCompletion  completion;
  GPtrArray    *sources;           /* TrSource* */
  guint         words[TR_N_LANGS];
  GPtrArray    *missing[TR_N_LANGS];
};

TrText           *tr_text_new                 (void);
void              tr_text_free                (TrText *text);
TrLesson         *tr_lesson_new               (void);
void              tr_lesson_free              (TrLesson *lesson);
TrChoice         *tr_choice_new               (void);
void              tr_choice_free              (TrChoice *choice);
TrScenarioNode   *tr_scenario_node_new        (void);
void              tr_scenario_node_free       (TrScenarioNode *node);
TrScenario       *tr_scenario_new             (void);
void              tr_scenario_free            (TrScenario *scenario);
TrStatement      *tr_statement_new            (void);
void              tr_statement_free           (TrStatement *statement);
TrSignalExercise *tr_signal_exercise_new      (void);
void              tr_signal_exercise_free     (TrSignalExercise *exercise);
TrOption         *tr_option_new               (void);
void              tr_option_free              (TrOption *option);
TrQuestion       *tr_question_new             (void);
void              tr_question_free            (TrQuestion *question);
TrQuiz           *tr_quiz_new                 (void);
void              tr_quiz_free                (TrQuiz *quiz);
TrGuidePart      *tr_guide_part_new           (void);
void              tr_guide_part_free          (TrGuidePart *part);
TrDiscussion     *tr_discussion_new           (void);
void              tr_discussion_free          (TrDiscussion *discussion);
TrGuide          *tr_guide_new                (void);
void              tr_guide_free               (TrGuide *guide);
TrSource         *tr_source_new               (void);
void              tr_source_free              (TrSource *source);

G_END_DECLS
