/*
 * net.c: the TCP listener and every peer connection, in both directions. Each connection
 * drives one session (session.h) with the bytes it reads, writes what the session queues,
 * and dies in conn_end(). Peers are strangers: which connections are taken, and which
 * one is dropped to make room, is admit.h's decision (per address, handshakes, incoming,
 * and slots kept for our own deliveries); each connection has a handshake deadline and an
 * exchange deadline, and a protocol violation ends that one connection, after the error
 * message the session queued for the peer (if any) is sent. Lines a stranger can cause at
 * will are rate-limited, one struct log_limit per cause.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "wallflower/admit.h"
#include "wfd.h"

/* The kernel's queue of connections not yet accepted. Deep, so that a burst of strangers
 * does not make the kernel drop an honest SYN (a retry 1 s later, then 3 s) before admit.h
 * has had its say; every connection queued is accepted and judged at once. */
#define NET_BACKLOG    1024
#define NET_READ_CHUNK 4096

struct conn {
	struct net *net;
	int fd;
	struct loop_watch *w;
	struct loop_timer *timer;
	struct session *s;
	bool incoming, connecting, established;
	bool requested; /* incoming: a verified request arrived */
	bool verifying; /* incoming: a verify we took, its code not yet ready (verify.c) */
	bool closing;   /* failed: sending what the session queued (its error), then closed */
	uint64_t started_ms;
	char addr[MDNS_ADDR_MAX];
	uint16_t port;       /* outgoing: the peer's */
	struct delivery *dl; /* outgoing: what it delivers */
	bool reported;       /* outgoing: exchange_done was called */
	bool wrong_peer;     /* outgoing: the responder was not the one expected */
	/* incoming: the presence secret it was accepted with, which a kept offer remembers */
	uint8_t static_sk[CRYPT_DH_KEY];
	struct conn *next;
};

struct net {
	struct wfd *d;
	int lfd;
	struct loop_watch *lw;
	uint16_t port;
	struct conn *conns;
	unsigned count;
	/* One rate limit per cause a stranger can repeat at will. */
	struct log_limit lim_refused_addr, lim_refused_full, lim_dropped, lim_timeout, lim_failed;
};

static void conn_end(struct conn *c, const char *why, struct log_limit *lim);

static void
conn_report(struct conn *c, const struct peermsg *answer, const char *why)
{
	if (c->incoming || c->reported)
		return;
	c->reported = true;
	c->dl->connecting = false;
	if (answer != NULL && session_verify_code(c->s, &c->dl->code) == 0) {
		memcpy(c->dl->peer_key, session_peer(c->s), CRYPT_SIGN_PK);
		c->dl->verified = true;
	}
	exchange_done(c->dl, answer, answer != NULL ? session_peer_static(c->s) : NULL,
	              c->wrong_peer, why);
}

/*
 * Closes c and frees it. why (static text or NULL for a normal end) goes in a log line;
 * for an incoming connection under the rate limit lim, since strangers can repeat it.
 */
static void
conn_end(struct conn *c, const char *why, struct log_limit *lim)
{
	struct net *n = c->net;
	struct conn **pp = &n->conns;

	while (*pp != c)
		pp = &(*pp)->next;
	*pp = c->next;
	n->count--;
	if (why != NULL && c->incoming)
		log_limit_info(lim, "connection from %s: %s", c->addr, why);
	else if (why != NULL)
		log_info("connection to %s port %u: %s", c->addr, c->port, why);
	loop_watch_free(c->w);
	loop_timer_free(c->timer);
	close(c->fd);
	if (c->verifying)
		verify_lost(n->d, why);
	/* Last: the report may start another connection for the same delivery. */
	conn_report(c, NULL, why != NULL ? why : "closed");
	session_free(c->s);
	crypt_wipe(c, sizeof(*c));
	free(c);
}

static void
conn_close(struct conn *c, const char *why)
{
	conn_end(c, why, &c->net->lim_failed);
}

/*
 * Writes what the session has queued; EPOLLOUT only while something is left, EPOLLIN only
 * while we still read (a closing connection has nothing more to learn from the peer).
 */
