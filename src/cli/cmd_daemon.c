/*
 * The network verbs: start, stop, status, nearby, invite, send, inbox, accept, decline,
 * block and watch. Each talks to wallflowerd over its control socket (proto/control.md); `start`
 * starts the daemon first when none answers. Cards are signed here, by the CLI, from the
 * profile, and handed to the daemon to deliver: the daemon never needs the profile's
 * other personas.
 *
 * Replies come from our own daemon but are still decoded strictly (ctl.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wallflower/crypt.h"
#include "wallflower/ctl.h"
#include "wallflower/invite.h"
#include "wallflower/paths.h"
#include "wallflower/when.h"

#include "cli.h"
#include "ctlclient.h"
#include "qr.h"
#include "wallflower/armor.h"

#define CLI_SEND_WAIT_MS  45000 /* send: the daemon answers after its first attempt */
#define CLI_START_WAIT_MS 5000  /* a freshly started daemon opens its socket */
#define CLI_CROWDED       4     /* offers from one address that earn a decline hint */

static json_t *
request(json_t *req, int timeout_ms)
{
	return cli_daemon_request(req, timeout_ms, false);
}

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* Exactly want positional arguments, which what names (NULL: none are taken). 0, or
 * CLI_EXIT_USAGE after saying so. */
static int
positional(struct cli *cli, int argc, char **argv, int want, const char *what)
{
	if (argc - optind == want)
		return 0;
	if (what == NULL) /* none taken, and some given: optind < argc */
		return cli_usage_error(cli, "unexpected argument %s", cli_quote(argv[optind]));
	return cli_usage_error(cli, "expected %s", what);
}

static int
parse_offer_id(struct cli *cli, const char *s, json_int_t *id)
{
	int64_t v;

	if (cli_parse_number(s, &v) < 0)
		return cli_usage_error(cli, "%s is not an offer number from 'wallflower inbox'",
		                       cli_quote(s));
	*id = (json_int_t)v;
	return 0;
}

/* ---- start ---- */

/*
 * Starts wallflowerd detached (its own session, stdin and stdout on /dev/null, not our
 * child). Its stderr is a pipe whose read end is *errfd: a daemon that cannot start
 * because another one holds the runtime directory says so there.
 */
static int
spawn_daemon(struct cli *cli, const char *port, int *errfd)
{
	char *path = cli_program_path("WALLFLOWERD", "wallflowerd", "daemon");
	const char *argv[12];
	int n = 0, status = 0, devnull, p[2];
	pid_t pid;

	*errfd = -1;
	if (path == NULL)
		return -1;
	argv[n++] = path;
	argv[n++] = "--state-dir";
	argv[n++] = cli_state_dir(cli);
	if (cli_runtime_dir_opt != NULL) {
		argv[n++] = "--runtime-dir";
		argv[n++] = cli_runtime_dir_opt;
	}
	if (port != NULL) {
		argv[n++] = "--port";
		argv[n++] = port;
	}
	argv[n] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(path);
		return -1;
	}
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		free(path);
		return -1;
	}
	if (pid == 0) {
		/* A second fork, so that the daemon is nobody's child but init's. */
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
		dup2(p[1], 2);
		execvp(path, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	waitpid(pid, &status, 0);
	free(path);
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK); /* poll says when to read; never wait there */
	*errfd = p[0];
	return 0;
}

/* What the daemon we started said on stderr: its first line, made printable. */
struct heard {
	int fd; /* the pipe's read end, or -1 once the daemon closed it */
	char line[256];
	size_t len;
	bool done; /* the line is complete */
};

/* Waits up to 50 ms for more of what the daemon says. */
static void
hear_daemon(struct heard *h)
{
	struct pollfd pfd = { .fd = h->fd, .events = POLLIN };
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	char buf[256];
	ssize_t n;

	if (h->fd < 0) {
		nanosleep(&pause, NULL);
		return;
	}
	if (poll(&pfd, 1, 50) <= 0)
		return;
	if ((n = read(h->fd, buf, sizeof(buf))) <= 0) {
		if (n == 0 || errno != EAGAIN) {
			close(h->fd);
			h->fd = -1;
		}
		return;
	}
	for (ssize_t i = 0; i < n && !h->done; i++) {
		if (buf[i] == '\n' || h->len + 1 >= sizeof(h->line))
			h->done = true;
		else
			h->line[h->len++] = buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '?';
	}
	h->line[h->len] = '\0';
}

/* Connects to the daemon, starting it when none answers. */
static int
ensure_daemon(struct cli *cli, const char *port)
{
	static const char prefix[] = "wallflowerd: ";
	struct heard h = { .fd = -1 };
	char *path = cli_socket_path();
	const char *why = h.line;
	int fd;

	if (path == NULL)
		return -1;
	if ((fd = ctlclient_dial(path)) >= 0)
		goto out;
	if (spawn_daemon(cli, port, &h.fd) < 0) {
		cli_error("cannot start wallflowerd");
		goto out;
	}
	/* Another start may have started a daemon just before ours: ours then exits saying so,
	 * and the other one answers. Only when none does is what ours said the news. */
	for (int waited = 0; waited < CLI_START_WAIT_MS && fd < 0; waited += 50) {
		hear_daemon(&h);
		fd = ctlclient_dial(path);
	}
	if (strncmp(why, prefix, strlen(prefix)) == 0)
		why += strlen(prefix);
	if (fd < 0 && why[0] != '\0')
		cli_error("wallflowerd did not start: %s", why);
	else if (fd < 0)
		cli_error("wallflowerd did not start; run 'wallflowerd -d' to see why");
out:
	free(path);
	if (h.fd >= 0)
		close(h.fd);
	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 0 : -1;
}

