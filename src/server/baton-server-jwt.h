/* baton-server-jwt.h: HS256 JSON Web Tokens and the deployment's signing key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Loads DATA_DIR/signing.key, creating it (mode 0600, 32 random bytes as
 * 64 hex characters) if it does not exist. The key bytes are that text. */
GBytes   *baton_jwt_load_or_create_key (const char  *data_dir,
                                        GError     **error);

char     *baton_jwt_sign               (GBytes      *key,
                                        const char  *sub,
                                        gint64       iat,
                                        gint64       exp);

/* Checks the header (alg HS256), the signature (constant time) and the
 * claims' types. Does not check the time: the caller compares *out_exp. */
gboolean  baton_jwt_verify             (GBytes      *key,
                                        const char  *token,
                                        char       **out_sub,
                                        gint64      *out_exp,
                                        GError     **error);

/* A short, non-reversible tag for logs ("tok:1a2b3c4d"). */
char     *baton_jwt_log_tag            (const char  *token);

G_END_DECLS
