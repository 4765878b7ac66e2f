/* baton-window.c: the main window — sign-in, selection, banner, toasts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Split by concern: actions and shortcuts in baton-window-actions.c, drag
 * and drop in baton-window-dnd.c, the sidebar's lists in
 * baton-window-sidebar.c; the instance struct is in baton-window-private.h.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "baton-a11y.h"
#include "baton-call-row.h"
#include "baton-call-util.h"
#include "baton-window-private.h"

G_DEFINE_FINAL_TYPE (BatonWindow, baton_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_APPLICATION_OBJECT,
  PROP_SELECTED_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Sign-in */

static void
welcome_sign_in_cb (BatonWindow *self,
                    const char  *server,
                    const char  *token)
{
  baton_application_sign_in (self->application, server, token, TRUE);
}

static void
welcome_try_demo_cb (BatonWindow *self)
{
  baton_application_start_demo (self->application);
}

/* The welcome page is built when it is to be shown (every launch draws its
 * first frame on it) and dropped once the calls page has replaced it: a
 * signed-in window never shows it, and its widgets and large icon were
 * ~0.5 MiB of private memory at rest (docs/PERFORMANCE.md, App). The
 * server address in it is kept for the next one. */
static BatonWelcomePage *
ensure_welcome_page (BatonWindow *self)
{
  if (self->welcome_page == NULL)
    {
      self->welcome_page = g_object_new (BATON_TYPE_WELCOME_PAGE, NULL);
      g_signal_connect_object (self->welcome_page, "sign-in", G_CALLBACK (welcome_sign_in_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->welcome_page, "try-demo", G_CALLBACK (welcome_try_demo_cb),
                               self, G_CONNECT_SWAPPED);
      baton_welcome_page_set_server (self->welcome_page, self->welcome_server);
      gtk_stack_add_named (self->main_stack, GTK_WIDGET (self->welcome_page), "welcome");
    }
  return self->welcome_page;
}

/* Once signed in and the crossfade to the calls page has ended. */
static void
maybe_drop_welcome_page (BatonWindow *self)
{
  if (self->welcome_page == NULL ||
      baton_application_get_agent (self->application) == NULL ||
      gtk_stack_get_visible_child (self->main_stack) == GTK_WIDGET (self->welcome_page) ||
      gtk_stack_get_transition_running (self->main_stack))
    return;

  g_free (self->welcome_server);
  self->welcome_server = g_strdup (baton_welcome_page_get_server (self->welcome_page));
  gtk_stack_remove (self->main_stack, GTK_WIDGET (self->welcome_page));
  self->welcome_page = NULL;
}

static void
update_page (BatonWindow *self)
{
  BatonApplication *app = self->application;
  gboolean signed_in = baton_application_get_agent (app) != NULL;

  if (signed_in)
    {
      baton_window_ensure_calls_page (self);
      gtk_stack_set_visible_child_name (self->main_stack, "calls");
      maybe_drop_welcome_page (self);
      return;
    }

  gtk_stack_set_visible_child (self->main_stack, GTK_WIDGET (ensure_welcome_page (self)));
  baton_welcome_page_set_error (self->welcome_page, baton_application_get_sign_in_error (app));
  baton_welcome_page_set_busy (self->welcome_page, baton_application_get_signing_in (app));
}

/* The banner: shown whenever the agent is disconnected. */

static void
update_banner (BatonWindow *self)
{
  BatonCallAgent *agent = self->agent;
  gboolean show = agent != NULL &&
                  baton_call_agent_get_connection_state (agent) == BATON_CONNECTION_STATE_DISCONNECTED;

  if (self->banner_revealer == NULL)
    return;
  if (show)
    {
      if (baton_call_agent_get_disconnect_reason (agent) == BATON_DISCONNECT_REASON_INVALID_TOKEN)
        {
          gtk_label_set_label (self->banner_label, _("Your sign-in has expired"));
          gtk_button_set_label (self->banner_button, _("Sign In Again"));
        }
      else
        {
          gtk_label_set_label (self->banner_label, _("Can't reach the server — retrying"));
          gtk_button_set_label (self->banner_button, _("Retry Now"));
        }
    }
  gtk_revealer_set_reveal_child (self->banner_revealer, show);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_revealer), show);
}

static void
banner_button_cb (BatonWindow *self)
{
  if (self->agent != NULL &&
      baton_call_agent_get_disconnect_reason (self->agent) == BATON_DISCONNECT_REASON_INVALID_TOKEN)
    {
      baton_welcome_page_set_server (ensure_welcome_page (self),
                                     baton_application_get_server_uri (self->application));
      baton_application_sign_out (self->application);
    }
  else
    baton_application_reconnect (self->application);
}

