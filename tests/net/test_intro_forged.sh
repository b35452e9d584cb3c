#!/bin/bash
# Forged introductions against wallflowerd from the outside (proto/introduction.md,
# proto/session.md 9.5 and 9.8), by a hostile peer written on the independent
# implementations in tests/interop (check_session.py: Noise, framing, messages;
# check_intro.py: the objects), never on src/lib. Linus is a state dir and a running
# daemon; Grace, Ada and Mallory are Python identities from fixed seeds, and Grace is
# Linus's contact (her card imported). A genuine intro of Ada by Grace, with Ada's ask as
# the consent, is answered ack and waits in Linus's inbox. Then every forgery is refused
# with error 9 bad-intro and its verdict token, and the inbox does not change; what the
# quiet rules take and drop (a repeat, an intro by a stranger, a reply to an ask Linus
# never made) is answered ack, byte for byte as the genuine one, and changes neither the
# inbox nor the contacts; Grace's fifth counted request in the window is answered busy; the
# daemon is still there at the end. Everything runs in a fresh network namespace with only
# a loopback (tests/net/lo.sh): no avahi, nothing leaves it. Skips (exit 77) when not root.
# Prints TAP.
#
# Usage: test_intro_forged.sh BUILD_DIR (WF_KEEP=1 keeps the work dir, with the logs)
set -u

