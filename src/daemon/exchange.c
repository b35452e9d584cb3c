/*
 * exchange.c: what the daemon does with cards. Incoming offers go to the inbox (or update
 * a contact we already have), cards back that answer our offers go to the contacts, and
 * outgoing offers and cards back are delivered with bounded retries. An offer goes to an
 * advert, or directly to an invite or ADDRESS:PORT (`send --to`, proto/invite.md), whose
 * addresses are tried in turn. Everything a peer
 * sent has been verified by the session before it reaches this file, and what becomes of
 * it is intake's decision (src/lib/intake.c), not this file's: here the outcome is only
 * announced. Whoever waits for a delivery's first result is a callback (exchange_notify),
 * never a control client.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wallflower/ctl.h"
#include "wallflower/intake.h"

#include "log.h"
#include "wfd.h"

#define WFD_CARD_BACK_TTL 120 /* seconds a card back keeps retrying */
/* An outbox target that is not an advert: "direct " and ADDRESS:PORT. */
#define WFD_DIRECT_PREFIX "direct "

static uint64_t
now_s(void)
{
	return (uint64_t)time(NULL);
}

static void
fingerprint(const uint8_t *key, char out[IDENTITY_FPR_LEN + 1])
{
	identity_fingerprint(key, out);
}

/* A copy of s cut to at most max bytes on a character boundary, "…" marking the cut. */
static json_t *
preview(const char *s, size_t max)
{
	size_t n = strlen(s);
	char buf[WFD_PREVIEW_NOTE + 4];

	if (n <= max)
		return json_string(s);
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	snprintf(buf, sizeof(buf), "%.*s\xe2\x80\xa6", (int)max, s);
	return json_string(buf);
}

json_t *
exchange_offer_json(struct wfd *d, const struct inbox_offer *o)
{
	char fpr[IDENTITY_FPR_LEN + 1], other[IDENTITY_FPR_LEN + 1];
	const char *name = o->card->f.text[CARD_NAME];
	json_t *j;

	/* No handle from an advert: anyone can advertise from the sender's address, so only
	 * the key that signed the handover (the fingerprint) says who this is. */
	fingerprint(o->card->key, fpr);
	j = json_pack("{sI so so* ss so sb sI sI ss? ss*}", "id", (json_int_t)o->id, "name",
	              preview(name, WFD_PREVIEW_NAME), "note",
	              o->note != NULL ? preview(o->note, WFD_PREVIEW_NOTE) : NULL, "fingerprint",
	              fpr, "common", peers_common_ground_card(d, o->card), "reply", o->reply,
	              "received", (json_int_t)o->received, "expires", (json_int_t)o->expires,
	              "event", o->event, "from", o->addr);
	/* Someone using the name of a person you know, with another key. */
	if (j != NULL && store_name_elsewhere(d->st, name, o->card->key, other) == 1)
		json_object_set_new(j, "same_name_as", json_string(other));
	if (j != NULL)
		introduce_offer_json(d, o, j);
	return j;
}

/* The offer that intake just kept, for the watchers. */
static void
announce_offer(struct wfd *d, const struct intake_request *rq, int64_t id)
{
	if (rq->intro != NULL) {
		struct intake_result res = { .outcome = INTAKE_KEPT, .id = id };

		introduce_taken(d, rq->intro, &res);
		return;
	}
	const struct peermsg *m = rq->msg;
	struct inbox_offer o = { .id = id,
		                 .card = (struct card *)rq->card,
		                 .note = m->note,
		                 .reply = m->reply,
		                 .addr = (char *)rq->addr,
		                 .event = (char *)rq->event,
		                 .received = rq->now,
		                 .expires = rq->now + d->offer_ttl };

	if (rq->card->has_expires && rq->card->expires < o.expires)
		o.expires = rq->card->expires;
	log_info("offer %lld received from %s", (long long)id, rq->addr);
	control_broadcast(d->ctl, json_pack("{ssso}", "event", "offer-received", "offer",
	                                    exchange_offer_json(d, &o)));
}

