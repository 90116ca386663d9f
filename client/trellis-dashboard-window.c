/* trellis-dashboard-window.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-dashboard"

#include "config.h"

#include <glib/gi18n.h>

#include "trellis-certificate-pdf.h"
#include "trellis-completion-chart.h"
#include "trellis-dashboard.h"
#include "trellis-dashboard-window.h"

/* A revocation's reason, as the server takes it. */
#define REASON_MAX_CHARS 200

struct _TrellisDashboardWindow
{
  AdwWindow             parent_instance;

  TrellisSync          *sync;            /* NULL when filled from data alone */
  TrLang                lang;
  GCancellable         *cancellable;     /* of the load under way */
  TrellisDashboardData *data;
  GHashTable           *revoked;         /* certificate id → gint64 *, revoked since the data came */
  GPtrArray            *cohort_names;    /* the dropdown's, after "All cohorts" */
  char                 *cohort;          /* the cohort shown, or NULL for all */
  gboolean              updating;        /* the dropdown is being filled from code */
  gboolean              signed_in;       /* as of the last refresh */

  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  GtkSpinner           *spinner;
  GtkSpinner           *loading_spinner;
  GtkDropDown          *cohort_dropdown;
  GtkStringList        *cohort_model;
  GtkDropDown          *period_dropdown;
  GtkEntry             *date_entry;
  GtkLabel             *date_error;
  GtkStack             *content_stack;
  AdwStatusPage        *error_page;
  AdwViewStack         *view_stack;
  GtkLabel             *summary_empty;
  GtkBox               *summary_box;
  TrellisCompletionChart *chart;
  GtkLabel             *learners_empty;
  GtkListBox           *learner_list;
  AdwViewStackPage     *sessions_page;
  GtkLabel             *sessions_empty;
  GtkListBox           *session_list;
  AdwViewStackPage     *certificates_page;
  GtkLabel             *certificate_error;
  GtkLabel             *certificates_empty;
  GtkListBox           *certificate_list;
};

G_DEFINE_FINAL_TYPE (TrellisDashboardWindow, trellis_dashboard_window, ADW_TYPE_WINDOW)

static void
show_toast (TrellisDashboardWindow *self,
            const char             *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

static GtkWidget *
new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  /* Names and titles are text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  return row;
}

/* A button at the end of a row, its whole purpose said to screen readers. */
static GtkWidget *
row_button (const char *mnemonic,
            const char *accessible)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (mnemonic);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, accessible);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return button;
}

/* An item that does not say its cohort is the server's to filter. */
static gboolean
shows_cohort (TrellisDashboardWindow *self,
              JsonObject             *item)
{
  return self->cohort == NULL || !json_object_has_member (item, "cohort") ||
         g_strcmp0 (trellis_dashboard_json_string (item, "cohort"), self->cohort) == 0;
}

static const char *
cohort_title (const char *cohort)
{
  return cohort != NULL ? cohort : _("Without a cohort");
}

/* The period filter. */

static void
show_date_error (TrellisDashboardWindow *self,
                 const char             *message)
{
  gtk_label_set_label (self->date_error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->date_error), message != NULL);
  if (message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->date_entry), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->date_entry),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->date_entry), "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->date_entry), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

/* Whether the filters make a query; @since is its since=, or NULL for all
 * time. A date typed wrong is said so next to it. */
static gboolean
current_since (TrellisDashboardWindow  *self,
               char                   **since)
{
  TrellisPeriod period = gtk_drop_down_get_selected (self->period_dropdown);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->date_entry));
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  *since = NULL;
  if (period == TRELLIS_PERIOD_SINCE_DATE && !trellis_dashboard_check_date (text, &error))
    {
      show_date_error (self, error->message);
      return FALSE;
    }
  show_date_error (self, NULL);
  *since = trellis_dashboard_since (period, text, now);
  return TRUE;
}

/* Rendering from the answers. */

static void
fill_cohorts (TrellisDashboardWindow *self)
{
  JsonArray *cohorts = trellis_dashboard_json_array (self->data->cohorts, "cohorts");
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  guint selected = 0;

  g_ptr_array_set_size (self->cohort_names, 0);
  g_ptr_array_add (items, (gpointer) _("All cohorts"));
  for (guint i = 0; cohorts != NULL && i < json_array_get_length (cohorts); i++)
    {
      const char *name = trellis_dashboard_json_string (trellis_dashboard_json_element (cohorts, i), "name");

      if (name == NULL)
        continue;
      g_ptr_array_add (self->cohort_names, g_strdup (name));
      g_ptr_array_add (items, (gpointer) name);
      if (g_strcmp0 (name, self->cohort) == 0)
        selected = self->cohort_names->len;
    }
  g_ptr_array_add (items, NULL);
  if (selected == 0)
    g_clear_pointer (&self->cohort, g_free);

  self->updating = TRUE;
  gtk_string_list_splice (self->cohort_model, 0, g_list_model_get_n_items (G_LIST_MODEL (self->cohort_model)),
                          (const char * const *) items->pdata);
  gtk_drop_down_set_selected (self->cohort_dropdown, selected);
  self->updating = FALSE;
}

