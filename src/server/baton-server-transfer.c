/* baton-server-transfer.c: server-authoritative transfers (PROTOCOL.md § 7)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every path ends in finish_ok() or finish_failed(): T gets a definite
 * transfer.update, and on failure A comes off the server's hold.
 */
#include "config.h"

#include "baton-server-private.h"

void
baton_transfer_free (BatonTransfer *tr)
{
  if (tr == NULL)
    return;
  g_clear_handle_id (&tr->timer, g_source_remove);
  g_clear_handle_id (&tr->cleanup_source, g_source_remove);
  g_free (tr->id);
  g_free (tr->a_id);
  g_free (tr->b_id);
  g_free (tr->new_call_id);
  g_free (tr->transferor);
  g_free (tr->transferor_name);
  g_free (tr->transferor_session);
  g_free (tr->transferee);
  g_free (tr->target);
  g_free (tr->target_name);
  g_free (tr->message);
  g_free (tr);
}

static const char *
state_name (BatonTransfer *tr)
{
  if (tr->stage != TRANSFER_DONE)
    return "transferring";
  return tr->succeeded ? "transferred" : "failed";
}

JsonObject *
baton_transfer_snapshot (BatonTransfer *tr)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "transfer_id", tr->id);
  json_object_set_string_member (o, "call_id", tr->a_id);
  json_object_set_string_member (o, "state", state_name (tr));
  json_object_set_int_member (o, "code", tr->code);
  json_object_set_int_member (o, "subcode", tr->subcode);
  json_object_set_string_member (o, "message", tr->message ? tr->message : "");
  if (tr->new_call_id)
    json_object_set_string_member (o, "new_call_id", tr->new_call_id);
  return o;
}

static void
send_update (BatonServer   *server,
             BatonTransfer *tr)
{
  BatonSession *t = g_hash_table_lookup (server->sessions, tr->transferor_session);
  g_autoptr(JsonObject) ev = NULL;

  if (t == NULL)
    return;
  ev = baton_transfer_snapshot (tr);
  json_object_set_string_member (ev, "type", "transfer.update");
  baton_session_send (t, ev);
}

static gboolean
cleanup_cb (gpointer user_data)
{
  BatonTransfer *tr = user_data;

  tr->cleanup_source = 0;
  g_hash_table_remove (tr->server->transfers, tr->id);
  return G_SOURCE_REMOVE;
}

/* Ends the orchestration: no call points at the transfer any more. */
static void
finish (BatonTransfer *tr,
        int            code,
        int            subcode,
        const char    *message)
{
  tr->stage = TRANSFER_DONE;
  tr->code = code;
  tr->subcode = subcode;
  g_free (tr->message);
  tr->message = g_strdup (message);
  tr->ended_at = g_get_real_time () / G_USEC_PER_SEC;
  g_clear_handle_id (&tr->timer, g_source_remove);
  if (tr->a)
    baton_live_call_changed (tr->server, tr->a);
  if (tr->new_call)
    baton_live_call_changed (tr->server, tr->new_call);
  if (tr->a && tr->a->transfer == tr)
    tr->a->transfer = NULL;
  if (tr->b && tr->b->replaced_by == tr)
    tr->b->replaced_by = NULL;
  if (tr->new_call && tr->new_call->leg_of == tr)
    tr->new_call->leg_of = NULL;
  tr->cleanup_source = g_timeout_add_seconds ((guint) BATON_TRANSFER_KEEP, cleanup_cb, tr);
}

/* A transfer that was in progress when the server stopped: it cannot go on
 * (its new leg is not kept), so it is failed, for the transferor's resume. */
