/* baton-ringer.c: the ringtone, played on the selected speaker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Device ids of libbaton are PipeWire node names; pipewire-pulse knows the
 * same names, so pulsesink/pulsesrc with device=ID reach them.
 */

#include "config.h"

#include "baton-ringer.h"

struct _BatonRinger
{
  GObject parent_instance;
  BatonDeviceManager *devices;
  GstElement *pipeline;
  guint cadence_id;
  guint step;
};

G_DEFINE_FINAL_TYPE (BatonRinger, baton_ringer, G_TYPE_OBJECT)

/* Is GStreamer's device provider @name running in this process? Asked
 * without loading its plugin (a provider whose plugin is not loaded runs
 * nowhere here); a provider is its factory's one instance, the one the
 * SDK's device manager started. */
static gboolean
provider_running (const char *name)
{
  g_autoptr(GstDeviceProviderFactory) factory = gst_device_provider_factory_find (name);
  g_autoptr(GstPlugin) plugin = NULL;
  g_autoptr(GstDeviceProvider) provider = NULL;

  if (factory == NULL)
    return FALSE;
  plugin = gst_plugin_feature_get_plugin (GST_PLUGIN_FEATURE (factory));
  if (plugin == NULL || !gst_plugin_is_loaded (plugin))
    return FALSE;
  provider = gst_device_provider_factory_get (factory);
  return provider != NULL && gst_device_provider_is_started (provider);
}

/* A sink (@sink) or source for the device with this id (NULL: the
 * default), of the kind the SDK's device manager plays and records calls
 * through, so that the app never brings in a second sound-server client
 * beside the SDK's (call it once the manager has started, i.e. after any of
 * its getters):
 *
 * - When a PulseAudio server answers (pipewire-pulse on a PipeWire desktop)
 *   the SDK watches the devices through PulseAudio's provider alone and
 *   calls use pulsesink/pulsesrc: so do we. Never autoaudiosink/-src there:
 *   they may pick PipeWire's GStreamer plugin (pipewiresrc ranks primary+1),
 *   whose elements and device provider share one PipeWire connection and
 *   thread per process (PipeWire 0.3.65), the thread that crashed beside the
 *   SDK's devices (docs/PERFORMANCE.md, Media, "Devices and the test rig").
 * - Else, when the SDK watches PipeWire's provider (PipeWire without its
 *   PulseAudio server), the device ids are PipeWire node names:
 *   pipewiresink/pipewiresrc with target-object=ID.
 * - Else (neither: e.g. ALSA alone) the system default, autoaudiosink/-src:
 *   nothing we know of addresses a device by the SDK's id there. */
static GstElement *
make_device_element (gboolean    sink,
                     const char *device_id)
{
  gboolean with_id = device_id != NULL && *device_id != '\0';
  GstElement *element;

  if (provider_running ("pulsedeviceprovider"))
    {
      element = gst_element_factory_make (sink ? "pulsesink" : "pulsesrc", NULL);
      if (element != NULL && with_id)
        g_object_set (element, "device", device_id, NULL);
    }
  else if (with_id && provider_running ("pipewiredeviceprovider"))
    {
      element = gst_element_factory_make (sink ? "pipewiresink" : "pipewiresrc", NULL);
      if (element != NULL)
        g_object_set (element, "target-object", device_id, NULL);
    }
  else
    return gst_element_factory_make (sink ? "autoaudiosink" : "autoaudiosrc", NULL);

  if (element != NULL)
    g_object_set (element, "client-name", "Baton", NULL);
  return element;
}

GstElement *
baton_audio_new_tone_pipeline (const char *speaker_id,
                               double      freq,
                               double      seconds)
{
  GstElement *pipeline = gst_pipeline_new ("baton-tone");
  GstElement *src = gst_element_factory_make ("audiotestsrc", "tone");
  GstElement *convert = gst_element_factory_make ("audioconvert", NULL);
  GstElement *volume = gst_element_factory_make ("volume", "volume");
  GstElement *sink = make_device_element (TRUE, speaker_id);

  if (src == NULL || convert == NULL || volume == NULL || sink == NULL)
    {
      g_warning ("GStreamer elements for sound are missing");
      gst_object_unref (pipeline);
      return NULL;
    }
  g_object_set (src, "freq", freq, "volume", 0.4, "samplesperbuffer", 480, NULL);
  if (seconds > 0)
    g_object_set (src, "num-buffers", (int) (seconds * 100), NULL); /* 48 kHz, 10 ms */
  gst_bin_add_many (GST_BIN (pipeline), src, convert, volume, sink, NULL);
  if (!gst_element_link_many (src, convert, volume, sink, NULL))
    {
      gst_object_unref (pipeline);
      return NULL;
    }
  return pipeline;
}

