/* baton-a11y.c: accessible names that GTK 4.8 and libadwaita 1.2 get wrong
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A screen reader knows a control by its accessible name (UX.md: every
 * control has one; tests/app/test-app-a11y.py reads them over AT-SPI as
 * Orca does). The toolkit of Debian 12 names some controls badly:
 *
 * - a button with a mnemonic ("_Transfer", also AdwMessageDialog's
 *   responses) gets its raw label as its name, underscore and all, and then
 *   its label widget's text again, since that label names it as its
 *   mnemonic widget: Orca says "underscore Transfer Transfer";
 * - a GtkStackSwitcher's tab for a page titled with a mnemonic gets the raw
 *   title ("To a _Person");
 * - the rows of a GtkListView (an AdwComboRow's list) have no name at all;
 * - some of the toolkit's own icon buttons have none either: the password
 *   row's "Show Text" (its tooltip, not its name), the shortcuts window's
 *   search button, a toast's close button.
 *
 * The repairs below only touch what is wrong, so they do nothing where a
 * later GTK names these controls right.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "baton-a11y.h"

static GtkLabel *
first_label (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *label;

      if (GTK_IS_LABEL (child))
        return GTK_LABEL (child);
      if ((label = first_label (child)) != NULL)
        return label;
    }
  return NULL;
}

static void
repair_button (GtkButton *button)
{
  GtkLabel *label = first_label (GTK_WIDGET (button));

  if (label == NULL || !gtk_label_get_use_underline (label))
    return;
  if (gtk_button_get_use_underline (button) && gtk_button_get_label (button) != NULL)
    {
      /* named by its label widget (the mnemonic relation): the raw label
       * only adds "_Transfer" in front */
      gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
    }
  else if (GTK_IS_STACK_SWITCHER (gtk_widget_get_parent (GTK_WIDGET (button))))
    {
      /* a switcher's tab: the page title as it is shown */
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, gtk_label_get_text (label),
                                      -1);
    }
}

static const struct
{
  const char *icon_name;
  const char *name;
} icon_names[] = {
  /* Translators: the accessible name of a search button */
  { "edit-find-symbolic", N_("Search") },
  /* Translators: the accessible name of a close button */
  { "window-close-symbolic", N_("Close") },
};

/* An icon button of the toolkit's own without a name: its tooltip, or
 * what its icon means */
static void
repair_icon_button (GtkButton *button)
{
  GtkWidget *child = gtk_button_get_child (button);
  const char *tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (button));
  const char *icon = NULL;

  if (gtk_button_get_label (button) != NULL || !GTK_IS_IMAGE (child))
    return;
  if (tooltip != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
      return;
    }
  if (gtk_image_get_storage_type (GTK_IMAGE (child)) == GTK_IMAGE_ICON_NAME)
    icon = gtk_image_get_icon_name (GTK_IMAGE (child));
  for (guint i = 0; icon != NULL && i < G_N_ELEMENTS (icon_names); i++)
    if (g_str_equal (icon, icon_names[i].icon_name))
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(icon_names[i].name), -1);
}

/* The toolkit's widgets whose icon buttons have no names (their own
 * buttons, never the app's) */
static gboolean
names_no_icon_buttons (GtkWidget *widget)
{
  return ADW_IS_PASSWORD_ENTRY_ROW (widget) || GTK_IS_SHORTCUTS_WINDOW (widget) ||
         g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget");
}

static void
repair (GtkWidget *widget,
        gboolean   toolkit_icons)
{
  toolkit_icons = toolkit_icons || names_no_icon_buttons (widget);
  if (GTK_IS_BUTTON (widget))
    {
      repair_button (GTK_BUTTON (widget));
      if (toolkit_icons)
        repair_icon_button (GTK_BUTTON (widget));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    repair (child, toolkit_icons);
}

/**
 * baton_a11y_repair_names:
 * @root: a window, or any widget
 *
 * Repairs the accessible names of the buttons and stack switcher tabs
 * with mnemonics in @root and below it, and of the toolkit's icon buttons
 * (see above). Call it once the widgets are built; a button relabelled
 * later must be repaired again.
 */
void
baton_a11y_repair_names (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  repair (root, FALSE);
}

/**
 * baton_a11y_name_row:
 * @item: a list item whose child is set
 * @name: what the row says
 *
 * Names the row that shows @item in a GtkListView (call it from the
 * factory's bind). GTK 4.8 has no API for it (4.12 has
 * gtk_list_item_set_accessible_label ()): the row is the child's parent.
 */
void
baton_a11y_name_row (GtkListItem *item,
                     const char  *name)
{
  GtkWidget *child = gtk_list_item_get_child (item);
  GtkWidget *row = child != NULL ? gtk_widget_get_parent (child) : NULL;

  if (row != NULL && name != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
}
