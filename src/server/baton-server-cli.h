/* baton-server-cli.h: the baton-server command line (API.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes */
#define BATON_EXIT_OK      0
#define BATON_EXIT_FAILURE 1   /* the command failed (store, key, listen, …) */
#define BATON_EXIT_USAGE   2   /* bad command line */

int baton_cli_run   (int argc, char **argv);
int baton_cli_serve (int argc, char **argv);

G_END_DECLS
