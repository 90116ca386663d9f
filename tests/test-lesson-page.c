/* test-lesson-page.c: lessons are shown, read to the end, and navigated
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tr-course-loader.h"
#include "tr-test-gtk.h"
#include "tr-test-store.h"
#include "tr-test-util.h"
#include "trellis-block-view.h"
#include "trellis-lesson-page.h"
#include "trellis-note-editor.h"
#include "trellis-progress-store.h"

#define WAIT_USEC (10 * G_USEC_PER_SEC)


/* The window's focus widget, whether or not the window is active yet: under
 * a slow (sanitized) run Xvfb may not have activated it. */
static gboolean
is_focus (GtkWidget *page,
          GtkWidget *widget)
{
  return widget != NULL && gtk_root_get_focus (gtk_widget_get_root (page)) == widget;
}

static gboolean
wake_up_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until condition holds or a generous deadline passes;
 * a periodic source keeps the loop from sleeping past the deadline. */
#define WAIT_UNTIL(condition) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + WAIT_USEC; \
    guint wake_ = g_timeout_add (20, wake_up_cb, NULL); \
    while (!(condition) && g_get_monotonic_time () < deadline_) \
      g_main_context_iteration (NULL, TRUE); \
    g_source_remove (wake_); \
  } G_STMT_END

static void
scroll_to_end (GtkAdjustment *adjustment)
{
  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment) -
                            gtk_adjustment_get_page_size (adjustment));
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

/* Lets the widget lay out and draw a few frames. */
static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);

  WAIT_UNTIL (frames >= n);
  g_assert_cmpuint (frames, >=, n);
  gtk_widget_remove_tick_callback (widget, id);
}

static guint
count_events (TrellisProgressStore *store,
              TrVerb                verb,
              const char           *object)
{
  GPtrArray *events = trellis_progress_store_get_events (store);
  guint n = 0;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const TrEvent *event = g_ptr_array_index (events, i);

      if (event->verb == verb && g_strcmp0 (event->object, object) == 0)
        n++;
    }
  return n;
}

static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A label showing exactly text, or whose markup contains markup_part. */
static GtkLabel *
find_label (GtkWidget  *root,
            const char *text,
            const char *markup_part)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_visible (root))
    {
      GtkLabel *label = GTK_LABEL (root);

      if (text != NULL && g_strcmp0 (gtk_label_get_text (label), text) == 0)
        return label;
      if (markup_part != NULL && strstr (gtk_label_get_label (label), markup_part) != NULL)
        return label;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, text, markup_part);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_ancestor_with_class (GtkWidget  *widget,
                         const char *css_class)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (gtk_widget_has_css_class (widget, css_class))
      return TRUE;
  return FALSE;
}

static guint
count_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

static char *
get_note_text (GtkWidget *page)
{
  GtkTextView *text_view = GTK_TEXT_VIEW (find_by_type (page, GTK_TYPE_TEXT_VIEW));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
type_note (GtkWidget  *page,
           const char *text)
{
  GtkTextView *text_view = GTK_TEXT_VIEW (find_by_type (page, GTK_TYPE_TEXT_VIEW));

  g_assert_nonnull (text_view);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (text_view)));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (text_view), text, -1);
}

static gboolean
note_is (TrellisProgressStore *store,
         const char           *object,
         const char           *expected)
{
  g_autofree char *note = trellis_progress_store_get_note (store, "example-course", object);

  return g_strcmp0 (note, expected) == 0;
}

static gboolean
position_is (TrellisProgressStore *store,
             const char           *expected)
{
  g_autofree char *position = trellis_progress_store_get_position (store, "example-course");

  return g_strcmp0 (position, expected) == 0;
}

static gboolean
title_is (GtkWidget  *page,
          const char *title)
{
  GtkWidget *content = find_by_type (page, ADW_TYPE_CLAMP);

  return find_label (content, title, NULL) != NULL &&
         gtk_widget_has_css_class (GTK_WIDGET (find_label (content, title, NULL)), "title-1");
}

