/* baton-incoming-call.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton-Call"

#include "config.h"

#include "baton-call-agent-private.h"
#include "baton-call-private.h"
#include "baton-error.h"
#include "baton-incoming-call-private.h"
#include "baton-log-private.h"
#include "baton-signaling-connection-private.h"

/**
 * BatonIncomingCall:
 *
 * A call that rings, given by [signal@CallAgent::incoming-call]. Answer it
 * with [method@IncomingCall.accept] or decline it with
 * [method@IncomingCall.reject]; [signal@IncomingCall::ended] tells that the
 * caller gave up (or another device of the user answered) first.
 */
struct _BatonIncomingCall
{
  GObject         parent_instance;

  BatonCallAgent *agent; /* weak */
  char           *id;
  char           *caller_id;
  char           *caller_display_name;
  char           *transferor_id;
  char           *transferor_display_name;
  char           *replaces;
  char           *offer;
  GPtrArray      *ice; /* JsonObject events kept for the call */
  gboolean        done;
  guint           end_code;
  guint           end_subcode;
};

G_DEFINE_FINAL_TYPE (BatonIncomingCall, baton_incoming_call, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_CALLER_ID,
  PROP_CALLER_DISPLAY_NAME,
  PROP_TRANSFEROR_ID,
  PROP_TRANSFEROR_DISPLAY_NAME,
  PROP_END_CODE,
  PROP_END_SUBCODE,
  N_PROPS
};

enum {
  ENDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
baton_incoming_call_dispose (GObject *object)
{
  BatonIncomingCall *self = (BatonIncomingCall *)object;

  if (self->agent)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->agent), (gpointer *) &self->agent);
      self->agent = NULL;
    }

  G_OBJECT_CLASS (baton_incoming_call_parent_class)->dispose (object);
}

static void
baton_incoming_call_finalize (GObject *object)
{
  BatonIncomingCall *self = (BatonIncomingCall *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->caller_id, g_free);
  g_clear_pointer (&self->caller_display_name, g_free);
  g_clear_pointer (&self->transferor_id, g_free);
  g_clear_pointer (&self->transferor_display_name, g_free);
  g_clear_pointer (&self->replaces, g_free);
  g_clear_pointer (&self->offer, g_free);
  g_clear_pointer (&self->ice, g_ptr_array_unref);

  G_OBJECT_CLASS (baton_incoming_call_parent_class)->finalize (object);
}

