/* baton-call.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton-Call"

#include "config.h"

#include "baton-call-agent-private.h"
#include "baton-call-private.h"
#include "baton-enum-types.h"
#include "baton-error-private.h"
#include "baton-log-private.h"
#include "baton-media-session-private.h"
#include "baton-remote-participant-private.h"
#include "baton-signaling-connection-private.h"
#include "baton-transfer-call-feature-private.h"
#include "baton-transfer-private.h"
#include "baton-util-private.h"

/**
 * BatonCall:
 *
 * A call between this agent and one remote participant.
 *
 * A call is created by [method@CallAgent.start_call] or
 * [method@IncomingCall.accept] and lives in the agent's
 * [property@CallAgent:calls] until it is %BATON_CALL_STATE_DISCONNECTED; then
 * [property@Call:end-code], [property@Call:end-subcode] and
 * [property@Call:end-message] say why it ended (see the table of codes in
 * the protocol documentation: 0/0 a hang-up, 486/0 busy, 603/0 declined, …).
 *
 * The call is %BATON_CALL_STATE_CONNECTED once the callee answered and the
 * session descriptions are exchanged; media flows peer to peer from then on
 * (or a moment later, once ICE and DTLS are done).
 *
 * An agent keeps at most one call un-held: starting, accepting or resuming a
 * call puts the others on hold, like a desk phone.
 */
struct _BatonCall
{
  GObject                   parent_instance;

  BatonCallAgent           *agent;          /* weak */
  char                     *id;
  BatonCallState            state;
  BatonCallDirection        direction;
  GListStore               *participants;
  BatonRemoteParticipant   *participant;
  gboolean                  is_muted;
  guint                     end_code;
  guint                     end_subcode;
  char                     *end_message;
  GDateTime                *start_time;
  BatonTransferCallFeature *transfer_feature;

  BatonMediaSession        *media;
  GCancellable             *cancellable;
  GPtrArray                *pending_remote_ice; /* JsonObject, until the remote description is set */
  GPtrArray                *pending_local_ice;  /* JsonObject, until the call has an id */
  char                     *transfer_id;        /* for A′ on the transferee */
  GWeakRef                  original;           /* for A′: the call A */

  guint                     holds_pending;      /* hold/resume requests in flight */
  guint                     transfers;          /* transfers of this call in progress, from here */

  guint                     answered : 1;
  guint                     accept_sent : 1;
  guint                     ringing : 1;
  guint                     local_held : 1;
  guint                     remote_held : 1;
  guint                     hanging_up : 1;
  guint                     hangup_pending : 1;
  guint                     ended : 1;
  guint                     remote_description_set : 1;
  guint                     media_reported : 1;
};

G_DEFINE_FINAL_TYPE (BatonCall, baton_call, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_STATE,
  PROP_DIRECTION,
  PROP_REMOTE_PARTICIPANTS,
  PROP_IS_MUTED,
  PROP_END_CODE,
  PROP_END_SUBCODE,
  PROP_END_MESSAGE,
  PROP_START_TIME,
  N_PROPS
};

enum {
  STATE_CHANGED,
  DTMF_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
state_name (BatonCallState state)
{
  GEnumClass *klass = g_type_class_peek (BATON_TYPE_CALL_STATE);
  GEnumValue *value = klass ? g_enum_get_value (klass, state) : NULL;

  return value ? value->value_nick : "?";
}

static JsonObject *
new_message (const char *type,
             const char *call_id)
{
  JsonObject *message = json_object_new ();

  json_object_set_string_member (message, "type", type);
  if (call_id)
    json_object_set_string_member (message, "call_id", call_id);
  return message;
}

static void
set_state (BatonCall      *self,
           BatonCallState  state)
{
  BatonCallState old_state = self->state;

  if (old_state == state)
    return;

  self->state = state;
  BATON_INFO ("call %s: %s → %s", self->id ? self->id : "(new)",
              state_name (old_state), state_name (state));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_signal_emit (self, signals[STATE_CHANGED], 0, old_state, state);
}

static void
update (BatonCall *self)
{
  BatonCallState state;
  BatonParticipantState pstate;

  if (self->ended)
    return;

  if (self->hanging_up)
    state = BATON_CALL_STATE_DISCONNECTING;
  else if (!self->answered)
    state = self->ringing ? BATON_CALL_STATE_RINGING : BATON_CALL_STATE_CONNECTING;
  else if (self->local_held)
    state = BATON_CALL_STATE_LOCAL_HOLD;
  else if (self->remote_held)
    state = BATON_CALL_STATE_REMOTE_HOLD;
  else
    state = BATON_CALL_STATE_CONNECTED;

  if (!self->answered)
    pstate = self->ringing ? BATON_PARTICIPANT_STATE_RINGING : BATON_PARTICIPANT_STATE_CONNECTING;
  else if (self->remote_held)
    pstate = BATON_PARTICIPANT_STATE_HOLD;
  else
    pstate = BATON_PARTICIPANT_STATE_CONNECTED;

  if (self->media)
    {
      gboolean held = self->local_held || self->remote_held;

      /* On hold nothing is sent either way; the holder also plays nothing
       * (the peer sends silence anyway). Held by either side, the call's
       * microphone stream is corked, its speaker stream goes, nothing is
       * decoded, echo-cancelled or encoded: the session sends a frame of
       * Opus silence every second, so ICE, DTLS and the peer's watchdog
       * stay up (see baton_media_session_set_held ()). */
      baton_media_session_set_sending (self->media, self->answered && !held && !self->is_muted);
      baton_media_session_set_playing (self->media, !self->local_held);
      baton_media_session_set_held (self->media, held);
    }

  if (self->answered && self->start_time == NULL)
    {
      self->start_time = g_date_time_new_now_utc ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START_TIME]);
    }

  baton_remote_participant_set_state (self->participant, pstate);
  set_state (self, state);
}

