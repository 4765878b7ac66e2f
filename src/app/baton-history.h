/* baton-history.h: Recent — the call history, kept across restarts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BATON_TYPE_HISTORY_ENTRY (baton_history_entry_get_type ())
G_DECLARE_FINAL_TYPE (BatonHistoryEntry, baton_history_entry, BATON, HISTORY_ENTRY, GObject)

#define BATON_TYPE_HISTORY (baton_history_get_type ())
G_DECLARE_FINAL_TYPE (BatonHistory, baton_history, BATON, HISTORY, GObject)

const char *baton_history_entry_get_peer_id   (BatonHistoryEntry *self);
const char *baton_history_entry_get_peer_name (BatonHistoryEntry *self);
gboolean    baton_history_entry_get_incoming  (BatonHistoryEntry *self);
gint64      baton_history_entry_get_time      (BatonHistoryEntry *self);
const char *baton_history_entry_get_outcome   (BatonHistoryEntry *self);

/* A GListModel of BatonHistoryEntry, newest first. */
BatonHistory *baton_history_new      (const char   *path);
GListModel   *baton_history_get_model (BatonHistory *self);
void          baton_history_add      (BatonHistory *self,
                                      const char   *peer_id,
                                      const char   *peer_name,
                                      gboolean      incoming,
                                      gint64        unix_time,
                                      const char   *outcome);

G_END_DECLS
