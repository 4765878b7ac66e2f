/* fuzz-message.c: libFuzzer harness for baton-server's message parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Build: CC=clang meson setup build-fuzz -Dfuzzing=true -Dapp=false
 *        ninja -C build-fuzz fuzz/fuzz-message
 * Run:   build-fuzz/fuzz/fuzz-message -max_len=70000 fuzz/corpus
 */
#include "baton-server-message.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  BatonMessageError error = { 0 };
  BatonMessage *msg = baton_message_parse ((const char *) data, size, &error);

  if (msg == NULL)
    {
      /* every failure is a protocol error with a message */
      if (error.code != 400 || error.message == NULL ||
          (error.subcode != 10010 && error.subcode != 10011 && error.subcode != 10012))
        abort ();
      baton_message_error_clear (&error);
      return 0;
    }
  if (msg->id <= 0 || error.message != NULL)
    abort ();
  baton_message_free (msg);
  return 0;
}
