#!/bin/sh
# End-to-end tests of matching by canonical form: `topics` and `events` list each topic
# and event once, however its cards and meetings spelled it (case, width, spacing), shown
# as first seen; `contacts --topic/--event` and `graph gaps` compare the same way. Golden
# text and JSON, with the days of meetings (which are today) replaced by placeholders.
# TAP output. Arguments: the wallflower binary, the source root.
set -u
WF=$1
GOLDEN=$2/tests/cli/golden
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfvocab.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset WALLFLOWER_STATE_DIR XDG_DATA_HOME
export HOME=$TMP/home LC_ALL=C.UTF-8 TZ=UTC
n=0
failed=0

. "$(dirname "$0")/tap.sh"
json() { python3 -c "import json,sys; d=json.load(open('$TMP/out')); assert $1, d" ; }
# golden FILE: $TMP/out, with days and unix times made placeholders, is FILE.
golden() {
	sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}/YYYY-MM-DD/g' \
		-e 's/"(first|last)": [0-9]+/"\1": UNIXTIME/' "$TMP/out" >"$TMP/norm"
	if diff -u "$GOLDEN/$1" "$TMP/norm" >"$TMP/diff"; then return 0; fi
	sed 's/^/# /' "$TMP/diff"
	return 1
}

# person DIR NAME ORG TOPIC OFFER: a card with one topic and one offer.
person() {
	"$WF" --state-dir "$TMP/$1" init --name "$2" >/dev/null &&
	"$WF" --state-dir "$TMP/$1" profile set org "$3" &&
	"$WF" --state-dir "$TMP/$1" profile add topics "$4" &&
	"$WF" --state-dir "$TMP/$1" profile add offers "$5" &&
	"$WF" --state-dir "$TMP/$1" card -o "$TMP/$1.card" >/dev/null
}
check "Ada makes a card" person ada "Ada Lovelace" "Engines" "Wikis" "mentoring"
check "Bo makes a card (fullwidth wikis)" person bo "Bo" "ENGINES" "ｗｉｋｉｓ" "Search  Tuning"
check "Cy makes a card" person cy "Cy" "engines " "search tuning" "WIKIS"
check "Di makes a card (wide characters)" person di "Di" "Kaisha" "日本語" "wikis "

export WALLFLOWER_STATE_DIR=$TMP/me
check "I start" wf 0 init --name "Me Myself"
check "no topics yet: says so, lists nothing" wf 0 topics
check "the empty list says why" err_has "No topics yet"
check "nothing on stdout" test ! -s "$TMP/out"
check "no events yet" wf 0 events --json
check "an empty JSON list" json "d == {'schema': 1, 'events': []}"
check "I seek WIKIS" wf 0 profile add seeks "WIKIS"
check "I seek governance" wf 0 profile add seeks "governance"
check "import Ada at Intranet Now" wf 0 import "$TMP/ada.card" --event "Intranet Now"
check "import Bo at intranet  now" wf 0 import "$TMP/bo.card" --event "intranet  now"
check "import Di at INTRANET NOW" wf 0 import "$TMP/di.card" --event "ＩＮＴＲＡＮＥＴ ＮＯＷ"
check "import Cy at FOSDEM, last" wf 0 import "$TMP/cy.card" --event "FOSDEM"

check "topics" wf 0 topics
check "topics: one row per topic, first form, counts" golden topics.txt
check "topics --json" wf 0 topics --json
check "topics --json matches golden" golden topics.json
check "topics --kind seeks: none" wf 0 topics --kind seeks
check "says none of that kind" err_has "No topics of that kind"
check "topics --kind knows" wf 0 topics --kind knows --json
check "three topics are known" json "[t['name'] for t in d['topics']] == ['Wikis', 'Search  Tuning', '日本語']"
check "topics --kind nonsense is a usage error" wf 2 topics --kind "$(printf 'x\033[2J')"
check "the error quotes what was typed, escaped" err_has "not 'x\\\\x1b\[2J'"
check "topics takes no argument" wf 2 topics wikis
check "topics --help" wf 0 topics --help
check "help shows the usage" has "^usage: wallflower topics"

check "events" wf 0 events
check "events: one row per event, first form, counts" golden events.txt
check "events --json" wf 0 events --json
check "events --json matches golden" golden events.json
check "first and last are times" json "all(e['first'] > 0 and e['last'] >= e['first'] for e in d['events'])"
check "events takes no argument" wf 2 events now
check "events --help" wf 0 events --help
check "help shows the usage" has "^usage: wallflower events"

check "contacts --topic WIKIS" wf 0 contacts --topic WIKIS --json
check "all four hold wikis, in any form" json "sorted(c['fields']['name'] for c in d['contacts']) == ['Ada Lovelace', 'Bo', 'Cy', 'Di']"
check "contacts --topic ' search tuning'" wf 0 contacts --topic " search tuning" --json
check "Bo and Cy" json "sorted(c['fields']['name'] for c in d['contacts']) == ['Bo', 'Cy']"
check "contacts --event 'intranet  now'" wf 0 contacts --event "intranet  now" --json
check "the three met there, in any form" json "sorted(c['fields']['name'] for c in d['contacts']) == ['Ada Lovelace', 'Bo', 'Di']"
check "each meeting shows the first form" json "all(m['event'] in ('Intranet Now', 'FOSDEM') for c in d['contacts'] for m in c['met'])"
check "contacts --event accents are not dropped" wf 0 contacts --event "íntranet now" --json
check "nobody" json "d['contacts'] == []"

check "graph gaps" wf 0 graph gaps --json
check "WIKIS is offered (as wikis, WIKIS): only governance is unmet" json "d['unmet_seeks'] == ['governance']"
check "graph gaps, text" wf 0 graph gaps
check "the text says governance" has "^  governance$"
check "and not wikis" sh -c "sed -n '/^You seek/,/^[A-Z]/p' '$TMP/out' | grep -qi wikis && exit 1 || exit 0"
check "graph stats: one org for Engines, ENGINES and engines" wf 0 graph stats --json
check "two organisations" json "d['organisations'] == 2"

echo "1..$n"
[ "$failed" -eq 0 ]
