/* baton-server-connection.c: one agent's WebSocket: limits, order, dispatch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "baton-server-private.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>

static void
count_error (BatonConnection *conn)
{
  if (++conn->error_streak > BATON_MAX_ERROR_STREAK)
    baton_connection_close (conn, BATON_CLOSE_TOO_MANY_ERRORS, "too many protocol errors");
}

void
baton_reply_ok (BatonConnection *conn,
                gint64           re,
                JsonObject      *fields)
{
  JsonObject *o = fields ? fields : json_object_new ();

  /* "type" and "re" go first for readability of logs; json-glib keeps order. */
  json_object_set_string_member (o, "type", "ok");
  json_object_set_int_member (o, "re", re);
  conn->error_streak = 0;
  baton_connection_send (conn, o);
  json_object_unref (o);
}

static void
send_error (BatonConnection *conn,
            gint64           re,
            int              code,
            int              subcode,
            const char      *message)
{
  g_autoptr(JsonObject) o = json_object_new ();

  json_object_set_string_member (o, "type", "error");
  if (re > 0)
    json_object_set_int_member (o, "re", re);
  else
    json_object_set_null_member (o, "re");
  json_object_set_int_member (o, "code", code);
  json_object_set_int_member (o, "subcode", subcode);
  json_object_set_string_member (o, "message", message);
  baton_connection_send (conn, o);
}

void
baton_reply_error (BatonConnection *conn,
                   gint64           re,
                   int              code,
                   int              subcode,
                   const char      *message)
{
  g_debug ("%s: error %d/%d on request %" G_GINT64_FORMAT ": %s",
           conn->user_id, code, subcode, re, message);
  send_error (conn, re, code, subcode, message);
  count_error (conn);
}

static gboolean
rate_ok (BatonConnection *conn)
{
  gint64 now = g_get_monotonic_time ();
  double elapsed = (now - conn->bucket_time) / (double) G_USEC_PER_SEC;

  conn->bucket_time = now;
  conn->bucket = MIN (BATON_RATE_BURST, conn->bucket + elapsed * BATON_RATE_PER_SECOND);
  if (conn->bucket < 1.0)
    return FALSE;
  conn->bucket -= 1.0;
  return TRUE;
}

static void
dispatch (BatonConnection *conn,
          BatonMessage    *msg)
{
  if (msg->type == BATON_MSG_REGISTER)
    {
      baton_session_handle_register (conn, msg);
      return;
    }
  if (conn->session == NULL)
    {
      baton_reply_error (conn, msg->id, 403, 10016, "register first");
      return;
    }

  switch (msg->type)
    {
    case BATON_MSG_CALL_INVITE:
    case BATON_MSG_CALL_ACCEPT:
    case BATON_MSG_CALL_REJECT:
    case BATON_MSG_CALL_HANGUP:
    case BATON_MSG_CALL_HOLD:
    case BATON_MSG_CALL_MUTE:
    case BATON_MSG_CALL_MEDIA:
    case BATON_MSG_SDP:
    case BATON_MSG_ICE:
      baton_call_handle (conn, msg);
      break;
    case BATON_MSG_TRANSFER_REQUEST:
    case BATON_MSG_TRANSFER_ACCEPT:
    case BATON_MSG_TRANSFER_REFUSE:
      baton_transfer_handle (conn, msg);
      break;
    case BATON_MSG_REGISTER:
    case BATON_MSG_PING:
    case BATON_MSG_TOKEN_REFRESH:
    case BATON_MSG_USERS_LIST:
    case BATON_MSG_FORWARDING_GET:
    case BATON_MSG_FORWARDING_SET:
    default:
      baton_handle_misc (conn, msg);
      break;
    }
}

