/* baton-call-util.c: plain-language names, states and reasons for calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "baton-call-util.h"

#define TRANSFER_KEY "baton-app-transfer"
#define TARGET_NAME_KEY "baton-app-target-name"

static BatonRemoteParticipant *
first_participant (BatonCall *call)
{
  GListModel *participants = baton_call_get_remote_participants (call);
  g_autoptr(BatonRemoteParticipant) participant = NULL;

  if (participants == NULL || g_list_model_get_n_items (participants) == 0)
    return NULL;
  participant = g_list_model_get_item (participants, 0);
  return participant; /* the model keeps it alive */
}

const char *
baton_call_get_remote_id (BatonCall *call)
{
  BatonRemoteParticipant *participant = first_participant (call);

  return participant ? baton_remote_participant_get_id (participant) : NULL;
}

char *
baton_call_dup_remote_name (BatonCall *call)
{
  BatonRemoteParticipant *participant;
  const char *name;

  g_return_val_if_fail (BATON_IS_CALL (call), NULL);

  participant = first_participant (call);
  if (participant == NULL)
    return g_strdup (_("Unknown"));
  name = baton_remote_participant_get_display_name (participant);
  if (name == NULL || *name == '\0')
    name = baton_remote_participant_get_id (participant);
  return g_strdup (name);
}

char *
baton_incoming_dup_caller_name (BatonIncomingCall *incoming)
{
  const char *name = baton_incoming_call_get_caller_display_name (incoming);

  if (name == NULL || *name == '\0')
    name = baton_incoming_call_get_caller_id (incoming);
  return g_strdup (name ? name : _("Unknown"));
}

/* The transfer the app started on this call: a reference to the SDK's own
 * object, so the row and view can show its state. */
BatonTransfer *
baton_call_get_app_transfer (BatonCall *call)
{
  return g_object_get_data (G_OBJECT (call), TRANSFER_KEY);
}

void
baton_call_set_app_transfer (BatonCall     *call,
                             BatonTransfer *transfer,
                             const char    *target_name)
{
  if (transfer != NULL)
    g_object_set_data_full (G_OBJECT (transfer), TARGET_NAME_KEY,
                            g_strdup (target_name), g_free);
  g_object_set_data_full (G_OBJECT (call), TRANSFER_KEY,
                          transfer ? g_object_ref (transfer) : NULL,
                          g_object_unref);
}

const char *
baton_transfer_get_target_name (BatonTransfer *transfer)
{
  const char *name = g_object_get_data (G_OBJECT (transfer), TARGET_NAME_KEY);

  return name ? name : baton_transfer_get_target_id (transfer);
}

gboolean
baton_call_is_live (BatonCall *call)
{
  BatonCallState state = baton_call_get_state (call);

  return state != BATON_CALL_STATE_DISCONNECTING &&
         state != BATON_CALL_STATE_DISCONNECTED;
}

gboolean
baton_call_can_transfer (BatonCall *call)
{
  BatonTransfer *transfer = baton_call_get_app_transfer (call);

  switch (baton_call_get_state (call))
    {
    case BATON_CALL_STATE_CONNECTED:
    case BATON_CALL_STATE_LOCAL_HOLD:
    case BATON_CALL_STATE_REMOTE_HOLD:
      return transfer == NULL ||
             baton_transfer_get_state (transfer) != BATON_TRANSFER_STATE_TRANSFERRING;
    default:
      return FALSE;
    }
}

char *
baton_reason_dup_text (guint       code,
                       guint       subcode,
                       const char *message,
                       const char *who)
{
  if (who == NULL || *who == '\0')
    who = _("They");

  switch (code)
    {
    case 0:
      return g_strdup (_("Call ended"));
    case 486:
      /* Translators: %s is a person's name */
      return g_strdup_printf (_("%s is busy"), who);
    case 487:
      if (subcode == 10004)
        return g_strdup_printf (_("%s didn't answer"), who);
      return g_strdup (_("The call was cancelled"));
    case 480:
      return g_strdup_printf (_("%s is offline"), who);
    case 404:
      if (subcode == 10202)
        return g_strdup (_("The other call has ended"));
      return g_strdup_printf (_("There is nobody called “%s”"), who);
    case 403:
      return g_strdup (_("You are not allowed to do that"));
    case 603:
      if (subcode == 10203)
        return g_strdup (_("The caller didn't accept being transferred"));
      return g_strdup_printf (_("%s declined"), who);
    case 410:
      return g_strdup (_("The connection of the call was lost"));
    case 401:
      return g_strdup (_("Your sign-in has expired"));
    default:
      if (message != NULL && *message != '\0')
        return g_strdup (message);
      return g_strdup_printf (_("Something went wrong (%u/%u)"), code, subcode);
    }
}

