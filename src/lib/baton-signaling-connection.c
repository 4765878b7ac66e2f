/* baton-signaling-connection.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton-Signaling"

#include "config.h"

#include <libsoup/soup.h>

#include "baton-error-private.h"
#include "baton-log-private.h"
#include "baton-signaling-connection-private.h"
#include "baton-token-credential-private.h"

#include <string.h>

/* The largest message the service takes (docs/PROTOCOL.md § 1) */
#define MAX_MESSAGE_SIZE 65536

struct _BatonSignalingConnection
{
  GObject                  parent_instance;

  SoupSession             *session;
  SoupWebsocketConnection *ws;
  GTlsCertificate         *extra_ca;
  GHashTable              *pending;   /* id → GTask */
  gint64                   last_id;
  gboolean                 closed;
  gboolean                 closing;  /* close () called: replies still due are not awaited */
};

G_DEFINE_FINAL_TYPE (BatonSignalingConnection, baton_signaling_connection, G_TYPE_OBJECT)

enum {
  EVENT,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
baton_json_get_string (JsonObject *object,
                       const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
baton_json_get_int (JsonObject *object,
                    const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return 0;
  node = json_object_get_member (object, member);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

gboolean
baton_json_get_bool (JsonObject *object,
                     const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return FALSE;
  node = json_object_get_member (object, member);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  return json_node_get_boolean (node);
}

JsonObject *
baton_json_get_object (JsonObject *object,
                       const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

JsonArray *
baton_json_get_array (JsonObject *object,
                      const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

static void
fail_pending (BatonSignalingConnection *self,
              BatonError                code,
              const char               *message)
{
  g_autoptr(GHashTable) pending = g_steal_pointer (&self->pending);
  GHashTableIter iter;
  gpointer value;

  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);

  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_task_return_new_error (G_TASK (value), BATON_ERROR, code, "%s", message);
}

static void
baton_signaling_connection_dispose (GObject *object)
{
  BatonSignalingConnection *self = (BatonSignalingConnection *)object;

  if (self->ws)
    {
      g_signal_handlers_disconnect_by_data (self->ws, self);
      if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_clear_object (&self->ws);
  if (self->pending)
    fail_pending (self, BATON_ERROR_CONNECTION,
                "The connection to the calling service was lost");
  g_clear_object (&self->session);
  g_clear_object (&self->extra_ca);

  G_OBJECT_CLASS (baton_signaling_connection_parent_class)->dispose (object);
}

static void
baton_signaling_connection_finalize (GObject *object)
{
  BatonSignalingConnection *self = (BatonSignalingConnection *)object;

  g_clear_pointer (&self->pending, g_hash_table_unref);

  G_OBJECT_CLASS (baton_signaling_connection_parent_class)->finalize (object);
}

static void
baton_signaling_connection_class_init (BatonSignalingConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = baton_signaling_connection_dispose;
  object_class->finalize = baton_signaling_connection_finalize;

  signals[EVENT] =
    g_signal_new ("event",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_OBJECT);

  signals[CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
baton_signaling_connection_init (BatonSignalingConnection *self)
{
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

static void
handle_reply (BatonSignalingConnection *self,
              JsonObject               *message,
              const char               *type)
{
  g_autoptr(GTask) task = NULL;
  gint64 re = baton_json_get_int (message, "re");
  gpointer key, value;

  if (!g_hash_table_steal_extended (self->pending, &re, &key, &value))
    {
      if (self->closing)
        BATON_VERBOSE ("reply to request %" G_GINT64_FORMAT " after the close", re);
      else if (g_strcmp0 (type, "error") == 0)
        BATON_WARNING ("service error for an unknown request: %u/%u %s",
                       (guint) baton_json_get_int (message, "code"),
                       (guint) baton_json_get_int (message, "subcode"),
                       baton_json_get_string (message, "message"));
      return;
    }
  g_free (key);
  task = value;

  if (g_strcmp0 (type, "ok") == 0)
    {
      g_task_return_pointer (task, json_object_ref (message), (GDestroyNotify) json_object_unref);
    }
  else
    {
      guint code = baton_json_get_int (message, "code");
      guint subcode = baton_json_get_int (message, "subcode");

      BATON_VERBOSE ("request %" G_GINT64_FORMAT " failed: %u/%u %s", re, code, subcode,
                     baton_json_get_string (message, "message"));
      g_task_return_error (task, baton_error_new_service (baton_error_code_for_service (code),
                                                         code, subcode,
                                                         baton_json_get_string (message, "message")));
    }
}

static void
message_cb (SoupWebsocketConnection *ws,
            gint                     data_type,
            GBytes                  *message,
            gpointer                 user_data)
{
  BatonSignalingConnection *self = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) hold = g_object_ref (G_OBJECT (self));
  JsonNode *root;
  JsonObject *object;
  const char *type;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  if (data_type != SOUP_WEBSOCKET_DATA_TEXT ||
      !json_parser_load_from_data (parser, data, len, &error))
    {
      BATON_WARNING ("ignoring a message from the service that is not JSON text");
      return;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      BATON_WARNING ("ignoring a message from the service that is not an object");
      return;
    }
  object = json_node_get_object (root);
  type = baton_json_get_string (object, "type");
  if (type == NULL)
    {
      BATON_WARNING ("ignoring a message from the service without type");
      return;
    }

  if (json_object_has_member (object, "re"))
    {
      BATON_VERBOSE ("← %s re=%" G_GINT64_FORMAT, type, baton_json_get_int (object, "re"));
      handle_reply (self, object, type);
    }
  else
    {
      BATON_VERBOSE ("← %s seq=%" G_GINT64_FORMAT " %s", type, baton_json_get_int (object, "seq"),
                     baton_json_get_string (object, "call_id") ?: "");
      g_signal_emit (self, signals[EVENT], 0, object);
    }
}

static void
closed_cb (SoupWebsocketConnection *ws,
           gpointer                 user_data)
{
  BatonSignalingConnection *self = user_data;
  g_autoptr(GObject) hold = g_object_ref (G_OBJECT (self));
  guint code = soup_websocket_connection_get_close_code (ws);

  if (self->closed)
    return;
  self->closed = TRUE;

  BATON_INFO ("connection to the service closed (code %u)", code);
  fail_pending (self, BATON_ERROR_CONNECTION,
                "The connection to the calling service was lost");
  g_signal_emit (self, signals[CLOSED], 0, code);
}

static void
error_cb (SoupWebsocketConnection *ws,
          GError                  *error,
          gpointer                 user_data)
{
  BATON_INFO ("connection error: %s", error->message);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  GTlsCertificate *extra_ca = user_data;
  GUri *uri = soup_message_get_uri (msg);
  g_autoptr(GSocketConnectable) identity = NULL;
  GTlsCertificateFlags flags;

  identity = g_network_address_new (g_uri_get_host (uri), g_uri_get_port (uri));
  flags = g_tls_certificate_verify (certificate, identity, extra_ca);
  if (flags != 0)
    BATON_WARNING ("the service's certificate is not trusted by the extra CA (flags 0x%x)", flags);
  return flags == 0;
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BatonSignalingConnection *self = g_task_get_source_object (task);
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  self->ws = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (self->ws == NULL)
    {
      guint status = soup_message_get_status (msg);

      if (status == SOUP_STATUS_UNAUTHORIZED)
        g_task_return_error (task, baton_error_new_service (BATON_ERROR_INVALID_TOKEN, 401, 0,
                                                           "The token is invalid or expired"));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, BATON_ERROR, BATON_ERROR_CONNECTION,
                                 "Could not connect to the calling service: %s%s%s",
                                 error->message,
                                 status ? " — HTTP " : "",
                                 status ? soup_status_get_phrase (status) : "");
      return;
    }

  soup_websocket_connection_set_keepalive_interval (self->ws, 0);
  soup_websocket_connection_set_max_incoming_payload_size (self->ws, 65536 * 2);
  g_signal_connect (self->ws, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (self->ws, "closed", G_CALLBACK (closed_cb), self);
  g_signal_connect (self->ws, "error", G_CALLBACK (error_cb), self);

  BATON_INFO ("connected to the calling service");
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

void
baton_signaling_connection_new_async (const char          *server_uri,
                                      const char          *token,
                                      const char          *tls_ca_file,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(BatonSignalingConnection) self = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *clean_token = NULL;
  g_autoptr(GUri) parsed = NULL;
  const char *protocols[] = { "baton.v1", NULL };

  self = g_object_new (BATON_TYPE_SIGNALING_CONNECTION, NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, baton_signaling_connection_new_async);

  if (server_uri == NULL ||
      !(g_str_has_prefix (server_uri, "ws://") || g_str_has_prefix (server_uri, "wss://")))
    {
      g_task_return_new_error (task, BATON_ERROR, BATON_ERROR_CONNECTION,
                               "The server URI must start with ws:// or wss://");
      return;
    }

  parsed = g_uri_parse (server_uri, G_URI_FLAGS_NONE, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0')
    {
      g_task_return_new_error (task, BATON_ERROR, BATON_ERROR_CONNECTION,
                               "The server URI is not valid: it needs a host, as in ws://HOST:PORT");
      return;
    }

  clean_token = baton_token_credential_clean (token, &error);
  if (clean_token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_str_has_suffix (server_uri, "/v1/agent"))
    uri = g_strdup (server_uri);
  else if (g_str_has_suffix (server_uri, "/"))
    uri = g_strconcat (server_uri, "v1/agent", NULL);
  else
    uri = g_strconcat (server_uri, "/v1/agent", NULL);

  msg = soup_message_new ("GET", uri);
  if (msg == NULL)
    {
      g_task_return_new_error (task, BATON_ERROR, BATON_ERROR_CONNECTION,
                               "The server URI is not valid");
      return;
    }

  if (tls_ca_file != NULL && *tls_ca_file != '\0')
    {
      self->extra_ca = g_tls_certificate_new_from_file (tls_ca_file, &error);
      if (self->extra_ca == NULL)
        {
          g_task_return_new_error (task, BATON_ERROR, BATON_ERROR_CONNECTION,
                                   "Could not read the CA file: %s", error->message);
          return;
        }
      g_signal_connect_object (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb),
                               self->extra_ca, 0);
    }

  auth = g_strconcat ("Bearer ", clean_token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);

  self->session = soup_session_new_with_options ("timeout", 15, "idle-timeout", 0, NULL);
  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);

  BATON_INFO ("connecting to %s", uri);
  soup_session_websocket_connect_async (self->session, msg, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, cancellable,
                                        connect_cb, g_steal_pointer (&task));
}

BatonSignalingConnection *
baton_signaling_connection_new_finish (GAsyncResult  *result,
                                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
baton_signaling_connection_request_async (BatonSignalingConnection *self,
                                          JsonObject               *message,
                                          GCancellable             *cancellable,
                                          GAsyncReadyCallback       callback,
                                          gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) owned = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gint64 id;

  g_return_if_fail (BATON_IS_SIGNALING_CONNECTION (self));
  g_return_if_fail (message != NULL);

  /* the caller's reference (the node below takes one of its own): each
   * request's message leaked before */
  owned = message;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, baton_signaling_connection_request_async);

  if (!baton_signaling_connection_is_open (self))
    {
      g_task_return_new_error (task, BATON_ERROR, BATON_ERROR_CONNECTION,
                               "Not connected to the calling service");
      return;
    }

  id = ++self->last_id;
  json_object_set_int_member (message, "id", id);
  root = json_node_init_object (json_node_alloc (), message);
  text = json_to_string (root, FALSE);

  /* The service closes the connection on a larger message (1009), which
   * would end every call of the agent for the sake of one request (a huge
   * user id typed in, say): that request alone fails instead. */
  if (strlen (text) > MAX_MESSAGE_SIZE)
    {
      BATON_WARNING ("not sending a %s of %" G_GSIZE_FORMAT " bytes: the service takes at most %u",
                     baton_json_get_string (message, "type"), strlen (text), MAX_MESSAGE_SIZE);
      g_task_return_error (task, baton_error_new_service (BATON_ERROR_SERVICE, 400, 10012,
                                                          "The request is too large for the calling service"));
      return;
    }

  BATON_VERBOSE ("→ %s id=%" G_GINT64_FORMAT " %s", baton_json_get_string (message, "type"), id,
                 baton_json_get_string (message, "call_id") ?: "");
  g_hash_table_insert (self->pending, g_memdup2 (&id, sizeof id), g_steal_pointer (&task));
  soup_websocket_connection_send_text (self->ws, text);
}

JsonObject *
baton_signaling_connection_request_finish (BatonSignalingConnection  *self,
                                           GAsyncResult              *result,
                                           GError                   **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
baton_signaling_connection_is_open (BatonSignalingConnection *self)
{
  return !self->closed && self->ws != NULL &&
         soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN;
}

void
baton_signaling_connection_close (BatonSignalingConnection *self)
{
  g_return_if_fail (BATON_IS_SIGNALING_CONNECTION (self));

  /* Closed on purpose (a shutdown): what waits for a reply fails as
   * "not connected", not as a lost connection. */
  self->closing = TRUE;
  fail_pending (self, BATON_ERROR_NOT_CONNECTED,
                "Not connected to the calling service: the agent closed its connection");
  if (self->ws && soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, "goodbye");
  else
    closed_cb (self->ws, self);
}
