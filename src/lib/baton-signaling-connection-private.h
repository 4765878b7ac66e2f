/* baton-signaling-connection-private.h: one WebSocket to baton-server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Speaks the envelope of docs/PROTOCOL.md § 1–2: requests get increasing ids
 * and their replies are matched by "re"; events are handed out with the
 * "event" signal. Knows nothing of calls; BatonCallAgent does the rest.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BATON_TYPE_SIGNALING_CONNECTION (baton_signaling_connection_get_type ())
G_DECLARE_FINAL_TYPE (BatonSignalingConnection, baton_signaling_connection, BATON, SIGNALING_CONNECTION, GObject)

/* Opens ws(s)://…/v1/agent with "Authorization: Bearer TOKEN" and the
 * subprotocol baton.v1. A 401 at the handshake fails with
 * BATON_ERROR_INVALID_TOKEN, anything else with BATON_ERROR_CONNECTION. */
void                      baton_signaling_connection_new_async  (const char          *server_uri,
                                                                 const char          *token,
                                                                 const char          *tls_ca_file,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
BatonSignalingConnection *baton_signaling_connection_new_finish (GAsyncResult        *result,
                                                                 GError             **error);

/* Sends @message (its "id" is set here), taking the caller's reference to
 * it. Completes with the "ok" reply, or an error (BATON_ERROR_SERVICE & co.
 * with the code and subcode of an "error" reply; BATON_ERROR_CONNECTION if
 * the connection is lost first, BATON_ERROR_NOT_CONNECTED if it was closed
 * here). */
void                      baton_signaling_connection_request_async  (BatonSignalingConnection *self,
                                                                     JsonObject               *message,
                                                                     GCancellable             *cancellable,
                                                                     GAsyncReadyCallback       callback,
                                                                     gpointer                  user_data);
JsonObject               *baton_signaling_connection_request_finish (BatonSignalingConnection *self,
                                                                     GAsyncResult             *result,
                                                                     GError                  **error);

gboolean                  baton_signaling_connection_is_open        (BatonSignalingConnection *self);
/* Closes with 1000; "closed" is emitted. */
void                      baton_signaling_connection_close          (BatonSignalingConnection *self);

/* Signals:
 *   "event"  (JsonObject *event)                        an event (no "re")
 *   "closed" (guint close_code)  the connection closed (0 if no close frame)
 */

/* Helpers to read fields of a message without tripping over wrong types. */
const char *baton_json_get_string (JsonObject *object,
                                   const char *member);
gint64      baton_json_get_int    (JsonObject *object,
                                   const char *member);
gboolean    baton_json_get_bool   (JsonObject *object,
                                   const char *member);
JsonObject *baton_json_get_object (JsonObject *object,
                                   const char *member);
JsonArray  *baton_json_get_array  (JsonObject *object,
                                   const char *member);

G_END_DECLS
