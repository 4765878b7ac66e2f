/* bench-media.c: call setup time, mouth-to-ear latency, CPU and memory per call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run inside the test session (it needs PipeWire with virtual devices):
 *
 *   tests/session/baton-test-session BUILDDIR/bench/media/bench-media [--runs 20] [--calls 10]
 *
 * Two BatonMediaSessions per call, in this process, exchanging SDP and
 * candidates directly over loopback (no server): what the media layer costs.
 *
 * - setup: from creating both sessions to both CONNECTED (ICE + DTLS up and
 *   each decoding the other's audio), median of --runs calls.
 * - latency: GStreamer's audiolatency sends a click every second and times
 *   its return. Three loops in the same run: the raw PipeWire device loops
 *   (virtual microphone: its input sink → its source; virtual speaker: the
 *   sink → its monitor), and mouth-to-ear through a call (A's microphone
 *   input → A → B → B's speaker monitor), all with pulsesrc/pulsesink and
 *   20 ms buffers, like the SDK's device elements.
 * - resume (--resumes N): one call held and resumed N times; the time from
 *   resuming to the microphone's first buffer, and to steady capture.
 * - load: --calls calls at once with tones both ways (--held of them on
 *   hold); CPU time of this process over 10 s minus the same window without
 *   calls, and the growth of its resident memory.
 */
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <string.h>

#include <gst/gst.h>

#include "baton-audio-device-private.h"
#include "baton-device-manager-private.h"
#include "baton-media-session-private.h"
#include "baton-test-audio.h"

#define MIC_A "baton-bench-mic-a"
#define MIC_B "baton-bench-mic-b"
#define SPEAKER_A "baton-bench-speaker-a"
#define SPEAKER_B "baton-bench-speaker-b"

typedef struct
{
  BatonMediaSession *a;
  BatonMediaSession *b;
  char *offer;
  char *answer;
} Pair;

static BatonDeviceManager *devices_a, *devices_b;

GST_DEBUG_CATEGORY_STATIC (bench_trace);

/* --trace: the SDK's log lines go into GStreamer's debug log (category
 * "baton", level INFO), so they share its timestamps: with GST_DEBUG set
 * for the elements of interest, one timeline of a call setup. */
static GLogWriterOutput
trace_writer (GLogLevelFlags   level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  const char *domain = "", *message = "";

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
        message = fields[i].value;
    }
  gst_debug_log (bench_trace, GST_LEVEL_INFO, "", domain, 0, NULL, "%s", message);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_standard_streams (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

/* ------------------------------------------------------------------------ */

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_for (gboolean (*check) (gpointer),
          gpointer   data,
          guint      ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);

  while (!check (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);

  return check (data);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static void
spin (guint ms)
{
  wait_for (never, NULL, ms);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  guint n = values->len;

  if (n == 0)
    return NAN;
  g_array_sort (values, compare_double);
  if (n % 2)
    return g_array_index (values, double, n / 2);
  return (g_array_index (values, double, n / 2 - 1) + g_array_index (values, double, n / 2)) / 2;
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint i;

  if (sorted->len == 0)
    return NAN;
  i = MIN ((guint) (p * (sorted->len - 1) + 0.5), sorted->len - 1);
  return g_array_index (sorted, double, i);
}

/* ------------------------------------------------------------------------ */
/* Calls                                                                     */

static gboolean
device_listed (gpointer user_data)
{
  const char **args = user_data;
  GListModel *model = (GListModel *) args[0];

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BatonAudioDevice) device = g_list_model_get_item (model, i);
      if (g_str_equal (baton_audio_device_get_id (device), args[1]))
        return TRUE;
    }
  return FALSE;
}

static BatonAudioDevice *
get_device (GListModel *model,
            const char *id)
{
  const char *args[] = { (const char *) model, id };

  if (!wait_for (device_listed, args, 10000))
    g_error ("device %s not found", id);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BatonAudioDevice) device = g_list_model_get_item (model, i);
      if (g_str_equal (baton_audio_device_get_id (device), id))
        return device;
    }
  return NULL;
}

