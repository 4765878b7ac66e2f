/* baton-window-dnd.c: drag a call onto a call (or a contact) to transfer it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A call row is a drag source carrying its BatonCall; call rows and contact
 * rows are drop targets. While hovering, the target says what a drop would
 * do ("Transfer Alice to Bob") or why it can't; a drop asks once. The same
 * confirmation serves Ctrl+Shift+T.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "baton-a11y.h"
#include "baton-call-row.h"
#include "baton-call-util.h"
#include "baton-contacts.h"
#include "baton-window-private.h"

/* Returns what a drop of @call on @target (a row's item) would do, or why it
 * can't; *refused tells which. */
static char *
describe_drop (BatonCall *call,
               GObject   *target,
               gboolean  *refused)
{
  g_autofree char *name = baton_call_dup_remote_name (call);

  *refused = TRUE;
  if (!baton_call_can_transfer (call))
    /* Translators: %s is a person's name */
    return g_strdup_printf (_("The call with %s can't be transferred now"), name);
  if (target == G_OBJECT (call))
    return g_strdup (_("Can't transfer a call to itself"));
  if (BATON_IS_INCOMING_CALL (target))
    return g_strdup (_("Answer this call first"));
  if (BATON_IS_CALL (target))
    {
      g_autofree char *target_name = baton_call_dup_remote_name (BATON_CALL (target));

      if (!baton_call_is_live (BATON_CALL (target)))
        return g_strdup (_("This call has ended"));
      *refused = FALSE;
      /* Translators: "Transfer Alice to Bob" */
      return g_strdup_printf (_("Transfer %s to %s"), name, target_name);
    }
  if (BATON_IS_CONTACT (target))
    {
      if (g_strcmp0 (baton_call_get_remote_id (call), baton_contact_get_id (BATON_CONTACT (target))) == 0)
        return g_strdup_printf (_("%s is already on this call"), name);
      *refused = FALSE;
      return g_strdup_printf (_("Transfer %s to %s"), name,
                              baton_contact_get_display_name (BATON_CONTACT (target)));
    }
  return g_strdup (_("Can't transfer here"));
}

static void
set_hint (GtkWidget  *row,
          const char *hint,
          gboolean    refused)
{
  if (BATON_IS_CALL_ROW (row))
    baton_call_row_set_drop_hint (BATON_CALL_ROW (row), hint, refused);
  else if (ADW_IS_ACTION_ROW (row))
    {
      if (hint != NULL)
        {
          g_object_set_data_full (G_OBJECT (row), "baton-saved-subtitle",
                                  g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (row))), g_free);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), hint);
        }
      else if (g_object_get_data (G_OBJECT (row), "baton-saved-subtitle") != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                     g_object_get_data (G_OBJECT (row), "baton-saved-subtitle"));
      if (hint != NULL && !refused)
        gtk_widget_add_css_class (row, "drop-accept");
      else
        gtk_widget_remove_css_class (row, "drop-accept");
      if (hint != NULL && refused)
        gtk_widget_add_css_class (row, "drop-refuse");
      else
        gtk_widget_remove_css_class (row, "drop-refuse");
    }
}

static BatonCall *
dragged_call (GtkDropTarget *target)
{
  const GValue *value = gtk_drop_target_get_value (target);

  if (value == NULL || !G_VALUE_HOLDS (value, BATON_TYPE_CALL))
    return NULL;
  return g_value_get_object (value);
}

static GdkDragAction
drop_motion_cb (GtkDropTarget *target,
                double         x,
                double         y,
                gpointer       user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  GObject *item = g_object_get_data (G_OBJECT (row), "baton-item");
  BatonCall *call = dragged_call (target);
  g_autofree char *hint = NULL;
  gboolean refused;

  if (call == NULL)
    return GDK_ACTION_MOVE;
  hint = describe_drop (call, item, &refused);
  set_hint (row, hint, refused);
  return refused ? 0 : GDK_ACTION_MOVE;
}

