/* trellis-presenter.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-presenter"

#include "config.h"

#include "trellis-presenter.h"
#include "trellis-presenter-console.h"
#include "trellis-presenter-window.h"

/* How often the timer is looked at; it shows whole seconds. */
#define TICK_MS 250

struct _TrellisPresenter
{
  GObject                parent_instance;

  TrCourse              *course;
  TrLang                 lang;
  TrellisPresenterDeck  *deck;
  guint                  current;
  GSimpleActionGroup    *actions;

  /* Not references: each window holds one on the presenter, and the
   * presentation ends when either closes. */
  GtkWindow             *projector;
  GtkWindow             *console;
  GdkMonitor            *projector_monitor;
  gboolean               ended;
  guint                  tick_id;

  /* The timer of each part of the plan; the one of the current slide's
   * part runs. */
  TrellisPresenterClock  clock;
  gpointer               clock_data;
  gint64                *part_elapsed;    /* microseconds, without the running stretch */
  guint                  timer_part;
  gint64                 running_since;
  gboolean               running;
  int                    shown_elapsed;
};

G_DEFINE_FINAL_TYPE (TrellisPresenter, trellis_presenter, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CURRENT,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  TIMER_CHANGED,
  ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint64
monotonic_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static gint64
now (TrellisPresenter *self)
{
  return self->clock (self->clock_data);
}

static guint
n_parts (TrellisPresenter *self)
{
  return self->deck->parts->len;
}

static gint64
elapsed_us (TrellisPresenter *self)
{
  gint64 elapsed;

  if (n_parts (self) == 0)
    return 0;
  elapsed = self->part_elapsed[self->timer_part];
  if (self->running)
    elapsed += now (self) - self->running_since;
  return MAX (elapsed, 0);
}

/* Banks the running stretch into the current part's time. */
static void
bank_time (TrellisPresenter *self)
{
  gint64 t = now (self);

  if (self->running && n_parts (self) > 0)
    self->part_elapsed[self->timer_part] += t - self->running_since;
  self->running_since = t;
}

static void
show_timer (TrellisPresenter *self)
{
  self->shown_elapsed = trellis_presenter_get_elapsed (self);
  if (self->console != NULL)
    trellis_presenter_console_show_timer (TRELLIS_PRESENTER_CONSOLE (self->console), self->shown_elapsed,
                                          trellis_presenter_get_duration (self), self->running);
  g_signal_emit (self, signals[TIMER_CHANGED], 0);
}

static gboolean
tick_cb (gpointer user_data)
{
  TrellisPresenter *self = user_data;

  if (trellis_presenter_get_elapsed (self) != self->shown_elapsed)
    show_timer (self);
  return G_SOURCE_CONTINUE;
}

static void
update_actions (TrellisPresenter *self)
{
  guint n = trellis_presenter_deck_get_n_slides (self->deck);
  struct { const char *name; gboolean enabled; } states[] = {
    { "previous", !self->ended && self->current > 0 },
    { "first", !self->ended && self->current > 0 },
    { "next", !self->ended && self->current + 1 < n },
    { "last", !self->ended && self->current + 1 < n },
    { "go-to", !self->ended && n > 0 },
    { "toggle-timer", !self->ended && n_parts (self) > 0 },
    { "reset-timer", !self->ended && n_parts (self) > 0 },
    { "fullscreen", !self->ended && self->projector != NULL },
    { "end", !self->ended },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), states[i].name);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), states[i].enabled);
    }
}

static void
show_slide (TrellisPresenter *self)
{
  const TrellisSlide *slide = trellis_presenter_deck_get_slide (self->deck, self->current);

  if (self->projector != NULL)
    trellis_presenter_window_show_slide (TRELLIS_PRESENTER_WINDOW (self->projector), slide);
  if (self->console != NULL)
    trellis_presenter_console_show_slide (TRELLIS_PRESENTER_CONSOLE (self->console), self->deck, self->current);
  update_actions (self);
  show_timer (self);
}

