/* baton-audio-device-private.h (not public API)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include "baton-audio-device.h"

G_BEGIN_DECLS

BatonAudioDevice *baton_audio_device_new                   (const char           *id,
                                                            const char           *name,
                                                            BatonAudioDeviceType  device_type,
                                                            GstDevice            *gst_device);
GstDevice        *baton_audio_device_get_gst_device        (BatonAudioDevice     *self);
void              baton_audio_device_set_gst_device        (BatonAudioDevice     *self,
                                                            GstDevice            *gst_device);
void              baton_audio_device_set_name              (BatonAudioDevice     *self,
                                                            const char           *name);
void              baton_audio_device_set_is_system_default (BatonAudioDevice     *self,
                                                            gboolean              is_default);
/* Low-latency settings for a device element (see the .c file). */
void              baton_audio_device_tune_element          (GstElement           *element);
/* A new (floating) source or sink element for this device. */
GstElement       *baton_audio_device_create_element        (BatonAudioDevice     *self,
                                                            const char           *name);

G_END_DECLS
