/* baton-server.c: the calling service: HTTP/WebSocket front, shared helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "baton-server.h"
#include "baton-server-jwt.h"
#include "baton-server-private.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#define AGENT_PATH "/v1/agent"

char *
baton_new_id (void)
{
  return g_uuid_string_random ();
}

/* ---- diagnostics: where the main thread is held up ---- */

gint64 baton_slow_us;
static BatonSlow slow_poll_left;   /* when the main loop's last poll () returned */
static GPollFunc slow_real_poll;

BatonSlow
baton_slow_now (void)
{
  struct timespec ts;
  BatonSlow now = { g_get_monotonic_time (), 0 };

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
    now.cpu = (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
  return now;
}

void
baton_slow_note (const char *what,
                 BatonSlow   start)
{
  BatonSlow now = baton_slow_now ();

  if (now.wall - start.wall >= baton_slow_us)
    g_message ("slow: %s took %.1f ms, %.1f ms of CPU (%" G_GINT64_FORMAT " → %" G_GINT64_FORMAT
               " µs, monotonic)", what, (now.wall - start.wall) / 1000.0,
               (now.cpu - start.cpu) / 1000.0, start.wall, now.wall);
}

/* The main context's poll: the time between two polls is one iteration's
 * work, whatever the source that did it. */
static gint
slow_poll (GPollFD *fds,
           guint    n_fds,
           gint     timeout)
{
  gint ret;

  if (slow_poll_left.wall > 0)
    baton_slow_note ("main-loop iteration", slow_poll_left);
  ret = slow_real_poll (fds, n_fds, timeout);
  slow_poll_left = baton_slow_now ();
  return ret;
}

void
baton_slow_init (void)
{
  const char *env = g_getenv ("BATON_SERVER_SLOW_MS");

  if (env == NULL || baton_slow_us > 0)
    return;
  baton_slow_us = (gint64) (g_ascii_strtod (env, NULL) * 1000);
  if (baton_slow_us <= 0)
    return;
  slow_real_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, slow_poll);
}

typedef struct
{
  BatonServer *server;
  GSourceFunc func;
  gpointer data;
} ServerTimer;

/* A protocol timer runs corked, like a request: what it changes is stored
 * before the events it causes leave. */
static gboolean
server_timer_cb (gpointer user_data)
{
  ServerTimer *timer = user_data;
  BatonServer *server = timer->server;
  gboolean again;

  baton_server_cork (server);
  again = timer->func (timer->data);
  baton_server_uncork (server);
  return again;
}

guint
baton_server_timeout_add (BatonServer *server,
                          double       seconds,
                          GSourceFunc  func,
                          gpointer     data)
{
  double ms = seconds * server->time_scale * 1000.0;
  ServerTimer *timer = g_new (ServerTimer, 1);

  timer->server = server;
  timer->func = func;
  timer->data = data;
  return g_timeout_add_full (G_PRIORITY_DEFAULT, ms < 1 ? 1 : (guint) ms,
                             server_timer_cb, timer, g_free);
}

/* ---- "the client saw it" implies "it is stored" (PROTOCOL.md § 3.1) ----
 *
 * While the server is corked (a request, a closed connection or a protocol
 * timer being handled) outgoing frames are held; uncorking stores the live
 * state that changed, in one transaction, and only then writes the frames.
 * A frame sent while not corked stores pending changes first as well. So a
 * reply or an event never reaches a client before the change it reports is in
 * the store, and a kill -9 at any moment loses only changes nobody was told of.
 */
typedef struct
{
  SoupWebsocketConnection *ws;
  char *text;
} HeldFrame;

static void
held_frame_free (HeldFrame *frame)
{
  g_object_unref (frame->ws);
  g_free (frame->text);
  g_free (frame);
}

