/* baton-server-private.h: the state shared by the parts of baton-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "baton-server-message.h"
#include "baton-server-router.h"
#include "baton-server-shards.h"
#include "baton-server-store.h"

G_BEGIN_DECLS

/* Protocol timeouts in seconds (PROTOCOL.md § 7.3); multiplied by time_scale. */
#define BATON_REGISTER_TIMEOUT   10.0
#define BATON_TRANSFEREE_TIMEOUT 10.0
#define BATON_REPLACE_TIMEOUT    10.0
#define BATON_MEDIA_TIMEOUT      15.0
#define BATON_GRACE_PERIOD       30.0
#define BATON_KEEPALIVE_INTERVAL 15.0
/* a connection silent (no pong, no message) for this many intervals is lost */
#define BATON_KEEPALIVE_MISSED   3
#define BATON_TRANSFER_KEEP      300.0
#define BATON_MAX_CALLS_PER_USER 32
#define BATON_RATE_BURST         100.0
#define BATON_RATE_PER_SECOND    50.0
#define BATON_MAX_ERROR_STREAK   20
/* event contexts the connections are spread over (docs/PERFORMANCE.md), at
 * most one per BATON_FDS_PER_SHARD open files the process may have (a shard
 * costs three: its listening socket, its epoll set and its context's wakeup) */
#define BATON_DEFAULT_IO_SHARDS  1024
#define BATON_FDS_PER_SHARD      16
/* frames up to this size get a clean 1009 close from us; larger ones are cut by libsoup */
#define BATON_HARD_FRAME_LIMIT   (1024 * 1024)
/* A client must read what it is sent: past this many bytes queued for it in
 * our memory (beyond what its TCP took), its connection is taken as lost. */
#define BATON_MAX_BACKLOG        (1024 * 1024)
#define BATON_BACKLOG_CHECK_EVERY (64 * 1024)
/* libsoup's per-connection ping timers are whole-second GLib timers, which
 * all fire at the same point of every second: with 10,000 agents and 15 s,
 * ~670 pings at once (~40 ms of the main thread) and their pongs right after.
 * So the connections' timers are spread over this many contexts, dispatched
 * one after the other across each second (docs/PERFORMANCE.md). */
#define BATON_KEEPALIVE_SLICES   20

#define BATON_CLOSE_SHUTDOWN       1001
#define BATON_CLOSE_TOO_MANY_ERRORS 4400
#define BATON_CLOSE_TOKEN          4401
#define BATON_CLOSE_NO_REGISTER    4408
#define BATON_CLOSE_RESUMED        4409

typedef struct _BatonServer BatonServer;
typedef struct _BatonConnection BatonConnection;
typedef struct _BatonCall BatonCall;
typedef struct _BatonTransfer BatonTransfer;

struct _BatonServer
{
  SoupServer *soup;          /* without shards: the one server, in the main context */
  guint n_shards;            /* 0: every connection in the main context */
  gboolean n_shards_set;     /* by baton_server_set_io_shards (): not fitted to the file limit */
  BatonShards *shards;
  GPtrArray *shard_soups;    /* SoupServer per shard, same port (SO_REUSEPORT) */
  BatonStore *store;
  BatonRouter *router;
  GBytes *key;
  double time_scale;
  gboolean tls;

  GHashTable *sessions;      /* id → BatonSession (owned) */
  GHashTable *calls;         /* id → BatonCall (owned) */
  GHashTable *user_calls;    /* user id (owned) → live calls they are a party of (count) */
  GHashTable *transfers;     /* id → BatonTransfer (owned) */
  GHashTable *connections;   /* BatonConnection* set (owned) */
  gboolean shutting_down;
  GPtrArray *graveyard;      /* ended calls, freed from an idle */
  guint graveyard_source;
  guint expiry_source;       /* one sweep for every connection's token */
  guint keepalive_s;         /* WebSocket ping interval, whole seconds */
  guint liveness_source;     /* one sweep for every connection's keep-alive */
  guint liveness_tick;       /* which slice of the connections the sweep looks at */
  /* libsoup's per-connection ping timers live here, connection i in slice
   * i % BATON_KEEPALIVE_SLICES */
  GMainContext *keepalive_ctx[BATON_KEEPALIVE_SLICES];
  guint keepalive_next;      /* the slice of the next connection */
  guint keepalive_tick;      /* the slice the pump dispatches next */
  guint keepalive_pump;      /* dispatches one slice at a time from the main context */
  GHashTable *live_dirty_sessions; /* ids (owned) whose stored live state is stale */
  GHashTable *live_dirty_calls;
  guint live_source;
  gboolean live_frozen;      /* being freed: the stored state stays as it is */
  int cork;                  /* > 0: frames are held until the live state is stored
                              * (a request, a timer, or a whole round of the shards) */
  GQueue held;               /* HeldFrame*, in sending order */
  char *crash_after;         /* tests only: SIGKILL itself after answering this request type */
  gboolean crash_pending;    /* such a request was answered: SIGKILL once its reply is sent */
};

