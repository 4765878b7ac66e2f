/* baton-audio-device.h: one microphone or speaker
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

#define BATON_TYPE_AUDIO_DEVICE (baton_audio_device_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonAudioDevice, baton_audio_device, BATON, AUDIO_DEVICE, GObject)

BATON_AVAILABLE_IN_ALL
const char          *baton_audio_device_get_id                (BatonAudioDevice *self);
BATON_AVAILABLE_IN_ALL
const char          *baton_audio_device_get_name              (BatonAudioDevice *self);
BATON_AVAILABLE_IN_ALL
BatonAudioDeviceType baton_audio_device_get_device_type       (BatonAudioDevice *self);
BATON_AVAILABLE_IN_ALL
gboolean             baton_audio_device_get_is_system_default (BatonAudioDevice *self);

G_END_DECLS