static void
add_summary_row (TrellisDashboardWindow *self,
                 AdwPreferencesGroup    *group,
                 JsonObject             *entry)
{
  const char *kind = trellis_dashboard_json_string (entry, "kind");
  const char *id = trellis_dashboard_json_string (entry, "id");
  const char *title = trellis_dashboard_title (self->data->report, kind, id, self->lang);
  gint64 learners = MAX (trellis_dashboard_json_int (entry, "learners", 0), 0);
  gint64 started = MAX (trellis_dashboard_json_int (entry, "started", 0), 0);
  gint64 completed = CLAMP (trellis_dashboard_json_int (entry, "completed", 0), 0, MAX (learners, 0));
  guint percent = learners > 0 ? (guint) ((completed * 100 + learners / 2) / learners) : 0;
  g_autofree char *learners_text = g_strdup_printf (ngettext ("%u learner", "%u learners", (gulong) learners),
                                                    (guint) learners);
  /* Translators: "Course · 24 learners · 20 started · 11 completed" */
  g_autofree char *subtitle = g_strdup_printf (_("%s · %s · %u started · %u completed"),
                                               g_strcmp0 (kind, "path") == 0 ? _("Learning path") : _("Course"),
                                               learners_text, (guint) started, (guint) completed);
  /* Translators: a percentage, "46 %" */
  g_autofree char *percent_text = g_strdup_printf (_("%u %%"), percent);
  g_autofree char *level_label = g_strdup_printf (_("Completed: %s"), title);
  GtkWidget *row = new_row (title, subtitle);
  GtkWidget *level = gtk_level_bar_new_for_interval (0, 1);
  GtkWidget *label = gtk_label_new (percent_text);

  gtk_level_bar_set_value (GTK_LEVEL_BAR (level), learners > 0 ? (double) completed / learners : 0);
  gtk_widget_set_size_request (level, 120, -1);
  gtk_widget_set_valign (level, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (level), GTK_ACCESSIBLE_PROPERTY_LABEL, level_label,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, percent_text, -1);
  gtk_label_set_width_chars (GTK_LABEL (label), 5);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), level);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);
}

static int
compare_cohorts (gconstpointer a,
                 gconstpointer b)
{
  const char *first = *(const char **) a;
  const char *second = *(const char **) b;

  /* Learners without a cohort come last. */
  if (first == NULL || second == NULL)
    return (first == NULL) - (second == NULL);
  return g_utf8_collate (first, second);
}

/* Per cohort when all are shown: a group each, courses before paths. */
static void
fill_summary (TrellisDashboardWindow *self)
{
  JsonArray *summary = trellis_dashboard_json_array (self->data->report, "summary");
  g_autoptr(GPtrArray) cohorts = g_ptr_array_new ();
  guint n = summary != NULL ? json_array_get_length (summary) : 0;
  static const char * const kinds[] = { "course", "path" };

  clear_box (GTK_WIDGET (self->summary_box));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *entry = trellis_dashboard_json_element (summary, i);
      const char *cohort = trellis_dashboard_json_string (entry, "cohort");
      gboolean seen = FALSE;

      if (entry == NULL || !shows_cohort (self, entry))
        continue;
      for (guint j = 0; j < cohorts->len && !seen; j++)
        seen = g_strcmp0 (g_ptr_array_index (cohorts, j), cohort) == 0;
      if (!seen)
        g_ptr_array_add (cohorts, (gpointer) cohort);
    }
  g_ptr_array_sort (cohorts, compare_cohorts);

  for (guint i = 0; i < cohorts->len; i++)
    {
      const char *cohort = g_ptr_array_index (cohorts, i);
      GtkWidget *group = adw_preferences_group_new ();
      g_autofree char *escaped = g_markup_escape_text (cohort_title (cohort), -1);

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), escaped);
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        for (guint j = 0; j < n; j++)
          {
            JsonObject *entry = trellis_dashboard_json_element (summary, j);

            if (entry != NULL && g_strcmp0 (trellis_dashboard_json_string (entry, "cohort"), cohort) == 0 &&
                g_strcmp0 (trellis_dashboard_json_string (entry, "kind"), kinds[k]) == 0 &&
                trellis_dashboard_json_string (entry, "id") != NULL)
              add_summary_row (self, ADW_PREFERENCES_GROUP (group), entry);
          }
      gtk_box_append (self->summary_box, group);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->summary_empty), cohorts->len == 0);
}

