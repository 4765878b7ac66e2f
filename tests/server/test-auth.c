/* test-auth.c: tokens at the handshake and while connected, register, CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "server-fixture.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

/* An independent HS256 minting, as "any JWT library" would do it with the
 * deployment's key (the text of DATA_DIR/signing.key). */
static char *
b64url (const char *data,
        gsize       len)
{
  char *s = g_base64_encode ((const guchar *) data, len);
  GString *out = g_string_new (NULL);

  for (char *p = s; *p; p++)
    if (*p != '=')
      g_string_append_c (out, *p == '+' ? '-' : *p == '/' ? '_' : *p);
  g_free (s);
  return g_string_free (out, FALSE);
}

static char *
mint (Fixture    *f,
      const char *header,
      const char *payload)
{
  g_autofree char *path = g_build_filename (baton_test_server_get_data_dir (f->server), "signing.key", NULL);
  g_autofree char *key = NULL;
  g_autofree char *h = b64url (header, strlen (header));
  g_autofree char *p = b64url (payload, strlen (payload));
  g_autofree char *input = g_strconcat (h, ".", p, NULL);
  g_autofree char *sig = NULL;
  g_autoptr(GHmac) hmac = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_assert_true (g_file_get_contents (path, &key, NULL, NULL));
  g_strstrip (key);
  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) key, strlen (key));
  g_hmac_update (hmac, (const guchar *) input, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);
  sig = b64url ((const char *) digest, digest_len);
  return g_strconcat (input, ".", sig, NULL);
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
assert_refused (Fixture    *f,
                const char *token)
{
  const char *uri = baton_test_server_get_uri (f->server);
  g_autofree char *body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  guint status = 0;
  BatonTestClient *client;

  /* no WebSocket is opened … */
  client = btc_connect (uri, token, &status);
  g_assert_null (client);
  g_assert_cmpuint (status, ==, 401);
  /* … and the answer is a JSON body with code/subcode */
  g_assert_cmpuint (btc_http_get (uri, token, &body), ==, 401);
  g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (btc_int (obj, "code"), ==, 401);
  g_assert_cmpint (btc_int (obj, "subcode"), ==, 0);
  g_assert_nonnull (btc_str (obj, "message"));
}

static void
test_register (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(BatonTestClient) a = btc_connect (baton_test_server_get_uri (f->server), f->alice, NULL);
  g_autoptr(JsonObject) reply = NULL;
  JsonObject *user;

  g_assert_nonnull (a);
  reply = btc_ok (a, "{'type':'register','display_name':'front desk'}");
  g_assert_cmpint (btc_int (reply, "protocol"), ==, 1);
  user = json_object_get_object_member (reply, "user");
  g_assert_cmpstr (btc_str (user, "id"), ==, "alice");
  g_assert_cmpstr (btc_str (user, "display_name"), ==, "Alice Liddell");
  g_assert_nonnull (btc_str (reply, "session_id"));
  g_assert_cmpint (btc_int (reply, "token_expires_at"), >, now_s () + 3500);
  g_assert_cmpint (btc_int (reply, "unanswered_timeout"), ==, 20);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "calls")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "transfers")), ==, 0);

  /* a second register on the same connection changes nothing */
  btc_error (a, 409, 10018, "{'type':'register'}");
}

static void
test_register_first (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(BatonTestClient) a = btc_connect (baton_test_server_get_uri (f->server), f->alice, NULL);

  btc_error (a, 403, 10016, "{'type':'ping'}");
  btc_error (a, 403, 10016, "{'type':'call.invite','to':'bob','sdp':'x'}");
  btc_do (a, "{'type':'register'}");
  btc_do (a, "{'type':'ping'}");
}

static void
test_register_timeout (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(BatonTestClient) a = btc_connect (baton_test_server_get_uri (f->server), f->alice, NULL);

  g_assert_nonnull (a);
  /* 10 s × the test time scale */
  g_assert_cmpuint (btc_wait_closed (a, 5000), ==, 4408);
}

static void
test_no_token (Fixture       *f,
               gconstpointer  data)
{
  assert_refused (f, NULL);
  assert_refused (f, "");
  assert_refused (f, "not.a.jwt");
  assert_refused (f, "a.b");
}

static void
test_bad_signature (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *forged = g_strdup (f->alice);
  char *last = strrchr (forged, '.') + 1;
  g_autofree char *hdr = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *none = NULL;
  g_autoptr(BatonTestServer) other = baton_test_server_new ();
  g_autofree char *foreign = NULL;

  /* flip a signature character */
  *last = *last == 'A' ? 'B' : 'A';
  assert_refused (f, forged);

  /* a token of another deployment (another key) */
  baton_test_server_add_user (other, "alice", NULL);
  foreign = baton_test_server_token (other, "alice", 3600);
  assert_refused (f, foreign);

  /* alg none, no signature */
  hdr = b64url ("{\"alg\":\"none\",\"typ\":\"JWT\"}", 27);
  payload = g_strdup_printf ("{\"sub\":\"alice\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
                             now_s (), now_s () + 600);
  {
    g_autofree char *p64 = b64url (payload, strlen (payload));

    none = g_strconcat (hdr, ".", p64, ".", NULL);
  }
  assert_refused (f, none);

  /* correctly signed but claiming alg none / HS512 in the header */
  {
    g_autofree char *t1 = mint (f, "{\"alg\":\"none\"}", payload);
    g_autofree char *t2 = mint (f, "{\"alg\":\"HS512\"}", payload);
    g_autofree char *good = mint (f, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload);
    g_autoptr(BatonTestClient) a = NULL;

    assert_refused (f, t1);
    assert_refused (f, t2);
    /* the same payload with the right header is accepted: the key is usable by any JWT library */
    a = fixture_connect (f, good);
  }
}

