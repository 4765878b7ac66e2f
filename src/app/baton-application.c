/* baton-application.c: the Baton app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Owns the SDK's client and the signed-in agent, Recent, and the ringtone.
 * The ringing calls are the agent's own list (BatonCallAgent:incoming-calls),
 * passed through a model that follows whichever agent is signed in.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "baton-application-private.h"
#include "baton-call-util.h"
#include "baton-preferences-window.h"
#include "baton-ringer.h"
#include "baton-window.h"


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

/* The ringing calls of the agent going away: no "Missed" in Recent for them
 * (the user signed out or quit); the agent's shutdown takes them out of its
 * list, and so out of ours. */
static void
forget_ringing_calls (BatonApplication *self,
                      BatonCallAgent   *agent)
{
  GListModel *incoming = baton_call_agent_get_incoming_calls (agent);
  guint n = g_list_model_get_n_items (incoming);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonIncomingCall) call = g_list_model_get_item (incoming, i);

      g_signal_handlers_disconnect_by_data (call, self);
    }
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
      forget_ringing_calls (self, self->agent);
      baton_call_agent_shutdown (self->agent);
    }
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_set_object (&self->agent, agent);
  /* The ringing calls now are the new agent's (none without one): rows,
   * notifications and ringtone follow through incoming_changed_cb. */
  gtk_filter_list_model_set_model (self->incoming, agent != NULL ? baton_call_agent_get_incoming_calls (agent) : NULL);
  if (agent != NULL)
    {
      GListModel *calls = baton_call_agent_get_calls (agent);

      g_signal_connect_object (agent, "notify::connection-state", G_CALLBACK (connection_state_cb), self, 0);
      g_signal_connect_object (agent, "notify::disconnect-reason", G_CALLBACK (connection_state_cb), self, 0);
      g_signal_connect_object (calls, "items-changed", G_CALLBACK (baton_application_calls_changed_cb), self, 0);
      baton_application_calls_changed_cb (calls, 0, 0, g_list_model_get_n_items (calls), self);
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

  set_sign_in_error (self, NULL);
  set_signing_in (self, TRUE);
  /* The agent's connection (libsoup, the WebSocket, the service's first
   * answers) is not started before the window's first frame, see
   * first_frame_cb(). The window says "signing in" meanwhile. */
  if (self->before_first_frame)
    {
      self->sign_in_deferred = TRUE;
      return;
    }
  self->sign_in_deferred = FALSE;
  credential = baton_token_credential_new (token);
  options = baton_call_agent_options_new (server_uri);
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
  self->sign_in_deferred = FALSE;
  set_signing_in (self, FALSE);
  if (self->server_uri != NULL)
    secret_password_clear (token_schema (), NULL, NULL, NULL, "server", self->server_uri, NULL);
  g_clear_pointer (&self->token, g_free);
  set_agent (self, NULL);
}

static void
demo_started_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BatonApplication) self = user_data;
  BatonDemoSession *demo = BATON_DEMO_SESSION (object);
  g_autoptr(GError) error = NULL;
  const char * const *contacts;

  if (!baton_demo_session_start_finish (demo, result, &error))
    {
      g_autofree char *message = NULL;

      if (demo != self->demo)
        return;
      set_signing_in (self, FALSE);
      g_message ("The demo did not start: %s", error->message);
      /* Translators: %s is an error message */
      message = g_strdup_printf (_("Could not start the demo: %s"), error->message);
      set_sign_in_error (self, message);
      return;
    }
  if (demo != self->demo)
    return;

  /* Contacts come from the service's directory once signed in; the demo
   * says who is there meanwhile. */
  contacts = baton_demo_session_get_contacts (demo);
  for (guint i = 0; contacts[i] != NULL && contacts[i + 1] != NULL; i += 2)
    baton_contacts_add (self->contacts, contacts[i], contacts[i + 1]);
  set_signing_in (self, FALSE);
  baton_application_sign_in (self, baton_demo_session_get_server_uri (demo),
                             baton_demo_session_get_token (demo), FALSE);
}

/* `baton --demo` and "Try It on This Computer": the real baton-server on
 * 127.0.0.1 with the demo contacts (src/demo), signed in as the local user.
 * They stop when the app quits (or dies). */
