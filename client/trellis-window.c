/* trellis-window.c: the main window and the way between its pages
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-window"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "tr-course.h"
#include "trellis-catalogue-page.h"
#include "trellis-certificates-page.h"
#include "trellis-course-page.h"
#include "trellis-course-updater.h"
#include "trellis-guide-page.h"
#include "trellis-lesson-page.h"
#include "trellis-quiz-page.h"
#include "trellis-scenario-page.h"
#include "trellis-signal-page.h"
#include "trellis-sync-indicator.h"
#include "trellis-window.h"

struct _TrellisWindow
{
  AdwApplicationWindow  parent_instance;

  TrellisApplication   *application;
  char                 *place;          /* the activity shown, or NULL */

  GtkStack             *stack;
  AdwToastOverlay      *toast_overlay;
  GStrv                 updates;        /* course ids the server offers in a new version */
  guint                 n_installing;
  GtkButton            *back_button;
  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;
  AdwBin               *catalogue_bin;
  AdwBin               *course_bin;
  AdwBin               *activity_bin;
  AdwBin               *certificates_bin;
  GtkListBox           *problem_list;
  AdwStatusPage        *problems_page;

  TrellisCataloguePage *catalogue_page;
  TrellisCoursePage    *course_page;
  TrellisCertificatesPage *certificates_page;
  char                 *before_certificates;   /* the page to go back to */
};

G_DEFINE_FINAL_TYPE (TrellisWindow, trellis_window, ADW_TYPE_APPLICATION_WINDOW)

static void courses_available_cb (TrellisSync   *sync,
                                  GPtrArray     *server_courses,
                                  TrellisWindow *self);

static const char *
visible_page (TrellisWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

static void
update_header (TrellisWindow *self)
{
  const char *page = visible_page (self);
  TrCourse *course = trellis_course_page_get_course (self->course_page);
  TrLang lang = trellis_application_get_language (self->application);
  gboolean authoring = trellis_course_library_is_authoring (trellis_application_get_library (self->application));
  const char *subtitle = "";

  if (g_strcmp0 (page, "activity") == 0 && self->place != NULL)
    {
      if (g_str_has_prefix (self->place, "lesson/"))
        subtitle = _("Lesson");
      else if (g_str_has_prefix (self->place, "scenario/"))
        subtitle = _("Scenario exercise");
      else if (g_str_has_prefix (self->place, "signal-exercise/"))
        subtitle = _("Signal exercise");
      else if (g_str_equal (self->place, "quiz"))
        subtitle = _("Quiz");
      else if (g_str_equal (self->place, "guide"))
        subtitle = _("Facilitator guide");
    }
  if ((g_strcmp0 (page, "course") == 0 || g_strcmp0 (page, "activity") == 0) && course != NULL)
    adw_window_title_set_title (self->window_title, tr_text_get (tr_course_get_title (course), lang));
  else if (g_strcmp0 (page, "certificates") == 0)
    adw_window_title_set_title (self->window_title, _("Certificates"));
  else
    adw_window_title_set_title (self->window_title, _("Trellis"));
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button),
                          g_strcmp0 (page, "activity") == 0 || g_strcmp0 (page, "certificates") == 0 ||
                          (g_strcmp0 (page, "course") == 0 && !authoring));
}

static void remind_to_recertify (TrellisWindow *self);

static void
show_page (TrellisWindow *self,
           const char    *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  update_header (self);
  if (g_str_equal (name, "catalogue") || g_str_equal (name, "certificates"))
    remind_to_recertify (self);
}

