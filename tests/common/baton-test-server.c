/* baton-test-server.c: run the real baton-server from C tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "baton-test-server.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#define START_TIMEOUT_S 15
#define STOP_TIMEOUT_S 15

struct _BatonTestServer
{
  char *binary;
  char *data_dir;
  char *uri;
  guint16 port;
  GStrv extra_args;
  GSubprocess *proc;
  GDataInputStream *out;
};

static const char *
server_binary (void)
{
  const char *bin = g_getenv ("BATON_SERVER");

  if (bin == NULL || *bin == '\0')
    g_error ("BATON_SERVER is not set (path of the baton-server binary)");
  return bin;
}

typedef struct
{
  gboolean done;
  char *line;
  GError *error;
} LineWait;

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineWait *w = user_data;

  w->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                       result, NULL, &w->error);
  w->done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* The server must not outlive a test that crashed or was killed. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start (BatonTestServer *self)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", self->port);
  gboolean timed_out = FALSE;
  GSource *timeout;
  const char *prefix = "listening on ";

  g_assert_null (self->proc);

  g_ptr_array_add (argv, g_strdup (self->binary));
  g_ptr_array_add (argv, g_strdup ("serve"));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup (listen));
  g_ptr_array_add (argv, g_strdup ("--data-dir"));
  g_ptr_array_add (argv, g_strdup (self->data_dir));
  for (guint i = 0; self->extra_args && self->extra_args[i]; i++)
    g_ptr_array_add (argv, g_strdup (self->extra_args[i]));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  self->proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  self->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->proc));

  g_main_context_push_thread_default (ctx);
  timeout = g_timeout_source_new_seconds (START_TIMEOUT_S);
  g_source_set_callback (timeout, timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, ctx);

  for (;;)
    {
      LineWait w = { 0 };

      g_data_input_stream_read_line_async (self->out, G_PRIORITY_DEFAULT, NULL,
                                           read_line_cb, &w);
      while (!w.done && !timed_out)
        g_main_context_iteration (ctx, TRUE);
      if (!w.done)
        g_error ("baton-server did not print its listening line within %d s", START_TIMEOUT_S);
      g_assert_no_error (w.error);
      if (w.line == NULL)
        g_error ("baton-server exited before listening");
      if (g_str_has_prefix (w.line, prefix))
        {
          const char *colon;

          g_free (self->uri);
          self->uri = g_strdup (w.line + strlen (prefix));
          g_strchomp (self->uri);
          colon = strrchr (self->uri, ':');
          g_assert_nonnull (colon);
          self->port = (guint16) g_ascii_strtoull (colon + 1, NULL, 10);
          g_assert_cmpuint (self->port, >, 0);
          g_free (w.line);
          break;
        }
      g_free (w.line);
    }

  g_source_destroy (timeout);
  g_source_unref (timeout);
  g_main_context_pop_thread_default (ctx);
}

BatonTestServer *
baton_test_server_new_full (const char * const *extra_serve_args)
{
  BatonTestServer *self = g_new0 (BatonTestServer, 1);
  g_autoptr(GError) error = NULL;

  self->binary = g_strdup (server_binary ());
  self->data_dir = g_dir_make_tmp ("baton-test-server-XXXXXX", &error);
  g_assert_no_error (error);
  self->extra_args = g_strdupv ((char **) extra_serve_args);
  start (self);
  return self;
}

BatonTestServer *
baton_test_server_new (void)
{
  return baton_test_server_new_full (NULL);
}

const char *
baton_test_server_get_uri (BatonTestServer *self)
{
  return self->uri;
}

guint16
baton_test_server_get_port (BatonTestServer *self)
{
  return self->port;
}

const char *
baton_test_server_get_data_dir (BatonTestServer *self)
{
  return self->data_dir;
}

GPid
baton_test_server_get_pid (BatonTestServer *self)
{
  const char *id;

  if (self->proc == NULL)
    return 0;
  id = g_subprocess_get_identifier (self->proc);
  return id ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

gboolean
baton_test_server_is_running (BatonTestServer *self)
{
  return self->proc != NULL;
}

int
baton_test_server_run_cli (BatonTestServer    *self,
                           const char * const *args,
                           char              **out_stdout,
                           char              **out_stderr)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *so = NULL;
  g_autofree char *se = NULL;
  int status;

  g_ptr_array_add (argv, self->binary);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, self->data_dir);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &so, &se, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  status = g_subprocess_get_exit_status (proc);

  if (out_stdout)
    *out_stdout = g_steal_pointer (&so);
  if (out_stderr)
    *out_stderr = g_steal_pointer (&se);
  return status;
}

static void
run_cli_ok (BatonTestServer    *self,
            const char * const *args,
            char              **out_stdout)
{
  g_autofree char *err = NULL;
  int status = baton_test_server_run_cli (self, args, out_stdout, &err);

  if (status != 0)
    g_error ("baton-server %s failed (%d): %s", args[0], status, err);
}

void
baton_test_server_add_user (BatonTestServer *self,
                            const char      *id,
                            const char      *display_name)
{
  if (display_name)
    {
      const char *args[] = { "user", "add", id, "--display-name", display_name, NULL };
      run_cli_ok (self, args, NULL);
    }
  else
    {
      const char *args[] = { "user", "add", id, NULL };
      run_cli_ok (self, args, NULL);
    }
}

char *
baton_test_server_token (BatonTestServer *self,
                         const char      *user,
                         gint64           ttl_seconds)
{
  g_autofree char *ttl = g_strdup_printf ("%" G_GINT64_FORMAT, ttl_seconds);
  const char *args[] = { "token", user, "--ttl", ttl, NULL };
  char *out = NULL;

  run_cli_ok (self, args, &out);
  g_strstrip (out);
  g_assert_cmpstr (out, !=, "");
  return out;
}

void
baton_test_server_set_forwarding (BatonTestServer *self,
                                  const char      *user,
                                  const char      *always,
                                  const char      *unanswered,
                                  int              after_seconds)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (args, g_strdup ("forwarding"));
  g_ptr_array_add (args, g_strdup (user));
  /* exactly these settings: clear, then set */
  g_ptr_array_add (args, g_strdup ("--clear"));
  if (always)
    {
      g_ptr_array_add (args, g_strdup ("--always"));
      g_ptr_array_add (args, g_strdup (always));
    }
  if (unanswered)
    {
      g_ptr_array_add (args, g_strdup ("--unanswered"));
      g_ptr_array_add (args, g_strdup (unanswered));
    }
  if (after_seconds > 0)
    {
      g_ptr_array_add (args, g_strdup ("--after"));
      g_ptr_array_add (args, g_strdup_printf ("%d", after_seconds));
    }
  g_ptr_array_add (args, NULL);
  run_cli_ok (self, (const char * const *) args->pdata, NULL);
}

