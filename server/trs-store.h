/* trs-store.h: the server's sqlite database, written by one worker thread
 *
 * Every function taking a TrsStore runs INSIDE A JOB: on the worker thread,
 * given to trs_store_run_async() (or, for the command line,
 * trs_store_run_sync()), or a read on the calling thread with
 * trs_store_read_now(). Jobs marked TRS_JOB_WRITE that are queued together
 * run in one transaction (each in its own SAVEPOINT, so a failing job undoes
 * only itself) and are answered only after the COMMIT: group commit.
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tr-event.h"

G_BEGIN_DECLS

#define TRS_STORE_ERROR (trs_store_error_quark ())

typedef enum
{
  TRS_STORE_ERROR_FAILED,      /* sqlite said no; the message says why */
  TRS_STORE_ERROR_NOT_FOUND,
  TRS_STORE_ERROR_CONFLICT,    /* e.g. the e-mail address already has an account */
  TRS_STORE_ERROR_EXPIRED,     /* an enrolment code past its expiry or its uses */
  TRS_STORE_ERROR_INVALID,     /* an argument out of range (role, name, ...) */
  TRS_STORE_ERROR_TOO_NEW,     /* the database was written by a newer trellis-server */
} TrsStoreError;

typedef enum
{
  TRS_JOB_READ,
  TRS_JOB_WRITE,
} TrsJobKind;

typedef struct _TrsStore TrsStore;

typedef struct
{
  gint64  id;
  char   *public_id;        /* UUID: the pseudonymous actor of the account's events */
  gint64  institute_id;
  char   *institute_name;
  gint64  cohort_id;        /* 0: none */
  char   *cohort_name;      /* NULL: none */
  char   *role;             /* "learner", "trainer" or "admin" */
  char   *name;
  char   *email;
  char   *password_hash;    /* Argon2id, crypto_pwhash_str format */
  gint64  created;          /* ms since 1970 */
} TrsAccount;

typedef struct
{
  gint64 created;
  gint64 expires;
} TrsTokenInfo;

/* A job: runs on the worker thread; returns a result for the callback
 * (owned by the GTask, freed with result_destroy) or NULL with error set. */
typedef gpointer (*TrsJobFunc) (TrsStore  *store,
                                gpointer   data,
                                GError   **error);

GQuark      trs_store_error_quark     (void);

TrsStore   *trs_store_open            (const char      *path,
                                       GError         **error);
void        trs_store_close           (TrsStore        *store);
void        trs_store_run_async       (TrsStore        *store,
                                       TrsJobKind       kind,
                                       TrsJobFunc       func,
                                       gpointer         data,
                                       GDestroyNotify   data_destroy,
                                       GDestroyNotify   result_destroy,
                                       GCancellable    *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer         user_data);
gpointer    trs_store_run_finish      (TrsStore        *store,
                                       GAsyncResult    *result,
                                       GError         **error);
gpointer    trs_store_run_sync        (TrsStore        *store,
                                       TrsJobKind       kind,
                                       TrsJobFunc       func,
                                       gpointer         data,
                                       GError         **error);
gpointer    trs_store_read_now        (TrsStore        *store,
                                       TrsJobFunc       func,
                                       gpointer         data,
                                       GError         **error);

/* Institutes and cohorts. */
gint64      trs_store_institute_create (TrsStore *store, const char *name, GError **error);
gint64      trs_store_institute_find   (TrsStore *store, const char *name_or_id, GError **error);
gint64      trs_store_cohort_ensure    (TrsStore *store, gint64 institute_id, const char *name, GError **error);

/* Accounts. Passwords arrive already hashed (trs-auth.h): hashing is slow and
 * must not hold up the database thread. */
TrsAccount *trs_store_account_create   (TrsStore *store, gint64 institute_id, gint64 cohort_id,
                                        const char *role, const char *name, const char *email,
                                        const char *password_hash, GError **error);
TrsAccount *trs_store_account_by_email (TrsStore *store, const char *email, GError **error);
TrsAccount *trs_store_account_by_token (TrsStore *store, const char *token, GError **error);
GPtrArray  *trs_store_account_list     (TrsStore *store, gint64 institute_id, GError **error);
gboolean    trs_store_account_delete   (TrsStore *store, gint64 account_id, GError **error);
gint64      trs_store_account_count    (TrsStore *store, GError **error);
void        trs_account_free           (TrsAccount *account);

/* Enrolment codes: short, random, without look-alike letters, e.g. "K7PQ-M3XD".
 * trs_store_code_use() takes one use of the code, or fails with NOT_FOUND or
 * EXPIRED. */
