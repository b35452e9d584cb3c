/*
 * log.c writes the daemon's log lines: stderr in the foreground, syslog otherwise. One
 * line each; callers never log what a peer sent verbatim beyond static reasons, so a
 * hostile peer cannot forge log lines. Rate-limited causes print at most one line per
 * interval and count the rest, so a flood of connections or adverts cannot flood the log.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "log.h"
#include "loop.h"

#define LOG_LINE_MAX 1024

static bool to_stderr;

void
log_init(bool foreground)
{
	to_stderr = foreground;
	if (!foreground)
		openlog("wallflowerd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/* One line, with suffix (may be "") after the formatted text. */
static void __attribute__((format(printf, 3, 0)))
emit(int prio, const char *suffix, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];

	if (!to_stderr && prio == LOG_DEBUG)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (to_stderr)
		fprintf(stderr, "%s%s%s\n",
		        prio == LOG_WARNING ? "wallflowerd: warning: " : "wallflowerd: ", line,
		        suffix);
	else
		syslog(prio, "%s%s", line, suffix);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_INFO, "", fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_WARNING, "", fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_DEBUG, "", fmt, ap);
	va_end(ap);
}

bool
log_limit_pass(struct log_limit *l, uint64_t now_ms, unsigned long *dropped, uint64_t *span_ms)
{
	*dropped = 0;
	*span_ms = 0;
	if (l->next_ms != 0 && now_ms < l->next_ms) {
		if (l->dropped < ULONG_MAX)
			l->dropped++;
		return false;
	}
	*dropped = l->dropped;
	if (l->next_ms >= LOG_LIMIT_INTERVAL_MS && now_ms >= l->next_ms - LOG_LIMIT_INTERVAL_MS)
		*span_ms = now_ms - (l->next_ms - LOG_LIMIT_INTERVAL_MS);
	l->dropped = 0;
	l->next_ms = now_ms + LOG_LIMIT_INTERVAL_MS;
	return true;
}

static void __attribute__((format(printf, 3, 0)))
limited(struct log_limit *l, int prio, const char *fmt, va_list ap)
{
	char suffix[96] = "";
	unsigned long dropped;
	uint64_t span_ms;

	if (!log_limit_pass(l, loop_now_ms(), &dropped, &span_ms))
		return;
	if (dropped > 0)
		snprintf(suffix, sizeof(suffix), " (and %lu more like it in the last %llu s)",
		         dropped, (unsigned long long)((span_ms + 999) / 1000));
	emit(prio, suffix, fmt, ap);
}

void
log_limit_warnx(struct log_limit *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	limited(l, LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_limit_info(struct log_limit *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	limited(l, LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_limit_debug(struct log_limit *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	limited(l, LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
log_limit_flush(struct log_limit *l, const char *what)
{
	uint64_t now = loop_now_ms();
	uint64_t since =
	        l->next_ms > LOG_LIMIT_INTERVAL_MS ? l->next_ms - LOG_LIMIT_INTERVAL_MS : 0;

	if (l->dropped > 0)
		log_info("%lu more %s in the last %llu s were not logged", l->dropped, what,
		         (unsigned long long)((now - since + 999) / 1000));
	l->dropped = 0;
	l->next_ms = 0;
}
