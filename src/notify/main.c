/*
 * wallflower-notify: desktop notifications for offers that arrive and cards that come back
 * (docs/ui.md). A client of wallflowerd's control socket (a `watch` connection, and a short
 * `status` connection before each offer to learn whether the user is quiet) and of the
 * session bus (bus.c). One loop polls both; a Notify to the notification server never blocks
 * it (bus.c says why). It exits when the daemon's socket closes.
 *
 * It trusts the daemon's messages only as far as ctl_decode and notice_decide check them,
 * and the bus's signals not at all beyond their types and their sender (the server's
 * connection, bus.c): an action is acted on only for a notification id this process got
 * back from Notify, and only "accept" does anything, by running the CLI's `wallflower
 * accept N`, which signs and sends the card back. It never holds keys or opens the store
 * itself.
 */
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wallflower/ctl.h"
#include "wallflower/file.h"
#include "wallflower/notice.h"
#include "wallflower/paths.h"

#include "bus.h"
#include "ctlclient.h"
#include "sibling.h"

#define NOTIFY_SHOWN_MAX 64    /* notifications with actions remembered at once */
#define NOTIFY_REPLY_MS  10000 /* how long the reply to `watch` may take, at the start */
/* How long the reply to the status asked before each offer may take, in all. The loop waits
 * meanwhile (the bus's signals, SIGTERM), and a local daemon answers in milliseconds. */
#define NOTIFY_STATUS_MS 500
#define NOTIFY_LOCK      "wallflower-notify.lock" /* one copy per runtime directory */

extern char **environ;

struct shown {
	uint32_t nid;   /* the server's notification id; 0 for a free slot */
	uint64_t offer; /* the inbox id its "accept" accepts */
};

