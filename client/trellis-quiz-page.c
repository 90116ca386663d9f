/* trellis-quiz-page.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-quiz-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tr-scoring.h"
#include "trellis-block-view.h"
#include "trellis-quiz-page.h"

struct _TrellisQuizPage
{
  AdwBin                 parent_instance;

  TrellisProgressStore  *store;
  TrCourse              *course;
  TrLang                 lang;
  const TrQuiz          *quiz;
  GPtrArray             *answers;         /* GStrv or NULL, one per question */
  guint                  current;
  GPtrArray             *option_buttons;  /* the current question's GtkCheckButtons, by option */
  GtkStringList         *order;           /* the current ordering question's item ids */

  GtkStack              *stack;
  GtkScrolledWindow     *question_scroller;
  GtkLabel              *progress_label;
  TrellisBlockView      *question_view;
  GtkLabel              *hint_label;
  GtkListBox            *answer_list;
  GtkWidget             *previous_button;
  GtkWidget             *next_button;
  GtkWidget             *finish_button;
  GtkScrolledWindow     *result_scroller;
  GtkWidget             *verdict_box;
  GtkImage              *verdict_icon;
  GtkLabel              *verdict_label;
  GtkLabel              *score_label;
  GtkLabel              *count_label;
  GtkLabel              *pass_mark_label;
  GtkWidget             *try_again_button;
  GtkBox                *review_box;
};

G_DEFINE_FINAL_TYPE (TrellisQuizPage, trellis_quiz_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_COURSE,
  PROP_LANG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define ITEM_ID_KEY "trellis-item-id"
#define MOVE_UP_KEY "trellis-move-up"
#define MOVE_DOWN_KEY "trellis-move-down"

static const TrQuestion *
get_question (TrellisQuizPage *self,
              guint            index)
{
  g_assert (self->quiz != NULL && index < self->quiz->questions->len);
  return g_ptr_array_index (self->quiz->questions, index);
}

static const TrOption *
find_option (const TrQuestion *question,
             const char       *id)
{
  for (guint i = 0; i < question->options->len; i++)
    {
      const TrOption *option = g_ptr_array_index (question->options, i);

      if (g_strcmp0 (option->id, id) == 0)
        return option;
    }
  return NULL;
}

/* The items of an ordering question in a random order that is never the
 * right one, since a learner who presses Finish straight away must not pass. */
static GStrv
shuffle_items (const TrQuestion *question)
{
  guint n = question->options->len;
  GStrv order = g_new0 (char *, n + 1);
  guint attempts = 0;

  for (guint i = 0; i < n; i++)
    order[i] = g_strdup (((TrOption *) g_ptr_array_index (question->options, i))->id);
  if (n < 2)
    return order;

  do
    {
      for (guint i = n - 1; i > 0; i--)
        {
          guint j = g_random_int_range (0, i + 1);
          char *swap = order[i];

          order[i] = order[j];
          order[j] = swap;
        }
    }
  while (tr_question_is_correct (question, (const char * const *) order) && ++attempts < 100);

  /* Only repeated ids get here; rotating by one is then the best there is. */
  if (tr_question_is_correct (question, (const char * const *) order))
    {
      char *first = order[0];

      memmove (order, order + 1, (n - 1) * sizeof (char *));
      order[n - 1] = first;
    }
  return order;
}

static void
scroll_to_top (GtkScrolledWindow *scroller)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
}

static GtkWidget *
new_wrapping_label (const char *text,
                    const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
new_block_view (TrellisQuizPage *self,
                const TrText    *text)
{
  GtkWidget *view = trellis_block_view_new ();

  trellis_block_view_set_markdown (TRELLIS_BLOCK_VIEW (view), tr_text_get (text, self->lang),
                                   tr_course_get_dir (self->course));
  return view;
}

/* A row of icon and words, so that the verdict never rests on colour alone. */
static GtkWidget *
new_verdict (gboolean    good,
             const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE,
                                  "icon-name", good ? "emblem-ok-symbolic" : "process-stop-symbolic",
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                  NULL);

  gtk_widget_add_css_class (box, good ? "success" : "error");
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), new_wrapping_label (text, "heading"));
  return box;
}

/* Answers given so far stay on this device (the store's meta, never synced),
 * so closing Trellis in the middle of the quiz loses nothing. */
