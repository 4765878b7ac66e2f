/* baton-app-test.c: run the real Baton app in-process and drive it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>

#include <gdk/x11/gdkx.h>
#include <gst/gst.h>

#include "baton-app-test.h"
#include "baton-call-util.h"
#include "baton-gl.h"

BatonAppTest *T;

static volatile GPid server_pid;

/* A failed assertion aborts: take the server down too, so the test session
 * ends at once. */
static void
crash_handler (int signum)
{
  if (server_pid > 0)
    kill (server_pid, SIGKILL);
  signal (signum, SIG_DFL);
  raise (signum);
}

static int test_result = 1;
static gboolean signed_in_at_start = TRUE;

static void start_notification_server (void);

static gboolean
wake_cb (gpointer user_data)
{
  *(guint *) user_data = 0;
  return G_SOURCE_REMOVE;
}

void
baton_app_test_iterate (void)
{
  /* One wake-up at most 20 ms away, so a waiting loop never sleeps forever. */
  guint id = g_timeout_add (20, wake_cb, &id);

  g_main_context_iteration (NULL, TRUE);
  if (id != 0)
    g_source_remove (id);
}

void
baton_app_test_settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    baton_app_test_iterate ();
}

void
baton_app_test_init (int         *argc,
                     char      ***argv,
                     const char  *user,
                     const char  *user_name,
                     ...)
{
  va_list args;
  const char *id;

  /* GL as the app's main () chooses it: none without a GPU render node. */
  baton_gl_choose_for_gtk (BATON_GL_DRI_DIR);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (argc, argv, NULL);
  gst_init (NULL, NULL);

  T = g_new0 (BatonAppTest, 1);
  T->server = baton_test_server_new ();
  T->user = user;
  server_pid = baton_test_server_get_pid (T->server);
  signal (SIGABRT, crash_handler);
  signal (SIGTRAP, crash_handler);
  signal (SIGSEGV, crash_handler);
  T->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  baton_test_server_add_user (T->server, user, user_name);
  va_start (args, user_name);
  while ((id = va_arg (args, const char *)) != NULL)
    {
      const char *name = va_arg (args, const char *);

      baton_test_server_add_user (T->server, id, name);
    }
  va_end (args);
}

static gboolean
run_tests_cb (gpointer user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (T->app));

  g_assert_true (BATON_IS_WINDOW (window));
  T->window = BATON_WINDOW (window);

  /* Signed in with --server and BATON_TOKEN, the calls page shows. */
  if (signed_in_at_start)
    {
      BATON_WAIT_FOR (baton_application_get_agent (T->app) != NULL, 20);
      BATON_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (T->window->search_entry)), 10);
    }
  else
    BATON_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (T->window->welcome_page)), 10);

  test_result = g_test_run ();
  gtk_window_destroy (window);
  g_application_quit (G_APPLICATION (T->app));
  return G_SOURCE_REMOVE;
}

static void
activate_cb (GApplication *app)
{
  static gboolean started;

  /* Activated again e.g. by a notification's button: the tests run once. */
  if (!started)
    g_idle_add (run_tests_cb, NULL);
  started = TRUE;
}

