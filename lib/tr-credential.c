/* tr-credential.c
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-credential"

#include <math.h>
#include <string.h>
#include <gio/gio.h>

#include "tr-credential.h"
#include "tr-jws.h"

G_DEFINE_QUARK (tr-credential-error-quark, tr_credential_error)

#define VC_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define OB_CONTEXT "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

/* 131072 bits: the smallest list the Bitstring Status List spec allows. */
#define MIN_STATUS_LIST_BYTES  (16 * 1024)
/* A larger list after gunzip is refused: a small hostile list could
 * otherwise inflate to gigabytes. */
#define MAX_STATUS_LIST_BYTES  (16 * 1024 * 1024)

TrCredentialInfo *
tr_credential_info_new (void)
{
  TrCredentialInfo *info = g_new0 (TrCredentialInfo, 1);

  info->quiz_score = -1;
  return info;
}

void
tr_credential_info_free (TrCredentialInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->issuer_id);
  g_free (info->issuer_name);
  g_free (info->holder_name);
  g_free (info->holder_id);
  g_free (info->achievement_id);
  g_free (info->achievement_kind);
  tr_text_clear (&info->title);
  g_strfreev (info->modules);
  g_free (info->version);
  g_free (info->status_list);
  g_free (info->verify_url);
  g_free (info);
}

/* ----------------------------------------------------------------------- */
/* Dates                                                                    */

/* VCDM 2.0 dates are xsd:dateTimeStamp; we write whole seconds in UTC. */
static char *
format_date (gint64 ms)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (ms / 1000);

  if (date == NULL)
    return NULL;
  return g_date_time_format (date, "%Y-%m-%dT%H:%M:%SZ");
}

/* Reads an ISO 8601 date and time that states its time zone (a date stamp
 * without one would mean different instants in different places). */
static gboolean
parse_date (const char *text,
            gint64     *ms)
{
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gsize length = strlen (text);
  const char *t = strchr (text, 'T');

  if (length < 20 || t == NULL)
    return FALSE;
  if (text[length - 1] != 'Z' &&
      !((text[length - 6] == '+' || text[length - 6] == '-') && text[length - 3] == ':' &&
        t < text + length - 6))
    return FALSE;
  /* The default zone is never used: the text states one. */
  date = g_date_time_new_from_iso8601 (text, utc);
  if (date == NULL)
    return FALSE;
  *ms = g_date_time_to_unix (date) * 1000 + g_date_time_get_microsecond (date) / 1000;
  return TRUE;
}