static const char start_help[] =
        "usage: wallflower start [--event NAME] [--handle H] [--status open|quiet]\n"
        "                        [--topics T,...] [--no-topics] [--hidden | --visible]\n"
        "                        [--for DURATION] [--port N] [--notify]\n"
        "                        [--runtime-dir DIR]\n"
        "\n"
        "Starts advertising on the local network and looking for people nearby, starting\n"
        "wallflowerd first when it is not running. Run it again to change only what you\n"
        "name: status or topics change the advert in place; a new handle or event, or\n"
        "--visible after --hidden or after --for ran out, makes a fresh advert.\n"
        "Your advert shows only what you choose: a handle, open or quiet, topics, and a\n"
        "tag of the event's name. Never your key or your name.\n"
        "\n"
        "  --event NAME     the event you are at (people you meet are recorded there)\n"
        "  --handle H       a name to show nearby (default: an anonymous one)\n"
        "  --status S       open (happy to be approached, the default) or quiet\n"
        "  --topics T,...   topics to show (default: your profile's topics)\n"
        "  --no-topics      show no topics\n"
        "  --hidden         see who is nearby and send cards, but do not advertise\n"
        "  --visible        advertise again (after --hidden)\n"
        "  --for DURATION   stop advertising after this long (e.g. 2h)\n"
        "  --port N         the TCP port for peers, when this starts the daemon\n"
        "  --notify         desktop notifications of offers and cards back (always, with\n"
        "                   'wallflower notify on')\n";

int
cmd_start(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_DAEMON_OPTIONS,
		{ "event", required_argument, NULL, 'e' },
		{ "handle", required_argument, NULL, 'H' },
		{ "status", required_argument, NULL, 's' },
		{ "topics", required_argument, NULL, 't' },
		{ "no-topics", no_argument, NULL, 'n' },
		{ "hidden", no_argument, NULL, 'x' },
		{ "visible", no_argument, NULL, 'v' },
		{ "for", required_argument, NULL, 'f' },
		{ "port", required_argument, NULL, 'p' },
		{ "notify", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	json_t *req = json_pack("{ss}", "cmd", "start"), *topics, *reply;
	bool notify = false;
	const char *port = NULL;
	struct identity *id = NULL;
	uint64_t secs;
	bool done = false;
	int c;

	while ((c = cli_getopt_daemon(cli, argc, argv, "h", opts, start_help, &done)) != -1) {
		const char *arg = optarg != NULL ? optarg : ""; /* every option but --notify */

		switch (c) {
		case 'e':
			json_object_set_new(req, "event", json_string(arg));
			break;
		case 'H':
			json_object_set_new(req, "handle", json_string(arg));
			break;
		case 's':
			if (strcmp(arg, "open") != 0 && strcmp(arg, "quiet") != 0) {
				json_decref(req);
				return cli_usage_error(cli, "--status %s: it is open or quiet",
				                       cli_quote(arg));
			}
			json_object_set_new(req, "status", json_string(arg));
			break;
		case 't':
			topics = json_array();
			for (const char *s = arg, *comma; s != NULL;
			     s = comma != NULL ? comma + 1 : NULL) {
				comma = strchr(s, ',');
				if (comma != s && *s != '\0')
					json_array_append_new(
					        topics,
					        json_stringn(s, comma != NULL ? (size_t)(comma - s)
					                                      : strlen(s)));
			}
			json_object_set_new(req, "topics", topics);
			break;
		case 'n':
			json_object_set_new(req, "no_topics", json_true());
			break;
		case 'x':
			json_object_set_new(req, "hidden", json_true());
			break;
		case 'v':
			json_object_set_new(req, "hidden", json_false());
			break;
		case 'f':
			if (when_parse_duration(arg, &secs) < 0 || secs == 0) {
				json_decref(req);
				return cli_usage_error(
				        cli, "--for %s: it takes a duration such as 90min or 2h",
				        cli_quote(arg));
			}
			json_object_set_new(req, "for", json_integer((json_int_t)secs));
			break;
		case 'p':
			port = arg;
			break;
		case 'N':
			notify = true;
			break;
		default:
			json_decref(req);
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
		}
	}
	if ((c = positional(cli, argc, argv, 0, NULL)) != 0) {
		json_decref(req);
		return c;
	}
	/* Say what is missing here, not in a daemon's log nobody reads. */
	if (cli_check_private_files(cli) < 0 || cli_load_identity(cli, &id) < 0) {
		json_decref(req);
		return CLI_EXIT_FAIL;
	}
	identity_free(id);
	if (ensure_daemon(cli, port) < 0) {
		json_decref(req);
		return CLI_EXIT_FAIL;
	}
	if ((reply = request(req, CLI_REPLY_WAIT_MS)) == NULL)
		return CLI_EXIT_FAIL;
	if (json_is_true(json_object_get(reply, "hidden")))
		printf("Started, hidden: browsing and sending, not advertising\n");
	else if (strcmp(str(reply, "avahi"), "running") != 0)
		printf("Started; the advert '%s' waits for avahi-daemon, which is not reachable "
		       "(see 'wallflower status')\n",
		       str(reply, "instance"));
	else
		printf("Advertising as '%s'%s%s (%s%s%s)\n", str(reply, "instance"),
		       *str(reply, "event") ? " at " : "", str(reply, "event"),
		       str(reply, "status"), *str(reply, "topics") ? "; topics: " : "",
		       str(reply, "topics"));
	json_decref(reply);
	if ((notify || cli_notify_setting(cli)) && cli_notify_spawn(cli) < 0)
		cli_error("cannot start wallflower-notify");
	return CLI_EXIT_OK;
}

/* ---- stop, status ---- */

static const char stop_help[] = "usage: wallflower stop [--runtime-dir DIR]\n"
                                "\n"
                                "Withdraws your advert and stops wallflowerd, and the page of "
                                "'wallflower ui'\nwhen it runs. Offers in your inbox stay "
                                "there.\n";

int
cmd_stop(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { NULL, 0, NULL, 0 } };
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	bool done = false;
	char *path;
	json_t *reply;
	pid_t pid;
	int c, fd = -1;

	if (cli_getopt_daemon(cli, argc, argv, "h", opts, stop_help, &done) != -1)
		return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	if ((c = positional(cli, argc, argv, 0, NULL)) != 0)
		return c;
	cli_ui_stop();
	/* Its pid, to wait for: the socket goes before the daemon has closed its store. */
	if ((reply = request(json_pack("{ss}", "cmd", "status"), CLI_REPLY_WAIT_MS)) == NULL)
		return CLI_EXIT_FAIL;
	pid = (pid_t)json_integer_value(json_object_get(reply, "pid"));
	json_decref(reply);
	if ((reply = request(json_pack("{ss}", "cmd", "stop"), CLI_REPLY_WAIT_MS)) == NULL)
		return CLI_EXIT_FAIL;
	json_decref(reply);
	/* Stopped means the socket and the process are gone: wait for both, so that a `start`
	 * right after finds neither (the next daemon takes the lock the last one held). */
	if ((path = cli_socket_path()) == NULL)
		return CLI_EXIT_FAIL;
	for (int waited = 0; waited < CLI_START_WAIT_MS; waited += 50) {
		if ((fd = ctlclient_dial(path)) >= 0)
			close(fd);
		else if (pid <= 0 || kill(pid, 0) < 0)
			break;
		nanosleep(&pause, NULL);
	}
	free(path);
	if (fd >= 0 || (pid > 0 && kill(pid, 0) == 0)) {
		cli_error("wallflowerd is still running");
		return CLI_EXIT_FAIL;
	}
	printf("Stopped\n");
	return CLI_EXIT_OK;
}

