/* trellis-qr-code.h: QR codes, drawn as squares with cairo
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean   trellis_qr_code_draw          (cairo_t     *cr,
                                          const char  *text,
                                          double       x,
                                          double       y,
                                          double       size,
                                          GError     **error);

GtkWidget *trellis_qr_code_area_new      (void);
void       trellis_qr_code_area_set_text (GtkDrawingArea *area,
                                          const char     *text);
const char *trellis_qr_code_area_get_text (GtkDrawingArea *area);

G_END_DECLS
