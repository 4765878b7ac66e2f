/* baton-server-cli.c: user add, user list, token, forwarding, and dispatch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "baton-server-cli.h"
#include "baton-server-jwt.h"
#include "baton-server-message.h"
#include "baton-server-store.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>

static const char usage_text[] =
  "Usage:\n"
  "  baton-server serve --listen HOST:PORT --data-dir DIR [--tls-certificate PEM --tls-private-key PEM]\n"
  "  baton-server user add USER_ID [--display-name NAME] --data-dir DIR\n"
  "  baton-server user list --data-dir DIR\n"
  "  baton-server token USER_ID [--ttl SECONDS] --data-dir DIR\n"
  "  baton-server forwarding USER_ID [--always TARGET] [--unanswered TARGET] [--after SECONDS] [--clear] --data-dir DIR\n";

static int
usage_error (const char *fmt,
             ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *fmt,
             ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_printerr ("baton-server: %s\n\n%s", msg, usage_text);
  return BATON_EXIT_USAGE;
}

static int
fail (const char *fmt,
      ...) G_GNUC_PRINTF (1, 2);

static int
fail (const char *fmt,
      ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_printerr ("baton-server: %s\n", msg);
  return BATON_EXIT_FAILURE;
}

/* Parses the options of a subcommand; argv is the subcommand's own (argv[0] = its name). */
static int
parse (const char   *summary,
       GOptionEntry *entries,
       int          *argc,
       char       ***argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (summary);
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_help_enabled (ctx, TRUE);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    return usage_error ("%s", error->message);
  return BATON_EXIT_OK;
}

static BatonStore *
open_store (const char *data_dir,
            gboolean    create)
{
  g_autoptr(GError) error = NULL;
  BatonStore *store;

  if (data_dir == NULL)
    {
      usage_error ("--data-dir is required");
      return NULL;
    }
  if (create && g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      fail ("cannot create %s: %s", data_dir, g_strerror (errno));
      return NULL;
    }
  if (!g_file_test (data_dir, G_FILE_TEST_IS_DIR))
    {
      fail ("%s is not a directory", data_dir);
      return NULL;
    }
  store = baton_store_sqlite_new (data_dir, &error);
  if (store == NULL)
    fail ("%s", error->message);
  return store;
}

static int
cmd_user_add (int    argc,
              char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *name = NULL;
  g_autoptr(BatonStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &name, "Display name", "NAME" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory", "DIR" },
    { NULL }
  };
  int rc = parse ("USER_ID - add a user", entries, &argc, &argv);

  if (rc != BATON_EXIT_OK)
    return rc;
  if (argc != 2)
    return usage_error ("user add takes exactly one USER_ID");
  if (!baton_is_valid_user_id (argv[1]))
    return usage_error ("'%s' is not a valid user id (1–64 of A-Z a-z 0-9 . _ @ -)", argv[1]);
  if (name && !g_utf8_validate (name, -1, NULL))
    return usage_error ("the display name is not UTF-8");
  if ((store = open_store (data_dir, TRUE)) == NULL)
    return data_dir ? BATON_EXIT_FAILURE : BATON_EXIT_USAGE;
  if (!baton_store_add_user (store, argv[1], name, &error))
    return fail ("%s", error->message);
  return BATON_EXIT_OK;
}

static int
cmd_user_list (int    argc,
               char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(BatonStore) store = NULL;
  g_autoptr(GPtrArray) users = NULL;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory", "DIR" },
    { NULL }
  };
  int rc = parse ("- list users (ID<TAB>DISPLAY NAME)", entries, &argc, &argv);

  if (rc != BATON_EXIT_OK)
    return rc;
  if (argc != 1)
    return usage_error ("user list takes no arguments");
  if ((store = open_store (data_dir, FALSE)) == NULL)
    return data_dir ? BATON_EXIT_FAILURE : BATON_EXIT_USAGE;
  users = baton_store_list_users (store, NULL, 0);
  for (guint i = 0; i < users->len; i++)
    {
      BatonStoreUser *u = users->pdata[i];

      g_print ("%s\t%s\n", u->id, u->display_name);
    }
  return BATON_EXIT_OK;
}

