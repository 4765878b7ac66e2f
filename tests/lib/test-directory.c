/* test-directory.c: the service's directory (users.list) and the forwarding
 * settings (forwarding.get/set) through BatonCallAgent — against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "baton-lib-test-util.h"

static BatonTestServer *server;

/* Runs the async operations to completion. */

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GListModel *
list_users (BatonCallAgent  *agent,
            const char      *query,
            guint            limit,
            GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  baton_call_agent_list_users_async (agent, query, limit, NULL, result_cb, &result);
  test_wait_until (result != NULL);
  return baton_call_agent_list_users_finish (agent, result, error);
}

static BatonForwardingSettings *
get_forwarding (BatonCallAgent  *agent,
                GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  baton_call_agent_get_forwarding_async (agent, NULL, result_cb, &result);
  test_wait_until (result != NULL);
  return baton_call_agent_get_forwarding_finish (agent, result, error);
}

static BatonForwardingSettings *
set_forwarding (BatonCallAgent           *agent,
                BatonForwardingSettings  *settings,
                GError                  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  baton_call_agent_set_forwarding_async (agent, settings, NULL, result_cb, &result);
  test_wait_until (result != NULL);
  return baton_call_agent_set_forwarding_finish (agent, result, error);
}

static BatonForwardingSettings *
make_settings (const char *always,
               const char *unanswered,
               guint       timeout)
{
  BatonForwardingSettings *settings = baton_forwarding_settings_new ();

  baton_forwarding_settings_set_always_target (settings, always);
  baton_forwarding_settings_set_unanswered_target (settings, unanswered);
  baton_forwarding_settings_set_unanswered_timeout (settings, timeout);
  return settings;
}

static void
assert_settings (BatonForwardingSettings *settings,
                 const char              *always,
                 const char              *unanswered,
                 guint                    timeout)
{
  g_assert_true (BATON_IS_FORWARDING_SETTINGS (settings));
  g_assert_cmpstr (baton_forwarding_settings_get_always_target (settings), ==, always);
  g_assert_cmpstr (baton_forwarding_settings_get_unanswered_target (settings), ==, unanswered);
  g_assert_cmpuint (baton_forwarding_settings_get_unanswered_timeout (settings), ==, timeout);
}

/* "id=display-name=online" for each user, joined with ", " */
static char *
describe (GListModel *users)
{
  GString *s = g_string_new (NULL);

  g_assert_true (g_list_model_get_item_type (users) == BATON_TYPE_USER);
  for (guint i = 0; i < g_list_model_get_n_items (users); i++)
    {
      g_autoptr(BatonUser) user = g_list_model_get_item (users, i);
      g_autofree char *id = NULL;
      g_autofree char *name = NULL;
      gboolean online;

      /* the properties say the same as the getters */
      g_object_get (user, "id", &id, "display-name", &name, "online", &online, NULL);
      g_assert_cmpstr (id, ==, baton_user_get_id (user));
      g_assert_cmpstr (name, ==, baton_user_get_display_name (user));
      g_assert_cmpint (online, ==, baton_user_get_online (user));

      g_string_append_printf (s, "%s%s=%s=%s", i ? ", " : "", id, name, online ? "on" : "off");
    }
  return g_string_free (s, FALSE);
}

static char *
list_described (BatonCallAgent *agent,
                const char     *query,
                guint           limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) users = list_users (agent, query, limit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (users);
  return describe (users);
}

#define assert_list(agent, query, limit, expected) G_STMT_START { \
  g_autofree char *_got = list_described (agent, query, limit);    \
  g_assert_cmpstr (_got, ==, expected);                            \
} G_STMT_END

static void
test_list_all (void)
{
  TestParty *alice = test_party_new (server, "alice");

  /* every user, in id order; dave has no name and shows his id */
  assert_list (alice->agent, NULL, 0,
               "alice=Alice Liddell=on, bob=Bob Marley=off, carol=Carol Danvers=off, "
               "dave=dave=off, zed.x=Zed=off");
  assert_list (alice->agent, "", 0,
               "alice=Alice Liddell=on, bob=Bob Marley=off, carol=Carol Danvers=off, "
               "dave=dave=off, zed.x=Zed=off");

  test_party_free (alice);
}

