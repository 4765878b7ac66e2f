/* test-call.c: BatonCall and BatonIncomingCall against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "baton-lib-test-util.h"

static BatonTestServer *server;

typedef struct {
  GArray *states;
} StateLog;

static void
call_state_changed_cb (BatonCall      *call,
                       BatonCallState  old_state,
                       BatonCallState  new_state,
                       StateLog       *log)
{
  g_assert_cmpint (old_state, !=, new_state);
  g_assert_cmpint (baton_call_get_state (call), ==, new_state);
  g_array_append_val (log->states, new_state);
}

static gboolean
log_has (StateLog       *log,
         BatonCallState  state)
{
  for (guint i = 0; i < log->states->len; i++)
    if (g_array_index (log->states, BatonCallState, i) == state)
      return TRUE;
  return FALSE;
}

static void
test_start_accept (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  g_autoptr(GError) error = NULL;
  BatonCall *out, *in;
  BatonIncomingCall *incoming;
  BatonRemoteParticipant *peer;
  StateLog out_log = { g_array_new (FALSE, FALSE, sizeof (BatonCallState)) };
  NotifyCounter out_notify = { 0 }, start_notify = { 0 };

  out = baton_call_agent_start_call (alice->agent, "bob", &error);
  g_assert_no_error (error);
  g_assert_cmpint (baton_call_get_state (out), ==, BATON_CALL_STATE_CONNECTING);
  g_assert_cmpint (baton_call_get_direction (out), ==, BATON_CALL_DIRECTION_OUTGOING);
  g_assert_null (baton_call_get_start_time (out));
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (alice->agent)), ==, 1);
  g_signal_connect (out, "state-changed", G_CALLBACK (call_state_changed_cb), &out_log);
  test_count_notify (out, "state", &out_notify);
  test_count_notify (out, "start-time", &start_notify);
  peer = test_call_get_peer (out);
  g_assert_cmpstr (baton_remote_participant_get_id (peer), ==, "bob");

  incoming = test_party_wait_incoming (bob);
  g_assert_cmpstr (baton_incoming_call_get_caller_id (incoming), ==, "alice");
  g_assert_cmpstr (baton_incoming_call_get_caller_display_name (incoming), ==, "Alice Liddell");
  g_assert_cmpstr (baton_incoming_call_get_transferor_id (incoming), ==, "");
  g_assert_nonnull (baton_incoming_call_get_id (incoming));

  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_RINGING);
  g_assert_cmpstr (baton_call_get_id (out), ==, baton_incoming_call_get_id (incoming));
  g_assert_cmpint (baton_remote_participant_get_state (peer), ==, BATON_PARTICIPANT_STATE_RINGING);
  g_assert_cmpstr (baton_remote_participant_get_display_name (peer), ==, "Bob Bobson");

  in = baton_incoming_call_accept (incoming, &error);
  g_assert_no_error (error);
  g_assert_cmpint (baton_call_get_direction (in), ==, BATON_CALL_DIRECTION_INCOMING);
  g_assert_cmpstr (baton_call_get_id (in), ==, baton_call_get_id (out));
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (bob->agent)), ==, 1);

  /* a second accept is refused */
  g_assert_null (baton_incoming_call_accept (incoming, &error));
  g_assert_error (error, BATON_ERROR, BATON_ERROR_INVALID_STATE);
  g_clear_error (&error);

  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_CONNECTED &&
                   baton_call_get_state (in) == BATON_CALL_STATE_CONNECTED);
  g_assert_nonnull (baton_call_get_start_time (out));
  g_assert_nonnull (baton_call_get_start_time (in));
  g_assert_cmpuint (start_notify.count, ==, 1);
  g_assert_cmpint (baton_remote_participant_get_state (peer), ==, BATON_PARTICIPANT_STATE_CONNECTED);
  g_assert_cmpstr (baton_remote_participant_get_id (test_call_get_peer (in)), ==, "alice");
  /* CONNECTING → RINGING → CONNECTED, one notify per change */
  g_assert_cmpuint (out_log.states->len, ==, 2);
  g_assert_cmpint (g_array_index (out_log.states, BatonCallState, 0), ==, BATON_CALL_STATE_RINGING);
  g_assert_cmpint (g_array_index (out_log.states, BatonCallState, 1), ==, BATON_CALL_STATE_CONNECTED);
  g_assert_cmpuint (out_notify.count, ==, out_log.states->len);

  baton_call_hang_up (in);
  g_assert_cmpint (baton_call_get_state (in), ==, BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (in), ==, 0);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (out), ==, 0);
  g_assert_cmpuint (baton_call_get_end_subcode (out), ==, 0);
  g_assert_cmpint (baton_remote_participant_get_state (peer), ==, BATON_PARTICIPANT_STATE_DISCONNECTED);
  g_assert_cmpuint (out_notify.count, ==, out_log.states->len);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (alice->agent)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (bob->agent)), ==, 0);

  test_party_free (alice);
  test_party_free (bob);
  g_array_unref (out_log.states);
  g_assert_finalize_object (out);
  g_assert_finalize_object (in);
}

