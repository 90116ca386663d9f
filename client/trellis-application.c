/* trellis-application.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-account-window.h"
#include "trellis-application.h"
#include "trellis-classroom-join.h"
#include "trellis-classroom-window.h"
#include "trellis-dashboard.h"
#include "trellis-dashboard-window.h"
#include "trellis-preferences-window.h"
#include "trellis-verify-window.h"
#include "trellis-window.h"

struct _TrellisApplication
{
  AdwApplication        parent_instance;

  TrellisCourseLibrary *library;
  TrellisProgressStore *store;
  TrellisSync          *sync;
  GSettings            *settings;   /* NULL when the schema is not installed */
  char                 *course_dir;
  TrLang                language;
};

G_DEFINE_FINAL_TYPE (TrellisApplication, trellis_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

TrellisApplication *
trellis_application_new (void)
{
  return g_object_new (TRELLIS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/trellis/Trellis",
                       NULL);
}

TrellisCourseLibrary *
trellis_application_get_library (TrellisApplication *self)
{
  g_return_val_if_fail (TRELLIS_IS_APPLICATION (self), NULL);
  return self->library;
}

TrellisSync *
trellis_application_get_sync (TrellisApplication *self)
{
  g_return_val_if_fail (TRELLIS_IS_APPLICATION (self), NULL);
  return self->sync;
}

TrellisProgressStore *
trellis_application_get_store (TrellisApplication *self)
{
  g_return_val_if_fail (TRELLIS_IS_APPLICATION (self), NULL);
  return self->store;
}

GSettings *
trellis_application_get_settings (TrellisApplication *self)
{
  g_return_val_if_fail (TRELLIS_IS_APPLICATION (self), NULL);
  return self->settings;
}

/* The language of course texts: the one chosen in Preferences, else the
 * system's first language that Trellis speaks. */
TrLang
trellis_application_get_language (TrellisApplication *self)
{
  g_return_val_if_fail (TRELLIS_IS_APPLICATION (self), TR_LANG_EN);
  return self->language;
}

static void
update_language (TrellisApplication *self)
{
  g_autofree char *code = self->settings ? g_settings_get_string (self->settings, "language") : NULL;
  TrLang language;

  if (code == NULL || !tr_lang_from_code (code, &language))
    language = tr_lang_from_locale ();
  if (language == self->language)
    return;
  self->language = language;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
}

static void
update_color_scheme (TrellisApplication *self)
{
  g_autofree char *scheme = self->settings ? g_settings_get_string (self->settings, "color-scheme") : NULL;
  AdwColorScheme color_scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (scheme, "light") == 0)
    color_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (scheme, "dark") == 0)
    color_scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), color_scheme);
}

static int
trellis_application_handle_local_options (GApplication *application,
                                          GVariantDict *options)
{
  TrellisApplication *self = TRELLIS_APPLICATION (application);
  const char *course_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("trellis %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "course-dir", "^&ay", &course_dir))
    {
      if (!g_file_test (course_dir, G_FILE_TEST_IS_DIR))
        {
          g_printerr (_("%s is not a folder\n"), course_dir);
          return 1;
        }
      self->course_dir = g_canonicalize_filename (course_dir, NULL);
      /* An author's window is their own: do not hand it to a running Trellis. */
      g_application_set_flags (application, g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);
    }
  return -1;
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TrellisApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!trellis_progress_store_open_finish (TRELLIS_PROGRESS_STORE (object), result, &error))
    {
      g_warning ("Cannot open the progress store: %s", error->message);
      return;
    }
  /* Syncing needs the store's events; without an account it does nothing. */
  if (self->sync != NULL)
    trellis_sync_start (self->sync);
}

static gboolean
load_after_first_frame_cb (gpointer user_data)
{
  TrellisApplication *self = user_data;

  trellis_progress_store_open_async (self->store, NULL, store_opened_cb, g_object_ref (self));
  trellis_course_library_load_async (self->library, NULL, NULL, NULL);
  return G_SOURCE_REMOVE;
}

/* The dashboard is for trainers and admins; the menu hides it from others. */
static void
update_dashboard_action (TrellisApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "dashboard");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               trellis_dashboard_role_may_view (trellis_sync_get_account_role (self->sync)));
}

