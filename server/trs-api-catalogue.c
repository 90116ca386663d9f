/* trs-api-catalogue.c: the routes of the course catalogue and the
 * courses' packages (docs/api.md)
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "trellis-server"

#include <fcntl.h>
#include <sys/stat.h>



#include "trs-api-private.h"

/* ----------------------------------------------------------------------- */
/* The course catalogue                                                     */

static void
courses_done (Request      *req,
              gpointer      value,
              const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "courses");
  json_builder_begin_array (builder);
  for (guint i = 0; i < req->api->courses->len; i++)
    add_course (builder, g_ptr_array_index (req->api->courses, i), FALSE);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

void
handle_courses (Request *req)
{
  request_read_now (req, NULL, NULL, courses_done);
}

static void
course_done (Request      *req,
             gpointer      value,
             const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  TrCourse *course;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  course = find_course (req->api, req->param);
  if (course == NULL)
    {
      request_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "no such course");
      return;
    }
  add_course (builder, course, TRUE);
  request_reply_builder (req, SOUP_STATUS_OK, builder);
}

void
handle_course (Request *req)
{
  request_read_now (req, NULL, NULL, course_done);
}

typedef struct
{
  char   *path;      /* relative, with "/" */
  GBytes *bytes;
} PackageFile;

static void
package_file_free (PackageFile *file)
{
  g_free (file->path);
  g_bytes_unref (file->bytes);
  g_free (file);
}

static int
compare_package_files (gconstpointer a,
                       gconstpointer b)
{
  const PackageFile *x = *(const PackageFile * const *) a;
  const PackageFile *y = *(const PackageFile * const *) b;

  return strcmp (x->path, y->path);
}

/* The bytes of a regular file, without following a link at its last step
 * (the folders above it were checked on the way down). */
static GBytes *
read_regular_file (const char  *path,
                   GError     **error)
{
  g_autofree char *data = NULL;
  struct stat info;
  gsize length = 0;
  int fd;

  fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &info) != 0 || !S_ISREG (info.st_mode))
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "cannot read %s: %s", path,
                   g_strerror (saved_errno));
      return NULL;
    }
  data = g_malloc (info.st_size + 1);
  while (length < (gsize) info.st_size)
    {
      gssize n = read (fd, data + length, info.st_size - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved_errno = n < 0 ? errno : EIO;

          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "cannot read %s: %s", path,
                       g_strerror (saved_errno));
          return NULL;
        }
      length += n;
    }
  close (fd);
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

/* The files of a course as tr_course_compute_version() counts them: no
 * hidden files, no links, nothing outside the folder. */
static gboolean
collect_package_files (const char  *root,
                       const char  *relative,
                       GPtrArray   *into,
                       GError     **error)
{
  g_autofree char *path = relative != NULL ? g_build_filename (root, relative, NULL) : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (path, 0, error);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = relative != NULL ? g_strconcat (relative, "/", name, NULL) : g_strdup (name);
      g_autofree char *child_path = g_build_filename (root, child, NULL);
      struct stat info;

      if (name[0] == '.' || lstat (child_path, &info) != 0 || S_ISLNK (info.st_mode))
        continue;
      if (S_ISDIR (info.st_mode))
        {
          if (!collect_package_files (root, child, into, error))
            return FALSE;
        }
      else if (S_ISREG (info.st_mode))
        {
          PackageFile *file = g_new0 (PackageFile, 1);

          file->bytes = read_regular_file (child_path, error);
          if (file->bytes == NULL)
            {
              g_free (file);
              return FALSE;
            }
          file->path = g_steal_pointer (&child);
          g_ptr_array_add (into, file);
        }
    }
  return TRUE;
}

static void
package_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TrCourse *course = task_data;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) package_file_free);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  const char *version;
  char *data;
  gsize length;

  if (!collect_package_files (tr_course_get_dir (course), NULL, files, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_sort (files, compare_package_files);

  /* The version of the bytes sent, as the client computes it: if the folder
   * changed since the server started, the package still checks out. */
  for (guint i = 0; i < files->len; i++)
    {
      PackageFile *file = g_ptr_array_index (files, i);
      g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (file->bytes));
      gsize file_length;
      const guchar *file_data = g_bytes_get_data (file->bytes, &file_length);

      g_checksum_update (checksum, (const guchar *) file->path, strlen (file->path) + 1);
      g_checksum_update (checksum, (const guchar *) size, strlen (size) + 1);
      if (file_length > 0)
        g_checksum_update (checksum, file_data, file_length);
    }
  version = g_checksum_get_string (checksum);
  if (g_strcmp0 (version, tr_course_get_version (course)) != 0)
    g_message ("course %s changed on disk since it was loaded", tr_course_get_id (course));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, tr_course_get_id (course));
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, version);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < files->len; i++)
    {
      PackageFile *file = g_ptr_array_index (files, i);
      gsize file_length;
      const guchar *file_data = g_bytes_get_data (file->bytes, &file_length);
      g_autofree char *encoded = g_base64_encode (file_data, file_length);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, file->path);
      json_builder_set_member_name (builder, "data");
      json_builder_add_string_value (builder, encoded);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  data = node_to_data (root, &length);
  g_task_return_pointer (task, g_bytes_new_take (data, length), (GDestroyNotify) g_bytes_unref);
}

static void
package_built_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Request *req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_task_propagate_pointer (G_TASK (result), &error);
  gsize length;
  gpointer data;

  if (bytes == NULL)
    {
      request_reply_internal (req, error);
      return;
    }
  data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &length);
  request_reply_take (req, SOUP_STATUS_OK, "application/json", data, length);
}

static void
package_done (Request      *req,
              gpointer      value,
              const GError *error)
{
  g_autoptr(GTask) task = NULL;
  TrCourse *course;

  if (error != NULL)
    {
      request_reply_failure (req, error);
      return;
    }
  course = find_course (req->api, req->param);
  if (course == NULL)
    {
      request_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "no such course");
      return;
    }
  /* Reading and encoding the files is slow work: not on the main context. */
  request_pause (req);
  task = g_task_new (NULL, NULL, package_built_cb, req);
  g_task_set_source_tag (task, package_done);
  g_task_set_task_data (task, g_object_ref (course), g_object_unref);
  g_task_run_in_thread (task, package_thread);
}

void
handle_package (Request *req)
{
  request_read_now (req, NULL, NULL, package_done);
}

