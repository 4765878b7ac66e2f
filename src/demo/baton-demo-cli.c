/* baton-demo-cli.c: running baton-server's command line for the demo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo sets up its users and tokens the way a person would by hand:
 * `baton-server user list|user add|token|forwarding … --data-dir DIR`.
 */

#include "config.h"

#include "baton-demo-cli.h"

/* Runs `SERVER_BINARY ARGS… --data-dir DATA_DIR` and returns its standard
 * output, or NULL with @error set (its standard error in the message) when
 * it could not run or failed. */
char *
baton_demo_cli_run (const char          *server_binary,
                    const char          *data_dir,
                    const char * const  *args,
                    GError             **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (char *) server_binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, (char *) data_dir);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, error))
    return NULL;
  if (!g_subprocess_get_successful (proc))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "baton-server %s: %s", args[0],
                   err != NULL && *err != '\0' ? g_strstrip (err) : "failed");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* The ids of the users the data dir has (`user list`: one user a line, the
 * id first, then a tab), as a set of strings; NULL with @error set. */
GHashTable *
baton_demo_cli_user_ids (const char  *server_binary,
                         const char  *data_dir,
                         GError     **error)
{
  const char *list_args[] = { "user", "list", NULL };
  g_autofree char *list = baton_demo_cli_run (server_binary, data_dir, list_args, error);
  g_autoptr(GHashTable) ids = NULL;
  g_auto(GStrv) lines = NULL;

  if (list == NULL)
    return NULL;
  ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lines = g_strsplit (list, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", 2);

      if (fields[0] != NULL && *fields[0] != '\0')
        g_hash_table_add (ids, g_strdup (fields[0]));
    }
  return g_steal_pointer (&ids);
}
