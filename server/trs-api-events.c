/* trs-api-events.c: the routes of progress sync: pushing and pulling
 * events, and progress (docs/api.md)
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"



#include "tr-progress.h"

#include "trs-api-private.h"
#include "trs-body.h"

/* ----------------------------------------------------------------------- */
/* POST and GET /api/v1/events, GET /api/v1/progress                        */

typedef struct
{
  guint  n_new;
  guint  n_duplicate;
  gint64 cursor;
} Stored;

static gpointer
push_job (TrsStore          *store,
          const TrsAccount  *account,
          Request           *req,
          GError           **error)
{
  Stored *stored = g_new0 (Stored, 1);

  if (!trs_store_events_insert (store, account, req->events, &stored->n_new, &stored->n_duplicate,
                                &stored->cursor, error))
    {
      g_free (stored);
      return NULL;
    }
  return stored;
}

static void
push_done (Request      *req,
           gpointer      value,
           const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  Stored *stored = value;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  trs_metrics_add_events (req->api->metrics, stored->n_new);
  if (stored->n_new > 0)
    trs_classroom_hub_account_changed (req->api->hub, req->account->id);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "new");
  json_builder_add_int_value (builder, stored->n_new);
  json_builder_set_member_name (builder, "duplicate");
  json_builder_add_int_value (builder, stored->n_duplicate);
  json_builder_set_member_name (builder, "cursor");
  json_builder_add_int_value (builder, stored->cursor);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

/* The whole batch is checked (trs-body.c) before anything is stored. */
void
handle_push (Request *req)
{
  g_autoptr(GError) error = NULL;

  if (!request_parse_body (req))
    return;
  req->events = trs_body_parse_events (json_node_get_object (req->body), &error);
  if (req->events == NULL)
    {
      request_reply_body_error (req, error);
      return;
    }
  request_run (req, TRS_JOB_WRITE, push_job, g_free, push_done);
}

typedef struct
{
  GPtrArray *events;
  gint64     cursor;
  gboolean   more;
} Page;

static void
page_free (gpointer data)
{
  Page *page = data;

  g_clear_pointer (&page->events, g_ptr_array_unref);
  g_free (page);
}

static gpointer
pull_job (TrsStore          *store,
          const TrsAccount  *account,
          Request           *req,
          GError           **error)
{
  Page *page = g_new0 (Page, 1);

  page->events = trs_store_events_after (store, account->id, req->after, req->limit,
                                         &page->cursor, &page->more, error);
  if (page->events == NULL)
    {
      page_free (page);
      return NULL;
    }
  return page;
}

static void
pull_done (Request      *req,
           gpointer      value,
           const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  Page *page = value;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < page->events->len; i++)
    add_event (builder, g_ptr_array_index (page->events, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "cursor");
  json_builder_add_int_value (builder, page->cursor);
  json_builder_set_member_name (builder, "more");
  json_builder_add_boolean_value (builder, page->more);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

/* A whole decimal number between @min and @max from the query, or @fallback
 * when absent. */
static gboolean
query_int (Request     *req,
           const char  *name,
           gint64       min,
           gint64       max,
           gint64       fallback,
           gint64      *out)
{
  const char *text = req->query != NULL ? g_hash_table_lookup (req->query, name) : NULL;
  guint64 value;

  if (text == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    {
      request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           "\"%s\" must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                           name, min, max);
      return FALSE;
    }
  *out = (gint64) value;
  return TRUE;
}

void
handle_pull (Request *req)
{
  gint64 limit;

  if (!query_int (req, "after", 0, G_MAXINT64, 0, &req->after) ||
      !query_int (req, "limit", 1, MAX_EVENTS, DEFAULT_PULL_LIMIT, &limit))
    return;
  req->limit = (guint) limit;
  request_read_now (req, pull_job, page_free, pull_done);
}

static gpointer
progress_job (TrsStore          *store,
              const TrsAccount  *account,
              Request           *req,
              GError           **error)
{
  return trs_store_events_all (store, account->id, error);
}

static void
progress_done (Request      *req,
               gpointer      value,
               const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *events = value;
  GPtrArray *courses = req->api->courses;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "courses");
  json_builder_begin_array (builder);
  for (guint i = 0; i < courses->len; i++)
    {
      TrCourse *course = g_ptr_array_index (courses, i);
      g_autoptr(TrProgress) progress = tr_progress_compute (course, events);
      int quiz_best = tr_progress_get_quiz_best_score (progress);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, tr_course_get_id (course));
      json_builder_set_member_name (builder, "version");
      json_builder_add_string_value (builder, tr_course_get_version (course));
      json_builder_set_member_name (builder, "done");
      json_builder_add_int_value (builder, tr_progress_get_n_done (progress));
      json_builder_set_member_name (builder, "required");
      json_builder_add_int_value (builder, tr_progress_get_n_required (progress));
      json_builder_set_member_name (builder, "complete");
      json_builder_add_boolean_value (builder, tr_progress_is_complete (progress));
      json_builder_set_member_name (builder, "quiz_best");
      if (quiz_best >= 0)
        json_builder_add_int_value (builder, quiz_best);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

void
handle_progress (Request *req)
{
  request_read_now (req, progress_job, (GDestroyNotify) g_ptr_array_unref, progress_done);
}