struct _BatonConnection
{
  BatonServer *server;
  SoupWebsocketConnection *ws;
  GMainContext *ctx;         /* where libsoup attaches its sources: its shard */
  char *user_id;
  char *user_name;
  char *token_tag;           /* for logs: never the token */
  gint64 token_exp;
  guint register_source;
  BatonSession *session;     /* after register */
  gint64 last_id;
  gint64 seq;
  int error_streak;
  double bucket;
  gint64 bucket_time;
  gboolean closing;
  guint64 queued;            /* bytes of frames handed to libsoup (or held for it) */
  guint64 queued_checked;    /* queued at the last backlog check */
  int fd;                    /* the TCP socket's, for the liveness sweep; -1: none */
  guint slice;               /* its keep-alive slice (and liveness sweep slice) */
};

struct _BatonSession
{
  BatonServer *server;
  char *id;
  char *user_id;
  char *user_name;
  char *agent_name;
  BatonConnection *conn;     /* NULL during the grace period */
  guint grace_source;
};

typedef enum
{
  CALL_RINGING,
  CALL_CONNECTED,
  CALL_ENDED,
} BatonCallState;

enum { CALLER = 0, CALLEE = 1 };

struct _BatonCall
{
  char *id;
  BatonCallState state;
  char *user[2];             /* caller, callee (the current target) */
  char *name[2];             /* their display names */
  BatonSession *session[2];  /* caller's; callee's once answered */
  GPtrArray *ringing;        /* BatonSession* of the callee, while ringing */
  char *offer;
  gboolean allow_forwarding;
  char *forwarded_from;      /* user id */
  guint timer;
  gboolean held[2];          /* by the party itself */
  gboolean server_held[2];   /* held by the server on that party's behalf (transfer) */
  gboolean muted[2];
  gboolean media_connected;
  gint64 started_at;
  gint64 answered_at;
  BatonTransfer *leg_of;     /* this call is A′ of that transfer */
  BatonTransfer *transfer;   /* a transfer of this call (as A) is in progress */
  BatonTransfer *replaced_by; /* this call is B of a transfer to a call in progress */
  char *replaces;            /* for A′ of a transfer to a call: B's id */
  JsonObject *transfer_info; /* "transfer" member of call.incoming, for A′ */
};

typedef enum
{
  TRANSFER_WAIT_TRANSFEREE,
  TRANSFER_RINGING,
  TRANSFER_ANSWERED,
  TRANSFER_DONE,
} BatonTransferStage;

struct _BatonTransfer
{
  BatonServer *server;
  char *id;
  BatonTransferStage stage;
  gboolean succeeded;
  char *a_id;
  BatonCall *a;              /* NULL once A ended */
  BatonCall *b;              /* for a transfer to a call, while live */
  char *b_id;
  BatonCall *new_call;       /* A′ while live */
  char *new_call_id;
  char *transferor;
  char *transferor_name;
  char *transferor_session;  /* session id that asked */
  char *transferee;
  BatonSession *transferee_session;
  char *target;
  char *target_name;
  gboolean disable_forwarding;
  guint timer;
  int code;
  int subcode;
  char *message;
  gint64 ended_at;
  guint cleanup_source;
};

/* baton-server.c */
guint         baton_server_timeout_add    (BatonServer *server, double seconds,
                                           GSourceFunc func, gpointer data);
BatonStoreUser *baton_server_lookup_user  (BatonServer *server, const char *id);
JsonObject   *baton_user_object           (const char *id, const char *name);
JsonObject   *baton_event_new             (const char *type);
void          baton_session_send          (BatonSession *session, JsonObject *event);
void          baton_connection_send       (BatonConnection *conn, JsonObject *obj);
void          baton_connection_close      (BatonConnection *conn, gushort code, const char *reason);
void          baton_server_cork           (BatonServer *server);
void          baton_server_uncork         (BatonServer *server);
void          baton_server_release_held   (BatonServer *server);
char         *baton_new_id                (void);

