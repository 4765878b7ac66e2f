/* baton-gl.c: no GL start-up where GL could only be a software rasteriser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8 starts GL whenever it opens a display (gdk_display_prepare_gl ()
 * chooses the window's visual with it), whatever renderer draws afterwards.
 * On a machine without a GPU that is Mesa's software rasteriser (llvmpipe:
 * libLLVM, swrast_dri): ~11-17 MiB of private memory and ~50 ms of start-up
 * in every launch (docs/PERFORMANCE.md, App), for nothing GTK's cairo
 * renderer does not draw as well for a window like ours. GTK 4.8 has no API
 * for this; its one switch is GDK_DEBUG=gl-disable, one of the GDK_DEBUG
 * keys a release build honours (GDK_DEBUG=help lists them; later GTKs
 * document GDK_DISABLE=gl for the same). GTK reads it when it initialises,
 * so the decision is taken in main () before anything opens the display.
 */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>

#include "baton-gl.h"

/**
 * baton_gl_has_render_node:
 * @dri_dir: where the DRM device nodes are (%BATON_GL_DRI_DIR)
 *
 * Whether this user can open a DRM render node (`renderD*`) of @dri_dir:
 * without one, Mesa can only render GL in software. (Opening is the test,
 * as Mesa would: a node this user may not open is no GPU for this app.)
 */
gboolean
baton_gl_has_render_node (const char *dri_dir)
{
  g_autoptr(GDir) dir = g_dir_open (dri_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      int fd;

      if (!g_str_has_prefix (name, "renderD"))
        continue;
      path = g_build_filename (dri_dir, name, NULL);
      fd = g_open (path, O_RDWR | O_CLOEXEC | O_NOCTTY, 0);
      if (fd >= 0)
        {
          g_close (fd, NULL);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * baton_gl_choose_for_gtk:
 * @dri_dir: where the DRM device nodes are (%BATON_GL_DRI_DIR)
 *
 * Turns GTK's GL off (GDK_DEBUG=gl-disable, and GSK_RENDERER=cairo so that
 * GSK does not first try its GL renderer and log its failure) when
 *
 * - `BATON_GL=0`: the user asks for it (kept beside the user's own
 *   GDK_DEBUG keys, if any); or
 * - none of `BATON_GL`, `GDK_DEBUG`, `GSK_RENDERER` is set and there is no
 *   render node (baton_gl_has_render_node ()).
 *
 * `BATON_GL=1`, a render node, or the user's own GDK_DEBUG or GSK_RENDERER
 * leave everything to GTK. Programs Baton starts inherit the variables.
 *
 * Call it before GTK opens a display and before any thread runs (it sets
 * environment variables).
 *
 * Returns: whether it turned GL off
 */
gboolean
baton_gl_choose_for_gtk (const char *dri_dir)
{
  const char *baton_gl = g_getenv ("BATON_GL");
  const char *gdk_debug = g_getenv ("GDK_DEBUG");
  const char *reason;

  if (g_strcmp0 (baton_gl, "1") == 0)
    return FALSE;
  else if (g_strcmp0 (baton_gl, "0") == 0)
    reason = "BATON_GL=0";
  else if (baton_gl != NULL)
    {
      g_warning ("BATON_GL=%s: expected 0 (no GL) or 1 (GTK decides); GTK decides", baton_gl);
      return FALSE;
    }
  else if (gdk_debug != NULL || g_getenv ("GSK_RENDERER") != NULL)
    return FALSE;
  else if (baton_gl_has_render_node (dri_dir))
    return FALSE;
  else
    reason = "no GPU render node";

  if (gdk_debug == NULL || *gdk_debug == '\0')
    g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  else if (strstr (gdk_debug, "gl-disable") == NULL)
    {
      g_autofree char *keys = g_strconcat (gdk_debug, ":gl-disable", NULL);

      g_setenv ("GDK_DEBUG", keys, TRUE);
    }
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_debug ("GL off (%s): GDK_DEBUG=%s GSK_RENDERER=%s", reason,
           g_getenv ("GDK_DEBUG"), g_getenv ("GSK_RENDERER"));

  return TRUE;
}