typedef struct
{
  gboolean done;
  GError *error;
} ExitWait;

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ExitWait *w = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, &w->error);
  w->done = TRUE;
}

static void
wait_exit (BatonTestServer *self)
{
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  ExitWait w = { 0 };
  gboolean timed_out = FALSE;
  GSource *timeout;

  g_main_context_push_thread_default (ctx);
  timeout = g_timeout_source_new_seconds (STOP_TIMEOUT_S);
  g_source_set_callback (timeout, timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, ctx);
  g_subprocess_wait_async (self->proc, NULL, wait_cb, &w);
  while (!w.done && !timed_out)
    g_main_context_iteration (ctx, TRUE);
  if (!w.done)
    {
      g_subprocess_force_exit (self->proc);
      while (!w.done)
        g_main_context_iteration (ctx, TRUE);
    }
  g_source_destroy (timeout);
  g_source_unref (timeout);
  g_main_context_pop_thread_default (ctx);
  g_assert_no_error (w.error);
  if (timed_out)
    g_error ("baton-server did not exit within %d s", STOP_TIMEOUT_S);
}

static void
clear_proc (BatonTestServer *self)
{
  g_clear_object (&self->out);
  g_clear_object (&self->proc);
}

void
baton_test_server_stop (BatonTestServer *self)
{
  g_assert_nonnull (self->proc);
  g_subprocess_send_signal (self->proc, SIGTERM);
  wait_exit (self);
  g_assert_true (g_subprocess_get_if_exited (self->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (self->proc), ==, 0);
  clear_proc (self);
}

void
baton_test_server_kill (BatonTestServer *self)
{
  g_assert_nonnull (self->proc);
  g_subprocess_send_signal (self->proc, SIGKILL);
  wait_exit (self);
  clear_proc (self);
}

void
baton_test_server_restart (BatonTestServer *self)
{
  if (self->proc)
    baton_test_server_stop (self);
  start (self);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
baton_test_server_free (BatonTestServer *self)
{
  if (self == NULL)
    return;
  if (self->proc)
    {
      g_subprocess_send_signal (self->proc, SIGTERM);
      wait_exit (self);
      clear_proc (self);
    }
  if (self->data_dir)
    remove_dir (self->data_dir);
  g_free (self->binary);
  g_free (self->data_dir);
  g_free (self->uri);
  g_strfreev (self->extra_args);
  g_free (self);
}
