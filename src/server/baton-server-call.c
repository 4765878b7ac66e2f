/* baton-server-call.c: calls: invite, routing and forwarding, answer, end,
 * hold, mute, media reports, SDP/ICE relay
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "baton-server-private.h"

void
baton_call_free (BatonCall *call)
{
  if (call == NULL)
    return;
  g_clear_handle_id (&call->timer, g_source_remove);
  g_free (call->id);
  for (int i = 0; i < 2; i++)
    {
      g_free (call->user[i]);
      g_free (call->name[i]);
    }
  g_clear_pointer (&call->ringing, g_ptr_array_unref);
  g_free (call->offer);
  g_free (call->forwarded_from);
  g_free (call->replaces);
  g_clear_pointer (&call->transfer_info, json_object_unref);
  g_free (call);
}

int
baton_call_party (BatonCall    *call,
                  BatonSession *session)
{
  if (session == NULL)
    return -1;
  if (call->session[CALLER] == session)
    return CALLER;
  if (call->session[CALLEE] == session)
    return CALLEE;
  return -1;
}

gboolean
baton_call_is_ringing_on (BatonCall    *call,
                          BatonSession *session)
{
  return call->state == CALL_RINGING && call->ringing && g_ptr_array_find (call->ringing, session, NULL);
}

/* The number of live calls each user is a party of (caller, or callee: the
 * current target), kept as calls start, are forwarded and end, for the limit
 * of BATON_MAX_CALLS_PER_USER that every invite checks. */
static void
user_calls_add (BatonServer *server,
                const char  *user,
                int          delta)
{
  guint *n = g_hash_table_lookup (server->user_calls, user);

  if (n == NULL)
    {
      g_return_if_fail (delta > 0);
      n = g_new0 (guint, 1);
      g_hash_table_insert (server->user_calls, g_strdup (user), n);
    }
  g_return_if_fail (delta > 0 || *n >= (guint) -delta);
  *n += delta;
  if (*n == 0)
    g_hash_table_remove (server->user_calls, user);
}

static void
user_calls_count (BatonServer *server,
                  BatonCall   *call,
                  int          delta)
{
  user_calls_add (server, call->user[CALLER], delta);
  if (!g_str_equal (call->user[CALLEE], call->user[CALLER]))
    user_calls_add (server, call->user[CALLEE], delta);
}

/* A new or restored call (not ended) joins the live calls. */
void
baton_call_insert (BatonServer *server,
                   BatonCall   *call)
{
  g_hash_table_insert (server->calls, call->id, call);
  user_calls_count (server, call, 1);
}

guint
baton_count_user_calls (BatonServer *server,
                        const char  *user)
{
  guint *n = g_hash_table_lookup (server->user_calls, user);

  return n ? *n : 0;
}

BatonCall *
baton_call_lookup_for (BatonConnection *conn,
                       gint64           re,
                       const char      *call_id)
{
  BatonCall *call = g_hash_table_lookup (conn->server->calls, call_id);

  if (call == NULL || call->state == CALL_ENDED)
    {
      baton_reply_error (conn, re, 404, 10017, "no such call");
      return NULL;
    }
  if (baton_call_party (call, conn->session) < 0 && !baton_call_is_ringing_on (call, conn->session))
    {
      baton_reply_error (conn, re, 403, 0, "not a party to this call");
      return NULL;
    }
  return call;
}

static gboolean
effective_hold (BatonCall *call,
                int        party)
{
  return call->held[party] || call->server_held[party];
}

JsonObject *
baton_call_snapshot (BatonCall    *call,
                     BatonSession *session)
{
  JsonObject *o = json_object_new ();
  int me = baton_call_party (call, session);
  int peer;

  if (me < 0)
    me = CALLEE;
  peer = 1 - me;
  json_object_set_string_member (o, "call_id", call->id);
  json_object_set_string_member (o, "state", call->state == CALL_RINGING ? "ringing" : "connected");
  json_object_set_string_member (o, "direction", me == CALLER ? "outgoing" : "incoming");
  json_object_set_object_member (o, "peer", baton_user_object (call->user[peer], call->name[peer]));
  json_object_set_boolean_member (o, "held_by_me", effective_hold (call, me));
  json_object_set_boolean_member (o, "held_by_peer", effective_hold (call, peer));
  json_object_set_boolean_member (o, "peer_muted", call->muted[peer]);
  return o;
}

