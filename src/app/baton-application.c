/* baton-application.c: the Baton app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Owns the SDK's client and the signed-in agent, the incoming calls that
 * ring (the SDK hands them out one by one), Recent, and the ringtone.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "baton-application.h"
#include "baton-call-util.h"
#include "baton-preferences-window.h"
#include "baton-ringer.h"
#include "baton-window.h"

struct _BatonApplication
{
  AdwApplication parent_instance;

  BatonCallClient *client;
  BatonCallAgent *agent;
  GSettings *settings;
  BatonHistory *history;
  BatonContacts *contacts;
  BatonRinger *ringer;
  GListStore *incoming;
  GCancellable *cancellable;

  char *server_uri;
  char *token;
  char *sign_in_error;
  gboolean signing_in;

  char *option_server;
  gboolean option_demo;
  guint retry_id;
};

G_DEFINE_FINAL_TYPE (BatonApplication, baton_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_AGENT,
  PROP_SIGN_IN_ERROR,
  PROP_SIGNING_IN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

static void
set_sign_in_error (BatonApplication *self,
                   const char       *message)
{
  if (g_strcmp0 (self->sign_in_error, message) == 0)
    return;
  g_free (self->sign_in_error);
  self->sign_in_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_IN_ERROR]);
}

static void
set_signing_in (BatonApplication *self,
                gboolean          signing_in)
{
  if (self->signing_in == signing_in)
    return;
  self->signing_in = signing_in;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNING_IN]);
}

static void
update_ringer (BatonApplication *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->incoming)) > 0 &&
      g_settings_get_boolean (self->settings, "ringtone"))
    baton_ringer_start (self->ringer);
  else
    baton_ringer_stop (self->ringer);
}

static gboolean
remove_incoming (BatonApplication  *self,
                 BatonIncomingCall *incoming)
{
  guint position;
  g_autofree char *notification_id = NULL;

  if (!g_list_store_find (self->incoming, incoming, &position))
    return FALSE;
  notification_id = g_strdup_printf ("incoming-%s", baton_incoming_call_get_id (incoming));
  g_application_withdraw_notification (G_APPLICATION (self), notification_id);
  g_signal_handlers_disconnect_by_data (incoming, self);
  g_list_store_remove (self->incoming, position);
  update_ringer (self);
  return TRUE;
}

static void
incoming_ended_cb (BatonIncomingCall *incoming,
                   BatonApplication  *self)
{
  g_autofree char *name = baton_incoming_dup_caller_name (incoming);

  if (remove_incoming (self, incoming))
    baton_history_add (self->history, baton_incoming_call_get_caller_id (incoming), name,
                       TRUE, g_get_real_time () / G_USEC_PER_SEC, _("Missed"));
}

static void
notify_incoming (BatonApplication  *self,
                 BatonIncomingCall *incoming)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *name = baton_incoming_dup_caller_name (incoming);
  g_autofree char *title = NULL;
  g_autofree char *id = g_strdup_printf ("incoming-%s", baton_incoming_call_get_id (incoming));
  const char *call_id = baton_incoming_call_get_id (incoming);

  if (window != NULL && gtk_window_is_active (window))
    return;

  /* Translators: %s is the caller's name */
  title = g_strdup_printf (_("%s is calling"), name);
  notification = g_notification_new (title);
  g_notification_set_body (notification, _("Incoming call"));
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_URGENT);
  g_notification_set_category (notification, "call.incoming");
  g_notification_add_button_with_target (notification, _("Decline"), "app.decline-call", "s", call_id);
  g_notification_add_button_with_target (notification, _("Accept"), "app.accept-call", "s", call_id);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static void
incoming_call_cb (BatonCallAgent    *agent,
                  BatonIncomingCall *incoming,
                  BatonApplication  *self)
{
  g_autofree char *name = baton_incoming_dup_caller_name (incoming);

  g_debug ("Incoming call %s", baton_incoming_call_get_id (incoming));
  baton_contacts_add (self->contacts, baton_incoming_call_get_caller_id (incoming), name);
  g_signal_connect_object (incoming, "ended", G_CALLBACK (incoming_ended_cb), self, 0);
  g_list_store_insert (self->incoming, 0, incoming);
  update_ringer (self);
  notify_incoming (self, incoming);
}