static void
test_list_query (void)
{
  TestParty *alice = test_party_new (server, "alice");

  /* by a part of the display name, case-insensitive */
  assert_list (alice->agent, "LIDD", 0, "alice=Alice Liddell=on");
  assert_list (alice->agent, "danv", 0, "carol=Carol Danvers=off");
  /* by a part of the id only ("Zed" has no dot) */
  assert_list (alice->agent, "ed.", 0, "zed.x=Zed=off");
  assert_list (alice->agent, "AV", 0, "dave=dave=off");
  /* id or name: "ar" is in the id "carol" and the name "Bob Marley" */
  assert_list (alice->agent, "ar", 0, "bob=Bob Marley=off, carol=Carol Danvers=off");
  /* nothing matches: an empty list, not an error */
  assert_list (alice->agent, "nobody-at-all", 0, "");

  test_party_free (alice);
}

static void
test_list_limit (void)
{
  TestParty *alice = test_party_new (server, "alice");

  assert_list (alice->agent, NULL, 2, "alice=Alice Liddell=on, bob=Bob Marley=off");
  assert_list (alice->agent, NULL, 1, "alice=Alice Liddell=on");
  assert_list (alice->agent, "a", 2, "alice=Alice Liddell=on, bob=Bob Marley=off");
  /* above the service's maximum (500): capped, not refused */
  assert_list (alice->agent, NULL, 100000,
               "alice=Alice Liddell=on, bob=Bob Marley=off, carol=Carol Danvers=off, "
               "dave=dave=off, zed.x=Zed=off");

  test_party_free (alice);
}

static void
test_list_online (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  TestParty *carol = test_party_new (server, "carol");

  assert_list (alice->agent, NULL, 0,
               "alice=Alice Liddell=on, bob=Bob Marley=on, carol=Carol Danvers=on, "
               "dave=dave=off, zed.x=Zed=off");

  /* bob signs out: he is offline for the next list (the list made before does not change) */
  test_party_free (bob);
  assert_list (alice->agent, NULL, 0,
               "alice=Alice Liddell=on, bob=Bob Marley=off, carol=Carol Danvers=on, "
               "dave=dave=off, zed.x=Zed=off");
  /* carol sees the same */
  assert_list (carol->agent, "o", 0, "bob=Bob Marley=off, carol=Carol Danvers=on");

  test_party_free (alice);
  test_party_free (carol);
}

