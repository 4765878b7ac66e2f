/* bench-app.c: the app's launch to first frame, and memory at rest, next to
 * GNOME Calls measured the same way in the same run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run inside the test session (Xvfb, D-Bus, PipeWire with virtual devices):
 *
 *   tests/session/baton-test-session BUILDDIR/bench/app/bench-app \
 *       [--runs 7] [--baton BUILDDIR/src/app/baton] [--gnome-calls /usr/bin/gnome-calls]
 *
 * BATON_SERVER names the baton-server binary and GSETTINGS_SCHEMA_DIR a
 * directory with Baton's compiled schema (meson's benchmark() sets both).
 *
 * Both apps are measured from outside, the same way:
 *
 * - first frame: this program watches the X server. Every top-level window
 *   created gets an XDamage object at once (before it can be drawn); the
 *   first damage on a mapped window of the launched process (its
 *   _NET_WM_PID) whose contents are no longer a single colour is the first
 *   drawn frame. Time from just before fork() to that event.
 * - memory: /proc/PID/smaps_rollup of the app's process: PSS (shared pages
 *   divided among the processes sharing them) and USS (its private pages),
 *   after a few idle seconds: once without calls, once with two calls;
 *   Baton also once more five seconds after both calls ended.
 * - CPU at rest: the app's CPU time (/proc/PID/stat, all threads) over the
 *   few seconds after each memory reading, as a share of one core.
 *
 * Two calls, Baton: a real baton-server, the app signed in with --server
 * and BATON_TOKEN; two peers (SDK agents in this process, audiotestsrc /
 * fakesink) call it and the app accepts each through its exported action
 * app.accept-call (what the notification's Accept button does); each call
 * carries real audio both ways (WebRTC, the session's virtual devices).
 * Two calls, GNOME Calls: its dummy provider (`-p dummy`), two outgoing
 * calls dialled with `gnome-calls --dial tel:…` (the running instance gets
 * them); the dummy calls become active by themselves and carry no audio.
 *
 * A third row, the floor: this program with --floor, an empty libadwaita
 * window of Baton's size — what any GTK 4 app costs here (Debian 12's GNOME
 * Calls 44 is still a GTK 3 + libhandy app). With --floor-no-gl it runs
 * without GL (GDK_DEBUG=gl-disable, GSK_RENDERER=cairo), as Baton does by
 * itself where there is no GPU render node (src/app/baton-gl.c).
 *
 * Apps alternate run by run (Baton, Calls, floor, Baton, …) so that load on
 * the shared machine falls on all alike; one discarded warm-up run each first.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib-unix.h>
#include <math.h>
#include <gst/gst.h>
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xdamage.h>

#include <baton.h>

#include "baton-test-server.h"

#define APP_ID "io.github.batonphone.Baton"
#define SETTLE_MS 3000

typedef enum { APP_BATON, APP_CALLS, APP_FLOOR, APP_OTHER, N_APPS } AppKind;

/* APP_OTHER: a second Baton binary (--other), e.g. the previous commit's
 * build, measured in the same rotation so that a change is compared with
 * what it changes under the same load. */
static const char *app_names[N_APPS] = { "Baton", "GNOME Calls", "GTK 4 floor", "Baton other" };

typedef struct
{
  double first_frame_ms;
  double mapped_ms;
  double pss_idle_kb, uss_idle_kb, dirty_idle_kb;
  double pss_calls_kb, uss_calls_kb, dirty_calls_kb;
  double pss_after_kb, uss_after_kb, dirty_after_kb; /* Baton: at rest again, both calls ended */
  double cpu_idle_pct, cpu_calls_pct; /* % of one core while at rest */
} Sample;

/* ------------------------------------------------------------------------ */
/* Watching the X server */

typedef struct
{
  Window window;
  Damage damage;
  gboolean mapped;
} Watched;

static struct
{
  Display *dpy;
  Window root;
  Atom net_wm_pid;
  int damage_event;
  GHashTable *windows;          /* Window → Watched */
  GPid pid;                     /* the app being launched */
  gint64 t0, t_map, t_frame;    /* monotonic µs; 0 = not yet */
} X;

static gboolean verbose;
static char *renderer;
static gboolean floor_no_gl;    /* --floor-no-gl */
static char *smaps_dir;         /* --smaps-dir: copies of /proc/PID/smaps */
static char *smaps_stem;        /* the copy's name: STEM-idle.smaps, STEM-calls.smaps */

