/* tr-condition.h: "trust >= 2 and score > 3" in scenarios
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TR_CONDITION_ERROR (tr_condition_error_quark ())

/* TR_CONDITION_ERROR_SYNTAX: the text is not a condition; the message says
 * what was expected and at which character. */
typedef enum
{
  TR_CONDITION_ERROR_SYNTAX,
} TrConditionError;

/* The name a condition uses for the sum of the weights chosen so far. */
#define TR_CONDITION_SCORE "score"

typedef struct _TrCondition TrCondition;

GQuark       tr_condition_error_quark    (void);
TrCondition *tr_condition_parse          (const char         *source,
                                          GError            **error);
void         tr_condition_free           (TrCondition        *self);
const char  *tr_condition_get_source     (const TrCondition  *self);
GPtrArray   *tr_condition_get_variables  (const TrCondition  *self);
gboolean     tr_condition_evaluate       (const TrCondition  *self,
                                          GHashTable         *variables,
                                          int                 score);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrCondition, tr_condition_free)

G_END_DECLS
