/* baton-window.h: the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <baton.h>

#include "baton-application.h"

G_BEGIN_DECLS

#define BATON_TYPE_WINDOW (baton_window_get_type ())

G_DECLARE_FINAL_TYPE (BatonWindow, baton_window, BATON, WINDOW, AdwApplicationWindow)

BatonWindow *baton_window_new               (BatonApplication  *application);
GObject     *baton_window_get_selected_item (BatonWindow       *self);
BatonCall   *baton_window_get_selected_call (BatonWindow       *self);
void         baton_window_select_item       (BatonWindow       *self,
                                             GObject           *item);
void         baton_window_accept            (BatonWindow       *self,
                                             BatonIncomingCall *incoming);
void         baton_window_add_toast         (BatonWindow       *self,
                                             const char        *title);
const char  *baton_window_get_last_toast    (BatonWindow       *self);
void         baton_window_transfer_to_person (BatonWindow      *self,
                                              BatonCall        *call,
                                              const char       *target_id,
                                              gboolean          disable_forwarding_and_unanswered);
void         baton_window_transfer_to_call  (BatonWindow       *self,
                                             BatonCall         *call,
                                             BatonCall         *target);

G_END_DECLS
