/*
 * bus.c: the sd-bus adapter of wallflower-notify. It owns the session-bus connection and
 * says only what docs/ui.md lists: GetCapabilities, Notify, and the ActionInvoked and
 * NotificationClosed signals. What it reads from the bus (signal arguments) is checked by
 * sd-bus's typed reads; an action key is passed on as it came, for the caller to compare.
 *
 * Any peer on the session bus may emit a signal named ActionInvoked. The match rules name
 * the sender org.freedesktop.Notifications, which dbus-daemon resolves to the name's owner,
 * so a broadcast from another peer is not delivered. A signal sent to us directly passes
 * any match rule, though, and sd-bus's own check lets a unique sender through a rule that
 * names a well-known one; so each signal's sender is also compared with the unique name
 * that answered our last call to the server (GetCapabilities, then each Notify).
 *
 * Notify never blocks. wallflower-notify reads the daemon's watch stream in the same loop,
 * and a server that hangs would otherwise hold it for sd-bus's default 25 s per call: the
 * daemon's events would pile up and be skipped (proto/control.md 7.5) and ActionInvoked
 * would wait. So Notify is sent with sd_bus_call_method_async and its answer handled by
 * bus_process in that loop; at most BUS_CALLS_MAX calls wait at once (each in a slot of
 * calls[], which bounds what a hung server costs), and each at most BUS_CALL_USEC.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-bus.h>

#include "bus.h"

#define NOTIF_DEST  "org.freedesktop.Notifications"
#define NOTIF_PATH  "/org/freedesktop/Notifications"
#define NOTIF_IFACE "org.freedesktop.Notifications"

/* A Notify call waiting for its answer. */
struct call {
	struct bus *b;
	sd_bus_slot *slot; /* NULL: a free entry */
	uint64_t cookie;
};

struct bus {
	sd_bus *bus;
	bus_signal_fn *sig;
	bus_reply_fn *reply;
	void *arg;
	struct call calls[BUS_CALLS_MAX];
	char *server; /* the unique name that last answered a call to the server, or NULL */
};

/* Whether m comes from the server's connection. */
static bool
from_server(const struct bus *b, sd_bus_message *m)
{
	const char *s = sd_bus_message_get_sender(m);

	return s != NULL && b->server != NULL && strcmp(s, b->server) == 0;
}

/* Remembers who answered a call to the server: its owner can change (a restart). */
static void
server_seen(struct bus *b, sd_bus_message *reply)
{
	const char *s = sd_bus_message_get_sender(reply);
	char *p;

	if (s == NULL || (b->server != NULL && strcmp(s, b->server) == 0))
		return;
	if ((p = strdup(s)) == NULL)
		return; /* signals keep being checked against the name before */
	free(b->server);
	b->server = p;
}

static int
on_action(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	struct bus *b = userdata;
	const char *action;
	uint32_t id;

	(void)err;
	if (sd_bus_message_read(m, "us", &id, &action) < 0)
		return 0; /* not the signal's signature: ignored */
	b->sig(id, action, from_server(b, m), b->arg);
	return 0;
}

static int
on_closed(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	struct bus *b = userdata;
	uint32_t id, reason;

	(void)err;
	if (sd_bus_message_read(m, "uu", &id, &reason) < 0)
		return 0;
	b->sig(id, NULL, from_server(b, m), b->arg);
	return 0;
}

int
bus_open(bus_signal_fn *sig, bus_reply_fn *reply, void *arg, struct bus **out)
{
	struct bus *b;
	int r;

	*out = NULL;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -ENOMEM;
	b->sig = sig;
	b->reply = reply;
	b->arg = arg;
	for (size_t i = 0; i < BUS_CALLS_MAX; i++)
		b->calls[i].b = b;
	if ((r = sd_bus_open_user(&b->bus)) < 0) {
		fprintf(stderr, "wallflower-notify: no session bus: %s\n", strerror(-r));
		goto fail;
	}
	if ((r = sd_bus_set_method_call_timeout(b->bus, BUS_CALL_USEC)) < 0)
		goto fail;
	if ((r = sd_bus_match_signal(b->bus, NULL, NOTIF_DEST, NOTIF_PATH, NOTIF_IFACE,
	                             "ActionInvoked", on_action, b)) < 0 ||
	    (r = sd_bus_match_signal(b->bus, NULL, NOTIF_DEST, NOTIF_PATH, NOTIF_IFACE,
	                             "NotificationClosed", on_closed, b)) < 0) {
		fprintf(stderr, "wallflower-notify: cannot watch the bus: %s\n", strerror(-r));
		goto fail;
	}
	*out = b;
	return 0;
fail:
	bus_free(b);
	return r;
}