static int
x_error_cb (Display     *dpy,
            XErrorEvent *event)
{
  /* Windows come and go (a destroyed window's damage, an image of an
   * unviewable window): not ours to worry about. */
  return 0;
}

static gboolean
window_of_pid (Window window)
{
  Atom type;
  int format;
  unsigned long n, after;
  unsigned char *data = NULL;
  gboolean ours = FALSE;

  if (XGetWindowProperty (X.dpy, window, X.net_wm_pid, 0, 1, False, XA_CARDINAL,
                          &type, &format, &n, &after, &data) == Success &&
      data != NULL && n == 1 && format == 32)
    ours = (GPid) *(unsigned long *) data == X.pid;
  if (data != NULL)
    XFree (data);
  return ours;
}

/* Has the app drawn into it: more than one colour in the window? */
static gboolean
window_drawn (Window window)
{
  XWindowAttributes attrs;
  XImage *image;
  unsigned long first;
  gboolean drawn = FALSE;

  if (!XGetWindowAttributes (X.dpy, window, &attrs) || attrs.map_state != IsViewable ||
      attrs.width < 32 || attrs.height < 32)
    return FALSE;
  image = XGetImage (X.dpy, window, 0, 0, attrs.width, attrs.height, AllPlanes, ZPixmap);
  if (image == NULL)
    return FALSE;
  first = XGetPixel (image, 0, 0);
  for (int y = 0; y < attrs.height && !drawn; y += 2)
    for (int x = 0; x < attrs.width; x += 2)
      if ((unsigned long) XGetPixel (image, x, y) != first)
        {
          drawn = TRUE;
          break;
        }
  XDestroyImage (image);
  return drawn;
}

static void
x_process_events (void)
{
  while (XPending (X.dpy) > 0)
    {
      XEvent event;
      gint64 now;

      XNextEvent (X.dpy, &event);
      now = g_get_monotonic_time ();
      if (event.type == CreateNotify && event.xcreatewindow.parent == X.root)
        {
          Watched *w = g_new0 (Watched, 1);

          w->window = event.xcreatewindow.window;
          w->damage = XDamageCreate (X.dpy, w->window, XDamageReportNonEmpty);
          g_hash_table_replace (X.windows, GSIZE_TO_POINTER (w->window), w);
        }
      else if (event.type == DestroyNotify)
        g_hash_table_remove (X.windows, GSIZE_TO_POINTER (event.xdestroywindow.window));
      else if (event.type == MapNotify)
        {
          Watched *w = g_hash_table_lookup (X.windows, GSIZE_TO_POINTER (event.xmap.window));

          if (w == NULL)
            continue;
          w->mapped = TRUE;
          if (X.pid != 0 && X.t_map == 0 && window_of_pid (w->window))
            X.t_map = now;
        }
      else if (event.type == UnmapNotify)
        {
          Watched *w = g_hash_table_lookup (X.windows, GSIZE_TO_POINTER (event.xunmap.window));

          if (w != NULL)
            w->mapped = FALSE;
        }
      else if (event.type == X.damage_event + XDamageNotify)
        {
          XDamageNotifyEvent *de = (XDamageNotifyEvent *) &event;
          Watched *w = g_hash_table_lookup (X.windows, GSIZE_TO_POINTER (de->drawable));

          XDamageSubtract (X.dpy, de->damage, None, None);
          if (w == NULL || !w->mapped || X.pid == 0 || X.t_frame != 0)
            continue;
          if (window_of_pid (w->window) && window_drawn (w->window))
            {
              X.t_frame = now;
              if (verbose)
                g_printerr ("  first frame in 0x%lx after %.1f ms (damage %dx%d)\n", w->window,
                            (now - X.t0) / 1000.0, de->area.width, de->area.height);
            }
        }
    }
  XFlush (X.dpy);
}

static gboolean
x_fd_cb (int          fd,
         GIOCondition condition,
         gpointer     user_data)
{
  x_process_events ();
  return G_SOURCE_CONTINUE;
}

static void
watched_free (gpointer data)
{
  Watched *w = data;

  XDamageDestroy (X.dpy, w->damage);
  g_free (w);
}

