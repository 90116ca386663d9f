/* trellis-course-updater.h: courses offered by an institute's server
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "trellis-course-library.h"

G_BEGIN_DECLS

GStrv    trellis_course_updates_find         (TrellisCourseLibrary  *library,
                                              GPtrArray             *server_courses);
void     trellis_course_install_async        (JsonNode              *package,
                                              const char            *updates_dir,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
char    *trellis_course_install_finish       (GAsyncResult          *result,
                                              GError               **error);

G_END_DECLS
