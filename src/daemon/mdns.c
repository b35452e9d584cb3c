/*
 * mdns.c: the avahi adapter. It owns the AvahiPoll glue over the daemon's loop, the
 * avahi client, our entry group (the advert), the service browser and the resolvers.
 * Every advert the browser reports gets an entry (at most MDNS_PEERS_MAX: when full, the
 * longest-known entry without a resolver goes). Its resolver is started when a slot is free
 * (at most MDNS_RESOLVING_MAX wait for a first answer; the newest and the oldest waiting
 * entries take turns). After the answer, the resolver stays alive only while the caller
 * keeps the peer (avahi then reports TXT and address changes through it); a peer the caller
 * refuses or evicts (mdns_release), or whose record is unreadable, is parked without one,
 * and resolved again on demand (mdns_wake, mdns_resolve_again). So the resolvers alive are
 * bounded by the caller's table, and never exceed MDNS_RESOLVERS_MAX, well below
 * avahi-daemon's objects-per-client-max (1024 by default): a flood of adverts cannot use up
 * our avahi objects.
 *
 * Input from avahi is other people's adverts: a TXT record is measured before it is
 * serialised, and parsed strictly (txt_parse). Avahi error codes are mapped and logged
 * here, once. avahi-client has no asynchronous calls: creating or freeing a browser,
 * resolver or entry group is a D-Bus round trip to the local avahi-daemon, so a stalled
 * avahi-daemon stalls the loop for up to D-Bus's timeout. Everything else arrives through
 * the loop.
 *
 * Our advert's SRV record names a random host of ours, never the machine's (which would tie
 * every start to one device): the entry group also holds that name's A and AAAA records, one
 * per usable address, each on its own interface, without reverse (PTR) records, which would
 * clash with avahi's own. An rtnetlink socket tells us when addresses or links change; the
 * addresses are then read again (getifaddrs) and, when the set differs, the group registers
 * again. The netlink messages themselves are not read: any of them only means "look again".
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/strlst.h>
#include <avahi-common/watch.h>

#include "wallflower/crypt.h"
#include "wallflower/text.h"

#include "log.h"
#include "mdns.h"

/* ---- AvahiPoll over the loop ---- */

struct AvahiWatch {
	struct mdns *m;
	struct loop_watch *w;
	int fd, watched_fd; /* watched_fd is a dup when another watch already has fd */
	AvahiWatchEvent last;
	AvahiWatchCallback cb;
	void *arg;
};

struct AvahiTimeout {
	struct loop_timer *t;
	AvahiTimeoutCallback cb;
	void *arg;
};

/* "wf-" + 12 lower-case hex digits + ".local" and its NUL. */
#define HOST_RANDOM 6
#define HOST_SIZE   (3 + 2 * HOST_RANDOM + 6 + 1)

/* One address of our host name, on the interface that has it. Zeroed before it is filled,
 * so that two lists compare with memcmp. */
struct haddr {
	AvahiIfIndex iface;
	AvahiAddress a;
};

/* One peer as the browser sees it: one entry per instance name, however many paths. */
struct mpeer {
	struct mdns *m;
	char name[MDNS_NAME_MAX];
	AvahiIfIndex iface;
	AvahiProtocol proto;
	char *domain;
	unsigned sightings;        /* browser NEWs minus REMOVEs */
	uint64_t seq;              /* when the browser first reported it, in reports */
	AvahiServiceResolver *res; /* alive while the caller keeps the peer */
	bool answered, reported;   /* res gave a first answer; peer_up was called */
	bool queued;               /* waiting for a resolver slot */
	bool parked;               /* the caller has no room for it: mdns_wake resolves it */
	bool unreadable;           /* its record failed txt_parse: not woken, only re-browsed */
	bool self;                 /* it resolved as our own advert */
	struct loop_timer *retry;  /* re-resolving after a failure */
	struct mpeer *next;
};

struct mdns {
	struct loop *loop;
	AvahiPoll poll;
	struct mdns_callbacks cb;
	void *arg;
	AvahiClient *client;
	struct loop_timer *reconnect;
	bool failed;
	bool browsing;
	AvahiServiceBrowser *browser;
	struct mpeer *peers;
	unsigned npeers;
	bool objects_warned; /* avahi's object limit was hit (logged once) */
	bool forgetting;     /* peers_forget is emptying the table */
	unsigned resolving;  /* resolvers waiting for their first answer */
	unsigned resolvers;  /* resolvers alive */
	unsigned peak;       /* the most resolvers ever alive at once */
	uint64_t seq;        /* adverts the browser has reported */
	bool newest_next;    /* the next free slot goes to the newest waiting entry */
	/* The advert we want, and what avahi made of it. */
	bool advertise;
	char *name;
	uint16_t port;
	AvahiStringList *txt;
	AvahiEntryGroup *group;
	AvahiEntryGroupState group_state;
	char host[HOST_SIZE];                    /* our SRV target, drawn per advert */
	struct haddr addrs[MDNS_HOST_ADDRS_MAX]; /* its addresses, as last published */
	unsigned naddrs;
	int nl; /* rtnetlink: addresses or links changed */
	struct loop_watch *nl_watch;
	struct loop_timer *addr_timer;
	bool txt_dirty;
	uint64_t txt_last_ms;
	struct loop_timer *txt_timer;
	/* A LAN probe for `doctor`. */
	AvahiServiceTypeBrowser *probe;
	struct loop_timer *probe_timer;
	mdns_probe_fn probe_done;
	void *probe_arg;
	char probe_types[MDNS_PROBE_TYPES_MAX][MDNS_NAME_MAX];
	unsigned probe_n;
	AvahiHostNameResolver *probe_host; /* the machine's own name, while probing */
	char probe_machine[MDNS_NAME_MAX + 8];
	bool probe_machine_found;
};

