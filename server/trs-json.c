/* trs-json.c: members of the server's JSON answers, as docs/api.md writes them
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include "trs-json.h"

/* A text in every language it has: {"en": …, "nl": …, "fr": …}. */
void
trs_json_add_text (JsonBuilder  *builder,
                   const TrText *text)
{
  json_builder_begin_object (builder);
  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    if (text != NULL && text->s[lang] != NULL)
      {
        json_builder_set_member_name (builder, tr_lang_to_code (lang));
        json_builder_add_string_value (builder, text->s[lang]);
      }
  json_builder_end_object (builder);
}

void
trs_json_add_string_or_null (JsonBuilder *builder,
                             const char  *name,
                             const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* A time in ms since 1970, or null for 0 (never, not yet). */
void
trs_json_add_time_or_null (JsonBuilder *builder,
                           const char  *name,
                           gint64       ms)
{
  json_builder_set_member_name (builder, name);
  if (ms > 0)
    json_builder_add_int_value (builder, ms);
  else
    json_builder_add_null_value (builder);
}
