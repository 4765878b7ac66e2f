/* baton-history.c: Recent — the call history, kept across restarts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GKeyFile in the user data dir (baton/history.ini), one group per call,
 * written after each change. Only ended calls are recorded here; live calls
 * are the SDK's.
 */

#include "config.h"

#include "baton-history.h"

#define MAX_ENTRIES 200

struct _BatonHistoryEntry
{
  GObject parent_instance;
  char *peer_id;
  char *peer_name;
  gboolean incoming;
  gint64 time;
  char *outcome;
};

G_DEFINE_FINAL_TYPE (BatonHistoryEntry, baton_history_entry, G_TYPE_OBJECT)

enum {
  ENTRY_PROP_0,
  ENTRY_PROP_PEER_ID,
  ENTRY_PROP_PEER_NAME,
  ENTRY_PROP_OUTCOME,
  ENTRY_N_PROPS
};

static GParamSpec *entry_properties[ENTRY_N_PROPS];

static void
baton_history_entry_finalize (GObject *object)
{
  BatonHistoryEntry *self = BATON_HISTORY_ENTRY (object);

  g_free (self->peer_id);
  g_free (self->peer_name);
  g_free (self->outcome);
  G_OBJECT_CLASS (baton_history_entry_parent_class)->finalize (object);
}

static void
baton_history_entry_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  BatonHistoryEntry *self = BATON_HISTORY_ENTRY (object);

  switch (prop_id)
    {
    case ENTRY_PROP_PEER_ID:
      g_value_set_string (value, self->peer_id);
      break;
    case ENTRY_PROP_PEER_NAME:
      g_value_set_string (value, self->peer_name);
      break;
    case ENTRY_PROP_OUTCOME:
      g_value_set_string (value, self->outcome);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_history_entry_class_init (BatonHistoryEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = baton_history_entry_finalize;
  object_class->get_property = baton_history_entry_get_property;

  entry_properties[ENTRY_PROP_PEER_ID] =
    g_param_spec_string ("peer-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_PEER_NAME] =
    g_param_spec_string ("peer-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_OUTCOME] =
    g_param_spec_string ("outcome", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, ENTRY_N_PROPS, entry_properties);
}

static void
baton_history_entry_init (BatonHistoryEntry *self)
{
}

static BatonHistoryEntry *
entry_new (const char *peer_id,
           const char *peer_name,
           gboolean    incoming,
           gint64      time,
           const char *outcome)
{
  BatonHistoryEntry *self = g_object_new (BATON_TYPE_HISTORY_ENTRY, NULL);

  self->peer_id = g_strdup (peer_id ? peer_id : "");
  self->peer_name = g_strdup (peer_name && *peer_name ? peer_name : self->peer_id);
  self->incoming = incoming;
  self->time = time;
  self->outcome = g_strdup (outcome ? outcome : "");
  return self;
}

const char *
baton_history_entry_get_peer_id (BatonHistoryEntry *self)
{
  g_return_val_if_fail (BATON_IS_HISTORY_ENTRY (self), NULL);
  return self->peer_id;
}

const char *
baton_history_entry_get_peer_name (BatonHistoryEntry *self)
{
  g_return_val_if_fail (BATON_IS_HISTORY_ENTRY (self), NULL);
  return self->peer_name;
}

gboolean
baton_history_entry_get_incoming (BatonHistoryEntry *self)
{
  g_return_val_if_fail (BATON_IS_HISTORY_ENTRY (self), FALSE);
  return self->incoming;
}

gint64
baton_history_entry_get_time (BatonHistoryEntry *self)
{
  g_return_val_if_fail (BATON_IS_HISTORY_ENTRY (self), 0);
  return self->time;
}

const char *
baton_history_entry_get_outcome (BatonHistoryEntry *self)
{
  g_return_val_if_fail (BATON_IS_HISTORY_ENTRY (self), NULL);
  return self->outcome;
}

struct _BatonHistory
{
  GObject parent_instance;
  char *path;
  GListStore *entries;
};

G_DEFINE_FINAL_TYPE (BatonHistory, baton_history, G_TYPE_OBJECT)

static void
baton_history_finalize (GObject *object)
{
  BatonHistory *self = BATON_HISTORY (object);

  g_free (self->path);
  g_clear_object (&self->entries);
  G_OBJECT_CLASS (baton_history_parent_class)->finalize (object);
}

static void
baton_history_class_init (BatonHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = baton_history_finalize;
}

static void
baton_history_init (BatonHistory *self)
{
  self->entries = g_list_store_new (BATON_TYPE_HISTORY_ENTRY);
}

static void
load (BatonHistory *self)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_file (file, self->path, G_KEY_FILE_NONE, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_warning ("Could not read the call history %s: %s", self->path, error->message);
      return;
    }
  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *id = g_key_file_get_string (file, groups[i], "peer-id", NULL);
      g_autofree char *name = g_key_file_get_string (file, groups[i], "peer-name", NULL);
      g_autofree char *outcome = g_key_file_get_string (file, groups[i], "outcome", NULL);
      gboolean incoming = g_key_file_get_boolean (file, groups[i], "incoming", NULL);
      gint64 time = g_key_file_get_int64 (file, groups[i], "time", NULL);
      g_autoptr(BatonHistoryEntry) entry = NULL;

      if (id == NULL)
        continue;
      entry = entry_new (id, name, incoming, time, outcome);
      g_list_store_append (self->entries, entry);
    }
}

static void
save (BatonHistory *self)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (self->path);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->entries));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BatonHistoryEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->entries), i);
      g_autofree char *group = g_strdup_printf ("call-%04u", i);

      g_key_file_set_string (file, group, "peer-id", entry->peer_id);
      g_key_file_set_string (file, group, "peer-name", entry->peer_name);
      g_key_file_set_boolean (file, group, "incoming", entry->incoming);
      g_key_file_set_int64 (file, group, "time", entry->time);
      g_key_file_set_string (file, group, "outcome", entry->outcome);
    }
  g_mkdir_with_parents (dir, 0700);
  if (!g_key_file_save_to_file (file, self->path, &error))
    g_warning ("Could not save the call history %s: %s", self->path, error->message);
}

BatonHistory *
baton_history_new (const char *path)
{
  BatonHistory *self = g_object_new (BATON_TYPE_HISTORY, NULL);

  self->path = g_strdup (path);
  load (self);
  return self;
}

GListModel *
baton_history_get_model (BatonHistory *self)
{
  g_return_val_if_fail (BATON_IS_HISTORY (self), NULL);
  return G_LIST_MODEL (self->entries);
}

void
baton_history_add (BatonHistory *self,
                   const char   *peer_id,
                   const char   *peer_name,
                   gboolean      incoming,
                   gint64        unix_time,
                   const char   *outcome)
{
  g_autoptr(BatonHistoryEntry) entry = NULL;
  guint n;

  g_return_if_fail (BATON_IS_HISTORY (self));

  entry = entry_new (peer_id, peer_name, incoming, unix_time, outcome);
  g_list_store_insert (self->entries, 0, entry);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  if (n > MAX_ENTRIES)
    g_list_store_splice (self->entries, MAX_ENTRIES, n - MAX_ENTRIES, NULL, 0);
  save (self);
}
