/* test-call-agent.c: connecting, tokens, reconnecting — against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "baton-lib-test-util.h"
#include "baton-call-agent-private.h"

static BatonTestServer *server;

static void
test_connect (void)
{
  g_autofree char *token = baton_test_server_token (server, "alice", 3600);
  g_autoptr(BatonCallClient) client = baton_call_client_new ();
  g_autoptr(BatonTokenCredential) credential = baton_token_credential_new (token);
  g_autoptr(GError) error = NULL;
  BatonCallAgent *agent;
  NotifyCounter accept_count = { 0 };

  agent = test_create_agent (client, credential, baton_test_server_get_uri (server), &error);
  g_assert_no_error (error);
  g_assert_true (BATON_IS_CALL_AGENT (agent));
  g_assert_cmpint (baton_call_agent_get_connection_state (agent), ==, BATON_CONNECTION_STATE_CONNECTED);
  g_assert_cmpint (baton_call_agent_get_disconnect_reason (agent), ==, BATON_DISCONNECT_REASON_NONE);
  g_assert_cmpstr (baton_call_agent_get_user_id (agent), ==, "alice");
  g_assert_cmpstr (baton_call_agent_get_display_name (agent), ==, "Alice Liddell");
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (agent)), ==, 0);
  g_assert_true (g_list_model_get_item_type (baton_call_agent_get_calls (agent)) == BATON_TYPE_CALL);

  /* accept-transfers: default TRUE, notifies only on a real change */
  g_assert_true (baton_call_agent_get_accept_transfers (agent));
  test_count_notify (agent, "accept-transfers", &accept_count);
  baton_call_agent_set_accept_transfers (agent, TRUE);
  g_assert_cmpuint (accept_count.count, ==, 0);
  baton_call_agent_set_accept_transfers (agent, FALSE);
  g_assert_cmpuint (accept_count.count, ==, 1);
  g_object_set (agent, "accept-transfers", FALSE, NULL);
  g_assert_cmpuint (accept_count.count, ==, 1);
  g_assert_false (baton_call_agent_get_accept_transfers (agent));

  baton_call_agent_shutdown (agent);
  g_assert_cmpint (baton_call_agent_get_connection_state (agent), ==, BATON_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpint (baton_call_agent_get_disconnect_reason (agent), ==, BATON_DISCONNECT_REASON_NONE);
  test_spin (50);
  g_assert_finalize_object (agent);
}

static void
test_two_agents (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");

  g_assert_true (baton_call_client_get_device_manager (alice->client) !=
                 baton_call_client_get_device_manager (bob->client));
  g_assert_true (baton_call_client_get_device_manager (alice->client) ==
                 baton_call_client_get_device_manager (alice->client));
  g_assert_cmpstr (baton_call_agent_get_user_id (bob->agent), ==, "bob");

  test_party_free (alice);
  test_party_free (bob);
}

static void
assert_invalid (const char *token)
{
  g_autoptr(BatonCallClient) client = baton_call_client_new ();
  g_autoptr(BatonTokenCredential) credential = baton_token_credential_new (token);
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCallAgent) agent = NULL;
  guint code = 0, subcode = 1;

  agent = test_create_agent (client, credential, baton_test_server_get_uri (server), &error);
  g_assert_null (agent);
  g_assert_error (error, BATON_ERROR, BATON_ERROR_INVALID_TOKEN);
  g_assert_true (baton_error_get_service_code (error, &code, &subcode));
  g_assert_cmpuint (code, ==, 401);
  g_assert_cmpuint (subcode, ==, 0);
}

static void
test_invalid_token (void)
{
  g_autofree char *token = baton_test_server_token (server, "alice", 3600);
  g_autofree char *tampered = NULL;
  gsize len = strlen (token);

  /* a bad signature */
  tampered = g_strdup (token);
  tampered[len - 2] = tampered[len - 2] == 'A' ? 'B' : 'A';
  assert_invalid (tampered);
  /* not a JWT at all */
  assert_invalid ("garbage");
}

