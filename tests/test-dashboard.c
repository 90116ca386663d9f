/* test-dashboard.c: the institute dashboard, filled from sample answers
 * and from the real trellis-server
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "tr-test-gtk.h"
#include "tr-test-server.h"
#include "tr-test-util.h"
#include "trellis-application.h"
#include "trellis-completion-chart.h"
#include "trellis-dashboard.h"
#include "trellis-dashboard-window.h"

#define WAIT_S         30
#define PASSWORD       "a long passphrase"
#define ADMIN_EMAIL    "admin@example.org"
#define TRAINER_EMAIL  "trainer@example.org"
#define COURSE_TITLE   "A remark in the corridor: a first response"
#define PATH_TITLE     "Example path"

/* Widgets, found whether shown or not; what is shown is checked apart. */

static const char *
widget_text (GtkWidget *widget)
{
  if (ADW_IS_PREFERENCES_GROUP (widget))
    return adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget));
  if (ADW_IS_STATUS_PAGE (widget))
    return adw_status_page_get_title (ADW_STATUS_PAGE (widget));
  return tr_test_gtk_widget_text (widget);
}

static void
find_all (GtkWidget  *root,
          GType       type,
          const char *text,
          GPtrArray  *found)
{
  const char *label = widget_text (root);

  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (text == NULL || (label != NULL && strstr (label, text) != NULL)))
    g_ptr_array_add (found, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    find_all (child, type, text, found);
}

static GtkWidget *
find (gpointer    root,
      GType       type,
      const char *text)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  find_all (root, type, text, found);
  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

static guint
count (gpointer    root,
       GType       type,
       const char *text)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  find_all (root, type, text, found);
  return found->len;
}

static GtkWidget *
find_exact_label (GtkWidget  *root,
                  const char *text)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  find_all (root, GTK_TYPE_LABEL, text, found);
  for (guint i = 0; i < found->len; i++)
    if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (found, i)), text) == 0)
      return g_ptr_array_index (found, i);
  return NULL;
}

/* The summary row of @title in the group of @cohort. */
static GtkWidget *
summary_row (GtkWidget  *window,
             const char *cohort,
             const char *title)
{
  GtkWidget *group = find (window, ADW_TYPE_PREFERENCES_GROUP, cohort);

  g_assert_nonnull (group);
  return find (group, ADW_TYPE_ACTION_ROW, title);
}

static void
assert_summary (GtkWidget  *row,
                const char *subtitle,
                const char *percent,
                double      fraction)
{
  GtkWidget *level;

  g_assert_nonnull (row);
  g_assert_true (tr_test_gtk_is_shown (row));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), subtitle));
  g_assert_nonnull (find_exact_label (row, percent));
  level = find (row, GTK_TYPE_LEVEL_BAR, NULL);
  g_assert_nonnull (level);
  g_assert_cmpfloat_with_epsilon (gtk_level_bar_get_value (GTK_LEVEL_BAR (level)), fraction, 0.001);
}

static AdwViewStackPage *
stack_page (GtkWidget  *window,
            const char *name)
{
  AdwViewStack *stack = ADW_VIEW_STACK (find (window, ADW_TYPE_VIEW_STACK, NULL));

  return adw_view_stack_get_page (stack, adw_view_stack_get_child_by_name (stack, name));
}

static void
show_tab (GtkWidget  *window,
          const char *name)
{
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find (window, ADW_TYPE_VIEW_STACK, NULL)), name);
}

static JsonObject *
sample_part (JsonNode   *sample,
             const char *name)
{
  return json_object_get_object_member (json_node_get_object (sample), name);
}

static JsonNode *
load_sample (void)
{
  g_autofree char *path = tr_test_fixture_path ("dashboard-sample.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

/* A dashboard filled with the sample answers, with or without the
 * certificates (an admin's or a trainer's). */
static GtkWidget *
sample_window (JsonNode *sample,
               gboolean  with_certificates)
{
  GtkWidget *window = trellis_dashboard_window_new (NULL, TR_LANG_EN);

  gtk_window_present (GTK_WINDOW (window));
  trellis_dashboard_window_show_data (TRELLIS_DASHBOARD_WINDOW (window), sample_part (sample, "cohorts"),
                                      sample_part (sample, "report"),
                                      with_certificates ? sample_part (sample, "certificates") : NULL);
  return window;
}

static void
select_cohort (GtkWidget  *window,
               const char *name)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (find (window, GTK_TYPE_DROP_DOWN, NULL));
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), name))
      {
        gtk_drop_down_set_selected (dropdown, i);
        return;
      }
  g_error ("no cohort %s in the filter", name);
}

static GtkDropDown *
period_dropdown (GtkWidget *window)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  find_all (window, GTK_TYPE_DROP_DOWN, NULL, found);
  g_assert_cmpuint (found->len, ==, 2);
  return g_ptr_array_index (found, 1);
}

static gboolean
shown (gpointer data)
{
  return tr_test_gtk_is_shown (data);
}

static gboolean
allocated (gpointer data)
{
  return gtk_widget_get_height (data) > 0;
}

/* Sample answers, as docs/api.md gives them: no server. */