static void
test_not_connected (void)
{
  TestParty *alice = test_party_new (server, "alice");
  BatonCallAgent *agent = g_object_ref (alice->agent);
  g_autoptr(BatonForwardingSettings) settings = baton_forwarding_settings_new ();
  g_autoptr(BatonForwardingSettings) got = NULL;
  g_autoptr(GListModel) users = NULL;
  g_autoptr(GError) error = NULL;

  baton_call_agent_shutdown (agent);

  users = list_users (agent, NULL, 0, &error);
  g_assert_null (users);
  g_assert_error (error, BATON_ERROR, BATON_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  got = get_forwarding (agent, &error);
  g_assert_null (got);
  g_assert_error (error, BATON_ERROR, BATON_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  got = set_forwarding (agent, settings, &error);
  g_assert_null (got);
  g_assert_error (error, BATON_ERROR, BATON_ERROR_NOT_CONNECTED);

  g_object_unref (agent);
  test_party_free (alice);
}

static void
list_cancelled_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError **out = user_data;
  g_autoptr(GListModel) users = NULL;

  users = baton_call_agent_list_users_finish (BATON_CALL_AGENT (object), result, out);
  g_assert_null (users);
  g_assert_nonnull (*out);
}

static void
test_list_cancelled (void)
{
  TestParty *alice = test_party_new (server, "alice");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  baton_call_agent_list_users_async (alice->agent, NULL, 0, cancellable, list_cancelled_cb, &error);
  g_cancellable_cancel (cancellable);
  test_wait_until (error != NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* the agent goes on working */
  assert_list (alice->agent, "LIDD", 0, "alice=Alice Liddell=on");
  test_party_free (alice);
}

static void
test_settings_object (void)
{
  g_autoptr(BatonForwardingSettings) settings = baton_forwarding_settings_new ();
  NotifyCounter always = { 0 }, unanswered = { 0 }, timeout = { 0 };
  g_autofree char *target = NULL;
  guint seconds = 0;

  assert_settings (settings, NULL, NULL, BATON_FORWARDING_DEFAULT_UNANSWERED_TIMEOUT);
  test_count_notify (settings, "always-target", &always);
  test_count_notify (settings, "unanswered-target", &unanswered);
  test_count_notify (settings, "unanswered-timeout", &timeout);

  baton_forwarding_settings_set_always_target (settings, "bob");
  baton_forwarding_settings_set_always_target (settings, "bob");
  g_assert_cmpuint (always.count, ==, 1);
  /* "" is none */
  baton_forwarding_settings_set_always_target (settings, "");
  g_assert_null (baton_forwarding_settings_get_always_target (settings));
  g_assert_cmpuint (always.count, ==, 2);
  baton_forwarding_settings_set_always_target (settings, NULL);
  g_assert_cmpuint (always.count, ==, 2);

  g_object_set (settings, "unanswered-target", "carol", "unanswered-timeout", 45, NULL);
  g_object_set (settings, "unanswered-target", "carol", "unanswered-timeout", 45, NULL);
  g_assert_cmpuint (unanswered.count, ==, 1);
  g_assert_cmpuint (timeout.count, ==, 1);
  g_object_get (settings, "unanswered-target", &target, "unanswered-timeout", &seconds, NULL);
  g_assert_cmpstr (target, ==, "carol");
  g_assert_cmpuint (seconds, ==, 45);
}

static void
test_forwarding_get_set (void)
{
  TestParty *dave = test_party_new (server, "dave");
  g_autoptr(BatonForwardingSettings) got = NULL;
  g_autoptr(BatonForwardingSettings) want = NULL;
  g_autoptr(BatonForwardingSettings) stored = NULL;
  g_autoptr(GError) error = NULL;
  TestParty *again;

  /* nothing set: the defaults */
  got = get_forwarding (dave->agent, &error);
  g_assert_no_error (error);
  assert_settings (got, NULL, NULL, 20);
  g_clear_object (&got);

  want = make_settings ("bob", "carol", 7);
  stored = set_forwarding (dave->agent, want, &error);
  g_assert_no_error (error);
  g_assert_true (stored != want);
  assert_settings (stored, "bob", "carol", 7);
  g_clear_object (&stored);

  /* stored by the service: read back, from another agent of dave's */
  again = test_party_new (server, "dave");
  got = get_forwarding (again->agent, &error);
  g_assert_no_error (error);
  assert_settings (got, "bob", "carol", 7);
  g_clear_object (&got);
  test_party_free (again);

  /* clear the always target only */
  baton_forwarding_settings_set_always_target (want, NULL);
  stored = set_forwarding (dave->agent, want, &error);
  g_assert_no_error (error);
  assert_settings (stored, NULL, "carol", 7);
  g_clear_object (&stored);

  /* clear everything */
  g_clear_object (&want);
  want = make_settings (NULL, NULL, 20);
  stored = set_forwarding (dave->agent, want, &error);
  g_assert_no_error (error);
  assert_settings (stored, NULL, NULL, 20);
  g_clear_object (&stored);
  got = get_forwarding (dave->agent, &error);
  g_assert_no_error (error);
  assert_settings (got, NULL, NULL, 20);

  test_party_free (dave);
}

static void
test_forwarding_errors (void)
{
  TestParty *dave = test_party_new (server, "dave");
  g_autoptr(BatonForwardingSettings) good = make_settings (NULL, "bob", 12);
  g_autoptr(BatonForwardingSettings) unknown = make_settings ("nobody", NULL, 12);
  g_autoptr(BatonForwardingSettings) self = make_settings (NULL, "dave", 12);
  g_autoptr(BatonForwardingSettings) stored = NULL;
  g_autoptr(GError) error = NULL;
  guint code = 0, subcode = 0;

  stored = set_forwarding (dave->agent, good, &error);
  g_assert_no_error (error);
  g_clear_object (&stored);

  /* an unknown target: 404/0, and nothing changes */
  stored = set_forwarding (dave->agent, unknown, &error);
  g_assert_null (stored);
  g_assert_nonnull (error);
  g_assert_true (error->domain == BATON_ERROR);
  g_assert_true (baton_error_get_service_code (error, &code, &subcode));
  g_assert_cmpuint (code, ==, 404);
  g_assert_cmpuint (subcode, ==, 0);
  g_clear_error (&error);

  /* oneself: 400/10012 */
  stored = set_forwarding (dave->agent, self, &error);
  g_assert_null (stored);
  g_assert_true (baton_error_get_service_code (error, &code, &subcode));
  g_assert_cmpuint (code, ==, 400);
  g_assert_cmpuint (subcode, ==, 10012);
  g_clear_error (&error);

  stored = get_forwarding (dave->agent, &error);
  g_assert_no_error (error);
  assert_settings (stored, NULL, "bob", 12);
  g_clear_object (&stored);

  /* the agent is still fine */
  g_assert_cmpint (baton_call_agent_get_connection_state (dave->agent), ==,
                   BATON_CONNECTION_STATE_CONNECTED);
  g_clear_object (&good);
  good = make_settings (NULL, NULL, 20);
  stored = set_forwarding (dave->agent, good, &error);
  g_assert_no_error (error);

  test_party_free (dave);
}

/* Calls alice → bob; returns who rang (bob or carol) and ends the call. */
static TestParty *
who_rings (TestParty *alice,
           TestParty *bob,
           TestParty *carol)
{
  g_autoptr(BatonCall) call = NULL;
  g_autoptr(GError) error = NULL;
  guint bob_before = bob->incoming->len;
  guint carol_before = carol->incoming->len;
  TestParty *rang;

  call = baton_call_agent_start_call (alice->agent, "bob", &error);
  g_assert_no_error (error);
  test_wait_until (bob->incoming->len > bob_before || carol->incoming->len > carol_before);
  rang = bob->incoming->len > bob_before ? bob : carol;
  g_assert_cmpstr (baton_incoming_call_get_caller_id (test_party_wait_incoming (rang)), ==, "alice");

  baton_call_hang_up (call);
  test_wait_until (baton_call_get_state (call) == BATON_CALL_STATE_DISCONNECTED);
  return rang;
}

static void
test_forwarding_applies (void)
{
  TestParty *alice = test_party_new (server, "alice");
  TestParty *bob = test_party_new (server, "bob");
  TestParty *carol = test_party_new (server, "carol");
  g_autoptr(BatonForwardingSettings) settings = NULL;
  g_autoptr(BatonForwardingSettings) stored = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (who_rings (alice, bob, carol) == bob);

  /* bob forwards everything to carol: alice's call to bob rings carol */
  settings = make_settings ("carol", NULL, 20);
  stored = set_forwarding (bob->agent, settings, &error);
  g_assert_no_error (error);
  g_clear_object (&stored);
  g_assert_true (who_rings (alice, bob, carol) == carol);

  /* cleared: bob rings again */
  baton_forwarding_settings_set_always_target (settings, NULL);
  stored = set_forwarding (bob->agent, settings, &error);
  g_assert_no_error (error);
  g_assert_true (who_rings (alice, bob, carol) == bob);

  test_party_free (alice);
  test_party_free (bob);
  test_party_free (carol);
}

/* The new API through GObject introspection (the typelib the build made). */
#ifdef BATON_TEST_INTROSPECTION
static void
test_introspection (void)
{
  const char *typelib_path = g_getenv ("GI_TYPELIB_PATH");
  g_autofree char *typelib = NULL;
  g_autofree char *token = baton_test_server_token (server, "alice", 3600);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *script =
    "import sys, gi\n"
    "gi.require_version('Baton', '1')\n"
    "from gi.repository import Baton, GLib\n"
    "loop = GLib.MainLoop()\n"
    "res = {}\n"
    "def made(client, r):\n"
    "    res['agent'] = client.create_call_agent_finish(r)\n"
    "    res['agent'].list_users_async('danv', 0, None, listed)\n"
    "def listed(agent, r):\n"
    "    res['users'] = [(u.props.id, u.props.display_name, u.props.online) for u in agent.list_users_finish(r)]\n"
    "    s = Baton.ForwardingSettings.new()\n"
    "    s.props.unanswered_timeout = 33\n"
    "    agent.set_forwarding_async(s, None, stored)\n"
    "def stored(agent, r):\n"
    "    res['timeout'] = agent.set_forwarding_finish(r).props.unanswered_timeout\n"
    "    loop.quit()\n"
    "client = Baton.CallClient.new()\n"
    "client.create_call_agent_async(Baton.TokenCredential.new(sys.argv[1]),\n"
    "    Baton.CallAgentOptions.new(sys.argv[2]), None, made)\n"
    "GLib.timeout_add_seconds(20, loop.quit)\n"
    "loop.run()\n"
    "print(res['users'], res['timeout'])\n"
    "res['agent'].shutdown()\n";
  const char *argv[] = { "/usr/bin/python3", "-c", script, token,
                         baton_test_server_get_uri (server), NULL };

  /* Only registered when the build makes the typelib: missing, it is a failure. */
  typelib = typelib_path ? g_build_filename (typelib_path, "Baton-1.typelib", NULL) : NULL;
  g_assert_nonnull (typelib);
  g_assert_true (g_file_test (typelib, G_FILE_TEST_EXISTS));

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("python failed: %s", err);
  g_assert_cmpstr (out, ==, "[('carol', 'Carol Danvers', False)] 33\n");
  /* and it was really stored */
  {
    TestParty *alice = test_party_new (server, "alice");
    g_autoptr(BatonForwardingSettings) got = get_forwarding (alice->agent, &error);

    g_assert_no_error (error);
    assert_settings (got, NULL, NULL, 33);
    test_party_free (alice);
  }
}
#endif

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = baton_test_server_new ();
  baton_test_server_add_user (server, "alice", "Alice Liddell");
  baton_test_server_add_user (server, "bob", "Bob Marley");
  baton_test_server_add_user (server, "carol", "Carol Danvers");
  baton_test_server_add_user (server, "dave", NULL);
  baton_test_server_add_user (server, "zed.x", "Zed");

  g_test_add_func ("/Baton/Directory/list-all", test_list_all);
  g_test_add_func ("/Baton/Directory/list-query", test_list_query);
  g_test_add_func ("/Baton/Directory/list-limit", test_list_limit);
  g_test_add_func ("/Baton/Directory/list-online", test_list_online);
  g_test_add_func ("/Baton/Directory/list-cancelled", test_list_cancelled);
  g_test_add_func ("/Baton/Directory/not-connected", test_not_connected);
  g_test_add_func ("/Baton/Forwarding/settings-object", test_settings_object);
  g_test_add_func ("/Baton/Forwarding/get-set-clear", test_forwarding_get_set);
  g_test_add_func ("/Baton/Forwarding/errors", test_forwarding_errors);
  g_test_add_func ("/Baton/Forwarding/applies", test_forwarding_applies);
#ifdef BATON_TEST_INTROSPECTION
  g_test_add_func ("/Baton/Forwarding/introspection", test_introspection);
#endif

  ret = g_test_run ();
  baton_test_server_free (server);
  return ret;
}
