/* test-demo-bots.c: baton-demo-bots against the real baton-server, driven by
 * a real SDK agent of the local user "me"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One server and one bots process for the whole program: the cases run in
 * order (the first one takes Dave's call, which he places once "me" is
 * online). Built twice: demo-bots (signaling) and, with DEMO_TEST_AUDIO,
 * demo-bots-audio (what "me" hears), so each stays well under a minute.
 */
#include "baton-lib-test-util.h"
#include "baton-test-client.h"
#include "baton-demo-test.h"
#include "baton-test-audio.h"

#ifndef DEMO_TEST_AUDIO
#define DEMO_TEST_AUDIO 0
#endif

#define RECORD_MS 800
#define TRIES     12
#define ME_HZ     1000
#define DEFAULT_MIC_HZ 300
/* The colleagues' beeps (baton-demo-bots.c: set_audio ()) */
#define ALICE_HZ  554
#define BOB_HZ    659

static const char *bot_ids[] = { "echo", "alice", "bob", "carol", "dave", "erin", "frank" };

static BatonTestServer *server;
static DemoBots *bots;
static TestParty *me;
static BatonTestDevice *me_mic, *me_speaker;
static BatonTestTone *me_tone;

static BatonAudioDevice *
find_device (GListModel *model,
             const char *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BatonAudioDevice) device = g_list_model_get_item (model, i);

      if (g_str_equal (baton_audio_device_get_id (device), id))
        return device;
    }
  return NULL;
}

/* "me" talks into a virtual microphone of its own (a 1000 Hz tone) and
 * listens on a virtual speaker of its own; the session's default
 * microphone, which the bots must not use, plays another tone. */
static void
me_use_own_devices (void)
{
  BatonDeviceManager *devices = baton_call_client_get_device_manager (me->client);
  GListModel *mics = baton_device_manager_get_microphones (devices);
  GListModel *speakers = baton_device_manager_get_speakers (devices);

  test_wait_until (find_device (mics, "baton-demo-me-mic") && find_device (speakers, "baton-demo-me-speaker"));
  baton_device_manager_select_microphone (devices, find_device (mics, "baton-demo-me-mic"));
  baton_device_manager_select_speaker (devices, find_device (speakers, "baton-demo-me-speaker"));
}

/* Records me's speaker until @hz is heard; asserts that @not_hz (0-terminated)
 * are not. */
static void
me_hears (double        hz,
          const double *not_hz)
{
  for (guint i = 0; i < TRIES; i++)
    {
      g_autoptr(BatonTestSpectrum) s = baton_test_record_speaker (baton_test_device_get_node (me_speaker), RECORD_MS);

      g_test_message ("me hears: peak %.0f Hz at %.1f dB", baton_test_spectrum_peak_hz (s),
                      baton_test_spectrum_peak_db (s));
      if (!baton_test_spectrum_has_tone (s, hz))
        continue;
      for (guint k = 0; not_hz[k] > 0; k++)
        g_assert_false (baton_test_spectrum_has_tone (s, not_hz[k]));
      return;
    }
  g_error ("me never heard %.0f Hz", hz);
}

