/* trellis-lesson-page.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-lesson-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tr-markdown.h"
#include "tr-progress.h"
#include "trellis-block-view.h"
#include "trellis-lesson-page.h"
#include "trellis-note-editor.h"

/* How close to the end of the text counts as "read to the end", in pixels. */
#define END_TOLERANCE 2.0

struct _TrellisLessonPage
{
  AdwBin                parent_instance;

  GtkStack             *stack;
  GtkScrolledWindow    *scrolled;
  GtkBox               *content_box;
  GtkLabel             *title_label;
  TrellisBlockView     *block_view;
  AdwStatusPage        *error_page;
  GtkLabel             *position_label;
  GtkWidget            *note_editor;

  TrellisProgressStore *store;
  TrCourse             *course;
  TrLang                lang;

  const TrLesson       *lesson;
  guint                 lesson_index;
  /* TRUE once the lesson counts as read: recorded now or in an earlier session. */
  gboolean              experienced;
  /* Until the new text has been laid out, the adjustment describes the old one. */
  guint                 layout_tick;
  guint                 frames_to_wait;
  char                 *pending_lesson;
  guint                 pending_source;
};

G_DEFINE_FINAL_TYPE (TrellisLessonPage, trellis_lesson_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_COURSE,
  PROP_LANG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
lesson_done_in_store (TrellisLessonPage *self,
                      const char        *lesson_id)
{
  GPtrArray *events = trellis_progress_store_get_events (self->store);
  g_autoptr(TrProgress) progress = NULL;

  if (events == NULL)
    return FALSE;
  progress = tr_progress_compute (self->course, events);
  return tr_progress_get_lesson_state (progress, lesson_id) == TR_STATE_DONE;
}

static void
check_end_reached (TrellisLessonPage *self)
{
  GtkAdjustment *adjustment;
  g_autofree char *object = NULL;
  double value, page_size, upper;

  if (self->lesson == NULL || self->experienced || self->layout_tick != 0 ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "lesson") != 0)
    return;

  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled);
  value = gtk_adjustment_get_value (adjustment);
  page_size = gtk_adjustment_get_page_size (adjustment);
  upper = gtk_adjustment_get_upper (adjustment);
  if (page_size <= 0 || value + page_size < upper - END_TOLERANCE)
    return;

  self->experienced = TRUE;
  object = g_strdup_printf ("lesson/%s", self->lesson->id);
  trellis_progress_store_record (self->store, self->course, TR_VERB_EXPERIENCED, object, NULL);
}

static void
adjustment_changed_cb (TrellisLessonPage *self)
{
  check_end_reached (self);
}

/* Tick callbacks run before the frame's layout, so the layout of the new
 * text is known from the second frame on. */
static gboolean
layout_tick_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  TrellisLessonPage *self = TRELLIS_LESSON_PAGE (widget);

  if (self->frames_to_wait > 0)
    {
      self->frames_to_wait--;
      return G_SOURCE_CONTINUE;
    }
  self->layout_tick = 0;
  check_end_reached (self);
  return G_SOURCE_REMOVE;
}

static void
wait_for_layout (TrellisLessonPage *self)
{
  self->frames_to_wait = 1;
  if (self->layout_tick == 0)
    self->layout_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), layout_tick_cb,
                                                      NULL, NULL);
}

static const char *
next_line (const char *line)
{
  const char *end = line != NULL ? strchr (line, '\n') : NULL;

  return end != NULL ? end + 1 : NULL;
}

/* Lesson files open with their title as a level-1 heading. The page shows
 * the title from course.json above the text, so the text starts after that
 * heading rather than repeating it. */
static const char *
skip_title_heading (const char *markdown)
{
  g_autoptr(TrBlock) document = tr_markdown_parse (markdown);
  const TrBlock *first;
  const char *line = markdown;
  guint last_line;

  if (document->children->len == 0)
    return markdown;
  first = g_ptr_array_index (document->children, 0);
  if (first->type != TR_BLOCK_HEADING || first->level != 1 || first->line == 0)
    return markdown;

  for (guint i = 1; i < first->line && line != NULL; i++)
    line = next_line (line);
  if (line == NULL)
    return markdown;

  /* A Setext heading ("Title" over "=====") takes two lines. */
  last_line = line[strspn (line, " ")] == '#' ? first->line : first->line + 1;
  for (guint i = first->line; i <= last_line && line != NULL; i++)
    line = next_line (line);
  return line != NULL ? line : "";
}

