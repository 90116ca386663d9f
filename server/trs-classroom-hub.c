/* trs-classroom-hub.c: the live views of classroom sessions, over WebSockets
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include "trs-classroom-hub.h"

/* Changes within this time go out as one message. */
#define PUBLISH_DELAY_MS  50
/* Pings find sockets whose other end went away without a word. */
#define KEEPALIVE_SECONDS 20
/* Sockets open at once, over all sessions: each costs a connection. */
#define MAX_SOCKETS       4096

typedef struct _Room Room;

typedef struct
{
  Room                    *room;
  SoupWebsocketConnection *connection;
  gulong                   closed_id;
  /* What the viewer's role was when they connected; enough to decide what
   * they may see (trs_classroom_viewer()). */
  TrsAccount               viewer;
} Socket;

struct _Room
{
  TrsClassroomHub *hub;
  char            *id;
  GPtrArray       *sockets;       /* Socket* */
  GArray          *participants;  /* gint64 account ids, as last read */
  guint            publish_source;
};

struct _TrsClassroomHub
{
  GMainContext  *context;         /* where the hub runs */
  TrsHubRefresh  refresh;
  gpointer       user_data;
  GHashTable    *rooms;           /* id → Room* */
  guint          n_sockets;
};

static void
socket_free (gpointer data)
{
  Socket *socket = data;

  g_signal_handler_disconnect (socket->connection, socket->closed_id);
  if (soup_websocket_connection_get_state (socket->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (socket->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_object_unref (socket->connection);
  g_free (socket->viewer.role);
  socket->room->hub->n_sockets--;
  g_free (socket);
}

static void
room_free (gpointer data)
{
  Room *room = data;

  g_clear_handle_id (&room->publish_source, g_source_remove);
  g_ptr_array_unref (room->sockets);
  g_array_unref (room->participants);
  g_free (room->id);
  g_free (room);
}

TrsClassroomHub *
trs_classroom_hub_new (TrsHubRefresh refresh,
                       gpointer      user_data)
{
  TrsClassroomHub *self = g_new0 (TrsClassroomHub, 1);

  self->context = g_main_context_ref_thread_default ();
  self->refresh = refresh;
  self->user_data = user_data;
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, room_free);
  return self;
}

void
trs_classroom_hub_free (TrsClassroomHub *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->rooms);
  g_main_context_unref (self->context);
  g_free (self);
}

static void
set_participants (Room               *room,
                  const TrsClassroom *classroom)
{
  g_array_set_size (room->participants, 0);
  for (guint i = 0; i < classroom->participants->len; i++)
    {
      const TrsParticipant *participant = g_ptr_array_index (classroom->participants, i);

      g_array_append_val (room->participants, participant->account_id);
    }
}

static void
socket_closed_cb (SoupWebsocketConnection *connection,
                  gpointer                 user_data)
{
  Socket *socket = user_data;
  Room *room = socket->room;

  g_ptr_array_remove (room->sockets, socket);
  if (room->sockets->len == 0)
    g_hash_table_remove (room->hub->rooms, room->id);
}

/* Takes a reference to @connection and sends it @first_message. FALSE when
 * the hub is full. */
static gboolean
hub_add (TrsClassroomHub         *self,
         const TrsClassroom      *classroom,
         const TrsAccount        *viewer,
         SoupWebsocketConnection *connection,
         const char              *first_message)
{
  Room *room;
  Socket *socket;

  if (self->n_sockets >= MAX_SOCKETS)
    return FALSE;
  room = g_hash_table_lookup (self->rooms, classroom->id);
  if (room == NULL)
    {
      room = g_new0 (Room, 1);
      room->hub = self;
      room->id = g_strdup (classroom->id);
      room->sockets = g_ptr_array_new_with_free_func (socket_free);
      room->participants = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->rooms, room->id, room);
    }
  set_participants (room, classroom);

  socket = g_new0 (Socket, 1);
  socket->room = room;
  socket->connection = g_object_ref (connection);
  socket->viewer.id = viewer->id;
  socket->viewer.institute_id = viewer->institute_id;
  socket->viewer.role = g_strdup (viewer->role);
  socket->closed_id = g_signal_connect (connection, "closed", G_CALLBACK (socket_closed_cb), socket);
  g_ptr_array_add (room->sockets, socket);
  self->n_sockets++;

  soup_websocket_connection_set_keepalive_interval (connection, KEEPALIVE_SECONDS);
  soup_websocket_connection_send_text (connection, first_message);
  return TRUE;
}

typedef struct
{
  TrsClassroomHub *hub;
  TrsClassroom    *classroom;
  TrsAccount       viewer;
  GIOStream       *stream;
  GUri            *uri;
  char            *first_message;
} Adoption;

static void
adoption_free (gpointer data)
{
  Adoption *adoption = data;

  trs_classroom_free (adoption->classroom);
  g_free (adoption->viewer.role);
  g_object_unref (adoption->stream);
  g_uri_unref (adoption->uri);
  g_free (adoption->first_message);
  g_free (adoption);
}

