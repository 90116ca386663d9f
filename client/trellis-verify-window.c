/* trellis-verify-window.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-verify"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tr-credential.h"
#include "tr-jws.h"
#include "trellis-certificate-pdf.h"
#include "trellis-credential-cache.h"
#include "trellis-verify-window.h"

/* A credential is a few KiB; anything much larger is not one. */
#define MAX_FILE_SIZE (1024 * 1024)

struct _TrellisVerifyWindow
{
  AdwWindow             parent_instance;

  TrellisProgressStore *store;
  TrLang                lang;
  GCancellable         *cancellable;

  GtkTextView          *credential_view;
  GtkWidget            *result_box;
  GtkLabel             *verdict_label;
  GtkListBox           *result_list;
};

G_DEFINE_FINAL_TYPE (TrellisVerifyWindow, trellis_verify_window, ADW_TYPE_WINDOW)

typedef enum
{
  LINE_INFO,
  LINE_GOOD,
  LINE_WARNING,
  LINE_BAD,
} LineKind;

static void
add_line (TrellisVerifyWindow *self,
          LineKind             kind,
          const char          *title,
          const char          *subtitle)
{
  static const char * const icons[] = { NULL, "emblem-ok-symbolic", "dialog-warning-symbolic", "dialog-error-symbolic" };
  static const char * const classes[] = { NULL, "success", "warning", "error" };
  GtkWidget *row = adw_action_row_new ();

  /* What a credential says is text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (icons[kind] != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (icons[kind]);

      gtk_widget_add_css_class (icon, classes[kind]);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      kind == LINE_GOOD ? _("Passed") : kind == LINE_WARNING ? _("Not checked")
                                                                                              : _("Failed"),
                                      -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  gtk_list_box_append (self->result_list, row);
}

static void
add_fact (TrellisVerifyWindow *self,
          const char          *title,
          const char          *value)
{
  if (value != NULL && *value != '\0')
    add_line (self, LINE_INFO, title, value);
}

static void
set_verdict (TrellisVerifyWindow *self,
             LineKind             kind,
             const char          *text)
{
  static const char * const classes[] = { "success", "warning", "error" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label),
                            kind == LINE_GOOD ? "success" : kind == LINE_BAD ? "error" : "warning");
  gtk_label_set_label (self->verdict_label, text);
}

static guint32
julian_day (GDateTime *date_time)
{
  int year, month, day;
  GDate date;

  g_date_time_get_ymd (date_time, &year, &month, &day);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  return g_date_get_julian (&date);
}

/* "12 March 2026 (3 days ago)", from µs since 1970. */
static char *
format_fetched (gint64 fetched,
                TrLang lang)
{
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (fetched / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = trellis_certificate_format_date (fetched / 1000, lang);
  int days;

  if (then == NULL)
    return g_strdup (date);
  days = (int) (julian_day (now) - julian_day (then));
  if (days <= 0)
    /* Translators: "12 March 2026 (today)" */
    return g_strdup_printf (_("%s (today)"), date);
  /* Translators: "12 March 2026 (3 days ago)" */
  return g_strdup_printf (ngettext ("%s (%d day ago)", "%s (%d days ago)", days), date, days);
}

/* The JWS itself, or a JSON file that carries one. */
static char *
extract_jws (const char  *text,
             GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *object;
  static const char * const members[] = { "credential", "jws", "jwt", "proof" };

  if (stripped[0] != '{')
    return g_steal_pointer (&stripped);

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, stripped, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("This is neither a signed credential nor JSON that holds one"));
      return NULL;
    }
  object = json_node_get_object (root);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *member = json_object_get_member (object, members[i]);

      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
        return g_strstrip (g_strdup (json_node_get_string (member)));
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("This JSON holds no signed credential: a certificate without its signature cannot be verified. "
                         "Ask its holder for the signed credential (a .jwt file)."));
  return NULL;
}

