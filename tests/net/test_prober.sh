#!/bin/bash
# What a stranger who connects to wallflowerd's peer port learns (proto/session.md 12, "What
# a prober learns"; issue 12). Prints TAP.
#
# A prober completes handshakes with the daemon, as anyone on the network can, and keeps
# every byte it receives, each decrypted part (the responder's presence key, any handshake
# payload, the answer) and each session's handshake hash. Then:
# - nothing it received, in the clear or decrypted, contains the daemon's identity key or
#   its fingerprint (as text, or the hash it is cut from);
# - no 64 bytes of it verify as an Ed25519 signature by the identity key over anything the
#   daemon could have signed for the prober: the version-1 binding of the presence key, the
#   handover message of the session, the session's hash or the presence key alone;
# - message 2 is 96 bytes (it carries no payload);
# - two probes within one start see the same presence key; after `wallflower stop` and a
#   new start, a probe sees another one;
# - an offer from the prober (a throwaway identity, a card made per proto/card.md) is
#   answered `ack` and waits in the daemon's inbox; accepted after the restart, its card
#   back comes from the presence key that received the offer, with the daemon's card (the
#   first time the prober learns who the daemon is) and the offer's id in `re`.
#
# The prober is Python, on the independent implementation in tests/interop
# (check_session.py). Everything runs in a fresh network namespace with only a loopback
# (tests/net/lo.sh): no avahi, nothing leaves the namespace. Skips (exit 77) when not root.
#
# Usage: test_prober.sh BUILD_DIR (WF_KEEP=1 keeps the work dir, with the daemon's logs)
set -u