static void
x_init (void)
{
  int error_base;

  X.dpy = XOpenDisplay (NULL);
  if (X.dpy == NULL)
    g_error ("cannot open the X display (run inside tests/session/baton-test-session)");
  if (!XDamageQueryExtension (X.dpy, &X.damage_event, &error_base))
    g_error ("the X server has no DAMAGE extension");
  XSetErrorHandler (x_error_cb);
  X.root = DefaultRootWindow (X.dpy);
  X.net_wm_pid = XInternAtom (X.dpy, "_NET_WM_PID", False);
  X.windows = g_hash_table_new_full (NULL, NULL, NULL, watched_free);
  XSelectInput (X.dpy, X.root, SubstructureNotifyMask);
  XFlush (X.dpy);
  g_unix_fd_add (ConnectionNumber (X.dpy), G_IO_IN, x_fd_cb, NULL);
}

/* ------------------------------------------------------------------------ */
/* Helpers */

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

#define WAIT_FOR(cond, seconds, what)                                           \
  G_STMT_START {                                                               \
    gint64 _end = g_get_monotonic_time () + (gint64) (seconds) * G_USEC_PER_SEC; \
    while (!(cond))                                                            \
      {                                                                        \
        if (g_get_monotonic_time () > _end)                                    \
          g_error ("timed out after %d s waiting for %s", (int) (seconds), what); \
        spin (10);                                                             \
      }                                                                        \
  } G_STMT_END

static void
read_memory (GPid    pid,
             double *pss_kb,
             double *uss_kb,
             double *dirty_kb,
             const char *when)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/smaps_rollup", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  double private_clean = 0, private_dirty = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("cannot read %s (did the app exit?)", path);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "Pss:"))
        *pss_kb = g_ascii_strtod (lines[i] + 4, NULL);
      else if (g_str_has_prefix (lines[i], "Private_Clean:"))
        private_clean = g_ascii_strtod (lines[i] + 14, NULL);
      else if (g_str_has_prefix (lines[i], "Private_Dirty:"))
        private_dirty = g_ascii_strtod (lines[i] + 14, NULL);
    }
  *uss_kb = private_clean + private_dirty;
  *dirty_kb = private_dirty;
  if (smaps_dir != NULL && smaps_stem != NULL)
    {
      g_autofree char *smaps_path = g_strdup_printf ("/proc/%d/smaps", pid);
      g_autofree char *smaps = NULL;
      g_autofree char *copy = g_strdup_printf ("%s/%s-%s.smaps", smaps_dir, smaps_stem, when);
      gsize length;

      if (g_file_get_contents (smaps_path, &smaps, &length, NULL))
        g_file_set_contents (copy, smaps, length, NULL);
    }
  if (verbose)
    {
      g_autofree char *maps_path = g_strdup_printf ("/proc/%d/maps", pid);
      g_autofree char *maps = NULL;

      g_file_get_contents (maps_path, &maps, NULL, NULL);
      g_printerr ("  pid %d: %s\n", pid,
                  maps != NULL && strstr (maps, "swrast_dri") != NULL ? "GL (Mesa swrast/llvmpipe) loaded" : "no GL driver loaded");
    }
}

/* The process's CPU time (user + system, all threads), in seconds. */
static double
cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after_comm = strrchr (text, ')')) == NULL)
    return NAN;
  /* After the command: state (field 3) … utime (14), stime (15). */
  fields = g_strsplit (after_comm + 2, " ", 14);
  if (g_strv_length (fields) < 14)
    return NAN;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

