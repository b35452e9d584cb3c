/*
 * store_outbox: the offers we made: keep, list, get, retry, deliver, fail, expire, and the
 * card back, which is kept only when it comes from the presence key the offer was
 * delivered to. For brevity each person's session here uses their identity key's bytes as
 * its presence key: the store compares 32 bytes, whatever they are. The fixture's teardown
 * runs store_check (integrity and foreign keys) after every test.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h> /* only to turn a store back into version 2, as that release left it */

#include "testutil.h"
#include "wallflower/peermsg.h"
#include "wallflower/store.h"

#define T0  1790000000
#define DAY 86400

/* Our card: the one every test offers. */
static struct card *
me(void)
{
	return tu_card(9, "Me", 1, NULL);
}

/* Offers mine to target, at the event "Intranet Now", retried for a day. */
static int
put(struct store *st, const char *target, const struct card *mine, bool reply, uint64_t now,
    int64_t *id)
{
	return store_outbox_put(st, target, mine->envelope, mine->envelope_len, "Loved your talk",
	                        "Intranet Now", reply, now, DAY, id);
}

static void
offer_id(const struct card *mine, uint8_t re[PEERMSG_ID_LEN])
{
	peermsg_offer_id(mine->envelope, mine->envelope_len, re);
}

static size_t
people(struct store *st)
{
	struct contact *list;
	size_t n;

	assert_int_equal(store_contacts(st, NULL, &list, &n), 0);
	contact_free_all(list, n);
	return n;
}

static enum outbox_state
state_of(struct store *st, int64_t id)
{
	struct outbox_offer o;
	enum outbox_state s;

	assert_int_equal(store_outbox_get(st, id, &o), 0);
	s = o.state;
	outbox_offer_clear(&o);
	return s;
}

static size_t
offers(struct store *st)
{
	struct outbox_offer *list;
	size_t n;

	assert_int_equal(store_outbox_list(st, false, &list, &n), 0);
	outbox_offer_free_all(list, n);
	return n;
}

static void
test_store_outbox_put_list_get(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me();
	uint8_t re[PEERMSG_ID_LEN];
	struct outbox_offer *list, o;
	int64_t a, b;
	size_t n;

	offer_id(mine, re);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0, &a), 0);
	assert_int_equal(store_outbox_put(fx->st, "Bo", mine->envelope, mine->envelope_len, NULL,
	                                  NULL, false, T0 + 1, DAY, &b),
	                 0);
	assert_true(a > 0 && b > a);
	assert_int_equal(store_outbox_list(fx->st, false, &list, &n), 0);
	assert_int_equal(n, 2);
	/* Oldest first, every field as put. */
	assert_int_equal(list[0].id, a);
	assert_string_equal(list[0].target, "Ada's laptop");
	assert_false(list[0].has_peer_static);
	assert_int_equal(list[0].envelope_len, mine->envelope_len);
	assert_memory_equal(list[0].envelope, mine->envelope, mine->envelope_len);
	assert_memory_equal(list[0].offer_id, re, sizeof(re));
	assert_string_equal(list[0].note, "Loved your talk");
	assert_string_equal(list[0].event, "Intranet Now");
	assert_true(list[0].reply);
	assert_int_equal(list[0].state, OUTBOX_PENDING);
	assert_int_equal(list[0].tries, 0);
	assert_int_equal(list[0].created, T0);
	assert_int_equal(list[0].expires, T0 + DAY);
	assert_int_equal(list[1].id, b);
	assert_null(list[1].note);
	assert_null(list[1].event);
	assert_false(list[1].reply);
	/* The same card to two people: one offer id. */
	assert_memory_equal(list[1].offer_id, re, sizeof(re));
	outbox_offer_free_all(list, n);

	assert_int_equal(store_outbox_tried(fx->st, a), 0);
	assert_int_equal(store_outbox_tried(fx->st, a), 0);
	assert_int_equal(store_outbox_get(fx->st, a, &o), 0);
	assert_int_equal(o.tries, 2);
	assert_string_equal(o.target, "Ada's laptop");
	outbox_offer_clear(&o);
	assert_int_equal(store_outbox_get(fx->st, b + 100, &o), -ENOENT);
	assert_null(o.target);
	assert_int_equal(store_outbox_tried(fx->st, b + 100), -ENOENT);

	/* pending_only leaves out the rest. A failed offer keeps why, for the user. */
	assert_int_equal(store_outbox_failed(fx->st, a, "bad\x1b"), -EINVAL);
	assert_int_equal(store_outbox_failed(fx->st, a, "refused by the peer: not-yours"), 0);
	assert_int_equal(store_outbox_list(fx->st, true, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, b);
	assert_null(list[0].reason);
	outbox_offer_free_all(list, n);
	assert_int_equal(store_outbox_get(fx->st, a, &o), 0);
	assert_string_equal(o.reason, "refused by the peer: not-yours");
	outbox_offer_clear(&o);
	assert_string_equal(outbox_state_name(OUTBOX_PENDING), "pending");
	assert_string_equal(outbox_state_name(OUTBOX_DELIVERED), "delivered");
	assert_string_equal(outbox_state_name(OUTBOX_ANSWERED), "answered");
	assert_string_equal(outbox_state_name(OUTBOX_FAILED), "failed");
	assert_string_equal(outbox_state_name((enum outbox_state)42), "unknown");
	outbox_offer_clear(NULL);
	outbox_offer_free_all(NULL, 3);
	card_free(mine);
}

