/* baton-demo-session.h: the embedded local service with the demo contacts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BATON_DEMO_USER_ID "me"

#define BATON_TYPE_DEMO_SESSION (baton_demo_session_get_type ())

G_DECLARE_FINAL_TYPE (BatonDemoSession, baton_demo_session, BATON, DEMO_SESSION, GObject)

/* @data_dir: the service's data dir, or NULL for $XDG_DATA_HOME/baton/demo */
BatonDemoSession   *baton_demo_session_new             (const char           *data_dir);
/* Starts `baton-server serve` on 127.0.0.1 (a free port), makes the local
 * user, mints its token and starts baton-demo-bots; completes once every demo
 * contact is connected. While it runs, DATA_DIR/server-uri holds its address.
 * The programs are found through the environment
 * variables BATON_SERVER and BATON_DEMO_BOTS, else in BINDIR. */
void                baton_demo_session_start_async     (BatonDemoSession     *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean            baton_demo_session_start_finish    (BatonDemoSession     *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
gboolean            baton_demo_session_is_running      (BatonDemoSession     *self);
const char         *baton_demo_session_get_data_dir    (BatonDemoSession     *self);
/* ws://127.0.0.1:PORT, once started */
const char         *baton_demo_session_get_server_uri  (BatonDemoSession     *self);
/* The local user's id (BATON_DEMO_USER_ID) and token, once started */
const char         *baton_demo_session_get_user_id     (BatonDemoSession     *self);
const char         *baton_demo_session_get_token       (BatonDemoSession     *self);
/* The demo contacts: id, display name, id, display name, …, NULL */
const char * const *baton_demo_session_get_contacts    (BatonDemoSession     *self);
/* Process ids of the server and of the bots (0 when not running) */
GPid                baton_demo_session_get_server_pid  (BatonDemoSession     *self);
GPid                baton_demo_session_get_bots_pid    (BatonDemoSession     *self);
/* Stops the bots, then the server (SIGTERM, SIGKILL after a few seconds),
 * and waits for them. Also done when the object is finalized. Should the
 * process that started them die, they get SIGTERM from the kernel. */
void                baton_demo_session_stop            (BatonDemoSession     *self);

G_END_DECLS
