/* trellis-certificates-page.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-certificates"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tr-learning-path.h"
#include "tr-progress.h"
#include "trellis-certificate-pdf.h"
#include "trellis-certificates-page.h"
#include "trellis-credential-cache.h"

#define DAY_MS (G_GINT64_CONSTANT (24) * 60 * 60 * 1000)

struct _TrellisCertificatesPage
{
  AdwBin              parent_instance;

  TrellisApplication *application;
  GCancellable       *cancellable;    /* of the list being fetched */
  GPtrArray          *certificates;   /* TrellisCertificate, newest first */
  char               *requesting;     /* the title of what is being asked for */

  GtkStack           *stack;
  GtkSpinner         *spinner;
  GtkLabel           *status_label;
  GtkListBox         *certificate_list;
  GtkLabel           *empty_label;
  GtkLabel           *request_error;
  GtkListBox         *request_list;
  GtkLabel           *request_empty_label;
  GMenuModel         *credential_menu;
};

G_DEFINE_FINAL_TYPE (TrellisCertificatesPage, trellis_certificates_page, ADW_TYPE_BIN)

typedef enum
{
  STATE_VALID,
  STATE_EXPIRES_SOON,
  STATE_EXPIRED,
  STATE_REVOKED,
} State;

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* Revoked as the server said, or as the revocation list kept says. */
static gboolean
is_revoked (TrellisProgressStore *store,
            TrellisCertificate   *certificate)
{
  g_autofree char *encoded = NULL;
  gboolean is_set = FALSE;
  gint64 fetched;

  if (certificate->revoked)
    return TRUE;
  if (store == NULL || certificate->info->status_list == NULL)
    return FALSE;
  encoded = trellis_credential_cache_get_status_list (store, certificate->info->status_list, &fetched, NULL);
  return encoded != NULL && tr_status_list_get (encoded, certificate->info->status_index, &is_set, NULL) && is_set;
}

static State
certificate_state (TrellisProgressStore *store,
                   TrellisCertificate   *certificate,
                   gint64                now)
{
  gint64 until = certificate->info->valid_until;

  if (is_revoked (store, certificate))
    return STATE_REVOKED;
  if (until > 0 && until <= now)
    return STATE_EXPIRED;
  if (until > 0 && until - now <= TRELLIS_CERTIFICATE_REMIND_DAYS * DAY_MS)
    return STATE_EXPIRES_SOON;
  return STATE_VALID;
}

/* In the window's overlay, so that toasts queue rather than overlap. Each
 * answers what the learner just did: it goes before older ones. */
static void
show_toast (TrellisCertificatesPage *self,
            const char              *title)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (overlay == NULL)
    {
      g_debug ("No toast overlay for: %s", title);
      return;
    }
  toast = adw_toast_new (title);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static char *
file_name_for (TrCredentialInfo *info,
               const char       *extension)
{
  const char *id = info->achievement_id != NULL ? info->achievement_id : "certificate";
  g_autofree char *safe = g_strdup (id);

  g_strcanon (safe, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", '-');
  return g_strdup_printf ("certificate-%s.%s", safe, extension);
}

/* Saving: the file is written off the main thread, whole or not at all. */

typedef struct
{
  TrellisCertificatesPage *self;   /* a reference */
  GBytes                  *contents;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_object_unref (data->self);
  g_bytes_unref (data->contents);
  g_free (data);
}

static void
file_saved_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  TrellisCertificatesPage *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *title = g_strdup_printf (_("Could not save: %s"), error->message);

      show_toast (self, title);
    }
  else
    {
      g_autofree char *name = g_file_get_basename (G_FILE (source));
      g_autofree char *title = g_strdup_printf (_("Saved as “%s”"), name);

      show_toast (self, title);
    }
  g_object_unref (self);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  SaveData *data = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    g_file_replace_contents_bytes_async (file, data->contents, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                         NULL, file_saved_cb, g_object_ref (data->self));
  save_data_free (data);
  g_object_unref (chooser);
}

