/* baton-a11y.h: accessible names that GTK 4.8 and libadwaita 1.2 get wrong
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void baton_a11y_repair_names (GtkWidget   *root);
void baton_a11y_name_row     (GtkListItem *item,
                              const char  *name);

G_END_DECLS
