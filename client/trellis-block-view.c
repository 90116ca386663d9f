/* trellis-block-view.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-block-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tr-markdown.h"
#include <string.h>

#include "trellis-block-view.h"

struct _TrellisBlockView
{
  GtkWidget  parent_instance;

  TrBlock   *document;
  char      *base_dir;
};

G_DEFINE_FINAL_TYPE (TrellisBlockView, trellis_block_view, GTK_TYPE_WIDGET)

enum {
  ACTIVATE_LINK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void append_blocks (TrellisBlockView *self,
                           GPtrArray        *blocks,
                           GtkWidget        *box);

static gboolean
is_external_uri (const char *uri)
{
  g_autofree char *scheme = g_uri_parse_scheme (uri);

  return scheme != NULL &&
         (g_ascii_strcasecmp (scheme, "http") == 0 ||
          g_ascii_strcasecmp (scheme, "https") == 0 ||
          g_ascii_strcasecmp (scheme, "mailto") == 0);
}

static gboolean
label_activate_link_cb (GtkLabel         *label,
                        const char       *uri,
                        TrellisBlockView *self)
{
  gboolean handled = FALSE;

  g_signal_emit (self, signals[ACTIVATE_LINK], 0, uri, &handled);
  if (!handled && is_external_uri (uri))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
    }

  /* Always handled: GTK's own handler would try to open lesson: and other
   * links that only the page understands. */
  return TRUE;
}

static char *
inlines_to_markup (GPtrArray *inlines)
{
  GString *markup = g_string_new (NULL);

  for (guint i = 0; i < inlines->len; i++)
    {
      const TrInline *run = g_ptr_array_index (inlines, i);
      g_autofree char *text = g_markup_escape_text (run->text, -1);

      if ((run->style & TR_STYLE_LINK) && run->href != NULL)
        {
          g_autofree char *href = g_markup_escape_text (run->href, -1);

          g_string_append_printf (markup, "<a href=\"%s\">", href);
        }
      if (run->style & TR_STYLE_STRONG)
        g_string_append (markup, "<b>");
      if (run->style & TR_STYLE_EMPHASIS)
        g_string_append (markup, "<i>");
      if (run->style & TR_STYLE_CODE)
        g_string_append (markup, "<tt>");
      g_string_append (markup, text);
      if (run->style & TR_STYLE_CODE)
        g_string_append (markup, "</tt>");
      if (run->style & TR_STYLE_EMPHASIS)
        g_string_append (markup, "</i>");
      if (run->style & TR_STYLE_STRONG)
        g_string_append (markup, "</b>");
      if ((run->style & TR_STYLE_LINK) && run->href != NULL)
        g_string_append (markup, "</a>");
    }

  return g_string_free (markup, FALSE);
}

static GtkWidget *
text_label_new (TrellisBlockView  *self,
                const TrBlock     *block,
                GtkAccessibleRole  role)
{
  g_autofree char *markup = inlines_to_markup (block->inlines);
  GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                   "accessible-role", role,
                                   "wrap", TRUE,
                                   "wrap-mode", PANGO_WRAP_WORD_CHAR,
                                   "xalign", 0.0f,
                                   "selectable", TRUE,
                                   NULL);

  gtk_label_set_markup (GTK_LABEL (label), markup);
  /* Text can be selected with the pointer, but Tab stops only where there is
   * a link to follow: a keyboard user should not tab through every paragraph,
   * and a focused selectable label selects all its text. */
  gtk_widget_set_focusable (label, strstr (markup, "<a ") != NULL);
  g_signal_connect_object (label, "activate-link", G_CALLBACK (label_activate_link_cb), self, 0);
  return label;
}