static void
ask_where_to_save (TrellisCertificatesPage *self,
                   const char              *title,
                   const char              *file_name,
                   const char              *filter_name,
                   const char              *mime_type,
                   GBytes                  *contents)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter = gtk_file_filter_new ();
  SaveData *data = g_new0 (SaveData, 1);

  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, filter_name);
  gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file_name);

  data->self = g_object_ref (self);
  data->contents = g_bytes_ref (contents);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Row actions: each certificate row carries its credential as "jws". */

static const char *
row_jws (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "jws");
}

static void
save_pdf_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkWidget *row = user_data;
  TrellisCertificatesPage *self = TRELLIS_CERTIFICATES_PAGE (gtk_widget_get_ancestor (row, TRELLIS_TYPE_CERTIFICATES_PAGE));
  TrLang lang = trellis_application_get_language (self->application);
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if ((info = trellis_credential_read_unverified (row_jws (row), NULL, &error)) == NULL ||
      (pdf = trellis_certificate_render_pdf_bytes (info, lang, &error)) == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Could not make the PDF: %s"), error->message);

      show_toast (self, title);
      return;
    }
  name = file_name_for (info, "pdf");
  ask_where_to_save (self, _("Save the Certificate as PDF"), name, _("PDF documents"), "application/pdf", pdf);
}

static void
copy_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkWidget *row = user_data;
  TrellisCertificatesPage *self = TRELLIS_CERTIFICATES_PAGE (gtk_widget_get_ancestor (row, TRELLIS_TYPE_CERTIFICATES_PAGE));

  gdk_clipboard_set_text (gtk_widget_get_clipboard (row), row_jws (row));
  show_toast (self, _("Credential copied"));
}

static void
save_credential_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  GtkWidget *row = user_data;
  TrellisCertificatesPage *self = TRELLIS_CERTIFICATES_PAGE (gtk_widget_get_ancestor (row, TRELLIS_TYPE_CERTIFICATES_PAGE));
  g_autoptr(TrCredentialInfo) info = trellis_credential_read_unverified (row_jws (row), NULL, NULL);
  g_autofree char *name = info != NULL ? file_name_for (info, "jwt") : g_strdup ("certificate.jwt");
  g_autoptr(GBytes) contents = g_bytes_new_take (g_strconcat (row_jws (row), "\n", NULL), strlen (row_jws (row)) + 1);

  ask_where_to_save (self, _("Save the Credential"), name, _("Signed credentials (JWT)"), "application/jwt",
                     contents);
}

static GtkWidget *
add_label (GtkBox     *box,
           const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);
  return label;
}