/* Transfers started from this window */

static void
refresh_call (BatonWindow *self,
              BatonCall   *call)
{
  GtkWidget *row = baton_window_get_row_for_item (self, G_OBJECT (call));

  if (row != NULL)
    baton_call_row_refresh (BATON_CALL_ROW (row));
  if (baton_window_get_selected_item (self) == G_OBJECT (call))
    baton_call_view_set_item (self->call_view, G_OBJECT (call));
  baton_window_update_actions (self);
}

static void
transfer_state_cb (BatonTransfer *transfer,
                   GParamSpec    *pspec,
                   BatonWindow   *self)
{
  BatonCall *call = g_object_get_data (G_OBJECT (transfer), "baton-app-call");
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (call == NULL)
    return;
  /* Hanging up below may drop the agent's (the only) reference. */
  g_object_ref (call);
  name = baton_call_dup_remote_name (call);
  switch (baton_transfer_get_state (transfer))
    {
    case BATON_TRANSFER_STATE_TRANSFERRED:
      /* Translators: "Alice transferred to Bob" */
      message = g_strdup_printf (_("%s transferred to %s"), name,
                                 baton_transfer_get_target_name (transfer));
      baton_window_add_toast (self, message);
      /* The SDK reports; the app ends its side of the original call. */
      if (baton_call_is_live (call))
        baton_call_hang_up (call);
      break;
    case BATON_TRANSFER_STATE_FAILED:
      {
        g_autofree char *reason = baton_reason_dup_text (baton_transfer_get_error_code (transfer),
                                                         baton_transfer_get_error_subcode (transfer),
                                                         baton_transfer_get_error_message (transfer),
                                                         baton_transfer_get_target_name (transfer));
        /* Translators: "Bob is busy — Alice is back on the line" */
        message = g_strdup_printf (_("%s — %s is back on the line"), reason, name);
        baton_window_add_toast (self, message);
        if (baton_call_is_live (call))
          baton_window_select_item (self, G_OBJECT (call));
      }
      break;
    case BATON_TRANSFER_STATE_NONE:
    case BATON_TRANSFER_STATE_TRANSFERRING:
    default:
      break;
    }
  refresh_call (self, call);
  g_object_unref (call);
}

static void
watch_transfer (BatonWindow   *self,
                BatonCall     *call,
                BatonTransfer *transfer,
                const char    *target_name)
{
  baton_call_set_app_transfer (call, transfer, target_name);
  g_object_set_data (G_OBJECT (transfer), "baton-app-call", call);
  g_signal_connect_object (transfer, "notify::state", G_CALLBACK (transfer_state_cb), self, 0);
  refresh_call (self, call);
  /* It may have finished already. */
  transfer_state_cb (transfer, NULL, self);
}

static void
transfer_error (BatonWindow *self,
                GError      *error)
{
  g_autofree char *message = NULL;
  guint code = 0, subcode = 0;

  if (baton_error_get_service_code (error, &code, &subcode))
    message = baton_reason_dup_text (code, subcode, error->message, NULL);
  else
    /* Translators: %s is an error message */
    message = g_strdup_printf (_("Can't transfer: %s"), error->message);
  baton_window_add_toast (self, message);
}

void
baton_window_transfer_to_person (BatonWindow *self,
                                 BatonCall   *call,
                                 const char  *target_id,
                                 gboolean     disable_forwarding_and_unanswered)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonTransfer) transfer = NULL;
  const char *name;

  g_return_if_fail (BATON_IS_WINDOW (self));
  g_return_if_fail (BATON_IS_CALL (call));
  g_return_if_fail (target_id != NULL);

  transfer = baton_transfer_call_feature_transfer_to_participant (baton_call_get_transfer_feature (call),
                                                                  target_id,
                                                                  disable_forwarding_and_unanswered,
                                                                  &error);
  if (transfer == NULL)
    {
      transfer_error (self, error);
      return;
    }
  name = baton_contacts_lookup_name (baton_application_get_contacts (self->application), target_id);
  watch_transfer (self, call, transfer, name ? name : target_id);
}

