/* baton-call-client.h: the entry point of libbaton
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(_BATON_INSIDE) && !defined(BATON_COMPILATION)
#error "Only <baton/baton.h> can be included directly."
#endif

#include <gio/gio.h>

#include "baton-version.h"
#include "baton-call-agent.h"
#include "baton-call-agent-options.h"
#include "baton-device-manager.h"
#include "baton-token-credential.h"

G_BEGIN_DECLS

#define BATON_TYPE_CALL_CLIENT (baton_call_client_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonCallClient, baton_call_client, BATON, CALL_CLIENT, GObject)

BATON_AVAILABLE_IN_ALL
BatonCallClient    *baton_call_client_new                      (void);
BATON_AVAILABLE_IN_ALL
void                baton_call_client_create_call_agent_async  (BatonCallClient       *self,
                                                                BatonTokenCredential  *credential,
                                                                BatonCallAgentOptions *options,
                                                                GCancellable          *cancellable,
                                                                GAsyncReadyCallback    callback,
                                                                gpointer               user_data);
BATON_AVAILABLE_IN_ALL
BatonCallAgent     *baton_call_client_create_call_agent_finish (BatonCallClient       *self,
                                                                GAsyncResult          *result,
                                                                GError               **error);
BATON_AVAILABLE_IN_ALL
BatonDeviceManager *baton_call_client_get_device_manager       (BatonCallClient       *self);

G_END_DECLS