static char *
item_state (TrellisDashboardWindow *self,
            JsonObject             *item,
            gboolean               *is_complete)
{
  JsonNode *complete = json_object_get_member (item, "complete");
  gint64 done = trellis_dashboard_json_int (item, "done", 0);
  gint64 required = trellis_dashboard_json_int (item, "required", 0);
  gint64 completed = trellis_dashboard_json_int (item, "completed", 0);

  *is_complete = FALSE;
  if (complete != NULL && JSON_NODE_HOLDS_VALUE (complete) && json_node_get_value_type (complete) == G_TYPE_BOOLEAN &&
      json_node_get_boolean (complete))
    {
      g_autofree char *date = NULL;

      *is_complete = TRUE;
      if (completed <= 0)
        return g_strdup (_("Complete"));
      date = trellis_certificate_format_date (completed, self->lang);
      return g_strdup_printf (_("Complete on %s"), date);
    }
  if (done > 0)
    /* Translators: "4 of 10 done": required items of a course */
    return g_strdup_printf (_("%u of %u done"), (guint) done, (guint) MAX (required, done));
  return g_strdup (_("Not started"));
}

/* A course or path of a learner: how far they are, and their best quiz
 * score; never what they chose or answered. */
static GtkWidget *
create_item_row (TrellisDashboardWindow *self,
                 JsonObject             *item,
                 gboolean               *is_complete)
{
  const char *kind = trellis_dashboard_json_string (item, "kind");
  const char *id = trellis_dashboard_json_string (item, "id");
  JsonNode *quiz = json_object_get_member (item, "quiz_best");
  g_autofree char *state = item_state (self, item, is_complete);
  GtkWidget *row = new_row (trellis_dashboard_title (self->data->report, kind, id, self->lang), state);

  if (quiz != NULL && JSON_NODE_HOLDS_VALUE (quiz))
    {
      guint score = (guint) CLAMP (trellis_dashboard_json_int (item, "quiz_best", 0), 0, 100);
      /* Translators: the best score of a learner's quiz, "Quiz best: 85 %" */
      g_autofree char *text = g_strdup_printf (_("Quiz best: %u %%"), score);
      GtkWidget *label = gtk_label_new (text);

      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  return row;
}

static void
fill_learners (TrellisDashboardWindow *self)
{
  JsonArray *learners = trellis_dashboard_json_array (self->data->report, "learners");
  guint shown = 0;

  clear_box (GTK_WIDGET (self->learner_list));
  for (guint i = 0; learners != NULL && i < json_array_get_length (learners); i++)
    {
      JsonObject *learner = trellis_dashboard_json_element (learners, i);
      const char *name = trellis_dashboard_json_string (learner, "name");
      const char *cohort = trellis_dashboard_json_string (learner, "cohort");
      JsonArray *items = trellis_dashboard_json_array (learner, "items");
      guint n_items = 0, n_complete = 0;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (learner == NULL || !shows_cohort (self, learner))
        continue;
      row = adw_expander_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name != NULL ? name : "?");
      for (guint j = 0; items != NULL && j < json_array_get_length (items); j++)
        {
          JsonObject *item = trellis_dashboard_json_element (items, j);
          gboolean is_complete;

          if (trellis_dashboard_json_string (item, "id") == NULL)
            continue;
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), create_item_row (self, item, &is_complete));
          n_items++;
          n_complete += is_complete ? 1 : 0;
        }
      /* Translators: "spring-2027 · 1 of 2 complete" */
      subtitle = g_strdup_printf (_("%s · %u of %u complete"), cohort_title (cohort), n_complete, n_items);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
      gtk_list_box_append (self->learner_list, row);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->learner_list), shown > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->learners_empty), shown == 0);
}

/* Revoking. */

static gboolean
reason_is_valid (const char *text)
{
  g_autofree char *reason = g_strstrip (g_strdup (text != NULL ? text : ""));
  glong length = g_utf8_strlen (reason, -1);

  return length >= 1 && length <= REASON_MAX_CHARS;
}

static void fill_certificates (TrellisDashboardWindow *self);

typedef struct
{
  TrellisDashboardWindow *self;   /* a reference */
  char                   *id;
} Revoking;

static void
revoking_free (Revoking *revoking)
{
  g_object_unref (revoking->self);
  g_free (revoking->id);
  g_free (revoking);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Revoking, revoking_free)

static void
revoked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Revoking) revoking = user_data;
  TrellisDashboardWindow *self = revoking->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) status = trellis_dashboard_revoke_finish (TRELLIS_SYNC (source), result, &error);
  gint64 *revoked_at;

  if (status == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not revoke the certificate: %s"), error->message);

      gtk_label_set_label (self->certificate_error, text);
      gtk_widget_set_visible (GTK_WIDGET (self->certificate_error), TRUE);
      fill_certificates (self);
      return;
    }
  revoked_at = g_new (gint64, 1);
  *revoked_at = trellis_dashboard_json_int (status, "revoked_at", g_get_real_time () / 1000);
  g_hash_table_insert (self->revoked, g_strdup (revoking->id), revoked_at);
  fill_certificates (self);
  show_toast (self, _("Certificate revoked"));
}

static void
reason_changed_cb (GtkEditable     *entry,
                   AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "revoke", reason_is_valid (gtk_editable_get_text (entry)));
}