static int
conn_flush(struct conn *c)
{
	const uint8_t *out;
	size_t left;

	while ((left = session_output(c->s, &out)) > 0) {
		ssize_t w = send(c->fd, out, left, MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w < 0)
			return -errno;
		session_output_done(c->s, (size_t)w);
	}
	return loop_watch_set(c->w, (c->closing ? 0 : EPOLLIN) | (left > 0 ? EPOLLOUT : 0));
}

/* An incoming verify: answered with our identity and nonce when our user waits for one,
 * not-waiting otherwise (proto/session.md 9.7). */
static void
conn_verify(struct conn *c)
{
	struct wfd *d = c->net->d;
	struct peermsg no = { .type = PEERMSG_ERROR, .code = PEERMSG_E_NOT_WAITING };

	if (!verify_take(d)) {
		if (session_answer(c->s, &no) < 0)
			log_warnx("cannot answer %s", c->addr);
		return;
	}
	c->verifying = true;
	if (session_verify_reply(c->s, d->id) < 0) {
		c->verifying = false;
		verify_lost(d, "cannot answer the verify");
	}
}

static void
conn_event(struct conn *c, enum session_event ev)
{
	struct wfd *d = c->net->d;
	struct peermsg answer = { 0 };

	switch (ev) {
	case SESSION_EV_ESTABLISHED:
		c->established = true;
		loop_timer_set_at(c->timer, c->started_ms + SESSION_EXCHANGE_TIMEOUT_MS);
		break;
	case SESSION_EV_REQUEST:
		c->requested = true;
		if (session_request(c->s)->type == PEERMSG_VERIFY) {
			conn_verify(c);
			break;
		}
		exchange_request(d, c->addr, session_peer_static(c->s), c->static_sk,
		                 session_request(c->s), session_request_card(c->s),
		                 session_request_intro(c->s), &answer);
		if (session_answer(c->s, &answer) < 0)
			log_warnx("cannot answer %s", c->addr);
		break;
	case SESSION_EV_VERIFIED: {
		uint32_t code;

		c->verifying = false;
		if (session_verify_code(c->s, &code) == 0)
			verify_heard(d, session_peer(c->s), code);
		break;
	}
	case SESSION_EV_ANSWER:
		conn_report(c, session_answer_msg(c->s), NULL);
		break;
	default:
		break;
	}
}

/*
 * Feeds what arrived to the session, event by event. false when the connection closed.
 * When the session fails with a message for the peer queued (refuse() in session.c: the
 * error saying why), the connection stops reading and stays until that is sent: closing
 * at once would leave the peer a bare close, which it retries as if we were unreachable.
 */
static bool
conn_feed(struct conn *c, const uint8_t *buf, size_t len)
{
	const uint8_t *out;

	while (len > 0) {
		enum session_event ev = SESSION_EV_NONE;
		size_t used = 0;

		int r = session_input(c->s, buf, len, &used, &ev);

		if (r < 0) {
			c->wrong_peer = !c->incoming && r == -EKEYREJECTED;
			if (session_output(c->s, &out) == 0) {
				conn_close(c, session_reason(c->s));
				return false;
			}
			c->closing = true;
			return true;
		}
		buf += used;
		len -= used;
		conn_event(c, ev);
		if (used == 0 && ev == SESSION_EV_NONE)
			break;
	}
	return true;
}

/* Reads what is there. false when the connection closed. */
static bool
conn_readable(struct conn *c)
{
	uint8_t buf[NET_READ_CHUNK];

	for (;;) {
		ssize_t r = recv(c->fd, buf, sizeof(buf), 0);

		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (r < 0) {
			conn_close(c, strerror(errno));
			return false;
		}
		if (r == 0) {
			conn_close(c, session_finished(c->s) ? NULL
			                                     : "closed before the exchange ended");
			return false;
		}
		if (!conn_feed(c, buf, (size_t)r))
			return false;
		if (c->closing)
			return true;
	}
}

