/* tr-test-gtk.h: what the widget tests share
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tr-test-util.h"

G_BEGIN_DECLS

gboolean    tr_test_gtk_init          (void);

void        tr_test_gtk_iterate_until (TrTestCheckFunc  check,
                                       gpointer         data,
                                       guint            timeout_s);
void        tr_test_gtk_iterate_for   (guint            ms);

const char *tr_test_gtk_widget_text   (GtkWidget       *widget);
gboolean    tr_test_gtk_is_shown      (GtkWidget       *widget);
void        tr_test_gtk_collect       (GtkWidget       *root,
                                       GType            type,
                                       GPtrArray       *found);
GPtrArray  *tr_test_gtk_find_buttons  (gpointer         root,
                                       GType            type,
                                       const char      *label);
GtkWidget  *tr_test_gtk_find_button   (gpointer         root,
                                       const char      *label);
gboolean    tr_test_gtk_has_button    (gpointer         root,
                                       const char      *label);
GtkWidget  *tr_test_gtk_find_label    (gpointer         root,
                                       const char      *text);
gboolean    tr_test_gtk_shows_text    (gpointer         root,
                                       const char      *text);
void        tr_test_gtk_click         (GtkWidget       *button);
AdwMessageDialog *tr_test_gtk_find_dialog (GtkWindow   *parent);

G_END_DECLS