/* Calls @callee from alice and returns the call once it ended. */
static BatonCall *
call_and_wait_end (TestParty  *alice,
                   const char *callee)
{
  g_autoptr(GError) error = NULL;
  BatonCall *out = baton_call_agent_start_call (alice->agent, callee, &error);

  g_assert_no_error (error);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_DISCONNECTED);
  return out;
}

static void
test_reject (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  g_autoptr(GError) error = NULL;
  BatonCall *out;
  StateLog log = { g_array_new (FALSE, FALSE, sizeof (BatonCallState)) };

  out = baton_call_agent_start_call (alice->agent, "bob", &error);
  g_signal_connect (out, "state-changed", G_CALLBACK (call_state_changed_cb), &log);
  baton_incoming_call_reject (test_party_wait_incoming (bob));
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (out), ==, 603);
  g_assert_cmpuint (baton_call_get_end_subcode (out), ==, 0);
  g_assert_nonnull (baton_call_get_end_message (out));
  g_assert_false (log_has (&log, BATON_CALL_STATE_CONNECTED));
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (bob->agent)), ==, 0);

  test_party_free (alice);
  test_party_free (bob);
  g_array_unref (log.states);
  g_assert_finalize_object (out);
}

static void
test_busy (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  TestParty *carol = test_party_new (server, "carol");
  g_autoptr(GError) error = NULL;
  BatonCall *out, *in, *busy;

  test_connect_call (alice, bob, &out, &in);

  /* bob, in a call with alice, turns carol down: busy */
  busy = baton_call_agent_start_call (carol->agent, "bob", &error);
  test_wait_until (bob->incoming->len == 2);
  baton_incoming_call_reject (g_ptr_array_index (bob->incoming, 1));
  test_wait_until (baton_call_get_state (busy) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (busy), ==, 486);
  g_assert_cmpuint (baton_call_get_end_subcode (busy), ==, 0);
  /* the call in progress is untouched */
  g_assert_cmpint (baton_call_get_state (in), ==, BATON_CALL_STATE_CONNECTED);

  baton_call_hang_up (out);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_DISCONNECTED);
  test_party_free (alice);
  test_party_free (bob);
  test_party_free (carol);
  g_assert_finalize_object (out);
  g_assert_finalize_object (in);
  g_assert_finalize_object (busy);
}

static void
test_offline (void)
{
  TestParty *alice = test_party_new (server, "alice");
  BatonCall *out = call_and_wait_end (alice, "dave");

  g_assert_cmpuint (baton_call_get_end_code (out), ==, 480);
  g_assert_cmpuint (baton_call_get_end_subcode (out), ==, 0);
  test_party_free (alice);
  g_assert_finalize_object (out);
}

static void
test_unknown_user (void)
{
  TestParty *alice = test_party_new (server, "alice");
  BatonCall *out = call_and_wait_end (alice, "nobody-here");

  g_assert_cmpuint (baton_call_get_end_code (out), ==, 404);
  g_assert_cmpuint (baton_call_get_end_subcode (out), ==, 0);
  test_party_free (alice);
  g_assert_finalize_object (out);
}

