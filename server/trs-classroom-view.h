/* trs-classroom-view.h: what the trainer and the participants of a session
 * see of it (docs/api.md, "Classroom sessions")
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-course.h"
#include "tr-scenario-run.h"

#include "trs-store-classrooms.h"

G_BEGIN_DECLS

typedef enum
{
  TRS_VIEWER_NONE,          /* may not see the session */
  TRS_VIEWER_LEADER,        /* its trainer, or an admin of its institute */
  TRS_VIEWER_PARTICIPANT,
} TrsViewer;

TrsViewer      trs_classroom_viewer          (const TrsClassroom *classroom,
                                              const TrsAccount   *account);
TrScenarioRun *trs_classroom_replay          (TrCourse           *course,
                                              const char         *scenario_id,
                                              const char         *path,
                                              GError            **error);
JsonNode      *trs_classroom_view            (const TrsClassroom *classroom,
                                              TrCourse           *course,
                                              TrsViewer           viewer,
                                              gint64              viewer_id,
                                              const char         *public_url);
JsonNode      *trs_classroom_attendance_json (const TrsClassroom *classroom);
char          *trs_classroom_attendance_csv  (const TrsClassroom *classroom);

G_END_DECLS
