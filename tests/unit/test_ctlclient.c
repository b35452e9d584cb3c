/*
 * ctlclient: the control socket as the CLI, wallflower-ui and wallflower-notify use it,
 * against a daemon played by the test on a socketpair or a listening socket in a temporary
 * directory: a request decoded by the other end, a reply read back, and every way a reply
 * can go wrong (too late, cut short, too long, not JSON).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctlclient.h"
#include "testutil.h"

/* A connected pair: s[0] the client's end, s[1] the daemon's. */
static void
pair(int s[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s), 0);
}

static void
put(int fd, const void *buf, size_t len)
{
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
}

/* A frame header announcing len bytes. */
static void
put_header(int fd, uint32_t len)
{
	uint8_t h[CTL_HEADER] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
		                  (uint8_t)len };

	put(fd, h, sizeof(h));
}

/* Writes msg as the daemon does: one frame. Takes msg. */
static void
put_msg(int fd, json_t *msg)
{
	uint8_t *frame = NULL;
	size_t len = 0;

	assert_non_null(msg);
	assert_int_equal(ctl_encode(msg, CTL_REPLY_MAX, &frame, &len), 0);
	put(fd, frame, len);
	free(frame);
	json_decref(msg);
}

/* The daemon's side of reading one request: exactly one frame, decoded as the daemon
 * decodes it. */
static json_t *
take_request(int fd)
{
	uint8_t hdr[CTL_HEADER], *body;
	const char *why = NULL;
	json_t *msg = NULL;
	size_t len = 0;

	assert_int_equal(recv(fd, hdr, sizeof(hdr), MSG_WAITALL), (ssize_t)sizeof(hdr));
	assert_int_equal(ctl_frame_len(hdr, CTL_REQUEST_MAX, &len), 0);
	assert_non_null(body = malloc(len));
	assert_int_equal(recv(fd, body, len, MSG_WAITALL), (ssize_t)len);
	assert_int_equal(ctl_decode(body, len, CTL_REQUEST_MAX, &msg, &why), 0);
	free(body);
	return msg;
}

/* ctlclient_recv's result, asserting that *msg is set exactly when it succeeds. */
static int
recv_msg(int fd, int timeout_ms, json_t **msg)
{
	int r;

	*msg = (json_t *)1; /* cleared on entry, whatever happens */
	r = ctlclient_recv(fd, timeout_ms, msg);
	if (r == 0)
		assert_non_null(*msg);
	else
		assert_null(*msg);
	return r;
}

static int64_t
ms_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
pause_ms(long ms)
{
	struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&t, &t) < 0)
		;
}