static void
baton_incoming_call_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  BatonIncomingCall *self = BATON_INCOMING_CALL (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_CALLER_ID:
      g_value_set_string (value, self->caller_id);
      break;
    case PROP_CALLER_DISPLAY_NAME:
      g_value_set_string (value, self->caller_display_name);
      break;
    case PROP_TRANSFEROR_ID:
      g_value_set_string (value, self->transferor_id);
      break;
    case PROP_TRANSFEROR_DISPLAY_NAME:
      g_value_set_string (value, self->transferor_display_name);
      break;
    case PROP_END_CODE:
      g_value_set_uint (value, self->end_code);
      break;
    case PROP_END_SUBCODE:
      g_value_set_uint (value, self->end_subcode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_incoming_call_class_init (BatonIncomingCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = baton_incoming_call_dispose;
  object_class->finalize = baton_incoming_call_finalize;
  object_class->get_property = baton_incoming_call_get_property;

  /**
   * BatonIncomingCall:id:
   *
   * The service's id of the call.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonIncomingCall:caller-id:
   *
   * The user id of the caller.
   */
  properties[PROP_CALLER_ID] =
    g_param_spec_string ("caller-id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonIncomingCall:caller-display-name:
   *
   * The name of the caller to show.
   */
  properties[PROP_CALLER_DISPLAY_NAME] =
    g_param_spec_string ("caller-display-name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonIncomingCall:transferor-id:
   *
   * When this call exists because somebody transferred the caller to us:
   * that somebody's user id. Empty otherwise.
   */
  properties[PROP_TRANSFEROR_ID] =
    g_param_spec_string ("transferor-id", NULL, NULL, "",
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonIncomingCall:transferor-display-name:
   *
   * The name of the transferor to show; empty if the call is no transfer.
   */
  properties[PROP_TRANSFEROR_DISPLAY_NAME] =
    g_param_spec_string ("transferor-display-name", NULL, NULL, "",
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonIncomingCall:end-code:
   *
   * Why the call stopped ringing without being answered here: the
   * HTTP-style code of the reason, as [property@Call:end-code] — e.g. 487
   * with [property@IncomingCall:end-subcode] 10003 when another device of
   * the user answered it, 487/0 when the caller gave up, 410/10008 when it
   * ended while the agent was disconnected. 0 while it rings, and after it
   * was accepted or rejected here.
   */
  properties[PROP_END_CODE] =
    g_param_spec_uint ("end-code", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonIncomingCall:end-subcode:
   *
   * The subcode that goes with [property@IncomingCall:end-code].
   */
  properties[PROP_END_SUBCODE] =
    g_param_spec_uint ("end-subcode", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BatonIncomingCall::ended:
   * @self: the incoming call
   *
   * Emitted when the call stops ringing without being answered here: the
   * caller gave up, nobody answered in time, or another device answered.
   * [property@IncomingCall:end-code] and [property@IncomingCall:end-subcode]
   * say which, and are set before this is emitted.
   */
  signals[ENDED] =
    g_signal_new ("ended",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
baton_incoming_call_init (BatonIncomingCall *self)
{
  self->ice = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->transferor_id = g_strdup ("");
  self->transferor_display_name = g_strdup ("");
}

BatonIncomingCall *
baton_incoming_call_new (BatonCallAgent *agent,
                         JsonObject     *event)
{
  BatonIncomingCall *self = g_object_new (BATON_TYPE_INCOMING_CALL, NULL);
  JsonObject *from = baton_json_get_object (event, "from");
  JsonObject *transfer = baton_json_get_object (event, "transfer");
  JsonObject *transferor = baton_json_get_object (transfer, "transferor");
  const char *name;

  self->agent = agent;
  g_object_add_weak_pointer (G_OBJECT (agent), (gpointer *) &self->agent);
  self->id = g_strdup (baton_json_get_string (event, "call_id"));
  self->caller_id = g_strdup (baton_json_get_string (from, "id"));
  name = baton_json_get_string (from, "display_name");
  self->caller_display_name = g_strdup (name && *name ? name : self->caller_id);
  g_free (self->transferor_id);
  self->transferor_id = g_strdup (baton_json_get_string (transferor, "id") ?: "");
  name = baton_json_get_string (transferor, "display_name");
  g_free (self->transferor_display_name);
  self->transferor_display_name = g_strdup (name && *name ? name : self->transferor_id);
  self->replaces = g_strdup (baton_json_get_string (event, "replaces"));
  self->offer = g_strdup (baton_json_get_string (event, "sdp"));
  return self;
}

const char *
baton_incoming_call_get_replaces (BatonIncomingCall *self)
{
  return self->replaces;
}

gboolean
baton_incoming_call_is_done (BatonIncomingCall *self)
{
  return self->done;
}

void
baton_incoming_call_end (BatonIncomingCall *self,
                         guint              code,
                         guint              subcode)
{
  g_autoptr(BatonIncomingCall) hold = g_object_ref (self);

  if (self->done)
    return;
  self->done = TRUE;
  if (self->end_code != code)
    {
      self->end_code = code;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END_CODE]);
    }
  if (self->end_subcode != subcode)
    {
      self->end_subcode = subcode;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END_SUBCODE]);
    }
  if (self->agent)
    baton_call_agent_incoming_done (self->agent, self->id);
  g_signal_emit (self, signals[ENDED], 0);
}

void
baton_incoming_call_handle_event (BatonIncomingCall *self,
                                  const char        *type,
                                  JsonObject        *event)
{
  if (g_str_equal (type, "ice"))
    {
      g_ptr_array_add (self->ice, json_object_ref (event));
    }
  else if (g_str_equal (type, "call.ended"))
    {
      BATON_INFO ("incoming call %s ended before the answer: %u/%u", self->id,
                  (guint) baton_json_get_int (event, "code"),
                  (guint) baton_json_get_int (event, "subcode"));
      baton_incoming_call_end (self, (guint) baton_json_get_int (event, "code"),
                               (guint) baton_json_get_int (event, "subcode"));
    }
}

static BatonCall *
accept_internal (BatonIncomingCall  *self,
                 gboolean            hold_others,
                 GError            **error)
{
  BatonCall *call;

  if (self->done)
    {
      g_set_error (error, BATON_ERROR, BATON_ERROR_INVALID_STATE,
                   "The call was already answered, rejected or ended");
      return NULL;
    }
  if (self->agent == NULL || !baton_call_agent_is_connected (self->agent))
    {
      g_set_error (error, BATON_ERROR, BATON_ERROR_NOT_CONNECTED,
                   "Not connected to the calling service");
      return NULL;
    }

  self->done = TRUE;
  call = baton_call_new (self->agent, BATON_CALL_DIRECTION_INCOMING, self->id,
                         self->caller_id, self->caller_display_name);
  baton_call_agent_incoming_done (self->agent, self->id);
  if (hold_others)
    baton_call_agent_hold_others (self->agent, call, NULL);
  else
    baton_call_agent_hold_others (self->agent, call, self->replaces);
  baton_call_agent_add_call (self->agent, call);
  for (guint i = 0; i < self->ice->len; i++)
    baton_call_handle_event (call, "ice", g_ptr_array_index (self->ice, i));
  g_ptr_array_set_size (self->ice, 0);
  baton_call_start_answer (call, self->offer);
  return call;
}

BatonCall *
baton_incoming_call_accept_replacing (BatonIncomingCall  *self,
                                      GError            **error)
{
  return accept_internal (self, FALSE, error);
}

/**
 * baton_incoming_call_accept:
 * @self: a #BatonIncomingCall
 * @error: return location for a #GError
 *
 * Answers the call. Any other active call of the agent is put on hold.
 *
 * Returns: (transfer full): the call, in %BATON_CALL_STATE_CONNECTING until
 *   the service confirms the answer; %NULL with @error set to
 *   %BATON_ERROR_INVALID_STATE when the call was already answered, rejected
 *   or ended (the caller gave up), or %BATON_ERROR_NOT_CONNECTED when the
 *   agent is disconnected or gone
 */
BatonCall *
baton_incoming_call_accept (BatonIncomingCall  *self,
                            GError            **error)
{
  g_return_val_if_fail (BATON_IS_INCOMING_CALL (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return accept_internal (self, TRUE, error);
}

static void
reject_internal (BatonIncomingCall *self,
                 gboolean           busy)
{
  JsonObject *message;

  if (self->done)
    return;
  self->done = TRUE;

  if (self->agent == NULL)
    return;

  message = json_object_new ();
  json_object_set_string_member (message, "type", "call.reject");
  json_object_set_string_member (message, "call_id", self->id);
  json_object_set_string_member (message, "reason", busy ? "busy" : "declined");
  baton_call_agent_send (self->agent, message);
  baton_call_agent_incoming_done (self->agent, self->id);
}

/**
 * baton_incoming_call_reject:
 * @self: a #BatonIncomingCall
 *
 * Declines the call: the caller's call ends with 603/0 (declined), or with
 * 486/0 (busy) when the agent is already in another call. Does nothing once
 * the call was answered, rejected or ended.
 */
void
baton_incoming_call_reject (BatonIncomingCall *self)
{
  g_return_if_fail (BATON_IS_INCOMING_CALL (self));

  reject_internal (self, self->agent != NULL &&
                   g_list_model_get_n_items (baton_call_agent_get_calls (self->agent)) > 0);
}

/**
 * baton_incoming_call_reject_busy:
 * @self: a #BatonIncomingCall
 *
 * Declines the call as busy whatever the agent is doing: the caller's call
 * ends with 486/0 (busy). For a do-not-disturb setting, or an agent that
 * takes one call at a time in its own way.
 */
void
baton_incoming_call_reject_busy (BatonIncomingCall *self)
{
  g_return_if_fail (BATON_IS_INCOMING_CALL (self));

  reject_internal (self, TRUE);
}

/**
 * baton_incoming_call_get_id:
 * @self: a #BatonIncomingCall
 *
 * Returns: the service's id of the call
 */
const char *
baton_incoming_call_get_id (BatonIncomingCall *self)
{
  g_return_val_if_fail (BATON_IS_INCOMING_CALL (self), NULL);
  return self->id;
}

/**
 * baton_incoming_call_get_caller_id:
 * @self: a #BatonIncomingCall
 *
 * Returns: the caller's user id
 */
const char *
baton_incoming_call_get_caller_id (BatonIncomingCall *self)
{
  g_return_val_if_fail (BATON_IS_INCOMING_CALL (self), NULL);
  return self->caller_id;
}

/**
 * baton_incoming_call_get_caller_display_name:
 * @self: a #BatonIncomingCall
 *
 * Returns: the caller's name to show
 */
const char *
baton_incoming_call_get_caller_display_name (BatonIncomingCall *self)
{
  g_return_val_if_fail (BATON_IS_INCOMING_CALL (self), NULL);
  return self->caller_display_name;
}

/**
 * baton_incoming_call_get_transferor_id:
 * @self: a #BatonIncomingCall
 *
 * Returns: the transferor's user id, or an empty string
 */
const char *
baton_incoming_call_get_transferor_id (BatonIncomingCall *self)
{
  g_return_val_if_fail (BATON_IS_INCOMING_CALL (self), NULL);
  return self->transferor_id;
}

/**
 * baton_incoming_call_get_transferor_display_name:
 * @self: a #BatonIncomingCall
 *
 * Returns: the transferor's name to show, or an empty string
 */
const char *
baton_incoming_call_get_transferor_display_name (BatonIncomingCall *self)
{
  g_return_val_if_fail (BATON_IS_INCOMING_CALL (self), NULL);
  return self->transferor_display_name;
}

/**
 * baton_incoming_call_get_end_code:
 * @self: a #BatonIncomingCall
 *
 * Returns: the [property@IncomingCall:end-code]
 */
guint
baton_incoming_call_get_end_code (BatonIncomingCall *self)
{
  g_return_val_if_fail (BATON_IS_INCOMING_CALL (self), 0);

  return self->end_code;
}

/**
 * baton_incoming_call_get_end_subcode:
 * @self: a #BatonIncomingCall
 *
 * Returns: the [property@IncomingCall:end-subcode]
 */
guint
baton_incoming_call_get_end_subcode (BatonIncomingCall *self)
{
  g_return_val_if_fail (BATON_IS_INCOMING_CALL (self), 0);

  return self->end_subcode;
}
