/*
 * admit: which peer connections the daemon takes and which it drops for them. Every
 * verdict, the order of the rules, the choice of the connection dropped (most from one
 * address, then oldest, then first), and the slots reserved for our own connections.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "wallflower/admit.h"

#define SLOTS (ADMIT_CONN_MAX + 8)

/* A table of connections; addresses live in the table so the entries can point at them. */
struct table {
	struct admit_conn c[SLOTS];
	char addr[SLOTS][32];
	size_t n;
};

/* Appends a connection from 10.0.<a / 256>.<a % 256>, started at ms, in stage st. */
static size_t
add(struct table *t, unsigned a, uint64_t ms, enum admit_stage st)
{
	size_t i = t->n++;

	assert_true(i < SLOTS);
	snprintf(t->addr[i], sizeof(t->addr[i]), "10.0.%u.%u", a / 256, a % 256);
	t->c[i] = (struct admit_conn){ .addr = t->addr[i], .started_ms = ms, .stage = st };
	return i;
}

/* count connections from distinct addresses first+0, first+1, ..., started at ms, ms+1... */
static void
add_many(struct table *t, size_t count, unsigned first, uint64_t ms, enum admit_stage st)
{
	for (size_t i = 0; i < count; i++)
		add(t, first + (unsigned)i, ms + i, st);
}

static struct admit_result
incoming(const struct table *t, const char *addr)
{
	struct admit_result r = { .verdict = ADMIT_DROP, .drop = 99, .why = "x" };

	admit_incoming(t->c, t->n, addr, &r);
	return r;
}

static struct admit_result
outgoing(const struct table *t)
{
	struct admit_result r = { .verdict = ADMIT_DROP, .drop = 99, .why = "x" };

	admit_outgoing(t->c, t->n, &r);
	return r;
}

static void
test_admit_incoming_empty(void **state)
{
	struct table t = { 0 };
	struct admit_result r = incoming(&t, "10.9.9.9");

	(void)state;
	assert_int_equal(r.verdict, ADMIT_YES);
	assert_int_equal(r.drop, 0);
	assert_null(r.why);
}

static void
test_admit_incoming_per_addr(void **state)
{
	struct table t = { 0 };

	(void)state;
	for (unsigned i = 0; i < ADMIT_PER_ADDR - 1; i++)
		add(&t, 7, 100 + i, i % 2 ? ADMIT_HANDSHAKE : ADMIT_ANSWERING);
	assert_int_equal(incoming(&t, "10.0.0.7").verdict, ADMIT_YES);
	/* Our own connection to that address does not count against it. */
	add(&t, 7, 1, ADMIT_OUTGOING);
	assert_int_equal(incoming(&t, "10.0.0.7").verdict, ADMIT_YES);
	add(&t, 7, 200, ADMIT_WAITING);
	assert_int_equal(incoming(&t, "10.0.0.7").verdict, ADMIT_NO_ADDR);
	assert_non_null(incoming(&t, "10.0.0.7").why);
	/* An address, not a prefix: a neighbour is taken. */
	assert_int_equal(incoming(&t, "10.0.0.8").verdict, ADMIT_YES);
	assert_int_equal(incoming(&t, "10.0.0.70").verdict, ADMIT_YES);
}

static void
test_admit_incoming_per_addr_first(void **state)
{
	struct table t = { 0 };

	(void)state;
	/* Full handshakes and a full address: the address refusal wins, nothing is dropped. */
	add_many(&t, ADMIT_HANDSHAKE_MAX - ADMIT_PER_ADDR, 100, 1000, ADMIT_HANDSHAKE);
	for (unsigned i = 0; i < ADMIT_PER_ADDR; i++)
		add(&t, 5, 10 + i, ADMIT_HANDSHAKE);
	assert_int_equal(incoming(&t, "10.0.0.5").verdict, ADMIT_NO_ADDR);
	assert_int_equal(incoming(&t, "10.0.0.6").verdict, ADMIT_DROP);
}

