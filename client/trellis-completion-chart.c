/* trellis-completion-chart.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-dashboard"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "trellis-completion-chart.h"
#include "trellis-dashboard.h"

#define PADDING      8.0
#define TICK         4.0
#define SWATCH       12.0
#define LINE_WIDTH   2.5
#define MIN_HEIGHT   220
#define NAT_HEIGHT   300
#define NAT_WIDTH    520

/* One course or path: the days it had completions, and how many it had
 * in all by each of them. */
typedef struct
{
  char   *key;       /* "course/ID" or "path/ID" */
  char   *title;
  GArray *days;      /* guint32 Julian days, rising */
  GArray *totals;    /* guint, cumulative */
} Series;

struct _TrellisCompletionChart
{
  GtkWidget  parent_instance;

  GPtrArray *series;
  guint32    first_day;
  guint32    last_day;
};

G_DEFINE_FINAL_TYPE (TrellisCompletionChart, trellis_completion_chart, GTK_TYPE_WIDGET)

/* Mid tones of the GNOME palette, one set for each style, so that lines
 * stand out against both a light and a dark background. */
static const char * const light_colors[] = {
  "#1c71d8", "#c64600", "#26a269", "#813d9c", "#c01c28", "#865e3c", "#0e7d8c", "#a51d8c",
};
static const char * const dark_colors[] = {
  "#62a0ea", "#ffa348", "#57e389", "#c061cb", "#f66151", "#cdab8f", "#5bc8d6", "#dc8add",
};

static void
series_free (Series *series)
{
  g_free (series->key);
  g_free (series->title);
  g_array_unref (series->days);
  g_array_unref (series->totals);
  g_free (series);
}

static Series *
find_series (GPtrArray  *all,
             const char *key)
{
  for (guint i = 0; i < all->len; i++)
    {
      Series *series = g_ptr_array_index (all, i);

      if (g_str_equal (series->key, key))
        return series;
    }
  return NULL;
}

static guint32
parse_day (const char *text)
{
  g_autoptr(GDate) date = NULL;

  if (!trellis_dashboard_check_date (text, NULL))
    return 0;
  date = g_date_new_dmy ((GDateDay) g_ascii_strtoll (text + 8, NULL, 10),
                         (GDateMonth) g_ascii_strtoll (text + 5, NULL, 10),
                         (GDateYear) g_ascii_strtoll (text, NULL, 10));
  return g_date_get_julian (date);
}

static char *
format_day (guint32 day)
{
  g_autoptr(GDate) date = g_date_new_julian (day);
  char text[16];

  g_date_strftime (text, sizeof text, "%Y-%m-%d", date);
  return g_strdup (text);
}

/* Adds @count completions on @day, keeping the days in order and the
 * totals cumulative. */
static void
series_add (Series  *series,
            guint32  day,
            guint    count)
{
  guint i = 0;
  guint before;

  while (i < series->days->len && g_array_index (series->days, guint32, i) < day)
    i++;
  if (i == series->days->len || g_array_index (series->days, guint32, i) != day)
    {
      before = i > 0 ? g_array_index (series->totals, guint, i - 1) : 0;
      g_array_insert_val (series->days, i, day);
      g_array_insert_val (series->totals, i, before);
    }
  for (; i < series->totals->len; i++)
    g_array_index (series->totals, guint, i) += count;
}

