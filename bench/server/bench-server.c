/* bench-server.c: load generator for baton-server (a benchmark, not a test)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts the real server on loopback, connects N idle agents and P calling
 * pairs, and reports: agents held, server memory per connected agent (VmRSS
 * from /proc), call setups per second, and invite → call.accepted latency
 * (p50 / p99). Signaling only, synthetic SDP.
 *
 * The idle agents live in a thread of their own, spread over IDLE_CONTEXTS
 * GMainContexts (each with its own SoupSession), which it iterates without
 * blocking four times a second (--idle-pass-ms): they are real, registered WebSocket
 * connections that answer the server's pings, but the loop that drives the
 * calls does not walk their 10,000 sources, and no context keeps a poll-record
 * list thousands long (GLib walks it every time libsoup re-creates a
 * connection's input source, i.e. for every ping read: see
 * docs/PERFORMANCE.md). --idle-contexts 1 keeps them in one context (the
 * previous design), --idle-same-loop in the calls' loop (the first design).
 *
 * Pacing: each caller places its calls on a fixed schedule (one per pairs /
 * rate ms), not a fixed pause after the previous answer, so the offered rate
 * is the rate asked for whatever the latency (a caller whose call is still
 * being set up when the next is due places it as soon as the answer comes).
 * --pause-pacing restores the previous pause-after-answer pacing.
 *
 *   bench-server --server BUILDDIR/src/server/baton-server [--agents 10000] [--pairs 100] [--seconds 10]
 */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define IDLE_USERS 50
#define IDLE_CONTEXTS_DEFAULT 64
/* how often the idle agents' thread answers the pings that came (--idle-pass-ms) */
#define IDLE_PASS_MS 250
static int idle_pass_ms = IDLE_PASS_MS;
#define SDP "v=0\\r\\no=- 1 1 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\nm=audio 9 UDP/TLS/RTP/SAVPF 111\\r\\na=rtpmap:111 opus/48000/2\\r\\n"

typedef struct Agent Agent;
struct Agent
{
  SoupWebsocketConnection *ws;
  gint64 next_id;
  gboolean registered;
  gboolean caller;
  Agent *peer;
  char *peer_id;
  char *call_id;
  gint64 invite_sent;
  gint64 next_due;       /* monotonic µs: when the next call is due */
  int index;
};

static char *server_bin;
static char *data_dir;
static char *uri;
static GSubprocess *server_proc;
static guint registered_count;
static guint connect_failures;
static gboolean measuring;
static gboolean stopping;
static GArray *latencies;     /* double ms */
static GArray *samples;       /* Sample, for --trace */
static char *trace_path;
static guint setups;
static guint interval_ms;     /* between a caller's calls: pairs / rate */
static gint idle_registered;  /* atomic: idle agents registered (idle thread) */
static gint idle_failures;    /* atomic */
static gint idle_stop;        /* atomic */
static gboolean idle_same_loop;
static gboolean callers_first;
static gboolean pause_pacing;
static int idle_contexts = IDLE_CONTEXTS_DEFAULT;

/* one call setup as the generator saw it, CLOCK_MONOTONIC µs (the clock of
 * g_get_monotonic_time (), of `perf record -k CLOCK_MONOTONIC` and of the
 * server's own stall log), for --trace */
typedef struct
{
  gint64 invite_sent;
  gint64 accepted_read;
  int caller;
} Sample;

/* --slow-ms: the generator's own stalls, like the server's BATON_SERVER_SLOW_MS */
static double slow_ms;
static gint64 slow_left_wall, slow_left_cpu;
static GPollFunc real_poll;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gint
slow_poll (GPollFD *fds,
           guint    n_fds,
           gint     timeout)
{
  gint64 now = g_get_monotonic_time ();
  gint ret;

  if (slow_left_wall > 0 && now - slow_left_wall >= slow_ms * 1000)
    g_printerr ("generator slow: main-loop iteration took %.1f ms, %.1f ms of CPU (%" G_GINT64_FORMAT
                " → %" G_GINT64_FORMAT " µs, monotonic)\n", (now - slow_left_wall) / 1000.0,
                (thread_cpu_us () - slow_left_cpu) / 1000.0, slow_left_wall, now);
  ret = real_poll (fds, n_fds, timeout);
  slow_left_wall = g_get_monotonic_time ();
  slow_left_cpu = thread_cpu_us ();
  return ret;
}

static void
die (const char *what)
{
  g_printerr ("bench-server: %s\n", what);
  exit (1);
}

