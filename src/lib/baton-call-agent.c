/* baton-call-agent.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton-Agent"

#include "config.h"

#include <string.h>

#include "baton-call-agent-private.h"
#include "baton-call-private.h"
#include "baton-enum-types.h"
#include "baton-error-private.h"
#include "baton-forwarding-settings-private.h"
#include "baton-incoming-call-private.h"
#include "baton-log-private.h"
#include "baton-signaling-connection-private.h"
#include "baton-token-credential-private.h"
#include "baton-transfer-private.h"
#include "baton-user-private.h"
#include "baton-util-private.h"

/* Reconnection schedule: 0.25 s, 0.5 s, 1 s, 2 s, then every 4 s, ten
 * attempts in all: the last one starts about 28 s after the loss, inside
 * the service's 30 s grace period (docs/PROTOCOL.md § 3). */
#define RECONNECT_FIRST_DELAY_MS 250
#define RECONNECT_MAX_DELAY_MS   4000
#define RECONNECT_ATTEMPTS       10

/* The longest display name the service takes, in bytes */
#define DISPLAY_NAME_MAX_LENGTH  256

/**
 * BatonCallAgent:
 *
 * One connection of a user to the calling service, made by
 * [method@CallClient.create_call_agent_async].
 *
 * The agent places calls ([method@CallAgent.start_call]), announces incoming
 * ones ([signal@CallAgent::incoming-call]) and keeps the list of calls in
 * progress ([property@CallAgent:calls]).
 *
 * When the connection to the service is lost, the agent reconnects with
 * backoff (0.25 s doubling up to 4 s, ten attempts, about 28 s in all) and
 * resumes its session: calls keep their media and their state meanwhile, and
 * the agent stays %BATON_CONNECTION_STATE_CONNECTED. Only when every attempt
 * failed does it become %BATON_CONNECTION_STATE_DISCONNECTED with
 * %BATON_DISCONNECT_REASON_CONNECTION_ISSUE. An invalid or expired token
 * disconnects at once with %BATON_DISCONNECT_REASON_INVALID_TOKEN, without
 * retrying.
 */
struct _BatonCallAgent
{
  GObject                   parent_instance;

  BatonDeviceManager       *devices;
  BatonTokenCredential     *credential;
  BatonCallAgentOptions    *options;

  BatonSignalingConnection *connection;
  BatonConnectionState      state;
  BatonDisconnectReason     reason;
  char                     *user_id;
  char                     *display_name;
  char                     *session_id;
  gboolean                  accept_transfers;

  /* Tokens: the one the current (or last) connection was opened with or
   * the service took in a token.refresh, and one it refused (another
   * user's, expired, …), which must not be used to reconnect. */
  char                     *connection_token;
  char                     *accepted_token;
  char                     *refused_token;

  GListStore               *calls;
  GHashTable               *call_table;     /* id → BatonCall (unowned; the list owns) */
  GHashTable               *incoming_table; /* id → BatonIncomingCall */
  GListStore               *incoming;       /* the same, in arrival order */
  GHashTable               *transfers;      /* id → BatonTransfer */

  GQueue                    queue;          /* GTask waiting for the reconnection */
  gboolean                  registered;
  gboolean                  reconnecting;
  gboolean                  token_expired;
  gboolean                  shut_down;
  guint                     attempt;
  GSource                  *reconnect_source;
  GCancellable             *cancellable;
  GMainContext             *context;        /* where the agent was made */

  guint                     first_delay_ms;
  guint                     max_delay_ms;
  guint                     attempts;
};

G_DEFINE_FINAL_TYPE (BatonCallAgent, baton_call_agent, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTION_STATE,
  PROP_DISCONNECT_REASON,
  PROP_USER_ID,
  PROP_DISPLAY_NAME,
  PROP_CALLS,
  PROP_INCOMING_CALLS,
  PROP_ACCEPT_TRANSFERS,
  N_PROPS
};

enum {
  CONNECTION_STATE_CHANGED,
  INCOMING_CALL,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_reconnect (BatonCallAgent *self);
static void register_async (BatonCallAgent *self, gboolean resume, GTask *task);

static void
set_connection_state (BatonCallAgent        *self,
                      BatonConnectionState   state,
                      BatonDisconnectReason  reason)
{
  BatonConnectionState old_state = self->state;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->reason != reason)
    {
      self->reason = reason;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCONNECT_REASON]);
    }
  if (old_state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION_STATE]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  if (old_state != state)
    {
      BATON_INFO ("agent %s: %s (reason %u)", self->user_id ? self->user_id : "(new)",
                  state == BATON_CONNECTION_STATE_CONNECTED ? "connected" : "disconnected",
                  reason);
      g_signal_emit (self, signals[CONNECTION_STATE_CHANGED], 0, old_state, state, reason);
    }
}

static JsonObject *
new_message (const char *type)
{
  JsonObject *message = json_object_new ();

  json_object_set_string_member (message, "type", type);
  return message;
}

/* Calls */

BatonCall *
baton_call_agent_find_call (BatonCallAgent *self,
                            const char     *call_id)
{
  if (call_id == NULL)
    return NULL;
  return g_hash_table_lookup (self->call_table, call_id);
}

void
baton_call_agent_add_call (BatonCallAgent *self,
                           BatonCall      *call)
{
  g_list_store_append (self->calls, call);
  if (baton_call_get_id (call))
    baton_call_agent_index_call (self, call);
}

void
baton_call_agent_index_call (BatonCallAgent *self,
                             BatonCall      *call)
{
  g_hash_table_insert (self->call_table, g_strdup (baton_call_get_id (call)), call);
}

void
baton_call_agent_call_ended (BatonCallAgent *self,
                             BatonCall      *call)
{
  guint position;
  const char *id = baton_call_get_id (call);

  if (id && g_hash_table_lookup (self->call_table, id) == call)
    g_hash_table_remove (self->call_table, id);
  if (g_list_store_find (self->calls, call, &position))
    g_list_store_remove (self->calls, position);
}