int
baton_app_test_run_full (gboolean with_server_option)
{
  g_autofree char *token = baton_test_server_token (T->server, T->user, 3600);
  char *argv[] = { (char *) "baton", (char *) "--server",
                   (char *) baton_test_server_get_uri (T->server), NULL };

  signed_in_at_start = with_server_option;
  if (with_server_option)
    g_setenv ("BATON_TOKEN", token, TRUE);
  else
    g_unsetenv ("BATON_TOKEN");
  start_notification_server ();
  T->client = baton_call_client_new ();
  T->app = baton_application_new (T->unique ? G_APPLICATION_DEFAULT_FLAGS : G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (T->app, "activate", G_CALLBACK (activate_cb), NULL);
  g_application_run (G_APPLICATION (T->app), with_server_option ? 3 : 1, argv);

  g_hash_table_remove_all (T->peers);
  g_clear_object (&T->app);
  g_clear_object (&T->client);
  baton_test_server_free (T->server);
  return test_result;
}

int
baton_app_test_run (void)
{
  return baton_app_test_run_full (TRUE);
}

void
baton_app_test_stop_server (void)
{
  baton_test_server_stop (T->server);
  server_pid = 0;
}

void
baton_app_test_restart_server (void)
{
  baton_test_server_restart (T->server);
  server_pid = baton_test_server_get_pid (T->server);
}

/* A notification server on the session bus (the test session has none), so
 * the app's GNotifications are seen and their buttons can be pressed. */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "  </interface>"
  "</node>";

static GDBusConnection *notifications_bus;
static guint next_notification_id = 1;

static void
notifications_call_cb (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *path,
                       const char            *interface,
                       const char            *method,
                       GVariant              *params,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  if (g_str_equal (method, "Notify"))
    {
      const char *summary;
      g_autofree const char **actions = NULL;
      BatonAppTestNotification *n = g_new0 (BatonAppTestNotification, 1);

      g_variant_get_child (params, 3, "&s", &summary);
      g_variant_get_child (params, 5, "^a&s", &actions);
      n->id = next_notification_id++;
      n->summary = g_strdup (summary);
      n->actions = g_strdupv ((char **) actions);
      if (T->notifications == NULL)
        T->notifications = g_ptr_array_new ();
      g_ptr_array_add (T->notifications, n);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", n->id));
    }
  else if (g_str_equal (method, "CloseNotification"))
    {
      guint id;

      g_variant_get (params, "(u)", &id);
      for (guint i = 0; T->notifications != NULL && i < T->notifications->len; i++)
        {
          BatonAppTestNotification *n = g_ptr_array_index (T->notifications, i);

          if (n->id == id)
            n->closed = TRUE;
        }
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "baton-test", "Baton", "1", "1.2"));
}

static void
start_notification_server (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_call_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  notifications_bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (notifications_bus, "/org/freedesktop/Notifications",
                                     info->interfaces[0], &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (notifications_bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

static void
round_trip_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, NULL);

  *(gboolean *) user_data = TRUE;
}

/* GLib's freedesktop backend can close a notification only once it has the
 * server's id for it (the reply to Notify); a withdrawal before that is
 * dropped. The app shares this connection: the reply of a later call comes
 * back after every earlier reply, and its callback runs after theirs. */
void
baton_app_test_sync_notifications (void)
{
  gboolean done = FALSE;

  g_dbus_connection_call (notifications_bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetId", NULL, G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, round_trip_cb, &done);
  BATON_WAIT_FOR (done, 5);
}

void
baton_app_test_invoke_notification_action (BatonAppTestNotification *notification,
                                           const char               *label)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; notification->actions[i] != NULL && notification->actions[i + 1] != NULL; i += 2)
    if (g_str_equal (notification->actions[i + 1], label))
      {
        g_dbus_connection_emit_signal (notifications_bus, NULL, "/org/freedesktop/Notifications",
                                       "org.freedesktop.Notifications", "ActionInvoked",
                                       g_variant_new ("(us)", notification->id, notification->actions[i]),
                                       &error);
        g_assert_no_error (error);
        return;
      }
  g_error ("the notification has no button %s", label);
}

BatonAppTestNotification *
baton_app_test_last_notification (void)
{
  if (T->notifications == NULL || T->notifications->len == 0)
    return NULL;
  return g_ptr_array_index (T->notifications, T->notifications->len - 1);
}

/* Peers */

static void
peer_incoming_cb (BatonCallAgent    *agent,
                  BatonIncomingCall *incoming,
                  gpointer           user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) call = baton_incoming_call_accept (incoming, &error);

  g_assert_no_error (error);
}

static void
peer_created_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  BatonCallAgent **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = baton_call_client_create_call_agent_finish (BATON_CALL_CLIENT (object), result, &error);
  g_assert_no_error (error);
}