BUILD=${1:?usage: test_prober.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/lo.sh"
lo_enter prober "$BUILD"
S=$T/state
R=$T/run
PEER=$T/prober.py
PORT=7431       # the daemon's
BACK_PORT=7432  # where the prober takes the daemon's card back

cat >"$PEER" <<'PY'
# The prober: python3 prober.py INTEROP_DIR PORT CASE [ARGS...]; each case exits 0 when
# the daemon behaved as it should, else prints why and exits 1.
import base64, hashlib, json, os, socket, sys, time

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import check_cards as cards  # noqa: E402
import check_session as cs  # noqa: E402

PORT = int(sys.argv[2])
DAEMON = "127.0.0.1"
TIMEOUT = 5.0
NAME = "Pat Prober"
SEED = hashlib.sha256(b"test_prober identity").digest()  # the prober's throwaway identity
PRESENCE = hashlib.sha256(b"test_prober presence").digest()  # the same in every process
RK = hashlib.sha256(b"test_prober rk").digest()
CARD_ISSUED = 1790000000  # fixed, so that every process makes the same card and offer id

class Fail(Exception):
    pass

def check(cond, what):
    if not cond:
        raise Fail(what)

def card():
    return cs.make_card(SEED, NAME, CARD_ISSUED)

def recv_frame(s, inbox, got):
    """The next frame's message; every byte read is appended to got."""
    try:
        return inbox.receive(s, TIMEOUT, got)
    except cs.SessionError as e:
        raise Fail(str(e))

def read_message_2(hs, msg):
    """Message 2 read without the length rule, so that a payload, if the daemon sent one,
    is decrypted and recorded rather than merely refused; returns the payload."""
    sym = hs.sym
    hs.re = msg[:32]
    sym.mix_hash(hs.re)
    sym.mix_key(cs.dh(hs.e, hs.re))
    hs.rs = sym.decrypt_and_hash(msg[32:80])
    sym.mix_key(cs.dh(hs.e, hs.rs))
    return sym.decrypt_and_hash(msg[80:])

def case_probe(out, offer_port=None):
    """One session from the prober's address: the handshake, then, with offer_port, an
    offer of the prober's card asking for a card back there. Writes what it saw to out."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.5", 0))  # the address the card back goes to (9.4)
    s.settimeout(TIMEOUT)
    s.connect((DAEMON, PORT))
    got, inbox = [], cs.Inbox()
    hs = cs.Handshake(PRESENCE if offer_port else os.urandom(32), os.urandom(32))
    s.sendall(cs.frame(hs.write_message_1()))
    msg2 = recv_frame(s, inbox, got)
    payload = read_message_2(hs, msg2)
    s.sendall(cs.frame(hs.write_message_3()))
    tx, rx, h = hs.split()
    seen = {"msg2_len": len(msg2), "rs": hs.rs.hex(), "h": h.hex(), "payload2": payload.hex()}
    if offer_port:
        request = cs.make_request("offer", SEED, h, card(), RK, note="probing",
                                  reply=True, port=int(offer_port))
        s.sendall(cs.frame(tx.encrypt(b"", request)))
        answer = rx.decrypt(b"", recv_frame(s, inbox, got))
        seen["answer"] = answer.hex()
        seen["answer_kind"] = cs.decode_message(answer)[0]
    else:
        # Nothing after message 3: wait a moment for anything the daemon might send unasked.
        s.settimeout(0.5)
        try:
            data = s.recv(65536)
            if data:
                got.append(data)
        except (socket.timeout, ConnectionResetError):
            pass
    s.close()
    seen["received"] = b"".join(got).hex()
    with open(out, "w") as f:
        json.dump(seen, f)
    print("presence key %s, message 2 of %d bytes%s" % (
        hs.rs.hex()[:16], len(msg2),
        ", answer %s" % seen["answer_kind"] if offer_port else ""))

def load(path):
    with open(path) as f:
        return json.load(f)

def fingerprint_forms(fpr):
    """The fingerprint as the CLI prints it, without dashes, upper-case, and the bytes it
    is made of (docs/identity.md: base32 of the first 15 bytes of a BLAKE2b-256)."""
    plain = fpr.replace("-", "")
    raw = base64.b32decode(plain.upper() + "=" * (-len(plain) % 8))
    return [fpr.encode(), fpr.upper().encode(), plain.encode(), plain.upper().encode(), raw]

def case_no_leak(id_json, *probes):
    """Nothing the probes received contains the identity key or the fingerprint, and no 64
    bytes of it verify as a signature by the identity key over what the daemon could have
    signed for the prober."""
    ident = load(id_json)
    key = bytes.fromhex(ident["key"])
    fhash = hashlib.blake2b(b"wallflower-fingerprint-v1" + key, digest_size=32).digest()
    needles = [key, fhash] + fingerprint_forms(ident["fingerprint"])
    sigs = 0
    for path in probes:
        p = load(path)
        rs, h = bytes.fromhex(p["rs"]), bytes.fromhex(p["h"])
        blobs = [bytes.fromhex(p[k]) for k in ("received", "rs", "payload2", "answer") if k in p]
        for blob in blobs:
            for n in needles:
                check(n not in blob, "%s: received bytes contain %s" % (path, n.hex()))
        messages = [b"wallflower-noise-static-v1" + rs, cs.SESSION_HANDOVER_TAG + h, h, rs]
        for blob in blobs:
            for i in range(len(blob) - 63):
                for m in messages:
                    sigs += 1
                    check(not cards.ed25519_verify(key, m, blob[i:i + 64]),
                          "%s: bytes %d..%d are a signature by the identity key" % (path, i, i + 63))
    print("%d needles and %d candidate signatures checked" % (len(needles), sigs))

def case_card_back(out, wait, port):
    """Listens on the prober's address at the port its offer named, as the responder with
    the presence key the offer was made with; takes the daemon's card back, answers ack,
    and writes what it learnt."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.5", int(port)))
    ls.listen(4)
    ls.settimeout(float(wait))
    print("listening", flush=True)
    try:
        s, _ = ls.accept()
    except socket.timeout:
        raise Fail("no card back within %s s" % wait) from None
    s.settimeout(TIMEOUT)
    hs = cs.Handshake(PRESENCE, os.urandom(32))
    inbox, got = cs.Inbox(), []
    hs.read_message_1(recv_frame(s, inbox, got))
    s.sendall(cs.frame(hs.write_message_2()))
    hs.read_message_3(recv_frame(s, inbox, got))
    rx, tx, h = hs.split()
    try:
        kind, fields, identity, _ = cs.check_request(rx.decrypt(b"", recv_frame(s, inbox, got)), h)
    except cs.Refusal as e:
        raise Fail("the card back does not pass proto/session.md 9.2: %s" % e) from None
    s.sendall(cs.frame(tx.encrypt(b"", cs.encode_message("ack", {}))))
    s.close()
    check(kind == "card", "wanted a card, got %s" % kind)
    with open(out, "w") as f:
        json.dump({"rs": hs.rs.hex(), "key": identity.hex(), "re": fields["re"].hex(),
                   "offer_id": cs.offer_id(card()).hex()}, f)
    print("card back received")

def case_fingerprint():
    """The prober's fingerprint (docs/identity.md), to find its offer in the inbox."""
    key = cs.ed25519_public(SEED)
    h = hashlib.blake2b(b"wallflower-fingerprint-v1" + key, digest_size=32).digest()
    b32 = base64.b32encode(h[:15]).decode().lower()
    print("-".join(b32[i:i + 4] for i in range(0, 24, 4)))

CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    try:
        CASES[sys.argv[3].replace("-", "_")](*sys.argv[4:])
    except Fail as e:
        print("FAIL:", e)
        sys.exit(1)
    except (OSError, ValueError, KeyError, cs.SessionError, cs.MessageError) as e:
        print("ERROR: %s: %s" % (type(e).__name__, e))
        sys.exit(1)
PY
peer() { timeout 30 python3 "$PEER" "$INTEROP" "$PORT" "$@"; }
# field FILE KEY: a member of a probe's JSON record.
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2"; }

