#!/bin/sh
# End-to-end tests of correcting and taking back: import of several files and '-', met,
# sent, blocked, unblock and forget, with real cards between real state directories.
# forget is checked where it matters: the forgotten person's bytes are gone from the
# database file and its write-ahead log while another connection keeps the store open
# (as wallflowerd would). Golden text and JSON in tests/cli/golden, with fingerprints,
# keys and the temporary directory replaced by placeholders. TAP output.
# Arguments: the wallflower binary, the source root.
set -u
WF=$1
SRC=$2
GOLDEN=$SRC/tests/cli/golden
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfforget.XXXXXX")
HOLDER=
cleanup() {
	[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
unset WALLFLOWER_STATE_DIR XDG_DATA_HOME
export HOME=$TMP/home LC_ALL=C.UTF-8 TZ=UTC
n=0
failed=0

. "$(dirname "$0")/tap.sh"
# golden FILE: $TMP/out, with what varies replaced, is FILE.
golden() {
	sed -E -e "s|$TMP|TMP|g" -e 's/[a-z2-7]{4}(-[a-z2-7]{4}){5}/FPR/g' \
		-e 's/"key": "[0-9a-f]{64}"/"key": "KEY"/' "$TMP/out" >"$TMP/norm"
	# WF_GOLDEN_UPDATE=1 writes the golden files anew (then read the diff before committing).
	[ -n "${WF_GOLDEN_UPDATE:-}" ] && cp "$TMP/norm" "$GOLDEN/$1"
	if diff -u "$GOLDEN/$1" "$TMP/norm" >"$TMP/diff"; then return 0; else sed 's/^/# /' "$TMP/diff"; return 1; fi
}
sql() { sqlite3 "$ME/wallflower.db" "$1"; }
# in_store BYTES: the database file or its log holds BYTES.
in_store() { grep -q -a -F -- "$1" "$ME/wallflower.db" "$ME/wallflower.db-wal" 2>/dev/null; }

command -v sqlite3 >/dev/null || { echo "1..0 # SKIP: sqlite3 is not installed"; exit 0; }

person() { # DIR NAME ORG TOPIC
	"$WF" --state-dir "$TMP/$1" init --name "$2" >/dev/null &&
	"$WF" --state-dir "$TMP/$1" profile set org "$3" &&
	"$WF" --state-dir "$TMP/$1" profile add topics "$4" &&
	"$WF" --state-dir "$TMP/$1" card -o "$TMP/$1.card" >/dev/null
}
check "Zelda makes a card" person zelda "Zelda Quixotefinch" "Quixote Widgets" "zebra telemetry"
check "Bo makes a card" person bo "Bo Builder" "Engines" "wikis"
check "Cy makes a card" person cy "Cy Young" "Engines" "wikis"
ME=$TMP/me
export WALLFLOWER_STATE_DIR=$ME
check "I start" wf 0 init --name "Me Myself"

# ---- import: several files, '-', a bad one among them, a card already known ----

check "import two files" wf 0 import "$TMP/zelda.card" "$TMP/bo.card" --event "Quixote Summit"
check "one line per file, named" golden import-two.txt
check "import from standard input" sh -c "'$WF' import - <'$TMP/cy.card' >'$TMP/out'"
check "one file: no name before the line" golden import-stdin.txt
check "'-' twice is a usage error" wf 2 import - - --event X
check "import a card already known at an event" wf 0 import "$TMP/bo.card" --event "Meetup"
check "says it has the card, and recorded the meeting" golden import-known.txt
check "the same again: the meeting is already there" wf 0 import "$TMP/bo.card" --event "Meetup"
check "says so" has "meeting at Meetup already recorded today"
printf 'not a card' >"$TMP/junk.card"
check "a bad file among good ones: exit 1" wf 1 import "$TMP/junk.card" "$TMP/bo.card" "$TMP/no-such.card"
check "the bad ones are named" sh -c "grep -q 'junk.card: invalid card' '$TMP/err' && grep -q 'no-such.card' '$TMP/err'"
check "the good one is still done" has "bo.card: Already have"
check "three contacts" sh -c "'$WF' contacts | wc -l | grep -qx 3"

# ---- met ----

check "met needs --event" wf 2 met "Bo Builder"
check "met refuses a future day" wf 2 met "Bo Builder" --event Conf --on 2999-01-01
check "met refuses a day that is not one" wf 2 met "Bo Builder" --event Conf --on 2020-02-30
check "met with nobody" wf 1 met Nobody --event Conf
check "met on a day" wf 0 met "Bo Builder" --event "Conf" --on 2020-01-02
check "met text" golden met.txt
check "another day at the same event is another meeting" wf 0 met "Bo Builder" --event Conf --on 2020-01-03 --via Zelda --json
check "met JSON" golden met.json
check "the same day again is the same meeting" wf 0 met "Bo Builder" --event Conf --on 2020-01-03
check "says already recorded" has "^Already recorded: you met "Bo Builder" Builder at Conf on 2020-01-03"
check "show lists both meetings at Conf, once each" sh -c "'$WF' show "Bo Builder" | grep -c 'at Conf' | grep -qx 2"
check "show says who introduced Bo" sh -c "'$WF' show "Bo Builder" | grep -q 'via.*Zelda Quixotefinch'"
check "nobody introduces themself" wf 1 met "Bo Builder" --event Conf --via "Bo Builder"
# One introducer per contact, the first: another is not taken, and the reply says who is.
check "a second introducer" wf 0 met "Bo Builder" --event Conf --on 2020-01-03 --via "Cy Young" --json
check "is not taken: the JSON names the first" python3 -c "import json; d=json.load(open('$TMP/out')); assert d['introduced_by'] == 'Zelda Quixotefinch', d"
check "and show still names her" sh -c "'$WF' show "Bo Builder" | grep -q 'via.*Zelda Quixotefinch'"
check "the text says so" wf 0 met "Bo Builder" --event Conf --on 2020-01-03 --via "Cy Young"
check "in those words" has "^Zelda Quixotefinch introduced you, as recorded before; that stays"

# ---- sent: empty, then a fixed outbox ----

check "sent with no offers" wf 0 sent
check "prints nothing on stdout" test ! -s "$TMP/out"
check "says why on stderr" err_has "not offered your card"
check "sent --json with no offers" wf 0 sent --json
check "empty offers JSON" golden sent-empty.json
# The outbox is the daemon's to fill (the demo shows a real one); here, fixed rows.
sql "INSERT INTO outbox (target, peer_static, envelope, offer_id, note, event, reply, state, tries, created, expires, reason) VALUES
	('grace', zeroblob(32), x'00', randomblob(32), 'Loved your talk', 'Intranet Now', 1, 'answered', 1, 1796342400, 1796428800, NULL),
	('linus', NULL, x'00', randomblob(32), NULL, 'Intranet Now', 1, 'failed', 3, 1796346000, 1796349600, 'not seen nearby before the deadline'),
	('sam', NULL, x'00', randomblob(32), 'later', NULL, 0, 'pending', 0, 1796349600, 1796436000, NULL)"
check "sent lists them" wf 0 sent
check "sent text" golden sent.txt
check "sent --json" wf 0 sent --json
check "sent JSON" golden sent.json

# ---- blocked and unblock ----

check "blocked with nobody" wf 0 blocked
check "prints nothing on stdout" test ! -s "$TMP/out"
check "blocked --json with nobody" wf 0 blocked --json
check "empty blocked JSON" golden blocked-empty.json
check "unblock a malformed fingerprint: usage" wf 2 unblock abcd
check "unblock refuses a fingerprint prefix" wf 2 unblock "$("$WF" contacts --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["contacts"][0]["fingerprint"][:9])')"
check "unblock with a quoted control character" wf 2 unblock "$(printf 'x\033[2J')"
check "the error quotes it safely" sh -c "! grep -q \"\$(printf '\\033')\" '$TMP/err'"
check "unblock nobody blocked" wf 1 unblock aaaa-aaaa-aaaa-aaaa-aaaa-aaaa
# Blocking happens in the daemon (tests/net/test_daemon.sh blocks for real); here, rows:
# one from an offer (with the card's name) and one without a name, for a contact.
cykey=$("$WF" contacts --json | python3 -c 'import json,sys; print(next(c["key"] for c in json.load(sys.stdin)["contacts"] if c["fields"]["name"] == "Cy Young"))')
sql "INSERT INTO blocked (key, at, name) VALUES (x'$(printf '55%.0s' $(seq 32))', 1796342400, 'Sam Spammer'), (x'$cykey', 1796428800, NULL)"
check "blocked lists them" wf 0 blocked
check "blocked text" golden blocked.txt
check "blocked --json" wf 0 blocked --json
check "blocked JSON" golden blocked.json
sam=$("$WF" blocked --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["blocked"][0]["fingerprint"].replace("-", "").upper())')
check "unblock by fingerprint, capitals, no dashes" wf 0 unblock "$sam"
check "says who" has "^Unblocked Sam Spammer ("
check "one block left" sh -c "[ \"\$('$WF' blocked | wc -l)\" -eq 1 ] && '$WF' blocked | grep -q 'Cy Young'"
check "unblock twice: nobody" wf 1 unblock "$sam"

# ---- forget ----

check "a note about Zelda" wf 0 note Zelda "Zelda's secret plan"
check "Zelda at an event of her own" wf 0 met Zelda --event "Zelda Gala" --on 2020-01-01
check "a follow-up for Zelda" wf 0 followup Zelda --in 3d "call Zelda back"
check "forget without a terminal or --yes: usage" sh -c "'$WF' forget Zelda </dev/null >'$TMP/out' 2>'$TMP/err'; [ \$? -eq 2 ]"
check "says to pass --yes" err_has "pass --yes"
check "Zelda is still there" sh -c "'$WF' contacts | grep -q Zelda"
# A terminal: the question is asked, and anything but y keeps her.
cat >"$TMP/on_terminal.py" <<'PY'
import os, pty, select, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:-1])
out = b""
answered = False
while True:
    r, _, _ = select.select([fd], [], [], 10)
    if not r:
        break
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if not answered and b"[y/N]" in out:
        os.write(fd, sys.argv[-1].encode() + b"\n")
        answered = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