/* Recent: every call that ends, with its outcome. */
static void
call_state_changed_cb (BatonCall        *call,
                       BatonCallState    old_state,
                       BatonCallState    new_state,
                       BatonApplication *self)
{
  g_autofree char *name = NULL;
  g_autofree char *outcome = NULL;
  BatonTransfer *transfer;
  GDateTime *start;

  if (new_state == BATON_CALL_STATE_CONNECTED)
    {
      name = baton_call_dup_remote_name (call);
      baton_contacts_add (self->contacts, baton_call_get_remote_id (call), name);
      return;
    }
  if (new_state != BATON_CALL_STATE_DISCONNECTED ||
      g_object_get_data (G_OBJECT (call), "baton-app-recorded") != NULL)
    return;
  g_object_set_data (G_OBJECT (call), "baton-app-recorded", GINT_TO_POINTER (TRUE));

  name = baton_call_dup_remote_name (call);
  transfer = baton_call_get_app_transfer (call);
  start = baton_call_get_start_time (call);
  if (transfer != NULL && baton_transfer_get_state (transfer) == BATON_TRANSFER_STATE_TRANSFERRED)
    /* Translators: %s is the person the call was transferred to */
    outcome = g_strdup_printf (_("Transferred to %s"), baton_transfer_get_target_name (transfer));
  else if (start != NULL && baton_call_get_end_code (call) == 0)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      gint64 seconds = g_date_time_difference (now, start) / G_TIME_SPAN_SECOND;

      /* Translators: how long a call lasted, minutes:seconds */
      outcome = g_strdup_printf (_("Lasted %d:%02d"), (int) (seconds / 60), (int) (seconds % 60));
    }
  else
    outcome = baton_reason_dup_text (baton_call_get_end_code (call), baton_call_get_end_subcode (call),
                                     baton_call_get_end_message (call), name);
  baton_history_add (self->history, baton_call_get_remote_id (call), name,
                     baton_call_get_direction (call) == BATON_CALL_DIRECTION_INCOMING,
                     g_get_real_time () / G_USEC_PER_SEC, outcome);
}

static void
calls_changed_cb (GListModel       *calls,
                  guint             position,
                  guint             removed,
                  guint             added,
                  BatonApplication *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(BatonCall) call = g_list_model_get_item (calls, i);
      g_autofree char *name = baton_call_dup_remote_name (call);

      if (g_object_get_data (G_OBJECT (call), "baton-app-watched") != NULL)
        continue;
      g_object_set_data (G_OBJECT (call), "baton-app-watched", GINT_TO_POINTER (TRUE));
      baton_contacts_add (self->contacts, baton_call_get_remote_id (call), name);
      g_signal_connect_object (call, "state-changed", G_CALLBACK (call_state_changed_cb), self, 0);
    }
}

static gboolean
retry_cb (gpointer user_data)
{
  baton_application_reconnect (user_data);
  return G_SOURCE_CONTINUE;
}

/* After the SDK gave up retrying, the app keeps trying every few seconds, so
 * the banner leaves by itself when the server is back. */
static void
connection_state_cb (BatonCallAgent   *agent,
                     GParamSpec       *pspec,
                     BatonApplication *self)
{
  if (baton_call_agent_get_connection_state (agent) == BATON_CONNECTION_STATE_DISCONNECTED &&
      baton_call_agent_get_disconnect_reason (agent) == BATON_DISCONNECT_REASON_CONNECTION_ISSUE)
    {
      if (self->retry_id == 0)
        self->retry_id = g_timeout_add_seconds (3, retry_cb, self);
    }
  else
    g_clear_handle_id (&self->retry_id, g_source_remove);
}

