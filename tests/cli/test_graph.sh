#!/bin/sh
# graph stats, hubs and gaps from the outside, on a network small enough to work out by
# hand (the figures below were, not copied from the output):
#
#   Ada (Engines; compilers, offers mentoring)  met at Conf 2026-01-10
#   Bo  (Engines; wikis, offers search tuning)  met at Conf 2026-01-10
#   Cy  (Pitchers; baseball, curveballs)        introduced by Ada, met at Meetup 2026-03-05
#   Di  (Kaisha; open data, translation)        met at Meetup 2026-03-05 and Fair 2026-06-01
#   Eve (Pitchers; pitching, scouting)          introduced by Cy, never met
#   you: seek governance, mentoring, open source; at Conf, Meetup and Fair (met_at edges)
#
# Hubs, over the 10 pairs of you and the four others each time (docs/graph.md): Cy is on
# every shortest path between Eve and the rest (4 pairs) and between Ada and Di: 5/10; Ada
# between Bo and Cy, and Bo and Eve: 2/10; nobody else. Eve reaches you only through Cy
# (reach 1). The people graph (you left out): Ada-Bo, Ada-Cy, Cy-Di, Cy-Eve; Cy has three
# contacts tied to none of each other (effective size 3, constraint 3 * (1/3)^2), Ada two
# (2, 2 * (1/2)^2). Gaps: nobody holds governance or a topic sharing a word with it; Di
# knows open data (the word "open"), and Cy, who met Di at Meetup, is the hub to ask: the
# next step is "wallflower ask 'Cy Young' --for 'open source'". Introductions (import
# --via): Cy introduced you to Eve, Ada to Cy; with --top 1 Ada is no hub, and still shown.
# Selections: since 2026-03-01 keeps Cy and Di; at Meetup since 2026-04-01, Di alone.
# TAP output. Arguments: the wallflower binary, the source root.
set -u
WF=$1
SRC=$2
GOLDEN=$SRC/tests/cli/golden
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfgraph.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset WALLFLOWER_STATE_DIR XDG_DATA_HOME COLUMNS
export HOME=$TMP/home LC_ALL=C.UTF-8 TZ=UTC
n=0
failed=0

. "$(dirname "$0")/tap.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP: python3 is not installed"; exit 0; }
# golden NAME: $TMP/out is tests/cli/golden/NAME.
golden() {
	if diff -u "$GOLDEN/$1" "$TMP/out" >"$TMP/diff"; then return 0; fi
	sed 's/^/# /' "$TMP/diff"
	return 1
}
# json PYEXPR: PYEXPR holds of the document in $TMP/out (as d); near(x, y) for numbers.
json() {
	python3 -c "import json,math; d=json.load(open('$TMP/out'))
def near(x, y): return x is not None and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
assert $1, d"
}
err_is() { [ "$(cat "$TMP/err")" = "$1" ] || { sed 's/^/# /' "$TMP/err"; return 1; }; }
out_is() { [ "$(cat "$TMP/out")" = "$1" ] || { sed 's/^/# /' "$TMP/out"; return 1; }; }

person() { # DIR NAME ORG TOPIC OFFER
	"$WF" --state-dir "$TMP/$1" init --name "$2" >/dev/null &&
	"$WF" --state-dir "$TMP/$1" profile set org "$3" &&
	"$WF" --state-dir "$TMP/$1" profile add topics "$4" &&
	"$WF" --state-dir "$TMP/$1" profile add offers "$5" &&
	"$WF" --state-dir "$TMP/$1" card -o "$TMP/$1.card" >/dev/null
}
check "Ada makes a card" person ada "Ada Lovelace" Engines compilers mentoring
check "Bo makes a card" person bo "Bo Builder" Engines wikis "search tuning"
check "Cy makes a card" person cy "Cy Young" Pitchers baseball curveballs
check "Di makes a card" person di "Di Dao" Kaisha "open data" translation
check "Eve makes a card" person eve "Eve Evans" Pitchers pitching scouting
export WALLFLOWER_STATE_DIR=$TMP/me
check "I start" wf 0 init --name "Me Myself"
check "I seek governance" wf 0 profile add seeks governance
check "I seek mentoring" wf 0 profile add seeks mentoring
check "I seek open source" wf 0 profile add seeks "open source"
check "import Ada and Bo" wf 0 import "$TMP/ada.card" "$TMP/bo.card"
check "import Cy via Ada" wf 0 import "$TMP/cy.card" --via Ada
check "import Di" wf 0 import "$TMP/di.card"
check "import Eve via Cy" wf 0 import "$TMP/eve.card" --via "Cy Young"
check "met Ada at Conf" wf 0 met Ada --event Conf --on 2026-01-10
check "met Bo at Conf" wf 0 met "Bo Builder" --event Conf --on 2026-01-10
check "met Cy at Meetup" wf 0 met "Cy Young" --event Meetup --on 2026-03-05
check "met Di at Meetup" wf 0 met "Di Dao" --event Meetup --on 2026-03-05
check "met Di at Fair" wf 0 met "Di Dao" --event Fair --on 2026-06-01

