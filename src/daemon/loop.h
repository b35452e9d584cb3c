/*
 * loop: wallflowerd's one event loop, epoll for file descriptors and a list of one-shot
 * timers on the monotonic clock. Everything else (avahi through its AvahiPoll adapter,
 * peer connections, the control socket, signals) plugs into it. Single-threaded.
 *
 * Freeing a watch or a timer from inside any callback is safe: it is unhooked at once and
 * released after the current batch of events.
 */
#ifndef WFD_LOOP_H
#define WFD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;
struct loop_watch;
struct loop_timer;

/* events: EPOLLIN and/or EPOLLOUT; the callback gets the epoll events that fired. */
typedef void (*loop_watch_fn)(struct loop_watch *w, int fd, uint32_t events, void *arg);
typedef void (*loop_timer_fn)(struct loop_timer *t, void *arg);

int loop_new(struct loop **out) __attribute__((warn_unused_result));
void loop_free(struct loop *l);

/* Runs until loop_quit. 0, or a negative errno when epoll itself fails. */
int loop_run(struct loop *l) __attribute__((warn_unused_result));
void loop_quit(struct loop *l);

/* Milliseconds on the monotonic clock. */
uint64_t loop_now_ms(void);

/* Watches fd (the caller keeps owning it). NULL on failure (errno set). */
struct loop_watch *loop_watch_new(struct loop *l, int fd, uint32_t events, loop_watch_fn fn,
                                  void *arg);
int loop_watch_set(struct loop_watch *w, uint32_t events);
uint32_t loop_watch_events(const struct loop_watch *w);
void loop_watch_free(struct loop_watch *w);

/* A stopped timer. NULL on ENOMEM. */
struct loop_timer *loop_timer_new(struct loop *l, loop_timer_fn fn, void *arg);
/* Fires once, ms from now (re-arming replaces the previous time). */
void loop_timer_set(struct loop_timer *t, uint64_t ms);
/* Fires once at the monotonic time at_ms. */
void loop_timer_set_at(struct loop_timer *t, uint64_t at_ms);
void loop_timer_stop(struct loop_timer *t); /* NULL is fine */
bool loop_timer_armed(const struct loop_timer *t);
void loop_timer_free(struct loop_timer *t);

#endif
