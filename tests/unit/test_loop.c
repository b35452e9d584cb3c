/*
 * loop: the daemon's event loop (src/daemon/loop.c, compiled into this test). Timer order,
 * stop and re-arm; no spinning on a timer that re-arms itself for now; freeing timers and
 * watches from inside callbacks of the same batch; watch events; quit. Every test has a
 * watchdog timer, so a loop that never quits fails instead of hanging.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "loop.h"
#include "testutil.h"

#define WATCHDOG_MS 2000

struct fx {
	struct loop *l;
	struct loop_timer *watchdog;
	bool timed_out;
};

static void
on_watchdog(struct loop_timer *t, void *arg)
{
	struct fx *fx = arg;

	(void)t;
	fx->timed_out = true;
	loop_quit(fx->l);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(loop_new(&fx->l), 0);
	fx->watchdog = loop_timer_new(fx->l, on_watchdog, fx);
	assert_non_null(fx->watchdog);
	loop_timer_set(fx->watchdog, WATCHDOG_MS);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	loop_free(fx->l);
	free(fx);
	return 0;
}

static void
run(struct fx *fx)
{
	assert_int_equal(loop_run(fx->l), 0);
	assert_false(fx->timed_out);
}

static void
quit_cb(struct loop_timer *t, void *arg)
{
	(void)t;
	loop_quit(arg);
}

/* A timer that quits the loop after ms. */
static struct loop_timer *
quit_after(struct fx *fx, uint64_t ms)
{
	struct loop_timer *t = loop_timer_new(fx->l, quit_cb, fx->l);

	assert_non_null(t);
	loop_timer_set(t, ms);
	return t;
}

static void
make_pipe(int p[2])
{
	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
}

/* Timers that record the order in which they fire. */
struct rec {
	int order[8];
	int n;
};

struct rec_timer {
	struct rec *rec;
	int id;
	uint64_t fired_at;
	int fired;
};

static void
rec_cb(struct loop_timer *t, void *arg)
{
	struct rec_timer *rt = arg;

	(void)t;
	rt->fired++;
	rt->fired_at = loop_now_ms();
	if (rt->rec != NULL && rt->rec->n < 8)
		rt->rec->order[rt->rec->n++] = rt->id;
}

static void
test_loop_timer_order(void **state)
{
	struct fx *fx = *state;
	struct rec rec = { 0 };
	struct rec_timer rt[3] = { { &rec, 30, 0, 0 }, { &rec, 10, 0, 0 }, { &rec, 20, 0, 0 } };
	struct loop_timer *t[3];

	for (int i = 0; i < 3; i++) {
		t[i] = loop_timer_new(fx->l, rec_cb, &rt[i]);
		assert_non_null(t[i]);
		loop_timer_set(t[i], (uint64_t)rt[i].id);
		assert_true(loop_timer_armed(t[i]));
	}
	quit_after(fx, 60);
	run(fx);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.order[0], 10);
	assert_int_equal(rec.order[1], 20);
	assert_int_equal(rec.order[2], 30);
	for (int i = 0; i < 3; i++)
		assert_false(loop_timer_armed(t[i])); /* one-shot */
}

/*
 * Several timers due in the same round (the loop woke late, or a callback was slow) must
 * still fire in the order of their times, not in the order they sit in the loop's list.
 */
static void
test_loop_timer_order_same_round(void **state)
{
	struct fx *fx = *state;
	struct rec rec = { 0 };
	struct rec_timer rt[3] = { { &rec, 1, 0, 0 }, { &rec, 2, 0, 0 }, { &rec, 3, 0, 0 } };
	uint64_t now = loop_now_ms();

	/* Made earliest first, all already due: ids are the order their times ask for. */
	for (int i = 0; i < 3; i++) {
		struct loop_timer *t = loop_timer_new(fx->l, rec_cb, &rt[i]);

		assert_non_null(t);
		loop_timer_set_at(t, now - 30 + (uint64_t)i * 10);
	}
	quit_after(fx, 20);
	run(fx);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.order[0], 1);
	assert_int_equal(rec.order[1], 2);
	assert_int_equal(rec.order[2], 3);
}