static void
watch_fire(struct loop_watch *lw, int fd, uint32_t events, void *arg)
{
	AvahiWatch *w = arg;

	(void)lw;
	(void)fd;
	/* AVAHI_WATCH_IN/OUT/ERR/HUP have the values of POLLIN..POLLHUP, as EPOLL* do. */
	w->last = (AvahiWatchEvent)(events & (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP));
	/* Nothing touches w after this: D-Bus may free the watch inside (a hangup). */
	w->cb(w, w->fd, w->last, w->arg);
}

static AvahiWatch *
watch_new(const AvahiPoll *api, int fd, AvahiWatchEvent event, AvahiWatchCallback cb, void *arg)
{
	struct mdns *m = api->userdata;
	AvahiWatch *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	*w = (AvahiWatch){ .m = m, .fd = fd, .watched_fd = fd, .cb = cb, .arg = arg };
	w->w = loop_watch_new(m->loop, fd, (uint32_t)event, watch_fire, w);
	if (w->w == NULL && errno == EEXIST) {
		/* D-Bus watches one socket twice (reading, writing); epoll takes an fd once. */
		w->watched_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (w->watched_fd >= 0)
			w->w = loop_watch_new(m->loop, w->watched_fd, (uint32_t)event, watch_fire,
			                      w);
	}
	if (w->w == NULL) {
		if (w->watched_fd != fd && w->watched_fd >= 0)
			close(w->watched_fd);
		free(w);
		return NULL;
	}
	return w;
}

static void
watch_update(AvahiWatch *w, AvahiWatchEvent event)
{
	if (loop_watch_set(w->w, (uint32_t)event) < 0)
		log_warnx("avahi: cannot update a watch: %s", strerror(errno));
}

static AvahiWatchEvent
watch_get_events(AvahiWatch *w)
{
	return w->last;
}

static void
watch_free(AvahiWatch *w)
{
	loop_watch_free(w->w);
	if (w->watched_fd != w->fd)
		close(w->watched_fd);
	free(w);
}

static void
timeout_fire(struct loop_timer *t, void *arg)
{
	AvahiTimeout *to = arg;

	(void)t;
	to->cb(to, to->arg);
}

/* Avahi's times are absolute, on the wall clock; ours are relative, on the monotonic. */
static void
timeout_arm(AvahiTimeout *to, const struct timeval *tv)
{
	struct timeval now;
	int64_t ms;

	if (tv == NULL) {
		loop_timer_stop(to->t);
		return;
	}
	gettimeofday(&now, NULL);
	ms = ((int64_t)tv->tv_sec - now.tv_sec) * 1000 +
	     ((int64_t)tv->tv_usec - now.tv_usec) / 1000;
	loop_timer_set(to->t, ms > 0 ? (uint64_t)ms : 0);
}

static AvahiTimeout *
timeout_new(const AvahiPoll *api, const struct timeval *tv, AvahiTimeoutCallback cb, void *arg)
{
	struct mdns *m = api->userdata;
	AvahiTimeout *to = calloc(1, sizeof(*to));

	if (to == NULL)
		return NULL;
	to->cb = cb;
	to->arg = arg;
	if ((to->t = loop_timer_new(m->loop, timeout_fire, to)) == NULL) {
		free(to);
		return NULL;
	}
	timeout_arm(to, tv);
	return to;
}

static void
timeout_update(AvahiTimeout *to, const struct timeval *tv)
{
	timeout_arm(to, tv);
}

static void
timeout_free(AvahiTimeout *to)
{
	loop_timer_free(to->t);
	free(to);
}

/* ---- peers ---- */

static void resolve_next(struct mdns *m);

