/* test-app-session.c: preferences with live devices, the level meter, and
 * the disconnected banner
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "baton-app-test.h"
#include "baton-application-private.h"
#include "baton-preferences-window.h"
#include "baton-test-audio.h"

static BatonPreferencesWindow *prefs;

static gboolean
model_has_name (GListModel *model,
                const char *name)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonAudioDevice) device = g_list_model_get_item (model, i);

      if (g_strcmp0 (baton_audio_device_get_name (device), name) == 0)
        return TRUE;
    }
  return FALSE;
}

static guint
position_of (GListModel *model,
             const char *name)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonAudioDevice) device = g_list_model_get_item (model, i);

      if (g_strcmp0 (baton_audio_device_get_name (device), name) == 0)
        return i;
    }
  g_error ("no device %s", name);
}

/* Has this process loaded a GStreamer device provider's plugin (what the
 * SDK's device monitor does when it starts)? */
static gboolean
device_providers_loaded (void)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, "libgstpipewire.so") != NULL || strstr (maps, "libgstpulseaudio.so") != NULL;
}

/* Signed in, at rest, no call, no Preferences: the devices are not set up
 * (no ringtone player, no device monitor with its sound-server clients):
 * they cost ~3.5 MiB and tens of ms that such an app does not need.
 * (First in this program: nothing has used the devices yet.) */
static void
test_no_devices_at_rest (void)
{
  g_assert_nonnull (baton_application_get_agent (T->app));
  baton_app_test_settle (500);  /* whatever the first frame let run has run */
  g_assert_null (T->app->ringer);
  g_assert_false (device_providers_loaded ());
}

/* Ctrl+, opens Preferences; the choosers list the session's devices (the
 * devices are set up now, on first use). */
static void
test_preferences_shortcut (void)
{
  AdwComboRow *mic_row;

  baton_app_test_key (GTK_WINDOW (T->window), "ctrl+comma");
  BATON_WAIT_FOR ((prefs = (BatonPreferencesWindow *) baton_app_test_find_toplevel (BATON_TYPE_PREFERENCES_WINDOW)) != NULL, 5);
  mic_row = baton_preferences_window_get_microphone_row (prefs);
  BATON_WAIT_FOR (model_has_name (adw_combo_row_get_model (mic_row), "Baton Test Microphone"), 10);
  BATON_WAIT_FOR (model_has_name (adw_combo_row_get_model (baton_preferences_window_get_speaker_row (prefs)),
                                  "Baton Test Speaker"), 10);
  g_assert_nonnull (T->app->ringer);
  g_assert_true (device_providers_loaded ());
}

/* A tone played into the microphone moves the level meter; silence leaves
 * it low. */
static void
test_level_meter (void)
{
  g_autoptr(BatonTestTone) tone = NULL;

  baton_app_test_settle (500);
  g_assert_cmpfloat (baton_preferences_window_get_level (prefs), <, 0.05);
  tone = baton_test_tone_start (g_getenv ("BATON_TEST_MIC_INPUT"), 440);
  BATON_WAIT_FOR (baton_preferences_window_get_level (prefs) > 0.1, 10);
  baton_app_test_screenshot (GTK_WIDGET (prefs), "preferences");
}

/* A microphone and a speaker appear: the choosers list them at once; one
 * chosen here becomes the device manager's; gone, they leave the lists. */
