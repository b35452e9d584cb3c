/*
 * intake.c: the answer rule for verified requests (intake.h, proto/session.md 9.5). It
 * trusts the request only as far as the session verified it: the card is valid and the
 * peer's own; the address is where the connection came from. It must never let what the
 * user decided (accept, decline, block) change the answer or the work done before it, and
 * never let a key that is not a contact into the contacts except as the answer to an offer
 * of ours. Everything here goes through the store: no sockets, no clock of its own.
 */
#include <errno.h>
#include <string.h>

#include "wallflower/crypt.h"
#include "wallflower/intake.h"

#define INTAKE_CARD_TAG "wallflower-intake-card-v2"

void
intake_limits_default(struct intake_limits *l)
{
	*l = (struct intake_limits){ .per_key = INTAKE_PER_KEY,
		                     .per_addr = INTAKE_PER_ADDR,
		                     .keys_per_addr = INTAKE_KEYS_PER_ADDR,
		                     .waiting = INTAKE_WAITING,
		                     .ledger = INTAKE_LEDGER,
		                     .window = INTAKE_WINDOW };
}

const char *
intake_limit_name(enum intake_limit l)
{
	switch (l) {
	case INTAKE_LIMIT_KEY:
		return "identity";
	case INTAKE_LIMIT_ADDR:
		return "address";
	case INTAKE_LIMIT_ADDR_KEYS:
		return "identities at one address";
	case INTAKE_LIMIT_WAITING:
		return "inbox full";
	case INTAKE_LIMIT_LEDGER:
		return "load";
	default:
		return "none";
	}
}

/* Whether count has reached limit (0: no limit). */
static bool
reached(unsigned count, unsigned limit)
{
	return limit != 0 && count >= limit;
}

enum intake_limit
intake_judge(const struct intake_limits *l, const struct store_intake_counts *c)
{
	if (reached(c->by_key, l->per_key))
		return INTAKE_LIMIT_KEY;
	if (reached(c->by_addr, l->per_addr))
		return INTAKE_LIMIT_ADDR;
	/* This identity would be one more at the address: the others must leave room. */
	if (reached(c->other_keys, l->keys_per_addr))
		return INTAKE_LIMIT_ADDR_KEYS;
	if (reached(c->waiting, l->waiting))
		return INTAKE_LIMIT_WAITING;
	if (reached(c->all, l->ledger))
		return INTAKE_LIMIT_LEDGER;
	return INTAKE_LIMIT_NONE;
}

void
intake_request_id(const struct peermsg *msg, uint8_t out[32])
{
	uint8_t h[CRYPT_HASH_MAX];

	if (msg->type == PEERMSG_OFFER) {
		peermsg_offer_id(msg->card, msg->card_len, out);
		return;
	}
	if (msg->type == PEERMSG_INTRO) {
		intro_id(msg->obj, msg->obj_len, out);
		return;
	}
	/* A card back: the same card answering two offers is two requests. */
	crypt_hash2(h, msg->re, sizeof(msg->re), msg->card, msg->card_len);
	crypt_hash_tagged(out, 32, INTAKE_CARD_TAG, h, sizeof(h));
}

/* The caps the store's counts stop at: no count needs to go past its limit. A lifted
 * limit (0) needs no count at all. */
static void
caps_of(const struct intake_limits *l, struct store_intake_counts *caps)
{
	*caps = (struct store_intake_counts){ .by_key = l->per_key,
		                              .by_addr = l->per_addr,
		                              .other_keys = l->keys_per_addr,
		                              .all = l->ledger,
		                              .waiting = l->waiting };
}

/* A contact's card: kept when newer (store_card_put's rev rules). Their recognition key
 * is taken whatever the card: it is how a rotated key reaches us (proto/session.md 6.4). */
static int
update_card(struct store *st, const struct card *card, const uint8_t *rk, uint64_t now,
            struct intake_result *res)
{
	enum store_card_result got;
	int r;

	if ((r = store_card_put(st, card, now, &got, &res->id)) == 0 &&
	    (rk == NULL || (r = store_recognition_set(st, card->key, rk, now)) == 0))
		res->outcome = got == STORE_CARD_UPDATED ? INTAKE_UPDATED : INTAKE_IGNORED;
	return r;
}

static int
update_contact(struct store *st, const struct intake_request *rq, struct intake_result *res)
{
	return update_card(st, rq->card, rq->msg->rk, rq->now, res);
}

