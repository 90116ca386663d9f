/* test-certificates-page.c: asking the real trellis-server for certificates,
 * listing, copying, verifying and losing them to a revocation, and the
 * reminder to recertify
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "tr-credential.h"
#include "tr-jws.h"
#include "tr-test-gtk.h"
#include "tr-test-server.h"
#include "tr-test-util.h"
#include "trellis-application.h"
#include "trellis-certificates-page.h"
#include "trellis-credential-cache.h"
#include "trellis-verify-window.h"
#include "trellis-window.h"

#define WAIT_S        30
#define EMAIL         "sam@example.org"
#define PASSWORD      "a long passphrase"
#define COURSE_TITLE  "A remark in the corridor: a first response"
#define PATH_TITLE    "Example path"
#define DAY_MS        (G_GINT64_CONSTANT (24) * 60 * 60 * 1000)

static char *courses_dir;

/* Widgets, found as a learner finds them: by what they say. */

/* The first visible @type below @root whose text holds @text (any, when
 * @text is NULL), looking only where a learner could see. */
static GtkWidget *
find (GtkWidget  *root,
      GType       type,
      const char *text)
{
  const char *label;

  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return NULL;
  label = tr_test_gtk_widget_text (root);
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (text == NULL || (label != NULL && strstr (label, text) != NULL)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, type, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_exact_label (GtkWidget  *root,
                  const char *text)
{
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return NULL;
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found_label = find_exact_label (child, text);

      if (found_label != NULL)
        return found_label;
    }
  return NULL;
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

  return find (wait->root, wait->type, wait->text) != NULL;
}

static gboolean
gone (gpointer data)
{
  return !found (data);
}

/* Until a widget is gone, such as a page the stack fades out. */
static void
wait_for_no_widget (GtkWidget  *root,
                    GType       type,
                    const char *text)
{
  FindWait wait = { root, type, text };

  tr_test_gtk_iterate_until (gone, &wait, WAIT_S);
}

static GtkWidget *
wait_for_widget (GtkWidget  *root,
                 GType       type,
                 const char *text)
{
  FindWait wait = { root, type, text };

  tr_test_gtk_iterate_until (found, &wait, WAIT_S);
  return find (root, type, text);
}

/* The real server, as tests/test-sync.c runs it. */

static TrTestServer *server;
static char *server_code;

static void
server_start (void)
{
  TrTestServerOptions options = { .courses_dir = courses_dir };

  server = tr_test_server_new ("certificates-test");
  tr_test_server_add_institute (server, "Regio Noord");
  server_code = tr_test_server_create_code (server, "Regio Noord", NULL);
  tr_test_server_start (server, &options);
}

/* The app, as test-window.c starts it. */

static gboolean
app_ready (gpointer data)
{
  TrellisApplication *app = data;

  return !trellis_course_library_get_loading (trellis_application_get_library (app)) &&
         trellis_progress_store_is_open (trellis_application_get_store (app));
}

/* One app for the whole program: both would use the same progress file.
 * It stays alive until the end, as in test-window.c. */
static TrellisApplication *
get_app (void)
{
  static TrellisApplication *app;
  g_autoptr(GError) error = NULL;

  if (app != NULL)
    return app;
  app = trellis_application_new ();
  g_application_set_application_id (G_APPLICATION (app), "org.trellis.Trellis.CertificatesTest");
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  tr_test_gtk_iterate_until (app_ready, app, WAIT_S);
  return app;
}

static TrCourse *
example_course (TrellisApplication *app)
{
  GListModel *courses = trellis_course_library_get_courses (trellis_application_get_library (app));

  g_assert_cmpuint (g_list_model_get_n_items (courses), ==, 1);
  return g_list_model_get_item (courses, 0);
}

static void
record (TrellisProgressStore *store,
        TrCourse             *course,
        TrVerb                verb,
        const char           *object,
        const char           *result_json)
{
  g_autoptr(JsonNode) result = result_json != NULL ? json_from_string (result_json, NULL) : NULL;

  trellis_progress_store_record (store, course, verb, object, result != NULL ? json_node_get_object (result) : NULL);
}

/* Everything the example course's completion rules ask. */
static void
complete_course (TrellisProgressStore *store,
                 TrCourse             *course)
{
  record (store, course, TR_VERB_EXPERIENCED, "lesson/first-signals", NULL);
  record (store, course, TR_VERB_EXPERIENCED, "lesson/talking-first", NULL);
  record (store, course, TR_VERB_COMPLETED, "scenario/corridor-remark",
          "{\"ending\": \"end-good\", \"verdict\": \"good\", \"score\": 6}");
  record (store, course, TR_VERB_ANSWERED, "signal-exercise/corridor-signals", "{\"correct\": 4, \"total\": 4}");
  record (store, course, TR_VERB_PASSED, "quiz", "{\"score\": 80, \"correct\": 4, \"total\": 5}");
}

typedef struct
{
  TrellisSync *sync;
  gboolean     started;
} SyncWait;

static void
sync_state_cb (SyncWait *wait)
{
  if (trellis_sync_get_state (wait->sync) == TRELLIS_SYNC_SYNCING)
    wait->started = TRUE;
}

static gboolean
synced (gpointer data)
{
  SyncWait *wait = data;

  return wait->started && trellis_sync_get_state (wait->sync) == TRELLIS_SYNC_SYNCED &&
         trellis_sync_get_pending (wait->sync) == 0;
}

/* A whole sync, from its start. */
static void
sync_and_wait (TrellisSync *sync)
{
  SyncWait wait = { sync, FALSE };
  gulong handler = g_signal_connect_swapped (sync, "notify::state", G_CALLBACK (sync_state_cb), &wait);

  trellis_sync_now (sync);
  sync_state_cb (&wait);
  tr_test_gtk_iterate_until (synced, &wait, WAIT_S);
  g_signal_handler_disconnect (sync, handler);
}

static void
enrolled_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  trellis_sync_enrol_finish (TRELLIS_SYNC (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static gboolean
text_read (gpointer data)
{
  return *(char **) data != NULL;
}

static char *
verify_in_window (TrellisApplication *app,
                  const char         *jws,
                  GtkWidget         **out_window)
{
  GtkWidget *window = trellis_verify_window_new (trellis_application_get_store (app), TR_LANG_EN);
  GtkWidget *view, *list;

  gtk_window_present (GTK_WINDOW (window));
  view = find (window, GTK_TYPE_TEXT_VIEW, NULL);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), jws, -1);
  tr_test_gtk_click (find (window, GTK_TYPE_BUTTON, "Verify"));
  list = find (window, GTK_TYPE_LIST_BOX, NULL);
  g_assert_nonnull (list);
  *out_window = window;
  return g_strdup (gtk_label_get_label (GTK_LABEL (gtk_widget_get_prev_sibling (list))));
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
widget_hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

/* A row's save action asks where, suggesting @name; the learner cancels.
 * (Driving GTK's own file chooser further is not reliable under Xvfb.) */
static void
cancel_save_dialog (GtkWidget  *row,
                    const char *action,
                    const char *name)
{
  GtkWidget *dialog = NULL;
  g_autofree char *current_name = NULL;

  g_assert_true (gtk_widget_activate_action (row, action, NULL));
  tr_test_gtk_iterate_until (chooser_shown, &dialog, WAIT_S);
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)), ==, GTK_FILE_CHOOSER_ACTION_SAVE);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  current_name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (dialog));
  g_assert_cmpstr (current_name, ==, name);
  g_object_ref (dialog);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  tr_test_gtk_iterate_until (widget_hidden, dialog, WAIT_S);
  g_object_unref (dialog);
}

