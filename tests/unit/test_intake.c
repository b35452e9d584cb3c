/*
 * intake: the answer rule (proto/session.md 9.5). Each finding of issue 11 that lives in
 * the rule has a case here that an attacker's script would run: a contact renamed to a
 * stranger's fingerprint, the answers a sender sees after each possible decision, a
 * contact sending hundreds of cards, many keys from one address, a card back that answers
 * nothing. The fixture's teardown runs store_check after every test.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h> /* only to count rows the store must not grow */

#include "testutil.h"
#include "wallflower/intake.h"
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
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