void
baton_call_agent_incoming_done (BatonCallAgent *self,
                                const char     *call_id)
{
  BatonIncomingCall *incoming;
  guint position;

  if (call_id == NULL || (incoming = g_hash_table_lookup (self->incoming_table, call_id)) == NULL)
    return;
  if (self->incoming != NULL && g_list_store_find (self->incoming, incoming, &position))
    g_list_store_remove (self->incoming, position);
  g_hash_table_remove (self->incoming_table, call_id);
}

void
baton_call_agent_hold_others (BatonCallAgent *self,
                              BatonCall      *except,
                              const char     *except_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);

      if (call == except || (except_id && g_strcmp0 (baton_call_get_id (call), except_id) == 0))
        continue;
      if (baton_call_is_active (call))
        {
          BATON_INFO ("putting call %s on hold", baton_call_get_id (call));
          baton_call_hold_async (call, NULL, NULL, NULL);
        }
    }
}

void
baton_call_agent_add_transfer (BatonCallAgent *self,
                               BatonTransfer  *transfer)
{
  g_hash_table_insert (self->transfers, g_strdup (baton_transfer_get_transfer_id (transfer)),
                       g_object_ref (transfer));
}

/* "{call_id}" in the options' audio-source/-sink becomes @call_id. */
static char *
expand_audio (const char *description,
              const char *call_id)
{
  g_auto(GStrv) parts = NULL;

  if (description == NULL)
    return NULL;
  parts = g_strsplit (description, "{call_id}", -1);
  return g_strjoinv (call_id, parts);
}

/* @call_id: the call's id, or NULL for an outgoing call that has none yet
 * (then a local one stands in for it in the audio descriptions) */
BatonMediaSession *
baton_call_agent_create_media_session (BatonCallAgent *self,
                                       const char     *call_id)
{
  static guint local_ids;
  g_autofree char *local_id = NULL;
  g_autofree char *source = NULL;
  g_autofree char *sink = NULL;

  if (call_id == NULL)
    call_id = local_id = g_strdup_printf ("local-%u", (guint) g_atomic_int_add (&local_ids, 1));
  source = expand_audio (baton_call_agent_options_get_audio_source (self->options), call_id);
  sink = expand_audio (baton_call_agent_options_get_audio_sink (self->options), call_id);
  return baton_media_session_new_full (self->devices,
                                       baton_call_agent_options_get_ice_servers (self->options),
                                       source, sink);
}

gboolean
baton_call_agent_is_connected (BatonCallAgent *self)
{
  return self->state == BATON_CONNECTION_STATE_CONNECTED;
}

static void
end_everything (BatonCallAgent *self,
                guint           code,
                guint           subcode,
                const char     *message)
{
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GList) incoming = NULL;
  g_autoptr(GList) transfers = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (calls, g_list_model_get_item (G_LIST_MODEL (self->calls), i));
  for (guint i = 0; i < calls->len; i++)
    baton_call_end (g_ptr_array_index (calls, i), code, subcode, message);

  incoming = g_hash_table_get_values (self->incoming_table);
  g_list_foreach (incoming, (GFunc) g_object_ref, NULL);
  for (GList *l = incoming; l; l = l->next)
    {
      baton_incoming_call_end (l->data, code, subcode);
      g_object_unref (l->data);
    }

  /* A transfer in flight goes on at the service (TRANSFER.md), but this
   * agent will not hear how it ends: it fails here, with a failure code
   * even when the calls end normally (a shutdown). */
  transfers = g_hash_table_get_values (self->transfers);
  g_list_foreach (transfers, (GFunc) g_object_ref, NULL);
  g_hash_table_remove_all (self->transfers);
  for (GList *l = transfers; l; l = l->next)
    {
      if (code == 0)
        baton_transfer_fail (l->data, 410, 10008,
                             "The agent was shut down before the transfer finished");
      else
        baton_transfer_fail (l->data, code, subcode, message);
      g_object_unref (l->data);
    }
}

/* Requests */

static void
connection_request_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;

  reply = baton_signaling_connection_request_finish (BATON_SIGNALING_CONNECTION (object),
                                                     result, &error);
  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) json_object_unref);
}

static void
send_task (BatonCallAgent *self,
           GTask          *task)
{
  JsonObject *message = g_task_get_task_data (task);

  baton_signaling_connection_request_async (self->connection, json_object_ref (message),
                                            NULL, connection_request_cb, task);
}

void
baton_call_agent_request_async (BatonCallAgent      *self,
                                JsonObject          *message,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, baton_call_agent_request_async);
  g_task_set_task_data (task, message, (GDestroyNotify) json_object_unref);

  if (self->registered && self->connection)
    send_task (self, task);
  else if (self->reconnecting)
    g_queue_push_tail (&self->queue, task);
  else
    {
      g_task_return_new_error (task, BATON_ERROR, BATON_ERROR_NOT_CONNECTED,
                               "Not connected to the calling service");
      g_object_unref (task);
    }
}

JsonObject *
baton_call_agent_request_finish (BatonCallAgent  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree char *type = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = baton_call_agent_request_finish (BATON_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    BATON_INFO ("%s failed: %s", type, error->message);
}

void
baton_call_agent_send (BatonCallAgent *self,
                       JsonObject     *message)
{
  char *type = g_strdup (baton_json_get_string (message, "type"));

  baton_call_agent_request_async (self, message, NULL, send_cb, type);
}

static void
flush_queue (BatonCallAgent *self)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->queue)))
    {
      if (self->registered && self->connection)
        send_task (self, task);
      else
        {
          g_task_return_new_error (task, BATON_ERROR, BATON_ERROR_NOT_CONNECTED,
                                   "Not connected to the calling service");
          g_object_unref (task);
        }
    }
}

/* Events */

static void
handle_incoming (BatonCallAgent *self,
                 JsonObject     *event)
{
  g_autoptr(BatonIncomingCall) incoming = NULL;
  const char *call_id = baton_json_get_string (event, "call_id");
  const char *replaces;

  if (call_id == NULL || g_hash_table_contains (self->incoming_table, call_id) ||
      g_hash_table_contains (self->call_table, call_id))
    return;

  incoming = baton_incoming_call_new (self, event);
  replaces = baton_incoming_call_get_replaces (incoming);

  if (replaces && baton_call_agent_find_call (self, replaces))
    {
      g_autoptr(BatonCall) call = NULL;
      g_autoptr(GError) error = NULL;

      BATON_INFO ("call %s replaces call %s: answering it", call_id, replaces);
      call = baton_incoming_call_accept_replacing (incoming, &error);
      if (call == NULL)
        BATON_WARNING ("could not answer the replacing call: %s", error->message);
      return;
    }

  BATON_INFO ("incoming call %s from %s", call_id, baton_incoming_call_get_caller_id (incoming));
  g_hash_table_insert (self->incoming_table, g_strdup (call_id), g_object_ref (incoming));
  g_list_store_append (self->incoming, incoming);
  g_signal_emit (self, signals[INCOMING_CALL], 0, incoming);
}

