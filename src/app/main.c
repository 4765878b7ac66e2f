/* main.c: the baton app entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "baton-application.h"
#include "baton-gl.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BatonApplication) app = NULL;

#ifdef __GLIBC__
  /* A fixed mmap threshold: glibc's default one rises each time a large
   * block (a frame's cairo surface, Mesa's buffers) is freed, after which
   * such blocks come from the heap, and the heap keeps what start-up freed
   * resident (its trim threshold rises with it). Measured with bench-app,
   * alternately: at rest 43.8 MiB USS (43.6-43.9) against 48.6 (46.8-50.7,
   * bimodal), two calls 54.8 against 57.5 (docs/PERFORMANCE.md, App). */
  mallopt (M_MMAP_THRESHOLD, 128 * 1024);
#endif

  /* No GL where it could only be Mesa's software rasteriser (baton-gl.c):
   * before GTK opens the display, while no thread runs. */
  baton_gl_choose_for_gtk (BATON_GL_DRI_DIR);

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Without its settings schema (started from a build tree without
   * `meson devenv`, or installed without it) g_settings_new () would abort
   * with a core dump: say what is missing instead. */
  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema = NULL;

    if (source != NULL)
      schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
    if (schema == NULL)
      {
        g_printerr (_("Baton cannot start: its settings schema %s is not installed. Install Baton "
                      "(meson install), or start it from its build directory: "
                      "meson devenv -C BUILDDIR baton\n"), APP_ID);
        return 1;
      }
  }

  app = baton_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
