/* peertab: admission and eviction in a full table (the crowded address first), pinning what
 * was shown, and what a `send` token names; every branch. */
#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "wallflower/peertab.h"

#define E(seen_, ev, sh)                                                                           \
	{                                                                                          \
		.seen = (seen_), .same_event = (ev), .shown = (sh)                                 \
	}

static void
test_peertab_admit_room(void **state)
{
	const struct peertab_entry tab[] = { E(5, false, false), E(1, true, true) };
	size_t victim = 99;

	(void)state;
	assert_int_equal(peertab_admit(tab, 2, 3, false, NULL, &victim), PEERTAB_ADMIT);
	assert_int_equal(peertab_admit(NULL, 0, 1, false, NULL, &victim), PEERTAB_ADMIT);
	assert_int_equal(victim, 99); /* untouched */
}

static void
test_peertab_admit_evicts_oldest_other_event(void **state)
{
	/* Index 2 is the oldest not shown without our tag; 0 is older but shown, 3 older
	 * but ours, 4 as old as 2 but later in the table. */
	const struct peertab_entry tab[] = { E(1, false, true), E(9, false, false),
		                             E(4, false, false), E(2, true, false),
		                             E(4, false, false) };
	size_t victim = 99;

	(void)state;
	assert_int_equal(peertab_admit(tab, 5, 5, false, NULL, &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 2);
	/* A candidate of our event pushes out the same one: theirs go first. */
	victim = 99;
	assert_int_equal(peertab_admit(tab, 5, 5, true, NULL, &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 2);
	/* Over max (a smaller limit than the table holds) is full too. */
	assert_int_equal(peertab_admit(tab, 5, 4, false, NULL, &victim), PEERTAB_EVICT);
}

static void
test_peertab_admit_ours_evicts_oldest_ours(void **state)
{
	/* Nothing of another event is evictable: an advert of ours takes the oldest of ours
	 * that is not shown (index 2); one of another event is refused. */
	const struct peertab_entry tab[] = { E(1, true, true), E(8, true, false), E(3, true, false),
		                             E(0, false, true) };
	size_t victim = 99;

	(void)state;
	assert_int_equal(peertab_admit(tab, 4, 4, true, NULL, &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 2);
	victim = 99;
	assert_int_equal(peertab_admit(tab, 4, 4, false, NULL, &victim), PEERTAB_REFUSE);
	assert_int_equal(victim, 99);
}

static void
test_peertab_admit_refuses_when_all_shown(void **state)
{
	const struct peertab_entry tab[] = { E(1, true, true), E(2, false, true) };
	size_t victim = 99;

	(void)state;
	assert_int_equal(peertab_admit(tab, 2, 2, true, NULL, &victim), PEERTAB_REFUSE);
	assert_int_equal(peertab_admit(tab, 2, 2, false, NULL, &victim), PEERTAB_REFUSE);
	assert_int_equal(peertab_admit(tab, 0, 0, true, NULL, &victim), PEERTAB_REFUSE);
	assert_int_equal(victim, 99);
}

/* E at an address, having joined the table at j. */
#define EA(seen_, ev, sh, addr_, j)                                                                \
	{                                                                                          \
		.seen = (seen_), .joined = (j), .addr = (addr_), .same_event = (ev), .shown = (sh) \
	}

static void
test_peertab_admit_crowding_first(void **state)
{
	/* A flood from one address (10.0.0.9) fills the table of our event. Index 1 (its
	 * own address) is the least recently seen of those not shown, yet the flood's
	 * crowding entry seen longest ago (index 3) goes; under least-recently-seen alone
	 * index 1 went. Index 0, the flood's first, is shown; index 8, its first holder of
	 * 10.0.0.8, is not crowding. */
	const struct peertab_entry tab[] = {
		EA(1, true, true, "10.0.0.9", 1),  EA(2, true, false, "10.0.0.5", 2),
		EA(6, true, false, "10.0.0.9", 3), EA(3, true, false, "10.0.0.9", 4),
		EA(9, true, false, "10.0.0.7", 5), EA(4, true, false, "fe80::1%eth0", 6),
		EA(8, true, false, NULL, 7),       EA(5, true, false, "", 8),
	};
	size_t victim = 99;

	(void)state;
	assert_int_equal(peertab_admit(tab, 8, 8, true, "10.0.0.77", &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 3);
	/* The flood's next advert, from its own address, the same. */
	assert_int_equal(peertab_admit(tab, 8, 8, true, "10.0.0.9", &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 3);
	/* Two addresses crowded alike: the least recently seen crowding entry of either;
	 * the first holders (0 of "a", 2 of "b") are not crowding. */
	const struct peertab_entry two[] = {
		EA(5, true, false, "a", 1), EA(1, true, false, "solo", 2),
		EA(0, true, false, "b", 3), EA(4, true, false, "b", 4),
		EA(6, true, false, "a", 5),
	};
	assert_int_equal(peertab_admit(two, 5, 5, true, NULL, &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 3);
	/* Addresses are compared byte for byte, and none (NULL, "") is shared with anyone:
	 * with no entry crowding, the rule is the least recently seen (index 2). */
	const struct peertab_entry own[] = {
		EA(8, true, false, NULL, 1),       EA(9, true, false, "", 2),
		EA(7, true, false, "10.0.0.1", 3), EA(9, true, false, NULL, 4),
		EA(9, true, false, "", 5),         EA(9, true, false, "10.0.0.01", 6),
	};
	assert_int_equal(peertab_admit(own, 6, 6, true, "10.0.0.2", &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 2);
	assert_int_equal(peertab_admit(own, 6, 6, true, "", &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 2);
}

static void
test_peertab_admit_copied_address(void **state)
{
	/* A newcomer (index 0, 10.0.0.5, the least recently seen) and an advert that came
	 * later with a copy of its address (index 2): the copy crowds, the newcomer holds
	 * the address first, so the copy goes, however recently seen. */
	const struct peertab_entry tab[] = {
		EA(1, true, false, "10.0.0.5", 3),
		EA(2, true, false, "10.0.0.6", 4),
		EA(9, true, false, "10.0.0.5", 5),
	};
	size_t victim = 99;

	(void)state;
	assert_int_equal(peertab_admit(tab, 3, 3, true, "10.0.0.9", &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 2);
	/* Nothing crowding: a candidate whose address is already held (a copy of 10.0.0.6)
	 * is refused, where one with an address of its own pushes out the least recently
	 * seen. */
	const struct peertab_entry firsts[] = {
		EA(1, true, false, "10.0.0.5", 3),
		EA(2, true, false, "10.0.0.6", 4),
		EA(3, true, true, "10.0.0.7", 5),
	};
	victim = 99;
	assert_int_equal(peertab_admit(firsts, 3, 3, true, "10.0.0.6", &victim), PEERTAB_REFUSE);
	assert_int_equal(victim, 99);
	assert_int_equal(peertab_admit(firsts, 3, 3, true, "10.0.0.7", &victim), PEERTAB_REFUSE);
	assert_int_equal(peertab_admit(firsts, 3, 3, true, "10.0.0.8", &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 0);
	/* Another event's entries go first, whatever the address: even a first holder, to
	 * a candidate of ours at its address, and before a crowding entry of ours. */
	const struct peertab_entry mixed[] = {
		EA(1, true, true, "x", 1),  EA(2, false, false, "x", 2), EA(3, true, false, "x", 3),
		EA(9, true, false, "y", 4), EA(8, false, false, "z", 5), EA(2, true, false, "y", 6),
	};
	assert_int_equal(peertab_admit(mixed, 6, 6, true, "x", &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 1); /* of another event, crowding "x" (3 entries) */
	assert_int_equal(peertab_admit(mixed, 6, 6, false, "q", &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 1);
	assert_int_equal(peertab_admit(mixed, 1, 1, true, "x", &victim), PEERTAB_REFUSE);
	/* Only ours: the address the most entries share ("y", 3) before "x" (2), however
	 * recently seen; among "y"'s crowding entries the least recently seen. */
	const struct peertab_entry ours[] = {
		EA(1, true, true, "x", 1),  EA(0, true, false, "x", 2), EA(1, true, false, "y", 3),
		EA(5, true, false, "y", 4), EA(2, true, false, "y", 5),
	};
	assert_int_equal(peertab_admit(ours, 5, 5, true, "x", &victim), PEERTAB_EVICT);
	assert_int_equal(victim, 4);
}

static void
test_peertab_pin_order_and_quota(void **state)
{
	struct peertab_entry tab[] = { E(1, false, false), E(7, false, false), E(2, true, false),
		                       E(3, false, true), E(5, true, false) };

	(void)state;
	/* One already shown, room for two more: ours first (4 then 2). */
	assert_int_equal(peertab_pin(tab, 5, 3), 2);
	assert_true(tab[4].shown && tab[2].shown && tab[3].shown);
	assert_false(tab[0].shown || tab[1].shown);
	/* Room for one more: the most recently seen of the rest. */
	assert_int_equal(peertab_pin(tab, 5, 4), 1);
	assert_true(tab[1].shown);
	assert_false(tab[0].shown);
	/* Quota already reached (or exceeded): nothing. */
	assert_int_equal(peertab_pin(tab, 5, 4), 0);
	assert_int_equal(peertab_pin(tab, 5, 2), 0);
	assert_false(tab[0].shown);
	/* Plenty of room: all, and no more than there are. */
	assert_int_equal(peertab_pin(tab, 5, 100), 1);
	assert_true(tab[0].shown);
	assert_int_equal(peertab_pin(tab, 5, 100), 0);
	assert_int_equal(peertab_pin(NULL, 0, 10), 0);
}

/* A table where "7" is peer 3's handle and peer 7 shows "ada"; "bo" is shown twice. */
static const struct peertab_name names[] = {
	{ .id = 7, .handle = "ada" }, { .id = 3, .handle = "7" },  { .id = 12, .handle = NULL },
	{ .id = 4, .handle = "bo" },  { .id = 9, .handle = "bo" }, { .id = 5, .handle = "" },
	{ .id = 6, .handle = "6" },   { .id = 8, .handle = "#8" },
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

static void
test_peertab_lookup_plain(void **state)
{
	struct peertab_match m;

	(void)state;
	assert_int_equal(peertab_lookup(names, NNAMES, "ada", &m), 0);
	assert_int_equal(m.index, 0);
	assert_int_equal(peertab_lookup(names, NNAMES, "12", &m), 0); /* an id, no such handle */
	assert_int_equal(m.index, 2);
	/* Peer 6 shows its own id as its handle: one peer, not two. */
	assert_int_equal(peertab_lookup(names, NNAMES, "6", &m), 0);
	assert_int_equal(m.index, 6);
	/* A handle that looks like an id form is still a handle when bare. */
	assert_int_equal(peertab_lookup(names, NNAMES, "@#8", &m), 0);
	assert_int_equal(m.index, 7);
}

static void
test_peertab_lookup_id_and_handle_ambiguous(void **state)
{
	struct peertab_match m;

	(void)state;
	assert_int_equal(peertab_lookup(names, NNAMES, "7", &m), -EEXIST);
	assert_int_equal(m.index, 0); /* the id's owner first */
	assert_int_equal(m.other, 1);
	assert_false(m.twice);
	/* Said which: each reaches its own peer. */
	assert_int_equal(peertab_lookup(names, NNAMES, "#7", &m), 0);
	assert_int_equal(m.index, 0);
	assert_int_equal(peertab_lookup(names, NNAMES, "@7", &m), 0);
	assert_int_equal(m.index, 1);
}

static void
test_peertab_lookup_handle_twice(void **state)
{
	struct peertab_match m;

	(void)state;
	assert_int_equal(peertab_lookup(names, NNAMES, "bo", &m), -EEXIST);
	assert_true(m.twice);
	assert_int_equal(m.index, 3);
	assert_int_equal(m.other, 4);
	assert_int_equal(peertab_lookup(names, NNAMES, "@bo", &m), -EEXIST);
	assert_true(m.twice);
	assert_int_equal(peertab_lookup(names, NNAMES, "#4", &m), 0);
	assert_int_equal(m.index, 3);
}

static void
test_peertab_lookup_id_handle_shown_twice(void **state)
{
	/* Id 2's owner shows "2", and so does another: ambiguous between those two. */
	const struct peertab_name t[] = { { .id = 1, .handle = "2" }, { .id = 2, .handle = "2" } };
	const struct peertab_name u[] = { { .id = 5, .handle = "5" },
		                          { .id = 6, .handle = "5" },
		                          { .id = 7, .handle = "5" } };
	struct peertab_match m;

	(void)state;
	assert_int_equal(peertab_lookup(t, 2, "2", &m), -EEXIST);
	assert_int_equal(m.index, 1);
	assert_int_equal(m.other, 0);
	assert_false(m.twice);
	/* Three show "5", the first of them owns id 5. */
	assert_int_equal(peertab_lookup(u, 3, "@5", &m), -EEXIST);
	assert_true(m.twice);
	assert_int_equal(m.index, 0);
	assert_int_equal(m.other, 1);
	assert_int_equal(peertab_lookup(u, 3, "5", &m), -EEXIST);
	assert_int_equal(m.index, 0);
	assert_int_equal(m.other, 1);
}

static void
test_peertab_lookup_not_found(void **state)
{
	struct peertab_match m;

	(void)state;
	assert_int_equal(peertab_lookup(names, NNAMES, "zed", &m), -ENOENT);
	assert_int_equal(peertab_lookup(names, NNAMES, "99", &m), -ENOENT);
	/* Only as written: "07" is not id 7, "#ada" is not a handle, "@12" not an id. */
	assert_int_equal(peertab_lookup(names, NNAMES, "07", &m), -ENOENT);
	assert_int_equal(peertab_lookup(names, NNAMES, "#ada", &m), -ENOENT);
	assert_int_equal(peertab_lookup(names, NNAMES, "@12", &m), -ENOENT);
	assert_int_equal(peertab_lookup(names, NNAMES, "#-7", &m), -ENOENT);
	assert_int_equal(peertab_lookup(NULL, 0, "ada", &m), -ENOENT);
}

static void
test_peertab_lookup_malformed(void **state)
{
	struct peertab_match m;

	(void)state;
	assert_int_equal(peertab_lookup(names, NNAMES, "", &m), -EINVAL);
	assert_int_equal(peertab_lookup(names, NNAMES, "#", &m), -EINVAL);
	assert_int_equal(peertab_lookup(names, NNAMES, "@", &m), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peertab_admit_room),
		cmocka_unit_test(test_peertab_admit_evicts_oldest_other_event),
		cmocka_unit_test(test_peertab_admit_ours_evicts_oldest_ours),
		cmocka_unit_test(test_peertab_admit_refuses_when_all_shown),
		cmocka_unit_test(test_peertab_admit_crowding_first),
		cmocka_unit_test(test_peertab_admit_copied_address),
		cmocka_unit_test(test_peertab_pin_order_and_quota),
		cmocka_unit_test(test_peertab_lookup_plain),
		cmocka_unit_test(test_peertab_lookup_id_and_handle_ambiguous),
		cmocka_unit_test(test_peertab_lookup_handle_twice),
		cmocka_unit_test(test_peertab_lookup_id_handle_shown_twice),
		cmocka_unit_test(test_peertab_lookup_not_found),
		cmocka_unit_test(test_peertab_lookup_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
