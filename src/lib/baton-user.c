/* baton-user.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton"

#include "config.h"

#include "baton-signaling-connection-private.h"
#include "baton-user-private.h"

/**
 * BatonUser:
 *
 * A user of the calling service, as [method@CallAgent.list_users_async]
 * found it in the service's directory.
 *
 * A `BatonUser` is a snapshot taken when the list was made: its properties
 * do not change afterwards. List again to see who is online now.
 */
struct _BatonUser
{
  GObject   parent_instance;

  char     *id;
  char     *display_name;
  gboolean  online;
};

G_DEFINE_FINAL_TYPE (BatonUser, baton_user, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_ONLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
baton_user_finalize (GObject *object)
{
  BatonUser *self = (BatonUser *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (baton_user_parent_class)->finalize (object);
}

static void
baton_user_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  BatonUser *self = BATON_USER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_user_class_init (BatonUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = baton_user_finalize;
  object_class->get_property = baton_user_get_property;

  /**
   * BatonUser:id:
   *
   * The user id, what [method@CallAgent.start_call] and transfers take.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonUser:display-name:
   *
   * The user's name to show; never empty (the id when no name was set).
   */
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonUser:online:
   *
   * Whether the user had at least one agent connected to the service when
   * the list was made.
   */
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
baton_user_init (BatonUser *self)
{
}

BatonUser *
baton_user_new (const char *id,
                const char *display_name,
                gboolean    online)
{
  BatonUser *self;

  g_return_val_if_fail (id != NULL, NULL);

  self = g_object_new (BATON_TYPE_USER, NULL);
  self->id = g_strdup (id);
  self->display_name = g_strdup (display_name && *display_name ? display_name : id);
  self->online = !!online;
  return self;
}

BatonUser *
baton_user_new_from_json (JsonObject *object)
{
  const char *id = baton_json_get_string (object, "id");

  if (id == NULL || *id == '\0')
    return NULL;
  return baton_user_new (id,
                         baton_json_get_string (object, "display_name"),
                         baton_json_get_bool (object, "online"));
}

/**
 * baton_user_get_id:
 * @self: a #BatonUser
 *
 * Returns: the user id
 */
const char *
baton_user_get_id (BatonUser *self)
{
  g_return_val_if_fail (BATON_IS_USER (self), NULL);
  return self->id;
}

/**
 * baton_user_get_display_name:
 * @self: a #BatonUser
 *
 * Returns: the user's display name (the id when no name was set)
 */
const char *
baton_user_get_display_name (BatonUser *self)
{
  g_return_val_if_fail (BATON_IS_USER (self), NULL);
  return self->display_name;
}

/**
 * baton_user_get_online:
 * @self: a #BatonUser
 *
 * Returns: whether the user was online when the list was made
 */
gboolean
baton_user_get_online (BatonUser *self)
{
  g_return_val_if_fail (BATON_IS_USER (self), FALSE);
  return self->online;
}
