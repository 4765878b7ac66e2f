/* baton-token-credential-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "baton-token-credential.h"

G_BEGIN_DECLS

gboolean baton_token_credential_parse        (const char *token,
                                              gint64     *iat,
                                              gint64     *exp);
gint64   baton_token_credential_refresh_time (gint64      iat,
                                              gint64      exp,
                                              gint64      now);
char    *baton_token_credential_clean        (const char  *token,
                                              GError     **error);
char    *baton_token_credential_subject      (const char  *token);
void     baton_token_credential_token_refused (BatonTokenCredential *self,
                                               const char           *kept);

G_END_DECLS
