/* test-app-calls.c: the Baton app with real calls, driven from the keyboard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app signs in as tom with --server; alice and bob are SDK peers in
 * this process (bob answers every call), carol never signs in and forwards
 * always to bob. Every shortcut is a real key press through the X server.
 */
#include "config.h"

#include <string.h>

#include "baton-app-test.h"
#include "baton-application-private.h"
#include "baton-test-audio.h"
#include "baton-call-util.h"
#include "baton-call-view-model.h"
#include "baton-transfer-dialog.h"

static gboolean
focus_in (GtkWindow *window,
          GtkWidget *ancestor)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (focus == ancestor || gtk_widget_is_ancestor (focus, ancestor));
}

static void
test_signed_in (void)
{
  g_assert_cmpint (baton_call_agent_get_connection_state (baton_app_test_agent ()), ==, BATON_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (baton_call_agent_get_user_id (baton_app_test_agent ()), ==, "tom");
  g_assert_false (gtk_revealer_get_reveal_child (T->window->banner_revealer));
  g_assert_null (baton_window_get_selected_item (T->window));

  /* Nothing to act on in the empty call view: Tab passes it by. (It took
   * the focus; then, while the first call's page faded in, Tab stopped in
   * the fading page, and the focus fell to the main menu when the fade
   * ended: digits typed next sent nothing.) */
  g_assert_false (gtk_widget_child_focus (GTK_WIDGET (T->window->call_view), GTK_DIR_TAB_FORWARD));
}

/* alice calls; the ringing row is at the top; Ctrl+Shift+A answers it. */
static void
test_accept_shortcut (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) outgoing = baton_call_agent_start_call (alice, "tom", &error);
  GListModel *incoming = baton_application_get_incoming_calls (T->app);
  GObject *first;

  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) == 1, 15);
  first = baton_window_get_selected_item (T->window);
  g_assert_true (BATON_IS_INCOMING_CALL (first));
  g_assert_nonnull (gtk_list_box_get_row_at_index (T->window->calls_list, 0));
  baton_app_test_screenshot (GTK_WIDGET (T->window), "ringing");

  baton_app_test_key (baton_app_test_window (), "ctrl+shift+a");
  BATON_WAIT_FOR (baton_app_test_call_in_state (baton_app_test_agent (), "alice", BATON_CALL_STATE_CONNECTED), 20);
  BATON_WAIT_FOR (baton_call_get_state (outgoing) == BATON_CALL_STATE_CONNECTED, 10);
  g_assert_cmpuint (g_list_model_get_n_items (incoming), ==, 0);
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == baton_app_test_find_call (baton_app_test_agent (), "alice"), 5);
}

static void
test_mute_hold_shortcuts (void)
{
  BatonCall *call = baton_app_test_find_call (baton_app_test_agent (), "alice");
  BatonCall *far = baton_app_test_find_call (baton_app_test_peer ("alice", FALSE), "tom");
  BatonCallViewModel *vm = baton_call_view_get_view_model (T->window->call_view);

  g_assert_nonnull (call);
  g_assert_false (baton_call_get_is_muted (call));
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+m");
  BATON_WAIT_FOR (baton_call_get_is_muted (call), 5);
  g_assert_true (baton_call_view_model_get_call (vm) == call);
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+m");
  BATON_WAIT_FOR (!baton_call_get_is_muted (call), 5);

  baton_app_test_key (baton_app_test_window (), "ctrl+shift+p");
  BATON_WAIT_FOR (baton_call_get_state (call) == BATON_CALL_STATE_LOCAL_HOLD, 10);
  BATON_WAIT_FOR (baton_call_get_state (far) == BATON_CALL_STATE_REMOTE_HOLD, 10);
  g_assert_cmpstr (baton_call_view_model_get_subtitle (vm), ==, "On hold");
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+p");
  BATON_WAIT_FOR (baton_call_get_state (call) == BATON_CALL_STATE_CONNECTED, 10);
  BATON_WAIT_FOR (baton_call_get_state (far) == BATON_CALL_STATE_CONNECTED, 10);
}

static void
dtmf_cb (BatonCall     *call,
         BatonDtmfTone  tone,
         GString       *heard)
{
  g_string_append_printf (heard, "%d,", tone);
}

