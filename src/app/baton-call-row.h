/* baton-call-row.h: a row of the calls list (a call, or a ringing call)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BATON_TYPE_CALL_ROW (baton_call_row_get_type ())
G_DECLARE_FINAL_TYPE (BatonCallRow, baton_call_row, BATON, CALL_ROW, GtkListBoxRow)

GtkWidget  *baton_call_row_new           (GObject      *item);
GObject    *baton_call_row_get_item      (BatonCallRow *self);
const char *baton_call_row_get_title     (BatonCallRow *self);
void        baton_call_row_refresh       (BatonCallRow *self);
/* Shows what a drop here would do; NULL hides it. */
void        baton_call_row_set_drop_hint (BatonCallRow *self,
                                          const char   *hint,
                                          gboolean      refused);

G_END_DECLS