void
baton_window_transfer_to_call (BatonWindow *self,
                               BatonCall   *call,
                               BatonCall   *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonTransfer) transfer = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (BATON_IS_WINDOW (self));
  g_return_if_fail (BATON_IS_CALL (call));
  g_return_if_fail (BATON_IS_CALL (target));

  transfer = baton_transfer_call_feature_transfer_to_call (baton_call_get_transfer_feature (call),
                                                           baton_call_get_id (target), &error);
  if (transfer == NULL)
    {
      transfer_error (self, error);
      return;
    }
  name = baton_call_dup_remote_name (target);
  watch_transfer (self, call, transfer, name);
}

/* The transferee's side: "Carol is transferring you to Bob", then the new
 * call, selected. */
static void
transfer_accepted_cb (BatonTransferCallFeature *feature,
                      BatonCall                *new_call,
                      BatonWindow              *self)
{
  BatonCall *original = g_object_get_data (G_OBJECT (feature), "baton-app-call");
  g_autofree char *transferor = original ? baton_call_dup_remote_name (original) : NULL;
  g_autofree char *target = baton_call_dup_remote_name (new_call);
  g_autofree char *message = NULL;

  /* Translators: "Carol is transferring you to Bob" */
  message = g_strdup_printf (_("%s is transferring you to %s"), transferor ? transferor : _("Somebody"),
                             target);
  baton_window_add_toast (self, message);
  self->pending_select = G_OBJECT (new_call);
  baton_window_select_item (self, G_OBJECT (new_call));
}

static void
calls_changed_cb (GListModel  *calls,
                  guint        position,
                  guint        removed,
                  guint        added,
                  BatonWindow *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(BatonCall) call = g_list_model_get_item (calls, i);
      BatonTransferCallFeature *feature = baton_call_get_transfer_feature (call);

      if (g_object_get_data (G_OBJECT (feature), "baton-app-call") != NULL)
        continue;
      g_object_set_data (G_OBJECT (feature), "baton-app-call", call);
      g_signal_connect_object (feature, "transfer-accepted", G_CALLBACK (transfer_accepted_cb), self, 0);
      g_signal_connect_object (call, "notify::state", G_CALLBACK (baton_window_update_actions),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (call, "notify::is-muted", G_CALLBACK (baton_window_update_actions),
                               self, G_CONNECT_SWAPPED);
    }
}

static void
agent_changed_cb (BatonWindow *self)
{
  BatonCallAgent *agent = baton_application_get_agent (self->application);

  if (self->agent != NULL)
    g_signal_handlers_disconnect_by_data (baton_call_agent_get_calls (self->agent), self);
  if (agent != NULL)
    baton_window_ensure_calls_page (self);
  g_set_object (&self->agent, agent);
  g_signal_group_set_target (self->agent_signals, agent);
  baton_window_sidebar_set_agent (self, agent);
  if (agent != NULL)
    {
      GListModel *calls = baton_call_agent_get_calls (agent);

      g_signal_connect_object (calls, "items-changed", G_CALLBACK (calls_changed_cb), self, 0);
      calls_changed_cb (calls, 0, 0, g_list_model_get_n_items (calls), self);
      adw_window_title_set_subtitle (self->sidebar_title, baton_call_agent_get_display_name (agent));
    }
  update_banner (self);
  update_page (self);
  baton_window_update_actions (self);
}

/* The calls page */

static void selected_rows_changed_cb (BatonWindow *self);

/* The sidebar and the selected call's view are built the first time there
 * is an agent to show, not with the window: every launch draws its first
 * frame on the welcome page (a remembered sign-in is started after that
 * frame, see baton-application.c), and building this page, with its menu,
 * lists, search field and call view, took about as long as the rest of
 * the window (docs/PERFORMANCE.md, App). */
void
baton_window_ensure_calls_page (BatonWindow *self)
{
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (BATON_IS_WINDOW (self));

  if (self->leaflet != NULL)
    return;
  builder = gtk_builder_new ();
  if (!gtk_builder_add_from_resource (builder, "/io/github/batonphone/Baton/baton-window-calls.ui", &error))
    g_error ("baton-window-calls.ui: %s", error->message);
#define GET(field) self->field = (gpointer) gtk_builder_get_object (builder, #field)
  GET (leaflet);
  GET (search_entry);
  GET (calls_list);
  GET (calls_label);
  GET (recent_list);
  GET (recent_label);
  GET (contacts_list);
  GET (contacts_label);
  GET (sidebar_title);
  GET (banner_revealer);
  GET (banner_label);
  GET (banner_button);
  GET (call_view);
#undef GET
  /* (Bound here: with <binding> in a non-template .ui, GTK 4.8 warns
   * "g_object_weak_unref: couldn't find weak ref" as the window goes.) */
  g_object_bind_property (self->leaflet, "folded", gtk_builder_get_object (builder, "sidebar_header"),
                          "show-end-title-buttons", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->leaflet, "folded", gtk_builder_get_object (builder, "content_header"),
                          "show-start-title-buttons", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->leaflet, "folded", gtk_builder_get_object (builder, "back_button"),
                          "visible", G_BINDING_SYNC_CREATE);
  gtk_stack_add_named (self->main_stack, GTK_WIDGET (self->leaflet), "calls");

  g_signal_connect_swapped (self->search_entry, "activate", G_CALLBACK (baton_window_search_activate), self);
  g_signal_connect_swapped (self->banner_button, "clicked", G_CALLBACK (banner_button_cb), self);
  g_signal_connect_swapped (self->calls_list, "selected-rows-changed",
                            G_CALLBACK (selected_rows_changed_cb), self);
  baton_window_sidebar_bind (self);
  if (self->agent != NULL)
    adw_window_title_set_subtitle (self->sidebar_title, baton_call_agent_get_display_name (self->agent));
  update_banner (self);
}