static void
message_cb (SoupWebsocketConnection *ws,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  BatonConnection *conn = user_data;
  BatonServer *server;
  g_autoptr(BatonMessage) msg = NULL;
  BatonMessageError err = { 0 };
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  if (conn->closing)
    return;

  if (len > BATON_MESSAGE_MAX_SIZE)
    {
      baton_connection_close (conn, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "message too big");
      return;
    }

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      if (!rate_ok (conn))
        {
          send_error (conn, 0, 429, 10015, "rate limit exceeded");
          return;
        }
      baton_reply_error (conn, 0, 400, 10010, "binary frames are not allowed");
      return;
    }

  msg = baton_message_parse (data, len, &err);

  if (!rate_ok (conn))
    {
      /* Dropped: nothing changes, and it does not count as a protocol error. */
      send_error (conn, err.id > 0 ? err.id : msg ? msg->id : 0, 429, 10015,
                  "rate limit exceeded");
      baton_message_error_clear (&err);
      return;
    }

  if (msg == NULL)
    {
      if (err.id > 0 && err.id <= conn->last_id)
        baton_reply_error (conn, err.id, 409, 10013, "request id not greater than an earlier one");
      else
        {
          if (err.id > 0)
            conn->last_id = err.id;
          baton_reply_error (conn, err.id, err.code, err.subcode, err.message);
        }
      baton_message_error_clear (&err);
      return;
    }

  if (msg->id <= conn->last_id)
    {
      baton_reply_error (conn, msg->id, 409, 10013, "request id not greater than an earlier one");
      return;
    }
  conn->last_id = msg->id;

  g_debug ("%s → %s #%" G_GINT64_FORMAT, conn->user_id,
           baton_message_type_to_string (msg->type), msg->id);
  server = conn->server;
  baton_server_cork (server);
  dispatch (conn, msg);
  /* tests only: die the hard way the moment the reply has left (after the
   * commit that covers it: at the end of this request, or of the pump's round) */
  if (G_UNLIKELY (server->crash_after != NULL) &&
      g_str_equal (server->crash_after, baton_message_type_to_string (msg->type)))
    server->crash_pending = TRUE;
  baton_server_uncork (server);
}

static void
detach_session (BatonConnection *conn,
                gboolean         goodbye)
{
  BatonSession *session = conn->session;

  if (session == NULL)
    return;
  conn->session = NULL;
  session->conn = NULL;
  baton_session_detach (conn->server, session, goodbye);
}

/* The client starts the closing handshake: its session is detached now,
 * before libsoup answers with its own close frame, so that a client which has
 * seen its goodbye completed can rely on the session being gone (a call
 * placed to it right then finds it offline; PROTOCOL.md § 1). */
static void
closing_cb (SoupWebsocketConnection *ws,
            gpointer                 user_data)
{
  BatonConnection *conn = user_data;
  BatonServer *server = conn->server;
  gushort code;

  if (conn->closing)
    return; /* the server closes it: detached when closed */
  conn->closing = TRUE;
  code = soup_websocket_connection_get_close_code (ws);
  g_debug ("%s says goodbye (%u)", conn->user_id, code);
  baton_server_cork (server);
  detach_session (conn, code == SOUP_WEBSOCKET_CLOSE_NORMAL);
  baton_server_uncork (server);
}

static void
closed_cb (SoupWebsocketConnection *ws,
           gpointer                 user_data)
{
  BatonConnection *conn = user_data;
  BatonServer *server = conn->server;
  gushort code = soup_websocket_connection_get_close_code (ws);
  gboolean goodbye = !conn->closing && code == SOUP_WEBSOCKET_CLOSE_NORMAL;

  g_debug ("connection of %s closed (%u)", conn->user_id, code);
  baton_server_cork (server);
  detach_session (conn, goodbye);
  g_hash_table_remove (server->connections, conn);
  baton_connection_free (conn);
  baton_server_uncork (server);
}

static gboolean
register_timeout_cb (gpointer user_data)
{
  BatonConnection *conn = user_data;

  conn->register_source = 0;
  if (conn->session == NULL)
    baton_connection_close (conn, BATON_CLOSE_NO_REGISTER, "no register");
  return G_SOURCE_REMOVE;
}

