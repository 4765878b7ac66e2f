/* test-transfer.c: BatonTransferCallFeature and BatonTransfer, every path of
 * TRANSFER.md, against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * T (tom) transfers E (eve) to C (cara). F (fay) is a forwarding target,
 * dan is never online, gus forwards everything to fay.
 */
#include "baton-lib-test-util.h"

static BatonTestServer *server;

typedef struct {
  TestParty *t, *e, *c;
  BatonCall *a_t, *a_e;   /* call A on T's and on E's side */
  GPtrArray *accepted;    /* A′ from E's transfer-accepted */
  GArray    *states;      /* BatonTransferState from state-changed */
  NotifyCounter state_notify;
} Fixture;

static void
transfer_accepted_cb (BatonTransferCallFeature *feature,
                      BatonCall                *call,
                      Fixture                  *f)
{
  g_assert_true (BATON_IS_CALL (call));
  g_ptr_array_add (f->accepted, g_object_ref (call));
}

static void
transfer_state_cb (BatonTransfer      *transfer,
                   BatonTransferState  old_state,
                   BatonTransferState  new_state,
                   Fixture            *f)
{
  g_assert_cmpint (old_state, !=, new_state);
  g_array_append_val (f->states, new_state);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->t = test_party_new (server, "tom");
  f->e = test_party_new (server, "eve");
  f->c = test_party_new (server, "cara");
  f->accepted = g_ptr_array_new_with_free_func (g_object_unref);
  f->states = g_array_new (FALSE, FALSE, sizeof (BatonTransferState));

  /* E calls T: call A */
  test_connect_call (f->e, f->t, &f->a_e, &f->a_t);
  g_signal_connect (baton_call_get_transfer_feature (f->a_e), "transfer-accepted",
                    G_CALLBACK (transfer_accepted_cb), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  test_party_free (f->t);
  test_party_free (f->e);
  test_party_free (f->c);
  g_ptr_array_unref (f->accepted);
  g_array_unref (f->states);
  g_assert_finalize_object (f->a_t);
  g_assert_finalize_object (f->a_e);
}

static BatonTransfer *
start_transfer_to (Fixture    *f,
                   const char *target,
                   gboolean    disable)
{
  g_autoptr(GError) error = NULL;
  BatonTransfer *transfer;

  transfer = baton_transfer_call_feature_transfer_to_participant (baton_call_get_transfer_feature (f->a_t),
                                                                  target, disable, &error);
  g_assert_no_error (error);
  g_assert_true (BATON_IS_TRANSFER (transfer));
  g_assert_cmpint (baton_transfer_get_state (transfer), ==, BATON_TRANSFER_STATE_TRANSFERRING);
  g_assert_cmpstr (baton_transfer_get_target_id (transfer), ==, target);
  g_assert_null (baton_transfer_get_target_call_id (transfer));
  g_signal_connect (transfer, "state-changed", G_CALLBACK (transfer_state_cb), f);
  test_count_notify (transfer, "state", &f->state_notify);
  return transfer;
}

/* The invariant after a failed transfer: E is back with T on A, off hold on
 * both sides, and in no other call. */
static void
assert_back_on_a (Fixture *f)
{
  test_wait_until (baton_call_get_state (f->a_t) == BATON_CALL_STATE_CONNECTED &&
                   baton_call_get_state (f->a_e) == BATON_CALL_STATE_CONNECTED);
  test_wait_until (g_list_model_get_n_items (baton_call_agent_get_calls (f->e->agent)) == 1);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (f->t->agent)), ==, 1);
}

static void
assert_failed (Fixture       *f,
               BatonTransfer *transfer,
               guint          code,
               guint          subcode)
{
  test_wait_until (baton_transfer_get_state (transfer) != BATON_TRANSFER_STATE_TRANSFERRING);
  g_assert_cmpint (baton_transfer_get_state (transfer), ==, BATON_TRANSFER_STATE_FAILED);
  g_assert_cmpuint (baton_transfer_get_error_code (transfer), ==, code);
  g_assert_cmpuint (baton_transfer_get_error_subcode (transfer), ==, subcode);
  g_assert_nonnull (baton_transfer_get_error_message (transfer));
  g_assert_cmpuint (f->states->len, ==, 1);
  g_assert_cmpuint (f->state_notify.count, ==, 1);
  assert_back_on_a (f);
}

