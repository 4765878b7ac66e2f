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
 *
 * The same codes are the end reasons of calls ([property@Call:end-code],
 * [property@Call:end-subcode]) and the failures of transfers
 * ([property@Transfer:error-code], [property@Transfer:error-subcode]). The
 * full table is in the protocol documentation (`docs/PROTOCOL.md`, § 9); the
 * ones applications meet most:
 *
 * | code / subcode | meaning |
 * |---|---|
 * | 0 / 0 | ended normally by a hang-up |
 * | 0 / 10206 | replaced by a transferred call (transfer to a call) |
 * | 0 / 10207 | the call was transferred |
 * | 401 / 0 | the token is invalid or expired |
 * | 403 / 0 | not allowed (not a party of the call, …) |
 * | 404 / 0 | unknown user id |
 * | 404 / 10202 | transfer to a call: the target call was not found or is not ours |
 * | 408 / 10204 | the transferee did not answer the transfer request in time |
 * | 410 / 10008 | the call ended while this agent or the other party was disconnected |
 * | 410 / 301005 | media connectivity was lost or could not be established |
 * | 480 / 0 | the callee is offline |
 * | 486 / 0 | the callee is busy |
 * | 487 / 0 | the caller cancelled before the answer |
 * | 487 / 10003 | answered on another device |
 * | 487 / 10004 | nobody answered before the unanswered timeout |
 * | 603 / 0 | the callee declined |
 * | 603 / 10203 | the transferee refused the transfer |
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
 * @BATON_ERROR_INVALID_ARGUMENT: an argument can never be right, whatever the
 *   service says: an empty user id or call id (a %NULL where none is allowed
 *   stays a programmer error, reported with a critical warning)
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
  BATON_ERROR_INVALID_ARGUMENT,
} BatonError;

BATON_AVAILABLE_IN_ALL
GQuark   baton_error_quark            (void);

BATON_AVAILABLE_IN_ALL
gboolean baton_error_get_service_code (const GError *error,
                                       guint        *code,
                                       guint        *subcode);

G_END_DECLS