void
baton_transfer_restore_failed (BatonServer *server,
                               const char  *id,
                               BatonCall   *a,
                               const char  *transferor_session,
                               int          code,
                               int          subcode,
                               const char  *message)
{
  BatonTransfer *tr = g_new0 (BatonTransfer, 1);
  int t = a->session[CALLEE] && g_str_equal (a->session[CALLEE]->id, transferor_session) ? CALLEE : CALLER;

  tr->server = server;
  tr->id = g_strdup (id);
  tr->a_id = g_strdup (a->id);
  tr->transferor = g_strdup (a->user[t]);
  tr->transferor_name = g_strdup (a->name[t]);
  tr->transferor_session = g_strdup (transferor_session);
  tr->transferee = g_strdup (a->user[1 - t]);
  tr->transferee_session = a->session[1 - t];
  g_hash_table_replace (server->transfers, tr->id, tr);
  finish (tr, code, subcode, message);
}

static void
finish_failed (BatonServer   *server,
               BatonTransfer *tr,
               int            code,
               int            subcode,
               const char    *message)
{
  BatonCall *a = tr->a;
  BatonCall *new_call = tr->new_call;

  if (tr->stage == TRANSFER_DONE)
    return;
  g_debug ("transfer %s failed %d/%d (%s)", tr->id, code, subcode, message);
  finish (tr, code, subcode, message);
  tr->a = NULL;
  tr->b = NULL;
  tr->new_call = NULL;

  if (new_call && new_call->state != CALL_ENDED)
    baton_call_end (server, new_call, code, subcode, message, NULL);
  if (a && a->state != CALL_ENDED)
    {
      int t = g_str_equal (a->user[CALLER], tr->transferor) ? CALLER : CALLEE;

      baton_call_set_server_hold (server, a, t, FALSE);
    }
  send_update (server, tr);
}

static void
finish_ok (BatonServer   *server,
           BatonTransfer *tr)
{
  BatonCall *a = tr->a;

  g_debug ("transfer %s succeeded", tr->id);
  finish (tr, 0, 0, "transferred");
  tr->succeeded = TRUE;
  tr->a = NULL;
  tr->b = NULL;
  tr->new_call = NULL;
  send_update (server, tr);
  if (a && a->state != CALL_ENDED)
    baton_call_end (server, a, 0, 10207, "transferred", NULL);
}

void
baton_transfer_call_ended (BatonServer *server,
                           BatonCall   *call,
                           int          code,
                           int          subcode,
                           const char  *message)
{
  if (call->leg_of)
    {
      BatonTransfer *tr = call->leg_of;

      call->leg_of = NULL;
      tr->new_call = NULL;
      finish_failed (server, tr, code, subcode, message);
    }
  if (call->transfer)
    {
      BatonTransfer *tr = call->transfer;

      call->transfer = NULL;
      tr->a = NULL;
      if (tr->stage == TRANSFER_WAIT_TRANSFEREE)
        finish_failed (server, tr, 487, 0, "the call to transfer ended");
    }
  if (call->replaced_by)
    {
      BatonTransfer *tr = call->replaced_by;

      call->replaced_by = NULL;
      tr->b = NULL;
      finish_failed (server, tr, 404, 10202, "the target call ended");
    }
}

static gboolean
media_timeout_cb (gpointer user_data)
{
  BatonTransfer *tr = user_data;

  tr->timer = 0;
  if (tr->new_call)
    baton_call_end (tr->server, tr->new_call, 410, 301005,
                    "media was not established", NULL);
  else
    finish_failed (tr->server, tr, 410, 301005, "media was not established");
  return G_SOURCE_REMOVE;
}

void
baton_transfer_call_answered (BatonServer *server,
                              BatonCall   *call)
{
  BatonTransfer *tr = call->leg_of;

  if (tr == NULL || tr->stage != TRANSFER_RINGING)
    return;
  tr->stage = TRANSFER_ANSWERED;
  if (tr->b)
    {
      BatonCall *b = tr->b;

      tr->b = NULL;
      b->replaced_by = NULL;
      baton_call_end (server, b, 0, 10206, "replaced by a transferred call", NULL);
    }
  tr->timer = baton_server_timeout_add (server, BATON_MEDIA_TIMEOUT, media_timeout_cb, tr);
}

void
baton_transfer_media (BatonServer *server,
                      BatonCall   *call,
                      gboolean     ok)
{
  BatonTransfer *tr = call->leg_of;

  if (tr == NULL || tr->stage != TRANSFER_ANSWERED)
    return;
  if (ok)
    finish_ok (server, tr);
  else
    baton_call_end (server, call, 410, 301005, "media connectivity failed", NULL);
}

