/* tr-condition.c
 *
 * A condition is comparisons joined by "and" and "or", "and" binding first:
 * kept as a list of alternatives, each a list of comparisons that must all hold.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-condition"

#include <string.h>

#include "tr-condition.h"

G_DEFINE_QUARK (tr-condition-error-quark, tr_condition_error)

typedef enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE } Op;

typedef struct
{
  char *name;
  Op    op;
  int   value;
} Comparison;

struct _TrCondition
{
  char      *source;
  GPtrArray *alternatives;   /* GArray of Comparison, all of which must hold */
};

static void
comparison_clear (Comparison *comparison)
{
  g_free (comparison->name);
}

void
tr_condition_free (TrCondition *self)
{
  if (self == NULL)
    return;
  g_free (self->source);
  g_ptr_array_unref (self->alternatives);
  g_free (self);
}

static void
skip_space (const char **p)
{
  while (g_ascii_isspace (**p))
    (*p)++;
}

static gboolean
syntax_error (GError    **error,
              const char *source,
              const char *at,
              const char *expected)
{
  g_set_error (error, TR_CONDITION_ERROR, TR_CONDITION_ERROR_SYNTAX,
               "%s expected at character %u of the condition \"%s\"",
               expected, (guint) (at - source) + 1, source);
  return FALSE;
}

static gboolean
parse_comparison (const char  *source,
                  const char **p,
                  Comparison  *out,
                  GError     **error)
{
  static const struct { const char *text; Op op; } ops[] = {
    { "==", OP_EQ }, { "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE }, { "<", OP_LT }, { ">", OP_GT },
  };
  const char *start;
  gboolean found = FALSE;
  char *end;
  gint64 value;

  skip_space (p);
  start = *p;
  if (!g_ascii_isalpha (**p) && **p != '_')
    return syntax_error (error, source, *p, "a variable name");
  while (g_ascii_isalnum (**p) || **p == '_' || **p == '-')
    (*p)++;
  out->name = g_strndup (start, *p - start);

  skip_space (p);
  for (guint i = 0; i < G_N_ELEMENTS (ops) && !found; i++)
    if (strncmp (*p, ops[i].text, strlen (ops[i].text)) == 0)
      {
        out->op = ops[i].op;
        *p += strlen (ops[i].text);
        found = TRUE;
      }
  if (!found)
    return syntax_error (error, source, *p, "a comparison (==, !=, <, <=, >, >=)");

  skip_space (p);
  if (!g_ascii_isdigit (**p) && !(**p == '-' && g_ascii_isdigit ((*p)[1])))
    return syntax_error (error, source, *p, "a whole number");
  value = g_ascii_strtoll (*p, &end, 10);
  if (value < G_MININT || value > G_MAXINT)
    return syntax_error (error, source, *p, "a smaller number");
  out->value = (int) value;
  *p = end;
  return TRUE;
}

static gboolean
take_word (const char **p,
           const char  *word,
           const char  *symbol)
{
  gsize len = strlen (word);

  skip_space (p);
  if (g_ascii_strncasecmp (*p, word, len) == 0 && !g_ascii_isalnum ((*p)[len]) && (*p)[len] != '_')
    {
      *p += len;
      return TRUE;
    }
  if (strncmp (*p, symbol, strlen (symbol)) == 0)
    {
      *p += strlen (symbol);
      return TRUE;
    }
  return FALSE;
}

TrCondition *
tr_condition_parse (const char  *source,
                    GError     **error)
{
  g_autoptr(TrCondition) self = NULL;
  const char *p = source;

  g_return_val_if_fail (source != NULL, NULL);

  self = g_new0 (TrCondition, 1);
  self->source = g_strdup (source);
  self->alternatives = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  do
    {
      GArray *all = g_array_new (FALSE, TRUE, sizeof (Comparison));

      g_array_set_clear_func (all, (GDestroyNotify) comparison_clear);
      g_ptr_array_add (self->alternatives, all);
      do
        {
          Comparison comparison = { NULL, OP_EQ, 0 };

          if (!parse_comparison (source, &p, &comparison, error))
            {
              comparison_clear (&comparison);
              return NULL;
            }
          g_array_append_val (all, comparison);
        }
      while (take_word (&p, "and", "&&"));
    }
  while (take_word (&p, "or", "||"));

  skip_space (&p);
  if (*p != '\0')
    {
      syntax_error (error, source, p, "\"and\", \"or\" or the end");
      return NULL;
    }
  return g_steal_pointer (&self);
}

const char *
tr_condition_get_source (const TrCondition *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->source;
}

/* The variable names the condition reads, "score" included when used. */
GPtrArray *
tr_condition_get_variables (const TrCondition *self)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (self != NULL, names);
  for (guint i = 0; i < self->alternatives->len; i++)
    {
      GArray *all = g_ptr_array_index (self->alternatives, i);

      for (guint j = 0; j < all->len; j++)
        g_ptr_array_add (names, g_strdup (g_array_index (all, Comparison, j).name));
    }
  return names;
}

static gboolean
compare (int value,
         Op  op,
         int against)
{
  switch (op)
    {
    case OP_EQ: return value == against;
    case OP_NE: return value != against;
    case OP_LT: return value < against;
    case OP_LE: return value <= against;
    case OP_GT: return value > against;
    case OP_GE: return value >= against;
    default: g_assert_not_reached ();
    }
}

/* variables maps names to values stored with GINT_TO_POINTER; a name it
 * lacks counts as 0. */
gboolean
tr_condition_evaluate (const TrCondition *self,
                       GHashTable        *variables,
                       int                score)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->alternatives->len; i++)
    {
      GArray *all = g_ptr_array_index (self->alternatives, i);
      gboolean holds = TRUE;

      for (guint j = 0; j < all->len && holds; j++)
        {
          const Comparison *comparison = &g_array_index (all, Comparison, j);
          int value;

          if (g_str_equal (comparison->name, TR_CONDITION_SCORE))
            value = score;
          else
            value = variables != NULL ? GPOINTER_TO_INT (g_hash_table_lookup (variables, comparison->name)) : 0;
          holds = compare (value, comparison->op, comparison->value);
        }
      if (holds)
        return TRUE;
    }
  return FALSE;
}
