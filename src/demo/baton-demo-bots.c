/* baton-demo-bots.c: the demo contacts, real agents on libbaton
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   baton-demo-bots --server URI --data-dir DIR [--call USER] [--call-after SECONDS]
 *
 * Creates the demo users in the service's data dir (with the baton-server
 * CLI, which also mints their tokens), connects one agent per contact and
 * plays its part:
 *
 *   echo   "Echo test"       answers after a second, plays back what it hears
 *   alice, bob, carol        answer after a couple of rings, each with its own
 *                            sound so you hear who you are talking to; they
 *                            accept being transferred
 *   dave                     calls --call USER a few seconds after the start
 *                            (and again while USER is offline), answers too
 *   erin                     always busy (486)
 *   frank                    never answers; his calls forward to alice
 *
 * Once every agent is connected it prints one line per contact,
 * "contact<TAB>ID<TAB>NAME", then "ready", on stdout. SIGTERM or SIGINT hang
 * up every call and exit 0.
 */

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

#include <baton.h>

#include "baton-demo-bots.h"
#include "baton-demo-cli.h"

typedef enum
{
  BOT_ECHO,
  BOT_COLLEAGUE,
  BOT_CALLER,
  BOT_BUSY,
  BOT_NO_ANSWER,
} BotKind;

typedef struct
{
  const char *id;
  const char *name;
  BotKind kind;
  guint answer_after_ms;
} BotSpec;

static const BotSpec bot_specs[] = {
  { "echo", "Echo test", BOT_ECHO, 1000 },
  { "alice", "Alice · demo", BOT_COLLEAGUE, 4000 },
  { "bob", "Bob · demo", BOT_COLLEAGUE, 4000 },
  { "carol", "Carol · demo", BOT_COLLEAGUE, 4000 },
  { "dave", "Dave · calls you", BOT_CALLER, 3000 },
  { "erin", "Erin · always busy", BOT_BUSY, 1500 },
  { "frank", "Frank · forwards to Alice", BOT_NO_ANSWER, 0 },
};

#define FORWARDER_ID "frank"
#define FORWARD_TO_ID "alice"
#define FORWARD_AFTER_S "6"
#define TOKEN_TTL_S "2592000"
#define CALL_RETRY_MS 2000
/* Calls between two demo contacts (left over after a transfer) end after a
 * while, and so does any call, so that nothing runs forever. */
#define BOT_TO_BOT_CALL_S 30
#define LONGEST_CALL_S (30 * 60)
#define CALL_MAX_ATTEMPTS 60

typedef struct _Bots Bots;

typedef struct
{
  Bots *bots;
  const BotSpec *spec;
  BatonCallAgent *agent;
  GHashTable *ringing;          /* BatonIncomingCall → timeout id */
  GHashTable *limits;           /* BatonCall → timeout id, once connected */
  /* BOT_CALLER */
  BatonCall *outgoing;
  guint call_timeout_id;
  guint attempts;
} Bot;

struct _Bots
{
  GMainLoop *loop;
  BatonCallClient *client;
  GPtrArray *bots;              /* Bot */
  char *server_uri;
  char *data_dir;
  char *server_binary;
  char *call_user;
  int call_after_s;
  guint n_connected;
  int status;
};

/* The demo users exist (made once per data dir) and frank forwards. */
static gboolean
set_up_users (Bots    *bots,
              GError **error)
{
  g_autoptr(GHashTable) existing = baton_demo_cli_user_ids (bots->server_binary, bots->data_dir, error);
  g_autofree char *out = NULL;
  const char *fwd_args[] = { "forwarding", FORWARDER_ID, "--clear", "--unanswered", FORWARD_TO_ID,
                             "--after", FORWARD_AFTER_S, NULL };

  if (existing == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (bot_specs); i++)
    {
      const char *add_args[] = { "user", "add", bot_specs[i].id, "--display-name", bot_specs[i].name, NULL };
      g_autofree char *added = NULL;

      if (g_hash_table_contains (existing, bot_specs[i].id))
        continue;
      added = baton_demo_cli_run (bots->server_binary, bots->data_dir, add_args, error);
      if (added == NULL)
        return FALSE;
    }
  if (bots->call_user != NULL && !g_hash_table_contains (existing, bots->call_user))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "--call: no user '%s'", bots->call_user);
      return FALSE;
    }

  out = baton_demo_cli_run (bots->server_binary, bots->data_dir, fwd_args, error);
  return out != NULL;
}

/* Answering */

static void
bot_forget_incoming (Bot               *bot,
                     BatonIncomingCall *incoming)
{
  gpointer id;

  if (g_hash_table_steal_extended (bot->ringing, incoming, NULL, &id))
    {
      g_source_remove (GPOINTER_TO_UINT (id));
      g_signal_handlers_disconnect_by_data (incoming, bot);
      g_object_unref (incoming);
    }
}

