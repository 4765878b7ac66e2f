/* baton-server-store.h: where baton-server keeps users, forwarding and history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small vtable so that another backend (PostgreSQL for a multi-node
 * deployment) can replace the embedded SQLite one.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BATON_DEFAULT_UNANSWERED_TIMEOUT 20

typedef struct
{
  char *id;
  char *display_name; /* never NULL: the id when no name was set */
} BatonStoreUser;

typedef struct
{
  char *always;      /* nullable */
  char *unanswered;  /* nullable */
  int unanswered_timeout;
} BatonForwarding;

typedef struct
{
  const char *call_id;
  const char *caller;
  const char *callee;
  gint64 started_at;
  gint64 answered_at; /* 0 if never */
  gint64 ended_at;
  int code;
  int subcode;
} BatonCallRecord;

/* The live signaling state, kept so that calls survive a restart of the
 * server (PROTOCOL.md § 3.1). Media is peer to peer: only this is needed. */
typedef struct
{
  char *id;
  char *user_id;
  char *user_name;
  char *agent_name;  /* nullable */
} BatonLiveSession;

typedef struct
{
  char *call_id;
  gboolean connected;      /* FALSE: still ringing */
  char *user[2];           /* caller, callee */
  char *name[2];
  char *session[2];        /* session ids; the callee's is NULL while ringing */
  gboolean held[2];        /* by the party itself (not the server's hold) */
  gboolean muted[2];
  gint64 started_at;
  gint64 answered_at;
  char *forwarded_from;    /* nullable */
  gboolean transfer_leg;   /* A′ of a transfer still in progress */
  char *transfer_id;       /* a transfer of this call (as A) in progress, nullable */
  char *transferor_session;
} BatonLiveCall;

typedef struct _BatonStore BatonStore;

typedef struct
{
  gboolean         (*add_user)       (BatonStore *store, const char *id, const char *display_name, GError **error);
  BatonStoreUser  *(*get_user)       (BatonStore *store, const char *id);
  /* query: case-insensitive substring of id or display name, or NULL; limit <= 0: all */
  GPtrArray       *(*list_users)     (BatonStore *store, const char *query, int limit);
  void             (*get_forwarding) (BatonStore *store, const char *user, BatonForwarding *out);
  gboolean         (*set_forwarding) (BatonStore *store, const char *user, const BatonForwarding *fwd, GError **error);
  /* May be kept until the next save_live () (written in its transaction) or free (). */
  void             (*record_call)    (BatonStore *store, const BatonCallRecord *record);
  /* One batch of changes to the live state, in one transaction: rows to
   * write (BatonLiveSession*, BatonLiveCall*) and ids whose rows go. */
  void             (*save_live)      (BatonStore *store, GPtrArray *sessions, GPtrArray *gone_sessions,
                                      GPtrArray *calls, GPtrArray *gone_calls);
  /* Everything save_live() left, as new arrays with free functions. */
  void             (*load_live)      (BatonStore *store, GPtrArray **sessions, GPtrArray **calls);
  void             (*free)           (BatonStore *store);
} BatonStoreVTable;

struct _BatonStore
{
  const BatonStoreVTable *vtable;
};

BatonStore     *baton_store_sqlite_new  (const char *data_dir, GError **error);

static inline gboolean
baton_store_add_user (BatonStore *s, const char *id, const char *name, GError **error)
{
  return s->vtable->add_user (s, id, name, error);
}

static inline BatonStoreUser *
baton_store_get_user (BatonStore *s, const char *id)
{
  return s->vtable->get_user (s, id);
}

static inline GPtrArray *
baton_store_list_users (BatonStore *s, const char *query, int limit)
{
  return s->vtable->list_users (s, query, limit);
}

static inline void
baton_store_get_forwarding (BatonStore *s, const char *user, BatonForwarding *out)
{
  s->vtable->get_forwarding (s, user, out);
}

static inline gboolean
baton_store_set_forwarding (BatonStore *s, const char *user, const BatonForwarding *fwd, GError **error)
{
  return s->vtable->set_forwarding (s, user, fwd, error);
}

static inline void
baton_store_record_call (BatonStore *s, const BatonCallRecord *record)
{
  s->vtable->record_call (s, record);
}

static inline void
baton_store_save_live (BatonStore *s, GPtrArray *sessions, GPtrArray *gone_sessions,
                       GPtrArray *calls, GPtrArray *gone_calls)
{
  s->vtable->save_live (s, sessions, gone_sessions, calls, gone_calls);
}

static inline void
baton_store_load_live (BatonStore *s, GPtrArray **sessions, GPtrArray **calls)
{
  s->vtable->load_live (s, sessions, calls);
}

static inline void
baton_store_free (BatonStore *s)
{
  if (s)
    s->vtable->free (s);
}

void baton_store_user_free       (BatonStoreUser  *user);
void baton_forwarding_clear      (BatonForwarding *fwd);
void baton_live_session_free     (BatonLiveSession *session);
void baton_live_call_free        (BatonLiveCall   *call);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BatonStore, baton_store_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BatonStoreUser, baton_store_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BatonLiveSession, baton_live_session_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BatonLiveCall, baton_live_call_free)

G_END_DECLS
