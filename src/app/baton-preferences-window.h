/* baton-preferences-window.h: Audio, Account, Call forwarding
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "baton-application.h"

G_BEGIN_DECLS

#define BATON_TYPE_PREFERENCES_WINDOW (baton_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (BatonPreferencesWindow, baton_preferences_window, BATON, PREFERENCES_WINDOW, AdwPreferencesWindow)

BatonPreferencesWindow *baton_preferences_window_new (BatonApplication *application);
AdwComboRow            *baton_preferences_window_get_microphone_row (BatonPreferencesWindow *self);
AdwComboRow            *baton_preferences_window_get_speaker_row    (BatonPreferencesWindow *self);
double                  baton_preferences_window_get_level          (BatonPreferencesWindow *self);
AdwEntryRow            *baton_preferences_window_get_always_row     (BatonPreferencesWindow *self);
AdwEntryRow            *baton_preferences_window_get_unanswered_row (BatonPreferencesWindow *self);
GtkSpinButton          *baton_preferences_window_get_timeout_spin   (BatonPreferencesWindow *self);
gboolean                baton_preferences_window_get_forwarding_ready (BatonPreferencesWindow *self);
guint                   baton_preferences_window_get_toasts         (BatonPreferencesWindow  *self,
                                                                     const char             **last);

G_END_DECLS
