/* trs-verify-page.c: the public page that says whether a certificate holds
 *
 * What the QR code on a certificate opens, on whatever phone an employer
 * has: plain HTML without scripts, one heading that says the state in
 * words, colours that are never the only sign of it, and text in English,
 * Dutch or French. The server speaks no gettext, and only these three
 * languages, so the few sentences are kept here.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <string.h>

#include "trs-verify-page.h"

typedef struct
{
  const char *page_title;
  const char *heading;             /* %s: the state, in capitals */
  const char *state[4];
  const char *explain_valid;
  const char *explain_revoked;     /* %s: the date */
  const char *explain_expired;     /* %s: the date */
  const char *explain_unknown;
  const char *holder;
  const char *course;
  const char *path;
  const char *modules;
  const char *version;
  const char *issued;
  const char *valid_until;
  const char *no_expiry;
  const char *institute;
  const char *number;
  const char *about;
  const char *machine;
  const char *keys;
  const char *months[12];
} Strings;

static const Strings strings[TR_N_LANGS] = {
  [TR_LANG_EN] = {
    .page_title = "Certificate check",
    .heading = "This certificate is %s",
    .state = { "VALID", "REVOKED", "EXPIRED", "UNKNOWN" },
    .explain_valid = "The institute issued it and has not revoked it.",
    .explain_revoked = "The institute revoked it on %s. It no longer counts as proof.",
    .explain_expired = "Its validity ended on %s. The holder can recertify.",
    .explain_unknown = "No certificate with this number was issued here. Check the address, or ask the "
                       "institute named on the certificate.",
    .holder = "Holder",
    .course = "Course",
    .path = "Learning path",
    .modules = "Modules",
    .version = "Content version",
    .issued = "Issued on",
    .valid_until = "Valid until",
    .no_expiry = "Does not expire",
    .institute = "Issued by",
    .number = "Certificate number",
    .about = "This page shows what the signed certificate states and whether the institute still "
             "stands by it.",
    .machine = "The same answer for software (JSON)",
    .keys = "The institute's public keys (JWKS)",
    .months = { "January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December" },
  },
  [TR_LANG_NL] = {
    .page_title = "Controle van een certificaat",
    .heading = "Dit certificaat is %s",
    .state = { "GELDIG", "INGETROKKEN", "VERLOPEN", "ONBEKEND" },
    .explain_valid = "Het instituut heeft het uitgereikt en niet ingetrokken.",
    .explain_revoked = "Het instituut heeft het ingetrokken op %s. Het geldt niet langer als bewijs.",
    .explain_expired = "De geldigheid is afgelopen op %s. De houder kan zich opnieuw laten certificeren.",
    .explain_unknown = "Hier is geen certificaat met dit nummer uitgereikt. Controleer het adres, of vraag "
                       "het na bij het instituut dat op het certificaat staat.",
    .holder = "Houder",
    .course = "Cursus",
    .path = "Leerlijn",
    .modules = "Modules",
    .version = "Inhoudsversie",
    .issued = "Uitgereikt op",
    .valid_until = "Geldig tot",
    .no_expiry = "Verloopt niet",
    .institute = "Uitgereikt door",
    .number = "Certificaatnummer",
    .about = "Deze pagina toont wat het ondertekende certificaat vermeldt en of het instituut er nog "
             "achter staat.",
    .machine = "Hetzelfde antwoord voor software (JSON)",
    .keys = "De publieke sleutels van het instituut (JWKS)",
    .months = { "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                "oktober", "november", "december" },
  },
  [TR_LANG_FR] = {
    .page_title = "Vérification d’un certificat",
    .heading = "Ce certificat est %s",
    .state = { "VALIDE", "RÉVOQUÉ", "EXPIRÉ", "INCONNU" },
    .explain_valid = "L’institut l’a délivré et ne l’a pas révoqué.",
    .explain_revoked = "L’institut l’a révoqué le %s. Il ne vaut plus comme preuve.",
    .explain_expired = "Sa validité a pris fin le %s. Le titulaire peut se recertifier.",
    .explain_unknown = "Aucun certificat portant ce numéro n’a été délivré ici. Vérifiez l’adresse ou "
                       "renseignez-vous auprès de l’institut indiqué sur le certificat.",
    .holder = "Titulaire",
    .course = "Formation",
    .path = "Parcours",
    .modules = "Modules",
    .version = "Version du contenu",
    .issued = "Délivré le",
    .valid_until = "Valable jusqu’au",
    .no_expiry = "N’expire pas",
    .institute = "Délivré par",
    .number = "Numéro du certificat",
    .about = "Cette page montre ce qu’indique le certificat signé et si l’institut le reconnaît toujours.",
    .machine = "La même réponse pour les logiciels (JSON)",
    .keys = "Les clés publiques de l’institut (JWKS)",
    .months = { "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                "octobre", "novembre", "décembre" },
  },
};

/* The sign before the state's word; the colours are in the style sheet. */
static const char * const signs[] = { "✓", "✗", "!", "?" };

const char *
trs_certificate_status_to_string (TrsCertificateStatus status)
{
  static const char * const names[] = { "valid", "revoked", "expired", "unknown" };

  g_return_val_if_fail (status <= TRS_CERTIFICATE_UNKNOWN, "unknown");
  return names[status];
}

/* A q-value: "1", "0.8", "0.125"; -1 when it is not one. */
static double
parse_q (const char *text)
{
  char *end = NULL;
  double q;

  while (*text == ' ' || *text == '\t')
    text++;
  if (!g_ascii_isdigit (*text))
    return -1;
  q = g_ascii_strtod (text, &end);
  while (end != NULL && (*end == ' ' || *end == '\t'))
    end++;
  if (end == NULL || *end != '\0' || q < 0 || q > 1)
    return -1;
  return q;
}

TrLang
trs_accept_language (const char *header)
{
  g_auto(GStrv) ranges = NULL;
  TrLang best = TR_LANG_EN;
  double best_q = 0;

  if (header == NULL)
    return TR_LANG_EN;
  ranges = g_strsplit (header, ",", 64);
  for (guint i = 0; ranges[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (ranges[i], ";", 8);
      const char *tag;
      double q = 1;
      TrLang lang;

      /* "en," or "en,,nl": g_strsplit() makes an empty element nothing. */
      if (parts[0] == NULL)
        continue;
      tag = g_strstrip (parts[0]);
      for (guint p = 1; parts[p] != NULL; p++)
        {
          const char *param = g_strstrip (parts[p]);

          if ((param[0] == 'q' || param[0] == 'Q') && param[1] == '=')
            q = parse_q (param + 2);
        }
      /* q=0 means "not this one"; a broken q-value counts as none. */
      if (q <= 0)
        continue;
      if (g_str_equal (tag, "*"))
        lang = TR_LANG_EN;
      else if (!tr_lang_from_code (tag, &lang) || (tag[2] != '\0' && tag[2] != '-'))
        continue;
      /* Ties go to the first named. */
      if (q > best_q)
        {
          best = lang;
          best_q = q;
        }
    }
  return best;
}

/* @pattern with its "%s" replaced by @value: the patterns are ours, but a
 * printf format that is not a literal goes unchecked. */
static char *
fill_in (const char *pattern,
         const char *value)
{
  g_auto(GStrv) parts = g_strsplit (pattern, "%s", -1);

  return g_strjoinv (value, parts);
}

static char *
format_date (gint64 ms,
             TrLang lang)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (ms / 1000);

  if (time == NULL)
    return g_strdup ("?");
  /* "14 March 2026", "14 maart 2026", "14 mars 2026": the same order in
   * all three. */
  return g_strdup_printf ("%d %s %d", g_date_time_get_day_of_month (time),
                          strings[lang].months[g_date_time_get_month (time) - 1], g_date_time_get_year (time));
}

/* <time datetime="2026-03-14">14 March 2026</time>, escaped. */
static char *
time_element (gint64 ms,
              TrLang lang)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (ms / 1000);
  g_autofree char *iso = NULL;
  g_autofree char *text = format_date (ms, lang);
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  if (time == NULL)
    return g_strdup ("?");
  iso = g_date_time_format (time, "%Y-%m-%d");
  return g_strdup_printf ("<time datetime=\"%s\">%s</time>", iso, escaped);
}

static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  g_string_append (out, escaped);
}