static void
announce_card(struct wfd *d, const char *event, const struct card *card)
{
	char fpr[IDENTITY_FPR_LEN + 1];

	fingerprint(card->key, fpr);
	control_broadcast(d->ctl, json_pack("{ssssss}", "event", event, "name",
	                                    card->f.text[CARD_NAME], "fingerprint", fpr));
}

/* A request turned away: counted for `status`, logged once a minute at most. */
static void
held_back(struct wfd *d, const char *addr, enum intake_limit limit)
{
	static struct log_limit busy_log;

	d->held.total++;
	d->held.by[limit]++;
	log_limit_info(&busy_log, "answering busy to %s: the %s limit", addr,
	               intake_limit_name(limit));
}

void
exchange_recognise(struct wfd *d, int64_t person_id, const uint8_t rk[RECOG_KEY])
{
	if (recog_add(d->recog, person_id, rk) < 0) {
		log_warnx("cannot hold another contact's recognition key");
		return;
	}
	peers_recognise_all(d);
}

void
exchange_request(struct wfd *d, const char *addr, const uint8_t *peer_static,
                 const uint8_t *presence_sk, const struct peermsg *req, const struct card *card,
                 const struct intro *intro, struct peermsg *answer)
{
	struct intake_request rq = { .msg = req,
		                     .card = card,
		                     .intro = intro,
		                     .peer_static = peer_static,
		                     .presence_sk = presence_sk,
		                     .addr = addr,
		                     .event = d->started && d->adv.event[0] != '\0' ? d->adv.event
		                                                                    : NULL,
		                     .now = now_s(),
		                     .offer_ttl = d->offer_ttl };
	struct intake_result res;

	/* The session checked it (proto/session.md 9.2): the card is handed over by its owner. */
	if (intake_take(d->st, &d->limits, &rq, &res) < 0)
		log_warnx("cannot keep a %s from %s: %s", peermsg_type_name(req->type), addr,
		          strerror(-res.error));
	intake_answer(&res, answer);
	switch (res.outcome) {
	case INTAKE_KEPT:
		announce_offer(d, &rq, res.id);
		break;
	case INTAKE_UPDATED:
	case INTAKE_ANSWERED:
	case INTAKE_IGNORED:
		if (intro != NULL) {
			introduce_taken(d, intro, &res);
			break;
		}
		/* A contact's card no newer than ours still brings their recognition key. */
		if (res.id > 0)
			exchange_recognise(d, res.id, req->rk);
		if (res.outcome == INTAKE_UPDATED)
			announce_card(d, "contact-updated", card);
		if (res.outcome == INTAKE_ANSWERED) {
			log_info("card received back from %s", addr);
			announce_card(d, "card-received", card);
		}
		break;
	case INTAKE_BUSY:
		held_back(d, addr, res.limit);
		break;
	default:
		/* Ignored or repeated: answered like the rest, and nobody is told. */
		break;
	}
}

/* ---- deliveries ---- */

static int delivery_try(struct delivery *dl, const char **why);

static void
tell_waiter(struct delivery *dl, json_t *reply)
{
	void (*notify)(void *, json_t *) = dl->notify;

	/* Cleared first: the reply may start the client's next request. */
	dl->notify = NULL;
	if (notify != NULL)
		notify(dl->notify_arg, reply);
	else
		json_decref(reply);
}

static void
delivery_destroy(struct delivery *dl)
{
	if (dl->notify != NULL)
		tell_waiter(dl, ctl_error(CTL_E_FAILED, "the daemon is stopping"));
	loop_timer_free(dl->timer);
	free(dl->msg.card);
	free(dl->msg.obj);
	free(dl->msg.note);
	crypt_wipe(dl, sizeof(*dl)); /* a presence secret, a contact's recognition key */
	free(dl);
}

static void
delivery_free(struct delivery *dl)
{
	struct delivery **pp = &dl->d->deliveries;

	while (*pp != dl)
		pp = &(*pp)->next;
	*pp = dl->next;
	delivery_destroy(dl);
}