/* Digits typed while the call has the focus go out as DTMF. */
static void
test_keypad_digits (void)
{
  BatonCall *far = baton_app_test_find_call (baton_app_test_peer ("alice", FALSE), "tom");
  g_autoptr(GString) heard = g_string_new ("");
  gulong id = g_signal_connect (far, "dtmf-received", G_CALLBACK (dtmf_cb), heard);

  /* Put the focus on the call view's first button, as Tab would. */
  gtk_widget_child_focus (GTK_WIDGET (T->window->call_view), GTK_DIR_TAB_FORWARD);
  g_assert_true (focus_in (baton_app_test_window (), GTK_WIDGET (T->window->call_view)));
  baton_app_test_key (baton_app_test_window (), "5");
  baton_app_test_key (baton_app_test_window (), "numbersign");
  BATON_WAIT_FOR (g_str_equal (heard->str, "5,11,"), 10);

  /* And while the call's row in the sidebar has the focus. */
  gtk_widget_grab_focus (baton_window_get_row_for_item (T->window, G_OBJECT (baton_app_test_find_call (baton_app_test_agent (), "alice"))));
  baton_app_test_key (baton_app_test_window (), "7");
  BATON_WAIT_FOR (g_str_equal (heard->str, "5,11,7,"), 10);
  g_signal_handler_disconnect (far, id);
}

/* Ctrl+N, type a name, Enter: a second call, selected. Alt+Up/Down move
 * between the calls. */
static void
test_new_call_keyboard (void)
{
  baton_app_test_peer ("bob", TRUE);

  baton_app_test_key (baton_app_test_window (), "ctrl+n");
  BATON_WAIT_FOR (focus_in (baton_app_test_window (), GTK_WIDGET (T->window->search_entry)), 5);
  baton_app_test_type (baton_app_test_window (), "bob");
  baton_app_test_key (baton_app_test_window (), "Return");
  BATON_WAIT_FOR (baton_app_test_call_in_state (baton_app_test_agent (), "bob", BATON_CALL_STATE_CONNECTED), 20);
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == baton_app_test_find_call (baton_app_test_agent (), "bob"), 5);
  baton_app_test_screenshot (GTK_WIDGET (T->window), "two-calls");

  baton_app_test_key (baton_app_test_window (), "alt+Up");
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == baton_app_test_find_call (baton_app_test_agent (), "alice"), 5);
  baton_app_test_key (baton_app_test_window (), "alt+Down");
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == baton_app_test_find_call (baton_app_test_agent (), "bob"), 5);
  baton_app_test_key (baton_app_test_window (), "alt+Up");
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == baton_app_test_find_call (baton_app_test_agent (), "alice"), 5);
}

/* Ctrl+T, Alt+C (the calls page), Enter: alice is transferred to the call
 * with bob; the service confirms, alice and bob talk, tom has no calls. */
static void
test_transfer_dialog_to_call (void)
{
  g_autoptr(BatonCall) a = g_object_ref (baton_app_test_find_call (baton_app_test_agent (), "alice"));
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  BatonCallAgent *bob = baton_app_test_peer ("bob", TRUE);
  GtkWindow *dialog;

  g_assert_true (baton_window_get_selected_call (T->window) == a);
  baton_app_test_key (baton_app_test_window (), "ctrl+t");
  BATON_WAIT_FOR ((dialog = baton_app_test_find_toplevel (BATON_TYPE_TRANSFER_DIALOG)) != NULL, 5);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "Transfer Alice Liddell");
  BATON_WAIT_FOR (gtk_root_get_focus (GTK_ROOT (dialog)) != NULL, 5);
  baton_app_test_key (dialog, "alt+c");
  baton_app_test_screenshot (GTK_WIDGET (dialog), "transfer-dialog-call");
  baton_app_test_key (dialog, "Return");
  BATON_WAIT_FOR (baton_app_test_find_toplevel (BATON_TYPE_TRANSFER_DIALOG) == NULL, 5);

  baton_app_test_wait_transferred (a);
  BATON_WAIT_FOR (baton_app_test_call_in_state (alice, "bob", BATON_CALL_STATE_CONNECTED), 10);
  BATON_WAIT_FOR (baton_app_test_call_in_state (bob, "alice", BATON_CALL_STATE_CONNECTED), 10);
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 15);
  g_assert_cmpstr (baton_window_get_last_toast (T->window), ==, "Alice Liddell transferred to Bob Builder");

  baton_app_test_hang_up_all (alice);
  BATON_WAIT_FOR (baton_app_test_n_calls (bob) == 0, 10);
}