static void
test_loop_timer_stop_no_fire(void **state)
{
	struct fx *fx = *state;
	struct rec_timer rt = { 0 };
	struct loop_timer *t = loop_timer_new(fx->l, rec_cb, &rt);

	assert_non_null(t);
	loop_timer_set(t, 10);
	loop_timer_stop(t);
	assert_false(loop_timer_armed(t));
	quit_after(fx, 40);
	run(fx);
	assert_int_equal(rt.fired, 0);
	/* Stopping a stopped timer, and arming it again, both work. */
	loop_timer_stop(t);
	loop_timer_set(t, 0);
	quit_after(fx, 20);
	run(fx);
	assert_int_equal(rt.fired, 1);
}

/* Stops the timer in arg. */
static void
stop_other_cb(struct loop_timer *t, void *arg)
{
	(void)t;
	loop_timer_stop(arg);
}

/* A timer due in this round but stopped by an earlier one in the same round stays quiet. */
static void
test_loop_timer_stop_in_callback(void **state)
{
	struct fx *fx = *state;
	struct rec_timer rt = { 0 };
	struct loop_timer *victim = loop_timer_new(fx->l, rec_cb, &rt);
	struct loop_timer *stopper = loop_timer_new(fx->l, stop_other_cb, victim);
	uint64_t now = loop_now_ms();

	assert_non_null(victim);
	assert_non_null(stopper);
	/* The stopper is both earlier in time and, made last, first in the loop's list. */
	loop_timer_set_at(victim, now - 10);
	loop_timer_set_at(stopper, now - 20);
	quit_after(fx, 20);
	run(fx);
	assert_int_equal(rt.fired, 0);
	assert_false(loop_timer_armed(victim));
}

static void
test_loop_timer_set_rearm_replaces(void **state)
{
	struct fx *fx = *state;
	struct rec_timer rt = { 0 };
	struct loop_timer *t = loop_timer_new(fx->l, rec_cb, &rt);
	uint64_t start = loop_now_ms();

	assert_non_null(t);
	loop_timer_set(t, 10);
	loop_timer_set(t, 80); /* later: the 10 ms is forgotten */
	quit_after(fx, 40);
	run(fx);
	assert_int_equal(rt.fired, 0);
	assert_true(loop_timer_armed(t));
	quit_after(fx, 200);
	run(fx);
	assert_int_equal(rt.fired, 1);
	assert_true(rt.fired_at >= start + 80);
	/* Earlier: the later time is forgotten too. */
	start = loop_now_ms();
	loop_timer_set(t, 500);
	loop_timer_set(t, 10);
	quit_after(fx, 100);
	run(fx);
	assert_int_equal(rt.fired, 2);
	assert_true(rt.fired_at >= start + 10);
	assert_true(rt.fired_at < start + 100);
	/* set_at in the past: due at once. */
	loop_timer_set_at(t, 1);
	quit_after(fx, 20);
	run(fx);
	assert_int_equal(rt.fired, 3);
}

/* A timer that re-arms itself for 0 ms, and pokes a pipe the loop watches each time. */
struct spin {
	struct loop *l;
	int pipe[2];
	unsigned fired, polled;
	unsigned max_gap; /* most timer fires between two watch callbacks */
	unsigned gap;
	bool quit_fired;
};

static void
spin_timer_cb(struct loop_timer *t, void *arg)
{
	struct spin *s = arg;

	s->fired++;
	if (++s->gap > s->max_gap)
		s->max_gap = s->gap;
	assert_int_equal(write(s->pipe[1], "x", 1), 1);
	loop_timer_set(t, 0);
}

