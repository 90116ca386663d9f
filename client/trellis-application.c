/* trellis-application.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-application.h"
#include "trellis-window.h"

struct _TrellisApplication
{
  AdwApplication        parent_instance;

  TrellisCourseLibrary *library;
};

G_DEFINE_FINAL_TYPE (TrellisApplication, trellis_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_LIBRARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

TrellisApplication *
trellis_application_new (void)
{
  return g_object_new (TRELLIS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

TrellisCourseLibrary *
trellis_application_get_library (TrellisApplication *self)
{
  g_return_val_if_fail (TRELLIS_IS_APPLICATION (self), NULL);
  return self->library;
}

static int
trellis_application_handle_local_options (GApplication *application,
                                          GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("trellis %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

static void
trellis_application_startup (GApplication *application)
{
  TrellisApplication *self = TRELLIS_APPLICATION (application);

  G_APPLICATION_CLASS (trellis_application_parent_class)->startup (application);
  trellis_course_library_load_async (self->library, NULL, NULL, NULL);
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

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

static void
trellis_application_dispose (GObject *object)
{
  TrellisApplication *self = TRELLIS_APPLICATION (object);

  g_clear_object (&self->library);

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
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
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
  app_class->activate = trellis_application_activate;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL,
                         TRELLIS_TYPE_COURSE_LIBRARY,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
trellis_application_init (TrellisApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  self->library = trellis_course_library_new (NULL);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  g_application_add_main_option (G_APPLICATION (self), "version", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE, _("Print the version and exit"), NULL);
}
