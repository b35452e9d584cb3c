/*
 * backend.c: wallflower-ui's two ways to what it shows: the daemon's control socket
 * (proto/control.md, through ctlclient, which frames and bounds it with ctl.c) and the
 * wallflower CLI run as a subprocess for what the CLI owns (signing the card that goes
 * back, contacts, the map, the QR code). Every reply and every output is bounded before it
 * is kept. Called from libmicrohttpd's per-connection threads: nothing here holds state
 * between calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wallflower/file.h"
#include "wallflower/paths.h"

#include "ctlclient.h"
#include "ui.h"

int
backend_dial(const struct ui *ui)
{
	char *path = file_join(ui->runtime_dir, PATHS_CTL_SOCKET);
	int fd = path != NULL ? ctlclient_dial(path) : -ENOMEM;

	free(path);
	return fd;
}

json_t *
backend_request(const struct ui *ui, json_t *req)
{
	int fd = backend_dial(ui);
	json_t *reply = NULL;

	if (fd >= 0 && req != NULL && ctlclient_send(fd, req) == 0 &&
	    ctlclient_recv(fd, UI_REQUEST_TIMEOUT_MS, &reply) < 0)
		reply = NULL;
	json_decref(req);
	if (fd >= 0)
		close(fd);
	return reply;
}

/* ---- the CLI as a subprocess ---- */

struct sink {
	int fd;
	char *buf;
	size_t len;
	bool full;
};

/* Reads what fd has into s; 1 at its end, 0 for more later, -errno. Past the bound the
 * bytes are read and dropped, so the child never blocks on a full pipe. */
static int
sink_read(struct sink *s)
{
	char tmp[4096];
	ssize_t r = read(s->fd, tmp, sizeof(tmp));

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (r == 0)
		return 1;
	if (s->len + (size_t)r > UI_CLI_OUTPUT_MAX) {
		s->full = true;
		return 0;
	}
	char *n = realloc(s->buf, s->len + (size_t)r + 1);

	if (n == NULL)
		return -ENOMEM;
	s->buf = n;
	memcpy(s->buf + s->len, tmp, (size_t)r);
	s->len += (size_t)r;
	s->buf[s->len] = '\0';
	return 0;
}

static void
child_exec(const struct ui *ui, const char *const argv[], int out, int err)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	execv(ui->cli, (char *const *)argv); /* execv never writes them */
	_exit(127);
}

static int64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Both pipes until they close, within UI_CLI_TIMEOUT_MS: 0, -ETIMEDOUT or -errno. */
static int
collect(struct sink *s)
{
	const int64_t end = now_ms() + UI_CLI_TIMEOUT_MS;
	int open_n = 2, r = 0, n;

	while (open_n > 0 && r >= 0) {
		struct pollfd p[2] = { { .fd = s[0].fd, .events = POLLIN },
			               { .fd = s[1].fd, .events = POLLIN } };
		int64_t left = end - now_ms();

		if (left <= 0 || (n = poll(p, 2, (int)left)) == 0) {
			r = -ETIMEDOUT;
			continue;
		}
		if (n < 0) {
			if (errno != EINTR)
				r = -errno;
			continue;
		}
		for (int i = 0; i < 2 && r >= 0; i++) {
			if (s[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if ((r = sink_read(&s[i])) == 1) {
				close(s[i].fd);
				s[i].fd = -1;
				open_n--;
				r = 0;
			}
		}
	}
	return r;
}

int
backend_run_cli(const struct ui *ui, const char *const argv[], char **out, size_t *outlen,
                char **err)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, status = 0, r;
	struct sink s[2] = { { .fd = -1 }, { .fd = -1 } };
	pid_t pid;

	*out = *err = NULL;
	*outlen = 0;
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	if ((pid = fork()) < 0) {
		r = -errno;
		goto out;
	}
	if (pid == 0)
		child_exec(ui, argv, po[1], pe[1]);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	s[0].fd = po[0];
	s[1].fd = pe[0];
	po[0] = pe[0] = -1;
	/* A CLI that hangs (a store locked for long, a stuck send) would hold this
	 * connection's thread, and MHD_stop_daemon waits for every thread: it is killed. */
	if ((r = collect(s)) < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && (s[0].full || s[1].full))
		r = -EFBIG;
	if (r == 0)
		r = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
out:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
		if (s[i].fd >= 0)
			close(s[i].fd);
	}
	if (r < 0) {
		free(s[0].buf);
		free(s[1].buf);
		return r;
	}
	*out = s[0].buf;
	*outlen = s[0].len;
	*err = s[1].buf;
	return r;
}
