#!/bin/bash
# wallflowerd's answer rule (proto/session.md 9.5) tried from outside by hostile senders
# (issue 11, findings 1, 2, 3, 4 and 7). Prints TAP.
#
# - Finding 1: a contact that renames itself to a stranger's fingerprint does not make the
#   stranger a contact: the stranger's offer waits in the inbox.
# - Finding 2: a sender cannot tell what the user decided: an offer left undecided,
#   declined, blocked or accepted is followed by the same answers (4 acks, then busy).
# - Finding 7: eight throwaway keys from one address take four places, a new sender from
#   another address still gets in, the inbox names the crowded address and one command
#   drops its offers; status counts what was held back.
# - Finding 4: an offer whose card expired while it waited cannot be accepted.
# - Finding 3: a contact sending newer cards meets the same limit as anyone (and a repeat
#   of an offer already taken is still ack).
# - Finding 11: an offer from another key under a contact's name shows the sender's own
#   fingerprint and a warning naming the contact.
#
# The senders are Python, built on the independent implementation of the protocol in
# tests/interop (check_session.py). Everything runs in a fresh network namespace with
# only a loopback: each sender binds its own address of 127.0.0.0/8, so the per-address
# limits of one case do not touch another; a private tmpfs on /run and no system bus mean
# no avahi. The script re-executes itself under unshare for that; it skips (exit 77) when
# it is not root or unshare is not permitted.
#
# Usage: test_abuse_intake.sh BUILD_DIR (WF_KEEP=1 keeps the work dir, with the daemon's log)
set -u

