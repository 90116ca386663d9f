/* trellis-sync-indicator.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-sync-indicator"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-sync-indicator.h"

/* "Synced 2 minutes ago" goes stale: refreshed this often while shown. */
#define REFRESH_S 30

struct _TrellisSyncIndicator
{
  GtkWidget    parent_instance;

  TrellisSync *sync;
  guint        refresh_id;

  GtkButton   *button;
  GtkStack    *icon_stack;
  GtkImage    *icon;
  GtkSpinner  *spinner;
  GtkLabel    *count_label;
};

G_DEFINE_FINAL_TYPE (TrellisSyncIndicator, trellis_sync_indicator, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
describe_synced (gint64 last_synced)
{
  gint64 minutes;

  if (last_synced <= 0)
    return g_strdup (_("Synced"));
  minutes = MAX (0, (g_get_real_time () - last_synced) / G_USEC_PER_SEC / 60);
  if (minutes < 1)
    return g_strdup (_("Synced just now"));
  if (minutes < 60)
    return g_strdup_printf (ngettext ("Synced %u minute ago", "Synced %u minutes ago", (gulong) minutes),
                            (guint) minutes);
  if (minutes < 24 * 60)
    return g_strdup_printf (ngettext ("Synced %u hour ago", "Synced %u hours ago", (gulong) (minutes / 60)),
                            (guint) (minutes / 60));
  {
    g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (last_synced / G_USEC_PER_SEC);
    g_autofree char *date = when != NULL ? g_date_time_format (when, "%x") : NULL;

    /* TRANSLATORS: %s is a date */
    return g_strdup_printf (_("Synced on %s"), date != NULL ? date : "?");
  }
}

char *
trellis_sync_describe (TrellisSync *sync)
{
  const char *message;
  guint pending;

  g_return_val_if_fail (sync == NULL || TRELLIS_IS_SYNC (sync), NULL);

  if (sync == NULL)
    return g_strdup (_("Not signed in: progress stays on this device"));

  message = trellis_sync_get_message (sync);
  pending = trellis_sync_get_pending (sync);
  switch (trellis_sync_get_state (sync))
    {
    case TRELLIS_SYNC_SYNCED:
      return describe_synced (trellis_sync_get_last_synced (sync));

    case TRELLIS_SYNC_SYNCING:
      return g_strdup (_("Syncing…"));

    case TRELLIS_SYNC_OFFLINE:
      if (pending == 0)
        return g_strdup (_("Offline: nothing waits to be sent"));
      return g_strdup_printf (ngettext ("Offline: %u change waits to be sent",
                                        "Offline: %u changes wait to be sent", pending), pending);

    case TRELLIS_SYNC_ERROR:
      /* TRANSLATORS: %s says what the server refused, or why */
      return g_strdup_printf (_("Error: %s"), message != NULL ? message : _("the server refused the changes"));

    case TRELLIS_SYNC_SIGNED_OUT:
    default:
      if (message != NULL)
        return g_strdup (message);
      return g_strdup (_("Not signed in: progress stays on this device"));
    }
}

static void
update (TrellisSyncIndicator *self)
{
  TrellisSyncState state = self->sync != NULL ? trellis_sync_get_state (self->sync) : TRELLIS_SYNC_SIGNED_OUT;
  guint pending = self->sync != NULL ? trellis_sync_get_pending (self->sync) : 0;
  g_autofree char *description = trellis_sync_describe (self->sync);
  const char *icon_name;
  gboolean show_count = FALSE;

  switch (state)
    {
    case TRELLIS_SYNC_SYNCED:
      icon_name = "emblem-ok-symbolic";
      break;

    case TRELLIS_SYNC_SYNCING:
      icon_name = "emblem-synchronizing-symbolic";
      break;

    case TRELLIS_SYNC_OFFLINE:
      icon_name = "network-offline-symbolic";
      show_count = pending > 0;
      break;

    case TRELLIS_SYNC_ERROR:
      icon_name = "dialog-warning-symbolic";
      break;

    case TRELLIS_SYNC_SIGNED_OUT:
    default:
      icon_name = "avatar-default-symbolic";
      break;
    }

  gtk_image_set_from_icon_name (self->icon, icon_name);
  gtk_spinner_set_spinning (self->spinner, state == TRELLIS_SYNC_SYNCING);
  gtk_stack_set_visible_child_name (self->icon_stack, state == TRELLIS_SYNC_SYNCING ? "spinner" : "icon");
  if (show_count)
    {
      g_autofree char *count = g_strdup_printf ("%u", pending);

      gtk_label_set_label (self->count_label, count);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), show_count);

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
}

