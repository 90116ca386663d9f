/* trellis-scenario-page.c
 *
 * The run (lib/tr-scenario-run.h) holds where the learner is; the page only
 * shows it. After a choice the run has already moved on, but the page first
 * shows that choice's feedback ("showing_outcome") and moves to the next
 * situation when the learner continues.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-scenario-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tr-scenario-run.h"
#include "trellis-block-view.h"
#include "trellis-note-editor.h"
#include "trellis-scenario-page.h"

#define MAX_KEYED_CHOICES 9

struct _TrellisScenarioPage
{
  AdwBin                parent_instance;

  TrellisProgressStore *store;
  TrCourse             *course;
  TrLang                lang;

  char                 *scenario_id;
  TrScenarioRun        *run;
  gboolean              showing_outcome;
  gboolean              ending_recorded;
  GPtrArray            *transient;        /* GtkWidget*: what update() built */
  GPtrArray            *choice_buttons;   /* GtkWidget*, in the order shown */
  GtkWidget            *note_editor;

  GtkStack             *stack;
  GtkLabel             *title_label;
  GtkLabel             *role_label;
  GtkLabel             *setting_label;
  GtkWidget            *ending_box;
  GtkWidget            *verdict_box;
  GtkImage             *verdict_icon;
  GtkLabel             *verdict_label;
  GtkWidget            *restart_button;
  GtkWidget            *path_section;
  GtkLabel             *path_heading;
  GtkWidget            *situation_box;
  GtkLabel             *situation_heading;
  GtkWidget            *choices_box;
  GtkWidget            *outcome_box;
  GtkLabel             *chosen_label;
  GtkWidget            *continue_button;
  GtkWidget            *note_box;
};

