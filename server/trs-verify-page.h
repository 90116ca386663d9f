/* trs-verify-page.h: the public page that says whether a certificate holds
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-lang.h"

G_BEGIN_DECLS

typedef enum
{
  TRS_CERTIFICATE_VALID,
  TRS_CERTIFICATE_REVOKED,
  TRS_CERTIFICATE_EXPIRED,
  TRS_CERTIFICATE_UNKNOWN,
} TrsCertificateStatus;

/* What the page shows: no more than the signed certificate states, and its
 * status. Everything but @status may be NULL or 0 for an unknown one. */
typedef struct
{
  TrsCertificateStatus  status;
  const char           *id;              /* UUID */
  const char           *holder;
  const char           *kind;            /* "course" or "path" */
  const char           *achievement_id;
  const TrText         *title;
  const char * const   *modules;
  const char           *version;
  const char           *institute;
  gint64                issued;          /* ms since 1970 */
  gint64                valid_until;     /* 0: does not expire */
  gint64                revoked_at;
} TrsVerifyView;

const char *trs_certificate_status_to_string (TrsCertificateStatus  status);

/* The language of the page from an Accept-Language header: the most
 * preferred of English, Dutch and French by q-value; English by default. */
TrLang      trs_accept_language              (const char           *header);

/* A complete HTML5 page, UTF-8; every value is escaped. */
char       *trs_verify_page_render           (const TrsVerifyView  *view,
                                              TrLang                lang);

G_END_DECLS
