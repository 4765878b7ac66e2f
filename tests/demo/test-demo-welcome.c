/* test-demo-welcome.c: the real app in-process, first run: "Try It on This
 * Computer" starts the demo and signs in, the demo contacts show in
 * Contacts, Dave's call rings, a click on "Echo test" calls it, Alice is
 * transferred to Bob (Ctrl+T) and Carol to the call with Bob (Ctrl+Shift+T);
 * when the app quits nothing of the demo is left
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "baton-app-test.h"
#include "baton-demo-test.h"
#include "baton-transfer-dialog.h"

static const char *demo_names[] = {
  "Echo test", "Alice · demo", "Bob · demo", "Carol · demo", "Dave · calls you",
  "Erin · always busy", "Frank · forwards to Alice",
};

static GtkWidget *
find_contact_row (const char *title)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (T->window->contacts_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_PREFERENCES_ROW (row) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
      return row;
  return NULL;
}

static void
test_try_demo (void)
{
  GtkWidget *button = baton_app_test_find_button (GTK_WIDGET (T->window->welcome_page),
                                                  "_Try It on This Computer");

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (T->window->welcome_page)));
  g_assert_nonnull (button);
  baton_app_test_click (button);
  BATON_WAIT_FOR (baton_application_get_agent (T->app) != NULL, 60);
  g_assert_cmpstr (baton_call_agent_get_user_id (baton_application_get_agent (T->app)), ==, "me");
  BATON_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (T->window->search_entry)), 10);
  g_assert_null (baton_application_get_sign_in_error (T->app));
}

static void
test_contacts_shown (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_names); i++)
    BATON_WAIT_FOR (find_contact_row (demo_names[i]) != NULL, 5);
  baton_app_test_screenshot (GTK_WIDGET (T->window), "demo-contacts");
}

/* Dave calls a few seconds after the start: a ringing call in the app. */
static void
test_dave_calls (void)
{
  GListModel *incoming = baton_application_get_incoming_calls (T->app);
  g_autoptr(BatonIncomingCall) call = NULL;

  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) > 0, 30);
  call = g_list_model_get_item (incoming, 0);
  g_assert_cmpstr (baton_incoming_call_get_caller_id (call), ==, "dave");
  baton_app_test_screenshot (GTK_WIDGET (T->window), "demo-dave-calls");
  baton_application_decline (T->app, call);
  BATON_WAIT_FOR (g_list_model_get_n_items (incoming) == 0, 10);
}

/* A click on "Echo test" in Contacts calls it, and it answers. */
static void
test_call_echo (void)
{
  BatonCallAgent *agent = baton_application_get_agent (T->app);
  GtkWidget *row = find_contact_row ("Echo test");
  BatonCall *call;

  g_assert_nonnull (row);
  baton_app_test_click (row);
  BATON_WAIT_FOR (baton_app_test_call_in_state (agent, "echo", BATON_CALL_STATE_CONNECTED), 20);
  baton_app_test_screenshot (GTK_WIDGET (T->window), "demo-echo-call");
  call = baton_app_test_find_call (agent, "echo");
  baton_call_hang_up (call);
  BATON_WAIT_FOR (baton_app_test_n_calls (agent) == 0, 10);
}

static BatonCall *
call_contact (const char *title,
              const char *id)
{
  BatonCallAgent *agent = baton_application_get_agent (T->app);
  GtkWidget *row;

  /* Recent and Contacts settle after the last call (rows move) */
  baton_app_test_settle (600);
  row = find_contact_row (title);
  g_assert_nonnull (row);
  baton_app_test_click (row);
  BATON_WAIT_FOR (baton_app_test_find_call (agent, id) != NULL, 5);
  BATON_WAIT_FOR (baton_app_test_call_in_state (agent, id, BATON_CALL_STATE_CONNECTED), 20);
  return g_object_ref (baton_app_test_find_call (agent, id));
}

/* Alice answers; Ctrl+T, type bob, Enter: the service confirms, the toast
 * says so, and the app has no call left. */
static void
test_transfer_to_person (void)
{
  BatonCallAgent *agent = baton_application_get_agent (T->app);
  g_autoptr(BatonCall) a = call_contact ("Alice · demo", "alice");
  GtkWindow *dialog;

  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == a, 5);
  baton_app_test_key (GTK_WINDOW (T->window), "ctrl+t");
  BATON_WAIT_FOR ((dialog = baton_app_test_find_toplevel (BATON_TYPE_TRANSFER_DIALOG)) != NULL, 5);
  BATON_WAIT_FOR (gtk_root_get_focus (GTK_ROOT (dialog)) != NULL, 5);
  baton_app_test_type (dialog, "bob");
  baton_app_test_screenshot (GTK_WIDGET (dialog), "demo-transfer-dialog");
  baton_app_test_key (dialog, "Return");

  /* (the app ends A itself once the service says "transferred") */
  BATON_WAIT_FOR (baton_call_get_state (a) == BATON_CALL_STATE_DISCONNECTED, 30);
  BATON_WAIT_FOR (baton_app_test_n_calls (agent) == 0, 10);
  g_assert_cmpstr (baton_window_get_last_toast (T->window), ==, "Alice · demo transferred to Bob · demo");
}

/* Carol, then Bob (Carol waits on hold); select Carol, Ctrl+Shift+T, Enter
 * to confirm: Carol is put through to Bob. */
static void
test_transfer_to_call (void)
{
  BatonCallAgent *agent = baton_application_get_agent (T->app);
  g_autoptr(BatonCall) a = call_contact ("Carol · demo", "carol");
  g_autoptr(BatonCall) b = call_contact ("Bob · demo", "bob");
  GtkWindow *confirm;

  BATON_WAIT_FOR (baton_call_get_state (a) == BATON_CALL_STATE_LOCAL_HOLD, 10);

  baton_app_test_key (GTK_WINDOW (T->window), "alt+Up");
  BATON_WAIT_FOR (baton_window_get_selected_call (T->window) == a, 5);
  baton_app_test_screenshot (GTK_WIDGET (T->window), "demo-two-calls");
  baton_app_test_key (GTK_WINDOW (T->window), "ctrl+shift+t");
  BATON_WAIT_FOR ((confirm = baton_app_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, 5);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (confirm)), ==,
                   "Transfer Carol · demo to Bob · demo?");
  baton_app_test_key (confirm, "Return");
  BATON_WAIT_FOR (baton_app_test_n_calls (agent) == 0, 30);
  g_assert_cmpstr (baton_window_get_last_toast (T->window), ==, "Carol · demo transferred to Bob · demo");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *needle = NULL;
  int result;

  baton_app_test_init (&argc, &argv, "tom", "Tom Baker", NULL);
  dir = g_build_filename (g_get_user_data_dir (), "baton", "demo", NULL);
  needle = g_strconcat ("--data-dir ", dir, NULL);
  g_test_add_func ("/Baton/Demo/welcome/try-demo", test_try_demo);
  g_test_add_func ("/Baton/Demo/welcome/contacts-shown", test_contacts_shown);
  g_test_add_func ("/Baton/Demo/welcome/dave-calls", test_dave_calls);
  g_test_add_func ("/Baton/Demo/welcome/call-echo", test_call_echo);
  g_test_add_func ("/Baton/Demo/welcome/transfer-to-person", test_transfer_to_person);
  g_test_add_func ("/Baton/Demo/welcome/transfer-to-call", test_transfer_to_call);
  result = baton_app_test_run_full (FALSE);

  /* The app has quit: the demo's server and bots are gone. */
  if (demo_count_processes (needle) != 0)
    g_error ("demo processes left after the app quit");
  return result;
}
