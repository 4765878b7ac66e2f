/* test-call-audio.c: what each party hears, through the SDK, the real server
 * and real PipeWire virtual devices (one microphone and one speaker per party)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "baton-lib-test-util.h"
#include "baton-test-audio.h"
#include "baton-test-devices.h"

#define RECORD_MS 800
#define TRIES     12

static BatonTestServer *server;

/* One virtual microphone (playing the user's tone) and one virtual speaker
 * per user, made once for the whole program: PipeWire and WirePlumber do
 * not like many devices coming and going. */
typedef struct {
  const char      *user;
  double           freq;
  BatonTestDevice *mic;
  BatonTestDevice *speaker;
  BatonTestTone   *tone;
} UserAudio;

static UserAudio users[] = {
  { "alice", 440 },
  { "bob", 1000 },
  { "tom", 440 },
  { "eve", 1000 },
  { "cara", 700 },
};

typedef struct {
  TestParty       *party;
  UserAudio       *audio;
  BatonTestDevice *speaker;
  double           freq;
} AudioParty;

static void
users_setup (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_autofree char *speaker_name = g_strdup_printf ("baton-lib-speaker-%s", users[i].user);
      g_autofree char *mic_name = g_strdup_printf ("baton-lib-mic-%s", users[i].user);

      users[i].mic = baton_test_device_add_microphone (mic_name, mic_name);
      users[i].speaker = baton_test_device_add_speaker (speaker_name, speaker_name);
      users[i].tone = baton_test_device_play_tone (users[i].mic, users[i].freq);
    }
}

static void
users_teardown (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      baton_test_tone_stop (users[i].tone);
      baton_test_device_remove (users[i].mic);
      baton_test_device_remove (users[i].speaker);
    }
}

static AudioParty *
audio_party_new_full (const char *user,
                      double      freq,
                      const char *uri)
{
  AudioParty *p = g_new0 (AudioParty, 1);

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    if (g_str_equal (users[i].user, user))
      p->audio = &users[i];
  g_assert_nonnull (p->audio);
  g_assert_cmpfloat (p->audio->freq, ==, freq);
  p->freq = freq;
  p->speaker = p->audio->speaker;
  p->party = test_party_new_full (server, user, uri ? uri : baton_test_server_get_uri (server));
  baton_test_select_devices (baton_call_client_get_device_manager (p->party->client),
                             baton_test_device_get_name (p->audio->mic),
                             baton_test_device_get_node (p->speaker));
  return p;
}

static AudioParty *
audio_party_new (const char *user,
                 double      freq)
{
  return audio_party_new_full (user, freq, NULL);
}

static void
audio_party_free (AudioParty *p)
{
  test_party_free (p->party);
  g_free (p);
}

static BatonTestSpectrum *
hear (AudioParty *p)
{
  BatonTestSpectrum *s = baton_test_record_speaker (baton_test_device_get_node (p->speaker), RECORD_MS);

  g_test_message ("%s hears: peak %.0f Hz at %.1f dB", p->party->user,
                  baton_test_spectrum_peak_hz (s), baton_test_spectrum_peak_db (s));
  return s;
}

/* Before failing: which streams play where (PipeWire's links), for the
 * failures where a party's speaker got nothing at all */
static void
log_links (void)
{
  g_autofree char *out = NULL;

  if (g_spawn_command_line_sync ("timeout 10 pw-link -l", &out, NULL, NULL, NULL) && out != NULL)
    g_test_message ("PipeWire links:\n%s", out);
}

/* @p hears @who's tone (waiting for media to flow) and not its own, nor @not_who's. */
static void
assert_hears (AudioParty *p,
              AudioParty *who,
              AudioParty *not_who)
{
  for (guint i = 0; i < TRIES; i++)
    {
      g_autoptr(BatonTestSpectrum) s = hear (p);

      if (!baton_test_spectrum_has_tone (s, who->freq))
        continue;
      g_assert_false (baton_test_spectrum_has_tone (s, p->freq));
      if (not_who)
        g_assert_false (baton_test_spectrum_has_tone (s, not_who->freq));
      return;
    }
  log_links ();
  g_error ("%s never heard %s's %.0f Hz tone", p->party->user, who->party->user, who->freq);
}