/* Asks the transferee (again, after it resumed: the first one may have been
 * lost with its connection); dropped while it is in its grace period. */
void
baton_transfer_send_request (BatonTransfer *tr)
{
  g_autoptr(JsonObject) ev = NULL;

  if (tr->stage != TRANSFER_WAIT_TRANSFEREE || tr->a == NULL)
    return;
  ev = baton_event_new ("transfer.request");
  json_object_set_string_member (ev, "transfer_id", tr->id);
  json_object_set_string_member (ev, "call_id", tr->a_id);
  json_object_set_object_member (ev, "transferor", baton_user_object (tr->transferor, tr->transferor_name));
  json_object_set_object_member (ev, "target", baton_user_object (tr->target, tr->target_name));
  if (tr->b_id)
    json_object_set_string_member (ev, "replaces", tr->b_id);
  baton_session_send (tr->transferee_session, ev);
}

static gboolean
transferee_timeout_cb (gpointer user_data)
{
  BatonTransfer *tr = user_data;

  tr->timer = 0;
  finish_failed (tr->server, tr, 408, 10204, "the transferee did not answer the request");
  return G_SOURCE_REMOVE;
}

static void
handle_request (BatonConnection *conn,
                BatonMessage    *msg)
{
  BatonServer *server = conn->server;
  BatonCall *a;
  BatonCall *b = NULL;
  BatonTransfer *tr;
  g_autoptr(BatonStoreUser) target = NULL;
  JsonObject *reply;
  int t, e;

  a = baton_call_lookup_for (conn, msg->id, msg->call_id);
  if (a == NULL)
    return;
  t = baton_call_party (a, conn->session);
  if (t < 0 || a->state != CALL_CONNECTED)
    {
      baton_reply_error (conn, msg->id, 409, 10018, "only a connected call can be transferred");
      return;
    }
  e = 1 - t;

  if (msg->target_user)
    {
      target = baton_server_lookup_user (server, msg->target_user);
      if (target == NULL)
        {
          baton_reply_error (conn, msg->id, 404, 0, "no such user");
          return;
        }
    }
  else
    {
      b = g_hash_table_lookup (server->calls, msg->target_call);
      if (b == NULL || b == a || b->state != CALL_CONNECTED ||
          baton_call_party (b, conn->session) < 0)
        {
          baton_reply_error (conn, msg->id, 404, 10202, "no such call of yours to transfer to");
          return;
        }
      target = baton_server_lookup_user (server, b->user[1 - baton_call_party (b, conn->session)]);
      if (target == NULL)
        {
          baton_reply_error (conn, msg->id, 404, 10202, "the target call's party is gone");
          return;
        }
    }
  if (g_str_equal (target->id, a->user[t]) || g_str_equal (target->id, a->user[e]))
    {
      baton_reply_error (conn, msg->id, 400, 10210, "cannot transfer to a party of the call itself");
      return;
    }
  if (a->transfer || a->leg_of || (b && b->replaced_by))
    {
      baton_reply_error (conn, msg->id, 409, 10209, "a transfer of this call is already in progress");
      return;
    }

  tr = g_new0 (BatonTransfer, 1);
  tr->server = server;
  tr->id = baton_new_id ();
  tr->stage = TRANSFER_WAIT_TRANSFEREE;
  tr->a = a;
  tr->a_id = g_strdup (a->id);
  tr->transferor = g_strdup (a->user[t]);
  tr->transferor_name = g_strdup (a->name[t]);
  tr->transferor_session = g_strdup (conn->session->id);
  tr->transferee = g_strdup (a->user[e]);
  tr->transferee_session = a->session[e];
  tr->target = g_strdup (target->id);
  tr->target_name = g_strdup (target->display_name);
  tr->disable_forwarding = msg->disable_forwarding;
  tr->message = g_strdup ("");
  if (b)
    {
      tr->b = b;
      tr->b_id = g_strdup (b->id);
      b->replaced_by = tr;
    }
  a->transfer = tr;
  baton_live_call_changed (server, a);
  g_hash_table_insert (server->transfers, tr->id, tr);
  g_debug ("transfer %s of call %s to %s%s", tr->id, a->id, b ? "the call of " : "", target->id);

  reply = json_object_new ();
  json_object_set_string_member (reply, "transfer_id", tr->id);
  baton_reply_ok (conn, msg->id, reply);

  baton_call_set_server_hold (server, a, t, TRUE);
  baton_transfer_send_request (tr);

  tr->timer = baton_server_timeout_add (server, BATON_TRANSFEREE_TIMEOUT, transferee_timeout_cb, tr);
}