static void
handle_transfer_request (BatonCallAgent *self,
                         JsonObject     *event)
{
  const char *transfer_id = baton_json_get_string (event, "transfer_id");
  const char *call_id = baton_json_get_string (event, "call_id");
  JsonObject *target = baton_json_get_object (event, "target");
  BatonCall *original = baton_call_agent_find_call (self, call_id);
  g_autoptr(BatonCall) call = NULL;

  if (transfer_id == NULL)
    return;

  /* The service asks again after a resume (PROTOCOL.md § 3): a leg already
   * started for this transfer goes on. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->calls)); i++)
    {
      g_autoptr(BatonCall) leg = g_list_model_get_item (G_LIST_MODEL (self->calls), i);

      if (g_strcmp0 (baton_call_get_live_transfer_id (leg), transfer_id) == 0)
        {
          BATON_INFO ("transfer %s asked again: already accepting it", transfer_id);
          return;
        }
    }

  if (!self->accept_transfers || original == NULL || baton_json_get_string (target, "id") == NULL)
    {
      JsonObject *message = new_message ("transfer.refuse");

      BATON_INFO ("refusing transfer %s of call %s", transfer_id, call_id);
      json_object_set_string_member (message, "transfer_id", transfer_id);
      baton_call_agent_send (self, message);
      return;
    }

  BATON_INFO ("accepting transfer %s of call %s", transfer_id, call_id);
  call = baton_call_new (self, BATON_CALL_DIRECTION_OUTGOING, NULL,
                         baton_json_get_string (target, "id"),
                         baton_json_get_string (target, "display_name"));
  baton_call_agent_hold_others (self, call, call_id);
  baton_call_agent_add_call (self, call);
  baton_call_start_transfer_leg (call, transfer_id, original);
}

static void
update_transfer (BatonCallAgent *self,
                 JsonObject     *update)
{
  const char *transfer_id = baton_json_get_string (update, "transfer_id");
  g_autoptr(BatonTransfer) transfer = NULL;

  if (transfer_id == NULL)
    return;
  transfer = g_hash_table_lookup (self->transfers, transfer_id);
  if (transfer == NULL)
    return;

  g_object_ref (transfer);
  baton_transfer_update (transfer,
                         baton_json_get_string (update, "state"),
                         baton_json_get_int (update, "code"),
                         baton_json_get_int (update, "subcode"),
                         baton_json_get_string (update, "message"),
                         baton_json_get_string (update, "new_call_id"));
  if (baton_transfer_is_finished (transfer))
    g_hash_table_remove (self->transfers, transfer_id);
}

static void
event_cb (BatonSignalingConnection *connection,
          JsonObject               *event,
          gpointer                  user_data)
{
  BatonCallAgent *self = user_data;
  g_autoptr(BatonCallAgent) hold = g_object_ref (self);
  const char *type = baton_json_get_string (event, "type");
  const char *call_id = baton_json_get_string (event, "call_id");

  if (g_str_equal (type, "call.incoming"))
    handle_incoming (self, event);
  else if (g_str_equal (type, "transfer.request"))
    handle_transfer_request (self, event);
  else if (g_str_equal (type, "transfer.update"))
    update_transfer (self, event);
  else if (g_str_equal (type, "token.expired"))
    {
      BATON_WARNING ("the token expired");
      self->token_expired = TRUE;
    }
  else if (call_id != NULL)
    {
      BatonCall *call = baton_call_agent_find_call (self, call_id);
      BatonIncomingCall *incoming;

      if (call)
        baton_call_handle_event (call, type, event);
      else if ((incoming = g_hash_table_lookup (self->incoming_table, call_id)))
        baton_incoming_call_handle_event (incoming, type, event);
      else
        BATON_VERBOSE ("%s for unknown call %s", type, call_id);
    }
  else
    BATON_VERBOSE ("ignoring event %s", type);
}

/* Connection */

static void
drop_connection (BatonCallAgent *self)
{
  self->registered = FALSE;
  if (self->connection)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      baton_signaling_connection_close (self->connection);
      g_clear_object (&self->connection);
    }
}

static void
disconnect (BatonCallAgent        *self,
            BatonDisconnectReason  reason)
{
  g_autoptr(BatonCallAgent) hold = g_object_ref (self);

  self->reconnecting = FALSE;
  if (self->reconnect_source)
    {
      g_source_destroy (self->reconnect_source);
      g_clear_pointer (&self->reconnect_source, g_source_unref);
    }
  g_cancellable_cancel (self->cancellable);
  drop_connection (self);
  flush_queue (self);

  if (reason == BATON_DISCONNECT_REASON_INVALID_TOKEN)
    end_everything (self, 401, 0, "The token is invalid or expired");
  else if (reason == BATON_DISCONNECT_REASON_CONNECTION_ISSUE)
    end_everything (self, 410, 10008, "The connection to the calling service was lost");
  else
    end_everything (self, 0, 0, "hung up");

  set_connection_state (self, BATON_CONNECTION_STATE_DISCONNECTED, reason);
}

static void
closed_cb (BatonSignalingConnection *connection,
           guint                     code,
           gpointer                  user_data)
{
  BatonCallAgent *self = user_data;

  if (self->shut_down)
    return;

  BATON_INFO ("connection closed with code %u", code);
  if (code == 4401 || self->token_expired)
    disconnect (self, BATON_DISCONNECT_REASON_INVALID_TOKEN);
  else if (code == 4409 || code == 4400 || code == 1009)
    disconnect (self, BATON_DISCONNECT_REASON_CONNECTION_ISSUE);
  else if (self->state == BATON_CONNECTION_STATE_CONNECTED)
    start_reconnect (self);
  else
    disconnect (self, BATON_DISCONNECT_REASON_CONNECTION_ISSUE);
}