GstElement *
baton_audio_new_level_pipeline (const char *microphone_id)
{
  GstElement *pipeline = gst_pipeline_new ("baton-level");
  GstElement *src = make_device_element (FALSE, microphone_id);
  GstElement *convert = gst_element_factory_make ("audioconvert", NULL);
  GstElement *level = gst_element_factory_make ("level", "level");
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  if (src == NULL || convert == NULL || level == NULL || sink == NULL)
    {
      g_warning ("GStreamer elements for the level meter are missing");
      gst_object_unref (pipeline);
      return NULL;
    }
  g_object_set (level, "interval", (guint64) 100 * GST_MSECOND, "post-messages", TRUE, NULL);
  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, convert, level, sink, NULL);
  if (!gst_element_link_many (src, convert, level, sink, NULL))
    {
      gst_object_unref (pipeline);
      return NULL;
    }
  return pipeline;
}

static void
stop_pipeline (BatonRinger *self)
{
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->pipeline);
  g_clear_handle_id (&self->cadence_id, g_source_remove);
}

/* Two short rings, then a pause: 0.4 s on, 0.2 off, 0.4 on, 2 s off. */
static gboolean
cadence_cb (gpointer user_data)
{
  BatonRinger *self = user_data;
  static const guint steps_ms[] = { 400, 200, 400, 2000 };
  GstElement *volume = gst_bin_get_by_name (GST_BIN (self->pipeline), "volume");

  self->step = (self->step + 1) % G_N_ELEMENTS (steps_ms);
  g_object_set (volume, "mute", (self->step % 2) == 1, NULL);
  gst_object_unref (volume);
  self->cadence_id = g_timeout_add (steps_ms[self->step], cadence_cb, self);
  return G_SOURCE_REMOVE;
}

void
baton_ringer_start (BatonRinger *self)
{
  BatonAudioDevice *speaker;

  g_return_if_fail (BATON_IS_RINGER (self));

  if (self->pipeline != NULL)
    return;
  speaker = baton_device_manager_get_selected_speaker (self->devices);
  self->pipeline = baton_audio_new_tone_pipeline (speaker ? baton_audio_device_get_id (speaker) : NULL,
                                                  480.0, 0);
  if (self->pipeline == NULL)
    return;
  g_object_ref_sink (self->pipeline);
  self->step = 0;
  gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
  self->cadence_id = g_timeout_add (400, cadence_cb, self);
  g_debug ("Ringing on %s", speaker ? baton_audio_device_get_id (speaker) : "the default speaker");
}

void
baton_ringer_stop (BatonRinger *self)
{
  g_return_if_fail (BATON_IS_RINGER (self));
  stop_pipeline (self);
}

GstElement *
baton_ringer_get_pipeline (BatonRinger *self)
{
  g_return_val_if_fail (BATON_IS_RINGER (self), NULL);
  return self->pipeline;
}

gboolean
baton_ringer_get_ringing (BatonRinger *self)
{
  g_return_val_if_fail (BATON_IS_RINGER (self), FALSE);
  return self->pipeline != NULL;
}

static void
baton_ringer_dispose (GObject *object)
{
  BatonRinger *self = BATON_RINGER (object);

  stop_pipeline (self);
  g_clear_object (&self->devices);
  G_OBJECT_CLASS (baton_ringer_parent_class)->dispose (object);
}

static void
baton_ringer_class_init (BatonRingerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = baton_ringer_dispose;
}

static void
baton_ringer_init (BatonRinger *self)
{
}

BatonRinger *
baton_ringer_new (BatonDeviceManager *devices)
{
  BatonRinger *self = g_object_new (BATON_TYPE_RINGER, NULL);

  self->devices = g_object_ref (devices);
  return self;
}
