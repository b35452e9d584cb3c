/*
 * client.c: the CLI's side of the control protocol (proto/control.md): finding the socket,
 * framing, and one request with its reply. Replies come from our own daemon but are still
 * decoded strictly and bounded (ctl.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "wallflower/ctl.h"
#include "wallflower/paths.h"

#include "cli.h"

const char *cli_runtime_dir_opt;

/* ---- talking to the daemon ---- */

/* The socket's path; quiet: say nothing when there is no runtime directory (where no
 * daemon can run either). */
static char *
socket_path(bool quiet)
{
	char *dir = NULL, *path = NULL;
	int r = paths_runtime_dir(cli_runtime_dir_opt, &dir);

	if (r == -ENOENT) {
		if (!quiet)
			cli_error(
			        "no runtime directory: set XDG_RUNTIME_DIR or pass --runtime-dir");
	} else if (r < 0 || asprintf(&path, "%s/%s", dir, PATHS_CTL_SOCKET) < 0)
		cli_error("out of memory");
	free(dir);
	return path;
}

char *
cli_socket_path(void)
{
	return socket_path(false);
}

char *
cli_socket_path_quietly(void)
{
	return socket_path(true);
}

/* A connected socket, or -1 (quietly: the caller knows what a missing daemon means). */
int
cli_dial(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
cli_connect_daemon(void)
{
	char *path = cli_socket_path();
	int fd;

	if (path == NULL)
		return -1;
	if ((fd = cli_dial(path)) < 0)
		cli_error("wallflowerd is not running (start it with 'wallflower start')");
	free(path);
	return fd;
}

/* Reads exactly n bytes within the time left (timeout_ms < 0: wait forever). */
static int
read_full(int fd, uint8_t *buf, size_t n, int timeout_ms)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, timeout_ms) <= 0)
			return -ETIMEDOUT;
		if ((r = read(fd, buf + got, n - got)) <= 0)
			return r == 0 ? -ECONNRESET : -errno;
		got += (size_t)r;
	}
	return 0;
}

int
cli_write_msg(int fd, const json_t *msg)
{
	uint8_t *frame = NULL;
	size_t len = 0, off = 0;
	int r = ctl_encode(msg, CTL_REQUEST_MAX, &frame, &len);

	while (r == 0 && off < len) {
		ssize_t w = send(fd, frame + off, len - off, MSG_NOSIGNAL);

		if (w < 0)
			r = -errno;
		else
			off += (size_t)w;
	}
	free(frame);
	return r;
}

/* The next message from the daemon, or NULL after saying why. */
json_t *
cli_read_msg(int fd, int timeout_ms)
{
	uint8_t hdr[CTL_HEADER], *body;
	size_t len = 0;
	json_t *msg = NULL;
	const char *why = NULL;
	int r;

	if ((r = read_full(fd, hdr, sizeof(hdr), timeout_ms)) < 0 ||
	    (r = ctl_frame_len(hdr, CTL_REPLY_MAX, &len)) < 0) {
		cli_error(r == -ETIMEDOUT ? "wallflowerd did not answer in time"
		                          : "lost the connection to wallflowerd");
		return NULL;
	}
	if ((body = malloc(len)) == NULL) {
		cli_error("out of memory");
		return NULL;
	}
	if (read_full(fd, body, len, timeout_ms) < 0 ||
	    ctl_decode(body, len, CTL_REPLY_MAX, &msg, &why) < 0)
		cli_error("wallflowerd sent a broken reply");
	free(body);
	return msg;
}

json_t *
cli_daemon_request(json_t *req, int timeout_ms, bool quiet)
{
	char *path = socket_path(quiet);
	int fd = path != NULL ? cli_dial(path) : -1;
	json_t *reply = NULL;
	const char *msg = NULL;

	free(path);
	if (fd < 0 && !quiet && path != NULL)
		cli_error("wallflowerd is not running (start it with 'wallflower start')");
	if (fd >= 0 && req != NULL) {
		if (cli_write_msg(fd, req) < 0)
			cli_error("cannot talk to wallflowerd");
		else
			reply = cli_read_msg(fd, timeout_ms);
	}
	json_decref(req);
	if (fd >= 0)
		close(fd);
	if (reply != NULL && !json_is_true(json_object_get(reply, "ok"))) {
		if (ctl_get_str(reply, "msg", CTL_STRING_MAX, &msg) < 0)
			msg = "the daemon refused";
		cli_error("%s", cli_printable(msg));
		json_decref(reply);
		reply = NULL;
	}
	return reply;
}

/* ---- option parsing shared by these verbs ---- */

int
cli_getopt_daemon(struct cli *cli, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, const char *help, bool *done)
{
	int c;

	while ((c = cli_getopt(cli, argc, argv, shortopts, longopts, help, done)) ==
	       CLI_OPT_RUNTIME_DIR)
		cli_runtime_dir_opt = optarg;
	/* After --help, 0: every caller's "not mine" branch returns, so nothing runs. */
	return c == -1 && *done ? 0 : c;
}