static void
test_devices_live (void)
{
  AdwComboRow *mic_row = baton_preferences_window_get_microphone_row (prefs);
  AdwComboRow *speaker_row = baton_preferences_window_get_speaker_row (prefs);
  BatonDeviceManager *devices = baton_application_get_device_manager (T->app);
  g_autoptr(BatonTestDevice) mic = baton_test_device_add_microphone ("baton-test-mic-2", "Second Test Microphone");
  g_autoptr(BatonTestDevice) speaker = baton_test_device_add_speaker ("baton-test-speaker-2", "Second Test Speaker");
  BatonAudioDevice *selected;

  BATON_WAIT_FOR (model_has_name (adw_combo_row_get_model (mic_row), "Second Test Microphone"), 15);
  BATON_WAIT_FOR (model_has_name (adw_combo_row_get_model (speaker_row), "Second Test Speaker"), 15);

  adw_combo_row_set_selected (mic_row, position_of (adw_combo_row_get_model (mic_row), "Second Test Microphone"));
  selected = baton_device_manager_get_selected_microphone (devices);
  g_assert_nonnull (selected);
  g_assert_cmpstr (baton_audio_device_get_name (selected), ==, "Second Test Microphone");

  baton_test_device_remove (g_steal_pointer (&mic));
  BATON_WAIT_FOR (!model_has_name (adw_combo_row_get_model (mic_row), "Second Test Microphone"), 15);
  baton_test_device_remove (g_steal_pointer (&speaker));
  BATON_WAIT_FOR (!model_has_name (adw_combo_row_get_model (speaker_row), "Second Test Speaker"), 15);
}

/* "Play Test Sound" plays on the selected speaker. */
static void
test_play_test_sound (void)
{
  GtkWidget *button = baton_app_test_find_button (GTK_WIDGET (prefs), "_Play Test Sound");
  g_autoptr(BatonTestSpectrum) heard = NULL;

  g_assert_nonnull (button);
  baton_app_test_click (button);
  BATON_WAIT_FOR (!gtk_widget_get_sensitive (button), 5);
  heard = baton_test_record_speaker (g_getenv ("BATON_TEST_SPEAKER"), 300);
  g_assert_true (baton_test_spectrum_has_tone (heard, 660));
  BATON_WAIT_FOR (gtk_widget_get_sensitive (button), 10);
  gtk_window_close (GTK_WINDOW (prefs));
  prefs = NULL;
}

/* The speaker chosen in Preferences is where the ringtone plays; Ctrl+Shift+D
 * declines. */
static void
test_ringtone_on_chosen_speaker (void)
{
  g_autoptr(BatonTestDevice) speaker = baton_test_device_add_speaker ("baton-test-desk-speaker", "Desk Speaker");
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  g_autoptr(BatonCall) outgoing = NULL;
  g_autoptr(BatonTestSpectrum) on_desk = NULL;
  g_autoptr(BatonTestSpectrum) on_default = NULL;
  g_autoptr(GError) error = NULL;
  AdwComboRow *row;

  baton_app_test_key (GTK_WINDOW (T->window), "ctrl+comma");
  BATON_WAIT_FOR ((prefs = (BatonPreferencesWindow *) baton_app_test_find_toplevel (BATON_TYPE_PREFERENCES_WINDOW)) != NULL, 5);
  row = baton_preferences_window_get_speaker_row (prefs);
  BATON_WAIT_FOR (model_has_name (adw_combo_row_get_model (row), "Desk Speaker"), 15);
  adw_combo_row_set_selected (row, position_of (adw_combo_row_get_model (row), "Desk Speaker"));
  g_assert_cmpstr (baton_audio_device_get_name (baton_device_manager_get_selected_speaker (baton_application_get_device_manager (T->app))),
                   ==, "Desk Speaker");
  baton_app_test_key (GTK_WINDOW (prefs), "Escape");
  BATON_WAIT_FOR (baton_app_test_find_toplevel (BATON_TYPE_PREFERENCES_WINDOW) == NULL, 5);
  prefs = NULL;

  outgoing = baton_call_agent_start_call (alice, "tom", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (baton_application_get_incoming_calls (T->app)) == 1, 15);
  on_desk = baton_test_record_speaker (baton_test_device_get_node (speaker), 600);
  g_assert_true (baton_test_spectrum_has_tone (on_desk, 480));
  on_default = baton_test_record_speaker (g_getenv ("BATON_TEST_SPEAKER"), 300);
  g_assert_false (baton_test_spectrum_has_tone (on_default, 480));

  baton_app_test_key (GTK_WINDOW (T->window), "ctrl+shift+d");
  BATON_WAIT_FOR (baton_call_get_state (outgoing) == BATON_CALL_STATE_DISCONNECTED, 10);
  g_assert_cmpuint (baton_call_get_end_code (outgoing), ==, 603);
  g_assert_cmpuint (g_list_model_get_n_items (baton_application_get_incoming_calls (T->app)), ==, 0);
}