/* Waits @ms and returns the share of one core that @pid used meanwhile. */
static double
spin_measuring_cpu (GPid pid,
                    guint ms)
{
  double before = cpu_seconds (pid);
  gint64 start = g_get_monotonic_time ();

  spin (ms);
  return 100.0 * (cpu_seconds (pid) - before) / ((g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

static gboolean
process_gone (GPid pid)
{
  int status;

  return waitpid (pid, &status, WNOHANG) == pid;
}

static void
stop_process (GPid pid)
{
  kill (pid, SIGTERM);
  for (int i = 0; i < 200; i++)
    {
      if (process_gone (pid))
        return;
      g_usleep (25000);
    }
  g_printerr ("  pid %d did not stop on SIGTERM within 5 s: killed\n", pid);
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
}

/* Fresh data, config and state for each launch (no history, no call
 * records); the session's cache is kept, as on a desktop (a fresh one would
 * rebuild GStreamer's plugin registry at every launch). The same settings
 * backend for both apps, no debugging aids of the test session. */
static char **
launch_env (const char *home)
{
  char **env = g_get_environ ();
  const char *dirs[][2] = {
    { "XDG_DATA_HOME", "data" }, { "XDG_CONFIG_HOME", "config" },
    { "XDG_STATE_HOME", "state" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *dir = g_build_filename (home, dirs[i][1], NULL);

      g_mkdir_with_parents (dir, 0700);
      env = g_environ_setenv (env, dirs[i][0], dir, TRUE);
    }
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  if (renderer != NULL)
    env = g_environ_setenv (env, "GSK_RENDERER", renderer, TRUE);
  env = g_environ_unsetenv (env, "MALLOC_CHECK_");
  env = g_environ_unsetenv (env, "G_DEBUG");
  env = g_environ_unsetenv (env, "G_MESSAGES_DEBUG");
  return env;
}

static GPid
spawn (const char * const *argv,
       char              **env,
       gboolean            timed)
{
  g_autoptr(GError) error = NULL;
  GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH;
  GPid pid;

  if (!verbose)
    flags |= G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL;
  if (timed)
    {
      X.pid = 0;
      X.t_map = X.t_frame = 0;
      x_process_events ();
      X.t0 = g_get_monotonic_time ();
    }
  if (!g_spawn_async (NULL, (char **) argv, env, flags, NULL, NULL, &pid, &error))
    g_error ("cannot start %s: %s", argv[0], error->message);
  if (timed)
    X.pid = pid;
  return pid;
}

static void
wait_first_frame (GPid   pid,
                  Sample *sample)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  /* Windows created before the pid was known are matched on the first
   * damage (their _NET_WM_PID is read then); those mapped before it, too. */
  while (X.t_frame == 0)
    {
      if (g_get_monotonic_time () > end)
        g_error ("no frame from pid %d within 60 s", pid);
      if (process_gone (pid))
        g_error ("pid %d exited before drawing", pid);
      g_main_context_iteration (NULL, TRUE);
    }
  sample->first_frame_ms = (X.t_frame - X.t0) / 1000.0;
  sample->mapped_ms = X.t_map != 0 ? (X.t_map - X.t0) / 1000.0 : -1;
}

/* Launches @argv, times its first frame, lets it settle and reads its
 * memory at rest: what every app goes through first. */
static GPid
launch_to_rest (const char * const *argv,
                char              **env,
                Sample             *sample)
{
  GPid pid = spawn (argv, env, TRUE);

  wait_first_frame (pid, sample);
  spin (SETTLE_MS);
  read_memory (pid, &sample->pss_idle_kb, &sample->uss_idle_kb, &sample->dirty_idle_kb, "idle");
  /* Then the CPU it uses at rest (none, ideally: an idle window draws
   * nothing), measured after the settling time, not over start-up's tail. */
  sample->cpu_idle_pct = spin_measuring_cpu (pid, SETTLE_MS);
  return pid;
}

/* ------------------------------------------------------------------------ */
/* Baton */

typedef struct
{
  BatonTestServer *server;
  BatonCallClient *client;
  BatonCallAgent *peers[2];
  const char *baton;
} BatonRig;

static void
peer_created_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  BatonCallAgent **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = baton_call_client_create_call_agent_finish (BATON_CALL_CLIENT (object), result, &error);
  if (*out == NULL)
    g_error ("peer: %s", error->message);
}

static BatonCallAgent *
baton_peer (BatonRig   *rig,
            const char *user)
{
  g_autofree char *token = baton_test_server_token (rig->server, user, 36000);
  g_autoptr(BatonTokenCredential) credential = baton_token_credential_new (token);
  g_autoptr(BatonCallAgentOptions) options =
    baton_call_agent_options_new (baton_test_server_get_uri (rig->server));
  BatonCallAgent *agent = NULL;

  baton_call_agent_options_set_audio_source (options, "audiotestsrc is-live=true freq=440 volume=0.2");
  baton_call_agent_options_set_audio_sink (options, "fakesink sync=false");
  baton_call_client_create_call_agent_async (rig->client, credential, options, NULL,
                                             peer_created_cb, &agent);
  WAIT_FOR (agent != NULL, 20, "a peer to sign in");
  return agent;
}

static void
baton_rig_init (BatonRig   *rig,
                const char *baton)
{
  rig->baton = baton;
  rig->server = baton_test_server_new ();
  baton_test_server_add_user (rig->server, "tom", "Tom Baker");
  baton_test_server_add_user (rig->server, "alice", "Alice Liddell");
  baton_test_server_add_user (rig->server, "bob", "Bob Builder");
  rig->client = baton_call_client_new ();
  rig->peers[0] = baton_peer (rig, "alice");
  rig->peers[1] = baton_peer (rig, "bob");
}

static void
baton_rig_clear (BatonRig *rig)
{
  for (guint i = 0; i < G_N_ELEMENTS (rig->peers); i++)
    {
      if (rig->peers[i] != NULL)
        baton_call_agent_shutdown (rig->peers[i]);
      g_clear_object (&rig->peers[i]);
    }
  g_clear_object (&rig->client);
  g_clear_pointer (&rig->server, baton_test_server_free);
}

static void
accept_in_app (const char *call_id)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder params;

  g_variant_builder_init (&params, G_VARIANT_TYPE ("av"));
  g_variant_builder_add (&params, "v", g_variant_new_string (call_id));
  reply = g_dbus_connection_call_sync (bus, APP_ID, "/io/github/batonphone/Baton",
                                       "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", "accept-call", &params, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  if (reply == NULL)
    g_error ("app.accept-call: %s", error->message);
}

static void
measure_baton (BatonRig   *rig,
               const char *baton,
               const char *home,
               Sample     *sample)
{
  g_autofree char *token = baton_test_server_token (rig->server, "tom", 36000);
  const char *argv[] = { baton, "--server", baton_test_server_get_uri (rig->server), NULL };
  g_auto(GStrv) env = launch_env (home);
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func (g_object_unref);
  GPid pid;

  env = g_environ_setenv (env, "BATON_TOKEN", token, TRUE);
  pid = launch_to_rest (argv, env, sample);

  for (guint i = 0; i < G_N_ELEMENTS (rig->peers); i++)
    {
      g_autoptr(GError) error = NULL;
      BatonCall *call = baton_call_agent_start_call (rig->peers[i], "tom", &error);

      if (call == NULL)
        g_error ("call to the app: %s", error->message);
      g_ptr_array_add (calls, call);
      WAIT_FOR (baton_call_get_id (call) != NULL && baton_call_get_state (call) == BATON_CALL_STATE_RINGING,
                20, "the app's phone to ring");
      accept_in_app (baton_call_get_id (call));
      WAIT_FOR (baton_call_get_state (call) == BATON_CALL_STATE_CONNECTED, 20, "the app to answer");
    }
  spin (SETTLE_MS);
  /* Answering the second call puts the first on hold, as a phone does. */
  for (guint i = 0; i < calls->len; i++)
    {
      BatonCallState state = baton_call_get_state (g_ptr_array_index (calls, i));

      if (state != BATON_CALL_STATE_CONNECTED && state != BATON_CALL_STATE_REMOTE_HOLD)
        {
          /* Seen at load 60 ("media failed"): not counted, not fatal */
          g_printerr ("  a call to the app ended while at rest (state %d): no two-call figure this run\n", state);
          sample->pss_calls_kb = sample->uss_calls_kb = sample->dirty_calls_kb = sample->cpu_calls_pct = NAN;
        }
    }
  if (!isnan (sample->uss_calls_kb))
    {
      read_memory (pid, &sample->pss_calls_kb, &sample->uss_calls_kb, &sample->dirty_calls_kb, "calls");
      /* Two calls' media (Opus both ways, echo cancellation, PipeWire). */
      sample->cpu_calls_pct = spin_measuring_cpu (pid, SETTLE_MS);
    }

  for (guint i = 0; i < calls->len; i++)
    if (baton_call_get_state (g_ptr_array_index (calls, i)) != BATON_CALL_STATE_DISCONNECTED)
      baton_call_hang_up (g_ptr_array_index (calls, i));
  for (guint i = 0; i < G_N_ELEMENTS (rig->peers); i++)
    WAIT_FOR (g_list_model_get_n_items (baton_call_agent_get_calls (rig->peers[i])) == 0, 10,
              "the calls to end");
  /* At rest again: the calls' pipelines are gone, what stays is the media
   * stack loaded with the first call and what the allocator keeps */
  if (!isnan (sample->uss_calls_kb))
    {
      spin (SETTLE_MS + 2000);
      read_memory (pid, &sample->pss_after_kb, &sample->uss_after_kb, &sample->dirty_after_kb, "after");
    }
  stop_process (pid);
}

/* ------------------------------------------------------------------------ */
/* GNOME Calls */

static guint
calls_n_active (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) objects = NULL;
  GVariantIter iter;
  GVariant *interfaces;
  guint n = 0;

  reply = g_dbus_connection_call_sync (bus, "org.gnome.Calls", "/org/gnome/Calls",
                                       "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
                                       NULL, G_VARIANT_TYPE ("(a{oa{sa{sv}}})"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply == NULL)
    return 0;
  objects = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", NULL, &interfaces))
    {
      g_autoptr(GVariant) props = g_variant_lookup_value (interfaces, "org.gnome.Calls.Call",
                                                          G_VARIANT_TYPE ("a{sv}"));
      guint32 state;

      /* CallsCallState: 1 is ACTIVE */
      if (props != NULL && g_variant_lookup (props, "State", "u", &state) && state == 1)
        n++;
      g_variant_unref (interfaces);
    }
  return n;
}

static void
measure_calls (const char *gnome_calls,
               const char *home,
               Sample     *sample)
{
  const char *argv[] = { gnome_calls, "--provider", "dummy", NULL };
  g_auto(GStrv) env = launch_env (home);
  GPid pid;

  pid = launch_to_rest (argv, env, sample);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *uri = g_strdup_printf ("tel:55501%02u", i);
      const char *dial[] = { gnome_calls, "--dial", uri, NULL };
      GPid remote = spawn (dial, env, FALSE);

      WAIT_FOR (process_gone (remote), 20, "gnome-calls --dial to hand over");
    }
  /* Dummy calls go from dialling through alerting to active by themselves. */
  WAIT_FOR (calls_n_active () == 2, 30, "two active GNOME Calls calls");
  spin (SETTLE_MS);
  if (calls_n_active () != 2)
    {
      /* Seen on a very busy machine (load 25): not counted, not fatal */
      g_printerr ("  a GNOME Calls dummy call ended while at rest: no two-call figure this run\n");
      sample->pss_calls_kb = sample->uss_calls_kb = sample->dirty_calls_kb = sample->cpu_calls_pct = NAN;
      stop_process (pid);
      return;
    }
  read_memory (pid, &sample->pss_calls_kb, &sample->uss_calls_kb, &sample->dirty_calls_kb, "calls");
  sample->cpu_calls_pct = spin_measuring_cpu (pid, SETTLE_MS);
  stop_process (pid);
}

/* ------------------------------------------------------------------------ */
/* The floor: what any GTK 4 + libadwaita app costs here — this program run
 * with --floor, an AdwApplicationWindow of Baton's size with a header bar
 * and a status page, nothing else. */

static void
floor_activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *status = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (status), "Floor");
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "call-start-symbolic");
  gtk_widget_set_vexpand (status, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), status);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
}