static void
revoke_response_cb (AdwMessageDialog       *dialog,
                    const char             *response,
                    TrellisDashboardWindow *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  const char *id = g_object_get_data (G_OBJECT (dialog), "certificate-id");
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  Revoking *revoking;

  if (g_strcmp0 (response, "revoke") != 0 || !reason_is_valid (reason))
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_error), FALSE);
  if (self->sync == NULL)
    {
      gtk_label_set_label (self->certificate_error, _("Sign in to your institute’s server first"));
      gtk_widget_set_visible (GTK_WIDGET (self->certificate_error), TRUE);
      return;
    }
  revoking = g_new0 (Revoking, 1);
  revoking->self = g_object_ref (self);
  revoking->id = g_strdup (id);
  trellis_dashboard_revoke_async (self->sync, id, reason, NULL, revoked_cb, revoking);
}

static void
revoke_clicked_cb (GtkButton              *button,
                   TrellisDashboardWindow *self)
{
  const char *holder = g_object_get_data (G_OBJECT (button), "holder");
  const char *title = g_object_get_data (G_OBJECT (button), "title");
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Revoke This Certificate?"), NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_Reason, kept by your institute (required)"));
  GtkWidget *entry = gtk_entry_new ();

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The certificate of %s for “%s” will no longer be valid: anyone who checks it "
                                    "will see that it was revoked. This cannot be undone."),
                                  holder, title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_entry_set_max_length (GTK_ENTRY (entry), REASON_MAX_CHARS);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("For example: issued to the wrong person"));
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), entry);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "revoke", _("_Revoke"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revoke", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "revoke", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "revoke");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data_full (G_OBJECT (dialog), "certificate-id",
                          g_strdup (g_object_get_data (G_OBJECT (button), "certificate-id")), g_free);
  g_signal_connect (entry, "changed", G_CALLBACK (reason_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (revoke_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static GtkWidget *
create_certificate_row (TrellisDashboardWindow *self,
                        JsonObject             *certificate)
{
  const char *id = trellis_dashboard_json_string (certificate, "id");
  const char *holder = trellis_dashboard_json_string (certificate, "holder");
  const char *status = trellis_dashboard_json_string (certificate, "status");
  const char *achievement = trellis_dashboard_json_string (certificate, "achievement");
  JsonNode *own_title = json_object_get_member (certificate, "title");
  const char *title = own_title != NULL && JSON_NODE_HOLDS_OBJECT (own_title)
                      ? trellis_dashboard_text (json_node_get_object (own_title), self->lang) : NULL;
  gint64 *revoked_here = g_hash_table_lookup (self->revoked, id);
  gint64 revoked_at = revoked_here != NULL ? *revoked_here : trellis_dashboard_json_int (certificate, "revoked_at", 0);
  g_autofree char *issued = trellis_certificate_format_date (trellis_dashboard_json_int (certificate, "issued", 0),
                                                             self->lang);
  g_autofree char *subtitle = NULL;
  g_autofree char *status_text = NULL;
  const char *status_class;
  GtkWidget *row, *label;

  if (title == NULL && achievement != NULL)
    title = trellis_dashboard_title (self->data->report, trellis_dashboard_json_string (certificate, "kind"),
                                     achievement, self->lang);
  if (title == NULL)
    title = "?";
  if (holder == NULL)
    holder = "?";
  if (json_object_has_member (certificate, "cohort"))
    /* Translators: "Sam Jansen · spring-2027 · Issued on 14 March 2027" */
    subtitle = g_strdup_printf (_("%s · %s · Issued on %s"), holder,
                                cohort_title (trellis_dashboard_json_string (certificate, "cohort")), issued);
  else
    /* Translators: "Sam Jansen · Issued on 14 March 2027" */
    subtitle = g_strdup_printf (_("%s · Issued on %s"), holder, issued);
  if (revoked_here != NULL || g_strcmp0 (status, "revoked") == 0)
    {
      g_autofree char *date = revoked_at > 0 ? trellis_certificate_format_date (revoked_at, self->lang) : NULL;

      status_text = date != NULL ? g_strdup_printf (_("Revoked on %s"), date) : g_strdup (_("Revoked"));
      status_class = "error";
    }
  else if (g_strcmp0 (status, "expired") == 0)
    {
      status_text = g_strdup (_("Expired"));
      status_class = "warning";
    }
  else
    {
      status_text = g_strdup (_("Valid"));
      status_class = "success";
    }

  row = new_row (title, subtitle);
  label = gtk_label_new (status_text);
  gtk_widget_add_css_class (label, status_class);
  gtk_widget_add_css_class (label, "heading");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  if (g_str_equal (status_class, "success") && id != NULL)
    {
      g_autofree char *accessible = g_strdup_printf (_("Revoke the certificate of %s for “%s”"), holder, title);
      GtkWidget *button = row_button (_("_Revoke…"), accessible);

      g_object_set_data_full (G_OBJECT (button), "certificate-id", g_strdup (id), g_free);
      g_object_set_data_full (G_OBJECT (button), "holder", g_strdup (holder), g_free);
      g_object_set_data_full (G_OBJECT (button), "title", g_strdup (title), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (revoke_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static void
fill_certificates (TrellisDashboardWindow *self)
{
  JsonArray *certificates = trellis_dashboard_json_array (self->data->certificates, "certificates");
  guint shown = 0;

  /* Trainers see no certificates: the server would refuse them. */
  adw_view_stack_page_set_visible (self->certificates_page, self->data->certificates != NULL);
  clear_box (GTK_WIDGET (self->certificate_list));
  for (guint i = 0; certificates != NULL && i < json_array_get_length (certificates); i++)
    {
      JsonObject *certificate = trellis_dashboard_json_element (certificates, i);

      if (certificate == NULL || !shows_cohort (self, certificate))
        continue;
      gtk_list_box_append (self->certificate_list, create_certificate_row (self, certificate));
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_list), shown > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->certificates_empty), shown == 0);
}

/* Classroom sessions. */

static void export_attendance (TrellisDashboardWindow *self, const char *classroom_id, const char *file_name);

static void
attendance_clicked_cb (GtkButton              *button,
                       TrellisDashboardWindow *self)
{
  export_attendance (self, g_object_get_data (G_OBJECT (button), "classroom-id"),
                     g_object_get_data (G_OBJECT (button), "file-name"));
}

static void
open_clicked_cb (GtkButton              *button,
                 TrellisDashboardWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "app.start-classroom", "s",
                              g_object_get_data (G_OBJECT (button), "course-id"));
}

static GtkWidget *
create_session_row (TrellisDashboardWindow *self,
                    JsonObject             *classroom)
{
  const char *id = trellis_dashboard_json_string (classroom, "id");
  const char *course = trellis_dashboard_json_string (classroom, "course");
  const char *trainer = trellis_dashboard_json_string (classroom, "trainer");
  const char *title = course != NULL ? trellis_dashboard_title (self->data->report, "course", course, self->lang)
                                     : NULL;
  gint64 started = trellis_dashboard_json_int (classroom, "started", 0);
  guint participants = (guint) CLAMP (trellis_dashboard_json_int (classroom, "participants", 0), 0, G_MAXUINT);
  JsonNode *ended = json_object_get_member (classroom, "ended");
  gboolean running = ended != NULL && JSON_NODE_HOLDS_NULL (ended);
  g_autofree char *date = trellis_certificate_format_date (started, self->lang);
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u participant", "%u participants",
                                                         participants), participants);
  g_autofree char *subtitle = NULL;
  GtkWidget *row, *label, *button;

  if (title == NULL)
    title = course != NULL ? course : "?";
  /* Translators: "14 March 2027 · 12 participants · Noor Bakker" */
  subtitle = g_strdup_printf (_("%s · %s · %s"), date, count, trainer != NULL ? trainer : "?");
  row = new_row (title, subtitle);
  label = gtk_label_new (running ? _("Running") : _("Ended"));
  gtk_widget_add_css_class (label, running ? "accent" : "dim-label");
  gtk_widget_add_css_class (label, "heading");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  if (id == NULL)
    return row;

  if (running && json_object_get_boolean_member_with_default (classroom, "mine", FALSE) && course != NULL)
    {
      g_autofree char *accessible = g_strdup_printf (_("Lead the session of “%s” again"), title);

      button = row_button (_("Res_ume"), accessible);
      g_object_set_data_full (G_OBJECT (button), "course-id", g_strdup (course), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (open_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  {
    g_autofree char *accessible = g_strdup_printf (_("Save the attendance of the session of “%s” on %s"), title,
                                                   date);
    g_autofree char *name = NULL;
    g_autofree char *day = NULL;
    g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (started / 1000);

    day = when != NULL ? g_date_time_format (when, "%Y-%m-%d") : g_strdup ("session");
    name = g_strdup_printf ("attendance-%s-%s.csv", course != NULL ? course : "session", day);
    g_strcanon (name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", '-');
    button = row_button (_("_Attendance…"), accessible);
    g_object_set_data_full (G_OBJECT (button), "classroom-id", g_strdup (id), g_free);
    g_object_set_data_full (G_OBJECT (button), "file-name", g_steal_pointer (&name), g_free);
    g_signal_connect_object (button, "clicked", G_CALLBACK (attendance_clicked_cb), self, 0);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  }
  return row;
}

static void
fill_sessions (TrellisDashboardWindow *self)
{
  JsonArray *classrooms = trellis_dashboard_json_array (self->data->classrooms, "classrooms");
  guint shown = 0;

  adw_view_stack_page_set_visible (self->sessions_page, self->data->classrooms != NULL);
  clear_box (GTK_WIDGET (self->session_list));
  for (guint i = 0; classrooms != NULL && i < json_array_get_length (classrooms); i++)
    {
      JsonObject *classroom = trellis_dashboard_json_element (classrooms, i);

      if (classroom == NULL)
        continue;
      gtk_list_box_append (self->session_list, create_session_row (self, classroom));
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->session_list), shown > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->sessions_empty), shown == 0);
}

static void
render (TrellisDashboardWindow *self)
{
  if (self->data == NULL)
    return;
  adw_view_switcher_title_set_subtitle (self->switcher_title,
                                        trellis_dashboard_json_string (self->data->report, "institute"));
  fill_summary (self);
  trellis_completion_chart_set_report (self->chart, self->data->report, self->cohort, self->lang);
  fill_learners (self);
  fill_sessions (self);
  fill_certificates (self);
}

/**
 * trellis_dashboard_window_show_data:
 * @cohorts: as GET /api/v1/cohorts answers
 * @report: as GET /api/v1/reports/completion answers
 * @certificates: (nullable): as GET /api/v1/institute/certificates
 *   answers; %NULL hides the certificates, as for a trainer
 *
 * Shows these answers, for the cohort chosen in the filter (all cohorts,
 * grouped, when none is). The window's requests end here too, so tests and
 * screenshots can fill it without a server.
 */
void
trellis_dashboard_window_show_data (TrellisDashboardWindow *self,
                                    JsonObject             *cohorts,
                                    JsonObject             *report,
                                    JsonObject             *certificates)
{
  g_autoptr(JsonObject) classrooms = NULL;

  g_return_if_fail (TRELLIS_IS_DASHBOARD_WINDOW (self));
  g_return_if_fail (cohorts != NULL);
  g_return_if_fail (report != NULL);

  /* The sessions stay until new ones come (trellis_dashboard_window_show_sessions ()). */
  if (self->data != NULL)
    classrooms = g_steal_pointer (&self->data->classrooms);
  g_clear_pointer (&self->data, trellis_dashboard_data_free);
  self->data = trellis_dashboard_data_new (cohorts, report, certificates);
  self->data->classrooms = g_steal_pointer (&classrooms);
  g_hash_table_remove_all (self->revoked);
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_error), FALSE);
  fill_cohorts (self);
  render (self);
  gtk_stack_set_visible_child_name (self->content_stack, "data");
}

/**
 * trellis_dashboard_window_show_sessions:
 * @classrooms: (nullable): as GET /api/v1/classrooms answers; %NULL hides
 *   the sessions
 *
 * Shows the classroom sessions beside data shown before.
 */
void
trellis_dashboard_window_show_sessions (TrellisDashboardWindow *self,
                                        JsonObject             *classrooms)
{
  g_return_if_fail (TRELLIS_IS_DASHBOARD_WINDOW (self));
  g_return_if_fail (self->data != NULL);

  g_clear_pointer (&self->data->classrooms, json_object_unref);
  self->data->classrooms = classrooms != NULL ? json_object_ref (classrooms) : NULL;
  fill_sessions (self);
}

/* Loading. */

static void
set_loading (TrellisDashboardWindow *self,
             gboolean                loading)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_spinner_set_spinning (self->loading_spinner, loading);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TrellisDashboardWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TrellisDashboardData) data = trellis_dashboard_load_finish (TRELLIS_SYNC (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_loading (self, FALSE);
  if (data == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->content_stack, "error");
      return;
    }
  trellis_dashboard_window_show_data (self, data->cohorts, data->report, data->certificates);
  trellis_dashboard_window_show_sessions (self, data->classrooms);
}

/**
 * trellis_dashboard_window_refresh:
 *
 * Asks the server again for the reports with the filters chosen; signed
 * out, or as a learner, says who the dashboard is for.
 */
void
trellis_dashboard_window_refresh (TrellisDashboardWindow *self)
{
  g_autofree char *since = NULL;
  const char *role;

  g_return_if_fail (TRELLIS_IS_DASHBOARD_WINDOW (self));

  if (self->sync == NULL)
    return;
  role = trellis_sync_get_account_role (self->sync);
  self->signed_in = trellis_sync_get_state (self->sync) != TRELLIS_SYNC_SIGNED_OUT;
  if (!self->signed_in || !trellis_dashboard_role_may_view (role))
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_pointer (&self->data, trellis_dashboard_data_free);
      set_loading (self, FALSE);
      gtk_stack_set_visible_child_name (self->content_stack, "signed-out");
      return;
    }
  if (!current_since (self, &since))
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  if (self->data == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "loading");
  trellis_dashboard_load_async (self->sync, self->cohort, since, trellis_dashboard_role_is_admin (role),
                                self->cancellable, loaded_cb, g_object_ref (self));
}

