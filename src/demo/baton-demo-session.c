/* baton-demo-session.c: the embedded local service with the demo contacts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real programs, as a person would by hand:
 *
 *   baton-server user add me --display-name Me --data-dir DIR   (first time)
 *   baton-server serve --listen 127.0.0.1:0 --data-dir DIR      → "listening on ws://…"
 *   baton-server token me --data-dir DIR
 *   baton-demo-bots --server ws://… --data-dir DIR --call me    → "contact…", "ready"
 *
 * The two long-running children get PR_SET_PDEATHSIG, so they end with the
 * process that started them even when it crashes; baton_demo_session_stop()
 * ends them cleanly.
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "baton-demo-cli.h"
#include "baton-demo-session.h"

#define START_TIMEOUT_S 45
#define STOP_TIMEOUT_MS 5000
#define TOKEN_TTL_S "2592000"

struct _BatonDemoSession
{
  GObject parent_instance;

  char *data_dir;
  char *server_binary;
  char *bots_binary;
  char *server_uri;
  char *token;
  GPtrArray *contacts;          /* char*: id, name, …, NULL */

  GSubprocess *server;
  GSubprocess *bots;
  GCancellable *drain;          /* cancelled on stop: the readers of their stdout */
};

G_DEFINE_FINAL_TYPE (BatonDemoSession, baton_demo_session, G_TYPE_OBJECT)

static char *
find_program (const char *env,
              const char *name)
{
  const char *path = g_getenv (env);

  if (path != NULL && *path != '\0')
    return g_strdup (path);
  return g_build_filename (BINDIR, name, NULL);
}

/* Runs in the child between fork and exec. */
static void
child_setup (gpointer user_data)
{
  pid_t parent = (pid_t) GPOINTER_TO_INT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGTERM);
  /* The parent may have died before prctl. */
  if (getppid () != parent)
    _exit (1);
}

static GSubprocess *
spawn (const char * const  *argv,
       GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_subprocess_launcher_set_child_setup (launcher, child_setup, GINT_TO_POINTER (getpid ()), NULL);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

static gboolean
ensure_user (BatonDemoSession  *self,
             GError           **error)
{
  const char *add_args[] = { "user", "add", BATON_DEMO_USER_ID, "--display-name", "Me", NULL };
  g_autoptr(GHashTable) existing = baton_demo_cli_user_ids (self->server_binary, self->data_dir, error);
  g_autofree char *added = NULL;

  if (existing == NULL)
    return FALSE;
  if (g_hash_table_contains (existing, BATON_DEMO_USER_ID))
    return TRUE;
  added = baton_demo_cli_run (self->server_binary, self->data_dir, add_args, error);
  return added != NULL;
}

/* Reading the children's stdout */

typedef struct
{
  GDataInputStream *server_out;
  GDataInputStream *bots_out;
  guint timeout_id;
  gulong cancelled_id;
} StartData;

static void
start_data_free (StartData *data)
{
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_clear_object (&data->server_out);
  g_clear_object (&data->bots_out);
  g_free (data);
}

static void
drain_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GCancellable) cancellable = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, NULL);

  if (line == NULL || g_cancellable_is_cancelled (cancellable))
    return;
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_LOW, cancellable,
                                       drain_cb, g_object_ref (cancellable));
}

/* Whatever else they print is read and dropped, so they never block on a
 * full pipe. */
static void
drain (BatonDemoSession *self,
       GDataInputStream *stream)
{
  g_data_input_stream_read_line_async (stream, G_PRIORITY_LOW, self->drain, drain_cb,
                                       g_object_ref (self->drain));
}

static gboolean
task_fail (GTask      *task,
           const char *message)
{
  if (!g_task_had_error (task) && !g_task_get_completed (task))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", message);
      return TRUE;
    }
  return FALSE;
}

static void
bots_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BatonDemoSession *self = g_task_get_source_object (task);
  StartData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, &error);
  GCancellable *cancellable;

  if (g_task_get_completed (task) || g_task_had_error (task))
    return;
  if (line == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        task_fail (task, "the demo contacts stopped before they were ready");
      baton_demo_session_stop (self);
      return;
    }
  if (g_str_has_prefix (line, "contact\t"))
    {
      g_auto(GStrv) fields = g_strsplit (line, "\t", 3);

      if (g_strv_length (fields) == 3)
        {
          g_ptr_array_insert (self->contacts, self->contacts->len - 1, g_strdup (fields[1]));
          g_ptr_array_insert (self->contacts, self->contacts->len - 1, g_strdup (fields[2]));
        }
    }
  else if (g_str_equal (line, "ready"))
    {
      g_debug ("The demo is ready on %s", self->server_uri);
      drain (self, data->bots_out);
      g_clear_handle_id (&data->timeout_id, g_source_remove);
      g_task_return_boolean (task, TRUE);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT,
                                       cancellable, bots_line_cb, g_steal_pointer (&task));
}

