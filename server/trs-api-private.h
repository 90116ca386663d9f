/* trs-api-private.h: what the files of the HTTP API share: the request,
 * its answers and its database jobs (trs-api.c), and each group of routes
 * (trs-api-*.c)
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-course.h"
#include "tr-event.h"
#include "tr-learning-path.h"

#include "trs-api.h"
#include "trs-certificates.h"
#include "trs-classroom-hub.h"
#include "trs-limits.h"
#include "trs-store.h"

G_BEGIN_DECLS

#define MAX_BODY_SIZE        TRS_BODY_MAX_SIZE
#define MAX_EVENTS           TRS_BODY_MAX_EVENTS
#define DEFAULT_PULL_LIMIT   500
#define TOKEN_LIFETIME_MS    (G_GINT64_CONSTANT (30) * 24 * 3600 * 1000)
/* Each Argon2id hash takes 64 MiB for a tenth of a second: at most
 * HASH_THREADS run at once, and at most MAX_HASHING wait or run, beyond
 * which the server asks clients to come back (a class enrolling at once
 * waits a moment; a flood of logins gets 429s). */
#define HASH_THREADS         4
#define MAX_HASHING          32
#define LOGIN_WINDOW_US      (G_GINT64_CONSTANT (15) * 60 * G_USEC_PER_SEC)
#define LOGIN_MAX_ACCOUNT    5
#define LOGIN_MAX_ADDRESS    20
#define MIN_PASSWORD_CHARS   10
#define MAX_PASSWORD_BYTES   1024
#define MAX_NAME_CHARS       200
#define MAX_EMAIL_BYTES      254
#define MAX_TOKEN_BYTES      256
#define MAX_ID_BYTES         128
#define MAX_REASON_CHARS     200
/* The status list is rebuilt when a revocation changes it, and at least
 * this often, so that its validFrom tells a client how fresh it is. */
#define STATUS_LIST_MAX_AGE_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define STATUS_LIST_PATH     "/api/v1/status-list"

/* Not in libsoup 3.2's SoupStatus. */
#define STATUS_TOO_MANY_REQUESTS 429

#define TRS_API_ERROR (trs_api_error_quark ())

typedef enum
{
  TRS_API_ERROR_UNAUTHORIZED,
  TRS_API_ERROR_FORBIDDEN,
} TrsApiError;

GQuark trs_api_error_quark (void);

typedef enum
{
  ROLE_LEARNER = 1 << 0,
  ROLE_TRAINER = 1 << 1,
  ROLE_ADMIN   = 1 << 2,
} Role;

/* A route with no roles needs no token. */
#define ROLES_PUBLIC    0
#define ROLES_SIGNED_IN (ROLE_LEARNER | ROLE_TRAINER | ROLE_ADMIN)

struct _TrsApi
{
  TrsStore   *store;
  GPtrArray  *courses;      /* TrCourse*, sorted by id */
  TrsMetrics *metrics;
  TrsLimits  *limits;
  TrsClassroomHub *hub;
  char       *dummy_hash;
  GThreadPool *hash_pool;
  gint        n_hashing;    /* atomic: every listener thread counts */
  gint        n_pending;    /* atomic */
  gboolean    log_requests;

  /* Certificates. Set before the server listens, read-only afterwards. */
  GPtrArray  *paths;        /* TrLearningPath*, sorted by id */
  char       *public_url;   /* without a "/" at the end */
  char       *data_dir;

  /* Signing happens on the database thread; the mutexes are for the start,
   * which loads the key from the main thread. */
  GMutex      keys_mutex;
  GHashTable *secret_keys;  /* kid → sodium_malloc'ed secret key */
  GMutex      status_list_mutex;
  char       *status_list_digest;  /* of the kid and revoked indexes it was made from */
  char       *status_list_jws;
  gint64      status_list_made;    /* monotonic µs */
};

typedef struct _Request Request;
typedef void (*Handler) (Request *req);

typedef struct
{
  const char *method;
  const char *pattern;     /* "{id}" stands for one path segment */
  guint       roles;
  gboolean    has_body;
  Handler     handler;
} Route;

struct _Request
{
  TrsApi            *api;
  SoupServerMessage *msg;
  const Route       *route;
  char              *param;          /* the {id} of the path */
  GHashTable        *query;
  char              *token;          /* never logged */
  TrsAccount        *account;        /* set once the token was checked */
  gboolean           finished;       /* the message must not be touched */
  gboolean           paused;

  /* The inputs and results of the route's steps. */
  JsonNode          *body;
  gpointer           value;
  GDestroyNotify     value_destroy;
  GPtrArray         *events;
  gint64             after;
  guint              limit;
  char              *code;
  char              *name;
  char              *email;
  char              *address;        /* the client's, for the login limits */
  char              *password;
  char              *password_hash;
  TrsAccount        *login_account;
  GTaskThreadFunc    hash_func;
  TrCourse          *course;         /* borrowed from the catalogue */
  TrLearningPath    *path;           /* borrowed from the catalogue */
  char              *reason;
  TrLang             lang;
};

