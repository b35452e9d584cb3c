/*
 * publish: puts N wallflower adverts on the LAN from one avahi client, for the discovery
 * and idle benchmarks (bench/discovery.sh, bench/idle.sh). Each advert is a valid
 * version-2 record (proto/txt.md): v=2, h=PREFIX-NNNN (unique, at most 32 bytes), s=open,
 * t=two topics, and EXTRA when given (tests/net/test_abuse_adverts.sh adds an event tag,
 * e=...). The instance name is the handle. Usage:
 *   publish N [PER_GROUP [PREFIX [EXTRA]]]
 * registers ceil(N / PER_GROUP) entry groups (default PER_GROUP 1: one group per advert, as
 * N separate daemons would), prints "established N GROUPS" on stdout once avahi has
 * established them all, and stays until SIGTERM or SIGINT, when it withdraws them.
 *
 * The avahi-daemon it talks to must allow the objects: one per group
 * (objects-per-client-max, default 1024) and PER_GROUP services per group
 * (entries-per-entry-group-max, default 32).
 *
 * This is the only place outside src/daemon/mdns.c that includes avahi headers: the lint
 * (tests/lint/boundaries.sh) keeps them out of src/ and include/; a benchmark tool that
 * stands in for many other hosts is not part of the product.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/error.h>
#include <avahi-common/simple-watch.h>

#define HANDLE_MAX 32 /* proto/txt.md: h= is 1 to 32 bytes */

static int sigpipe[2] = { -1, -1 };
static AvahiSimplePoll *sp;
static AvahiEntryGroup **groups;
static unsigned n_adverts, per_group, n_groups, n_established;
static const char *prefix = "bench";
static const char *extra; /* one more TXT string, or NULL */
static int status;

/* SIGTERM and SIGINT: the handler writes to a pipe that the poll loop watches (avahi's
 * simple poll retries its poll on EINTR, so a flag alone would not be seen). */
static void
on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	(void)!write(sigpipe[1], &c, 1);
	errno = saved;
}

static void
signal_cb(AvahiWatch *w, int fd, AvahiWatchEvent event, void *arg)
{
	(void)w;
	(void)fd;
	(void)event;
	(void)arg;
	avahi_simple_poll_quit(sp);
}

static void
fail(const char *what, int err)
{
	fprintf(stderr, "publish: %s: %s\n", what, avahi_strerror(err));
	status = 1;
	avahi_simple_poll_quit(sp);
}

static void
group_cb(AvahiEntryGroup *g, AvahiEntryGroupState state, void *arg)
{
	(void)arg;
	switch (state) {
	case AVAHI_ENTRY_GROUP_ESTABLISHED:
		if (++n_established == n_groups) {
			printf("established %u %u\n", n_adverts, n_groups);
			fflush(stdout);
		}
		break;
	case AVAHI_ENTRY_GROUP_COLLISION:
		/* The names are the benchmark's own: a collision means another run is on the LAN.
		 */
		fail("name collision", AVAHI_ERR_COLLISION);
		break;
	case AVAHI_ENTRY_GROUP_FAILURE:
		fail("entry group failed", avahi_client_errno(avahi_entry_group_get_client(g)));
		break;
	default:
		break;
	}
}

static void
publish_all(AvahiClient *c)
{
	char name[HANDLE_MAX + 1], h[HANDLE_MAX + 3], t[64];
	unsigned i, g = 0;
	int r;

	for (i = 0; i < n_adverts; i++) {
		if (i % per_group == 0 &&
		    (groups[g] = avahi_entry_group_new(c, group_cb, NULL)) == NULL) {
			fail("avahi_entry_group_new", avahi_client_errno(c));
			return;
		}
		snprintf(name, sizeof(name), "%s-%04u", prefix, i);
		snprintf(h, sizeof(h), "h=%s", name);
		snprintf(t, sizeof(t), "t=topic-%u,topic-%u", i % 97, i % 13);
		r = avahi_entry_group_add_service(groups[g], AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, 0,
		                                  name, "_wallflower._tcp", NULL, NULL,
		                                  (uint16_t)(20000 + i % 40000), "v=2", h, "s=open",
		                                  t, extra, NULL);
		if (r < 0) {
			fail("avahi_entry_group_add_service", r);
			return;
		}
		if (i % per_group == per_group - 1 || i == n_adverts - 1) {
			if ((r = avahi_entry_group_commit(groups[g])) < 0) {
				fail("avahi_entry_group_commit", r);
				return;
			}
			g++;
		}
	}
}

static void
client_cb(AvahiClient *c, AvahiClientState state, void *arg)
{
	(void)arg;
	if (state == AVAHI_CLIENT_S_RUNNING && groups[0] == NULL)
		publish_all(c);
	else if (state == AVAHI_CLIENT_FAILURE)
		fail("avahi client", avahi_client_errno(c));
	else if (state == AVAHI_CLIENT_S_COLLISION)
		fail("host name collision", AVAHI_ERR_COLLISION);
}

static unsigned
number(const char *s, unsigned max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v == 0 || v > max) {
		fprintf(stderr, "publish: bad number '%s' (1 to %u)\n", s, max);
		exit(2);
	}
	return (unsigned)v;
}

int
main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	const AvahiPoll *api;
	AvahiClient *c;
	int err = 0;

	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: publish N [PER_GROUP [PREFIX [EXTRA]]]\n");
		return 2;
	}
	n_adverts = number(argv[1], 100000);
	per_group = argc > 2 ? number(argv[2], n_adverts) : 1;
	if (argc > 3)
		prefix = argv[3];
	if (argc > 4)
		extra = argv[4];
	/* "PREFIX-NNNN": the handle must stay within HANDLE_MAX bytes. */
	if (strlen(prefix) + 1 + snprintf(NULL, 0, "%04u", n_adverts) > HANDLE_MAX) {
		fprintf(stderr, "publish: prefix too long for a %u-byte handle\n", HANDLE_MAX);
		return 2;
	}
	n_groups = (n_adverts + per_group - 1) / per_group;
	if ((groups = calloc(n_groups, sizeof(*groups))) == NULL ||
	    (sp = avahi_simple_poll_new()) == NULL) {
		fprintf(stderr, "publish: out of memory\n");
		return 1;
	}
	api = avahi_simple_poll_get(sp);
	if (pipe2(sigpipe, O_CLOEXEC | O_NONBLOCK) < 0 ||
	    api->watch_new(api, sigpipe[0], AVAHI_WATCH_IN, signal_cb, NULL) == NULL) {
		fprintf(stderr, "publish: cannot watch for signals\n");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((c = avahi_client_new(api, 0, client_cb, NULL, &err)) == NULL) {
		fprintf(stderr, "publish: cannot connect to avahi-daemon: %s\n",
		        avahi_strerror(err));
		return 1;
	}
	/* Until a signal or a failure quits it. */
	if (avahi_simple_poll_loop(sp) < 0 && status == 0) {
		fprintf(stderr, "publish: poll failed\n");
		status = 1;
	}
	/* Freeing the client frees the groups: avahi withdraws them with goodbye packets. */
	avahi_client_free(c);
	avahi_simple_poll_free(sp);
	free(groups);
	return status;
}
