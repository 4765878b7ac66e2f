/* test-app-ux.c: what a keyboard user meets after an action — where the
 * focus and the selection go when a call ends, what a shortcut says when
 * it cannot act, the transfer dialog's view of the other calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app signs in as tom with --server; alice and bob are SDK peers in
 * this process (bob answers every call). Real key presses through the X
 * server throughout.
 */
#include "config.h"

#include <adwaita.h>

#include "baton-app-test.h"
#include "baton-call-util.h"
#include "baton-transfer-dialog.h"

static GtkWidget *
focus_widget (void)
{
  return gtk_root_get_focus (GTK_ROOT (baton_app_test_window ()));
}

static gboolean
focus_in (GtkWidget *ancestor)
{
  GtkWidget *focus = focus_widget ();

  return focus != NULL && (focus == ancestor || gtk_widget_is_ancestor (focus, ancestor));
}

static const char *
focus_name (void)
{
  GtkWidget *focus = focus_widget ();

  return focus ? G_OBJECT_TYPE_NAME (focus) : "(none)";
}

/* The first descendant of @root whose action is @action. */
static GtkWidget *
find_actionable (GtkWidget  *root,
                 const char *action)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_ACTIONABLE (child) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action) == 0)
        return child;
      if ((found = find_actionable (child, action)) != NULL)
        return found;
    }
  return NULL;
}

/* The first AdwActionRow under @root titled @title. */
static AdwActionRow *
find_row (GtkWidget  *root,
          const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwActionRow *found;

      if (ADW_IS_ACTION_ROW (child) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
        return ADW_ACTION_ROW (child);
      if ((found = find_row (child, title)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_stack (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_STACK (child))
        return child;
      if ((found = find_stack (child)) != NULL)
        return found;
    }
  return NULL;
}

static BatonCall *
app_call (const char *peer)
{
  return baton_app_test_find_call (baton_app_test_agent (), peer);
}

/* alice (answered, then on hold) and bob (called from the keyboard). */
static void
two_calls (void)
{
  baton_app_test_answer_call_from ("alice");
  baton_app_test_peer ("bob", TRUE);
  baton_app_test_key (baton_app_test_window (), "ctrl+n");
  BATON_WAIT_FOR (focus_in (GTK_WIDGET (T->window->search_entry)), 5);
  baton_app_test_type (baton_app_test_window (), "bob");
  baton_app_test_key (baton_app_test_window (), "Return");
  BATON_WAIT_FOR (baton_app_test_call_in_state (baton_app_test_agent (), "bob", BATON_CALL_STATE_CONNECTED), 20);
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == app_call ("bob"), 5);
}

/* Two calls; Enter on the Hang Up button ends bob's: alice's call, the
 * one left, is selected and the focus stays in the call view (not lost,
 * not sent to the main menu). Ctrl+Shift+H ends alice's: with no call
 * left, the focus goes to the field that starts the next one. */
static void
test_hang_up_selects_the_call_left (void)
{
  GtkWidget *hang_up;

  two_calls ();
  hang_up = find_actionable (GTK_WIDGET (T->window->call_view), "win.hang-up");
  g_assert_nonnull (hang_up);
  gtk_widget_grab_focus (hang_up);
  g_assert_true (gtk_widget_has_focus (hang_up));
  baton_app_test_key (baton_app_test_window (), "Return");
  BATON_WAIT_FOR (app_call ("bob") == NULL, 15);
  baton_app_test_settle (300);
  g_test_message ("after the first hang-up: selected %p (alice %p), focus %s",
                  baton_window_get_selected_call (T->window), app_call ("alice"), focus_name ());
  g_assert_true (baton_window_get_selected_call (T->window) == app_call ("alice"));
  g_assert_true (focus_in (GTK_WIDGET (T->window->call_view)) ||
                 focus_in (baton_window_get_row_for_item (T->window, G_OBJECT (app_call ("alice")))));

  /* The shortcut acts on the call now selected. */
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+h");
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 15);
  baton_app_test_settle (300);
  g_test_message ("after the last hang-up: focus %s", focus_name ());
  g_assert_true (focus_in (GTK_WIDGET (T->window->search_entry)));
}

/* A call shortcut that cannot act now says why in a toast instead of
 * doing nothing. */
