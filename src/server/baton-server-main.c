/* baton-server-main.c: entry point and `serve`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "baton-server.h"
#include "baton-server-cli.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/resource.h>

#define SHUTDOWN_WAIT_MS 2000

typedef struct
{
  GMainLoop *loop;
  BatonServer *server;
  guint wait_source;
  gboolean stopping;
  gint64 deadline;           /* monotonic µs: stop waiting for the agents' close frames */
  int test_slow_shutdown_ms; /* tests only: each look at the closing connections takes this long */
} ServeState;

/* After SIGTERM: until every connection has closed, or SHUTDOWN_WAIT_MS have
 * passed by the clock. (It counted its own 50 ms calls instead: with
 * thousands of agents closing at once each main-loop iteration took hundreds
 * of ms, and the "2 s" wait became 15 s.) */
static gboolean
wait_closed_cb (gpointer user_data)
{
  ServeState *st = user_data;

  if (st->test_slow_shutdown_ms > 0)
    g_usleep ((gulong) st->test_slow_shutdown_ms * 1000);
  if (baton_server_open_connections (st->server) == 0 || g_get_monotonic_time () >= st->deadline)
    {
      st->wait_source = 0;
      g_main_loop_quit (st->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
signal_cb (gpointer user_data)
{
  ServeState *st = user_data;

  if (st->stopping)
    return G_SOURCE_CONTINUE;
  st->stopping = TRUE;
  st->deadline = g_get_monotonic_time () + (gint64) SHUTDOWN_WAIT_MS * 1000;
  g_debug ("shutting down");
  baton_server_shutdown (st->server);
  st->wait_source = g_timeout_add (50, wait_closed_cb, st);
  return G_SOURCE_CONTINUE;
}

/* Each agent costs the service a descriptor (and each event shard three):
 * take the hard limit on open files, not the soft one (often 1,024). */
static void
raise_file_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &rl) != 0)
        g_debug ("cannot raise the open-file limit: %s", g_strerror (errno));
    }
}

int
baton_cli_serve (int    argc,
                 char **argv)
{
  g_autofree char *listen = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *crash_after = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  double time_scale = 1.0;
  int io_shards = -1;
  int test_slow_start_ms = 0;
  ServeState st = { 0 };
  guint sigterm, sigint;
  GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address to listen on (default 127.0.0.1:8480)", "HOST:PORT" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory", "DIR" },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &cert, "TLS certificate (PEM)", "PEM" },
    { "tls-private-key", 0, 0, G_OPTION_ARG_FILENAME, &key, "TLS private key (PEM)", "PEM" },
    /* test knob (PROTOCOL.md § 7.3): multiplies the protocol timeouts */
    { "time-scale", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_DOUBLE, &time_scale, NULL, NULL },
    { "io-shards", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &io_shards, NULL, NULL },
    /* test knob: SIGKILL right after answering a request of this type */
    { "crash-after", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &crash_after, NULL, NULL },
    /* test knob: after SIGTERM, each look at the closing connections takes
     * this many ms longer (a main loop kept busy by thousands of closes) */
    { "test-slow-shutdown", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &st.test_slow_shutdown_ms, NULL, NULL },
    /* test knob: the start takes this many ms longer between loading the
     * store and listening (a slow machine setting up 1,024 shards) */
    { "test-slow-start", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &test_slow_start_ms, NULL, NULL },
    { NULL }
  };

  ctx = g_option_context_new ("- run the calling service");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("baton-server serve: %s\n", error->message);
      return BATON_EXIT_USAGE;
    }
  if (argc != 1)
    {
      g_printerr ("baton-server serve: unexpected argument '%s'\n", argv[1]);
      return BATON_EXIT_USAGE;
    }
  if (data_dir == NULL)
    {
      g_printerr ("baton-server serve: --data-dir is required\n");
      return BATON_EXIT_USAGE;
    }
  if (time_scale <= 0 || time_scale > 100)
    {
      g_printerr ("baton-server serve: --time-scale must be in (0, 100]\n");
      return BATON_EXIT_USAGE;
    }
  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      g_printerr ("baton-server serve: cannot create %s: %s\n", data_dir, g_strerror (errno));
      return BATON_EXIT_FAILURE;
    }

  raise_file_limit ();
  st.server = baton_server_new (data_dir, time_scale, &error);
  if (st.server == NULL)
    {
      g_printerr ("baton-server serve: %s\n", error->message);
      return BATON_EXIT_FAILURE;
    }
  if (crash_after)
    baton_server_set_crash_after (st.server, crash_after);
  if (io_shards >= 0)
    baton_server_set_io_shards (st.server, (guint) MIN (io_shards, 4096));
  if (test_slow_start_ms > 0)
    g_usleep ((gulong) test_slow_start_ms * 1000);
  if (!baton_server_listen (st.server, listen ? listen : "127.0.0.1:8480", cert, key, &uri, &error))
    {
      g_printerr ("baton-server serve: cannot listen on %s: %s\n",
                  listen ? listen : "127.0.0.1:8480", error->message);
      baton_server_free (st.server);
      return BATON_EXIT_FAILURE;
    }

  st.loop = g_main_loop_new (NULL, FALSE);
  sigterm = g_unix_signal_add (SIGTERM, signal_cb, &st);
  sigint = g_unix_signal_add (SIGINT, signal_cb, &st);

  printf ("listening on %s\n", uri);
  fflush (stdout);

  g_main_loop_run (st.loop);

  g_source_remove (sigterm);
  g_source_remove (sigint);
  g_clear_handle_id (&st.wait_source, g_source_remove);
  baton_server_free (st.server);
  g_main_loop_unref (st.loop);
  return BATON_EXIT_OK;
}

int
main (int   argc,
      char *argv[])
{
  return baton_cli_run (argc, argv);
}