static void
set_agent (BatonApplication *self,
           BatonCallAgent   *agent)
{
  if (self->agent == agent)
    return;
  if (self->agent != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->agent, self);
      g_signal_handlers_disconnect_by_data (baton_call_agent_get_calls (self->agent), self);
      baton_call_agent_shutdown (self->agent);
    }
  while (g_list_model_get_n_items (G_LIST_MODEL (self->incoming)) > 0)
    {
      g_autoptr(BatonIncomingCall) incoming = g_list_model_get_item (G_LIST_MODEL (self->incoming), 0);

      remove_incoming (self, incoming);
    }
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_set_object (&self->agent, agent);
  if (agent != NULL)
    {
      GListModel *calls = baton_call_agent_get_calls (agent);

      g_signal_connect_object (agent, "incoming-call", G_CALLBACK (incoming_call_cb), self, 0);
      g_signal_connect_object (agent, "notify::connection-state", G_CALLBACK (connection_state_cb), self, 0);
      g_signal_connect_object (agent, "notify::disconnect-reason", G_CALLBACK (connection_state_cb), self, 0);
      g_signal_connect_object (calls, "items-changed", G_CALLBACK (calls_changed_cb), self, 0);
      calls_changed_cb (calls, 0, 0, g_list_model_get_n_items (calls), self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT]);
}

static void
create_agent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BatonApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCallAgent) agent = NULL;

  agent = baton_call_client_create_call_agent_finish (BATON_CALL_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_signing_in (self, FALSE);
  if (agent == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, BATON_ERROR, BATON_ERROR_INVALID_TOKEN))
        message = g_strdup (_("The access token is not valid or has expired"));
      else
        /* Translators: %s is an error message */
        message = g_strdup_printf (_("Can't sign in: %s"), error->message);
      g_message ("Sign-in failed: %s", error->message);
      set_sign_in_error (self, message);
      return;
    }
  set_sign_in_error (self, NULL);
  set_agent (self, agent);
}

static void
store_token_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_message ("Could not keep the token in the keyring: %s", error->message);
}

void
baton_application_sign_in (BatonApplication *self,
                           const char       *server_uri,
                           const char       *token,
                           gboolean          remember)
{
  g_autoptr(BatonTokenCredential) credential = NULL;
  g_autoptr(BatonCallAgentOptions) options = NULL;

  g_return_if_fail (BATON_IS_APPLICATION (self));
  g_return_if_fail (server_uri != NULL && token != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  /* The arguments may be our own fields (reconnect): copy before freeing. */
  {
    char *uri_copy = g_strdup (server_uri);
    char *token_copy = g_strdup (token);

    g_free (self->server_uri);
    self->server_uri = uri_copy;
    g_free (self->token);
    self->token = token_copy;
    server_uri = self->server_uri;
    token = self->token;
  }

  if (remember)
    {
      g_settings_set_string (self->settings, "server-uri", server_uri);
      secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT,
                             _("Baton access token"), token, NULL, store_token_cb, NULL,
                             "server", server_uri, NULL);
    }

  credential = baton_token_credential_new (token);
  options = baton_call_agent_options_new (server_uri);
  set_sign_in_error (self, NULL);
  set_signing_in (self, TRUE);
  baton_call_client_create_call_agent_async (self->client, credential, options, self->cancellable,
                                             create_agent_cb, g_object_ref (self));
}

void
baton_application_reconnect (BatonApplication *self)
{
  g_return_if_fail (BATON_IS_APPLICATION (self));

  if (self->server_uri == NULL || self->token == NULL || self->signing_in)
    return;
  if (self->agent != NULL &&
      baton_call_agent_get_connection_state (self->agent) == BATON_CONNECTION_STATE_CONNECTED)
    return;
  g_debug ("Reconnecting to %s", self->server_uri);
  /* The old agent stays (and the banner with it) until the new one connects. */
  baton_application_sign_in (self, self->server_uri, self->token, FALSE);
}

