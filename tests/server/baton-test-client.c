/* baton-test-client.c: a raw protocol-v1 WebSocket client for server tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "baton-test-client.h"

#include <string.h>

struct _BatonTestClient
{
  SoupSession *session;
  SoupWebsocketConnection *ws;
  GQueue queue;          /* JsonObject* */
  gint64 next_id;
  char *session_id;
  gboolean closed;
  gushort close_code;
};

static gboolean
timeout_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
btc_run_for (guint ms)
{
  gboolean done = FALSE;
  guint id = g_timeout_add (ms, timeout_flag_cb, &done);

  while (!done)
    g_main_context_iteration (NULL, TRUE);
  (void) id;
}

static void
message_cb (SoupWebsocketConnection *ws,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  BatonTestClient *self = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  if (!json_parser_load_from_data (parser, data, (gssize) len, &error))
    g_error ("server sent invalid JSON: %s", error->message);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  if (g_test_verbose ())
    g_test_message ("← %.*s", (int) MIN (len, 300), data);
  g_queue_push_tail (&self->queue, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
}

static void
closed_cb (SoupWebsocketConnection *ws,
           gpointer                 user_data)
{
  BatonTestClient *self = user_data;

  self->closed = TRUE;
  self->close_code = soup_websocket_connection_get_close_code (ws);
}

typedef struct
{
  gboolean done;
  SoupWebsocketConnection *ws;
  GError *error;
} ConnectWait;

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  ConnectWait *w = user_data;

  w->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static gboolean
accept_certificate_cb (SoupMessage         *msg,
                       GTlsCertificate     *certificate,
                       GTlsCertificateFlags errors,
                       gpointer             user_data)
{
  /* the tests use a self-signed certificate */
  return TRUE;
}

static SoupMessage *
agent_message (const char *uri,
               const char *token)
{
  g_autofree char *http = NULL;
  SoupMessage *msg;

  if (g_str_has_prefix (uri, "ws://"))
    http = g_strconcat ("http://", uri + 5, "/v1/agent", NULL);
  else
    http = g_strconcat ("https://", uri + 6, "/v1/agent", NULL);
  msg = soup_message_new ("GET", http);
  g_assert_nonnull (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);
  if (token)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  return msg;
}

BatonTestClient *
btc_connect (const char *uri,
             const char *token,
             guint      *out_status)
{
  BatonTestClient *self;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = agent_message (uri, token);
  const char *protocols[] = { "baton.v1", NULL };
  ConnectWait w = { 0 };

  soup_session_websocket_connect_async (session, msg, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, NULL, connect_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  if (out_status)
    *out_status = soup_message_get_status (msg);
  if (w.ws == NULL)
    {
      g_clear_error (&w.error);
      return NULL;
    }

  self = g_new0 (BatonTestClient, 1);
  self->session = g_steal_pointer (&session);
  self->ws = w.ws;
  self->next_id = 1;
  g_queue_init (&self->queue);
  soup_websocket_connection_set_max_incoming_payload_size (self->ws, 1024 * 1024);
  g_signal_connect (self->ws, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (self->ws, "closed", G_CALLBACK (closed_cb), self);
  return self;
}

BatonTestClient *
btc_new_registered (const char *uri,
                    const char *token)
{
  guint status = 0;
  BatonTestClient *self = btc_connect (uri, token, &status);
  g_autoptr(JsonObject) reply = NULL;

  g_assert_nonnull (self);
  reply = btc_ok (self, "{'type':'register'}");
  self->session_id = g_strdup (btc_str (reply, "session_id"));
  return self;
}

void
btc_free (BatonTestClient *self)
{
  if (self == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->ws, self);
  if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_queue_clear_full (&self->queue, (GDestroyNotify) json_object_unref);
  g_clear_object (&self->ws);
  g_clear_object (&self->session);
  g_free (self->session_id);
  g_free (self);
}

guint
btc_http_get (const char *uri,
              const char *token,
              char      **out_body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = agent_message (uri, token);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (out_body)
    *out_body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return soup_message_get_status (msg);
}

static char *
quote (const char *format,
       va_list     args)
{
  char *text = g_strdup_vprintf (format, args);

  for (char *p = text; *p; p++)
    if (*p == '\'')
      *p = '"';
  return text;
}

static gint64
send_object (BatonTestClient *self,
             const char      *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *out = NULL;
  JsonObject *obj;
  gint64 id;

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("test bug: bad JSON %s: %s", text, error->message);
  obj = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (obj, "id"))
    id = json_object_get_int_member (obj, "id");
  else
    {
      id = self->next_id++;
      json_object_set_int_member (obj, "id", id);
    }
  if (id >= self->next_id)
    self->next_id = id + 1;
  node = json_node_init_object (json_node_alloc (), obj);
  out = json_to_string (node, FALSE);
  btc_send_raw (self, out);
  return id;
}

gint64
btc_send (BatonTestClient *self,
          const char      *json_format,
          ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, json_format);
  text = quote (json_format, args);
  va_end (args);
  return send_object (self, text);
}

void
btc_send_raw (BatonTestClient *self,
              const char      *text)
{
  if (g_test_verbose ())
    g_test_message ("→ %.300s", text);
  soup_websocket_connection_send_text (self->ws, text);
}

void
btc_send_raw_len (BatonTestClient *self,
                  const char      *data,
                  gsize            length)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, length);

  soup_websocket_connection_send_message (self->ws, SOUP_WEBSOCKET_DATA_TEXT, bytes);
}

