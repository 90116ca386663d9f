/* trellis-preferences-window.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-preferences-window.h"

struct _TrellisPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  AdwComboRow          *language_row;
  AdwComboRow          *style_row;
};

G_DEFINE_FINAL_TYPE (TrellisPreferencesWindow, trellis_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* In the order of the rows' string lists in the template. */
static const char * const language_codes[] = { "", "en", "nl", "fr" };
static const char * const style_names[] = { "default", "light", "dark" };

static guint
index_of (const char * const *values,
          guint               n_values,
          const char         *value)
{
  for (guint i = 0; i < n_values; i++)
    if (g_strcmp0 (values[i], value) == 0)
      return i;
  return 0;
}

static void
language_selected_cb (TrellisPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->language_row);
  g_autofree char *current = g_settings_get_string (self->settings, "language");

  if (selected >= G_N_ELEMENTS (language_codes) || g_str_equal (current, language_codes[selected]))
    return;
  g_settings_set_string (self->settings, "language", language_codes[selected]);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Courses switch at once; menus and buttons after a restart")));
}

static void
style_selected_cb (TrellisPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->style_row);

  if (selected < G_N_ELEMENTS (style_names))
    g_settings_set_string (self->settings, "color-scheme", style_names[selected]);
}

GtkWidget *
trellis_preferences_window_new (GSettings *settings)
{
  TrellisPreferencesWindow *self = g_object_new (TRELLIS_TYPE_PREFERENCES_WINDOW, NULL);

  if (settings == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->language_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->style_row), FALSE);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Preferences cannot be kept: Trellis is not installed")));
      return GTK_WIDGET (self);
    }

  self->settings = g_object_ref (settings);
  {
    g_autofree char *language = g_settings_get_string (settings, "language");
    g_autofree char *style = g_settings_get_string (settings, "color-scheme");

    adw_combo_row_set_selected (self->language_row,
                                index_of (language_codes, G_N_ELEMENTS (language_codes), language));
    adw_combo_row_set_selected (self->style_row, index_of (style_names, G_N_ELEMENTS (style_names), style));
  }
  g_signal_connect_object (self->language_row, "notify::selected", G_CALLBACK (language_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->style_row, "notify::selected", G_CALLBACK (style_selected_cb),
                           self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

static void
trellis_preferences_window_dispose (GObject *object)
{
  TrellisPreferencesWindow *self = TRELLIS_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (trellis_preferences_window_parent_class)->dispose (object);
}

static void
trellis_preferences_window_class_init (TrellisPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_preferences_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisPreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisPreferencesWindow, style_row);
}

static void
trellis_preferences_window_init (TrellisPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
