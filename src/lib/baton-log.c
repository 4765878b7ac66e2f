/* baton-log.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton"

#include "config.h"

#include <string.h>

#include "baton-log-private.h"

static int log_level = -1;

static BatonLogLevel
level_from_env (void)
{
  const char *env = g_getenv ("BATON_LOG_LEVEL");

  if (env == NULL || *env == '\0')
    return BATON_LOG_LEVEL_WARNING;
  if (g_ascii_strcasecmp (env, "error") == 0 || strcmp (env, "0") == 0)
    return BATON_LOG_LEVEL_ERROR;
  if (g_ascii_strcasecmp (env, "info") == 0 || strcmp (env, "2") == 0)
    return BATON_LOG_LEVEL_INFO;
  if (g_ascii_strcasecmp (env, "verbose") == 0 || g_ascii_strcasecmp (env, "debug") == 0 ||
      strcmp (env, "3") == 0)
    return BATON_LOG_LEVEL_VERBOSE;
  return BATON_LOG_LEVEL_WARNING;
}

/**
 * baton_set_log_level:
 * @level: the most detailed level to log
 *
 * Sets how much libbaton logs. The default comes from the environment
 * variable `BATON_LOG_LEVEL` (`error`, `warning`, `info` or `verbose`) and is
 * `warning` when it is unset.
 *
 * libbaton logs with GLib's structured logging under log domains starting
 * with `Baton` (`Baton-Agent`, `Baton-Call`, `Baton-Signaling`, …): use
 * g_log_set_writer_func() to send the output elsewhere. GLib's default
 * writer shows info and debug messages only for the domains listed in
 * `G_MESSAGES_DEBUG` (or `all`). Tokens never appear in the logs.
 */
void
baton_set_log_level (BatonLogLevel level)
{
  g_return_if_fail (level <= BATON_LOG_LEVEL_VERBOSE);

  g_atomic_int_set (&log_level, level);
}

/**
 * baton_get_log_level:
 *
 * Returns: the level set by baton_set_log_level() or `BATON_LOG_LEVEL`
 */
BatonLogLevel
baton_get_log_level (void)
{
  int level = g_atomic_int_get (&log_level);

  if (level < 0)
    {
      level = level_from_env ();
      g_atomic_int_compare_and_exchange (&log_level, -1, level);
      level = g_atomic_int_get (&log_level);
    }
  return level;
}

gboolean
baton_log_enabled (BatonLogLevel level)
{
  return level <= baton_get_log_level ();
}
