#!/bin/bash
# A conference in a box (tests/net/testbed.sh): eight attendees who all find each other in
# bounded time; two subnets joined by a reflecting router; client isolation, and what
# `wallflower doctor` says about it; a VPN holding the default route; and adverts published
# by avahi-publish (not wallflower) with malformed or oversized TXT records. Prints TAP.
#
# Usage: test_conference.sh BUILD_DIR
set -u
. "$(dirname "${BASH_SOURCE[0]}")/testbed.sh"

BUILD=${1:?usage: test_conference.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
WF=$BUILD/src/cli/wallflower
WFD=$BUILD/src/daemon/wallflowerd
export WALLFLOWER_ALLOW_ROOT=1 WALLFLOWERD=$WFD
DISCOVERY_S=20 # "bounded time" for everyone to see everyone

tb_require python3 python3
tb_require bridge iproute2
tb_require avahi-publish avahi-utils
tb_init conference
. "$(dirname "${BASH_SOURCE[0]}")/wf.sh"


# attendee HOST SUBNET: a host with a profile and a started daemon, handle = HOST.
attendee() {
	tb_host "$1" "$2" || tb_bail "$1 did not come up"
	tb_on "$1" "$WF" init >/dev/null &&
		tb_on "$1" "$WF" profile set name "Attendee $1" >/dev/null &&
		tb_on "$1" "$WF" profile add topics "topic-$1" >/dev/null || tb_bail "profile on $1"
	tb_spawn "$1" "$TB_DIR/$1/wfd.log" "$WFD" -d
	tb_wait 5 tb_on "$1" "$WF" status >/dev/null || tb_bail "wallflowerd on $1 did not answer"
	tb_on "$1" "$WF" start --event "Box Con" --handle "$1" >/dev/null || tb_bail "start on $1"
}

# ---- eight attendees on one network ----

hosts="a1 a2 a3 a4 a5 a6 a7 a8"
for h in $hosts; do attendee "$h" 42; done
start=$(date +%s.%N)
all_see_all() {
	local h
	for h in $hosts; do nearby_count "$h" 7 || return 1; done
}
tb_check "8 attendees all see each other within ${DISCOVERY_S} s" tb_wait "$DISCOVERY_S" all_see_all
tb_diag "everyone saw everyone $(python3 -c "import time; print(round(time.time() - $start, 1))") s after the last start"
tb_check "a card crosses the room" says a1 "^Delivered" send a8
tb_check "and lands in a8's inbox" json a8 inbox -- "len(j) == 1 and j[0]['name'] == 'Attendee a1'"
tb_check "doctor finds nothing wrong on a healthy network" tb_on a1 "$WF" doctor
tb_check "doctor notes that avahi announces the machine's own name (not a problem)" \
	json a1 doctor -- "j['healthy'] and any(c['check'] == 'machine name' and c['verdict'] == 'note' and 'a1.local' in c['detail'] for c in j['checks'])"
tb_check "doctor --json says healthy and lists the checks" \
	json a1 doctor -- "j['healthy'] and {c['check'] for c in j['checks']} >= {'wallflowerd', 'avahi-daemon', 'listener', 'multicast', 'other services', 'default route'}"

# ---- malformed adverts published by someone else ----

long=$(printf 'x%.0s' $(seq 40))
huge=$(printf 'y%.0s' $(seq 230))
tb_spawn a2 "$TB_DIR/pub.log" avahi-publish -s "too long handle" _wallflower._tcp 4000 v=2 "h=$long"
tb_spawn a2 "$TB_DIR/pub.log" avahi-publish -s "oversized" _wallflower._tcp 4000 v=2 "x=$huge"
tb_spawn a2 "$TB_DIR/pub.log" avahi-publish -s "no version" _wallflower._tcp 4000 h=nover
tb_spawn a2 "$TB_DIR/pub.log" avahi-publish -s "tab in handle" _wallflower._tcp 4000 v=2 "$(printf 'h=a\tb')"
tb_spawn a2 "$TB_DIR/pub.log" avahi-publish -s "bad topics" _wallflower._tcp 4000 v=2 h=bt "t=a,,b"
tb_spawn a2 "$TB_DIR/pub.log" avahi-publish -s "bad tag" _wallflower._tcp 4000 v=2 h=bt r=AAAA=AAAAAAAAAAA
# A status this version does not know is shown as none (proto/txt.md), not refused.
tb_spawn a2 "$TB_DIR/pub.log" avahi-publish -s "new status" _wallflower._tcp 4000 v=2 h=newst s=dancing
tb_spawn a2 "$TB_DIR/pub.log" avahi-publish -s "$(printf 'esc\033[31mred')" _wallflower._tcp 4000 v=2 h=esc
tb_spawn a2 "$TB_DIR/pub.log" avahi-publish -s "future" _wallflower._tcp 4000 v=3 h=future
# A well-formed advert from the same tool: the control that shows a1 could see them all.
tb_spawn a2 "$TB_DIR/pub.log" avahi-publish -s "plain" _wallflower._tcp 4000 v=2 h=plain s=open t=cats
tb_check "a well-formed foreign advert is listed" tb_wait 10 sees a1 plain
sleep 2
listed() { tb_on "$1" "$WF" nearby --json | python3 -c 'import json,sys; print(sorted(p["instance"] for p in json.load(sys.stdin)["peers"]))'; }
tb_check "malformed and oversized adverts are not listed" nearby_count a1 9
tb_check "an unknown status is shown as none" \
	json a1 nearby -- "any(p['instance'] == 'new status' and 'status' not in p for p in j)"
tb_diag "a1 lists: $(listed a1)"
tb_check "no hostile name reached the table" json a1 nearby -- "all('\x1b' not in p['instance'] for p in j)"
tb_check "a1's daemon is still healthy" json a1 status -- "j['started'] and j['avahi'] == 'running'"
tb_check "and still exchanges cards" says a3 "^Delivered" send a1

# ---- client isolation ----

# Two attendees alone on their own Wi-Fi, whose access point isolates clients.
tb_host i1 45 || tb_bail "i1 did not come up"
tb_host i2 45 || tb_bail "i2 did not come up"
tb_isolate i1 i2
for h in i1 i2; do
	tb_on "$h" "$WF" init >/dev/null && tb_on "$h" "$WF" profile set name "Isolated $h" >/dev/null
	tb_spawn "$h" "$TB_DIR/$h/wfd.log" "$WFD" -d
	tb_wait 5 tb_on "$h" "$WF" start --handle "$h" >/dev/null || tb_bail "start on $h"
done
tb_check "i2 is up and advertising" tb_wait 10 json i2 status -- "j['advert'] == 'established'"
sleep 3
tb_check "isolated from each other, i1 sees nobody" nearby_count i1 0
tb_on i1 "$WF" doctor >"$TB_DIR/doctor.out" 2>&1
doctor_rc=$?
tb_check "doctor exits non-zero under client isolation" test "$doctor_rc" -ne 0
tb_check "doctor says why it thinks so" grep -q "isolates clients or filters multicast" "$TB_DIR/doctor.out"
tb_check "and what to try" grep -q "hotspot" "$TB_DIR/doctor.out"
tb_diag "doctor under isolation:"
sed 's/^/#   /' "$TB_DIR/doctor.out"

# ---- a VPN holding the default route ----

tb_on i1 ip tuntap add dev tun0 mode tun && tb_on i1 ip addr add 10.99.0.2/24 dev tun0 &&
	tb_on i1 ip link set tun0 up && tb_on i1 ip route replace default dev tun0
tb_check "doctor warns about a VPN on the default route" \
	json i1 doctor -- "any(c['check'] == 'default route' and c['verdict'] == 'warn' and 'tun0' in c['detail'] for c in j['checks'])"

# ---- no daemon ----

tb_check "doctor without a daemon says so and how to start it" \
	sh -c "'$WF' doctor --runtime-dir '$TB_DIR/nowhere' | grep -q 'FAIL  wallflowerd.*not running'"

# ---- two subnets joined by a reflecting router ----

tb_router gw 43 44
attendee b1 43
attendee b2 44
tb_check "across the router, b1 sees b2 (through the reflector)" tb_wait 20 sees b1 b2
tb_check "and b2 sees b1" tb_wait 20 sees b2 b1
tb_check "b1 and b2 are on different subnets" \
	sh -c "[ \"\$(cut -d. -f2 <'$TB_DIR/b1/addr')\" != \"\$(cut -d. -f2 <'$TB_DIR/b2/addr')\" ]"
tb_check "a card crosses the router" says b1 "^Delivered" send b2
tb_check "and is in b2's inbox" json b2 inbox -- "len(j) == 1"
# The reflector is what carries discovery across: without it, a newcomer on b2's subnet is
# seen by b2 but not by b1.
tb_avahi_stop gw
attendee b3 44
tb_check "without the reflector, b2 sees the newcomer b3" tb_wait 20 sees b2 b3
not_seen_after() { sleep "$3"; ! sees "$1" "$2"; }
tb_check "but b1 does not" not_seen_after b1 b3 3

tb_done
