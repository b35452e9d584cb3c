/*
 * log.c writes the daemon's log lines: stderr in the foreground, syslog otherwise. One
 * line each; callers never log what a peer sent verbatim beyond static reasons, so a
 * hostile peer cannot forge log lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "log.h"

static bool to_stderr;

void
log_init(bool foreground)
{
	to_stderr = foreground;
	if (!foreground)
		openlog("wallflowerd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void __attribute__((format(printf, 2, 0))) emit(int prio, const char *fmt, va_list ap)
{
	if (to_stderr) {
		fputs(prio == LOG_WARNING ? "wallflowerd: warning: " : "wallflowerd: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else if (prio != LOG_DEBUG) {
		vsyslog(prio, fmt, ap);
	}
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_DEBUG, fmt, ap);
	va_end(ap);
}
