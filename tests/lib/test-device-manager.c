/* test-device-manager.c: BatonDeviceManager and BatonAudioDevice on real PipeWire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test session provides a virtual microphone (BATON_TEST_MIC, fed by the
 * sink BATON_TEST_MIC_INPUT) and a virtual speaker (BATON_TEST_SPEAKER), both
 * system defaults. Devices are also added and removed during the tests.
 */
#include <string.h>

#include <gst/gst.h>

#include "baton-audio-device-private.h"
#include "baton-call-client.h"
#include "baton-device-manager-private.h"
#include "baton-test-audio.h"
#include "baton-test-devices.h"

typedef struct
{
  BatonDeviceManager *manager;
  guint updates;
  GListStore *added;      /* everything reported added, in order */
  GListStore *removed;
  guint mic_notifies;
  guint speaker_notifies;
  guint lists_notifies;
} Fixture;

static void
updated_cb (BatonDeviceManager *manager,
            GListModel         *added,
            GListModel         *removed,
            Fixture            *fixture)
{
  fixture->updates++;
  for (guint i = 0; i < g_list_model_get_n_items (added); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (added, i);
      g_list_store_append (fixture->added, item);
    }
  for (guint i = 0; i < g_list_model_get_n_items (removed); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (removed, i);
      g_list_store_append (fixture->removed, item);
    }
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           Fixture    *fixture)
{
  if (g_str_equal (pspec->name, "selected-microphone"))
    fixture->mic_notifies++;
  else if (g_str_equal (pspec->name, "selected-speaker"))
    fixture->speaker_notifies++;
  else if (g_str_equal (pspec->name, "microphones") || g_str_equal (pspec->name, "speakers"))
    fixture->lists_notifies++;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->manager = baton_device_manager_new ();
  fixture->added = g_list_store_new (BATON_TYPE_AUDIO_DEVICE);
  fixture->removed = g_list_store_new (BATON_TYPE_AUDIO_DEVICE);
  g_signal_connect (fixture->manager, "audio-devices-updated", G_CALLBACK (updated_cb), fixture);
  g_signal_connect (fixture->manager, "notify", G_CALLBACK (notify_cb), fixture);

  /* the session's devices exist before the test starts */
  g_assert_true (baton_test_wait_for_device (baton_device_manager_get_microphones (fixture->manager),
                                             g_getenv ("BATON_TEST_MIC"), TRUE));
  g_assert_true (baton_test_wait_for_device (baton_device_manager_get_speakers (fixture->manager),
                                             g_getenv ("BATON_TEST_SPEAKER"), TRUE));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_assert_finalize_object (fixture->manager);
  g_clear_object (&fixture->added);
  g_clear_object (&fixture->removed);
}

static void
assert_unique_ids (GListModel *model)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BatonAudioDevice) device = g_list_model_get_item (model, i);
      const char *id = baton_audio_device_get_id (device);

      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, (gpointer) id);
    }
}

