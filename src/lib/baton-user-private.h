/* baton-user-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "baton-user.h"

G_BEGIN_DECLS

BatonUser *baton_user_new           (const char *id,
                                     const char *display_name,
                                     gboolean    online);
/* From a USER-OBJECT with "online" (docs/PROTOCOL.md § 2, § 4); NULL when
 * it has no id. */
BatonUser *baton_user_new_from_json (JsonObject *object);

G_END_DECLS