static const char status_help[] =
        "usage: wallflower status [--json] [--runtime-dir DIR]\n"
        "\n"
        "Whether wallflowerd runs, and what it is doing: avahi, the advert, how many people\n"
        "are nearby and how many offers wait. Exits 0 when the daemon answers, 1 when no\n"
        "daemon runs.\n"
        "\n"
        "  --json    print the daemon's whole answer as JSON, \"schema\": 1 first\n";

int
cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	bool done = false, json = false;
	json_t *r;
	int c;

	while ((c = cli_getopt_daemon(cli, argc, argv, "h", opts, status_help, &done)) != -1) {
		if (c != 'j')
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
		json = true;
	}
	if ((c = positional(cli, argc, argv, 0, NULL)) != 0)
		return c;
	if ((r = request(json_pack("{ss}", "cmd", "status"), CLI_REPLY_WAIT_MS)) == NULL)
		return CLI_EXIT_FAIL;
	if (json) {
		json_object_del(r, "ok");
		return cli_json_print(r) < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	}
	printf("wallflowerd %s running (pid %lld)\n", str(r, "version"),
	       (long long)json_integer_value(json_object_get(r, "pid")));
	printf("  %-12s %s\n", "you", str(r, "fingerprint"));
	printf("  %-12s %s\n", "avahi", str(r, "avahi"));
	if (!json_is_true(json_object_get(r, "started")))
		printf("  %-12s %s\n", "advert", "not started (wallflower start)");
	else
		printf("  %-12s %s%s%s%s\n  %-12s %s\n  %-12s %lld\n", "advert", str(r, "advert"),
		       *str(r, "instance") ? " as '" : "", str(r, "instance"),
		       *str(r, "instance") ? "'" : "", "event",
		       *str(r, "event") ? str(r, "event") : "(none)", "port",
		       (long long)json_integer_value(json_object_get(r, "port")));
	printf("  %-12s %lld\n  %-12s %lld\n  %-12s %lld\n", "nearby",
	       (long long)json_integer_value(json_object_get(r, "nearby")), "inbox",
	       (long long)json_integer_value(json_object_get(r, "inbox")), "turned away",
	       (long long)json_integer_value(
	               json_object_get(json_object_get(r, "held_back"), "busy")));
	json_decref(r);
	return CLI_EXIT_OK;
}

/* ---- nearby, inbox ---- */