static void
expire (BatonConnection *conn)
{
  g_autoptr(JsonObject) ev = baton_event_new ("token.expired");

  g_debug ("token %s of %s expired", conn->token_tag, conn->user_id);
  if (conn->session)
    baton_session_send (conn->session, ev);
  else
    {
      json_object_set_int_member (ev, "seq", ++conn->seq);
      baton_connection_send (conn, ev);
    }
  baton_connection_close (conn, BATON_CLOSE_TOKEN, "token expired");
}

/* One timer for every connection's token: a timer per connection would cost
 * every main loop iteration a look at thousands of sources. */
static gboolean
expiry_sweep_cb (gpointer user_data)
{
  BatonServer *server = user_data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GHashTableIter iter;
  gpointer key;
  BatonSlow t = BATON_SLOW_START ();

  g_hash_table_iter_init (&iter, server->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      BatonConnection *conn = key;

      if (!conn->closing && conn->token_exp <= now)
        expire (conn);
    }
  BATON_SLOW_END ("token expiry sweep", t);
  return G_SOURCE_CONTINUE;
}

/* The TCP socket under the WebSocket: libsoup hands the WebSocket its own
 * wrapper stream (property "base-iostream"), over TLS if any ("base-io-stream"). */
GSocket *
baton_connection_get_socket (BatonConnection *conn)
{
  GIOStream *stream = soup_websocket_connection_get_io_stream (conn->ws);

  for (int depth = 0; stream != NULL && depth < 4; depth++)
    {
      GObjectClass *klass = G_OBJECT_GET_CLASS (stream);
      const char *prop = NULL;
      g_autoptr(GIOStream) base = NULL;

      if (G_IS_SOCKET_CONNECTION (stream))
        return g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
      if (g_object_class_find_property (klass, "base-iostream"))
        prop = "base-iostream";
      else if (g_object_class_find_property (klass, "base-io-stream"))
        prop = "base-io-stream";
      else
        break;
      /* the wrapper keeps its base stream alive */
      g_object_get (stream, prop, &base, NULL);
      stream = base;
    }
  return NULL;
}