static void
test_summary (void)
{
  g_autoptr(JsonNode) sample = NULL;
  GtkWidget *window;
  GtkDropDown *cohorts;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  sample = load_sample ();
  window = sample_window (sample, TRUE);
  tr_test_gtk_iterate_for (50);

  /* The cohorts to choose from. */
  cohorts = GTK_DROP_DOWN (find (window, GTK_TYPE_DROP_DOWN, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (cohorts)), ==, 3);
  g_assert_cmpuint (gtk_drop_down_get_selected (cohorts), ==, 0);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (cohorts)), 0), ==,
                   "All cohorts");

  /* All cohorts: a group each, courses and the path in each. */
  g_assert_cmpuint (count (window, ADW_TYPE_PREFERENCES_GROUP, "spring-2027"), ==, 1);
  g_assert_cmpuint (count (window, ADW_TYPE_PREFERENCES_GROUP, "autumn-2027"), ==, 1);
  assert_summary (summary_row (window, "spring-2027", "Recognising signals"),
                  "Course · 2 learners · 2 started · 1 completed", "50 %", 0.5);
  assert_summary (summary_row (window, "spring-2027", "A first response"),
                  "Course · 2 learners · 1 started · 0 completed", "0 %", 0);
  assert_summary (summary_row (window, "spring-2027", "Basic path"),
                  "Learning path · 2 learners · 2 started · 0 completed", "0 %", 0);
  assert_summary (summary_row (window, "autumn-2027", "Basic path"),
                  "Learning path · 1 learner · 1 started · 1 completed", "100 %", 1);
  g_assert_cmpuint (count (window, ADW_TYPE_EXPANDER_ROW, NULL), ==, 3);

  /* One cohort: its rows alone. */
  select_cohort (window, "spring-2027");
  g_assert_cmpuint (count (window, ADW_TYPE_PREFERENCES_GROUP, "spring-2027"), ==, 1);
  g_assert_cmpuint (count (window, ADW_TYPE_PREFERENCES_GROUP, "autumn-2027"), ==, 0);
  assert_summary (summary_row (window, "spring-2027", "Recognising signals"),
                  "Course · 2 learners · 2 started · 1 completed", "50 %", 0.5);
  g_assert_cmpuint (count (window, ADW_TYPE_EXPANDER_ROW, NULL), ==, 2);
  g_assert_null (find (window, ADW_TYPE_EXPANDER_ROW, "Lea Martin"));

  /* Learners: complete with the date, done of required, not started,
   * the best quiz score; nothing else. */
  {
    GtkWidget *sam = find (window, ADW_TYPE_EXPANDER_ROW, "Sam Jansen");
    GtkWidget *noor = find (window, ADW_TYPE_EXPANDER_ROW, "Noor Bakker");
    GtkWidget *row;

    g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (sam)), ==, "spring-2027 · 1 of 3 complete");
    row = find (sam, ADW_TYPE_ACTION_ROW, "Recognising signals");
    g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Complete on "));
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "2027"));
    g_assert_nonnull (find_exact_label (row, "Quiz best: 85 %"));
    row = find (sam, ADW_TYPE_ACTION_ROW, "A first response");
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "3 of 8 done");
    g_assert_null (find (row, GTK_TYPE_LABEL, "Quiz best"));
    row = find (noor, ADW_TYPE_ACTION_ROW, "A first response");
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Not started");
    show_tab (window, "learners");
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (sam), TRUE);
    tr_test_gtk_iterate_until (shown, find (sam, ADW_TYPE_ACTION_ROW, "Recognising signals"), WAIT_S);
  }

  /* Back to all. */
  gtk_drop_down_set_selected (cohorts, 0);
  g_assert_cmpuint (count (window, ADW_TYPE_PREFERENCES_GROUP, "autumn-2027"), ==, 1);
  g_assert_cmpuint (count (window, ADW_TYPE_EXPANDER_ROW, NULL), ==, 3);

  /* Titles in the language of the interface. */
  gtk_window_destroy (GTK_WINDOW (window));
  window = trellis_dashboard_window_new (NULL, TR_LANG_NL);
  trellis_dashboard_window_show_data (TRELLIS_DASHBOARD_WINDOW (window), sample_part (sample, "cohorts"),
                                      sample_part (sample, "report"), NULL);
  g_assert_nonnull (summary_row (window, "spring-2027", "Signalen herkennen"));
  /* No Dutch title: the English one. */
  g_assert_nonnull (summary_row (window, "spring-2027", "A first response"));
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  tr_test_finalize_object (window, WAIT_S);
}

