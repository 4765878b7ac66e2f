/* baton-transfer.h: one transfer of a call, seen from the transferor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(_BATON_INSIDE) && !defined(BATON_COMPILATION)
#error "Only <baton/baton.h> can be included directly."
#endif

#include <glib-object.h>

#include "baton-version.h"
#include "baton-enums.h"

G_BEGIN_DECLS

#define BATON_TYPE_TRANSFER (baton_transfer_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonTransfer, baton_transfer, BATON, TRANSFER, GObject)

BATON_AVAILABLE_IN_ALL
BatonTransferState baton_transfer_get_state          (BatonTransfer *self);
BATON_AVAILABLE_IN_ALL
guint              baton_transfer_get_error_code     (BatonTransfer *self);
BATON_AVAILABLE_IN_ALL
guint              baton_transfer_get_error_subcode  (BatonTransfer *self);
BATON_AVAILABLE_IN_ALL
const char        *baton_transfer_get_error_message  (BatonTransfer *self);
BATON_AVAILABLE_IN_ALL
const char        *baton_transfer_get_target_id      (BatonTransfer *self);
BATON_AVAILABLE_IN_ALL
const char        *baton_transfer_get_target_call_id (BatonTransfer *self);

G_END_DECLS