static char *
draft_key (TrellisQuizPage *self)
{
  return g_strdup_printf ("draft/%s/quiz", tr_course_get_id (self->course));
}

static void
save_draft (TrellisQuizPage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *key = draft_key (self);
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "current");
  json_builder_add_int_value (builder, self->current);
  json_builder_set_member_name (builder, "answers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->answers->len; i++)
    {
      const char * const *answer = g_ptr_array_index (self->answers, i);

      if (answer == NULL)
        {
          json_builder_add_null_value (builder);
          continue;
        }
      json_builder_begin_array (builder);
      for (guint j = 0; answer[j] != NULL; j++)
        json_builder_add_string_value (builder, answer[j]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  trellis_progress_store_set_meta (self->store, key, text);
}

static void
clear_draft (TrellisQuizPage *self)
{
  g_autofree char *key = draft_key (self);

  trellis_progress_store_set_meta (self->store, key, NULL);
}

/* Takes a saved draft only when it still fits the quiz: as many answers as
 * questions, ids of the question's own options, orderings complete. */
static gboolean
restore_draft (TrellisQuizPage *self)
{
  g_autofree char *key = draft_key (self);
  g_autofree char *text = trellis_progress_store_get_meta (self->store, key);
  g_autoptr(JsonNode) root = text != NULL ? json_from_string (text, NULL) : NULL;
  g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  JsonObject *object;
  JsonArray *array;
  gint64 current;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);
  array = json_object_get_array_member (object, "answers");
  current = json_object_get_int_member_with_default (object, "current", 0);
  if (array == NULL || json_array_get_length (array) != self->quiz->questions->len ||
      current < 0 || current >= (gint64) self->quiz->questions->len)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const TrQuestion *question = get_question (self, i);
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      GStrv answer;
      guint n = 0;

      if (JSON_NODE_HOLDS_NULL (node) && question->type != TR_QUESTION_ORDERING)
        {
          g_ptr_array_add (answers, NULL);
          continue;
        }
      if (!JSON_NODE_HOLDS_ARRAY (node))
        return FALSE;
      for (guint j = 0; j < json_array_get_length (json_node_get_array (node)); j++)
        {
          const char *id = json_array_get_string_element (json_node_get_array (node), j);
          gboolean known = FALSE;

          for (guint k = 0; id != NULL && k < question->options->len && !known; k++)
            known = g_str_equal (((TrOption *) g_ptr_array_index (question->options, k))->id, id);
          if (!known)
            return FALSE;
          g_strv_builder_add (builder, id);
          n++;
        }
      if (question->type == TR_QUESTION_ORDERING && n != question->options->len)
        return FALSE;
      answer = g_strv_builder_end (builder);
      if (answer[0] == NULL)
        g_clear_pointer (&answer, g_strfreev);
      g_ptr_array_add (answers, answer);
    }

  g_ptr_array_set_size (self->answers, 0);
  for (guint i = 0; i < answers->len; i++)
    g_ptr_array_add (self->answers, g_steal_pointer (&g_ptr_array_index (answers, i)));
  self->current = (guint) current;
  return TRUE;
}

static void
option_toggled_cb (TrellisQuizPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const TrQuestion *question = get_question (self, self->current);
  GStrv answer;

  for (guint i = 0; i < self->option_buttons->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->option_buttons, i)))
      g_strv_builder_add (builder, ((TrOption *) g_ptr_array_index (question->options, i))->id);

  answer = g_strv_builder_end (builder);
  if (answer[0] == NULL)
    g_clear_pointer (&answer, g_strfreev);
  g_strfreev (g_ptr_array_index (self->answers, self->current));
  g_ptr_array_index (self->answers, self->current) = answer;
  save_draft (self);
}

static void
focus_move_button (GtkWidget *row,
                   int        delta)
{
  GtkWidget *preferred = g_object_get_data (G_OBJECT (row), delta < 0 ? MOVE_UP_KEY : MOVE_DOWN_KEY);
  GtkWidget *other = g_object_get_data (G_OBJECT (row), delta < 0 ? MOVE_DOWN_KEY : MOVE_UP_KEY);

  if (gtk_widget_get_sensitive (preferred))
    gtk_widget_grab_focus (preferred);
  else
    gtk_widget_grab_focus (other);
}

