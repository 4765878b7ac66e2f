/* baton-call-agent-options.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton"

#include "config.h"

#include "baton-call-agent-options.h"
#include "baton-util-private.h"

/**
 * BatonCallAgentOptions:
 *
 * Where a [class@CallAgent] connects to, and how.
 */
struct _BatonCallAgentOptions
{
  GObject  parent_instance;

  char    *server_uri;
  char    *display_name;
  char    *tls_ca_file;
  GStrv    ice_servers;
  char    *audio_source;
  char    *audio_sink;
};

G_DEFINE_FINAL_TYPE (BatonCallAgentOptions, baton_call_agent_options, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URI,
  PROP_DISPLAY_NAME,
  PROP_TLS_CA_FILE,
  PROP_ICE_SERVERS,
  PROP_AUDIO_SOURCE,
  PROP_AUDIO_SINK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
baton_call_agent_options_finalize (GObject *object)
{
  BatonCallAgentOptions *self = (BatonCallAgentOptions *)object;

  g_clear_pointer (&self->server_uri, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->tls_ca_file, g_free);
  g_clear_pointer (&self->ice_servers, g_strfreev);
  g_clear_pointer (&self->audio_source, g_free);
  g_clear_pointer (&self->audio_sink, g_free);

  G_OBJECT_CLASS (baton_call_agent_options_parent_class)->finalize (object);
}

static void
baton_call_agent_options_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  BatonCallAgentOptions *self = BATON_CALL_AGENT_OPTIONS (object);

  switch (prop_id)
    {
    case PROP_SERVER_URI:
      g_value_set_string (value, self->server_uri);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_TLS_CA_FILE:
      g_value_set_string (value, self->tls_ca_file);
      break;
    case PROP_ICE_SERVERS:
      g_value_set_boxed (value, self->ice_servers);
      break;
    case PROP_AUDIO_SOURCE:
      g_value_set_string (value, self->audio_source);
      break;
    case PROP_AUDIO_SINK:
      g_value_set_string (value, self->audio_sink);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_call_agent_options_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  BatonCallAgentOptions *self = BATON_CALL_AGENT_OPTIONS (object);

  switch (prop_id)
    {
    case PROP_SERVER_URI:
      baton_call_agent_options_set_server_uri (self, g_value_get_string (value));
      break;
    case PROP_DISPLAY_NAME:
      baton_call_agent_options_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_TLS_CA_FILE:
      baton_call_agent_options_set_tls_ca_file (self, g_value_get_string (value));
      break;
    case PROP_ICE_SERVERS:
      baton_call_agent_options_set_ice_servers (self, g_value_get_boxed (value));
      break;
    case PROP_AUDIO_SOURCE:
      baton_call_agent_options_set_audio_source (self, g_value_get_string (value));
      break;
    case PROP_AUDIO_SINK:
      baton_call_agent_options_set_audio_sink (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_call_agent_options_class_init (BatonCallAgentOptionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = baton_call_agent_options_finalize;
  object_class->get_property = baton_call_agent_options_get_property;
  object_class->set_property = baton_call_agent_options_set_property;

  /**
   * BatonCallAgentOptions:server-uri:
   *
   * The calling service, `ws://HOST:PORT` or `wss://HOST:PORT`.
   */
  properties[PROP_SERVER_URI] =
    g_param_spec_string ("server-uri", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCallAgentOptions:display-name:
   *
   * This agent's name for the call log of the service, or %NULL. The
   * service keeps at most 256 bytes of it; a longer name is cut (at a
   * character) rather than refused.
   */
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCallAgentOptions:tls-ca-file:
   *
   * A PEM file with an extra certificate authority to trust for `wss://`,
   * for deployments with a self-signed certificate, or %NULL.
   */
  properties[PROP_TLS_CA_FILE] =
    g_param_spec_string ("tls-ca-file", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCallAgentOptions:ice-servers:
   *
   * STUN and TURN servers for the media of calls, as `stun://host:port` or
   * `turn://user:password@host:port` URIs, or %NULL for none (host
   * candidates only).
   */
  properties[PROP_ICE_SERVERS] =
    g_param_spec_boxed ("ice-servers", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCallAgentOptions:audio-source:
   *
   * Where the agent's calls take their audio from instead of the device
   * manager's selected microphone: a GStreamer bin description in
   * `gst-launch-1.0` syntax whose unlinked source pad gives raw audio, e.g.
   * `audiotestsrc is-live=true freq=440`. Every `{call_id}` in it is
   * replaced by a string unique to the call: the service's call id for an
   * incoming call, a local id for an outgoing one (whose service id is not
   * known yet when its audio starts) — the same string as in
   * [property@CallAgentOptions:audio-sink] for that call, so that the two
   * can be joined (e.g. `interaudiosrc channel=echo-{call_id}`).
   *
   * For programs that are not a person at a desk — bots, test rigs,
   * recorders — which must not open or appear as the user's devices. Such
   * audio is sent as it comes: no echo cancellation or noise suppression,
   * which are for a microphone in a room (an echo bot would otherwise have
   * what it plays back cancelled as an echo).
   * %NULL (the default) uses the selected microphone. A description that
   * does not parse gives silence (and a warning). Set it before calls
   * start; calls in progress keep what they started with.
   */
  properties[PROP_AUDIO_SOURCE] =
    g_param_spec_string ("audio-source", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonCallAgentOptions:audio-sink:
   *
   * Where the agent's calls play the peer's audio instead of the device
   * manager's selected speaker: a GStreamer bin description in
   * `gst-launch-1.0` syntax whose unlinked sink pad takes raw audio, e.g.
   * `fakesink sync=false`, with `{call_id}` replaced as for
   * [property@CallAgentOptions:audio-source]. %NULL (the default) uses the
   * selected speaker. A description that does not parse drops the audio
   * (and warns).
   */
  properties[PROP_AUDIO_SINK] =
    g_param_spec_string ("audio-sink", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
baton_call_agent_options_init (BatonCallAgentOptions *self)
{
}

/**
 * baton_call_agent_options_new:
 * @server_uri: the calling service, `ws://HOST:PORT` or `wss://HOST:PORT`
 *
 * Returns: (transfer full): new options for @server_uri
 */
BatonCallAgentOptions *
baton_call_agent_options_new (const char *server_uri)
{
  g_return_val_if_fail (server_uri != NULL, NULL);

  return g_object_new (BATON_TYPE_CALL_AGENT_OPTIONS,
                       "server-uri", server_uri,
                       NULL);
}

#define STRING_ACCESSORS(name, PROP)                                              \
const char *                                                                      \
baton_call_agent_options_get_##name (BatonCallAgentOptions *self)                 \
{                                                                                 \
  g_return_val_if_fail (BATON_IS_CALL_AGENT_OPTIONS (self), NULL);                \
  return self->name;                                                              \
}                                                                                 \
void                                                                              \
baton_call_agent_options_set_##name (BatonCallAgentOptions *self,                 \
                                     const char            *value)                \
{                                                                                 \
  g_return_if_fail (BATON_IS_CALL_AGENT_OPTIONS (self));                          \
  if (baton_set_str (&self->name, value))                                             \
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);                 \
}

/**
 * baton_call_agent_options_get_server_uri:
 * @self: a #BatonCallAgentOptions
 *
 * Returns: (nullable): the service URI
 */
/**
 * baton_call_agent_options_set_server_uri:
 * @self: a #BatonCallAgentOptions
 * @server_uri: (nullable): the service URI
 *
 * Sets [property@CallAgentOptions:server-uri].
 */
STRING_ACCESSORS (server_uri, PROP_SERVER_URI)

/**
 * baton_call_agent_options_get_display_name:
 * @self: a #BatonCallAgentOptions
 *
 * Returns: (nullable): the display name of the agent
 */
/**
 * baton_call_agent_options_set_display_name:
 * @self: a #BatonCallAgentOptions
 * @display_name: (nullable): the display name of the agent
 *
 * Sets [property@CallAgentOptions:display-name].
 */
STRING_ACCESSORS (display_name, PROP_DISPLAY_NAME)

/**
 * baton_call_agent_options_get_tls_ca_file:
 * @self: a #BatonCallAgentOptions
 *
 * Returns: (nullable) (type filename): the extra CA file
 */
/**
 * baton_call_agent_options_set_tls_ca_file:
 * @self: a #BatonCallAgentOptions
 * @tls_ca_file: (nullable) (type filename): a PEM file
 *
 * Sets [property@CallAgentOptions:tls-ca-file].
 */
STRING_ACCESSORS (tls_ca_file, PROP_TLS_CA_FILE)

/**
 * baton_call_agent_options_get_audio_source:
 * @self: a #BatonCallAgentOptions
 *
 * Returns: (nullable): the audio source's bin description
 */
/**
 * baton_call_agent_options_set_audio_source:
 * @self: a #BatonCallAgentOptions
 * @audio_source: (nullable): a GStreamer bin description, or %NULL for the
 *   selected microphone
 *
 * Sets [property@CallAgentOptions:audio-source].
 */
STRING_ACCESSORS (audio_source, PROP_AUDIO_SOURCE)

/**
 * baton_call_agent_options_get_audio_sink:
 * @self: a #BatonCallAgentOptions
 *
 * Returns: (nullable): the audio sink's bin description
 */
/**
 * baton_call_agent_options_set_audio_sink:
 * @self: a #BatonCallAgentOptions
 * @audio_sink: (nullable): a GStreamer bin description, or %NULL for the
 *   selected speaker
 *
 * Sets [property@CallAgentOptions:audio-sink].
 */
STRING_ACCESSORS (audio_sink, PROP_AUDIO_SINK)

/**
 * baton_call_agent_options_get_ice_servers:
 * @self: a #BatonCallAgentOptions
 *
 * Returns: (nullable) (array zero-terminated=1) (transfer none): the ICE servers
 */
const char * const *
baton_call_agent_options_get_ice_servers (BatonCallAgentOptions *self)
{
  g_return_val_if_fail (BATON_IS_CALL_AGENT_OPTIONS (self), NULL);

  return (const char * const *) self->ice_servers;
}

/**
 * baton_call_agent_options_set_ice_servers:
 * @self: a #BatonCallAgentOptions
 * @ice_servers: (nullable) (array zero-terminated=1): STUN/TURN URIs
 *
 * Sets [property@CallAgentOptions:ice-servers].
 */
void
baton_call_agent_options_set_ice_servers (BatonCallAgentOptions *self,
                                          const char * const    *ice_servers)
{
  g_return_if_fail (BATON_IS_CALL_AGENT_OPTIONS (self));

  if (self->ice_servers == NULL && ice_servers == NULL)
    return;
  if (self->ice_servers != NULL && ice_servers != NULL &&
      g_strv_equal ((const char * const *) self->ice_servers, ice_servers))
    return;

  g_strfreev (self->ice_servers);
  self->ice_servers = g_strdupv ((char **) ice_servers);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICE_SERVERS]);
}