static void
send_to_parties (BatonCall    *call,
                 JsonObject   *event,
                 BatonSession *except)
{
  for (int i = 0; i < 2; i++)
    if (call->session[i] && call->session[i] != except)
      baton_session_send (call->session[i], event);
}

void
baton_call_set_server_hold (BatonServer *server,
                            BatonCall   *call,
                            int          party,
                            gboolean     held)
{
  gboolean before = effective_hold (call, party);

  call->server_held[party] = held;
  baton_live_call_changed (server, call);
  if (effective_hold (call, party) != before && call->state == CALL_CONNECTED)
    {
      g_autoptr(JsonObject) ev = baton_event_new ("call.hold");

      json_object_set_string_member (ev, "call_id", call->id);
      json_object_set_boolean_member (ev, "held", !before);
      json_object_set_string_member (ev, "by", call->user[party]);
      send_to_parties (call, ev, NULL);
    }
}

BatonCall *
baton_call_new (BatonServer    *server,
                BatonSession   *caller,
                const char     *caller_name,
                BatonStoreUser *callee,
                const char     *offer,
                gboolean        allow_forwarding)
{
  BatonCall *call = g_new0 (BatonCall, 1);

  call->id = baton_new_id ();
  call->state = CALL_RINGING;
  call->user[CALLER] = g_strdup (caller->user_id);
  call->name[CALLER] = g_strdup (caller_name);
  call->user[CALLEE] = g_strdup (callee->id);
  call->name[CALLEE] = g_strdup (callee->display_name);
  call->session[CALLER] = caller;
  call->ringing = g_ptr_array_new ();
  call->offer = g_strdup (offer);
  call->allow_forwarding = allow_forwarding;
  call->started_at = g_get_real_time () / G_USEC_PER_SEC;
  baton_call_insert (server, call);
  baton_live_call_changed (server, call);
  return call;
}

static gboolean
free_graveyard_cb (gpointer user_data)
{
  BatonServer *server = user_data;

  server->graveyard_source = 0;
  g_ptr_array_set_size (server->graveyard, 0);
  return G_SOURCE_REMOVE;
}

void
baton_call_end (BatonServer  *server,
                BatonCall    *call,
                int           code,
                int           subcode,
                const char   *message,
                BatonSession *quiet)
{
  g_autoptr(JsonObject) ev = NULL;
  g_autoptr(GPtrArray) sent = g_ptr_array_new ();
  BatonCallRecord record;

  if (call->state == CALL_ENDED)
    return;
  g_debug ("call %s ends %d/%d (%s)", call->id, code, subcode, message);
  call->state = CALL_ENDED;
  user_calls_count (server, call, -1);
  g_clear_handle_id (&call->timer, g_source_remove);
  baton_live_call_changed (server, call);

  ev = baton_event_new ("call.ended");
  json_object_set_string_member (ev, "call_id", call->id);
  json_object_set_int_member (ev, "code", code);
  json_object_set_int_member (ev, "subcode", subcode);
  json_object_set_string_member (ev, "message", message);
  for (int i = 0; i < 2; i++)
    if (call->session[i])
      g_ptr_array_add (sent, call->session[i]);
  for (guint i = 0; i < call->ringing->len; i++)
    if (!g_ptr_array_find (sent, call->ringing->pdata[i], NULL))
      g_ptr_array_add (sent, call->ringing->pdata[i]);
  for (guint i = 0; i < sent->len; i++)
    if (sent->pdata[i] != quiet)
      baton_session_send (sent->pdata[i], ev);
  g_ptr_array_set_size (call->ringing, 0);

  record = (BatonCallRecord) {
    .call_id = call->id,
    .caller = call->user[CALLER],
    .callee = call->user[CALLEE],
    .started_at = call->started_at,
    .answered_at = call->answered_at,
    .ended_at = g_get_real_time () / G_USEC_PER_SEC,
    .code = code,
    .subcode = subcode,
  };
  baton_store_record_call (server->store, &record);

  baton_transfer_call_ended (server, call, code, subcode, message);

  /* Keep the memory until the stack unwinds: callers may still look at it. */
  g_hash_table_steal (server->calls, call->id);
  g_ptr_array_add (server->graveyard, call);
  if (server->graveyard_source == 0)
    server->graveyard_source = g_idle_add (free_graveyard_cb, server);
}

