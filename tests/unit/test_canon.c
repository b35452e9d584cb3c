/* canon: the canonical and search forms of what people type, in several scripts. */
#include <string.h>

#include "testutil.h"
#include "wallflower/canon.h"

struct form_case {
	const char *in;
	const char *want;
};

/* Checks fn over cases; every result is NUL-terminated and owned by the caller. */
static void
check_forms(char *(*fn)(const char *, size_t), const struct form_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *got = fn(c[i].in, strlen(c[i].in));

		if (got == NULL || strcmp(got, c[i].want) != 0)
			fail_msg("'%s': got '%s' (errno %d), want '%s'", c[i].in,
			         got != NULL ? got : "(NULL)", errno, c[i].want);
		free(got);
	}
}

static void
test_canon_form_latin(void **state)
{
	static const struct form_case cases[] = {
		{ "Wikis", "wikis" },
		{ "WIKIS", "wikis" },
		{ "María", "maría" }, /* precomposed stays composed, lower case */
		{ "Mari\xcc\x81"
		  "a",
		  "maría" }, /* i + U+0301: composed to í */
		{ "ZOË", "zoë" },
		{ "Straße", "strasse" }, /* ß folds to ss */
		{ "STRASSE", "strasse" },
		{ "\xe1\xba\x9e", "ss" }, /* capital sharp s */
		{ "Việt Nam", "việt nam" },
	};

	(void)state;
	check_forms(canon_form, cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_canon_form_turkish(void **state)
{
	/* Default (not Turkic) case folding: İ is i with a combining dot above, which the
	 * canonical form keeps and the search form drops; dotless ı stays its own letter. */
	static const struct form_case form[] = {
		{ "İstanbul", "i\xcc\x87stanbul" },
		{ "ıspanak", "ıspanak" },
		{ "ISPANAK", "ispanak" },
	};
	static const struct form_case search[] = {
		{ "İstanbul", "istanbul" },
		{ "ıspanak", "ıspanak" },
	};

	(void)state;
	check_forms(canon_form, form, sizeof(form) / sizeof(form[0]));
	check_forms(canon_search, search, sizeof(search) / sizeof(search[0]));
}

static void
test_canon_form_greek(void **state)
{
	/* Final sigma, medial sigma and capital sigma are one letter. */
	static const struct form_case cases[] = {
		{ "ΟΔΟΣ", "οδοσ" },
		{ "οδος", "οδοσ" },
		{ "οδοσ", "οδοσ" },
		{ "Σοφία", "σοφία" },
	};

	(void)state;
	check_forms(canon_form, cases, sizeof(cases) / sizeof(cases[0]));
	assert_true(canon_equal("ΟΔΟΣ", strlen("ΟΔΟΣ"), "οδος", strlen("οδος")));
}

static void
test_canon_form_cyrillic(void **state)
{
	static const struct form_case cases[] = {
		{ "МОСКВА", "москва" },
		{ "Москва", "москва" },
		{ "Ёлка", "ёлка" },
	};

	(void)state;
	check_forms(canon_form, cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_canon_form_compatibility(void **state)
{
	static const struct form_case cases[] = {
		{ "ｗｉｋｉｓ", "wikis" }, /* fullwidth */
		{ "ＷＩＫＩＳ", "wikis" },
		{ "ﬁle", "file" },      /* ligature */
		{ "①", "1" },           /* circled digit */
		{ "x²", "x2" },         /* superscript */
		{ "Ⅻ", "xii" },         /* Roman numeral twelve */
		{ "㎒", "mhz" },        /* a square unit: upper case only after decomposition */
		{ "ℍ", "h" },           /* double-struck capital */
		{ "ｶﾀｶﾅ", "カタカナ" }, /* halfwidth katakana */
	};

	(void)state;
	check_forms(canon_form, cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_canon_form_unchanged_scripts(void **state)
{
	/* No case, nothing to decompose: only trimming changes them. */
	static const struct form_case cases[] = {
		{ "東京", "東京" },   { "  東京大学  ", "東京大学" }, { "한국어", "한국어" },
		{ "שלום", "שלום" },   { "\tمرحبا ", "مرحبا" },        { "สมศรี", "สมศรี" },
		{ "हिन्दी", "हिन्दी" },
	};

	(void)state;
	check_forms(canon_form, cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_canon_form_space(void **state)
{
	static const struct form_case cases[] = {
		{ "  Ada  Lovelace ", "ada lovelace" },
		{ "\tAda\t\tLovelace\n", "ada lovelace" },
		{ "Ada\xc2\xa0Lovelace", "ada lovelace" }, /* NBSP */
		{ "\xe3\x80\x80"
		  "Ada\xe3\x80\x80\xe3\x80\x80Lovelace",
		  "ada lovelace" },                              /* U+3000 */
		{ "Ada \xe2\x80\x83 Lovelace", "ada lovelace" }, /* em space */
		{ "", "" },
		{ "   ", "" },
		{ "\t\xc2\xa0\xe3\x80\x80", "" },
	};

	(void)state;
	check_forms(canon_form, cases, sizeof(cases) / sizeof(cases[0]));
	check_forms(canon_search, cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_canon_form_invalid(void **state)
{
	static const struct {
		const char *s;
		size_t n;
	} cases[] = {
		{ "ab\xff", 3 },           /* not UTF-8 */
		{ "\xc3", 1 },             /* truncated */
		{ "\xc0\xaf", 2 },         /* overlong */
		{ "\xed\xa0\x80", 3 },     /* a surrogate */
		{ "\xf4\x90\x80\x80", 4 }, /* above U+10FFFF */
		{ "ab\0cd", 5 },           /* a NUL inside */
		{ "\0", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		errno = 0;
		if (canon_form(cases[i].s, cases[i].n) != NULL || errno != EINVAL)
			fail_msg("canon_form case %zu accepted", i);
		errno = 0;
		if (canon_search(cases[i].s, cases[i].n) != NULL || errno != EINVAL)
			fail_msg("canon_search case %zu accepted", i);
	}
}

static void
test_canon_search_accents(void **state)
{
	static const struct form_case cases[] = {
		{ "María", "maria" },
		{ "Mari\xcc\x81"
		  "a",
		  "maria" },
		{ "ZOË", "zoe" },
		{ "Zoë", "zoe" },
		{ "Việt Nam", "viet nam" },
		{ "Ōsaka", "osaka" },
		{ "naïve café", "naive cafe" },
		{ "Ёлка", "елка" },
		{ "Σοφία", "σοφια" },
		{ "שָׁלוֹם", "שלום" }, /* Hebrew points */
		{ "مُحَمَّد", "محمد" }, /* Arabic vowel marks */
		/* Not accents: Thai and Devanagari vowel signs, viramas, kana voicing. */
		{ "สมศรี", "สมศรี" },
		{ "हिन्दी", "हिन्दी" },
		{ "が", "が" },
		{ "ｗｉｋｉｓ", "wikis" },
	};

	(void)state;
	check_forms(canon_search, cases, sizeof(cases) / sizeof(cases[0]));
	/* The canonical form keeps them: "Zoë" and "Zoe" are two topics, one search. */
	assert_false(canon_equal("Zoë", strlen("Zoë"), "Zoe", 3));
	assert_true(canon_equal("Zoë", strlen("Zoë"), "ZOË", strlen("ZOË")));
}

/* Collects words as "w1|w2|..." for comparison. */
struct words {
	char buf[256];
	int calls;
	int stop_at; /* return 42 on this call (1-based), 0 never */
};

static int
collect(const char *word, size_t len, void *arg)
{
	struct words *w = arg;
	size_t at = strlen(w->buf);

	w->calls++;
	assert_true(len > 0);
	assert_true(at + len + 2 < sizeof(w->buf));
	if (at > 0)
		w->buf[at++] = '|';
	memcpy(w->buf + at, word, len);
	w->buf[at + len] = '\0';
	return w->calls == w->stop_at ? 42 : 0;
}

static void
test_canon_each_word_split(void **state)
{
	static const struct form_case cases[] = {
		{ "grace@navy.mil", "grace|navy|mil" },
		{ "Grace  Hopper", "grace|hopper" },
		{ "María-José O'Brien", "maria|jose|o|brien" },
		{ "ZOË", "zoe" },
		{ "ｗｉｋｉｓ，ＷＩＫＩ", "wikis|wiki" }, /* fullwidth comma separates */
		{ "東京 大学", "東京|大学" },
		{ "C++ & Rust 2024", "c|rust|2024" },
		{ "x²", "x2" },
		{ "", "" },
		{ " @@ ", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct words w = { .buf = "" };

		assert_int_equal(canon_each_word(cases[i].in, strlen(cases[i].in), collect, &w), 0);
		if (strcmp(w.buf, cases[i].want) != 0)
			fail_msg("'%s': got '%s', want '%s'", cases[i].in, w.buf, cases[i].want);
	}
}

static void
test_canon_each_word_stop(void **state)
{
	struct words w = { .buf = "", .stop_at = 2 };

	(void)state;
	assert_int_equal(canon_each_word("one two three", 13, collect, &w), 42);
	assert_int_equal(w.calls, 2);
	assert_string_equal(w.buf, "one|two");
}

static void
test_canon_each_word_invalid(void **state)
{
	struct words w = { .buf = "" };

	(void)state;
	assert_int_equal(canon_each_word("ab\xff", 3, collect, &w), -EINVAL);
	assert_int_equal(canon_each_word("a\0b", 3, collect, &w), -EINVAL);
	assert_int_equal(w.calls, 0);
}

static void
test_canon_equal_cases(void **state)
{
	(void)state;
	assert_true(canon_equal("Wikis", 5, " wikis ", 7));
	assert_true(canon_equal("ｗｉｋｉｓ", strlen("ｗｉｋｉｓ"), "WIKIS", 5));
	assert_true(canon_equal("Straße", strlen("Straße"), "STRASSE", 7));
	assert_false(canon_equal("wikis", 5, "wiki", 4));
	/* Invalid UTF-8 compares bytes: equal only to itself. */
	assert_true(canon_equal("a\xff", 2, "a\xff", 2));
	assert_false(canon_equal("A\xff", 2, "a\xff", 2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canon_form_latin),
		cmocka_unit_test(test_canon_form_turkish),
		cmocka_unit_test(test_canon_form_greek),
		cmocka_unit_test(test_canon_form_cyrillic),
		cmocka_unit_test(test_canon_form_compatibility),
		cmocka_unit_test(test_canon_form_unchanged_scripts),
		cmocka_unit_test(test_canon_form_space),
		cmocka_unit_test(test_canon_form_invalid),
		cmocka_unit_test(test_canon_search_accents),
		cmocka_unit_test(test_canon_each_word_split),
		cmocka_unit_test(test_canon_each_word_stop),
		cmocka_unit_test(test_canon_each_word_invalid),
		cmocka_unit_test(test_canon_equal_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
