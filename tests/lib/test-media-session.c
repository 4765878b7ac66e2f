/* test-media-session.c: two media sessions talking to each other
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two BatonMediaSessions in one process exchange their SDP and candidates
 * directly (no server), each with its own virtual microphone and speaker made
 * at run time, and a tone of its own: A says 440 Hz, B says 1000 Hz.
 */
#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <unistd.h>
#ifdef BATON_HAVE_LIBCRYPTO
#include <openssl/err.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "baton-audio-device-private.h"
#include "baton-device-manager-private.h"
#include "baton-media-session-private.h"
#include "baton-test-audio.h"
#include "baton-test-devices.h"

#define TONE_A 440.0
#define TONE_B 1000.0
#define TONE_C 700.0
/* Not 1500 Hz, nor any tone a multiple of 250 Hz away from B's: the echo
 * canceller (WebRTC's AEC in webrtcdsp) works on blocks of 4 ms, in which
 * two such pure tones keep the same phase to each other, so it finds them
 * coherent and takes A's tone for an echo of B's. With 1500 Hz, A's voice
 * was suppressed (to -85 dB) for 0.3 s or more within 3.4 s of the switch
 * below in 17 runs of 53, 1 s or more in 10 (the test failed about 1 run in
 * 15); with 1250 Hz, 3 of 10; with 1370 Hz, 0 of 49 (docs/PERFORMANCE.md,
 * Media). Real voices are neither pure nor steady. */
#define TONE_D 1370.0
#define RECORD_MS 1000
#define MIC_A "baton-ms-mic-a"
#define MIC_B "baton-ms-mic-b"
#define MIC_C "baton-ms-mic-c"
#define SPEAKER_C "baton-ms-speaker-c"

typedef struct
{
  BatonDeviceManager *devices;
  BatonMediaSession *session;
  BatonTestTone *tone;
  const char *speaker;        /* node to record */
  GArray *dtmf;               /* received tones */
  guint state_notifies;
} Party;

typedef struct
{
  Party a;
  Party b;
  char *offer;
  char *answer;
} Call;

static BatonTestDevice *mic_a, *mic_b, *mic_c, *speaker_a, *speaker_b, *speaker_c;

static void
state_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  Party *party = user_data;

  party->state_notifies++;
}

static void
dtmf_received_cb (BatonMediaSession *session,
                  guint              tone,
                  gpointer           user_data)
{
  Party *party = user_data;

  g_array_append_val (party->dtmf, tone);
}

static void
party_init_full (Party              *party,
                 BatonTestDevice    *mic,
                 BatonTestDevice    *speaker,
                 double              freq,
                 const char * const *ice_servers)
{
  party->devices = baton_device_manager_new ();
  party->speaker = baton_test_device_get_node (speaker);
  baton_test_select_devices (party->devices, baton_test_device_get_name (mic), party->speaker);

  party->session = baton_media_session_new (party->devices, ice_servers);
  g_signal_connect (party->session, "notify::state", G_CALLBACK (state_notify_cb), party);
  party->dtmf = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (party->session, "dtmf-received", G_CALLBACK (dtmf_received_cb), party);

  /* the microphone says @freq (returns once it does) */
  party->tone = baton_test_device_play_tone (mic, freq);
}

static void
party_init (Party           *party,
            BatonTestDevice *mic,
            BatonTestDevice *speaker,
            double           freq)
{
  party_init_full (party, mic, speaker, freq, NULL);
}

static void
party_clear (Party *party)
{
  g_clear_pointer (&party->tone, baton_test_tone_stop);
  if (party->session != NULL)
    {
      baton_media_session_close (party->session);
      g_assert_finalize_object (party->session);
    }
  g_clear_pointer (&party->dtmf, g_array_unref);
  g_assert_finalize_object (party->devices);
}

static void
candidate_to_b_cb (BatonMediaSession *session,
                   guint              mline,
                   const char        *candidate,
                   gpointer           user_data)
{
  Call *call = user_data;

  baton_media_session_add_remote_candidate (call->b.session, mline, candidate);
}

static void
candidate_to_a_cb (BatonMediaSession *session,
                   guint              mline,
                   const char        *candidate,
                   gpointer           user_data)
{
  Call *call = user_data;

  baton_media_session_add_remote_candidate (call->a.session, mline, candidate);
}

static void
offer_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;

  call->offer = baton_media_session_create_offer_finish (BATON_MEDIA_SESSION (object), result, &error);
  g_assert_no_error (error);
}

static void
answer_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;

  call->answer = baton_media_session_create_answer_finish (BATON_MEDIA_SESSION (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
has_offer (gpointer data)
{
  return ((Call *) data)->offer != NULL;
}

static gboolean
has_answer (gpointer data)
{
  return ((Call *) data)->answer != NULL;
}

static gboolean
both_connected (gpointer data)
{
  Call *call = data;

  return baton_media_session_get_state (call->a.session) == BATON_MEDIA_STATE_CONNECTED &&
         baton_media_session_get_state (call->b.session) == BATON_MEDIA_STATE_CONNECTED;
}

/* A's offer, B's answer to it (neither applied to A yet) */
static void
exchange_offer_answer (Call *call)
{
  baton_media_session_create_offer_async (call->a.session, NULL, offer_cb, call);
  g_assert_true (baton_test_wait_until_true (has_offer, call, 10000));
  baton_media_session_create_answer_async (call->b.session, call->offer, NULL, answer_cb, call);
  g_assert_true (baton_test_wait_until_true (has_answer, call, 10000));
}

/* Candidates relayed both ways, the offer and answer exchanged and applied */
static void
negotiate (Call *call)
{
  g_autoptr(GError) error = NULL;

  g_signal_connect (call->a.session, "local-candidate", G_CALLBACK (candidate_to_b_cb), call);
  g_signal_connect (call->b.session, "local-candidate", G_CALLBACK (candidate_to_a_cb), call);
  exchange_offer_answer (call);
  g_test_message ("offer:\n%s\nanswer:\n%s", call->offer, call->answer);
  g_assert_true (baton_media_session_set_remote_answer (call->a.session, call->answer, &error));
  g_assert_no_error (error);
}

static void
call_setup (Call          *call,
            gconstpointer  data)
{
  party_init (&call->a, mic_a, speaker_a, TONE_A);
  party_init (&call->b, mic_b, speaker_b, TONE_B);

  negotiate (call);

  g_assert_true (baton_test_wait_until_true (both_connected, call, 15000));
}

static void
closed_offer_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;
  g_autofree char *sdp = baton_media_session_create_offer_finish (BATON_MEDIA_SESSION (object), result, error);

  g_assert_null (sdp);
}

static gboolean
has_error (gpointer data)
{
  return *(GError **) data != NULL;
}

/* Hanging up while the offer is being made: the offer fails, later, and the
 * session goes away */
static void
test_close_during_offer (void)
{
  g_autoptr(BatonDeviceManager) devices = baton_device_manager_new ();
  BatonMediaSession *session = baton_media_session_new (devices, NULL);
  g_autoptr(GError) error = NULL;

  baton_media_session_create_offer_async (session, NULL, closed_offer_cb, &error);
  baton_media_session_close (session);
  g_assert_null (error);    /* not from inside close() */
  g_assert_cmpuint (baton_media_session_get_state (session), ==, BATON_MEDIA_STATE_CLOSED);
  baton_media_session_close (session);   /* idempotent */

  g_assert_true (baton_test_wait_until_true (has_error, &error, 5000));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  /* let webrtcbin's late reply, if any, run its course */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (session);
}

#ifdef BATON_HAVE_LIBCRYPTO
/* A process whose threads that used OpenSSL end while it exits (GStreamer's
 * DTLS streaming threads, ending in GLib's pool 15 s after a call): with
 * OpenSSL 3's atexit cleanup, which races with those threads' own, that
 * aborted now and then ("double free or corruption", or SIGSEGV). Once the
 * SDK made a media session (webrtcbin's DTLS set OpenSSL up), no such exit
 * may fail: many children forked from here, each with 16 threads that
 * used OpenSSL exiting with it, all exit cleanly. (Without the SDK's
 * OPENSSL_INIT_NO_ATEXIT, 1 to 4 % of such exits failed.) */
static pthread_barrier_t exit_barrier;

static void *
openssl_thread (void *data)
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;

  EVP_Digest ("baton", 5, digest, &len, EVP_sha256 (), NULL);
  ERR_clear_error ();
  pthread_barrier_wait (&exit_barrier);
  return NULL;
}

static void
offer_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  char **sdp = user_data;

  *sdp = baton_media_session_create_offer_finish (BATON_MEDIA_SESSION (object), result, NULL);
}

static gboolean
has_sdp (gpointer data)
{
  return *(char **) data != NULL;
}

