/* trellis-certificate-pdf.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-certificate-pdf"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "trellis-certificate-pdf.h"
#include "trellis-qr-code.h"

/* The certificate is in the language it was asked for, whatever the
 * interface speaks: its few fixed phrases are here in each language, as a
 * course's texts are in the course (gettext translates into one language
 * per process only). */
typedef enum
{
  PHRASE_CERTIFICATE,
  PHRASE_AWARDED_TO,
  PHRASE_FOR_COURSE,
  PHRASE_FOR_PATH,
  PHRASE_MODULES,
  PHRASE_STUDY_TIME,
  PHRASE_HOUR,
  PHRASE_HOURS,
  PHRASE_QUIZ_SCORE,
  PHRASE_ISSUED_ON,
  PHRASE_VALID_UNTIL,
  PHRASE_ISSUED_BY,
  PHRASE_VERSION,
  PHRASE_CREDENTIAL_ID,
  PHRASE_SCAN,
  N_PHRASES
} Phrase;

static const char * const phrases[N_PHRASES][TR_N_LANGS] = {
  [PHRASE_CERTIFICATE]   = { "Certificate", "Certificaat", "Certificat" },
  [PHRASE_AWARDED_TO]    = { "awarded to", "uitgereikt aan", "décerné à" },
  [PHRASE_FOR_COURSE]    = { "for completing the course", "voor het afronden van de cursus",
                             "pour avoir suivi la formation" },
  [PHRASE_FOR_PATH]      = { "for completing the learning path", "voor het afronden van de leerlijn",
                             "pour avoir terminé le parcours" },
  [PHRASE_MODULES]       = { "Modules covered", "Behandelde modules", "Modules couverts" },
  [PHRASE_STUDY_TIME]    = { "Study time", "Studietijd", "Temps d’étude" },
  [PHRASE_HOUR]          = { "%s hour", "%s uur", "%s heure" },
  [PHRASE_HOURS]         = { "%s hours", "%s uur", "%s heures" },
  [PHRASE_QUIZ_SCORE]    = { "Quiz score", "Quizscore", "Score au quiz" },
  [PHRASE_ISSUED_ON]     = { "Issued on %s", "Uitgereikt op %s", "Délivré le %s" },
  [PHRASE_VALID_UNTIL]   = { "Valid until %s", "Geldig tot %s", "Valable jusqu’au %s" },
  [PHRASE_ISSUED_BY]     = { "Issued by", "Uitgereikt door", "Délivré par" },
  [PHRASE_VERSION]       = { "Content version", "Inhoudsversie", "Version du contenu" },
  [PHRASE_CREDENTIAL_ID] = { "Credential ID", "Certificaatnummer", "Identifiant du certificat" },
  [PHRASE_SCAN]          = { "Scan the code or open the address to verify this certificate",
                             "Scan de code of open het adres om dit certificaat te controleren",
                             "Scannez le code ou ouvrez l’adresse pour vérifier ce certificat" },
};

static const char * const months[TR_N_LANGS][12] = {
  { "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December" },
  { "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december" },
  { "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre" },
};

static const char *
phrase (Phrase phrase_id,
        TrLang lang)
{
  g_assert (phrase_id < N_PHRASES);
  return phrases[phrase_id][lang < TR_N_LANGS ? lang : TR_LANG_EN];
}

/* The phrases are data, not format strings: "%s" in them is replaced. */
static char *
phrase_with (Phrase      phrase_id,
             TrLang      lang,
             const char *value)
{
  GString *text = g_string_new (phrase (phrase_id, lang));

  g_string_replace (text, "%s", value, 1);
  return g_string_free (text, FALSE);
}

/**
 * trellis_certificate_format_date:
 * @ms: milliseconds since 1970
 *
 * Returns: the local date as "12 March 2026" in @lang
 */