/* Items of a JSON array of strings, joined with ", " (at most size bytes). */
static void
join(const json_t *a, char *out, size_t size)
{
	size_t used = 0, i;
	json_t *v;

	out[0] = '\0';
	json_array_foreach(a, i, v)
	{
		int w = snprintf(out + used, size - used, "%s%s", used > 0 ? ", " : "",
		                 json_string_value(v) != NULL ? json_string_value(v) : "");

		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
}

/* Detail lines of a table row: printf-like, the line cut to a terminal's width. 0 or -1. */
static int __attribute__((format(printf, 2, 3))) detail(struct cli_table *t, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return cli_table_add_detail(t, line) < 0 ? -1 : 0;
}

static int
add_common(struct cli_table *t, const json_t *common)
{
	static const char *const kinds[][2] = {
		{ "topics", "you both know" },
		{ "you_offer", "you offer" },
		{ "you_seek", "you seek" },
	};
	char buf[512];

	for (size_t k = 0; k < 3; k++) {
		join(json_object_get(common, kinds[k][0]), buf, sizeof(buf));
		if (buf[0] != '\0' && detail(t, "      %s: %s", kinds[k][1], buf) < 0)
			return -1;
	}
	return 0;
}

/* A peer whose advert carries a contact's tag: the name we have for them, and where we
 * met ("Grace Hopper, met at Intranet Now 2025-11"). */
static int
add_contact(struct cli_table *t, const json_t *c)
{
	json_int_t met = json_integer_value(json_object_get(c, "met"));
	char when[16] = "", where[400] = "";
	struct tm tm;
	time_t at = (time_t)met;

	if (!json_is_object(c))
		return 0;
	if (met > 0 && localtime_r(&at, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m", &tm);
	if (*str(c, "event") != '\0')
		snprintf(where, sizeof(where), ", met at %s%s%s", str(c, "event"),
		         when[0] ? " " : "", when);
	else if (when[0] != '\0')
		snprintf(where, sizeof(where), ", met %s", when);
	return detail(t, "      you know them: %s [%.9s]%s", str(c, "name"), str(c, "fingerprint"),
	              where);
}

/* Prints t (when it has rows) and frees it; a failure was said. CLI_EXIT_*. */
static int
table_done(struct cli_table *t, bool ok)
{
	return cli_table_done(t, ok) < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* The peers as a table, each with whom we know them as and the common ground under it. */
static int
print_peers(const json_t *peers)
{
	static const char *const headers[] = { "ID", "HANDLE", "STATUS", "TOPICS", "" };
	struct cli_table *t = cli_table_new(5, headers);
	bool ok = t != NULL;
	const json_t *p;
	char topics[512];
	size_t i;

	if (ok)
		cli_table_align_right(t, 0);
	json_array_foreach(peers, i, p)
	{
		if (!ok)
			break;
		join(json_object_get(p, "topics"), topics, sizeof(topics));
		ok = cli_table_add(t,
		                   (const char *const[]){
		                           str(p, "id"),
		                           *str(p, "handle") ? str(p, "handle") : "(no handle)",
		                           str(p, "status"), topics,
		                           json_is_true(json_object_get(p, "same_event"))
		                                   ? "[same event]"
		                                   : "" }) == 0 &&
		     add_contact(t, json_object_get(p, "contact")) == 0 &&
		     add_common(t, json_object_get(p, "common")) == 0;
	}
	return table_done(t, ok);
}

static const char nearby_help[] =
        "usage: wallflower nearby [--json] [--runtime-dir DIR]\n"
        "\n"
        "Who is nearby: a short id (for 'wallflower send'), the handle they show, open or\n"
        "quiet, their topics, and the common ground with your profile's topics, offers and\n"
        "seeks. Adverts are what people chose to show; nobody's key or name is in them.\n"
        "Someone you exchanged cards with is recognised by their advert's tag and shown by\n"
        "the name you have for them and where you met (docs/privacy.md).\n"
        "\n"
        "  --json    {\"schema\": 1, \"peers\": [...]} (docs/json.md)\n"
        "\n"
        "On a terminal, a header line, and rows cut to its width with an ellipsis.\n";

int
cmd_nearby(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	bool done = false, json = false;
	json_t *r, *peers;
	int c;

	while ((c = cli_getopt_daemon(cli, argc, argv, "h", opts, nearby_help, &done)) != -1) {
		if (c != 'j')
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
		json = true;
	}
	if ((c = positional(cli, argc, argv, 0, NULL)) != 0)
		return c;
	if ((r = request(json_pack("{ss}", "cmd", "nearby"), CLI_REPLY_WAIT_MS)) == NULL)
		return CLI_EXIT_FAIL;
	peers = json_object_get(r, "peers");
	if (json) {
		json_incref(peers);
		json_decref(r);
		return cli_json_print_list("peers", peers) < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	}
	if (json_array_size(peers) == 0) {
		printf("Nobody nearby yet\n");
		json_decref(r);
		return CLI_EXIT_OK;
	}
	c = print_peers(peers);
	json_decref(r);
	return c;
}

/* An address with several offers waiting is likely one machine with many keys: say how to
 * drop them in one step (issue 11, finding 7). */
static void
print_crowded(const json_t *offers)
{
	const json_t *o, *p;
	size_t i, j;

	json_array_foreach(offers, i, o)
	{
		const char *from = str(o, "from");
		size_t same = 0;
		bool first = true;

		json_array_foreach(offers, j, p)
		{
			if (strcmp(str(p, "from"), from) != 0)
				continue;
			first = first && j >= i;
			same++;
		}
		if (*from && first && same >= CLI_CROWDED)
			printf("%zu offers came from %s; 'wallflower decline --from-address %s' "
			       "drops them all\n",
			       same, from, from);
	}
}

/* What the answer rule turned away (wallflowerd's limits), if anything. */
static void
print_held_back(const json_t *held)
{
	json_int_t busy = json_integer_value(json_object_get(held, "busy"));
	const json_t *by = json_object_get(held, "by"), *v;
	const char *limit;

	if (busy <= 0)
		return;
	printf("%lld offers were turned away as busy since the daemon started (limits:",
	       (long long)busy);
	json_object_foreach((json_t *)by, limit, v)
	        printf(" %s %lld", limit, (long long)json_integer_value(v));
	printf(")\n");
}

/* Where an entry came from: an offer's address; an ask or an intro came from a contact,
 * whom its detail line names, over the LAN or as text. */
static const char *
from_of(const json_t *o)
{
	if (strcmp(str(o, "kind"), "ask") == 0 || strcmp(str(o, "kind"), "intro") == 0)
		return str(o, "kind");
	return *str(o, "from") ? str(o, "from") : "?";
}

/* What an ask or an intro says above its note: who asks what, or who introduces. */
static int
add_intro(struct cli_table *t, const json_t *o)
{
	const json_t *by = json_object_get(o, "introduced_by");

	if (strcmp(str(o, "kind"), "ask") == 0)
		return detail(t, "      asks you for introductions to: %s%s", str(o, "for"),
		              json_is_true(json_object_get(o, "reply")) ? "" : " (no replies)");
	if (strcmp(str(o, "kind"), "intro") == 0 && by != NULL)
		return detail(t, "      introduced by %s (%.9s)", str(by, "name"),
		              str(by, "fingerprint"));
	return 0;
}

/* The offers as a table, each with its warning, note and common ground under it. */
static int
print_offers(const json_t *offers)
{
	static const char *const headers[] = { "ID", "NAME", "FINGERPRINT", "FROM" };
	struct cli_table *t = cli_table_new(4, headers);
	bool ok = t != NULL;
	const json_t *o;
	char id[24], fpr[10];
	size_t i;

	if (ok)
		cli_table_align_right(t, 0);
	json_array_foreach(offers, i, o)
	{
		if (!ok)
			break;
		snprintf(id, sizeof(id), "%lld",
		         (long long)json_integer_value(json_object_get(o, "id")));
		/* The start of the fingerprint, to compare with what the sender shows. */
		snprintf(fpr, sizeof(fpr), "%.9s", str(o, "fingerprint"));
		ok = cli_table_add(t, (const char *const[]){ id, str(o, "name"), fpr,
		                                             from_of(o) }) == 0 &&
		     (!*str(o, "same_name_as") ||
		      detail(t, "      ! not the %s in your contacts (%.9s): another key",
		             str(o, "name"), str(o, "same_name_as")) == 0) &&
		     add_intro(t, o) == 0 &&
		     (!*str(o, "note") || detail(t, "      \"%s\"", str(o, "note")) == 0) &&
		     add_common(t, json_object_get(o, "common")) == 0;
	}
	return table_done(t, ok);
}

static const char inbox_help[] =
        "usage: wallflower inbox [--json] [--runtime-dir DIR]\n"
        "\n"
        "Cards people offered you, waiting for you to accept, decline or block them. Each\n"
        "shows the name the sender chose, the start of their fingerprint (the key that\n"
        "signed the card and handed it over: compare it with the one they show you), the\n"
        "address it came from, their note and the topics you have in common. A warning\n"
        "marks an offer whose name is that of one of your contacts but whose key is not\n"
        "theirs.\n"
        "Nothing you decide is ever told to the sender. Offers expire after 24 hours\n"
        "(wallflowerd --offer-ttl sets another time), or sooner when their card does.\n"
        "\n"
        "The inbox also holds introductions (FROM says intro): a contact introduces someone\n"
        "to you, shown as 'introduced by NAME'; accept or decline them like offers. And asks\n"
        "(FROM says ask): a contact asks you to introduce them to people, saying to whom;\n"
        "answer with 'wallflower introduce', or decline. Both wait until they expire (at\n"
        "most 30 days; 14 as wallflower makes them).\n"
        "\n"
        "  --json    {\"schema\": 1, \"offers\": [...]} (docs/json.md)\n"
        "\n"
        "On a terminal, a header line, and rows cut to its width with an ellipsis.\n";

int
cmd_inbox(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	bool done = false, json = false;
	json_t *r, *offers;
	int c;

	while ((c = cli_getopt_daemon(cli, argc, argv, "h", opts, inbox_help, &done)) != -1) {
		if (c != 'j')
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
		json = true;
	}
	if ((c = positional(cli, argc, argv, 0, NULL)) != 0)
		return c;
	if ((r = request(json_pack("{ss}", "cmd", "inbox"), CLI_REPLY_WAIT_MS)) == NULL)
		return CLI_EXIT_FAIL;
	offers = json_object_get(r, "offers");
	if (json) {
		json_incref(offers);
		json_decref(r);
		return cli_json_print_list("offers", offers) < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	}
	if (json_array_size(offers) == 0)
		printf("No offers waiting\n");
	else if ((c = print_offers(offers)) != CLI_EXIT_OK) {
		json_decref(r);
		return c;
	}
	print_crowded(offers);
	print_held_back(json_object_get(r, "held_back"));
	json_decref(r);
	return CLI_EXIT_OK;
}

/* ---- invite ---- */

static const char invite_help[] =
        "usage: wallflower invite [--address ADDR]... [--qr [-o FILE.png|FILE.svg]] [--json]\n"
        "                         [--runtime-dir DIR]\n"
        "\n"
        "Prints one line that lets someone send you their card when you do not see each\n"
        "other nearby: your addresses, your daemon's port and a fingerprint of the key it\n"
        "made for this start. Give it to them (chat, mail, read aloud); they run\n"
        "'wallflower send --to' with it. It is good until your daemon stops: their card\n"
        "then goes to nobody else, and an old invite reaches nobody. It reveals the\n"
        "addresses it lists to whoever you give it to.\n"
        "\n"
        "It helps when the network carries packets between the two of you but not mDNS:\n"
        "across subnets, or where multicast is filtered. It cannot help between two\n"
        "clients of a Wi-Fi that isolates them (wallflower doctor says when it does).\n"
        "\n"
        "  --address ADDR  list ADDR (numeric) instead of this machine's own addresses; up\n"
        "                  to 4 times, for a shorter invite or an address others route to\n"
        "  --qr            the invite as a QR code too: drawn in the terminal, or written to\n"
        "                  FILE (-o), to show on a screen to someone who photographs it\n"
        "  -o FILE         with --qr: a PNG or SVG picture (by the name's ending)\n"
        "  --json          {\"invite\", \"fingerprint\", \"port\", \"addresses\"}\n";

int
cmd_invite(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "address", required_argument, NULL, 'a' },
		                              { "qr", no_argument, NULL, 'q' },
		                              { "output", required_argument, NULL, 'o' },
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	json_t *req = json_pack("{ss}", "cmd", "invite"), *addrs = NULL, *r;
	bool done = false, json = false, qr = false;
	const char *out = NULL;
	int c;

	while ((c = cli_getopt_daemon(cli, argc, argv, "ho:", opts, invite_help, &done)) != -1) {
		if (c == 'j') {
			json = true;
		} else if (c == 'q') {
			qr = true;
		} else if (c == 'o') {
			out = optarg;
		} else if (c == 'a' && json_array_size(addrs) < INVITE_ADDRS_MAX) {
			if (addrs == NULL)
				json_object_set_new(req, "addresses", addrs = json_array());
			json_array_append_new(addrs, json_string(optarg));
		} else {
			json_decref(req);
			return done       ? CLI_EXIT_OK
			       : c == 'a' ? cli_usage_error(cli, "--address: at most 4")
			                  : CLI_EXIT_USAGE;
		}
	}
	if ((c = positional(cli, argc, argv, 0, NULL)) != 0 ||
	    (out != NULL && !qr && (c = cli_usage_error(cli, "-o goes with --qr")) != 0) ||
	    (qr && json && (c = cli_usage_error(cli, "--qr and --json do not go together")) != 0)) {
		json_decref(req);
		return c;
	}
	if ((r = request(req, CLI_REPLY_WAIT_MS)) == NULL)
		return CLI_EXIT_FAIL;
	if (qr) {
		const char *text = str(r, "invite");

		c = qr_show(cli, (const uint8_t *)text, strlen(text), out, NULL) < 0 ? CLI_EXIT_FAIL
		                                                                     : CLI_EXIT_OK;
		if (c == CLI_EXIT_OK && out == NULL)
			printf("%s\n", text);
		json_decref(r);
		return c;
	}
	if (json) {
		json_object_del(r, "ok");
		return cli_json_print(r) < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	}
	printf("%s\n", str(r, "invite"));
	/* Only the line when it goes to a file or a pipe: $(wallflower invite) is the invite. */
	if (isatty(STDOUT_FILENO))
		printf("\nGive this line to whoever should reach you; they run\n"
		       "  wallflower send --to '%s'\nIt is good until your daemon stops.\n",
		       str(r, "invite"));
	json_decref(r);
	return CLI_EXIT_OK;
}

/* ---- send, accept, decline, block ---- */

/* Adds our card (signed now from persona) to req as hex. 0 or -1. */
static int
add_card(struct cli *cli, json_t *req, const char *persona)
{
	uint8_t *env = NULL;
	size_t len = 0;
	uint64_t rev = 0;
	char *hex;
	int r = -1;

	if (cli_issue_card(cli, persona, &env, &len, &rev) < 0)
		return -1;
	if ((hex = malloc(2 * len + 1)) != NULL) {
		crypt_hex(hex, env, len);
		r = json_object_set_new(req, "card", json_string(hex));
		free(hex);
	}
	free(env);
	return r < 0 ? -1 : 0;
}

static const char send_help[] =
        "usage: wallflower send PEER [--persona P] [--note TEXT] [--no-reply]\n"
        "                       [--runtime-dir DIR]\n"
        "       wallflower send --to INVITE|ADDRESS:PORT [--persona P] [--note TEXT]\n"
        "                       [--no-reply] [--runtime-dir DIR]\n"
        "\n"
        "Offers your card to PEER, a short id or a unique handle from 'wallflower nearby'.\n"
        "They see a preview in their inbox and decide in their own time; if they accept,\n"
        "their card comes back and joins your contacts. If the first attempt fails, the\n"
        "daemon keeps trying for 10 minutes while PEER stays nearby.\n"
        "\n"
        "PEER may say which it is: #7 is the peer with id 7, @7 the peer whose handle is\n"
        "'7'. A bare 7 that is one peer's id and another's handle is refused, naming both.\n"
        "\n"
        "When they do not show up nearby, --to sends directly: to the invite they gave you\n"
        "('wallflower invite' on their side; your card goes only to the daemon that made\n"
        "it, and not after it restarted), or to ADDRESS:PORT (numeric; anyone who answers\n"
        "there gets your card). It needs the network to carry their packets to you: it\n"
        "helps across subnets and where only multicast is filtered, not between two\n"
        "clients of a Wi-Fi that isolates them.\n"
        "\n"
        "  --to T        INVITE or ADDRESS:PORT instead of PEER ('-': read it from stdin), or\n"
        "                a PNG or JPEG picture of 'wallflower invite --qr'\n"
        "  --persona P   which persona's card to offer (default: default)\n"
        "  --note TEXT   a short note to go with it (at most 280 bytes)\n"
        "  --no-reply    do not ask for their card back\n";

/* --to -: one line from stdin, at most INVITE_TEXT_MAX bytes. NULL after saying why. */
static char *
read_to(char *buf, size_t size)
{
	size_t n;

	if (fgets(buf, (int)size, stdin) == NULL) {
		cli_error("--to -: nothing on stdin");
		return NULL;
	}
	n = strlen(buf);
	if (n == size - 1 && buf[n - 1] != '\n') {
		cli_error("--to -: too long for an invite");
		return NULL;
	}
	return buf;
}

/*
 * --to FILE, a picture (PNG or JPEG) of 'wallflower invite --qr': the text of its first QR
 * code, into buf. 1 when to names such a picture, 0 when it is not one (it is then read as
 * an invite), -1 after saying why a picture holds no invite.
 */
static int
picture_to(const char *to, char *buf, size_t size)
{
	struct qr_codes codes = { 0 };
	uint8_t *img = NULL;
	size_t len = 0;
	char why[160];
	int r = -1;

	if (access(to, R_OK) != 0 || strncmp(to, "wallflower:", 11) == 0)
		return 0;
	if (cli_read_file(to, &img, &len) < 0)
		return -1;
	if (armor_sniff(img, len) != ARMOR_KIND_PNG && armor_sniff(img, len) != ARMOR_KIND_JPEG) {
		free(img);
		return 0;
	}
	if (qr_scan(img, len, &codes, why, sizeof(why)) < 0)
		cli_error("--to %s: %s", cli_quote_path(to), why);
	else if (codes.n == 0)
		cli_error("--to %s: no QR code found in the picture", cli_quote_path(to));
	else if (codes.v[0].len >= size || memchr(codes.v[0].data, '\0', codes.v[0].len) != NULL)
		cli_error("--to %s: the QR code does not hold an invite", cli_quote_path(to));
	else {
		memcpy(buf, codes.v[0].data, codes.v[0].len);
		buf[codes.v[0].len] = '\0';
		r = 1;
	}
	qr_codes_clear(&codes);
	free(img);
	return r;
}

/* The target of --to, checked here too: a garbled invite is told before a card is made. */
static int
send_to(struct cli *cli, json_t *req, const char *to)
{
	char line[INVITE_TEXT_MAX + 2];
	struct invite iv;
	const char *why = NULL;
	int r;

	if (strcmp(to, "-") == 0 && (to = read_to(line, sizeof(line))) == NULL)
		return CLI_EXIT_USAGE;
	if (to != line && (r = picture_to(to, line, sizeof(line))) != 0) {
		if (r < 0)
			return CLI_EXIT_USAGE;
		to = line;
	}
	if (invite_parse(to, strlen(to), true, &iv, &why) < 0)
		return cli_usage_error(cli, "--to: not an invite or ADDRESS:PORT: %s", why);
	json_object_set_new(req, "to", json_string(to));
	return 0;
}

int
cmd_send(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "persona", required_argument, NULL, 'P' },
		                              { "note", required_argument, NULL, 'n' },
		                              { "no-reply", no_argument, NULL, 'r' },
		                              { "to", required_argument, NULL, 't' },
		                              { NULL, 0, NULL, 0 } };
	const char *persona = STORE_PERSONA_DEFAULT, *to = NULL;
	json_t *req = json_pack("{sssb}", "cmd", "send", "reply", 1), *r;
	bool done = false;
	int c;

	while ((c = cli_getopt_daemon(cli, argc, argv, "h", opts, send_help, &done)) != -1) {
		if (c == 'P')
			persona = optarg;
		else if (c == 'n')
			json_object_set_new(req, "note", json_string(optarg));
		else if (c == 'r')
			json_object_set_new(req, "reply", json_false());
		else if (c == 't')
			to = optarg;
		else {
			json_decref(req);
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
		}
	}
	if ((c = positional(cli, argc, argv, to != NULL ? 0 : 1,
	                    to != NULL ? NULL : "PEER (an id or handle from 'nearby'), or --to")) !=
	            0 ||
	    (to != NULL && (c = send_to(cli, req, to)) != 0)) {
		json_decref(req);
		return c;
	}
	if (to == NULL)
		json_object_set_new(req, "peer", json_string(argv[optind]));
	if (add_card(cli, req, persona) < 0) {
		json_decref(req);
		return CLI_EXIT_FAIL;
	}
	if ((r = request(req, CLI_SEND_WAIT_MS)) == NULL)
		return CLI_EXIT_FAIL;
	if (strcmp(str(r, "state"), "delivered") == 0 && to != NULL)
		printf("Delivered directly\n");
	else if (strcmp(str(r, "state"), "delivered") == 0)
		printf("Delivered to %s\n", argv[optind]);
	else
		printf("Not delivered yet (%s); the daemon keeps trying for a while\n",
		       str(r, "msg"));
	json_decref(r);
	return CLI_EXIT_OK;
}

static const char accept_help[] =
        "usage: wallflower accept ID [--persona P] [--no-reply] [-o FILE] [--runtime-dir DIR]\n"
        "\n"
        "Accepts offer ID from 'wallflower inbox': the person joins your contacts, met at\n"
        "the event you were at, now. Unless you pass --no-reply or they asked for nothing\n"
        "back, your card then goes to them.\n"
        "\n"
        "An introduction is accepted the same way: the person introduced joins your\n"
        "contacts, introduced by whoever introduced them. When they asked for replies, your\n"
        "card goes to them: over the LAN when they are nearby, and as text (printed, or\n"
        "written to FILE) to send them by mail or chat in any case. Nobody else is told.\n"
        "An ask for introductions is not accepted: answer it with 'wallflower introduce'.\n"
        "\n"
        "  --persona P   which persona's card to send back (default: default)\n"
        "  --no-reply    keep your card to yourself\n"
        "  -o FILE       an introduction's reply as text: write it to FILE, not stdout\n";

/* The reply to an accepted introduction: on its way, or the text to send. */
static int
intro_reply(const json_t *ir, const char *name, const char *file)
{
	const char *state = str(ir, "state"), *hex = str(ir, "obj");
	size_t n = strlen(hex);
	uint8_t *obj;
	int r;

	if (strcmp(state, "withheld") == 0)
		return CLI_EXIT_OK;
	if (n == 0 || n % 2 != 0 || (obj = malloc(n / 2)) == NULL ||
	    crypt_unhex(obj, n / 2, hex, n) < 0) {
		cli_error("your card could not go to %s: %s", name,
		          cli_printable(*str(ir, "msg") ? str(ir, "msg") : "no reply was made"));
		return CLI_EXIT_FAIL;
	}
	/* Over the LAN: the text only when asked for (-o). Otherwise the text is the way. */
	if (strcmp(state, "sending") == 0) {
		printf("Your card is on its way to %s, who asked for it\n", name);
		r = file != NULL ? cli_write_intro_text(file, obj, n / 2) : 0;
		free(obj);
		return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	}
	r = cli_write_intro_text(file, obj, n / 2);
	free(obj);
	if (r == 0)
		fprintf(stderr,
		        "%s is not nearby: send them this text with your card (mail, chat), as "
		        "they "
		        "asked; they run 'wallflower import' on it%s%s.\n",
		        name, file != NULL ? ": it is in " : "",
		        file != NULL ? cli_quote_path(file) : "");
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int
cmd_accept(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "persona", required_argument, NULL, 'P' },
		                              { "no-reply", no_argument, NULL, 'r' },
		                              { NULL, 0, NULL, 0 } };
	const char *persona = STORE_PERSONA_DEFAULT, *file = NULL;
	bool done = false, reply = true;
	json_t *req, *r;
	json_int_t id = 0;
	int c;

	while ((c = cli_getopt_daemon(cli, argc, argv, "ho:", opts, accept_help, &done)) != -1) {
		if (c == 'P')
			persona = optarg;
		else if (c == 'o')
			file = optarg;
		else if (c == 'r')
			reply = false;
		else
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if ((c = positional(cli, argc, argv, 1, "ID (a number from 'wallflower inbox')")) != 0 ||
	    (c = parse_offer_id(cli, argv[optind], &id)) != 0)
		return c;
	req = json_pack("{sssI}", "cmd", "accept", "id", id);
	if (reply && add_card(cli, req, persona) < 0) {
		json_decref(req);
		return CLI_EXIT_FAIL;
	}
	if ((r = request(req, CLI_REPLY_WAIT_MS)) == NULL)
		return CLI_EXIT_FAIL;
	printf("Accepted %s (%s)\n", str(r, "name"), str(r, "fingerprint"));
	if (strcmp(str(r, "card_back"), "reply") == 0) {
		c = intro_reply(json_object_get(r, "intro_reply"), str(r, "name"), file);
		json_decref(r);
		return c;
	}
	if (strcmp(str(r, "card_back"), "sending") == 0)
		printf("Your card is on its way back\n");
	else if (strcmp(str(r, "card_back"), "not-asked") != 0 &&
	         strcmp(str(r, "card_back"), "withheld") != 0)
		printf("Your card could not be sent back: %s\n", str(r, "card_back"));
	json_decref(r);
	return CLI_EXIT_OK;
}

/* decline or block the offer whose number is the one argument left. */
static int
drop_id(struct cli *cli, int argc, char **argv, const char *cmd, const char *done_msg)
{
	json_int_t id = 0;
	json_t *r;
	int c;

	if ((c = positional(cli, argc, argv, 1, "ID (a number from 'wallflower inbox')")) != 0 ||
	    (c = parse_offer_id(cli, argv[optind], &id)) != 0)
		return c;
	if ((r = request(json_pack("{sssI}", "cmd", cmd, "id", id), CLI_REPLY_WAIT_MS)) == NULL)
		return CLI_EXIT_FAIL;
	json_decref(r);
	printf("%s\n", done_msg);
	return CLI_EXIT_OK;
}

static int
drop(struct cli *cli, int argc, char **argv, const char *cmd, const char *help,
     const char *done_msg)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { NULL, 0, NULL, 0 } };
	bool done = false;

	if (cli_getopt_daemon(cli, argc, argv, "h", opts, help, &done) != -1)
		return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	return drop_id(cli, argc, argv, cmd, done_msg);
}