static void
test_admit_incoming_handshake_cap(void **state)
{
	struct table t = { 0 };
	struct admit_result r;

	(void)state;
	add_many(&t, ADMIT_HANDSHAKE_MAX - 1, 1, 5000, ADMIT_HANDSHAKE);
	assert_int_equal(incoming(&t, "10.9.9.9").verdict, ADMIT_YES);
	/* The oldest is in the middle of the list. */
	add(&t, 200, 4000, ADMIT_HANDSHAKE);
	r = incoming(&t, "10.9.9.9");
	assert_int_equal(r.verdict, ADMIT_DROP);
	assert_int_equal(r.drop, t.n - 1);
	assert_string_equal(r.why, "too many handshakes at once");
	add(&t, 201, 9000, ADMIT_HANDSHAKE); /* past the cap: still one dropped per admission */
	assert_int_equal(incoming(&t, "10.9.9.9").drop, t.n - 2);
}

static void
test_admit_incoming_handshake_cap_not_others(void **state)
{
	struct table t = { 0 };
	struct admit_result r;

	(void)state;
	/* Older connections that finished the handshake, and ours, are not dropped for it. */
	add(&t, 300, 1, ADMIT_WAITING);
	add(&t, 301, 2, ADMIT_ANSWERING);
	add(&t, 302, 3, ADMIT_OUTGOING);
	add_many(&t, ADMIT_HANDSHAKE_MAX, 1, 5000, ADMIT_HANDSHAKE);
	r = incoming(&t, "10.9.9.9");
	assert_int_equal(r.verdict, ADMIT_DROP);
	assert_int_equal(r.drop, 3);
	/* Waiting ones do not count toward the handshake cap. */
	t.c[3].stage = ADMIT_WAITING;
	assert_int_equal(incoming(&t, "10.9.9.9").verdict, ADMIT_YES);
}

static void
test_admit_incoming_victim_most_from_addr(void **state)
{
	struct table t = { 0 };
	struct admit_result r;

	(void)state;
	/* One address holds three handshakes, all newer than the rest: it pays first. */
	add_many(&t, ADMIT_HANDSHAKE_MAX - 3, 1, 1000, ADMIT_HANDSHAKE);
	add(&t, 250, 9002, ADMIT_HANDSHAKE);
	add(&t, 250, 9001, ADMIT_HANDSHAKE);
	add(&t, 250, 9003, ADMIT_HANDSHAKE);
	r = incoming(&t, "10.9.9.9");
	assert_int_equal(r.verdict, ADMIT_DROP);
	assert_int_equal(r.drop, t.n - 2); /* its oldest */
	/* Its connections that may not be dropped do not make it pay. */
	t.c[t.n - 1].stage = ADMIT_ANSWERING;
	t.c[t.n - 2].stage = ADMIT_ANSWERING;
	add(&t, 251, 9500, ADMIT_HANDSHAKE);
	add(&t, 251, 9400, ADMIT_HANDSHAKE);
	r = incoming(&t, "10.9.9.9");
	assert_int_equal(r.verdict, ADMIT_DROP);
	assert_int_equal(r.drop, t.n - 1);
}

static void
test_admit_incoming_victim_ties(void **state)
{
	struct table t = { 0 };
	struct admit_result r;

	(void)state;
	/* Two addresses with two each: the same count, so the oldest of the four. */
	add_many(&t, ADMIT_HANDSHAKE_MAX - 4, 1, 1000, ADMIT_HANDSHAKE);
	add(&t, 250, 500, ADMIT_HANDSHAKE);
	add(&t, 251, 400, ADMIT_HANDSHAKE);
	add(&t, 250, 600, ADMIT_HANDSHAKE);
	add(&t, 251, 700, ADMIT_HANDSHAKE);
	r = incoming(&t, "10.9.9.9");
	assert_int_equal(r.verdict, ADMIT_DROP);
	assert_int_equal(r.drop, t.n - 3);
	/* The same count and the same age: the first in the list. */
	t.c[t.n - 4].started_ms = 400;
	r = incoming(&t, "10.9.9.9");
	assert_int_equal(r.drop, t.n - 4);
	/* All equal: the first in the list. */
	for (size_t i = 0; i < t.n; i++) {
		t.c[i].started_ms = 42;
		snprintf(t.addr[i], sizeof(t.addr[i]), "10.1.0.%zu", i);
	}
	assert_int_equal(incoming(&t, "10.9.9.9").drop, 0);
}

