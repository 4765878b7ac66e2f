/* baton-preferences-window.c: Audio, Account, Call forwarding
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The device choosers are AdwComboRows over the device manager's own live
 * GListModels (names through a GtkPropertyExpression); the selection goes
 * both ways between the row and the manager's selected-microphone /
 * selected-speaker.
 *
 * Call forwarding is the service's (baton_call_agent_get/set_forwarding_async()):
 * the rows show what it stored, and applying a row (Enter, or its apply
 * button; the seconds a moment after they change) sends all three rows and
 * shows the stored result. The page stays insensitive while not signed in.
 */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "baton-a11y.h"
#include "baton-preferences-window.h"
#include "baton-ringer.h"

struct _BatonPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  BatonApplication *application;
  BatonDeviceManager *devices;
  GstElement *level_pipeline;
  GstElement *tone_pipeline;
  gboolean syncing;
  double level;
  guint level_retry_id;

  AdwComboRow *microphone_row;
  AdwComboRow *speaker_row;
  GtkLevelBar *level_bar;
  GtkButton *test_sound_button;
  GtkSwitch *ringtone_switch;
  AdwActionRow *server_row;
  AdwActionRow *user_row;

  AdwPreferencesGroup *forwarding_group;
  AdwEntryRow *always_row;
  AdwEntryRow *unanswered_row;
  GtkSpinButton *timeout_spin;
  BatonCallAgent *agent;
  GCancellable *forwarding_cancellable;
  guint forwarding_serial;      /* of the last request; older replies are stale */
  guint timeout_save_id;
  gboolean forwarding_syncing;
  guint n_toasts;
  char *last_toast;
};

#define TIMEOUT_SAVE_DELAY_MS 700

G_DEFINE_FINAL_TYPE (BatonPreferencesWindow, baton_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static guint
find_device (GListModel       *model,
             BatonAudioDevice *device)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; device != NULL && i < n; i++)
    {
      g_autoptr(BatonAudioDevice) other = g_list_model_get_item (model, i);

      if (other == device)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
sync_rows (BatonPreferencesWindow *self)
{
  self->syncing = TRUE;
  adw_combo_row_set_selected (self->microphone_row,
                              find_device (baton_device_manager_get_microphones (self->devices),
                                           baton_device_manager_get_selected_microphone (self->devices)));
  adw_combo_row_set_selected (self->speaker_row,
                              find_device (baton_device_manager_get_speakers (self->devices),
                                           baton_device_manager_get_selected_speaker (self->devices)));
  self->syncing = FALSE;
}

/* The level meter */

static void start_level (BatonPreferencesWindow *self);

static gboolean
level_retry_cb (gpointer user_data)
{
  BatonPreferencesWindow *self = user_data;

  self->level_retry_id = 0;
  start_level (self);
  return G_SOURCE_REMOVE;
}

static gboolean
level_bus_cb (GstBus     *bus,
              GstMessage *message,
              gpointer    user_data)
{
  BatonPreferencesWindow *self = user_data;
  const GstStructure *s;
  const GValue *peaks;
  double peak_db = -100;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;

      gst_message_parse_error (message, &error, NULL);
      g_message ("The level meter failed (%s); trying again", error->message);
      if (self->level_retry_id == 0)
        self->level_retry_id = g_timeout_add_seconds (1, level_retry_cb, self);
      return G_SOURCE_CONTINUE;
    }
  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ELEMENT)
    return G_SOURCE_CONTINUE;
  s = gst_message_get_structure (message);
  if (!gst_structure_has_name (s, "level"))
    return G_SOURCE_CONTINUE;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  peaks = gst_structure_get_value (s, "peak");
  if (peaks != NULL && G_VALUE_HOLDS_BOXED (peaks))
    {
      GValueArray *array = g_value_get_boxed (peaks);

      for (guint i = 0; i < array->n_values; i++)
        peak_db = MAX (peak_db, g_value_get_double (g_value_array_get_nth (array, i)));
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  self->level = CLAMP (pow (10.0, peak_db / 20.0), 0.0, 1.0);
  gtk_level_bar_set_value (self->level_bar, self->level);
  return G_SOURCE_CONTINUE;
}