static void
test_store_outbox_put_cap(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me();
	int64_t id, first = 0;
	char target[16];

	for (int i = 0; i < STORE_OUTBOX_MAX; i++) {
		snprintf(target, sizeof(target), "peer %d", i);
		assert_int_equal(put(fx->st, target, mine, true, T0, &id), 0);
		first = first ? first : id;
	}
	assert_int_equal(put(fx->st, "one too many", mine, true, T0, &id), -EDQUOT);
	assert_int_equal(id, 0);
	assert_int_equal(offers(fx->st), STORE_OUTBOX_MAX);
	/* Only pending offers count: one given up on makes room. */
	assert_int_equal(store_outbox_failed(fx->st, first, NULL), 0);
	assert_int_equal(put(fx->st, "one more", mine, true, T0, &id), 0);
	assert_int_equal(put(fx->st, "one too many", mine, true, T0, &id), -EDQUOT);
	/* Nor do those past their deadline, failed or not yet. */
	assert_int_equal(put(fx->st, "tomorrow", mine, true, T0 + DAY + 1, &id), 0);
	card_free(mine);
}

static void
test_store_outbox_put_invalid(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me();
	const uint8_t *env = mine->envelope;
	size_t len = mine->envelope_len;
	char long_target[STORE_OUTBOX_TARGET_MAX + 2], long_note[PEERMSG_NOTE_MAX + 2];
	char long_event[130];
	int64_t id = 7;

	memset(long_target, 'a', sizeof(long_target) - 1);
	long_target[sizeof(long_target) - 1] = '\0';
	memset(long_note, 'n', sizeof(long_note) - 1);
	long_note[sizeof(long_note) - 1] = '\0';
	memset(long_event, 'e', sizeof(long_event) - 1);
	long_event[sizeof(long_event) - 1] = '\0';

	/* target: present, 1..63 bytes, one line of valid text. */
	assert_int_equal(store_outbox_put(fx->st, NULL, env, len, NULL, NULL, true, T0, DAY, &id),
	                 -EINVAL);
	assert_int_equal(id, 0);
	assert_int_equal(store_outbox_put(fx->st, "", env, len, NULL, NULL, true, T0, DAY, &id),
	                 -EINVAL);
	assert_int_equal(
	        store_outbox_put(fx->st, long_target, env, len, NULL, NULL, true, T0, DAY, &id),
	        -EINVAL);
	assert_int_equal(store_outbox_put(fx->st, "a\nb", env, len, NULL, NULL, true, T0, DAY, &id),
	                 -EINVAL);
	assert_int_equal(
	        store_outbox_put(fx->st, "\xc3\x28", env, len, NULL, NULL, true, T0, DAY, &id),
	        -EINVAL);
	assert_int_equal(
	        store_outbox_put(fx->st, "a\xe2\x80\xae", env, len, NULL, NULL, true, T0, DAY, &id),
	        -EINVAL);
	/* note: 1..PEERMSG_NOTE_MAX bytes, one line. */
	assert_int_equal(store_outbox_put(fx->st, "Ada", env, len, "", NULL, true, T0, DAY, &id),
	                 -EINVAL);
	assert_int_equal(
	        store_outbox_put(fx->st, "Ada", env, len, long_note, NULL, true, T0, DAY, &id),
	        -EINVAL);
	assert_int_equal(
	        store_outbox_put(fx->st, "Ada", env, len, "a\x1b", NULL, true, T0, DAY, &id),
	        -EINVAL);
	/* event: store_met's rule. */
	assert_int_equal(store_outbox_put(fx->st, "Ada", env, len, NULL, "", true, T0, DAY, &id),
	                 -EINVAL);
	assert_int_equal(
	        store_outbox_put(fx->st, "Ada", env, len, NULL, long_event, true, T0, DAY, &id),
	        -EINVAL);
	assert_int_equal(store_outbox_put(fx->st, "Ada", env, len, NULL, "   ", true, T0, DAY, &id),
	                 -EINVAL);
	/* The card's bytes and the times. */
	assert_int_equal(store_outbox_put(fx->st, "Ada", env, 0, NULL, NULL, true, T0, DAY, &id),
	                 -EINVAL);
	assert_int_equal(store_outbox_put(fx->st, "Ada", NULL, len, NULL, NULL, true, T0, DAY, &id),
	                 -EINVAL);
	assert_int_equal(store_outbox_put(fx->st, "Ada", env, CARD_ENVELOPE_MAX + 1, NULL, NULL,
	                                  true, T0, DAY, &id),
	                 -EINVAL);
	assert_int_equal(
	        store_outbox_put(fx->st, "Ada", env, len, NULL, NULL, true, T0, UINT64_MAX, &id),
	        -EINVAL);
	assert_int_equal(offers(fx->st), 0);
	/* The longest of each passes. */
	long_target[STORE_OUTBOX_TARGET_MAX] = '\0';
	long_note[PEERMSG_NOTE_MAX] = '\0';
	long_event[128] = '\0';
	assert_int_equal(store_outbox_put(fx->st, long_target, env, len, long_note, long_event,
	                                  true, T0, DAY, &id),
	                 0);
	assert_int_equal(offers(fx->st), 1);
	card_free(mine);
}