static void
test_chart (void)
{
  g_autoptr(JsonNode) sample = NULL;
  GtkWidget *window;
  TrellisCompletionChart *chart;
  g_autoptr(GtkWidget) empty = NULL;
  g_autoptr(JsonNode) nothing = json_from_string ("{\"timeline\": []}", NULL);

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  sample = load_sample ();
  window = sample_window (sample, TRUE);
  chart = TRELLIS_COMPLETION_CHART (find (window, TRELLIS_TYPE_COMPLETION_CHART, NULL));
  g_assert_nonnull (chart);

  /* A series per course and path with completions, in the order of the
   * timeline, cumulative. */
  g_assert_cmpuint (trellis_completion_chart_get_n_series (chart), ==, 3);
  g_assert_cmpstr (trellis_completion_chart_get_series_title (chart, 0), ==, "Recognising signals");
  g_assert_cmpuint (trellis_completion_chart_get_n_points (chart, 0), ==, 2);
  g_assert_cmpuint (trellis_completion_chart_get_total (chart, 0), ==, 2);
  g_assert_cmpstr (trellis_completion_chart_get_series_title (chart, 1), ==, "A first response");
  g_assert_cmpuint (trellis_completion_chart_get_n_points (chart, 1), ==, 1);
  g_assert_cmpuint (trellis_completion_chart_get_total (chart, 1), ==, 1);
  g_assert_cmpstr (trellis_completion_chart_get_series_title (chart, 2), ==, "Basic path");
  g_assert_cmpuint (trellis_completion_chart_get_total (chart, 2), ==, 1);

  /* It is drawn, with room for its legend, in light and in dark. */
  tr_test_gtk_iterate_until (allocated, chart, WAIT_S);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (chart)), >=, 220);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  tr_test_gtk_iterate_for (100);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Several completions on one day add up to one point; an empty timeline
   * draws none. */
  {
    g_autoptr(JsonNode) report = json_from_string (
      "{\"courses\": [{\"id\": \"c\", \"title\": {\"en\": \"C\"}}],"
      " \"timeline\": [{\"date\": \"2027-01-02\", \"kind\": \"course\", \"id\": \"c\", \"completed\": 2},"
      "              {\"date\": \"2027-01-02\", \"kind\": \"course\", \"id\": \"c\", \"completed\": 3},"
      "              {\"date\": \"2027-01-01\", \"kind\": \"course\", \"id\": \"c\", \"completed\": 1},"
      "              {\"date\": \"2027-13-45\", \"kind\": \"course\", \"id\": \"c\", \"completed\": 9}]}", NULL);

    empty = g_object_ref_sink (trellis_completion_chart_new ());
    trellis_completion_chart_set_report (TRELLIS_COMPLETION_CHART (empty), json_node_get_object (report), NULL,
                                         TR_LANG_EN);
    g_assert_cmpuint (trellis_completion_chart_get_n_series (TRELLIS_COMPLETION_CHART (empty)), ==, 1);
    g_assert_cmpuint (trellis_completion_chart_get_n_points (TRELLIS_COMPLETION_CHART (empty), 0), ==, 2);
    g_assert_cmpuint (trellis_completion_chart_get_total (TRELLIS_COMPLETION_CHART (empty), 0), ==, 6);
    trellis_completion_chart_set_report (TRELLIS_COMPLETION_CHART (empty), json_node_get_object (nothing), NULL,
                                         TR_LANG_EN);
    g_assert_cmpuint (trellis_completion_chart_get_n_series (TRELLIS_COMPLETION_CHART (empty)), ==, 0);
  }

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  tr_test_finalize_object (window, WAIT_S);
}

/* The classroom sessions: the running ones to lead again (only one's own),
 * and the attendance of each. */
static GtkWidget *
session_row (GtkWidget  *window,
             const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  find_all (window, ADW_TYPE_ACTION_ROW, NULL, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      if (g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) &&
          (find_exact_label (row, "Running") != NULL || find_exact_label (row, "Ended") != NULL))
        return row;
    }
  return NULL;
}

