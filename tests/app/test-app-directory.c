/* test-app-directory.c: Contacts is the service's directory (names, online
 * state, search), the transfer dialog and its toast name people from it, and
 * Preferences' Call Forwarding reads and writes the service's settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>

#include "baton-app-test.h"
#include "baton-preferences-window.h"
#include "baton-transfer-dialog.h"

static GtkListBoxRow *
contact_row (const char *id)
{
  GtkListBox *list = T->window->contacts_list;
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "baton-peer-id"), id) == 0)
      return row;
  return NULL;
}

static guint
n_contact_rows (void)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (T->window->contacts_list, n) != NULL)
    n++;
  return n;
}

static const char *
row_title (GtkListBoxRow *row)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found)
        return found;
    }
  return NULL;
}

/* What the row's presence label says ("Online" / "Offline"). */
static const char *
presence_of (const char *id)
{
  GtkListBoxRow *row = contact_row (id);
  GtkWidget *label;

  if (row == NULL)
    return NULL;
  label = find_named (GTK_WIDGET (row), "presence");
  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static void
clear_search (void)
{
  gtk_widget_grab_focus (GTK_WIDGET (T->window->search_entry));
  baton_app_test_key (baton_app_test_window (), "ctrl+a");
  baton_app_test_key (baton_app_test_window (), "BackSpace");
  BATON_WAIT_FOR (*gtk_editable_get_text (GTK_EDITABLE (T->window->search_entry)) == '\0', 5);
}

/* Contacts lists the service's users by display name (nobody was ever in a
 * call with the app), but not the app's own user. */
static void
test_contacts_directory (void)
{
  BATON_WAIT_FOR (n_contact_rows () == 4, 10);
  g_assert_cmpstr (row_title (contact_row ("alice")), ==, "Alice Liddell");
  g_assert_cmpstr (row_title (contact_row ("bob")), ==, "Bob Builder");
  g_assert_cmpstr (row_title (contact_row ("carol")), ==, "Carol Danvers");
  g_assert_cmpstr (row_title (contact_row ("dave")), ==, "Dave Davies");
  g_assert_null (contact_row ("tom"));
  /* sorted by name */
  g_assert_cmpstr (row_title (gtk_list_box_get_row_at_index (T->window->contacts_list, 0)), ==, "Alice Liddell");
  g_assert_cmpstr (row_title (gtk_list_box_get_row_at_index (T->window->contacts_list, 3)), ==, "Dave Davies");
  g_assert_true (gtk_widget_get_visible (T->window->contacts_label));
  g_assert_cmpstr (presence_of ("alice"), ==, "Offline");
}

/* Ctrl+N and typing filter Contacts by a part of the name or of the id;
 * looking up reads the directory again, so alice, signed in meanwhile,
 * shows online. */
static void
test_contacts_search (void)
{
  baton_app_test_peer ("alice", FALSE);

  baton_app_test_key (baton_app_test_window (), "ctrl+n");
  BATON_WAIT_FOR (gtk_widget_has_focus (GTK_WIDGET (T->window->search_entry)) ||
                  gtk_widget_is_focus (gtk_widget_get_first_child (GTK_WIDGET (T->window->search_entry))) ||
                  gtk_root_get_focus (GTK_ROOT (T->window)) != NULL, 5);
  baton_app_test_type (baton_app_test_window (), "danv");
  BATON_WAIT_FOR (n_contact_rows () == 1 && contact_row ("carol") != NULL, 5);
  g_assert_cmpstr (row_title (contact_row ("carol")), ==, "Carol Danvers");

  clear_search ();
  baton_app_test_type (baton_app_test_window (), "LID");
  BATON_WAIT_FOR (n_contact_rows () == 1 && contact_row ("alice") != NULL, 5);
  BATON_WAIT_FOR (g_strcmp0 (presence_of ("alice"), "Online") == 0, 10);

  /* by id */
  clear_search ();
  baton_app_test_type (baton_app_test_window (), "dave");
  BATON_WAIT_FOR (n_contact_rows () == 1 && contact_row ("dave") != NULL, 5);
  g_assert_cmpstr (presence_of ("dave"), ==, "Offline");
  clear_search ();
  BATON_WAIT_FOR (n_contact_rows () == 4, 5);
}

/* A user added to the service while the app runs appears (and can be found)
 * without restarting. */
static void
test_contacts_new_user (void)
{
  baton_test_server_add_user (T->server, "erin", "Erin Hannon");
  gtk_widget_grab_focus (GTK_WIDGET (T->window->search_entry));
  baton_app_test_type (baton_app_test_window (), "hann");
  BATON_WAIT_FOR (n_contact_rows () == 1 && contact_row ("erin") != NULL, 10);
  g_assert_cmpstr (row_title (contact_row ("erin")), ==, "Erin Hannon");
  clear_search ();
  BATON_WAIT_FOR (n_contact_rows () == 5, 5);
  BATON_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (contact_row ("erin"))), 5);
  baton_app_test_screenshot (GTK_WIDGET (T->window), "contacts");
}