char *
baton_call_dup_state_text (BatonCall *call)
{
  BatonTransfer *transfer = baton_call_get_app_transfer (call);

  if (transfer != NULL &&
      baton_transfer_get_state (transfer) == BATON_TRANSFER_STATE_TRANSFERRING)
    /* Translators: %s is the person the call is being transferred to */
    return g_strdup_printf (_("Transferring to %s…"),
                            baton_transfer_get_target_name (transfer));

  switch (baton_call_get_state (call))
    {
    case BATON_CALL_STATE_NONE:
    case BATON_CALL_STATE_CONNECTING:
      return g_strdup (baton_call_get_direction (call) == BATON_CALL_DIRECTION_OUTGOING
                       ? _("Calling…") : _("Connecting…"));
    case BATON_CALL_STATE_RINGING:
    case BATON_CALL_STATE_EARLY_MEDIA:
      return g_strdup (_("Ringing…"));
    case BATON_CALL_STATE_CONNECTED:
      return g_strdup (_("Connected"));
    case BATON_CALL_STATE_LOCAL_HOLD:
      return g_strdup (_("On hold"));
    case BATON_CALL_STATE_REMOTE_HOLD:
      return g_strdup (_("Put on hold by the other side"));
    case BATON_CALL_STATE_DISCONNECTING:
      return g_strdup (_("Ending…"));
    case BATON_CALL_STATE_DISCONNECTED:
    default:
      {
        g_autofree char *name = baton_call_dup_remote_name (call);

        return baton_reason_dup_text (baton_call_get_end_code (call),
                                      baton_call_get_end_subcode (call),
                                      baton_call_get_end_message (call), name);
      }
    }
}

char *
baton_call_dup_timer_text (BatonCall *call)
{
  GDateTime *start = baton_call_get_start_time (call);
  g_autoptr(GDateTime) now = NULL;
  GTimeSpan span;
  gint64 seconds;

  if (start == NULL || !baton_call_is_live (call))
    return g_strdup ("");
  now = g_date_time_new_now_utc ();
  span = g_date_time_difference (now, start);
  seconds = MAX (span / G_TIME_SPAN_SECOND, 0);
  if (seconds >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (int) (seconds / 3600),
                            (int) (seconds / 60 % 60), (int) (seconds % 60));
  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

/* 0–9, * and # send DTMF to the selected call (win.send-dtmf) while a widget
 * of this class has the focus. */
void
baton_call_util_add_dtmf_bindings (GtkWidgetClass *widget_class)
{
  static const struct { guint keyval; GdkModifierType mods; const char *tone; } keys[] = {
    { GDK_KEY_0, 0, "0" }, { GDK_KEY_1, 0, "1" }, { GDK_KEY_2, 0, "2" }, { GDK_KEY_3, 0, "3" },
    { GDK_KEY_4, 0, "4" }, { GDK_KEY_5, 0, "5" }, { GDK_KEY_6, 0, "6" }, { GDK_KEY_7, 0, "7" },
    { GDK_KEY_8, 0, "8" }, { GDK_KEY_9, 0, "9" }, { GDK_KEY_KP_0, 0, "0" }, { GDK_KEY_KP_1, 0, "1" },
    { GDK_KEY_KP_2, 0, "2" }, { GDK_KEY_KP_3, 0, "3" }, { GDK_KEY_KP_4, 0, "4" }, { GDK_KEY_KP_5, 0, "5" },
    { GDK_KEY_KP_6, 0, "6" }, { GDK_KEY_KP_7, 0, "7" }, { GDK_KEY_KP_8, 0, "8" }, { GDK_KEY_KP_9, 0, "9" },
    { GDK_KEY_asterisk, 0, "*" }, { GDK_KEY_asterisk, GDK_SHIFT_MASK, "*" },
    { GDK_KEY_KP_Multiply, 0, "*" }, { GDK_KEY_numbersign, 0, "#" },
    { GDK_KEY_numbersign, GDK_SHIFT_MASK, "#" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding_action (widget_class, keys[i].keyval, keys[i].mods,
                                         "win.send-dtmf", "s", keys[i].tone);
}