static GtkWidget *
create_certificate_row (TrellisCertificatesPage *self,
                        TrellisCertificate      *certificate,
                        gint64                   now)
{
  static const GActionEntry actions[] = {
    { "save-pdf", save_pdf_activated },
    { "copy", copy_activated },
    { "save-credential", save_credential_activated },
  };
  TrLang lang = trellis_application_get_language (self->application);
  TrCredentialInfo *info = certificate->info;
  const char *title = tr_text_get (&info->title, lang);
  gboolean is_path = g_strcmp0 (info->achievement_kind, "path") == 0;
  g_autofree char *issued = trellis_certificate_format_date (info->valid_from, lang);
  g_autofree char *until = info->valid_until > 0 ? trellis_certificate_format_date (info->valid_until, lang) : NULL;
  g_autofree char *meta = NULL;
  g_autofree char *status = NULL;
  g_autofree char *accessible = NULL;
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  GtkWidget *row = gtk_list_box_row_new ();
  GtkBox *box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));
  GtkBox *buttons = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));
  GtkWidget *status_label, *pdf_button, *menu_button;
  const char *status_class;

  if (title == NULL)
    title = info->achievement_id != NULL ? info->achievement_id : "";
  if (until != NULL)
    /* Translators: "Course · Issued on 12 March 2026 · Valid until 12 March 2028" */
    meta = g_strdup_printf (_("%s · Issued on %s · Valid until %s"), is_path ? _("Learning path") : _("Course"),
                            issued, until);
  else
    /* Translators: "Course · Issued on 12 March 2026" */
    meta = g_strdup_printf (_("%s · Issued on %s"), is_path ? _("Learning path") : _("Course"), issued);

  switch (certificate_state (trellis_application_get_store (self->application), certificate, now))
    {
    case STATE_REVOKED:
      if (certificate->revoked_at > 0)
        {
          g_autofree char *date = trellis_certificate_format_date (certificate->revoked_at, lang);

          status = g_strdup_printf (_("Revoked on %s"), date);
        }
      else
        status = g_strdup (_("Revoked"));
      status_class = "error";
      break;

    case STATE_EXPIRED:
      status = g_strdup_printf (_("Expired on %s"), until);
      status_class = "error";
      break;

    case STATE_EXPIRES_SOON:
      status = g_strdup (_("Expires soon"));
      status_class = "warning";
      break;

    case STATE_VALID:
    default:
      status = g_strdup (_("Valid"));
      status_class = "success";
      break;
    }

  gtk_widget_set_margin_top (GTK_WIDGET (box), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (box), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (box), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (box), 12);
  add_label (box, title, "heading");
  add_label (box, meta, "dim-label");
  status_label = add_label (box, status, status_class);
  gtk_widget_add_css_class (status_label, "heading");
  if (g_strcmp0 (status_class, "warning") == 0)
    {
      /* Translators: %s is a date */
      g_autofree char *remind = g_strdup_printf (is_path ? _("Expires on %s — take the learning path again to renew")
                                                         : _("Expires on %s — take the course again to renew"),
                                                 until);

      add_label (box, remind, "warning");
    }

  pdf_button = gtk_button_new_with_mnemonic (_("Save as _PDF…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (pdf_button), "certificate.save-pdf");
  gtk_widget_set_tooltip_text (pdf_button, _("Save the certificate as a PDF to print or send"));
  gtk_box_append (buttons, pdf_button);
  menu_button = gtk_menu_button_new ();
  gtk_menu_button_set_label (GTK_MENU_BUTTON (menu_button), _("C_redential"));
  gtk_menu_button_set_use_underline (GTK_MENU_BUTTON (menu_button), TRUE);
  gtk_menu_button_set_always_show_arrow (GTK_MENU_BUTTON (menu_button), TRUE);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), self->credential_menu);
  gtk_widget_set_tooltip_text (menu_button, _("Copy or save the signed credential, which anyone can verify"));
  gtk_box_append (buttons, menu_button);
  gtk_widget_set_margin_top (GTK_WIDGET (buttons), 6);
  gtk_box_append (box, GTK_WIDGET (buttons));

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), GTK_WIDGET (box));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "jws", g_strdup (certificate->jws), g_free);
  g_action_map_add_action_entries (G_ACTION_MAP (group), actions, G_N_ELEMENTS (actions), row);
  gtk_widget_insert_action_group (row, "certificate", G_ACTION_GROUP (group));
  accessible = g_strdup_printf ("%s. %s. %s", title, status, meta);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* Requesting. */

static TrCourse *
find_course (GListModel *courses,
             const char *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (courses); i++)
    {
      g_autoptr(TrCourse) course = g_list_model_get_item (courses, i);

      if (g_strcmp0 (tr_course_get_id (course), id) == 0)
        return course;
    }
  return NULL;
}

/* A certificate that still counts makes asking again pointless; an expired
 * one is renewed by asking again. */
static gboolean
has_certificate (TrellisCertificatesPage *self,
                 const char              *kind,
                 const char              *id,
                 gint64                   now)
{
  for (guint i = 0; self->certificates != NULL && i < self->certificates->len; i++)
    {
      TrellisCertificate *certificate = g_ptr_array_index (self->certificates, i);
      TrCredentialInfo *info = certificate->info;

      if (g_strcmp0 (info->achievement_kind, kind) == 0 && g_strcmp0 (info->achievement_id, id) == 0 &&
          (info->valid_until == 0 || info->valid_until > now))
        return TRUE;
    }
  return FALSE;
}

static void fetch_list (TrellisCertificatesPage *self);
static void fill_requests (TrellisCertificatesPage *self);

