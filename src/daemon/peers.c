/*
 * peers.c: the table of nearby peers, keyed by advertised instance name. It holds only
 * what adverts say (already parsed by txt_parse), gives each peer a short id that is never
 * reused while the daemon runs (so `send 3` cannot reach someone who arrived after 3 left),
 * and shows the common ground between a peer's topics and our profile (the rule is
 * ground.c's).
 *
 * The table is bounded (PEERTAB_MAX) and anyone can publish adverts, so who gets a place,
 * who is pushed out, and which peer a `send` token names are peertab's rules
 * (src/lib/peertab.c); this file takes snapshots for them and applies their answers, and
 * tells mdns which peers it no longer follows (mdns_release) or has room for (mdns_wake).
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "wallflower/ground.h"
#include "loop.h"
#include "wfd.h"

struct peer *
peers_by_instance(struct wfd *d, const char *instance)
{
	for (struct peer *p = d->peers; p != NULL; p = p->next)
		if (strcmp(p->instance, instance) == 0)
			return p;
	return NULL;
}

struct peer *
peers_by_contact(struct wfd *d, int64_t contact_id)
{
	for (struct peer *p = d->peers; p != NULL; p = p->next)
		if (p->recognised && p->match.contact_id == contact_id)
			return p;
	return NULL;
}

static const char *
status_name(enum txt_status s)
{
	return s == TXT_STATUS_OPEN ? "open" : s == TXT_STATUS_QUIET ? "quiet" : NULL;
}

/* Our event tag, or "" when we are started without an event. */
static void
our_tag(const struct wfd *d, char mine[TXT_EVENT_TAG_LEN + 1])
{
	mine[0] = '\0';
	if (d->started && d->adv.event[0] != '\0')
		txt_event_tag(d->adv.event, mine);
}

/* Whether an advert shows our event tag mine (never when mine is ""). */
static bool
same_event(const char *mine, const struct txt_info *txt)
{
	return mine[0] != '\0' && strcmp(txt->event, mine) == 0;
}

/* The table as peertab sees it; ptrs (when not NULL) gets the peer of each entry. */
static size_t
snapshot(const struct wfd *d, struct peertab_entry *tab, struct peer **ptrs)
{
	char mine[TXT_EVENT_TAG_LEN + 1];
	size_t n = 0;

	our_tag(d, mine);
	for (struct peer *p = d->peers; p != NULL && n < PEERTAB_MAX; p = p->next, n++) {
		tab[n] = (struct peertab_entry){ .seen = p->seen,
			                         .joined = p->id,
			                         .addr = p->addr,
			                         .same_event = same_event(mine, &p->txt),
			                         .shown = p->shown };
		if (ptrs != NULL)
			ptrs[n] = p;
	}
	return n;
}

/*
 * Whether p's tag names one of our contacts (proto/txt.md 6.2). A tag that does not parse
 * was refused with the record; one that two contacts share names neither.
 */
static void
recognise(struct wfd *d, struct peer *p)
{
	uint8_t tag[RECOG_TAG];

	crypt_wipe(&p->match, sizeof(p->match));
	p->recognised = false;
	if (p->txt.recog[0] == '\0' || recog_tag_parse(p->txt.recog, tag) < 0)
		return;
	if (recog_lookup(d->recog, tag, &p->match) == 0) {
		p->recognised = true;
		memcpy(p->bind, tag + RECOG_HALF, RECOG_HALF);
	} else {
		crypt_wipe(&p->match, sizeof(p->match));
	}
}

void
peers_recognise_all(struct wfd *d)
{
	for (struct peer *p = d->peers; p != NULL; p = p->next)
		recognise(d, p);
}

static void
peer_free(struct peer *p)
{
	crypt_wipe(p, sizeof(*p)); /* a contact's recognition key */
	free(p);
}

/* Takes p out of the list and tells the watchers; the caller frees it. */
static void
unlink_peer(struct wfd *d, struct peer *p)
{
	struct peer **pp = &d->peers;

	while (*pp != p)
		pp = &(*pp)->next;
	*pp = p->next;
	control_broadcast(d->ctl,
	                  json_pack("{ssso}", "event", "peer-left", "peer", peers_json(d, p)));
}