G_DEFINE_FINAL_TYPE (TrellisScenarioPage, trellis_scenario_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_COURSE,
  PROP_LANG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
setting_to_label (const char *setting)
{
  static const struct {
    const char *id;
    const char *label;
  } settings[] = {
    { "classroom", N_("Classroom") },
    { "school", N_("School") },
    { "youth-centre", N_("Youth centre") },
    { "municipal-counter", N_("Municipal counter") },
    { "home-visit", N_("Home visit") },
    { "online", N_("Online") },
    { "street", N_("Street") },
    { "community", N_("Community") },
    { "police", N_("Police") },
    { "care", N_("Care") },
    { "other", N_("Other") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    if (g_strcmp0 (settings[i].id, setting) == 0)
      return _(settings[i].label);
  return setting;
}

static const char *
text (TrellisScenarioPage *self,
      const TrText        *tr_text)
{
  return tr_text_get (tr_text, self->lang);
}

static GtkWidget *
block_view_new (TrellisScenarioPage *self,
                const TrText        *tr_text)
{
  GtkWidget *view = trellis_block_view_new ();

  trellis_block_view_set_markdown (TRELLIS_BLOCK_VIEW (view), text (self, tr_text), tr_course_get_dir (self->course));
  return view;
}

static GtkWidget *
card_new (GtkWidget *child)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_set_margin_top (child, 12);
  gtk_widget_set_margin_bottom (child, 12);
  gtk_widget_set_margin_start (child, 12);
  gtk_widget_set_margin_end (child, 12);
  gtk_box_append (GTK_BOX (card), child);
  return card;
}

/* Everything that depends on the run is built anew at each step, next to a
 * wrapping label that never goes away. GTK 4.8 keeps the size request mode
 * it first saw for a box that was empty and hidden, and would then cut
 * wrapped text short in a box filled later. */
static void
add_transient (TrellisScenarioPage *self,
               GtkWidget           *box,
               GtkWidget           *sibling,
               GtkWidget           *widget)
{
  if (sibling != NULL)
    gtk_box_insert_child_after (GTK_BOX (box), widget, sibling);
  else
    gtk_box_append (GTK_BOX (box), widget);
  g_ptr_array_add (self->transient, widget);
}

static void
clear_transient (TrellisScenarioPage *self)
{
  for (guint i = 0; i < self->transient->len; i++)
    {
      GtkWidget *widget = g_ptr_array_index (self->transient, i);

      gtk_box_remove (GTK_BOX (gtk_widget_get_parent (widget)), widget);
    }
  g_ptr_array_set_size (self->transient, 0);
  g_ptr_array_set_size (self->choice_buttons, 0);
}

static char *
scenario_object (TrellisScenarioPage *self)
{
  return g_strconcat ("scenario/", self->scenario_id, NULL);
}

static void go_back_clicked_cb (TrellisScenarioPage *self,
                                GtkButton           *button);
static void choice_clicked_cb  (TrellisScenarioPage *self,
                                GtkButton           *button);

/* One earlier decision: the situation (folded away), the choice made, its
 * feedback, and a way back to it. */
static GtkWidget *
create_step (TrellisScenarioPage *self,
             guint                step)
{
  const TrScenarioNode *node = tr_scenario_run_get_step_node (self->run, step);
  const TrChoice *choice = tr_scenario_run_get_step_choice (self->run, step);
  g_autofree char *heading = g_strdup_printf (_("Decision %u"), step + 1);
  g_autofree char *chose = g_strdup_printf (_("You chose: %s"), text (self, &choice->text));
  g_autofree char *back_label = g_strdup_printf (_("Go back to decision %u"), step + 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading_label = g_object_new (GTK_TYPE_LABEL,
                                           "label", heading,
                                           "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING,
                                           "xalign", 0.0f,
                                           NULL);
  GtkWidget *expander = gtk_expander_new_with_mnemonic (_("The _situation"));
  GtkWidget *situation = block_view_new (self, &node->text);
  GtkWidget *chose_label = g_object_new (GTK_TYPE_LABEL,
                                         "label", chose,
                                         "wrap", TRUE,
                                         "wrap-mode", PANGO_WRAP_WORD_CHAR,
                                         "xalign", 0.0f,
                                         NULL);
  GtkWidget *feedback = block_view_new (self, &choice->feedback);
  GtkWidget *back = gtk_button_new_with_label (_("Go back to this decision"));

  gtk_widget_add_css_class (heading_label, "heading");
  gtk_box_append (GTK_BOX (box), heading_label);

  gtk_widget_set_margin_top (situation, 6);
  gtk_expander_set_child (GTK_EXPANDER (expander), situation);
  gtk_box_append (GTK_BOX (box), expander);

  gtk_widget_add_css_class (chose_label, "heading");
  gtk_box_append (GTK_BOX (box), chose_label);
  gtk_box_append (GTK_BOX (box), feedback);

  gtk_widget_set_halign (back, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (back), GTK_ACCESSIBLE_PROPERTY_LABEL, back_label, -1);
  g_object_set_data (G_OBJECT (back), "trellis-step", GUINT_TO_POINTER (step));
  g_signal_connect_object (back, "clicked", G_CALLBACK (go_back_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), back);

  return card_new (box);
}

static void
show_path (TrellisScenarioPage *self,
           gboolean             finished)
{
  guint n_steps = tr_scenario_run_get_n_steps (self->run);

  /* The step whose outcome is shown below is not part of the path yet. */
  if (self->showing_outcome && n_steps > 0)
    n_steps--;

  for (guint i = 0; i < n_steps; i++)
    add_transient (self, self->path_section, NULL, create_step (self, i));
  gtk_label_set_label (self->path_heading, finished ? _("Your choices and why they matter") : _("The story so far"));
  gtk_widget_set_visible (self->path_section, n_steps > 0);
}

static GtkWidget *
create_choice_button (TrellisScenarioPage *self,
                      const TrChoice      *choice,
                      guint                number)
{
  /* Translators: a numbered choice in a scenario, "1. Ask him what he meant." */
  g_autofree char *label = g_strdup_printf (_("%u. %s"), number, text (self, &choice->text));
  GtkWidget *button = gtk_button_new_with_label (label);
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));

  /* A choice is a sentence or two: let it wrap rather than widen the page. */
  gtk_label_set_wrap (GTK_LABEL (child), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (child), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (child), 0);
  gtk_widget_set_margin_top (child, 12);
  gtk_widget_set_margin_bottom (child, 12);
  gtk_widget_set_margin_start (child, 6);
  gtk_widget_set_margin_end (child, 6);
  gtk_widget_add_css_class (button, "card");
  g_object_set_data_full (G_OBJECT (button), "trellis-choice", g_strdup (choice->id), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (choice_clicked_cb), self, G_CONNECT_SWAPPED);
  return button;
}

static void
show_choices (TrellisScenarioPage *self)
{
  const TrScenarioNode *node = tr_scenario_run_get_node (self->run);
  g_autoptr(GPtrArray) choices = tr_scenario_run_get_choices (self->run);
  g_autofree char *heading = g_strdup_printf (_("Decision %u"), tr_scenario_run_get_n_steps (self->run) + 1);

  gtk_label_set_label (self->situation_heading, heading);
  add_transient (self, self->situation_box, GTK_WIDGET (self->situation_heading), block_view_new (self, &node->text));
  for (guint i = 0; i < choices->len; i++)
    {
      GtkWidget *button = create_choice_button (self, g_ptr_array_index (choices, i), i + 1);

      add_transient (self, self->choices_box, NULL, button);
      g_ptr_array_add (self->choice_buttons, button);
    }
  gtk_widget_set_visible (self->choices_box, TRUE);
  gtk_widget_set_visible (self->outcome_box, FALSE);
}

static void
show_outcome (TrellisScenarioPage *self)
{
  guint step = tr_scenario_run_get_n_steps (self->run) - 1;
  const TrScenarioNode *node = tr_scenario_run_get_step_node (self->run, step);
  const TrChoice *choice = tr_scenario_run_get_step_choice (self->run, step);
  g_autofree char *heading = g_strdup_printf (_("Decision %u"), step + 1);
  g_autofree char *chose = g_strdup_printf (_("You chose: %s"), text (self, &choice->text));

  gtk_label_set_label (self->situation_heading, heading);
  add_transient (self, self->situation_box, GTK_WIDGET (self->situation_heading), block_view_new (self, &node->text));
  gtk_label_set_label (self->chosen_label, chose);
  add_transient (self, self->outcome_box, GTK_WIDGET (self->chosen_label),
                 card_new (block_view_new (self, &choice->feedback)));
  gtk_widget_set_visible (self->choices_box, FALSE);
  gtk_widget_set_visible (self->outcome_box, TRUE);
}

static void
record_completed (TrellisScenarioPage  *self,
                  const TrScenarioNode *ending)
{
  static const char * const verdicts[] = { "good", "mixed", "poor" };
  g_autoptr(JsonObject) result = json_object_new ();
  g_autofree char *object = scenario_object (self);

  json_object_set_string_member (result, "ending", ending->id);
  json_object_set_string_member (result, "verdict", verdicts[ending->verdict]);
  json_object_set_int_member (result, "score", tr_scenario_run_get_score (self->run));
  trellis_progress_store_record (self->store, self->course, TR_VERB_COMPLETED, object, result);
}

static void
show_ending (TrellisScenarioPage *self)
{
  const TrScenarioNode *node = tr_scenario_run_get_node (self->run);
  static const char * const classes[] = { "success", "warning", "error" };
  static const char * const icons[] = { "emblem-ok-symbolic", "dialog-warning-symbolic", "dialog-error-symbolic" };
  const char *labels[] = { _("Good outcome"), _("Mixed outcome"), _("Poor outcome") };
  GtkWidget *ending_text;

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (self->verdict_box, classes[i]);
  if (node == NULL)
    {
      /* Only a broken course leads nowhere; the validator refuses those. */
      gtk_label_set_label (self->verdict_label, _("The story ends here"));
      gtk_image_clear (self->verdict_icon);
      return;
    }

  g_assert (node->verdict < G_N_ELEMENTS (classes));
  gtk_widget_add_css_class (self->verdict_box, classes[node->verdict]);
  gtk_image_set_from_icon_name (self->verdict_icon, icons[node->verdict]);
  gtk_label_set_label (self->verdict_label, labels[node->verdict]);
  ending_text = block_view_new (self, &node->text);
  add_transient (self, self->ending_box, self->verdict_box, ending_text);
  if (tr_text_is_set (&node->ending_summary))
    add_transient (self, self->ending_box, ending_text, card_new (block_view_new (self, &node->ending_summary)));

  if (!self->ending_recorded)
    {
      record_completed (self, node);
      self->ending_recorded = TRUE;
    }
}

/* Shows the run as it is now and moves keyboard focus to where the learner
 * acts next. */
static void
update (TrellisScenarioPage *self)
{
  gboolean finished = !self->showing_outcome && tr_scenario_run_is_finished (self->run);

  clear_transient (self);
  show_path (self, finished);
  gtk_widget_set_visible (self->ending_box, finished);
  gtk_widget_set_visible (self->situation_box, !finished);

  if (finished)
    {
      show_ending (self);
      gtk_widget_grab_focus (self->restart_button);
    }
  else if (self->showing_outcome)
    {
      show_outcome (self);
      gtk_widget_grab_focus (self->continue_button);
    }
  else
    {
      show_choices (self);
      if (self->choice_buttons->len > 0)
        gtk_widget_grab_focus (g_ptr_array_index (self->choice_buttons, 0));
    }
}

static void
choose (TrellisScenarioPage *self,
        const char          *choice_id)
{
  const TrScenarioNode *node = tr_scenario_run_get_node (self->run);
  g_autofree char *object = NULL;
  g_autoptr(JsonObject) result = NULL;
  const TrChoice *choice;

  if (self->showing_outcome || node == NULL || !tr_scenario_run_choose (self->run, choice_id))
    return;

  choice = tr_scenario_run_get_step_choice (self->run, tr_scenario_run_get_n_steps (self->run) - 1);
  object = g_strconcat ("scenario/", self->scenario_id, "/node/", node->id, NULL);
  result = json_object_new ();
  json_object_set_string_member (result, "choice", choice->id);
  json_object_set_int_member (result, "weight", choice->weight);
  trellis_progress_store_record (self->store, self->course, TR_VERB_CHOSE, object, result);

  self->showing_outcome = TRUE;
  self->ending_recorded = FALSE;
  update (self);
}

static void
choice_clicked_cb (TrellisScenarioPage *self,
                   GtkButton           *button)
{
  choose (self, g_object_get_data (G_OBJECT (button), "trellis-choice"));
}

static void
continue_clicked_cb (TrellisScenarioPage *self)
{
  self->showing_outcome = FALSE;
  update (self);
}

/* Going back records nothing: the next choice made at that decision is
 * what tells a later replay to go back there too. */
static void
rewind_to (TrellisScenarioPage *self,
           guint                step)
{
  tr_scenario_run_rewind (self->run, step);
  self->showing_outcome = FALSE;
  self->ending_recorded = FALSE;
  update (self);
}

static void
go_back_clicked_cb (TrellisScenarioPage *self,
                    GtkButton           *button)
{
  rewind_to (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "trellis-step")));
}

