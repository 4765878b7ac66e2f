/* server-fixture.h: a running baton-server with a few users, for the server tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "baton-test-client.h"
#include "baton-test-server.h"

typedef struct
{
  BatonTestServer *server;
  char *alice;   /* tokens */
  char *bob;
  char *carol;
  char *dave;
} Fixture;

/* Protocol timeouts run 20 times faster in these tests (PROTOCOL.md § 7.3,
 * the --time-scale test knob): 10 s → 0.5 s, 15 s → 0.75 s, 30 s → 1.5 s. */
#define FIXTURE_TIME_SCALE "0.05"

/* The fixture with a server started with @args (NULL-terminated) */
static inline void
fixture_set_up_with_args (Fixture     *f,
                          const char **args)
{
  f->server = baton_test_server_new_full (args);
  baton_test_server_add_user (f->server, "alice", "Alice Liddell");
  baton_test_server_add_user (f->server, "bob", "Bob Builder");
  baton_test_server_add_user (f->server, "carol", "Carol Danvers");
  baton_test_server_add_user (f->server, "dave", NULL);
  f->alice = baton_test_server_token (f->server, "alice", 3600);
  f->bob = baton_test_server_token (f->server, "bob", 3600);
  f->carol = baton_test_server_token (f->server, "carol", 3600);
  f->dave = baton_test_server_token (f->server, "dave", 3600);
}

static inline void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *args[] = { "--time-scale", FIXTURE_TIME_SCALE, NULL };

  fixture_set_up_with_args (f, args);
}

static inline void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->server, baton_test_server_free);
  g_free (f->alice);
  g_free (f->bob);
  g_free (f->carol);
  g_free (f->dave);
}

static inline BatonTestClient *
fixture_connect (Fixture    *f,
                 const char *token)
{
  return btc_new_registered (baton_test_server_get_uri (f->server), token);
}

/* alice calls bob and bob answers: returns the call id (owned) */
static inline char *
fixture_call (BatonTestClient *caller,
              BatonTestClient *callee,
              const char      *callee_id)
{
  g_autoptr(JsonObject) reply = btc_ok (caller, "{'type':'call.invite','to':'%s','sdp':'v=0 offer'}", callee_id);
  g_autoptr(JsonObject) incoming = btc_wait_event (callee, "call.incoming");
  g_autoptr(JsonObject) ringing = btc_wait_event (caller, "call.ringing");
  g_autoptr(JsonObject) ok = NULL;
  g_autoptr(JsonObject) accepted = NULL;
  char *call_id = g_strdup (btc_str (reply, "call_id"));

  g_assert_cmpstr (btc_str (incoming, "call_id"), ==, call_id);
  ok = btc_ok (callee, "{'type':'call.accept','call_id':'%s','sdp':'v=0 answer'}", call_id);
  accepted = btc_wait_event (caller, "call.accepted");
  g_assert_cmpstr (btc_str (accepted, "call_id"), ==, call_id);
  return call_id;
}

#define FIXTURE_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
