/* baton-contacts.c: the people the user can call or transfer to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Once signed in, the contacts are the service's directory
 * (baton_call_agent_list_users_async()), re-read when the agent connects,
 * when calls come and go, and every half minute (the service has no
 * presence events) so that "online" stays fresh. The store is the view's
 * model: contacts are updated in place (rows keep their focus), added and
 * removed as the directory says. Before the directory was read (signed out,
 * or the service unreachable), the people met in calls and in Recent stand in.
 */

#include "config.h"

#include <string.h>

#include "baton-contacts.h"

/* The most users the service lists at once (docs/PROTOCOL.md § 4). */
#define DIRECTORY_LIMIT 500
#define REFRESH_INTERVAL_SECONDS 30
#define REFRESH_SOON_MS 500

struct _BatonContact
{
  GObject parent_instance;
  char *id;
  char *display_name;
  gboolean online;
};

G_DEFINE_FINAL_TYPE (BatonContact, baton_contact, G_TYPE_OBJECT)

enum {
  CONTACT_PROP_0,
  CONTACT_PROP_ID,
  CONTACT_PROP_DISPLAY_NAME,
  CONTACT_PROP_ONLINE,
  CONTACT_N_PROPS
};

static GParamSpec *contact_properties[CONTACT_N_PROPS];

static void
baton_contact_finalize (GObject *object)
{
  BatonContact *self = BATON_CONTACT (object);

  g_free (self->id);
  g_free (self->display_name);
  G_OBJECT_CLASS (baton_contact_parent_class)->finalize (object);
}

