/* baton-test-audio.c: tones, recordings and virtual devices for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "BatonTestAudio"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "baton-test-audio.h"

#define SAMPLE_RATE 48000
#define N_BANDS 2048
#define BAND_HZ ((double) SAMPLE_RATE / 2.0 / N_BANDS)
/* The first frames after a stream starts are ramp-up, not signal. */
#define SKIP_MS 200
/* A tone is "there" above this level (dBFS of its spectrum band)... */
#define TONE_MIN_DB (-50.0)
/* ... and "silence" is nothing above this one. */
#define SILENCE_MAX_DB (-65.0)
#define FLOOR_DB (-120.0)

struct _BatonTestTone
{
  GstElement *pipeline;
};

struct _BatonTestSpectrum
{
  guint n_frames;
  double power[N_BANDS];  /* mean linear power per band */
};

struct _BatonTestDevice
{
  char *name;             /* the speaker, or the microphone's source node */
  char *node;             /* the node to feed (microphone) or record (speaker) */
  gboolean is_speaker;
};

/* Tones and recordings all go through pipewire-pulse (pulsesink, pulsesrc):
 * a test program loads no PipeWire client of its own. GStreamer 1.22's
 * PipeWire elements share one connection to PipeWire and its thread loop
 * (GstPipeWireCore) per process with PipeWire's device provider; with the
 * test's recordings through pipewiresrc, now and then the program died in
 * that thread (SIGSEGV in a walk over freed memory, about 1 run in 45 of
 * test-media-session) as a recording stopped while a device monitor
 * started. */
static void
ensure_gst (void)
{
  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
}

/* Through pipewire-pulse, not pipewiresink: GStreamer 1.22's pipewiresink
 * now and then stopped delivering for good when the graph around its sink
 * changed (a call's capture stream joining the microphone, a recording
 * leaving it): in test-media-session's microphone-unplugged, 1 run in 5-10
 * found the new microphone silent although the tone had been heard on it a
 * moment before, the "-input" sink's monitor silent too, all links in place
 * and the nodes in one driver group. pulsesink keeps its own buffer and
 * stream: 0 in 110 runs. */
BatonTestTone *
baton_test_tone_start (const char *sink_node,
                       double      freq_hz)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *desc = NULL;
  BatonTestTone *tone;

  g_return_val_if_fail (sink_node != NULL, NULL);

  ensure_gst ();
  desc = g_strdup_printf ("audiotestsrc wave=sine freq=%f volume=0.4 is-live=true "
                          "! audioconvert ! audioresample "
                          "! pulsesink device=%s sync=false buffer-time=40000 latency-time=10000 "
                          "  client-name=baton-test-tone",
                          freq_hz, sink_node);
  tone = g_new0 (BatonTestTone, 1);
  tone->pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gst_element_set_state (tone->pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  return tone;
}

/* Voice-like beeps: a beep of a random frequency in [lo_hz, hi_hz], 40 to
 * 200 ms long, then a random pause of 40 to 400 ms, and so on, from a seeded
 * GRand. Unlike a steady tone or beeps at a fixed interval, what comes back
 * a round trip later cannot be predicted from what was played before: like
 * the syllables of a voice, each beep is new. (A steady sine that an echo
 * test plays back to the microphone it came from is, to that side's echo
 * canceller, an echo of what it played, and is cancelled within a second or
 * two; beeps every 300 ms were still cancelled now and then by a
 * delay-agnostic canceller: 2 runs of 12 of test-agent-audio.) Made in the streaming thread
 * of an appsrc; pulsesink's buffer paces it. */
typedef struct
{
  GRand *rand;
  double lo_hz, hi_hz;
  double freq_hz;
  double phase;
  guint beep_left;        /* samples of the current beep still to make */
  guint beep_len;
  guint pause_left;       /* samples of silence before the next beep */
  guint64 n_samples;
} Voice;

#define VOICE_BUFFER_SAMPLES 480
#define VOICE_RAMP_SAMPLES 240  /* 5 ms fades against clicks */

static void
voice_free (gpointer data)
{
  Voice *voice = data;

  g_rand_free (voice->rand);
  g_free (voice);
}

