/* baton-remote-participant-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "baton-remote-participant.h"

G_BEGIN_DECLS

BatonRemoteParticipant *baton_remote_participant_new              (const char             *id,
                                                                   const char             *display_name);
void                    baton_remote_participant_set_id           (BatonRemoteParticipant *self,
                                                                   const char             *id);
void                    baton_remote_participant_set_display_name (BatonRemoteParticipant *self,
                                                                   const char             *display_name);
void                    baton_remote_participant_set_state        (BatonRemoteParticipant *self,
                                                                   BatonParticipantState   state);
void                    baton_remote_participant_set_is_muted     (BatonRemoteParticipant *self,
                                                                   gboolean                is_muted);

G_END_DECLS
