/* test-token-credential.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "baton-lib-test-util.h"
#include "baton-token-credential-private.h"

/* An unsigned JWT with the given claims (the credential never verifies). */
static char *
make_jwt (gint64 iat,
          gint64 exp)
{
  g_autofree char *payload = g_strdup_printf ("{\"sub\":\"alice\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
                                              iat, exp);
  g_autofree char *b64 = g_base64_encode ((const guchar *) payload, strlen (payload));
  char *end;

  /* base64url without padding */
  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  end = strchr (b64, '=');
  if (end)
    *end = '\0';
  return g_strconcat ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", b64, ".c2lnbmF0dXJl", NULL);
}

static void
test_expires_on (void)
{
  g_autofree char *token = make_jwt (1700000000, 1700003600);
  BatonTokenCredential *credential = baton_token_credential_new (token);
  GDateTime *exp = baton_token_credential_get_expires_on (credential);
  g_autofree char *prop_token = NULL;

  g_assert_nonnull (exp);
  g_assert_cmpint (g_date_time_to_unix (exp), ==, 1700003600);
  g_assert_cmpstr (baton_token_credential_get_token (credential), ==, token);
  g_object_get (credential, "token", &prop_token, NULL);
  g_assert_cmpstr (prop_token, ==, token);
  g_assert_finalize_object (credential);
}

static void
test_not_a_jwt (void)
{
  BatonTokenCredential *credential = baton_token_credential_new ("not.a-jwt");

  g_assert_null (baton_token_credential_get_expires_on (credential));
  g_assert_cmpstr (baton_token_credential_get_token (credential), ==, "not.a-jwt");
  g_assert_finalize_object (credential);
}

static void
test_notify (void)
{
  g_autofree char *t1 = make_jwt (1700000000, 1700003600);
  g_autofree char *t2 = make_jwt (1700000000, 1700007200);
  g_autofree char *t3 = make_jwt (1700001000, 1700007200);
  BatonTokenCredential *credential = baton_token_credential_new (t1);
  NotifyCounter token_n = { 0 }, exp_n = { 0 };

  test_count_notify (credential, "token", &token_n);
  test_count_notify (credential, "expires-on", &exp_n);

  baton_token_credential_set_token (credential, t1);
  g_assert_cmpuint (token_n.count, ==, 0);
  g_assert_cmpuint (exp_n.count, ==, 0);

  baton_token_credential_set_token (credential, t2);
  g_assert_cmpuint (token_n.count, ==, 1);
  g_assert_cmpuint (exp_n.count, ==, 1);
  g_assert_cmpint (g_date_time_to_unix (baton_token_credential_get_expires_on (credential)), ==, 1700007200);

  /* a new token with the same expiry: only the token changes */
  g_object_set (credential, "token", t3, NULL);
  g_assert_cmpuint (token_n.count, ==, 2);
  g_assert_cmpuint (exp_n.count, ==, 1);

  g_assert_finalize_object (credential);
}

static void
test_refresh_time (void)
{
  /* one hour: a minute before the end */
  g_assert_cmpint (baton_token_credential_refresh_time (1000, 4600, 1000), ==, 4540);
  /* short tokens: after 80 % of the lifetime */
  g_assert_cmpint (baton_token_credential_refresh_time (1000, 1100, 1000), ==, 1080);
  g_assert_cmpint (baton_token_credential_refresh_time (1000, 1010, 1005), ==, 1008);
  /* no iat: counted from now */
  g_assert_cmpint (baton_token_credential_refresh_time (0, 1100, 1000), ==, 1080);
}

static void
refresh_cb (BatonTokenCredential *credential,
            guint                *n)
{
  (*n)++;
}

static void
test_refresh_needed (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *token = make_jwt (now, now + 2);
  g_autofree char *later = make_jwt (now, now + 3600);
  BatonTokenCredential *credential = baton_token_credential_new (token);
  guint n = 0;

  g_signal_connect (credential, "refresh-needed", G_CALLBACK (refresh_cb), &n);
  test_wait_until (n == 1);
  /* a fresh long token: no new request soon */
  baton_token_credential_set_token (credential, later);
  test_spin (1500);
  g_assert_cmpuint (n, ==, 1);

  /* an already expired token asks at once */
  g_free (token);
  token = make_jwt (now - 100, now - 10);
  baton_token_credential_set_token (credential, token);
  test_wait_until (n == 2);

  g_assert_finalize_object (credential);
}

static void
test_preconditions (void)
{
  g_test_expect_message ("Baton-Credential", G_LOG_LEVEL_CRITICAL, "*token != NULL*");
  g_assert_null (baton_token_credential_new (NULL));
  g_test_assert_expected_messages ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Baton/TokenCredential/expires-on", test_expires_on);
  g_test_add_func ("/Baton/TokenCredential/not-a-jwt", test_not_a_jwt);
  g_test_add_func ("/Baton/TokenCredential/notify", test_notify);
  g_test_add_func ("/Baton/TokenCredential/refresh-time", test_refresh_time);
  g_test_add_func ("/Baton/TokenCredential/refresh-needed", test_refresh_needed);
  g_test_add_func ("/Baton/TokenCredential/preconditions", test_preconditions);

  return g_test_run ();
}
