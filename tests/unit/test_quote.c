/* quote: what is escaped, what is kept, and where the cut falls. */
#include <string.h>

#include "testutil.h"
#include "wallflower/quote.h"

static const char *
q(const char *s, size_t max, unsigned flags)
{
	static char buf[256 + QUOTE_SLACK];

	assert_true(max <= 256);
	return quote_escape(buf, max, s, flags);
}

static void
test_quote_escape_plain(void **state)
{
	assert_string_equal(q("contacts", 80, QUOTE_QUOTED), "'contacts'");
	assert_string_equal(q("", 80, QUOTE_QUOTED), "''");
	assert_string_equal(q("Zo\xc3\xab \xe2\x82\xac", 80, QUOTE_QUOTED),
	                    "'Zo\xc3\xab \xe2\x82\xac'");
	assert_string_equal(q("a b", 80, 0), "a b");
	(void)state;
}

static void
test_quote_escape_controls(void **state)
{
	/* ESC, a bidi override, a C1 control, a line feed, DEL. */
	assert_string_equal(q("x\033[31my", 80, QUOTE_QUOTED), "'x\\x1b[31my'");
	assert_string_equal(q("a\xe2\x80\xae"
	                      "b",
	                      80, QUOTE_QUOTED),
	                    "'a\\u{202e}b'");
	assert_string_equal(q("\xc2\x9b", 80, 0), "\\u{009b}");
	assert_string_equal(q("one\ntwo", 80, 0), "one\\x0atwo");
	assert_string_equal(q("\x7f", 80, 0), "\\x7f");
	/* A zero-width joiner is allowed text (emoji sequences); a line separator is not. */
	assert_string_equal(q("a\xe2\x80\x8d"
	                      "b",
	                      80, 0),
	                    "a\xe2\x80\x8d"
	                    "b");
	assert_string_equal(q("\xe2\x80\xa8", 80, 0), "\\u{2028}");
	(void)state;
}

static void
test_quote_escape_bad_utf8(void **state)
{
	/* A lone continuation byte, a truncated sequence, an overlong form, a surrogate. */
	assert_string_equal(q("\x80", 80, 0), "\\x80");
	assert_string_equal(q("a\xe2\x82", 80, 0), "a\\xe2\\x82");
	assert_string_equal(q("\xc0\xaf", 80, 0), "\\xc0\\xaf");
	assert_string_equal(q("\xed\xa0\x80", 80, 0), "\\xed\\xa0\\x80");
	assert_string_equal(q("\xff"
	                      "a",
	                      80, 0),
	                    "\\xffa");
	(void)state;
}

static void
test_quote_escape_quotes(void **state)
{
	/* Quoted, a backslash and a quote are escaped: "\x1b" typed differs from ESC. */
	assert_string_equal(q("a\\x1b'b", 80, QUOTE_QUOTED), "'a\\\\x1b\\'b'");
	/* Unquoted, they are plain text. */
	assert_string_equal(q("a\\b'c", 80, 0), "a\\b'c");
	(void)state;
}

static void
test_quote_escape_cut(void **state)
{
	char long_s[201], want[80 + 8];

	memset(long_s, 'a', 200);
	long_s[200] = '\0';
	/* 80 bytes of content, then "...", inside the quotes. */
	want[0] = '\'';
	memset(want + 1, 'a', 80);
	memcpy(want + 81, "...'", 5);
	assert_string_equal(q(long_s, 80, QUOTE_QUOTED), want);
	/* Exactly max: no cut. */
	long_s[80] = '\0';
	assert_int_equal(strlen(q(long_s, 80, 0)), 80);
	/* An escape is never cut in half: 4 bytes of room, "\x1b" is 4, the next is not. */
	assert_string_equal(q("\033\033", 4, 0), "\\x1b...");
	assert_string_equal(q("\033\033", 7, 0), "\\x1b...");
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_escape_plain),
		cmocka_unit_test(test_quote_escape_controls),
		cmocka_unit_test(test_quote_escape_bad_utf8),
		cmocka_unit_test(test_quote_escape_quotes),
		cmocka_unit_test(test_quote_escape_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
