/* when: dates and durations as people type them. */
#include "testutil.h"
#include "wallflower/when.h"

static void
test_when_parse_date_cases(void **state)
{
	static const struct {
		const char *s;
		int r;
		uint64_t t;
	} cases[] = {
		{ "1970-01-01", 0, 0 },
		{ "2026-12-01", 0, 1796083200 },
		{ "2024-02-29", 0, 1709164800 }, /* a leap day */
		{ "2026-02-29", -EINVAL, 0 },    /* not a leap year */
		{ "2026-04-31", -EINVAL, 0 },
		{ "2026-13-01", -EINVAL, 0 },
		{ "2026-00-10", -EINVAL, 0 },
		{ "1969-12-31", -EINVAL, 0 },
		{ "2026-1-01", -EINVAL, 0 },
		{ "2026-12-01x", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "+026-12-01", -EINVAL, 0 },
	};
	uint64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = 42;
		if (when_parse_date(cases[i].s, &t) != cases[i].r)
			fail_msg("'%s': wrong verdict", cases[i].s);
		if (cases[i].r == 0 && t != cases[i].t)
			fail_msg("'%s': %llu", cases[i].s, (unsigned long long)t);
	}
}

static void
test_when_parse_duration_cases(void **state)
{
	uint64_t s;

	(void)state;
	assert_int_equal(when_parse_duration("3d", &s), 0);
	assert_true(s == 3 * 86400);
	assert_int_equal(when_parse_duration("2w", &s), 0);
	assert_true(s == 14 * 86400);
	assert_int_equal(when_parse_duration("90m", &s), 0);
	assert_true(s == 5400);
	assert_int_equal(when_parse_duration("12h", &s), 0);
	assert_int_equal(when_parse_duration("10s", &s), 0);
	assert_int_equal(when_parse_duration("3", &s), -EINVAL);
	assert_int_equal(when_parse_duration("d", &s), -EINVAL);
	assert_int_equal(when_parse_duration("3dd", &s), -EINVAL);
	assert_int_equal(when_parse_duration("-3d", &s), -EINVAL);
	assert_int_equal(when_parse_duration("3y", &s), -EINVAL);
	assert_int_equal(when_parse_duration("999999999999999999999d", &s), -ERANGE);
	assert_int_equal(when_parse_duration("600w", &s), -ERANGE);
}

static void
test_when_format_and_day(void **state)
{
	char day[11];

	(void)state;
	when_format_date(1796083200 + 3600, day);
	assert_string_equal(day, "2026-12-01");
	assert_true(when_day_start(1796083200 + 86399) == 1796083200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_when_parse_date_cases),
		cmocka_unit_test(test_when_parse_duration_cases),
		cmocka_unit_test(test_when_format_and_day),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