static void
test_store_outbox_answer_stores_person(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me(), *ada = tu_card(1, "Ada", 3, NULL);
	uint8_t re[PEERMSG_ID_LEN];
	struct contact *list;
	struct outbox_offer o;
	int64_t id, person = 0;
	size_t n;

	offer_id(mine, re);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0, &id), 0);
	assert_int_equal(store_outbox_delivered(fx->st, id, ada->key, T0 + 10, DAY), 0);
	assert_int_equal(store_outbox_get(fx->st, id, &o), 0);
	assert_int_equal(o.state, OUTBOX_DELIVERED);
	assert_true(o.has_peer_static);
	assert_memory_equal(o.peer_static, ada->key, CRYPT_SIGN_PK);
	assert_int_equal(o.expires, T0 + 10 + DAY);
	outbox_offer_clear(&o);

	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 60, &person), 0);
	assert_true(person > 0);
	assert_int_equal(state_of(fx->st, id), OUTBOX_ANSWERED);
	assert_int_equal(store_contacts(fx->st, NULL, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, person);
	assert_string_equal(list[0].f.text[CARD_NAME], "Ada");
	assert_int_equal(list[0].n_met, 1);
	assert_string_equal(list[0].met[0].event, "Intranet Now");
	assert_int_equal(list[0].met[0].at, T0 + 60);
	contact_free_all(list, n);
	card_free(ada);
	card_free(mine);
}