/* Ctrl+? shows the shortcuts window. */
static void
test_shortcuts_window (void)
{
  GtkWindow *shortcuts;

  baton_app_test_key (GTK_WINDOW (T->window), "ctrl+question");
  BATON_WAIT_FOR ((shortcuts = baton_app_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW)) != NULL, 5);
  baton_app_test_screenshot (GTK_WIDGET (shortcuts), "shortcuts");
  baton_app_test_key (shortcuts, "Escape");
  BATON_WAIT_FOR (baton_app_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW) == NULL, 5);
}

/* At 360 px the window folds to one pane: the calls list, then the call
 * with a back button. */
static void
test_narrow (void)
{
  BatonWindow *window = T->window;
  int width = gtk_widget_get_width (GTK_WIDGET (window));
  int height = gtk_widget_get_height (GTK_WIDGET (window));

  g_assert_false (adw_leaflet_get_folded (window->leaflet));
  baton_app_test_resize (GTK_WINDOW (window), 360, 640);
  BATON_WAIT_FOR (adw_leaflet_get_folded (window->leaflet), 5);
  baton_app_test_key (GTK_WINDOW (window), "ctrl+n");
  BATON_WAIT_FOR (gtk_widget_get_child_visible (GTK_WIDGET (window->search_entry)) &&
                  adw_leaflet_get_visible_child (window->leaflet) ==
                  gtk_widget_get_ancestor (GTK_WIDGET (window->search_entry), GTK_TYPE_BOX), 5);
  baton_app_test_screenshot (GTK_WIDGET (window), "narrow");
  baton_app_test_resize (GTK_WINDOW (window), width, height);
  BATON_WAIT_FOR (!adw_leaflet_get_folded (window->leaflet), 5);
}

/* Ctrl+Q quits, signing out of the service first. */
static void
test_quit_shortcut (void)
{
  g_assert_nonnull (baton_application_get_agent (T->app));
  baton_app_test_key (GTK_WINDOW (T->window), "ctrl+q");
  BATON_WAIT_FOR (baton_application_get_agent (T->app) == NULL, 5);
}

/* The server goes away: once the SDK has given up retrying, the banner says
 * so; the server comes back: the app signs in again and the banner leaves. */
static void
test_disconnected_banner (void)
{
  BatonWindow *window = T->window;

  g_assert_false (gtk_revealer_get_reveal_child (window->banner_revealer));
  baton_app_test_stop_server ();
  BATON_WAIT_FOR (gtk_revealer_get_reveal_child (window->banner_revealer), 45);
  g_assert_cmpstr (gtk_label_get_label (window->banner_label), ==, "Can't reach the server — retrying");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->banner_button)));
  baton_app_test_screenshot (GTK_WIDGET (window), "disconnected");

  baton_app_test_restart_server ();
  BATON_WAIT_FOR (!gtk_revealer_get_reveal_child (window->banner_revealer), 30);
  g_assert_cmpint (baton_call_agent_get_connection_state (baton_application_get_agent (T->app)), ==,
                   BATON_CONNECTION_STATE_CONNECTED);
}

int
main (int   argc,
      char *argv[])
{
  baton_app_test_init (&argc, &argv, "tom", "Tom Baker", "alice", "Alice Liddell", NULL);
  g_test_add_func ("/Baton/App/no-devices-at-rest", test_no_devices_at_rest);
  g_test_add_func ("/Baton/App/preferences-shortcut", test_preferences_shortcut);
  g_test_add_func ("/Baton/App/level-meter", test_level_meter);
  g_test_add_func ("/Baton/App/devices-live", test_devices_live);
  g_test_add_func ("/Baton/App/play-test-sound", test_play_test_sound);
  g_test_add_func ("/Baton/App/ringtone-on-chosen-speaker", test_ringtone_on_chosen_speaker);
  g_test_add_func ("/Baton/App/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/Baton/App/narrow", test_narrow);
  g_test_add_func ("/Baton/App/disconnected-banner", test_disconnected_banner);
  g_test_add_func ("/Baton/App/quit-shortcut", test_quit_shortcut);
  return baton_app_test_run ();
}
