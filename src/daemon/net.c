/*
 * net.c: the TCP listener and every peer connection, in both directions. Each connection
 * drives one session (session.h) with the bytes it reads, writes what the session queues,
 * and dies in conn_close(). Peers are strangers: the number of connections is capped in
 * all and per address, each connection has a handshake deadline and an exchange deadline,
 * and any protocol violation drops that one connection with a log line, nothing else.
 */
#include <arpa/inet.h>
#include <errno.h>
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
#include "wfd.h"

#define NET_CONN_MAX      64 /* connections at once, both directions */
#define NET_CONN_PER_ADDR 4  /* incoming connections at once from one address */
#define NET_BACKLOG       16
#define NET_READ_CHUNK    4096

struct conn {
	struct net *net;
	int fd;
	struct loop_watch *w;
	struct loop_timer *timer;
	struct session *s;
	bool incoming, connecting, established;
	uint64_t started_ms;
	char addr[MDNS_ADDR_MAX];
	uint16_t port;       /* outgoing: the peer's */
	struct delivery *dl; /* outgoing: what it delivers */
	bool reported;       /* outgoing: exchange_done was called */
	struct conn *next;
};

struct net {
	struct wfd *d;
	int lfd;
	struct loop_watch *lw;
	uint16_t port;
	struct conn *conns;
	unsigned count;
};

static void conn_close(struct conn *c, const char *why);

static void
conn_report(struct conn *c, const struct peermsg *answer, const char *why)
{
	if (c->incoming || c->reported)
		return;
	c->reported = true;
	c->dl->connecting = false;
	exchange_done(c->dl, answer, answer != NULL ? session_peer(c->s) : NULL, why);
}

static void
conn_close(struct conn *c, const char *why)
{
	struct net *n = c->net;
	struct conn **pp = &n->conns;

	while (*pp != c)
		pp = &(*pp)->next;
	*pp = c->next;
	n->count--;
	if (why != NULL && c->incoming)
		log_info("connection from %s: %s", c->addr, why);
	else if (why != NULL)
		log_info("connection to %s port %u: %s", c->addr, c->port, why);
	loop_watch_free(c->w);
	loop_timer_free(c->timer);
	close(c->fd);
	/* Last: the report may start another connection for the same delivery. */
	conn_report(c, NULL, why != NULL ? why : "closed");
	session_free(c->s);
	free(c);
}

/* Writes what the session has queued; EPOLLOUT only while something is left. */
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
	return loop_watch_set(c->w, EPOLLIN | (left > 0 ? EPOLLOUT : 0));
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
		exchange_request(d, c->addr, session_peer(c->s), session_request(c->s),
		                 session_request_card(c->s), &answer);
		if (session_answer(c->s, &answer) < 0)
			log_warnx("cannot answer %s", c->addr);
		break;
	case SESSION_EV_ANSWER:
		conn_report(c, session_answer_msg(c->s), NULL);
		break;
	default:
		break;
	}
}

/* Feeds what arrived to the session, event by event. false when the connection closed. */
static bool
conn_feed(struct conn *c, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		enum session_event ev = SESSION_EV_NONE;
		size_t used = 0;

		if (session_input(c->s, buf, len, &used, &ev) < 0) {
			conn_close(c, session_reason(c->s));
			return false;
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
	} else if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !conn_readable(c)) {
		return;
	}
	if (conn_flush(c) < 0) {
		conn_close(c, "write failed");
		return;
	}
	if (session_finished(c->s) && session_output(c->s, &out) == 0)
		conn_close(c, session_failed(c->s) ? session_reason(c->s) : NULL);
}

static void
conn_timeout(struct loop_timer *t, void *arg)
{
	struct conn *c = arg;

	(void)t;
	conn_close(c, c->established ? "exchange timed out" : "handshake timed out");
}

static unsigned
count_from(const struct net *n, const char *addr)
{
	unsigned k = 0;

	for (const struct conn *c = n->conns; c != NULL; c = c->next)
		if (c->incoming && strcmp(c->addr, addr) == 0)
			k++;
	return k;
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
		                      .id = n->d->id,
		                      .now = (uint64_t)time(NULL) };
	char addr[MDNS_ADDR_MAX];
	struct conn *c;

	addr_text(sa, addr, sizeof(addr));
	if (n->count >= NET_CONN_MAX) {
		log_warnx("refusing %s: %d connections already", addr, NET_CONN_MAX);
		close(fd);
		return;
	}
	if (count_from(n, addr) >= NET_CONN_PER_ADDR) {
		log_warnx("refusing %s: %d connections from it already", addr, NET_CONN_PER_ADDR);
		close(fd);
		return;
	}
	if ((c = conn_new(n, fd, true, addr)) == NULL) {
		close(fd);
		return;
	}
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
				log_warnx("accept: %s", strerror(errno));
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
	free(n);
}

int
net_listen(struct net *n, uint16_t port)
{
	/* One IPv6 socket that takes IPv4 too (v6only off), on every address. */
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
		                   .sin6_port = htons(port),
		                   .sin6_addr = IN6ADDR_ANY_INIT };
	socklen_t len = sizeof(sa);
	int fd, off = 0, on = 1, r;

	if (n->lfd >= 0)
		return 0;
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
	if ((n->lw = loop_watch_new(n->d->loop, fd, EPOLLIN, listener_io, n)) == NULL) {
		r = -errno;
		close(fd);
		return r;
	}
	n->lfd = fd;
	n->port = ntohs(sa.sin6_port);
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

int
net_connect(struct net *n, struct delivery *dl, const char *addr, uint16_t port)
{
	struct session_config cfg = { .role = SESSION_INITIATOR,
		                      .id = n->d->id,
		                      .expect_peer = dl->has_expect ? dl->expect : NULL,
		                      .request = &dl->msg };
	struct sockaddr_storage sa;
	socklen_t len;
	struct conn *c;
	int fd, r;

	if (n->count >= NET_CONN_MAX)
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
