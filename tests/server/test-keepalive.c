/* test-keepalive.c: dead connections are found by the keep-alive (PROTOCOL.md § 1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A "dead" agent here is a real TCP connection that did the WebSocket
 * handshake and registered, then stops reading and writing — what the server
 * sees of a peer whose network vanished or whose process froze: no FIN, no
 * RST, no pong. It is written by hand (a few raw frames) because every
 * WebSocket library answers pings by itself.
 *
 * With --time-scale 0.05 the ping interval is 1 s (the interval is whole
 * seconds), a connection silent for 3 intervals is lost, and the grace
 * period is 1.5 s.
 */
#include "server-fixture.h"

#include <string.h>

typedef struct
{
  GSocketConnection *conn;
  GSocket *sock;
  char *session_id;
} RawAgent;

static void
raw_agent_free (RawAgent *raw)
{
  g_clear_object (&raw->conn);
  g_free (raw->session_id);
  g_free (raw);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawAgent, raw_agent_free)

static void
raw_write (RawAgent   *raw,
           const void *data,
           gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (raw->conn)),
                                            data, len, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
raw_read_exact (RawAgent *raw,
                guint8   *buf,
                gsize     len)
{
  g_autoptr(GError) error = NULL;
  gsize got = 0;

  g_assert_true (g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (raw->conn)),
                                          buf, len, &got, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, len);
}

/* A masked text frame, as a client must send it. */
static void
raw_send_text (RawAgent   *raw,
               const char *text)
{
  gsize len = strlen (text);
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  guint8 head[4] = { 0x81, 0, 0, 0 };
  guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };

  g_assert_cmpuint (len, <, 65536);
  if (len < 126)
    {
      head[1] = 0x80 | len;
      g_byte_array_append (frame, head, 2);
    }
  else
    {
      head[1] = 0x80 | 126;
      head[2] = len >> 8;
      head[3] = len & 0xff;
      g_byte_array_append (frame, head, 4);
    }
  g_byte_array_append (frame, mask, 4);
  for (gsize i = 0; i < len; i++)
    {
      guint8 b = text[i] ^ mask[i % 4];

      g_byte_array_append (frame, &b, 1);
    }
  raw_write (raw, frame->data, frame->len);
}

/* Reads one frame; returns its opcode and the payload (text) in *out. */
static guint
raw_read_frame (RawAgent  *raw,
                char     **out)
{
  guint8 head[2];
  guint64 len;
  char *payload;

  raw_read_exact (raw, head, 2);
  g_assert_false (head[1] & 0x80); /* the server does not mask */
  len = head[1] & 0x7f;
  if (len == 126)
    {
      guint8 ext[2];

      raw_read_exact (raw, ext, 2);
      len = (ext[0] << 8) | ext[1];
    }
  else
    g_assert_cmpuint (len, <, 126);
  payload = g_malloc0 (len + 1);
  if (len)
    raw_read_exact (raw, (guint8 *) payload, len);
  *out = payload;
  return head[0] & 0x0f;
}

/* Reads frames until a text frame; answers nothing (pings are skipped). */
static JsonObject *
raw_read_message (RawAgent *raw)
{
  for (;;)
    {
      g_autofree char *text = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (raw_read_frame (raw, &text) != 0x1)
        continue;
      g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
      return json_node_dup_object (json_parser_get_root (parser));
    }
}

/* Handshake and register by hand. */
static RawAgent *
raw_agent_new (Fixture    *f,
               const char *token)
{
  RawAgent *raw = g_new0 (RawAgent, 1);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) response = g_string_new (NULL);
  g_autofree char *request = NULL;
  g_autoptr(JsonObject) reply = NULL;

  raw->conn = g_socket_client_connect_to_host (client, "127.0.0.1",
                                               baton_test_server_get_port (f->server), NULL, &error);
  g_assert_no_error (error);
  raw->sock = g_socket_connection_get_socket (raw->conn);
  g_socket_set_timeout (raw->sock, 20);
  request = g_strdup_printf ("GET /v1/agent HTTP/1.1\r\n"
                             "Host: 127.0.0.1\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "Authorization: Bearer %s\r\n\r\n", token);
  raw_write (raw, request, strlen (request));
  while (!g_str_has_suffix (response->str, "\r\n\r\n"))
    {
      guint8 c;

      raw_read_exact (raw, &c, 1);
      g_string_append_c (response, c);
    }
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 101"));

  raw_send_text (raw, "{\"type\":\"register\",\"id\":1}");
  reply = raw_read_message (raw);
  g_assert_cmpstr (btc_str (reply, "type"), ==, "ok");
  raw->session_id = g_strdup (btc_str (reply, "session_id"));
  return raw;
}

