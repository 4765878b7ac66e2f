/* baton-media-session-private.h: one call's audio over WebRTC (not public API)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * BatonMediaSession wraps a GStreamer webrtcbin for one call: Opus audio both
 * ways, DTLS-SRTP, ICE with trickled candidates. Signaling is not its business:
 * BatonCall carries the SDP and candidates over the protocol (docs/PROTOCOL.md)
 * and drives the session with the calls below. Capture and playback follow the
 * BatonDeviceManager's selection, also while the call is in progress.
 *
 * All functions must be called from the thread that owns the main context the
 * session was created in; signals are emitted there too.
 */
#pragma once

#include <gio/gio.h>

#include "baton-device-manager.h"

G_BEGIN_DECLS

typedef enum {
  BATON_MEDIA_STATE_NEW,
  BATON_MEDIA_STATE_CONNECTING,
  BATON_MEDIA_STATE_CONNECTED,  /* ICE + DTLS up and the peer's audio is being decoded */
  BATON_MEDIA_STATE_FAILED,     /* ICE or DTLS failed, or connectivity was lost for good */
  BATON_MEDIA_STATE_CLOSED,
} BatonMediaState;

#define BATON_TYPE_MEDIA_SESSION (baton_media_session_get_type ())
G_DECLARE_FINAL_TYPE (BatonMediaSession, baton_media_session, BATON, MEDIA_SESSION, GObject)

/* @devices may be NULL: then the system default devices are used.
 * @ice_servers: NULL, or "stun://host:port" / "turn://user:pass@host:port" URIs. */
BatonMediaSession *baton_media_session_new            (BatonDeviceManager  *devices,
                                                       const char * const  *ice_servers);
/* Same, with GStreamer bin descriptions used instead of the devices: the
 * source's unlinked src pad gives raw audio, the sink's unlinked sink pad
 * takes it; either may be NULL (the device then). */
BatonMediaSession *baton_media_session_new_full       (BatonDeviceManager  *devices,
                                                       const char * const  *ice_servers,
                                                       const char          *audio_source,
                                                       const char          *audio_sink);

/* Caller side: create the offer (its text is the SDP to send), later apply the answer. */
void               baton_media_session_create_offer_async  (BatonMediaSession   *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
char              *baton_media_session_create_offer_finish (BatonMediaSession   *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);
gboolean           baton_media_session_set_remote_answer   (BatonMediaSession   *self,
                                                            const char          *sdp,
                                                            GError             **error);

/* Callee side: apply the offer and create the answer (its text is the SDP to send). */
void               baton_media_session_create_answer_async  (BatonMediaSession   *self,
                                                             const char          *offer_sdp,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
char              *baton_media_session_create_answer_finish (BatonMediaSession   *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

/* A candidate from the peer; "" (or NULL) means the peer's candidates are complete. */
void               baton_media_session_add_remote_candidate (BatonMediaSession *self,
                                                             guint              mline_index,
                                                             const char        *candidate);

/* Sending FALSE sends silence (mute, hold); playing FALSE silences what we hear (hold). */
void               baton_media_session_set_sending  (BatonMediaSession *self,
                                                     gboolean           sending);
void               baton_media_session_set_playing  (BatonMediaSession *self,
                                                     gboolean           playing);

/* Held (a call on hold, either side): the speaker's stream is stopped, the
 * microphone's corked (kept, not running), nothing is decoded, echo-
 * cancelled or encoded; a frame of encoded silence goes out every 500 ms,
 * so ICE, DTLS and the peer's media watchdog stay up. Resuming plays the
 * microphone again and makes a new speaker stream (silence is sent until
 * the microphone's first buffer). Independent of set_sending/set_playing. */
void               baton_media_session_set_held     (BatonMediaSession *self,
                                                     gboolean           held);

/* RFC 4733 telephone-event, @tone is a BatonDtmfTone. */
void               baton_media_session_send_dtmf    (BatonMediaSession *self,
                                                     guint              tone);

BatonMediaState    baton_media_session_get_state    (BatonMediaSession *self);

/* Stops the pipeline; no signal is emitted afterwards. Idempotent. */
void               baton_media_session_close        (BatonMediaSession *self);

/* For tests that must reach inside (a GstPipeline, owned by the session) */
gpointer           baton_media_session_get_pipeline (BatonMediaSession *self);

/* Signals:
 *   "local-candidate" (guint mline_index, const char *candidate)
 *        a candidate to send to the peer; "" once gathering is complete
 *   "dtmf-received"   (guint tone)   a BatonDtmfTone received from the peer
 * Properties:
 *   "state" (BatonMediaState as guint, read-only, notify on change)
 */

G_END_DECLS