static void
reconcile (BatonCallAgent *self,
           JsonObject     *reply,
           gboolean        same_session)
{
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GList) incoming = NULL;
  JsonArray *array;
  guint n;

  if (!same_session)
    {
      BATON_WARNING ("the service did not resume our session: ending our calls");
      end_everything (self, 410, 10008, "The calls ended while the agent was disconnected");
      return;
    }

  array = baton_json_get_array (reply, "calls");
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *snapshot;
      BatonCall *call;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      snapshot = json_node_get_object (node);
      id = baton_json_get_string (snapshot, "call_id");
      if (id == NULL)
        continue;
      g_hash_table_add (listed, (gpointer) id);
      call = baton_call_agent_find_call (self, id);
      if (call)
        baton_call_apply_snapshot (call, snapshot);
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (calls, g_list_model_get_item (G_LIST_MODEL (self->calls), i));
  for (guint i = 0; i < calls->len; i++)
    {
      BatonCall *call = g_ptr_array_index (calls, i);
      const char *id = baton_call_get_id (call);

      if (id && !g_hash_table_contains (listed, id))
        baton_call_end (call, 410, 10008, "The call ended while the agent was disconnected");
      else
        baton_call_resend_pending (call);
    }

  incoming = g_hash_table_get_values (self->incoming_table);
  g_list_foreach (incoming, (GFunc) g_object_ref, NULL);
  for (GList *l = incoming; l; l = l->next)
    {
      if (!g_hash_table_contains (listed, baton_incoming_call_get_id (l->data)))
        baton_incoming_call_end (l->data, 410, 10008);
      g_object_unref (l->data);
    }

  array = baton_json_get_array (reply, "transfers");
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        update_transfer (self, json_node_get_object (node));
    }
}

static void
register_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BatonCallAgent *self = g_task_get_source_object (task);
  gboolean resume = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *user;
  const char *session_id;
  gboolean same_session;

  reply = baton_signaling_connection_request_finish (BATON_SIGNALING_CONNECTION (object),
                                                     result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  user = baton_json_get_object (reply, "user");
  if (self->user_id != NULL &&
      g_strcmp0 (baton_json_get_string (user, "id"), self->user_id) != 0)
    {
      /* A token handed in while disconnected named somebody else: never
       * come back as another user. */
      BATON_WARNING ("the new token is for another user (%s): not reconnecting as them",
                     baton_json_get_string (user, "id") ? baton_json_get_string (user, "id") : "?");
      g_task_return_new_error (task, BATON_ERROR, BATON_ERROR_INVALID_TOKEN,
                               "The token is for another user (403/0)");
      return;
    }
  baton_set_str (&self->accepted_token, self->connection_token);

  session_id = baton_json_get_string (reply, "session_id");
  same_session = resume && g_strcmp0 (session_id, self->session_id) == 0;
  baton_set_str (&self->session_id, session_id);

  if (baton_set_str (&self->user_id, baton_json_get_string (user, "id")))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_ID]);
  if (baton_set_str (&self->display_name, baton_json_get_string (user, "display_name")))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);

  self->registered = TRUE;
  self->reconnecting = FALSE;
  self->attempt = 0;
  BATON_INFO ("registered as %s%s", self->user_id, resume ? " (resumed)" : "");

  if (resume)
    reconcile (self, reply, same_session);

  set_connection_state (self, BATON_CONNECTION_STATE_CONNECTED, BATON_DISCONNECT_REASON_NONE);
  flush_queue (self);
  g_task_return_boolean (task, TRUE);
}

static void
register_async (BatonCallAgent *self,
                gboolean        resume,
                GTask          *task)
{
  JsonObject *message = new_message ("register");
  const char *name = baton_call_agent_options_get_display_name (self->options);

  g_task_set_task_data (task, GINT_TO_POINTER (resume), NULL);

  if (name && *name)
    {
      /* A name longer than the service takes (PROTOCOL.md § 8) must not
       * keep the agent from signing in: it is cut, at a character. */
      g_autofree char *cut = g_utf8_make_valid (name, -1);

      if (strlen (cut) > DISPLAY_NAME_MAX_LENGTH)
        {
          char *end = cut + DISPLAY_NAME_MAX_LENGTH;

          while (end > cut && (((guchar) *end) & 0xc0) == 0x80)
            end--;
          *end = '\0';
        }
      json_object_set_string_member (message, "display_name", cut);
    }

  if (resume && self->session_id)
    {
      JsonObject *resume_obj = json_object_new ();
      JsonArray *ids = json_array_new ();
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));
      GHashTableIter iter;
      gpointer key;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(BatonCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);

          if (baton_call_get_id (call) && !baton_call_is_ended (call))
            json_array_add_string_element (ids, baton_call_get_id (call));
        }
      g_hash_table_iter_init (&iter, self->incoming_table);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        json_array_add_string_element (ids, key);

      json_object_set_string_member (resume_obj, "session_id", self->session_id);
      json_object_set_array_member (resume_obj, "calls", ids);
      json_object_set_object_member (message, "resume", resume_obj);
    }

  baton_signaling_connection_request_async (self->connection, message, NULL, register_cb, task);
}

static void
connection_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BatonCallAgent *self = g_task_get_source_object (task);
  gboolean resume = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr(GError) error = NULL;

  self->connection = baton_signaling_connection_new_finish (result, &error);
  if (self->connection == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_signal_connect (self->connection, "event", G_CALLBACK (event_cb), self);
  g_signal_connect (self->connection, "closed", G_CALLBACK (closed_cb), self);
  register_async (self, resume, g_steal_pointer (&task));
}

