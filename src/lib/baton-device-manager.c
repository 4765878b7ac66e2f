/* baton-device-manager.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton-Devices"

#include "config.h"

#include <gst/gst.h>

#include "baton-log-private.h"
#include "baton-audio-device-private.h"
#include "baton-device-manager-private.h"

/**
 * BatonDeviceManager:
 *
 * The microphones and speakers of the machine, and the ones calls use.
 *
 * Get it with [method@CallClient.get_device_manager]. The lists
 * [property@DeviceManager:microphones] and [property@DeviceManager:speakers]
 * follow devices as they come and go, and [signal@DeviceManager::audio-devices-updated]
 * tells which ones did.
 *
 * Calls use [property@DeviceManager:selected-microphone] and
 * [property@DeviceManager:selected-speaker]; changing them moves calls in
 * progress to the new device without interrupting them. Unless a device was
 * selected, the selection follows the system default device; when a selected
 * device goes away, the selection falls back to the system default.
 *
 * When there is no microphone (or no speaker) at all, calls still connect:
 * they send silence (or play to nothing), and
 * [property@DeviceManager:error-message] says why.
 *
 * When a PulseAudio server runs (with PipeWire, its compatibility server
 * pipewire-pulse), devices are found and used through it; with PipeWire
 * alone, through PipeWire; otherwise through whatever the machine has
 * (ALSA). Each device is listed once, and monitor sources are not listed.
 *
 * The manager starts (initialises GStreamer and starts watching the devices)
 * the first time anything asks it for a list, a selection or its error
 * message, or a call needs a device — not when it is made: a signed-in app
 * with no call and no settings page open does not pay for GStreamer's plugin
 * registry and the device monitor's sound-server connections (about 3.5 MiB
 * and tens of milliseconds).
 *
 * Watching the devices starts once per process, in a thread of its own: it
 * asks the sound server, which may be slow to answer. The first use waits
 * for it a quarter of a second at most, so that with a sound server that
 * answers (in tens of milliseconds) the lists are complete when first
 * returned, and a stalled one never freezes the caller's main context.
 * Past that, until the monitor is up, the process's first manager has
 * empty lists, no selection and no error message, and calls use the sound
 * server's default devices; then the lists fill in, the selection and
 * error message are set (with their notifications), and
 * [signal@DeviceManager::audio-devices-updated] lists the devices found.
 * A manager made after that has its lists complete when first returned.
 */

typedef struct
{
  BatonAudioDevice *device;
  GPtrArray *gst_devices;       /* GstDevice, the same device seen by several providers */
  gboolean is_default;
} Entry;

struct _BatonDeviceManager
{
  GObject parent_instance;

  GMainContext *context;
  gboolean started;             /* see ensure_started() */
  gboolean starting;            /* no notifications: nothing could be seen before */
  gboolean waiting;             /* for the shared monitor's first start (see there) */
  gboolean have_monitor;

  GHashTable *entries;          /* "m:id" / "s:id" → Entry */
  GListStore *microphones;
  GListStore *speakers;

  BatonAudioDevice *selected_microphone;
  BatonAudioDevice *selected_speaker;
  gboolean microphone_chosen;   /* selected explicitly, not following the default */
  gboolean speaker_chosen;

  char *error_message;
  gboolean logged_no_device;

  /* The system defaults as last probed (see baton_device_manager_refresh_defaults()),
   * by device type; NULL: trust the providers' is-default */
  char *probed_defaults[2];
};

G_DEFINE_FINAL_TYPE (BatonDeviceManager, baton_device_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MICROPHONES,
  PROP_SPEAKERS,
  PROP_SELECTED_MICROPHONE,
  PROP_SELECTED_SPEAKER,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

enum {
  AUDIO_DEVICES_UPDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_object (&entry->device);
  g_clear_pointer (&entry->gst_devices, g_ptr_array_unref);
  g_free (entry);
}

/* Which provider's element to prefer for a device seen by several: through
 * pipewire-pulse, pulsesrc/pulsesink with short buffers measured the lowest
 * loop latency on PipeWire 0.3.65 (24–29 ms against 61–110 ms for
 * pipewiresrc/pipewiresink), so the PulseAudio device wins. */
static int
provider_rank (GstDevice *device)
{
  const char *type_name = G_OBJECT_TYPE_NAME (device);

  if (g_str_equal (type_name, "GstPulseDevice"))
    return 3;
  if (g_str_equal (type_name, "GstPipeWireDevice"))
    return 2;
  return 1;
}

static GstDevice *
entry_best_device (Entry *entry)
{
  GstDevice *best = NULL;

  for (guint i = 0; i < entry->gst_devices->len; i++)
    {
      GstDevice *device = g_ptr_array_index (entry->gst_devices, i);

      if (best == NULL || provider_rank (device) > provider_rank (best))
        best = device;
    }

  return best;
}

static gboolean
device_is_default (GstDevice *device)
{
  g_autoptr(GstStructure) props = gst_device_get_properties (device);
  gboolean is_default = FALSE;

  if (props != NULL && gst_structure_get_boolean (props, "is-default", &is_default))
    return is_default;

  return FALSE;
}

/* Monitors of sinks are not microphones. */
static gboolean
device_is_monitor (GstDevice *device)
{
  g_autoptr(GstStructure) props = gst_device_get_properties (device);
  const char *value;

  if (props == NULL)
    return FALSE;

  value = gst_structure_get_string (props, "device.class");
  if (g_strcmp0 (value, "monitor") == 0)
    return TRUE;

  /* A source that is really the monitor side of a sink */
  value = gst_structure_get_string (props, "media.class");
  if (gst_device_has_classes (device, "Audio/Source") && g_strcmp0 (value, "Audio/Sink") == 0)
    return TRUE;

  return FALSE;
}

static char *
device_stable_id (GstDevice *device)
{
  g_autoptr(GstStructure) props = gst_device_get_properties (device);
  static const char * const keys[] = { "node.name", "device.name", "alsa.name", "udev.id", NULL };

  if (props != NULL)
    {
      for (guint i = 0; keys[i] != NULL; i++)
        {
          const char *value = gst_structure_get_string (props, keys[i]);

          if (value != NULL && *value != '\0')
            return g_strdup (value);
        }
    }

  return gst_device_get_display_name (device);
}

static gboolean
device_type_of (GstDevice            *device,
                BatonAudioDeviceType *type)
{
  if (gst_device_has_classes (device, "Audio/Source"))
    *type = BATON_AUDIO_DEVICE_TYPE_MICROPHONE;
  else if (gst_device_has_classes (device, "Audio/Sink"))
    *type = BATON_AUDIO_DEVICE_TYPE_SPEAKER;
  else
    return FALSE;

  return TRUE;
}

static char *
entry_key (BatonAudioDeviceType  type,
           const char           *id)
{
  return g_strdup_printf ("%c:%s", type == BATON_AUDIO_DEVICE_TYPE_MICROPHONE ? 'm' : 's', id);
}

static GListStore *
store_for (BatonDeviceManager   *self,
           BatonAudioDeviceType  type)
{
  return type == BATON_AUDIO_DEVICE_TYPE_MICROPHONE ? self->microphones : self->speakers;
}

static BatonAudioDevice *
find_default (BatonDeviceManager   *self,
              BatonAudioDeviceType  type)
{
  GListModel *model = G_LIST_MODEL (store_for (self, type));
  guint n = g_list_model_get_n_items (model);
  g_autoptr(BatonAudioDevice) first = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonAudioDevice) device = g_list_model_get_item (model, i);

      if (baton_audio_device_get_is_system_default (device))
        return device;
      if (first == NULL)
        first = g_object_ref (device);
    }

  /* Without a known system default (e.g. no PulseAudio/PipeWire metadata),
   * the first device found is as good a guess as any. */
  return first;
}

