/* baton-call-view.h: the selected call, with its buttons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "baton-call-view-model.h"

G_BEGIN_DECLS

#define BATON_TYPE_CALL_VIEW (baton_call_view_get_type ())
G_DECLARE_FINAL_TYPE (BatonCallView, baton_call_view, BATON, CALL_VIEW, AdwBin)

BatonCallViewModel *baton_call_view_get_view_model (BatonCallView *self);
void                baton_call_view_set_item       (BatonCallView *self,
                                                    GObject       *item);
void                baton_call_view_toggle_keypad  (BatonCallView *self);

G_END_DECLS