static void
spin_watch_cb(struct loop_watch *w, int fd, uint32_t events, void *arg)
{
	struct spin *s = arg;
	char buf[64];

	(void)w;
	(void)events;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	s->polled++;
	s->gap = 0;
}

static void
spin_quit_cb(struct loop_timer *t, void *arg)
{
	struct spin *s = arg;

	(void)t;
	s->quit_fired = true;
	loop_quit(s->l);
}

static void
test_loop_timer_zero_rearm_no_spin(void **state)
{
	struct fx *fx = *state;
	struct spin s = { .l = fx->l };
	struct loop_timer *spinner = loop_timer_new(fx->l, spin_timer_cb, &s);
	struct loop_timer *quit = loop_timer_new(fx->l, spin_quit_cb, &s);
	struct loop_watch *w;
	uint64_t start = loop_now_ms();

	make_pipe(s.pipe);
	w = loop_watch_new(fx->l, s.pipe[0], EPOLLIN, spin_watch_cb, &s);
	assert_non_null(w);
	assert_non_null(spinner);
	assert_non_null(quit);
	loop_timer_set(spinner, 0);
	loop_timer_set(quit, 50);
	run(fx);
	print_message("0 ms timer: %u fires, %u polls in %llu ms\n", s.fired, s.polled,
	              (unsigned long long)(loop_now_ms() - start));
	loop_watch_free(w); /* before any assertion, so that a failure leaks nothing */
	close(s.pipe[0]);
	close(s.pipe[1]);
	/* The other timer still fired, on time: the spinner did not starve the loop. */
	assert_true(s.quit_fired);
	assert_true(loop_now_ms() - start < 500);
	/* Once per round: the loop went back to epoll (and served the pipe) between fires. */
	assert_true(s.fired > 0);
	assert_true(s.max_gap <= 1);
	assert_true(s.polled + 1 >= s.fired);
	/* A timer that always re-arms for "now" is a busy loop by its owner's choice; the loop
	 * promises fairness (above), not a rate limit. */
}

/* Each frees the other: both due in the same round, exactly one fires. */
struct pair {
	struct loop_timer *t[2];
	int fired[2];
};

struct pair_arg {
	struct pair *p;
	int me;
};

static void
free_other_cb(struct loop_timer *t, void *arg)
{
	struct pair_arg *a = arg;

	(void)t;
	a->p->fired[a->me]++;
	loop_timer_free(a->p->t[1 - a->me]);
	a->p->t[1 - a->me] = NULL;
}

static void
test_loop_timer_free_in_callback(void **state)
{
	struct fx *fx = *state;
	struct pair p = { 0 };
	struct pair_arg args[2] = { { &p, 0 }, { &p, 1 } };
	uint64_t now = loop_now_ms();

	for (int i = 0; i < 2; i++) {
		p.t[i] = loop_timer_new(fx->l, free_other_cb, &args[i]);
		assert_non_null(p.t[i]);
		loop_timer_set_at(p.t[i], now - 5);
	}
	quit_after(fx, 20);
	run(fx);
	assert_int_equal(p.fired[0] + p.fired[1], 1);
	/* The survivor is still a live timer: it can be armed and fires. */
	for (int i = 0; i < 2; i++) {
		if (p.t[i] != NULL) {
			loop_timer_set(p.t[i], 0);
			quit_after(fx, 20);
			run(fx);
			assert_int_equal(p.fired[i], 2);
		}
	}
}

static void
free_self_cb(struct loop_timer *t, void *arg)
{
	int *fired = arg;

	(*fired)++;
	loop_timer_free(t);
}

static void
test_loop_timer_free_self(void **state)
{
	struct fx *fx = *state;
	int fired = 0;
	struct loop_timer *t = loop_timer_new(fx->l, free_self_cb, &fired);

	assert_non_null(t);
	loop_timer_set(t, 0);
	quit_after(fx, 20);
	run(fx);
	assert_int_equal(fired, 1);
	/* A stopped timer freed outside the loop, and NULL, are fine too. */
	t = loop_timer_new(fx->l, free_self_cb, &fired);
	assert_non_null(t);
	loop_timer_free(t);
	loop_timer_free(NULL);
}

