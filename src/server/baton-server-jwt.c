/* baton-server-jwt.c: HS256 JSON Web Tokens and the deployment's signing key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "baton-server-jwt.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_FILE "signing.key"
#define KEY_BYTES 32
#define SIG_BYTES 32

static char *
b64url_encode (const guchar *data,
               gsize         len)
{
  char *s = g_base64_encode (data, len);
  char *w = s;

  for (char *r = s; *r; r++)
    {
      if (*r == '=')
        continue;
      *w++ = *r == '+' ? '-' : *r == '/' ? '_' : *r;
    }
  *w = '\0';
  return s;
}

/* Strict: only the URL-safe alphabet, no padding, canonical trailing bits. */
static guchar *
b64url_decode (const char *s,
               gsize       slen,
               gsize      *out_len)
{
  g_autofree char *buf = NULL;
  g_autofree guchar *data = NULL;
  g_autofree char *again = NULL;
  gsize padded;

  if (slen % 4 == 1)
    return NULL;
  for (gsize i = 0; i < slen; i++)
    if (!g_ascii_isalnum (s[i]) && s[i] != '-' && s[i] != '_')
      return NULL;
  padded = (slen + 3) / 4 * 4;
  buf = g_malloc (padded + 1);
  for (gsize i = 0; i < slen; i++)
    buf[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
  for (gsize i = slen; i < padded; i++)
    buf[i] = '=';
  buf[padded] = '\0';
  data = g_base64_decode (buf, out_len);
  if (data == NULL)
    return NULL;
  again = b64url_encode (data, *out_len);
  if (strlen (again) != slen || memcmp (again, s, slen) != 0)
    return NULL;
  return g_steal_pointer (&data);
}

GBytes *
baton_jwt_load_or_create_key (const char  *data_dir,
                              GError     **error)
{
  g_autofree char *path = g_build_filename (data_dir, KEY_FILE, NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  int fd;

  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      guchar raw[KEY_BYTES];
      char hex[KEY_BYTES * 2 + 2];
      gsize off = 0;

      if (getrandom (raw, sizeof raw, 0) != sizeof raw)
        {
          close (fd);
          unlink (path);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot get random bytes");
          return NULL;
        }
      for (guint i = 0; i < KEY_BYTES; i++)
        off += g_snprintf (hex + off, sizeof hex - off, "%02x", raw[i]);
      hex[off++] = '\n';
      if (write (fd, hex, off) != (ssize_t) off || fsync (fd) != 0)
        {
          int saved = errno;

          close (fd);
          unlink (path);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "cannot write %s: %s", path, g_strerror (saved));
          return NULL;
        }
      close (fd);
      memset (raw, 0, sizeof raw);
      g_debug ("created signing key %s", path);
    }
  else if (errno != EEXIST)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create %s: %s", path, g_strerror (saved));
      return NULL;
    }

  /* Another process may be writing it right now: wait for it to appear whole. */
  for (int attempt = 0; attempt < 50; attempt++)
    {
      g_clear_pointer (&contents, g_free);
      if (!g_file_get_contents (path, &contents, &len, error))
        return NULL;
      g_strstrip (contents);
      len = strlen (contents);
      if (len >= KEY_BYTES)
        break;
      g_usleep (20 * 1000);
    }
  if (len < KEY_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is too short to be a signing key", path);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

static void
hmac (GBytes     *key,
      const char *data,
      gsize       len,
      guint8      out[SIG_BYTES])
{
  gsize klen = 0;
  const guint8 *k = g_bytes_get_data (key, &klen);
  g_autoptr(GHmac) h = g_hmac_new (G_CHECKSUM_SHA256, k, klen);
  gsize out_len = SIG_BYTES;

  g_hmac_update (h, (const guchar *) data, (gssize) len);
  g_hmac_get_digest (h, out, &out_len);
  g_assert (out_len == SIG_BYTES);
}

char *
baton_jwt_sign (GBytes     *key,
                const char *sub,
                gint64      iat,
                gint64      exp)
{
  static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *h64 = NULL;
  g_autofree char *p64 = NULL;
  g_autofree char *s64 = NULL;
  g_autofree char *signing_input = NULL;
  guint8 sig[SIG_BYTES];

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sub");
  json_builder_add_string_value (b, sub);
  json_builder_set_member_name (b, "iat");
  json_builder_add_int_value (b, iat);
  json_builder_set_member_name (b, "exp");
  json_builder_add_int_value (b, exp);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  payload = json_generator_to_data (gen, NULL);

  h64 = b64url_encode ((const guchar *) header, strlen (header));
  p64 = b64url_encode ((const guchar *) payload, strlen (payload));
  signing_input = g_strconcat (h64, ".", p64, NULL);
  hmac (key, signing_input, strlen (signing_input), sig);
  s64 = b64url_encode (sig, sizeof sig);
  return g_strconcat (signing_input, ".", s64, NULL);
}

static gboolean
invalid (GError    **error,
         const char *why)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, why);
  return FALSE;
}

