/* baton-server.h: the calling service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BatonServer BatonServer;

BatonServer *baton_server_new      (const char  *data_dir,
                                    double       time_scale,
                                    GError     **error);
/* Before listen: spread the connections over n event contexts (shards)
 * driven from the main loop; 0 keeps them all in the main context. */
void         baton_server_set_io_shards (BatonServer *server,
                                         guint        n);
/* listen: "HOST:PORT"; returns the URI ("ws://HOST:PORT") in out_uri */
gboolean     baton_server_listen   (BatonServer *server,
                                    const char  *listen,
                                    const char  *tls_certificate,
                                    const char  *tls_private_key,
                                    char       **out_uri,
                                    GError     **error);
/* Closes every connection with 1001; returns the number still closing. */
guint        baton_server_shutdown (BatonServer *server);
guint        baton_server_open_connections (BatonServer *server);
void         baton_server_free     (BatonServer *server);
/* Tests only: after answering the first request of this type (e.g.
 * "call.accept"), the process kills itself with SIGKILL. */
void         baton_server_set_crash_after (BatonServer *server,
                                           const char  *request_type);

G_END_DECLS
