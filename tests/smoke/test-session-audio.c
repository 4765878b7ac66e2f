/* test-session-audio.c: the test session's audio is real
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Proves the parts of tests/session/baton-test-session that every audio test
 * stands on: GStreamer finds the virtual microphone and speaker, a tone played
 * into the microphone comes out of it, and a tone played to the speaker is
 * heard on its monitor. Stop WirePlumber and the tone tests fail (nothing is
 * linked); point them at another node and they hear silence.
 */
#include <string.h>

#include <gst/gst.h>

#include "baton-test-audio.h"

static const char *
env (const char *name)
{
  const char *value = g_getenv (name);

  g_assert_nonnull (value);
  return value;
}

static gboolean
find_device (GList      *devices,
             const char *node_name,
             const char *klass)
{
  for (GList *l = devices; l != NULL; l = l->next)
    {
      g_autoptr(GstStructure) props = gst_device_get_properties (l->data);
      const char *name = props ? gst_structure_get_string (props, "node.name") : NULL;

      if (g_strcmp0 (name, node_name) == 0 && gst_device_has_classes (l->data, klass))
        return TRUE;
    }
  return FALSE;
}

/* What the SDK sees when a PulseAudio server runs (pipewire-pulse): its
 * device provider lists both devices. (Its other path, PipeWire's own
 * device provider, is test-device-manager's pipewire-without-pulse: this
 * program loads no PipeWire client, as no test program does, see
 * tests/common/baton-test-audio.c.) And PipeWire has both nodes. */
static void
test_devices_listed (void)
{
  g_autoptr(GstDeviceProvider) provider = gst_device_provider_factory_get_by_name ("pulsedeviceprovider");
  GList *devices;
  gboolean mic, speaker;

  g_assert_nonnull (provider);
  g_assert_true (gst_device_provider_start (provider));
  devices = gst_device_provider_get_devices (provider);
  gst_device_provider_stop (provider);
  mic = find_device (devices, env ("BATON_TEST_MIC"), "Audio/Source");
  speaker = find_device (devices, env ("BATON_TEST_SPEAKER"), "Audio/Sink");
  g_list_free_full (devices, gst_object_unref);

  g_assert_true (mic);
  g_assert_true (speaker);
  g_assert_true (baton_test_wait_for_node (env ("BATON_TEST_MIC"), TRUE, 100));
  g_assert_true (baton_test_wait_for_node (env ("BATON_TEST_SPEAKER"), TRUE, 100));
}

static void
test_microphone_tone (void)
{
  g_autoptr(BatonTestSpectrum) before = NULL;
  g_autoptr(BatonTestSpectrum) during = NULL;
  BatonTestTone *tone;

  /* Nothing played yet: the microphone hears silence. */
  before = baton_test_record_source (env ("BATON_TEST_MIC"), 500);
  g_assert_cmpuint (baton_test_spectrum_n_frames (before), >, 0);
  g_assert_true (baton_test_spectrum_is_silent (before));

  tone = baton_test_tone_start (env ("BATON_TEST_MIC_INPUT"), 440);
  during = baton_test_record_source (env ("BATON_TEST_MIC"), 500);
  baton_test_tone_stop (tone);

  g_assert_true (baton_test_spectrum_has_tone (during, 440));
  g_assert_cmpfloat_with_epsilon (baton_test_spectrum_peak_hz (during), 440, 15);
  g_assert_false (baton_test_spectrum_has_tone (during, 1000));
}

static void
test_speaker_tone (void)
{
  g_autoptr(BatonTestSpectrum) spectrum = NULL;
  g_autoptr(BatonTestSpectrum) mic = NULL;
  BatonTestTone *tone;

  tone = baton_test_tone_start (env ("BATON_TEST_SPEAKER"), 1000);
  spectrum = baton_test_record_speaker (env ("BATON_TEST_SPEAKER"), 500);
  /* The speaker is not the microphone: the mic stays silent. */
  mic = baton_test_record_source (env ("BATON_TEST_MIC"), 300);
  baton_test_tone_stop (tone);

  g_assert_true (baton_test_spectrum_has_tone (spectrum, 1000));
  g_assert_cmpfloat_with_epsilon (baton_test_spectrum_peak_hz (spectrum), 1000, 15);
  g_assert_true (baton_test_spectrum_is_silent (mic));
}

static void
test_device_hotplug (void)
{
  g_autoptr(BatonTestSpectrum) spectrum = NULL;
  BatonTestDevice *mic = baton_test_device_add_microphone ("baton-test-extra-mic", "Extra Mic");
  BatonTestTone *tone = baton_test_tone_start (baton_test_device_get_node (mic), 700);

  spectrum = baton_test_record_source ("baton-test-extra-mic", 400);
  baton_test_tone_stop (tone);
  g_assert_true (baton_test_spectrum_has_tone (spectrum, 700));

  baton_test_device_remove (mic);
  g_assert_false (baton_test_wait_for_node ("baton-test-extra-mic", TRUE, 100));
}

/* Tones and recordings through pipewire-pulse only: this program, like
 * every test program, loaded no PipeWire client (whose GStreamer elements
 * share one connection and thread per process with PipeWire's device
 * provider; that thread crashed test programs now and then). */
static void
test_no_pipewire_client (void)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  g_assert_nonnull (strstr (maps, "libgstpulseaudio.so"));
  g_assert_null (strstr (maps, "libgstpipewire.so"));
  g_assert_null (strstr (maps, "libpipewire-0.3.so"));
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Session/audio/devices-listed", test_devices_listed);
  g_test_add_func ("/Session/audio/microphone-tone", test_microphone_tone);
  g_test_add_func ("/Session/audio/speaker-tone", test_speaker_tone);
  g_test_add_func ("/Session/audio/device-hotplug", test_device_hotplug);
  g_test_add_func ("/Session/audio/no-pipewire-client", test_no_pipewire_client);

  return g_test_run ();
}
