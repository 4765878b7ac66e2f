/* test-transfer.c: transfer orchestration at the signaling level (PROTOCOL.md § 7)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * alice is the transferor T, bob the transferee E, carol the target C, dave a
 * forwarding target. A is alice–bob; B is alice–carol.
 */
#include "server-fixture.h"

typedef struct
{
  BatonTestClient *t;
  BatonTestClient *e;
  BatonTestClient *c;
  char *a;
  char *transfer;
} Scene;

static void
scene_clear (Scene *s)
{
  g_clear_pointer (&s->t, btc_free);
  g_clear_pointer (&s->e, btc_free);
  g_clear_pointer (&s->c, btc_free);
  g_clear_pointer (&s->a, g_free);
  g_clear_pointer (&s->transfer, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Scene, scene_clear)

static void
expect_hold (BatonTestClient *client,
             const char      *call_id,
             gboolean         held)
{
  g_autoptr(JsonObject) ev = btc_wait_event (client, "call.hold");

  g_assert_cmpstr (btc_str (ev, "call_id"), ==, call_id);
  g_assert_cmpint (btc_bool (ev, "held"), ==, held);
  g_assert_cmpstr (btc_str (ev, "by"), ==, "alice");
}

/* T and E in A; C connected unless offline. */
static void
scene_set_up (Fixture  *f,
              Scene    *s,
              gboolean  c_online)
{
  s->t = fixture_connect (f, f->alice);
  s->e = fixture_connect (f, f->bob);
  if (c_online)
    s->c = fixture_connect (f, f->carol);
  s->a = fixture_call (s->t, s->e, "bob");
}

/* T asks; A goes on hold for both; E gets transfer.request. */
static void
scene_request (Scene      *s,
               const char *target_json)
{
  g_autoptr(JsonObject) reply = btc_ok (s->t, "{'type':'transfer.request','call_id':'%s','target':%s}",
                                        s->a, target_json);
  g_autoptr(JsonObject) req = NULL;

  s->transfer = g_strdup (btc_str (reply, "transfer_id"));
  g_assert_nonnull (s->transfer);
  expect_hold (s->t, s->a, TRUE);
  expect_hold (s->e, s->a, TRUE);
  req = btc_wait_event (s->e, "transfer.request");
  g_assert_cmpstr (btc_str (req, "transfer_id"), ==, s->transfer);
  g_assert_cmpstr (btc_str (req, "call_id"), ==, s->a);
  g_assert_cmpstr (btc_str (json_object_get_object_member (req, "transferor"), "id"), ==, "alice");
}

/* E accepts: returns A′'s id; T learns new_call_id. */
static char *
scene_accept (Scene *s)
{
  g_autoptr(JsonObject) reply = btc_ok (s->e, "{'type':'transfer.accept','transfer_id':'%s','sdp':'v=0 e'}",
                                        s->transfer);
  g_autoptr(JsonObject) update = btc_wait_event (s->t, "transfer.update");
  char *a2 = g_strdup (btc_str (reply, "call_id"));

  g_assert_nonnull (a2);
  g_assert_cmpstr (btc_str (update, "state"), ==, "transferring");
  g_assert_cmpstr (btc_str (update, "new_call_id"), ==, a2);
  return a2;
}

static void
expect_update (BatonTestClient *t,
               const char      *transfer_id,
               const char      *state,
               int              code,
               int              subcode)
{
  g_autoptr(JsonObject) ev = btc_wait_event (t, "transfer.update");

  g_assert_cmpstr (btc_str (ev, "transfer_id"), ==, transfer_id);
  if (g_strcmp0 (btc_str (ev, "state"), state) != 0 || btc_int (ev, "code") != code ||
      btc_int (ev, "subcode") != subcode)
    g_error ("transfer.update %s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " (%s), expected %s %d/%d",
             btc_str (ev, "state"), btc_int (ev, "code"), btc_int (ev, "subcode"),
             btc_str (ev, "message"), state, code, subcode);
}

/* After a failure: A comes off hold on both sides and still works. */
static void
expect_resumed (Scene *s)
{
  g_autoptr(JsonObject) ice = NULL;

  expect_hold (s->t, s->a, FALSE);
  expect_hold (s->e, s->a, FALSE);
  btc_do (s->e, "{'type':'ice','call_id':'%s','candidate':'','sdp_mline_index':0}", s->a);
  ice = btc_wait_event (s->t, "ice");
  g_assert_cmpstr (btc_str (ice, "call_id"), ==, s->a);
}

/* C answers A′ (ringing on its connection `c`); E gets call.accepted. */
static void
answer (BatonTestClient *c,
        BatonTestClient *e,
        const char      *a2,
        const char      *transfer_id)
{
  g_autoptr(JsonObject) incoming = btc_wait_event (c, "call.incoming");
  g_autoptr(JsonObject) accepted = NULL;
  JsonObject *info;

  g_assert_cmpstr (btc_str (incoming, "call_id"), ==, a2);
  g_assert_cmpstr (btc_str (json_object_get_object_member (incoming, "from"), "id"), ==, "bob");
  info = json_object_get_object_member (incoming, "transfer");
  g_assert_nonnull (info);
  g_assert_cmpstr (btc_str (info, "transfer_id"), ==, transfer_id);
  g_assert_cmpstr (btc_str (json_object_get_object_member (info, "transferor"), "id"), ==, "alice");
  btc_do (c, "{'type':'call.accept','call_id':'%s','sdp':'v=0 c'}", a2);
  accepted = btc_wait_event (e, "call.accepted");
  g_assert_cmpstr (btc_str (accepted, "call_id"), ==, a2);
}

static void
test_blind_success (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Scene) s = { 0 };
  g_autofree char *a2 = NULL;

  scene_set_up (f, &s, TRUE);
  scene_request (&s, "{'user_id':'carol'}");
  /* C's phone rings only once E accepted */
  btc_assert_no_event (s.c, "call.incoming");
  a2 = scene_accept (&s);
  json_object_unref (btc_wait_event (s.e, "call.ringing"));
  answer (s.c, s.e, a2, s.transfer);
  /* the answer alone is not success: media must flow */
  btc_assert_no_event (s.t, "transfer.update");
  btc_do (s.e, "{'type':'call.media','call_id':'%s','state':'connected'}", a2);
  expect_update (s.t, s.transfer, "transferred", 0, 0);
  /* the server ends A for both: E is never left in two calls */
  btc_wait_ended (s.t, s.a, 0, 10207);
  btc_wait_ended (s.e, s.a, 0, 10207);
  /* A′ goes on */
  btc_do (s.c, "{'type':'call.hangup','call_id':'%s'}", a2);
  btc_wait_ended (s.e, a2, 0, 0);
}