static BatonCall *
call (const char *callee)
{
  g_autoptr(GError) error = NULL;
  BatonCall *c = baton_call_agent_start_call (me->agent, callee, &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c;
}

static void
hang_up_all (void)
{
  GListModel *calls = baton_call_agent_get_calls (me->agent);

  while (g_list_model_get_n_items (calls) > 0)
    {
      g_autoptr(BatonCall) c = g_list_model_get_item (calls, 0);

      baton_call_hang_up (c);
      test_wait_until (baton_call_get_state (c) == BATON_CALL_STATE_DISCONNECTED);
    }
}

static void
assert_connected_to (BatonCall  *c,
                     const char *peer)
{
  test_wait_until (baton_call_get_state (c) == BATON_CALL_STATE_CONNECTED ||
                   baton_call_get_state (c) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpint (baton_call_get_state (c), ==, BATON_CALL_STATE_CONNECTED);
  g_assert_cmpstr (baton_remote_participant_get_id (test_call_get_peer (c)), ==, peer);
}

/* Every demo contact is registered with the service (its directory says
 * online) under its display name, and the bots said who they are. */
static void
test_contacts_online (void)
{
  g_autofree char *token = baton_test_server_token (server, "me", 600);
  BatonTestClient *client = btc_new_registered (baton_test_server_get_uri (server), token);
  g_autoptr(JsonObject) reply = btc_ok (client, "{'type':'users.list'}");
  JsonArray *users = json_object_get_array_member (reply, "users");

  g_assert_cmpuint (bots->contacts->len, ==, G_N_ELEMENTS (bot_ids));
  for (guint i = 0; i < G_N_ELEMENTS (bot_ids); i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < json_array_get_length (users); j++)
        {
          JsonObject *user = json_array_get_object_element (users, j);

          if (!g_str_equal (json_object_get_string_member (user, "id"), bot_ids[i]))
            continue;
          found = TRUE;
          g_assert_true (json_object_get_boolean_member (user, "online"));
          g_assert_true (g_str_has_prefix (g_ptr_array_index (bots->contacts, i), bot_ids[i]));
          g_assert_cmpstr (strchr (g_ptr_array_index (bots->contacts, i), '\t') + 1, ==,
                           json_object_get_string_member (user, "display_name"));
        }
      g_assert_true (found);
    }
  g_assert_cmpstr (strchr (g_ptr_array_index (bots->contacts, 0), '\t') + 1, ==, "Echo test");
  btc_free (client);
}

/* Dave calls "me" soon after the start (he tried while "me" was offline). */
static void
test_calls_you (void)
{
  BatonIncomingCall *incoming = test_party_wait_incoming (me);
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) c = NULL;

  g_assert_cmpstr (baton_incoming_call_get_caller_id (incoming), ==, "dave");
  g_assert_cmpstr (baton_incoming_call_get_caller_display_name (incoming), ==, "Dave · calls you");
  c = baton_incoming_call_accept (incoming, &error);
  g_assert_no_error (error);
  assert_connected_to (c, "dave");
  hang_up_all ();
}

static void
test_echo_answers (void)
{
  g_autoptr(BatonCall) c = call ("echo");

  assert_connected_to (c, "echo");
  hang_up_all ();
}

/* Me's voice in the echo test: beeps of random pitch, length and spacing
 * (baton_test_voice_start()) in a band none of the other sounds is in. */
#define ME_VOICE_LO_HZ 1600
#define ME_VOICE_HI_HZ 2400

/* The echo test plays back what it hears: me hears its own voice (and not
 * the default microphone's tone, which the bots do not open). Me says
 * voice-like beeps rather than a steady tone: a steady tone (or beeps at a
 * fixed interval) that comes back is, to me's echo canceller, predictable
 * from what it played a round trip ago, and it cancelled it (with
 * delay-agnostic, 3 runs in 5). */
static void
test_echo_returns_your_tone (void)
{
  g_autoptr(BatonCall) c = NULL;

  baton_test_tone_stop (me_tone);
  me_tone = baton_test_voice_start (baton_test_device_get_node (me_mic), ME_VOICE_LO_HZ, ME_VOICE_HI_HZ);
  c = call ("echo");
  assert_connected_to (c, "echo");
  for (guint i = 0;; i++)
    {
      g_autoptr(BatonTestSpectrum) s = baton_test_record_speaker (baton_test_device_get_node (me_speaker), RECORD_MS);
      double voice_db = baton_test_spectrum_band_db (s, ME_VOICE_LO_HZ, ME_VOICE_HI_HZ);

      g_test_message ("me hears: %.0f-%.0f Hz at %.1f dB, %.0f Hz at %.1f dB",
                      (double) ME_VOICE_LO_HZ, (double) ME_VOICE_HI_HZ, voice_db,
                      (double) DEFAULT_MIC_HZ, baton_test_spectrum_level_db (s, DEFAULT_MIC_HZ));
      if (baton_test_spectrum_has_band (s, ME_VOICE_LO_HZ, ME_VOICE_HI_HZ))
        {
          g_assert_false (baton_test_spectrum_has_tone (s, DEFAULT_MIC_HZ));
          break;
        }
      if (i + 1 == TRIES)
        g_error ("me never heard its voice back");
    }
  hang_up_all ();
  baton_test_tone_stop (me_tone);
  me_tone = baton_test_device_play_tone (me_mic, ME_HZ);
}