static GtkWidget *
heading_new (TrellisBlockView *self,
             const TrBlock    *block)
{
  static const char * const classes[] = { "title-1", "title-2", "title-3", "title-4" };
  GtkWidget *label = text_label_new (self, block, GTK_ACCESSIBLE_ROLE_HEADING);
  int level = CLAMP (block->level, 1, 6);

  gtk_widget_add_css_class (label,
                            level <= (int) G_N_ELEMENTS (classes) ? classes[level - 1] : "heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LEVEL, level,
                                  -1);
  return label;
}

static GtkWidget *
box_new (GtkOrientation     orientation,
         int                spacing,
         GtkAccessibleRole  role)
{
  return g_object_new (GTK_TYPE_BOX,
                       "accessible-role", role,
                       "orientation", orientation,
                       "spacing", spacing,
                       NULL);
}

static GtkWidget *
vertical_box_new (int spacing)
{
  return gtk_box_new (GTK_ORIENTATION_VERTICAL, spacing);
}

static GtkWidget *
list_new (TrellisBlockView *self,
          const TrBlock    *block)
{
  GtkWidget *list = box_new (GTK_ORIENTATION_VERTICAL, 6, GTK_ACCESSIBLE_ROLE_LIST);
  int number = block->ordered ? block->level : 0;

  for (guint i = 0; i < block->children->len; i++)
    {
      TrBlock *item = g_ptr_array_index (block->children, i);
      g_autofree char *marker_text = NULL;
      GtkWidget *row = box_new (GTK_ORIENTATION_HORIZONTAL, 6, GTK_ACCESSIBLE_ROLE_LIST_ITEM);
      GtkWidget *marker;
      GtkWidget *content = vertical_box_new (6);

      if (block->ordered)
        marker_text = g_strdup_printf ("%d.", number++);
      else
        marker_text = g_strdup ("•");
      marker = gtk_label_new (marker_text);
      gtk_widget_set_valign (marker, GTK_ALIGN_START);
      gtk_label_set_xalign (GTK_LABEL (marker), 1.0f);
      gtk_widget_set_size_request (marker, 24, -1);
      gtk_widget_set_hexpand (content, TRUE);

      gtk_box_append (GTK_BOX (row), marker);
      gtk_box_append (GTK_BOX (row), content);
      append_blocks (self, item->children, content);
      gtk_box_append (GTK_BOX (list), row);
    }

  return list;
}

static GtkWidget *
quote_new (TrellisBlockView *self,
           const TrBlock    *block)
{
  GtkWidget *box = vertical_box_new (12);

  gtk_widget_add_css_class (box, "quote");
  append_blocks (self, block->children, box);
  return box;
}

static GtkWidget *
callout_new (TrellisBlockView *self,
             const TrBlock    *block)
{
  static const struct {
    const char *icon;
    const char *css_class;
    const char *name;
  } kinds[] = {
    [TR_CALLOUT_NOTE] = { "dialog-information-symbolic", "callout-note", N_("Note") },
    [TR_CALLOUT_TIP] = { "starred-symbolic", "callout-tip", N_("Tip") },
    [TR_CALLOUT_WARNING] = { "dialog-warning-symbolic", "callout-warning", N_("Warning") },
    [TR_CALLOUT_IMPORTANT] = { "emblem-important-symbolic", "callout-important", N_("Important") },
  };
  guint kind = (guint) block->callout < G_N_ELEMENTS (kinds) ? (guint) block->callout
                                                             : TR_CALLOUT_NOTE;
  GtkWidget *callout = box_new (GTK_ORIENTATION_HORIZONTAL, 12, GTK_ACCESSIBLE_ROLE_GROUP);
  GtkWidget *icon = gtk_image_new_from_icon_name (kinds[kind].icon);
  GtkWidget *body = vertical_box_new (6);

  gtk_widget_add_css_class (callout, "card");
  gtk_widget_add_css_class (callout, "callout");
  gtk_widget_add_css_class (callout, kinds[kind].css_class);
  gtk_accessible_update_property (GTK_ACCESSIBLE (callout), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  block->title != NULL ? block->title : _(kinds[kind].name), -1);

  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (icon, _(kinds[kind].name));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(kinds[kind].name), -1);
  gtk_box_append (GTK_BOX (callout), icon);

  gtk_widget_set_hexpand (body, TRUE);
  if (block->title != NULL)
    {
      GtkWidget *title = g_object_new (GTK_TYPE_LABEL,
                                       "label", block->title,
                                       "wrap", TRUE,
                                       "wrap-mode", PANGO_WRAP_WORD_CHAR,
                                       "xalign", 0.0f,
                                       "selectable", TRUE,
                                       "focusable", FALSE,
                                       NULL);

      gtk_widget_add_css_class (title, "heading");
      gtk_box_append (GTK_BOX (body), title);
    }
  append_blocks (self, block->children, body);
  gtk_box_append (GTK_BOX (callout), body);

  return callout;
}