static void
check_failure (Fixture    *f,
               gboolean    c_online,
               const char *target_json,
               void      (*make_it_fail) (Fixture *f, Scene *s, const char *a2),
               int         code,
               int         subcode)
{
  g_auto(Scene) s = { 0 };
  g_autofree char *a2 = NULL;

  scene_set_up (f, &s, c_online);
  scene_request (&s, target_json);
  a2 = scene_accept (&s);
  make_it_fail (f, &s, a2);
  expect_update (s.t, s.transfer, "failed", code, subcode);
  expect_resumed (&s);
  /* A′ is over for E */
  btc_error (s.e, 404, 10017, "{'type':'call.hangup','call_id':'%s'}", a2);
}

static void
c_rejects_busy (Fixture *f, Scene *s, const char *a2)
{
  json_object_unref (btc_wait_event (s->c, "call.incoming"));
  btc_do (s->c, "{'type':'call.reject','call_id':'%s','reason':'busy'}", a2);
  btc_wait_ended (s->e, a2, 486, 0);
}

static void
c_declines (Fixture *f, Scene *s, const char *a2)
{
  json_object_unref (btc_wait_event (s->c, "call.incoming"));
  btc_do (s->c, "{'type':'call.reject','call_id':'%s','reason':'declined'}", a2);
  btc_wait_ended (s->e, a2, 603, 0);
}

static void
c_offline (Fixture *f, Scene *s, const char *a2)
{
  btc_wait_ended (s->e, a2, 480, 0);
}

