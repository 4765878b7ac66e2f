/* baton-forwarding-settings.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton"

#include "config.h"

#include "baton-forwarding-settings-private.h"
#include "baton-signaling-connection-private.h"
#include "baton-util-private.h"

/**
 * BatonForwardingSettings:
 *
 * Where the calling service sends a user's calls instead of ringing the
 * user: always to somebody else, or to somebody else when nobody answered
 * (or the user is offline).
 *
 * Read the stored settings with [method@CallAgent.get_forwarding_async]
 * and change them with [method@CallAgent.set_forwarding_async]. A settings
 * object is a plain value: changing its properties changes nothing on the
 * service until it is handed to [method@CallAgent.set_forwarding_async].
 *
 * Forwarding is one hop only: the target's own forwarding is not followed.
 * A transfer with `disable_forwarding_and_unanswered` ignores it.
 */
struct _BatonForwardingSettings
{
  GObject  parent_instance;

  char    *always_target;
  char    *unanswered_target;
  guint    unanswered_timeout;
};

G_DEFINE_FINAL_TYPE (BatonForwardingSettings, baton_forwarding_settings, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ALWAYS_TARGET,
  PROP_UNANSWERED_TARGET,
  PROP_UNANSWERED_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
baton_forwarding_settings_finalize (GObject *object)
{
  BatonForwardingSettings *self = (BatonForwardingSettings *)object;

  g_clear_pointer (&self->always_target, g_free);
  g_clear_pointer (&self->unanswered_target, g_free);

  G_OBJECT_CLASS (baton_forwarding_settings_parent_class)->finalize (object);
}

static void
baton_forwarding_settings_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  BatonForwardingSettings *self = BATON_FORWARDING_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_ALWAYS_TARGET:
      g_value_set_string (value, self->always_target);
      break;
    case PROP_UNANSWERED_TARGET:
      g_value_set_string (value, self->unanswered_target);
      break;
    case PROP_UNANSWERED_TIMEOUT:
      g_value_set_uint (value, self->unanswered_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_forwarding_settings_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  BatonForwardingSettings *self = BATON_FORWARDING_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_ALWAYS_TARGET:
      baton_forwarding_settings_set_always_target (self, g_value_get_string (value));
      break;
    case PROP_UNANSWERED_TARGET:
      baton_forwarding_settings_set_unanswered_target (self, g_value_get_string (value));
      break;
    case PROP_UNANSWERED_TIMEOUT:
      baton_forwarding_settings_set_unanswered_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_forwarding_settings_class_init (BatonForwardingSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = baton_forwarding_settings_finalize;
  object_class->get_property = baton_forwarding_settings_get_property;
  object_class->set_property = baton_forwarding_settings_set_property;

  /**
   * BatonForwardingSettings:always-target:
   *
   * The user id every call is forwarded to at once, or %NULL for none.
   */
  properties[PROP_ALWAYS_TARGET] =
    g_param_spec_string ("always-target", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonForwardingSettings:unanswered-target:
   *
   * The user id a call is forwarded to when nobody answered it within
   * [property@ForwardingSettings:unanswered-timeout] (or at once when the
   * user is offline), or %NULL for none.
   */
  properties[PROP_UNANSWERED_TARGET] =
    g_param_spec_string ("unanswered-target", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonForwardingSettings:unanswered-timeout:
   *
   * How long a call rings, in seconds, before it counts as unanswered
   * (1–300; the service's default is 20). It applies with or without an
   * unanswered target: without one the call then ends with 487/10004.
   */
  properties[PROP_UNANSWERED_TIMEOUT] =
    g_param_spec_uint ("unanswered-timeout", NULL, NULL,
                       1, BATON_FORWARDING_MAX_UNANSWERED_TIMEOUT,
                       BATON_FORWARDING_DEFAULT_UNANSWERED_TIMEOUT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
baton_forwarding_settings_init (BatonForwardingSettings *self)
{
  self->unanswered_timeout = BATON_FORWARDING_DEFAULT_UNANSWERED_TIMEOUT;
}

/**
 * baton_forwarding_settings_new:
 *
 * Makes settings without any forwarding and the default timeout, to fill
 * in and hand to [method@CallAgent.set_forwarding_async].
 *
 * Returns: (transfer full): new settings
 */
BatonForwardingSettings *
baton_forwarding_settings_new (void)
{
  return g_object_new (BATON_TYPE_FORWARDING_SETTINGS, NULL);
}

BatonForwardingSettings *
baton_forwarding_settings_new_from_json (JsonObject *object)
{
  BatonForwardingSettings *self = baton_forwarding_settings_new ();
  gint64 timeout = baton_json_get_int (object, "unanswered_timeout");

  self->always_target = g_strdup (baton_json_get_string (object, "always"));
  self->unanswered_target = g_strdup (baton_json_get_string (object, "unanswered"));
  if (timeout >= 1 && timeout <= BATON_FORWARDING_MAX_UNANSWERED_TIMEOUT)
    self->unanswered_timeout = timeout;
  return self;
}

static void
set_target (JsonObject *message,
            const char *member,
            const char *target)
{
  if (target)
    json_object_set_string_member (message, member, target);
  else
    json_object_set_null_member (message, member);
}

void
baton_forwarding_settings_to_json (BatonForwardingSettings *self,
                                   JsonObject              *message)
{
  set_target (message, "always", self->always_target);
  set_target (message, "unanswered", self->unanswered_target);
  json_object_set_int_member (message, "unanswered_timeout", self->unanswered_timeout);
}

/**
 * baton_forwarding_settings_get_always_target:
 * @self: a #BatonForwardingSettings
 *
 * Returns: (nullable): the user every call is forwarded to
 */
const char *
baton_forwarding_settings_get_always_target (BatonForwardingSettings *self)
{
  g_return_val_if_fail (BATON_IS_FORWARDING_SETTINGS (self), NULL);
  return self->always_target;
}

/**
 * baton_forwarding_settings_set_always_target:
 * @self: a #BatonForwardingSettings
 * @user_id: (nullable): a user id, or %NULL (or "") for none
 *
 * Sets [property@ForwardingSettings:always-target].
 */
void
baton_forwarding_settings_set_always_target (BatonForwardingSettings *self,
                                             const char              *user_id)
{
  g_return_if_fail (BATON_IS_FORWARDING_SETTINGS (self));

  if (user_id && *user_id == '\0')
    user_id = NULL;
  if (baton_set_str (&self->always_target, user_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALWAYS_TARGET]);
}

/**
 * baton_forwarding_settings_get_unanswered_target:
 * @self: a #BatonForwardingSettings
 *
 * Returns: (nullable): the user unanswered calls are forwarded to
 */
const char *
baton_forwarding_settings_get_unanswered_target (BatonForwardingSettings *self)
{
  g_return_val_if_fail (BATON_IS_FORWARDING_SETTINGS (self), NULL);
  return self->unanswered_target;
}

/**
 * baton_forwarding_settings_set_unanswered_target:
 * @self: a #BatonForwardingSettings
 * @user_id: (nullable): a user id, or %NULL (or "") for none
 *
 * Sets [property@ForwardingSettings:unanswered-target].
 */
void
baton_forwarding_settings_set_unanswered_target (BatonForwardingSettings *self,
                                                 const char              *user_id)
{
  g_return_if_fail (BATON_IS_FORWARDING_SETTINGS (self));

  if (user_id && *user_id == '\0')
    user_id = NULL;
  if (baton_set_str (&self->unanswered_target, user_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNANSWERED_TARGET]);
}

/**
 * baton_forwarding_settings_get_unanswered_timeout:
 * @self: a #BatonForwardingSettings
 *
 * Returns: how long a call rings before it counts as unanswered, in seconds
 */
guint
baton_forwarding_settings_get_unanswered_timeout (BatonForwardingSettings *self)
{
  g_return_val_if_fail (BATON_IS_FORWARDING_SETTINGS (self), BATON_FORWARDING_DEFAULT_UNANSWERED_TIMEOUT);
  return self->unanswered_timeout;
}

/**
 * baton_forwarding_settings_set_unanswered_timeout:
 * @self: a #BatonForwardingSettings
 * @seconds: 1 to 300
 *
 * Sets [property@ForwardingSettings:unanswered-timeout].
 */
void
baton_forwarding_settings_set_unanswered_timeout (BatonForwardingSettings *self,
                                                  guint                    seconds)
{
  g_return_if_fail (BATON_IS_FORWARDING_SETTINGS (self));
  g_return_if_fail (seconds >= 1 && seconds <= BATON_FORWARDING_MAX_UNANSWERED_TIMEOUT);

  if (self->unanswered_timeout == seconds)
    return;
  self->unanswered_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNANSWERED_TIMEOUT]);
}
