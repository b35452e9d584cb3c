#!/bin/sh
# docs/json.md is a promise to scripts; this holds the code to it. Every command that takes
# --json (and the JSON export) runs on a store with a bit of everything in it: contacts
# with cards, notes, follow-ups open and done, meetings, an introduction, topics, a block,
# offers sent, personas. Each document must be one JSON object with "schema": 1 first and
# exactly the members docs/json.md declares for it, in its order, down to the items of its
# lists (tests/cli/jsonshape.py reads the shapes from docs/json.md itself, so a member
# added or removed without a word there fails here). status and inbox ask a real
# wallflowerd that is never started (no advert, no browsing); nearby, and status and inbox
# with items in them, ask a stand-in (tests/cli/fakewfd.py) whose replies follow what
# src/daemon builds, and watch a smaller one that sends two events. That contacts, show
# and the export give the same contact object is tests/cli/test_output.sh's. TAP output.
# Arguments: the wallflower binary, the source root, and the wallflowerd binary (by
# default the one beside it in the build tree).
set -u
WF=$1
SRC=$2
WFD=${3:-$(dirname "$WF")/../daemon/wallflowerd}
DOC=$SRC/docs/json.md
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfjson.XXXXXX")
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
unset WALLFLOWER_STATE_DIR XDG_DATA_HOME WALLFLOWER_RUNTIME_DIR
export HOME=$TMP/home LC_ALL=C.UTF-8 TZ=UTC
n=0
failed=0

. "$(dirname "$0")/tap.sh"
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
shape() { python3 "$SRC/tests/cli/jsonshape.py" "$@"; }
# doc EXIT NAME ARGS...: wallflower ARGS exits EXIT and prints one document of the shape
# docs/json.md calls NAME, with an item in each of its lists of objects (doc_sparse: its
# lists may be empty). NAME is marked as run, for the last checks.
doc() {
	want=$1 name=$2
	shift 2
	echo "$name" >>"$TMP/ran"
	wf "$want" "$@" && shape check "$DOC" "$name" "$TMP/out"
}
doc_sparse() {
	want=$1 name=$2
	shift 2
	wf "$want" "$@" && shape check "$DOC" "$name" "$TMP/out" --empty-ok
}

command -v python3 >/dev/null || { echo "1..0 # SKIP: python3 is not installed"; exit 0; }
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP: sqlite3 is not installed"; exit 0; }
: >"$TMP/ran"

# ---- docs/json.md itself ----
names() { shape names "$DOC" >"$TMP/names"; }
check "docs/json.md: every shape block parses" names
check "docs/json.md: each member table lists its shape's members" shape tables "$DOC"
# The checker must be able to fail. refuses NAME JSON: it finds JSON not of shape NAME.
refuses() { printf '%s\n' "$2" >"$TMP/bad.json" && ! shape check "$DOC" "$1" "$TMP/bad.json"; }
check "the checker refuses an undeclared member" \
	refuses "id --json" '{"schema": 1, "fingerprint": "f", "key": "k", "extra": 1}'
check "the checker refuses a member missing" refuses "id --json" '{"schema": 1, "key": "k"}'
check "the checker refuses schema not first" \
	refuses "id --json" '{"fingerprint": "f", "schema": 1, "key": "k"}'
check "the checker refuses an undeclared member of an item" refuses "note CONTACT --json" \
	'{"schema": 1, "notes": [{"id": 1, "date": "d", "at": 1, "text": "t", "x": 2}]}'
check "the checker refuses a number in a list of strings" \
	refuses "profile list --json" '{"schema": 1, "personas": ["default", 2]}'
check "the checker refuses an empty list (its items unchecked)" \
	refuses "followup list --json" '{"schema": 1, "followups": []}'