static gboolean
same_host (const char *a,
           const char *b)
{
  g_autoptr(GUri) uri_a = a != NULL ? g_uri_parse (a, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autoptr(GUri) uri_b = b != NULL ? g_uri_parse (b, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri_a != NULL && uri_b != NULL && g_uri_get_host (uri_a) != NULL &&
         g_ascii_strcasecmp (g_uri_get_host (uri_a), g_uri_get_host (uri_b) != NULL ? g_uri_get_host (uri_b) : "") == 0;
}

typedef enum
{
  SIGNATURE_VALID,
  SIGNATURE_INVALID,
  SIGNATURE_UNKNOWN_KEY,
} Signature;

typedef enum
{
  REVOCATION_NOT_REVOKED,
  REVOCATION_REVOKED,
  REVOCATION_UNKNOWN,
} Revocation;

static Revocation
check_revocation (TrellisVerifyWindow *self,
                  TrCredentialInfo    *info)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;
  gboolean is_set = FALSE;
  gint64 fetched = 0;

  if (info->status_list == NULL)
    {
      add_line (self, LINE_WARNING, _("Revocation could not be checked: the certificate names no revocation list"),
                NULL);
      return REVOCATION_UNKNOWN;
    }
  encoded = trellis_credential_cache_get_status_list (self->store, info->status_list, &fetched, &error);
  if (encoded == NULL && error == NULL)
    {
      add_line (self, LINE_WARNING, _("Revocation could not be checked: no list fetched yet"),
                _("Connect to the institute’s server once, then try again."));
      return REVOCATION_UNKNOWN;
    }
  if (encoded == NULL || !tr_status_list_get (encoded, info->status_index, &is_set, &error))
    {
      text = g_strdup_printf (_("Revocation could not be checked: %s"), error->message);
      add_line (self, LINE_WARNING, text, NULL);
      return REVOCATION_UNKNOWN;
    }
  when = format_fetched (fetched, self->lang);
  if (is_set)
    {
      /* Translators: %s is a date such as "12 March 2026 (3 days ago)" */
      text = g_strdup_printf (_("REVOKED, according to the list fetched on %s"), when);
      add_line (self, LINE_BAD, text, _("The institute has withdrawn this certificate."));
      return REVOCATION_REVOKED;
    }
  /* Translators: %s is a date such as "12 March 2026 (3 days ago)" */
  text = g_strdup_printf (_("Not revoked, according to the list fetched on %s"), when);
  add_line (self, LINE_GOOD, text, _("A revocation since then shows only after the next sync."));
  return REVOCATION_NOT_REVOKED;
}

static void
clear_results (TrellisVerifyWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->result_list))) != NULL)
    gtk_list_box_remove (self->result_list, child);
}

/**
 * trellis_verify_window_verify_text:
 * @text: a compact JWS, or JSON that holds one
 *
 * Checks the credential against what the last sync kept and shows, line
 * by line, what could and could not be checked.
 */