static void
c_silent (Fixture *f, Scene *s, const char *a2)
{
  json_object_unref (btc_wait_event (s->c, "call.incoming"));
  btc_wait_ended (s->c, a2, 487, 10004);
  btc_wait_ended (s->e, a2, 487, 10004);
  /* forwarding was disabled: dave's phone never rang */
}

static void
e_hangs_up_a2 (Fixture *f, Scene *s, const char *a2)
{
  json_object_unref (btc_wait_event (s->c, "call.incoming"));
  btc_do (s->e, "{'type':'call.hangup','call_id':'%s'}", a2);
  btc_wait_ended (s->c, a2, 487, 0);
}

static void
no_media (Fixture *f, Scene *s, const char *a2)
{
  answer (s->c, s->e, a2, s->transfer);
  /* nobody reports media within 15 s (scaled) */
  btc_wait_ended (s->e, a2, 410, 301005);
  btc_wait_ended (s->c, a2, 410, 301005);
}

static void
media_failed (Fixture *f, Scene *s, const char *a2)
{
  answer (s->c, s->e, a2, s->transfer);
  btc_do (s->c, "{'type':'call.media','call_id':'%s','state':'failed'}", a2);
  btc_wait_ended (s->e, a2, 410, 301005);
}

static void
test_busy (Fixture *f, gconstpointer data)
{
  check_failure (f, TRUE, "{'user_id':'carol'}", c_rejects_busy, 486, 0);
}

static void
test_declined (Fixture *f, gconstpointer data)
{
  check_failure (f, TRUE, "{'user_id':'carol'}", c_declines, 603, 0);
}

static void
test_offline (Fixture *f, gconstpointer data)
{
  check_failure (f, FALSE, "{'user_id':'carol'}", c_offline, 480, 0);
}

static void
test_no_answer (Fixture *f, gconstpointer data)
{
  g_autoptr(BatonTestClient) d = fixture_connect (f, f->dave);

  baton_test_server_set_forwarding (f->server, "carol", NULL, "dave", 1);
  check_failure (f, TRUE, "{'user_id':'carol'},'disable_forwarding_and_unanswered':true",
                 c_silent, 487, 10004);
  btc_assert_no_event (d, "call.incoming");
}

static void
test_transferee_hangs_up_new_call (Fixture *f, gconstpointer data)
{
  check_failure (f, TRUE, "{'user_id':'carol'}", e_hangs_up_a2, 487, 0);
}

static void
test_media_never_reported (Fixture *f, gconstpointer data)
{
  check_failure (f, TRUE, "{'user_id':'carol'}", no_media, 410, 301005);
}

static void
test_media_failed (Fixture *f, gconstpointer data)
{
  check_failure (f, TRUE, "{'user_id':'carol'}", media_failed, 410, 301005);
}

static void
forwarded_success (Fixture    *f,
                   const char *always,
                   const char *unanswered,
                   const char *reason)
{
  g_auto(Scene) s = { 0 };
  g_autoptr(BatonTestClient) d = fixture_connect (f, f->dave);
  g_autoptr(JsonObject) fwd = NULL;
  g_autofree char *a2 = NULL;

  baton_test_server_set_forwarding (f->server, "carol", always, unanswered, 1);
  scene_set_up (f, &s, TRUE);
  scene_request (&s, "{'user_id':'carol'}");
  a2 = scene_accept (&s);
  fwd = btc_wait_event (s.e, "call.forwarded");
  g_assert_cmpstr (btc_str (fwd, "reason"), ==, reason);
  g_assert_cmpstr (btc_str (json_object_get_object_member (fwd, "to"), "id"), ==, "dave");
  answer (d, s.e, a2, s.transfer);
  btc_do (d, "{'type':'call.media','call_id':'%s','state':'connected'}", a2);
  expect_update (s.t, s.transfer, "transferred", 0, 0);
  btc_wait_ended (s.e, s.a, 0, 10207);
}

static void
test_forward_unanswered (Fixture *f, gconstpointer data)
{
  forwarded_success (f, NULL, "dave", "unanswered");
}

