/* baton-server-router.h: finding a user's connected sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The in-process router keeps a table user id → sessions with a live
 * connection. A multi-node deployment swaps it for one that also asks the
 * other nodes (pub/sub) and delivers through them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BatonSession BatonSession;
typedef struct _BatonRouter BatonRouter;

typedef struct
{
  void       (*add)     (BatonRouter *router, BatonSession *session);
  void       (*remove)  (BatonRouter *router, BatonSession *session);
  /* The connected sessions of @user (borrowed; do not keep), or NULL if none. */
  GPtrArray *(*lookup)  (BatonRouter *router, const char *user);
  guint      (*count)   (BatonRouter *router);
  void       (*free)    (BatonRouter *router);
} BatonRouterVTable;

struct _BatonRouter
{
  const BatonRouterVTable *vtable;
};

BatonRouter *baton_router_local_new (void);

G_END_DECLS