void
trellis_verify_window_verify_text (TrellisVerifyWindow *self,
                                   const char          *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *jws = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *server = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(JsonNode) verified = NULL;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autofree char *line = NULL;
  Signature signature;
  Revocation revocation;
  gboolean expired = FALSE, not_yet = FALSE;
  gint64 fetched = 0, now = g_get_real_time () / 1000;

  g_return_if_fail (TRELLIS_IS_VERIFY_WINDOW (self));
  g_return_if_fail (text != NULL);

  clear_results (self);
  gtk_widget_set_visible (self->result_box, TRUE);

  if ((jws = extract_jws (text, &error)) == NULL || (payload = tr_jws_decode (jws, &kid, &error)) == NULL)
    {
      set_verdict (self, LINE_BAD, _("Not a signed certificate"));
      line = g_strdup_printf (_("This could not be read as a signed credential: %s"), error->message);
      add_line (self, LINE_BAD, line, NULL);
      goto done;
    }

  /* The signature. */
  keys = trellis_credential_cache_find_key (self->store, kid, &server, &fetched);
  if (keys == NULL)
    {
      signature = SIGNATURE_UNKNOWN_KEY;
      add_line (self, LINE_WARNING,
                _("The key that signed it is not one this device has seen: connect to the institute’s server once, "
                  "then try again"),
                NULL);
    }
  else if ((verified = tr_jws_verify (jws, keys, NULL, NULL)) != NULL)
    {
      g_autofree char *when = format_fetched (fetched, self->lang);
      g_autofree char *detail = g_strdup_printf (_("Key “%s”, published by %s, fetched on %s"), kid, server, when);

      signature = SIGNATURE_VALID;
      add_line (self, LINE_GOOD, _("Signature valid: signed by the institute’s key"), detail);
    }
  else
    {
      g_autofree char *detail = g_strdup_printf (_("It names key “%s” of %s"), kid, server);

      signature = SIGNATURE_INVALID;
      add_line (self, LINE_BAD, _("Signature invalid: the certificate was changed after it was signed, or forged"),
                detail);
    }

  /* What it states; only a valid signature makes it the institute's word. */
  if ((info = tr_credential_parse (verified != NULL ? verified : payload, &error)) == NULL)
    {
      line = g_strdup_printf (_("Not a certificate as Trellis issues them: %s"), error->message);
      add_line (self, LINE_BAD, line, NULL);
      set_verdict (self, LINE_BAD, _("Not a valid certificate"));
      goto done;
    }
  if (signature != SIGNATURE_VALID)
    add_line (self, LINE_WARNING, _("What follows is what the certificate claims: without a valid signature, "
                                    "none of it is confirmed"), NULL);
  else if (info->issuer_id != NULL && !same_host (info->issuer_id, server))
    {
      line = g_strdup_printf (_("It names %s as its issuer, but the key that signed it was published by %s"),
                              info->issuer_id, server);
      add_line (self, LINE_WARNING, line, NULL);
    }

  add_fact (self, _("Institute"), info->issuer_name);
  add_fact (self, _("Holder"), info->holder_name);
  {
    const char *title = tr_text_get (&info->title, self->lang);
    gboolean is_path = g_strcmp0 (info->achievement_kind, "path") == 0;
    g_autofree char *achievement = g_strdup_printf ("%s (%s)", title != NULL ? title : info->achievement_id,
                                                    is_path ? _("learning path") : _("course"));
    g_autofree char *modules = info->modules != NULL && info->modules[0] != NULL ? g_strjoinv (" · ", info->modules)
                                                                                 : NULL;
    g_autofree char *issued = trellis_certificate_format_date (info->valid_from, self->lang);

    add_fact (self, _("Achievement"), achievement);
    add_fact (self, _("Modules"), modules);
    if (info->study_hours > 0)
      {
        g_autofree char *hours = g_strdup_printf ("%g", info->study_hours);

        add_fact (self, _("Study hours"), hours);
      }
    if (info->quiz_score >= 0)
      {
        g_autofree char *score = g_strdup_printf ("%d %%", info->quiz_score);

        add_fact (self, _("Quiz score"), score);
      }
    add_fact (self, _("Content version"), info->version);
    add_fact (self, _("Issued on"), issued);
    add_fact (self, _("Credential ID"), info->id);
  }

  /* Dates. */
  if (info->valid_from > now)
    {
      not_yet = TRUE;
      add_line (self, LINE_BAD, _("Not valid yet: its start date is in the future"), NULL);
    }
  if (info->valid_until > 0)
    {
      g_autofree char *until = trellis_certificate_format_date (info->valid_until, self->lang);

      expired = info->valid_until <= now;
      line = g_strdup_printf (expired ? _("EXPIRED on %s") : _("Not expired: valid until %s"), until);
      add_line (self, expired ? LINE_BAD : LINE_GOOD, line, NULL);
    }
  else
    add_line (self, LINE_GOOD, _("Not expired: it does not expire"), NULL);

  revocation = check_revocation (self, info);

  if (signature == SIGNATURE_INVALID)
    set_verdict (self, LINE_BAD, _("Not valid: the signature does not match"));
  else if (revocation == REVOCATION_REVOKED)
    set_verdict (self, LINE_BAD, _("Not valid: revoked"));
  else if (expired)
    set_verdict (self, LINE_BAD, _("Not valid: expired"));
  else if (not_yet)
    set_verdict (self, LINE_BAD, _("Not valid yet"));
  else if (signature == SIGNATURE_UNKNOWN_KEY)
    set_verdict (self, LINE_WARNING, _("Could not be verified on this device"));
  else if (revocation == REVOCATION_UNKNOWN)
    set_verdict (self, LINE_WARNING, _("Valid signature, but revocation could not be checked"));
  else
    set_verdict (self, LINE_GOOD, _("Valid certificate"));

done:
  /* The verdict is what the learner came for; a screen reader starts there. */
  gtk_widget_grab_focus (GTK_WIDGET (self->verdict_label));
  gtk_label_select_region (self->verdict_label, 0, 0);
}

