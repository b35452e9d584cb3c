#!/bin/bash
# Card size: our signed card against the vCard 3.0 export and a compact JSON rendering of the
# same fields, for three profiles (minimal, typical, full). Prints one key=value line per
# profile; bench/run reads them. The typical profile is the one the target is judged on:
# the fields most people at a conference fill in.
#
# And what the card costs as a QR code (issue 15): the version `card --qr` draws (byte mode,
# level M), the armored text's size, the vCard QR's bytes and version, and the version a
# compact card v2 with integer payload keys would need: the same card less what its string
# keys cost beyond a one-byte integer (an estimate; the versions for a byte count come from
# the qrencode tool, the same libqrencode).
#
# Usage: cardsize.sh BUILD_DIR
set -eu
BUILD=$(cd "${1:?usage: cardsize.sh BUILD_DIR}" && pwd)
WF=$BUILD/src/cli/wallflower
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfcard.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# qr_version BYTES: the smallest QR version holding BYTES bytes in byte mode at level M.
qr_version() {
	head -c "$1" /dev/zero | tr '\0' x | qrencode -8 -l M -m 0 -t ASCII -o - | head -1 |
		awk '{ print (length($0) / 2 - 17) / 4 }'
}

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
	local card vcf json qr armor vq vqv keys v2
	card=$(stat -c %s "$TMP/$name.card")
	vcf=$(stat -c %s "$TMP/$name.vcf")
	json=$(stat -c %s "$TMP/$name.json")
	# The QR codes, as the user makes them.
	export WALLFLOWER_STATE_DIR=$TMP/$name
	qr=$("$WF" card --qr -o "$TMP/$name.png" | sed -n 's/.*(version \([0-9]*\),.*/\1/p')
	armor=$("$WF" card --armor | wc -c)
	vq=$("$WF" card --qr --vcard -o "$TMP/$name-vcard.png" 2>/dev/null)
	vqv=$(echo "$vq" | sed -n 's/.*(version \([0-9]*\),.*/\1/p')
	vq=$(echo "$vq" | sed -n 's/.*persona (\([0-9]*\) bytes).*/\1/p')
	# v2: every payload key (the fields, v, key, rev, issued) a positive fixint instead of a
	# fixstr: saves the key's length in bytes.
	keys=$("$WF" card verify "$TMP/$name.card" --json |
		python3 -c 'import json,sys; print(sum(len(k) for k in json.load(sys.stdin)["fields"]) + len("v") + len("key") + len("rev") + len("issued"))')
	v2=$((card - keys))
	echo "cardsize profile=$name card=$card vcard=$vcf json=$json" \
		"card_vcard=$(printf %.2f "$(echo "$card / $vcf" | bc -l)")" \
		"card_json=$(printf %.2f "$(echo "$card / $json" | bc -l)")" \
		"qr=$qr armor=$armor vcard_qr_bytes=$vq vcard_qr=$vqv v2=$v2 v2_qr=$(qr_version "$v2")"
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