# ---- a store with a bit of everything ----
person() { # DIR NAME ORG TOPIC OFFER
	"$WF" --state-dir "$TMP/$1" init --name "$2" >/dev/null &&
	"$WF" --state-dir "$TMP/$1" profile set org "$3" &&
	"$WF" --state-dir "$TMP/$1" profile add topics "$4" &&
	"$WF" --state-dir "$TMP/$1" profile add offers "$5" &&
	"$WF" --state-dir "$TMP/$1" card -o "$TMP/$1.card" >/dev/null
}
check "Ada makes a card" person ada "Ada Lovelace" "Engines" "wikis" "mentoring"
"$WF" --state-dir "$TMP/ada" profile set pronouns "she/her"
"$WF" --state-dir "$TMP/ada" profile add email "ada@example.org"
"$WF" --state-dir "$TMP/ada" profile add seeks "compilers"
"$WF" --state-dir "$TMP/ada" card -o "$TMP/ada.card" >/dev/null
check "Bo makes a card" person bo "Bo Builder" "Engines" "wikis" "compilers"
check "Cy makes a card" person cy "Cy Young" "Pitchers" "baseball" "curveballs"
check "Dan makes a card" person dan "Dan Dropped" "Gone Ltd" "forgetting" "nothing"
ME=$TMP/me
export WALLFLOWER_STATE_DIR=$ME
check "I start" wf 0 init --name "Me Myself"
"$WF" profile add topics "wikis"
"$WF" profile add seeks "quantum knitting"
# Nobody offers it, and Bo offers compilers: a lead, and a hub to ask.
"$WF" profile add seeks "compilers course"
"$WF" profile set --persona work name "Me at Work"
check "import Ada and Bo at Conf" wf 0 import "$TMP/ada.card" "$TMP/bo.card" --event "Conf"
check "import Cy via Ada at Meetup" wf 0 import "$TMP/cy.card" --via Ada --event "Meetup"
check "import Dan" wf 0 import "$TMP/dan.card" --event "Conf"
check "notes about Ada" sh -c "'$WF' note Ada 'Two lines
of note' >/dev/null && '$WF' note Ada 'Met again' >/dev/null"
check "follow-ups" sh -c "'$WF' followup Ada --on 2099-01-01 'Send the slides' >/dev/null &&
	'$WF' followup 'Bo Builder' --on 2099-02-01 'Call' >/dev/null && '$WF' followup done 2 >/dev/null"
cykey=$("$WF" contacts --json | python3 -c 'import json,sys; print(next(c["key"] for c in json.load(sys.stdin)["contacts"] if c["fields"]["name"] == "Cy Young"))')
check "a block (as the daemon writes it)" sqlite3 "$ME/wallflower.db" "INSERT INTO blocked (key, at, name) VALUES (x'$(printf '55%.0s' $(seq 32))', 1796342400, 'Sam Spammer'), (x'$cykey', 1796428800, NULL)"
check "offers sent (as the daemon writes them)" sqlite3 "$ME/wallflower.db" "INSERT INTO outbox (target, peer_static, envelope, offer_id, note, event, reply, state, tries, created, expires, reason) VALUES
	('grace', zeroblob(32), x'00', randomblob(32), 'Loved your talk', 'Conf', 1, 'answered', 1, 1796342400, 1796428800, NULL),
	('linus', NULL, x'00', randomblob(32), NULL, NULL, 0, 'failed', 3, 1796346000, 1796349600, 'not seen nearby before the deadline')"

# ---- the store's documents ----
check "id --json" doc 0 "id --json" id --json
check "profile show --json" doc 0 "profile show --json" profile show --json
check "profile show --json, another persona" doc 0 "profile show --json" profile show --persona work --json
check "profile list --json" doc 0 "profile list --json" profile list --json
check "card verify --json" doc 0 "card verify --json" card verify "$TMP/ada.card" --json
printf 'not a card' >"$TMP/junk.card"
check "card verify --json, an invalid card" doc 1 "card verify --json (invalid card)" card verify "$TMP/junk.card" --json
check "contacts --json" doc 0 "contacts --json" contacts --json
check "show --json" doc 0 "show --json" show Ada --json
check "show --json, introduced, no notes" doc_sparse 0 "show --json" show "Cy Young" --json
check "export --format json" sh -c "'$WF' export --format json -o '$TMP/export.json' && echo 'export --format json' >>'$TMP/ran' && python3 '$SRC/tests/cli/jsonshape.py' check '$DOC' 'export --format json' '$TMP/export.json'"
check "note CONTACT --json" doc 0 "note CONTACT --json" note Ada --json
check "followup list --json" doc 0 "followup list --json" followup list --json
check "met --json" doc 0 "met --json" met "Bo Builder" --event Conf --on 2020-01-02 --via Ada --json
check "met --json, already recorded, nobody introduced" doc 0 "met --json" met "Bo Builder" --event Conf --on 2020-01-02 --json
check "topics --json" doc 0 "topics --json" topics --json
check "events --json" doc 0 "events --json" events --json
check "graph stats --json" doc 0 "graph stats --json" graph stats --json
check "graph stats --json, a selection" doc 0 "graph stats --json" graph stats --since 2020-01-01 --event conf --json
check "graph hubs --json" doc 0 "graph hubs --json" graph hubs --json
check "graph gaps --json" doc 0 "graph gaps --json" graph gaps --json
check "blocked --json" doc 0 "blocked --json" blocked --json
check "sent --json" doc 0 "sent --json" sent --json
mkdir -m 700 "$TMP/norun"
check "doctor --json, no daemon" doc 1 "doctor --json" doctor --json --runtime-dir "$TMP/norun"
check "forget --json" doc 0 "forget --json" forget "Dan Dropped" --yes --json