static void
update_error_message (BatonDeviceManager *self)
{
  gboolean no_mic = g_list_model_get_n_items (G_LIST_MODEL (self->microphones)) == 0;
  gboolean no_speaker = g_list_model_get_n_items (G_LIST_MODEL (self->speakers)) == 0;
  const char *message = NULL;

  if (!self->have_monitor)
    message = "No audio system was found: calls send silence and play to nothing";
  else if (no_mic && no_speaker)
    message = "No microphone and no speaker were found: calls send silence and play to nothing";
  else if (no_mic)
    message = "No microphone was found: calls send silence";
  else if (no_speaker)
    message = "No speaker was found: calls play to nothing";

  if (g_strcmp0 (message, self->error_message) == 0)
    return;

  g_free (self->error_message);
  self->error_message = g_strdup (message);

  if (message != NULL && !self->logged_no_device)
    {
      self->logged_no_device = TRUE;
      BATON_INFO ("%s", message);
    }

  if (!self->starting)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void
set_selection (BatonDeviceManager   *self,
               BatonAudioDeviceType  type,
               BatonAudioDevice     *device,
               gboolean              chosen)
{
  BatonAudioDevice **slot;

  if (type == BATON_AUDIO_DEVICE_TYPE_MICROPHONE)
    {
      slot = &self->selected_microphone;
      self->microphone_chosen = chosen;
    }
  else
    {
      slot = &self->selected_speaker;
      self->speaker_chosen = chosen;
    }

  if (g_set_object (slot, device))
    {
      BATON_VERBOSE ("Selected %s: %s",
               type == BATON_AUDIO_DEVICE_TYPE_MICROPHONE ? "microphone" : "speaker",
               device ? baton_audio_device_get_id (device) : "(none)");
      if (!self->starting)
        g_object_notify_by_pspec (G_OBJECT (self),
                                  properties[type == BATON_AUDIO_DEVICE_TYPE_MICROPHONE
                                             ? PROP_SELECTED_MICROPHONE
                                             : PROP_SELECTED_SPEAKER]);
    }
}

/* After the lists or the defaults changed: keep an explicit choice while its
 * device exists, otherwise follow the system default. */
static void
refresh_selection (BatonDeviceManager   *self,
                   BatonAudioDeviceType  type)
{
  BatonAudioDevice *current;
  gboolean chosen;
  guint position;

  if (type == BATON_AUDIO_DEVICE_TYPE_MICROPHONE)
    {
      current = self->selected_microphone;
      chosen = self->microphone_chosen;
    }
  else
    {
      current = self->selected_speaker;
      chosen = self->speaker_chosen;
    }

  if (chosen && current != NULL &&
      g_list_store_find (store_for (self, type), current, &position))
    return;

  if (chosen)
    BATON_VERBOSE ("The selected %s is gone; falling back to the system default",
             type == BATON_AUDIO_DEVICE_TYPE_MICROPHONE ? "microphone" : "speaker");

  set_selection (self, type, find_default (self, type), FALSE);
}

static void
entry_refresh (BatonDeviceManager *self,
               Entry              *entry)
{
  GstDevice *best = entry_best_device (entry);
  g_autofree char *name = NULL;
  gboolean is_default = FALSE;
  BatonAudioDeviceType type = baton_audio_device_get_device_type (entry->device);

  if (self->probed_defaults[type] != NULL)
    {
      /* what the sound server said last time we asked */
      is_default = g_strcmp0 (self->probed_defaults[type], baton_audio_device_get_id (entry->device)) == 0;
    }
  else
    {
      for (guint i = 0; i < entry->gst_devices->len; i++)
        is_default |= device_is_default (g_ptr_array_index (entry->gst_devices, i));
    }

  baton_audio_device_set_gst_device (entry->device, best);
  if (best != NULL)
    {
      name = gst_device_get_display_name (best);
      baton_audio_device_set_name (entry->device, name);
    }
  baton_audio_device_set_is_system_default (entry->device, is_default);
}

/* Returns the new BatonAudioDevice when @gst_device made one. */
static BatonAudioDevice *
add_gst_device (BatonDeviceManager *self,
                GstDevice          *gst_device)
{
  BatonAudioDeviceType type;
  g_autofree char *id = NULL;
  g_autofree char *key = NULL;
  g_autofree char *name = NULL;
  Entry *entry;

  if (!device_type_of (gst_device, &type) || device_is_monitor (gst_device))
    return NULL;

  id = device_stable_id (gst_device);
  key = entry_key (type, id);
  entry = g_hash_table_lookup (self->entries, key);

  if (entry != NULL)
    {
      if (!g_ptr_array_find (entry->gst_devices, gst_device, NULL))
        g_ptr_array_add (entry->gst_devices, g_object_ref (gst_device));
      entry_refresh (self, entry);
      return NULL;
    }

  name = gst_device_get_display_name (gst_device);
  entry = g_new0 (Entry, 1);
  entry->gst_devices = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (entry->gst_devices, g_object_ref (gst_device));
  entry->device = baton_audio_device_new (id, name, type, gst_device);
  entry_refresh (self, entry);
  g_hash_table_insert (self->entries, g_steal_pointer (&key), entry);

  BATON_VERBOSE ("Found %s %s (%s)",
           type == BATON_AUDIO_DEVICE_TYPE_MICROPHONE ? "microphone" : "speaker", id, name);

  g_list_store_append (store_for (self, type), entry->device);

  return g_object_ref (entry->device);
}

/* Returns the BatonAudioDevice that went away with @gst_device, if any. */
static BatonAudioDevice *
remove_gst_device (BatonDeviceManager *self,
                   GstDevice          *gst_device)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Entry *entry = value;
      BatonAudioDevice *device;
      GListStore *store;
      guint position;

      if (!g_ptr_array_remove (entry->gst_devices, gst_device))
        continue;

      if (entry->gst_devices->len > 0)
        {
          entry_refresh (self, entry);
          return NULL;
        }

      device = g_object_ref (entry->device);
      baton_audio_device_set_gst_device (device, NULL);
      store = store_for (self, baton_audio_device_get_device_type (device));
      if (g_list_store_find (store, device, &position))
        g_list_store_remove (store, position);
      g_hash_table_iter_remove (&iter);

      BATON_VERBOSE ("Lost device %s", baton_audio_device_get_id (device));

      return device;
    }

  return NULL;
}

