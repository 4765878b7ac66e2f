/* baton-server-backlog.c: how much of what was sent on a TCP socket has left
 * the process — the kernel's own counters, in a file of its own because they
 * need <linux/tcp.h>, whose struct tcp_info clashes with <netinet/tcp.h>'s.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "baton-server-private.h"

#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* Bytes written into the socket so far: those the peer acknowledged plus those
 * still in the kernel's send queue. What the process handed to libsoup beyond
 * that still sits in libsoup's outgoing queue, in our memory. */
gboolean
baton_socket_bytes_written (int      fd,
                            guint64 *out)
{
  struct tcp_info info;
  socklen_t len = sizeof info;
  int outq = 0;

  memset (&info, 0, sizeof info);
  if (getsockopt (fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
      len < offsetof (struct tcp_info, tcpi_bytes_acked) + sizeof info.tcpi_bytes_acked)
    return FALSE;
  if (ioctl (fd, SIOCOUTQ, &outq) != 0 || outq < 0)
    return FALSE;
  *out = info.tcpi_bytes_acked + (guint64) outq;
  return TRUE;
}