/* Ctrl+T, type carol, Alt+D ("Don't use their forwarding"), Enter: carol is
 * offline, so the transfer fails; alice comes back, selected, and the toast
 * says why. */
static void
test_transfer_dialog_person_fails (void)
{
  g_autoptr(BatonCall) a = g_object_ref (baton_app_test_answer_call_from ("alice"));
  GtkWindow *dialog;
  GtkWidget *no_forwarding;

  baton_test_server_set_forwarding (T->server, "carol", "bob", NULL, 0);
  baton_app_test_key (baton_app_test_window (), "ctrl+t");
  BATON_WAIT_FOR ((dialog = baton_app_test_find_toplevel (BATON_TYPE_TRANSFER_DIALOG)) != NULL, 5);
  baton_app_test_type (dialog, "carol");
  baton_app_test_key (dialog, "alt+d");
  no_forwarding = GTK_WIDGET (baton_transfer_dialog_get_no_forwarding_switch (BATON_TRANSFER_DIALOG (dialog)));
  g_assert_true (GTK_IS_SWITCH (no_forwarding));
  BATON_WAIT_FOR (gtk_switch_get_active (GTK_SWITCH (no_forwarding)), 5);
  baton_app_test_screenshot (GTK_WIDGET (dialog), "transfer-dialog");
  baton_app_test_key (dialog, "Return");

  BATON_WAIT_FOR (baton_app_test_transfer_state (a) == BATON_TRANSFER_STATE_FAILED, 30);
  g_assert_cmpuint (baton_transfer_get_error_code (baton_call_get_app_transfer (a)), ==, 480);
  BATON_WAIT_FOR (baton_call_get_state (a) == BATON_CALL_STATE_CONNECTED, 10);
  g_assert_true (baton_window_get_selected_call (T->window) == a);
  /* carol by her name, from the service's directory (she was never in a call) */
  g_assert_cmpstr (baton_window_get_last_toast (T->window), ==,
                   "Carol Danvers is offline — Alice Liddell is back on the line");
  baton_app_test_screenshot (GTK_WIDGET (T->window), "transfer-failed");
}

static void
subtitle_cb (BatonCallViewModel *vm,
             GParamSpec         *pspec,
             GPtrArray          *seen)
{
  g_ptr_array_add (seen, g_strdup (baton_call_view_model_get_subtitle (vm)));
}

/* The same with forwarding allowed: carol's "always forward" to bob applies,
 * bob answers, the transfer succeeds. Meanwhile the call said "Transferring
 * to Carol Danvers…" (her name from the directory). */
static void
test_transfer_dialog_person_forwarded (void)
{
  g_autoptr(BatonCall) a = g_object_ref (baton_app_test_find_call (baton_app_test_agent (), "alice"));
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  BatonCallViewModel *vm = baton_call_view_get_view_model (T->window->call_view);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  gulong id = g_signal_connect (vm, "notify::subtitle", G_CALLBACK (subtitle_cb), seen);
  /* The call's failed transfer of the test before, until this one starts */
  g_autoptr(BatonTransfer) failed = g_object_ref (baton_call_get_app_transfer (a));
  GtkWindow *dialog;

  baton_app_test_key (baton_app_test_window (), "ctrl+t");
  BATON_WAIT_FOR ((dialog = baton_app_test_find_toplevel (BATON_TYPE_TRANSFER_DIALOG)) != NULL, 5);
  baton_app_test_type (dialog, "carol");
  baton_app_test_key (dialog, "Return");
  BATON_WAIT_FOR (baton_call_get_app_transfer (a) != failed, 10);
  baton_app_test_wait_transferred (a);
  g_signal_handler_disconnect (vm, id);
  g_ptr_array_add (seen, NULL);
  g_assert_true (g_strv_contains ((const char * const *) seen->pdata, "Transferring to Carol Danvers…"));
  BATON_WAIT_FOR (baton_app_test_call_in_state (alice, "bob", BATON_CALL_STATE_CONNECTED), 10);
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 15);
  baton_app_test_hang_up_all (alice);
}