static void
update_navigation (TrellisLessonPage *self)
{
  GPtrArray *lessons = tr_course_get_lessons (self->course);
  g_autofree char *position = NULL;
  gboolean shown = self->lesson != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.previous",
                                 shown && self->lesson_index > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.next",
                                 shown && self->lesson_index + 1 < lessons->len);

  if (shown)
    /* Translators: the place of the lesson shown in the course, e.g. "Lesson 2 of 5". */
    position = g_strdup_printf (_("Lesson %u of %u"), self->lesson_index + 1, lessons->len);
  gtk_label_set_label (self->position_label, position != NULL ? position : "");
}

static void
focus_title (TrellisLessonPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->title_label));
  /* A selectable label selects all its text when it gets focus. */
  gtk_label_select_region (self->title_label, 0, 0);
}

static void
show_lesson (TrellisLessonPage *self,
             guint              index)
{
  GPtrArray *lessons = tr_course_get_lessons (self->course);
  const TrLesson *lesson = g_ptr_array_index (lessons, index);
  /* The same file tr_course_read_lesson () reads: the language's, or English. */
  const char *path = lesson->file[self->lang] != NULL ? lesson->file[self->lang]
                                                      : lesson->file[TR_LANG_EN];
  g_autofree char *object = g_strdup_printf ("lesson/%s", lesson->id);
  g_autofree char *base_dir = path != NULL ? g_path_get_dirname (path) : NULL;
  g_autofree char *markdown = NULL;
  g_autoptr(GError) error = NULL;

  self->lesson = lesson;
  self->lesson_index = index;
  self->experienced = lesson_done_in_store (self, lesson->id);

  trellis_progress_store_set_position (self->store, tr_course_get_id (self->course), object);
  gtk_label_set_label (self->title_label, tr_text_get (&lesson->title, self->lang));

  markdown = tr_course_read_lesson (self->course, lesson, self->lang, &error);
  if (markdown != NULL)
    {
      trellis_block_view_set_markdown (self->block_view, skip_title_heading (markdown), base_dir);
      gtk_stack_set_visible_child_name (self->stack, "lesson");
    }
  else
    {
      g_autofree char *description = g_markup_escape_text (error->message, -1);

      g_debug ("Cannot read lesson %s: %s", lesson->id, error->message);
      trellis_block_view_set_markdown (self->block_view, NULL, NULL);
      adw_status_page_set_description (self->error_page, description);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }

  trellis_note_editor_set_object (TRELLIS_NOTE_EDITOR (self->note_editor),
                                  tr_course_get_id (self->course), object);
  update_navigation (self);

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), 0);
  wait_for_layout (self);
  if (markdown != NULL)
    focus_title (self);
}

static gboolean
find_lesson (TrellisLessonPage *self,
             const char        *lesson_id,
             guint             *index)
{
  GPtrArray *lessons = tr_course_get_lessons (self->course);

  for (guint i = 0; i < lessons->len; i++)
    {
      const TrLesson *lesson = g_ptr_array_index (lessons, i);

      if (g_strcmp0 (lesson->id, lesson_id) == 0)
        {
          *index = i;
          return TRUE;
        }
    }
  return FALSE;
}

GtkWidget *
trellis_lesson_page_new (TrellisProgressStore *store,
                         TrCourse             *course,
                         TrLang                lang)
{
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);
  g_return_val_if_fail (TR_IS_COURSE (course), NULL);

  return g_object_new (TRELLIS_TYPE_LESSON_PAGE,
                       "store", store,
                       "course", course,
                       "lang", lang,
                       NULL);
}

void
trellis_lesson_page_show_lesson (TrellisLessonPage *self,
                                 const char        *lesson_id)
{
  guint index;

  g_return_if_fail (TRELLIS_IS_LESSON_PAGE (self));
  g_return_if_fail (lesson_id != NULL);

  if (!find_lesson (self, lesson_id, &index))
    {
      g_warning ("Course %s has no lesson %s", tr_course_get_id (self->course), lesson_id);
      return;
    }
  show_lesson (self, index);
}

static gboolean
show_pending_lesson_cb (gpointer user_data)
{
  TrellisLessonPage *self = TRELLIS_LESSON_PAGE (user_data);
  g_autofree char *lesson_id = g_steal_pointer (&self->pending_lesson);

  self->pending_source = 0;
  trellis_lesson_page_show_lesson (self, lesson_id);
  return G_SOURCE_REMOVE;
}

/* The link's label is replaced with the rest of the text when the lesson
 * changes, so that happens after the label's signal has returned. */