static void
verify_clicked_cb (TrellisVerifyWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->credential_view);
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  trellis_verify_window_verify_text (self, text);
}

static void
file_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TrellisVerifyWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *line = g_strdup_printf (_("The file could not be read: %s"), error->message);

          clear_results (self);
          gtk_widget_set_visible (self->result_box, TRUE);
          set_verdict (self, LINE_BAD, _("Not verified"));
          add_line (self, LINE_BAD, line, NULL);
        }
      return;
    }
  if (length > MAX_FILE_SIZE || !g_utf8_validate (contents, length, NULL) || strlen (contents) != length)
    {
      clear_results (self);
      gtk_widget_set_visible (self->result_box, TRUE);
      set_verdict (self, LINE_BAD, _("Not a signed certificate"));
      add_line (self, LINE_BAD, _("This file does not hold a signed credential"), NULL);
      return;
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->credential_view), contents, -1);
  trellis_verify_window_verify_text (self, contents);
}

/* Reads @file and verifies what it holds. */
void
trellis_verify_window_open_file (TrellisVerifyWindow *self,
                                 GFile               *file)
{
  g_return_if_fail (TRELLIS_IS_VERIFY_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_file_load_contents_async (file, self->cancellable, file_loaded_cb, g_object_ref (self));
}

static void
chooser_response_cb (GtkNativeDialog     *chooser,
                     int                  response,
                     TrellisVerifyWindow *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    trellis_verify_window_open_file (self, file);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
open_clicked_cb (TrellisVerifyWindow *self)
{
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Open a Credential"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Credentials (.jwt, .json)"));
  gtk_file_filter_add_pattern (filter, "*.jwt");
  gtk_file_filter_add_pattern (filter, "*.jws");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_filter_add_pattern (filter, "*.txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

GtkWidget *
trellis_verify_window_new (TrellisProgressStore *store,
                           TrLang                lang)
{
  TrellisVerifyWindow *self;

  g_return_val_if_fail (TRELLIS_IS_PROGRESS_STORE (store), NULL);

  self = g_object_new (TRELLIS_TYPE_VERIFY_WINDOW, NULL);
  self->store = g_object_ref (store);
  self->lang = lang;
  return GTK_WIDGET (self);
}

static void
trellis_verify_window_dispose (GObject *object)
{
  TrellisVerifyWindow *self = TRELLIS_VERIFY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (trellis_verify_window_parent_class)->dispose (object);
}

static void
trellis_verify_window_class_init (TrellisVerifyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_verify_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/trellis/Trellis/trellis-verify-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TrellisVerifyWindow, credential_view);
  gtk_widget_class_bind_template_child (widget_class, TrellisVerifyWindow, result_box);
  gtk_widget_class_bind_template_child (widget_class, TrellisVerifyWindow, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, TrellisVerifyWindow, result_list);
  gtk_widget_class_bind_template_callback (widget_class, open_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, verify_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
trellis_verify_window_init (TrellisVerifyWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
