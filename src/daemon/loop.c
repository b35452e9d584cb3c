/*
 * loop.c: epoll and timers. Its only input is the kernel's; it must never block anywhere
 * but in epoll_wait, and never call back into an object that was freed earlier in the same
 * batch (freed objects wait on a list until the batch is over).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

#define LOOP_BATCH 64

struct loop_watch {
	struct loop *loop;
	int fd;
	uint32_t events;
	loop_watch_fn fn;
	void *arg;
	bool dead;
	struct loop_watch *next_dead;
};

struct loop_timer {
	struct loop *loop;
	loop_timer_fn fn;
	void *arg;
	bool armed, dead;
	bool due; /* armed and due when this round of timers began */
	uint64_t at;
	struct loop_timer *prev, *next; /* all live timers */
	struct loop_timer *next_dead;
};

struct loop {
	int epfd;
	bool quit;
	struct loop_timer *timers;
	struct loop_watch *dead_watches;
	struct loop_timer *dead_timers;
};

uint64_t
loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
loop_new(struct loop **out)
{
	struct loop *l = calloc(1, sizeof(*l));

	*out = NULL;
	if (l == NULL)
		return -ENOMEM;
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		int r = -errno;

		free(l);
		return r;
	}
	*out = l;
	return 0;
}

static void
reap(struct loop *l)
{
	while (l->dead_watches != NULL) {
		struct loop_watch *w = l->dead_watches;

		l->dead_watches = w->next_dead;
		free(w);
	}
	while (l->dead_timers != NULL) {
		struct loop_timer *t = l->dead_timers;

		l->dead_timers = t->next_dead;
		free(t);
	}
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	while (l->timers != NULL)
		loop_timer_free(l->timers);
	reap(l);
	close(l->epfd);
	free(l);
}

void
loop_quit(struct loop *l)
{
	l->quit = true;
}

/* Milliseconds until the next timer, -1 for none. */
static int
next_timeout(const struct loop *l)
{
	uint64_t now = loop_now_ms(), first = UINT64_MAX;

	for (const struct loop_timer *t = l->timers; t != NULL; t = t->next)
		if (t->armed && t->at < first)
			first = t->at;
	if (first == UINT64_MAX)
		return -1;
	if (first <= now)
		return 0;
	return first - now > 60000 ? 60000 : (int)(first - now);
}

/* The earliest due timer, or NULL. */
static struct loop_timer *
next_due(const struct loop *l)
{
	struct loop_timer *first = NULL;

	for (struct loop_timer *t = l->timers; t != NULL; t = t->next)
		if (t->due && (first == NULL || t->at < first->at))
			first = t;
	return first;
}

static void
fire_timers(struct loop *l)
{
	uint64_t now = loop_now_ms();
	struct loop_timer *t;

	/* Only timers due now fire in this round, so one that re-arms itself for "now" waits
	 * for the next round instead of spinning here. They fire in order of their times. */
	for (t = l->timers; t != NULL; t = t->next)
		t->due = t->armed && t->at <= now;
	/* A callback may add, arm, stop or free timers: look again after each one fires. */
	while ((t = next_due(l)) != NULL) {
		t->due = t->armed = false;
		t->fn(t, t->arg);
	}
}

int
loop_run(struct loop *l)
{
	struct epoll_event ev[LOOP_BATCH];

	l->quit = false;
	while (!l->quit) {
		int n = epoll_wait(l->epfd, ev, LOOP_BATCH, next_timeout(l));

		if (n < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n && !l->quit; i++) {
			struct loop_watch *w = ev[i].data.ptr;

			if (!w->dead)
				w->fn(w, w->fd, ev[i].events, w->arg);
		}
		if (!l->quit)
			fire_timers(l);
		reap(l);
	}
	return 0;
}

struct loop_watch *
loop_watch_new(struct loop *l, int fd, uint32_t events, loop_watch_fn fn, void *arg)
{
	struct loop_watch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = { .events = events };

	if (w == NULL)
		return NULL;
	*w = (struct loop_watch){ .loop = l, .fd = fd, .events = events, .fn = fn, .arg = arg };
	ev.data.ptr = w;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(w);
		return NULL;
	}
	return w;
}

int
loop_watch_set(struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (events == w->events)
		return 0;
	if (epoll_ctl(w->loop->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
		return -errno;
	w->events = events;
	return 0;
}

uint32_t
loop_watch_events(const struct loop_watch *w)
{
	return w->events;
}

void
loop_watch_free(struct loop_watch *w)
{
	if (w == NULL || w->dead)
		return;
	/* The fd may already be closed by its owner; then the kernel has dropped it. */
	(void)epoll_ctl(w->loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->dead = true;
	w->next_dead = w->loop->dead_watches;
	w->loop->dead_watches = w;
}

struct loop_timer *
loop_timer_new(struct loop *l, loop_timer_fn fn, void *arg)
{
	struct loop_timer *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	*t = (struct loop_timer){ .loop = l, .fn = fn, .arg = arg, .next = l->timers };
	if (l->timers != NULL)
		l->timers->prev = t;
	l->timers = t;
	return t;
}

void
loop_timer_set_at(struct loop_timer *t, uint64_t at_ms)
{
	t->at = at_ms;
	t->armed = true;
	t->due = false;
}

void
loop_timer_set(struct loop_timer *t, uint64_t ms)
{
	loop_timer_set_at(t, loop_now_ms() + ms);
}

void
loop_timer_stop(struct loop_timer *t)
{
	if (t == NULL)
		return;
	t->armed = t->due = false;
}

bool
loop_timer_armed(const struct loop_timer *t)
{
	return t->armed;
}

void
loop_timer_free(struct loop_timer *t)
{
	struct loop *l;

	if (t == NULL || t->dead)
		return;
	l = t->loop;
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		l->timers = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	t->armed = t->due = false;
	t->dead = true;
	t->next_dead = l->dead_timers;
	l->dead_timers = t;
}