static GtkWidget *
create_activity (TrellisWindow *self,
                 TrCourse      *course,
                 const char    *place)
{
  TrellisProgressStore *store = trellis_application_get_store (self->application);
  TrLang lang = trellis_application_get_language (self->application);
  GtkWidget *page = NULL;

  if (g_str_has_prefix (place, "lesson/"))
    {
      page = trellis_lesson_page_new (store, course, lang);
      trellis_lesson_page_show_lesson (TRELLIS_LESSON_PAGE (page), place + strlen ("lesson/"));
    }
  else if (g_str_has_prefix (place, "scenario/"))
    {
      page = trellis_scenario_page_new (store, course, lang);
      trellis_scenario_page_show_scenario (TRELLIS_SCENARIO_PAGE (page), place + strlen ("scenario/"));
    }
  else if (g_str_has_prefix (place, "signal-exercise/"))
    {
      page = trellis_signal_page_new (store, course, lang);
      trellis_signal_page_show_exercise (TRELLIS_SIGNAL_PAGE (page), place + strlen ("signal-exercise/"));
    }
  else if (g_str_equal (place, "quiz"))
    {
      page = trellis_quiz_page_new (store, course, lang);
      trellis_quiz_page_start (TRELLIS_QUIZ_PAGE (page));
    }
  else if (g_str_equal (place, "guide"))
    page = trellis_guide_page_new (course, lang);
  return page;
}

static void
open_place (TrellisWindow *self,
            const char    *place)
{
  TrCourse *course = trellis_course_page_get_course (self->course_page);
  GtkWidget *page;

  if (course == NULL || place == NULL)
    return;
  page = create_activity (self, course, place);
  if (page == NULL)
    {
      g_warning ("Unknown place in a course: %s", place);
      return;
    }
  g_free (self->place);
  self->place = g_strdup (place);
  adw_bin_set_child (self->activity_bin, page);
  show_page (self, "activity");
  /* Each page puts the focus on its own start. */
}

static void
open_item_cb (TrellisCoursePage *course_page,
              const char        *place,
              TrellisWindow     *self)
{
  open_place (self, place);
}

static void
show_course (TrellisWindow *self,
             TrCourse      *course)
{
  trellis_course_page_set_course (self->course_page, course);
  show_page (self, "course");
  gtk_widget_child_focus (GTK_WIDGET (self->course_page), GTK_DIR_TAB_FORWARD);
}

static void
course_activated_cb (TrellisCataloguePage *catalogue,
                     TrCourse             *course,
                     TrellisWindow        *self)
{
  show_course (self, course);
}

/* Going back drops the activity page; the learner's work is already in the
 * store, and the course page shows it. */
static void
go_back (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  TrellisWindow *self = TRELLIS_WINDOW (widget);
  const char *page = visible_page (self);
  gboolean authoring = trellis_course_library_is_authoring (trellis_application_get_library (self->application));

  if (g_strcmp0 (page, "certificates") == 0)
    {
      g_autofree char *before = g_steal_pointer (&self->before_certificates);

      if (before == NULL)
        before = g_strdup (authoring ? "course" : "catalogue");
      if (g_str_equal (before, "catalogue"))
        trellis_catalogue_page_refresh (self->catalogue_page);
      else if (g_str_equal (before, "course"))
        trellis_course_page_refresh (self->course_page);
      show_page (self, before);
      gtk_widget_child_focus (gtk_stack_get_visible_child (self->stack), GTK_DIR_TAB_FORWARD);
    }
  else if (g_strcmp0 (page, "activity") == 0)
    {
      g_clear_pointer (&self->place, g_free);
      trellis_course_page_refresh (self->course_page);
      show_page (self, "course");
      adw_bin_set_child (self->activity_bin, NULL);
    }
  else if (g_strcmp0 (page, "course") == 0 && !authoring)
    {
      trellis_catalogue_page_refresh (self->catalogue_page);
      show_page (self, "catalogue");
    }
}

static void
show_problems (TrellisWindow      *self,
               const char * const *problems)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->problem_list))) != NULL)
    gtk_list_box_remove (self->problem_list, child);
  for (guint i = 0; problems != NULL && problems[i] != NULL; i++)
    {
      GtkWidget *label = gtk_label_new (problems[i]);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "monospace");
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_list_box_append (self->problem_list, label);
    }
}

