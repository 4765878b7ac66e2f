/* test-call-media.c: a call whose media fails, against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <unistd.h>

#include "baton-call-private.h"
#include "baton-lib-test-util.h"
#include "baton-media-session-private.h"
#include "baton-test-audio.h"
#include "baton-test-devices.h"

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

typedef struct
{
  TestParty       *party;
  BatonTestDevice *mic;
  BatonTestDevice *speaker;
} DeviceParty;

static void
device_party_init (DeviceParty *p,
                   const char  *user)
{
  g_autofree char *mic = g_strdup_printf ("baton-cm-mic-%s", user);
  g_autofree char *speaker = g_strdup_printf ("baton-cm-speaker-%s", user);

  p->mic = baton_test_device_add_microphone (mic, mic);
  p->speaker = baton_test_device_add_speaker (speaker, speaker);
  p->party = test_party_new (server, user);
  baton_test_select_devices (baton_call_client_get_device_manager (p->party->client),
                             baton_test_device_get_name (p->mic),
                             baton_test_device_get_node (p->speaker));
}

static void
device_party_clear (DeviceParty *p)
{
  test_party_free (p->party);
  baton_test_device_remove (p->mic);
  baton_test_device_remove (p->speaker);
}

/* Capture streams on the party's microphone, playback streams on its speaker */
static guint
mic_streams (DeviceParty *p)
{
  return baton_test_stream_links (baton_test_device_get_name (p->mic), "", "|->");
}

static guint
speaker_streams (DeviceParty *p)
{
  return baton_test_stream_links (baton_test_device_get_node (p->speaker), "playback_", "|<-");
}

/* A call on hold, on either side, captures and plays nothing: PipeWire has
 * no playback stream of it on either party's speaker, and its capture
 * streams are corked, none running (so nothing is captured, processed,
 * encoded from the microphone, decoded or played; the capture streams are
 * kept, not made anew at each resume: that cost a WirePlumber link and a
 * stream start before the far side heard anything, and under load seconds
 * of silence), while the call itself stays up past the media watchdog
 * (the session sends a frame of encoded silence now and then); resumed,
 * both parties' streams run again. */
static void
test_held_stops_devices (void)
{
  DeviceParty alice, bob;
  BatonCall *out, *in;

  device_party_init (&alice, "alice");
  device_party_init (&bob, "bob");

  test_connect_call (alice.party, bob.party, &out, &in);
  test_wait_until (media_connected (out) && media_connected (in));
  test_wait_until (mic_streams (&alice) > 0 && mic_streams (&bob) > 0 &&
                   speaker_streams (&alice) > 0 && speaker_streams (&bob) > 0);

  baton_call_hold_async (out, NULL, NULL, NULL);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_LOCAL_HOLD &&
                   baton_call_get_state (in) == BATON_CALL_STATE_REMOTE_HOLD);
  test_wait_until (speaker_streams (&alice) + speaker_streams (&bob) == 0 &&
                   baton_test_running_capture_streams () == 0);

  /* past the media watchdog (10 s): both calls still up, still nothing running */
  test_spin (11000);
  g_assert_cmpint (baton_call_get_state (out), ==, BATON_CALL_STATE_LOCAL_HOLD);
  g_assert_cmpint (baton_call_get_state (in), ==, BATON_CALL_STATE_REMOTE_HOLD);
  g_assert_true (media_connected (out) && media_connected (in));
  g_assert_cmpuint (speaker_streams (&alice) + speaker_streams (&bob), ==, 0);
  g_assert_cmpuint (baton_test_running_capture_streams (), ==, 0);

  baton_call_resume_async (out, NULL, NULL, NULL);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_CONNECTED &&
                   baton_call_get_state (in) == BATON_CALL_STATE_CONNECTED);
  test_wait_until (mic_streams (&alice) > 0 && mic_streams (&bob) > 0 &&
                   speaker_streams (&alice) > 0 && speaker_streams (&bob) > 0 &&
                   baton_test_running_capture_streams () >= 2);

  baton_call_hang_up (out);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_DISCONNECTED);
  g_object_unref (out);
  g_object_unref (in);
  device_party_clear (&bob);
  device_party_clear (&alice);
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
  if (g_getenv ("BATON_TEST_MIC") != NULL)
    g_test_add_func ("/Baton/CallMedia/held-stops-devices", test_held_stops_devices);

  ret = g_test_run ();
  baton_test_server_free (server);
  return ret;
}