static void
stop_level (BatonPreferencesWindow *self)
{
  g_autoptr(GstBus) bus = NULL;

  g_clear_handle_id (&self->level_retry_id, g_source_remove);
  if (self->level_pipeline == NULL)
    return;
  bus = gst_element_get_bus (self->level_pipeline);
  gst_bus_remove_watch (bus);
  gst_element_set_state (self->level_pipeline, GST_STATE_NULL);
  g_clear_object (&self->level_pipeline);
}

static void
start_level (BatonPreferencesWindow *self)
{
  BatonAudioDevice *mic = baton_device_manager_get_selected_microphone (self->devices);
  g_autoptr(GstBus) bus = NULL;

  stop_level (self);
  self->level_pipeline = baton_audio_new_level_pipeline (mic ? baton_audio_device_get_id (mic) : NULL);
  if (self->level_pipeline == NULL)
    return;
  g_object_ref_sink (self->level_pipeline);
  bus = gst_element_get_bus (self->level_pipeline);
  gst_bus_add_watch (bus, level_bus_cb, self);
  gst_element_set_state (self->level_pipeline, GST_STATE_PLAYING);
}

/* The test sound */

static void
stop_tone (BatonPreferencesWindow *self)
{
  g_autoptr(GstBus) bus = NULL;

  if (self->tone_pipeline == NULL)
    return;
  bus = gst_element_get_bus (self->tone_pipeline);
  gst_bus_remove_watch (bus);
  gst_element_set_state (self->tone_pipeline, GST_STATE_NULL);
  g_clear_object (&self->tone_pipeline);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_sound_button), TRUE);
}

static gboolean
tone_bus_cb (GstBus     *bus,
             GstMessage *message,
             gpointer    user_data)
{
  BatonPreferencesWindow *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS || GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      stop_tone (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
play_test_sound_cb (BatonPreferencesWindow *self)
{
  BatonAudioDevice *speaker = baton_device_manager_get_selected_speaker (self->devices);
  g_autoptr(GstBus) bus = NULL;

  stop_tone (self);
  self->tone_pipeline = baton_audio_new_tone_pipeline (speaker ? baton_audio_device_get_id (speaker) : NULL,
                                                       660.0, 1.0);
  if (self->tone_pipeline == NULL)
    return;
  g_object_ref_sink (self->tone_pipeline);
  bus = gst_element_get_bus (self->tone_pipeline);
  gst_bus_add_watch (bus, tone_bus_cb, self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_sound_button), FALSE);
  gst_element_set_state (self->tone_pipeline, GST_STATE_PLAYING);
}

/* Device selection */

static void
microphone_selected_cb (BatonPreferencesWindow *self)
{
  BatonAudioDevice *device = adw_combo_row_get_selected_item (self->microphone_row);

  if (self->syncing || device == NULL)
    return;
  baton_device_manager_select_microphone (self->devices, device);
  g_settings_set_string (baton_application_get_settings (self->application), "microphone",
                         baton_audio_device_get_id (device));
}

static void
speaker_selected_cb (BatonPreferencesWindow *self)
{
  BatonAudioDevice *device = adw_combo_row_get_selected_item (self->speaker_row);

  if (self->syncing || device == NULL)
    return;
  baton_device_manager_select_speaker (self->devices, device);
  g_settings_set_string (baton_application_get_settings (self->application), "speaker",
                         baton_audio_device_get_id (device));
}

static void
manager_microphone_cb (BatonPreferencesWindow *self)
{
  sync_rows (self);
  start_level (self);
}

/* Call forwarding */

/* A request remembers what the rows showed when it was sent: its reply
 * updates only the rows the user has not edited since, so a reply that
 * arrives while they type (the echo of the previous save, say) never undoes
 * what they typed. */
typedef struct
{
  BatonPreferencesWindow *self;
  guint serial;
  gboolean saving;
  char *always;
  char *unanswered;
  int timeout;
} ForwardingRequest;

static void
forwarding_request_free (ForwardingRequest *request)
{
  g_object_unref (request->self);
  g_free (request->always);
  g_free (request->unanswered);
  g_free (request);
}

/* The row shows @target unless the user typed in it since @sent (what it
 * showed when the request went out). An unchanged text is left alone:
 * gtk_editable_set_text () replaces even an equal text, and done to a row
 * being typed in it moves the cursor and loses the selection (GTK 4.8). */
static void
show_target (GtkEditable *row,
             const char  *sent,
             const char  *target)
{
  const char *now = gtk_editable_get_text (row);

  if (target == NULL)
    target = "";
  if (g_str_equal (now, sent) && !g_str_equal (now, target))
    gtk_editable_set_text (row, target);
}

static void
show_forwarding (BatonPreferencesWindow  *self,
                 BatonForwardingSettings *settings,
                 ForwardingRequest       *request)
{
  const char *always = baton_forwarding_settings_get_always_target (settings);
  const char *unanswered = baton_forwarding_settings_get_unanswered_target (settings);

  self->forwarding_syncing = TRUE;
  show_target (GTK_EDITABLE (self->always_row), request->always, always);
  show_target (GTK_EDITABLE (self->unanswered_row), request->unanswered, unanswered);
  if (gtk_spin_button_get_value_as_int (self->timeout_spin) == request->timeout)
    gtk_spin_button_set_value (self->timeout_spin, baton_forwarding_settings_get_unanswered_timeout (settings));
  self->forwarding_syncing = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->forwarding_group), TRUE);
}