static const char decline_help[] =
        "usage: wallflower decline ID [--runtime-dir DIR]\n"
        "       wallflower decline --all | --from-address ADDR [--runtime-dir DIR]\n"
        "\n"
        "Drops offer ID from your inbox, quietly: the sender is never told. After a flood\n"
        "of offers (many throwaway keys from one machine), --from-address drops every\n"
        "offer that came from that address, as 'wallflower inbox' shows it, and --all\n"
        "empties the inbox.\n"
        "\n"
        "  --all                 every offer waiting\n"
        "  --from-address ADDR   every offer from ADDR\n";

/* decline --all or --from-address ADDR: many offers in one step. */
static int
decline_many(const char *from)
{
	json_t *req = json_pack("{ss}", "cmd", "decline"), *r;

	json_object_set_new(req, from != NULL ? "from" : "all",
	                    from != NULL ? json_string(from) : json_true());
	if ((r = request(req, CLI_REPLY_WAIT_MS)) == NULL)
		return CLI_EXIT_FAIL;
	printf("Declined %lld offers\n",
	       (long long)json_integer_value(json_object_get(r, "declined")));
	json_decref(r);
	return CLI_EXIT_OK;
}

int
cmd_decline(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "all", no_argument, NULL, 'a' },
		                              { "from-address", required_argument, NULL, 'f' },
		                              { NULL, 0, NULL, 0 } };
	const char *from = NULL;
	bool done = false, all = false;
	int c;

	while ((c = cli_getopt_daemon(cli, argc, argv, "h", opts, decline_help, &done)) != -1) {
		if (c == 'a')
			all = true;
		else if (c == 'f')
			from = optarg;
		else
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if (all && from != NULL)
		return cli_usage_error(cli, "--all and --from-address: one or the other");
	if (all || from != NULL) {
		if ((c = positional(cli, argc, argv, 0, NULL)) != 0)
			return c;
		return decline_many(from);
	}
	return drop_id(cli, argc, argv, "decline", "Declined");
}

