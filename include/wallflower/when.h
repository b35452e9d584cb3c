/*
 * when: dates and durations as people type them ("2026-12-01", "3d"), in UTC. Pure.
 */
#ifndef WALLFLOWER_WHEN_H
#define WALLFLOWER_WHEN_H

#include <stdint.h>

#define WHEN_WUR __attribute__((warn_unused_result))

/* YYYY-MM-DD (a real calendar day, 1970-01-01 or later) as the unix time of its start in
 * UTC. 0 or -EINVAL. */
int when_parse_date(const char *s, uint64_t *out) WHEN_WUR;

/*
 * A day as a person types it, in the local time zone (TZ honoured): YYYY-MM-DD, "today",
 * "tomorrow", "yesterday", or a weekday name (the next such day after today). The unix
 * time of that day's local midnight (the start of the day) in *out; now is the current
 * time. 0 or -EINVAL. (Issue 13: being written; for now YYYY-MM-DD only, in UTC.)
 */
int when_parse_day(const char *s, uint64_t now, uint64_t *out) WHEN_WUR;

/* A duration: a number followed by s, m, h, d or w ("90m", "3d", "2w"), at most ten years.
 * 0 or -EINVAL; -ERANGE when too long. */
int when_parse_duration(const char *s, uint64_t *seconds) WHEN_WUR;

/* The start (00:00 UTC) of the day holding t. */
uint64_t when_day_start(uint64_t t);

/* t as YYYY-MM-DD in UTC; out has room for 11 bytes. */
void when_format_date(uint64_t t, char out[11]);

#endif