static void
test_openssl_exit (void)
{
  BatonMediaSession *session = baton_media_session_new_full (NULL, NULL, "audiotestsrc is-live=true wave=silence",
                                                            "fakesink sync=false");
  g_autofree char *sdp = NULL;
  guint failed = 0;

  /* an offer: webrtcbin's DTLS made its certificate with OpenSSL */
  baton_media_session_create_offer_async (session, NULL, offer_done_cb, &sdp);
  g_assert_true (baton_test_wait_until_true (has_sdp, &sdp, 10000));
  g_assert_nonnull (strstr (sdp, "a=fingerprint:"));
  baton_media_session_close (session);
  g_assert_finalize_object (session);

  for (guint i = 0; i < 400; i++)
    {
      int status = 0;
      pid_t pid = fork ();

      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          alarm (10);
          pthread_barrier_init (&exit_barrier, NULL, 17);
          for (guint t = 0; t < 16; t++)
            {
              pthread_t thread;

              pthread_create (&thread, NULL, openssl_thread, NULL);
              pthread_detach (thread);
            }
          pthread_barrier_wait (&exit_barrier);
          exit (0);
        }
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        {
          failed++;
          g_test_message ("child %u: %s %d", i, WIFSIGNALED (status) ? "signal" : "status",
                          WIFSIGNALED (status) ? WTERMSIG (status) : WEXITSTATUS (status));
        }
    }
  g_assert_cmpuint (failed, ==, 0);
}
#endif

static void
call_teardown (Call          *call,
               gconstpointer  data)
{
  party_clear (&call->a);
  party_clear (&call->b);
  g_clear_pointer (&call->offer, g_free);
  g_clear_pointer (&call->answer, g_free);
}

/* What @party's speaker plays, over RECORD_MS */
static BatonTestSpectrum *
hear (Party *party)
{
  return baton_test_record_speaker (party->speaker, RECORD_MS);
}

static void
assert_hears (Party  *party,
              double  heard,
              double  not_heard)
{
  g_autoptr(BatonTestSpectrum) s = hear (party);

  g_test_message ("%s: peak %.0f Hz at %.1f dB; %.0f Hz at %.1f dB, %.0f Hz at %.1f dB",
                  party->speaker, baton_test_spectrum_peak_hz (s), baton_test_spectrum_peak_db (s),
                  heard, baton_test_spectrum_level_db (s, heard),
                  not_heard, baton_test_spectrum_level_db (s, not_heard));
  g_assert_cmpuint (baton_test_spectrum_n_frames (s), >, 0);
  g_assert_true (baton_test_spectrum_has_tone (s, heard));
  g_assert_false (baton_test_spectrum_has_tone (s, not_heard));
}

/* After a device switch: what was already on its way (a good 200 ms of
 * it, mouth to ear) still comes out of the old device; the new state must
 * settle within a few recordings */
static void
assert_comes_to_hear (Party  *party,
                      double  heard,
                      double  not_heard)
{
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(BatonTestSpectrum) s = hear (party);

      g_test_message ("%s: peak %.0f Hz at %.1f dB; %.0f Hz at %.1f dB, %.0f Hz at %.1f dB",
                      party->speaker, baton_test_spectrum_peak_hz (s), baton_test_spectrum_peak_db (s),
                      heard, baton_test_spectrum_level_db (s, heard),
                      not_heard, baton_test_spectrum_level_db (s, not_heard));
      if (baton_test_spectrum_has_tone (s, heard) && !baton_test_spectrum_has_tone (s, not_heard))
        return;
    }
  g_assert_not_reached ();
}

static void
assert_silent (Party *party)
{
  g_autoptr(BatonTestSpectrum) s = hear (party);

  g_test_message ("%s: peak %.0f Hz at %.1f dB", party->speaker,
                  baton_test_spectrum_peak_hz (s), baton_test_spectrum_peak_db (s));
  g_assert_cmpuint (baton_test_spectrum_n_frames (s), >, 0);
  g_assert_true (baton_test_spectrum_is_silent (s));
}

/* Right after muting: what was already on its way (jitter buffer, speaker
 * ring, some 100-300 ms under load) may still be heard in the first
 * recording; then @party's speaker must go silent within a few, and stay
 * so */
static void
assert_goes_silent (Party *party)
{
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(BatonTestSpectrum) s = hear (party);

      g_test_message ("%s: peak %.0f Hz at %.1f dB", party->speaker,
                      baton_test_spectrum_peak_hz (s), baton_test_spectrum_peak_db (s));
      if (baton_test_spectrum_n_frames (s) > 0 && baton_test_spectrum_is_silent (s))
        break;
    }
  assert_silent (party);
}

static gboolean
a_failed (gpointer data)
{
  return baton_media_session_get_state (((Call *) data)->a.session) == BATON_MEDIA_STATE_FAILED;
}

/* Someone in the middle: the answer announces another certificate than the
 * one the answerer's DTLS handshake shows. The offerer must not connect. */
static void
test_wrong_fingerprint (void)
{
  Call call = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) answer = NULL;
  char *fingerprint;

  party_init (&call.a, mic_a, speaker_a, TONE_A);
  party_init (&call.b, mic_b, speaker_b, TONE_B);
  g_signal_connect (call.a.session, "local-candidate", G_CALLBACK (candidate_to_b_cb), &call);
  g_signal_connect (call.b.session, "local-candidate", G_CALLBACK (candidate_to_a_cb), &call);

  exchange_offer_answer (&call);

  answer = g_string_new (call.answer);
  fingerprint = strstr (answer->str, "a=fingerprint:sha-256 ");
  g_assert_nonnull (fingerprint);
  fingerprint += strlen ("a=fingerprint:sha-256 ");
  fingerprint[0] = fingerprint[0] == '0' ? '1' : '0';
  g_assert_true (baton_media_session_set_remote_answer (call.a.session, answer->str, &error));
  g_assert_no_error (error);

  g_assert_true (baton_test_wait_until_true (a_failed, &call, 15000));
  g_assert_false (both_connected (&call));
  assert_silent (&call.a);

  party_clear (&call.a);
  party_clear (&call.b);
  g_free (call.offer);
  g_free (call.answer);
}

/* An answer webrtcbin cannot take (no ICE credentials): the session fails
 * at once instead of waiting for nothing */
static void
test_refused_answer (void)
{
  Call call = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) answer = NULL;

  party_init (&call.a, mic_a, speaker_a, TONE_A);
  party_init (&call.b, mic_b, speaker_b, TONE_B);

  exchange_offer_answer (&call);

  answer = g_string_new (call.answer);
  g_assert_cmpuint (g_string_replace (answer, "a=ice-ufrag:", "a=x-ice-ufrag:", 0), >=, 1);
  g_assert_true (baton_media_session_set_remote_answer (call.a.session, answer->str, &error));
  g_assert_no_error (error);

  g_assert_true (baton_test_wait_until_true (a_failed, &call, 5000));

  party_clear (&call.a);
  party_clear (&call.b);
  g_free (call.offer);
  g_free (call.answer);
}

/* STUN and TURN servers that do not answer (and a URI that is neither) do
 * not stop a call whose host candidates work: it connects, and each side
 * hears the other. (This failed once in CI, log not kept. It used to make
 * A's session without the servers, close it and make another with them at
 * once — a second capture stream on A's microphone while the first was
 * being torn down, which under load may give nothing for a second or more
 * before the session's watch restarts it — and then asserted a single
 * one-second recording right after CONNECTED, which under load 13-30 was
 * seen silent in the other tests (they allow a few recordings since
 * f7337d7). Neither is what this test is about: A's session is now made
 * with the servers from the start, and the tones are given the few
 * recordings the other tests give them.) */
static void
test_ice_servers (void)
{
  const char * const servers[] = {
    "stun://127.0.0.1:9", "turn://user:secret@127.0.0.1:9", "gopher://example.org", NULL
  };
  Call call = { 0, };

  party_init_full (&call.a, mic_a, speaker_a, TONE_A, servers);
  party_init (&call.b, mic_b, speaker_b, TONE_B);
  negotiate (&call);
  g_assert_true (baton_test_wait_until_true (both_connected, &call, 15000));
  assert_comes_to_hear (&call.b, TONE_A, TONE_B);
  assert_comes_to_hear (&call.a, TONE_B, TONE_A);

  party_clear (&call.a);
  party_clear (&call.b);
  g_free (call.offer);
  g_free (call.answer);
}

static void
test_tones_both_ways (Call          *call,
                      gconstpointer  data)
{
  /* within a few recordings of CONNECTED (under load, 13-30, a speaker was
   * seen silent for the first second: docs/PERFORMANCE.md, Media) */
  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  assert_comes_to_hear (&call->a, TONE_B, TONE_A);
}

