/* baton-application-calls.c: ringing calls, their notifications and the
 * ringtone; Recent; the devices chosen in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ringing calls are the SDK's own list (BatonCallAgent:incoming-calls,
 * in arrival order), which the application passes through a model that
 * follows the signed-in agent; the app keeps no list of its own. What the
 * app adds to that list, it does from the list's changes: a notification
 * for each call that joins it (withdrawn when the call leaves it, however
 * it leaves: answered here or elsewhere, declined, given up by the caller,
 * the agent gone), and the ringtone while the list is not empty.
 */
#include "config.h"

#include <glib/gi18n.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "baton-application-private.h"
#include "baton-call-util.h"
#include "baton-window.h"

void
baton_application_update_ringer (BatonApplication *self)
{
  /* A ringing call will want the chosen devices when answered, ringtone
   * or not. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->incoming)) > 0)
    baton_application_ensure_devices (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->incoming)) > 0 &&
      g_settings_get_boolean (self->settings, "ringtone"))
    baton_ringer_start (self->ringer);
  else if (self->ringer != NULL)
    baton_ringer_stop (self->ringer);
}

static BatonIncomingCall *
find_incoming (BatonApplication *self,
               const char       *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->incoming));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonIncomingCall) incoming = g_list_model_get_item (G_LIST_MODEL (self->incoming), i);

      if (g_strcmp0 (baton_incoming_call_get_id (incoming), id) == 0)
        return incoming; /* the list keeps it */
    }
  return NULL;
}

static char *
notification_id (const char *call_id)
{
  return g_strdup_printf ("incoming-%s", call_id);
}

/* The call stopped ringing here without an answer here: answered on
 * another device of the user (487/10003), or the caller gave up (or the
 * service ended it) first. The SDK has taken it out of the list already. */
static void
incoming_ended_cb (BatonIncomingCall *incoming,
                   BatonApplication  *self)
{
  g_autofree char *name = baton_incoming_dup_caller_name (incoming);
  gboolean elsewhere = baton_incoming_call_get_end_code (incoming) == 487 &&
                       baton_incoming_call_get_end_subcode (incoming) == 10003;

  baton_history_add (self->history, baton_incoming_call_get_caller_id (incoming), name,
                     TRUE, g_get_real_time () / G_USEC_PER_SEC,
                     elsewhere ? _("Answered elsewhere") : _("Missed"));
}

static void
notify_incoming (BatonApplication  *self,
                 BatonIncomingCall *incoming)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *name = baton_incoming_dup_caller_name (incoming);
  g_autofree char *title = NULL;
  const char *call_id = baton_incoming_call_get_id (incoming);
  g_autofree char *id = notification_id (call_id);

  if (window != NULL && gtk_window_is_active (window))
    return;

  /* Translators: %s is the caller's name */
  title = g_strdup_printf (_("%s is calling"), name);
  notification = g_notification_new (title);
  g_notification_set_body (notification, _("Incoming call"));
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_URGENT);
  g_notification_set_category (notification, "call.incoming");
  g_notification_add_button_with_target (notification, _("Decline"), "app.decline-call", "s", call_id);
  g_notification_add_button_with_target (notification, _("Accept"), "app.accept-call", "s", call_id);
  g_application_send_notification (G_APPLICATION (self), id, notification);
  g_hash_table_add (self->notified, g_strdup (call_id));
}

/* The notifications of the calls no longer in the list. */
static void
withdraw_notifications (BatonApplication *self)
{
  GHashTableIter iter;
  const char *call_id;

  g_hash_table_iter_init (&iter, self->notified);
  while (g_hash_table_iter_next (&iter, (gpointer *) &call_id, NULL))
    {
      g_autofree char *id = NULL;

      if (find_incoming (self, call_id) != NULL)
        continue;
      id = notification_id (call_id);
      g_application_withdraw_notification (G_APPLICATION (self), id);
      g_hash_table_iter_remove (&iter);
    }
}

