/* tr-test-gtk.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tr-test-gtk.h"
#include "tr-test-util.h"
#include "trellis-block-view.h"

/* GTK and libadwaita, once; FALSE when there is no display, and the test
 * should skip. */
gboolean
tr_test_gtk_init (void)
{
  static gboolean initialized, have_display;

  if (!initialized)
    {
      have_display = gtk_init_check ();
      if (have_display)
        adw_init ();
      initialized = TRUE;
    }
  return have_display;
}

/* Runs the main context until @check holds, which it must within
 * @timeout_s seconds. */
void
tr_test_gtk_iterate_until (TrTestCheckFunc check,
                           gpointer        data,
                           guint           timeout_s)
{
  g_return_if_fail (check != NULL);

  if (!tr_test_wait_for (check, data, timeout_s))
    g_test_message ("gave up waiting after %u s", timeout_s);
  g_assert_true (check (data));
}

/* Runs the main context for @ms milliseconds. */
void
tr_test_gtk_iterate_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* What a learner reads on @widget: a label's text, a button's label, a
 * row's title; NULL for others. */
const char *
tr_test_gtk_widget_text (GtkWidget *widget)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  if (GTK_IS_LABEL (widget))
    return gtk_label_get_label (GTK_LABEL (widget));
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget));
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  return NULL;
}

/* Whether the learner can see @widget: it and every ancestor are shown,
 * and no stack keeps it hidden. */
gboolean
tr_test_gtk_is_shown (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
      return FALSE;
  return TRUE;
}

/* Adds each shown @type below @root, @root too, to @found, in the order
 * shown. */
void
tr_test_gtk_collect (GtkWidget *root,
                     GType      type,
                     GPtrArray *found)
{
  g_return_if_fail (GTK_IS_WIDGET (root));
  g_return_if_fail (found != NULL);

  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && tr_test_gtk_is_shown (root))
    g_ptr_array_add (found, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    tr_test_gtk_collect (child, type, found);
}

/* The buttons of @type below @root (a widget) whose label is @label, those
 * shown only, in the order shown. */
GPtrArray *
tr_test_gtk_find_buttons (gpointer    root,
                          GType       type,
                          const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GPtrArray *found = g_ptr_array_new ();

  g_return_val_if_fail (GTK_IS_WIDGET (root), found);

  tr_test_gtk_collect (root, type, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0)
      g_ptr_array_add (found, g_ptr_array_index (buttons, i));
  return found;
}

/* The one shown button below @root (a widget) labelled @label. */
GtkWidget *
tr_test_gtk_find_button (gpointer    root,
                         const char *label)
{
  g_autoptr(GPtrArray) found = tr_test_gtk_find_buttons (root, GTK_TYPE_BUTTON, label);

  g_assert_cmpuint (found->len, ==, 1);
  return g_ptr_array_index (found, 0);
}

gboolean
tr_test_gtk_has_button (gpointer    root,
                        const char *label)
{
  g_autoptr(GPtrArray) found = tr_test_gtk_find_buttons (root, GTK_TYPE_BUTTON, label);

  return found->len > 0;
}

/* The first shown label below @root (a widget) whose text is @text, or
 * NULL. */
GtkWidget *
tr_test_gtk_find_label (gpointer    root,
                        const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  g_return_val_if_fail (GTK_IS_WIDGET (root), NULL);

  tr_test_gtk_collect (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), text) == 0)
      return g_ptr_array_index (labels, i);
  return NULL;
}

/* Whether a shown block view below @root (a widget) holds @text, as
 * plain text. */
gboolean
tr_test_gtk_shows_text (gpointer    root,
                        const char *text)
{
  g_autoptr(GPtrArray) views = g_ptr_array_new ();

  g_return_val_if_fail (GTK_IS_WIDGET (root), FALSE);

  tr_test_gtk_collect (root, TRELLIS_TYPE_BLOCK_VIEW, views);
  for (guint i = 0; i < views->len; i++)
    {
      g_autofree char *shown = trellis_block_view_get_text (g_ptr_array_index (views, i));

      if (strstr (shown, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* As a click: GtkButton's keyboard activation emits "clicked" only after
 * a short visual press. Only a button that can be used is clicked. */
void
tr_test_gtk_click (GtkWidget *button)
{
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* The message dialog shown over @parent (over any window when %NULL), or
 * %NULL. */
AdwMessageDialog *
tr_test_gtk_find_dialog (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)) &&
          (parent == NULL || gtk_window_get_transient_for (window) == parent))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}