static void
send_incoming (BatonCall    *call,
               BatonSession *session)
{
  g_autoptr(JsonObject) ev = baton_event_new ("call.incoming");

  json_object_set_string_member (ev, "call_id", call->id);
  json_object_set_object_member (ev, "from", baton_user_object (call->user[CALLER], call->name[CALLER]));
  json_object_set_string_member (ev, "sdp", call->offer);
  if (call->transfer_info)
    json_object_set_object_member (ev, "transfer", json_object_ref (call->transfer_info));
  if (call->replaces)
    json_object_set_string_member (ev, "replaces", call->replaces);
  if (call->forwarded_from)
    {
      g_autoptr(BatonStoreUser) from = baton_store_get_user (session->server->store, call->forwarded_from);

      json_object_set_object_member (ev, "forwarded_from",
                                     baton_user_object (call->forwarded_from,
                                                        from ? from->display_name : NULL));
    }
  baton_session_send (session, ev);
}

static void
send_ringing (BatonCall *call)
{
  g_autoptr(JsonObject) ev = baton_event_new ("call.ringing");

  json_object_set_string_member (ev, "call_id", call->id);
  json_object_set_object_member (ev, "to", baton_user_object (call->user[CALLEE], call->name[CALLEE]));
  baton_session_send (call->session[CALLER], ev);
}

/* A forwarding target that can take the call, or NULL. */
static BatonStoreUser *
forward_target (BatonServer *server,
                BatonCall   *call,
                const char  *target)
{
  if (target == NULL || g_str_equal (target, call->user[CALLER]) ||
      g_str_equal (target, call->user[CALLEE]))
    return NULL;
  return baton_server_lookup_user (server, target);
}

static void
retarget (BatonServer    *server,
          BatonCall      *call,
          BatonStoreUser *to,
          const char     *reason)
{
  g_autoptr(JsonObject) ev = baton_event_new ("call.forwarded");

  g_debug ("call %s forwarded (%s) from %s to %s", call->id, reason, call->user[CALLEE], to->id);
  if (call->forwarded_from == NULL)
    call->forwarded_from = g_strdup (call->user[CALLEE]);
  user_calls_count (server, call, -1);
  g_free (call->user[CALLEE]);
  g_free (call->name[CALLEE]);
  call->user[CALLEE] = g_strdup (to->id);
  call->name[CALLEE] = g_strdup (to->display_name);
  user_calls_count (server, call, 1);
  call->allow_forwarding = FALSE; /* one hop only */
  baton_live_call_changed (server, call);

  json_object_set_string_member (ev, "call_id", call->id);
  json_object_set_object_member (ev, "to", baton_user_object (to->id, to->display_name));
  json_object_set_string_member (ev, "reason", reason);
  baton_session_send (call->session[CALLER], ev);
}

static void route (BatonServer *server, BatonCall *call, gboolean apply_always);