BatonCallAgent *
baton_app_test_peer (const char *user_id,
                     gboolean    auto_accept)
{
  BatonCallAgent *agent = g_hash_table_lookup (T->peers, user_id);
  g_autofree char *token = NULL;
  g_autoptr(BatonTokenCredential) credential = NULL;
  g_autoptr(BatonCallAgentOptions) options = NULL;

  if (agent != NULL)
    return agent;
  token = baton_test_server_token (T->server, user_id, 3600);
  credential = baton_token_credential_new (token);
  options = baton_call_agent_options_new (baton_test_server_get_uri (T->server));
  baton_call_client_create_call_agent_async (T->client, credential, options, NULL,
                                             peer_created_cb, &agent);
  BATON_WAIT_FOR (agent != NULL, 15);
  if (auto_accept)
    g_signal_connect (agent, "incoming-call", G_CALLBACK (peer_incoming_cb), NULL);
  g_hash_table_insert (T->peers, g_strdup (user_id), agent);
  return agent;
}

BatonCall *
baton_app_test_find_call (BatonCallAgent *agent,
                          const char     *remote_id)
{
  GListModel *calls = baton_call_agent_get_calls (agent);
  guint n = g_list_model_get_n_items (calls);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonCall) call = g_list_model_get_item (calls, i);
      GListModel *participants = baton_call_get_remote_participants (call);
      g_autoptr(BatonRemoteParticipant) participant = NULL;

      if (g_list_model_get_n_items (participants) == 0)
        continue;
      participant = g_list_model_get_item (participants, 0);
      if (g_strcmp0 (baton_remote_participant_get_id (participant), remote_id) == 0)
        return call; /* the agent's list keeps it */
    }
  return NULL;
}

gboolean
baton_app_test_call_in_state (BatonCallAgent *agent,
                              const char     *remote_id,
                              BatonCallState  state)
{
  BatonCall *call = baton_app_test_find_call (agent, remote_id);

  return call != NULL && baton_call_get_state (call) == state;
}

guint
baton_app_test_n_calls (BatonCallAgent *agent)
{
  return g_list_model_get_n_items (baton_call_agent_get_calls (agent));
}

/* Input */

static void
xdotool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  g_ptr_array_add (argv, (char *) "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("xdotool %s failed: %s", args[0], err);
  /* Let GTK see what the X server got. */
  baton_app_test_settle (30);
}

static char *
xid_of (GtkWidget *widget)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));

  return g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
}

void
baton_app_test_focus (GtkWindow *window)
{
  g_autofree char *xid = NULL;

  BATON_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)), 10);
  if (gtk_window_is_active (window))
    return;
  xid = xid_of (GTK_WIDGET (window));
  xdotool ((const char *[]) { "windowfocus", xid, NULL });
  BATON_WAIT_FOR (gtk_window_is_active (window), 10);
}

void
baton_app_test_key (GtkWindow  *window,
                    const char *keys)
{
  baton_app_test_focus (window);
  xdotool ((const char *[]) { "key", "--clearmodifiers", keys, NULL });
}

void
baton_app_test_type (GtkWindow  *window,
                     const char *text)
{
  baton_app_test_focus (window);
  xdotool ((const char *[]) { "type", "--delay", "15", text, NULL });
}

void
baton_app_test_pointer_to (GtkWidget *widget,
                           double     dx,
                           double     dy)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_rect_t bounds;
  double sx, sy;
  g_autofree char *xid = xid_of (widget);
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (native), &bounds));
  gtk_native_get_surface_transform (native, &sx, &sy);
  x = g_strdup_printf ("%d", (int) (sx + bounds.origin.x + bounds.size.width / 2 + dx));
  y = g_strdup_printf ("%d", (int) (sy + bounds.origin.y + bounds.size.height / 2 + dy));
  xdotool ((const char *[]) { "mousemove", "--window", xid, x, y, NULL });
}

void
baton_app_test_button (gboolean press)
{
  xdotool ((const char *[]) { press ? "mousedown" : "mouseup", "1", NULL });
}

GtkWindow *
baton_app_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

