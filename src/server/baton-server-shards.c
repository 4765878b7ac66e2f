/* baton-server-shards.c: the WebSocket I/O spread over several GMainContexts,
 * all driven from the main thread (docs/PERFORMANCE.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GMainContext keeps the poll record of every source in one list sorted by
 * descriptor, and libsoup re-creates a WebSocket's input source around every
 * read: with 10,000 connections in one context each received frame walks
 * that list twice, and each iteration walks every source. So the
 * connections live in shards: each shard is a GMainContext with its own
 * SoupServer listening on the same port (SO_REUSEPORT: the kernel spreads
 * new connections), and everything libsoup creates for a connection goes to
 * its shard because the shard is the thread-default context whenever it is
 * dispatched. Each shard has an epoll set, kept equal to what its last
 * query asked for, and the main context holds one "pump" GSource polling one
 * epoll descriptor that holds every shard's; the pump runs GLib's own
 * prepare / query / check / dispatch steps for the shards that are ready or
 * whose timeout is due. Everything stays on the main thread: the signaling code does
 * not know about shards.
 */
#include "config.h"

#include "baton-server-shards.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

/* Every shard is looked at in full (prepare, poll of every descriptor, check)
 * at least this often, in case one of its sources changed from outside its
 * own dispatch without waking it. Nothing is known to do that: libsoup
 * attaches what it adds for a write or a close (an output source, a close
 * timeout) to the thread-default context of the moment, i.e. the main
 * context or the shard being run, and a source attached from another thread
 * wakes the shard through its wakeup descriptor, which is in its epoll set.
 * So this is a safety net only; a shard that runs for any reason is prepared
 * again after it, which would pick such changes up too. At 100 ms it cost the
 * server ~30 % of a core with 10,000 idle agents (docs/PERFORMANCE.md). */
#define SAFETY_INTERVAL_US (1000 * 1000)
#define SAFETY_BATCH_US (100 * 1000)
/* and its epoll set is checked against its last query this often, busy or
 * not (a descriptor closed and reused within one dispatch looks unchanged to
 * the query but left the set); staggered over the shards */
#define REBUILD_INTERVAL_US (5 * G_USEC_PER_SEC)

typedef struct
{
  /* looked at for every shard in every round: first */
  gint64 deadline;           /* monotonic µs; -1: none */
  gint64 last_run;
  gint64 last_rebuild;
  guint64 ready_round;       /* the round in which its epfd was last seen ready */
  GMainContext *ctx;
  int epfd;
  GPollFD *fds;              /* from the last query */
  gint n_fds;
  gint alloc;
  gint max_priority;
  GHashTable *registered;    /* fd → events, what epfd holds */
  GPollFD *synced;           /* the query that epfd was last made equal to */
  struct epoll_event *ev;    /* epoll_wait's buffer */
  gint ev_alloc;
  gint n_synced;
} Shard;

typedef struct
{
  GSource source;
  BatonShards *shards;
} PumpSource;

struct _BatonShards
{
  guint n;
  Shard *shard;
  GSource *pump;
  /* Every shard's epfd, in one epoll set (epoll descriptors nest): the main
   * context polls this one descriptor, and a round asks it which shards are
   * ready instead of looking at each (with ~1,000 shards, a poll () of every
   * shard's descriptor in each main-loop iteration would cost more than the
   * shards save). */
  int top_epfd;
  struct epoll_event *top_ev;
  guint64 round;
  GFunc batch_begin;
  GFunc batch_end;
  gpointer batch_data;
};

static gboolean
same_query (Shard *shard)
{
  if (shard->n_synced != shard->n_fds)
    return FALSE;
  for (gint i = 0; i < shard->n_fds; i++)
    if (shard->synced[i].fd != shard->fds[i].fd || shard->synced[i].events != shard->fds[i].events)
      return FALSE;
  return TRUE;
}