static void
test_sessions (void)
{
  g_autoptr(JsonNode) sample = NULL;
  GtkWidget *window, *row;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  sample = load_sample ();
  window = sample_window (sample, FALSE);
  /* Unknown sessions: no tab. */
  g_assert_false (adw_view_stack_page_get_visible (stack_page (window, "sessions")));
  trellis_dashboard_window_show_sessions (TRELLIS_DASHBOARD_WINDOW (window), sample_part (sample, "classrooms"));
  g_assert_true (adw_view_stack_page_get_visible (stack_page (window, "sessions")));
  show_tab (window, "sessions");
  tr_test_gtk_iterate_for (50);

  row = session_row (window, "Recognising signals");
  g_assert_nonnull (row);
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                   " · 14 participants · Noor Bakker"));
  g_assert_true (gtk_widget_has_css_class (find_exact_label (row, "Running"), "accent"));
  g_assert_nonnull (find (row, GTK_TYPE_BUTTON, "Res_ume"));
  g_assert_nonnull (find (row, GTK_TYPE_BUTTON, "_Attendance…"));

  /* Another trainer's ended session: its attendance, nothing to lead. */
  row = session_row (window, "A first response");
  g_assert_nonnull (row);
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                   " · 1 participant · Tom Trainer"));
  g_assert_nonnull (find_exact_label (row, "Ended"));
  g_assert_null (find (row, GTK_TYPE_BUTTON, "Res_ume"));
  g_assert_nonnull (find (row, GTK_TYPE_BUTTON, "_Attendance…"));
  g_assert_cmpuint (count (window, GTK_TYPE_BUTTON, "Res_ume"), ==, 1);

  /* New data keeps the sessions until new ones come. */
  trellis_dashboard_window_show_data (TRELLIS_DASHBOARD_WINDOW (window), sample_part (sample, "cohorts"),
                                      sample_part (sample, "report"), NULL);
  g_assert_nonnull (session_row (window, "A first response"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_certificates (void)
{
  g_autoptr(JsonNode) sample = NULL;
  GtkWidget *window, *row;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  sample = load_sample ();

  /* For an admin: each certificate, its state, Revoke for the valid ones. */
  window = sample_window (sample, TRUE);
  g_assert_true (adw_view_stack_page_get_visible (stack_page (window, "certificates")));
  row = NULL;
  {
    g_autoptr(GPtrArray) rows = g_ptr_array_new ();

    find_all (window, ADW_TYPE_ACTION_ROW, NULL, rows);
    for (guint i = 0; i < rows->len; i++)
      {
        const char *subtitle = adw_action_row_get_subtitle (g_ptr_array_index (rows, i));

        if (subtitle != NULL && g_str_has_prefix (subtitle, "Lea Martin · autumn-2027 · Issued on ") &&
            find_exact_label (g_ptr_array_index (rows, i), "Valid") != NULL)
          row = g_ptr_array_index (rows, i);
      }
  }
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Basic path");
  g_assert_true (gtk_widget_has_css_class (find_exact_label (row, "Valid"), "success"));
  g_assert_nonnull (find (row, GTK_TYPE_BUTTON, "_Revoke…"));
  g_assert_cmpuint (count (window, GTK_TYPE_BUTTON, "_Revoke…"), ==, 2);
  g_assert_nonnull (find (window, GTK_TYPE_LABEL, "Revoked on "));
  gtk_window_destroy (GTK_WINDOW (window));

  /* For a trainer, none: the certificates tab is hidden. */
  window = sample_window (sample, FALSE);
  g_assert_false (adw_view_stack_page_get_visible (stack_page (window, "certificates")));
  g_assert_true (adw_view_stack_page_get_visible (stack_page (window, "overview")));
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  tr_test_finalize_object (window, WAIT_S);
}

static void
test_date_filter (void)
{
  g_autoptr(JsonNode) sample = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *entry, *error_label;

  /* The rule itself. */
  g_assert_true (trellis_dashboard_check_date ("2027-01-31", NULL));
  g_assert_true (trellis_dashboard_check_date ("2028-02-29", NULL));
  g_assert_false (trellis_dashboard_check_date ("2027-02-29", NULL));
  g_assert_false (trellis_dashboard_check_date ("2027-13-45", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (trellis_dashboard_check_date ("27-1-1", NULL));
  g_assert_false (trellis_dashboard_check_date ("2027-01-3a", NULL));
  g_assert_false (trellis_dashboard_check_date ("", NULL));

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  sample = load_sample ();
  window = sample_window (sample, FALSE);
  entry = find (window, GTK_TYPE_ENTRY, NULL);
  g_assert_false (tr_test_gtk_is_shown (entry));

  /* "Since a date…" asks for the date. */
  gtk_drop_down_set_selected (period_dropdown (window), TRELLIS_PERIOD_SINCE_DATE);
  g_assert_true (tr_test_gtk_is_shown (entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), "2027-13-45");
  g_signal_emit_by_name (entry, "activate");
  error_label = find (window, GTK_TYPE_LABEL, "is not a day of the calendar");
  g_assert_nonnull (error_label);
  g_assert_true (tr_test_gtk_is_shown (error_label));
  g_assert_true (gtk_widget_has_css_class (error_label, "error"));
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (error_label)), ==, "“2027-13-45” is not a day of the calendar");

  /* Written the wrong way. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "14/03/2027");
  g_signal_emit_by_name (entry, "activate");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (error_label)), "YYYY-MM-DD"));

  /* Corrected, the error goes. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "2027-03-01");
  g_assert_false (tr_test_gtk_is_shown (error_label));
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_signal_emit_by_name (entry, "activate");
  g_assert_false (tr_test_gtk_is_shown (error_label));

  /* Another period needs no date. */
  gtk_drop_down_set_selected (period_dropdown (window), TRELLIS_PERIOD_THIS_YEAR);
  g_assert_false (tr_test_gtk_is_shown (entry));

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  tr_test_finalize_object (window, WAIT_S);
}

static void
test_since (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2027, 3, 14, 10, 0, 0);
  g_autofree char *all = trellis_dashboard_since (TRELLIS_PERIOD_ALL, NULL, now);
  g_autofree char *days_30 = trellis_dashboard_since (TRELLIS_PERIOD_30_DAYS, NULL, now);
  g_autofree char *days_90 = trellis_dashboard_since (TRELLIS_PERIOD_90_DAYS, NULL, now);
  g_autofree char *year = trellis_dashboard_since (TRELLIS_PERIOD_THIS_YEAR, NULL, now);
  g_autofree char *date = trellis_dashboard_since (TRELLIS_PERIOD_SINCE_DATE, "2026-12-01", now);
  g_autofree char *query = trellis_dashboard_query ("/reports/completion", "spring 2027&x", "2027-01-01", "csv");

  g_assert_null (all);
  g_assert_cmpstr (days_30, ==, "2027-02-12");
  g_assert_cmpstr (days_90, ==, "2026-12-14");
  g_assert_cmpstr (year, ==, "2027-01-01");
  g_assert_cmpstr (date, ==, "2026-12-01");
  g_assert_cmpstr (query, ==, "/reports/completion?cohort=spring%202027%26x&since=2027-01-01&format=csv");
  g_assert_true (trellis_dashboard_role_may_view ("admin"));
  g_assert_true (trellis_dashboard_role_may_view ("trainer"));
  g_assert_false (trellis_dashboard_role_may_view ("learner"));
  g_assert_false (trellis_dashboard_role_may_view (NULL));
  g_assert_false (trellis_dashboard_role_is_admin ("trainer"));
}

static gboolean
chooser_shown (gpointer data)
{
  GtkWidget **dialog = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; *dialog == NULL && i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (window) && gtk_widget_get_visible (window))
        *dialog = window;
    }
  return *dialog != NULL;
}