/* Escape cancels the dialog and transfers nothing. */
static void
test_transfer_dialog_escape (void)
{
  g_autoptr(BatonCall) a = g_object_ref (baton_app_test_answer_call_from ("alice"));
  GtkWindow *dialog;

  baton_app_test_key (baton_app_test_window (), "ctrl+t");
  BATON_WAIT_FOR ((dialog = baton_app_test_find_toplevel (BATON_TYPE_TRANSFER_DIALOG)) != NULL, 5);
  baton_app_test_type (dialog, "bob");
  baton_app_test_key (dialog, "Escape");
  BATON_WAIT_FOR (baton_app_test_find_toplevel (BATON_TYPE_TRANSFER_DIALOG) == NULL, 5);
  g_assert_null (baton_call_get_app_transfer (a));
  g_assert_cmpint (baton_call_get_state (a), ==, BATON_CALL_STATE_CONNECTED);

  /* Ctrl+Shift+H hangs up; the call goes to Recent. */
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+h");
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 10);
  g_assert_cmpuint (g_list_model_get_n_items (baton_history_get_model (baton_application_get_history (T->app))), >=, 1);
}

/* With the window in the background: a notification with Accept and
 * Decline, and the ringtone on the speaker; Accept on the notification
 * answers. */
static void
test_notification_and_ringtone (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  GtkWindow *other = GTK_WINDOW (gtk_window_new ());
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) outgoing = NULL;
  g_autoptr(BatonTestSpectrum) heard = NULL;
  BatonAppTestNotification *notification;
  guint n_before = T->notifications ? T->notifications->len : 0;

  gtk_window_set_title (other, "Another application");
  gtk_window_present (other);
  baton_app_test_focus (other);
  BATON_WAIT_FOR (!gtk_window_is_active (baton_app_test_window ()), 5);

  outgoing = baton_call_agent_start_call (alice, "tom", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (baton_application_get_incoming_calls (T->app)) == 1, 15);
  BATON_WAIT_FOR (T->notifications != NULL && T->notifications->len > n_before, 5);
  BATON_WAIT_FOR ((notification = baton_app_test_last_notification ()) != NULL &&
                  g_str_equal (notification->summary, "Alice Liddell is calling"), 5);
  g_assert_true (g_strv_contains ((const char * const *) notification->actions, "Accept"));
  g_assert_true (g_strv_contains ((const char * const *) notification->actions, "Decline"));

  /* The ringtone (480 Hz) plays on the selected speaker, through pulsesink
   * like the SDK's calls: PipeWire's GStreamer plugin, whose client thread
   * shares one connection with any PipeWire element of the process, stays
   * out of it (baton-ringer.c). */
  heard = baton_test_record_speaker (g_getenv ("BATON_TEST_SPEAKER"), 600);
  g_assert_true (baton_test_spectrum_has_tone (heard, 480));
  g_assert_true (baton_test_library_mapped ("libgstpulseaudio.so"));
  g_assert_false (baton_test_library_mapped ("libgstpipewire.so"));

  baton_app_test_invoke_notification_action (notification, "Accept");
  BATON_WAIT_FOR (baton_app_test_call_in_state (baton_app_test_agent (), "alice", BATON_CALL_STATE_CONNECTED), 20);
  BATON_WAIT_FOR (baton_call_get_state (outgoing) == BATON_CALL_STATE_CONNECTED, 10);
  BATON_WAIT_FOR (notification->closed, 5);
  gtk_window_destroy (other);

  baton_call_hang_up (outgoing);
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 10);
}

/* tom is the transferee: alice transfers him to bob. The app says so and
 * selects the new call. */
static void
test_transferee (void)
{
  BatonCallAgent *bob = baton_app_test_peer ("bob", TRUE);
  BatonCall *a = baton_app_test_answer_call_from ("alice");
  BatonCall *far = baton_app_test_find_call (baton_app_test_peer ("alice", FALSE), "tom");
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonTransfer) transfer = NULL;

  g_assert_nonnull (a);
  transfer = baton_transfer_call_feature_transfer_to_participant (baton_call_get_transfer_feature (far),
                                                                  "bob", FALSE, &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (baton_app_test_find_call (baton_app_test_agent (), "bob") != NULL, 15);
  BATON_WAIT_FOR (baton_window_get_last_toast (T->window) != NULL &&
                  g_str_has_prefix (baton_window_get_last_toast (T->window), "Alice Liddell is transferring you to "),
                  10);
  BATON_WAIT_FOR (baton_app_test_call_in_state (baton_app_test_agent (), "bob", BATON_CALL_STATE_CONNECTED), 20);
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == baton_app_test_find_call (baton_app_test_agent (), "bob"), 5);
  BATON_WAIT_FOR (baton_transfer_get_state (transfer) == BATON_TRANSFER_STATE_TRANSFERRED, 20);
  g_test_message ("toast: %s", baton_window_get_last_toast (T->window));
  baton_app_test_hang_up_all (bob);
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 10);
}