static void
test_lists (Fixture       *fixture,
            gconstpointer  data)
{
  GListModel *mics = baton_device_manager_get_microphones (fixture->manager);
  GListModel *speakers = baton_device_manager_get_speakers (fixture->manager);
  BatonAudioDevice *mic = baton_test_find_device (mics, g_getenv ("BATON_TEST_MIC"));
  BatonAudioDevice *speaker = baton_test_find_device (speakers, g_getenv ("BATON_TEST_SPEAKER"));
  g_autoptr(GListModel) prop_mics = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  BatonAudioDeviceType type;

  g_assert_true (G_IS_LIST_MODEL (mics));
  g_assert_cmpuint (g_list_model_get_item_type (mics), ==, BATON_TYPE_AUDIO_DEVICE);
  g_object_get (fixture->manager, "microphones", &prop_mics, NULL);
  g_assert_true (prop_mics == mics);

  g_assert_nonnull (mic);
  g_assert_nonnull (speaker);
  g_object_get (mic, "id", &id, "name", &name, "device-type", &type, NULL);
  g_assert_cmpstr (id, ==, g_getenv ("BATON_TEST_MIC"));
  g_assert_cmpstr (name, ==, "Baton Test Microphone");
  g_assert_cmpint (type, ==, BATON_AUDIO_DEVICE_TYPE_MICROPHONE);
  g_assert_cmpstr (baton_audio_device_get_name (speaker), ==, "Baton Test Speaker");
  g_assert_cmpint (baton_audio_device_get_device_type (speaker), ==, BATON_AUDIO_DEVICE_TYPE_SPEAKER);

  /* The microphone's input is a sink, so a speaker; it is no microphone */
  g_assert_nonnull (baton_test_find_device (speakers, g_getenv ("BATON_TEST_MIC_INPUT")));
  g_assert_null (baton_test_find_device (mics, g_getenv ("BATON_TEST_MIC_INPUT")));

  /* Seen by PipeWire and by pipewire-pulse, listed once; no monitors */
  assert_unique_ids (mics);
  assert_unique_ids (speakers);
  for (guint i = 0; i < g_list_model_get_n_items (mics); i++)
    {
      g_autoptr(BatonAudioDevice) device = g_list_model_get_item (mics, i);

      g_assert_false (g_str_has_suffix (baton_audio_device_get_id (device), ".monitor"));
      g_assert_false (g_str_has_prefix (baton_audio_device_get_name (device), "Monitor of"));
      g_assert_null (baton_test_find_device (speakers, baton_audio_device_get_id (device)));
    }

  /* Devices exist: nothing to complain about */
  g_assert_null (baton_device_manager_get_error_message (fixture->manager));
}

static void
test_system_default (Fixture       *fixture,
                     gconstpointer  data)
{
  GListModel *mics = baton_device_manager_get_microphones (fixture->manager);
  GListModel *speakers = baton_device_manager_get_speakers (fixture->manager);
  BatonAudioDevice *mic = baton_test_find_device (mics, g_getenv ("BATON_TEST_MIC"));
  BatonAudioDevice *speaker = baton_test_find_device (speakers, g_getenv ("BATON_TEST_SPEAKER"));
  BatonAudioDevice *input = baton_test_find_device (speakers, g_getenv ("BATON_TEST_MIC_INPUT"));
  g_autoptr(BatonAudioDevice) selected = NULL;
  gboolean is_default = FALSE;

  g_object_get (mic, "is-system-default", &is_default, NULL);
  g_assert_true (is_default);
  g_assert_true (baton_audio_device_get_is_system_default (speaker));
  g_assert_false (baton_audio_device_get_is_system_default (input));

  /* Nothing chosen: the selection is the system default */
  g_assert_true (baton_device_manager_get_selected_microphone (fixture->manager) == mic);
  g_object_get (fixture->manager, "selected-speaker", &selected, NULL);
  g_assert_true (selected == speaker);
}

static gboolean
has_updates (gpointer data)
{
  return ((Fixture *) data)->updates > 0;
}

static void
test_hotplug (Fixture       *fixture,
              gconstpointer  data)
{
  GListModel *speakers = baton_device_manager_get_speakers (fixture->manager);
  GListModel *mics = baton_device_manager_get_microphones (fixture->manager);
  BatonTestDevice *device;
  BatonAudioDevice *found;
  guint n_speakers = g_list_model_get_n_items (speakers);
  guint n_mics = g_list_model_get_n_items (mics);
  guint lists_notifies = fixture->lists_notifies;

  g_assert_cmpuint (fixture->updates, ==, 0);

  device = baton_test_device_add_speaker ("baton-dm-hotplug-speaker", "Hot-plugged Speaker");
  g_assert_true (baton_test_wait_for_device (speakers, "baton-dm-hotplug-speaker", TRUE));
  g_assert_true (baton_test_wait_until_true (has_updates, fixture, 5000));
  found = baton_test_find_device (speakers, "baton-dm-hotplug-speaker");
  g_assert_cmpuint (g_list_model_get_n_items (speakers), ==, n_speakers + 1);
  g_assert_cmpuint (g_list_model_get_n_items (mics), ==, n_mics);   /* no monitor source */
  g_assert_cmpstr (baton_audio_device_get_name (found), ==, "Hot-plugged Speaker");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->added)), ==, 1);
  {
    g_autoptr(BatonAudioDevice) added = g_list_model_get_item (G_LIST_MODEL (fixture->added), 0);
    g_assert_true (added == found);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->removed)), ==, 0);

  /* A new speaker does not change the selection */
  g_assert_cmpuint (fixture->speaker_notifies, ==, 0);

  fixture->updates = 0;
  g_object_ref (found);
  baton_test_device_remove (device);
  g_assert_true (baton_test_wait_for_device (speakers, "baton-dm-hotplug-speaker", FALSE));
  g_assert_true (baton_test_wait_until_true (has_updates, fixture, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (speakers), ==, n_speakers);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->removed)), ==, 1);
  {
    g_autoptr(BatonAudioDevice) removed = g_list_model_get_item (G_LIST_MODEL (fixture->removed), 0);
    g_assert_true (removed == found);
  }
  g_object_unref (found);

  /* The lists are live: the same objects, never replaced */
  g_assert_cmpuint (fixture->lists_notifies, ==, lists_notifies);
}