static void
delivery_fire(struct loop_timer *t, void *arg)
{
	const char *why;

	(void)t;
	(void)delivery_try(arg, &why);
}

static struct delivery *
delivery_new(struct wfd *d, enum peermsg_type type, const uint8_t *card, size_t len,
             const char *note, uint64_t deadline)
{
	struct delivery *dl = calloc(1, sizeof(*dl));

	if (dl == NULL)
		return NULL;
	dl->d = d;
	dl->deadline = deadline;
	dl->msg.type = type;
	dl->msg.card = len > 0 ? malloc(len) : NULL; /* a verify carries none */
	dl->msg.card_len = len;
	dl->msg.note = note != NULL ? strdup(note) : NULL;
	memcpy(dl->msg.rk, d->rk, sizeof(dl->msg.rk));
	dl->timer = loop_timer_new(d->loop, delivery_fire, dl);
	dl->next = d->deliveries;
	d->deliveries = dl;
	if ((len > 0 && dl->msg.card == NULL) || (note != NULL && dl->msg.note == NULL) ||
	    dl->timer == NULL) {
		delivery_free(dl);
		return NULL;
	}
	if (len > 0)
		memcpy(dl->msg.card, card, len);
	return dl;
}

/* Whom a delivery is for: the advert's name for offers, the address for cards back and
 * introductions. */
static const char *
delivery_to(const struct delivery *dl)
{
	return dl->outbox_id != 0 ? dl->instance : dl->addr;
}

/* What a delivery carries, for the log. */
static const char *
delivery_what(const struct delivery *dl)
{
	return dl->outbox_id != 0              ? "offer"
	       : dl->msg.type == PEERMSG_INTRO ? "introduction"
	                                       : "card back";
}

static void
delivery_failed(struct delivery *dl, const char *why)
{
	log_info("giving up delivering %s %lld: %s", delivery_what(dl), (long long)dl->outbox_id,
	         why);
	if (dl->outbox_id != 0 && store_outbox_failed(dl->d->st, dl->outbox_id, why) < 0)
		log_warnx("cannot mark offer %lld failed", (long long)dl->outbox_id);
	control_broadcast(dl->d->ctl,
	                  json_pack("{sssIssss}", "event", "delivery-failed", "outbox",
	                            (json_int_t)dl->outbox_id, "to", delivery_to(dl), "why", why));
	tell_waiter(dl, ctl_error(CTL_E_FAILED, why));
	delivery_free(dl);
}

/* Tries again later, while there is time; the peer may have moved (re-resolve it).
 * false when the time is up (dl is then freed). */
static bool
delivery_later(struct delivery *dl, const char *why)
{
	unsigned shift = dl->tries > 0 ? dl->tries - 1 : 0;
	uint64_t ms = (uint64_t)WFD_RETRY_MIN_MS << (shift < 5 ? shift : 5);

	if (now_s() + ms / 1000 >= dl->deadline) {
		delivery_failed(dl, why);
		return false;
	}
	if (dl->outbox_id != 0 && !dl->direct)
		mdns_resolve_again(dl->d->mdns, dl->instance);
	loop_timer_set(dl->timer, ms < WFD_RETRY_MAX_MS ? ms : WFD_RETRY_MAX_MS);
	tell_waiter(dl, json_pack("{sbsIssss}", "ok", 1, "outbox", (json_int_t)dl->outbox_id,
	                          "state", "pending", "msg", why));
	return true;
}

/*
 * Aims an offer at the peer p now shows: our presence key of this start, and when p is
 * recognised as a contact, the check that the responder holds the key p's tag binds
 * (proto/txt.md 6.2). An offer made to a recognised contact goes to that contact only:
 * false when p no longer shows their tag.
 */
static bool
aim(struct delivery *dl, const struct peer *p)
{
	memcpy(dl->static_sk, dl->d->presence_sk, sizeof(dl->static_sk));
	dl->has_bind = p->recognised;
	if (p->recognised) {
		dl->bind = p->match;
		memcpy(dl->bind_b, p->bind, sizeof(dl->bind_b));
	}
	return dl->contact == 0 || (p->recognised && p->match.contact_id == dl->contact);
}