static void
alice_answers_cb (BatonCallAgent    *agent,
                  BatonIncomingCall *incoming,
                  gpointer           user_data)
{
  g_autoptr(BatonCall) call = baton_incoming_call_accept (incoming, NULL);
}

/* tom is the target: bob transfers alice to him; the ringing row says who
 * transferred her. */
static void
test_incoming_transferred_by (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  BatonCallAgent *bob = baton_app_test_peer ("bob", TRUE);
  BatonCallViewModel *vm = baton_call_view_get_view_model (T->window->call_view);
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) to_bob = baton_call_agent_start_call (alice, "bob", &error);
  g_autoptr(BatonTransfer) transfer = NULL;
  gulong id;

  g_assert_no_error (error);
  BATON_WAIT_FOR (baton_app_test_call_in_state (bob, "alice", BATON_CALL_STATE_CONNECTED), 20);
  id = g_signal_connect (alice, "incoming-call", G_CALLBACK (alice_answers_cb), NULL);
  transfer = baton_transfer_call_feature_transfer_to_participant (
    baton_call_get_transfer_feature (baton_app_test_find_call (bob, "alice")), "tom", FALSE, &error);
  g_assert_no_error (error);

  BATON_WAIT_FOR (g_list_model_get_n_items (baton_application_get_incoming_calls (T->app)) == 1, 15);
  BATON_WAIT_FOR (BATON_IS_INCOMING_CALL (baton_window_get_selected_item (T->window)), 5);
  g_assert_cmpstr (baton_call_view_model_get_subtitle (vm), ==, "Incoming call, transferred by Bob Builder");
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+a");
  BATON_WAIT_FOR (baton_app_test_call_in_state (baton_app_test_agent (), "alice", BATON_CALL_STATE_CONNECTED), 20);
  BATON_WAIT_FOR (baton_transfer_get_state (transfer) == BATON_TRANSFER_STATE_TRANSFERRED, 20);
  g_signal_handler_disconnect (alice, id);
  baton_app_test_hang_up_all (alice);
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 10);
}

/* The ringing calls: the app shows the SDK's own list. Whenever that list
 * changes, the app's model and the window's calls list must already show
 * exactly its items, in its order (a list kept by the app, even one kept up
 * to date from the SDK's signals, lags behind here); the ringtone plays
 * exactly while the list is not empty. */
static void
mirror_cb (GListModel *sdk,
           guint       position,
           guint       removed,
           guint       added,
           guint      *checks)
{
  GListModel *app = baton_application_get_incoming_calls (T->app);
  GListModel *rows = G_LIST_MODEL (T->window->calls);
  guint n = g_list_model_get_n_items (sdk);
  guint n_rows = g_list_model_get_n_items (rows);

  g_assert_cmpuint (g_list_model_get_n_items (app), ==, n);
  g_assert_cmpuint (n_rows, ==, n + g_list_model_get_n_items (baton_call_agent_get_calls (baton_app_test_agent ())));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (sdk, i);
      g_autoptr(GObject) shown = g_list_model_get_item (app, i);
      g_autoptr(GObject) row_item = g_list_model_get_item (rows, i);

      g_assert_true (item == shown);
      g_assert_true (item == row_item);
      g_assert_nonnull (gtk_list_box_get_row_at_index (T->window->calls_list, i));
    }
  g_assert_null (gtk_list_box_get_row_at_index (T->window->calls_list, n_rows));
  /* (no ringtone player before the first call rang) */
  g_assert_true ((T->app->ringer != NULL && baton_ringer_get_ringing (T->app->ringer)) == (n > 0));
  (*checks)++;
}

static gulong
watch_ringing (guint *checks)
{
  return g_signal_connect (baton_call_agent_get_incoming_calls (baton_app_test_agent ()), "items-changed",
                           G_CALLBACK (mirror_cb), checks);
}

static void
unwatch_ringing (gulong id)
{
  g_signal_handler_disconnect (baton_call_agent_get_incoming_calls (baton_app_test_agent ()), id);
}

