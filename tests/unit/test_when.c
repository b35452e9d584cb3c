/*
 * when: dates and durations as people type them, in the local time zone. Each test sets TZ
 * itself, as a POSIX rule (the same rules as the named zones, without needing tzdata):
 * New York has daylight saving time, Kolkata is half an hour off the hour and has none.
 */
#include <time.h>

#include "testutil.h"
#include "wallflower/when.h"

#define UTC      "UTC0"
#define NEW_YORK "EST5EDT,M3.2.0,M11.1.0" /* America/New_York */
#define KOLKATA  "IST-5:30"               /* Asia/Kolkata */

static void
set_tz(const char *tz)
{
	assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

struct day_case {
	const char *s;
	int r;
	uint64_t t;
};

static void
check_days(const struct day_case *cases, size_t n, uint64_t now)
{
	uint64_t t;

	for (size_t i = 0; i < n; i++) {
		t = 42;
		if (when_parse_day(cases[i].s, now, &t) != cases[i].r)
			fail_msg("'%s': wrong verdict", cases[i].s);
		if (cases[i].r == 0 && t != cases[i].t)
			fail_msg("'%s': %llu, want %llu", cases[i].s, (unsigned long long)t,
			         (unsigned long long)cases[i].t);
	}
}

static void
test_when_parse_date_utc(void **state)
{
	static const struct day_case cases[] = {
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

	(void)state;
	set_tz(UTC);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t t = 42;

		if (when_parse_date(cases[i].s, &t) != cases[i].r)
			fail_msg("'%s': wrong verdict", cases[i].s);
		if (cases[i].r == 0 && t != cases[i].t)
			fail_msg("'%s': %llu", cases[i].s, (unsigned long long)t);
	}
}

/* The same day starts at a different instant in each zone: local midnight. */
static void
test_when_parse_date_local(void **state)
{
	uint64_t t;

	(void)state;
	set_tz(NEW_YORK);
	assert_int_equal(when_parse_date("2026-12-01", &t), 0);
	assert_true(t == 1796101200); /* 05:00 UTC */
	assert_int_equal(when_parse_date("2026-02-30", &t), -EINVAL);
	set_tz(KOLKATA);
	assert_int_equal(when_parse_date("2026-12-01", &t), 0);
	assert_true(t == 1796063400); /* 18:30 UTC the day before */
	/* Its midnight is before the epoch there. */
	assert_int_equal(when_parse_date("1970-01-01", &t), -EINVAL);
}

/* Friday 2026-12-04, noon in New York. */
#define FRIDAY_NOON_NY 1796403600ULL

static void
test_when_parse_day_words(void **state)
{
	static const struct day_case cases[] = {
		{ "today", 0, 1796360400 },     /* 12-04 */
		{ "TODAY", 0, 1796360400 },     /* any case */
		{ "tomorrow", 0, 1796446800 },  /* 12-05 */
		{ "Tomorrow", 0, 1796446800 },  /* any case */
		{ "yesterday", 0, 1796274000 }, /* 12-03 */
		{ "2026-12-10", 0, 1796878800 },
		{ "tomorow", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ " today", -EINVAL, 0 },
		{ "today ", -EINVAL, 0 },
		{ "next friday", -EINVAL, 0 },
	};

	(void)state;
	set_tz(NEW_YORK);
	check_days(cases, sizeof(cases) / sizeof(cases[0]), FRIDAY_NOON_NY);
}

static void
test_when_parse_day_weekdays(void **state)
{
	static const struct day_case cases[] = {
		{ "saturday", 0, 1796446800 }, /* 12-05, tomorrow */
		{ "sat", 0, 1796446800 },
		{ "monday", 0, 1796619600 }, /* 12-07 */
		{ "MON", 0, 1796619600 },
		{ "Thursday", 0, 1796878800 }, /* 12-10 */
		{ "thu", 0, 1796878800 },
		{ "friday", 0, 1796965200 }, /* 12-11: today is Friday, so the next one */
		{ "fri", 0, 1796965200 },
		{ "fr", -EINVAL, 0 },
		{ "frid", -EINVAL, 0 },
		{ "fridays", -EINVAL, 0 },
	};

	(void)state;
	set_tz(NEW_YORK);
	check_days(cases, sizeof(cases) / sizeof(cases[0]), FRIDAY_NOON_NY);
}

/* Across the change to summer time (Sunday 2026-03-08): a day of 23 hours. */
static void
test_when_parse_day_dst(void **state)
{
	static const struct day_case cases[] = {
		{ "today", 0, 1772859600 },    /* 03-07 00:00 EST */
		{ "tomorrow", 0, 1772946000 }, /* 03-08 00:00 EST */
		{ "monday", 0, 1773028800 },   /* 03-09 00:00 EDT: 23 hours later */
	};
	static const struct day_case back[] = {
		{ "tomorrow", 0, 1793505600 }, /* 11-01 00:00 EDT */
		{ "monday", 0, 1793595600 },   /* 11-02 00:00 EST: 25 hours later */
	};

	(void)state;
	set_tz(NEW_YORK);
	check_days(cases, sizeof(cases) / sizeof(cases[0]), 1772944200); /* 03-07 23:30 */
	/* And back (Sunday 2026-11-01 has 25 hours). */
	check_days(back, sizeof(back) / sizeof(back[0]), 1793503800); /* 10-31 23:30 */
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
	assert_int_equal(when_parse_duration("90min", &s), 0);
	assert_true(s == 5400);
	assert_int_equal(when_parse_duration("90MIN", &s), 0);
	assert_true(s == 5400);
	assert_int_equal(when_parse_duration("12h", &s), 0);
	assert_true(s == 12 * 3600);
	assert_int_equal(when_parse_duration("10s", &s), 0);
	assert_true(s == 10);
	assert_int_equal(when_parse_duration("1m", &s), -EDOM); /* minutes or months? */
	assert_int_equal(when_parse_duration("90M", &s), -EDOM);
	assert_int_equal(when_parse_duration("1mo", &s), -EINVAL); /* no fixed length */
	assert_int_equal(when_parse_duration("3y", &s), -EINVAL);
	assert_int_equal(when_parse_duration("3", &s), -EINVAL);
	assert_int_equal(when_parse_duration("d", &s), -EINVAL);
	assert_int_equal(when_parse_duration("3dd", &s), -EINVAL);
	assert_int_equal(when_parse_duration("3mins", &s), -EINVAL);
	assert_int_equal(when_parse_duration("-3d", &s), -EINVAL);
	assert_int_equal(when_parse_duration("3 d", &s), -EINVAL);
	assert_int_equal(when_parse_duration("999999999999999999999d", &s), -ERANGE);
	assert_int_equal(when_parse_duration("600w", &s), -ERANGE);
	assert_int_equal(when_parse_duration("3653d", &s), 0);
	assert_int_equal(when_parse_duration("3654d", &s), -ERANGE);
}

static void
check_in(const char *s, uint64_t now, uint64_t want)
{
	uint64_t t = 42;
	int r = when_parse_in(s, now, &t);

	if (r != 0 || t != want)
		fail_msg("'%s': %d, %llu, want %llu", s, r, (unsigned long long)t,
		         (unsigned long long)want);
}

static void
test_when_parse_in_cases(void **state)
{
	uint64_t t;

	(void)state;
	set_tz(NEW_YORK);
	check_in("0d", FRIDAY_NOON_NY, 1796360400);  /* today */
	check_in("1d", FRIDAY_NOON_NY, 1796446800);  /* 12-05 */
	check_in("1w", FRIDAY_NOON_NY, 1796965200);  /* 12-11 */
	check_in("11h", FRIDAY_NOON_NY, 1796360400); /* 23:00: still today */
	check_in("12h", FRIDAY_NOON_NY, 1796446800); /* midnight: tomorrow */
	check_in("90min", 1796432400, 1796360400);   /* 20:00 + 1.5 h: today */
	check_in("240min", 1796432400, 1796446800);  /* 20:00 + 4 h: tomorrow */
	/* A day is a calendar day: from 23:30 before a 23-hour day, 2d is the day after it,
	 * where 48 hours would be a day too far. */
	check_in("1d", 1772944200, 1772946000);
	check_in("2d", 1772944200, 1773028800);
	assert_int_equal(when_parse_in("1m", FRIDAY_NOON_NY, &t), -EDOM);
	assert_int_equal(when_parse_in("11y", FRIDAY_NOON_NY, &t), -ERANGE);
	assert_int_equal(when_parse_in("121mo", FRIDAY_NOON_NY, &t), -ERANGE);
	assert_int_equal(when_parse_in("3x", FRIDAY_NOON_NY, &t), -EINVAL);
	assert_int_equal(when_parse_in("", FRIDAY_NOON_NY, &t), -EINVAL);
}

/* Calendar months keep the day of the month, or take the month's last day. */
static void
test_when_parse_in_months(void **state)
{
	(void)state;
	set_tz(KOLKATA);
	check_in("1mo", 1769833800, 1772217000); /* 2026-01-31 -> 02-28 */
	check_in("1mo", 1706675400, 1709145000); /* 2024-01-31 -> 02-29, a leap year */
	check_in("1y", 1709188200, 1740681000);  /* 2024-02-29 -> 2025-02-28 */
	check_in("12mo", 1709188200, 1740681000);
	check_in("1Y", 1709188200, 1740681000);
}

static void
test_when_format_date_local(void **state)
{
	char day[11];

	(void)state;
	set_tz(UTC);
	when_format_date(1796083200 + 3600, day);
	assert_string_equal(day, "2026-12-01");
	set_tz(NEW_YORK);
	when_format_date(1796083200 + 3600, day); /* 01:00 UTC is still 11-30 there */
	assert_string_equal(day, "2026-11-30");
	set_tz(KOLKATA);
	when_format_date(1796083200 - 3600, day); /* 23:00 UTC is already 12-01 there */
	assert_string_equal(day, "2026-12-01");
	when_format_date(UINT64_MAX, day);
	assert_string_equal(day, "?");
}

static void
test_when_day_start_local(void **state)
{
	(void)state;
	set_tz(UTC);
	assert_true(when_day_start(1796083200 + 86399) == 1796083200);
	set_tz(NEW_YORK);
	assert_true(when_day_start(FRIDAY_NOON_NY) == 1796360400);
	assert_true(when_day_start(1773028800 - 1) == 1772946000); /* the 23-hour day */
	set_tz(KOLKATA);
	assert_true(when_day_start(1796063400 + 86399) == 1796063400);
	assert_true(when_day_start(1796063400) == 1796063400);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_when_parse_date_utc),
		cmocka_unit_test(test_when_parse_date_local),
		cmocka_unit_test(test_when_parse_day_words),
		cmocka_unit_test(test_when_parse_day_weekdays),
		cmocka_unit_test(test_when_parse_day_dst),
		cmocka_unit_test(test_when_parse_duration_cases),
		cmocka_unit_test(test_when_parse_in_cases),
		cmocka_unit_test(test_when_parse_in_months),
		cmocka_unit_test(test_when_format_date_local),
		cmocka_unit_test(test_when_day_start_local),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
