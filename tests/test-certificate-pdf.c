/* test-certificate-pdf.c: the certificate PDF, read back with poppler and zbar
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tr-credential.h"
#include "tr-test-util.h"
#include "trellis-certificate-pdf.h"

#define CREDENTIAL_ID "urn:uuid:7f3c2a9e-1b4d-4c8e-9a2f-5d6e7f8a9b0c"
#define VERIFY_URL    "https://trellis.example.org/verify/" CREDENTIAL_ID

static TrCredentialInfo *
example_info (void)
{
  TrCredentialInfo *info = tr_credential_info_new ();

  info->id = g_strdup (CREDENTIAL_ID);
  info->issuer_id = g_strdup ("https://trellis.example.org");
  info->issuer_name = g_strdup ("Regio Noord Training Institute");
  info->holder_name = g_strdup ("Samira El Amrani-Jansen");
  info->holder_id = g_strdup ("urn:uuid:0d2f6c1e-aaaa-bbbb-cccc-123456789abc");
  info->achievement_id = g_strdup ("basic");
  info->achievement_kind = g_strdup ("path");
  info->title.s[TR_LANG_EN] = g_strdup ("Recognising Radicalisation: the Basic Path");
  info->title.s[TR_LANG_NL] = g_strdup ("Radicalisering herkennen: het basistraject");
  info->modules = g_strsplit ("Signal Recognition|Right-Wing Extremism", "|", -1);
  info->study_hours = 6.5;
  info->version = g_strdup ("signal-recognition@3f9a1c2 right-wing-extremism@81b07de");
  info->quiz_score = 85;
  info->valid_from = G_GINT64_CONSTANT (1773316800000);    /* 12 March 2026 */
  info->valid_until = G_GINT64_CONSTANT (1836475200000);   /* 12 March 2028 */
  info->verify_url = g_strdup (VERIFY_URL);
  return info;
}

static char *
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("%s: %s", argv[0], err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

/* pdftotext breaks lines where the layout does; words stay whole. */
static char *
pdf_text (const char *path)
{
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  g_autofree char *text = run (argv);
  g_auto(GStrv) words = g_strsplit_set (text, " \n\f", -1);
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_string_append_printf (joined, "%s%s", joined->len > 0 ? " " : "", words[i]);
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("trellis-pdf-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) entries = g_dir_open (dir, 0, NULL);
  const char *name;

  while (entries != NULL && (name = g_dir_read_name (entries)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_text (void)
{
  g_autoptr(TrCredentialInfo) info = example_info ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "certificate.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  gsize length;

  g_assert_true (trellis_certificate_render_pdf (info, TR_LANG_EN, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));

  text = pdf_text (path);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "Certificate"));
  g_assert_nonnull (strstr (text, "Samira El Amrani-Jansen"));
  g_assert_nonnull (strstr (text, "Recognising Radicalisation: the Basic Path"));
  g_assert_nonnull (strstr (text, CREDENTIAL_ID));
  g_assert_nonnull (strstr (text, "Regio Noord Training Institute"));
  g_assert_nonnull (strstr (text, "Modules covered Signal Recognition Right-Wing Extremism"));
  g_assert_nonnull (strstr (text, "6.5 hours"));
  g_assert_nonnull (strstr (text, "12 March 2026"));
  g_assert_nonnull (strstr (text, "Valid until 12 March 2028"));
  g_assert_nonnull (strstr (text, "signal-recognition@3f9a1c2"));
  g_assert_nonnull (strstr (text, "85 %"));
  remove_dir (dir);
}

/* The fixed texts follow the language asked for, not the interface's. */
static void
test_language (void)
{
  g_autoptr(TrCredentialInfo) info = example_info ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "certificaat.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* A course certificate with no end date and no quiz. */
  g_clear_pointer (&info->achievement_kind, g_free);
  info->achievement_kind = g_strdup ("course");
  info->valid_until = 0;
  info->quiz_score = -1;
  g_assert_true (trellis_certificate_render_pdf (info, TR_LANG_NL, path, &error));
  g_assert_no_error (error);
  text = pdf_text (path);
  g_assert_nonnull (strstr (text, "Certificaat"));
  g_assert_nonnull (strstr (text, "Radicalisering herkennen: het basistraject"));
  g_assert_nonnull (strstr (text, "12 maart 2026"));
  g_assert_nonnull (strstr (text, "6,5 uur"));
  g_assert_null (strstr (text, "Geldig tot"));
  g_assert_null (strstr (text, "Quizscore"));
  g_assert_nonnull (strstr (text, CREDENTIAL_ID));
  remove_dir (dir);
}

static void
test_qr_code (void)
{
  g_autoptr(TrCredentialInfo) info = example_info ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "certificate.pdf", NULL);
  g_autofree char *prefix = g_build_filename (dir, "page", NULL);
  g_autofree char *png = g_build_filename (dir, "page.png", NULL);
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");
  g_autoptr(GError) error = NULL;
  g_autofree char *decoded = NULL;
  const char *rasterise[] = { "pdftoppm", "-png", "-r", "150", "-singlefile", path, prefix, NULL };
  const char *decode[] = { "zbarimg", "--raw", "-q", png, NULL };

  if (zbarimg == NULL)
    {
      g_test_skip ("zbarimg is not installed");
      remove_dir (dir);
      return;
    }
  g_assert_true (trellis_certificate_render_pdf (info, TR_LANG_FR, path, &error));
  g_assert_no_error (error);
  g_free (run (rasterise));
  g_assert_true (g_file_test (png, G_FILE_TEST_EXISTS));
  decoded = run (decode);
  g_assert_cmpstr (g_strstrip (decoded), ==, VERIFY_URL);
  remove_dir (dir);
}

static void
test_unwritable (void)
{
  g_autoptr(TrCredentialInfo) info = example_info ();
  g_autoptr(GError) error = NULL;

  g_assert_false (trellis_certificate_render_pdf (info, TR_LANG_EN, "/nonexistent-dir/certificate.pdf", &error));
  g_assert_nonnull (error);
}

int
main (int    argc,
      char **argv)
{
  tr_test_init (&argc, &argv);

  g_test_add_func ("/certificate-pdf/text", test_text);
  g_test_add_func ("/certificate-pdf/language", test_language);
  g_test_add_func ("/certificate-pdf/qr-code", test_qr_code);
  g_test_add_func ("/certificate-pdf/unwritable", test_unwritable);

  return g_test_run ();
}