static void
test_forward_always (Fixture *f, gconstpointer data)
{
  forwarded_success (f, "dave", NULL, "always");
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_auto(Scene) s = { 0 };

  scene_set_up (f, &s, TRUE);
  scene_request (&s, "{'user_id':'carol'}");
  btc_do (s.e, "{'type':'transfer.refuse','transfer_id':'%s'}", s.transfer);
  expect_update (s.t, s.transfer, "failed", 603, 10203);
  expect_resumed (&s);
  btc_assert_no_event (s.c, "call.incoming");
  /* too late to accept now */
  btc_error (s.e, 409, 10018, "{'type':'transfer.accept','transfer_id':'%s','sdp':'x'}", s.transfer);
}

static void
test_transferee_silent (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(Scene) s = { 0 };

  scene_set_up (f, &s, TRUE);
  scene_request (&s, "{'user_id':'carol'}");
  /* 10 s (scaled) without an answer */
  expect_update (s.t, s.transfer, "failed", 408, 10204);
  expect_resumed (&s);
}

static void
test_transferor_hangs_up (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(Scene) s = { 0 };
  g_autofree char *a2 = NULL;

  scene_set_up (f, &s, TRUE);
  scene_request (&s, "{'user_id':'carol'}");
  a2 = scene_accept (&s);
  /* T hangs up A while C rings: the transfer goes on */
  btc_do (s.t, "{'type':'call.hangup','call_id':'%s'}", s.a);
  btc_wait_ended (s.e, s.a, 0, 0);
  answer (s.c, s.e, a2, s.transfer);
  btc_do (s.e, "{'type':'call.media','call_id':'%s','state':'connected'}", a2);
  expect_update (s.t, s.transfer, "transferred", 0, 0);
}

static void
test_transferor_hangs_up_early (Fixture       *f,
                                gconstpointer  data)
{
  g_auto(Scene) s = { 0 };

  scene_set_up (f, &s, TRUE);
  scene_request (&s, "{'user_id':'carol'}");
  /* before E answered the request: the transfer fails, nothing is left over */
  btc_do (s.t, "{'type':'call.hangup','call_id':'%s'}", s.a);
  btc_wait_ended (s.e, s.a, 0, 0);
  expect_update (s.t, s.transfer, "failed", 487, 0);
  btc_error (s.e, 409, 10018, "{'type':'transfer.accept','transfer_id':'%s','sdp':'x'}", s.transfer);
}

static void
test_already_held (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(Scene) s = { 0 };
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) req = NULL;

  scene_set_up (f, &s, TRUE);
  btc_do (s.t, "{'type':'call.hold','call_id':'%s','held':true}", s.a);
  expect_hold (s.e, s.a, TRUE);
  btc_drain (s.t);
  reply = btc_ok (s.t, "{'type':'transfer.request','call_id':'%s','target':{'user_id':'carol'}}", s.a);
  req = btc_wait_event (s.e, "transfer.request");
  btc_do (s.e, "{'type':'transfer.refuse','transfer_id':'%s'}", btc_str (reply, "transfer_id"));
  expect_update (s.t, btc_str (reply, "transfer_id"), "failed", 603, 10203);
  /* T's own hold stays: no call.hold at all */
  btc_assert_no_event (s.e, "call.hold");
  btc_assert_no_event (s.t, "call.hold");
}

