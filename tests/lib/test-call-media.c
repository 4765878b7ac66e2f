/* test-call-media.c: a call whose media fails, against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "baton-call-private.h"
#include "baton-lib-test-util.h"
#include "baton-media-session-private.h"

static BatonTestServer *server;

static gboolean
media_connected (BatonCall *call)
{
  BatonMediaSession *media = baton_call_get_media_session (call);

  return media != NULL && baton_media_session_get_state (media) == BATON_MEDIA_STATE_CONNECTED;
}

/* The peer's media goes away for good while its agent and call go on (its
 * network for media went, its audio stack hung): within the media
 * session's watchdog (10 s without a packet) the caller's call ends with
 * 410 / 301005 (API.md), and hangs up the peer's call too, so that no call
 * is left behind on either side. */
static void
test_media_lost (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  BatonCall *out, *in;

  test_connect_call (alice, bob, &out, &in);
  test_wait_until (media_connected (out) && media_connected (in));

  /* only Bob's media stops: nothing is said on the signalling connection */
  baton_media_session_close (baton_call_get_media_session (in));
  test_spin (2000);
  g_assert_cmpint (baton_call_get_state (out), ==, BATON_CALL_STATE_CONNECTED);

  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (out), ==, 410);
  g_assert_cmpuint (baton_call_get_end_subcode (out), ==, 301005);
  g_assert_nonnull (baton_call_get_end_message (out));

  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_DISCONNECTED);
  test_wait_until (g_list_model_get_n_items (baton_call_agent_get_calls (alice->agent)) == 0 &&
                   g_list_model_get_n_items (baton_call_agent_get_calls (bob->agent)) == 0);

  g_object_unref (out);
  g_object_unref (in);
  test_party_free (bob);
  test_party_free (alice);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = baton_test_server_new ();
  baton_test_server_add_user (server, "alice", "Alice Liddell");
  baton_test_server_add_user (server, "bob", "Bob Bobson");

  g_test_add_func ("/Baton/CallMedia/media-lost", test_media_lost);

  ret = g_test_run ();
  baton_test_server_free (server);
  return ret;
}
