/* baton-window-private.h: the instance struct of BatonWindow, shared by
 * baton-window.c, baton-window-actions.c, baton-window-dnd.c and
 * baton-window-sidebar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "baton-call-view.h"
#include "baton-welcome-page.h"
#include "baton-window.h"

G_BEGIN_DECLS

struct _BatonWindow
{
  AdwApplicationWindow parent_instance;

  BatonApplication *application;
  BatonCallAgent *agent;
  GSignalGroup *agent_signals;

  /* The rows of the calls list: ringing calls first, then the agent's calls. */
  GListStore *call_models;
  GtkFlattenListModel *calls;
  GListModel *contacts;
  GObject *pending_select;
  char *last_toast;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;

  /* The welcome page: NULL unless it is shown or about to be, see
   * ensure_welcome_page() */
  BatonWelcomePage *welcome_page;
  char *welcome_server;          /* the server address for the next one */

  /* The calls page (baton-window-calls.ui): NULL until there is an agent
   * to show, see baton_window_ensure_calls_page() */
  AdwLeaflet *leaflet;
  GtkSearchEntry *search_entry;
  GtkListBox *calls_list;
  GtkWidget *calls_label;
  GtkListBox *recent_list;
  GtkWidget *recent_label;
  GtkListBox *contacts_list;
  GtkWidget *contacts_label;
  AdwWindowTitle *sidebar_title;
  GtkRevealer *banner_revealer;
  GtkLabel *banner_label;
  GtkButton *banner_button;
  BatonCallView *call_view;
};

/* baton-window-actions.c */
void       baton_window_class_init_actions (GtkWidgetClass    *widget_class);
void       baton_window_update_actions     (BatonWindow       *self);
void       baton_window_init_call_shortcuts (BatonWindow      *self);
void       baton_window_start_call         (BatonWindow       *self,
                                            const char        *callee_id);
void       baton_window_search_activate    (BatonWindow       *self);

/* baton-window-dnd.c */
void       baton_window_setup_call_row_dnd    (BatonWindow *self,
                                               GtkWidget   *row,
                                               GObject     *item);
void       baton_window_setup_contact_row_dnd (BatonWindow *self,
                                               GtkWidget   *row,
                                               GObject     *contact);
void       baton_window_confirm_transfer      (BatonWindow *self,
                                               BatonCall   *call,
                                               BatonCall   *target_call,
                                               const char  *target_id);

/* baton-window.c */
void       baton_window_ensure_calls_page  (BatonWindow       *self);

/* baton-window-sidebar.c */
void       baton_window_sidebar_init       (BatonWindow       *self);
void       baton_window_sidebar_bind       (BatonWindow       *self);
void       baton_window_sidebar_set_agent  (BatonWindow       *self,
                                            BatonCallAgent    *agent);
GtkWidget *baton_window_get_row_for_item   (BatonWindow       *self,
                                            GObject           *item);
guint      baton_window_count_live_calls   (BatonWindow       *self);

G_END_DECLS