static void
run_cli (const char * const *args,
         char              **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, server_bin);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, data_dir);
  g_ptr_array_add (argv, NULL);
  p = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (p == NULL || !g_subprocess_communicate_utf8 (p, NULL, NULL, out, NULL, &error) ||
      g_subprocess_get_exit_status (p) != 0)
    die ("CLI failed");
  if (out)
    g_strstrip (*out);
}

static char *
add_user (const char *id)
{
  const char *add[] = { "user", "add", id, NULL };
  const char *tok[] = { "token", id, "--ttl", "3600", NULL };
  char *token = NULL;

  run_cli (add, NULL);
  run_cli (tok, &token);
  return token;
}

static gint64
rss_kb (void)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (server_proc));
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line ? g_ascii_strtoll (line + 6, NULL, 10) : -1;
}

/* CPU seconds used so far by the server and by this generator */
static double
server_cpu (void)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (server_proc));
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (after = strrchr (stat, ')')) == NULL)
    return 0;
  fields = g_strsplit (after + 2, " ", -1);
  /* fields 14 and 15 of stat (utime, stime), counted from the state field (3) */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static double
self_cpu (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void
send_json (Agent      *a,
           const char *fmt,
           ...) G_GNUC_PRINTF (2, 3);

static void
send_json (Agent      *a,
           const char *fmt,
           ...)
{
  va_list args;
  g_autofree char *body = NULL;
  g_autofree char *text = NULL;

  va_start (args, fmt);
  body = g_strdup_vprintf (fmt, args);
  va_end (args);
  text = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",%s}", a->next_id++, body);
  soup_websocket_connection_send_text (a->ws, text);
}

static void place_call (Agent *a);

static gboolean
place_call_cb (gpointer user_data)
{
  place_call (user_data);
  return G_SOURCE_REMOVE;
}

static void
place_call_later (Agent *a)
{
  gint64 now, wait_us;

  if (interval_ms == 0)
    {
      place_call (a);
      return;
    }
  if (pause_pacing)
    {
      g_timeout_add (interval_ms, place_call_cb, a);
      return;
    }
  /* on schedule: the next call is due one interval after the previous one was */
  a->next_due += (gint64) interval_ms * 1000;
  now = g_get_monotonic_time ();
  wait_us = a->next_due - now;
  if (wait_us < 1000)
    {
      if (wait_us < -(gint64) interval_ms * 1000)
        a->next_due = now; /* far behind: do not try to catch up in a burst */
      place_call (a);
    }
  else
    g_timeout_add ((guint) (wait_us / 1000), place_call_cb, a);
}

/* The messages are the server's compact JSON (json-glib writes "name":"value"
 * with no spaces, and escapes every quote inside a string, so "type":" can
 * only be a member's name): the generator finds the two members it needs by
 * their text instead of parsing each message into a tree. */
static gboolean
member_is (const char *data,
           gsize       len,
           const char *member_and_value)
{
  return g_strstr_len (data, len, member_and_value) != NULL;
}

static char *
member_string (const char *data,
               gsize       len,
               const char *member)
{
  g_autofree char *key = g_strdup_printf ("\"%s\":\"", member);
  const char *start = g_strstr_len (data, len, key);
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (key);
  end = memchr (start, '"', len - (start - data));
  return end ? g_strndup (start, end - start) : NULL;
}

static void
place_call (Agent *a)
{
  if (stopping)
    return;
  a->invite_sent = g_get_monotonic_time ();
  send_json (a, "\"type\":\"call.invite\",\"to\":\"%s\",\"sdp\":\"" SDP "\"", a->peer_id);
}

static void
message_cb (SoupWebsocketConnection *ws,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  Agent *a = user_data;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  if (!a->registered && member_is (data, len, "\"type\":\"ok\""))
    {
      a->registered = TRUE;
      registered_count++;
      return;
    }
  if (member_is (data, len, "\"type\":\"error\""))
    {
      g_printerr ("error: %.*s\n", (int) MIN (len, 200), data);
      return;
    }
  if (member_is (data, len, "\"type\":\"call.incoming\""))
    {
      g_autofree char *call_id = member_string (data, len, "call_id");

      send_json (a, "\"type\":\"call.accept\",\"call_id\":\"%s\",\"sdp\":\"" SDP "\"", call_id);
    }
  else if (a->caller && member_is (data, len, "\"type\":\"call.accepted\""))
    {
      double ms = (g_get_monotonic_time () - a->invite_sent) / 1000.0;
      g_autofree char *call_id = member_string (data, len, "call_id");

      if (measuring)
        {
          Sample sample = { a->invite_sent, g_get_monotonic_time (), a->index };

          g_array_append_val (latencies, ms);
          g_array_append_val (samples, sample);
          setups++;
        }
      send_json (a, "\"type\":\"call.hangup\",\"call_id\":\"%s\"", call_id);
      place_call_later (a);
    }
  else if (a->caller && member_is (data, len, "\"type\":\"call.ended\""))
    {
      /* a failed setup (should not happen): try again */
      place_call_later (a);
    }
}

