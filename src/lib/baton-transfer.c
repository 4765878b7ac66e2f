/* baton-transfer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton-Transfer"

#include "config.h"

#include "baton-enum-types.h"
#include "baton-log-private.h"
#include "baton-transfer-private.h"
#include "baton-util-private.h"

/**
 * BatonTransfer:
 *
 * One transfer of a call, as the transferor sees it, made by
 * [method@TransferCallFeature.transfer_to_participant] or
 * [method@TransferCallFeature.transfer_to_call].
 *
 * It starts in %BATON_TRANSFER_STATE_TRANSFERRING and ends either
 * %BATON_TRANSFER_STATE_TRANSFERRED (the transferee talks to the target; the
 * service then ends the original call with 0/10207) or
 * %BATON_TRANSFER_STATE_FAILED, with [property@Transfer:error-code],
 * [property@Transfer:error-subcode] and [property@Transfer:error-message]
 * saying why; then the original call is resumed.
 */
struct _BatonTransfer
{
  GObject            parent_instance;

  char              *transfer_id;
  BatonTransferState state;
  guint              error_code;
  guint              error_subcode;
  char              *error_message;
  char              *target_id;
  char              *target_call_id;
  char              *new_call_id;
};

G_DEFINE_FINAL_TYPE (BatonTransfer, baton_transfer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_ERROR_CODE,
  PROP_ERROR_SUBCODE,
  PROP_ERROR_MESSAGE,
  PROP_TARGET_ID,
  PROP_TARGET_CALL_ID,
  N_PROPS
};