static void
requested_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TrellisCertificatesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = trellis_sync_request_json_finish (TRELLIS_SYNC (source), result, &error);
  g_autofree char *title = g_steal_pointer (&self->requesting);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  fill_requests (self);
  if (reply == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("No certificate for “%s”: %s"), title, error->message);

      gtk_label_set_label (self->request_error, message);
      gtk_widget_set_visible (GTK_WIDGET (self->request_error), TRUE);
      /* The button pressed is gone: the reason is where the focus goes. */
      gtk_widget_grab_focus (GTK_WIDGET (self->request_error));
      gtk_label_select_region (self->request_error, 0, 0);
      return;
    }
  show_toast (self, _("Your certificate has been issued"));
  fetch_list (self);
}

static void
request_clicked_cb (GtkButton               *button,
                    TrellisCertificatesPage *self)
{
  TrellisSync *sync = trellis_application_get_sync (self->application);
  const char *kind = g_object_get_data (G_OBJECT (button), "kind");
  const char *id = g_object_get_data (G_OBJECT (button), "id");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  if (self->requesting != NULL)
    return;
  self->requesting = g_strdup (g_object_get_data (G_OBJECT (button), "title"));
  gtk_widget_set_visible (GTK_WIDGET (self->request_error), FALSE);
  gtk_button_set_label (button, _("Requesting…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->request_list), FALSE);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, g_str_equal (kind, "path") ? "path" : "course");
  json_builder_add_string_value (builder, id);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  trellis_sync_request_json_async (sync, "POST", "/certificates", body, NULL, requested_cb,
                                   g_object_ref (self));
}

static void
add_request_row (TrellisCertificatesPage *self,
                 const char              *kind,
                 const char              *id,
                 const char              *title)
{
  gboolean is_path = g_str_equal (kind, "path");
  g_autofree char *accessible = g_strdup_printf (_("Request the certificate for “%s”"), title);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), is_path ? _("Learning path · completed")
                                                             : _("Course · completed"));
  button = gtk_button_new_with_mnemonic (_("_Request"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, accessible);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (button), "kind", g_strdup (kind), g_free);
  g_object_set_data_full (G_OBJECT (button), "id", g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (button), "title", g_strdup (title), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (request_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  gtk_list_box_append (self->request_list, row);
}

/* Completion is the lib's rule, on this device's events; the server checks
 * again on its own copy before it issues anything. */
static void
fill_requests (TrellisCertificatesPage *self)
{
  TrellisCourseLibrary *library = trellis_application_get_library (self->application);
  TrellisProgressStore *store = trellis_application_get_store (self->application);
  TrLang lang = trellis_application_get_language (self->application);
  GListModel *courses = trellis_course_library_get_courses (library);
  GListModel *paths = trellis_course_library_get_paths (library);
  GPtrArray *events = store != NULL && trellis_progress_store_is_open (store) ? trellis_progress_store_get_events (store)
                                                                              : NULL;
  g_autoptr(GHashTable) complete = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 now = now_ms ();
  guint n = 0;

  clear_list (self->request_list);
  gtk_widget_set_sensitive (GTK_WIDGET (self->request_list), self->requesting == NULL);
  for (guint i = 0; events != NULL && i < g_list_model_get_n_items (courses); i++)
    {
      g_autoptr(TrCourse) course = g_list_model_get_item (courses, i);
      g_autoptr(TrProgress) progress = tr_progress_compute (course, events);
      const char *id = tr_course_get_id (course);

      if (!tr_progress_is_complete (progress))
        continue;
      g_hash_table_add (complete, (gpointer) id);
      if (has_certificate (self, "course", id, now))
        continue;
      add_request_row (self, "course", id, tr_text_get (tr_course_get_title (course), lang));
      n++;
    }
  for (guint i = 0; events != NULL && i < g_list_model_get_n_items (paths); i++)
    {
      g_autoptr(TrLearningPath) path = g_list_model_get_item (paths, i);
      const char * const *ids = tr_learning_path_get_course_ids (path);
      gboolean all = ids != NULL && ids[0] != NULL;

      for (guint j = 0; all && ids[j] != NULL; j++)
        all = find_course (courses, ids[j]) != NULL && g_hash_table_contains (complete, ids[j]);
      if (!all || has_certificate (self, "path", tr_learning_path_get_id (path), now))
        continue;
      add_request_row (self, "path", tr_learning_path_get_id (path),
                       tr_text_get (tr_learning_path_get_title (path), lang));
      n++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->request_list), n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->request_empty_label), n == 0);
}

