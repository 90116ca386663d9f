/* trellis-note-editor.h: a private reflection note, kept on this device
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "trellis-progress-store.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_NOTE_EDITOR (trellis_note_editor_get_type ())

G_DECLARE_FINAL_TYPE (TrellisNoteEditor, trellis_note_editor, TRELLIS, NOTE_EDITOR, GtkWidget)

GtkWidget *trellis_note_editor_new        (TrellisProgressStore *store);
void       trellis_note_editor_set_object (TrellisNoteEditor    *self,
                                           const char           *course_id,
                                           const char           *object);

G_END_DECLS
