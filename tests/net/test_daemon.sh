#!/bin/bash
# wallflowerd end to end, on a simulated LAN with real avahi (testbed.sh): discovery both
# ways, hidden mode, status changes, send -> inbox -> accept, decline and block, the watch
# stream, abuse limits, avahi restarting, starting before avahi, name collisions, --for,
# SIGHUP, and a peer leaving. Prints TAP.
#
# Usage: test_daemon.sh BUILD_DIR
set -u
. "$(dirname "${BASH_SOURCE[0]}")/testbed.sh"

BUILD=${1:?usage: test_daemon.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
WF=$BUILD/src/cli/wallflower
WFD=$BUILD/src/daemon/wallflowerd
# The machine gives us only root; the daemon refuses root unless told this is a test rig.
export WALLFLOWER_ALLOW_ROOT=1 WALLFLOWERD=$WFD

tb_require python3 python3
tb_require sqlite3 sqlite3
tb_init daemon
. "$(dirname "${BASH_SOURCE[0]}")/wf.sh"

# ---- helpers ----

peer_status() { json "$1" nearby -- "any(p.get('handle') == '$2' and p.get('status') == '$3' for p in j)"; }
inbox_count() { json "$1" inbox -- "len(j) == $2"; }
has_contact() { tb_on "$1" "$WF" contacts | grep -q "$2"; }
no_contacts() { tb_on "$1" "$WF" contacts 2>&1 | grep -q '^No contacts yet'; }
# The id of the newest offer in HOST's inbox.
newest_offer() {
	tb_on "$1" "$WF" inbox --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["offers"][-1]["id"])'
}
outbox_states() { sqlite3 "$TB_DIR/$1/state/wallflower.db" "SELECT group_concat(state, ',') FROM (SELECT state FROM outbox ORDER BY id)"; }
in_log() { grep -q "$2" "$TB_DIR/$1/wfd.log"; }

