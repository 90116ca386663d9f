/* trellis-window.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tr-course.h"
#include "trellis-window.h"

struct _TrellisWindow
{
  AdwApplicationWindow  parent_instance;

  GtkStack             *stack;
  GtkListBox           *course_list;
};

G_DEFINE_FINAL_TYPE (TrellisWindow, trellis_window, ADW_TYPE_APPLICATION_WINDOW)


static GtkWidget *
create_course_row (gpointer item,
                   gpointer user_data)
{
  TrCourse *course = TR_COURSE (item);
  TrLang lang = tr_lang_from_locale ();
  g_autofree char *minutes = g_strdup_printf (ngettext ("About %d minute", "About %d minutes",
                                                       tr_course_get_estimated_minutes (course)),
                                              tr_course_get_estimated_minutes (course));
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *time_label = gtk_label_new (minutes);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), tr_text_get (tr_course_get_title (course), lang));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), tr_text_get (tr_course_get_summary (course), lang));
  gtk_widget_add_css_class (time_label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), time_label);
  return row;
}

static void
update_page (TrellisWindow *self)
{
  TrellisApplication *application = TRELLIS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  TrellisCourseLibrary *library;

  if (application == NULL)
    return;
  library = trellis_application_get_library (application);
  if (trellis_course_library_get_loading (library))
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else if (g_list_model_get_n_items (trellis_course_library_get_courses (library)) == 0)
    gtk_stack_set_visible_child_name (self->stack, "empty");
  else
    gtk_stack_set_visible_child_name (self->stack, "catalogue");
}

static void
library_changed_cb (TrellisWindow *self)
{
  update_page (self);
}

TrellisWindow *
trellis_window_new (TrellisApplication *application)
{
  TrellisWindow *self = g_object_new (TRELLIS_TYPE_WINDOW, "application", application, NULL);
  TrellisCourseLibrary *library = trellis_application_get_library (application);

  gtk_list_box_bind_model (self->course_list, trellis_course_library_get_courses (library),
                           create_course_row, self, NULL);
  g_signal_connect_object (library, "notify::loading", G_CALLBACK (library_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (trellis_course_library_get_courses (library), "items-changed",
                           G_CALLBACK (library_changed_cb), self, G_CONNECT_SWAPPED);
  update_page (self);
  return self;
}

static void
trellis_window_class_init (TrellisWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, course_list);
}

static void
trellis_window_init (TrellisWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
