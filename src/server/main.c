/* main.c: baton-server entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>

int
main (int   argc,
      char *argv[])
{
  g_printerr ("baton-server %s: not implemented yet\n", PACKAGE_VERSION);
  return 1;
}
