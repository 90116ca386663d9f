/* trellis-account-window.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-account"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-account-window.h"
#include "trellis-sync-indicator.h"

/* "Synced 2 minutes ago" goes stale: refreshed this often. */
#define REFRESH_S 30

struct _TrellisAccountWindow
{
  AdwWindow        parent_instance;

  TrellisSync     *sync;
  GCancellable    *cancellable;
  guint            refresh_id;
  const char      *page;      /* shown last: focus moves when it changes */
  GtkWidget       *focus;     /* weak: where the focus was when a request started */
  guint            busy : 1;

  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  AdwEntryRow     *server_row;
  GtkLabel        *signed_out_label;
  AdwEntryRow     *code_row;
  AdwEntryRow     *name_row;
  AdwEntryRow     *enrol_email_row;
  AdwEntryRow     *enrol_password_row;
  GtkLabel        *enrol_error;
  GtkButton       *enrol_button;
  GtkSpinner      *enrol_spinner;
  AdwEntryRow     *sign_in_email_row;
  AdwEntryRow     *sign_in_password_row;
  GtkLabel        *sign_in_error;
  GtkButton       *sign_in_button;
  GtkSpinner      *sign_in_spinner;
  AdwActionRow    *account_row;
  AdwActionRow    *server_info_row;
  AdwActionRow    *status_row;
  GtkSpinner      *status_spinner;
  GtkButton       *sign_out_button;
  GtkButton       *sync_now_button;
};

G_DEFINE_FINAL_TYPE (TrellisAccountWindow, trellis_account_window, ADW_TYPE_WINDOW)

static void
show_error (GtkLabel   *label,
            const char *message)
{
  gtk_label_set_label (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
set_spinner (GtkSpinner *spinner,
             gboolean    spinning)
{
  gtk_spinner_set_spinning (spinner, spinning);
  gtk_widget_set_visible (GTK_WIDGET (spinner), spinning);
}

/* While a request runs, the forms are read-only and their buttons wait.
 * The rows stay sensitive: taking that from the focused text field makes
 * GTK lose track of its focus. */
static void
set_busy (TrellisAccountWindow *self,
          GtkSpinner           *spinner,
          gboolean              busy)
{
  GtkEditable *rows[] = {
    GTK_EDITABLE (self->server_row), GTK_EDITABLE (self->code_row), GTK_EDITABLE (self->name_row),
    GTK_EDITABLE (self->enrol_email_row), GTK_EDITABLE (self->enrol_password_row),
    GTK_EDITABLE (self->sign_in_email_row), GTK_EDITABLE (self->sign_in_password_row),
  };
  GtkWidget *buttons[] = {
    GTK_WIDGET (self->enrol_button), GTK_WIDGET (self->sign_in_button),
    GTK_WIDGET (self->sign_out_button), GTK_WIDGET (self->sync_now_button),
  };

  /* An insensitive button loses the focus; it comes back afterwards. */
  if (busy)
    g_set_weak_pointer (&self->focus, gtk_root_get_focus (GTK_ROOT (self)));
  self->busy = busy;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_editable_set_editable (rows[i], !busy);
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    gtk_widget_set_sensitive (buttons[i], !busy);
  if (spinner != NULL)
    set_spinner (spinner, busy);
  if (busy)
    return;
  if (self->focus != NULL && gtk_widget_is_sensitive (self->focus) && gtk_widget_get_mapped (self->focus))
    gtk_widget_grab_focus (self->focus);
  g_clear_weak_pointer (&self->focus);
}

static void
focus_page (TrellisAccountWindow *self)
{
  GtkWidget *focus;

  if (g_strcmp0 (self->page, "signed-in") == 0)
    focus = GTK_WIDGET (self->sync_now_button);
  else if (trellis_sync_get_server (self->sync) != NULL)
    focus = GTK_WIDGET (self->code_row);
  else
    focus = GTK_WIDGET (self->server_row);
  gtk_widget_grab_focus (focus);
}

static void
update (TrellisAccountWindow *self)
{
  const char *account_name = trellis_sync_get_account_name (self->sync);
  TrellisSyncState state = trellis_sync_get_state (self->sync);
  const char *server = trellis_sync_get_server (self->sync);
  gboolean signed_in = state != TRELLIS_SYNC_SIGNED_OUT && account_name != NULL;
  const char *page = signed_in ? "signed-in" : "signed-out";
  gboolean page_changed = g_strcmp0 (self->page, page) != 0;
  g_autofree char *description = trellis_sync_describe (self->sync);

  self->page = page;
  gtk_stack_set_visible_child_name (self->stack, page);

  if (signed_in)
    {
      adw_action_row_set_subtitle (self->account_row, account_name);
      adw_action_row_set_subtitle (self->server_info_row, server != NULL ? server : "");
      adw_action_row_set_subtitle (self->status_row, description);
      set_spinner (self->status_spinner, state == TRELLIS_SYNC_SYNCING);
    }
  else
    {
      /* Signed out by the server (an expired token): say so. */
      show_error (self->signed_out_label, trellis_sync_get_message (self->sync));
      if (server != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->server_row)) == '\0')
        gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
    }
  /* While busy the controls are insensitive; the request's end moves focus. */
  if (page_changed && !self->busy)
    focus_page (self);
}

