/* trellis-certificates-page.h: the learner's certificates, and asking for new ones
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "trellis-application.h"

G_BEGIN_DECLS

/* A certificate this close to its end reminds the learner to recertify. */
#define TRELLIS_CERTIFICATE_REMIND_DAYS 30

#define TRELLIS_TYPE_CERTIFICATES_PAGE (trellis_certificates_page_get_type ())

G_DECLARE_FINAL_TYPE (TrellisCertificatesPage, trellis_certificates_page, TRELLIS, CERTIFICATES_PAGE, AdwBin)

GtkWidget *trellis_certificates_page_new     (TrellisApplication      *application);
void       trellis_certificates_page_refresh (TrellisCertificatesPage *self);

char      *trellis_certificates_take_reminder (TrellisProgressStore   *store,
                                               TrLang                  lang);

G_END_DECLS