static gboolean
hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

/* Export CSV… asks where, with a name that says what and when; the test
 * cancels (driving GTK's own file chooser further is not reliable under
 * Xvfb: the save itself is tested with the server). */
static void
test_export_name (void)
{
  g_autoptr(JsonNode) sample = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  const char * const cohorts[] = { NULL, "spring-2027" };
  GtkWidget *window;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  sample = load_sample ();
  window = sample_window (sample, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (cohorts); i++)
    {
      g_autofree char *expected = g_strdup_printf ("completion-%s-%s.csv", cohorts[i] ? cohorts[i] : "all", date);
      g_autofree char *name = NULL;
      GtkWidget *dialog = NULL;

      if (cohorts[i] != NULL)
        select_cohort (window, cohorts[i]);
      g_assert_true (gtk_widget_activate_action (window, "dashboard.export-csv", NULL));
      tr_test_gtk_iterate_until (chooser_shown, &dialog, WAIT_S);
      g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)), ==, GTK_FILE_CHOOSER_ACTION_SAVE);
      name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (dialog));
      g_assert_cmpstr (name, ==, expected);
      g_object_ref (dialog);
      gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
      tr_test_gtk_iterate_until (hidden, dialog, WAIT_S);
      g_object_unref (dialog);
    }

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  tr_test_finalize_object (window, WAIT_S);
}

/* With the real server. */

static TrTestServer *server;
static char *courses_dir;
static SoupSession *session;

typedef struct
{
  guint     status;
  char     *text;
  JsonNode *json;
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->text);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

/* Blocking is fine here: the server is another process. */
static Reply *
call (const char *method,
      const char *path,
      const char *token,
      const char *json)
{
  g_autofree char *uri = g_strconcat (tr_test_server_get_url (server), "/api/v1", path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, uri);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  Reply *reply = g_new0 (Reply, 1);

  if (session == NULL)
    session = soup_session_new ();
  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", bearer);
    }
  if (json != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (message);
  reply->text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  reply->json = json_from_string (reply->text, NULL);
  return reply;
}

static JsonObject *
ok_object (Reply *reply)
{
  if (reply->status < 200 || reply->status >= 300 || reply->json == NULL || !JSON_NODE_HOLDS_OBJECT (reply->json))
    g_error ("HTTP %u: %s", reply->status, reply->text);
  return json_node_get_object (reply->json);
}

static char *
enrol (const char *code,
       const char *name,
       const char *email)
{
  g_autofree char *body = g_strdup_printf ("{\"code\": \"%s\", \"name\": \"%s\", \"email\": \"%s\", "
                                           "\"password\": \"" PASSWORD "\"}", code, name, email);
  g_autoptr(Reply) reply = call ("POST", "/auth/enrol", NULL, body);

  return g_strdup (json_object_get_string_member (ok_object (reply), "token"));
}

static char *
log_in (const char *email)
{
  g_autoptr(Reply) reply = call ("POST", "/auth/login", NULL,
                                 strcmp (email, ADMIN_EMAIL) == 0
                                 ? "{\"email\": \"" ADMIN_EMAIL "\", \"password\": \"" PASSWORD "\"}"
                                 : "{\"email\": \"" TRAINER_EMAIL "\", \"password\": \"" PASSWORD "\"}");

  return g_strdup (json_object_get_string_member (ok_object (reply), "token"));
}

static char *
course_version (const char *token)
{
  g_autoptr(Reply) reply = call ("GET", "/courses", token, NULL);
  JsonArray *courses = json_object_get_array_member (ok_object (reply), "courses");

  for (guint i = 0; i < json_array_get_length (courses); i++)
    {
      JsonObject *course = json_array_get_object_element (courses, i);

      if (g_strcmp0 (json_object_get_string_member (course, "id"), "example-course") == 0)
        return g_strdup (json_object_get_string_member (course, "version"));
    }
  g_error ("the server has no example-course: %s", reply->text);
  return NULL;
}

/* Events of the example course, as the client would send them. */
static void
post_events (const char          *token,
             const char          *version,
             const char * const  *events)
{
  g_autoptr(GString) body = g_string_new ("{\"events\": [");
  gint64 now = g_get_real_time () / 1000;
  g_autoptr(Reply) reply = NULL;

  for (guint i = 0; events[i] != NULL; i += 3)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      g_string_append_printf (body, "%s{\"id\": \"%s\", \"actor\": \"device\", \"verb\": \"%s\", "
                              "\"course\": \"example-course\", \"version\": \"%s\", \"object\": \"%s\", "
                              "\"timestamp\": %" G_GINT64_FORMAT "%s%s}",
                              i > 0 ? ", " : "", uuid, events[i], version, events[i + 1], now + i,
                              events[i + 2] != NULL ? ", \"result\": " : "", events[i + 2] != NULL ? events[i + 2] : "");
    }
  g_string_append (body, "]}");
  reply = call ("POST", "/events", token, body->str);
  ok_object (reply);
}