static void
update_peer (BatonCall  *self,
             JsonObject *user)
{
  const char *id = baton_json_get_string (user, "id");

  if (id == NULL)
    return;
  baton_remote_participant_set_id (self->participant, id);
  baton_remote_participant_set_display_name (self->participant,
                                             baton_json_get_string (user, "display_name"));
}

static void
close_media (BatonCall *self)
{
  g_cancellable_cancel (self->cancellable);
  if (self->media)
    {
      g_signal_handlers_disconnect_by_data (self->media, self);
      baton_media_session_close (self->media);
      g_clear_object (&self->media);
    }
}

void
baton_call_end (BatonCall  *self,
                guint       code,
                guint       subcode,
                const char *message)
{
  g_autoptr(BatonCall) hold = NULL;

  g_return_if_fail (BATON_IS_CALL (self));

  if (self->ended)
    return;

  hold = g_object_ref (self);
  self->ended = TRUE;
  close_media (self);

  BATON_INFO ("call %s ended: %u/%u %s", self->id ? self->id : "(new)", code, subcode,
              message ? message : "");

  g_object_freeze_notify (G_OBJECT (self));
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
  if (baton_set_str (&self->end_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END_MESSAGE]);
  g_object_thaw_notify (G_OBJECT (self));

  baton_remote_participant_set_state (self->participant, BATON_PARTICIPANT_STATE_DISCONNECTED);
  set_state (self, BATON_CALL_STATE_DISCONNECTED);

  if (self->agent)
    baton_call_agent_call_ended (self->agent, self);
}

gboolean
baton_call_is_ended (BatonCall *self)
{
  return self->ended;
}

gboolean
baton_call_is_active (BatonCall *self)
{
  return !self->ended && !self->hanging_up && self->answered && !self->local_held;
}

BatonCallAgent *
baton_call_get_agent (BatonCall *self)
{
  return self->agent;
}

BatonMediaSession *
baton_call_get_media_session (BatonCall *self)
{
  return self->media;
}

const char *
baton_call_get_live_transfer_id (BatonCall *self)
{
  return self->ended ? NULL : self->transfer_id;
}

static void
send (BatonCall  *self,
      JsonObject *message)
{
  if (self->agent)
    baton_call_agent_send (self->agent, message);
  else
    json_object_unref (message);
}

/* Tells the service this side ends the call. An incoming call accepted
 * here whose answer has not gone out yet still rings for the service,
 * which refuses a call.hangup from a ringing callee (409): the caller would
 * ring on until the unanswered timeout. It is declined instead. */
static void
send_end (BatonCall *self)
{
  if (self->direction == BATON_CALL_DIRECTION_INCOMING && !self->answered && !self->accept_sent)
    {
      JsonObject *message = new_message ("call.reject", self->id);

      json_object_set_string_member (message, "reason", "declined");
      send (self, message);
    }
  else
    send (self, new_message ("call.hangup", self->id));
}

/* ICE */

static void
send_local_candidate (BatonCall  *self,
                      JsonObject *message)
{
  json_object_set_string_member (message, "call_id", self->id);
  send (self, message);
}

static void
local_candidate_cb (BatonMediaSession *media,
                    guint              mline_index,
                    const char        *candidate,
                    gpointer           user_data)
{
  BatonCall *self = user_data;
  JsonObject *message = new_message ("ice", NULL);

  json_object_set_string_member (message, "candidate", candidate ? candidate : "");
  json_object_set_int_member (message, "sdp_mline_index", mline_index);

  if (self->id)
    send_local_candidate (self, message);
  else
    g_ptr_array_add (self->pending_local_ice, message);
}