/* Selection */

GObject *
baton_window_get_selected_item (BatonWindow *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (BATON_IS_WINDOW (self), NULL);

  if (self->calls_list == NULL)
    return NULL;
  row = gtk_list_box_get_selected_row (self->calls_list);
  return row ? baton_call_row_get_item (BATON_CALL_ROW (row)) : NULL;
}

BatonCall *
baton_window_get_selected_call (BatonWindow *self)
{
  GObject *item = baton_window_get_selected_item (self);

  return BATON_IS_CALL (item) ? BATON_CALL (item) : NULL;
}

void
baton_window_select_item (BatonWindow *self,
                          GObject     *item)
{
  GtkWidget *row;

  g_return_if_fail (BATON_IS_WINDOW (self));

  row = item ? baton_window_get_row_for_item (self, item) : NULL;
  if (row == NULL)
    {
      /* Not listed yet (e.g. a call just started): select it once it is. */
      self->pending_select = item;
      return;
    }
  if (self->pending_select == item)
    self->pending_select = NULL;
  gtk_list_box_select_row (self->calls_list, GTK_LIST_BOX_ROW (row));
}

static void
selected_rows_changed_cb (BatonWindow *self)
{
  GObject *item = baton_window_get_selected_item (self);

  baton_call_view_set_item (self->call_view, item);
  /* Only when folded: AdwLeaflet moves the focus into the page it
   * navigates to, which side by side would take it from wherever the user
   * is (typing in the search field when a call rings and is selected). */
  if (item != NULL && adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  baton_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

void
baton_window_accept (BatonWindow       *self,
                     BatonIncomingCall *incoming)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BatonCall) call = NULL;

  g_return_if_fail (BATON_IS_WINDOW (self));
  g_return_if_fail (BATON_IS_INCOMING_CALL (incoming));

  call = baton_application_accept (self->application, incoming, &error);
  if (call == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Can't answer: %s"), error->message);

      baton_window_add_toast (self, message);
      return;
    }
  baton_window_select_item (self, G_OBJECT (call));
}

/* Toasts */

void
baton_window_add_toast (BatonWindow *self,
                        const char  *title)
{
  AdwToast *toast;

  g_return_if_fail (BATON_IS_WINDOW (self));

  g_debug ("Toast: %s", title);
  g_free (self->last_toast);
  self->last_toast = g_strdup (title);
  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, 5);
  /* Outcomes are news: the newest one shows at once. */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  baton_a11y_repair_names (GTK_WIDGET (self->toast_overlay));  /* its close button */
}

/* The text of the last toast, for tests and screen readers' logs. */
const char *
baton_window_get_last_toast (BatonWindow *self)
{
  g_return_val_if_fail (BATON_IS_WINDOW (self), NULL);
  return self->last_toast;
}

/* GObject */