/* Hands @text to libsoup. A write that cannot finish at once leaves libsoup
 * an output source, which it attaches to the thread-default context of the
 * moment: the main context when this runs at the end of a round or from a
 * timer, the shard being dispatched when a close releases the held frames in
 * the middle of a request. Both are polled again before they sleep, so the
 * connection's own shard need not hear of it. */
static void
send_frame (SoupWebsocketConnection *ws,
            const char              *text)
{
  soup_websocket_connection_send_text (ws, text);
}

void
baton_server_cork (BatonServer *server)
{
  server->cork++;
}

/* Stores the live state, then writes every held frame (still corked after). */
void
baton_server_release_held (BatonServer *server)
{
  HeldFrame *frame;
  BatonSlow t = BATON_SLOW_START ();

  if (!server->live_frozen)
    baton_live_flush (server);
  BATON_SLOW_END ("store the live state", t);
  t = BATON_SLOW_START ();
  while ((frame = g_queue_pop_head (&server->held)) != NULL)
    {
      if (soup_websocket_connection_get_state (frame->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        send_frame (frame->ws, frame->text);
      held_frame_free (frame);
    }
  BATON_SLOW_END ("send the held frames", t);

  /* tests only: die the hard way the moment the reply has left */
  if (G_UNLIKELY (server->crash_pending))
    {
      g_message ("--crash-after %s: killing myself", server->crash_after);
      raise (SIGKILL);
    }
}

void
baton_server_uncork (BatonServer *server)
{
  g_return_if_fail (server->cork > 0);
  if (--server->cork == 0)
    baton_server_release_held (server);
}

/* Group commit: the shards' pump holds the server corked for a whole round
 * (every shard that is ready is run), so the live state that the requests of
 * one round changed is stored in one transaction, and their replies and events
 * leave after it, all at once. */
static BatonSlow round_start;

static void
batch_begin_cb (gpointer data,
                gpointer unused)
{
  round_start = BATON_SLOW_START ();
  baton_server_cork (data);
}

static void
batch_end_cb (gpointer data,
              gpointer unused)
{
  BATON_SLOW_END ("run the ready shards", round_start);
  baton_server_uncork (data);
  BATON_SLOW_END ("a round of the shards", round_start);
}

BatonStoreUser *
baton_server_lookup_user (BatonServer *server,
                          const char  *id)
{
  if (!baton_is_valid_user_id (id))
    return NULL;
  return baton_store_get_user (server->store, id);
}

JsonObject *
baton_user_object (const char *id,
                   const char *name)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "display_name", name && *name ? name : id);
  return o;
}

JsonObject *
baton_event_new (const char *type)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "type", type);
  return o;
}

/* A client that does not read what it is sent (or cannot keep up) would make
 * libsoup queue its frames in our memory without end: past BATON_MAX_BACKLOG
 * bytes beyond what its TCP took, the connection is taken as lost, like a
 * silent one (the session goes into its grace period; PROTOCOL.md § 8). */
static void
check_backlog (BatonConnection *conn)
{
  GSocket *sock = baton_connection_get_socket (conn);
  guint64 written = 0;

  conn->queued_checked = conn->queued;
  if (sock == NULL || !baton_socket_bytes_written (g_socket_get_fd (sock), &written))
    return;
  if (conn->queued > written && conn->queued - written > BATON_MAX_BACKLOG)
    {
      g_debug ("connection of %s does not read (%" G_GUINT64_FORMAT " bytes queued): lost",
               conn->user_id, conn->queued - written);
      conn->closing = TRUE;
      g_socket_shutdown (sock, TRUE, TRUE, NULL);
    }
}

