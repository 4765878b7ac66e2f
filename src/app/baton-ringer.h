/* baton-ringer.h: the ringtone, played on the selected speaker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <baton.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define BATON_TYPE_RINGER (baton_ringer_get_type ())
G_DECLARE_FINAL_TYPE (BatonRinger, baton_ringer, BATON, RINGER, GObject)

BatonRinger *baton_ringer_new         (BatonDeviceManager *devices);
void         baton_ringer_start       (BatonRinger        *self);
void         baton_ringer_stop        (BatonRinger        *self);
gboolean     baton_ringer_get_ringing (BatonRinger        *self);
/* The ringtone's pipeline while it rings, else NULL (for tests). */
GstElement  *baton_ringer_get_pipeline (BatonRinger       *self);

/* A pipeline of a short tone to the speaker with this device id (NULL: the
 * default), for the ringtone and for "Play test sound"; its sink is of the
 * kind the SDK's device manager plays calls through (baton-ringer.c). */
GstElement  *baton_audio_new_tone_pipeline (const char *speaker_id,
                                            double      freq,
                                            double      seconds);
/* A pipeline that posts "level" element messages for the microphone with
 * this id (NULL: the default). */
GstElement  *baton_audio_new_level_pipeline (const char *microphone_id);

G_END_DECLS