/* Each colleague sounds like nobody else: you hear who you are talking to. */
static void
test_colleagues_sound_different (void)
{
  const double not_alice[] = { BOB_HZ, ME_HZ, DEFAULT_MIC_HZ, 0 };
  const double not_bob[] = { ALICE_HZ, ME_HZ, DEFAULT_MIC_HZ, 0 };

  {
    g_autoptr(BatonCall) c = call ("alice");

    assert_connected_to (c, "alice");
    me_hears (ALICE_HZ, not_alice);
    hang_up_all ();
  }
  {
    g_autoptr(BatonCall) c = call ("bob");

    assert_connected_to (c, "bob");
    me_hears (BOB_HZ, not_bob);
    hang_up_all ();
  }
}

/* A colleague lets it ring first, then answers. */
static void
test_colleague_rings_then_answers (void)
{
  g_autoptr(BatonCall) c = call ("carol");

  test_wait_until (baton_call_get_state (c) == BATON_CALL_STATE_RINGING ||
                   baton_call_get_state (c) == BATON_CALL_STATE_CONNECTED);
  g_assert_cmpint (baton_call_get_state (c), ==, BATON_CALL_STATE_RINGING);
  assert_connected_to (c, "carol");
  hang_up_all ();
}

static BatonTransferState
wait_transfer (BatonTransfer *transfer)
{
  test_wait_until (baton_transfer_get_state (transfer) != BATON_TRANSFER_STATE_TRANSFERRING);
  return baton_transfer_get_state (transfer);
}

/* me calls Alice, then transfers her to Bob: she accepts, Bob answers, and
 * the service reports the transfer done (A ends 0/10207). */
static void
test_transfer_to_person (void)
{
  g_autoptr(BatonCall) a = call ("alice");
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;

  assert_connected_to (a, "alice");
  transfer = baton_transfer_call_feature_transfer_to_participant (baton_call_get_transfer_feature (a),
                                                                  "bob", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wait_transfer (transfer), ==, BATON_TRANSFER_STATE_TRANSFERRED);
  test_wait_until (baton_call_get_state (a) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (a), ==, 0);
  g_assert_cmpuint (baton_call_get_end_subcode (a), ==, 10207);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (me->agent)), ==, 0);
}

/* me talks to Carol (A) and to Bob (B), and joins them (transfer to a call):
 * B is replaced (0/10206), A transferred (0/10207). */
static void
test_transfer_to_call (void)
{
  g_autoptr(BatonCall) a = call ("carol");
  g_autoptr(BatonCall) b = NULL;
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;

  assert_connected_to (a, "carol");
  b = call ("bob");
  assert_connected_to (b, "bob");
  transfer = baton_transfer_call_feature_transfer_to_call (baton_call_get_transfer_feature (a),
                                                           baton_call_get_id (b), &error);
  g_assert_no_error (error);
  g_assert_cmpint (wait_transfer (transfer), ==, BATON_TRANSFER_STATE_TRANSFERRED);
  test_wait_until (baton_call_get_state (a) == BATON_CALL_STATE_DISCONNECTED &&
                   baton_call_get_state (b) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_subcode (a), ==, 10207);
  g_assert_cmpuint (baton_call_get_end_subcode (b), ==, 10206);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (me->agent)), ==, 0);
}

static void
test_busy (void)
{
  g_autoptr(BatonCall) c = call ("erin");

  test_wait_until (baton_call_get_state (c) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (c), ==, 486);
  g_assert_cmpuint (baton_call_get_end_subcode (c), ==, 0);
}

