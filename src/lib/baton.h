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
#include "baton-audio-device.h"
#include "baton-device-manager.h"

#undef _BATON_INSIDE
