/* test-example.c: runs examples/place-call.py (libbaton through GObject
 * introspection) against the real server, with bob answering in this process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "baton-lib-test-util.h"

static BatonTestServer *server;

static void
incoming_cb (BatonCallAgent    *agent,
             BatonIncomingCall *incoming,
             BatonCall        **call)
{
  g_autoptr(GError) error = NULL;

  *call = baton_incoming_call_accept (incoming, &error);
  g_assert_no_error (error);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL));
  *done = TRUE;
}

static void
test_place_call (void)
{
  const char *script = g_getenv ("BATON_EXAMPLE_PLACE_CALL");
  g_autofree char *token = baton_test_server_token (server, "alice", 600);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  TestParty *bob = test_party_new (server, "bob");
  BatonCall *call = NULL;
  gboolean done = FALSE;

  g_assert_nonnull (script);
  g_signal_connect (bob->agent, "incoming-call", G_CALLBACK (incoming_cb), &call);

  g_subprocess_launcher_setenv (launcher, "BATON_TOKEN", token, TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", script,
                                      "--server", baton_test_server_get_uri (server),
                                      "--talk", "0.5", "bob", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (proc, NULL, wait_cb, &done);
  test_wait_until (done);

  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  /* bob really was called by alice, was connected, and was hung up on */
  g_assert_nonnull (call);
  test_wait_until (baton_call_get_state (call) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_nonnull (baton_call_get_start_time (call));
  g_assert_cmpstr (baton_remote_participant_get_id (test_call_get_peer (call)), ==, "alice");
  g_assert_cmpuint (baton_call_get_end_code (call), ==, 0);

  test_party_free (bob);
  g_assert_finalize_object (call);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = baton_test_server_new ();
  baton_test_server_add_user (server, "alice", "Alice");
  baton_test_server_add_user (server, "bob", "Bob");

  g_test_add_func ("/Baton/Example/place-call", test_place_call);

  ret = g_test_run ();
  baton_test_server_free (server);
  return ret;
}
