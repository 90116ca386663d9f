/* trellis-guide-page.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-guide-page"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-block-view.h"
#include "trellis-guide-page.h"

struct _TrellisGuidePage
{
  AdwBin            parent_instance;

  TrCourse         *course;
  TrLang            lang;

  GtkStack         *stack;
  GtkLabel         *course_label;
  GtkLabel         *duration_label;
  GtkWidget        *present_button;
  GtkWidget        *goal_heading;
  TrellisBlockView *goal_view;
  GtkWidget        *preparation_heading;
  TrellisBlockView *preparation_view;
  GtkWidget        *warm_up_heading;
  TrellisBlockView *warm_up_view;
  GtkWidget        *ground_rules_heading;
  TrellisBlockView *ground_rules_view;
  GtkWidget        *sensitive_heading;
  TrellisBlockView *sensitive_view;
  GtkWidget        *plan_heading;
  GtkListBox       *plan_list;
  GtkWidget        *discussion_heading;
  GtkBox           *discussion_box;
};

G_DEFINE_FINAL_TYPE (TrellisGuidePage, trellis_guide_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_COURSE,
  PROP_LANG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_section (GtkWidget        *heading,
              TrellisBlockView *view,
              const TrText     *text,
              TrLang            lang)
{
  gboolean shown = tr_text_is_set (text);

  trellis_block_view_set_markdown (view, shown ? tr_text_get (text, lang) : NULL, NULL);
  gtk_widget_set_visible (heading, shown);
  gtk_widget_set_visible (GTK_WIDGET (view), shown);
}

static GtkWidget *
label_new (const char *text,
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

static char *
format_clock (int minutes)
{
  return g_strdup_printf ("%d:%02d", minutes / 60, minutes % 60);
}

/* What a part of the plan uses, as "Lesson: First signals"; NULL for nothing. */
static char *
describe_use (TrellisGuidePage  *self,
              const char        *lesson_id,
              const char        *scenario_id)
{
  const TrLesson *lesson = lesson_id != NULL ? tr_course_find_lesson (self->course, lesson_id) : NULL;
  const TrScenario *scenario = scenario_id != NULL ? tr_course_find_scenario (self->course, scenario_id) : NULL;

  if (lesson != NULL)
    /* Translators: what a part of a session plan uses, e.g. "Lesson: First signals". */
    return g_strdup_printf (_("Lesson: %s"), tr_text_get (&lesson->title, self->lang));
  if (scenario != NULL)
    /* Translators: what a part of a session plan uses, e.g. "Scenario: A remark in the corridor". */
    return g_strdup_printf (_("Scenario: %s"), tr_text_get (&scenario->title, self->lang));
  return NULL;
}

