/* baton-remote-participant.h: the other party of a call
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(_BATON_INSIDE) && !defined(BATON_COMPILATION)
#error "Only <baton/baton.h> can be included directly."
#endif

#include <glib-object.h>

#include "baton-version.h"
#include "baton-enums.h"

G_BEGIN_DECLS

#define BATON_TYPE_REMOTE_PARTICIPANT (baton_remote_participant_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonRemoteParticipant, baton_remote_participant, BATON, REMOTE_PARTICIPANT, GObject)

BATON_AVAILABLE_IN_ALL
const char           *baton_remote_participant_get_id           (BatonRemoteParticipant *self);
BATON_AVAILABLE_IN_ALL
const char           *baton_remote_participant_get_display_name (BatonRemoteParticipant *self);
BATON_AVAILABLE_IN_ALL
BatonParticipantState baton_remote_participant_get_state        (BatonRemoteParticipant *self);
BATON_AVAILABLE_IN_ALL
gboolean              baton_remote_participant_get_is_muted     (BatonRemoteParticipant *self);

G_END_DECLS
