/* baton-version.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton"

#include "config.h"

#include "baton-version.h"

/**
 * baton_get_major_version:
 *
 * Returns: the major version of the libbaton in use at run time
 */
guint
baton_get_major_version (void)
{
  return BATON_MAJOR_VERSION;
}

/**
 * baton_get_minor_version:
 *
 * Returns: the minor version of the libbaton in use at run time
 */
guint
baton_get_minor_version (void)
{
  return BATON_MINOR_VERSION;
}

/**
 * baton_get_micro_version:
 *
 * Returns: the micro version of the libbaton in use at run time
 */
guint
baton_get_micro_version (void)
{
  return BATON_MICRO_VERSION;
}
