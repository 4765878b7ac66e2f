/* test-demo-session.c: BatonDemoSession, the embedded local service the app
 * starts for the demo — the real baton-server and baton-demo-bots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include <baton.h>

#include "baton-demo-session.h"
#include "baton-demo-test.h"

#define WAIT_FOR(cond, seconds)                                                \
  G_STMT_START {                                                               \
    gint64 _end = g_get_monotonic_time () + (gint64) (seconds) * G_USEC_PER_SEC; \
    guint _wake = g_timeout_add (20, wake_cb, NULL);                           \
    while (!(cond))                                                            \
      {                                                                        \
        if (g_get_monotonic_time () > _end)                                    \
          g_error ("%s:%d: timed out after %d s waiting for %s",               \
                   __FILE__, __LINE__, (int) (seconds), #cond);                \
        g_main_context_iteration (NULL, TRUE);                                 \
      }                                                                        \
    g_source_remove (_wake);                                                   \
  } G_STMT_END

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
start (BatonDemoSession  *session,
       GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  baton_demo_session_start_async (session, NULL, result_cb, &result);
  WAIT_FOR (result != NULL, 60);
  return baton_demo_session_start_finish (session, result, error);
}

static void
agent_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(BatonCallAgent **) user_data =
    baton_call_client_create_call_agent_finish (BATON_CALL_CLIENT (object), result, &error);
  g_assert_no_error (error);
}

static char *
new_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("baton-demo-test-XXXXXX", &error);

  g_assert_no_error (error);
  /* a directory to be made by the session */
  return g_build_filename (tmp, "demo", NULL);
}

/* Starts, signs "me" in with the token it gives, and the demo contacts are
 * there; stopping leaves no process behind. A second start on the same data
 * dir (users already made) works too. */
static void
test_start_stop (void)
{
  g_autofree char *data_dir = new_data_dir ();

  for (int round = 0; round < 2; round++)
    {
      g_autoptr(BatonDemoSession) session = baton_demo_session_new (data_dir);
      g_autoptr(GError) error = NULL;
      g_autoptr(BatonCallClient) client = baton_call_client_new ();
      g_autoptr(BatonTokenCredential) credential = NULL;
      g_autoptr(BatonCallAgentOptions) options = NULL;
      g_autoptr(BatonCallAgent) agent = NULL;
      BatonCall *call;
      const char * const *contacts;
      GPid server_pid, bots_pid;
      guint n = 0;

      g_assert_true (start (session, &error));
      g_assert_no_error (error);
      g_assert_true (baton_demo_session_is_running (session));
      g_assert_true (g_str_has_prefix (baton_demo_session_get_server_uri (session), "ws://127.0.0.1:"));
      g_assert_cmpstr (baton_demo_session_get_user_id (session), ==, "me");
      g_assert_true (g_file_test (data_dir, G_FILE_TEST_IS_DIR));

      contacts = baton_demo_session_get_contacts (session);
      for (; contacts[n] != NULL; n += 2)
        g_assert_nonnull (contacts[n + 1]);
      g_assert_cmpuint (n / 2, ==, 7);
      g_assert_cmpstr (contacts[0], ==, "echo");
      g_assert_cmpstr (contacts[1], ==, "Echo test");

      server_pid = baton_demo_session_get_server_pid (session);
      bots_pid = baton_demo_session_get_bots_pid (session);
      g_assert_true (demo_process_alive (server_pid));
      g_assert_true (demo_process_alive (bots_pid));
      g_assert_cmpuint (demo_count_processes (data_dir), ==, 2);

      credential = baton_token_credential_new (baton_demo_session_get_token (session));
      options = baton_call_agent_options_new (baton_demo_session_get_server_uri (session));
      baton_call_client_create_call_agent_async (client, credential, options, NULL, agent_cb, &agent);
      WAIT_FOR (agent != NULL, 20);
      g_assert_cmpstr (baton_call_agent_get_user_id (agent), ==, "me");

      /* the echo test answers */
      call = baton_call_agent_start_call (agent, "echo", &error);
      g_assert_no_error (error);
      WAIT_FOR (baton_call_get_state (call) == BATON_CALL_STATE_CONNECTED, 20);
      g_object_unref (call);

      baton_demo_session_stop (session);
      g_assert_false (baton_demo_session_is_running (session));
      g_assert_false (demo_process_alive (server_pid));
      g_assert_false (demo_process_alive (bots_pid));
      g_assert_cmpuint (demo_count_processes (data_dir), ==, 0);
      baton_call_agent_shutdown (agent);
    }
}

static void
helper_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* The program that started the demo dies without a word (SIGKILL): the
 * server and the bots go with it. The helper is this program with
 * --helper DIR. */
static void
test_parent_killed (void)
{
  g_autofree char *data_dir = new_data_dir ();
  g_autoptr(GSubprocess) helper = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);

  g_autofree char *needle = g_strconcat ("--data-dir ", data_dir, NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  /* should this test fail, the helper goes too */
  g_subprocess_launcher_set_child_setup (launcher, helper_setup, NULL, NULL);
  helper = g_subprocess_launcher_spawn (launcher, &error, self_exe, "--helper", data_dir, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (helper));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "started");
  /* the server and the bots */
  g_assert_cmpuint (demo_count_processes (needle), ==, 2);

  g_subprocess_force_exit (helper);
  g_subprocess_wait (helper, NULL, &error);
  g_assert_no_error (error);
  WAIT_FOR (demo_count_processes (needle) == 0, 10);
}

/* Without a server program the start fails with a reason, and nothing runs. */
static void
test_no_server (void)
{
  g_autofree char *data_dir = new_data_dir ();
  g_autofree char *saved = g_strdup (g_getenv ("BATON_SERVER"));
  g_autoptr(BatonDemoSession) session = NULL;
  g_autoptr(GError) error = NULL;

  g_setenv ("BATON_SERVER", "/nonexistent/baton-server", TRUE);
  session = baton_demo_session_new (data_dir);
  g_setenv ("BATON_SERVER", saved, TRUE);
  g_assert_false (start (session, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/baton-server"));
  g_assert_false (baton_demo_session_is_running (session));
  g_assert_cmpuint (demo_count_processes (data_dir), ==, 0);
}

static int
helper_main (const char *data_dir)
{
  g_autoptr(BatonDemoSession) session = baton_demo_session_new (data_dir);
  g_autoptr(GError) error = NULL;

  if (!start (session, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf ("started\n");
  fflush (stdout);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--helper"))
    return helper_main (argv[2]);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Baton/Demo/session/start-stop", test_start_stop);
  g_test_add_func ("/Baton/Demo/session/parent-killed", test_parent_killed);
  g_test_add_func ("/Baton/Demo/session/no-server", test_no_server);
  return g_test_run ();
}
