/* baton-lib-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "baton-lib-test-util.h"

#include <unistd.h>

/* A diagnostic, off unless BATON_TEST_STALL_DUMP names a directory: a
 * watchdog thread writes every thread's backtrace (gdb attached to this
 * process) to DIR/stall-PID-N.txt whenever the main context has not run for
 * BATON_TEST_STALL_SECONDS (default 4) — for blocks of the main context that
 * no core dump shows. Never changes a test's result. */
static gint64 stall_base_us;
static int stall_heartbeat_ms;   /* atomic, since stall_base_us */

static gboolean
stall_heartbeat_cb (gpointer user_data)
{
  g_atomic_int_set (&stall_heartbeat_ms, (g_get_monotonic_time () - stall_base_us) / 1000);
  return G_SOURCE_CONTINUE;
}

static gpointer
stall_watchdog_thread (gpointer user_data)
{
  const char *dir = user_data;
  const char *seconds = g_getenv ("BATON_TEST_STALL_SECONDS");
  gint64 limit_us = (seconds ? g_ascii_strtoll (seconds, NULL, 10) : 4) * G_USEC_PER_SEC;
  gboolean dumped = FALSE;
  guint n = 0;

  for (;;)
    {
      gint64 beat = stall_base_us + g_atomic_int_get (&stall_heartbeat_ms) * (gint64) 1000;
      gint64 now = g_get_monotonic_time ();

      if (now - beat < limit_us)
        dumped = FALSE;
      else if (!dumped)
        {
          g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
          g_autofree char *name = g_strdup_printf ("stall-%s-%u.txt", pid, n++);
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autofree char *out = NULL;
          const char *argv[] = { "gdb", "-p", pid, "-batch", "-ex", "thread apply all bt 40", NULL };

          dumped = TRUE;
          g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, &out, NULL, NULL, NULL);
          g_file_set_contents (path, out ? out : "", -1, NULL);
          g_printerr ("test: the main context stalled for %.1f s: backtraces in %s\n",
                      (now - beat) / (double) G_USEC_PER_SEC, path);
        }
      g_usleep (250 * 1000);
    }
  return NULL;
}

static void
stall_watchdog_start (void)
{
  static gsize started;
  const char *dir = g_getenv ("BATON_TEST_STALL_DUMP");

  if (dir == NULL || !g_once_init_enter (&started))
    return;
  stall_base_us = g_get_monotonic_time ();
  stall_heartbeat_cb (NULL);
  g_timeout_add (100, stall_heartbeat_cb, NULL);
  g_thread_unref (g_thread_new ("stall-watchdog", stall_watchdog_thread, (gpointer) dir));
  g_once_init_leave (&started, 1);
}

gboolean
test_wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
test_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  BatonCallAgent *agent;
  GError         *error;
  gboolean        done;
} CreateData;

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CreateData *data = user_data;

  data->agent = baton_call_client_create_call_agent_finish (BATON_CALL_CLIENT (object), result,
                                                            &data->error);
  data->done = TRUE;
}

BatonCallAgent *
test_create_agent (BatonCallClient      *client,
                   BatonTokenCredential *credential,
                   const char           *uri,
                   GError              **error)
{
  g_autoptr(BatonCallAgentOptions) options = baton_call_agent_options_new (uri);
  CreateData data = { 0 };

  baton_call_client_create_call_agent_async (client, credential, options, NULL, create_cb, &data);
  test_wait_until (data.done);
  if (data.error)
    g_propagate_error (error, data.error);
  return data.agent;
}

static void
incoming_cb (BatonCallAgent    *agent,
             BatonIncomingCall *incoming,
             TestParty         *party)
{
  g_ptr_array_add (party->incoming, g_object_ref (incoming));
}

TestParty *
test_party_new (BatonTestServer *server,
                const char      *user)
{
  return test_party_new_full (server, user, baton_test_server_get_uri (server));
}

TestParty *
test_party_new_full (BatonTestServer *server,
                     const char      *user,
                     const char      *uri)
{
  TestParty *party = g_new0 (TestParty, 1);
  g_autofree char *token = baton_test_server_token (server, user, 3600);
  g_autoptr(GError) error = NULL;

  stall_watchdog_start ();
  party->user = g_strdup (user);
  party->client = baton_call_client_new ();
  party->credential = baton_token_credential_new (token);
  party->incoming = g_ptr_array_new_with_free_func (g_object_unref);
  party->agent = test_create_agent (party->client, party->credential, uri, &error);
  g_assert_no_error (error);
  g_assert_nonnull (party->agent);
  g_assert_cmpint (baton_call_agent_get_connection_state (party->agent), ==,
                   BATON_CONNECTION_STATE_CONNECTED);
  g_signal_connect (party->agent, "incoming-call", G_CALLBACK (incoming_cb), party);
  return party;
}