int
bus_caps(struct bus *b, bool *actions, bool *body_markup)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	char **caps = NULL;
	int r;

	*actions = false;
	*body_markup = false;
	r = sd_bus_call_method(b->bus, NOTIF_DEST, NOTIF_PATH, NOTIF_IFACE, "GetCapabilities", &err,
	                       &reply, "");
	if (r < 0) {
		fprintf(stderr, "wallflower-notify: no notification server: %s\n",
		        err.message != NULL ? err.message : strerror(-r));
		goto out;
	}
	if ((r = sd_bus_message_read_strv(reply, &caps)) < 0)
		goto out;
	server_seen(b, reply);
	for (char **c = caps; *c != NULL; c++) {
		if (strcmp(*c, "actions") == 0)
			*actions = true;
		else if (strcmp(*c, "body-markup") == 0)
			*body_markup = true;
	}
	r = 0;
out:
	if (caps != NULL)
		for (char **c = caps; *c != NULL; c++)
			free(*c);
	free(caps);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&err);
	return r;
}

/* The answer to a Notify, or sd-bus's own error when it timed out. The slot is freed here:
 * sd-bus holds a reference of its own while it calls us. */
static int
on_notified(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	struct call *c = userdata;
	const sd_bus_error *e = sd_bus_message_get_error(m);
	uint32_t id = 0;

	(void)err;
	c->slot = sd_bus_slot_unref(c->slot);
	if (e != NULL)
		fprintf(stderr, "wallflower-notify: Notify failed: %s\n",
		        e->message != NULL ? e->message : e->name);
	else if (sd_bus_message_read(m, "u", &id) < 0)
		id = 0;
	else
		server_seen(c->b, m);
	c->b->reply(id, c->cookie, c->b->arg);
	return 0;
}

int
bus_notify(struct bus *b, const char *summary, const char *body, bool with_actions, uint64_t cookie)
{
	struct call *c = NULL;
	int r;

	for (size_t i = 0; i < BUS_CALLS_MAX && c == NULL; i++)
		if (b->calls[i].slot == NULL)
			c = &b->calls[i];
	if (c == NULL)
		return -EBUSY;
	c->cookie = cookie;
	if (with_actions)
		r = sd_bus_call_method_async(b->bus, &c->slot, NOTIF_DEST, NOTIF_PATH, NOTIF_IFACE,
		                             "Notify", on_notified, c, "susssasa{sv}i",
		                             "wallflower", 0, "", summary, body, 4, "accept",
		                             "Accept", "later", "Later", 0, -1);
	else
		r = sd_bus_call_method_async(b->bus, &c->slot, NOTIF_DEST, NOTIF_PATH, NOTIF_IFACE,
		                             "Notify", on_notified, c, "susssasa{sv}i",
		                             "wallflower", 0, "", summary, body, 0, 0, -1);
	if (r < 0) {
		c->slot = NULL;
		fprintf(stderr, "wallflower-notify: cannot send Notify: %s\n", strerror(-r));
		return r;
	}
	return 0;
}

int
bus_fd(struct bus *b)
{
	return sd_bus_get_fd(b->bus);
}

short
bus_events(struct bus *b)
{
	int e = sd_bus_get_events(b->bus);

	return e < 0 ? POLLIN : (short)e;
}

int
bus_timeout_ms(struct bus *b)
{
	struct timespec now;
	uint64_t usec, t;

	if (sd_bus_get_timeout(b->bus, &usec) < 0 || usec == UINT64_MAX)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	t = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
	return usec <= t ? 0 : (int)((usec - t) / 1000u < 60000u ? (usec - t) / 1000u + 1 : 60000);
}

int
bus_process(struct bus *b)
{
	int r;

	while ((r = sd_bus_process(b->bus, NULL)) > 0)
		;
	return r;
}

void
bus_free(struct bus *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < BUS_CALLS_MAX; i++)
		sd_bus_slot_unref(b->calls[i].slot); /* cancels the call: no callback */
	sd_bus_flush_close_unref(b->bus);
	free(b->server);
	free(b);
}