static void
open_async (BatonCallAgent      *self,
            gboolean             resume,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  const char *token = baton_token_credential_get_token (self->credential);

  /* A token the service refused in a token.refresh is not used: the one it
   * took last is (and fails, once expired, as it would have anyway). */
  if (self->refused_token && self->accepted_token && g_strcmp0 (token, self->refused_token) == 0)
    token = self->accepted_token;
  baton_set_str (&self->connection_token, token);

  g_task_set_task_data (task, GINT_TO_POINTER (resume), NULL);
  self->token_expired = FALSE;
  baton_signaling_connection_new_async (baton_call_agent_options_get_server_uri (self->options),
                                        token,
                                        baton_call_agent_options_get_tls_ca_file (self->options),
                                        cancellable, connection_cb, task);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BatonCallAgent *self = BATON_CALL_AGENT (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      drop_connection (self);
      if (g_error_matches (error, BATON_ERROR, BATON_ERROR_INVALID_TOKEN))
        set_connection_state (self, BATON_CONNECTION_STATE_DISCONNECTED,
                              BATON_DISCONNECT_REASON_INVALID_TOKEN);
      else
        set_connection_state (self, BATON_CONNECTION_STATE_DISCONNECTED,
                              BATON_DISCONNECT_REASON_CONNECTION_ISSUE);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
baton_call_agent_connect_async (BatonCallAgent      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, baton_call_agent_connect_async);
  open_async (self, FALSE, cancellable, connect_cb, task);
}

gboolean
baton_call_agent_connect_finish (BatonCallAgent  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Reconnection */

static gboolean reconnect_timeout_cb (gpointer user_data);

static void
schedule_reconnect (BatonCallAgent *self)
{
  guint delay;

  if (self->attempt >= self->attempts)
    {
      BATON_WARNING ("could not reconnect to the calling service after %u attempts", self->attempt);
      disconnect (self, BATON_DISCONNECT_REASON_CONNECTION_ISSUE);
      return;
    }

  delay = self->first_delay_ms;
  for (guint i = 0; i < self->attempt && delay < self->max_delay_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->max_delay_ms);
  self->attempt++;

  BATON_INFO ("reconnecting in %u ms (attempt %u of %u)", delay, self->attempt, self->attempts);
  self->reconnect_source = g_timeout_source_new (delay);
  g_source_set_static_name (self->reconnect_source, "[baton] reconnect");
  g_source_set_callback (self->reconnect_source, reconnect_timeout_cb, self, NULL);
  g_source_attach (self->reconnect_source, self->context);
}

static void
reconnected_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  BatonCallAgent *self = BATON_CALL_AGENT (object);
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->reconnecting)
    return;

  drop_connection (self);
  if (g_error_matches (error, BATON_ERROR, BATON_ERROR_INVALID_TOKEN))
    {
      disconnect (self, BATON_DISCONNECT_REASON_INVALID_TOKEN);
      return;
    }
  BATON_INFO ("reconnection attempt failed: %s", error->message);
  schedule_reconnect (self);
}

