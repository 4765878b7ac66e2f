/* baton-call-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "baton-call.h"
#include "baton-media-session-private.h"

G_BEGIN_DECLS

typedef struct _BatonCallAgent BatonCallAgent;

BatonCall      *baton_call_new                 (BatonCallAgent     *agent,
                                                BatonCallDirection  direction,
                                                const char         *call_id,
                                                const char         *peer_id,
                                                const char         *peer_display_name);
BatonCallAgent *baton_call_get_agent           (BatonCall          *self);
/* The call's media session, or NULL before there is one (benchmarks) */
BatonMediaSession *baton_call_get_media_session (BatonCall         *self);

/* Outgoing: create the offer and send call.invite. */
void            baton_call_start_invite        (BatonCall          *self);
/* The transferee's new call A′: create the offer and send transfer.accept;
 * once the service answers, emit transfer-accepted on @original's feature. */
void            baton_call_start_transfer_leg  (BatonCall          *self,
                                                const char         *transfer_id,
                                                BatonCall          *original);
/* The transfer this live call is the transferee's new leg of, else NULL. */
const char     *baton_call_get_live_transfer_id (BatonCall        *self);
/* Incoming: apply the offer, create the answer and send call.accept. */
void            baton_call_start_answer        (BatonCall          *self,
                                                const char         *offer_sdp);

void            baton_call_handle_event        (BatonCall          *self,
                                                const char         *type,
                                                JsonObject         *event);
void            baton_call_apply_snapshot      (BatonCall          *self,
                                                JsonObject         *snapshot);
/* Ends the call locally (no request is sent). */
void            baton_call_end                 (BatonCall          *self,
                                                guint               code,
                                                guint               subcode,
                                                const char         *message);
gboolean        baton_call_is_ended            (BatonCall          *self);
/* Answered, and not on hold from this side. */
gboolean        baton_call_is_active           (BatonCall          *self);
/* After a reconnect: send what could not be sent while away. */
void            baton_call_resend_pending      (BatonCall          *self);

void            baton_call_track_transfer      (BatonCall          *self,
                                                BatonTransfer      *transfer);

G_END_DECLS
