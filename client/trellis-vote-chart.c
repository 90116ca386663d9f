/* trellis-vote-chart.c
 *
 * One bar per choice, labelled with the choice, never with a name: the
 * chart knows only counts. Until the votes are revealed it draws empty
 * tracks and says so, since the trainer's screen may be on the projector.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-vote-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-vote-chart.h"

#define BAR_HEIGHT  24
#define LABEL_GAP   4
#define ROW_GAP     12
#define COUNT_WIDTH 48

struct _TrellisVoteChart
{
  GtkWidget  parent_instance;

  GPtrArray *labels;    /* char* */
  GArray    *counts;    /* int; -1 where unknown */
  gboolean   revealed;
};

G_DEFINE_FINAL_TYPE (TrellisVoteChart, trellis_vote_chart, GTK_TYPE_WIDGET)

GtkWidget *
trellis_vote_chart_new (void)
{
  return g_object_new (TRELLIS_TYPE_VOTE_CHART, NULL);
}

static PangoLayout *
row_layout (TrellisVoteChart *self,
            guint             index,
            int               width)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), g_ptr_array_index (self->labels, index));

  pango_layout_set_width (layout, MAX (width, 1) * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  return layout;
}

static char *
count_text (TrellisVoteChart *self,
            guint             index)
{
  int count = g_array_index (self->counts, int, index);

  if (!self->revealed || count < 0)
    return g_strdup ("–");
  return g_strdup_printf ("%d", count);
}

static void
update_description (TrellisVoteChart *self)
{
  g_autoptr(GString) description = g_string_new (NULL);

  if (!self->revealed)
    g_string_append (description, _("The votes are hidden until the trainer reveals them."));
  else
    for (guint i = 0; i < self->labels->len; i++)
      {
        int count = MAX (g_array_index (self->counts, int, i), 0);

        if (description->len > 0)
          g_string_append (description, "; ");
        /* Translators: one bar of the vote chart, read out: "Ask him what he meant: 3 votes" */
        g_string_append_printf (description, ngettext ("%s: %d vote", "%s: %d votes", count),
                                (const char *) g_ptr_array_index (self->labels, i), count);
      }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str, -1);
}

/**
 * trellis_vote_chart_set_votes:
 * @labels: the choices' texts
 * @counts: (nullable): the votes for each, -1 where not known
 * @revealed: whether to show the counts; hidden bars show nothing of them
 */
void
trellis_vote_chart_set_votes (TrellisVoteChart   *self,
                              const char * const *labels,
                              const int          *counts,
                              guint               n_choices,
                              gboolean            revealed)
{
  g_return_if_fail (TRELLIS_IS_VOTE_CHART (self));
  g_return_if_fail (n_choices == 0 || labels != NULL);

  g_ptr_array_set_size (self->labels, 0);
  g_array_set_size (self->counts, 0);
  for (guint i = 0; i < n_choices; i++)
    {
      int count = counts != NULL ? counts[i] : -1;

      g_ptr_array_add (self->labels, g_strdup (labels[i]));
      g_array_append_val (self->counts, count);
    }
  self->revealed = revealed;
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
trellis_vote_chart_get_n_choices (TrellisVoteChart *self)
{
  g_return_val_if_fail (TRELLIS_IS_VOTE_CHART (self), 0);
  return self->labels->len;
}

const char *
trellis_vote_chart_get_label (TrellisVoteChart *self,
                              guint             index)
{
  g_return_val_if_fail (TRELLIS_IS_VOTE_CHART (self), NULL);
  g_return_val_if_fail (index < self->labels->len, NULL);
  return g_ptr_array_index (self->labels, index);
}

/* What a bar shows: -1 while the votes are hidden. */
int
trellis_vote_chart_get_count (TrellisVoteChart *self,
                              guint             index)
{
  g_return_val_if_fail (TRELLIS_IS_VOTE_CHART (self), -1);
  g_return_val_if_fail (index < self->counts->len, -1);
  return self->revealed ? g_array_index (self->counts, int, index) : -1;
}

gboolean
trellis_vote_chart_get_revealed (TrellisVoteChart *self)
{
  g_return_val_if_fail (TRELLIS_IS_VOTE_CHART (self), FALSE);
  return self->revealed;
}

static PangoLayout *
hidden_layout (TrellisVoteChart *self)
{
  return gtk_widget_create_pango_layout (GTK_WIDGET (self), _("Votes hidden until revealed"));
}

static void
trellis_vote_chart_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  TrellisVoteChart *self = TRELLIS_VOTE_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120 + COUNT_WIDTH;
      *natural = 480;
      return;
    }

  *minimum = 0;
  for (guint i = 0; i < self->labels->len; i++)
    {
      g_autoptr(PangoLayout) layout = row_layout (self, i, for_size > 0 ? for_size : 480);
      int height;

      pango_layout_get_pixel_size (layout, NULL, &height);
      *minimum += height + LABEL_GAP + BAR_HEIGHT + (i > 0 ? ROW_GAP : 0);
    }
  if (!self->revealed && self->labels->len > 0)
    {
      g_autoptr(PangoLayout) layout = hidden_layout (self);
      int height;

      pango_layout_get_pixel_size (layout, NULL, &height);
      *minimum += ROW_GAP + height;
    }
  *natural = *minimum;
}

