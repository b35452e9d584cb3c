#!/bin/sh
# Handing a card over without the network (proto/card.md, "Handing a card over"): armored
# text through mail and chat (text around it, CRLF, "> " quoting, two blocks, damage), QR
# codes drawn by libqrencode and read back by libzbar (PNG, SVG, a photo-like JPEG, the
# terminal's half-blocks), and the plain vCard QR a phone camera reads, decoded by zbarimg
# and parsed by python3-vobject. Hostile input gets one line on stderr and changes nothing
# stored. TAP output. Arguments: the wallflower binary, the source root.
set -u
WF=$1
case $WF in /*) ;; *) WF=$(pwd)/$WF ;; esac
SRC=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfhand.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset WALLFLOWER_STATE_DIR XDG_DATA_HOME
export HOME=$TMP/home LC_ALL=C.UTF-8 TZ=UTC
n=0
failed=0

. "$(dirname "$0")/tap.sh"
# The system's python has python3-pil and python3-vobject (scripts/install-deps).
PY=/usr/bin/python3
QT="$PY $SRC/tests/cli/qrtool.py"
if ! command -v zbarimg >/dev/null 2>&1 || ! $PY -c 'import PIL, vobject' 2>/dev/null; then
	echo "1..0 # SKIP zbar-tools, python3-pil or python3-vobject missing (scripts/install-deps)"
	exit 0
fi
BEGIN='-----BEGIN WALLFLOWER CARD-----'
END='-----END WALLFLOWER CARD-----'
magic() { [ "$(head -c $(($(printf %s "$2" | wc -c) / 2)) "$1" | od -An -tx1 | tr -d ' \n')" = "$2" ]; }
one_line_err() { [ "$(wc -l <"$TMP/err")" -eq 1 ] && err_has "$1"; }
# The store as JSON, to show that a refusal changed nothing.
snapshot() { "$WF" contacts --json >"$TMP/$1.json"; }
unchanged() { "$WF" contacts --json | cmp -s - "$TMP/$1.json"; }
zb() { zbarimg --nodbus -q --raw "$@" 2>/dev/null; }

person() { # DIR NAME [ORG EMAIL]
	"$WF" --state-dir "$TMP/$1" init --name "$2" >/dev/null &&
	{ [ -z "${3:-}" ] || "$WF" --state-dir "$TMP/$1" profile set org "$3" >/dev/null; } &&
	{ [ -z "${4:-}" ] || "$WF" --state-dir "$TMP/$1" profile add email "$4" >/dev/null; }
}
person bo "Bo Diddley" "Chess Records" bo@example.org || not_ok "Bo starts"
person cy "Cy Twombly" "" "" || not_ok "Cy starts"
person di "Di Fragile" "" "" || not_ok "Di starts"
person eve "Eve Ning" "" "" || not_ok "Eve starts"
export WALLFLOWER_STATE_DIR=$TMP/me
check "I start" wf 0 init --name "Ada Lovelace"
as() { d=$1; shift; "$WF" --state-dir "$TMP/$d" "$@"; }

# ---- armored text ----
check "card --armor -o" sh -c "'$WF' --state-dir '$TMP/bo' card --armor -o '$TMP/bo.asc' >'$TMP/out'"
check "says it wrote it, armored" has "armored) to $TMP/bo.asc"
check "the BEGIN line, base64 lines of 64 at most, the END line" sh -c "
	head -1 '$TMP/bo.asc' | grep -qx -- '$BEGIN' && tail -1 '$TMP/bo.asc' | grep -qx -- '$END' &&
	sed '1d;\$d' '$TMP/bo.asc' | grep -qvE '^[A-Za-z0-9+/=]{1,64}\$' && exit 1;
	[ \$(wc -l <'$TMP/bo.asc') -ge 4 ]"
check "the text is the binary card in base64" sh -c "sed '1d;\$d' '$TMP/bo.asc' | base64 -d >'$TMP/bo.bin' &&
	'$WF' card verify '$TMP/bo.bin' | grep -q 'Bo Diddley'"
check "card --armor to a terminal is allowed (it is text)" sh -c \
	"script -qec \"'$WF' --state-dir '$TMP/bo' card --armor\" /dev/null | grep -q -- '$BEGIN'"
check "card verify reads armor" wf 0 card verify "$TMP/bo.asc"
check "and says who" has "Bo Diddley"
check "card --armor | import -" sh -c "'$WF' --state-dir '$TMP/bo' card --armor | '$WF' import - >'$TMP/out'"
check "Bo is added" grep -q "^Added Bo Diddley" "$TMP/out"

# A mail: a greeting, the card quoted with '> ' and CRLF line ends, trailing blanks, a signature.
as cy card --armor -o "$TMP/cy.asc" >/dev/null
{ printf 'Hi Ada,\r\n\r\nOn Monday Cy wrote:\r\n'; sed 's/^/> /; s/$/  \r/' "$TMP/cy.asc"; printf '\r\nSee you!\r\n-- \r\nBo\r\n'; } >"$TMP/mail.txt"
check "import a quoted CRLF mail" wf 0 import "$TMP/mail.txt" --event "Mail Day"
check "Cy is added, at the event" has "Added Cy Twombly .*recorded meeting at Mail Day"
check "quoted twice (> > )" sh -c "sed 's/^/> /' '$TMP/mail.txt' | '$WF' import - | grep -q 'Already have'"

# Two blocks in one chat message.
as di card --armor -o "$TMP/di.asc" >/dev/null
as eve card --armor -o "$TMP/eve.asc" >/dev/null
{ echo "here are both:"; cat "$TMP/di.asc"; echo "and"; cat "$TMP/eve.asc"; echo "bye"; } >"$TMP/two.txt"
check "import two blocks of one text" wf 0 import "$TMP/two.txt"
check "one line each, named by where the block is" sh -c "grep -q 'two.txt (block at line 2): Added Di Fragile' '$TMP/out' &&
	grep -q 'two.txt (block at line [0-9]*): Added Eve Ning' '$TMP/out'"
check "card verify refuses a text with two cards" wf 1 card verify "$TMP/two.txt"
check "saying so in one line" one_line_err "holds 2 cards"

# ---- damaged armor: one line, nothing stored ----
snapshot before
as eve card --armor -o "$TMP/eve2.asc" >/dev/null
sed '3s/^./*/' "$TMP/eve2.asc" >"$TMP/bad-char.asc"
check "a line with a character outside base64: exit 1" wf 1 import "$TMP/bad-char.asc"
check "one clear line naming the line" one_line_err "damaged armor: a character that is not base64 (line 3)"
check "nothing changed" unchanged before
# Flip one base64 letter for another: still base64, but no longer Eve's signed bytes.
sed '3s/^\(.\)/\1/; 3y/ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz/BCDEFGHIJKLMNOPQRSTUVWXYZAbcdefghijklmnopqrstuvwxyza/' \
	"$TMP/eve2.asc" >"$TMP/flip.asc"
