#!/bin/bash
# wallflower-notify against a real wallflowerd and a stand-in notification server
# (tests/support/notify_server.py) on a private session bus (dbus-daemon --session on a
# socket in the work dir). Offers come from a peer written on the independent implementation
# in tests/interop (check_session.py), never on src/lib. An offer whose name and note carry
# markup is shown as one Notify call with the name escaped and the actions Accept and Later;
# the server's ActionInvoked(id, "accept") makes the sender a contact (through `wallflower
# accept`), "later" leaves the offer waiting; with the status quiet, an offer shows nothing;
# a card that comes back from a second daemon is shown, also while quiet; when the daemon
# stops, wallflower-notify exits; with a server that has no actions, offers come without
# them; `wallflower start --notify` starts one copy, however often it is given. Everything
# runs in a fresh network namespace with only a loopback (tests/net/lo.sh): no avahi,
# nothing leaves it. Skips (exit 77) when not root, or without dbus-daemon or python3-dbus.
# Prints TAP.
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
RECORD=$T/notify.jsonl
PORT=7443
: >"$RECORD"

cat >"$PEER" <<'PY'
# python3 peer.py INTEROP PORT NAME NOTE SRC: one offer of NAME's card (a fixed seed from the
# name), with NOTE, on loopback from the address SRC (a peer of its own for the daemon's
# answer rule, proto/session.md 9.5); prints the answer's kind ("ack") or "error ...".
import hashlib, os, socket, sys

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import check_session as cs  # noqa: E402

PORT, NAME, NOTE, SRC = int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
seed = hashlib.sha256(b"test_notify " + NAME.encode()).digest()
card = cs.make_card(seed, NAME, 1700000000)
hs = cs.Handshake(hashlib.sha256(b"presence " + seed).digest(), os.urandom(32))
s = socket.create_connection(("127.0.0.1", PORT), timeout=10, source_address=(SRC, 0))
inbox = cs.Inbox()
s.sendall(cs.frame(hs.write_message_1()))
hs.read_message_2(inbox.receive(s, 10))
s.sendall(cs.frame(hs.write_message_3()))
tx, rx, h = hs.split()
more = {"note": NOTE} if NOTE else {}
req = cs.make_request("offer", seed, h, card, hashlib.sha256(b"rk " + seed).digest(),
                      reply=False, **more)
s.sendall(cs.frame(tx.encrypt(b"", req)))
kind, fields = cs.decode_message(rx.decrypt(b"", inbox.receive(s, 30)))
s.close()
print(kind if kind != "error" else "error %r" % (fields,))
PY
# offer NAME NOTE SRC: from 127.0.0.SRC (each peer its own address).
offer() { timeout 60 python3 "$PEER" "$INTEROP" "$PORT" "$1" "$2" "127.0.0.$3" 2>&1; }

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

# ---- the session bus and the stand-in server ----

export DBUS_SESSION_BUS_ADDRESS=unix:path=$T/bus
spawn "$T/dbus.log" dbus-daemon --session --nofork --nopidfile --address="$DBUS_SESSION_BUS_ADDRESS"
waitfor 5 test -S "$T/bus" || { cat "$T/dbus.log"; bail "dbus-daemon did not start"; }
spawn "$T/server.log" "$SYSPY" "$SUPPORT/notify_server.py" "$RECORD"
SERVER=$LASTPID
waitfor 10 grep -q ready "$T/server.log" || { cat "$T/server.log"; bail "the stand-in server did not start"; }
invoke() {
	dbus-send --session --print-reply --dest=org.freedesktop.Notifications \
		/org/freedesktop/Notifications org.wallflower.Test.InvokeAction "uint32:$1" "string:$2" \
		>/dev/null
}

# ---- Linus, his daemon, and wallflower-notify ----

