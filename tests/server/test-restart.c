/* test-restart.c: calls survive a restart of the server (PROTOCOL.md § 3.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server stores a change of the live state before any reply or event
 * that reports it leaves (PROTOCOL.md § 3.1). The crash-right-after tests
 * prove it at the worst moment: the server runs with the hidden
 * `--crash-after TYPE` knob and SIGKILLs itself right after answering such a
 * request, so what the client saw in that reply must come back after the
 * restart. (The other tests still do a ping round trip before their kill -9;
 * it no longer matters.)
 */
#include "server-fixture.h"

static void
sync_state (BatonTestClient *c)
{
  btc_do (c, "{'type':'ping'}");
}

static void kill_and_restart (Fixture         *f,
                              BatonTestClient *client,
                              ...) G_GNUC_NULL_TERMINATED;

/* kill -9 the server, see each of the NULL-terminated clients' connections
 * close, and start it again on the same data dir and port */
static void
kill_and_restart (Fixture         *f,
                  BatonTestClient *client,
                  ...)
{
  va_list args;

  baton_test_server_kill (f->server);
  va_start (args, client);
  for (BatonTestClient *c = client; c != NULL; c = va_arg (args, BatonTestClient *))
    btc_wait_closed (c, 3000);
  va_end (args);
  baton_test_server_restart (f->server);
}

/* Resumes `session` with `calls` (a JSON array text) on a new connection. */
static BatonTestClient *
resume (Fixture     *f,
        const char  *token,
        const char  *session,
        const char  *calls_json,
        JsonObject **out_reply)
{
  BatonTestClient *c = btc_connect (baton_test_server_get_uri (f->server), token, NULL);
  g_autoptr(JsonObject) reply = NULL;

  g_assert_nonnull (c);
  reply = btc_ok (c, "{'type':'register','resume':{'session_id':'%s','calls':%s}}", session, calls_json);
  if (out_reply)
    *out_reply = g_steal_pointer (&reply);
  return c;
}

static JsonObject *
only_call (JsonObject *reply)
{
  JsonArray *calls = json_object_get_array_member (reply, "calls");

  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  return json_array_get_object_element (calls, 0);
}

/* Resumes @session with the one call @call_id, which must come back connected */
static BatonTestClient *
resume_connected (Fixture     *f,
                  const char  *token,
                  const char  *session,
                  const char  *call_id)
{
  g_autofree char *list = g_strdup_printf ("['%s']", call_id);
  g_autoptr(JsonObject) reply = NULL;
  BatonTestClient *c = resume (f, token, session, list, &reply);

  g_assert_cmpstr (btc_str (reply, "session_id"), ==, session);
  g_assert_cmpstr (btc_str (only_call (reply), "call_id"), ==, call_id);
  g_assert_cmpstr (btc_str (only_call (reply), "state"), ==, "connected");
  return c;
}

static void
expect_hold (BatonTestClient *c,
             const char      *call_id,
             gboolean         held)
{
  g_autoptr(JsonObject) ev = btc_wait_event (c, "call.hold");

  g_assert_cmpstr (btc_str (ev, "call_id"), ==, call_id);
  g_assert_cmpint (btc_bool (ev, "held"), ==, held);
}

/* kill -9 mid-call: both resume the same sessions, the call is live with its
 * flags, and hold and hang-up go through the new process. */
