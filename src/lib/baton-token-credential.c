/* baton-token-credential.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton-Credential"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "baton-error.h"
#include "baton-log-private.h"
#include "baton-token-credential-private.h"

/**
 * BatonTokenCredential:
 *
 * The access token (a JWT) a [class@CallAgent] signs in with.
 *
 * The credential reads the expiry time from the token's `exp` claim, without
 * verifying the signature (that is the service's business), and emits
 * [signal@TokenCredential::refresh-needed] shortly before the token expires:
 * 60 seconds before, or after 80 % of the token's lifetime, whichever is
 * later. Hand the new token in with [method@TokenCredential.set_token]; an
 * agent using the credential passes it on to the service while connected.
 *
 * The timer runs on the thread-default main context of the thread that
 * created the credential.
 */
struct _BatonTokenCredential
{
  GObject       parent_instance;

  char         *token;
  GDateTime    *expires_on;
  GMainContext *context;
  GSource      *refresh_source;
};

G_DEFINE_FINAL_TYPE (BatonTokenCredential, baton_token_credential, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TOKEN,
  PROP_EXPIRES_ON,
  N_PROPS
};

enum {
  REFRESH_NEEDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static JsonObject *
parse_payload (const char *token)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) b64 = NULL;
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  gsize len = 0;

  if (token == NULL)
    return NULL;

  parts = g_strsplit (token, ".", 4);
  if (g_strv_length (parts) != 3)
    return NULL;

  b64 = g_string_new (parts[1]);
  for (gsize i = 0; i < b64->len; i++)
    {
      if (b64->str[i] == '-')
        b64->str[i] = '+';
      else if (b64->str[i] == '_')
        b64->str[i] = '/';
    }
  while (b64->len % 4 != 0)
    g_string_append_c (b64, '=');

  decoded = g_base64_decode (b64->str, &len);
  if (decoded == NULL || len == 0)
    return NULL;
  text = g_strndup ((const char *) decoded, len);

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

gboolean
baton_token_credential_parse (const char *token,
                              gint64     *iat,
                              gint64     *exp)
{
  g_autoptr(JsonObject) payload = parse_payload (token);
  JsonNode *node;

  *iat = 0;
  *exp = 0;
  if (payload == NULL)
    return FALSE;

  node = json_object_get_member (payload, "exp");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *exp = json_node_get_int (node);

  node = json_object_get_member (payload, "iat");
  if (node != NULL && json_node_get_value_type (node) == G_TYPE_INT64)
    *iat = json_node_get_int (node);

  return TRUE;
}

/* The longest token the service takes (docs/PROTOCOL.md § 8, token.refresh) */
#define TOKEN_MAX_LENGTH 8192

/* @token as it goes on the wire: without surrounding white space (a token
 * read from a file often ends with a newline). %NULL with
 * %BATON_ERROR_INVALID_TOKEN if it cannot be a token at all: empty, longer
 * than the service takes, or with characters an HTTP header cannot carry
 * (spaces, control characters, non-ASCII) — sent as is, those would fail
 * the connection with a misleading error, or inject a header. */
char *
baton_token_credential_clean (const char  *token,
                              GError     **error)
{
  g_autofree char *clean = g_strstrip (g_strdup (token ? token : ""));
  gsize len = strlen (clean);

  if (len == 0)
    {
      g_set_error_literal (error, BATON_ERROR, BATON_ERROR_INVALID_TOKEN,
                           "The token is empty (401/0)");
      return NULL;
    }
  if (len > TOKEN_MAX_LENGTH)
    {
      g_set_error (error, BATON_ERROR, BATON_ERROR_INVALID_TOKEN,
                   "The token is too long: %" G_GSIZE_FORMAT " bytes, at most %u (401/0)",
                   len, TOKEN_MAX_LENGTH);
      return NULL;
    }
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) clean[i];

      if (c <= ' ' || c >= 0x7f)
        {
          g_set_error_literal (error, BATON_ERROR, BATON_ERROR_INVALID_TOKEN,
                               "The token contains spaces, control or non-ASCII characters (401/0)");
          return NULL;
        }
    }
  return g_steal_pointer (&clean);
}

/* The user id (`sub` claim) @token names, or %NULL; unverified. */
char *
baton_token_credential_subject (const char *token)
{
  g_autofree char *clean = baton_token_credential_clean (token, NULL);
  g_autoptr(JsonObject) payload = clean ? parse_payload (clean) : NULL;
  JsonNode *node = payload ? json_object_get_member (payload, "sub") : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

gint64
baton_token_credential_refresh_time (gint64 iat,
                                     gint64 exp,
                                     gint64 now)
{
  gint64 start = (iat > 0 && iat < exp) ? iat : MIN (now, exp);
  gint64 at_80 = start + (exp - start) * 8 / 10;

  return MAX (exp - 60, at_80);
}

static gboolean
refresh_cb (gpointer user_data)
{
  BatonTokenCredential *self = user_data;

  g_clear_pointer (&self->refresh_source, g_source_unref);
  BATON_INFO ("token expires soon: asking for a new one");
  g_signal_emit (self, signals[REFRESH_NEEDED], 0);
  return G_SOURCE_REMOVE;
}

static void
schedule_refresh (BatonTokenCredential *self,
                  gint64                iat,
                  gint64                exp)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 at;

  if (self->refresh_source)
    {
      g_source_destroy (self->refresh_source);
      g_clear_pointer (&self->refresh_source, g_source_unref);
    }

  if (exp <= 0)
    return;

  at = baton_token_credential_refresh_time (iat, exp, now);
  self->refresh_source = g_timeout_source_new (at > now ? (guint) MIN (at - now, G_MAXUINT / 1000) * 1000 : 0);
  g_source_set_static_name (self->refresh_source, "[baton] token refresh");
  g_source_set_callback (self->refresh_source, refresh_cb, self, NULL);
  g_source_attach (self->refresh_source, self->context);
}