static char *
describe_forwarding_error (const GError *error)
{
  guint code = 0, subcode = 0;

  if (g_error_matches (error, BATON_ERROR, BATON_ERROR_NOT_CONNECTED))
    return g_strdup (_("Not connected to the service"));
  if (baton_error_get_service_code (error, &code, &subcode))
    {
      if (code == 404 && subcode == 0)
        return g_strdup (_("There is no user with that id"));
      if (code == 400 && subcode == 10012)
        return g_strdup (_("You can't forward calls to yourself"));
    }
  return g_strdup (error->message);
}

static void load_forwarding (BatonPreferencesWindow *self);

static void
add_toast (BatonPreferencesWindow *self,
           const char             *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
  baton_a11y_repair_names (GTK_WIDGET (self));  /* the toast's close button */
  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
  self->n_toasts++;
}

static void
forwarding_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ForwardingRequest *request = user_data;
  BatonPreferencesWindow *self = request->self;
  BatonCallAgent *agent = BATON_CALL_AGENT (object);
  g_autoptr(BatonForwardingSettings) settings = NULL;
  g_autoptr(GError) error = NULL;

  if (request->saving)
    settings = baton_call_agent_set_forwarding_finish (agent, result, &error);
  else
    settings = baton_call_agent_get_forwarding_finish (agent, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->application == NULL)
    goto out;

  if (settings == NULL)
    {
      g_autofree char *reason = describe_forwarding_error (error);
      g_autofree char *message = NULL;

      g_message ("Call forwarding: %s", error->message);
      if (request->saving)
        /* Translators: %s says why */
        message = g_strdup_printf (_("Call forwarding was not changed: %s"), reason);
      else
        /* Translators: %s says why */
        message = g_strdup_printf (_("Could not read call forwarding: %s"), reason);
      add_toast (self, message);
      /* Nothing changed on the service: show what it has. */
      if (request->saving && request->serial == self->forwarding_serial)
        load_forwarding (self);
      goto out;
    }

  if (request->serial == self->forwarding_serial)
    show_forwarding (self, settings, request);
  if (request->saving)
    add_toast (self, _("Call forwarding saved"));

out:
  forwarding_request_free (request);
}

static ForwardingRequest *
new_forwarding_request (BatonPreferencesWindow *self,
                        gboolean                saving)
{
  ForwardingRequest *request = g_new0 (ForwardingRequest, 1);

  request->self = g_object_ref (self);
  request->serial = ++self->forwarding_serial;
  request->saving = saving;
  request->always = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->always_row)));
  request->unanswered = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->unanswered_row)));
  request->timeout = gtk_spin_button_get_value_as_int (self->timeout_spin);
  return request;
}

static void
load_forwarding (BatonPreferencesWindow *self)
{
  if (self->agent == NULL ||
      baton_call_agent_get_connection_state (self->agent) != BATON_CONNECTION_STATE_CONNECTED)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->forwarding_group), FALSE);
      return;
    }
  baton_call_agent_get_forwarding_async (self->agent, self->forwarding_cancellable, forwarding_cb,
                                         new_forwarding_request (self, FALSE));
}

