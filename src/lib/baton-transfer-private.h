/* baton-transfer-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "baton-transfer.h"

G_BEGIN_DECLS

BatonTransfer *baton_transfer_new             (const char    *target_id,
                                               const char    *target_call_id);
const char    *baton_transfer_get_transfer_id (BatonTransfer *self);
void           baton_transfer_set_transfer_id (BatonTransfer *self,
                                               const char    *transfer_id);
const char    *baton_transfer_get_new_call_id (BatonTransfer *self);
void           baton_transfer_set_target_id   (BatonTransfer *self,
                                               const char    *target_id);
gboolean       baton_transfer_is_finished     (BatonTransfer *self);
void           baton_transfer_fail            (BatonTransfer *self,
                                               guint          code,
                                               guint          subcode,
                                               const char    *message);
/* From a transfer.update event or a TRANSFER-SNAPSHOT. */
void           baton_transfer_update          (BatonTransfer *self,
                                               const char    *state,
                                               guint          code,
                                               guint          subcode,
                                               const char    *message,
                                               const char    *new_call_id);

G_END_DECLS
