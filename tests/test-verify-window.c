/* test-verify-window.c: checking a certificate offline against the keys
 * and the revocation list a sync kept
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
#include "tr-test-store.h"
#include "tr-test-util.h"
#include "trellis-credential-cache.h"
#include "trellis-verify-window.h"

#define SERVER       "https://trellis.example.org"
#define STATUS_LIST  SERVER "/api/v1/status-lists/1"
#define HOLDER       "Samira El Amrani"
#define DAY_MS       (G_GINT64_CONSTANT (24) * 60 * 60 * 1000)
#define WAIT_S       20

static TrellisProgressStore *
open_store (void)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("progress-%u.db", ++n);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "trellis", name, NULL);

  return tr_test_store_open (path, WAIT_S);
}

/* An institute: its key pair, as the server would hold it. */
typedef struct
{
  guint8 public_key[TR_ED25519_PUBLIC_KEY_SIZE];
  guint8 secret_key[TR_ED25519_SECRET_KEY_SIZE];
} Institute;

static void
institute_init (Institute *institute)
{
  g_assert_cmpint (sodium_init (), >=, 0);
  crypto_sign_keypair (institute->public_key, institute->secret_key);
}

static TrCredentialInfo *
example_info (guint status_index)
{
  TrCredentialInfo *info = tr_credential_info_new ();
  gint64 now = g_get_real_time () / 1000;

  info->id = g_strdup ("urn:uuid:7f3c2a9e-1b4d-4c8e-9a2f-5d6e7f8a9b0c");
  info->issuer_id = g_strdup (SERVER);
  info->issuer_name = g_strdup ("Regio Noord");
  info->holder_name = g_strdup (HOLDER);
  info->holder_id = g_strdup ("urn:uuid:0d2f6c1e-1111-4222-8333-444455556666");
  info->achievement_id = g_strdup ("signal-recognition");
  info->achievement_kind = g_strdup ("course");
  info->title.s[TR_LANG_EN] = g_strdup ("Signal Recognition");
  info->modules = g_strsplit ("Signal Recognition", "|", -1);
  info->study_hours = 2.5;
  info->version = g_strdup ("3f9a1c2e");
  info->quiz_score = 90;
  info->valid_from = now - 40 * DAY_MS;
  info->valid_until = now + 700 * DAY_MS;
  info->status_list = g_strdup (STATUS_LIST);
  info->status_index = status_index;
  info->verify_url = g_strconcat (SERVER, "/verify/", info->id, NULL);
  return info;
}

static char *
sign_info (const TrCredentialInfo *info,
           const char             *kid,
           const Institute        *institute)
{
  g_autoptr(JsonNode) credential = tr_credential_build (info);

  g_assert_nonnull (credential);
  return tr_jws_sign (credential, kid, institute->secret_key);
}

/* What a sync keeps: the server's JWKS, and its signed revocation list,
 * fetched @days_ago, with the bit at @revoked set (G_MAXUINT: none). */
static void
keep_as_sync_would (TrellisProgressStore *store,
                    const Institute      *institute,
                    guint                 revoked,
                    guint                 days_ago)
{
  g_autoptr(GHashTable) keys = tr_jwks_new_table ();
  g_autoptr(JsonNode) jwks = NULL;
  g_autofree guint8 *bits = g_malloc0 (16384);
  g_autofree char *encoded = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *document = NULL;
  gint64 now = g_get_real_time ();

  tr_jwks_add (keys, "institute-key-1", institute->public_key);
  jwks = tr_jwks_to_json (keys);
  trellis_credential_cache_set_jwks (store, SERVER, jwks, now);

  if (revoked != G_MAXUINT)
    bits[revoked / 8] |= 0x80 >> (revoked % 8);
  encoded = tr_status_list_encode (bits, 16384);
  list = tr_status_list_build (STATUS_LIST, SERVER, encoded, now / 1000);
  document = tr_jws_sign (list, "institute-key-1", institute->secret_key);
  trellis_credential_cache_set_status_list (store, STATUS_LIST, document,
                                            now - (gint64) days_ago * 24 * 60 * 60 * G_USEC_PER_SEC);
}