static void
baton_contact_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BatonContact *self = BATON_CONTACT (object);

  switch (prop_id)
    {
    case CONTACT_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case CONTACT_PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case CONTACT_PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_contact_class_init (BatonContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = baton_contact_finalize;
  object_class->get_property = baton_contact_get_property;
  contact_properties[CONTACT_PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  contact_properties[CONTACT_PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  contact_properties[CONTACT_PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, CONTACT_N_PROPS, contact_properties);
}

static void
baton_contact_init (BatonContact *self)
{
}

const char *
baton_contact_get_id (BatonContact *self)
{
  g_return_val_if_fail (BATON_IS_CONTACT (self), NULL);
  return self->id;
}

const char *
baton_contact_get_display_name (BatonContact *self)
{
  g_return_val_if_fail (BATON_IS_CONTACT (self), NULL);
  return self->display_name;
}

gboolean
baton_contact_get_online (BatonContact *self)
{
  g_return_val_if_fail (BATON_IS_CONTACT (self), FALSE);
  return self->online;
}

struct _BatonContacts
{
  GObject parent_instance;
  GListStore *store;
  BatonCallAgent *agent;
  GCancellable *cancellable;    /* of the users.list in flight */
  gboolean from_directory;      /* the store holds the directory */
  gboolean again;               /* refresh once the one in flight is done */
  guint interval_id;
  guint soon_id;
};

G_DEFINE_FINAL_TYPE (BatonContacts, baton_contacts, G_TYPE_OBJECT)

static void
baton_contacts_dispose (GObject *object)
{
  baton_contacts_set_agent (BATON_CONTACTS (object), NULL);
  G_OBJECT_CLASS (baton_contacts_parent_class)->dispose (object);
}

static void
baton_contacts_finalize (GObject *object)
{
  g_clear_object (&BATON_CONTACTS (object)->store);
  G_OBJECT_CLASS (baton_contacts_parent_class)->finalize (object);
}

static void
baton_contacts_class_init (BatonContactsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = baton_contacts_dispose;
  G_OBJECT_CLASS (klass)->finalize = baton_contacts_finalize;
}

static void
baton_contacts_init (BatonContacts *self)
{
  self->store = g_list_store_new (BATON_TYPE_CONTACT);
}

BatonContacts *
baton_contacts_new (void)
{
  return g_object_new (BATON_TYPE_CONTACTS, NULL);
}

GListModel *
baton_contacts_get_model (BatonContacts *self)
{
  g_return_val_if_fail (BATON_IS_CONTACTS (self), NULL);
  return G_LIST_MODEL (self->store);
}

static int
compare_contacts (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const BatonContact *ca = a, *cb = b;

  return g_utf8_collate (ca->display_name, cb->display_name);
}

static BatonContact *
find (BatonContacts *self,
      const char    *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonContact) contact = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (g_strcmp0 (contact->id, id) == 0)
        return contact;
    }
  return NULL;
}

void
baton_contacts_add (BatonContacts *self,
                    const char    *id,
                    const char    *display_name)
{
  BatonContact *contact;

  g_return_if_fail (BATON_IS_CONTACTS (self));

  if (id == NULL || *id == '\0')
    return;
  if (self->from_directory)
    {
      /* The directory has everybody; somebody new is read with it. */
      if (find (self, id) == NULL)
        baton_contacts_refresh (self);
      return;
    }
  contact = find (self, id);
  if (contact != NULL)
    {
      guint position;

      /* A real name replaces an id used as a name. */
      if (display_name == NULL || *display_name == '\0' || g_strcmp0 (contact->display_name, id) != 0 ||
          g_strcmp0 (display_name, id) == 0 || !g_list_store_find (self->store, contact, &position))
        return;
      g_object_ref (contact);
      g_list_store_remove (self->store, position);
      g_free (contact->display_name);
      contact->display_name = g_strdup (display_name);
      g_list_store_insert_sorted (self->store, contact, compare_contacts, NULL);
      g_object_unref (contact);
      return;
    }
  contact = g_object_new (BATON_TYPE_CONTACT, NULL);
  contact->id = g_strdup (id);
  contact->display_name = g_strdup (display_name && *display_name ? display_name : id);
  g_list_store_insert_sorted (self->store, contact, compare_contacts, NULL);
  g_object_unref (contact);
}

const char *
baton_contacts_lookup_name (BatonContacts *self,
                            const char    *id)
{
  BatonContact *contact;

  g_return_val_if_fail (BATON_IS_CONTACTS (self), NULL);
  contact = find (self, id);
  return contact ? contact->display_name : NULL;
}

static gboolean
match_cb (gpointer item,
          gpointer user_data)
{
  BatonContact *contact = item;
  GtkEditable *search = user_data;
  const char *text = gtk_editable_get_text (search);
  g_autofree char *needle = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  name = g_utf8_casefold (contact->display_name, -1);
  id = g_utf8_casefold (contact->id, -1);
  return strstr (name, needle) != NULL || strstr (id, needle) != NULL;
}

static void
search_changed_cb (GtkEditable *search,
                   GtkFilter   *filter)
{
  gtk_filter_changed (filter, GTK_FILTER_CHANGE_DIFFERENT);
}

GListModel *
baton_contacts_new_filtered (BatonContacts *self,
                             GtkEditable   *search)
{
  GtkCustomFilter *filter;

  g_return_val_if_fail (BATON_IS_CONTACTS (self), NULL);

  filter = gtk_custom_filter_new (match_cb, search, NULL);
  g_signal_connect_object (search, "changed", G_CALLBACK (search_changed_cb), filter, 0);
  return G_LIST_MODEL (gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)),
                                                  GTK_FILTER (filter)));
}

/* The directory */

static void
set_online (BatonContact *contact,
            gboolean      online)
{
  online = !!online;
  if (contact->online == online)
    return;
  contact->online = online;
  g_object_notify_by_pspec (G_OBJECT (contact), contact_properties[CONTACT_PROP_ONLINE]);
}