static gboolean
has_errors (const char * const *problems)
{
  for (guint i = 0; problems != NULL && problems[i] != NULL; i++)
    if (strstr (problems[i], ": error: ") != NULL)
      return TRUE;
  return FALSE;
}

/* An author's course was (re)loaded: show it, or what is wrong with it,
 * and stay on the activity being checked when there is one. */
static void
show_authored_course (TrellisWindow        *self,
                      TrellisCourseLibrary *library)
{
  GListModel *courses = trellis_course_library_get_courses (library);
  const char * const *problems = trellis_course_library_get_problems (library);
  g_autoptr(TrCourse) course = g_list_model_get_n_items (courses) > 0 ? g_list_model_get_item (courses, 0) : NULL;
  g_autofree char *place = g_strdup (self->place);

  show_problems (self, problems);
  if (course == NULL || has_errors (problems))
    {
      adw_status_page_set_description (self->problems_page,
                                       _("Fix these problems and save: the course reloads by itself."));
      show_page (self, "problems");
      return;
    }
  trellis_course_page_set_course (self->course_page, course);
  if (place != NULL)
    open_place (self, place);
  else
    show_page (self, "course");
}

static void
update_library_page (TrellisWindow *self)
{
  TrellisCourseLibrary *library = trellis_application_get_library (self->application);

  if (trellis_course_library_get_loading (library))
    {
      if (g_strcmp0 (visible_page (self), "loading") == 0 || visible_page (self) == NULL)
        show_page (self, "loading");
      return;
    }
  if (trellis_course_library_is_authoring (library))
    {
      show_authored_course (self, library);
      return;
    }
  trellis_catalogue_page_refresh (self->catalogue_page);
  if (g_list_model_get_n_items (trellis_course_library_get_courses (library)) == 0)
    show_page (self, "empty");
  else if (g_strcmp0 (visible_page (self), "loading") == 0 || g_strcmp0 (visible_page (self), "empty") == 0)
    show_page (self, "catalogue");
}

static void
progress_changed_cb (TrellisWindow *self)
{
  /* The activity page updates itself; the overviews catch up when shown. */
  if (g_strcmp0 (visible_page (self), "catalogue") == 0)
    {
      trellis_catalogue_page_refresh (self->catalogue_page);
      /* The store may have just opened, with the certificates kept in it. */
      remind_to_recertify (self);
    }
  else if (g_strcmp0 (visible_page (self), "course") == 0)
    trellis_course_page_refresh (self->course_page);
}

static void
language_changed_cb (TrellisWindow *self)
{
  g_autofree char *place = g_strdup (self->place);

  trellis_catalogue_page_refresh (self->catalogue_page);
  trellis_course_page_refresh (self->course_page);
  if (place != NULL)
    open_place (self, place);
  if (g_strcmp0 (visible_page (self), "certificates") == 0)
    trellis_certificates_page_refresh (self->certificates_page);
  update_header (self);
}

/* For the startup benchmark (bench/): report the first frame, then quit. */
static void
after_paint_cb (GdkFrameClock *clock,
                TrellisWindow *self)
{
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, self);
  fputs ("first-frame\n", stdout);
  fflush (stdout);
  g_application_quit (G_APPLICATION (self->application));
}

static void
trellis_window_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (trellis_window_parent_class)->realize (widget);

  if (g_strcmp0 (g_getenv ("TRELLIS_EXIT_AFTER_FIRST_FRAME"), "1") == 0)
    g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                             G_CALLBACK (after_paint_cb), widget, 0);
}

static void
save_size (TrellisWindow *self)
{
  GSettings *settings = trellis_application_get_settings (self->application);
  int width, height;

  if (settings == NULL || gtk_window_is_maximized (GTK_WINDOW (self)))
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
}

static gboolean
trellis_window_close_request (GtkWindow *window)
{
  save_size (TRELLIS_WINDOW (window));
  return GTK_WINDOW_CLASS (trellis_window_parent_class)->close_request (window);
}

