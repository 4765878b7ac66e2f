/* baton-call-view-model.c: the selected call, as bindable properties
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The item is a BatonCall or a BatonIncomingCall (a ringing row). Every
 * property is computed from the SDK's objects whenever they notify; a
 * GBindingGroup and GSignalGroups re-point everything when the item changes,
 * so the view never holds a copy of call state.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "baton-call-util.h"
#include "baton-call-view-model.h"

struct _BatonCallViewModel
{
  GObject parent_instance;

  GObject *item;
  GBindingGroup *call_bindings;
  GSignalGroup *call_signals;
  GSignalGroup *participants_signals;
  GSignalGroup *transfer_signals;
  guint timer_id;

  gboolean is_muted;
  char *title;
  char *subtitle;
  char *timer;
};

G_DEFINE_FINAL_TYPE (BatonCallViewModel, baton_call_view_model, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ITEM,
  PROP_CALL,
  PROP_INCOMING,
  PROP_HAS_ITEM,
  PROP_IS_RINGING,
  PROP_IS_ACTIVE,
  PROP_IS_MUTED,
  PROP_IS_HELD,
  PROP_CAN_HOLD,
  PROP_CAN_TRANSFER,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_TIMER,
  PROP_MUTE_ICON,
  PROP_HOLD_ICON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string (BatonCallViewModel *self,
            char              **field,
            char               *value,
            guint               prop)
{
  if (g_strcmp0 (*field, value) == 0)
    {
      g_free (value);
      return;
    }
  g_free (*field);
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
update_texts (BatonCallViewModel *self)
{
  BatonCall *call = baton_call_view_model_get_call (self);
  BatonIncomingCall *incoming = baton_call_view_model_get_incoming (self);

  if (call != NULL)
    {
      set_string (self, &self->title, baton_call_dup_remote_name (call), PROP_TITLE);
      set_string (self, &self->subtitle, baton_call_dup_state_text (call), PROP_SUBTITLE);
      set_string (self, &self->timer, baton_call_dup_timer_text (call), PROP_TIMER);
    }
  else if (incoming != NULL)
    {
      const char *transferor = baton_incoming_call_get_transferor_display_name (incoming);

      if (transferor == NULL || *transferor == '\0')
        transferor = baton_incoming_call_get_transferor_id (incoming);
      set_string (self, &self->title, baton_incoming_dup_caller_name (incoming), PROP_TITLE);
      if (transferor != NULL && *transferor != '\0')
        /* Translators: %s is the person who transferred the caller to us */
        set_string (self, &self->subtitle,
                    g_strdup_printf (_("Incoming call, transferred by %s"), transferor),
                    PROP_SUBTITLE);
      else
        set_string (self, &self->subtitle, g_strdup (_("Incoming call")), PROP_SUBTITLE);
      set_string (self, &self->timer, g_strdup (""), PROP_TIMER);
    }
  else
    {
      set_string (self, &self->title, g_strdup (""), PROP_TITLE);
      set_string (self, &self->subtitle, g_strdup (""), PROP_SUBTITLE);
      set_string (self, &self->timer, g_strdup (""), PROP_TIMER);
    }
}

static void
update_all (BatonCallViewModel *self)
{
  BatonCall *call = baton_call_view_model_get_call (self);

  update_texts (self);
  g_signal_group_set_target (self->transfer_signals,
                             call ? baton_call_get_app_transfer (call) : NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_ACTIVE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_HELD]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOLD_ICON]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_HOLD]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_TRANSFER]);
}

static void
call_changed_cb (BatonCallViewModel *self)
{
  update_all (self);
}

static gboolean
timer_cb (gpointer user_data)
{
  BatonCallViewModel *self = user_data;
  BatonCall *call = baton_call_view_model_get_call (self);

  if (call != NULL)
    set_string (self, &self->timer, baton_call_dup_timer_text (call), PROP_TIMER);
  return G_SOURCE_CONTINUE;
}

static void
baton_call_view_model_dispose (GObject *object)
{
  BatonCallViewModel *self = BATON_CALL_VIEW_MODEL (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->call_bindings != NULL)
    g_binding_group_set_source (self->call_bindings, NULL);
  if (self->call_signals != NULL)
    g_signal_group_set_target (self->call_signals, NULL);
  g_clear_object (&self->call_bindings);
  g_clear_object (&self->call_signals);
  g_clear_object (&self->participants_signals);
  g_clear_object (&self->transfer_signals);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (baton_call_view_model_parent_class)->dispose (object);
}