BUILD=${1:?usage: test_abuse_intake.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/lo.sh"
lo_enter intake "$BUILD"
S=$T/state
R=$T/run
PEER=$T/peer.py
PORT=7421

# ---- the senders ----

# One Python process plays every sender and reads the daemon's JSON, taking one command per
# line (shell words) and answering one line each: the machine is shared, and starting
# Python with its crypto for each request would take most of the time budget.
cat >"$PEER" <<'PY'
# python3 peer.py INTEROP_DIR PORT WALLFLOWER STATE_DIR RUNTIME_DIR: commands on stdin.
import base64, hashlib, json, os, shlex, socket, subprocess, sys, time

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import check_session as cs  # noqa: E402

PORT = int(sys.argv[2])
WF, STATE, RUN = sys.argv[3:6]
TIMEOUT = 5.0

def seed_of(who):
    return hashlib.sha256(b"test_abuse_intake " + who.encode()).digest()

def fingerprint(who):
    """docs/identity.md: BLAKE2b-256 of the tag and the key, 15 bytes, base32, 6 x 4."""
    key = cs.ed25519_public(seed_of(who))
    h = hashlib.blake2b(b"wallflower-fingerprint-v1" + key, digest_size=32).digest()
    b32 = base64.b32encode(h[:15]).decode().lower()
    return "-".join(b32[i:i + 4] for i in range(0, 24, 4))

def make_card(who, name, rev=1, expires=None, org=None, topics=()):
    """A card (proto/card.md 7.1, canonical key order 7.4), signed with who's seed."""
    seed = seed_of(who)
    entries = [(b"v", cs.enc_uint(1)), (b"key", cs.enc_bin(cs.ed25519_public(seed))),
               (b"rev", cs.enc_uint(rev)), (b"issued", cs.enc_uint(int(time.time()))),
               (b"name", cs.enc_str(name.encode()))]
    if org:
        entries.append((b"org", cs.enc_str(org.encode())))
    if topics:
        entries.append((b"topics", bytes([0x90 | len(topics)]) +
                        b"".join(cs.enc_str(t.encode()) for t in topics)))
    if expires is not None:
        entries.append((b"expires", cs.enc_uint(expires)))
    payload = bytes([0x80 | len(entries)]) + b"".join(cs.enc_str(k) + v for k, v in entries)
    sig = cs.ed25519_sign(seed, b"wallflower-card-v1" + payload)
    return b"\x92" + cs.enc_bin(payload) + b"\xc4\x40" + sig

def recv_frame(s, inbox):
    return inbox.receive(s, TIMEOUT)

def rk_of(who):
    """who's recognition key (proto/session.md 6.4), sent with every request."""
    return hashlib.sha256(b"test_abuse_intake rk " + who.encode()).digest()

def offer(src, who, card):
    """One session from src as who, with a fresh presence key: handshake, an offer of card
    (no reply asked) with who's handover signature over this session's hash, the answer as
    a word: ack, busy (error 5), or error-N."""
    seed = seed_of(who)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((src, 0))
        s.settimeout(TIMEOUT)
        s.connect(("127.0.0.1", PORT))
        hs = cs.Handshake(os.urandom(32), os.urandom(32))
        inbox = cs.Inbox()
        s.sendall(cs.frame(hs.write_message_1()))
        hs.read_message_2(recv_frame(s, inbox))
        s.sendall(cs.frame(hs.write_message_3()))
        tx, rx, h = hs.split()
        request = cs.make_request("offer", seed, h, card, rk_of(who), reply=False)
        s.sendall(cs.frame(tx.encrypt(b"", request)))
        kind, fields = cs.decode_message(rx.decrypt(b"", recv_frame(s, inbox)))
    finally:
        s.close()
    if kind == "ack":
        return "ack"
    if kind == "error" and fields.get("code") == 5:
        return "busy"
    return "%s-%s" % (kind, fields.get("code"))

def wf_json(*args, runtime=True):
    cmd = [WF, "--state-dir", STATE] + list(args) + ["--json"]
    if runtime:
        cmd += ["--runtime-dir", RUN]
    doc = json.loads(subprocess.run(cmd, check=True, capture_output=True).stdout)
    if list(doc)[:1] != ["schema"] or doc["schema"] != 1:
        raise ValueError("not a schema 1 document: %.200r" % doc)
    return doc

# ---- commands: each answers one line ----

def cmd_fp(who):
    """The fingerprint of who's key."""
    return fingerprint(who)

def cmd_revs(src, who, name, first, last, *opt):
    """Offers of who's card at revisions first..last from src, one session each; the
    answers. opt: "expires=SECONDS_FROM_NOW"; "repeat": then the first card again."""
    expires = None
    for o in opt:
        if o.startswith("expires="):
            expires = int(time.time()) + int(o[8:])
    sent = [make_card(who, name, rev, expires, "Org %d" % rev, ("topic-%d" % rev,))
            for rev in range(int(first), int(last) + 1)]
    got = [offer(src, who, c) for c in sent]
    if "repeat" in opt:
        got.append("repeat:" + offer(src, who, sent[0]))
    return " ".join(got)

def cmd_keys(src, prefix, n):
    """n throwaway keys from src, one offer each; the answers."""
    return " ".join(offer(src, "%s %d" % (prefix, i),
                          make_card("%s %d" % (prefix, i), "Throwaway %d" % i))
                    for i in range(int(n)))

def cmd_cardfile(who, name, path):
    """who's card at revision 1, to a file, for `wallflower import`."""
    with open(path, "wb") as f:
        f.write(make_card(who, name))
    return path

def cmd_offer_id(who):
    """The id of who's latest offer in the inbox, or "none"."""
    ids = [o["id"] for o in wf_json("inbox")["offers"] if o["fingerprint"] == fingerprint(who)]
    return ids[-1] if ids else "none"

def cmd_same_name(who):
    """same_name_as of who's latest offer in the inbox, or "none"."""
    got = [o.get("same_name_as", "none") for o in wf_json("inbox")["offers"]
           if o["fingerprint"] == fingerprint(who)]
    return got[-1] if got else "none"

def cmd_inbox_count():
    return len(wf_json("inbox")["offers"])

def cmd_contact(who, *path):
    """A member of who's entry in `contacts --json` (path: keys), or "none"."""
    for c in wf_json("contacts", runtime=False)["contacts"]:
        if c["fingerprint"] == fingerprint(who):
            for k in path:
                c = c[k]
            return c
    return "none"

def cmd_held(*path):
    """A member of held_back in `status --json`, 0 when absent."""
    v = wf_json("status").get("held_back", {})
    for k in path:
        v = v.get(k, 0) if isinstance(v, dict) else 0
    return v

CMDS = {k[4:]: v for k, v in globals().items() if k.startswith("cmd_")}

for line in sys.stdin:
    words = shlex.split(line)
    if not words:
        break
    try:
        out = CMDS[words[0]](*words[1:])
    except Exception as e:  # the line tells the test; the next command still runs
        out = "ERROR: %s: %s" % (type(e).__name__, e)
    print(str(out).replace("\n", " "), flush=True)
PY

coproc DRIVER { exec timeout 120 python3 "$PEER" "$INTEROP" "$PORT" "$WF" "$S" "$R" 2>&1; }
started "$DRIVER_PID"
# drive CMD ARGS...: sends the command and sets D to its one-line answer ("" when none came).
D=
drive() {
	D=
	[ -n "${DRIVER[1]:-}" ] || return 1
	printf '%q ' "$@" >&"${DRIVER[1]}" && echo >&"${DRIVER[1]}" || return 1
	read -r -t 40 D <&"${DRIVER[0]}" || return 1
}

wf() { "$WF" --state-dir "$S" "$@"; }
wfr() { "$WF" --state-dir "$S" "$@" --runtime-dir "$R"; }

status_ok() { "$WF" status --runtime-dir "$R" >/dev/null 2>&1; }

# ---- the daemon, with the default limits ----

wf init --name "Ada Lovelace" >/dev/null || bail "wallflower init"
"$WFD" -d --state-dir "$S" --runtime-dir "$R" --port "$PORT" </dev/null >"$T/wfd.log" 2>&1 &
started $!
WFD_PID=$!
waitfor 5 status_ok || { cat "$T/wfd.log"; bail "wallflowerd did not answer"; }
# The peer port opens on `start` (src/daemon/main.c, wfd_start); --hidden: no advert wanted,
# and without avahi none could be made.
wfr start --hidden >/dev/null || { cat "$T/wfd.log"; bail "wallflower start"; }
drive fp mallory || bail "the Python driver does not answer"
MALLORY=$D
[ ${#MALLORY} = 29 ] || bail "the Python driver: $MALLORY"
WANT="ack ack ack ack busy busy busy busy"

# ---- finding 1: a contact renamed to a stranger's fingerprint ----

drive revs 127.0.1.1 grace "Grace Hopper" 1 1
same "finding 1: Grace's offer: ack" "$D" ack
drive offer_id grace
check "finding 1: Ada accepts Grace's offer" wfr accept "$D"
drive contact grace fields name
same "finding 1: Grace is a contact" "$D" "Grace Hopper"
drive revs 127.0.1.1 grace "$MALLORY" 2 2
same "finding 1: Grace's newer card, named with Mallory's fingerprint: ack" "$D" ack
drive contact grace fields name
same "finding 1: Grace's contact now bears that name (the attack is set up)" "$D" "$MALLORY"
drive revs 127.0.1.2 mallory "Mallory" 1 1
same "finding 1: then Mallory's offer: ack" "$D" ack
drive offer_id mallory
check "finding 1: Mallory waits in the inbox" test "$D" != none
drive contact mallory fingerprint
same "finding 1: Mallory is not a contact (no accept made it one)" "$D" none

# ---- finding 2: the sender cannot tell the decision ----

# One sender per decision, each from its own address: rev 1, the decision, then rev 2..8.
declare -A SEQ=()
i=0
for d in undecided declined blocked accepted; do
	i=$((i + 1))
	drive revs "127.0.2.$i" "sam $d" "Sam $d" 1 1
	first=$D
	drive offer_id "sam $d"
	id=$D
	case $d in
	undecided) rc=0 ;;
	declined) wfr decline "$id" >/dev/null; rc=$? ;;
	blocked) wfr block "$id" >/dev/null; rc=$? ;;
	accepted) wfr accept "$id" >/dev/null; rc=$? ;;
	esac
	ok "$rc" "finding 2: offer $id from Sam $d, then $d"
	drive revs "127.0.2.$i" "sam $d" "Sam $d" 2 8
	SEQ[$d]="$first $D"
	diag "answers to Sam $d, rev 1..8: ${SEQ[$d]}"