int
cmd_block(struct cli *cli, int argc, char **argv)
{
	return drop(cli, argc, argv, "block",
	            "usage: wallflower block ID [--runtime-dir DIR]\n"
	            "\n"
	            "Drops offer ID and every other offer from the same person, and ignores them\n"
	            "from now on. The sender is never told.\n",
	            "Blocked");
}

/* ---- watch ---- */

static const char watch_help[] =
        "usage: wallflower watch [--json] [--runtime-dir DIR]\n"
        "\n"
        "Prints what happens as it happens, one line each: people appearing and leaving,\n"
        "offers arriving, cards accepted and received, deliveries. For a desktop notifier\n"
        "or a script, --json prints each event as one JSON document per line. Runs until\n"
        "interrupted or the daemon stops.\n";

static void
print_event(const json_t *e)
{
	const char *ev = str(e, "event");
	const json_t *p = json_object_get(e, "peer"), *o = json_object_get(e, "offer");

	if (p != NULL)
		printf("%s: %s %s\n", ev, str(p, "id"),
		       *str(p, "handle") ? str(p, "handle") : str(p, "instance"));
	else if (o != NULL && json_object_get(o, "introduced_by") != NULL)
		printf("%s: %lld %s [%.9s], introduced by %s\n", ev,
		       (long long)json_integer_value(json_object_get(o, "id")), str(o, "name"),
		       str(o, "fingerprint"), str(json_object_get(o, "introduced_by"), "name"));
	else if (o != NULL)
		printf("%s: %lld %s %s [%.9s]%s\n", ev,
		       (long long)json_integer_value(json_object_get(o, "id")),
		       strcmp(str(o, "kind"), "ask") == 0 ? "an ask from" : "from", str(o, "name"),
		       str(o, "fingerprint"),
		       *str(o, "same_name_as") ? " (not the contact of that name)" : "");
	else if (json_object_get(e, "introduced_by") != NULL)
		printf("%s: %s (%s), introduced by %s\n", ev, str(e, "name"), str(e, "fingerprint"),
		       str(json_object_get(e, "introduced_by"), "name"));
	else if (json_object_get(e, "name") != NULL)
		printf("%s: %s (%s)\n", ev, str(e, "name"), str(e, "fingerprint"));
	else if (json_object_get(e, "avahi") != NULL)
		printf("%s: %s, advert %s\n", ev, str(e, "avahi"), str(e, "advert"));
	else
		printf("%s\n", ev);
}