/* ----------------------------------------------------------------------- */
/* Building                                                                 */

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_string_array (JsonBuilder        *builder,
                  const char         *name,
                  const char * const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static char *
describe (const TrCredentialInfo *info)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_modules = info->modules != NULL ? g_strv_length (info->modules) : 0;
  gboolean is_path = g_strcmp0 (info->achievement_kind, "path") == 0;

  g_string_append_printf (text, "Completed the %s “%s”", is_path ? "learning path" : "course",
                          info->title.s[TR_LANG_EN]);
  for (guint i = 0; i < n_modules; i++)
    {
      if (i == 0)
        g_string_append (text, is_path ? ", which covers the courses " : ", which covers ");
      else if (i == n_modules - 1)
        g_string_append (text, " and ");
      else
        g_string_append (text, ", ");
      g_string_append_printf (text, "“%s”", info->modules[i]);
    }
  g_string_append_c (text, '.');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The credential, as issued (OB 3.0 OpenBadgeCredential, VCDM 2.0).
 *
 * What Trellis states beyond Open Badges lives under "trellis" members: the
 * achievement's details under credentialSubject.achievement.trellis, and the
 * credential's own human verify page under the top-level trellis.verifyUrl.
 * The VC 2.0 context maps such undefined terms into its issuer-dependent
 * vocabulary, so JSON-LD processors keep them. */
JsonNode *
tr_credential_build (const TrCredentialInfo *info)
{
  static const char * const contexts[] = { VC_CONTEXT, OB_CONTEXT, NULL };
  static const char * const types[] = { "VerifiableCredential", "OpenBadgeCredential", NULL };
  static const char * const issuer_types[] = { "Profile", NULL };
  static const char * const subject_types[] = { "AchievementSubject", NULL };
  static const char * const achievement_types[] = { "Achievement", NULL };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *valid_from = NULL;
  g_autofree char *achievement_id = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (info->id != NULL && info->issuer_id != NULL && info->issuer_name != NULL, NULL);
  g_return_val_if_fail (info->holder_id != NULL && info->holder_name != NULL, NULL);
  g_return_val_if_fail (info->achievement_id != NULL && info->title.s[TR_LANG_EN] != NULL, NULL);
  g_return_val_if_fail (g_strcmp0 (info->achievement_kind, "course") == 0 ||
                        g_strcmp0 (info->achievement_kind, "path") == 0, NULL);
  g_return_val_if_fail (info->version != NULL && info->verify_url != NULL, NULL);
  g_return_val_if_fail (info->quiz_score >= -1 && info->quiz_score <= 100, NULL);
  g_return_val_if_fail (isfinite (info->study_hours) && info->study_hours >= 0, NULL);

  valid_from = format_date (info->valid_from);
  g_return_val_if_fail (valid_from != NULL, NULL);
  achievement_id = g_strdup_printf ("%s/achievements/%s/%s", info->issuer_id,
                                    info->achievement_kind, info->achievement_id);
  description = describe (info);

  json_builder_begin_object (builder);
  add_string_array (builder, "@context", contexts);
  add_string_member (builder, "id", info->id);
  add_string_array (builder, "type", types);

  json_builder_set_member_name (builder, "issuer");
  json_builder_begin_object (builder);
  add_string_member (builder, "id", info->issuer_id);
  add_string_array (builder, "type", issuer_types);
  add_string_member (builder, "name", info->issuer_name);
  json_builder_end_object (builder);

  add_string_member (builder, "validFrom", valid_from);
  if (info->valid_until != 0)
    {
      g_autofree char *valid_until = format_date (info->valid_until);

      g_return_val_if_fail (valid_until != NULL, NULL);
      add_string_member (builder, "validUntil", valid_until);
    }
  add_string_member (builder, "name", info->title.s[TR_LANG_EN]);

  json_builder_set_member_name (builder, "credentialSubject");
  json_builder_begin_object (builder);
  add_string_member (builder, "id", info->holder_id);
  add_string_array (builder, "type", subject_types);
  add_string_member (builder, "name", info->holder_name);
  json_builder_set_member_name (builder, "achievement");
  json_builder_begin_object (builder);
  add_string_member (builder, "id", achievement_id);
  add_string_array (builder, "type", achievement_types);
  add_string_member (builder, "achievementType", "Certificate");
  add_string_member (builder, "name", info->title.s[TR_LANG_EN]);
  add_string_member (builder, "description", description);
  json_builder_set_member_name (builder, "criteria");
  json_builder_begin_object (builder);
  add_string_member (builder, "narrative",
                     g_strcmp0 (info->achievement_kind, "path") == 0
                     ? "Completed every course of the learning path: read the lessons, played the "
                       "scenarios, did the exercises and passed the quizzes that each course requires, "
                       "as recorded by the issuer."
                     : "Completed the course: read the lessons, played the scenarios, did the exercises "
                       "and passed the quiz that the course requires, as recorded by the issuer.");
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "trellis");
  json_builder_begin_object (builder);
  add_string_member (builder, "kind", info->achievement_kind);
  add_string_member (builder, "id", info->achievement_id);
  json_builder_set_member_name (builder, "title");
  json_builder_begin_object (builder);
  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    if (info->title.s[lang] != NULL)
      add_string_member (builder, tr_lang_to_code (lang), info->title.s[lang]);
  json_builder_end_object (builder);
  add_string_array (builder, "modules", (const char * const *) info->modules);
  json_builder_set_member_name (builder, "studyHours");
  if (info->study_hours < 1e15 && info->study_hours == (double) (gint64) info->study_hours)
    json_builder_add_int_value (builder, (gint64) info->study_hours);
  else
    json_builder_add_double_value (builder, info->study_hours);
  add_string_member (builder, "contentVersion", info->version);
  if (info->quiz_score >= 0)
    {
      json_builder_set_member_name (builder, "quizScore");
      json_builder_add_int_value (builder, info->quiz_score);
    }
  json_builder_end_object (builder);  /* trellis */
  json_builder_end_object (builder);  /* achievement */
  json_builder_end_object (builder);  /* credentialSubject */

  if (info->status_list != NULL)
    {
      g_autofree char *entry_id = g_strdup_printf ("%s#%u", info->status_list, info->status_index);
      g_autofree char *index = g_strdup_printf ("%u", info->status_index);

      json_builder_set_member_name (builder, "credentialStatus");
      json_builder_begin_object (builder);
      add_string_member (builder, "id", entry_id);
      add_string_member (builder, "type", "BitstringStatusListEntry");
      add_string_member (builder, "statusPurpose", "revocation");
      add_string_member (builder, "statusListIndex", index);
      add_string_member (builder, "statusListCredential", info->status_list);
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "trellis");
  json_builder_begin_object (builder);
  add_string_member (builder, "verifyUrl", info->verify_url);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* ----------------------------------------------------------------------- */
/* Parsing                                                                  */

static gboolean G_GNUC_PRINTF (2, 3)
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TR_CREDENTIAL_ERROR, TR_CREDENTIAL_ERROR_INVALID,
               "not a Trellis certificate: %s", message);
  return FALSE;
}