static void
drop_leave_cb (GtkDropTarget *target,
               gpointer       user_data)
{
  set_hint (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target)), NULL, FALSE);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         BatonWindow   *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  GObject *item = g_object_get_data (G_OBJECT (row), "baton-item");
  BatonCall *call = g_value_get_object (value);
  g_autofree char *hint = NULL;
  gboolean refused;

  set_hint (row, NULL, FALSE);
  if (call == NULL)
    return FALSE;
  hint = describe_drop (call, item, &refused);
  if (refused)
    {
      baton_window_add_toast (self, hint);
      return FALSE;
    }
  if (BATON_IS_CALL (item))
    baton_window_confirm_transfer (self, call, BATON_CALL (item), NULL);
  else
    baton_window_confirm_transfer (self, call, NULL, baton_contact_get_id (BATON_CONTACT (item)));
  return TRUE;
}

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 gpointer       user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  GObject *item = g_object_get_data (G_OBJECT (row), "baton-item");

  if (!BATON_IS_CALL (item) || !baton_call_can_transfer (BATON_CALL (item)))
    return NULL;
  g_object_set_data (G_OBJECT (source), "baton-hot-x", GINT_TO_POINTER ((int) x));
  g_object_set_data (G_OBJECT (source), "baton-hot-y", GINT_TO_POINTER ((int) y));
  return gdk_content_provider_new_typed (BATON_TYPE_CALL, item);
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               gpointer       user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, paintable,
                            GPOINTER_TO_INT (g_object_get_data (G_OBJECT (source), "baton-hot-x")),
                            GPOINTER_TO_INT (g_object_get_data (G_OBJECT (source), "baton-hot-y")));
  gtk_widget_add_css_class (row, "dragged");
}

static void
drag_end_cb (GtkDragSource *source,
             GdkDrag       *drag,
             gboolean       delete_data,
             gpointer       user_data)
{
  gtk_widget_remove_css_class (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source)), "dragged");
}

static void
add_drop_target (BatonWindow *self,
                 GtkWidget   *row)
{
  GtkDropTarget *target = gtk_drop_target_new (BATON_TYPE_CALL, GDK_ACTION_MOVE | GDK_ACTION_COPY);

  gtk_drop_target_set_preload (target, TRUE);
  g_signal_connect (target, "enter", G_CALLBACK (drop_motion_cb), NULL);
  g_signal_connect (target, "motion", G_CALLBACK (drop_motion_cb), NULL);
  g_signal_connect (target, "leave", G_CALLBACK (drop_leave_cb), NULL);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
}

void
baton_window_setup_call_row_dnd (BatonWindow *self,
                                 GtkWidget   *row,
                                 GObject     *item)
{
  g_object_set_data (G_OBJECT (row), "baton-item", item);
  if (BATON_IS_CALL (item))
    {
      GtkDragSource *source = gtk_drag_source_new ();

      gtk_drag_source_set_actions (source, GDK_ACTION_MOVE | GDK_ACTION_COPY);
      g_signal_connect (source, "prepare", G_CALLBACK (drag_prepare_cb), NULL);
      g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin_cb), NULL);
      g_signal_connect (source, "drag-end", G_CALLBACK (drag_end_cb), NULL);
      gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
    }
  add_drop_target (self, row);
}

void
baton_window_setup_contact_row_dnd (BatonWindow *self,
                                    GtkWidget   *row,
                                    GObject     *contact)
{
  g_object_set_data_full (G_OBJECT (row), "baton-item", g_object_ref (contact), g_object_unref);
  add_drop_target (self, row);
}

/* The one confirmation */

typedef struct
{
  BatonWindow *self;
  AdwMessageDialog *dialog;
  BatonCall *call;
  BatonCall *target_call;
  char *target_id;
  gboolean answered;
} Confirm;

static void confirm_call_state_cb (Confirm *confirm);