status_ok() { "$WF" status --runtime-dir "$R" >/dev/null 2>&1; }
# daemon LOG: starts wallflowerd and its peer port (start --hidden: no advert wanted, and
# without avahi none could be made); its PID in WFD_PID.
WFD_PID=
daemon() {
	spawn "$T/$1" "$WFD" -d --state-dir "$S" --runtime-dir "$R" --port "$PORT"
	WFD_PID=$LASTPID
	waitfor 5 status_ok || { cat "$T/$1"; bail "wallflowerd did not answer"; }
	"$WF" --state-dir "$S" start --hidden --runtime-dir "$R" >/dev/null || {
		cat "$T/$1"
		bail "wallflower start"
	}
}
# inbox_id FINGERPRINT: the id of the latest offer in the inbox from that fingerprint.
inbox_id() {
	"$WF" --state-dir "$S" inbox --json --runtime-dir "$R" | python3 -c '
import json, sys
ids = [o["id"] for o in json.load(sys.stdin)["offers"] if o.get("fingerprint") == sys.argv[1]]
print(ids[-1] if ids else "")' "$1"
}

"$WF" --state-dir "$S" init >/dev/null || bail "wallflower init"
"$WF" --state-dir "$S" profile set name "Quiet Quinn" >/dev/null || bail "profile set"
"$WF" --state-dir "$S" id --json >"$T/id.json" || bail "wallflower id --json"
diag "the daemon's identity: $(field "$T/id.json" fingerprint)"
daemon wfd1.log
listening() { peer probe "$T/p0.json" >/dev/null; }
waitfor 5 listening || bail "the daemon does not take sessions on port $PORT"

# ---- one start: a bare handshake, then an offer ----

check_say "probe 1: a handshake, nothing sent after it" peer probe "$T/p1.json"
check_say "probe 2: a handshake and an offer asking for a card back" \
	peer probe "$T/p2.json" "$BACK_PORT"
same "probe 2: the offer is answered ack" "$(field "$T/p2.json" answer_kind)" ack
same "probe 1: message 2 is 96 bytes (no payload)" "$(field "$T/p1.json" msg2_len)" 96
same "probe 2: message 2 is 96 bytes (no payload)" "$(field "$T/p2.json" msg2_len)" 96
P1=$(field "$T/p1.json" rs)
P2=$(field "$T/p2.json" rs)
same "two probes within one start see the same presence key" "$P2" "$P1"
check "the presence key is not the identity key" test "$P1" != "$(field "$T/id.json" key)"
FPR=$(peer fingerprint)
ID=$(inbox_id "$FPR")
check "the prober's offer waits in the inbox" test -n "$ID"

# ---- a new start ----

check "wallflower stop" "$WF" --state-dir "$S" stop --runtime-dir "$R"
waitfor 5 sh -c '! kill -0 '"$WFD_PID"' 2>/dev/null'
alive "$WFD_PID" && bail "wallflowerd did not stop"
unset "STARTED[$WFD_PID]"
daemon wfd2.log
waitfor 5 listening || bail "the restarted daemon does not take sessions on port $PORT"
check_say "probe 3: a handshake with the restarted daemon" peer probe "$T/p3.json"
P3=$(field "$T/p3.json" rs)
check "after a new start, a probe sees another presence key" test -n "$P3" -a "$P3" != "$P1"
same "the offer is still in the inbox after the restart" "$(inbox_id "$FPR")" "$ID"

# ---- what all three probes received ----

check_say "nothing received holds the identity key, its fingerprint or a signature by it" \
	peer no-leak "$T/id.json" "$T/p0.json" "$T/p1.json" "$T/p2.json" "$T/p3.json"

# ---- accepting: the daemon reveals itself, to the presence key that made the offer ----

spawn "$T/back.log" python3 "$PEER" "$INTEROP" "$PORT" card-back "$T/back.json" 10 "$BACK_PORT"
BACK_PID=$LASTPID
waitfor 5 grep -q listening "$T/back.log" || bail "the card-back listener did not start"
check "accept the prober's offer" "$WF" --state-dir "$S" accept "${ID:-0}" --runtime-dir "$R"
rc=1
if waitfor 12 sh -c '! kill -0 '"$BACK_PID"' 2>/dev/null'; then
	wait "$BACK_PID"
	rc=$?
	unset "STARTED[$BACK_PID]"
fi
ok "$rc" "the card back arrives and passes every check of proto/session.md 9.2"
sed 's/^/# /' "$T/back.log"
if [ "$rc" = 0 ]; then
	same "it comes from the presence key that received the offer (before the restart)" \
		"$(field "$T/back.json" rs)" "$P1"
	same "its card is the daemon's identity" "$(field "$T/back.json" key)" \
		"$(field "$T/id.json" key)"
	same "its re is the offer's id" "$(field "$T/back.json" re)" "$(field "$T/back.json" offer_id)"
fi

check "the daemon is alive at the end" alive "$WFD_PID"
lo_done
