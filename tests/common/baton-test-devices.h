/* baton-test-devices.h: finding and choosing the SDK's audio devices in tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A BatonDeviceManager lists a PipeWire node a moment after it appears (the
 * device monitors report it asynchronously), so tests that make virtual
 * devices (tests/common/baton-test-audio.h) wait for them here. Waiting
 * iterates the thread-default GMainContext.
 */
#pragma once

#include "baton.h"

G_BEGIN_DECLS

/* Iterates the thread-default main context until @check (@data) holds or
 * @timeout_ms passed; returns whether it holds. Not a timing assertion:
 * the timeout only turns a hang into a failure. */
gboolean          baton_test_wait_until_true (gboolean  (*check) (gpointer data),
                                              gpointer    data,
                                              guint       timeout_ms);

/* The device of @model (of BatonAudioDevice) whose id is @id, or NULL. The
 * model keeps it alive. */
BatonAudioDevice *baton_test_find_device     (GListModel *model,
                                              const char *id);

/* Waits up to 10 s for the device @id to be listed in @model (@present) or
 * to be gone from it; returns whether it came to be so. */
gboolean          baton_test_wait_for_device (GListModel *model,
                                              const char *id,
                                              gboolean    present);

/* Waits for the device @id in @model and returns it; fails the test if it
 * never shows. */
BatonAudioDevice *baton_test_get_device      (GListModel *model,
                                              const char *id);

/* Waits for the microphone @microphone_id and the speaker @speaker_id
 * (either may be NULL) and selects them in @devices. */
void              baton_test_select_devices  (BatonDeviceManager *devices,
                                              const char         *microphone_id,
                                              const char         *speaker_id);

G_END_DECLS