static void
test_encrypted (Call          *call,
                gconstpointer  data)
{
  /* DTLS-SRTP: the secure profile, a certificate fingerprint and a DTLS role */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *sdp = g_ascii_strdown (i == 0 ? call->offer : call->answer, -1);

      g_assert_nonnull (strstr (sdp, "udp/tls/rtp/savpf"));
      g_assert_null (strstr (sdp, " rtp/avp "));
      g_assert_nonnull (strstr (sdp, "a=fingerprint:sha-256 "));
      g_assert_nonnull (strstr (sdp, "a=setup:"));
      g_assert_nonnull (strstr (sdp, "opus/48000"));
      g_assert_nonnull (strstr (sdp, "telephone-event/48000"));
    }
  /* and the call connected over it */
  g_assert_cmpuint (baton_media_session_get_state (call->a.session), ==, BATON_MEDIA_STATE_CONNECTED);
}

static void
test_sending (Call          *call,
              gconstpointer  data)
{
  baton_media_session_set_sending (call->a.session, FALSE);
  assert_goes_silent (&call->b);
  /* the other way still works; and sending again is heard again (within a
   * few recordings: under load (27-30) a speaker was seen silent for the
   * first second after the call came up, or after unmuting) */
  assert_comes_to_hear (&call->a, TONE_B, TONE_A);

  baton_media_session_set_sending (call->a.session, TRUE);
  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
}

static void
test_playing (Call          *call,
              gconstpointer  data)
{
  baton_media_session_set_playing (call->b.session, FALSE);
  assert_goes_silent (&call->b);
  assert_comes_to_hear (&call->a, TONE_B, TONE_A);

  baton_media_session_set_playing (call->b.session, TRUE);
  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
}

static gboolean
got_three_dtmf (gpointer data)
{
  return ((Party *) data)->dtmf->len >= 3;
}

static void
test_dtmf (Call          *call,
           gconstpointer  data)
{
  baton_media_session_send_dtmf (call->a.session, BATON_DTMF_TONE_NUM1);
  baton_media_session_send_dtmf (call->a.session, BATON_DTMF_TONE_NUM9);
  baton_media_session_send_dtmf (call->a.session, BATON_DTMF_TONE_POUND);

  g_assert_true (baton_test_wait_until_true (got_three_dtmf, &call->b, 5000));
  g_assert_cmpuint (call->b.dtmf->len, ==, 3);
  g_assert_cmpuint (g_array_index (call->b.dtmf, guint, 0), ==, BATON_DTMF_TONE_NUM1);
  g_assert_cmpuint (g_array_index (call->b.dtmf, guint, 1), ==, BATON_DTMF_TONE_NUM9);
  g_assert_cmpuint (g_array_index (call->b.dtmf, guint, 2), ==, BATON_DTMF_TONE_POUND);
  g_assert_cmpuint (call->a.dtmf->len, ==, 0);

  /* and the voice goes on after it */
  assert_hears (&call->b, TONE_A, TONE_B);
}

static void
test_switch_microphone (Call          *call,
                        gconstpointer  data)
{
  g_autoptr(BatonTestTone) tone_c = NULL;
  guint notifies;

  tone_c = baton_test_device_play_tone (mic_c, TONE_C);
  notifies = call->a.state_notifies + call->b.state_notifies;

  baton_test_select_devices (call->a.devices, MIC_C, NULL);

  assert_comes_to_hear (&call->b, TONE_C, TONE_A);
  /* b's echo canceller re-converges on the new far-end sound; until it has,
   * a faint shadow of a's old tone can come back to a (seen at -45 dB, one
   * run in about 15) */
  assert_comes_to_hear (&call->a, TONE_B, TONE_A);
  /* the call never left CONNECTED */
  g_assert_cmpuint (call->a.state_notifies + call->b.state_notifies, ==, notifies);
  g_assert_true (both_connected (call));

  /* and back */
  baton_device_manager_select_microphone (call->a.devices, NULL);
  baton_test_select_devices (call->a.devices, MIC_A, NULL);
  assert_comes_to_hear (&call->b, TONE_A, TONE_C);
}

static void
test_switch_speaker (Call          *call,
                     gconstpointer  data)
{
  guint notifies = call->a.state_notifies + call->b.state_notifies;
  const char *old_speaker = call->b.speaker;

  baton_test_select_devices (call->b.devices, NULL, SPEAKER_C);

  /* B now plays A's tone on the new speaker, and nothing on the old one */
  call->b.speaker = SPEAKER_C;
  assert_hears (&call->b, TONE_A, TONE_B);
  call->b.speaker = old_speaker;
  assert_silent (&call->b);

  g_assert_cmpuint (call->a.state_notifies + call->b.state_notifies, ==, notifies);
  g_assert_true (both_connected (call));
}

/* The microphone in use is unplugged: the call goes on with the system
 * default microphone */
static void
test_microphone_unplugged (Call          *call,
                           gconstpointer  data)
{
  g_autoptr(BatonTestTone) tone_default = NULL;
  g_autoptr(BatonTestTone) tone_d = NULL;
  BatonTestDevice *mic_d = baton_test_device_add_microphone ("baton-ms-mic-d", "Media Test Mic D");
  guint notifies;

  tone_d = baton_test_device_play_tone (mic_d, TONE_C);
  baton_test_select_devices (call->a.devices, baton_test_device_get_name (mic_d), NULL);
  assert_comes_to_hear (&call->b, TONE_C, TONE_A);
  notifies = call->a.state_notifies + call->b.state_notifies;

  /* the system default microphone says 1370 Hz (not B's 1000 Hz: A's echo
   * canceller would rightly take that for an echo of B; see TONE_D)... */
  tone_default = baton_test_tone_start (g_getenv ("BATON_TEST_MIC_INPUT"), TONE_D);
  g_clear_pointer (&tone_d, baton_test_tone_stop);
  baton_test_device_remove (mic_d);

  /* ...and that is what B hears now */
  assert_comes_to_hear (&call->b, TONE_D, TONE_C);
  g_assert_cmpstr (baton_audio_device_get_id (baton_device_manager_get_selected_microphone (call->a.devices)),
                   ==, g_getenv ("BATON_TEST_MIC"));
  g_assert_cmpuint (call->a.state_notifies + call->b.state_notifies, ==, notifies);
  g_assert_true (both_connected (call));
}

/* B's own voice, coming back through A's echo path, is at least
 * ECHO_LOSS_DB below A's voice in what B hears; and A still hears B.
 * Without echo cancellation, the noise suppressors alone (and level dips
 * on a loaded machine) brought a steady echo 11-18 dB down; a converged
 * echo canceller, 40-60 dB. */
#define ECHO_LOSS_DB 30.0

static gboolean
echo_is_cancelled (Call *call)
{
  g_autoptr(BatonTestSpectrum) b_hears = hear (&call->b);
  g_autoptr(BatonTestSpectrum) a_hears = hear (&call->a);

  g_test_message ("%s: %.0f Hz (A) at %.1f dB, %.0f Hz (B's echo) at %.1f dB; %s: %.0f Hz (B) at %.1f dB",
                  call->b.speaker, TONE_A, baton_test_spectrum_level_db (b_hears, TONE_A),
                  TONE_B, baton_test_spectrum_level_db (b_hears, TONE_B),
                  call->a.speaker, TONE_B, baton_test_spectrum_level_db (a_hears, TONE_B));
  return baton_test_spectrum_has_tone (b_hears, TONE_A) &&
         baton_test_spectrum_level_db (b_hears, TONE_B) <
           baton_test_spectrum_level_db (b_hears, TONE_A) - ECHO_LOSS_DB &&
         baton_test_spectrum_has_tone (a_hears, TONE_B);
}

/* A's microphone hears A's speaker at full level (a loudspeaker call): B's
 * voice comes back into A's microphone next to A's own. A's echo canceller
 * takes it out: B hears A, and itself at least ECHO_LOSS_DB below, and A
 * goes on hearing B; twice in a row, within a few recordings (it has to
 * converge first). With echo-cancel off in A's webrtcdsp, B hears its
 * 1000 Hz back as loud as A's 440 Hz, then 11-18 dB below once the noise
 * suppressors have taken the steady tones for noise: never enough (0 runs
 * of 10 passed). The SDK's canceller, trusting timestamps, passed 9 of 26;
 * delay-agnostic, 25 of 27, but see baton-media-session.c for why it is
 * not (yet). Hence in a program of its own in the unstable suite. */
static void
test_echo_cancelled (Call          *call,
                     gconstpointer  data)
{
  guint in_a_row = 0;

  assert_hears (&call->b, TONE_A, TONE_B);
  baton_test_device_set_echo (speaker_a, mic_a, TRUE);
  for (guint i = 0; i < 10 && in_a_row < 2; i++)
    in_a_row = echo_is_cancelled (call) ? in_a_row + 1 : 0;
  g_assert_cmpuint (in_a_row, ==, 2);
  baton_test_device_set_echo (speaker_a, mic_a, FALSE);
}

static gboolean
not_both_connected (gpointer data)
{
  return !both_connected (data);
}

/* Issue 4: A's capture source never delivers a buffer (what a pulsesrc
 * whose stream never started does; here a live appsrc nobody feeds). The
 * call still connects, B decoding the silence A's session sends instead,
 * and it is not ended as media-lost past B's media watchdog; B is heard. */