static void
shard_sync_epoll (Shard *shard)
{
  g_autoptr(GHashTable) wanted = NULL;
  GHashTableIter iter;
  gpointer key, value;
  gboolean rebuild;

  /* usually nothing changed: libsoup re-created a source on the same fd */
  if (same_query (shard))
    return;
  /* rebuild: every wanted descriptor is registered again below (MOD, or ADD
   * when the kernel dropped it with its closed file) */
  rebuild = shard->n_synced < 0;
  shard->synced = g_renew (GPollFD, shard->synced, MAX (shard->n_fds, 1));
  memcpy (shard->synced, shard->fds, sizeof (GPollFD) * shard->n_fds);
  shard->n_synced = shard->n_fds;

  wanted = g_hash_table_new (NULL, NULL);

  for (gint i = 0; i < shard->n_fds; i++)
    {
      gpointer fd = GINT_TO_POINTER (shard->fds[i].fd);
      guint events = GPOINTER_TO_UINT (g_hash_table_lookup (wanted, fd));

      events |= (shard->fds[i].events & G_IO_IN ? EPOLLIN : 0) |
                (shard->fds[i].events & G_IO_OUT ? EPOLLOUT : 0) |
                (shard->fds[i].events & G_IO_PRI ? EPOLLPRI : 0);
      g_hash_table_insert (wanted, fd, GUINT_TO_POINTER (events | EPOLLERR | EPOLLHUP));
    }

  g_hash_table_iter_init (&iter, shard->registered);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (wanted, key))
      {
        /* may fail with EBADF/ENOENT when the fd is already closed: fine */
        epoll_ctl (shard->epfd, EPOLL_CTL_DEL, GPOINTER_TO_INT (key), NULL);
        g_hash_table_iter_remove (&iter);
      }

  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gpointer old;
      gboolean had = g_hash_table_lookup_extended (shard->registered, key, NULL, &old);
      struct epoll_event ev = { 0 };
      int fd = GPOINTER_TO_INT (key);

      if (had && old == value && !rebuild)
        continue;
      ev.events = GPOINTER_TO_UINT (value);
      ev.data.fd = fd;
      if (epoll_ctl (shard->epfd, had ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0)
        {
          /* a descriptor number reused behind our back: register it anew */
          if (errno == ENOENT)
            epoll_ctl (shard->epfd, EPOLL_CTL_ADD, fd, &ev);
          else if (errno == EEXIST)
            epoll_ctl (shard->epfd, EPOLL_CTL_MOD, fd, &ev);
        }
      g_hash_table_insert (shard->registered, key, value);
    }
}

/* GLib's prepare and query steps; the shard then waits in the pump. */
static void
shard_prepare (Shard *shard)
{
  gint timeout = -1;
  gint n;

  g_main_context_prepare (shard->ctx, &shard->max_priority);
  while ((n = g_main_context_query (shard->ctx, shard->max_priority, &timeout,
                                    shard->fds, shard->alloc)) > shard->alloc)
    {
      shard->alloc = MAX (n, shard->alloc * 2);
      shard->fds = g_renew (GPollFD, shard->fds, shard->alloc);
    }
  shard->n_fds = n;
  shard->deadline = timeout < 0 ? -1 : g_get_monotonic_time () + (gint64) timeout * 1000;
  shard_sync_epoll (shard);
}

/* GLib's poll (of this shard's few descriptors, without waiting), check and
 * dispatch steps, then prepare again; with the shard as thread-default, so
 * that what libsoup creates meanwhile stays in the shard. */
/* Sets the revents of the queried descriptors from the epoll set (only the
 * ready ones cost anything), instead of poll()ing all of them. */
static void
shard_fill_revents (Shard *shard)
{
  struct epoll_event *ev;
  int n;

  for (gint i = 0; i < shard->n_fds; i++)
    shard->fds[i].revents = 0;
  /* level-triggered: one call, room for every registered descriptor (a
   * second call would return the same ones again) */
  if (shard->ev_alloc < shard->n_fds + 1)
    {
      shard->ev_alloc = shard->n_fds + 16;
      shard->ev = g_renew (struct epoll_event, shard->ev, shard->ev_alloc);
    }
  ev = shard->ev;
  n = epoll_wait (shard->epfd, ev, shard->ev_alloc, 0);
    {
      for (int k = 0; k < n; k++)
        {
          gushort revents = (ev[k].events & EPOLLIN ? G_IO_IN : 0) |
                            (ev[k].events & EPOLLOUT ? G_IO_OUT : 0) |
                            (ev[k].events & EPOLLPRI ? G_IO_PRI : 0) |
                            (ev[k].events & EPOLLERR ? G_IO_ERR : 0) |
                            (ev[k].events & EPOLLHUP ? G_IO_HUP : 0);
          gint lo = 0, hi = shard->n_fds;

          /* the query is sorted by descriptor */
          while (lo < hi)
            {
              gint mid = (lo + hi) / 2;

              if (shard->fds[mid].fd < ev[k].data.fd)
                lo = mid + 1;
              else
                hi = mid;
            }
          for (gint i = lo; i < shard->n_fds && shard->fds[i].fd == ev[k].data.fd; i++)
            shard->fds[i].revents |= revents & (shard->fds[i].events | G_IO_ERR | G_IO_HUP);
        }
    }
}

static void
shard_run (Shard    *shard,
           gboolean  full)
{
  g_main_context_push_thread_default (shard->ctx);
  if (full)
    g_poll (shard->fds, shard->n_fds, 0);
  else
    shard_fill_revents (shard);
  if (g_main_context_check (shard->ctx, shard->max_priority, shard->fds, shard->n_fds))
    g_main_context_dispatch (shard->ctx);
  shard->last_run = g_get_monotonic_time ();
  shard_prepare (shard);
  g_main_context_pop_thread_default (shard->ctx);
}