static JsonObject *
parse_object (JsonParser   *parser,
              const guchar *data,
              gsize         len)
{
  JsonNode *root;

  if (!g_utf8_validate_len ((const char *) data, len, NULL))
    return NULL;
  if (!json_parser_load_from_data (parser, (const char *) data, (gssize) len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_node_get_object (root);
}

static gboolean
int_member (JsonObject *obj,
            const char *name,
            gint64     *out)
{
  JsonNode *n = json_object_get_member (obj, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (n);
  return TRUE;
}

gboolean
baton_jwt_verify (GBytes      *key,
                  const char  *token,
                  char       **out_sub,
                  gint64      *out_exp,
                  GError     **error)
{
  const char *dot1, *dot2;
  g_autofree guchar *header = NULL;
  g_autofree guchar *payload = NULL;
  g_autofree guchar *sig = NULL;
  g_autoptr(JsonParser) hp = json_parser_new_immutable ();
  g_autoptr(JsonParser) pp = json_parser_new_immutable ();
  gsize hlen = 0, plen = 0, slen = 0;
  guint8 expected[SIG_BYTES];
  guint8 diff = 0;
  JsonObject *h, *p;
  JsonNode *n;
  gint64 iat, exp;

  if (token == NULL || strlen (token) > 8192)
    return invalid (error, "token malformed");
  dot1 = strchr (token, '.');
  dot2 = dot1 ? strchr (dot1 + 1, '.') : NULL;
  if (dot1 == NULL || dot2 == NULL || strchr (dot2 + 1, '.') != NULL)
    return invalid (error, "token malformed");

  header = b64url_decode (token, dot1 - token, &hlen);
  payload = b64url_decode (dot1 + 1, dot2 - dot1 - 1, &plen);
  sig = b64url_decode (dot2 + 1, strlen (dot2 + 1), &slen);
  if (header == NULL || payload == NULL || sig == NULL)
    return invalid (error, "token malformed");

  h = parse_object (hp, header, hlen);
  n = h ? json_object_get_member (h, "alg") : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING ||
      !g_str_equal (json_node_get_string (n), "HS256"))
    return invalid (error, "token algorithm is not HS256");

  hmac (key, token, dot2 - token, expected);
  if (slen != SIG_BYTES)
    return invalid (error, "token signature is wrong");
  for (guint i = 0; i < SIG_BYTES; i++)
    diff |= expected[i] ^ sig[i];
  if (diff != 0)
    return invalid (error, "token signature is wrong");

  p = parse_object (pp, payload, plen);
  if (p == NULL)
    return invalid (error, "token payload malformed");
  n = json_object_get_member (p, "sub");
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return invalid (error, "token has no subject");
  if (!int_member (p, "exp", &exp) || !int_member (p, "iat", &iat))
    return invalid (error, "token has no valid iat/exp");

  if (out_sub)
    *out_sub = g_strdup (json_node_get_string (n));
  if (out_exp)
    *out_exp = exp;
  return TRUE;
}

char *
baton_jwt_log_tag (const char *token)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token ? token : "", -1);

  return g_strdup_printf ("tok:%.8s", sum);
}
