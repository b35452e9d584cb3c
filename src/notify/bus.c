/*
 * bus.c: the sd-bus adapter of wallflower-notify. It owns the session-bus connection and
 * says only what docs/ui.md lists: GetCapabilities, Notify, and the ActionInvoked and
 * NotificationClosed signals. What it reads from the bus (signal arguments) is checked by
 * sd-bus's typed reads; an action key is passed on as it came, for the caller to compare.
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

struct bus {
	sd_bus *bus;
	bus_signal_fn *fn;
	void *arg;
};

static int
on_action(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	struct bus *b = userdata;
	const char *action;
	uint32_t id;

	(void)err;
	if (sd_bus_message_read(m, "us", &id, &action) < 0)
		return 0; /* not the signal's signature: ignored */
	b->fn(id, action, b->arg);
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
	b->fn(id, NULL, b->arg);
	return 0;
}

int
bus_open(bus_signal_fn *fn, void *arg, struct bus **out)
{
	struct bus *b;
	int r;

	*out = NULL;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -ENOMEM;
	b->fn = fn;
	b->arg = arg;
	if ((r = sd_bus_open_user(&b->bus)) < 0) {
		fprintf(stderr, "wallflower-notify: no session bus: %s\n", strerror(-r));
		goto fail;
	}
	if ((r = sd_bus_match_signal(b->bus, NULL, NULL, NOTIF_PATH, NOTIF_IFACE, "ActionInvoked",
	                             on_action, b)) < 0 ||
	    (r = sd_bus_match_signal(b->bus, NULL, NULL, NOTIF_PATH, NOTIF_IFACE,
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
bus_caps(struct bus *b, bool *actions)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	char **caps = NULL;
	int r;

	*actions = false;
	r = sd_bus_call_method(b->bus, NOTIF_DEST, NOTIF_PATH, NOTIF_IFACE, "GetCapabilities", &err,
	                       &reply, "");
	if (r < 0) {
		fprintf(stderr, "wallflower-notify: no notification server: %s\n",
		        err.message != NULL ? err.message : strerror(-r));
		goto out;
	}
	if ((r = sd_bus_message_read_strv(reply, &caps)) < 0)
		goto out;
	for (char **c = caps; *c != NULL; c++)
		if (strcmp(*c, "actions") == 0)
			*actions = true;
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

int
bus_notify(struct bus *b, const char *summary, const char *body, bool with_actions, uint32_t *id)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r;

	*id = 0;
	if (with_actions)
		r = sd_bus_call_method(b->bus, NOTIF_DEST, NOTIF_PATH, NOTIF_IFACE, "Notify", &err,
		                       &reply, "susssasa{sv}i", "wallflower", 0, "", summary, body,
		                       4, "accept", "Accept", "later", "Later", 0, -1);
	else
		r = sd_bus_call_method(b->bus, NOTIF_DEST, NOTIF_PATH, NOTIF_IFACE, "Notify", &err,
		                       &reply, "susssasa{sv}i", "wallflower", 0, "", summary, body,
		                       0, 0, -1);
	if (r < 0) {
		fprintf(stderr, "wallflower-notify: Notify failed: %s\n",
		        err.message != NULL ? err.message : strerror(-r));
		goto out;
	}
	r = sd_bus_message_read(reply, "u", id);
	r = r < 0 ? r : 0;
out:
	sd_bus_message_unref(reply);
	sd_bus_error_free(&err);
	return r;
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
	sd_bus_flush_close_unref(b->bus);
	free(b);
}