static const char * const complete_events[] = {
  "experienced", "lesson/first-signals", NULL,
  "experienced", "lesson/talking-first", NULL,
  "completed", "scenario/corridor-remark", "{\"ending\": \"end-good\", \"verdict\": \"good\", \"score\": 6}",
  "answered", "signal-exercise/corridor-signals", "{\"correct\": 4, \"total\": 4}",
  "passed", "quiz", "{\"score\": 80, \"correct\": 4, \"total\": 5}",
  NULL
};

static const char * const started_events[] = {
  "experienced", "lesson/first-signals", NULL,
  NULL
};

static gboolean
app_ready (gpointer data)
{
  TrellisApplication *app = data;

  return !trellis_course_library_get_loading (trellis_application_get_library (app)) &&
         trellis_progress_store_is_open (trellis_application_get_store (app));
}

static void
signed_in_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  trellis_sync_sign_in_finish (TRELLIS_SYNC (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
signed_out_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  trellis_sync_sign_out_finish (TRELLIS_SYNC (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
sign_in (TrellisSync *sync,
         const char  *email)
{
  gboolean done = FALSE;

  trellis_sync_sign_in_async (sync, tr_test_server_get_url (server), email, PASSWORD, NULL, signed_in_cb, &done);
  tr_test_gtk_iterate_until (tr_test_flag_set, &done, WAIT_S);
}

static gboolean
dashboard_open (gpointer data)
{
  GtkWidget **window = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; *window == NULL && i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (TRELLIS_IS_DASHBOARD_WINDOW (toplevel))
        *window = toplevel;
    }
  return *window != NULL;
}

typedef struct
{
  GtkWidget  *root;
  GType       type;
  const char *text;
} FindWait;

static gboolean
found (gpointer data)
{
  FindWait *wait = data;
  GtkWidget *widget = find (wait->root, wait->type, wait->text);

  return widget != NULL && tr_test_gtk_is_shown (widget);
}

static GtkWidget *
wait_for (GtkWidget  *root,
          GType       type,
          const char *text)
{
  FindWait wait = { root, type, text };

  tr_test_gtk_iterate_until (found, &wait, WAIT_S);
  return find (root, type, text);
}

static gboolean
dialog_shown (gpointer data)
{
  GtkWidget **dialog = data;

  if (*dialog == NULL)
    *dialog = (GtkWidget *) tr_test_gtk_find_dialog (NULL);
  return *dialog != NULL;
}

static gboolean
loaded (gpointer data)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_parent (find (data, ADW_TYPE_VIEW_STACK, NULL)));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "data") == 0 ||
         g_strcmp0 (gtk_stack_get_visible_child_name (stack), "error") == 0;
}

static gboolean
certificates_hidden (gpointer data)
{
  return !adw_view_stack_page_get_visible (stack_page (data, "certificates")) &&
         find (data, ADW_TYPE_ACTION_ROW, COURSE_TITLE) != NULL;
}

static gboolean
file_has_text (gpointer data)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (data, &text, NULL, NULL) && text[0] != '\0';
}