typedef struct
{
  Bot *bot;
  BatonIncomingCall *incoming;
} Pending;

static gboolean
answer_cb (gpointer user_data)
{
  Pending *pending = user_data;
  Bot *bot = pending->bot;
  BatonIncomingCall *incoming = pending->incoming;

  /* The timeout is done: take it out of the table without removing it. */
  if (!g_hash_table_steal (bot->ringing, incoming))
    return G_SOURCE_REMOVE;
  g_signal_handlers_disconnect_by_data (incoming, bot);

  if (bot->spec->kind == BOT_BUSY)
    {
      g_message ("%s: busy for %s", bot->spec->id, baton_incoming_call_get_caller_id (incoming));
      baton_incoming_call_reject_busy (incoming);
    }
  else
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BatonCall) call = baton_incoming_call_accept (incoming, &error);

      if (call == NULL)
        g_warning ("%s: could not answer: %s", bot->spec->id, error->message);
      else
        g_message ("%s: answered %s", bot->spec->id, baton_incoming_call_get_caller_id (incoming));
    }
  g_object_unref (incoming);
  return G_SOURCE_REMOVE;
}

static void
incoming_ended_cb (BatonIncomingCall *incoming,
                   Bot               *bot)
{
  bot_forget_incoming (bot, incoming);
}

static void
incoming_call_cb (BatonCallAgent    *agent,
                  BatonIncomingCall *incoming,
                  Bot               *bot)
{
  Pending *pending;
  guint id;

  g_message ("%s: call from %s%s%s", bot->spec->id, baton_incoming_call_get_caller_id (incoming),
             *baton_incoming_call_get_transferor_id (incoming) ? ", transferred by " : "",
             baton_incoming_call_get_transferor_id (incoming));
  if (bot->spec->kind == BOT_NO_ANSWER)
    return;

  pending = g_new0 (Pending, 1);
  pending->bot = bot;
  pending->incoming = incoming;
  id = g_timeout_add_full (G_PRIORITY_DEFAULT, bot->spec->answer_after_ms, answer_cb, pending, g_free);
  g_hash_table_insert (bot->ringing, g_object_ref (incoming), GUINT_TO_POINTER (id));
  g_signal_connect (incoming, "ended", G_CALLBACK (incoming_ended_cb), bot);
}

/* Ending calls that went on long enough */

static gboolean
is_demo_contact (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (bot_specs); i++)
    if (g_strcmp0 (bot_specs[i].id, id) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  Bot *bot;
  BatonCall *call;
} Limit;

static gboolean
limit_cb (gpointer user_data)
{
  Limit *limit = user_data;
  g_autoptr(BatonCall) call = g_object_ref (limit->call);

  g_message ("%s: call %s went on long enough", limit->bot->spec->id, baton_call_get_id (call));
  /* This timeout is ending: out of the table without removing it. */
  if (g_hash_table_steal (limit->bot->limits, call))
    g_object_unref (call);
  baton_call_hang_up (call);
  return G_SOURCE_REMOVE;
}

static void
call_state_cb (BatonCall      *call,
               BatonCallState  old_state,
               BatonCallState  new_state,
               Bot            *bot)
{
  GListModel *peers = baton_call_get_remote_participants (call);
  g_autoptr(BatonRemoteParticipant) peer = NULL;
  Limit *limit;
  guint id;

  if (new_state == BATON_CALL_STATE_DISCONNECTED)
    {
      g_signal_handlers_disconnect_by_data (call, bot);
      g_hash_table_remove (bot->limits, call);
      return;
    }
  if (new_state != BATON_CALL_STATE_CONNECTED || g_hash_table_contains (bot->limits, call))
    return;
  if (g_list_model_get_n_items (peers) > 0)
    peer = g_list_model_get_item (peers, 0);
  limit = g_new0 (Limit, 1);
  limit->bot = bot;
  limit->call = call;
  id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                   peer != NULL && is_demo_contact (baton_remote_participant_get_id (peer))
                                   ? BOT_TO_BOT_CALL_S : LONGEST_CALL_S,
                                   limit_cb, limit, g_free);
  g_hash_table_insert (bot->limits, g_object_ref (call), GUINT_TO_POINTER (id));
}

static void
calls_changed_cb (GListModel *calls,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Bot        *bot)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(BatonCall) call = g_list_model_get_item (calls, i);

      g_signal_handlers_disconnect_by_data (call, bot);
      g_signal_connect (call, "state-changed", G_CALLBACK (call_state_cb), bot);
      if (baton_call_get_state (call) == BATON_CALL_STATE_CONNECTED)
        call_state_cb (call, BATON_CALL_STATE_NONE, BATON_CALL_STATE_CONNECTED, bot);
    }
}