/* @p's speaker goes silent (after what was already in flight). */
static void
assert_silent (AudioParty *p)
{
  for (guint i = 0; i < TRIES; i++)
    {
      g_autoptr(BatonTestSpectrum) s = hear (p);

      if (baton_test_spectrum_is_silent (s))
        return;
    }
  g_error ("%s's speaker never went silent", p->party->user);
}

/* @p does not hear @who (it may hear others) */
static void
assert_not_hears (AudioParty *p,
                  AudioParty *who)
{
  for (guint i = 0; i < TRIES; i++)
    {
      g_autoptr(BatonTestSpectrum) s = hear (p);

      if (!baton_test_spectrum_has_tone (s, who->freq))
        return;
    }
  g_error ("%s still hears %s", p->party->user, who->party->user);
}

static void
test_two_party (void)
{
  AudioParty *alice = audio_party_new ("alice", 440);
  AudioParty *bob = audio_party_new ("bob", 1000);
  BatonCall *out, *in;

  test_connect_call (alice->party, bob->party, &out, &in);
  assert_hears (alice, bob, NULL);
  assert_hears (bob, alice, NULL);

  baton_call_hang_up (out);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_DISCONNECTED);
  assert_silent (bob);

  audio_party_free (alice);
  audio_party_free (bob);
  g_assert_finalize_object (out);
  g_assert_finalize_object (in);
}

static void
test_hold (void)
{
  AudioParty *alice = audio_party_new ("alice", 440);
  AudioParty *bob = audio_party_new ("bob", 1000);
  BatonCall *out, *in;

  test_connect_call (alice->party, bob->party, &out, &in);
  assert_hears (bob, alice, NULL);
  assert_hears (alice, bob, NULL);

  baton_call_hold_async (out, NULL, NULL, NULL);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_REMOTE_HOLD);
  /* the held side hears nothing, and neither does the holder */
  assert_silent (bob);
  assert_silent (alice);

  baton_call_resume_async (out, NULL, NULL, NULL);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_CONNECTED);
  assert_hears (bob, alice, NULL);
  assert_hears (alice, bob, NULL);

  baton_call_hang_up (out);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_DISCONNECTED);
  audio_party_free (alice);
  audio_party_free (bob);
  g_assert_finalize_object (out);
  g_assert_finalize_object (in);
}

static void
test_mute (void)
{
  AudioParty *alice = audio_party_new ("alice", 440);
  AudioParty *bob = audio_party_new ("bob", 1000);
  BatonCall *out, *in;

  test_connect_call (alice->party, bob->party, &out, &in);
  assert_hears (bob, alice, NULL);

  baton_call_mute (out);
  assert_silent (bob);
  /* muting is one way: alice still hears bob */
  assert_hears (alice, bob, NULL);

  baton_call_unmute (out);
  assert_hears (bob, alice, NULL);

  baton_call_hang_up (out);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_DISCONNECTED);
  audio_party_free (alice);
  audio_party_free (bob);
  g_assert_finalize_object (out);
  g_assert_finalize_object (in);
}

static void
accepted_cb (BatonTransferCallFeature *feature,
             BatonCall                *call,
             BatonCall               **out)
{
  *out = g_object_ref (call);
}

/* After a transfer E hears C and C hears E; T hears neither. */
static void
test_transfer (void)
{
  AudioParty *t = audio_party_new ("tom", 440);
  AudioParty *e = audio_party_new ("eve", 1000);
  AudioParty *c = audio_party_new ("cara", 700);
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) a2 = NULL;
  g_autoptr(BatonCall) c_call = NULL;
  BatonCall *a_e, *a_t;

  test_connect_call (e->party, t->party, &a_e, &a_t);
  assert_hears (t, e, NULL);
  g_signal_connect (baton_call_get_transfer_feature (a_e), "transfer-accepted",
                    G_CALLBACK (accepted_cb), &a2);

  transfer = baton_transfer_call_feature_transfer_to_participant (baton_call_get_transfer_feature (a_t),
                                                                  "cara", FALSE, &error);
  g_assert_no_error (error);
  c_call = baton_incoming_call_accept (test_party_wait_incoming (c->party), &error);
  g_assert_no_error (error);
  test_wait_until (baton_transfer_get_state (transfer) == BATON_TRANSFER_STATE_TRANSFERRED);
  test_wait_until (baton_call_get_state (a_e) == BATON_CALL_STATE_DISCONNECTED);

  assert_hears (e, c, t);
  assert_hears (c, e, t);
  assert_silent (t);

  baton_call_hang_up (c_call);
  test_wait_until (baton_call_get_state (a2) == BATON_CALL_STATE_DISCONNECTED);
  audio_party_free (t);
  audio_party_free (e);
  audio_party_free (c);
  g_assert_finalize_object (a_e);
  g_assert_finalize_object (a_t);
}