static void
ended_cb (BatonIncomingCall *incoming,
          guint             *n)
{
  (*n)++;
}

static void
test_cancel (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  g_autoptr(GError) error = NULL;
  BatonCall *out;
  BatonIncomingCall *incoming;
  guint ended = 0;

  out = baton_call_agent_start_call (alice->agent, "bob", &error);
  incoming = test_party_wait_incoming (bob);
  g_signal_connect (incoming, "ended", G_CALLBACK (ended_cb), &ended);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_RINGING);
  baton_call_hang_up (out);
  g_assert_cmpint (baton_call_get_state (out), ==, BATON_CALL_STATE_DISCONNECTED);
  test_wait_until (ended == 1);

  g_assert_null (baton_incoming_call_accept (incoming, &error));
  g_assert_error (error, BATON_ERROR, BATON_ERROR_INVALID_STATE);

  test_party_free (alice);
  test_party_free (bob);
  g_assert_finalize_object (out);
}

static void
test_no_answer (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *erin = test_party_new (server, "erin");
  g_autoptr(GError) error = NULL;
  BatonCall *out;
  guint ended = 0;

  out = baton_call_agent_start_call (alice->agent, "erin", &error);
  g_signal_connect (test_party_wait_incoming (erin), "ended", G_CALLBACK (ended_cb), &ended);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (out), ==, 487);
  g_assert_cmpuint (baton_call_get_end_subcode (out), ==, 10004);
  test_wait_until (ended == 1);

  test_party_free (alice);
  test_party_free (erin);
  g_assert_finalize_object (out);
}

static void
test_hold (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  BatonCall *out, *in;
  BatonRemoteParticipant *alice_seen_by_bob;
  NotifyCounter in_notify = { 0 };

  test_connect_call (alice, bob, &out, &in);
  alice_seen_by_bob = test_call_get_peer (in);
  test_count_notify (in, "state", &in_notify);

  baton_call_hold_async (out, NULL, NULL, NULL);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_LOCAL_HOLD);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_REMOTE_HOLD);
  g_assert_cmpint (baton_remote_participant_get_state (alice_seen_by_bob), ==, BATON_PARTICIPANT_STATE_HOLD);
  g_assert_cmpuint (in_notify.count, ==, 1);

  /* both hold: each sees its own hold */
  baton_call_hold_async (in, NULL, NULL, NULL);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_LOCAL_HOLD);
  baton_call_resume_async (out, NULL, NULL, NULL);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_REMOTE_HOLD);
  baton_call_resume_async (in, NULL, NULL, NULL);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_CONNECTED &&
                   baton_call_get_state (in) == BATON_CALL_STATE_CONNECTED);
  g_assert_cmpint (baton_remote_participant_get_state (alice_seen_by_bob), ==, BATON_PARTICIPANT_STATE_CONNECTED);

  baton_call_hang_up (out);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_DISCONNECTED);
  test_party_free (alice);
  test_party_free (bob);
  g_assert_finalize_object (out);
  g_assert_finalize_object (in);
}

static void
hold_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (baton_call_hold_finish (BATON_CALL (object), result, error));
}

static void
test_hold_unanswered (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  g_autoptr(GError) error = NULL;
  BatonCall *out;

  out = baton_call_agent_start_call (alice->agent, "bob", &error);
  baton_call_hold_async (out, NULL, hold_done_cb, &error);
  test_wait_until (error != NULL);
  g_assert_error (error, BATON_ERROR, BATON_ERROR_INVALID_STATE);
  baton_call_hang_up (out);

  test_party_free (alice);
  test_party_free (bob);
  g_assert_finalize_object (out);
}

