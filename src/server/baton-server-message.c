/* baton-server-message.c: parse and validate one client message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "baton-server-message.h"

#include <json-glib/json-glib.h>
#include <string.h>

static const struct
{
  const char *name;
  BatonMessageType type;
} message_types[] = {
  { "register", BATON_MSG_REGISTER },
  { "ping", BATON_MSG_PING },
  { "token.refresh", BATON_MSG_TOKEN_REFRESH },
  { "users.list", BATON_MSG_USERS_LIST },
  { "call.invite", BATON_MSG_CALL_INVITE },
  { "call.accept", BATON_MSG_CALL_ACCEPT },
  { "call.reject", BATON_MSG_CALL_REJECT },
  { "call.hangup", BATON_MSG_CALL_HANGUP },
  { "call.hold", BATON_MSG_CALL_HOLD },
  { "call.mute", BATON_MSG_CALL_MUTE },
  { "call.media", BATON_MSG_CALL_MEDIA },
  { "sdp", BATON_MSG_SDP },
  { "ice", BATON_MSG_ICE },
  { "transfer.request", BATON_MSG_TRANSFER_REQUEST },
  { "transfer.accept", BATON_MSG_TRANSFER_ACCEPT },
  { "transfer.refuse", BATON_MSG_TRANSFER_REFUSE },
  { "forwarding.get", BATON_MSG_FORWARDING_GET },
  { "forwarding.set", BATON_MSG_FORWARDING_SET },
};

#define MAX_ID_LENGTH 128
#define MAX_RESUME_CALLS 64

const char *
baton_message_type_to_string (BatonMessageType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (message_types); i++)
    if (message_types[i].type == type)
      return message_types[i].name;
  return "?";
}

gboolean
baton_is_valid_user_id (const char *id)
{
  gsize len;

  if (id == NULL)
    return FALSE;
  len = strlen (id);
  if (len < 1 || len > 64)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '@' && *p != '-')
      return FALSE;
  return TRUE;
}

void
baton_message_free (BatonMessage *msg)
{
  if (msg == NULL)
    return;
  g_free (msg->display_name);
  g_free (msg->resume_session_id);
  g_strfreev (msg->resume_calls);
  g_free (msg->token);
  g_free (msg->query);
  g_free (msg->call_id);
  g_free (msg->to);
  g_free (msg->sdp);
  g_free (msg->candidate);
  g_free (msg->transfer_id);
  g_free (msg->target_user);
  g_free (msg->target_call);
  g_free (msg->always);
  g_free (msg->unanswered);
  g_free (msg);
}

void
baton_message_error_clear (BatonMessageError *error)
{
  g_clear_pointer (&error->message, g_free);
  error->code = 0;
  error->subcode = 0;
  error->id = 0;
}

static gboolean
fail (BatonMessageError *error,
      int                code,
      int                subcode,
      const char        *format,
      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (BatonMessageError *error,
      int                code,
      int                subcode,
      const char        *format,
      ...)
{
  va_list args;

  error->code = code;
  error->subcode = subcode;
  g_free (error->message);
  va_start (args, format);
  error->message = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

/* Rejects nesting deeper than BATON_MESSAGE_MAX_DEPTH before json-glib's
 * recursive parser sees it. */
static gboolean
depth_ok (const char *data,
          gsize       length)
{
  int depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > BATON_MESSAGE_MAX_DEPTH)
            return FALSE;
        }
      else if (c == '}' || c == ']')
        depth--;
    }
  return TRUE;
}