/* ---- idle agents ---- */

static void
idle_message_cb (SoupWebsocketConnection *ws,
                 gint                     type,
                 GBytes                  *message,
                 gpointer                 user_data)
{
  Agent *a = user_data;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  /* the register reply is the only message an idle agent gets (pings aside) */
  if (!a->registered && g_strstr_len (data, len, "\"type\":\"ok\"") != NULL)
    {
      a->registered = TRUE;
      g_atomic_int_inc (&idle_registered);
    }
}

static void
idle_connected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Agent *a = user_data;
  g_autoptr(GError) error = NULL;

  a->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (a->ws == NULL)
    {
      g_atomic_int_inc (&idle_failures);
      g_printerr ("connect: %s\n", error->message);
      return;
    }
  g_signal_connect (a->ws, "message", G_CALLBACK (idle_message_cb), a);
  send_json (a, "\"type\":\"register\"");
}

static SoupSession *
new_session (void)
{
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return soup_session_new_with_options ("max-conns", G_MAXINT, "max-conns-per-host", G_MAXINT,
                                        "proxy-resolver", direct, "timeout", 0, NULL);
}

static void connect_agent_full (SoupSession *session, Agent *a, const char *token,
                                GAsyncReadyCallback callback);

typedef struct
{
  Agent *agents;
  int n;
  char **tokens;
} IdleJob;

/* Runs what is ready in one context, with it as thread-default (what
 * libsoup starts from its callbacks goes to the thread-default context). */
static void
idle_run (GMainContext *ctx,
          gboolean      may_block)
{
  g_main_context_push_thread_default (ctx);
  if (may_block)
    g_main_context_iteration (ctx, TRUE);
  else
    while (g_main_context_iteration (ctx, FALSE))
      ;
  g_main_context_pop_thread_default (ctx);
}

static void
idle_iterate (GMainContext **ctxs,
              int            n,
              gboolean       may_block)
{
  /* one context: wait in it; several: look at each in turn */
  if (n == 1)
    {
      idle_run (ctxs[0], may_block);
      return;
    }
  for (int c = 0; c < n; c++)
    idle_run (ctxs[c], FALSE);
  if (may_block)
    g_usleep (2 * 1000);
}

static void
idle_wait (GMainContext **ctxs,
           int            n_ctxs,
           int            target,
           int            seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (g_atomic_int_get (&idle_registered) + g_atomic_int_get (&idle_failures) < target &&
         g_get_monotonic_time () < end)
    idle_iterate (ctxs, n_ctxs, TRUE);
}

/* Connects the idle agents in batches, agent i in context i % n, then keeps
 * them alive: each pass dispatches whatever is ready (pings to answer)
 * without blocking. */
