/*
 * bus: wallflower-notify's link to the desktop's notification server, the freedesktop
 * org.freedesktop.Notifications interface on the session bus, through sd-bus. The only file
 * that includes <systemd/sd-bus.h> (STYLE.md rule 2).
 */
#ifndef WALLFLOWER_NOTIFY_BUS_H
#define WALLFLOWER_NOTIFY_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct bus;

/* How many Notify calls may wait for the server's answer at once, and how long each may
 * wait. A local server answers in milliseconds; one that has not answered this many, or
 * for this long, is hung or gone, and waiting longer only delays what comes next. */
#define BUS_CALLS_MAX 8
#define BUS_CALL_USEC (5 * 1000000ULL)

/* Called for ActionInvoked (action is the key, "accept" or "later") and NotificationClosed
 * (action NULL) of any notification; the caller knows which ids are its own. from_server:
 * the signal's sender is the connection that answers our calls to the server (by its unique
 * name), not another peer on the session bus. */
typedef void bus_signal_fn(uint32_t id, const char *action, bool from_server, void *arg);

/* Called once for every Notify that bus_notify sent, from bus_process (or never, if the bus
 * is freed first): id is the server's number for it, or 0 when the call failed or timed
 * out (logged on stderr); cookie is what was given to bus_notify. */
typedef void bus_reply_fn(uint32_t id, uint64_t cookie, void *arg);

/* Connects to the session bus (DBUS_SESSION_BUS_ADDRESS) and subscribes to the two signals,
 * sent by org.freedesktop.Notifications only (the bus resolves the name to its owner); every
 * method call waits at most BUS_CALL_USEC. 0 with *out (freed by bus_free); a negative
 * errno, logged on stderr. */
int bus_open(bus_signal_fn *sig, bus_reply_fn *reply, void *arg, struct bus **out)
        __attribute__((warn_unused_result));

/* Asks GetCapabilities and waits (at most BUS_CALL_USEC): *actions is whether the list holds
 * "actions", *body_markup whether it holds "body-markup". 0, or a negative errno (the server
 * is not there, or did not answer). Meant for the start, before any event is read. */
int bus_caps(struct bus *b, bool *actions, bool *body_markup) __attribute__((warn_unused_result));

/* Sends Notify("wallflower", 0, "", summary, body, actions, {}, -1) and returns at once:
 * with_actions adds ["accept", "Accept", "later", "Later"]. The answer goes to the reply
 * callback, with cookie. 0 when sent; -EBUSY when BUS_CALLS_MAX calls still wait for their
 * answers (nothing is sent: the caller drops the notification); another negative errno.
 * The strings are copied. */
int bus_notify(struct bus *b, const char *summary, const char *body, bool with_actions,
               uint64_t cookie) __attribute__((warn_unused_result));

/* The fd to poll, the events to poll it for, and the poll timeout in ms (-1: none). */
int bus_fd(struct bus *b);
short bus_events(struct bus *b);
int bus_timeout_ms(struct bus *b);

/* Handles whatever the bus has (signals go to the callback). 0, or a negative errno when
 * the connection is lost. */
int bus_process(struct bus *b) __attribute__((warn_unused_result));

void bus_free(struct bus *b);

#endif