void
baton_application_start_demo (BatonApplication *self)
{
  g_return_if_fail (BATON_IS_APPLICATION (self));

  if (self->demo != NULL && baton_demo_session_is_running (self->demo))
    {
      if (baton_demo_session_get_token (self->demo) != NULL)
        baton_application_sign_in (self, baton_demo_session_get_server_uri (self->demo),
                                   baton_demo_session_get_token (self->demo), FALSE);
      return;
    }
  if (self->demo != NULL && self->signing_in)
    return; /* still starting */
  g_clear_object (&self->demo);
  self->demo = baton_demo_session_new (NULL);
  set_sign_in_error (self, NULL);
  set_signing_in (self, TRUE);
  baton_demo_session_start_async (self->demo, NULL, demo_started_cb, g_object_ref (self));
}

/* The device manager starts GStreamer and watches PipeWire's devices: tens
 * of milliseconds and about 3.5 MiB (the plugin registry, the monitor's
 * sound-server clients and threads) that an app at rest without calls does
 * not need. The SDK's manager starts on first use; the app uses it (the
 * ringtone player, the devices chosen in Preferences chosen again) only once
 * a call rings, a call is made or Preferences opens. */
void
baton_application_ensure_devices (BatonApplication *self)
{
  BatonDeviceManager *manager;
  GListModel *microphones;
  GListModel *speakers;

  if (self->ringer != NULL || self->client == NULL)
    return;
  manager = baton_call_client_get_device_manager (self->client);
  microphones = baton_device_manager_get_microphones (manager);
  speakers = baton_device_manager_get_speakers (manager);
  self->ringer = baton_ringer_new (manager);
  g_signal_connect_object (microphones, "items-changed", G_CALLBACK (baton_application_microphones_changed_cb), self, 0);
  g_signal_connect_object (speakers, "items-changed", G_CALLBACK (baton_application_speakers_changed_cb), self, 0);
  baton_application_restore_device (self, microphones, "microphone", TRUE);
  baton_application_restore_device (self, speakers, "speaker", FALSE);
}

static gboolean
deferred_sign_in_cb (gpointer user_data)
{
  BatonApplication *self = user_data;

  self->sign_in_idle_id = 0;
  if (self->sign_in_deferred && self->token != NULL)
    baton_application_sign_in (self, self->server_uri, self->token, FALSE);
  return G_SOURCE_REMOVE;
}

/* The window's first frame is out (or the window went without drawing):
 * the sign-in asked for meanwhile comes now. */
static void
first_frame_cb (GObject          *clock_or_window,
                BatonApplication *self)
{
  GtkWindow *window = g_object_get_data (G_OBJECT (self), "baton-first-window");

  if (!self->before_first_frame)
    return;
  self->before_first_frame = FALSE;
  if (window != NULL)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

      g_signal_handlers_disconnect_by_func (window, first_frame_cb, self);
      if (clock != NULL)
        g_signal_handlers_disconnect_by_func (clock, first_frame_cb, self);
      g_object_set_data (G_OBJECT (self), "baton-first-window", NULL);
    }
  if (self->sign_in_deferred && self->sign_in_idle_id == 0)
    /* Not at idle priority: a spinner (the welcome page's while signing
     * in) asks for a frame after every frame, which would starve it. */
    self->sign_in_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, deferred_sign_in_cb, self, NULL);
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
  { "accept-call", baton_application_accept_call_action, "s" },
  { "decline-call", baton_application_decline_call_action, "s" },
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
  self->before_first_frame = TRUE;
  g_object_set_data (G_OBJECT (self), "baton-first-window", window);
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                           G_CALLBACK (first_frame_cb), self, 0);
  g_signal_connect_object (window, "unrealize", G_CALLBACK (first_frame_cb), self, 0);

  /* Restore the last sign-in, unless the command line asks for another. */
  if (!self->command_line_signs_in)
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

static gboolean
has_calls (BatonApplication *self)
{
  return self->agent != NULL &&
         (g_list_model_get_n_items (baton_call_agent_get_calls (self->agent)) > 0 ||
          g_list_model_get_n_items (G_LIST_MODEL (self->incoming)) > 0);
}

