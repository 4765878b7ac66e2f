/* baton-call-view-model.h: the selected call, as bindable properties
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <baton.h>

G_BEGIN_DECLS

#define BATON_TYPE_CALL_VIEW_MODEL (baton_call_view_model_get_type ())

G_DECLARE_FINAL_TYPE (BatonCallViewModel, baton_call_view_model, BATON, CALL_VIEW_MODEL, GObject)

BatonCallViewModel *baton_call_view_model_new          (void);
GObject            *baton_call_view_model_get_item     (BatonCallViewModel *self);
void                baton_call_view_model_set_item     (BatonCallViewModel *self,
                                                        GObject            *item);
BatonCall          *baton_call_view_model_get_call     (BatonCallViewModel *self);
BatonIncomingCall  *baton_call_view_model_get_incoming (BatonCallViewModel *self);
const char         *baton_call_view_model_get_title    (BatonCallViewModel *self);
const char         *baton_call_view_model_get_subtitle (BatonCallViewModel *self);
const char         *baton_call_view_model_get_timer    (BatonCallViewModel *self);

G_END_DECLS