BUILD=${1:?usage: test_intro_forged.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/lo.sh"
lo_enter intro-forged "$BUILD"
S=$T/linus
R=$T/run
PEER=$T/peer.py
OBJ=$T/obj
PORT=7442
mkdir -p "$OBJ"

cat >"$PEER" <<'PY'
# python3 peer.py INTEROP card DIR: Grace's card in DIR/grace.card.
# python3 peer.py INTEROP make DIR LINUS_KEY_HEX LINUS_ASK_TEXT: every object of the test,
#   made now, one file NAME.obj each in DIR, and NAME.want: the verdict check_intro.py
#   reaches for it at Linus (or, for the reply's intro, at Ada); prints "NAME VERDICT".
# python3 peer.py INTEROP send PORT DIR NAME...: for each NAME in turn, one session as the
#   initiator on loopback with the request {t: intro, obj: DIR/NAME.obj's bytes}; prints
#   "NAME|ANSWER|HEX": ANSWER "ack", "error CODE [MSG]" or "nothing: WHY", HEX the answer's
#   plaintext. (One process for several sessions: python3 starts slowly.)
import os, socket, sys, time

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import check_intro as ci  # noqa: E402
import check_session as cs  # noqa: E402

CARD_ISSUED = 1700000000  # fixed: the cards are the same bytes in every run
grace = ci.Person("Grace Hopper", CARD_ISSUED)
ada = ci.Person("Ada Lovelace", CARD_ISSUED)
mallory = ci.Person("Mallory Mallet", CARD_ISSUED)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def make(out, linus_key, ask_text):
    T = int(time.time())
    for_ = {"for": "people who write kernels"}
    # Ada's consent, to Grace and (the copy a hostile hub may hold) to Mallory.
    ask = ada.make("ask", grace, T - 60, reply=True, rk=ada.rk, **for_)
    ask_m = ada.make("ask", mallory, T - 60, reply=True, rk=ada.rk, **for_)
    ask_end = T - 60 + ci.INTRO_TTL
    # Linus's own ask to Grace, made by a copy of his state dir: his real daemon never
    # recorded it.
    blocks = ci.read_armor(ask_text)
    if len(blocks) != 1 or blocks[0]["verdict"] != "ok":
        sys.exit(f"no ask in Linus's text: {blocks!r}")
    lask = blocks[0]["data"]
    lask_obj = ci.check_object(lask, grace.key, T)
    if lask_obj.signer != linus_key or lask_obj.fields.get("reply") is not True:
        sys.exit("Linus's ask is not his, or wants no reply")
    lask_end = lask_obj.expires

    def intro(to=linus_key, issued=T, expires=ask_end, note="Ada writes programs", **f):
        return grace.make("intro", to, issued, expires=expires, note=note, **f)

    genuine = intro(consent=ask)
    objs = {
        "genuine": genuine,
        # Grace's payload, Mallory's signature.
        "signer": ci.sign_payload(mallory.seed, ci.encode_payload(
            {"k": "intro", "from": grace.card, "to": linus_key, "issued": T,
             "expires": ask_end, "note": "signed by Mallory", "consent": ask})),
        "recipient": intro(to=mallory.key, consent=ask),
        "expired": intro(issued=T - 7200, expires=T - 3600, consent=ask),
        "not-yet": intro(issued=T + 86400, expires=T + 86400 + 3600, consent=ask),
        "card-no-fwd": intro(card=ada.card),
        "other-hub": intro(consent=ask_m),
        "outlives": intro(expires=ask_end + 1, consent=ask),
        "damaged": genuine[:-1],
        "self": intro(expires=lask_end, note="meet yourself", consent=lask),
        "stranger": mallory.make("intro", linus_key, T, expires=ask_end,
                                 note="from a stranger", consent=ask_m),
    }
    # A reply to Linus's ask, by Ada, answering Grace's intro of Linus to her.
    lintro = intro(to=ada.key, expires=lask_end, note="meet Linus", consent=lask)
    objs["reply"] = ada.make("reply", linus_key, T, rk=ada.rk, re=lintro)
    for i in range(1, 5):
        objs[f"more{i}"] = intro(note=f"Ada again, {i}", consent=ask)
    wants = {"lintro": ci.verdict_of(lintro, ada.key, T)[0]}
    for name, data in objs.items():
        write(os.path.join(out, name + ".obj"), data)
        wants[name] = ci.verdict_of(data, linus_key, T)[0]
    for name, verdict in wants.items():
        print(name, verdict)


def send(port, data):
    hs = cs.Handshake(os.urandom(32), os.urandom(32))  # a fresh presence key each time
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    inbox = cs.Inbox()
    try:
        s.sendall(cs.frame(hs.write_message_1()))
        hs.read_message_2(inbox.receive(s, 10))
        m3 = hs.write_message_3()
        out, back, _ = hs.split()
        req = cs.enc_map([(b"t", cs.enc_str(b"intro")), (b"obj", cs.enc_bin(data))])
        s.sendall(cs.frame(m3) + cs.frame(out.encrypt(b"", req)))
        plain = back.decrypt(b"", inbox.receive(s, 30))
    except (cs.SessionError, OSError) as e:
        return f"nothing: {e}", ""
    finally:
        s.close()
    try:
        kind, fields = cs.decode_message(plain)
    except cs.MessageError as e:
        return f"nothing: an answer that does not decode ({e})", plain.hex()
    if kind == "error":
        words = ["error", str(fields["code"])] + ([fields["msg"]] if "msg" in fields else [])
        return " ".join(words), plain.hex()
    return kind, plain.hex()


cmd = sys.argv[2]
if cmd == "card":
    write(os.path.join(sys.argv[3], "grace.card"), grace.card)
elif cmd == "make":
    with open(sys.argv[5], encoding="utf-8") as f:
        make(sys.argv[3], bytes.fromhex(sys.argv[4]), f.read())
elif cmd == "send":
    for name in sys.argv[5:]:
        with open(os.path.join(sys.argv[4], name + ".obj"), "rb") as f:
            answer, plain = send(int(sys.argv[3]), f.read())
        print(f"{name}|{answer}|{plain}", flush=True)
PY
peer() { timeout 60 python3 "$PEER" "$INTEROP" "$@"; }
# send NAME...: one session for each NAME.obj, in turn; the answers in ANS[NAME] and their
# plaintexts (hex) in HEX[NAME].
declare -A ANS=() HEX=()
send() {
	local line name rest
	for name in "$@"; do ANS[$name]="nothing: the peer failed" HEX[$name]=; done
	while IFS= read -r line; do
		name=${line%%|*} rest=${line#*|}
		ANS[$name]=${rest%%|*} HEX[$name]=${rest#*|}
	done < <(peer send "$PORT" "$OBJ" "$@" 2>&1)
}
ACK=81a174a361636b # proto/session.md 7.3: an ack is always these 7 bytes

wf() { "$WF" --state-dir "$S" "$@"; }
status_ok() { "$WF" status --runtime-dir "$R" >/dev/null 2>&1; }
# inbox_ids: the inbox's entries, one "id kind name introduced_by" a line, sorted.
inbox_ids() {
	wf inbox --json --runtime-dir "$R" | python3 -c '
import json, sys
for o in json.load(sys.stdin)["offers"]:
    by = (o.get("introduced_by") or {}).get("name")
    print(o["id"], o["kind"], json.dumps(o["name"]), json.dumps(by))' | sort
}
contact_keys() {
	wf contacts --json | python3 -c '
import json, sys
print(" ".join(sorted(c["key"] for c in json.load(sys.stdin)["contacts"])))'
}

# ---- Linus, Grace his contact, and the objects ----

wf init --name "Linus Torvalds" >/dev/null || bail "wallflower init"
LINUS=$(wf id --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])') ||
	bail "wallflower id --json"
peer card "$T" || bail "cannot make Grace's card"
wf import "$T/grace.card" >/dev/null || bail "wallflower import grace.card"
# An ask of Linus's that his daemon never made: a copy of his state dir makes it (as a
# second machine with his keys would), and the copy is then thrown away.
cp -a "$S" "$T/linus-copy"
"$WF" --state-dir "$T/linus-copy" ask "Grace Hopper" --for "people who write kernels" \
	--armor -o "$T/linus-ask.txt" --runtime-dir "$T/run-copy" >/dev/null 2>&1 ||
	bail "wallflower ask (in the copy)"
rm -rf "$T/linus-copy"
CONTACTS0=$(contact_keys)

spawn "$T/wfd.log" "$WFD" -d --state-dir "$S" --runtime-dir "$R" --port "$PORT"
WFD_PID=$LASTPID
waitfor 5 status_ok || { cat "$T/wfd.log"; bail "wallflowerd did not answer"; }
wf start --hidden --runtime-dir "$R" >/dev/null || bail "wallflower start"

# Made now, once: a repeat is then the same bytes.
peer make "$OBJ" "$LINUS" "$T/linus-ask.txt" >"$T/wants" || bail "cannot make the objects"
want() { awk -v n="$1" '$1 == n { print $2 }' "$T/wants"; }
# The peer's own implementation must agree with what the test expects of each object,
# or the test would prove nothing.
for pair in genuine:ok signer:bad-signature recipient:not-for-you expired:expired \
	not-yet:not-yet card-no-fwd:no-consent other-hub:no-consent outlives:mismatch \
	damaged:malformed self:mismatch stranger:ok lintro:ok reply:ok more1:ok more4:ok; do
	same "check_intro.py: ${pair%%:*} is ${pair#*:}" "$(want "${pair%%:*}")" "${pair#*:}"
done

# ---- a genuine intro ----

check "Grace is Linus's one contact" sh -c "echo '$CONTACTS0' | grep -Eqx '[0-9a-f]{64}'"
send genuine
same "a genuine intro by Grace is answered ack" "${ANS[genuine]}" ack
INBOX1=$(inbox_ids)
diag "inbox: $INBOX1"
same "the inbox holds one entry" "$(printf '%s\n' "$INBOX1" | grep -c .)" 1
same "an intro of Ada Lovelace by Grace Hopper" \
	"$(printf '%s\n' "$INBOX1" | cut -d' ' -f2-)" 'intro "Ada Lovelace" "Grace Hopper"'
ACK1=${HEX[genuine]}

# ---- forgeries: error 9, the verdict token, nothing changes ----

send signer recipient expired not-yet card-no-fwd other-hub outlives damaged self
forged() { same "$2: refused bad-intro $3" "${ANS[$1]}" "error 9 $3"; }
forged signer "Grace's intro signed by Mallory" bad-signature
forged recipient "Grace's intro to someone else" not-for-you
forged expired "an expired intro" expired
forged not-yet "an intro issued a day ahead" not-yet
forged card-no-fwd "an intro of Ada's card without fwd" no-consent
forged other-hub "an intro on Ada's ask to Mallory" no-consent
forged outlives "an intro that outlives its consent" mismatch
forged damaged "a genuine intro cut by one byte" malformed
forged self "an intro of Linus to himself" mismatch
same "after the nine forgeries the inbox is unchanged" "$(inbox_ids)" "$INBOX1"

# ---- the quiet rules: ack, and nothing to see ----

send genuine
same "the genuine intro again is answered ack" "${ANS[genuine]}" ack
same "the inbox still holds one entry" "$(inbox_ids)" "$INBOX1"
send stranger
same "an intro by Mallory, a stranger, is answered ack" "${ANS[stranger]}" ack
same "and the inbox is unchanged" "$(inbox_ids)" "$INBOX1"
send reply
same "a reply to an ask Linus never made is answered ack" "${ANS[reply]}" ack
same "and Linus's contacts are unchanged" "$(contact_keys)" "$CONTACTS0"
same "and the inbox is unchanged" "$(inbox_ids)" "$INBOX1"
same "the first answer is the ack's 7 bytes" "$ACK1" "$ACK"
for n in genuine stranger reply; do
	same "the answer to $n is the same bytes" "${HEX[$n]}" "$ACK"
done

# ---- the per-identity limit: the repeat was not counted ----

send more1 more2 more3 more4 genuine
for i in 1 2 3; do
	same "Grace's intro $((i + 1)) of 4 in the window is answered ack" "${ANS[more$i]}" ack
done
same "her fifth is answered busy (5)" "${ANS[more4]}" "error 5"
same "a repeat is still answered ack at the limit" "${ANS[genuine]}" ack

# ---- the daemon survived ----

check "wallflowerd is still running" alive "$WFD_PID"
check "and answers wallflower status" status_ok
check "its log shows no crash" sh -c "! grep -Ei 'sanitizer|runtime error|segmentation|abort|assert|fatal' '$T/wfd.log'"
[ "$FAILED" -eq 0 ] || { diag "wallflowerd's log:"; sed 's/^/#   /' "$T/wfd.log" | tail -n 60; }

lo_done
