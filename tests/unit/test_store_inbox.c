/* store_inbox: offers waiting for a decision: keep, list, count, accept, decline, block,
 * expire (the offer's time, or its card's). The limits are intake's (test_intake.c). */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "wallflower/store.h"

#define T0  1790000000
#define DAY 86400

/* The keys a session hands over with an offer from card: each a different fill, made from
 * the card's key, so that a mix-up between them or between senders shows. */
static struct inbox_keys
keys_of(const struct card *card)
{
	struct inbox_keys k;

	memset(k.recognition, card->key[0] ^ 0x11, sizeof(k.recognition));
	memset(k.peer_static, card->key[0] ^ 0x22, sizeof(k.peer_static));
	memset(k.presence_sk, card->key[0] ^ 0x33, sizeof(k.presence_sk));
	return k;
}

/* Puts an offer from card, with an offer id made from its key, rev and time. */
static int
offer(struct store *st, const struct card *card, const char *addr, uint64_t now, int64_t *id)
{
	struct inbox_keys keys = keys_of(card);
	uint8_t offer_id[32] = { 0 };

	memcpy(offer_id, card->key, 8);
	memcpy(offer_id + 8, &card->rev, sizeof(card->rev));
	memcpy(offer_id + 16, &now, sizeof(now));
	return store_inbox_put(st, card, "Loved your talk", true, addr, 47001, "Intranet Now",
	                       offer_id, &keys, now, DAY, id);
}

