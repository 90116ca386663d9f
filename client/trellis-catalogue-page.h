/* trellis-catalogue-page.h: the installed courses and learning paths
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "trellis-application.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_CATALOGUE_PAGE (trellis_catalogue_page_get_type ())

G_DECLARE_FINAL_TYPE (TrellisCataloguePage, trellis_catalogue_page, TRELLIS, CATALOGUE_PAGE, AdwBin)

GtkWidget *trellis_catalogue_page_new     (TrellisApplication   *application);
void       trellis_catalogue_page_refresh (TrellisCataloguePage *self);

/* Signals: "course-activated" (TrCourse *course) when a course or the next
 * course of a learning path is chosen. */

G_END_DECLS
