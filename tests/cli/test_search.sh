#!/bin/sh
# End-to-end tests of search (docs/matching.md): `contacts --search` and CONTACT arguments
# match every typed word as the start of a word of a contact's name, organisation, email
# addresses or topics, ignoring case and accents; an ambiguous CONTACT lists the
# candidates; a whole fingerprint names exactly its person. Golden text and JSON, with
# fingerprints, keys, times and dates replaced by placeholders. TAP output.
# Arguments: the wallflower binary, the source root.
set -u
WF=$1
GOLDEN=$2/tests/cli/golden
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfsearch.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset WALLFLOWER_STATE_DIR XDG_DATA_HOME
export HOME=$TMP/home LC_ALL=C.UTF-8 TZ=UTC
n=0
failed=0

. "$(dirname "$0")/tap.sh"
# The names `contacts` printed, one a line, sorted: what a search found.
found() { : >"$TMP/want"; [ $# -eq 0 ] || printf '%s\n' "$@" | sort >"$TMP/want"; sed 's/  .*//' "$TMP/out" | sort >"$TMP/got"; diff -u "$TMP/want" "$TMP/got"; }
# Compares file $2 (after placeholders) with golden file $1. Fingerprints become FPR-<who>
# and their first groups <who>, keys KEY, unix times TIME, dates DATE; in text, runs of
# spaces one space (alignment is the table's business, tested elsewhere).
golden() {
	case $1 in *.json) squeeze= ;; *) squeeze='s/  +/ /g' ;; esac
	sed -f "$TMP/fpr.sed" "$2" |
		sed -E 's/"key": "[0-9a-f]{64}"/"key": "KEY"/; s/"(rev|added|at)": [0-9]+/"\1": TIME/' |
		sed -E "s/[0-9]{4}-[0-9]{2}-[0-9]{2}/DATE/g; $squeeze" >"$TMP/norm"
	diff -u "$GOLDEN/$1" "$TMP/norm"
}

# Each person makes a card; "me" imports them, and a placeholder for each fingerprint.
: >"$TMP/fpr.sed"
person() { # WHO NAME ORG EMAIL TOPIC (empty: none)
	d=$TMP/$1
	"$WF" --state-dir "$d" init --name "$2" >/dev/null || return 1
	[ -z "$3" ] || "$WF" --state-dir "$d" profile set org "$3" || return 1
	[ -z "$4" ] || "$WF" --state-dir "$d" profile add email "$4" || return 1
	[ -z "$5" ] || "$WF" --state-dir "$d" profile add topics "$5" || return 1
	"$WF" --state-dir "$d" card -o "$d.card" >/dev/null || return 1
	"$WF" --state-dir "$TMP/me" import "$d.card" --event "Intranet Now" >"$TMP/imp" || return 1
	fpr=$(sed -n 's/^Added .* (\([a-z0-9-]*\)).*$/\1/p' "$TMP/imp")
	[ ${#fpr} -eq 29 ] || return 1
	echo "$fpr" >"$TMP/$1.fpr"
	printf 's/%s/FPR-%s/g\ns/ %s / %s /g\n' "$fpr" "$1" "$(echo "$fpr" | cut -c1-4)" "$1" \
		>>"$TMP/fpr.sed"
}
check "I start" "$WF" --state-dir "$TMP/me" init --name "Me Myself"
check "Zoë" person zoe "Zoë Washington" "Serenity" "" ""
check "María" person maria "María Carreño" "Universidad de Málaga" "" "Wikis"
check "Mariana" person mariana "Mariana Costa" "" "mc@example.org" "ｗｉｋｉｓ"
check "Grace" person grace "Grace Hopper" "US Navy" "grace@navy.mil" "COBOL"
check "Ada" person ada "Ada Lovelace" "Analytical Engines" "" ""
check "Adam" person adam "Adam Smith" "Markets" "" ""
export WALLFLOWER_STATE_DIR=$TMP/me

# contacts --search
check "search ZOË" wf 0 contacts --search ZOË
check "finds Zoë" found "Zoë Washington"
check "search ZOË: golden text" golden search-zoe.txt "$TMP/out"
check "search ZOË --json" wf 0 contacts --search ZOË --json
check "search ZOË: golden JSON" golden search-zoe.json "$TMP/out"
check "search maria" wf 0 contacts --search maria
check "finds María and Mariana" found "María Carreño" "Mariana Costa"
check "search maria: golden text" golden search-maria.txt "$TMP/out"
check "search 'maria carreno'" wf 0 contacts --search "maria carreno"
check "finds María alone" found "María Carreño"
check "search hopper" wf 0 contacts --search hopper
check "finds Grace" found "Grace Hopper"
check "search 'grace hop' --json" wf 0 contacts --search "grace hop" --json
check "search 'grace hop': golden JSON" golden search-grace.json "$TMP/out"
check "search navy (org and email)" wf 0 contacts --search navy
check "finds Grace by navy" found "Grace Hopper"
check "search a topic in fullwidth" wf 0 contacts --search ＷＩＫＩ
check "finds both wiki people" found "María Carreño" "Mariana Costa"
check "search inside a word finds nobody" wf 0 contacts --search opper
check "nobody" found
check "search with a wildcard finds nobody" wf 0 contacts --search "%race"
check "nobody for a wildcard" found
check "search nobody --json" wf 0 contacts --search zzz --json
check "search nobody: golden JSON" golden search-none.json "$TMP/out"

# CONTACT arguments
check "show hopper" wf 0 show hopper
check "shows Grace" has "^Grace Hopper"
check "show ZOË" wf 0 show ZOË
check "shows Zoë" has "^Zoë Washington"
check "show maria: a whole word names María" wf 0 show maria
check "shows María" has "^María Carreño"
check "show ada: a whole word names Ada" wf 0 show ada
check "shows Ada" has "^Ada Lovelace"
check "show mari is ambiguous" wf 1 show mari
check "lists the candidates: golden" golden search-ambiguous.err "$TMP/err"
check "show nobody" wf 1 show zzz
check "says no contact" grep -q "no contact matches" "$TMP/err"

# A fingerprint argument: whole (with or without dashes, any case) or a prefix. Someone
# whose name is Grace's fingerprint, group by group, does not take it.
grace=$(cat "$TMP/grace.fpr")
check "Spoof" person spoof "$(echo "$grace" | tr '-' ' ')" "" "" ""
check "show by whole fingerprint" wf 0 show "$grace"
check "shows Grace, not the spoof" has "^Grace Hopper"
check "show by whole fingerprint, upper case, no dashes" wf 0 show "$(echo "$grace" | tr -d - | tr a-z A-Z)"
check "shows Grace again" has "^Grace Hopper"
check "show by a fingerprint prefix that is also a name's words: both" wf 1 show "$(echo "$grace" | cut -c1-9)"
check "lists Grace and the spoof" sh -c "grep -q 'Grace Hopper' '$TMP/err' && grep -c '^  ' '$TMP/err' | grep -qx 2"
adam=$(cut -c1-9 "$TMP/adam.fpr")
check "show by fingerprint prefix" wf 0 show "$adam"
check "shows Adam" has "^Adam Smith"

echo "1..$n"
[ "$failed" -eq 0 ]
