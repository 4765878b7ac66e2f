/* baton-call-row.c: a row of the calls list (a call, or a ringing call)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The row is a view of its own BatonCallViewModel, so it shows the SDK's
 * state (name, state, "Transferring to Bob…", timer) without copying it.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "baton-call-row.h"
#include "baton-call-util.h"
#include "baton-call-view-model.h"

struct _BatonCallRow
{
  GtkListBoxRow parent_instance;

  BatonCallViewModel *view_model;
  GtkStack *second_line;
  GtkWidget *state_label;
  GtkLabel *drop_label;
};

G_DEFINE_FINAL_TYPE (BatonCallRow, baton_call_row, GTK_TYPE_LIST_BOX_ROW)

static void
update_accessible_label (BatonCallRow *self)
{
  g_autofree char *label = NULL;

  /* Translators: the accessible name of a call row: name, state */
  label = g_strdup_printf (_("%s, %s"), baton_call_view_model_get_title (self->view_model),
                           baton_call_view_model_get_subtitle (self->view_model));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
baton_call_row_dispose (GObject *object)
{
  BatonCallRow *self = BATON_CALL_ROW (object);

  if (self->view_model != NULL)
    g_signal_handlers_disconnect_by_data (self->view_model, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BATON_TYPE_CALL_ROW);
  G_OBJECT_CLASS (baton_call_row_parent_class)->dispose (object);
}

static void
baton_call_row_class_init (BatonCallRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = baton_call_row_dispose;

  g_type_ensure (BATON_TYPE_CALL_VIEW_MODEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/batonphone/Baton/baton-call-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BatonCallRow, view_model);
  gtk_widget_class_bind_template_child (widget_class, BatonCallRow, second_line);
  gtk_widget_class_bind_template_child (widget_class, BatonCallRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, BatonCallRow, drop_label);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST_ITEM);

  /* Keypad digits while the call's row has the focus. */
  baton_call_util_add_dtmf_bindings (widget_class);
}

static void
baton_call_row_init (BatonCallRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->view_model, "notify::title",
                            G_CALLBACK (update_accessible_label), self);
  g_signal_connect_swapped (self->view_model, "notify::subtitle",
                            G_CALLBACK (update_accessible_label), self);
}

GtkWidget *
baton_call_row_new (GObject *item)
{
  BatonCallRow *self = g_object_new (BATON_TYPE_CALL_ROW, NULL);

  baton_call_view_model_set_item (self->view_model, item);
  update_accessible_label (self);
  return GTK_WIDGET (self);
}

GObject *
baton_call_row_get_item (BatonCallRow *self)
{
  g_return_val_if_fail (BATON_IS_CALL_ROW (self), NULL);
  return baton_call_view_model_get_item (self->view_model);
}

const char *
baton_call_row_get_title (BatonCallRow *self)
{
  g_return_val_if_fail (BATON_IS_CALL_ROW (self), NULL);
  return baton_call_view_model_get_title (self->view_model);
}

void
baton_call_row_set_drop_hint (BatonCallRow *self,
                              const char   *hint,
                              gboolean      refused)
{
  g_return_if_fail (BATON_IS_CALL_ROW (self));

  if (hint != NULL)
    gtk_label_set_label (self->drop_label, hint);
  /* The hint takes the place of the state, so nothing moves under the pointer. */
  gtk_stack_set_visible_child (self->second_line,
                               hint != NULL ? GTK_WIDGET (self->drop_label) : self->state_label);
  if (hint != NULL && !refused)
    gtk_widget_add_css_class (GTK_WIDGET (self), "drop-accept");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-accept");
  if (hint != NULL && refused)
    gtk_widget_add_css_class (GTK_WIDGET (self), "drop-refuse");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-refuse");
}

/* Re-reads the call, e.g. after a transfer was attached to it. */
void
baton_call_row_refresh (BatonCallRow *self)
{
  g_return_if_fail (BATON_IS_CALL_ROW (self));
  baton_call_view_model_set_item (self->view_model, baton_call_view_model_get_item (self->view_model));
}