/*
 * One attempt. 1: a connection is under way (exchange_done follows); 0: not now, a retry
 * is set (*why says why); -1: given up, dl is freed.
 */
static int
delivery_try(struct delivery *dl, const char **why)
{
	struct wfd *d = dl->d;
	const char *addr = dl->addr;
	char direct[INVITE_ADDR_TEXT];
	uint16_t port = dl->port;
	struct peer *p;
	int r;

	*why = NULL;
	if (dl->connecting)
		return 1;
	if (now_s() > dl->deadline) {
		delivery_failed(dl, "the time to deliver it ran out");
		return -1;
	}
	if (dl->direct) {
		/* Our presence key of this start, which the card back will expect. */
		memcpy(dl->static_sk, d->presence_sk, sizeof(dl->static_sk));
		invite_addr_text(&dl->to.addrs[dl->round.next], direct);
		addr = direct;
		port = dl->to.port;
	} else if (dl->outbox_id != 0) {
		if ((p = peers_by_instance(d, dl->instance)) == NULL) {
			/* Not visible now: exchange_peer_up tries again when it is back. */
			loop_timer_set(dl->timer, (dl->deadline - now_s() + 1) * 1000);
			*why = "the peer is not visible now";
			tell_waiter(dl, json_pack("{sbsIssss}", "ok", 1, "outbox",
			                          (json_int_t)dl->outbox_id, "state", "pending",
			                          "msg", *why));
			return 0;
		}
		if (!aim(dl, p)) {
			loop_timer_set(dl->timer, (dl->deadline - now_s() + 1) * 1000);
			*why = "the contact it was for is not visible now";
			tell_waiter(dl, json_pack("{sbsIssss}", "ok", 1, "outbox",
			                          (json_int_t)dl->outbox_id, "state", "pending",
			                          "msg", *why));
			return 0;
		}
		addr = p->addr;
		port = p->port;
	} else if (dl->msg.type == PEERMSG_INTRO) {
		/* Only to the contact it is for, where their advert shows now. */
		if ((p = peers_by_contact(d, dl->contact)) == NULL || !aim(dl, p)) {
			*why = "the contact it is for is not visible now";
			return delivery_later(dl, *why) ? 0 : -1;
		}
		snprintf(dl->addr, sizeof(dl->addr), "%s", p->addr);
		addr = p->addr;
		port = p->port;
	}
	if (dl->outbox_id != 0 && store_outbox_tried(d->st, dl->outbox_id) < 0)
		log_warnx("cannot count a delivery attempt");
	dl->tries++;
	/* A direct offer's address that fails at once (no route) gives way to the next. */
	while ((r = net_connect(d->net, dl, addr, port)) < 0 && r != -EBUSY && dl->direct &&
	       invite_round_miss(&dl->round, dl->to.n_addrs, false) == INVITE_STEP_NOW)
		invite_addr_text(&dl->to.addrs[dl->round.next], direct);
	if (r < 0) {
		*why = r == -EBUSY    ? "too many connections at once"
		       : r == -EINVAL ? "the peer's address is not usable"
		                      : strerror(-r);
		return delivery_later(dl, *why) ? 0 : -1;
	}
	return 1;
}

/* A direct offer that reached no one it may go to at this round's addresses. */
static void
direct_missed(struct delivery *dl, bool wrong, const char *why)
{
	/* At most 128 bytes: the outbox keeps it as the reason. */
	static const char not_them[] = "the peer at that address is not the one the invite is "
	                               "for: it restarted since, or it is someone else";

	switch (invite_round_miss(&dl->round, dl->to.n_addrs, wrong)) {
	case INVITE_STEP_NOW:
		loop_timer_set(dl->timer, 0);
		break;
	case INVITE_STEP_NEVER:
		/* Every address answered with another key: trying again reaches the same
		 * strangers. */
		delivery_failed(dl, not_them);
		break;
	default:
		(void)delivery_later(dl, wrong ? not_them : why);
		break;
	}
}

