#!/bin/bash
# wallflower-notify against a real wallflowerd and a stand-in notification server
# (tests/support/notify_server.py) on a private session bus (dbus-daemon --session on a
# socket in the work dir). Offers come from a peer written on the independent implementation
# in tests/interop (check_session.py), never on src/lib. An offer whose name and note carry
# markup is shown as one Notify call with the actions Accept and Later, the summary plain
# text (never escaped) and, as the server lists "body-markup", the body escaped; an
# ActionInvoked(id, "accept") from another peer than the server, broadcast or sent to
# wallflower-notify alone, does nothing; the server's ActionInvoked(id, "accept") makes the
# sender a contact (through `wallflower accept`, which starts with SIGPIPE at its default),
# "later" leaves the offer waiting, as does an action on an id that is not ours; with the
# status quiet, an offer shows nothing;
# a card that comes back from a second daemon is shown, also while quiet; an intro by Grace
# (Linus's contact, her card imported; the objects made by tests/interop/check_intro.py) is
# shown as "GRACE introduces NAME", in plain text, and her ask is not shown; with the server hung
# (it holds Notify's answers back), wallflower-notify keeps at most 8 calls waiting and
# drops what comes past them, acts on ActionInvoked at once, lets waiting calls time out,
# shows the next offer once the server answers, and exits within 3 s when the daemon stops;
# with a server that has no actions and no "body-markup", offers come without them and
# with nothing escaped; `wallflower start --notify` starts one copy, however often it is
# given; a daemon that does not answer the status asked before an offer holds the offer
# back half a second, not ten. Everything runs in a fresh network namespace
# with only a loopback (tests/net/lo.sh): no avahi, nothing leaves it. Skips (exit 77) when
# not root, or without dbus-daemon or python3-dbus. Prints TAP.
#
# Usage: test_notify.sh BUILD_DIR (WF_KEEP=1 keeps the work dir, with the logs)
set -u

BUILD=${1:?usage: test_notify.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
LO_COMMANDS="dbus-daemon dbus-send"
. "$(dirname "${BASH_SOURCE[0]}")/lo.sh"
SUPPORT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../support" && pwd)
NOTIFY=$BUILD/src/notify/wallflower-notify
# The stand-in server needs Debian's python3-dbus and python3-gi: the system's python3, which
# may not be the first on PATH.
SYSPY=/usr/bin/python3
if [ "${WF_LO_INSIDE:-}" != 1 ]; then
	[ -x "$NOTIFY" ] || lo_skip "no wallflower-notify in $BUILD"
	"$SYSPY" -c 'import dbus, dbus.mainloop.glib; from gi.repository import GLib' 2>/dev/null ||
		lo_skip "python3-dbus or python3-gi not installed for $SYSPY"
fi
lo_enter notify "$BUILD"
S=$T/linus
R=$T/run
PEER=$T/peer.py
HUB=$T/hub.py
RECORD=$T/notify.jsonl
PORT=7443
: >"$RECORD"

cat >"$PEER" <<'PY'
# python3 peer.py INTEROP PORT NAME NOTE SRC [NAME NOTE SRC]...: for each triple in turn, one
# offer of NAME's card (a fixed seed from the name), with NOTE, on loopback from the address
# SRC (a peer of its own for the daemon's answer rule, proto/session.md 9.5); prints the
# answer's kind ("ack") or "error ...", one line each. (One process for several offers:
# python3 starts slowly.)
import hashlib, os, socket, sys

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import check_session as cs  # noqa: E402


def offer(port, name, note, src):
    seed = hashlib.sha256(b"test_notify " + name.encode()).digest()
    card = cs.make_card(seed, name, 1700000000)
    hs = cs.Handshake(hashlib.sha256(b"presence " + seed).digest(), os.urandom(32))
    s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(src, 0))
    inbox = cs.Inbox()
    s.sendall(cs.frame(hs.write_message_1()))
    hs.read_message_2(inbox.receive(s, 10))
    s.sendall(cs.frame(hs.write_message_3()))
    tx, rx, h = hs.split()
    more = {"note": note} if note else {}
    req = cs.make_request("offer", seed, h, card, hashlib.sha256(b"rk " + seed).digest(),
                          reply=False, **more)
    s.sendall(cs.frame(tx.encrypt(b"", req)))
    kind, fields = cs.decode_message(rx.decrypt(b"", inbox.receive(s, 30)))
    s.close()
    return kind if kind != "error" else "error %r" % (fields,)


