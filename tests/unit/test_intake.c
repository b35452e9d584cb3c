/*
 * intake: the answer rule (proto/session.md 9.5). Each finding of issue 11 that lives in
 * the rule has a case here that an attacker's script would run: a contact renamed to a
 * stranger's fingerprint, the answers a sender sees after each possible decision, a
 * contact sending hundreds of cards, many keys from one address, a card back that answers
 * nothing. The fixture's teardown runs store_check after every test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h> /* only to count rows the store must not grow */

#include "testutil.h"
#include "wallflower/intake.h"
#include "wallflower/intro.h"
#include "wallflower/peermsg.h"
#include "wallflower/store.h"

#define T0   1790000000
#define ADDR "192.0.2.7"

/* The presence key a person's session comes from, here: their identity key's bytes (the
 * intake compares 32 bytes, whatever they are). And ours, which took every request. */
static const uint8_t *
presence_of(const struct card *card)
{
	return card->key;
}

static const uint8_t OUR_PRESENCE[32] = { 0x5e };

/* An offer of card from addr at now, under limits l, with its result; the answer too. */
static enum intake_outcome
send_offer(struct store *st, const struct intake_limits *l, const struct card *card,
           const char *addr, uint64_t now, struct intake_result *res, struct peermsg *answer)
{
	struct peermsg m = { .type = PEERMSG_OFFER,
		             .card = card->envelope,
		             .card_len = card->envelope_len,
		             .note = (char *)"Loved your talk",
		             .reply = true,
		             .port = 47001 };
	struct intake_request rq = { .msg = &m,
		                     .card = card,
		                     .peer_static = presence_of(card),
		                     .presence_sk = OUR_PRESENCE,
		                     .addr = addr,
		                     .event = "Intranet Now",
		                     .now = now,
		                     .offer_ttl = 86400 };
	struct intake_result own;
	struct peermsg own_answer;

	res = res != NULL ? res : &own;
	answer = answer != NULL ? answer : &own_answer;
	assert_int_equal(intake_take(st, l, &rq, res), 0);
	intake_answer(res, answer);
	return res->outcome;
}

static enum intake_outcome
offer_default(struct store *st, const struct card *card, const char *addr, uint64_t now)
{
	struct intake_limits l;

	intake_limits_default(&l);
	return send_offer(st, &l, card, addr, now, NULL, NULL);
}

/* A card back answering re, from card's owner, sent with the presence key from (NULL: the
 * owner's own, presence_of), bringing the recognition key rk (NULL: all 0x77). */
static enum intake_outcome
send_card_from(struct store *st, const struct card *card, const uint8_t re[32], uint64_t now,
               const uint8_t *from, const uint8_t *rk)
{
	struct peermsg m = { .type = PEERMSG_CARD,
		             .card = card->envelope,
		             .card_len = card->envelope_len };
	struct intake_request rq = { .msg = &m,
		                     .card = card,
		                     .peer_static = from != NULL ? from : presence_of(card),
		                     .presence_sk = OUR_PRESENCE,
		                     .addr = ADDR,
		                     .now = now };
	struct intake_limits l;
	struct intake_result res;

	memcpy(m.re, re, 32);
	memset(m.rk, 0x77, sizeof(m.rk));
	if (rk != NULL)
		memcpy(m.rk, rk, sizeof(m.rk));
	intake_limits_default(&l);
	assert_int_equal(intake_take(st, &l, &rq, &res), 0);
	return res.outcome;
}

static enum intake_outcome
send_card(struct store *st, const struct card *card, const uint8_t re[32], uint64_t now)
{
	return send_card_from(st, card, re, now, NULL, NULL);
}