/* The rows of the transfer dialog's person page: "id=Name", joined by ", ". */
static void
collect_people (GtkWidget *root,
                GString   *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      const char *id = g_object_get_data (G_OBJECT (child), "baton-id");

      if (id != NULL && ADW_IS_PREFERENCES_ROW (child) && gtk_widget_get_child_visible (child))
        g_string_append_printf (out, "%s%s=%s", out->len ? ", " : "", id,
                                adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)));
      collect_people (child, out);
    }
}

static char *
people_of (GtkWindow *dialog)
{
  GString *out = g_string_new (NULL);

  collect_people (GTK_WIDGET (dialog), out);
  return g_string_free (out, FALSE);
}

static gboolean
people_are (GtkWindow  *dialog,
            const char *expected)
{
  g_autofree char *people = people_of (dialog);

  return g_str_equal (people, expected);
}

/* The transfer dialog's person page lists the directory by name; transferred
 * to dave (never met before), the toast names him. */
static void
test_transfer_dialog_names (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  BatonCallAgent *dave = baton_app_test_peer ("dave", TRUE);
  g_autoptr(BatonCall) outgoing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *people = NULL;
  GtkWindow *dialog;

  outgoing = baton_call_agent_start_call (alice, "tom", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (g_list_model_get_n_items (baton_application_get_incoming_calls (T->app)) == 1, 15);
  baton_app_test_key (baton_app_test_window (), "ctrl+shift+a");
  BATON_WAIT_FOR (baton_app_test_call_in_state (baton_application_get_agent (T->app), "alice",
                                                BATON_CALL_STATE_CONNECTED), 20);

  baton_app_test_key (baton_app_test_window (), "ctrl+t");
  BATON_WAIT_FOR ((dialog = baton_app_test_find_toplevel (BATON_TYPE_TRANSFER_DIALOG)) != NULL, 5);
  BATON_WAIT_FOR (gtk_root_get_focus (GTK_ROOT (dialog)) != NULL, 5);
  /* everybody but the two in the call */
  people = people_of (dialog);
  g_assert_nonnull (strstr (people, "bob=Bob Builder"));
  g_assert_nonnull (strstr (people, "carol=Carol Danvers"));
  g_assert_nonnull (strstr (people, "dave=Dave Davies"));
  g_assert_null (strstr (people, "alice="));
  g_clear_pointer (&people, g_free);

  baton_app_test_type (dialog, "davi");
  BATON_WAIT_FOR (people_are (dialog, "dave=Dave Davies"), 5);
  baton_app_test_screenshot (GTK_WIDGET (dialog), "transfer-dialog-directory");
  baton_app_test_key (dialog, "BackSpace");
  baton_app_test_key (dialog, "BackSpace");
  baton_app_test_type (dialog, "ve");
  baton_app_test_key (dialog, "Return");
  BATON_WAIT_FOR (baton_app_test_find_toplevel (BATON_TYPE_TRANSFER_DIALOG) == NULL, 5);

  BATON_WAIT_FOR (baton_app_test_call_in_state (dave, "alice", BATON_CALL_STATE_CONNECTED), 20);
  BATON_WAIT_FOR (baton_app_test_n_calls (baton_application_get_agent (T->app)) == 0, 15);
  g_assert_cmpstr (baton_window_get_last_toast (T->window), ==, "Alice Liddell transferred to Dave Davies");

  baton_call_hang_up (baton_app_test_find_call (alice, "dave"));
  BATON_WAIT_FOR (baton_app_test_n_calls (dave) == 0, 10);
}

/* `baton-server forwarding tom` says "always\tX\nunanswered\tY\nafter\tN\n". */
static char *
stored_forwarding (void)
{
  const char *args[] = { "forwarding", T->user, NULL };
  g_autofree char *err = NULL;
  char *out = NULL;

  g_assert_cmpint (baton_test_server_run_cli (T->server, args, &out, &err), ==, 0);
  return out;
}

static BatonPreferencesWindow *prefs;

static gboolean
stored_is (const char *expected)
{
  g_autofree char *out = stored_forwarding ();

  if (g_str_equal (out, expected))
    return TRUE;
  baton_app_test_settle (100);
  return FALSE;
}

/* Preferences shows the forwarding the service has. */
static void
test_preferences_forwarding_shown (void)
{
  GtkWidget *page;

  baton_test_server_set_forwarding (T->server, "tom", NULL, "bob", 25);
  baton_app_test_key (baton_app_test_window (), "ctrl+comma");
  BATON_WAIT_FOR ((prefs = (BatonPreferencesWindow *) baton_app_test_find_toplevel (BATON_TYPE_PREFERENCES_WINDOW)) != NULL, 5);
  BATON_WAIT_FOR (baton_preferences_window_get_forwarding_ready (prefs), 10);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (baton_preferences_window_get_always_row (prefs))), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (baton_preferences_window_get_unanswered_row (prefs))), ==, "bob");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (baton_preferences_window_get_timeout_spin (prefs)), ==, 25);

  /* the Call Forwarding page, as its tab would show it */
  page = gtk_widget_get_ancestor (GTK_WIDGET (baton_preferences_window_get_always_row (prefs)),
                                  ADW_TYPE_PREFERENCES_PAGE);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), ADW_PREFERENCES_PAGE (page));
  BATON_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (baton_preferences_window_get_always_row (prefs))), 5);
  baton_app_test_screenshot (GTK_WIDGET (prefs), "preferences-forwarding");
}