static int
cmd_token (int    argc,
           char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(BatonStore) store = NULL;
  g_autoptr(BatonStoreUser) user = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 ttl = 24 * 3600;
  gint64 now;
  GOptionEntry entries[] = {
    { "ttl", 0, 0, G_OPTION_ARG_INT64, &ttl, "Lifetime in seconds (default 86400)", "SECONDS" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory", "DIR" },
    { NULL }
  };
  int rc = parse ("USER_ID - print a token for a user", entries, &argc, &argv);

  if (rc != BATON_EXIT_OK)
    return rc;
  if (argc != 2)
    return usage_error ("token takes exactly one USER_ID");
  if (ttl <= 0 || ttl > G_GINT64_CONSTANT (10) * 365 * 24 * 3600)
    return usage_error ("--ttl must be between 1 and 315360000 seconds");
  if ((store = open_store (data_dir, FALSE)) == NULL)
    return data_dir ? BATON_EXIT_FAILURE : BATON_EXIT_USAGE;
  user = baton_store_get_user (store, argv[1]);
  if (user == NULL)
    return fail ("no user '%s'", argv[1]);
  key = baton_jwt_load_or_create_key (data_dir, &error);
  if (key == NULL)
    return fail ("%s", error->message);
  now = g_get_real_time () / G_USEC_PER_SEC;
  token = baton_jwt_sign (key, user->id, now, now + ttl);
  g_print ("%s\n", token);
  return BATON_EXIT_OK;
}

static gboolean
check_target (BatonStore *store,
              const char *user,
              const char *target,
              const char *option)
{
  g_autoptr(BatonStoreUser) u = NULL;

  if (target == NULL)
    return TRUE;
  if (g_str_equal (user, target))
    {
      fail ("%s: cannot forward to oneself", option);
      return FALSE;
    }
  u = baton_store_get_user (store, target);
  if (u == NULL)
    {
      fail ("%s: no user '%s'", option, target);
      return FALSE;
    }
  return TRUE;
}

static int
cmd_forwarding (int    argc,
                char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *always = NULL;
  g_autofree char *unanswered = NULL;
  g_autoptr(BatonStore) store = NULL;
  g_autoptr(BatonStoreUser) user = NULL;
  g_autoptr(GError) error = NULL;
  BatonForwarding fwd;
  int after = 0;
  gboolean clear = FALSE;
  GOptionEntry entries[] = {
    { "always", 0, 0, G_OPTION_ARG_STRING, &always, "Forward every call to TARGET", "TARGET" },
    { "unanswered", 0, 0, G_OPTION_ARG_STRING, &unanswered, "Forward unanswered calls to TARGET", "TARGET" },
    { "after", 0, 0, G_OPTION_ARG_INT, &after, "Unanswered timeout (1–300 s, default 20)", "SECONDS" },
    { "clear", 0, 0, G_OPTION_ARG_NONE, &clear, "Clear the settings first", NULL },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory", "DIR" },
    { NULL }
  };
  int rc = parse ("USER_ID - show or change a user's forwarding", entries, &argc, &argv);

  if (rc != BATON_EXIT_OK)
    return rc;
  if (argc != 2)
    return usage_error ("forwarding takes exactly one USER_ID");
  if (after != 0 && (after < 1 || after > 300))
    return usage_error ("--after must be between 1 and 300 seconds");
  if ((store = open_store (data_dir, FALSE)) == NULL)
    return data_dir ? BATON_EXIT_FAILURE : BATON_EXIT_USAGE;
  user = baton_store_get_user (store, argv[1]);
  if (user == NULL)
    return fail ("no user '%s'", argv[1]);
  if (!check_target (store, user->id, always, "--always") ||
      !check_target (store, user->id, unanswered, "--unanswered"))
    return BATON_EXIT_FAILURE;

  baton_store_get_forwarding (store, user->id, &fwd);
  if (clear)
    baton_forwarding_clear (&fwd);
  if (always)
    {
      g_free (fwd.always);
      fwd.always = g_strdup (always);
    }
  if (unanswered)
    {
      g_free (fwd.unanswered);
      fwd.unanswered = g_strdup (unanswered);
    }
  if (after)
    fwd.unanswered_timeout = after;
  if ((clear || always || unanswered || after) &&
      !baton_store_set_forwarding (store, user->id, &fwd, &error))
    {
      baton_forwarding_clear (&fwd);
      return fail ("%s", error->message);
    }
  g_print ("always\t%s\nunanswered\t%s\nafter\t%d\n",
           fwd.always ? fwd.always : "-", fwd.unanswered ? fwd.unanswered : "-",
           fwd.unanswered_timeout);
  baton_forwarding_clear (&fwd);
  return BATON_EXIT_OK;
}

int
baton_cli_run (int    argc,
               char **argv)
{
  const char *cmd;

  setlocale (LC_ALL, "");
  if (argc < 2)
    return usage_error ("no command");
  cmd = argv[1];
  if (g_str_equal (cmd, "--help") || g_str_equal (cmd, "-h") || g_str_equal (cmd, "help"))
    {
      g_print ("%s", usage_text);
      return BATON_EXIT_OK;
    }
  if (g_str_equal (cmd, "--version"))
    {
      g_print ("baton-server %s\n", PACKAGE_VERSION);
      return BATON_EXIT_OK;
    }
  if (g_str_equal (cmd, "serve"))
    return baton_cli_serve (argc - 1, argv + 1);
  if (g_str_equal (cmd, "token"))
    return cmd_token (argc - 1, argv + 1);
  if (g_str_equal (cmd, "forwarding"))
    return cmd_forwarding (argc - 1, argv + 1);
  if (g_str_equal (cmd, "user"))
    {
      if (argc < 3)
        return usage_error ("user needs a subcommand: add or list");
      if (g_str_equal (argv[2], "add"))
        return cmd_user_add (argc - 2, argv + 2);
      if (g_str_equal (argv[2], "list"))
        return cmd_user_list (argc - 2, argv + 2);
      return usage_error ("unknown user subcommand '%s'", argv[2]);
    }
  return usage_error ("unknown command '%s'", cmd);
}