/* Milliseconds since anything (a pong counts) arrived from the peer, or -1. */
static gint64
silent_ms (BatonConnection *conn)
{
#ifdef TCP_INFO
  struct tcp_info info;
  socklen_t len = sizeof info;

  if (conn->fd >= 0 && getsockopt (conn->fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0)
    return info.tcpi_last_data_recv;
#endif
  return -1;
}

/* Keep-alive (PROTOCOL.md § 1): libsoup pings every connection every
 * keepalive_s seconds and any client answers with a pong, so a peer that
 * sent nothing for BATON_KEEPALIVE_MISSED intervals is gone (a half-open
 * TCP connection, a frozen process). The kernel already tracks when data
 * last arrived on each socket: a sweep asks it, instead of a timer per
 * connection. It looks at one slice of the connections per tick, so that
 * each is looked at once per interval without 10,000 getsockopt ()s in one
 * go (~40 ms of the main thread every 15 s). A lost connection is shut down;
 * libsoup reads the EOF and the session goes into its grace period like after
 * any other loss. */
static gboolean
liveness_sweep_cb (gpointer user_data)
{
  BatonServer *server = user_data;
  gint64 limit = (gint64) server->keepalive_s * 1000 * BATON_KEEPALIVE_MISSED;
  guint slice = server->liveness_tick++ % BATON_KEEPALIVE_SLICES;
  GHashTableIter iter;
  gpointer key;
  BatonSlow t = BATON_SLOW_START ();

  g_hash_table_iter_init (&iter, server->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      BatonConnection *conn = key;
      gint64 silent;

      if (conn->closing || conn->slice != slice)
        continue;
      silent = silent_ms (conn);
      if (silent > limit)
        {
          g_debug ("connection of %s silent for %" G_GINT64_FORMAT " ms: lost", conn->user_id, silent);
          conn->closing = TRUE;
          shutdown (conn->fd, SHUT_RDWR);
        }
    }
  BATON_SLOW_END ("liveness sweep", t);
  return G_SOURCE_CONTINUE;
}

/* Sends the pings that are due in one slice (from this thread: libsoup is not
 * thread-safe); each slice comes once per rotation, so a ping goes out at most
 * one rotation late. */
static gboolean
keepalive_pump_cb (gpointer user_data)
{
  BatonServer *server = user_data;
  GMainContext *ctx = server->keepalive_ctx[server->keepalive_tick++ % BATON_KEEPALIVE_SLICES];
  BatonSlow t = BATON_SLOW_START ();

  while (g_main_context_iteration (ctx, FALSE))
    ;
  BATON_SLOW_END ("keep-alive pings", t);
  return G_SOURCE_CONTINUE;
}

/* One rotation over the keep-alive slices: a second, or a quarter of the ping
 * interval when that is shorter (tests), in whole milliseconds. */
static guint
keepalive_rotation_ms (BatonServer *server)
{
  return MIN (1000, server->keepalive_s * 250);
}

void
baton_connection_schedule_expiry (BatonConnection *conn)
{
  BatonServer *server = conn->server;

  if (server->keepalive_pump == 0)
    server->keepalive_pump = g_timeout_add (MAX (1, keepalive_rotation_ms (server) / BATON_KEEPALIVE_SLICES),
                                            keepalive_pump_cb, server);
  if (server->expiry_source == 0)
    server->expiry_source = g_timeout_add (250, expiry_sweep_cb, server);
  /* every connection once per interval, a slice at a time */
  if (server->liveness_source == 0)
    server->liveness_source = g_timeout_add (MAX (1, server->keepalive_s * 1000 / BATON_KEEPALIVE_SLICES),
                                             liveness_sweep_cb, server);
}

BatonConnection *
baton_connection_new (BatonServer             *server,
                      SoupWebsocketConnection *ws,
                      const char              *user_id,
                      const char              *user_name,
                      const char              *token_tag,
                      gint64                   token_exp)
{
  BatonConnection *conn = g_new0 (BatonConnection, 1);

  conn->server = server;
  conn->ws = g_object_ref (ws);
  conn->ctx = g_main_context_ref_thread_default ();
  conn->user_id = g_strdup (user_id);
  conn->user_name = g_strdup (user_name);
  conn->token_tag = g_strdup (token_tag);
  conn->token_exp = token_exp;
  conn->bucket = BATON_RATE_BURST;
  conn->bucket_time = g_get_monotonic_time ();

  soup_websocket_connection_set_max_incoming_payload_size (ws, BATON_HARD_FRAME_LIMIT);
  {
    GSocket *sock = baton_connection_get_socket (conn);

    conn->fd = sock ? g_socket_get_fd (sock) : -1;
  }
  /* libsoup attaches the ping timer to the thread-default context: contexts
   * of their own keep 10,000 timers out of the main context, which GLib walks
   * on every iteration, and spread the pings over each second
   * (BATON_KEEPALIVE_SLICES); the pump sends them. */
  conn->slice = server->keepalive_next++ % BATON_KEEPALIVE_SLICES;
  g_main_context_push_thread_default (server->keepalive_ctx[conn->slice]);
  soup_websocket_connection_set_keepalive_interval (ws, server->keepalive_s);
  g_main_context_pop_thread_default (server->keepalive_ctx[conn->slice]);
  g_signal_connect (ws, "message", G_CALLBACK (message_cb), conn);
  g_signal_connect (ws, "closing", G_CALLBACK (closing_cb), conn);
  g_signal_connect (ws, "closed", G_CALLBACK (closed_cb), conn);

  conn->register_source = baton_server_timeout_add (server, BATON_REGISTER_TIMEOUT,
                                                    register_timeout_cb, conn);
  baton_connection_schedule_expiry (conn);
  g_debug ("%s connected with %s", user_id, token_tag);
  return conn;
}

void
baton_connection_free (BatonConnection *conn)
{
  if (conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (conn->ws, conn);
  if (conn->session)
    conn->session->conn = NULL;
  g_clear_handle_id (&conn->register_source, g_source_remove);
  g_clear_object (&conn->ws);
  g_clear_pointer (&conn->ctx, g_main_context_unref);
  g_free (conn->user_id);
  g_free (conn->user_name);
  g_free (conn->token_tag);
  g_free (conn);
}