static void
account_changed_cb (TrellisDashboardWindow *self)
{
  gboolean signed_in = trellis_sync_get_state (self->sync) != TRELLIS_SYNC_SIGNED_OUT;

  /* Syncing changes the state often; only a sign-in or -out matters here. */
  if (signed_in != self->signed_in)
    trellis_dashboard_window_refresh (self);
}

/* The filters. */

static void
cohort_selected_cb (TrellisDashboardWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->cohort_dropdown);

  if (self->updating)
    return;
  g_clear_pointer (&self->cohort, g_free);
  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected <= self->cohort_names->len)
    self->cohort = g_strdup (g_ptr_array_index (self->cohort_names, selected - 1));
  /* What is at hand at once; the server's answer for the cohort follows. */
  render (self);
  trellis_dashboard_window_refresh (self);
}

static void
period_selected_cb (TrellisDashboardWindow *self)
{
  gboolean by_date = gtk_drop_down_get_selected (self->period_dropdown) == TRELLIS_PERIOD_SINCE_DATE;

  gtk_widget_set_visible (GTK_WIDGET (self->date_entry), by_date);
  show_date_error (self, NULL);
  if (by_date)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->date_entry));
      if (*gtk_editable_get_text (GTK_EDITABLE (self->date_entry)) == '\0')
        return;
    }
  trellis_dashboard_window_refresh (self);
}