void
trellis_presenter_set_current (TrellisPresenter *self,
                               guint             slide)
{
  guint n;
  const TrellisSlide *shown;

  g_return_if_fail (TRELLIS_IS_PRESENTER (self));

  n = trellis_presenter_deck_get_n_slides (self->deck);
  if (n == 0)
    return;
  slide = MIN (slide, n - 1);
  shown = trellis_presenter_deck_get_slide (self->deck, slide);
  /* Each part keeps its own time: coming back to a part goes on from
   * where its timer was. */
  if (shown->part != self->timer_part)
    {
      bank_time (self);
      self->timer_part = shown->part;
    }
  if (slide != self->current)
    {
      self->current = slide;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT]);
    }
  show_slide (self);
}

guint
trellis_presenter_get_current (TrellisPresenter *self)
{
  g_return_val_if_fail (TRELLIS_IS_PRESENTER (self), 0);
  return self->current;
}

/* The first slide of part @part of the plan. */
guint
trellis_presenter_get_part_slide (TrellisPresenter *self,
                                  guint             part)
{
  const TrellisDeckPart *deck_part;

  g_return_val_if_fail (TRELLIS_IS_PRESENTER (self), 0);

  deck_part = trellis_presenter_deck_get_part (self->deck, part);
  return deck_part != NULL ? deck_part->first_slide : 0;
}

TrellisPresenterDeck *
trellis_presenter_get_deck (TrellisPresenter *self)
{
  g_return_val_if_fail (TRELLIS_IS_PRESENTER (self), NULL);
  return self->deck;
}

/* The timer. */

/* For tests: the time the timer reads, instead of the monotonic clock. */
void
trellis_presenter_set_clock (TrellisPresenter      *self,
                             TrellisPresenterClock  clock,
                             gpointer               user_data)
{
  g_return_if_fail (TRELLIS_IS_PRESENTER (self));

  bank_time (self);
  self->clock = clock != NULL ? clock : monotonic_clock;
  self->clock_data = clock != NULL ? user_data : NULL;
  self->running_since = now (self);
  show_timer (self);
}

/* The seconds spent in the current part. */
int
trellis_presenter_get_elapsed (TrellisPresenter *self)
{
  g_return_val_if_fail (TRELLIS_IS_PRESENTER (self), 0);
  return (int) (elapsed_us (self) / G_USEC_PER_SEC);
}

/* The seconds the plan gives the current part. */
int
trellis_presenter_get_duration (TrellisPresenter *self)
{
  const TrellisDeckPart *part;

  g_return_val_if_fail (TRELLIS_IS_PRESENTER (self), 0);

  part = trellis_presenter_deck_get_part (self->deck, self->timer_part);
  return part != NULL ? part->minutes * 60 : 0;
}

gboolean
trellis_presenter_get_running (TrellisPresenter *self)
{
  g_return_val_if_fail (TRELLIS_IS_PRESENTER (self), FALSE);
  return self->running;
}

void
trellis_presenter_set_running (TrellisPresenter *self,
                               gboolean          running)
{
  g_return_if_fail (TRELLIS_IS_PRESENTER (self));

  running = !!running;
  if (running == self->running)
    return;
  bank_time (self);
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  show_timer (self);
}

void
trellis_presenter_reset_timer (TrellisPresenter *self)
{
  g_return_if_fail (TRELLIS_IS_PRESENTER (self));

  if (n_parts (self) == 0)
    return;
  self->part_elapsed[self->timer_part] = 0;
  self->running_since = now (self);
  show_timer (self);
}

/* Actions, shared by both windows. */

static void
previous_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TrellisPresenter *self = user_data;

  if (self->current > 0)
    trellis_presenter_set_current (self, self->current - 1);
}

static void
next_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TrellisPresenter *self = user_data;

  trellis_presenter_set_current (self, self->current + 1);
}

static void
first_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  trellis_presenter_set_current (user_data, 0);
}

static void
last_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  trellis_presenter_set_current (user_data, G_MAXUINT);
}

static void
go_to_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  trellis_presenter_set_current (user_data, g_variant_get_uint32 (parameter));
}

static void
toggle_timer_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TrellisPresenter *self = user_data;

  trellis_presenter_set_running (self, !self->running);
}

static void
reset_timer_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  trellis_presenter_reset_timer (user_data);
}

static void
fullscreen_projector (TrellisPresenter *self)
{
  if (self->projector_monitor != NULL)
    gtk_window_fullscreen_on_monitor (self->projector, self->projector_monitor);
  else
    gtk_window_fullscreen (self->projector);
}