void
baton_application_incoming_changed_cb (GListModel       *incoming,
                                       guint             position,
                                       guint             removed,
                                       guint             added,
                                       BatonApplication *self)
{
  if (removed > 0)
    withdraw_notifications (self);
  baton_application_update_ringer (self);
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(BatonIncomingCall) call = g_list_model_get_item (incoming, i);
      g_autofree char *name = baton_incoming_dup_caller_name (call);

      g_debug ("Incoming call %s", baton_incoming_call_get_id (call));
      baton_contacts_add (self->contacts, baton_incoming_call_get_caller_id (call), name);
      g_signal_connect_object (call, "ended", G_CALLBACK (incoming_ended_cb), self, 0);
      notify_incoming (self, call);
    }
}

/* Recent: every call that ends, with its outcome. */
static void
call_state_changed_cb (BatonCall        *call,
                       BatonCallState    old_state,
                       BatonCallState    new_state,
                       BatonApplication *self)
{
  g_autofree char *name = NULL;
  g_autofree char *outcome = NULL;
  BatonTransfer *transfer;
  GDateTime *start;

  if (new_state == BATON_CALL_STATE_CONNECTED)
    {
      name = baton_call_dup_remote_name (call);
      baton_contacts_add (self->contacts, baton_call_get_remote_id (call), name);
      return;
    }
  if (new_state != BATON_CALL_STATE_DISCONNECTED ||
      g_object_get_data (G_OBJECT (call), "baton-app-recorded") != NULL)
    return;
  g_object_set_data (G_OBJECT (call), "baton-app-recorded", GINT_TO_POINTER (TRUE));

  name = baton_call_dup_remote_name (call);
  transfer = baton_call_get_app_transfer (call);
  start = baton_call_get_start_time (call);
  if (transfer != NULL && baton_transfer_get_state (transfer) == BATON_TRANSFER_STATE_TRANSFERRED)
    /* Translators: %s is the person the call was transferred to */
    outcome = g_strdup_printf (_("Transferred to %s"), baton_transfer_get_target_name (transfer));
  else if (start != NULL && baton_call_get_end_code (call) == 0)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      gint64 seconds = g_date_time_difference (now, start) / G_TIME_SPAN_SECOND;

      /* Translators: how long a call lasted, minutes:seconds */
      outcome = g_strdup_printf (_("Lasted %d:%02d"), (int) (seconds / 60), (int) (seconds % 60));
    }
  else
    outcome = baton_reason_dup_text (baton_call_get_end_code (call), baton_call_get_end_subcode (call),
                                     baton_call_get_end_message (call), name);
  baton_history_add (self->history, baton_call_get_remote_id (call), name,
                     baton_call_get_direction (call) == BATON_CALL_DIRECTION_INCOMING,
                     g_get_real_time () / G_USEC_PER_SEC, outcome);
}

#ifdef __GLIBC__
/* The last call has ended: its pipelines' memory was freed by their
 * threads, into malloc's arenas for those threads, which keep it (an arena
 * gives back only what is free at its top). Handed back to the system
 * once, TRIM_DELAY_S later (their teardown runs in worker threads): ~1 MiB
 * of private memory at rest after two calls (bench-app, "after the calls";
 * docs/PERFORMANCE.md, App, sixth pass). The process's allocator is the
 * app's business, not the SDK's (as the mmap threshold in main.c). */
#define TRIM_DELAY_S 2

static guint trim_source_id;

static gboolean
trim_cb (gpointer user_data)
{
  trim_source_id = 0;
  malloc_trim (0);
  return G_SOURCE_REMOVE;
}
#endif

