/* test-app-dnd.c: drag a call onto a call (or a contact) to transfer it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real pointer drags through the X server (xdotool): the drop target says
 * what will happen, a drop asks once, Enter confirms, and the transfer ends
 * as the service confirms it. The keyboard equivalent, Ctrl+Shift+T, too.
 */
#include "config.h"

#include "baton-app-test.h"
#include "baton-call-row.h"
#include "baton-call-util.h"

/* alice calls and tom answers (Ctrl+Shift+A); with @bob, tom then calls bob
 * (Ctrl+N, "bob", Enter). */
static void
set_up_calls (gboolean bob)
{
  baton_app_test_answer_call_from ("alice");
  if (!bob)
    return;
  baton_app_test_peer ("bob", TRUE);
  baton_app_test_key (baton_app_test_window (), "ctrl+n");
  baton_app_test_type (baton_app_test_window (), "bob");
  baton_app_test_key (baton_app_test_window (), "Return");
  BATON_WAIT_FOR (baton_app_test_call_in_state (baton_app_test_agent (), "bob", BATON_CALL_STATE_CONNECTED), 20);
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == baton_app_test_find_call (baton_app_test_agent (), "bob"), 5);
}

static GtkWidget *
row_of (const char *remote_id)
{
  BatonCall *call = baton_app_test_find_call (baton_app_test_agent (), remote_id);

  g_assert_nonnull (call);
  return baton_window_get_row_for_item (T->window, G_OBJECT (call));
}

/* Presses on @from and moves in steps onto @to, leaving the button down. */
static void
drag_to (GtkWidget *from,
         GtkWidget *to,
         double     to_dy)
{
  graphene_point_t a, b;

  g_assert_true (gtk_widget_compute_point (from, GTK_WIDGET (T->window), &GRAPHENE_POINT_INIT (0, 0), &a));
  g_assert_true (gtk_widget_compute_point (to, GTK_WIDGET (T->window), &GRAPHENE_POINT_INIT (0, 0), &b));
  baton_app_test_pointer_to (from, 0, 0);
  baton_app_test_button (TRUE);
  for (int i = 1; i < 8; i++)
    baton_app_test_pointer_to (from, (b.x - a.x) * i / 8.0, (b.y - a.y + to_dy) * i / 8.0);
  BATON_WAIT_FOR (gtk_widget_has_css_class (from, "dragged"), 5);
  baton_app_test_pointer_to (to, 0, to_dy);
}

