/* baton-server-shards.h: the WebSocket I/O spread over several GMainContexts
 * driven from the main thread (see baton-server-shards.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BatonShards BatonShards;

BatonShards  *baton_shards_new         (guint        n);
guint         baton_shards_get_n       (BatonShards *self);
/* Attach a shard's sources (e.g. a SoupServer's listener) with this context
 * pushed as thread-default, before baton_shards_start(). */
GMainContext *baton_shards_get_context (BatonShards *self,
                                        guint        i);
/* Called before and after each round in which the pump runs the shards that
 * are ready: everything those shards dispatch happens between the two (the
 * server holds its replies and events from @begin, and stores the live state
 * they report in one transaction at @end before sending them). */
void          baton_shards_set_batch   (BatonShards *self,
                                        GFunc        begin,
                                        GFunc        end,
                                        gpointer     data);
/* Starts driving the shards from the default main context. */
void          baton_shards_start       (BatonShards *self);
void          baton_shards_free        (BatonShards *self);

G_END_DECLS
