#!/bin/bash
# Introductions through a hub (proto/introduction.md) between real daemons on a simulated
# LAN (tests/net/testbed.sh). Ada and Linus each exchanged cards with Grace, not with each
# other. Ada asks Grace for introductions; Grace introduces Ada to Linus; Linus sees who
# introduces whom, accepts, and his card goes back to Ada: each has the other, introduced
# by Grace. Margaret declines an introduction of Ada: nothing reaches Ada, and Grace's
# screen said the same for both. Without consent (no ask, no fwd) nothing is made; with
# fwd on the card, an introduction goes without an ask. As text: an introduction to
# Margaret, copied to Linus, is refused as not his; an intro Grace sends by mail reaches
# Margaret's inbox through `import`, and Margaret's reply by mail reaches Ada. Prints TAP.
#
# Usage: test_intro.sh BUILD_DIR
set -u
. "$(dirname "${BASH_SOURCE[0]}")/testbed.sh"

BUILD=${1:?usage: test_intro.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
WF=$BUILD/src/cli/wallflower
WFD=$BUILD/src/daemon/wallflowerd
export WALLFLOWER_ALLOW_ROOT=1 WALLFLOWERD=$WFD

tb_require python3 python3
tb_require sqlite3 sqlite3
tb_init intro
. "$(dirname "${BASH_SOURCE[0]}")/wf.sh"

# person HOST NAME: a host with a profile and a started daemon, handle = HOST.
person() {
	tb_host "$1" || tb_bail "$1 did not come up"
	tb_on "$1" "$WF" init >/dev/null && tb_on "$1" "$WF" profile set name "$2" >/dev/null ||
		tb_bail "profile on $1"
	tb_spawn "$1" "$TB_DIR/$1/wfd.log" "$WFD" -d
	tb_wait 5 tb_on "$1" "$WF" status >/dev/null || tb_bail "wallflowerd on $1 did not answer"
	tb_on "$1" "$WF" start --event "Hub Con" --handle "$1" >/dev/null || tb_bail "start on $1"
}

# exchange A B: A offers B its card, B accepts, and B's card comes back to A.
exchange() {
	local id
	tb_wait 20 sees "$1" "$2" || return 1
	says "$1" "^Delivered" send "$2" || return 1
	tb_wait 10 json "$2" inbox -- "len(j) >= 1" || return 1
	id=$(first_offer "$2")
	says "$2" "Accepted" accept "$id" || return 1
	tb_wait 10 has_contact "$1" "$3"
}
# first_offer HOST: the id of the first entry of HOST's inbox.
first_offer() { tb_on "$1" "$WF" inbox --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["offers"][0]["id"])'; }
has_contact() { json "$1" contacts -- "any(c['fields']['name'] == '$2' for c in j)"; }
no_contact() { json "$1" contacts -- "all(c['fields']['name'] != '$2' for c in j)"; }
# introduced HOST NAME BY: HOST's contact NAME was introduced by BY.
introduced() { json "$1" contacts -- "any(c['fields']['name'] == '$2' and c['introduced_by'] == '$3' for c in j)"; }
inbox_empty() { json "$1" inbox -- "len(j) == 0"; }
# inbox_has HOST PYEXPR: HOST's inbox has an entry o for which PYEXPR holds.
inbox_has() { json "$1" inbox -- "any($2 for o in j)"; }
# later_still_not HOST NAME SECONDS: NAME is still not HOST's contact after SECONDS.
later_still_not() { sleep "$3"; no_contact "$1" "$2"; }

person ada "Ada Lovelace"
person grace "Grace Hopper"
person linus "Linus Torvalds"
person margaret "Margaret Hamilton"

# ---- the hub knows everyone; Ada, Linus and Margaret do not know each other ----
tb_check "ada and grace exchange cards" exchange ada grace "Grace Hopper"
tb_check "linus and grace exchange cards" exchange linus grace "Grace Hopper"
tb_check "margaret and grace exchange cards" exchange margaret grace "Grace Hopper"
tb_check "ada does not know linus" no_contact ada "Linus Torvalds"

# ---- Ada asks Grace ----
tb_check "ada asks grace, over the LAN" says ada "^Sent to Grace Hopper over the LAN" \
	ask grace --for "people who run intranets in local government" --note "you know everyone"
tb_check "grace's inbox shows the ask" tb_wait 10 inbox_has grace \
	"o['kind'] == 'ask' and o['name'] == 'Ada Lovelace' and o['for'] == 'people who run intranets in local government' and o['note'] == 'you know everyone' and o['reply']"
tb_check "grace's inbox says what ada asks for" says grace \
	"asks you for introductions to: people who run intranets in local government" inbox
ASK=$(first_offer grace)
tb_check "an ask is not accepted" says grace "answer it with 'wallflower introduce'" accept "$ASK"
tb_check "and stays in the inbox" inbox_has grace "o['id'] == $ASK"

# ---- Grace introduces Ada to Linus ----
# Linus and Ada watch: what each is told, as it happens.
tb_spawn linus "$TB_DIR/linus.watch" "$WF" watch
tb_spawn ada "$TB_DIR/ada.watch" "$WF" watch
sleep 1
tb_check "grace introduces ada to linus, over the LAN" says grace \
	"^Sent to Linus Torvalds over the LAN" introduce ada linus --note "you both fight with SharePoint"
tb_check "linus's inbox shows the introduction" tb_wait 10 inbox_has linus \
	"o['kind'] == 'intro' and o['name'] == 'Ada Lovelace' and o['introduced_by']['name'] == 'Grace Hopper' and o['note'] == 'you both fight with SharePoint'"
tb_check "with grace's fingerprint" inbox_has linus \
	"o['introduced_by']['fingerprint'] == '$(tb_on grace "$WF" id --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])')'"
tb_check "linus reads who introduces whom" says linus "introduced by Grace Hopper" inbox
INTRO=$(first_offer linus)
tb_check "linus accepts, and his card goes to ada, who asked" says linus \
	"Your card is on its way to Ada Lovelace" accept "$INTRO"
tb_check "linus has ada, introduced by grace" introduced linus "Ada Lovelace" "Grace Hopper"
tb_check "ada has linus, introduced by grace" tb_wait 15 introduced ada "Linus Torvalds" "Grace Hopper"
tb_check "ada's show says so" says ada "via        Grace Hopper" show Linus
tb_check "linus was told who introduced whom" grep -q \
	"^offer-received: [0-9]* Ada Lovelace \[[a-z0-9-]*\], introduced by Grace Hopper$" "$TB_DIR/linus.watch"
tb_check "ada was told whose card came, introduced by whom" grep -q \
	"^card-received: Linus Torvalds ([a-z0-9-]*), introduced by Grace Hopper$" "$TB_DIR/ada.watch"
tb_check "ada's daemon took it as the reply she asked for" grep -q "reply taken: contact" "$TB_DIR/ada/wfd.log"

# ---- Margaret declines: nobody can tell ----
tb_check "grace introduces ada to margaret too" says grace \
	"^Sent to Margaret Hamilton over the LAN" introduce ada margaret
tb_check "margaret sees it" tb_wait 10 inbox_has margaret "o['kind'] == 'intro'"
tb_check "margaret declines" says margaret "Declined" decline "$(first_offer margaret)"
tb_check "nothing reaches ada" later_still_not ada "Margaret Hamilton" 3
# Grace's screen said "Sent to ... over the LAN" for Linus and for Margaret alike (above);
# her side holds nothing more than before: the ask, and the three contacts.
tb_check "grace's side changed in neither case" json grace contacts -- "len(j) == 3"
tb_check "her inbox holds only ada's ask" json grace inbox -- \
	"len(j) == 1 and j[0]['kind'] == 'ask' and j[0]['id'] == $ASK"

# ---- no consent: nothing is made ----
tb_check "grace cannot introduce linus, who asked nothing and has no fwd" says grace \
	"has not asked you for introductions" introduce linus margaret
tb_check "and margaret got nothing" inbox_empty margaret
# With fwd on his card (a new card Linus sends Grace), his card may travel unasked.
tb_on linus "$WF" profile set fwd yes >/dev/null
tb_check "linus's newer card, with fwd, reaches grace" says linus "^Delivered" send grace
tb_check "grace has it" tb_wait 10 json grace contacts -- \
	"any(c['fields']['name'] == 'Linus Torvalds' and c['fields'].get('fwd') for c in j)"
tb_check "now grace can introduce linus to margaret" says grace \
	"^Sent to Margaret Hamilton over the LAN" introduce linus margaret
tb_check "margaret sees it, and no reply was asked" tb_wait 10 inbox_has margaret \
	"o['kind'] == 'intro' and o['name'] == 'Linus Torvalds' and not o['reply']"
tb_on margaret "$WF" decline "$(first_offer margaret)" >/dev/null

# ---- as text: a copy is refused; mail reaches the inbox; the reply reaches ada ----
tb_check "grace writes an introduction of ada to margaret as text" \
	tb_on grace "$WF" introduce ada margaret --armor -o "$TB_DIR/to-margaret.txt"
tb_check "it is armored" grep -q "^-----BEGIN WALLFLOWER INTRODUCTION-----$" "$TB_DIR/to-margaret.txt"
tb_check "linus, given margaret's copy, refuses it as not his" says linus "not for you" \
	import "$TB_DIR/to-margaret.txt"
tb_check "and his inbox stays empty" inbox_empty linus
# A mail program quotes it; margaret's import still finds it.
sed 's/^/> /' "$TB_DIR/to-margaret.txt" >"$TB_DIR/quoted.txt"
tb_check "margaret imports it from a quoted mail" says margaret "introduces Ada Lovelace" \
	import "$TB_DIR/quoted.txt"
tb_check "it waits in her inbox" inbox_has margaret "o['kind'] == 'intro' and o['name'] == 'Ada Lovelace'"
# Ada is gone from the LAN: the reply must travel as text.
tb_on ada "$WF" stop >/dev/null
tb_wait 15 sees_not margaret ada || tb_diag "margaret still sees ada's advert"
tb_check "margaret accepts; ada is not nearby, so her card comes as text" says margaret \
	"Ada Lovelace is not nearby" accept "$(first_offer margaret)" -o "$TB_DIR/reply.txt"
tb_check "the reply is armored" grep -q "^-----BEGIN WALLFLOWER INTRODUCTION-----$" "$TB_DIR/reply.txt"
tb_check "margaret has ada, introduced by grace" introduced margaret "Ada Lovelace" "Grace Hopper"
tb_check "linus cannot use margaret's reply" says linus "not for you" import "$TB_DIR/reply.txt"
tb_check "ada imports margaret's reply" says ada "Added Margaret Hamilton" import "$TB_DIR/reply.txt"
tb_check "ada has margaret, introduced by grace" introduced ada "Margaret Hamilton" "Grace Hopper"
tb_check "the same reply again changes nothing" says ada "changes nothing\|Updated\|already" \
	import "$TB_DIR/reply.txt"

tb_done