static void
restart_clicked_cb (TrellisScenarioPage *self)
{
  rewind_to (self, 0);
}

static void
choose_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TrellisScenarioPage *self = TRELLIS_SCENARIO_PAGE (widget);
  guint number = g_variant_get_uint32 (parameter);

  if (self->run == NULL || number < 1 || number > self->choice_buttons->len)
    return;
  g_signal_emit_by_name (g_ptr_array_index (self->choice_buttons, number - 1), "clicked");
}

static gint
compare_events_by_time (gconstpointer a,
                        gconstpointer b)
{
  const TrEvent *event_a = *(const TrEvent **) a;
  const TrEvent *event_b = *(const TrEvent **) b;

  return (event_a->timestamp > event_b->timestamp) - (event_a->timestamp < event_b->timestamp);
}

/* Rebuilds where the learner was: the choices made since the scenario was
 * last finished, replayed in order. */
static void
replay (TrellisScenarioPage *self)
{
  GPtrArray *events = trellis_progress_store_get_events (self->store);
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();
  g_autofree char *object = scenario_object (self);
  g_autofree char *node_prefix = g_strconcat (object, "/node/", NULL);
  const char *course_id = tr_course_get_id (self->course);
  guint start = 0;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const TrEvent *event = g_ptr_array_index (events, i);

      if (g_strcmp0 (event->course_id, course_id) != 0)
        continue;
      if ((event->verb == TR_VERB_CHOSE && g_str_has_prefix (event->object, node_prefix)) ||
          (event->verb == TR_VERB_COMPLETED && g_strcmp0 (event->object, object) == 0))
        g_ptr_array_add (mine, (gpointer) event);
    }
  /* Events synced from another device may come later in the log than
   * newer ones made here; the sort is stable, so ties keep their order. */
  g_ptr_array_sort (mine, compare_events_by_time);

  for (guint i = 0; i < mine->len; i++)
    if (((const TrEvent *) g_ptr_array_index (mine, i))->verb == TR_VERB_COMPLETED)
      start = i + 1;

  for (guint i = start; i < mine->len; i++)
    {
      const TrEvent *event = g_ptr_array_index (mine, i);
      const char *node_id = event->object + strlen (node_prefix);
      const char *choice_id = tr_event_result_string (event, "choice");

      if (!tr_scenario_run_follow (self->run, node_id, choice_id))
        {
          g_debug ("Cannot replay %s → %s; the course changed, starting over", event->object, choice_id);
          tr_scenario_run_rewind (self->run, 0);
          break;
        }
    }
}

