/* baton-contacts.h: the people the user can call or transfer to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <baton.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BATON_TYPE_CONTACT (baton_contact_get_type ())
G_DECLARE_FINAL_TYPE (BatonContact, baton_contact, BATON, CONTACT, GObject)

#define BATON_TYPE_CONTACTS (baton_contacts_get_type ())
G_DECLARE_FINAL_TYPE (BatonContacts, baton_contacts, BATON, CONTACTS, GObject)

const char    *baton_contact_get_id           (BatonContact  *self);
const char    *baton_contact_get_display_name (BatonContact  *self);
/* As the directory said when last read (FALSE for people not from it). */
gboolean       baton_contact_get_online       (BatonContact  *self);

BatonContacts *baton_contacts_new             (void);
/* A GListModel of BatonContact, sorted by name. */
GListModel    *baton_contacts_get_model       (BatonContacts *self);
void           baton_contacts_add             (BatonContacts *self,
                                               const char    *id,
                                               const char    *display_name);
const char    *baton_contacts_lookup_name     (BatonContacts *self,
                                               const char    *id);
/* Follows @agent's directory (users.list): the contacts become its users
 * (but the agent's own), refreshed while signed in. */
void           baton_contacts_set_agent       (BatonContacts  *self,
                                               BatonCallAgent *agent);
void           baton_contacts_refresh         (BatonContacts  *self);
/* A new filter model of contacts whose id or name contains the text. */
GListModel    *baton_contacts_new_filtered    (BatonContacts *self,
                                               GtkEditable   *search);

G_END_DECLS