static void
test_expired_token (void)
{
  g_autofree char *token = baton_test_server_token (server, "alice", 1);
  g_autoptr(BatonTokenCredential) credential = baton_token_credential_new (token);
  GDateTime *exp = baton_token_credential_get_expires_on (credential);

  /* wait until the token is past its expiry (not a timing assertion) */
  test_wait_until (g_get_real_time () / G_USEC_PER_SEC > g_date_time_to_unix (exp) + 1);
  assert_invalid (token);
}

typedef struct {
  guint n;
  BatonConnectionState old_state, new_state;
  BatonDisconnectReason reason;
} StateChange;

typedef struct {
  gboolean hold;
  gboolean done;
  gboolean ok;
  GError *error;
} OpResult;

static void
state_changed_cb (BatonCallAgent        *agent,
                  BatonConnectionState   old_state,
                  BatonConnectionState   new_state,
                  BatonDisconnectReason  reason,
                  StateChange           *change)
{
  change->n++;
  change->old_state = old_state;
  change->new_state = new_state;
  change->reason = reason;
}

static void
test_token_expires_while_connected (void)
{
  g_autofree char *token = baton_test_server_token (server, "alice", 3);
  g_autoptr(BatonCallClient) client = baton_call_client_new ();
  g_autoptr(BatonTokenCredential) credential = baton_token_credential_new (token);
  g_autoptr(GError) error = NULL;
  BatonCallAgent *agent;
  StateChange change = { 0 };
  NotifyCounter state_count = { 0 }, reason_count = { 0 };

  agent = test_create_agent (client, credential, baton_test_server_get_uri (server), &error);
  g_assert_no_error (error);
  g_signal_connect (agent, "connection-state-changed", G_CALLBACK (state_changed_cb), &change);
  test_count_notify (agent, "connection-state", &state_count);
  test_count_notify (agent, "disconnect-reason", &reason_count);

  test_wait_until (baton_call_agent_get_connection_state (agent) == BATON_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpint (baton_call_agent_get_disconnect_reason (agent), ==, BATON_DISCONNECT_REASON_INVALID_TOKEN);
  g_assert_cmpuint (change.n, ==, 1);
  g_assert_cmpint (change.old_state, ==, BATON_CONNECTION_STATE_CONNECTED);
  g_assert_cmpint (change.new_state, ==, BATON_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpint (change.reason, ==, BATON_DISCONNECT_REASON_INVALID_TOKEN);
  g_assert_cmpuint (state_count.count, ==, 1);
  g_assert_cmpuint (reason_count.count, ==, 1);

  /* no retries: it stays disconnected */
  test_spin (1000);
  g_assert_cmpuint (change.n, ==, 1);
  g_assert_cmpint (baton_call_agent_get_connection_state (agent), ==, BATON_CONNECTION_STATE_DISCONNECTED);

  g_assert_finalize_object (agent);
}

static void
refresh_needed_cb (BatonTokenCredential *credential,
                   guint                *n)
{
  g_autofree char *token = baton_test_server_token (server, "alice", 3600);

  (*n)++;
  baton_token_credential_set_token (credential, token);
}

static void
test_token_refresh (void)
{
  g_autofree char *token = baton_test_server_token (server, "alice", 4);
  g_autoptr(BatonCallClient) client = baton_call_client_new ();
  g_autoptr(BatonTokenCredential) credential = baton_token_credential_new (token);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) first_exp = g_date_time_ref (baton_token_credential_get_expires_on (credential));
  BatonCallAgent *agent;
  StateChange change = { 0 };
  guint refreshes = 0;

  g_signal_connect (credential, "refresh-needed", G_CALLBACK (refresh_needed_cb), &refreshes);
  agent = test_create_agent (client, credential, baton_test_server_get_uri (server), &error);
  g_assert_no_error (error);
  g_signal_connect (agent, "connection-state-changed", G_CALLBACK (state_changed_cb), &change);

  test_wait_until (refreshes == 1);
  g_assert_true (g_date_time_compare (baton_token_credential_get_expires_on (credential), first_exp) > 0);
  /* well past the first token's expiry, the agent is still connected */
  test_wait_until (g_get_real_time () / G_USEC_PER_SEC > g_date_time_to_unix (first_exp) + 2);
  g_assert_cmpuint (change.n, ==, 0);
  g_assert_cmpint (baton_call_agent_get_connection_state (agent), ==, BATON_CONNECTION_STATE_CONNECTED);

  baton_call_agent_shutdown (agent);
  test_spin (50);
  g_assert_finalize_object (agent);
}

static void
test_reconnect (void)
{
  TestProxy *proxy = test_proxy_new (baton_test_server_get_port (server));
  TestParty *alice = test_party_new_full (server, "alice", test_proxy_get_uri (proxy));
  TestParty *bob = test_party_new (server, "bob");
  BatonCall *out, *in;
  StateChange change = { 0 };
  NotifyCounter out_state = { 0 };
  g_autofree char *call_id = NULL;

  g_signal_connect (alice->agent, "connection-state-changed", G_CALLBACK (state_changed_cb), &change);
  test_connect_call (alice, bob, &out, &in);
  call_id = g_strdup (baton_call_get_id (out));
  test_count_notify (out, "state", &out_state);

  /* alice loses her connection; the service keeps her session */
  test_proxy_cut (proxy);

  /* bob holds meanwhile: alice learns it once she is back */
  baton_call_hold_async (in, NULL, NULL, NULL);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_LOCAL_HOLD);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_REMOTE_HOLD);

  /* never reported disconnected, and the call survived */
  g_assert_cmpuint (change.n, ==, 0);
  g_assert_cmpint (baton_call_agent_get_connection_state (alice->agent), ==, BATON_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (baton_call_get_id (out), ==, call_id);
  g_assert_cmpuint (out_state.count, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (alice->agent)), ==, 1);

  /* signaling goes on both ways */
  baton_call_resume_async (in, NULL, NULL, NULL);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_CONNECTED);
  baton_call_hang_up (out);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (in), ==, 0);
  g_assert_cmpuint (baton_call_get_end_subcode (in), ==, 0);

  test_party_free (alice);
  test_party_free (bob);
  test_proxy_free (proxy);
  g_assert_finalize_object (out);
  g_assert_finalize_object (in);
}