void
exchange_done(struct delivery *dl, const struct peermsg *answer, const uint8_t *peer_static,
              bool wrong_peer, const char *why)
{
	struct wfd *d = dl->d;

	/* A verify is tried once: its person is standing there, and can ask again. */
	if (dl->msg.type == PEERMSG_VERIFY) {
		tell_waiter(dl, verify_outcome(dl, answer, wrong_peer, why));
		delivery_free(dl);
		return;
	}
	if (dl->direct && (wrong_peer || answer == NULL)) {
		direct_missed(dl, wrong_peer, why);
		return;
	}
	/* The session stopped before our card left: trying again reaches the same stranger. */
	if (wrong_peer) {
		delivery_failed(dl, dl->outbox_id != 0 || dl->msg.type == PEERMSG_INTRO
		                            ? "the peer does not hold the key its advert claims"
		                            : "the offerer has restarted since: its key is not the "
		                              "one the offer came from");
		return;
	}
	if (answer == NULL) {
		(void)delivery_later(dl, why);
		return;
	}
	/* Only busy and internal are worth another try (proto/session.md 9.6); any other
	 * refusal would be the same next time. */
	if (answer->type == PEERMSG_ERROR && peermsg_code_retry(answer->code)) {
		(void)delivery_later(dl, answer->code == PEERMSG_E_BUSY ? "the peer is busy"
		                                                        : "the peer failed");
		return;
	}
	if (answer->type == PEERMSG_ERROR) {
		char refused[96];

		/* An intro's refusal names the verdict (proto/introduction.md 8): a token. */
		if (answer->code == PEERMSG_E_BAD_INTRO && answer->text != NULL &&
		    strspn(answer->text, "abcdefghijklmnopqrstuvwxyz-") == strlen(answer->text))
			snprintf(refused, sizeof(refused), "refused by the peer: %s (%.32s)",
			         peermsg_code_name(answer->code), answer->text);
		else
			snprintf(refused, sizeof(refused), "refused by the peer: %s",
			         peermsg_code_name(answer->code));
		delivery_failed(dl, refused);
		return;
	}
	if (dl->outbox_id != 0 &&
	    store_outbox_delivered(d->st, dl->outbox_id, peer_static, now_s(), d->offer_ttl) < 0)
		log_warnx("cannot mark offer %lld delivered", (long long)dl->outbox_id);
	log_info("%s %lld delivered", delivery_what(dl), (long long)dl->outbox_id);
	control_broadcast(d->ctl, json_pack("{sssIss}", "event", "delivered", "outbox",
	                                    (json_int_t)dl->outbox_id, "to", delivery_to(dl)));
	tell_waiter(dl, json_pack("{sbsIss}", "ok", 1, "outbox", (json_int_t)dl->outbox_id, "state",
	                          "delivered"));
	delivery_free(dl);
}

/* Our own card, valid: the only card we hand out. */
static int
check_own(struct wfd *d, const uint8_t *card, size_t len, const char **why)
{
	struct card *c = NULL;
	struct card_error err = { 0 };
	int r = card_decode(card, len, &c, &err);

	if (r == 0 && memcmp(c->key, d->id->sign_pk, CRYPT_SIGN_PK) != 0) {
		*why = "that card is not yours";
		r = -EINVAL;
	} else if (r < 0) {
		*why = "that card does not verify";
	}
	card_free(c);
	return r;
}

/* An offer of our card to target, kept in the outbox as *id: its delivery, not yet tried. */
static int
offer_new(struct wfd *d, const char *target, const uint8_t *card, size_t len, const char *note,
          bool reply, struct delivery **out, int64_t *id, const char **why)
{
	const char *event = d->adv.event[0] != '\0' ? d->adv.event : NULL;
	struct delivery *dl;
	int r;

	*out = NULL;
	if ((r = check_own(d, card, len, why)) < 0)
		return r;
	r = store_outbox_put(d->st, target, card, len, note, event, reply, now_s(), WFD_OUTBOX_TTL,
	                     id);
	if (r < 0) {
		*why = r == -EDQUOT   ? "too many offers are still being delivered"
		       : r == -EINVAL ? "the note is not valid text"
		                      : "cannot keep the offer";
		return r;
	}
	if ((dl = delivery_new(d, PEERMSG_OFFER, card, len, note, now_s() + WFD_OUTBOX_TTL)) ==
	    NULL) {
		*why = "out of memory";
		return -ENOMEM;
	}
	dl->outbox_id = *id;
	dl->msg.reply = reply;
	dl->msg.port = net_port(d->net);
	snprintf(dl->instance, sizeof(dl->instance), "%s", target);
	*out = dl;
	return 0;
}