static void
move_item (TrellisQuizPage *self,
           const char      *id,
           int              delta)
{
  GStrv order = g_ptr_array_index (self->answers, self->current);
  guint n = order != NULL ? g_strv_length (order) : 0;
  guint from = n, to, first;
  char *swap;

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (order[i], id) == 0)
      from = i;
  if (from == n || (delta < 0 && from == 0) || (delta > 0 && from + 1 >= n))
    return;

  to = delta < 0 ? from - 1 : from + 1;
  swap = order[from];
  order[from] = order[to];
  order[to] = swap;

  /* Both rows are made anew, with their new numbers and buttons. */
  first = MIN (from, to);
  gtk_string_list_splice (self->order, first, 2,
                          (const char * const[]) { order[first], order[first + 1], NULL });
  focus_move_button (GTK_WIDGET (gtk_list_box_get_row_at_index (self->answer_list, to)), delta);
  save_draft (self);
}

static void
move_up_clicked_cb (GtkButton       *button,
                    TrellisQuizPage *self)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (button), ITEM_ID_KEY));

  /* The button goes with its row; the id is copied before that. */
  move_item (self, id, -1);
}

static void
move_down_clicked_cb (GtkButton       *button,
                      TrellisQuizPage *self)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (button), ITEM_ID_KEY));

  move_item (self, id, 1);
}

static GtkWidget *
new_move_button (TrellisQuizPage *self,
                 const char      *id,
                 const char      *item_text,
                 int              delta)
{
  g_autofree char *name = NULL;
  GtkWidget *button;

  if (delta < 0)
    {
      /* TRANSLATORS: the accessible name of a button; %s is the text of an item to put in order. */
      name = g_strdup_printf (_("Move up: %s"), item_text);
      button = gtk_button_new_from_icon_name ("go-up-symbolic");
      gtk_widget_set_tooltip_text (button, _("Move up"));
      g_signal_connect_object (button, "clicked", G_CALLBACK (move_up_clicked_cb), self, 0);
    }
  else
    {
      /* TRANSLATORS: the accessible name of a button; %s is the text of an item to put in order. */
      name = g_strdup_printf (_("Move down: %s"), item_text);
      button = gtk_button_new_from_icon_name ("go-down-symbolic");
      gtk_widget_set_tooltip_text (button, _("Move down"));
      g_signal_connect_object (button, "clicked", G_CALLBACK (move_down_clicked_cb), self, 0);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), ITEM_ID_KEY, g_strdup (id), g_free);
  return button;
}

static GtkWidget *
create_order_row_cb (gpointer item,
                     gpointer user_data)
{
  TrellisQuizPage *self = user_data;
  const char *id = gtk_string_object_get_string (GTK_STRING_OBJECT (item));
  const TrQuestion *question = get_question (self, self->current);
  const TrOption *option = find_option (question, id);
  const char *text = option != NULL ? tr_text_get (&option->text, self->lang) : id;
  GStrv order = g_ptr_array_index (self->answers, self->current);
  guint n = g_strv_length (order);
  guint position = 0;
  g_autofree char *number = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *number_label;
  GtkWidget *up, *down;

  while (position < n && g_strcmp0 (order[position], id) != 0)
    position++;
  number = g_strdup_printf (_("%u."), position + 1);
  number_label = gtk_label_new (number);
  gtk_widget_add_css_class (number_label, "heading");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), number_label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);

  up = new_move_button (self, id, text, -1);
  down = new_move_button (self, id, text, 1);
  gtk_widget_set_sensitive (up, position > 0);
  gtk_widget_set_sensitive (down, position + 1 < n);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), up);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), down);
  g_object_set_data (G_OBJECT (row), MOVE_UP_KEY, up);
  g_object_set_data (G_OBJECT (row), MOVE_DOWN_KEY, down);
  return row;
}

static GtkWidget *
create_option_row (TrellisQuizPage  *self,
                   const TrQuestion *question,
                   const TrOption   *option,
                   GtkCheckButton   *group)
{
  const char * const *answer = g_ptr_array_index (self->answers, self->current);
  const char *text = tr_text_get (&option->text, self->lang);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                               answer != NULL && g_strv_contains (answer, option->id));
  g_signal_connect_object (check, "toggled", G_CALLBACK (option_toggled_cb), self, G_CONNECT_SWAPPED);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_ptr_array_add (self->option_buttons, check);
  return row;
}