static void
sync_notify_cb (TrellisAccountWindow *self)
{
  update (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  update (TRELLIS_ACCOUNT_WINDOW (user_data));
  return G_SOURCE_CONTINUE;
}

static void
toast (TrellisAccountWindow *self,
       const char           *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
signed_in (TrellisAccountWindow *self)
{
  g_autofree char *title = NULL;

  gtk_editable_set_text (GTK_EDITABLE (self->enrol_password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->sign_in_password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  /* TRANSLATORS: %s is the learner's name */
  title = g_strdup_printf (_("Signed in as %s"), trellis_sync_get_account_name (self->sync));
  toast (self, title);
  update (self);
  focus_page (self);
}

static void
enrol_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TrellisAccountWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!trellis_sync_enrol_finish (TRELLIS_SYNC (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, self->enrol_spinner, FALSE);
  if (error != NULL)
    {
      show_error (self->enrol_error, error->message);
      return;
    }
  signed_in (self);
}

static void
enrol_clicked_cb (TrellisAccountWindow *self)
{
  if (self->busy)
    return;
  show_error (self->enrol_error, NULL);
  show_error (self->sign_in_error, NULL);
  set_busy (self, self->enrol_spinner, TRUE);
  trellis_sync_enrol_async (self->sync,
                            gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                            gtk_editable_get_text (GTK_EDITABLE (self->code_row)),
                            gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
                            gtk_editable_get_text (GTK_EDITABLE (self->enrol_email_row)),
                            gtk_editable_get_text (GTK_EDITABLE (self->enrol_password_row)),
                            self->cancellable, enrol_done_cb, g_object_ref (self));
}

static void
sign_in_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TrellisAccountWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!trellis_sync_sign_in_finish (TRELLIS_SYNC (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, self->sign_in_spinner, FALSE);
  if (error != NULL)
    {
      show_error (self->sign_in_error, error->message);
      return;
    }
  signed_in (self);
}

static void
sign_in_clicked_cb (TrellisAccountWindow *self)
{
  if (self->busy)
    return;
  show_error (self->enrol_error, NULL);
  show_error (self->sign_in_error, NULL);
  set_busy (self, self->sign_in_spinner, TRUE);
  trellis_sync_sign_in_async (self->sync,
                              gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                              gtk_editable_get_text (GTK_EDITABLE (self->sign_in_email_row)),
                              gtk_editable_get_text (GTK_EDITABLE (self->sign_in_password_row)),
                              self->cancellable, sign_in_done_cb, g_object_ref (self));
}

static void
sign_out_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TrellisAccountWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!trellis_sync_sign_out_finish (TRELLIS_SYNC (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, NULL, FALSE);
  toast (self, _("Signed out: your progress stays on this device"));
  update (self);
  focus_page (self);
}

static void
sign_out_clicked_cb (TrellisAccountWindow *self)
{
  if (self->busy)
    return;
  set_busy (self, NULL, TRUE);
  trellis_sync_sign_out_async (self->sync, self->cancellable, sign_out_done_cb, g_object_ref (self));
}

static void
sync_now_clicked_cb (TrellisAccountWindow *self)
{
  trellis_sync_now (self->sync);
}

GtkWidget *
trellis_account_window_new (TrellisSync *sync)
{
  TrellisAccountWindow *self;

  g_return_val_if_fail (TRELLIS_IS_SYNC (sync), NULL);

  self = g_object_new (TRELLIS_TYPE_ACCOUNT_WINDOW, NULL);
  self->sync = g_object_ref (sync);
  g_signal_connect_object (sync, "notify", G_CALLBACK (sync_notify_cb), self, G_CONNECT_SWAPPED);
  update (self);
  self->refresh_id = g_timeout_add_seconds (REFRESH_S, refresh_cb, self);
  return GTK_WIDGET (self);
}

static void
trellis_account_window_dispose (GObject *object)
{
  TrellisAccountWindow *self = TRELLIS_ACCOUNT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_weak_pointer (&self->focus);
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (trellis_account_window_parent_class)->dispose (object);
}

static void
trellis_account_window_class_init (TrellisAccountWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_account_window_dispose;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-account-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, signed_out_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, code_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, enrol_email_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, enrol_password_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, enrol_error);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, enrol_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, enrol_spinner);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, sign_in_email_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, sign_in_password_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, sign_in_error);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, sign_in_spinner);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, account_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, server_info_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, status_row);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisAccountWindow, sync_now_button);
  gtk_widget_class_bind_template_callback (widget_class, enrol_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_out_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sync_now_clicked_cb);
}

static void
trellis_account_window_init (TrellisAccountWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