static void
test_mute (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  BatonCall *out, *in;
  BatonRemoteParticipant *alice_seen_by_bob;
  NotifyCounter muted = { 0 }, peer_muted = { 0 };

  test_connect_call (alice, bob, &out, &in);
  alice_seen_by_bob = test_call_get_peer (in);
  test_count_notify (out, "is-muted", &muted);
  test_count_notify (alice_seen_by_bob, "is-muted", &peer_muted);

  baton_call_mute (out);
  g_assert_true (baton_call_get_is_muted (out));
  baton_call_mute (out);
  g_assert_cmpuint (muted.count, ==, 1);
  test_wait_until (baton_remote_participant_get_is_muted (alice_seen_by_bob));
  g_assert_cmpuint (peer_muted.count, ==, 1);
  /* muting is no hold */
  g_assert_cmpint (baton_call_get_state (in), ==, BATON_CALL_STATE_CONNECTED);

  baton_call_unmute (out);
  g_assert_false (baton_call_get_is_muted (out));
  test_wait_until (!baton_remote_participant_get_is_muted (alice_seen_by_bob));
  g_assert_cmpuint (muted.count, ==, 2);
  g_assert_cmpuint (peer_muted.count, ==, 2);

  baton_call_hang_up (out);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_DISCONNECTED);
  test_party_free (alice);
  test_party_free (bob);
  g_assert_finalize_object (out);
  g_assert_finalize_object (in);
}

/* Accepting a second call holds the first, like a desk phone; resuming the
 * first holds the second. */
static void
test_desk_phone (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  TestParty *carol = test_party_new (server, "carol");
  BatonCall *bob_out, *alice_in1, *carol_out, *alice_in2, *alice_out3;
  g_autoptr(GError) error = NULL;

  test_connect_call (bob, alice, &bob_out, &alice_in1);
  test_connect_call (carol, alice, &carol_out, &alice_in2);
  test_wait_until (baton_call_get_state (alice_in1) == BATON_CALL_STATE_LOCAL_HOLD);
  test_wait_until (baton_call_get_state (bob_out) == BATON_CALL_STATE_REMOTE_HOLD);
  g_assert_cmpint (baton_call_get_state (alice_in2), ==, BATON_CALL_STATE_CONNECTED);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (alice->agent)), ==, 2);

  baton_call_resume_async (alice_in1, NULL, NULL, NULL);
  test_wait_until (baton_call_get_state (alice_in1) == BATON_CALL_STATE_CONNECTED &&
                   baton_call_get_state (alice_in2) == BATON_CALL_STATE_LOCAL_HOLD);
  test_wait_until (baton_call_get_state (carol_out) == BATON_CALL_STATE_REMOTE_HOLD &&
                   baton_call_get_state (bob_out) == BATON_CALL_STATE_CONNECTED);

  /* starting a call holds the active one too */
  alice_out3 = baton_call_agent_start_call (alice->agent, "dave", &error);
  g_assert_no_error (error);
  test_wait_until (baton_call_get_state (alice_in1) == BATON_CALL_STATE_LOCAL_HOLD);
  test_wait_until (baton_call_get_state (alice_out3) == BATON_CALL_STATE_DISCONNECTED);

  baton_call_agent_shutdown (alice->agent);
  test_wait_until (baton_call_get_state (bob_out) == BATON_CALL_STATE_DISCONNECTED &&
                   baton_call_get_state (carol_out) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (bob_out), ==, 0);

  test_party_free (alice);
  test_party_free (bob);
  test_party_free (carol);
  g_assert_finalize_object (bob_out);
  g_assert_finalize_object (alice_in1);
  g_assert_finalize_object (carol_out);
  g_assert_finalize_object (alice_in2);
  g_assert_finalize_object (alice_out3);
}

static void
dtmf_cb (BatonCall     *call,
         BatonDtmfTone  tone,
         GArray        *tones)
{
  g_array_append_val (tones, tone);
}

