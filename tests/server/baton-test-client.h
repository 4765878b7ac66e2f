/* baton-test-client.h: a raw protocol-v1 WebSocket client for server tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JSON in the helpers may use single quotes for readability: every ' becomes ".
 * Requests get their "id" added automatically (the next one) unless they
 * already carry one.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define BTC_TIMEOUT_MS 5000

typedef struct _BatonTestClient BatonTestClient;

/* Opens the WebSocket; on failure returns NULL and the HTTP status in *out_status. */
BatonTestClient *btc_connect        (const char *uri,
                                     const char *token,
                                     guint      *out_status);
/* Connects and registers; asserts success. Fills session_id if non-NULL. */
BatonTestClient *btc_new_registered (const char *uri,
                                     const char *token);
void             btc_free           (BatonTestClient *self);

/* Plain HTTP GET of /v1/agent with an optional bearer token: returns the status,
 * and the body in *out_body. */
guint            btc_http_get       (const char *uri,
                                     const char *token,
                                     char      **out_body);

gint64           btc_send           (BatonTestClient *self,
                                     const char      *json_format,
                                     ...) G_GNUC_PRINTF (2, 3);
void             btc_send_raw       (BatonTestClient *self,
                                     const char      *text);
void             btc_send_raw_len   (BatonTestClient *self,
                                     const char      *data,
                                     gsize            length);
void             btc_send_binary    (BatonTestClient *self,
                                     const char      *data,
                                     gsize            length);

/* Waits for the reply to request `id` (ok or error). Transfer full. */
JsonObject      *btc_wait_reply     (BatonTestClient *self,
                                     gint64           id);
/* The reply to request `id` if it has already arrived, else NULL (does not
 * wait; for a connection that is closed). Transfer full. */
JsonObject      *btc_queued_reply   (BatonTestClient *self,
                                     gint64           id);
/* Waits for the next reply whose re is null. */
JsonObject      *btc_wait_null_reply (BatonTestClient *self);
/* Sends and asserts an ok reply; returns it. */
JsonObject      *btc_ok             (BatonTestClient *self,
                                     const char      *json_format,
                                     ...) G_GNUC_PRINTF (2, 3);
/* btc_ok, dropping the reply */
#define btc_do(client, ...) json_object_unref (btc_ok ((client), __VA_ARGS__))
/* Sends and asserts an error reply with code/subcode. */
void             btc_error          (BatonTestClient *self,
                                     int              code,
                                     int              subcode,
                                     const char      *json_format,
                                     ...) G_GNUC_PRINTF (4, 5);

/* Waits for the first queued or coming event of `type` (other messages stay queued). */
JsonObject      *btc_wait_event     (BatonTestClient *self,
                                     const char      *type);
JsonObject      *btc_wait_event_timeout (BatonTestClient *self,
                                     const char      *type,
                                     guint            timeout_ms);
/* Waits for call.ended of that call and checks code/subcode. */
void             btc_wait_ended     (BatonTestClient *self,
                                     const char      *call_id,
                                     int              code,
                                     int              subcode);
/* Round trip a ping, then asserts that no event of `type` is queued
 * (NULL: no event at all). Works because the server sends events caused by a
 * request before that request's reply returns to its sender. */
void             btc_assert_no_event (BatonTestClient *self,
                                      const char      *type);
/* Drops every queued message. */
void             btc_drain          (BatonTestClient *self);

/* Waits until the server closes the connection; returns the close code. */
gushort          btc_wait_closed    (BatonTestClient *self,
                                     guint            timeout_ms);
gboolean         btc_is_open        (BatonTestClient *self);
void             btc_close          (BatonTestClient *self,
                                     gushort          code);

const char      *btc_session_id     (BatonTestClient *self);
SoupWebsocketConnection *btc_ws     (BatonTestClient *self);
gint64           btc_next_id        (BatonTestClient *self);
void             btc_set_next_id    (BatonTestClient *self,
                                     gint64           id);

/* Small JSON helpers */
const char      *btc_str            (JsonObject *obj, const char *member);
gint64           btc_int            (JsonObject *obj, const char *member);
gboolean         btc_bool           (JsonObject *obj, const char *member);

/* Iterates the default main context for `ms` milliseconds (for waiting on the
 * server's timers, never as an assertion). */
void             btc_run_for        (guint ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BatonTestClient, btc_free)

G_END_DECLS