struct notifier {
	char *sock;  /* the control socket's path */
	int fd;      /* the watch connection */
	uint8_t *in; /* the frame being read: header, then body */
	size_t in_len, in_want;
	struct bus *bus;
	struct notice_caps caps; /* the server's capabilities */
	bool debug;
	struct shown shown[NOTIFY_SHOWN_MAX];
	size_t next; /* the slot the next notification takes, round robin */
};

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void say(struct notifier *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(struct notifier *n, const char *fmt, ...)
{
	va_list ap;

	if (!n->debug)
		return;
	va_start(ap, fmt);
	fputs("wallflower-notify: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- the control socket ---- */

/* Sends {"cmd": cmd} on fd and reads the next message, which must be a reply, within
 * timeout_ms. */
static int
request(int fd, const char *cmd, int timeout_ms, json_t **reply)
{
	json_t *req = json_pack("{s:s}", "cmd", cmd);
	int r;

	*reply = NULL;
	if (req == NULL)
		return -ENOMEM;
	if ((r = ctlclient_send(fd, req)) == 0 &&
	    (r = ctlclient_recv(fd, timeout_ms, reply)) == 0 &&
	    !json_is_true(json_object_get(*reply, "ok"))) {
		json_decref(*reply);
		*reply = NULL;
		r = -EPROTO;
	}
	json_decref(req);
	return r;
}

/* Whether the daemon's status is "quiet" now, asked on a connection of its own. A daemon
 * that does not answer within NOTIFY_STATUS_MS counts as not quiet: the watch connection
 * will tell if it is gone. */
static bool
daemon_quiet(struct notifier *n)
{
	json_t *st = NULL;
	const char *status = NULL;
	bool quiet = false;
	int fd = ctlclient_dial(n->sock);

	if (fd < 0)
		return false;
	if (request(fd, "status", NOTIFY_STATUS_MS, &st) == 0 &&
	    ctl_get_str(st, "status", 8, &status) == 0)
		quiet = strcmp(status, "quiet") == 0;
	json_decref(st);
	close(fd);
	return quiet;
}

/* ---- accepting: the CLI does it ---- */

/* $WALLFLOWER, else `wallflower` beside our own binary or in the build tree
 * (sibling_find), else `wallflower` for posix_spawnp's search of PATH. */
static char *
cli_path(void)
{
	char *p = NULL;

	if (sibling_find("WALLFLOWER", "wallflower", "cli", &p) == -ENOENT)
		p = strdup("wallflower");
	return p;
}

/* The CLI starts with SIGPIPE at its default, not ignored as here: an ignored signal
 * survives exec (the handled ones are reset by it). */
static void
accept_offer(struct notifier *n, uint64_t offer)
{
	char id[24], verb[] = "accept", *cli = cli_path();
	char *argv[] = { cli, verb, id, NULL };
	posix_spawnattr_t attr;
	sigset_t def;
	pid_t pid;
	int r;

	if (cli == NULL)
		return;
	snprintf(id, sizeof(id), "%" PRIu64, offer);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	if ((r = posix_spawnattr_init(&attr)) == 0) {
		if ((r = posix_spawnattr_setsigdefault(&attr, &def)) == 0 &&
		    (r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF)) == 0)
			r = posix_spawnp(&pid, cli, NULL, &attr, argv, environ);
		posix_spawnattr_destroy(&attr);
	}
	if (r != 0)
		fprintf(stderr, "wallflower-notify: cannot run %s: %s\n", cli, strerror(r));
	else
		say(n, "accepting offer %" PRIu64 " (%s accept %s, pid %d)", offer, cli, id,
		    (int)pid);
	free(cli);
}

static void
reap(struct notifier *n)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fprintf(stderr, "wallflower-notify: wallflower accept (pid %d) failed\n",
			        (int)pid);
		else
			say(n, "wallflower accept (pid %d) done", (int)pid);
}

/* ---- the bus's signals ---- */

static struct shown *
shown_find(struct notifier *n, uint32_t nid)
{
	for (size_t i = 0; i < NOTIFY_SHOWN_MAX; i++)
		if (nid != 0 && n->shown[i].nid == nid)
			return &n->shown[i];
	return NULL;
}

static void
on_bus_signal(uint32_t nid, const char *action, bool from_server, void *arg)
{
	struct notifier *n = arg;
	struct shown *s = shown_find(n, nid);

	if (!from_server) {
		say(n, "notification %u: a signal from another peer than the server, ignored", nid);
		return;
	}
	if (s == NULL)
		return; /* not one of ours */
	if (action != NULL && strcmp(action, "accept") == 0) {
		say(n, "notification %u: accept", nid);
		accept_offer(n, s->offer);
	} else if (action != NULL) {
		if (strcmp(action, "later") == 0)
			say(n, "notification %u: later", nid);
		return; /* "later", or an action we never offered: the notification stays ours */
	}
	s->nid = 0;
}

/* The server's answer to a Notify: an offer's notification is remembered, for its actions. */
static void
on_bus_reply(uint32_t nid, uint64_t offer, void *arg)
{
	struct notifier *n = arg;

	if (nid == 0)
		return; /* failed or timed out: logged by bus.c */
	say(n, "notification %u shown", nid);
	if (offer != 0) {
		n->shown[n->next] = (struct shown){ .nid = nid, .offer = offer };
		n->next = (n->next + 1) % NOTIFY_SHOWN_MAX;
	}
}

/* ---- events ---- */

static void
on_event(struct notifier *n, const json_t *ev)
{
	struct notice no;
	const char *name = json_string_value(json_object_get(ev, "event"));
	bool quiet = false;
	int r;

	if (name != NULL && strcmp(name, "offer-received") == 0)
		quiet = daemon_quiet(n);
	if (notice_decide(ev, quiet, &n->caps, &no) < 0) {
		fprintf(stderr, "wallflower-notify: an event it cannot read (%s)\n",
		        name != NULL ? name : "no name");
		return;
	}
	if (no.kind == NOTICE_NONE)
		return;
	/* Past BUS_CALLS_MAX unanswered calls the server is hung: this notification is not
	 * shown (what it is about stays in the inbox or the contacts), and the next event is
	 * read as usual. */
	r = bus_notify(n->bus, no.summary, no.body, no.actions, no.actions ? no.offer_id : 0);
	if (r == -EBUSY)
		fprintf(stderr,
		        "wallflower-notify: the notification server has not answered %d "
		        "calls; a notification is dropped\n",
		        BUS_CALLS_MAX);
	else if (r == 0)
		say(n, "notifying: %s", no.summary);
}

/* Reads what the watch connection has. 0; -EPIPE when the daemon closed it; another
 * negative errno when it broke the protocol. */
static int
watch_read(struct notifier *n)
{
	const char *why;
	json_t *msg;
	ssize_t r;
	size_t len;
	int e;

	r = read(n->fd, n->in + n->in_len, n->in_want - n->in_len);
	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (r == 0)
		return -EPIPE;
	n->in_len += (size_t)r;
	if (n->in_len < n->in_want)
		return 0;
	if (n->in_want == CTL_HEADER) {
		uint8_t *p;
		if ((e = ctl_frame_len(n->in, CTL_REPLY_MAX, &len)) < 0)
			return e;
		if ((p = realloc(n->in, CTL_HEADER + len)) == NULL)
			return -ENOMEM;
		n->in = p;
		n->in_want = CTL_HEADER + len;
		return 0;
	}
	e = ctl_decode(n->in + CTL_HEADER, n->in_want - CTL_HEADER, CTL_REPLY_MAX, &msg, &why);
	n->in_len = 0;
	n->in_want = CTL_HEADER;
	if (e < 0)
		return e;
	if (json_object_get(msg, "event") != NULL)
		on_event(n, msg);
	json_decref(msg);
	return 0;
}

static int
watch_open(struct notifier *n)
{
	json_t *reply = NULL;
	int r;

	if ((n->fd = ctlclient_dial(n->sock)) < 0) {
		fprintf(stderr, "wallflower-notify: the daemon %s (%s)\n",
		        n->fd == -ETIMEDOUT ? "does not accept connections" : "is not running",
		        n->sock);
		return n->fd;
	}
	if ((r = request(n->fd, "watch", NOTIFY_REPLY_MS, &reply)) < 0) {
		if (r == -EINTR && stopping)
			return r; /* told to stop while it waited: not the daemon's doing */
		fprintf(stderr, "wallflower-notify: the daemon refused to be watched\n");
		return r;
	}
	json_decref(reply);
	if ((n->in = malloc(CTL_HEADER)) == NULL)
		return -ENOMEM;
	n->in_want = CTL_HEADER;
	return 0;
}

static int
loop(struct notifier *n)
{
	struct pollfd pfd[2];
	int r;

	while (!stopping) {
		pfd[0] = (struct pollfd){ .fd = n->fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = bus_fd(n->bus), .events = bus_events(n->bus) };
		r = bus_timeout_ms(n->bus);
		if (poll(pfd, 2, r < 0 || r > 1000 ? 1000 : r) < 0 && errno != EINTR)
			return -errno;
		reap(n);
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if ((r = watch_read(n)) == -EPIPE) {
				say(n, "the daemon is gone");
				return 0;
			}
			if (r < 0) {
				fprintf(stderr,
				        "wallflower-notify: the daemon broke the protocol\n");
				return r;
			}
		}
		if ((r = bus_process(n->bus)) < 0) {
			fprintf(stderr, "wallflower-notify: lost the session bus\n");
			return r;
		}
	}
	return 0;
}