/* Typed in and applied with Enter, the settings are stored by the service;
 * the seconds too; emptied, a target is cleared. */
static void
test_preferences_forwarding_change (void)
{
  GtkWidget *always = GTK_WIDGET (baton_preferences_window_get_always_row (prefs));
  GtkWidget *unanswered = GTK_WIDGET (baton_preferences_window_get_unanswered_row (prefs));
  GtkWidget *spin = GTK_WIDGET (baton_preferences_window_get_timeout_spin (prefs));

  gtk_widget_grab_focus (always);
  baton_app_test_type (GTK_WINDOW (prefs), "carol");
  baton_app_test_key (GTK_WINDOW (prefs), "Return");
  BATON_WAIT_FOR (stored_is ("always\tcarol\nunanswered\tbob\nafter\t25\n"), 10);

  gtk_widget_grab_focus (spin);
  baton_app_test_key (GTK_WINDOW (prefs), "ctrl+a");
  baton_app_test_type (GTK_WINDOW (prefs), "45");
  baton_app_test_key (GTK_WINDOW (prefs), "Return");
  BATON_WAIT_FOR (stored_is ("always\tcarol\nunanswered\tbob\nafter\t45\n"), 10);

  gtk_widget_grab_focus (unanswered);
  baton_app_test_key (GTK_WINDOW (prefs), "ctrl+a");
  baton_app_test_key (GTK_WINDOW (prefs), "BackSpace");
  baton_app_test_key (GTK_WINDOW (prefs), "Return");
  BATON_WAIT_FOR (stored_is ("always\tcarol\nunanswered\t-\nafter\t45\n"), 10);
}