static void
to_b_cb (BatonMediaSession *session,
         guint              mline,
         const char        *candidate,
         Pair              *pair)
{
  baton_media_session_add_remote_candidate (pair->b, mline, candidate);
}

static void
to_a_cb (BatonMediaSession *session,
         guint              mline,
         const char        *candidate,
         Pair              *pair)
{
  baton_media_session_add_remote_candidate (pair->a, mline, candidate);
}

static void
answer_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Pair *pair = user_data;
  g_autoptr(GError) error = NULL;

  pair->answer = baton_media_session_create_answer_finish (BATON_MEDIA_SESSION (object), result, &error);
  if (pair->answer == NULL)
    g_error ("answer: %s", error->message);
  if (!baton_media_session_set_remote_answer (pair->a, pair->answer, &error))
    g_error ("remote answer: %s", error->message);
}

static void
offer_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Pair *pair = user_data;
  g_autoptr(GError) error = NULL;

  pair->offer = baton_media_session_create_offer_finish (BATON_MEDIA_SESSION (object), result, &error);
  if (pair->offer == NULL)
    g_error ("offer: %s", error->message);
  baton_media_session_create_answer_async (pair->b, pair->offer, NULL, answer_cb, pair);
}

static Pair *
pair_start (void)
{
  Pair *pair = g_new0 (Pair, 1);

  GST_CAT_INFO (bench_trace, "call start");
  pair->a = baton_media_session_new (devices_a, NULL);
  pair->b = baton_media_session_new (devices_b, NULL);
  g_signal_connect (pair->a, "local-candidate", G_CALLBACK (to_b_cb), pair);
  g_signal_connect (pair->b, "local-candidate", G_CALLBACK (to_a_cb), pair);
  baton_media_session_create_offer_async (pair->a, NULL, offer_cb, pair);

  return pair;
}

static gboolean
pair_connected (gpointer data)
{
  Pair *pair = data;

  return baton_media_session_get_state (pair->a) == BATON_MEDIA_STATE_CONNECTED &&
         baton_media_session_get_state (pair->b) == BATON_MEDIA_STATE_CONNECTED;
}

static void
pair_free (Pair *pair)
{
  baton_media_session_close (pair->a);
  baton_media_session_close (pair->b);
  g_object_unref (pair->a);
  g_object_unref (pair->b);
  g_free (pair->offer);
  g_free (pair->answer);
  g_free (pair);
}

static void
bench_setup (guint runs)
{
  g_autoptr(GArray) total = g_array_new (FALSE, FALSE, sizeof (double));
  guint failures = 0;

  for (guint i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      Pair *pair = pair_start ();

      if (wait_for (pair_connected, pair, 10000))
        {
          double ms = (g_get_monotonic_time () - start) / 1000.0;

          GST_CAT_INFO (bench_trace, "call connected after %.1f ms", ms);
          g_array_append_val (total, ms);
        }
      else
        failures++;

      pair_free (pair);
      spin (200);
    }

  median (total);   /* sorts */
  g_print ("setup: median %.1f ms, p10 %.1f ms, p90 %.1f ms over %u calls (%u failed)\n",
           median (total), percentile (total, 0.1), percentile (total, 0.9), total->len, failures);
}

/* ------------------------------------------------------------------------ */
/* Latency                                                                   */

/* audiolatency clicks into @sink_device, listens on @source_device; adds
 * @runs round trips in ms to @values. */
