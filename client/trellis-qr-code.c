/* trellis-qr-code.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-qr-code"

#include "config.h"

#include <glib/gi18n.h>
#include <qrencode.h>

#include "trellis-qr-code.h"

#define QR_QUIET 4   /* modules of white around the code, as the standard asks */
#define TEXT_KEY "trellis-qr-text"

/**
 * trellis_qr_code_draw:
 *
 * Draws @text as a QR code of @size × @size at (@x, @y), white quiet zone
 * included, as filled squares so that it stays sharp at any zoom.
 */
gboolean
trellis_qr_code_draw (cairo_t     *cr,
                      const char  *text,
                      double       x,
                      double       y,
                      double       size,
                      GError     **error)
{
  QRcode *code;
  double module;
  int width;

  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot make a QR code of “%s”"), text);
      return FALSE;
    }
  width = code->width;
  module = size / (width + 2 * QR_QUIET);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, size, size);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int row = 0; row < width; row++)
    for (int column = 0; column < width; column++)
      if (code->data[row * width + column] & 1)
        cairo_rectangle (cr, x + (column + QR_QUIET) * module, y + (row + QR_QUIET) * module, module, module);
  /* Squares that touch must not show hairlines between them. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  cairo_fill (cr);
  cairo_restore (cr);
  QRcode_free (code);
  return TRUE;
}

static void
draw_area_cb (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  const char *text = g_object_get_data (G_OBJECT (area), TEXT_KEY);
  double size = MIN (width, height);

  if (text == NULL || *text == '\0')
    return;
  /* Whole pixels per module would be sharper still, but the code must
   * fill the room it was given on a projector. */
  if (!trellis_qr_code_draw (cr, text, (width - size) / 2, (height - size) / 2, size, NULL))
    g_debug ("No QR code for %s", text);
}

/* A square drawing area that shows a QR code; empty until it has a text. */
GtkWidget *
trellis_qr_code_area_new (void)
{
  GtkWidget *area = gtk_drawing_area_new ();

  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_area_cb, NULL, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_PROPERTY_LABEL, _("QR code"), -1);
  return area;
}

/* Shows @text as a QR code in @area, any drawing area. */
void
trellis_qr_code_area_set_text (GtkDrawingArea *area,
                               const char     *text)
{
  g_autofree char *label = NULL;

  g_return_if_fail (GTK_IS_DRAWING_AREA (area));

  if (g_strcmp0 (text, g_object_get_data (G_OBJECT (area), TEXT_KEY)) == 0)
    return;
  g_object_set_data_full (G_OBJECT (area), TEXT_KEY, g_strdup (text), g_free);
  /* Also for an area that a template made. */
  gtk_drawing_area_set_draw_func (area, draw_area_cb, NULL, NULL);
  /* Translators: the accessible name of a QR code; %s is the address it opens */
  label = g_strdup_printf (_("QR code of %s"), text != NULL ? text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_queue_draw (GTK_WIDGET (area));
}

const char *
trellis_qr_code_area_get_text (GtkDrawingArea *area)
{
  g_return_val_if_fail (GTK_IS_DRAWING_AREA (area), NULL);
  return g_object_get_data (G_OBJECT (area), TEXT_KEY);
}