static void
fill_certificates (TrellisCertificatesPage *self)
{
  gint64 now = now_ms ();

  clear_list (self->certificate_list);
  for (guint i = 0; self->certificates != NULL && i < self->certificates->len; i++)
    gtk_list_box_append (self->certificate_list,
                         create_certificate_row (self, g_ptr_array_index (self->certificates, i), now));
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_list),
                          self->certificates != NULL && self->certificates->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), self->certificates == NULL || self->certificates->len == 0);
  fill_requests (self);
}

static void
show_status (TrellisCertificatesPage *self,
             const char              *text)
{
  gtk_label_set_label (self->status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
}

static void
list_fetched_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TrellisCertificatesPage) self = user_data;
  TrellisProgressStore *store = trellis_application_get_store (self->application);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = trellis_sync_request_json_finish (TRELLIS_SYNC (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  if (reply == NULL)
    {
      gint64 fetched = 0;
      g_autoptr(GPtrArray) kept = trellis_credential_cache_get_certificates (store, &fetched);
      g_autofree char *text = NULL;

      if (fetched > 0)
        {
          g_autofree char *date = trellis_certificate_format_date (fetched / 1000,
                                                                   trellis_application_get_language (self->application));

          text = g_strdup_printf (_("Could not update the list (%s). These are your certificates as of %s."),
                                  error->message, date);
        }
      else
        text = g_strdup_printf (_("Could not fetch your certificates: %s"), error->message);
      show_status (self, text);
      return;
    }
  show_status (self, NULL);
  if (store != NULL && trellis_progress_store_is_open (store))
    trellis_credential_cache_set_certificates (store, reply, g_get_real_time ());
  g_clear_pointer (&self->certificates, g_ptr_array_unref);
  self->certificates = trellis_certificates_from_json (reply);
  fill_certificates (self);
}

static void
fetch_list (TrellisCertificatesPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_set_spinning (self->spinner, TRUE);
  trellis_sync_request_json_async (trellis_application_get_sync (self->application), "GET", "/certificates", NULL,
                                   self->cancellable, list_fetched_cb, g_object_ref (self));
}

/**
 * trellis_certificates_page_refresh:
 *
 * Shows the certificates kept from the last sync at once, then asks the
 * server for the current list.
 */
void
trellis_certificates_page_refresh (TrellisCertificatesPage *self)
{
  TrellisSync *sync;
  TrellisProgressStore *store;

  g_return_if_fail (TRELLIS_IS_CERTIFICATES_PAGE (self));

  sync = trellis_application_get_sync (self->application);
  store = trellis_application_get_store (self->application);
  if (sync == NULL || trellis_sync_get_state (sync) == TRELLIS_SYNC_SIGNED_OUT)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_pointer (&self->certificates, g_ptr_array_unref);
      gtk_stack_set_visible_child_name (self->stack, "signed-out");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "signed-in");
  g_clear_pointer (&self->certificates, g_ptr_array_unref);
  if (store != NULL && trellis_progress_store_is_open (store))
    self->certificates = trellis_credential_cache_get_certificates (store, NULL);
  fill_certificates (self);
  fetch_list (self);
}

