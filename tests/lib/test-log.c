/* test-log.c: baton_set_log_level(), log domains, and no token in the logs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "baton-lib-test-util.h"

static BatonTestServer *server;
static GPtrArray *captured; /* "DOMAIN\tMESSAGE" of every Baton* log message */

static GLogWriterOutput
writer (GLogLevelFlags   log_level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  if (domain && g_str_has_prefix (domain, "Baton") && captured)
    g_ptr_array_add (captured, g_strdup_printf ("%s\t%s", domain, message ? message : ""));

  /* keep GTest's fatal handling for criticals */
  if (log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    return g_log_writer_default (log_level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

static void
refresh_cb (BatonTokenCredential *credential,
            char                **new_token)
{
  *new_token = baton_test_server_token (server, "alice", 3600);
  baton_token_credential_set_token (credential, *new_token);
}

static void
run_session (char **token_out,
             char **new_token_out)
{
  g_autofree char *token = baton_test_server_token (server, "alice", 3);
  g_autoptr(BatonCallClient) client = baton_call_client_new ();
  g_autoptr(BatonTokenCredential) credential = baton_token_credential_new (token);
  g_autoptr(GError) error = NULL;
  BatonCallAgent *agent;
  char *new_token = NULL;

  g_signal_connect (credential, "refresh-needed", G_CALLBACK (refresh_cb), &new_token);
  agent = test_create_agent (client, credential, baton_test_server_get_uri (server), &error);
  g_assert_no_error (error);
  /* the token is refreshed through the connection */
  test_wait_until (new_token != NULL);
  test_spin (300);
  baton_call_agent_shutdown (agent);
  test_spin (50);
  g_assert_finalize_object (agent);

  *token_out = g_steal_pointer (&token);
  *new_token_out = new_token;
}

static void
test_verbose_no_token (void)
{
  g_autofree char *token = NULL;
  g_autofree char *new_token = NULL;
  gboolean agent_seen = FALSE, signaling_seen = FALSE;

  baton_set_log_level (BATON_LOG_LEVEL_VERBOSE);
  g_assert_cmpint (baton_get_log_level (), ==, BATON_LOG_LEVEL_VERBOSE);
  captured = g_ptr_array_new_with_free_func (g_free);
  run_session (&token, &new_token);

  for (guint i = 0; i < captured->len; i++)
    {
      const char *line = g_ptr_array_index (captured, i);
      g_auto(GStrv) parts = g_strsplit (token, ".", 3);
      g_auto(GStrv) new_parts = g_strsplit (new_token, ".", 3);

      agent_seen |= g_str_has_prefix (line, "Baton-Agent\t");
      signaling_seen |= g_str_has_prefix (line, "Baton-Signaling\t");
      /* neither token, nor its signature, nor its payload */
      g_assert_null (strstr (line, parts[2]));
      g_assert_null (strstr (line, parts[1]));
      g_assert_null (strstr (line, new_parts[2]));
      g_assert_null (strstr (line, new_parts[1]));
    }
  g_assert_true (agent_seen);
  g_assert_true (signaling_seen);
  g_clear_pointer (&captured, g_ptr_array_unref);
}

static void
test_error_level (void)
{
  g_autofree char *token = NULL;
  g_autofree char *new_token = NULL;

  baton_set_log_level (BATON_LOG_LEVEL_ERROR);
  captured = g_ptr_array_new_with_free_func (g_free);
  run_session (&token, &new_token);
  g_assert_cmpuint (captured->len, ==, 0);
  g_clear_pointer (&captured, g_ptr_array_unref);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_setenv ("BATON_LOG_LEVEL", "info", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (writer, NULL, NULL);

  server = baton_test_server_new ();
  baton_test_server_add_user (server, "alice", NULL);

  /* the environment gives the default */
  g_assert_cmpint (baton_get_log_level (), ==, BATON_LOG_LEVEL_INFO);

  g_test_add_func ("/Baton/Log/verbose-no-token", test_verbose_no_token);
  g_test_add_func ("/Baton/Log/error-level", test_error_level);

  ret = g_test_run ();
  baton_test_server_free (server);
  return ret;
}
