/* trellis-scenario-page.h: a scenario played as a story
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tr-course.h"
#include "trellis-progress-store.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_SCENARIO_PAGE (trellis_scenario_page_get_type ())

G_DECLARE_FINAL_TYPE (TrellisScenarioPage, trellis_scenario_page, TRELLIS, SCENARIO_PAGE, AdwBin)

GtkWidget *trellis_scenario_page_new (TrellisProgressStore *store,
                                 TrCourse             *course,
                                 TrLang                lang);
void       trellis_scenario_page_show_scenario (TrellisScenarioPage *self,
                                 const char *scenario_id);

G_END_DECLS