check "on a terminal, 'n' keeps her" sh -c "python3 '$TMP/on_terminal.py' '$WF' forget Zelda n >'$TMP/out' 2>&1; [ \$? -eq 1 ] && grep -q 'Forget Zelda Quixotefinch (' '$TMP/out' && grep -q 'Nothing was forgotten' '$TMP/out' || { cat '$TMP/out'; exit 1; }"
check "still there" sh -c "'$WF' contacts | grep -q Zelda"
# Another connection holds the store open, as a running daemon would: closing ours then
# neither checkpoints nor deletes the log, so only forget's own checkpoint clears it.
mkfifo "$TMP/hold"
sqlite3 "$ME/wallflower.db" <"$TMP/hold" >/dev/null 2>&1 &
HOLDER=$!
exec 3>"$TMP/hold"
echo "SELECT count(*) FROM person;" >&3
sleep 0.3
check "the store holds Zelda's name before" in_store "Zelda Quixotefinch"
check "and her organisation" in_store "Quixote Widgets"
ZFPR=$("$WF" contacts --json | python3 -c 'import json,sys; print([c["fingerprint"] for c in json.load(sys.stdin)["contacts"] if c["fields"]["name"] == "Zelda Quixotefinch"][0])')
check "the store holds her fingerprint and search words before" in_store "$ZFPR"
check "and her search words" in_store "quixotefinch"
# --yes acts only on a whole name or fingerprint: a word of her card, which she wrote, is
# not enough to forget her unasked.
check "forget --yes by a word of her organisation: refused" wf 1 forget quixote --yes
check "says why" err_has "with --yes, give their whole name or fingerprint"
check "forget --yes by the start of her name: refused" wf 1 forget Zelda --yes
check "she is still there" sh -c "'$WF' contacts | grep -q Zelda"
check "forget --yes by her whole name, case aside" wf 0 forget "zelda QUIXOTEFINCH" --yes
check "forget text" golden forget.txt
# Both files read as one stream: a missing log must not make the check pass.
gone() { ! cat "$ME/wallflower.db" "$ME/wallflower.db-wal" 2>/dev/null | grep -a -q -F "$@"; }
check "her name, fingerprint and search words are gone from the database and its log" \
	gone -e 'Zelda Quixotefinch' -e "$ZFPR" -e 'quixotefinch'
