/*
 * exchange: the exchange benchmark (issues 7 and 11). One line of key=value pairs per run:
 *
 *   exchange daemon HOST PORT N CONCURRENCY [SECONDS]
 *       N offers to a running wallflowerd over TCP, CONCURRENCY of them in flight; with
 *       SECONDS, none started after that long (those in flight finish), so that a slow
 *       daemon costs a bounded time: n= then says how many were made
 *   exchange floor N
 *       the same sessions fed to each other in memory: no sockets, no store; the time
 *       each side spends in its session calls is its share of the floor
 *
 * One exchange is what a peer does: connect, Noise XX as the initiator (session.h), an
 * offer carrying a card of about 600 bytes, and the answer, which must be an ack; any
 * other answer or failure counts as an error (a "busy" also as busy), and the program
 * exits 1 when there was one. Every offer comes from an identity of its own, so that each
 * is a first offer and no per-sender limit or request window is what is measured; and
 * every card differs (offers of the same bytes are kept once, and would skip the store).
 * Identities and cards are made at random before the clock starts, so that they are
 * nobody's already and the client costs only its half of the handshake.
 *
 * The daemon takes at most 4 connections at once from one address, so with an IPv4
 * loopback HOST each connection in flight comes from an address of its own (127.0.1.k), as
 * peers on a LAN would. A latency runs from the start of an exchange (the session made,
 * the connect) to the ack. A tool, not the product: it trusts its arguments and dies on
 * what it cannot do.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wallflower/card.h"
#include "wallflower/crypt.h"
#include "wallflower/identity.h"
#include "wallflower/peermsg.h"
#include "wallflower/session.h"

#define IDLE_MS      30000 /* no progress this long: the run has failed */
#define READ_CHUNK   4096
#define CONC_MAX     32 /* the daemon's ADMIT_HANDSHAKE_MAX: beyond, it drops the oldest */
#define ERRORS_SHOWN 5  /* errors described on stderr; the rest only counted */

static const char usage[] = "usage: exchange daemon HOST PORT N CONCURRENCY [SECONDS]\n"
                            "       exchange floor N\n";

/* Everything an exchange sends, made before timing. */
struct bench {
	size_t n;
	struct identity **ids; /* one per offer */
	struct peermsg *offers;
	size_t card_bytes; /* the cards' envelopes, mean bytes */
	double *lat;       /* daemon: seconds from connect to the ack, per exchange */
	size_t next, done, errors;
	double deadline; /* daemon: no exchange starts after this (now()); 0: none */
	size_t busy;     /* of the errors, "busy" answers: a limit was not lifted */
};

/* One connection in flight. */
struct slot {
	struct bench *b;
	int fd;
	unsigned k; /* its number, which picks its source address */
	bool connecting;
	struct session *s;
	size_t job;
	double t0;
};

static void
die(const char *what, int err)
{
	fprintf(stderr, "exchange: %s%s%s\n", what, err ? ": " : "", err ? strerror(err) : "");
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
count_arg(const char *s, size_t min, size_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || s[0] < '0' || s[0] > '9' || v < min || v > max) {
		fprintf(stderr, "exchange: '%s': a number from %zu to %zu\n", s, min, max);
		exit(2);
	}
	return (size_t)v;
}

/* ---- what is sent ---- */

/* The presence key every session of this run uses, as a daemon's one start does. */
static uint8_t presence[CRYPT_DH_KEY];

static struct identity *
identity_make(void)
{
	uint8_t seed[CRYPT_SIGN_SEED];
	struct identity *id;

	crypt_random(seed, sizeof(seed));
	if (presence[0] == 0)
		crypt_random(presence, sizeof(presence));
	if (identity_from_seed(seed, &id) < 0)
		die("cannot make an identity", 0);
	crypt_wipe(seed, sizeof(seed));
	return id;
}

static void
list_set(struct card_fields *f, enum card_field field, char **items, size_t n)
{
	card_fields_list(f, field)->items = items;
	card_fields_list(f, field)->n = n;
}

/*
 * A full card of about 600 bytes: someone who filled in most of their profile.
 */
