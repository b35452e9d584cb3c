#!/bin/sh
# End-to-end tests of the contact graph verbs: import, contacts, show, note, followup,
# graph and export, with real cards between real state directories. TAP output.
# Arguments: the wallflower binary, the source root.
set -u
WF=$1
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfpeople.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset WALLFLOWER_STATE_DIR XDG_DATA_HOME
export HOME=$TMP/home LC_ALL=C.UTF-8
n=0
failed=0

. "$(dirname "$0")/tap.sh"
# json PYEXPR: $TMP/out is a JSON document ({"schema": 1, ...}, schema first) and PYEXPR
# (Python, the document as d) holds of it.
json() { python3 -c "import json,sys; d=json.load(open('$TMP/out')); assert list(d)[0] == 'schema' and d['schema'] == 1, d; assert $1, d" ; }

# Three people make their cards; "me" imports them.
person() { # DIR NAME ORG TOPIC OFFER
	"$WF" --state-dir "$TMP/$1" init --name "$2" >/dev/null &&
	"$WF" --state-dir "$TMP/$1" profile set org "$3" &&
	"$WF" --state-dir "$TMP/$1" profile add topics "$4" &&
	"$WF" --state-dir "$TMP/$1" profile add offers "$5" &&
	"$WF" --state-dir "$TMP/$1" card -o "$TMP/$1.card" >/dev/null
}
check "Ada makes a card" person ada "Ada Lovelace" "Engines" "wikis" "mentoring"
check "Adam makes a card" person adam "Adam Smith" "Markets" "wikis" "economics"
check "Bo makes a card" person bo "=cmd|' /C calc'!A0" "Engines" "search" "search tuning"
export WALLFLOWER_STATE_DIR=$TMP/me
check "I start" wf 0 init --name "Me Myself"
check "I seek something" wf 0 profile add seeks "governance"
check "I seek something offered" wf 0 profile add seeks "mentoring"
check "contacts is empty at first" wf 0 contacts
check "import Ada at an event" wf 0 import "$TMP/ada.card" --event "Intranet Now"
check "says added" has "^Added Ada Lovelace"
check "import Adam" wf 0 import "$TMP/adam.card" --event "Intranet Now"
check "import Bo" wf 0 import "$TMP/bo.card"
check "import Ada again: older or equal" wf 0 import "$TMP/ada.card"
check "says already" has "Already have"
"$WF" --state-dir "$TMP/ada" profile set title "Analyst"
"$WF" --state-dir "$TMP/ada" card -o "$TMP/ada2.card" >/dev/null
check "a newer card updates" wf 0 import "$TMP/ada2.card"
check "says updated" has "^Updated Ada Lovelace"
printf 'not a card' >"$TMP/junk.card"
check "a bad card is refused" wf 1 import "$TMP/junk.card"
check "contacts lists three" sh -c "'$WF' contacts | wc -l | grep -qx 3"
check "contacts --event" wf 0 contacts --event "Intranet Now" --json
check "two met at the event" json "len(d['contacts']) == 2"
check "contacts --topic" wf 0 contacts --topic search --json
check "one knows search" json "len(d['contacts']) == 1 and d['contacts'][0]['fields']['org'] == 'Engines'"
check "contacts --search, any case" wf 0 contacts --search MARKETS --json
check "one works at Markets" json "len(d['contacts']) == 1 and d['contacts'][0]['fields']['name'] == 'Adam Smith'"
check "show with an ambiguous prefix" wf 1 show ad
check "lists the candidates" sh -c "grep -q 'Ada Lovelace' '$TMP/err' && grep -q 'Adam Smith' '$TMP/err'"
check "show with a unique prefix" wf 0 show "ada "
check "shows the new title" has "Analyst"
check "shows the meeting" has "at Intranet Now"
check "show by fingerprint prefix" sh -c "fpr=\$('$WF' contacts --search Adam --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"contacts\"][0][\"fingerprint\"][:9])') && '$WF' show \"\$fpr\" | grep -q 'Adam Smith'"
check "show nobody" wf 1 show zzz
check "note" wf 0 note "Ada L" "wants the slides"
check "the note shows" sh -c "'$WF' show 'Ada L' | grep -q 'wants the slides'"
check "a note with an escape is refused" wf 2 note "Ada L" "$(printf 'x\033[2J')"
check "followup --in" wf 0 followup "Ada L" --in 3d "send the slides"
check "followup --on" wf 0 followup "Adam" --on 2020-01-01 --past "long overdue"
check "followup needs a when" wf 2 followup "Adam" "no date"
check "followup rejects a bad date" wf 2 followup "Adam" --on 2026-02-30 "x"
check "followup list" wf 0 followup list --json
check "two follow-ups" json "len(d['followups']) == 2 and not d['followups'][0]['done']"
check "followup list --due" wf 0 followup list --due --json
check "one is due" json "len(d['followups']) == 1 and d['followups'][0]['text'] == 'long overdue'"
id=$(python3 -c "import json; print(json.load(open('$TMP/out'))['followups'][0]['id'])")
check "followup done" wf 0 followup done "$id"
check "done twice" wf 1 followup done "$id"
check "done of nothing" wf 1 followup done 9999
check "nothing due now" sh -c "'$WF' followup list --due --json | python3 -c 'import json,sys; assert json.load(sys.stdin) == {\"schema\": 1, \"followups\": []}'"