static void
trellis_application_startup (GApplication *application)
{
  TrellisApplication *self = TRELLIS_APPLICATION (application);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  G_APPLICATION_CLASS (trellis_application_parent_class)->startup (application);

  if (schema != NULL)
    {
      self->settings = g_settings_new (APP_ID);
      g_signal_connect_object (self->settings, "changed::language", G_CALLBACK (update_language),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::color-scheme", G_CALLBACK (update_color_scheme),
                               self, G_CONNECT_SWAPPED);
    }
  else
    g_message ("GSettings schema %s is not installed; preferences will not be kept", APP_ID);
  update_language (self);
  update_color_scheme (self);

  self->library = self->course_dir != NULL ? trellis_course_library_new_for_course (self->course_dir)
                                           : trellis_course_library_new (NULL);
  self->store = trellis_progress_store_new (NULL);
  self->sync = trellis_sync_new (self->store);
  g_signal_connect_object (self->sync, "notify::account-role", G_CALLBACK (update_dashboard_action), self,
                           G_CONNECT_SWAPPED);
  update_dashboard_action (self);
  /* Below the priority of drawing: the window shows before the disk work
   * of reading courses and progress competes with it for the CPU. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, load_after_first_frame_cb, g_object_ref (self), g_object_unref);
}

static void
trellis_application_shutdown (GApplication *application)
{
  TrellisApplication *self = TRELLIS_APPLICATION (application);

  /* Nothing a learner did may be lost on closing. */
  if (self->store != NULL)
    trellis_progress_store_flush (self->store);

  G_APPLICATION_CLASS (trellis_application_parent_class)->shutdown (application);
}

static void
trellis_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (trellis_window_new (TRELLIS_APPLICATION (application)));
  gtk_window_present (window);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  TrellisApplication *self = TRELLIS_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *preferences = trellis_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (preferences), window);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
account_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  TrellisApplication *self = TRELLIS_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *account = trellis_account_window_new (self->sync);

  gtk_window_set_transient_for (GTK_WINDOW (account), window);
  gtk_window_present (GTK_WINDOW (account));
}

static void
verify_certificate_activated (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  TrellisApplication *self = TRELLIS_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *verify = trellis_verify_window_new (self->store, self->language);

  gtk_window_set_transient_for (GTK_WINDOW (verify), window);
  gtk_window_present (GTK_WINDOW (verify));
}

static void
dashboard_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  TrellisApplication *self = TRELLIS_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dashboard = trellis_dashboard_window_new (self->sync, self->language);

  gtk_window_set_application (GTK_WINDOW (dashboard), GTK_APPLICATION (self));
  gtk_window_set_transient_for (GTK_WINDOW (dashboard), window);
  gtk_window_present (GTK_WINDOW (dashboard));
  trellis_dashboard_window_refresh (TRELLIS_DASHBOARD_WINDOW (dashboard));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_show_about_window (window,
                         "application-name", _("Trellis"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Train-the-trainer courses on recognising and responding to signals of radicalisation"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developer-name", _("The Trellis developers"),
                         NULL);
}

static void
start_classroom_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  trellis_classroom_window_open (TRELLIS_APPLICATION (user_data), g_variant_get_string (parameter, NULL));
}

static void
join_classroom_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  trellis_classroom_join_open (TRELLIS_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "preferences", preferences_activated },
  { "account", account_activated },
  { "verify-certificate", verify_certificate_activated },
  { "dashboard", dashboard_activated },
  { "about", about_activated },
  { "start-classroom", start_classroom_activated, "s" },
  { "join-classroom", join_classroom_activated },
};

static void
trellis_application_dispose (GObject *object)
{
  TrellisApplication *self = TRELLIS_APPLICATION (object);

  g_clear_object (&self->library);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->course_dir, g_free);

  G_OBJECT_CLASS (trellis_application_parent_class)->dispose (object);
}

static void
trellis_application_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TrellisApplication *self = TRELLIS_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_LANGUAGE:
      g_value_set_int (value, self->language);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_application_class_init (TrellisApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = trellis_application_dispose;
  object_class->get_property = trellis_application_get_property;
  app_class->handle_local_options = trellis_application_handle_local_options;
  app_class->startup = trellis_application_startup;
  app_class->shutdown = trellis_application_shutdown;
  app_class->activate = trellis_application_activate;

  properties[PROP_LANGUAGE] =
    g_param_spec_int ("language", NULL, NULL, TR_LANG_EN, TR_N_LANGS - 1, TR_LANG_EN,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
trellis_application_init (TrellisApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  self->language = tr_lang_from_locale ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  g_application_add_main_option (G_APPLICATION (self), "version", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE, _("Print the version and exit"), NULL);
  g_application_add_main_option (G_APPLICATION (self), "course-dir", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_FILENAME,
                                 _("Open a course folder being written, and reload it when it changes"),
                                 _("DIR"));
}