/* Another window in front, so the app notifies of the calls that ring. */
static GtkWindow *
window_to_background (void)
{
  GtkWindow *other = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_title (other, "Another application");
  gtk_window_present (other);
  baton_app_test_focus (other);
  BATON_WAIT_FOR (!gtk_window_is_active (baton_app_test_window ()), 5);
  return other;
}

/* The notification sent since @n_before that says @summary (once the app
 * has the server's reply to it: see baton_app_test_sync_notifications()). */
static BatonAppTestNotification *
find_notification (guint       n_before,
                   const char *summary)
{
  for (guint i = n_before; T->notifications != NULL && i < T->notifications->len; i++)
    {
      BatonAppTestNotification *n = g_ptr_array_index (T->notifications, i);

      if (g_str_equal (n->summary, summary))
        {
          baton_app_test_sync_notifications ();
          return n;
        }
    }
  return NULL;
}

static guint
n_notifications (void)
{
  return T->notifications ? T->notifications->len : 0;
}

static const char *
caller_at (GListModel *model,
           guint       position)
{
  g_autoptr(BatonIncomingCall) incoming = g_list_model_get_item (model, position);

  return incoming ? baton_incoming_call_get_caller_id (incoming) : NULL;
}

/* alice calls and gives up before tom answers: her ringing row leaves the
 * window, her notification is withdrawn, the ringtone stops, Recent says
 * "Missed". */
static void
test_ringing_caller_gives_up (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  GListModel *incoming = baton_application_get_incoming_calls (T->app);
  GListModel *recent = baton_history_get_model (baton_application_get_history (T->app));
  g_autoptr(BatonHistoryEntry) entry = NULL;
  g_autoptr(BatonCall) outgoing = NULL;
  g_autoptr(GError) error = NULL;
  BatonAppTestNotification *notification;
  guint n_before = n_notifications ();
  GtkWindow *other = window_to_background ();
  guint checks = 0;
  gulong id = watch_ringing (&checks);

  outgoing = baton_call_agent_start_call (alice, "tom", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) == 1, 15);
  g_assert_cmpuint (checks, ==, 1);
  g_assert_true (BATON_IS_INCOMING_CALL (baton_window_get_selected_item (T->window)));
  BATON_WAIT_FOR ((notification = find_notification (n_before, "Alice Liddell is calling")) != NULL, 5);
  g_assert_true (baton_ringer_get_ringing (T->app->ringer));

  baton_call_hang_up (outgoing);
  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) == 0, 15);
  g_assert_cmpuint (checks, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (T->window->calls)), ==, 0);
  g_assert_null (gtk_list_box_get_row_at_index (T->window->calls_list, 0));
  g_assert_null (baton_window_get_selected_item (T->window));
  g_assert_false (baton_ringer_get_ringing (T->app->ringer));
  BATON_WAIT_FOR (notification->closed, 5);
  entry = g_list_model_get_item (recent, 0);
  g_assert_cmpstr (baton_history_entry_get_peer_id (entry), ==, "alice");
  g_assert_cmpstr (baton_history_entry_get_outcome (entry), ==, "Missed");

  unwatch_ringing (id);
  gtk_window_destroy (other);
}

/* tom is signed in twice: with the app and with another agent. alice calls,
 * both ring; the other agent answers: the app's ringing row leaves, its
 * notification is withdrawn, the ringtone stops, the app has no call, and
 * Recent says "Answered elsewhere" (not "Missed"). */