static void
voice_need_data_cb (GstElement *appsrc,
                    guint       length,
                    gpointer    user_data)
{
  Voice *voice = user_data;
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, VOICE_BUFFER_SAMPLES * sizeof (gint16), NULL);
  GstMapInfo map;
  gint16 *samples;
  GstFlowReturn ret;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  samples = (gint16 *) map.data;
  for (guint i = 0; i < VOICE_BUFFER_SAMPLES; i++)
    {
      if (voice->beep_left == 0 && voice->pause_left == 0)
        {
          voice->freq_hz = g_rand_double_range (voice->rand, voice->lo_hz, voice->hi_hz);
          voice->beep_len = voice->beep_left = g_rand_int_range (voice->rand, 40, 201) * (SAMPLE_RATE / 1000);
          voice->pause_left = g_rand_int_range (voice->rand, 40, 401) * (SAMPLE_RATE / 1000);
        }
      if (voice->beep_left > 0)
        {
          guint pos = voice->beep_len - voice->beep_left;
          double gain = 0.4;

          if (pos < VOICE_RAMP_SAMPLES)
            gain *= (double) pos / VOICE_RAMP_SAMPLES;
          else if (voice->beep_left < VOICE_RAMP_SAMPLES)
            gain *= (double) voice->beep_left / VOICE_RAMP_SAMPLES;
          samples[i] = (gint16) (gain * 32767.0 * sin (voice->phase));
          voice->phase = fmod (voice->phase + 2.0 * G_PI * voice->freq_hz / SAMPLE_RATE, 2.0 * G_PI);
          voice->beep_left--;
        }
      else
        {
          samples[i] = 0;
          voice->phase = 0;
          voice->pause_left--;
        }
    }
  gst_buffer_unmap (buffer, &map);
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (voice->n_samples, GST_SECOND, SAMPLE_RATE);
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (VOICE_BUFFER_SAMPLES, GST_SECOND, SAMPLE_RATE);
  voice->n_samples += VOICE_BUFFER_SAMPLES;
  g_signal_emit_by_name (appsrc, "push-buffer", buffer, &ret);
  gst_buffer_unref (buffer);
}

BatonTestTone *
baton_test_voice_start (const char *sink_node,
                        double      lo_hz,
                        double      hi_hz)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *desc = NULL;
  g_autoptr(GstElement) appsrc = NULL;
  const char *seed_env = g_getenv ("BATON_TEST_VOICE_SEED");
  guint32 seed;
  BatonTestTone *tone;
  Voice *voice;

  g_return_val_if_fail (sink_node != NULL, NULL);
  g_return_val_if_fail (0 < lo_hz && lo_hz < hi_hz, NULL);

  ensure_gst ();
  seed = seed_env != NULL ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : g_random_int ();
  g_test_message ("voice into %s: beeps of %.0f-%.0f Hz, seed %u (BATON_TEST_VOICE_SEED=%u repeats it)",
                  sink_node, lo_hz, hi_hz, seed, seed);
  voice = g_new0 (Voice, 1);
  voice->rand = g_rand_new_with_seed (seed);
  voice->lo_hz = lo_hz;
  voice->hi_hz = hi_hz;

  desc = g_strdup_printf ("appsrc name=voice is-live=true format=time emit-signals=true max-bytes=%u "
                          "  caps=audio/x-raw,format=S16LE,rate=%d,channels=1,layout=interleaved "
                          "! audioconvert ! audioresample "
                          "! pulsesink device=%s sync=false buffer-time=40000 latency-time=10000 "
                          "  client-name=baton-test-voice",
                          (guint) (4 * VOICE_BUFFER_SAMPLES * sizeof (gint16)), SAMPLE_RATE, sink_node);
  tone = g_new0 (BatonTestTone, 1);
  tone->pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  appsrc = gst_bin_get_by_name (GST_BIN (tone->pipeline), "voice");
  g_object_set_data_full (G_OBJECT (appsrc), "baton-test-voice", voice, voice_free);
  g_signal_connect (appsrc, "need-data", G_CALLBACK (voice_need_data_cb), voice);
  g_assert_cmpint (gst_element_set_state (tone->pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  return tone;
}

void
baton_test_tone_stop (BatonTestTone *tone)
{
  if (tone == NULL)
    return;
  gst_element_set_state (tone->pipeline, GST_STATE_NULL);
  gst_clear_object (&tone->pipeline);
  g_free (tone);
}

typedef struct
{
  BatonTestSpectrum *spectrum;
  GMainContext *context;
  guint duration_ms;
  guint skip_ms;
  guint skipped_ms;
  guint interval_ms;
  gboolean done;
  GError *error;
} Recording;

static void
add_magnitudes (Recording          *rec,
                const GstStructure *s)
{
  const GValue *magnitudes = gst_structure_get_value (s, "magnitude");
  guint n;

  if (magnitudes == NULL)
    return;
  n = gst_value_list_get_size (magnitudes);
  for (guint i = 0; i < n && i < N_BANDS; i++)
    {
      double db = g_value_get_float (gst_value_list_get_value (magnitudes, i));
      rec->spectrum->power[i] += pow (10.0, db / 10.0);
    }
  rec->spectrum->n_frames++;
}

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  Recording *rec = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ELEMENT:
      {
        const GstStructure *s = gst_message_get_structure (message);

        if (!gst_structure_has_name (s, "spectrum"))
          break;
        if (rec->skipped_ms < rec->skip_ms)
          {
            rec->skipped_ms += rec->interval_ms;
            break;
          }
        add_magnitudes (rec, s);
        if (rec->spectrum->n_frames * rec->interval_ms >= rec->duration_ms)
          rec->done = TRUE;
        break;
      }
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (message, &rec->error, NULL);
      rec->done = TRUE;
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  Recording *rec = user_data;

  rec->done = TRUE;
  return G_SOURCE_REMOVE;
}