/* An agent refused the token handed in last (another user's, or the
 * service would not take it) and goes on with @kept: refresh-needed follows
 * @kept's expiry again, not the refused token's, so that the application is
 * asked in time for a token that works. */
void
baton_token_credential_token_refused (BatonTokenCredential *self,
                                      const char           *kept)
{
  gint64 iat, exp;

  g_return_if_fail (BATON_IS_TOKEN_CREDENTIAL (self));

  if (kept == NULL || !baton_token_credential_parse (kept, &iat, &exp))
    return;
  BATON_VERBOSE ("refresh-needed follows the token still in use again");
  schedule_refresh (self, iat, exp);
}

static void
baton_token_credential_finalize (GObject *object)
{
  BatonTokenCredential *self = (BatonTokenCredential *)object;

  if (self->refresh_source)
    {
      g_source_destroy (self->refresh_source);
      g_clear_pointer (&self->refresh_source, g_source_unref);
    }
  g_clear_pointer (&self->context, g_main_context_unref);
  if (self->token)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->expires_on, g_date_time_unref);

  G_OBJECT_CLASS (baton_token_credential_parent_class)->finalize (object);
}

static void
baton_token_credential_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  BatonTokenCredential *self = BATON_TOKEN_CREDENTIAL (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_EXPIRES_ON:
      g_value_set_boxed (value, self->expires_on);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_token_credential_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  BatonTokenCredential *self = BATON_TOKEN_CREDENTIAL (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      baton_token_credential_set_token (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
baton_token_credential_class_init (BatonTokenCredentialClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = baton_token_credential_finalize;
  object_class->get_property = baton_token_credential_get_property;
  object_class->set_property = baton_token_credential_set_property;

  /**
   * BatonTokenCredential:token:
   *
   * The access token. Setting it is how a refreshed token is handed in.
   */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BatonTokenCredential:expires-on:
   *
   * When the token expires (its `exp` claim), or %NULL if the token does not
   * say.
   */
  properties[PROP_EXPIRES_ON] =
    g_param_spec_boxed ("expires-on", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BatonTokenCredential::refresh-needed:
   * @self: the credential
   *
   * Emitted shortly before the token expires. Get a new token and set it
   * with [method@TokenCredential.set_token]. When an agent refuses the token
   * handed in (another user's, or one the service does not take), it keeps
   * the token in use, and this signal follows that token's expiry again.
   */
  signals[REFRESH_NEEDED] =
    g_signal_new ("refresh-needed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);
}

static void
baton_token_credential_init (BatonTokenCredential *self)
{
  self->context = g_main_context_ref_thread_default ();
}

/**
 * baton_token_credential_new:
 * @token: a JWT access token
 *
 * Creates a credential for @token.
 *
 * Returns: (transfer full): a new #BatonTokenCredential
 */
BatonTokenCredential *
baton_token_credential_new (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_object_new (BATON_TYPE_TOKEN_CREDENTIAL,
                       "token", token,
                       NULL);
}

/**
 * baton_token_credential_get_token:
 * @self: a #BatonTokenCredential
 *
 * Returns: the access token
 */
const char *
baton_token_credential_get_token (BatonTokenCredential *self)
{
  g_return_val_if_fail (BATON_IS_TOKEN_CREDENTIAL (self), NULL);

  return self->token;
}

/**
 * baton_token_credential_set_token:
 * @self: a #BatonTokenCredential
 * @token: the new access token
 *
 * Hands in a new token, typically in response to
 * [signal@TokenCredential::refresh-needed]. Agents using the credential send
 * it to the service at once.
 */
void
baton_token_credential_set_token (BatonTokenCredential *self,
                                  const char           *token)
{
  g_autoptr(GDateTime) expires_on = NULL;
  gint64 iat, exp;

  g_return_if_fail (BATON_IS_TOKEN_CREDENTIAL (self));
  g_return_if_fail (token != NULL);

  if (g_strcmp0 (self->token, token) == 0)
    return;

  if (self->token)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);

  if (baton_token_credential_parse (token, &iat, &exp))
    expires_on = g_date_time_new_from_unix_utc (exp);
  else
    BATON_INFO ("the token is not a JWT with an exp claim");

  schedule_refresh (self, iat, exp);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
  if (!(expires_on == NULL && self->expires_on == NULL) &&
      (expires_on == NULL || self->expires_on == NULL ||
       !g_date_time_equal (expires_on, self->expires_on)))
    {
      g_clear_pointer (&self->expires_on, g_date_time_unref);
      self->expires_on = g_steal_pointer (&expires_on);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPIRES_ON]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * baton_token_credential_get_expires_on:
 * @self: a #BatonTokenCredential
 *
 * Returns: (transfer none) (nullable): when the token expires
 */
GDateTime *
baton_token_credential_get_expires_on (BatonTokenCredential *self)
{
  g_return_val_if_fail (BATON_IS_TOKEN_CREDENTIAL (self), NULL);

  return self->expires_on;
}
