#!/bin/sh
# End-to-end tests of vCard import (issue 15): vCards from people without wallflower, as
# Apple Contacts, Google Contacts and Thunderbird export them (written here), become
# unverified contacts, shown as such in contacts, show, --json and the exports; the same
# vCard again changes nothing; hostile files are refused with one line and nothing stored;
# forget removes an unverified contact's bytes; the vCard export gives back the bytes that
# came in. Golden text and JSON in tests/cli/golden. TAP output.
# Arguments: the wallflower binary, the source root.
set -u
WF=$1
SRC=$2
GOLDEN=$SRC/tests/cli/golden
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfvcard.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset WALLFLOWER_STATE_DIR XDG_DATA_HOME
export HOME=$TMP/home LC_ALL=C.UTF-8 TZ=UTC
n=0
failed=0

. "$(dirname "$0")/tap.sh"
# golden FILE: $TMP/out, with what varies (the directory, fingerprints, keys, dates and
# times) replaced, is FILE. WF_GOLDEN_UPDATE=1 writes the golden files anew.
golden() {
	sed -E -e "s|$TMP|TMP|g" -e 's/[a-z2-7]{4}(-[a-z2-7]{4}){5}/FPR/g' \
		-e 's/"key": "[0-9a-f]{64}"/"key": "KEY"/' -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}/DATE/g' \
		-e 's/"(added|at)": [0-9]+/"\1": TIME/' "$TMP/out" >"$TMP/norm"
	[ -n "${WF_GOLDEN_UPDATE:-}" ] && cp "$TMP/norm" "$GOLDEN/$1"
	if diff -u "$GOLDEN/$1" "$TMP/norm" >"$TMP/diff"; then return 0; else sed 's/^/# /' "$TMP/diff"; return 1; fi
}
# people: how many people the store holds.
people() { sqlite3 "$WALLFLOWER_STATE_DIR/wallflower.db" "SELECT count(*) FROM person"; }
same_count() { [ "$(people)" = "$1" ] || { echo "# $(people) people, want $1"; return 1; }; }
# refused FILE WHAT: import FILE exits 1 with one line on stderr that says WHAT, and the
# store holds as many people as before.
refused() {
	before=$(people)
	"$WF" import "$1" >"$TMP/out" 2>"$TMP/err"
	got=$?
	[ "$got" -eq 1 ] || { echo "# exit $got, want 1"; return 1; }
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || { sed 's/^/# /' "$TMP/err"; return 1; }
	grep -q -- "$2" "$TMP/err" || { sed 's/^/# /' "$TMP/err"; return 1; }
	[ ! -s "$TMP/out" ] && same_count "$before"
}
in_store() { grep -q -a -F -- "$1" "$WALLFLOWER_STATE_DIR/wallflower.db" "$WALLFLOWER_STATE_DIR/wallflower.db-wal" 2>/dev/null; }

command -v sqlite3 >/dev/null || { echo "1..0 # SKIP: sqlite3 is not installed"; exit 0; }

# Apple Contacts: vCard 3.0, CRLF, folded lines, item groups, escapes, a small PHOTO.
printf '%s\r\n' 'BEGIN:VCARD' 'VERSION:3.0' 'PRODID:-//Apple Inc.//macOS 14.0//EN' \
	'N:Lovelace;Ada;;;' 'FN:Ada Lovelace' 'ORG:Analytical Engines\, Ltd;Research' \
	'TITLE:Programmer' 'item1.EMAIL;type=INTERNET;type=pref:ada@example.org' \
	'TEL;type=CELL;type=VOICE;type=pref:+44 20 7946 0000' \
	'item2.URL;type=pref:https\://ada.example.org/' \
	'NOTE:Met at the Difference Engine demo.\nLikes poetry\; and ma' ' ths.' \
	'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDB' \
	' QNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJ' \
	'CATEGORIES:computing,poetry' 'X-ABShowAs:PERSON' \
	'UID:0D9F1A2B-3C4D-5E6F-7081-92A3B4C5D6E7' 'END:VCARD' >"$TMP/apple.vcf"
