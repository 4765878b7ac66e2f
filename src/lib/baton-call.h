/* baton-call.h: a call with one remote participant
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
#include "baton-transfer-call-feature.h"

G_BEGIN_DECLS

#define BATON_TYPE_CALL (baton_call_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonCall, baton_call, BATON, CALL, GObject)

BATON_AVAILABLE_IN_ALL
const char               *baton_call_get_id                  (BatonCall            *self);
BATON_AVAILABLE_IN_ALL
BatonCallState            baton_call_get_state               (BatonCall            *self);
BATON_AVAILABLE_IN_ALL
BatonCallDirection        baton_call_get_direction           (BatonCall            *self);
BATON_AVAILABLE_IN_ALL
GListModel               *baton_call_get_remote_participants (BatonCall            *self);
BATON_AVAILABLE_IN_ALL
gboolean                  baton_call_get_is_muted            (BatonCall            *self);
BATON_AVAILABLE_IN_ALL
guint                     baton_call_get_end_code            (BatonCall            *self);
BATON_AVAILABLE_IN_ALL
guint                     baton_call_get_end_subcode         (BatonCall            *self);
BATON_AVAILABLE_IN_ALL
const char               *baton_call_get_end_message         (BatonCall            *self);
BATON_AVAILABLE_IN_ALL
GDateTime                *baton_call_get_start_time          (BatonCall            *self);
BATON_AVAILABLE_IN_ALL
void                      baton_call_hang_up                 (BatonCall            *self);
BATON_AVAILABLE_IN_ALL
void                      baton_call_hold_async              (BatonCall            *self,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
BATON_AVAILABLE_IN_ALL
gboolean                  baton_call_hold_finish             (BatonCall            *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
BATON_AVAILABLE_IN_ALL
void                      baton_call_resume_async            (BatonCall            *self,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
BATON_AVAILABLE_IN_ALL
gboolean                  baton_call_resume_finish           (BatonCall            *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
BATON_AVAILABLE_IN_ALL
void                      baton_call_mute                    (BatonCall            *self);
BATON_AVAILABLE_IN_ALL
void                      baton_call_unmute                  (BatonCall            *self);
BATON_AVAILABLE_IN_ALL
void                      baton_call_send_dtmf               (BatonCall            *self,
                                                              BatonDtmfTone         tone);
BATON_AVAILABLE_IN_ALL
GObject                  *baton_call_get_feature             (BatonCall            *self,
                                                              GType                 feature_type);
BATON_AVAILABLE_IN_ALL
BatonTransferCallFeature *baton_call_get_transfer_feature    (BatonCall            *self);

G_END_DECLS