static void
test_store_outbox_answer_wrong_key(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me(), *ada = tu_card(1, "Ada", 3, NULL),
	            *eve = tu_card(5, "Eve", 1, NULL);
	uint8_t re[PEERMSG_ID_LEN];
	int64_t id, person = 7;

	offer_id(mine, re);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0, &id), 0);
	assert_int_equal(store_outbox_delivered(fx->st, id, ada->key, T0, DAY), 0);
	/* Eve knows the offer id (it is a hash of a card we hand out), but is not Ada. */
	assert_int_equal(store_outbox_answer(fx->st, re, eve->key, eve, T0 + 60, &person), -ENOENT);
	assert_int_equal(person, 0);
	assert_int_equal(people(fx->st), 0);
	assert_int_equal(state_of(fx->st, id), OUTBOX_DELIVERED);
	/* Nor does Ada's card answer an offer id that is not ours. */
	re[0] ^= 1;
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 60, NULL), -ENOENT);
	assert_int_equal(people(fx->st), 0);
	card_free(eve);
	card_free(ada);
	card_free(mine);
}

static void
test_store_outbox_answer_undelivered(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me(), *ada = tu_card(1, "Ada", 3, NULL);
	uint8_t re[PEERMSG_ID_LEN];
	int64_t id;

	offer_id(mine, re);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0, &id), 0);
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 60, NULL), -ENOENT);
	/* Nor once given up on. */
	assert_int_equal(store_outbox_failed(fx->st, id, NULL), 0);
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 60, NULL), -ENOENT);
	assert_int_equal(people(fx->st), 0);
	assert_int_equal(state_of(fx->st, id), OUTBOX_FAILED);
	card_free(ada);
	card_free(mine);
}

static void
test_store_outbox_answer_expired(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me(), *ada = tu_card(1, "Ada", 3, NULL);
	uint8_t re[PEERMSG_ID_LEN];
	size_t changed;
	int64_t id;

	offer_id(mine, re);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0, &id), 0);
	assert_int_equal(store_outbox_delivered(fx->st, id, ada->key, T0, DAY), 0);
	/* Expiry leaves a delivered offer as it is ... */
	assert_int_equal(store_outbox_expire(fx->st, T0 + 2 * DAY, &changed), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(state_of(fx->st, id), OUTBOX_DELIVERED);
	/* ... but no card back is taken after its deadline. */
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + DAY + 1, NULL),
	                 -ENOENT);
	assert_int_equal(people(fx->st), 0);
	assert_int_equal(state_of(fx->st, id), OUTBOX_DELIVERED);
	/* The deadline itself is still in time. */
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + DAY, NULL), 0);
	assert_int_equal(people(fx->st), 1);
	card_free(ada);
	card_free(mine);
}

static void
test_store_outbox_answer_no_reply(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me(), *ada = tu_card(1, "Ada", 3, NULL);
	uint8_t re[PEERMSG_ID_LEN];
	int64_t id;

	offer_id(mine, re);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, false, T0, &id), 0);
	assert_int_equal(store_outbox_delivered(fx->st, id, ada->key, T0, DAY), 0);
	/* We did not ask for her card: one sent anyway is not taken. */
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 60, NULL), -ENOENT);
	assert_int_equal(people(fx->st), 0);
	assert_int_equal(state_of(fx->st, id), OUTBOX_DELIVERED);
	card_free(ada);
	card_free(mine);
}

static void
test_store_outbox_answer_blocked(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me(), *ada = tu_card(1, "Ada", 3, NULL);
	uint8_t re[PEERMSG_ID_LEN], oid[32] = { 1 };
	int64_t id, in, person = 7;

	offer_id(mine, re);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0, &id), 0);
	assert_int_equal(store_outbox_delivered(fx->st, id, ada->key, T0, DAY), 0);
	/* Ada is blocked the one way there is: from an offer of hers in the inbox. */
	assert_int_equal(
	        store_inbox_put(fx->st, ada, NULL, false, NULL, 0, NULL, oid, NULL, T0, DAY, &in),
	        0);
	assert_int_equal(store_inbox_block(fx->st, in, T0 + 1), 0);
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 60, &person), -EPERM);
	assert_int_equal(person, 0);
	assert_int_equal(people(fx->st), 0);
	assert_int_equal(state_of(fx->st, id), OUTBOX_DELIVERED);
	card_free(ada);
	card_free(mine);
}

