/* baton-window-sidebar.c: the sidebar's lists — calls, Recent, Contacts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The calls list is bound to the ringing calls (the agent's own
 * `incoming-calls`, through baton_application_get_incoming_calls(), which
 * follows the signed-in agent) followed by the agent's own `calls`
 * GListModel, both in arrival order; nothing is copied. Contacts is bound
 * to the application's BatonContacts, the service's directory (searchable
 * through the search entry), each row with the person's name, id and
 * presence.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "baton-call-row.h"
#include "baton-call-util.h"
#include "baton-contacts.h"
#include "baton-history.h"
#include "baton-window-private.h"

static GtkWidget *
create_call_row (gpointer item,
                 gpointer user_data)
{
  BatonWindow *self = user_data;
  GtkWidget *row = baton_call_row_new (G_OBJECT (item));

  baton_window_setup_call_row_dnd (self, row, G_OBJECT (item));
  return row;
}

static void
call_row_activated_cb (GtkListBox    *list,
                       GtkListBoxRow *row,
                       BatonWindow   *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  gtk_widget_grab_focus (GTK_WIDGET (self->call_view));
}

static void
update_section_visibility (BatonWindow *self)
{
  guint n_calls = g_list_model_get_n_items (G_LIST_MODEL (self->calls));
  guint n_recent = g_list_model_get_n_items (baton_history_get_model (baton_application_get_history (self->application)));
  guint n_contacts = self->contacts ? g_list_model_get_n_items (self->contacts) : 0;

  gtk_widget_set_visible (self->calls_label, n_calls > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->calls_list), n_calls > 0);
  gtk_widget_set_visible (self->recent_label, n_recent > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_list), n_recent > 0);
  gtk_widget_set_visible (self->contacts_label, n_contacts > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->contacts_list), n_contacts > 0);
}

/* When the focus was on what just went away (the ended call's row, or a
 * button of the call view, hidden for a moment while no call is
 * selected), GTK leaves the window without focus, and Tab would start over
 * from the main menu: it goes to the selected call's row instead, or with
 * no call left to the field that starts the next one. */
static void
keep_focus (BatonWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->calls_list);

  g_debug ("focus after a call ended: %s", focus ? G_OBJECT_TYPE_NAME (focus) : "none");
  if (focus != NULL && gtk_widget_get_mapped (focus))
    return;
  if (selected != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (selected));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
calls_items_changed_cb (GListModel  *calls,
                        guint        position,
                        guint        removed,
                        guint        added,
                        BatonWindow *self)
{
  guint n_calls = g_list_model_get_n_items (calls);

  update_section_visibility (self);

  if (self->pending_select != NULL)
    {
      GtkWidget *row = baton_window_get_row_for_item (self, self->pending_select);

      if (row != NULL)
        {
          self->pending_select = NULL;
          gtk_list_box_select_row (self->calls_list, GTK_LIST_BOX_ROW (row));
          return;
        }
    }

  /* A new ringing call or call is selected when nothing else is; when the
   * selected call ends (hung up, declined, transferred), the call next to
   * it is, so that the call left on hold is one shortcut away. */
  if (gtk_list_box_get_selected_row (self->calls_list) == NULL && added > 0)
    gtk_list_box_select_row (self->calls_list, gtk_list_box_get_row_at_index (self->calls_list, position));
  else if (gtk_list_box_get_selected_row (self->calls_list) == NULL && n_calls > 0)
    gtk_list_box_select_row (self->calls_list,
                             gtk_list_box_get_row_at_index (self->calls_list, MIN (position, n_calls - 1)));
  else if (gtk_list_box_get_selected_row (self->calls_list) == NULL)
    baton_call_view_set_item (self->call_view, NULL);
  if (removed > 0)
    keep_focus (self);
  baton_window_update_actions (self);
}

static GtkWidget *
create_recent_row (gpointer item,
                   gpointer user_data)
{
  BatonHistoryEntry *entry = item;
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (baton_history_entry_get_time (entry));
  g_autofree char *when = g_date_time_format (time, "%x %X");
  g_autofree char *subtitle = NULL;
  GtkWidget *icon;

  /* Translators: Recent: "outcome · date and time" */
  subtitle = g_strdup_printf (_("%s · %s"), baton_history_entry_get_outcome (entry), when);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), baton_history_entry_get_peer_name (entry));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  icon = gtk_image_new_from_icon_name (baton_history_entry_get_incoming (entry)
                                       ? "call-incoming-symbolic" : "call-outgoing-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  baton_history_entry_get_incoming (entry) ? _("Incoming") : _("Outgoing"),
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Call back"));
  g_object_set_data_full (G_OBJECT (row), "baton-peer-id",
                          g_strdup (baton_history_entry_get_peer_id (entry)), g_free);
  return row;
}

