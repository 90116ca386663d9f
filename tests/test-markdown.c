/* test-markdown.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tr-markdown.h"
#include "tr-test-util.h"

static TrBlock *
child (TrBlock *block,
       guint    index)
{
  g_assert_cmpuint (index, <, block->children->len);
  return g_ptr_array_index (block->children, index);
}

static TrInline *
run (TrBlock *block,
     guint    index)
{
  g_assert_cmpuint (index, <, block->inlines->len);
  return g_ptr_array_index (block->inlines, index);
}

static void
test_blocks (void)
{
  g_autoptr(TrBlock) doc = tr_markdown_parse (
    "# Title\n"
    "\n"
    "Plain *soft* and **strong** with `code` and [a link](https://example.org).\n"
    "\n"
    "- one\n"
    "- two\n"
    "\n"
    "3. three\n"
    "\n"
    "> quoted\n"
    "\n"
    "> [!WARNING] Mind this\n"
    "> Body text.\n"
    "\n"
    "![A drawing](img.png)\n"
    "\n"
    "<div>raw html</div>\n");
  TrBlock *block;

  g_assert_cmpint (doc->type, ==, TR_BLOCK_DOCUMENT);
  g_assert_cmpuint (doc->children->len, ==, 7);

  block = child (doc, 0);
  g_assert_cmpint (block->type, ==, TR_BLOCK_HEADING);
  g_assert_cmpint (block->level, ==, 1);
  g_assert_cmpstr (run (block, 0)->text, ==, "Title");

  block = child (doc, 1);
  g_assert_cmpint (block->type, ==, TR_BLOCK_PARAGRAPH);
  g_assert_cmpuint (block->line, ==, 3);
  g_assert_cmpstr (run (block, 0)->text, ==, "Plain ");
  g_assert_cmpint (run (block, 1)->style, ==, TR_STYLE_EMPHASIS);
  g_assert_cmpstr (run (block, 1)->text, ==, "soft");
  g_assert_cmpint (run (block, 3)->style, ==, TR_STYLE_STRONG);
  g_assert_cmpint (run (block, 5)->style, ==, TR_STYLE_CODE);
  g_assert_cmpint (run (block, 7)->style, ==, TR_STYLE_LINK);
  g_assert_cmpstr (run (block, 7)->href, ==, "https://example.org");
  g_assert_cmpstr (run (block, 7)->text, ==, "a link");

  block = child (doc, 2);
  g_assert_cmpint (block->type, ==, TR_BLOCK_LIST);
  g_assert_false (block->ordered);
  g_assert_cmpuint (block->children->len, ==, 2);
  g_assert_cmpint (child (block, 0)->type, ==, TR_BLOCK_LIST_ITEM);
  g_assert_cmpstr (run (child (child (block, 1), 0), 0)->text, ==, "two");

  block = child (doc, 3);
  g_assert_true (block->ordered);
  g_assert_cmpint (block->level, ==, 3);

  block = child (doc, 4);
  g_assert_cmpint (block->type, ==, TR_BLOCK_QUOTE);

  block = child (doc, 5);
  g_assert_cmpint (block->type, ==, TR_BLOCK_CALLOUT);
  g_assert_cmpint (block->callout, ==, TR_CALLOUT_WARNING);
  g_assert_cmpstr (block->title, ==, "Mind this");
  g_assert_cmpstr (run (child (block, 0), 0)->text, ==, "Body text.");

  block = child (doc, 6);
  g_assert_cmpint (block->type, ==, TR_BLOCK_IMAGE);
  g_assert_cmpstr (block->url, ==, "img.png");
  g_assert_cmpstr (block->alt, ==, "A drawing");
}

static void
test_callout_without_title (void)
{
  g_autoptr(TrBlock) doc = tr_markdown_parse ("> [!TIP]\n> Ask, do not tell.\n");
  TrBlock *callout = child (doc, 0);

  g_assert_cmpint (callout->type, ==, TR_BLOCK_CALLOUT);
  g_assert_cmpint (callout->callout, ==, TR_CALLOUT_TIP);
  g_assert_null (callout->title);
  g_assert_cmpstr (run (child (callout, 0), 0)->text, ==, "Ask, do not tell.");
}

static void
test_refs (void)
{
  g_autoptr(GPtrArray) refs = tr_markdown_collect_refs ("Intro\n\nSee [next](lesson:two)\nand ![pic](a.png).\n");
  const TrMarkdownRef *ref;

  g_assert_cmpuint (refs->len, ==, 2);
  ref = g_ptr_array_index (refs, 0);
  g_assert_false (ref->is_image);
  g_assert_cmpstr (ref->target, ==, "lesson:two");
  g_assert_cmpuint (ref->line, ==, 3);
  g_assert_cmpuint (ref->column, ==, 12);
  ref = g_ptr_array_index (refs, 1);
  g_assert_true (ref->is_image);
  g_assert_cmpuint (ref->line, ==, 4);
}

static void
test_words (void)
{
  g_assert_cmpuint (tr_count_words ("Two words"), ==, 2);
  g_assert_cmpuint (tr_count_words ("  # Heading — with a dash\n\n- item"), ==, 5);
  g_assert_cmpuint (tr_count_words ("l’école « est » là"), ==, 3);
  g_assert_cmpuint (tr_count_words (""), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  tr_test_init (&argc, &argv);
  g_test_add_func ("/markdown/blocks", test_blocks);
  g_test_add_func ("/markdown/callout-without-title", test_callout_without_title);
  g_test_add_func ("/markdown/refs", test_refs);
  g_test_add_func ("/markdown/words", test_words);
  return g_test_run ();
}