/* A provider replaced a device with an updated one (e.g. the system default
 * moved): same device, new details. */
static gboolean
replace_gst_device (BatonDeviceManager *self,
                    GstDevice          *old_device,
                    GstDevice          *new_device)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;
      guint index;

      if (!g_ptr_array_find (entry->gst_devices, old_device, &index))
        continue;

      g_object_unref (g_ptr_array_index (entry->gst_devices, index));
      g_ptr_array_index (entry->gst_devices, index) = g_object_ref (new_device);
      entry_refresh (self, entry);
      return TRUE;
    }

  return FALSE;
}

static void
devices_changed (BatonDeviceManager *self,
                 BatonAudioDevice   *added,
                 BatonAudioDevice   *removed)
{
  g_autoptr(GListStore) added_store = g_list_store_new (BATON_TYPE_AUDIO_DEVICE);
  g_autoptr(GListStore) removed_store = g_list_store_new (BATON_TYPE_AUDIO_DEVICE);

  refresh_selection (self, BATON_AUDIO_DEVICE_TYPE_MICROPHONE);
  refresh_selection (self, BATON_AUDIO_DEVICE_TYPE_SPEAKER);
  update_error_message (self);

  if (added == NULL && removed == NULL)
    return;

  if (added != NULL)
    g_list_store_append (added_store, added);
  if (removed != NULL)
    g_list_store_append (removed_store, removed);

  g_signal_emit (self, signals[AUDIO_DEVICES_UPDATED], 0, added_store, removed_store);
}

static void
handle_message (BatonDeviceManager *self,
                GstMessage         *message)
{
  g_autoptr(GstDevice) device = NULL;
  g_autoptr(GstDevice) old_device = NULL;
  g_autoptr(BatonAudioDevice) added = NULL;
  g_autoptr(BatonAudioDevice) removed = NULL;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_DEVICE_ADDED:
      gst_message_parse_device_added (message, &device);
      added = add_gst_device (self, device);
      devices_changed (self, added, NULL);
      break;

    case GST_MESSAGE_DEVICE_REMOVED:
      gst_message_parse_device_removed (message, &device);
      removed = remove_gst_device (self, device);
      devices_changed (self, NULL, removed);
      break;

    case GST_MESSAGE_DEVICE_CHANGED:
      /* e.g. the system default moved: the provider replaces the device */
      gst_message_parse_device_changed (message, &device, &old_device);
      if (!replace_gst_device (self, old_device, device))
        added = add_gst_device (self, device);
      devices_changed (self, added, NULL);
      break;

    default:
      break;
    }
}

/* One way to watch the devices for the whole process, started once and
 * never stopped, whose messages go to every device manager, each in its own
 * main context:
 *
 * - When a PulseAudio server answers (on a PipeWire desktop, pipewire-pulse),
 *   PulseAudio's device provider alone. Calls play and record through
 *   pulsesrc/pulsesink then (its devices are preferred, see provider_rank()),
 *   so PipeWire's provider would only list the same devices again — and it
 *   would load PipeWire's GStreamer plugin, whose elements and device
 *   provider share one PipeWire connection and thread loop per process
 *   (PipeWire 0.3.65): that thread died in a walk over freed memory when the
 *   provider started while a pipewiresrc of the same process stopped (about
 *   1 run in 45 of a test program recording with pipewiresrc).
 * - Otherwise a GstDeviceMonitor over every provider there is: PipeWire's
 *   when PipeWire runs without its PulseAudio server, ALSA's or whatever the
 *   machine has when there is no PipeWire.
 *
 * Never stopped: stopping PipeWire's device provider (PipeWire 0.3.65) frees
 * memory twice once several monitors have run in one process, and one
 * watcher is cheaper anyway. */