/* Whether a new advert gets a place; pushes out the peer peertab names to make one. */
static bool
admit(struct wfd *d, const struct txt_info *txt, const char *addr)
{
	struct peertab_entry tab[PEERTAB_MAX];
	struct peer *ptrs[PEERTAB_MAX], *victim;
	size_t n = snapshot(d, tab, ptrs), v = 0;
	char mine[TXT_EVENT_TAG_LEN + 1];

	our_tag(d, mine);
	switch (peertab_admit(tab, n, PEERTAB_MAX, same_event(mine, txt), addr, &v)) {
	case PEERTAB_ADMIT:
		return true;
	case PEERTAB_EVICT:
		victim = ptrs[v];
		log_debug("peer '%s' makes way for a newer advert", victim->instance);
		unlink_peer(d, victim);
		mdns_release(d->mdns, victim->instance);
		peer_free(victim);
		return true;
	default:
		return false;
	}
}

void
peers_up(struct wfd *d, const struct mdns_peer *mp)
{
	struct peer *p = peers_by_instance(d, mp->instance);
	bool fresh = p == NULL, moved;

	if (fresh) {
		if (!admit(d, mp->txt, mp->addr)) {
			/* Kept out: mdns frees its resolver and wakes it when there is room. */
			mdns_release(d->mdns, mp->instance);
			return;
		}
		if ((p = calloc(1, sizeof(*p))) == NULL) {
			log_warnx("out of memory for a peer");
			mdns_release(d->mdns, mp->instance);
			return;
		}
		p->id = ++d->next_peer_id;
		snprintf(p->instance, sizeof(p->instance), "%s", mp->instance);
		p->next = d->peers;
		d->peers = p;
	}
	moved = fresh || strcmp(p->addr, mp->addr) != 0 || p->port != mp->port;
	p->seen = loop_now_ms();
	p->txt = *mp->txt;
	snprintf(p->addr, sizeof(p->addr), "%s", mp->addr);
	p->port = mp->port;
	recognise(d, p);
	control_broadcast(d->ctl,
	                  json_pack("{ssso}", "event", fresh ? "peer-appeared" : "peer-changed",
	                            "peer", peers_json(d, p)));
	/* Deliveries waiting for this peer go now, when it (re)appears or moved; an unchanged
	 * answer to a re-resolve leaves them on their backoff. */
	if (moved)
		exchange_peer_up(d, p);
}

void
peers_down(struct wfd *d, const char *instance)
{
	struct peer *p = peers_by_instance(d, instance);

	if (p == NULL)
		return;
	unlink_peer(d, p);
	peer_free(p);
	/* A place is free: an advert that was kept out may have it. */
	mdns_wake(d->mdns, 1);
}

void
peers_clear(struct wfd *d)
{
	while (d->peers != NULL) {
		struct peer *p = d->peers;

		unlink_peer(d, p);
		peer_free(p);
	}
}

size_t
peers_count(const struct wfd *d)
{
	size_t n = 0;

	for (const struct peer *p = d->peers; p != NULL; p = p->next)
		n++;
	return n;
}

int
peers_lookup(struct wfd *d, const char *token, struct peer **out, char *why, size_t size)
{
	struct peertab_name tab[PEERTAB_MAX];
	struct peer *ptrs[PEERTAB_MAX], *a, *b;
	struct peertab_match m;
	size_t n = 0, shown = 0;
	int r;

	*out = NULL;
	for (struct peer *p = d->peers; p != NULL && n < PEERTAB_MAX; p = p->next, n++) {
		tab[n] = (struct peertab_name){ .id = p->id, .handle = p->txt.handle };
		ptrs[n] = p;
		shown += p->shown;
	}
	r = peertab_lookup(tab, n, token, &m);
	a = r == 0 || r == -EEXIST ? ptrs[m.index] : NULL;
	b = r == -EEXIST ? ptrs[m.other] : NULL;
	if (r == -EEXIST && m.twice)
		snprintf(why, size,
		         "several peers show the handle '%s' (ids %u and %u): say #%u or #%u",
		         a->txt.handle, a->id, b->id, a->id, b->id);
	else if (r == -EEXIST)
		snprintf(why, size,
		         "'%s' is the id of peer %u and the handle of peer %u: say #%u for the id "
		         "or @%s for the handle",
		         token, a->id, b->id, a->id, b->txt.handle);
	else if (r == -EINVAL)
		snprintf(why, size, "peer: '#' takes a short id and '@' a handle");
	else if (r < 0)
		snprintf(why, size, "nobody nearby has that id or handle");
	if (r < 0)
		return r;
	assert(a != NULL); /* peertab_lookup gives 0 with m.index, or a negative errno */
	/* Someone you send to stays in the table while it is nearby (within the quota). */
	if (!a->shown && shown < PEERTAB_SHOWN_MAX)
		a->shown = true;
	*out = a;
	return 0;
}