static gboolean
block_view_activate_link_cb (TrellisBlockView  *block_view,
                             const char        *uri,
                             TrellisLessonPage *self)
{
  guint index;

  if (!g_str_has_prefix (uri, "lesson:"))
    return FALSE;

  if (find_lesson (self, uri + strlen ("lesson:"), &index))
    {
      g_free (self->pending_lesson);
      self->pending_lesson = g_strdup (uri + strlen ("lesson:"));
      if (self->pending_source == 0)
        self->pending_source = g_idle_add (show_pending_lesson_cb, self);
    }
  else
    g_warning ("Link to unknown lesson %s", uri);
  return TRUE;
}

static void
go_previous_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TrellisLessonPage *self = TRELLIS_LESSON_PAGE (widget);

  if (self->lesson != NULL && self->lesson_index > 0)
    show_lesson (self, self->lesson_index - 1);
}

static void
go_next_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  TrellisLessonPage *self = TRELLIS_LESSON_PAGE (widget);

  if (self->lesson != NULL && self->lesson_index + 1 < tr_course_get_lessons (self->course)->len)
    show_lesson (self, self->lesson_index + 1);
}

static void
trellis_lesson_page_map (GtkWidget *widget)
{
  TrellisLessonPage *self = TRELLIS_LESSON_PAGE (widget);

  GTK_WIDGET_CLASS (trellis_lesson_page_parent_class)->map (widget);
  if (self->lesson != NULL)
    wait_for_layout (self);
}

static void
trellis_lesson_page_constructed (GObject *object)
{
  TrellisLessonPage *self = TRELLIS_LESSON_PAGE (object);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled);

  G_OBJECT_CLASS (trellis_lesson_page_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  g_assert (self->course != NULL);

  self->note_editor = trellis_note_editor_new (self->store);
  gtk_box_append (self->content_box, self->note_editor);

  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (adjustment_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (adjustment_changed_cb),
                           self, G_CONNECT_SWAPPED);
  update_navigation (self);
}

static void
trellis_lesson_page_dispose (GObject *object)
{
  TrellisLessonPage *self = TRELLIS_LESSON_PAGE (object);

  g_clear_handle_id (&self->pending_source, g_source_remove);
  if (self->layout_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->layout_tick);
      self->layout_tick = 0;
    }
  self->lesson = NULL;
  self->note_editor = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), TRELLIS_TYPE_LESSON_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->course);

  G_OBJECT_CLASS (trellis_lesson_page_parent_class)->dispose (object);
}

static void
trellis_lesson_page_finalize (GObject *object)
{
  TrellisLessonPage *self = TRELLIS_LESSON_PAGE (object);

  g_free (self->pending_lesson);

  G_OBJECT_CLASS (trellis_lesson_page_parent_class)->finalize (object);
}

static void
trellis_lesson_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TrellisLessonPage *self = TRELLIS_LESSON_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_COURSE:
      g_value_set_object (value, self->course);
      break;
    case PROP_LANG:
      g_value_set_int (value, self->lang);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_lesson_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TrellisLessonPage *self = TRELLIS_LESSON_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_COURSE:
      self->course = g_value_dup_object (value);
      break;
    case PROP_LANG:
      self->lang = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_lesson_page_class_init (TrellisLessonPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = trellis_lesson_page_constructed;
  object_class->dispose = trellis_lesson_page_dispose;
  object_class->finalize = trellis_lesson_page_finalize;
  object_class->get_property = trellis_lesson_page_get_property;
  object_class->set_property = trellis_lesson_page_set_property;
  widget_class->map = trellis_lesson_page_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         TRELLIS_TYPE_PROGRESS_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COURSE] =
    g_param_spec_object ("course", NULL, NULL,
                         TR_TYPE_COURSE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANG] =
    g_param_spec_int ("lang", NULL, NULL,
                      0, TR_N_LANGS - 1, TR_LANG_EN,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TRELLIS_TYPE_BLOCK_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/trellis/Trellis/trellis-lesson-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisLessonPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisLessonPage, scrolled);
  gtk_widget_class_bind_template_child (widget_class, TrellisLessonPage, content_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisLessonPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisLessonPage, block_view);
  gtk_widget_class_bind_template_child (widget_class, TrellisLessonPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, TrellisLessonPage, position_label);
  gtk_widget_class_bind_template_callback (widget_class, block_view_activate_link_cb);

  gtk_widget_class_install_action (widget_class, "lesson.previous", NULL, go_previous_cb);
  gtk_widget_class_install_action (widget_class, "lesson.next", NULL, go_next_cb);

  /* Not Alt+Left: in GNOME that goes back, here to the course overview. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK,
                                       "lesson.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK,
                                       "lesson.next", NULL);
}

static void
trellis_lesson_page_init (TrellisLessonPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