/* The member @name of @object, which must be of @value_type: JSON_TYPE_OBJECT,
 * JSON_TYPE_ARRAY, G_TYPE_STRING, G_TYPE_INT64 or G_TYPE_DOUBLE (any number);
 * @path names it in the error. */
static JsonNode *
get_member (JsonObject  *object,
            const char  *path,
            const char  *name,
            GType        value_type,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gboolean ok;

  if (node == NULL)
    {
      invalid (error, "“%s%s” is missing", path, name);
      return NULL;
    }
  if (value_type == JSON_TYPE_OBJECT)
    ok = JSON_NODE_HOLDS_OBJECT (node);
  else if (value_type == JSON_TYPE_ARRAY)
    ok = JSON_NODE_HOLDS_ARRAY (node);
  else if (value_type == G_TYPE_DOUBLE)
    ok = JSON_NODE_HOLDS_VALUE (node) && (json_node_get_value_type (node) == G_TYPE_DOUBLE ||
                                          json_node_get_value_type (node) == G_TYPE_INT64);
  else
    ok = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == value_type;
  if (!ok)
    {
      invalid (error, "“%s%s” is not %s", path, name,
               value_type == JSON_TYPE_OBJECT ? "an object" :
               value_type == JSON_TYPE_ARRAY ? "an array" :
               value_type == G_TYPE_STRING ? "a string" :
               value_type == G_TYPE_INT64 ? "an integer" : "a number");
      return NULL;
    }
  return node;
}

static gboolean
get_string (JsonObject  *object,
            const char  *path,
            const char  *name,
            char       **out,
            GError     **error)
{
  JsonNode *node = get_member (object, path, name, G_TYPE_STRING, error);

  if (node == NULL)
    return FALSE;
  if (*json_node_get_string (node) == '\0')
    return invalid (error, "“%s%s” is empty", path, name);
  g_free (*out);
  *out = json_node_dup_string (node);
  return TRUE;
}

static JsonObject *
get_object (JsonObject  *object,
            const char  *path,
            const char  *name,
            GError     **error)
{
  JsonNode *node = get_member (object, path, name, JSON_TYPE_OBJECT, error);

  return node != NULL ? json_node_get_object (node) : NULL;
}

static gboolean
get_date (JsonObject  *object,
          const char  *name,
          gint64      *ms,
          GError     **error)
{
  g_autofree char *text = NULL;

  if (!get_string (object, "", name, &text, error))
    return FALSE;
  if (!parse_date (text, ms))
    return invalid (error, "“%s” is not a date and time with a time zone", name);
  return TRUE;
}

/* An array of strings that holds @required. */
static gboolean
check_types (JsonObject  *object,
             const char  *path,
             const char  *required,
             GError     **error)
{
  JsonNode *node = get_member (object, path, "type", JSON_TYPE_ARRAY, error);
  JsonArray *array;

  if (node == NULL)
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING &&
          g_strcmp0 (json_node_get_string (element), required) == 0)
        return TRUE;
    }
  return invalid (error, "“%stype” does not hold “%s”", path, required);
}

static gboolean
parse_context (JsonObject  *object,
               GError     **error)
{
  JsonNode *node = get_member (object, "", "@context", JSON_TYPE_ARRAY, error);
  JsonArray *array;
  JsonNode *first;

  if (node == NULL)
    return FALSE;
  array = json_node_get_array (node);
  /* VCDM 2.0: the base context comes first. */
  first = json_array_get_length (array) > 0 ? json_array_get_element (array, 0) : NULL;
  if (first == NULL || !JSON_NODE_HOLDS_VALUE (first) ||
      json_node_get_value_type (first) != G_TYPE_STRING ||
      g_strcmp0 (json_node_get_string (first), VC_CONTEXT) != 0)
    return invalid (error, "“@context” does not start with %s", VC_CONTEXT);
  return TRUE;
}

