/* baton-welcome-page.c: first run — sign in, or try the demo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "baton-a11y.h"
#include "baton-welcome-page.h"

struct _BatonWelcomePage
{
  AdwBin parent_instance;

  AdwEntryRow *server_row;
  AdwPasswordEntryRow *token_row;
  GtkLabel *error_label;
  GtkSpinner *spinner;
  GtkButton *sign_in_button;
};

G_DEFINE_FINAL_TYPE (BatonWelcomePage, baton_welcome_page, ADW_TYPE_BIN)

enum {
  SIGN_IN,
  TRY_DEMO,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
next_cb (BatonWelcomePage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
}

static void
sign_in_cb (BatonWelcomePage *self)
{
  g_autofree char *server = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));

  if (*server == '\0')
    {
      baton_welcome_page_set_error (self, _("Enter the address of your Baton server"));
      gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
      return;
    }
  if (!g_str_has_prefix (server, "ws://") && !g_str_has_prefix (server, "wss://"))
    {
      baton_welcome_page_set_error (self, _("The server address starts with ws:// or wss://"));
      gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
      return;
    }
  if (*token == '\0')
    {
      baton_welcome_page_set_error (self, _("Enter the access token you were given"));
      gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
      return;
    }
  baton_welcome_page_set_error (self, NULL);
  g_signal_emit (self, signals[SIGN_IN], 0, server, token);
}

static void
demo_cb (BatonWelcomePage *self)
{
  g_signal_emit (self, signals[TRY_DEMO], 0);
}

static void
baton_welcome_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BATON_TYPE_WELCOME_PAGE);
  G_OBJECT_CLASS (baton_welcome_page_parent_class)->dispose (object);
}

static void
baton_welcome_page_class_init (BatonWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = baton_welcome_page_dispose;

  signals[SIGN_IN] = g_signal_new ("sign-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                   G_TYPE_STRING, G_TYPE_STRING);
  signals[TRY_DEMO] = g_signal_new ("try-demo", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/batonphone/Baton/baton-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BatonWelcomePage, server_row);
  gtk_widget_class_bind_template_child (widget_class, BatonWelcomePage, token_row);
  gtk_widget_class_bind_template_child (widget_class, BatonWelcomePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, BatonWelcomePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, BatonWelcomePage, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, next_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, demo_cb);
}

static void
baton_welcome_page_init (BatonWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  baton_a11y_repair_names (GTK_WIDGET (self));
}

void
baton_welcome_page_set_error (BatonWelcomePage *self,
                              const char       *message)
{
  g_return_if_fail (BATON_IS_WELCOME_PAGE (self));

  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL && *message != '\0');
}

void
baton_welcome_page_set_busy (BatonWelcomePage *self,
                             gboolean          busy)
{
  g_return_if_fail (BATON_IS_WELCOME_PAGE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy);
}

void
baton_welcome_page_set_server (BatonWelcomePage *self,
                               const char       *server)
{
  g_return_if_fail (BATON_IS_WELCOME_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server ? server : "");
}

/* What the page says went wrong, or NULL. */
const char *
baton_welcome_page_get_error (BatonWelcomePage *self)
{
  g_return_val_if_fail (BATON_IS_WELCOME_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_label (self->error_label);
}

const char *
baton_welcome_page_get_server (BatonWelcomePage *self)
{
  g_return_val_if_fail (BATON_IS_WELCOME_PAGE (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->server_row));
}