static void
update_accessible (TrellisCompletionChart *self)
{
  g_autoptr(GString) description = g_string_new (NULL);

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *series = g_ptr_array_index (self->series, i);
      guint total = g_array_index (series->totals, guint, series->totals->len - 1);
      g_autofree char *last = format_day (g_array_index (series->days, guint32, series->days->len - 1));

      if (description->len > 0)
        g_string_append (description, " ");
      /* Translators: "Example course: 3 completions, the last on 2027-03-14." */
      g_string_append_printf (description, ngettext ("%s: %u completion, the last on %s.",
                                                     "%s: %u completions, the last on %s.", total),
                              series->title, total, last);
    }
  if (description->len == 0)
    g_string_append (description, _("No completions in this period."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Completions over time"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
}

/**
 * trellis_completion_chart_set_report:
 * @report: (nullable): a completion report (GET /reports/completion)
 * @cohort: (nullable): draw only this cohort, when the timeline says
 *   whose completions it counts
 *
 * Draws the cumulative completions of each course and path of the
 * report's "timeline".
 */
void
trellis_completion_chart_set_report (TrellisCompletionChart *self,
                                     JsonObject             *report,
                                     const char             *cohort,
                                     TrLang                  lang)
{
  JsonArray *timeline;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);

  g_return_if_fail (TRELLIS_IS_COMPLETION_CHART (self));

  timeline = trellis_dashboard_json_array (report, "timeline");
  self->first_day = self->last_day = 0;
  for (guint i = 0; timeline != NULL && i < json_array_get_length (timeline); i++)
    {
      JsonObject *entry = trellis_dashboard_json_element (timeline, i);
      const char *kind = trellis_dashboard_json_string (entry, "kind");
      const char *id = trellis_dashboard_json_string (entry, "id");
      const char *entry_cohort = trellis_dashboard_json_string (entry, "cohort");
      gint64 count = trellis_dashboard_json_int (entry, "completed", 0);
      guint32 day = parse_day (trellis_dashboard_json_string (entry, "date"));
      g_autofree char *key = NULL;
      Series *series;

      if (kind == NULL || id == NULL || day == 0 || count <= 0 || count > G_MAXINT)
        continue;
      if (cohort != NULL && entry_cohort != NULL && !g_str_equal (cohort, entry_cohort))
        continue;
      key = g_strconcat (kind, "/", id, NULL);
      if ((series = find_series (found, key)) == NULL)
        {
          series = g_new0 (Series, 1);
          series->key = g_steal_pointer (&key);
          series->title = g_strdup (trellis_dashboard_title (report, kind, id, lang));
          series->days = g_array_new (FALSE, FALSE, sizeof (guint32));
          series->totals = g_array_new (FALSE, FALSE, sizeof (guint));
          g_ptr_array_add (found, series);
        }
      series_add (series, day, (guint) count);
      if (self->first_day == 0 || day < self->first_day)
        self->first_day = day;
      self->last_day = MAX (self->last_day, day);
    }
  g_ptr_array_unref (self->series);
  self->series = g_steal_pointer (&found);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
trellis_completion_chart_get_n_series (TrellisCompletionChart *self)
{
  g_return_val_if_fail (TRELLIS_IS_COMPLETION_CHART (self), 0);
  return self->series->len;
}

const char *
trellis_completion_chart_get_series_title (TrellisCompletionChart *self,
                                           guint                   series)
{
  g_return_val_if_fail (TRELLIS_IS_COMPLETION_CHART (self), NULL);
  g_return_val_if_fail (series < self->series->len, NULL);
  return ((Series *) g_ptr_array_index (self->series, series))->title;
}

/* The days with completions of @series. */
guint
trellis_completion_chart_get_n_points (TrellisCompletionChart *self,
                                       guint                   series)
{
  g_return_val_if_fail (TRELLIS_IS_COMPLETION_CHART (self), 0);
  g_return_val_if_fail (series < self->series->len, 0);
  return ((Series *) g_ptr_array_index (self->series, series))->days->len;
}

/* The completions of @series in all, where its line ends. */
guint
trellis_completion_chart_get_total (TrellisCompletionChart *self,
                                    guint                   series)
{
  Series *found;

  g_return_val_if_fail (TRELLIS_IS_COMPLETION_CHART (self), 0);
  g_return_val_if_fail (series < self->series->len, 0);
  found = g_ptr_array_index (self->series, series);
  return g_array_index (found->totals, guint, found->totals->len - 1);
}

/* Drawing. */

static void
series_color (guint    index,
              GdkRGBA *color)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  const char * const *colors = dark ? dark_colors : light_colors;

  gdk_rgba_parse (color, colors[index % G_N_ELEMENTS (light_colors)]);
}

/* Past the eight colours, lines differ by their dashes as well. */
static void
set_line_style (cairo_t *cr,
                guint    index)
{
  static const double dashes[] = { 6.0, 3.0 };

  cairo_set_line_width (cr, LINE_WIDTH);
  if (index >= G_N_ELEMENTS (light_colors))
    cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  else
    cairo_set_dash (cr, NULL, 0, 0);
}

/* A round step: 1, 2 or 5 times a power of ten, so that @max takes at most
 * five of them. */