/* Whether one of widget's shortcuts maps trigger ("<Alt>Right") to action. */
static gboolean
has_shortcut (GtkWidget  *widget,
              const char *trigger,
              const char *action_name)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autofree char *action = g_strdup_printf ("action(%s)", action_name);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *shortcut_trigger = NULL;
          g_autofree char *shortcut_action = NULL;

          shortcut_trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          shortcut_action = gtk_shortcut_action_to_string (gtk_shortcut_get_action (shortcut));

          if (g_str_equal (shortcut_trigger, trigger) && g_str_equal (shortcut_action, action))
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
record_uri_cb (TrellisBlockView  *view,
               const char        *uri,
               char             **out_uri)
{
  g_free (*out_uri);
  *out_uri = g_strdup (uri);
  return TRUE;
}

static void
test_block_view (void)
{
  static const char sample[] =
    "# Welcome\n"
    "\n"
    "- one\n"
    "- two, with [a link](https://example.org/a?b=1&c=2)\n"
    "  1. nested\n"
    "\n"
    "> [!TIP] Try this\n"
    "> Body *text*\n";
  g_autofree char *lessons_dir = NULL;
  g_autofree char *text = NULL;
  g_autofree char *followed = NULL;
  TrellisBlockView *view;
  GtkWidget *heading, *list, *callout, *item, *nested, *child;
  GtkLabel *label;
  gboolean handled = FALSE;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }

  view = TRELLIS_BLOCK_VIEW (g_object_ref_sink (trellis_block_view_new ()));
  g_assert_cmpuint (count_children (GTK_WIDGET (view)), ==, 0);
  text = trellis_block_view_get_text (view);
  g_assert_cmpstr (text, ==, "");
  g_clear_pointer (&text, g_free);

  trellis_block_view_set_markdown (view, sample, NULL);

  /* A heading, a list and a call-out. */
  g_assert_cmpuint (count_children (GTK_WIDGET (view)), ==, 3);
  heading = gtk_widget_get_first_child (GTK_WIDGET (view));
  list = gtk_widget_get_next_sibling (heading);
  callout = gtk_widget_get_next_sibling (list);

  g_assert_true (GTK_IS_LABEL (heading));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (heading)), ==, "Welcome");
  g_assert_true (gtk_widget_has_css_class (heading, "title-1"));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (heading)),
                   ==, GTK_ACCESSIBLE_ROLE_HEADING);

  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (list)),
                   ==, GTK_ACCESSIBLE_ROLE_LIST);
  g_assert_cmpuint (count_children (list), ==, 2);
  item = gtk_widget_get_first_child (list);
  g_assert_nonnull (find_label (item, "•", NULL));
  g_assert_nonnull (find_label (item, "one", NULL));
  item = gtk_widget_get_next_sibling (item);
  nested = find_by_type (gtk_widget_get_last_child (item), GTK_TYPE_BOX);
  g_assert_nonnull (find_label (item, "1.", NULL));
  g_assert_nonnull (find_label (nested, "nested", NULL));

  g_assert_true (gtk_widget_has_css_class (callout, "card"));
  g_assert_true (gtk_widget_has_css_class (callout, "callout-tip"));
  g_assert_true (GTK_IS_IMAGE (gtk_widget_get_first_child (callout)));
  label = find_label (callout, "Try this", NULL);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label), "heading"));
  label = find_label (callout, "Body text", NULL);
  g_assert_nonnull (label);
  g_assert_nonnull (strstr (gtk_label_get_label (label), "<i>text</i>"));
  g_assert_true (gtk_label_get_selectable (label));
  g_assert_true (gtk_label_get_wrap (label));

  text = trellis_block_view_get_text (view);
  g_assert_nonnull (strstr (text, "Welcome"));
  g_assert_nonnull (strstr (text, "Try this"));
  g_assert_nonnull (strstr (text, "Body text"));
  g_clear_pointer (&text, g_free);

  /* A followed link reaches the view's own signal, escaped and intact. */
  label = find_label (GTK_WIDGET (view), NULL, "href=\"https://example.org/a?b=1&amp;c=2\"");
  g_assert_nonnull (label);
  g_signal_connect (view, "activate-link", G_CALLBACK (record_uri_cb), &followed);
  g_signal_emit_by_name (label, "activate-link", "https://example.org/a?b=1&c=2", &handled);
  g_assert_true (handled);
  g_assert_cmpstr (followed, ==, "https://example.org/a?b=1&c=2");

  /* Quotes, code and rules. */
  trellis_block_view_set_markdown (view, "> quoted\n\n```\nsome code\n```\n\n---\n", NULL);
  g_assert_cmpuint (count_children (GTK_WIDGET (view)), ==, 3);
  child = gtk_widget_get_first_child (GTK_WIDGET (view));
  g_assert_true (gtk_widget_has_css_class (child, "quote"));
  g_assert_nonnull (find_label (child, "quoted", NULL));
  child = gtk_widget_get_next_sibling (child);
  g_assert_true (GTK_IS_LABEL (child));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child)), ==, "some code");
  g_assert_true (gtk_widget_has_css_class (child, "monospace"));
  g_assert_true (GTK_IS_SEPARATOR (gtk_widget_get_next_sibling (child)));

  /* An image, found from the base folder, and a missing one. */
  lessons_dir = tr_test_fixture_path ("example-course", "lessons", NULL);
  trellis_block_view_set_markdown (view,
                                   "![A line](../images/signal-line.png)\n\n"
                                   "![Gone](../images/none.png)\n",
                                   lessons_dir);
  g_assert_cmpuint (count_children (GTK_WIDGET (view)), ==, 2);
  child = gtk_widget_get_first_child (GTK_WIDGET (view));
  child = find_by_type (child, GTK_TYPE_PICTURE);
  g_assert_nonnull (child);
  g_assert_cmpstr (gtk_picture_get_alternative_text (GTK_PICTURE (child)), ==, "A line");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (child), ==, "A line");
  g_assert_true (gtk_picture_get_can_shrink (GTK_PICTURE (child)));
  child = gtk_widget_get_last_child (GTK_WIDGET (view));
  g_assert_true (GTK_IS_LABEL (child));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child)), ==, "Gone");
  g_assert_true (gtk_widget_has_css_class (child, "dim-label"));

  trellis_block_view_set_markdown (view, NULL, NULL);
  g_assert_cmpuint (count_children (GTK_WIDGET (view)), ==, 0);

  g_assert_finalize_object (view);
}

