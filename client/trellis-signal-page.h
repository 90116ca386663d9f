/* trellis-signal-page.h: mark statements as concern or not
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tr-course.h"
#include "trellis-progress-store.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_SIGNAL_PAGE (trellis_signal_page_get_type ())

G_DECLARE_FINAL_TYPE (TrellisSignalPage, trellis_signal_page, TRELLIS, SIGNAL_PAGE, AdwBin)

GtkWidget *trellis_signal_page_new (TrellisProgressStore *store,
                                 TrCourse             *course,
                                 TrLang                lang);
void       trellis_signal_page_show_exercise (TrellisSignalPage *self,
                                 const char *exercise_id);

G_END_DECLS