/* C answers the transfer call; checks who is connected to whom after. */
static void
assert_transferred (Fixture       *f,
                    BatonTransfer *transfer,
                    TestParty     *target,
                    BatonCall     *target_call)
{
  BatonCall *a2;

  test_wait_until (baton_transfer_get_state (transfer) != BATON_TRANSFER_STATE_TRANSFERRING);
  g_assert_cmpint (baton_transfer_get_state (transfer), ==, BATON_TRANSFER_STATE_TRANSFERRED);
  g_assert_cmpuint (f->states->len, ==, 1);
  g_assert_cmpuint (f->state_notify.count, ==, 1);
  g_assert_cmpuint (f->accepted->len, ==, 1);
  a2 = g_ptr_array_index (f->accepted, 0);

  /* A ends for both as transferred */
  test_wait_until (baton_call_get_state (f->a_t) == BATON_CALL_STATE_DISCONNECTED &&
                   baton_call_get_state (f->a_e) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (f->a_e), ==, 0);
  g_assert_cmpuint (baton_call_get_end_subcode (f->a_e), ==, 10207);
  g_assert_cmpuint (baton_call_get_end_subcode (f->a_t), ==, 10207);

  /* E and the target talk on A′ */
  g_assert_cmpint (baton_call_get_state (a2), ==, BATON_CALL_STATE_CONNECTED);
  g_assert_cmpint (baton_call_get_state (target_call), ==, BATON_CALL_STATE_CONNECTED);
  g_assert_cmpstr (baton_call_get_id (a2), ==, baton_call_get_id (target_call));
  g_assert_cmpstr (baton_remote_participant_get_id (test_call_get_peer (a2)), ==, target->user);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (f->e->agent)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (f->t->agent)), ==, 0);
}

static void
test_to_participant (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(BatonCall) c_call = NULL;
  g_autoptr(GError) error = NULL;
  BatonIncomingCall *incoming;

  transfer = start_transfer_to (f, "cara", FALSE);
  test_wait_until (baton_call_get_state (f->a_t) == BATON_CALL_STATE_LOCAL_HOLD &&
                   baton_call_get_state (f->a_e) == BATON_CALL_STATE_REMOTE_HOLD);

  incoming = test_party_wait_incoming (f->c);
  g_assert_cmpstr (baton_incoming_call_get_caller_id (incoming), ==, "eve");
  g_assert_cmpstr (baton_incoming_call_get_transferor_id (incoming), ==, "tom");
  g_assert_cmpstr (baton_incoming_call_get_transferor_display_name (incoming), ==, "Tom Transferor");
  test_wait_until (f->accepted->len == 1);
  g_assert_cmpint (baton_call_get_direction (g_ptr_array_index (f->accepted, 0)), ==,
                   BATON_CALL_DIRECTION_OUTGOING);
  g_assert_cmpint (baton_transfer_get_state (transfer), ==, BATON_TRANSFER_STATE_TRANSFERRING);

  c_call = baton_incoming_call_accept (incoming, &error);
  g_assert_no_error (error);
  assert_transferred (f, transfer, f->c, c_call);

  baton_call_hang_up (c_call);
  test_wait_until (g_list_model_get_n_items (baton_call_agent_get_calls (f->e->agent)) == 0);
}

static void
test_to_participant_busy (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  TestParty *dan = test_party_new (server, "dan");
  BatonCall *dan_out, *cara_in;

  test_connect_call (dan, f->c, &dan_out, &cara_in);
  transfer = start_transfer_to (f, "cara", FALSE);
  test_wait_until (f->c->incoming->len == 2);
  baton_incoming_call_reject (g_ptr_array_index (f->c->incoming, 1));
  assert_failed (f, transfer, 486, 0);

  baton_call_hang_up (dan_out);
  test_party_free (dan);
  g_object_unref (dan_out);
  g_object_unref (cara_in);
}

static void
test_to_participant_declined (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(BatonTransfer) transfer = start_transfer_to (f, "cara", FALSE);

  baton_incoming_call_reject (test_party_wait_incoming (f->c));
  assert_failed (f, transfer, 603, 0);
}