GtkWidget *
trellis_scenario_page_new (TrellisProgressStore *store,
                           TrCourse             *course,
                           TrLang                lang)
{
  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);
  g_return_val_if_fail (TR_IS_COURSE (course), NULL);
  g_return_val_if_fail (lang < TR_N_LANGS, NULL);

  return g_object_new (TRELLIS_TYPE_SCENARIO_PAGE,
                       "store", store,
                       "course", course,
                       "lang", (guint) lang,
                       NULL);
}

void
trellis_scenario_page_show_scenario (TrellisScenarioPage *self,
                                     const char          *scenario_id)
{
  const TrScenario *scenario;
  g_autofree char *object = NULL;

  g_return_if_fail (TRELLIS_IS_SCENARIO_PAGE (self));
  g_return_if_fail (scenario_id != NULL);

  g_clear_pointer (&self->run, tr_scenario_run_free);
  g_free (self->scenario_id);
  self->scenario_id = g_strdup (scenario_id);
  self->showing_outcome = FALSE;
  self->ending_recorded = FALSE;
  clear_transient (self);

  scenario = tr_course_find_scenario (self->course, scenario_id);
  if (scenario == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "missing");
      return;
    }

  object = scenario_object (self);
  trellis_progress_store_set_position (self->store, tr_course_get_id (self->course), object);
  trellis_note_editor_set_object (TRELLIS_NOTE_EDITOR (self->note_editor), tr_course_get_id (self->course), object);

  gtk_label_set_label (self->title_label, text (self, &scenario->title));
  gtk_label_set_label (self->role_label, text (self, &scenario->role));
  gtk_widget_set_visible (GTK_WIDGET (self->role_label), tr_text_is_set (&scenario->role));
  if (scenario->setting != NULL)
    {
      g_autofree char *setting = g_strdup_printf (_("Setting: %s"), setting_to_label (scenario->setting));

      gtk_label_set_label (self->setting_label, setting);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->setting_label), scenario->setting != NULL);

  self->run = tr_scenario_run_new (scenario);
  replay (self);
  gtk_stack_set_visible_child_name (self->stack, "scenario");
  update (self);
}