static int
run_floor (void)
{
  g_autoptr(AdwApplication) app = adw_application_new ("io.github.batonphone.BenchFloor",
                                                       G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (floor_activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), 0, NULL);
}

static void
measure_floor (const char *home,
               Sample     *sample)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self, "--floor", NULL };
  g_auto(GStrv) env = launch_env (home);
  GPid pid;

  /* What Baton itself chooses where there is no GPU render node
   * (src/app/baton-gl.c): no GL start-up, the cairo renderer. */
  if (floor_no_gl)
    {
      env = g_environ_setenv (env, "GDK_DEBUG", "gl-disable", TRUE);
      env = g_environ_setenv (env, "GSK_RENDERER", "cairo", FALSE);
    }
  pid = launch_to_rest (argv, env, sample);
  sample->pss_calls_kb = sample->uss_calls_kb = sample->dirty_calls_kb = sample->cpu_calls_pct = NAN;
  stop_process (pid);
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *samples,
        gsize   offset)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < samples->len; i++)
    {
      double v = G_STRUCT_MEMBER (double, &g_array_index (samples, Sample, i), offset);

      if (!isnan (v))
        g_array_append_val (values, v);
    }
  g_array_sort (values, cmp_double);
  if (values->len == 0)
    return NAN;
  if (values->len % 2 == 1)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1) +
          g_array_index (values, double, values->len / 2)) / 2;
}

