/* test-app-keyring.c: the access token in the user's keyring (libsecret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test starts its own gnome-keyring-daemon (secrets only) on the test
 * session's private D-Bus, with its keyrings in a private XDG_DATA_HOME and
 * the login keyring created and unlocked with a password on its stdin, so
 * nothing asks. GSettings use the keyfile backend, so that what the app
 * remembers survives a restart like on a desktop.
 *
 * Sign in on the welcome page (remembered) → the token is in the keyring,
 * under the server's address; a second `baton` started with no option and
 * no BATON_TOKEN signs in with it (the service rings it); sign out → the
 * token is gone from the keyring.
 */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include <libsecret/secret.h>

#include "baton-app-test.h"

/* What the app stores: the contract for anything reading it back. */
static const SecretSchema token_schema = {
  "io.github.batonphone.Baton.Token", SECRET_SCHEMA_NONE,
  {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static GPid keyring_pid;
static char *tom_token;

static char *
stored_token (void)
{
  g_autoptr(GError) error = NULL;
  char *token = secret_password_lookup_sync (&token_schema, NULL, &error,
                                             "server", baton_test_server_get_uri (T->server), NULL);

  g_assert_no_error (error);
  return token;
}

static gboolean
stored_token_is (const char *expected)
{
  g_autofree char *token = stored_token ();

  if (g_strcmp0 (token, expected) == 0)
    return TRUE;
  baton_app_test_settle (100);
  return FALSE;
}

/* Type the server and the token on the welcome page: signed in, and the
 * token is in the keyring under the server's address. */
static void
test_keyring_stores_token (void)
{
  const char *uri = baton_test_server_get_uri (T->server);
  g_autofree char *before = stored_token ();

  g_assert_null (before);
  tom_token = baton_test_server_token (T->server, "tom", 3600);
  baton_app_test_type (baton_app_test_window (), uri);
  baton_app_test_key (baton_app_test_window (), "Return");
  baton_app_test_type (baton_app_test_window (), tom_token);
  baton_app_test_key (baton_app_test_window (), "Return");
  BATON_WAIT_FOR (baton_app_test_agent () != NULL, 15);
  g_assert_cmpstr (baton_call_agent_get_user_id (baton_app_test_agent ()), ==, "tom");
  BATON_WAIT_FOR (stored_token_is (tom_token), 10);
}

static void
exited_cb (GPid     pid,
           int      status,
           gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  g_spawn_close_pid (pid);
}

/* The app started again, with no option and no BATON_TOKEN, signs in as tom
 * with what it remembered: the server from its settings, the token from the
 * keyring. (Meanwhile this process's app uses another account, without
 * remembering it, so tom is online only through the restarted app.) */
static void
test_keyring_restart (void)
{
  g_autofree char *dave_token = baton_test_server_token (T->server, "dave", 3600);
  const char *argv[] = { g_getenv ("BATON_APP"), NULL };
  g_auto(GStrv) env = g_environ_unsetenv (g_get_environ (), "BATON_TOKEN");
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  g_autoptr(BatonCall) call = NULL;
  g_autoptr(GError) error = NULL;
  gboolean exited = FALSE;
  GPid pid;

  baton_application_sign_in (T->app, baton_test_server_get_uri (T->server), dave_token, FALSE);
  BATON_WAIT_FOR (g_strcmp0 (baton_call_agent_get_user_id (baton_app_test_agent ()), "dave") == 0, 15);
  g_settings_sync ();

  /* Nobody signed in as tom: a call to tom fails (offline). */
  call = baton_call_agent_start_call (alice, "tom", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (baton_call_get_state (call) == BATON_CALL_STATE_DISCONNECTED, 15);
  g_clear_object (&call);

  g_spawn_async (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  g_child_watch_add (pid, exited_cb, &exited);

  /* tom is back online through the restarted app: the call rings there. */
  for (int attempt = 0; call == NULL || baton_call_get_state (call) != BATON_CALL_STATE_RINGING; attempt++)
    {
      g_assert_false (exited);
      g_assert_cmpint (attempt, <, 30);
      g_clear_object (&call);
      call = baton_call_agent_start_call (alice, "tom", &error);
      g_assert_no_error (error);
      BATON_WAIT_FOR (baton_call_get_state (call) == BATON_CALL_STATE_RINGING ||
                      baton_call_get_state (call) == BATON_CALL_STATE_DISCONNECTED, 15);
      if (baton_call_get_state (call) != BATON_CALL_STATE_RINGING)
        baton_app_test_settle (500);
    }
  baton_call_hang_up (call);
  BATON_WAIT_FOR (baton_app_test_n_calls (alice) == 0, 10);

  kill (pid, SIGTERM);
  BATON_WAIT_FOR (exited, 10);
}

/* Sign out: the token leaves the keyring. */
static void
test_keyring_sign_out (void)
{
  g_autofree char *before = stored_token ();

  g_assert_cmpstr (before, ==, tom_token);
  g_action_group_activate_action (G_ACTION_GROUP (T->app), "sign-out", NULL);
  BATON_WAIT_FOR (baton_app_test_agent () == NULL, 10);
  BATON_WAIT_FOR (stored_token_is (NULL), 10);
}

/* gnome-keyring-daemon, secrets only, its login keyring created and unlocked
 * with a password given on stdin; up once it owns org.freedesktop.secrets. */
static void
start_keyring (const char *home)
{
  g_autofree char *control = g_build_filename (home, "keyring-control", NULL);
  const char *argv[] = { "gnome-keyring-daemon", "--foreground", "--components=secrets",
                         "--unlock", "--control-directory", control, NULL };
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  int in_fd;
  gint64 end;

  g_mkdir_with_parents (control, 0700);
  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                            NULL, NULL, &keyring_pid, &in_fd, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (in_fd, "baton-test", 10), ==, 10);
  close (in_fd);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                               "org.freedesktop.DBus", "NameHasOwner",
                                                               g_variant_new ("(s)", "org.freedesktop.secrets"),
                                                               G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                                               -1, NULL, &error);
      gboolean owned = FALSE;

      g_assert_no_error (error);
      g_variant_get (reply, "(b)", &owned);
      if (owned)
        break;
      if (g_get_monotonic_time () > end)
        g_error ("gnome-keyring-daemon did not come up on the session bus");
      g_usleep (50000);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("baton-keyring-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  int status;

  /* Before anything asks GLib for these directories. */
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  baton_app_test_init (&argc, &argv, "tom", "Tom Baker",
                       "alice", "Alice Liddell",
                       "dave", "Dave Davies",
                       NULL);
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  start_keyring (home);

  g_test_add_func ("/Baton/App/keyring-stores-token", test_keyring_stores_token);
  g_test_add_func ("/Baton/App/keyring-restart", test_keyring_restart);
  g_test_add_func ("/Baton/App/keyring-sign-out", test_keyring_sign_out);
  status = baton_app_test_run_full (FALSE);

  kill (keyring_pid, SIGTERM);
  waitpid (keyring_pid, NULL, 0);
  {
    const char *rm[] = { "rm", "-rf", home, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (tom_token);
  return status;
}