/* The service restarts: it has forgotten every session, so the agent
 * reconnects with a new one and, as docs/PROTOCOL.md § 3 says, ends the calls
 * the service no longer knows (410/10008) on both sides. */
static void
op_done_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  OpResult *r = user_data;

  r->ok = r->hold ? baton_call_hold_finish (BATON_CALL (object), result, &r->error)
                  : baton_call_resume_finish (BATON_CALL (object), result, &r->error);
  r->done = TRUE;
}

static void
list_users_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GListModel) users = NULL;
  g_autoptr(GError) error = NULL;
  gboolean *done = user_data;

  users = baton_call_agent_list_users_finish (BATON_CALL_AGENT (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

/* kill -9 of the service mid-call: both agents reconnect and resume their
 * sessions, which the restarted service kept; the call goes on with the same
 * id, and hold and hang-up work through the new process. */
static void
test_server_restart (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  BatonCall *out, *in;
  StateChange change = { 0 };
  g_autofree char *id = NULL;
  OpResult hold = { .hold = TRUE };
  OpResult unhold = { .hold = FALSE };

  g_signal_connect (alice->agent, "connection-state-changed", G_CALLBACK (state_changed_cb), &change);
  test_connect_call (alice, bob, &out, &in);
  id = g_strdup (baton_call_get_id (out));
  g_assert_cmpstr (baton_call_get_id (in), ==, id);

  /* The service stores what changed at its next main-loop iteration
   * (docs/PROTOCOL.md § 3.1): one more round trip, and the answered call is
   * surely on disk before the kill. */
  {
    gboolean listed = FALSE;

    baton_call_agent_list_users_async (alice->agent, NULL, 1, NULL, list_users_done_cb, &listed);
    test_wait_until (listed);
  }

  baton_test_server_kill (server);
  baton_test_server_restart (server);

  /* alice's hold goes out once she has resumed; bob sees it (as an event or
   * in his resume's snapshot) only once he has resumed too */
  for (int attempt = 0; ; attempt++)
    {
      /* a request already on the killed connection fails as lost (the agent
       * had not noticed yet): ask again, as an application would */
      hold.done = FALSE;
      g_clear_error (&hold.error);
      baton_call_hold_async (out, NULL, op_done_cb, &hold);
      test_wait_until (hold.done);
      if ((!g_error_matches (hold.error, BATON_ERROR, BATON_ERROR_CONNECTION) &&
           !g_error_matches (hold.error, BATON_ERROR, BATON_ERROR_NOT_CONNECTED)) || attempt == 3)
        break;
    }
  g_assert_no_error (hold.error);
  g_assert_true (hold.ok);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_REMOTE_HOLD);
  g_assert_cmpint (baton_call_get_state (out), ==, BATON_CALL_STATE_LOCAL_HOLD);
  g_assert_cmpstr (baton_call_get_id (out), ==, id);
  g_assert_cmpstr (baton_call_get_id (in), ==, id);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (alice->agent)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (baton_call_agent_get_calls (bob->agent)), ==, 1);
  g_assert_cmpuint (change.n, ==, 0);
  g_assert_cmpint (baton_call_agent_get_connection_state (alice->agent), ==, BATON_CONNECTION_STATE_CONNECTED);

  baton_call_resume_async (out, NULL, op_done_cb, &unhold);
  test_wait_until (unhold.done);
  g_assert_no_error (unhold.error);
  test_wait_until (baton_call_get_state (in) == BATON_CALL_STATE_CONNECTED);
  g_assert_cmpint (baton_call_get_state (out), ==, BATON_CALL_STATE_CONNECTED);

  /* bob hangs up: alice hears of it from the new process, as a hang-up */
  baton_call_hang_up (in);
  test_wait_until (baton_call_get_state (out) == BATON_CALL_STATE_DISCONNECTED);
  g_assert_cmpuint (baton_call_get_end_code (out), ==, 0);
  g_assert_cmpuint (baton_call_get_end_subcode (out), ==, 0);

  test_party_free (alice);
  test_party_free (bob);
  g_assert_finalize_object (out);
  g_assert_finalize_object (in);
}

