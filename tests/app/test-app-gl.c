/* test-app-gl.c: no GL start-up where GL could only be software (baton-gl.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The decision, given a directory of fake DRM nodes and the environment;
 * then the real `baton` binary under the session's Xvfb: with no render
 * node it shows its window without any GL library in its memory map, and
 * with BATON_GL=1 (GTK decides) the same binary does load GL, so the check
 * sees GL when it is there.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "baton-gl.h"

static const char *gl_variables[] = { "BATON_GL", "GDK_DEBUG", "GSK_RENDERER" };

static void
clear_gl_variables (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (gl_variables); i++)
    g_unsetenv (gl_variables[i]);
}

/* A fresh directory standing for /dev/dri, with these entries: "renderD…"
 * and "card…" as regular files (which root, and a user owning them, can
 * open read-write like a render node) or, ending in '/', as directories
 * (which nobody can open read-write). */
static char *
fake_dri_dir (const char *first,
              ...)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("baton-test-dri-XXXXXX", &error);
  const char *name;
  va_list args;

  g_assert_no_error (error);
  va_start (args, first);
  for (name = first; name != NULL; name = va_arg (args, const char *))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_str_has_suffix (name, "/"))
        g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
      else
        {
          g_file_set_contents (path, "", 0, &error);
          g_assert_no_error (error);
        }
    }
  va_end (args);
  return dir;
}

static void
remove_fake_dri_dir (char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_free (dir);
}

/* Only a render node this user can open counts. */
static void
test_render_node (void)
{
  char *none = fake_dri_dir (NULL, NULL);
  char *card_only = fake_dri_dir ("card0", NULL);
  char *unopenable = fake_dri_dir ("card0", "renderD128/", NULL);
  char *node = fake_dri_dir ("card0", "renderD128", NULL);
  char *second = fake_dri_dir ("renderD128/", "renderD129", NULL);

  g_assert_false (baton_gl_has_render_node (none));
  g_assert_false (baton_gl_has_render_node (card_only));
  g_assert_false (baton_gl_has_render_node (unopenable));
  g_assert_true (baton_gl_has_render_node (node));
  g_assert_true (baton_gl_has_render_node (second));
  g_assert_false (baton_gl_has_render_node ("/nonexistent/baton-test-dri"));

  remove_fake_dri_dir (none);
  remove_fake_dri_dir (card_only);
  remove_fake_dri_dir (unopenable);
  remove_fake_dri_dir (node);
  remove_fake_dri_dir (second);
}

/* Runs the decision with @baton_gl, @gdk_debug, @gsk_renderer set (NULL:
 * unset) and checks what it returned and what it left in the environment. */
static void
check_choice (const char *dri_dir,
              const char *baton_gl,
              const char *gdk_debug,
              const char *gsk_renderer,
              gboolean    expect_off,
              const char *expect_gdk_debug,
              const char *expect_gsk_renderer)
{
  const char *values[] = { baton_gl, gdk_debug, gsk_renderer };

  clear_gl_variables ();
  for (guint i = 0; i < G_N_ELEMENTS (gl_variables); i++)
    if (values[i] != NULL)
      g_setenv (gl_variables[i], values[i], TRUE);

  g_assert_cmpint (baton_gl_choose_for_gtk (dri_dir), ==, expect_off);
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, expect_gdk_debug);
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, expect_gsk_renderer);
  g_assert_cmpstr (g_getenv ("BATON_GL"), ==, baton_gl);
}

/* GL off where there is no render node; GTK decides where there is one;
 * the user's own settings win either way. */
static void
test_decision (void)
{
  char *none = fake_dri_dir ("card0", NULL);
  char *node = fake_dri_dir ("card0", "renderD128", NULL);

  /* Nothing set: the render node decides. */
  check_choice (none, NULL, NULL, NULL, TRUE, "gl-disable", "cairo");
  check_choice (node, NULL, NULL, NULL, FALSE, NULL, NULL);

  /* The user's own GTK settings: untouched. */
  check_choice (none, NULL, "portals", NULL, FALSE, "portals", NULL);
  check_choice (none, NULL, "", NULL, FALSE, "", NULL);
  check_choice (none, NULL, NULL, "gl", FALSE, NULL, "gl");
  check_choice (none, NULL, NULL, "cairo", FALSE, NULL, "cairo");

  /* BATON_GL=1: GTK decides, even without a render node. */
  check_choice (none, "1", NULL, NULL, FALSE, NULL, NULL);

  /* BATON_GL=0: no GL, even with a render node, beside the user's keys. */
  check_choice (node, "0", NULL, NULL, TRUE, "gl-disable", "cairo");
  check_choice (node, "0", "portals", "ngl", TRUE, "portals:gl-disable", "ngl");
  check_choice (node, "0", "gl-disable", NULL, TRUE, "gl-disable", "cairo");

  /* Anything else: said, and GTK decides. */
  g_test_expect_message ("Baton-App", G_LOG_LEVEL_WARNING, "BATON_GL=yes: expected 0*");
  check_choice (none, "yes", NULL, NULL, FALSE, NULL, NULL);
  g_test_assert_expected_messages ();

  clear_gl_variables ();
  remove_fake_dri_dir (none);
  remove_fake_dri_dir (node);
}

