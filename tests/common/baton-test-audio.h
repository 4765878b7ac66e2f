/* baton-test-audio.h: tones, recordings and virtual devices for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * These run inside the test session (tests/session/baton-test-session), which
 * provides PipeWire with WirePlumber. Every function that waits iterates the
 * thread-default GMainContext meanwhile, so SDK objects attached to it go on
 * working during a recording.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BatonTestTone BatonTestTone;
typedef struct _BatonTestSpectrum BatonTestSpectrum;
typedef struct _BatonTestDevice BatonTestDevice;

/* Plays a sine tone into the PipeWire sink node @sink_node until stopped.
 * Feeding a virtual microphone's input sink makes the microphone "hear" it. */
BatonTestTone     *baton_test_tone_start            (const char *sink_node,
                                                     double      freq_hz);
/* Voice-like beeps (random frequencies in [@lo_hz, @hi_hz], random lengths
 * and pauses, from a seeded GRand: the seed is logged, and
 * BATON_TEST_VOICE_SEED sets it): what an echo test needs, a signal whose
 * past does not predict it (see the .c). Stop them with baton_test_tone_stop(). */
BatonTestTone     *baton_test_voice_start           (const char *sink_node,
                                                     double      lo_hz,
                                                     double      hi_hz);
void               baton_test_tone_stop             (BatonTestTone *tone);

/* Records @duration_ms of audio (after the first buffer arrives) and analyses it.
 * _speaker records the monitor of a sink node: what was played to a speaker.
 * _source records a source node: what a microphone picks up.
 * Never returns NULL; a recording that got no audio at all has no frames and
 * neither has a tone nor is silent. */
BatonTestSpectrum *baton_test_record_speaker        (const char *sink_node,
                                                     guint       duration_ms);
BatonTestSpectrum *baton_test_record_source         (const char *source_node,
                                                     guint       duration_ms);

guint              baton_test_spectrum_n_frames     (BatonTestSpectrum *spectrum);
double             baton_test_spectrum_peak_hz      (BatonTestSpectrum *spectrum);
double             baton_test_spectrum_peak_db      (BatonTestSpectrum *spectrum);
double             baton_test_spectrum_level_db     (BatonTestSpectrum *spectrum,
                                                     double             hz);
/* The power of all bands in [@lo_hz, @hi_hz] together (dBFS), and whether
 * it is at least a tone's: for baton_test_voice_start()'s beeps. */
double             baton_test_spectrum_band_db      (BatonTestSpectrum *spectrum,
                                                     double             lo_hz,
                                                     double             hi_hz);
gboolean           baton_test_spectrum_has_band     (BatonTestSpectrum *spectrum,
                                                     double             lo_hz,
                                                     double             hi_hz);
gboolean           baton_test_spectrum_has_tone     (BatonTestSpectrum *spectrum,
                                                     double             hz);
gboolean           baton_test_spectrum_is_silent    (BatonTestSpectrum *spectrum);
void               baton_test_spectrum_free         (BatonTestSpectrum *spectrum);

/* A virtual microphone: the Audio/Source/Virtual node @name, fed from the
 * monitor of the Audio/Sink node "@name-input" (play into it with
 * baton_test_tone_start() or baton_test_device_play_tone()). Both are
 * support.null-audio-sink nodes, drivers with a clock of their own, so the
 * microphone runs whatever else starts or stops. */
BatonTestDevice   *baton_test_device_add_microphone (const char *name,
                                                     const char *description);
/* A virtual speaker: a support.null-audio-sink named @name. */
BatonTestDevice   *baton_test_device_add_speaker    (const char *name,
                                                     const char *description);
/* Plays a tone into a virtual microphone and returns once the microphone is
 * heard carrying it. A stream that WirePlumber linked elsewhere (it can, for
 * a device made a moment ago) is started again; fails the test if the tone
 * never arrives. */
BatonTestTone     *baton_test_device_play_tone      (BatonTestDevice *microphone,
                                                     double           freq_hz);
/* With @echo, what @speaker plays is heard by @microphone (an acoustic echo
 * path, at full level); without, no longer. */
void               baton_test_device_set_echo       (BatonTestDevice *speaker,
                                                     BatonTestDevice *microphone,
                                                     gboolean         echo);
/* The node to feed (microphone) or record (speaker) for this device. */
const char        *baton_test_device_get_node       (BatonTestDevice *device);
/* The device's name as given: the node the SDK lists (for a microphone, its
 * source; for a speaker, the same as baton_test_device_get_node()). */
const char        *baton_test_device_get_name       (BatonTestDevice *device);
void               baton_test_device_remove         (BatonTestDevice *device);

/* Links between @node's ports named @port_prefix… and streams, in the
 * direction @arrow ("|->" capture, "|<-" playback), from pw-link -l */
guint              baton_test_stream_links          (const char *node,
                                                     const char *port_prefix,
                                                     const char *arrow);

/* How many of this process's capture streams in PipeWire run (pw-dump:
 * nodes of class Stream/Input/Audio whose application.process.id is ours,
 * in state "running", i.e. not corked); logs how many there are in all */
guint              baton_test_running_capture_streams (void);

/* Whether this process has a mapping whose path contains @library (e.g.
 * "libgstpipewire.so": which sound server's client a program loaded) */
gboolean           baton_test_library_mapped        (const char *library);

/* TRUE once a PipeWire node named @node_name exists (polls up to @timeout_ms). */
/* Logs PipeWire's graph (one line per node: id, state, name, stream name,
 * error; per link: state, output node -> input node, error): for failures */
void               baton_test_log_graph             (void);
gboolean           baton_test_wait_for_node         (const char *node_name,
                                                     gboolean    present,
                                                     guint       timeout_ms);

/* The test session's sound server (pipewire-pulse, found as the peer of
 * its socket in our own XDG_RUNTIME_DIR) stopped with SIGSTOP now, and
 * continued with SIGCONT @ms later by a child process (so whatever this
 * process does meanwhile, and even if it dies, the server is continued).
 * Meanwhile a timer every 50 ms on the thread-default main context notes
 * when it runs: baton_test_pulse_freeze_end() waits (iterating the context)
 * for the SIGCONT and returns the largest gap between two of its runs in
 * the frozen time, in ms — what a window or an agent's other calls would
 * have waited for the main context. */
typedef struct _BatonTestFreeze BatonTestFreeze;
BatonTestFreeze   *baton_test_pulse_freeze          (guint ms);
guint              baton_test_pulse_freeze_end      (BatonTestFreeze *freeze);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BatonTestTone, baton_test_tone_stop)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BatonTestSpectrum, baton_test_spectrum_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BatonTestDevice, baton_test_device_remove)

G_END_DECLS
