/* baton-transfer-dialog.c: transfer a call to a person or to another call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Keyboard: the person field has the focus on open; Enter transfers (the
 * Transfer button is the default), Escape cancels, Alt+P / Alt+C switch
 * pages, and on the calls page Enter on a call transfers to it.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "baton-a11y.h"
#include "baton-call-util.h"
#include "baton-transfer-dialog.h"

struct _BatonTransferDialog
{
  AdwWindow parent_instance;

  BatonWindow *window;
  BatonCall *call;
  GListModel *people;
  GListModel *other_calls;

  AdwWindowTitle *window_title;
  GtkButton *transfer_button;
  GtkStack *stack;
  GtkSearchEntry *person_entry;
  GtkListBox *person_list;
  GtkLabel *person_placeholder;
  GtkSwitch *no_forwarding_switch;
  GtkListBox *call_list;
};

G_DEFINE_FINAL_TYPE (BatonTransferDialog, baton_transfer_dialog, ADW_TYPE_WINDOW)

static GtkWidget *
create_person_row (gpointer item,
                   gpointer user_data)
{
  BatonContact *contact = item;
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), baton_contact_get_display_name (contact));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), baton_contact_get_id (contact));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             adw_avatar_new (32, baton_contact_get_display_name (contact), TRUE));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "baton-id", g_strdup (baton_contact_get_id (contact)), g_free);
  return row;
}

/* The other call's state as the SDK says it now (it may be put on hold or
 * resumed while the dialog is open). */
static void
update_call_row (GtkWidget *row,
                 GParamSpec *pspec,
                 BatonCall  *call)
{
  g_autofree char *state = baton_call_dup_state_text (call);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), state);
}

static GtkWidget *
create_call_row (gpointer item,
                 gpointer user_data)
{
  BatonCall *call = item;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *name = baton_call_dup_remote_name (call);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  update_call_row (row, NULL, call);
  g_signal_connect_object (call, "notify::state", G_CALLBACK (update_call_row), row, G_CONNECT_SWAPPED);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), adw_avatar_new (32, name, TRUE));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "baton-call", g_object_ref (call), g_object_unref);
  return row;
}

static gboolean
other_call_filter (gpointer item,
                   gpointer user_data)
{
  BatonTransferDialog *self = user_data;

  return BATON_IS_CALL (item) && BATON_CALL (item) != self->call &&
         baton_call_is_live (BATON_CALL (item));
}

/* Who the person page points at: a selected row, a contact matching the
 * text, the first match, or else the text as a user id. */
static char *
person_target (BatonTransferDialog *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->person_entry))));
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->person_list);
  guint n = g_list_model_get_n_items (self->people);

  if (row != NULL)
    return g_strdup (g_object_get_data (G_OBJECT (row), "baton-id"));
  if (*text == '\0')
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonContact) contact = g_list_model_get_item (self->people, i);

      if (g_utf8_collate (baton_contact_get_id (contact), text) == 0 ||
          g_utf8_collate (baton_contact_get_display_name (contact), text) == 0)
        return g_strdup (baton_contact_get_id (contact));
    }
  if (n > 0)
    {
      g_autoptr(BatonContact) contact = g_list_model_get_item (self->people, 0);

      return g_strdup (baton_contact_get_id (contact));
    }
  return g_steal_pointer (&text);
}

static void
transfer_cb (BatonTransferDialog *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "person") == 0)
    {
      g_autofree char *target = person_target (self);

      if (target == NULL)
        {
          gtk_widget_grab_focus (GTK_WIDGET (self->person_entry));
          gtk_widget_error_bell (GTK_WIDGET (self));
          return;
        }
      baton_window_transfer_to_person (self->window, self->call, target,
                                       gtk_switch_get_active (self->no_forwarding_switch));
    }
  else
    {
      GtkListBoxRow *row = gtk_list_box_get_selected_row (self->call_list);

      if (row == NULL)
        {
          gtk_widget_error_bell (GTK_WIDGET (self));
          return;
        }
      baton_window_transfer_to_call (self->window, self->call,
                                     g_object_get_data (G_OBJECT (row), "baton-call"));
    }
  gtk_window_close (GTK_WINDOW (self));
}

static void
person_row_activated_cb (BatonTransferDialog *self,
                         GtkListBoxRow       *row)
{
  gtk_list_box_select_row (self->person_list, row);
  transfer_cb (self);
}

static void
call_row_activated_cb (BatonTransferDialog *self,
                       GtkListBoxRow       *row)
{
  gtk_list_box_select_row (self->call_list, row);
  transfer_cb (self);
}

static gboolean
not_on_this_call (gpointer item,
                  gpointer user_data)
{
  BatonTransferDialog *self = user_data;

  return g_strcmp0 (baton_contact_get_id (item), baton_call_get_remote_id (self->call)) != 0;
}

static void
search_changed_cb (BatonTransferDialog *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->person_entry))));
  g_autofree char *hint = NULL;

  gtk_list_box_unselect_all (self->person_list);
  if (self->person_placeholder == NULL)
    return;
  if (*text != '\0')
    /* Translators: shown when no contact matches what was typed */
    hint = g_strdup_printf (_("No contact matches. Press Enter to transfer to the user id “%s”."), text);
  else
    hint = g_strdup (_("Type a name or a user id"));
  gtk_label_set_label (self->person_placeholder, hint);
}

