/* baton-demo-bots.h: the demo contacts' sounds, as GStreamer bin descriptions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by baton-demo-bots and its tests, so that a test can tell who it is
 * connected to by what it hears.
 */
#pragma once

/* What the echo test hears goes into an in-process channel of its own per
 * call, a second late, and comes back out as what it says. {call_id} is
 * replaced by libbaton with the call's id. */
#define BATON_DEMO_ECHO_SINK \
  "queue max-size-buffers=0 max-size-bytes=0 max-size-time=3000000000 min-threshold-time=1000000000 " \
  "! interaudiosink channel=baton-demo-echo-{call_id}"
#define BATON_DEMO_ECHO_SOURCE \
  "interaudiosrc channel=baton-demo-echo-{call_id} buffer-time=2000000000"

/* A colleague's sound: beeps of FREQ Hz (first %u), one every INTERVAL ns
 * (the %" G_GUINT64_FORMAT "), each PERIODS sine periods long (last %u). */
#define BATON_DEMO_TICKS_SOURCE \
  "audiotestsrc is-live=true wave=ticks volume=0.5 freq=%u tick-interval=%" G_GUINT64_FORMAT \
  " sine-periods-per-tick=%u"