/* Waits until the server closes the TCP connection (EOF), iterating the main
 * loop meanwhile so that the live test clients keep answering pings; the
 * frames before the EOF are pings. Bounded (20 s), not a timing assertion. */
static void
raw_wait_eof (RawAgent *raw)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint8 buf[4096];

  while (g_get_monotonic_time () < end)
    {
      if (g_socket_condition_check (raw->sock, G_IO_IN | G_IO_HUP | G_IO_ERR))
        {
          g_autoptr(GError) error = NULL;
          gssize n = g_socket_receive_with_blocking (raw->sock, (char *) buf, sizeof buf,
                                                     FALSE, NULL, &error);

          g_assert_no_error (error);
          if (n == 0)
            return;
        }
      else
        btc_run_for (20);
    }
  g_error ("the server did not drop the silent connection");
}

/* A dead agent in a call: the server finds it silent, drops the connection,
 * and when the grace period runs out the peer's call ends 410/10008. The
 * live peer, idle all that time but answering pings, stays connected. */
static void
test_dead_agent_call_ends (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(RawAgent) dead = raw_agent_new (f, f->alice);
  g_autoptr(BatonTestClient) b = fixture_connect (f, f->bob);
  g_autoptr(JsonObject) incoming = NULL;
  g_autoptr(JsonObject) ended = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) users = NULL;
  const char *call_id;

  raw_send_text (dead, "{\"type\":\"call.invite\",\"id\":2,\"to\":\"bob\",\"sdp\":\"v=0 offer\"}");
  reply = raw_read_message (dead);
  g_assert_cmpstr (btc_str (reply, "type"), ==, "ok");
  call_id = btc_str (reply, "call_id");
  incoming = btc_wait_event (b, "call.incoming");
  g_assert_cmpstr (btc_str (incoming, "call_id"), ==, call_id);
  btc_do (b, "{'type':'call.accept','call_id':'%s','sdp':'v=0 answer'}", call_id);

  /* from here alice's side reads and answers nothing; bob answers pings
   * whenever its main loop runs (it runs while bob waits) */
  ended = btc_wait_event_timeout (b, "call.ended", 20000);
  g_assert_nonnull (ended);
  g_assert_cmpstr (btc_str (ended, "call_id"), ==, call_id);
  g_assert_cmpint (btc_int (ended, "code"), ==, 410);
  g_assert_cmpint (btc_int (ended, "subcode"), ==, 10008);

  /* the server closed the dead connection; bob's is still fine */
  raw_wait_eof (dead);
  g_assert_true (btc_is_open (b));
  users = btc_ok (b, "{'type':'users.list','query':'alice'}");
  g_assert_false (btc_bool (json_array_get_object_element (json_object_get_array_member (users, "users"), 0),
                            "online"));
}

/* A dead agent that resumes from a new connection before its grace period
 * ends keeps its call: the loss is an ordinary connection loss (§ 3). */
static void
test_dead_agent_resumes (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(RawAgent) dead = raw_agent_new (f, f->alice);
  g_autoptr(BatonTestClient) b = fixture_connect (f, f->bob);
  g_autoptr(BatonTestClient) a2 = NULL;
  g_autoptr(JsonObject) incoming = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  g_autofree char *session = NULL;
  g_autofree char *call_id = NULL;

  raw_send_text (dead, "{\"type\":\"call.invite\",\"id\":2,\"to\":\"bob\",\"sdp\":\"v=0 offer\"}");
  reply = raw_read_message (dead);
  call_id = g_strdup (btc_str (reply, "call_id"));
  incoming = btc_wait_event (b, "call.incoming");
  btc_do (b, "{'type':'call.accept','call_id':'%s','sdp':'v=0 answer'}", call_id);
  session = g_strdup (dead->session_id);
  g_assert_nonnull (session);

  raw_wait_eof (dead); /* found dead and dropped */
  a2 = btc_connect (baton_test_server_get_uri (f->server), f->alice, NULL);
  resumed = btc_ok (a2, "{'type':'register','resume':{'session_id':'%s','calls':['%s']}}", session, call_id);
  g_assert_cmpstr (btc_str (resumed, "session_id"), ==, session);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (resumed, "calls")), ==, 1);
  btc_do (a2, "{'type':'call.hangup','call_id':'%s'}", call_id);
  btc_wait_ended (b, call_id, 0, 0);
}