static void
test_store_outbox_delivered_two_peers(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me(), *ada = tu_card(1, "Ada", 3, NULL),
	            *bo = tu_card(2, "Bo", 1, NULL);
	uint8_t re[PEERMSG_ID_LEN];
	int64_t a, b, pa = 0, pb = 0;

	offer_id(mine, re);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0, &a), 0);
	assert_int_equal(put(fx->st, "Bo's phone", mine, true, T0, &b), 0);
	assert_int_equal(store_outbox_delivered(fx->st, a, ada->key, T0, DAY), 0);
	assert_int_equal(store_outbox_delivered(fx->st, b, bo->key, T0, DAY), 0);
	assert_int_equal(offers(fx->st), 2);
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 60, &pa), 0);
	assert_int_equal(state_of(fx->st, a), OUTBOX_ANSWERED);
	assert_int_equal(state_of(fx->st, b), OUTBOX_DELIVERED);
	assert_int_equal(store_outbox_answer(fx->st, re, bo->key, bo, T0 + 60, &pb), 0);
	assert_true(pa > 0 && pb > 0 && pa != pb);
	assert_int_equal(state_of(fx->st, b), OUTBOX_ANSWERED);
	/* Each once. */
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 60, NULL), -ENOENT);
	assert_int_equal(store_outbox_answer(fx->st, re, bo->key, bo, T0 + 60, NULL), -ENOENT);
	assert_int_equal(people(fx->st), 2);
	card_free(bo);
	card_free(ada);
	card_free(mine);
}

static void
test_store_outbox_delivered_same_peer_twice(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me(), *ada = tu_card(1, "Ada", 3, NULL);
	uint8_t re[PEERMSG_ID_LEN];
	struct outbox_offer *list;
	int64_t a1, a2, a3;
	size_t n;

	offer_id(mine, re);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0, &a1), 0);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0 + 1, &a2), 0);
	assert_int_equal(store_outbox_delivered(fx->st, a1, ada->key, T0, DAY), 0);
	/* The same card to the same identity again: the later delivery replaces the earlier. */
	assert_int_equal(store_outbox_delivered(fx->st, a2, ada->key, T0 + 5, DAY), 0);
	assert_int_equal(store_outbox_list(fx->st, false, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, a2);
	assert_int_equal(list[0].state, OUTBOX_DELIVERED);
	assert_int_equal(list[0].expires, T0 + 5 + DAY);
	outbox_offer_free_all(list, n);
	/* Only pending offers are delivered. */
	assert_int_equal(store_outbox_delivered(fx->st, a1, ada->key, T0, DAY), -ENOENT);
	assert_int_equal(store_outbox_delivered(fx->st, a2, ada->key, T0, DAY), -ENOENT);
	assert_int_equal(store_outbox_delivered(fx->st, a2, ada->key, UINT64_MAX, DAY), -EINVAL);
	/* Also over an answered one. */
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 60, NULL), 0);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0 + 100, &a3), 0);
	assert_int_equal(store_outbox_delivered(fx->st, a3, ada->key, T0 + 100, DAY), 0);
	assert_int_equal(offers(fx->st), 1);
	assert_int_equal(state_of(fx->st, a3), OUTBOX_DELIVERED);
	card_free(ada);
	card_free(mine);
}

static void
test_store_outbox_answer_twice(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me(), *ada = tu_card(1, "Ada", 3, NULL),
	            *ada2 = tu_card(1, "Ada", 4, NULL);
	uint8_t re[PEERMSG_ID_LEN];
	struct contact *list;
	int64_t id;
	size_t n;

	offer_id(mine, re);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0, &id), 0);
	assert_int_equal(store_outbox_delivered(fx->st, id, ada->key, T0, 7 * DAY), 0);
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 60, NULL), 0);
	/* Two days later, within the answer time: a replay, even of a newer card, is refused
	 * and records no second meeting. */
	assert_int_equal(store_outbox_answer(fx->st, re, ada2->key, ada2, T0 + 2 * DAY, NULL),
	                 -ENOENT);
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 2 * DAY, NULL),
	                 -ENOENT);
	assert_int_equal(store_contacts(fx->st, NULL, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].rev, 3);
	assert_int_equal(list[0].n_met, 1);
	contact_free_all(list, n);
	card_free(ada2);
	card_free(ada);
	card_free(mine);
}