static void
measure_loop (const char *sink_device,
              const char *source_device,
              guint       runs,
              GArray     *values)
{
  g_autofree char *desc = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) latency = NULL;
  g_autoptr(GError) error = NULL;
  gint64 last = 0;
  gint64 deadline;
  guint got = 0;

  desc = g_strdup_printf ("audiolatency name=l ! audioconvert ! audioresample "
                          "! pulsesink device=%s buffer-time=20000 latency-time=10000 "
                          "pulsesrc device=%s buffer-time=20000 latency-time=10000 "
                          "! audioconvert ! audioresample ! l.",
                          sink_device, source_device);
  pipeline = gst_parse_launch (desc, &error);
  if (pipeline == NULL)
    g_error ("%s: %s", desc, error->message);
  latency = gst_bin_get_by_name (GST_BIN (pipeline), "l");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  /* one click a second; the first ones find the loop still settling */
  spin (2500);
  deadline = g_get_monotonic_time () + (2 * runs + 5) * G_USEC_PER_SEC;
  while (got < runs && g_get_monotonic_time () < deadline)
    {
      gint64 value = 0;

      spin (50);
      g_object_get (latency, "last-latency", &value, NULL);
      if (value > 0 && value != last)
        {
          double ms = value / 1000.0;
          g_array_append_val (values, ms);
          last = value;
          got++;
        }
    }

  gst_element_set_state (pipeline, GST_STATE_NULL);
}

static double
report (const char *label,
        GArray     *values)
{
  double result = median (values);   /* sorts */

  g_print ("latency %s: median %.1f ms, p10 %.1f ms, p90 %.1f ms over %u clicks\n",
           label, result, percentile (values, 0.1), percentile (values, 0.9), values->len);
  return result;
}

/* The latency of B's jitter buffer (the adaptive one: what it came to) */
static guint
jitter_latency_ms (BatonMediaSession *session)
{
  g_autoptr(GstIterator) it = gst_bin_iterate_recurse (baton_media_session_get_pipeline (session));
  g_auto(GValue) item = G_VALUE_INIT;
  guint ms = 0;

  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElementFactory *factory = gst_element_get_factory (g_value_get_object (&item));

      if (factory != NULL && g_str_equal (GST_OBJECT_NAME (factory), "rtpjitterbuffer"))
        g_object_get (g_value_get_object (&item), "latency", &ms, NULL);
      g_value_reset (&item);
    }
  return ms;
}

/* The raw loops once each; the call over several calls (a call keeps the
 * delay it started with, which varies by some 10-20 ms from call to call),
 * @runs clicks in all. */
static void
bench_latency (guint runs,
               guint calls)
{
  g_autofree char *mic_input = g_strdup_printf ("%s-input", MIC_A);
  g_autofree char *monitor_b = g_strdup_printf ("%s.monitor", SPEAKER_B);
  g_autoptr(GArray) mic_values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) speaker_values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) call_values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) call_medians = g_array_new (FALSE, FALSE, sizeof (double));
  double mic_loop, speaker_loop, call;

  calls = CLAMP (calls, 1, runs);

  measure_loop (mic_input, MIC_A, runs, mic_values);
  mic_loop = report ("raw loop, virtual microphone (input sink -> source)", mic_values);
  measure_loop (SPEAKER_B, monitor_b, runs, speaker_values);
  speaker_loop = report ("raw loop, virtual speaker (sink -> monitor)", speaker_values);

  for (guint i = 0; i < calls; i++)
    {
      g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
      Pair *pair = pair_start ();
      guint jitter;
      double m;

      if (!wait_for (pair_connected, pair, 10000))
        g_error ("the call did not connect");
      measure_loop (mic_input, monitor_b, (runs + calls - 1) / calls, values);
      jitter = jitter_latency_ms (pair->b);
      pair_free (pair);
      g_array_append_vals (call_values, values->data, values->len);
      m = median (values);
      g_array_append_val (call_medians, m);
      g_print ("latency: call %u: median %.1f ms over %u clicks, B's jitter buffer at %u ms\n",
               i + 1, m, values->len, jitter);
    }
  call = report ("mouth-to-ear through a call (A's microphone input -> B's speaker monitor)", call_values);
  median (call_medians);   /* sorts */
  g_print ("latency: mouth-to-ear per call, medians from %.1f to %.1f ms over %u calls\n",
           g_array_index (call_medians, double, 0),
           g_array_index (call_medians, double, call_medians->len - 1), call_medians->len);

  g_print ("latency: the call adds %.1f ms to the raw microphone loop (ratio %.2f), "
           "%.1f ms to both raw loops together (ratio %.2f)\n",
           call - mic_loop, call / mic_loop, call - mic_loop - speaker_loop,
           call / (mic_loop + speaker_loop));
}

