/* trellis-course-library.h: the courses installed on this device
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TRELLIS_TYPE_COURSE_LIBRARY (trellis_course_library_get_type ())

G_DECLARE_FINAL_TYPE (TrellisCourseLibrary, trellis_course_library, TRELLIS, COURSE_LIBRARY, GObject)

TrellisCourseLibrary *trellis_course_library_new          (const char            *dir);
TrellisCourseLibrary *trellis_course_library_new_for_course (const char           *course_dir);
gboolean              trellis_course_library_is_authoring (TrellisCourseLibrary  *self);
char                 *trellis_course_library_get_updates_dir (void);
const char           *trellis_course_library_get_dir      (TrellisCourseLibrary  *self);
GListModel           *trellis_course_library_get_courses  (TrellisCourseLibrary  *self);
GListModel           *trellis_course_library_get_paths    (TrellisCourseLibrary  *self);
const char * const   *trellis_course_library_get_problems (TrellisCourseLibrary  *self);
gboolean              trellis_course_library_get_loading  (TrellisCourseLibrary  *self);
void                  trellis_course_library_load_async   (TrellisCourseLibrary  *self,
                                                           GCancellable          *cancellable,
                                                           GAsyncReadyCallback    callback,
                                                           gpointer               user_data);
gboolean              trellis_course_library_load_finish  (TrellisCourseLibrary  *self,
                                                           GAsyncResult          *result,
                                                           GError               **error);

G_END_DECLS
