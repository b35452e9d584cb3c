/*
 * when: dates and durations as people type them ("2026-12-01", "tomorrow", "3d"). Pure.
 *
 * Every date a person types or reads is in the local time zone (TZ honoured); what is
 * stored is UTC unix seconds. A "day" is stored as the unix time of that local day's
 * midnight (its first second: where midnight does not exist, because the clocks jump at
 * midnight, the first time of the day that does).
 */
#ifndef WALLFLOWER_WHEN_H
#define WALLFLOWER_WHEN_H

#include <stdint.h>

#define WHEN_WUR __attribute__((warn_unused_result))

/* YYYY-MM-DD (a real calendar day) as the unix time of its local midnight. 0, or -EINVAL
 * for anything else and for a day that starts before 1970-01-01 00:00 UTC. */
int when_parse_date(const char *s, uint64_t *out) WHEN_WUR;

/*
 * A day as a person types it, in the local time zone: YYYY-MM-DD, "today", "tomorrow",
 * "yesterday", or a weekday name, whole ("monday") or its first three letters ("mon"), in
 * any ASCII case: the next such day after today (on a Monday, "monday" is a week away).
 * The unix time of that day's local midnight in *out; now is the current time. 0 or
 * -EINVAL.
 */
int when_parse_day(const char *s, uint64_t now, uint64_t *out) WHEN_WUR;

/*
 * A fixed length of time: a number followed by a unit, s (seconds), min (minutes), h
 * (hours), d (days of 24 hours) or w (weeks) ("90min", "3d", "2w"; units in any ASCII
 * case), at most ten years. 0 or -EINVAL; -ERANGE when too long; -EDOM for the unit "m"
 * alone, which could mean minutes or months (say "min" or "mo").
 */
int when_parse_duration(const char *s, uint64_t *seconds) WHEN_WUR;

/*
 * The local day a duration after now ("--in 3d"): the units of when_parse_duration, plus
 * mo (calendar months) and y (calendar years). Days, weeks, months and years count on the
 * local calendar, so that "1d" is always the next day, across a change of the clocks too; a
 * month from January 31st is the last day of February. The local midnight of that day in
 * *out. 0 or -EINVAL; -ERANGE past ten years; -EDOM for "m" alone.
 */
int when_parse_in(const char *s, uint64_t now, uint64_t *out) WHEN_WUR;

/* The start (local midnight) of the local day holding t. */
uint64_t when_day_start(uint64_t t);

/* t as YYYY-MM-DD, the local day holding it; out has room for 11 bytes ("?" when t cannot
 * be shown). */
void when_format_date(uint64_t t, char out[11]);

#endif
