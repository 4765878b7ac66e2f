/* baton-call-agent-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "baton-call-agent.h"
#include "baton-call-agent-options.h"
#include "baton-device-manager.h"
#include "baton-media-session-private.h"
#include "baton-token-credential.h"
#include "baton-transfer.h"

G_BEGIN_DECLS

BatonCallAgent    *baton_call_agent_new                  (BatonDeviceManager    *devices,
                                                          BatonTokenCredential  *credential,
                                                          BatonCallAgentOptions *options);
/* Connects and registers; completes when CONNECTED. */
void               baton_call_agent_connect_async        (BatonCallAgent        *self,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
gboolean           baton_call_agent_connect_finish       (BatonCallAgent        *self,
                                                          GAsyncResult          *result,
                                                          GError               **error);

/* Sends a request (takes @message). While the agent is reconnecting the
 * request waits and is sent once registered again. */
void               baton_call_agent_request_async        (BatonCallAgent        *self,
                                                          JsonObject            *message,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
JsonObject        *baton_call_agent_request_finish       (BatonCallAgent        *self,
                                                          GAsyncResult          *result,
                                                          GError               **error);
/* Fire and forget: failures are logged. Takes @message. */
void               baton_call_agent_send                 (BatonCallAgent        *self,
                                                          JsonObject            *message);

BatonMediaSession *baton_call_agent_create_media_session (BatonCallAgent        *self,
                                                          const char            *call_id);

/* The call got its id from the service. */
void               baton_call_agent_index_call           (BatonCallAgent        *self,
                                                          BatonCall             *call);
void               baton_call_agent_add_call             (BatonCallAgent        *self,
                                                          BatonCall             *call);
void               baton_call_agent_call_ended           (BatonCallAgent        *self,
                                                          BatonCall             *call);
BatonCall         *baton_call_agent_find_call            (BatonCallAgent        *self,
                                                          const char            *call_id);
/* Desk-phone rule: puts every active call but @except (and @except_id) on hold. */
void               baton_call_agent_hold_others          (BatonCallAgent        *self,
                                                          BatonCall             *except,
                                                          const char            *except_id);
void               baton_call_agent_add_transfer         (BatonCallAgent        *self,
                                                          BatonTransfer         *transfer);
void               baton_call_agent_incoming_done        (BatonCallAgent        *self,
                                                          const char            *call_id);
gboolean           baton_call_agent_is_connected         (BatonCallAgent        *self);

/* Reconnection schedule (for tests): the first delay, the longest delay and
 * the number of attempts. */
void               baton_call_agent_set_reconnect_schedule (BatonCallAgent      *self,
                                                            guint                first_delay_ms,
                                                            guint                max_delay_ms,
                                                            guint                attempts);

G_END_DECLS