BatonIncomingCall *
test_party_wait_incoming (TestParty *party)
{
  test_wait_until (party->incoming->len > 0);
  return g_ptr_array_index (party->incoming, party->incoming->len - 1);
}

void
test_party_free (TestParty *party)
{
  baton_call_agent_shutdown (party->agent);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (party->agent)), ==, 0);
  g_ptr_array_unref (party->incoming);
  /* Let the close frame go out and pending callbacks run. */
  test_spin (50);
  g_assert_finalize_object (party->agent);
  g_assert_finalize_object (party->credential);
  g_assert_finalize_object (party->client);
  g_free (party->user);
  g_free (party);
}

BatonRemoteParticipant *
test_call_get_peer (BatonCall *call)
{
  g_autoptr(BatonRemoteParticipant) peer =
    g_list_model_get_item (baton_call_get_remote_participants (call), 0);

  return peer; /* the call keeps it alive */
}

void
test_connect_call (TestParty  *caller,
                   TestParty  *callee,
                   BatonCall **caller_call,
                   BatonCall **callee_call)
{
  g_autoptr(GError) error = NULL;
  guint before = callee->incoming->len;
  BatonIncomingCall *incoming;
  BatonCall *out, *in;

  out = baton_call_agent_start_call (caller->agent, callee->user, &error);
  g_assert_no_error (error);
  test_wait_until (callee->incoming->len > before);
  incoming = g_ptr_array_index (callee->incoming, callee->incoming->len - 1);
  in = baton_incoming_call_accept (incoming, &error);
  g_assert_no_error (error);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_CONNECTED &&
                   baton_call_get_state (in) == BATON_CALL_STATE_CONNECTED);
  *caller_call = out;
  *callee_call = in;
}

static void
notify_cb (GObject       *object,
           GParamSpec    *pspec,
           NotifyCounter *counter)
{
  counter->count++;
}

void
test_count_notify (gpointer       object,
                   const char    *property,
                   NotifyCounter *counter)
{
  g_autofree char *detailed = g_strconcat ("notify::", property, NULL);

  g_signal_connect (object, detailed, G_CALLBACK (notify_cb), counter);
}

struct _TestProxy
{
  GSocketService *service;
  guint16         target_port;
  char           *uri;
  GPtrArray      *streams; /* GIOStream */
  gboolean        refusing;
};

static void
splice_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_io_stream_splice_finish (result, NULL);
}

static gboolean
proxy_incoming_cb (GSocketService    *service,
                   GSocketConnection *connection,
                   GObject           *source,
                   TestProxy         *proxy)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) upstream = NULL;
  g_autoptr(GError) error = NULL;

  if (proxy->refusing)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }
  upstream = g_socket_client_connect_to_host (client, "127.0.0.1", proxy->target_port, NULL, &error);
  if (upstream == NULL)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }
  g_ptr_array_add (proxy->streams, g_object_ref (connection));
  g_ptr_array_add (proxy->streams, g_object_ref (upstream));
  g_io_stream_splice_async (G_IO_STREAM (connection), G_IO_STREAM (upstream),
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, NULL, splice_cb, NULL);
  return TRUE;
}

TestProxy *
test_proxy_new (guint16 target_port)
{
  TestProxy *proxy = g_new0 (TestProxy, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  proxy->target_port = target_port;
  proxy->streams = g_ptr_array_new_with_free_func (g_object_unref);
  proxy->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (proxy->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &effective, &error);
  g_assert_no_error (error);
  proxy->uri = g_strdup_printf ("ws://127.0.0.1:%u",
                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  g_signal_connect (proxy->service, "incoming", G_CALLBACK (proxy_incoming_cb), proxy);
  g_socket_service_start (proxy->service);
  return proxy;
}

const char *
test_proxy_get_uri (TestProxy *proxy)
{
  return proxy->uri;
}

void
test_proxy_cut (TestProxy *proxy)
{
  for (guint i = 0; i < proxy->streams->len; i++)
    g_socket_shutdown (g_socket_connection_get_socket (g_ptr_array_index (proxy->streams, i)),
                       TRUE, TRUE, NULL);
  g_ptr_array_set_size (proxy->streams, 0);
}

void
test_proxy_set_refusing (TestProxy *proxy,
                         gboolean   refusing)
{
  proxy->refusing = refusing;
}

void
test_proxy_free (TestProxy *proxy)
{
  test_proxy_cut (proxy);
  g_socket_service_stop (proxy->service);
  g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
  g_clear_object (&proxy->service);
  g_ptr_array_unref (proxy->streams);
  g_free (proxy->uri);
  g_free (proxy);
}
