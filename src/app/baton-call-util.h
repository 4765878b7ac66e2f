/* baton-call-util.h: plain-language names, states and reasons for calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <baton.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

char       *baton_call_dup_remote_name     (BatonCall         *call);
const char *baton_call_get_remote_id       (BatonCall         *call);
char       *baton_incoming_dup_caller_name (BatonIncomingCall *incoming);
BatonTransfer *baton_call_get_app_transfer (BatonCall         *call);
void        baton_call_set_app_transfer    (BatonCall         *call,
                                            BatonTransfer     *transfer,
                                            const char        *target_name);
const char *baton_transfer_get_target_name (BatonTransfer     *transfer);
char       *baton_call_dup_state_text      (BatonCall         *call);
char       *baton_call_dup_timer_text      (BatonCall         *call);
gboolean    baton_call_is_live             (BatonCall         *call);
gboolean    baton_call_can_transfer        (BatonCall         *call);
char       *baton_reason_dup_text          (guint              code,
                                            guint              subcode,
                                            const char        *message,
                                            const char        *who);

void        baton_call_util_add_dtmf_bindings (GtkWidgetClass *widget_class);

G_END_DECLS
