/* baton-server-message.h: parse and validate one client message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions, no server state: JSON text in, a validated BatonMessage or
 * a protocol error (code / subcode / message) out. Fuzzed in fuzz/.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BATON_MESSAGE_MAX_SIZE 65536
#define BATON_MESSAGE_MAX_DEPTH 32

typedef enum
{
  BATON_MSG_REGISTER,
  BATON_MSG_PING,
  BATON_MSG_TOKEN_REFRESH,
  BATON_MSG_USERS_LIST,
  BATON_MSG_CALL_INVITE,
  BATON_MSG_CALL_ACCEPT,
  BATON_MSG_CALL_REJECT,
  BATON_MSG_CALL_HANGUP,
  BATON_MSG_CALL_HOLD,
  BATON_MSG_CALL_MUTE,
  BATON_MSG_CALL_MEDIA,
  BATON_MSG_SDP,
  BATON_MSG_ICE,
  BATON_MSG_TRANSFER_REQUEST,
  BATON_MSG_TRANSFER_ACCEPT,
  BATON_MSG_TRANSFER_REFUSE,
  BATON_MSG_FORWARDING_GET,
  BATON_MSG_FORWARDING_SET,
} BatonMessageType;

typedef struct
{
  BatonMessageType type;
  gint64 id;

  /* register */
  char *display_name;
  gboolean has_resume;
  char *resume_session_id;
  GStrv resume_calls;

  /* token.refresh */
  char *token;

  /* users.list */
  char *query;
  int limit;

  /* call.* / sdp / ice / transfer.request */
  char *call_id;
  char *to;
  char *sdp;
  gboolean busy;         /* call.reject: reason busy (else declined) */
  gboolean flag;         /* call.hold held, call.mute muted */
  gboolean media_ok;     /* call.media state connected (else failed) */
  gboolean sdp_is_offer; /* sdp: sdp_type */
  char *candidate;
  int sdp_mline_index;

  /* transfer.* */
  char *transfer_id;
  char *target_user;     /* exactly one of target_user / target_call */
  char *target_call;
  gboolean disable_forwarding;

  /* forwarding.set: has_* says the field was present; a NULL target clears */
  gboolean has_always;
  char *always;
  gboolean has_unanswered;
  char *unanswered;
  gboolean has_timeout;
  int unanswered_timeout;
} BatonMessage;

typedef struct
{
  int code;
  int subcode;
  char *message;
  /* the request id if it could be read, else 0 */
  gint64 id;
} BatonMessageError;

BatonMessage *baton_message_parse         (const char         *data,
                                           gsize               length,
                                           BatonMessageError  *error);
void          baton_message_free          (BatonMessage       *msg);
void          baton_message_error_clear   (BatonMessageError  *error);
const char   *baton_message_type_to_string (BatonMessageType   type);

gboolean      baton_is_valid_user_id      (const char         *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BatonMessage, baton_message_free)

G_END_DECLS