static GtkWidget *
image_new (TrellisBlockView *self,
           const TrBlock    *block)
{
  const char *alt = block->alt != NULL ? block->alt : "";
  g_autofree char *scheme = block->url != NULL ? g_uri_parse_scheme (block->url) : NULL;
  g_autofree char *path = NULL;
  GtkWidget *missing;

  /* Only files of the course are shown: a lesson must work offline. */
  if (block->url != NULL && scheme == NULL)
    {
      g_autofree char *base = NULL;

      if (self->base_dir != NULL)
        base = g_canonicalize_filename (self->base_dir, NULL);
      path = g_canonicalize_filename (block->url, base);
    }

  if (path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      GtkWidget *picture = gtk_picture_new_for_filename (path);
      GdkPaintable *paintable = gtk_picture_get_paintable (GTK_PICTURE (picture));
      GtkWidget *clamp = adw_clamp_new ();
      int width = paintable != NULL ? gdk_paintable_get_intrinsic_width (paintable) : 0;

      /* A picture is measured for the whole width it is offered and would be
       * blown up to it; the clamp offers it no more than its own width. */
      if (width > 0)
        {
          adw_clamp_set_maximum_size (ADW_CLAMP (clamp), width);
          adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), width);
        }
      adw_clamp_set_child (ADW_CLAMP (clamp), picture);

      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
      gtk_picture_set_alternative_text (GTK_PICTURE (picture), alt);
      if (*alt != '\0')
        {
          gtk_widget_set_tooltip_text (picture, alt);
          gtk_accessible_update_property (GTK_ACCESSIBLE (picture),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, alt,
                                          -1);
        }
      return clamp;
    }

  missing = g_object_new (GTK_TYPE_LABEL,
                          "label", *alt != '\0' ? alt : _("Image not available"),
                          "wrap", TRUE,
                          "wrap-mode", PANGO_WRAP_WORD_CHAR,
                          "xalign", 0.0f,
                          "selectable", TRUE,
                          "focusable", FALSE,
                          NULL);
  gtk_widget_add_css_class (missing, "dim-label");
  return missing;
}

static GtkWidget *
code_new (const TrBlock *block)
{
  g_autofree char *text = g_strdup (block->literal != NULL ? block->literal : "");
  GtkWidget *label;

  g_strchomp (text);
  label = g_object_new (GTK_TYPE_LABEL,
                        "label", text,
                        "wrap", TRUE,
                        "wrap-mode", PANGO_WRAP_WORD_CHAR,
                        "xalign", 0.0f,
                        "selectable", TRUE,
                        "focusable", FALSE,
                        NULL);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "code-block");
  return label;
}

