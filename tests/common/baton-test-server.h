/* baton-test-server.h: run the real baton-server from C tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The binary is taken from the environment variable BATON_SERVER. Every
 * function asserts (g_assert / g_error) on failure, so tests stay short.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BatonTestServer BatonTestServer;

/* Starts `baton-server serve --listen 127.0.0.1:0 --data-dir TMP` in a fresh
 * temporary data dir and waits for its "listening on" line. */
BatonTestServer *baton_test_server_new            (void);
/* Same, with extra arguments appended to the serve command line (NULL-terminated),
 * e.g. { "--time-scale", "0.1", NULL }. */
BatonTestServer *baton_test_server_new_full       (const char * const *extra_serve_args);

/* "ws://127.0.0.1:PORT" (or wss://) */
const char      *baton_test_server_get_uri        (BatonTestServer *self);
guint16          baton_test_server_get_port       (BatonTestServer *self);
const char      *baton_test_server_get_data_dir   (BatonTestServer *self);
GPid             baton_test_server_get_pid        (BatonTestServer *self);

/* Run the CLI against the data dir (works while the server runs). */
void             baton_test_server_add_user       (BatonTestServer *self,
                                                   const char      *id,
                                                   const char      *display_name);
char            *baton_test_server_token          (BatonTestServer *self,
                                                   const char      *user,
                                                   gint64           ttl_seconds);
/* Sets exactly these settings (earlier ones are cleared): always / unanswered
 * may be NULL (no target); after_seconds <= 0 means the default 20 s. */
void             baton_test_server_set_forwarding (BatonTestServer *self,
                                                   const char      *user,
                                                   const char      *always,
                                                   const char      *unanswered,
                                                   int              after_seconds);
/* Runs `baton-server ARGS… --data-dir DIR`; returns the exit status, stdout and stderr. */
int              baton_test_server_run_cli        (BatonTestServer    *self,
                                                   const char * const *args,
                                                   char              **out_stdout,
                                                   char              **out_stderr);

/* SIGTERM and wait for the exit (asserts a clean exit status 0). */
void             baton_test_server_stop           (BatonTestServer *self);
/* SIGKILL and wait. */
void             baton_test_server_kill           (BatonTestServer *self);
/* Stop (if running) and start again on the same port and data dir. */
void             baton_test_server_restart        (BatonTestServer *self);
gboolean         baton_test_server_is_running     (BatonTestServer *self);

/* Stops the server if running and deletes the data dir. */
void             baton_test_server_free           (BatonTestServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BatonTestServer, baton_test_server_free)

G_END_DECLS
