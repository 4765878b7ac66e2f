/* baton-error-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "baton-error.h"

G_BEGIN_DECLS

GError     *baton_error_new_service      (BatonError  error_code,
                                          guint       code,
                                          guint       subcode,
                                          const char *message);
BatonError  baton_error_code_for_service (guint       code);

G_END_DECLS