static TrellisCertificate *
kept_certificate (TrellisProgressStore *store,
                  const char           *kind)
{
  g_autoptr(GPtrArray) certificates = trellis_credential_cache_get_certificates (store, NULL);

  for (guint i = 0; i < certificates->len; i++)
    {
      TrellisCertificate *certificate = g_ptr_array_index (certificates, i);

      if (g_strcmp0 (certificate->info->achievement_kind, kind) == 0)
        return g_ptr_array_steal_index (certificates, i);
    }
  return NULL;
}

static void
test_with_server (void)
{
  TrellisApplication *app;
  TrellisProgressStore *store;
  TrellisSync *sync;
  g_autoptr(TrCourse) course = NULL;
  g_autoptr(TrellisCertificate) kept = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *verdict = NULL;
  g_autofree char *uuid = NULL;
  TrellisWindow *window;
  GtkWidget *page, *row, *button, *label, *verify_window;
  gboolean done = FALSE;
  gint64 fetched;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  server_start ();
  app = get_app ();
  store = trellis_application_get_store (app);
  sync = trellis_application_get_sync (app);
  course = example_course (app);
  window = trellis_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  tr_test_gtk_iterate_for (100);
  g_assert_cmpstr (trellis_window_get_page (window), ==, "catalogue");

  /* The menu's Certificates opens the page; signed out, it says where
   * certificates come from and offers to sign in. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.certificates", NULL));
  g_assert_cmpstr (trellis_window_get_page (window), ==, "certificates");
  g_assert_nonnull (find (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE, NULL));
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (find (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE,
                                                                      NULL))), ==, "Certificates");
  g_assert_nonnull (find (GTK_WIDGET (window), GTK_TYPE_BUTTON, NULL));
  page = find (GTK_WIDGET (window), TRELLIS_TYPE_CERTIFICATES_PAGE, NULL);
  g_assert_nonnull (page);
  button = find (page, GTK_TYPE_BUTTON, "Sign In");
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "app.account");
  g_assert_nonnull (find (page, GTK_TYPE_LABEL, "institute’s server"));

  /* Signed in: nothing yet, nothing to ask for. */
  trellis_sync_start (sync);
  trellis_sync_enrol_async (sync, tr_test_server_get_url (server), server_code, "Sam Jansen", EMAIL, PASSWORD, NULL,
                            enrolled_cb, &done);
  tr_test_gtk_iterate_until (tr_test_flag_set, &done, WAIT_S);
  wait_for_widget (page, GTK_TYPE_LABEL, "No certificates yet");
  wait_for_no_widget (page, GTK_TYPE_BUTTON, "Sign In");
  g_assert_nonnull (find (page, GTK_TYPE_LABEL, "Nothing to request"));
  g_assert_null (find (page, ADW_TYPE_ACTION_ROW, COURSE_TITLE));

  /* Completed on this device: offered, the course and the path it makes up. */
  complete_course (store, course);
  row = wait_for_widget (page, ADW_TYPE_ACTION_ROW, COURSE_TITLE);
  g_assert_nonnull (find (page, ADW_TYPE_ACTION_ROW, PATH_TITLE));
  g_assert_null (find (page, GTK_TYPE_LABEL, "Nothing to request"));

  /* The server has not seen those events yet: it refuses, and says why. */
  tr_test_gtk_click (find (row, GTK_TYPE_BUTTON, "Request"));
  label = wait_for_widget (page, GTK_TYPE_LABEL, "No certificate for “" COURSE_TITLE "”: ");
  g_test_message ("refused: %s", gtk_label_get_label (GTK_LABEL (label)));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "not complete"));
  g_assert_true (gtk_widget_has_css_class (label, "error"));
  g_assert_null (find (page, GTK_TYPE_BUTTON, "Save as _PDF"));

  /* Once synced, it issues. */
  sync_and_wait (sync);
  row = find (page, ADW_TYPE_ACTION_ROW, COURSE_TITLE);
  tr_test_gtk_click (find (row, GTK_TYPE_BUTTON, "Request"));
  wait_for_widget (page, GTK_TYPE_BUTTON, "Save as _PDF");
  g_assert_null (find (page, GTK_TYPE_LABEL, "No certificate for"));
  g_assert_null (find (page, ADW_TYPE_ACTION_ROW, COURSE_TITLE));
  label = find_exact_label (page, "Valid");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (label, "success"));
  g_assert_nonnull (find (page, GTK_TYPE_LABEL, "Course · Issued on "));
  g_assert_nonnull (find (GTK_WIDGET (window), GTK_TYPE_LABEL, "Your certificate has been issued"));

  /* The path, which sets a validity of 24 months. */
  row = find (page, ADW_TYPE_ACTION_ROW, PATH_TITLE);
  tr_test_gtk_click (find (row, GTK_TYPE_BUTTON, "Request"));
  wait_for_widget (page, GTK_TYPE_LABEL, "Learning path · Issued on ");
  g_assert_nonnull (find (page, GTK_TYPE_LABEL, "Learning path · Issued on "));
  g_assert_nonnull (find (page, GTK_TYPE_LABEL, "Nothing to request"));

  /* The sync keeps what checking offline needs. */
  sync_and_wait (sync);
  g_assert_true (trellis_credential_cache_has_keys (store));
  if ((kept = kept_certificate (store, "course")) == NULL)
    g_error ("The sync kept no course certificate");
  g_assert_cmpstr (tr_text_get (&kept->info->title, TR_LANG_EN), ==, COURSE_TITLE);
  g_assert_cmpstr (kept->info->holder_name, ==, "Sam Jansen");
  g_assert_nonnull (kept->info->status_list);
  {
    g_autofree char *encoded = trellis_credential_cache_get_status_list (store, kept->info->status_list,
                                                                        &fetched, NULL);

    g_assert_nonnull (encoded);
    g_assert_cmpint (fetched, >, 0);
  }

  /* Copy the credential: the JWS the server signed. */
  label = find (page, GTK_TYPE_LABEL, COURSE_TITLE);
  row = gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW);
  g_assert_true (gtk_widget_activate_action (row, "certificate.copy", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (row), NULL, clipboard_read_cb, &copied);
  tr_test_gtk_iterate_until (text_read, &copied, WAIT_S);
  g_assert_cmpstr (copied, ==, kept->jws);
  g_assert_nonnull (find (GTK_WIDGET (window), GTK_TYPE_LABEL, "Credential copied"));

  /* Save as PDF and Save the credential ask where, with a sensible name. */
  cancel_save_dialog (row, "certificate.save-pdf", "certificate-example-course.pdf");
  cancel_save_dialog (row, "certificate.save-credential", "certificate-example-course.jwt");

  /* Offline verification against the keys the sync fetched. */
  verdict = verify_in_window (app, copied, &verify_window);
  g_assert_cmpstr (verdict, ==, "Valid certificate");
  g_assert_nonnull (find (verify_window, ADW_TYPE_ACTION_ROW, "Not revoked, according to the list fetched on"));
  gtk_window_destroy (GTK_WINDOW (verify_window));

  /* Revoked on the server: the next sync brings the list that says so. */
  g_assert_true (g_str_has_prefix (kept->info->id, "urn:uuid:"));
  uuid = g_strdup (kept->info->id + strlen ("urn:uuid:"));
  g_free (tr_test_server_run (server, "certificate revoke", uuid, "--reason", "test", NULL));
  sync_and_wait (sync);
  g_clear_pointer (&verdict, g_free);
  verdict = verify_in_window (app, copied, &verify_window);
  g_assert_cmpstr (verdict, ==, "Not valid: revoked");
  g_assert_nonnull (find (verify_window, ADW_TYPE_ACTION_ROW, "REVOKED, according to the list fetched on"));
  gtk_window_destroy (GTK_WINDOW (verify_window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.certificates", NULL));
  label = wait_for_widget (page, GTK_TYPE_LABEL, "Revoked on ");
  g_assert_true (gtk_widget_has_css_class (label, "error"));

  /* Offline, the page shows what the last sync kept, and says so; one
   * ending within a month is flagged, and reminded of once a day. */
  tr_test_server_stop (server);
  {
    guint8 public_key[TR_ED25519_PUBLIC_KEY_SIZE], secret_key[TR_ED25519_SECRET_KEY_SIZE];
    g_autoptr(TrCredentialInfo) info = NULL;
    g_autoptr(JsonNode) credential = NULL;
    g_autofree char *jws = NULL;
    g_autofree char *list = NULL;
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *reminder = NULL;
    gint64 now = g_get_real_time () / 1000;

    g_assert_cmpint (sodium_init (), >=, 0);
    crypto_sign_keypair (public_key, secret_key);
    info = trellis_credential_read_unverified (kept->jws, NULL, NULL);
    g_assert_nonnull (info);
    info->valid_from = now - 700 * DAY_MS;
    info->valid_until = now + 10 * DAY_MS;
    g_clear_pointer (&info->status_list, g_free);
    credential = tr_credential_build (info);
    jws = tr_jws_sign (credential, "test-key", secret_key);
    list = g_strdup_printf ("{\"certificates\": [{\"jws\": \"%s\", \"status\": \"valid\"}]}", jws);
    root = json_from_string (list, NULL);
    trellis_credential_cache_set_certificates (store, root, g_get_real_time () - G_USEC_PER_SEC);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.certificates", NULL));
    label = wait_for_widget (page, GTK_TYPE_LABEL, "Could not update the list");
    g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "These are your certificates as of"));
    label = find (page, GTK_TYPE_LABEL, "take the course again to renew");
    g_assert_nonnull (label);
    g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (label)), "Expires on "));
    g_assert_true (gtk_widget_has_css_class (label, "warning"));
    g_assert_true (gtk_widget_has_css_class (find (page, GTK_TYPE_LABEL, "Expires soon"), "warning"));
    /* Reminded of with the page (the toast waits behind the others), and
     * today's date kept: not again today. */
    {
      g_autoptr(GDateTime) today = g_date_time_new_now_local ();
      g_autofree char *date = g_date_time_format (today, "%Y-%m-%d");
      g_autofree char *reminded = trellis_progress_store_get_meta (store, TRELLIS_META_REMINDED);

      g_assert_cmpstr (reminded, ==, date);
    }
    reminder = trellis_certificates_take_reminder (store, TR_LANG_EN);
    g_assert_null (reminder);
  }

  /* Back to where the learner was. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.back", NULL));
  g_assert_cmpstr (trellis_window_get_page (window), ==, "catalogue");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The reminder toast with the catalogue, once a day. */