static void
test_microphone_gives_nothing (void)
{
  Call call = { 0, };
  guint notifies;

  call.a.devices = baton_device_manager_new ();
  call.a.speaker = baton_test_device_get_node (speaker_a);
  baton_test_select_devices (call.a.devices, NULL, call.a.speaker);
  call.a.session = baton_media_session_new_full (call.a.devices, NULL,
                                                 "appsrc is-live=true format=time", NULL);
  g_signal_connect (call.a.session, "notify::state", G_CALLBACK (state_notify_cb), &call.a);
  call.a.dtmf = g_array_new (FALSE, FALSE, sizeof (guint));
  party_init (&call.b, mic_b, speaker_b, TONE_B);

  negotiate (&call);

  /* B decodes A's silence: connected although A's microphone gives nothing */
  g_assert_true (baton_test_wait_until_true (both_connected, &call, 15000));
  notifies = call.a.state_notifies + call.b.state_notifies;
  assert_silent (&call.b);
  assert_hears (&call.a, TONE_B, TONE_A);

  /* past B's media watchdog (10 s), still nothing from the microphone: the
   * call goes on */
  g_assert_false (baton_test_wait_until_true (not_both_connected, &call, 11000));
  g_assert_cmpuint (call.a.state_notifies + call.b.state_notifies, ==, notifies);
  assert_silent (&call.b);
  assert_hears (&call.a, TONE_B, TONE_A);

  party_clear (&call.a);
  party_clear (&call.b);
  g_free (call.offer);
  g_free (call.answer);
}

/* Capture streams on both parties' microphones, playback streams on their
 * speakers */
static guint
device_streams (Call *call)
{
  guint mics = baton_test_stream_links (MIC_A, "", "|->") + baton_test_stream_links (MIC_B, "", "|->");
  guint speakers = baton_test_stream_links (call->a.speaker, "playback_", "|<-") +
                   baton_test_stream_links (call->b.speaker, "playback_", "|<-");

  g_test_message ("links: %u from the microphones, %u to the speakers", mics, speakers);
  return mics + speakers;
}

static guint
speaker_streams (Call *call)
{
  return baton_test_stream_links (call->a.speaker, "playback_", "|<-") +
         baton_test_stream_links (call->b.speaker, "playback_", "|<-");
}

/* Both ends of @call held (each holds: the call is on hold both ways), or
 * both resumed */
static void
set_both_held (Call     *call,
               gboolean  held)
{
  baton_media_session_set_held (call->a.session, held);
  baton_media_session_set_held (call->b.session, held);
}

/* Held: no playback stream, and the capture streams corked (kept, so
 * that resuming needs no new stream) */
static gboolean
held_streams (gpointer data)
{
  return speaker_streams (data) == 0 && baton_test_running_capture_streams () == 0;
}

static gboolean
not_connected (gpointer data)
{
  Call *call = data;

  return baton_media_session_get_state (call->a.session) != BATON_MEDIA_STATE_CONNECTED ||
         baton_media_session_get_state (call->b.session) != BATON_MEDIA_STATE_CONNECTED;
}

/* A call on hold (both ends held, as BatonCall does for the holder and the
 * held): no playback stream is left in PipeWire for either party, and their
 * capture streams are corked (kept, not running: a capture stream made anew
 * at each resume costs a WirePlumber link and a stream start, 40-190 ms
 * measured, before the far side hears anything); yet the call stays
 * connected past the media watchdog (the keep-alive frames feed it);
 * resumed, the tones come back both ways. Without set_held, both parties'
 * streams run on (hold was a volume mute). */
static void
test_held (Call          *call,
           gconstpointer  data)
{
  guint notifies;

  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  g_assert_cmpuint (device_streams (call), >=, 4);
  g_assert_cmpuint (baton_test_running_capture_streams (), >=, 2);
  notifies = call->a.state_notifies + call->b.state_notifies;

  set_both_held (call, TRUE);
  g_assert_true (baton_test_wait_until_true (held_streams, call, 5000));
  assert_silent (&call->a);
  assert_silent (&call->b);

  /* past the peer's media watchdog (10 s): still connected, still held */
  g_assert_false (baton_test_wait_until_true (not_connected, call, 11000));
  g_assert_cmpuint (speaker_streams (call), ==, 0);
  g_assert_cmpuint (baton_test_running_capture_streams (), ==, 0);
  g_assert_cmpuint (call->a.state_notifies + call->b.state_notifies, ==, notifies);

  set_both_held (call, FALSE);
  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  assert_comes_to_hear (&call->a, TONE_B, TONE_A);
  g_assert_cmpuint (device_streams (call), >=, 4);
  g_assert_cmpuint (baton_test_running_capture_streams (), >=, 2);
  g_assert_true (both_connected (call));
}

static gboolean
a_state_failed (gpointer data)
{
  return baton_media_session_get_state (((Call *) data)->a.session) == BATON_MEDIA_STATE_FAILED;
}

/* One buffer held back at a pad, until released */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean armed;
  gboolean inside;
  gboolean released;
  gboolean left;
} Gate;

static GstPadProbeReturn
gate_cb (GstPad          *pad,
         GstPadProbeInfo *info,
         gpointer         user_data)
{
  Gate *gate = user_data;
  GstPadProbeReturn ret = GST_PAD_PROBE_OK;

  g_mutex_lock (&gate->lock);
  if (gate->armed)
    {
      gate->armed = FALSE;
      gate->inside = TRUE;
      g_cond_broadcast (&gate->cond);
      while (!gate->released)
        g_cond_wait (&gate->cond, &gate->lock);
      /* the gate is done with: not called again */
      ret = GST_PAD_PROBE_REMOVE;
      gate->left = TRUE;
      g_cond_broadcast (&gate->cond);
    }
  g_mutex_unlock (&gate->lock);
  return ret;
}

/* Holds @session while one buffer is stopped at @pad, then lets that
 * buffer go on */
static void
hold_with_buffer_at (BatonMediaSession *session,
                     GstPad            *pad)
{
  Gate gate = { 0, };

  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, gate_cb, &gate, NULL);

  g_mutex_lock (&gate.lock);
  gate.armed = TRUE;
  while (!gate.inside)
    g_assert_true (g_cond_wait_until (&gate.cond, &gate.lock,
                                      g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND));
  g_mutex_unlock (&gate.lock);

  baton_media_session_set_held (session, TRUE);

  g_mutex_lock (&gate.lock);
  gate.released = TRUE;
  g_cond_broadcast (&gate.cond);
  while (!gate.left)
    g_cond_wait (&gate.cond, &gate.lock);
  g_mutex_unlock (&gate.lock);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
}

static gboolean
find_factory (const GValue *value,
              const GValue *name)
{
  GstElementFactory *factory = gst_element_get_factory (g_value_get_object (value));

  return !(factory != NULL && g_str_equal (GST_OBJECT_NAME (factory), g_value_get_string (name)));
}

static GstElement *
find_element (BatonMediaSession *session,
              const char        *factory)
{
  g_autoptr(GstIterator) it = gst_bin_iterate_recurse (baton_media_session_get_pipeline (session));
  g_auto(GValue) name = G_VALUE_INIT;
  g_auto(GValue) found = G_VALUE_INIT;

  g_value_init (&name, G_TYPE_STRING);
  g_value_set_string (&name, factory);
  if (!gst_iterator_find_custom (it, (GCompareFunc) find_factory, &found, &name))
    return NULL;
  return g_value_dup_object (&found);
}

/* Audio from a description (a bot's: audio-source) goes out as it comes;
 * a microphone's through echo cancellation and noise suppression */
static void
test_custom_source_unprocessed (void)
{
  g_autoptr(BatonMediaSession) bot = NULL;
  g_autoptr(BatonMediaSession) person = NULL;
  g_autoptr(GstElement) bot_dsp = NULL;
  g_autoptr(GstElement) person_dsp = NULL;
  gboolean echo_cancel = TRUE, noise_suppression = TRUE;

  bot = baton_media_session_new_full (NULL, NULL, "audiotestsrc is-live=true wave=silence",
                                      "fakesink sync=false");
  person = baton_media_session_new (NULL, NULL);
  bot_dsp = find_element (bot, "webrtcdsp");
  person_dsp = find_element (person, "webrtcdsp");
  g_assert_nonnull (bot_dsp);
  g_assert_nonnull (person_dsp);

  g_object_get (bot_dsp, "echo-cancel", &echo_cancel, "noise-suppression", &noise_suppression, NULL);
  g_assert_false (echo_cancel);
  g_assert_false (noise_suppression);
  g_object_get (person_dsp, "echo-cancel", &echo_cancel, "noise-suppression", &noise_suppression, NULL);
  g_assert_true (echo_cancel);
  g_assert_true (noise_suppression);

  baton_media_session_close (bot);
  baton_media_session_close (person);
}