G_LOCK_DEFINE_STATIC (shared_monitor);    /* creating it */
G_LOCK_DEFINE_STATIC (shared_managers);   /* the list; taken by the providers' threads */
static GstDeviceProvider *shared_provider;  /* PulseAudio's, alone */
static GstDeviceMonitor *shared_monitor;    /* or all of them */
static GPtrArray *shared_managers;   /* of GWeakRef */

/* Holds a strong reference, released in the manager's own context: a
 * provider's thread must never drop the last one. */
typedef struct
{
  BatonDeviceManager *manager;
  GstMessage *message;
} Delivery;

static gboolean
delivery_run (gpointer user_data)
{
  Delivery *d = user_data;

  handle_message (d->manager, d->message);

  return G_SOURCE_REMOVE;
}

static void
delivery_free (gpointer user_data)
{
  Delivery *d = user_data;

  g_object_unref (d->manager);
  gst_message_unref (d->message);
  g_free (d);
}

static void
deliver (GstMessage *message)
{
  GstMessageType type = GST_MESSAGE_TYPE (message);

  if (type != GST_MESSAGE_DEVICE_ADDED && type != GST_MESSAGE_DEVICE_REMOVED &&
      type != GST_MESSAGE_DEVICE_CHANGED)
    return;

  G_LOCK (shared_managers);
  for (guint i = 0; shared_managers != NULL && i < shared_managers->len; i++)
    {
      GWeakRef *ref = g_ptr_array_index (shared_managers, i);
      BatonDeviceManager *manager = g_weak_ref_get (ref);
      g_autoptr(GSource) source = NULL;
      Delivery *d;

      if (manager == NULL)
        continue;

      d = g_new0 (Delivery, 1);
      d->manager = manager;  /* owned */
      d->message = gst_message_ref (message);
      source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, delivery_run, d, delivery_free);
      g_source_set_static_name (source, "[baton] device monitor");
      g_source_attach (source, manager->context);
    }
  G_UNLOCK (shared_managers);
}

static GstBusSyncReply
shared_bus_sync_cb (GstBus     *bus,
                    GstMessage *message,
                    gpointer    user_data)
{
  deliver (message);

  return GST_BUS_DROP;
}

/* The provider's bus is its own (the factory's one instance, which another
 * GstDeviceMonitor of the process may watch too): listen the way
 * GstDeviceMonitor does, without taking its sync handler. */
static void
provider_sync_message_cb (GstBus     *bus,
                          GstMessage *message,
                          gpointer    user_data)
{
  deliver (message);
}

/* PulseAudio's device provider, started, when a PulseAudio server answers;
 * else NULL. */
static GstDeviceProvider *
pulse_provider_start (void)
{
  g_autoptr(GstDeviceProvider) provider = gst_device_provider_factory_get_by_name ("pulsedeviceprovider");
  g_autoptr(GstBus) bus = NULL;

  if (provider == NULL)
    return NULL;

  bus = gst_device_provider_get_bus (provider);
  gst_bus_enable_sync_message_emission (bus);
  g_signal_connect (bus, "sync-message", G_CALLBACK (provider_sync_message_cb), NULL);

  if (!gst_device_provider_start (provider))
    {
      g_signal_handlers_disconnect_by_func (bus, provider_sync_message_cb, NULL);
      gst_bus_disable_sync_message_emission (bus);
      return NULL;
    }

  return g_steal_pointer (&provider);
}

static GstDeviceMonitor *
all_providers_start (void)
{
  g_autoptr(GstDeviceMonitor) monitor = gst_device_monitor_new ();
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple ("audio/x-raw");
  g_autoptr(GstBus) bus = gst_device_monitor_get_bus (monitor);

  gst_device_monitor_add_filter (monitor, "Audio/Source", caps);
  gst_device_monitor_add_filter (monitor, "Audio/Sink", caps);
  gst_bus_set_sync_handler (bus, shared_bus_sync_cb, NULL, NULL);

  if (!gst_device_monitor_start (monitor))
    return NULL;

  return g_steal_pointer (&monitor);
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* The monitor's start asks the sound server (connecting, listing the
 * devices): milliseconds, or seconds when the server is slow, or until it
 * answers when it is stopped. It is made once per process, in a thread
 * (never on a main context, where the application's window and calls
 * live); the managers that ask meanwhile wait for it without blocking, and
 * are called in their own contexts once it is up. */
/* How long the first use waits for the monitor's start (see above) */
#define FIRST_START_WAIT_MS 250

static gboolean shared_monitor_started;     /* (under the shared_monitor lock) */
static GCond shared_monitor_cond;           /* shared_monitor_started became TRUE */
static gboolean shared_monitor_starting;
static GPtrArray *shared_monitor_waiters;   /* of Waiter */

/* A manager waiting for the monitor's start: held weakly (it may go, or
 * have gone on without waiting, meanwhile), told in its own context */
typedef struct
{
  GWeakRef manager;
  GMainContext *context;
} Waiter;

static void
waiter_free (gpointer data)
{
  Waiter *waiter = data;

  g_weak_ref_clear (&waiter->manager);
  g_main_context_unref (waiter->context);
  g_free (waiter);
}

static void monitor_ready (BatonDeviceManager *self);

static gboolean
monitor_ready_cb (gpointer user_data)
{
  Waiter *waiter = user_data;
  g_autoptr(BatonDeviceManager) manager = g_weak_ref_get (&waiter->manager);

  if (manager != NULL)
    monitor_ready (manager);
  return G_SOURCE_REMOVE;
}