/* The first attempt of a new offer. */
static int
offer_first(struct delivery *dl, struct delivery **under_way, const char **why)
{
	int r;

	*under_way = NULL;
	if ((r = delivery_try(dl, why)) == 1)
		*under_way = dl; /* its first result may be waited for (exchange_notify) */
	else if (r < 0)
		return -EIO;
	return r;
}

int
exchange_send(struct wfd *d, struct peer *p, const uint8_t *card, size_t len, const char *note,
              bool reply, struct delivery **under_way, int64_t *id, const char **why)
{
	struct delivery *dl;
	int r;

	*under_way = NULL;
	if ((r = offer_new(d, p->instance, card, len, note, reply, &dl, id, why)) < 0)
		return r;
	dl->contact = p->recognised ? p->match.contact_id : 0;
	return offer_first(dl, under_way, why);
}

int
exchange_send_direct(struct wfd *d, const struct invite *to, const uint8_t *card, size_t len,
                     const char *note, bool reply, struct delivery **under_way, int64_t *id,
                     const char **why)
{
	struct invite first = { .n_addrs = 1, .addrs = { to->addrs[0] }, .port = to->port };
	char target[STORE_OUTBOX_TARGET_MAX + 1],
	        where[INVITE_ADDR_TEXT + 8]; /* "[" ADDR "]:" PORT */
	struct delivery *dl;
	int r;

	*under_way = NULL;
	/* The outbox shows it as "direct" and its first address ("direct 10.0.0.2:4000"). */
	if (invite_format(&first, where, sizeof(where)) < 0) {
		*why = "cannot send to that address";
		return -EINVAL;
	}
	snprintf(target, sizeof(target), "%s%s", WFD_DIRECT_PREFIX, where);
	if ((r = offer_new(d, target, card, len, note, reply, &dl, id, why)) < 0)
		return r;
	dl->direct = true;
	dl->to = *to;
	return offer_first(dl, under_way, why);
}

int
exchange_verify(struct wfd *d, struct peer *p, struct delivery **under_way, const char **why)
{
	struct delivery *dl;
	int r;

	*under_way = NULL;
	if ((dl = delivery_new(d, PEERMSG_VERIFY, NULL, 0, NULL,
	                       now_s() + SESSION_EXCHANGE_TIMEOUT_MS / 1000)) == NULL) {
		*why = "out of memory";
		return -ENOMEM;
	}
	/* A recognised contact's advert: only the presence key it binds may answer. */
	(void)aim(dl, p);
	snprintf(dl->addr, sizeof(dl->addr), "%s", p->addr);
	dl->tries = 1;
	if ((r = net_connect(d->net, dl, p->addr, p->port)) < 0) {
		*why = r == -EBUSY ? "too many connections at once" : "cannot connect to the peer";
		delivery_free(dl);
		return r == -EBUSY ? r : -EIO;
	}
	*under_way = dl;
	return 0;
}

void
exchange_notify(struct delivery *dl, void (*notify)(void *arg, json_t *result), void *arg)
{
	dl->notify = notify;
	dl->notify_arg = arg;
}

int
exchange_send_object(struct wfd *d, int64_t contact_id, const uint8_t *obj, size_t len,
                     struct delivery **under_way, const char **why)
{
	struct delivery *dl;
	int r;

