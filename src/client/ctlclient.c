/*
 * ctlclient.c: the control socket as its clients see it (proto/control.md): one connection,
 * a frame out, a frame in. It trusts nothing it reads: a header's length is checked against
 * CTL_REPLY_MAX before anything is allocated, and the body goes through ctl_decode. It never
 * prints and never waits past the caller's bound.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctlclient.h"

int
ctlclient_dial(const char *path)
{
	const struct timeval bound = { .tv_sec = CTLCLIENT_CONNECT_MS / 1000,
		                       .tv_usec = CTLCLIENT_CONNECT_MS % 1000 * 1000 },
	                     forever = { 0 };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	int fd, e;

	if (n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, n + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	/* A Unix connect waits while the listener's queue is full, for as long as the send
	 * timeout allows: bounded for the connect, then unbounded again, as sends were. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof(bound)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &forever, sizeof(forever)) < 0) {
		e = errno == EAGAIN || errno == EINPROGRESS ? -ETIMEDOUT : -errno;
		close(fd);
		return e;
	}
	return fd;
}

int
ctlclient_send(int fd, const json_t *msg)
{
	uint8_t *frame = NULL;
	size_t len = 0, off = 0;
	int r = ctl_encode(msg, CTL_REQUEST_MAX, &frame, &len);

	while (r == 0 && off < len) {
		ssize_t w = send(fd, frame + off, len - off, MSG_NOSIGNAL);

		if (w < 0 && errno != EINTR)
			r = -errno;
		else if (w > 0)
			off += (size_t)w;
	}
	free(frame);
	return r;
}

static int64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Reads exactly n bytes before deadline (now_ms(); < 0: none). 0; -ETIMEDOUT; -EINTR;
 * -ECONNRESET at the end of the stream; what poll or read said. */
static int
read_full(int fd, uint8_t *buf, size_t n, int64_t deadline)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline < 0 ? -1 : deadline - now_ms();
		ssize_t r;
		int k;

		/* Past the deadline, poll still takes what is already there. */
		if (deadline >= 0 && left < 0)
			left = 0;
		if ((k = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left)) == 0)
			return -ETIMEDOUT;
		if (k < 0)
			return -errno;
		if ((r = read(fd, buf + got, n - got)) < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? -ECONNRESET : -errno;
		got += (size_t)r;
	}
	return 0;
}

int
ctlclient_recv(int fd, int timeout_ms, json_t **msg)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	uint8_t hdr[CTL_HEADER], *body = NULL;
	const char *why = NULL;
	size_t len = 0;
	int r;

	*msg = NULL;
	if ((r = read_full(fd, hdr, sizeof(hdr), deadline)) < 0 ||
	    (r = ctl_frame_len(hdr, CTL_REPLY_MAX, &len)) < 0)
		return r;
	if ((body = malloc(len)) == NULL)
		return -ENOMEM;
	/* A frame begun is owed whole: whatever cuts it short breaks the stream. */
	if (read_full(fd, body, len, deadline) < 0)
		r = -EPROTO;
	else if (ctl_decode(body, len, CTL_REPLY_MAX, msg, &why) < 0)
		r = -EBADMSG;
	free(body);
	return r;
}
