/* trellis-presenter-deck.h: the slides a trainer shows, built from a course's guide
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tr-course.h"

G_BEGIN_DECLS

typedef enum
{
  TRELLIS_SLIDE_PART,        /* a plan part that uses no lesson or scenario */
  TRELLIS_SLIDE_LESSON,      /* a lesson's title and key points */
  TRELLIS_SLIDE_SCENARIO,    /* a scenario's title and summary, before its decisions */
  TRELLIS_SLIDE_DECISION,    /* one decision point: its situation and the choices */
  TRELLIS_SLIDE_DISCUSSION,  /* discussion questions */
} TrellisSlideKind;

typedef struct
{
  TrellisSlideKind  kind;
  guint             part;       /* index in the guide's plan */
  char             *eyebrow;    /* a short line above the title, such as "Decision 2 of 5" */
  char             *title;      /* plain text */
  char             *body;       /* Markdown, or NULL */
  GPtrArray        *points;     /* char*, Markdown; key points, choice labels or questions */
  gboolean          numbered;   /* points are numbered, as choices and questions are */
} TrellisSlide;

/* What the trainer needs to know during one part of the session plan. */
typedef struct
{
  guint      first_slide;
  guint      n_slides;
  int        start;             /* minutes from the session's start */
  int        minutes;
  char      *title;             /* plain text */
  char      *activity;          /* Markdown, or NULL */
  GPtrArray *questions;         /* char*, Markdown: the discussion questions shown in this part */
} TrellisDeckPart;

typedef struct
{
  GPtrArray *slides;            /* TrellisSlide* */
  GPtrArray *parts;             /* TrellisDeckPart*, one per plan part */
  char      *sensitive_reactions;  /* Markdown, or NULL */
} TrellisPresenterDeck;

TrellisPresenterDeck *trellis_presenter_deck_new        (TrCourse             *course,
                                                         TrLang                lang);
void                  trellis_presenter_deck_free       (TrellisPresenterDeck *deck);
guint                 trellis_presenter_deck_get_n_slides (TrellisPresenterDeck *deck);
const TrellisSlide   *trellis_presenter_deck_get_slide  (TrellisPresenterDeck *deck,
                                                         guint                 index);
const TrellisDeckPart *trellis_presenter_deck_get_part  (TrellisPresenterDeck *deck,
                                                         guint                 part);
char                 *trellis_slide_get_points_markdown (const TrellisSlide   *slide);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrellisPresenterDeck, trellis_presenter_deck_free)

G_END_DECLS