wf init --name "Linus Torvalds" >/dev/null || bail "wallflower init"
spawn "$T/wfd.log" "$WFD" -d --state-dir "$S" --runtime-dir "$R" --port "$PORT"
waitfor 5 status_ok || { cat "$T/wfd.log"; bail "wallflowerd did not answer"; }
wf start --hidden --runtime-dir "$R" >/dev/null || bail "wallflower start"
spawn "$T/notify.log" env WALLFLOWER="$WF" "$NOTIFY" -d --runtime-dir "$R" --state-dir "$S"
NOTIFIER=$LASTPID
waitfor 10 grep -q "watching" "$T/notify.log" || { cat "$T/notify.log"; bail "wallflower-notify did not start"; }
check "wallflower-notify saw that the server offers actions" grep -q "offers actions" "$T/notify.log"

# ---- an offer with markup in the name and the note ----

NAME='Ada <b>&</b> Lovelace'
same "the peer's offer is acknowledged" "$(offer "$NAME" '<i>loved</i> your talk & more' 11)" ack
waitfor 10 test "$(records)" -ge 1
same "one Notify call" "$(records)" 1
same "its summary names the sender, escaped" "$(record 1 summary)" \
	'"Ada &lt;b&gt;&amp;&lt;/b&gt; Lovelace offers you their card"'
check "its body holds the note, escaped" grep -qF '&lt;i&gt;loved&lt;/i&gt; your talk &amp; more' "$RECORD"
check "its body holds the start of the fingerprint" grep -qE '"body": "fingerprint [a-z2-7]{4}-[a-z2-7]{4}' "$RECORD"
same "its actions are Accept and Later" "$(record 1 actions)" '["accept", "Accept", "later", "Later"]'
same "its app name is wallflower" "$(record 1 app)" '"wallflower"'
NID=$(record 1 id)

# ---- Later does nothing; Accept makes the contact ----

check "the server emits ActionInvoked(later)" invoke "$NID" later
sleep 1
same "after Later the offer still waits" "$(inbox_count)" 1
check "the server emits ActionInvoked(accept)" invoke "$NID" accept
waitfor 10 test "$(inbox_count)" = 0
same "after Accept the inbox is empty" "$(inbox_count)" 0
same "and Ada is a contact" "$(contact_names)" "$NAME"
check "an action on an id that is not ours does nothing" invoke 999 accept

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

# ---- the daemon goes, and so does wallflower-notify ----

wf stop --runtime-dir "$R" >/dev/null 2>&1
waitfor 10 sh -c "! kill -0 $NOTIFIER 2>/dev/null || grep -q 'the daemon is gone' '$T/notify.log'"
check "wallflower-notify says the daemon is gone" grep -q "the daemon is gone" "$T/notify.log"
sleep 0.5
alive "$NOTIFIER"
ok $((1 - $?)) "wallflower-notify has exited"

# ---- a server without actions: the same notification, no buttons ----

stop "$SERVER"
waitfor 5 sh -c "! dbus-send --session --print-reply --dest=org.freedesktop.Notifications \
	/org/freedesktop/Notifications org.freedesktop.Notifications.GetCapabilities >/dev/null 2>&1"
spawn "$T/server2.log" "$SYSPY" "$SUPPORT/notify_server.py" "$RECORD" --no-actions
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
same "a fourth peer's offer is acknowledged" "$(offer 'Di Dane' 'hi' 14)" ack
waitfor 10 test "$(records)" -ge 4
same "it is shown" "$(record 4 summary)" '"Di Dane offers you their card"'
same "without its actions" "$(record 4 actions)" '[]'
sleep 1
same "shown once" "$(records)" 4

same "one wallflower-notify runs" "$(pgrep -cf "^$NOTIFY .*--runtime-dir $R\$")" 1
wf stop --runtime-dir "$R" >/dev/null 2>&1
waitfor 10 sh -c "! pgrep -f '^$NOTIFY .*--runtime-dir $R\$' >/dev/null"
check "the notifier that start --notify made is gone with the daemon" \
	sh -c "! pgrep -f '^$NOTIFY .*--runtime-dir $R\$'"
[ "$FAILED" -eq 0 ] || sed 's/^/# notify: /' "$T/notify.log"
lo_done
