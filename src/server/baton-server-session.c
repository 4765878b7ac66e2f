/* baton-server-session.c: register, resume, the grace period, and the
 * requests that are not about calls (ping, token.refresh, users.list, forwarding)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "baton-server-jwt.h"
#include "baton-server-private.h"

void
baton_session_free (BatonSession *session)
{
  if (session == NULL)
    return;
  g_clear_handle_id (&session->grace_source, g_source_remove);
  g_free (session->id);
  g_free (session->user_id);
  g_free (session->user_name);
  g_free (session->agent_name);
  g_free (session);
}

static GPtrArray *
session_calls (BatonServer  *server,
               BatonSession *session)
{
  GPtrArray *list = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, server->calls);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      BatonCall *call = value;

      if (call->state != CALL_ENDED &&
          (baton_call_party (call, session) >= 0 || baton_call_is_ringing_on (call, session)))
        g_ptr_array_add (list, call);
    }
  return list;
}

/* The session's connection is gone for good (grace period over, or the
 * client said goodbye): end what it was part of. */
static void
session_end (BatonServer  *server,
             BatonSession *session,
             gboolean      said_goodbye)
{
  g_autoptr(GPtrArray) calls = session_calls (server, session);

  g_debug ("session %s of %s ends", session->id, session->user_id);
  for (guint i = 0; i < calls->len; i++)
    {
      BatonCall *call = calls->pdata[i];
      int party;

      if (call->state == CALL_ENDED || !g_hash_table_contains (server->calls, call->id))
        continue;
      party = baton_call_party (call, session);
      if (party < 0)
        {
          /* only ringing there: stop ringing on this session */
          g_ptr_array_remove (call->ringing, session);
          continue;
        }
      if (said_goodbye)
        baton_call_end (server, call, call->state == CALL_RINGING ? 487 : 0, 0,
                        call->state == CALL_RINGING ? "cancelled" : "hung up", session);
      else
        baton_call_end (server, call, 410, 10008,
                        "the other party lost its connection to the service", session);
    }
  baton_live_session_changed (server, session);
  g_hash_table_remove (server->sessions, session->id);
}

static gboolean
grace_cb (gpointer user_data)
{
  BatonSession *session = user_data;

  session->grace_source = 0;
  session_end (session->server, session, FALSE);
  return G_SOURCE_REMOVE;
}

void
baton_session_start_grace (BatonServer  *server,
                           BatonSession *session)
{
  g_debug ("session %s of %s in its grace period", session->id, session->user_id);
  g_clear_handle_id (&session->grace_source, g_source_remove);
  session->grace_source = baton_server_timeout_add (server, BATON_GRACE_PERIOD, grace_cb, session);
}

void
baton_session_detach (BatonServer  *server,
                      BatonSession *session,
                      gboolean      said_goodbye)
{
  server->router->vtable->remove (server->router, session);
  if (said_goodbye || server->shutting_down)
    {
      if (said_goodbye)
        session_end (server, session, TRUE);
      return;
    }
  baton_session_start_grace (server, session);
}

static void
attach (BatonConnection *conn,
        BatonSession    *session)
{
  BatonServer *server = conn->server;

  g_clear_handle_id (&session->grace_source, g_source_remove);
  g_clear_handle_id (&conn->register_source, g_source_remove);
  session->conn = conn;
  conn->session = session;
  server->router->vtable->add (server->router, session);
}