static void
date_activate_cb (TrellisDashboardWindow *self)
{
  g_autofree char *since = NULL;

  if (current_since (self, &since))
    trellis_dashboard_window_refresh (self);
}

static void
date_changed_cb (TrellisDashboardWindow *self)
{
  /* A mistake is pointed out on Enter; its correction clears it at once. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->date_error)) &&
      trellis_dashboard_check_date (gtk_editable_get_text (GTK_EDITABLE (self->date_entry)), NULL))
    show_date_error (self, NULL);
}

/* Exporting the report, or a session's attendance, as CSV. */

typedef struct
{
  TrellisDashboardWindow *self;         /* a reference */
  GFile                  *file;
  gboolean                attendance;
} Export;

static Export *
export_new (TrellisDashboardWindow *self,
            GFile                  *file,
            gboolean                attendance)
{
  Export *export = g_new0 (Export, 1);

  export->self = g_object_ref (self);
  export->file = g_object_ref (file);
  export->attendance = attendance;
  if (!attendance)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.export-csv", FALSE);
  return export;
}

static void
export_free (Export *export)
{
  if (!export->attendance)
    gtk_widget_action_set_enabled (GTK_WIDGET (export->self), "dashboard.export-csv", TRUE);
  g_object_unref (export->self);
  g_object_unref (export->file);
  g_free (export);
}

static void
csv_saved_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Export *export = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *title = g_strdup_printf (_("Could not save: %s"), error->message);

      show_toast (export->self, title);
    }
  else
    {
      g_autofree char *where = g_file_get_parse_name (export->file);
      g_autofree char *title = g_strdup_printf (_("Saved to %s"), where);

      show_toast (export->self, title);
    }
  export_free (export);
}