void
baton_application_sign_out (BatonApplication *self)
{
  g_return_if_fail (BATON_IS_APPLICATION (self));

  g_cancellable_cancel (self->cancellable);
  set_signing_in (self, FALSE);
  if (self->server_uri != NULL)
    secret_password_clear (token_schema (), NULL, NULL, NULL, "server", self->server_uri, NULL);
  g_clear_pointer (&self->token, g_free);
  set_agent (self, NULL);
}

void
baton_application_start_demo (BatonApplication *self)
{
  g_return_if_fail (BATON_IS_APPLICATION (self));

  /* The embedded demo service is another piece of work (not in this build). */
  set_sign_in_error (self, _("The demo is not available yet in this version of Baton. "
                             "Sign in to a Baton server instead."));
}

BatonCall *
baton_application_accept (BatonApplication  *self,
                          BatonIncomingCall *incoming,
                          GError           **error)
{
  g_autoptr(BatonIncomingCall) hold = NULL;

  g_return_val_if_fail (BATON_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (BATON_IS_INCOMING_CALL (incoming), NULL);

  hold = g_object_ref (incoming);
  remove_incoming (self, incoming);
  return baton_incoming_call_accept (incoming, error);
}

void
baton_application_decline (BatonApplication  *self,
                           BatonIncomingCall *incoming)
{
  g_autoptr(BatonIncomingCall) hold = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (BATON_IS_APPLICATION (self));
  g_return_if_fail (BATON_IS_INCOMING_CALL (incoming));

  hold = g_object_ref (incoming);
  name = baton_incoming_dup_caller_name (incoming);
  remove_incoming (self, incoming);
  baton_incoming_call_reject (incoming);
  baton_history_add (self->history, baton_incoming_call_get_caller_id (incoming), name, TRUE,
                     g_get_real_time () / G_USEC_PER_SEC, _("Declined"));
}

static BatonIncomingCall *
find_incoming (BatonApplication *self,
               const char       *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->incoming));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonIncomingCall) incoming = g_list_model_get_item (G_LIST_MODEL (self->incoming), i);

      if (g_strcmp0 (baton_incoming_call_get_id (incoming), id) == 0)
        return incoming;
    }
  return NULL;
}

static void
accept_call_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  BatonApplication *self = user_data;
  BatonIncomingCall *incoming = find_incoming (self, g_variant_get_string (param, NULL));
  GtkWindow *window;

  g_debug ("Accept %s from a notification", g_variant_get_string (param, NULL));
  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (incoming != NULL && BATON_IS_WINDOW (window))
    baton_window_accept (BATON_WINDOW (window), incoming);
}