char       *trs_store_code_create      (TrsStore *store, gint64 institute_id, gint64 cohort_id,
                                        gint64 expires, int max_uses, GError **error);
gboolean    trs_store_code_use         (TrsStore *store, const char *code, gint64 *institute_id,
                                        gint64 *cohort_id, GError **error);

/* Tokens: the plain token is returned once; only its SHA-256 is stored. */
char       *trs_store_token_issue      (TrsStore *store, gint64 account_id, gint64 lifetime_ms,
                                        gint64 *expires, GError **error);
gboolean    trs_store_token_revoke     (TrsStore *store, const char *token, GError **error);
GPtrArray  *trs_store_token_list       (TrsStore *store, gint64 account_id, GError **error);

/* Events, stored by UUID: a known id is a duplicate, not an error. The
 * actor of every stored event is the account's public id. The cursor is the
 * server's own increasing sequence number. */
gboolean    trs_store_events_insert    (TrsStore *store, const TrsAccount *account, GPtrArray *events,
                                        guint *n_new, guint *n_duplicate, gint64 *cursor, GError **error);
GPtrArray  *trs_store_events_after     (TrsStore *store, gint64 account_id, gint64 after, guint limit,
                                        gint64 *cursor, gboolean *more, GError **error);
GPtrArray  *trs_store_events_all       (TrsStore *store, gint64 account_id, GError **error);
gint64      trs_store_events_count     (TrsStore *store, GError **error);

/* Signing keys (for certificates): the public half; the secret half is a
 * 0600 file beside the database (trs-keys.h). */
gboolean    trs_store_key_add          (TrsStore *store, const char *kid, const guint8 *public_key,
                                        gsize length, GError **error);

/* Which signing key signs: the newest one added (trs_store_key_add() makes it
 * the only active one); the others stay published, so that what they signed
 * keeps verifying. */
typedef struct
{
  char   *kid;
  GBytes *public_key;       /* 32 bytes */
  gint64  created;          /* ms since 1970 */
  gboolean active;
} TrsSigningKey;

GPtrArray  *trs_store_key_list         (TrsStore *store, GError **error);
char       *trs_store_key_active       (TrsStore *store, GError **error);
void        trs_signing_key_free       (TrsSigningKey *key);

/* Certificates. Each holds an index into the revocation list (a Bitstring
 * Status List of TRS_STATUS_LIST_SIZE entries), drawn at random so that the
 * list does not tell the order or number of certificates. The holder's name
 * and ids are copied into the row: when the learner erases their account,
 * account_id becomes 0 and the certificate stays verifiable. */
#define TRS_STATUS_LIST_SIZE 131072

typedef struct
{
  char    *id;               /* UUID */
  gint64   account_id;       /* 0: the account was erased */
  gint64   institute_id;
  char    *institute_name;
  char    *holder_id;        /* the account's public id */
  char    *holder_name;
  char    *achievement_kind; /* "course" or "path" */
  char    *achievement_id;
  char    *content_version;
  char    *jws;              /* the signed credential, compact JWS */
  gint64   issued;           /* ms since 1970 */
  gint64   valid_until;      /* ms since 1970; 0: does not expire */
  guint    status_index;
  gboolean revoked;
  gint64   revoked_at;       /* ms since 1970; 0 unless revoked */
  char    *revoked_reason;
} TrsCertificate;

gboolean        trs_store_certificate_insert        (TrsStore *store, const TrsCertificate *certificate,
                                                     GError **error);
TrsCertificate *trs_store_certificate_find          (TrsStore *store, const char *id, GError **error);
TrsCertificate *trs_store_certificate_find_existing (TrsStore *store, gint64 account_id, const char *kind,
                                                     const char *achievement_id, const char *version,
                                                     GError **error);
GPtrArray      *trs_store_certificate_list          (TrsStore *store, gint64 account_id, GError **error);
GPtrArray      *trs_store_certificate_list_institute (TrsStore *store, gint64 institute_id, gint64 cohort_id,
                                                      gint64 since, guint limit, GError **error);
TrsCertificate *trs_store_certificate_revoke        (TrsStore *store, const char *id, const char *reason,
                                                     GError **error);
GArray         *trs_store_certificate_revoked_indexes (TrsStore *store, GError **error);
gboolean        trs_store_certificate_next_index    (TrsStore *store, guint *index, GError **error);
void            trs_certificate_free                (TrsCertificate *certificate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrsAccount, trs_account_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrsSigningKey, trs_signing_key_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrsCertificate, trs_certificate_free)

G_END_DECLS
