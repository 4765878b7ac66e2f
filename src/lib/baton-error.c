/* baton-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "baton-error-private.h"

G_DEFINE_QUARK (baton-error-quark, baton_error)

/**
 * baton_error_get_service_code:
 * @error: a #GError
 * @code: (out) (optional): the service's HTTP-style code
 * @subcode: (out) (optional): the service's subcode
 *
 * Extracts the code and subcode that the calling service gave for a failure
 * (see the error table in `docs/PROTOCOL.md`). Errors of the [const@ERROR]
 * domain made from a service reply carry them at the end of their message as
 * ` (CODE/SUBCODE)`; an invalid token is always 401/0.
 *
 * Returns: %TRUE if @error carries a service code
 */
gboolean
baton_error_get_service_code (const GError *error,
                              guint        *code,
                              guint        *subcode)
{
  const char *open;
  guint c = 0, s = 0;
  char tail = 0;

  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain != BATON_ERROR || error->message == NULL)
    return FALSE;

  open = strrchr (error->message, '(');
  if (open == NULL || sscanf (open, "(%u/%u%c", &c, &s, &tail) != 3 || tail != ')')
    {
      if (error->code != BATON_ERROR_INVALID_TOKEN)
        return FALSE;
      c = 401;
      s = 0;
    }

  if (code)
    *code = c;
  if (subcode)
    *subcode = s;
  return TRUE;
}

GError *
baton_error_new_service (BatonError  error_code,
                         guint       code,
                         guint       subcode,
                         const char *message)
{
  return g_error_new (BATON_ERROR, error_code, "%s (%u/%u)",
                      message && *message ? message : "failed", code, subcode);
}

BatonError
baton_error_code_for_service (guint code)
{
  switch (code)
    {
    case 401:
      return BATON_ERROR_INVALID_TOKEN;
    case 409:
      return BATON_ERROR_INVALID_STATE;
    default:
      return BATON_ERROR_SERVICE;
    }
}