static gboolean
reconnect_timeout_cb (gpointer user_data)
{
  BatonCallAgent *self = user_data;

  g_clear_pointer (&self->reconnect_source, g_source_unref);
  open_async (self, TRUE, self->cancellable, reconnected_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
start_reconnect (BatonCallAgent *self)
{
  drop_connection (self);
  self->reconnecting = TRUE;
  self->attempt = 0;
  schedule_reconnect (self);
}

void
baton_call_agent_set_reconnect_schedule (BatonCallAgent *self,
                                         guint           first_delay_ms,
                                         guint           max_delay_ms,
                                         guint           attempts)
{
  self->first_delay_ms = MAX (first_delay_ms, 1);
  self->max_delay_ms = MAX (max_delay_ms, self->first_delay_ms);
  self->attempts = attempts;
}

/* Token refresh */

static void
token_refused (BatonCallAgent *self,
               const char     *token,
               const char     *why)
{
  BATON_WARNING ("the new token was refused (%s): keeping the current one", why);
  baton_set_str (&self->refused_token, token);
  baton_token_credential_token_refused (self->credential, self->accepted_token);
}

static void
token_refresh_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  BatonCallAgent *self = BATON_CALL_AGENT (object);
  g_autofree char *token = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint code = 0, subcode = 0;

  reply = baton_call_agent_request_finish (self, result, &error);
  if (reply != NULL)
    {
      BATON_INFO ("the service took the new token");
      baton_set_str (&self->accepted_token, token);
      if (g_strcmp0 (self->refused_token, token) == 0)
        g_clear_pointer (&self->refused_token, g_free);
    }
  else if (baton_error_get_service_code (error, &code, &subcode) && (code == 401 || code == 403))
    token_refused (self, token, error->message);
  else
    BATON_WARNING ("could not hand the new token to the service: %s", error->message);
}

static void
token_changed_cb (BatonTokenCredential *credential,
                  GParamSpec           *pspec,
                  gpointer              user_data)
{
  BatonCallAgent *self = user_data;
  const char *token = baton_token_credential_get_token (credential);
  g_autofree char *clean = NULL;
  g_autofree char *subject = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *message;

  if (self->shut_down)
    return;

  /* Refused here without asking: what cannot be a token, and a token that
   * says it is somebody else's (the service checks the rest). */
  clean = baton_token_credential_clean (token, &error);
  if (clean == NULL)
    {
      token_refused (self, token, error->message);
      return;
    }
  subject = baton_token_credential_subject (clean);
  if (self->user_id && subject && g_strcmp0 (subject, self->user_id) != 0)
    {
      token_refused (self, token, "it is for another user");
      return;
    }

  if (!self->registered || self->connection == NULL)
    return; /* the next connection uses it */

  message = new_message ("token.refresh");
  json_object_set_string_member (message, "token", clean);
  baton_call_agent_request_async (self, message, NULL, token_refresh_cb, g_strdup (token));
}

/* GObject */

static void
baton_call_agent_dispose (GObject *object)
{
  BatonCallAgent *self = (BatonCallAgent *)object;

  if (self->credential)
    g_signal_handlers_disconnect_by_data (self->credential, self);
  if (self->reconnect_source)
    {
      g_source_destroy (self->reconnect_source);
      g_clear_pointer (&self->reconnect_source, g_source_unref);
    }
  g_cancellable_cancel (self->cancellable);
  self->reconnecting = FALSE;
  drop_connection (self);
  flush_queue (self);
  /* Dropped without baton_call_agent_shutdown(): stop the media of the
   * calls left. The connection was closed with a goodbye (1000), so the
   * service ends them for the peers at once, as hang-ups (0/0, or 487/0
   * for a call still ringing). */
  if (!self->shut_down && self->calls)
    end_everything (self, 0, 0, "The agent was destroyed");
  self->shut_down = TRUE;
  if (self->incoming)
    g_list_store_remove_all (self->incoming);
  if (self->incoming_table)
    g_hash_table_remove_all (self->incoming_table);
  if (self->call_table)
    g_hash_table_remove_all (self->call_table);
  if (self->calls)
    g_list_store_remove_all (self->calls);
  if (self->transfers)
    g_hash_table_remove_all (self->transfers);

  G_OBJECT_CLASS (baton_call_agent_parent_class)->dispose (object);
}

static void
baton_call_agent_finalize (GObject *object)
{
  BatonCallAgent *self = (BatonCallAgent *)object;

  g_clear_object (&self->devices);
  g_clear_object (&self->credential);
  g_clear_object (&self->options);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->session_id, g_free);
  g_clear_pointer (&self->connection_token, g_free);
  g_clear_pointer (&self->accepted_token, g_free);
  g_clear_pointer (&self->refused_token, g_free);
  g_clear_object (&self->calls);
  g_clear_pointer (&self->call_table, g_hash_table_unref);
  g_clear_pointer (&self->incoming_table, g_hash_table_unref);
  g_clear_object (&self->incoming);
  g_clear_pointer (&self->transfers, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (baton_call_agent_parent_class)->finalize (object);
}

static void
baton_call_agent_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BatonCallAgent *self = BATON_CALL_AGENT (object);

  switch (prop_id)
    {
    case PROP_CONNECTION_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_DISCONNECT_REASON:
      g_value_set_enum (value, self->reason);
      break;
    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_CALLS:
      g_value_set_object (value, self->calls);
      break;
    case PROP_INCOMING_CALLS:
      g_value_set_object (value, self->incoming);
      break;
    case PROP_ACCEPT_TRANSFERS:
      g_value_set_boolean (value, self->accept_transfers);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_call_agent_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BatonCallAgent *self = BATON_CALL_AGENT (object);

  switch (prop_id)
    {
    case PROP_ACCEPT_TRANSFERS:
      baton_call_agent_set_accept_transfers (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_call_agent_class_init (BatonCallAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = baton_call_agent_dispose;
  object_class->finalize = baton_call_agent_finalize;
  object_class->get_property = baton_call_agent_get_property;
  object_class->set_property = baton_call_agent_set_property;

  /**
   * BatonCallAgent:connection-state:
   *
   * Whether the agent is connected to the calling service. It stays
   * %BATON_CONNECTION_STATE_CONNECTED while the agent silently reconnects.
   */
  properties[PROP_CONNECTION_STATE] =
    g_param_spec_enum ("connection-state", NULL, NULL,
                       BATON_TYPE_CONNECTION_STATE,
                       BATON_CONNECTION_STATE_DISCONNECTED,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCallAgent:disconnect-reason:
   *
   * Why the agent is disconnected.
   */
  properties[PROP_DISCONNECT_REASON] =
    g_param_spec_enum ("disconnect-reason", NULL, NULL,
                       BATON_TYPE_DISCONNECT_REASON,
                       BATON_DISCONNECT_REASON_NONE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCallAgent:user-id:
   *
   * The user id the agent is signed in as.
   */
  properties[PROP_USER_ID] =
    g_param_spec_string ("user-id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCallAgent:display-name:
   *
   * The user's display name, as the service knows it.
   */
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCallAgent:calls:
   *
   * The calls in progress: a live list of [class@Call]. A call leaves the
   * list once it is %BATON_CALL_STATE_DISCONNECTED.
   */
  properties[PROP_CALLS] =
    g_param_spec_object ("calls", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCallAgent:incoming-calls:
   *
   * The incoming calls that ring now: a live list of [class@IncomingCall],
   * in the order they arrived. A call joins the list just before
   * [signal@CallAgent::incoming-call] is emitted for it and leaves it once
   * it is accepted, rejected, or ended by the caller (or the service) —
   * so a user interface can show the ringing calls by binding to this list
   * instead of keeping its own.
   */
  properties[PROP_INCOMING_CALLS] =
    g_param_spec_object ("incoming-calls", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCallAgent:accept-transfers:
   *
   * Whether requests to transfer this user to somebody else are accepted
   * (the default). When %FALSE they are refused, and the transferor's
   * transfer fails with 603/10203.
   */
  properties[PROP_ACCEPT_TRANSFERS] =
    g_param_spec_boolean ("accept-transfers", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BatonCallAgent::connection-state-changed:
   * @self: the agent
   * @old_state: the previous state
   * @new_state: the new state
   * @reason: why, when @new_state is %BATON_CONNECTION_STATE_DISCONNECTED
   *
   * Emitted when [property@CallAgent:connection-state] changes.
   */
  signals[CONNECTION_STATE_CHANGED] =
    g_signal_new ("connection-state-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  BATON_TYPE_CONNECTION_STATE, BATON_TYPE_CONNECTION_STATE,
                  BATON_TYPE_DISCONNECT_REASON);

  /**
   * BatonCallAgent::incoming-call:
   * @self: the agent
   * @incoming: the call that rings
   *
   * Emitted when somebody calls. A call that replaces a call the agent is
   * in (the end of a transfer to a call) is answered without ringing and
   * not announced here; it appears in [property@CallAgent:calls].
   */
  signals[INCOMING_CALL] =
    g_signal_new ("incoming-call",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BATON_TYPE_INCOMING_CALL);
}

static void
baton_call_agent_init (BatonCallAgent *self)
{
  self->accept_transfers = TRUE;
  self->calls = g_list_store_new (BATON_TYPE_CALL);
  self->call_table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->incoming_table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->incoming = g_list_store_new (BATON_TYPE_INCOMING_CALL);
  self->transfers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  self->first_delay_ms = RECONNECT_FIRST_DELAY_MS;
  self->max_delay_ms = RECONNECT_MAX_DELAY_MS;
  self->attempts = RECONNECT_ATTEMPTS;
  g_queue_init (&self->queue);
}

BatonCallAgent *
baton_call_agent_new (BatonDeviceManager    *devices,
                      BatonTokenCredential  *credential,
                      BatonCallAgentOptions *options)
{
  BatonCallAgent *self = g_object_new (BATON_TYPE_CALL_AGENT, NULL);

  self->devices = devices ? g_object_ref (devices) : NULL;
  self->credential = g_object_ref (credential);
  self->options = g_object_ref (options);
  g_signal_connect (credential, "notify::token", G_CALLBACK (token_changed_cb), self);
  return self;
}

/* Public API */

/**
 * baton_call_agent_get_connection_state:
 * @self: a #BatonCallAgent
 *
 * Returns: whether the agent is connected
 */
BatonConnectionState
baton_call_agent_get_connection_state (BatonCallAgent *self)
{
  g_return_val_if_fail (BATON_IS_CALL_AGENT (self), BATON_CONNECTION_STATE_DISCONNECTED);
  return self->state;
}

/**
 * baton_call_agent_get_disconnect_reason:
 * @self: a #BatonCallAgent
 *
 * Returns: why the agent is disconnected
 */
BatonDisconnectReason
baton_call_agent_get_disconnect_reason (BatonCallAgent *self)
{
  g_return_val_if_fail (BATON_IS_CALL_AGENT (self), BATON_DISCONNECT_REASON_NONE);
  return self->reason;
}

/**
 * baton_call_agent_get_user_id:
 * @self: a #BatonCallAgent
 *
 * Returns: (nullable): the user id of the agent
 */
const char *
baton_call_agent_get_user_id (BatonCallAgent *self)
{
  g_return_val_if_fail (BATON_IS_CALL_AGENT (self), NULL);
  return self->user_id;
}

/**
 * baton_call_agent_get_display_name:
 * @self: a #BatonCallAgent
 *
 * Returns: (nullable): the display name of the user
 */
const char *
baton_call_agent_get_display_name (BatonCallAgent *self)
{
  g_return_val_if_fail (BATON_IS_CALL_AGENT (self), NULL);
  return self->display_name;
}

/**
 * baton_call_agent_get_incoming_calls:
 * @self: a #BatonCallAgent
 *
 * The incoming calls that ring now, see [property@CallAgent:incoming-calls].
 *
 * Returns: (transfer none): a live list of the ringing [class@IncomingCall]s
 */
GListModel *
baton_call_agent_get_incoming_calls (BatonCallAgent *self)
{
  g_return_val_if_fail (BATON_IS_CALL_AGENT (self), NULL);
  return G_LIST_MODEL (self->incoming);
}

/**
 * baton_call_agent_get_calls:
 * @self: a #BatonCallAgent
 *
 * Returns: (transfer none): a live list of the [class@Call]s in progress
 */
GListModel *
baton_call_agent_get_calls (BatonCallAgent *self)
{
  g_return_val_if_fail (BATON_IS_CALL_AGENT (self), NULL);
  return G_LIST_MODEL (self->calls);
}

/**
 * baton_call_agent_get_accept_transfers:
 * @self: a #BatonCallAgent
 *
 * Returns: whether transfer requests are accepted
 */
gboolean
baton_call_agent_get_accept_transfers (BatonCallAgent *self)
{
  g_return_val_if_fail (BATON_IS_CALL_AGENT (self), FALSE);
  return self->accept_transfers;
}

/**
 * baton_call_agent_set_accept_transfers:
 * @self: a #BatonCallAgent
 * @accept_transfers: whether to accept transfer requests
 *
 * Sets [property@CallAgent:accept-transfers].
 */
void
baton_call_agent_set_accept_transfers (BatonCallAgent *self,
                                       gboolean        accept_transfers)
{
  g_return_if_fail (BATON_IS_CALL_AGENT (self));

  accept_transfers = !!accept_transfers;
  if (self->accept_transfers == accept_transfers)
    return;
  self->accept_transfers = accept_transfers;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPT_TRANSFERS]);
}

/**
 * baton_call_agent_start_call:
 * @self: a #BatonCallAgent
 * @callee_id: the user to call
 * @error: return location for a #GError
 *
 * Calls @callee_id. Any other active call is put on hold first. The call
 * starts in %BATON_CALL_STATE_CONNECTING; failures (busy, declined,
 * offline, unknown user 404/0, oneself or an id that is not valid 400/10012,
 * …) arrive later as %BATON_CALL_STATE_DISCONNECTED with an end code.
 *
 * Returns: (transfer full): the new call, or %NULL with @error set:
 *   %BATON_ERROR_INVALID_ARGUMENT for an empty @callee_id,
 *   %BATON_ERROR_NOT_CONNECTED when the agent is not connected
 */
BatonCall *
baton_call_agent_start_call (BatonCallAgent  *self,
                             const char      *callee_id,
                             GError         **error)
{
  BatonCall *call;

  g_return_val_if_fail (BATON_IS_CALL_AGENT (self), NULL);
  g_return_val_if_fail (callee_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (*callee_id == '\0')
    {
      g_set_error_literal (error, BATON_ERROR, BATON_ERROR_INVALID_ARGUMENT,
                           "No user to call: the user id is empty");
      return NULL;
    }
  if (self->state != BATON_CONNECTION_STATE_CONNECTED)
    {
      g_set_error (error, BATON_ERROR, BATON_ERROR_NOT_CONNECTED,
                   "Not connected to the calling service");
      return NULL;
    }

  BATON_INFO ("calling %s", callee_id);
  call = baton_call_new (self, BATON_CALL_DIRECTION_OUTGOING, NULL, callee_id, NULL);
  baton_call_agent_hold_others (self, call, NULL);
  baton_call_agent_add_call (self, call);
  baton_call_start_invite (call);
  return call;
}

/**
 * baton_call_agent_shutdown:
 * @self: a #BatonCallAgent
 *
 * Hangs up every call and closes the connection to the service. The agent
 * becomes %BATON_CONNECTION_STATE_DISCONNECTED with
 * %BATON_DISCONNECT_REASON_NONE and cannot be used any more.
 */
void
baton_call_agent_shutdown (BatonCallAgent *self)
{
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_if_fail (BATON_IS_CALL_AGENT (self));

  if (self->shut_down)
    return;

  BATON_INFO ("shutting down");
  n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (calls, g_list_model_get_item (G_LIST_MODEL (self->calls), i));
  for (guint i = 0; i < calls->len; i++)
    baton_call_hang_up (g_ptr_array_index (calls, i));

  self->shut_down = TRUE;
  disconnect (self, BATON_DISCONNECT_REASON_NONE);
}

/* Directory and forwarding settings */

#define USERS_LIST_MAX_LIMIT 500

static void
list_users_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GListStore) store = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *users;

  reply = baton_call_agent_request_finish (BATON_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  users = baton_json_get_array (reply, "users");
  if (users == NULL)
    {
      g_task_return_new_error (task, BATON_ERROR, BATON_ERROR_PROTOCOL,
                               "The service's list of users has no \"users\"");
      return;
    }

  store = g_list_store_new (BATON_TYPE_USER);
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonNode *node = json_array_get_element (users, i);
      g_autoptr(BatonUser) user = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        user = baton_user_new_from_json (json_node_get_object (node));
      if (user)
        g_list_store_append (store, user);
    }
  BATON_VERBOSE ("users.list: %u users", g_list_model_get_n_items (G_LIST_MODEL (store)));
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

/**
 * baton_call_agent_list_users_async:
 * @self: a #BatonCallAgent
 * @query: (nullable): a part of the id or display name to look for
 *   (case-insensitive), or %NULL (or "") for everybody
 * @limit: the most users to return, 1 to 500 (more is capped at 500); 0 for
 *   the service's default (100)
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the list is there
 * @user_data: data for @callback
 *
 * Asks the service's directory for its users whose id or display name
 * contains @query, each with whether it is online now. Finish with
 * [method@CallAgent.list_users_finish].
 *
 * While the agent silently reconnects the request waits; when it is
 * disconnected the request fails with %BATON_ERROR_NOT_CONNECTED.
 */
void
baton_call_agent_list_users_async (BatonCallAgent      *self,
                                   const char          *query,
                                   guint                limit,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  JsonObject *message;

  g_return_if_fail (BATON_IS_CALL_AGENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, baton_call_agent_list_users_async);

  message = new_message ("users.list");
  if (query && *query)
    json_object_set_string_member (message, "query", query);
  if (limit > 0)
    json_object_set_int_member (message, "limit", MIN (limit, USERS_LIST_MAX_LIMIT));
  baton_call_agent_request_async (self, message, cancellable, list_users_cb,
                                  g_steal_pointer (&task));
}

/**
 * baton_call_agent_list_users_finish:
 * @self: a #BatonCallAgent
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes [method@CallAgent.list_users_async]. The users come in the
 * service's order (by id). The list is a snapshot: it does not follow
 * later changes.
 *
 * Returns: (transfer full): a list of [class@User], or %NULL with @error
 *   set (in the [const@ERROR] domain, with the service's code when it
 *   refused)
 */
GListModel *
baton_call_agent_list_users_finish (BatonCallAgent  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (BATON_IS_CALL_AGENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == baton_call_agent_list_users_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
forwarding_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  BatonForwardingSettings *settings;

  reply = baton_call_agent_request_finish (BATON_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  settings = baton_forwarding_settings_new_from_json (reply);
  BATON_VERBOSE ("forwarding: always %s, unanswered %s after %u s",
                 baton_forwarding_settings_get_always_target (settings) ? baton_forwarding_settings_get_always_target (settings) : "(none)",
                 baton_forwarding_settings_get_unanswered_target (settings) ? baton_forwarding_settings_get_unanswered_target (settings) : "(none)",
                 baton_forwarding_settings_get_unanswered_timeout (settings));
  g_task_return_pointer (task, settings, g_object_unref);
}

/**
 * baton_call_agent_get_forwarding_async:
 * @self: a #BatonCallAgent
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the settings are there
 * @user_data: data for @callback
 *
 * Reads the user's forwarding settings from the service. Finish with
 * [method@CallAgent.get_forwarding_finish].
 */
void
baton_call_agent_get_forwarding_async (BatonCallAgent      *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BATON_IS_CALL_AGENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, baton_call_agent_get_forwarding_async);
  baton_call_agent_request_async (self, new_message ("forwarding.get"), cancellable,
                                  forwarding_cb, task);
}

/**
 * baton_call_agent_get_forwarding_finish:
 * @self: a #BatonCallAgent
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes [method@CallAgent.get_forwarding_async].
 *
 * Returns: (transfer full): the stored settings, or %NULL with @error set
 */
BatonForwardingSettings *
baton_call_agent_get_forwarding_finish (BatonCallAgent  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (BATON_IS_CALL_AGENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == baton_call_agent_get_forwarding_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * baton_call_agent_set_forwarding_async:
 * @self: a #BatonCallAgent
 * @settings: the settings to store
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the service stored them
 * @user_data: data for @callback
 *
 * Replaces the user's forwarding settings on the service by @settings: a
 * %NULL target clears that forwarding. Finish with
 * [method@CallAgent.set_forwarding_finish].
 *
 * A target must be an existing user (404/0) other than oneself (400/10012);
 * when the service refuses, nothing changes.
 */
void
baton_call_agent_set_forwarding_async (BatonCallAgent          *self,
                                       BatonForwardingSettings *settings,
                                       GCancellable            *cancellable,
                                       GAsyncReadyCallback      callback,
                                       gpointer                 user_data)
{
  GTask *task;
  JsonObject *message;

  g_return_if_fail (BATON_IS_CALL_AGENT (self));
  g_return_if_fail (BATON_IS_FORWARDING_SETTINGS (settings));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, baton_call_agent_set_forwarding_async);
  message = new_message ("forwarding.set");
  baton_forwarding_settings_to_json (settings, message);
  baton_call_agent_request_async (self, message, cancellable, forwarding_cb, task);
}

/**
 * baton_call_agent_set_forwarding_finish:
 * @self: a #BatonCallAgent
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes [method@CallAgent.set_forwarding_async].
 *
 * Returns: (transfer full): the settings as the service stored them, or
 *   %NULL with @error set (in the [const@ERROR] domain, with the service's
 *   code and subcode, see [func@error_get_service_code])
 */
BatonForwardingSettings *
baton_call_agent_set_forwarding_finish (BatonCallAgent  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (BATON_IS_CALL_AGENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == baton_call_agent_set_forwarding_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