static void
clear_answer_list (TrellisQuizPage *self)
{
  GtkWidget *child;

  g_ptr_array_set_size (self->option_buttons, 0);
  gtk_list_box_bind_model (self->answer_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->order);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->answer_list))) != NULL)
    gtk_list_box_remove (self->answer_list, child);
}

static void
show_question (TrellisQuizPage *self,
               guint            index)
{
  const TrQuestion *question = get_question (self, index);
  guint n_questions = self->quiz->questions->len;
  g_autofree char *progress = NULL;
  GtkWidget *first_row;

  self->current = index;
  clear_answer_list (self);

  /* TRANSLATORS: "Question 2 of 3" */
  progress = g_strdup_printf (_("Question %u of %u"), index + 1, n_questions);
  gtk_label_set_label (self->progress_label, progress);
  trellis_block_view_set_markdown (self->question_view, tr_text_get (&question->text, self->lang),
                                   tr_course_get_dir (self->course));

  switch (question->type)
    {
    case TR_QUESTION_SINGLE:
    case TR_QUESTION_MULTIPLE:
      {
        GtkCheckButton *group = NULL;

        gtk_label_set_label (self->hint_label,
                             question->type == TR_QUESTION_SINGLE ? _("Choose one answer.")
                                                                  : _("Choose all that apply"));
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->answer_list),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Answers"),
                                        -1);
        for (guint i = 0; i < question->options->len; i++)
          {
            const TrOption *option = g_ptr_array_index (question->options, i);

            gtk_list_box_append (self->answer_list, create_option_row (self, question, option, group));
            if (question->type == TR_QUESTION_SINGLE && group == NULL)
              group = g_ptr_array_index (self->option_buttons, 0);
          }
      }
      break;

    case TR_QUESTION_ORDERING:
      gtk_label_set_label (self->hint_label,
                           _("Put the items in the right order with the Move up and Move down buttons."));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->answer_list),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Items to put in order"),
                                      -1);
      self->order = gtk_string_list_new ((const char * const *) g_ptr_array_index (self->answers, index));
      gtk_list_box_bind_model (self->answer_list, G_LIST_MODEL (self->order),
                               create_order_row_cb, self, NULL);
      break;

    default:
      g_assert_not_reached ();
    }

  gtk_widget_set_sensitive (self->previous_button, index > 0);
  gtk_widget_set_visible (self->next_button, index + 1 < n_questions);
  gtk_widget_set_visible (self->finish_button, index + 1 == n_questions);
  gtk_stack_set_visible_child_name (self->stack, "question");
  scroll_to_top (self->question_scroller);

  first_row = GTK_WIDGET (gtk_list_box_get_row_at_index (self->answer_list, 0));
  if (self->option_buttons->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (self->option_buttons, 0));
  else if (first_row != NULL)
    focus_move_button (first_row, 1);
}

static char *
describe_answer (TrellisQuizPage    *self,
                 const TrQuestion   *question,
                 const char * const *answer)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = answer != NULL ? g_strv_length ((char **) answer) : 0;

  if (n == 0)
    return g_strdup (_("No answer"));

  if (question->type == TR_QUESTION_ORDERING)
    {
      for (guint i = 0; i < n; i++)
        {
          const TrOption *option = find_option (question, answer[i]);

          if (i > 0)
            g_string_append_c (text, '\n');
          /* TRANSLATORS: one line of an ordered answer: its place and the item's text. */
          g_string_append_printf (text, _("%u. %s"), i + 1,
                                  option != NULL ? tr_text_get (&option->text, self->lang) : answer[i]);
        }
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  /* Chosen options in the order the question lists them. */
  for (guint i = 0; i < question->options->len; i++)
    {
      const TrOption *option = g_ptr_array_index (question->options, i);

      if (!g_strv_contains (answer, option->id))
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (n > 1)
        g_string_append (text, "• ");
      g_string_append (text, tr_text_get (&option->text, self->lang));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GStrv
right_answer (const TrQuestion *question)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < question->options->len; i++)
    {
      const TrOption *option = g_ptr_array_index (question->options, i);

      if (question->type == TR_QUESTION_ORDERING || option->correct)
        g_strv_builder_add (builder, option->id);
    }
  return g_strv_builder_end (builder);
}

/* A small heading with its content kept close under it. */
static void
append_section (GtkWidget  *box,
                const char *title,
                GtkWidget  *content)
{
  GtkWidget *section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  gtk_box_append (GTK_BOX (section), new_wrapping_label (title, "caption-heading"));
  gtk_box_append (GTK_BOX (section), content);
  gtk_box_append (GTK_BOX (box), section);
}