static void
flush_local_ice (BatonCall *self)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending_local_ice);

  self->pending_local_ice = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < pending->len; i++)
    send_local_candidate (self, json_object_ref (g_ptr_array_index (pending, i)));
}

static void
add_remote_candidate (BatonCall  *self,
                      JsonObject *event)
{
  if (self->media)
    baton_media_session_add_remote_candidate (self->media,
                                              baton_json_get_int (event, "sdp_mline_index"),
                                              baton_json_get_string (event, "candidate"));
}

static void
remote_description_set (BatonCall *self)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending_remote_ice);

  self->pending_remote_ice = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->remote_description_set = TRUE;
  for (guint i = 0; i < pending->len; i++)
    add_remote_candidate (self, g_ptr_array_index (pending, i));
}

/* Media */

static void
report_media (BatonCall  *self,
              const char *state)
{
  JsonObject *message;

  if (self->id == NULL || self->media_reported)
    return;

  self->media_reported = TRUE;
  message = new_message ("call.media", self->id);
  json_object_set_string_member (message, "state", state);
  send (self, message);
}

static void
media_state_cb (BatonMediaSession *media,
                GParamSpec        *pspec,
                gpointer           user_data)
{
  BatonCall *self = user_data;
  BatonMediaState state = baton_media_session_get_state (media);

  if (state == BATON_MEDIA_STATE_CONNECTED)
    {
      BATON_INFO ("call %s: media connected", self->id ? self->id : "(new)");
      report_media (self, "connected");
    }
  else if (state == BATON_MEDIA_STATE_FAILED)
    {
      BATON_WARNING ("call %s: media failed", self->id ? self->id : "(new)");
      report_media (self, "failed");
      if (self->id)
        send_end (self);
      baton_call_end (self, 410, 301005, "Media connectivity was lost or could not be established");
    }
}

static void
media_dtmf_cb (BatonMediaSession *media,
               guint              tone,
               gpointer           user_data)
{
  BatonCall *self = user_data;

  if (tone <= BATON_DTMF_TONE_D)
    g_signal_emit (self, signals[DTMF_RECEIVED], 0, (BatonDtmfTone) tone);
}

static gboolean
ensure_media (BatonCall *self)
{
  if (self->media)
    return TRUE;
  if (self->agent == NULL)
    return FALSE;

  self->media = baton_call_agent_create_media_session (self->agent, self->id);
  if (self->media == NULL)
    return FALSE;

  g_signal_connect (self->media, "local-candidate", G_CALLBACK (local_candidate_cb), self);
  g_signal_connect (self->media, "notify::state", G_CALLBACK (media_state_cb), self);
  g_signal_connect (self->media, "dtmf-received", G_CALLBACK (media_dtmf_cb), self);
  update (self);
  return TRUE;
}

static void
media_start_failed (BatonCall    *self,
                    const GError *error)
{
  BATON_WARNING ("call %s: could not set up media: %s", self->id ? self->id : "(new)",
                 error ? error->message : "no media session");
  if (self->id)
    send_end (self);
  baton_call_end (self, 410, 301005, "The media of the call could not be set up");
}

/* The service gave the call its id */

static void
got_id (BatonCall  *self,
        const char *call_id)
{
  if (baton_set_str (&self->id, call_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
  if (self->agent)
    baton_call_agent_index_call (self->agent, self);
  flush_local_ice (self);

  if (self->hangup_pending)
    {
      send (self, new_message ("call.hangup", self->id));
      baton_call_end (self, 0, 0, "hung up");
    }
}

static void
send_mute (BatonCall *self)
{
  JsonObject *message = new_message ("call.mute", self->id);

  json_object_set_boolean_member (message, "muted", self->is_muted);
  send (self, message);
}

/* The service tells the other party of a mute only once the call is
 * answered (before, it has no other party yet): a mute set earlier is sent
 * now. */
static void
set_answered (BatonCall *self)
{
  if (self->answered)
    return;
  self->answered = TRUE;
  if (self->is_muted && self->id)
    send_mute (self);
}

static void
request_failed (BatonCall    *self,
                const GError *error)
{
  guint code = 0, subcode = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (!baton_error_get_service_code (error, &code, &subcode))
    {
      code = 410;
      subcode = 10008;
    }
  baton_call_end (self, code, subcode, error->message);
}

/* Outgoing */

static void
invite_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BatonCall) self = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *call_id;

  reply = baton_call_agent_request_finish (BATON_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    {
      request_failed (self, error);
      return;
    }

  call_id = baton_json_get_string (reply, "call_id");
  if (call_id == NULL)
    {
      baton_call_end (self, 400, 10012, "The service did not give the call an id");
      return;
    }

  if (self->ended)
    {
      /* Hung up while we waited (the service knows nothing of our end). */
      send (self, new_message ("call.hangup", call_id));
      return;
    }

  got_id (self, call_id);

  if (!self->ended && self->transfer_id)
    {
      g_autoptr(BatonCall) original = g_weak_ref_get (&self->original);

      if (original)
        baton_transfer_call_feature_emit_transfer_accepted (baton_call_get_transfer_feature (original),
                                                            self);
    }
}

static void
offer_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(BatonCall) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sdp = NULL;
  JsonObject *message;

  sdp = baton_media_session_create_offer_finish (BATON_MEDIA_SESSION (object), result, &error);
  if (self->ended || self->agent == NULL)
    return;
  if (sdp == NULL)
    {
      media_start_failed (self, error);
      return;
    }

  if (self->transfer_id)
    {
      message = new_message ("transfer.accept", NULL);
      json_object_set_string_member (message, "transfer_id", self->transfer_id);
    }
  else
    {
      message = new_message ("call.invite", NULL);
      json_object_set_string_member (message, "to",
                                     baton_remote_participant_get_id (self->participant));
    }
  json_object_set_string_member (message, "sdp", sdp);

  baton_call_agent_request_async (self->agent, message, NULL, invite_cb, g_object_ref (self));
}

