/* trellis-application.h
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tr-lang.h"
#include "trellis-course-library.h"
#include "trellis-progress-store.h"
#include "trellis-sync.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_APPLICATION (trellis_application_get_type ())

G_DECLARE_FINAL_TYPE (TrellisApplication, trellis_application, TRELLIS, APPLICATION, AdwApplication)

TrellisApplication   *trellis_application_new          (void);
TrellisCourseLibrary *trellis_application_get_library  (TrellisApplication *self);
TrellisProgressStore *trellis_application_get_store    (TrellisApplication *self);
GSettings            *trellis_application_get_settings (TrellisApplication *self);
TrLang                trellis_application_get_language (TrellisApplication *self);
TrellisSync          *trellis_application_get_sync     (TrellisApplication *self);

G_END_DECLS