static void
test_dtmf (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  BatonCall *out, *in;
  g_autoptr(GArray) tones = g_array_new (FALSE, FALSE, sizeof (BatonDtmfTone));

  test_connect_call (alice, bob, &out, &in);
  g_signal_connect (in, "dtmf-received", G_CALLBACK (dtmf_cb), tones);
  /* media must flow first: wait for the first tone to come through */
  baton_call_send_dtmf (out, BATON_DTMF_TONE_NUM7);
  while (tones->len == 0)
    {
      test_spin (300);
      if (tones->len == 0)
        baton_call_send_dtmf (out, BATON_DTMF_TONE_NUM7);
    }
  /* The 7s sent while waiting that are still queued or in flight come
   * first (under load several were: the wait loop sends one every 300 ms,
   * and each takes 240 ms to send), then the pound sign, and nothing else. */
  g_array_set_size (tones, 0);
  baton_call_send_dtmf (out, BATON_DTMF_TONE_POUND);
  test_wait_until (tones->len >= 1 &&
                   g_array_index (tones, BatonDtmfTone, tones->len - 1) != BATON_DTMF_TONE_NUM7);
  for (guint i = 0; i + 1 < tones->len; i++)
    g_assert_cmpint (g_array_index (tones, BatonDtmfTone, i), ==, BATON_DTMF_TONE_NUM7);
  g_assert_cmpint (g_array_index (tones, BatonDtmfTone, tones->len - 1), ==, BATON_DTMF_TONE_POUND);

  baton_call_hang_up (out);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_DISCONNECTED);
  test_party_free (alice);
  test_party_free (bob);
  g_assert_finalize_object (out);
  g_assert_finalize_object (in);
}

/* An agent dropped without shutdown: its calls end locally (their media
 * stops). (The peer learns it from the service after its grace period.) */
static void
test_agent_destroyed (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  BatonCall *out, *in;

  test_connect_call (alice, bob, &out, &in);
  g_clear_object (&alice->agent);
  g_assert_cmpint (baton_call_get_state (out), ==, BATON_CALL_STATE_DISCONNECTED);
  g_assert_finalize_object (out);

  baton_call_hang_up (in);
  test_party_free (bob);
  g_assert_finalize_object (in);
  g_ptr_array_unref (alice->incoming);
  g_object_unref (alice->credential);
  g_object_unref (alice->client);
  g_free (alice->user);
  g_free (alice);
}

static void
test_preconditions (void)
{
  TestParty *alice = test_party_new (server, "alice");
  g_autoptr(GError) error = NULL;

  g_test_expect_message ("Baton-Agent", G_LOG_LEVEL_CRITICAL, "*callee_id != NULL*");
  g_assert_null (baton_call_agent_start_call (alice->agent, NULL, &error));
  g_test_assert_expected_messages ();

  baton_call_agent_shutdown (alice->agent);
  g_assert_null (baton_call_agent_start_call (alice->agent, "bob", &error));
  g_assert_error (error, BATON_ERROR, BATON_ERROR_NOT_CONNECTED);
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
  baton_test_server_add_user (server, "carol", NULL);
  baton_test_server_add_user (server, "dave", NULL);
  baton_test_server_add_user (server, "erin", NULL);
  baton_test_server_set_forwarding (server, "erin", NULL, NULL, 1);

  g_test_add_func ("/Baton/Call/start-accept", test_start_accept);
  g_test_add_func ("/Baton/Call/reject", test_reject);
  g_test_add_func ("/Baton/Call/busy", test_busy);
  g_test_add_func ("/Baton/Call/offline", test_offline);
  g_test_add_func ("/Baton/Call/unknown-user", test_unknown_user);
  g_test_add_func ("/Baton/Call/cancel", test_cancel);
  g_test_add_func ("/Baton/Call/no-answer", test_no_answer);
  g_test_add_func ("/Baton/Call/hold", test_hold);
  g_test_add_func ("/Baton/Call/hold-unanswered", test_hold_unanswered);
  g_test_add_func ("/Baton/Call/mute", test_mute);
  g_test_add_func ("/Baton/Call/desk-phone", test_desk_phone);
  g_test_add_func ("/Baton/Call/dtmf", test_dtmf);
  g_test_add_func ("/Baton/Call/agent-destroyed", test_agent_destroyed);
  g_test_add_func ("/Baton/Call/preconditions", test_preconditions);

  ret = g_test_run ();
  baton_test_server_free (server);
  return ret;
}