static struct mpeer *
peer_find(struct mdns *m, const char *name)
{
	for (struct mpeer *p = m->peers; p != NULL; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static void
peer_stop_resolving(struct mdns *m, struct mpeer *p)
{
	if (p->res != NULL) {
		avahi_service_resolver_free(p->res);
		p->res = NULL;
		m->resolvers--;
		if (!p->answered)
			m->resolving--;
	}
	p->answered = false;
	p->queued = false;
	p->parked = false;
	p->unreadable = false;
	loop_timer_stop(p->retry);
}

/* Frees p's resolver and leaves it waiting without one. A resolver freed before its first
 * answer lets a queued peer in. Safe inside p's own resolver callback (avahi-client does
 * not touch a resolver after calling back). */
static void
peer_park(struct mdns *m, struct mpeer *p, bool unreadable)
{
	bool was_waiting = p->res != NULL && !p->answered;

	peer_stop_resolving(m, p);
	p->reported = false;
	p->parked = !unreadable;
	p->unreadable = unreadable;
	if (was_waiting)
		resolve_next(m);
}

static void
peer_free(struct mdns *m, struct mpeer *p, bool report)
{
	struct mpeer **pp = &m->peers;

	while (*pp != p)
		pp = &(*pp)->next;
	*pp = p->next;
	m->npeers--;
	peer_stop_resolving(m, p);
	if (report && p->reported)
		m->cb.peer_down(m->arg, p->name);
	loop_timer_free(p->retry);
	avahi_free(p->domain);
	free(p);
	resolve_next(m); /* a freed resolver may let a queued peer in */
}

static void
peers_forget(struct mdns *m, bool report)
{
	m->forgetting = true; /* no resolver is started for a peer about to go */
	while (m->peers != NULL)
		peer_free(m, m->peers, report);
	m->forgetting = false;
	m->resolving = 0;
	m->resolvers = 0;
	m->objects_warned = false;
}

/* The record in DNS wire form, refused when it is over TXT_RECORD_MAX. */
static int
txt_serialise(AvahiStringList *txt, uint8_t *buf, size_t *len)
{
	size_t total = 0;

	for (AvahiStringList *l = txt; l != NULL; l = avahi_string_list_get_next(l))
		total += 1 + avahi_string_list_get_size(l);
	if (total > TXT_RECORD_MAX)
		return -EMSGSIZE;
	*len = avahi_string_list_serialize(txt, buf, TXT_RECORD_MAX);
	return 0;
}

/* Whether a resolved advert is our own: our current name, published by this client. */
static bool
is_self(const struct mdns *m, const struct mpeer *p, AvahiLookupResultFlags flags)
{
	return (flags & AVAHI_LOOKUP_RESULT_OUR_OWN) && m->name != NULL &&
	       strcmp(m->name, p->name) == 0;
}

static void
peer_found(struct mdns *m, struct mpeer *p, AvahiIfIndex iface, const AvahiAddress *a,
           uint16_t port, AvahiStringList *txt, AvahiLookupResultFlags flags)
{
	uint8_t rec[TXT_RECORD_MAX];
	size_t len = 0;
	struct txt_info info;
	const char *why = "too long";
	char addr[MDNS_ADDR_MAX], ifname[IF_NAMESIZE] = "";
	struct mdns_peer mp = { .instance = p->name, .txt = &info, .addr = addr, .port = port };

	if (is_self(m, p, flags)) {
		p->self = true;
		return;
	}
	p->self = false;
	if (txt_serialise(txt, rec, &len) < 0 || txt_parse(rec, len, &info, &why) < 0) {
		/* Someone else's broken or foreign advert: not a peer we can show. */
		LOG_LIMITED(log_limit_debug, "ignoring advert '%s': TXT record %s", p->name, why);
		if (p->reported)
			m->cb.peer_down(m->arg, p->name);
		peer_park(m, p, true); /* no resolver held for an advert nobody can see */
		return;
	}
	avahi_address_snprint(addr, sizeof(addr), a);
	if (a->proto == AVAHI_PROTO_INET6 && strncmp(addr, "fe80:", 5) == 0 &&
	    if_indextoname((unsigned)iface, ifname) != NULL) {
		size_t n = strlen(addr);

		snprintf(addr + n, sizeof(addr) - n, "%%%s", ifname);
	}
	p->reported = true;
	/* The caller may refuse it or push out another: both through mdns_release. */
	m->cb.peer_up(m->arg, &mp);
}

static void
resolve_cb(AvahiServiceResolver *r, AvahiIfIndex iface, AvahiProtocol proto,
           AvahiResolverEvent event, const char *name, const char *type, const char *domain,
           const char *host, const AvahiAddress *a, uint16_t port, AvahiStringList *txt,
           AvahiLookupResultFlags flags, void *arg)
{
	struct mpeer *p = arg;
	struct mdns *m = p->m;
	bool first;

	(void)r;
	(void)proto;
	(void)name;
	(void)type;
	(void)domain;
	(void)host;
	first = !p->answered;
	if (first) {
		p->answered = true;
		m->resolving--;
	}
	if (event == AVAHI_RESOLVER_FOUND) {
		peer_found(m, p, iface, a, port, txt, flags);
	} else {
		LOG_LIMITED(log_limit_debug, "cannot resolve '%s': %s", p->name,
		            avahi_strerror(avahi_client_errno(m->client)));
		peer_stop_resolving(m, p);
		loop_timer_set(p->retry, MDNS_RESOLVE_RETRY_MS);
	}
	/* Only now, once this answer has kept or freed its resolver, may another start:
	 * resolvers alive stay within the caller's table and MDNS_RESOLVING_MAX. */
	if (first)
		resolve_next(m);
}

/* The queued peer first reported most recently (newest) or longest ago; NULL for none. */
static struct mpeer *
queued_pick(struct mdns *m, bool newest)
{
	struct mpeer *best = NULL;

	for (struct mpeer *p = m->peers; p != NULL; p = p->next)
		if (p->queued &&
		    (best == NULL || (newest ? p->seq > best->seq : p->seq < best->seq)))
			best = p;
	return best;
}

/*
 * Starts resolvers for queued peers while there are free slots. The newest and the oldest
 * waiting peer take turns: someone who arrives after a flood of adverts is resolved next,
 * and a flood that keeps coming cannot keep the earliest waiting out for ever.
 */
static void
resolve_next(struct mdns *m)
{
	struct mpeer *p;

	if (m->forgetting || m->client == NULL ||
	    avahi_client_get_state(m->client) != AVAHI_CLIENT_S_RUNNING)
		return;
	while (m->resolving < MDNS_RESOLVING_MAX && m->resolvers < MDNS_RESOLVERS_MAX &&
	       m->client != NULL && (p = queued_pick(m, m->newest_next)) != NULL) {
		m->newest_next = !m->newest_next;
		p->queued = false;
		p->res = avahi_service_resolver_new(m->client, p->iface, p->proto, p->name,
		                                    TXT_SERVICE, p->domain, p->proto, 0, resolve_cb,
		                                    p);
		if (p->res == NULL && avahi_client_errno(m->client) == AVAHI_ERR_TOO_MANY_OBJECTS) {
			/* avahi's per-client limit (objects-per-client-max, 1024 by default): wait
			 * in the queue until a peer leaves and frees its resolver. */
			p->queued = true;
			if (!m->objects_warned)
				log_warnx(
				        "avahi-daemon allows no more resolvers at %u peers; raise "
				        "objects-per-client-max in avahi-daemon.conf to see more",
				        m->npeers);
			m->objects_warned = true;
			return;
		}
		if (p->res == NULL) {
			LOG_LIMITED(log_limit_warnx, "cannot resolve '%s': %s", p->name,
			            avahi_strerror(avahi_client_errno(m->client)));
			loop_timer_set(p->retry, MDNS_RESOLVE_RETRY_MS);
			continue;
		}
		m->resolving++;
		if (++m->resolvers > m->peak)
			m->peak = m->resolvers;
	}
}

static void
peer_queue(struct mdns *m, struct mpeer *p)
{
	peer_stop_resolving(m, p);
	p->queued = true;
	resolve_next(m);
}

static void
retry_fire(struct loop_timer *t, void *arg)
{
	struct mpeer *p = arg;

	(void)t;
	if (p->sightings > 0)
		peer_queue(p->m, p);
}

/* The table of adverts is full: forgets the one reported longest ago that holds no
 * resolver and is not the caller's (waiting, parked or unreadable). false if none. */
static bool
peer_make_room(struct mdns *m)
{
	struct mpeer *old = NULL;

	for (struct mpeer *p = m->peers; p != NULL; p = p->next)
		if (p->res == NULL && !p->reported && (old == NULL || p->seq < old->seq))
			old = p;
	if (old == NULL)
		return false;
	log_debug("forgetting advert '%s' to make room", old->name);
	peer_free(m, old, false);
	return true;
}

static void
peer_seen(struct mdns *m, AvahiIfIndex iface, AvahiProtocol proto, const char *name,
          const char *domain)
{
	struct mpeer *p = peer_find(m, name);

	if (p == NULL) {
		/* A name is shown to the user: no control or format characters (a name with an
		 * escape sequence would write on their terminal), and a bounded table. */
		if (strlen(name) >= MDNS_NAME_MAX || text_check(name, strlen(name), 0) != TEXT_OK) {
			LOG_LIMITED(log_limit_debug, "ignoring an advert with an unprintable name");
			return;
		}
		if (m->npeers >= MDNS_PEERS_MAX && !peer_make_room(m)) {
			LOG_LIMITED(log_limit_warnx, "ignoring advert: %d peers already",
			            MDNS_PEERS_MAX);
			return;
		}
		if ((p = calloc(1, sizeof(*p))) == NULL ||
		    (p->retry = loop_timer_new(m->loop, retry_fire, p)) == NULL ||
		    (p->domain = avahi_strdup(domain)) == NULL) {
			if (p != NULL)
				loop_timer_free(p->retry);
			free(p);
			log_warnx("out of memory for a peer");
			return;
		}
		p->m = m;
		p->seq = ++m->seq;
		memcpy(p->name, name, strlen(name) + 1);
		p->iface = iface;
		p->proto = proto;
		p->next = m->peers;
		m->peers = p;
		m->npeers++;
	}
	if (p->sightings++ == 0)
		peer_queue(m, p);
}

static void
browse_cb(AvahiServiceBrowser *b, AvahiIfIndex iface, AvahiProtocol proto, AvahiBrowserEvent event,
          const char *name, const char *type, const char *domain, AvahiLookupResultFlags flags,
          void *arg)
{
	struct mdns *m = arg;
	struct mpeer *p;

	(void)b;
	(void)type;
	switch (event) {
	case AVAHI_BROWSER_NEW:
		/* Our own advert is browsed too; peer_found leaves it out. Not here: while a
		 * name collides, avahi flags the other holder of the name as ours as well. */
		peer_seen(m, iface, proto, name, domain);
		return;
	case AVAHI_BROWSER_REMOVE:
		if ((p = peer_find(m, name)) != NULL && --p->sightings == 0)
			peer_free(m, p, true);
		return;
	case AVAHI_BROWSER_FAILURE:
		log_warnx("browsing failed: %s", avahi_strerror(avahi_client_errno(m->client)));
		return;
	default:
		return;
	}
}

static void
browser_start(struct mdns *m)
{
	if (!m->browsing || m->browser != NULL || m->client == NULL ||
	    avahi_client_get_state(m->client) != AVAHI_CLIENT_S_RUNNING)
		return;
	m->browser = avahi_service_browser_new(m->client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
	                                       TXT_SERVICE, NULL, 0, browse_cb, m);
	if (m->browser == NULL)
		log_warnx("cannot browse: %s", avahi_strerror(avahi_client_errno(m->client)));
}

static void
browser_stop(struct mdns *m, bool report)
{
	if (m->browser != NULL)
		avahi_service_browser_free(m->browser);
	m->browser = NULL;
	peers_forget(m, report);
}

void
mdns_browse(struct mdns *m, bool on)
{
	m->browsing = on;
	if (on)
		browser_start(m);
	else
		browser_stop(m, false);
}

void
mdns_resolve_again(struct mdns *m, const char *instance)
{
	struct mpeer *p = peer_find(m, instance);

	if (p != NULL && p->sightings > 0)
		peer_queue(m, p);
}

void
mdns_release(struct mdns *m, const char *instance)
{
	struct mpeer *p = peer_find(m, instance);

	if (p != NULL && !p->self)
		peer_park(m, p, false);
}

void
mdns_wake(struct mdns *m, unsigned n)
{
	if (m->forgetting)
		return;
	for (; n > 0; n--) {
		struct mpeer *best = NULL;

		for (struct mpeer *p = m->peers; p != NULL; p = p->next)
			if (p->parked && (best == NULL || p->seq > best->seq))
				best = p;
		if (best == NULL)
			break;
		best->parked = false;
		best->queued = true;
	}
	resolve_next(m);
}

unsigned
mdns_resolvers(const struct mdns *m, unsigned *peak)
{
	*peak = m->peak;
	return m->resolvers;
}

unsigned
mdns_adverts(const struct mdns *m)
{
	return m->npeers;
}

unsigned
mdns_waiting(const struct mdns *m)
{
	unsigned n = m->resolving;

	for (const struct mpeer *p = m->peers; p != NULL; p = p->next)
		n += p->queued;
	return n;
}

/* ---- our host name and its addresses ---- */

/* A fresh host name for our SRV records: nothing in it is the machine's. */
static void
host_draw(struct mdns *m)
{
	uint8_t rnd[HOST_RANDOM];
	char hex[2 * HOST_RANDOM + 1];

	crypt_random(rnd, sizeof(rnd));
	crypt_hex(hex, rnd, sizeof(rnd));
	snprintf(m->host, sizeof(m->host), "wf-%s.local", hex);
}

static int
haddr_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct haddr));
}