static void
test_claims (Fixture       *f,
             gconstpointer  data)
{
  const char *hdr = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  g_autofree char *p_expired = g_strdup_printf ("{\"sub\":\"alice\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
                                                now_s () - 100, now_s () - 10);
  g_autofree char *p_unknown = g_strdup_printf ("{\"sub\":\"zed\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
                                                now_s (), now_s () + 600);
  g_autofree char *p_no_exp = g_strdup_printf ("{\"sub\":\"alice\",\"iat\":%" G_GINT64_FORMAT "}", now_s ());
  g_autofree char *p_str_exp = g_strdup_printf ("{\"sub\":\"alice\",\"iat\":1,\"exp\":\"%" G_GINT64_FORMAT "\"}",
                                                now_s () + 600);
  g_autofree char *p_no_sub = g_strdup_printf ("{\"iat\":1,\"exp\":%" G_GINT64_FORMAT "}", now_s () + 600);
  g_autofree char *t1 = mint (f, hdr, p_expired);
  g_autofree char *t2 = mint (f, hdr, p_unknown);
  g_autofree char *t3 = mint (f, hdr, p_no_exp);
  g_autofree char *t4 = mint (f, hdr, p_str_exp);
  g_autofree char *t5 = mint (f, hdr, p_no_sub);

  assert_refused (f, t1);
  assert_refused (f, t2);
  assert_refused (f, t3);
  assert_refused (f, t4);
  assert_refused (f, t5);
}

static void
test_expires_while_connected (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *short_token = baton_test_server_token (f->server, "alice", 2);
  g_autoptr(BatonTestClient) a = fixture_connect (f, short_token);
  g_autoptr(JsonObject) ev = NULL;

  ev = btc_wait_event (a, "token.expired");
  g_assert_cmpuint (btc_wait_closed (a, 3000), ==, 4401);
  /* and the expired token is now refused at the handshake */
  assert_refused (f, short_token);
}

static void
test_refresh (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *short_token = baton_test_server_token (f->server, "alice", 2);
  g_autoptr(BatonTestClient) a = fixture_connect (f, short_token);
  g_autoptr(BatonTestClient) b = fixture_connect (f, f->bob);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) hold = NULL;
  g_autofree char *call_id = fixture_call (a, b, "bob");
  g_autofree char *expired = mint (f, "{\"alg\":\"HS256\"}", "{\"sub\":\"alice\",\"iat\":1,\"exp\":2}");

  btc_error (a, 401, 0, "{'type':'token.refresh','token':'garbage'}");
  btc_error (a, 401, 0, "{'type':'token.refresh','token':'%s'}", expired);
  btc_error (a, 403, 0, "{'type':'token.refresh','token':'%s'}", f->bob);
  reply = btc_ok (a, "{'type':'token.refresh','token':'%s'}", f->alice);
  g_assert_cmpint (btc_int (reply, "token_expires_at"), >, now_s () + 3500);

  /* past the old expiry the connection and the call are still there */
  btc_run_for (3000);
  g_assert_true (btc_is_open (a));
  btc_assert_no_event (a, "token.expired");
  btc_do (a, "{'type':'call.hold','call_id':'%s','held':true}", call_id);
  hold = btc_wait_event (b, "call.hold");
  g_assert_true (btc_bool (hold, "held"));
}

static void
test_key_file (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (baton_test_server_get_data_dir (f->server), "signing.key", NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  FIXTURE_TEST ("/Baton/Server/Auth/register", test_register);
  FIXTURE_TEST ("/Baton/Server/Auth/register-first", test_register_first);
  FIXTURE_TEST ("/Baton/Server/Auth/register-timeout", test_register_timeout);
  FIXTURE_TEST ("/Baton/Server/Auth/no-token", test_no_token);
  FIXTURE_TEST ("/Baton/Server/Auth/bad-signature", test_bad_signature);
  FIXTURE_TEST ("/Baton/Server/Auth/claims", test_claims);
  FIXTURE_TEST ("/Baton/Server/Auth/expires-while-connected", test_expires_while_connected);
  FIXTURE_TEST ("/Baton/Server/Auth/refresh", test_refresh);
  FIXTURE_TEST ("/Baton/Server/Auth/key-file", test_key_file);

  return g_test_run ();
}