args = sys.argv[3:]
for i in range(0, len(args) - 2, 3):
    print(offer(int(sys.argv[2]), args[i], args[i + 1], args[i + 2]), flush=True)
PY
# offer NAME NOTE SRC [NAME NOTE SRC]...: from 127.0.0.SRC (each peer its own address).
offer() {
	local a=()
	while [ $# -ge 3 ]; do
		a+=("$1" "$2" "127.0.0.$3")
		shift 3
	done
	timeout 60 python3 "$PEER" "$INTEROP" "$PORT" "${a[@]}" 2>&1
}

cat >"$HUB" <<'PY'
# python3 hub.py INTEROP card DIR: the card of Grace, a hub, in DIR/grace.card.
# python3 hub.py INTEROP send PORT LINUS_KEY_HEX KIND...: for each KIND in turn, one
#   session on loopback with the request {t: intro, obj}: "ask", Grace asks Linus for
#   introductions; "intro", Grace introduces Barbara to Linus, Barbara's ask to Grace the
#   consent (proto/introduction.md 5.2). Prints the answer's kind ("ack") or "error ...",
#   one line each. Both names carry markup, for the notification to escape.
import os, socket, sys, time

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import check_intro as ci  # noqa: E402
import check_session as cs  # noqa: E402

grace = ci.Person("Grace <Hopper> & co", 1700000000)
barbara = ci.Person("Barbara <i>Liskov</i>", 1700000000)


def obj(kind, linus, now):
    if kind == "ask":
        return grace.make("ask", linus, now, reply=True, rk=grace.rk,
                          **{"for": "people who write kernels"})
    ask = barbara.make("ask", grace, now - 60, reply=True, rk=barbara.rk,
                       **{"for": "people who write kernels"})
    return grace.make("intro", linus, now, expires=now - 60 + ci.INTRO_TTL,
                      note="Barbara <3 type systems", consent=ask)


def send(port, data):
    hs = cs.Handshake(os.urandom(32), os.urandom(32))
    s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=("127.0.0.40", 0))
    inbox = cs.Inbox()
    s.sendall(cs.frame(hs.write_message_1()))
    hs.read_message_2(inbox.receive(s, 10))
    m3 = hs.write_message_3()
    out, back, _ = hs.split()
    req = cs.enc_map([(b"t", cs.enc_str(b"intro")), (b"obj", cs.enc_bin(data))])
    s.sendall(cs.frame(m3) + cs.frame(out.encrypt(b"", req)))
    kind, fields = cs.decode_message(back.decrypt(b"", inbox.receive(s, 30)))
    s.close()
    return kind if kind != "error" else "error %r" % (fields,)


if sys.argv[2] == "card":
    with open(os.path.join(sys.argv[3], "grace.card"), "wb") as f:
        f.write(grace.card)
elif sys.argv[2] == "send":
    linus = bytes.fromhex(sys.argv[4])
    for kind in sys.argv[5:]:
        print(send(int(sys.argv[3]), obj(kind, linus, int(time.time()))), flush=True)
PY
hub() { timeout 60 python3 "$HUB" "$INTEROP" "$@" 2>&1; }

