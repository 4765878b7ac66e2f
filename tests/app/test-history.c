/* test-history.c: Recent is kept across restarts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "baton-history.h"

static void
test_kept_across_restarts (void)
{
  g_autofree char *dir = g_dir_make_tmp ("baton-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "baton", "history.ini", NULL);
  g_autoptr(BatonHistory) first = baton_history_new (path);
  g_autoptr(BatonHistory) second = NULL;
  g_autoptr(BatonHistoryEntry) newest = NULL;
  g_autoptr(BatonHistoryEntry) oldest = NULL;
  GListModel *model;

  g_assert_cmpuint (g_list_model_get_n_items (baton_history_get_model (first)), ==, 0);
  baton_history_add (first, "alice", "Alice Liddell", TRUE, 1000, "Transferred to Bob Builder");
  baton_history_add (first, "bob", "Bob “The” Builder", FALSE, 2000, "Lasted 1:02");
  g_clear_object (&first);

  second = baton_history_new (path);
  model = baton_history_get_model (second);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  newest = g_list_model_get_item (model, 0);
  oldest = g_list_model_get_item (model, 1);
  g_assert_cmpstr (baton_history_entry_get_peer_id (newest), ==, "bob");
  g_assert_cmpstr (baton_history_entry_get_peer_name (newest), ==, "Bob “The” Builder");
  g_assert_false (baton_history_entry_get_incoming (newest));
  g_assert_cmpint (baton_history_entry_get_time (newest), ==, 2000);
  g_assert_cmpstr (baton_history_entry_get_outcome (newest), ==, "Lasted 1:02");
  g_assert_cmpstr (baton_history_entry_get_peer_id (oldest), ==, "alice");
  g_assert_true (baton_history_entry_get_incoming (oldest));
  g_assert_cmpstr (baton_history_entry_get_outcome (oldest), ==, "Transferred to Bob Builder");

  {
    g_autofree char *parent = g_path_get_dirname (path);

    g_unlink (path);
    g_rmdir (parent);
    g_rmdir (dir);
  }
}

static void
test_bounded (void)
{
  g_autofree char *dir = g_dir_make_tmp ("baton-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.ini", NULL);
  g_autoptr(BatonHistory) history = baton_history_new (path);
  g_autoptr(BatonHistoryEntry) newest = NULL;

  for (int i = 0; i < 250; i++)
    {
      g_autofree char *id = g_strdup_printf ("user%d", i);

      baton_history_add (history, id, NULL, FALSE, i, "");
    }
  g_assert_cmpuint (g_list_model_get_n_items (baton_history_get_model (history)), ==, 200);
  newest = g_list_model_get_item (baton_history_get_model (history), 0);
  g_assert_cmpstr (baton_history_entry_get_peer_id (newest), ==, "user249");
  /* A name-less entry shows its id. */
  g_assert_cmpstr (baton_history_entry_get_peer_name (newest), ==, "user249");
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Baton/App/History/kept-across-restarts", test_kept_across_restarts);
  g_test_add_func ("/Baton/App/History/bounded", test_bounded);
  return g_test_run ();
}