# A host with a profile and a running daemon (not started yet).
attendee() {
	local host=$1 name=$2
	shift 2
	tb_host "$host" || tb_bail "$host did not come up"
	tb_on "$host" "$WF" init >/dev/null || tb_bail "init on $host"
	tb_on "$host" "$WF" profile set name "$name" >/dev/null || tb_bail "profile on $host"
	while [ $# -gt 0 ]; do
		tb_on "$host" "$WF" profile add "$1" "$2" >/dev/null || tb_bail "profile $1 on $host"
		shift 2
	done
	tb_spawn "$host" "$TB_DIR/$host/wfd.log" "$WFD" -d
	echo "$TB_LASTPID" >"$TB_DIR/$host/wfd.pid"
	tb_wait 5 tb_on "$host" "$WF" status >/dev/null || tb_bail "wallflowerd on $host did not answer"
}

# ---- the conference ----

attendee h1 "Ada Lovelace" topics intranets topics "knowledge management" seeks mentoring
# Bob writes his topics his own way: fullwidth letters, another case. Common ground is by
# canonical form (docs/matching.md), shown in the other person's form.
attendee h2 "Bob Builder" topics "ＩＮＴＲＡＮＥＴＳ" topics "Mentoring" offers "Mentoring"
attendee h3 "Carol Quiet" topics gardening

tb_check "status answers before start, not started" \
	json h1 status -- "j['started'] is False and j['avahi'] == 'running'"
tb_check "nearby before start says not started" says h1 "not started" nearby

tb_spawn h1 "$TB_DIR/h1/watch.log" "$WF" watch --json
tb_check "start on h1" tb_on h1 "$WF" start --event "Intranet Now" --handle ada
tb_check "start on h2" tb_on h2 "$WF" start --event "Intranet Now" --handle bob
tb_check "start on h3, hidden" tb_on h3 "$WF" start --event "Intranet Now" --hidden

tb_check "h1 sees bob" tb_wait 15 sees h1 bob
tb_check "h2 sees ada" tb_wait 15 sees h2 ada
tb_check "common ground: a shared topic, and one ada seeks, by canonical form in Bob's form" \
	json h1 nearby -- "any(p['common']['you_seek'] == ['Mentoring'] and p['common']['topics'] == ['ＩＮＴＲＡＮＥＴＳ'] for p in j)"
tb_check "same event is recognised" json h1 nearby -- "all(p['same_event'] for p in j)"
tb_check "hidden h3 sees ada and bob" tb_wait 15 json h3 nearby -- "len(j) == 2"
tb_check "nobody sees hidden h3" json h1 nearby -- "len(j) == 1"
tb_check "h3's status says hidden, no advert" \
	json h3 status -- "j['hidden'] is True and j['advert'] == 'off'"

# A status change updates the advert in place (same instance name).
tb_check "bob goes quiet" tb_on h2 "$WF" start --event "Intranet Now" --handle bob --status quiet
tb_check "ada sees bob quiet" tb_wait 15 peer_status h1 bob quiet
tb_check "bob kept his instance name" json h2 status -- "j['instance'] == 'bob'"

# ---- send -> inbox -> accept ----

tb_check "ada sends her card to bob: delivered" says h1 "^Delivered" send bob --note "Loved your talk"
tb_check "bob's inbox has one offer" inbox_count h2 1
tb_check "the preview shows name, note and common ground" \
	json h2 inbox -- "j[0]['name'] == 'Ada Lovelace' and j[0]['note'] == 'Loved your talk' and j[0]['common']['you_offer'] == ['mentoring'] and j[0]['reply'] is True"
offer=$(newest_offer h2)
tb_check "bob accepts; his card goes back" says h2 "on its way back" accept "$offer"
tb_check "bob has ada in contacts, met at the event" \
	sh -c "'$WF' --state-dir '$TB_DIR/h2/state' contacts | grep 'Ada Lovelace' | grep -q 'Intranet Now'"
tb_check "ada got bob's card back automatically" tb_wait 10 has_contact h1 "Bob Builder"
tb_check "bob's inbox is empty again" inbox_count h2 0
tb_check "ada's outbox says answered" sh -c "[ \"\$(sqlite3 '$TB_DIR/h1/state/wallflower.db' 'SELECT state FROM outbox')\" = answered ]"

# ---- decline and block leave no trace beyond "delivered" ----

tb_check "carol (hidden) sends to ada" says h3 "^Delivered" send ada
offer=$(newest_offer h1)
tb_check "ada declines" says h1 "^Declined" decline "$offer"
tb_check "ada's inbox is empty" inbox_count h1 0
tb_check "carol sends again" says h3 "^Delivered" send ada --note "second try"
offer=$(newest_offer h1)
tb_check "ada blocks" says h1 "^Blocked" block "$offer"
tb_check "carol sends a third time: still just delivered" says h3 "^Delivered" send ada
sleep 1
tb_check "a blocked sender's offer never reaches the inbox" inbox_count h1 0
tb_check "carol's outbox: delivered, delivered, delivered" \
	sh -c "[ \"\$(sqlite3 '$TB_DIR/h3/state/wallflower.db' 'SELECT group_concat(state) FROM outbox')\" = delivered,delivered,delivered ]"
tb_check "carol has no contacts and no card back" no_contacts h3
tb_check "nothing about the decision in carol's log" sh -c "! grep -Eq 'declin|block' '$TB_DIR/h3/wfd.log'"

# ---- the block, listed and lifted (issue 13), with the daemon running ----

# (The inbox reads here take the schema-1 document, {"offers": [...]}.)
inbox_offers() { tb_on "$1" "$WF" inbox --json | python3 -c "import json,sys; o=json.load(sys.stdin)['offers']; sys.exit(len(o) != $2)"; }
blocked_is() { tb_on "$1" "$WF" blocked --json | python3 -c "import json,sys; b=json.load(sys.stdin)['blocked']; sys.exit(0 if $2 else 1)"; }
tb_check "ada's blocked list names carol" blocked_is h1 "len(b) == 1 and b[0]['name'] == 'Carol Quiet'"
carol=$(tb_on h1 "$WF" blocked --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["blocked"][0]["fingerprint"])')
own_fpr() { "$WF" --state-dir "$TB_DIR/$1/state" id --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])'; }
unblock_refused() { ! tb_on "$1" "$WF" unblock "$2" 2>/dev/null; }
tb_check "carol's fingerprint there is her own" test "$(own_fpr h3)" = "$carol"
tb_check "a name is not a fingerprint: unblock refuses it" unblock_refused h1 Carol
tb_check "ada unblocks carol by her fingerprint" says h1 "^Unblocked Carol Quiet" unblock "$carol"
tb_check "nobody is blocked now" blocked_is h1 "b == []"
tb_check "carol sends again: now it reaches ada's inbox" says h3 "^Delivered" send ada --note "fourth try"
tb_check "ada's inbox has carol's offer" tb_wait 5 inbox_offers h1 1
offer=$(tb_on h1 "$WF" inbox --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["offers"][-1]["id"])')
tb_check "ada declines it" says h1 "^Declined" decline "$offer"
tb_check "ada's inbox is empty again" inbox_offers h1 0