static void
sync_state_changed_cb (TrellisCertificatesPage *self)
{
  gboolean signed_out = trellis_sync_get_state (trellis_application_get_sync (self->application)) == TRELLIS_SYNC_SIGNED_OUT;
  const char *shown = gtk_stack_get_visible_child_name (self->stack);

  /* Only a sign-in or sign-out changes what the page is about. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && signed_out != (g_strcmp0 (shown, "signed-out") == 0))
    trellis_certificates_page_refresh (self);
}

/* A sync has just kept the server's list: show it, without asking again. */
static void
synced_cb (TrellisCertificatesPage *self)
{
  TrellisProgressStore *store = trellis_application_get_store (self->application);

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "signed-in") != 0 ||
      !trellis_progress_store_is_open (store) || self->requesting != NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  show_status (self, NULL);
  g_clear_pointer (&self->certificates, g_ptr_array_unref);
  self->certificates = trellis_credential_cache_get_certificates (store, NULL);
  fill_certificates (self);
}

static void
progress_changed_cb (TrellisCertificatesPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "signed-in") == 0)
    fill_requests (self);
}

GtkWidget *
trellis_certificates_page_new (TrellisApplication *application)
{
  TrellisCertificatesPage *self;

  g_return_val_if_fail (TRELLIS_IS_APPLICATION (application), NULL);

  self = g_object_new (TRELLIS_TYPE_CERTIFICATES_PAGE, NULL);
  self->application = application;
  g_signal_connect_object (trellis_application_get_sync (application), "notify::state",
                           G_CALLBACK (sync_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (trellis_application_get_sync (application), "notify::last-synced",
                           G_CALLBACK (synced_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (trellis_application_get_store (application), "changed",
                           G_CALLBACK (progress_changed_cb), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

/**
 * trellis_certificates_take_reminder:
 *
 * Returns: (transfer full) (nullable): a reminder to recertify when a
 *   certificate kept from the last sync ends within
 *   TRELLIS_CERTIFICATE_REMIND_DAYS, at most once a day; %NULL otherwise
 */
char *
trellis_certificates_take_reminder (TrellisProgressStore *store,
                                    TrLang                lang)
{
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (today, "%Y-%m-%d");
  g_autofree char *reminded = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  TrellisCertificate *first = NULL;
  gint64 now = now_ms ();
  guint n = 0;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);

  if (!trellis_progress_store_is_open (store))
    return NULL;
  reminded = trellis_progress_store_get_meta (store, TRELLIS_META_REMINDED);
  if (g_strcmp0 (reminded, date) == 0)
    return NULL;
  certificates = trellis_credential_cache_get_certificates (store, NULL);
  for (guint i = 0; i < certificates->len; i++)
    {
      TrellisCertificate *certificate = g_ptr_array_index (certificates, i);

      if (certificate_state (store, certificate, now) != STATE_EXPIRES_SOON)
        continue;
      if (first == NULL)
        first = certificate;
      n++;
    }
  if (n == 0)
    return NULL;
  trellis_progress_store_set_meta (store, TRELLIS_META_REMINDED, date);
  if (n == 1)
    {
      g_autofree char *until = trellis_certificate_format_date (first->info->valid_until, lang);

      return g_strdup_printf (_("Your certificate for “%s” expires on %s"),
                              tr_text_get (&first->info->title, lang), until);
    }
  return g_strdup_printf (ngettext ("%u certificate expires within a month",
                                    "%u certificates expire within a month", n), n);
}

static void
trellis_certificates_page_dispose (GObject *object)
{
  TrellisCertificatesPage *self = TRELLIS_CERTIFICATES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->certificates, g_ptr_array_unref);
  g_clear_pointer (&self->requesting, g_free);

  G_OBJECT_CLASS (trellis_certificates_page_parent_class)->dispose (object);
}

static void
trellis_certificates_page_class_init (TrellisCertificatesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_certificates_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-certificates-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisCertificatesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TrellisCertificatesPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, TrellisCertificatesPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisCertificatesPage, certificate_list);
  gtk_widget_class_bind_template_child (widget_class, TrellisCertificatesPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisCertificatesPage, request_error);
  gtk_widget_class_bind_template_child (widget_class, TrellisCertificatesPage, request_list);
  gtk_widget_class_bind_template_child (widget_class, TrellisCertificatesPage, request_empty_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisCertificatesPage, credential_menu);
}

static void
trellis_certificates_page_init (TrellisCertificatesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