/* ifa into *h when it is an address peers can reach us at: IPv4 or IPv6, not loopback, on
 * an interface that is up and can multicast (mDNS cannot reach anyone on the others). */
static bool
haddr_from(const struct ifaddrs *ifa, struct haddr *h)
{
	char name[IF_NAMESIZE + 1], *colon;
	const struct sockaddr_in6 *s6;
	unsigned idx;

	memset(h, 0, sizeof(*h));
	if (ifa->ifa_addr == NULL || !(ifa->ifa_flags & IFF_UP) ||
	    (ifa->ifa_flags & IFF_LOOPBACK) || !(ifa->ifa_flags & IFF_MULTICAST) ||
	    strlen(ifa->ifa_name) > IF_NAMESIZE)
		return false;
	/* An IPv4 alias is labelled "eth0:1"; its interface is eth0. */
	memcpy(name, ifa->ifa_name, strlen(ifa->ifa_name) + 1);
	if ((colon = strchr(name, ':')) != NULL)
		*colon = '\0';
	if ((idx = if_nametoindex(name)) == 0)
		return false;
	h->iface = (AvahiIfIndex)idx;
	if (ifa->ifa_addr->sa_family == AF_INET) {
		const struct sockaddr_in *s4 =
		        (const struct sockaddr_in *)(const void *)ifa->ifa_addr;

		if ((ntohl(s4->sin_addr.s_addr) >> 24) == 127)
			return false;
		h->a.proto = AVAHI_PROTO_INET;
		h->a.data.ipv4.address = s4->sin_addr.s_addr;
		return true;
	}
	if (ifa->ifa_addr->sa_family != AF_INET6)
		return false;
	s6 = (const struct sockaddr_in6 *)(const void *)ifa->ifa_addr;
	if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) || IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr))
		return false;
	/* A link-local address means something only on its own link. */
	if (IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr) && s6->sin6_scope_id != 0)
		h->iface = (AvahiIfIndex)s6->sin6_scope_id;
	h->a.proto = AVAHI_PROTO_INET6;
	memcpy(h->a.data.ipv6.address, &s6->sin6_addr, sizeof(h->a.data.ipv6.address));
	return true;
}

