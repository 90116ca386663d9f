/* trellis-presenter.h: a classroom presentation of a course's session plan,
 * on a projector window and the trainer's console
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tr-course.h"
#include "trellis-presenter-deck.h"

G_BEGIN_DECLS

#define TRELLIS_TYPE_PRESENTER (trellis_presenter_get_type ())

G_DECLARE_FINAL_TYPE (TrellisPresenter, trellis_presenter, TRELLIS, PRESENTER, GObject)

/* A monotonic time in microseconds, as g_get_monotonic_time () gives. */
typedef gint64 (*TrellisPresenterClock) (gpointer user_data);

TrellisPresenter     *trellis_presenter_new               (TrCourse              *course,
                                                           TrLang                 lang);
TrellisPresenter     *trellis_presenter_open              (GtkApplication        *application,
                                                           TrCourse              *course,
                                                           TrLang                 lang,
                                                           guint                  slide);
void                  trellis_presenter_show              (TrellisPresenter      *self,
                                                           GtkApplication        *application);
void                  trellis_presenter_end               (TrellisPresenter      *self);
gboolean              trellis_presenter_get_ended         (TrellisPresenter      *self);

TrellisPresenterDeck *trellis_presenter_get_deck          (TrellisPresenter      *self);
guint                 trellis_presenter_get_current       (TrellisPresenter      *self);
void                  trellis_presenter_set_current       (TrellisPresenter      *self,
                                                           guint                  slide);
guint                 trellis_presenter_get_part_slide    (TrellisPresenter      *self,
                                                           guint                  part);
GtkWindow            *trellis_presenter_get_projector     (TrellisPresenter      *self);
GtkWindow            *trellis_presenter_get_console       (TrellisPresenter      *self);

void                  trellis_presenter_set_clock         (TrellisPresenter      *self,
                                                           TrellisPresenterClock  clock,
                                                           gpointer               user_data);
int                   trellis_presenter_get_elapsed       (TrellisPresenter      *self);
int                   trellis_presenter_get_duration      (TrellisPresenter      *self);
gboolean              trellis_presenter_get_running       (TrellisPresenter      *self);
void                  trellis_presenter_set_running       (TrellisPresenter      *self,
                                                           gboolean               running);
void                  trellis_presenter_reset_timer       (TrellisPresenter      *self);

/* Properties: "current" (guint, notifies), "running" (gboolean, notifies).
 * Signals: "timer-changed" when the time shown changes (each second while
 * running), "ended" once, when the presentation ends.
 *
 * Actions, in the group "presenter" of both windows: "previous", "next",
 * "first", "last", "go-to" (u), "toggle-timer", "reset-timer",
 * "fullscreen" (the projector's, toggled) and "end". */

G_END_DECLS