done
drive contact "sam accepted" rev
same "finding 2: the accepted Sam is a contact, at rev 4 (the decision took effect)" "$D" 4
drive contact "sam blocked" rev
same "finding 2: the blocked Sam is not" "$D" none
for d in declined blocked accepted; do
	same "finding 2: $d looks like undecided to the sender" "${SEQ[$d]}" "${SEQ[undecided]}"
done
same "finding 2: and that is 4 acks, then busy" "${SEQ[undecided]}" "$WANT"

# ---- finding 7: throwaway keys from one address ----

drive held busy
BUSY0=$D
drive held by "identities at one address"
KEYS0=$D
drive keys 127.0.4.1 throwaway 8
same "finding 7: 8 throwaway keys from 127.0.4.1: 4 acks, then busy" "$D" "$WANT"
drive revs 127.0.4.2 newcomer "Nia Newcomer" 1 1
same "finding 7: a new key from 127.0.4.2 still gets ack" "$D" ack
INBOX=$(wfr inbox)
grep -q "4 offers came from 127.0.4.1; 'wallflower decline --from-address 127.0.4.1'" \
	<<<"$INBOX"
RC=$?
ok "$RC" "finding 7: inbox names the crowded address and the command that drops it"
[ "$RC" = 0 ] || sed 's/^/# inbox: /' <<<"$INBOX"
drive inbox_count
N0=$D
check "finding 7: decline --from-address 127.0.4.1" wfr decline --from-address 127.0.4.1
drive inbox_count
same "finding 7: that drops its 4 offers (inbox $N0 -> $D)" "$((N0 - D))" 4
drive offer_id newcomer
check "finding 7: the newcomer's offer stays" test "$D" != none
drive held busy
BUSY1=$D
drive held by "identities at one address"
KEYS1=$D
diag "status held_back.busy $BUSY0 -> $BUSY1, 'identities at one address' $KEYS0 -> $KEYS1"
check "finding 7: status --json reports them held back (busy +4 or more)" \
	test "$((BUSY1 - BUSY0))" -ge 4