static void
test_with_server (void)
{
  TrellisApplication *app;
  TrellisSync *sync;
  g_autoptr(GError) error = NULL;
  g_autofree char *spring = NULL;
  g_autofree char *autumn = NULL;
  g_autofree char *sam = NULL;
  g_autofree char *lea = NULL;
  g_autofree char *version = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(GFile) csv_file = NULL;
  g_autoptr(Reply) issued = NULL;
  g_autoptr(Reply) server_csv = NULL;
  g_autoptr(Reply) status = NULL;
  g_autofree char *status_path = NULL;
  g_autofree char *trainer = NULL;
  g_autofree char *classroom_id = NULL;
  GtkWidget *window = NULL, *dialog = NULL, *row, *entry;
  TrellisCompletionChart *chart;
  TrTestServerOptions options = { .courses_dir = courses_dir };
  gboolean done = FALSE;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }

  /* An institute with an admin, a trainer and two cohorts of one learner. */
  server = tr_test_server_new ("dashboard-test");
  tr_test_server_add_institute (server, "Regio Noord");
  tr_test_server_add_user (server, "Regio Noord", "admin", "Ada Admin", ADMIN_EMAIL, PASSWORD);
  tr_test_server_add_user (server, "Regio Noord", "trainer", "Tom Trainer", TRAINER_EMAIL, PASSWORD);
  spring = tr_test_server_create_code (server, "Regio Noord", "--cohort", "spring-2027", NULL);
  autumn = tr_test_server_create_code (server, "Regio Noord", "--cohort", "autumn-2027", NULL);
  tr_test_server_start (server, &options);
  admin = log_in (ADMIN_EMAIL);
  {
    g_autoptr(Reply) probe = call ("GET", "/cohorts", admin, NULL);

    if (probe->status == SOUP_STATUS_NOT_FOUND)
      {
        g_test_skip ("this trellis-server has no institute reports yet");
        return;
      }
  }

  /* Sam completes the course and gets its certificate; Lea starts it. */
  sam = enrol (spring, "Sam Jansen", "sam@example.org");
  lea = enrol (autumn, "Lea Martin", "lea@example.org");
  version = course_version (sam);
  post_events (sam, version, complete_events);
  post_events (lea, version, started_events);
  issued = call ("POST", "/certificates", sam, "{\"course\": \"example-course\"}");
  ok_object (issued);

  /* The trainer held a session that Sam attended. */
  trainer = log_in (TRAINER_EMAIL);
  {
    g_autoptr(Reply) started = call ("POST", "/classrooms", trainer, "{\"course\": \"example-course\"}");
    g_autofree char *join = NULL;
    g_autofree char *end = NULL;
    g_autoptr(Reply) joined = NULL;
    g_autoptr(Reply) ended = NULL;

    classroom_id = g_strdup (json_object_get_string_member (ok_object (started), "id"));
    join = g_strdup_printf ("{\"code\": \"%s\"}", json_object_get_string_member (ok_object (started), "code"));
    joined = call ("POST", "/classrooms/join", sam, join);
    ok_object (joined);
    end = g_strdup_printf ("/classrooms/%s/end", classroom_id);
    ended = call ("POST", end, trainer, NULL);
    ok_object (ended);
  }

  /* Signed out, no dashboard; an admin gets it from the menu. */
  app = trellis_application_new ();
  g_application_set_application_id (G_APPLICATION (app), "org.trellis.Trellis.DashboardTest");
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  tr_test_gtk_iterate_until (app_ready, app, WAIT_S);
  sync = trellis_application_get_sync (app);
  trellis_sync_start (sync);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "dashboard"));
  sign_in (sync, ADMIN_EMAIL);
  g_assert_cmpstr (trellis_sync_get_account_role (sync), ==, "admin");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "dashboard"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "dashboard", NULL);
  tr_test_gtk_iterate_until (dashboard_open, &window, WAIT_S);

  /* The summary per cohort, as the server counts. */
  tr_test_gtk_iterate_until (loaded, window, WAIT_S);
  {
    GtkWidget *error_page = find (window, ADW_TYPE_STATUS_PAGE, "The Reports Could Not Be Loaded");

    if (tr_test_gtk_is_shown (error_page))
      g_error ("the dashboard could not load: %s", adw_status_page_get_description (ADW_STATUS_PAGE (error_page)));
  }
  wait_for (window, ADW_TYPE_PREFERENCES_GROUP, "spring-2027");
  assert_summary (summary_row (window, "spring-2027", COURSE_TITLE), "Course · 1 learner · 1 started · 1 completed",
                  "100 %", 1);
  assert_summary (summary_row (window, "autumn-2027", COURSE_TITLE), "Course · 1 learner · 1 started · 0 completed",
                  "0 %", 0);
  g_assert_nonnull (summary_row (window, "spring-2027", PATH_TITLE));
  g_assert_nonnull (find (window, ADW_TYPE_EXPANDER_ROW, "Sam Jansen"));
  g_assert_nonnull (find (window, ADW_TYPE_EXPANDER_ROW, "Lea Martin"));
  row = find (find (window, ADW_TYPE_EXPANDER_ROW, "Lea Martin"), ADW_TYPE_ACTION_ROW, COURSE_TITLE);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), " done"));
  row = find (find (window, ADW_TYPE_EXPANDER_ROW, "Sam Jansen"), ADW_TYPE_ACTION_ROW, COURSE_TITLE);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Complete on "));
  g_assert_nonnull (find_exact_label (row, "Quiz best: 80 %"));
  chart = TRELLIS_COMPLETION_CHART (find (window, TRELLIS_TYPE_COMPLETION_CHART, NULL));
  g_assert_cmpuint (trellis_completion_chart_get_n_series (chart), >=, 1);
  g_assert_cmpstr (trellis_completion_chart_get_series_title (chart, 0), ==, COURSE_TITLE);
  g_assert_cmpuint (trellis_completion_chart_get_total (chart, 0), ==, 1);

  /* One cohort, from the server. */
  show_tab (window, "learners");
  select_cohort (window, "autumn-2027");
  tr_test_gtk_iterate_for (500);
  g_assert_null (find (window, ADW_TYPE_EXPANDER_ROW, "Sam Jansen"));
  g_assert_nonnull (wait_for (window, ADW_TYPE_EXPANDER_ROW, "Lea Martin"));
  select_cohort (window, "All cohorts");
  wait_for (window, ADW_TYPE_EXPANDER_ROW, "Sam Jansen");

  /* CSV: what the server exports, saved where asked. */
  csv_path = g_build_filename (g_get_tmp_dir (), "completion-all.csv", NULL);
  csv_file = g_file_new_for_path (csv_path);
  trellis_dashboard_window_export_to_file (TRELLIS_DASHBOARD_WINDOW (window), csv_file);
  wait_for (window, GTK_TYPE_LABEL, "Saved to ");
  g_file_get_contents (csv_path, &saved, NULL, &error);
  g_assert_no_error (error);
  server_csv = call ("GET", "/reports/completion?format=csv", admin, NULL);
  g_assert_cmpuint (server_csv->status, ==, 200);
  g_assert_cmpstr (saved, ==, server_csv->text);
  g_assert_nonnull (strstr (saved, "Sam Jansen"));
  g_unlink (csv_path);

  /* The session, and its attendance saved where asked. */
  show_tab (window, "sessions");
  row = gtk_widget_get_ancestor (wait_for (window, GTK_TYPE_LABEL, "Ended"), ADW_TYPE_ACTION_ROW);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, COURSE_TITLE);
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), " · 1 participant · Tom Trainer"));
  g_assert_null (find (row, GTK_TYPE_BUTTON, "Res_ume"));
  g_clear_pointer (&saved, g_free);
  g_clear_pointer (&server_csv, reply_free);
  trellis_dashboard_window_export_attendance_to_file (TRELLIS_DASHBOARD_WINDOW (window), classroom_id, csv_file);
  tr_test_gtk_iterate_until (file_has_text, (gpointer) csv_path, WAIT_S);
  g_file_get_contents (csv_path, &saved, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *path = g_strdup_printf ("/classrooms/%s/attendance?format=csv", classroom_id);

    server_csv = call ("GET", path, admin, NULL);
  }
  g_assert_cmpuint (server_csv->status, ==, 200);
  g_assert_cmpstr (saved, ==, server_csv->text);
  g_assert_true (g_str_has_prefix (saved, "participant_id,name,joined,"));
  g_assert_nonnull (strstr (saved, "Sam Jansen"));
  g_unlink (csv_path);

  /* Revoking Sam's certificate: a reason, a confirmation, the new state. */
  g_assert_true (adw_view_stack_page_get_visible (stack_page (window, "certificates")));
  show_tab (window, "certificates");
  row = wait_for (window, GTK_TYPE_BUTTON, "_Revoke…");
  g_assert_cmpuint (count (window, GTK_TYPE_BUTTON, "_Revoke…"), ==, 1);
  {
    GtkWidget *certificate = gtk_widget_get_ancestor (row, ADW_TYPE_ACTION_ROW);

    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (certificate)), ==, COURSE_TITLE);
    g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (certificate)), "Sam Jansen · "));
    g_assert_nonnull (find_exact_label (certificate, "Valid"));
  }
  tr_test_gtk_click (row);
  tr_test_gtk_iterate_until (dialog_shown, &dialog, WAIT_S);
  entry = find (dialog, GTK_TYPE_ENTRY, NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "revoke"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "revoke"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "issued to the wrong person");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "revoke"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "revoke");
  row = wait_for (window, GTK_TYPE_LABEL, "Revoked on ");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpuint (count (window, GTK_TYPE_BUTTON, "_Revoke…"), ==, 0);
  status_path = g_strdup_printf ("/certificates/%s/status", json_object_get_string_member (ok_object (issued), "id"));
  status = call ("GET", status_path, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (ok_object (status), "status"), ==, "revoked");

  /* A trainer sees the reports, not the certificates. */
  trellis_sync_sign_out_async (sync, NULL, signed_out_cb, &done);
  tr_test_gtk_iterate_until (tr_test_flag_set, &done, WAIT_S);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "dashboard"));
  wait_for (window, ADW_TYPE_STATUS_PAGE, "For Trainers and Admins");
  sign_in (sync, TRAINER_EMAIL);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "dashboard"));
  tr_test_gtk_iterate_until (certificates_hidden, window, WAIT_S);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (app);
}

