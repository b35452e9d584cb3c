/*
 * peers.c: the table of nearby peers, keyed by advertised instance name. It holds only
 * what adverts say (already parsed by txt_parse), gives each peer a short id that is never
 * reused while the daemon runs (so `send 3` cannot reach someone who arrived after 3 left),
 * and works out the common ground between a peer's topics and our profile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "wfd.h"

struct peer *
peers_by_instance(struct wfd *d, const char *instance)
{
	for (struct peer *p = d->peers; p != NULL; p = p->next)
		if (strcmp(p->instance, instance) == 0)
			return p;
	return NULL;
}

static const char *
status_name(enum txt_status s)
{
	return s == TXT_STATUS_OPEN ? "open" : s == TXT_STATUS_QUIET ? "quiet" : NULL;
}

void
peers_up(struct wfd *d, const struct mdns_peer *mp)
{
	struct peer *p = peers_by_instance(d, mp->instance);
	bool fresh = p == NULL, moved;

	if (fresh) {
		if ((p = calloc(1, sizeof(*p))) == NULL) {
			log_warnx("out of memory for a peer");
			return;
		}
		p->id = ++d->next_peer_id;
		snprintf(p->instance, sizeof(p->instance), "%s", mp->instance);
		p->next = d->peers;
		d->peers = p;
	}
	moved = fresh || strcmp(p->addr, mp->addr) != 0 || p->port != mp->port;
	p->txt = *mp->txt;
	snprintf(p->addr, sizeof(p->addr), "%s", mp->addr);
	p->port = mp->port;
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
	struct peer **pp = &d->peers;

	while (*pp != NULL && strcmp((*pp)->instance, instance) != 0)
		pp = &(*pp)->next;
	if (*pp == NULL)
		return;
	struct peer *p = *pp;

	*pp = p->next;
	control_broadcast(d->ctl,
	                  json_pack("{ssso}", "event", "peer-left", "peer", peers_json(d, p)));
	free(p);
}

void
peers_clear(struct wfd *d)
{
	while (d->peers != NULL)
		peers_down(d, d->peers->instance);
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
peers_lookup(struct wfd *d, const char *key, struct peer **out)
{
	char *end;
	unsigned long id;
	struct peer *found = NULL;

	*out = NULL;
	errno = 0;
	id = strtoul(key, &end, 10);
	if (key[0] >= '0' && key[0] <= '9' && *end == '\0' && errno == 0) {
		for (struct peer *p = d->peers; p != NULL; p = p->next)
			if (p->id == id)
				found = p;
	} else {
		for (struct peer *p = d->peers; p != NULL; p = p->next) {
			if (p->txt.handle[0] == '\0' || strcmp(p->txt.handle, key) != 0)
				continue;
			if (found != NULL)
				return -EEXIST;
			found = p;
		}
	}
	if (found == NULL)
		return -ENOENT;
	*out = found;
	return 0;
}

/* Whether list holds topic, ASCII letters compared in any case. */
static bool
list_has(const struct card_list *l, const char *topic, size_t len)
{
	for (size_t i = 0; l != NULL && i < l->n; i++)
		if (strlen(l->items[i]) == len && strncasecmp(l->items[i], topic, len) == 0)
			return true;
	return false;
}

json_t *
peers_common_ground(const struct wfd *d, const char *topics)
{
	static const struct {
		enum card_field field;
		const char *name;
	} kinds[] = { { CARD_TOPICS, "topics" },
		      { CARD_OFFERS, "you_offer" },
		      { CARD_SEEKS, "you_seek" } };
	json_t *out = json_object();

	for (size_t k = 0; out != NULL && k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const struct card_list *mine = wfd_profile_list(d, kinds[k].field);
		json_t *hits = json_array();
		const char *s = topics;

		while (hits != NULL && s != NULL && *s != '\0') {
			const char *comma = strchr(s, ',');
			size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);

			if (len > 0 && list_has(mine, s, len))
				json_array_append_new(hits, json_stringn(s, len));
			s = comma != NULL ? comma + 1 : NULL;
		}
		if (hits == NULL || json_object_set_new(out, kinds[k].name, hits) < 0) {
			json_decref(out);
			return NULL;
		}
	}
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

json_t *
peers_json(const struct wfd *d, const struct peer *p)
{
	char id[WFD_PEER_ID_MAX];
	const char *status = status_name(p->txt.status);
	const char *ev = p->txt.event;
	char mine[TXT_EVENT_TAG_LEN + 1] = "";

	if (d->started && d->adv.event[0] != '\0')
		txt_event_tag(d->adv.event, mine);
	snprintf(id, sizeof(id), "%u", p->id);
	return json_pack("{ss ss ss? ss* so so* sb ss sI}", "id", id, "instance", p->instance,
	                 "handle", p->txt.handle[0] != '\0' ? p->txt.handle : NULL, "status",
	                 status, "topics", topics_json(p->txt.topics), "common",
	                 peers_common_ground(d, p->txt.topics), "same_event",
	                 ev[0] != '\0' && strcmp(ev, mine) == 0, "addr", p->addr, "port",
	                 (json_int_t)p->port);
}