static uint8_t *
card_make(const struct identity *id, size_t who, size_t *len)
{
	static char note[] = "Happy to talk about local-first software and small networks "
	                     "that work without the cloud. Find me after the talks.";
	static char *topics[] = { (char *)"local-first", (char *)"cryptography",
		                  (char *)"mesh networks", (char *)"sqlite" };
	static char *offers[] = { (char *)"code review", (char *)"mentoring" };
	static char *seeks[] = { (char *)"co-maintainers", (char *)"speaking slots" };
	char name[48], mail1[64], mail2[64], url1[64], url2[64];
	char *mails[] = { mail1, mail2 }, *urls[] = { url1, url2 };
	struct card_meta meta = { .rev = 1, .issued = (uint64_t)time(NULL) };
	struct card_fields f;
	struct card_error err;
	uint8_t *env;

	snprintf(name, sizeof(name), "Bench Person %zu", who);
	snprintf(mail1, sizeof(mail1), "person%zu@example.org", who);
	snprintf(mail2, sizeof(mail2), "p%zu@mail.example.net", who);
	snprintf(url1, sizeof(url1), "https://example.org/people/%zu", who);
	snprintf(url2, sizeof(url2), "https://code.example.net/p%zu", who);
	card_fields_init(&f);
	f.text[CARD_NAME] = name;
	f.text[CARD_PRONOUNS] = (char *)"they/them";
	f.text[CARD_TITLE] = (char *)"Principal Engineer, Networking";
	f.text[CARD_ORG] = (char *)"Example Research Cooperative";
	f.text[CARD_LOCATION] = (char *)"Lisbon";
	f.text[CARD_NOTE] = note;
	list_set(&f, CARD_EMAIL, mails, 2);
	list_set(&f, CARD_URL, urls, 2);
	list_set(&f, CARD_TOPICS, topics, 4);
	list_set(&f, CARD_OFFERS, offers, 2);
	list_set(&f, CARD_SEEKS, seeks, 2);
	if (card_issue(&f, &meta, id->sign_sk, &env, len, &err) < 0)
		die("cannot issue a card", 0);
	return env;
}

static void
bench_prepare(struct bench *b, size_t n)
{
	memset(b, 0, sizeof(*b));
	b->n = n;
	b->ids = calloc(n, sizeof(*b->ids));
	b->offers = calloc(n, sizeof(*b->offers));
	b->lat = calloc(n, sizeof(*b->lat));
	if (b->ids == NULL || b->offers == NULL || b->lat == NULL)
		die("out of memory", 0);
	for (size_t i = 0; i < n; i++) {
		struct peermsg *m = &b->offers[i];

		b->ids[i] = identity_make();
		m->type = PEERMSG_OFFER;
		m->note = (char *)"Met you at the benchmark";
		m->card = card_make(b->ids[i], i, &m->card_len);
	}
	for (size_t i = 0; i < n; i++)
		b->card_bytes += b->offers[i].card_len;
	b->card_bytes /= n;
}

static void
bench_free(struct bench *b)
{
	for (size_t i = 0; i < b->n; i++) {
		identity_free(b->ids[i]);
		free(b->offers[i].card);
	}
	free(b->ids);
	free(b->offers);
	free(b->lat);
}

static struct session *
initiator_new(const struct bench *b, size_t job)
{
	struct session_config cfg = { .role = SESSION_INITIATOR,
		                      .static_sk = presence,
		                      .id = b->ids[job],
		                      .request = &b->offers[job] };
	struct session *s;

	if (session_new(&cfg, &s) < 0)
		die("cannot make a session", 0);
	return s;
}

/* The answer was an ack (anything else is an error, said once on stderr). */
static bool
answer_ok(struct bench *b, const struct session *s)
{
	const struct peermsg *a = session_answer_msg(s);

	if (a != NULL && a->type == PEERMSG_ACK)
		return true;
	if (a != NULL && a->type == PEERMSG_ERROR && a->code == PEERMSG_E_BUSY)
		b->busy++;
	if (b->errors < ERRORS_SHOWN)
		fprintf(stderr, "exchange: answered %s%s%s\n",
		        a != NULL ? peermsg_type_name(a->type) : "nothing",
		        a != NULL && a->type == PEERMSG_ERROR ? " " : "",
		        a != NULL && a->type == PEERMSG_ERROR ? peermsg_code_name(a->code) : "");
	return false;
}

/* ---- floor: two sessions in memory ---- */

/* One side of a floor exchange: its session, and the seconds spent in its calls so far. */
struct side {
	struct session *s;
	double *spent;
};

/*
 * Moves what from queued into to; to answers a request with an ack. Each call is timed for
 * the side whose session it runs. false on a failure.
 */
static bool
pass(struct side *from, struct side *to)
{
	static const struct peermsg ack = { .type = PEERMSG_ACK };
	const uint8_t *out;
	size_t left;
	double t = now(), u;

	while ((left = session_output(from->s, &out)) > 0) {
		enum session_event ev;
		size_t used;
		int r;

		u = now();
		*from->spent += u - t;
		r = session_input(to->s, out, left, &used, &ev);
		if (r == 0 && ev == SESSION_EV_REQUEST)
			r = session_answer(to->s, &ack);
		t = now();
		*to->spent += t - u;
		if (r < 0)
			return false;
		session_output_done(from->s, used);
	}
	*from->spent += now() - t;
	return true;
}

