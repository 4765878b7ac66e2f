/* baton.h: the one public header of libbaton-1
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <gio/gio.h>

#define _BATON_INSIDE

#include "baton-version.h"
#include "baton-enums.h"
#include "baton-enum-types.h"
#include "baton-error.h"
#include "baton-log.h"
#include "baton-audio-device.h"
#include "baton-device-manager.h"
#include "baton-token-credential.h"
#include "baton-call-agent-options.h"
#include "baton-remote-participant.h"
#include "baton-transfer.h"
#include "baton-transfer-call-feature.h"
#include "baton-call.h"
#include "baton-incoming-call.h"
#include "baton-user.h"
#include "baton-forwarding-settings.h"
#include "baton-call-agent.h"
#include "baton-call-client.h"

#undef _BATON_INSIDE
