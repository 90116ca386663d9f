/* tr-lang.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-lang"

#include "tr-lang.h"

static const char * const lang_codes[TR_N_LANGS] = { "en", "nl", "fr" };

const char *
tr_lang_to_code (TrLang lang)
{
  g_return_val_if_fail (lang < TR_N_LANGS, NULL);
  return lang_codes[lang];
}

gboolean
tr_lang_from_code (const char *code,
                   TrLang     *out_lang)
{
  g_return_val_if_fail (code != NULL, FALSE);

  for (guint i = 0; i < TR_N_LANGS; i++)
    {
      if (g_ascii_strncasecmp (code, lang_codes[i], 2) == 0 &&
          (code[2] == '\0' || code[2] == '_' || code[2] == '-' || code[2] == '.'))
        {
          if (out_lang != NULL)
            *out_lang = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* The first of the user's preferred languages that Trellis speaks. */
TrLang
tr_lang_from_locale (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      TrLang lang;

      if (tr_lang_from_code (names[i], &lang))
        return lang;
    }
  return TR_LANG_EN;
}

const char *
tr_text_get (const TrText *text,
             TrLang        lang)
{
  g_return_val_if_fail (text != NULL, "");
  g_return_val_if_fail (lang < TR_N_LANGS, "");

  if (text->s[lang] != NULL)
    return text->s[lang];
  if (text->s[TR_LANG_EN] != NULL)
    return text->s[TR_LANG_EN];
  for (guint i = 0; i < TR_N_LANGS; i++)
    if (text->s[i] != NULL)
      return text->s[i];
  return "";
}

gboolean
tr_text_is_set (const TrText *text)
{
  for (guint i = 0; i < TR_N_LANGS; i++)
    if (text->s[i] != NULL)
      return TRUE;
  return FALSE;
}

void
tr_text_clear (TrText *text)
{
  for (guint i = 0; i < TR_N_LANGS; i++)
    g_clear_pointer (&text->s[i], g_free);
}