/* The usable addresses now, sorted, at most MDNS_HOST_ADDRS_MAX. 0 or a negative errno. */
static int
haddrs_read(struct haddr *out, unsigned *n)
{
	struct ifaddrs *all, *ifa;
	struct haddr h;

	*n = 0;
	if (getifaddrs(&all) < 0)
		return -errno;
	for (ifa = all; ifa != NULL && *n < MDNS_HOST_ADDRS_MAX; ifa = ifa->ifa_next)
		if (haddr_from(ifa, &h))
			out[(*n)++] = h;
	freeifaddrs(all);
	qsort(out, *n, sizeof(*out), haddr_cmp);
	return 0;
}

/* Reads the addresses into m->addrs. true when they differ from what was there. */
static bool
haddrs_refresh(struct mdns *m)
{
	struct haddr now[MDNS_HOST_ADDRS_MAX];
	unsigned n;
	int r;

	if ((r = haddrs_read(now, &n)) < 0) {
		LOG_LIMITED(log_limit_warnx, "cannot read the interfaces' addresses: %s",
		            strerror(-r));
		return false; /* keep publishing the last ones known */
	}
	if (n == m->naddrs && memcmp(now, m->addrs, n * sizeof(now[0])) == 0)
		return false;
	memcpy(m->addrs, now, n * sizeof(now[0]));
	m->naddrs = n;
	return true;
}

/* Adds our host name's address records to the group. 0 or an avahi error (COLLISION when
 * another local client holds the name). An address avahi refuses is left out. */
static int
haddrs_add(struct mdns *m)
{
	char text[AVAHI_ADDRESS_STR_MAX];
	int r;

	for (unsigned i = 0; i < m->naddrs; i++) {
		const struct haddr *h = &m->addrs[i];

		/* Over either IP version, as avahi does for its own host name (its settings
		 * publish-a-on-ipv6 and publish-aaaa-on-ipv4 then apply to ours too). */
		r = avahi_entry_group_add_address(m->group, h->iface, AVAHI_PROTO_UNSPEC,
		                                  AVAHI_PUBLISH_NO_REVERSE, m->host, &h->a);
		if (r == AVAHI_ERR_COLLISION)
			return r;
		if (r < 0) {
			avahi_address_snprint(text, sizeof(text), &h->a);
			LOG_LIMITED(log_limit_warnx, "cannot publish address %s: %s", text,
			            avahi_strerror(r));
		}
	}
	return 0;
}