static void
test_to_participant_offline (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(BatonTransfer) transfer = start_transfer_to (f, "dan", FALSE);

  assert_failed (f, transfer, 480, 0);
}

static void
test_to_participant_unknown (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(BatonTransfer) transfer = start_transfer_to (f, "nobody-at-all", FALSE);

  assert_failed (f, transfer, 404, 0);
}

/* hal does not answer within 1 s and forwards unanswered calls to fay; with
 * disable_forwarding_and_unanswered the transfer fails instead. */
static void
test_no_answer_disabled (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  TestParty *hal = test_party_new (server, "hal");
  TestParty *fay = test_party_new (server, "fay");

  transfer = start_transfer_to (f, "hal", TRUE);
  test_party_wait_incoming (hal);
  assert_failed (f, transfer, 487, 10004);
  g_assert_cmpuint (fay->incoming->len, ==, 0);

  test_party_free (hal);
  test_party_free (fay);
}

static void
test_forward_unanswered (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(BatonCall) fay_call = NULL;
  g_autoptr(GError) error = NULL;
  TestParty *hal = test_party_new (server, "hal");
  TestParty *fay = test_party_new (server, "fay");
  BatonIncomingCall *incoming;

  transfer = start_transfer_to (f, "hal", FALSE);
  test_party_wait_incoming (hal);
  incoming = test_party_wait_incoming (fay);
  g_assert_cmpstr (baton_incoming_call_get_caller_id (incoming), ==, "eve");
  fay_call = baton_incoming_call_accept (incoming, &error);
  g_assert_no_error (error);
  assert_transferred (f, transfer, fay, fay_call);

  baton_call_hang_up (fay_call);
  test_party_free (hal);
  test_party_free (fay);
}

static void
test_forward_always (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(BatonCall) fay_call = NULL;
  g_autoptr(GError) error = NULL;
  TestParty *gus = test_party_new (server, "gus");
  TestParty *fay = test_party_new (server, "fay");

  transfer = start_transfer_to (f, "gus", FALSE);
  fay_call = baton_incoming_call_accept (test_party_wait_incoming (fay), &error);
  g_assert_no_error (error);
  assert_transferred (f, transfer, fay, fay_call);
  g_assert_cmpuint (gus->incoming->len, ==, 0);

  baton_call_hang_up (fay_call);
  test_party_free (gus);
  test_party_free (fay);
}

static void
test_transferee_refuses (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(BatonTransfer) transfer = NULL;

  baton_call_agent_set_accept_transfers (f->e->agent, FALSE);
  transfer = start_transfer_to (f, "cara", FALSE);
  assert_failed (f, transfer, 603, 10203);
  g_assert_cmpuint (f->c->incoming->len, ==, 0);
  g_assert_cmpuint (f->accepted->len, ==, 0);
}

/* T hangs up A while C rings: the transfer goes on, E ends up with C. */
static void
test_transferor_hangs_up (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(BatonCall) c_call = NULL;
  g_autoptr(GError) error = NULL;
  BatonIncomingCall *incoming;
  BatonCall *a2;

  transfer = start_transfer_to (f, "cara", FALSE);
  incoming = test_party_wait_incoming (f->c);
  test_wait_until (f->accepted->len == 1);
  baton_call_hang_up (f->a_t);

  c_call = baton_incoming_call_accept (incoming, &error);
  g_assert_no_error (error);
  a2 = g_ptr_array_index (f->accepted, 0);
  test_wait_until (baton_call_get_state (a2) == BATON_CALL_STATE_CONNECTED &&
                   baton_call_get_state (c_call) == BATON_CALL_STATE_CONNECTED);
  test_wait_until (baton_call_get_state (f->a_e) == BATON_CALL_STATE_DISCONNECTED);
  test_wait_until (g_list_model_get_n_items (baton_call_agent_get_calls (f->e->agent)) == 1);
  g_assert_true (g_list_model_get_item (baton_call_agent_get_calls (f->e->agent), 0) == (gpointer) a2);
  g_object_unref (a2);

  baton_call_hang_up (c_call);
}

