/* baton-transfer-call-feature-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "baton-transfer-call-feature.h"

G_BEGIN_DECLS

typedef struct _BatonCall BatonCall;

BatonTransferCallFeature *baton_transfer_call_feature_new                    (BatonCall                *call);
void                      baton_transfer_call_feature_emit_transfer_accepted (BatonTransferCallFeature *self,
                                                                              BatonCall                *new_call);

G_END_DECLS
