/* baton-application-private.h: the instance struct of BatonApplication,
 * shared by baton-application.c (sign-in, actions, life cycle) and
 * baton-application-calls.c (ringing calls, notifications, ringtone,
 * Recent, devices)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "baton-application.h"
#include "baton-demo-session.h"
#include "baton-ringer.h"

G_BEGIN_DECLS

struct _BatonApplication
{
  AdwApplication parent_instance;

  BatonCallClient *client;
  BatonCallAgent *agent;
  GSettings *settings;
  BatonHistory *history;
  BatonContacts *contacts;
  BatonRinger *ringer;
  GtkFilterListModel *incoming;  /* the agent's incoming-calls, passed through */
  GHashTable *notified;          /* ids of the ringing calls with a notification out */
  GCancellable *cancellable;
  BatonDemoSession *demo;

  char *server_uri;
  char *token;
  char *sign_in_error;
  gboolean signing_in;

  gboolean command_line_signs_in;
  gboolean before_first_frame;   /* the first window has not drawn yet */
  gboolean sign_in_deferred;     /* sign-in asked for before that */
  guint retry_id;
  guint sign_in_idle_id;
};

/* baton-application.c */
void     baton_application_ensure_devices        (BatonApplication  *self);

/* baton-application-calls.c */
void     baton_application_update_ringer         (BatonApplication  *self);
void     baton_application_incoming_changed_cb   (GListModel        *incoming,
                                                  guint              position,
                                                  guint              removed,
                                                  guint              added,
                                                  BatonApplication  *self);
void     baton_application_calls_changed_cb      (GListModel        *calls,
                                                  guint              position,
                                                  guint              removed,
                                                  guint              added,
                                                  BatonApplication  *self);
void     baton_application_accept_call_action    (GSimpleAction     *action,
                                                  GVariant          *param,
                                                  gpointer           user_data);
void     baton_application_decline_call_action   (GSimpleAction     *action,
                                                  GVariant          *param,
                                                  gpointer           user_data);
void     baton_application_restore_device        (BatonApplication  *self,
                                                  GListModel        *devices,
                                                  const char        *key,
                                                  gboolean           microphone);
void     baton_application_microphones_changed_cb (GListModel       *devices,
                                                   guint             position,
                                                   guint             removed,
                                                   guint             added,
                                                   BatonApplication *self);
void     baton_application_speakers_changed_cb   (GListModel        *devices,
                                                  guint              position,
                                                  guint              removed,
                                                  guint              added,
                                                  BatonApplication  *self);

G_END_DECLS