static gboolean
unanswered_cb (gpointer user_data)
{
  BatonCall *call = user_data;
  BatonServer *server = call->session[CALLER]->server;
  BatonForwarding fwd;
  g_autoptr(BatonStoreUser) z = NULL;

  call->timer = 0;
  if (call->allow_forwarding)
    {
      baton_store_get_forwarding (server->store, call->user[CALLEE], &fwd);
      z = forward_target (server, call, fwd.unanswered);
      baton_forwarding_clear (&fwd);
    }
  if (z == NULL)
    {
      baton_call_end (server, call, 487, 10004, "nobody answered", NULL);
      return G_SOURCE_REMOVE;
    }
  {
    g_autoptr(JsonObject) ev = baton_event_new ("call.ended");

    json_object_set_string_member (ev, "call_id", call->id);
    json_object_set_int_member (ev, "code", 487);
    json_object_set_int_member (ev, "subcode", 10004);
    json_object_set_string_member (ev, "message", "not answered: forwarded");
    for (guint i = 0; i < call->ringing->len; i++)
      baton_session_send (call->ringing->pdata[i], ev);
    g_ptr_array_set_size (call->ringing, 0);
  }
  retarget (server, call, z, "unanswered");
  route (server, call, FALSE);
  return G_SOURCE_REMOVE;
}

static void
route (BatonServer *server,
       BatonCall   *call,
       gboolean     apply_always)
{
  BatonForwarding fwd;
  GPtrArray *sessions;

  baton_store_get_forwarding (server->store, call->user[CALLEE], &fwd);
  if (apply_always && call->allow_forwarding)
    {
      g_autoptr(BatonStoreUser) z = forward_target (server, call, fwd.always);

      if (z)
        {
          retarget (server, call, z, "always");
          baton_forwarding_clear (&fwd);
          baton_store_get_forwarding (server->store, call->user[CALLEE], &fwd);
        }
    }

  if (baton_count_user_calls (server, call->user[CALLEE]) > BATON_MAX_CALLS_PER_USER)
    {
      baton_forwarding_clear (&fwd);
      baton_call_end (server, call, 486, 0, "busy: too many calls", NULL);
      return;
    }

  sessions = server->router->vtable->lookup (server->router, call->user[CALLEE]);
  if (sessions == NULL || sessions->len == 0)
    {
      g_autoptr(BatonStoreUser) z = call->allow_forwarding ? forward_target (server, call, fwd.unanswered) : NULL;

      baton_forwarding_clear (&fwd);
      if (z)
        {
          retarget (server, call, z, "unanswered");
          route (server, call, FALSE);
        }
      else
        baton_call_end (server, call, 480, 0, "the callee is offline", NULL);
      return;
    }

  for (guint i = 0; i < sessions->len; i++)
    g_ptr_array_add (call->ringing, sessions->pdata[i]);
  for (guint i = 0; i < call->ringing->len; i++)
    send_incoming (call, call->ringing->pdata[i]);
  send_ringing (call);
  /* the unanswered timeout is a user setting: not scaled */
  call->timer = g_timeout_add_seconds (fwd.unanswered_timeout, unanswered_cb, call);
  baton_forwarding_clear (&fwd);
}

void
baton_call_route (BatonServer *server,
                  BatonCall   *call,
                  JsonObject  *transfer_info)
{
  if (transfer_info)
    call->transfer_info = json_object_ref (transfer_info);
  route (server, call, TRUE);
}

static gboolean
replace_timeout_cb (gpointer user_data)
{
  BatonCall *call = user_data;

  call->timer = 0;
  baton_call_end (call->session[CALLER]->server, call, 487, 10004,
                  "the replacing call was not accepted", NULL);
  return G_SOURCE_REMOVE;
}

void
baton_call_route_replacing (BatonServer  *server,
                            BatonCall    *call,
                            BatonSession *target,
                            JsonObject   *transfer_info)
{
  if (transfer_info)
    call->transfer_info = json_object_ref (transfer_info);
  g_ptr_array_add (call->ringing, target);
  send_incoming (call, target);
  send_ringing (call);
  call->timer = baton_server_timeout_add (server, BATON_REPLACE_TIMEOUT, replace_timeout_cb, call);
}

/* ---- requests ---- */

