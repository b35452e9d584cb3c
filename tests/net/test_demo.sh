#!/bin/bash
# The README's main job (scripts/demo) runs from start to end on this build, and shows each
# step of the journey working: discovery with common ground, a card delivered, accepted and
# sent back, one declined, one taken from a QR code, a verification in person, an
# introduction through a hub (asked, made, accepted), the contacts, the offers each made
# (sent), the graph and the
# exports, and a year later the people Ada exchanged cards with recognised nearby, and a
# second meeting recorded (met). Prints TAP.
#
# Usage: test_demo.sh SOURCE_DIR BUILD_DIR
set -u
SRC=$(cd "${1:?usage: test_demo.sh SOURCE_DIR BUILD_DIR}" && pwd)
BUILD=$(cd "${2:?usage: test_demo.sh SOURCE_DIR BUILD_DIR}" && pwd)
WORK=$(mktemp -d) || exit 1
trap 'rm -rf "$WORK"' EXIT
OUT=$WORK/demo.out
n=0
failed=0
check() {
	n=$((n + 1))
	if grep -q -- "$2" "$OUT"; then echo "ok $n - $1"; else echo "not ok $n - $1"; failed=$((failed + 1)); fi
}

start=$(date +%s)
TMPDIR=$WORK WALLFLOWER_DEMO_BUILD=$BUILD "$SRC/scripts/demo" >"$OUT" 2>&1
rc=$?
took=$(($(date +%s) - start))
if [ "$rc" -eq 77 ]; then
	grep SKIP "$OUT" >&2
	exit 77
fi
n=$((n + 1))
if [ "$rc" -eq 0 ]; then echo "ok $n - the demo exits 0"; else echo "not ok $n - the demo exits $rc"; failed=$((failed + 1)); sed 's/^/# /' "$OUT"; fi
n=$((n + 1))
if [ "$took" -lt 60 ]; then echo "ok $n - in under a minute ($took s)"; else echo "not ok $n - took $took s"; failed=$((failed + 1)); fi
check "nearby shows the common ground" "you both know: intranets"
check "ada's card is delivered" "^Delivered to grace"
check "grace accepts and her card goes back" "Your card is on its way back"
check "ada declines sam" "^Declined"
check "grace's card came back into ada's contacts" "^Grace Hopper .* at Intranet Now"
check "linus is in ada's contacts" "^Linus Torvalds .* at Intranet Now"
# Everyone Ada knows she met at Intranet Now, where she was too: nobody lies between two
# people (docs/graph.md), so nobody is a hub, whatever topics they list.
check "nobody is a hub in a network met at one event" "^No hubs yet: nobody in your network connects others"
check "the gaps say whether anyone is near what ada seeks" "^    nobody you know holds it or a topic near it"
check "the vCard export was written" "^FN:Grace Hopper"
check "margaret's card is taken from a photo of its QR code" "^Added Margaret Hamilton (.*); recorded meeting at Intranet Now"
check "ada verifies grace: the code is shown" "^Does the other screen show [0-9]\{3\} [0-9]\{3\}?"
check "and recorded on ada's side" "^Grace Hopper is verified in person"
check "and on grace's side" "^    grace: .*Ada Lovelace is verified in person"
check "show says so" "^  verified   in person on [0-9-]*$"
check "ada's sent list: grace answered" "^grace  *answered .*Loved your talk"
check "sam's sent list says only 'delivered'" "^ada  *delivered .*Want 10x more leads"
check "linus asks ada over the LAN" "^Sent to Ada Lovelace over the LAN"
check "ada sees his ask" "asks you for introductions to: someone who writes compilers"
check "ada introduces linus to grace" "^Sent to Grace Hopper over the LAN"
check "grace sees who introduces whom" "introduced by Ada Lovelace"
check "grace's card goes to linus, who asked" "^Your card is on its way to Linus Torvalds, who asked for it"
check "linus has grace, introduced by ada" "^  via  *Ada Lovelace"
check "ada records meeting grace again" "^Recorded: you met Grace Hopper at Intranet Now 2026 on "
check "grace's card shows both meetings" "^  *[0-9-]* at Intranet Now 2026$"
check "a year later ada recognises grace" "you know them: Grace Hopper .*met at Intranet Now"
check "and linus" "you know them: Linus Torvalds"
if grep -q "you know them: Sam" "$OUT"; then
	n=$((n + 1))
	echo "not ok $n - sam, whose card ada declined, is not recognised"
	failed=$((failed + 1))
else
	n=$((n + 1))
	echo "ok $n - sam, whose card ada declined, is not recognised"
fi
check "everything is torn down" "torn down"
echo "1..$n"
[ "$failed" -eq 0 ]