static void
test_read_and_navigate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *course_dir = tr_test_fixture_path ("example-course", NULL);
  g_autoptr(TrCourse) course = NULL;
  g_autoptr(TrellisProgressStore) store = NULL;
  g_autofree char *text = NULL;
  g_autofree char *note = NULL;
  GtkWidget *window, *page, *scrolled, *block_view, *next, *previous;
  GtkAdjustment *adjustment;
  GtkLabel *label;
  gboolean handled = FALSE;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }

  course = tr_course_load_valid (course_dir, &error);
  g_assert_no_error (error);
  store = tr_test_store_new_temp ("lesson-test");

  page = trellis_lesson_page_new (store, course, TR_LANG_EN);
  g_object_add_weak_pointer (G_OBJECT (page), (gpointer *) &page);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 400);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  trellis_lesson_page_show_lesson (TRELLIS_LESSON_PAGE (page), "first-signals");
  scrolled = find_by_type (page, GTK_TYPE_SCROLLED_WINDOW);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  WAIT_UNTIL (gtk_adjustment_get_page_size (adjustment) > 0 &&
              gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment));
  wait_frames (page, 5);

  /* What is shown: the title, the text with its heading and call-out. */
  g_assert_true (title_is (page, "First signals"));
  block_view = find_by_type (page, TRELLIS_TYPE_BLOCK_VIEW);
  /* The file's own "# First signals" is not shown twice. */
  g_assert_null (find_label (block_view, "First signals", NULL));
  label = find_label (block_view, "Facts before labels", NULL);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label), "title-2"));
  label = find_label (block_view, "Orthodoxy is not radicalisation", NULL);
  g_assert_nonnull (label);
  g_assert_true (has_ancestor_with_class (GTK_WIDGET (label), "callout-note"));
  text = trellis_block_view_get_text (TRELLIS_BLOCK_VIEW (block_view));
  g_assert_nonnull (strstr (text, "What weighs more"));
  g_clear_pointer (&text, g_free);
  g_assert_true (is_focus (page, GTK_WIDGET (find_label (page, "First signals", NULL))));

  g_assert_nonnull (find_label (page, "Lesson 1 of 2", NULL));
  g_assert_true (position_is (store, "lesson/first-signals"));
  previous = find_button (page, "_Previous");
  next = find_button (page, "_Next");
  g_assert_nonnull (previous);
  g_assert_nonnull (next);
  g_assert_false (gtk_widget_is_sensitive (previous));
  g_assert_true (gtk_widget_is_sensitive (next));

  /* Not read to the end yet: the text is longer than the window. */
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  g_assert_cmpuint (count_events (store, TR_VERB_EXPERIENCED, "lesson/first-signals"), ==, 0);

  scroll_to_end (adjustment);
  WAIT_UNTIL (count_events (store, TR_VERB_EXPERIENCED, "lesson/first-signals") > 0);
  g_assert_cmpuint (count_events (store, TR_VERB_EXPERIENCED, "lesson/first-signals"), ==, 1);

  /* Reaching the end again records nothing more. */
  gtk_adjustment_set_value (adjustment, 0);
  scroll_to_end (adjustment);
  wait_frames (page, 3);
  g_assert_cmpuint (count_events (store, TR_VERB_EXPERIENCED, "lesson/first-signals"), ==, 1);

  /* The note is saved once typing pauses, not at every change. */
  type_note (page, "Ask the mentor about corridor B.");
  g_assert_true (note_is (store, "lesson/first-signals", NULL));
  WAIT_UNTIL (note_is (store, "lesson/first-signals", "Ask the mentor about corridor B."));
  g_assert_true (note_is (store, "lesson/first-signals", "Ask the mentor about corridor B."));

  /* A change just before leaving the lesson is saved when it is left. */
  type_note (page, "Ask the mentor first.");
  g_signal_emit_by_name (next, "clicked");
  g_assert_true (note_is (store, "lesson/first-signals", "Ask the mentor first."));

  g_assert_true (title_is (page, "Talking first"));
  g_assert_true (position_is (store, "lesson/talking-first"));
  g_assert_nonnull (find_label (page, "Lesson 2 of 2", NULL));
  g_assert_nonnull (find_label (block_view, "A short conversation", NULL));
  g_assert_null (find_label (block_view, "Facts before labels", NULL));
  g_assert_true (gtk_widget_is_sensitive (previous));
  g_assert_false (gtk_widget_is_sensitive (next));
  note = get_note_text (page);
  g_assert_cmpstr (note, ==, "");
  g_clear_pointer (&note, g_free);
  g_assert_true (is_focus (page, GTK_WIDGET (find_label (page, "Talking first", NULL))));

  WAIT_UNTIL (gtk_adjustment_get_value (adjustment) == 0);
  wait_frames (page, 5);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  g_assert_cmpuint (count_events (store, TR_VERB_EXPERIENCED, "lesson/talking-first"), ==, 0);

  /* A lesson: link leads to that lesson. */
  label = find_label (block_view, NULL, "href=\"lesson:first-signals\"");
  g_assert_nonnull (label);
  g_signal_emit_by_name (label, "activate-link", "lesson:first-signals", &handled);
  g_assert_true (handled);
  WAIT_UNTIL (title_is (page, "First signals"));
  g_assert_true (title_is (page, "First signals"));
  g_assert_true (position_is (store, "lesson/first-signals"));
  note = get_note_text (page);
  g_assert_cmpstr (note, ==, "Ask the mentor first.");
  g_clear_pointer (&note, g_free);

  /* Read to the end once more: it was already done. */
  wait_frames (page, 3);
  scroll_to_end (adjustment);
  wait_frames (page, 3);
  g_assert_cmpuint (count_events (store, TR_VERB_EXPERIENCED, "lesson/first-signals"), ==, 1);

  /* The keyboard actions. */
  g_assert_true (has_shortcut (page, "<Control>Page_Down", "lesson.next"));
  g_assert_false (has_shortcut (page, "<Alt>Left", "lesson.previous"));
  g_assert_true (has_shortcut (page, "<Control>Page_Up", "lesson.previous"));
  g_assert_true (gtk_widget_activate_action (page, "lesson.next", NULL));
  g_assert_true (title_is (page, "Talking first"));
  g_assert_true (gtk_widget_activate_action (page, "lesson.previous", NULL));
  g_assert_true (title_is (page, "First signals"));

  gtk_window_destroy (GTK_WINDOW (window));
  WAIT_UNTIL (page == NULL);
  g_assert_null (page);
  g_assert_cmpuint (count_events (store, TR_VERB_EXPERIENCED, "lesson/talking-first"), ==, 0);

  tr_test_store_free_temp (g_steal_pointer (&store));
}

