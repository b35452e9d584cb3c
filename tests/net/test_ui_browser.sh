#!/bin/bash
# The page in a real browser (issue 17): headless Chromium driven by Selenium
# (test_ui_browser.py) on Ada's host of a simulated LAN with real avahi (testbed.sh), while
# Grace and Linus, on their own hosts, advertise and offer their cards with the real CLI.
# The page lists them nearby with common ground; an offer appears without a reload and is
# announced; a name full of markup shows as text; a cross-site page cannot decline an offer;
# Decline (by keyboard alone) and Block remove an offer, and a blocked sender's next offer
# never shows; Accept makes a contact, Grace gets Ada's card back and is recognised
# nearby; the map, the gaps and the QR code show, and notes and follow-ups written in a
# terminal show without a reload; an offer under a
# contact's name from another key is shown with a warning; an ask shows whom it is for and
# has no Accept, and its Decline names it an ask; the page picks up
# again after the daemon went away; without the token the page is refused; `wallflower
# stop` ends the server. Screenshots go to $WF_SHOTS (docs/img
# holds the ones README shows) or the work dir. Prints TAP.
#
# Usage: test_ui_browser.sh BUILD_DIR
# Skips (77) without root, the testbed, Chromium, ChromeDriver or Python's selenium.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/testbed.sh"

BUILD=${1:?usage: test_ui_browser.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
WF=$BUILD/src/cli/wallflower
WFD=$BUILD/src/daemon/wallflowerd
UI=$BUILD/src/ui/wallflower-ui
export WALLFLOWER_ALLOW_ROOT=1 WALLFLOWERD=$WFD WALLFLOWER_UI=$UI

[ -x "$UI" ] || _tb_skip "no wallflower-ui in $BUILD"
tb_require python3 python3
tb_require sqlite3 sqlite3
tb_require chromium chromium
tb_require chromedriver chromium-driver
# Debian's python3-selenium is for the system's python3, whatever python3 is first on PATH.
SYSPY=/usr/bin/python3
"$SYSPY" -c 'import selenium' 2>/dev/null || _tb_skip "no selenium for $SYSPY (apt-get install python3-selenium)"
tb_init uibrowser
. "$HERE/wf.sh"
SHOTS=${WF_SHOTS:-$TB_DIR/shots}
mkdir -p "$SHOTS" && SHOTS=$(cd "$SHOTS" && pwd)

# add_all HOST FIELD A,B,...: each item to the profile's list FIELD.
add_all() {
	local item items
	IFS=, read -ra items <<<"$3"
	for item in "${items[@]}"; do
		tb_on "$1" "$WF" profile add "$2" "$item" >/dev/null || return 1
	done
}
# person HOST NAME [FIELD=A,B...]...: a host with a profile (before its daemon starts,
# which reads the profile for common ground) and a started daemon, handle = HOST.
person() {
	local host=$1 name=$2 kv
	shift 2
	tb_host "$host" || tb_bail "$host did not come up"
	tb_on "$host" "$WF" init >/dev/null && tb_on "$host" "$WF" profile set name "$name" >/dev/null ||
		tb_bail "profile on $host"
	for kv in "$@"; do add_all "$host" "${kv%%=*}" "${kv#*=}" || tb_bail "profile $kv on $host"; done
	tb_spawn "$host" "$TB_DIR/$host/wfd.log" "$WFD" -d
	tb_wait 5 tb_on "$host" "$WF" status >/dev/null || tb_bail "wallflowerd on $host did not answer"
	tb_on "$host" "$WF" start --event "Intranet Days" --handle "$host" >/dev/null ||
		tb_bail "start on $host"
}

# The name is markup: shown as anything but text, it would make an image whose error
# handler sets window.wfInjected.
EVIL='Linus <img src=x onerror=window.wfInjected=1>'
person ada "Ada Lovelace" topics=intranets,accessibility "offers=plain language" seeks=compilers
ADA_WFD=$TB_LASTPID
person grace "Grace Hopper" topics=intranets,compilers "seeks=plain language"
person linus "$EVIL" topics=kernels

# ---- wallflower ui, as a user runs it ----
tb_on ada "$WF" ui --no-open >"$TB_DIR/ui.out" 2>&1 || { cat "$TB_DIR/ui.out"; tb_bail "wallflower ui"; }
URL=$(grep -m1 '^http://' "$TB_DIR/ui.out")
# wallflower ui left wallflower-ui running on its own: stopped by its PID at the end.
UIPID=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["pid"])' "$TB_DIR/ada/run/ui.json") ||
	tb_bail "no pid in ui.json"
_tb_record "$UIPID" "ada wallflower-ui"
tb_check "wallflower ui prints the page's address with its token" \
	grep -Eqx 'http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{64}' <<<"$URL"
BASE=${URL%%\?*}