static BatonTransfer *
lookup_for_transferee (BatonConnection *conn,
                       BatonMessage    *msg)
{
  BatonTransfer *tr = g_hash_table_lookup (conn->server->transfers, msg->transfer_id);

  if (tr == NULL)
    {
      baton_reply_error (conn, msg->id, 404, 10017, "no such transfer");
      return NULL;
    }
  if (tr->transferee_session != conn->session || !g_str_equal (tr->transferee, conn->user_id))
    {
      baton_reply_error (conn, msg->id, 403, 0, "not the transferee of this transfer");
      return NULL;
    }
  if (tr->stage != TRANSFER_WAIT_TRANSFEREE)
    {
      baton_reply_error (conn, msg->id, 409, 10018, "this transfer is not waiting for an answer");
      return NULL;
    }
  return tr;
}

static void
handle_accept (BatonConnection *conn,
               BatonMessage    *msg)
{
  BatonServer *server = conn->server;
  BatonTransfer *tr = lookup_for_transferee (conn, msg);
  g_autoptr(BatonStoreUser) target = NULL;
  g_autoptr(JsonObject) info = NULL;
  BatonSession *c_session = NULL;
  BatonCall *call;
  JsonObject *reply;

  if (tr == NULL)
    return;
  target = baton_server_lookup_user (server, tr->target);
  if (target == NULL)
    {
      baton_reply_error (conn, msg->id, 404, 0, "the target user is gone");
      return;
    }
  if (tr->b)
    c_session = tr->b->session[g_str_equal (tr->b->user[CALLER], tr->target) ? CALLER : CALLEE];

  call = baton_call_new (server, conn->session, conn->user_name, target, msg->sdp,
                         tr->b == NULL && !tr->disable_forwarding);
  call->leg_of = tr;
  baton_live_call_changed (server, call);
  tr->new_call = call;
  tr->new_call_id = g_strdup (call->id);
  tr->stage = TRANSFER_RINGING;
  g_clear_handle_id (&tr->timer, g_source_remove);

  reply = json_object_new ();
  json_object_set_string_member (reply, "call_id", call->id);
  baton_reply_ok (conn, msg->id, reply);
  send_update (server, tr);

  info = json_object_new ();
  json_object_set_string_member (info, "transfer_id", tr->id);
  json_object_set_object_member (info, "transferor", baton_user_object (tr->transferor, tr->transferor_name));
  if (tr->b)
    {
      call->replaces = g_strdup (tr->b_id);
      baton_call_route_replacing (server, call, c_session, info);
    }
  else
    baton_call_route (server, call, info);
}

void
baton_transfer_handle (BatonConnection *conn,
                       BatonMessage    *msg)
{
  BatonTransfer *tr;

  switch (msg->type)
    {
    case BATON_MSG_TRANSFER_REQUEST:
      handle_request (conn, msg);
      break;
    case BATON_MSG_TRANSFER_ACCEPT:
      handle_accept (conn, msg);
      break;
    case BATON_MSG_TRANSFER_REFUSE:
      tr = lookup_for_transferee (conn, msg);
      if (tr == NULL)
        return;
      baton_reply_ok (conn, msg->id, NULL);
      finish_failed (conn->server, tr, 603, 10203, "the transferee refused the transfer");
      break;
    default:
      g_assert_not_reached ();
    }
}
