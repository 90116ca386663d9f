/* trellis-note-editor.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-note-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-note-editor.h"

/* Typing is saved this long after the last change, so a sentence is not
 * written to disk once per key. */
#define SAVE_DELAY_MS 500

struct _TrellisNoteEditor
{
  GtkWidget             parent_instance;

  GtkWidget            *box;
  GtkTextView          *text_view;

  TrellisProgressStore *store;
  char                 *course_id;
  char                 *object;
  guint                 save_source;
  gboolean              dirty;
  gboolean              loading;
};

G_DEFINE_FINAL_TYPE (TrellisNoteEditor, trellis_note_editor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
save_now (TrellisNoteEditor *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  g_clear_handle_id (&self->save_source, g_source_remove);
  if (!self->dirty || self->store == NULL || self->course_id == NULL || self->object == NULL)
    return;

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  trellis_progress_store_set_note (self->store, self->course_id, self->object, text);
  self->dirty = FALSE;
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  TrellisNoteEditor *self = TRELLIS_NOTE_EDITOR (user_data);

  self->save_source = 0;
  save_now (self);
  return G_SOURCE_REMOVE;
}

static void
buffer_changed_cb (TrellisNoteEditor *self)
{
  if (self->loading)
    return;

  self->dirty = TRUE;
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

GtkWidget *
trellis_note_editor_new (TrellisProgressStore *store)
{
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);

  return g_object_new (TRELLIS_TYPE_NOTE_EDITOR, "store", store, NULL);
}

/* Saves the note being written, then shows the one for course_id and
 * object ("lesson/ID", ...). */
void
trellis_note_editor_set_object (TrellisNoteEditor *self,
                                const char        *course_id,
                                const char        *object)
{
  GtkTextBuffer *buffer;
  g_autofree char *note = NULL;

  g_return_if_fail (TRELLIS_IS_NOTE_EDITOR (self));

  if (g_strcmp0 (course_id, self->course_id) == 0 && g_strcmp0 (object, self->object) == 0)
    return;

  save_now (self);
  g_free (self->course_id);
  self->course_id = g_strdup (course_id);
  g_free (self->object);
  self->object = g_strdup (object);

  if (self->store != NULL && course_id != NULL && object != NULL)
    note = trellis_progress_store_get_note (self->store, course_id, object);

  /* Loading another note is not an edit, and cannot be undone into the
   * previous one. */
  buffer = gtk_text_view_get_buffer (self->text_view);
  self->loading = TRUE;
  gtk_text_buffer_begin_irreversible_action (buffer);
  gtk_text_buffer_set_text (buffer, note != NULL ? note : "", -1);
  gtk_text_buffer_end_irreversible_action (buffer);
  self->loading = FALSE;
  self->dirty = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->text_view), object != NULL);
}

static void
trellis_note_editor_dispose (GObject *object)
{
  TrellisNoteEditor *self = TRELLIS_NOTE_EDITOR (object);

  save_now (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRELLIS_TYPE_NOTE_EDITOR);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (trellis_note_editor_parent_class)->dispose (object);
}

static void
trellis_note_editor_finalize (GObject *object)
{
  TrellisNoteEditor *self = TRELLIS_NOTE_EDITOR (object);

  g_free (self->course_id);
  g_free (self->object);

  G_OBJECT_CLASS (trellis_note_editor_parent_class)->finalize (object);
}

static void
trellis_note_editor_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TrellisNoteEditor *self = TRELLIS_NOTE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_note_editor_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TrellisNoteEditor *self = TRELLIS_NOTE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_note_editor_class_init (TrellisNoteEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_note_editor_dispose;
  object_class->finalize = trellis_note_editor_finalize;
  object_class->get_property = trellis_note_editor_get_property;
  object_class->set_property = trellis_note_editor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         TRELLIS_TYPE_PROGRESS_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/trellis/Trellis/trellis-note-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisNoteEditor, box);
  gtk_widget_class_bind_template_child (widget_class, TrellisNoteEditor, text_view);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
trellis_note_editor_init (TrellisNoteEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (buffer_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_set_sensitive (GTK_WIDGET (self->text_view), FALSE);
}