static gboolean
adopt_cb (gpointer data)
{
  Adoption *adoption = data;
  /* Made here, so that the socket's sources are on the hub's context. */
  g_autoptr(SoupWebsocketConnection) connection =
    soup_websocket_connection_new (adoption->stream, adoption->uri, SOUP_WEBSOCKET_CONNECTION_SERVER,
                                   NULL, NULL, NULL);

  if (!hub_add (adoption->hub, adoption->classroom, &adoption->viewer, connection, adoption->first_message))
    soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR, "too many live views");
  return G_SOURCE_REMOVE;
}

/* Watches @classroom (taken) for @viewer over @stream, the connection of a
 * WebSocket handshake that succeeded on any thread, starting with
 * @first_message; closes it when the hub is full. */
void
trs_classroom_hub_adopt (TrsClassroomHub    *self,
                         TrsClassroom       *classroom,
                         const TrsAccount   *viewer,
                         GIOStream          *stream,
                         GUri               *uri,
                         const char         *first_message)
{
  Adoption *adoption = g_new0 (Adoption, 1);

  adoption->hub = self;
  adoption->classroom = classroom;
  adoption->viewer.id = viewer->id;
  adoption->viewer.institute_id = viewer->institute_id;
  adoption->viewer.role = g_strdup (viewer->role);
  adoption->stream = g_object_ref (stream);
  adoption->uri = g_uri_ref (uri);
  adoption->first_message = g_strdup (first_message);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, adopt_cb, adoption, adoption_free);
}

static gboolean
publish_cb (gpointer user_data)
{
  Room *room = user_data;

  room->publish_source = 0;
  room->hub->refresh (room->id, room->hub->user_data);
  return G_SOURCE_REMOVE;
}

static void
room_changed (Room *room)
{
  GSource *source;

  if (room->publish_source != 0)
    return;
  source = g_timeout_source_new (PUBLISH_DELAY_MS);
  g_source_set_callback (source, publish_cb, room, NULL);
  room->publish_source = g_source_attach (source, room->hub->context);
  g_source_unref (source);
}

/* A change, carried to the hub's context. */
typedef struct
{
  TrsClassroomHub *hub;
  char            *classroom_id;   /* or NULL, and: */
  gint64           account_id;
} Change;

static void
change_free (gpointer data)
{
  Change *change = data;

  g_free (change->classroom_id);
  g_free (change);
}

static gboolean
change_cb (gpointer data)
{
  Change *change = data;
  GHashTableIter iter;
  Room *room;

  if (change->classroom_id != NULL)
    {
      room = g_hash_table_lookup (change->hub->rooms, change->classroom_id);
      if (room != NULL)
        room_changed (room);
      return G_SOURCE_REMOVE;
    }
  g_hash_table_iter_init (&iter, change->hub->rooms);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &room))
    for (guint i = 0; i < room->participants->len; i++)
      if (g_array_index (room->participants, gint64, i) == change->account_id)
        {
          room_changed (room);
          break;
        }
  return G_SOURCE_REMOVE;
}

static void
hub_change (TrsClassroomHub *self,
            const char      *classroom_id,
            gint64           account_id)
{
  Change *change = g_new0 (Change, 1);

  change->hub = self;
  change->classroom_id = g_strdup (classroom_id);
  change->account_id = account_id;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, change_cb, change, change_free);
}

/* Something of the session changed: its watchers get it shortly. */
void
trs_classroom_hub_changed (TrsClassroomHub *self,
                           const char      *classroom_id)
{
  g_return_if_fail (classroom_id != NULL);

  hub_change (self, classroom_id, 0);
}

/* The account stored events or reported presence: the sessions it takes
 * part in show where it is now. */
void
trs_classroom_hub_account_changed (TrsClassroomHub *self,
                                   gint64           account_id)
{
  hub_change (self, NULL, account_id);
}

/* Sends each watcher of @classroom what it may see; after the end of the
 * session, closes the sockets. */
void
trs_classroom_hub_publish (TrsClassroomHub    *self,
                           const TrsClassroom *classroom,
                           TrsHubRender        render,
                           gpointer            user_data)
{
  Room *room = g_hash_table_lookup (self->rooms, classroom->id);
  g_autoptr(GPtrArray) sockets = NULL;

  if (room == NULL)
    return;
  set_participants (room, classroom);
  /* Closing a socket removes it from the room, and maybe the room. */
  sockets = g_ptr_array_copy (room->sockets, NULL, NULL);
  /* The copy would free the sockets it holds otherwise. */
  g_ptr_array_set_free_func (sockets, NULL);
  for (guint i = 0; i < sockets->len; i++)
    {
      Socket *socket = g_ptr_array_index (sockets, i);
      g_autofree char *text = render (classroom, &socket->viewer, user_data);

      if (soup_websocket_connection_get_state (socket->connection) != SOUP_WEBSOCKET_STATE_OPEN)
        continue;
      if (text != NULL)
        soup_websocket_connection_send_text (socket->connection, text);
      if (text == NULL || classroom->ended != 0)
        soup_websocket_connection_close (socket->connection, SOUP_WEBSOCKET_CLOSE_NORMAL,
                                         text == NULL ? "no longer allowed" : "the session has ended");
    }
}

guint
trs_classroom_hub_get_n_sockets (TrsClassroomHub *self)
{
  return self->n_sockets;
}