wf() { "$WF" --state-dir "$S" "$@"; }
status_ok() { "$WF" status --runtime-dir "$R" >/dev/null 2>&1; }
records() { wc -l <"$RECORD"; }
# record N KEY: member KEY of the N-th recorded Notify call (1-based), as JSON.
record() {
	"$SYSPY" -c '
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
n = int(sys.argv[2])
print(json.dumps(json.loads(lines[n - 1])[sys.argv[3]], ensure_ascii=False) if len(lines) >= n else "none")' \
		"$RECORD" "$1" "$2"
}
inbox_count() { wf inbox --json --runtime-dir "$R" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["offers"]))'; }
contact_names() {
	wf contacts --json | python3 -c '
import json, sys
print("|".join(sorted(c["fields"]["name"] for c in json.load(sys.stdin)["contacts"])))'
}
is_contact() { contact_names | tr '|' '\n' | grep -qxF "$1"; }
# in_inbox KIND NAME: an entry of that kind and name waits in the inbox.
in_inbox() {
	wf inbox --json --runtime-dir "$R" | python3 -c '
import json, sys
offers = json.load(sys.stdin)["offers"]
sys.exit(not any([o["kind"], o["name"]] == sys.argv[1:] for o in offers))' "$@"
}
# within SECONDS CMD...: CMD succeeds before SECONDS of wall-clock time have passed (waitfor
# counts tries, and a slow CMD stretches it).
within() {
	local end=$(($(date +%s%N) + $1 * 1000000000))
	shift
	while [ "$(date +%s%N)" -lt "$end" ]; do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
notifier_gone() { ! alive "$NOTIFIER"; }
records_ge() { [ "$(records)" -ge "$1" ]; }
# accepts: how many `wallflower accept` wallflower-notify has run.
accepts() { grep -c 'accepting offer' "$T/notify.log"; }
# spoof NID ACTION [DEST]: ActionInvoked(NID, ACTION) emitted by a connection of the shell's
# own, not the server: broadcast, or sent to the unique name DEST alone.
spoof() {
	local dest=()
	[ -n "${3:-}" ] && dest=(--dest="$3")
	dbus-send --session --type=signal "${dest[@]}" /org/freedesktop/Notifications \
		org.freedesktop.Notifications.ActionInvoked "uint32:$1" "string:$2"
}
# bus_name PID: the unique name on the session bus of the process PID.
bus_name() {
	"$SYSPY" -c '
import dbus, sys
bus = dbus.SessionBus()
d = dbus.Interface(bus.get_object("org.freedesktop.DBus", "/org/freedesktop/DBus"),
                   "org.freedesktop.DBus")
for n in d.ListNames():
    try:
        if n.startswith(":") and int(d.GetConnectionUnixProcessID(n)) == int(sys.argv[1]):
            print(n)
    except dbus.DBusException:
        pass' "$1"
}
# The CLI that Accept runs: it writes down the signals it starts with ignored (SigIgn, a hex
# mask in which SIGPIPE, 13, is 0x1000), then runs wallflower.
ACCEPT=$T/accept.sh
printf '#!/bin/sh\ngrep "^SigIgn:" /proc/$$/status >>"%s"\nexec "%s" "$@"\n' \
	"$T/accept.sigs" "$WF" >"$ACCEPT"
chmod +x "$ACCEPT"
# pipe_default: every `wallflower accept` so far started with SIGPIPE not ignored.
pipe_default() {
	local m
	[ -s "$T/accept.sigs" ] || return 1
	while read -r _ m; do
		(((0x$m & 0x1000) == 0)) || return 1
	done <"$T/accept.sigs"
}
# logged N TEXT: TEXT is on at least N lines of wallflower-notify's log.
logged() { [ "$(grep -cF "$2" "$T/notify.log")" -ge "$1" ]; }

# ---- the session bus and the stand-in server ----

export DBUS_SESSION_BUS_ADDRESS=unix:path=$T/bus
spawn "$T/dbus.log" dbus-daemon --session --nofork --nopidfile --address="$DBUS_SESSION_BUS_ADDRESS"
waitfor 5 test -S "$T/bus" || { cat "$T/dbus.log"; bail "dbus-daemon did not start"; }
spawn "$T/server.log" "$SYSPY" "$SUPPORT/notify_server.py" "$RECORD"
SERVER=$LASTPID
waitfor 10 grep -q ready "$T/server.log" || { cat "$T/server.log"; bail "the stand-in server did not start"; }
# test METHOD ARGS...: a method of the server's test interface; its answer's value, if any.
test_call() {
	local m=$1
	shift
	dbus-send --session --print-reply=literal --dest=org.freedesktop.Notifications \
		/org/freedesktop/Notifications "org.wallflower.Test.$m" "$@"
}
invoke() { test_call InvokeAction "uint32:$1" "string:$2" >/dev/null; }
hang() { test_call Hang "boolean:$1" >/dev/null || bail "the server's Hang($1) failed"; }
held() { test_call Held | awk '{ print $2 }'; }

# ---- Linus, Grace his contact, his daemon, and wallflower-notify ----

wf init --name "Linus Torvalds" >/dev/null || bail "wallflower init"
LINUS=$(wf id --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])') ||
	bail "wallflower id --json"
