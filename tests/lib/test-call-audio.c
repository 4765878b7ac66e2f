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
 * per user, made at the user's first call and kept for the rest of the
 * program: PipeWire and WirePlumber do not like many devices coming and
 * going. No two tones of parties who talk are a multiple of 250 Hz apart
 * (see docs/PERFORMANCE.md, Media: an echo canceller can take such a pair
 * for echo), and a tone that must not be heard is 300 Hz or more from the
 * one that must: glitchy audio under load spreads a tone over its
 * neighbours (fay at 560 Hz was "heard" in eve's 440 Hz from tom). */
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
  { "fay", 1370 },
  { "dan", 1600 },
};

typedef struct {
  TestParty       *party;
  UserAudio       *audio;
  BatonTestDevice *speaker;
  double           freq;
} AudioParty;

static void
user_audio_ensure (UserAudio *u)
{
  g_autofree char *speaker_name = NULL;
  g_autofree char *mic_name = NULL;

  if (u->mic != NULL)
    return;
  speaker_name = g_strdup_printf ("baton-lib-speaker-%s", u->user);
  mic_name = g_strdup_printf ("baton-lib-mic-%s", u->user);
  u->mic = baton_test_device_add_microphone (mic_name, mic_name);
  u->speaker = baton_test_device_add_speaker (speaker_name, speaker_name);
  u->tone = baton_test_device_play_tone (u->mic, u->freq);
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
  user_audio_ensure (p->audio);
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

/* The rig, not the SDK: under load (≥ 20 on 2 cores) a virtual
 * microphone was seen giving digital silence for 20 s and more, the
 * captures of both parties reading exact zeros, 100 buffers a second
 * (a probe on the SDK's capture, 2026-11-24): the test's tone no longer
 * reached it. When @u's tone is not on its microphone, it is started again,
 * and the listening goes on: what the SDK does with the tone is still what
 * is asserted. */
static void
ensure_tone (UserAudio *u)
{
  g_autoptr(BatonTestSpectrum) s = baton_test_record_source (baton_test_device_get_name (u->mic), 200);

  if (baton_test_spectrum_has_tone (s, u->freq))
    return;
  g_test_message ("the %.0f Hz tone of %s no longer reaches its microphone: starting it again",
                  u->freq, u->user);
  baton_test_log_graph ();
  baton_test_tone_stop (u->tone);
  u->tone = baton_test_device_play_tone (u->mic, u->freq);
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
        {
          if (i % 4 == 3)
            ensure_tone (who->audio);
          continue;
        }
      if (baton_test_spectrum_has_tone (s, p->freq) ||
          (not_who != NULL && baton_test_spectrum_has_tone (s, not_who->freq)))
        {
          g_test_message ("%s hears %.0f Hz at %.1f dB, its own %.0f Hz at %.1f dB, %.0f Hz at %.1f dB",
                          p->party->user, who->freq, baton_test_spectrum_level_db (s, who->freq),
                          p->freq, baton_test_spectrum_level_db (s, p->freq),
                          not_who ? not_who->freq : 0.0,
                          not_who ? baton_test_spectrum_level_db (s, not_who->freq) : 0.0);
          log_links ();
        }
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

/* ------------------------------------------------------------------------ */
/* Who hears whom after each outcome of a transfer (TRANSFER.md): T (tom)
 * transfers E (eve), with whom he is in call A, to a target. After a failed
 * transfer E and T hear each other again; after a successful one E and the
 * target hear each other and T hears neither. */

typedef struct {
  AudioParty *t, *e, *c;
  BatonCall  *a_t, *a_e;
  GPtrArray  *accepted;   /* A′ from E's transfer-accepted */
} TransferFixture;

static void
fixture_accepted_cb (BatonTransferCallFeature *feature,
                     BatonCall                *call,
                     TransferFixture          *f)
{
  g_ptr_array_add (f->accepted, g_object_ref (call));
}

static void
transfer_fixture_setup (TransferFixture *f,
                        gconstpointer    data)
{
  f->t = audio_party_new ("tom", 440);
  f->e = audio_party_new ("eve", 1000);
  f->c = audio_party_new ("cara", 700);
  f->accepted = g_ptr_array_new_with_free_func (g_object_unref);

  test_connect_call (f->e->party, f->t->party, &f->a_e, &f->a_t);
  g_signal_connect (baton_call_get_transfer_feature (f->a_e), "transfer-accepted",
                    G_CALLBACK (fixture_accepted_cb), f);
  assert_hears (f->t, f->e, NULL);
}

static void
transfer_fixture_teardown (TransferFixture *f,
                           gconstpointer    data)
{
  audio_party_free (f->t);
  audio_party_free (f->e);
  audio_party_free (f->c);
  g_ptr_array_unref (f->accepted);
  g_assert_finalize_object (f->a_t);
  g_assert_finalize_object (f->a_e);
}

static BatonTransfer *
transfer_to (TransferFixture *f,
             const char      *target,
             gboolean         disable)
{
  g_autoptr(GError) error = NULL;
  BatonTransfer *transfer;

  transfer = baton_transfer_call_feature_transfer_to_participant (baton_call_get_transfer_feature (f->a_t),
                                                                  target, disable, &error);
  g_assert_no_error (error);
  return transfer;
}

/* The transfer failed with @code/@subcode: E and T are back on A and hear
 * each other (not @not_who), and A ends cleanly. */
static void
assert_failed_back_on_a (TransferFixture *f,
                         BatonTransfer   *transfer,
                         guint            code,
                         guint            subcode,
                         AudioParty      *not_who)
{
  test_wait_until (baton_transfer_get_state (transfer) != BATON_TRANSFER_STATE_TRANSFERRING);
  g_assert_cmpint (baton_transfer_get_state (transfer), ==, BATON_TRANSFER_STATE_FAILED);
  g_assert_cmpuint (baton_transfer_get_error_code (transfer), ==, code);
  g_assert_cmpuint (baton_transfer_get_error_subcode (transfer), ==, subcode);
  test_wait_until (baton_call_get_state (f->a_t) == BATON_CALL_STATE_CONNECTED &&
                   baton_call_get_state (f->a_e) == BATON_CALL_STATE_CONNECTED);

  assert_hears (f->e, f->t, not_who);
  assert_hears (f->t, f->e, not_who);

  baton_call_hang_up (f->a_t);
  test_wait_until (baton_call_get_state (f->a_e) == BATON_CALL_STATE_DISCONNECTED);
}

/* The transfer succeeded: E and @target hear each other on A′ (@target_call
 * on the target's side), T hears neither. Ends A′. */
static void
assert_transferred_to (TransferFixture *f,
                       BatonTransfer   *transfer,
                       AudioParty      *target,
                       BatonCall       *target_call)
{
  BatonCall *a2;

  test_wait_until (baton_transfer_get_state (transfer) != BATON_TRANSFER_STATE_TRANSFERRING);
  g_assert_cmpint (baton_transfer_get_state (transfer), ==, BATON_TRANSFER_STATE_TRANSFERRED);
  test_wait_until (baton_call_get_state (f->a_e) == BATON_CALL_STATE_DISCONNECTED &&
                   baton_call_get_state (f->a_t) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (f->accepted->len, ==, 1);
  a2 = g_ptr_array_index (f->accepted, 0);

  assert_hears (f->e, target, f->t);
  assert_hears (target, f->e, f->t);
  assert_silent (f->t);

  baton_call_hang_up (target_call);
  test_wait_until (baton_call_get_state (a2) == BATON_CALL_STATE_DISCONNECTED);
}

/* cara is in a call with dan: busy; she declines the second call (486) and
 * still hears dan */
static void
test_transfer_busy (TransferFixture *f,
                    gconstpointer    data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  AudioParty *dan = audio_party_new ("dan", 1600);
  BatonCall *dan_out, *cara_in;

  test_connect_call (dan->party, f->c->party, &dan_out, &cara_in);
  transfer = transfer_to (f, "cara", FALSE);
  test_wait_until (f->c->party->incoming->len == 2);
  baton_incoming_call_reject (g_ptr_array_index (f->c->party->incoming, 1));
  assert_failed_back_on_a (f, transfer, 486, 0, f->c);
  assert_hears (f->c, dan, f->e);

  baton_call_hang_up (dan_out);
  test_wait_until (baton_call_get_state (cara_in) == BATON_CALL_STATE_DISCONNECTED);
  audio_party_free (dan);
  g_assert_finalize_object (dan_out);
  g_assert_finalize_object (cara_in);
}

/* While cara rings, E is on hold and does not hear T; she declines (603) */
static void
test_transfer_declined (TransferFixture *f,
                        gconstpointer    data)
{
  g_autoptr(BatonTransfer) transfer = transfer_to (f, "cara", FALSE);

  test_wait_until (baton_call_get_state (f->a_e) == BATON_CALL_STATE_REMOTE_HOLD);
  assert_not_hears (f->e, f->t);
  baton_incoming_call_reject (test_party_wait_incoming (f->c->party));
  assert_failed_back_on_a (f, transfer, 603, 0, f->c);
  assert_not_hears (f->c, f->e);
}

/* dan is not signed in (480) */
static void
test_transfer_offline (TransferFixture *f,
                       gconstpointer    data)
{
  g_autoptr(BatonTransfer) transfer = transfer_to (f, "dan", FALSE);

  assert_failed_back_on_a (f, transfer, 480, 0, NULL);
}

/* hal does not answer and forwards unanswered calls to fay; with
 * disable_forwarding_and_unanswered the transfer fails (487/10004) */
static void
test_transfer_no_answer_disabled (TransferFixture *f,
                                  gconstpointer    data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  TestParty *hal = test_party_new (server, "hal");
  AudioParty *fay = audio_party_new ("fay", 1370);

  transfer = transfer_to (f, "hal", TRUE);
  test_party_wait_incoming (hal);
  assert_failed_back_on_a (f, transfer, 487, 10004, fay);
  g_assert_cmpuint (fay->party->incoming->len, ==, 0);

  test_party_free (hal);
  audio_party_free (fay);
}

/* hal does not answer: forwarded to fay, who answers */
static void
test_transfer_forward_unanswered (TransferFixture *f,
                                  gconstpointer    data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(BatonCall) fay_call = NULL;
  g_autoptr(GError) error = NULL;
  TestParty *hal = test_party_new (server, "hal");
  AudioParty *fay = audio_party_new ("fay", 1370);

  transfer = transfer_to (f, "hal", FALSE);
  test_party_wait_incoming (hal);
  fay_call = baton_incoming_call_accept (test_party_wait_incoming (fay->party), &error);
  g_assert_no_error (error);
  assert_transferred_to (f, transfer, fay, fay_call);

  test_party_free (hal);
  audio_party_free (fay);
}

/* gus forwards every call to fay */
static void
test_transfer_forward_always (TransferFixture *f,
                              gconstpointer    data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(BatonCall) fay_call = NULL;
  g_autoptr(GError) error = NULL;
  TestParty *gus = test_party_new (server, "gus");
  AudioParty *fay = audio_party_new ("fay", 1370);

  transfer = transfer_to (f, "gus", FALSE);
  fay_call = baton_incoming_call_accept (test_party_wait_incoming (fay->party), &error);
  g_assert_no_error (error);
  assert_transferred_to (f, transfer, fay, fay_call);
  g_assert_cmpuint (gus->incoming->len, ==, 0);

  test_party_free (gus);
  audio_party_free (fay);
}

/* E does not accept transfers (603/10203) */
static void
test_transfer_transferee_refuses (TransferFixture *f,
                                  gconstpointer    data)
{
  g_autoptr(BatonTransfer) transfer = NULL;

  baton_call_agent_set_accept_transfers (f->e->party->agent, FALSE);
  transfer = transfer_to (f, "cara", FALSE);
  assert_failed_back_on_a (f, transfer, 603, 10203, f->c);
  g_assert_cmpuint (f->c->party->incoming->len, ==, 0);
}

/* T hangs up A while cara rings: E ends up with cara all the same */
static void
test_transfer_transferor_hangs_up (TransferFixture *f,
                                   gconstpointer    data)
{
  g_autoptr(BatonTransfer) transfer = transfer_to (f, "cara", FALSE);
  g_autoptr(BatonCall) c_call = NULL;
  g_autoptr(GError) error = NULL;
  BatonIncomingCall *incoming;
  BatonCall *a2;

  incoming = test_party_wait_incoming (f->c->party);
  test_wait_until (f->accepted->len == 1);
  baton_call_hang_up (f->a_t);
  c_call = baton_incoming_call_accept (incoming, &error);
  g_assert_no_error (error);
  a2 = g_ptr_array_index (f->accepted, 0);
  test_wait_until (baton_call_get_state (a2) == BATON_CALL_STATE_CONNECTED &&
                   baton_call_get_state (c_call) == BATON_CALL_STATE_CONNECTED);
  test_wait_until (baton_call_get_state (f->a_e) == BATON_CALL_STATE_DISCONNECTED);

  assert_hears (f->e, f->c, f->t);
  assert_hears (f->c, f->e, f->t);
  assert_silent (f->t);

  baton_call_hang_up (c_call);
  test_wait_until (baton_call_get_state (a2) == BATON_CALL_STATE_DISCONNECTED);
}

/* Attended: T has A with E (held) and B with cara; A′ replaces B */
static void
test_transfer_to_call (TransferFixture *f,
                       gconstpointer    data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  BatonCall *b_t, *b_c, *a2_c;

  test_connect_call (f->t->party, f->c->party, &b_t, &b_c);
  test_wait_until (baton_call_get_state (f->a_t) == BATON_CALL_STATE_LOCAL_HOLD);
  assert_hears (f->c, f->t, f->e);
  assert_hears (f->t, f->c, f->e);

  transfer = baton_transfer_call_feature_transfer_to_call (baton_call_get_transfer_feature (f->a_t),
                                                           baton_call_get_id (b_t), &error);
  g_assert_no_error (error);
  test_wait_until (baton_transfer_get_state (transfer) != BATON_TRANSFER_STATE_TRANSFERRING);
  g_assert_cmpint (baton_transfer_get_state (transfer), ==, BATON_TRANSFER_STATE_TRANSFERRED);
  test_wait_until (baton_call_get_state (b_c) == BATON_CALL_STATE_DISCONNECTED &&
                   baton_call_get_state (b_t) == BATON_CALL_STATE_DISCONNECTED &&
                   baton_call_get_state (f->a_e) == BATON_CALL_STATE_DISCONNECTED);
  test_wait_until (g_list_model_get_n_items (baton_call_agent_get_calls (f->c->party->agent)) == 1);
  a2_c = g_list_model_get_item (baton_call_agent_get_calls (f->c->party->agent), 0);
  test_wait_until (baton_call_get_state (a2_c) == BATON_CALL_STATE_CONNECTED);

  assert_hears (f->e, f->c, f->t);
  assert_hears (f->c, f->e, f->t);
  assert_silent (f->t);

  baton_call_hang_up (a2_c);
  test_wait_until (g_list_model_get_n_items (baton_call_agent_get_calls (f->e->party->agent)) == 0);
  g_object_unref (a2_c);
  g_assert_finalize_object (b_t);
  g_assert_finalize_object (b_c);
}

/* The target call B is gone before the transfer (404/10202) */
static void
test_transfer_to_call_gone (TransferFixture *f,
                            gconstpointer    data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *b_id = NULL;
  BatonCall *b_t, *b_c;

  test_connect_call (f->t->party, f->c->party, &b_t, &b_c);
  b_id = g_strdup (baton_call_get_id (b_t));
  baton_call_hang_up (b_c);
  test_wait_until (baton_call_get_state (b_t) == BATON_CALL_STATE_DISCONNECTED);
  baton_call_resume_async (f->a_t, NULL, NULL, NULL);

  transfer = baton_transfer_call_feature_transfer_to_call (baton_call_get_transfer_feature (f->a_t),
                                                           b_id, &error);
  g_assert_no_error (error);
  assert_failed_back_on_a (f, transfer, 404, 10202, f->c);
  g_assert_finalize_object (b_t);
  g_assert_finalize_object (b_c);
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
  baton_test_server_add_user (server, "dan", NULL);
  baton_test_server_add_user (server, "fay", NULL);
  baton_test_server_add_user (server, "gus", NULL);
  baton_test_server_add_user (server, "hal", NULL);
  baton_test_server_set_forwarding (server, "hal", NULL, "fay", 1);
  baton_test_server_set_forwarding (server, "gus", "fay", NULL, 0);

  g_test_add_func ("/Baton/CallAudio/two-party", test_two_party);
  g_test_add_func ("/Baton/CallAudio/hold", test_hold);
  g_test_add_func ("/Baton/CallAudio/mute", test_mute);
  g_test_add_func ("/Baton/CallAudio/transfer", test_transfer);
  g_test_add_func ("/Baton/CallAudio/transfer-failed", test_transfer_failed);
  g_test_add_func ("/Baton/CallAudio/reconnect", test_reconnect);

#define ADD(path, func) \
  g_test_add (path, TransferFixture, NULL, transfer_fixture_setup, func, transfer_fixture_teardown)
  ADD ("/Baton/TransferAudio/busy", test_transfer_busy);
  ADD ("/Baton/TransferAudio/declined", test_transfer_declined);
  ADD ("/Baton/TransferAudio/offline", test_transfer_offline);
  ADD ("/Baton/TransferAudio/no-answer-disabled", test_transfer_no_answer_disabled);
  ADD ("/Baton/TransferAudio/forward-unanswered", test_transfer_forward_unanswered);
  ADD ("/Baton/TransferAudio/forward-always", test_transfer_forward_always);
  ADD ("/Baton/TransferAudio/transferee-refuses", test_transfer_transferee_refuses);
  ADD ("/Baton/TransferAudio/transferor-hangs-up", test_transfer_transferor_hangs_up);
  ADD ("/Baton/TransferAudio/to-call", test_transfer_to_call);
  ADD ("/Baton/TransferAudio/to-call-gone", test_transfer_to_call_gone);
#undef ADD

  ret = g_test_run ();
  users_teardown ();
  baton_test_server_free (server);
  return ret;
}
