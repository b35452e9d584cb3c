#!/bin/bash
# Card size: our signed card against the vCard 3.0 export and a compact JSON rendering of the
# same fields, for three profiles (minimal, typical, full). Prints one key=value line per
# profile; bench/run reads them. The typical profile is the one the target is judged on:
# the fields most people at a conference fill in.
#
# Usage: cardsize.sh BUILD_DIR
set -eu
BUILD=$(cd "${1:?usage: cardsize.sh BUILD_DIR}" && pwd)
WF=$BUILD/src/cli/wallflower
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfcard.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# profile NAME FIELD=VALUE...: fields with list values repeat the field.
profile() {
	local name=$1 kv f v
	shift
	export WALLFLOWER_STATE_DIR=$TMP/$name
	"$WF" init --name "Ada Lovelace" >/dev/null
	for kv in "$@"; do
		f=${kv%%=*}
		v=${kv#*=}
		case $f in
		email | phone | url | topics | offers | seeks) "$WF" profile add "$f" "$v" >/dev/null ;;
		*) "$WF" profile set "$f" "$v" >/dev/null ;;
		esac
	done
	"$WF" card -o "$TMP/$name.card" >/dev/null
	# The vCard our export writes for this card, once it is someone's contact.
	export WALLFLOWER_STATE_DIR=$TMP/$name-reader
	"$WF" init --name "Reader" >/dev/null
	"$WF" import "$TMP/$name.card" >/dev/null
	"$WF" export --format vcard -o "$TMP/$name.vcf"
	# The same fields as compact JSON: what a card would be as a JSON document, unsigned.
	"$WF" card verify "$TMP/$name.card" --json |
		python3 -c 'import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin)["fields"], separators=(",", ":"), ensure_ascii=False))' \
			>"$TMP/$name.json"
	local card vcf json
	card=$(stat -c %s "$TMP/$name.card")
	vcf=$(stat -c %s "$TMP/$name.vcf")
	json=$(stat -c %s "$TMP/$name.json")
	echo "cardsize profile=$name card=$card vcard=$vcf json=$json" \
		"card_vcard=$(printf %.2f "$(echo "$card / $vcf" | bc -l)")" \
		"card_json=$(printf %.2f "$(echo "$card / $json" | bc -l)")"
}

profile minimal email=ada@example.org
profile typical pronouns=she/her "title=Intranet manager" "org=Analytical Engines Ltd" \
	location=London email=ada@example.org "phone=+44 20 7946 0000" url=https://ada.example.org \
	topics=intranets "topics=knowledge management" topics=governance \
	"offers=mentoring new intranet managers" "seeks=a co-author"
profile full pronouns=she/her "title=Head of Intranet and Digital Workplace" \
	"org=Analytical Engines Ltd" "location=London, United Kingdom" \
	"note=Happy to talk about intranet governance, search and the people side of it." \
	email=ada@example.org email=ada.work@example.org "phone=+44 20 7946 0000" \
	"phone=+44 7700 900123" url=https://ada.example.org url=https://mastodon.example/@ada \
	topics=intranets "topics=knowledge management" topics=governance topics=search \
	"topics=employee experience" "offers=mentoring new intranet managers" \
	"offers=a governance checklist" "seeks=a co-author" "seeks=speakers for a meetup"
