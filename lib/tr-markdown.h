/* tr-markdown.h: lesson text as blocks a client can render natively
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TR_BLOCK_DOCUMENT,
  TR_BLOCK_HEADING,       /* level 1–6, inlines */
  TR_BLOCK_PARAGRAPH,     /* inlines */
  TR_BLOCK_LIST,          /* ordered, start; children are TR_BLOCK_LIST_ITEM */
  TR_BLOCK_LIST_ITEM,     /* children */
  TR_BLOCK_QUOTE,         /* children */
  TR_BLOCK_CALLOUT,       /* callout kind, title, children */
  TR_BLOCK_IMAGE,         /* url, alt */
  TR_BLOCK_CODE,          /* literal */
  TR_BLOCK_RULE,
} TrBlockType;

typedef enum
{
  TR_CALLOUT_NOTE,
  TR_CALLOUT_TIP,
  TR_CALLOUT_WARNING,
  TR_CALLOUT_IMPORTANT,
} TrCalloutKind;

typedef enum
{
  TR_STYLE_EMPHASIS = 1 << 0,
  TR_STYLE_STRONG   = 1 << 1,
  TR_STYLE_CODE     = 1 << 2,
  TR_STYLE_LINK     = 1 << 3,
} TrInlineStyle;

/* A run of text in one style; a line break is a run whose text is "\n". */
typedef struct
{
  char          *text;
  TrInlineStyle  style;
  char          *href;    /* with TR_STYLE_LINK */
} TrInline;

typedef struct _TrBlock TrBlock;

struct _TrBlock
{
  TrBlockType    type;
  guint          line;        /* where the block starts in the source */
  int            level;       /* heading level; first number of an ordered list */
  gboolean       ordered;
  TrCalloutKind  callout;
  char          *title;       /* call-out title, may be NULL */
  char          *url;         /* image */
  char          *alt;         /* image */
  char          *literal;     /* code */
  GPtrArray     *inlines;     /* TrInline* for headings and paragraphs */
  GPtrArray     *children;    /* TrBlock* */
};

/* A link or image found in a text, for checking that it leads somewhere. */
typedef struct
{
  gboolean  is_image;
  char     *target;
  guint     line;
  guint     column;
} TrMarkdownRef;

TrBlock    *tr_markdown_parse         (const char *text);
void        tr_block_free             (TrBlock    *block);
char       *tr_block_get_plain_text   (TrBlock    *block);
GPtrArray  *tr_markdown_collect_refs  (const char *text);
void        tr_markdown_ref_free      (TrMarkdownRef *ref);
guint       tr_count_words            (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrBlock, tr_block_free)

G_END_DECLS
