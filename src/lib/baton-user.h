/* baton-user.h: a user of the calling service, as its directory lists it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(_BATON_INSIDE) && !defined(BATON_COMPILATION)
#error "Only <baton/baton.h> can be included directly."
#endif

#include <glib-object.h>

#include "baton-version.h"

G_BEGIN_DECLS

#define BATON_TYPE_USER (baton_user_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonUser, baton_user, BATON, USER, GObject)

BATON_AVAILABLE_IN_ALL
const char *baton_user_get_id           (BatonUser *self);
BATON_AVAILABLE_IN_ALL
const char *baton_user_get_display_name (BatonUser *self);
BATON_AVAILABLE_IN_ALL
gboolean    baton_user_get_online       (BatonUser *self);

G_END_DECLS