static void
fullscreen_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  TrellisPresenter *self = user_data;

  if (self->projector == NULL)
    return;
  if (gtk_window_is_fullscreen (self->projector))
    gtk_window_unfullscreen (self->projector);
  else
    fullscreen_projector (self);
}

static void
end_activated (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  trellis_presenter_end (user_data);
}

static const GActionEntry actions[] = {
  { "previous", previous_activated },
  { "next", next_activated },
  { "first", first_activated },
  { "last", last_activated },
  { "go-to", go_to_activated, "u" },
  { "toggle-timer", toggle_timer_activated },
  { "reset-timer", reset_timer_activated },
  { "fullscreen", fullscreen_activated },
  { "end", end_activated },
};

/* The same keys move on in both windows. They are caught before any button:
 * a presenter's remote sends Page Up and Page Down, and space or the
 * arrows must not move the focus instead. Enter still presses a button. */
static void
add_shortcuts (GtkWidget *window)
{
  static const struct { guint keyval; GdkModifierType modifiers; const char *action; } keys[] = {
    { GDK_KEY_Right, 0, "presenter.next" },
    { GDK_KEY_Down, 0, "presenter.next" },
    { GDK_KEY_Page_Down, 0, "presenter.next" },
    { GDK_KEY_space, 0, "presenter.next" },
    { GDK_KEY_Left, 0, "presenter.previous" },
    { GDK_KEY_Up, 0, "presenter.previous" },
    { GDK_KEY_Page_Up, 0, "presenter.previous" },
    { GDK_KEY_BackSpace, 0, "presenter.previous" },
    { GDK_KEY_Home, 0, "presenter.first" },
    { GDK_KEY_End, 0, "presenter.last" },
    { GDK_KEY_F5, 0, "presenter.fullscreen" },
    { GDK_KEY_F11, 0, "presenter.fullscreen" },
    { GDK_KEY_w, GDK_CONTROL_MASK, "presenter.end" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_name (controller, "presenter-keys");
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].keyval, keys[i].modifiers),
                                                            gtk_named_action_new (keys[i].action)));
  gtk_widget_add_controller (window, controller);
}

/* Windows. */

static gboolean
close_request_cb (GtkWindow        *window,
                  TrellisPresenter *self)
{
  trellis_presenter_end (self);
  return FALSE;
}

static GtkWindow *
adopt_window (TrellisPresenter *self,
              GtkWidget        *window,
              GtkApplication   *application)
{
  if (application != NULL)
    gtk_window_set_application (GTK_WINDOW (window), application);
  gtk_widget_insert_action_group (window, "presenter", G_ACTION_GROUP (self->actions));
  add_shortcuts (window);
  g_object_set_data_full (G_OBJECT (window), "trellis-presenter", g_object_ref (self), g_object_unref);
  g_signal_connect (window, "close-request", G_CALLBACK (close_request_cb), self);
  return GTK_WINDOW (window);
}

/* With two monitors or more, the projector goes full screen on one the
 * console is not on; with one, it goes full screen there, over the
 * console, and Escape or F5 brings the console back. */
static GdkMonitor *
choose_projector_monitor (TrellisPresenter *self)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self->console));
  GListModel *monitors = gdk_display_get_monitors (display);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self->console));
  GdkMonitor *console_monitor = surface != NULL ? gdk_display_get_monitor_at_surface (display, surface) : NULL;
  guint n = g_list_model_get_n_items (monitors);

  if (n < 2)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);

      if (monitor != console_monitor)
        return monitor;
    }
  return NULL;
}

/* Opens the console and the projector window, at the current slide. */
void
trellis_presenter_show (TrellisPresenter *self,
                        GtkApplication   *application)
{
  g_return_if_fail (TRELLIS_IS_PRESENTER (self));
  g_return_if_fail (application == NULL || GTK_IS_APPLICATION (application));
  g_return_if_fail (self->console == NULL && !self->ended);

  self->console = adopt_window (self, trellis_presenter_console_new (), application);
  self->projector = adopt_window (self, trellis_presenter_window_new (), application);
  gtk_window_set_title (self->projector, tr_text_get (tr_course_get_title (self->course), self->lang));

  gtk_window_present (self->console);
  self->projector_monitor = choose_projector_monitor (self);
  fullscreen_projector (self);
  gtk_window_present (self->projector);
  /* The trainer drives from the console; the keys work in both. */
  gtk_window_present (self->console);

  self->running_since = now (self);
  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
  show_slide (self);
}

