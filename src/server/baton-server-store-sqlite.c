/* baton-server-store-sqlite.c: the embedded SQLite store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One file, DATA_DIR/baton.db, in WAL mode so that the CLI can add users and
 * change forwarding while `serve` runs. No data is cached: the server reads
 * users and forwarding when it needs them (only the prepared statements are
 * kept).
 *
 * Checkpoints: with synchronous=NORMAL a commit in WAL mode writes to the page
 * cache only, but SQLite's automatic checkpoint (every 1,000 WAL pages, run by
 * the commit that crosses it) fdatasync ()s the WAL and the database and so
 * blocked `serve`'s main thread (three fdatasync ()s, 0.2-35 ms each as measured here)
 * every few seconds at 1,000 call
 * setups a second (docs/PERFORMANCE.md). Once the live state is written
 * (save_live, i.e. in `serve`), checkpoints run on a thread of their own with
 * its own connection (PASSIVE: they never block the writer); the writer itself
 * checkpoints only if the WAL grew past WRITER_CHECKPOINT_PAGES anyway (the
 * thread's checkpoints cannot finish while commits keep coming, and a WAL is
 * only restarted after a finished one). What stays on the main thread: the
 * sync of the WAL's new header when a commit restarts it after a finished
 * checkpoint (SQLite's protection against a torn restart at a power loss).
 */
#include "config.h"

#include "baton-server-store.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

/* the checkpoint thread is woken when the WAL holds this many pages (16 MB;
 * SQLite's own default is 1,000: each finished checkpoint costs the writer
 * one sync when it restarts the WAL, so fewer, larger ones) and looks again
 * at most every CHECKPOINT_PAUSE_MS */
#define THREAD_CHECKPOINT_PAGES 4000
#define CHECKPOINT_PAUSE_MS 200
/* past this many pages (80 MB) the writer checkpoints itself */
#define WRITER_CHECKPOINT_PAGES 20000

typedef struct
{
  char *call_id;
  char *caller;
  char *callee;
  gint64 started_at;
  gint64 answered_at;
  gint64 ended_at;
  int code;
  int subcode;
} PendingRecord;

typedef struct
{
  BatonStore parent;
  sqlite3 *db;
  char *path;
  GHashTable *stmts;  /* SQL text → prepared sqlite3_stmt, kept for the store's life */
  GPtrArray *records; /* PendingRecord*: call history waiting for the next save_live() */

  /* the checkpoint thread */
  GThread *checkpointer;
  GMutex lock;
  GCond cond;
  gboolean checkpoint_wanted;
  gboolean quit;
} SqliteStore;

static gpointer
checkpoint_thread (gpointer data)
{
  SqliteStore *self = data;
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
    {
      g_warning ("checkpoints: cannot open %s: %s", self->path, db ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      db = NULL;
    }
  else
    {
      sqlite3_busy_timeout (db, 5000);
      sqlite3_exec (db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    }

  g_mutex_lock (&self->lock);
  for (;;)
    {
      while (!self->checkpoint_wanted && !self->quit)
        g_cond_wait (&self->cond, &self->lock);
      if (self->quit)
        break;
      self->checkpoint_wanted = FALSE;
      g_mutex_unlock (&self->lock);

      if (db)
        {
          int n_log = -1, n_done = -1;

          if (sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, &n_log, &n_done) != SQLITE_OK)
            g_debug ("checkpoint: %s", sqlite3_errmsg (db));
          else
            g_debug ("checkpoint: %d of %d WAL pages in the database", n_done, n_log);
        }
      g_usleep (CHECKPOINT_PAUSE_MS * 1000);
      g_mutex_lock (&self->lock);
    }
  g_mutex_unlock (&self->lock);
  sqlite3_close (db);
  return NULL;
}

/* After every commit of the main connection, with the WAL's size in pages. */
static int
wal_hook_cb (void       *data,
             sqlite3    *db,
             const char *name,
             int         pages)
{
  SqliteStore *self = data;

  if (pages >= WRITER_CHECKPOINT_PAGES)
    sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  else if (pages >= THREAD_CHECKPOINT_PAGES)
    {
      g_mutex_lock (&self->lock);
      self->checkpoint_wanted = TRUE;
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->lock);
    }
  return SQLITE_OK;
}