void
baton_session_handle_register (BatonConnection *conn,
                               BatonMessage    *msg)
{
  BatonServer *server = conn->server;
  BatonSession *session = NULL;
  JsonObject *reply;
  JsonArray *calls = json_array_new ();
  JsonArray *transfers = json_array_new ();
  BatonForwarding fwd;

  if (conn->session != NULL)
    {
      json_array_unref (calls);
      json_array_unref (transfers);
      baton_reply_error (conn, msg->id, 409, 10018, "already registered");
      return;
    }

  if (msg->has_resume)
    {
      BatonSession *old = g_hash_table_lookup (server->sessions, msg->resume_session_id);

      if (old && g_str_equal (old->user_id, conn->user_id))
        session = old;
    }

  if (session)
    {
      g_autoptr(GPtrArray) live = session_calls (server, session);
      BatonConnection *previous = session->conn;
      GHashTableIter iter;
      gpointer value;

      g_debug ("session %s of %s resumed", session->id, session->user_id);
      if (previous)
        {
          previous->session = NULL;
          session->conn = NULL;
          server->router->vtable->remove (server->router, session);
          baton_connection_close (previous, BATON_CLOSE_RESUMED, "session resumed elsewhere");
        }
      attach (conn, session);
      if (msg->display_name)
        {
          g_free (session->agent_name);
          session->agent_name = g_strdup (msg->display_name);
          baton_live_session_changed (server, session);
        }

      /* Calls the client forgot end as if it had hung up. */
      for (guint i = 0; i < live->len; i++)
        {
          BatonCall *call = live->pdata[i];
          int party;

          if (!g_hash_table_contains (server->calls, call->id) ||
              g_strv_contains ((const char * const *) msg->resume_calls, call->id))
            continue;
          party = baton_call_party (call, session);
          if (party < 0)
            g_ptr_array_remove (call->ringing, session);
          else
            baton_call_end (server, call, call->state == CALL_RINGING ? 487 : 0, 0,
                            call->state == CALL_RINGING ? "cancelled" : "hung up", session);
        }
      g_ptr_array_set_size (live, 0);
      {
        g_autoptr(GPtrArray) still = session_calls (server, session);

        for (guint i = 0; i < still->len; i++)
          json_array_add_object_element (calls, baton_call_snapshot (still->pdata[i], session));
      }

      g_hash_table_iter_init (&iter, server->transfers);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          BatonTransfer *tr = value;

          if (g_strcmp0 (tr->transferor_session, session->id) == 0)
            json_array_add_object_element (transfers, baton_transfer_snapshot (tr));
        }
    }
  else
    {
      session = g_new0 (BatonSession, 1);
      session->server = server;
      session->id = baton_new_id ();
      session->user_id = g_strdup (conn->user_id);
      session->user_name = g_strdup (conn->user_name);
      session->agent_name = g_strdup (msg->display_name);
      g_hash_table_insert (server->sessions, session->id, session);
      baton_live_session_changed (server, session);
      attach (conn, session);
      g_debug ("session %s of %s registered", session->id, session->user_id);
    }

  baton_store_get_forwarding (server->store, conn->user_id, &fwd);
  reply = json_object_new ();
  json_object_set_int_member (reply, "protocol", 1);
  json_object_set_object_member (reply, "user", baton_user_object (conn->user_id, conn->user_name));
  json_object_set_string_member (reply, "session_id", session->id);
  json_object_set_int_member (reply, "token_expires_at", conn->token_exp);
  json_object_set_int_member (reply, "unanswered_timeout", fwd.unanswered_timeout);
  json_object_set_array_member (reply, "calls", calls);
  json_object_set_array_member (reply, "transfers", transfers);
  baton_forwarding_clear (&fwd);
  baton_reply_ok (conn, msg->id, reply);

  /* A transfer.request still waiting for this session's answer is asked
   * again: the first one may have been lost with the old connection. */
  if (msg->has_resume && session->conn == conn)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, server->transfers);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          BatonTransfer *tr = value;

          if (tr->transferee_session == session && tr->stage == TRANSFER_WAIT_TRANSFEREE)
            baton_transfer_send_request (tr);
        }
    }
}

/* ---- requests that are not about calls ---- */

static void
handle_token_refresh (BatonConnection *conn,
                      BatonMessage    *msg)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *tag = baton_jwt_log_tag (msg->token);
  gint64 exp = 0;
  JsonObject *reply;

  if (!baton_jwt_verify (conn->server->key, msg->token, &sub, &exp, &error))
    {
      baton_reply_error (conn, msg->id, 401, 0, error->message);
      return;
    }
  if (exp <= g_get_real_time () / G_USEC_PER_SEC)
    {
      baton_reply_error (conn, msg->id, 401, 0, "token expired");
      return;
    }
  if (!g_str_equal (sub, conn->user_id))
    {
      baton_reply_error (conn, msg->id, 403, 0, "the token is for another user");
      return;
    }
  g_debug ("%s refreshed its token: %s → %s", conn->user_id, conn->token_tag, tag);
  g_free (conn->token_tag);
  conn->token_tag = g_steal_pointer (&tag);
  conn->token_exp = exp;
  baton_connection_schedule_expiry (conn);
  reply = json_object_new ();
  json_object_set_int_member (reply, "token_expires_at", exp);
  baton_reply_ok (conn, msg->id, reply);
}

