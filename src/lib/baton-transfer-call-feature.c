/* baton-transfer-call-feature.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton-Transfer"

#include "config.h"

#include "baton-call-agent-private.h"
#include "baton-call-private.h"
#include "baton-error-private.h"
#include "baton-log-private.h"
#include "baton-remote-participant.h"
#include "baton-signaling-connection-private.h"
#include "baton-transfer-call-feature-private.h"
#include "baton-transfer-private.h"

/**
 * BatonTransferCallFeature:
 *
 * Transfers a call: the remote participant of the call (the *transferee*)
 * gets connected to somebody else (the *target*), and this side (the
 * *transferor*) leaves.
 *
 * Get it with [method@Call.get_transfer_feature] or
 * `baton_call_get_feature (call, BATON_TYPE_TRANSFER_CALL_FEATURE)`.
 *
 * On the transferee's side, [signal@TransferCallFeature::transfer-accepted]
 * tells the application about the new call to the target. Whatever fails,
 * no call is lost: a failed transfer resumes the original call.
 */
struct _BatonTransferCallFeature
{
  GObject  parent_instance;

  GWeakRef call;
};

G_DEFINE_FINAL_TYPE (BatonTransferCallFeature, baton_transfer_call_feature, G_TYPE_OBJECT)

enum {
  TRANSFER_ACCEPTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
baton_transfer_call_feature_finalize (GObject *object)
{
  BatonTransferCallFeature *self = (BatonTransferCallFeature *)object;

  g_weak_ref_clear (&self->call);

  G_OBJECT_CLASS (baton_transfer_call_feature_parent_class)->finalize (object);
}

static void
baton_transfer_call_feature_class_init (BatonTransferCallFeatureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = baton_transfer_call_feature_finalize;

  /**
   * BatonTransferCallFeature::transfer-accepted:
   * @self: the feature of the transferee's original call
   * @target_call: the new call to the target
   *
   * Emitted on the transferee's side when somebody transferred this call
   * and the agent accepted: @target_call is the new call to the target. The
   * original call ends once the transfer succeeded, or resumes if it fails.
   */
  signals[TRANSFER_ACCEPTED] =
    g_signal_new ("transfer-accepted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BATON_TYPE_CALL);
}

static void
baton_transfer_call_feature_init (BatonTransferCallFeature *self)
{
  g_weak_ref_init (&self->call, NULL);
}

BatonTransferCallFeature *
baton_transfer_call_feature_new (BatonCall *call)
{
  BatonTransferCallFeature *self = g_object_new (BATON_TYPE_TRANSFER_CALL_FEATURE, NULL);

  g_weak_ref_set (&self->call, call);
  return self;
}

void
baton_transfer_call_feature_emit_transfer_accepted (BatonTransferCallFeature *self,
                                                    BatonCall                *new_call)
{
  g_signal_emit (self, signals[TRANSFER_ACCEPTED], 0, new_call);
}

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(BatonTransfer) transfer = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *transfer_id;
  guint code = 0, subcode = 0;

  reply = baton_call_agent_request_finish (BATON_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    {
      if (!baton_error_get_service_code (error, &code, &subcode))
        {
          code = 410;
          subcode = 10008;
        }
      baton_transfer_fail (transfer, code, subcode, error->message);
      return;
    }

  transfer_id = baton_json_get_string (reply, "transfer_id");
  if (transfer_id == NULL)
    {
      baton_transfer_fail (transfer, 400, 10012, "The service did not give the transfer an id");
      return;
    }
  baton_transfer_set_transfer_id (transfer, transfer_id);
  baton_call_agent_add_transfer (BATON_CALL_AGENT (object), transfer);
}

static BatonTransfer *
start_transfer (BatonTransferCallFeature *self,
                const char               *target_id,
                const char               *target_call_id,
                gboolean                  disable_forwarding_and_unanswered,
                GError                  **error)
{
  g_autoptr(BatonCall) call = g_weak_ref_get (&self->call);
  BatonCallAgent *agent;
  BatonTransfer *transfer;
  JsonObject *message;
  JsonObject *target;
  BatonCallState state;

  if (call == NULL || (agent = baton_call_get_agent (call)) == NULL)
    {
      g_set_error (error, BATON_ERROR, BATON_ERROR_INVALID_STATE, "The call is gone");
      return NULL;
    }
  if (!baton_call_agent_is_connected (agent))
    {
      g_set_error (error, BATON_ERROR, BATON_ERROR_NOT_CONNECTED,
                   "Not connected to the calling service");
      return NULL;
    }
  state = baton_call_get_state (call);
  if (baton_call_get_id (call) == NULL ||
      (state != BATON_CALL_STATE_CONNECTED && state != BATON_CALL_STATE_LOCAL_HOLD &&
       state != BATON_CALL_STATE_REMOTE_HOLD))
    {
      g_set_error (error, BATON_ERROR, BATON_ERROR_INVALID_STATE,
                   "Only an answered call can be transferred");
      return NULL;
    }

  if (target_id == NULL && target_call_id != NULL)
    {
      BatonCall *target_call = baton_call_agent_find_call (agent, target_call_id);

      if (target_call)
        {
          g_autoptr(BatonRemoteParticipant) peer =
            g_list_model_get_item (baton_call_get_remote_participants (target_call), 0);

          if (peer)
            target_id = baton_remote_participant_get_id (peer);
        }
    }

  transfer = baton_transfer_new (target_id, target_call_id);
  baton_call_track_transfer (call, transfer);

  message = json_object_new ();
  json_object_set_string_member (message, "type", "transfer.request");
  json_object_set_string_member (message, "call_id", baton_call_get_id (call));
  target = json_object_new ();
  if (target_call_id)
    {
      json_object_set_string_member (target, "call_id", target_call_id);
    }
  else
    {
      json_object_set_string_member (target, "user_id", target_id);
      json_object_set_boolean_member (message, "disable_forwarding_and_unanswered",
                                      disable_forwarding_and_unanswered);
    }
  json_object_set_object_member (message, "target", target);

  BATON_INFO ("transferring call %s", baton_call_get_id (call));
  baton_call_agent_request_async (agent, message, NULL, request_cb, g_object_ref (transfer));
  return transfer;
}

/**
 * baton_transfer_call_feature_transfer_to_participant:
 * @self: a #BatonTransferCallFeature
 * @target_id: the user to transfer the call to
 * @disable_forwarding_and_unanswered: %TRUE to ignore the target's
 *   forwarding settings and fail with 487/10004 when the target does not
 *   answer; %FALSE to follow them (forward always, forward when unanswered)
 * @error: return location for a #GError
 *
 * Blind transfer: asks the service to connect the remote participant of
 * the call with @target_id. The call goes on hold meanwhile.
 *
 * The service's refusals arrive as the transfer's failure, with
 * [property@Transfer:error-code] and [property@Transfer:error-subcode]:
 * 404/0 an unknown user, 400/10210 a party of the call itself (this user or
 * the transferee), 409/10209 another transfer of the call in progress,
 * 400/10012 an id that is not valid.
 *
 * Returns: (transfer full): the transfer, in %BATON_TRANSFER_STATE_TRANSFERRING;
 *   failures reported by the service later make it %BATON_TRANSFER_STATE_FAILED.
 *   %NULL with @error set when the transfer cannot even start:
 *   %BATON_ERROR_INVALID_ARGUMENT for an empty @target_id,
 *   %BATON_ERROR_INVALID_STATE when the call is not answered (or has ended),
 *   %BATON_ERROR_NOT_CONNECTED when the agent is not connected
 */
BatonTransfer *
baton_transfer_call_feature_transfer_to_participant (BatonTransferCallFeature *self,
                                                     const char               *target_id,
                                                     gboolean                  disable_forwarding_and_unanswered,
                                                     GError                  **error)
{
  g_return_val_if_fail (BATON_IS_TRANSFER_CALL_FEATURE (self), NULL);
  g_return_val_if_fail (target_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (*target_id == '\0')
    {
      g_set_error_literal (error, BATON_ERROR, BATON_ERROR_INVALID_ARGUMENT,
                           "No target: the user id is empty");
      return NULL;
    }

  return start_transfer (self, target_id, NULL, disable_forwarding_and_unanswered, error);
}

/**
 * baton_transfer_call_feature_transfer_to_call:
 * @self: a #BatonTransferCallFeature
 * @target_call_id: the [property@Call:id] of another call of this agent
 * @error: return location for a #GError
 *
 * Attended (consultative) transfer: connects the remote participant of this
 * call with the remote participant of the call @target_call_id, which the new
 * call replaces. Fails with 404/10202 if that call is not this agent's or has
 * ended (this call itself included), 409/10209 if a transfer of either call
 * is in progress.
 *
 * Returns: (transfer full): the transfer, in %BATON_TRANSFER_STATE_TRANSFERRING;
 *   %NULL with @error set as for
 *   [method@TransferCallFeature.transfer_to_participant]
 */
BatonTransfer *
baton_transfer_call_feature_transfer_to_call (BatonTransferCallFeature *self,
                                              const char               *target_call_id,
                                              GError                  **error)
{
  g_return_val_if_fail (BATON_IS_TRANSFER_CALL_FEATURE (self), NULL);
  g_return_val_if_fail (target_call_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (*target_call_id == '\0')
    {
      g_set_error_literal (error, BATON_ERROR, BATON_ERROR_INVALID_ARGUMENT,
                           "No target: the call id is empty");
      return NULL;
    }

  return start_transfer (self, NULL, target_call_id, FALSE, error);
}