/* A lesson that needs no scrolling is read as soon as it is shown; one that
 * cannot be read says so and records nothing. */
static void
test_short_and_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = tr_test_fixture_path ("example-course", NULL);
  g_autofree char *course_dir = tr_test_copy_tree (fixture);
  g_autofree char *copy_root = g_path_get_dirname (course_dir);
  g_autofree char *short_path = NULL;
  g_autofree char *first_path = NULL;
  g_autoptr(TrCourse) course = NULL;
  g_autoptr(TrellisProgressStore) store = NULL;
  GtkWidget *window, *page, *stack;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }

  short_path = g_build_filename (course_dir, "lessons", "02-talking-first.en.md", NULL);
  first_path = g_build_filename (course_dir, "lessons", "01-first-signals.en.md", NULL);
  g_file_set_contents (short_path, "# Talking first\n\nShort.\n", -1, &error);
  g_assert_no_error (error);
  course = tr_course_load_valid (course_dir, &error);
  g_assert_no_error (error);
  store = tr_test_store_new_temp ("lesson-test");

  page = trellis_lesson_page_new (store, course, TR_LANG_EN);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 500, 500);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  trellis_lesson_page_show_lesson (TRELLIS_LESSON_PAGE (page), "talking-first");
  WAIT_UNTIL (count_events (store, TR_VERB_EXPERIENCED, "lesson/talking-first") > 0);
  g_assert_cmpuint (count_events (store, TR_VERB_EXPERIENCED, "lesson/talking-first"), ==, 1);

  /* From a text that fits to a long one: the long one is not read yet. */
  g_signal_emit_by_name (find_button (page, "_Previous"), "clicked");
  g_assert_true (title_is (page, "First signals"));
  wait_frames (page, 5);
  g_assert_cmpuint (count_events (store, TR_VERB_EXPERIENCED, "lesson/first-signals"), ==, 0);

  /* The English text is gone: the error is shown instead, and the way on. */
  g_assert_cmpint (g_remove (first_path), ==, 0);
  g_signal_emit_by_name (find_button (page, "_Next"), "clicked");
  g_signal_emit_by_name (find_button (page, "_Previous"), "clicked");
  stack = find_by_type (page, GTK_TYPE_STACK);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "error");
  g_assert_true (ADW_IS_STATUS_PAGE (gtk_stack_get_visible_child (GTK_STACK (stack))));
  g_assert_true (position_is (store, "lesson/first-signals"));
  g_assert_true (gtk_widget_is_sensitive (find_button (page, "_Next")));
  wait_frames (page, 5);
  g_assert_cmpuint (count_events (store, TR_VERB_EXPERIENCED, "lesson/first-signals"), ==, 0);

  g_signal_emit_by_name (find_button (page, "_Next"), "clicked");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "lesson");
  wait_frames (page, 5);
  g_assert_cmpuint (count_events (store, TR_VERB_EXPERIENCED, "lesson/talking-first"), ==, 1);

  /* From one text that fits to another: the scrolled window's adjustment
   * does not change at all, and the second is read all the same. */
  g_file_set_contents (first_path, "# First signals\n\nAlso short.\n", -1, &error);
  g_assert_no_error (error);
  g_signal_emit_by_name (find_button (page, "_Previous"), "clicked");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "lesson");
  WAIT_UNTIL (count_events (store, TR_VERB_EXPERIENCED, "lesson/first-signals") > 0);
  g_assert_cmpuint (count_events (store, TR_VERB_EXPERIENCED, "lesson/first-signals"), ==, 1);
  g_assert_cmpuint (count_events (store, TR_VERB_EXPERIENCED, "lesson/talking-first"), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  tr_test_store_free_temp (g_steal_pointer (&store));
  tr_test_remove_tree (copy_root);
}

int
main (int    argc,
      char **argv)
{
  tr_test_init_gui (&argc, &argv);
  g_test_add_func ("/lesson-page/block-view", test_block_view);
  g_test_add_func ("/lesson-page/read-and-navigate", test_read_and_navigate);
  g_test_add_func ("/lesson-page/short-and-missing", test_short_and_missing);
  return g_test_run ();
}