static void
limit_free (gpointer data)
{
  g_source_remove (GPOINTER_TO_UINT (data));
}

/* Calling the user */

static gboolean place_call_cb (gpointer user_data);

static void
outgoing_state_cb (BatonCall      *call,
                   BatonCallState  old_state,
                   BatonCallState  new_state,
                   Bot            *bot)
{
  if (new_state != BATON_CALL_STATE_DISCONNECTED)
    return;
  g_message ("%s: call to %s ended %u/%u", bot->spec->id, bot->bots->call_user,
             baton_call_get_end_code (call), baton_call_get_end_subcode (call));
  /* Offline (the app is still signing in): try again a little later. */
  if (baton_call_get_end_code (call) == 480 && bot->attempts < CALL_MAX_ATTEMPTS &&
      old_state != BATON_CALL_STATE_CONNECTED && bot->call_timeout_id == 0)
    bot->call_timeout_id = g_timeout_add (CALL_RETRY_MS, place_call_cb, bot);
  g_signal_handlers_disconnect_by_data (call, bot);
  g_clear_object (&bot->outgoing);
}

static gboolean
place_call_cb (gpointer user_data)
{
  Bot *bot = user_data;
  g_autoptr(GError) error = NULL;

  bot->call_timeout_id = 0;
  bot->attempts++;
  g_message ("%s: calling %s", bot->spec->id, bot->bots->call_user);
  bot->outgoing = baton_call_agent_start_call (bot->agent, bot->bots->call_user, &error);
  if (bot->outgoing == NULL)
    g_warning ("%s: could not call %s: %s", bot->spec->id, bot->bots->call_user, error->message);
  else
    g_signal_connect (bot->outgoing, "state-changed", G_CALLBACK (outgoing_state_cb), bot);
  return G_SOURCE_REMOVE;
}

/* Life cycle */

static void
bot_free (Bot *bot)
{
  GHashTableIter iter;
  gpointer key, value;

  g_clear_handle_id (&bot->call_timeout_id, g_source_remove);
  g_hash_table_iter_init (&iter, bot->ringing);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_source_remove (GPOINTER_TO_UINT (value));
      g_signal_handlers_disconnect_by_data (key, bot);
      g_object_unref (key);
      g_hash_table_iter_steal (&iter);
    }
  g_hash_table_unref (bot->ringing);
  {
    GList *calls = g_hash_table_get_keys (bot->limits);

    for (GList *l = calls; l != NULL; l = l->next)
      g_signal_handlers_disconnect_by_data (l->data, bot);
    g_list_free (calls);
  }
  g_hash_table_unref (bot->limits);
  if (bot->outgoing != NULL)
    g_signal_handlers_disconnect_by_data (bot->outgoing, bot);
  g_clear_object (&bot->outgoing);
  if (bot->agent != NULL)
    {
      g_signal_handlers_disconnect_by_data (bot->agent, bot);
      g_signal_handlers_disconnect_by_data (baton_call_agent_get_calls (bot->agent), bot);
      baton_call_agent_shutdown (bot->agent);
    }
  g_clear_object (&bot->agent);
  g_free (bot);
}

static void
all_connected (Bots *bots)
{
  for (guint i = 0; i < bots->bots->len; i++)
    {
      Bot *bot = g_ptr_array_index (bots->bots, i);

      g_print ("contact\t%s\t%s\n", bot->spec->id, bot->spec->name);
      if (bot->spec->kind == BOT_CALLER && bots->call_user != NULL)
        bot->call_timeout_id = g_timeout_add_seconds (MAX (bots->call_after_s, 0), place_call_cb, bot);
    }
  g_print ("ready\n");
  fflush (stdout);
}

static void
agent_created_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Bot *bot = user_data;
  Bots *bots = bot->bots;
  g_autoptr(GError) error = NULL;

  bot->agent = baton_call_client_create_call_agent_finish (BATON_CALL_CLIENT (object), result, &error);
  if (bot->agent == NULL)
    {
      g_printerr ("baton-demo-bots: %s could not connect: %s\n", bot->spec->id, error->message);
      bots->status = 1;
      g_main_loop_quit (bots->loop);
      return;
    }
  g_signal_connect (bot->agent, "incoming-call", G_CALLBACK (incoming_call_cb), bot);
  g_signal_connect (baton_call_agent_get_calls (bot->agent), "items-changed", G_CALLBACK (calls_changed_cb), bot);
  if (++bots->n_connected == bots->bots->len)
    all_connected (bots);
}

/* The contact's own sound instead of the devices (they must not open the
 * user's microphone and speaker): BatonCallAgentOptions:audio-source/-sink.
 * Every colleague has its own pitch and rhythm; the echo test joins each
 * call's sink to its source through a one-second delay. */