static GtkWidget *
create_review (TrellisQuizPage *self,
               guint            index)
{
  const TrQuestion *question = get_question (self, index);
  const char * const *answer = g_ptr_array_index (self->answers, index);
  gboolean correct = tr_question_is_correct (question, answer);
  g_auto(GStrv) right = right_answer (question);
  g_autofree char *heading = g_strdup_printf (_("Question %u"), index + 1);
  g_autofree char *answer_text = describe_answer (self, question, answer);
  g_autofree char *right_text = describe_answer (self, question, (const char * const *) right);
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_box_append (GTK_BOX (card), box);

  gtk_box_append (GTK_BOX (box), new_wrapping_label (heading, "heading"));
  gtk_box_append (GTK_BOX (box), new_block_view (self, &question->text));
  gtk_box_append (GTK_BOX (box), new_verdict (correct, correct ? _("Correct") : _("Not correct")));
  append_section (box, _("Your answer"), new_wrapping_label (answer_text, NULL));
  append_section (box, _("Right answer"), new_wrapping_label (right_text, NULL));
  append_section (box, _("Why"), new_block_view (self, &question->explanation));

  for (guint i = 0; i < question->options->len; i++)
    {
      const TrOption *option = g_ptr_array_index (question->options, i);
      g_autofree char *about = NULL;

      if (!tr_text_is_set (&option->explanation))
        continue;
      /* TRANSLATORS: introduces the explanation of one answer option; %s is its text. */
      about = g_strdup_printf (_("About “%s”"), tr_text_get (&option->text, self->lang));
      append_section (box, about, new_block_view (self, &option->explanation));
    }
  return card;
}

static void
show_result (TrellisQuizPage *self)
{
  TrQuizScore score = tr_quiz_score (self->quiz, self->answers);
  g_autoptr(JsonObject) result = json_object_new ();
  g_autofree char *score_text = NULL;
  g_autofree char *count_text = NULL;
  g_autofree char *pass_mark_text = NULL;
  GtkWidget *child;

  gtk_image_set_from_icon_name (self->verdict_icon,
                                score.passed ? "emblem-ok-symbolic" : "process-stop-symbolic");
  gtk_label_set_label (self->verdict_label, score.passed ? _("Passed") : _("Not passed"));
  gtk_widget_remove_css_class (self->verdict_box, score.passed ? "error" : "success");
  gtk_widget_add_css_class (self->verdict_box, score.passed ? "success" : "error");

  /* TRANSLATORS: the learner's score as a percentage; %d%% is for example "67%". */
  score_text = g_strdup_printf (_("Your score: %d%%"), score.percent);
  gtk_label_set_label (self->score_label, score_text);
  count_text = g_strdup_printf (ngettext ("%u of %u question right", "%u of %u questions right", score.total),
                                score.correct, score.total);
  gtk_label_set_label (self->count_label, count_text);
  /* TRANSLATORS: the lowest score that passes, for example "Pass mark: 60%". */
  pass_mark_text = g_strdup_printf (_("Pass mark: %d%%"), self->quiz->pass_mark);
  gtk_label_set_label (self->pass_mark_label, pass_mark_text);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->review_box))) != NULL)
    gtk_box_remove (self->review_box, child);
  for (guint i = 0; i < self->quiz->questions->len; i++)
    gtk_box_append (self->review_box, create_review (self, i));

  clear_answer_list (self);
  gtk_stack_set_visible_child_name (self->stack, "result");
  scroll_to_top (self->result_scroller);
  gtk_widget_grab_focus (self->try_again_button);

  json_object_set_int_member (result, "score", score.percent);
  json_object_set_int_member (result, "correct", score.correct);
  json_object_set_int_member (result, "total", score.total);
  trellis_progress_store_record (self->store, self->course,
                                 score.passed ? TR_VERB_PASSED : TR_VERB_FAILED,
                                 "quiz", result);
  clear_draft (self);
}

static void
previous_clicked_cb (TrellisQuizPage *self)
{
  if (self->quiz != NULL && self->current > 0)
    show_question (self, self->current - 1);
  save_draft (self);
}