static void
start_bots (GTask *task)
{
  BatonDemoSession *self = g_task_get_source_object (task);
  StartData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *token_args[] = { "token", BATON_DEMO_USER_ID, "--ttl", TOKEN_TTL_S, NULL };
  const char *argv[] = { self->bots_binary, "--server", self->server_uri, "--data-dir", self->data_dir,
                         "--call", BATON_DEMO_USER_ID, "--server-binary", self->server_binary, NULL };

  g_free (self->token);
  self->token = baton_demo_cli_run (self->server_binary, self->data_dir, token_args, &error);
  if (self->token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      baton_demo_session_stop (self);
      return;
    }
  g_strstrip (self->token);

  self->bots = spawn (argv, &error);
  if (self->bots == NULL)
    {
      g_prefix_error (&error, "%s: ", self->bots_binary);
      g_task_return_error (task, g_steal_pointer (&error));
      baton_demo_session_stop (self);
      return;
    }
  data->bots_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->bots));
  g_data_input_stream_read_line_async (data->bots_out, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                       bots_line_cb, g_object_ref (task));
}

/* DATA_DIR/server-uri names the running demo service, for scripts and tests
 * (e.g. to run more bots against it); removed when it stops. */
static char *
uri_file (BatonDemoSession *self)
{
  return g_build_filename (self->data_dir, "server-uri", NULL);
}

static void
write_uri_file (BatonDemoSession *self)
{
  g_autofree char *path = uri_file (self);
  g_autofree char *contents = g_strconcat (self->server_uri, "\n", NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, contents, -1, &error))
    g_debug ("%s", error->message);
}

static void
server_line_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BatonDemoSession *self = g_task_get_source_object (task);
  StartData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, &error);
  const char *prefix = "listening on ";
  GCancellable *cancellable;

  if (g_task_get_completed (task) || g_task_had_error (task))
    return;
  if (line == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        task_fail (task, "baton-server stopped before it listened");
      baton_demo_session_stop (self);
      return;
    }
  if (g_str_has_prefix (line, prefix))
    {
      g_free (self->server_uri);
      self->server_uri = g_strstrip (g_strdup (line + strlen (prefix)));
      write_uri_file (self);
      drain (self, data->server_out);
      start_bots (task);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT,
                                       cancellable, server_line_cb, g_steal_pointer (&task));
}

static gboolean
start_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  StartData *data = g_task_get_task_data (task);

  data->timeout_id = 0;
  if (task_fail (task, "the demo did not start in time"))
    baton_demo_session_stop (g_task_get_source_object (task));
  return G_SOURCE_REMOVE;
}

void
baton_demo_session_start_async (BatonDemoSession    *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  StartData *data;
  const char *argv[] = { self->server_binary, "serve", "--listen", "127.0.0.1:0",
                         "--data-dir", self->data_dir, NULL };

  g_return_if_fail (BATON_IS_DEMO_SESSION (self));
  g_return_if_fail (self->server == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, baton_demo_session_start_async);
  data = g_new0 (StartData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) start_data_free);

  g_clear_pointer (&self->contacts, g_ptr_array_unref);
  self->contacts = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->contacts, NULL);
  g_clear_object (&self->drain);
  self->drain = g_cancellable_new ();

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "%s: %s", self->data_dir, g_strerror (saved));
      return;
    }
  if (!ensure_user (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->server = spawn (argv, &error);
  if (self->server == NULL)
    {
      g_prefix_error (&error, "%s: ", self->server_binary);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->server_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->server));
  data->timeout_id = g_timeout_add_seconds (START_TIMEOUT_S, start_timeout_cb, task);
  g_data_input_stream_read_line_async (data->server_out, G_PRIORITY_DEFAULT, cancellable,
                                       server_line_cb, g_steal_pointer (&task));
}

