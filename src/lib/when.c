/*
 * when.c: parses the dates and durations people type, and shows dates, in the local time
 * zone (TZ honoured, through localtime_r and mktime); what it returns is UTC unix seconds.
 * It trusts nothing: every number is range-checked with strtoul-style care, and a date
 * must round-trip through the calendar (2026-02-30 is refused, not moved to March).
 *
 * Calendar steps (days, months, years) go through struct tm and mktime, never through
 * multiples of 86400 seconds: a local day has 23 or 25 hours when the clocks change, and
 * "tomorrow" must still be the next day.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "wallflower/when.h"

#define DAY        86400ULL
#define TEN_YEARS  (3653 * DAY)
#define MONTHS_MAX 120 /* ten years of calendar months */

/* Exactly n decimal digits at s. */
static int
digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* The local date holding t, in *tm. 0 or -EINVAL (t not representable). */
static int
local_tm(uint64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	if (tt < 0 || (uint64_t)tt != t || localtime_r(&tt, tm) == NULL)
		return -EINVAL;
	return 0;
}

/*
 * The first second of the local day tm names (its year, month and day; a day or month past
 * the end carries over, as mktime does), and that day, normalised, back in *tm. Where
 * midnight does not exist because the clocks jump forward at midnight, mktime moves it
 * forward to the first time that does. 0, or -EINVAL before 1970 or out of range.
 */
static int
local_midnight(struct tm *tm, uint64_t *out)
{
	time_t t;

	tm->tm_hour = 0;
	tm->tm_min = 0;
	tm->tm_sec = 0;
	tm->tm_isdst = -1;
	t = mktime(tm);
	if (t == (time_t)-1 || t < 0)
		return -EINVAL;
	*out = (uint64_t)t;
	return 0;
}

int
when_parse_date(const char *s, uint64_t *out)
{
	struct tm tm = { 0 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) < 0 ||
	    digits(s + 5, 2, &m) < 0 || digits(s + 8, 2, &d) < 0 || y < 1970 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	/* mktime normalises 02-30 to 03-02: only a date that comes back unchanged is real. */
	if (local_midnight(&tm, out) < 0 || tm.tm_mday != d || tm.tm_mon != m - 1)
		return -EINVAL;
	return 0;
}

/* The day of the week s names (0 Sunday .. 6 Saturday), whole or by its first three
 * letters, any ASCII case; -1 for none. */
static int
weekday(const char *s)
{
	static const char *const names[] = { "sunday",   "monday", "tuesday", "wednesday",
		                             "thursday", "friday", "saturday" };

	for (int i = 0; i < 7; i++)
		if (strcasecmp(s, names[i]) == 0 ||
		    (strlen(s) == 3 && strncasecmp(s, names[i], 3) == 0))
			return i;
	return -1;
}

int
when_parse_day(const char *s, uint64_t now, uint64_t *out)
{
	static const struct {
		const char *word;
		int days;
	} words[] = { { "today", 0 }, { "tomorrow", 1 }, { "yesterday", -1 } };
	struct tm tm;
	int wd;

	if (s[0] >= '0' && s[0] <= '9')
		return when_parse_date(s, out);
	if (local_tm(now, &tm) < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(s, words[i].word) == 0) {
			tm.tm_mday += words[i].days;
			return local_midnight(&tm, out);
		}
	}
	if ((wd = weekday(s)) < 0)
		return -EINVAL;
	/* The next such day after today: one to seven days on. */
	tm.tm_mday += (wd - tm.tm_wday + 6) % 7 + 1;
	return local_midnight(&tm, out);
}

/* Units of time. A calendar unit has no fixed length in seconds: it moves the date. */
enum unit_kind { UNIT_SECONDS, UNIT_DAYS, UNIT_MONTHS };

struct unit {
	const char *name;
	enum unit_kind kind;
	uint64_t n; /* seconds, days or months per unit */
};

static const struct unit units[] = {
	{ "s", UNIT_SECONDS, 1 }, { "min", UNIT_SECONDS, 60 }, { "h", UNIT_SECONDS, 3600 },
	{ "d", UNIT_DAYS, 1 },    { "w", UNIT_DAYS, 7 },       { "mo", UNIT_MONTHS, 1 },
	{ "y", UNIT_MONTHS, 12 },
};

/*
 * A number and a unit: *count and *u. 0; -EINVAL; -ERANGE past ten years; -EDOM for "m",
 * which is minutes to some people and months to others.
 */
static int
duration_read(const char *s, uint64_t *count, const struct unit **u)
{
	uint64_t n = 0, max;
	size_t i = 0;

	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		n = n * 10 + (uint64_t)(s[i] - '0');
		if (n > TEN_YEARS)
			return -ERANGE;
	}
	if (i == 0 || s[i] == '\0')
		return -EINVAL;
	if (strcasecmp(s + i, "m") == 0)
		return -EDOM;
	for (size_t k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
		if (strcasecmp(s + i, units[k].name) != 0)
			continue;
		max = units[k].kind == UNIT_SECONDS ? TEN_YEARS / units[k].n
		      : units[k].kind == UNIT_DAYS  ? TEN_YEARS / DAY / units[k].n
		                                    : MONTHS_MAX / units[k].n;
		if (n > max)
			return -ERANGE;
		*count = n;
		*u = &units[k];
		return 0;
	}
	return -EINVAL;
}

int
when_parse_duration(const char *s, uint64_t *seconds)
{
	const struct unit *u;
	uint64_t n;
	int r;

	if ((r = duration_read(s, &n, &u)) < 0)
		return r;
	/* A month or a year is not a fixed number of seconds. */
	if (u->kind == UNIT_MONTHS)
		return -EINVAL;
	*seconds = n * u->n * (u->kind == UNIT_DAYS ? DAY : 1);
	return 0;
}

/* Days in month mon (0-11) of year (1900-based, as in struct tm). */
static int
month_days(int year, int mon)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = year + 1900;

	if (mon == 1 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 29;
	return days[mon];
}

int
when_parse_in(const char *s, uint64_t now, uint64_t *out)
{
	const struct unit *u;
	struct tm tm;
	uint64_t n;
	int r;

	if ((r = duration_read(s, &n, &u)) < 0)
		return r;
	if (u->kind == UNIT_SECONDS) {
		if (now > UINT64_MAX - n * u->n)
			return -ERANGE;
		now += n * u->n;
	}
	if (local_tm(now, &tm) < 0)
		return -EINVAL;
	if (u->kind == UNIT_DAYS) {
		tm.tm_mday += (int)(n * u->n);
	} else if (u->kind == UNIT_MONTHS) {
		int months = tm.tm_mon + (int)(n * u->n);

		/* The same day of the month, or the month's last day when it is shorter. */
		tm.tm_year += months / 12;
		tm.tm_mon = months % 12;
		if (tm.tm_mday > month_days(tm.tm_year, tm.tm_mon))
			tm.tm_mday = month_days(tm.tm_year, tm.tm_mon);
	}
	return local_midnight(&tm, out);
}

uint64_t
when_day_start(uint64_t t)
{
	struct tm tm;
	uint64_t start;

	if (local_tm(t, &tm) < 0 || local_midnight(&tm, &start) < 0 || start > t)
		return t - t % DAY;
	return start;
}

void
when_format_date(uint64_t t, char out[11])
{
	struct tm tm;

	/* A year past 9999 does not fit: strftime says so with 0. */
	if (local_tm(t, &tm) < 0 || strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 11, "?");
}
