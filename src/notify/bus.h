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

/* Called for ActionInvoked (action is the key, "accept" or "later") and NotificationClosed
 * (action NULL) of any notification; the caller knows which ids are its own. */
typedef void bus_signal_fn(uint32_t id, const char *action, void *arg);

/* Connects to the session bus (DBUS_SESSION_BUS_ADDRESS) and subscribes to the two signals.
 * 0 with *out (freed by bus_free); a negative errno, logged on stderr. */
int bus_open(bus_signal_fn *fn, void *arg, struct bus **out) __attribute__((warn_unused_result));

/* Asks GetCapabilities: *actions is whether the list holds "actions". 0, or a negative
 * errno (the server is not there). */
int bus_caps(struct bus *b, bool *actions) __attribute__((warn_unused_result));

/* Notify("wallflower", 0, "", summary, body, actions, {}, -1): with_actions adds
 * ["accept", "Accept", "later", "Later"]. 0 with *id, the server's number; a negative errno.
 * Synchronous: the server is local and answers at once. */
int bus_notify(struct bus *b, const char *summary, const char *body, bool with_actions,
               uint32_t *id) __attribute__((warn_unused_result));

/* The fd to poll, the events to poll it for, and the poll timeout in ms (-1: none). */
int bus_fd(struct bus *b);
short bus_events(struct bus *b);
int bus_timeout_ms(struct bus *b);

/* Handles whatever the bus has (signals go to the callback). 0, or a negative errno when
 * the connection is lost. */
int bus_process(struct bus *b) __attribute__((warn_unused_result));

void bus_free(struct bus *b);

#endif