static void
test_request_errors (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(Scene) s = { 0 };
  g_autoptr(BatonTestClient) d = fixture_connect (f, f->dave);
  g_autofree char *ringing = NULL;
  g_autoptr(JsonObject) reply = NULL;

  scene_set_up (f, &s, TRUE);
  btc_error (s.t, 404, 0, "{'type':'transfer.request','call_id':'%s','target':{'user_id':'zed'}}", s.a);
  btc_error (s.t, 400, 10210, "{'type':'transfer.request','call_id':'%s','target':{'user_id':'bob'}}", s.a);
  btc_error (s.t, 400, 10210, "{'type':'transfer.request','call_id':'%s','target':{'user_id':'alice'}}", s.a);
  btc_error (s.t, 404, 10202, "{'type':'transfer.request','call_id':'%s','target':{'call_id':'nope'}}", s.a);
  btc_error (s.t, 404, 10202, "{'type':'transfer.request','call_id':'%s','target':{'call_id':'%s'}}", s.a, s.a);
  btc_error (s.t, 400, 10012, "{'type':'transfer.request','call_id':'%s','target':{}}", s.a);
  btc_error (s.t, 400, 10012, "{'type':'transfer.request','call_id':'%s','target':'carol'}", s.a);
  btc_error (s.t, 404, 10017, "{'type':'transfer.request','call_id':'nope','target':{'user_id':'carol'}}");
  btc_error (d, 403, 0, "{'type':'transfer.request','call_id':'%s','target':{'user_id':'carol'}}", s.a);
  /* a ringing call cannot be transferred */
  reply = btc_ok (s.t, "{'type':'call.invite','to':'dave','sdp':'x'}");
  btc_error (s.t, 409, 10018, "{'type':'transfer.request','call_id':'%s','target':{'user_id':'carol'}}",
             btc_str (reply, "call_id"));
  /* nothing of that changed A */
  btc_assert_no_event (s.e, NULL);

  scene_request (&s, "{'user_id':'carol'}");
  btc_error (s.t, 409, 10209, "{'type':'transfer.request','call_id':'%s','target':{'user_id':'dave'}}", s.a);
  /* only E may answer, and only known transfers */
  btc_error (s.t, 403, 0, "{'type':'transfer.accept','transfer_id':'%s','sdp':'x'}", s.transfer);
  btc_error (s.c, 403, 0, "{'type':'transfer.refuse','transfer_id':'%s'}", s.transfer);
  btc_error (s.e, 404, 10017, "{'type':'transfer.accept','transfer_id':'nope','sdp':'x'}");
  g_free (scene_accept (&s));
  btc_error (s.e, 409, 10018, "{'type':'transfer.accept','transfer_id':'%s','sdp':'x'}", s.transfer);
}

/* ---- to a call ---- */

static char *
call_b (Scene *s)
{
  g_autofree char *b = fixture_call (s->t, s->c, "carol");

  return g_steal_pointer (&b);
}

static void
test_to_call_success (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Scene) s = { 0 };
  g_autofree char *b = NULL;
  g_autofree char *target = NULL;
  g_autofree char *a2 = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) req = NULL;
  g_autoptr(JsonObject) incoming = NULL;
  g_autoptr(JsonObject) accepted = NULL;

  scene_set_up (f, &s, TRUE);
  b = call_b (&s);
  reply = btc_ok (s.t, "{'type':'transfer.request','call_id':'%s','target':{'call_id':'%s'}}", s.a, b);
  s.transfer = g_strdup (btc_str (reply, "transfer_id"));
  expect_hold (s.e, s.a, TRUE);
  req = btc_wait_event (s.e, "transfer.request");
  g_assert_cmpstr (btc_str (req, "replaces"), ==, b);
  g_assert_cmpstr (btc_str (json_object_get_object_member (req, "target"), "id"), ==, "carol");
  a2 = scene_accept (&s);

  incoming = btc_wait_event (s.c, "call.incoming");
  g_assert_cmpstr (btc_str (incoming, "call_id"), ==, a2);
  g_assert_cmpstr (btc_str (incoming, "replaces"), ==, b);
  btc_do (s.c, "{'type':'call.accept','call_id':'%s','sdp':'v=0 c'}", a2);
  /* B ends as replaced for T and C */
  btc_wait_ended (s.t, b, 0, 10206);
  btc_wait_ended (s.c, b, 0, 10206);
  accepted = btc_wait_event (s.e, "call.accepted");
  btc_do (s.c, "{'type':'call.media','call_id':'%s','state':'connected'}", a2);
  expect_update (s.t, s.transfer, "transferred", 0, 0);
  btc_wait_ended (s.e, s.a, 0, 10207);
  btc_wait_ended (s.t, s.a, 0, 10207);
}