static void
handle_invite (BatonConnection *conn,
               BatonMessage    *msg)
{
  BatonServer *server = conn->server;
  g_autoptr(BatonStoreUser) callee = NULL;
  BatonCall *call;
  JsonObject *reply;

  if (g_str_equal (msg->to, conn->user_id))
    {
      baton_reply_error (conn, msg->id, 400, 10012, "cannot call oneself");
      return;
    }
  callee = baton_server_lookup_user (server, msg->to);
  if (callee == NULL)
    {
      baton_reply_error (conn, msg->id, 404, 0, "no such user");
      return;
    }
  if (baton_count_user_calls (server, conn->user_id) >= BATON_MAX_CALLS_PER_USER)
    {
      baton_reply_error (conn, msg->id, 409, 10018, "too many calls at once");
      return;
    }
  call = baton_call_new (server, conn->session, conn->user_name, callee, msg->sdp, TRUE);
  reply = json_object_new ();
  json_object_set_string_member (reply, "call_id", call->id);
  baton_reply_ok (conn, msg->id, reply);
  baton_call_route (server, call, NULL);
}

static void
handle_accept (BatonConnection *conn,
               BatonMessage    *msg,
               BatonCall       *call)
{
  BatonSession *me = conn->session;
  g_autoptr(JsonObject) accepted = NULL;
  g_autoptr(JsonObject) elsewhere = NULL;
  g_autoptr(GPtrArray) others = NULL;

  if (call->state != CALL_RINGING || !baton_call_is_ringing_on (call, me))
    {
      baton_reply_error (conn, msg->id, 409, 10018, "this call cannot be answered here");
      return;
    }
  call->state = CALL_CONNECTED;
  call->session[CALLEE] = me;
  call->answered_at = g_get_real_time () / G_USEC_PER_SEC;
  g_clear_handle_id (&call->timer, g_source_remove);
  baton_live_call_changed (conn->server, call);
  others = g_ptr_array_copy (call->ringing, NULL, NULL);
  g_ptr_array_remove (others, me);
  g_ptr_array_set_size (call->ringing, 0);

  baton_reply_ok (conn, msg->id, NULL);

  elsewhere = baton_event_new ("call.ended");
  json_object_set_string_member (elsewhere, "call_id", call->id);
  json_object_set_int_member (elsewhere, "code", 487);
  json_object_set_int_member (elsewhere, "subcode", 10003);
  json_object_set_string_member (elsewhere, "message", "answered elsewhere");
  for (guint i = 0; i < others->len; i++)
    baton_session_send (others->pdata[i], elsewhere);

  accepted = baton_event_new ("call.accepted");
  json_object_set_string_member (accepted, "call_id", call->id);
  json_object_set_string_member (accepted, "sdp", msg->sdp);
  json_object_set_object_member (accepted, "peer",
                                 baton_user_object (call->user[CALLEE], call->name[CALLEE]));
  baton_session_send (call->session[CALLER], accepted);

  baton_transfer_call_answered (conn->server, call);
}

static void
send_flag (BatonCall  *call,
           const char *type,
           const char *field,
           gboolean    value,
           int         party,
           gboolean    to_both)
{
  g_autoptr(JsonObject) ev = baton_event_new (type);

  json_object_set_string_member (ev, "call_id", call->id);
  json_object_set_boolean_member (ev, field, value);
  json_object_set_string_member (ev, "by", call->user[party]);
  if (to_both)
    send_to_parties (call, ev, NULL);
  else
    baton_session_send (call->session[1 - party], ev);
}