static void
decline_call_action (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  BatonApplication *self = user_data;
  BatonIncomingCall *incoming = find_incoming (self, g_variant_get_string (param, NULL));

  if (incoming != NULL)
    baton_application_decline (self, incoming);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  BatonApplication *self = user_data;

  set_agent (self, NULL);
  g_application_quit (G_APPLICATION (self));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  BatonApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  BatonPreferencesWindow *prefs = baton_preferences_window_new (self);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
sign_out_action (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  baton_application_sign_out (user_data);
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  BatonApplication *self = user_data;
  const char *developers[] = { _("The Baton developers"), NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Baton"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: put your names here, one a line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "about", about_action },
  { "sign-out", sign_out_action },
  { "accept-call", accept_call_action, "s" },
  { "decline-call", decline_call_action, "s" },
};

static void
lookup_token_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BatonApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = g_settings_get_string (self->settings, "server-uri");
  char *token = secret_password_lookup_finish (result, &error);

  set_signing_in (self, FALSE);
  if (token == NULL)
    {
      if (error != NULL)
        g_message ("Could not read the keyring: %s", error->message);
      return;
    }
  baton_application_sign_in (self, server, token, FALSE);
  secret_password_free (token);
}

static void
baton_application_activate (GApplication *app)
{
  BatonApplication *self = BATON_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  gboolean first = window == NULL;

  if (window == NULL)
    window = GTK_WINDOW (baton_window_new (self));
  gtk_window_present (window);
  if (!first)
    return;

  if (self->option_demo)
    baton_application_start_demo (self);
  else if (self->option_server != NULL)
    {
      const char *token = g_getenv ("BATON_TOKEN");

      if (token == NULL || *token == '\0')
        set_sign_in_error (self, _("--server needs the access token in the environment variable BATON_TOKEN"));
      else
        baton_application_sign_in (self, self->option_server, token, FALSE);
    }
  else
    {
      g_autofree char *server = g_settings_get_string (self->settings, "server-uri");

      if (*server != '\0')
        {
          set_signing_in (self, TRUE);
          secret_password_lookup (token_schema (), NULL, lookup_token_cb, g_object_ref (self),
                                  "server", server, NULL);
        }
    }
}

static int
baton_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  BatonApplication *self = BATON_APPLICATION (app);

  g_variant_dict_lookup (options, "server", "s", &self->option_server);
  self->option_demo = g_variant_dict_contains (options, "demo");
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("baton %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

/* The microphone and speaker chosen in Preferences are chosen again whenever
 * they are present (at start, or when plugged in). */
static void
restore_device (BatonApplication *self,
                GListModel       *devices,
                const char       *key,
                gboolean          microphone)
{
  BatonDeviceManager *manager = baton_call_client_get_device_manager (self->client);
  g_autofree char *wanted = g_settings_get_string (self->settings, key);
  BatonAudioDevice *selected = microphone ? baton_device_manager_get_selected_microphone (manager)
                                          : baton_device_manager_get_selected_speaker (manager);
  guint n = g_list_model_get_n_items (devices);

  if (*wanted == '\0' || (selected != NULL && g_strcmp0 (baton_audio_device_get_id (selected), wanted) == 0))
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonAudioDevice) device = g_list_model_get_item (devices, i);

      if (g_strcmp0 (baton_audio_device_get_id (device), wanted) != 0)
        continue;
      if (microphone)
        baton_device_manager_select_microphone (manager, device);
      else
        baton_device_manager_select_speaker (manager, device);
      return;
    }
}

static void
microphones_changed_cb (GListModel       *devices,
                        guint             position,
                        guint             removed,
                        guint             added,
                        BatonApplication *self)
{
  if (added > 0)
    restore_device (self, devices, "microphone", TRUE);
}

static void
speakers_changed_cb (GListModel       *devices,
                     guint             position,
                     guint             removed,
                     guint             added,
                     BatonApplication *self)
{
  if (added > 0)
    restore_device (self, devices, "speaker", FALSE);
}