static void
trellis_scenario_page_constructed (GObject *object)
{
  TrellisScenarioPage *self = TRELLIS_SCENARIO_PAGE (object);

  G_OBJECT_CLASS (trellis_scenario_page_parent_class)->constructed (object);

  self->note_editor = trellis_note_editor_new (self->store);
  gtk_box_append (GTK_BOX (self->note_box), self->note_editor);
}

static void
trellis_scenario_page_dispose (GObject *object)
{
  TrellisScenarioPage *self = TRELLIS_SCENARIO_PAGE (object);

  /* The template's stack is the bin's child: take it from the bin first,
   * or both would unparent it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRELLIS_TYPE_SCENARIO_PAGE);
  self->note_editor = NULL;
  g_ptr_array_set_size (self->transient, 0);
  g_ptr_array_set_size (self->choice_buttons, 0);
  g_clear_pointer (&self->run, tr_scenario_run_free);
  g_clear_object (&self->store);
  g_clear_object (&self->course);

  G_OBJECT_CLASS (trellis_scenario_page_parent_class)->dispose (object);
}

static void
trellis_scenario_page_finalize (GObject *object)
{
  TrellisScenarioPage *self = TRELLIS_SCENARIO_PAGE (object);

  g_free (self->scenario_id);
  g_ptr_array_unref (self->transient);
  g_ptr_array_unref (self->choice_buttons);

  G_OBJECT_CLASS (trellis_scenario_page_parent_class)->finalize (object);
}

static void
trellis_scenario_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TrellisScenarioPage *self = TRELLIS_SCENARIO_PAGE (object);

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
trellis_scenario_page_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  TrellisScenarioPage *self = TRELLIS_SCENARIO_PAGE (object);

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
trellis_scenario_page_class_init (TrellisScenarioPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = trellis_scenario_page_constructed;
  object_class->dispose = trellis_scenario_page_dispose;
  object_class->finalize = trellis_scenario_page_finalize;
  object_class->get_property = trellis_scenario_page_get_property;
  object_class->set_property = trellis_scenario_page_set_property;

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

  /* Number keys pick the choice with that number. */
  gtk_widget_class_install_action (widget_class, "scenario.choose", "u", choose_action_cb);
  for (guint i = 1; i <= MAX_KEYED_CHOICES; i++)
    {
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0 + i, 0, "scenario.choose", "u", i);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0 + i, 0, "scenario.choose", "u", i);
    }

  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-scenario-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, role_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, setting_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, ending_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, verdict_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, restart_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, path_section);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, path_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, situation_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, situation_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, choices_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, outcome_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, chosen_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, continue_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisScenarioPage, note_box);
  gtk_widget_class_bind_template_callback (widget_class, continue_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, restart_clicked_cb);
}

static void
trellis_scenario_page_init (TrellisScenarioPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->transient = g_ptr_array_new ();
  self->choice_buttons = g_ptr_array_new ();
}