# Google Contacts: vCard 3.0 with LF, no UID; named .txt: import goes by content.
printf '%s\n' 'BEGIN:VCARD' 'VERSION:3.0' 'FN:Grace Hopper' 'N:Hopper;Grace;;;' \
	'EMAIL;TYPE=INTERNET;TYPE=WORK:grace@navy.example' 'TEL;TYPE=CELL:+1 202 555 0100' \
	'ORG:US Navy' 'CATEGORIES:myContacts,cobol' 'END:VCARD' >"$TMP/google.txt"
# Thunderbird: vCard 4.0, two in one file.
printf '%s\r\n' 'BEGIN:VCARD' 'VERSION:4.0' 'FN:María José Núñez' 'EMAIL;PREF=1:maria@example.es' \
	'END:VCARD' 'BEGIN:VCARD' 'VERSION:4.0' 'N:Ødegård;Zoë;;;' \
	'UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1' 'END:VCARD' >"$TMP/thunderbird.vcf"

export WALLFLOWER_STATE_DIR=$TMP/me
check "I start" wf 0 init --name "Me Myself"
check "import --help speaks of vCards" sh -c "'$WF' import --help | grep -q 'vCard'"

# ---- realistic vCards ----

check "import Apple's vCard" wf 0 import "$TMP/apple.vcf" --event "Intranet Now"
check "import Apple's: golden" golden import-vcard-apple.txt
check "import Google's (.txt) and Thunderbird's two, via Ada" \
	wf 0 import "$TMP/google.txt" "$TMP/thunderbird.vcf" --via "ada lovelace"
check "import several: golden, one line per contact" golden import-vcard-several.txt
check "four people" same_count 4
check "contacts marks them unverified" wf 0 contacts
check "contacts: golden" golden contacts-vcard.txt
check "show says unverified, no key" wf 0 show ada
check "show: golden" golden show-vcard.txt
check "show has no fingerprint line" sh -c "! grep -q signer '$TMP/out'"
check "contacts --json" wf 0 contacts --json
check "contacts --json: golden" golden contacts-vcard.json
check "contacts --json: verified is false for each" python3 -c "
import json; d = json.load(open('$TMP/out'))
assert d['schema'] == 1 and len(d['contacts']) == 4
assert all(c['verified'] is False for c in d['contacts']), d"
check "completion lists their names" sh -c "'$WF' complete contacts | grep -qx 'Zoë Ødegård'"
check "completion offers no fingerprint of theirs" sh -c "[ -z \"\$('$WF' complete fingerprints)\" ]"
check "search finds an unverified contact by email" wf 0 contacts --search navy
check "... Grace" has "Grace Hopper"
check "topics from CATEGORIES" wf 0 contacts --topic cobol
check "... Grace again" has "Grace Hopper"

# ---- the same vCard again; the same UID with other bytes ----

check "the same vCard again: nothing new" wf 0 import "$TMP/apple.vcf"
check "... says it already has it" has "^Already have this vCard of Ada Lovelace"
check "... and no duplicate" same_count 4
sed 's/Programmer/Poet/' "$TMP/apple.vcf" >"$TMP/apple2.vcf"
check "the same UID, other bytes: updated" wf 0 import "$TMP/apple2.vcf"
check "... says updated" has "^Updated"
check "... still no duplicate" same_count 4
check "... the new title shows" sh -c "'$WF' show ada | grep -q Poet"
check "Google's again (no UID, same bytes): nothing new" wf 0 import - <"$TMP/google.txt"
check "... no duplicate" same_count 4

# ---- exports ----

check "CSV export has a verified column" wf 0 export --format csv
check "... 'no' for each" sh -c "head -1 '$TMP/out' | grep -q ',verified,in_person' && [ \$(grep -c ',no,.\$' '$TMP/out') -eq 4 ]"
check "JSON export" wf 0 export --format json
check "... verified false" python3 -c "
import json; d = json.load(open('$TMP/out'))
assert [c['verified'] for c in d['contacts']] == [False] * 4, d"
check "GraphML export marks unverified people" wf 0 export --format graphml
check "... an attribute" sh -c "grep -q 'attr.name=\"verified\"' '$TMP/out' && grep -q '>false<' '$TMP/out'"
check "GEXF export marks unverified people" wf 0 export --format gexf
check "... an attribute" sh -c "grep -q 'title=\"verified\"' '$TMP/out' && grep -q 'value=\"false\"' '$TMP/out'"
# Round trip: in a store of its own, Apple's vCard comes out as it went in.
check "round trip: import into a new store" sh -c "'$WF' --state-dir '$TMP/rt' init --name R >/dev/null && '$WF' --state-dir '$TMP/rt' import '$TMP/apple.vcf' >/dev/null"
check "round trip: vCard 3.0 export is the imported bytes" sh -c "'$WF' --state-dir '$TMP/rt' export -o '$TMP/rt.vcf' && cmp '$TMP/apple.vcf' '$TMP/rt.vcf'"
check "round trip: vCard 4.0 export too" sh -c "'$WF' --state-dir '$TMP/rt' export --format vcard4 | cmp '$TMP/apple.vcf' -"