static void
test_crash_call (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(BatonTestClient) a = fixture_connect (f, f->alice);
  g_autoptr(BatonTestClient) b = fixture_connect (f, f->bob);
  g_autofree char *id = fixture_call (a, b, "bob");
  g_autofree char *sa = g_strdup (btc_session_id (a));
  g_autofree char *sb = g_strdup (btc_session_id (b));
  g_autofree char *list = g_strdup_printf ("['%s']", id);
  g_autoptr(BatonTestClient) a2 = NULL;
  g_autoptr(BatonTestClient) b2 = NULL;
  g_autoptr(JsonObject) ra = NULL;
  g_autoptr(JsonObject) rb = NULL;
  JsonObject *snap;

  btc_do (a, "{'type':'call.hold','call_id':'%s','held':true}", id);
  expect_hold (b, id, TRUE);
  btc_do (b, "{'type':'call.mute','call_id':'%s','muted':true}", id);
  json_object_unref (btc_wait_event (a, "call.mute"));
  sync_state (a);
  sync_state (b);

  baton_test_server_kill (f->server);
  g_assert_cmpuint (btc_wait_closed (a, 3000), !=, 1000);
  btc_wait_closed (b, 3000);
  baton_test_server_restart (f->server);

  a2 = resume (f, f->alice, sa, list, &ra);
  g_assert_cmpstr (btc_str (ra, "session_id"), ==, sa);
  snap = only_call (ra);
  g_assert_cmpstr (btc_str (snap, "call_id"), ==, id);
  g_assert_cmpstr (btc_str (snap, "state"), ==, "connected");
  g_assert_cmpstr (btc_str (snap, "direction"), ==, "outgoing");
  g_assert_cmpstr (btc_str (json_object_get_object_member (snap, "peer"), "id"), ==, "bob");
  g_assert_true (btc_bool (snap, "held_by_me"));
  g_assert_false (btc_bool (snap, "held_by_peer"));
  g_assert_true (btc_bool (snap, "peer_muted"));

  b2 = resume (f, f->bob, sb, list, &rb);
  g_assert_cmpstr (btc_str (rb, "session_id"), ==, sb);
  snap = only_call (rb);
  g_assert_cmpstr (btc_str (snap, "call_id"), ==, id);
  g_assert_cmpstr (btc_str (snap, "state"), ==, "connected");
  g_assert_cmpstr (btc_str (snap, "direction"), ==, "incoming");
  g_assert_false (btc_bool (snap, "held_by_me"));
  g_assert_true (btc_bool (snap, "held_by_peer"));
  g_assert_false (btc_bool (snap, "peer_muted"));

  /* the new process relays: a takes the call off hold, b hangs up */
  btc_do (a2, "{'type':'call.hold','call_id':'%s','held':false}", id);
  expect_hold (b2, id, FALSE);
  btc_do (b2, "{'type':'call.hangup','call_id':'%s'}", id);
  btc_wait_ended (a2, id, 0, 0);
  btc_assert_no_event (b2, "call.ended");

  /* and the hung-up call is not brought back by a second restart */
  kill_and_restart (f, a2, b2, NULL);
  {
    g_autoptr(JsonObject) r3 = NULL;
    g_autoptr(BatonTestClient) a3 = resume (f, f->alice, sa, list, &r3);

    g_assert_cmpstr (btc_str (r3, "session_id"), ==, sa);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r3, "calls")), ==, 0);
  }
}

/* SIGTERM: the agents are told (1001) and resume against the next start. */
static void
test_stop_call (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(BatonTestClient) a = fixture_connect (f, f->alice);
  g_autoptr(BatonTestClient) b = fixture_connect (f, f->bob);
  g_autofree char *id = fixture_call (a, b, "bob");
  g_autofree char *sa = g_strdup (btc_session_id (a));
  g_autofree char *sb = g_strdup (btc_session_id (b));
  g_autoptr(BatonTestClient) a2 = NULL;
  g_autoptr(BatonTestClient) b2 = NULL;

  baton_test_server_stop (f->server);
  g_assert_cmpuint (btc_wait_closed (a, 3000), ==, 1001);
  g_assert_cmpuint (btc_wait_closed (b, 3000), ==, 1001);
  baton_test_server_restart (f->server);

  b2 = resume_connected (f, f->bob, sb, id);
  a2 = resume_connected (f, f->alice, sa, id);

  btc_do (a2, "{'type':'call.hangup','call_id':'%s'}", id);
  btc_wait_ended (b2, id, 0, 0);
}

/* The restored sessions' grace period (1.5 s here) starts when the server
 * listens again, not when it loads the store: --test-slow-start makes the
 * start take 2 s between the two (as setting up 1,024 shards can on a slow
 * machine), after which both agents still resume their call. With the grace
 * period counted from the load, both sessions ended the moment the main loop
 * ran (seen under ASan at load 30 in the protocol test). */
static void
slow_start_fixture_set_up (Fixture       *f,
                           gconstpointer  data)
{
  const char *args[] = { "--time-scale", FIXTURE_TIME_SCALE, "--test-slow-start", "2000", NULL };

  fixture_set_up_with_args (f, args);
}

static void
test_grace_after_slow_start (Fixture       *f,
                             gconstpointer  data)
{
  test_stop_call (f, data);
}

