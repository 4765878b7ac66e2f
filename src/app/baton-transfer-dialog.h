/* baton-transfer-dialog.h: transfer a call to a person or to another call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <baton.h>

#include "baton-contacts.h"
#include "baton-window.h"

G_BEGIN_DECLS

#define BATON_TYPE_TRANSFER_DIALOG (baton_transfer_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BatonTransferDialog, baton_transfer_dialog, BATON, TRANSFER_DIALOG, AdwWindow)

BatonTransferDialog *baton_transfer_dialog_new (BatonWindow   *window,
                                                BatonCall     *call,
                                                GListModel    *calls,
                                                BatonContacts *contacts);
GtkSwitch           *baton_transfer_dialog_get_no_forwarding_switch (BatonTransferDialog *self);

G_END_DECLS