static void
conn_io(struct loop_watch *w, int fd, uint32_t events, void *arg)
{
	struct conn *c = arg;
	const uint8_t *out;
	int err = 0;
	socklen_t len = sizeof(err);

	(void)w;
	if (c->connecting) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err != 0) {
			conn_close(c, strerror(err));
			return;
		}
		c->connecting = false;
	} else if (!c->closing && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !conn_readable(c)) {
		return;
	}
	if (conn_flush(c) < 0) {
		conn_close(c, "write failed");
		return;
	}
	if (session_finished(c->s) && session_output(c->s, &out) == 0)
		conn_close(c, session_failed(c->s) ? session_reason(c->s) : NULL);
}

/* The deadlines also bound a closing connection: a peer that does not read is not waited for. */
static void
conn_timeout(struct loop_timer *t, void *arg)
{
	struct conn *c = arg;

	(void)t;
	conn_end(c,
	         c->closing       ? "timed out sending the error"
	         : c->established ? "exchange timed out"
	                          : "handshake timed out",
	         &c->net->lim_timeout);
}

static enum admit_stage
conn_stage(const struct conn *c)
{
	if (!c->incoming)
		return ADMIT_OUTGOING;
	if (!c->established)
		return ADMIT_HANDSHAKE;
	/* A refusal being sent is best effort: it may go for a newer connection. */
	return c->requested && !c->closing ? ADMIT_ANSWERING : ADMIT_WAITING;
}

/* The connections held now, for admit.h; index i of desc is (*conns)[i]. false: too many. */
static bool
conn_describe(const struct net *n, struct admit_conn *desc, struct conn **conns, size_t max,
              size_t *count)
{
	size_t i = 0;

	for (struct conn *c = n->conns; c != NULL; c = c->next, i++) {
		if (i == max)
			return false;
		desc[i] = (struct admit_conn){ .addr = c->addr,
			                       .started_ms = c->started_ms,
			                       .stage = conn_stage(c) };
		conns[i] = c;
	}
	*count = i;
	return true;
}

static struct conn *
conn_new(struct net *n, int fd, bool incoming, const char *addr)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->net = n;
	c->fd = fd;
	c->incoming = incoming;
	c->started_ms = loop_now_ms();
	snprintf(c->addr, sizeof(c->addr), "%s", addr);
	c->timer = loop_timer_new(n->d->loop, conn_timeout, c);
	c->w = loop_watch_new(n->d->loop, fd, EPOLLIN | EPOLLOUT, conn_io, c);
	if (c->timer == NULL || c->w == NULL) {
		loop_timer_free(c->timer);
		loop_watch_free(c->w);
		free(c);
		return NULL;
	}
	loop_timer_set(c->timer, SESSION_HANDSHAKE_TIMEOUT_MS);
	c->next = n->conns;
	n->conns = c;
	n->count++;
	return c;
}

/* The numeric address, IPv4-mapped IPv6 shown as IPv4 (one peer, one address). */
static void
addr_text(const struct sockaddr_storage *sa, char *out, size_t size)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	if (sa->ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], out, (socklen_t)size);
		return;
	}
	if (getnameinfo((const struct sockaddr *)sa, sizeof(*sa), out, (socklen_t)size, NULL, 0,
	                NI_NUMERICHOST) != 0)
		snprintf(out, size, "?");
}

static void
accept_one(struct net *n, int fd, const struct sockaddr_storage *sa)
{
	struct session_config cfg = { .role = SESSION_RESPONDER,
		                      .static_sk = n->d->presence_sk,
		                      .id = n->d->id, /* an intro must be addressed to us */
		                      .now = (uint64_t)time(NULL) };
	struct admit_conn desc[ADMIT_CONN_MAX];
	struct conn *held[ADMIT_CONN_MAX];
	struct admit_result res;
	char addr[MDNS_ADDR_MAX];
	struct conn *c;
	size_t count;

	addr_text(sa, addr, sizeof(addr));
	if (!conn_describe(n, desc, held, ADMIT_CONN_MAX, &count)) {
		/* Cannot happen while admit.h decides every connection; refuse all the same. */
		log_limit_warnx(&n->lim_refused_full, "refusing %s: too many connections", addr);
		close(fd);
		return;
	}
	admit_incoming(desc, count, addr, &res);
	switch (res.verdict) {
	case ADMIT_YES:
		break;
	case ADMIT_DROP:
		log_limit_info(&n->lim_dropped,
		               "dropping a connection from %s to make room for %s: %s",
		               held[res.drop]->addr, addr, res.why);
		conn_end(held[res.drop], NULL, NULL);
		break;
	case ADMIT_NO_ADDR:
		log_limit_warnx(&n->lim_refused_addr, "refusing %s: %d connections from it already",
		                addr, ADMIT_PER_ADDR);
		close(fd);
		return;
	default:
		log_limit_warnx(&n->lim_refused_full, "refusing %s: %s", addr, res.why);
		close(fd);
		return;
	}
	if ((c = conn_new(n, fd, true, addr)) == NULL) {
		close(fd);
		return;
	}
	memcpy(c->static_sk, n->d->presence_sk, sizeof(c->static_sk));
	if (session_new(&cfg, &c->s) < 0)
		conn_close(c, "out of memory");
}