static guint
nice_step (guint max)
{
  guint step = 1;

  for (;;)
    {
      if (max <= step * 5)
        return step;
      if (max <= step * 2 * 5)
        return step * 2;
      if (max <= step * 5 * 5)
        return step * 5;
      step *= 10;
    }
}

/* The middle of the pixel at @x, for crisp one-pixel lines; positive @x
 * only (no libm for round ()). */
static double
pixel (double x)
{
  return (double) (gint64) x + 0.5;
}

static void
draw_text (cairo_t     *cr,
           PangoLayout *layout,
           const char  *text,
           double       x,
           double       y)
{
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
text_size (PangoLayout *layout,
           const char  *text,
           int         *width,
           int         *height)
{
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, width, height);
}

/* The legend's height for @width; draws it at @top when @cr is set. */
static double
legend (TrellisCompletionChart *self,
        cairo_t                *cr,
        const GdkRGBA          *fg,
        PangoLayout            *layout,
        double                  width,
        double                  top)
{
  double x = 0, y = top;
  int line_height = 0;

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *series = g_ptr_array_index (self->series, i);
      int text_width, text_height;
      double item_width;

      text_size (layout, series->title, &text_width, &text_height);
      line_height = MAX (line_height, text_height);
      item_width = SWATCH + 6 + text_width + 18;
      if (x > 0 && x + item_width > width)
        {
          x = 0;
          y += line_height + 4;
        }
      if (cr != NULL)
        {
          GdkRGBA color;

          series_color (i, &color);
          gdk_cairo_set_source_rgba (cr, &color);
          set_line_style (cr, i);
          cairo_move_to (cr, x, y + text_height / 2.0);
          cairo_line_to (cr, x + SWATCH, y + text_height / 2.0);
          cairo_stroke (cr);
          cairo_arc (cr, x + SWATCH / 2, y + text_height / 2.0, 3, 0, 2 * G_PI);
          cairo_fill (cr);
          gdk_cairo_set_source_rgba (cr, fg);
          draw_text (cr, layout, series->title, x + SWATCH + 6, y);
        }
      x += item_width;
    }
  return self->series->len > 0 ? y - top + line_height : 0;
}