static void
start_offer (BatonCall *self)
{
  if (!ensure_media (self))
    {
      media_start_failed (self, NULL);
      return;
    }
  baton_media_session_create_offer_async (self->media, self->cancellable, offer_cb,
                                          g_object_ref (self));
}

void
baton_call_start_invite (BatonCall *self)
{
  g_return_if_fail (BATON_IS_CALL (self));

  start_offer (self);
}

void
baton_call_start_transfer_leg (BatonCall  *self,
                               const char *transfer_id,
                               BatonCall  *original)
{
  g_return_if_fail (BATON_IS_CALL (self));

  self->transfer_id = g_strdup (transfer_id);
  g_weak_ref_set (&self->original, original);
  start_offer (self);
}

/* Incoming */

static void
accept_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BatonCall) self = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = baton_call_agent_request_finish (BATON_CALL_AGENT (object), result, &error);
  if (self->ended)
    return;
  if (reply == NULL)
    {
      request_failed (self, error);
      return;
    }

  set_answered (self);
  update (self);
}

static void
answer_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BatonCall) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sdp = NULL;
  JsonObject *message;

  sdp = baton_media_session_create_answer_finish (BATON_MEDIA_SESSION (object), result, &error);
  if (self->ended || self->agent == NULL)
    return;
  if (sdp == NULL)
    {
      media_start_failed (self, error);
      return;
    }

  remote_description_set (self);

  message = new_message ("call.accept", self->id);
  json_object_set_string_member (message, "sdp", sdp);
  self->accept_sent = TRUE;
  baton_call_agent_request_async (self->agent, message, NULL, accept_cb, g_object_ref (self));
}

void
baton_call_start_answer (BatonCall  *self,
                         const char *offer_sdp)
{
  g_return_if_fail (BATON_IS_CALL (self));

  if (!ensure_media (self))
    {
      media_start_failed (self, NULL);
      return;
    }
  baton_media_session_create_answer_async (self->media, offer_sdp, self->cancellable,
                                           answer_cb, g_object_ref (self));
}

/* Events */

void
baton_call_handle_event (BatonCall  *self,
                         const char *type,
                         JsonObject *event)
{
  g_autoptr(BatonCall) hold = g_object_ref (self);

  if (self->ended)
    return;

  if (g_str_equal (type, "call.ringing"))
    {
      update_peer (self, baton_json_get_object (event, "to"));
      self->ringing = TRUE;
      update (self);
    }
  else if (g_str_equal (type, "call.forwarded"))
    {
      BATON_INFO ("call %s forwarded (%s)", self->id, baton_json_get_string (event, "reason"));
      update_peer (self, baton_json_get_object (event, "to"));
      self->ringing = FALSE;
      update (self);
    }
  else if (g_str_equal (type, "call.accepted"))
    {
      g_autoptr(GError) error = NULL;

      update_peer (self, baton_json_get_object (event, "peer"));
      if (self->media &&
          !baton_media_session_set_remote_answer (self->media, baton_json_get_string (event, "sdp"),
                                                  &error))
        {
          media_start_failed (self, error);
          return;
        }
      remote_description_set (self);
      set_answered (self);
      update (self);
    }
  else if (g_str_equal (type, "call.ended"))
    {
      baton_call_end (self,
                      baton_json_get_int (event, "code"),
                      baton_json_get_int (event, "subcode"),
                      baton_json_get_string (event, "message"));
    }
  else if (g_str_equal (type, "call.hold"))
    {
      gboolean held = baton_json_get_bool (event, "held");
      const char *by = baton_json_get_string (event, "by");
      const char *me = self->agent ? baton_call_agent_get_user_id (self->agent) : NULL;

      if (g_strcmp0 (by, me) == 0)
        self->local_held = held;
      else
        self->remote_held = held;
      update (self);
    }
  else if (g_str_equal (type, "call.mute"))
    {
      const char *by = baton_json_get_string (event, "by");
      const char *me = self->agent ? baton_call_agent_get_user_id (self->agent) : NULL;

      if (g_strcmp0 (by, me) != 0)
        baton_remote_participant_set_is_muted (self->participant,
                                               baton_json_get_bool (event, "muted"));
    }
  else if (g_str_equal (type, "ice"))
    {
      if (self->remote_description_set)
        add_remote_candidate (self, event);
      else
        g_ptr_array_add (self->pending_remote_ice, json_object_ref (event));
    }
  else if (g_str_equal (type, "sdp"))
    {
      BATON_INFO ("call %s: ignoring a renegotiation (%s)", self->id,
                  baton_json_get_string (event, "sdp_type"));
    }
}