static void
shared_monitor_start_thread (GTask        *task,
                             gpointer      source_object,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  GstDeviceProvider *provider = pulse_provider_start ();
  GstDeviceMonitor *monitor = NULL;
  g_autoptr(GPtrArray) waiters = NULL;

  if (provider != NULL)
    BATON_VERBOSE ("Watching the devices through the PulseAudio server");
  else if ((monitor = all_providers_start ()) != NULL)
    BATON_VERBOSE ("No PulseAudio server: watching the devices through every provider");
  else
    BATON_VERBOSE ("The device monitor could not start");

  G_LOCK (shared_monitor);
  shared_provider = provider;
  shared_monitor = monitor;
  shared_monitor_started = TRUE;
  g_cond_broadcast (&shared_monitor_cond);
  shared_monitor_starting = FALSE;
  waiters = g_steal_pointer (&shared_monitor_waiters);
  G_UNLOCK (shared_monitor);

  /* (no reference taken here: the last one must not go in this thread) */
  while (waiters != NULL && waiters->len > 0)
    {
      Waiter *waiter = g_ptr_array_steal_index_fast (waiters, 0);
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, monitor_ready_cb, waiter, waiter_free);
      g_source_set_static_name (source, "[baton] device monitor started");
      g_source_attach (source, waiter->context);
    }
  g_task_return_boolean (task, TRUE);
}

/* TRUE when the monitor's start is through (started or failed); else
 * @self waits for it (monitor_ready () is called in its context then), and
 * the start is begun if it was not yet. */
static gboolean
shared_monitor_ready_or_wait (BatonDeviceManager *self)
{
  g_autoptr(GTask) task = NULL;
  Waiter *waiter;

  G_LOCK (shared_monitor);
  if (shared_monitor_started)
    {
      G_UNLOCK (shared_monitor);
      return TRUE;
    }
  if (shared_monitor_waiters == NULL)
    shared_monitor_waiters = g_ptr_array_new_with_free_func (waiter_free);
  waiter = g_new0 (Waiter, 1);
  g_weak_ref_init (&waiter->manager, self);
  waiter->context = g_main_context_ref (self->context);
  g_ptr_array_add (shared_monitor_waiters, waiter);
  if (!shared_monitor_starting)
    {
      shared_monitor_starting = TRUE;
      task = g_task_new (NULL, NULL, NULL, NULL);
      g_task_set_source_tag (task, shared_monitor_ready_or_wait);
      g_task_run_in_thread (task, shared_monitor_start_thread);
    }
  G_UNLOCK (shared_monitor);
  return FALSE;
}

/* Waits @ms at most for the monitor's start to be through: whether it is */
static gboolean
shared_monitor_wait (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  gboolean started;

  G_LOCK (shared_monitor);
  while (!shared_monitor_started &&
         g_cond_wait_until (&shared_monitor_cond, &G_LOCK_NAME (shared_monitor), end))
    ;
  started = shared_monitor_started;
  G_UNLOCK (shared_monitor);
  return started;
}

/* Registers @self for the monitor's messages and returns the devices present
 * now (or FALSE when there is no monitor). The monitor's start is through
 * (shared_monitor_ready_or_wait ()). */
static gboolean
shared_monitor_join (BatonDeviceManager  *self,
                     GList              **devices)
{
  GWeakRef *ref;

  if (shared_provider == NULL && shared_monitor == NULL)
    return FALSE;

  G_LOCK (shared_managers);
  if (shared_managers == NULL)
    shared_managers = g_ptr_array_new_with_free_func (weak_ref_free);
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  g_ptr_array_add (shared_managers, ref);
  G_UNLOCK (shared_managers);

  /* Devices that come meanwhile arrive as messages too; adding is idempotent */
  if (shared_provider != NULL)
    *devices = gst_device_provider_get_devices (shared_provider);
  else
    *devices = gst_device_monitor_get_devices (shared_monitor);

  return TRUE;
}

static void
shared_monitor_leave (BatonDeviceManager *self)
{
  G_LOCK (shared_managers);
  for (guint i = 0; shared_managers != NULL && i < shared_managers->len; i++)
    {
      GWeakRef *ref = g_ptr_array_index (shared_managers, i);
      gpointer manager = g_weak_ref_get (ref);

      /* (@self is being finalized: its weak references read NULL) */
      if (manager != NULL)
        g_object_unref (manager);  /* not the last: its owner holds one */
      if (manager == NULL || manager == self)
        {
          g_ptr_array_remove_index_fast (shared_managers, i);
          i--;
        }
    }
  G_UNLOCK (shared_managers);
}

static void
baton_device_manager_constructed (GObject *object)
{
  BatonDeviceManager *self = BATON_DEVICE_MANAGER (object);

  G_OBJECT_CLASS (baton_device_manager_parent_class)->constructed (object);

  /* the monitor's messages come to the context the manager was made in */
  self->context = g_main_context_ref_thread_default ();
}

/* The first use: GStreamer, the shared monitor and the devices present now
 * (the lists are complete before the caller sees them, unless the monitor's
 * first start is still on its way: then monitor_ready () fills them in,
 * with notifications and audio-devices-updated). Every way to read
 * the lists, the selection or the error message comes here first, so their
 * state before is never seen: the first selection and error message are set
 * without notifications, as when the manager started in its constructor
 * (nobody is told of a change from a value nobody could read; a media
 * session following "notify::selected-microphone" is not called back from
 * inside its own first baton_device_manager_create_microphone_element()). */