static void
start_checkpointer (SqliteStore *self)
{
  if (self->checkpointer)
    return;
  self->checkpointer = g_thread_new ("baton-checkpoint", checkpoint_thread, self);
  /* replaces SQLite's automatic checkpoint */
  sqlite3_wal_hook (self->db, wal_hook_cb, self);
}

static void
stop_checkpointer (SqliteStore *self)
{
  if (self->checkpointer == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->quit = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&self->checkpointer, g_thread_join);
  sqlite3_wal_hook (self->db, NULL, NULL);
  sqlite3_wal_autocheckpoint (self->db, THREAD_CHECKPOINT_PAGES);
}

static void
pending_record_free (PendingRecord *r)
{
  g_free (r->call_id);
  g_free (r->caller);
  g_free (r->callee);
  g_free (r);
}

/* Statements are prepared once and reused (release() resets them): the live
 * state is written before every reply that reports a change (PROTOCOL.md
 * § 3.1), so this is on the path of every call setup. */
static int
prepare (SqliteStore   *self,
         const char    *sql,
         sqlite3_stmt **out)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);
  int rc = SQLITE_OK;

  if (stmt == NULL)
    {
      rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          *out = NULL;
          return rc;
        }
      g_hash_table_insert (self->stmts, g_strdup (sql), stmt);
    }
  *out = stmt;
  return rc;
}

