/* test-message.c: the message parser on its own (no server), and the fuzz
 * seed corpus run through it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "baton-server-message.h"

#include <string.h>

static BatonMessage *
parse (const char        *text,
       BatonMessageError *error)
{
  return baton_message_parse (text, strlen (text), error);
}

static void
expect_error (const char *text,
              gint64      id,
              int         subcode)
{
  BatonMessageError error = { 0 };
  BatonMessage *msg = parse (text, &error);

  if (msg != NULL)
    g_error ("%s parsed, expected 400/%d", text, subcode);
  g_assert_cmpint (error.code, ==, 400);
  if (error.subcode != subcode)
    g_error ("%s: got %d (%s), expected %d", text, error.subcode, error.message, subcode);
  g_assert_cmpint (error.id, ==, id);
  g_assert_nonnull (error.message);
  baton_message_error_clear (&error);
}

static void
test_valid (void)
{
  BatonMessageError error = { 0 };
  g_autoptr(BatonMessage) reg = parse ("{\"type\":\"register\",\"id\":1,\"resume\":{\"session_id\":\"s\",\"calls\":[\"a\",\"b\"]}}", &error);
  g_autoptr(BatonMessage) ice = parse ("{\"type\":\"ice\",\"id\":9,\"call_id\":\"c\",\"candidate\":\"\",\"sdp_mline_index\":2}", &error);
  g_autoptr(BatonMessage) tr = parse ("{\"type\":\"transfer.request\",\"id\":3,\"call_id\":\"a\",\"target\":{\"call_id\":\"b\"}}", &error);
  g_autoptr(BatonMessage) fwd = parse ("{\"type\":\"forwarding.set\",\"id\":4,\"always\":null,\"unanswered_timeout\":9}", &error);
  g_autoptr(BatonMessage) list = parse ("{\"type\":\"users.list\",\"id\":5}", &error);

  g_assert_nonnull (reg);
  g_assert_cmpint (reg->type, ==, BATON_MSG_REGISTER);
  g_assert_true (reg->has_resume);
  g_assert_cmpstr (reg->resume_session_id, ==, "s");
  g_assert_cmpuint (g_strv_length (reg->resume_calls), ==, 2);
  g_assert_nonnull (ice);
  g_assert_cmpstr (ice->candidate, ==, "");
  g_assert_cmpint (ice->sdp_mline_index, ==, 2);
  g_assert_nonnull (tr);
  g_assert_cmpstr (tr->target_call, ==, "b");
  g_assert_null (tr->target_user);
  g_assert_false (tr->disable_forwarding);
  g_assert_nonnull (fwd);
  g_assert_true (fwd->has_always);
  g_assert_null (fwd->always);
  g_assert_false (fwd->has_unanswered);
  g_assert_true (fwd->has_timeout);
  g_assert_cmpint (fwd->unanswered_timeout, ==, 9);
  g_assert_nonnull (list);
  g_assert_cmpint (list->limit, ==, 100);
}

static void
test_invalid (void)
{
  char *big = g_malloc (BATON_MESSAGE_MAX_SIZE + 2);

  expect_error ("", 0, 10010);
  expect_error ("nope", 0, 10010);
  expect_error ("{\"type\":\"ping\",\"id\":1", 0, 10010);
  expect_error ("{\"id\":4}", 4, 10010);
  expect_error ("{\"type\":\"ping\"}", 0, 10012);
  expect_error ("{\"type\":\"ping\",\"id\":\"1\"}", 0, 10012);
  expect_error ("{\"type\":\"warp\",\"id\":2}", 2, 10011);
  expect_error ("{\"type\":\"call.invite\",\"id\":2,\"to\":\"b b\",\"sdp\":\"x\"}", 2, 10012);
  expect_error ("{\"type\":\"users.list\",\"id\":2,\"limit\":1e2}", 2, 10012);
  expect_error ("{\"type\":\"register\",\"id\":2,\"resume\":{\"session_id\":\"s\",\"calls\":[1]}}", 2, 10012);
  expect_error ("{\"type\":\"ping\",\"id\":2,\"x\":\"\xff\"}", 0, 10010);
  memset (big, ' ', BATON_MESSAGE_MAX_SIZE + 1);
  big[BATON_MESSAGE_MAX_SIZE + 1] = '\0';
  expect_error (big, 0, 10010);
  g_free (big);
}

static void
test_corpus (void)
{
  const char *dir_path = g_getenv ("BATON_FUZZ_CORPUS");
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n = 0, parsed = 0;

  g_assert_nonnull (dir_path);
  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *data = NULL;
      gsize len = 0;
      BatonMessageError error = { 0 };
      BatonMessage *msg;

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      msg = baton_message_parse (data, len, &error);
      if (msg)
        {
          parsed++;
          g_assert_cmpint (msg->id, >, 0);
          baton_message_free (msg);
        }
      else
        {
          g_assert_cmpint (error.code, ==, 400);
          g_assert_nonnull (error.message);
          baton_message_error_clear (&error);
        }
      n++;
    }
  /* the seeds hold every message type, plus some bad ones */
  g_assert_cmpuint (n, >=, 20);
  g_assert_cmpuint (parsed, >=, 18);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Baton/Server/Message/valid", test_valid);
  g_test_add_func ("/Baton/Server/Message/invalid", test_invalid);
  g_test_add_func ("/Baton/Server/Message/fuzz-corpus", test_corpus);

  return g_test_run ();
}