hub card "$T" || bail "cannot make Grace's card"
wf import "$T/grace.card" >/dev/null || bail "wallflower import grace.card"
GRACE='Grace <Hopper> & co'
spawn "$T/wfd.log" "$WFD" -d --state-dir "$S" --runtime-dir "$R" --port "$PORT"
waitfor 5 status_ok || { cat "$T/wfd.log"; bail "wallflowerd did not answer"; }
wf start --hidden --runtime-dir "$R" >/dev/null || bail "wallflower start"
spawn "$T/notify.log" env WALLFLOWER="$ACCEPT" "$NOTIFY" -d --runtime-dir "$R" --state-dir "$S"
NOTIFIER=$LASTPID
waitfor 10 grep -q "watching" "$T/notify.log" || { cat "$T/notify.log"; bail "wallflower-notify did not start"; }
check "wallflower-notify saw that the server offers actions" grep -q "offers actions" "$T/notify.log"
check "and reads the body as markup" grep -q "reads the body as markup" "$T/notify.log"

# ---- an offer with markup in the name and the note ----

NAME='Ada <b>&</b> Lovelace'
same "the peer's offer is acknowledged" "$(offer "$NAME" '<i>loved</i> your talk & more' 11)" ack
waitfor 10 test "$(records)" -ge 1
same "one Notify call" "$(records)" 1
same "its summary names the sender, in plain text: not escaped" "$(record 1 summary)" \
	'"Ada <b>&</b> Lovelace offers you their card"'
check "its body holds the note, escaped for a server that reads markup" \
	grep -qF '&lt;i&gt;loved&lt;/i&gt; your talk &amp; more' "$RECORD"
check "its body holds the start of the fingerprint" grep -qE '"body": "fingerprint [a-z2-7]{4}-[a-z2-7]{4}' "$RECORD"
same "its actions are Accept and Later" "$(record 1 actions)" '["accept", "Accept", "later", "Later"]'
same "its app name is wallflower" "$(record 1 app)" '"wallflower"'
NID=$(record 1 id)

# ---- another peer's ActionInvoked does nothing ----

# Any connection may emit a signal named ActionInvoked: one broadcast is not even delivered
# (the match rule names the server), and one sent to wallflower-notify alone is dropped, as
# its sender is not the server's. The server's own Later then shows the two were read.
ME=$(bus_name "$NOTIFIER")
check "wallflower-notify has a name on the bus" test -n "$ME"
check "another peer broadcasts ActionInvoked(accept) for the offer's id" spoof "$NID" accept
check "and sends it to wallflower-notify alone" spoof "$NID" accept "$ME"

# ---- Later does nothing; Accept makes the contact ----

check "the server emits ActionInvoked(later)" invoke "$NID" later
waitfor 5 logged 1 "notification $NID: later"
check "wallflower-notify read Later" logged 1 "notification $NID: later"
same "the broadcast never reached it; the one sent to it was dropped" \
	"$(grep -c 'another peer than the server, ignored' "$T/notify.log")" 1
same "after those and Later the offer still waits" "$(inbox_count)" 1
same "and no wallflower accept ran" "$(accepts)" 0
check "the server emits ActionInvoked(accept)" invoke "$NID" accept
waitfor 10 test "$(inbox_count)" = 0
same "after Accept the inbox is empty" "$(inbox_count)" 0
same "and Ada is a contact" "$(contact_names)" "$NAME|$GRACE"
same "one wallflower accept ran" "$(accepts)" 1
waitfor 5 test -s "$T/accept.sigs"
check "it started with SIGPIPE at its default, not ignored" pipe_default

