/* baton-error.h: the error domain of libbaton
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(_BATON_INSIDE) && !defined(BATON_COMPILATION)
#error "Only <baton/baton.h> can be included directly."
#endif

#include <glib.h>

#include "baton-version.h"

G_BEGIN_DECLS

/**
 * BATON_ERROR:
 *
 * The error domain of libbaton. Errors in this domain carry a
 * [enum@Error] code; when the calling service reported the failure, the
 * message ends with the service's HTTP-style code and subcode in the form
 * ` (CODE/SUBCODE)`, which [func@error_get_service_code] extracts.
 */
#define BATON_ERROR (baton_error_quark ())

/**
 * BatonError:
 * @BATON_ERROR_FAILED: a failure without a more specific code
 * @BATON_ERROR_INVALID_TOKEN: the token is invalid or has expired (401/0)
 * @BATON_ERROR_CONNECTION: the calling service could not be reached, or the
 *   connection to it was lost
 * @BATON_ERROR_NOT_CONNECTED: the agent is not connected to the service
 * @BATON_ERROR_INVALID_STATE: the request does not fit the state of the call
 * @BATON_ERROR_SERVICE: the service refused the request; see the code and
 *   subcode in the message
 * @BATON_ERROR_PROTOCOL: the service sent something libbaton does not understand
 *
 * Error codes of the [const@ERROR] domain.
 */
typedef enum {
  BATON_ERROR_FAILED,
  BATON_ERROR_INVALID_TOKEN,
  BATON_ERROR_CONNECTION,
  BATON_ERROR_NOT_CONNECTED,
  BATON_ERROR_INVALID_STATE,
  BATON_ERROR_SERVICE,
  BATON_ERROR_PROTOCOL,
} BatonError;

BATON_AVAILABLE_IN_ALL
GQuark   baton_error_quark            (void);

BATON_AVAILABLE_IN_ALL
gboolean baton_error_get_service_code (const GError *error,
                                       guint        *code,
                                       guint        *subcode);

G_END_DECLS