static gboolean
pump_dispatch (GSource     *source,
               GSourceFunc  callback,
               gpointer     user_data)
{
  BatonShards *self = ((PumpSource *) source)->shards;
  gint64 now = g_get_monotonic_time ();
  gint64 next_deadline = G_MAXINT64;
  gint64 next_safety = G_MAXINT64;
  int n_ready;

  self->round++;
  /* level-triggered: a shard left with something to read is reported again */
  n_ready = epoll_wait (self->top_epfd, self->top_ev, (int) self->n, 0);
  for (int k = 0; k < n_ready; k++)
    self->shard[self->top_ev[k].data.u32].ready_round = self->round;

  if (self->batch_begin)
    self->batch_begin (self->batch_data, NULL);
  for (guint i = 0; i < self->n; i++)
    {
      Shard *shard = &self->shard[i];

      if (now - shard->last_rebuild >= REBUILD_INTERVAL_US)
        {
          /* registers every descriptor again, and polls them itself */
          shard->n_synced = -1;
          shard->last_rebuild = now;
          shard_run (shard, TRUE);
        }
      else if (now - shard->last_run >= SAFETY_INTERVAL_US)
        shard_run (shard, TRUE); /* polls every descriptor itself */
      else if (shard->ready_round == self->round ||
               (shard->deadline >= 0 && shard->deadline <= now))
        shard_run (shard, FALSE);
      if (shard->deadline >= 0 && shard->deadline < next_deadline)
        next_deadline = shard->deadline;
      next_safety = MIN (next_safety, shard->last_run + SAFETY_INTERVAL_US);
    }
  if (self->batch_end)
    self->batch_end (self->batch_data, NULL);
  /* a shard's own timeouts on time; the safety passes of quiet shards in
   * batches, not one wakeup per shard (~1,000 a second) */
  g_source_set_ready_time (source, MIN (next_deadline, MAX (next_safety, now + SAFETY_BATCH_US)));
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs pump_funcs = {
  .dispatch = pump_dispatch,
};

BatonShards *
baton_shards_new (guint n)
{
  BatonShards *self = g_new0 (BatonShards, 1);

  self->n = n;
  self->shard = g_new0 (Shard, n);
  self->top_epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (self->top_epfd < 0)
    g_error ("epoll_create1: %s", g_strerror (errno));
  self->top_ev = g_new0 (struct epoll_event, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      Shard *shard = &self->shard[i];

      shard->ctx = g_main_context_new ();
      /* owned by this (the main) thread for good: only it runs the shard */
      g_main_context_acquire (shard->ctx);
      shard->epfd = epoll_create1 (EPOLL_CLOEXEC);
      if (shard->epfd < 0)
        g_error ("epoll_create1: %s", g_strerror (errno));
      shard->alloc = 16;
      shard->fds = g_new0 (GPollFD, shard->alloc);
      shard->deadline = -1;
      shard->registered = g_hash_table_new (NULL, NULL);
    }
  return self;
}

guint
baton_shards_get_n (BatonShards *self)
{
  return self->n;
}

GMainContext *
baton_shards_get_context (BatonShards *self,
                          guint        i)
{
  g_return_val_if_fail (i < self->n, NULL);
  return self->shard[i].ctx;
}

void
baton_shards_set_batch (BatonShards *self,
                        GFunc        begin,
                        GFunc        end,
                        gpointer     data)
{
  self->batch_begin = begin;
  self->batch_end = end;
  self->batch_data = data;
}

void
baton_shards_start (BatonShards *self)
{
  g_return_if_fail (self->pump == NULL);

  self->pump = g_source_new (&pump_funcs, sizeof (PumpSource));
  ((PumpSource *) self->pump)->shards = self;
  g_source_set_name (self->pump, "baton-server shards");
  g_source_add_unix_fd (self->pump, self->top_epfd, G_IO_IN);
  for (guint i = 0; i < self->n; i++)
    {
      Shard *shard = &self->shard[i];
      struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
      gint64 now = g_get_monotonic_time ();

      if (epoll_ctl (self->top_epfd, EPOLL_CTL_ADD, shard->epfd, &ev) != 0)
        g_error ("epoll_ctl: %s", g_strerror (errno));
      /* spread the safety passes and the rebuilds over their intervals */
      shard->last_run = now - (gint64) i * SAFETY_INTERVAL_US / self->n;
      shard->last_rebuild = now - (gint64) i * REBUILD_INTERVAL_US / self->n;
      g_main_context_push_thread_default (shard->ctx);
      shard_prepare (shard);
      g_main_context_pop_thread_default (shard->ctx);
    }
  g_source_set_ready_time (self->pump, 0); /* a first round at once */
  g_source_attach (self->pump, NULL);
}

void
baton_shards_free (BatonShards *self)
{
  if (self == NULL)
    return;
  if (self->pump)
    {
      g_source_destroy (self->pump);
      g_clear_pointer (&self->pump, g_source_unref);
    }
  for (guint i = 0; i < self->n; i++)
    {
      Shard *shard = &self->shard[i];

      /* let what the shard still holds (closing connections) finish */
      g_main_context_push_thread_default (shard->ctx);
      while (g_main_context_iteration (shard->ctx, FALSE))
        ;
      g_main_context_pop_thread_default (shard->ctx);
      g_main_context_release (shard->ctx);
      g_main_context_unref (shard->ctx);
      close (shard->epfd);
      g_free (shard->fds);
      g_free (shard->synced);
      g_free (shard->ev);
      g_hash_table_destroy (shard->registered);
    }
  close (self->top_epfd);
  g_free (self->top_ev);
  g_free (self->shard);
  g_free (self);
}
