/* baton-call-view.c: the selected call, with its buttons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every label and button is bound in the .ui to the view-model; the buttons
 * activate the window's actions (win.toggle-mute, win.transfer, …), which
 * the window enables for the selected call.
 *
 * The call page (baton-call-page.ui: the buttons and the keypad) is built
 * the first time there is something to show on it, not with the main
 * window: most launches show no call for a while, and it is most of this
 * view's widgets.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "baton-call-util.h"
#include "baton-call-view.h"

struct _BatonCallView
{
  AdwBin parent_instance;

  BatonCallViewModel *view_model;
  GtkStack *stack;
  GtkToggleButton *keypad_button; /* NULL until the call page is built */
  GtkWidget *mute_button;
  GtkWidget *hold_button;
};

G_DEFINE_FINAL_TYPE (BatonCallView, baton_call_view, ADW_TYPE_BIN)

static void
set_button_text (GtkWidget  *button,
                 const char *label,
                 const char *tooltip)
{
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Mute and Hold say what they will do now — "Unmute" on a muted call,
 * "Resume" on a held one — to the eye (tooltip) and to a screen reader
 * (accessible name), not only through their icon. */
static void
update_toggle_buttons (BatonCallView *self)
{
  BatonCall *call = baton_call_view_model_get_call (self->view_model);
  gboolean muted = call != NULL && baton_call_get_is_muted (call);
  gboolean held = call != NULL && baton_call_get_state (call) == BATON_CALL_STATE_LOCAL_HOLD;

  if (self->mute_button == NULL)
    return;
  if (muted)
    set_button_text (self->mute_button, _("Unmute"), _("Unmute (Ctrl+Shift+M)"));
  else
    set_button_text (self->mute_button, _("Mute"), _("Mute (Ctrl+Shift+M)"));
  if (held)
    set_button_text (self->hold_button, _("Resume"), _("Resume (Ctrl+Shift+P)"));
  else
    set_button_text (self->hold_button, _("Hold"), _("Hold (Ctrl+Shift+P)"));
}

static void
ensure_call_page (BatonCallView *self)
{
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;

  if (self->keypad_button != NULL)
    return;
  builder = gtk_builder_new ();
  gtk_builder_expose_object (builder, "view_model", G_OBJECT (self->view_model));
  if (!gtk_builder_add_from_resource (builder, "/io/github/batonphone/Baton/baton-call-page.ui", &error))
    g_error ("baton-call-page.ui: %s", error->message);
  self->keypad_button = GTK_TOGGLE_BUTTON (gtk_builder_get_object (builder, "keypad_button"));
  self->mute_button = GTK_WIDGET (gtk_builder_get_object (builder, "mute_button"));
  self->hold_button = GTK_WIDGET (gtk_builder_get_object (builder, "hold_button"));
  gtk_stack_add_named (self->stack, GTK_WIDGET (gtk_builder_get_object (builder, "call_page")), "call");
  update_toggle_buttons (self);
}

static void
has_item_cb (BatonCallView *self)
{
  gboolean has_item = baton_call_view_model_get_item (self->view_model) != NULL;

  if (has_item)
    ensure_call_page (self);
  gtk_stack_set_visible_child_name (self->stack, has_item ? "call" : "empty");
  if (baton_call_view_model_get_call (self->view_model) == NULL && self->keypad_button != NULL)
    gtk_toggle_button_set_active (self->keypad_button, FALSE);
}

static void
baton_call_view_dispose (GObject *object)
{
  BatonCallView *self = BATON_CALL_VIEW (object);

  if (self->view_model != NULL)
    g_signal_handlers_disconnect_by_data (self->view_model, self);
  /* Not gtk_widget_dispose_template(): the stack is AdwBin's own child,
   * which AdwBin unparents itself. */
  G_OBJECT_CLASS (baton_call_view_parent_class)->dispose (object);
}

static void
baton_call_view_class_init (BatonCallViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = baton_call_view_dispose;

  g_type_ensure (BATON_TYPE_CALL_VIEW_MODEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/batonphone/Baton/baton-call-view.ui");
  gtk_widget_class_bind_template_child (widget_class, BatonCallView, view_model);
  gtk_widget_class_bind_template_child (widget_class, BatonCallView, stack);

  /* Keypad digits while the call view has the focus. */
  baton_call_util_add_dtmf_bindings (widget_class);
}

static void
baton_call_view_init (BatonCallView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->view_model, "notify::has-item", G_CALLBACK (has_item_cb), self);
  g_signal_connect_swapped (self->view_model, "notify::call", G_CALLBACK (has_item_cb), self);
  g_signal_connect_swapped (self->view_model, "notify::call", G_CALLBACK (update_toggle_buttons), self);
  g_signal_connect_swapped (self->view_model, "notify::mute-icon", G_CALLBACK (update_toggle_buttons), self);
  g_signal_connect_swapped (self->view_model, "notify::hold-icon", G_CALLBACK (update_toggle_buttons), self);
}

BatonCallViewModel *
baton_call_view_get_view_model (BatonCallView *self)
{
  g_return_val_if_fail (BATON_IS_CALL_VIEW (self), NULL);
  return self->view_model;
}

void
baton_call_view_set_item (BatonCallView *self,
                          GObject       *item)
{
  g_return_if_fail (BATON_IS_CALL_VIEW (self));
  baton_call_view_model_set_item (self->view_model, item);
}

void
baton_call_view_toggle_keypad (BatonCallView *self)
{
  g_return_if_fail (BATON_IS_CALL_VIEW (self));
  ensure_call_page (self);
  gtk_toggle_button_set_active (self->keypad_button,
                                !gtk_toggle_button_get_active (self->keypad_button));
}
