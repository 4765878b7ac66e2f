/* test-app-welcome.c: first run — the welcome page, signing in by typing the
 * server and the token, and an expired sign-in (the demo button: tests/demo)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "baton-app-test.h"

static gboolean
showing_welcome (void)
{
  return T->window->welcome_page != NULL &&
         gtk_widget_get_mapped (GTK_WIDGET (T->window->welcome_page));
}

static void
test_welcome_shown (void)
{
  g_assert_true (showing_welcome ());
  g_assert_null (baton_application_get_agent (T->app));
  baton_app_test_screenshot (GTK_WIDGET (T->window), "welcome");
}

/* Not signed in, the calls page (the sidebar's lists, the search field, the
 * main menu, the call view) is not built: every launch draws its first frame
 * here, and that page was as costly as the rest of the window
 * (docs/PERFORMANCE.md, App). sign-in-and-expiry shows it built and shown
 * once signed in. */
static void
test_calls_page_on_demand (void)
{
  g_assert_true (showing_welcome ());
  g_assert_null (T->window->leaflet);
  g_assert_null (T->window->calls_list);
  g_assert_null (T->window->call_view);
  g_assert_null (gtk_stack_get_child_by_name (T->window->main_stack, "calls"));
}

/* A wrong address is caught before anything is sent. */
static void
test_bad_address (void)
{
  GtkWidget *button = baton_app_test_find_button (GTK_WIDGET (T->window->welcome_page), "_Sign In");

  baton_app_test_click (button);
  BATON_WAIT_FOR (g_strcmp0 (baton_welcome_page_get_error (T->window->welcome_page),
                             "Enter the address of your Baton server") == 0, 5);
}

/* Type the server, Enter, type a token (valid for a few seconds), Enter:
 * signed in, and the welcome page is dropped. When the token expires, the banner says so and "Sign In Again"
 * brings the welcome page back with the server filled in. */
static void
test_sign_in_and_expiry (void)
{
  g_autofree char *token = baton_test_server_token (T->server, "tom", 12);
  const char *uri = baton_test_server_get_uri (T->server);
  GtkWidget *button;

  baton_app_test_type (GTK_WINDOW (T->window), uri);
  baton_app_test_key (GTK_WINDOW (T->window), "Return");
  baton_app_test_type (GTK_WINDOW (T->window), token);
  baton_app_test_key (GTK_WINDOW (T->window), "Return");
  BATON_WAIT_FOR (baton_application_get_agent (T->app) != NULL, 15);
  BATON_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (T->window->search_entry)), 5);
  g_assert_cmpstr (baton_call_agent_get_user_id (baton_application_get_agent (T->app)), ==, "tom");
  /* Signed in, the welcome page goes once the calls page has faded in */
  BATON_WAIT_FOR (T->window->welcome_page == NULL, 5);
  g_assert_null (gtk_stack_get_child_by_name (T->window->main_stack, "welcome"));

  BATON_WAIT_FOR (gtk_revealer_get_reveal_child (T->window->banner_revealer), 30);
  g_assert_cmpstr (gtk_label_get_label (T->window->banner_label), ==, "Your sign-in has expired");
  g_assert_cmpstr (gtk_button_get_label (T->window->banner_button), ==, "Sign In Again");
  baton_app_test_screenshot (GTK_WIDGET (T->window), "sign-in-expired");
  button = GTK_WIDGET (T->window->banner_button);
  baton_app_test_click (button);
  BATON_WAIT_FOR (showing_welcome (), 5);
  g_assert_cmpstr (baton_welcome_page_get_server (T->window->welcome_page), ==, uri);
}

int
main (int   argc,
      char *argv[])
{
  baton_app_test_init (&argc, &argv, "tom", "Tom Baker", NULL);
  g_test_add_func ("/Baton/App/welcome-shown", test_welcome_shown);
  g_test_add_func ("/Baton/App/calls-page-on-demand", test_calls_page_on_demand);
  g_test_add_func ("/Baton/App/bad-address", test_bad_address);
  g_test_add_func ("/Baton/App/sign-in-and-expiry", test_sign_in_and_expiry);
  return baton_app_test_run_full (FALSE);
}