static int
apply_offer(struct store *st, const struct intake_request *rq, struct intake_result *res)
{
	const struct peermsg *m = rq->msg;
	uint8_t offer_id[PEERMSG_ID_LEN];
	struct inbox_keys keys;
	int r;

	if ((r = store_is_contact(st, rq->card->key)) < 0)
		return r;
	if (r == 1)
		return update_contact(st, rq, res);
	peermsg_offer_id(m->card, m->card_len, offer_id);
	memcpy(keys.recognition, m->rk, sizeof(keys.recognition));
	memcpy(keys.peer_static, rq->peer_static, sizeof(keys.peer_static));
	memcpy(keys.presence_sk, rq->presence_sk, sizeof(keys.presence_sk));
	r = store_inbox_put(st, rq->card, m->note, m->reply, rq->addr, m->port, rq->event, offer_id,
	                    &keys, rq->now, rq->offer_ttl, &res->id);
	crypt_wipe(&keys, sizeof(keys));
	if (r == -EEXIST) {
		/* Still waiting from before the window: the ledger forgot it, the inbox did not. */
		res->outcome = INTAKE_REPEAT;
		return 0;
	}
	if (r == 0)
		res->outcome = INTAKE_KEPT;
	return r;
}

static int
apply_card(struct store *st, const struct intake_request *rq, struct intake_result *res)
{
	int r = store_outbox_answer(st, rq->msg->re, rq->peer_static, rq->card, rq->now, &res->id);

	if (r == 0) {
		res->outcome = INTAKE_ANSWERED;
		return store_recognition_set(st, rq->card->key, rq->msg->rk, rq->now);
	}
	if (r != -ENOENT)
		return r;
	/* Answers nothing of ours: only a contact's newer card is of use. */
	if ((r = store_is_contact(st, rq->card->key)) == 1)
		return update_contact(st, rq, res);
	return r;
}

/* ---- introductions (proto/introduction.md section 6) ---- */

/* An ask waits only when it comes from a contact. */
static int
apply_ask(struct store *st, const struct intro *o, const char *event, uint64_t now,
          struct intake_result *res)
{
	int r;

	if ((r = store_is_contact(st, o->from->key)) != 1)
		return r;
	r = store_inbox_put_object(st, INBOX_ASK, o->from, NULL, o->note, o->reply, NULL,
	                           o->envelope, o->len, o->id, event, now, o->expires, &res->id);
	res->outcome = r == 0 ? INTAKE_KEPT : INTAKE_REPEAT;
	return r == -EEXIST ? 0 : r;
}

/* An intro waits when its introducer is a contact and the person it introduces is
 * neither blocked nor a contact already. */
static int
apply_intro(struct store *st, const struct intro *o, const char *event, uint64_t now,
            struct intake_result *res)
{
	const struct intro *ask = o->consent;
	int r;

	if ((r = store_is_contact(st, o->from->key)) != 1 ||
	    (r = store_is_blocked(st, o->introduced->key)) != 0 ||
	    (r = store_is_contact(st, o->introduced->key)) != 0)
		return r < 0 ? r : 0;
	r = store_inbox_put_object(st, INBOX_INTRO, o->introduced, o->from->key, o->note,
	                           ask != NULL && ask->reply,
	                           ask != NULL && ask->has_rk ? ask->rk : NULL, o->envelope, o->len,
	                           o->id, event, now, o->expires, &res->id);
	res->outcome = r == 0 ? INTAKE_KEPT : INTAKE_REPEAT;
	return r == -EEXIST ? 0 : r;
}

/* A reply is taken only when it answers an ask we made that wanted replies: its sender
 * becomes a contact, introduced by the hub we asked. */
static int
apply_reply(struct store *st, const struct intro *o, const char *event, uint64_t now,
            struct intake_result *res)
{
	const struct intro *ask = o->re->consent;
	enum store_card_result got;
	int64_t hub_id;
	uint8_t hub[32];
	bool wanted;
	int r;

	if ((r = store_ask_made_get(st, ask->id, now, hub, &wanted)) < 0 || !wanted)
		return r == -ENOENT ? 0 : r;
	if ((r = store_is_contact(st, o->from->key)) != 0)
		return r < 0 ? r : update_card(st, o->from, o->rk, now, res);
	if ((r = store_card_put(st, o->from, now, &got, &res->id)) < 0 ||
	    ((r = store_met(st, res->id, event, now)) < 0 && r != -EALREADY) ||
	    (r = store_recognition_set(st, o->from->key, o->rk, now)) < 0 ||
	    (r = store_person_by_key(st, hub, &hub_id)) < 0)
		return r;
	if (r == 1 && hub_id != res->id && (r = store_introduced(st, res->id, hub_id, now)) < 0 &&
	    r != -EEXIST && r != -EALREADY)
		return r;
	res->outcome = INTAKE_ANSWERED;
	return 0;
}

