/*
 * ctlclient: the client side of the control socket (proto/control.md), shared by the
 * wallflower CLI, wallflower-ui and wallflower-notify. Connecting, sending one request and
 * reading one message, blocking, with every message framed and decoded by ctl (ctl.h) and
 * bounded by CTL_REQUEST_MAX out and CTL_REPLY_MAX in. The daemon is our own, but its bytes
 * are decoded as strictly as anyone's.
 *
 * Nothing here prints or keeps state between calls (wallflower-ui calls it from many
 * threads): each program says what went wrong in its own words.
 */
#ifndef WALLFLOWER_CTLCLIENT_H
#define WALLFLOWER_CTLCLIENT_H

#include "wallflower/ctl.h"

#define CTLCLIENT_CONNECT_MS 2000 /* a connect waiting on a daemon that accepts nobody */

/*
 * A socket connected to the control socket at path (SOCK_CLOEXEC, blocking; the caller
 * closes it), or a negative errno: -ENAMETOOLONG when path does not fit a sockaddr_un;
 * -ETIMEDOUT when the daemon's queue of connections stayed full for CTLCLIENT_CONNECT_MS
 * (a daemon that accepts nobody); else what socket or connect said (-ENOENT,
 * -ECONNREFUSED: no daemon).
 */
int ctlclient_dial(const char *path) __attribute__((warn_unused_result));

/*
 * Sends msg (borrowed) as one frame on fd, all of it, retrying after a signal; MSG_NOSIGNAL,
 * so a closed socket is an error, never SIGPIPE. 0; -EMSGSIZE when its JSON is over
 * CTL_REQUEST_MAX; -ENOMEM; what send said (-EPIPE: the daemon is gone).
 */
int ctlclient_send(int fd, const json_t *msg) __attribute__((warn_unused_result));

/*
 * Reads the next message on fd: a reply, or an event of a watch stream. timeout_ms bounds
 * the whole message (< 0: wait forever); each read waits in poll for the time left. 0 with
 * *msg (the caller's reference); otherwise *msg is NULL and:
 *   -ETIMEDOUT   no whole header within timeout_ms;
 *   -ECONNRESET  the daemon closed the socket before a whole header;
 *   -EINTR       a signal came while it waited (the caller looks at its flags);
 *   -EMSGSIZE    the header announces an empty body or one over CTL_REPLY_MAX;
 *   -EPROTO      the body stopped short: closed, broken or not all there in time;
 *   -EBADMSG     the body is not a message (ctl_decode);
 *   -ENOMEM, or what poll or read said about the header.
 */
int ctlclient_recv(int fd, int timeout_ms, json_t **msg) __attribute__((warn_unused_result));

#endif
