/* baton-demo-cli.h: running baton-server's command line for the demo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char       *baton_demo_cli_run      (const char          *server_binary,
                                     const char          *data_dir,
                                     const char * const  *args,
                                     GError             **error);
GHashTable *baton_demo_cli_user_ids (const char          *server_binary,
                                     const char          *data_dir,
                                     GError             **error);

G_END_DECLS