/* Held while a buffer of the microphone is on its way to the send chain's
 * selector: the silence set_held () chose stays chosen. Before the fix that
 * late buffer switched the selector back to the microphone, which was being
 * stopped: nothing more was sent, and the peer's media watchdog ended the
 * held call 10 s later (call-media's held-stops-devices, 2 runs of 9 with
 * three at once; once in CI). */
static void
test_held_while_capturing (Call          *call,
                           gconstpointer  data)
{
  g_autoptr(GstElement) selector = find_element (call->a.session, "input-selector");
  g_autoptr(GstPad) mic_pad = NULL;
  g_autoptr(GstPad) upstream = NULL;
  g_autoptr(GstPad) active = NULL;

  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  g_assert_nonnull (selector);
  mic_pad = gst_element_get_static_pad (selector, "sink_0");   /* the microphone's */
  g_assert_nonnull (mic_pad);
  upstream = gst_pad_get_peer (mic_pad);

  /* a captured buffer stops before the selector while a holds */
  hold_with_buffer_at (call->a.session, upstream);

  /* the late buffer is through (or dropped): the silence is still chosen */
  baton_test_wait_until_true (a_state_failed, call, 500);
  g_object_get (selector, "active-pad", &active, NULL);
  g_assert_true (active != mic_pad);

  baton_media_session_set_held (call->a.session, FALSE);
  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  g_assert_true (both_connected (call));
}

/* Held while decoded audio is on its way to the speaker (between the
 * decoder and the speaker when the speaker is taken out): that audio is
 * dropped, and the call goes on. Before the fix it reached the removed
 * speaker's unlinked pad, the not-linked flow went back up to webrtcbin's
 * nicesrc ("Internal data stream error"), and the session FAILED: the call
 * ended with 410 (under load, in bench-transfer: held transferees' calls
 * dropped, the transfer target never rang). */
static void
test_held_while_playing (Call          *call,
                         gconstpointer  data)
{
  g_autoptr(GstElement) dec = find_element (call->a.session, "opusdec");
  g_autoptr(GstPad) pad = NULL;

  assert_hears (&call->a, TONE_B, TONE_A);
  g_assert_nonnull (dec);
  pad = gst_element_get_static_pad (dec, "src");

  /* a decoded buffer stops at the decoder's output while a holds */
  hold_with_buffer_at (call->a.session, pad);

  /* b's audio keeps coming (and being dropped): still connected */
  g_assert_false (baton_test_wait_until_true (a_state_failed, call, 3000));
  g_assert_cmpuint (baton_media_session_get_state (call->a.session), ==, BATON_MEDIA_STATE_CONNECTED);

  baton_media_session_set_held (call->a.session, FALSE);
  assert_comes_to_hear (&call->a, TONE_B, TONE_A);
  g_assert_true (both_connected (call));
}

/* ------------------------------------------------------------------------ */
/* The adaptive jitter buffer                                                */

/* A network that holds one packet in @every for @hold_ms, and with it those
 * behind it, which then come in a burst: injected in b's receiving
 * streaming thread, before b's jitter buffer, each packet stamped with
 * when it reaches the jitter buffer (its arrival time for the jitter
 * buffer, as nicesrc stamps it). */
typedef struct
{
  GMutex lock;
  guint every;       /* 0: a clean network again */
  guint hold_ms;
  guint count;
  GstElement *jitterbuffer;
} Network;

static GstPadProbeReturn
network_cb (GstPad          *pad,
            GstPadProbeInfo *info,
            gpointer         user_data)
{
  Network *net = user_data;
  GstBuffer *buffer;
  GstClockTime now;
  guint hold = 0;

  g_mutex_lock (&net->lock);
  if (net->every > 0 && ++net->count % net->every == 0)
    hold = net->hold_ms;
  g_mutex_unlock (&net->lock);
  if (hold > 0)
    g_usleep (hold * 1000);

  now = gst_element_get_current_running_time (net->jitterbuffer);
  if (GST_CLOCK_TIME_IS_VALID (now))
    {
      buffer = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
      GST_BUFFER_DTS (buffer) = now;
      GST_PAD_PROBE_INFO_DATA (info) = buffer;
    }
  return GST_PAD_PROBE_OK;
}

/* when the probe is gone, even if it was running as it was removed */
static void
network_free (gpointer data)
{
  Network *net = data;

  gst_object_unref (net->jitterbuffer);
  g_mutex_clear (&net->lock);
  g_free (net);
}

typedef struct
{
  BatonMediaSession *session;
  guint ms;
} LatencyCheck;

static guint
jitter_latency (BatonMediaSession *session)
{
  g_autoptr(GstElement) jitterbuffer = find_element (session, "rtpjitterbuffer");
  guint ms = 0;

  g_assert_nonnull (jitterbuffer);
  g_object_get (jitterbuffer, "latency", &ms, NULL);
  return ms;
}

static gboolean
latency_at_least (gpointer data)
{
  LatencyCheck *check = data;

  return jitter_latency (check->session) >= check->ms;
}

static gboolean
latency_at_most (gpointer data)
{
  LatencyCheck *check = data;

  return jitter_latency (check->session) <= check->ms;
}

/* The jitter buffer's delay follows the network: it grows when packets
 * come with jitter (held 100 ms one in eight, then a burst: an interarrival
 * jitter of some 25 ms, which asks for ~80 ms), the peer is still heard
 * through it, and it shrinks again once the network is clean. A fixed
 * jitter buffer (20 or 30 ms) never reaches 40 ms. (One in ten asked for
 * 50-68 ms, too close to the bar.) */
static void
test_jitter_adapts (Call          *call,
                    gconstpointer  data)
{
  g_autoptr(GstElement) jitterbuffer = NULL;
  g_autoptr(GstPad) pad = NULL;
  Network *net = g_new0 (Network, 1);
  LatencyCheck check = { call->b.session, 40 };
  guint before, peak;
  gboolean grew, shrank;
  gulong probe;

  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  before = jitter_latency (call->b.session);
  g_test_message ("jitter buffer before: %u ms", before);

  jitterbuffer = find_element (call->b.session, "rtpjitterbuffer");
  g_assert_nonnull (jitterbuffer);
  g_mutex_init (&net->lock);
  net->every = 8;
  net->hold_ms = 100;
  net->jitterbuffer = gst_object_ref (jitterbuffer);
  pad = gst_element_get_static_pad (jitterbuffer, "sink");
  probe = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, network_cb, net, network_free);

  grew = baton_test_wait_until_true (latency_at_least, &check, 10000);
  {
    g_autoptr(GstStructure) stats = NULL;
    g_autofree char *text = NULL;

    g_object_get (jitterbuffer, "stats", &stats, NULL);
    text = gst_structure_to_string (stats);
    g_test_message ("jitter buffer with jitter: %u ms (%s)", jitter_latency (call->b.session), text);
  }
  g_assert_true (grew);
  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  peak = jitter_latency (call->b.session);

  /* a clean network again: it comes down, slowly */
  g_mutex_lock (&net->lock);
  net->every = 0;
  g_mutex_unlock (&net->lock);
  check.ms = peak - 20;
  shrank = baton_test_wait_until_true (latency_at_most, &check, 20000);
  {
    g_autoptr(GstStructure) stats = NULL;
    g_autofree char *text = NULL;

    g_object_get (jitterbuffer, "stats", &stats, NULL);
    text = gst_structure_to_string (stats);
    g_test_message ("jitter buffer after: %u ms, from %u (%s)", jitter_latency (call->b.session), peak, text);
  }
  g_assert_true (shrank);
  assert_comes_to_hear (&call->b, TONE_A, TONE_B);

  gst_pad_remove_probe (pad, probe);
}

static GstPadProbeReturn
count_cb (GstPad          *pad,
          GstPadProbeInfo *info,
          gpointer         user_data)
{
  g_atomic_int_inc ((int *) user_data);
  return GST_PAD_PROBE_OK;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

/* Buffers through @session's silence source, microphone, echo canceller
 * and encoder (in and out) over @ms */
typedef struct
{
  int silence, mic, dsp, encoder_in, encoder_out;
} SendCounts;

static void
count_send_chain (BatonMediaSession *session,
                  guint              ms,
                  SendCounts        *counts)
{
  const struct { const char *factory, *pad; int *count; } points[] = {
    { "audiotestsrc", "src", &counts->silence },
    { "input-selector", "sink_0", &counts->mic },
    { "webrtcdsp", "sink", &counts->dsp },
    { "opusenc", "sink", &counts->encoder_in },
    { "opusenc", "src", &counts->encoder_out },
  };
  GstPad *pads[G_N_ELEMENTS (points)];
  gulong ids[G_N_ELEMENTS (points)];

  memset (counts, 0, sizeof *counts);
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      g_autoptr(GstElement) element = find_element (session, points[i].factory);

      g_assert_nonnull (element);
      pads[i] = gst_element_get_static_pad (element, points[i].pad);
      g_assert_nonnull (pads[i]);
      ids[i] = gst_pad_add_probe (pads[i], GST_PAD_PROBE_TYPE_BUFFER, count_cb, points[i].count, NULL);
    }
  baton_test_wait_until_true (never, NULL, ms);
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      gst_pad_remove_probe (pads[i], ids[i]);
      gst_object_unref (pads[i]);
    }
  g_test_message ("in %u ms: silence %d, microphone %d, echo canceller %d, encoder %d in, %d out",
                  ms, counts->silence, counts->mic, counts->dsp, counts->encoder_in, counts->encoder_out);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Main-context iterations that dispatched something over @ms: how often
 * the thread where the sessions live is woken (by their watchdogs and
 * watches; sources due together count once) */
