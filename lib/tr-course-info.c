/* tr-course-info.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-info"

#include "tr-course-info.h"

static guint
count_questions_of_type (const TrQuiz   *quiz,
                         TrQuestionType  type)
{
  guint n = 0;

  for (guint i = 0; quiz != NULL && i < quiz->questions->len; i++)
    if (((const TrQuestion *) g_ptr_array_index (quiz->questions, i))->type == type)
      n++;
  return n;
}

/**
 * tr_course_info_to_json:
 *
 * The counts of `trellis-course info --json`: id, version, languages,
 * lessons, scenarios, decision_points, endings, signal_statements,
 * questions, words (language → count) and missing (language → list), with
 * per-scenario and per-type detail besides.
 */
JsonNode *
tr_course_info_to_json (TrCourse *course)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *scenarios = tr_course_get_scenarios (course);
  GPtrArray *exercises = tr_course_get_signal_exercises (course);
  const TrQuiz *quiz = tr_course_get_quiz (course);
  const TrGuide *guide = tr_course_get_guide (course);
  guint decision_points = 0, endings = 0, statements = 0;

  g_return_val_if_fail (TR_IS_COURSE (course), NULL);

  for (guint i = 0; i < scenarios->len; i++)
    {
      decision_points += tr_scenario_count_decision_points (g_ptr_array_index (scenarios, i));
      endings += tr_scenario_count_endings (g_ptr_array_index (scenarios, i));
    }
  for (guint i = 0; i < exercises->len; i++)
    statements += ((TrSignalExercise *) g_ptr_array_index (exercises, i))->statements->len;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, tr_course_get_id (course));
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, tr_course_get_version (course));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, tr_text_get (tr_course_get_title (course), TR_LANG_EN));
  json_builder_set_member_name (builder, "languages");
  json_builder_begin_array (builder);
  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    if (tr_course_has_language (course, lang))
      json_builder_add_string_value (builder, tr_lang_to_code (lang));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "estimated_minutes");
  json_builder_add_int_value (builder, tr_course_get_estimated_minutes (course));
  json_builder_set_member_name (builder, "lessons");
  json_builder_add_int_value (builder, tr_course_get_lessons (course)->len);
  json_builder_set_member_name (builder, "scenarios");
  json_builder_add_int_value (builder, scenarios->len);
  json_builder_set_member_name (builder, "decision_points");
  json_builder_add_int_value (builder, decision_points);
  json_builder_set_member_name (builder, "endings");
  json_builder_add_int_value (builder, endings);
  json_builder_set_member_name (builder, "signal_exercises");
  json_builder_add_int_value (builder, exercises->len);
  json_builder_set_member_name (builder, "signal_statements");
  json_builder_add_int_value (builder, statements);
  json_builder_set_member_name (builder, "questions");
  json_builder_add_int_value (builder, quiz != NULL ? quiz->questions->len : 0);
  json_builder_set_member_name (builder, "question_types");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "single");
  json_builder_add_int_value (builder, count_questions_of_type (quiz, TR_QUESTION_SINGLE));
  json_builder_set_member_name (builder, "multiple");
  json_builder_add_int_value (builder, count_questions_of_type (quiz, TR_QUESTION_MULTIPLE));
  json_builder_set_member_name (builder, "ordering");
  json_builder_add_int_value (builder, count_questions_of_type (quiz, TR_QUESTION_ORDERING));
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "pass_mark");
  json_builder_add_int_value (builder, quiz != NULL ? quiz->pass_mark : 0);
  json_builder_set_member_name (builder, "guide_parts");
  json_builder_add_int_value (builder, guide != NULL ? guide->plan->len : 0);
  json_builder_set_member_name (builder, "sources");
  json_builder_add_int_value (builder, tr_course_get_sources (course)->len);

  json_builder_set_member_name (builder, "scenario_details");
  json_builder_begin_array (builder);
  for (guint i = 0; i < scenarios->len; i++)
    {
      const TrScenario *scenario = g_ptr_array_index (scenarios, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, scenario->id);
      json_builder_set_member_name (builder, "setting");
      json_builder_add_string_value (builder, scenario->setting);
      json_builder_set_member_name (builder, "nodes");
      json_builder_add_int_value (builder, scenario->nodes->len);
      json_builder_set_member_name (builder, "decision_points");
      json_builder_add_int_value (builder, tr_scenario_count_decision_points (scenario));
      json_builder_set_member_name (builder, "endings");
      json_builder_add_int_value (builder, tr_scenario_count_endings (scenario));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "words");
  json_builder_begin_object (builder);
  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    if (tr_course_has_language (course, lang))
      {
        json_builder_set_member_name (builder, tr_lang_to_code (lang));
        json_builder_add_int_value (builder, tr_course_get_words (course, lang));
      }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "missing");
  json_builder_begin_object (builder);
  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    if (tr_course_has_language (course, lang))
      {
        GPtrArray *missing = tr_course_get_missing (course, lang);

        json_builder_set_member_name (builder, tr_lang_to_code (lang));
        json_builder_begin_array (builder);
        for (guint i = 0; i < missing->len; i++)
          json_builder_add_string_value (builder, g_ptr_array_index (missing, i));
        json_builder_end_array (builder);
      }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
