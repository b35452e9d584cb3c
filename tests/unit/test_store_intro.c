/*
 * store_intro: what introductions keep. An ask or an intro waits in the inbox beside the
 * offers, once per object, and goes when its introducer is forgotten; the asks we made are
 * found by exact id until well past their expiry, with the hub they went to; a person's
 * current card and the newest ask waiting from them are found by exact key.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wallflower/intro.h"
#include "wallflower/store.h"

#define T0 1790000000

/* A stand-in object: the store keeps bytes that intro_check judged; it does not judge. */
static const uint8_t OBJ[] = { 0x92, 0xc4, 0x01, 0x80, 0xc4, 0x00 };

static void
test_store_intro_put_object(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card(2, "Ada", 1, NULL), *grace = tu_card(1, "Grace", 1, NULL);
	uint8_t id[32] = { 7 }, rk[32] = { 0x44 };
	struct inbox_offer *list;
	size_t n;
	int64_t row, again;

	assert_int_equal(store_inbox_put_object(fx->st, INBOX_INTRO, ada, grace->key, "hi", true,
	                                        rk, OBJ, sizeof(OBJ), id, "Hub Con", T0, T0 + 100,
	                                        &row),
	                 0);
	/* The same object again is kept once. */
	assert_int_equal(store_inbox_put_object(fx->st, INBOX_INTRO, ada, grace->key, "hi", true,
	                                        rk, OBJ, sizeof(OBJ), id, NULL, T0 + 1, T0 + 100,
	                                        &again),
	                 -EEXIST);
	/* An offer is not an object; no object is not one either. */
	assert_int_equal(store_inbox_put_object(fx->st, INBOX_OFFER, ada, NULL, NULL, false, NULL,
	                                        OBJ, sizeof(OBJ), (uint8_t[32]){ 8 }, NULL, T0,
	                                        T0 + 100, &again),
	                 -EINVAL);
	assert_int_equal(store_inbox_put_object(fx->st, INBOX_ASK, ada, NULL, NULL, false, NULL,
	                                        OBJ, 0, (uint8_t[32]){ 8 }, NULL, T0, T0 + 100,
	                                        &again),
	                 -EINVAL);
	assert_int_equal(store_inbox_list(fx->st, T0 + 1, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, row);
	assert_int_equal(list[0].kind, INBOX_INTRO);
	assert_string_equal(inbox_kind_name(list[0].kind), "intro");
	assert_true(list[0].has_via && list[0].has_rk && list[0].reply);
	assert_false(list[0].has_keys); /* nothing for a card back: the reply is an object */
	assert_memory_equal(list[0].via, grace->key, 32);
	assert_int_equal(list[0].expires, T0 + 100);
	assert_string_equal(list[0].note, "hi");
	inbox_offer_free_all(list, n);
	/* Gone when its time is. */
	assert_int_equal(store_inbox_list(fx->st, T0 + 100, &list, &n), 0);
	assert_int_equal(n, 0);
	free(list);
	card_free(ada);
	card_free(grace);
}

/* Forgetting the introducer drops their intros, and the asks we made to them. */
static void
test_store_intro_forget_introducer(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card(2, "Ada", 1, NULL), *grace = tu_card(1, "Grace", 1, NULL);
	struct store_forgotten gone;
	uint8_t hub[32];
	int64_t grace_id, row;
	bool reply;

	assert_int_equal(store_card_put(fx->st, grace, T0, NULL, &grace_id), 0);
	assert_int_equal(store_inbox_put_object(fx->st, INBOX_INTRO, ada, grace->key, NULL, false,
	                                        NULL, OBJ, sizeof(OBJ), (uint8_t[32]){ 1 }, NULL,
	                                        T0, T0 + 100, &row),
	                 0);
	assert_int_equal(
	        store_ask_made_put(fx->st, (uint8_t[32]){ 2 }, grace->key, T0, T0 + 100, true), 0);
	assert_int_equal(store_ask_made_get(fx->st, (uint8_t[32]){ 2 }, T0, hub, &reply), 0);
	assert_int_equal(store_forget(fx->st, grace_id, &gone), 0);
	assert_int_equal(gone.offers, 1);
	assert_int_equal(store_inbox_decline(fx->st, row), -ENOENT);
	assert_int_equal(store_ask_made_get(fx->st, (uint8_t[32]){ 2 }, T0, hub, &reply), -ENOENT);
	card_free(ada);
	card_free(grace);
}

/* Our asks, by exact id: kept INTRO_TTL_MAX past their expiry for late replies. */
static void
test_store_intro_ask_made(void **state)
{
	struct tu_store *fx = *state;
	uint8_t id[32] = { 1 }, other[32] = { 1 }, hub[32] = { 9 }, got[32];
	bool reply = false;

	other[31] = 1; /* one bit away */
	assert_int_equal(store_ask_made_put(fx->st, id, hub, T0, T0 + 100, true), 0);
	assert_int_equal(store_ask_made_get(fx->st, id, T0 + 1, got, &reply), 0);
	assert_memory_equal(got, hub, 32);
	assert_true(reply);
	assert_int_equal(store_ask_made_get(fx->st, other, T0 + 1, got, &reply), -ENOENT);
	assert_int_equal(store_ask_made_get(fx->st, id, T0 + 100 + INTRO_TTL_MAX - 1, got, &reply),
	                 0);
	assert_int_equal(store_ask_made_get(fx->st, id, T0 + 100 + INTRO_TTL_MAX, got, &reply),
	                 -ENOENT);
	/* A later ask clears those past any reply. */
	assert_int_equal(store_ask_made_put(fx->st, other, hub, T0 + 100 + INTRO_TTL_MAX,
	                                    T0 + 1000000, false),
	                 0);
	assert_int_equal(store_ask_made_get(fx->st, id, T0, got, &reply), -ENOENT);
}

/* The card an intro carries without an ask: the current one, by exact key. And the newest
 * ask waiting from someone. */
static void
test_store_intro_card_current_ask_waiting(void **state)
{
	struct tu_store *fx = *state;
	struct card *v1 = tu_card(2, "Ada", 1, NULL), *v2 = tu_card(2, "Ada L.", 2, NULL);
	struct card *bo = tu_card(3, "Bo", 1, NULL);
	uint8_t *env = NULL, newer[] = { 0x92, 0xc4, 0x01, 0x81, 0xc4, 0x00 };
	size_t len = 0;
	int64_t row;

	assert_int_equal(store_card_current(fx->st, v1->key, &env, &len), -ENOENT);
	assert_int_equal(store_card_put(fx->st, v1, T0, NULL, NULL), 0);
	assert_int_equal(store_card_put(fx->st, v2, T0, NULL, NULL), 0);
	assert_int_equal(store_card_current(fx->st, v1->key, &env, &len), 0);
	assert_int_equal(len, v2->envelope_len);
	assert_memory_equal(env, v2->envelope, len);
	free(env);
	assert_int_equal(store_ask_waiting(fx->st, v1->key, T0, &env, &len), -ENOENT);
	assert_int_equal(store_inbox_put_object(fx->st, INBOX_ASK, v2, NULL, NULL, true, NULL, OBJ,
	                                        sizeof(OBJ), (uint8_t[32]){ 1 }, NULL, T0, T0 + 100,
	                                        &row),
	                 0);
	assert_int_equal(store_inbox_put_object(fx->st, INBOX_ASK, v2, NULL, NULL, true, NULL,
	                                        newer, sizeof(newer), (uint8_t[32]){ 2 }, NULL,
	                                        T0 + 1, T0 + 100, &row),
	                 0);
	/* Someone else's ask is not Ada's. */
	assert_int_equal(store_inbox_put_object(fx->st, INBOX_ASK, bo, NULL, NULL, true, NULL, OBJ,
	                                        sizeof(OBJ), (uint8_t[32]){ 3 }, NULL, T0 + 2,
	                                        T0 + 100, &row),
	                 0);
	assert_int_equal(store_ask_waiting(fx->st, v1->key, T0 + 3, &env, &len), 0);
	assert_int_equal(len, sizeof(newer));
	assert_memory_equal(env, newer, len);
	free(env);
	assert_int_equal(store_ask_waiting(fx->st, v1->key, T0 + 100, &env, &len), -ENOENT);
	card_free(v1);
	card_free(v2);
	card_free(bo);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_store_setup, tu_store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_intro_put_object),
		T(test_store_intro_forget_introducer),
		T(test_store_intro_ask_made),
		T(test_store_intro_card_current_ask_waiting),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