static gboolean
parse_achievement (JsonObject        *achievement,
                   TrCredentialInfo  *info,
                   GError           **error)
{
  const char *path = "credentialSubject.achievement.trellis.";
  JsonObject *trellis, *title;
  JsonNode *node;
  JsonArray *modules;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (!check_types (achievement, "credentialSubject.achievement.", "Achievement", error))
    return FALSE;
  trellis = get_object (achievement, "credentialSubject.achievement.", "trellis", error);
  if (trellis == NULL)
    return FALSE;

  if (!get_string (trellis, path, "kind", &info->achievement_kind, error))
    return FALSE;
  if (!g_str_equal (info->achievement_kind, "course") && !g_str_equal (info->achievement_kind, "path"))
    return invalid (error, "“%skind” is neither “course” nor “path”", path);
  if (!get_string (trellis, path, "id", &info->achievement_id, error))
    return FALSE;

  title = get_object (trellis, path, "title", error);
  if (title == NULL)
    return FALSE;
  for (TrLang lang = 0; lang < TR_N_LANGS; lang++)
    {
      const char *code = tr_lang_to_code (lang);
      g_autofree char *title_path = g_strconcat (path, "title.", NULL);

      if (lang != TR_LANG_EN && !json_object_has_member (title, code))
        continue;
      if (!get_string (title, title_path, code, &info->title.s[lang], error))
        return FALSE;
    }

  node = get_member (trellis, path, "modules", JSON_TYPE_ARRAY, error);
  if (node == NULL)
    return FALSE;
  modules = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (modules); i++)
    {
      JsonNode *element = json_array_get_element (modules, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return invalid (error, "“%smodules” holds something that is not a string", path);
      g_strv_builder_add (builder, json_node_get_string (element));
    }
  g_strfreev (info->modules);
  info->modules = g_strv_builder_end (builder);

  node = get_member (trellis, path, "studyHours", G_TYPE_DOUBLE, error);
  if (node == NULL)
    return FALSE;
  info->study_hours = json_node_get_double (node);
  if (!isfinite (info->study_hours) || info->study_hours < 0)
    return invalid (error, "“%sstudyHours” is negative", path);

  if (!get_string (trellis, path, "contentVersion", &info->version, error))
    return FALSE;

  info->quiz_score = -1;
  if (json_object_has_member (trellis, "quizScore"))
    {
      gint64 score;

      node = get_member (trellis, path, "quizScore", G_TYPE_INT64, error);
      if (node == NULL)
        return FALSE;
      score = json_node_get_int (node);
      if (score < 0 || score > 100)
        return invalid (error, "“%squizScore” is not a percentage", path);
      info->quiz_score = (int) score;
    }
  return TRUE;
}

static gboolean
parse_status (JsonObject        *object,
              TrCredentialInfo  *info,
              GError           **error)
{
  const char *path = "credentialStatus.";
  JsonObject *status = get_object (object, "", "credentialStatus", error);
  g_autofree char *type = NULL;
  g_autofree char *purpose = NULL;
  g_autofree char *index = NULL;
  g_autofree char *entry_id = NULL;
  guint64 value;

  if (status == NULL)
    return FALSE;
  if (!get_string (status, path, "type", &type, error) ||
      !get_string (status, path, "statusPurpose", &purpose, error) ||
      !get_string (status, path, "statusListIndex", &index, error) ||
      !get_string (status, path, "statusListCredential", &info->status_list, error) ||
      !get_string (status, path, "id", &entry_id, error))
    return FALSE;
  if (!g_str_equal (type, "BitstringStatusListEntry"))
    return invalid (error, "“%stype” is not BitstringStatusListEntry", path);
  if (!g_str_equal (purpose, "revocation"))
    return invalid (error, "“%sstatusPurpose” is not revocation", path);
  if (!g_ascii_string_to_unsigned (index, 10, 0, G_MAXUINT, &value, NULL))
    return invalid (error, "“%sstatusListIndex” is not a number", path);
  info->status_index = (guint) value;
  return TRUE;
}