void
baton_connection_send (BatonConnection *conn,
                       JsonObject      *obj)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (conn->closing ||
      soup_websocket_connection_get_state (conn->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  node = json_node_init_object (json_node_alloc (), obj);
  text = json_to_string (node, FALSE);
  conn->queued += strlen (text) + 4; /* and the frame header, about */
  if (conn->queued - conn->queued_checked >= BATON_BACKLOG_CHECK_EVERY)
    {
      check_backlog (conn);
      if (conn->closing)
        return;
    }
  if (conn->server->cork > 0)
    {
      HeldFrame *frame = g_new (HeldFrame, 1);

      frame->ws = g_object_ref (conn->ws);
      frame->text = g_steal_pointer (&text);
      g_queue_push_tail (&conn->server->held, frame);
      return;
    }
  if (!conn->server->live_frozen)
    baton_live_flush (conn->server);
  send_frame (conn->ws, text);
}

/* Sends an event (adds its per-connection seq); dropped during the grace period. */
void
baton_session_send (BatonSession *session,
                    JsonObject   *event)
{
  BatonConnection *conn = session ? session->conn : NULL;

  if (conn == NULL)
    return;
  json_object_set_int_member (event, "seq", ++conn->seq);
  baton_connection_send (conn, event);
}

void
baton_connection_close (BatonConnection *conn,
                        gushort          code,
                        const char      *reason)
{
  if (conn->closing)
    return;
  conn->closing = TRUE;
  /* what was said on this connection goes out before the close frame */
  baton_server_release_held (conn->server);
  g_debug ("closing connection of %s with %u (%s)", conn->user_id, code, reason);
  if (soup_websocket_connection_get_state (conn->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn->ws, code, reason); /* its timeout: like send_frame () */
}

/* The handshake: the token is checked before the WebSocket is opened. */
static void
agent_http_cb (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  BatonServer *server = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonStoreUser) user = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *body = NULL;
  g_autofree char *tag = NULL;
  const char *why = NULL;
  gint64 exp = 0;

  if (server->shutting_down)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      return;
    }

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
    why = "no bearer token";
  else
    {
      const char *token = auth + 7;

      tag = baton_jwt_log_tag (token);
      if (!baton_jwt_verify (server->key, token, &sub, &exp, &error))
        why = error->message;
      else if (exp <= g_get_real_time () / G_USEC_PER_SEC)
        why = "token expired";
      else if ((user = baton_server_lookup_user (server, sub)) == NULL)
        why = "unknown user";
    }

  if (why != NULL)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      g_autoptr(JsonNode) node = NULL;

      g_debug ("handshake refused (%s): %s", tag ? tag : "no token", why);
      json_object_set_int_member (o, "code", 401);
      json_object_set_int_member (o, "subcode", 0);
      json_object_set_string_member (o, "message", why);
      node = json_node_init_object (json_node_alloc (), o);
      body = json_to_string (node, FALSE);
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        body, strlen (body));
      return;
    }

  /* Leave the status unset: SoupServer goes on with the WebSocket upgrade. */
  g_object_set_data_full (G_OBJECT (msg), "baton-user", g_steal_pointer (&user),
                          (GDestroyNotify) baton_store_user_free);
  g_object_set_data_full (G_OBJECT (msg), "baton-token-tag", g_steal_pointer (&tag), g_free);
  g_object_set_data (G_OBJECT (msg), "baton-token-exp", GSIZE_TO_POINTER ((gsize) exp));
}

/* Small frames (a reply, then an event) must not wait for delayed ACKs. */
static void
set_nodelay (BatonConnection *conn)
{
  GSocket *sock = baton_connection_get_socket (conn);

  if (sock)
    g_socket_set_option (sock, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

static void
agent_ws_cb (SoupServer              *soup,
             SoupServerMessage       *msg,
             const char              *path,
             SoupWebsocketConnection *ws,
             gpointer                 user_data)
{
  BatonServer *server = user_data;
  BatonStoreUser *user = g_object_get_data (G_OBJECT (msg), "baton-user");
  const char *tag = g_object_get_data (G_OBJECT (msg), "baton-token-tag");
  gint64 exp = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "baton-token-exp"));
  BatonConnection *conn;

  if (user == NULL)
    {
      soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, NULL);
      return;
    }
  conn = baton_connection_new (server, ws, user->id, user->display_name, tag, exp);
  set_nodelay (conn);
  g_hash_table_add (server->connections, conn);
}