/* One exchange; spent[0] and spent[1] gain the initiator's and the responder's seconds. */
static bool
floor_one(struct bench *b, const struct identity *us, size_t job, double spent[2])
{
	struct session_config cfg = { .role = SESSION_RESPONDER,
		                      .static_sk = presence,
		                      .id = us,
		                      .now = (uint64_t)time(NULL) };
	struct side i = { .spent = &spent[0] }, r = { .spent = &spent[1] };
	double t = now();
	bool ok = true;

	i.s = initiator_new(b, job);
	spent[0] += now() - t;
	t = now();
	if (session_new(&cfg, &r.s) < 0)
		die("cannot make a session", 0);
	spent[1] += now() - t;
	for (int round = 0; ok && !session_finished(i.s) && round < 8; round++)
		ok = pass(&i, &r) && pass(&r, &i);
	ok = ok && session_finished(i.s) && !session_failed(i.s) && answer_ok(b, i.s);
	t = now();
	session_free(i.s);
	spent[0] += now() - t;
	t = now();
	session_free(r.s);
	spent[1] += now() - t;
	return ok;
}

/*
 * The floor, and each side's share of it: initiator_rate is exchanges per second of the
 * initiator's time alone, responder_rate of the responder's (the daemon's half: no
 * responder can take offers faster on one core).
 */
static int
run_floor(size_t n)
{
	struct identity *us = identity_make();
	double t0, t, spent[2] = { 0, 0 };
	struct bench b;

	bench_prepare(&b, n);
	t0 = now();
	for (size_t job = 0; job < n; job++)
		if (!floor_one(&b, us, job, spent))
			b.errors++;
	t = now() - t0;
	printf("mode=floor n=%zu rate=%.1f initiator_rate=%.1f responder_rate=%.1f "
	       "card_bytes=%zu errors=%zu\n",
	       n, (double)n / t, (double)n / spent[0], (double)n / spent[1], b.card_bytes,
	       b.errors);
	identity_free(us);
	bench_free(&b);
	return b.errors > 0 ? 1 : 0;
}

/* ---- daemon: CONCURRENCY connections through epoll ---- */

struct target {
	int ep;
	struct sockaddr_in to;
	bool spread; /* one source address per slot */
};

static struct target tgt;

static void slot_start(struct slot *sl);

static void
slot_error(struct slot *sl, const char *why)
{
	if (sl->b->errors < ERRORS_SHOWN && why != NULL)
		fprintf(stderr, "exchange: offer %zu: %s\n", sl->job, why);
	sl->b->errors++;
}

/* The exchange is over (ok: acked): closes, and starts the next one. */
static void
slot_end(struct slot *sl, bool ok)
{
	if (ok)
		sl->b->lat[sl->b->done++] = now() - sl->t0;
	close(sl->fd);
	sl->fd = -1;
	session_free(sl->s);
	sl->s = NULL;
	slot_start(sl);
}

static void
slot_bind(const struct slot *sl)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	int on = 1;

	if (!tgt.spread)
		return;
	src.sin_addr.s_addr = htonl(0x7f000100u + sl->k + 1); /* 127.0.1.(k+1) */
	/* The port is chosen at connect(), with the whole 4-tuple known. */
	if (setsockopt(sl->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof(on)) < 0 ||
	    bind(sl->fd, (struct sockaddr *)&src, sizeof(src)) < 0)
		die("cannot bind a source address", errno);
}

static void
slot_start(struct slot *sl)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = sl };
	struct bench *b = sl->b;
	int on = 1;

	if (b->next >= b->n || (b->deadline > 0 && now() > b->deadline))
		return;
	sl->job = b->next++;
	sl->t0 = now();
	sl->s = initiator_new(b, sl->job);
	if ((sl->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		die("socket", errno);
	(void)setsockopt(sl->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	slot_bind(sl);
	/* Refused at once: nothing listens there, and the run cannot go on. */
	if (connect(sl->fd, (struct sockaddr *)&tgt.to, sizeof(tgt.to)) < 0 && errno != EINPROGRESS)
		die("connect", errno);
	sl->connecting = true;
	if (epoll_ctl(tgt.ep, EPOLL_CTL_ADD, sl->fd, &ev) < 0)
		die("epoll_ctl", errno);
}

/* Feeds what arrived. 1: the exchange is over (the slot moved on); 0: more to come. */
static int
slot_feed(struct slot *sl, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		enum session_event ev;
		size_t used;

		if (session_input(sl->s, buf, len, &used, &ev) < 0) {
			slot_error(sl, session_reason(sl->s));
			slot_end(sl, false);
			return 1;
		}
		if (ev == SESSION_EV_ANSWER) {
			bool ok = answer_ok(sl->b, sl->s);

			if (!ok)
				sl->b->errors++;
			slot_end(sl, ok);
			return 1;
		}
		buf += used;
		len -= used;
	}
	return 0;
}

/* Reads what is there. 1: the exchange is over; 0: more to come. */
static int
slot_read(struct slot *sl)
{
	uint8_t buf[READ_CHUNK];

	for (;;) {
		ssize_t r = recv(sl->fd, buf, sizeof(buf), 0);

		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r <= 0) {
			slot_error(sl, r < 0 ? strerror(errno) : "closed before the answer");
			slot_end(sl, false);
			return 1;
		}
		if (slot_feed(sl, buf, (size_t)r))
			return 1;
	}
}