void
baton_app_test_screenshot (GtkWidget  *widget,
                           const char *name)
{
  const char *dir = g_getenv ("BATON_APP_SCREENSHOTS");
  GtkWidget *toplevel = GTK_WIDGET (gtk_widget_get_native (widget));
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  int width, height;

  if (dir == NULL)
    return;
  /* Let the last changes be drawn; a window that has not been drawn yet
   * (a loaded machine, the first test of a program) gives no render node:
   * wait for it, within a few seconds. */
  paintable = gtk_widget_paintable_new (toplevel);
  node = NULL;
  for (guint i = 0; node == NULL && i < 20; i++)
    {
      baton_app_test_settle (i == 0 ? 400 : 200);
      width = gtk_widget_get_width (toplevel);
      height = gtk_widget_get_height (toplevel);
      if (width <= 0 || height <= 0)
        continue;
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (toplevel)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);
  g_mkdir_with_parents (dir, 0755);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

GtkWidget *
baton_app_test_find_button (GtkWidget  *root,
                            const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return child;
      if ((found = baton_app_test_find_button (child, label)) != NULL)
        return found;
    }
  return NULL;
}

void
baton_app_test_click (GtkWidget *widget)
{
  baton_app_test_focus (GTK_WINDOW (gtk_widget_get_native (widget)));
  baton_app_test_pointer_to (widget, 0, 0);
  baton_app_test_button (TRUE);
  baton_app_test_button (FALSE);
}

void
baton_app_test_resize (GtkWindow *window,
                       int        width,
                       int        height)
{
  g_autofree char *xid = xid_of (GTK_WIDGET (window));
  g_autofree char *w = g_strdup_printf ("%d", width);
  g_autofree char *h = g_strdup_printf ("%d", height);

  xdotool ((const char *[]) { "windowsize", xid, w, h, NULL });
}

BatonCallAgent *
baton_app_test_agent (void)
{
  return baton_application_get_agent (T->app);
}

GtkWindow *
baton_app_test_window (void)
{
  return GTK_WINDOW (T->window);
}

BatonCall *
baton_app_test_answer_call_from (const char *peer_id)
{
  BatonCallAgent *peer = baton_app_test_peer (peer_id, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) outgoing = baton_call_agent_start_call (peer, T->user, &error);

  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (baton_application_get_incoming_calls (T->app)) == 1, 15);
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+a");
  BATON_WAIT_FOR (baton_app_test_call_in_state (baton_app_test_agent (), peer_id, BATON_CALL_STATE_CONNECTED), 20);
  BATON_WAIT_FOR (baton_call_get_state (outgoing) == BATON_CALL_STATE_CONNECTED, 10);
  return baton_app_test_find_call (baton_app_test_agent (), peer_id);
}

void
baton_app_test_hang_up_all (BatonCallAgent *agent)
{
  GListModel *calls = baton_call_agent_get_calls (agent);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
    g_ptr_array_add (all, g_list_model_get_item (calls, i));
  for (guint i = 0; i < all->len; i++)
    baton_call_hang_up (g_ptr_array_index (all, i));
  BATON_WAIT_FOR (baton_app_test_n_calls (agent) == 0, 10);
}

BatonTransferState
baton_app_test_transfer_state (BatonCall *call)
{
  BatonTransfer *transfer = baton_call_get_app_transfer (call);

  return transfer ? baton_transfer_get_state (transfer) : BATON_TRANSFER_STATE_NONE;
}

void
baton_app_test_wait_transferred (BatonCall *call)
{
  BATON_WAIT_FOR (baton_app_test_transfer_state (call) == BATON_TRANSFER_STATE_TRANSFERRED ||
                  baton_app_test_transfer_state (call) == BATON_TRANSFER_STATE_FAILED, 30);
  if (baton_app_test_transfer_state (call) == BATON_TRANSFER_STATE_FAILED)
    {
      BatonTransfer *transfer = baton_call_get_app_transfer (call);

      g_error ("the transfer failed: %u/%u %s", baton_transfer_get_error_code (transfer),
               baton_transfer_get_error_subcode (transfer), baton_transfer_get_error_message (transfer));
    }
}