/* Records @duration_ms of @node after dropping the first @skip_ms. */
static BatonTestSpectrum *
record (const char *node,
        gboolean    monitor,
        guint       duration_ms,
        guint       skip_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autofree char *desc = NULL;
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GSource) watch = NULL;
  Recording rec = { 0, };

  ensure_gst ();
  rec.spectrum = g_new0 (BatonTestSpectrum, 1);
  rec.duration_ms = duration_ms;
  rec.skip_ms = skip_ms;
  rec.interval_ms = 50;
  rec.context = g_main_context_ref_thread_default ();

  /* A sink is recorded from its monitor source, "NAME.monitor" */
  desc = g_strdup_printf ("pulsesrc device=%s%s client-name=baton-test-recorder "
                          "! audioconvert ! audioresample "
                          "! audio/x-raw,format=F32LE,rate=%d,channels=1 "
                          "! spectrum bands=%d threshold=%d interval=%" G_GUINT64_FORMAT " "
                          "  post-messages=true message-magnitude=true "
                          "! fakesink sync=false",
                          node, monitor ? ".monitor" : "", SAMPLE_RATE, N_BANDS,
                          (int) FLOOR_DB, (guint64) rec.interval_ms * GST_MSECOND);
  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);

  bus = gst_element_get_bus (pipeline);
  /* in the thread-default context (g_source_remove () knows only the global one) */
  watch = gst_bus_create_watch (bus);
  g_source_set_callback (watch, G_SOURCE_FUNC (bus_cb), &rec, NULL);
  g_source_attach (watch, rec.context);
  timeout = g_timeout_source_new (duration_ms + skip_ms + 5000);
  g_source_set_callback (timeout, timeout_cb, &rec, NULL);
  g_source_attach (timeout, rec.context);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    rec.done = TRUE;
  while (!rec.done)
    g_main_context_iteration (rec.context, TRUE);

  g_source_destroy (timeout);
  g_source_destroy (watch);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_main_context_unref (rec.context);

  if (rec.error != NULL)
    {
      g_test_message ("recording %s failed: %s", node, rec.error->message);
      g_clear_error (&rec.error);
    }
  for (guint i = 0; i < N_BANDS && rec.spectrum->n_frames > 0; i++)
    rec.spectrum->power[i] /= rec.spectrum->n_frames;

  g_test_message ("recorded %s%s: %u frames, peak %.0f Hz at %.1f dB", node,
                  monitor ? " (monitor)" : "", rec.spectrum->n_frames,
                  baton_test_spectrum_peak_hz (rec.spectrum),
                  baton_test_spectrum_peak_db (rec.spectrum));
  return rec.spectrum;
}