static guint
count_main_dispatches (guint ms)
{
  gboolean timed_out = FALSE;
  guint dispatched = 0;

  g_timeout_add (ms, set_flag_cb, &timed_out);
  while (!timed_out)
    dispatched += g_main_context_iteration (NULL, TRUE);
  /* not counting the timeout of this count */
  return dispatched - 1;
}

/* A held call costs next to nothing: no buffer goes through the silence
 * source, the microphone, the echo canceller or the encoder of either
 * party while it is held (before, 100 buffers a second of silence went
 * through the canceller and 50 frames through the encoder); only a frame
 * of encoded silence a second goes out (2-4 in 3 s, not the 150 frames an
 * encoder makes; 5-6 when it was one every 500 ms), which keeps the peer's
 * media watchdog fed (/Baton/MediaSession/held proves the call outlives
 * it). Nor do the sessions' microphone and jitter-buffer watches wake the
 * main context while held (4 times a second each before: 25-30
 * dispatches a second for the two sessions, now their watchdogs' 2).
 * Resumed, all of it runs again, and the tones are heard both ways. */
static void
test_held_idle (Call          *call,
                gconstpointer  data)
{
  SendCounts counts;
  guint held_dispatched;

  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  /* active: the microphone goes through the canceller and the encoder */
  count_send_chain (call->a.session, 1000, &counts);
  g_assert_cmpint (counts.mic, >, 0);
  g_assert_cmpint (counts.dsp, >, 0);
  g_assert_cmpint (counts.encoder_in, >, 0);

  set_both_held (call, TRUE);
  /* what was on its way is through */
  baton_test_wait_until_true (never, NULL, 500);

  for (guint i = 0; i < 2; i++)
    {
      count_send_chain (i == 0 ? call->a.session : call->b.session, 3000, &counts);
      g_assert_cmpint (counts.silence, ==, 0);
      g_assert_cmpint (counts.mic, ==, 0);
      g_assert_cmpint (counts.dsp, ==, 0);
      g_assert_cmpint (counts.encoder_in, ==, 0);
      g_assert_cmpint (counts.encoder_out, >=, 1);
      g_assert_cmpint (counts.encoder_out, <=, 4);
    }
  g_assert_true (both_connected (call));
  held_dispatched = count_main_dispatches (3000);
  g_test_message ("held: %u dispatches in the main context in 3 s", held_dispatched);
  g_assert_cmpuint (held_dispatched, <=, 15);

  set_both_held (call, FALSE);
  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  assert_comes_to_hear (&call->a, TONE_B, TONE_A);
  count_send_chain (call->a.session, 1000, &counts);
  g_assert_cmpint (counts.mic, >, 0);
  g_assert_cmpint (counts.dsp, >, 0);
  g_assert_true (both_connected (call));
  /* and the watches run again: each session's microphone and jitter-buffer
   * watches, 4 Hz each, on top of what ran while held. Made in the same
   * instant at the resume, the four timers often come due in the same
   * main-context iteration, which then counts once: at least 12 more in
   * 3 s (seen: 12-29 more; a fixed bar of 20 in all failed 2 runs in 3
   * on a quiet machine, 17-19 with 3-7 while held) */
  {
    guint dispatched = count_main_dispatches (3000);

    g_test_message ("resumed: %u dispatches in the main context in 3 s", dispatched);
    g_assert_cmpuint (dispatched, >=, held_dispatched + 8);
  }
}

/* Context switches of @session's ICE agent thread (webrtcbin's
 * "<name>:ice", named as Linux keeps it: 15 characters) so far */
static guint64
ice_thread_switches (BatonMediaSession *session)
{
  g_autoptr(GstElement) webrtc = find_element (session, "webrtcbin");
  g_autofree char *name = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *tid;
  guint64 total = 0;
  gboolean found = FALSE;

  g_assert_nonnull (webrtc);
  name = g_strdup_printf ("%s:ice", GST_OBJECT_NAME (webrtc));
  if (strlen (name) > 15)
    name[15] = '\0';
  dir = g_dir_open ("/proc/self/task", 0, NULL);
  g_assert_nonnull (dir);
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *status_path = g_build_filename ("/proc/self/task", tid, "status", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *status = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL) ||
          !g_str_equal (g_strstrip (comm), name) ||
          !g_file_get_contents (status_path, &status, NULL, NULL))
        continue;
      found = TRUE;
      lines = g_strsplit (status, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix (lines[i], "voluntary_ctxt_switches:") ||
            g_str_has_prefix (lines[i], "nonvoluntary_ctxt_switches:"))
          total += g_ascii_strtoull (strchr (lines[i], ':') + 1, NULL, 10);
    }
  g_assert_true (found);
  return total;
}

/* Once ICE is connected, the ICE agent's thread sleeps: libnice's
 * connectivity-check timer (every 5 ms here, for setup speed) used to go
 * on for 5 s after the last check, 1,000 wake-ups per session at the
 * start of every call for nothing. Counted over the second second after
 * CONNECTED: some 200 before, a handful now (a keep-alive, a late
 * check's answer). */
static void
test_ice_idle (Call          *call,
               gconstpointer  data)
{
  guint64 a0, b0, a1, b1;

  baton_test_wait_until_true (never, NULL, 1000);
  a0 = ice_thread_switches (call->a.session);
  b0 = ice_thread_switches (call->b.session);
  baton_test_wait_until_true (never, NULL, 1000);
  a1 = ice_thread_switches (call->a.session);
  b1 = ice_thread_switches (call->b.session);
  g_test_message ("ICE threads' context switches in 1 s: A %" G_GUINT64_FORMAT ", B %" G_GUINT64_FORMAT,
                  a1 - a0, b1 - b0);
  g_assert_cmpuint (a1 - a0, <=, 40);
  g_assert_cmpuint (b1 - b0, <=, 40);
  /* and the call goes on */
  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  g_assert_true (both_connected (call));
}

/* The peer vanishes without a word (its process died, its network went):
 * the session notices and fails, so the call can end with 410 */
static void
test_peer_lost (Call          *call,
                gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();

  baton_media_session_close (call->b.session);
  g_assert_true (baton_test_wait_until_true (a_state_failed, call, 40000));
  g_test_message ("FAILED after %.1f s", (g_get_monotonic_time () - start) / 1e6);
}

static gboolean
has_error_message (gpointer data)
{
  return baton_device_manager_get_error_message (data) != NULL;
}

/* Without any audio device (no sound server at all), calls still connect:
 * silence goes out, what comes in is played to nothing. */
static void
test_no_device (void)
{
  Call call = { 0, };

  for (guint i = 0; i < 2; i++)
    {
      Party *party = i == 0 ? &call.a : &call.b;

      party->devices = baton_device_manager_new ();
      g_assert_cmpuint (g_list_model_get_n_items (baton_device_manager_get_microphones (party->devices)), ==, 0);
      g_assert_cmpuint (g_list_model_get_n_items (baton_device_manager_get_speakers (party->devices)), ==, 0);
      g_assert_null (baton_device_manager_get_selected_microphone (party->devices));
      /* (once the device monitor's start is through: in a thread) */
      g_assert_true (baton_test_wait_until_true (has_error_message, party->devices, 10000));
      g_test_message ("%s", baton_device_manager_get_error_message (party->devices));
      party->session = baton_media_session_new (party->devices, NULL);
      party->dtmf = g_array_new (FALSE, FALSE, sizeof (guint));
      g_signal_connect (party->session, "dtmf-received", G_CALLBACK (dtmf_received_cb), party);
    }

  negotiate (&call);

  g_assert_true (baton_test_wait_until_true (both_connected, &call, 15000));

  /* and the call carries DTMF */
  baton_media_session_send_dtmf (call.b.session, BATON_DTMF_TONE_STAR);
  baton_media_session_send_dtmf (call.b.session, BATON_DTMF_TONE_NUM0);
  baton_media_session_send_dtmf (call.b.session, BATON_DTMF_TONE_A);
  g_assert_true (baton_test_wait_until_true (got_three_dtmf, &call.a, 5000));
  g_assert_cmpuint (g_array_index (call.a.dtmf, guint, 0), ==, BATON_DTMF_TONE_STAR);
  g_assert_cmpuint (g_array_index (call.a.dtmf, guint, 1), ==, BATON_DTMF_TONE_NUM0);
  g_assert_cmpuint (g_array_index (call.a.dtmf, guint, 2), ==, BATON_DTMF_TONE_A);

  party_clear (&call.a);
  party_clear (&call.b);
  g_free (call.offer);
  g_free (call.answer);
}