/* An unknown user is refused by the service: nothing is stored, and the row
 * goes back to what the service has. */
static void
test_preferences_forwarding_unknown (void)
{
  GtkWidget *always = GTK_WIDGET (baton_preferences_window_get_always_row (prefs));
  g_autofree char *out = NULL;

  gtk_widget_grab_focus (always);
  baton_app_test_key (GTK_WINDOW (prefs), "ctrl+a");
  baton_app_test_type (GTK_WINDOW (prefs), "nobody");
  baton_app_test_key (GTK_WINDOW (prefs), "Return");
  BATON_WAIT_FOR (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (always)), "carol"), 10);
  out = stored_forwarding ();
  g_assert_cmpstr (out, ==, "always\tcarol\nunanswered\t-\nafter\t45\n");
}

/* A reply that comes while the user is typing leaves what they typed alone:
 * with the service stopped, one value is saved and its row typed in again,
 * and the text of another row selected; once the reply comes, the first row
 * keeps the new text and the other row its selection. */
static void
test_preferences_forwarding_edit_kept (void)
{
  GtkWidget *always = GTK_WIDGET (baton_preferences_window_get_always_row (prefs));
  GtkWidget *unanswered = GTK_WIDGET (baton_preferences_window_get_unanswered_row (prefs));
  const char *last = NULL;
  guint n_toasts = baton_preferences_window_get_toasts (prefs, NULL);
  GPid pid = baton_test_server_get_pid (T->server);
  int start = -1, end = -1;

  g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
  gtk_widget_grab_focus (unanswered);
  baton_app_test_key (GTK_WINDOW (prefs), "ctrl+a");
  baton_app_test_type (GTK_WINDOW (prefs), "bob");
  baton_app_test_key (GTK_WINDOW (prefs), "Return");
  baton_app_test_settle (200);
  baton_app_test_key (GTK_WINDOW (prefs), "ctrl+a");
  baton_app_test_type (GTK_WINDOW (prefs), "alice");
  BATON_WAIT_FOR (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (unanswered)), "alice"), 5);
  gtk_widget_grab_focus (always);
  baton_app_test_key (GTK_WINDOW (prefs), "ctrl+a");
  g_assert_true (gtk_editable_get_selection_bounds (GTK_EDITABLE (always), &start, &end));
  g_assert_cmpint (end - start, ==, 5);
  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);

  BATON_WAIT_FOR (baton_preferences_window_get_toasts (prefs, &last) == n_toasts + 1, 10);
  g_assert_cmpstr (last, ==, "Call forwarding saved");
  g_assert_true (stored_is ("always\tcarol\nunanswered\tbob\nafter\t45\n"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (unanswered)), ==, "alice");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (always)), ==, "carol");
  g_assert_true (gtk_editable_get_selection_bounds (GTK_EDITABLE (always), &start, &end));
  g_assert_cmpint (end - start, ==, 5);

  gtk_widget_grab_focus (unanswered);
  baton_app_test_key (GTK_WINDOW (prefs), "Return");
  BATON_WAIT_FOR (stored_is ("always\tcarol\nunanswered\talice\nafter\t45\n"), 10);
  BATON_WAIT_FOR (baton_preferences_window_get_toasts (prefs, &last) == n_toasts + 2, 10);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (unanswered)), ==, "alice");

  /* as it was */
  baton_app_test_key (GTK_WINDOW (prefs), "ctrl+a");
  baton_app_test_key (GTK_WINDOW (prefs), "BackSpace");
  baton_app_test_key (GTK_WINDOW (prefs), "Return");
  BATON_WAIT_FOR (stored_is ("always\tcarol\nunanswered\t-\nafter\t45\n"), 10);
  BATON_WAIT_FOR (baton_preferences_window_get_toasts (prefs, NULL) == n_toasts + 3, 10);
}