/* Makes the store say what @users says, touching only what changed. */
static void
apply_directory (BatonContacts *self,
                 GListModel    *users)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *own_id = self->agent ? baton_call_agent_get_user_id (self->agent) : NULL;
  guint n = g_list_model_get_n_items (users);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonUser) user = g_list_model_get_item (users, i);
      const char *id = baton_user_get_id (user);
      const char *name = baton_user_get_display_name (user);
      BatonContact *contact;
      guint position;

      if (g_strcmp0 (id, own_id) == 0)
        continue;
      g_hash_table_add (seen, (gpointer) id);
      contact = find (self, id);
      if (contact != NULL && g_strcmp0 (contact->display_name, name) != 0 &&
          g_list_store_find (self->store, contact, &position))
        {
          /* renamed: it moves */
          g_list_store_remove (self->store, position);
          contact = NULL;
        }
      if (contact == NULL)
        {
          contact = g_object_new (BATON_TYPE_CONTACT, NULL);
          contact->id = g_strdup (id);
          contact->display_name = g_strdup (name);
          contact->online = baton_user_get_online (user);
          g_list_store_insert_sorted (self->store, contact, compare_contacts, NULL);
          g_object_unref (contact);
        }
      else
        set_online (contact, baton_user_get_online (user));
    }

  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->store)); i > 0; i--)
    {
      g_autoptr(BatonContact) contact = g_list_model_get_item (G_LIST_MODEL (self->store), i - 1);

      if (!g_hash_table_contains (seen, contact->id))
        g_list_store_remove (self->store, i - 1);
    }
  self->from_directory = TRUE;
}

static void
list_users_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BatonContacts) self = user_data;
  g_autoptr(GListModel) users = NULL;
  g_autoptr(GError) error = NULL;

  users = baton_call_agent_list_users_finish (BATON_CALL_AGENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (users == NULL)
    g_debug ("could not read the directory: %s", error->message);
  else if (BATON_CALL_AGENT (object) == self->agent)
    apply_directory (self, users);

  if (self->again)
    {
      self->again = FALSE;
      baton_contacts_refresh (self);
    }
}

/*
 * baton_contacts_refresh:
 *
 * Reads the directory again (now, or after the read in flight).
 */
void
baton_contacts_refresh (BatonContacts *self)
{
  g_return_if_fail (BATON_IS_CONTACTS (self));

  if (self->agent == NULL ||
      baton_call_agent_get_connection_state (self->agent) != BATON_CONNECTION_STATE_CONNECTED)
    return;
  if (self->cancellable != NULL)
    {
      self->again = TRUE;
      return;
    }
  self->cancellable = g_cancellable_new ();
  baton_call_agent_list_users_async (self->agent, NULL, DIRECTORY_LIMIT, self->cancellable,
                                     list_users_cb, g_object_ref (self));
}

static gboolean
refresh_cb (gpointer user_data)
{
  BatonContacts *self = user_data;

  baton_contacts_refresh (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
refresh_soon_cb (gpointer user_data)
{
  BatonContacts *self = user_data;

  self->soon_id = 0;
  baton_contacts_refresh (self);
  return G_SOURCE_REMOVE;
}

/* Calls come and go: somebody's presence may have changed. */
static void
calls_changed_cb (BatonContacts *self)
{
  if (self->soon_id == 0)
    self->soon_id = g_timeout_add (REFRESH_SOON_MS, refresh_soon_cb, self);
}

static void
connection_state_cb (BatonContacts *self)
{
  baton_contacts_refresh (self);
}

/*
 * baton_contacts_set_agent:
 * @agent: (nullable): the signed-in agent
 *
 * Follows @agent's directory. Signing out keeps the last list (names stay
 * known for Recent) but no longer refreshes it.
 */
void
baton_contacts_set_agent (BatonContacts  *self,
                          BatonCallAgent *agent)
{
  g_return_if_fail (BATON_IS_CONTACTS (self));
  g_return_if_fail (agent == NULL || BATON_IS_CALL_AGENT (agent));

  if (self->agent == agent)
    return;
  if (self->agent != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->agent, self);
      g_signal_handlers_disconnect_by_data (baton_call_agent_get_calls (self->agent), self);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->again = FALSE;
  g_clear_handle_id (&self->interval_id, g_source_remove);
  g_clear_handle_id (&self->soon_id, g_source_remove);
  g_set_object (&self->agent, agent);
  if (agent == NULL)
    return;

  g_signal_connect_object (agent, "notify::connection-state", G_CALLBACK (connection_state_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (baton_call_agent_get_calls (agent), "items-changed",
                           G_CALLBACK (calls_changed_cb), self, G_CONNECT_SWAPPED);
  self->interval_id = g_timeout_add_seconds (REFRESH_INTERVAL_SECONDS, refresh_cb, self);
  baton_contacts_refresh (self);
}