check "and her organisation, topic, own event and note" \
	gone -e 'Quixote Widgets' -e 'zebra telemetry' -e 'Zelda Gala' -e 'secret plan'
check "the other connection was really open" kill -0 "$HOLDER"
exec 3>&-
wait "$HOLDER" 2>/dev/null
HOLDER=
check "contacts no longer lists her" sh -c "! '$WF' contacts | grep -q Zelda"
check "Bo is intact, without her introduction" sh -c "'$WF' show "Bo Builder" >'$TMP/bo.txt' && grep -q 'Engines' '$TMP/bo.txt' && grep -c 'at Conf' '$TMP/bo.txt' | grep -qx 2 && ! grep -q via '$TMP/bo.txt'"
check "her follow-up went with her" sh -c "! '$WF' followup list | grep -q 'call Zelda'"
check "forget --json, on a terminal without asking" sh -c "python3 '$TMP/on_terminal.py' '$WF' forget 'Cy Young' --yes --json n >'$TMP/out' 2>&1"
check "forget JSON" sh -c "tr -d '\\r' <'$TMP/out' >'$TMP/out2' && mv '$TMP/out2' '$TMP/out'"
check "forget JSON matches" golden forget.json
check "Cy's block stays, without a name" sh -c "'$WF' blocked --json | python3 -c 'import json,sys; b=json.load(sys.stdin)[\"blocked\"]; assert len(b) == 1 and b[0][\"name\"] is None, b'"
check "forget nobody" wf 1 forget Nobody --yes
# A reader in the middle of a transaction (a daemon answering a request) keeps the log
# from being cleared: Bo is forgotten all the same, and the user is told (exit 1).
mkfifo "$TMP/hold2"
sqlite3 "$ME/wallflower.db" <"$TMP/hold2" >/dev/null 2>&1 &
HOLDER=$!
exec 3>"$TMP/hold2"
printf 'BEGIN;\nSELECT count(*) FROM person;\n' >&3
sleep 0.3
check "forget while another program reads: exit 1" wf 1 forget "Bo Builder" --yes
check "says Bo is forgotten" has "^Forgot Bo Builder"
check "and that old copies stay in the log until it lets go" err_has "until it lets go"
exec 3>&-
wait "$HOLDER" 2>/dev/null
HOLDER=
check "Bo is gone" sh -c "! '$WF' contacts 2>/dev/null | grep -q Bo"
check "the store is sound" sh -c "sqlite3 '$ME/wallflower.db' 'PRAGMA integrity_check; PRAGMA foreign_key_check' | tr -d '\\n' | grep -qx ok"

echo "1..$n"
[ "$failed" -eq 0 ]
