/* baton-incoming-call.h: a call that rings
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(_BATON_INSIDE) && !defined(BATON_COMPILATION)
#error "Only <baton/baton.h> can be included directly."
#endif

#include <glib-object.h>

#include "baton-version.h"
#include "baton-call.h"

G_BEGIN_DECLS

#define BATON_TYPE_INCOMING_CALL (baton_incoming_call_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonIncomingCall, baton_incoming_call, BATON, INCOMING_CALL, GObject)

BATON_AVAILABLE_IN_ALL
const char *baton_incoming_call_get_id                      (BatonIncomingCall *self);
BATON_AVAILABLE_IN_ALL
const char *baton_incoming_call_get_caller_id               (BatonIncomingCall *self);
BATON_AVAILABLE_IN_ALL
const char *baton_incoming_call_get_caller_display_name     (BatonIncomingCall *self);
BATON_AVAILABLE_IN_ALL
const char *baton_incoming_call_get_transferor_id           (BatonIncomingCall *self);
BATON_AVAILABLE_IN_ALL
const char *baton_incoming_call_get_transferor_display_name (BatonIncomingCall *self);
BATON_AVAILABLE_IN_ALL
guint       baton_incoming_call_get_end_code                (BatonIncomingCall *self);
BATON_AVAILABLE_IN_ALL
guint       baton_incoming_call_get_end_subcode             (BatonIncomingCall *self);
BATON_AVAILABLE_IN_ALL
BatonCall  *baton_incoming_call_accept                      (BatonIncomingCall *self,
                                                             GError           **error);
BATON_AVAILABLE_IN_ALL
void        baton_incoming_call_reject                      (BatonIncomingCall *self);
BATON_AVAILABLE_IN_ALL
void        baton_incoming_call_reject_busy                 (BatonIncomingCall *self);

G_END_DECLS
