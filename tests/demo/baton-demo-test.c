/* baton-demo-test.c: start baton-demo-bots from a test, and look for
 * processes left behind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "baton-demo-test.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

typedef struct
{
  gboolean done;
  char *line;
} LineWait;

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  LineWait *w = user_data;

  w->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  w->done = TRUE;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

DemoBots *
demo_bots_start (const char *uri,
                 const char *data_dir,
                 const char *call_user)
{
  DemoBots *bots = g_new0 (DemoBots, 1);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("BATON_DEMO_BOTS");
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint wake = g_timeout_add (50, wake_cb, NULL);

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (char *) binary);
  g_ptr_array_add (argv, (char *) "--server");
  g_ptr_array_add (argv, (char *) uri);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, (char *) data_dir);
  if (call_user != NULL)
    {
      g_ptr_array_add (argv, (char *) "--call");
      g_ptr_array_add (argv, (char *) call_user);
      g_ptr_array_add (argv, (char *) "--call-after");
      g_ptr_array_add (argv, (char *) "1");
    }
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  bots->proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  bots->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bots->proc));
  bots->contacts = g_ptr_array_new_with_free_func (g_free);

  for (;;)
    {
      LineWait w = { 0 };

      g_data_input_stream_read_line_async (bots->out, G_PRIORITY_DEFAULT, NULL, line_cb, &w);
      while (!w.done)
        {
          if (g_get_monotonic_time () > end)
            g_error ("baton-demo-bots did not get ready in 30 s");
          g_main_context_iteration (NULL, TRUE);
        }
      if (w.line == NULL)
        g_error ("baton-demo-bots exited before it was ready");
      if (g_str_equal (w.line, "ready"))
        {
          g_free (w.line);
          break;
        }
      if (g_str_has_prefix (w.line, "contact\t"))
        g_ptr_array_add (bots->contacts, g_strdup (w.line + strlen ("contact\t")));
      g_free (w.line);
    }
  g_source_remove (wake);
  return bots;
}

void
demo_bots_stop (DemoBots *bots)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_nonnull (bots->proc);
  g_subprocess_send_signal (bots->proc, SIGTERM);
  while (g_subprocess_get_identifier (bots->proc) != NULL)
    {
      if (g_get_monotonic_time () > end)
        g_error ("baton-demo-bots did not exit within 10 s of SIGTERM");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_true (g_subprocess_get_if_exited (bots->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (bots->proc), ==, 0);
  g_clear_object (&bots->out);
  g_clear_object (&bots->proc);
}

void
demo_bots_free (DemoBots *bots)
{
  if (bots->proc != NULL)
    {
      g_subprocess_force_exit (bots->proc);
      g_subprocess_wait (bots->proc, NULL, NULL);
    }
  g_clear_object (&bots->out);
  g_clear_object (&bots->proc);
  g_ptr_array_unref (bots->contacts);
  g_free (bots);
}

gboolean
demo_process_alive (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *close_paren;

  if (pid <= 0 || !g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  /* "PID (COMM) STATE …": a zombie has exited */
  close_paren = strrchr (stat, ')');
  return close_paren != NULL && close_paren[1] == ' ' && close_paren[2] != 'Z' && close_paren[2] != 'X';
}

guint
demo_count_processes (const char *needle)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;
      gsize length;
      GPid pid = (GPid) g_ascii_strtoll (name, NULL, 10);

      if (pid <= 0 || pid == getpid ())
        continue;
      path = g_strdup_printf ("/proc/%s/cmdline", name);
      if (!g_file_get_contents (path, &cmdline, &length, NULL) || length == 0)
        continue;
      for (gsize i = 0; i + 1 < length; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (strstr (cmdline, needle) != NULL && demo_process_alive (pid))
        n++;
    }
  return n;
}
