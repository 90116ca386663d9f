/* tr-loader-private.h: what the parts of the course loader share
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-course-private.h"
#include "tr-diagnostics.h"
#include "tr-json-doc.h"

G_BEGIN_DECLS

typedef struct
{
  TrCourse      *course;
  TrDiagnostics *diagnostics;
  char          *dir;        /* the course folder as the author named it */
  guint          declared;   /* languages the course says it is written in */
} TrLoader;

typedef enum
{
  TR_TEXT_PLAIN,
  TR_TEXT_MARKDOWN,
} TrTextKind;

gboolean  tr_loader_read_text      (TrLoader    *loader,
                                    TrJsonDoc   *doc,
                                    JsonObject  *object,
                                    const char  *member,
                                    TrTextKind   kind,
                                    TrText      *out,
                                    const char  *where_format,
                                    ...) G_GNUC_PRINTF (7, 8);
char     *tr_loader_read_id        (TrLoader    *loader,
                                    TrJsonDoc   *doc,
                                    JsonObject  *object,
                                    const char  *what,
                                    GHashTable  *seen);
char     *tr_loader_resolve_path   (TrLoader    *loader,
                                    TrJsonDoc   *doc,
                                    JsonNode    *node,
                                    const char  *relative);
char     *tr_loader_display_path   (TrLoader    *loader,
                                    const char  *relative);
void      tr_loader_check_markdown (TrLoader    *loader,
                                    const char  *display_name,
                                    const char  *base_dir,
                                    const char  *text,
                                    guint        first_line);
GHashTable *tr_loader_new_id_set   (void);
gboolean  tr_is_blank              (const char  *text);

void      tr_loader_load_scenario  (TrLoader    *loader,
                                    TrJsonDoc   *course_doc,
                                    JsonNode    *ref);
void      tr_loader_load_signal_exercise (TrLoader *loader,
                                    TrJsonDoc   *course_doc,
                                    JsonNode    *ref);
void      tr_loader_load_quiz      (TrLoader    *loader,
                                    TrJsonDoc   *course_doc,
                                    JsonNode    *ref);
void      tr_loader_load_guide     (TrLoader    *loader,
                                    TrJsonDoc   *course_doc,
                                    JsonNode    *ref);
TrJsonDoc *tr_loader_open_part     (TrLoader    *loader,
                                    TrJsonDoc   *course_doc,
                                    JsonNode    *ref);

G_END_DECLS