BatonTestSpectrum *
baton_test_record_speaker (const char *sink_node,
                           guint       duration_ms)
{
  g_return_val_if_fail (sink_node != NULL, NULL);
  return record (sink_node, TRUE, duration_ms, SKIP_MS);
}

BatonTestSpectrum *
baton_test_record_source (const char *source_node,
                          guint       duration_ms)
{
  g_return_val_if_fail (source_node != NULL, NULL);
  return record (source_node, FALSE, duration_ms, SKIP_MS);
}

guint
baton_test_spectrum_n_frames (BatonTestSpectrum *spectrum)
{
  return spectrum->n_frames;
}

static double
power_to_db (double power)
{
  return power > 0 ? MAX (10.0 * log10 (power), FLOOR_DB) : FLOOR_DB;
}

static guint
peak_band (BatonTestSpectrum *spectrum)
{
  guint best = 1;

  /* Band 0 holds DC: not a tone. */
  for (guint i = 1; i < N_BANDS; i++)
    if (spectrum->power[i] > spectrum->power[best])
      best = i;
  return best;
}

double
baton_test_spectrum_peak_hz (BatonTestSpectrum *spectrum)
{
  return (peak_band (spectrum) + 0.5) * BAND_HZ;
}

double
baton_test_spectrum_peak_db (BatonTestSpectrum *spectrum)
{
  return power_to_db (spectrum->power[peak_band (spectrum)]);
}

double
baton_test_spectrum_level_db (BatonTestSpectrum *spectrum,
                              double             hz)
{
  int center = (int) (hz / BAND_HZ);
  double best = 0;

  /* The window spreads a tone over a few neighbouring bands. */
  for (int i = MAX (center - 2, 1); i <= MIN (center + 2, N_BANDS - 1); i++)
    best = MAX (best, spectrum->power[i]);
  return power_to_db (best);
}

double
baton_test_spectrum_band_db (BatonTestSpectrum *spectrum,
                             double             lo_hz,
                             double             hi_hz)
{
  double power = 0;

  for (guint i = MAX ((guint) (lo_hz / BAND_HZ), 1); i < N_BANDS && i * BAND_HZ <= hi_hz; i++)
    power += spectrum->power[i];
  return power_to_db (power);
}

gboolean
baton_test_spectrum_has_band (BatonTestSpectrum *spectrum,
                              double             lo_hz,
                              double             hi_hz)
{
  return spectrum->n_frames > 0 && baton_test_spectrum_band_db (spectrum, lo_hz, hi_hz) >= TONE_MIN_DB;
}

gboolean
baton_test_spectrum_has_tone (BatonTestSpectrum *spectrum,
                              double             hz)
{
  double level;

  if (spectrum->n_frames == 0)
    return FALSE;
  level = baton_test_spectrum_level_db (spectrum, hz);
  /* Present, and within 20 dB of the strongest sound heard. */
  return level > TONE_MIN_DB && level > baton_test_spectrum_peak_db (spectrum) - 20.0;
}

gboolean
baton_test_spectrum_is_silent (BatonTestSpectrum *spectrum)
{
  return spectrum->n_frames > 0 && baton_test_spectrum_peak_db (spectrum) < SILENCE_MAX_DB;
}

void
baton_test_spectrum_free (BatonTestSpectrum *spectrum)
{
  g_free (spectrum);
}

/* Runs a PipeWire tool (pw-cli, pw-link) and returns whether it succeeded,
 * with its output in @out and @err if asked. Each run is limited to 10 s
 * (coreutils' timeout), so a wedged daemon fails the test with a message
 * instead of hanging it until meson kills it silently. */
static gboolean
run_tool (const char * const *tool_argv,
          char              **out,
          char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "timeout");
  g_ptr_array_add (argv, (gpointer) "10");
  for (guint i = 0; tool_argv[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) tool_argv[i]);
  g_ptr_array_add (argv, NULL);

  g_debug ("running %s %s", tool_argv[0], tool_argv[1]);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | (out == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0) |
                     (err == NULL ? G_SPAWN_STDERR_TO_DEV_NULL : 0),
                     NULL, NULL, out, err, &status, &error))
    g_error ("could not run %s: %s", tool_argv[0], error->message);
  if (g_spawn_check_wait_status (status, &error))
    return TRUE;
  g_debug ("%s %s: %s", tool_argv[0], tool_argv[1], error->message);
  return FALSE;
}