check "finding 7: under 'identities at one address'" test "$((KEYS1 - KEYS0))" -ge 4

# ---- finding 4 (first half): an offer whose card expires in 4 s ----

# Looking at the inbox drops expired offers (src/daemon/commands.c), so from here until the
# accept nothing lists it: finding 3 below only reads contacts.
drive revs 127.0.3.1 eve "Eve Expiring" 1 1 expires=4
T_EXP=$SECONDS
same "finding 4: an offer whose card expires in 4 s is taken (ack)" "$D" ack
drive offer_id eve
EVE_ID=$D
check "finding 4: it waits in the inbox" test "$EVE_ID" != none

# ---- finding 3: a contact's flood of newer cards ----

# Ida is imported from a card file, so that none of her requests is in the ledger yet.
drive cardfile ida "Ida Importer" "$T/ida.card"
check "finding 3: Ada imports Ida's card" wf import "$T/ida.card"
drive revs 127.0.5.1 ida "Ida Importer" 2 11 repeat
same "finding 3: 10 newer cards from a contact: 4 acks, then busy; a repeat is ack" "$D" \
	"$WANT busy busy repeat:ack"
drive contact ida rev
same "finding 3: the contact's card is the last one taken (rev 5)" "$D" 5
drive fp ida
check "finding 3: contacts still works" wf contacts
check "finding 3: show still works" wf show "${D:0:9}"

# ---- finding 11: a stranger using a contact's name is shown as such ----

IDA_FP=$D
drive revs 127.0.6.1 not-ida "Ida Importer" 1 1
same "finding 11: another key named like a contact gets ack" "$D" ack
drive same_name not-ida
same "finding 11: its offer names the contact whose name it uses" "$D" "$IDA_FP"
drive fp not-ida
NOT_IDA_FP=$D
INBOX=$(wfr inbox)
# a row of the inbox table: id, name, the start of the fingerprint, where it came from
grep -Eq "^ *[0-9]+  Ida Importer +${NOT_IDA_FP:0:9}  127\.0\.6\.1\$" <<<"$INBOX"
ok $? "finding 11: inbox shows the sender's own fingerprint and address"
grep -q "! not the Ida Importer in your contacts (${IDA_FP:0:9})" <<<"$INBOX"
ok $? "finding 11: and warns that it is not the contact of that name"

# ---- finding 4 (second half): the card has expired ----

while ((SECONDS - T_EXP < 6)); do sleep 0.2; done
OUT=$(wfr accept "$EVE_ID" 2>&1)
RC=$?
diag "accept $EVE_ID: $OUT"
check "finding 4: accept of the expired offer fails" test "$RC" -ne 0
check "finding 4: saying it has expired" grep -q "has expired" <<<"$OUT"
drive contact eve fingerprint
same "finding 4: Eve is not a contact" "$D" none
drive offer_id eve
same "finding 4: nor in the inbox" "$D" none

check "finding 7: decline --all" wfr decline --all
drive inbox_count
same "finding 7: that empties the inbox" "$D" 0

check "the daemon is alive at the end" alive "$WFD_PID"
lo_done