static void
test_hotplug_microphone (Fixture       *fixture,
                         gconstpointer  data)
{
  GListModel *mics = baton_device_manager_get_microphones (fixture->manager);
  GListModel *speakers = baton_device_manager_get_speakers (fixture->manager);
  BatonTestDevice *device;

  device = baton_test_device_add_microphone ("baton-dm-hotplug-mic", "Hot-plugged Microphone");
  g_assert_true (baton_test_wait_for_device (mics, "baton-dm-hotplug-mic", TRUE));
  /* its input sink shows as a speaker */
  g_assert_true (baton_test_wait_for_device (speakers, "baton-dm-hotplug-mic-input", TRUE));
  g_assert_false (baton_audio_device_get_is_system_default (baton_test_find_device (mics, "baton-dm-hotplug-mic")));
  g_assert_cmpuint (fixture->mic_notifies, ==, 0);

  baton_test_device_remove (device);
  g_assert_true (baton_test_wait_for_device (mics, "baton-dm-hotplug-mic", FALSE));
  g_assert_true (baton_test_wait_for_device (speakers, "baton-dm-hotplug-mic-input", FALSE));
  g_assert_cmpuint (fixture->updates, >=, 4);
}

static void
test_select_and_fall_back (Fixture       *fixture,
                           gconstpointer  data)
{
  GListModel *mics = baton_device_manager_get_microphones (fixture->manager);
  BatonAudioDevice *system_mic = baton_test_find_device (mics, g_getenv ("BATON_TEST_MIC"));
  BatonTestDevice *device;
  BatonAudioDevice *chosen;

  device = baton_test_device_add_microphone ("baton-dm-chosen-mic", "Chosen Microphone");
  g_assert_true (baton_test_wait_for_device (mics, "baton-dm-chosen-mic", TRUE));
  chosen = baton_test_find_device (mics, "baton-dm-chosen-mic");

  baton_device_manager_select_microphone (fixture->manager, chosen);
  g_assert_true (baton_device_manager_get_selected_microphone (fixture->manager) == chosen);
  g_assert_cmpuint (fixture->mic_notifies, ==, 1);

  /* explicit notify: the same again changes nothing */
  baton_device_manager_select_microphone (fixture->manager, chosen);
  g_object_set (fixture->manager, "selected-microphone", chosen, NULL);
  g_assert_cmpuint (fixture->mic_notifies, ==, 1);
  g_assert_cmpuint (fixture->speaker_notifies, ==, 0);

  /* the chosen device goes away: back to the system default */
  g_object_ref (chosen);
  baton_test_device_remove (device);
  g_assert_true (baton_test_wait_for_device (mics, "baton-dm-chosen-mic", FALSE));
  g_assert_true (baton_device_manager_get_selected_microphone (fixture->manager) == system_mic);
  g_assert_cmpuint (fixture->mic_notifies, ==, 2);

  /* picked again just as it went (a chooser a step behind): no critical,
   * nothing changes */
  baton_device_manager_select_microphone (fixture->manager, chosen);
  g_assert_true (baton_device_manager_get_selected_microphone (fixture->manager) == system_mic);
  g_assert_cmpuint (fixture->mic_notifies, ==, 2);
  g_object_unref (chosen);
}