static void
test_ringing_answered_elsewhere (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  BatonCallAgent *elsewhere = baton_app_test_peer ("tom", FALSE);
  GListModel *incoming = baton_application_get_incoming_calls (T->app);
  GListModel *recent = baton_history_get_model (baton_application_get_history (T->app));
  g_autoptr(BatonHistoryEntry) entry = NULL;
  GListModel *elsewhere_incoming = baton_call_agent_get_incoming_calls (elsewhere);
  g_autoptr(BatonIncomingCall) there = NULL;
  g_autoptr(BatonCall) answered = NULL;
  g_autoptr(BatonCall) outgoing = NULL;
  g_autoptr(GError) error = NULL;
  BatonAppTestNotification *notification;
  guint n_before = n_notifications ();
  GtkWindow *other = window_to_background ();
  guint checks = 0;
  gulong id = watch_ringing (&checks);

  outgoing = baton_call_agent_start_call (alice, "tom", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) == 1 &&
                  g_list_model_get_n_items (elsewhere_incoming) == 1, 15);
  BATON_WAIT_FOR ((notification = find_notification (n_before, "Alice Liddell is calling")) != NULL, 5);
  g_assert_true (baton_ringer_get_ringing (T->app->ringer));

  there = g_list_model_get_item (elsewhere_incoming, 0);
  answered = baton_incoming_call_accept (there, &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) == 0, 15);
  g_assert_cmpuint (checks, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (T->window->calls)), ==, 0);
  g_assert_false (baton_ringer_get_ringing (T->app->ringer));
  BATON_WAIT_FOR (notification->closed, 5);
  BATON_WAIT_FOR (baton_call_get_state (outgoing) == BATON_CALL_STATE_CONNECTED, 20);
  BATON_WAIT_FOR (baton_call_get_state (answered) == BATON_CALL_STATE_CONNECTED, 10);
  g_assert_cmpuint (baton_app_test_n_calls (baton_app_test_agent ()), ==, 0);
  entry = g_list_model_get_item (recent, 0);
  g_assert_cmpstr (baton_history_entry_get_peer_id (entry), ==, "alice");
  g_assert_cmpstr (baton_history_entry_get_outcome (entry), ==, "Answered elsewhere");

  unwatch_ringing (id);
  gtk_window_destroy (other);
  baton_app_test_hang_up_all (alice);
  BATON_WAIT_FOR (baton_app_test_n_calls (elsewhere) == 0, 10);
  baton_call_agent_shutdown (elsewhere);
  g_hash_table_remove (T->peers, "tom");
}

/* alice, then bob: both ring, in that order (the SDK's, arrival), each
 * with a notification. Decline on bob's notification: only his row and
 * his notification go; alice still rings until she gives up. */
static void
test_ringing_two (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  BatonCallAgent *bob = baton_app_test_peer ("bob", TRUE);
  GListModel *incoming = baton_application_get_incoming_calls (T->app);
  g_autoptr(BatonCall) from_alice = NULL;
  g_autoptr(BatonCall) from_bob = NULL;
  g_autoptr(GError) error = NULL;
  BatonAppTestNotification *to_alice;
  BatonAppTestNotification *to_bob;
  guint n_before = n_notifications ();
  GtkWindow *other = window_to_background ();
  guint checks = 0;
  gulong id = watch_ringing (&checks);

  from_alice = baton_call_agent_start_call (alice, "tom", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) == 1, 15);
  from_bob = baton_call_agent_start_call (bob, "tom", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) == 2, 15);
  g_assert_cmpuint (checks, ==, 2);
  g_assert_cmpstr (caller_at (incoming, 0), ==, "alice");
  g_assert_cmpstr (caller_at (incoming, 1), ==, "bob");
  BATON_WAIT_FOR ((to_alice = find_notification (n_before, "Alice Liddell is calling")) != NULL &&
                  (to_bob = find_notification (n_before, "Bob Builder is calling")) != NULL, 5);
  baton_app_test_screenshot (GTK_WIDGET (T->window), "ringing-two");

  baton_app_test_invoke_notification_action (to_bob, "Decline");
  BATON_WAIT_FOR (baton_call_get_state (from_bob) == BATON_CALL_STATE_DISCONNECTED, 10);
  g_assert_cmpuint (baton_call_get_end_code (from_bob), ==, 603);
  g_assert_cmpuint (g_list_model_get_n_items (incoming), ==, 1);
  g_assert_cmpstr (caller_at (incoming, 0), ==, "alice");
  BATON_WAIT_FOR (to_bob->closed, 5);
  g_assert_false (to_alice->closed);
  g_assert_true (baton_ringer_get_ringing (T->app->ringer));

  baton_call_hang_up (from_alice);
  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) == 0, 15);
  g_assert_cmpuint (checks, ==, 4);
  g_assert_false (baton_ringer_get_ringing (T->app->ringer));
  BATON_WAIT_FOR (to_alice->closed, 5);

  unwatch_ringing (id);
  gtk_window_destroy (other);
}

/* Signing out while alice's call rings: the row, the notification and the
 * ringtone go with the agent (and Recent has no "Missed" for it). Signed
 * in again, the app shows the new agent's ringing calls. */