static void
baton_call_view_model_finalize (GObject *object)
{
  BatonCallViewModel *self = BATON_CALL_VIEW_MODEL (object);

  g_free (self->title);
  g_free (self->subtitle);
  g_free (self->timer);

  G_OBJECT_CLASS (baton_call_view_model_parent_class)->finalize (object);
}

static gboolean
is_held (BatonCallViewModel *self)
{
  BatonCall *call = baton_call_view_model_get_call (self);

  return call != NULL && baton_call_get_state (call) == BATON_CALL_STATE_LOCAL_HOLD;
}

static gboolean
can_hold (BatonCallViewModel *self)
{
  BatonCall *call = baton_call_view_model_get_call (self);

  if (call == NULL)
    return FALSE;
  switch (baton_call_get_state (call))
    {
    case BATON_CALL_STATE_CONNECTED:
    case BATON_CALL_STATE_LOCAL_HOLD:
    case BATON_CALL_STATE_REMOTE_HOLD:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
baton_call_view_model_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  BatonCallViewModel *self = BATON_CALL_VIEW_MODEL (object);
  BatonCall *call = baton_call_view_model_get_call (self);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    case PROP_CALL:
      g_value_set_object (value, call);
      break;
    case PROP_INCOMING:
      g_value_set_object (value, baton_call_view_model_get_incoming (self));
      break;
    case PROP_HAS_ITEM:
      g_value_set_boolean (value, self->item != NULL);
      break;
    case PROP_IS_RINGING:
      g_value_set_boolean (value, baton_call_view_model_get_incoming (self) != NULL);
      break;
    case PROP_IS_ACTIVE:
      g_value_set_boolean (value, call != NULL && baton_call_is_live (call));
      break;
    case PROP_IS_MUTED:
      g_value_set_boolean (value, self->is_muted);
      break;
    case PROP_IS_HELD:
      g_value_set_boolean (value, is_held (self));
      break;
    case PROP_CAN_HOLD:
      g_value_set_boolean (value, can_hold (self));
      break;
    case PROP_CAN_TRANSFER:
      g_value_set_boolean (value, call != NULL && baton_call_can_transfer (call));
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    case PROP_TIMER:
      g_value_set_string (value, self->timer);
      break;
    case PROP_MUTE_ICON:
      g_value_set_string (value, self->is_muted ? "microphone-disabled-symbolic"
                                                : "audio-input-microphone-symbolic");
      break;
    case PROP_HOLD_ICON:
      g_value_set_string (value, is_held (self) ? "media-playback-start-symbolic"
                                                : "media-playback-pause-symbolic");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_call_view_model_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  BatonCallViewModel *self = BATON_CALL_VIEW_MODEL (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      baton_call_view_model_set_item (self, g_value_get_object (value));
      break;
    case PROP_IS_MUTED:
      if (self->is_muted != g_value_get_boolean (value))
        {
          self->is_muted = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
          g_object_notify_by_pspec (object, properties[PROP_MUTE_ICON]);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_call_view_model_class_init (BatonCallViewModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = baton_call_view_model_dispose;
  object_class->finalize = baton_call_view_model_finalize;
  object_class->get_property = baton_call_view_model_get_property;
  object_class->set_property = baton_call_view_model_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CALL] = g_param_spec_object ("call", NULL, NULL, BATON_TYPE_CALL, ro);
  properties[PROP_INCOMING] =
    g_param_spec_object ("incoming", NULL, NULL, BATON_TYPE_INCOMING_CALL, ro);
  properties[PROP_HAS_ITEM] = g_param_spec_boolean ("has-item", NULL, NULL, FALSE, ro);
  properties[PROP_IS_RINGING] = g_param_spec_boolean ("is-ringing", NULL, NULL, FALSE, ro);
  properties[PROP_IS_ACTIVE] = g_param_spec_boolean ("is-active", NULL, NULL, FALSE, ro);
  /* Writable only so that the binding group can feed it from the call. */
  properties[PROP_IS_MUTED] =
    g_param_spec_boolean ("is-muted", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_HELD] = g_param_spec_boolean ("is-held", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_HOLD] = g_param_spec_boolean ("can-hold", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_TRANSFER] = g_param_spec_boolean ("can-transfer", NULL, NULL, FALSE, ro);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_SUBTITLE] = g_param_spec_string ("subtitle", NULL, NULL, NULL, ro);
  properties[PROP_TIMER] = g_param_spec_string ("timer", NULL, NULL, NULL, ro);
  properties[PROP_MUTE_ICON] = g_param_spec_string ("mute-icon", NULL, NULL, NULL, ro);
  properties[PROP_HOLD_ICON] = g_param_spec_string ("hold-icon", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
baton_call_view_model_init (BatonCallViewModel *self)
{
  self->title = g_strdup ("");
  self->subtitle = g_strdup ("");
  self->timer = g_strdup ("");

  self->call_bindings = g_binding_group_new ();
  g_binding_group_bind (self->call_bindings, "is-muted", self, "is-muted",
                        G_BINDING_SYNC_CREATE);

  self->call_signals = g_signal_group_new (BATON_TYPE_CALL);
  g_signal_group_connect_swapped (self->call_signals, "notify::state",
                                  G_CALLBACK (call_changed_cb), self);
  g_signal_group_connect_swapped (self->call_signals, "notify::start-time",
                                  G_CALLBACK (call_changed_cb), self);

  self->participants_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->participants_signals, "items-changed",
                                  G_CALLBACK (call_changed_cb), self);

  self->transfer_signals = g_signal_group_new (BATON_TYPE_TRANSFER);
  g_signal_group_connect_swapped (self->transfer_signals, "notify::state",
                                  G_CALLBACK (call_changed_cb), self);

  self->timer_id = g_timeout_add_seconds (1, timer_cb, self);
}

BatonCallViewModel *
baton_call_view_model_new (void)
{
  return g_object_new (BATON_TYPE_CALL_VIEW_MODEL, NULL);
}

GObject *
baton_call_view_model_get_item (BatonCallViewModel *self)
{
  g_return_val_if_fail (BATON_IS_CALL_VIEW_MODEL (self), NULL);
  return self->item;
}

BatonCall *
baton_call_view_model_get_call (BatonCallViewModel *self)
{
  g_return_val_if_fail (BATON_IS_CALL_VIEW_MODEL (self), NULL);
  return BATON_IS_CALL (self->item) ? BATON_CALL (self->item) : NULL;
}

BatonIncomingCall *
baton_call_view_model_get_incoming (BatonCallViewModel *self)
{
  g_return_val_if_fail (BATON_IS_CALL_VIEW_MODEL (self), NULL);
  return BATON_IS_INCOMING_CALL (self->item) ? BATON_INCOMING_CALL (self->item) : NULL;
}

const char *
baton_call_view_model_get_title (BatonCallViewModel *self)
{
  g_return_val_if_fail (BATON_IS_CALL_VIEW_MODEL (self), NULL);
  return self->title;
}

const char *
baton_call_view_model_get_subtitle (BatonCallViewModel *self)
{
  g_return_val_if_fail (BATON_IS_CALL_VIEW_MODEL (self), NULL);
  return self->subtitle;
}

const char *
baton_call_view_model_get_timer (BatonCallViewModel *self)
{
  g_return_val_if_fail (BATON_IS_CALL_VIEW_MODEL (self), NULL);
  return self->timer;
}

/* Re-reads everything, e.g. after the app attached a transfer to the call. */
static void
refresh (BatonCallViewModel *self)
{
  update_all (self);
}

void
baton_call_view_model_set_item (BatonCallViewModel *self,
                                GObject            *item)
{
  BatonCall *call;

  g_return_if_fail (BATON_IS_CALL_VIEW_MODEL (self));
  g_return_if_fail (item == NULL || BATON_IS_CALL (item) || BATON_IS_INCOMING_CALL (item));

  if (!g_set_object (&self->item, item))
    {
      refresh (self);
      return;
    }

  call = baton_call_view_model_get_call (self);
  g_binding_group_set_source (self->call_bindings, call);
  g_signal_group_set_target (self->call_signals, call);
  g_signal_group_set_target (self->participants_signals,
                             call ? baton_call_get_remote_participants (call) : NULL);
  if (call == NULL && self->is_muted)
    {
      self->is_muted = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_MUTED]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTE_ICON]);
    }

  update_all (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCOMING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_ITEM]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_RINGING]);
}