static void
append_row (GString    *out,
            const char *label,
            const char *html)
{
  g_string_append (out, "<dt>");
  append_escaped (out, label);
  g_string_append (out, "</dt>\n<dd>");
  g_string_append (out, html);
  g_string_append (out, "</dd>\n");
}

static void
append_text_row (GString    *out,
                 const char *label,
                 const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  append_row (out, label, escaped);
}

static const char style[] =
  "body{margin:0;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif;"
  "font-size:1.05rem;line-height:1.5;color:#1a1a1a;background:#fff}"
  "main{max-width:40rem;margin:0 auto;padding:1rem}"
  ".state{border:3px solid;border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1.25rem}"
  "h1{font-size:1.6rem;margin:0 0 .25rem;line-height:1.25}"
  ".state p{margin:0}"
  /* Text on background above 7:1; the word and the sign say what the
   * colour does. */
  ".valid{color:#0b5a1d;background:#e7f5ea}"
  ".revoked{color:#8c1616;background:#fdecec}"
  ".expired{color:#6b4100;background:#fff3dc}"
  ".unknown{color:#2b2b2b;background:#ececec}"
  "dl{margin:0 0 1.25rem}"
  "dt{font-weight:bold;margin-top:.75rem}"
  "dd{margin:0;overflow-wrap:anywhere}"
  "dd ul{margin:0;padding-left:1.25rem}"
  "code{font-size:.9rem}"
  "a{color:#0645ad}"
  "a:focus{outline:3px solid #0645ad;outline-offset:2px}"
  "footer{font-size:.95rem;color:#333}";