# ---- abuse limits: idle connections from one address ----

port=$(tb_on h1 "$WF" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["port"])')
ada=$(tb_addr h1)
cat >"$TB_DIR/idle.py" <<PY
import socket, sys, time
conns = []
for i in range(6):
    s = socket.create_connection(("$ada", $port), timeout=2)
    conns.append(s)
time.sleep(0.5)
# Past the per-address limit the daemon closes at once; the others wait for the handshake.
refused = 0
for s in conns[4:]:
    s.settimeout(2)
    try:
        refused += s.recv(1) == b""
    except OSError:
        refused += 1
start = time.time()
closed = 0
for s in conns[:4]:
    s.settimeout(15)
    try:
        closed += s.recv(1) == b""
    except socket.timeout:
        pass
took = time.time() - start
print(refused, closed, round(took, 1))
sys.exit(0 if refused == 2 and closed == 4 and took < 13 else 1)
PY
tb_spawn h3 "$TB_DIR/idle.out" python3 "$TB_DIR/idle.py"
idle_pid=$TB_LASTPID
sleep 1
tb_check "while one address is at its limit, others are served" says h2 "^Delivered" send ada --no-reply
tb_check "the limit was logged" in_log h1 "refusing 10.*connections from it already"
tb_check "idle connections are dropped at the handshake timeout" \
	sh -c "while kill -0 $idle_pid 2>/dev/null; do sleep 0.2; done; cat '$TB_DIR/idle.out'; grep -q '^2 4 ' '$TB_DIR/idle.out'"
tb_check "the timeouts were logged" in_log h1 "handshake timed out"
tb_check "bob's newer card updated ada's contact without asking" \
	sh -c "[ \"\$(sqlite3 '$TB_DIR/h1/state/wallflower.db' \"SELECT count(*) FROM card JOIN person ON person.id = card.person_id WHERE person.name = 'Bob Builder'\")\" = 2 ]"
tb_check "and left the inbox alone" inbox_count h1 0

# ---- avahi restarts ----

tb_avahi_stop h1
tb_avahi_stop h2
tb_check "status says avahi is gone" tb_wait 5 json h1 status -- "j['avahi'] != 'running'"
tb_avahi_start h1 || tb_bail "avahi on h1 did not restart"
tb_avahi_start h2 || tb_bail "avahi on h2 did not restart"
tb_check "after avahi restarts, ada sees bob again" tb_wait 20 sees h1 bob
tb_check "and bob sees ada" tb_wait 20 sees h2 ada
tb_check "ada's advert is established again" tb_wait 10 json h1 status -- "j['advert'] == 'established'"
tb_check "an exchange works again" says h2 "^Delivered" send ada
tb_check "it reached ada, as another update of a known contact" \
	sh -c "[ \"\$(sqlite3 '$TB_DIR/h1/state/wallflower.db' \"SELECT count(*) FROM card JOIN person ON person.id = card.person_id WHERE person.name = 'Bob Builder'\")\" = 3 ]"

# ---- a daemon that starts before avahi ----

tb_host h4 || tb_bail "h4 did not come up"
tb_on h4 "$WF" init >/dev/null && tb_on h4 "$WF" profile set name "Dan Double" >/dev/null
tb_avahi_stop h4
tb_spawn h4 "$TB_DIR/h4/wfd.log" "$WFD" -d
tb_check "without avahi the daemon still answers" tb_wait 5 json h4 status -- "j['avahi'] != 'running'"
tb_check "and can be started" tb_on h4 "$WF" start --handle dan
tb_check "its status says it waits for avahi" json h4 status -- "j['advert'] != 'established'"
tb_avahi_start h4 || tb_bail "avahi on h4 did not start"
tb_check "once avahi is up, the advert is established" tb_wait 15 json h4 status -- "j['advert'] == 'established'"
tb_check "and bob sees dan" tb_wait 15 sees h2 dan
tb_check "dan sees ada (not himself)" tb_wait 15 json h4 nearby -- "[p.get('handle') for p in j] .count('ada') == 1 and all(p.get('handle') != 'dan' for p in j)"
tb_check "dan offers his card to ada" says h4 "^Delivered" send ada

# ---- the inbox survives a restart; the per-identity cap ----