static void
sync_notify_cb (TrellisSyncIndicator *self)
{
  update (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  update (TRELLIS_SYNC_INDICATOR (user_data));
  return G_SOURCE_CONTINUE;
}

TrellisSync *
trellis_sync_indicator_get_sync (TrellisSyncIndicator *self)
{
  g_return_val_if_fail (TRELLIS_IS_SYNC_INDICATOR (self), NULL);
  return self->sync;
}

void
trellis_sync_indicator_set_sync (TrellisSyncIndicator *self,
                                 TrellisSync          *sync)
{
  g_return_if_fail (TRELLIS_IS_SYNC_INDICATOR (self));
  g_return_if_fail (sync == NULL || TRELLIS_IS_SYNC (sync));

  if (self->sync == sync)
    return;
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_set_object (&self->sync, sync);
  if (sync != NULL)
    g_signal_connect_object (sync, "notify", G_CALLBACK (sync_notify_cb), self, G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
}

GtkWidget *
trellis_sync_indicator_new (TrellisSync *sync)
{
  g_return_val_if_fail (sync == NULL || TRELLIS_IS_SYNC (sync), NULL);

  return g_object_new (TRELLIS_TYPE_SYNC_INDICATOR, "sync", sync, NULL);
}

static void
trellis_sync_indicator_map (GtkWidget *widget)
{
  TrellisSyncIndicator *self = TRELLIS_SYNC_INDICATOR (widget);

  GTK_WIDGET_CLASS (trellis_sync_indicator_parent_class)->map (widget);
  update (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (REFRESH_S, refresh_cb, self);
}

static void
trellis_sync_indicator_unmap (GtkWidget *widget)
{
  TrellisSyncIndicator *self = TRELLIS_SYNC_INDICATOR (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (trellis_sync_indicator_parent_class)->unmap (widget);
}

static void
trellis_sync_indicator_dispose (GObject *object)
{
  TrellisSyncIndicator *self = TRELLIS_SYNC_INDICATOR (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRELLIS_TYPE_SYNC_INDICATOR);

  G_OBJECT_CLASS (trellis_sync_indicator_parent_class)->dispose (object);
}

static void
trellis_sync_indicator_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  TrellisSyncIndicator *self = TRELLIS_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      g_value_set_object (value, self->sync);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_sync_indicator_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  TrellisSyncIndicator *self = TRELLIS_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      trellis_sync_indicator_set_sync (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_sync_indicator_class_init (TrellisSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_sync_indicator_dispose;
  object_class->get_property = trellis_sync_indicator_get_property;
  object_class->set_property = trellis_sync_indicator_set_property;
  widget_class->map = trellis_sync_indicator_map;
  widget_class->unmap = trellis_sync_indicator_unmap;

  properties[PROP_SYNC] =
    g_param_spec_object ("sync", NULL, NULL, TRELLIS_TYPE_SYNC,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, TrellisSyncIndicator, icon_stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, TrellisSyncIndicator, spinner);
  gtk_widget_class_bind_template_child (widget_class, TrellisSyncIndicator, count_label);
}

static void
trellis_sync_indicator_init (TrellisSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}
