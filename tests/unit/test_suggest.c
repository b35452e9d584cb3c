/* suggest: the edit distance and the choice of "did you mean" names, case by case. */
#include <string.h>

#include "testutil.h"
#include "wallflower/suggest.h"

static const char *const verbs[] = { "init",   "id",       "contacts", "show",    "note",
	                             "forget", "followup", "block",    "blocked", "unblock" };
#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

static void
test_suggest_distance_cases(void **state)
{
	static const struct {
		const char *a, *b;
		size_t want;
	} cases[] = {
		{ "", "", 0 },
		{ "contacts", "contacts", 0 },
		{ "", "abc", 3 },
		{ "abc", "", 3 },
		{ "contcts", "contacts", 1 },   /* a deletion */
		{ "conntacts", "contacts", 1 }, /* an insertion */
		{ "contects", "contacts", 1 },  /* a substitution */
		{ "cnotacts", "contacts", 1 },  /* a swap of neighbours: one, not two */
		{ "ca", "abc", 3 },             /* optimal string alignment: no edit of a swap */
		{ "kitten", "sitting", 3 },
		{ "CONTACTS", "contacts", 0 }, /* ASCII case does not count */
		{ "\xc3\xa9", "e", 2 },        /* bytes: a two-byte character is two */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t got = suggest_distance(cases[i].a, cases[i].b);

		if (got != cases[i].want)
			fail_msg("case %zu: '%s' '%s': got %zu, want %zu", i, cases[i].a,
			         cases[i].b, got, cases[i].want);
	}
	(void)state;
}

static void
test_suggest_distance_too_long(void **state)
{
	char big[SUGGEST_NAME_MAX + 2];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(suggest_distance(big, "a"), SUGGEST_FAR);
	assert_int_equal(suggest_distance("a", big), SUGGEST_FAR);
	big[SUGGEST_NAME_MAX] = '\0'; /* exactly the limit: compared */
	assert_int_equal(suggest_distance(big, big), 0);
	(void)state;
}

/* The one index suggest_pick gives for typed, or -1 for none; fails on several. */
static int
pick_one(const char *typed)
{
	size_t out[4] = { 0 }, n = suggest_pick(typed, verbs, NVERBS, out, 4);

	if (n > 1)
		fail_msg("'%s': %zu suggestions", typed, n);
	return n == 1 ? (int)out[0] : -1;
}

/* The name suggest_pick gives for typed, or "" for none. */
static const char *
picked(const char *typed)
{
	int i = pick_one(typed);

	return i >= 0 && (size_t)i < NVERBS ? verbs[i] : "";
}

static void
test_suggest_pick_close(void **state)
{
	assert_string_equal(picked("contcts"), "contacts");
	assert_string_equal(picked("cnotacts"), "contacts");
	assert_string_equal(picked("sohw"), "show");
	assert_string_equal(picked("folowup"), "followup");
	assert_string_equal(picked("Contacts"), "contacts");
	(void)state;
}

static void
test_suggest_pick_prefix(void **state)
{
	/* Too far for the distance, but the start of one name only. */
	assert_string_equal(picked("cont"), "contacts");
	assert_string_equal(picked("foll"), "followup");
	(void)state;
}

static void
test_suggest_pick_nothing(void **state)
{
	assert_int_equal(pick_one(""), -1);
	assert_int_equal(pick_one("x"), -1); /* distance 2 to "id", but only one byte typed */
	assert_int_equal(pick_one("frobnicate"), -1);
	assert_int_equal(pick_one("co"), -1); /* a prefix, but too short to mean anything */
	(void)state;
}

static void
test_suggest_pick_several(void **state)
{
	size_t out[4] = { 0 };

	/* "blocke" is one from "block" and one from "blocked": both, in table order. */
	assert_int_equal(suggest_pick("blocke", verbs, NVERBS, out, 4), 2);
	assert_string_equal(verbs[out[0]], "block");
	assert_string_equal(verbs[out[1]], "blocked");
	/* max is respected. */
	assert_int_equal(suggest_pick("blocke", verbs, NVERBS, out, 1), 1);
	assert_string_equal(verbs[out[0]], "block");
	/* The closer one wins over one further away: "ntoe" is one swap from "note". */
	assert_int_equal(suggest_pick("ntoe", verbs, NVERBS, out, 4), 1);
	assert_string_equal(verbs[out[0]], "note");
	(void)state;
}

static void
test_suggest_pick_long_input(void **state)
{
	char big[4096];
	size_t out[4] = { 0 };

	memset(big, 'c', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(suggest_pick(big, verbs, NVERBS, out, 4), 0);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest_distance_cases),
		cmocka_unit_test(test_suggest_distance_too_long),
		cmocka_unit_test(test_suggest_pick_close),
		cmocka_unit_test(test_suggest_pick_prefix),
		cmocka_unit_test(test_suggest_pick_nothing),
		cmocka_unit_test(test_suggest_pick_several),
		cmocka_unit_test(test_suggest_pick_long_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