static void
update_presence (GtkWidget    *label,
                 GParamSpec   *pspec,
                 BatonContact *contact)
{
  gboolean online = baton_contact_get_online (contact);

  gtk_label_set_text (GTK_LABEL (label), online ? _("Online") : _("Offline"));
  if (online)
    {
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "success");
    }
  else
    {
      gtk_widget_remove_css_class (label, "success");
      gtk_widget_add_css_class (label, "dim-label");
    }
}

static GtkWidget *
create_contact_row (gpointer item,
                    gpointer user_data)
{
  BatonWindow *self = user_data;
  BatonContact *contact = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *avatar = adw_avatar_new (32, baton_contact_get_display_name (contact), TRUE);
  GtkWidget *presence = gtk_label_new (NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), baton_contact_get_display_name (contact));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), baton_contact_get_id (contact));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
  gtk_widget_add_css_class (presence, "caption");
  gtk_widget_set_valign (presence, GTK_ALIGN_CENTER);
  update_presence (presence, NULL, contact);
  g_signal_connect_object (contact, "notify::online", G_CALLBACK (update_presence), presence, G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), presence);
  gtk_widget_set_name (presence, "presence");
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Call, or drop a call here to transfer it"));
  g_object_set_data_full (G_OBJECT (row), "baton-peer-id", g_strdup (baton_contact_get_id (contact)), g_free);
  baton_window_setup_contact_row_dnd (self, row, G_OBJECT (contact));
  return row;
}

static void
person_row_activated_cb (GtkListBox    *list,
                         GtkListBoxRow *row,
                         BatonWindow   *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "baton-peer-id");

  if (id != NULL && *id != '\0')
    baton_window_start_call (self, id);
}

/* The models, made with the window: the actions and the selection ask them
 * whether there are calls, with or without the calls page. */
void
baton_window_sidebar_init (BatonWindow *self)
{
  BatonApplication *app = self->application;

  self->call_models = g_list_store_new (G_TYPE_LIST_MODEL);
  g_list_store_append (self->call_models, baton_application_get_incoming_calls (app));
  self->calls = gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (self->call_models)));
}

/* The lists, once the calls page is built: the calls already there (a call
 * ringing as the agent signs in) are listed and selected as if they had
 * just come. */
void
baton_window_sidebar_bind (BatonWindow *self)
{
  BatonApplication *app = self->application;
  GListModel *recent = baton_history_get_model (baton_application_get_history (app));
  guint n_calls = g_list_model_get_n_items (G_LIST_MODEL (self->calls));

  gtk_list_box_bind_model (self->calls_list, G_LIST_MODEL (self->calls), create_call_row, self, NULL);
  g_signal_connect_object (self->calls, "items-changed", G_CALLBACK (calls_items_changed_cb), self, 0);
  g_signal_connect_object (self->calls_list, "row-activated", G_CALLBACK (call_row_activated_cb), self, 0);

  gtk_list_box_bind_model (self->recent_list, recent, create_recent_row, self, NULL);
  g_signal_connect_object (recent, "items-changed", G_CALLBACK (update_section_visibility),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recent_list, "row-activated", G_CALLBACK (person_row_activated_cb), self, 0);

  self->contacts = baton_contacts_new_filtered (baton_application_get_contacts (app),
                                                GTK_EDITABLE (self->search_entry));
  gtk_list_box_bind_model (self->contacts_list, self->contacts, create_contact_row, self, NULL);
  g_signal_connect_object (self->contacts, "items-changed", G_CALLBACK (update_section_visibility),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->contacts_list, "row-activated", G_CALLBACK (person_row_activated_cb), self, 0);
  /* Looking somebody up reads the directory again, so that who is online
   * (and who is new) is current. */
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (baton_contacts_refresh),
                           baton_application_get_contacts (app), G_CONNECT_SWAPPED);

  update_section_visibility (self);
  if (n_calls > 0)
    calls_items_changed_cb (G_LIST_MODEL (self->calls), 0, 0, n_calls, self);
}

void
baton_window_sidebar_set_agent (BatonWindow    *self,
                                BatonCallAgent *agent)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->call_models));

  if (n > 1)
    g_list_store_remove (self->call_models, 1);
  if (agent != NULL)
    g_list_store_append (self->call_models, baton_call_agent_get_calls (agent));
  /* Contacts follow the signed-in agent's directory (every window says the
   * same agent; the contacts ignore a repeat). */
  baton_contacts_set_agent (baton_application_get_contacts (self->application), agent);
}

GtkWidget *
baton_window_get_row_for_item (BatonWindow *self,
                               GObject     *item)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));

  if (self->calls_list == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) other = g_list_model_get_item (G_LIST_MODEL (self->calls), i);

      if (other == item)
        return GTK_WIDGET (gtk_list_box_get_row_at_index (self->calls_list, i));
    }
  return NULL;
}

/* Calls (not ringing ones) that are still going on. */
guint
baton_window_count_live_calls (BatonWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));
  guint live = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->calls), i);

      if (BATON_IS_CALL (item) && baton_call_is_live (BATON_CALL (item)))
        live++;
    }
  return live;
}
