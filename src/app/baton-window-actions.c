/* baton-window-actions.c: the window's actions and their shortcuts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each action is installed on the class (gtk_widget_class_install_action)
 * and its shortcut added as a binding action; app-wide ones (quit,
 * preferences, shortcuts) are the application's accels. The shortcuts
 * window (baton-shortcuts-window.ui) lists the same table; it is built on
 * first use, not with the main window as GtkApplication does for
 * gtk/help-overlay.ui.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "baton-a11y.h"
#include "baton-call-row.h"
#include "baton-call-util.h"
#include "baton-contacts.h"
#include "baton-transfer-dialog.h"
#include "baton-window-private.h"

/* The selected ringing call, else the one that has rung longest (the
 * SDK's list is in arrival order, and so is the top of the calls list). */
static BatonIncomingCall *
ringing_call (BatonWindow *self)
{
  GObject *item = baton_window_get_selected_item (self);
  GListModel *incoming;

  if (BATON_IS_INCOMING_CALL (item))
    return BATON_INCOMING_CALL (item);
  incoming = baton_application_get_incoming_calls (self->application);
  if (g_list_model_get_n_items (incoming) == 0)
    return NULL;
  item = g_list_model_get_item (incoming, 0);
  g_object_unref (item); /* the model keeps it */
  return BATON_INCOMING_CALL (item);
}

/* The other live call, when there are exactly two. */
static BatonCall *
other_call (BatonWindow *self,
            BatonCall   *call)
{
  GListModel *calls = G_LIST_MODEL (self->calls);
  guint n = g_list_model_get_n_items (calls);
  BatonCall *other = NULL;

  if (call == NULL || baton_window_count_live_calls (self) != 2)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (calls, i);

      if (BATON_IS_CALL (item) && BATON_CALL (item) != call && baton_call_is_live (BATON_CALL (item)))
        other = BATON_CALL (item);
    }
  return other;
}

/* Why the call action @action cannot run now (a sentence for a toast), or
 * NULL when it can: the one place that decides whether these actions are
 * enabled, and what their shortcuts say when they are not. */
static const char *
call_action_refusal (BatonWindow *self,
                     const char  *action)
{
  BatonCall *call = baton_window_get_selected_call (self);
  gboolean live = call != NULL && baton_call_is_live (call);

  if (g_str_equal (action, "win.accept") || g_str_equal (action, "win.decline"))
    return ringing_call (self) == NULL ? _("No call is ringing") : NULL;
  if (!live)
    return _("No call is selected");
  if (g_str_equal (action, "win.toggle-hold"))
    {
      BatonCallState state = baton_call_get_state (call);

      if (state != BATON_CALL_STATE_CONNECTED && state != BATON_CALL_STATE_LOCAL_HOLD &&
          state != BATON_CALL_STATE_REMOTE_HOLD)
        return _("Only an answered call can be put on hold");
    }
  else if (g_str_equal (action, "win.transfer") || g_str_equal (action, "win.transfer-to-other-call"))
    {
      if (!baton_call_can_transfer (call))
        return _("This call can't be transferred now");
      if (g_str_equal (action, "win.transfer-to-other-call") && other_call (self, call) == NULL)
        return _("Transferring to the other call needs exactly two calls");
    }
  return NULL;
}

static const char * const call_actions[] = {
  "win.accept", "win.decline", "win.hang-up", "win.toggle-mute", "win.toggle-hold",
  "win.transfer", "win.transfer-to-other-call",
};

void
baton_window_update_actions (BatonWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  BatonCall *call = baton_window_get_selected_call (self);
  gboolean signed_in = self->agent != NULL;
  gboolean live = call != NULL && baton_call_is_live (call);

  gtk_widget_action_set_enabled (widget, "win.new-call", signed_in);
  for (guint i = 0; i < G_N_ELEMENTS (call_actions); i++)
    gtk_widget_action_set_enabled (widget, call_actions[i], call_action_refusal (self, call_actions[i]) == NULL);
  gtk_widget_action_set_enabled (widget, "win.send-dtmf", live);
  gtk_widget_action_set_enabled (widget, "win.select-previous-call",
                                 g_list_model_get_n_items (G_LIST_MODEL (self->calls)) > 0);
  gtk_widget_action_set_enabled (widget, "win.select-next-call",
                                 g_list_model_get_n_items (G_LIST_MODEL (self->calls)) > 0);
}