/* pw-cli ls Node prints blocks that start with "\tid N, type PipeWire:Interface:Node/3"
 * followed by the properties, among them `node.name = "NAME"`. */
static guint
find_node_id (const char *node_name)
{
  g_autofree char *out = NULL;
  g_autofree char *needle = g_strdup_printf ("node.name = \"%s\"", node_name);
  g_auto(GStrv) lines = NULL;
  guint id = 0;

  const char *argv[] = { "pw-cli", "ls", "Node", NULL };

  if (!run_tool (argv, &out, NULL) || out == NULL)
    return 0;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (g_str_has_prefix (line, "id "))
        id = (guint) g_ascii_strtoull (line + 3, NULL, 10);
      else if (strstr (line, needle) != NULL)
        return id;
    }
  return 0;
}

/* Links PipeWire has between @node's ports named @port_prefix… and
 * streams, in the direction @arrow ("|->": the node's output read by a
 * capture stream; "|<-": a playback stream feeding the node), from pw-link -l */
guint
baton_test_stream_links (const char *node,
                         const char *port_prefix,
                         const char *arrow)
{
  g_autofree char *out = NULL;
  g_autofree char *prefix = g_strdup_printf ("%s:%s", node, port_prefix);
  g_auto(GStrv) lines = NULL;
  gboolean in_port = FALSE;
  guint n = 0;

  g_assert_true (g_spawn_command_line_sync ("timeout 10 pw-link -l", &out, NULL, NULL, NULL));
  g_assert_nonnull (out);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] != ' ' && lines[i][0] != '\0')
        in_port = g_str_has_prefix (lines[i], prefix);
      else if (in_port && strstr (lines[i], arrow) != NULL)
        n++;
    }
  return n;
}

gboolean
baton_test_library_mapped (const char *library)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, library) != NULL;
}

guint
baton_test_running_capture_streams (void)
{
  guint all = 0, running = 0;
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *objects;

  g_assert_true (g_spawn_command_line_sync ("timeout 10 pw-dump", &out, NULL, NULL, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  objects = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (objects); i++)
    {
      JsonObject *object = json_array_get_object_element (objects, i);
      JsonObject *info, *props;
      const char *class, *state;
      gint64 pid = 0;
      JsonNode *pid_node;

      if (g_strcmp0 (json_object_get_string_member_with_default (object, "type", ""),
                     "PipeWire:Interface:Node") != 0 ||
          (info = json_object_get_object_member (object, "info")) == NULL ||
          (props = json_object_get_object_member (info, "props")) == NULL)
        continue;
      class = json_object_get_string_member_with_default (props, "media.class", "");
      pid_node = json_object_get_member (props, "application.process.id");
      if (pid_node != NULL && json_node_get_value_type (pid_node) == G_TYPE_STRING)
        pid = g_ascii_strtoll (json_node_get_string (pid_node), NULL, 10);
      else if (pid_node != NULL)
        pid = json_node_get_int (pid_node);
      if (!g_str_equal (class, "Stream/Input/Audio") || pid != getpid ())
        continue;
      state = json_object_get_string_member_with_default (info, "state", "");
      all++;
      if (g_str_equal (state, "running"))
        running++;
    }
  g_test_message ("capture streams of this process: %u, %u of them running", all, running);
  return running;
}

/* One line per node (id, state, name, stream name, error) and per link
 * (id, state, output node -> input node, error) of pw-dump's JSON */
static const char graph_awk[] =
    "/^  \\{/ { id = \"\"; type = \"\"; state = \"\"; name = \"\"; err = \"\"; mname = \"\"; o = \"\"; i = \"\" }\n"
    "/^    \"id\":/ { id = $2; gsub(/[^0-9]/, \"\", id) }\n"
    "/^    \"type\": \"PipeWire:Interface:/ { type = $0; sub(/.*Interface:/, \"\", type); sub(/\".*/, \"\", type) }\n"
    "/^      \"state\":/ { state = $2; gsub(/[\",]/, \"\", state) }\n"
    "/^      \"error\":/ { err = $0; sub(/.*\"error\": /, \"\", err); sub(/,$/, \"\", err) }\n"
    "/\"node.name\":/ { name = $0; sub(/.*\"node.name\": /, \"\", name); sub(/,$/, \"\", name) }\n"
    "/\"media.name\":/ { mname = $0; sub(/.*\"media.name\": /, \"\", mname); sub(/,$/, \"\", mname) }\n"
    "/^      \"output-node-id\":/ { o = $2; gsub(/,/, \"\", o) }\n"
    "/^      \"input-node-id\":/ { i = $2; gsub(/,/, \"\", i) }\n"
    "/^  \\}/ { if (type == \"Node\") print \"node\", id, state, name, mname, \"error\", err;\n"
    "          else if (type == \"Link\") print \"link\", id, state, o, \"->\", i, \"error\", err }\n";

void
baton_test_log_graph (void)
{
  g_autofree char *command = g_strdup_printf ("timeout 10 pw-dump | awk '%s'", graph_awk);
  const char *argv[] = { "sh", "-c", command, NULL };
  g_autofree char *out = NULL;

  if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, &out, NULL, NULL, NULL) && out != NULL)
    g_test_message ("PipeWire graph:\n%s", out);
}