int
cmd_watch(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	bool done = false, json = false;
	json_t *e;
	int c, fd;

	while ((c = cli_getopt_daemon(cli, argc, argv, "h", opts, watch_help, &done)) != -1) {
		if (c != 'j')
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
		json = true;
	}
	if ((c = positional(cli, argc, argv, 0, NULL)) != 0)
		return c;
	if ((fd = cli_connect_daemon()) < 0)
		return CLI_EXIT_FAIL;
	e = json_pack("{ss}", "cmd", "watch");
	c = ctlclient_send(fd, e);
	json_decref(e);
	if (c < 0 || (e = cli_read_msg(fd, CLI_REPLY_WAIT_MS)) == NULL) {
		close(fd);
		return CLI_EXIT_FAIL;
	}
	json_decref(e);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((e = cli_read_msg(fd, -1)) != NULL) {
		if (json) {
			/* Each line is a document of its own (docs/json.md): "schema" first. */
			json_t *doc = json_pack("{s:i}", "schema", CLI_JSON_SCHEMA);
			char *line = NULL;

			if (doc != NULL && json_object_update(doc, e) == 0)
				line = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
			json_decref(doc);
			if (line == NULL) {
				cli_error("out of memory");
				json_decref(e);
				close(fd);
				return CLI_EXIT_FAIL;
			}
			printf("%s\n", line);
			free(line);
		} else {
			print_event(e);
		}
		json_decref(e);
	}
	close(fd);
	return CLI_EXIT_OK;
}
