/* baton-forwarding-settings.h: where the service sends a user's calls
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(_BATON_INSIDE) && !defined(BATON_COMPILATION)
#error "Only <baton/baton.h> can be included directly."
#endif

#include <glib-object.h>

#include "baton-version.h"

G_BEGIN_DECLS

/**
 * BATON_FORWARDING_DEFAULT_UNANSWERED_TIMEOUT:
 *
 * The service's default of [property@ForwardingSettings:unanswered-timeout],
 * in seconds.
 */
#define BATON_FORWARDING_DEFAULT_UNANSWERED_TIMEOUT 20

/**
 * BATON_FORWARDING_MAX_UNANSWERED_TIMEOUT:
 *
 * The largest [property@ForwardingSettings:unanswered-timeout] the service
 * takes, in seconds.
 */
#define BATON_FORWARDING_MAX_UNANSWERED_TIMEOUT 300

#define BATON_TYPE_FORWARDING_SETTINGS (baton_forwarding_settings_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonForwardingSettings, baton_forwarding_settings, BATON, FORWARDING_SETTINGS, GObject)

BATON_AVAILABLE_IN_ALL
BatonForwardingSettings *baton_forwarding_settings_new                    (void);
BATON_AVAILABLE_IN_ALL
const char              *baton_forwarding_settings_get_always_target      (BatonForwardingSettings *self);
BATON_AVAILABLE_IN_ALL
void                     baton_forwarding_settings_set_always_target      (BatonForwardingSettings *self,
                                                                           const char              *user_id);
BATON_AVAILABLE_IN_ALL
const char              *baton_forwarding_settings_get_unanswered_target  (BatonForwardingSettings *self);
BATON_AVAILABLE_IN_ALL
void                     baton_forwarding_settings_set_unanswered_target  (BatonForwardingSettings *self,
                                                                           const char              *user_id);
BATON_AVAILABLE_IN_ALL
guint                    baton_forwarding_settings_get_unanswered_timeout (BatonForwardingSettings *self);
BATON_AVAILABLE_IN_ALL
void                     baton_forwarding_settings_set_unanswered_timeout (BatonForwardingSettings *self,
                                                                           guint                    seconds);

G_END_DECLS
