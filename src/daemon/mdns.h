/*
 * mdns: the avahi adapter, the only code that talks to avahi (DESIGN.md). It plugs
 * avahi-client into the daemon's loop, publishes our advert, browses for others and
 * resolves them, and reports what it sees through callbacks. It survives avahi-daemon
 * being absent at start and restarting later: the advert and the browser come back.
 *
 * The advert never names the machine: its SRV record points at a random host name of our
 * own ("wf-" + 12 hex digits + ".local"), drawn for every new advert, whose address records
 * we publish ourselves and keep in step with the interfaces' addresses.
 *
 * What it reports is never trusted: TXT records go through txt_parse before anyone sees
 * them, and a peer whose record fails is reported as gone.
 */
#ifndef WFD_MDNS_H
#define WFD_MDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/txt.h"

#include "loop.h"

#define MDNS_RESOLVING_MAX    16   /* resolvers waiting for their first answer at once */
#define MDNS_RESOLVERS_MAX    320  /* resolvers alive at once (avahi allows 1024 objects) */
#define MDNS_PEERS_MAX        4096 /* adverts known at once, most without a resolver */
#define MDNS_TXT_INTERVAL_MS  2000 /* at most one TXT update per this long */
#define MDNS_RETRY_MS         2000 /* reconnecting to avahi-daemon after it went away */
#define MDNS_RESOLVE_RETRY_MS 5000 /* re-resolving a peer whose resolver failed */
#define MDNS_ADDR_MAX         64   /* bytes of an address in text, scope included */
#define MDNS_NAME_MAX         64   /* bytes of an instance name, NUL included */
#define MDNS_HOST_ADDRS_MAX   32   /* addresses published for our host name */
#define MDNS_IFCHANGE_MS      1000 /* an address change waits this long for more to come */

struct mdns;

/* A resolved peer, valid during the callback only. */
struct mdns_peer {
	const char *instance;
	const struct txt_info *txt;
	const char *addr; /* numeric, "fe80::1%eth0" style for link-local IPv6 */
	uint16_t port;
};

struct mdns_callbacks {
	/* A peer was resolved, or its TXT record or address changed. Its resolver is kept
	 * (so changes keep coming) unless the callee calls mdns_release for it. */
	void (*peer_up)(void *arg, const struct mdns_peer *p);
	/* A peer went away (or its record became unreadable). */
	void (*peer_down)(void *arg, const char *instance);
	/* Our advert was established under name, or the connection to avahi changed. */
	void (*changed)(void *arg);
};

/* Starts talking to avahi (or waiting for it). 0; -ENOMEM. */
int mdns_new(struct loop *loop, const struct mdns_callbacks *cb, void *arg, struct mdns **out)
        __attribute__((warn_unused_result));
/* Withdraws the advert, stops browsing and frees. NULL is fine. */
void mdns_free(struct mdns *m);

/* Starts or stops browsing for peers. Stopping reports nothing: the caller forgets them. */
void mdns_browse(struct mdns *m, bool on);

/*
 * Advertises name (a fresh instance name; a collision moves to the next alternative) on
 * port with the TXT record txt (DNS wire form, txt_build). Replaces any earlier advert. The
 * SRV record points at a host name drawn afresh here (a collision draws another), with an
 * address record for each usable address of each interface that is up, kept current while
 * the advert lasts. 0; -EINVAL for a record avahi cannot take; -ENOMEM.
 */
int mdns_advertise(struct mdns *m, const char *name, uint16_t port, const uint8_t *txt, size_t len)
        __attribute__((warn_unused_result));
/* Withdraws the advert. */
void mdns_withdraw(struct mdns *m);

/* Updates the advert's TXT record in place (same instance and host name): once established,
 * at most once per interval. */
int mdns_update_txt(struct mdns *m, const uint8_t *txt, size_t len)
        __attribute__((warn_unused_result));

/* Resolves instance again (its address may have changed: a connection to it failed). */
void mdns_resolve_again(struct mdns *m, const char *instance);
/*
 * The caller keeps no peer instance (it refused it, or pushed it out of its table): its
 * resolver is freed, and it waits, parked, for mdns_wake. Nothing is reported about it
 * until it is resolved again. May be called from peer_up, for that peer or another.
 */
void mdns_release(struct mdns *m, const char *instance);
/* The caller has room for n more peers: resolves up to n parked ones, the most recently
 * reported first. */
void mdns_wake(struct mdns *m, unsigned n);
/* For `status`: resolvers alive (*peak: the most at once since mdns_new), adverts known
 * (with a resolver or without), and of them those waiting for an answer (queued for a
 * resolver, or resolving and not answered yet). */
unsigned mdns_resolvers(const struct mdns *m, unsigned *peak);
unsigned mdns_adverts(const struct mdns *m);
unsigned mdns_waiting(const struct mdns *m);

#define MDNS_PROBE_TYPES_MAX 32 /* service types a LAN probe reports */

/*
 * What a LAN probe saw: service types other hosts advertise ("_ipp._tcp"); and the
 * machine's own mDNS name ("adas-thinkpad.local", "" when unknown), and whether avahi
 * answers for it, i.e. announces it at the addresses our adverts use (docs/privacy.md).
 */
struct mdns_probe {
	const char *const *types;
	unsigned n;
	const char *machine;
	bool machine_announced;
};
typedef void (*mdns_probe_fn)(void *arg, const struct mdns_probe *seen);

/*
 * Looks for other hosts' services of any type for ms milliseconds (`wallflower doctor`
 * asks: seeing nothing at all is the mark of client isolation or multicast filtering), and
 * whether the machine's own name resolves.
 * done is called once, from the loop. 0; -EBUSY while a probe runs; -ENOTCONN when avahi
 * is not running; -ENOMEM.
 */
int mdns_probe_lan(struct mdns *m, uint64_t ms, mdns_probe_fn done, void *arg)
        __attribute__((warn_unused_result));
/* Forgets the caller of a running probe (it went away); the probe ends quietly. */
void mdns_probe_cancel(struct mdns *m);

/* For status: "running", "registering" (the host name is being settled), "connecting"
 * (avahi-daemon not reachable yet) or "failed" (reconnecting). */
const char *mdns_avahi_state(const struct mdns *m);
/* "off", "registering", "established", "collision" or "failed". */
const char *mdns_advert_state(const struct mdns *m);
/* The name we are advertised under (it may differ from the one asked for), or NULL. */
const char *mdns_advert_name(const struct mdns *m);

#endif