void
baton_call_apply_snapshot (BatonCall  *self,
                           JsonObject *snapshot)
{
  g_autoptr(BatonCall) hold = g_object_ref (self);

  if (self->ended)
    return;

  update_peer (self, baton_json_get_object (snapshot, "peer"));
  if (g_strcmp0 (baton_json_get_string (snapshot, "state"), "connected") == 0)
    {
      if (!self->answered && self->direction == BATON_CALL_DIRECTION_OUTGOING)
        BATON_WARNING ("call %s was answered while the agent was away; its media may not flow",
                       self->id);
      set_answered (self);
    }
  else if (g_strcmp0 (baton_json_get_string (snapshot, "state"), "ringing") == 0 &&
           self->direction == BATON_CALL_DIRECTION_OUTGOING)
    self->ringing = TRUE;

  self->local_held = baton_json_get_bool (snapshot, "held_by_me");
  self->remote_held = baton_json_get_bool (snapshot, "held_by_peer");
  baton_remote_participant_set_is_muted (self->participant,
                                         baton_json_get_bool (snapshot, "peer_muted"));
  update (self);
}

static void
tracked_transfer_state_cb (BatonTransfer *transfer,
                           GParamSpec    *pspec,
                           gpointer       user_data)
{
  BatonCall *self = user_data;

  if (!baton_transfer_is_finished (transfer))
    return;
  g_signal_handlers_disconnect_by_func (transfer, tracked_transfer_state_cb, self);
  if (self->transfers > 0)
    self->transfers--;
}

/* A transfer of this call started here: until it ends, hold and resume
 * requests always go to the service (which holds the call meanwhile, and
 * keeps this side's own hold for after a failure). */
void
baton_call_track_transfer (BatonCall     *self,
                           BatonTransfer *transfer)
{
  if (baton_transfer_is_finished (transfer))
    return;
  self->transfers++;
  g_signal_connect_object (transfer, "notify::state", G_CALLBACK (tracked_transfer_state_cb),
                           self, 0);
}

void
baton_call_resend_pending (BatonCall *self)
{
  if (self->media && !self->media_reported &&
      baton_media_session_get_state (self->media) == BATON_MEDIA_STATE_CONNECTED)
    report_media (self, "connected");
}

/* GObject */

static void
baton_call_dispose (GObject *object)
{
  BatonCall *self = (BatonCall *)object;

  close_media (self);
  if (self->agent)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->agent), (gpointer *) &self->agent);
      self->agent = NULL;
    }
  g_weak_ref_set (&self->original, NULL);

  G_OBJECT_CLASS (baton_call_parent_class)->dispose (object);
}

static void
baton_call_finalize (GObject *object)
{
  BatonCall *self = (BatonCall *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_object (&self->participants);
  g_clear_object (&self->participant);
  g_clear_pointer (&self->end_message, g_free);
  g_clear_pointer (&self->start_time, g_date_time_unref);
  g_clear_object (&self->transfer_feature);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending_remote_ice, g_ptr_array_unref);
  g_clear_pointer (&self->pending_local_ice, g_ptr_array_unref);
  g_clear_pointer (&self->transfer_id, g_free);
  g_weak_ref_clear (&self->original);

  G_OBJECT_CLASS (baton_call_parent_class)->finalize (object);
}