TrellisWindow *
trellis_window_new (TrellisApplication *application)
{
  TrellisWindow *self = g_object_new (TRELLIS_TYPE_WINDOW, "application", application, NULL);
  TrellisCourseLibrary *library = trellis_application_get_library (application);
  TrellisProgressStore *store = trellis_application_get_store (application);
  GSettings *settings = trellis_application_get_settings (application);

  self->application = application;
  if (settings != NULL)
    gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                                 g_settings_get_int (settings, "window-height"));

  adw_header_bar_pack_end (self->header_bar,
                           trellis_sync_indicator_new (trellis_application_get_sync (application)));

  self->catalogue_page = TRELLIS_CATALOGUE_PAGE (trellis_catalogue_page_new (application));
  adw_bin_set_child (self->catalogue_bin, GTK_WIDGET (self->catalogue_page));
  g_signal_connect_object (self->catalogue_page, "course-activated", G_CALLBACK (course_activated_cb), self, 0);

  self->course_page = TRELLIS_COURSE_PAGE (trellis_course_page_new (application));
  adw_bin_set_child (self->course_bin, GTK_WIDGET (self->course_page));
  g_signal_connect_object (self->course_page, "open-item", G_CALLBACK (open_item_cb), self, 0);

  g_signal_connect_object (library, "notify::loading", G_CALLBACK (update_library_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "changed", G_CALLBACK (progress_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "notify::language", G_CALLBACK (language_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (trellis_application_get_sync (application), "courses-available",
                           G_CALLBACK (courses_available_cb), self, 0);
  /* A sync may bring a certificate close to its end. */
  g_signal_connect_object (trellis_application_get_sync (application), "notify::last-synced",
                           G_CALLBACK (progress_changed_cb), self, G_CONNECT_SWAPPED);

  self->certificates_page = TRELLIS_CERTIFICATES_PAGE (trellis_certificates_page_new (application));
  adw_bin_set_child (self->certificates_bin, GTK_WIDGET (self->certificates_page));

  update_library_page (self);
  return self;
}

/* Courses from the institute's server: offered, never forced. */

static void
show_toast (TrellisWindow *self,
            const char    *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
installed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TrellisWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = trellis_course_install_finish (result, &error);

  if (id == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("A course could not be installed: %s"), error->message);

      show_toast (self, title);
    }
  if (--self->n_installing == 0)
    {
      trellis_course_library_load_async (trellis_application_get_library (self->application), NULL, NULL, NULL);
      show_toast (self, _("The courses from your institute are up to date"));
    }
}

static void
package_fetched_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TrellisWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) package = trellis_sync_fetch_package_finish (TRELLIS_SYNC (source), result, &error);
  g_autofree char *updates_dir = trellis_course_library_get_updates_dir ();

  if (package == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("A course could not be downloaded: %s"), error->message);

      show_toast (self, title);
      if (--self->n_installing == 0)
        trellis_course_library_load_async (trellis_application_get_library (self->application), NULL, NULL, NULL);
      return;
    }
  trellis_course_install_async (package, updates_dir, NULL, installed_cb, g_object_ref (self));
}

static void
install_updates (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TrellisWindow *self = TRELLIS_WINDOW (widget);
  g_auto(GStrv) ids = g_steal_pointer (&self->updates);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      self->n_installing++;
      trellis_sync_fetch_package_async (trellis_application_get_sync (self->application), ids[i], NULL,
                                        package_fetched_cb, g_object_ref (self));
    }
}