gboolean
baton_test_wait_for_node (const char *node_name,
                          gboolean    present,
                          guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  GMainContext *context = g_main_context_get_thread_default ();

  do
    {
      if ((find_node_id (node_name) != 0) == present)
        return TRUE;
      /* Let the caller's main context breathe while we poll. */
      while (g_main_context_iteration (context, FALSE))
        ;
      g_usleep (20 * 1000);
    }
  while (g_get_monotonic_time () < deadline);
  return FALSE;
}

/* A node of the PipeWire daemon, made by its adapter around a
 * support.null-audio-sink. Such a node is a driver: it has a clock of its own,
 * so whatever is linked to it runs whether or not any other driver does.
 * object.linger keeps it after pw-cli exits; it goes with the device (or the
 * session's daemon).
 *
 * session.suspend-timeout-seconds=0: WirePlumber (0.4.13) suspends a node
 * idle for 5 s, and its timer outlives a node destroyed in between: it then
 * crashes (seen when devices came and went within seconds). A virtual
 * device has nothing to save by suspending anyway. */
static void
create_null_node (const char *name,
                  const char *description,
                  const char *media_class,
                  const char *positions)
{
  g_auto(GStrv) channels = g_strsplit (positions, " ", -1);
  g_autofree char *props = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "pw-cli", "create-node", "adapter", NULL, NULL };

  props = g_strdup_printf ("{ factory.name=support.null-audio-sink node.name=\"%s\" "
                           "node.description=\"%s\" media.class=%s "
                           "object.linger=true session.suspend-timeout-seconds=0 "
                           "audio.rate=%d audio.channels=%u "
                           "audio.position=[ %s ] }",
                           name, description, media_class, SAMPLE_RATE,
                           g_strv_length (channels), positions);
  argv[3] = props;
  if (!run_tool (argv, NULL, &err))
    g_error ("could not create the node %s: %s", name, err);
  if (!baton_test_wait_for_node (name, TRUE, 10000))
    g_error ("the node %s never appeared", name);
}

/* Links the port @output (node:port) to @input. The ports of a new node
 * appear once WirePlumber has configured it, so this retries until then;
 * pw-link makes the link linger after it exits. */
static void
link_ports (const char *output,
            const char *input)
{
  const char *argv[] = { "pw-link", output, input, NULL };
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GMainContext *context = g_main_context_get_thread_default ();

  while (TRUE)
    {
      if (run_tool (argv, NULL, NULL))
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("could not link %s to %s", output, input);
      while (g_main_context_iteration (context, FALSE))
        ;
      g_usleep (20 * 1000);
    }
}

