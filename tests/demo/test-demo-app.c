/* test-demo-app.c: the real `baton --demo` program in the test session — it
 * starts the service and the demo contacts, signs in as "me", and leaves
 * nothing running when it quits or is killed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "baton-demo-test.h"
#include "baton-test-client.h"

static const char *everybody[] = { "me", "echo", "alice", "bob", "carol", "dave", "erin", "frank" };

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint wake = g_timeout_add (10, wake_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
demo_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "baton", "demo", NULL);
}

static GSubprocess *
start_app (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  GSubprocess *app;

  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  app = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("BATON_APP"), "--demo", NULL);
  g_assert_no_error (error);
  return app;
}

/* The service is up (DATA_DIR/server-uri), and its directory shows the local
 * user — signed in by the app — and every demo contact online. */
static void
wait_all_online (void)
{
  g_autofree char *dir = demo_dir ();
  g_autofree char *uri_path = g_build_filename (dir, "server-uri", NULL);
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *uri = NULL;
      g_autofree char *token = NULL;
      const char *add_argv[] = { g_getenv ("BATON_SERVER"), "user", "add", "observer", "--data-dir", dir, NULL };
      const char *argv[] = { g_getenv ("BATON_SERVER"), "token", "observer", "--ttl", "60", "--data-dir", dir, NULL };
      guint n_online = 0;

      if (g_get_monotonic_time () > end)
        g_error ("the demo contacts and 'me' were not all online within 60 s");
      spin (250);
      if (!g_file_get_contents (uri_path, &uri, NULL, NULL))
        continue;
      g_strstrip (uri);
      /* An observer of our own (it fails harmlessly once it exists), so that
       * "me" online means the app. */
      g_spawn_sync (NULL, (char **) add_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, NULL, NULL, NULL, NULL);
      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &token, NULL, NULL, NULL) ||
          token == NULL || *g_strstrip (token) == '\0')
        continue;

      {
        BatonTestClient *client = btc_new_registered (uri, token);
        g_autoptr(JsonObject) reply = btc_ok (client, "{'type':'users.list'}");
        JsonArray *users = json_object_get_array_member (reply, "users");

        for (guint i = 0; i < json_array_get_length (users); i++)
          {
            JsonObject *user = json_array_get_object_element (users, i);

            for (guint k = 0; k < G_N_ELEMENTS (everybody); k++)
              if (g_str_equal (json_object_get_string_member (user, "id"), everybody[k]) &&
                  json_object_get_boolean_member (user, "online"))
                n_online++;
          }
        btc_free (client);
      }
      if (n_online == G_N_ELEMENTS (everybody))
        break;
    }
}

static guint
count_demo_processes (void)
{
  g_autofree char *dir = demo_dir ();
  g_autofree char *needle = g_strconcat ("--data-dir ", dir, NULL);

  return demo_count_processes (needle);
}

static gboolean
app_signed_in (void)
{
  g_autofree char *dir = demo_dir ();
  g_autofree char *uri_path = g_build_filename (dir, "server-uri", NULL);

  return g_file_test (uri_path, G_FILE_TEST_EXISTS);
}

static void
wait_exit (GSubprocess *app,
           guint        seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (g_subprocess_get_identifier (app) != NULL)
    {
      if (g_get_monotonic_time () > end)
        g_error ("baton did not exit within %u s", seconds);
      spin (20);
    }
}

/* `baton --demo`, then Quit (the app.quit action, as Ctrl+Q): the server
 * and the bots stop with it. */
static void
test_demo_then_quit (void)
{
  g_autoptr(GSubprocess) app = start_app ();
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  wait_all_online ();
  g_assert_true (app_signed_in ());
  g_assert_cmpuint (count_demo_processes (), ==, 2);

  reply = g_dbus_connection_call_sync (bus, "io.github.batonphone.Baton", "/io/github/batonphone/Baton",
                                       "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", "quit", NULL, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
  wait_exit (app, 30);
  g_assert_true (g_subprocess_get_if_exited (app));
  g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 0);
  g_assert_cmpuint (count_demo_processes (), ==, 0);
  g_assert_false (app_signed_in ());
}

/* The app is killed (SIGKILL, as a crash): the server and the bots go too. */
static void
test_demo_then_crash (void)
{
  g_autoptr(GSubprocess) app = start_app ();
  gint64 end;

  wait_all_online ();
  g_assert_cmpuint (count_demo_processes (), ==, 2);
  g_subprocess_force_exit (app);
  wait_exit (app, 10);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (count_demo_processes () > 0)
    {
      if (g_get_monotonic_time () > end)
        g_error ("demo processes left 10 s after the app was killed");
      spin (50);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Baton/Demo/app/demo-then-quit", test_demo_then_quit);
  g_test_add_func ("/Baton/Demo/app/demo-then-crash", test_demo_then_crash);
  return g_test_run ();
}