/* Set in Preferences, the forwarding applies: alice's call to tom rings carol. */
static void
test_preferences_forwarding_applies (void)
{
  BatonCallAgent *alice = baton_app_test_peer ("alice", FALSE);
  BatonCallAgent *carol = baton_app_test_peer ("carol", TRUE);
  g_autoptr(BatonCall) call = NULL;
  g_autoptr(GError) error = NULL;

  call = baton_call_agent_start_call (alice, "tom", &error);
  g_assert_no_error (error);
  BATON_WAIT_FOR (baton_app_test_call_in_state (carol, "alice", BATON_CALL_STATE_CONNECTED), 20);
  g_assert_cmpuint (g_list_model_get_n_items (baton_application_get_incoming_calls (T->app)), ==, 0);
  baton_call_hang_up (call);
  BATON_WAIT_FOR (baton_app_test_n_calls (carol) == 0, 10);
}

/* Escape closes Preferences wherever the focus is, also in a text field
 * (an entry row with an edit not applied, which is dropped; the seconds). */
static void
test_preferences_escape_in_entry (void)
{
  GtkWidget *always = GTK_WIDGET (baton_preferences_window_get_always_row (prefs));
  g_autofree char *out = NULL;

  gtk_widget_grab_focus (always);
  baton_app_test_key (GTK_WINDOW (prefs), "ctrl+a");
  baton_app_test_type (GTK_WINDOW (prefs), "dave");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (prefs)), always));
  baton_app_test_key (GTK_WINDOW (prefs), "Escape");
  BATON_WAIT_FOR (baton_app_test_find_toplevel (BATON_TYPE_PREFERENCES_WINDOW) == NULL, 5);
  prefs = NULL;
  out = stored_forwarding ();
  g_assert_cmpstr (out, ==, "always\tcarol\nunanswered\t-\nafter\t45\n");

  baton_app_test_key (baton_app_test_window (), "ctrl+comma");
  BATON_WAIT_FOR ((prefs = (BatonPreferencesWindow *) baton_app_test_find_toplevel (BATON_TYPE_PREFERENCES_WINDOW)) != NULL, 5);
  BATON_WAIT_FOR (baton_preferences_window_get_forwarding_ready (prefs), 10);
  gtk_widget_grab_focus (GTK_WIDGET (baton_preferences_window_get_timeout_spin (prefs)));
  baton_app_test_key (GTK_WINDOW (prefs), "Escape");
  BATON_WAIT_FOR (baton_app_test_find_toplevel (BATON_TYPE_PREFERENCES_WINDOW) == NULL, 5);
  prefs = NULL;
}

int
main (int   argc,
      char *argv[])
{
  baton_app_test_init (&argc, &argv, "tom", "Tom Baker",
                       "alice", "Alice Liddell",
                       "bob", "Bob Builder",
                       "carol", "Carol Danvers",
                       "dave", "Dave Davies",
                       NULL);
  g_test_add_func ("/Baton/App/contacts-directory", test_contacts_directory);
  g_test_add_func ("/Baton/App/contacts-search", test_contacts_search);
  g_test_add_func ("/Baton/App/contacts-new-user", test_contacts_new_user);
  g_test_add_func ("/Baton/App/transfer-dialog-names", test_transfer_dialog_names);
  g_test_add_func ("/Baton/App/preferences-forwarding-shown", test_preferences_forwarding_shown);
  g_test_add_func ("/Baton/App/preferences-forwarding-change", test_preferences_forwarding_change);
  g_test_add_func ("/Baton/App/preferences-forwarding-unknown", test_preferences_forwarding_unknown);
  g_test_add_func ("/Baton/App/preferences-forwarding-edit-kept", test_preferences_forwarding_edit_kept);
  g_test_add_func ("/Baton/App/preferences-forwarding-applies", test_preferences_forwarding_applies);
  g_test_add_func ("/Baton/App/preferences-escape-in-entry", test_preferences_escape_in_entry);
  return baton_app_test_run ();
}