/* ------------------------------------------------------------------------ */
/* Load                                                                      */

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static double
rss_mib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return NAN;
  return g_ascii_strtod (line + strlen ("VmRSS:"), NULL) / 1024.0;
}

/* CPU share of one core over @seconds */
static double
cpu_share (guint seconds)
{
  double cpu = cpu_seconds ();
  gint64 start = g_get_monotonic_time ();

  spin (seconds * 1000);
  return (cpu_seconds () - cpu) / ((g_get_monotonic_time () - start) / 1e6);
}

/* @n_held of the calls on hold (both ends held, as BatonCall does) */
static void
bench_load (guint n_calls,
            guint n_held,
            guint load_seconds)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) pair_free);
  double idle_cpu, load_cpu, rss_before, rss_after;
  guint connected = 0;

  idle_cpu = cpu_share (10);
  rss_before = rss_mib ();

  for (guint i = 0; i < n_calls; i++)
    g_ptr_array_add (pairs, pair_start ());
  for (guint i = 0; i < n_calls; i++)
    connected += wait_for (pair_connected, g_ptr_array_index (pairs, i), 20000);
  for (guint i = 0; i < MIN (n_held, n_calls); i++)
    {
      Pair *pair = g_ptr_array_index (pairs, i);

      baton_media_session_set_held (pair->a, TRUE);
      baton_media_session_set_held (pair->b, TRUE);
    }
  spin (1000);

  /* for a profiler watching the output: the window starts */
  g_print ("load: measuring for %u s\n", load_seconds);
  fflush (stdout);
  load_cpu = cpu_share (load_seconds);
  rss_after = rss_mib ();

  g_print ("load: %u of %u calls connected (each: two sessions, both ends in this process), %u of them held\n",
           connected, n_calls, MIN (n_held, n_calls));
  g_print ("load: CPU %.1f %% of one core without calls, %.1f %% with them: "
           "%.2f %% per call, %.2f %% per session (one party)\n",
           idle_cpu * 100, load_cpu * 100,
           (load_cpu - idle_cpu) * 100 / n_calls, (load_cpu - idle_cpu) * 100 / (2 * n_calls));
  g_print ("load: resident memory %.1f MiB before, %.1f MiB with the calls: "
           "%.2f MiB per call, %.2f MiB per session\n",
           rss_before, rss_after, (rss_after - rss_before) / n_calls,
           (rss_after - rss_before) / (2 * n_calls));
}

/* ------------------------------------------------------------------------ */
/* Resume: the microphone's first buffers after a hold                        */

typedef struct
{
  GMutex lock;
  GArray *times;   /* gint64, monotonic us of each captured buffer */
} Capture;

static GstPadProbeReturn
capture_cb (GstPad          *pad,
            GstPadProbeInfo *info,
            gpointer         user_data)
{
  Capture *capture = user_data;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&capture->lock);
  g_array_append_val (capture->times, now);
  g_mutex_unlock (&capture->lock);
  return GST_PAD_PROBE_OK;
}

/* The pad where the session's microphone enters its send chain: the
 * input-selector's first sink pad */
static GstPad *
microphone_pad (BatonMediaSession *session)
{
  GstBin *pipeline = baton_media_session_get_pipeline (session);
  g_autoptr(GstIterator) it = gst_bin_iterate_elements (pipeline);
  GValue item = G_VALUE_INIT;
  GstPad *pad = NULL;

  while (pad == NULL && gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);
      GstElementFactory *factory = gst_element_get_factory (element);

      if (factory != NULL && g_str_equal (GST_OBJECT_NAME (factory), "input-selector"))
        pad = gst_element_get_static_pad (element, "sink_0");
      g_value_reset (&item);
    }
  g_value_unset (&item);
  if (pad == NULL)
    g_error ("no input-selector in the session");
  return pad;
}