static void
trellis_completion_chart_snapshot (GtkWidget   *widget,
                                   GtkSnapshot *snapshot)
{
  TrellisCompletionChart *self = TRELLIS_COMPLETION_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  cairo_t *cr;
  GdkRGBA fg;
  guint max_total = 0, step, y_max, n_x_ticks, day_step;
  guint32 first, last;
  double left, right, top, bottom, legend_height;
  int label_width, label_height;
  g_autofree char *max_label = NULL;

  if (width <= 2 * PADDING || height <= 2 * PADDING)
    return;
  /* GTK 4.8 has no gtk_widget_get_color (); this is its way there. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_cairo_set_source_rgba (cr, &fg);

  if (self->series->len == 0)
    {
      int text_width, text_height;

      text_size (layout, _("No completions in this period"), &text_width, &text_height);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.55);
      draw_text (cr, layout, _("No completions in this period"), (width - text_width) / 2,
                 (height - text_height) / 2);
      cairo_destroy (cr);
      return;
    }

  for (guint i = 0; i < self->series->len; i++)
    max_total = MAX (max_total, trellis_completion_chart_get_total (self, i));
  step = nice_step (MAX (max_total, 1));
  y_max = ((MAX (max_total, 1) + step - 1) / step) * step;
  /* From the day before the first completion, so that every rise shows. */
  first = self->first_day - 1;
  last = self->last_day;

  max_label = g_strdup_printf ("%u", y_max);
  text_size (layout, max_label, &label_width, &label_height);
  legend_height = legend (self, NULL, NULL, layout, width - 2 * PADDING, 0);
  left = PADDING + label_width + TICK + 4;
  right = width - PADDING - 36;   /* room for half a date label */
  top = PADDING + label_height / 2.0;
  bottom = height - PADDING - legend_height - 12 - label_height - TICK - 4;
  if (right - left < 40 || bottom - top < 40)
    {
      cairo_destroy (cr);
      return;
    }

  /* Grid and counts. */
  cairo_set_line_width (cr, 1);
  for (guint value = 0; value <= y_max; value += step)
    {
      g_autofree char *text = g_strdup_printf ("%u", value);
      double y = pixel (bottom - (bottom - top) * value / y_max);
      int text_width, text_height;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * (value == 0 ? 0.6 : 0.15));
      cairo_move_to (cr, left, y);
      cairo_line_to (cr, right, y);
      cairo_stroke (cr);
      text_size (layout, text, &text_width, &text_height);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.75);
      draw_text (cr, layout, text, left - TICK - 4 - text_width, y - text_height / 2.0);
    }

  /* Dates, every so many days, as many as fit. */
  text_size (layout, "2027-12-31", &label_width, &label_height);
  n_x_ticks = MAX (1, (guint) ((right - left) / (label_width + 24)));
  day_step = MAX (1, (last - first + n_x_ticks - 1) / n_x_ticks);
  for (guint32 day = first; day <= last; day += day_step)
    {
      double x = pixel (left + (right - left) * (day - first) / (double) (last - first));
      g_autofree char *text = format_day (day);
      double text_x = CLAMP (x - label_width / 2.0, PADDING, width - PADDING - label_width);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.6);
      cairo_move_to (cr, x, bottom);
      cairo_line_to (cr, x, bottom + TICK);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.75);
      draw_text (cr, layout, text, text_x, bottom + TICK + 2);
    }

  /* A step line each: the total rises on the day of the completions. */
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *series = g_ptr_array_index (self->series, i);
      GdkRGBA color;
      double previous_y = bottom;

      series_color (i, &color);
      gdk_cairo_set_source_rgba (cr, &color);
      set_line_style (cr, i);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_move_to (cr, left, bottom);
      for (guint j = 0; j < series->days->len; j++)
        {
          guint32 day = g_array_index (series->days, guint32, j);
          guint total = g_array_index (series->totals, guint, j);
          double x = left + (right - left) * (day - first) / (double) (last - first);
          double y = bottom - (bottom - top) * total / y_max;

          cairo_line_to (cr, x, previous_y);
          cairo_line_to (cr, x, y);
          previous_y = y;
        }
      cairo_line_to (cr, right, previous_y);
      cairo_stroke (cr);
      for (guint j = 0; j < series->days->len; j++)
        {
          guint32 day = g_array_index (series->days, guint32, j);
          guint total = g_array_index (series->totals, guint, j);

          cairo_arc (cr, left + (right - left) * (day - first) / (double) (last - first),
                     bottom - (bottom - top) * total / y_max, 3.5, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }

  legend (self, cr, &fg, layout, width - 2 * PADDING, height - PADDING - legend_height);
  cairo_destroy (cr);
}

static void
trellis_completion_chart_measure (GtkWidget      *widget,
                                  GtkOrientation  orientation,
                                  int             for_size,
                                  int            *minimum,
                                  int            *natural,
                                  int            *minimum_baseline,
                                  int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = NAT_WIDTH;
    }
  else
    {
      TrellisCompletionChart *self = TRELLIS_COMPLETION_CHART (widget);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
      double width = for_size > 0 ? for_size : NAT_WIDTH;
      int extra = (int) legend (self, NULL, NULL, layout, width - 2 * PADDING, 0) + 1;

      *minimum = MIN_HEIGHT + extra;
      *natural = NAT_HEIGHT + extra;
    }
}

static GtkSizeRequestMode
trellis_completion_chart_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
dark_changed_cb (TrellisCompletionChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
trellis_completion_chart_finalize (GObject *object)
{
  TrellisCompletionChart *self = TRELLIS_COMPLETION_CHART (object);

  g_ptr_array_unref (self->series);

  G_OBJECT_CLASS (trellis_completion_chart_parent_class)->finalize (object);
}

static void
trellis_completion_chart_class_init (TrellisCompletionChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = trellis_completion_chart_finalize;
  widget_class->snapshot = trellis_completion_chart_snapshot;
  widget_class->measure = trellis_completion_chart_measure;
  widget_class->get_request_mode = trellis_completion_chart_get_request_mode;
  gtk_widget_class_set_css_name (widget_class, "completionchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
trellis_completion_chart_init (TrellisCompletionChart *self)
{
  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (dark_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_accessible (self);
}

GtkWidget *
trellis_completion_chart_new (void)
{
  return g_object_new (TRELLIS_TYPE_COMPLETION_CHART, NULL);
}
