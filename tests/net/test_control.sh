#!/bin/bash
# wallflowerd's control socket (proto/control.md) against hostile clients: bad frames and
# bodies, refusals that keep or close the connection, pipelined and dribbled requests,
# bad arguments, another user, unsafe and shared runtime directories, too many clients,
# and watchers that never read. Prints TAP.
#
# The daemon runs in a fresh network namespace with a private tmpfs on /run and no avahi:
# no system D-Bus socket is reachable, so its avahi client can never reach a real
# avahi-daemon, and nothing here can multicast on a real network. The script re-executes
# itself under unshare for that; it skips (exit 77) when it is not root or unshare is not
# permitted.
#
# Usage: test_control.sh BUILD_DIR (WF_KEEP=1 keeps the work dir, with the daemons' logs)
set -u

BUILD=${1:?usage: test_control.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
LO_COMMANDS=setpriv # other users' clients
LO_CRYPTO=0        # no peer speaks Noise here
. "$(dirname "${BASH_SOURCE[0]}")/lo.sh"
lo_enter control "$BUILD"
S=$T/state
R=$T/run
CLIENT=$T/client.py

# gone_within SECONDS PID: the process has exited; its exit status in GONE_RC.
GONE_RC=
gone_within() {
	local n=$(($1 * 10))
	while ((n-- > 0)) && alive "$2"; do sleep 0.1; done
	alive "$2" && return 1
	wait "$2"
	GONE_RC=$?
	unset "STARTED[$2]"
	return 0
}
status_ok() { "$WF" status --runtime-dir "$1" >/dev/null 2>&1; }
# status_json RUNDIR PYEXPR: `wallflower status --json` succeeds and PYEXPR holds of it (j).
status_json() {
	local out
	out=$("$WF" status --runtime-dir "$1" --json) || return 1
	python3 -c 'import json,sys; j=json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$out" "$2" || { echo "$out"; return 1; }
}
# py SOCKET CASE [ARGS...]: one case of the raw client below.
py() { python3 "$CLIENT" "$@"; }
in_log() { grep -q -- "$2" "$1"; }

# ---- the raw client ----

cat >"$CLIENT" <<'PY'
# A raw control client: python3 client.py SOCKET CASE [ARGS...]. Each case exits 0 when
# the daemon behaved as proto/control.md says, else prints why and exits 1.
import json, socket, struct, sys, threading, time

PATH = sys.argv[1]
REQUEST_MAX = 16384

class Fail(Exception):
    pass

def check(cond, what):
    if not cond:
        raise Fail(what)

def conn(timeout=5.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # A blocking connect waits while the listen backlog is full (a non-blocking one fails
    # with EAGAIN); SO_SNDTIMEO bounds the wait.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 5, 0))
    s.connect(PATH)
    s.settimeout(timeout)
    return s

def frame(body):
    if isinstance(body, dict):
        body = json.dumps(body, separators=(",", ":")).encode()
    return struct.pack(">I", len(body)) + body

def recvn(s, n):
    buf = b""
    while len(buf) < n:
        try:
            c = s.recv(n - len(buf))
        except ConnectionResetError:
            c = b""
        if not c:
            return None if not buf else buf
        buf += c
    return buf

def read_msg(s):
    """The next message as a dict; None at end of file."""
    h = recvn(s, 4)
    if h is None:
        return None
    check(len(h) == 4, "a frame cut short in its length")
    n = struct.unpack(">I", h)[0]
    check(0 < n <= 4 * 1024 * 1024, "a frame of length %d" % n)
    body = recvn(s, n)
    check(body is not None and len(body) == n, "a frame cut short in its body")
    return json.loads(body)

def rt(s, body):
    s.sendall(frame(body))
    m = read_msg(s)
    check(m is not None, "no reply to %r: end of file" % (body,))
    return m

def at_eof(s, timeout=3.0):
    """Whether the daemon closes the connection without sending anything more."""
    s.settimeout(timeout)
    try:
        c = s.recv(1)
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return c == b""

def refused(m, code, msg=None):
    check(m is not None, "no reply (end of file), wanted %s" % code)
    check(m.get("ok") is False and m.get("error") == code,
          "wanted error %s, got %r" % (code, m))
    check(msg is None or m.get("msg") == msg, "wanted msg %r, got %r" % (msg, m.get("msg")))

def status_works():
    s = conn()
    m = rt(s, {"cmd": "status"})
    s.close()
    check(m.get("ok") is True and "version" in m, "status: %r" % m)

# ---- cases ----

def case_frame(kind):
    """A length of 0 or above CTL_REQUEST_MAX: refused from the four length bytes alone,
    then closed."""
    s = conn()
    s.sendall(struct.pack(">I", 0 if kind == "zero" else REQUEST_MAX + 1))
    m = read_msg(s)  # no body was sent: the reply must not wait for one
    refused(m, "malformed", "message length is 0 or too large")
    check(at_eof(s), "the connection stayed open after a bad length")

BODIES = {
    "json": (b'{"cmd":', "not valid JSON"),
    "trailing": (b'{"cmd":"status"} x', "not valid JSON"),
    "two-objects": (b'{"cmd":"status"}{"cmd":"status"}', "not valid JSON"),
    "array": (b'["status"]', "not a JSON object"),
    "string": (b'"status"', "not valid JSON"),  # a scalar fails the parser itself
    "object-in-array": (b'[{"cmd":"status"}]', "not a JSON object"),
    "duplicate": (b'{"cmd":"status","cmd":"status"}', "not valid JSON"),
    "nul-escaped": (b'{"cmd":"status","x":"a\\u0000b"}', "not valid JSON"),
    "nul-raw": (b'{"cmd":"status","x":"a\x00b"}', "not valid JSON"),
    "nul-key": (b'{"cmd":"status","a\\u0000":1}', "not valid JSON"),
    "utf8": (b'{"cmd":"status","x":"\xff"}', "not valid JSON"),
    "overlong": (b'{"cmd":"status","x":"\xc0\xaf"}', "not valid JSON"),
    "surrogate": (b'{"cmd":"status","x":"\\ud800"}', "not valid JSON"),
    "deep7": (b'{"cmd":"status","a":[[[[[[1]]]]]]}', "nested too deeply"),
    "deep7-objects": (b'{"a":{"a":{"a":{"a":{"a":{"a":{}}}}}}}', "nested too deeply"),
    "bigint": (b'{"cmd":"accept","id":9223372036854775808}', "not valid JSON"),
    "long-string": (b'{"cmd":"status","x":"' + b"a" * 8193 + b'"}', "a string is too long"),
    "long-key": (b'{"cmd":"status","' + b"k" * 8193 + b'":1}', "a key is too long"),
}

def case_body(name):
    """A body that breaks a rule of 6.1: malformed, then closed; a valid request in the same
    write after it is never answered."""
    body, why = BODIES[name]
    s = conn()
    s.sendall(frame(body) + frame({"cmd": "status"}))
    refused(read_msg(s), "malformed", why)
    check(at_eof(s), "the connection stayed open, or answered past the bad frame")

def case_deep6():
    """Containers at depth 6 are fine."""
    s = conn()
    m = rt(s, b'{"cmd":"status","a":[[[[[1]]]]],"b":{"c":{"d":{"e":{"f":{}}}}}}')
    check(m.get("ok") is True, "depth 6 refused: %r" % m)

def case_truncated():
    """A frame cut short, then the client goes: others are still served."""
    s = conn()
    s.sendall(struct.pack(">I", 100) + b'{"cmd":"st')
    s.close()
    s = conn()
    s.sendall(b"\x00\x00")
    s.close()
    s = conn()
    s.sendall(struct.pack(">I", REQUEST_MAX) + b"{" * 1000)
    time.sleep(0.1)
    s.close()
    status_works()

def case_unknown():
    """unknown-command keeps the connection; so does a request without a usable cmd."""
    s = conn()
    refused(rt(s, {"cmd": "nope"}), "unknown-command", "unknown command")
    refused(rt(s, {"cmd": "STATUS"}), "unknown-command")
    m = rt(s, {"cmd": "status"})
    check(m.get("ok") is True, "a second request on the connection: %r" % m)

def case_nocmd():
    s = conn()
    for body in ({"cmd": 5}, {}, {"cmd": None}, {"cmd": "s" * 33}, {"cmd": ["status"]}):
        refused(rt(s, body), "malformed", 'a request needs "cmd", a string')
    m = rt(s, {"cmd": "status"})
    check(m.get("ok") is True, "the connection did not go on: %r" % m)

def case_pipelined():
    """Requests in one write: one reply each, in order."""
    s = conn()
    s.sendall(frame({"cmd": "status"}) + frame({"cmd": "inbox"}) + frame({"cmd": "nope"}))
    a, b, c = read_msg(s), read_msg(s), read_msg(s)
    check(a and a.get("ok") is True and "version" in a, "first reply: %r" % a)
    check(b and b.get("ok") is True and "offers" in b, "second reply: %r" % b)
    refused(c, "unknown-command")

def case_bytewise():
    """A request written one byte at a time gets one reply."""
    s = conn()
    for byte in frame({"cmd": "status"}):
        s.sendall(bytes([byte]))
        time.sleep(0.002)
    m = read_msg(s)
    check(m and m.get("ok") is True and "version" in m, "reply: %r" % m)
    s.settimeout(0.3)
    try:
        extra = s.recv(1)
    except socket.timeout:
        extra = None
    check(extra is None, "more than one reply, or a close: %r" % extra)

def case_ids():
    """accept, decline, block with an id that is not a uint: bad-argument, connection kept."""
    s = conn()
    why = "id: the number of an offer in the inbox"
    for cmd in ("accept", "decline", "block"):
        for body in (b'{"cmd":"%s"}', b'{"cmd":"%s","id":-1}', b'{"cmd":"%s","id":"1"}',
                     b'{"cmd":"%s","id":1.5}', b'{"cmd":"%s","id":1e30}',
                     b'{"cmd":"%s","id":-9223372036854775808}', b'{"cmd":"%s","id":true}',
                     b'{"cmd":"%s","id":null}', b'{"cmd":"%s","id":[1]}'):
            body = body.replace(b"%s", cmd.encode())
            refused(rt(s, body), "bad-argument", why)
        # The largest uint is a fine number: just no such offer.
        refused(rt(s, b'{"cmd":"%s","id":9223372036854775807}'.replace(b"%s", cmd.encode())),
                "not-found", "no such offer (or it expired)")
    refused(rt(s, {"cmd": "accept", "id": 1, "card": "zz"}), "bad-argument",
            "card: your card envelope in hex")

def case_not_started():
    s = conn()
    m = rt(s, {"cmd": "status"})
    check(m.get("started") is False, "already started: %r" % m)
    why = "not started: run 'wallflower start' first"
    refused(rt(s, {"cmd": "send", "peer": "bo", "card": "00"}), "not-started", why)
    refused(rt(s, {"cmd": "send"}), "not-started", why)
    refused(rt(s, {"cmd": "nearby"}), "not-started", why)
    refused(rt(s, {"cmd": "verify", "peer": "bo"}), "not-started", why)
    refused(rt(s, {"cmd": "verify-wait"}), "not-started", why)
    refused(rt(s, {"cmd": "intro-send", "to": "00" * 32, "obj": "00"}), "not-started", why)

def case_bad_start():
    """Refused starts change nothing."""
    s = conn()
    cases = [
        ({"status": "loud"}, 'status: "open" or "quiet"'),
        ({"status": 1}, 'status: "open" or "quiet"'),
        ({"handle": "h" * 33}, "handle: a string of at most 32 bytes"),
        ({"event": "e" * 129}, "event: a string of at most 128 bytes"),
        ({"topics": ["a,b"]}, "topics: strings without commas, 116 bytes together"),
        ({"topics": "a"}, "topics: strings without commas, 116 bytes together"),
        ({"topics": [1]}, "topics: strings without commas, 116 bytes together"),
        ({"topics": ["t" * 40] * 4}, "topics: strings without commas, 116 bytes together"),
        ({"hidden": "yes"}, "no_topics and hidden are true or false"),
        ({"for": -1}, "for: seconds, at most a year"),
        ({"for": 31622401}, "for: seconds, at most a year"),
        ({"handle": "\u001b[31mred"},
         "the handle or a topic breaks the advert's rules (proto/txt.md)"),
        ({"event": "a\u202eb"}, "the event name is not valid text"),
    ]
    for extra, why in cases:
        body = {"cmd": "start"}
        body.update(extra)
        refused(rt(s, body), "bad-argument", why)
    m = rt(s, {"cmd": "status"})
    check(m.get("started") is False, "a refused start started something: %r" % m)

def case_lan_no_avahi():
    """lan (doctor's probe) without avahi: failed at once, connection kept."""
    s = conn()
    refused(rt(s, {"cmd": "lan"}), "failed", "avahi-daemon is not running")
    check(rt(s, {"cmd": "status"}).get("ok") is True, "the connection did not go on")

def case_other_uid():
    """Run as another user: closed at once, nothing sent."""
    s = conn()
    try:
        s.sendall(frame({"cmd": "status"}))
    except (BrokenPipeError, ConnectionResetError):
        return
    check(at_eof(s), "another user's client was not closed")
    # at_eof also fails when bytes came: a reply went to another user.

def case_clients(n, limit):
    """n connections at once: the ones over the limit are closed, the others served."""
    n, limit = int(n), int(limit)
    socks = [conn() for _ in range(n)]
    time.sleep(0.5)
    served = closed = 0
    for s in socks:
        try:
            s.sendall(frame({"cmd": "status"}))
            m = read_msg(s)
        except (BrokenPipeError, ConnectionResetError):
            m = None
        if m is None:
            closed += 1
        elif m.get("ok") is True:
            served += 1
    check(served == limit and closed == n - limit,
          "%d served and %d closed of %d" % (served, closed, n))
    for s in socks:
        s.close()
    time.sleep(0.2)
    status_works()

def start_status_size():
    s = conn()
    m = rt(s, {"cmd": "start", "handle": "flood0"})
    check(m.get("ok") is True, "start: %r" % m)
    return len(json.dumps(m, separators=(",", ":")).encode()) + 4

def case_watch_event():
    """Without avahi, a start under a new handle still sends an avahi event."""
    w = conn()
    check(rt(w, {"cmd": "watch"}) == {"ok": True}, "watch")
    s = conn()
    check(rt(s, {"cmd": "start", "handle": "ev1"}).get("ok") is True, "start")
    e = read_msg(w)
    check(e is not None and e.get("event") == "avahi" and "avahi" in e and "advert" in e,
          "event: %r" % e)
    check(e["avahi"] != "running", "avahi is running: %r" % e)

def case_contacts_changed():
    """contacts-changed (10.13): the reply, and the event to every watcher (11.11)."""
    w1, w2 = conn(), conn()
    check(rt(w1, {"cmd": "watch"}) == {"ok": True}, "watch 1")
    check(rt(w2, {"cmd": "watch"}) == {"ok": True}, "watch 2")
    s = conn()
    m = rt(s, {"cmd": "contacts-changed"})
    check(m == {"ok": True}, "reply: %r" % m)
    for w in (w1, w2):
        e = read_msg(w)
        check(e == {"event": "contacts-changed"}, "event: %r" % e)

def toggles(n, first=0):
    return b"".join(frame({"cmd": "start", "handle": "flood%d" % ((first + i) % 2)})
                    for i in range(n))

def pump(s, data, want):
    """Writes data while reading want replies (a client that reads)."""
    got = []
    def reader():
        try:
            while len(got) < want:
                m = read_msg(s)
                if m is None:
                    return
                got.append(m)
        except Exception:
            return
    th = threading.Thread(target=reader)
    th.start()
    s.sendall(data)
    th.join(60)
    return got

def case_flood(bound="20"):
    """A watcher that never reads while thousands of events go out: the daemon neither dies
    nor stalls (bound: seconds for the 5000 starts; it catches a stall, a daemon that
    waits on its watcher, not a slow machine), and below the queue bound the watcher
    misses nothing."""
    w = conn(30)
    check(rt(w, {"cmd": "watch"}) == {"ok": True}, "watch")
    g = conn(30)
    n = 5000
    t = time.time()
    got = pump(g, toggles(n), n)
    took = time.time() - t
    check(len(got) == n and all(m.get("ok") is True for m in got),
          "%d of %d starts answered" % (len(got), n))
    check(took < float(bound), "%d starts took %.1f s" % (n, took))
    status_works()
    events = 0
    while events < n:
        x = read_msg(w)
        check(x is not None and x.get("event") == "avahi", "event %d: %r" % (events, x))
        events += 1
    check(rt(w, {"cmd": "status"}).get("ok") is True, "the watcher still works")

def case_fill():
    """A watcher whose queue is past CONTROL_QUEUE_MAX / 2 (by replies it does not read)
    misses events, and the log says so; it keeps every reply and is not dropped."""
    size = start_status_size()
    w = conn(30)
    check(rt(w, {"cmd": "watch"}) == {"ok": True}, "watch")
    # About 6 MB of replies: past 4 MiB, under 8 MiB. Then a start whose handle tells the
    # others when the daemon has handled all of w's requests.
    m = int(6_000_000 / size)
    w.sendall(b"".join(frame({"cmd": "status"}) for _ in range(m)) +
              frame({"cmd": "start", "handle": "sync"}))
    deadline = time.time() + 20
    while True:
        s = conn()
        st = rt(s, {"cmd": "status"})
        s.close()
        if st.get("handle") == "sync":
            break
        check(time.time() < deadline, "w's requests were not handled: %r" % st)
        time.sleep(0.05)
    g = conn(30)
    n = 2000
    got = pump(g, toggles(n), n)
    check(len(got) == n, "%d of %d starts answered" % (len(got), n))
    status_works()
    # w reads at last: every reply is there, in order; not every event.
    replies = events = 0
    w.settimeout(10)
    while replies < m + 1:
        x = read_msg(w)
        check(x is not None, "w was dropped after %d replies" % replies)
        if "event" in x:
            events += 1
            continue
        check(x.get("ok") is True, "reply %d: %r" % (replies, x))
        replies += 1
    check(rt(w, {"cmd": "status"}).get("ok") is True, "w still works")
    check(events < n + 1, "no event was skipped (%d of %d arrived)" % (events, n + 1))

def case_self_flood():
    """A watcher that floods starts (its own events) and never reads is dropped once its
    queue would pass CONTROL_QUEUE_MAX; the daemon goes on."""
    w = conn(30)
    check(rt(w, {"cmd": "watch"}) == {"ok": True}, "watch")
    try:
        w.sendall(toggles(40000))
    except (BrokenPipeError, ConnectionResetError):
        pass
    w.settimeout(10)
    n = 0
    while True:
        try:
            c = w.recv(1 << 20)
        except ConnectionResetError:
            break
        except socket.timeout:
            raise Fail("the watcher was not dropped (%d bytes read)" % n)
        if not c:
            break
        n += len(c)
    check(n < 9 * 1024 * 1024, "read %d bytes" % n)
    status_works()

def case_watch_then_vanish(n):
    """A watcher whose own request causes a broadcast, and who is gone by then: the
    broadcast fails to reach it while its request is still running."""
    for i in range(int(n)):
        s = conn()
        try:
            m = rt(s, {"cmd": "watch"})
            s.sendall(frame({"cmd": "start", "handle": "v%d" % (i % 2)}))
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        s.close()
    time.sleep(0.3)
    status_works()

def case_close_before_reply(n):
    """Clients that send a request and close without reading the reply."""
    for _ in range(int(n)):
        s = conn()
        try:
            s.sendall(frame({"cmd": "status"}) + frame({"cmd": "inbox"}))
        except (BrokenPipeError, ConnectionResetError):
            # Over the client limit, while earlier connections are still being closed,
            # the daemon refuses at once. What matters is that it survives.
            pass
        s.close()
    time.sleep(0.3)
    status_works()

def case_for_expiry():
    """Once `for` has run out the advert is off; the next start advertises again, with no
    time limit unless it gives one."""
    s = conn()
    m = rt(s, {"cmd": "start", "handle": "brief", "for": 1})
    check(m.get("advert") != "off" and "until" in m, "not advertising for 1 s: %r" % m)
    time.sleep(1.6)
    m = rt(s, {"cmd": "status"})
    check(m.get("advert") == "off" and "instance" not in m, "for did not run out: %r" % m)
    m = rt(s, {"cmd": "start", "status": "quiet"})
    time.sleep(0.5)
    m = rt(s, {"cmd": "status"})
    check(m.get("advert") != "off" and m.get("hidden") is False and "until" not in m,
          "not advertising after a start that followed the run-out: %r" % m)

def case_verify():
    """verify and verify-wait once started (proto/control.md 10.15, 10.16): bad arguments,
    nobody to verify, one wait at a time, a wait that runs out, a wait its client ends."""
    s, s2 = conn(), conn()
    check(rt(s, {"cmd": "start", "handle": "verifier"}).get("ok") is True, "start refused")
    for bad in (0, 601, -1, "60", 1.5, True, None):
        refused(rt(s, {"cmd": "verify-wait", "seconds": bad}), "bad-argument",
                "seconds: 1 to 600")
    refused(rt(s, {"cmd": "verify"}), "bad-argument", "peer: a short id or a handle from nearby")
    refused(rt(s, {"cmd": "verify", "peer": 7}), "bad-argument",
            "peer: a short id or a handle from nearby")
    check(rt(s, {"cmd": "verify", "peer": "nobody"}).get("error") == "not-found",
          "a verify of nobody was not not-found")
    # A wait that runs out: the reply comes after the time, and says so.
    t0 = time.monotonic()
    s.settimeout(10)
    refused(rt(s, {"cmd": "verify-wait", "seconds": 1}), "failed", "nobody came to verify in time")
    check(0.8 <= time.monotonic() - t0 < 5, "the wait did not last its second")
    # One wait at a time, for the whole daemon.
    s.sendall(frame({"cmd": "verify-wait", "seconds": 30}))
    time.sleep(0.3)
    refused(rt(s2, {"cmd": "verify-wait"}), "busy", "already waiting to verify")
    # The waiting client goes: its wait ends, and another may wait.
    s.close()
    time.sleep(0.3)
    s2.sendall(frame({"cmd": "verify-wait", "seconds": 1}))
    s2.settimeout(10)
    refused(read_msg(s2), "failed", "nobody came to verify in time")

def case_intro():
    """intro-send and intro-take (proto/control.md 10.17, 10.18): bad arguments, and an
    object that is not an introduction is refused with its verdict, changing nothing."""
    s = conn()
    check(rt(s, {"cmd": "start", "handle": "hub"}).get("ok") is True, "start refused")
    key_why = "to: the recipient's identity, 64 hex digits"
    for bad in (None, 7, "", "00" * 31, "zz" * 32, "00" * 33):
        refused(rt(s, {"cmd": "intro-send", "to": bad, "obj": "00"}), "bad-argument", key_why)
    obj_why = "obj: an introduction object in hex"
    for bad in (None, 7, "", "0", "zz"):
        refused(rt(s, {"cmd": "intro-send", "to": "00" * 32, "obj": bad}), "bad-argument",
                obj_why)
        refused(rt(s, {"cmd": "intro-take", "obj": bad}), "bad-argument", obj_why)
    # Bytes that are no envelope: refused with the verdict, by name.
    for cmd in ({"cmd": "intro-send", "to": "00" * 32}, {"cmd": "intro-take"}):
        m = rt(s, dict(cmd, obj="9200"))
        refused(m, "bad-argument", "obj: not a valid introduction object here: malformed")
        check(m.get("verdict") == "malformed", "no verdict member: %r" % m)
    # Over 4096 bytes: a string over the protocol's bound, refused (and the connection
    # closed) before it is read.
    m = rt(conn(), {"cmd": "intro-take", "obj": "00" * 4097})
    check(m.get("ok") is False, "an object of 4097 bytes was taken: %r" % m)
    m = rt(s, {"cmd": "inbox"})
    check(m.get("ok") is True and m.get("offers") == [], "the inbox changed: %r" % m)

CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    try:
        CASES[sys.argv[2].replace("-", "_")](*sys.argv[3:])
    except Fail as e:
        print("FAIL:", e)
        sys.exit(1)
    except (OSError, ValueError) as e:
        print("ERROR: %s: %s" % (type(e).__name__, e))
        sys.exit(1)
PY

# ---- the daemon ----

"$WF" --state-dir "$S" init >/dev/null || bail "wallflower init"
spawn "$T/wfd.log" "$WFD" -d --state-dir "$S" --runtime-dir "$R"
WFD_PID=$LASTPID
waitfor 5 status_ok "$R" || { cat "$T/wfd.log"; bail "wallflowerd did not answer"; }
SOCK=$R/ctl
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
RSS0=$(rss_kb "$WFD_PID")

check "the runtime directory it made is 0700, the socket 0600" \
	test "$(stat -c %a "$R")-$(stat -c %a "$SOCK")" = 700-600
check "wallflower status answers" "$WF" status --runtime-dir "$R"
check "status: avahi is not running (no avahi in this namespace)" \
	status_json "$R" "j['avahi'] in ('failed', 'connecting') and j['started'] is False"

# ---- frames and bodies ----

check "length 0: malformed, then closed" py "$SOCK" frame zero
check "length CTL_REQUEST_MAX+1: malformed at the header, then closed" py "$SOCK" frame over
for b in json trailing two-objects array string object-in-array duplicate nul-escaped \
	nul-raw nul-key utf8 overlong surrogate deep7 deep7-objects bigint long-string long-key; do
	check "body '$b': malformed, then closed, nothing after it answered" py "$SOCK" body "$b"
done
check "nesting 6 deep is accepted" py "$SOCK" deep6
check "a truncated frame, then the client goes: others are served" py "$SOCK" truncated
check "unknown-command keeps the connection" py "$SOCK" unknown
check "a cmd that is not a string: malformed, connection kept" py "$SOCK" nocmd
check "pipelined requests: one reply each, in order" py "$SOCK" pipelined
check "a request one byte at a time: one reply" py "$SOCK" bytewise

# ---- arguments ----

check "accept/decline/block with a missing, negative, string or huge id: bad-argument" \
	py "$SOCK" ids
check "send and nearby before start: not-started" py "$SOCK" not-started
check "start with a bad status, a 33-byte handle, a topic with a comma...: bad-argument" \
	py "$SOCK" bad-start
check "lan without avahi: failed at once, connection kept" py "$SOCK" lan-no-avahi
check "the daemon is alive after the bad input" alive "$WFD_PID"

# ---- another user ----

# Open the way to the socket for this case only, in our own temp dir.
PY_NOBODY=
for p in python3 /usr/bin/python3; do
	if setpriv --reuid=65534 --regid=65534 --clear-groups "$p" -c 'import socket' \
		>/dev/null 2>&1; then
		PY_NOBODY=$p
		break
	fi
done
if [ -n "$PY_NOBODY" ]; then
	chmod 755 "$T" "$R" && chmod 777 "$SOCK" && chmod 644 "$CLIENT"
	check "a client of another uid is closed without a reply" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$PY_NOBODY" "$CLIENT" "$SOCK" other-uid
	check "the daemon logged it" in_log "$T/wfd.log" "another user"
	chmod 600 "$SOCK"
	chmod 700 "$R" "$T"
else
	echo "ok $((TESTS += 1)) - a client of another uid is closed # SKIP no python3 that uid 65534 can run"
fi
check "status still works" status_ok "$R"

# ---- runtime directories ----

mkdir -m 0755 "$T/run755"
spawn "$T/wfd755.log" "$WFD" -d --state-dir "$S" --runtime-dir "$T/run755"
pid=$LASTPID
gone_within 5 "$pid" && [ "$GONE_RC" != 0 ]
ok $? "a runtime dir that is 0755 is refused at start (non-zero exit)"
check "with a clear log line" in_log "$T/wfd755.log" "is open to others; it must be 0700"
check "and the dir is left as it was, with no socket" \
	sh -c "[ \"\$(stat -c %a '$T/run755')\" = 755 ] && [ ! -e '$T/run755/ctl' ]"

spawn "$T/wfd2.log" "$WFD" -d --state-dir "$S" --runtime-dir "$R"
pid=$LASTPID
gone_within 5 "$pid" && [ "$GONE_RC" != 0 ]
ok $? "a second daemon on the same runtime dir refuses (non-zero exit)"
check "saying which one already runs there" in_log "$T/wfd2.log" \
	"another wallflowerd is already running in $R (pid $WFD_PID)"
check "the first one keeps its socket and answers" status_json "$R" "j['pid'] == $WFD_PID"
check "the lock file is a 0600 regular file naming the first one" \
	sh -c "[ -f '$R/wallflowerd.lock' ] && [ \"\$(stat -c %a '$R/wallflowerd.lock')\" = 600 ] && [ \"\$(cat '$R/wallflowerd.lock')\" = $WFD_PID ]"

# ---- two daemons starting at the same instant ----

# Both wait for a go file, spinning, so that they start within microseconds of each
# other; before the lock, the loser could remove the winner's socket and leave it running
# with nobody able to reach it. Several rounds, because the window was narrow.
# procs_with DIR: the processes with DIR as one of their arguments (--runtime-dir DIR): only
# ours can be, since DIR is new. One grep for all of /proc, the pattern in a file so that
# grep does not find itself.
procs_with() {
	local f
	printf '%s\n' "$1" >"$T/procs.pat"
	for f in $(grep -lszxFf "$T/procs.pat" /proc/[0-9]*/cmdline); do
		f=${f#/proc/}
		echo "${f%/cmdline}"
	done
}
# status_pid DIR PID: the daemon answering in DIR says it is PID (no python: it is slow
# to start, and this runs in a loop).
status_pid() {
	local out
	out=$("$WF" status --runtime-dir "$1" --json) || return 1
	[[ $out =~ \"pid\":\ *([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "$2" ]
}
race_round() {
	local dir=$T/race$1 go=$T/go$1 a b win lose ab left n=50 rc=0
	spawn "$T/race$1a.log" bash -c 'while [ ! -e "$0" ]; do :; done; exec "$@"' "$go" \
		"$WFD" -d --state-dir "$S" --runtime-dir "$dir"
	a=$LASTPID
	spawn "$T/race$1b.log" bash -c 'while [ ! -e "$0" ]; do :; done; exec "$@"' "$go" \
		"$WFD" -d --state-dir "$S" --runtime-dir "$dir"
	b=$LASTPID
	sleep 0.2
	: >"$go"
	# One of them exits at once; the other stays and answers.
	while ((n-- > 0)) && alive "$a" && alive "$b"; do sleep 0.1; done
	if ! alive "$a"; then
		lose=$a win=$b ab=a
	elif ! alive "$b"; then
		lose=$b win=$a ab=b
	else
		echo "both daemons still run after 5 s: $a and $b (one is an orphan)"
		rc=1
	fi
	if [ "$rc" = 0 ]; then
		gone_within 1 "$lose"
		[ "$GONE_RC" != 0 ] || { echo "the loser $lose exited 0"; rc=1; }
		in_log "$T/race$1$ab.log" "already running in $dir (pid $win)" ||
			{ echo "the loser did not say so:"; cat "$T/race$1$ab.log"; rc=1; }
		alive "$win" || { echo "the winner $win died"; rc=1; }
		waitfor 5 status_pid "$dir" "$win" ||
			{ echo "the winner does not answer"; rc=1; }
	fi
	stop "$a" TERM
	stop "$b" TERM
	gone_within 5 "$a"
	gone_within 5 "$b"
	left=$(procs_with "$dir")
	[ -z "$left" ] || { echo "processes left on $dir: $left"; rc=1; }
	return "$rc"
}
RACE_FAILS=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	race_round "$i" >"$T/round$i.out" 2>&1 ||
		{ RACE_FAILS=$((RACE_FAILS + 1)); sed "s/^/# round $i: /" "$T/round$i.out"; }
done
ok "$RACE_FAILS" "two daemons started at once, 10 times: one exits non-zero saying which pid runs, the other answers, nothing is left"

# ---- start, when a daemon holds the runtime directory but does not answer ----

# What a start sees when it races another start whose daemon is not up yet, or one that
# hangs: the daemon it spawns exits at once, and start says why instead of a bare
# "did not start" (after waiting its 5 seconds for the socket).
H=$T/held
mkdir -m 0700 "$H"
spawn "$T/holder.log" python3 -c '
import fcntl, os, sys, time
f = open(sys.argv[1], "a+")
fcntl.flock(f, fcntl.LOCK_EX)
f.truncate(0); f.write("%d\n" % os.getpid()); f.flush()
time.sleep(120)' "$H/wallflowerd.lock"
HOLDER=$LASTPID
waitfor 5 test -s "$H/wallflowerd.lock" || bail "the lock holder did not start"
out=$("$WF" --state-dir "$S" start --runtime-dir "$H" 2>&1)
rc=$?
check "start fails (exit 1) when the lock is held and nobody answers" test "$rc" = 1
check "... saying in one line which daemon holds it" test "$out" = \
	"wallflower: wallflowerd did not start: another wallflowerd is already running in $H (pid $HOLDER)"
left=$(procs_with "$H")
check "... with no daemon left behind ($left), and no socket" test -z "$left" -a ! -e "$H/ctl"
# A daemon that did stay is detached (start's grandchild), so not in STARTED: it is ours
# all the same (it runs on our fresh directory), and it goes, by PID.
for p in $left; do kill "$p" 2>/dev/null; done
stop "$HOLDER" TERM
gone_within 5 "$HOLDER"

# Two starts at once on a directory with no daemon: each spawns one, one daemon wins, and
# both starts reach it (--hidden: nothing to advertise, avahi or not).
G=$T/twostarts
"$WF" --state-dir "$S" start --hidden --runtime-dir "$G" >"$T/start1.out" 2>&1 &
s1=$!
"$WF" --state-dir "$S" start --hidden --runtime-dir "$G" >"$T/start2.out" 2>&1 &
s2=$!
wait "$s1"
rc1=$?
wait "$s2"
rc2=$?
left=$(procs_with "$G")
check "two starts at once both succeed" test "$rc1-$rc2" = 0-0
check "... and leave exactly one daemon, the one that answers ($left)" \
	status_json "$G" "j['pid'] == ${left:-0}"
"$WF" stop --runtime-dir "$G" >/dev/null 2>&1
waitfor 5 test -z "$(procs_with "$G")"
# In case stop did not end them: ours (run on our fresh directory), by PID.
for p in $(procs_with "$G"); do kill "$p" 2>/dev/null; done

# ---- many clients ----

check "40 clients at once: 8 over the limit are closed, 32 served, then others" \
	py "$SOCK" clients 40 32
check "the daemon logged the limit" in_log "$T/wfd.log" "too many clients"

# ---- watchers that do not read ----

check "without avahi, a start under a new handle sends an avahi event" py "$SOCK" watch-event
check "contacts-changed is answered, and every watcher is told" py "$SOCK" contacts-changed
# A stall would take the whole client timeout; 5000 requests take a few seconds on a plain
# build, and under ASan (with the rest of scripts/check on the other core) up to about 20.
if grep -qa __asan_init "$WFD"; then FLOOD_BOUND=60; else FLOOD_BOUND=20; fi
check "a watcher that never reads while 5000 events go out: the daemon goes on; the watcher misses none" \
	py "$SOCK" flood "$FLOOD_BOUND"
# A queue of several MiB grows by one realloc per message: linear enough with glibc, but
# quadratic under ASan's allocator (minutes). Those cases run on plain builds only.
if grep -qa __asan_init "$WFD"; then
	for c in "a watcher past half the queue bound misses events, keeps its replies" \
		"the skipped events were logged" "a watcher flooding itself is dropped past the queue bound" \
		"the drop was logged"; do
		echo "ok $((TESTS += 1)) - $c # SKIP ASan build: filling a queue of MiBs is too slow"
	done
else
	check "a watcher past half the queue bound misses events, keeps its replies" py "$SOCK" fill
	check "the skipped events were logged" in_log "$T/wfd.log" "a watcher is not reading"
	check "a watcher flooding itself is dropped past the queue bound" py "$SOCK" self-flood
	check "the drop was logged" in_log "$T/wfd.log" "dropping a client (not reading)"
fi

# ---- start after --for ran out ----

check "after 'for' runs out, the next start advertises again" py "$SOCK" for-expiry
check "verify and verify-wait: bad arguments, nobody, one wait at a time, run-out, cancel" \
	py "$SOCK" verify
check "intro-send and intro-take: bad arguments, and bytes that are no introduction" \
	py "$SOCK" intro

# ---- after everything ----

check "wallflower status still answers" "$WF" status --runtime-dir "$R"
check "the daemon is the same process" alive "$WFD_PID"
RSS1=$(rss_kb "$WFD_PID")
if grep -qa __asan_init "$WFD"; then RSS_MAX=$((RSS0 + 1024 * 1024)); else RSS_MAX=$((RSS0 + 65536)); fi
diag "daemon RSS: ${RSS0} kB at start, ${RSS1} kB now (bound ${RSS_MAX} kB)"
check "its RSS is sane" test "${RSS1:-999999999}" -lt "$RSS_MAX"
check "no sanitizer report in its log" sh -c "! grep -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' '$T/wfd.log'"
stop "$WFD_PID" TERM
gone_within 5 "$WFD_PID"
ok $? "it stops on SIGTERM"
check "exit status 0, socket removed" sh -c "[ '$GONE_RC' = 0 ] && [ ! -e '$SOCK' ]"

# ---- clients that vanish before their reply, on a daemon of their own ----

B=$T/bug
spawn "$T/bug.log" "$WFD" -d --state-dir "$S" --runtime-dir "$B"
BUG_PID=$LASTPID
waitfor 5 status_ok "$B" || bail "the daemon for the bug cases did not answer"
# A regression test: once, a reply to a client that had gone (EPIPE) freed the client while
# the request loop went on using it, and any process of the user could kill the daemon.
check "clients that close before reading their reply do not kill the daemon" \
	py "$B/ctl" close-before-reply 200
check "watchers that vanish while their own request broadcasts do not kill the daemon" \
	py "$B/ctl" watch-then-vanish 100
check "... and it is still alive" alive "$BUG_PID"

lo_done
