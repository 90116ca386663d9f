/* fuzz-events.c: the body of POST /api/v1/events
 *
 * The input is a request body, read as the server reads it (trs-body.c: the
 * size, UTF-8 and nesting checks, json-glib, then tr_event_from_json() for
 * each element). Every event that passes must also survive what the server
 * does next — written out as JSON text for GET /api/v1/events, and read
 * back by the client — unchanged; otherwise the harness aborts.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-fuzz"

#include <stdlib.h>

#include "tr-event.h"

#include "trs-body.h"

#include "fuzz-harness.h"

/* What GET /api/v1/events sends and the client reads must be the event
 * that was accepted. */
static void
check_round_trip (const TrEvent *event)
{
  g_autoptr(JsonNode) node = tr_event_to_json (event);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TrEvent) again = NULL;
  g_autoptr(JsonNode) node_again = NULL;

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("an accepted event is not JSON once written out (%s): %s", error->message, text);
  again = tr_event_from_json (json_parser_get_root (parser), &error);
  if (again == NULL)
    g_error ("an accepted event does not read back (%s): %s", error->message, text);
  node_again = tr_event_to_json (again);
  if (!json_node_equal (node, node_again))
    {
      g_autofree char *text_again = json_to_string (node_again, FALSE);

      g_error ("an accepted event changes when read back:\n%s\n%s", text, text_again);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  static gboolean initialized;

  if (!initialized)
    {
      fuzz_init_logging ();
      initialized = TRUE;
    }
  body = trs_body_parse ((const char *) data, size, &error);
  if (body == NULL)
    {
      g_assert (error != NULL && error->domain == TRS_BODY_ERROR);
      return 0;
    }
  events = trs_body_parse_events (json_node_get_object (body), &error);
  if (events == NULL)
    {
      g_assert (error != NULL && error->domain == TRS_BODY_ERROR);
      return 0;
    }
  g_assert (events->len >= 1 && events->len <= TRS_BODY_MAX_EVENTS);
  for (guint i = 0; i < events->len; i++)
    check_round_trip (g_ptr_array_index (events, i));
  return 0;
}
