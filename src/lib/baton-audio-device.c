/* baton-audio-device.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton-Devices"

#include "config.h"

#include "baton-log-private.h"
#include "baton-audio-device-private.h"
#include "baton-enum-types.h"

/**
 * BatonAudioDevice:
 *
 * A microphone or a speaker, as listed by [class@DeviceManager].
 *
 * The [property@AudioDevice:id] is stable across runs for the same device
 * (with PipeWire it is the node name), so it can be stored in settings to
 * select the same device again later.
 */
struct _BatonAudioDevice
{
  GObject parent_instance;

  char *id;
  char *name;
  BatonAudioDeviceType device_type;
  gboolean is_system_default;
  GstDevice *gst_device;
};

G_DEFINE_FINAL_TYPE (BatonAudioDevice, baton_audio_device, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DEVICE_TYPE,
  PROP_IS_SYSTEM_DEFAULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
baton_audio_device_finalize (GObject *object)
{
  BatonAudioDevice *self = BATON_AUDIO_DEVICE (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_object (&self->gst_device);

  G_OBJECT_CLASS (baton_audio_device_parent_class)->finalize (object);
}

static void
baton_audio_device_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BatonAudioDevice *self = BATON_AUDIO_DEVICE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DEVICE_TYPE:
      g_value_set_enum (value, self->device_type);
      break;
    case PROP_IS_SYSTEM_DEFAULT:
      g_value_set_boolean (value, self->is_system_default);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_audio_device_class_init (BatonAudioDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = baton_audio_device_finalize;
  object_class->get_property = baton_audio_device_get_property;

  /**
   * BatonAudioDevice:id: (getter get_id)
   *
   * An identifier of the device that stays the same across runs.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BatonAudioDevice:name: (getter get_name)
   *
   * A human-readable name of the device, to show to people.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BatonAudioDevice:device-type: (getter get_device_type)
   *
   * Whether this is a microphone or a speaker.
   */
  properties[PROP_DEVICE_TYPE] =
    g_param_spec_enum ("device-type", NULL, NULL,
                       BATON_TYPE_AUDIO_DEVICE_TYPE, BATON_AUDIO_DEVICE_TYPE_MICROPHONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BatonAudioDevice:is-system-default: (getter get_is_system_default)
   *
   * Whether the system (the sound server) uses this device by default.
   */
  properties[PROP_IS_SYSTEM_DEFAULT] =
    g_param_spec_boolean ("is-system-default", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
baton_audio_device_init (BatonAudioDevice *self)
{
}

BatonAudioDevice *
baton_audio_device_new (const char           *id,
                        const char           *name,
                        BatonAudioDeviceType  device_type,
                        GstDevice            *gst_device)
{
  BatonAudioDevice *self;

  g_return_val_if_fail (id != NULL, NULL);

  self = g_object_new (BATON_TYPE_AUDIO_DEVICE, NULL);
  self->id = g_strdup (id);
  self->name = g_strdup (name ? name : id);
  self->device_type = device_type;
  g_set_object (&self->gst_device, gst_device);

  return self;
}

/**
 * baton_audio_device_get_id: (get-property id)
 * @self: a #BatonAudioDevice
 *
 * Returns: the identifier of the device, stable across runs
 */
const char *
baton_audio_device_get_id (BatonAudioDevice *self)
{
  g_return_val_if_fail (BATON_IS_AUDIO_DEVICE (self), NULL);

  return self->id;
}

/**
 * baton_audio_device_get_name: (get-property name)
 * @self: a #BatonAudioDevice
 *
 * Returns: the human-readable name of the device
 */
const char *
baton_audio_device_get_name (BatonAudioDevice *self)
{
  g_return_val_if_fail (BATON_IS_AUDIO_DEVICE (self), NULL);

  return self->name;
}

/**
 * baton_audio_device_get_device_type: (get-property device-type)
 * @self: a #BatonAudioDevice
 *
 * Returns: whether the device is a microphone or a speaker
 */
BatonAudioDeviceType
baton_audio_device_get_device_type (BatonAudioDevice *self)
{
  g_return_val_if_fail (BATON_IS_AUDIO_DEVICE (self), BATON_AUDIO_DEVICE_TYPE_MICROPHONE);

  return self->device_type;
}

/**
 * baton_audio_device_get_is_system_default: (get-property is-system-default)
 * @self: a #BatonAudioDevice
 *
 * Returns: whether the system uses this device by default
 */
gboolean
baton_audio_device_get_is_system_default (BatonAudioDevice *self)
{
  g_return_val_if_fail (BATON_IS_AUDIO_DEVICE (self), FALSE);

  return self->is_system_default;
}

GstDevice *
baton_audio_device_get_gst_device (BatonAudioDevice *self)
{
  g_return_val_if_fail (BATON_IS_AUDIO_DEVICE (self), NULL);

  return self->gst_device;
}

void
baton_audio_device_set_gst_device (BatonAudioDevice *self,
                                   GstDevice        *gst_device)
{
  g_return_if_fail (BATON_IS_AUDIO_DEVICE (self));

  g_set_object (&self->gst_device, gst_device);
}

void
baton_audio_device_set_name (BatonAudioDevice *self,
                             const char       *name)
{
  g_return_if_fail (BATON_IS_AUDIO_DEVICE (self));

  if (name == NULL)
    name = self->id;
  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

void
baton_audio_device_set_is_system_default (BatonAudioDevice *self,
                                          gboolean          is_default)
{
  g_return_if_fail (BATON_IS_AUDIO_DEVICE (self));

  is_default = !!is_default;
  if (self->is_system_default == is_default)
    return;
  self->is_system_default = is_default;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_SYSTEM_DEFAULT]);
}

static gboolean
has_property (GstElement *element,
              const char *name)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (element), name) != NULL;
}

/* Low-latency settings shared by device elements and default elements:
 * pulsesrc/pulsesink (through pipewire-pulse) with 20 ms of buffering gave the
 * lowest loop latency on PipeWire 0.3.65; pipewiresink must not sync to the
 * clock (that adds about half a second there). */
void
baton_audio_device_tune_element (GstElement *element)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  const char *factory_name = factory ? GST_OBJECT_NAME (factory) : "";

  if (g_str_has_prefix (factory_name, "pulse"))
    {
      g_object_set (element, "buffer-time", (gint64) 20000, "latency-time", (gint64) 10000, NULL);
    }
  else if (g_str_equal (factory_name, "pipewiresink"))
    {
      g_object_set (element, "sync", FALSE, NULL);
    }

  if (has_property (element, "client-name"))
    g_object_set (element, "client-name", "Baton", NULL);
}

GstElement *
baton_audio_device_create_element (BatonAudioDevice *self,
                                   const char       *name)
{
  GstElement *element;

  g_return_val_if_fail (BATON_IS_AUDIO_DEVICE (self), NULL);

  if (self->gst_device == NULL)
    return NULL;

  element = gst_device_create_element (self->gst_device, name);
  if (element == NULL)
    return NULL;

  baton_audio_device_tune_element (element);

  return element;
}
