/* baton-lib-test-util.h: helpers shared by the libbaton test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "baton.h"

#include "baton-test-server.h"

G_BEGIN_DECLS

/* Iterate the thread-default main context until @cond holds; fail the test
 * after 20 s (a hang, not a timing assertion). */
#define test_wait_until(cond) G_STMT_START {                                   \
  gint64 _deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;             \
  guint _wake = g_timeout_add (50, test_wake_cb, NULL);                         \
  while (!(cond))                                                               \
    {                                                                           \
      if (g_get_monotonic_time () > _deadline)                                  \
        g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond); \
      g_main_context_iteration (NULL, TRUE);                                    \
    }                                                                           \
  g_source_remove (_wake);                                                      \
} G_STMT_END

gboolean test_wake_cb (gpointer user_data);

/* Spin the main context for @ms (to let things that must *not* happen have
 * their chance; never used to assert timing). */
void test_spin (guint ms);

typedef struct
{
  BatonCallClient   *client;
  BatonCallAgent    *agent;
  BatonTokenCredential *credential;
  char              *user;
  GPtrArray         *incoming;    /* BatonIncomingCall, in arrival order */
  guint              n_state_changes;
} TestParty;

/* A connected agent of @user (the user must exist). */
TestParty         *test_party_new         (BatonTestServer *server,
                                           const char      *user);
TestParty         *test_party_new_full    (BatonTestServer *server,
                                           const char      *user,
                                           const char      *uri);
/* Shut down the agent and check that everything is finalized. */
void               test_party_free        (TestParty       *party);
/* The last incoming call that rang, waiting for it if needed. */
BatonIncomingCall *test_party_wait_incoming (TestParty     *party);

/* Creates the agent; returns NULL and sets @error on failure. */
BatonCallAgent    *test_create_agent      (BatonCallClient      *client,
                                           BatonTokenCredential *credential,
                                           const char           *uri,
                                           GError              **error);

/* Call state helpers */
BatonRemoteParticipant *test_call_get_peer (BatonCall *call);

/* Starts a call from @caller to @callee and answers it; returns both calls
 * (CONNECTED on both sides). */
void test_connect_call (TestParty  *caller,
                        TestParty  *callee,
                        BatonCall **caller_call,
                        BatonCall **callee_call);

/* Counts "notify::PROP" emissions on an object. */
typedef struct { guint count; } NotifyCounter;
void test_count_notify (gpointer       object,
                        const char    *property,
                        NotifyCounter *counter);

G_END_DECLS

G_BEGIN_DECLS

/* A TCP proxy in front of the server, to cut connections without stopping
 * the server (a network loss as the agent sees it). */
typedef struct _TestProxy TestProxy;

TestProxy  *test_proxy_new     (guint16    target_port);
const char *test_proxy_get_uri (TestProxy *proxy);
/* Closes every connection through the proxy; new ones still work. */
void        test_proxy_cut     (TestProxy *proxy);
/* While refusing, new connections are closed at once (the service is
 * unreachable); connections already open are left alone. */
void        test_proxy_set_refusing (TestProxy *proxy,
                                     gboolean   refusing);
void        test_proxy_free    (TestProxy *proxy);

G_END_DECLS