# ---- stats ----
check "graph stats" wf 0 graph stats
check "graph stats: golden" golden graph-stats.txt
check "graph stats --json" wf 0 graph stats --json
# Organisations 2, 2, 1 of 5: Blau 1 - 9/25; ten topics one each: 0.9. Edges: 5 meetings,
# 3 of yours at events, 2 introductions, 10 topics, 5 organisations, 3 seeks.
check "the whole network, no selection" json "d['people'] == 5 and d['events'] == 3 and d['organisations'] == 3 and d['topics'] == 10 and d['edges'] == 28 and near(d['organisation_diversity']['blau'], 0.64) and near(d['topic_diversity']['blau'], 0.9) and 'selection' not in d and 'whole' not in d"
check "graph stats --since" wf 0 graph stats --since 2026-03-01
check "graph stats --since: golden" golden graph-stats-since.txt
check "graph stats --since --json" wf 0 graph stats --since 2026-03-01 --json
# Cy and Di: Pitchers and Kaisha (Blau 1/2, even); four topics (3/4).
check "Cy and Di beside everyone" json "d['people'] == 2 and d['events'] == 2 and d['organisations'] == 2 and d['topics'] == 4 and near(d['organisation_diversity']['blau'], 0.5) and near(d['organisation_diversity']['evenness'], 1) and near(d['topic_diversity']['blau'], 0.75) and d['selection'] == {'since': '2026-03-01', 'people': 2} and d['whole']['people'] == 5 and near(d['whole']['organisation_diversity']['blau'], 0.64) and list(d)[-2:] == ['selection', 'whole']"
check "graph stats --event --since" wf 0 graph stats --event " MEETUP" --since 2026-04-01
check "graph stats --event --since: golden" golden graph-stats-event.txt
check "graph stats --event --since --json" wf 0 graph stats --event meetup --since 2026-04-01 --json
# Di alone: Meetup and Fair, her two topics, Kaisha; 10 edges (2 meetings, your 2, 2
# topics, 1 organisation, and your 3 seeks: what you seek stays in every view).
check "Di alone, the event as first written" json "d['people'] == 1 and d['events'] == 2 and d['organisations'] == 1 and d['topics'] == 2 and d['edges'] == 10 and d['selection'] == {'since': '2026-04-01', 'event': 'Meetup', 'people': 1} and d['whole']['edges'] == 28"
check "graph stats --event alone" wf 0 graph stats --event Conf --json
check "Ada and Bo" json "d['people'] == 2 and d['organisations'] == 1 and d['selection'] == {'event': 'Conf', 'people': 2}"
check "an unknown event" wf 2 graph stats --event Metup
check "did you mean Meetup" err_is "wallflower: unknown event 'Metup'; did you mean 'Meetup'?"
check "a bad date" wf 2 graph stats --since 2026-02-30
check "says the form" err_has "YYYY-MM-DD"
check "a selection that holds nobody" wf 0 graph stats --since 2026-07-01 --json
check "nobody, everyone beside" json "d['people'] == 0 and d['selection']['people'] == 0 and d['whole']['people'] == 5"
check "--since goes with stats only" wf 2 graph hubs --since 2026-01-01
check "graph map is its own verb" wf 2 graph --json map