check "a changed letter: exit 1" wf 1 import "$TMP/flip.asc"
check "an invalid card, in one line" one_line_err "invalid card:"
check "nothing changed" unchanged before
head -n 3 "$TMP/eve2.asc" >"$TMP/cut.asc"
check "a block cut short: exit 1" wf 1 import "$TMP/cut.asc"
check "says the END line is missing" one_line_err "damaged armor: the text ends, or another block begins, before its END line"
{ cat "$TMP/bad-char.asc"; cat "$TMP/eve2.asc"; } >"$TMP/bad-good.txt"
check "a damaged block beside a good one: exit 1" wf 1 import "$TMP/bad-good.txt"
check "the good one is still imported" has "(block at line 7): Updated Eve Ning"
check "the bad one is named" err_has "(block at line 1): damaged armor"
printf 'Dear Ada, I forgot to attach it.\n' >"$TMP/noblock.txt"
check "a text without a block" wf 1 import "$TMP/noblock.txt"
check "one line" one_line_err "invalid card"

# ---- QR codes ----
check "card --qr -o PNG" sh -c "'$WF' --state-dir '$TMP/bo' card --qr -o '$TMP/bo.png' >'$TMP/out'"
check "says the version and the level" has "as a QR code (version [0-9]*, level M)"
check "PNG magic" magic "$TMP/bo.png" 89504e470d0a1a0a
check "zbarimg reads the exact card bytes (binary mode)" sh -c "zbarimg --nodbus -q --raw -Sbinary '$TMP/bo.png' 2>/dev/null >'$TMP/bo-zbar.card' &&
	'$WF' card verify '$TMP/bo-zbar.card' | grep -q 'Bo Diddley'"
