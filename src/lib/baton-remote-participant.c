/* baton-remote-participant.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton"

#include "config.h"

#include "baton-enum-types.h"
#include "baton-remote-participant-private.h"
#include "baton-util-private.h"

/**
 * BatonRemoteParticipant:
 *
 * The other party of a [class@Call].
 */
struct _BatonRemoteParticipant
{
  GObject               parent_instance;

  char                 *id;
  char                 *display_name;
  BatonParticipantState state;
  gboolean              is_muted;
};

G_DEFINE_FINAL_TYPE (BatonRemoteParticipant, baton_remote_participant, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_STATE,
  PROP_IS_MUTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
baton_remote_participant_finalize (GObject *object)
{
  BatonRemoteParticipant *self = (BatonRemoteParticipant *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (baton_remote_participant_parent_class)->finalize (object);
}

static void
baton_remote_participant_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  BatonRemoteParticipant *self = BATON_REMOTE_PARTICIPANT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_IS_MUTED:
      g_value_set_boolean (value, self->is_muted);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_remote_participant_class_init (BatonRemoteParticipantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = baton_remote_participant_finalize;
  object_class->get_property = baton_remote_participant_get_property;

  /**
   * BatonRemoteParticipant:id:
   *
   * The user id of the participant. It may change while an outgoing call is
   * forwarded to somebody else, and when it is answered.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonRemoteParticipant:display-name:
   *
   * The participant's name to show (the id until the service says better).
   */
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonRemoteParticipant:state:
   *
   * The participant's state in the call.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       BATON_TYPE_PARTICIPANT_STATE,
                       BATON_PARTICIPANT_STATE_IDLE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonRemoteParticipant:is-muted:
   *
   * Whether the participant muted their microphone.
   */
  properties[PROP_IS_MUTED] =
    g_param_spec_boolean ("is-muted", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
baton_remote_participant_init (BatonRemoteParticipant *self)
{
}

BatonRemoteParticipant *
baton_remote_participant_new (const char *id,
                              const char *display_name)
{
  BatonRemoteParticipant *self = g_object_new (BATON_TYPE_REMOTE_PARTICIPANT, NULL);

  self->id = g_strdup (id);
  self->display_name = g_strdup (display_name && *display_name ? display_name : id);
  return self;
}

void
baton_remote_participant_set_id (BatonRemoteParticipant *self,
                                 const char             *id)
{
  g_return_if_fail (BATON_IS_REMOTE_PARTICIPANT (self));

  if (baton_set_str (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

void
baton_remote_participant_set_display_name (BatonRemoteParticipant *self,
                                           const char             *display_name)
{
  g_return_if_fail (BATON_IS_REMOTE_PARTICIPANT (self));

  if (display_name == NULL || *display_name == '\0')
    display_name = self->id;
  if (baton_set_str (&self->display_name, display_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

void
baton_remote_participant_set_state (BatonRemoteParticipant *self,
                                    BatonParticipantState   state)
{
  g_return_if_fail (BATON_IS_REMOTE_PARTICIPANT (self));

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
baton_remote_participant_set_is_muted (BatonRemoteParticipant *self,
                                       gboolean                is_muted)
{
  g_return_if_fail (BATON_IS_REMOTE_PARTICIPANT (self));

  is_muted = !!is_muted;
  if (self->is_muted == is_muted)
    return;
  self->is_muted = is_muted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_MUTED]);
}

/**
 * baton_remote_participant_get_id:
 * @self: a #BatonRemoteParticipant
 *
 * Returns: the participant's user id
 */
const char *
baton_remote_participant_get_id (BatonRemoteParticipant *self)
{
  g_return_val_if_fail (BATON_IS_REMOTE_PARTICIPANT (self), NULL);
  return self->id;
}

/**
 * baton_remote_participant_get_display_name:
 * @self: a #BatonRemoteParticipant
 *
 * Returns: the participant's name to show
 */
const char *
baton_remote_participant_get_display_name (BatonRemoteParticipant *self)
{
  g_return_val_if_fail (BATON_IS_REMOTE_PARTICIPANT (self), NULL);
  return self->display_name;
}

/**
 * baton_remote_participant_get_state:
 * @self: a #BatonRemoteParticipant
 *
 * Returns: the participant's state
 */
BatonParticipantState
baton_remote_participant_get_state (BatonRemoteParticipant *self)
{
  g_return_val_if_fail (BATON_IS_REMOTE_PARTICIPANT (self), BATON_PARTICIPANT_STATE_IDLE);
  return self->state;
}

/**
 * baton_remote_participant_get_is_muted:
 * @self: a #BatonRemoteParticipant
 *
 * Returns: whether the participant is muted
 */
gboolean
baton_remote_participant_get_is_muted (BatonRemoteParticipant *self)
{
  g_return_val_if_fail (BATON_IS_REMOTE_PARTICIPANT (self), FALSE);
  return self->is_muted;
}
