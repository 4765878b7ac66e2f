/* test-app-ringer.c: the ringtone plays through the SDK's kind of device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With the test session's PulseAudio server (pipewire-pulse) the SDK's
 * device manager watches the devices through PulseAudio's provider and
 * calls use pulsesink: the ringtone plays through pulsesink on the selected
 * speaker and PipeWire's GStreamer plugin never comes into the process.
 * Without a PulseAudio server (the process told to look for one where there
 * is none) the SDK uses PipeWire's provider: the ringtone goes to the
 * selected speaker's PipeWire node with pipewiresink.
 */
#include "config.h"

#include <string.h>

#include "baton-ringer.h"
#include "baton-test-audio.h"
#include "baton-test-devices.h"

/* The test session's speaker, selected in @devices. */
static void
select_test_speaker (BatonDeviceManager *devices)
{
  const char *id = g_getenv ("BATON_TEST_SPEAKER");

  g_assert_nonnull (id);
  baton_test_select_devices (devices, NULL, id);
  g_assert_cmpstr (baton_audio_device_get_id (baton_device_manager_get_selected_speaker (devices)), ==, id);
}

/* The sink of the ringtone's pipeline, and its factory's name. */
static GstElement *
ringer_sink (BatonRinger *ringer)
{
  GstElement *pipeline = baton_ringer_get_pipeline (ringer);
  g_autoptr(GstIterator) it = NULL;
  GValue item = G_VALUE_INIT;
  GstElement *sink = NULL;

  g_assert_nonnull (pipeline);
  it = gst_bin_iterate_sinks (GST_BIN (pipeline));
  g_assert_cmpint (gst_iterator_next (it, &item), ==, GST_ITERATOR_OK);
  sink = g_value_get_object (&item);
  g_value_unset (&item);
  return sink;  /* the pipeline holds it */
}

static const char *
factory_name (GstElement *element)
{
  return GST_OBJECT_NAME (gst_element_get_factory (element));
}

/* PulseAudio answers: pulsesink on the selected speaker, heard there, and
 * no PipeWire GStreamer plugin in the process before, while or after it
 * rings. */
static void
test_pulse (void)
{
  g_autoptr(BatonCallClient) client = baton_call_client_new ();
  BatonDeviceManager *devices = baton_call_client_get_device_manager (client);
  g_autoptr(BatonRinger) ringer = NULL;
  g_autoptr(BatonTestSpectrum) heard = NULL;
  g_autofree char *device = NULL;
  GstElement *sink;

  select_test_speaker (devices);
  g_assert_true (baton_test_library_mapped ("libgstpulseaudio.so"));
  ringer = baton_ringer_new (devices);
  baton_ringer_start (ringer);
  g_assert_true (baton_ringer_get_ringing (ringer));

  sink = ringer_sink (ringer);
  g_assert_cmpstr (factory_name (sink), ==, "pulsesink");
  g_object_get (sink, "device", &device, NULL);
  g_assert_cmpstr (device, ==, g_getenv ("BATON_TEST_SPEAKER"));

  /* Rings 0.4 s, 0.2 off, 0.4 on, 2 s off: heard within a cycle (3 s),
   * however late the sink started */
  for (guint i = 0; i < 6; i++)
    {
      g_clear_pointer (&heard, baton_test_spectrum_free);
      heard = baton_test_record_speaker (g_getenv ("BATON_TEST_SPEAKER"), 600);
      if (baton_test_spectrum_has_tone (heard, 480))
        break;
    }
  g_assert_true (baton_test_spectrum_has_tone (heard, 480));
  baton_ringer_stop (ringer);
  g_assert_false (baton_ringer_get_ringing (ringer));

  g_assert_false (baton_test_library_mapped ("libgstpipewire.so"));
}

/* No PulseAudio server: the SDK watches PipeWire's devices, and the
 * ringtone plays with pipewiresink into the selected speaker's node (a
 * playback stream linked to it while it rings, none after). */
static void
test_pipewire_without_pulse (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(BatonCallClient) client = NULL;
      BatonDeviceManager *devices;
      g_autoptr(BatonRinger) ringer = NULL;
      g_autofree char *target = NULL;
      const char *speaker = g_getenv ("BATON_TEST_SPEAKER");
      GstElement *sink;

      g_setenv ("PULSE_SERVER", "unix:/nonexistent/baton-no-pulse", TRUE);
      client = baton_call_client_new ();
      devices = baton_call_client_get_device_manager (client);
      select_test_speaker (devices);
      g_assert_true (baton_test_library_mapped ("libgstpipewire.so"));
      g_assert_cmpuint (baton_test_stream_links (speaker, "playback", "|<-"), ==, 0);

      ringer = baton_ringer_new (devices);
      baton_ringer_start (ringer);
      sink = ringer_sink (ringer);
      g_assert_cmpstr (factory_name (sink), ==, "pipewiresink");
      g_object_get (sink, "target-object", &target, NULL);
      g_assert_cmpstr (target, ==, speaker);

      for (guint i = 0; baton_test_stream_links (speaker, "playback", "|<-") == 0; i++)
        {
          g_assert_cmpuint (i, <, 100);  /* 10 s */
          g_usleep (100 * 1000);
        }
      baton_ringer_stop (ringer);
      for (guint i = 0; baton_test_stream_links (speaker, "playback", "|<-") > 0; i++)
        {
          g_assert_cmpuint (i, <, 100);
          g_usleep (100 * 1000);
        }
      return;
    }
  g_test_trap_subprocess (NULL, 40 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  g_test_add_func ("/Baton/App/ringer/pulse", test_pulse);
  g_test_add_func ("/Baton/App/ringer/pipewire-without-pulse", test_pipewire_without_pulse);

  return g_test_run ();
}
