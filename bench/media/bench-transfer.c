/* bench-transfer.c: how long a transfer takes, through the real service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run inside the test session, with the server binary in BATON_SERVER:
 *
 *   BATON_SERVER=BUILDDIR/src/server/baton-server \
 *     tests/session/baton-test-session BUILDDIR/bench/media/bench-transfer [--runs 20]
 *
 * Three agents of three users in this process, one baton-server on
 * loopback. Each run: Eve calls Tom (answered, both media sessions
 * CONNECTED), then Tom transfers Eve to Cara, whose agent answers as soon as
 * the call rings. Measured from baton_transfer_call_feature_transfer_to_participant()
 * to the transfer TRANSFERRED and both new calls' media CONNECTED (ICE +
 * DTLS up and each side decoding the other's audio: Eve and Cara hear each
 * other). Also reported: until Cara's phone rings, and until TRANSFERRED.
 * All three use the session's default microphone and speaker.
 */
#include <math.h>

#include "baton-call-private.h"
#include "baton-lib-test-util.h"
#include "baton-media-session-private.h"

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  guint i;

  if (values->len == 0)
    return NAN;
  g_array_sort (values, compare_double);
  i = MIN ((guint) (p * (values->len - 1) + 0.5), values->len - 1);
  return g_array_index (values, double, i);
}

static void
print_stat (const char *label,
            GArray     *values)
{
  g_print ("transfer: %s: median %.1f ms, p10 %.1f ms, p90 %.1f ms over %u runs\n",
           label, percentile (values, 0.5), percentile (values, 0.1), percentile (values, 0.9),
           values->len);
}

static gboolean
media_connected (BatonCall *call)
{
  BatonMediaSession *media = call ? baton_call_get_media_session (call) : NULL;

  return media != NULL && baton_media_session_get_state (media) == BATON_MEDIA_STATE_CONNECTED;
}

static void
accepted_cb (BatonTransferCallFeature *feature,
             BatonCall                *call,
             BatonCall               **out)
{
  g_set_object (out, call);
}

/* Before giving up on a wait: what the sockets hold (a Recv-Q that stays
 * full says which side stopped reading) and where the server's threads are,
 * so that a stalled run can be told a client's fault from the service's. */
static BatonTestServer *diag_server;

static void
diagnose (const char *what)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) baton_test_server_get_pid (diag_server));
  g_autofree char *ss = NULL;
  g_autofree char *gdb = NULL;
  const char *ss_argv[] = { "ss", "-tnpi", NULL };
  const char *gdb_argv[] = { "gdb", "-p", pid, "-batch", "-ex", "thread apply all bt 30", NULL };

  g_printerr ("bench-transfer: timed out waiting for %s\n", what);
  g_spawn_sync (NULL, (char **) ss_argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &ss, NULL, NULL, NULL);
  g_printerr ("---- ss -tnpi\n%s", ss ? ss : "");
  g_spawn_sync (NULL, (char **) gdb_argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &gdb, NULL, NULL, NULL);
  g_printerr ("---- the server's threads\n%s", gdb ? gdb : "");
  g_error ("bench-transfer: timed out waiting for %s", what);
}

#define wait_until(cond) G_STMT_START {                                        \
  gint64 _deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;             \
  guint _wake = g_timeout_add (50, test_wake_cb, NULL);                         \
  while (!(cond))                                                               \
    {                                                                           \
      if (g_get_monotonic_time () > _deadline)                                  \
        diagnose (#cond);                                                       \
      g_main_context_iteration (NULL, TRUE);                                    \
    }                                                                           \
  g_source_remove (_wake);                                                      \
} G_STMT_END

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  int runs = 20;
  GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Transfers to time (20)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- Baton transfer benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonTestServer) server = NULL;
  g_autoptr(GArray) ring = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) transferred = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) total = g_array_new (FALSE, FALSE, sizeof (double));
  TestParty *tom, *eve, *cara;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (g_getenv ("BATON_SERVER") == NULL || g_getenv ("BATON_TEST_MIC") == NULL)
    {
      g_printerr ("Run inside the test session with BATON_SERVER set: "
                  "BATON_SERVER=BUILDDIR/src/server/baton-server tests/session/baton-test-session %s\n",
                  argv[0]);
      return 2;
    }

  server = baton_test_server_new ();
  diag_server = server;
  baton_test_server_add_user (server, "tom", "Tom Transferor");
  baton_test_server_add_user (server, "eve", "Eve");
  baton_test_server_add_user (server, "cara", "Cara");
  tom = test_party_new (server, "tom");
  eve = test_party_new (server, "eve");
  cara = test_party_new (server, "cara");

  for (int i = 0; i < runs; i++)
    {
      g_autoptr(BatonTransfer) transfer = NULL;
      g_autoptr(BatonCall) eve_new = NULL;
      g_autoptr(BatonCall) cara_call = NULL;
      BatonCall *eve_call, *tom_call;
      gulong handler;
      guint before;
      gint64 start;
      double ms;

      test_connect_call (eve, tom, &eve_call, &tom_call);
      wait_until (media_connected (eve_call) && media_connected (tom_call));
      handler = g_signal_connect (baton_call_get_transfer_feature (eve_call), "transfer-accepted",
                                  G_CALLBACK (accepted_cb), &eve_new);

      before = cara->incoming->len;
      start = g_get_monotonic_time ();
      transfer = baton_transfer_call_feature_transfer_to_participant (baton_call_get_transfer_feature (tom_call),
                                                                      "cara", FALSE, &error);
      g_assert_no_error (error);

      wait_until (cara->incoming->len > before);
      cara_call = baton_incoming_call_accept (g_ptr_array_index (cara->incoming, cara->incoming->len - 1),
                                              &error);
      g_assert_no_error (error);
      ms = ms_since (start);
      g_array_append_val (ring, ms);

      wait_until (baton_transfer_get_state (transfer) == BATON_TRANSFER_STATE_TRANSFERRED);
      ms = ms_since (start);
      g_array_append_val (transferred, ms);

      wait_until (media_connected (eve_new) && media_connected (cara_call));
      ms = ms_since (start);
      g_array_append_val (total, ms);
      g_printerr ("run %d/%d: %.1f ms\n", i + 1, runs, ms);

      g_signal_handler_disconnect (baton_call_get_transfer_feature (eve_call), handler);
      baton_call_hang_up (cara_call);
      wait_until (baton_call_get_state (eve_new) == BATON_CALL_STATE_DISCONNECTED &&
                       baton_call_get_state (cara_call) == BATON_CALL_STATE_DISCONNECTED &&
                       baton_call_get_state (eve_call) == BATON_CALL_STATE_DISCONNECTED &&
                       baton_call_get_state (tom_call) == BATON_CALL_STATE_DISCONNECTED);
      g_object_unref (eve_call);
      g_object_unref (tom_call);
      test_spin (200);
    }

  print_stat ("transfer_to_participant -> target's phone rings (answered at once)", ring);
  print_stat ("transfer_to_participant -> TRANSFERRED", transferred);
  print_stat ("transfer_to_participant -> TRANSFERRED and transferee and target decoding each other", total);

  test_party_free (cara);
  test_party_free (eve);
  test_party_free (tom);
  baton_test_server_stop (server);

  return 0;
}