static void
save_forwarding (BatonPreferencesWindow *self)
{
  g_autoptr(BatonForwardingSettings) settings = baton_forwarding_settings_new ();
  g_autofree char *always = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->always_row))));
  g_autofree char *unanswered = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->unanswered_row))));

  g_clear_handle_id (&self->timeout_save_id, g_source_remove);
  if (self->agent == NULL)
    return;
  baton_forwarding_settings_set_always_target (settings, always);
  baton_forwarding_settings_set_unanswered_target (settings, unanswered);
  baton_forwarding_settings_set_unanswered_timeout (settings,
                                                    (guint) gtk_spin_button_get_value_as_int (self->timeout_spin));
  baton_call_agent_set_forwarding_async (self->agent, settings, self->forwarding_cancellable, forwarding_cb,
                                         new_forwarding_request (self, TRUE));
}

static void
forwarding_apply_cb (BatonPreferencesWindow *self)
{
  save_forwarding (self);
}

static gboolean
timeout_save_cb (gpointer user_data)
{
  BatonPreferencesWindow *self = user_data;

  self->timeout_save_id = 0;
  save_forwarding (self);
  return G_SOURCE_REMOVE;
}

static void
timeout_changed_cb (BatonPreferencesWindow *self)
{
  if (self->forwarding_syncing)
    return;
  g_clear_handle_id (&self->timeout_save_id, g_source_remove);
  self->timeout_save_id = g_timeout_add (TIMEOUT_SAVE_DELAY_MS, timeout_save_cb, self);
}

static void
agent_connection_cb (BatonPreferencesWindow *self)
{
  load_forwarding (self);
}

static void
set_agent (BatonPreferencesWindow *self,
           BatonCallAgent         *agent)
{
  if (self->agent == agent)
    return;
  if (self->agent != NULL)
    g_signal_handlers_disconnect_by_data (self->agent, self);
  g_set_object (&self->agent, agent);
  if (agent != NULL)
    g_signal_connect_object (agent, "notify::connection-state", G_CALLBACK (agent_connection_cb),
                             self, G_CONNECT_SWAPPED);
  load_forwarding (self);
}

static void
application_agent_cb (BatonPreferencesWindow *self)
{
  set_agent (self, baton_application_get_agent (self->application));
}

static void
baton_preferences_window_dispose (GObject *object)
{
  BatonPreferencesWindow *self = BATON_PREFERENCES_WINDOW (object);

  stop_level (self);
  stop_tone (self);
  /* A change of the seconds still waiting goes out now. */
  if (self->timeout_save_id != 0 && self->agent != NULL)
    save_forwarding (self);
  g_clear_handle_id (&self->timeout_save_id, g_source_remove);
  if (self->agent != NULL)
    g_signal_handlers_disconnect_by_data (self->agent, self);
  g_clear_object (&self->agent);
  g_clear_object (&self->forwarding_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BATON_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->devices);
  g_clear_object (&self->application);
  g_clear_pointer (&self->last_toast, g_free);
  G_OBJECT_CLASS (baton_preferences_window_parent_class)->dispose (object);
}

/* Escape closes the window (the class's binding below), but a text field
 * with the focus — an entry row, the seconds — takes the key for itself
 * before a binding of the window is reached. Seen first here (capture
 * phase), Escape in such a field closes the window too; the search entry and
 * popovers keep their own Escape. */
static gboolean
escape_pressed_cb (BatonPreferencesWindow *self,
                   guint                   keyval,
                   guint                   keycode,
                   GdkModifierType         state)
{
  GtkWidget *focus;

  if (keyval != GDK_KEY_Escape || (state & gtk_accelerator_get_default_mod_mask ()) != 0)
    return GDK_EVENT_PROPAGATE;
  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (focus == NULL || !GTK_IS_TEXT (focus) ||
      gtk_widget_get_native (focus) != GTK_NATIVE (self) ||
      gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY) != NULL)
    return GDK_EVENT_PROPAGATE;
  gtk_window_close (GTK_WINDOW (self));
  return GDK_EVENT_STOP;
}

