/*
 * log: the daemon's rate-limited log lines (src/daemon/log.c and loop.c, compiled into
 * this test). The decision over a given clock: the first line passes, the rest of the
 * interval is counted, the next line carries the count and the time it covers; and the
 * lines as written to stderr, with the count in the text.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "testutil.h"

static void
test_log_limit_pass_interval(void **state)
{
	struct log_limit l = { 0 };
	unsigned long dropped = 99;
	uint64_t span = 99;

	(void)state;
	assert_true(log_limit_pass(&l, 1000, &dropped, &span));
	assert_int_equal(dropped, 0);
	assert_int_equal(span, 0);
	for (int i = 0; i < 123; i++) {
		assert_false(log_limit_pass(&l, 1000 + (uint64_t)i * 100, &dropped, &span));
		assert_int_equal(dropped, 0);
	}
	assert_false(log_limit_pass(&l, 1000 + LOG_LIMIT_INTERVAL_MS - 1, &dropped, &span));
	/* The interval is over: printed, with the 124 left out over the 61 s since. */
	assert_true(log_limit_pass(&l, 1000 + LOG_LIMIT_INTERVAL_MS + 1000, &dropped, &span));
	assert_int_equal(dropped, 124);
	assert_int_equal(span, LOG_LIMIT_INTERVAL_MS + 1000);
	/* A new interval starts from that line; nothing left out, nothing to say. */
	assert_false(log_limit_pass(&l, 1000 + 2 * LOG_LIMIT_INTERVAL_MS, &dropped, &span));
	assert_true(log_limit_pass(&l, 1000 + 3 * LOG_LIMIT_INTERVAL_MS + 1000, &dropped, &span));
	assert_int_equal(dropped, 1);
	assert_true(log_limit_pass(&l, 1000 + 5 * LOG_LIMIT_INTERVAL_MS, &dropped, &span));
	assert_int_equal(dropped, 0);
}

static void
test_log_limit_pass_saturates(void **state)
{
	struct log_limit l = { .next_ms = 5000, .dropped = ULONG_MAX - 1 };
	unsigned long dropped;
	uint64_t span;

	(void)state;
	assert_false(log_limit_pass(&l, 10, &dropped, &span));
	assert_false(log_limit_pass(&l, 11, &dropped, &span));
	assert_int_equal(l.dropped, ULONG_MAX);
	assert_true(log_limit_pass(&l, 5000, &dropped, &span));
	assert_true(dropped == ULONG_MAX);
}

/* Runs fn with stderr going to a temporary file; returns what it wrote (static buffer). */
static const char *
captured(void (*fn)(struct log_limit *), struct log_limit *l)
{
	static char buf[4096];
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	assert_non_null(tmp);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	fn(l);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	return buf;
}

static void
three_lines(struct log_limit *l)
{
	for (int i = 0; i < 3; i++)
		log_limit_warnx(l, "refusing 10.0.0.%d: full", i);
}

static void
one_more(struct log_limit *l)
{
	log_limit_info(l, "refusing 10.0.0.%d: full", 9);
}

static void
flush(struct log_limit *l)
{
	log_limit_flush(l, "refusals");
}

static void
test_log_limit_lines(void **state)
{
	struct log_limit l = { 0 };
	const char *out;

	(void)state;
	log_init(true);
	out = captured(three_lines, &l);
	assert_string_equal(out, "wallflowerd: warning: refusing 10.0.0.0: full\n");
	/* Pretend the interval ran out: the next line carries the count. */
	l.next_ms = LOG_LIMIT_INTERVAL_MS;
	out = captured(one_more, &l);
	assert_non_null(strstr(out, "wallflowerd: refusing 10.0.0.9: full (and 2 more like it in "
	                            "the last "));
	assert_int_equal(l.dropped, 0);
	/* At shutdown, a count not yet told is told. */
	out = captured(three_lines, &l);
	assert_string_equal(out, "");
	out = captured(flush, &l);
	assert_non_null(strstr(out, "wallflowerd: 3 more refusals in the last "));
	assert_non_null(strstr(out, " s were not logged\n"));
	assert_int_equal(l.dropped, 0);
	assert_string_equal(captured(flush, &l), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_limit_pass_interval),
		cmocka_unit_test(test_log_limit_pass_saturates),
		cmocka_unit_test(test_log_limit_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