static gpointer
idle_thread (gpointer user_data)
{
  IdleJob *job = user_data;
  int n_ctxs = MAX (1, idle_contexts);
  g_autofree GMainContext **ctxs = g_new0 (GMainContext *, n_ctxs);
  g_autofree SoupSession **sessions = g_new0 (SoupSession *, n_ctxs);

  for (int c = 0; c < n_ctxs; c++)
    {
      ctxs[c] = g_main_context_new ();
      g_main_context_push_thread_default (ctxs[c]);
      sessions[c] = new_session ();
      g_main_context_pop_thread_default (ctxs[c]);
    }
  for (int i = 0; i < job->n; i++)
    {
      int c = i % n_ctxs;

      g_main_context_push_thread_default (ctxs[c]);
      connect_agent_full (sessions[c], &job->agents[i], job->tokens[i % IDLE_USERS], idle_connected_cb);
      g_main_context_pop_thread_default (ctxs[c]);
      if (i % 200 == 199)
        idle_wait (ctxs, n_ctxs, i + 1, 30);
    }
  idle_wait (ctxs, n_ctxs, job->n, 60);
  while (!g_atomic_int_get (&idle_stop))
    {
      for (int c = 0; c < n_ctxs; c++)
        idle_run (ctxs[c], FALSE);
      g_usleep (idle_pass_ms * 1000);
    }
  for (int i = 0; i < job->n; i++)
    g_clear_object (&job->agents[i].ws);
  for (int c = 0; c < n_ctxs; c++)
    {
      g_clear_object (&sessions[c]);
      g_main_context_unref (ctxs[c]);
    }
  return NULL;
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Agent *a = user_data;
  g_autoptr(GError) error = NULL;

  a->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (a->ws == NULL)
    {
      connect_failures++;
      g_printerr ("connect: %s\n", error->message);
      return;
    }
  {
    GIOStream *stream = soup_websocket_connection_get_io_stream (a->ws);

    if (G_IS_SOCKET_CONNECTION (stream))
      g_socket_set_option (g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)),
                           IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  }
  g_signal_connect (a->ws, "message", G_CALLBACK (message_cb), a);
  send_json (a, "\"type\":\"register\"");
}

static void
connect_agent_full (SoupSession         *session,
                    Agent               *a,
                    const char          *token,
                    GAsyncReadyCallback  callback)
{
  g_autofree char *http = g_strconcat ("http://", uri + 5, "/v1/agent", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", http);
  g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  a->next_id = 1;
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        callback, a);
}

static void
connect_agent (SoupSession *session,
               Agent       *a,
               const char  *token)
{
  connect_agent_full (session, a, token, connected_cb);
}