/* A transfer to the busy contact fails with 486 and Alice is back. */
static void
test_transfer_to_busy_fails (void)
{
  g_autoptr(BatonCall) a = call ("alice");
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;

  assert_connected_to (a, "alice");
  transfer = baton_transfer_call_feature_transfer_to_participant (baton_call_get_transfer_feature (a),
                                                                  "erin", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wait_transfer (transfer), ==, BATON_TRANSFER_STATE_FAILED);
  g_assert_cmpuint (baton_transfer_get_error_code (transfer), ==, 486);
  test_wait_until (baton_call_get_state (a) == BATON_CALL_STATE_CONNECTED);
  hang_up_all ();
}

/* Frank rings, never answers, and the call goes on to Alice, who answers. */
static void
test_forwarding (void)
{
  g_autoptr(BatonCall) c = call ("frank");

  test_wait_until (baton_call_get_state (c) == BATON_CALL_STATE_RINGING);
  g_assert_cmpstr (baton_remote_participant_get_id (test_call_get_peer (c)), ==, "frank");
  assert_connected_to (c, "alice");
  hang_up_all ();
}

/* SIGTERM: the bots hang up and leave the service, and exit 0. */
static void
test_sigterm (void)
{
  g_autofree char *token = baton_test_server_token (server, "me", 600);
  BatonTestClient *client = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *users;

  demo_bots_stop (bots);
  client = btc_new_registered (baton_test_server_get_uri (server), token);
  reply = btc_ok (client, "{'type':'users.list'}");
  users = json_object_get_array_member (reply, "users");
  g_assert_cmpuint (json_array_get_length (users), ==, G_N_ELEMENTS (bot_ids) + 1);
  for (guint j = 0; j < json_array_get_length (users); j++)
    {
      JsonObject *user = json_array_get_object_element (users, j);

      if (!g_str_equal (json_object_get_string_member (user, "id"), "me"))
        g_assert_false (json_object_get_boolean_member (user, "online"));
    }
  btc_free (client);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  BatonTestTone *default_tone;

  g_test_init (&argc, &argv, NULL);
  me_mic = baton_test_device_add_microphone ("baton-demo-me-mic", "Me's microphone");
  me_speaker = baton_test_device_add_speaker ("baton-demo-me-speaker", "Me's speaker");
  me_tone = baton_test_tone_start (baton_test_device_get_node (me_mic), ME_HZ);
  default_tone = baton_test_tone_start (g_getenv ("BATON_TEST_MIC_INPUT"), DEFAULT_MIC_HZ);
  server = baton_test_server_new ();
  baton_test_server_add_user (server, "me", "Me");
  /* (no call from Dave in the audio program) */
  bots = demo_bots_start (baton_test_server_get_uri (server), baton_test_server_get_data_dir (server),
                          DEMO_TEST_AUDIO ? NULL : "me");
  me = test_party_new (server, "me");
  me_use_own_devices ();

  if (DEMO_TEST_AUDIO)
    {
      g_test_add_func ("/Baton/Demo/echo-returns-your-tone", test_echo_returns_your_tone);
      g_test_add_func ("/Baton/Demo/colleagues-sound-different", test_colleagues_sound_different);
    }
  else
    {
      g_test_add_func ("/Baton/Demo/contacts-online", test_contacts_online);
      g_test_add_func ("/Baton/Demo/calls-you", test_calls_you);
      g_test_add_func ("/Baton/Demo/echo-answers", test_echo_answers);
      g_test_add_func ("/Baton/Demo/colleague-rings-then-answers", test_colleague_rings_then_answers);
      g_test_add_func ("/Baton/Demo/transfer-to-person", test_transfer_to_person);
      g_test_add_func ("/Baton/Demo/transfer-to-call", test_transfer_to_call);
      g_test_add_func ("/Baton/Demo/busy", test_busy);
      g_test_add_func ("/Baton/Demo/transfer-to-busy-fails", test_transfer_to_busy_fails);
      g_test_add_func ("/Baton/Demo/forwarding", test_forwarding);
      g_test_add_func ("/Baton/Demo/sigterm", test_sigterm);
    }
  result = g_test_run ();

  test_party_free (me);
  demo_bots_free (bots);
  baton_test_server_free (server);
  baton_test_tone_stop (default_tone);
  baton_test_tone_stop (me_tone);
  baton_test_device_remove (me_speaker);
  baton_test_device_remove (me_mic);
  return result;
}
