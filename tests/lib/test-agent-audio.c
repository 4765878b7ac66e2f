/* test-agent-audio.c: BatonCallAgentOptions:audio-source and :audio-sink —
 * an agent that takes its audio from a GStreamer description instead of the
 * devices, heard by (and hearing) a person on real PipeWire virtual devices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "baton-lib-test-util.h"
#include "baton-test-audio.h"
#include "baton-test-devices.h"

#include <gst/gst.h>

#define RECORD_MS 800
#define TRIES     12
#define PERSON_HZ 1000
#define BOT_HZ    700
#define DEVICE_HZ 440
#define PROBE_HZ  1300

static BatonTestServer *server;
static BatonTestDevice *person_mic, *person_speaker, *bot_speaker;
static BatonTestTone *person_tone, *default_mic_tone;

/* The person: an ordinary agent on its own virtual microphone and speaker. */
static TestParty *
person_new (void)
{
  TestParty *p = test_party_new (server, "person");

  baton_test_select_devices (baton_call_client_get_device_manager (p->client),
                             baton_test_device_get_name (person_mic),
                             baton_test_device_get_node (person_speaker));
  return p;
}

typedef struct
{
  BatonCallAgent *agent;
  GError *error;
  gboolean done;
} Created;

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Created *c = user_data;

  c->agent = baton_call_client_create_call_agent_finish (BATON_CALL_CLIENT (object), result, &c->error);
  c->done = TRUE;
}

/* The bot: its own client (whose devices are the session's defaults, where
 * a 440 Hz tone plays), with the audio of @source and @sink instead. */
static BatonCallAgent *
bot_new (BatonCallClient *client,
         const char      *source,
         const char      *sink)
{
  g_autofree char *token = baton_test_server_token (server, "bot", 600);
  g_autoptr(BatonTokenCredential) credential = baton_token_credential_new (token);
  g_autoptr(BatonCallAgentOptions) options = baton_call_agent_options_new (baton_test_server_get_uri (server));
  Created c = { 0 };

  g_object_set (options, "audio-source", source, NULL);
  baton_call_agent_options_set_audio_sink (options, sink);
  g_assert_cmpstr (baton_call_agent_options_get_audio_source (options), ==, source);
  g_assert_cmpstr (baton_call_agent_options_get_audio_sink (options), ==, sink);
  baton_call_client_create_call_agent_async (client, credential, options, NULL, created_cb, &c);
  test_wait_until (c.done);
  g_assert_no_error (c.error);
  return c.agent;
}

static void
accept_cb (BatonCallAgent    *agent,
           BatonIncomingCall *incoming,
           gpointer           user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) call = baton_incoming_call_accept (incoming, &error);

  g_assert_no_error (error);
}

/* Records @speaker until @hz is heard (media may take a moment); asserts
 * that none of @not_hz (0-terminated) is. */
static void
assert_hears (BatonTestDevice *speaker,
              double           hz,
              const double    *not_hz)
{
  for (guint i = 0; i < TRIES; i++)
    {
      g_autoptr(BatonTestSpectrum) s = baton_test_record_speaker (baton_test_device_get_node (speaker), RECORD_MS);

      g_test_message ("%s: peak %.0f Hz at %.1f dB", baton_test_device_get_node (speaker),
                      baton_test_spectrum_peak_hz (s), baton_test_spectrum_peak_db (s));
      if (!baton_test_spectrum_has_tone (s, hz))
        continue;
      for (guint k = 0; not_hz != NULL && not_hz[k] > 0; k++)
        g_assert_false (baton_test_spectrum_has_tone (s, not_hz[k]));
      return;
    }
  g_error ("%s never heard %.0f Hz", baton_test_device_get_node (speaker), hz);
}

/* The person hears the bot's audiotestsrc, not the default microphone the
 * bot would have used; the bot's sink (a speaker of its own, named in the
 * description) gets the person's tone. */