/* Widgets, found as a learner finds them: by what they say. */

/* The first visible @type below @root whose text holds @text; any text
 * when @text is NULL. */
static GtkWidget *
find (GtkWidget  *root,
      GType       type,
      const char *text)
{
  const char *label;

  if (!gtk_widget_get_visible (root))
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
find_row (GtkWidget  *window,
          const char *text)
{
  return find (window, ADW_TYPE_ACTION_ROW, text);
}

static const char *
row_subtitle (GtkWidget  *window,
              const char *title)
{
  GtkWidget *row = find_row (window, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* The verdict: the heading just above the lines. */
static GtkWidget *
verdict_label (GtkWidget *window)
{
  GtkWidget *list = find (window, GTK_TYPE_LIST_BOX, NULL);
  GtkWidget *label;

  g_assert_nonnull (list);
  label = gtk_widget_get_prev_sibling (list);
  g_assert_true (GTK_IS_LABEL (label));
  return label;
}

static const char *
verdict (GtkWidget *window)
{
  return gtk_label_get_label (GTK_LABEL (verdict_label (window)));
}

static GtkWidget *
new_window (TrellisProgressStore *store)
{
  GtkWidget *window = trellis_verify_window_new (store, TR_LANG_EN);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* As a learner would: paste into the text view, press Verify. */
static void
paste_and_verify (GtkWidget  *window,
                  const char *text)
{
  GtkWidget *view = find (window, GTK_TYPE_TEXT_VIEW, NULL);
  GtkWidget *button = find (window, GTK_TYPE_BUTTON, "Verify");

  g_assert_nonnull (view);
  g_assert_nonnull (button);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  g_signal_emit_by_name (button, "clicked");
}

static void
destroy_window (GtkWidget *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

typedef struct
{
  TrellisProgressStore *store;
  Institute             institute;
  GtkWidget            *window;
} Fixture;

/* A device that synced 3 days ago, with bit 7 of the revocation list set. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  institute_init (&fixture->institute);
  if (!tr_test_gtk_init ())
    return;
  fixture->store = open_store ();
  keep_as_sync_would (fixture->store, &fixture->institute, 7, 3);
  fixture->window = new_window (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    destroy_window (fixture->window);
  g_clear_object (&fixture->store);
}

#define SKIP_WITHOUT_DISPLAY() \
  G_STMT_START { if (fixture->window == NULL) { g_test_skip ("no display"); return; } } G_STMT_END

static void
test_valid (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autofree char *jws = NULL;
  GtkWidget *window = fixture->window;

  SKIP_WITHOUT_DISPLAY ();
  info = example_info (42);
  jws = sign_info (info, "institute-key-1", &fixture->institute);
  paste_and_verify (window, jws);

  g_assert_cmpstr (verdict (window), ==, "Valid certificate");
  g_assert_true (gtk_widget_has_css_class (verdict_label (window), "success"));
  g_assert_nonnull (strstr (row_subtitle (window, "Signature valid"), "institute-key-1"));
  g_assert_nonnull (strstr (row_subtitle (window, "Signature valid"), SERVER));
  g_assert_cmpstr (row_subtitle (window, "Holder"), ==, HOLDER);
  g_assert_cmpstr (row_subtitle (window, "Institute"), ==, "Regio Noord");
  g_assert_cmpstr (row_subtitle (window, "Achievement"), ==, "Signal Recognition (course)");
  g_assert_cmpstr (row_subtitle (window, "Content version"), ==, "3f9a1c2e");
  g_assert_cmpstr (row_subtitle (window, "Credential ID"), ==, info->id);
  g_assert_nonnull (find_row (window, "Issued on"));
  g_assert_nonnull (find_row (window, "Not expired: valid until"));
  g_assert_nonnull (find_row (window, "Not revoked, according to the list fetched on"));
  g_assert_nonnull (find_row (window, "(3 days ago)"));
  g_assert_null (find_row (window, "REVOKED"));
  g_assert_null (find_row (window, "invalid"));
  g_assert_null (find_row (window, "could not be checked"));
}

/* A .jwt file, and JSON that carries the JWS, open as pasted text does. */
static void
test_open_file (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(TrCredentialInfo) info = NULL;
  g_autofree char *jws = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "certificate.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *window = fixture->window;

  SKIP_WITHOUT_DISPLAY ();
  info = example_info (42);
  jws = sign_info (info, "institute-key-1", &fixture->institute);
  json = g_strdup_printf ("{\"credential\": \"%s\"}\n", jws);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));

  paste_and_verify (window, "not a credential at all");
  g_assert_cmpstr (verdict (window), ==, "Not a signed certificate");
  g_assert_true (gtk_widget_has_css_class (verdict_label (window), "error"));

  trellis_verify_window_open_file (TRELLIS_VERIFY_WINDOW (window), file);
  while (g_strcmp0 (verdict (window), "Not a signed certificate") == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (verdict (window), ==, "Valid certificate");
  g_assert_cmpstr (row_subtitle (window, "Holder"), ==, HOLDER);
  g_unlink (path);
}

static char *
replace_part (const char *jws,
              guint       part,
              const char *text)
{
  g_auto(GStrv) parts = g_strsplit (jws, ".", -1);

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  g_free (parts[part]);
  parts[part] = g_strdup (text);
  return g_strjoinv (".", parts);
}

/* A payload changed after signing, and a signature changed by one byte. */
static void
test_tampered (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(TrCredentialInfo) info = example_info (42);
  g_autoptr(TrCredentialInfo) forged_info = example_info (42);
  g_autofree char *jws = sign_info (info, "institute-key-1", &fixture->institute);
  g_autofree char *forged_jws = NULL;
  g_autofree char *tampered = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree guint8 *signature = NULL;
  g_autofree char *bad_signature = NULL;
  gsize length;
  GtkWidget *window = fixture->window;

  SKIP_WITHOUT_DISPLAY ();

  /* The payload of another credential under this one's signature. */
  g_free (forged_info->holder_name);
  forged_info->holder_name = g_strdup ("Someone Else");
  forged_jws = sign_info (forged_info, "institute-key-1", &fixture->institute);
  parts = g_strsplit (forged_jws, ".", -1);
  tampered = replace_part (jws, 1, parts[1]);
  paste_and_verify (window, tampered);
  g_assert_cmpstr (verdict (window), ==, "Not valid: the signature does not match");
  g_assert_true (gtk_widget_has_css_class (verdict_label (window), "error"));
  g_assert_nonnull (find_row (window, "Signature invalid"));
  g_assert_null (find_row (window, "Signature valid"));
  /* What it claims is shown, marked as unconfirmed. */
  g_assert_nonnull (find_row (window, "none of it is confirmed"));
  g_assert_cmpstr (row_subtitle (window, "Holder"), ==, "Someone Else");

  g_strfreev (parts);
  parts = g_strsplit (jws, ".", -1);
  signature = tr_base64url_decode (parts[2], &length);
  g_assert_nonnull (signature);
  signature[length / 2] ^= 0x01;
  bad_signature = tr_base64url_encode (signature, length);
  g_clear_pointer (&tampered, g_free);
  tampered = replace_part (jws, 2, bad_signature);
  paste_and_verify (window, tampered);
  g_assert_cmpstr (verdict (window), ==, "Not valid: the signature does not match");
  g_assert_nonnull (find_row (window, "Signature invalid"));
}

static void
test_unknown_key (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(TrCredentialInfo) info = example_info (42);
  g_autofree char *jws = NULL;
  Institute other;
  GtkWidget *window = fixture->window;

  SKIP_WITHOUT_DISPLAY ();
  institute_init (&other);
  jws = sign_info (info, "another-institute-key", &other);
  paste_and_verify (window, jws);
  g_assert_cmpstr (verdict (window), ==, "Could not be verified on this device");
  g_assert_true (gtk_widget_has_css_class (verdict_label (window), "warning"));
  g_assert_nonnull (find_row (window, "The key that signed it is not one this device has seen: "
                                      "connect to the institute’s server once, then try again"));
  g_assert_null (find_row (window, "Signature valid"));

  /* A known kid with another institute's signature is a forgery. */
  g_clear_pointer (&jws, g_free);
  jws = sign_info (info, "institute-key-1", &other);
  paste_and_verify (window, jws);
  g_assert_cmpstr (verdict (window), ==, "Not valid: the signature does not match");
  g_assert_nonnull (find_row (window, "Signature invalid"));
}

static void
test_revoked (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(TrCredentialInfo) info = example_info (7);
  g_autofree char *jws = sign_info (info, "institute-key-1", &fixture->institute);
  GtkWidget *window = fixture->window;

  SKIP_WITHOUT_DISPLAY ();
  paste_and_verify (window, jws);
  g_assert_cmpstr (verdict (window), ==, "Not valid: revoked");
  g_assert_nonnull (find_row (window, "Signature valid"));
  g_assert_nonnull (find_row (window, "REVOKED, according to the list fetched on"));
  g_assert_null (find_row (window, "Not revoked"));
}

static void
test_expired (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(TrCredentialInfo) info = example_info (42);
  g_autofree char *jws = NULL;
  GtkWidget *window = fixture->window;

  SKIP_WITHOUT_DISPLAY ();
  info->valid_from -= 800 * DAY_MS;
  info->valid_until -= 800 * DAY_MS;
  jws = sign_info (info, "institute-key-1", &fixture->institute);
  paste_and_verify (window, jws);
  g_assert_cmpstr (verdict (window), ==, "Not valid: expired");
  g_assert_nonnull (find_row (window, "Signature valid"));
  g_assert_nonnull (find_row (window, "EXPIRED on"));
}

/* A list this device never fetched: said so, not taken for "not revoked". */
static void
test_no_list (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(TrCredentialInfo) info = example_info (42);
  g_autofree char *jws = NULL;
  GtkWidget *window = fixture->window;

  SKIP_WITHOUT_DISPLAY ();
  g_free (info->status_list);
  info->status_list = g_strdup (SERVER "/api/v1/status-lists/2");
  jws = sign_info (info, "institute-key-1", &fixture->institute);
  paste_and_verify (window, jws);
  g_assert_cmpstr (verdict (window), ==, "Valid signature, but revocation could not be checked");
  g_assert_nonnull (find_row (window, "Revocation could not be checked: no list fetched yet"));
  g_assert_null (find_row (window, "Not revoked"));
}

int
main (int    argc,
      char **argv)
{
  tr_test_init_gui (&argc, &argv);

  g_test_add ("/verify-window/valid", Fixture, NULL, fixture_set_up, test_valid, fixture_tear_down);
  g_test_add ("/verify-window/open-file", Fixture, NULL, fixture_set_up, test_open_file, fixture_tear_down);
  g_test_add ("/verify-window/tampered", Fixture, NULL, fixture_set_up, test_tampered, fixture_tear_down);
  g_test_add ("/verify-window/unknown-key", Fixture, NULL, fixture_set_up, test_unknown_key, fixture_tear_down);
  g_test_add ("/verify-window/revoked", Fixture, NULL, fixture_set_up, test_revoked, fixture_tear_down);
  g_test_add ("/verify-window/expired", Fixture, NULL, fixture_set_up, test_expired, fixture_tear_down);
  g_test_add ("/verify-window/no-list", Fixture, NULL, fixture_set_up, test_no_list, fixture_tear_down);

  return g_test_run ();
}