static void
csv_fetched_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Export *export = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) csv = trellis_dashboard_fetch_csv_finish (TRELLIS_SYNC (source), result, &error);

  if (csv == NULL)
    {
      g_autofree char *title = g_strdup_printf (export->attendance ? _("Could not export the attendance: %s")
                                                                   : _("Could not export the report: %s"),
                                                error->message);

      show_toast (export->self, title);
      export_free (export);
      return;
    }
  g_file_replace_contents_bytes_async (export->file, csv, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                       csv_saved_cb, export);
}

static gboolean
check_signed_in (TrellisDashboardWindow *self)
{
  if (self->sync != NULL)
    return TRUE;
  show_toast (self, _("Sign in to your institute’s server first"));
  return FALSE;
}

/**
 * trellis_dashboard_window_export_to_file:
 *
 * Fetches the completion report with the filters chosen as the server's
 * CSV and saves it in @file; a toast says where, or what went wrong.
 */
void
trellis_dashboard_window_export_to_file (TrellisDashboardWindow *self,
                                         GFile                  *file)
{
  g_autofree char *since = NULL;

  g_return_if_fail (TRELLIS_IS_DASHBOARD_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (!current_since (self, &since) || !check_signed_in (self))
    return;
  trellis_dashboard_fetch_csv_async (self->sync, self->cohort, since, NULL, csv_fetched_cb,
                                     export_new (self, file, FALSE));
}

/**
 * trellis_dashboard_window_export_attendance_to_file:
 *
 * Fetches the attendance of the classroom session @classroom_id as the
 * server's CSV and saves it in @file; a toast says where, or what went
 * wrong.
 */
void
trellis_dashboard_window_export_attendance_to_file (TrellisDashboardWindow *self,
                                                    const char             *classroom_id,
                                                    GFile                  *file)
{
  g_return_if_fail (TRELLIS_IS_DASHBOARD_WINDOW (self));
  g_return_if_fail (classroom_id != NULL);
  g_return_if_fail (G_IS_FILE (file));

  if (!check_signed_in (self))
    return;
  trellis_dashboard_fetch_attendance_async (self->sync, classroom_id, NULL, csv_fetched_cb,
                                            export_new (self, file, TRUE));
}

static char *
default_file_name (TrellisDashboardWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *cohort = g_strdup (self->cohort != NULL ? self->cohort : "all");

  g_strcanon (cohort, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", '-');
  return g_strdup_printf ("completion-%s-%s.csv", cohort, date);
}

static void
chooser_response_cb (GtkNativeDialog        *chooser,
                     int                     response,
                     TrellisDashboardWindow *self)
{
  const char *classroom_id = g_object_get_data (G_OBJECT (chooser), "classroom-id");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      if (classroom_id != NULL)
        trellis_dashboard_window_export_attendance_to_file (self, classroom_id, file);
      else
        trellis_dashboard_window_export_to_file (self, file);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

/* Asks where to save a CSV: the report, or with @classroom_id the
 * attendance of that session. */
static void
ask_where_to_save (TrellisDashboardWindow *self,
                   const char             *title,
                   const char             *file_name,
                   const char             *classroom_id)
{
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter;

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Spreadsheets (CSV)"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file_name);
  g_object_set_data_full (G_OBJECT (chooser), "classroom-id", g_strdup (classroom_id), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_attendance (TrellisDashboardWindow *self,
                   const char             *classroom_id,
                   const char             *file_name)
{
  ask_where_to_save (self, _("Save the Attendance"), file_name, classroom_id);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TrellisDashboardWindow *self = TRELLIS_DASHBOARD_WINDOW (widget);
  g_autofree char *since = NULL;
  g_autofree char *name = NULL;

  /* A date typed wrong is said so first, before asking where. */
  if (!current_since (self, &since))
    return;
  name = default_file_name (self);
  ask_where_to_save (self, _("Export the Completion Report"), name, NULL);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  trellis_dashboard_window_refresh (TRELLIS_DASHBOARD_WINDOW (widget));
}

/**
 * trellis_dashboard_window_new:
 * @sync: (nullable): the account's sync engine, for the requests; %NULL
 *   for a window filled only with trellis_dashboard_window_show_data ()
 * @lang: the language of course titles
 */
GtkWidget *
trellis_dashboard_window_new (TrellisSync *sync,
                              TrLang       lang)
{
  TrellisDashboardWindow *self;

  g_return_val_if_fail (sync == NULL || TRELLIS_IS_SYNC (sync), NULL);

  self = g_object_new (TRELLIS_TYPE_DASHBOARD_WINDOW, NULL);
  self->lang = lang;
  if (sync != NULL)
    {
      self->sync = g_object_ref (sync);
      self->signed_in = trellis_sync_get_state (sync) != TRELLIS_SYNC_SIGNED_OUT;
      g_signal_connect_object (sync, "notify::account-role", G_CALLBACK (trellis_dashboard_window_refresh), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (sync, "notify::state", G_CALLBACK (account_changed_cb), self, G_CONNECT_SWAPPED);
    }
  return GTK_WIDGET (self);
}

static void
trellis_dashboard_window_dispose (GObject *object)
{
  TrellisDashboardWindow *self = TRELLIS_DASHBOARD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync);
  g_clear_pointer (&self->data, trellis_dashboard_data_free);

  G_OBJECT_CLASS (trellis_dashboard_window_parent_class)->dispose (object);
}

static void
trellis_dashboard_window_finalize (GObject *object)
{
  TrellisDashboardWindow *self = TRELLIS_DASHBOARD_WINDOW (object);

  g_hash_table_unref (self->revoked);
  g_ptr_array_unref (self->cohort_names);
  g_free (self->cohort);

  G_OBJECT_CLASS (trellis_dashboard_window_parent_class)->finalize (object);
}

static void
trellis_dashboard_window_class_init (TrellisDashboardWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_dashboard_window_dispose;
  object_class->finalize = trellis_dashboard_window_finalize;

  g_type_ensure (TRELLIS_TYPE_COMPLETION_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-dashboard-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, cohort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, cohort_model);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, date_entry);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, date_error);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, summary_empty);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, summary_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, chart);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, learners_empty);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, learner_list);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, sessions_page);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, sessions_empty);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, session_list);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, certificates_page);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, certificate_error);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, certificates_empty);
  gtk_widget_class_bind_template_child (widget_class, TrellisDashboardWindow, certificate_list);
  gtk_widget_class_bind_template_callback (widget_class, date_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, date_changed_cb);

  gtk_widget_class_install_action (widget_class, "dashboard.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "dashboard.export-csv", NULL, export_csv_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "dashboard.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "dashboard.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
trellis_dashboard_window_init (TrellisDashboardWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->revoked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cohort_names = g_ptr_array_new_with_free_func (g_free);
  gtk_string_list_append (self->cohort_model, _("All cohorts"));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->date_entry),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->date_error, NULL, -1);
  g_signal_connect_object (self->cohort_dropdown, "notify::selected", G_CALLBACK (cohort_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->period_dropdown, "notify::selected", G_CALLBACK (period_selected_cb), self,
                           G_CONNECT_SWAPPED);
}
