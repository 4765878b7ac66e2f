/* baton-log.h: how much libbaton logs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(_BATON_INSIDE) && !defined(BATON_COMPILATION)
#error "Only <baton/baton.h> can be included directly."
#endif

#include <glib.h>

#include "baton-version.h"
#include "baton-enums.h"

G_BEGIN_DECLS

BATON_AVAILABLE_IN_ALL
void          baton_set_log_level (BatonLogLevel level);
BATON_AVAILABLE_IN_ALL
BatonLogLevel baton_get_log_level (void);

G_END_DECLS
