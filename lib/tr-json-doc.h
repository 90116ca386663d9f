/* tr-json-doc.h: a JSON file that remembers where each value stands
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-diagnostics.h"
#include "tr-lang.h"

G_BEGIN_DECLS

typedef struct _TrJsonDoc TrJsonDoc;

/* What a member of an object must hold. */
typedef enum
{
  TR_FIELD_STRING,
  TR_FIELD_INT,
  TR_FIELD_BOOL,
  TR_FIELD_OBJECT,
  TR_FIELD_ARRAY,
  TR_FIELD_TEXT,        /* a translated text: { "en": "...", "nl": "...", ... } */
  TR_FIELD_STRING_OR_ARRAY,
} TrFieldType;

typedef struct
{
  const char  *name;
  TrFieldType  type;
  gboolean     required;
} TrField;

TrJsonDoc  *tr_json_doc_load            (const char     *path,
                                         const char     *display_name,
                                         TrDiagnostics  *diagnostics);
void        tr_json_doc_free            (TrJsonDoc      *self);
JsonNode   *tr_json_doc_get_root        (TrJsonDoc      *self);
const char *tr_json_doc_get_name        (TrJsonDoc      *self);
void        tr_json_doc_locate          (TrJsonDoc      *self,
                                         JsonNode       *node,
                                         guint          *line,
                                         guint          *column);
void        tr_json_doc_locate_member   (TrJsonDoc      *self,
                                         JsonObject     *object,
                                         const char     *member,
                                         guint          *line,
                                         guint          *column);
void        tr_json_doc_report          (TrJsonDoc      *self,
                                         TrDiagnostics  *diagnostics,
                                         TrSeverity      severity,
                                         JsonNode       *node,
                                         const char     *format,
                                         ...) G_GNUC_PRINTF (5, 6);
void        tr_json_doc_report_member   (TrJsonDoc      *self,
                                         TrDiagnostics  *diagnostics,
                                         TrSeverity      severity,
                                         JsonObject     *object,
                                         const char     *member,
                                         const char     *format,
                                         ...) G_GNUC_PRINTF (6, 7);
gboolean    tr_json_doc_check_object    (TrJsonDoc      *self,
                                         TrDiagnostics  *diagnostics,
                                         JsonNode       *node,
                                         const char     *what,
                                         const TrField  *fields,
                                         guint           n_fields);

/* Typed getters that return the fallback when the member is missing or of the
 * wrong type (tr_json_doc_check_object() has reported that already). */
const char *tr_json_get_string          (JsonObject     *object,
                                         const char     *member);
gint64      tr_json_get_int             (JsonObject     *object,
                                         const char     *member,
                                         gint64          fallback);
gboolean    tr_json_get_bool            (JsonObject     *object,
                                         const char     *member,
                                         gboolean        fallback);
JsonArray  *tr_json_get_array           (JsonObject     *object,
                                         const char     *member);
JsonObject *tr_json_get_object          (JsonObject     *object,
                                         const char     *member);

char       *tr_suggest                  (const char          *word,
                                         const char * const  *candidates,
                                         guint                n_candidates);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrJsonDoc, tr_json_doc_free)

G_END_DECLS