static long
rows(struct tu_store *fx, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long n;

	assert_int_equal(sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	n = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static size_t
waiting(struct store *st)
{
	unsigned n;

	assert_int_equal(store_inbox_count(st, T0, 100000, &n), 0);
	return n;
}

static void
test_intake_judge_order(void **state)
{
	struct intake_limits l;
	struct store_intake_counts c = { 0 };

	(void)state;
	intake_limits_default(&l);
	assert_int_equal(intake_judge(&l, &c), INTAKE_LIMIT_NONE);
	c = (struct store_intake_counts){ .by_key = INTAKE_PER_KEY - 1,
		                          .by_addr = INTAKE_PER_ADDR - 1,
		                          .other_keys = INTAKE_KEYS_PER_ADDR - 1,
		                          .waiting = INTAKE_WAITING - 1,
		                          .all = INTAKE_LEDGER - 1 };
	assert_int_equal(intake_judge(&l, &c), INTAKE_LIMIT_NONE);
	c.all++;
	assert_int_equal(intake_judge(&l, &c), INTAKE_LIMIT_LEDGER);
	c.waiting++;
	assert_int_equal(intake_judge(&l, &c), INTAKE_LIMIT_WAITING);
	c.other_keys++;
	assert_int_equal(intake_judge(&l, &c), INTAKE_LIMIT_ADDR_KEYS);
	c.by_addr++;
	assert_int_equal(intake_judge(&l, &c), INTAKE_LIMIT_ADDR);
	c.by_key++;
	assert_int_equal(intake_judge(&l, &c), INTAKE_LIMIT_KEY);
	/* 0 lifts a limit. */
	l = (struct intake_limits){ .window = 1 };
	c = (struct store_intake_counts){ 1000, 1000, 1000, 1000, 1000 };
	assert_int_equal(intake_judge(&l, &c), INTAKE_LIMIT_NONE);
	assert_string_equal(intake_limit_name(INTAKE_LIMIT_KEY), "identity");
	assert_string_equal(intake_limit_name(INTAKE_LIMIT_NONE), "none");
}

/* A stranger's offer waits in the inbox; the answer is ack. */
static void
test_intake_take_stranger_kept(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card(1, "Ada", 1, NULL);
	struct intake_limits l;
	struct intake_result res;
	struct peermsg answer;

	intake_limits_default(&l);
	assert_int_equal(send_offer(fx->st, &l, ada, ADDR, T0, &res, &answer), INTAKE_KEPT);
	assert_true(res.id > 0);
	assert_int_equal(answer.type, PEERMSG_ACK);
	assert_int_equal(waiting(fx->st), 1);
	assert_int_equal(store_is_contact(fx->st, ada->key), 0);
	/* The same offer again: nothing new, and the same answer. */
	assert_int_equal(send_offer(fx->st, &l, ada, ADDR, T0 + 1, &res, &answer), INTAKE_REPEAT);
	assert_int_equal(answer.type, PEERMSG_ACK);
	assert_int_equal(waiting(fx->st), 1);
	card_free(ada);
}

/*
 * Finding 1: a contact who renames itself to a stranger's fingerprint must not make the
 * stranger a contact. The stranger's offer goes to the inbox like any other.
 */
static void
test_intake_take_renamed_contact(void **state)
{
	struct tu_store *fx = *state;
	struct card *stranger = tu_card(2, "Mallory", 1, NULL);
	char fpr[IDENTITY_FPR_LEN + 1];
	struct card *grace, *grace2;
	struct contact *list;
	size_t n;

	identity_fingerprint(stranger->key, fpr);
	grace = tu_card(1, "Grace", 1, NULL);
	grace2 = tu_card(1, fpr, 2, NULL); /* the contact's newer card, named like the key */
	assert_int_equal(store_card_put(fx->st, grace, T0, NULL, NULL), 0);
	assert_int_equal(offer_default(fx->st, grace2, ADDR, T0), INTAKE_UPDATED);
	assert_int_equal(offer_default(fx->st, stranger, "192.0.2.8", T0 + 1), INTAKE_KEPT);
	assert_int_equal(store_is_contact(fx->st, stranger->key), 0);
	assert_int_equal(store_contacts(fx->st, NULL, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(list[0].key, grace->key, 32);
	contact_free_all(list, n);
	card_free(stranger);
	card_free(grace);
	card_free(grace2);
}

/* The answers a sender sees to eight offers (revisions 1..8), after the receiver did
 * something to the first one: nothing, decline, block, or accept. */
enum decision { UNDECIDED, DECLINED, BLOCKED, ACCEPTED, CONTACT_BEFORE };

static void
answers_after(enum decision what, enum peermsg_type out[8], uint16_t codes[8])
{
	struct tu_store *fx;
	struct card *card;
	struct intake_limits l;
	struct intake_result res;
	struct peermsg answer;

	assert_int_equal(tu_store_setup((void **)&fx), 0);
	intake_limits_default(&l);
	if (what == CONTACT_BEFORE) {
		card = tu_card(1, "Ada", 1, NULL);
		assert_int_equal(store_card_put(fx->st, card, T0, NULL, NULL), 0);
		card_free(card);
	}
	for (int i = 0; i < 8; i++) {
		card = tu_card(1, "Ada", (uint64_t)i + 2, NULL);
		send_offer(fx->st, &l, card, ADDR, T0 + (uint64_t)i, &res, &answer);
		out[i] = answer.type;
		codes[i] = answer.code;
		if (i == 0 && res.outcome == INTAKE_KEPT) {
			if (what == DECLINED)
				assert_int_equal(store_inbox_decline(fx->st, res.id), 0);
			else if (what == BLOCKED)
				assert_int_equal(store_inbox_block(fx->st, res.id, T0), 0);
			else if (what == ACCEPTED)
				assert_int_equal(store_inbox_accept(fx->st, res.id, T0, NULL, NULL),
				                 0);
		}
		card_free(card);
	}
	assert_int_equal(tu_store_teardown((void **)&fx), 0);
}

/*
 * Finding 2: the sender cannot tell the decision. Whatever became of the first offer, the
 * same sequence of answers comes back, and it is the rule's: INTAKE_PER_KEY acks, then busy.
 */
static void
test_intake_take_decision_invisible(void **state)
{
	enum peermsg_type base[8], other[8];
	uint16_t base_codes[8], other_codes[8];

	(void)state;
	answers_after(UNDECIDED, base, base_codes);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(base[i], i < INTAKE_PER_KEY ? PEERMSG_ACK : PEERMSG_ERROR);
		assert_int_equal(base_codes[i], i < INTAKE_PER_KEY ? 0 : PEERMSG_E_BUSY);
	}
	for (enum decision d = DECLINED; d <= CONTACT_BEFORE; d++) {
		answers_after(d, other, other_codes);
		assert_memory_equal(base, other, sizeof(base));
		assert_memory_equal(base_codes, other_codes, sizeof(base_codes));
	}
}

/* Every request answered ack costs one ledger row, kept or blocked: the same durable work. */
static void
test_intake_take_blocked_same_work(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card(1, "Ada", 1, NULL), *ada2 = tu_card(1, "Ada", 2, NULL);
	struct card *bo = tu_card(2, "Bo", 1, NULL);
	struct intake_limits l;
	struct intake_result res;

	intake_limits_default(&l);
	assert_int_equal(send_offer(fx->st, &l, ada, ADDR, T0, &res, NULL), INTAKE_KEPT);
	assert_int_equal(store_inbox_block(fx->st, res.id, T0), 0);
	assert_int_equal(rows(fx, "SELECT count(*) FROM intake"), 1);
	assert_int_equal(offer_default(fx->st, ada2, ADDR, T0 + 1), INTAKE_IGNORED);
	assert_int_equal(rows(fx, "SELECT count(*) FROM intake"), 2);
	assert_int_equal(offer_default(fx->st, bo, "192.0.2.8", T0 + 2), INTAKE_KEPT);
	assert_int_equal(rows(fx, "SELECT count(*) FROM intake"), 3);
	assert_int_equal(waiting(fx->st), 1); /* Bo's; nothing of Ada's */
	card_free(ada);
	card_free(ada2);
	card_free(bo);
}

/*
 * Finding 3: a contact sending 200 new cards. With the rule's limits only a few are taken;
 * with the limits lifted, the store still keeps a bounded history and no topic or
 * organisation that no current card names.
 */
static void
test_intake_take_contact_flood(void **state)
{
	struct tu_store *fx = *state;
	struct card *c = tu_card(1, "Grace", 1, NULL);
	struct intake_limits open = { .window = 86400 };
	unsigned taken = 0;

	assert_int_equal(store_card_put(fx->st, c, T0, NULL, NULL), 0);
	card_free(c);
	for (int i = 0; i < 10; i++) {
		c = tu_card(1, "Grace", (uint64_t)i + 2, NULL);
		taken += offer_default(fx->st, c, ADDR, T0 + (uint64_t)i) == INTAKE_UPDATED;
		card_free(c);
	}
	assert_int_equal(taken, INTAKE_PER_KEY);
	for (int i = 0; i < 200; i++) {
		char topics[4][32], org[32], *items[4];
		struct card_fields f; /* borrowed strings: tu_card does not free them */

		card_fields_init(&f);
		snprintf(org, sizeof(org), "Org %d", i);
		f.text[CARD_NAME] = (char *)"Grace";
		f.text[CARD_ORG] = org;
		for (int k = 0; k < 4; k++) {
			snprintf(topics[k], sizeof(topics[k]), "topic %d.%d", i, k);
			items[k] = topics[k];
		}
		*card_fields_list(&f, CARD_TOPICS) = (struct card_list){ items, 4 };
		c = tu_card(1, "Grace", (uint64_t)i + 100, &f);
		assert_int_equal(
		        send_offer(fx->st, &open, c, ADDR, T0 + 100 + (uint64_t)i, NULL, NULL),
		        INTAKE_UPDATED);
		card_free(c);
	}
	assert_int_equal(rows(fx, "SELECT count(*) FROM card"), STORE_CARD_HISTORY);
	assert_int_equal(rows(fx, "SELECT count(*) FROM topic"), 4);
	assert_int_equal(rows(fx, "SELECT count(*) FROM org"), 1);
	assert_int_equal(rows(fx, "SELECT count(*) FROM org WHERE name = 'Org 199'"), 1);
}

/*
 * Finding 7: throwaway keys from one address take at most INTAKE_KEYS_PER_ADDR places, so
 * that 16 addresses of them leave room for everyone else; a new address still gets in.
 */
static void
test_intake_take_many_keys(void **state)
{
	struct tu_store *fx = *state;
	char addr[32];

	for (int a = 0; a < 16; a++) {
		snprintf(addr, sizeof(addr), "198.51.100.%d", a + 1);
		for (int k = 0; k < 16; k++) {
			struct card *c = tu_card((uint8_t)(a * 16 + k), "Throwaway", 1, NULL);
			struct intake_limits l;
			struct intake_result res;

			intake_limits_default(&l);
			send_offer(fx->st, &l, c, addr, T0, &res, NULL);
			assert_int_equal(res.outcome,
			                 k < INTAKE_KEYS_PER_ADDR ? INTAKE_KEPT : INTAKE_BUSY);
			if (res.outcome == INTAKE_BUSY)
				assert_int_equal(res.limit, INTAKE_LIMIT_ADDR_KEYS);
			card_free(c);
		}
	}
	assert_int_equal(waiting(fx->st), 16 * INTAKE_KEYS_PER_ADDR);
	assert_true(waiting(fx->st) < INTAKE_WAITING);
	{
		struct card *honest = tu_card(255, "Honest", 1, NULL);

		assert_int_equal(offer_default(fx->st, honest, "192.0.2.200", T0 + 1), INTAKE_KEPT);
		card_free(honest);
	}
	/* The recovery: one address's offers go in one step. */
	assert_int_equal(store_inbox_decline_all(fx->st, "198.51.100.1", NULL), 0);
	assert_int_equal(waiting(fx->st), 15 * INTAKE_KEYS_PER_ADDR + 1);
}

/* The window: a sender past its limit is taken again once its requests have aged out. */
static void
test_intake_take_window(void **state)
{
	struct tu_store *fx = *state;
	struct intake_limits l;

	intake_limits_default(&l);
	for (int i = 0; i <= INTAKE_PER_KEY; i++) {
		struct card *c = tu_card(1, "Ada", (uint64_t)i + 1, NULL);

		assert_int_equal(send_offer(fx->st, &l, c, ADDR, T0, NULL, NULL),
		                 i < INTAKE_PER_KEY ? INTAKE_KEPT : INTAKE_BUSY);
		card_free(c);
	}
	{
		struct card *c = tu_card(1, "Ada", 99, NULL);

		/* A request counts for the window, to the second. */
		assert_int_equal(
		        send_offer(fx->st, &l, c, ADDR, T0 + INTAKE_WINDOW - 1, NULL, NULL),
		        INTAKE_BUSY);
		assert_int_equal(send_offer(fx->st, &l, c, ADDR, T0 + INTAKE_WINDOW, NULL, NULL),
		                 INTAKE_KEPT);
		card_free(c);
	}
	/* The ledger prunes as it goes: rows from before the window leave a few at a time. */
	assert_true(rows(fx, "SELECT count(*) FROM intake") < INTAKE_PER_KEY + 1);
}

/* A full inbox is load: busy for everyone alike, strangers and contacts. */
static void
test_intake_take_inbox_full(void **state)
{
	struct tu_store *fx = *state;
	struct intake_limits l;
	struct intake_result res;
	struct card *grace = tu_card(200, "Grace", 1, NULL),
	            *grace2 = tu_card(200, "Grace", 2, NULL);
	char addr[32];

	intake_limits_default(&l);
	l.waiting = 3;
	assert_int_equal(store_card_put(fx->st, grace, T0, NULL, NULL), 0);
	for (int i = 0; i < 4; i++) {
		struct card *c = tu_card((uint8_t)(i + 1), "Someone", 1, NULL);

		snprintf(addr, sizeof(addr), "198.51.100.%d", i + 1);
		send_offer(fx->st, &l, c, addr, T0, &res, NULL);
		assert_int_equal(res.outcome, i < 3 ? INTAKE_KEPT : INTAKE_BUSY);
		card_free(c);
	}
	assert_int_equal(res.limit, INTAKE_LIMIT_WAITING);
	send_offer(fx->st, &l, grace2, "192.0.2.9", T0, &res, NULL);
	assert_int_equal(res.outcome, INTAKE_BUSY);
	card_free(grace);
	card_free(grace2);
}

/* The ledger's size is load too: past it everyone is busy, until the window moves on. */
static void
test_intake_take_ledger_full(void **state)
{
	struct tu_store *fx = *state;
	struct intake_limits l;
	struct intake_result res;
	char addr[32];

	intake_limits_default(&l);
	l.ledger = 5;
	for (int i = 0; i < 7; i++) {
		struct card *c = tu_card((uint8_t)(i + 1), "Someone", 1, NULL);

		snprintf(addr, sizeof(addr), "198.51.100.%d", i + 1);
		send_offer(fx->st, &l, c, addr, T0 + (uint64_t)i, &res, NULL);
		assert_int_equal(res.outcome, i < 5 ? INTAKE_KEPT : INTAKE_BUSY);
		if (i >= 5)
			assert_int_equal(res.limit, INTAKE_LIMIT_LEDGER);
		card_free(c);
	}
	{
		struct card *c = tu_card(100, "Later", 1, NULL);

		/* A window later the first entries have aged out. */
		assert_int_equal(
		        send_offer(fx->st, &l, c, ADDR, T0 + INTAKE_WINDOW + 1, NULL, NULL),
		        INTAKE_KEPT);
		card_free(c);
	}
}

/* A card back is taken only as the answer to an offer of ours delivered to its owner; a
 * stranger's card that answers nothing is dropped, acked like the rest. */
static void
test_intake_take_card_back(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = tu_card(9, "Me", 1, NULL), *ada = tu_card(1, "Ada", 1, NULL);
	struct card *bo = tu_card(2, "Bo", 1, NULL), *bo2 = tu_card(2, "Bo", 2, NULL);
	uint8_t re[32], nothing[32] = { 7 }, other[32] = { 0xee }, rk1[32] = { 1 }, rk2[32] = { 2 };
	struct store_recognition *rec;
	int64_t id, bo_id = 0;
	size_t n;

	peermsg_offer_id(mine->envelope, mine->envelope_len, re);
	assert_int_equal(send_card(fx->st, ada, re, T0), INTAKE_IGNORED);
	assert_int_equal(store_is_contact(fx->st, ada->key), 0);
	assert_int_equal(store_outbox_put(fx->st, "Ada", mine->envelope, mine->envelope_len, NULL,
	                                  NULL, true, T0, 600, &id),
	                 0);
	assert_int_equal(store_outbox_delivered(fx->st, id, ada->key, T0, 86400), 0);
	/* Only from the presence key that took the offer (proto/session.md 9.4): Ada's card,
	 * handed over from another presence key, answers nothing (a repeat of the request
	 * above, still matched against our offers). */
	assert_int_equal(send_card_from(fx->st, ada, re, T0 + 1, other, NULL), INTAKE_REPEAT);
	assert_int_equal(store_is_contact(fx->st, ada->key), 0);
	assert_int_equal(send_card_from(fx->st, ada, re, T0 + 1, NULL, rk1), INTAKE_ANSWERED);
	assert_int_equal(store_is_contact(fx->st, ada->key), 1);
	/* With her card came her recognition key. */
	assert_int_equal(store_recognition_list(fx->st, &rec, &n), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(rec[0].key, rk1, 32);
	store_recognition_free(rec, n);
	/* A contact's newer card, answering nothing, updates it. */
	assert_int_equal(store_card_put(fx->st, bo, T0, NULL, &bo_id), 0);
	assert_int_equal(send_card(fx->st, bo2, nothing, T0 + 2), INTAKE_UPDATED);
	/* And a contact's request, even with no newer card, brings a rotated key. */
	assert_int_equal(send_card_from(fx->st, ada, nothing, T0 + 3, NULL, rk2), INTAKE_IGNORED);
	assert_int_equal(store_recognition_list(fx->st, &rec, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		if (rec[i].person_id != bo_id)
			assert_memory_equal(rec[i].key, rk2, 32);
	store_recognition_free(rec, n);
	card_free(mine);
	card_free(ada);
	card_free(bo);
	card_free(bo2);
}

/* ---- introductions (proto/introduction.md section 6) ---- */

/* The cast: Grace the hub (seed 1), Ada who asks (2), Linus who is introduced to (3). */
#define GRACE 1
#define ADA   2
#define LINUS 3

static void
key_of(uint8_t s, uint8_t out[32])
{
	struct card *c = tu_card(s, "x", 1, NULL);

	memcpy(out, c->key, 32);
	card_free(c);
}

/* An object of kind k signed by s (card named name), to the key of seed to, made at
 * issued, with inner (the consent, the fwd card, or the intro answered). */
static uint8_t *
make_obj(enum intro_kind k, uint8_t s, const char *name, uint8_t to, const uint8_t *inner,
         size_t inner_len, bool inner_is_card, bool reply, uint64_t issued, size_t *len)
{
	static const uint8_t rk[32] = { 0x44, 0x44 };
	struct card *card = tu_card(s, name, 1, NULL);
	uint8_t seed[32], to_key[32], *obj = NULL;
	struct intro_params p = { .kind = k,
		                  .from = card->envelope,
		                  .from_len = card->envelope_len,
		                  .to = to_key,
		                  .issued = issued,
		                  /* an intro is made a second after its ask: it lives no longer */
		                  .expires = issued + INTRO_TTL - (k == INTRO_INTRO),
		                  .seek = k == INTRO_ASK ? "people who run intranets" : NULL,
		                  .reply = reply,
		                  .rk = (k == INTRO_ASK && reply) || k == INTRO_REPLY ? rk : NULL,
		                  .inner = inner,
		                  .inner_len = inner_len,
		                  .inner_is_card = inner_is_card };
	struct identity *id;
	enum intro_verdict v;

	key_of(to, to_key);
	memset(seed, s, sizeof(seed));
	assert_int_equal(identity_from_seed(seed, &id), 0);
	assert_int_equal(intro_make(&p, id, &obj, len, &v), 0);
	identity_free(id);
	card_free(card);
	return obj;
}

/* Ada's ask to Grace, and Grace's intro of Ada to Linus made from it. */
struct intro_fixture {
	uint8_t *ask, *intro;
	size_t ask_len, intro_len;
};

static void
intro_fixture(struct intro_fixture *f, bool reply)
{
	f->ask = make_obj(INTRO_ASK, ADA, "Ada", GRACE, NULL, 0, false, reply, T0, &f->ask_len);
	f->intro = make_obj(INTRO_INTRO, GRACE, "Grace", LINUS, f->ask, f->ask_len, false, false,
	                    T0 + 1, &f->intro_len);
}

static void
intro_fixture_free(struct intro_fixture *f)
{
	free(f->ask);
	free(f->intro);
}

/* obj checked for the key of seed self at now; it must be valid. */
static struct intro *
checked(const uint8_t *obj, size_t len, uint8_t self, uint64_t now)
{
	uint8_t key[32];
	struct intro *o = NULL;
	enum intro_verdict v;

	key_of(self, key);
	assert_int_equal(intro_check(obj, len, key, now, &o, &v), 0);
	return o;
}

/* An intro request carrying o, from ADDR at now: its outcome, and the answer's type. */
static enum intake_outcome
send_object(struct store *st, const struct intro *o, uint64_t now, struct intake_result *res,
            struct peermsg *answer)
{
	struct peermsg m = { .type = PEERMSG_INTRO, .obj = o->envelope, .obj_len = o->len };
	struct intake_request rq = { .msg = &m,
		                     .card = o->from,
		                     .intro = o,
		                     .peer_static = OUR_PRESENCE,
		                     .presence_sk = OUR_PRESENCE,
		                     .addr = ADDR,
		                     .event = "Hub Con",
		                     .now = now,
		                     .offer_ttl = 86400 };
	struct intake_limits l;
	struct intake_result own;
	struct peermsg own_answer;

	res = res != NULL ? res : &own;
	answer = answer != NULL ? answer : &own_answer;
	intake_limits_default(&l);
	assert_int_equal(intake_take(st, &l, &rq, res), 0);
	intake_answer(res, answer);
	return res->outcome;
}

static void
put_contact(struct store *st, uint8_t s, const char *name)
{
	struct card *c = tu_card(s, name, 1, NULL);

	assert_int_equal(store_card_put(st, c, T0, NULL, NULL), 0);
	card_free(c);
}

/* The name of the introducer of the contact with seed s, or "" when none. */
static char *
introducer_of(struct store *st, uint8_t s)
{
	static char name[64];
	uint8_t key[32];
	struct contact *list;
	size_t n;

	key_of(s, key);
	name[0] = '\0';
	assert_int_equal(store_contacts(st, NULL, &list, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (memcmp(list[i].key, key, 32) == 0 && list[i].introduced_by != NULL)
			snprintf(name, sizeof(name), "%s", list[i].introduced_by);
	contact_free_all(list, n);
	return name;
}

/* Linus's side: Grace's intro of Ada waits with who introduces whom, and its accept makes
 * Ada a contact introduced by Grace, with the recognition key her ask carried. */
static void
test_intake_take_intro_kept_accepted(void **state)
{
	struct tu_store *fx = *state;
	struct intro_fixture f;
	struct inbox_offer *list = NULL, taken;
	struct intake_result res;
	struct peermsg answer;
	struct intro *o;
	uint8_t grace[32], ada[32];
	int64_t person;
	size_t n = 0;

	key_of(GRACE, grace);
	key_of(ADA, ada);
	intro_fixture(&f, true);
	put_contact(fx->st, GRACE, "Grace");
	o = checked(f.intro, f.intro_len, LINUS, T0 + 2);
	assert_int_equal(send_object(fx->st, o, T0 + 2, &res, &answer), INTAKE_KEPT);
	assert_int_equal(answer.type, PEERMSG_ACK);
	assert_int_equal(store_inbox_list(fx->st, T0 + 3, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].kind, INBOX_INTRO);
	assert_memory_equal(list[0].card->key, ada, 32);
	assert_true(list[0].has_via);
	assert_memory_equal(list[0].via, grace, 32);
	assert_true(list[0].reply);
	assert_true(list[0].has_rk);
	assert_int_equal(list[0].keys.recognition[0], 0x44);
	assert_int_equal(list[0].intro_len, f.intro_len);
	assert_memory_equal(list[0].intro, f.intro, f.intro_len);
	assert_int_equal(list[0].expires, o->expires);
	inbox_offer_free_all(list, n);
	/* The same intro again: nothing new, and the same answer. */
	assert_int_equal(send_object(fx->st, o, T0 + 3, NULL, &answer), INTAKE_REPEAT);
	assert_int_equal(answer.type, PEERMSG_ACK);
	assert_int_equal(waiting(fx->st), 1);
	assert_int_equal(store_inbox_accept(fx->st, res.id, T0 + 4, &taken, &person), 0);
	assert_int_equal(taken.kind, INBOX_INTRO);
	inbox_offer_clear(&taken);
	assert_int_equal(store_is_contact(fx->st, ada), 1);
	assert_string_equal(introducer_of(fx->st, ADA), "Grace");
	assert_int_equal(rows(fx, "SELECT count(*) FROM recognition"), 1);
	intro_free(o);
	intro_fixture_free(&f);
}

/* Taken and dropped, with the same answer: an intro from someone who is not a contact, one
 * of a person already known, one of a person blocked; each costs its ledger row. */
static void
test_intake_take_intro_dropped(void **state)
{
	struct tu_store *fx = *state;
	struct intro_fixture f;
	struct peermsg answer;
	struct intro *o;
	uint8_t ada[32];

	key_of(ADA, ada);
	intro_fixture(&f, true);
	o = checked(f.intro, f.intro_len, LINUS, T0 + 2);
	assert_int_equal(send_object(fx->st, o, T0 + 2, NULL, &answer), INTAKE_IGNORED);
	assert_int_equal(answer.type, PEERMSG_ACK);
	assert_int_equal(rows(fx, "SELECT count(*) FROM intake"), 1);
	assert_int_equal(waiting(fx->st), 0);
	intro_free(o);
	intro_fixture_free(&f);

	/* A new intro of Ada (another ask), now that Grace is a contact and Ada is known. */
	put_contact(fx->st, GRACE, "Grace");
	put_contact(fx->st, ADA, "Ada");
	f.ask = make_obj(INTRO_ASK, ADA, "Ada", GRACE, NULL, 0, false, true, T0 + 10, &f.ask_len);
	f.intro = make_obj(INTRO_INTRO, GRACE, "Grace", LINUS, f.ask, f.ask_len, false, false,
	                   T0 + 11, &f.intro_len);
	o = checked(f.intro, f.intro_len, LINUS, T0 + 12);
	assert_int_equal(send_object(fx->st, o, T0 + 12, NULL, &answer), INTAKE_IGNORED);
	assert_int_equal(answer.type, PEERMSG_ACK);
	assert_int_equal(waiting(fx->st), 0);
	intro_free(o);
	intro_fixture_free(&f);
	assert_int_equal(rows(fx, "SELECT count(*) FROM intake"), 2);
}

static void
test_intake_take_intro_blocked(void **state)
{
	struct tu_store *fx = *state;
	struct intro_fixture f;
	struct intake_result res;
	struct peermsg answer;
	struct card *ada = tu_card(ADA, "Ada", 9, NULL);
	struct intro *o;

	/* Ada offered once and was blocked; Grace's intro of her is then taken and dropped. */
	put_contact(fx->st, GRACE, "Grace");
	assert_int_equal(offer_default(fx->st, ada, "192.0.2.9", T0), INTAKE_KEPT);
	intro_fixture(&f, true);
	o = checked(f.intro, f.intro_len, LINUS, T0 + 2);
	{
		struct inbox_offer *list;
		size_t n;

		assert_int_equal(store_inbox_list(fx->st, T0 + 1, &list, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(store_inbox_block(fx->st, list[0].id, T0 + 1), 0);
		inbox_offer_free_all(list, n);
	}
	assert_int_equal(send_object(fx->st, o, T0 + 2, &res, &answer), INTAKE_IGNORED);
	assert_int_equal(answer.type, PEERMSG_ACK);
	assert_int_equal(waiting(fx->st), 0);
	intro_free(o);
	intro_fixture_free(&f);
	card_free(ada);
}

/* Introductions count towards the introducer's own limit, with offers: the fifth request
 * from Grace in a window is busy, whatever its kind. */
static void
test_intake_take_intro_counts(void **state)
{
	struct tu_store *fx = *state;
	struct peermsg answer;
	uint8_t *ask, *intro;
	size_t ask_len, intro_len;
	struct intro *o;

	put_contact(fx->st, GRACE, "Grace");
	for (int i = 0; i < INTAKE_PER_KEY; i++) {
		struct card *g = tu_card(GRACE, "Grace", (uint64_t)i + 2, NULL);

		assert_int_not_equal(offer_default(fx->st, g, ADDR, T0 + (uint64_t)i), INTAKE_BUSY);
		card_free(g);
	}
	ask = make_obj(INTRO_ASK, ADA, "Ada", GRACE, NULL, 0, false, true, T0, &ask_len);
	intro = make_obj(INTRO_INTRO, GRACE, "Grace", LINUS, ask, ask_len, false, false, T0 + 1,
	                 &intro_len);
	o = checked(intro, intro_len, LINUS, T0 + 10);
	assert_int_equal(send_object(fx->st, o, T0 + 10, NULL, &answer), INTAKE_BUSY);
	assert_int_equal(answer.type, PEERMSG_ERROR);
	assert_int_equal(answer.code, PEERMSG_E_BUSY);
	assert_int_equal(waiting(fx->st), 0);
	intro_free(o);
	free(ask);
	free(intro);
}

/* Grace's side: an ask waits only when it comes from a contact, and is not accepted. */
static void
test_intake_take_ask(void **state)
{
	struct tu_store *fx = *state;
	struct intake_result res;
	struct peermsg answer;
	uint8_t *ask;
	size_t len;
	struct intro *o;

	ask = make_obj(INTRO_ASK, ADA, "Ada", GRACE, NULL, 0, false, true, T0, &len);
	o = checked(ask, len, GRACE, T0 + 1);
	assert_int_equal(send_object(fx->st, o, T0 + 1, &res, &answer), INTAKE_IGNORED);
	assert_int_equal(answer.type, PEERMSG_ACK);
	assert_int_equal(waiting(fx->st), 0);
	intro_free(o);
	free(ask);

	put_contact(fx->st, ADA, "Ada");
	ask = make_obj(INTRO_ASK, ADA, "Ada", GRACE, NULL, 0, false, true, T0 + 5, &len);
	o = checked(ask, len, GRACE, T0 + 6);
	assert_int_equal(send_object(fx->st, o, T0 + 6, &res, &answer), INTAKE_KEPT);
	assert_int_equal(answer.type, PEERMSG_ACK);
	assert_int_equal(waiting(fx->st), 1);
	assert_int_equal(store_inbox_accept(fx->st, res.id, T0 + 7, NULL, NULL), -EOPNOTSUPP);
	assert_int_equal(waiting(fx->st), 1);
	assert_int_equal(store_inbox_decline(fx->st, res.id), 0);
	assert_int_equal(waiting(fx->st), 0);
	intro_free(o);
	free(ask);
}

/* Ada's side: a reply is taken only when it answers an ask of hers that wanted replies;
 * its sender then becomes a contact introduced by the hub she asked. */
static void
test_intake_take_reply(void **state)
{
	struct tu_store *fx = *state;
	struct intro_fixture f;
	struct peermsg answer;
	uint8_t ask_id[32], grace[32], linus[32], *reply;
	size_t len;
	struct intro *o;

	key_of(GRACE, grace);
	key_of(LINUS, linus);
	intro_fixture(&f, true);
	reply = make_obj(INTRO_REPLY, LINUS, "Linus", ADA, f.intro, f.intro_len, false, false,
	                 T0 + 5, &len);
	o = checked(reply, len, ADA, T0 + 6);
	put_contact(fx->st, GRACE, "Grace");
	/* No ask of ours: dropped, answered as ever. */
	assert_int_equal(send_object(fx->st, o, T0 + 6, NULL, &answer), INTAKE_IGNORED);
	assert_int_equal(answer.type, PEERMSG_ACK);
	assert_int_equal(store_is_contact(fx->st, linus), 0);
	/* Our ask: the reply again (a repeat for the ledger) now answers it. */
	intro_id(f.ask, f.ask_len, ask_id);
	assert_int_equal(store_ask_made_put(fx->st, ask_id, grace, T0, T0 + INTRO_TTL, true), 0);
	assert_int_equal(send_object(fx->st, o, T0 + 7, NULL, &answer), INTAKE_REPEAT);
	assert_int_equal(intake_object(fx->st, o, NULL, T0 + 8, &(struct intake_result){ 0 }), 0);
	assert_int_equal(store_is_contact(fx->st, linus), 1);
	assert_string_equal(introducer_of(fx->st, LINUS), "Grace");
	intro_free(o);
	free(reply);
	intro_fixture_free(&f);
}

/* An ask kept as wanting no replies takes none, even if a reply comes for it. */
static void
test_intake_object_reply_unwanted(void **state)
{
	struct tu_store *fx = *state;
	struct intro_fixture f;
	struct intake_result res;
	uint8_t ask_id[32], grace[32], linus[32], *reply;
	size_t len;
	struct intro *o;

	key_of(GRACE, grace);
	key_of(LINUS, linus);
	intro_fixture(&f, true);
	reply = make_obj(INTRO_REPLY, LINUS, "Linus", ADA, f.intro, f.intro_len, false, false,
	                 T0 + 5, &len);
	o = checked(reply, len, ADA, T0 + 6);
	intro_id(f.ask, f.ask_len, ask_id);
	assert_int_equal(store_ask_made_put(fx->st, ask_id, grace, T0, T0 + INTRO_TTL, false), 0);
	assert_int_equal(intake_object(fx->st, o, NULL, T0 + 6, &res), 0);
	assert_int_equal(res.outcome, INTAKE_IGNORED);
	assert_int_equal(store_is_contact(fx->st, linus), 0);
	/* Read from text, nothing is counted in the ledger. */
	assert_int_equal(rows(fx, "SELECT count(*) FROM intake"), 0);
	intro_free(o);
	free(reply);
	intro_fixture_free(&f);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_store_setup, tu_store_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intake_judge_order),
		T(test_intake_take_stranger_kept),
		T(test_intake_take_renamed_contact),
		cmocka_unit_test(test_intake_take_decision_invisible),
		T(test_intake_take_blocked_same_work),
		T(test_intake_take_contact_flood),
		T(test_intake_take_many_keys),
		T(test_intake_take_window),
		T(test_intake_take_inbox_full),
		T(test_intake_take_ledger_full),
		T(test_intake_take_card_back),
		T(test_intake_take_intro_kept_accepted),
		T(test_intake_take_intro_dropped),
		T(test_intake_take_intro_blocked),
		T(test_intake_take_intro_counts),
		T(test_intake_take_ask),
		T(test_intake_take_reply),
		T(test_intake_object_reply_unwanted),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