void
baton_application_calls_changed_cb (GListModel       *calls,
                  guint             position,
                  guint             removed,
                  guint             added,
                  BatonApplication *self)
{
  if (added > 0)
    baton_application_ensure_devices (self);  /* the chosen devices, before its media starts */
#ifdef __GLIBC__
  if (removed > 0 && g_list_model_get_n_items (calls) == 0 && trim_source_id == 0)
    trim_source_id = g_timeout_add_seconds (TRIM_DELAY_S, trim_cb, NULL);
#endif
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(BatonCall) call = g_list_model_get_item (calls, i);
      g_autofree char *name = baton_call_dup_remote_name (call);

      if (g_object_get_data (G_OBJECT (call), "baton-app-watched") != NULL)
        continue;
      g_object_set_data (G_OBJECT (call), "baton-app-watched", GINT_TO_POINTER (TRUE));
      baton_contacts_add (self->contacts, baton_call_get_remote_id (call), name);
      g_signal_connect_object (call, "state-changed", G_CALLBACK (call_state_changed_cb), self, 0);
    }
}

BatonCall *
baton_application_accept (BatonApplication  *self,
                          BatonIncomingCall *incoming,
                          GError           **error)
{
  g_autoptr(BatonIncomingCall) hold = NULL;

  g_return_val_if_fail (BATON_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (BATON_IS_INCOMING_CALL (incoming), NULL);

  /* The SDK takes it out of its list (and so may drop the last reference
   * before it is done). */
  hold = g_object_ref (incoming);
  return baton_incoming_call_accept (incoming, error);
}

void
baton_application_decline (BatonApplication  *self,
                           BatonIncomingCall *incoming)
{
  g_autoptr(BatonIncomingCall) hold = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (BATON_IS_APPLICATION (self));
  g_return_if_fail (BATON_IS_INCOMING_CALL (incoming));

  hold = g_object_ref (incoming);
  name = baton_incoming_dup_caller_name (incoming);
  baton_incoming_call_reject (incoming);
  baton_history_add (self->history, baton_incoming_call_get_caller_id (incoming), name, TRUE,
                     g_get_real_time () / G_USEC_PER_SEC, _("Declined"));
}

void
baton_application_accept_call_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  BatonApplication *self = user_data;
  BatonIncomingCall *incoming = find_incoming (self, g_variant_get_string (param, NULL));
  GtkWindow *window;

  g_debug ("Accept %s from a notification", g_variant_get_string (param, NULL));
  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (incoming != NULL && BATON_IS_WINDOW (window))
    baton_window_accept (BATON_WINDOW (window), incoming);
}

void
baton_application_decline_call_action (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  BatonApplication *self = user_data;
  BatonIncomingCall *incoming = find_incoming (self, g_variant_get_string (param, NULL));

  if (incoming != NULL)
    baton_application_decline (self, incoming);
}

/* The microphone and speaker chosen in Preferences are chosen again whenever
 * they are present (at start, or when plugged in). */
void
baton_application_restore_device (BatonApplication *self,
                GListModel       *devices,
                const char       *key,
                gboolean          microphone)
{
  BatonDeviceManager *manager = baton_call_client_get_device_manager (self->client);
  g_autofree char *wanted = g_settings_get_string (self->settings, key);
  BatonAudioDevice *selected = microphone ? baton_device_manager_get_selected_microphone (manager)
                                          : baton_device_manager_get_selected_speaker (manager);
  guint n = g_list_model_get_n_items (devices);

  if (*wanted == '\0' || (selected != NULL && g_strcmp0 (baton_audio_device_get_id (selected), wanted) == 0))
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonAudioDevice) device = g_list_model_get_item (devices, i);

      if (g_strcmp0 (baton_audio_device_get_id (device), wanted) != 0)
        continue;
      if (microphone)
        baton_device_manager_select_microphone (manager, device);
      else
        baton_device_manager_select_speaker (manager, device);
      return;
    }
}

void
baton_application_microphones_changed_cb (GListModel       *devices,
                        guint             position,
                        guint             removed,
                        guint             added,
                        BatonApplication *self)
{
  if (added > 0)
    baton_application_restore_device (self, devices, "microphone", TRUE);
}

void
baton_application_speakers_changed_cb (GListModel       *devices,
                     guint             position,
                     guint             removed,
                     guint             added,
                     BatonApplication *self)
{
  if (added > 0)
    baton_application_restore_device (self, devices, "speaker", FALSE);
}