static void
relay (BatonConnection *conn,
       BatonMessage    *msg,
       BatonCall       *call)
{
  int party = baton_call_party (call, conn->session);
  g_autoptr(JsonObject) ev = baton_event_new (msg->type == BATON_MSG_SDP ? "sdp" : "ice");

  baton_reply_ok (conn, msg->id, NULL);
  json_object_set_string_member (ev, "call_id", call->id);
  if (msg->type == BATON_MSG_SDP)
    {
      json_object_set_string_member (ev, "sdp_type", msg->sdp_is_offer ? "offer" : "answer");
      json_object_set_string_member (ev, "sdp", msg->sdp);
    }
  else
    {
      json_object_set_string_member (ev, "candidate", msg->candidate);
      json_object_set_int_member (ev, "sdp_mline_index", msg->sdp_mline_index);
    }

  if (party == CALLER && call->state == CALL_RINGING)
    {
      for (guint i = 0; i < call->ringing->len; i++)
        baton_session_send (call->ringing->pdata[i], ev);
    }
  else if (party == CALLER)
    baton_session_send (call->session[CALLEE], ev);
  else
    baton_session_send (call->session[CALLER], ev);
}

void
baton_call_handle (BatonConnection *conn,
                   BatonMessage    *msg)
{
  BatonServer *server = conn->server;
  BatonCall *call;
  int party;

  if (msg->type == BATON_MSG_CALL_INVITE)
    {
      handle_invite (conn, msg);
      return;
    }

  call = baton_call_lookup_for (conn, msg->id, msg->call_id);
  if (call == NULL)
    return;
  party = baton_call_party (call, conn->session);

  switch (msg->type)
    {
    case BATON_MSG_CALL_ACCEPT:
      handle_accept (conn, msg, call);
      break;

    case BATON_MSG_CALL_REJECT:
      if (call->state != CALL_RINGING || !baton_call_is_ringing_on (call, conn->session))
        {
          baton_reply_error (conn, msg->id, 409, 10018, "only a ringing call can be rejected");
          return;
        }
      baton_reply_ok (conn, msg->id, NULL);
      if (msg->busy)
        baton_call_end (server, call, 486, 0, "busy", conn->session);
      else
        baton_call_end (server, call, 603, 0, "declined", conn->session);
      break;

    case BATON_MSG_CALL_HANGUP:
      if (party < 0)
        {
          baton_reply_error (conn, msg->id, 409, 10018, "reject a ringing call instead");
          return;
        }
      baton_reply_ok (conn, msg->id, NULL);
      if (call->state == CALL_RINGING)
        baton_call_end (server, call, 487, 0, "cancelled", conn->session);
      else
        baton_call_end (server, call, 0, 0, "hung up", conn->session);
      break;

    case BATON_MSG_CALL_HOLD:
      if (party < 0 || call->state != CALL_CONNECTED)
        {
          baton_reply_error (conn, msg->id, 409, 10018, "only a connected call can be held");
          return;
        }
      baton_reply_ok (conn, msg->id, NULL);
      {
        gboolean before = effective_hold (call, party);

        call->held[party] = msg->flag;
        baton_live_call_changed (server, call);
        if (effective_hold (call, party) != before)
          send_flag (call, "call.hold", "held", !before, party, TRUE);
      }
      break;

    case BATON_MSG_CALL_MUTE:
      if (party < 0)
        {
          baton_reply_error (conn, msg->id, 409, 10018, "answer the call first");
          return;
        }
      baton_reply_ok (conn, msg->id, NULL);
      if (call->muted[party] != msg->flag)
        {
          call->muted[party] = msg->flag;
          baton_live_call_changed (server, call);
          if (call->state == CALL_CONNECTED)
            send_flag (call, "call.mute", "muted", msg->flag, party, FALSE);
        }
      break;

    case BATON_MSG_CALL_MEDIA:
      if (party < 0 || call->state != CALL_CONNECTED)
        {
          baton_reply_error (conn, msg->id, 409, 10018, "the call is not connected");
          return;
        }
      baton_reply_ok (conn, msg->id, NULL);
      if (msg->media_ok)
        call->media_connected = TRUE;
      baton_transfer_media (server, call, msg->media_ok);
      break;

    case BATON_MSG_SDP:
    case BATON_MSG_ICE:
      relay (conn, msg, call);
      break;

    default:
      g_assert_not_reached ();
    }
}