static void
test_ringing_sign_out (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  GListModel *incoming = baton_application_get_incoming_calls (T->app);
  GListModel *recent = baton_history_get_model (baton_application_get_history (T->app));
  g_autofree char *token = baton_test_server_token (T->server, "tom", 3600);
  g_autoptr(BatonCall) outgoing = NULL;
  g_autoptr(BatonCall) again = NULL;
  g_autoptr(GError) error = NULL;
  BatonAppTestNotification *notification;
  guint n_before = n_notifications ();
  guint n_recent;
  GtkWindow *other = window_to_background ();
  guint checks = 0;
  gulong id;

  outgoing = baton_call_agent_start_call (alice, "tom", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) == 1, 15);
  BATON_WAIT_FOR ((notification = find_notification (n_before, "Alice Liddell is calling")) != NULL, 5);
  g_assert_true (baton_ringer_get_ringing (T->app->ringer));
  n_recent = g_list_model_get_n_items (recent);

  g_action_group_activate_action (G_ACTION_GROUP (T->app), "sign-out", NULL);
  g_assert_null (baton_app_test_agent ());
  g_assert_cmpuint (g_list_model_get_n_items (incoming), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (T->window->calls)), ==, 0);
  g_assert_false (baton_ringer_get_ringing (T->app->ringer));
  BATON_WAIT_FOR (notification->closed, 5);
  g_assert_cmpuint (g_list_model_get_n_items (recent), ==, n_recent);
  baton_call_hang_up (outgoing);
  BATON_WAIT_FOR (baton_call_get_state (outgoing) == BATON_CALL_STATE_DISCONNECTED, 10);

  baton_application_sign_in (T->app, baton_test_server_get_uri (T->server), token, FALSE);
  /* No agent since the sign-out: any agent now is the new one. */
  BATON_WAIT_FOR (baton_app_test_agent () != NULL &&
                  baton_call_agent_get_connection_state (baton_app_test_agent ()) == BATON_CONNECTION_STATE_CONNECTED, 15);
  g_assert_true (baton_application_get_incoming_calls (T->app) == incoming);
  id = watch_ringing (&checks);
  again = baton_call_agent_start_call (alice, "tom", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) == 1, 15);
  g_assert_cmpuint (checks, ==, 1);
  g_assert_true (baton_ringer_get_ringing (T->app->ringer));
  baton_call_hang_up (again);
  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) == 0, 15);
  g_assert_cmpuint (checks, ==, 2);
  g_assert_false (baton_ringer_get_ringing (T->app->ringer));

  unwatch_ringing (id);
  gtk_window_destroy (other);
}

int
main (int   argc,
      char *argv[])
{
  baton_app_test_init (&argc, &argv, "tom", "Tom Baker",
                       "alice", "Alice Liddell",
                       "bob", "Bob Builder",
                       "carol", "Carol Danvers",
                       NULL);
  g_test_add_func ("/Baton/App/signed-in", test_signed_in);
  g_test_add_func ("/Baton/App/accept-shortcut", test_accept_shortcut);
  g_test_add_func ("/Baton/App/mute-hold-shortcuts", test_mute_hold_shortcuts);
  g_test_add_func ("/Baton/App/keypad-digits", test_keypad_digits);
  g_test_add_func ("/Baton/App/new-call-keyboard", test_new_call_keyboard);
  g_test_add_func ("/Baton/App/transfer-dialog-to-call", test_transfer_dialog_to_call);
  g_test_add_func ("/Baton/App/transfer-dialog-person-fails", test_transfer_dialog_person_fails);
  g_test_add_func ("/Baton/App/transfer-dialog-person-forwarded", test_transfer_dialog_person_forwarded);
  g_test_add_func ("/Baton/App/transfer-dialog-escape", test_transfer_dialog_escape);
  g_test_add_func ("/Baton/App/notification-and-ringtone", test_notification_and_ringtone);
  g_test_add_func ("/Baton/App/transferee", test_transferee);
  g_test_add_func ("/Baton/App/incoming-transferred-by", test_incoming_transferred_by);
  g_test_add_func ("/Baton/App/ringing-caller-gives-up", test_ringing_caller_gives_up);
  g_test_add_func ("/Baton/App/ringing-answered-elsewhere", test_ringing_answered_elsewhere);
  g_test_add_func ("/Baton/App/ringing-two", test_ringing_two);
  g_test_add_func ("/Baton/App/ringing-sign-out", test_ringing_sign_out);
  return baton_app_test_run ();
}