static GtkWidget *
plan_row_new (TrellisGuidePage  *self,
              const TrGuidePart *part,
              guint              index)
{
  const char *title = tr_text_get (&part->title, self->lang);
  g_autofree char *from = format_clock (part->start);
  g_autofree char *to = format_clock (part->start + part->minutes);
  g_autofree char *minutes = g_strdup_printf (ngettext ("%d minute", "%d minutes", part->minutes), part->minutes);
  /* Translators: when a part of a session takes place, e.g. "0:15–0:40 · 25 minutes". */
  g_autofree char *when = g_strdup_printf (_("%s–%s · %s"), from, to, minutes);
  g_autofree char *use = describe_use (self, part->lesson, part->scenario);
  /* Translators: the accessible name of the button that presents from one part of the plan. */
  g_autofree char *present_name = g_strdup_printf (_("Present from “%s”"), title);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *when_label = label_new (when, "caption");
  GtkWidget *title_label = label_new (title, "heading");
  GtkWidget *button = gtk_button_new_from_icon_name ("media-playback-start-symbolic");

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_add_css_class (when_label, "numeric");
  gtk_widget_add_css_class (when_label, "dim-label");
  gtk_accessible_update_property (GTK_ACCESSIBLE (title_label), GTK_ACCESSIBLE_PROPERTY_LEVEL, 3, -1);
  gtk_box_append (GTK_BOX (text), when_label);
  gtk_box_append (GTK_BOX (text), title_label);
  if (use != NULL)
    {
      GtkWidget *use_label = label_new (use, "dim-label");

      gtk_box_append (GTK_BOX (text), use_label);
    }
  gtk_box_append (GTK_BOX (top), text);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Present from this part"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, present_name, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "guide.present");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_uint32 (index));
  gtk_widget_add_css_class (button, "circular");
  gtk_box_append (GTK_BOX (top), button);
  gtk_box_append (GTK_BOX (box), top);

  if (tr_text_is_set (&part->activity))
    {
      GtkWidget *activity = trellis_block_view_new ();

      trellis_block_view_set_markdown (TRELLIS_BLOCK_VIEW (activity), tr_text_get (&part->activity, self->lang), NULL);
      gtk_box_append (GTK_BOX (box), activity);
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return row;
}

/* The questions as one numbered Markdown list. */
static char *
questions_markdown (const TrDiscussion *discussion,
                    TrLang              lang)
{
  GString *markdown = g_string_new (NULL);

  for (guint i = 0; discussion->questions != NULL && i < discussion->questions->len; i++)
    {
      g_autofree char *question = g_strdup (tr_text_get (g_ptr_array_index (discussion->questions, i), lang));

      g_strdelimit (question, "\r\n", ' ');
      g_string_append_printf (markdown, "%u. %s\n", i + 1, g_strstrip (question));
    }
  return g_string_free (markdown, FALSE);
}

static void
show_discussion (TrellisGuidePage *self,
                 const TrGuide    *guide)
{
  GtkWidget *child;
  gboolean any = FALSE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->discussion_box))) != NULL)
    gtk_box_remove (self->discussion_box, child);
  for (guint i = 0; guide->discussion != NULL && i < guide->discussion->len; i++)
    {
      const TrDiscussion *discussion = g_ptr_array_index (guide->discussion, i);
      g_autofree char *about = describe_use (self, discussion->lesson, discussion->scenario);
      g_autofree char *markdown = NULL;
      GtkWidget *heading, *view;

      if (discussion->questions == NULL || discussion->questions->len == 0)
        continue;
      any = TRUE;
      heading = label_new (about != NULL ? about : _("General"), "heading");
      gtk_accessible_update_property (GTK_ACCESSIBLE (heading), GTK_ACCESSIBLE_PROPERTY_LEVEL, 3, -1);
      gtk_box_append (self->discussion_box, heading);
      markdown = questions_markdown (discussion, self->lang);
      view = trellis_block_view_new ();
      trellis_block_view_set_markdown (TRELLIS_BLOCK_VIEW (view), markdown, NULL);
      gtk_box_append (self->discussion_box, view);
    }
  gtk_widget_set_visible (self->discussion_heading, any);
  gtk_widget_set_visible (GTK_WIDGET (self->discussion_box), any);
}

static void
show_guide (TrellisGuidePage *self)
{
  const TrGuide *guide = tr_course_get_guide (self->course);
  GtkWidget *child;
  guint n_parts;

  gtk_label_set_label (self->course_label, tr_text_get (tr_course_get_title (self->course), self->lang));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->plan_list))) != NULL)
    gtk_list_box_remove (self->plan_list, child);
  if (guide == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "none");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "guide.present", FALSE);
      return;
    }

  if (guide->duration_minutes > 0)
    {
      int hours = guide->duration_minutes / 60, minutes = guide->duration_minutes % 60;
      g_autofree char *duration = NULL;

      if (hours == 0)
        duration = g_strdup_printf (ngettext ("A session of %d minute", "A session of %d minutes", minutes), minutes);
      else if (minutes == 0)
        duration = g_strdup_printf (ngettext ("A session of %d hour", "A session of %d hours", hours), hours);
      else
        /* Translators: the length of a training session, e.g. "A session of 3 h 30 min". */
        duration = g_strdup_printf (_("A session of %d h %d min"), hours, minutes);

      gtk_label_set_label (self->duration_label, duration);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->duration_label), guide->duration_minutes > 0);
  show_section (self->goal_heading, self->goal_view, &guide->goal, self->lang);
  show_section (self->preparation_heading, self->preparation_view, &guide->preparation, self->lang);
  show_section (self->warm_up_heading, self->warm_up_view, &guide->warm_up, self->lang);
  show_section (self->ground_rules_heading, self->ground_rules_view, &guide->ground_rules, self->lang);
  show_section (self->sensitive_heading, self->sensitive_view, &guide->sensitive_reactions, self->lang);

  n_parts = guide->plan != NULL ? guide->plan->len : 0;
  for (guint i = 0; i < n_parts; i++)
    gtk_list_box_append (self->plan_list, plan_row_new (self, g_ptr_array_index (guide->plan, i), i));
  gtk_widget_set_visible (self->plan_heading, n_parts > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->plan_list), n_parts > 0);
  gtk_widget_set_visible (self->present_button, n_parts > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "guide.present", n_parts > 0);

  show_discussion (self, guide);
  gtk_stack_set_visible_child_name (self->stack, "guide");
}