static void
test_reminder (void)
{
  TrellisApplication *app;
  TrellisProgressStore *store;
  guint8 public_key[TR_ED25519_PUBLIC_KEY_SIZE], secret_key[TR_ED25519_SECRET_KEY_SIZE];
  g_autoptr(TrCredentialInfo) info = tr_credential_info_new ();
  g_autoptr(JsonNode) credential = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *jws = NULL;
  g_autofree char *list = NULL;
  g_autofree char *reminded = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (today, "%Y-%m-%d");
  TrellisWindow *window;
  GtkWidget *toast_label;
  gint64 now = g_get_real_time () / 1000;

  if (!tr_test_gtk_init ())
    {
      g_test_skip ("no display");
      return;
    }
  app = get_app ();
  store = trellis_application_get_store (app);
  g_assert_cmpint (sodium_init (), >=, 0);
  crypto_sign_keypair (public_key, secret_key);
  info->id = g_strdup ("urn:uuid:11111111-2222-4333-8444-555555555555");
  info->issuer_id = g_strdup ("https://trellis.example.org");
  info->issuer_name = g_strdup ("Regio Noord");
  info->holder_name = g_strdup ("Sam Jansen");
  info->holder_id = g_strdup ("urn:uuid:0d2f6c1e-1111-4222-8333-444455556666");
  info->achievement_id = g_strdup ("example-course");
  info->achievement_kind = g_strdup ("course");
  info->title.s[TR_LANG_EN] = g_strdup (COURSE_TITLE);
  info->modules = g_strsplit (COURSE_TITLE, "|", -1);
  info->study_hours = 1;
  info->version = g_strdup ("v1");
  info->quiz_score = 80;
  info->valid_from = now - 700 * DAY_MS;
  info->valid_until = now + 12 * DAY_MS;
  info->verify_url = g_strdup ("https://trellis.example.org/verify/11111111-2222-4333-8444-555555555555");
  credential = tr_credential_build (info);
  jws = tr_jws_sign (credential, "test-key", secret_key);
  list = g_strdup_printf ("{\"certificates\": [{\"jws\": \"%s\", \"status\": \"valid\"}]}", jws);
  root = json_from_string (list, NULL);
  trellis_credential_cache_set_certificates (store, root, g_get_real_time ());

  window = trellis_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  tr_test_gtk_iterate_for (100);
  g_assert_cmpstr (trellis_window_get_page (window), ==, "catalogue");
  toast_label = find (GTK_WIDGET (window), GTK_TYPE_LABEL, "Your certificate for “" COURSE_TITLE "” expires on ");
  g_assert_nonnull (toast_label);
  g_assert_nonnull (find (GTK_WIDGET (window), GTK_TYPE_BUTTON, "View"));
  reminded = trellis_progress_store_get_meta (store, TRELLIS_META_REMINDED);
  g_assert_cmpstr (reminded, ==, date);
  g_assert_null (trellis_certificates_take_reminder (store, TR_LANG_EN));

  /* Another day, another reminder. */
  trellis_progress_store_set_meta (store, TRELLIS_META_REMINDED, "2000-01-01");
  g_free (trellis_certificates_take_reminder (store, TR_LANG_EN));
  g_clear_pointer (&reminded, g_free);
  reminded = trellis_progress_store_get_meta (store, TRELLIS_META_REMINDED);
  g_assert_cmpstr (reminded, ==, date);
  gtk_window_destroy (GTK_WINDOW (window));

  /* The next test starts from nothing kept. */
  trellis_progress_store_set_meta (store, TRELLIS_META_CERTIFICATES, NULL);
  trellis_progress_store_set_meta (store, TRELLIS_META_REMINDED, NULL);
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

  g_test_add_func ("/certificates-page/reminder", test_reminder);
  g_test_add_func ("/certificates-page/with-server", test_with_server);
  status = g_test_run ();
  tr_test_server_free (server, status == 0);
  g_free (server_code);
  return status;
}