/* Runs on the database thread, with the account of the token on routes that
 * need one (NULL on public routes). Returns non-NULL on success. */
typedef gpointer (*ApiJob) (TrsStore          *store,
                            const TrsAccount  *account,
                            Request           *req,
                            GError           **error);
/* Runs on the main context; @value is req->value. Must answer. */
typedef void (*ApiDone) (Request      *req,
                         gpointer      value,
                         const GError *error);

/* trs-api.c */
void secret_free (char *secret);
void request_free (Request *req);
void request_pause (Request *req);
void request_set_header (Request    *req,
                         const char *name,
                         const char *value);
void request_reply_take (Request    *req,
                         guint       status,
                         const char *content_type,
                         char       *data,
                         gsize       length);
char *node_to_data (JsonNode *node,
                    gsize    *length);
void request_reply_node (Request  *req,
                         guint     status,
                         JsonNode *node);
void request_reply_builder (Request     *req,
                            guint        status,
                            JsonBuilder *builder);
void request_reply_error (Request    *req,
                          guint       status,
                          const char *code,
                          const char *format,
                          ...) G_GNUC_PRINTF (4, 5);
void request_reply_retry (Request    *req,
                          guint       retry_after,
                          const char *message);
void request_reply_internal (Request      *req,
                             const GError *error);
void request_reply_failure (Request      *req,
                            const GError *error);
void request_run (Request        *req,
                  TrsJobKind      kind,
                  ApiJob          job,
                  GDestroyNotify  value_destroy,
                  ApiDone         done);
void request_read_now (Request        *req,
                       ApiJob          job,
                       GDestroyNotify  value_destroy,
                       ApiDone         done);
void request_run_hashing (Request             *req,
                          GTaskThreadFunc      func,
                          GAsyncReadyCallback  callback);
void request_reply_body_error (Request      *req,
                               const GError *error);
gboolean request_parse_body (Request *req);
const char *member_string (JsonObject  *object,
                           const char  *name,
                           gsize        min_chars,
                           gsize        max_bytes,
                           GError     **error);
gboolean has_control_characters (const char *text);
gboolean email_is_valid (const char *email);
void add_account (JsonBuilder      *builder,
                  const TrsAccount *account,
                  gboolean          everything);
void add_event (JsonBuilder   *builder,
                const TrEvent *event);
void add_course (JsonBuilder *builder,
                 TrCourse    *course,
                 gboolean     with_package);
TrCourse *find_course (TrsApi     *api,
                       const char *id);
void reply_no_content (Request      *req,
                       gpointer      value,
                       const GError *error);
void add_certificate_entry (gboolean              with_holder,
                            JsonBuilder          *builder,
                            TrsApi               *api,
                            const TrsCertificate *certificate);
void reply_certificate_list (Request      *req,
                             GPtrArray    *certificates,
                             const GError *error,
                             gboolean      with_holder);
gboolean query_format (Request  *req,
                       gboolean *csv);
gboolean api_ensure_secret (TrsApi      *api,
                            TrsStore    *store,
                            const char  *kid,
                            GError     **error);
void hub_refresh_cb (const char *classroom_id,
                     gpointer    user_data);
void hash_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable);
void verify_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable);

/* The routes (trs-api-*.c). */
void handle_certificate_status (Request *req);
void handle_certificates (Request *req);
void handle_classroom_attendance (Request *req);
void handle_classroom_create (Request *req);
void handle_classroom_end (Request *req);
void handle_classroom_get (Request *req);
void handle_classroom_join (Request *req);
void handle_classroom_list (Request *req);
void handle_classroom_live (Request *req);
void handle_classroom_presence (Request *req);
void handle_classroom_reveal (Request *req);
void handle_classroom_step (Request *req);
void handle_classroom_vote (Request *req);
void handle_cohorts (Request *req);
void handle_course (Request *req);
void handle_courses (Request *req);
void handle_enrol (Request *req);
void handle_erase (Request *req);
void handle_export (Request *req);
void handle_health (Request *req);
void handle_institute_certificates (Request *req);
void handle_issue (Request *req);
void handle_join_page (Request *req);
void handle_jwks (Request *req);
void handle_login (Request *req);
void handle_logout (Request *req);
void handle_metrics (Request *req);
void handle_package (Request *req);
void handle_progress (Request *req);
void handle_pull (Request *req);
void handle_push (Request *req);
void handle_report (Request *req);
void handle_revoke (Request *req);
void handle_status_list (Request *req);
void handle_verify (Request *req);

G_END_DECLS
