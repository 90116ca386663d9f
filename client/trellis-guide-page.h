/* trellis-guide-page.h: a course's facilitator guide, for trainers
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tr-course.h"
#include "trellis-presenter.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_GUIDE_PAGE (trellis_guide_page_get_type ())

G_DECLARE_FINAL_TYPE (TrellisGuidePage, trellis_guide_page, TRELLIS, GUIDE_PAGE, AdwBin)

GtkWidget        *trellis_guide_page_new     (TrCourse         *course,
                                              TrLang            lang);
TrCourse         *trellis_guide_page_get_course (TrellisGuidePage *self);
TrellisPresenter *trellis_guide_page_present (TrellisGuidePage *self,
                                              guint             part);

/* Actions: "guide.present" (u), presenting from that part of the plan. */

G_END_DECLS