/* Diagnostics (docs/PERFORMANCE.md): with BATON_SERVER_SLOW_MS=N in the
 * environment, every main-loop iteration, pump round and sweep that keeps the
 * main thread busy for N ms or more is logged with its CLOCK_MONOTONIC times
 * (those of bench-server --trace and of perf record -k CLOCK_MONOTONIC). */
typedef struct
{
  gint64 wall;  /* CLOCK_MONOTONIC µs */
  gint64 cpu;   /* this thread's CPU time, µs: wall − cpu is time preempted or blocked */
} BatonSlow;
extern gint64 baton_slow_us;
void          baton_slow_init             (void);
BatonSlow     baton_slow_now              (void);
void          baton_slow_note             (const char *what, BatonSlow start);
#define BATON_SLOW_START() (G_UNLIKELY (baton_slow_us > 0) ? baton_slow_now () : (BatonSlow) { 0, 0 })
#define BATON_SLOW_END(what, start) \
  G_STMT_START { if (G_UNLIKELY (baton_slow_us > 0)) baton_slow_note ((what), (start)); } G_STMT_END

/* baton-server-connection.c */
BatonConnection *baton_connection_new     (BatonServer *server, SoupWebsocketConnection *ws,
                                           const char *user_id, const char *user_name,
                                           const char *token_tag, gint64 token_exp);
void          baton_connection_free       (BatonConnection *conn);
void          baton_connection_schedule_expiry (BatonConnection *conn);
GSocket      *baton_connection_get_socket (BatonConnection *conn);
gboolean      baton_socket_bytes_written  (int fd, guint64 *out);
void          baton_reply_ok              (BatonConnection *conn, gint64 re, JsonObject *fields);
void          baton_reply_error           (BatonConnection *conn, gint64 re, int code, int subcode,
                                           const char *message);

/* baton-server-session.c */
void          baton_session_handle_register (BatonConnection *conn, BatonMessage *msg);
void          baton_session_detach        (BatonServer *server, BatonSession *session, gboolean said_goodbye);
void          baton_session_free          (BatonSession *session);
void          baton_session_start_grace   (BatonServer *server, BatonSession *session);
void          baton_handle_misc           (BatonConnection *conn, BatonMessage *msg);

/* baton-server-call.c */
void          baton_call_handle           (BatonConnection *conn, BatonMessage *msg);
BatonCall    *baton_call_new              (BatonServer *server, BatonSession *caller,
                                           const char *caller_name, BatonStoreUser *callee,
                                           const char *offer, gboolean allow_forwarding);
void          baton_call_route            (BatonServer *server, BatonCall *call,
                                           JsonObject *transfer_info);
void          baton_call_route_replacing  (BatonServer *server, BatonCall *call,
                                           BatonSession *target, JsonObject *transfer_info);
void          baton_call_end              (BatonServer *server, BatonCall *call,
                                           int code, int subcode, const char *message,
                                           BatonSession *quiet);
void          baton_call_free             (BatonCall *call);
int           baton_call_party            (BatonCall *call, BatonSession *session);
gboolean      baton_call_is_ringing_on    (BatonCall *call, BatonSession *session);
void          baton_call_set_server_hold  (BatonServer *server, BatonCall *call, int party, gboolean held);
JsonObject   *baton_call_snapshot         (BatonCall *call, BatonSession *session);
BatonCall    *baton_call_lookup_for       (BatonConnection *conn, gint64 re, const char *call_id);
void          baton_call_insert           (BatonServer *server, BatonCall *call);
guint         baton_count_user_calls      (BatonServer *server, const char *user);

/* baton-server-transfer.c */
void          baton_transfer_handle       (BatonConnection *conn, BatonMessage *msg);
void          baton_transfer_call_ended   (BatonServer *server, BatonCall *call,
                                           int code, int subcode, const char *message);
void          baton_transfer_call_answered (BatonServer *server, BatonCall *call);
void          baton_transfer_media        (BatonServer *server, BatonCall *call, gboolean ok);
JsonObject   *baton_transfer_snapshot     (BatonTransfer *tr);
void          baton_transfer_send_request (BatonTransfer *tr);
void          baton_transfer_restore_failed (BatonServer *server, const char *id, BatonCall *a,
                                           const char *transferor_session,
                                           int code, int subcode, const char *message);
void          baton_transfer_free         (BatonTransfer *tr);

/* baton-server-live.c */
void          baton_live_session_changed  (BatonServer *server, BatonSession *session);
void          baton_live_call_changed     (BatonServer *server, BatonCall *call);
void          baton_live_flush            (BatonServer *server);
void          baton_live_restore          (BatonServer *server);

G_END_DECLS
