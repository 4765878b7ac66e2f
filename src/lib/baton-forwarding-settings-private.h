/* baton-forwarding-settings-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "baton-forwarding-settings.h"

G_BEGIN_DECLS

/* From a FORWARDING object (docs/PROTOCOL.md § 4). */
BatonForwardingSettings *baton_forwarding_settings_new_from_json (JsonObject              *object);
/* Adds the FORWARDING fields to @message (a NULL target as JSON null). */
void                     baton_forwarding_settings_to_json       (BatonForwardingSettings *self,
                                                                  JsonObject              *message);

G_END_DECLS
