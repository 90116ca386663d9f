/* bench-minimal-window.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The floor that bench-startup measures Trellis against: the least a
 * libadwaita application can show, a window of Trellis's size with a header
 * bar and a label. It is built in code, without a template or resources, on
 * purpose: whatever Trellis spends beyond this is Trellis's own cost.
 *
 * It speaks the same protocol as Trellis: with
 * TRELLIS_EXIT_AFTER_FIRST_FRAME=1 it prints "first-frame" on stdout once its
 * window's first frame is painted, and quits.
 */
#define G_LOG_DOMAIN "bench-minimal-window"

#include <adwaita.h>
#include <stdio.h>

#define BENCH_APP_ID "org.trellis.Bench.Minimal"

static void
after_paint_cb (GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  GApplication *application = G_APPLICATION (user_data);

  /* Only the first frame counts. */
  g_signal_handlers_disconnect_by_func (frame_clock, after_paint_cb, user_data);

  /* stdout is a pipe to the launcher, so fully buffered: flush, or the
   * launcher would only see the line when we exit. */
  fputs ("first-frame\n", stdout);
  fflush (stdout);

  g_application_quit (application);
}

/* The surface, and with it the frame clock, exists from realize on. */
static void
window_realize_cb (GtkWidget *window,
                   gpointer   user_data)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  GdkFrameClock *frame_clock = gdk_surface_get_frame_clock (surface);

  g_signal_connect_object (frame_clock, "after-paint", G_CALLBACK (after_paint_cb),
                           user_data, G_CONNECT_DEFAULT);
}

static void
activate_cb (GApplication *application,
             gpointer      user_data)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (application));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("Minimal window");

  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), label);

  /* Trellis's window size, so both paint the same number of pixels. */
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 720);
  gtk_window_set_title (GTK_WINDOW (window), "Minimal");
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  if (g_strcmp0 (g_getenv ("TRELLIS_EXIT_AFTER_FIRST_FRAME"), "1") == 0)
    g_signal_connect_after (window, "realize", G_CALLBACK (window_realize_cb), application);

  gtk_window_present (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AdwApplication) app = NULL;

  app = adw_application_new (BENCH_APP_ID, G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