/* @runs times: both ends held for @held_ms, then resumed; for A's
 * microphone, the time from resuming to its first buffer, and to the
 * start of steady capture (the first buffer after which none is more than
 * 100 ms late for 1 s), within 6 s. */
static void
bench_resume (guint runs,
              guint held_ms)
{
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) steady = g_array_new (FALSE, FALSE, sizeof (double));
  Capture capture = { 0, };
  g_autoptr(GstPad) pad = NULL;
  Pair *pair = pair_start ();
  guint never = 0;
  gulong probe;

  if (!wait_for (pair_connected, pair, 10000))
    g_error ("the call did not connect");
  g_mutex_init (&capture.lock);
  capture.times = g_array_new (FALSE, FALSE, sizeof (gint64));
  pad = microphone_pad (pair->a);
  probe = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, capture_cb, &capture, NULL);
  spin (1000);

  for (guint i = 0; i < runs; i++)
    {
      gint64 resumed;
      double first_ms = NAN, steady_ms = NAN;
      guint n;

      baton_media_session_set_held (pair->a, TRUE);
      baton_media_session_set_held (pair->b, TRUE);
      spin (held_ms);
      g_mutex_lock (&capture.lock);
      g_array_set_size (capture.times, 0);
      g_mutex_unlock (&capture.lock);

      GST_CAT_INFO (bench_trace, "resume %u", i);
      resumed = g_get_monotonic_time ();
      baton_media_session_set_held (pair->a, FALSE);
      baton_media_session_set_held (pair->b, FALSE);
      spin (6000);

      g_mutex_lock (&capture.lock);
      n = capture.times->len;
      if (n > 0)
        first_ms = (g_array_index (capture.times, gint64, 0) - resumed) / 1000.0;
      for (guint j = 0; j < n && isnan (steady_ms); j++)
        {
          gint64 start = g_array_index (capture.times, gint64, j);
          gboolean ok = TRUE;
          guint k;

          for (k = j + 1; k < n && g_array_index (capture.times, gint64, k) - start < G_USEC_PER_SEC; k++)
            if (g_array_index (capture.times, gint64, k) - g_array_index (capture.times, gint64, k - 1) >
                100 * G_TIME_SPAN_MILLISECOND)
              ok = FALSE;
          /* and the second is complete */
          if (ok && k < n)
            steady_ms = (start - resumed) / 1000.0;
        }
      g_mutex_unlock (&capture.lock);

      g_print ("resume %u: first buffer after %.1f ms, steady after %.1f ms (%u buffers in 6 s)\n",
               i, first_ms, steady_ms, n);
      if (isnan (steady_ms))
        {
          never++;
          steady_ms = 6000;
        }
      if (isnan (first_ms))
        first_ms = 6000;
      g_array_append_val (first, first_ms);
      g_array_append_val (steady, steady_ms);
    }

  gst_pad_remove_probe (pad, probe);
  pair_free (pair);
  g_clear_pointer (&capture.times, g_array_unref);
  g_mutex_clear (&capture.lock);

  median (first);
  median (steady);
  g_print ("resume: first buffer median %.1f ms, p90 %.1f, max %.1f; steady capture median %.1f ms, "
           "p90 %.1f, max %.1f (%u of %u never steady in 6 s, counted as 6000)\n",
           median (first), percentile (first, 0.9), g_array_index (first, double, first->len - 1),
           median (steady), percentile (steady, 0.9), g_array_index (steady, double, steady->len - 1),
           never, runs);
}