static void
test_select_property (Fixture       *fixture,
                      gconstpointer  data)
{
  GListModel *speakers = baton_device_manager_get_speakers (fixture->manager);
  BatonAudioDevice *system_speaker = baton_test_find_device (speakers, g_getenv ("BATON_TEST_SPEAKER"));
  BatonAudioDevice *other = baton_test_find_device (speakers, g_getenv ("BATON_TEST_MIC_INPUT"));

  g_object_set (fixture->manager, "selected-speaker", other, NULL);
  g_assert_true (baton_device_manager_get_selected_speaker (fixture->manager) == other);
  g_assert_cmpuint (fixture->speaker_notifies, ==, 1);

  /* NULL: follow the system default again */
  baton_device_manager_select_speaker (fixture->manager, NULL);
  g_assert_true (baton_device_manager_get_selected_speaker (fixture->manager) == system_speaker);
  g_assert_cmpuint (fixture->speaker_notifies, ==, 2);
  g_assert_cmpuint (fixture->mic_notifies, ==, 0);
}

static void
test_select_wrong_type (Fixture       *fixture,
                        gconstpointer  data)
{
  GListModel *speakers = baton_device_manager_get_speakers (fixture->manager);
  BatonAudioDevice *speaker = baton_test_find_device (speakers, g_getenv ("BATON_TEST_SPEAKER"));
  BatonAudioDevice *selected = baton_device_manager_get_selected_microphone (fixture->manager);

  g_test_expect_message ("Baton-Devices", G_LOG_LEVEL_CRITICAL, "*device_type*");
  baton_device_manager_select_microphone (fixture->manager, speaker);
  g_test_assert_expected_messages ();

  g_assert_true (baton_device_manager_get_selected_microphone (fixture->manager) == selected);
  g_assert_cmpuint (fixture->mic_notifies, ==, 0);
}

