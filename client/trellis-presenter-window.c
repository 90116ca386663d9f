/* trellis-presenter-window.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-presenter"

#include "config.h"

#include "trellis-block-view.h"
#include "trellis-presenter-window.h"

struct _TrellisPresenterWindow
{
  AdwWindow          parent_instance;

  GtkScrolledWindow *scrolled;
  GtkLabel          *eyebrow_label;
  GtkLabel          *title_label;
  TrellisBlockView  *body_view;
  TrellisBlockView  *points_view;

  /* Escape asked to leave full screen, which the window manager may not
   * grant; the next Escape closes all the same. */
  gboolean           leaving_fullscreen;
};

G_DEFINE_FINAL_TYPE (TrellisPresenterWindow, trellis_presenter_window, ADW_TYPE_WINDOW)

GtkWidget *
trellis_presenter_window_new (void)
{
  return g_object_new (TRELLIS_TYPE_PRESENTER_WINDOW, NULL);
}

void
trellis_presenter_window_show_slide (TrellisPresenterWindow *self,
                                     const TrellisSlide     *slide)
{
  g_autofree char *points = NULL;

  g_return_if_fail (TRELLIS_IS_PRESENTER_WINDOW (self));

  points = slide != NULL ? trellis_slide_get_points_markdown (slide) : NULL;
  gtk_label_set_label (self->eyebrow_label, slide != NULL && slide->eyebrow != NULL ? slide->eyebrow : "");
  gtk_widget_set_visible (GTK_WIDGET (self->eyebrow_label), slide != NULL && slide->eyebrow != NULL);
  gtk_label_set_label (self->title_label, slide != NULL ? slide->title : "");
  trellis_block_view_set_markdown (self->body_view, slide != NULL ? slide->body : NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->body_view), slide != NULL && slide->body != NULL);
  trellis_block_view_set_markdown (self->points_view, points, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->points_view), points != NULL);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), 0);
}

/* What the room reads, one line per part, for tests. */
char *
trellis_presenter_window_get_text (TrellisPresenterWindow *self)
{
  g_autofree char *body = NULL;
  g_autofree char *points = NULL;

  g_return_val_if_fail (TRELLIS_IS_PRESENTER_WINDOW (self), NULL);

  body = trellis_block_view_get_text (self->body_view);
  points = trellis_block_view_get_text (self->points_view);
  return g_strjoin ("\n", gtk_label_get_label (self->eyebrow_label), gtk_label_get_label (self->title_label),
                    body != NULL ? body : "", points != NULL ? points : "", NULL);
}

/* Escape first leaves full screen; pressed again, it ends the presentation. */
static void
escape_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  TrellisPresenterWindow *self = TRELLIS_PRESENTER_WINDOW (widget);

  if (gtk_window_is_fullscreen (GTK_WINDOW (self)) && !self->leaving_fullscreen)
    {
      self->leaving_fullscreen = TRUE;
      gtk_window_unfullscreen (GTK_WINDOW (self));
    }
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
fullscreened_cb (TrellisPresenterWindow *self)
{
  if (gtk_window_is_fullscreen (GTK_WINDOW (self)))
    self->leaving_fullscreen = FALSE;
}

static void
trellis_presenter_window_class_init (TrellisPresenterWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (TRELLIS_TYPE_BLOCK_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-presenter-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterWindow, scrolled);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterWindow, eyebrow_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterWindow, body_view);
  gtk_widget_class_bind_template_child (widget_class, TrellisPresenterWindow, points_view);

  gtk_widget_class_install_action (widget_class, "projector.escape", NULL, escape_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "projector.escape", NULL);
}

static void
trellis_presenter_window_init (TrellisPresenterWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (fullscreened_cb), NULL);
}