static void
test_connection_lost (void)
{
  TestParty *alice = test_party_new (server, "alice");
  StateChange change = { 0 };

  g_signal_connect (alice->agent, "connection-state-changed", G_CALLBACK (state_changed_cb), &change);
  baton_call_agent_set_reconnect_schedule (alice->agent, 50, 200, 4);

  baton_test_server_stop (server);
  test_wait_until (change.n > 0);
  g_assert_cmpuint (change.n, ==, 1);
  g_assert_cmpint (change.new_state, ==, BATON_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpint (change.reason, ==, BATON_DISCONNECT_REASON_CONNECTION_ISSUE);
  g_assert_cmpint (baton_call_agent_get_disconnect_reason (alice->agent), ==,
                   BATON_DISCONNECT_REASON_CONNECTION_ISSUE);

  baton_test_server_restart (server);
  test_party_free (alice);
}

typedef struct {
  BatonCallAgent *agent;
  GError         *error;
  gboolean        done;
} Created;

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Created *c = user_data;

  c->agent = baton_call_client_create_call_agent_finish (BATON_CALL_CLIENT (object), result, &c->error);
  c->done = TRUE;
}

static BatonCallAgent *
create_with_options (BatonTestServer       *tls_server,
                     BatonCallAgentOptions *options,
                     GError               **error)
{
  g_autofree char *token = baton_test_server_token (tls_server, "alice", 600);
  g_autoptr(BatonCallClient) client = baton_call_client_new ();
  g_autoptr(BatonTokenCredential) credential = baton_token_credential_new (token);
  Created c = { 0 };

  baton_call_client_create_call_agent_async (client, credential, options, NULL, created_cb, &c);
  test_wait_until (c.done);
  if (c.error)
    g_propagate_error (error, c.error);
  return c.agent;
}

