/*
 * store_in_person: a verification in person is recorded by exact key, before or after the
 * card arrives, keeps the latest time, is never found by a key one bit away, and goes when
 * the person is forgotten.
 */
#include <string.h>

#include "testutil.h"
#include "wallflower/store.h"

#define T0 1790000000

static void
test_store_in_person_set_get(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card(1, "Ada", 1, NULL);
	uint8_t other[CRYPT_SIGN_PK];
	uint64_t at;
	int64_t id;

	assert_int_equal(store_in_person_get(fx->st, ada->key, &at), 0);
	assert_int_equal(at, 0);
	/* Verified before the card came: recorded all the same. */
	assert_int_equal(store_in_person_set(fx->st, ada->key, T0), 0);
	assert_int_equal(store_in_person_get(fx->st, ada->key, &at), 1);
	assert_int_equal(at, T0);
	assert_int_equal(store_person_by_key(fx->st, ada->key, &id), 0);
	assert_int_equal(store_card_put(fx->st, ada, T0, NULL, &id), 0);
	assert_int_equal(store_person_by_key(fx->st, ada->key, &id), 1);
	assert_true(id > 0);
	/* Again later: the latest time. */
	assert_int_equal(store_in_person_set(fx->st, ada->key, T0 + 60), 0);
	assert_int_equal(store_in_person_get(fx->st, ada->key, &at), 1);
	assert_int_equal(at, T0 + 60);
	/* The listing carries it, by exact key. */
	{
		struct contact *list;
		size_t n;

		assert_int_equal(store_contacts(fx->st, NULL, &list, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(list[0].in_person, T0 + 60);
		contact_free_all(list, n);
	}
	/* One bit away is somebody else. */
	memcpy(other, ada->key, sizeof(other));
	other[31] ^= 1;
	assert_int_equal(store_in_person_get(fx->st, other, &at), 0);
	assert_int_equal(store_person_by_key(fx->st, other, &id), 0);
	card_free(ada);
}

static void
test_store_in_person_forget(void **state)
{
	struct tu_store *fx = *state;
	struct card *ada = tu_card(1, "Ada", 1, NULL), *bo = tu_card(2, "Bo", 1, NULL);
	struct store_forgotten gone;
	int64_t a, b;
	uint64_t at;

	assert_int_equal(store_card_put(fx->st, ada, T0, NULL, &a), 0);
	assert_int_equal(store_card_put(fx->st, bo, T0, NULL, &b), 0);
	assert_int_equal(store_in_person_set(fx->st, ada->key, T0), 0);
	assert_int_equal(store_in_person_set(fx->st, bo->key, T0), 0);
	assert_int_equal(store_forget(fx->st, a, &gone), 0);
	assert_int_equal(store_in_person_get(fx->st, ada->key, &at), 0);
	assert_int_equal(store_in_person_get(fx->st, bo->key, &at), 1);
	card_free(ada);
	card_free(bo);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_in_person_set_get, tu_store_setup,
		                                tu_store_teardown),
		cmocka_unit_test_setup_teardown(test_store_in_person_forget, tu_store_setup,
		                                tu_store_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