# ---- the browser, beside wallflower-ui on Ada's host ----
CMDF=$TB_DIR/browser.cmd
REPF=$TB_DIR/browser.reply
mkfifo "$CMDF" "$REPF" || tb_bail "mkfifo"
tb_spawn ada "$TB_DIR/browser.log" "$SYSPY" "$HERE/test_ui_browser.py" "$CMDF" "$REPF"
# Opened read-write, neither end blocks whether or not the browser is there yet.
exec 5<>"$CMDF" 6<>"$REPF"
# browser CMD ARG...: one command to the browser; fails with its reason.
browser() {
	local IFS=$'\t' reply
	echo "$*" >&5
	if ! read -r -t 120 -u 6 reply; then
		echo "the browser did not answer"
		tail -n 20 "$TB_DIR/browser.log"
		return 1
	fi
	[ "$reply" = ok ] || { echo "$reply"; return 1; }
}
# offer HOST [NOTE]: HOST sends its card to Ada and it is delivered.
offer() { says "$1" "^Delivered" send ada ${2:+--note "$2"}; }
inbox_has() { json ada inbox -- "any(o['name'] == '$1' for o in j)"; }
inbox_empty() { json ada inbox -- "len(j) == 0"; }
has_contact() { json "$1" contacts -- "any(c['fields']['name'] == '$2' for c in j)"; }
no_contact() { json "$1" contacts -- "all(c['fields']['name'] != '$2' for c in j)"; }
first_offer() { tb_on ada "$WF" inbox --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["offers"][0]["id"])'; }
# blocked_stays_out: Linus's offer is delivered (a quiet decline looks the same to him),
# and a few seconds later Ada's inbox is still empty.
blocked_stays_out() { offer linus && sleep 3 && inbox_empty; }

tb_check "the page opens with the token and shows the daemon started" browser open "$URL"
tb_check "the status line names the event" browser status "Intranet Days" 10
tb_check "the page lists grace nearby" browser has nearby grace 30
tb_check "with the common ground" browser has nearby "In common: intranets" 5
tb_check "and linus" browser has nearby linus 30
tb_check "the inbox is empty" browser lacks inbox Linus 1

# ---- an offer arrives while the page is open ----
tb_check "linus offers his card" tb_wait 30 offer linus
tb_check "it appears in the inbox without a reload" browser has inbox "Linus" 20
tb_check "the page was not loaded again" browser same-page
tb_check "the live region announces it" browser said "New card offered" 5
tb_check "its name is shown as text, markup and all, and no script ran" browser exact inbox "$EVIL"
tb_check "with the fingerprint's start" browser has inbox "Fingerprint " 1

# ---- a page of another origin cannot decide for Ada ----
ID=$(first_offer)
tb_check "a cross-site page posts a decline" browser cross-site "$BASE" "$ID"
tb_check "and the offer is still there" inbox_has "$EVIL"
tb_check "the page is back" browser open "$URL"

# ---- Decline by keyboard alone ----
tb_check "Tab reaches the Decline button, named for the person, and Enter presses it" \
	browser keys inbox Linus Decline
tb_check "the offer leaves the page" browser lacks inbox Linus 10
tb_check "and the inbox" inbox_empty
tb_check "no contact was made" no_contact ada "$EVIL"

# ---- Block ----
tb_check "linus offers again" offer linus
tb_check "it appears" browser has inbox Linus 20
tb_check "Block" browser click inbox Linus Block
tb_check "the offer leaves the page" browser lacks inbox Linus 10
tb_check "linus's next offer never reaches the inbox" blocked_stays_out
tb_check "nor the page" browser lacks inbox Linus 1

# ---- Accept ----
tb_check "grace offers her card" offer grace "We met at the intranet panel"
tb_check "it appears" browser has inbox "Grace Hopper" 20
tb_check "with her note" browser has inbox "We met at the intranet panel" 1
tb_check "and what she seeks that Ada offers" browser has inbox "You offer: plain language" 1
tb_check "the map renders" browser image map 10
tb_check "the QR code renders" browser image card 10
tb_check "a screenshot, light" browser shot "$SHOTS/ui.png" 1280 light
tb_check "a screenshot, at half a laptop screen" browser shot "$SHOTS/ui-narrow.png" 640 light
tb_check "Accept" browser click inbox "Grace Hopper" Accept
tb_check "grace is among the contacts on the page" browser has contacts "Grace Hopper" 15
tb_check "and leaves the inbox" browser lacks inbox "Grace Hopper" 5
tb_check "ada has grace as a contact" has_contact ada "Grace Hopper"
tb_check "and grace got ada's card back" tb_wait 20 has_contact grace "Ada Lovelace"
tb_check "the map still renders" browser image map 10
tb_check "the gaps name what ada seeks and nobody offers" browser has gaps compilers 10
tb_check "and grace as someone who might help" browser has gaps "Might help: Grace Hopper" 1
tb_check "grace nearby is recognised as the contact she now is" \
	browser has nearby "You know them as Grace Hopper" 30