/* ---- the advert ---- */

static void group_register(struct mdns *m);

static void
group_cb(AvahiEntryGroup *g, AvahiEntryGroupState state, void *arg)
{
	struct mdns *m = arg;
	char *alt;

	m->group_state = state;
	if (state == AVAHI_ENTRY_GROUP_COLLISION) {
		/* Someone nearby has this name: move to the next alternative ("x #2"). avahi
		 * does not say which record collided: the host name is drawn again as well (a
		 * clash of 48 random bits is all but impossible, but costs nothing to mend). */
		if ((alt = avahi_alternative_service_name(m->name)) == NULL)
			return;
		log_info("advert name '%s' is taken; trying '%s'", m->name, alt);
		avahi_free(m->name);
		m->name = alt;
		host_draw(m);
		/* What resolved as ours under the old name is someone else's: look again. */
		for (struct mpeer *p = m->peers; p != NULL; p = p->next)
			if (p->self)
				peer_queue(m, p);
		avahi_entry_group_reset(g);
		group_register(m);
	} else if (state == AVAHI_ENTRY_GROUP_ESTABLISHED) {
		log_info("advertised as '%s'", m->name);
	} else if (state == AVAHI_ENTRY_GROUP_FAILURE) {
		log_warnx("advert failed: %s",
		          avahi_strerror(avahi_client_errno(avahi_entry_group_get_client(g))));
	}
	if (state == AVAHI_ENTRY_GROUP_ESTABLISHED && m->txt_dirty)
		loop_timer_set(m->txt_timer, 0);
	m->cb.changed(m->arg);
}

static void
group_register(struct mdns *m)
{
	int r;

	if (!m->advertise || m->client == NULL ||
	    avahi_client_get_state(m->client) != AVAHI_CLIENT_S_RUNNING)
		return;
	if (m->group == NULL &&
	    (m->group = avahi_entry_group_new(m->client, group_cb, m)) == NULL) {
		log_warnx("cannot advertise: %s", avahi_strerror(avahi_client_errno(m->client)));
		return;
	}
	m->txt_dirty = false;
	(void)haddrs_refresh(m);
	r = avahi_entry_group_add_service_strlst(m->group, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, 0,
	                                         m->name, TXT_SERVICE, NULL, m->host, m->port,
	                                         m->txt);
	if (r == 0)
		r = haddrs_add(m);
	if (r == AVAHI_ERR_COLLISION) {
		group_cb(m->group, AVAHI_ENTRY_GROUP_COLLISION, m);
		return;
	}
	if (r < 0 || (r = avahi_entry_group_commit(m->group)) < 0)
		log_warnx("cannot advertise '%s': %s", m->name, avahi_strerror(r));
}

static void
group_drop(struct mdns *m)
{
	if (m->group != NULL)
		avahi_entry_group_free(m->group);
	m->group = NULL;
	m->group_state = AVAHI_ENTRY_GROUP_UNCOMMITED;
}

static int
txt_list(const uint8_t *txt, size_t len, AvahiStringList **out)
{
	*out = NULL;
	if (len > 0 && avahi_string_list_parse(txt, len, out) < 0)
		return -EINVAL;
	return 0;
}

int
mdns_advertise(struct mdns *m, const char *name, uint16_t port, const uint8_t *txt, size_t len)
{
	AvahiStringList *list;
	char *copy;

	if (txt_list(txt, len, &list) < 0)
		return -EINVAL;
	if ((copy = avahi_strdup(name)) == NULL) {
		avahi_string_list_free(list);
		return -ENOMEM;
	}
	mdns_withdraw(m);
	m->name = copy;
	m->port = port;
	m->txt = list;
	m->advertise = true;
	host_draw(m);
	group_register(m);
	m->cb.changed(m->arg);
	return 0;
}

void
mdns_withdraw(struct mdns *m)
{
	group_drop(m);
	m->advertise = false;
	avahi_free(m->name);
	m->name = NULL;
	avahi_string_list_free(m->txt);
	m->txt = NULL;
	m->txt_dirty = false;
	loop_timer_stop(m->txt_timer);
}

static void
txt_push(struct loop_timer *t, void *arg)
{
	struct mdns *m = arg;
	int r;

	(void)t;
	if (!m->txt_dirty || m->group == NULL || m->group_state != AVAHI_ENTRY_GROUP_ESTABLISHED)
		return; /* group_cb pushes it once the advert is established */
	r = avahi_entry_group_update_service_txt_strlst(m->group, AVAHI_IF_UNSPEC,
	                                                AVAHI_PROTO_UNSPEC, 0, m->name, TXT_SERVICE,
	                                                NULL, m->txt);
	if (r < 0)
		log_warnx("cannot update the advert: %s", avahi_strerror(r));
	m->txt_dirty = false;
	m->txt_last_ms = loop_now_ms();
}

int
mdns_update_txt(struct mdns *m, const uint8_t *txt, size_t len)
{
	AvahiStringList *list;
	uint64_t next;

	if (txt_list(txt, len, &list) < 0)
		return -EINVAL;
	avahi_string_list_free(m->txt);
	m->txt = list;
	if (!m->advertise)
		return 0;
	m->txt_dirty = true;
	next = m->txt_last_ms + MDNS_TXT_INTERVAL_MS;
	if (m->txt_last_ms == 0 || next <= loop_now_ms())
		loop_timer_set(m->txt_timer, 0);
	else if (!loop_timer_armed(m->txt_timer))
		loop_timer_set_at(m->txt_timer, next);
	return 0;
}