static void
confirm_free (Confirm *confirm)
{
  g_signal_handlers_disconnect_by_func (confirm->call, confirm_call_state_cb, confirm);
  if (confirm->target_call != NULL)
    g_signal_handlers_disconnect_by_func (confirm->target_call, confirm_call_state_cb, confirm);
  g_clear_object (&confirm->self);
  g_clear_object (&confirm->call);
  g_clear_object (&confirm->target_call);
  g_free (confirm->target_id);
  g_free (confirm);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Confirm          *confirm)
{
  confirm->answered = TRUE;
  if (g_strcmp0 (response, "transfer") != 0)
    return;
  if (confirm->target_call != NULL)
    {
      if (!baton_call_is_live (confirm->target_call))
        {
          baton_window_add_toast (confirm->self, _("This call has ended"));
          return;
        }
      baton_window_transfer_to_call (confirm->self, confirm->call, confirm->target_call);
    }
  else
    baton_window_transfer_to_person (confirm->self, confirm->call, confirm->target_id, FALSE);
}

/* The question no longer stands once either call has ended (the other
 * side hung up while it was asked): it goes, and the toast says why,
 * rather than waiting for an answer that can only fail. */
static void
confirm_call_state_cb (Confirm *confirm)
{
  BatonCall *ended = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (confirm->answered)
    return;
  if (!baton_call_is_live (confirm->call))
    ended = confirm->call;
  else if (confirm->target_call != NULL && !baton_call_is_live (confirm->target_call))
    ended = confirm->target_call;
  if (ended == NULL)
    return;
  name = baton_call_dup_remote_name (ended);
  /* Translators: %s is a person's name */
  message = g_strdup_printf (_("The call with %s has ended"), name);
  baton_window_add_toast (confirm->self, message);
  /* "cancel" is the close response: nothing is transferred. */
  gtk_window_close (GTK_WINDOW (confirm->dialog));
}

void
baton_window_confirm_transfer (BatonWindow *self,
                               BatonCall   *call,
                               BatonCall   *target_call,
                               const char  *target_id)
{
  g_autofree char *name = baton_call_dup_remote_name (call);
  g_autofree char *target_name = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  Confirm *confirm;

  g_return_if_fail (BATON_IS_WINDOW (self));
  g_return_if_fail (BATON_IS_CALL (call));
  g_return_if_fail (target_call != NULL || target_id != NULL);

  if (target_call != NULL)
    target_name = baton_call_dup_remote_name (target_call);
  else
    {
      const char *known = baton_contacts_lookup_name (baton_application_get_contacts (self->application),
                                                      target_id);

      target_name = g_strdup (known ? known : target_id);
    }

  /* Translators: "Transfer Alice to Bob?" */
  heading = g_strdup_printf (_("Transfer %s to %s?"), name, target_name);
  if (target_call != NULL)
    body = g_strdup_printf (_("%s and %s will be connected, and both of your calls with them will end."),
                            name, target_name);
  else
    body = g_strdup_printf (_("%s will be connected to %s, and your call with %s will end."),
                            name, target_name, name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "transfer", _("_Transfer"),
                                    NULL);
  baton_a11y_repair_names (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (dialog, "transfer", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "transfer");
  adw_message_dialog_set_close_response (dialog, "cancel");

  confirm = g_new0 (Confirm, 1);
  confirm->self = g_object_ref (self);
  confirm->call = g_object_ref (call);
  confirm->target_call = target_call ? g_object_ref (target_call) : NULL;
  confirm->target_id = g_strdup (target_id);
  confirm->dialog = dialog;
  g_signal_connect_data (dialog, "response", G_CALLBACK (confirm_response_cb), confirm,
                         (GClosureNotify) confirm_free, 0);
  g_signal_connect_swapped (call, "notify::state", G_CALLBACK (confirm_call_state_cb), confirm);
  if (target_call != NULL)
    g_signal_connect_swapped (target_call, "notify::state", G_CALLBACK (confirm_call_state_cb), confirm);
  gtk_window_present (GTK_WINDOW (dialog));
}