static void
test_to_call_rejected (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(Scene) s = { 0 };
  g_autofree char *b = NULL;
  g_autofree char *a2 = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) hold = NULL;

  scene_set_up (f, &s, TRUE);
  b = call_b (&s);
  reply = btc_ok (s.t, "{'type':'transfer.request','call_id':'%s','target':{'call_id':'%s'}}", s.a, b);
  s.transfer = g_strdup (btc_str (reply, "transfer_id"));
  expect_hold (s.t, s.a, TRUE);
  expect_hold (s.e, s.a, TRUE);
  json_object_unref (btc_wait_event (s.e, "transfer.request"));
  a2 = scene_accept (&s);
  json_object_unref (btc_wait_event (s.c, "call.incoming"));
  btc_do (s.c, "{'type':'call.reject','call_id':'%s','reason':'declined'}", a2);
  expect_update (s.t, s.transfer, "failed", 603, 0);
  expect_resumed (&s);
  /* B is left as it was */
  btc_do (s.c, "{'type':'call.hold','call_id':'%s','held':true}", b);
  hold = btc_wait_event (s.t, "call.hold");
  g_assert_cmpstr (btc_str (hold, "call_id"), ==, b);
}

static void
test_to_call_not_accepted (Fixture       *f,
                           gconstpointer  data)
{
  g_auto(Scene) s = { 0 };
  g_autofree char *b = NULL;
  g_autofree char *a2 = NULL;
  g_autoptr(JsonObject) reply = NULL;

  scene_set_up (f, &s, TRUE);
  b = call_b (&s);
  reply = btc_ok (s.t, "{'type':'transfer.request','call_id':'%s','target':{'call_id':'%s'}}", s.a, b);
  s.transfer = g_strdup (btc_str (reply, "transfer_id"));
  expect_hold (s.t, s.a, TRUE);
  expect_hold (s.e, s.a, TRUE);
  json_object_unref (btc_wait_event (s.e, "transfer.request"));
  a2 = scene_accept (&s);
  json_object_unref (btc_wait_event (s.c, "call.incoming"));
  /* C's SDK does not accept the replacing call within 10 s (scaled) */
  expect_update (s.t, s.transfer, "failed", 487, 10004);
  expect_resumed (&s);
}

static void
test_to_call_target_gone (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(Scene) s = { 0 };
  g_autofree char *b = NULL;
  g_autoptr(JsonObject) reply = NULL;

  scene_set_up (f, &s, TRUE);
  b = call_b (&s);
  reply = btc_ok (s.t, "{'type':'transfer.request','call_id':'%s','target':{'call_id':'%s'}}", s.a, b);
  s.transfer = g_strdup (btc_str (reply, "transfer_id"));
  expect_hold (s.t, s.a, TRUE);
  expect_hold (s.e, s.a, TRUE);
  json_object_unref (btc_wait_event (s.e, "transfer.request"));
  /* C hangs up B before E answers */
  btc_do (s.c, "{'type':'call.hangup','call_id':'%s'}", b);
  btc_wait_ended (s.t, b, 0, 0);
  expect_update (s.t, s.transfer, "failed", 404, 10202);
  expect_resumed (&s);
  /* B ended: a transfer to it is refused at once */
  btc_error (s.t, 404, 10202, "{'type':'transfer.request','call_id':'%s','target':{'call_id':'%s'}}", s.a, b);
}

static void
test_resync_after_drop (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(Scene) s = { 0 };
  g_autoptr(BatonTestClient) t2 = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *transfers;
  JsonObject *snap;

  scene_set_up (f, &s, TRUE);
  scene_request (&s, "{'user_id':'carol'}");
  /* T's connection drops (no close frame) while E refuses */
  g_io_stream_close (soup_websocket_connection_get_io_stream (btc_ws (s.t)), NULL, NULL);
  btc_do (s.e, "{'type':'transfer.refuse','transfer_id':'%s'}", s.transfer);
  expect_hold (s.e, s.a, FALSE);
  /* T comes back within the grace period and learns the outcome */
  t2 = btc_connect (baton_test_server_get_uri (f->server), f->alice, NULL);
  reply = btc_ok (t2, "{'type':'register','resume':{'session_id':'%s','calls':['%s']}}",
                  btc_session_id (s.t), s.a);
  transfers = json_object_get_array_member (reply, "transfers");
  g_assert_cmpuint (json_array_get_length (transfers), ==, 1);
  snap = json_array_get_object_element (transfers, 0);
  g_assert_cmpstr (btc_str (snap, "transfer_id"), ==, s.transfer);
  g_assert_cmpstr (btc_str (snap, "state"), ==, "failed");
  g_assert_cmpint (btc_int (snap, "code"), ==, 603);
  g_assert_cmpint (btc_int (snap, "subcode"), ==, 10203);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "calls")), ==, 1);
  snap = json_array_get_object_element (json_object_get_array_member (reply, "calls"), 0);
  g_assert_false (btc_bool (snap, "held_by_me"));
}