/* The addresses have settled after a change: the advert follows them. */
static void
addr_fire(struct loop_timer *t, void *arg)
{
	struct mdns *m = arg;

	(void)t;
	if (!haddrs_refresh(m) || !m->advertise || m->group == NULL)
		return;
	log_info("the addresses changed; advertising again");
	avahi_entry_group_reset(m->group);
	group_register(m);
	m->cb.changed(m->arg);
}

/* Something changed in the kernel's addresses or links. What does not matter: the messages
 * are drained unread, and the addresses read again once things have settled. */
static void
nl_fire(struct loop_watch *w, int fd, uint32_t events, void *arg)
{
	struct mdns *m = arg;
	char buf[8192];

	(void)w;
	(void)events;
	/* A bounded drain: what is left (epoll is level-triggered) comes next round. An
	 * overrun (ENOBUFS) lost messages, which only means: look again. */
	for (int i = 0; i < 64; i++)
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno != EINTR)
			break;
	if (!loop_timer_armed(m->addr_timer))
		loop_timer_set(m->addr_timer, MDNS_IFCHANGE_MS);
}

/* Listens for address and link changes. Without it the advert keeps the addresses it had
 * when it was made, which is worth a warning but no more. */
static void
nl_open(struct mdns *m)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
	};

	m->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (m->nl < 0 || bind(m->nl, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (m->nl_watch = loop_watch_new(m->loop, m->nl, EPOLLIN, nl_fire, m)) == NULL) {
		log_warnx("cannot follow address changes: %s", strerror(errno));
		if (m->nl >= 0)
			close(m->nl);
		m->nl = -1;
	}
}

/* ---- the LAN probe ---- */

static void
probe_end(struct mdns *m)
{
	const char *types[MDNS_PROBE_TYPES_MAX];
	struct mdns_probe seen = { .types = types,
		                   .n = m->probe_n,
		                   .machine = m->probe_machine,
		                   .machine_announced = m->probe_machine_found };
	mdns_probe_fn done = m->probe_done;

	if (m->probe != NULL)
		avahi_service_type_browser_free(m->probe);
	if (m->probe_host != NULL)
		avahi_host_name_resolver_free(m->probe_host);
	m->probe = NULL;
	m->probe_host = NULL;
	m->probe_done = NULL;
	loop_timer_stop(m->probe_timer);
	for (unsigned i = 0; i < m->probe_n; i++)
		types[i] = m->probe_types[i];
	if (done != NULL)
		done(m->probe_arg, &seen);
}

/* The machine's own name resolves: avahi announces it, at the addresses we advertise on. */
static void
probe_host_cb(AvahiHostNameResolver *r, AvahiIfIndex iface, AvahiProtocol proto,
              AvahiResolverEvent event, const char *name, const AvahiAddress *a,
              AvahiLookupResultFlags flags, void *arg)
{
	struct mdns *m = arg;

	(void)r;
	(void)iface;
	(void)proto;
	(void)name;
	(void)a;
	(void)flags;
	if (event == AVAHI_RESOLVER_FOUND)
		m->probe_machine_found = true;
}

static void
probe_fire(struct loop_timer *t, void *arg)
{
	(void)t;
	probe_end(arg);
}

static void
probe_cb(AvahiServiceTypeBrowser *b, AvahiIfIndex iface, AvahiProtocol proto,
         AvahiBrowserEvent event, const char *type, const char *domain,
         AvahiLookupResultFlags flags, void *arg)
{
	struct mdns *m = arg;

	(void)b;
	(void)iface;
	(void)proto;
	(void)domain;
	/* Only other hosts count: our own services say nothing about the network. Our own
	 * type is left to the peer table, which knows which adverts are ours. */
	if (event != AVAHI_BROWSER_NEW || (flags & AVAHI_LOOKUP_RESULT_LOCAL) || type == NULL ||
	    strcmp(type, TXT_SERVICE) == 0 || strlen(type) >= MDNS_NAME_MAX ||
	    text_check(type, strlen(type), 0) != TEXT_OK || m->probe_n >= MDNS_PROBE_TYPES_MAX)
		return;
	for (unsigned i = 0; i < m->probe_n; i++)
		if (strcmp(m->probe_types[i], type) == 0)
			return;
	memcpy(m->probe_types[m->probe_n++], type, strlen(type) + 1);
}

int
mdns_probe_lan(struct mdns *m, uint64_t ms, mdns_probe_fn done, void *arg)
{
	const char *fqdn;

	if (m->probe_done != NULL)
		return -EBUSY;
	if (m->client == NULL || avahi_client_get_state(m->client) != AVAHI_CLIENT_S_RUNNING)
		return -ENOTCONN;
	m->probe = avahi_service_type_browser_new(m->client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
	                                          NULL, 0, probe_cb, m);
	if (m->probe == NULL)
		return -ENOMEM;
	fqdn = avahi_client_get_host_name_fqdn(m->client);
	snprintf(m->probe_machine, sizeof(m->probe_machine), "%s",
	         fqdn != NULL && text_check(fqdn, strlen(fqdn), 0) == TEXT_OK ? fqdn : "");
	m->probe_machine_found = false;
	if (m->probe_machine[0] != '\0')
		m->probe_host = avahi_host_name_resolver_new(
		        m->client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, m->probe_machine,
		        AVAHI_PROTO_UNSPEC, 0, probe_host_cb, m);
	m->probe_done = done;
	m->probe_arg = arg;
	m->probe_n = 0;
	loop_timer_set(m->probe_timer, ms);
	return 0;
}