/* Like raw_send_text for a short text, but the connection may be gone: the
 * error is ignored (the test looks at the outcome elsewhere). */
static void
raw_try_send_text (RawAgent   *raw,
                   const char *text)
{
  gsize len = strlen (text);
  guint8 frame[6 + 125] = { 0x81, 0x80, 0x12, 0x34, 0x56, 0x78 };

  g_assert_cmpuint (len, <, 126);
  frame[1] = 0x80 | len;
  for (gsize i = 0; i < len; i++)
    frame[6 + i] = text[i] ^ frame[2 + i % 4];
  g_socket_send (raw->sock, (const char *) frame, 6 + len, NULL, NULL);
}

static gboolean
is_online (BatonTestClient *asker,
           const char      *user)
{
  g_autoptr(JsonObject) users = btc_ok (asker, "{'type':'users.list','query':'%s'}", user);

  return btc_bool (json_array_get_object_element (json_object_get_array_member (users, "users"), 0),
                   "online");
}

/* An agent that keeps sending (so it is not silent) but never reads: what it
 * is sent would pile up in the server's memory without end (libsoup queues
 * it). Past 1 MiB queued beyond what its TCP took, the server drops it as
 * lost (PROTOCOL.md § 8); its session goes into the grace period. Without
 * that, 36 MB of SDP relayed to it leave it online. */
static void
test_non_reading_agent_dropped (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(RawAgent) deaf = raw_agent_new (f, f->alice);
  g_autoptr(BatonTestClient) b = fixture_connect (f, f->bob);
  g_autoptr(JsonObject) incoming = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *sdp = g_strnfill (60000, 'x');
  g_autofree char *call_id = NULL;
  gboolean dropped = FALSE;
  gint64 id = 3;

  raw_send_text (deaf, "{\"type\":\"call.invite\",\"id\":2,\"to\":\"bob\",\"sdp\":\"v=0 offer\"}");
  reply = raw_read_message (deaf);
  call_id = g_strdup (btc_str (reply, "call_id"));
  incoming = btc_wait_event (b, "call.incoming");
  btc_do (b, "{'type':'call.accept','call_id':'%s','sdp':'v=0 answer'}", call_id);
  g_assert_true (is_online (b, "alice"));

  /* from here alice reads nothing but sends a request every ~0.2 s; bob
   * sends 60 kB SDPs at ~45 a second (under the rate limit) */
  for (guint i = 0; i < 600 && !dropped; i++)
    {
      btc_do (b, "{'type':'sdp','call_id':'%s','sdp_type':'offer','sdp':'%s'}", call_id, sdp);
      if (i % 10 == 9)
        {
          g_autofree char *ping = g_strdup_printf ("{\"type\":\"ping\",\"id\":%" G_GINT64_FORMAT "}", id++);

          raw_try_send_text (deaf, ping);
          dropped = !is_online (b, "alice");
        }
      btc_run_for (20);
    }
  g_assert_true (dropped);
  /* a connection loss, not an end: the call waits for alice's resume */
  btc_assert_no_event (b, "call.ended");
  g_assert_true (btc_is_open (b));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  FIXTURE_TEST ("/Baton/Server/KeepAlive/dead-agent-call-ends", test_dead_agent_call_ends);
  FIXTURE_TEST ("/Baton/Server/KeepAlive/dead-agent-resumes", test_dead_agent_resumes);
  FIXTURE_TEST ("/Baton/Server/KeepAlive/non-reading-agent-dropped", test_non_reading_agent_dropped);
  return g_test_run ();
}