/* E resumes on a new connection while its transfer.request is pending (the
 * old connection died with the request in it): the server asks again on the
 * new connection, and the transfer goes through from there. */
static void
test_transferee_resumes (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(Scene) s = { 0 };
  g_autoptr(BatonTestClient) e2 = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autofree char *a2 = NULL;

  scene_set_up (f, &s, TRUE);
  scene_request (&s, "{'user_id':'carol'}");
  /* the old connection is gone without a close frame; what was in it is lost */
  g_io_stream_close (soup_websocket_connection_get_io_stream (btc_ws (s.e)), NULL, NULL);
  e2 = btc_connect (baton_test_server_get_uri (f->server), f->bob, NULL);
  reply = btc_ok (e2, "{'type':'register','resume':{'session_id':'%s','calls':['%s']}}",
                  btc_session_id (s.e), s.a);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "calls")), ==, 1);
  again = btc_wait_event (e2, "transfer.request");
  g_assert_cmpstr (btc_str (again, "transfer_id"), ==, s.transfer);
  g_assert_cmpstr (btc_str (again, "call_id"), ==, s.a);
  g_assert_cmpstr (btc_str (json_object_get_object_member (again, "target"), "id"), ==, "carol");

  g_clear_pointer (&s.e, btc_free);
  s.e = g_steal_pointer (&e2);
  a2 = scene_accept (&s);
  answer (s.c, s.e, a2, s.transfer);
  btc_do (s.e, "{'type':'call.media','call_id':'%s','state':'connected'}", a2);
  expect_update (s.t, s.transfer, "transferred", 0, 0);
  btc_wait_ended (s.e, s.a, 0, 10207);
}

/* Waits until the server no longer counts `user` as online (its connection
 * was seen to close); bounded, not a timing assertion. */
static void
wait_offline (BatonTestClient *asker,
              const char      *user)
{
  for (int i = 0; i < 200; i++)
    {
      g_autoptr(JsonObject) reply = btc_ok (asker, "{'type':'users.list','query':'%s'}", user);
      JsonArray *users = json_object_get_array_member (reply, "users");
      gboolean online = FALSE;

      for (guint u = 0; u < json_array_get_length (users); u++)
        {
          JsonObject *o = json_array_get_object_element (users, u);

          if (g_str_equal (btc_str (o, "id"), user))
            online = btc_bool (o, "online");
        }
      if (!online)
        return;
      btc_run_for (20);
    }
  g_error ("%s still online", user);
}

/* E is away (in its grace period) when T asks: the request cannot reach it;
 * when E resumes before the transferee timeout it is asked, and its refusal
 * ends the transfer with 603/10203 (A resumes). */