static void
baton_preferences_window_class_init (BatonPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = baton_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/batonphone/Baton/baton-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BatonPreferencesWindow, microphone_row);
  gtk_widget_class_bind_template_child (widget_class, BatonPreferencesWindow, speaker_row);
  gtk_widget_class_bind_template_child (widget_class, BatonPreferencesWindow, level_bar);
  gtk_widget_class_bind_template_child (widget_class, BatonPreferencesWindow, test_sound_button);
  gtk_widget_class_bind_template_child (widget_class, BatonPreferencesWindow, ringtone_switch);
  gtk_widget_class_bind_template_child (widget_class, BatonPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, BatonPreferencesWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, BatonPreferencesWindow, forwarding_group);
  gtk_widget_class_bind_template_child (widget_class, BatonPreferencesWindow, always_row);
  gtk_widget_class_bind_template_child (widget_class, BatonPreferencesWindow, unanswered_row);
  gtk_widget_class_bind_template_child (widget_class, BatonPreferencesWindow, timeout_spin);
  gtk_widget_class_bind_template_callback (widget_class, play_test_sound_cb);
  gtk_widget_class_bind_template_callback (widget_class, forwarding_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, timeout_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
baton_preferences_window_init (BatonPreferencesWindow *self)
{
  self->forwarding_syncing = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  baton_a11y_repair_names (GTK_WIDGET (self));
  self->forwarding_syncing = FALSE;
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (escape_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self), keys);
  }
  self->forwarding_cancellable = g_cancellable_new ();
}

/* The devices of a combo row, shown as AdwComboRow's own factory shows
 * them — the name, and in the list a check mark on the one selected — but
 * ours, so that a screen reader can name them (baton_a11y_name_row ()). */
static void
device_row_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  with_check)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  if (with_check)
    {
      GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

      gtk_accessible_update_state (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      gtk_box_append (GTK_BOX (box), check);
    }
  gtk_list_item_set_child (item, box);
}

static void
device_row_update_check (GtkListItem *item,
                         GParamSpec  *pspec,
                         AdwComboRow *row)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *check = gtk_widget_get_last_child (box);

  if (GTK_IS_IMAGE (check))
    gtk_widget_set_opacity (check, adw_combo_row_get_selected (row) == gtk_list_item_get_position (item));
}

static void
device_row_selected_cb (AdwComboRow *row,
                        GParamSpec  *pspec,
                        GtkListItem *item)
{
  device_row_update_check (item, NULL, row);
}

static void
device_row_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    AdwComboRow              *row)
{
  BatonAudioDevice *device = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  const char *name = baton_audio_device_get_name (device);

  gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (box)), name);
  baton_a11y_name_row (item, name);
  device_row_update_check (item, NULL, row);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (device_row_selected_cb), item, 0);
  g_signal_connect_object (item, "notify::position", G_CALLBACK (device_row_update_check), row, 0);
}

static void
device_row_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      AdwComboRow              *row)
{
  g_signal_handlers_disconnect_by_func (row, device_row_selected_cb, item);
  g_signal_handlers_disconnect_by_func (item, device_row_update_check, row);
}

static GtkListItemFactory *
device_factory_new (AdwComboRow *row,
                    gboolean     with_check)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (device_row_setup_cb), GINT_TO_POINTER (with_check));
  g_signal_connect_object (factory, "bind", G_CALLBACK (device_row_bind_cb), row, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (device_row_unbind_cb), row, 0);
  return factory;
}