char *
trs_verify_page_render (const TrsVerifyView *view,
                        TrLang               lang)
{
  const Strings *s;
  g_autoptr(GString) out = g_string_sized_new (4096);
  g_autofree char *heading = NULL;
  TrsCertificateStatus status;

  g_return_val_if_fail (view != NULL, NULL);

  if (lang >= TR_N_LANGS)
    lang = TR_LANG_EN;
  s = &strings[lang];
  status = view->status <= TRS_CERTIFICATE_UNKNOWN ? view->status : TRS_CERTIFICATE_UNKNOWN;
  heading = fill_in (s->heading, s->state[status]);

  g_string_append_printf (out,
                          "<!DOCTYPE html>\n"
                          "<html lang=\"%s\">\n"
                          "<head>\n"
                          "<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<meta name=\"robots\" content=\"noindex\">\n"
                          "<title>",
                          tr_lang_to_code (lang));
  append_escaped (out, heading);
  g_string_append (out, " – ");
  append_escaped (out, s->page_title);
  g_string_append_printf (out, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", style);

  g_string_append_printf (out, "<section class=\"state %s\">\n<h1><span aria-hidden=\"true\">%s</span> ",
                          trs_certificate_status_to_string (status), signs[status]);
  append_escaped (out, heading);
  g_string_append (out, "</h1>\n<p>");
  switch (status)
    {
    case TRS_CERTIFICATE_VALID:
      append_escaped (out, s->explain_valid);
      break;
    case TRS_CERTIFICATE_REVOKED:
    case TRS_CERTIFICATE_EXPIRED:
      {
        g_autofree char *date = time_element (status == TRS_CERTIFICATE_REVOKED ? view->revoked_at
                                                                               : view->valid_until, lang);
        const char *sentence = status == TRS_CERTIFICATE_REVOKED ? s->explain_revoked : s->explain_expired;
        g_autofree char *escaped = g_markup_escape_text (sentence, -1);
        g_autofree char *filled = fill_in (escaped, date);

        g_string_append (out, filled);
      }
      break;
    case TRS_CERTIFICATE_UNKNOWN:
    default:
      append_escaped (out, s->explain_unknown);
      break;
    }
  g_string_append (out, "</p>\n</section>\n");

  if (status != TRS_CERTIFICATE_UNKNOWN)
    {
      gboolean is_path = g_strcmp0 (view->kind, "path") == 0;
      const char *title = view->title != NULL && tr_text_is_set (view->title) ? tr_text_get (view->title, lang)
                                                                              : view->achievement_id;

      g_string_append (out, "<dl>\n");
      append_text_row (out, s->holder, view->holder);
      append_text_row (out, is_path ? s->path : s->course, title);
      if (view->modules != NULL && view->modules[0] != NULL)
        {
          g_autoptr(GString) list = g_string_new ("<ul>");

          for (guint i = 0; view->modules[i] != NULL; i++)
            {
              g_string_append (list, "<li>");
              append_escaped (list, view->modules[i]);
              g_string_append (list, "</li>");
            }
          g_string_append (list, "</ul>");
          append_row (out, s->modules, list->str);
        }
      {
        g_autofree char *escaped = g_markup_escape_text (view->version != NULL ? view->version : "", -1);
        g_autofree char *code = g_strdup_printf ("<code>%s</code>", escaped);

        append_row (out, s->version, code);
      }
      {
        g_autofree char *issued = time_element (view->issued, lang);

        append_row (out, s->issued, issued);
      }
      if (view->valid_until > 0)
        {
          g_autofree char *until = time_element (view->valid_until, lang);

          append_row (out, s->valid_until, until);
        }
      else
        append_text_row (out, s->valid_until, s->no_expiry);
      append_text_row (out, s->institute, view->institute);
      g_string_append (out, "</dl>\n");
    }

  if (view->id != NULL && g_uuid_string_is_valid (view->id))
    {
      g_string_append (out, "<dl>\n");
      {
        g_autofree char *code = g_strdup_printf ("<code>%s</code>", view->id);

        append_row (out, s->number, code);
      }
      g_string_append (out, "</dl>\n");
    }

  g_string_append (out, "<footer>\n<p>");
  append_escaped (out, s->about);
  g_string_append (out, "</p>\n<ul>\n");
  if (view->id != NULL && g_uuid_string_is_valid (view->id))
    {
      g_string_append_printf (out, "<li><a href=\"/api/v1/certificates/%s/status\">", view->id);
      append_escaped (out, s->machine);
      g_string_append (out, "</a></li>\n");
    }
  g_string_append (out, "<li><a href=\"/.well-known/jwks.json\">");
  append_escaped (out, s->keys);
  g_string_append (out, "</a></li>\n</ul>\n</footer>\n</main>\n</body>\n</html>\n");
  return g_string_free (g_steal_pointer (&out), FALSE);
}
