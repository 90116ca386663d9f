/* trellis-catalogue-page.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-catalogue"

#include "config.h"

#include <glib/gi18n.h>

#include "tr-learning-path.h"
#include "tr-progress.h"
#include "trellis-catalogue-page.h"
#include "trellis-format.h"

struct _TrellisCataloguePage
{
  AdwBin              parent_instance;

  TrellisApplication *application;
  GtkFlowBox         *course_box;
  GtkFlowBox         *path_box;
  GtkWidget          *paths_heading;
};

G_DEFINE_FINAL_TYPE (TrellisCataloguePage, trellis_catalogue_page, ADW_TYPE_BIN)

enum {
  COURSE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static TrCourse *
find_course (TrellisCataloguePage *self,
             const char           *id)
{
  GListModel *courses = trellis_course_library_get_courses (trellis_application_get_library (self->application));

  for (guint i = 0; i < g_list_model_get_n_items (courses); i++)
    {
      g_autoptr(TrCourse) course = g_list_model_get_item (courses, i);

      if (g_strcmp0 (tr_course_get_id (course), id) == 0)
        return course;
    }
  return NULL;
}

static void
card_clicked_cb (GtkButton            *button,
                 TrellisCataloguePage *self)
{
  TrCourse *course = g_object_get_data (G_OBJECT (button), "course");

  if (course != NULL)
    g_signal_emit (self, signals[COURSE_ACTIVATED], 0, course);
}

static GtkWidget *
add_label (GtkBox     *box,
           const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);
  return label;
}

static GtkWidget *
create_card (const char *title,
             const char *summary,
             const char *meta,
             double      fraction,
             const char *progress_text)
{
  GtkWidget *button = gtk_button_new ();
  GtkBox *box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));
  GtkWidget *bar = gtk_progress_bar_new ();
  g_autofree char *accessible = g_strdup_printf ("%s. %s. %s", title, meta, progress_text);

  gtk_widget_add_css_class (button, "card");
  gtk_widget_add_css_class (button, "course-card");
  gtk_widget_set_margin_top (GTK_WIDGET (box), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (box), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (box), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (box), 12);
  add_label (box, title, "title-3");
  gtk_widget_set_vexpand (add_label (box, summary, NULL), TRUE);
  add_label (box, meta, "dim-label");
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (bar), fraction);
  gtk_box_append (box, bar);
  add_label (box, progress_text, "caption");
  gtk_button_set_child (GTK_BUTTON (button), GTK_WIDGET (box));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_tooltip_text (button, title);
  return button;
}

static void
clear_box (GtkFlowBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_flow_box_remove (box, child);
}

static void
fill_courses (TrellisCataloguePage *self,
              GPtrArray            *events,
              TrLang                lang)
{
  GListModel *courses = trellis_course_library_get_courses (trellis_application_get_library (self->application));

  clear_box (self->course_box);
  for (guint i = 0; i < g_list_model_get_n_items (courses); i++)
    {
      g_autoptr(TrCourse) course = g_list_model_get_item (courses, i);
      g_autoptr(TrProgress) progress = tr_progress_compute (course, events);
      g_autofree char *duration = trellis_format_duration (tr_course_get_estimated_minutes (course));
      g_autofree char *languages = trellis_format_languages (course);
      g_autofree char *meta = g_strdup_printf ("%s · %s", duration, languages);
      g_autofree char *progress_text = trellis_format_progress (progress);
      GtkWidget *card = create_card (tr_text_get (tr_course_get_title (course), lang),
                                     tr_text_get (tr_course_get_summary (course), lang),
                                     meta, tr_progress_get_fraction (progress), progress_text);

      g_object_set_data_full (G_OBJECT (card), "course", g_object_ref (course), g_object_unref);
      g_signal_connect_object (card, "clicked", G_CALLBACK (card_clicked_cb), self, 0);
      gtk_flow_box_append (self->course_box, card);
    }
}

/* A path's card opens the first of its courses not yet completed. */
static void
fill_paths (TrellisCataloguePage *self,
            GPtrArray            *events,
            TrLang                lang)
{
  GListModel *paths = trellis_course_library_get_paths (trellis_application_get_library (self->application));
  guint n_shown = 0;

  clear_box (self->path_box);
  for (guint i = 0; i < g_list_model_get_n_items (paths); i++)
    {
      g_autoptr(TrLearningPath) path = g_list_model_get_item (paths, i);
      const char * const *ids = tr_learning_path_get_course_ids (path);
      g_autoptr(GString) modules = g_string_new (NULL);
      g_autofree char *progress_text = NULL;
      TrCourse *next = NULL;
      guint n_courses = 0, n_complete = 0, minutes = 0;
      g_autofree char *duration = NULL;
      g_autofree char *meta = NULL;
      GtkWidget *card;

      for (guint j = 0; ids != NULL && ids[j] != NULL; j++)
        {
          TrCourse *course = find_course (self, ids[j]);
          g_autoptr(TrProgress) progress = NULL;

          if (course == NULL)
            continue;
          progress = tr_progress_compute (course, events);
          n_courses++;
          minutes += tr_course_get_estimated_minutes (course);
          if (tr_progress_is_complete (progress))
            n_complete++;
          else if (next == NULL)
            next = course;
          g_string_append_printf (modules, "%s%s", modules->len > 0 ? " · " : "",
                                  tr_text_get (tr_course_get_title (course), lang));
        }
      if (n_courses == 0)
        continue;
      duration = trellis_format_duration (minutes);
      meta = g_strdup_printf ("%s · %s", duration, modules->str);
      /* Translators: progress through a learning path, e.g. "1 of 3 courses completed" */
      progress_text = g_strdup_printf (_("%u of %u courses completed"), n_complete, n_courses);
      card = create_card (tr_text_get (tr_learning_path_get_title (path), lang),
                          tr_text_get (tr_learning_path_get_summary (path), lang),
                          meta, (double) n_complete / n_courses, progress_text);
      if (next == NULL)
        next = find_course (self, ids[0]);
      g_object_set_data_full (G_OBJECT (card), "course", g_object_ref (next), g_object_unref);
      g_signal_connect_object (card, "clicked", G_CALLBACK (card_clicked_cb), self, 0);
      gtk_flow_box_append (self->path_box, card);
      n_shown++;
    }
  gtk_widget_set_visible (self->paths_heading, n_shown > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->path_box), n_shown > 0);
}

void
trellis_catalogue_page_refresh (TrellisCataloguePage *self)
{
  TrellisProgressStore *store = trellis_application_get_store (self->application);
  TrLang lang = trellis_application_get_language (self->application);
  GPtrArray *events = store != NULL ? trellis_progress_store_get_events (store) : NULL;

  g_return_if_fail (TRELLIS_IS_CATALOGUE_PAGE (self));

  fill_courses (self, events, lang);
  fill_paths (self, events, lang);
}

GtkWidget *
trellis_catalogue_page_new (TrellisApplication *application)
{
  TrellisCataloguePage *self = g_object_new (TRELLIS_TYPE_CATALOGUE_PAGE, NULL);

  self->application = application;
  trellis_catalogue_page_refresh (self);
  return GTK_WIDGET (self);
}

static void
trellis_catalogue_page_class_init (TrellisCataloguePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[COURSE_ACTIVATED] =
    g_signal_new ("course-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TR_TYPE_COURSE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-catalogue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisCataloguePage, course_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisCataloguePage, path_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisCataloguePage, paths_heading);
}

static void
trellis_catalogue_page_init (TrellisCataloguePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
