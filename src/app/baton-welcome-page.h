/* baton-welcome-page.h: first run — sign in, or try the demo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BATON_TYPE_WELCOME_PAGE (baton_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (BatonWelcomePage, baton_welcome_page, BATON, WELCOME_PAGE, AdwBin)

void baton_welcome_page_set_error   (BatonWelcomePage *self,
                                     const char       *message);
void baton_welcome_page_set_busy    (BatonWelcomePage *self,
                                     gboolean          busy);
const char *baton_welcome_page_get_error  (BatonWelcomePage *self);
const char *baton_welcome_page_get_server (BatonWelcomePage *self);
void baton_welcome_page_set_server  (BatonWelcomePage *self,
                                     const char       *server);

G_END_DECLS