static void
ensure_started (BatonDeviceManager *self)
{
  GList *devices = NULL;

  if (self->started)
    return;
  self->started = TRUE;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);

  /* The process's first manager (and any made before the monitor is up)
   * waits for it FIRST_START_WAIT_MS at most; past that it starts empty,
   * with no selection and no error message, and fills in when the monitor
   * is up (monitor_ready ()) */
  if (!shared_monitor_ready_or_wait (self) && !shared_monitor_wait (FIRST_START_WAIT_MS))
    {
      BATON_VERBOSE ("Starting: waiting for the device monitor");
      self->waiting = TRUE;
      return;
    }

  self->starting = TRUE;
  BATON_VERBOSE ("Starting: the device monitor");
  self->have_monitor = shared_monitor_join (self, &devices);

  for (GList *l = devices; l != NULL; l = l->next)
    {
      g_autoptr(BatonAudioDevice) added = add_gst_device (self, l->data);
    }
  g_list_free_full (devices, gst_object_unref);

  refresh_selection (self, BATON_AUDIO_DEVICE_TYPE_MICROPHONE);
  refresh_selection (self, BATON_AUDIO_DEVICE_TYPE_SPEAKER);
  update_error_message (self);
  self->starting = FALSE;
}

/* The monitor's first start is through (in @self's context): the devices
 * present now, told as any that come later are, with notifications (the
 * empty lists may have been read meanwhile) */
static void
monitor_ready (BatonDeviceManager *self)
{
  g_autoptr(GListStore) added_store = g_list_store_new (BATON_TYPE_AUDIO_DEVICE);
  g_autoptr(GListStore) removed_store = g_list_store_new (BATON_TYPE_AUDIO_DEVICE);
  GList *devices = NULL;

  if (!self->waiting)
    return;
  self->waiting = FALSE;

  BATON_VERBOSE ("The device monitor is up");
  self->have_monitor = shared_monitor_join (self, &devices);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      g_autoptr(BatonAudioDevice) added = add_gst_device (self, l->data);

      if (added != NULL)
        g_list_store_append (added_store, added);
    }
  g_list_free_full (devices, gst_object_unref);

  refresh_selection (self, BATON_AUDIO_DEVICE_TYPE_MICROPHONE);
  refresh_selection (self, BATON_AUDIO_DEVICE_TYPE_SPEAKER);
  update_error_message (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (added_store)) > 0)
    g_signal_emit (self, signals[AUDIO_DEVICES_UPDATED], 0, added_store, removed_store);
}

static void
baton_device_manager_dispose (GObject *object)
{
  BatonDeviceManager *self = BATON_DEVICE_MANAGER (object);

  g_clear_object (&self->selected_microphone);
  g_clear_object (&self->selected_speaker);

  G_OBJECT_CLASS (baton_device_manager_parent_class)->dispose (object);
}

static void
baton_device_manager_finalize (GObject *object)
{
  BatonDeviceManager *self = BATON_DEVICE_MANAGER (object);

  if (self->have_monitor)
    shared_monitor_leave (self);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_object (&self->microphones);
  g_clear_object (&self->speakers);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->probed_defaults[0], g_free);
  g_clear_pointer (&self->probed_defaults[1], g_free);

  G_OBJECT_CLASS (baton_device_manager_parent_class)->finalize (object);
}