/* A call still ringing at the crash ends 410/10008: neither side gets it back. */
static void
test_crash_ringing (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(BatonTestClient) a = fixture_connect (f, f->alice);
  g_autoptr(BatonTestClient) b = fixture_connect (f, f->bob);
  g_autoptr(JsonObject) invite = btc_ok (a, "{'type':'call.invite','to':'bob','sdp':'v=0 offer'}");
  const char *id = btc_str (invite, "call_id");
  g_autofree char *sa = g_strdup (btc_session_id (a));
  g_autofree char *sb = g_strdup (btc_session_id (b));
  g_autofree char *list = g_strdup_printf ("['%s']", id);
  g_autoptr(BatonTestClient) a2 = NULL;
  g_autoptr(BatonTestClient) b2 = NULL;
  g_autoptr(JsonObject) ra = NULL;
  g_autoptr(JsonObject) rb = NULL;
  g_autoptr(JsonObject) incoming = btc_wait_event (b, "call.incoming");

  g_assert_cmpstr (btc_str (incoming, "call_id"), ==, id);
  json_object_unref (btc_wait_event (a, "call.ringing"));
  sync_state (a);
  sync_state (b);

  kill_and_restart (f, a, b, NULL);

  /* the sessions come back, the ringing call does not */
  a2 = resume (f, f->alice, sa, list, &ra);
  g_assert_cmpstr (btc_str (ra, "session_id"), ==, sa);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (ra, "calls")), ==, 0);
  b2 = resume (f, f->bob, sb, list, &rb);
  g_assert_cmpstr (btc_str (rb, "session_id"), ==, sb);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rb, "calls")), ==, 0);
  btc_error (b2, 404, 10017, "{'type':'call.accept','call_id':'%s','sdp':'v=0 answer'}", id);

  /* calls work again through the restored sessions */
  g_free (fixture_call (a2, b2, "bob"));
}

/* One party never comes back after the crash: when its grace period (which
 * started at boot) runs out, the other gets 410/10008. */
static void
test_crash_grace_expiry (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(BatonTestClient) a = fixture_connect (f, f->alice);
  g_autoptr(BatonTestClient) b = fixture_connect (f, f->bob);
  g_autofree char *id = fixture_call (a, b, "bob");
  g_autofree char *sa = g_strdup (btc_session_id (a));
  g_autofree char *sb = g_strdup (btc_session_id (b));
  g_autofree char *list = g_strdup_printf ("['%s']", id);
  g_autoptr(BatonTestClient) a2 = NULL;
  g_autoptr(BatonTestClient) b2 = NULL;
  g_autoptr(JsonObject) ra = NULL;
  g_autoptr(JsonObject) rb = NULL;
  g_autoptr(JsonObject) ended = NULL;

  sync_state (a);
  sync_state (b);
  kill_and_restart (f, a, b, NULL);

  a2 = resume (f, f->alice, sa, list, &ra);
  g_assert_cmpstr (btc_str (only_call (ra), "state"), ==, "connected");
  /* grace period: 30 s × 0.05 = 1.5 s from boot */
  ended = btc_wait_event_timeout (a2, "call.ended", 5000);
  g_assert_nonnull (ended);
  g_assert_cmpstr (btc_str (ended, "call_id"), ==, id);
  g_assert_cmpint (btc_int (ended, "code"), ==, 410);
  g_assert_cmpint (btc_int (ended, "subcode"), ==, 10008);

  /* too late for b: a new session, no calls */
  b2 = resume (f, f->bob, sb, list, &rb);
  g_assert_cmpstr (btc_str (rb, "session_id"), !=, sb);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rb, "calls")), ==, 0);
}

/* A transfer in progress at the crash fails 410/10008, reported in the
 * transferor's resume; A comes off the server's hold and stays live. */
