/* trellis-classroom-join.c
 *
 * First asks for the code, then shows the session (TrellisClassroomVote)
 * in the same window until the learner leaves by closing it.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-classroom"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-classroom-join.h"
#include "trellis-classroom-vote.h"

struct _TrellisClassroomJoin
{
  AdwWindow         parent_instance;

  TrellisClassroom *classroom;
  GCancellable     *cancellable;
  GtkWidget        *view;

  GtkWidget        *leave_button;
  GtkStack         *stack;
  GtkEntry         *code_entry;
  GtkLabel         *error_label;
  GtkSpinner       *spinner;
  GtkWidget        *sign_in_button;
  GtkWidget        *join_button;
  GtkWidget        *session_box;
};

G_DEFINE_FINAL_TYPE (TrellisClassroomJoin, trellis_classroom_join, ADW_TYPE_WINDOW)

static gboolean
signed_out (TrellisClassroomJoin *self)
{
  return trellis_sync_get_state (trellis_classroom_get_sync (self->classroom)) == TRELLIS_SYNC_SIGNED_OUT;
}

static void
show_error (TrellisClassroomJoin *self,
            const char           *message,
            gboolean              offer_sign_in)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  gtk_widget_set_visible (self->sign_in_button, offer_sign_in);
}

static void
update_join_button (TrellisClassroomJoin *self)
{
  g_autofree char *code = trellis_classroom_normalise_code (gtk_editable_get_text (GTK_EDITABLE (self->code_entry)));

  gtk_widget_set_sensitive (self->join_button, *code != '\0' && !gtk_spinner_get_spinning (self->spinner));
}

static void
code_changed_cb (TrellisClassroomJoin *self)
{
  update_join_button (self);
}

static void
sync_state_cb (TrellisClassroomJoin *self)
{
  /* Signed in meanwhile, from the Account window: the offer is moot. */
  if (!signed_out (self) && gtk_widget_get_visible (self->sign_in_button))
    show_error (self, NULL, FALSE);
}

static void
joined_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  TrellisClassroomJoin *self;

  if (!trellis_classroom_request_finish (TRELLIS_CLASSROOM (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  update_join_button (self);
  if (error != NULL)
    {
      show_error (self, error->message, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED));
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      return;
    }
  gtk_window_set_title (GTK_WINDOW (self), _("Classroom Session"));
  gtk_widget_set_visible (self->leave_button, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "session");
  gtk_window_set_default_widget (GTK_WINDOW (self), NULL);
}

static void
join_clicked_cb (TrellisClassroomJoin *self)
{
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_entry));

  if (signed_out (self))
    {
      show_error (self, _("Sign in to your institute’s account first: sessions are for its learners."), TRUE);
      return;
    }
  show_error (self, NULL, FALSE);
  gtk_spinner_set_spinning (self->spinner, TRUE);
  gtk_widget_set_sensitive (self->join_button, FALSE);
  trellis_classroom_join_async (self->classroom, code, self->cancellable, joined_cb, self);
}

/* Types @code as the learner would; for tests and links. */
void
trellis_classroom_join_set_code (TrellisClassroomJoin *self,
                                 const char           *code)
{
  g_return_if_fail (TRELLIS_IS_CLASSROOM_JOIN (self));
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), code != NULL ? code : "");
}

TrellisClassroom *
trellis_classroom_join_get_classroom (TrellisClassroomJoin *self)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM_JOIN (self), NULL);
  return self->classroom;
}

/* Returns: (transfer none): the TrellisClassroomVote shown once joined */
GtkWidget *
trellis_classroom_join_get_view (TrellisClassroomJoin *self)
{
  g_return_val_if_fail (TRELLIS_IS_CLASSROOM_JOIN (self), NULL);
  return self->view;
}

/* The app's entry point: app.join-classroom. */
void
trellis_classroom_join_open (TrellisApplication *application)
{
  g_autoptr(TrellisClassroom) classroom = NULL;
  GtkWindow *parent;
  GtkWidget *window;

  g_return_if_fail (TRELLIS_IS_APPLICATION (application));

  parent = gtk_application_get_active_window (GTK_APPLICATION (application));
  classroom = trellis_classroom_new (trellis_application_get_sync (application),
                                     trellis_application_get_store (application),
                                     trellis_application_get_library (application));
  window = trellis_classroom_join_new (classroom, trellis_application_get_language (application));
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_application (GTK_WINDOW (window), GTK_APPLICATION (application));
  gtk_window_present (GTK_WINDOW (window));
}

GtkWidget *
trellis_classroom_join_new (TrellisClassroom *classroom,
                            TrLang            lang)
{
  TrellisClassroomJoin *self;

  g_return_val_if_fail (TRELLIS_IS_CLASSROOM (classroom), NULL);

  self = g_object_new (TRELLIS_TYPE_CLASSROOM_JOIN, NULL);
  self->classroom = g_object_ref (classroom);
  self->view = trellis_classroom_vote_new (classroom, lang);
  gtk_widget_set_vexpand (self->view, TRUE);
  gtk_box_append (GTK_BOX (self->session_box), self->view);
  g_signal_connect_object (trellis_classroom_get_sync (classroom), "notify::state", G_CALLBACK (sync_state_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->join_button);
  return GTK_WIDGET (self);
}

/* Closing the window is leaving the session. */
static gboolean
trellis_classroom_join_close_request (GtkWindow *window)
{
  TrellisClassroomJoin *self = TRELLIS_CLASSROOM_JOIN (window);

  g_cancellable_cancel (self->cancellable);
  if (self->classroom != NULL)
    trellis_classroom_leave (self->classroom);
  return GTK_WINDOW_CLASS (trellis_classroom_join_parent_class)->close_request (window);
}

static void
trellis_classroom_join_dispose (GObject *object)
{
  TrellisClassroomJoin *self = TRELLIS_CLASSROOM_JOIN (object);

  g_cancellable_cancel (self->cancellable);
  if (self->classroom != NULL)
    trellis_classroom_leave (self->classroom);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRELLIS_TYPE_CLASSROOM_JOIN);
  self->view = NULL;
  g_clear_object (&self->classroom);

  G_OBJECT_CLASS (trellis_classroom_join_parent_class)->dispose (object);
}

static void
trellis_classroom_join_finalize (GObject *object)
{
  TrellisClassroomJoin *self = TRELLIS_CLASSROOM_JOIN (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (trellis_classroom_join_parent_class)->finalize (object);
}

static void
trellis_classroom_join_class_init (TrellisClassroomJoinClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = trellis_classroom_join_dispose;
  object_class->finalize = trellis_classroom_join_finalize;
  window_class->close_request = trellis_classroom_join_close_request;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-classroom-join.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomJoin, leave_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomJoin, stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomJoin, code_entry);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomJoin, error_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomJoin, spinner);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomJoin, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomJoin, join_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisClassroomJoin, session_box);
  gtk_widget_class_bind_template_callback (widget_class, code_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, join_clicked_cb);
}

static void
trellis_classroom_join_init (TrellisClassroomJoin *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