static void
test_store_outbox_reopen(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me(), *ada = tu_card(1, "Ada", 3, NULL);
	uint8_t re[PEERMSG_ID_LEN];
	struct outbox_offer o;
	int64_t id, pending;

	offer_id(mine, re);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0, &id), 0);
	assert_int_equal(put(fx->st, "Bo's phone", mine, true, T0, &pending), 0);
	assert_int_equal(store_outbox_tried(fx->st, pending), 0);
	assert_int_equal(store_outbox_delivered(fx->st, id, ada->key, T0, DAY), 0);
	tu_store_reopen(fx);
	assert_int_equal(store_outbox_get(fx->st, id, &o), 0);
	assert_int_equal(o.state, OUTBOX_DELIVERED);
	assert_memory_equal(o.peer_static, ada->key, CRYPT_SIGN_PK);
	assert_memory_equal(o.offer_id, re, sizeof(re));
	outbox_offer_clear(&o);
	assert_int_equal(store_outbox_get(fx->st, pending, &o), 0);
	assert_int_equal(o.state, OUTBOX_PENDING);
	assert_int_equal(o.tries, 1);
	outbox_offer_clear(&o);
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 60, NULL), 0);
	tu_store_reopen(fx);
	assert_int_equal(state_of(fx->st, id), OUTBOX_ANSWERED);
	assert_int_equal(people(fx->st), 1);
	card_free(ada);
	card_free(mine);
}

