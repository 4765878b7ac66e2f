/* baton-transfer-call-feature.h: transferring a call
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(_BATON_INSIDE) && !defined(BATON_COMPILATION)
#error "Only <baton/baton.h> can be included directly."
#endif

#include <glib-object.h>

#include "baton-version.h"
#include "baton-transfer.h"

G_BEGIN_DECLS

#define BATON_TYPE_TRANSFER_CALL_FEATURE (baton_transfer_call_feature_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonTransferCallFeature, baton_transfer_call_feature, BATON, TRANSFER_CALL_FEATURE, GObject)

BATON_AVAILABLE_IN_ALL
BatonTransfer *baton_transfer_call_feature_transfer_to_participant (BatonTransferCallFeature *self,
                                                                    const char               *target_id,
                                                                    gboolean                  disable_forwarding_and_unanswered,
                                                                    GError                  **error);
BATON_AVAILABLE_IN_ALL
BatonTransfer *baton_transfer_call_feature_transfer_to_call        (BatonTransferCallFeature *self,
                                                                    const char               *target_call_id,
                                                                    GError                  **error);

G_END_DECLS