/* Writes what the session queued; EPOLLOUT only while something is left. */
static void
slot_flush(struct slot *sl)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = sl };
	const uint8_t *out;
	size_t left;

	while ((left = session_output(sl->s, &out)) > 0) {
		ssize_t w = send(sl->fd, out, left, MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w < 0) {
			slot_error(sl, strerror(errno));
			slot_end(sl, false);
			return;
		}
		session_output_done(sl->s, (size_t)w);
	}
	ev.events |= left > 0 ? EPOLLOUT : 0;
	if (epoll_ctl(tgt.ep, EPOLL_CTL_MOD, sl->fd, &ev) < 0)
		die("epoll_ctl", errno);
}

static void
slot_io(struct slot *sl, uint32_t events)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (sl->connecting) {
		if (getsockopt(sl->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err != 0) {
			slot_error(sl, strerror(err));
			slot_end(sl, false);
			return;
		}
		sl->connecting = false;
	} else if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && slot_read(sl)) {
		return;
	}
	slot_flush(sl);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile (nearest rank) of the n sorted values, in milliseconds. */
static double
quantile_ms(const double *v, size_t n, double q)
{
	size_t rank = (size_t)ceil(q * (double)n);

	if (n == 0)
		return 0;
	return 1000 * v[rank > 0 ? rank - 1 : 0];
}

static void
target_set(const char *host, const char *port)
{
	tgt.to.sin_family = AF_INET;
	tgt.to.sin_port = htons((uint16_t)count_arg(port, 1, 65535));
	if (inet_pton(AF_INET, host, &tgt.to.sin_addr) != 1) {
		fprintf(stderr, "exchange: '%s': an IPv4 address\n", host);
		exit(2);
	}
	tgt.spread = (ntohl(tgt.to.sin_addr.s_addr) >> 24) == 127;
	if ((tgt.ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		die("epoll_create1", errno);
}

static void
daemon_loop(struct bench *b, struct slot *slots, size_t conc)
{
	struct epoll_event evs[CONC_MAX];

	for (size_t k = 0; k < conc; k++) {
		slots[k] = (struct slot){ .b = b, .fd = -1, .k = (unsigned)k };
		slot_start(&slots[k]);
	}
	while (b->done + b->errors < b->next) {
		int got = epoll_wait(tgt.ep, evs, (int)conc, IDLE_MS);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			die("epoll_wait", errno);
		if (got == 0)
			die("no progress for 30 s", 0);
		for (int e = 0; e < got; e++)
			slot_io(evs[e].data.ptr, evs[e].events);
	}
}

static int
run_daemon(const char *host, const char *port, size_t n, size_t conc, size_t seconds)
{
	struct slot slots[CONC_MAX];
	struct bench b;
	double t0, t;

	target_set(host, port);
	bench_prepare(&b, n);
	t0 = now();
	b.deadline = seconds > 0 ? t0 + (double)seconds : 0;
	daemon_loop(&b, slots, conc);
	t = now() - t0;
	qsort(b.lat, b.done, sizeof(*b.lat), cmp_double);
	printf("mode=daemon n=%zu concurrency=%zu rate=%.1f p50_ms=%.2f p99_ms=%.2f "
	       "card_bytes=%zu errors=%zu busy=%zu\n",
	       b.next, conc, (double)b.done / t, quantile_ms(b.lat, b.done, 0.5),
	       quantile_ms(b.lat, b.done, 0.99), b.card_bytes, b.errors, b.busy);
	close(tgt.ep);
	bench_free(&b);
	return b.errors > 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (crypt_init() < 0)
		die("cannot initialise libsodium", 0);
	if ((argc == 6 || argc == 7) && strcmp(argv[1], "daemon") == 0)
		return run_daemon(argv[2], argv[3], count_arg(argv[4], 1, 10000000),
		                  count_arg(argv[5], 1, CONC_MAX),
		                  argc == 7 ? count_arg(argv[6], 1, 86400) : 0);
	if (argc == 3 && strcmp(argv[1], "floor") == 0)
		return run_floor(count_arg(argv[2], 1, 10000000));
	fputs(usage, stderr);
	return 2;
}