static double
range_of (GArray *samples,
          gsize   offset,
          double *min)
{
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;

  for (guint i = 0; i < samples->len; i++)
    {
      double v = G_STRUCT_MEMBER (double, &g_array_index (samples, Sample, i), offset);

      if (isnan (v))
        continue;
      lo = MIN (lo, v);
      hi = MAX (hi, v);
    }
  *min = lo;
  return hi;
}

static char *
load_average (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("?");
  fields = g_strsplit (text, " ", 4);
  return g_strdup_printf ("%s %s %s", fields[0], fields[1], fields[2]);
}

static void
print_row (const char *what,
           gsize       offset,
           double      scale,
           const char *unit,
           GArray     *samples[N_APPS],
           gboolean    have_calls)
{
  double m[N_APPS];

  g_print ("%-34s", what);
  for (guint a = 0; a < N_APPS; a++)
    {
      double lo, hi;

      if ((a == APP_CALLS && !have_calls) || samples[a]->len == 0)
        continue;
      hi = range_of (samples[a], offset, &lo);
      m[a] = median (samples[a], offset);
      if (isnan (m[a]))
        g_print ("  %26s", "n/a");
      else
        g_print ("  %8.1f %s (%.1f-%.1f)", m[a] * scale, unit, lo * scale, hi * scale);
    }
  /* (No ratio to a zero: an idle app's CPU, Calls' dummy calls.) */
  if (have_calls && m[APP_CALLS] > 0)
    g_print ("  ratio %.2f", m[APP_BATON] / m[APP_CALLS]);
  if (have_calls && m[APP_CALLS] > 0 && samples[APP_OTHER]->len > 0)
    g_print (" (other %.2f)", m[APP_OTHER] / m[APP_CALLS]);
  g_print ("\n");
}