/* Attended transfer: T has A with E and B with C. */
static void
test_to_call (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  BatonCall *b_t, *b_c, *a2_c;
  guint c_incoming;

  test_connect_call (f->t, f->c, &b_t, &b_c);
  test_wait_until (baton_call_get_state (f->a_t) == BATON_CALL_STATE_LOCAL_HOLD);
  c_incoming = f->c->incoming->len;

  transfer = baton_transfer_call_feature_transfer_to_call (baton_call_get_transfer_feature (f->a_t),
                                                           baton_call_get_id (b_t), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (baton_transfer_get_target_call_id (transfer), ==, baton_call_get_id (b_t));
  g_assert_cmpstr (baton_transfer_get_target_id (transfer), ==, "cara");
  g_signal_connect (transfer, "state-changed", G_CALLBACK (transfer_state_cb), f);

  test_wait_until (baton_transfer_get_state (transfer) != BATON_TRANSFER_STATE_TRANSFERRING);
  g_assert_cmpint (baton_transfer_get_state (transfer), ==, BATON_TRANSFER_STATE_TRANSFERRED);

  /* C never rang: the new call replaced B */
  g_assert_cmpuint (f->c->incoming->len, ==, c_incoming);
  test_wait_until (baton_call_get_state (b_c) == BATON_CALL_STATE_DISCONNECTED &&
                   baton_call_get_state (b_t) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (b_c), ==, 0);
  g_assert_cmpuint (baton_call_get_end_subcode (b_c), ==, 10206);
  test_wait_until (baton_call_get_state (f->a_e) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_subcode (f->a_e), ==, 10207);

  g_assert_cmpuint (f->accepted->len, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (f->c->agent)), ==, 1);
  a2_c = g_list_model_get_item (baton_call_agent_get_calls (f->c->agent), 0);
  g_assert_cmpint (baton_call_get_state (a2_c), ==, BATON_CALL_STATE_CONNECTED);
  g_assert_cmpstr (baton_call_get_id (a2_c), ==, baton_call_get_id (g_ptr_array_index (f->accepted, 0)));
  g_assert_cmpstr (baton_remote_participant_get_id (test_call_get_peer (a2_c)), ==, "eve");
  /* T's call.ended for A comes on T's own connection: not ordered with E's */
  test_wait_until (g_list_model_get_n_items (baton_call_agent_get_calls (f->t->agent)) == 0);

  baton_call_hang_up (a2_c);
  g_object_unref (a2_c);
  g_object_unref (b_t);
  g_object_unref (b_c);
}

static void
test_to_call_gone (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *b_id = NULL;
  BatonCall *b_t, *b_c;

  test_connect_call (f->t, f->c, &b_t, &b_c);
  b_id = g_strdup (baton_call_get_id (b_t));
  baton_call_hang_up (b_c);
  test_wait_until (baton_call_get_state (b_t) == BATON_CALL_STATE_DISCONNECTED);
  baton_call_resume_async (f->a_t, NULL, NULL, NULL);

  transfer = baton_transfer_call_feature_transfer_to_call (baton_call_get_transfer_feature (f->a_t),
                                                           b_id, &error);
  g_assert_no_error (error);
  g_signal_connect (transfer, "state-changed", G_CALLBACK (transfer_state_cb), f);
  test_count_notify (transfer, "state", &f->state_notify);
  assert_failed (f, transfer, 404, 10202);

  g_object_unref (b_t);
  g_object_unref (b_c);
}

static void
test_preconditions (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  BatonTransferCallFeature *feature = baton_call_get_transfer_feature (f->a_t);

  g_assert_true ((gpointer) feature == (gpointer) baton_call_get_feature (f->a_t, BATON_TYPE_TRANSFER_CALL_FEATURE));
  g_assert_true (feature == baton_call_get_transfer_feature (f->a_t));
  g_assert_null (baton_call_get_feature (f->a_t, G_TYPE_OBJECT));

  g_test_expect_message ("Baton-Transfer", G_LOG_LEVEL_CRITICAL, "*target_id != NULL*");
  g_assert_null (baton_transfer_call_feature_transfer_to_participant (feature, NULL, FALSE, &error));
  g_test_assert_expected_messages ();

  baton_call_hang_up (f->a_t);
  g_assert_null (baton_transfer_call_feature_transfer_to_participant (feature, "cara", FALSE, &error));
  g_assert_error (error, BATON_ERROR, BATON_ERROR_INVALID_STATE);
  test_wait_until (baton_call_get_state (f->a_e) == BATON_CALL_STATE_DISCONNECTED);
}

