/* tr-markdown.c
 *
 * CommonMark is parsed by cmark; this file only turns cmark's tree into the
 * smaller block model the client renders, and recognises call-outs.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-markdown"

#include <cmark.h>
#include <string.h>

#include "tr-markdown.h"

static void
tr_inline_free (TrInline *run)
{
  g_free (run->text);
  g_free (run->href);
  g_free (run);
}

void
tr_block_free (TrBlock *block)
{
  if (block == NULL)
    return;
  g_free (block->title);
  g_free (block->url);
  g_free (block->alt);
  g_free (block->literal);
  g_clear_pointer (&block->inlines, g_ptr_array_unref);
  g_clear_pointer (&block->children, g_ptr_array_unref);
  g_free (block);
}

static TrBlock *
block_new (TrBlockType  type,
           cmark_node  *node)
{
  TrBlock *block = g_new0 (TrBlock, 1);

  block->type = type;
  block->line = node != NULL ? (guint) MAX (cmark_node_get_start_line (node), 0) : 0;
  block->children = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_block_free);
  block->inlines = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_inline_free);
  return block;
}

static void
add_run (GPtrArray     *inlines,
         const char    *text,
         TrInlineStyle  style,
         const char    *href)
{
  TrInline *last = inlines->len > 0 ? g_ptr_array_index (inlines, inlines->len - 1) : NULL;
  TrInline *run;

  if (text == NULL || *text == '\0')
    return;
  /* Merge runs of the same style, so renderers get fewer, longer runs. */
  if (last != NULL && last->style == style && g_strcmp0 (last->href, href) == 0 &&
      !g_str_equal (last->text, "\n") && !g_str_equal (text, "\n"))
    {
      char *joined = g_strconcat (last->text, text, NULL);

      g_free (last->text);
      last->text = joined;
      return;
    }
  run = g_new0 (TrInline, 1);
  run->text = g_strdup (text);
  run->style = style;
  run->href = g_strdup (href);
  g_ptr_array_add (inlines, run);
}

static void
collect_alt_text (cmark_node *node,
                  GString    *alt)
{
  for (cmark_node *child = cmark_node_first_child (node); child != NULL; child = cmark_node_next (child))
    {
      if (cmark_node_get_literal (child) != NULL)
        g_string_append (alt, cmark_node_get_literal (child));
      collect_alt_text (child, alt);
    }
}

/* Inline content of a paragraph or heading. Images cannot sit inside a run of
 * text in our model, so they are collected and become blocks after it. */
static void
convert_inlines (cmark_node    *parent,
                 GPtrArray     *inlines,
                 TrInlineStyle  style,
                 const char    *href,
                 GPtrArray     *images)
{
  for (cmark_node *node = cmark_node_first_child (parent); node != NULL; node = cmark_node_next (node))
    {
      switch (cmark_node_get_type (node))
        {
        case CMARK_NODE_TEXT:
          add_run (inlines, cmark_node_get_literal (node), style, href);
          break;
        case CMARK_NODE_CODE:
          add_run (inlines, cmark_node_get_literal (node), style | TR_STYLE_CODE, href);
          break;
        case CMARK_NODE_SOFTBREAK:
          add_run (inlines, " ", style, href);
          break;
        case CMARK_NODE_LINEBREAK:
          add_run (inlines, "\n", style, href);
          break;
        case CMARK_NODE_EMPH:
          convert_inlines (node, inlines, style | TR_STYLE_EMPHASIS, href, images);
          break;
        case CMARK_NODE_STRONG:
          convert_inlines (node, inlines, style | TR_STYLE_STRONG, href, images);
          break;
        case CMARK_NODE_LINK:
          convert_inlines (node, inlines, style | TR_STYLE_LINK, cmark_node_get_url (node), images);
          break;
        case CMARK_NODE_IMAGE:
          {
            TrBlock *image = block_new (TR_BLOCK_IMAGE, parent);
            GString *alt = g_string_new (NULL);

            collect_alt_text (node, alt);
            image->url = g_strdup (cmark_node_get_url (node));
            image->alt = g_string_free (alt, FALSE);
            g_ptr_array_add (images, image);
          }
          break;
        case CMARK_NODE_HTML_INLINE:
        default:
          /* Raw HTML is not shown: a course is text, not a web page. */
          break;
        }
    }
}