void
btc_send_binary (BatonTestClient *self,
                 const char      *data,
                 gsize            length)
{
  soup_websocket_connection_send_binary (self->ws, data, length);
}

typedef gboolean (*Match) (JsonObject *obj, gconstpointer data);

static JsonObject *
wait_for (BatonTestClient *self,
          Match            match,
          gconstpointer    data,
          guint            timeout_ms,
          const char      *what)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add (timeout_ms, timeout_flag_cb, &timed_out);
  JsonObject *found = NULL;

  for (;;)
    {
      for (GList *l = self->queue.head; l; l = l->next)
        if (match (l->data, data))
          {
            found = l->data;
            g_queue_delete_link (&self->queue, l);
            break;
          }
      if (found || timed_out || self->closed)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  if (!timed_out)
    g_source_remove (source);
  if (found == NULL && what != NULL)
    g_error ("did not receive %s within %u ms%s", what, timeout_ms,
             self->closed ? " (connection closed)" : "");
  return found;
}

static gboolean
match_reply (JsonObject    *obj,
             gconstpointer  data)
{
  JsonNode *re = json_object_get_member (obj, "re");

  return re && JSON_NODE_HOLDS_VALUE (re) && json_node_get_int (re) == *(const gint64 *) data;
}

JsonObject *
btc_queued_reply (BatonTestClient *self,
                  gint64           id)
{
  for (GList *l = self->queue.head; l; l = l->next)
    if (match_reply (l->data, &id))
      {
        JsonObject *found = l->data;

        g_queue_delete_link (&self->queue, l);
        return found;
      }
  return NULL;
}

static gboolean
match_null_reply (JsonObject    *obj,
                  gconstpointer  data)
{
  JsonNode *re = json_object_get_member (obj, "re");

  return re && JSON_NODE_HOLDS_NULL (re);
}

static gboolean
match_event (JsonObject    *obj,
             gconstpointer  data)
{
  return !json_object_has_member (obj, "re") &&
         (data == NULL || g_strcmp0 (btc_str (obj, "type"), data) == 0);
}

static gboolean
match_ended (JsonObject    *obj,
             gconstpointer  data)
{
  return match_event (obj, "call.ended") && g_strcmp0 (btc_str (obj, "call_id"), data) == 0;
}

JsonObject *
btc_wait_reply (BatonTestClient *self,
                gint64           id)
{
  g_autofree char *what = g_strdup_printf ("the reply to request %" G_GINT64_FORMAT, id);

  return wait_for (self, match_reply, &id, BTC_TIMEOUT_MS, what);
}

JsonObject *
btc_wait_null_reply (BatonTestClient *self)
{
  return wait_for (self, match_null_reply, NULL, BTC_TIMEOUT_MS, "an error with re null");
}

static JsonObject *
check_ok (JsonObject *reply,
          const char *request)
{
  if (g_strcmp0 (btc_str (reply, "type"), "ok") != 0)
    g_error ("request %s failed: %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " %s", request,
             btc_int (reply, "code"), btc_int (reply, "subcode"), btc_str (reply, "message"));
  return reply;
}