tb_check "still the same page" browser same-page
# The CLI writes notes and follow-ups to the store and tells the daemon, whose
# contacts-changed event reaches the page.
tb_check "ada writes a note about grace in a terminal" says ada "" note "Grace Hopper" "Ask about the COBOL panel"
tb_check "the page shows it without a reload" browser has contacts "Ask about the COBOL panel" 10
tb_check "ada plans a follow-up" says ada "" followup "Grace Hopper" --in 3d "Send her the slides"
read -r FID DUE < <(tb_on ada "$WF" followup list --json | python3 -c 'import json, sys; f = json.load(sys.stdin)["followups"][0]; print(f["id"], f["due_date"])')
tb_check "it shows too, with its day" browser has contacts "Follow up by $DUE: Send her the slides" 10
tb_check "a screenshot, dark" browser shot "$SHOTS/ui-dark.png" 1280 dark
tb_check "ada ticks it off" says ada "" followup done "$FID"
tb_check "and it leaves the page" browser lacks contacts "Send her the slides" 10
tb_check "all on the same page" browser same-page

# ---- someone else uses the name of a contact ----
person mallory "Grace Hopper" topics=intranets
fp_start() { tb_on "$1" "$WF" status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["fingerprint"][:9])'; }
GRACE_FP=$(fp_start grace)
MALLORY_FP=$(fp_start mallory)
SAME_NAME="Not the Grace Hopper in your contacts: another key uses this name"
tb_check "mallory, who also calls herself Grace Hopper, offers her card" tb_wait 30 offer mallory
tb_check "it appears with a warning that another key uses a contact's name" \
	browser has inbox "$SAME_NAME" 20
tb_check "and mallory's own fingerprint" browser has inbox "Fingerprint $MALLORY_FP" 1
tb_check "not grace's" browser lacks inbox "Fingerprint $GRACE_FP" 1
tb_check "it can be accepted, declined or blocked" browser buttons inbox "$SAME_NAME" "Accept,Decline,Block"
tb_check "Decline" browser click inbox "$SAME_NAME" Decline
tb_check "the offer leaves the page" browser lacks inbox "$SAME_NAME" 10
tb_check "ada still has one Grace Hopper, the first" json ada contacts -- \
	"[c['fingerprint'][:9] for c in j if c['fields']['name'] == 'Grace Hopper'] == ['$GRACE_FP']"

# ---- an ask ----
ASKS="Asks you for introductions to: people who write compilers"
tb_check "grace asks ada for introductions, over the LAN" tb_wait 30 \
	says grace "^Sent to Ada Lovelace over the LAN" ask ada --for "people who write compilers"
tb_check "the ask appears, saying whom grace hopes to meet" browser has inbox "$ASKS" 20
tb_check "and that it is answered in a terminal" \
	browser has inbox "Answer it with 'wallflower introduce' in a terminal" 1
tb_check "it has no Accept button" browser buttons inbox "$ASKS" "Decline,Block"
tb_check "Decline, by keyboard, names it an ask" browser keys inbox "$ASKS" Decline "Decline Grace Hopper's ask"
tb_check "the ask leaves the page" browser lacks inbox "$ASKS" 10
tb_check "and the inbox" inbox_empty

# ---- the daemon goes away and comes back while the page stays open ----
tb_check "ada's daemon ends" kill -TERM "$ADA_WFD"
tb_check "the page says wallflowerd is not running" browser status "not running" 15
# Long enough for the browser's own retry of /events to be refused (503): from then on
# only the page's script can bring the stream back.
still_down() { sleep 8 && browser status "not running" 1; }
tb_check "and still does eight seconds later" still_down
tb_spawn ada "$TB_DIR/ada/wfd2.log" "$WFD" -d
tb_check "a new daemon starts" tb_wait 5 tb_on ada "$WF" start --event "Intranet Days" --handle ada
tb_check "the page sees it started" browser status "Intranet Days" 20
tb_check "and grace nearby again" browser has nearby grace 30
tb_check "grace turns quiet" says grace "" start --status quiet
tb_check "the page shows it as it happens" browser has nearby Quiet 20
tb_check "all without a reload" browser same-page

# ---- without the token ----
tb_check "without the token the page is refused" browser no-token "$BASE/"
tb_check "the browser quits" browser quit
ui_gone() { ! kill -0 "$UIPID" 2>/dev/null; }
tb_check "wallflower stop ends the page's server too" says ada "^Stopped" stop
tb_check "wallflower-ui has exited" tb_wait 5 ui_gone
tb_check "and removed ui.json" test ! -e "$TB_DIR/ada/run/ui.json"
tb_done
