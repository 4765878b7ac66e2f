/* baton-device-manager.h: the microphones and speakers, and which ones calls use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(_BATON_INSIDE) && !defined(BATON_COMPILATION)
#error "Only <baton/baton.h> can be included directly."
#endif

#include <gio/gio.h>

#include "baton-version.h"
#include "baton-audio-device.h"

G_BEGIN_DECLS

#define BATON_TYPE_DEVICE_MANAGER (baton_device_manager_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonDeviceManager, baton_device_manager, BATON, DEVICE_MANAGER, GObject)

BATON_AVAILABLE_IN_ALL
GListModel       *baton_device_manager_get_microphones         (BatonDeviceManager *self);
BATON_AVAILABLE_IN_ALL
GListModel       *baton_device_manager_get_speakers            (BatonDeviceManager *self);
BATON_AVAILABLE_IN_ALL
BatonAudioDevice *baton_device_manager_get_selected_microphone (BatonDeviceManager *self);
BATON_AVAILABLE_IN_ALL
BatonAudioDevice *baton_device_manager_get_selected_speaker    (BatonDeviceManager *self);
BATON_AVAILABLE_IN_ALL
void              baton_device_manager_select_microphone       (BatonDeviceManager *self,
                                                                BatonAudioDevice   *device);
BATON_AVAILABLE_IN_ALL
void              baton_device_manager_select_speaker          (BatonDeviceManager *self,
                                                                BatonAudioDevice   *device);
BATON_AVAILABLE_IN_ALL
const char       *baton_device_manager_get_error_message       (BatonDeviceManager *self);

G_END_DECLS
