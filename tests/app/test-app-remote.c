/* test-app-remote.c: `baton …` run again while Baton runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app runs as the session's only instance (signed in as tom with
 * --server); the tests run the real `baton` binary again, as a person would
 * from a terminal or a script, and check what the running app did with the
 * options and what the second command printed and returned.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "baton-app-test.h"

typedef struct
{
  gboolean done;
  int status;
  char *out;
  char *err;
} Run;

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (object));
  run->done = TRUE;
}

/* Runs `baton ARGS…` with BATON_TOKEN set to @token (or unset) and waits
 * for it, while the running app handles what it is sent. */
static Run *
run_baton (const char *token,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Run *run = g_new0 (Run, 1);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("BATON_APP"));
  va_start (args, token);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (token != NULL)
    g_subprocess_launcher_setenv (launcher, "BATON_TOKEN", token, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "BATON_TOKEN");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_cb, run);
  BATON_WAIT_FOR (run->done, 20);
  g_test_message ("baton exited with %d; stderr: %s", run->status, run->err);
  return run;
}

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static const char *
app_user (void)
{
  BatonCallAgent *agent = baton_app_test_agent ();

  return agent != NULL ? baton_call_agent_get_user_id (agent) : NULL;
}

/* --version is answered by the new process itself. */
static void
test_remote_version (void)
{
  g_autoptr(Run) run = run_baton (NULL, "--version", NULL);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->out, ==, "baton " PACKAGE_VERSION "\n");
}

/* No option: the running app's window comes forward (here: shown again
 * after it was hidden), nothing else changes. */
static void
test_remote_present (void)
{
  BatonCallAgent *agent = baton_app_test_agent ();
  g_autoptr(Run) run = NULL;

  gtk_widget_set_visible (GTK_WIDGET (baton_app_test_window ()), FALSE);
  run = run_baton (NULL, NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (baton_app_test_agent () == agent);
  g_assert_cmpstr (app_user (), ==, "tom");
  BATON_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (baton_app_test_window ())), 5);
}

/* --server without BATON_TOKEN: refused, with the reason on the caller's
 * stderr and exit status 1; the app stays signed in. */
static void
test_remote_server_without_token (void)
{
  g_autoptr(Run) run = run_baton (NULL, "--server", baton_test_server_get_uri (T->server), NULL);

  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "BATON_TOKEN"));
  g_assert_cmpstr (app_user (), ==, "tom");
  g_assert_cmpint (baton_call_agent_get_connection_state (baton_app_test_agent ()), ==,
                   BATON_CONNECTION_STATE_CONNECTED);
}

/* Another account while a call is in progress: refused, the call goes on. */
static void
test_remote_server_refused_in_call (void)
{
  g_autofree char *token = baton_test_server_token (T->server, "dave", 3600);
  BatonCall *call = baton_app_test_answer_call_from ("alice");
  g_autoptr(Run) run = run_baton (token, "--server", baton_test_server_get_uri (T->server), NULL);

  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "calls in progress"));
  g_assert_cmpstr (app_user (), ==, "tom");
  g_assert_cmpint (baton_call_get_state (call), ==, BATON_CALL_STATE_CONNECTED);
  baton_app_test_hang_up_all (baton_app_test_peer ("alice", FALSE));
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 10);
}

/* `BATON_TOKEN=… baton --server URI` while Baton runs: the running app signs
 * in with that token (here: as dave) and can be called as dave. */
static void
test_remote_server_switches_account (void)
{
  g_autofree char *token = baton_test_server_token (T->server, "dave", 3600);
  g_autoptr(Run) run = run_baton (token, "--server", baton_test_server_get_uri (T->server), NULL);
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  g_autoptr(BatonCall) call = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run->status, ==, 0);
  BATON_WAIT_FOR (g_strcmp0 (app_user (), "dave") == 0, 15);
  g_assert_cmpint (baton_call_agent_get_connection_state (baton_app_test_agent ()), ==,
                   BATON_CONNECTION_STATE_CONNECTED);

  call = baton_call_agent_start_call (alice, "dave", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (baton_application_get_incoming_calls (T->app)) == 1, 15);
  baton_call_hang_up (call);
  BATON_WAIT_FOR (g_list_model_get_n_items (baton_application_get_incoming_calls (T->app)) == 0, 15);
}

/* Without its settings schema (started from a build tree without `meson
 * devenv`, or installed without it) baton says what is missing and exits
 * with 1; GLib used to abort it in g_settings_new () with a core dump. */
static void
test_remote_no_schema (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *empty = g_dir_make_tmp ("baton-no-schema-XXXXXX", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (empty);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", empty, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", empty, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("BATON_APP"), "--version", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_test_message ("baton without its schema: %s", err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_nonnull (strstr (err, APP_ID));
  g_rmdir (empty);
}

int
main (int   argc,
      char *argv[])
{
  baton_app_test_init (&argc, &argv, "tom", "Tom Baker",
                       "alice", "Alice Liddell",
                       "dave", "Dave Davies",
                       NULL);
  T->unique = TRUE;
  g_test_add_func ("/Baton/App/remote-version", test_remote_version);
  g_test_add_func ("/Baton/App/remote-no-schema", test_remote_no_schema);
  g_test_add_func ("/Baton/App/remote-present", test_remote_present);
  g_test_add_func ("/Baton/App/remote-server-without-token", test_remote_server_without_token);
  g_test_add_func ("/Baton/App/remote-server-refused-in-call", test_remote_server_refused_in_call);
  g_test_add_func ("/Baton/App/remote-server-switches-account", test_remote_server_switches_account);
  return baton_app_test_run ();
}