/* T's connection drops while C rings; C answers meanwhile. Once T is back,
 * the transfer is reported TRANSFERRED (it never stays TRANSFERRING). */
static void
test_connection_drop (void)
{
  TestProxy *proxy = test_proxy_new (baton_test_server_get_port (server));
  TestParty *t = test_party_new_full (server, "tom", test_proxy_get_uri (proxy));
  TestParty *e = test_party_new (server, "eve");
  TestParty *c = test_party_new (server, "cara");
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autoptr(BatonCall) c_call = NULL;
  g_autoptr(GError) error = NULL;
  BatonCall *a_e, *a_t;

  test_connect_call (e, t, &a_e, &a_t);
  transfer = baton_transfer_call_feature_transfer_to_participant (baton_call_get_transfer_feature (a_t),
                                                                  "cara", FALSE, &error);
  g_assert_no_error (error);
  test_party_wait_incoming (c);
  test_wait_until (baton_call_get_state (a_t) == BATON_CALL_STATE_LOCAL_HOLD);

  test_proxy_cut (proxy);
  c_call = baton_incoming_call_accept (test_party_wait_incoming (c), &error);
  g_assert_no_error (error);

  test_wait_until (baton_transfer_get_state (transfer) != BATON_TRANSFER_STATE_TRANSFERRING);
  g_assert_cmpint (baton_transfer_get_state (transfer), ==, BATON_TRANSFER_STATE_TRANSFERRED);
  test_wait_until (baton_call_get_state (a_t) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpint (baton_call_get_state (c_call), ==, BATON_CALL_STATE_CONNECTED);
  g_assert_cmpint (baton_call_agent_get_connection_state (t->agent), ==, BATON_CONNECTION_STATE_CONNECTED);

  baton_call_hang_up (c_call);
  test_party_free (t);
  test_party_free (e);
  test_party_free (c);
  test_proxy_free (proxy);
  g_assert_finalize_object (a_e);
  g_assert_finalize_object (a_t);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = baton_test_server_new ();
  baton_test_server_add_user (server, "tom", "Tom Transferor");
  baton_test_server_add_user (server, "eve", "Eve");
  baton_test_server_add_user (server, "cara", "Cara");
  baton_test_server_add_user (server, "dan", NULL);
  baton_test_server_add_user (server, "fay", NULL);
  baton_test_server_add_user (server, "gus", NULL);
  baton_test_server_add_user (server, "hal", NULL);
  baton_test_server_set_forwarding (server, "hal", NULL, "fay", 1);
  baton_test_server_set_forwarding (server, "gus", "fay", NULL, 0);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/Baton/Transfer/to-participant", test_to_participant);
  ADD ("/Baton/Transfer/to-participant-busy", test_to_participant_busy);
  ADD ("/Baton/Transfer/to-participant-declined", test_to_participant_declined);
  ADD ("/Baton/Transfer/to-participant-offline", test_to_participant_offline);
  ADD ("/Baton/Transfer/to-participant-unknown", test_to_participant_unknown);
  ADD ("/Baton/Transfer/no-answer-disabled", test_no_answer_disabled);
  ADD ("/Baton/Transfer/forward-unanswered", test_forward_unanswered);
  ADD ("/Baton/Transfer/forward-always", test_forward_always);
  ADD ("/Baton/Transfer/transferee-refuses", test_transferee_refuses);
  ADD ("/Baton/Transfer/transferor-hangs-up", test_transferor_hangs_up);
  ADD ("/Baton/Transfer/to-call", test_to_call);
  ADD ("/Baton/Transfer/to-call-gone", test_to_call_gone);
  ADD ("/Baton/Transfer/preconditions", test_preconditions);
#undef ADD
  g_test_add_func ("/Baton/Transfer/connection-drop", test_connection_drop);

  ret = g_test_run ();
  baton_test_server_free (server);
  return ret;
}