static void
update_transfer_sensitivity (BatonTransferDialog *self)
{
  gboolean on_calls = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "call") == 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->transfer_button),
                            !on_calls || g_list_model_get_n_items (self->other_calls) > 0);
}

static void
page_changed_cb (BatonTransferDialog *self)
{
  update_transfer_sensitivity (self);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "call") == 0)
    {
      GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->call_list, 0);

      if (first != NULL)
        {
          if (gtk_list_box_get_selected_row (self->call_list) == NULL)
            gtk_list_box_select_row (self->call_list, first);
          gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_selected_row (self->call_list)));
        }
    }
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->person_entry));
}

static void
call_ended_cb (BatonTransferDialog *self)
{
  if (!baton_call_can_transfer (self->call))
    gtk_window_close (GTK_WINDOW (self));
}

static void
baton_transfer_dialog_dispose (GObject *object)
{
  BatonTransferDialog *self = BATON_TRANSFER_DIALOG (object);

  if (self->call != NULL)
    g_signal_handlers_disconnect_by_data (self->call, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BATON_TYPE_TRANSFER_DIALOG);
  g_clear_object (&self->call);
  g_clear_object (&self->people);
  g_clear_object (&self->other_calls);
  g_clear_object (&self->window);
  G_OBJECT_CLASS (baton_transfer_dialog_parent_class)->dispose (object);
}

static void
baton_transfer_dialog_class_init (BatonTransferDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = baton_transfer_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/batonphone/Baton/baton-transfer-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BatonTransferDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, BatonTransferDialog, transfer_button);
  gtk_widget_class_bind_template_child (widget_class, BatonTransferDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, BatonTransferDialog, person_entry);
  gtk_widget_class_bind_template_child (widget_class, BatonTransferDialog, person_list);
  gtk_widget_class_bind_template_child (widget_class, BatonTransferDialog, no_forwarding_switch);
  gtk_widget_class_bind_template_child (widget_class, BatonTransferDialog, call_list);
  gtk_widget_class_bind_template_callback (widget_class, transfer_cb);
  gtk_widget_class_bind_template_callback (widget_class, person_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, call_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
baton_transfer_dialog_init (BatonTransferDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  baton_a11y_repair_names (GTK_WIDGET (self));
  g_signal_connect_swapped (self->person_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  /* The search entry takes Escape for itself; here Escape cancels. */
  g_signal_connect_swapped (self->person_entry, "stop-search", G_CALLBACK (gtk_window_close), self);
}

BatonTransferDialog *
baton_transfer_dialog_new (BatonWindow   *window,
                           BatonCall     *call,
                           GListModel    *calls,
                           BatonContacts *contacts)
{
  BatonTransferDialog *self;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  GtkCustomFilter *filter;

  g_return_val_if_fail (BATON_IS_WINDOW (window), NULL);
  g_return_val_if_fail (BATON_IS_CALL (call), NULL);

  /* a screen reader announces it as a dialog (GTK 4.8 takes the role of a
   * window only from this property, not from its class) */
  self = g_object_new (BATON_TYPE_TRANSFER_DIALOG,
                       "transient-for", window,
                       "accessible-role", GTK_ACCESSIBLE_ROLE_DIALOG,
                       NULL);
  self->window = g_object_ref (window);
  self->call = g_object_ref (call);

  name = baton_call_dup_remote_name (call);
  /* Translators: the title of the transfer dialog; %s is the caller */
  title = g_strdup_printf (_("Transfer %s"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);

  self->people = G_LIST_MODEL (gtk_filter_list_model_new (
    baton_contacts_new_filtered (contacts, GTK_EDITABLE (self->person_entry)),
    GTK_FILTER (gtk_custom_filter_new (not_on_this_call, self, NULL))));
  gtk_list_box_bind_model (self->person_list, self->people, create_person_row, self, NULL);
  self->person_placeholder = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->person_placeholder, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->person_placeholder), "dim-label");
  gtk_widget_set_margin_top (GTK_WIDGET (self->person_placeholder), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->person_placeholder), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (self->person_placeholder), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->person_placeholder), 12);
  gtk_list_box_set_placeholder (self->person_list, GTK_WIDGET (self->person_placeholder));
  search_changed_cb (self);

  filter = gtk_custom_filter_new (other_call_filter, self, NULL);
  self->other_calls = G_LIST_MODEL (gtk_filter_list_model_new (g_object_ref (calls), GTK_FILTER (filter)));
  gtk_list_box_bind_model (self->call_list, self->other_calls, create_call_row, self, NULL);
  {
    GtkWidget *placeholder = gtk_label_new (_("No other calls in progress"));

    gtk_widget_add_css_class (placeholder, "dim-label");
    gtk_widget_set_margin_top (placeholder, 12);
    gtk_widget_set_margin_bottom (placeholder, 12);
    gtk_list_box_set_placeholder (self->call_list, placeholder);
  }
  g_signal_connect_object (self->other_calls, "items-changed", G_CALLBACK (update_transfer_sensitivity),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (call, "notify::state", G_CALLBACK (call_ended_cb), self, G_CONNECT_SWAPPED);

  gtk_widget_grab_focus (GTK_WIDGET (self->person_entry));
  return self;
}

GtkSwitch *
baton_transfer_dialog_get_no_forwarding_switch (BatonTransferDialog *self)
{
  g_return_val_if_fail (BATON_IS_TRANSFER_DIALOG (self), NULL);
  return self->no_forwarding_switch;
}
