/* trs-join-page.h: the public page a classroom session's QR code opens
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-lang.h"

G_BEGIN_DECLS

char *trs_join_page_render (const char *code,
                            TrLang      lang);

G_END_DECLS