# ---- quiet: offers are not shown ----

wf start --status quiet --runtime-dir "$R" >/dev/null || bail "wallflower start --status quiet"
same "a second peer's offer is acknowledged" "$(offer 'Bo Bartlett' 'hello' 12)" ack
waitfor 10 test "$(inbox_count)" = 1
sleep 1
same "while quiet, no Notify call" "$(records)" 1
wf start --status open --runtime-dir "$R" >/dev/null || bail "wallflower start --status open"
same "a third peer's offer is acknowledged" "$(offer 'Cy Young' '' 13)" ack
waitfor 10 test "$(records)" -ge 2
same "open again: it is shown" "$(record 2 summary)" '"Cy Young offers you their card"'
NID_CY=$(record 2 id)
waitfor 5 grep -q "notification $NID_CY shown" "$T/notify.log"
# The server's signals come in order: once its Later on Cy's is read, so is the one before.
check "the server emits ActionInvoked(accept) for an id that is not ours" invoke 999 accept
check "and ActionInvoked(later) on Cy's" invoke "$NID_CY" later
waitfor 5 logged 1 "notification $NID_CY: later"
check "wallflower-notify read the two" logged 1 "notification $NID_CY: later"
same "the action on an id not ours did nothing: Bo's and Cy's offers wait" "$(inbox_count)" 2
same "and no wallflower accept ran" "$(accepts)" 1

# ---- a card that comes back is shown, also while quiet ----

A=$T/ada
APORT=7444
"$WF" --state-dir "$A" init --name "Ada Second" >/dev/null || bail "wallflower init (Ada)"
spawn "$T/ada.log" "$WFD" -d --state-dir "$A" --runtime-dir "$T/arun" --port "$APORT"
waitfor 5 "$WF" status --runtime-dir "$T/arun" >/dev/null 2>&1 || bail "Ada's wallflowerd did not answer"
"$WF" --state-dir "$A" start --hidden --runtime-dir "$T/arun" >/dev/null || bail "wallflower start (Ada)"
wf start --status quiet --runtime-dir "$R" >/dev/null || bail "wallflower start --status quiet"
check "Linus sends his card to Ada directly" wf send --to "127.0.0.1:$APORT" --runtime-dir "$R"
waitfor 10 sh -c "'$WF' --state-dir '$A' inbox --json --runtime-dir '$T/arun' | grep -q Linus"
check "Ada accepts it, and her card goes back" "$WF" --state-dir "$A" accept 1 --runtime-dir "$T/arun"
waitfor 15 test "$(records)" -ge 3
same "while quiet, the card back is shown" "$(record 3 summary)" '"Ada Second'"'"'s card came back"'
same "without actions" "$(record 3 actions)" '[]'
"$WF" --state-dir "$A" stop --runtime-dir "$T/arun" >/dev/null 2>&1

# ---- an introduction is shown; an ask is not ----

# Grace, Linus's contact, asks him for introductions, then introduces Barbara to him. Events
# come in order: once the intro's Notify is recorded, the ask's event has been read too.
wf start --status open --runtime-dir "$R" >/dev/null || bail "wallflower start --status open"
N=$(records)
same "Grace's ask and intro are both answered ack" "$(hub send "$PORT" "$LINUS" ask intro | tr '\n' ' ')" "ack ack "
check "Grace's ask waits in the inbox" in_inbox ask "$GRACE"
check "her intro of Barbara waits in the inbox" in_inbox intro 'Barbara <i>Liskov</i>'
waitfor 10 test "$(records)" -ge $((N + 1))
sleep 0.5
same "one Notify call for the two: none for the ask" "$(records)" $((N + 1))
same "its summary says who introduces whom, in plain text" "$(record $((N + 1)) summary)" \
	'"Grace <Hopper> & co introduces Barbara <i>Liskov</i>"'