static void
test_shortcut_says_why (void)
{
  g_assert_cmpuint (baton_app_test_n_calls (baton_app_test_agent ()), ==, 0);
  baton_app_test_key (baton_app_test_window (), "ctrl+t");
  BATON_WAIT_FOR (g_strcmp0 (baton_window_get_last_toast (T->window), "No call is selected") == 0, 5);
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+a");
  BATON_WAIT_FOR (g_strcmp0 (baton_window_get_last_toast (T->window), "No call is ringing") == 0, 5);

  baton_app_test_answer_call_from ("alice");
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+t");
  BATON_WAIT_FOR (g_strcmp0 (baton_window_get_last_toast (T->window),
                             "Transferring to the other call needs exactly two calls") == 0, 5);
  g_assert_null (baton_app_test_find_toplevel (BATON_TYPE_TRANSFER_DIALOG));
  g_assert_null (baton_call_get_app_transfer (app_call ("alice")));
  baton_app_test_hang_up_all (baton_app_test_peer ("alice", FALSE));
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 10);
}

/* Typing in the search field when a call rings: the focus stays there
 * (the ringing call is selected, but side by side nothing moves the
 * focus), and Ctrl+Shift+A answers it (the field does not take it for
 * "select none"). */
static void
test_accept_from_search_field (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) outgoing = NULL;

  baton_app_test_key (baton_app_test_window (), "ctrl+n");
  BATON_WAIT_FOR (focus_in (GTK_WIDGET (T->window->search_entry)), 5);
  baton_app_test_type (baton_app_test_window (), "ca");
  outgoing = baton_call_agent_start_call (alice, "tom", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (baton_application_get_incoming_calls (T->app)) == 1, 15);
  g_test_message ("ringing: focus %s", focus_name ());
  g_assert_true (focus_in (GTK_WIDGET (T->window->search_entry)));
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+a");
  BATON_WAIT_FOR (baton_app_test_call_in_state (baton_app_test_agent (), "alice", BATON_CALL_STATE_CONNECTED), 20);
  gtk_editable_set_text (GTK_EDITABLE (T->window->search_entry), "");
  baton_app_test_hang_up_all (alice);
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 10);
}

/* The transfer dialog's page of calls shows each other call's state as the
 * SDK has it, also when it changes while the dialog is open. */
static void
test_transfer_dialog_call_state_live (void)
{
  BatonCallAgent *bob = baton_app_test_peer ("bob", TRUE);
  BatonCall *far;
  GtkWindow *dialog;
  AdwActionRow *row;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  two_calls ();
  baton_app_test_key (baton_app_test_window (), "alt+Up");
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == app_call ("alice"), 5);
  baton_app_test_key (baton_app_test_window (), "ctrl+t");
  BATON_WAIT_FOR ((dialog = baton_app_test_find_toplevel (BATON_TYPE_TRANSFER_DIALOG)) != NULL, 5);
  BATON_WAIT_FOR (gtk_root_get_focus (GTK_ROOT (dialog)) != NULL, 5);
  baton_app_test_key (dialog, "alt+c");
  BATON_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (find_stack (GTK_WIDGET (dialog)))),
                             "call") == 0, 5);
  /* bob's row on the calls page (not his contact on the person page) */
  row = find_row (gtk_stack_get_visible_child (GTK_STACK (find_stack (GTK_WIDGET (dialog)))), "Bob Builder");
  g_assert_nonnull (row);
  before = baton_call_dup_state_text (app_call ("bob"));
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, before);

  /* bob puts tom on hold from his side. */
  far = baton_app_test_find_call (bob, "tom");
  baton_call_hold_async (far, NULL, NULL, NULL);
  BATON_WAIT_FOR (baton_call_get_state (app_call ("bob")) == BATON_CALL_STATE_REMOTE_HOLD, 10);
  after = baton_call_dup_state_text (app_call ("bob"));
  g_assert_cmpstr (after, !=, before);
  BATON_WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (row), after) == 0, 5);

  baton_app_test_key (dialog, "Escape");
  BATON_WAIT_FOR (baton_app_test_find_toplevel (BATON_TYPE_TRANSFER_DIALOG) == NULL, 5);
  baton_app_test_hang_up_all (bob);
  baton_app_test_hang_up_all (baton_app_test_peer ("alice", FALSE));
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 10);
}

/* Ctrl+Shift+T asks "Transfer Alice to Bob?"; alice hangs up meanwhile: the
 * question goes (Enter would only fail), the toast says why, nothing is
 * transferred, and bob's call, the one left, is selected. */