check "import FILE.png" wf 0 import "$TMP/bo.png"
check "a newer card of Bo's updates him" has "^Updated Bo Diddley"
cp "$TMP/bo.png" "$TMP/bo-png.jpg"
check "the kind comes from the bytes, not the name" wf 0 card verify "$TMP/bo-png.jpg"
check "card --qr -o SVG" sh -c "'$WF' --state-dir '$TMP/cy' card --qr -o '$TMP/cy.svg' >/dev/null"
check "the SVG is well-formed and its code reads back" $QT svg "$TMP/cy.svg" "$TMP/cy-svg.png"
check "import of the SVG drawn again" wf 0 import "$TMP/cy-svg.png"
check "import refuses an SVG itself, saying why" wf 1 import "$TMP/cy.svg"
check "one line" one_line_err "an SVG picture; QR codes are read from PNG or JPEG"
as di card --qr -o "$TMP/di.png" >/dev/null
check "a photo-like JPEG (scaled, turned 7 degrees, blurred, on grey)" $QT photo "$TMP/di.png" "$TMP/di.jpg"
check "JPEG magic" magic "$TMP/di.jpg" ffd8ff
check "import FILE.jpg" wf 0 import "$TMP/di.jpg" --event "Photo Day"
check "Di is updated, met at the event" has "Updated Di Fragile.*recorded meeting at Photo Day"
check "light on dark (a dark terminal's screenshot)" $QT invert "$TMP/di.png" "$TMP/di-dark.png"
check "reads too" wf 0 card verify "$TMP/di-dark.png"
as eve card --qr -o "$TMP/eve.png" >/dev/null
check "two codes in one picture" $QT pair "$TMP/bo.png" "$TMP/eve.png" "$TMP/pair.png"
check "import both" wf 0 import "$TMP/pair.png"
check "two lines, each named by its code" sh -c "grep -q 'pair.png (QR code [12]): .*Bo Diddley' '$TMP/out' &&
	grep -q 'pair.png (QR code [12]): .*Eve Ning' '$TMP/out'"

# The terminal: half-blocks, black on white; read back through a picture of them.
check "card --qr without -o: half-blocks" sh -c "'$WF' --state-dir '$TMP/cy' card --qr >'$TMP/cy.term'"
check "drawn with half-block characters" grep -q '▀' "$TMP/cy.term"
check "in black on white" grep -q "$(printf '\033\\[30;107m')" "$TMP/cy.term"
check "the half-blocks read back as the card" sh -c "$QT halfblock '$TMP/cy.term' '$TMP/cy-term.png' &&
	'$WF' card verify '$TMP/cy-term.png' | grep -q 'Cy Twombly'"
check "on a wide terminal: drawn, with a line saying what to do with it" sh -c "script -qec \"stty cols 200; '$WF' --state-dir '$TMP/cy' card --qr\" /dev/null >'$TMP/out'; grep -q '▀' '$TMP/out' && grep -q \"they run 'wallflower import' on a photo\" '$TMP/out'"
check "a terminal too narrow for it: exit 1" sh -c "script -qec \"stty cols 40; '$WF' --state-dir '$TMP/cy' card --qr\" /dev/null >'$TMP/out'; grep -q 'columns wide and the terminal 40' '$TMP/out'"