# ---- hubs ----
cyfpr=$("$WF" contacts --search Cy --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["contacts"][0]["fingerprint"])')
check "graph hubs" wf 0 graph hubs
check "graph hubs: golden" golden graph-hubs.txt
check "graph hubs --json" wf 0 graph hubs --json
check "Cy then Ada, by hand" json "[h['name'] for h in d['hubs']] == ['Cy Young', 'Ada Lovelace'] and d['exact'] is True and list(d) == ['schema', 'hubs', 'exact', 'introducers']"
check "Cy: 5/10, reach 1, size 3, constraint 1/3" json "near(d['hubs'][0]['betweenness'], 0.5) and d['hubs'][0]['reach'] == 1 and near(d['hubs'][0]['effective_size'], 3) and near(d['hubs'][0]['constraint'], 1 / 3)"
check "Ada: 2/10, reach 0, size 2, constraint 1/2" json "near(d['hubs'][1]['betweenness'], 0.2) and d['hubs'][1]['reach'] == 0 and near(d['hubs'][1]['effective_size'], 2) and near(d['hubs'][1]['constraint'], 0.5)"
check "graph hubs --top 1" wf 0 graph hubs --top 1 --json
check "Cy alone" json "[h['name'] for h in d['hubs']] == ['Cy Young']"
evefpr=$("$WF" contacts --search Eve --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["contacts"][0]["fingerprint"])')
check "graph hubs --json" wf 0 graph hubs --json
check "each hub: whom they introduced you to" json "[[(i['name'], i['fingerprint']) for i in h['introduced']] for h in d['hubs']] == [[('Eve Evans', '$evefpr')], [('Cy Young', '$cyfpr')]]"
check "every introducer, hub or not" json "[(x['name'], [i['name'] for i in x['introduced']]) for x in d['introducers']] == [('Ada Lovelace', ['Cy Young']), ('Cy Young', ['Eve Evans'])] and list(d) == ['schema', 'hubs', 'exact', 'introducers']"
check "graph hubs --top 1, as text" wf 0 graph hubs --top 1
check "Ada, no hub there, still introduced you to Cy" out_is "1.  Cy Young  0.500  1  3.00  0.333
(score: the share of pairs of people whose shortest paths run through them;
 reach: people you reach only through them; docs/graph.md)
Introductions:
  Cy Young introduced you to: Eve Evans
  Ada Lovelace introduced you to: Cy Young"

# ---- gaps ----
check "graph gaps" wf 0 graph gaps
check "graph gaps: golden" golden graph-gaps.txt
check "graph gaps --json" wf 0 graph gaps --json
check "two unmet, mentoring offered" json "d['unmet_seeks'] == ['governance', 'open source'] and [u['topic'] for u in d['unmet']] == d['unmet_seeks']"
check "governance: no lead, nobody to ask" json "d['unmet'][0]['leads'] == [] and d['unmet'][0]['ask'] is None"
check "open source: Di (open data), ask Cy via Di" json "[(l['name'], l['topic']) for l in d['unmet'][1]['leads']] == [('Di Dao', 'open data')] and d['unmet'][1]['ask']['name'] == 'Cy Young' and d['unmet'][1]['ask']['via'] == 'Di Dao'"
check "the hub's fingerprint is Cy's" json "d['unmet'][1]['ask']['fingerprint'] == '$cyfpr'"
check "the next step, as a command" json "d['unmet'][1]['ask']['command'] == \"wallflower ask 'Cy Young' --for 'open source'\""
# What a shell makes of the command: ask, the hub, --for and the topic, four words.
cmd=$(python3 -c "import json; print(json.load(open('$TMP/out'))['unmet'][1]['ask']['command'])")
argv() { eval "set -- $cmd" && [ $# -eq 5 ] && [ "$1" = wallflower ] && [ "$2" = ask ] &&
	[ "$3" = "Cy Young" ] && [ "$4" = --for ] && [ "$5" = "open source" ]; }
check "a shell reads it back as typed" argv

echo "1..$n"
[ "$failed" -eq 0 ]
