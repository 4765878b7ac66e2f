/* baton-application.h: the Baton app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <baton.h>

#include "baton-contacts.h"
#include "baton-history.h"

G_BEGIN_DECLS

#define BATON_TYPE_APPLICATION (baton_application_get_type ())

G_DECLARE_FINAL_TYPE (BatonApplication, baton_application, BATON, APPLICATION, AdwApplication)

BatonApplication   *baton_application_new                (GApplicationFlags  flags);
BatonApplication   *baton_application_get_default        (void);
BatonCallAgent     *baton_application_get_agent          (BatonApplication  *self);
BatonDeviceManager *baton_application_get_device_manager (BatonApplication  *self);
/* The signed-in agent's BatonCallAgent:incoming-calls, in its order
 * (arrival), passed through: the same model for the app's whole life,
 * following sign-out and sign-in; empty without an agent. */
GListModel         *baton_application_get_incoming_calls (BatonApplication  *self);
BatonHistory       *baton_application_get_history        (BatonApplication  *self);
BatonContacts      *baton_application_get_contacts       (BatonApplication  *self);
GSettings          *baton_application_get_settings       (BatonApplication  *self);
const char         *baton_application_get_server_uri     (BatonApplication  *self);
const char         *baton_application_get_sign_in_error  (BatonApplication  *self);
gboolean            baton_application_get_signing_in     (BatonApplication  *self);
void                baton_application_sign_in            (BatonApplication  *self,
                                                          const char        *server_uri,
                                                          const char        *token,
                                                          gboolean           remember);
void                baton_application_sign_out           (BatonApplication  *self);
void                baton_application_reconnect          (BatonApplication  *self);
void                baton_application_start_demo         (BatonApplication  *self);
BatonCall          *baton_application_accept             (BatonApplication  *self,
                                                          BatonIncomingCall *incoming,
                                                          GError           **error);
void                baton_application_decline            (BatonApplication  *self,
                                                          BatonIncomingCall *incoming);

G_END_DECLS
