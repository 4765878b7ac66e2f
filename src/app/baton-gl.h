/* baton-gl.h: no GL start-up where GL could only be a software rasteriser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The directory of the DRM device nodes. */
#define BATON_GL_DRI_DIR "/dev/dri"

gboolean baton_gl_has_render_node  (const char *dri_dir);
gboolean baton_gl_choose_for_gtk   (const char *dri_dir);

G_END_DECLS
