/* trellis-certificate-pdf.h: a certificate as an A4 PDF with a QR code
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tr-credential.h"
#include "tr-lang.h"

G_BEGIN_DECLS

GBytes   *trellis_certificate_render_pdf_bytes (const TrCredentialInfo  *info,
                                                TrLang                   lang,
                                                GError                 **error);
gboolean  trellis_certificate_render_pdf       (const TrCredentialInfo  *info,
                                                TrLang                   lang,
                                                const char              *path,
                                                GError                 **error);
char     *trellis_certificate_format_date      (gint64                   ms,
                                                TrLang                   lang);

G_END_DECLS
