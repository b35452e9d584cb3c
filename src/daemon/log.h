/*
 * log: wallflowerd's log lines. In the foreground (-d) they go to stderr with debug lines
 * included; otherwise to syslog (the journal, under systemd), without debug lines.
 */
#ifndef WFD_LOG_H
#define WFD_LOG_H

#include <stdbool.h>

void log_init(bool foreground);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