check "its body holds Grace's note, escaped" grep -qF 'Barbara &lt;3 type systems' "$RECORD"
same "with the actions Accept and Later" "$(record $((N + 1)) actions)" '["accept", "Accept", "later", "Later"]'

# ---- a hung server does not stall wallflower-notify ----

# The server records each Notify and holds its answer back. wallflower-notify sends at most
# BUS_CALLS_MAX (8) calls that wait and drops the notifications past them, keeps reading
# the daemon's events, acts on ActionInvoked at once, frees a call's slot when it times
# out (BUS_CALL_USEC, 5 s), and shows the next offer once the server answers again.
hang true
N=$(records)
T0=$SECONDS
same "ten offers, all acknowledged" "$(offer 'Hung 1' '' 21 'Hung 2' '' 22 'Hung 3' '' 23 \
	'Hung 4' '' 24 'Hung 5' '' 25 'Hung 6' '' 26 'Hung 7' '' 27 'Hung 8' '' 28 \
	'Hung 9' '' 29 'Hung 10' '' 30 | tr '\n' ' ')" "$(printf 'ack %.0s' {1..10})"
waitfor 4 logged 2 'a notification is dropped'
waitfor 2 test "$(records)" -ge $((N + 8))
diag "the ten offers and their events took $((SECONDS - T0)) s"
sleep 0.5
same "the hung server got 8 Notify calls, not 1, not 10" "$(records)" $((N + 8))
same "and holds 8 answers" "$(held)" 8
same "the two past the bound are dropped, and said so" \
	"$(grep -c 'has not answered 8 calls; a notification is dropped' "$T/notify.log")" 2
check "ActionInvoked(accept) on Cy's notification, while the server hangs" invoke "$NID_CY" accept
check "is acted on at once: Cy is a contact within 3 s" within 3 is_contact 'Cy Young'
waitfor 8 logged 8 'Notify failed'

same "the 8 waiting calls time out" "$(grep -c 'Notify failed' "$T/notify.log")" 8
same "and free their slots: the next offer's call is sent" "$(offer 'Hung 11' '' 31)" ack
waitfor 5 test "$(records)" -ge $((N + 9))
same "the server got it" "$(records)" $((N + 9))
hang false
same "the server answers again; another offer is acknowledged" "$(offer 'Late Comer' 'hi' 32)" ack
waitfor 5 test "$(records)" -ge $((N + 10))
same "it is shown" "$(record $((N + 10)) summary)" '"Late Comer offers you their card"'
LATE=$(record $((N + 10)) id)
waitfor 5 grep -q "notification $LATE shown" "$T/notify.log"
check "and wallflower-notify has its answer" grep -q "notification $LATE shown" "$T/notify.log"
check "wallflower-notify still runs" alive "$NOTIFIER"

# ---- the daemon goes, and so does wallflower-notify, even with a call waiting ----

hang true
N=$(records)
same "an offer to a hung server again" "$(offer 'Last Word' '' 33)" ack
waitfor 5 test "$(records)" -ge $((N + 1))
same "its call waits" "$(held)" 1
wf stop --runtime-dir "$R" >/dev/null 2>&1
check "wallflower-notify exits within 3 s of the daemon" within 3 notifier_gone
check "saying the daemon is gone" grep -q "the daemon is gone" "$T/notify.log"

# ---- a server without actions: the same notification, no buttons ----

stop "$SERVER"
waitfor 5 sh -c "! dbus-send --session --print-reply --dest=org.freedesktop.Notifications \
	/org/freedesktop/Notifications org.freedesktop.Notifications.GetCapabilities >/dev/null 2>&1"
spawn "$T/server2.log" "$SYSPY" "$SUPPORT/notify_server.py" "$RECORD" --no-actions --no-body-markup
waitfor 10 grep -q ready "$T/server2.log" || bail "the stand-in server did not start again"
spawn "$T/wfd2.log" "$WFD" -d --state-dir "$S" --runtime-dir "$R" --port "$PORT"
waitfor 5 status_ok || { cat "$T/wfd2.log"; bail "wallflowerd did not answer again"; }
wf start --hidden --runtime-dir "$R" >/dev/null || bail "wallflower start again"
# This time `wallflower start --notify` starts it (detached, its output on /dev/null), and
# a second one finds it running: the next offer is shown once.
check "wallflower start --notify" env WALLFLOWER_NOTIFY="$NOTIFY" "$WF" --state-dir "$S" \
	start --notify --runtime-dir "$R"
