/* baton-app-test.h: run the real Baton app in-process against a real
 * baton-server, and drive it like a person: real key presses and pointer
 * moves through the X server (xdotool, XTEST), under the test session's Xvfb.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A test program registers its GTest cases and calls baton_app_test_run(),
 * which starts the app with `--server URI` and BATON_TOKEN, and runs the
 * cases inside the app's main loop once its window is up. The cases share
 * the app, so they run in order and may build on each other.
 */
#pragma once

#include <baton.h>
#include <gtk/gtk.h>

#include "baton-application.h"
#include "baton-test-server.h"
#include "baton-window-private.h"

G_BEGIN_DECLS

typedef struct
{
  guint id;
  char *summary;
  char **actions;               /* key, label, key, label, … */
  gboolean closed;
} BatonAppTestNotification;

typedef struct
{
  GPtrArray *notifications;     /* BatonAppTestNotification, as the app sent them */
  BatonTestServer *server;
  BatonCallClient *client;      /* the peers' SDK client */
  GHashTable *peers;            /* user id → BatonCallAgent */
  BatonApplication *app;
  BatonWindow *window;
  const char *user;             /* the app's user id */
  gboolean unique;              /* run the app as the session's only instance (set before run) */
} BatonAppTest;

extern BatonAppTest *T;

/* g_test_init, a server with the app's user @user and the given other users
 * ("id", "Display Name", …, NULL). */
void            baton_app_test_init          (int         *argc,
                                              char      ***argv,
                                              const char  *user,
                                              const char  *user_name,
                                              ...) G_GNUC_NULL_TERMINATED;
int             baton_app_test_run           (void);
/* Without --server: the app starts on the welcome page. */
int             baton_app_test_run_full      (gboolean     with_server_option);
/* The first descendant of @root that is a button with this label. */
GtkWidget      *baton_app_test_find_button   (GtkWidget   *root,
                                              const char  *label);
/* Resizes @window through the X server, as a window manager would. */
void            baton_app_test_resize        (GtkWindow   *window,
                                              int          width,
                                              int          height);
/* A real click on the centre of @widget. */
void            baton_app_test_click         (GtkWidget   *widget);
void            baton_app_test_stop_server   (void);
void            baton_app_test_restart_server (void);

/* The app's own agent (signed in as T->user) and its main window. */
BatonCallAgent *baton_app_test_agent         (void);
GtkWindow      *baton_app_test_window        (void);

/* Calls as the tests set them up and take them down. */
/* @peer_id calls the app, which rings and answers on Ctrl+Shift+A; both
 * sides connected. Returns the app's call (its agent's list keeps it). */
BatonCall      *baton_app_test_answer_call_from (const char *peer_id);
/* Hangs up every call of @agent and waits until it has none. */
void            baton_app_test_hang_up_all   (BatonCallAgent *agent);
BatonTransferState baton_app_test_transfer_state (BatonCall *call);
/* Waits until the service confirmed @call's transfer (or fails the test
 * with the reason it failed). */
void            baton_app_test_wait_transferred (BatonCall *call);

/* Spins the main loop once (waiting up to 20 ms). */
void            baton_app_test_iterate       (void);
/* Spins the main loop for @ms, to let input settle (not an assertion). */
void            baton_app_test_settle        (guint        ms);

#define BATON_WAIT_FOR(cond, seconds)                                          \
  G_STMT_START {                                                               \
    gint64 _end = g_get_monotonic_time () + (gint64) (seconds) * G_USEC_PER_SEC; \
    while (!(cond))                                                            \
      {                                                                        \
        if (g_get_monotonic_time () > _end)                                    \
          g_error ("%s:%d: timed out after %d s waiting for %s",               \
                   __FILE__, __LINE__, (int) (seconds), #cond);                \
        baton_app_test_iterate ();                                             \
      }                                                                        \
  } G_STMT_END

/* A peer: another user connected with the SDK in this process. With
 * @auto_accept, it answers every call. */
BatonCallAgent *baton_app_test_peer          (const char  *user_id,
                                              gboolean     auto_accept);
/* The first call of @agent whose remote participant is @remote_id (any state). */
BatonCall      *baton_app_test_find_call     (BatonCallAgent *agent,
                                              const char     *remote_id);
gboolean        baton_app_test_call_in_state (BatonCallAgent *agent,
                                              const char     *remote_id,
                                              BatonCallState  state);
guint           baton_app_test_n_calls       (BatonCallAgent *agent);

/* Real input through the X server, to @window (focused first). */
void            baton_app_test_focus         (GtkWindow   *window);
void            baton_app_test_key           (GtkWindow   *window,
                                              const char  *keys);
void            baton_app_test_type          (GtkWindow   *window,
                                              const char  *text);
/* Pointer: the centre of @widget, in @widget's toplevel. */
void            baton_app_test_pointer_to    (GtkWidget   *widget,
                                              double       dx,
                                              double       dy);
void            baton_app_test_button        (gboolean     press);

/* The toplevel other than the main window of @type, if shown. */
GtkWindow      *baton_app_test_find_toplevel (GType        type);

/* The last notification the app sent, and pressing one of its buttons. */
BatonAppTestNotification *baton_app_test_last_notification (void);
void            baton_app_test_invoke_notification_action (BatonAppTestNotification *notification,
                                                           const char               *label);
/* Waits until the app has the server's replies to its notifications so far
 * (before that, GLib cannot close them: a withdrawal would be lost). */
void            baton_app_test_sync_notifications (void);

/* Saves a PNG of @widget's toplevel in $BATON_APP_SCREENSHOTS (if set). */
void            baton_app_test_screenshot    (GtkWidget   *widget,
                                              const char  *name);

G_END_DECLS