static void
listener_io(struct loop_watch *w, int lfd, uint32_t events, void *arg)
{
	struct net *n = arg;

	(void)w;
	(void)events;
	for (;;) {
		struct sockaddr_storage sa = { 0 };
		socklen_t len = sizeof(sa);
		int fd = accept4(lfd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED)
				LOG_LIMITED(log_limit_warnx, "accept: %s", strerror(errno));
			return;
		}
		accept_one(n, fd, &sa);
	}
}

int
net_new(struct wfd *d, struct net **out)
{
	struct net *n = calloc(1, sizeof(*n));

	*out = NULL;
	if (n == NULL)
		return -ENOMEM;
	n->d = d;
	n->lfd = -1;
	*out = n;
	return 0;
}

void
net_unlisten(struct net *n)
{
	if (n->lfd < 0)
		return;
	loop_watch_free(n->lw);
	close(n->lfd);
	n->lfd = -1;
	n->port = 0;
}

void
net_free(struct net *n)
{
	if (n == NULL)
		return;
	net_unlisten(n);
	while (n->conns != NULL)
		conn_close(n->conns, NULL);
	/* Counts of lines left out that no later line told. */
	log_limit_flush(&n->lim_refused_addr, "refusals for too many connections from one address");
	log_limit_flush(&n->lim_refused_full, "refusals for lack of room");
	log_limit_flush(&n->lim_dropped, "connections dropped for newer ones");
	log_limit_flush(&n->lim_timeout, "connections timed out");
	log_limit_flush(&n->lim_failed, "failed incoming connections");
	free(n);
}

/* A listening socket on PORT (0: one the system chooses), or a negative errno. */
static int
listen_on(uint16_t port, uint16_t *bound)
{
	/* One IPv6 socket that takes IPv4 too (v6only off), on every address. */
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
		                   .sin6_port = htons(port),
		                   .sin6_addr = IN6ADDR_ANY_INIT };
	socklen_t len = sizeof(sa);
	int fd, off = 0, on = 1, r;

	if ((fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, NET_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	*bound = ntohs(sa.sin6_port);
	return fd;
}

int
net_listen(struct net *n, uint16_t port, uint16_t avoid)
{
	uint16_t bound = 0;
	int fd, r;

	if (n->lfd >= 0)
		return 0;
	if ((fd = listen_on(port, &bound)) < 0)
		return fd;
	/* The system's choice can fall on the previous start's port by chance, which would
	 * link the two starts' adverts; while this socket holds that port, the next choice
	 * cannot be it. */
	if (port == 0 && avoid != 0 && bound == avoid) {
		int held = fd;

		fd = listen_on(0, &bound);
		close(held);
		if (fd < 0)
			return fd;
	}
	if ((n->lw = loop_watch_new(n->d->loop, fd, EPOLLIN, listener_io, n)) == NULL) {
		r = -errno;
		close(fd);
		return r;
	}
	n->lfd = fd;
	n->port = bound;
	return 0;
}

uint16_t
net_port(const struct net *n)
{
	return n->port;
}

unsigned
net_connections(const struct net *n)
{
	return n->count;
}

/* A numeric address ("10.0.0.2", "fe80::1%eth0") and port, resolved without DNS. */
static int
sockaddr_of(const char *addr, uint16_t port, struct sockaddr_storage *sa, socklen_t *len)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
		                  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char service[8];

	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(addr, service, &hints, &res) != 0 || res == NULL)
		return -EINVAL;
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* A send to a recognised contact: the responder must hold the presence key that the
 * contact's advert bound (proto/txt.md 6.2), or the session stops before message 3. */