TrCredentialInfo *
tr_credential_parse (JsonNode  *credential,
                     GError   **error)
{
  g_autoptr(TrCredentialInfo) info = tr_credential_info_new ();
  JsonObject *object, *issuer, *subject, *achievement, *trellis;

  g_return_val_if_fail (credential != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (credential))
    {
      invalid (error, "the credential is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (credential);
  if (!parse_context (object, error) ||
      !check_types (object, "", "VerifiableCredential", error) ||
      !check_types (object, "", "OpenBadgeCredential", error) ||
      !get_string (object, "", "id", &info->id, error))
    return NULL;

  issuer = get_object (object, "", "issuer", error);
  if (issuer == NULL ||
      !get_string (issuer, "issuer.", "id", &info->issuer_id, error) ||
      !get_string (issuer, "issuer.", "name", &info->issuer_name, error))
    return NULL;

  if (!get_date (object, "validFrom", &info->valid_from, error))
    return NULL;
  info->valid_until = 0;
  if (json_object_has_member (object, "validUntil") &&
      !get_date (object, "validUntil", &info->valid_until, error))
    return NULL;

  subject = get_object (object, "", "credentialSubject", error);
  if (subject == NULL ||
      !check_types (subject, "credentialSubject.", "AchievementSubject", error) ||
      !get_string (subject, "credentialSubject.", "id", &info->holder_id, error) ||
      !get_string (subject, "credentialSubject.", "name", &info->holder_name, error))
    return NULL;
  achievement = get_object (subject, "credentialSubject.", "achievement", error);
  if (achievement == NULL || !parse_achievement (achievement, info, error))
    return NULL;

  if (json_object_has_member (object, "credentialStatus") && !parse_status (object, info, error))
    return NULL;

  trellis = get_object (object, "", "trellis", error);
  if (trellis == NULL || !get_string (trellis, "trellis.", "verifyUrl", &info->verify_url, error))
    return NULL;

  return g_steal_pointer (&info);
}

/* ----------------------------------------------------------------------- */
/* Bitstring Status List                                                    */

char *
tr_status_list_encode (const guint8 *bits,
                       gsize         n_bytes)
{
  g_autoptr(GZlibCompressor) compressor = NULL;
  g_autoptr(GByteArray) compressed = g_byte_array_new ();
  g_autofree guint8 *padded = NULL;
  g_autofree char *text = NULL;
  guint8 buffer[16 * 1024];
  gsize position = 0;

  g_return_val_if_fail (bits != NULL || n_bytes == 0, NULL);
  g_return_val_if_fail (n_bytes <= MAX_STATUS_LIST_BYTES, NULL);

  /* Never fewer than 131072 bits: a short list would tell how many
   * certificates were issued. */
  if (n_bytes < MIN_STATUS_LIST_BYTES)
    {
      padded = g_malloc0 (MIN_STATUS_LIST_BYTES);
      if (n_bytes > 0)
        memcpy (padded, bits, n_bytes);
      bits = padded;
      n_bytes = MIN_STATUS_LIST_BYTES;
    }

  compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gsize bytes_read = 0, bytes_written = 0;
      GConverterResult result;

      result = g_converter_convert (G_CONVERTER (compressor), bits + position, n_bytes - position,
                                    buffer, sizeof buffer, G_CONVERTER_INPUT_AT_END,
                                    &bytes_read, &bytes_written, &error);
      if (result == G_CONVERTER_ERROR)
        g_error ("gzip failed on the status list: %s", error->message);
      position += bytes_read;
      g_byte_array_append (compressed, buffer, bytes_written);
      if (result == G_CONVERTER_FINISHED)
        break;
    }
  text = tr_base64url_encode (compressed->data, compressed->len);
  /* Multibase: "u" says base64url without padding. */
  return g_strconcat ("u", text, NULL);
}

static GBytes *
status_list_decode (const char  *encoded,
                    GError     **error)
{
  g_autoptr(GZlibDecompressor) decompressor = NULL;
  g_autoptr(GByteArray) bits = g_byte_array_new ();
  g_autofree guint8 *compressed = NULL;
  gsize compressed_length, position = 0;
  g_autofree guint8 *buffer = g_malloc (64 * 1024);

  if (encoded[0] != 'u')
    {
      g_set_error_literal (error, TR_CREDENTIAL_ERROR, TR_CREDENTIAL_ERROR_INVALID,
                           "the status list is not multibase base64url (it does not start with “u”)");
      return NULL;
    }
  compressed = tr_base64url_decode (encoded + 1, &compressed_length);
  if (compressed == NULL || compressed_length == 0)
    {
      g_set_error_literal (error, TR_CREDENTIAL_ERROR, TR_CREDENTIAL_ERROR_INVALID,
                           "the status list is not valid base64url");
      return NULL;
    }

  decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gsize bytes_read = 0, bytes_written = 0;
      GConverterResult result;

      result = g_converter_convert (G_CONVERTER (decompressor), compressed + position,
                                    compressed_length - position, buffer, 64 * 1024,
                                    G_CONVERTER_INPUT_AT_END, &bytes_read, &bytes_written,
                                    &local_error);
      if (result == G_CONVERTER_ERROR)
        {
          g_set_error (error, TR_CREDENTIAL_ERROR, TR_CREDENTIAL_ERROR_INVALID,
                       "the status list is not valid gzip: %s", local_error->message);
          return NULL;
        }
      position += bytes_read;
      if (bits->len + bytes_written > MAX_STATUS_LIST_BYTES)
        {
          g_set_error (error, TR_CREDENTIAL_ERROR, TR_CREDENTIAL_ERROR_INVALID,
                       "the status list is larger than %d bytes uncompressed", MAX_STATUS_LIST_BYTES);
          return NULL;
        }
      g_byte_array_append (bits, buffer, bytes_written);
      if (result == G_CONVERTER_FINISHED)
        break;
      if (bytes_read == 0 && bytes_written == 0)
        {
          g_set_error_literal (error, TR_CREDENTIAL_ERROR, TR_CREDENTIAL_ERROR_INVALID,
                               "the status list is not valid gzip: it is cut short");
          return NULL;
        }
    }
  if (position != compressed_length)
    {
      g_set_error_literal (error, TR_CREDENTIAL_ERROR, TR_CREDENTIAL_ERROR_INVALID,
                           "the status list is not valid gzip: data follows the end of the stream");
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bits));
}