static gboolean
window_visible (GPid pid)
{
  g_autofree char *pid_text = g_strdup_printf ("%d", (int) pid);
  const char *argv[] = { "xdotool", "search", "--onlyvisible", "--pid", pid_text, NULL };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    g_error ("xdotool did not run");
  return g_spawn_check_wait_status (status, NULL);
}

/* The GL libraries of the process's memory map, each followed by a space
 * ("" if none). */
static char *
gl_mappings (GPid pid)
{
  static const char *gl_names[] = { "/libGL", "/libEGL", "swrast", "/libLLVM" };
  g_autofree char *path = g_strdup_printf ("/proc/%d/maps", (int) pid);
  g_autofree char *maps = NULL;
  g_auto(GStrv) lines = NULL;
  GString *found = g_string_new (NULL);

  g_assert_true (g_file_get_contents (path, &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    for (guint j = 0; j < G_N_ELEMENTS (gl_names); j++)
      if (strstr (lines[i], gl_names[j]) != NULL)
        {
          const char *file = strchr (lines[i], '/');

          if (strstr (found->str, file) == NULL)
            g_string_append_printf (found, "%s ", file);
          break;
        }
  return g_string_free (found, FALSE);
}

static gboolean
app_name_owned (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean owned;

  g_assert_nonnull (bus);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", APP_ID), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &owned);
  return owned;
}

/* Starts the real app with @baton_gl (NULL: unset) and no GTK variables,
 * waits for its window to show, and returns its GL mappings. (--server to
 * a port nothing listens on: a sign-in that fails after the first frame,
 * no keyring.) */
static char *
run_app_gl_mappings (const char *baton_gl)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_getenv ("BATON_APP"), "--server", "http://127.0.0.1:9", NULL };
  char *found;
  GPid pid;

  g_assert_nonnull (argv[0]);
  for (guint i = 0; i < G_N_ELEMENTS (gl_variables); i++)
    g_subprocess_launcher_unsetenv (launcher, gl_variables[i]);
  if (baton_gl != NULL)
    g_subprocess_launcher_setenv (launcher, "BATON_GL", baton_gl, TRUE);
  g_subprocess_launcher_setenv (launcher, "BATON_TOKEN", "not-a-token", TRUE);

  app = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  pid = atoi (g_subprocess_get_identifier (app));

  for (guint i = 0; !window_visible (pid); i++)
    {
      g_assert_nonnull (g_subprocess_get_identifier (app));  /* still running */
      g_assert_cmpuint (i, <, 300);  /* 30 s */
      g_usleep (100 * 1000);
    }

  found = gl_mappings (pid);
  g_test_message ("BATON_GL=%s: GL mapped: %s", baton_gl ? baton_gl : "(unset)", *found ? found : "none");
  g_subprocess_send_signal (app, SIGTERM);
  g_subprocess_wait (app, NULL, &error);
  g_assert_no_error (error);

  /* Its D-Bus name gone too, so that the next launch is the primary
   * instance again, not a remote one handing over to a dead one */
  for (guint i = 0; app_name_owned (); i++)
    {
      g_assert_cmpuint (i, <, 100);  /* 10 s */
      g_usleep (100 * 1000);
    }
  return found;
}

/* No render node here: the app's window shows, and no GL library is in
 * its memory (on a machine with one, GTK's choice: GL). */
static void
test_app_without_render_node (void)
{
  g_autofree char *found = run_app_gl_mappings (NULL);

  if (baton_gl_has_render_node (BATON_GL_DRI_DIR))
    g_assert_cmpstr (found, !=, "");
  else
    g_assert_cmpstr (found, ==, "");
}

/* BATON_GL=1: GTK decides, and it starts GL (Mesa's, here): the check
 * above would see it. */
static void
test_app_gl_when_asked (void)
{
  g_autofree char *found = run_app_gl_mappings ("1");

  g_assert_cmpstr (found, !=, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Baton/App/gl/render-node", test_render_node);
  g_test_add_func ("/Baton/App/gl/decision", test_decision);
  g_test_add_func ("/Baton/App/gl/app-without-render-node", test_app_without_render_node);
  g_test_add_func ("/Baton/App/gl/app-gl-when-asked", test_app_gl_when_asked);

  return g_test_run ();
}
