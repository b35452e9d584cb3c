/*
 * log: wallflowerd's log lines. In the foreground (-d) they go to stderr with debug lines
 * included; otherwise to syslog (the journal, under systemd), without debug lines.
 *
 * Lines that a stranger can cause at will (a refused connection, an advert that does not
 * parse) go through a rate limit: each cause has its own struct log_limit, kept by the
 * caller (static, or in the struct the cause belongs to, zeroed), and logs at most one line
 * per LOG_LIMIT_INTERVAL_MS. The next line it prints says how many it left out.
 */
#ifndef WFD_LOG_H
#define WFD_LOG_H

#include <stdbool.h>
#include <stdint.h>

#define LOG_LIMIT_INTERVAL_MS 60000

/* One cause's limit. All zero: the next line is printed. */
struct log_limit {
	uint64_t next_ms;      /* monotonic time before which lines are only counted */
	unsigned long dropped; /* lines left out since the last one printed */
};

void log_init(bool foreground);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The decision, without the clock: whether a line of this cause at now_ms is printed. When
 * it is, *dropped is how many were left out before it and *span_ms the time since the last
 * one printed (0 for the first line); otherwise it is counted.
 */
bool log_limit_pass(struct log_limit *l, uint64_t now_ms, unsigned long *dropped,
                    uint64_t *span_ms);

/*
 * A warning or an info line under l's limit, at the loop's clock. A line printed after some
 * were left out ends with "(and N more like it in the last S s)".
 */
void log_limit_warnx(struct log_limit *l, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void log_limit_info(struct log_limit *l, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

void log_limit_debug(struct log_limit *l, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/*
 * A rate-limited line whose cause is its call site, with the limit kept there:
 * LOG_LIMITED(log_limit_warnx, "ignoring advert: %d peers already", n).
 */
#define LOG_LIMITED(fn, ...)                                                                       \
	do {                                                                                       \
		static struct log_limit log_limited_;                                              \
		fn(&log_limited_, __VA_ARGS__);                                                    \
	} while (0)

/* At shutdown: says how many lines of l ("what", e.g. "refused connections") were left out
 * since the last one printed, if any, so that no count is lost. Resets l. */
void log_limit_flush(struct log_limit *l, const char *what);

#endif
