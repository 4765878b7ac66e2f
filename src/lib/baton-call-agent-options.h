/* baton-call-agent-options.h: where and how an agent connects
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

#define BATON_TYPE_CALL_AGENT_OPTIONS (baton_call_agent_options_get_type ())

BATON_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BatonCallAgentOptions, baton_call_agent_options, BATON, CALL_AGENT_OPTIONS, GObject)

BATON_AVAILABLE_IN_ALL
BatonCallAgentOptions *baton_call_agent_options_new              (const char            *server_uri);
BATON_AVAILABLE_IN_ALL
const char            *baton_call_agent_options_get_server_uri   (BatonCallAgentOptions *self);
BATON_AVAILABLE_IN_ALL
void                   baton_call_agent_options_set_server_uri   (BatonCallAgentOptions *self,
                                                                  const char            *server_uri);
BATON_AVAILABLE_IN_ALL
const char            *baton_call_agent_options_get_display_name (BatonCallAgentOptions *self);
BATON_AVAILABLE_IN_ALL
void                   baton_call_agent_options_set_display_name (BatonCallAgentOptions *self,
                                                                  const char            *display_name);
BATON_AVAILABLE_IN_ALL
const char            *baton_call_agent_options_get_tls_ca_file  (BatonCallAgentOptions *self);
BATON_AVAILABLE_IN_ALL
void                   baton_call_agent_options_set_tls_ca_file  (BatonCallAgentOptions *self,
                                                                  const char            *tls_ca_file);
BATON_AVAILABLE_IN_ALL
const char * const    *baton_call_agent_options_get_ice_servers  (BatonCallAgentOptions *self);
BATON_AVAILABLE_IN_ALL
void                   baton_call_agent_options_set_ice_servers  (BatonCallAgentOptions *self,
                                                                  const char * const    *ice_servers);
BATON_AVAILABLE_IN_ALL
const char            *baton_call_agent_options_get_audio_source (BatonCallAgentOptions *self);
BATON_AVAILABLE_IN_ALL
void                   baton_call_agent_options_set_audio_source (BatonCallAgentOptions *self,
                                                                  const char            *audio_source);
BATON_AVAILABLE_IN_ALL
const char            *baton_call_agent_options_get_audio_sink   (BatonCallAgentOptions *self);
BATON_AVAILABLE_IN_ALL
void                   baton_call_agent_options_set_audio_sink   (BatonCallAgentOptions *self,
                                                                  const char            *audio_sink);

G_END_DECLS