waitfor 10 test -s "$R/wallflower-notify.lock"
check "a second start --notify" env WALLFLOWER_NOTIFY="$NOTIFY" "$WF" --state-dir "$S" \
	start --notify --runtime-dir "$R"
sleep 1
N=$(records)
same "a fourth peer's offer is acknowledged" "$(offer 'Di <Dane> & co' 'hi <b>there</b> & all' 14)" ack
waitfor 10 test "$(records)" -ge $((N + 1))
same "it is shown, the summary not escaped" "$(record $((N + 1)) summary)" \
	'"Di <Dane> & co offers you their card"'
check "the body not escaped either: the server shows it as plain text" \
	grep -qF '\nhi <b>there</b> & all' "$RECORD"
same "without its actions" "$(record $((N + 1)) actions)" '[]'
sleep 1
same "shown once" "$(records)" $((N + 1))

same "one wallflower-notify runs" "$(pgrep -cf "^$NOTIFY .*--runtime-dir $R\$")" 1
wf stop --runtime-dir "$R" >/dev/null 2>&1
waitfor 10 sh -c "! pgrep -f '^$NOTIFY .*--runtime-dir $R\$' >/dev/null"
check "the notifier that start --notify made is gone with the daemon" \
	sh -c "! pgrep -f '^$NOTIFY .*--runtime-dir $R\$'"

# ---- a daemon that does not answer the status holds nothing up for long ----

# A stand-in for the daemon's control socket answers `watch`, sends one offer-received, and
# never answers the `status` asked before it: the offer is shown once NOTIFY_STATUS_MS
# (half a second) has passed, as if not quiet, not after ten seconds.
FAKE=$T/fake.py
cat >"$FAKE" <<'PY'
# python3 fake.py SOCKET: answers the first connection's request (watch) with ok and one
# offer-received event; reads each later connection's request (status), says so, and never
# answers it. Runs until it is killed.
import json, socket, struct, sys


def frame(o):
    b = json.dumps(o).encode()
    return struct.pack(">I", len(b)) + b


def read_frame(c):
    data = b""
    while len(data) < 4 or len(data) < 4 + struct.unpack(">I", data[:4])[0]:
        more = c.recv(65536)
        if not more:
            return None
        data += more
    return json.loads(data[4:])


s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
print("listening", flush=True)
w, _ = s.accept()
read_frame(w)
offer = {"id": 5, "kind": "offer", "name": "Slow Status",
         "fingerprint": "bx7h-kjia-ilo4-kizz-fxdh-it2p"}
w.sendall(frame({"ok": True}) + frame({"event": "offer-received", "offer": offer}))
held = []
while True:
    c, _ = s.accept()
    read_frame(c)
    print("status asked", flush=True)
    held.append(c)
PY
mkdir -m 700 "$T/fake"
spawn "$T/fake.log" python3 "$FAKE" "$T/fake/ctl"
FAKED=$LASTPID
waitfor 5 grep -q listening "$T/fake.log" || bail "the stand-in daemon did not start"
N=$(records)
spawn "$T/notify3.log" env WALLFLOWER="$ACCEPT" "$NOTIFY" -d --runtime-dir "$T/fake" --state-dir "$S"
NOTIFIER=$LASTPID
check "an offer whose status gets no answer is shown within 3 s" within 3 records_ge $((N + 1))
check "the status was asked" grep -q "status asked" "$T/fake.log"
same "it is the offer" "$(record $((N + 1)) summary)" '"Slow Status offers you their card"'
stop "$NOTIFIER"
check "SIGTERM stops wallflower-notify within 1 s" within 1 notifier_gone
stop "$FAKED"

[ "$FAILED" -eq 0 ] || sed 's/^/# notify: /' "$T/notify.log"
lo_done