void
baton_window_start_call (BatonWindow *self,
                         const char  *callee_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) call = NULL;

  if (self->agent == NULL)
    return;
  /* (Sets up the app's devices, the ones chosen in Preferences among them,
   * before the call's media is built.) */
  baton_application_get_device_manager (self->application);
  call = baton_call_agent_start_call (self->agent, callee_id, &error);
  if (call == NULL)
    {
      g_autofree char *reason = NULL;
      guint code, subcode;

      if (baton_error_get_service_code (error, &code, &subcode))
        reason = baton_reason_dup_text (code, subcode, error->message, callee_id);
      else
        /* Translators: %s is an error message */
        reason = g_strdup_printf (_("Can't call: %s"), error->message);
      baton_window_add_toast (self, reason);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  baton_window_select_item (self, G_OBJECT (call));
}

void
baton_window_search_activate (BatonWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));

  if (*text == '\0')
    return;
  if (g_list_model_get_n_items (self->contacts) > 0)
    {
      g_autoptr(BatonContact) contact = g_list_model_get_item (self->contacts, 0);

      baton_window_start_call (self, baton_contact_get_id (contact));
    }
  else
    baton_window_start_call (self, text);
}

static void
new_call_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BatonWindow *self = BATON_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BatonWindow *self = BATON_WINDOW (widget);
  BatonIncomingCall *incoming = ringing_call (self);

  if (incoming != NULL)
    baton_window_accept (self, incoming);
}

static void
decline_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  BatonWindow *self = BATON_WINDOW (widget);
  BatonIncomingCall *incoming = ringing_call (self);

  if (incoming != NULL)
    baton_application_decline (self->application, incoming);
}

static void
hang_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  BatonCall *call = baton_window_get_selected_call (BATON_WINDOW (widget));

  if (call != NULL)
    baton_call_hang_up (call);
}

static void
toggle_mute_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  BatonCall *call = baton_window_get_selected_call (BATON_WINDOW (widget));

  if (call == NULL)
    return;
  if (baton_call_get_is_muted (call))
    baton_call_unmute (call);
  else
    baton_call_mute (call);
}

static void
hold_failed (BatonWindow *self,
             GError      *error)
{
  /* Translators: %s is an error message */
  g_autofree char *message = g_strdup_printf (_("Can't hold or resume the call: %s"), error->message);

  baton_window_add_toast (self, message);
}

static void
hold_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BatonWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!baton_call_hold_finish (BATON_CALL (object), result, &error))
    hold_failed (self, error);
}

static void
resume_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BatonWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!baton_call_resume_finish (BATON_CALL (object), result, &error))
    hold_failed (self, error);
}

static void
toggle_hold_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  BatonCall *call = baton_window_get_selected_call (BATON_WINDOW (widget));

  if (call == NULL)
    return;
  if (baton_call_get_state (call) == BATON_CALL_STATE_LOCAL_HOLD)
    baton_call_resume_async (call, NULL, resume_done_cb, g_object_ref (widget));
  else
    baton_call_hold_async (call, NULL, hold_done_cb, g_object_ref (widget));
}

static void
send_dtmf_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  BatonCall *call = baton_window_get_selected_call (BATON_WINDOW (widget));
  const char *key = g_variant_get_string (param, NULL);
  BatonDtmfTone tone;

  if (call == NULL || key[0] == '\0')
    return;
  if (key[0] >= '0' && key[0] <= '9')
    tone = BATON_DTMF_TONE_NUM0 + (key[0] - '0');
  else if (key[0] == '*')
    tone = BATON_DTMF_TONE_STAR;
  else if (key[0] == '#')
    tone = BATON_DTMF_TONE_POUND;
  else
    return;
  g_debug ("DTMF %c", key[0]);
  baton_call_send_dtmf (call, tone);
}

static void
transfer_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BatonWindow *self = BATON_WINDOW (widget);
  BatonCall *call = baton_window_get_selected_call (self);
  BatonTransferDialog *dialog;

  if (call == NULL)
    return;
  dialog = baton_transfer_dialog_new (self, call, G_LIST_MODEL (self->calls),
                                      baton_application_get_contacts (self->application));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
transfer_to_other_call_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *param)
{
  BatonWindow *self = BATON_WINDOW (widget);
  BatonCall *call = baton_window_get_selected_call (self);
  BatonCall *other = other_call (self, call);

  if (call != NULL && other != NULL)
    baton_window_confirm_transfer (self, call, other, NULL);
}

static void
select_relative (BatonWindow *self,
                 int          delta)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->calls_list);
  int n = (int) g_list_model_get_n_items (G_LIST_MODEL (self->calls));
  int index;
  GtkListBoxRow *next;

  if (n == 0)
    return;
  index = row ? gtk_list_box_row_get_index (row) + delta : (delta > 0 ? 0 : n - 1);
  index = CLAMP (index, 0, n - 1);
  next = gtk_list_box_get_row_at_index (self->calls_list, index);
  gtk_list_box_select_row (self->calls_list, next);
  if (gtk_widget_get_focus_child (GTK_WIDGET (self->calls_list)) != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (next));
}