void
mdns_probe_cancel(struct mdns *m)
{
	m->probe_done = NULL;
	probe_end(m);
}

/* ---- the client ---- */

static void client_connect(struct mdns *m);

static void
reconnect_fire(struct loop_timer *t, void *arg)
{
	struct mdns *m = arg;

	(void)t;
	if (m->client != NULL) {
		avahi_client_free(m->client);
		m->client = NULL;
	}
	client_connect(m);
}

static void
client_cb(AvahiClient *c, AvahiClientState state, void *arg)
{
	struct mdns *m = arg;

	m->client = c; /* the first call comes before avahi_client_new returns */
	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
		m->failed = false;
		log_info("avahi-daemon is running");
		browser_start(m);
		group_register(m);
		break;
	case AVAHI_CLIENT_S_COLLISION:
	case AVAHI_CLIENT_S_REGISTERING:
		/* The host name is changing: the advert registers again once it settles. */
		if (m->group != NULL)
			avahi_entry_group_reset(m->group);
		break;
	case AVAHI_CLIENT_CONNECTING:
		LOG_LIMITED(log_limit_warnx, "avahi-daemon is not reachable; waiting for it");
		if (m->probe != NULL)
			probe_end(m);
		group_drop(m);
		browser_stop(m, true);
		break;
	case AVAHI_CLIENT_FAILURE:
		/* Usually the daemon went away; a new client waits for it to come back.
		 * Freeing the client must wait until this callback has returned. */
		LOG_LIMITED(log_limit_warnx, "lost avahi-daemon: %s",
		            avahi_strerror(avahi_client_errno(c)));
		m->failed = true;
		if (m->probe != NULL)
			probe_end(m);
		group_drop(m);
		browser_stop(m, true);
		loop_timer_set(m->reconnect, MDNS_RETRY_MS);
		break;
	}
	m->cb.changed(m->arg);
}

static void
client_connect(struct mdns *m)
{
	int err = 0;

	/* NO_FAIL: when avahi-daemon is not there yet, wait for it in CONNECTING. */
	if (avahi_client_new(&m->poll, AVAHI_CLIENT_NO_FAIL, client_cb, m, &err) == NULL) {
		LOG_LIMITED(log_limit_warnx, "cannot talk to avahi: %s; retrying",
		            avahi_strerror(err));
		m->client = NULL;
		m->failed = true;
		loop_timer_set(m->reconnect, MDNS_RETRY_MS);
	}
}

int
mdns_new(struct loop *loop, const struct mdns_callbacks *cb, void *arg, struct mdns **out)
{
	struct mdns *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (m == NULL)
		return -ENOMEM;
	m->loop = loop;
	m->cb = *cb;
	m->arg = arg;
	m->poll = (AvahiPoll){
		.userdata = m,
		.watch_new = watch_new,
		.watch_update = watch_update,
		.watch_get_events = watch_get_events,
		.watch_free = watch_free,
		.timeout_new = timeout_new,
		.timeout_update = timeout_update,
		.timeout_free = timeout_free,
	};
	m->reconnect = loop_timer_new(loop, reconnect_fire, m);
	m->txt_timer = loop_timer_new(loop, txt_push, m);
	m->probe_timer = loop_timer_new(loop, probe_fire, m);
	m->addr_timer = loop_timer_new(loop, addr_fire, m);
	m->nl = -1;
	if (m->reconnect == NULL || m->txt_timer == NULL || m->probe_timer == NULL ||
	    m->addr_timer == NULL) {
		mdns_free(m);
		return -ENOMEM;
	}
	nl_open(m);
	client_connect(m);
	*out = m;
	return 0;
}

void
mdns_free(struct mdns *m)
{
	if (m == NULL)
		return;
	mdns_withdraw(m);
	browser_stop(m, false);
	if (m->probe_timer != NULL)
		mdns_probe_cancel(m);
	if (m->client != NULL)
		avahi_client_free(m->client);
	loop_timer_free(m->reconnect);
	loop_timer_free(m->txt_timer);
	loop_timer_free(m->probe_timer);
	loop_timer_free(m->addr_timer);
	loop_watch_free(m->nl_watch);
	if (m->nl >= 0)
		close(m->nl);
	free(m);
}

const char *
mdns_avahi_state(const struct mdns *m)
{
	if (m->client == NULL || m->failed)
		return "failed";
	switch (avahi_client_get_state(m->client)) {
	case AVAHI_CLIENT_S_RUNNING:
		return "running";
	case AVAHI_CLIENT_S_REGISTERING:
	case AVAHI_CLIENT_S_COLLISION:
		return "registering";
	case AVAHI_CLIENT_CONNECTING:
		return "connecting";
	default:
		return "failed";
	}
}

const char *
mdns_advert_state(const struct mdns *m)
{
	if (!m->advertise)
		return "off";
	switch (m->group_state) {
	case AVAHI_ENTRY_GROUP_ESTABLISHED:
		return "established";
	case AVAHI_ENTRY_GROUP_COLLISION:
		return "collision";
	case AVAHI_ENTRY_GROUP_FAILURE:
		return "failed";
	default:
		return "registering";
	}
}

const char *
mdns_advert_name(const struct mdns *m)
{
	return m->advertise ? m->name : NULL;
}