static int
check_bind(void *arg, const uint8_t pk[NOISE_KEY])
{
	const struct delivery *dl = arg;

	return recog_bind_check(dl->bind.rk, dl->bind.epoch, dl->bind.slot, pk, dl->bind_b);
}

/* A send to an invite: the responder's presence key must have the invite's fingerprint
 * (proto/invite.md), or the session stops before message 3. */
static int
check_invite(void *arg, const uint8_t pk[NOISE_KEY])
{
	const struct delivery *dl = arg;

	return invite_check(&dl->to, pk);
}

int
net_connect(struct net *n, struct delivery *dl, const char *addr, uint16_t port)
{
	struct session_config cfg = { .role = SESSION_INITIATOR,
		                      .static_sk = dl->static_sk,
		                      .id = n->d->id,
		                      .request = &dl->msg,
		                      .expect_static = dl->has_expect ? dl->expect : NULL,
		                      .check_static = dl->has_bind                   ? check_bind
		                                      : dl->direct && dl->to.has_fpr ? check_invite
		                                                                     : NULL,
		                      .check_arg = dl };
	struct admit_conn desc[ADMIT_CONN_MAX];
	struct conn *held[ADMIT_CONN_MAX];
	struct admit_result res;
	struct sockaddr_storage sa;
	socklen_t len;
	struct conn *c;
	size_t count;
	int fd, r;

	if (!conn_describe(n, desc, held, ADMIT_CONN_MAX, &count))
		return -EBUSY;
	admit_outgoing(desc, count, &res);
	if (res.verdict != ADMIT_YES)
		return -EBUSY;
	if ((r = sockaddr_of(addr, port, &sa, &len)) < 0)
		return r;
	if ((fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, len) < 0 && errno != EINPROGRESS) {
		r = -errno;
		close(fd);
		return r;
	}
	if ((c = conn_new(n, fd, false, addr)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	c->connecting = true;
	c->port = port;
	c->dl = dl;
	dl->connecting = true;
	if ((r = session_new(&cfg, &c->s)) < 0) {
		c->reported = true; /* the caller learns it from r */
		dl->connecting = false;
		conn_close(c, NULL);
		return r;
	}
	return 0;
}

/* The address of one interface entry, if an invite may list it. */
static bool
local_addr(const struct ifaddrs *i, struct invite_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP) || !(i->ifa_flags & IFF_RUNNING) ||
	    (i->ifa_flags & IFF_LOOPBACK))
		return false;
	/* Copied out, not cast: struct sockaddr is less aligned than what it stands for. */
	if (i->ifa_addr->sa_family == AF_INET) {
		struct sockaddr_in sin;

		memcpy(&sin, i->ifa_addr, sizeof(sin));
		a->family = INVITE_IPV4;
		memcpy(a->b, &sin.sin_addr, 4);
	} else if (i->ifa_addr->sa_family == AF_INET6) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, i->ifa_addr, sizeof(sin6));
		a->family = INVITE_IPV6;
		memcpy(a->b, &sin6.sin6_addr, 16);
	} else {
		return false;
	}
	return invite_addr_usable(a, false);
}

int
net_local_addrs(struct invite_addr *out, unsigned max, unsigned *n)
{
	struct ifaddrs *ifs = NULL;

	*n = 0;
	if (getifaddrs(&ifs) < 0)
		return -errno;
	/* Two passes: IPv4 first, as it is what most venue networks route. */
	for (int pass = 0; pass < 2; pass++)
		for (const struct ifaddrs *i = ifs; i != NULL && *n < max; i = i->ifa_next) {
			struct invite_addr a;
			bool dup = false;

			if (!local_addr(i, &a) || (a.family == INVITE_IPV4) != (pass == 0))
				continue;
			for (unsigned k = 0; k < *n; k++)
				dup = dup || memcmp(&out[k], &a, sizeof(a)) == 0;
			if (!dup)
				out[(*n)++] = a;
		}
	freeifaddrs(ifs);
	return 0;
}
