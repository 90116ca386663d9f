/* tr-scenario-run.h: one learner's way through a scenario
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-course.h"

G_BEGIN_DECLS

typedef struct _TrScenarioRun TrScenarioRun;

TrScenarioRun        *tr_scenario_run_new             (const TrScenario *scenario);
void                  tr_scenario_run_free            (TrScenarioRun    *self);
const TrScenario     *tr_scenario_run_get_scenario    (TrScenarioRun    *self);
const TrScenarioNode *tr_scenario_run_get_node        (TrScenarioRun    *self);
GPtrArray            *tr_scenario_run_get_choices     (TrScenarioRun    *self);
gboolean              tr_scenario_run_choose          (TrScenarioRun    *self,
                                                       const char       *choice_id);
gboolean              tr_scenario_run_is_finished     (TrScenarioRun    *self);
int                   tr_scenario_run_get_score       (TrScenarioRun    *self);
int                   tr_scenario_run_get_variable    (TrScenarioRun    *self,
                                                       const char       *name);
guint                 tr_scenario_run_get_n_steps     (TrScenarioRun    *self);
const TrScenarioNode *tr_scenario_run_get_step_node   (TrScenarioRun    *self,
                                                       guint             step);
const TrChoice       *tr_scenario_run_get_step_choice (TrScenarioRun    *self,
                                                       guint             step);
void                  tr_scenario_run_rewind          (TrScenarioRun    *self,
                                                       guint             n_steps);
gboolean              tr_scenario_run_follow          (TrScenarioRun    *self,
                                                       const char       *node_id,
                                                       const char       *choice_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrScenarioRun, tr_scenario_run_free)

G_END_DECLS