gboolean
baton_demo_session_start_finish (BatonDemoSession  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (BATON_IS_DEMO_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    {
      baton_demo_session_stop (self);
      return FALSE;
    }
  return TRUE;
}

/* Stopping */

static void
stop_process (GSubprocess **proc)
{
  gint64 end = g_get_monotonic_time () + STOP_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

  if (*proc == NULL)
    return;
  g_subprocess_send_signal (*proc, SIGTERM);
  /* GSubprocess reaps its child on GLib's worker thread: the identifier
   * goes away once it has exited. */
  while (g_subprocess_get_identifier (*proc) != NULL && g_get_monotonic_time () < end)
    g_usleep (10 * G_TIME_SPAN_MILLISECOND);
  if (g_subprocess_get_identifier (*proc) != NULL)
    {
      g_warning ("%s did not stop: killing it", g_subprocess_get_identifier (*proc));
      g_subprocess_force_exit (*proc);
      g_subprocess_wait (*proc, NULL, NULL);
    }
  g_clear_object (proc);
}

void
baton_demo_session_stop (BatonDemoSession *self)
{
  g_return_if_fail (BATON_IS_DEMO_SESSION (self));

  if (self->drain != NULL)
    g_cancellable_cancel (self->drain);
  /* The contacts first, so that they hang up while the service still runs. */
  stop_process (&self->bots);
  if (self->server != NULL)
    {
      g_autofree char *path = uri_file (self);

      g_unlink (path);
    }
  stop_process (&self->server);
}

gboolean
baton_demo_session_is_running (BatonDemoSession *self)
{
  g_return_val_if_fail (BATON_IS_DEMO_SESSION (self), FALSE);
  return self->server != NULL && self->bots != NULL;
}

const char *
baton_demo_session_get_data_dir (BatonDemoSession *self)
{
  g_return_val_if_fail (BATON_IS_DEMO_SESSION (self), NULL);
  return self->data_dir;
}

const char *
baton_demo_session_get_server_uri (BatonDemoSession *self)
{
  g_return_val_if_fail (BATON_IS_DEMO_SESSION (self), NULL);
  return self->server_uri;
}

const char *
baton_demo_session_get_user_id (BatonDemoSession *self)
{
  g_return_val_if_fail (BATON_IS_DEMO_SESSION (self), NULL);
  return BATON_DEMO_USER_ID;
}

const char *
baton_demo_session_get_token (BatonDemoSession *self)
{
  g_return_val_if_fail (BATON_IS_DEMO_SESSION (self), NULL);
  return self->token;
}

const char * const *
baton_demo_session_get_contacts (BatonDemoSession *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (BATON_IS_DEMO_SESSION (self), NULL);
  if (self->contacts == NULL)
    return none;
  return (const char * const *) self->contacts->pdata;
}

static GPid
pid_of (GSubprocess *proc)
{
  const char *id = proc != NULL ? g_subprocess_get_identifier (proc) : NULL;

  return id != NULL ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

GPid
baton_demo_session_get_server_pid (BatonDemoSession *self)
{
  g_return_val_if_fail (BATON_IS_DEMO_SESSION (self), 0);
  return pid_of (self->server);
}

GPid
baton_demo_session_get_bots_pid (BatonDemoSession *self)
{
  g_return_val_if_fail (BATON_IS_DEMO_SESSION (self), 0);
  return pid_of (self->bots);
}

static void
baton_demo_session_finalize (GObject *object)
{
  BatonDemoSession *self = BATON_DEMO_SESSION (object);

  baton_demo_session_stop (self);
  g_clear_object (&self->drain);
  g_clear_pointer (&self->contacts, g_ptr_array_unref);
  g_free (self->data_dir);
  g_free (self->server_binary);
  g_free (self->bots_binary);
  g_free (self->server_uri);
  g_free (self->token);

  G_OBJECT_CLASS (baton_demo_session_parent_class)->finalize (object);
}

static void
baton_demo_session_class_init (BatonDemoSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = baton_demo_session_finalize;
}

static void
baton_demo_session_init (BatonDemoSession *self)
{
  self->server_binary = find_program ("BATON_SERVER", "baton-server");
  self->bots_binary = find_program ("BATON_DEMO_BOTS", "baton-demo-bots");
}

BatonDemoSession *
baton_demo_session_new (const char *data_dir)
{
  BatonDemoSession *self = g_object_new (BATON_TYPE_DEMO_SESSION, NULL);

  if (data_dir != NULL)
    self->data_dir = g_strdup (data_dir);
  else
    self->data_dir = g_build_filename (g_get_user_data_dir (), "baton", "demo", NULL);
  return self;
}