static void
make_courses_dir (void)
{
  g_autofree char *course_source = tr_test_fixture_path ("example-course", NULL);
  g_autofree char *path_source = tr_test_fixture_path ("example-path", NULL);
  g_autofree char *course_copy = tr_test_copy_tree (course_source);
  g_autofree char *path_copy = tr_test_copy_tree (path_source);
  g_autofree char *path_target = NULL;

  courses_dir = g_path_get_dirname (course_copy);
  path_target = g_build_filename (courses_dir, "example-path", NULL);
  g_assert_cmpint (g_rename (path_copy, path_target), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  int status;

  tr_test_init_gui (&argc, &argv);
  /* No keyring: the token goes to a file. No proxy for loopback. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/trellis-test-bus", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  make_courses_dir ();
  g_setenv ("TRELLIS_COURSES_DIR", courses_dir, TRUE);

  g_test_add_func ("/dashboard/since", test_since);
  g_test_add_func ("/dashboard/summary", test_summary);
  g_test_add_func ("/dashboard/chart", test_chart);
  g_test_add_func ("/dashboard/certificates", test_certificates);
  g_test_add_func ("/dashboard/sessions", test_sessions);
  g_test_add_func ("/dashboard/date-filter", test_date_filter);
  g_test_add_func ("/dashboard/export-name", test_export_name);
  g_test_add_func ("/dashboard/with-server", test_with_server);
  status = g_test_run ();
  if (server != NULL)
    tr_test_server_free (server, status == 0);
  g_clear_object (&session);
  g_free (courses_dir);
  return status;
}