static void
test_store_inbox_accept(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card(1, "Ada", 3, NULL);
	struct inbox_keys want = keys_of(ada);
	struct store_recognition *rec;
	struct inbox_offer *list, taken;
	struct contact *people;
	int64_t id, person;
	size_t n;

	assert_int_equal(offer(fx->st, ada, "192.0.2.1", T0, &id), 0);
	/* Persisted: it is there after a restart. */
	store_close(fx->st);
	assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
	assert_int_equal(store_inbox_list(fx->st, T0 + 60, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].card->f.text[CARD_NAME], "Ada");
	assert_string_equal(list[0].note, "Loved your talk");
	assert_true(list[0].reply && list[0].port == 47001);
	/* What the card back needs came back from disk, each key in its place. */
	assert_true(list[0].has_keys);
	assert_memory_equal(&list[0].keys, &want, sizeof(want));
	inbox_offer_free_all(list, n);
	assert_int_equal(store_recognition_list(fx->st, &rec, &n), 0);
	assert_int_equal(n, 0); /* not a contact yet: nobody to recognise */
	free(rec);
	assert_int_equal(store_inbox_accept(fx->st, id, T0 + 120, &taken, &person), 0);
	assert_true(person > 0);
	assert_string_equal(taken.addr, "192.0.2.1");
	assert_true(taken.has_keys);
	assert_memory_equal(taken.keys.presence_sk, want.presence_sk, 32);
	inbox_offer_clear(&taken);
	/* The sender's recognition key is now the contact's. */
	assert_int_equal(store_recognition_list(fx->st, &rec, &n), 0);
	assert_int_equal(n, 1);
	assert_true(rec[0].person_id == person);
	assert_memory_equal(rec[0].key, want.recognition, 32);
	store_recognition_free(rec, n);
	/* The person is in the graph, met at the event; the offer is gone. */
	assert_int_equal(store_contacts(fx->st, NULL, &people, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(people[0].n_met, 1);
	assert_string_equal(people[0].met[0].event, "Intranet Now");
	contact_free_all(people, n);
	assert_int_equal(store_inbox_list(fx->st, T0 + 120, &list, &n), 0);
	assert_int_equal(n, 0);
	free(list);
	assert_int_equal(store_inbox_accept(fx->st, id, T0 + 120, NULL, NULL), -ENOENT);
	card_free(ada);
}

static void
test_store_inbox_decline_and_block(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card(1, "Ada", 3, NULL), *ada2 = tu_card(1, "Ada", 4, NULL);
	struct card *bo = tu_card(2, "Bo", 1, NULL);
	struct inbox_offer *list;
	int64_t a1, a2, b1;
	size_t n;

	assert_int_equal(offer(fx->st, ada, NULL, T0, &a1), 0);
	assert_int_equal(offer(fx->st, ada2, NULL, T0 + 1, &a2), 0);
	assert_int_equal(offer(fx->st, bo, NULL, T0 + 2, &b1), 0);
	assert_int_equal(store_inbox_decline(fx->st, b1), 0);
	assert_int_equal(store_inbox_decline(fx->st, b1), -ENOENT);
	assert_int_equal(store_is_blocked(fx->st, ada->key), 0);
	assert_int_equal(store_inbox_block(fx->st, a1, T0 + 5), 0);
	assert_int_equal(store_is_blocked(fx->st, ada->key), 1);
	assert_int_equal(store_is_blocked(fx->st, bo->key), 0);
	/* Every offer from the blocked identity went with it; nobody was added. */
	assert_int_equal(store_inbox_list(fx->st, T0 + 10, &list, &n), 0);
	assert_int_equal(n, 0);
	free(list);
	assert_int_equal(store_inbox_block(fx->st, a2, T0 + 5), -ENOENT);
	card_free(ada);
	card_free(ada2);
	card_free(bo);
}

/* An offer's number is what the user types: once shown, it never names another offer. */
static void
test_store_inbox_ids_not_reused(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card(1, "Ada", 3, NULL), *bo = tu_card(2, "Bo", 1, NULL);
	int64_t a, b, b2;

	assert_int_equal(offer(fx->st, ada, NULL, T0, &a), 0);
	assert_int_equal(offer(fx->st, bo, NULL, T0, &b), 0);
	assert_int_equal(store_inbox_decline(fx->st, b), 0);
	tu_store_reopen(fx);
	assert_int_equal(offer(fx->st, bo, NULL, T0 + 1, &b2), 0);
	assert_true(b2 > b);
	assert_int_equal(store_inbox_decline(fx->st, b), -ENOENT);
	card_free(ada);
	card_free(bo);
}

/* The inbox keeps; intake.c limits. The same offer again is kept once. */
static void
test_store_inbox_put_duplicate(void **state)
{
	struct tu_store *fx = *state;
	unsigned waiting;
	int64_t id;

	for (int i = 0; i < 6; i++) {
		struct card *c = tu_card(1, "Ada", (uint64_t)i + 1, NULL);

		assert_int_equal(offer(fx->st, c, "198.51.100.7", T0 + (uint64_t)i, &id), 0);
		assert_int_equal(offer(fx->st, c, "198.51.100.7", T0 + (uint64_t)i, &id), -EEXIST);
		card_free(c);
	}
	assert_int_equal(store_inbox_count(fx->st, T0 + 10, 100, &waiting), 0);
	assert_int_equal(waiting, 6);
	/* The count stops at its cap, and expired offers do not count. */
	assert_int_equal(store_inbox_count(fx->st, T0 + 10, 4, &waiting), 0);
	assert_int_equal(waiting, 4);
	assert_int_equal(store_inbox_count(fx->st, T0 + DAY + 10, 100, &waiting), 0);
	assert_int_equal(waiting, 0);
}

/* A card that expires while it waits: not shown once expired, and accept keeps nothing. */
static void
test_store_inbox_card_expiry(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card_expiring(1, "Ada", 3, T0 + 100);
	struct inbox_offer *list;
	struct contact *people;
	int64_t id, person = -1;
	size_t n;

	assert_int_equal(offer(fx->st, ada, NULL, T0, &id), 0);
	assert_int_equal(store_inbox_list(fx->st, T0 + 99, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].expires, T0 + 100); /* the card's, sooner than a day */
	inbox_offer_free_all(list, n);
	assert_int_equal(store_inbox_list(fx->st, T0 + 100, &list, &n), 0);
	assert_int_equal(n, 0);
	free(list);
	assert_int_equal(store_inbox_accept(fx->st, id, T0 + 100, NULL, &person), -ETIME);
	assert_int_equal(person, -1);
	assert_int_equal(store_contacts(fx->st, NULL, &people, &n), 0);
	assert_int_equal(n, 0);
	free(people);
	/* It is gone: a second try finds nothing. */
	assert_int_equal(store_inbox_accept(fx->st, id, T0 + 100, NULL, NULL), -ENOENT);
	card_free(ada);
}

/* The recovery from a flood: every offer, or those from one address. */
static void
test_store_inbox_decline_all(void **state)
{
	struct tu_store *fx = *state;
	struct inbox_offer *list;
	size_t n, gone;
	int64_t id;

	for (int i = 0; i < 5; i++) {
		struct card *c = tu_card((uint8_t)(10 + i), "Someone", 1, NULL);

		assert_int_equal(offer(fx->st, c, i < 3 ? "198.51.100.7" : "192.0.2.1", T0, &id),
		                 0);
		card_free(c);
	}
	assert_int_equal(store_inbox_decline_all(fx->st, "198.51.100.7", &gone), 0);
	assert_int_equal(gone, 3);
	assert_int_equal(store_inbox_list(fx->st, T0, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].addr, "192.0.2.1");
	inbox_offer_free_all(list, n);
	assert_int_equal(store_inbox_decline_all(fx->st, NULL, &gone), 0);
	assert_int_equal(gone, 2);
	assert_int_equal(store_inbox_count(fx->st, T0, 100, (unsigned *)&id), 0);
	assert_int_equal((unsigned)id, 0);
}

static void
test_store_inbox_expiry(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card(1, "Ada", 3, NULL);
	struct inbox_offer *list;
	size_t n, dropped;
	int64_t id;

	assert_int_equal(offer(fx->st, ada, NULL, T0, &id), 0);
	assert_int_equal(store_inbox_list(fx->st, T0 + DAY, &list, &n), 0);
	assert_int_equal(n, 0); /* expired offers are not shown */
	free(list);
	assert_int_equal(store_inbox_accept(fx->st, id, T0 + DAY, NULL, NULL), -ETIME);
	assert_int_equal(offer(fx->st, ada, NULL, T0 + 1, &id), 0);
	assert_int_equal(store_inbox_expire(fx->st, T0 + DAY + 1, &dropped), 0);
	assert_int_equal(dropped, 1);
	card_free(ada);
}

static void
test_store_inbox_rejects(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card(1, "Ada", 3, NULL);
	uint8_t oid[32] = { 9 };
	int64_t id;

	assert_int_equal(
	        store_inbox_put(fx->st, ada, "", false, NULL, 0, NULL, oid, NULL, T0, DAY, &id),
	        -EINVAL);
	assert_int_equal(store_inbox_put(fx->st, ada, "a\x1b", false, NULL, 0, NULL, oid, NULL, T0,
	                                 DAY, &id),
	                 -EINVAL);
	assert_int_equal(
	        store_inbox_put(fx->st, ada, NULL, false, NULL, 0, "", oid, NULL, T0, DAY, &id),
	        -EINVAL);
	card_free(ada);
}

/* An offer kept without keys (before schema 5) can be accepted, and says it has none. */
static void
test_store_inbox_without_keys(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card(1, "Ada", 3, NULL);
	struct store_recognition *rec;
	struct inbox_offer taken;
	uint8_t oid[32] = { 7 };
	int64_t id, person;
	size_t n;

	assert_int_equal(store_inbox_put(fx->st, ada, NULL, true, "192.0.2.1", 47001, NULL, oid,
	                                 NULL, T0, DAY, &id),
	                 0);
	assert_int_equal(store_inbox_accept(fx->st, id, T0 + 1, &taken, &person), 0);
	assert_false(taken.has_keys);
	inbox_offer_clear(&taken);
	assert_int_equal(store_recognition_list(fx->st, &rec, &n), 0);
	assert_int_equal(n, 0);
	free(rec);
	card_free(ada);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_store_setup, tu_store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_inbox_accept),         T(test_store_inbox_decline_and_block),
		T(test_store_inbox_ids_not_reused), T(test_store_inbox_put_duplicate),
		T(test_store_inbox_card_expiry),    T(test_store_inbox_decline_all),
		T(test_store_inbox_expiry),         T(test_store_inbox_rejects),
		T(test_store_inbox_without_keys),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
