#!/usr/bin/env python3
"""A stand-in for a desktop notification server (the freedesktop Notifications interface)
on a private session bus, for tests/net/test_notify.sh. It records every call to Notify as
one JSON object a line in RECORD, in the order they came, and answers with ids 1, 2, 3...

Usage: notify_server.py RECORD [--no-actions] [--no-body-markup]

--no-actions leaves "actions" out of GetCapabilities, as a server without buttons does;
--no-body-markup leaves out "body-markup", as a server that shows the body as plain text
does (with it, the body is read as markup, as GNOME Shell and KDE Plasma do).
A test makes it emit ActionInvoked(id, action) by calling the method InvokeAction(u, s) of
the interface org.wallflower.Test on the same object (dbus-send, below), and
NotificationClosed(id, 2) by Close(u). It prints "ready" on stdout once it owns the name.

Hang(true), on the same test interface, makes it a hung server: each later Notify is still
recorded, but its answer is held back, and the caller waits. Hang(false) ends that and
sends the held answers, late, in order (a caller that gave up on them ignores them).
Held(), on the same interface, says how many answers are held now.
"""
import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

IFACE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
TEST = "org.wallflower.Test"


class Server(dbus.service.Object):
    def __init__(self, bus, record, actions, body_markup):
        super().__init__(bus, PATH)
        self.record = record
        self.actions = actions
        self.body_markup = body_markup
        self.next_id = 1
        self.hung = False
        self.held = []  # (reply callback, id) of the Notify calls not answered yet

    @dbus.service.method(IFACE, in_signature="", out_signature="as")
    def GetCapabilities(self):
        caps = ["body"]
        if self.body_markup:
            caps.append("body-markup")
        if self.actions:
            caps.append("actions")
        return caps

    @dbus.service.method(IFACE, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("wallflower-test", "wallflower", "1", "1.2")

    @dbus.service.method(IFACE, in_signature="susssasa{sv}i", out_signature="u",
                         async_callbacks=("answer", "fail"))
    def Notify(self, app, replaces, icon, summary, body, actions, hints, timeout,
               answer, fail):
        nid = int(replaces) if replaces else self.next_id
        if not replaces:
            self.next_id += 1
        entry = {"id": nid, "app": str(app), "replaces": int(replaces), "icon": str(icon),
                 "summary": str(summary), "body": str(body),
                 "actions": [str(a) for a in actions], "timeout": int(timeout)}
        with open(self.record, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        if self.hung:
            self.held.append((answer, nid))
        else:
            answer(dbus.UInt32(nid))

    @dbus.service.method(IFACE, in_signature="u", out_signature="")
    def CloseNotification(self, nid):
        self.NotificationClosed(nid, dbus.UInt32(3))

    @dbus.service.signal(IFACE, signature="us")
    def ActionInvoked(self, nid, action):
        pass

    @dbus.service.signal(IFACE, signature="uu")
    def NotificationClosed(self, nid, reason):
        pass

    @dbus.service.method(TEST, in_signature="us", out_signature="")
    def InvokeAction(self, nid, action):
        self.ActionInvoked(dbus.UInt32(nid), action)

    @dbus.service.method(TEST, in_signature="b", out_signature="")
    def Hang(self, hung):
        self.hung = bool(hung)
        if not self.hung:
            held, self.held = self.held, []
            for answer, nid in held:
                answer(dbus.UInt32(nid))

    @dbus.service.method(TEST, in_signature="", out_signature="u")
    def Held(self):
        return dbus.UInt32(len(self.held))

    @dbus.service.method(TEST, in_signature="u", out_signature="")
    def Close(self, nid):
        self.NotificationClosed(dbus.UInt32(nid), dbus.UInt32(2))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: notify_server.py RECORD [--no-actions] [--no-body-markup]")
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    name = dbus.service.BusName(IFACE, bus, do_not_queue=True)
    server = Server(bus, sys.argv[1], "--no-actions" not in sys.argv[2:],
                    "--no-body-markup" not in sys.argv[2:])
    print("ready", flush=True)
    loop = GLib.MainLoop()
    try:
        loop.run()
    except KeyboardInterrupt:
        pass
    del name, server


if __name__ == "__main__":
    main()