static void
test_admit_incoming_full(void **state)
{
	struct table t = { 0 };
	struct admit_result r;

	(void)state;
	add_many(&t, ADMIT_INCOMING_MAX - 1, 1, 1000, ADMIT_ANSWERING);
	assert_int_equal(incoming(&t, "10.9.9.9").verdict, ADMIT_YES);
	/* One waiting, newer than all: it is the one dropped. */
	add(&t, 250, 5000, ADMIT_WAITING);
	r = incoming(&t, "10.9.9.9");
	assert_int_equal(r.verdict, ADMIT_DROP);
	assert_int_equal(r.drop, t.n - 1);
	assert_string_equal(r.why, "too many incoming connections");
	/* A handshake older than it goes first. */
	t.c[3].stage = ADMIT_HANDSHAKE;
	assert_int_equal(incoming(&t, "10.9.9.9").drop, 3);
	/* Everyone answering: refused, nothing dropped. */
	t.c[3].stage = ADMIT_ANSWERING;
	t.c[t.n - 1].stage = ADMIT_ANSWERING;
	r = incoming(&t, "10.9.9.9");
	assert_int_equal(r.verdict, ADMIT_NO_ROOM);
	assert_int_equal(r.drop, 0);
	assert_non_null(r.why);
}

static void
test_admit_incoming_full_mixed(void **state)
{
	struct table t = { 0 };
	struct admit_result r;

	(void)state;
	/* Below the handshake cap, at the incoming cap: the oldest droppable of either kind. */
	add_many(&t, ADMIT_HANDSHAKE_MAX - 1, 1, 3000, ADMIT_HANDSHAKE);
	add_many(&t, ADMIT_INCOMING_MAX - ADMIT_HANDSHAKE_MAX, 100, 2000, ADMIT_WAITING);
	add(&t, 200, 1, ADMIT_ANSWERING);
	r = incoming(&t, "10.9.9.9");
	assert_int_equal(r.verdict, ADMIT_DROP);
	assert_int_equal(r.drop, ADMIT_HANDSHAKE_MAX - 1); /* the first waiting one, at 2000 */
}

static void
test_admit_incoming_reserved(void **state)
{
	struct table t = { 0 };

	(void)state;
	/* Our own connections take none of the incoming slots... */
	add_many(&t, ADMIT_OUTGOING_RESERVED, 1, 1, ADMIT_OUTGOING);
	add_many(&t, ADMIT_INCOMING_MAX - 1, 100, 1000, ADMIT_ANSWERING);
	assert_int_equal(incoming(&t, "10.9.9.9").verdict, ADMIT_YES);
	/* ...and are never dropped for an incoming one, however old. */
	add(&t, 250, 5000, ADMIT_WAITING);
	assert_int_equal(incoming(&t, "10.9.9.9").drop, t.n - 1);
	t.c[t.n - 1].stage = ADMIT_ANSWERING;
	assert_int_equal(incoming(&t, "10.9.9.9").verdict, ADMIT_NO_ROOM);
}

static void
test_admit_outgoing_reserved(void **state)
{
	struct table t = { 0 };
	struct admit_result r;

	(void)state;
	/* Every incoming slot taken, handshakes at their cap: ours still go out. */
	add_many(&t, ADMIT_HANDSHAKE_MAX, 1, 1, ADMIT_HANDSHAKE);
	add_many(&t, ADMIT_INCOMING_MAX - ADMIT_HANDSHAKE_MAX, 100, 1, ADMIT_WAITING);
	r = outgoing(&t);
	assert_int_equal(r.verdict, ADMIT_YES);
	assert_null(r.why);
	add_many(&t, ADMIT_OUTGOING_RESERVED - 1, 200, 1, ADMIT_OUTGOING);
	assert_int_equal(outgoing(&t).verdict, ADMIT_YES);
	add(&t, 250, 1, ADMIT_OUTGOING);
	r = outgoing(&t);
	assert_int_equal(r.verdict, ADMIT_NO_OUTGOING);
	assert_int_equal(r.drop, 0);
	assert_non_null(r.why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admit_incoming_empty),
		cmocka_unit_test(test_admit_incoming_per_addr),
		cmocka_unit_test(test_admit_incoming_per_addr_first),
		cmocka_unit_test(test_admit_incoming_handshake_cap),
		cmocka_unit_test(test_admit_incoming_handshake_cap_not_others),
		cmocka_unit_test(test_admit_incoming_victim_most_from_addr),
		cmocka_unit_test(test_admit_incoming_victim_ties),
		cmocka_unit_test(test_admit_incoming_full),
		cmocka_unit_test(test_admit_incoming_full_mixed),
		cmocka_unit_test(test_admit_incoming_reserved),
		cmocka_unit_test(test_admit_outgoing_reserved),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