static gboolean
parse_callout_marker (const char    *text,
                      TrCalloutKind *kind,
                      const char   **rest)
{
  static const struct { const char *marker; TrCalloutKind kind; } markers[] = {
    { "[!NOTE]", TR_CALLOUT_NOTE },
    { "[!TIP]", TR_CALLOUT_TIP },
    { "[!WARNING]", TR_CALLOUT_WARNING },
    { "[!IMPORTANT]", TR_CALLOUT_IMPORTANT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if (g_str_has_prefix (text, markers[i].marker))
      {
        *kind = markers[i].kind;
        *rest = text + strlen (markers[i].marker);
        return TRUE;
      }
  return FALSE;
}

static void convert_siblings (cmark_node *first, TrBlock *into);

/* A quote whose first paragraph starts with [!NOTE] etc. is a call-out: the
 * rest of that first line is its title, the lines after it its body. */
static TrBlock *
convert_quote (cmark_node *node)
{
  cmark_node *first = cmark_node_first_child (node);
  cmark_node *first_text = first != NULL ? cmark_node_first_child (first) : NULL;
  g_autoptr(GPtrArray) images = NULL;
  g_autofree char *title = NULL;
  GString *title_text;
  gboolean in_title = TRUE;
  TrCalloutKind kind;
  const char *rest;
  TrBlock *block;
  TrBlock *paragraph;
  cmark_node *body;

  if (first == NULL || cmark_node_get_type (first) != CMARK_NODE_PARAGRAPH ||
      first_text == NULL || cmark_node_get_type (first_text) != CMARK_NODE_TEXT ||
      !parse_callout_marker (cmark_node_get_literal (first_text), &kind, &rest))
    {
      block = block_new (TR_BLOCK_QUOTE, node);
      convert_siblings (first, block);
      return block;
    }

  block = block_new (TR_BLOCK_CALLOUT, node);
  block->callout = kind;

  /* The title ends at the first line break; the rest of the paragraph is body.
   * Move that rest into a paragraph of its own and convert it as usual. */
  title_text = g_string_new (rest);
  body = cmark_node_new (CMARK_NODE_PARAGRAPH);
  for (cmark_node *n = cmark_node_next (first_text); n != NULL;)
    {
      cmark_node *next = cmark_node_next (n);
      gboolean is_break = cmark_node_get_type (n) == CMARK_NODE_SOFTBREAK ||
                          cmark_node_get_type (n) == CMARK_NODE_LINEBREAK;

      if (in_title && is_break)
        in_title = FALSE;
      else if (in_title)
        {
          if (cmark_node_get_literal (n) != NULL)
            g_string_append (title_text, cmark_node_get_literal (n));
          collect_alt_text (n, title_text);
        }
      else
        {
          cmark_node_unlink (n);
          cmark_node_append_child (body, n);
        }
      n = next;
    }
  title = g_strstrip (g_string_free (g_steal_pointer (&title_text), FALSE));
  if (*title != '\0')
    block->title = g_steal_pointer (&title);

  images = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_block_free);
  paragraph = block_new (TR_BLOCK_PARAGRAPH, first);
  convert_inlines (body, paragraph->inlines, 0, NULL, images);
  cmark_node_free (body);
  if (paragraph->inlines->len > 0)
    g_ptr_array_add (block->children, paragraph);
  else
    tr_block_free (paragraph);
  g_ptr_array_extend_and_steal (block->children, g_steal_pointer (&images));
  convert_siblings (cmark_node_next (first), block);
  return block;
}

static TrBlock *
convert_text_block (cmark_node  *node,
                    TrBlockType  type,
                    GPtrArray   *images)
{
  TrBlock *block = block_new (type, node);

  convert_inlines (node, block->inlines, 0, NULL, images);
  return block;
}

static void
convert_siblings (cmark_node *first,
                  TrBlock    *into)
{
  for (cmark_node *node = first; node != NULL; node = cmark_node_next (node))
    {
      g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_block_free);
      TrBlock *block = NULL;

      switch (cmark_node_get_type (node))
        {
        case CMARK_NODE_HEADING:
          block = convert_text_block (node, TR_BLOCK_HEADING, images);
          block->level = cmark_node_get_heading_level (node);
          break;
        case CMARK_NODE_PARAGRAPH:
          block = convert_text_block (node, TR_BLOCK_PARAGRAPH, images);
          break;
        case CMARK_NODE_LIST:
          block = block_new (TR_BLOCK_LIST, node);
          block->ordered = cmark_node_get_list_type (node) == CMARK_ORDERED_LIST;
          block->level = block->ordered ? cmark_node_get_list_start (node) : 0;
          convert_siblings (cmark_node_first_child (node), block);
          break;
        case CMARK_NODE_ITEM:
          block = block_new (TR_BLOCK_LIST_ITEM, node);
          convert_siblings (cmark_node_first_child (node), block);
          break;
        case CMARK_NODE_BLOCK_QUOTE:
          block = convert_quote (node);
          break;
        case CMARK_NODE_CODE_BLOCK:
          block = block_new (TR_BLOCK_CODE, node);
          block->literal = g_strdup (cmark_node_get_literal (node));
          break;
        case CMARK_NODE_THEMATIC_BREAK:
          block = block_new (TR_BLOCK_RULE, node);
          break;
        case CMARK_NODE_HTML_BLOCK:
        default:
          break;
        }

      /* A paragraph holding nothing but an image becomes just the image. */
      if (block != NULL && block->type == TR_BLOCK_PARAGRAPH && block->inlines->len == 0)
        g_clear_pointer (&block, tr_block_free);
      if (block != NULL)
        g_ptr_array_add (into->children, block);
      g_ptr_array_extend_and_steal (into->children, g_steal_pointer (&images));
    }
}