static void
append_rect (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             float          x,
             float          y,
             float          width,
             float          height)
{
  GskRoundedRect rounded;

  gsk_rounded_rect_init_from_rect (&rounded, &GRAPHENE_RECT_INIT (x, y, width, height), 4);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, width, height));
  gtk_snapshot_pop (snapshot);
}

static void
append_layout (GtkSnapshot   *snapshot,
               PangoLayout   *layout,
               const GdkRGBA *color,
               float          x,
               float          y)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
trellis_vote_chart_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  TrellisVoteChart *self = TRELLIS_VOTE_CHART (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget);
  int track_width = MAX (width - COUNT_WIDTH, 1);
  GdkRGBA fg, accent, track;
  int max = 0;
  float y = 0;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (style, &fg);
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");
  G_GNUC_END_IGNORE_DEPRECATIONS
  track = fg;
  track.alpha *= 0.1f;

  for (guint i = 0; i < self->counts->len; i++)
    max = MAX (max, g_array_index (self->counts, int, i));

  for (guint i = 0; i < self->labels->len; i++)
    {
      g_autoptr(PangoLayout) layout = row_layout (self, i, width);
      g_autofree char *count = count_text (self, i);
      g_autoptr(PangoLayout) count_layout = gtk_widget_create_pango_layout (widget, count);
      int height, count_width, count_height;
      int value = g_array_index (self->counts, int, i);

      pango_layout_get_pixel_size (layout, NULL, &height);
      append_layout (snapshot, layout, &fg, 0, y);
      y += height + LABEL_GAP;

      append_rect (snapshot, &track, 0, y, track_width, BAR_HEIGHT);
      if (self->revealed && value > 0 && max > 0)
        append_rect (snapshot, &accent, 0, y, (float) track_width * value / max, BAR_HEIGHT);
      pango_layout_get_pixel_size (count_layout, &count_width, &count_height);
      append_layout (snapshot, count_layout, &fg, width - count_width, y + (BAR_HEIGHT - count_height) / 2.0f);
      y += BAR_HEIGHT + ROW_GAP;
    }
  if (!self->revealed && self->labels->len > 0)
    {
      g_autoptr(PangoLayout) layout = hidden_layout (self);
      GdkRGBA dim = fg;

      dim.alpha *= 0.55f;
      append_layout (snapshot, layout, &dim, 0, y);
    }
}

static void
trellis_vote_chart_finalize (GObject *object)
{
  TrellisVoteChart *self = TRELLIS_VOTE_CHART (object);

  g_ptr_array_unref (self->labels);
  g_array_unref (self->counts);

  G_OBJECT_CLASS (trellis_vote_chart_parent_class)->finalize (object);
}

static void
trellis_vote_chart_class_init (TrellisVoteChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = trellis_vote_chart_finalize;
  widget_class->measure = trellis_vote_chart_measure;
  widget_class->snapshot = trellis_vote_chart_snapshot;

  gtk_widget_class_set_css_name (widget_class, "votechart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
trellis_vote_chart_init (TrellisVoteChart *self)
{
  self->labels = g_ptr_array_new_with_free_func (g_free);
  self->counts = g_array_new (FALSE, FALSE, sizeof (int));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Votes of the group"), -1);
  update_description (self);
}