static int
apply_object(struct store *st, const struct intro *o, const char *event, uint64_t now,
             struct intake_result *res)
{
	switch (o->kind) {
	case INTRO_ASK:
		return apply_ask(st, o, event, now, res);
	case INTRO_INTRO:
		return apply_intro(st, o, event, now, res);
	case INTRO_REPLY:
		return apply_reply(st, o, event, now, res);
	}
	return -EINVAL;
}

static int
apply(struct store *st, const struct intake_request *rq, struct intake_result *res)
{
	switch (rq->msg->type) {
	case PEERMSG_OFFER:
		return apply_offer(st, rq, res);
	case PEERMSG_INTRO:
		return apply_object(st, rq->intro, rq->event, rq->now, res);
	default:
		return apply_card(st, rq, res);
	}
}

int
intake_object(struct store *st, const struct intro *o, const char *event, uint64_t now,
              struct intake_result *res)
{
	int r;

	memset(res, 0, sizeof(*res));
	res->outcome = INTAKE_IGNORED;
	if ((r = store_begin(st)) == 0) {
		if ((r = store_is_blocked(st, o->from->key)) == 0)
			r = apply_object(st, o, event, now, res);
		r = store_end(st, r > 0 ? 0 : r);
	}
	if (r < 0) {
		memset(res, 0, sizeof(*res));
		res->outcome = INTAKE_FAILED;
		res->error = r;
	}
	return r;
}

/* Judges, records and applies; inside the caller's transaction. */
static int
take(struct store *st, const struct intake_limits *l, const struct intake_request *rq,
     struct intake_result *res)
{
	uint64_t since = rq->now > l->window ? rq->now - l->window : 0;
	const uint8_t *key = rq->card->key;
	struct store_intake_counts caps, counts;
	uint8_t request[32];
	int r;

	intake_request_id(rq->msg, request);
	if ((r = store_intake_seen(st, key, request, since)) < 0)
		return r;
	res->outcome = INTAKE_REPEAT;
	/* The same offer again is not taken again (it may have been declined since). The same
	 * card back is not counted again, but may answer an offer of ours made since. */
	if (r == 1 && rq->msg->type != PEERMSG_CARD)
		return 0;
	if (r == 0) {
		caps_of(l, &caps);
		if ((r = store_intake_count(st, key, rq->addr, since, rq->now, &caps, &counts)) < 0)
			return r;
		if ((res->limit = intake_judge(l, &counts)) != INTAKE_LIMIT_NONE) {
			res->outcome = INTAKE_BUSY;
			return 0;
		}
		if ((r = store_intake_record(st, key, rq->addr, request, rq->now, since)) < 0)
			return r;
		/* From here on every path has done the same durable work: the ledger row. */
		res->outcome = INTAKE_IGNORED;
	}
	if ((r = store_is_blocked(st, key)) != 0)
		return r < 0 ? r : 0;
	return apply(st, rq, res);
}

int
intake_take(struct store *st, const struct intake_limits *l, const struct intake_request *rq,
            struct intake_result *res)
{
	int r;

	memset(res, 0, sizeof(*res));
	if (rq->msg->type != PEERMSG_OFFER && rq->msg->type != PEERMSG_CARD &&
	    (rq->msg->type != PEERMSG_INTRO || rq->intro == NULL))
		r = -EINVAL;
	else if ((r = store_begin(st)) == 0)
		r = store_end(st, take(st, l, rq, res));
	if (r < 0) {
		memset(res, 0, sizeof(*res));
		res->outcome = INTAKE_FAILED;
		res->error = r;
	}
	return r;
}

void
intake_answer(const struct intake_result *res, struct peermsg *answer)
{
	memset(answer, 0, sizeof(*answer));
	answer->type = PEERMSG_ACK;
	if (res->outcome == INTAKE_BUSY || res->outcome == INTAKE_FAILED) {
		answer->type = PEERMSG_ERROR;
		answer->code = res->outcome == INTAKE_BUSY ? PEERMSG_E_BUSY : PEERMSG_E_INTERNAL;
	}
}