static void
other_cb (SoupServer        *soup,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static SoupServer *
new_soup_server (BatonServer *server)
{
  const char *protocols[] = { "baton.v1", NULL };
  SoupServer *soup = soup_server_new ("server-header", "baton-server/" PACKAGE_VERSION " ", NULL);

  soup_server_add_handler (soup, AGENT_PATH, agent_http_cb, server, NULL);
  soup_server_add_websocket_handler (soup, AGENT_PATH, NULL, (char **) protocols,
                                     agent_ws_cb, server, NULL);
  soup_server_add_handler (soup, NULL, other_cb, server, NULL);
  return soup;
}

void
baton_server_set_io_shards (BatonServer *server,
                            guint        n)
{
  g_return_if_fail (server->shards == NULL);
  server->n_shards = n;
  server->n_shards_set = TRUE;
}

BatonServer *
baton_server_new (const char  *data_dir,
                  double       time_scale,
                  GError     **error)
{
  BatonServer *server = g_new0 (BatonServer, 1);

  baton_slow_init ();
  server->time_scale = time_scale > 0 ? time_scale : 1.0;
  server->keepalive_s = MAX (1, (guint) (BATON_KEEPALIVE_INTERVAL * server->time_scale));
  for (guint i = 0; i < BATON_KEEPALIVE_SLICES; i++)
    server->keepalive_ctx[i] = g_main_context_new ();
  server->key = baton_jwt_load_or_create_key (data_dir, error);
  if (server->key == NULL)
    goto fail;
  server->store = baton_store_sqlite_new (data_dir, error);
  if (server->store == NULL)
    goto fail;
  server->router = baton_router_local_new ();
  server->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) baton_session_free);
  server->calls = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) baton_call_free);
  server->user_calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->transfers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) baton_transfer_free);
  server->connections = g_hash_table_new (NULL, NULL);
  server->graveyard = g_ptr_array_new_with_free_func ((GDestroyNotify) baton_call_free);
  server->live_dirty_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->live_dirty_calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  baton_live_restore (server);

  server->soup = new_soup_server (server);
  server->n_shards = BATON_DEFAULT_IO_SHARDS;
  return server;

fail:
  baton_server_free (server);
  return NULL;
}

