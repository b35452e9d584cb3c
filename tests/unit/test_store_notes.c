/*
 * store_notes: correcting and forgetting notes and follow-ups. Each change touches exactly
 * the row it names, refuses text the card rules refuse (leaving the old text), and says
 * -ENOENT for a number that names nothing.
 */
#include <string.h>

#include "testutil.h"
#include "wallflower/store.h"

#define T0  1790000000
#define DAY 86400

static int64_t
person(struct store *st, uint8_t seed, const char *name)
{
	struct card *card = tu_card(seed, name, 1, NULL);
	enum store_card_result got;
	int64_t id = 0;

	assert_int_equal(store_card_put(st, card, T0, &got, &id), 0);
	assert_int_equal(got, STORE_CARD_NEW);
	card_free(card);
	return id;
}

/* The notes of the one contact named name, in *c (clear with contact_clear). */
static void
contact_of(struct store *st, const char *name, struct contact *c)
{
	struct contact *list;
	size_t n;

	assert_int_equal(store_contact_find(st, name, &list, &n), 0);
	assert_int_equal(n, 1);
	*c = list[0];
	free(list);
}

static void
test_store_note_edit_replaces_text(void **state)
{
	struct tu_store *fx = *state;
	int64_t a = person(fx->st, 1, "Ada"), n1, n2;
	struct contact c;

	assert_int_equal(store_note_add(fx->st, a, "first", T0, &n1), 0);
	assert_int_equal(store_note_add(fx->st, a, "second", T0 + 60, &n2), 0);
	assert_int_equal(store_note_edit(fx->st, n1, "first, corrected\n  indented"), 0);
	contact_of(fx->st, "Ada", &c);
	assert_int_equal(c.n_notes, 2);
	assert_true(c.notes[0].id == n1);
	assert_string_equal(c.notes[0].text, "first, corrected\n  indented");
	assert_true(c.notes[0].at == T0); /* still when it was first written */
	assert_string_equal(c.notes[1].text, "second");
	contact_clear(&c);
}

static void
test_store_note_edit_errors(void **state)
{
	struct tu_store *fx = *state;
	int64_t a = person(fx->st, 1, "Ada"), n1;
	char big[STORE_NOTE_MAX + 2];
	struct contact c;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(store_note_add(fx->st, a, "keep me", T0, &n1), 0);
	assert_int_equal(store_note_edit(fx->st, n1 + 1, "x"), -ENOENT);
	assert_int_equal(store_note_edit(fx->st, 0, "x"), -ENOENT);
	assert_int_equal(store_note_edit(fx->st, n1, ""), -EINVAL);
	assert_int_equal(store_note_edit(fx->st, n1, big), -EINVAL);
	assert_int_equal(store_note_edit(fx->st, n1, "x\033[2J"), -EINVAL);
	assert_int_equal(store_note_edit(fx->st, n1,
	                                 "\xe2\x80\xae"
	                                 "evil"),
	                 -EINVAL);
	assert_int_equal(store_note_edit(fx->st, n1, "\xff"), -EINVAL);
	contact_of(fx->st, "Ada", &c);
	assert_int_equal(c.n_notes, 1);
	assert_string_equal(c.notes[0].text, "keep me");
	contact_clear(&c);
}

static void
test_store_note_delete_one(void **state)
{
	struct tu_store *fx = *state;
	int64_t a = person(fx->st, 1, "Ada"), b = person(fx->st, 2, "Bob"), n1, n2, n3;
	struct contact c;

	assert_int_equal(store_note_add(fx->st, a, "one", T0, &n1), 0);
	assert_int_equal(store_note_add(fx->st, a, "two", T0, &n2), 0);
	assert_int_equal(store_note_add(fx->st, b, "bob's", T0, &n3), 0);
	assert_int_equal(store_note_delete(fx->st, n1), 0);
	assert_int_equal(store_note_delete(fx->st, n1), -ENOENT);
	assert_int_equal(store_note_delete(fx->st, 9999), -ENOENT);
	contact_of(fx->st, "Ada", &c);
	assert_int_equal(c.n_notes, 1);
	assert_true(c.notes[0].id == n2);
	contact_clear(&c);
	contact_of(fx->st, "Bob", &c);
	assert_int_equal(c.n_notes, 1);
	assert_true(c.notes[0].id == n3);
	contact_clear(&c);
	/* A new note gets a new number, never the deleted one's (ids only grow while a
	 * larger one lives; n2 and n3 do). */
	assert_int_equal(store_note_add(fx->st, a, "three", T0, &n1), 0);
	assert_true(n1 > n3);
}