static GtkWidget *
block_widget_new (TrellisBlockView *self,
                  const TrBlock    *block)
{
  switch (block->type)
    {
    case TR_BLOCK_HEADING:
      return heading_new (self, block);
    case TR_BLOCK_PARAGRAPH:
      return text_label_new (self, block, GTK_ACCESSIBLE_ROLE_LABEL);
    case TR_BLOCK_LIST:
      return list_new (self, block);
    case TR_BLOCK_QUOTE:
      return quote_new (self, block);
    case TR_BLOCK_CALLOUT:
      return callout_new (self, block);
    case TR_BLOCK_IMAGE:
      return image_new (self, block);
    case TR_BLOCK_CODE:
      return code_new (block);
    case TR_BLOCK_RULE:
      return gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);
    case TR_BLOCK_LIST_ITEM:
    case TR_BLOCK_DOCUMENT:
      {
        /* Not expected at this level, but keep whatever they hold. */
        GtkWidget *box = vertical_box_new (12);

        append_blocks (self, block->children, box);
        return box;
      }
    default:
      return NULL;
    }
}

/* Into a GtkBox, or into the view itself when box is NULL. */
static void
append_blocks (TrellisBlockView *self,
               GPtrArray        *blocks,
               GtkWidget        *box)
{
  for (guint i = 0; i < blocks->len; i++)
    {
      GtkWidget *child = block_widget_new (self, g_ptr_array_index (blocks, i));

      if (child == NULL)
        continue;
      if (box != NULL)
        gtk_box_append (GTK_BOX (box), child);
      else
        gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
    }
}

static void
remove_children (TrellisBlockView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
}

GtkWidget *
trellis_block_view_new (void)
{
  return g_object_new (TRELLIS_TYPE_BLOCK_VIEW, NULL);
}

/* base_dir: the folder that relative image paths start from, usually that of
 * the Markdown file; NULL for the current directory. */
void
trellis_block_view_set_markdown (TrellisBlockView *self,
                                 const char       *markdown,
                                 const char       *base_dir)
{
  g_return_if_fail (TRELLIS_IS_BLOCK_VIEW (self));

  remove_children (self);
  g_clear_pointer (&self->document, tr_block_free);
  g_free (self->base_dir);
  self->base_dir = g_strdup (base_dir);

  if (markdown == NULL)
    return;

  self->document = tr_markdown_parse (markdown);
  append_blocks (self, self->document->children, NULL);
}

char *
trellis_block_view_get_text (TrellisBlockView *self)
{
  g_return_val_if_fail (TRELLIS_IS_BLOCK_VIEW (self), NULL);

  if (self->document == NULL)
    return g_strdup ("");
  return tr_block_get_plain_text (self->document);
}

static void
trellis_block_view_dispose (GObject *object)
{
  TrellisBlockView *self = TRELLIS_BLOCK_VIEW (object);

  remove_children (self);

  G_OBJECT_CLASS (trellis_block_view_parent_class)->dispose (object);
}

static void
trellis_block_view_finalize (GObject *object)
{
  TrellisBlockView *self = TRELLIS_BLOCK_VIEW (object);

  g_clear_pointer (&self->document, tr_block_free);
  g_free (self->base_dir);

  G_OBJECT_CLASS (trellis_block_view_parent_class)->finalize (object);
}

/* GTK 4.8 caches the request mode of a widget that was empty when first
 * measured, and then cuts short wrapped text put in later; a view of text
 * always trades height for width. */
static GtkSizeRequestMode
trellis_block_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
trellis_block_view_class_init (TrellisBlockViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = trellis_block_view_dispose;
  object_class->finalize = trellis_block_view_finalize;
  widget_class->get_request_mode = trellis_block_view_get_request_mode;

  /**
   * TrellisBlockView::activate-link:
   * @uri: the link's target, as written in the Markdown
   *
   * Emitted when the reader follows a link. Return %TRUE to handle it;
   * otherwise http(s) and mailto links open in the browser and others
   * are ignored.
   */
  signals[ACTIVATE_LINK] =
    g_signal_new ("activate-link",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  g_signal_accumulator_true_handled, NULL,
                  NULL,
                  G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "blockview");
}

static void
trellis_block_view_init (TrellisBlockView *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 12);
}