static void
destroy_node (const char *node_name)
{
  guint id = find_node_id (node_name);

  if (id != 0)
    {
      g_autofree char *id_str = g_strdup_printf ("%u", id);
      const char *argv[] = { "pw-cli", "destroy", id_str, NULL };

      run_tool (argv, NULL, NULL);
    }
  if (!baton_test_wait_for_node (node_name, FALSE, 10000))
    g_test_message ("the node %s is still there", node_name);
}

/* Not a pw-loopback: both halves of a loopback are followers, and PipeWire
 * (0.3.65) parks followers that no driver is linked to on whatever driver
 * runs at the moment (the dummy driver, or a virtual speaker a call plays
 * to). Every call started or ended moved every such microphone from one
 * driver to another, and now and then one move left the loopback's source
 * half out of the cycle: the microphone gave nothing, for good, with all its
 * links still active. Two null sinks are drivers and never move. */
BatonTestDevice *
baton_test_device_add_microphone (const char *name,
                                  const char *description)
{
  g_autofree char *input_description = NULL;
  g_autofree char *monitor_port = NULL;
  g_autofree char *input_port = NULL;
  BatonTestDevice *device;

  g_return_val_if_fail (name != NULL, NULL);
  description = description ? description : name;

  device = g_new0 (BatonTestDevice, 1);
  device->name = g_strdup (name);
  device->node = g_strdup_printf ("%s-input", name);
  input_description = g_strdup_printf ("%s input", description);

  create_null_node (device->node, input_description, "Audio/Sink", "MONO");
  create_null_node (device->name, description, "Audio/Source/Virtual", "MONO");
  monitor_port = g_strdup_printf ("%s:monitor_MONO", device->node);
  input_port = g_strdup_printf ("%s:input_MONO", device->name);
  link_ports (monitor_port, input_port);
  return device;
}

BatonTestDevice *
baton_test_device_add_speaker (const char *name,
                               const char *description)
{
  BatonTestDevice *device;

  g_return_val_if_fail (name != NULL, NULL);
  description = description ? description : name;

  create_null_node (name, description, "Audio/Sink", "FL FR");
  device = g_new0 (BatonTestDevice, 1);
  device->name = g_strdup (name);
  device->node = g_strdup (name);
  device->is_speaker = TRUE;
  return device;
}

BatonTestTone *
baton_test_device_play_tone (BatonTestDevice *microphone,
                             double           freq_hz)
{
  g_return_val_if_fail (microphone != NULL && !microphone->is_speaker, NULL);

  for (guint attempt = 0; attempt < 3; attempt++)
    {
      BatonTestTone *tone = baton_test_tone_start (microphone->node, freq_hz);

      for (guint i = 0; i < 10; i++)
        {
          /* the tone's presence is all that counts: no ramp-up to skip */
          g_autoptr(BatonTestSpectrum) s = record (microphone->name, FALSE, 100, 0);

          if (baton_test_spectrum_has_tone (s, freq_hz))
            return tone;
        }
      g_test_message ("the %.0f Hz tone did not reach %s; starting it again", freq_hz,
                      microphone->name);
      baton_test_log_graph ();
      baton_test_tone_stop (tone);
    }
  g_error ("the %.0f Hz tone never reached the microphone %s", freq_hz, microphone->name);
  return NULL;
}

/* An acoustic echo path: what @speaker plays reaches @microphone (its left
 * channel, at the level it was played), like a loudspeaker the microphone
 * hears. */
void
baton_test_device_set_echo (BatonTestDevice *speaker,
                            BatonTestDevice *microphone,
                            gboolean         echo)
{
  g_autofree char *output = NULL;
  g_autofree char *input = NULL;

  g_return_if_fail (speaker != NULL && speaker->is_speaker);
  g_return_if_fail (microphone != NULL && !microphone->is_speaker);

  output = g_strdup_printf ("%s:monitor_FL", speaker->node);
  input = g_strdup_printf ("%s:playback_MONO", microphone->node);
  if (echo)
    {
      link_ports (output, input);
    }
  else
    {
      const char *argv[] = { "pw-link", "-d", output, input, NULL };

      if (!run_tool (argv, NULL, NULL))
        g_error ("could not unlink %s from %s", output, input);
    }
}

const char *
baton_test_device_get_node (BatonTestDevice *device)
{
  return device->node;
}

const char *
baton_test_device_get_name (BatonTestDevice *device)
{
  return device->name;
}

