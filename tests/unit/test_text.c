/* text: the character policy, case by case. */
#include <string.h>

#include "testutil.h"
#include "wallflower/text.h"

struct text_case {
	const char *s;
	size_t n; /* 0: strlen */
	unsigned flags;
	enum text_verdict want;
};

static void
run(const struct text_case *c, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		size_t n = c[i].n ? c[i].n : strlen(c[i].s);
		enum text_verdict got = text_check(c[i].s, n, c[i].flags);

		if (got != c[i].want)
			fail_msg("case %zu: got %d, want %d", i, got, c[i].want);
	}
}

static void
test_text_check_accepts(void **state)
{
	static const struct text_case cases[] = {
		{ "", 0, 0, TEXT_OK },
		{ "Ada Lovelace", 0, 0, TEXT_OK },
		{ "Zo\xc3\xab", 0, 0, TEXT_OK },       /* U+00EB */
		{ "\xe2\x82\xac", 0, 0, TEXT_OK },     /* U+20AC */
		{ "\xf0\x9f\x98\x80", 0, 0, TEXT_OK }, /* U+1F600 */
		{ "\xf4\x8f\xbf\xbd", 0, 0, TEXT_OK }, /* U+10FFFD */
		{ "\xed\x9f\xbf", 0, 0, TEXT_OK },     /* U+D7FF */
		{ "\xee\x80\x80", 0, 0, TEXT_OK },     /* U+E000 */
		{ "a\xe2\x80\x8d"
		  "b",
		  0, 0, TEXT_OK }, /* ZWJ */
		{ "a\xe2\x80\x8c"
		  "b",
		  0, 0, TEXT_OK },                                     /* ZWNJ */
		{ "\xd8\xb2\xdb\x8c\xd9\x86\xd8\xa8", 0, 0, TEXT_OK }, /* Arabic */
		{ "line\nline", 0, TEXT_ALLOW_LF, TEXT_OK },
		{ "~", 0, 0, TEXT_OK },
		{ "a\xc2\xa0"
		  "b",
		  0, 0, TEXT_OK },          /* U+00A0, just past C1 */
		{ " Ada ", 0, 0, TEXT_OK }, /* spaces around something visible */
	};

	(void)state;
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_text_check_bad_utf8(void **state)
{
	static const struct text_case cases[] = {
		{ "\x80", 0, 0, TEXT_BAD_UTF8 },             /* lone continuation */
		{ "\xc0\x80", 0, 0, TEXT_BAD_UTF8 },         /* overlong NUL */
		{ "\xc1\xbf", 0, 0, TEXT_BAD_UTF8 },         /* overlong */
		{ "\xe0\x9f\xbf", 0, 0, TEXT_BAD_UTF8 },     /* overlong 3-byte */
		{ "\xf0\x8f\xbf\xbf", 0, 0, TEXT_BAD_UTF8 }, /* overlong 4-byte */
		{ "\xed\xa0\x80", 0, 0, TEXT_BAD_UTF8 },     /* surrogate D800 */
		{ "\xed\xbf\xbf", 0, 0, TEXT_BAD_UTF8 },     /* surrogate DFFF */
		{ "\xf4\x90\x80\x80", 0, 0, TEXT_BAD_UTF8 }, /* U+110000 */
		{ "\xf5\x80\x80\x80", 0, 0, TEXT_BAD_UTF8 }, /* F5 lead */
		{ "\xff", 0, 0, TEXT_BAD_UTF8 },
		{ "\xe2\x82", 0, 0, TEXT_BAD_UTF8 },         /* truncated */
		{ "\xe2\x28\xa1", 0, 0, TEXT_BAD_UTF8 },     /* bad continuation */
		{ "a\x07\xff", 0, 0, TEXT_BAD_UTF8 },        /* ill-formed outranks control */
		{ "\xe2\x80\xae\xc0", 0, 0, TEXT_BAD_UTF8 }, /* and format */
	};

	(void)state;
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_text_check_control(void **state)
{
	static const struct text_case cases[] = {
		{ "a\0b", 3, 0, TEXT_CONTROL },
		{ "\x01", 0, 0, TEXT_CONTROL },
		{ "\x1f", 0, 0, TEXT_CONTROL },
		{ "\t", 0, 0, TEXT_CONTROL },
		{ "\r", 0, TEXT_ALLOW_LF, TEXT_CONTROL },
		{ "a\nb", 0, 0, TEXT_CONTROL },
		{ "\x7f", 0, 0, TEXT_CONTROL },
		{ "\xc2\x80", 0, 0, TEXT_CONTROL },
		{ "\xc2\x9f", 0, 0, TEXT_CONTROL },
		{ "\xe2\x80\xa8", 0, 0, TEXT_CONTROL }, /* line separator */
		{ "\xe2\x80\xa9", 0, 0, TEXT_CONTROL }, /* paragraph separator */
		{ "\x1b[2J", 0, 0, TEXT_CONTROL },
	};

	(void)state;
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_text_check_format(void **state)
{
	static const struct text_case cases[] = {
		{ "\xd8\x9c", 0, 0, TEXT_FORMAT },           /* U+061C */
		{ "\xe2\x80\x8e", 0, 0, TEXT_FORMAT },       /* LRM */
		{ "\xe2\x80\x8f", 0, 0, TEXT_FORMAT },       /* RLM */
		{ "\xe2\x80\xaa", 0, 0, TEXT_FORMAT },       /* LRE */
		{ "\xe2\x80\xae", 0, 0, TEXT_FORMAT },       /* RLO */
		{ "\xe2\x81\xa6", 0, 0, TEXT_FORMAT },       /* LRI */
		{ "\xe2\x81\xa9", 0, 0, TEXT_FORMAT },       /* PDI */
		{ "\xe2\x81\xaf", 0, 0, TEXT_FORMAT },       /* U+206F */
		{ "\xef\xbb\xbf", 0, 0, TEXT_FORMAT },       /* BOM */
		{ "\xef\xbf\xb9", 0, 0, TEXT_FORMAT },       /* U+FFF9 */
		{ "\xef\xb7\x90", 0, 0, TEXT_FORMAT },       /* U+FDD0 */
		{ "\xef\xbf\xbf", 0, 0, TEXT_FORMAT },       /* U+FFFF */
		{ "\xf0\x9f\xbf\xbe", 0, 0, TEXT_FORMAT },   /* U+1FFFE */
		{ "ok\xe2\x80\xae\x07", 0, 0, TEXT_FORMAT }, /* first rule broken wins */
	};

	(void)state;
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Text that shows nothing at all: only spaces, or characters with no glyph. */
static void
test_text_check_invisible(void **state)
{
	static const struct text_case cases[] = {
		{ " ", 0, 0, TEXT_BLANK },
		{ "   ", 0, 0, TEXT_BLANK },
		{ "\xc2\xa0", 0, 0, TEXT_BLANK },      /* no-break space */
		{ "\xe3\x80\x80 ", 0, 0, TEXT_BLANK }, /* ideographic space */
		{ "\xe2\x80\x8a", 0, 0, TEXT_BLANK },  /* hair space */
		{ "\xc2\xad", 0, 0, TEXT_FORMAT },     /* soft hyphen */
		{ "A\xe2\x80\x8b"
		  "da",
		  0, 0, TEXT_FORMAT },                        /* zero width space */
		{ "\xe2\x81\xa0", 0, 0, TEXT_FORMAT },        /* word joiner */
		{ "\xe3\x85\xa4", 0, 0, TEXT_FORMAT },        /* Hangul filler */
		{ "\xf3\xa0\x80\x81", 0, 0, TEXT_FORMAT },    /* U+E0001 language tag */
		{ "Ada\xf3\xa0\x81\xbf", 0, 0, TEXT_FORMAT }, /* U+E007F cancel tag */
		{ " \x07", 0, 0, TEXT_CONTROL },              /* a rule broken beats blank */
	};

	(void)state;
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_text_codepoints_counts(void **state)
{
	(void)state;
	assert_int_equal(text_codepoints("", 0), 0);
	assert_int_equal(text_codepoints("abc", 3), 3);
	assert_int_equal(text_codepoints("Zo\xc3\xab\xf0\x9f\x98\x80", 8), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_check_accepts),
		cmocka_unit_test(test_text_check_bad_utf8),
		cmocka_unit_test(test_text_check_control),
		cmocka_unit_test(test_text_check_format),
		cmocka_unit_test(test_text_check_invisible),
		cmocka_unit_test(test_text_codepoints_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
