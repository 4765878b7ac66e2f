/* baton-server-router.c: the in-process router
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "baton-server-private.h"

typedef struct
{
  BatonRouter parent;
  GHashTable *users; /* user id (owned) → GPtrArray of BatonSession* (borrowed) */
  guint count;
} LocalRouter;

static void
local_add (BatonRouter  *router,
           BatonSession *session)
{
  LocalRouter *self = (LocalRouter *) router;
  GPtrArray *list = g_hash_table_lookup (self->users, session->user_id);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (self->users, g_strdup (session->user_id), list);
    }
  if (!g_ptr_array_find (list, session, NULL))
    {
      g_ptr_array_add (list, session);
      self->count++;
    }
}

static void
local_remove (BatonRouter  *router,
              BatonSession *session)
{
  LocalRouter *self = (LocalRouter *) router;
  GPtrArray *list = g_hash_table_lookup (self->users, session->user_id);

  if (list == NULL)
    return;
  if (g_ptr_array_remove (list, session))
    self->count--;
  if (list->len == 0)
    g_hash_table_remove (self->users, session->user_id);
}

static GPtrArray *
local_lookup (BatonRouter *router,
              const char  *user)
{
  LocalRouter *self = (LocalRouter *) router;

  return g_hash_table_lookup (self->users, user);
}

static guint
local_count (BatonRouter *router)
{
  return ((LocalRouter *) router)->count;
}

static void
local_free (BatonRouter *router)
{
  LocalRouter *self = (LocalRouter *) router;

  g_hash_table_destroy (self->users);
  g_free (self);
}

static const BatonRouterVTable local_vtable = {
  local_add,
  local_remove,
  local_lookup,
  local_count,
  local_free,
};

BatonRouter *
baton_router_local_new (void)
{
  LocalRouter *self = g_new0 (LocalRouter, 1);

  self->parent.vtable = &local_vtable;
  self->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_ptr_array_unref);
  return &self->parent;
}