void
baton_test_device_remove (BatonTestDevice *device)
{
  if (device == NULL)
    return;

  destroy_node (device->name);
  if (!device->is_speaker)
    destroy_node (device->node);
  g_free (device->name);
  g_free (device->node);
  g_free (device);
}

/* ------------------------------------------------------------------------ */
/* The sound server frozen                                                   */

#define FREEZE_BEAT_MS 50

struct _BatonTestFreeze
{
  pid_t server;
  pid_t thawer;             /* sends SIGCONT after ms, and exits */
  int thawer_status;
  gint64 last_beat_us;
  gint64 max_gap_us;
  gboolean thawed;          /* a beat came after the SIGCONT */
  GSource *beat;
};

/* pipewire-pulse of this session: the process at the other end of its
 * socket (the session's runtime directory is private to the test) */
static pid_t
pulse_server_pid (void)
{
  g_autofree char *path = g_build_filename (g_get_user_runtime_dir (), "pulse", "native", NULL);
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *comm_path = NULL;
  g_autofree char *comm = NULL;
  pid_t pid;

  g_assert_nonnull (g_getenv ("BATON_TEST_SESSION"));
  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  credentials = g_socket_get_credentials (socket, &error);
  g_assert_no_error (error);
  pid = g_credentials_get_unix_pid (credentials, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);

  comm_path = g_strdup_printf ("/proc/%d/comm", (int) pid);
  g_assert_true (g_file_get_contents (comm_path, &comm, NULL, NULL));
  g_assert_true (g_str_has_prefix (comm, "pipewire-pulse"));
  return pid;
}

static gboolean
freeze_beat_cb (gpointer user_data)
{
  BatonTestFreeze *freeze = user_data;
  gint64 now = g_get_monotonic_time ();

  if (!freeze->thawed)
    {
      freeze->max_gap_us = MAX (freeze->max_gap_us, now - freeze->last_beat_us);
      /* the first beat after the thawer sent its SIGCONT and exited */
      freeze->thawed = waitpid (freeze->thawer, &freeze->thawer_status, WNOHANG) == freeze->thawer;
    }
  freeze->last_beat_us = now;
  return G_SOURCE_CONTINUE;
}

BatonTestFreeze *
baton_test_pulse_freeze (guint ms)
{
  BatonTestFreeze *freeze = g_new0 (BatonTestFreeze, 1);

  freeze->server = pulse_server_pid ();
  freeze->beat = g_timeout_source_new (FREEZE_BEAT_MS);
  g_source_set_callback (freeze->beat, freeze_beat_cb, freeze, NULL);
  g_source_attach (freeze->beat, g_main_context_get_thread_default ());

  g_test_message ("freezing pipewire-pulse (pid %d) for %u ms", (int) freeze->server, ms);
  g_assert_cmpint (kill (freeze->server, SIGSTOP), ==, 0);
  freeze->last_beat_us = g_get_monotonic_time ();
  freeze->thawer = fork ();
  g_assert_cmpint (freeze->thawer, >=, 0);
  if (freeze->thawer == 0)
    {
      /* only async-signal-safe calls in the child of a threaded process */
      struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

      while (nanosleep (&t, &t) != 0)
        ;
      _exit (kill (freeze->server, SIGCONT) == 0 ? 0 : 1);
    }
  return freeze;
}

guint
baton_test_pulse_freeze_end (BatonTestFreeze *freeze)
{
  GMainContext *context = g_main_context_get_thread_default ();
  guint max_gap_ms;

  /* (no timing assertion: the beat comes every 50 ms; a main context
   * blocked meanwhile shows in the gap) */
  while (!freeze->thawed)
    g_main_context_iteration (context, TRUE);
  g_assert_true (WIFEXITED (freeze->thawer_status));
  g_assert_cmpint (WEXITSTATUS (freeze->thawer_status), ==, 0);

  g_source_destroy (freeze->beat);
  g_source_unref (freeze->beat);
  max_gap_ms = freeze->max_gap_us / 1000;
  g_test_message ("pipewire-pulse continued; the main context's largest gap while it was "
                  "stopped: %u ms", max_gap_ms);
  g_free (freeze);
  return max_gap_ms;
}
