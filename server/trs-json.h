/* trs-json.h: members of the server's JSON answers, as docs/api.md writes them
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-lang.h"

G_BEGIN_DECLS

void trs_json_add_text           (JsonBuilder  *builder,
                                  const TrText *text);
void trs_json_add_string_or_null (JsonBuilder  *builder,
                                  const char   *name,
                                  const char   *value);
void trs_json_add_time_or_null   (JsonBuilder  *builder,
                                  const char   *name,
                                  gint64        ms);

G_END_DECLS
