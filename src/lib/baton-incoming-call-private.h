/* baton-incoming-call-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "baton-incoming-call.h"

G_BEGIN_DECLS

typedef struct _BatonCallAgent BatonCallAgent;

/* From a call.incoming event. */
BatonIncomingCall *baton_incoming_call_new          (BatonCallAgent    *agent,
                                                     JsonObject        *event);
const char        *baton_incoming_call_get_replaces (BatonIncomingCall *self);
/* ice (kept for the call), call.ended (emits "ended"). */
void               baton_incoming_call_handle_event (BatonIncomingCall *self,
                                                     const char        *type,
                                                     JsonObject        *event);
/* Like accept, for a call that replaces another: holds nothing. */
BatonCall         *baton_incoming_call_accept_replacing (BatonIncomingCall *self,
                                                         GError           **error);
/* Ends a ringing call that the service no longer knows (after a resume). */
void               baton_incoming_call_end          (BatonIncomingCall *self,
                                                     guint              code,
                                                     guint              subcode);
gboolean           baton_incoming_call_is_done      (BatonIncomingCall *self);

G_END_DECLS