static void
baton_application_startup (GApplication *app)
{
  BatonApplication *self = BATON_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (baton_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay", help_accels);

  self->client = baton_call_client_new ();
  self->ringer = baton_ringer_new (baton_call_client_get_device_manager (self->client));
  {
    BatonDeviceManager *manager = baton_call_client_get_device_manager (self->client);
    GListModel *microphones = baton_device_manager_get_microphones (manager);
    GListModel *speakers = baton_device_manager_get_speakers (manager);

    g_signal_connect_object (microphones, "items-changed", G_CALLBACK (microphones_changed_cb), self, 0);
    g_signal_connect_object (speakers, "items-changed", G_CALLBACK (speakers_changed_cb), self, 0);
    restore_device (self, microphones, "microphone", TRUE);
    restore_device (self, speakers, "speaker", FALSE);
  }
}

static void
baton_application_shutdown (GApplication *app)
{
  BatonApplication *self = BATON_APPLICATION (app);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  set_agent (self, NULL);
  g_clear_object (&self->ringer);

  G_APPLICATION_CLASS (baton_application_parent_class)->shutdown (app);
}

static void
baton_application_finalize (GObject *object)
{
  BatonApplication *self = BATON_APPLICATION (object);

  g_clear_object (&self->agent);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_object (&self->history);
  g_clear_object (&self->contacts);
  g_clear_object (&self->incoming);
  g_clear_object (&self->cancellable);
  g_free (self->server_uri);
  g_free (self->token);
  g_free (self->sign_in_error);
  g_free (self->option_server);

  G_OBJECT_CLASS (baton_application_parent_class)->finalize (object);
}

static void
baton_application_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BatonApplication *self = BATON_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_AGENT:
      g_value_set_object (value, self->agent);
      break;
    case PROP_SIGN_IN_ERROR:
      g_value_set_string (value, self->sign_in_error);
      break;
    case PROP_SIGNING_IN:
      g_value_set_boolean (value, self->signing_in);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_application_class_init (BatonApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = baton_application_finalize;
  object_class->get_property = baton_application_get_property;
  app_class->activate = baton_application_activate;
  app_class->startup = baton_application_startup;
  app_class->shutdown = baton_application_shutdown;
  app_class->handle_local_options = baton_application_handle_local_options;

  properties[PROP_AGENT] =
    g_param_spec_object ("agent", NULL, NULL, BATON_TYPE_CALL_AGENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGN_IN_ERROR] =
    g_param_spec_string ("sign-in-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGNING_IN] =
    g_param_spec_boolean ("signing-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
baton_application_init (BatonApplication *self)
{
  static const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Sign in to the service at URI with the token in BATON_TOKEN"), N_("URI") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Try Baton with a local demo service"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
    { NULL }
  };
  g_autofree char *history_path = g_build_filename (g_get_user_data_dir (), "baton", "history.ini", NULL);

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  self->settings = g_settings_new (APP_ID);
  self->history = baton_history_new (history_path);
  self->contacts = baton_contacts_new ();
  self->incoming = g_list_store_new (BATON_TYPE_INCOMING_CALL);

  /* People from Recent are contacts too. */
  {
    GListModel *recent = baton_history_get_model (self->history);
    guint n = g_list_model_get_n_items (recent);

    for (guint i = 0; i < n; i++)
      {
        g_autoptr(BatonHistoryEntry) entry = g_list_model_get_item (recent, i);

        baton_contacts_add (self->contacts, baton_history_entry_get_peer_id (entry),
                            baton_history_entry_get_peer_name (entry));
      }
  }
}

BatonApplication *
baton_application_new (GApplicationFlags flags)
{
  return g_object_new (BATON_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", flags,
                       "resource-base-path", "/io/github/batonphone/Baton",
                       NULL);
}

BatonApplication *
baton_application_get_default (void)
{
  return BATON_APPLICATION (g_application_get_default ());
}

BatonCallAgent *
baton_application_get_agent (BatonApplication *self)
{
  g_return_val_if_fail (BATON_IS_APPLICATION (self), NULL);
  return self->agent;
}

BatonDeviceManager *
baton_application_get_device_manager (BatonApplication *self)
{
  g_return_val_if_fail (BATON_IS_APPLICATION (self), NULL);
  return baton_call_client_get_device_manager (self->client);
}

GListModel *
baton_application_get_incoming_calls (BatonApplication *self)
{
  g_return_val_if_fail (BATON_IS_APPLICATION (self), NULL);
  return G_LIST_MODEL (self->incoming);
}

BatonHistory *
baton_application_get_history (BatonApplication *self)
{
  g_return_val_if_fail (BATON_IS_APPLICATION (self), NULL);
  return self->history;
}

BatonContacts *
baton_application_get_contacts (BatonApplication *self)
{
  g_return_val_if_fail (BATON_IS_APPLICATION (self), NULL);
  return self->contacts;
}

GSettings *
baton_application_get_settings (BatonApplication *self)
{
  g_return_val_if_fail (BATON_IS_APPLICATION (self), NULL);
  return self->settings;
}

const char *
baton_application_get_server_uri (BatonApplication *self)
{
  g_return_val_if_fail (BATON_IS_APPLICATION (self), NULL);
  return self->server_uri;
}

const char *
baton_application_get_sign_in_error (BatonApplication *self)
{
  g_return_val_if_fail (BATON_IS_APPLICATION (self), NULL);
  return self->sign_in_error;
}

gboolean
baton_application_get_signing_in (BatonApplication *self)
{
  g_return_val_if_fail (BATON_IS_APPLICATION (self), FALSE);
  return self->signing_in;
}