static void
next_clicked_cb (TrellisQuizPage *self)
{
  if (self->quiz != NULL && self->current + 1 < self->quiz->questions->len)
    show_question (self, self->current + 1);
  save_draft (self);
}

static void
finish_clicked_cb (TrellisQuizPage *self)
{
  if (self->quiz != NULL && self->quiz->questions->len > 0)
    show_result (self);
}

static void
try_again_clicked_cb (TrellisQuizPage *self)
{
  clear_draft (self);
  trellis_quiz_page_start (self);
}

GtkWidget *
trellis_quiz_page_new (TrellisProgressStore *store,
                       TrCourse             *course,
                       TrLang                lang)
{
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);
  g_return_val_if_fail (TR_IS_COURSE (course), NULL);
  g_return_val_if_fail (lang < TR_N_LANGS, NULL);

  return g_object_new (TRELLIS_TYPE_QUIZ_PAGE,
                       "store", store,
                       "course", course,
                       "lang", (guint) lang,
                       NULL);
}

/**
 * trellis_quiz_page_start:
 *
 * Shows the first question with no answers given and the ordering questions
 * freshly shuffled — or, when the learner left an attempt unfinished, that
 * attempt where they left it.
 */
void
trellis_quiz_page_start (TrellisQuizPage *self)
{
  g_return_if_fail (TRELLIS_IS_QUIZ_PAGE (self));

  clear_answer_list (self);
  g_ptr_array_set_size (self->answers, 0);
  self->current = 0;
  self->quiz = tr_course_get_quiz (self->course);
  if (self->quiz == NULL || self->quiz->questions->len == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  for (guint i = 0; i < self->quiz->questions->len; i++)
    {
      const TrQuestion *question = get_question (self, i);

      g_ptr_array_add (self->answers,
                       question->type == TR_QUESTION_ORDERING ? shuffle_items (question) : NULL);
    }
  /* Resume an unfinished attempt where the learner left it. */
  restore_draft (self);
  show_question (self, self->current);
  save_draft (self);
  trellis_progress_store_set_position (self->store, tr_course_get_id (self->course), "quiz");
}

static void
trellis_quiz_page_dispose (GObject *object)
{
  TrellisQuizPage *self = TRELLIS_QUIZ_PAGE (object);

  g_ptr_array_set_size (self->option_buttons, 0);
  g_clear_object (&self->order);
  self->quiz = NULL;
  g_clear_object (&self->store);
  g_clear_object (&self->course);

  G_OBJECT_CLASS (trellis_quiz_page_parent_class)->dispose (object);
}

static void
trellis_quiz_page_finalize (GObject *object)
{
  TrellisQuizPage *self = TRELLIS_QUIZ_PAGE (object);

  g_clear_pointer (&self->answers, g_ptr_array_unref);
  g_clear_pointer (&self->option_buttons, g_ptr_array_unref);

  G_OBJECT_CLASS (trellis_quiz_page_parent_class)->finalize (object);
}

static void
trellis_quiz_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TrellisQuizPage *self = TRELLIS_QUIZ_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_COURSE:
      g_value_set_object (value, self->course);
      break;

    case PROP_LANG:
      g_value_set_uint (value, self->lang);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_quiz_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TrellisQuizPage *self = TRELLIS_QUIZ_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_COURSE:
      self->course = g_value_dup_object (value);
      break;

    case PROP_LANG:
      self->lang = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_quiz_page_class_init (TrellisQuizPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_quiz_page_dispose;
  object_class->finalize = trellis_quiz_page_finalize;
  object_class->get_property = trellis_quiz_page_get_property;
  object_class->set_property = trellis_quiz_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         TRELLIS_TYPE_PROGRESS_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COURSE] =
    g_param_spec_object ("course", NULL, NULL,
                         TR_TYPE_COURSE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANG] =
    g_param_spec_uint ("lang", NULL, NULL,
                       0, TR_N_LANGS - 1, TR_LANG_EN,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TRELLIS_TYPE_BLOCK_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-quiz-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, question_scroller);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, question_view);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, answer_list);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, previous_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, next_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, finish_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, result_scroller);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, verdict_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, score_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, pass_mark_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, try_again_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisQuizPage, review_box);
  gtk_widget_class_bind_template_callback (widget_class, previous_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, finish_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, try_again_clicked_cb);
}

static void
trellis_quiz_page_init (TrellisQuizPage *self)
{
  self->answers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->option_buttons = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