static void
baton_call_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  BatonCall *self = BATON_CALL (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_DIRECTION:
      g_value_set_enum (value, self->direction);
      break;
    case PROP_REMOTE_PARTICIPANTS:
      g_value_set_object (value, self->participants);
      break;
    case PROP_IS_MUTED:
      g_value_set_boolean (value, self->is_muted);
      break;
    case PROP_END_CODE:
      g_value_set_uint (value, self->end_code);
      break;
    case PROP_END_SUBCODE:
      g_value_set_uint (value, self->end_subcode);
      break;
    case PROP_END_MESSAGE:
      g_value_set_string (value, self->end_message);
      break;
    case PROP_START_TIME:
      g_value_set_boxed (value, self->start_time);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_call_class_init (BatonCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = baton_call_dispose;
  object_class->finalize = baton_call_finalize;
  object_class->get_property = baton_call_get_property;

  /**
   * BatonCall:id:
   *
   * The service's id of the call (what
   * [method@TransferCallFeature.transfer_to_call] takes), or %NULL for an
   * outgoing call until the service has registered it.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCall:state:
   *
   * The state of the call.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       BATON_TYPE_CALL_STATE,
                       BATON_CALL_STATE_NONE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCall:direction:
   *
   * Whether this side placed the call.
   */
  properties[PROP_DIRECTION] =
    g_param_spec_enum ("direction", NULL, NULL,
                       BATON_TYPE_CALL_DIRECTION,
                       BATON_CALL_DIRECTION_OUTGOING,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCall:remote-participants:
   *
   * The other parties of the call: a list of [class@RemoteParticipant]
   * (one today).
   */
  properties[PROP_REMOTE_PARTICIPANTS] =
    g_param_spec_object ("remote-participants", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCall:is-muted:
   *
   * Whether this side's microphone is muted on this call.
   */
  properties[PROP_IS_MUTED] =
    g_param_spec_boolean ("is-muted", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCall:end-code:
   *
   * Once the call has ended: the HTTP-style code of the reason (0 for a
   * normal hang-up, 486 busy, 603 declined, 480 offline, 404 unknown user, …).
   */
  properties[PROP_END_CODE] =
    g_param_spec_uint ("end-code", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCall:end-subcode:
   *
   * Once the call has ended: the subcode of the reason (e.g. 10004 when
   * nobody answered, 10207 when it was transferred).
   */
  properties[PROP_END_SUBCODE] =
    g_param_spec_uint ("end-subcode", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCall:end-message:
   *
   * Once the call has ended: the reason in English, or %NULL.
   */
  properties[PROP_END_MESSAGE] =
    g_param_spec_string ("end-message", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCall:start-time:
   *
   * When the call was answered, or %NULL.
   */
  properties[PROP_START_TIME] =
    g_param_spec_boxed ("start-time", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BatonCall::state-changed:
   * @self: the call
   * @old_state: the previous state
   * @new_state: the new state
   *
   * Emitted when [property@Call:state] changes (after `notify::state`).
   */
  signals[STATE_CHANGED] =
    g_signal_new ("state-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, BATON_TYPE_CALL_STATE, BATON_TYPE_CALL_STATE);

  /**
   * BatonCall::dtmf-received:
   * @self: the call
   * @tone: the tone
   *
   * Emitted when the remote participant sent a DTMF tone (RFC 4733).
   */
  signals[DTMF_RECEIVED] =
    g_signal_new ("dtmf-received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BATON_TYPE_DTMF_TONE);
}

static void
baton_call_init (BatonCall *self)
{
  /* Complete even when made with g_object_new() alone (bindings can): a
   * participant and a transfer feature, which baton_call_new() fills in. */
  self->participants = g_list_store_new (BATON_TYPE_REMOTE_PARTICIPANT);
  self->participant = baton_remote_participant_new (NULL, NULL);
  g_list_store_append (self->participants, self->participant);
  self->transfer_feature = baton_transfer_call_feature_new (self);
  self->cancellable = g_cancellable_new ();
  self->pending_remote_ice = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->pending_local_ice = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_weak_ref_init (&self->original, NULL);
}

BatonCall *
baton_call_new (BatonCallAgent     *agent,
                BatonCallDirection  direction,
                const char         *call_id,
                const char         *peer_id,
                const char         *peer_display_name)
{
  BatonCall *self = g_object_new (BATON_TYPE_CALL, NULL);

  self->agent = agent;
  g_object_add_weak_pointer (G_OBJECT (agent), (gpointer *) &self->agent);
  self->direction = direction;
  self->id = g_strdup (call_id);
  baton_remote_participant_set_id (self->participant, peer_id);
  baton_remote_participant_set_display_name (self->participant, peer_display_name);
  self->state = BATON_CALL_STATE_NONE;
  update (self);
  return self;
}

/* Public API */

/**
 * baton_call_get_id:
 * @self: a #BatonCall
 *
 * Returns: (nullable): the service's id of the call
 */
const char *
baton_call_get_id (BatonCall *self)
{
  g_return_val_if_fail (BATON_IS_CALL (self), NULL);
  return self->id;
}

/**
 * baton_call_get_state:
 * @self: a #BatonCall
 *
 * Returns: the state of the call
 */
BatonCallState
baton_call_get_state (BatonCall *self)
{
  g_return_val_if_fail (BATON_IS_CALL (self), BATON_CALL_STATE_NONE);
  return self->state;
}

/**
 * baton_call_get_direction:
 * @self: a #BatonCall
 *
 * Returns: who placed the call
 */
BatonCallDirection
baton_call_get_direction (BatonCall *self)
{
  g_return_val_if_fail (BATON_IS_CALL (self), BATON_CALL_DIRECTION_OUTGOING);
  return self->direction;
}

/**
 * baton_call_get_remote_participants:
 * @self: a #BatonCall
 *
 * Returns: (transfer none): a list of [class@RemoteParticipant]
 */
GListModel *
baton_call_get_remote_participants (BatonCall *self)
{
  g_return_val_if_fail (BATON_IS_CALL (self), NULL);
  return G_LIST_MODEL (self->participants);
}

/**
 * baton_call_get_is_muted:
 * @self: a #BatonCall
 *
 * Returns: whether this side is muted
 */
gboolean
baton_call_get_is_muted (BatonCall *self)
{
  g_return_val_if_fail (BATON_IS_CALL (self), FALSE);
  return self->is_muted;
}

/**
 * baton_call_get_end_code:
 * @self: a #BatonCall
 *
 * Returns: the code of the end reason
 */
guint
baton_call_get_end_code (BatonCall *self)
{
  g_return_val_if_fail (BATON_IS_CALL (self), 0);
  return self->end_code;
}

/**
 * baton_call_get_end_subcode:
 * @self: a #BatonCall
 *
 * Returns: the subcode of the end reason
 */
guint
baton_call_get_end_subcode (BatonCall *self)
{
  g_return_val_if_fail (BATON_IS_CALL (self), 0);
  return self->end_subcode;
}

/**
 * baton_call_get_end_message:
 * @self: a #BatonCall
 *
 * Returns: (nullable): the end reason in English
 */
const char *
baton_call_get_end_message (BatonCall *self)
{
  g_return_val_if_fail (BATON_IS_CALL (self), NULL);
  return self->end_message;
}

/**
 * baton_call_get_start_time:
 * @self: a #BatonCall
 *
 * Returns: (transfer none) (nullable): when the call was answered
 */
GDateTime *
baton_call_get_start_time (BatonCall *self)
{
  g_return_val_if_fail (BATON_IS_CALL (self), NULL);
  return self->start_time;
}

/**
 * baton_call_hang_up:
 * @self: a #BatonCall
 *
 * Hangs up (or cancels an unanswered outgoing call). The call goes
 * %BATON_CALL_STATE_DISCONNECTING and then %BATON_CALL_STATE_DISCONNECTED
 * with the end code 0/0 — at once, or, for an outgoing call the service
 * has not registered yet, as soon as it has. An incoming call hung up
 * right after [method@IncomingCall.accept], before the answer went out, is
 * declined: the caller's call ends with 603/0.
 */
void
baton_call_hang_up (BatonCall *self)
{
  g_return_if_fail (BATON_IS_CALL (self));

  if (self->ended || self->hanging_up)
    return;

  self->hanging_up = TRUE;
  update (self);

  if (self->id == NULL)
    {
      /* Not registered with the service yet: hang up once it is. */
      self->hangup_pending = TRUE;
      if (self->agent == NULL || !baton_call_agent_is_connected (self->agent))
        baton_call_end (self, 0, 0, "hung up");
      return;
    }

  send_end (self);
  baton_call_end (self, 0, 0, "hung up");
}

static void
hold_reply_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BatonCall *self = g_task_get_source_object (task);
  gboolean held = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = baton_call_agent_request_finish (BATON_CALL_AGENT (object), result, &error);
  self->holds_pending--;
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Replies come in the order of the requests: the last one sets the
   * final state. While this side transfers the call, the service holds it
   * on its own account and only records this side's wish, for when the
   * transfer fails: the events tell what really changes. */
  if (!self->ended && self->transfers == 0)
    {
      self->local_held = held;
      update (self);
    }
  g_task_return_boolean (task, TRUE);
}

static void
set_hold (BatonCall           *self,
          gboolean             held,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  JsonObject *message;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, GINT_TO_POINTER (held), NULL);

  if (self->ended || self->hanging_up || !self->answered || self->id == NULL)
    {
      g_task_return_new_error (task, BATON_ERROR, BATON_ERROR_INVALID_STATE,
                               "Only an answered call can be held or resumed");
      return;
    }
  if (self->agent == NULL)
    {
      g_task_return_new_error (task, BATON_ERROR, BATON_ERROR_NOT_CONNECTED,
                               "The agent of the call is gone");
      return;
    }
  /* Nothing to do only when no request is in flight: otherwise this one
   * is sent too (the service takes a repeated one as a no-op), so that a
   * resume right after a hold is not lost, and each caller learns how its
   * own request went. */
  if (self->holds_pending == 0 && self->transfers == 0 && !!self->local_held == !!held)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!held)
    baton_call_agent_hold_others (self->agent, self, NULL);

  self->holds_pending++;
  message = new_message ("call.hold", self->id);
  json_object_set_boolean_member (message, "held", held);
  baton_call_agent_request_async (self->agent, message, cancellable, hold_reply_cb,
                                  g_steal_pointer (&task));
}

/**
 * baton_call_hold_async:
 * @self: a #BatonCall
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the service has put the call on hold
 * @user_data: data for @callback
 *
 * Puts the call on hold: this side stops sending and playing audio, the
 * call becomes %BATON_CALL_STATE_LOCAL_HOLD, and the remote participant sees
 * %BATON_CALL_STATE_REMOTE_HOLD.
 */
void
baton_call_hold_async (BatonCall           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (BATON_IS_CALL (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  set_hold (self, TRUE, cancellable, callback, user_data, baton_call_hold_async);
}

/**
 * baton_call_hold_finish:
 * @self: a #BatonCall
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the call is on hold
 */
gboolean
baton_call_hold_finish (BatonCall     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (BATON_IS_CALL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == baton_call_hold_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * baton_call_resume_async:
 * @self: a #BatonCall
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the service has resumed the call
 * @user_data: data for @callback
 *
 * Takes the call off hold. Any other active call of the agent is put on
 * hold first.
 *
 * Hold and resume fail with %BATON_ERROR_INVALID_STATE on a call that is
 * not answered yet or has ended, and with the agent's error when it is not
 * connected. Requests made one right after the other are carried out in
 * order: the last one decides. While this side transfers the call, the
 * service keeps it on hold; a hold or resume asked meanwhile decides how
 * the call comes back if the transfer fails.
 */
void
baton_call_resume_async (BatonCall           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (BATON_IS_CALL (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  set_hold (self, FALSE, cancellable, callback, user_data, baton_call_resume_async);
}

/**
 * baton_call_resume_finish:
 * @self: a #BatonCall
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the call was resumed
 */
gboolean
baton_call_resume_finish (BatonCall     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (BATON_IS_CALL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == baton_call_resume_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
set_muted (BatonCall *self,
           gboolean   muted)
{
  if (self->ended || self->is_muted == muted)
    return;

  self->is_muted = muted;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_MUTED]);

  if (self->id && self->answered)
    send_mute (self);
}

/**
 * baton_call_mute:
 * @self: a #BatonCall
 *
 * Mutes this side's microphone on this call: the remote participant hears
 * silence and sees [property@RemoteParticipant:is-muted]. A call may be
 * muted before it is answered: the far side is told once it is. Does
 * nothing on an ended call.
 */
void
baton_call_mute (BatonCall *self)
{
  g_return_if_fail (BATON_IS_CALL (self));

  set_muted (self, TRUE);
}

/**
 * baton_call_unmute:
 * @self: a #BatonCall
 *
 * Undoes baton_call_mute().
 */
void
baton_call_unmute (BatonCall *self)
{
  g_return_if_fail (BATON_IS_CALL (self));

  set_muted (self, FALSE);
}

/**
 * baton_call_send_dtmf:
 * @self: a #BatonCall
 * @tone: the tone to send
 *
 * Sends a DTMF tone to the remote participant as an RFC 4733
 * telephone-event. Does nothing unless the call is connected.
 */
void
baton_call_send_dtmf (BatonCall     *self,
                      BatonDtmfTone  tone)
{
  g_return_if_fail (BATON_IS_CALL (self));
  g_return_if_fail (tone <= BATON_DTMF_TONE_D);

  if (self->media && self->answered && !self->ended)
    baton_media_session_send_dtmf (self->media, tone);
}

/**
 * baton_call_get_feature:
 * @self: a #BatonCall
 * @feature_type: the #GType of a call feature, e.g.
 *   %BATON_TYPE_TRANSFER_CALL_FEATURE
 *
 * Gets an extended feature of the call, the same object every time.
 *
 * Returns: (transfer none) (nullable): the feature, or %NULL if the call has
 *   no feature of that type
 */
GObject *
baton_call_get_feature (BatonCall *self,
                        GType      feature_type)
{
  g_return_val_if_fail (BATON_IS_CALL (self), NULL);

  if (feature_type == BATON_TYPE_TRANSFER_CALL_FEATURE)
    return G_OBJECT (self->transfer_feature);
  return NULL;
}

/**
 * baton_call_get_transfer_feature:
 * @self: a #BatonCall
 *
 * The same as `baton_call_get_feature (self, BATON_TYPE_TRANSFER_CALL_FEATURE)`.
 *
 * Returns: (transfer none): the transfer feature of the call
 */
BatonTransferCallFeature *
baton_call_get_transfer_feature (BatonCall *self)
{
  g_return_val_if_fail (BATON_IS_CALL (self), NULL);

  return self->transfer_feature;
}
