#!/bin/bash
# Verifying in person (proto/session.md 9.7) between real daemons on a simulated LAN
# (tests/net/testbed.sh): Grace waits, Ada verifies her, both screens show the same code,
# both say yes and each is recorded as verified in person by the other; a verify while
# nobody waits is refused and records nothing; a "no" records nothing; and someone in the
# middle (tests/support/verify_relay, advertising as "grace") who holds a session with each
# side leaves Ada and Grace with two different codes, and Ada with Mallory's fingerprint,
# not Grace's. Prints TAP.
#
# Usage: test_verify.sh BUILD_DIR
set -u
. "$(dirname "${BASH_SOURCE[0]}")/testbed.sh"

BUILD=${1:?usage: test_verify.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
WF=$BUILD/src/cli/wallflower
WFD=$BUILD/src/daemon/wallflowerd
RELAY=$BUILD/tests/support/verify_relay
export WALLFLOWER_ALLOW_ROOT=1 WALLFLOWERD=$WFD

tb_require python3 python3
tb_require avahi-publish avahi-utils
tb_init verify
. "$(dirname "${BASH_SOURCE[0]}")/wf.sh"

# person HOST NAME: a host with a profile and a started daemon, handle = HOST.
person() {
	tb_host "$1" || tb_bail "$1 did not come up"
	tb_on "$1" "$WF" init >/dev/null && tb_on "$1" "$WF" profile set name "$2" >/dev/null ||
		tb_bail "profile on $1"
	tb_spawn "$1" "$TB_DIR/$1/wfd.log" "$WFD" -d
	tb_wait 5 tb_on "$1" "$WF" status >/dev/null || tb_bail "wallflowerd on $1 did not answer"
	tb_on "$1" "$WF" start --event "Verify Con" --handle "$1" >/dev/null || tb_bail "start on $1"
}

# field FILE KEY: a member of the JSON document in FILE.
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
# fingerprint HOST: the fingerprint of HOST's identity.
fingerprint() { tb_on "$1" "$WF" id --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["fingerprint"])'; }
# waits HOST ANSWER OUT: HOST waits to verify (in the background), answering ANSWER.
waits() {
	local before
	before=$(grep -c "to verify in person" "$TB_DIR/$1/wfd.log")
	tb_spawn "$1" "$3" sh -c "printf '$2\\n' | '$WF' verify --wait --timeout 30 --json"
	WAITER=$TB_LASTPID
	# The wait has begun once the daemon logs one more "waiting ... to verify in person".
	tb_wait 5 sh -c "[ \$(grep -c 'to verify in person' '$TB_DIR/$1/wfd.log') -gt $before ]"
}
# answers HOST ANSWER OUT ARGS...: `wallflower verify ARGS --json` on HOST, answering
# ANSWER, its output in OUT.
answers() {
	local host=$1 answer=$2 out=$3
	shift 3
	printf '%s\n' "$answer" | tb_on "$host" "$WF" verify "$@" --json >"$out"
}
# exports HOST FORMAT PATTERN: HOST's export in FORMAT has a line matching PATTERN.
exports() { tb_on "$1" "$WF" export --format "$2" | grep -q -- "$3"; }
# done_waiting PID: the waiter has exited.
done_waiting() { ! kill -0 "$1" 2>/dev/null; }

person ada "Ada Lovelace"
person grace "Grace Hopper"
tb_check "ada sees grace" tb_wait 20 sees ada grace
FPR_ADA=$(fingerprint ada)
FPR_GRACE=$(fingerprint grace)

# ---- they exchange cards first, so that each screen can name the other ----
tb_check "ada offers grace her card" says ada "^Delivered" send grace
offer=$(tb_on grace "$WF" inbox --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["offers"][0]["id"])')
tb_check "grace accepts, and her card goes back" says grace "Accepted" accept "$offer"
tb_check "ada has grace's card" tb_wait 10 says ada "Grace Hopper" contacts

# ---- nobody waiting: refused, nothing recorded ----
tb_check "verify while grace is not waiting is refused" \
	says ada "not waiting to verify" verify grace
tb_check "grace's daemon took no verification" sh -c "! grep -q 'verified in person' '$TB_DIR/grace/wfd.log'"

# ---- the two screens ----
waits grace y "$TB_DIR/grace.verify"
tb_check "ada verifies grace, and answers yes" answers ada y "$TB_DIR/ada.verify" grace
tb_check "grace's wait ends" tb_wait 10 done_waiting "$WAITER"
CODE_ADA=$(field "$TB_DIR/ada.verify" code)
CODE_GRACE=$(field "$TB_DIR/grace.verify" code)
tb_diag "codes: ada $CODE_ADA, grace $CODE_GRACE"
# six_digits CODE: "123 456".
six_digits() { echo "$1" | grep -Eqx '[0-9]{3} [0-9]{3}'; }
tb_check "both screens show a six-digit code" sh -c "$(declare -f six_digits); six_digits '$CODE_ADA' && six_digits '$CODE_GRACE'"
tb_check "the same code" test "$CODE_ADA" = "$CODE_GRACE"
tb_check "ada's screen names grace's identity" test "$(field "$TB_DIR/ada.verify" fingerprint)" = "$FPR_GRACE"
tb_check "grace's screen names ada's identity" test "$(field "$TB_DIR/grace.verify" fingerprint)" = "$FPR_ADA"
tb_check "both are recorded" sh -c "grep -q '\"verified\": true' '$TB_DIR/ada.verify' && grep -q '\"verified\": true' '$TB_DIR/grace.verify'"
tb_check "each screen named the other" sh -c "grep -q '\"name\": \"Grace Hopper\"' '$TB_DIR/ada.verify' && grep -q '\"name\": \"Ada Lovelace\"' '$TB_DIR/grace.verify'"
tb_check "ada's show says grace is verified in person" says ada "^  verified   in person on " show Grace
tb_check "grace's show says the same of ada" says grace "^  verified   in person on " show Ada
tb_check "ada's contacts mark grace" says ada "^Grace Hopper  *[a-z0-9]\{4\} ✓" contacts
tb_check "the JSON export has when" json ada contacts -- "j[0]['in_person'] is not None and j[0]['in_person'] > 0"
tb_check "the CSV export has the day" exports ada csv ',yes,[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}.$'
tb_check "the vCard export says so" exports ada vcard '^X-WALLFLOWER-VERIFIED-IN-PERSON:[0-9-]*.$'
tb_check "the GraphML export too" exports ada graphml '<data key="in_person">true</data>'

# ---- a second verification, answered no: a new code, nothing more recorded ----
waits grace n "$TB_DIR/grace.verify2"
tb_check "a second verification runs, and ada answers no" \
	answers ada n "$TB_DIR/ada.verify2" grace
tb_wait 10 done_waiting "$WAITER"
tb_check "its two screens agree" six_digits "$(field "$TB_DIR/ada.verify2" code)"
tb_check "on the same code" \
	test "$(field "$TB_DIR/ada.verify2" code)" = "$(field "$TB_DIR/grace.verify2" code)"
# Fresh nonces and ephemerals: a code of its own (equal to the first by a chance of 10^-6).
tb_check "and differ from the first verification's code" \
	test "$(field "$TB_DIR/ada.verify2" code)" != "$CODE_ADA"
tb_check "a no records nothing" sh -c "grep -q '\"verified\": false' '$TB_DIR/ada.verify2'"

# ---- someone in the middle ----
tb_host mallory || tb_bail "mallory did not come up" # no daemon: the relay speaks for her
GRACE_PORT=$(tb_on grace "$WF" status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["port"])')
RELAY_PORT=47123
tb_spawn mallory "$TB_DIR/relay.out" "$RELAY" "$RELAY_PORT" "$(tb_addr grace)" "$GRACE_PORT"
tb_wait 5 grep -q listening "$TB_DIR/relay.out" || tb_bail "the relay did not start"
tb_spawn mallory "$TB_DIR/pub.log" avahi-publish -s "relay" _wallflower._tcp "$RELAY_PORT" v=2 h=grace-too s=open
tb_check "ada sees the relay's advert" tb_wait 20 sees ada grace-too
waits grace y "$TB_DIR/grace.verify3"
tb_check "ada verifies the advert that says it is grace" \
	answers ada n "$TB_DIR/ada.verify3" grace-too
tb_wait 10 done_waiting "$WAITER"
tb_wait 5 grep -q "^codes" "$TB_DIR/relay.out"
CODE_ADA=$(field "$TB_DIR/ada.verify3" code)
CODE_GRACE=$(field "$TB_DIR/grace.verify3" code)
tb_diag "through the relay: ada $CODE_ADA, grace $CODE_GRACE; $(cat "$TB_DIR/relay.out" | tail -1)"
tb_check "the relay held a session with each" grep -q "^codes $CODE_ADA $CODE_GRACE\$" "$TB_DIR/relay.out"
tb_check "both screens show a code" sh -c "$(declare -f six_digits); six_digits '$CODE_ADA' && six_digits '$CODE_GRACE'"
tb_check "the two screens show different codes" test "$CODE_ADA" != "$CODE_GRACE"
F_ADA=$(field "$TB_DIR/ada.verify3" fingerprint)
F_GRACE=$(field "$TB_DIR/grace.verify3" fingerprint)
tb_check "ada's screen shows someone else's fingerprint, not grace's" \
	sh -c "[ -n '$F_ADA' ] && [ '$F_ADA' != '$FPR_GRACE' ]"
tb_check "grace's screen shows that same someone, not ada" \
	sh -c "[ -n '$F_GRACE' ] && [ '$F_GRACE' = '$F_ADA' ] && [ '$F_GRACE' != '$FPR_ADA' ]"

tb_done