/* Opens a presentation of @course's session plan at @slide; the windows
 * own it, and it lasts until either closes. */
TrellisPresenter *
trellis_presenter_open (GtkApplication *application,
                        TrCourse       *course,
                        TrLang          lang,
                        guint           slide)
{
  g_autoptr(TrellisPresenter) self = NULL;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (TR_IS_COURSE (course), NULL);

  self = trellis_presenter_new (course, lang);
  trellis_presenter_set_current (self, slide);
  trellis_presenter_show (self, application);
  /* The windows hold it from here on. */
  return self;
}

void
trellis_presenter_end (TrellisPresenter *self)
{
  g_autoptr(TrellisPresenter) hold = NULL;
  GtkWindow *projector, *console;

  g_return_if_fail (TRELLIS_IS_PRESENTER (self));

  if (self->ended)
    return;
  hold = g_object_ref (self);
  self->ended = TRUE;
  bank_time (self);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  projector = g_steal_pointer (&self->projector);
  console = g_steal_pointer (&self->console);
  self->projector_monitor = NULL;
  update_actions (self);
  if (projector != NULL)
    gtk_window_destroy (projector);
  if (console != NULL)
    gtk_window_destroy (console);
  g_signal_emit (self, signals[ENDED], 0);
}

gboolean
trellis_presenter_get_ended (TrellisPresenter *self)
{
  g_return_val_if_fail (TRELLIS_IS_PRESENTER (self), TRUE);
  return self->ended;
}

GtkWindow *
trellis_presenter_get_projector (TrellisPresenter *self)
{
  g_return_val_if_fail (TRELLIS_IS_PRESENTER (self), NULL);
  return self->projector;
}

GtkWindow *
trellis_presenter_get_console (TrellisPresenter *self)
{
  g_return_val_if_fail (TRELLIS_IS_PRESENTER (self), NULL);
  return self->console;
}

TrellisPresenter *
trellis_presenter_new (TrCourse *course,
                       TrLang    lang)
{
  TrellisPresenter *self;

  g_return_val_if_fail (TR_IS_COURSE (course), NULL);
  g_return_val_if_fail (lang < TR_N_LANGS, NULL);

  self = g_object_new (TRELLIS_TYPE_PRESENTER, NULL);
  self->course = g_object_ref (course);
  self->lang = lang;
  self->deck = trellis_presenter_deck_new (course, lang);
  self->part_elapsed = g_new0 (gint64, MAX (n_parts (self), 1));
  self->running_since = now (self);
  update_actions (self);
  return self;
}

static void
trellis_presenter_dispose (GObject *object)
{
  TrellisPresenter *self = TRELLIS_PRESENTER (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->course);

  G_OBJECT_CLASS (trellis_presenter_parent_class)->dispose (object);
}

static void
trellis_presenter_finalize (GObject *object)
{
  TrellisPresenter *self = TRELLIS_PRESENTER (object);

  g_clear_pointer (&self->deck, trellis_presenter_deck_free);
  g_clear_object (&self->actions);
  g_free (self->part_elapsed);

  G_OBJECT_CLASS (trellis_presenter_parent_class)->finalize (object);
}

static void
trellis_presenter_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TrellisPresenter *self = TRELLIS_PRESENTER (object);

  switch (prop_id)
    {
    case PROP_CURRENT:
      g_value_set_uint (value, self->current);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
trellis_presenter_class_init (TrellisPresenterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = trellis_presenter_dispose;
  object_class->finalize = trellis_presenter_finalize;
  object_class->get_property = trellis_presenter_get_property;

  properties[PROP_CURRENT] =
    g_param_spec_uint ("current", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TIMER_CHANGED] =
    g_signal_new ("timer-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ENDED] =
    g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
trellis_presenter_init (TrellisPresenter *self)
{
  self->clock = monotonic_clock;
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), actions, G_N_ELEMENTS (actions), self);
}