static GtkWindow *
wait_for_confirmation (void)
{
  GtkWindow *dialog = NULL;

  BATON_WAIT_FOR ((dialog = baton_app_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, 5);
  return dialog;
}

/* Dropping a call on itself is refused, visibly. */
static void
test_drag_onto_itself_refused (void)
{
  GtkWidget *row;

  if (baton_app_test_n_calls (baton_app_test_agent ()) == 0)
    set_up_calls (TRUE);
  row = row_of ("alice");
  drag_to (row, row, 12);
  BATON_WAIT_FOR (gtk_widget_has_css_class (row, "drop-refuse"), 5);
  baton_app_test_button (FALSE);
  BATON_WAIT_FOR (!gtk_widget_has_css_class (row, "drop-refuse"), 5);
  /* The drag has ended (the row is no longer dimmed as dragged). */
  BATON_WAIT_FOR (!gtk_widget_has_css_class (row, "dragged"), 5);
  g_assert_null (baton_app_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_null (baton_call_get_app_transfer (baton_app_test_find_call (baton_app_test_agent (), "alice")));
}

/* Alice's row onto Bob's: "Transfer Alice Liddell to Bob Builder", one
 * confirmation, Enter; the service connects alice and bob. */
static void
test_drag_call_onto_call (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  BatonCallAgent *bob = baton_app_test_peer ("bob", TRUE);
  g_autoptr(BatonCall) a = NULL;
  GtkWidget *from, *to;
  GtkWindow *dialog;

  if (baton_app_test_n_calls (baton_app_test_agent ()) == 0)
    set_up_calls (TRUE);
  a = g_object_ref (baton_app_test_find_call (baton_app_test_agent (), "alice"));
  from = row_of ("alice");
  to = row_of ("bob");

  drag_to (from, to, 0);
  BATON_WAIT_FOR (gtk_widget_has_css_class (to, "drop-accept"), 5);
  baton_app_test_screenshot (GTK_WIDGET (T->window), "drag");
  baton_app_test_button (FALSE);

  dialog = wait_for_confirmation ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Transfer Alice Liddell to Bob Builder?");
  baton_app_test_screenshot (GTK_WIDGET (dialog), "drag-confirm");
  baton_app_test_key (dialog, "Return");

  baton_app_test_wait_transferred (a);
  BATON_WAIT_FOR (baton_app_test_call_in_state (alice, "bob", BATON_CALL_STATE_CONNECTED), 10);
  BATON_WAIT_FOR (baton_app_test_call_in_state (bob, "alice", BATON_CALL_STATE_CONNECTED), 10);
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 15);
  g_assert_cmpstr (baton_window_get_last_toast (T->window), ==, "Alice Liddell transferred to Bob Builder");
  baton_app_test_hang_up_all (alice);
  BATON_WAIT_FOR (baton_app_test_n_calls (bob) == 0, 10);
}

/* Ctrl+Shift+T with exactly two calls: the same confirmation, Enter. */
static void
test_transfer_to_other_call_shortcut (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  BatonCallAgent *bob = baton_app_test_peer ("bob", TRUE);
  g_autoptr(BatonCall) a = NULL;
  GtkWindow *dialog;

  set_up_calls (TRUE);
  a = g_object_ref (baton_app_test_find_call (baton_app_test_agent (), "alice"));
  baton_app_test_key (baton_app_test_window (), "alt+Up");
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == a, 5);
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+t");
  dialog = wait_for_confirmation ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Transfer Alice Liddell to Bob Builder?");
  baton_app_test_key (dialog, "Return");
  baton_app_test_wait_transferred (a);
  BATON_WAIT_FOR (baton_app_test_call_in_state (alice, "bob", BATON_CALL_STATE_CONNECTED), 10);
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 15);
  baton_app_test_hang_up_all (alice);
  BATON_WAIT_FOR (baton_app_test_n_calls (bob) == 0, 10);
}

static GtkWidget *
contact_row (const char *id)
{
  GtkListBox *list = T->window->contacts_list;
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "baton-peer-id"), id) == 0)
      return GTK_WIDGET (row);
  return NULL;
}

/* A call onto a contact: a blind transfer to that person. */
static void
test_drag_call_onto_contact (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  g_autoptr(BatonCall) a = NULL;
  GtkWidget *to;
  GtkWindow *dialog;

  set_up_calls (FALSE);
  a = g_object_ref (baton_app_test_find_call (baton_app_test_agent (), "alice"));
  to = contact_row ("bob");
  g_assert_nonnull (to);
  drag_to (row_of ("alice"), to, 0);
  BATON_WAIT_FOR (gtk_widget_has_css_class (to, "drop-accept"), 5);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (to)), ==, "Transfer Alice Liddell to Bob Builder");
  baton_app_test_button (FALSE);
  dialog = wait_for_confirmation ();
  baton_app_test_key (dialog, "Return");
  baton_app_test_wait_transferred (a);
  BATON_WAIT_FOR (baton_app_test_call_in_state (alice, "bob", BATON_CALL_STATE_CONNECTED), 10);
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_app_test_agent ()) == 0, 15);
  baton_app_test_hang_up_all (alice);
}

int
main (int   argc,
      char *argv[])
{
  baton_app_test_init (&argc, &argv, "tom", "Tom Baker",
                       "alice", "Alice Liddell",
                       "bob", "Bob Builder",
                       NULL);
  g_test_add_func ("/Baton/App/drag-call-onto-call", test_drag_call_onto_call);
  g_test_add_func ("/Baton/App/transfer-to-other-call-shortcut", test_transfer_to_other_call_shortcut);
  g_test_add_func ("/Baton/App/drag-call-onto-contact", test_drag_call_onto_contact);
  /* Last: after a refused drop, X11 GTK plays a "failed" animation during
   * which it starts no new drag. */
  g_test_add_func ("/Baton/App/drag-onto-itself-refused", test_drag_onto_itself_refused);
  return baton_app_test_run ();
}