/* ------------------------------------------------------------------------ */
/* The sound server stalls: nothing may block the main context              */

/* pipewire-pulse stopped this long: a device element's state change that
 * waits for it on the main context shows as a gap of about as much */
#define FREEZE_MS 4000
/* the bar: an order of magnitude below the freeze */
#define FREEZE_MAX_GAP_MS 1000

/* A call started while the sound server does not answer: the main context
 * goes on (the sessions are made, the offer and answer go out, ICE and DTLS
 * connect), and once the server answers again each side hears the other */
static void
test_frozen_server_start (void)
{
  Call call = { 0, };
  BatonTestFreeze *freeze;

  /* the devices and the tones first: they need the server */
  call.a.devices = baton_device_manager_new ();
  call.a.speaker = baton_test_device_get_node (speaker_a);
  baton_test_select_devices (call.a.devices, MIC_A, call.a.speaker);
  call.a.tone = baton_test_device_play_tone (mic_a, TONE_A);
  call.b.devices = baton_device_manager_new ();
  call.b.speaker = baton_test_device_get_node (speaker_b);
  baton_test_select_devices (call.b.devices, MIC_B, call.b.speaker);
  call.b.tone = baton_test_device_play_tone (mic_b, TONE_B);

  freeze = baton_test_pulse_freeze (FREEZE_MS);
  call.a.session = baton_media_session_new (call.a.devices, NULL);
  call.b.session = baton_media_session_new (call.b.devices, NULL);
  call.a.dtmf = g_array_new (FALSE, FALSE, sizeof (guint));
  call.b.dtmf = g_array_new (FALSE, FALSE, sizeof (guint));
  negotiate (&call);
  g_assert_cmpuint (baton_test_pulse_freeze_end (freeze), <, FREEZE_MAX_GAP_MS);

  g_assert_true (baton_test_wait_until_true (both_connected, &call, 15000));
  assert_comes_to_hear (&call.b, TONE_A, TONE_B);
  assert_comes_to_hear (&call.a, TONE_B, TONE_A);

  call_teardown (&call, NULL);
}

/* Another microphone chosen while the server does not answer */
static void
test_frozen_server_switch_microphone (Call          *call,
                                      gconstpointer  data)
{
  g_autoptr(BatonTestTone) tone_c = baton_test_device_play_tone (mic_c, TONE_C);
  BatonTestFreeze *freeze;

  assert_comes_to_hear (&call->b, TONE_A, TONE_B);

  freeze = baton_test_pulse_freeze (FREEZE_MS);
  baton_test_select_devices (call->a.devices, MIC_C, NULL);
  g_assert_cmpuint (baton_test_pulse_freeze_end (freeze), <, FREEZE_MAX_GAP_MS);

  assert_comes_to_hear (&call->b, TONE_C, TONE_A);
  assert_comes_to_hear (&call->a, TONE_B, TONE_A);
  g_assert_true (both_connected (call));
}

/* The server stops answering mid-call, for a while: the main context goes
 * on, and once the server answers again each side hears the other again
 * (the speakers, whose clocks fell seconds behind, are made anew: without,
 * the far speaker played digital silence for 15 s and more) */
static void
test_frozen_server_call (Call          *call,
                         gconstpointer  data)
{
  BatonTestFreeze *freeze;

  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  assert_comes_to_hear (&call->a, TONE_B, TONE_A);

  freeze = baton_test_pulse_freeze (FREEZE_MS);
  g_assert_cmpuint (baton_test_pulse_freeze_end (freeze), <, FREEZE_MAX_GAP_MS);

  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  assert_comes_to_hear (&call->a, TONE_B, TONE_A);
  g_assert_true (both_connected (call));
}

/* Resumed from hold while the server does not answer (the speakers are
 * made anew, the microphones uncorked) */
static void
test_frozen_server_resume (Call          *call,
                           gconstpointer  data)
{
  BatonTestFreeze *freeze;

  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  set_both_held (call, TRUE);
  g_assert_true (baton_test_wait_until_true (held_streams, call, 5000));

  freeze = baton_test_pulse_freeze (FREEZE_MS);
  set_both_held (call, FALSE);
  g_assert_cmpuint (baton_test_pulse_freeze_end (freeze), <, FREEZE_MAX_GAP_MS);

  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  assert_comes_to_hear (&call->a, TONE_B, TONE_A);
  g_assert_true (both_connected (call));
}

static gboolean
no_device_streams (gpointer data)
{
  return speaker_streams (data) == 0 && baton_test_running_capture_streams () == 0;
}

/* Hung up while the server does not answer: the sessions close and go
 * away at once, and their streams once the server answers again */
static void
test_frozen_server_close (Call          *call,
                          gconstpointer  data)
{
  BatonTestFreeze *freeze;

  assert_comes_to_hear (&call->b, TONE_A, TONE_B);

  freeze = baton_test_pulse_freeze (FREEZE_MS);
  baton_media_session_close (call->a.session);
  baton_media_session_close (call->b.session);
  g_assert_finalize_object (g_steal_pointer (&call->a.session));
  g_assert_finalize_object (g_steal_pointer (&call->b.session));
  g_assert_cmpuint (baton_test_pulse_freeze_end (freeze), <, FREEZE_MAX_GAP_MS);

  g_assert_true (baton_test_wait_until_true (no_device_streams, call, 10000));
}

/* Hung up while a new speaker's start waits for the stopped server, with a
 * recalculation of the pipeline's latency under way: the sessions close
 * and go away at once all the same. (A speaker that started inside the
 * pipeline: the worker recalculating the latency held the pipeline's state
 * lock while it waited for the speaker's, which the speaker's start held
 * until the server answered, and the pipeline's way to NULL at the close
 * waited for both: gaps of 3.7 and 4.2 s. The speaker's start waits only when it
 * connects to the server anew, as after a hold: a speaker switched to
 * mid-call shares the old one's connection and starts at once.) */
static void
test_frozen_server_close_starting (Call          *call,
                                   gconstpointer  data)
{
  BatonTestFreeze *freeze;

  assert_comes_to_hear (&call->b, TONE_A, TONE_B);
  /* held: the speakers go, and with them the connection to the server
   * they shared */
  set_both_held (call, TRUE);
  g_assert_true (baton_test_wait_until_true (held_streams, call, 5000));

  freeze = baton_test_pulse_freeze (FREEZE_MS);
  /* resumed: a new speaker for each, which starts in its worker and
   * waits there for the server (connecting anew) */
  set_both_held (call, FALSE);
  /* and the latency again, as a device that started or the jitter
   * buffer's new delay asks for it */
  for (guint i = 0; i < 2; i++)
    {
      GstElement *pipeline = baton_media_session_get_pipeline (i == 0 ? call->a.session : call->b.session);

      gst_element_post_message (pipeline, gst_message_new_latency (GST_OBJECT (pipeline)));
    }
  /* (the bus watches hand it to the latency workers) */
  baton_test_wait_until_true (never, NULL, 300);
  baton_media_session_close (call->a.session);
  baton_media_session_close (call->b.session);
  g_assert_finalize_object (g_steal_pointer (&call->a.session));
  g_assert_finalize_object (g_steal_pointer (&call->b.session));
  g_assert_cmpuint (baton_test_pulse_freeze_end (freeze), <, FREEZE_MAX_GAP_MS);

  g_assert_true (baton_test_wait_until_true (no_device_streams, call, 10000));
}

/* The Baton-Media messages (warning level) of the speakers' starts and
 * retries, counted (from any thread), then written as usual. The library
 * logs structured (G_LOG_USE_STRUCTURED): a writer, set once in main () */
