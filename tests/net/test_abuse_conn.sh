#!/bin/bash
# wallflowerd's peer port against hostile connections (issue 11, findings 5, 6 and 9).
# Prints TAP.
#
# - Refusals reach the sender: after a complete handshake, an offer of someone else's card,
#   or of one's own with a handover signature over another session's hash, gets an `error`
#   with code 4 (not-yours), a card that does not verify code 3 (bad-card), garbage
#   plaintext or an offer without its `rk` code 1 (malformed), not a bare close. And the
#   other way: a card back refused as not-yours is not sent again, one refused as internal
#   is.
# - Idle sockets do not shut anyone out: 16 addresses holding 5 idle connections each, then
#   32 connections that finish the handshake and send nothing, then 1,000 addresses with one
#   idle connection each; under each flood an honest sender still gets `ack` within a few
#   seconds, and the daemon's own connection out (a card back) still goes out while every
#   incoming slot is taken.
# - The log is not flooded: the refusals and drops of all that are a handful of lines, and
#   one says how many were left out; with avahi absent, its retry warning (every 2 s) is
#   logged once.
#
# The peers are Python, built on the independent implementation in tests/interop
# (check_session.py, check_cards.py). Everything runs in a fresh network namespace with
# only a loopback: the attacker binds its sockets to many addresses of 127.0.0.0/8 (all of
# which are local on lo), so no traffic leaves the namespace; a private tmpfs on /run and
# no system bus mean no avahi. The script re-executes itself under unshare for that; it
# skips (exit 77) when it is not root or unshare is not permitted.
#
# Usage: test_abuse_conn.sh BUILD_DIR (WF_KEEP=1 keeps the work dir, with the daemon's log)
set -u