void
peers_shown(struct wfd *d)
{
	struct peertab_entry tab[PEERTAB_MAX];
	struct peer *ptrs[PEERTAB_MAX];
	size_t n = snapshot(d, tab, ptrs);

	peertab_pin(tab, n, PEERTAB_SHOWN_MAX);
	for (size_t i = 0; i < n; i++)
		ptrs[i]->shown = tab[i].shown;
}

json_t *
peers_table_json(const struct wfd *d)
{
	size_t n = 0, shown = 0;
	unsigned peak, resolvers = mdns_resolvers(d->mdns, &peak);

	for (const struct peer *p = d->peers; p != NULL; p = p->next) {
		n++;
		shown += p->shown;
	}
	return json_pack(
	        "{sI sI sI sI sI sI sI sI}", "peers", (json_int_t)n, "max", (json_int_t)PEERTAB_MAX,
	        "shown", (json_int_t)shown, "shown_max", (json_int_t)PEERTAB_SHOWN_MAX, "adverts",
	        (json_int_t)mdns_adverts(d->mdns), "waiting", (json_int_t)mdns_waiting(d->mdns),
	        "resolvers", (json_int_t)resolvers, "resolvers_peak", (json_int_t)peak);
}

/* The common ground as the JSON object `nearby` and the inbox show; NULL for no memory. */
static json_t *
ground_json(const struct ground *g)
{
	static const char *const names[GROUND_KIND_COUNT] = {
		[GROUND_TOPICS] = "topics",
		[GROUND_OFFER] = "you_offer",
		[GROUND_SEEK] = "you_seek",
	};
	json_t *out = json_object();

	for (int k = 0; out != NULL && k < GROUND_KIND_COUNT; k++) {
		json_t *hits = json_array();

		for (size_t i = 0; hits != NULL && i < g->hits[k].n; i++)
			if (json_array_append_new(hits, json_string(g->hits[k].items[i])) < 0) {
				json_decref(hits);
				hits = NULL;
			}
		if (hits == NULL || json_object_set_new(out, names[k], hits) < 0) {
			json_decref(out);
			out = NULL;
		}
	}
	return out;
}

json_t *
peers_common_ground(const struct wfd *d, const char *topics)
{
	struct ground g;
	json_t *out;

	if (ground_find_list(&d->profile, topics, strlen(topics), &g) < 0)
		return NULL;
	out = ground_json(&g);
	ground_clear(&g);
	return out;
}

json_t *
peers_common_ground_card(const struct wfd *d, const struct card *card)
{
	struct ground g;
	json_t *out;

	if (ground_find_card(&d->profile, &card->f, &g) < 0)
		return NULL;
	out = ground_json(&g);
	ground_clear(&g);
	return out;
}

static json_t *
topics_json(const char *topics)
{
	json_t *a = json_array();
	const char *s = topics;

	while (a != NULL && *s != '\0') {
		const char *comma = strchr(s, ',');
		size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);

		json_array_append_new(a, json_stringn(s, len));
		s = comma != NULL ? comma + 1 : s + len;
	}
	return a;
}

/* Who a recognised peer is, by what we know of them: never by what the advert says. */
static json_t *
contact_json(const struct wfd *d, const struct peer *p)
{
	struct store_brief b;

	if (!p->recognised || store_brief(d->st, p->match.contact_id, &b) < 0)
		return NULL;
	return json_pack("{sI ss ss ss? sI}", "id", (json_int_t)p->match.contact_id, "name", b.name,
	                 "fingerprint", b.fpr, "event", b.event[0] ? b.event : NULL, "met",
	                 (json_int_t)b.met);
}

json_t *
peers_json(const struct wfd *d, const struct peer *p)
{
	char id[WFD_PEER_ID_MAX];
	const char *status = status_name(p->txt.status);
	char mine[TXT_EVENT_TAG_LEN + 1];

	our_tag(d, mine);
	snprintf(id, sizeof(id), "%u", p->id);
	return json_pack("{ss ss ss? ss* so so* sb ss sI so*}", "id", id, "instance", p->instance,
	                 "handle", p->txt.handle[0] != '\0' ? p->txt.handle : NULL, "status",
	                 status, "topics", topics_json(p->txt.topics), "common",
	                 peers_common_ground(d, p->txt.topics), "same_event",
	                 same_event(mine, &p->txt), "addr", p->addr, "port", (json_int_t)p->port,
	                 "contact", contact_json(d, p));
}
