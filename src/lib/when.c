/*
 * when.c: parses the dates and durations people type. It trusts nothing: every number is
 * range-checked with strtoul-style care, and a date must round-trip through the calendar
 * (2026-02-30 is refused, not moved to March).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wallflower/when.h"

#define DAY       86400ULL
#define TEN_YEARS (3653 * DAY)

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

int
when_parse_date(const char *s, uint64_t *out)
{
	struct tm tm = { 0 }, back;
	int y, m, d;
	time_t t;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) < 0 ||
	    digits(s + 5, 2, &m) < 0 || digits(s + 8, 2, &d) < 0 || y < 1970 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	/* timegm normalises 02-30 to 03-02: only a date that comes back unchanged is real. */
	if (t < 0 || gmtime_r(&t, &back) == NULL || back.tm_mday != d || back.tm_mon != m - 1)
		return -EINVAL;
	*out = (uint64_t)t;
	return 0;
}

int
when_parse_duration(const char *s, uint64_t *seconds)
{
	static const struct {
		char unit;
		uint64_t secs;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', DAY }, { 'w', 7 * DAY } };
	uint64_t n = 0;
	size_t i = 0;

	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		n = n * 10 + (uint64_t)(s[i] - '0');
		if (n > TEN_YEARS)
			return -ERANGE;
	}
	if (i == 0 || s[i] == '\0' || s[i + 1] != '\0')
		return -EINVAL;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		if (s[i] != units[u].unit)
			continue;
		if (n > TEN_YEARS / units[u].secs)
			return -ERANGE;
		*seconds = n * units[u].secs;
		return 0;
	}
	return -EINVAL;
}

uint64_t
when_day_start(uint64_t t)
{
	return t - t % DAY;
}

void
when_format_date(uint64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (tt < 0 || gmtime_r(&tt, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 11, "?");
}

int
when_parse_day(const char *s, uint64_t now, uint64_t *out)
{
	(void)now;
	return when_parse_date(s, out);
}