static void
test_crash_transfer (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(BatonTestClient) t = fixture_connect (f, f->alice);
  g_autoptr(BatonTestClient) e = fixture_connect (f, f->bob);
  g_autoptr(BatonTestClient) c = fixture_connect (f, f->carol);
  g_autofree char *id = fixture_call (t, e, "bob");
  g_autofree char *st = g_strdup (btc_session_id (t));
  g_autofree char *se = g_strdup (btc_session_id (e));
  g_autofree char *list = g_strdup_printf ("['%s']", id);
  g_autoptr(JsonObject) req = btc_ok (t, "{'type':'transfer.request','call_id':'%s','target':{'user_id':'carol'}}", id);
  g_autofree char *transfer = g_strdup (btc_str (req, "transfer_id"));
  g_autoptr(BatonTestClient) t2 = NULL;
  g_autoptr(BatonTestClient) e2 = NULL;
  g_autoptr(JsonObject) rt = NULL;
  g_autoptr(JsonObject) re = NULL;
  g_autoptr(JsonObject) asked = btc_wait_event (e, "transfer.request");
  JsonArray *transfers;
  JsonObject *tr;

  g_assert_cmpstr (btc_str (asked, "transfer_id"), ==, transfer);
  sync_state (t);
  sync_state (e);
  kill_and_restart (f, t, e, c, NULL);

  t2 = resume (f, f->alice, st, list, &rt);
  transfers = json_object_get_array_member (rt, "transfers");
  g_assert_cmpuint (json_array_get_length (transfers), ==, 1);
  tr = json_array_get_object_element (transfers, 0);
  g_assert_cmpstr (btc_str (tr, "transfer_id"), ==, transfer);
  g_assert_cmpstr (btc_str (tr, "call_id"), ==, id);
  g_assert_cmpstr (btc_str (tr, "state"), ==, "failed");
  g_assert_cmpint (btc_int (tr, "code"), ==, 410);
  g_assert_cmpint (btc_int (tr, "subcode"), ==, 10008);
  g_assert_cmpstr (btc_str (only_call (rt), "state"), ==, "connected");
  g_assert_false (btc_bool (only_call (rt), "held_by_me"));

  e2 = resume (f, f->bob, se, list, &re);
  g_assert_false (btc_bool (only_call (re), "held_by_peer"));
  /* the transfer is over: accepting it now fails, the call goes on */
  btc_error (e2, 409, 10018, "{'type':'transfer.accept','transfer_id':'%s','sdp':'v=0 e'}", transfer);

  /* a second restart: the call is still there, the failed transfer is not
   * reported again (it was told once, and A is stored without it now) */
  sync_state (t2);
  sync_state (e2);
  kill_and_restart (f, t2, e2, NULL);
  {
    g_autoptr(JsonObject) rt3 = NULL;
    g_autoptr(JsonObject) re3 = NULL;
    g_autoptr(BatonTestClient) t3 = resume (f, f->alice, st, list, &rt3);
    g_autoptr(BatonTestClient) e3 = resume (f, f->bob, se, list, &re3);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rt3, "transfers")), ==, 0);
    g_assert_cmpstr (btc_str (only_call (rt3), "state"), ==, "connected");
    btc_do (e3, "{'type':'call.hangup','call_id':'%s'}", id);
    btc_wait_ended (t3, id, 0, 0);
  }
}

/* Crash-right-after fixtures: the server kills itself right after answering
 * the first request of the given type (and again after a restart). */
static void
crash_fixture_set_up (Fixture       *f,
                      gconstpointer  data)
{
  const char *args[] = { "--time-scale", FIXTURE_TIME_SCALE, "--crash-after", data, NULL };

  fixture_set_up_with_args (f, args);
}

/* The server dies the moment bob's call.accept is answered: bob saw "ok",
 * so the connected call must be there after the restart, for both. */
static void
test_crash_right_after_accept (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(BatonTestClient) a = fixture_connect (f, f->alice);
  g_autoptr(BatonTestClient) b = fixture_connect (f, f->bob);
  g_autoptr(JsonObject) invite = btc_ok (a, "{'type':'call.invite','to':'bob','sdp':'v=0 offer'}");
  g_autofree char *id = g_strdup (btc_str (invite, "call_id"));
  g_autofree char *sa = g_strdup (btc_session_id (a));
  g_autofree char *sb = g_strdup (btc_session_id (b));
  g_autoptr(JsonObject) incoming = btc_wait_event (b, "call.incoming");
  g_autoptr(BatonTestClient) a2 = NULL;
  g_autoptr(BatonTestClient) b2 = NULL;

  g_assert_cmpstr (btc_str (incoming, "call_id"), ==, id);
  /* no ping round trip: the ok is the last thing the server does */
  btc_do (b, "{'type':'call.accept','call_id':'%s','sdp':'v=0 answer'}", id);
  g_assert_cmpuint (btc_wait_closed (b, 3000), !=, 1001);
  btc_wait_closed (a, 3000);
  baton_test_server_kill (f->server); /* reaps it: it is already dead */
  baton_test_server_restart (f->server);

  b2 = resume_connected (f, f->bob, sb, id);
  a2 = resume_connected (f, f->alice, sa, id);

  btc_do (a2, "{'type':'call.hangup','call_id':'%s'}", id);
  btc_wait_ended (b2, id, 0, 0);
}