static void
setup_combo (BatonPreferencesWindow *self,
             AdwComboRow            *row,
             GListModel             *model,
             GCallback               selected_cb)
{
  g_autoptr(GtkListItemFactory) factory = device_factory_new (row, FALSE);
  g_autoptr(GtkListItemFactory) list_factory = device_factory_new (row, TRUE);

  /* the expression still serves the row's keyboard search */
  adw_combo_row_set_expression (row, gtk_property_expression_new (BATON_TYPE_AUDIO_DEVICE, NULL, "name"));
  adw_combo_row_set_factory (row, factory);
  adw_combo_row_set_list_factory (row, list_factory);
  adw_combo_row_set_model (row, model);
  g_signal_connect_object (row, "notify::selected", selected_cb, self, G_CONNECT_SWAPPED);
  /* The row may change its selection when devices come and go: put the
   * manager's choice back. */
  g_signal_connect_object (model, "items-changed", G_CALLBACK (sync_rows), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}

BatonPreferencesWindow *
baton_preferences_window_new (BatonApplication *application)
{
  BatonPreferencesWindow *self = g_object_new (BATON_TYPE_PREFERENCES_WINDOW, NULL);
  BatonCallAgent *agent = baton_application_get_agent (application);
  GSettings *settings = baton_application_get_settings (application);

  self->application = g_object_ref (application);
  self->devices = g_object_ref (baton_application_get_device_manager (application));

  self->syncing = TRUE;
  setup_combo (self, self->microphone_row, baton_device_manager_get_microphones (self->devices),
               G_CALLBACK (microphone_selected_cb));
  setup_combo (self, self->speaker_row, baton_device_manager_get_speakers (self->devices),
               G_CALLBACK (speaker_selected_cb));
  self->syncing = FALSE;
  g_signal_connect_object (self->devices, "notify::selected-microphone",
                           G_CALLBACK (manager_microphone_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->devices, "notify::selected-speaker",
                           G_CALLBACK (sync_rows), self, G_CONNECT_SWAPPED);
  sync_rows (self);
  start_level (self);

  g_settings_bind (settings, "ringtone", self->ringtone_switch, "active", G_SETTINGS_BIND_DEFAULT);

  adw_action_row_set_subtitle (self->server_row, baton_application_get_server_uri (application)
                                                 ? baton_application_get_server_uri (application)
                                                 : _("Not signed in"));
  if (agent != NULL)
    {
      g_autofree char *user = g_strdup_printf ("%s (%s)", baton_call_agent_get_display_name (agent),
                                               baton_call_agent_get_user_id (agent));

      adw_action_row_set_subtitle (self->user_row, user);
    }
  else
    adw_action_row_set_subtitle (self->user_row, _("Not signed in"));

  g_signal_connect_object (application, "notify::agent", G_CALLBACK (application_agent_cb),
                           self, G_CONNECT_SWAPPED);
  set_agent (self, agent);

  return self;
}

AdwComboRow *
baton_preferences_window_get_microphone_row (BatonPreferencesWindow *self)
{
  g_return_val_if_fail (BATON_IS_PREFERENCES_WINDOW (self), NULL);
  return self->microphone_row;
}

AdwComboRow *
baton_preferences_window_get_speaker_row (BatonPreferencesWindow *self)
{
  g_return_val_if_fail (BATON_IS_PREFERENCES_WINDOW (self), NULL);
  return self->speaker_row;
}

double
baton_preferences_window_get_level (BatonPreferencesWindow *self)
{
  g_return_val_if_fail (BATON_IS_PREFERENCES_WINDOW (self), 0);
  return self->level;
}

AdwEntryRow *
baton_preferences_window_get_always_row (BatonPreferencesWindow *self)
{
  g_return_val_if_fail (BATON_IS_PREFERENCES_WINDOW (self), NULL);
  return self->always_row;
}

AdwEntryRow *
baton_preferences_window_get_unanswered_row (BatonPreferencesWindow *self)
{
  g_return_val_if_fail (BATON_IS_PREFERENCES_WINDOW (self), NULL);
  return self->unanswered_row;
}

GtkSpinButton *
baton_preferences_window_get_timeout_spin (BatonPreferencesWindow *self)
{
  g_return_val_if_fail (BATON_IS_PREFERENCES_WINDOW (self), NULL);
  return self->timeout_spin;
}

/* Whether the forwarding rows show the service's settings (signed in and read). */
gboolean
baton_preferences_window_get_forwarding_ready (BatonPreferencesWindow *self)
{
  g_return_val_if_fail (BATON_IS_PREFERENCES_WINDOW (self), FALSE);
  return gtk_widget_get_sensitive (GTK_WIDGET (self->forwarding_group));
}

/**
 * baton_preferences_window_get_toasts:
 * @self: a #BatonPreferencesWindow
 * @last: (out) (optional) (transfer none): the text of the last toast shown
 *
 * Returns: how many toasts the window has shown (for tests)
 */
guint
baton_preferences_window_get_toasts (BatonPreferencesWindow  *self,
                                     const char             **last)
{
  g_return_val_if_fail (BATON_IS_PREFERENCES_WINDOW (self), 0);
  if (last != NULL)
    *last = self->last_toast;
  return self->n_toasts;
}