/* wss:// with a self-signed certificate: refused, unless its CA is given
 * with tls-ca-file */
static void
test_tls_ca_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("baton-tls-XXXXXX", &error);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autoptr(GSubprocess) openssl = NULL;
  g_autoptr(BatonTestServer) tls_server = NULL;
  g_autoptr(BatonCallAgentOptions) options = NULL;
  g_autoptr(BatonCallAgent) refused = NULL;
  BatonCallAgent *agent;
  NotifyCounter ca_notify = { 0 };
  const char *extra[] = { "--tls-certificate", cert, "--tls-private-key", key, NULL };

  g_assert_no_error (error);
  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              "openssl", "req", "-x509", "-newkey", "ec",
                              "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                              "-keyout", key, "-out", cert, "-days", "1",
                              "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                              NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (openssl, NULL, &error));
  g_assert_no_error (error);

  tls_server = baton_test_server_new_full (extra);
  g_assert_true (g_str_has_prefix (baton_test_server_get_uri (tls_server), "wss://"));
  baton_test_server_add_user (tls_server, "alice", NULL);

  options = baton_call_agent_options_new (baton_test_server_get_uri (tls_server));
  refused = create_with_options (tls_server, options, &error);
  g_assert_null (refused);
  g_assert_error (error, BATON_ERROR, BATON_ERROR_CONNECTION);
  g_clear_error (&error);

  test_count_notify (options, "tls-ca-file", &ca_notify);
  baton_call_agent_options_set_tls_ca_file (options, cert);
  baton_call_agent_options_set_tls_ca_file (options, cert);
  g_assert_cmpuint (ca_notify.count, ==, 1);
  g_assert_cmpstr (baton_call_agent_options_get_tls_ca_file (options), ==, cert);

  agent = create_with_options (tls_server, options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (baton_call_agent_get_connection_state (agent), ==, BATON_CONNECTION_STATE_CONNECTED);
  baton_call_agent_shutdown (agent);
  test_spin (50);
  g_assert_finalize_object (agent);

  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
}

typedef struct
{
  GListModel *model;
  guint n_at_signal;
  gboolean listed_at_signal;
} SignalSeen;

static void
incoming_seen_cb (BatonCallAgent    *agent,
                  BatonIncomingCall *incoming,
                  SignalSeen        *seen)
{
  guint n = g_list_model_get_n_items (seen->model);
  g_autoptr(BatonIncomingCall) last = n > 0 ? g_list_model_get_item (seen->model, n - 1) : NULL;

  seen->n_at_signal = n;
  seen->listed_at_signal = last == incoming;
}

/* BatonCallAgent:incoming-calls lists the calls that ring, in arrival order
 * (already when incoming-call is emitted); a call leaves it when the caller
 * hangs up, when it is rejected, and when it is accepted. */
