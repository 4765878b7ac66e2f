/* baton-demo-test.h: start baton-demo-bots from a test, and look for
 * processes left behind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *proc;
  GDataInputStream *out;
  GPtrArray *contacts;          /* "id\tname" lines, as printed */
} DemoBots;

/* Runs $BATON_DEMO_BOTS --server URI --data-dir DIR [--call USER
 * --call-after 1] and waits (up to 30 s) for its "ready" line. */
DemoBots *demo_bots_start          (const char *uri,
                                    const char *data_dir,
                                    const char *call_user);
/* SIGTERM; asserts that it exits with status 0 within 10 s. */
void      demo_bots_stop           (DemoBots   *bots);
void      demo_bots_free           (DemoBots   *bots);

/* TRUE if a live (not zombie) process of ours has @pid. */
gboolean  demo_process_alive       (GPid        pid);
/* The number of live processes whose command line contains @needle. */
guint     demo_count_processes     (const char *needle);

G_END_DECLS