static void
baton_device_manager_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BatonDeviceManager *self = BATON_DEVICE_MANAGER (object);

  ensure_started (self);

  switch (prop_id)
    {
    case PROP_MICROPHONES:
      g_value_set_object (value, self->microphones);
      break;
    case PROP_SPEAKERS:
      g_value_set_object (value, self->speakers);
      break;
    case PROP_SELECTED_MICROPHONE:
      g_value_set_object (value, self->selected_microphone);
      break;
    case PROP_SELECTED_SPEAKER:
      g_value_set_object (value, self->selected_speaker);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_device_manager_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BatonDeviceManager *self = BATON_DEVICE_MANAGER (object);

  switch (prop_id)
    {
    case PROP_SELECTED_MICROPHONE:
      baton_device_manager_select_microphone (self, g_value_get_object (value));
      break;
    case PROP_SELECTED_SPEAKER:
      baton_device_manager_select_speaker (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_device_manager_class_init (BatonDeviceManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = baton_device_manager_constructed;
  object_class->dispose = baton_device_manager_dispose;
  object_class->finalize = baton_device_manager_finalize;
  object_class->get_property = baton_device_manager_get_property;
  object_class->set_property = baton_device_manager_set_property;

  /**
   * BatonDeviceManager:microphones: (getter get_microphones)
   *
   * The microphones, a live list of [class@AudioDevice].
   */
  properties[PROP_MICROPHONES] =
    g_param_spec_object ("microphones", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BatonDeviceManager:speakers: (getter get_speakers)
   *
   * The speakers, a live list of [class@AudioDevice].
   */
  properties[PROP_SPEAKERS] =
    g_param_spec_object ("speakers", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BatonDeviceManager:selected-microphone: (getter get_selected_microphone) (setter select_microphone)
   *
   * The microphone calls use, also calls in progress. Setting %NULL goes
   * back to following the system default; %NULL when there is no microphone.
   */
  properties[PROP_SELECTED_MICROPHONE] =
    g_param_spec_object ("selected-microphone", NULL, NULL, BATON_TYPE_AUDIO_DEVICE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BatonDeviceManager:selected-speaker: (getter get_selected_speaker) (setter select_speaker)
   *
   * The speaker calls use, also calls in progress. Setting %NULL goes
   * back to following the system default; %NULL when there is no speaker.
   */
  properties[PROP_SELECTED_SPEAKER] =
    g_param_spec_object ("selected-speaker", NULL, NULL, BATON_TYPE_AUDIO_DEVICE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BatonDeviceManager:error-message: (getter get_error_message)
   *
   * Why calls cannot use a microphone or a speaker (none was found, no
   * audio system), or %NULL when all is well. Calls still connect.
   */
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BatonDeviceManager::audio-devices-updated:
   * @self: the device manager
   * @added: a list of the [class@AudioDevice]s that appeared
   * @removed: a list of the [class@AudioDevice]s that went away
   *
   * Emitted when devices are plugged in or removed, after the lists and the
   * selection were updated; and with every device there is, when the
   * process's first manager started watching them (see [class@DeviceManager]).
   *
   * The manager watches the devices from its first use on (a list, a
   * selection or the error message read, a call's media made): read the
   * lists once — as anything showing them does — before relying on this
   * signal.
   */
  signals[AUDIO_DEVICES_UPDATED] =
    g_signal_new ("audio-devices-updated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_LIST_MODEL, G_TYPE_LIST_MODEL);
}

static void
baton_device_manager_init (BatonDeviceManager *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  self->microphones = g_list_store_new (BATON_TYPE_AUDIO_DEVICE);
  self->speakers = g_list_store_new (BATON_TYPE_AUDIO_DEVICE);
}

BatonDeviceManager *
baton_device_manager_new (void)
{
  return g_object_new (BATON_TYPE_DEVICE_MANAGER, NULL);
}

/**
 * baton_device_manager_get_microphones: (get-property microphones)
 * @self: a #BatonDeviceManager
 *
 * Returns: (transfer none): the microphones, a live list of [class@AudioDevice]
 */
GListModel *
baton_device_manager_get_microphones (BatonDeviceManager *self)
{
  g_return_val_if_fail (BATON_IS_DEVICE_MANAGER (self), NULL);

  ensure_started (self);
  return G_LIST_MODEL (self->microphones);
}

/**
 * baton_device_manager_get_speakers: (get-property speakers)
 * @self: a #BatonDeviceManager
 *
 * Returns: (transfer none): the speakers, a live list of [class@AudioDevice]
 */
GListModel *
baton_device_manager_get_speakers (BatonDeviceManager *self)
{
  g_return_val_if_fail (BATON_IS_DEVICE_MANAGER (self), NULL);

  ensure_started (self);
  return G_LIST_MODEL (self->speakers);
}

/**
 * baton_device_manager_get_selected_microphone: (get-property selected-microphone)
 * @self: a #BatonDeviceManager
 *
 * Returns: (transfer none) (nullable): the microphone calls use
 */
BatonAudioDevice *
baton_device_manager_get_selected_microphone (BatonDeviceManager *self)
{
  g_return_val_if_fail (BATON_IS_DEVICE_MANAGER (self), NULL);

  ensure_started (self);
  return self->selected_microphone;
}

/**
 * baton_device_manager_get_selected_speaker: (get-property selected-speaker)
 * @self: a #BatonDeviceManager
 *
 * Returns: (transfer none) (nullable): the speaker calls use
 */
BatonAudioDevice *
baton_device_manager_get_selected_speaker (BatonDeviceManager *self)
{
  g_return_val_if_fail (BATON_IS_DEVICE_MANAGER (self), NULL);

  ensure_started (self);
  return self->selected_speaker;
}

static void
select_device (BatonDeviceManager   *self,
               BatonAudioDeviceType  type,
               BatonAudioDevice     *device)
{
  guint position;

  ensure_started (self);
  if (device == NULL)
    {
      set_selection (self, type, find_default (self, type), FALSE);
      return;
    }

  g_return_if_fail (baton_audio_device_get_device_type (device) == type);
  if (!g_list_store_find (store_for (self, type), device, &position))
    {
      /* not a programmer's error: a person picked it just as it was
       * unplugged (the lists had not reached the chooser yet) */
      BATON_WARNING ("%s is not plugged in (any more): the selection stays",
                     baton_audio_device_get_name (device));
      return;
    }

  set_selection (self, type, device, TRUE);
}

/**
 * baton_device_manager_select_microphone: (set-property selected-microphone)
 * @self: a #BatonDeviceManager
 * @device: (nullable): one of [property@DeviceManager:microphones], or %NULL
 *   to follow the system default
 *
 * Makes calls, including calls in progress, use @device. A device that is no
 * longer in the list (unplugged meanwhile) changes nothing.
 */
void
baton_device_manager_select_microphone (BatonDeviceManager *self,
                                        BatonAudioDevice   *device)
{
  g_return_if_fail (BATON_IS_DEVICE_MANAGER (self));
  g_return_if_fail (device == NULL || BATON_IS_AUDIO_DEVICE (device));

  select_device (self, BATON_AUDIO_DEVICE_TYPE_MICROPHONE, device);
}

/**
 * baton_device_manager_select_speaker: (set-property selected-speaker)
 * @self: a #BatonDeviceManager
 * @device: (nullable): one of [property@DeviceManager:speakers], or %NULL
 *   to follow the system default
 *
 * Makes calls, including calls in progress, use @device. A device that is no
 * longer in the list (unplugged meanwhile) changes nothing.
 */
void
baton_device_manager_select_speaker (BatonDeviceManager *self,
                                     BatonAudioDevice   *device)
{
  g_return_if_fail (BATON_IS_DEVICE_MANAGER (self));
  g_return_if_fail (device == NULL || BATON_IS_AUDIO_DEVICE (device));

  select_device (self, BATON_AUDIO_DEVICE_TYPE_SPEAKER, device);
}

/**
 * baton_device_manager_get_error_message: (get-property error-message)
 * @self: a #BatonDeviceManager
 *
 * Returns: (nullable): why calls cannot use a microphone or a speaker, or %NULL
 */
const char *
baton_device_manager_get_error_message (BatonDeviceManager *self)
{
  g_return_val_if_fail (BATON_IS_DEVICE_MANAGER (self), NULL);

  ensure_started (self);
  return self->error_message;
}

/* While the monitor's first start is on its way, nothing is known yet: the
 * sound server's default device, through PulseAudio's elements when there
 * are any (a call that starts meanwhile moves to the device selected once
 * the lists are in: the same one, unless chosen otherwise). NULL without. */
static GstElement *
create_default_element (gboolean    source,
                        const char *name)
{
  GstElement *element = gst_element_factory_make (source ? "pulsesrc" : "pulsesink", name);

  if (element != NULL)
    baton_audio_device_tune_element (element);
  return element;
}

GstElement *
baton_device_manager_create_microphone_element (BatonDeviceManager *self,
                                                const char         *name)
{
  GstElement *element = NULL;

  g_return_val_if_fail (BATON_IS_DEVICE_MANAGER (self), NULL);

  ensure_started (self);
  if (self->waiting)
    element = create_default_element (TRUE, name);
  else if (self->selected_microphone != NULL)
    element = baton_audio_device_create_element (self->selected_microphone, name);

  if (element != NULL && !GST_OBJECT_FLAG_IS_SET (element, GST_ELEMENT_FLAG_SOURCE))
    {
      /* PipeWire 0.3.65's provider makes a pipewiresink for a virtual
       * source that has input ports too (a null sink made an
       * Audio/Source/Virtual, as virtual microphones often are): record
       * from the node by its name instead. */
      BATON_VERBOSE ("%s gave no source element; recording from it with pipewiresrc",
                     baton_audio_device_get_id (self->selected_microphone));
      gst_object_unref (gst_object_ref_sink (element));
      element = gst_element_factory_make ("pipewiresrc", name);
      if (element != NULL)
        {
          g_object_set (element, "target-object", baton_audio_device_get_id (self->selected_microphone), NULL);
          baton_audio_device_tune_element (element);
        }
    }

  if (element == NULL)
    {
      element = gst_element_factory_make ("audiotestsrc", name);
      g_object_set (element, "wave", 4 /* silence */, "is-live", TRUE, NULL);
    }

  return element;
}

GstElement *
baton_device_manager_create_speaker_element (BatonDeviceManager *self,
                                             const char         *name)
{
  GstElement *element = NULL;

  g_return_val_if_fail (BATON_IS_DEVICE_MANAGER (self), NULL);

  ensure_started (self);
  if (self->waiting)
    element = create_default_element (FALSE, name);
  else if (self->selected_speaker != NULL)
    element = baton_audio_device_create_element (self->selected_speaker, name);

  if (element == NULL)
    {
      element = gst_element_factory_make ("fakesink", name);
      g_object_set (element, "sync", FALSE, "async", FALSE, NULL);
    }

  return element;
}

/* The system defaults of the moment, asked in a worker thread.
 *
 * GStreamer 1.22's PulseAudio device provider sets is-default when it lists
 * a device and never updates it when the default changes later; and
 * gst_device_provider_factory_get_by_name() returns the very instance the
 * monitor runs. A fresh instance, started and stopped, asks the server anew
 * (stopping the PulseAudio provider is safe, unlike PipeWire's). */
typedef struct
{
  char *defaults[2];
} ProbedDefaults;

static void
probed_defaults_free (gpointer data)
{
  ProbedDefaults *d = data;

  g_free (d->defaults[0]);
  g_free (d->defaults[1]);
  g_free (d);
}

static void
probe_defaults_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  g_autoptr(GstDeviceProviderFactory) factory = gst_device_provider_factory_find ("pulsedeviceprovider");
  g_autoptr(GstPluginFeature) loaded = NULL;
  g_autoptr(GstDeviceProvider) provider = NULL;
  ProbedDefaults *d = g_new0 (ProbedDefaults, 1);
  GList *devices = NULL;
  GType type;

  if (factory != NULL)
    loaded = gst_plugin_feature_load (GST_PLUGIN_FEATURE (factory));
  if (loaded != NULL &&
      (type = gst_device_provider_factory_get_device_provider_type (GST_DEVICE_PROVIDER_FACTORY (loaded))) != G_TYPE_INVALID)
    provider = gst_object_ref_sink (g_object_new (type, NULL));

  if (provider != NULL && gst_device_provider_start (provider))
    {
      devices = gst_device_provider_get_devices (provider);
      gst_device_provider_stop (provider);
    }

  for (GList *l = devices; l != NULL; l = l->next)
    {
      BatonAudioDeviceType device_type;

      if (!device_is_default (l->data) || !device_type_of (l->data, &device_type) ||
          device_is_monitor (l->data) || d->defaults[device_type] != NULL)
        continue;
      d->defaults[device_type] = device_stable_id (l->data);
    }
  g_list_free_full (devices, gst_object_unref);

  g_task_return_pointer (task, d, probed_defaults_free);
}

/* @user_data: a GWeakRef to the manager, which the probe does not keep alive */
static void
probe_defaults_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BatonDeviceManager) self = g_weak_ref_get (user_data);
  ProbedDefaults *d = g_task_propagate_pointer (G_TASK (result), NULL);
  GHashTableIter iter;
  gpointer value;

  g_weak_ref_clear (user_data);
  g_free (user_data);

  if (d == NULL)
    return;
  if (self == NULL)
    {
      probed_defaults_free (d);
      return;
    }

  for (guint type = 0; type < 2; type++)
    {
      if (d->defaults[type] == NULL)
        continue;
      BATON_VERBOSE ("System default %s: %s",
                     type == BATON_AUDIO_DEVICE_TYPE_MICROPHONE ? "microphone" : "speaker",
                     d->defaults[type]);
      g_free (self->probed_defaults[type]);
      self->probed_defaults[type] = g_steal_pointer (&d->defaults[type]);
    }
  probed_defaults_free (d);

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    entry_refresh (self, value);
  refresh_selection (self, BATON_AUDIO_DEVICE_TYPE_MICROPHONE);
  refresh_selection (self, BATON_AUDIO_DEVICE_TYPE_SPEAKER);
}

void
baton_device_manager_refresh_defaults (BatonDeviceManager *self)
{
  g_autoptr(GTask) task = NULL;
  GWeakRef *ref;

  g_return_if_fail (BATON_IS_DEVICE_MANAGER (self));

  ensure_started (self);
  if (!self->have_monitor)
    return;

  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  task = g_task_new (NULL, NULL, probe_defaults_cb, ref);
  g_task_set_source_tag (task, baton_device_manager_refresh_defaults);
  g_task_run_in_thread (task, probe_defaults_thread);
}