static void
test_incoming_calls (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  TestParty *carol = test_party_new (server, "carol");
  GListModel *ringing = baton_call_agent_get_incoming_calls (bob->agent);
  SignalSeen seen = { ringing, 0, FALSE };
  g_autoptr(GListModel) from_property = NULL;
  g_autoptr(BatonCall) from_alice = NULL;
  g_autoptr(BatonCall) from_carol = NULL;
  g_autoptr(BatonCall) answered = NULL;
  g_autoptr(BatonIncomingCall) first = NULL;
  g_autoptr(BatonIncomingCall) second = NULL;
  g_autoptr(GError) error = NULL;

  g_object_get (bob->agent, "incoming-calls", &from_property, NULL);
  g_assert_true (from_property == ringing);
  g_assert_true (g_list_model_get_item_type (ringing) == BATON_TYPE_INCOMING_CALL);
  g_assert_cmpuint (g_list_model_get_n_items (ringing), ==, 0);
  g_signal_connect (bob->agent, "incoming-call", G_CALLBACK (incoming_seen_cb), &seen);

  /* two callers: both ring, in order */
  from_alice = baton_call_agent_start_call (alice->agent, "bob", &error);
  g_assert_no_error (error);
  test_wait_until (g_list_model_get_n_items (ringing) == 1);
  g_assert_cmpuint (seen.n_at_signal, ==, 1);
  g_assert_true (seen.listed_at_signal);
  from_carol = baton_call_agent_start_call (carol->agent, "bob", &error);
  g_assert_no_error (error);
  test_wait_until (g_list_model_get_n_items (ringing) == 2);
  g_assert_true (seen.listed_at_signal);
  first = g_list_model_get_item (ringing, 0);
  second = g_list_model_get_item (ringing, 1);
  g_assert_cmpstr (baton_incoming_call_get_caller_id (first), ==, "alice");
  g_assert_cmpstr (baton_incoming_call_get_caller_id (second), ==, "carol");

  /* the caller gives up: it leaves */
  baton_call_hang_up (from_alice);
  test_wait_until (g_list_model_get_n_items (ringing) == 1);
  g_clear_object (&first);
  first = g_list_model_get_item (ringing, 0);
  g_assert_true (first == second);

  /* accepted: it leaves, and is a call */
  answered = baton_incoming_call_accept (second, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (ringing), ==, 0);
  test_wait_until (baton_call_get_state (from_carol) == BATON_CALL_STATE_CONNECTED);
  baton_call_hang_up (answered);
  test_wait_until (g_list_model_get_n_items (baton_call_agent_get_calls (carol->agent)) == 0);

  /* rejected: it leaves */
  g_clear_object (&from_alice);
  from_alice = baton_call_agent_start_call (alice->agent, "bob", &error);
  g_assert_no_error (error);
  test_wait_until (g_list_model_get_n_items (ringing) == 1);
  g_clear_object (&first);
  first = g_list_model_get_item (ringing, 0);
  baton_incoming_call_reject (first);
  g_assert_cmpuint (g_list_model_get_n_items (ringing), ==, 0);
  test_wait_until (baton_call_get_state (from_alice) == BATON_CALL_STATE_DISCONNECTED);

  g_signal_handlers_disconnect_by_data (bob->agent, &seen);
  g_clear_object (&first);
  g_clear_object (&second);
  g_clear_object (&answered);
  g_clear_object (&from_alice);
  g_clear_object (&from_carol);
  g_clear_object (&from_property);
  test_party_free (alice);
  test_party_free (bob);
  test_party_free (carol);
}

/* Why a call stopped ringing here: answered by the user's other agent
 * (487/10003), or given up by the caller (487/0); known when "ended" is
 * emitted, notified once, and 0 while it rings or once accepted here. */
static void
test_count_ended_cb (guint *ended)
{
  (*ended)++;
}