gboolean
tr_status_list_get (const char  *encoded,
                    guint        index,
                    gboolean    *is_set,
                    GError     **error)
{
  g_autoptr(GBytes) bits = NULL;
  const guint8 *data;
  gsize length;

  g_return_val_if_fail (encoded != NULL, FALSE);
  g_return_val_if_fail (is_set != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bits = status_list_decode (encoded, error);
  if (bits == NULL)
    return FALSE;
  data = g_bytes_get_data (bits, &length);
  if (index / 8 >= length)
    {
      g_set_error (error, TR_CREDENTIAL_ERROR, TR_CREDENTIAL_ERROR_INVALID,
                   "index %u is beyond the status list, which holds %" G_GSIZE_FORMAT " entries",
                   index, length * 8);
      return FALSE;
    }
  /* Bit 0 is the most significant bit of the first byte. */
  *is_set = (data[index / 8] >> (7 - index % 8)) & 1;
  return TRUE;
}

JsonNode *
tr_status_list_build (const char *list_url,
                      const char *issuer_id,
                      const char *encoded,
                      gint64      valid_from)
{
  static const char * const contexts[] = { VC_CONTEXT, NULL };
  static const char * const types[] = { "VerifiableCredential", "BitstringStatusListCredential", NULL };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *date = NULL;
  g_autofree char *subject_id = NULL;

  g_return_val_if_fail (list_url != NULL, NULL);
  g_return_val_if_fail (issuer_id != NULL, NULL);
  g_return_val_if_fail (encoded != NULL, NULL);

  date = format_date (valid_from);
  g_return_val_if_fail (date != NULL, NULL);
  subject_id = g_strconcat (list_url, "#list", NULL);

  json_builder_begin_object (builder);
  add_string_array (builder, "@context", contexts);
  add_string_member (builder, "id", list_url);
  add_string_array (builder, "type", types);
  add_string_member (builder, "issuer", issuer_id);
  add_string_member (builder, "validFrom", date);
  json_builder_set_member_name (builder, "credentialSubject");
  json_builder_begin_object (builder);
  add_string_member (builder, "id", subject_id);
  add_string_member (builder, "type", "BitstringStatusList");
  add_string_member (builder, "statusPurpose", "revocation");
  add_string_member (builder, "encodedList", encoded);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