static void
test_source_and_sink (void)
{
  g_autoptr(BatonCallClient) client = baton_call_client_new ();
  g_autofree char *source = g_strdup_printf ("audiotestsrc is-live=true freq=%d volume=0.5", BOT_HZ);
  g_autofree char *sink = g_strdup_printf ("pulsesink device=%s sync=false",
                                           baton_test_device_get_node (bot_speaker));
  BatonCallAgent *bot = bot_new (client, source, sink);
  TestParty *person = person_new ();
  const double not_person[] = { PERSON_HZ, DEVICE_HZ, 0 };
  const double not_bot[] = { BOT_HZ, DEVICE_HZ, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) call = NULL;

  g_signal_connect (bot, "incoming-call", G_CALLBACK (accept_cb), NULL);
  call = baton_call_agent_start_call (person->agent, "bot", &error);
  g_assert_no_error (error);
  test_wait_until (baton_call_get_state (call) == BATON_CALL_STATE_CONNECTED);

  assert_hears (person_speaker, BOT_HZ, not_person);
  assert_hears (bot_speaker, PERSON_HZ, not_bot);

  baton_call_hang_up (call);
  test_party_free (person);
  baton_call_agent_shutdown (bot);
  g_object_unref (bot);
}

/* "{call_id}" in the bot's source becomes the service's id of the call: a
 * tone this test sends into the in-process channel named after that id is
 * what the person hears. */
static void
test_call_id (void)
{
  g_autoptr(BatonCallClient) client = baton_call_client_new ();
  BatonCallAgent *bot = bot_new (client, "interaudiosrc channel=test-probe-{call_id}",
                                 "fakesink sync=false");
  TestParty *person = person_new ();
  const double not_others[] = { PERSON_HZ, BOT_HZ, DEVICE_HZ, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) call = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GstElement) probe = NULL;

  g_signal_connect (bot, "incoming-call", G_CALLBACK (accept_cb), NULL);
  call = baton_call_agent_start_call (person->agent, "bot", &error);
  g_assert_no_error (error);
  test_wait_until (baton_call_get_state (call) == BATON_CALL_STATE_CONNECTED);

  description = g_strdup_printf ("audiotestsrc is-live=true freq=%d volume=0.5 "
                                 "! interaudiosink channel=test-probe-%s", PROBE_HZ,
                                 baton_call_get_id (call));
  probe = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  gst_element_set_state (probe, GST_STATE_PLAYING);
  assert_hears (person_speaker, PROBE_HZ, not_others);
  gst_element_set_state (probe, GST_STATE_NULL);

  baton_call_hang_up (call);
  test_party_free (person);
  baton_call_agent_shutdown (bot);
  g_object_unref (bot);
}

/* The person's voice in the echo test: beeps of random pitch, length and
 * spacing (baton_test_voice_start()), in a band none of the other sounds
 * is in. */
#define PERSON_VOICE_LO_HZ 1600
#define PERSON_VOICE_HI_HZ 2400

/* Records the person's speaker until the person's voice comes back; asserts
 * that none of the other sounds is heard. */
static void
assert_hears_voice (void)
{
  const double not_others[] = { BOT_HZ, DEVICE_HZ, 0 };

  for (guint i = 0; i < TRIES; i++)
    {
      g_autoptr(BatonTestSpectrum) s = baton_test_record_speaker (baton_test_device_get_node (person_speaker), RECORD_MS);

      g_test_message ("%s: %.0f-%.0f Hz at %.1f dB; peak %.0f Hz at %.1f dB",
                      baton_test_device_get_node (person_speaker),
                      (double) PERSON_VOICE_LO_HZ, (double) PERSON_VOICE_HI_HZ,
                      baton_test_spectrum_band_db (s, PERSON_VOICE_LO_HZ, PERSON_VOICE_HI_HZ),
                      baton_test_spectrum_peak_hz (s), baton_test_spectrum_peak_db (s));
      if (!baton_test_spectrum_has_band (s, PERSON_VOICE_LO_HZ, PERSON_VOICE_HI_HZ))
        continue;
      for (guint k = 0; not_others[k] > 0; k++)
        g_assert_false (baton_test_spectrum_has_tone (s, not_others[k]));
      return;
    }
  g_error ("the person never heard its voice back");
}