/* A failed transfer: E and T hear each other again. */
static void
test_transfer_failed (void)
{
  AudioParty *t = audio_party_new ("tom", 440);
  AudioParty *e = audio_party_new ("eve", 1000);
  AudioParty *c = audio_party_new ("cara", 700);
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  BatonCall *a_e, *a_t;

  test_connect_call (e->party, t->party, &a_e, &a_t);
  transfer = baton_transfer_call_feature_transfer_to_participant (baton_call_get_transfer_feature (a_t),
                                                                  "cara", FALSE, &error);
  g_assert_no_error (error);
  test_wait_until (baton_call_get_state (a_e) == BATON_CALL_STATE_REMOTE_HOLD);
  assert_not_hears (e, t);
  baton_incoming_call_reject (test_party_wait_incoming (c->party));
  test_wait_until (baton_transfer_get_state (transfer) == BATON_TRANSFER_STATE_FAILED);
  test_wait_until (baton_call_get_state (a_e) == BATON_CALL_STATE_CONNECTED);

  assert_hears (e, t, c);
  assert_hears (t, e, c);
  assert_not_hears (c, e);

  baton_call_hang_up (a_t);
  test_wait_until (baton_call_get_state (a_e) == BATON_CALL_STATE_DISCONNECTED);
  audio_party_free (t);
  audio_party_free (e);
  audio_party_free (c);
  g_assert_finalize_object (a_e);
  g_assert_finalize_object (a_t);
}

/* While alice cannot reach the service, the call goes on: media is peer to
 * peer. Once she is back, so is signaling. */
static void
test_reconnect (void)
{
  TestProxy *proxy = test_proxy_new (baton_test_server_get_port (server));
  AudioParty *alice = audio_party_new_full ("alice", 440, test_proxy_get_uri (proxy));
  AudioParty *bob = audio_party_new ("bob", 1000);
  BatonCall *out, *in;

  test_connect_call (alice->party, bob->party, &out, &in);
  assert_hears (bob, alice, NULL);

  test_proxy_set_refusing (proxy, TRUE);
  test_proxy_cut (proxy);
  assert_hears (bob, alice, NULL);
  assert_hears (alice, bob, NULL);
  g_assert_cmpint (baton_call_get_state (out), ==, BATON_CALL_STATE_CONNECTED);
  g_assert_cmpint (baton_call_agent_get_connection_state (alice->party->agent), ==,
                   BATON_CONNECTION_STATE_CONNECTED);

  test_proxy_set_refusing (proxy, FALSE);
  baton_call_hold_async (out, NULL, NULL, NULL);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_REMOTE_HOLD);
  assert_silent (bob);

  baton_call_hang_up (out);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_DISCONNECTED);
  audio_party_free (alice);
  audio_party_free (bob);
  test_proxy_free (proxy);
  g_assert_finalize_object (out);
  g_assert_finalize_object (in);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = baton_test_server_new ();
  baton_test_server_add_user (server, "alice", NULL);
  baton_test_server_add_user (server, "bob", NULL);
  baton_test_server_add_user (server, "tom", NULL);
  baton_test_server_add_user (server, "eve", NULL);
  baton_test_server_add_user (server, "cara", NULL);

  g_test_add_func ("/Baton/CallAudio/two-party", test_two_party);
  g_test_add_func ("/Baton/CallAudio/hold", test_hold);
  g_test_add_func ("/Baton/CallAudio/mute", test_mute);
  g_test_add_func ("/Baton/CallAudio/transfer", test_transfer);
  g_test_add_func ("/Baton/CallAudio/transfer-failed", test_transfer_failed);
  g_test_add_func ("/Baton/CallAudio/reconnect", test_reconnect);

  users_setup ();
  ret = g_test_run ();
  users_teardown ();
  baton_test_server_free (server);
  return ret;
}
