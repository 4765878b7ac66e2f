/* baton-contacts.c: the people the user can call or transfer to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libbaton has no directory call yet (the protocol's users.list is not
 * exposed), so contacts are the people met in calls and in Recent.
 */

#include "config.h"

#include <string.h>

#include "baton-contacts.h"

struct _BatonContact
{
  GObject parent_instance;
  char *id;
  char *display_name;
};

G_DEFINE_FINAL_TYPE (BatonContact, baton_contact, G_TYPE_OBJECT)

enum {
  CONTACT_PROP_0,
  CONTACT_PROP_ID,
  CONTACT_PROP_DISPLAY_NAME,
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

struct _BatonContacts
{
  GObject parent_instance;
  GListStore *store;
};

G_DEFINE_FINAL_TYPE (BatonContacts, baton_contacts, G_TYPE_OBJECT)

static void
baton_contacts_finalize (GObject *object)
{
  g_clear_object (&BATON_CONTACTS (object)->store);
  G_OBJECT_CLASS (baton_contacts_parent_class)->finalize (object);
}

static void
baton_contacts_class_init (BatonContactsClass *klass)
{
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