JsonObject *
btc_ok (BatonTestClient *self,
        const char      *json_format,
        ...)
{
  va_list args;
  g_autofree char *text = NULL;
  gint64 id;

  va_start (args, json_format);
  text = quote (json_format, args);
  va_end (args);
  id = send_object (self, text);
  return check_ok (btc_wait_reply (self, id), text);
}

void
btc_error (BatonTestClient *self,
           int              code,
           int              subcode,
           const char      *json_format,
           ...)
{
  va_list args;
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) reply = NULL;
  gint64 id;

  va_start (args, json_format);
  text = quote (json_format, args);
  va_end (args);
  id = send_object (self, text);
  reply = btc_wait_reply (self, id);
  if (g_strcmp0 (btc_str (reply, "type"), "error") != 0)
    g_error ("request %s succeeded, expected %d/%d", text, code, subcode);
  if (btc_int (reply, "code") != code || btc_int (reply, "subcode") != subcode)
    g_error ("request %s: got %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " (%s), expected %d/%d",
             text, btc_int (reply, "code"), btc_int (reply, "subcode"),
             btc_str (reply, "message"), code, subcode);
}

JsonObject *
btc_wait_event_timeout (BatonTestClient *self,
                        const char      *type,
                        guint            timeout_ms)
{
  g_autofree char *what = g_strdup_printf ("event %s", type);

  return wait_for (self, match_event, type, timeout_ms, what);
}

JsonObject *
btc_wait_event (BatonTestClient *self,
                const char      *type)
{
  return btc_wait_event_timeout (self, type, BTC_TIMEOUT_MS);
}

void
btc_wait_ended (BatonTestClient *self,
                const char      *call_id,
                int              code,
                int              subcode)
{
  g_autofree char *what = g_strdup_printf ("call.ended of %s", call_id);
  g_autoptr(JsonObject) ev = wait_for (self, match_ended, call_id, BTC_TIMEOUT_MS, what);

  if (btc_int (ev, "code") != code || btc_int (ev, "subcode") != subcode)
    g_error ("call.ended %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " (%s), expected %d/%d",
             btc_int (ev, "code"), btc_int (ev, "subcode"), btc_str (ev, "message"), code, subcode);
}

void
btc_assert_no_event (BatonTestClient *self,
                     const char      *type)
{
  g_autoptr(JsonObject) pong = btc_ok (self, "{'type':'ping'}");
  JsonObject *found = wait_for (self, match_event, type, 1, NULL);

  if (found)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), found);
      g_autofree char *text = json_to_string (node, FALSE);

      g_error ("unexpected event: %s", text);
    }
}

void
btc_drain (BatonTestClient *self)
{
  g_queue_clear_full (&self->queue, (GDestroyNotify) json_object_unref);
  g_queue_init (&self->queue);
}

gushort
btc_wait_closed (BatonTestClient *self,
                 guint            timeout_ms)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add (timeout_ms, timeout_flag_cb, &timed_out);

  while (!self->closed && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (source);
  if (!self->closed)
    g_error ("the server did not close the connection within %u ms", timeout_ms);
  return self->close_code;
}

gboolean
btc_is_open (BatonTestClient *self)
{
  return !self->closed && soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN;
}

void
btc_close (BatonTestClient *self,
           gushort          code)
{
  soup_websocket_connection_close (self->ws, code, NULL);
  while (!self->closed)
    g_main_context_iteration (NULL, TRUE);
}

const char *
btc_session_id (BatonTestClient *self)
{
  return self->session_id;
}

SoupWebsocketConnection *
btc_ws (BatonTestClient *self)
{
  return self->ws;
}

gint64
btc_next_id (BatonTestClient *self)
{
  return self->next_id;
}

void
btc_set_next_id (BatonTestClient *self,
                 gint64           id)
{
  self->next_id = id;
}

const char *
btc_str (JsonObject *obj,
         const char *member)
{
  JsonNode *n = json_object_get_member (obj, member);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

gint64
btc_int (JsonObject *obj,
         const char *member)
{
  JsonNode *n = json_object_get_member (obj, member);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return G_MININT64;
  return json_node_get_int (n);
}

gboolean
btc_bool (JsonObject *obj,
          const char *member)
{
  JsonNode *n = json_object_get_member (obj, member);

  g_assert_nonnull (n);
  g_assert_true (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_BOOLEAN);
  return json_node_get_boolean (n);
}