static void
test_store_outbox_expire_pending(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me(), *ada = tu_card(1, "Ada", 3, NULL);
	int64_t old, later, delivered;
	size_t changed = 7;

	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0, &old), 0);
	assert_int_equal(put(fx->st, "Bo's phone", mine, true, T0 + DAY, &later), 0);
	assert_int_equal(put(fx->st, "Cy", mine, true, T0, &delivered), 0);
	assert_int_equal(store_outbox_delivered(fx->st, delivered, ada->key, T0, 0), 0);
	/* The deadline itself is still in time. */
	assert_int_equal(store_outbox_expire(fx->st, T0 + DAY, &changed), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(store_outbox_expire(fx->st, T0 + DAY + 1, &changed), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(state_of(fx->st, old), OUTBOX_FAILED);
	assert_int_equal(state_of(fx->st, later), OUTBOX_PENDING);
	assert_int_equal(state_of(fx->st, delivered), OUTBOX_DELIVERED);
	/* A failed offer is done with: no retry, no delivery, no failing again. */
	assert_int_equal(store_outbox_tried(fx->st, old), -ENOENT);
	assert_int_equal(store_outbox_delivered(fx->st, old, ada->key, T0, DAY), -ENOENT);
	assert_int_equal(store_outbox_failed(fx->st, old, NULL), -ENOENT);
	assert_int_equal(store_outbox_expire(fx->st, T0 + DAY + 1, NULL), 0);
	card_free(ada);
	card_free(mine);
}

/* A store as schema version 2 left it: made with this build, then what versions 3 to 6
 * added taken away (the outbox turned back into the version-2 table, with a row in it; the
 * intake ledger and the name index gone), and user_version 2. */
static void
make_v2(struct tu_store *fx)
{
	static const char v2[] =
	        "DROP TABLE ask_made;" /* schema 9 */
	        "DROP INDEX inbox_via;"
	        "ALTER TABLE inbox DROP COLUMN via;"
	        "ALTER TABLE inbox DROP COLUMN intro;"
	        "ALTER TABLE inbox DROP COLUMN kind;"
	        "DROP TABLE in_person;" /* schema 8 */
	        "DROP TABLE person_word;"
	        "DROP INDEX topic_canon;"
	        "DROP INDEX event_canon;"
	        "DROP INDEX org_canon;"
	        "ALTER TABLE person DROP COLUMN vcard;"
	        "ALTER TABLE topic DROP COLUMN canon;"
	        "ALTER TABLE event DROP COLUMN canon;"
	        "ALTER TABLE org DROP COLUMN canon;"
	        "ALTER TABLE blocked DROP COLUMN name;"
	        "DROP TABLE recognition;"
	        "ALTER TABLE inbox DROP COLUMN recognition;"
	        "ALTER TABLE inbox DROP COLUMN peer_static;"
	        "ALTER TABLE inbox DROP COLUMN presence_sk;"
	        "DELETE FROM counter WHERE name = 'advert_slot';"
	        "DROP TABLE intake;"
	        "DROP INDEX person_name;"
	        "DROP TABLE outbox;"
	        "CREATE TABLE outbox (id INTEGER PRIMARY KEY,"
	        " peer_key BLOB CHECK (peer_key IS NULL OR length(peer_key) = 32),"
	        " envelope BLOB NOT NULL,"
	        " offer_id BLOB NOT NULL UNIQUE CHECK (length(offer_id) = 32),"
	        " note TEXT, event TEXT,"
	        " state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'answered', "
	        "'failed')),"
	        " created INTEGER NOT NULL, expires INTEGER NOT NULL) STRICT;"
	        "INSERT INTO outbox (envelope, offer_id, state, created, expires)"
	        " VALUES (x'00', zeroblob(32), 'pending', 1, 2);"
	        "PRAGMA user_version = 2;";
	sqlite3 *db;

	store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v2, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(chmod(fx->path, 0600), 0);
}

static void
test_store_outbox_migrates_from_v2(void **state)
{
	struct tu_store *fx = *state;
	struct card *mine = me(), *ada = tu_card(1, "Ada", 3, NULL);
	uint8_t re[PEERMSG_ID_LEN];
	struct card_fields cf;
	struct contact *list;
	int64_t person, a, b;
	size_t n;

	offer_id(mine, re);
	assert_int_equal(store_profile_set(fx->st, "default", CARD_NAME, "Me", NULL), 0);
	assert_int_equal(store_card_put(fx->st, ada, T0, NULL, &person), 0);
	assert_int_equal(store_met(fx->st, person, "Intranet Now", T0), 0);
	make_v2(fx);
	assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
	assert_int_equal(store_schema_version(fx->st), STORE_SCHEMA_VERSION);
	/* Everything else is kept. */
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_string_equal(cf.text[CARD_NAME], "Me");
	card_fields_clear(&cf);
	assert_int_equal(store_contacts(fx->st, NULL, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].met[0].event, "Intranet Now");
	contact_free_all(list, n);
	/* The outbox is the new one: empty (nothing wrote the old), and one card may go to
	 * two people. */
	assert_int_equal(offers(fx->st), 0);
	assert_int_equal(put(fx->st, "Ada's laptop", mine, true, T0, &a), 0);
	assert_int_equal(put(fx->st, "Bo's phone", mine, true, T0, &b), 0);
	assert_int_equal(store_outbox_delivered(fx->st, a, ada->key, T0, DAY), 0);
	assert_int_equal(store_outbox_answer(fx->st, re, ada->key, ada, T0 + 60, NULL), 0);
	assert_int_equal(offers(fx->st), 2);
	card_free(ada);
	card_free(mine);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_store_setup, tu_store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_outbox_put_list_get),
		T(test_store_outbox_put_cap),
		T(test_store_outbox_put_invalid),
		T(test_store_outbox_answer_stores_person),
		T(test_store_outbox_answer_wrong_key),
		T(test_store_outbox_answer_undelivered),
		T(test_store_outbox_answer_expired),
		T(test_store_outbox_answer_no_reply),
		T(test_store_outbox_answer_blocked),
		T(test_store_outbox_delivered_two_peers),
		T(test_store_outbox_delivered_same_peer_twice),
		T(test_store_outbox_answer_twice),
		T(test_store_outbox_reopen),
		T(test_store_outbox_expire_pending),
		T(test_store_outbox_migrates_from_v2),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