static void
test_store_followup_undo_reopens(void **state)
{
	struct tu_store *fx = *state;
	int64_t a = person(fx->st, 1, "Ada"), f;
	struct followup *list;
	size_t n;

	assert_int_equal(store_followup_add(fx->st, a, "call", T0, T0, &f), 0);
	assert_int_equal(store_followup_undo(fx->st, f), -EALREADY); /* open already */
	assert_int_equal(store_followup_done(fx->st, f), 0);
	assert_int_equal(store_followup_list(fx->st, true, T0 + DAY, &list, &n), 0);
	assert_int_equal(n, 0);
	free(list);
	assert_int_equal(store_followup_undo(fx->st, f), 0);
	assert_int_equal(store_followup_undo(fx->st, f), -EALREADY);
	assert_int_equal(store_followup_undo(fx->st, f + 1), -ENOENT);
	assert_int_equal(store_followup_list(fx->st, true, T0 + DAY, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_true(list[0].id == f && !list[0].done);
	followup_free_all(list, n);
}

static void
test_store_followup_edit_parts(void **state)
{
	struct tu_store *fx = *state;
	int64_t a = person(fx->st, 1, "Ada"), f, g;
	struct followup got;

	assert_int_equal(store_followup_add(fx->st, a, "call", T0, T0 - 5, &f), 0);
	assert_int_equal(store_followup_add(fx->st, a, "other", T0, T0 - 5, &g), 0);
	assert_int_equal(store_followup_edit(fx->st, f, "call back", 0), 0);
	assert_int_equal(store_followup_get(fx->st, f, &got), 0);
	assert_string_equal(got.text, "call back");
	assert_true(got.due == T0);
	followup_clear(&got);
	assert_int_equal(store_followup_edit(fx->st, f, NULL, T0 + 3 * DAY), 0);
	assert_int_equal(store_followup_get(fx->st, f, &got), 0);
	assert_string_equal(got.text, "call back");
	assert_true(got.due == T0 + 3 * DAY && got.created == T0 - 5);
	followup_clear(&got);
	assert_int_equal(store_followup_edit(fx->st, f, "write", T0 + DAY), 0);
	assert_int_equal(store_followup_get(fx->st, f, &got), 0);
	assert_string_equal(got.text, "write");
	assert_true(got.due == T0 + DAY);
	assert_string_equal(got.who, "Ada");
	followup_clear(&got);
	/* The other one is untouched. */
	assert_int_equal(store_followup_get(fx->st, g, &got), 0);
	assert_string_equal(got.text, "other");
	assert_true(got.due == T0);
	followup_clear(&got);
}

static void
test_store_followup_edit_errors(void **state)
{
	struct tu_store *fx = *state;
	int64_t a = person(fx->st, 1, "Ada"), f;
	struct followup got;

	assert_int_equal(store_followup_add(fx->st, a, "call", T0, T0, &f), 0);
	assert_int_equal(store_followup_edit(fx->st, f, NULL, 0), -EINVAL);
	assert_int_equal(store_followup_edit(fx->st, f, "", T0 + DAY), -EINVAL);
	assert_int_equal(store_followup_edit(fx->st, f, "two\nlines", T0 + DAY), -EINVAL);
	assert_int_equal(store_followup_edit(fx->st, f, "x\033", 0), -EINVAL);
	assert_int_equal(store_followup_edit(fx->st, f, NULL, UINT64_MAX), -EINVAL);
	assert_int_equal(store_followup_edit(fx->st, f + 1, "x", T0 + DAY), -ENOENT);
	assert_int_equal(store_followup_edit(fx->st, f + 1, NULL, T0 + DAY), -ENOENT);
	/* Nothing of a refused edit stays. */
	assert_int_equal(store_followup_get(fx->st, f, &got), 0);
	assert_string_equal(got.text, "call");
	assert_true(got.due == T0);
	followup_clear(&got);
}

/* A number once shown never names another note or follow-up: deleting the newest one does
 * not hand its number to the next. */
static void
test_store_note_numbers_not_reused(void **state)
{
	struct tu_store *fx = *state;
	int64_t a = person(fx->st, 1, "Ada"), n1, n2, f1, f2;

	assert_int_equal(store_note_add(fx->st, a, "first", T0, &n1), 0);
	assert_int_equal(store_note_delete(fx->st, n1), 0);
	assert_int_equal(store_note_add(fx->st, a, "second", T0, &n2), 0);
	assert_true(n2 > n1);
	assert_int_equal(store_followup_add(fx->st, a, "call", T0, T0, &f1), 0);
	assert_int_equal(store_followup_delete(fx->st, f1), 0);
	assert_int_equal(store_followup_add(fx->st, a, "write", T0, T0, &f2), 0);
	assert_true(f2 > f1);
}

static void
test_store_followup_delete_one(void **state)
{
	struct tu_store *fx = *state;
	int64_t a = person(fx->st, 1, "Ada"), f, g;
	struct followup *list, got;
	size_t n;

	assert_int_equal(store_followup_add(fx->st, a, "call", T0, T0, &f), 0);
	assert_int_equal(store_followup_add(fx->st, a, "write", T0, T0, &g), 0);
	assert_int_equal(store_followup_done(fx->st, g), 0);
	assert_int_equal(store_followup_delete(fx->st, f), 0);
	assert_int_equal(store_followup_delete(fx->st, f), -ENOENT);
	assert_int_equal(store_followup_delete(fx->st, 9999), -ENOENT);
	assert_int_equal(store_followup_get(fx->st, f, &got), -ENOENT);
	assert_int_equal(store_followup_done(fx->st, f), -ENOENT);
	assert_int_equal(store_followup_undo(fx->st, f), -ENOENT);
	assert_int_equal(store_followup_list(fx->st, false, 0, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_true(list[0].id == g && list[0].done); /* a done one can be deleted too */
	followup_free_all(list, n);
	assert_int_equal(store_followup_delete(fx->st, g), 0);
	assert_int_equal(store_followup_list(fx->st, false, 0, &list, &n), 0);
	assert_int_equal(n, 0);
	free(list);
}

static void
test_store_followup_get_fields(void **state)
{
	struct tu_store *fx = *state;
	int64_t a = person(fx->st, 7, "Grace Hopper"), f;
	struct followup got;
	struct contact c;

	assert_int_equal(store_followup_add(fx->st, a, "send the paper", T0 + DAY, T0, &f), 0);
	assert_int_equal(store_followup_get(fx->st, f, &got), 0);
	contact_of(fx->st, "Grace", &c);
	assert_true(got.id == f && got.contact_id == a && got.due == T0 + DAY &&
	            got.created == T0 && !got.done);
	assert_string_equal(got.who, "Grace Hopper");
	assert_string_equal(got.fpr, c.fpr);
	assert_string_equal(got.text, "send the paper");
	followup_clear(&got);
	contact_clear(&c);
	assert_int_equal(store_followup_get(fx->st, f + 1, &got), -ENOENT);
	assert_null(got.text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_note_edit_replaces_text, tu_store_setup,
		                                tu_store_teardown),
		cmocka_unit_test_setup_teardown(test_store_note_edit_errors, tu_store_setup,
		                                tu_store_teardown),
		cmocka_unit_test_setup_teardown(test_store_note_delete_one, tu_store_setup,
		                                tu_store_teardown),
		cmocka_unit_test_setup_teardown(test_store_followup_undo_reopens, tu_store_setup,
		                                tu_store_teardown),
		cmocka_unit_test_setup_teardown(test_store_followup_edit_parts, tu_store_setup,
		                                tu_store_teardown),
		cmocka_unit_test_setup_teardown(test_store_followup_edit_errors, tu_store_setup,
		                                tu_store_teardown),
		cmocka_unit_test_setup_teardown(test_store_note_numbers_not_reused, tu_store_setup,
		                                tu_store_teardown),
		cmocka_unit_test_setup_teardown(test_store_followup_delete_one, tu_store_setup,
		                                tu_store_teardown),
		cmocka_unit_test_setup_teardown(test_store_followup_get_fields, tu_store_setup,
		                                tu_store_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