static void
baton_window_constructed (GObject *object)
{
  BatonWindow *self = BATON_WINDOW (object);
  GSettings *settings = baton_application_get_settings (self->application);

  G_OBJECT_CLASS (baton_window_parent_class)->constructed (object);

  gtk_window_set_application (GTK_WINDOW (self), GTK_APPLICATION (self->application));
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  self->welcome_server = g_settings_get_string (settings, "server-uri");
  g_signal_connect_object (self->main_stack, "notify::transition-running",
                           G_CALLBACK (maybe_drop_welcome_page), self, G_CONNECT_SWAPPED);

  baton_window_sidebar_init (self);
  g_signal_connect_object (self->application, "notify::agent", G_CALLBACK (agent_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->application, "notify::sign-in-error", G_CALLBACK (update_page),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->application, "notify::signing-in", G_CALLBACK (update_page),
                           self, G_CONNECT_SWAPPED);
  agent_changed_cb (self);
}

static gboolean
baton_window_close_request (GtkWindow *window)
{
  BatonWindow *self = BATON_WINDOW (window);
  GSettings *settings = baton_application_get_settings (self->application);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (baton_window_parent_class)->close_request (window);
}

static void
baton_window_dispose (GObject *object)
{
  BatonWindow *self = BATON_WINDOW (object);

  if (self->agent != NULL)
    g_signal_handlers_disconnect_by_data (baton_call_agent_get_calls (self->agent), self);
  g_clear_object (&self->agent);
  g_clear_object (&self->agent_signals);
  if (self->application != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->application, self);
      g_signal_handlers_disconnect_by_data (baton_history_get_model (baton_application_get_history (self->application)),
                                            self);
    }
  if (self->contacts != NULL)
    g_signal_handlers_disconnect_by_data (self->contacts, self);
  if (self->calls != NULL)
    g_signal_handlers_disconnect_by_data (self->calls, self);
  if (self->calls_list != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->calls_list, self);
      gtk_list_box_bind_model (self->calls_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->recent_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->contacts_list, NULL, NULL, NULL, NULL);
    }
  if (self->main_stack != NULL)
    g_signal_handlers_disconnect_by_func (self->main_stack, maybe_drop_welcome_page, self);
  self->welcome_page = NULL;  /* the stack's */
  gtk_widget_dispose_template (GTK_WIDGET (self), BATON_TYPE_WINDOW);
  /* Not template children: owned by the stack, which goes with the window. */
  self->leaflet = NULL;
  self->search_entry = NULL;
  self->calls_list = NULL;
  self->calls_label = self->recent_label = self->contacts_label = NULL;
  self->recent_list = self->contacts_list = NULL;
  self->sidebar_title = NULL;
  self->banner_revealer = NULL;
  self->banner_label = NULL;
  self->banner_button = NULL;
  self->call_view = NULL;
  g_clear_object (&self->calls);
  g_clear_object (&self->call_models);
  g_clear_object (&self->contacts);
  self->pending_select = NULL;

  G_OBJECT_CLASS (baton_window_parent_class)->dispose (object);
}

static void
baton_window_finalize (GObject *object)
{
  BatonWindow *self = BATON_WINDOW (object);

  g_free (self->last_toast);
  g_free (self->welcome_server);
  g_clear_object (&self->application);
  G_OBJECT_CLASS (baton_window_parent_class)->finalize (object);
}

static void
baton_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  BatonWindow *self = BATON_WINDOW (object);

  switch (prop_id)
    {
    case PROP_APPLICATION_OBJECT:
      g_value_set_object (value, self->application);
      break;
    case PROP_SELECTED_ITEM:
      g_value_set_object (value, baton_window_get_selected_item (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_window_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  BatonWindow *self = BATON_WINDOW (object);

  switch (prop_id)
    {
    case PROP_APPLICATION_OBJECT:
      self->application = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_window_class_init (BatonWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = baton_window_constructed;
  object_class->dispose = baton_window_dispose;
  object_class->finalize = baton_window_finalize;
  object_class->get_property = baton_window_get_property;
  object_class->set_property = baton_window_set_property;
  window_class->close_request = baton_window_close_request;

  properties[PROP_APPLICATION_OBJECT] =
    g_param_spec_object ("baton-application", NULL, NULL, BATON_TYPE_APPLICATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_ITEM] =
    g_param_spec_object ("selected-item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BATON_TYPE_WELCOME_PAGE);
  g_type_ensure (BATON_TYPE_CALL_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/batonphone/Baton/baton-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BatonWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BatonWindow, main_stack);

  baton_window_class_init_actions (widget_class);
}

static void
baton_window_init (BatonWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  baton_window_init_call_shortcuts (self);

  self->agent_signals = g_signal_group_new (BATON_TYPE_CALL_AGENT);
  g_signal_group_connect_swapped (self->agent_signals, "notify::connection-state",
                                  G_CALLBACK (update_banner), self);
  g_signal_group_connect_swapped (self->agent_signals, "notify::disconnect-reason",
                                  G_CALLBACK (update_banner), self);
}

BatonWindow *
baton_window_new (BatonApplication *application)
{
  return g_object_new (BATON_TYPE_WINDOW, "baton-application", application, NULL);
}