static void
release (sqlite3_stmt *stmt)
{
  if (stmt == NULL)
    return;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static const char schema[] =
  "CREATE TABLE IF NOT EXISTS users ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  display_name TEXT,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS forwarding ("
  "  user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id),"
  "  always TEXT,"
  "  unanswered TEXT,"
  "  unanswered_timeout INTEGER NOT NULL DEFAULT 20);"
  "CREATE TABLE IF NOT EXISTS calls ("
  "  call_id TEXT NOT NULL,"
  "  caller TEXT NOT NULL,"
  "  callee TEXT NOT NULL,"
  "  started_at INTEGER NOT NULL,"
  "  answered_at INTEGER,"
  "  ended_at INTEGER NOT NULL,"
  "  code INTEGER NOT NULL,"
  "  subcode INTEGER NOT NULL);"
  /* live state: what a resume needs after a restart of `serve` */
  "CREATE TABLE IF NOT EXISTS live_sessions ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  user_id TEXT NOT NULL,"
  "  user_name TEXT,"
  "  agent_name TEXT);"
  "CREATE TABLE IF NOT EXISTS live_calls ("
  "  call_id TEXT PRIMARY KEY NOT NULL,"
  "  connected INTEGER NOT NULL,"
  "  caller TEXT NOT NULL, caller_name TEXT, caller_session TEXT NOT NULL,"
  "  callee TEXT NOT NULL, callee_name TEXT, callee_session TEXT,"
  "  caller_held INTEGER NOT NULL, callee_held INTEGER NOT NULL,"
  "  caller_muted INTEGER NOT NULL, callee_muted INTEGER NOT NULL,"
  "  started_at INTEGER NOT NULL, answered_at INTEGER,"
  "  forwarded_from TEXT,"
  "  transfer_leg INTEGER NOT NULL,"
  "  transfer_id TEXT, transferor_session TEXT);";

void
baton_store_user_free (BatonStoreUser *user)
{
  if (user == NULL)
    return;
  g_free (user->id);
  g_free (user->display_name);
  g_free (user);
}

void
baton_forwarding_clear (BatonForwarding *fwd)
{
  g_clear_pointer (&fwd->always, g_free);
  g_clear_pointer (&fwd->unanswered, g_free);
  fwd->unanswered_timeout = BATON_DEFAULT_UNANSWERED_TIMEOUT;
}

static char *
col_text (sqlite3_stmt *stmt,
          int           col)
{
  const unsigned char *t = sqlite3_column_text (stmt, col);

  return t ? g_strdup ((const char *) t) : NULL;
}

static BatonStoreUser *
row_to_user (sqlite3_stmt *stmt)
{
  BatonStoreUser *u = g_new0 (BatonStoreUser, 1);

  u->id = col_text (stmt, 0);
  u->display_name = col_text (stmt, 1);
  if (u->display_name == NULL || *u->display_name == '\0')
    {
      g_free (u->display_name);
      u->display_name = g_strdup (u->id);
    }
  return u;
}

static gboolean
set_sqlite_error (SqliteStore *self,
                  GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "database error: %s",
               sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
sqlite_add_user (BatonStore  *store,
                 const char  *id,
                 const char  *display_name,
                 GError     **error)
{
  SqliteStore *self = (SqliteStore *) store;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (prepare (self,
                          "INSERT INTO users (id, display_name, created_at) VALUES (?, ?, ?)", &stmt) != SQLITE_OK)
    return set_sqlite_error (self, error);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (display_name)
    sqlite3_bind_text (stmt, 2, display_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  release (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "user '%s' already exists", id);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error);
  return TRUE;
}

static BatonStoreUser *
sqlite_get_user (BatonStore *store,
                 const char *id)
{
  SqliteStore *self = (SqliteStore *) store;
  sqlite3_stmt *stmt = NULL;
  BatonStoreUser *user = NULL;

  if (prepare (self, "SELECT id, display_name FROM users WHERE id = ?", &stmt) != SQLITE_OK)
    {
      g_warning ("get_user: %s", sqlite3_errmsg (self->db));
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    user = row_to_user (stmt);
  release (stmt);
  return user;
}

static GPtrArray *
sqlite_list_users (BatonStore *store,
                   const char *query,
                   int         limit)
{
  SqliteStore *self = (SqliteStore *) store;
  GPtrArray *users = g_ptr_array_new_with_free_func ((GDestroyNotify) baton_store_user_free);
  sqlite3_stmt *stmt = NULL;
  g_autofree char *needle = query && *query ? g_utf8_casefold (query, -1) : NULL;

  if (prepare (self, "SELECT id, display_name FROM users ORDER BY id", &stmt) != SQLITE_OK)
    {
      g_warning ("list_users: %s", sqlite3_errmsg (self->db));
      return users;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW && (limit <= 0 || (int) users->len < limit))
    {
      BatonStoreUser *u = row_to_user (stmt);

      if (needle)
        {
          g_autofree char *id = g_utf8_casefold (u->id, -1);
          g_autofree char *name = g_utf8_casefold (u->display_name, -1);

          if (strstr (id, needle) == NULL && strstr (name, needle) == NULL)
            {
              baton_store_user_free (u);
              continue;
            }
        }
      g_ptr_array_add (users, u);
    }
  release (stmt);
  return users;
}

static void
sqlite_get_forwarding (BatonStore      *store,
                       const char      *user,
                       BatonForwarding *out)
{
  SqliteStore *self = (SqliteStore *) store;
  sqlite3_stmt *stmt = NULL;

  memset (out, 0, sizeof *out);
  out->unanswered_timeout = BATON_DEFAULT_UNANSWERED_TIMEOUT;
  if (prepare (self,
                          "SELECT always, unanswered, unanswered_timeout FROM forwarding WHERE user_id = ?", &stmt) != SQLITE_OK)
    {
      g_warning ("get_forwarding: %s", sqlite3_errmsg (self->db));
      return;
    }
  sqlite3_bind_text (stmt, 1, user, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      out->always = col_text (stmt, 0);
      out->unanswered = col_text (stmt, 1);
      out->unanswered_timeout = sqlite3_column_int (stmt, 2);
      if (out->unanswered_timeout <= 0)
        out->unanswered_timeout = BATON_DEFAULT_UNANSWERED_TIMEOUT;
    }
  release (stmt);
}

static gboolean
sqlite_set_forwarding (BatonStore            *store,
                       const char            *user,
                       const BatonForwarding *fwd,
                       GError               **error)
{
  SqliteStore *self = (SqliteStore *) store;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (prepare (self,
                          "INSERT OR REPLACE INTO forwarding (user_id, always, unanswered, unanswered_timeout)"
                          " VALUES (?, ?, ?, ?)", &stmt) != SQLITE_OK)
    return set_sqlite_error (self, error);
  sqlite3_bind_text (stmt, 1, user, -1, SQLITE_TRANSIENT);
  if (fwd->always)
    sqlite3_bind_text (stmt, 2, fwd->always, -1, SQLITE_TRANSIENT);
  if (fwd->unanswered)
    sqlite3_bind_text (stmt, 3, fwd->unanswered, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, fwd->unanswered_timeout);
  rc = sqlite3_step (stmt);
  release (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error);
  return TRUE;
}

static void
write_record (SqliteStore         *self,
              const PendingRecord *r)
{
  sqlite3_stmt *stmt = NULL;

  if (prepare (self,
               "INSERT INTO calls (call_id, caller, callee, started_at, answered_at,"
               " ended_at, code, subcode) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &stmt) != SQLITE_OK)
    {
      g_warning ("record_call: %s", sqlite3_errmsg (self->db));
      return;
    }
  sqlite3_bind_text (stmt, 1, r->call_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, r->caller, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, r->callee, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, r->started_at);
  if (r->answered_at)
    sqlite3_bind_int64 (stmt, 5, r->answered_at);
  sqlite3_bind_int64 (stmt, 6, r->ended_at);
  sqlite3_bind_int (stmt, 7, r->code);
  sqlite3_bind_int (stmt, 8, r->subcode);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_warning ("record_call: %s", sqlite3_errmsg (self->db));
  release (stmt);
}

/* Written with the next save_live () (the end of a call always changes the
 * live state too: the call's row goes in the same transaction), or when the
 * store is closed: one transaction for both instead of two. */
static void
sqlite_record_call (BatonStore            *store,
                    const BatonCallRecord *r)
{
  SqliteStore *self = (SqliteStore *) store;
  PendingRecord *p = g_new (PendingRecord, 1);

  p->call_id = g_strdup (r->call_id);
  p->caller = g_strdup (r->caller);
  p->callee = g_strdup (r->callee);
  p->started_at = r->started_at;
  p->answered_at = r->answered_at;
  p->ended_at = r->ended_at;
  p->code = r->code;
  p->subcode = r->subcode;
  g_ptr_array_add (self->records, p);
}

static void
write_records (SqliteStore *self)
{
  for (guint i = 0; i < self->records->len; i++)
    write_record (self, self->records->pdata[i]);
  g_ptr_array_set_size (self->records, 0);
}

void
baton_live_session_free (BatonLiveSession *s)
{
  if (s == NULL)
    return;
  g_free (s->id);
  g_free (s->user_id);
  g_free (s->user_name);
  g_free (s->agent_name);
  g_free (s);
}

void
baton_live_call_free (BatonLiveCall *c)
{
  if (c == NULL)
    return;
  g_free (c->call_id);
  for (int i = 0; i < 2; i++)
    {
      g_free (c->user[i]);
      g_free (c->name[i]);
      g_free (c->session[i]);
    }
  g_free (c->forwarded_from);
  g_free (c->transfer_id);
  g_free (c->transferor_session);
  g_free (c);
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           col,
                   const char   *text)
{
  if (text)
    sqlite3_bind_text (stmt, col, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, col);
}

static void
run_each (SqliteStore  *self,
          const char   *sql,
          GPtrArray    *ids)
{
  sqlite3_stmt *stmt = NULL;

  if (ids == NULL || ids->len == 0)
    return;
  if (prepare (self, sql, &stmt) != SQLITE_OK)
    {
      g_warning ("save_live: %s", sqlite3_errmsg (self->db));
      return;
    }
  for (guint i = 0; i < ids->len; i++)
    {
      sqlite3_bind_text (stmt, 1, ids->pdata[i], -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_warning ("save_live: %s", sqlite3_errmsg (self->db));
      sqlite3_reset (stmt);
    }
  release (stmt);
}

static void
sqlite_save_live (BatonStore *store,
                  GPtrArray  *sessions,
                  GPtrArray  *gone_sessions,
                  GPtrArray  *calls,
                  GPtrArray  *gone_calls)
{
  SqliteStore *self = (SqliteStore *) store;
  sqlite3_stmt *stmt = NULL;

  start_checkpointer (self);
  sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL);
  write_records (self);
  run_each (self, "DELETE FROM live_sessions WHERE id = ?", gone_sessions);
  run_each (self, "DELETE FROM live_calls WHERE call_id = ?", gone_calls);
  if (sessions && sessions->len > 0 &&
      prepare (self,
                          "INSERT OR REPLACE INTO live_sessions (id, user_id, user_name, agent_name)"
                          " VALUES (?, ?, ?, ?)", &stmt) == SQLITE_OK)
    {
      for (guint i = 0; i < sessions->len; i++)
        {
          BatonLiveSession *s = sessions->pdata[i];

          sqlite3_bind_text (stmt, 1, s->id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (stmt, 2, s->user_id, -1, SQLITE_TRANSIENT);
          bind_text_or_null (stmt, 3, s->user_name);
          bind_text_or_null (stmt, 4, s->agent_name);
          if (sqlite3_step (stmt) != SQLITE_DONE)
            g_warning ("save_live: %s", sqlite3_errmsg (self->db));
          sqlite3_reset (stmt);
        }
      g_clear_pointer (&stmt, release);
    }
  if (calls && calls->len > 0 &&
      prepare (self,
                          "INSERT OR REPLACE INTO live_calls (call_id, connected,"
                          " caller, caller_name, caller_session, callee, callee_name, callee_session,"
                          " caller_held, callee_held, caller_muted, callee_muted, started_at, answered_at,"
                          " forwarded_from, transfer_leg, transfer_id, transferor_session)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt) == SQLITE_OK)
    {
      for (guint i = 0; i < calls->len; i++)
        {
          BatonLiveCall *c = calls->pdata[i];

          sqlite3_bind_text (stmt, 1, c->call_id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int (stmt, 2, c->connected);
          for (int p = 0; p < 2; p++)
            {
              sqlite3_bind_text (stmt, 3 + 3 * p, c->user[p], -1, SQLITE_TRANSIENT);
              bind_text_or_null (stmt, 4 + 3 * p, c->name[p]);
              bind_text_or_null (stmt, 5 + 3 * p, c->session[p]);
              sqlite3_bind_int (stmt, 9 + p, c->held[p]);
              sqlite3_bind_int (stmt, 11 + p, c->muted[p]);
            }
          sqlite3_bind_int64 (stmt, 13, c->started_at);
          sqlite3_bind_int64 (stmt, 14, c->answered_at);
          bind_text_or_null (stmt, 15, c->forwarded_from);
          sqlite3_bind_int (stmt, 16, c->transfer_leg);
          bind_text_or_null (stmt, 17, c->transfer_id);
          bind_text_or_null (stmt, 18, c->transferor_session);
          if (sqlite3_step (stmt) != SQLITE_DONE)
            g_warning ("save_live: %s", sqlite3_errmsg (self->db));
          sqlite3_reset (stmt);
        }
      g_clear_pointer (&stmt, release);
    }
  if (sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_warning ("save_live: %s", sqlite3_errmsg (self->db));
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
}

static void
sqlite_load_live (BatonStore  *store,
                  GPtrArray  **out_sessions,
                  GPtrArray  **out_calls)
{
  SqliteStore *self = (SqliteStore *) store;
  GPtrArray *sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) baton_live_session_free);
  GPtrArray *calls = g_ptr_array_new_with_free_func ((GDestroyNotify) baton_live_call_free);
  sqlite3_stmt *stmt = NULL;

  *out_sessions = sessions;
  *out_calls = calls;
  if (prepare (self, "SELECT id, user_id, user_name, agent_name FROM live_sessions", &stmt) == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          BatonLiveSession *s = g_new0 (BatonLiveSession, 1);

          s->id = col_text (stmt, 0);
          s->user_id = col_text (stmt, 1);
          s->user_name = col_text (stmt, 2);
          s->agent_name = col_text (stmt, 3);
          g_ptr_array_add (sessions, s);
        }
      g_clear_pointer (&stmt, release);
    }
  else
    g_warning ("load_live: %s", sqlite3_errmsg (self->db));

  if (prepare (self,
                          "SELECT call_id, connected,"
                          " caller, caller_name, caller_session, callee, callee_name, callee_session,"
                          " caller_held, callee_held, caller_muted, callee_muted, started_at, answered_at,"
                          " forwarded_from, transfer_leg, transfer_id, transferor_session FROM live_calls", &stmt) == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          BatonLiveCall *c = g_new0 (BatonLiveCall, 1);

          c->call_id = col_text (stmt, 0);
          c->connected = sqlite3_column_int (stmt, 1);
          for (int p = 0; p < 2; p++)
            {
              c->user[p] = col_text (stmt, 2 + 3 * p);
              c->name[p] = col_text (stmt, 3 + 3 * p);
              c->session[p] = col_text (stmt, 4 + 3 * p);
              c->held[p] = sqlite3_column_int (stmt, 8 + p);
              c->muted[p] = sqlite3_column_int (stmt, 10 + p);
            }
          c->started_at = sqlite3_column_int64 (stmt, 12);
          c->answered_at = sqlite3_column_int64 (stmt, 13);
          c->forwarded_from = col_text (stmt, 14);
          c->transfer_leg = sqlite3_column_int (stmt, 15);
          c->transfer_id = col_text (stmt, 16);
          c->transferor_session = col_text (stmt, 17);
          g_ptr_array_add (calls, c);
        }
      g_clear_pointer (&stmt, release);
    }
  else
    g_warning ("load_live: %s", sqlite3_errmsg (self->db));
}

static void
sqlite_free (BatonStore *store)
{
  SqliteStore *self = (SqliteStore *) store;

  stop_checkpointer (self);
  if (self->db && self->records && self->records->len > 0)
    {
      sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL);
      write_records (self);
      sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
    }
  g_clear_pointer (&self->records, g_ptr_array_unref);
  g_clear_pointer (&self->stmts, g_hash_table_destroy);
  sqlite3_close (self->db);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->path);
  g_free (self);
}

static const BatonStoreVTable sqlite_vtable = {
  sqlite_add_user,
  sqlite_get_user,
  sqlite_list_users,
  sqlite_get_forwarding,
  sqlite_set_forwarding,
  sqlite_record_call,
  sqlite_save_live,
  sqlite_load_live,
  sqlite_free,
};

BatonStore *
baton_store_sqlite_new (const char  *data_dir,
                        GError     **error)
{
  g_autofree char *path = g_build_filename (data_dir, "baton.db", NULL);
  SqliteStore *self = g_new0 (SqliteStore, 1);
  char *errmsg = NULL;

  self->parent.vtable = &sqlite_vtable;
  self->path = g_strdup (path);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) sqlite3_finalize);
  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_record_free);
  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot open %s: %s", path,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      sqlite_free (&self->parent);
      return NULL;
    }
  g_chmod (path, 0600);
  sqlite3_busy_timeout (self->db, 5000);
  if (sqlite3_exec (self->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                    NULL, NULL, &errmsg) != SQLITE_OK ||
      sqlite3_exec (self->db, schema, NULL, NULL, &errmsg) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot set up %s: %s", path,
                   errmsg ? errmsg : "?");
      sqlite3_free (errmsg);
      sqlite_free (&self->parent);
      return NULL;
    }
  return &self->parent;
}