/* The first `baton …` runs here in its own process; every later one while
 * Baton runs is sent here by GApplication (with its environment, for
 * BATON_TOKEN) and gets this function's output and exit status:
 *
 * - no option: the window is presented;
 * - `--server URI` with BATON_TOKEN: signs in to URI with that token (unless
 *   already signed in with exactly those), replacing the account in use —
 *   refused (exit status 1, the reason on stderr) while calls are in
 *   progress or ringing, and without BATON_TOKEN;
 * - `--demo`: starts (or returns to) the demo service and signs in to it,
 *   refused likewise while calls are in progress.
 */
static int
baton_application_command_line (GApplication            *app,
                                GApplicationCommandLine *command_line)
{
  BatonApplication *self = BATON_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree char *server = NULL;
  gboolean demo = g_variant_dict_contains (options, "demo");
  const char *token = NULL;
  const char *refusal = NULL;

  g_variant_dict_lookup (options, "server", "s", &server);
  if (server != NULL)
    token = g_application_command_line_getenv (command_line, "BATON_TOKEN");

  self->command_line_signs_in = server != NULL || demo;
  g_application_activate (app);
  self->command_line_signs_in = FALSE;

  if (server != NULL && (token == NULL || *token == '\0'))
    {
      refusal = _("--server needs the access token in the environment variable BATON_TOKEN");
      set_sign_in_error (self, refusal);
    }
  else if ((server != NULL || demo) && has_calls (self) &&
           !(server != NULL && g_strcmp0 (server, self->server_uri) == 0 &&
             g_strcmp0 (token, self->token) == 0))
    refusal = _("Baton has calls in progress: end them before signing in to another account");

  if (refusal != NULL)
    {
      g_application_command_line_printerr (command_line, "baton: %s\n", refusal);
      return 1;
    }

  if (demo)
    baton_application_start_demo (self);
  else if (server != NULL)
    {
      gboolean same = g_strcmp0 (server, self->server_uri) == 0 && g_strcmp0 (token, self->token) == 0;

      if (!same || (self->agent == NULL && !self->signing_in))
        baton_application_sign_in (self, server, token, FALSE);
    }
  return 0;
}

static int
baton_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("baton %s\n", PACKAGE_VERSION);
      return 0;
    }
  /* Everything else goes to the running instance: command_line above. */
  return -1;
}

static void
baton_application_startup (GApplication *app)
{
  BatonApplication *self = BATON_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };
  /* Also an application accel: GtkWindow's own Ctrl+Shift+D binding (the
   * inspector's, inactive unless enabled) would otherwise stop the window's
   * binding from being reached. */
  static const char *decline_accels[] = { "<Control><Shift>d", NULL };

  G_APPLICATION_CLASS (baton_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.decline", decline_accels);

  /* Cheap: the device manager (and GStreamer with it) starts when a call
   * or Preferences needs it, see baton_application_ensure_devices(). */
  self->client = baton_call_client_new ();
}

static void
baton_application_shutdown (GApplication *app)
{
  BatonApplication *self = BATON_APPLICATION (app);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->sign_in_idle_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  set_agent (self, NULL);
  g_clear_object (&self->ringer);
  if (self->demo != NULL)
    baton_demo_session_stop (self->demo);
  g_clear_object (&self->demo);

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
  g_clear_pointer (&self->notified, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_free (self->server_uri);
  g_free (self->token);
  g_free (self->sign_in_error);

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
  app_class->command_line = baton_application_command_line;

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
  g_application_set_option_context_description (G_APPLICATION (self),
    _("While Baton runs, a new “baton” command is handed to it: no option brings its window "
      "forward; --server (with BATON_TOKEN) or --demo signs it in to that account instead, "
      "unless calls are in progress."));
  self->settings = g_settings_new (APP_ID);
  self->history = baton_history_new (history_path);
  self->contacts = baton_contacts_new ();
  /* No filter: every item of the agent's list passes, as it is, in its
   * order (arrival); only the source model changes with the agent. */
  self->incoming = gtk_filter_list_model_new (NULL, NULL);
  g_signal_connect (self->incoming, "items-changed",
                    G_CALLBACK (baton_application_incoming_changed_cb), self);
  self->notified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

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
                       "flags", flags | G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_SEND_ENVIRONMENT,
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
  baton_application_ensure_devices (self);
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
