/* baton-token-credential.h: the access token an agent signs in with
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

#define BATON_TYPE_TOKEN_CREDENTIAL (baton_token_credential_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonTokenCredential, baton_token_credential, BATON, TOKEN_CREDENTIAL, GObject)

BATON_AVAILABLE_IN_ALL
BatonTokenCredential *baton_token_credential_new            (const char           *token);
BATON_AVAILABLE_IN_ALL
const char           *baton_token_credential_get_token      (BatonTokenCredential *self);
BATON_AVAILABLE_IN_ALL
void                  baton_token_credential_set_token      (BatonTokenCredential *self,
                                                             const char           *token);
BATON_AVAILABLE_IN_ALL
GDateTime            *baton_token_credential_get_expires_on (BatonTokenCredential *self);

G_END_DECLS
