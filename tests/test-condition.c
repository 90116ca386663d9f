/* test-condition.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tr-condition.h"
#include "tr-test-util.h"

static void
test_evaluate (void)
{
  static const struct {
    const char *source;
    int trust, shared, score;
    gboolean expected;
  } cases[] = {
    { "trust >= 2", 2, 0, 0, TRUE },
    { "trust >= 2", 1, 0, 0, FALSE },
    { "trust > 1 and shared == 1", 2, 1, 0, TRUE },
    { "trust > 1 and shared == 1", 2, 0, 0, FALSE },
    { "trust > 5 or shared != 0", 0, 1, 0, TRUE },
    { "trust > 5 || shared != 0", 0, 0, 0, FALSE },
    { "score < 3", 0, 0, 2, TRUE },
    { "score <= -1", 0, 0, -1, TRUE },
    { "trust > 1 && shared == 1 or score >= 4", 0, 0, 4, TRUE },
    { "  trust==2  ", 2, 0, 0, TRUE },
    { "unknown == 0", 0, 0, 0, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TrCondition) condition = tr_condition_parse (cases[i].source, &error);
      g_autoptr(GHashTable) variables = g_hash_table_new (g_str_hash, g_str_equal);

      g_assert_no_error (error);
      g_hash_table_insert (variables, (gpointer) "trust", GINT_TO_POINTER (cases[i].trust));
      g_hash_table_insert (variables, (gpointer) "shared", GINT_TO_POINTER (cases[i].shared));
      g_assert_cmpint (tr_condition_evaluate (condition, variables, cases[i].score), ==, cases[i].expected);
    }
}

static void
test_syntax_errors (void)
{
  static const struct {
    const char *source;
    const char *message;
  } cases[] = {
    { "", "a variable name expected at character 1" },
    { "trust", "a comparison (==, !=, <, <=, >, >=) expected at character 6" },
    { "trust >> 1", "a whole number expected at character 8" },
    { "trust >= two", "a whole number expected at character 10" },
    { "trust >= 1 and", "a variable name expected at character 15" },
    { "trust >= 1 shared", "\"and\", \"or\" or the end expected at character 12" },
    { "trust >= 99999999999", "a smaller number expected at character 10" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TrCondition) condition = tr_condition_parse (cases[i].source, &error);

      g_assert_null (condition);
      g_assert_error (error, TR_CONDITION_ERROR, TR_CONDITION_ERROR_SYNTAX);
      g_assert_true (g_str_has_prefix (error->message, cases[i].message));
    }
}

static void
test_variables (void)
{
  g_autoptr(TrCondition) condition = tr_condition_parse ("trust > 1 and shared == 1 or score > 2", NULL);
  g_autoptr(GPtrArray) names = tr_condition_get_variables (condition);

  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "trust");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "shared");
  g_assert_cmpstr (g_ptr_array_index (names, 2), ==, "score");
}

int
main (int    argc,
      char **argv)
{
  tr_test_init (&argc, &argv);
  g_test_add_func ("/condition/evaluate", test_evaluate);
  g_test_add_func ("/condition/syntax-errors", test_syntax_errors);
  g_test_add_func ("/condition/variables", test_variables);
  return g_test_run ();
}
