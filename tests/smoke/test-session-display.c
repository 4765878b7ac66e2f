/* test-session-display.c: the test session's X server shows GTK windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GTK window maps, and the pixels it draws reach the X server: the colour
 * read back from the screen is the colour the window painted.
 */
#include <gtk/gtk.h>
#include <gdk/x11/gdkx.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

typedef struct
{
  gboolean mapped;
  guint frames;
} DrawState;

static void
map_cb (GtkWidget *widget,
        DrawState *state)
{
  state->mapped = TRUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                DrawState     *state)
{
  state->frames++;
}

static gulong
read_center_pixel (GtkWidget *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  Display *xdisplay = gdk_x11_display_get_xdisplay (gtk_widget_get_display (window));
  Window xid = gdk_x11_surface_get_xid (surface);
  XWindowAttributes attrs;
  XImage *image;
  gulong pixel;

  XSync (xdisplay, False);
  g_assert_true (XGetWindowAttributes (xdisplay, xid, &attrs));
  image = XGetImage (xdisplay, xid, attrs.width / 2, attrs.height / 2, 1, 1, AllPlanes, ZPixmap);
  g_assert_nonnull (image);
  pixel = XGetPixel (image, 0, 0);
  XDestroyImage (image);
  return pixel;
}

static void
test_window_draws (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  DrawState state = { 0, };
  GdkFrameClock *clock;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gulong pixel;

  gtk_css_provider_load_from_data (css, ".smoke { background: rgb(51, 102, 204); }", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_widget_add_css_class (box, "smoke");
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 200, 150);
  g_signal_connect (window, "map", G_CALLBACK (map_cb), &state);
  gtk_window_present (GTK_WINDOW (window));

  while (!state.mapped && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (state.mapped);

  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &state);
  gtk_widget_queue_draw (window);
  /* A couple of frames, so the first one has surely reached the server. */
  while (state.frames < 2 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      gtk_widget_queue_draw (window);
    }
  g_assert_cmpuint (state.frames, >=, 2);

  pixel = read_center_pixel (window);
  g_test_message ("centre pixel: #%06lx", pixel & 0xffffff);
  g_assert_cmphex (pixel & 0xffffff, ==, 0x3366cc);

  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, &state);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  g_test_add_func ("/Session/display/window-draws", test_window_draws);

  return g_test_run ();
}
