/* trellis-signal-page.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-signal-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tr-scoring.h"
#include "trellis-block-view.h"
#include "trellis-signal-page.h"

/* The widgets of one statement, in the order of the exercise. */
typedef struct
{
  const TrStatement *statement;
  GtkToggleButton   *concern_button;
  GtkToggleButton   *no_concern_button;
  GtkWidget         *result_box;
  GtkWidget         *verdict_box;
  GtkImage          *verdict_icon;
  GtkLabel          *verdict_label;
  GtkLabel          *mark_label;
  GtkLabel          *answer_label;
  TrellisBlockView  *explanation_view;
} StatementRow;

struct _TrellisSignalPage
{
  AdwBin                  parent_instance;

  TrellisProgressStore   *store;
  TrCourse               *course;
  TrLang                  lang;
  const TrSignalExercise *exercise;
  GArray                 *rows;
  gboolean                checked;
  gboolean                resetting;  /* marks change, but not by the learner */

  GtkScrolledWindow      *scroller;
  GtkLabel               *title_label;
  TrellisBlockView       *case_view;
  GtkListBox             *statement_list;
  GtkWidget              *summary_box;
  GtkLabel               *total_label;
  GtkWidget              *check_button;
  GtkWidget              *try_again_button;
};

G_DEFINE_FINAL_TYPE (TrellisSignalPage, trellis_signal_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_COURSE,
  PROP_LANG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
all_marked (TrellisSignalPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      StatementRow *row = &g_array_index (self->rows, StatementRow, i);

      if (!gtk_toggle_button_get_active (row->concern_button) &&
          !gtk_toggle_button_get_active (row->no_concern_button))
        return FALSE;
    }
  return self->rows->len > 0;
}

static void
update_check_button (TrellisSignalPage *self)
{
  gtk_widget_set_sensitive (self->check_button, !self->checked && all_marked (self));
}

/* Marks not yet checked stay on this device (the store's meta, never
 * synced): leaving in the middle of the exercise loses nothing. One letter
 * per statement: c (concern), n (no concern) or - (not marked). */
static char *
draft_key (TrellisSignalPage *self)
{
  return g_strdup_printf ("draft/%s/signal-exercise/%s", tr_course_get_id (self->course), self->exercise->id);
}

static void
save_draft (TrellisSignalPage *self)
{
  g_autofree char *key = NULL;
  g_autoptr(GString) marks = g_string_new (NULL);

  if (self->exercise == NULL || self->resetting || self->checked)
    return;
  for (guint i = 0; i < self->rows->len; i++)
    {
      StatementRow *row = &g_array_index (self->rows, StatementRow, i);

      g_string_append_c (marks, gtk_toggle_button_get_active (row->concern_button) ? 'c'
                                : gtk_toggle_button_get_active (row->no_concern_button) ? 'n' : '-');
    }
  key = draft_key (self);
  trellis_progress_store_set_meta (self->store, key, marks->str);
}

static void
clear_draft (TrellisSignalPage *self)
{
  g_autofree char *key = draft_key (self);

  trellis_progress_store_set_meta (self->store, key, NULL);
}

static void
restore_draft (TrellisSignalPage *self)
{
  g_autofree char *key = draft_key (self);
  g_autofree char *marks = trellis_progress_store_get_meta (self->store, key);

  if (marks == NULL || strlen (marks) != self->rows->len)
    return;
  self->resetting = TRUE;
  for (guint i = 0; i < self->rows->len; i++)
    {
      StatementRow *row = &g_array_index (self->rows, StatementRow, i);

      if (marks[i] == 'c')
        gtk_toggle_button_set_active (row->concern_button, TRUE);
      else if (marks[i] == 'n')
        gtk_toggle_button_set_active (row->no_concern_button, TRUE);
    }
  self->resetting = FALSE;
  update_check_button (self);
}

static void
mark_toggled_cb (TrellisSignalPage *self)
{
  update_check_button (self);
  save_draft (self);
}