static gboolean
is_int (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_bool (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

/* A field that is absent or null is "missing". */
static JsonNode *
member (JsonObject *obj,
        const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

static gboolean
get_string (JsonObject        *obj,
            const char        *name,
            gboolean           required,
            gsize              max_length,
            char             **out,
            BatonMessageError *error)
{
  JsonNode *node = member (obj, name);
  const char *s;

  if (node == NULL)
    return required ? fail (error, 400, 10012, "missing field '%s'", name) : TRUE;
  if (!is_string (node))
    return fail (error, 400, 10012, "field '%s' must be a string", name);
  s = json_node_get_string (node);
  if (max_length && strlen (s) > max_length)
    return fail (error, 400, 10012, "field '%s' is too long", name);
  *out = g_strdup (s);
  return TRUE;
}

static gboolean
get_id_string (JsonObject        *obj,
               const char        *name,
               char             **out,
               BatonMessageError *error)
{
  if (!get_string (obj, name, TRUE, MAX_ID_LENGTH, out, error))
    return FALSE;
  if (**out == '\0')
    return fail (error, 400, 10012, "field '%s' is empty", name);
  return TRUE;
}

static gboolean
get_user_id (JsonObject        *obj,
             const char        *name,
             char             **out,
             BatonMessageError *error)
{
  if (!get_string (obj, name, TRUE, 64, out, error))
    return FALSE;
  if (!baton_is_valid_user_id (*out))
    return fail (error, 400, 10012, "field '%s' is not a valid user id", name);
  return TRUE;
}

static gboolean
get_bool (JsonObject        *obj,
          const char        *name,
          gboolean           required,
          gboolean          *out,
          BatonMessageError *error)
{
  JsonNode *node = member (obj, name);

  if (node == NULL)
    return required ? fail (error, 400, 10012, "missing field '%s'", name) : TRUE;
  if (!is_bool (node))
    return fail (error, 400, 10012, "field '%s' must be a boolean", name);
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
get_int (JsonObject        *obj,
         const char        *name,
         gboolean           required,
         gint64             min,
         gint64             max,
         int               *out,
         BatonMessageError *error)
{
  JsonNode *node = member (obj, name);
  gint64 v;

  if (node == NULL)
    return required ? fail (error, 400, 10012, "missing field '%s'", name) : TRUE;
  if (!is_int (node))
    return fail (error, 400, 10012, "field '%s' must be an integer", name);
  v = json_node_get_int (node);
  if (v < min || v > max)
    return fail (error, 400, 10012, "field '%s' must be between %" G_GINT64_FORMAT
                 " and %" G_GINT64_FORMAT, name, min, max);
  *out = (int) v;
  return TRUE;
}

static gboolean
get_enum (JsonObject        *obj,
          const char        *name,
          const char        *yes,
          const char        *no,
          gboolean          *out,
          BatonMessageError *error)
{
  g_autofree char *s = NULL;

  if (!get_string (obj, name, TRUE, 32, &s, error))
    return FALSE;
  if (g_str_equal (s, yes))
    *out = TRUE;
  else if (g_str_equal (s, no))
    *out = FALSE;
  else
    return fail (error, 400, 10012, "field '%s' must be \"%s\" or \"%s\"", name, yes, no);
  return TRUE;
}

static gboolean
parse_register (JsonObject        *obj,
                BatonMessage      *msg,
                BatonMessageError *error)
{
  JsonNode *resume;

  if (!get_string (obj, "display_name", FALSE, 256, &msg->display_name, error))
    return FALSE;
  resume = member (obj, "resume");
  if (resume == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (resume))
    return fail (error, 400, 10012, "field 'resume' must be an object");
  else
    {
      JsonObject *r = json_node_get_object (resume);
      JsonNode *calls = member (r, "calls");
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      JsonArray *array;

      msg->has_resume = TRUE;
      if (!get_id_string (r, "session_id", &msg->resume_session_id, error))
        return FALSE;
      if (calls != NULL)
        {
          if (!JSON_NODE_HOLDS_ARRAY (calls))
            return fail (error, 400, 10012, "field 'resume.calls' must be an array");
          array = json_node_get_array (calls);
          if (json_array_get_length (array) > MAX_RESUME_CALLS)
            return fail (error, 400, 10012, "field 'resume.calls' is too long");
          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *el = json_array_get_element (array, i);

              if (!is_string (el) || strlen (json_node_get_string (el)) > MAX_ID_LENGTH)
                return fail (error, 400, 10012, "field 'resume.calls' must hold call ids");
              g_ptr_array_add (ids, g_strdup (json_node_get_string (el)));
            }
        }
      g_ptr_array_add (ids, NULL);
      msg->resume_calls = (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
    }
  return TRUE;
}

static gboolean
parse_transfer_request (JsonObject        *obj,
                        BatonMessage      *msg,
                        BatonMessageError *error)
{
  JsonNode *target = member (obj, "target");
  JsonObject *t;

  if (!get_id_string (obj, "call_id", &msg->call_id, error))
    return FALSE;
  if (target == NULL)
    return fail (error, 400, 10012, "missing field 'target'");
  if (!JSON_NODE_HOLDS_OBJECT (target))
    return fail (error, 400, 10012, "field 'target' must be an object");
  t = json_node_get_object (target);
  if (member (t, "user_id") && member (t, "call_id"))
    return fail (error, 400, 10012, "field 'target' must name a user_id or a call_id, not both");
  if (member (t, "user_id"))
    {
      if (!get_user_id (t, "user_id", &msg->target_user, error))
        return FALSE;
    }
  else if (member (t, "call_id"))
    {
      if (!get_id_string (t, "call_id", &msg->target_call, error))
        return FALSE;
    }
  else
    return fail (error, 400, 10012, "field 'target' must name a user_id or a call_id");
  return get_bool (obj, "disable_forwarding_and_unanswered", FALSE,
                   &msg->disable_forwarding, error);
}

static gboolean
parse_forwarding_target (JsonObject        *obj,
                         const char        *name,
                         gboolean          *has,
                         char             **out,
                         BatonMessageError *error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL)
    return TRUE;
  *has = TRUE;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  return get_user_id (obj, name, out, error);
}

static gboolean
parse_body (JsonObject        *obj,
            BatonMessage      *msg,
            BatonMessageError *error)
{
  switch (msg->type)
    {
    case BATON_MSG_REGISTER:
      return parse_register (obj, msg, error);
    case BATON_MSG_PING:
    case BATON_MSG_FORWARDING_GET:
      return TRUE;
    case BATON_MSG_TOKEN_REFRESH:
      return get_string (obj, "token", TRUE, 8192, &msg->token, error);
    case BATON_MSG_USERS_LIST:
      msg->limit = 100;
      return get_string (obj, "query", FALSE, 256, &msg->query, error) &&
             get_int (obj, "limit", FALSE, 1, 500, &msg->limit, error);
    case BATON_MSG_CALL_INVITE:
      return get_user_id (obj, "to", &msg->to, error) &&
             get_string (obj, "sdp", TRUE, 0, &msg->sdp, error);
    case BATON_MSG_CALL_ACCEPT:
      return get_id_string (obj, "call_id", &msg->call_id, error) &&
             get_string (obj, "sdp", TRUE, 0, &msg->sdp, error);
    case BATON_MSG_CALL_REJECT:
      return get_id_string (obj, "call_id", &msg->call_id, error) &&
             get_enum (obj, "reason", "busy", "declined", &msg->busy, error);
    case BATON_MSG_CALL_HANGUP:
      return get_id_string (obj, "call_id", &msg->call_id, error);
    case BATON_MSG_CALL_HOLD:
      return get_id_string (obj, "call_id", &msg->call_id, error) &&
             get_bool (obj, "held", TRUE, &msg->flag, error);
    case BATON_MSG_CALL_MUTE:
      return get_id_string (obj, "call_id", &msg->call_id, error) &&
             get_bool (obj, "muted", TRUE, &msg->flag, error);
    case BATON_MSG_CALL_MEDIA:
      return get_id_string (obj, "call_id", &msg->call_id, error) &&
             get_enum (obj, "state", "connected", "failed", &msg->media_ok, error);
    case BATON_MSG_SDP:
      return get_id_string (obj, "call_id", &msg->call_id, error) &&
             get_enum (obj, "sdp_type", "offer", "answer", &msg->sdp_is_offer, error) &&
             get_string (obj, "sdp", TRUE, 0, &msg->sdp, error);
    case BATON_MSG_ICE:
      return get_id_string (obj, "call_id", &msg->call_id, error) &&
             get_string (obj, "candidate", TRUE, 4096, &msg->candidate, error) &&
             get_int (obj, "sdp_mline_index", TRUE, 0, 1024, &msg->sdp_mline_index, error);
    case BATON_MSG_TRANSFER_REQUEST:
      return parse_transfer_request (obj, msg, error);
    case BATON_MSG_TRANSFER_ACCEPT:
      return get_id_string (obj, "transfer_id", &msg->transfer_id, error) &&
             get_string (obj, "sdp", TRUE, 0, &msg->sdp, error);
    case BATON_MSG_TRANSFER_REFUSE:
      return get_id_string (obj, "transfer_id", &msg->transfer_id, error);
    case BATON_MSG_FORWARDING_SET:
      return parse_forwarding_target (obj, "always", &msg->has_always, &msg->always, error) &&
             parse_forwarding_target (obj, "unanswered", &msg->has_unanswered,
                                      &msg->unanswered, error) &&
             (msg->has_timeout = member (obj, "unanswered_timeout") != NULL,
              get_int (obj, "unanswered_timeout", FALSE, 1, 300,
                       &msg->unanswered_timeout, error));
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

BatonMessage *
baton_message_parse (const char        *data,
                     gsize              length,
                     BatonMessageError *error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(BatonMessage) msg = NULL;
  JsonNode *root;
  JsonObject *obj;
  JsonNode *type_node;
  JsonNode *id_node;
  const char *type_name;
  gboolean known = FALSE;

  g_return_val_if_fail (error != NULL, NULL);
  memset (error, 0, sizeof *error);

  if (length > BATON_MESSAGE_MAX_SIZE)
    return fail (error, 400, 10010, "message too large"), NULL;
  if (length == 0 || !g_utf8_validate_len (data, length, NULL))
    return fail (error, 400, 10010, "not UTF-8 JSON"), NULL;
  if (!depth_ok (data, length))
    return fail (error, 400, 10010, "JSON nested too deeply"), NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL))
    return fail (error, 400, 10010, "not valid JSON"), NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (error, 400, 10010, "a message is a JSON object"), NULL;
  obj = json_node_get_object (root);

  msg = g_new0 (BatonMessage, 1);

  id_node = json_object_get_member (obj, "id");
  if (id_node != NULL && is_int (id_node) && json_node_get_int (id_node) > 0)
    msg->id = error->id = json_node_get_int (id_node);

  type_node = json_object_get_member (obj, "type");
  if (type_node == NULL || !is_string (type_node))
    return fail (error, 400, 10010, "no message type"), NULL;
  type_name = json_node_get_string (type_node);
  for (guint i = 0; i < G_N_ELEMENTS (message_types); i++)
    if (g_str_equal (type_name, message_types[i].name))
      {
        msg->type = message_types[i].type;
        known = TRUE;
        break;
      }

  if (msg->id <= 0)
    return fail (error, 400, 10012, "a request needs a positive integer 'id'"), NULL;
  if (!known)
    return fail (error, 400, 10011, "unknown message type"), NULL;
  if (!parse_body (obj, msg, error))
    return NULL;

  return g_steal_pointer (&msg);
}