int
main (int   argc,
      char *argv[])
{
  int runs = 7;
  g_autofree char *baton = NULL;
  g_autofree char *gnome_calls = NULL;
  g_autofree char *other = NULL;
  gboolean no_calls = FALSE;
  const GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Measured runs of each app (default 7)", "N" },
    { "baton", 0, 0, G_OPTION_ARG_FILENAME, &baton, "The baton binary (default: next to this build's bench)", "PATH" },
    { "gnome-calls", 0, 0, G_OPTION_ARG_FILENAME, &gnome_calls, "The gnome-calls binary (default: from PATH)", "PATH" },
    { "no-gnome-calls", 0, 0, G_OPTION_ARG_NONE, &no_calls, "Measure Baton alone", NULL },
    { "renderer", 0, 0, G_OPTION_ARG_STRING, &renderer, "GSK_RENDERER for all apps (default: GTK's choice; Baton then keeps GL, the user's choice)", "NAME" },
    { "floor-no-gl", 0, 0, G_OPTION_ARG_NONE, &floor_no_gl, "The floor without GL (GDK_DEBUG=gl-disable), as Baton without a GPU render node", NULL },
    { "other", 0, 0, G_OPTION_ARG_FILENAME, &other, "Another baton binary measured in the same rotation (e.g. the previous commit's)", "PATH" },
    { "smaps-dir", 0, 0, G_OPTION_ARG_FILENAME, &smaps_dir, "Keep each measured /proc/PID/smaps in DIR", "DIR" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Show the apps' output and each frame", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— Baton's first frame and memory next to GNOME Calls");
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *load_before = NULL;
  g_autofree char *load_after = NULL;
  GArray *samples[N_APPS];
  BatonRig rig = { 0 };
  gboolean have_calls;

  if (argc == 2 && g_str_equal (argv[1], "--floor"))
    return run_floor ();
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (baton == NULL)
    {
      g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree char *dir = g_path_get_dirname (self);

      baton = g_build_filename (dir, "..", "..", "src", "app", "baton", NULL);
    }
  if (gnome_calls == NULL && !no_calls)
    gnome_calls = g_find_program_in_path ("gnome-calls");
  have_calls = gnome_calls != NULL && !no_calls;
  if (!have_calls && !no_calls)
    g_print ("GNOME Calls is MISSING (no gnome-calls in PATH; Debian package gnome-calls):\n"
             "measuring Baton alone, no ratio.\n");
  if (g_getenv ("BATON_SERVER") == NULL)
    g_error ("set BATON_SERVER to the baton-server binary");
  if (runs < 1)
    runs = 1;

  gst_init (NULL, NULL);
  x_init ();
  tmp = g_dir_make_tmp ("bench-app-XXXXXX", &error);
  g_assert_no_error (error);
  baton_rig_init (&rig, baton);
  for (guint a = 0; a < N_APPS; a++)
    samples[a] = g_array_new (FALSE, TRUE, sizeof (Sample));

  load_before = load_average ();
  for (int run = 0; run <= runs; run++)
    for (guint a = 0; a < N_APPS; a++)
      {
        g_autofree char *home = g_strdup_printf ("%s/app%u-%d", tmp, a, run);
        Sample sample = { 0 };

        if ((a == APP_CALLS && !have_calls) || (a == APP_OTHER && other == NULL))
          continue;
        g_free (smaps_stem);
        smaps_stem = g_strdup_printf ("%s-%d", a == APP_BATON ? "baton" : a == APP_CALLS ? "calls" : a == APP_FLOOR ? "floor" : "other", run);
        sample.pss_after_kb = sample.uss_after_kb = sample.dirty_after_kb = NAN;
        if (a == APP_BATON)
          measure_baton (&rig, baton, home, &sample);
        else if (a == APP_OTHER)
          measure_baton (&rig, other, home, &sample);
        else if (a == APP_CALLS)
          measure_calls (gnome_calls, home, &sample);
        else
          measure_floor (home, &sample);
        g_print ("%s %-11s first frame %6.1f ms (mapped %6.1f)  PSS %6.1f / %6.1f MiB  USS %6.1f / %6.1f MiB  dirty %6.1f / %6.1f MiB  CPU %4.1f / %4.1f %% (no calls / two calls)\n",
                 run == 0 ? "warm-up" : "run    ", app_names[a], sample.first_frame_ms, sample.mapped_ms,
                 sample.pss_idle_kb / 1024, sample.pss_calls_kb / 1024,
                 sample.uss_idle_kb / 1024, sample.uss_calls_kb / 1024,
                 sample.dirty_idle_kb / 1024, sample.dirty_calls_kb / 1024,
                 sample.cpu_idle_pct, sample.cpu_calls_pct);
        if (!isnan (sample.dirty_after_kb))
          g_print ("        after the calls: PSS %6.1f MiB  USS %6.1f MiB  dirty %6.1f MiB\n",
                   sample.pss_after_kb / 1024, sample.uss_after_kb / 1024, sample.dirty_after_kb / 1024);
        if (run > 0)
          g_array_append_val (samples[a], sample);
      }
  load_after = load_average ();

  g_print ("\nmedians of %d runs (min-max)%s; GSK_RENDERER %s%s; load average before: %s, after: %s\n",
           runs, have_calls ? ", ratio Baton / GNOME Calls" : "", renderer ? renderer : "unset",
           floor_no_gl ? "; the floor without GL" : "", load_before, load_after);
  g_print ("%-34s  %-26s  %-26s  %-26s  %s\n", "", "Baton", have_calls ? "GNOME Calls" : "", "GTK 4 floor",
           other != NULL ? "Baton other" : "");
  print_row ("launch -> first drawn frame", G_STRUCT_OFFSET (Sample, first_frame_ms), 1, "ms", samples, have_calls);
  print_row ("launch -> window mapped", G_STRUCT_OFFSET (Sample, mapped_ms), 1, "ms", samples, have_calls);
  print_row ("PSS at rest, no calls", G_STRUCT_OFFSET (Sample, pss_idle_kb), 1 / 1024.0, "MiB", samples, have_calls);
  print_row ("USS at rest, no calls", G_STRUCT_OFFSET (Sample, uss_idle_kb), 1 / 1024.0, "MiB", samples, have_calls);
  print_row ("private dirty at rest, no calls", G_STRUCT_OFFSET (Sample, dirty_idle_kb), 1 / 1024.0, "MiB", samples, have_calls);
  print_row ("PSS at rest, two calls", G_STRUCT_OFFSET (Sample, pss_calls_kb), 1 / 1024.0, "MiB", samples, have_calls);
  print_row ("USS at rest, two calls", G_STRUCT_OFFSET (Sample, uss_calls_kb), 1 / 1024.0, "MiB", samples, have_calls);
  print_row ("private dirty at rest, two calls", G_STRUCT_OFFSET (Sample, dirty_calls_kb), 1 / 1024.0, "MiB", samples, have_calls);
  print_row ("USS at rest after the calls", G_STRUCT_OFFSET (Sample, uss_after_kb), 1 / 1024.0, "MiB", samples, have_calls);
  print_row ("private dirty after the calls", G_STRUCT_OFFSET (Sample, dirty_after_kb), 1 / 1024.0, "MiB", samples, have_calls);
  print_row ("CPU at rest, no calls (% of a core)", G_STRUCT_OFFSET (Sample, cpu_idle_pct), 1, "%", samples, have_calls);
  print_row ("CPU at rest, two calls (% of a core)", G_STRUCT_OFFSET (Sample, cpu_calls_pct), 1, "%", samples, have_calls);
  if (!have_calls && !no_calls)
    g_print ("GNOME Calls is MISSING: no comparison was made.\n");

  baton_rig_clear (&rig);
  for (guint a = 0; a < N_APPS; a++)
    g_array_unref (samples[a]);
  {
    const char *rm[] = { "rm", "-rf", tmp, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_hash_table_unref (X.windows);
  XCloseDisplay (X.dpy);
  return 0;
}