GtkWidget *
trellis_guide_page_new (TrCourse *course,
                        TrLang    lang)
{
  g_return_val_if_fail (TR_IS_COURSE (course), NULL);

  return g_object_new (TRELLIS_TYPE_GUIDE_PAGE,
                       "course", course,
                       "lang", lang,
                       NULL);
}

TrCourse *
trellis_guide_page_get_course (TrellisGuidePage *self)
{
  g_return_val_if_fail (TRELLIS_IS_GUIDE_PAGE (self), NULL);
  return self->course;
}

/* Opens the presenter at the first slide of part @part of the plan, in the
 * page's application. The presentation belongs to its windows. */
TrellisPresenter *
trellis_guide_page_present (TrellisGuidePage *self,
                            guint             part)
{
  g_autoptr(TrellisPresenter) presenter = NULL;
  GtkRoot *root;
  GtkApplication *application = NULL;

  g_return_val_if_fail (TRELLIS_IS_GUIDE_PAGE (self), NULL);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    application = gtk_window_get_application (GTK_WINDOW (root));
  presenter = trellis_presenter_new (self->course, self->lang);
  if (trellis_presenter_deck_get_n_slides (trellis_presenter_get_deck (presenter)) == 0)
    return NULL;
  trellis_presenter_set_current (presenter, trellis_presenter_get_part_slide (presenter, part));
  trellis_presenter_show (presenter, application);
  return presenter;
}

static void
present_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  trellis_guide_page_present (TRELLIS_GUIDE_PAGE (widget), g_variant_get_uint32 (parameter));
}

static void
trellis_guide_page_map (GtkWidget *widget)
{
  TrellisGuidePage *self = TRELLIS_GUIDE_PAGE (widget);

  GTK_WIDGET_CLASS (trellis_guide_page_parent_class)->map (widget);
  /* As the other activity pages do, the page puts the focus on its start. */
  if (gtk_widget_get_visible (self->present_button))
    gtk_widget_grab_focus (self->present_button);
}

static void
trellis_guide_page_constructed (GObject *object)
{
  TrellisGuidePage *self = TRELLIS_GUIDE_PAGE (object);

  G_OBJECT_CLASS (trellis_guide_page_parent_class)->constructed (object);

  g_assert (self->course != NULL);
  show_guide (self);
}

static void
trellis_guide_page_dispose (GObject *object)
{
  TrellisGuidePage *self = TRELLIS_GUIDE_PAGE (object);

  /* The stack is both the bin's child and a template child: the bin lets
   * go of it first, so that disposing the template does not unparent it
   * behind the bin's back. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TRELLIS_TYPE_GUIDE_PAGE);
  g_clear_object (&self->course);

  G_OBJECT_CLASS (trellis_guide_page_parent_class)->dispose (object);
}

static void
trellis_guide_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TrellisGuidePage *self = TRELLIS_GUIDE_PAGE (object);

  switch (prop_id)
    {
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
trellis_guide_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TrellisGuidePage *self = TRELLIS_GUIDE_PAGE (object);

  switch (prop_id)
    {
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
trellis_guide_page_class_init (TrellisGuidePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = trellis_guide_page_constructed;
  object_class->dispose = trellis_guide_page_dispose;
  object_class->get_property = trellis_guide_page_get_property;
  object_class->set_property = trellis_guide_page_set_property;
  widget_class->map = trellis_guide_page_map;

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
  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-guide-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, course_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, duration_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, present_button);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, goal_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, goal_view);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, preparation_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, preparation_view);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, warm_up_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, warm_up_view);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, ground_rules_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, ground_rules_view);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, sensitive_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, sensitive_view);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, plan_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, plan_list);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, discussion_heading);
  gtk_widget_class_bind_template_child (widget_class, TrellisGuidePage, discussion_box);

  gtk_widget_class_install_action (widget_class, "guide.present", "u", present_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "guide.present", "u", 0);
}

static void
trellis_guide_page_init (TrellisGuidePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