# ---- the vCard QR for people without wallflower ----
as bo profile set title "Guitarist, singer; writer" >/dev/null
as bo profile add phone "+1 312 555 0100" >/dev/null
check "card --qr --vcard -o PNG" sh -c "'$WF' --state-dir '$TMP/bo' card --qr --vcard -o '$TMP/bo-vcard.png' >'$TMP/out' 2>'$TMP/err'"
check "says the version, at most 11" grep -qE "version ([1-9]|1[01]), level M" "$TMP/out"
check "nothing left out" test ! -s "$TMP/err"
check "zbarimg decodes it" sh -c "zbarimg --nodbus -q --raw '$TMP/bo-vcard.png' 2>/dev/null | head -c -1 >'$TMP/bo.vcf'"
check "the vCard, byte for byte" sh -c "printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Diddley\r\nN:Diddley;Bo;;;\r\nEMAIL:bo@example.org\r\nTEL:+1 312 555 0100\r\nORG:Chess Records\r\nTITLE:Guitarist\\\\, singer\\\\; writer\r\nEND:VCARD\r\n' | cmp - '$TMP/bo.vcf'"
check "python3-vobject parses it: FN, ORG, EMAIL" $QT vcard "$TMP/bo.vcf" "Bo Diddley" "Chess Records" bo@example.org
check "import refuses it: no signed card in it" wf 1 import "$TMP/bo-vcard.png"
check "one line" one_line_err "invalid card"
for i in 1 2 3 4; do as bo profile add url "https://bo-diddley-number-$i.example.org/a/long/path" >/dev/null; done
check "a long profile: the vCard QR still made" sh -c "'$WF' --state-dir '$TMP/bo' card --qr --vcard -o '$TMP/bo-long.png' >'$TMP/out' 2>'$TMP/err'"
check "what was left out is said" err_has "left out of the vCard to keep its QR code small (at most 251 bytes): url"
check "its size stays within version 11" sh -c "zbarimg --nodbus -q --raw '$TMP/bo-long.png' 2>/dev/null | head -c -1 | wc -c | awk '{ exit !(\$1 <= 251) }' && grep -qE 'version ([1-9]|1[01]),' '$TMP/out'"

# ---- hostile pictures: one line, nothing stored ----
snapshot before
$PY -c "from PIL import Image; Image.new('L', (200, 200), 255).save('$TMP/blank.png')"
check "a picture without a code: exit 1" wf 1 import "$TMP/blank.png"
check "one line" one_line_err "no QR code found in the picture"
head -c 300 "$TMP/bo.png" >"$TMP/cut.png"
check "a PNG cut short: exit 1" wf 1 import "$TMP/cut.png"
check "one line" one_line_err "cut.png'*: .*PNG"
printf '\377\330\377\340garbage' >"$TMP/junk.jpg"
check "a JPEG of garbage: exit 1" wf 1 import "$TMP/junk.jpg"
check "one line" one_line_err "not a JPEG that can be read"
$PY -c "
import struct, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
open('$TMP/huge.png', 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 100000, 100000, 8, 0, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(b'')) + chunk(b'IEND', b''))"
check "a PNG claiming 100000x100000 pixels: exit 1" wf 1 import "$TMP/huge.png"
check "refused before allocating" one_line_err "100000x100000 pixels"
check "nothing changed" unchanged before

# ---- a card too big for any QR code ----
person big "Big Card" "" "" || not_ok "Big starts"
as big profile set note "$(head -c 1000 /dev/zero | tr '\0' n)" >/dev/null
for i in 1 2 3 4 5 6; do as big profile add url "https://example.org/$i/$(head -c 200 /dev/zero | tr '\0' u)" >/dev/null; done
check "card --qr of a card over 2331 bytes: exit 1" sh -c "! '$WF' --state-dir '$TMP/big' card --qr -o '$TMP/big.png' 2>'$TMP/err'"
check "one line saying why" one_line_err "do not fit in a QR code (at most 2331 at level M)"
check "and no picture" test ! -e "$TMP/big.png"
check "the same card armored imports" sh -c "'$WF' --state-dir '$TMP/big' card --armor | '$WF' import - | grep -q 'Added Big Card'"

# ---- the command line ----
check "--armor and --qr together: usage" wf 2 card --armor --qr
check "--vcard without --qr: usage" wf 2 card --vcard
check "--qr -o FILE.jpg: usage" wf 2 card --qr -o "$TMP/x.jpg"
check "and writes nothing" test ! -e "$TMP/x.jpg"
check "card verify --armor: usage" wf 2 card verify --armor "$TMP/bo.asc"
check "--help names --armor, --qr and --vcard" sh -c "'$WF' card --help | grep -q -- '--armor' &&
	'$WF' card --help | grep -q -- '--vcard' && '$WF' import --help | grep -qi 'QR'"

check "completion offers --armor, --qr and --vcard" sh -c "'$WF' complete words card -- >'$TMP/out' &&
	grep -q '^--armor' '$TMP/out' && grep -q '^--qr' '$TMP/out' && grep -q '^--vcard' '$TMP/out'"

echo "1..$n"
[ "$failed" -eq 0 ]
