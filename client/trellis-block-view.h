/* trellis-block-view.h: Markdown shown as native GTK widgets
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TRELLIS_TYPE_BLOCK_VIEW (trellis_block_view_get_type ())

G_DECLARE_FINAL_TYPE (TrellisBlockView, trellis_block_view, TRELLIS, BLOCK_VIEW, GtkWidget)

GtkWidget *trellis_block_view_new          (void);
void       trellis_block_view_set_markdown (TrellisBlockView *self,
                                            const char       *markdown,
                                            const char       *base_dir);
char      *trellis_block_view_get_text     (TrellisBlockView *self);

/* Signals: "activate-link" (const char *uri) → gboolean handled, emitted for
 * every link the reader follows; unhandled http(s)/mailto links open in the
 * browser. */

G_END_DECLS