/* The server dies the moment alice's call.hold is answered (bob got
 * call.hold in the same breath): the hold is there after the restart. */
static void
test_crash_right_after_hold (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(BatonTestClient) a = fixture_connect (f, f->alice);
  g_autoptr(BatonTestClient) b = fixture_connect (f, f->bob);
  g_autofree char *id = fixture_call (a, b, "bob");
  g_autofree char *sa = g_strdup (btc_session_id (a));
  g_autofree char *sb = g_strdup (btc_session_id (b));
  g_autofree char *list = g_strdup_printf ("['%s']", id);
  g_autoptr(BatonTestClient) a2 = NULL;
  g_autoptr(BatonTestClient) b2 = NULL;
  g_autoptr(JsonObject) ra = NULL;
  g_autoptr(JsonObject) rb = NULL;

  btc_do (a, "{'type':'call.hold','call_id':'%s','held':true}", id);
  btc_wait_closed (a, 3000);
  btc_wait_closed (b, 3000);
  baton_test_server_kill (f->server);
  baton_test_server_restart (f->server);

  a2 = resume (f, f->alice, sa, list, &ra);
  g_assert_true (btc_bool (only_call (ra), "held_by_me"));
  b2 = resume (f, f->bob, sb, list, &rb);
  g_assert_true (btc_bool (only_call (rb), "held_by_peer"));
  btc_do (b2, "{'type':'call.hangup','call_id':'%s'}", id);
  btc_wait_ended (a2, id, 0, 0);
}

/* Group commit: the requests that arrive together are handled in one round
 * and their changes stored in one transaction before any of their replies
 * leaves. Two callees accept at the same moment and the server dies right
 * after the round that answered the first: every callee that saw its "ok"
 * must find its call connected after the restart (and at least one did). */
static void
test_crash_right_after_accepts (Fixture       *f,
                                gconstpointer  data)
{
  const char *callers[] = { f->alice, f->carol };
  const char *callees[] = { f->bob, f->dave };
  const char *callee_ids[] = { "bob", "dave" };
  BatonTestClient *a[2], *b[2];
  char *id[2], *sa[2], *sb[2];
  gint64 accept_id[2];
  guint answered = 0;

  for (int i = 0; i < 2; i++)
    {
      g_autoptr(JsonObject) invite = NULL;
      g_autoptr(JsonObject) incoming = NULL;

      a[i] = fixture_connect (f, callers[i]);
      b[i] = fixture_connect (f, callees[i]);
      invite = btc_ok (a[i], "{'type':'call.invite','to':'%s','sdp':'v=0 offer'}", callee_ids[i]);
      id[i] = g_strdup (btc_str (invite, "call_id"));
      sa[i] = g_strdup (btc_session_id (a[i]));
      sb[i] = g_strdup (btc_session_id (b[i]));
      incoming = btc_wait_event (b[i], "call.incoming");
      g_assert_cmpstr (btc_str (incoming, "call_id"), ==, id[i]);
    }
  /* back to back, without waiting for the first reply */
  for (int i = 0; i < 2; i++)
    accept_id[i] = btc_send (b[i], "{'type':'call.accept','call_id':'%s','sdp':'v=0 answer'}", id[i]);
  for (int i = 0; i < 2; i++)
    {
      btc_wait_closed (b[i], 3000);
      btc_wait_closed (a[i], 3000);
    }
  baton_test_server_kill (f->server);
  baton_test_server_restart (f->server);

  for (int i = 0; i < 2; i++)
    {
      g_autoptr(JsonObject) reply = btc_queued_reply (b[i], accept_id[i]);

      if (reply != NULL)
        {
          g_autoptr(BatonTestClient) b2 = NULL;
          g_autoptr(BatonTestClient) a2 = NULL;

          g_assert_cmpstr (btc_str (reply, "type"), ==, "ok");
          answered++;
          b2 = resume_connected (f, callees[i], sb[i], id[i]);
          a2 = resume_connected (f, callers[i], sa[i], id[i]);
          btc_do (a2, "{'type':'call.hangup','call_id':'%s'}", id[i]);
          btc_wait_ended (b2, id[i], 0, 0);
        }
      else
        g_test_message ("the second accept was not answered before the crash");
    }
  g_assert_cmpuint (answered, >=, 1);

  for (int i = 0; i < 2; i++)
    {
      btc_free (a[i]);
      btc_free (b[i]);
      g_free (id[i]);
      g_free (sa[i]);
      g_free (sb[i]);
    }
}