	*under_way = NULL;
	if (peers_by_contact(d, contact_id) == NULL) {
		*why = "they are not nearby now";
		return -ENOENT;
	}
	if ((dl = delivery_new(d, PEERMSG_INTRO, NULL, 0, NULL, now_s() + WFD_CARD_BACK_TTL)) ==
	            NULL ||
	    (dl->msg.obj = malloc(len)) == NULL) {
		if (dl != NULL)
			delivery_free(dl);
		*why = "out of memory";
		return -ENOMEM;
	}
	memcpy(dl->msg.obj, obj, len);
	dl->msg.obj_len = len;
	dl->contact = contact_id;
	if ((r = delivery_try(dl, why)) == 1)
		*under_way = dl;
	return r < 0 ? -EIO : 1;
}

int
exchange_card_back(struct wfd *d, const struct inbox_offer *o, const uint8_t *card, size_t len,
                   const char **why)
{
	struct delivery *dl;
	int r;

	if ((r = check_own(d, card, len, why)) < 0)
		return r;
	if (o->addr == NULL || o->port == 0) {
		*why = "the offer says nowhere to send a card back";
		return -EINVAL;
	}
	if (!o->has_keys) {
		*why = "the offer came through an older version of the protocol: no card back";
		return -EINVAL;
	}
	if ((dl = delivery_new(d, PEERMSG_CARD, card, len, NULL, now_s() + WFD_CARD_BACK_TTL)) ==
	    NULL) {
		*why = "out of memory";
		return -ENOMEM;
	}
	memcpy(dl->msg.re, o->offer_id, PEERMSG_ID_LEN);
	snprintf(dl->addr, sizeof(dl->addr), "%s", o->addr);
	dl->port = o->port;
	/* Only the presence key that made the offer may see who we are, and it sees us come
	 * from the presence key it made the offer to (proto/session.md 9.4). */
	dl->has_expect = true;
	memcpy(dl->expect, o->keys.peer_static, sizeof(dl->expect));
	memcpy(dl->static_sk, o->keys.presence_sk, sizeof(dl->static_sk));
	return delivery_try(dl, why) < 0 ? -EIO : 0;
}

void
exchange_peer_up(struct wfd *d, const struct peer *p)
{
	for (struct delivery *dl = d->deliveries; dl != NULL; dl = dl->next)
		if (!dl->connecting && ((dl->outbox_id != 0 && !dl->direct &&
		                         strcmp(dl->instance, p->instance) == 0) ||
		                        (dl->msg.type == PEERMSG_INTRO && p->recognised &&
		                         p->match.contact_id == dl->contact)))
			loop_timer_set(dl->timer, 0);
}

void
exchange_resume(struct wfd *d)
{
	struct outbox_offer *o = NULL;
	size_t n = 0;

	if (store_outbox_list(d->st, true, &o, &n) < 0) {
		log_warnx("cannot read the outbox");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct delivery *dl;

		/* A direct offer's invite (its fingerprint) is not kept: resumed, it could reach
		 * whoever holds the address now. */
		if (strncmp(o[i].target, WFD_DIRECT_PREFIX, strlen(WFD_DIRECT_PREFIX)) == 0) {
			if (store_outbox_failed(d->st, o[i].id,
			                        "the daemon restarted: a direct offer is not "
			                        "resumed; send it again") < 0)
				log_warnx("cannot mark offer %lld failed", (long long)o[i].id);
			continue;
		}
		if (o[i].expires <= now_s() ||
		    (dl = delivery_new(d, PEERMSG_OFFER, o[i].envelope, o[i].envelope_len,
		                       o[i].note, o[i].expires)) == NULL)
			continue;
		dl->outbox_id = o[i].id;
		dl->msg.reply = o[i].reply;
		dl->msg.port = net_port(d->net);
		snprintf(dl->instance, sizeof(dl->instance), "%s", o[i].target);
		loop_timer_set(dl->timer, WFD_RETRY_MIN_MS);
	}
	outbox_offer_free_all(o, n);
}

void
exchange_free_all(struct wfd *d)
{
	struct delivery *dl;

	while ((dl = d->deliveries) != NULL) {
		d->deliveries = dl->next;
		delivery_destroy(dl);
	}
}