static void
set_audio (BatonCallAgentOptions *options,
           const BotSpec         *spec,
           guint                  index)
{
  g_autofree char *source = NULL;
  const char *sink = NULL;

  if (spec->kind == BOT_ECHO)
    {
      source = g_strdup (BATON_DEMO_ECHO_SOURCE);
      sink = BATON_DEMO_ECHO_SINK;
    }
  else
    {
      /* 440, 554, 659, 784 … Hz ticks, 3 to 6 a second */
      static const guint freqs[] = { 440, 554, 659, 784, 880, 988, 1175 };

      guint freq = freqs[index % G_N_ELEMENTS (freqs)];

      /* beeps of 150 ms */
      source = g_strdup_printf (BATON_DEMO_TICKS_SOURCE, freq,
                                (guint64) (1000000000 / (2 + index % 3)), freq * 3 / 20);
      sink = "fakesink sync=false";
    }
  baton_call_agent_options_set_audio_source (options, source);
  baton_call_agent_options_set_audio_sink (options, sink);
}

static gboolean
start_bots (Bots    *bots,
            GError **error)
{
  bots->client = baton_call_client_new ();
  bots->bots = g_ptr_array_new_with_free_func ((GDestroyNotify) bot_free);

  for (guint i = 0; i < G_N_ELEMENTS (bot_specs); i++)
    {
      const char *token_args[] = { "token", bot_specs[i].id, "--ttl", TOKEN_TTL_S, NULL };
      g_autofree char *token = baton_demo_cli_run (bots->server_binary, bots->data_dir, token_args, error);
      g_autoptr(BatonTokenCredential) credential = NULL;
      g_autoptr(BatonCallAgentOptions) options = NULL;
      Bot *bot;

      if (token == NULL)
        return FALSE;
      g_strstrip (token);
      bot = g_new0 (Bot, 1);
      bot->bots = bots;
      bot->spec = &bot_specs[i];
      bot->ringing = g_hash_table_new (NULL, NULL);
      bot->limits = g_hash_table_new_full (NULL, NULL, g_object_unref, limit_free);
      g_ptr_array_add (bots->bots, bot);

      credential = baton_token_credential_new (token);
      options = baton_call_agent_options_new (bots->server_uri);
      baton_call_agent_options_set_display_name (options, bot_specs[i].name);
      set_audio (options, &bot_specs[i], i);
      baton_call_client_create_call_agent_async (bots->client, credential, options, NULL,
                                                 agent_created_cb, bot);
    }
  return TRUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  Bots *bots = user_data;

  g_message ("stopping");
  g_main_loop_quit (bots->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
stop_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static char *
find_server_binary (void)
{
  const char *env = g_getenv ("BATON_SERVER");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *sibling = g_build_filename (dir, "baton-server", NULL);

      if (g_file_test (sibling, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&sibling);
    }
  return g_build_filename (BINDIR, "baton-server", NULL);
}

int
main (int   argc,
      char *argv[])
{
  Bots bots = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &bots.server_uri, "The service (ws://HOST:PORT)", "URI" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &bots.data_dir, "The service's data dir (users and tokens)", "DIR" },
    { "call", 0, 0, G_OPTION_ARG_STRING, &bots.call_user, "Dave calls this user", "USER" },
    { "call-after", 0, 0, G_OPTION_ARG_INT, &bots.call_after_s, "… this many seconds after the start (default 5)", "SECONDS" },
    { "server-binary", 0, 0, G_OPTION_ARG_FILENAME, &bots.server_binary, "The baton-server program (default: $BATON_SERVER, or beside this one)", "PATH" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bots.call_after_s = 5;
  context = g_option_context_new ("- the Baton demo contacts");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("baton-demo-bots: %s\n", error->message);
      return 2;
    }
  if (bots.server_uri == NULL || bots.data_dir == NULL)
    {
      g_printerr ("baton-demo-bots: --server and --data-dir are needed\n");
      return 2;
    }
  if (bots.server_binary == NULL)
    bots.server_binary = find_server_binary ();

  if (!set_up_users (&bots, &error) || !start_bots (&bots, &error))
    {
      g_printerr ("baton-demo-bots: %s\n", error->message);
      return 1;
    }

  bots.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, &bots);
  g_unix_signal_add (SIGINT, quit_cb, &bots);
  g_main_loop_run (bots.loop);

  g_clear_pointer (&bots.bots, g_ptr_array_unref);
  /* Let the goodbyes go out. */
  g_timeout_add (300, stop_cb, bots.loop);
  g_main_loop_run (bots.loop);
  g_clear_object (&bots.client);
  g_main_loop_unref (bots.loop);
  g_free (bots.server_uri);
  g_free (bots.data_dir);
  g_free (bots.call_user);
  g_free (bots.server_binary);
  return bots.status;
}