# ---- the daemon's documents ----
# A real wallflowerd, never started: it neither advertises nor browses. Root may run it
# here only as the other tests do (docs/testing.md, "Running the daemon as root").
R=$TMP/run
mkdir -m 700 "$R"
if [ -x "$WFD" ]; then
	WALLFLOWER_ALLOW_ROOT=1 "$WFD" --state-dir "$ME" --runtime-dir "$R" 2>"$TMP/wfd.log" &
	PIDS="$PIDS $!"
else
	echo "no wallflowerd at $WFD" >"$TMP/wfd.log"
fi
i=0
while ! "$WF" status --runtime-dir "$R" >/dev/null 2>&1 && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if "$WF" status --runtime-dir "$R" >/dev/null 2>&1; then
	check "status --json (a real daemon, not started)" doc 0 "status --json" status --json --runtime-dir "$R"
	check "inbox --json (a real daemon): an empty list" sh -c "'$WF' inbox --json --runtime-dir '$R' >'$TMP/out' && python3 -c \"import json; d = json.load(open('$TMP/out')); assert list(d) == ['schema', 'offers'] and d['schema'] == 1, d\""
else
	skip "status --json (a real daemon, not started)" "wallflowerd did not answer: $(head -1 "$TMP/wfd.log")"
	skip "inbox --json (a real daemon)" "wallflowerd did not answer"
fi

