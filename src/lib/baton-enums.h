/* baton-enums.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(_BATON_INSIDE) && !defined(BATON_COMPILATION)
#error "Only <baton/baton.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/**
 * BatonConnectionState:
 * @BATON_CONNECTION_STATE_DISCONNECTED: not connected to the calling service
 * @BATON_CONNECTION_STATE_CONNECTED: registered with the calling service
 *
 * Whether a [class@CallAgent] is connected to the calling service.
 */
typedef enum {
  BATON_CONNECTION_STATE_DISCONNECTED,
  BATON_CONNECTION_STATE_CONNECTED,
} BatonConnectionState;

/**
 * BatonDisconnectReason:
 * @BATON_DISCONNECT_REASON_NONE: not disconnected, or disconnected on request
 * @BATON_DISCONNECT_REASON_INVALID_TOKEN: the token is invalid or has expired;
 *   the agent does not retry
 * @BATON_DISCONNECT_REASON_CONNECTION_ISSUE: the service could not be reached
 *   after several retries
 *
 * Why a [class@CallAgent] is disconnected.
 */
typedef enum {
  BATON_DISCONNECT_REASON_NONE,
  BATON_DISCONNECT_REASON_INVALID_TOKEN,
  BATON_DISCONNECT_REASON_CONNECTION_ISSUE,
} BatonDisconnectReason;

/**
 * BatonCallState:
 * @BATON_CALL_STATE_NONE: not started yet
 * @BATON_CALL_STATE_CONNECTING: the call is being set up
 * @BATON_CALL_STATE_RINGING: the remote side is ringing
 * @BATON_CALL_STATE_EARLY_MEDIA: media flows before the call is answered
 * @BATON_CALL_STATE_CONNECTED: both sides are talking
 * @BATON_CALL_STATE_LOCAL_HOLD: this side put the call on hold
 * @BATON_CALL_STATE_REMOTE_HOLD: the remote side put the call on hold
 * @BATON_CALL_STATE_DISCONNECTING: the call is ending
 * @BATON_CALL_STATE_DISCONNECTED: the call has ended; see its end code
 *
 * The state of a [class@Call].
 */
typedef enum {
  BATON_CALL_STATE_NONE,
  BATON_CALL_STATE_CONNECTING,
  BATON_CALL_STATE_RINGING,
  BATON_CALL_STATE_EARLY_MEDIA,
  BATON_CALL_STATE_CONNECTED,
  BATON_CALL_STATE_LOCAL_HOLD,
  BATON_CALL_STATE_REMOTE_HOLD,
  BATON_CALL_STATE_DISCONNECTING,
  BATON_CALL_STATE_DISCONNECTED,
} BatonCallState;

/**
 * BatonCallDirection:
 * @BATON_CALL_DIRECTION_OUTGOING: this side placed the call
 * @BATON_CALL_DIRECTION_INCOMING: this side received the call
 *
 * Who placed a [class@Call].
 */
typedef enum {
  BATON_CALL_DIRECTION_OUTGOING,
  BATON_CALL_DIRECTION_INCOMING,
} BatonCallDirection;

/**
 * BatonParticipantState:
 * @BATON_PARTICIPANT_STATE_IDLE: not yet reached
 * @BATON_PARTICIPANT_STATE_CONNECTING: being reached
 * @BATON_PARTICIPANT_STATE_RINGING: their phone rings
 * @BATON_PARTICIPANT_STATE_CONNECTED: in the call
 * @BATON_PARTICIPANT_STATE_HOLD: they put the call on hold
 * @BATON_PARTICIPANT_STATE_DISCONNECTED: they left the call
 *
 * The state of a [class@RemoteParticipant].
 */
typedef enum {
  BATON_PARTICIPANT_STATE_IDLE,
  BATON_PARTICIPANT_STATE_CONNECTING,
  BATON_PARTICIPANT_STATE_RINGING,
  BATON_PARTICIPANT_STATE_CONNECTED,
  BATON_PARTICIPANT_STATE_HOLD,
  BATON_PARTICIPANT_STATE_DISCONNECTED,
} BatonParticipantState;

