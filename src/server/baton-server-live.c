/* baton-server-live.c: the live signaling state (sessions and calls) kept in
 * the store, so that calls survive a restart of `serve` (PROTOCOL.md § 3.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Changes are only marked here; the batch is written in one transaction
 * before the first frame that leaves the server after them (baton-server.c:
 * frames are held while a request or timer is handled — with shards, while
 * every ready shard of one round is run — the state is stored, then they
 * go), and otherwise by a high-priority idle at the start of the
 * next main-loop iteration (the SQLite store runs in WAL mode with
 * synchronous=NORMAL: a commit is a write to the page cache, no fsync, so a
 * killed process loses nothing written).
 * On start the sessions come back without a connection, in a grace period
 * that starts at boot, and their calls with them; the agents' normal resume
 * rebinds them. A call still ringing, or the new leg of a transfer, cannot be
 * carried over (the offer and the callee's ringing sessions are not kept):
 * they end with 410/10008, and a transfer in progress fails with A resumed.
 */
#include "config.h"

#include "baton-server-private.h"

static gboolean
flush_cb (gpointer user_data)
{
  BatonServer *server = user_data;

  server->live_source = 0;
  baton_live_flush (server);
  return G_SOURCE_REMOVE;
}

static void
schedule (BatonServer *server)
{
  if (server->live_source == 0 && !server->live_frozen)
    server->live_source = g_idle_add_full (G_PRIORITY_HIGH, flush_cb, server, NULL);
}

void
baton_live_session_changed (BatonServer  *server,
                            BatonSession *session)
{
  g_hash_table_add (server->live_dirty_sessions, g_strdup (session->id));
  schedule (server);
}

void
baton_live_call_changed (BatonServer *server,
                         BatonCall   *call)
{
  g_hash_table_add (server->live_dirty_calls, g_strdup (call->id));
  schedule (server);
}

static BatonLiveCall *
live_call_new (BatonCall *call)
{
  BatonLiveCall *c = g_new0 (BatonLiveCall, 1);

  c->call_id = g_strdup (call->id);
  c->connected = call->state == CALL_CONNECTED;
  for (int i = 0; i < 2; i++)
    {
      c->user[i] = g_strdup (call->user[i]);
      c->name[i] = g_strdup (call->name[i]);
      c->session[i] = call->session[i] ? g_strdup (call->session[i]->id) : NULL;
      c->held[i] = call->held[i];
      c->muted[i] = call->muted[i];
    }
  c->started_at = call->started_at;
  c->answered_at = call->answered_at;
  c->forwarded_from = g_strdup (call->forwarded_from);
  c->transfer_leg = call->leg_of != NULL && call->leg_of->stage != TRANSFER_DONE;
  if (call->transfer && call->transfer->stage != TRANSFER_DONE)
    {
      c->transfer_id = g_strdup (call->transfer->id);
      c->transferor_session = g_strdup (call->transfer->transferor_session);
    }
  return c;
}

void
baton_live_flush (BatonServer *server)
{
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) baton_live_session_free);
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) baton_live_call_free);
  g_autoptr(GPtrArray) gone_sessions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) gone_calls = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_clear_handle_id (&server->live_source, g_source_remove);
  if (g_hash_table_size (server->live_dirty_sessions) == 0 &&
      g_hash_table_size (server->live_dirty_calls) == 0)
    return;

  g_hash_table_iter_init (&iter, server->live_dirty_sessions);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      BatonSession *session = g_hash_table_lookup (server->sessions, key);

      g_hash_table_iter_steal (&iter);
      if (session)
        {
          BatonLiveSession *s = g_new0 (BatonLiveSession, 1);

          s->id = g_strdup (session->id);
          s->user_id = g_strdup (session->user_id);
          s->user_name = g_strdup (session->user_name);
          s->agent_name = g_strdup (session->agent_name);
          g_ptr_array_add (sessions, s);
          g_free (key);
        }
      else
        g_ptr_array_add (gone_sessions, key);
    }

  g_hash_table_iter_init (&iter, server->live_dirty_calls);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      BatonCall *call = g_hash_table_lookup (server->calls, key);

      g_hash_table_iter_steal (&iter);
      if (call && call->state != CALL_ENDED)
        {
          g_ptr_array_add (calls, live_call_new (call));
          g_free (key);
        }
      else
        g_ptr_array_add (gone_calls, key);
    }

  g_debug ("live state: %u sessions, %u calls written; %u sessions, %u calls gone",
           sessions->len, calls->len, gone_sessions->len, gone_calls->len);
  baton_store_save_live (server->store, sessions, gone_sessions, calls, gone_calls);
}

static BatonSession *
find_session (BatonServer *server,
              const char  *id)
{
  return id ? g_hash_table_lookup (server->sessions, id) : NULL;
}

void
baton_live_restore (BatonServer *server)
{
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GPtrArray) to_end = g_ptr_array_new ();

  baton_store_load_live (server->store, &sessions, &calls);
  if (sessions->len == 0 && calls->len == 0)
    return;
  g_message ("restoring %u sessions and %u calls from before the restart",
             sessions->len, calls->len);

  for (guint i = 0; i < sessions->len; i++)
    {
      BatonLiveSession *s = sessions->pdata[i];
      BatonSession *session = g_new0 (BatonSession, 1);

      session->server = server;
      session->id = g_strdup (s->id);
      session->user_id = g_strdup (s->user_id);
      session->user_name = g_strdup (s->user_name);
      session->agent_name = g_strdup (s->agent_name);
      g_hash_table_insert (server->sessions, session->id, session);
      baton_session_start_grace (server, session);
    }

  for (guint i = 0; i < calls->len; i++)
    {
      BatonLiveCall *c = calls->pdata[i];
      BatonCall *call = g_new0 (BatonCall, 1);

      call->id = g_strdup (c->call_id);
      call->state = c->connected ? CALL_CONNECTED : CALL_RINGING;
      for (int p = 0; p < 2; p++)
        {
          call->user[p] = g_strdup (c->user[p]);
          call->name[p] = g_strdup (c->name[p]);
          call->session[p] = find_session (server, c->session[p]);
          call->held[p] = c->held[p];
          call->muted[p] = c->muted[p];
        }
      call->ringing = g_ptr_array_new ();
      call->allow_forwarding = FALSE;
      call->forwarded_from = g_strdup (c->forwarded_from);
      call->started_at = c->started_at;
      call->answered_at = c->answered_at;
      call->media_connected = c->connected;
      baton_call_insert (server, call);

      if (c->transfer_id && c->transferor_session)
        {
          baton_transfer_restore_failed (server, c->transfer_id, call, c->transferor_session,
                                         410, 10008, "the service restarted during the transfer");
          baton_live_call_changed (server, call); /* stored again without the transfer */
        }

      if (!c->connected || c->transfer_leg ||
          call->session[CALLER] == NULL || (c->connected && call->session[CALLEE] == NULL))
        g_ptr_array_add (to_end, call);
    }

  /* Nobody is connected yet: these end quietly, into the call history. */
  for (guint i = 0; i < to_end->len; i++)
    {
      BatonCall *call = to_end->pdata[i];

      g_debug ("call %s cannot survive the restart", call->id);
      baton_call_end (server, call, 410, 10008,
                      call->state == CALL_RINGING ? "the service restarted before the call was answered"
                                                  : "the service restarted during the transfer",
                      NULL);
    }
}