check "graph stats" wf 0 graph stats --json
check "stats count people and orgs" json "d['people'] == 3 and d['organisations'] == 2 and d['events'] == 1"
check "graph hubs" wf 0 graph hubs --json
check "hubs are people" json "len(d['hubs']) >= 1 and all('fingerprint' in h for h in d['hubs'])"
check "graph gaps" wf 0 graph gaps --json
check "governance is unmet, mentoring is not" json "'governance' in d['unmet_seeks'] and 'mentoring' not in d['unmet_seeks']"
check "the event dominates" json "any(x['name'] == 'Intranet Now' for x in d['dominant'])"
check "graph needs a verb" wf 2 graph

for f in vcard vcard4 csv json graphml gexf dot ics; do
	check "export $f" wf 0 export --format "$f" -o "$TMP/out.$f"
	check "export $f wrote something" test -s "$TMP/out.$f"
done
check "vcard has three cards" sh -c "grep -c '^BEGIN:VCARD' '$TMP/out.vcard' | grep -qx 3"
check "vcard lines end in CRLF" sh -c "! grep -qv \"\$(printf '\\r')\$\" '$TMP/out.vcard'"
check "csv neutralises the formula name" sh -c "grep -q \"'=cmd\" '$TMP/out.csv'"
check "the graph exports are well-formed XML" sh -c "! command -v xmllint >/dev/null || xmllint --noout '$TMP/out.graphml' '$TMP/out.gexf'"
check "export --event limits the contacts" sh -c "'$WF' export --format vcard --event 'Intranet Now' | grep -c '^BEGIN:VCARD' | grep -qx 2"
check "export --since in the future: none" sh -c "'$WF' export --format csv --since 2099-01-01 | wc -l | grep -qx 1"
check "export refuses the store as output" wf 1 export --format csv -o "$TMP/me/wallflower.db"
check "unknown format" wf 2 export --format pdf

# what the review found: names, updates, filters, refusals
check "Ann makes a card" person ann "Ann" "Small Co" "x" "y"
check "Anna makes a card" person anna "Anna" "Small Co" "x" "z"
check "import Ann" wf 0 import "$TMP/ann.card"
check "import Anna via Ada" wf 0 import "$TMP/anna.card" --via "Ada L"
check "'Ann' names Ann, not Anna too" wf 0 show Ann
check "shows Ann" sh -c "head -1 '$TMP/out' | grep -qx Ann"
check "Anna shows who introduced her" sh -c "'$WF' show Anna | grep -q 'via.*Ada Lovelace'"
check "a prefix of dashes names nobody" wf 1 show -- --
check "importing your own card is refused" sh -c "'$WF' card -o '$TMP/mine.card' >/dev/null && ! '$WF' import '$TMP/mine.card' 2>&1 | grep -q Added"
check "your own card: says why" sh -c "'$WF' import '$TMP/mine.card' 2>&1 | grep -q 'your own card'"
check "a bad event name stores nothing" wf 2 import "$TMP/ann.card" --event ""
"$WF" --state-dir "$TMP/ann" profile set org "Big Co"
"$WF" --state-dir "$TMP/ann" card -o "$TMP/ann2.card" >/dev/null
check "Ann moves to Big Co" wf 0 import "$TMP/ann2.card" --event "Meetup"
check "the same meeting twice on one day is one" sh -c "'$WF' import '$TMP/ann2.card' --event Meetup >/dev/null; '$WF' show Ann | grep -c 'at Meetup' | grep -qx 1"
check "stats forget Small Co only when nobody is left there" wf 0 graph stats --json
check "organisations: Engines, Markets, Small Co (Anna), Big Co" json "d['organisations'] == 4"
check "followup done with a space is refused" wf 2 followup done " 1"
check "--since in the past keeps everyone met since" sh -c "'$WF' export --format csv --since 2020-01-01 | wc -l | grep -qx 4"
check "graph formats refuse filters" wf 2 export --format graphml --event "Intranet Now"
check "ics with --event holds only their follow-ups" sh -c "'$WF' export --format ics --event Meetup | grep -c BEGIN:VTODO | grep -qx 0"
check "export refuses a -wal name in the state dir" wf 1 export --format csv -o "$TMP/me/wallflower.db-wal"
check "no such -wal was made" test ! -e "$TMP/me/wallflower.db-wal.tmp"
check "Ada is the hub now" sh -c "'$WF' graph hubs --json | python3 -c 'import json,sys; h=json.load(sys.stdin)[\"hubs\"]; assert h and h[0][\"name\"] in (\"Ada Lovelace\", \"Anna\"), h'"
check "the store is sound after all this" sh -c "sqlite3 '$TMP/me/wallflower.db' 'PRAGMA integrity_check' | grep -qx ok"

echo "1..$n"
[ "$failed" -eq 0 ]