/**
 * BatonTransferState:
 * @BATON_TRANSFER_STATE_NONE: not started
 * @BATON_TRANSFER_STATE_TRANSFERRING: in progress
 * @BATON_TRANSFER_STATE_TRANSFERRED: the transferee is connected to the target
 * @BATON_TRANSFER_STATE_FAILED: the transfer failed; see its error code and
 *   message. The original call has been resumed.
 *
 * The state of a [class@Transfer].
 */
typedef enum {
  BATON_TRANSFER_STATE_NONE,
  BATON_TRANSFER_STATE_TRANSFERRING,
  BATON_TRANSFER_STATE_TRANSFERRED,
  BATON_TRANSFER_STATE_FAILED,
} BatonTransferState;

/**
 * BatonAudioDeviceType:
 * @BATON_AUDIO_DEVICE_TYPE_MICROPHONE: an audio source
 * @BATON_AUDIO_DEVICE_TYPE_SPEAKER: an audio sink
 *
 * The kind of a [class@AudioDevice].
 */
typedef enum {
  BATON_AUDIO_DEVICE_TYPE_MICROPHONE,
  BATON_AUDIO_DEVICE_TYPE_SPEAKER,
} BatonAudioDeviceType;

/**
 * BatonDtmfTone:
 * @BATON_DTMF_TONE_NUM0: 0
 * @BATON_DTMF_TONE_NUM1: 1
 * @BATON_DTMF_TONE_NUM2: 2
 * @BATON_DTMF_TONE_NUM3: 3
 * @BATON_DTMF_TONE_NUM4: 4
 * @BATON_DTMF_TONE_NUM5: 5
 * @BATON_DTMF_TONE_NUM6: 6
 * @BATON_DTMF_TONE_NUM7: 7
 * @BATON_DTMF_TONE_NUM8: 8
 * @BATON_DTMF_TONE_NUM9: 9
 * @BATON_DTMF_TONE_STAR: *
 * @BATON_DTMF_TONE_POUND: #
 * @BATON_DTMF_TONE_A: A
 * @BATON_DTMF_TONE_B: B
 * @BATON_DTMF_TONE_C: C
 * @BATON_DTMF_TONE_D: D
 *
 * A DTMF tone. The values are the RFC 4733 event codes.
 */
typedef enum {
  BATON_DTMF_TONE_NUM0 = 0,
  BATON_DTMF_TONE_NUM1,
  BATON_DTMF_TONE_NUM2,
  BATON_DTMF_TONE_NUM3,
  BATON_DTMF_TONE_NUM4,
  BATON_DTMF_TONE_NUM5,
  BATON_DTMF_TONE_NUM6,
  BATON_DTMF_TONE_NUM7,
  BATON_DTMF_TONE_NUM8,
  BATON_DTMF_TONE_NUM9,
  BATON_DTMF_TONE_STAR,
  BATON_DTMF_TONE_POUND,
  BATON_DTMF_TONE_A,
  BATON_DTMF_TONE_B,
  BATON_DTMF_TONE_C,
  BATON_DTMF_TONE_D,
} BatonDtmfTone;

/**
 * BatonLogLevel:
 * @BATON_LOG_LEVEL_ERROR: only errors
 * @BATON_LOG_LEVEL_WARNING: errors and warnings
 * @BATON_LOG_LEVEL_INFO: also informational messages
 * @BATON_LOG_LEVEL_VERBOSE: everything, including debug tracing
 *
 * How much libbaton logs; see baton_set_log_level().
 */
typedef enum {
  BATON_LOG_LEVEL_ERROR,
  BATON_LOG_LEVEL_WARNING,
  BATON_LOG_LEVEL_INFO,
  BATON_LOG_LEVEL_VERBOSE,
} BatonLogLevel;

G_END_DECLS