static void
handle_users_list (BatonConnection *conn,
                   BatonMessage    *msg)
{
  BatonServer *server = conn->server;
  g_autoptr(GPtrArray) users = baton_store_list_users (server->store, msg->query, msg->limit);
  JsonArray *array = json_array_new ();
  JsonObject *reply = json_object_new ();

  for (guint i = 0; i < users->len; i++)
    {
      BatonStoreUser *u = users->pdata[i];
      JsonObject *o = baton_user_object (u->id, u->display_name);
      GPtrArray *online = server->router->vtable->lookup (server->router, u->id);

      json_object_set_boolean_member (o, "online", online != NULL && online->len > 0);
      json_array_add_object_element (array, o);
    }
  json_object_set_array_member (reply, "users", array);
  baton_reply_ok (conn, msg->id, reply);
}

static JsonObject *
forwarding_object (const BatonForwarding *fwd)
{
  JsonObject *o = json_object_new ();

  if (fwd->always)
    json_object_set_string_member (o, "always", fwd->always);
  else
    json_object_set_null_member (o, "always");
  if (fwd->unanswered)
    json_object_set_string_member (o, "unanswered", fwd->unanswered);
  else
    json_object_set_null_member (o, "unanswered");
  json_object_set_int_member (o, "unanswered_timeout", fwd->unanswered_timeout);
  return o;
}

static gboolean
check_forward_target (BatonConnection *conn,
                      gint64           re,
                      const char      *target)
{
  g_autoptr(BatonStoreUser) user = NULL;

  if (target == NULL)
    return TRUE;
  if (g_str_equal (target, conn->user_id))
    {
      baton_reply_error (conn, re, 400, 10012, "cannot forward to oneself");
      return FALSE;
    }
  user = baton_server_lookup_user (conn->server, target);
  if (user == NULL)
    {
      baton_reply_error (conn, re, 404, 0, "no such user");
      return FALSE;
    }
  return TRUE;
}

static void
handle_forwarding (BatonConnection *conn,
                   BatonMessage    *msg)
{
  BatonServer *server = conn->server;
  BatonForwarding fwd;
  g_autoptr(GError) error = NULL;

  if (msg->type == BATON_MSG_FORWARDING_SET &&
      (!check_forward_target (conn, msg->id, msg->always) ||
       !check_forward_target (conn, msg->id, msg->unanswered)))
    return;

  baton_store_get_forwarding (server->store, conn->user_id, &fwd);
  if (msg->type == BATON_MSG_FORWARDING_SET)
    {
      if (msg->has_always)
        {
          g_free (fwd.always);
          fwd.always = g_strdup (msg->always);
        }
      if (msg->has_unanswered)
        {
          g_free (fwd.unanswered);
          fwd.unanswered = g_strdup (msg->unanswered);
        }
      if (msg->has_timeout)
        fwd.unanswered_timeout = msg->unanswered_timeout;
      if (!baton_store_set_forwarding (server->store, conn->user_id, &fwd, &error))
        {
          baton_forwarding_clear (&fwd);
          g_warning ("forwarding.set: %s", error->message);
          baton_reply_error (conn, msg->id, 500, 0, "could not store the settings");
          return;
        }
    }
  baton_reply_ok (conn, msg->id, forwarding_object (&fwd));
  baton_forwarding_clear (&fwd);
}

void
baton_handle_misc (BatonConnection *conn,
                   BatonMessage    *msg)
{
  switch (msg->type)
    {
    case BATON_MSG_PING:
      {
        JsonObject *reply = json_object_new ();

        json_object_set_int_member (reply, "server_time", g_get_real_time () / G_USEC_PER_SEC);
        baton_reply_ok (conn, msg->id, reply);
      }
      break;
    case BATON_MSG_TOKEN_REFRESH:
      handle_token_refresh (conn, msg);
      break;
    case BATON_MSG_USERS_LIST:
      handle_users_list (conn, msg);
      break;
    case BATON_MSG_FORWARDING_GET:
    case BATON_MSG_FORWARDING_SET:
      handle_forwarding (conn, msg);
      break;
    default:
      baton_reply_error (conn, msg->id, 400, 10011, "unknown message type");
      break;
    }
}