static void
test_confirmation_goes_when_a_call_ends (void)
{
  BatonCallAgent *bob = baton_app_test_peer ("bob", TRUE);
  g_autoptr(BatonCall) b = NULL;
  GtkWindow *confirm;

  two_calls ();
  b = g_object_ref (app_call ("bob"));
  baton_app_test_key (baton_app_test_window (), "alt+Up");
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == app_call ("alice"), 5);
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+t");
  BATON_WAIT_FOR ((confirm = baton_app_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, 5);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (confirm)), ==,
                   "Transfer Alice Liddell to Bob Builder?");

  baton_app_test_hang_up_all (baton_app_test_peer ("alice", FALSE));
  BATON_WAIT_FOR (app_call ("alice") == NULL, 10);
  BATON_WAIT_FOR (baton_app_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL, 5);
  g_assert_cmpstr (baton_window_get_last_toast (T->window), ==, "The call with Alice Liddell has ended");
  g_assert_null (baton_call_get_app_transfer (b));
  g_assert_cmpint (baton_call_get_state (b), ==, BATON_CALL_STATE_CONNECTED);
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == b, 5);

  baton_app_test_hang_up_all (bob);
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 10);
}

/* Mute and Hold say what pressing them does now: "Unmute" once muted,
 * "Resume" once held (their tooltips; the accessible names are set by the
 * same code, GTK 4.8 has no public getter for them). */
static void
test_mute_hold_say_what_they_do (void)
{
  BatonCall *call = baton_app_test_answer_call_from ("alice");
  GtkWidget *mute = find_actionable (GTK_WIDGET (T->window->call_view), "win.toggle-mute");
  GtkWidget *hold = find_actionable (GTK_WIDGET (T->window->call_view), "win.toggle-hold");

  g_assert_nonnull (mute);
  g_assert_nonnull (hold);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (mute), ==, "Mute (Ctrl+Shift+M)");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (hold), ==, "Hold (Ctrl+Shift+P)");

  baton_app_test_key (baton_app_test_window (), "ctrl+shift+m");
  BATON_WAIT_FOR (baton_call_get_is_muted (call), 5);
  BATON_WAIT_FOR (g_strcmp0 (gtk_widget_get_tooltip_text (mute), "Unmute (Ctrl+Shift+M)") == 0, 5);
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+p");
  BATON_WAIT_FOR (baton_call_get_state (call) == BATON_CALL_STATE_LOCAL_HOLD, 10);
  BATON_WAIT_FOR (g_strcmp0 (gtk_widget_get_tooltip_text (hold), "Resume (Ctrl+Shift+P)") == 0, 5);

  baton_app_test_key (baton_app_test_window (), "ctrl+shift+p");
  BATON_WAIT_FOR (baton_call_get_state (call) == BATON_CALL_STATE_CONNECTED, 10);
  BATON_WAIT_FOR (g_strcmp0 (gtk_widget_get_tooltip_text (hold), "Hold (Ctrl+Shift+P)") == 0, 5);
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+m");
  BATON_WAIT_FOR (!baton_call_get_is_muted (call), 5);
  BATON_WAIT_FOR (g_strcmp0 (gtk_widget_get_tooltip_text (mute), "Mute (Ctrl+Shift+M)") == 0, 5);

  baton_app_test_hang_up_all (baton_app_test_peer ("alice", FALSE));
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 10);
}

int
main (int   argc,
      char *argv[])
{
  baton_app_test_init (&argc, &argv, "tom", "Tom Baker",
                       "alice", "Alice Liddell",
                       "bob", "Bob Builder",
                       NULL);
  g_test_add_func ("/Baton/App/UX/hang-up-selects-the-call-left", test_hang_up_selects_the_call_left);
  g_test_add_func ("/Baton/App/UX/shortcut-says-why", test_shortcut_says_why);
  g_test_add_func ("/Baton/App/UX/accept-from-search-field", test_accept_from_search_field);
  g_test_add_func ("/Baton/App/UX/transfer-dialog-call-state-live", test_transfer_dialog_call_state_live);
  g_test_add_func ("/Baton/App/UX/confirmation-goes-when-a-call-ends", test_confirmation_goes_when_a_call_ends);
  g_test_add_func ("/Baton/App/UX/mute-hold-say-what-they-do", test_mute_hold_say_what_they_do);
  return baton_app_test_run ();
}