char *
trellis_certificate_format_date (gint64 ms,
                                 TrLang lang)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_local (ms / 1000);

  if (lang >= TR_N_LANGS)
    lang = TR_LANG_EN;
  if (date == NULL)
    return g_strdup ("?");
  return g_strdup_printf ("%d %s %d", g_date_time_get_day_of_month (date),
                          months[lang][g_date_time_get_month (date) - 1], g_date_time_get_year (date));
}

static char *
format_hours (double hours,
              TrLang lang)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  char *comma;

  g_ascii_formatd (number, sizeof number, "%.1f", hours);
  if (g_str_has_suffix (number, ".0"))
    number[strlen (number) - 2] = '\0';
  else if (lang != TR_LANG_EN && (comma = strchr (number, '.')) != NULL)
    *comma = ',';
  return phrase_with (hours > 0 && hours <= 1 ? PHRASE_HOUR : PHRASE_HOURS, lang, number);
}

/* Layout, in points. */
#define PAGE_WIDTH   595.276
#define PAGE_HEIGHT  841.890
#define FRAME        28.0
#define MARGIN       72.0
#define TEXT_WIDTH   (PAGE_WIDTH - 2 * MARGIN)
#define QR_SIZE      118.0

typedef struct
{
  double r, g, b;
} Color;

static const Color ink = { 0.14, 0.16, 0.20 };
static const Color dim = { 0.38, 0.40, 0.45 };
static const Color accent = { 0.10, 0.37, 0.71 };

static PangoLayout *
create_layout (cairo_t    *cr,
               const char *text,
               const char *font,
               double      width)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoContext *context = pango_layout_get_context (layout);
  cairo_font_options_t *options = cairo_font_options_create ();
  PangoFontDescription *description = pango_font_description_from_string (font);

  /* Unhinted metrics: the PDF is printed and zoomed, not shown on pixels. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  /* Sizes in points, and a PDF's unit is the point. */
  pango_cairo_context_set_resolution (context, 72);
  pango_layout_context_changed (layout);
  cairo_font_options_destroy (options);

  pango_layout_set_font_description (layout, description);
  pango_font_description_free (description);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* Draws @text centred between the margins with its top at @y; returns
 * the height it took. */
