/* trellis-classroom-vote.h: a participant's view of a classroom session
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tr-lang.h"
#include "trellis-classroom.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_CLASSROOM_VOTE (trellis_classroom_vote_get_type ())

G_DECLARE_FINAL_TYPE (TrellisClassroomVote, trellis_classroom_vote, TRELLIS, CLASSROOM_VOTE, AdwBin)

GtkWidget *trellis_classroom_vote_new          (TrellisClassroom     *classroom,
                                                TrLang                lang);
void       trellis_classroom_vote_show_session (TrellisClassroomVote *self,
                                                JsonObject           *session);
const char *trellis_classroom_vote_get_page    (TrellisClassroomVote *self);

G_END_DECLS