gboolean
baton_server_listen (BatonServer  *server,
                     const char   *listen,
                     const char   *tls_certificate,
                     const char   *tls_private_key,
                     char        **out_uri,
                     GError      **error)
{
  g_autoptr(GSocketConnectable) addr = NULL;
  g_autoptr(GSocketAddressEnumerator) en = NULL;
  g_autoptr(GSocketAddress) sa = NULL;
  SoupServerListenOptions options = 0;
  g_autofree char *host = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  guint n_listeners;
  struct rlimit rl;

  if (!server->n_shards_set && getrlimit (RLIMIT_NOFILE, &rl) == 0 &&
      rl.rlim_cur != RLIM_INFINITY && server->n_shards > rl.rlim_cur / BATON_FDS_PER_SHARD)
    server->n_shards = MAX (1, rl.rlim_cur / BATON_FDS_PER_SHARD);
  n_listeners = MAX (1, server->n_shards);

  addr = g_network_address_parse (listen, 8480, error);
  if (addr == NULL)
    return FALSE;
  host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (addr)));
  en = g_socket_connectable_enumerate (addr);
  sa = g_socket_address_enumerator_next (en, NULL, error);
  if (sa == NULL)
    return FALSE;

  if (tls_certificate || tls_private_key)
    {
      if (!tls_certificate || !tls_private_key)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "--tls-certificate and --tls-private-key go together");
          return FALSE;
        }
      cert = g_tls_certificate_new_from_files (tls_certificate, tls_private_key, error);
      if (cert == NULL)
        return FALSE;
      options |= SOUP_SERVER_LISTEN_HTTPS;
      server->tls = TRUE;
    }

  if (server->n_shards > 0)
    {
      /* SO_REUSEPORT lets any process of the same user join the port, which
       * would quietly split the agents between two services (a second
       * `serve` by mistake, or one started while the old one still runs).
       * An ordinary bind first proves the address is free and, for port 0,
       * picks the port the shards then share. */
      g_autoptr(GSocket) probe = g_socket_new (g_socket_address_get_family (sa),
                                               G_SOCKET_TYPE_STREAM,
                                               G_SOCKET_PROTOCOL_TCP, error);

      if (probe == NULL || !g_socket_bind (probe, sa, TRUE, error) ||
          (local = g_socket_get_local_address (probe, error)) == NULL)
        return FALSE;
      g_socket_close (probe, NULL);

      server->shards = baton_shards_new (server->n_shards);
      baton_shards_set_batch (server->shards, batch_begin_cb, batch_end_cb, server);
      server->shard_soups = g_ptr_array_new_with_free_func (g_object_unref);
    }

  /* Our own sockets, for a listen backlog that takes bursts of connections;
   * with shards, one per shard on the same port (SO_REUSEPORT), each served
   * by the shard's SoupServer in the shard's context. */
  for (guint i = 0; i < n_listeners; i++)
    {
      g_autoptr(GSocket) sock = g_socket_new (g_socket_address_get_family (sa), G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, error);
      SoupServer *soup = server->soup;
      gboolean ok;

      if (sock == NULL)
        return FALSE;
      g_socket_set_listen_backlog (sock, 4096);
      if (server->shards)
        {
          /* g_socket_bind() clears SO_REUSEPORT on TCP sockets: bind by hand */
          GSocketAddress *where = local;
          gssize len = g_socket_address_get_native_size (where);
          g_autofree gpointer native = g_malloc0 (MAX (len, 1));

          if (!g_socket_set_option (sock, SOL_SOCKET, SO_REUSEADDR, 1, error) ||
              !g_socket_set_option (sock, SOL_SOCKET, SO_REUSEPORT, 1, error) ||
              len < 0 || !g_socket_address_to_native (where, native, len, error))
            return FALSE;
          if (bind (g_socket_get_fd (sock), native, len) != 0)
            {
              int saved = errno;

              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                           "cannot bind: %s", g_strerror (saved));
              return FALSE;
            }
        }
      else if (!g_socket_bind (sock, sa, TRUE, error))
        return FALSE;
      if (!g_socket_listen (sock, error))
        return FALSE;
      if (server->shards)
        {
          soup = new_soup_server (server);
          g_ptr_array_add (server->shard_soups, soup);
        }
      if (cert)
        soup_server_set_tls_certificate (soup, cert);
      if (server->shards)
        g_main_context_push_thread_default (baton_shards_get_context (server->shards, i));
      ok = soup_server_listen_socket (soup, sock, options, error);
      if (server->shards)
        g_main_context_pop_thread_default (baton_shards_get_context (server->shards, i));
      if (!ok)
        return FALSE;
      if (local == NULL && (local = g_socket_get_local_address (sock, error)) == NULL)
        return FALSE;
    }
  if (server->shards)
    baton_shards_start (server->shards);

  /* The sessions restored from the store (baton_live_restore ()) got their
   * grace period when they were loaded; it starts anew now that agents can
   * reach us: setting up the listeners takes seconds on a slow machine (1,024
   * shards; under ASan at load 30, a resume three seconds into a 0.1 time
   * scale was seen to fail), which must not come out of the agents' 30 s. */
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, server->sessions);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        BatonSession *session = value;

        if (session->conn == NULL && session->grace_source != 0)
          baton_session_start_grace (server, session);
      }
  }

  {
    if (out_uri)
      {
        g_autofree char *addr_str = g_inet_address_to_string (
          g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
        const char *shown = strchr (host, ':') ? addr_str : host;
        gboolean v6 = strchr (shown, ':') != NULL;

        *out_uri = g_strdup_printf ("%s://%s%s%s:%u", server->tls ? "wss" : "ws",
                                    v6 ? "[" : "", shown, v6 ? "]" : "",
                                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
      }
  }
  return TRUE;
}

guint
baton_server_open_connections (BatonServer *server)
{
  return g_hash_table_size (server->connections);
}

guint
baton_server_shutdown (BatonServer *server)
{
  GHashTableIter iter;
  gpointer key;

  BatonSlow t = BATON_SLOW_START ();

  server->shutting_down = TRUE;
  g_hash_table_iter_init (&iter, server->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    baton_connection_close (key, BATON_CLOSE_SHUTDOWN, "server shutting down");
  BATON_SLOW_END ("shutdown: close every connection", t);
  return g_hash_table_size (server->connections);
}

void
baton_server_set_crash_after (BatonServer *server,
                              const char  *request_type)
{
  g_free (server->crash_after);
  server->crash_after = g_strdup (request_type);
}

void
baton_server_free (BatonServer *server)
{
  BatonSlow t = BATON_SLOW_START ();

  if (server == NULL)
    return;
  /* What a resume needs stays in the store for the next start. */
  if (server->live_dirty_sessions && server->store)
    baton_live_flush (server);
  server->live_frozen = TRUE;
  g_clear_handle_id (&server->live_source, g_source_remove);
  g_queue_clear_full (&server->held, (GDestroyNotify) held_frame_free);
  g_free (server->crash_after);
  if (server->soup)
    soup_server_disconnect (server->soup);
  if (server->shard_soups)
    g_ptr_array_foreach (server->shard_soups, (GFunc) soup_server_disconnect, NULL);
  if (server->connections)
    {
      GList *conns = g_hash_table_get_keys (server->connections);

      g_hash_table_remove_all (server->connections);
      g_list_free_full (conns, (GDestroyNotify) baton_connection_free);
    }
  BATON_SLOW_END ("free: the connections", t);
  t = BATON_SLOW_START ();
  /* Calls and transfers point at sessions: free them first. */
  g_clear_handle_id (&server->graveyard_source, g_source_remove);
  g_clear_handle_id (&server->expiry_source, g_source_remove);
  g_clear_handle_id (&server->liveness_source, g_source_remove);
  g_clear_handle_id (&server->keepalive_pump, g_source_remove);
  g_clear_pointer (&server->graveyard, g_ptr_array_unref);
  g_clear_pointer (&server->transfers, g_hash_table_destroy);
  g_clear_pointer (&server->calls, g_hash_table_destroy);
  g_clear_pointer (&server->user_calls, g_hash_table_destroy);
  g_clear_pointer (&server->sessions, g_hash_table_destroy);
  g_clear_pointer (&server->connections, g_hash_table_destroy);
  g_clear_pointer (&server->live_dirty_sessions, g_hash_table_destroy);
  g_clear_pointer (&server->live_dirty_calls, g_hash_table_destroy);
  if (server->router)
    server->router->vtable->free (server->router);
  BATON_SLOW_END ("free: calls, sessions", t);
  t = BATON_SLOW_START ();
  baton_store_free (server->store);
  BATON_SLOW_END ("free: the store", t);
  t = BATON_SLOW_START ();
  g_clear_pointer (&server->key, g_bytes_unref);
  g_clear_object (&server->soup);
  g_clear_pointer (&server->shard_soups, g_ptr_array_unref);
  g_clear_pointer (&server->shards, baton_shards_free);
  BATON_SLOW_END ("free: the shards", t);
  for (guint i = 0; i < BATON_KEEPALIVE_SLICES; i++)
    g_clear_pointer (&server->keepalive_ctx[i], g_main_context_unref);
  g_free (server);
}
