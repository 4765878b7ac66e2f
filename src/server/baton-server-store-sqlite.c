/* baton-server-store-sqlite.c: the embedded SQLite store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One file, DATA_DIR/baton.db, in WAL mode so that the CLI can add users and
 * change forwarding while `serve` runs. Nothing is cached: the server reads
 * users and forwarding when it needs them.
 */
#include "config.h"

#include "baton-server-store.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

typedef struct
{
  BatonStore parent;
  sqlite3 *db;
} SqliteStore;

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
  "  subcode INTEGER NOT NULL);";

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

  if (sqlite3_prepare_v2 (self->db,
                          "INSERT INTO users (id, display_name, created_at) VALUES (?, ?, ?)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (display_name)
    sqlite3_bind_text (stmt, 2, display_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
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

  if (sqlite3_prepare_v2 (self->db, "SELECT id, display_name FROM users WHERE id = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_warning ("get_user: %s", sqlite3_errmsg (self->db));
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    user = row_to_user (stmt);
  sqlite3_finalize (stmt);
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

  if (sqlite3_prepare_v2 (self->db, "SELECT id, display_name FROM users ORDER BY id",
                          -1, &stmt, NULL) != SQLITE_OK)
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
  sqlite3_finalize (stmt);
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
  if (sqlite3_prepare_v2 (self->db,
                          "SELECT always, unanswered, unanswered_timeout FROM forwarding WHERE user_id = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
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
  sqlite3_finalize (stmt);
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

  if (sqlite3_prepare_v2 (self->db,
                          "INSERT OR REPLACE INTO forwarding (user_id, always, unanswered, unanswered_timeout)"
                          " VALUES (?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error);
  sqlite3_bind_text (stmt, 1, user, -1, SQLITE_TRANSIENT);
  if (fwd->always)
    sqlite3_bind_text (stmt, 2, fwd->always, -1, SQLITE_TRANSIENT);
  if (fwd->unanswered)
    sqlite3_bind_text (stmt, 3, fwd->unanswered, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, fwd->unanswered_timeout);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error);
  return TRUE;
}

static void
sqlite_record_call (BatonStore            *store,
                    const BatonCallRecord *r)
{
  SqliteStore *self = (SqliteStore *) store;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db,
                          "INSERT INTO calls (call_id, caller, callee, started_at, answered_at,"
                          " ended_at, code, subcode) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_warning ("record_call: %s", sqlite3_errmsg (self->db));
      return;
    }
  sqlite3_bind_text (stmt, 1, r->call_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, r->caller, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, r->callee, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, r->started_at);
  if (r->answered_at)
    sqlite3_bind_int64 (stmt, 5, r->answered_at);
  sqlite3_bind_int64 (stmt, 6, r->ended_at);
  sqlite3_bind_int (stmt, 7, r->code);
  sqlite3_bind_int (stmt, 8, r->subcode);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_warning ("record_call: %s", sqlite3_errmsg (self->db));
  sqlite3_finalize (stmt);
}

static void
sqlite_free (BatonStore *store)
{
  SqliteStore *self = (SqliteStore *) store;

  sqlite3_close (self->db);
  g_free (self);
}

static const BatonStoreVTable sqlite_vtable = {
  sqlite_add_user,
  sqlite_get_user,
  sqlite_list_users,
  sqlite_get_forwarding,
  sqlite_set_forwarding,
  sqlite_record_call,
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