static void
wait_registered (guint target,
                 int   seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (registered_count + connect_failures < target && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

static int
cmp_sample_latency (gconstpointer a,
                    gconstpointer b)
{
  const Sample *x = a, *y = b;
  gint64 dx = x->accepted_read - x->invite_sent, dy = y->accepted_read - y->invite_sent;

  return dx > dy ? -1 : dx < dy;
}

/* --trace: every setup to a file; the slowest ten, and how many other setups
 * were in flight around each (a stall of one process holds up every call in
 * flight; a slow call on its own points at that call's path) */
static void
write_trace (gint64 t0)
{
  FILE *f = fopen (trace_path, "w");
  g_autoptr(GArray) sorted = NULL;

  if (f == NULL)
    {
      g_printerr ("cannot write %s\n", trace_path);
      return;
    }
  fprintf (f, "# invite_sent_us accepted_read_us latency_ms caller (CLOCK_MONOTONIC; call phase from %" G_GINT64_FORMAT ")\n", t0);
  for (guint i = 0; i < samples->len; i++)
    {
      Sample *s = &g_array_index (samples, Sample, i);

      fprintf (f, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %.3f %d\n", s->invite_sent,
               s->accepted_read, (s->accepted_read - s->invite_sent) / 1000.0, s->caller);
    }
  fclose (f);
  sorted = g_array_copy (samples);
  g_array_sort (sorted, cmp_sample_latency);
  g_print ("slowest setups (t from the call phase's start, ms):\n");
  for (guint i = 0; i < MIN (10, sorted->len); i++)
    {
      Sample *s = &g_array_index (sorted, Sample, i);
      guint over = 0;

      for (guint k = 0; k < samples->len; k++)
        {
          Sample *o = &g_array_index (samples, Sample, k);

          if (o->invite_sent < s->accepted_read && o->accepted_read > s->invite_sent &&
              o->accepted_read - o->invite_sent > 20000)
            over++;
        }
      g_print ("  invite t=%.1f  accepted t=%.1f  %.1f ms  caller %d  (%u setups over 20 ms overlap it)\n",
               (s->invite_sent - t0) / 1000.0, (s->accepted_read - t0) / 1000.0,
               (s->accepted_read - s->invite_sent) / 1000.0, s->caller, over);
    }
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static gboolean
flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (double seconds)
{
  gboolean done = FALSE;

  g_timeout_add ((guint) (seconds * 1000), flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  int n_agents = 10000, pairs = 100, seconds = 10, rate = 1000;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_bin, "baton-server binary", "PATH" },
    { "agents", 0, 0, G_OPTION_ARG_INT, &n_agents, "Idle agents to hold (default 10000)", "N" },
    { "pairs", 0, 0, G_OPTION_ARG_INT, &pairs, "Calling pairs (default 100)", "P" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Call phase length (default 10)", "S" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "Offered call setups per second, 0: as fast as possible (default 1000)", "R" },
    { "idle-same-loop", 0, 0, G_OPTION_ARG_NONE, &idle_same_loop, "Hold the idle agents in the calls' main loop (the old design)", NULL },
    { "callers-first", 0, 0, G_OPTION_ARG_NONE, &callers_first, "Connect the calling agents before the idle ones", NULL },
    { "idle-contexts", 0, 0, G_OPTION_ARG_INT, &idle_contexts, "GMainContexts the idle agents are spread over (default 64)", "N" },
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace_path, "Write every call setup of the call phase (invite sent, accepted read: CLOCK_MONOTONIC µs; caller) to FILE, and list the slowest", "FILE" },
    { "idle-pass-ms", 0, 0, G_OPTION_ARG_INT, &idle_pass_ms, "How often the idle agents answer their pings (default 250 ms)", "MS" },
    { "slow-ms", 0, 0, G_OPTION_ARG_DOUBLE, &slow_ms, "Log every iteration of the calls' main loop that takes MS or more (wall and CPU time)", "MS" },
    { "pause-pacing", 0, 0, G_OPTION_ARG_NONE, &pause_pacing, "Pause pairs / rate ms after each answer instead of calling on a schedule (the previous pacing)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- baton-server load generator");
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *idle_tokens[IDLE_USERS] = { 0 };
  Agent *idle, *callers;
  struct rlimit rl;
  gint64 rss0, rss1, rss2;
  double elapsed, cpu_server, cpu_self;
  gint64 t0;
  guint n_idle;
  IdleJob idle_job = { 0 };
  GThread *idle_holder = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    die (error->message);
  if (server_bin == NULL)
    server_bin = g_strdup (g_getenv ("BATON_SERVER"));
  if (server_bin == NULL)
    die ("--server PATH is required");

  /* both we and the server need a descriptor per agent */
  getrlimit (RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit (RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < (rlim_t) (n_agents + 2 * pairs) * 2 + 100)
    g_printerr ("warning: RLIMIT_NOFILE %lu may be too low\n", (unsigned long) rl.rlim_cur);

  data_dir = g_dir_make_tmp ("baton-bench-XXXXXX", &error);
  if (data_dir == NULL)
    die (error->message);
  {
    const char *args[] = { server_bin, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir, NULL };

    server_proc = g_subprocess_newv (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    if (server_proc == NULL)
      die (error->message);
    out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server_proc));
    line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
    if (line == NULL || !g_str_has_prefix (line, "listening on ws://"))
      die ("server did not start");
    uri = g_strdup (line + strlen ("listening on "));
  }

  g_print ("creating %d users…\n", IDLE_USERS + 2 * pairs);
  for (int i = 0; i < IDLE_USERS; i++)
    {
      g_autofree char *id = g_strdup_printf ("idle%d", i);

      idle_tokens[i] = add_user (id);
    }
  callers = g_new0 (Agent, 2 * pairs);
  session = new_session ();
  {
    g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);

    for (int i = 0; i < 2 * pairs; i++)
      {
        g_autofree char *id = g_strdup_printf ("u%d", i);

        g_ptr_array_add (tokens, add_user (id));
        callers[i].caller = i % 2 == 0;
        callers[i].index = i;
        callers[i].peer_id = g_strdup_printf ("u%d", i % 2 == 0 ? i + 1 : i - 1);
      }
    g_usleep (500 * 1000);
    rss0 = rss_kb ();

    /* --callers-first: the calling agents get the server's lowest descriptor
     * numbers (see docs/PERFORMANCE.md: GLib keeps its poll records in a
     * list sorted by descriptor, so this shortens the walks for them) */
    if (callers_first)
      {
        for (int i = 0; i < 2 * pairs; i++)
          connect_agent (session, &callers[i], tokens->pdata[i]);
        wait_registered (2 * pairs, 60);
      }

    /* idle agents, in batches so the accept queue keeps up */
    idle = g_new0 (Agent, n_agents);
    t0 = g_get_monotonic_time ();
    if (idle_same_loop)
      {
        for (int i = 0; i < n_agents; i++)
          {
            connect_agent (session, &idle[i], idle_tokens[i % IDLE_USERS]);
            if (i % 200 == 199)
              wait_registered (i + 1, 30);
          }
        wait_registered (n_agents, 60);
        n_idle = registered_count - (callers_first ? 2 * pairs : 0);
      }
    else
      {
        idle_job.agents = idle;
        idle_job.n = n_agents;
        idle_job.tokens = idle_tokens;
        idle_holder = g_thread_new ("idle-agents", idle_thread, &idle_job);
        while (g_atomic_int_get (&idle_registered) + g_atomic_int_get (&idle_failures) < n_agents &&
               (g_get_monotonic_time () - t0) < 600 * G_USEC_PER_SEC)
          run_for (0.05); /* callers already connected answer their pings */
        n_idle = g_atomic_int_get (&idle_registered);
      }
    elapsed = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
    run_for (1.0);
    rss1 = rss_kb ();
    if (idle_same_loop)
      g_print ("idle agents registered: %u of %d in %.1f s (in the calls' main loop)\n",
               n_idle, n_agents, elapsed);
    else
      g_print ("idle agents registered: %u of %d in %.1f s (in their own thread, %d contexts)\n",
               n_idle, n_agents, elapsed, MAX (1, idle_contexts));
    g_print ("server VmRSS: %" G_GINT64_FORMAT " kB before, %" G_GINT64_FORMAT " kB after → %.1f kB per agent\n",
             rss0, rss1, n_idle ? (double) (rss1 - rss0) / n_idle : 0.0);

    if (!callers_first)
      {
        for (int i = 0; i < 2 * pairs; i++)
          connect_agent (session, &callers[i], tokens->pdata[i]);
        wait_registered ((idle_same_loop ? n_idle : 0) + 2 * pairs, 60);
      }
    g_print ("calling agents registered: %d; server holds %u agents\n", 2 * pairs, n_idle + 2 * pairs);
  }

  /* calls: each caller loops invite → accepted → hangup */
  if (slow_ms > 0)
    {
      real_poll = g_main_context_get_poll_func (NULL);
      g_main_context_set_poll_func (NULL, slow_poll);
    }
  latencies = g_array_new (FALSE, FALSE, sizeof (double));
  samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  interval_ms = rate > 0 ? (guint) (1000.0 * pairs / rate) : 0;
  for (int i = 0; i < 2 * pairs; i += 2)
    {
      /* spread the first calls over one interval */
      if (interval_ms)
        {
          guint first = 1 + g_random_int_range (0, interval_ms);

          callers[i].next_due = g_get_monotonic_time () + (gint64) first * 1000;
          g_timeout_add (first, place_call_cb, &callers[i]);
        }
      else
        place_call (&callers[i]);
    }
  run_for (1.0); /* warm-up */
  measuring = TRUE;
  cpu_server = server_cpu ();
  cpu_self = self_cpu ();
  t0 = g_get_monotonic_time ();
  run_for (seconds);
  cpu_server = server_cpu () - cpu_server;
  cpu_self = self_cpu () - cpu_self;
  measuring = FALSE;
  elapsed = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  stopping = TRUE;
  rss2 = rss_kb ();
  g_array_sort (latencies, cmp_double);
  g_print ("call setups: %u in %.1f s → %.0f per second (%d pairs, offered %d/s%s)\n", setups, elapsed,
           setups / elapsed, pairs, rate, rate > 0 && pause_pacing ? ", paused after each answer" : "");
  if (latencies->len)
    g_print ("invite → call.accepted: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
             g_array_index (latencies, double, latencies->len / 2),
             g_array_index (latencies, double, (guint) (latencies->len * 0.99)),
             g_array_index (latencies, double, latencies->len - 1));
  g_print ("CPU during the call phase: server %.0f %%, generator %.0f %% (of one core)\n",
           100 * cpu_server / elapsed, 100 * cpu_self / elapsed);
  if (setups)
    g_print ("CPU per call setup: server %.3f ms, generator %.3f ms\n",
             1000 * cpu_server / setups, 1000 * cpu_self / setups);
  g_print ("server VmRSS during calls: %" G_GINT64_FORMAT " kB\n", rss2);
  if (trace_path)
    write_trace (t0);

  g_atomic_int_set (&idle_stop, 1);
  if (idle_holder)
    g_thread_join (idle_holder);
  {
    gint64 term = g_get_monotonic_time ();

    g_subprocess_send_signal (server_proc, SIGTERM);
    g_subprocess_wait (server_proc, NULL, NULL);
    g_print ("server exit after SIGTERM: %.2f s\n", (g_get_monotonic_time () - term) / (double) G_USEC_PER_SEC);
  }
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", data_dir);

    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", data_dir);
  }
  return 0;
}