/* A watch that records what fired, reads what is there, and quits. */
struct seen {
	struct loop *l;
	int calls;
	uint32_t events;
	int fd;
	bool quit;
};

static void
seen_cb(struct loop_watch *w, int fd, uint32_t events, void *arg)
{
	struct seen *s = arg;
	char buf[64];

	(void)w;
	s->calls++;
	s->events |= events;
	s->fd = fd;
	if (events & EPOLLIN)
		while (read(fd, buf, sizeof(buf)) > 0)
			;
	if (s->quit)
		loop_quit(s->l);
}

struct writer {
	int fd;
};

static void
write_cb(struct loop_timer *t, void *arg)
{
	struct writer *wr = arg;

	(void)t;
	assert_int_equal(write(wr->fd, "hello", 5), 5);
}

static void
test_loop_watch_pipe_in(void **state)
{
	struct fx *fx = *state;
	struct seen s = { .l = fx->l, .quit = true, .fd = -1 };
	int p[2];
	struct writer wr;
	struct loop_timer *t;
	struct loop_watch *w;

	make_pipe(p);
	wr.fd = p[1];
	w = loop_watch_new(fx->l, p[0], EPOLLIN, seen_cb, &s);
	assert_non_null(w);
	assert_int_equal(loop_watch_events(w), EPOLLIN);
	t = loop_timer_new(fx->l, write_cb, &wr);
	assert_non_null(t);
	loop_timer_set(t, 10);
	run(fx);
	assert_int_equal(s.calls, 1);
	assert_true(s.events & EPOLLIN);
	assert_int_equal(s.fd, p[0]);
	loop_watch_free(w);
	loop_watch_free(NULL);
	close(p[0]);
	close(p[1]);
}

static void
test_loop_watch_new_bad_fd(void **state)
{
	struct fx *fx = *state;
	struct seen s = { 0 };

	assert_null(loop_watch_new(fx->l, -1, EPOLLIN, seen_cb, &s));
}

/* Two watches, both readable before the loop runs: each callback frees the other. */
struct duel {
	struct loop_watch *w[2];
	int calls[2];
};

struct duel_arg {
	struct duel *d;
	int me;
};

static void
duel_cb(struct loop_watch *w, int fd, uint32_t events, void *arg)
{
	struct duel_arg *a = arg;
	char buf[16];

	(void)w;
	(void)events;
	a->d->calls[a->me]++;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	loop_watch_free(a->d->w[1 - a->me]);
	a->d->w[1 - a->me] = NULL;
}

static void
test_loop_watch_free_in_batch(void **state)
{
	struct fx *fx = *state;
	struct duel d = { 0 };
	struct duel_arg args[2] = { { &d, 0 }, { &d, 1 } };
	int p[2][2];

	for (int i = 0; i < 2; i++) {
		make_pipe(p[i]);
		assert_int_equal(write(p[i][1], "x", 1), 1);
		d.w[i] = loop_watch_new(fx->l, p[i][0], EPOLLIN, duel_cb, &args[i]);
		assert_non_null(d.w[i]);
	}
	quit_after(fx, 30);
	run(fx);
	/* Both were in the first batch; the one freed first never ran (ASan: no use after
	 * free). */
	assert_int_equal(d.calls[0] + d.calls[1], 1);
	for (int i = 0; i < 2; i++) {
		loop_watch_free(d.w[i]);
		close(p[i][0]);
		close(p[i][1]);
	}
}

static void
free_self_watch_cb(struct loop_watch *w, int fd, uint32_t events, void *arg)
{
	int *calls = arg;

	(void)fd;
	(void)events;
	(*calls)++;
	loop_watch_free(w);
	loop_watch_free(w); /* twice: the second is a no-op until the batch ends */
}