enum {
  STATE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
baton_transfer_finalize (GObject *object)
{
  BatonTransfer *self = (BatonTransfer *)object;

  g_clear_pointer (&self->transfer_id, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->target_id, g_free);
  g_clear_pointer (&self->target_call_id, g_free);
  g_clear_pointer (&self->new_call_id, g_free);

  G_OBJECT_CLASS (baton_transfer_parent_class)->finalize (object);
}

static void
baton_transfer_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BatonTransfer *self = BATON_TRANSFER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR_CODE:
      g_value_set_uint (value, self->error_code);
      break;
    case PROP_ERROR_SUBCODE:
      g_value_set_uint (value, self->error_subcode);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_TARGET_ID:
      g_value_set_string (value, self->target_id);
      break;
    case PROP_TARGET_CALL_ID:
      g_value_set_string (value, self->target_call_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_transfer_class_init (BatonTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = baton_transfer_finalize;
  object_class->get_property = baton_transfer_get_property;

  /**
   * BatonTransfer:state:
   *
   * The state of the transfer.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       BATON_TYPE_TRANSFER_STATE,
                       BATON_TRANSFER_STATE_NONE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonTransfer:error-code:
   *
   * Why the transfer failed: the HTTP-style code (e.g. 486 busy), or 0.
   */
  properties[PROP_ERROR_CODE] =
    g_param_spec_uint ("error-code", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonTransfer:error-subcode:
   *
   * Why the transfer failed: the subcode (e.g. 10004 no answer), or 0.
   */
  properties[PROP_ERROR_SUBCODE] =
    g_param_spec_uint ("error-subcode", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonTransfer:error-message:
   *
   * Why the transfer failed, in English, or %NULL.
   */
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonTransfer:target-id:
   *
   * The user the call is transferred to, if known.
   */
  properties[PROP_TARGET_ID] =
    g_param_spec_string ("target-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonTransfer:target-call-id:
   *
   * For a transfer to a call, the id of the call replaced; otherwise %NULL.
   */
  properties[PROP_TARGET_CALL_ID] =
    g_param_spec_string ("target-call-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BatonTransfer::state-changed:
   * @self: the transfer
   * @old_state: the previous state
   * @new_state: the new state
   *
   * Emitted when [property@Transfer:state] changes, after the error
   * properties are set.
   */
  signals[STATE_CHANGED] =
    g_signal_new ("state-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 2, BATON_TYPE_TRANSFER_STATE, BATON_TYPE_TRANSFER_STATE);
}

static void
baton_transfer_init (BatonTransfer *self)
{
}

BatonTransfer *
baton_transfer_new (const char *target_id,
                    const char *target_call_id)
{
  BatonTransfer *self = g_object_new (BATON_TYPE_TRANSFER, NULL);

  self->target_id = g_strdup (target_id);
  self->target_call_id = g_strdup (target_call_id);
  self->state = BATON_TRANSFER_STATE_TRANSFERRING;
  return self;
}

const char *
baton_transfer_get_transfer_id (BatonTransfer *self)
{
  return self->transfer_id;
}

void
baton_transfer_set_transfer_id (BatonTransfer *self,
                                const char    *transfer_id)
{
  baton_set_str (&self->transfer_id, transfer_id);
}

const char *
baton_transfer_get_new_call_id (BatonTransfer *self)
{
  return self->new_call_id;
}

void
baton_transfer_set_target_id (BatonTransfer *self,
                              const char    *target_id)
{
  if (baton_set_str (&self->target_id, target_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET_ID]);
}

static void
set_state (BatonTransfer      *self,
           BatonTransferState  state)
{
  BatonTransferState old_state = self->state;

  if (old_state == state)
    return;

  self->state = state;
  BATON_INFO ("transfer %s: %s", self->transfer_id ? self->transfer_id : "(new)",
              state == BATON_TRANSFER_STATE_TRANSFERRED ? "transferred" :
              state == BATON_TRANSFER_STATE_FAILED ? "failed" : "transferring");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_signal_emit (self, signals[STATE_CHANGED], 0, old_state, state);
}

static void
set_error (BatonTransfer *self,
           guint          code,
           guint          subcode,
           const char    *message)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->error_code != code)
    {
      self->error_code = code;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_CODE]);
    }
  if (self->error_subcode != subcode)
    {
      self->error_subcode = subcode;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_SUBCODE]);
    }
  if (baton_set_str (&self->error_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
baton_transfer_is_finished (BatonTransfer *self)
{
  return self->state == BATON_TRANSFER_STATE_TRANSFERRED ||
         self->state == BATON_TRANSFER_STATE_FAILED;
}

void
baton_transfer_fail (BatonTransfer *self,
                     guint          code,
                     guint          subcode,
                     const char    *message)
{
  if (baton_transfer_is_finished (self))
    return;

  set_error (self, code, subcode, message);
  set_state (self, BATON_TRANSFER_STATE_FAILED);
}

void
baton_transfer_update (BatonTransfer *self,
                       const char    *state,
                       guint          code,
                       guint          subcode,
                       const char    *message,
                       const char    *new_call_id)
{
  if (new_call_id && *new_call_id)
    baton_set_str (&self->new_call_id, new_call_id);

  if (baton_transfer_is_finished (self))
    return;

  if (g_strcmp0 (state, "transferred") == 0)
    set_state (self, BATON_TRANSFER_STATE_TRANSFERRED);
  else if (g_strcmp0 (state, "failed") == 0)
    baton_transfer_fail (self, code, subcode, message);
}

/**
 * baton_transfer_get_state:
 * @self: a #BatonTransfer
 *
 * Returns: the state of the transfer
 */
BatonTransferState
baton_transfer_get_state (BatonTransfer *self)
{
  g_return_val_if_fail (BATON_IS_TRANSFER (self), BATON_TRANSFER_STATE_NONE);
  return self->state;
}

/**
 * baton_transfer_get_error_code:
 * @self: a #BatonTransfer
 *
 * Returns: the code of the failure, or 0
 */
guint
baton_transfer_get_error_code (BatonTransfer *self)
{
  g_return_val_if_fail (BATON_IS_TRANSFER (self), 0);
  return self->error_code;
}

/**
 * baton_transfer_get_error_subcode:
 * @self: a #BatonTransfer
 *
 * Returns: the subcode of the failure, or 0
 */
guint
baton_transfer_get_error_subcode (BatonTransfer *self)
{
  g_return_val_if_fail (BATON_IS_TRANSFER (self), 0);
  return self->error_subcode;
}

/**
 * baton_transfer_get_error_message:
 * @self: a #BatonTransfer
 *
 * Returns: (nullable): the message of the failure
 */
const char *
baton_transfer_get_error_message (BatonTransfer *self)
{
  g_return_val_if_fail (BATON_IS_TRANSFER (self), NULL);
  return self->error_message;
}

/**
 * baton_transfer_get_target_id:
 * @self: a #BatonTransfer
 *
 * Returns: (nullable): the user the call is transferred to
 */
const char *
baton_transfer_get_target_id (BatonTransfer *self)
{
  g_return_val_if_fail (BATON_IS_TRANSFER (self), NULL);
  return self->target_id;
}

/**
 * baton_transfer_get_target_call_id:
 * @self: a #BatonTransfer
 *
 * Returns: (nullable): the call replaced by a transfer to a call
 */
const char *
baton_transfer_get_target_call_id (BatonTransfer *self)
{
  g_return_val_if_fail (BATON_IS_TRANSFER (self), NULL);
  return self->target_call_id;
}
