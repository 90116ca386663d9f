/* trs-join-page.c: the public page a classroom session's QR code opens
 *
 * A phone that scans the code on the projector learns how to join: the
 * session happens in the Trellis app, so the page only repeats the code in
 * large type and says where to type it. It tells nothing about the session
 * or who is in it, so it needs no lookup and leaks nothing.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <string.h>

#include "trs-join-page.h"

#define CODE_MAX_BYTES 32

typedef struct
{
  const char *title;
  const char *steps[3];
} Strings;

static const Strings strings[TR_N_LANGS] = {
  [TR_LANG_EN] = {
    .title = "Join the classroom session",
    .steps = { "Open Trellis on your computer and sign in with your institute account.",
               "In the main menu, choose “Join Classroom Session…”.",
               "Type this code (capitals or not, with or without spaces):" },
  },
  [TR_LANG_NL] = {
    .title = "Doe mee aan de groepssessie",
    .steps = { "Open Trellis op je computer en meld je aan met het account van je instituut.",
               "Kies in het hoofdmenu „Deelnemen aan groepssessie…”.",
               "Typ deze code (hoofdletters of niet, met of zonder spaties):" },
  },
  [TR_LANG_FR] = {
    .title = "Rejoindre la séance de groupe",
    .steps = { "Ouvrez Trellis sur votre ordinateur et connectez-vous avec le compte de votre institut.",
               "Dans le menu principal, choisissez « Rejoindre une séance de groupe… ».",
               "Saisissez ce code (majuscules ou non, avec ou sans espaces) :" },
  },
};

/* @code as typed in the address: only its letters and digits are shown. */
char *
trs_join_page_render (const char *code,
                      TrLang      lang)
{
  const Strings *s = &strings[lang < TR_N_LANGS ? lang : TR_LANG_EN];
  g_autoptr(GString) out = g_string_sized_new (2048);
  g_autoptr(GString) clean = g_string_new (NULL);

  for (const char *p = code; p != NULL && *p != '\0' && clean->len < CODE_MAX_BYTES; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (clean, g_ascii_toupper (*p));

  g_string_append_printf (out,
                          "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<meta name=\"robots\" content=\"noindex\">\n<title>%s</title>\n"
                          "<style>body{font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;"
                          "line-height:1.5;color:#111;background:#fff}"
                          ".code{font-family:monospace;font-size:3rem;letter-spacing:.3em;font-weight:bold;"
                          "margin:1rem 0}</style>\n</head>\n<body>\n<main>\n<h1>%s</h1>\n<ol>\n",
                          tr_lang_to_code (lang < TR_N_LANGS ? lang : TR_LANG_EN), s->title, s->title);
  for (guint i = 0; i < G_N_ELEMENTS (s->steps); i++)
    g_string_append_printf (out, "<li>%s</li>\n", s->steps[i]);
  g_string_append_printf (out, "</ol>\n<p class=\"code\" aria-label=\"%s\">%s</p>\n</main>\n</body>\n</html>\n",
                          clean->str, clean->str);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