static void
select_previous_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  select_relative (BATON_WINDOW (widget), -1);
}

static void
select_next_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  select_relative (BATON_WINDOW (widget), 1);
}

static void
show_calls_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  adw_leaflet_navigate (BATON_WINDOW (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
shortcuts_window_destroy_cb (GtkWidget   *shortcuts,
                             BatonWindow *self)
{
  g_object_set_data (G_OBJECT (self), "baton-shortcuts-window", NULL);
}

static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  GtkWindow *shortcuts = g_object_get_data (G_OBJECT (widget), "baton-shortcuts-window");

  if (shortcuts == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource ("/io/github/batonphone/Baton/baton-shortcuts-window.ui");

      shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_window_set_transient_for (shortcuts, GTK_WINDOW (widget));
      gtk_window_set_destroy_with_parent (shortcuts, TRUE);
      gtk_window_set_hide_on_close (shortcuts, TRUE);
      baton_a11y_repair_names (GTK_WIDGET (shortcuts));
      g_object_set_data (G_OBJECT (widget), "baton-shortcuts-window", shortcuts);
      g_signal_connect_object (shortcuts, "destroy", G_CALLBACK (shortcuts_window_destroy_cb), widget, 0);
    }
  gtk_window_present (shortcuts);
}

/* The shortcut of a call action: runs it, or when it cannot run now says
 * why (a disabled action's shortcut would otherwise do nothing at all). */
static gboolean
call_shortcut_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  BatonWindow *self = BATON_WINDOW (widget);
  const char *action = user_data;
  const char *refusal = call_action_refusal (self, action);

  if (refusal != NULL)
    {
      gtk_widget_error_bell (widget);
      baton_window_add_toast (self, refusal);
      return TRUE;
    }
  gtk_widget_activate_action (widget, action, NULL);
  return TRUE;
}

void
baton_window_class_init_actions (GtkWidgetClass *widget_class)
{
  const GdkModifierType ctrl = GDK_CONTROL_MASK;

  gtk_widget_class_install_action (widget_class, "win.new-call", NULL, new_call_action);
  gtk_widget_class_install_action (widget_class, "win.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "win.decline", NULL, decline_action);
  gtk_widget_class_install_action (widget_class, "win.hang-up", NULL, hang_up_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-mute", NULL, toggle_mute_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-hold", NULL, toggle_hold_action);
  gtk_widget_class_install_action (widget_class, "win.transfer", NULL, transfer_action);
  gtk_widget_class_install_action (widget_class, "win.transfer-to-other-call", NULL,
                                   transfer_to_other_call_action);
  gtk_widget_class_install_action (widget_class, "win.select-previous-call", NULL, select_previous_action);
  gtk_widget_class_install_action (widget_class, "win.select-next-call", NULL, select_next_action);
  gtk_widget_class_install_action (widget_class, "win.send-dtmf", "s", send_dtmf_action);
  gtk_widget_class_install_action (widget_class, "win.show-calls", NULL, show_calls_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, show_help_overlay_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, ctrl, "win.new-call", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK,
                                       "win.select-previous-call", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK,
                                       "win.select-next-call", NULL);
}

/* The call shortcuts act from anywhere in the window, also while a text
 * field has the focus: they run in the capture phase, before the focused
 * widget (a search entry would otherwise take Ctrl+Shift+A, "select none",
 * and a ringing call could not be answered from it; GtkWindow's own
 * Ctrl+Shift+D, the inspector's, would take that one). */
void
baton_window_init_call_shortcuts (BatonWindow *self)
{
  const GdkModifierType ctrl = GDK_CONTROL_MASK;
  const GdkModifierType ctrl_shift = GDK_CONTROL_MASK | GDK_SHIFT_MASK;
  const struct { guint key; GdkModifierType mods; const char *action; } shortcuts[] = {
    { GDK_KEY_a, ctrl_shift, "win.accept" },
    { GDK_KEY_d, ctrl_shift, "win.decline" },
    { GDK_KEY_h, ctrl_shift, "win.hang-up" },
    { GDK_KEY_m, ctrl_shift, "win.toggle-mute" },
    { GDK_KEY_p, ctrl_shift, "win.toggle-hold" },
    { GDK_KEY_t, ctrl, "win.transfer" },
    { GDK_KEY_t, ctrl_shift, "win.transfer-to-other-call" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_name (controller, "baton-call-shortcuts");
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (shortcuts[i].key,
                                                                                    shortcuts[i].mods),
                                                            gtk_callback_action_new (call_shortcut_cb,
                                                                                     (gpointer) shortcuts[i].action,
                                                                                     NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