static void
scroll_to_top (TrellisSignalPage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
}

static GtkWidget *
create_statement_row (TrellisSignalPage *self,
                      guint              number,
                      StatementRow      *out)
{
  const TrStatement *statement = out->statement;
  g_autofree char *number_text = g_strdup_printf (_("%u."), number);
  g_autofree char *concern_name = g_strdup_printf (_("Statement %u: concern"), number);
  g_autofree char *no_concern_name = g_strdup_printf (_("Statement %u: no concern"), number);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *text_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *number_label = gtk_label_new (number_text);
  GtkWidget *text_label = gtk_label_new (tr_text_get (&statement->text, self->lang));
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *concern = gtk_toggle_button_new_with_label (_("Concern"));
  GtkWidget *no_concern = gtk_toggle_button_new_with_label (_("No concern"));
  GtkWidget *result_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *verdict_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *verdict_icon = g_object_new (GTK_TYPE_IMAGE,
                                          "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                          NULL);
  GtkWidget *verdict_label = gtk_label_new (NULL);
  GtkWidget *mark_label = gtk_label_new (NULL);
  GtkWidget *answer_label = gtk_label_new (NULL);
  GtkWidget *explanation_view = trellis_block_view_new ();

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_widget_add_css_class (number_label, "heading");
  gtk_label_set_yalign (GTK_LABEL (number_label), 0);
  gtk_label_set_wrap (GTK_LABEL (text_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (text_label), 0);
  gtk_widget_set_hexpand (text_label, TRUE);
  gtk_box_append (GTK_BOX (text_box), number_label);
  gtk_box_append (GTK_BOX (text_box), text_label);
  gtk_box_append (GTK_BOX (box), text_box);

  /* Grouped, the two buttons behave as one choice that starts unanswered. */
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (no_concern), GTK_TOGGLE_BUTTON (concern));
  gtk_accessible_update_property (GTK_ACCESSIBLE (concern),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, concern_name,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (no_concern),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, no_concern_name,
                                  -1);
  g_signal_connect_object (concern, "toggled", G_CALLBACK (mark_toggled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (no_concern, "toggled", G_CALLBACK (mark_toggled_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_css_class (buttons, "linked");
  gtk_widget_set_halign (buttons, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (buttons), concern);
  gtk_box_append (GTK_BOX (buttons), no_concern);
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_widget_add_css_class (verdict_label, "heading");
  gtk_label_set_wrap (GTK_LABEL (verdict_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (verdict_label), 0);
  gtk_box_append (GTK_BOX (verdict_box), verdict_icon);
  gtk_box_append (GTK_BOX (verdict_box), verdict_label);
  gtk_label_set_wrap (GTK_LABEL (mark_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (mark_label), 0);
  gtk_label_set_wrap (GTK_LABEL (answer_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (answer_label), 0);
  trellis_block_view_set_markdown (TRELLIS_BLOCK_VIEW (explanation_view),
                                   tr_text_get (&statement->explanation, self->lang),
                                   tr_course_get_dir (self->course));
  gtk_box_append (GTK_BOX (result_box), verdict_box);
  gtk_box_append (GTK_BOX (result_box), mark_label);
  gtk_box_append (GTK_BOX (result_box), answer_label);
  gtk_box_append (GTK_BOX (result_box), explanation_view);
  gtk_widget_set_visible (result_box, FALSE);
  gtk_box_append (GTK_BOX (box), result_box);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  out->concern_button = GTK_TOGGLE_BUTTON (concern);
  out->no_concern_button = GTK_TOGGLE_BUTTON (no_concern);
  out->result_box = result_box;
  out->verdict_box = verdict_box;
  out->verdict_icon = GTK_IMAGE (verdict_icon);
  out->verdict_label = GTK_LABEL (verdict_label);
  out->mark_label = GTK_LABEL (mark_label);
  out->answer_label = GTK_LABEL (answer_label);
  out->explanation_view = TRELLIS_BLOCK_VIEW (explanation_view);
  return row;
}

static void
clear_statements (TrellisSignalPage *self)
{
  GtkWidget *child;

  /* The rows go first: removing them must not reach into freed row data. */
  g_array_set_size (self->rows, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->statement_list))) != NULL)
    gtk_list_box_remove (self->statement_list, child);
}

static void
show_unchecked (TrellisSignalPage *self)
{
  self->resetting = TRUE;
  self->checked = FALSE;
  for (guint i = 0; i < self->rows->len; i++)
    {
      StatementRow *row = &g_array_index (self->rows, StatementRow, i);

      gtk_toggle_button_set_active (row->concern_button, FALSE);
      gtk_toggle_button_set_active (row->no_concern_button, FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (row->concern_button), TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (row->no_concern_button), TRUE);
      gtk_widget_set_visible (row->result_box, FALSE);
    }
  gtk_widget_set_visible (self->summary_box, FALSE);
  gtk_widget_set_visible (self->try_again_button, FALSE);
  gtk_widget_set_visible (self->check_button, TRUE);
  self->resetting = FALSE;
  update_check_button (self);
  scroll_to_top (self);
}

static void
show_statement_result (StatementRow *row,
                       gboolean      marked_concern,
                       gboolean      matches)
{
  gtk_image_set_from_icon_name (row->verdict_icon, matches ? "emblem-ok-symbolic" : "process-stop-symbolic");
  gtk_label_set_label (row->verdict_label, matches ? _("Matches") : _("Does not match"));
  gtk_widget_remove_css_class (row->verdict_box, matches ? "error" : "success");
  gtk_widget_add_css_class (row->verdict_box, matches ? "success" : "error");
  /* The insensitive buttons show the mark too faintly to be read on a projector. */
  gtk_label_set_label (row->mark_label,
                       marked_concern ? _("Your mark: a signal of concern")
                                      : _("Your mark: not a signal of concern"));
  gtk_label_set_label (row->answer_label,
                       row->statement->concern ? _("Right answer: a signal of concern")
                                               : _("Right answer: not a signal of concern"));
  gtk_widget_set_sensitive (GTK_WIDGET (row->concern_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (row->no_concern_button), FALSE);
  gtk_widget_set_visible (row->result_box, TRUE);
}

static void
check_clicked_cb (TrellisSignalPage *self)
{
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *object = NULL;
  g_autofree char *total_text = NULL;
  guint correct = 0;

  if (self->exercise == NULL || self->checked || !all_marked (self))
    return;

  for (guint i = 0; i < self->rows->len; i++)
    {
      StatementRow *row = &g_array_index (self->rows, StatementRow, i);
      gboolean marked_concern = gtk_toggle_button_get_active (row->concern_button);
      gboolean matches = tr_statement_matches (row->statement, marked_concern);

      show_statement_result (row, marked_concern, matches);
      if (matches)
        correct++;
    }
  self->checked = TRUE;

  /* TRANSLATORS: the first number is how many marks match, the second how many statements there are. */
  total_text = g_strdup_printf (ngettext ("%u of %u matches", "%u of %u match", self->rows->len),
                                correct, self->rows->len);
  gtk_label_set_label (self->total_label, total_text);
  gtk_widget_set_visible (self->summary_box, TRUE);
  gtk_widget_set_visible (self->try_again_button, TRUE);
  gtk_widget_set_visible (self->check_button, FALSE);
  /* The check button is gone; keep the keyboard focus where it was. */
  gtk_widget_grab_focus (self->try_again_button);

  result = json_object_new ();
  json_object_set_int_member (result, "correct", correct);
  json_object_set_int_member (result, "total", self->rows->len);
  object = g_strdup_printf ("signal-exercise/%s", self->exercise->id);
  trellis_progress_store_record (self->store, self->course, TR_VERB_ANSWERED, object, result);
  clear_draft (self);
}

static void
try_again_clicked_cb (TrellisSignalPage *self)
{
  if (self->exercise != NULL)
    clear_draft (self);
  show_unchecked (self);
  if (self->rows->len > 0)
    gtk_widget_grab_focus (GTK_WIDGET (g_array_index (self->rows, StatementRow, 0).concern_button));
}

GtkWidget *
trellis_signal_page_new (TrellisProgressStore *store,
                         TrCourse             *course,
                         TrLang                lang)
{
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);
  g_return_val_if_fail (TR_IS_COURSE (course), NULL);
  g_return_val_if_fail (lang < TR_N_LANGS, NULL);

  return g_object_new (TRELLIS_TYPE_SIGNAL_PAGE,
                       "store", store,
                       "course", course,
                       "lang", (guint) lang,
                       NULL);
}

void
trellis_signal_page_show_exercise (TrellisSignalPage *self,
                                   const char        *exercise_id)
{
  const TrSignalExercise *exercise;
  g_autofree char *place = NULL;

  g_return_if_fail (TRELLIS_IS_SIGNAL_PAGE (self));
  g_return_if_fail (exercise_id != NULL);

  exercise = tr_course_find_signal_exercise (self->course, exercise_id);
  if (exercise == NULL)
    {
      g_warning ("Course %s has no signal exercise %s", tr_course_get_id (self->course), exercise_id);
      return;
    }

  self->exercise = exercise;
  gtk_label_set_label (self->title_label, tr_text_get (&exercise->title, self->lang));
  trellis_block_view_set_markdown (self->case_view, tr_text_get (&exercise->case_text, self->lang),
                                   tr_course_get_dir (self->course));

  clear_statements (self);
  g_array_set_size (self->rows, exercise->statements->len);
  for (guint i = 0; i < exercise->statements->len; i++)
    {
      StatementRow *row = &g_array_index (self->rows, StatementRow, i);

      row->statement = g_ptr_array_index (exercise->statements, i);
      gtk_list_box_append (self->statement_list, create_statement_row (self, i + 1, row));
    }
  show_unchecked (self);
  restore_draft (self);

  place = g_strdup_printf ("signal-exercise/%s", exercise->id);
  trellis_progress_store_set_position (self->store, tr_course_get_id (self->course), place);
}

static void
trellis_signal_page_dispose (GObject *object)
{
  TrellisSignalPage *self = TRELLIS_SIGNAL_PAGE (object);

  self->exercise = NULL;
  g_array_set_size (self->rows, 0);
  g_clear_object (&self->store);
  g_clear_object (&self->course);

  G_OBJECT_CLASS (trellis_signal_page_parent_class)->dispose (object);
}

static void
trellis_signal_page_finalize (GObject *object)
{
  TrellisSignalPage *self = TRELLIS_SIGNAL_PAGE (object);

  g_clear_pointer (&self->rows, g_array_unref);

  G_OBJECT_CLASS (trellis_signal_page_parent_class)->finalize (object);
}

static void
trellis_signal_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TrellisSignalPage *self = TRELLIS_SIGNAL_PAGE (object);

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
trellis_signal_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TrellisSignalPage *self = TRELLIS_SIGNAL_PAGE (object);

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
trellis_signal_page_class_init (TrellisSignalPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_signal_page_dispose;
  object_class->finalize = trellis_signal_page_finalize;
  object_class->get_property = trellis_signal_page_get_property;
  object_class->set_property = trellis_signal_page_set_property;

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

  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-signal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisSignalPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, TrellisSignalPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisSignalPage, case_view);
  gtk_widget_class_bind_template_child (widget_class, TrellisSignalPage, statement_list);
  gtk_widget_class_bind_template_child (widget_class, TrellisSignalPage, summary_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisSignalPage, total_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisSignalPage, check_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisSignalPage, try_again_button);
  gtk_widget_class_bind_template_callback (widget_class, check_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, try_again_clicked_cb);
}

static void
trellis_signal_page_init (TrellisSignalPage *self)
{
  self->rows = g_array_new (FALSE, TRUE, sizeof (StatementRow));

  gtk_widget_init_template (GTK_WIDGET (self));
}