static double
draw_text (cairo_t     *cr,
           const char  *text,
           const char  *font,
           const Color *color,
           double       y)
{
  g_autoptr(PangoLayout) layout = create_layout (cr, text, font, TEXT_WIDTH);
  int height;

  cairo_set_source_rgb (cr, color->r, color->g, color->b);
  cairo_move_to (cr, MARGIN, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

/* As draw_text (), in the largest size from @size down to @min_size at
 * which the text keeps to one line: a name is not broken if it can help. */
static double
draw_fitted_text (cairo_t     *cr,
                  const char  *text,
                  const char  *family,
                  double       size,
                  double       min_size,
                  const Color *color,
                  double       y)
{
  g_autofree char *font = NULL;

  for (;; size -= 1)
    {
      g_autoptr(PangoLayout) layout = NULL;

      g_free (font);
      font = g_strdup_printf ("%s %d", family, (int) size);
      layout = create_layout (cr, text, font, TEXT_WIDTH);
      if (size <= min_size || pango_layout_get_line_count (layout) <= 1)
        break;
    }
  return draw_text (cr, text, font, color, y);
}

static double
text_height (cairo_t    *cr,
             const char *text,
             const char *font)
{
  g_autoptr(PangoLayout) layout = create_layout (cr, text, font, TEXT_WIDTH);
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static void
draw_rule (cairo_t *cr,
           double   y,
           double   half_width)
{
  cairo_set_source_rgb (cr, accent.r, accent.g, accent.b);
  cairo_set_line_width (cr, 0.8);
  cairo_move_to (cr, PAGE_WIDTH / 2 - half_width, y);
  cairo_line_to (cr, PAGE_WIDTH / 2 + half_width, y);
  cairo_stroke (cr);
}

static void
draw_frame (cairo_t *cr)
{
  cairo_set_source_rgb (cr, accent.r, accent.g, accent.b);
  cairo_set_line_width (cr, 3.0);
  cairo_rectangle (cr, FRAME, FRAME, PAGE_WIDTH - 2 * FRAME, PAGE_HEIGHT - 2 * FRAME);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 0.8);
  cairo_rectangle (cr, FRAME + 6, FRAME + 6, PAGE_WIDTH - 2 * (FRAME + 6), PAGE_HEIGHT - 2 * (FRAME + 6));
  cairo_stroke (cr);
}

static char *
join_modules (const TrCredentialInfo *info)
{
  if (info->modules == NULL || info->modules[0] == NULL)
    return NULL;
  /* One a line: module titles are long. */
  return g_strjoinv ("\n", info->modules);
}

/* The title block from @y down; returns where it ends. */
static double
draw_body (cairo_t                *cr,
           const TrCredentialInfo *info,
           TrLang                  lang,
           double                  y)
{
  gboolean is_path = g_strcmp0 (info->achievement_kind, "path") == 0;
  const char *title = tr_text_get (&info->title, lang);
  g_autofree char *modules = join_modules (info);
  g_autofree char *issued = trellis_certificate_format_date (info->valid_from, lang);
  g_autofree char *issued_line = phrase_with (PHRASE_ISSUED_ON, lang, issued);
  g_autoptr(GString) facts = g_string_new (NULL);

  if (info->issuer_name != NULL && *info->issuer_name != '\0')
    y += draw_text (cr, info->issuer_name, "DejaVu Sans Bold 13", &dim, y) + 18;
  y += draw_text (cr, phrase (PHRASE_CERTIFICATE, lang), "DejaVu Serif Bold 42", &accent, y) + 8;
  draw_rule (cr, y, 60);
  y += 26;
  y += draw_text (cr, phrase (PHRASE_AWARDED_TO, lang), "DejaVu Serif Italic 14", &dim, y) + 10;
  y += draw_fitted_text (cr, info->holder_name != NULL ? info->holder_name : "", "DejaVu Serif Bold", 32, 20,
                         &ink, y) + 22;
  y += draw_text (cr, phrase (is_path ? PHRASE_FOR_PATH : PHRASE_FOR_COURSE, lang),
                  "DejaVu Serif Italic 14", &dim, y) + 10;
  y += draw_fitted_text (cr, title != NULL ? title : "", "DejaVu Sans Bold", 22, 16, &ink, y) + 24;

  /* A course covers itself; naming it again as its own module says nothing. */
  if (modules != NULL && (is_path || g_strv_length (info->modules) > 1))
    {
      y += draw_text (cr, phrase (PHRASE_MODULES, lang), "DejaVu Sans Bold 10", &dim, y) + 3;
      y += draw_text (cr, modules, "DejaVu Sans 11", &ink, y) + 18;
    }

  if (info->study_hours > 0)
    {
      g_autofree char *hours = format_hours (info->study_hours, lang);

      g_string_append_printf (facts, "%s: %s", phrase (PHRASE_STUDY_TIME, lang), hours);
    }
  if (info->quiz_score >= 0)
    g_string_append_printf (facts, "%s%s: %d %%", facts->len > 0 ? "   ·   " : "",
                            phrase (PHRASE_QUIZ_SCORE, lang), info->quiz_score);
  if (facts->len > 0)
    y += draw_text (cr, facts->str, "DejaVu Sans 11", &ink, y) + 18;

  y += draw_text (cr, issued_line, "DejaVu Sans 12", &ink, y);
  if (info->valid_until > 0)
    {
      g_autofree char *until = trellis_certificate_format_date (info->valid_until, lang);
      g_autofree char *until_line = phrase_with (PHRASE_VALID_UNTIL, lang, until);

      y += 4 + draw_text (cr, until_line, "DejaVu Sans 12", &ink, y);
    }
  return y;
}

/* The foot, from the bottom up: details, address, code; returns its top. */
static double
draw_foot (cairo_t                 *cr,
           const TrCredentialInfo  *info,
           TrLang                   lang,
           GError                 **error)
{
  g_autoptr(GString) details = g_string_new (NULL);
  double bottom = PAGE_HEIGHT - FRAME - 24;

  if (info->issuer_name != NULL && *info->issuer_name != '\0')
    g_string_append_printf (details, "%s: %s\n", phrase (PHRASE_ISSUED_BY, lang), info->issuer_name);
  if (info->version != NULL)
    g_string_append_printf (details, "%s: %s\n", phrase (PHRASE_VERSION, lang), info->version);
  g_string_append_printf (details, "%s: %s", phrase (PHRASE_CREDENTIAL_ID, lang),
                          info->id != NULL ? info->id : "");
  bottom -= text_height (cr, details->str, "DejaVu Sans Mono 7.5");
  draw_text (cr, details->str, "DejaVu Sans Mono 7.5", &dim, bottom);

  if (info->verify_url != NULL && *info->verify_url != '\0')
    {
      bottom -= 14 + text_height (cr, info->verify_url, "DejaVu Sans Mono 8");
      draw_text (cr, info->verify_url, "DejaVu Sans Mono 8", &accent, bottom);
      bottom -= 2 + text_height (cr, phrase (PHRASE_SCAN, lang), "DejaVu Sans 8.5");
      draw_text (cr, phrase (PHRASE_SCAN, lang), "DejaVu Sans 8.5", &dim, bottom);
      bottom -= 4 + QR_SIZE;
      if (!trellis_qr_code_draw (cr, info->verify_url, (PAGE_WIDTH - QR_SIZE) / 2, bottom, QR_SIZE, error))
        return -1;
    }
  return bottom;
}

static gboolean
draw_certificate (cairo_t                 *cr,
                  const TrCredentialInfo  *info,
                  TrLang                   lang,
                  GError                 **error)
{
  cairo_surface_t *scratch = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *measure = cairo_create (scratch);
  double top = FRAME + 48, foot, height, y;

  /* Measured first on scratch, so that the body sits in the middle of the
   * room the foot leaves. */
  height = draw_body (measure, info, lang, 0);
  cairo_destroy (measure);
  cairo_surface_destroy (scratch);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw_frame (cr);
  if ((foot = draw_foot (cr, info, lang, error)) < 0)
    return FALSE;
  y = MAX (top, top + (foot - 24 - top - height) / 2);
  if (y + height > foot)
    g_debug ("The certificate's text runs into its foot");
  draw_body (cr, info, lang, y);
  return TRUE;
}

static cairo_status_t
write_cb (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * trellis_certificate_render_pdf_bytes:
 *
 * Renders the certificate @info describes as a one-page A4 PDF whose fixed
 * texts are in @lang; the QR code opens its verify URL.
 *
 * Returns: (transfer full): the PDF, or %NULL with @error set
 */
GBytes *
trellis_certificate_render_pdf_bytes (const TrCredentialInfo  *info,
                                      TrLang                   lang,
                                      GError                 **error)
{
  g_autoptr(GByteArray) pdf = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  g_autofree char *title = NULL;
  gboolean drawn;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  pdf = g_byte_array_new ();
  surface = cairo_pdf_surface_create_for_stream (write_cb, pdf, PAGE_WIDTH, PAGE_HEIGHT);
  title = g_strdup_printf ("%s — %s", phrase (PHRASE_CERTIFICATE, lang),
                           info->holder_name != NULL ? info->holder_name : "");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  if (info->issuer_name != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, info->issuer_name);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Trellis " PACKAGE_VERSION);

  cr = cairo_create (surface);
  drawn = draw_certificate (cr, info, lang, error);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (!drawn)
    return NULL;
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot make the PDF: %s"),
                   cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&pdf));
}

/* Writes the PDF to @path, replacing the file as a whole or not at all. */
gboolean
trellis_certificate_render_pdf (const TrCredentialInfo  *info,
                                TrLang                   lang,
                                const char              *path,
                                GError                 **error)
{
  g_autoptr(GBytes) pdf = NULL;

  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((pdf = trellis_certificate_render_pdf_bytes (info, lang, error)) == NULL)
    return FALSE;
  return g_file_set_contents_full (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}