/* A listening socket at dir/ctl; *path gets its path (the caller frees). */
static int
listening(const char *dir, char **path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	*path = tu_path(dir, "ctl");
	assert_true(fd >= 0);
	assert_true(strlen(*path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, *path, strlen(*path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static void
test_ctlclient_dial_request_and_reply(void **state)
{
	char *dir = tu_tmpdir(), *path = NULL;
	int lfd = listening(dir, &path), fd, peer;
	json_t *req, *got, *reply = NULL;
	const char *cmd = NULL;

	(void)state;
	fd = ctlclient_dial(path);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_true((peer = accept(lfd, NULL, NULL)) >= 0);

	req = json_pack("{ss si}", "cmd", "status", "n", 7);
	assert_int_equal(ctlclient_send(fd, req), 0);
	json_decref(req);
	got = take_request(peer);
	assert_int_equal(ctl_get_str(got, "cmd", 64, &cmd), 0);
	assert_string_equal(cmd, "status");
	assert_int_equal(json_integer_value(json_object_get(got, "n")), 7);
	assert_int_equal(json_object_size(got), 2);
	json_decref(got);

	put_msg(peer, json_pack("{sb ss}", "ok", 1, "status", "quiet"));
	assert_int_equal(recv_msg(fd, 1000, &reply), 0);
	assert_true(json_is_true(json_object_get(reply, "ok")));
	assert_string_equal(json_string_value(json_object_get(reply, "status")), "quiet");
	json_decref(reply);

	/* Two messages in one write come out one at a time, the second untouched. */
	put_msg(peer, json_pack("{ss}", "event", "first"));
	put_msg(peer, json_pack("{ss}", "event", "second"));
	assert_int_equal(recv_msg(fd, 1000, &reply), 0);
	assert_string_equal(json_string_value(json_object_get(reply, "event")), "first");
	json_decref(reply);
	assert_int_equal(recv_msg(fd, -1, &reply), 0);
	assert_string_equal(json_string_value(json_object_get(reply, "event")), "second");
	json_decref(reply);

	close(peer);
	close(fd);
	close(lfd);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void
test_ctlclient_dial_no_daemon(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, "ctl");

	(void)state;
	assert_int_equal(ctlclient_dial(path), -ENOENT);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* A daemon that accepts nobody: once its queue of connections is full, a dial gives up
 * after CTLCLIENT_CONNECT_MS with -ETIMEDOUT instead of waiting for ever; the sockets it
 * made before keep no send timeout. */
static void
test_ctlclient_dial_daemon_accepts_nobody(void **state)
{
	char *dir = tu_tmpdir(), *path = NULL;
	int lfd = listening(dir, &path), fds[16] = { -1 }, n = 0, r = 0; /* -1: none dialled */
	struct timeval tv = { .tv_sec = 99 };
	socklen_t len = sizeof(tv);
	int64_t t0 = 0, took;

	(void)state;
	while (n < 16) {
		t0 = ms_now();
		if ((r = ctlclient_dial(path)) < 0)
			break;
		fds[n++] = r;
	}
	took = ms_now() - t0;
	assert_int_equal(r, -ETIMEDOUT);
	assert_true(n >= 1 && n < 16);
	assert_true(took >= CTLCLIENT_CONNECT_MS - 100 && took < 10 * CTLCLIENT_CONNECT_MS);
	assert_int_equal(getsockopt(fds[0], SOL_SOCKET, SO_SNDTIMEO, &tv, &len), 0);
	assert_true(tv.tv_sec == 0 && tv.tv_usec == 0);
	while (n > 0)
		close(fds[--n]);
	close(lfd);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void
test_ctlclient_dial_path_too_long(void **state)
{
	struct sockaddr_un sa;
	char path[sizeof(sa.sun_path) + 1];

	(void)state;
	/* One byte over (no room for the NUL): refused before any socket is made. */
	memset(path, 'a', sizeof(sa.sun_path));
	path[0] = '/';
	path[sizeof(sa.sun_path)] = '\0';
	assert_int_equal(ctlclient_dial(path), -ENAMETOOLONG);
	/* The longest that fits is tried: there is no such socket. */
	path[sizeof(sa.sun_path) - 1] = '\0';
	assert_int_equal(ctlclient_dial(path), -ENOENT);
}

static void
test_ctlclient_recv_timeout(void **state)
{
	json_t *msg;
	int s[2];
	int64_t t0;

	(void)state;
	pair(s);
	t0 = ms_now();
	assert_int_equal(recv_msg(s[0], 100, &msg), -ETIMEDOUT);
	assert_true(ms_now() - t0 >= 90);
	/* Half a header is no header. */
	put(s[1], "\0\0", 2);
	assert_int_equal(recv_msg(s[0], 50, &msg), -ETIMEDOUT);
	close(s[0]);
	close(s[1]);

	/* A message already there is read even with no time left to wait. */
	pair(s);
	put_msg(s[1], json_pack("{sb}", "ok", 1));
	assert_int_equal(recv_msg(s[0], 0, &msg), 0);
	assert_true(json_is_true(json_object_get(msg, "ok")));
	json_decref(msg);
	close(s[0]);
	close(s[1]);

	/* A header, then nothing: the body is owed within the same time. */
	pair(s);
	put_header(s[1], 10);
	assert_int_equal(recv_msg(s[0], 100, &msg), -EPROTO);
	close(s[0]);
	close(s[1]);
}

/* The bound is on the whole message, not on each read: a daemon that trickles a reply in
 * pieces, each in time, is too late all the same. */
static void
test_ctlclient_recv_timeout_whole_message(void **state)
{
	json_t *msg;
	int s[2];
	pid_t pid;

	(void)state;
	pair(s);
	if ((pid = fork()) == 0) {
		static const char body[] = "{\"ok\":true}";

		close(s[0]);
		put_header(s[1], sizeof(body) - 1);
		for (size_t i = 0; i < sizeof(body) - 1; i++) {
			pause_ms(60);
			put(s[1], body + i, 1);
		}
		_exit(0);
	}
	assert_true(pid > 0);
	close(s[1]);
	assert_int_equal(recv_msg(s[0], 300, &msg), -EPROTO);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	close(s[0]);
}

static void
test_ctlclient_recv_closed(void **state)
{
	json_t *msg;
	int s[2];

	(void)state;
	/* Closed with nothing sent: the end of the stream (a watch ends so). */
	pair(s);
	close(s[1]);
	assert_int_equal(recv_msg(s[0], 1000, &msg), -ECONNRESET);
	close(s[0]);

	/* Closed mid-header. */
	pair(s);
	put(s[1], "\0\0\0", 3);
	close(s[1]);
	assert_int_equal(recv_msg(s[0], 1000, &msg), -ECONNRESET);
	close(s[0]);

	/* Closed mid-body. */
	pair(s);
	put_header(s[1], 11);
	put(s[1], "{\"ok\":", 6);
	close(s[1]);
	assert_int_equal(recv_msg(s[0], 1000, &msg), -EPROTO);
	close(s[0]);
}

static void
test_ctlclient_recv_over_max(void **state)
{
	json_t *msg;
	int s[2];

	(void)state;
	/* Refused from the header alone: nothing of the body is waited for. */
	pair(s);
	put_header(s[1], CTL_REPLY_MAX + 1);
	assert_int_equal(recv_msg(s[0], 1000, &msg), -EMSGSIZE);
	close(s[0]);
	close(s[1]);

	pair(s);
	put_header(s[1], 0);
	assert_int_equal(recv_msg(s[0], 1000, &msg), -EMSGSIZE);
	close(s[0]);
	close(s[1]);

	/* CTL_REPLY_MAX itself is a length it reads: cut short here, so past the header. */
	pair(s);
	put_header(s[1], CTL_REPLY_MAX);
	close(s[1]);
	assert_int_equal(recv_msg(s[0], 1000, &msg), -EPROTO);
	close(s[0]);
}

static void
test_ctlclient_recv_not_a_message(void **state)
{
	json_t *msg;
	int s[2];

	(void)state;
	pair(s);
	put_header(s[1], 4);
	put(s[1], "nope", 4);
	assert_int_equal(recv_msg(s[0], 1000, &msg), -EBADMSG);
	/* Duplicate keys: ctl_decode's rules, not only jansson's. */
	put_header(s[1], 13);
	put(s[1], "{\"a\":1,\"a\":2}", 13);
	assert_int_equal(recv_msg(s[0], 1000, &msg), -EBADMSG);
	close(s[0]);
	close(s[1]);
}

/* A reply far larger than a socket's buffer, written by another process as the reader
 * reads: many partial reads make one message. */
static void
test_ctlclient_recv_large(void **state)
{
	json_t *msg = NULL, *arr;
	int s[2];
	pid_t pid;
	size_t n = 300;
	char *big = malloc(CTL_STRING_MAX + 1);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', CTL_STRING_MAX);
	big[CTL_STRING_MAX] = '\0';
	pair(s);
	if ((pid = fork()) == 0) {
		json_t *a = json_array();

		close(s[0]);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_string(big));
		put_msg(s[1], json_pack("{sbso}", "ok", 1, "list", a));
		_exit(0);
	}
	assert_true(pid > 0);
	close(s[1]);
	assert_int_equal(recv_msg(s[0], 10000, &msg), 0);
	arr = json_object_get(msg, "list");
	assert_int_equal(json_array_size(arr), n);
	assert_string_equal(json_string_value(json_array_get(arr, n - 1)), big);
	json_decref(msg);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	close(s[0]);
	free(big);
}

static void
test_ctlclient_send_over_max(void **state)
{
	struct pollfd p;
	char *big = malloc(CTL_REQUEST_MAX + 1);
	json_t *req;
	int s[2];

	(void)state;
	assert_non_null(big);
	memset(big, 'x', CTL_REQUEST_MAX);
	big[CTL_REQUEST_MAX] = '\0';
	req = json_pack("{ss}", "cmd", big);
	assert_non_null(req);
	pair(s);
	assert_int_equal(ctlclient_send(s[0], req), -EMSGSIZE);
	/* Nothing of it was written. */
	p = (struct pollfd){ .fd = s[1], .events = POLLIN };
	assert_int_equal(poll(&p, 1, 0), 0);
	json_decref(req);
	free(big);
	close(s[0]);
	close(s[1]);
}

static void
on_alarm(int sig)
{
	(void)sig;
}

/* A signal that interrupts a send blocked on a full socket (nothing of the frame written
 * yet, so send fails with EINTR) does not end it: the whole frame still goes. */
static void
test_ctlclient_send_interrupted(void **state)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval once = { .it_value = { .tv_usec = 50000 } };
	json_t *req = json_pack("{ss}", "cmd", "status"), *got;
	char junk[4096];
	size_t filled = 0;
	ssize_t w;
	int s[2], status = -1;
	pid_t pid;

	(void)state;
	memset(junk, 'j', sizeof(junk));
	pair(s);
	while ((w = send(s[0], junk, sizeof(junk), MSG_DONTWAIT)) > 0)
		filled += (size_t)w;
	assert_int_equal(errno, EAGAIN);
	if ((pid = fork()) == 0) {
		/* The daemon, slow: it reads the junk, then the request, after the signal. */
		const char *cmd = NULL;

		close(s[0]);
		pause_ms(300);
		for (size_t left = filled; left > 0; left -= (size_t)w)
			if ((w = read(s[1], junk, left < sizeof(junk) ? left : sizeof(junk))) <= 0)
				_exit(2);
		got = take_request(s[1]);
		_exit(ctl_get_str(got, "cmd", 64, &cmd) == 0 && strcmp(cmd, "status") == 0 ? 0 : 3);
	}
	assert_true(pid > 0);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: send returns EINTR */
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &once, NULL), 0);
	assert_int_equal(ctlclient_send(s[0], req), 0);
	assert_int_equal(sigaction(SIGALRM, &old, NULL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	json_decref(req);
	close(s[0]);
	close(s[1]);
}

/* To a daemon that is gone: an error, not SIGPIPE (which would end this test). */
static void
test_ctlclient_send_closed(void **state)
{
	json_t *req = json_pack("{ss}", "cmd", "status");
	void (*old)(int) = signal(SIGPIPE, SIG_DFL);
	int s[2];

	(void)state;
	pair(s);
	close(s[1]);
	assert_int_equal(ctlclient_send(s[0], req), -EPIPE);
	close(s[0]);
	json_decref(req);
	signal(SIGPIPE, old);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctlclient_dial_request_and_reply),
		cmocka_unit_test(test_ctlclient_dial_no_daemon),
		cmocka_unit_test(test_ctlclient_dial_path_too_long),
		cmocka_unit_test(test_ctlclient_dial_daemon_accepts_nobody),
		cmocka_unit_test(test_ctlclient_recv_timeout),
		cmocka_unit_test(test_ctlclient_recv_timeout_whole_message),
		cmocka_unit_test(test_ctlclient_recv_closed),
		cmocka_unit_test(test_ctlclient_recv_over_max),
		cmocka_unit_test(test_ctlclient_recv_not_a_message),
		cmocka_unit_test(test_ctlclient_recv_large),
		cmocka_unit_test(test_ctlclient_send_over_max),
		cmocka_unit_test(test_ctlclient_send_interrupted),
		cmocka_unit_test(test_ctlclient_send_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