static void
test_loop_watch_free_self(void **state)
{
	struct fx *fx = *state;
	int calls = 0, p[2];

	make_pipe(p);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_non_null(loop_watch_new(fx->l, p[0], EPOLLIN, free_self_watch_cb, &calls));
	/* Level-triggered and never drained: only the free stops it firing again. */
	quit_after(fx, 30);
	run(fx);
	assert_int_equal(calls, 1);
	close(p[0]);
	close(p[1]);
}

struct setter {
	struct loop_watch *w;
	uint32_t events;
};

static void
set_cb(struct loop_timer *t, void *arg)
{
	struct setter *s = arg;

	(void)t;
	assert_int_equal(loop_watch_set(s->w, s->events), 0);
	assert_int_equal(loop_watch_events(s->w), s->events);
}

static void
test_loop_watch_set_events(void **state)
{
	struct fx *fx = *state;
	struct seen s = { .l = fx->l, .quit = true, .fd = -1 };
	struct setter st;
	struct loop_timer *t;
	int p[2];

	make_pipe(p);
	/* The write end of an empty pipe: never readable, always writable. */
	st.w = loop_watch_new(fx->l, p[1], EPOLLIN, seen_cb, &s);
	assert_non_null(st.w);
	st.events = EPOLLOUT;
	t = loop_timer_new(fx->l, set_cb, &st);
	assert_non_null(t);
	loop_timer_set(t, 20);
	run(fx);
	assert_int_equal(s.calls, 1);
	assert_true(s.events & EPOLLOUT);
	assert_int_equal(s.fd, p[1]);
	/* Setting the same events again is fine; clearing them silences the watch. */
	assert_int_equal(loop_watch_set(st.w, EPOLLOUT), 0);
	assert_int_equal(loop_watch_set(st.w, 0), 0);
	assert_int_equal(loop_watch_events(st.w), 0);
	s.quit = false;
	quit_after(fx, 30);
	run(fx);
	assert_int_equal(s.calls, 1);
	loop_watch_free(st.w);
	close(p[0]);
	close(p[1]);
}

static void
test_loop_quit_stops_run(void **state)
{
	struct fx *fx = *state;
	struct rec_timer late = { 0 };
	struct loop_timer *t = loop_timer_new(fx->l, rec_cb, &late);
	uint64_t start = loop_now_ms();

	assert_non_null(t);
	loop_timer_set(t, 1000);
	quit_after(fx, 10);
	run(fx);
	assert_true(loop_now_ms() - start < 500);
	assert_int_equal(late.fired, 0);
	assert_true(loop_timer_armed(t));
	/* loop_run again after a quit runs again (quit is not sticky). */
	loop_timer_set(t, 0);
	quit_after(fx, 20);
	run(fx);
	assert_int_equal(late.fired, 1);
}

/* A readable pipe and a quitting watch: quit from a watch callback returns too. */
static void
test_loop_quit_from_watch(void **state)
{
	struct fx *fx = *state;
	struct seen s = { .l = fx->l, .quit = true, .fd = -1 };
	uint64_t start = loop_now_ms();
	struct loop_watch *w;
	int p[2];

	make_pipe(p);
	assert_int_equal(write(p[1], "x", 1), 1);
	w = loop_watch_new(fx->l, p[0], EPOLLIN, seen_cb, &s);
	assert_non_null(w);
	run(fx);
	assert_int_equal(s.calls, 1);
	assert_true(loop_now_ms() - start < 500);
	loop_watch_free(w);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_loop_timer_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_timer_order_same_round, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_timer_stop_no_fire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_timer_stop_in_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_timer_set_rearm_replaces, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_loop_timer_zero_rearm_no_spin, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_loop_timer_free_in_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_timer_free_self, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_watch_pipe_in, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_watch_new_bad_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_watch_free_in_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_watch_free_self, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_watch_set_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_quit_stops_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_quit_from_watch, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