static void
set_system_default_speaker (const char *node)
{
  g_autofree char *value = g_strdup_printf ("{ \"name\": \"%s\" }", node);
  const char *argv[] = { "pw-metadata", "-n", "default", "0", "default.configured.audio.sink",
                         value, "Spa:String:JSON", NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

typedef struct
{
  Fixture *fixture;
  const char *id;
} FollowData;

static gboolean
selected_speaker_is (gpointer user_data)
{
  FollowData *d = user_data;
  BatonAudioDevice *selected = baton_device_manager_get_selected_speaker (d->fixture->manager);

  return selected != NULL && g_str_equal (baton_audio_device_get_id (selected), d->id);
}

/* the new default takes a moment to reach the sound server: ask again and again */
static gboolean
refresh_cb (gpointer user_data)
{
  baton_device_manager_refresh_defaults (user_data);
  return G_SOURCE_CONTINUE;
}

/* The system default changes (in the desktop's settings): once asked (media
 * sessions ask when they start), the selection not chosen by hand follows */
static void
test_follow_system_default (Fixture       *fixture,
                            gconstpointer  data)
{
  GListModel *speakers = baton_device_manager_get_speakers (fixture->manager);
  BatonAudioDevice *speaker = baton_test_find_device (speakers, g_getenv ("BATON_TEST_SPEAKER"));
  BatonAudioDevice *other = baton_test_find_device (speakers, g_getenv ("BATON_TEST_MIC_INPUT"));
  FollowData d = { fixture, g_getenv ("BATON_TEST_MIC_INPUT") };
  guint refresh_id;

  g_assert_true (baton_device_manager_get_selected_speaker (fixture->manager) == speaker);

  set_system_default_speaker (g_getenv ("BATON_TEST_MIC_INPUT"));
  refresh_id = g_timeout_add (200, refresh_cb, fixture->manager);
  g_assert_true (baton_test_wait_until_true (selected_speaker_is, &d, 10000));
  g_assert_true (baton_audio_device_get_is_system_default (other));
  g_assert_false (baton_audio_device_get_is_system_default (speaker));
  g_assert_cmpuint (fixture->speaker_notifies, ==, 1);
  g_assert_cmpuint (fixture->mic_notifies, ==, 0);

  /* and back */
  set_system_default_speaker (g_getenv ("BATON_TEST_SPEAKER"));
  d.id = g_getenv ("BATON_TEST_SPEAKER");
  g_assert_true (baton_test_wait_until_true (selected_speaker_is, &d, 10000));
  g_assert_true (baton_audio_device_get_is_system_default (speaker));
  g_assert_false (baton_audio_device_get_is_system_default (other));
  g_assert_cmpuint (fixture->speaker_notifies, ==, 2);
  g_source_remove (refresh_id);
}

static void
test_elements (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;

  /* the selected devices give real capture and playback elements */
  src = gst_object_ref_sink (baton_device_manager_create_microphone_element (fixture->manager, NULL));
  sink = gst_object_ref_sink (baton_device_manager_create_speaker_element (fixture->manager, NULL));
  g_assert_cmpstr (GST_OBJECT_NAME (gst_element_get_factory (src)), !=, "audiotestsrc");
  g_assert_cmpstr (GST_OBJECT_NAME (gst_element_get_factory (sink)), !=, "fakesink");
  g_assert_true (gst_element_get_factory (src) != NULL);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* A manager starts on first use: made (by a client, for its agents), it has
 * not started GStreamer; the first list asked for starts it, and is
 * complete: the process's first manager waits for the device monitor's
 * start a quarter of a second at most (a stalled sound server: see
 * first-start-frozen-server). A second manager's lists are complete when
 * first asked for too. The first selection is no change to notify (nobody
 * could read one before, as when it started in its constructor). Run in a
 * subprocess whose main() leaves GStreamer alone. */
static void
test_starts_on_first_use (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(BatonCallClient) client = baton_call_client_new ();
      BatonDeviceManager *manager = baton_call_client_get_device_manager (client);
      GListModel *mics;
      guint first_notifies = 0;
      guint notifies = 0;

      g_autoptr(BatonDeviceManager) second = NULL;

      g_assert_false (gst_is_initialized ());
      g_assert_true (baton_call_client_get_device_manager (client) == manager);
      g_assert_false (gst_is_initialized ());

      /* with a sound server that answers, the first read of the process's
       * first manager is complete (it waited for the monitor's start, a
       * quarter of a second at most), as a script reading it at once
       * expects */
      g_signal_connect (manager, "notify", G_CALLBACK (count_notify_cb), &first_notifies);
      mics = baton_device_manager_get_microphones (manager);
      g_assert_true (gst_is_initialized ());
      g_assert_nonnull (baton_test_find_device (mics, g_getenv ("BATON_TEST_MIC")));
      g_assert_nonnull (baton_test_find_device (baton_device_manager_get_speakers (manager),
                                                g_getenv ("BATON_TEST_SPEAKER")));
      g_assert_nonnull (baton_device_manager_get_selected_microphone (manager));
      g_assert_nonnull (baton_device_manager_get_selected_speaker (manager));
      g_assert_null (baton_device_manager_get_error_message (manager));
      g_assert_cmpuint (first_notifies, ==, 0);

      second = baton_device_manager_new ();
      g_signal_connect (second, "notify", G_CALLBACK (count_notify_cb), &notifies);
      g_assert_nonnull (baton_test_find_device (baton_device_manager_get_microphones (second),
                                                g_getenv ("BATON_TEST_MIC")));
      g_assert_nonnull (baton_test_find_device (baton_device_manager_get_speakers (second),
                                                g_getenv ("BATON_TEST_SPEAKER")));
      g_assert_nonnull (baton_device_manager_get_selected_microphone (second));
      g_assert_nonnull (baton_device_manager_get_selected_speaker (second));
      g_assert_null (baton_device_manager_get_error_message (second));
      g_assert_cmpuint (notifies, ==, 0);
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Every device of @model came from the provider whose devices are of
 * @type_name (GstPulseDevice, GstPipeWireDevice) */
static void
assert_devices_from (GListModel *model,
                     const char *type_name)
{
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BatonAudioDevice) device = g_list_model_get_item (model, i);
      GstDevice *gst_device = baton_audio_device_get_gst_device (device);

      g_assert_nonnull (gst_device);
      g_assert_cmpstr (G_OBJECT_TYPE_NAME (gst_device), ==, type_name);
    }
}

static void
assert_element_from (GstElement *element,
                     const char *factory_name)
{
  g_autoptr(GstElement) owned = gst_object_ref_sink (element);

  g_assert_nonnull (gst_element_get_factory (owned));
  g_assert_cmpstr (GST_OBJECT_NAME (gst_element_get_factory (owned)), ==, factory_name);
}

/* The test session's devices are listed, every device comes from a
 * @device_type, and calls get @src / @sink elements */
static void
assert_watched_through (BatonDeviceManager *manager,
                        const char         *device_type,
                        const char         *src,
                        const char         *sink)
{
  GListModel *mics = baton_device_manager_get_microphones (manager);
  GListModel *speakers = baton_device_manager_get_speakers (manager);

  g_assert_nonnull (baton_test_get_device (mics, g_getenv ("BATON_TEST_MIC")));
  g_assert_nonnull (baton_test_get_device (speakers, g_getenv ("BATON_TEST_SPEAKER")));
  assert_devices_from (mics, device_type);
  assert_devices_from (speakers, device_type);
  assert_element_from (baton_device_manager_create_microphone_element (manager, NULL), src);
  assert_element_from (baton_device_manager_create_speaker_element (manager, NULL), sink);
}

/* With a PulseAudio server (the session runs pipewire-pulse), the devices
 * are watched and used through it alone: the process loads no PipeWire
 * client (PipeWire's GStreamer elements and device provider share one
 * connection and thread per process, whose thread crashed the test programs
 * now and then). Hot-plug comes through it too. Run in a subprocess whose
 * main() loaded nothing. */
static void
test_pulse_alone (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(BatonDeviceManager) manager = baton_device_manager_new ();
      GListModel *speakers = baton_device_manager_get_speakers (manager);
      BatonTestDevice *device;

      assert_watched_through (manager, "GstPulseDevice", "pulsesrc", "pulsesink");

      device = baton_test_device_add_speaker ("baton-dm-pulse-speaker", "Pulse Speaker");
      g_assert_true (baton_test_wait_for_device (speakers, "baton-dm-pulse-speaker", TRUE));
      baton_test_device_remove (device);
      g_assert_true (baton_test_wait_for_device (speakers, "baton-dm-pulse-speaker", FALSE));

      g_assert_true (baton_test_library_mapped ("libgstpulseaudio.so"));
      g_assert_false (baton_test_library_mapped ("libgstpipewire.so"));
      g_assert_false (baton_test_library_mapped ("libpipewire-0.3.so"));
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* PipeWire without a PulseAudio server (here: the process told to look
 * for one where there is none): the devices come from PipeWire's provider,
 * hot-plug included, and calls use pipewiresrc/pipewiresink. */
static void
test_pipewire_without_pulse (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(BatonDeviceManager) manager = NULL;
      GListModel *speakers;
      BatonTestDevice *device;

      g_setenv ("PULSE_SERVER", "unix:/nonexistent/baton-no-pulse", TRUE);
      manager = baton_device_manager_new ();
      speakers = baton_device_manager_get_speakers (manager);

      assert_watched_through (manager, "GstPipeWireDevice", "pipewiresrc", "pipewiresink");
      g_assert_null (baton_device_manager_get_error_message (manager));

      device = baton_test_device_add_speaker ("baton-dm-pipewire-speaker", "PipeWire Speaker");
      g_assert_true (baton_test_wait_for_device (speakers, "baton-dm-pipewire-speaker", TRUE));
      baton_test_device_remove (device);
      g_assert_true (baton_test_wait_for_device (speakers, "baton-dm-pipewire-speaker", FALSE));
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* The process's first manager made while the sound server does not
 * answer: its main context goes on (the device monitor starts in a thread:
 * before, reading the first list waited for the server), its lists are
 * empty meanwhile and a call would use the server's default devices; once
 * the server answers, the devices come, told by audio-devices-updated, and
 * the selection is the system default. Run in a subprocess: the first
 * manager of its process. */
#define FREEZE_MS 4000
#define FREEZE_MAX_GAP_MS 1000

static void
test_first_start_frozen_server (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0, };
      BatonTestFreeze *freeze;
      GListModel *mics, *speakers;
      BatonAudioDevice *mic;

      fixture.added = g_list_store_new (BATON_TYPE_AUDIO_DEVICE);
      fixture.removed = g_list_store_new (BATON_TYPE_AUDIO_DEVICE);

      freeze = baton_test_pulse_freeze (FREEZE_MS);
      fixture.manager = baton_device_manager_new ();
      g_signal_connect (fixture.manager, "audio-devices-updated", G_CALLBACK (updated_cb), &fixture);
      g_signal_connect (fixture.manager, "notify", G_CALLBACK (notify_cb), &fixture);
      mics = baton_device_manager_get_microphones (fixture.manager);
      speakers = baton_device_manager_get_speakers (fixture.manager);
      g_assert_cmpuint (g_list_model_get_n_items (mics), ==, 0);
      g_assert_null (baton_device_manager_get_selected_microphone (fixture.manager));
      g_assert_null (baton_device_manager_get_error_message (fixture.manager));
      assert_element_from (baton_device_manager_create_microphone_element (fixture.manager, NULL), "pulsesrc");
      assert_element_from (baton_device_manager_create_speaker_element (fixture.manager, NULL), "pulsesink");
      g_assert_cmpuint (baton_test_pulse_freeze_end (freeze), <, FREEZE_MAX_GAP_MS);

      g_assert_true (baton_test_wait_until_true (has_updates, &fixture, 10000));
      g_assert_cmpuint (fixture.updates, ==, 1);
      g_assert_nonnull (baton_test_find_device (G_LIST_MODEL (fixture.added), g_getenv ("BATON_TEST_MIC")));
      g_assert_nonnull (baton_test_find_device (G_LIST_MODEL (fixture.added), g_getenv ("BATON_TEST_SPEAKER")));
      mic = baton_test_find_device (mics, g_getenv ("BATON_TEST_MIC"));
      g_assert_nonnull (mic);
      g_assert_nonnull (baton_test_find_device (speakers, g_getenv ("BATON_TEST_SPEAKER")));
      g_assert_true (baton_device_manager_get_selected_microphone (fixture.manager) == mic);
      g_assert_cmpuint (fixture.mic_notifies, ==, 1);
      g_assert_cmpuint (fixture.speaker_notifies, ==, 1);
      g_assert_null (baton_device_manager_get_error_message (fixture.manager));
      assert_element_from (baton_device_manager_create_microphone_element (fixture.manager, NULL), "pulsesrc");

      g_assert_finalize_object (fixture.manager);
      g_clear_object (&fixture.added);
      g_clear_object (&fixture.removed);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!g_test_subprocess ())
    gst_init (&argc, &argv);

  if (g_getenv ("BATON_TEST_MIC") == NULL)
    {
      g_printerr ("Run inside the test session (tests/session/baton-test-session)\n");
      return 1;
    }

  g_test_add_func ("/Baton/DeviceManager/starts-on-first-use", test_starts_on_first_use);
  g_test_add ("/Baton/DeviceManager/lists", Fixture, NULL, fixture_setup, test_lists, fixture_teardown);
  g_test_add ("/Baton/DeviceManager/system-default", Fixture, NULL, fixture_setup, test_system_default, fixture_teardown);
  g_test_add ("/Baton/DeviceManager/hotplug", Fixture, NULL, fixture_setup, test_hotplug, fixture_teardown);
  g_test_add ("/Baton/DeviceManager/hotplug-microphone", Fixture, NULL, fixture_setup, test_hotplug_microphone, fixture_teardown);
  g_test_add ("/Baton/DeviceManager/select-and-fall-back", Fixture, NULL, fixture_setup, test_select_and_fall_back, fixture_teardown);
  g_test_add ("/Baton/DeviceManager/select-property", Fixture, NULL, fixture_setup, test_select_property, fixture_teardown);
  g_test_add ("/Baton/DeviceManager/select-wrong-type", Fixture, NULL, fixture_setup, test_select_wrong_type, fixture_teardown);
  g_test_add ("/Baton/DeviceManager/follow-system-default", Fixture, NULL, fixture_setup, test_follow_system_default, fixture_teardown);
  g_test_add_func ("/Baton/DeviceManager/pulse-alone", test_pulse_alone);
  g_test_add_func ("/Baton/DeviceManager/pipewire-without-pulse", test_pipewire_without_pulse);
  g_test_add ("/Baton/DeviceManager/elements", Fixture, NULL, fixture_setup, test_elements, fixture_teardown);
  g_test_add_func ("/Baton/DeviceManager/first-start-frozen-server", test_first_start_frozen_server);

  return g_test_run ();
}