# The stand-in: replies shaped as src/daemon/commands.c (req_status), peers.c (peers_json)
# and exchange.c (exchange_offer_json) build them, with every member that may be absent.
F=$TMP/fake
mkdir -m 700 "$F"
cat >"$TMP/replies.json" <<'EOF'
{
 "status": {"ok": true, "version": "0.1.0", "fingerprint": "abcd-efgh-ijkl-mnop-qrst-uvwx",
  "pid": 42, "started": true, "avahi": "running", "advert": "established", "nearby": 2,
  "inbox": 2, "connections": 0, "held_back": {"busy": 1, "by": {"address": 1}},
  "peer_table": {"peers": 2, "max": 256, "shown": 0, "shown_max": 192, "adverts": 3,
   "waiting": 0, "resolvers": 2, "resolvers_peak": 2},
  "port": 4000, "hidden": false, "instance": "me", "event": "Conf", "handle": "me",
  "status": "open", "topics": "wikis", "until": 1796342400},
 "nearby": {"ok": true, "peers": [
  {"id": "1", "instance": "ada", "handle": "Ada", "status": "open", "topics": ["wikis"],
   "common": {"topics": ["wikis"], "you_offer": [], "you_seek": []}, "same_event": true,
   "addr": "192.0.2.1", "port": 4000,
   "contact": {"id": 1, "name": "Ada Lovelace", "fingerprint": "abcd-efgh-ijkl-mnop-qrst-uvwx",
    "event": "Conf", "met": 0}},
  {"id": "2", "instance": "wallflower-1a2b", "handle": null, "topics": [],
   "common": {"topics": [], "you_offer": [], "you_seek": []}, "same_event": false,
   "addr": "192.0.2.2", "port": 4001}]},
 "verify": {"ok": true, "code": "570 249", "role": "initiator",
  "key": "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8",
  "fingerprint": "abcd-efgh-ijkl-mnop-qrst-uvwx"},
 "invite": {"ok": true, "invite": "wallflower:i1:yjsdpm5jvnxsiovmepep47u3@192.0.2.1,[2001:db8::1]:4000",
  "fingerprint": "yjsdpm5jvnxsiovmepep47u3", "port": 4000,
  "addresses": ["192.0.2.1", "2001:db8::1"]},
 "inbox": {"ok": true, "offers": [
  {"id": 7, "name": "Eve", "note": "hello", "fingerprint": "eeee-vvvv-eeee-eeee-vvvv-eeee",
   "common": {"topics": [], "you_offer": [], "you_seek": []}, "reply": true,
   "received": 0, "expires": 0, "event": "Conf", "from": "192.0.2.3",
   "same_name_as": "abcd-efgh-ijkl-mnop-qrst-uvwx", "kind": "offer"},
  {"id": 8, "name": "Fay", "fingerprint": "ffff-aaaa-yyyy-ffff-aaaa-yyyy",
   "common": {"topics": [], "you_offer": [], "you_seek": []}, "reply": false,
   "received": 0, "expires": 0, "event": null, "kind": "ask", "for": "people who run wikis"},
  {"id": 9, "name": "Gil", "fingerprint": "gggg-iiii-llll-gggg-iiii-llll",
   "common": {"topics": [], "you_offer": [], "you_seek": []}, "reply": true,
   "received": 0, "expires": 0, "event": null, "kind": "intro",
   "introduced_by": {"name": "Hal", "fingerprint": "hhhh-aaaa-llll-hhhh-aaaa-llll"}}],
  "held_back": {"busy": 0, "by": {}}}
}
EOF
python3 "$SRC/tests/cli/fakewfd.py" "$F" "$TMP/replies.json" 2>"$TMP/fakewfd.log" &
PIDS="$PIDS $!"
i=0
while [ ! -e "$F/ready" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "status --json (started)" doc 0 "status --json" status --json --runtime-dir "$F"
check "status --json keeps the daemon's members, drops ok" python3 -c "
import json
d, r = json.load(open('$TMP/out')), json.load(open('$TMP/replies.json'))['status']
del r['ok']
assert list(d) == ['schema'] + list(r) and all(d[k] == r[k] for k in r), d"
check "nearby --json" doc 0 "nearby --json" nearby --json --runtime-dir "$F"
check "inbox --json" doc 0 "inbox --json" inbox --json --runtime-dir "$F"
# No answer on standard input: not confirmed, nothing recorded, and the document says so.
check "verify --json (answered no)" doc 0 "verify --json" verify 1 --json --runtime-dir "$F" </dev/null
check "verify --json: not verified, nobody known" python3 -c "
import json
d = json.load(open('$TMP/out'))
assert d['verified'] is False and d['name'] is None and d['code'] == '570 249', d"
check "invite --json" doc 0 "invite --json" invite --json --runtime-dir "$F"

# watch: a stand-in that answers the request and sends two events, then closes.
W=$TMP/watch
mkdir -m 700 "$W"
cat >"$TMP/watchd.py" <<'EOF'
import json, os, socket, struct, sys
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(os.path.join(sys.argv[1], "ctl"))
srv.listen(1)
open(os.path.join(sys.argv[1], "ready"), "w").close()
c, _ = srv.accept()
n = struct.unpack(">I", c.recv(4))[0]
c.recv(n)
for m in ({"ok": True}, {"event": "peer-left", "peer": {"id": "1"}},
          {"event": "avahi", "avahi": "running", "advert": "off"}):
    b = json.dumps(m).encode()
    c.sendall(struct.pack(">I", len(b)) + b)
c.close()
EOF
python3 "$TMP/watchd.py" "$W" 2>"$TMP/watchd.log" &
PIDS="$PIDS $!"
i=0
while [ ! -e "$W/ready" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
echo "watch --json" >>"$TMP/ran"
check "watch --json: one document a line" sh -c "timeout 10 '$WF' watch --json --runtime-dir '$W' >'$TMP/out' &&
	[ \$(wc -l <'$TMP/out') -eq 2 ] && python3 '$SRC/tests/cli/jsonshape.py' lines '$DOC' 'watch --json' '$TMP/out'"

# ---- every document docs/json.md declares was run ----
check "every document in docs/json.md was checked" python3 -c "
import sys
names = [l.strip() for l in open('$TMP/names')]
ran = set(l.strip() for l in open('$TMP/ran'))
docs = [x for x in names if '--' in x]
missing = [x for x in docs if x not in ran]
assert not missing, missing
assert len(docs) >= 24, docs"
# ... and no command took up --json unseen: every verb whose option table (as the
# completion helper reads it, from the tables themselves) has --json was run above, so a
# new one fails this until its document is in docs/json.md and checked here.
json_verbs() {
	for v in $("$WF" complete verbs | cut -f1); do
		"$WF" complete options "$v" | cut -f1 | grep -qx -- --json && echo "$v"
	done
}
json_verbs >"$TMP/json-verbs"
check "no verb takes --json but those above" python3 -c "
ran = [l.split()[0] for l in open('$TMP/ran') if l.strip()]
verbs = [l.strip() for l in open('$TMP/json-verbs') if l.strip()]
assert len(verbs) >= 15, verbs
missing = [v for v in verbs if v not in ran]
assert not missing, missing"

echo "1..$n"
[ "$failed" -eq 0 ]
