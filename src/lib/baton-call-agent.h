/* baton-call-agent.h: one connection of a user to the calling service
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(_BATON_INSIDE) && !defined(BATON_COMPILATION)
#error "Only <baton/baton.h> can be included directly."
#endif

#include <gio/gio.h>

#include "baton-version.h"
#include "baton-enums.h"
#include "baton-call.h"
#include "baton-forwarding-settings.h"
#include "baton-user.h"

G_BEGIN_DECLS

#define BATON_TYPE_CALL_AGENT (baton_call_agent_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonCallAgent, baton_call_agent, BATON, CALL_AGENT, GObject)

BATON_AVAILABLE_IN_ALL
BatonConnectionState  baton_call_agent_get_connection_state  (BatonCallAgent *self);
BATON_AVAILABLE_IN_ALL
BatonDisconnectReason baton_call_agent_get_disconnect_reason (BatonCallAgent *self);
BATON_AVAILABLE_IN_ALL
const char           *baton_call_agent_get_user_id           (BatonCallAgent *self);
BATON_AVAILABLE_IN_ALL
const char           *baton_call_agent_get_display_name      (BatonCallAgent *self);
BATON_AVAILABLE_IN_ALL
GListModel           *baton_call_agent_get_calls             (BatonCallAgent *self);
BATON_AVAILABLE_IN_ALL
GListModel           *baton_call_agent_get_incoming_calls    (BatonCallAgent *self);
BATON_AVAILABLE_IN_ALL
gboolean              baton_call_agent_get_accept_transfers  (BatonCallAgent *self);
BATON_AVAILABLE_IN_ALL
void                  baton_call_agent_set_accept_transfers  (BatonCallAgent *self,
                                                              gboolean        accept_transfers);
BATON_AVAILABLE_IN_ALL
BatonCall            *baton_call_agent_start_call            (BatonCallAgent *self,
                                                              const char     *callee_id,
                                                              GError        **error);
BATON_AVAILABLE_IN_ALL
void                  baton_call_agent_shutdown              (BatonCallAgent *self);

BATON_AVAILABLE_IN_ALL
void                     baton_call_agent_list_users_async      (BatonCallAgent           *self,
                                                                 const char               *query,
                                                                 guint                     limit,
                                                                 GCancellable             *cancellable,
                                                                 GAsyncReadyCallback       callback,
                                                                 gpointer                  user_data);
BATON_AVAILABLE_IN_ALL
GListModel              *baton_call_agent_list_users_finish     (BatonCallAgent           *self,
                                                                 GAsyncResult             *result,
                                                                 GError                  **error);
BATON_AVAILABLE_IN_ALL
void                     baton_call_agent_get_forwarding_async  (BatonCallAgent           *self,
                                                                 GCancellable             *cancellable,
                                                                 GAsyncReadyCallback       callback,
                                                                 gpointer                  user_data);
BATON_AVAILABLE_IN_ALL
BatonForwardingSettings *baton_call_agent_get_forwarding_finish (BatonCallAgent           *self,
                                                                 GAsyncResult             *result,
                                                                 GError                  **error);
BATON_AVAILABLE_IN_ALL
void                     baton_call_agent_set_forwarding_async  (BatonCallAgent           *self,
                                                                 BatonForwardingSettings  *settings,
                                                                 GCancellable             *cancellable,
                                                                 GAsyncReadyCallback       callback,
                                                                 gpointer                  user_data);
BATON_AVAILABLE_IN_ALL
BatonForwardingSettings *baton_call_agent_set_forwarding_finish (BatonCallAgent           *self,
                                                                 GAsyncResult             *result,
                                                                 GError                  **error);

G_END_DECLS