static const char usage[] = "usage: wallflower-notify [--runtime-dir DIR] [--state-dir DIR] [-d]\n";
static const char help[] =
        "\n"
        "Desktop notifications of wallflower (docs/ui.md), usually started by 'wallflower\n"
        "start --notify' or 'wallflower notify on': offers and introductions that arrive,\n"
        "and cards that come back. Exits when wallflowerd does. One copy per runtime\n"
        "directory.\n"
        "\n"
        "  --runtime-dir DIR  where wallflowerd's socket is (default $XDG_RUNTIME_DIR/wallflower)\n"
        "  --state-dir DIR    the state directory the CLI it runs should use\n"
        "  -d, --debug        log what it does on stderr\n"
        "  -h, --help         this help\n";

/* Options as every wallflower program takes them; exits on a usage error or --help. */
static void
parse_args(struct notifier *n, int argc, char **argv, const char **rt)
{
	static const struct option opts[] = { { "runtime-dir", required_argument, NULL, 'r' },
		                              { "state-dir", required_argument, NULL, 's' },
		                              { "debug", no_argument, NULL, 'd' },
		                              { "help", no_argument, NULL, 'h' },
		                              { NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "dh", opts, NULL)) != -1) {
		if (c == 'r')
			*rt = optarg;
		else if (c == 's')
			setenv(PATHS_STATE_ENV, optarg, 1); /* for the CLI it runs */
		else if (c == 'd')
			n->debug = true;
		else if (c == 'h') {
			fputs(usage, stdout);
			fputs(help, stdout);
			exit(0);
		} else {
			fputs(usage, stderr);
			exit(2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "wallflower-notify: takes no arguments\n%s", usage);
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	struct notifier n = { .fd = -1 };
	const char *rt = NULL;
	char *dir = NULL, *lock = NULL;
	int r = -EINVAL, lockfd = -1;
	pid_t holder;

	parse_args(&n, argc, argv, &rt);
	if (rt != NULL)
		setenv(PATHS_RUNTIME_ENV, rt, 1); /* the same daemon for the CLI it runs */
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (paths_runtime_dir(rt, &dir) < 0 ||
	    asprintf(&n.sock, "%s/%s", dir, PATHS_CTL_SOCKET) < 0) {
		fprintf(stderr, "wallflower-notify: no runtime directory: set XDG_RUNTIME_DIR or "
		                "pass --runtime-dir\n");
		n.sock = NULL;
		goto out;
	}
	/* `wallflower start` starts us at every start: a second copy leaves quietly. */
	if ((lock = file_join(dir, NOTIFY_LOCK)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = file_lock(lock, &lockfd, &holder)) == -EWOULDBLOCK) {
		say(&n, "already running (pid %d)", (int)holder);
		r = 0;
		goto out;
	} else if (r < 0) {
		fprintf(stderr, "wallflower-notify: cannot lock %s: %s\n", lock, strerror(-r));
		goto out;
	}
	if ((r = bus_open(on_bus_signal, on_bus_reply, &n, &n.bus)) < 0 ||
	    (r = bus_caps(n.bus, &n.caps.actions, &n.caps.body_markup)) < 0)
		goto out;
	say(&n, "the server %s actions", n.caps.actions ? "offers" : "does not offer");
	say(&n, "the server %s the body as markup", n.caps.body_markup ? "reads" : "does not read");
	if ((r = watch_open(&n)) < 0) {
		r = stopping ? 0 : r; /* SIGTERM while it waited is an ordinary end */
		goto out;
	}
	say(&n, "watching %s", n.sock);
	r = loop(&n);
out:
	bus_free(n.bus);
	if (n.fd >= 0)
		close(n.fd);
	free(n.in);
	free(n.sock);
	if (lockfd >= 0)
		close(lockfd);
	free(lock);
	free(dir);
	return r < 0 ? 1 : 0;
}