/* The limit of 32 live calls per user holds across a restart: the restored
 * connected calls count, the ringing one that cannot survive does not. */
static void
test_call_limit_after_restart (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(BatonTestClient) a = fixture_connect (f, f->alice);
  g_autoptr(BatonTestClient) b = fixture_connect (f, f->bob);
  g_autoptr(BatonTestClient) c = fixture_connect (f, f->carol);
  g_autoptr(BatonTestClient) a2 = NULL;
  g_autoptr(BatonTestClient) b2 = NULL;
  g_autoptr(BatonTestClient) c2 = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) list = g_string_new ("[");
  g_autoptr(JsonObject) ringing = NULL;
  g_autoptr(JsonObject) ra = NULL;
  g_autoptr(JsonObject) rb = NULL;
  g_autofree char *sa = g_strdup (btc_session_id (a));
  g_autofree char *sb = g_strdup (btc_session_id (b));
  g_autoptr(JsonObject) last = NULL;

  for (int i = 0; i < 31; i++)
    {
      g_ptr_array_add (ids, fixture_call (a, b, "bob"));
      g_string_append_printf (list, "%s'%s'", i ? "," : "", (char *) ids->pdata[i]);
    }
  g_string_append (list, "]");
  ringing = btc_ok (a, "{'type':'call.invite','to':'carol','sdp':'v=0 offer'}");
  json_object_unref (btc_wait_event (c, "call.incoming"));
  btc_error (a, 409, 10018, "{'type':'call.invite','to':'carol','sdp':'x'}");
  sync_state (a);
  sync_state (b);

  kill_and_restart (f, a, b, c, NULL);

  a2 = resume (f, f->alice, sa, list->str, &ra);
  b2 = resume (f, f->bob, sb, list->str, &rb);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (ra, "calls")), ==, 31);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rb, "calls")), ==, 31);
  c2 = fixture_connect (f, f->carol);

  /* 31 restored: one more, not two */
  last = btc_ok (a2, "{'type':'call.invite','to':'carol','sdp':'v=0 offer'}");
  btc_error (a2, 409, 10018, "{'type':'call.invite','to':'carol','sdp':'x'}");
  /* and a restored call that ends makes room */
  btc_do (a2, "{'type':'call.hangup','call_id':'%s'}", (char *) ids->pdata[0]);
  btc_wait_ended (b2, ids->pdata[0], 0, 0);
  btc_do (a2, "{'type':'call.invite','to':'carol','sdp':'v=0 offer'}");
  btc_error (a2, 409, 10018, "{'type':'call.invite','to':'carol','sdp':'x'}");
  btc_drain (c2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/Baton/Server/Restart/crash-right-after-accept", Fixture, "call.accept",
              crash_fixture_set_up, test_crash_right_after_accept, fixture_tear_down);
  g_test_add ("/Baton/Server/Restart/crash-right-after-accepts", Fixture, "call.accept",
              crash_fixture_set_up, test_crash_right_after_accepts, fixture_tear_down);
  g_test_add ("/Baton/Server/Restart/crash-right-after-hold", Fixture, "call.hold",
              crash_fixture_set_up, test_crash_right_after_hold, fixture_tear_down);
  FIXTURE_TEST ("/Baton/Server/Restart/crash-call", test_crash_call);
  FIXTURE_TEST ("/Baton/Server/Restart/stop-call", test_stop_call);
  g_test_add ("/Baton/Server/Restart/grace-after-slow-start", Fixture, NULL,
              slow_start_fixture_set_up, test_grace_after_slow_start, fixture_tear_down);
  FIXTURE_TEST ("/Baton/Server/Restart/crash-ringing", test_crash_ringing);
  FIXTURE_TEST ("/Baton/Server/Restart/crash-grace-expiry", test_crash_grace_expiry);
  FIXTURE_TEST ("/Baton/Server/Restart/crash-transfer", test_crash_transfer);
  FIXTURE_TEST ("/Baton/Server/Restart/call-limit-after-restart", test_call_limit_after_restart);
  return g_test_run ();
}