# ---- hostile vCards: one line each, nothing stored ----

printf 'BEGIN:VCARD\nVERSION:3.0\nEMAIL:nobody@example.org\nEND:VCARD\n' >"$TMP/nofn.vcf"
check "no FN and no N: refused" refused "$TMP/nofn.vcf" "no name"
printf 'BEGIN:VCARD\nVERSION:3.0\nFN:Junk\nNOTE:PK\003\004\000\000\010\000\377\376\nEND:VCARD\n' >"$TMP/junk.vcf"
check "binary junk in a vCard: refused" refused "$TMP/junk.vcf" "line 4: control character or binary data"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' >"$TMP/junk2.vcf"
# (its first bytes say PNG: it is read as a picture of a QR code, and is not one)
check "binary junk named .vcf: not a vCard, not a card" refused "$TMP/junk2.vcf" "not a PNG that can be read"
{ printf 'BEGIN:VCARD\nVERSION:3.0\nFN:Long\nX-LONG:'; head -c 9000 /dev/zero | tr '\0' x; printf '\nEND:VCARD\n'; } >"$TMP/long.vcf"
check "an overlong line: refused" refused "$TMP/long.vcf" "line 4: line too long"
{ printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Photo\r\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n'; head -c 770000 /dev/zero | base64 -w 74 | sed 's/^/ /;s/$/\r/'; printf 'END:VCARD\r\n'; } >"$TMP/photo.vcf"
check "a PHOTO of 1 MB: refused" refused "$TMP/photo.vcf" "vCard too big"
printf 'BEGIN:VCARD\nVERSION:3.0\nFN:Bad \377\376 UTF-8\nEND:VCARD\n' >"$TMP/utf8.vcf"
check "bad UTF-8: refused" refused "$TMP/utf8.vcf" "not valid UTF-8"
printf 'BEGIN:VCARD\nVERSION:3.0\nFN:Evil \033[31mRed\nEND:VCARD\n' >"$TMP/ctl.vcf"
check "a control character: refused" refused "$TMP/ctl.vcf" "control character"
printf 'BEGIN:VCARD\nVERSION:3.0\nFN:Esc\\nAped\nEND:VCARD\n' >"$TMP/ctl2.vcf"
check "an escaped line break in a name: refused" refused "$TMP/ctl2.vcf" "field 'name'"
printf 'BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Ren=E9\nEND:VCARD\n' >"$TMP/qp.vcf"
check "vCard 2.1 quoted-printable: refused" refused "$TMP/qp.vcf" "vCard 2.1 is not read"
cat "$TMP/google.txt" "$TMP/nofn.vcf" >"$TMP/half.vcf"
check "a good vCard and a bad one: neither stored" refused "$TMP/half.vcf" "line 10"
check "the store is sound" sh -c "sqlite3 '$TMP/me/wallflower.db' 'PRAGMA integrity_check; PRAGMA foreign_key_check' | tr -d '\\n' | grep -qx ok"

# ---- forget ----

check "forget an unverified contact" wf 0 forget "ada lovelace" --yes
check "... says so, unverified" has "^Forgot Ada Lovelace (unverified)"
check "... three people left" same_count 3
check "... her vCard's bytes are gone from the store" sh -c "! grep -q -a -F 'X-ABShowAs' '$TMP/me/wallflower.db' '$TMP/me/wallflower.db-wal' 2>/dev/null"

echo "1..$n"
[ "$failed" -eq 0 ]
