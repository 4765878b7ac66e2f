/* baton-test-devices.c: finding and choosing the SDK's audio devices in tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "BatonTestDevices"

#include "baton-test-devices.h"

#define DEVICE_TIMEOUT_MS 10000

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
baton_test_wait_until_true (gboolean (*check) (gpointer data),
                            gpointer   data,
                            guint      timeout_ms)
{
  GMainContext *context = g_main_context_get_thread_default ();
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_ms);
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout, timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, context);

  while (!check (data) && !timed_out)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (timeout);
  return check (data);
}

BatonAudioDevice *
baton_test_find_device (GListModel *model,
                        const char *id)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BatonAudioDevice) device = g_list_model_get_item (model, i);

      if (g_str_equal (baton_audio_device_get_id (device), id))
        return device;  /* the model keeps it alive */
    }

  return NULL;
}

typedef struct
{
  GListModel *model;
  const char *id;
  gboolean present;
} Presence;

static gboolean
presence_reached (gpointer user_data)
{
  Presence *p = user_data;

  return (baton_test_find_device (p->model, p->id) != NULL) == p->present;
}

gboolean
baton_test_wait_for_device (GListModel *model,
                            const char *id,
                            gboolean    present)
{
  Presence p = { model, id, present };

  return baton_test_wait_until_true (presence_reached, &p, DEVICE_TIMEOUT_MS);
}

BatonAudioDevice *
baton_test_get_device (GListModel *model,
                       const char *id)
{
  if (!baton_test_wait_for_device (model, id, TRUE))
    g_error ("the audio device %s was never listed", id);
  return baton_test_find_device (model, id);
}

void
baton_test_select_devices (BatonDeviceManager *devices,
                           const char         *microphone_id,
                           const char         *speaker_id)
{
  g_return_if_fail (BATON_IS_DEVICE_MANAGER (devices));

  if (microphone_id != NULL)
    baton_device_manager_select_microphone (devices,
                                            baton_test_get_device (baton_device_manager_get_microphones (devices),
                                                                   microphone_id));
  if (speaker_id != NULL)
    baton_device_manager_select_speaker (devices,
                                         baton_test_get_device (baton_device_manager_get_speakers (devices),
                                                                speaker_id));
}