TrBlock *
tr_markdown_parse (const char *text)
{
  cmark_node *document;
  TrBlock *root;

  g_return_val_if_fail (text != NULL, NULL);

  document = cmark_parse_document (text, strlen (text), CMARK_OPT_DEFAULT);
  root = block_new (TR_BLOCK_DOCUMENT, document);
  convert_siblings (cmark_node_first_child (document), root);
  cmark_node_free (document);
  return root;
}

static void
append_plain_text (TrBlock *block,
                   GString *out)
{
  for (guint i = 0; i < block->inlines->len; i++)
    g_string_append (out, ((TrInline *) g_ptr_array_index (block->inlines, i))->text);
  if (block->title != NULL)
    g_string_append (out, block->title);
  if (block->alt != NULL)
    g_string_append (out, block->alt);
  if (block->literal != NULL)
    g_string_append (out, block->literal);
  for (guint i = 0; i < block->children->len; i++)
    {
      if (out->len > 0 && out->str[out->len - 1] != '\n')
        g_string_append_c (out, '\n');
      append_plain_text (g_ptr_array_index (block->children, i), out);
    }
}

char *
tr_block_get_plain_text (TrBlock *block)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (block != NULL, NULL);
  append_plain_text (block, out);
  return g_string_free (out, FALSE);
}

void
tr_markdown_ref_free (TrMarkdownRef *ref)
{
  g_free (ref->target);
  g_free (ref);
}

/* cmark gives inline nodes no reliable positions, so find the target's text
 * from the block's first line on to give the author an exact place. */
static void
locate_target (char       **lines,
               guint        n_lines,
               guint        from_line,
               const char  *target,
               guint       *line,
               guint       *column)
{
  g_autofree char *needle = g_strdup_printf ("(%s", target);

  *line = MAX (from_line, 1);
  *column = 1;
  for (guint l = MAX (from_line, 1); l <= n_lines; l++)
    {
      const char *found = strstr (lines[l - 1], needle);

      if (found != NULL)
        {
          *line = l;
          *column = (guint) (found - lines[l - 1]) + 2;
          return;
        }
    }
}

static void
collect_refs (cmark_node  *node,
              guint        block_line,
              char       **lines,
              guint        n_lines,
              GPtrArray   *refs)
{
  cmark_node_type type = cmark_node_get_type (node);

  if (cmark_node_get_start_line (node) > 0)
    block_line = (guint) cmark_node_get_start_line (node);
  if ((type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE) && cmark_node_get_url (node) != NULL)
    {
      TrMarkdownRef *ref = g_new0 (TrMarkdownRef, 1);

      ref->is_image = type == CMARK_NODE_IMAGE;
      ref->target = g_strdup (cmark_node_get_url (node));
      locate_target (lines, n_lines, block_line, ref->target, &ref->line, &ref->column);
      g_ptr_array_add (refs, ref);
    }
  for (cmark_node *child = cmark_node_first_child (node); child != NULL; child = cmark_node_next (child))
    collect_refs (child, block_line, lines, n_lines, refs);
}

GPtrArray *
tr_markdown_collect_refs (const char *text)
{
  GPtrArray *refs = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_markdown_ref_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  cmark_node *document = cmark_parse_document (text, strlen (text), CMARK_OPT_DEFAULT);

  collect_refs (document, 1, lines, g_strv_length (lines), refs);
  cmark_node_free (document);
  return refs;
}

/* Words as a reader counts them: runs of characters between white space that
 * hold at least one letter or digit (so "—" or "-" alone is no word). */
guint
tr_count_words (const char *text)
{
  guint words = 0;
  gboolean in_word = FALSE, has_alnum = FALSE;

  if (text == NULL)
    return 0;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          if (in_word && has_alnum)
            words++;
          in_word = has_alnum = FALSE;
        }
      else
        {
          in_word = TRUE;
          has_alnum |= g_unichar_isalnum (c);
        }
    }
  if (in_word && has_alnum)
    words++;
  return words;
}