tb_check "ada has dan's offer" inbox_count h1 1
tb_kill "$(cat "$TB_DIR/h1/wfd.pid")"
tb_spawn h1 "$TB_DIR/h1/wfd.log" "$WFD" -d
echo "$TB_LASTPID" >"$TB_DIR/h1/wfd.pid"
tb_check "ada's daemon restarts" tb_wait 5 tb_on h1 "$WF" start --event "Intranet Now" --handle ada
tb_check "dan's offer is still in ada's inbox" inbox_count h1 1
port=$(tb_on h1 "$WF" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["port"])')
tb_check "dan sees ada's new advert" tb_wait 15 json h4 nearby -- "any(p.get('handle') == 'ada' and p['port'] == $port for p in j)"
# One identity may make 4 requests a day (INTAKE_PER_KEY, proto/session.md 9.5); the fifth
# is answered busy.
for i in 2 3 4; do
	tb_check "dan's offer $i is delivered" says h4 "^Delivered" send ada --note "offer $i"
done
tb_check "dan's fifth offer is refused as busy" says h4 "peer is busy" send ada --note "offer 5"
tb_check "the cap was logged" in_log h1 "answering busy to .*: the identity limit"
tb_check "ada's inbox holds dan's four" inbox_count h1 4
tb_spawn h1 "$TB_DIR/h1/watch2.log" "$WF" watch --json
sleep 0.3

# ---- SIGHUP re-reads the profile ----

tb_on h1 "$WF" profile add topics "graph theory" >/dev/null
kill -HUP "$(cat "$TB_DIR/h1/wfd.pid")"
tb_check "after SIGHUP the advert shows the new topic" tb_wait 10 json h2 nearby -- "any('graph theory' in p['topics'] for p in j)"

# ---- a name collision; --for ----

tb_check "dan switches to the handle ada, for 10 s" tb_on h4 "$WF" start --handle ada --for 10s
# Which of the two moves depends on who avahi finds in conflict first; one must.
tb_check "bob sees both adas, one under the alternative name" \
	tb_wait 10 json h2 nearby -- "sorted(p['instance'] for p in j if p.get('handle') == 'ada') == ['ada', 'ada #2']"
tb_check "bob no longer sees dan's old advert" tb_wait 10 sees_not h2 dan
tb_check "a handle two peers show is ambiguous for send" says h2 "several peers" send ada
tb_check "--for: the advert goes away by itself" tb_wait 20 json h2 nearby -- "sum(p.get('handle') == 'ada' for p in j) == 1"
tb_check "dan still browses after his advert ended" json h4 nearby -- "len(j) >= 1"
tb_check "a later start advertises again" tb_on h4 "$WF" start --handle dan
tb_check "bob sees dan again" tb_wait 15 sees h2 dan
tb_check "dan hides" tb_on h4 "$WF" start --hidden
tb_check "bob no longer sees dan" tb_wait 15 sees_not h2 dan
tb_check "dan shows himself again with --visible" tb_on h4 "$WF" start --visible
tb_check "bob sees dan once more" tb_wait 15 sees h2 dan

# ---- a peer that leaves ----

tb_check "bob stops" says h2 "^Stopped" stop
tb_check "bob's daemon is gone" sh -c "! kill -0 $(cat "$TB_DIR/h2/wfd.pid") 2>/dev/null"
tb_check "status with no daemon fails clearly" sh -c "! '$WF' status --runtime-dir '$TB_DIR/h2/run' 2>'$TB_DIR/st.err' && grep -q 'not running' '$TB_DIR/st.err'"
tb_check "ada no longer sees bob" tb_wait 15 sees_not h1 bob
tb_check "bob's id is not reused for anyone else" json h1 nearby -- "all(p['id'] != '1' for p in j)"
tb_check "SIGTERM ends ada's daemon gracefully" sh -c "kill -TERM $(cat "$TB_DIR/h1/wfd.pid"); for i in \$(seq 50); do kill -0 $(cat "$TB_DIR/h1/wfd.pid") 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
tb_check "carol no longer sees ada" tb_wait 15 sees_not h3 ada

# ---- the watch stream ----
for ev in peer-appeared peer-changed offer-received card-received peer-left; do
	tb_check "watch saw $ev" grep -q "\"event\":\"$ev\"" "$TB_DIR/h1/watch.log"
done
tb_check "a second watcher saw bob leave" grep -q '"event":"peer-left".*"handle":"bob"' "$TB_DIR/h1/watch2.log"

tb_done