BUILD=${1:?usage: test_abuse_conn.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/lo.sh"
lo_enter abuse "$BUILD"
ulimit -n 4096 2>/dev/null || ulimit -n 2048 || bail "cannot raise the open file limit"
S=$T/state
R=$T/run
PEER=$T/peer.py
PORT=7411       # the daemon's
BACK_PORT=7412  # where the honest sender of phase B takes its card back

status_ok() { "$WF" status --runtime-dir "$R" >/dev/null 2>&1; }
# conns: the number of peer connections the daemon holds (status "connections"), in CONNS.
CONNS=
conns() {
	CONNS=$("$WF" status --runtime-dir "$R" --json |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["connections"])')
}
# settle: waits (at most 5 s) until that number stays the same for a second, so that
# connections the kernel still retries (a SYN dropped by a full queue) have arrived.
settle() {
	local before i
	conns || return 1
	for ((i = 0; i < 5; i++)); do
		before=$CONNS
		sleep 1
		conns || return 1
		[ "$CONNS" = "$before" ] && break
	done
	diag "the daemon holds $CONNS connections"
}
py() { timeout 20 python3 "$PEER" "$@"; }

# ---- the peers ----

cat >"$PEER" <<'PY'
# Wallflower peers for this test, on the independent implementation in tests/interop.
# python3 peer.py INTEROP_DIR PORT CASE [ARGS...]: each case exits 0 when the daemon
# behaved as it should, else prints why and exits 1. "flood" is a long-lived attacker
# driven by one command per line on stdin, answering one line each.
import errno, hashlib, os, resource, select, socket, sys, time

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import check_cards as cards  # noqa: E402
import check_session as cs  # noqa: E402

PORT = int(sys.argv[2])
DAEMON = "127.0.0.1"
TIMEOUT = 5.0

class Fail(Exception):
    pass

def check(cond, what):
    if not cond:
        raise Fail(what)

def make_card(seed, name):
    """A minimal card (proto/card.md 7.4): v, key, rev, issued, name; signed with seed."""
    return cs.make_card(seed, name, int(time.time()))

def recv_frame(s, inbox):
    try:
        return inbox.receive(s, TIMEOUT)
    except cs.SessionError as e:
        raise Fail(str(e))

def connect(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(TIMEOUT)
    s.connect((DAEMON, PORT))
    return s

def handshake(s, presence):
    """Initiator with the presence secret given: returns (to responder, from responder,
    inbox, handshake hash). The handshake carries nothing about who we are."""
    hs = cs.Handshake(presence, os.urandom(32))
    inbox = cs.Inbox()
    s.sendall(cs.frame(hs.write_message_1()))
    hs.read_message_2(recv_frame(s, inbox))
    s.sendall(cs.frame(hs.write_message_3()))
    tx, rx, h = hs.split()
    return tx, rx, inbox, h

def exchange(src, presence, request):
    """Handshake, one request, the answer as (kind, fields). request(h) makes the
    plaintext, since a request signs the session's handshake hash (proto/session.md 6.3)."""
    s = connect(src)
    tx, rx, inbox, h = handshake(s, presence)
    s.sendall(cs.frame(tx.encrypt(b"", request(h))))
    answer = rx.decrypt(b"", recv_frame(s, inbox))
    s.close()
    return cs.decode_message(answer)

def offer(seed, card, reply_port=None, sign_h=None):
    """An offer of card, its handover signed by seed over this session's hash (or over
    sign_h, another session's); the request maker for exchange()."""
    fields = {"reply": reply_port is not None}
    if reply_port is not None:
        fields["port"] = reply_port
    return lambda h: cs.make_request("offer", seed, sign_h or h, card, rk_of(seed), **fields)

def want_error(got, code):
    kind, fields = got
    check(kind == "error" and fields.get("code") == code,
          "wanted an error with code %d, got %s %r" % (code, kind, fields))

def seed_of(name):
    return hashlib.sha256(name.encode()).digest()

def presence_of(name):
    """name's presence secret: the same in the process that sends an offer and in the one
    that takes the card back, since the card back goes only to the presence key that made
    the offer (proto/session.md 9.4)."""
    return hashlib.sha256(b"presence " + name.encode()).digest()

def rk_of(seed):
    return hashlib.sha256(b"rk " + seed).digest()

# ---- cases ----

def case_not_yours(src):
    """An offer of someone else's (valid) card, the handover signed by the sender: error
    4, not-yours."""
    card = make_card(seed_of("someone else"), "Someone Else")
    want_error(exchange(src, os.urandom(32), offer(seed_of("mallory"), card)), 4)

def case_not_this_session(src):
    """An offer of one's own card whose handover signature covers another session's
    handshake hash (a relayed or replayed request): error 4, not-yours."""
    seed = seed_of("mallory")
    card = make_card(seed, "Mallory")
    first = []

    def keep_h(h):
        first.append(h)
        return offer(seed, card)(h)
    got = exchange(src, os.urandom(32), keep_h)
    check(got[0] == "ack", "the first session: wanted ack, got %s %r" % got)
    want_error(exchange(src, os.urandom(32), offer(seed, card, sign_h=first[0])), 4)

def case_bad_card(src):
    """A card whose signature does not verify: error 3, bad-card."""
    seed = seed_of("mallory")
    card = bytearray(make_card(seed, "Mallory"))
    card[-1] ^= 1
    want_error(exchange(src, os.urandom(32), offer(seed, bytes(card))), 3)

def case_no_rk(src):
    """An offer of one's own card, signed for this session, but without `rk`: error 1,
    malformed (proto/session.md 7.2: rk is required)."""
    seed = seed_of("mallory")
    card = make_card(seed, "Mallory")

    def without_rk(h):
        return cs.enc_map([(b"t", cs.enc_str(b"offer")), (b"card", cs.enc_bin(card)),
                           (b"sig", cs.enc_bin(cs.handover_sign(seed, h))),
                           (b"reply", cs.enc_bool(False))])
    want_error(exchange(src, os.urandom(32), without_rk), 1)

def case_garbage(src):
    """Plaintext that is not a message: error 1, malformed."""
    want_error(exchange(src, os.urandom(32), lambda h: b"garbage, not msgpack \xc1"), 1)

def case_offer(src, name, reply_port=None):
    """An honest offer: ack within TIMEOUT. Prints how long it took."""
    seed = seed_of(name)
    t0 = time.monotonic()
    got = exchange(src, presence_of(name), offer(seed, make_card(seed, name),
                                                 int(reply_port) if reply_port else None))
    check(got[0] == "ack", "wanted ack, got %s %r" % got)
    print("ack in %.0f ms" % ((time.monotonic() - t0) * 1000))

def listen_as(src, port):
    """A listener on src:port, as an offerer waiting for its card back."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((src, int(port)))
    ls.listen(4)
    print("listening", flush=True)
    return ls

def take_card(s, name):
    """Responder with name's presence key (the one its offer was made with), then the
    request, which must be a card that passes every check of proto/session.md 9.2;
    returns (the peer's identity, the card's fields, the sending cipher)."""
    s.settimeout(TIMEOUT)
    hs = cs.Handshake(presence_of(name), os.urandom(32))
    inbox = cs.Inbox()
    hs.read_message_1(recv_frame(s, inbox))
    s.sendall(cs.frame(hs.write_message_2()))
    hs.read_message_3(recv_frame(s, inbox))
    rx, tx, h = hs.split()
    try:
        kind, fields, peer, _ = cs.check_request(rx.decrypt(b"", recv_frame(s, inbox)), h)
    except cs.Refusal as e:
        raise Fail("the card back would be refused: %s" % e) from None
    check(kind == "card", "wanted a card, got %s" % kind)
    return peer, fields, tx

def case_card_back(src, port, name, wait):
    """Listens on src:port as the sender of an offer; the daemon's card back must arrive
    within wait seconds: a `card` whose card is the daemon's own (its handover signature
    verifies), answered with ack."""
    ls = listen_as(src, port)
    ls.settimeout(float(wait))
    try:
        s, _ = ls.accept()
    except socket.timeout:
        raise Fail("no card back within %s s" % wait) from None
    t0 = time.monotonic()
    _, _, tx = take_card(s, name)
    s.sendall(cs.frame(tx.encrypt(b"", cs.encode_message("ack", {}))))
    s.close()
    print("card back received, exchange %.0f ms" % ((time.monotonic() - t0) * 1000))

def case_card_back_refuse(src, port, name, code, wait):
    """Listens on src:port as the sender of an offer and refuses every card back with error
    code, for wait seconds; prints how many attempts came (proto/session.md 9.6: one for a
    permanent refusal, more for busy or internal)."""
    ls = listen_as(src, port)
    attempts, end = 0, time.monotonic() + float(wait)
    while time.monotonic() < end:
        ls.settimeout(max(0.05, end - time.monotonic()))
        try:
            s, _ = ls.accept()
        except socket.timeout:
            break
        attempts += 1
        _, _, tx = take_card(s, name)
        s.sendall(cs.frame(tx.encrypt(b"", cs.encode_message("error", {"code": int(code)}))))
        s.close()
    print("attempts %d" % attempts, flush=True)

# ---- the attacker ----

def addr(octet, i):
    """The i-th address of 127.<octet>.0.0/16, skipping .0 and .255 in the last byte."""
    return "127.%d.%d.%d" % (octet, i // 250, i % 250 + 1)

class Flood:
    def __init__(self):
        self.socks = []

    def open_idle(self, naddr, per, octet, batch=8):
        """per idle connections from each of naddr addresses; nothing is ever sent on them.
        They go out in batches as fast as the daemon takes them, not faster: a burst that
        overflows the kernel's accept queue would only delay some of them by a second."""
        targets = [addr(octet, i) for i in range(naddr) for _ in range(per)]
        made = late = 0
        end = time.monotonic() + 20.0
        for b in range(0, len(targets), batch):
            if time.monotonic() > end:
                break
            pending = {}
            p = select.poll()
            for src in targets[b:b + batch]:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                s.bind((src, 0))
                if s.connect_ex((DAEMON, PORT)) not in (0, errno.EINPROGRESS):
                    s.close()
                    continue
                self.socks.append(s)
                pending[s.fileno()] = s
                p.register(s, select.POLLOUT)
            batch_end = time.monotonic() + 1.0
            while pending and time.monotonic() < batch_end:
                for fd, _ in p.poll(50):
                    s = pending.pop(fd)
                    p.unregister(fd)
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                        made += 1
            late += len(pending)
            time.sleep(0.002)
        return "%d connected, %d late," % (made, late)

    def open_established(self, count, octet):
        """count connections that finish the handshake (fresh keys), then say nothing."""
        made = 0
        for i in range(count):
            try:
                s = connect(addr(octet, i))
                handshake(s, os.urandom(32))  # a fresh presence key each
            except (OSError, Fail, cs.SessionError):
                continue
            self.socks.append(s)
            made += 1
        return made

    def count_open(self):
        """How many of ours the daemon has not closed (a closed one reads end of file)."""
        n = 0
        for s in self.socks:
            p = select.poll()
            p.register(s, select.POLLIN)
            if not p.poll(0):
                n += 1
                continue
            try:
                s.setblocking(False)
                if s.recv(1, socket.MSG_PEEK):
                    n += 1
            except (BlockingIOError, InterruptedError):
                n += 1
            except OSError:
                pass
        return n

    def close_all(self):
        for s in self.socks:
            s.close()
        self.socks = []

def case_flood():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    f = Flood()
    for line in sys.stdin:
        cmd = line.split()
        t0 = time.monotonic()
        if not cmd or cmd[0] == "quit":
            break
        if cmd[0] == "idle":
            out = f.open_idle(int(cmd[1]), int(cmd[2]), int(cmd[3]))
        elif cmd[0] == "established":
            out = "opened %d" % f.open_established(int(cmd[1]), int(cmd[2]))
        elif cmd[0] == "count":
            out = "open %d" % f.count_open()
        elif cmd[0] == "close":
            f.close_all()
            out = "closed"
        else:
            out = "unknown"
        print("%s in %.1f s" % (out, time.monotonic() - t0), flush=True)
    f.close_all()

CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    try:
        CASES[sys.argv[3].replace("-", "_")](*sys.argv[4:])
    except Fail as e:
        print("FAIL:", e)
        sys.exit(1)
    except (OSError, ValueError, cs.SessionError, cs.MessageError, cs.cards.CardError) as e:
        print("ERROR: %s: %s" % (type(e).__name__, e))
        sys.exit(1)
PY
peer() { py "$INTEROP" "$PORT" "$@"; }

# The attacker: a coprocess taking one command per line. attack CMD...: sends it, and sets
# ATTACK to its one-line answer (fails when none comes within 40 s).
ATTACK=
coproc FLOOD { exec timeout 120 python3 "$PEER" "$INTEROP" "$PORT" flood 2>&1; }
STARTED[$FLOOD_PID]=$(starttime "$FLOOD_PID") || STARTED[$FLOOD_PID]=gone
attack() {
	ATTACK=
	[ -n "${FLOOD[1]:-}" ] || return 1
	echo "$*" >&"${FLOOD[1]}" || return 1
	read -r -t 40 ATTACK <&"${FLOOD[0]}" || return 1
	diag "attacker: $* -> $ATTACK"
}
# attack_open: how many of the attacker's connections the daemon has left open.
OPEN=
attack_open() { attack count && OPEN=$(awk '{ print $2 }' <<<"$ATTACK"); }

# ---- the daemon ----

"$WF" --state-dir "$S" init >/dev/null || bail "wallflower init"
"$WF" --state-dir "$S" profile set name "Flooded Fiona" >/dev/null || bail "profile set"
spawn "$T/wfd.log" "$WFD" -d --state-dir "$S" --runtime-dir "$R" --port "$PORT"
WFD_PID=$LASTPID
WFD_START=$SECONDS
waitfor 5 status_ok || { cat "$T/wfd.log"; bail "wallflowerd did not answer"; }
"$WF" --state-dir "$S" start --hidden --runtime-dir "$R" >/dev/null || {
	cat "$T/wfd.log"
	bail "wallflower start"
}
listening() { peer offer 127.0.0.4 "Olive Opener" >/dev/null; }
waitfor 5 listening || bail "the daemon does not take offers on port $PORT"

# ---- finding 5: refusals reach the sender ----

check "an offer of someone else's card: error 4 (not-yours)" peer not-yours 127.0.0.4
check "an offer signed over another session's hash: error 4 (not-yours)" \
	peer not-this-session 127.0.0.4
check "a card that does not verify: error 3 (bad-card)" peer bad-card 127.0.0.4
check "garbage plaintext: error 1 (malformed)" peer garbage 127.0.0.4
check "an offer without rk: error 1 (malformed)" peer no-rk 127.0.0.4

# ---- finding 5, the other side: the daemon stops at a permanent refusal ----

# refused_back ADDR PORT NAME CODE: an offer from NAME that asks for a card back at
# ADDR:PORT, accepted; the listener there refuses every card back with CODE for 4 s and
# says how many attempts came.
refused_back() {
	local addr=$1 port=$2 name=$3 code=$4 id
	spawn "$T/refuse-$code.log" python3 "$PEER" "$INTEROP" "$PORT" card-back-refuse \
		"$addr" "$port" "$name" "$code" 4
	local pid=$LASTPID
	waitfor 5 grep -q listening "$T/refuse-$code.log" || return 1
	peer offer "$addr" "$name" "$port" >/dev/null || return 1
	id=$("$WF" inbox --json --runtime-dir "$R" | python3 -c '
import json, sys
print([o["id"] for o in json.load(sys.stdin)["offers"] if o["name"] == sys.argv[1]][-1])' "$name")
	diag "accept $id: $("$WF" --state-dir "$S" accept "$id" --runtime-dir "$R" 2>&1)"
	wait "$pid"
	unset "STARTED[$pid]"
	ATTEMPTS=$(awk '/^attempts/ { print $2 }' "$T/refuse-$code.log")
	diag "card back refused with $code: ${ATTEMPTS:-?} attempts in 4 s"
}
ATTEMPTS=
refused_back 127.0.0.9 7413 "Refusing Rita" 4
check "a card back refused as not-yours is not sent again" test "${ATTEMPTS:-0}" = 1
check "the daemon logs why it gave up" grep -q "refused by the peer: not-yours" "$T/wfd.log"
refused_back 127.0.0.10 7414 "Failing Fay" 6
check "a card back refused as internal is tried again" test "${ATTEMPTS:-0}" -ge 2

# ---- finding 6: idle sockets shut nobody out ----

# Phase A: 16 addresses, 5 idle connections each (one more than an address may hold).
attack idle 16 5 1 || bail "the attacker did not answer"
settle || bail "no status"
check "the daemon holds at most ADMIT_HANDSHAKE_MAX (32) of the 80" test "$CONNS" -le 32
check_say "16 addresses x 5 idle: an honest offer still gets ack" peer offer 127.0.0.5 "Honest Hana"
attack_open || bail "the attacker did not answer"
check "the attacker sees the rest closed" test "$OPEN" -le 32
attack close || bail "the attacker did not answer"

# Before phase B, an offer that asks for a card back (accepted under the flood, below).
spawn "$T/back.log" python3 "$PEER" "$INTEROP" "$PORT" card-back 127.0.0.6 "$BACK_PORT" \
	"Returning Rosa" 40
BACK_PID=$LASTPID
waitfor 5 grep -q listening "$T/back.log" || bail "the card-back listener did not start"
check "an offer that asks for a card back gets ack" \
	peer offer 127.0.0.6 "Returning Rosa" "$BACK_PORT"

# Phase B: 32 connections that finish the handshake and idle, then 1,000 addresses with one
# idle connection each: every incoming slot is taken.
attack established 32 2 || bail "the attacker did not answer"
attack idle 1000 1 3 || bail "the attacker did not answer"
settle || bail "no status"
check_say "1,000 addresses x 1 idle, 32 idle after the handshake: an honest offer gets ack" \
	peer offer 127.0.0.7 "Busy Bea"
# Top the flood up again, so that every incoming slot is held when the card back starts.
attack idle 40 1 4 || bail "the attacker did not answer"
settle || bail "no status"
check "every incoming slot (ADMIT_INCOMING_MAX, 64) is held by the flood" test "$CONNS" -ge 64
offer_id() {
	"$WF" inbox --json --runtime-dir "$R" | python3 -c '
import json, sys
ids = [o["id"] for o in json.load(sys.stdin)["offers"] if o.get("name") == sys.argv[1]]
print(ids[-1] if ids else "")' "Returning Rosa"
}
ID=$(offer_id)
check "the honest offer is in the inbox" test -n "$ID"
# Within 1.5 s of the accept (it takes about 0.2 s): the first retry of a delivery that
# found no free slot comes 1 s later, the next 2 s after that, and the flood's idle
# connections last 10 s (the handshake deadline). accept itself may wait for the first
# attempt: the clock starts before it.
T0=${EPOCHREALTIME/./}
check "accepting it starts the card back" "$WF" --state-dir "$S" accept "${ID:-0}" --runtime-dir "$R"
rc=1
if waitfor 2 sh -c '! kill -0 '"$BACK_PID"' 2>/dev/null'; then
	wait "$BACK_PID"
	rc=$?
	unset "STARTED[$BACK_PID]"
fi
MS=$(((${EPOCHREALTIME/./} - T0) / 1000))
[ "$rc" = 0 ] && [ "$MS" -le 1500 ]
ok $? "the card back goes out at once while the flood holds every incoming slot ($MS ms)"
grep -v listening "$T/back.log" | sed 's/^/# /'
attack close || bail "the attacker did not answer"
check "the daemon is alive after the floods" alive "$WFD_PID"
check "and still takes offers" peer offer 127.0.0.8 "Late Lena"

# ---- finding 9: the log is not flooded ----

stop "$WFD_PID" TERM
waitfor 5 sh -c '! kill -0 '"$WFD_PID"' 2>/dev/null'
unset "STARTED[$WFD_PID]"
LINES=$(grep -cE 'refusing|dropping|connection from' "$T/wfd.log")
diag "log lines about refused, dropped or failed connections: $LINES"
check "about 1,100 refused and dropped connections take a handful of log lines" \
	test "$LINES" -le 12
check "one of them says how many were left out" \
	grep -qE '(and [0-9]+ more like it in the last|[0-9]+ more .* were not logged)' "$T/wfd.log"
# No avahi here: the daemon retries every 2 s and said so each time; now once a minute.
AVAHI=$(grep -c 'avahi' "$T/wfd.log")
check "with avahi absent for $((SECONDS - WFD_START)) s, its warning is logged once ($AVAHI lines)" \
	test "$AVAHI" -le 1
grep -E 'refusing|dropping|connection from|more like it|not logged' "$T/wfd.log" |
	head -20 | sed 's/^/# log: /'

lo_done