static int speaker_failures, speaker_retries;

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  if (g_strcmp0 (domain, "Baton-Media") == 0 && message != NULL)
    {
      if (g_pattern_match_simple ("*the speaker * did not start*", message))
        g_atomic_int_inc (&speaker_failures);
      if (g_pattern_match_simple ("*the speaker did not start * s ago, trying again*", message))
        g_atomic_int_inc (&speaker_retries);
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static gboolean
speaker_failed (gpointer data)
{
  return g_atomic_int_get (&speaker_failures) > 0;
}

/* A speaker whose start fails is made anew after the back-off. The sound
 * server is out of reach while A's session starts (its socket moved aside,
 * as while pipewire-pulse restarts: pulsesink's start fails at once; a
 * sink named that does not exist would not do, pipewire-pulse takes such a
 * stream and plays it to the default sink), and back before the call
 * connects: A comes to hear B within the back-off (2 s), and the log shows
 * the retry. Without it, A heard nothing for the rest of the call. */
static void
speaker_start_failed (gboolean description)
{
  g_autofree char *socket = g_build_filename (g_get_user_runtime_dir (), "pulse", "native", NULL);
  g_autofree char *away = g_strconcat (socket, ".away", NULL);
  Call call = { 0, };

  g_atomic_int_set (&speaker_failures, 0);
  g_atomic_int_set (&speaker_retries, 0);

  /* A's devices and tone first: they need the server */
  call.a.devices = baton_device_manager_new ();
  call.a.speaker = baton_test_device_get_node (speaker_a);
  baton_test_select_devices (call.a.devices, MIC_A, call.a.speaker);
  call.a.tone = baton_test_device_play_tone (mic_a, TONE_A);
  call.a.dtmf = g_array_new (FALSE, FALSE, sizeof (guint));

  g_assert_no_errno (g_rename (socket, away));
  if (description)
    {
      g_autofree char *sink = g_strdup_printf ("pulsesink device=%s", call.a.speaker);

      call.a.session = baton_media_session_new_full (call.a.devices, NULL, NULL, sink);
    }
  else
    call.a.session = baton_media_session_new (call.a.devices, NULL);
  g_signal_connect (call.a.session, "notify::state", G_CALLBACK (state_notify_cb), &call.a);
  /* (its start failed: reported) */
  g_assert_true (baton_test_wait_until_true (speaker_failed, NULL, 10000));
  g_assert_no_errno (g_rename (away, socket));
  g_assert_cmpint (g_atomic_int_get (&speaker_retries), ==, 0);

  party_init (&call.b, mic_b, speaker_b, TONE_B);
  negotiate (&call);
  g_assert_true (baton_test_wait_until_true (both_connected, &call, 15000));

  assert_comes_to_hear (&call.a, TONE_B, TONE_A);
  g_assert_cmpint (g_atomic_int_get (&speaker_retries), >=, 1);
  g_test_message ("speaker starts failed: %d, retries: %d", g_atomic_int_get (&speaker_failures),
                  g_atomic_int_get (&speaker_retries));

  call_teardown (&call, NULL);
}

static void
test_speaker_start_failed (void)
{
  speaker_start_failed (FALSE);
}

/* The same with a speaker given as a description (audio-sink, as bots and
 * test rigs have): parsed again for each try. Before, such a speaker's
 * failed start was only reported, and A heard nothing for good. */
static void
test_speaker_start_failed_description (void)
{
  speaker_start_failed (TRUE);
}

/* The paths this run was given with -p. Meson runs this program in groups,
 * each in a session of its own (tests/lib/meson.build): GLib 2.74 prints one
 * TAP plan per -p, which meson takes for an error, so several -p are taken
 * out of argv here and only their tests are added. A path selects itself
 * and the paths under it, as with GLib. */
static GPtrArray *selected_paths;

static void
take_test_paths (int    *argc,
                 char ***argv)
{
  int i, j;

  selected_paths = g_ptr_array_new ();
  for (i = 1, j = 1; i < *argc; i++)
    {
      if (g_str_equal ((*argv)[i], "-p") && i + 1 < *argc)
        g_ptr_array_add (selected_paths, (*argv)[++i]);
      else if (g_str_has_prefix ((*argv)[i], "-p="))
        g_ptr_array_add (selected_paths, (*argv)[i] + 3);
      else
        (*argv)[j++] = (*argv)[i];
    }
  (*argv)[j] = NULL;
  *argc = j;
}

static gboolean
test_selected (const char *path)
{
  if (selected_paths->len == 0)
    return TRUE;

  for (guint i = 0; i < selected_paths->len; i++)
    {
      const char *selected = g_ptr_array_index (selected_paths, i);
      gsize len = strlen (selected);

      if (strncmp (path, selected, len) == 0 && (path[len] == '\0' || path[len] == '/'))
        return TRUE;
    }
  return FALSE;
}

static void
add_call_test (const char *path,
               void      (*func) (Call *, gconstpointer))
{
  if (test_selected (path))
    g_test_add (path, Call, NULL, call_setup, func, call_teardown);
}

static void
add_test (const char *path,
          GTestFunc   func)
{
  if (test_selected (path))
    g_test_add_func (path, func);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  take_test_paths (&argc, &argv);
  g_log_set_writer_func (log_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  if (g_getenv ("BATON_TEST_SESSION") == NULL)
    {
      g_printerr ("Run inside the test session (tests/session/baton-test-session)\n");
      return 1;
    }

  /* A session without audio (BATON_TEST_SESSION_NO_AUDIO=1): the no-device case */
  if (g_getenv ("BATON_TEST_MIC") == NULL)
    {
      add_test ("/Baton/MediaSession/no-device", test_no_device);
      return g_test_run ();
    }

  mic_a = baton_test_device_add_microphone (MIC_A, "Media Test Mic A");
  mic_b = baton_test_device_add_microphone (MIC_B, "Media Test Mic B");
  mic_c = baton_test_device_add_microphone (MIC_C, "Media Test Mic C");
  speaker_a = baton_test_device_add_speaker ("baton-ms-speaker-a", "Media Test Speaker A");
  speaker_b = baton_test_device_add_speaker ("baton-ms-speaker-b", "Media Test Speaker B");
  speaker_c = baton_test_device_add_speaker (SPEAKER_C, "Media Test Speaker C");

  /* BATON_TEST_ECHO_CANCELLED=1 (the unstable suite's media-echo-cancelled):
   * this one alone, until the SDK cancels such an echo reliably (see
   * test_echo_cancelled) */
  if (g_getenv ("BATON_TEST_ECHO_CANCELLED") != NULL)
    add_call_test ("/Baton/MediaSession/echo-cancelled", test_echo_cancelled);
  else
    {
      add_call_test ("/Baton/MediaSession/tones-both-ways", test_tones_both_ways);
      add_call_test ("/Baton/MediaSession/encrypted", test_encrypted);
      add_call_test ("/Baton/MediaSession/sending", test_sending);
      add_call_test ("/Baton/MediaSession/playing", test_playing);
      add_call_test ("/Baton/MediaSession/held", test_held);
      add_call_test ("/Baton/MediaSession/held-idle", test_held_idle);
      add_call_test ("/Baton/MediaSession/ice-idle", test_ice_idle);
      add_call_test ("/Baton/MediaSession/held-while-capturing", test_held_while_capturing);
      add_call_test ("/Baton/MediaSession/held-while-playing", test_held_while_playing);
      add_call_test ("/Baton/MediaSession/dtmf", test_dtmf);
      add_call_test ("/Baton/MediaSession/switch-microphone", test_switch_microphone);
      add_test ("/Baton/MediaSession/wrong-fingerprint", test_wrong_fingerprint);
      add_test ("/Baton/MediaSession/close-during-offer", test_close_during_offer);
#ifdef BATON_HAVE_LIBCRYPTO
      add_test ("/Baton/MediaSession/openssl-exit", test_openssl_exit);
#endif
      add_test ("/Baton/MediaSession/refused-answer", test_refused_answer);
      add_test ("/Baton/MediaSession/custom-source-unprocessed", test_custom_source_unprocessed);
      add_test ("/Baton/MediaSession/ice-servers", test_ice_servers);
      add_call_test ("/Baton/MediaSession/microphone-unplugged", test_microphone_unplugged);
      add_call_test ("/Baton/MediaSession/peer-lost", test_peer_lost);
      add_call_test ("/Baton/MediaSession/switch-speaker", test_switch_speaker);
      add_call_test ("/Baton/MediaSession/jitter-adapts", test_jitter_adapts);
      add_test ("/Baton/MediaSession/microphone-gives-nothing", test_microphone_gives_nothing);
      add_test ("/Baton/MediaSession/frozen-server-start", test_frozen_server_start);
      add_call_test ("/Baton/MediaSession/frozen-server-switch-microphone", test_frozen_server_switch_microphone);
      add_call_test ("/Baton/MediaSession/frozen-server-resume", test_frozen_server_resume);
      add_call_test ("/Baton/MediaSession/frozen-server-call", test_frozen_server_call);
      add_call_test ("/Baton/MediaSession/frozen-server-close", test_frozen_server_close);
      add_call_test ("/Baton/MediaSession/frozen-server-close-starting", test_frozen_server_close_starting);
      add_test ("/Baton/MediaSession/speaker-start-failed", test_speaker_start_failed);
      add_test ("/Baton/MediaSession/speaker-start-failed-description", test_speaker_start_failed_description);
    }

  ret = g_test_run ();
  g_ptr_array_unref (selected_paths);

  g_clear_pointer (&mic_a, baton_test_device_remove);
  g_clear_pointer (&mic_b, baton_test_device_remove);
  g_clear_pointer (&mic_c, baton_test_device_remove);
  g_clear_pointer (&speaker_a, baton_test_device_remove);
  g_clear_pointer (&speaker_b, baton_test_device_remove);
  g_clear_pointer (&speaker_c, baton_test_device_remove);

  return ret;
}