/* ------------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  int runs = 20, calls = 10, latency_calls = 5, held = 0, resumes = 0, load_seconds = 10;
  gboolean skip_latency = FALSE, skip_load = FALSE, skip_setup = FALSE, trace = FALSE;
  GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Repetitions for setup and latency (20)", "N" },
    { "calls", 0, 0, G_OPTION_ARG_INT, &calls, "Simultaneous calls for the load test (10)", "N" },
    { "held", 0, 0, G_OPTION_ARG_INT, &held, "Calls of the load test on hold (0)", "N" },
    { "load-seconds", 0, 0, G_OPTION_ARG_INT, &load_seconds, "The load test's measuring window (10)", "S" },
    { "resumes", 0, 0, G_OPTION_ARG_INT, &resumes,
      "Hold and resume one call N times, timing the microphone's return (0: not run)", "N" },
    { "latency-calls", 0, 0, G_OPTION_ARG_INT, &latency_calls, "Calls the mouth-to-ear clicks are spread over (5)", "N" },
    { "no-setup", 0, 0, G_OPTION_ARG_NONE, &skip_setup, "Skip the setup benchmark", NULL },
    { "no-latency", 0, 0, G_OPTION_ARG_NONE, &skip_latency, "Skip the latency benchmark", NULL },
    { "no-load", 0, 0, G_OPTION_ARG_NONE, &skip_load, "Skip the load benchmark", NULL },
    { "trace", 0, 0, G_OPTION_ARG_NONE, &trace,
      "The SDK's log into GStreamer's debug log (with GST_DEBUG=baton:4,..., BATON_LOG_LEVEL=verbose)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- Baton media benchmarks");
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonTestDevice) mic_a = NULL;
  g_autoptr(BatonTestDevice) mic_b = NULL;
  g_autoptr(BatonTestDevice) speaker_a = NULL;
  g_autoptr(BatonTestDevice) speaker_b = NULL;
  g_autoptr(BatonTestTone) tone_a = NULL;
  g_autoptr(BatonTestTone) tone_b = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  GST_DEBUG_CATEGORY_INIT (bench_trace, "baton", 0, "the SDK's log, with --trace");
  if (trace)
    g_log_set_writer_func (trace_writer, NULL, NULL);
  if (g_getenv ("BATON_TEST_MIC") == NULL)
    {
      g_printerr ("Run inside the test session: tests/session/baton-test-session %s\n", argv[0]);
      return 2;
    }

  mic_a = baton_test_device_add_microphone (MIC_A, "Bench Mic A");
  mic_b = baton_test_device_add_microphone (MIC_B, "Bench Mic B");
  speaker_a = baton_test_device_add_speaker (SPEAKER_A, "Bench Speaker A");
  speaker_b = baton_test_device_add_speaker (SPEAKER_B, "Bench Speaker B");

  devices_a = baton_device_manager_new ();
  devices_b = baton_device_manager_new ();
  baton_device_manager_select_microphone (devices_a, get_device (baton_device_manager_get_microphones (devices_a), MIC_A));
  baton_device_manager_select_speaker (devices_a, get_device (baton_device_manager_get_speakers (devices_a), SPEAKER_A));
  baton_device_manager_select_microphone (devices_b, get_device (baton_device_manager_get_microphones (devices_b), MIC_B));
  baton_device_manager_select_speaker (devices_b, get_device (baton_device_manager_get_speakers (devices_b), SPEAKER_B));

  g_print ("GStreamer %s, %u CPUs; Opus 20 ms frames, adaptive jitter buffer (from 20 ms), speaker processing deadline 5 ms, "
           "pulsesrc/pulsesink 20 ms\n",
           gst_version_string (), g_get_num_processors ());

  if (!skip_latency)
    bench_latency (runs, latency_calls);

  tone_a = baton_test_tone_start (baton_test_device_get_node (mic_a), 440);
  tone_b = baton_test_tone_start (baton_test_device_get_node (mic_b), 1000);

  if (resumes > 0)
    bench_resume (resumes, 1000);
  if (!skip_setup)
    bench_setup (runs);
  if (!skip_load)
    bench_load (calls, MAX (held, 0), MAX (load_seconds, 1));

  g_clear_object (&devices_a);
  g_clear_object (&devices_b);

  return 0;
}
