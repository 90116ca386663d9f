/* tr-lang.h: the languages of Trellis and translated texts
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* English comes first: it is the fallback for every missing text. */
typedef enum
{
  TR_LANG_EN,
  TR_LANG_NL,
  TR_LANG_FR,
  TR_N_LANGS
} TrLang;

typedef struct
{
  char *s[TR_N_LANGS];
} TrText;

const char *tr_lang_to_code   (TrLang       lang);
gboolean    tr_lang_from_code (const char  *code,
                               TrLang      *out_lang);
TrLang      tr_lang_from_locale (void);

const char *tr_text_get       (const TrText *text,
                               TrLang        lang);
gboolean    tr_text_is_set    (const TrText *text);
void        tr_text_clear     (TrText       *text);

G_END_DECLS
