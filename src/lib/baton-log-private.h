/* baton-log-private.h: logging macros honouring baton_set_log_level()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every file defines G_LOG_DOMAIN as "Baton" or "Baton-Something" before
 * including this. Never pass a token to these.
 *
 * BATON_WARNING is for trouble outside the program (the service went away,
 * media failed): it logs at G_LOG_LEVEL_MESSAGE so that applications run
 * with G_DEBUG=fatal-warnings do not abort on a network problem. Programming
 * errors use g_return_if_fail() / g_critical() as usual.
 */
#pragma once

#include <glib.h>

#include "baton-enums.h"
#include "baton-log.h"

G_BEGIN_DECLS

gboolean baton_log_enabled (BatonLogLevel level);

#define BATON_VERBOSE(...) G_STMT_START { if (baton_log_enabled (BATON_LOG_LEVEL_VERBOSE)) g_debug (__VA_ARGS__); } G_STMT_END
#define BATON_INFO(...)    G_STMT_START { if (baton_log_enabled (BATON_LOG_LEVEL_INFO)) g_info (__VA_ARGS__); } G_STMT_END
#define BATON_WARNING(...) G_STMT_START { if (baton_log_enabled (BATON_LOG_LEVEL_WARNING)) g_message (__VA_ARGS__); } G_STMT_END

G_END_DECLS