static void
test_incoming_end_code (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  TestParty *bob_elsewhere = test_party_new (server, "bob");
  GListModel *ringing = baton_call_agent_get_incoming_calls (bob->agent);
  GListModel *ringing_elsewhere = baton_call_agent_get_incoming_calls (bob_elsewhere->agent);
  NotifyCounter code_notifies = { 0 }, subcode_notifies = { 0 };
  g_autoptr(BatonCall) from_alice = NULL;
  g_autoptr(BatonCall) answered = NULL;
  g_autoptr(BatonIncomingCall) here = NULL;
  g_autoptr(BatonIncomingCall) there = NULL;
  g_autoptr(GError) error = NULL;
  guint ended = 0;

  /* answered on bob's other agent */
  from_alice = baton_call_agent_start_call (alice->agent, "bob", &error);
  g_assert_no_error (error);
  test_wait_until (g_list_model_get_n_items (ringing) == 1 &&
                   g_list_model_get_n_items (ringing_elsewhere) == 1);
  here = g_list_model_get_item (ringing, 0);
  there = g_list_model_get_item (ringing_elsewhere, 0);
  g_assert_cmpuint (baton_incoming_call_get_end_code (here), ==, 0);
  g_assert_cmpuint (baton_incoming_call_get_end_subcode (here), ==, 0);
  test_count_notify (here, "end-code", &code_notifies);
  test_count_notify (here, "end-subcode", &subcode_notifies);
  g_signal_connect_swapped (here, "ended", G_CALLBACK (test_count_ended_cb), &ended);
  answered = baton_incoming_call_accept (there, &error);
  g_assert_no_error (error);
  test_wait_until (ended == 1);
  g_assert_cmpuint (baton_incoming_call_get_end_code (here), ==, 487);
  g_assert_cmpuint (baton_incoming_call_get_end_subcode (here), ==, 10003);
  g_assert_cmpuint (code_notifies.count, ==, 1);
  g_assert_cmpuint (subcode_notifies.count, ==, 1);
  g_assert_cmpuint (baton_incoming_call_get_end_code (there), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ringing), ==, 0);
  baton_call_hang_up (answered);
  test_wait_until (baton_call_get_state (from_alice) == BATON_CALL_STATE_DISCONNECTED);

  /* the caller gives up */
  g_clear_object (&from_alice);
  g_clear_object (&here);
  from_alice = baton_call_agent_start_call (alice->agent, "bob", &error);
  g_assert_no_error (error);
  test_wait_until (g_list_model_get_n_items (ringing) == 1);
  here = g_list_model_get_item (ringing, 0);
  baton_call_hang_up (from_alice);
  test_wait_until (g_list_model_get_n_items (ringing) == 0);
  g_assert_cmpuint (baton_incoming_call_get_end_code (here), ==, 487);
  g_assert_cmpuint (baton_incoming_call_get_end_subcode (here), ==, 0);

  g_clear_object (&here);
  g_clear_object (&there);
  g_clear_object (&answered);
  g_clear_object (&from_alice);
  test_party_free (alice);
  test_party_free (bob_elsewhere);
  test_party_free (bob);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = baton_test_server_new ();
  baton_test_server_add_user (server, "alice", "Alice Liddell");
  baton_test_server_add_user (server, "bob", "Bob");
  baton_test_server_add_user (server, "carol", "Carol");

  g_test_add_func ("/Baton/CallAgent/connect", test_connect);
  g_test_add_func ("/Baton/CallAgent/two-agents", test_two_agents);
  g_test_add_func ("/Baton/CallAgent/incoming-calls", test_incoming_calls);
  g_test_add_func ("/Baton/CallAgent/incoming-end-code", test_incoming_end_code);
  g_test_add_func ("/Baton/CallAgent/invalid-token", test_invalid_token);
  g_test_add_func ("/Baton/CallAgent/expired-token", test_expired_token);
  g_test_add_func ("/Baton/CallAgent/token-expires-while-connected", test_token_expires_while_connected);
  g_test_add_func ("/Baton/CallAgent/token-refresh", test_token_refresh);
  g_test_add_func ("/Baton/CallAgent/reconnect", test_reconnect);
  g_test_add_func ("/Baton/CallAgent/server-restart", test_server_restart);
  g_test_add_func ("/Baton/CallAgent/connection-lost", test_connection_lost);
  g_test_add_func ("/Baton/CallAgent/tls-ca-file", test_tls_ca_file);

  ret = g_test_run ();
  baton_test_server_free (server);
  return ret;
}