static void
courses_available_cb (TrellisSync   *sync,
                      GPtrArray     *server_courses,
                      TrellisWindow *self)
{
  g_auto(GStrv) updates = trellis_course_updates_find (trellis_application_get_library (self->application),
                                                       server_courses);
  g_autofree char *title = NULL;
  AdwToast *toast;
  guint n = g_strv_length (updates);

  /* Offer once per set of updates, and not while installing them. */
  if (n == 0 || self->n_installing > 0 ||
      (self->updates != NULL && g_strv_equal ((const char * const *) updates, (const char * const *) self->updates)))
    return;
  g_strfreev (self->updates);
  self->updates = g_steal_pointer (&updates);
  title = g_strdup_printf (ngettext ("Your institute offers %u new or updated course",
                                     "Your institute offers %u new or updated courses", n), n);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Install"));
  adw_toast_set_action_name (toast, "window.install-updates");
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Certificates. */

static void
show_certificates (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TrellisWindow *self = TRELLIS_WINDOW (widget);
  const char *page = visible_page (self);

  if (g_strcmp0 (page, "certificates") != 0)
    {
      g_free (self->before_certificates);
      self->before_certificates = g_strdup (page);
    }
  trellis_certificates_page_refresh (self->certificates_page);
  show_page (self, "certificates");
  gtk_widget_child_focus (GTK_WIDGET (self->certificates_page), GTK_DIR_TAB_FORWARD);
}

/* At most once a day (the page keeps the date), when the catalogue or the
 * certificates show. */
static void
remind_to_recertify (TrellisWindow *self)
{
  TrellisProgressStore *store = self->application != NULL ? trellis_application_get_store (self->application) : NULL;
  g_autofree char *reminder = NULL;
  AdwToast *toast;

  if (store == NULL ||
      (reminder = trellis_certificates_take_reminder (store,
                                                      trellis_application_get_language (self->application))) == NULL)
    return;
  toast = adw_toast_new (reminder);
  adw_toast_set_timeout (toast, 0);
  if (g_strcmp0 (visible_page (self), "certificates") != 0)
    {
      adw_toast_set_button_label (toast, _("_View"));
      adw_toast_set_action_name (toast, "window.certificates");
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Public ways in, for tests and tools/trellis-screenshots. */
void
trellis_window_show_course (TrellisWindow *self,
                            TrCourse      *course)
{
  g_return_if_fail (TRELLIS_IS_WINDOW (self));
  show_course (self, course);
}

void
trellis_window_open_place (TrellisWindow *self,
                           const char    *place)
{
  g_return_if_fail (TRELLIS_IS_WINDOW (self));
  open_place (self, place);
}

/* "loading", "empty", "problems", "catalogue", "course", "activity" or
 * "certificates". */
const char *
trellis_window_get_page (TrellisWindow *self)
{
  g_return_val_if_fail (TRELLIS_IS_WINDOW (self), NULL);
  return visible_page (self);
}

GtkWidget *
trellis_window_get_activity (TrellisWindow *self)
{
  g_return_val_if_fail (TRELLIS_IS_WINDOW (self), NULL);
  return adw_bin_get_child (self->activity_bin);
}

static void
trellis_window_dispose (GObject *object)
{
  TrellisWindow *self = TRELLIS_WINDOW (object);

  g_clear_pointer (&self->place, g_free);
  g_clear_pointer (&self->updates, g_strfreev);
  g_clear_pointer (&self->before_certificates, g_free);

  G_OBJECT_CLASS (trellis_window_parent_class)->dispose (object);
}

static void
trellis_window_class_init (TrellisWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = trellis_window_dispose;
  widget_class->realize = trellis_window_realize;
  window_class->close_request = trellis_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, catalogue_bin);
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, course_bin);
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, activity_bin);
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, certificates_bin);
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, problem_list);
  gtk_widget_class_bind_template_child (widget_class, TrellisWindow, problems_page);

  gtk_widget_class_install_action (widget_class, "window.back", NULL, go_back);
  gtk_widget_class_install_action (widget_class, "window.install-updates", NULL, install_updates);
  gtk_widget_class_install_action (widget_class, "window.certificates", NULL, show_certificates);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "window.back", NULL);

  g_type_ensure (TRELLIS_TYPE_CATALOGUE_PAGE);
  g_type_ensure (TRELLIS_TYPE_COURSE_PAGE);
}

static void
trellis_window_init (TrellisWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