/* The same string in source and sink joins a call's sink to its source: an
 * echo. Both ways: the bot answers (the service's id) and the bot calls (a
 * local id). */
static void
test_echo (void)
{
  g_autoptr(BatonCallClient) client = baton_call_client_new ();
  BatonCallAgent *bot = bot_new (client, "interaudiosrc channel=test-echo-{call_id}",
                                 "interaudiosink sync=false channel=test-echo-{call_id}");
  TestParty *person = person_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) call = NULL;
  g_autoptr(BatonCall) answered = NULL;
  g_autoptr(BatonCall) outgoing = NULL;
  BatonTestTone *voice;

  /* The person speaks rather than whistles: a steady sine coming back is, to
   * the person's echo canceller, an echo of what it played (it fell from -33
   * to -90 dB within seconds, 2 runs in 20), and so, less often, were beeps
   * at a fixed interval (with delay-agnostic, 2 runs in 12). Beeps at random
   * pitches and times are not predictable from what was played: see
   * baton_test_voice_start(). */
  baton_test_tone_stop (person_tone);
  voice = baton_test_voice_start (baton_test_device_get_node (person_mic), PERSON_VOICE_LO_HZ, PERSON_VOICE_HI_HZ);

  g_signal_connect (bot, "incoming-call", G_CALLBACK (accept_cb), NULL);
  call = baton_call_agent_start_call (person->agent, "bot", &error);
  g_assert_no_error (error);
  test_wait_until (baton_call_get_state (call) == BATON_CALL_STATE_CONNECTED);
  assert_hears_voice ();
  baton_call_hang_up (call);
  test_wait_until (g_list_model_get_n_items (baton_call_agent_get_calls (bot)) == 0);

  outgoing = baton_call_agent_start_call (bot, "person", &error);
  g_assert_no_error (error);
  answered = baton_incoming_call_accept (test_party_wait_incoming (person), &error);
  g_assert_no_error (error);
  test_wait_until (baton_call_get_state (outgoing) == BATON_CALL_STATE_CONNECTED);
  assert_hears_voice ();
  baton_call_hang_up (outgoing);
  baton_test_tone_stop (voice);
  person_tone = baton_test_device_play_tone (person_mic, PERSON_HZ);

  test_party_free (person);
  baton_call_agent_shutdown (bot);
  g_object_unref (bot);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);
  server = baton_test_server_new ();
  baton_test_server_add_user (server, "person", "Person");
  baton_test_server_add_user (server, "bot", "Bot");
  person_mic = baton_test_device_add_microphone ("baton-aa-mic-person", "Person's microphone");
  person_speaker = baton_test_device_add_speaker ("baton-aa-speaker-person", "Person's speaker");
  bot_speaker = baton_test_device_add_speaker ("baton-aa-speaker-bot", "Bot's own sink");
  person_tone = baton_test_device_play_tone (person_mic, PERSON_HZ);
  /* what the bot would send, were it using the default microphone */
  default_mic_tone = baton_test_tone_start (g_getenv ("BATON_TEST_MIC_INPUT"), DEVICE_HZ);

  g_test_add_func ("/Baton/CallAgentOptions/audio-source-and-sink", test_source_and_sink);
  g_test_add_func ("/Baton/CallAgentOptions/audio-echo", test_echo);
  /* last: after it, the echo above came back silent in some runs — not the
   * rig of issue 4 (the first half heard the person's microphone): in the
   * second half the echo fell from -33 dB to -90 dB within seconds, which
   * looks like the person's echo canceller doing its job (a steady tone that
   * comes back is an echo, so it suppresses the person's own tone). To be
   * fixed in the test's design; the demo's echo test runs in a process of
   * its own. */
  g_test_add_func ("/Baton/CallAgentOptions/audio-call-id", test_call_id);
  result = g_test_run ();

  baton_test_tone_stop (default_mic_tone);
  baton_test_tone_stop (person_tone);
  baton_test_device_remove (bot_speaker);
  baton_test_device_remove (person_speaker);
  baton_test_device_remove (person_mic);
  baton_test_server_free (server);
  return result;
}