static void
test_transferee_away_when_asked (Fixture       *f,
                                 gconstpointer  data)
{
  g_auto(Scene) s = { 0 };
  g_autoptr(BatonTestClient) e2 = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) req = NULL;
  g_autoptr(JsonObject) asked = NULL;
  g_autofree char *session = NULL;

  scene_set_up (f, &s, TRUE);
  session = g_strdup (btc_session_id (s.e));
  g_io_stream_close (soup_websocket_connection_get_io_stream (btc_ws (s.e)), NULL, NULL);
  wait_offline (s.t, "bob");

  req = btc_ok (s.t, "{'type':'transfer.request','call_id':'%s','target':{'user_id':'carol'}}", s.a);
  s.transfer = g_strdup (btc_str (req, "transfer_id"));
  expect_hold (s.t, s.a, TRUE);

  e2 = btc_connect (baton_test_server_get_uri (f->server), f->bob, NULL);
  reply = btc_ok (e2, "{'type':'register','resume':{'session_id':'%s','calls':['%s']}}", session, s.a);
  asked = btc_wait_event (e2, "transfer.request");
  g_assert_cmpstr (btc_str (asked, "transfer_id"), ==, s.transfer);
  /* the snapshot says A is held by the peer (the server's hold for alice) */
  g_assert_true (btc_bool (json_array_get_object_element (json_object_get_array_member (reply, "calls"), 0),
                           "held_by_peer"));

  g_clear_pointer (&s.e, btc_free);
  s.e = g_steal_pointer (&e2);
  btc_do (s.e, "{'type':'transfer.refuse','transfer_id':'%s'}", s.transfer);
  expect_update (s.t, s.transfer, "failed", 603, 10203);
  expect_resumed (&s);
}

/* These two need E's reconnect to fit in the transferee timeout with room to
 * spare on a loaded machine: 10 s × 0.2 = 2 s (grace 6 s). */
static void
slow_fixture_set_up (Fixture       *f,
                     gconstpointer  data)
{
  const char *args[] = { "--time-scale", "0.2", NULL };

  fixture_set_up_with_args (f, args);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Baton/Server/Transfer/transferee-resumes-while-asked", Fixture, NULL,
              slow_fixture_set_up, test_transferee_resumes, fixture_tear_down);
  g_test_add ("/Baton/Server/Transfer/transferee-away-when-asked", Fixture, NULL,
              slow_fixture_set_up, test_transferee_away_when_asked, fixture_tear_down);
  FIXTURE_TEST ("/Baton/Server/Transfer/blind-success", test_blind_success);
  FIXTURE_TEST ("/Baton/Server/Transfer/busy", test_busy);
  FIXTURE_TEST ("/Baton/Server/Transfer/declined", test_declined);
  FIXTURE_TEST ("/Baton/Server/Transfer/offline", test_offline);
  FIXTURE_TEST ("/Baton/Server/Transfer/no-answer", test_no_answer);
  FIXTURE_TEST ("/Baton/Server/Transfer/forward-unanswered", test_forward_unanswered);
  FIXTURE_TEST ("/Baton/Server/Transfer/forward-always", test_forward_always);
  FIXTURE_TEST ("/Baton/Server/Transfer/transferee-refuses", test_refused);
  FIXTURE_TEST ("/Baton/Server/Transfer/transferee-silent", test_transferee_silent);
  FIXTURE_TEST ("/Baton/Server/Transfer/transferee-hangs-up-new-call", test_transferee_hangs_up_new_call);
  FIXTURE_TEST ("/Baton/Server/Transfer/transferor-hangs-up", test_transferor_hangs_up);
  FIXTURE_TEST ("/Baton/Server/Transfer/transferor-hangs-up-early", test_transferor_hangs_up_early);
  FIXTURE_TEST ("/Baton/Server/Transfer/media-never-reported", test_media_never_reported);
  FIXTURE_TEST ("/Baton/Server/Transfer/media-failed", test_media_failed);
  FIXTURE_TEST ("/Baton/Server/Transfer/already-held", test_already_held);
  FIXTURE_TEST ("/Baton/Server/Transfer/request-errors", test_request_errors);
  FIXTURE_TEST ("/Baton/Server/Transfer/to-call-success", test_to_call_success);
  FIXTURE_TEST ("/Baton/Server/Transfer/to-call-rejected", test_to_call_rejected);
  FIXTURE_TEST ("/Baton/Server/Transfer/to-call-not-accepted", test_to_call_not_accepted);
  FIXTURE_TEST ("/Baton/Server/Transfer/to-call-target-gone", test_to_call_target_gone);
  FIXTURE_TEST ("/Baton/Server/Transfer/resync-after-drop", test_resync_after_drop);

  return g_test_run ();
}
