#!/bin/sh
# Output people can read and scripts can rely on: the contacts table lines up by display
# width (wide characters and emoji count two columns), is cut with an ellipsis and gets a
# header only on a terminal; `show` keeps multi-line notes indented; `contacts --json`,
# `show --json` and the JSON export give the same contact object; golden text and JSON of
# contacts and show. TAP output. Arguments: the wallflower binary, the source root.
set -u
WF=$1
SRC=$2
GOLDEN=$SRC/tests/cli/golden
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfout.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset WALLFLOWER_STATE_DIR XDG_DATA_HOME COLUMNS
export HOME=$TMP/home LC_ALL=C.UTF-8 TZ=UTC
n=0
failed=0

. "$(dirname "$0")/tap.sh"
# tty COLS ARGS...: wallflower ARGS with its output on a terminal COLS wide, into $TMP/out.
tty() { cols=$1; shift; python3 "$SRC/tests/cli/ptyrun.py" "$cols" "$WF" "$@" >"$TMP/out" 2>"$TMP/err"; }
# golden NAME: $TMP/out, with what varies replaced (placeholders), is tests/cli/golden/NAME.
golden() {
	sed -E -f "$TMP/vary.sed" "$TMP/out" >"$TMP/out.fixed"
	# WF_UPDATE_GOLDEN=1 rewrites the golden files instead: read the diff.
	[ -z "${WF_UPDATE_GOLDEN:-}" ] || cp "$TMP/out.fixed" "$GOLDEN/$1"
	if diff -u "$GOLDEN/$1" "$TMP/out.fixed" >"$TMP/diff"; then return 0; fi
	sed 's/^/# /' "$TMP/diff"
	return 1
}
columns() { python3 "$SRC/tests/cli/columns.py" "$@"; }

# Three people with names of different display widths: four wide characters (8 columns
# in 12 bytes), a combining-free accent (3 columns in 4 bytes), an emoji (2 columns).
person() { # DIR NAME ORG
	"$WF" --state-dir "$TMP/$1" init --name "$2" >/dev/null &&
	"$WF" --state-dir "$TMP/$1" profile set org "$3" &&
	"$WF" --state-dir "$TMP/$1" card -o "$TMP/$1.card" >/dev/null
}
check "東京太郎 makes a card" person taro "東京太郎" "東京工業"
check "Zoë makes a card" person zoe "Zoë" "Zed Co"
"$WF" --state-dir "$TMP/zoe" profile set pronouns "she/her"
"$WF" --state-dir "$TMP/zoe" profile add topics "Wikis"
"$WF" --state-dir "$TMP/zoe" profile set note "$(printf 'Two lines\nof card note')"
"$WF" --state-dir "$TMP/zoe" card -o "$TMP/zoe.card" >/dev/null
check "😀 Smile makes a card" person smile "😀 Smile" "Smiles Ltd"
export WALLFLOWER_STATE_DIR=$TMP/me
check "I start" wf 0 init --name "Me Myself"
check "import 東京太郎" wf 0 import "$TMP/taro.card" --event "Intranet Now"
check "import Zoë" wf 0 import "$TMP/zoe.card" --event "Intranet Now"
check "import 😀 Smile via Zoë" wf 0 import "$TMP/smile.card" --via "Zoë" --event Meetup
check "a note of two lines" wf 0 note "Zoë" "$(printf 'Wants the slides\nand the recording')"
check "a second note" wf 0 note "Zoë" "Met again"
check "a follow-up" wf 0 followup "Zoë" --on 2099-01-01 "Send the slides"
check "another" wf 0 followup "東京" --on 2099-02-03 "お茶"

# What varies from run to run: fingerprints (placeholders aaaa-... in the order of
# `contacts`, the first group alone too), keys, revisions (card times), today's date, and
# the times in JSON.
"$WF" contacts --json >"$TMP/contacts.json"
python3 - "$TMP/contacts.json" >"$TMP/vary.sed" <<'PY'
import json, sys
for i, c in enumerate(json.load(open(sys.argv[1]))["contacts"]):
    f, p = c["fingerprint"], "abcdefgh"[i] * 4
    print("s/%s/%s/g" % (f, "-".join([p] * 6)))
    print("s/(^|[^a-z2-7-])%s($|[^a-z2-7-])/\\1%s\\2/g" % (f[:4], p))
PY
cat >>"$TMP/vary.sed" <<EOF2
s/[0-9a-f]{64}/KEY/g
s/^(  rev +)[0-9]+\$/\\1REV/
s/$(date +%F)/YYYY-MM-DD/g
s/"(rev|added|at|created)": [0-9]+/"\\1": 0/
EOF2
check "three contacts, placeholders for each" test "$(grep -c '^s/[a-z2-7-]*/' "$TMP/vary.sed")" -eq 3
# The first groups of their fingerprints, as the table shows them: one column.
FPRS=$(python3 -c 'import json,sys; print(",".join(c["fingerprint"][:4] for c in json.load(open(sys.argv[1]))["contacts"]))' "$TMP/contacts.json")

# ---- the table: display width, not bytes ----
check "contacts" wf 0 contacts
check "contacts: no header off a terminal" sh -c "! grep -q '^NAME' '$TMP/out'"
check "contacts: fingerprint and organisation columns line up (display width)" \
	columns "$TMP/out" "$FPRS" "Zed Co,東京工業,Smiles Ltd" "$(date +%F)"
check "contacts: whole values off a terminal" sh -c "grep -q '東京工業' '$TMP/out' && ! grep -q '…' '$TMP/out'"
check "contacts matches golden" golden contacts.txt
check "contacts on a terminal" tty 100 contacts
check "a header line on a terminal" sh -c "head -1 '$TMP/out' | grep -q '^NAME  *FPR  *ORGANISATION  *LAST MET\$'"
check "a terminal wide enough: nothing is cut" sh -c "! grep -q '…' '$TMP/out'"
check "a wide terminal: still aligned" columns "$TMP/out" --skip 1 "$FPRS" "Zed Co,東京工業,Smiles Ltd"
check "contacts on a terminal 30 columns wide" tty 30 contacts
check "cut to 30 columns, aligned" columns "$TMP/out" --skip 1 --max 30 "$FPRS"
check "an ellipsis marks each cut" sh -c "grep -c '…' '$TMP/out' | grep -qx 4"
check "contacts on a terminal 44 columns wide" tty 44 contacts
check "44 columns: the last column gives way, dates stay whole; matches golden" golden contacts-tty44.txt
check "COLUMNS alone sets the width when the terminal says none" sh -c "COLUMNS=24 python3 -c '
import os, pty, subprocess, sys
m, s = pty.openpty()
# winsize left at 0x0: the terminal does not say
p = subprocess.Popen(sys.argv[1:], stdout=s, env=dict(os.environ, COLUMNS=\"24\"))
os.close(s)
out = b\"\"
while True:
    try:
        b = os.read(m, 4096)
    except OSError:
        break
    if not b:
        break
    out += b
p.wait()
sys.stdout.buffer.write(out.replace(b\"\\r\\n\", b\"\\n\"))' '$WF' contacts >'$TMP/out' && python3 '$SRC/tests/cli/columns.py' '$TMP/out' --skip 1 --max 24"

# ---- show: everything, multi-line text indented under its first line ----
check "show Zoë" wf 0 show "Zoë"
check "show matches golden" golden show.txt
check "the note's second line is indented under its first" python3 -c "
lines = open('$TMP/out', encoding='utf-8').read().splitlines()
i = next(n for n, l in enumerate(lines) if l.endswith('Wants the slides'))
assert lines[i + 1] == ' ' * lines[i].index('Wants') + 'and the recording', lines[i:i + 2]
j = next(n for n, l in enumerate(lines) if l.endswith('Two lines'))
assert lines[j + 1] == ' ' * lines[j].index('Two') + 'of card note', lines[j:j + 2]"
check "show lists the follow-up" sh -c "grep -q 'follow-ups #1 due 2099-01-01  Send the slides' '$TMP/out'"
check "show --json" wf 0 show "Zoë" --json
check "show --json matches golden" golden show.json
check "show --json carries what the text shows" python3 -c "
import json
d = json.load(open('$TMP/out'))
assert list(d)[:2] == ['schema', 'fingerprint'] and d['schema'] == 1, d
assert [n['text'] for n in d['notes']] == ['Wants the slides\nand the recording', 'Met again'], d
assert [(f['text'], f['done']) for f in d['followups']] == [('Send the slides', False)], d
assert d['met'][0]['event'] == 'Intranet Now' and d['fields']['pronouns'] == 'she/her', d"
cp "$TMP/contacts.json" "$TMP/out"
check "contacts --json matches golden" golden contacts.json

# ---- one contact object in contacts --json, show --json and the export ----
check "export --format json" wf 0 export --format json -o "$TMP/export.json"
for who in "Zoë" "東京太郎" "😀 Smile"; do
	"$WF" show "$who" --json >"$TMP/show.json"
	check "$who: the same contact object in contacts, show and export" python3 -c "
import json, sys
contacts = json.load(open('$TMP/contacts.json'))
show = json.load(open('$TMP/show.json'))
export = json.load(open('$TMP/export.json'))
for d in (contacts, show, export):
    assert list(d)[0] == 'schema' and d['schema'] == 1, d
assert list(export)[:2] == ['schema', 'format'] and export['format'] == 'wallflower-export'
del show['schema']
a = [c for c in contacts['contacts'] if c['fingerprint'] == show['fingerprint']]
b = [c for c in export['contacts'] if c['fingerprint'] == show['fingerprint']]
assert show['fields']['name'] == sys.argv[1], show
assert len(a) == 1 and a[0] == show, (a, show)
assert len(b) == 1 and b[0] == show, (b, show)
assert list(show) == ['fingerprint', 'key', 'rev', 'added', 'introduced_by', 'fields', 'met', 'notes', 'followups', 'verified', 'in_person'], list(show)
" "$who"
done
check "the introducer is in the contact object" python3 -c "
import json
c = [c for c in json.load(open('$TMP/contacts.json'))['contacts'] if c['fields']['name'] == '😀 Smile']
assert c[0]['introduced_by'] == 'Zoë' and [m['event'] for m in c[0]['met']] == ['Meetup'], c"

# ---- nearby and inbox: the daemon's lists as tables (a stand-in daemon answers) ----
R=$TMP/run
mkdir -m 700 "$R"
cat >"$TMP/replies.json" <<'EOF2'
{
 "nearby": {"ok": true, "peers": [
  {"id": "1", "instance": "taro", "handle": "東京太郎", "status": "open",
   "topics": ["wikis", "検索"], "common": {"topics": ["wikis"], "you_offer": [], "you_seek": []},
   "same_event": true, "addr": "192.0.2.1", "port": 4000},
  {"id": "12", "instance": "zoe", "handle": "Zoë", "status": "quiet", "topics": ["design"],
   "common": {"topics": [], "you_offer": [], "you_seek": []}, "same_event": false,
   "addr": "192.0.2.2", "port": 4000,
   "contact": {"id": 1, "name": "Zoë", "fingerprint": "abcd-efgh-ijkl-mnop-qrst-uvwx",
               "event": "Intranet Now", "met": 0}},
  {"id": "103", "instance": "smile", "handle": "😀 Smile\u001b[2J", "status": "open", "topics": ["emoji"],
   "common": {"topics": [], "you_offer": ["emoji"], "you_seek": []}, "same_event": false,
   "addr": "192.0.2.3", "port": 4000}]},
 "inbox": {"ok": true, "held_back": {"busy": 0, "by": {}}, "offers": [
  {"id": 7, "name": "東京太郎", "fingerprint": "tttt-aaaa-rrrr-oooo-tttt-aaaa", "from": "192.0.2.1",
   "note": "はじめまして", "common": {"topics": ["wikis"], "you_offer": [], "you_seek": []},
   "reply": true, "received": 0, "expires": 0, "event": null},
  {"id": 12, "name": "Zoë", "fingerprint": "zzzz-oooo-eeee-zzzz-oooo-eeee", "from": "192.0.2.2",
   "same_name_as": "abcd-efgh-ijkl-mnop-qrst-uvwx",
   "common": {"topics": [], "you_offer": [], "you_seek": []},
   "reply": true, "received": 0, "expires": 0, "event": null},
  {"id": 130, "name": "😀 Smile", "fingerprint": "ssss-mmmm-iiii-llll-eeee-ssss",
   "common": {"topics": [], "you_offer": [], "you_seek": []},
   "reply": false, "received": 0, "expires": 0, "event": null}]}
}
EOF2
python3 "$SRC/tests/cli/fakewfd.py" "$R" "$TMP/replies.json" 2>"$TMP/fakewfd.log" &
FAKE=$!
trap 'kill "$FAKE" 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
i=0
while [ ! -e "$R/ready" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
# rows_columns GROUP...: columns.py on the rows of $TMP/out, not the detail lines under
# them (which start with six spaces).
rows_columns() { grep -v '^      ' "$TMP/out" >"$TMP/rows" && columns "$TMP/rows" "$@"; }
check "nearby" wf 0 nearby --runtime-dir "$R"
check "nearby: ids right-aligned, columns line up (display width)" \
	rows_columns '  1 , 12 ,103 ' '東京太郎,Zoë,😀 Smile' 'open,quiet' 'wikis,design,emoji'
check "nearby: the escape from the daemon does not reach the terminal" python3 -c "
o = open('$TMP/out', encoding='utf-8').read()
assert '\x1b' not in o and '😀 Smile [2J' in o, o"
check "nearby matches golden" golden nearby.txt
check "nearby on a terminal 40 columns wide" tty 40 nearby --runtime-dir "$R"
check "nearby, 40 columns: a header, rows and details cut" columns "$TMP/out" --max 40
check "nearby, 40 columns, matches golden" golden nearby-tty40.txt
check "inbox" wf 0 inbox --runtime-dir "$R"
check "inbox: columns line up (display width)" \
	rows_columns '  7 , 12 ,130 ' '東京太郎,Zoë,😀 Smile' 'tttt-aaaa,zzzz-oooo,ssss-mmmm'
check "inbox matches golden" golden inbox.txt
check "nearby --json is the daemon's list under peers" wf 0 nearby --json --runtime-dir "$R"
check "three peers, schema first" python3 -c "
import json; d = json.load(open('$TMP/out'))
assert list(d) == ['schema', 'peers'] and [p['id'] for p in d['peers']] == ['1', '12', '103'], d"
check "inbox --json is the daemon's list under offers" wf 0 inbox --json --runtime-dir "$R"
check "three offers, schema first" python3 -c "
import json; d = json.load(open('$TMP/out'))
assert list(d) == ['schema', 'offers'] and [o['id'] for o in d['offers']] == [7, 12, 130], d"
kill "$FAKE"

# ---- what the user typed is quoted in errors ----
check "accept of a non-number" wf 2 accept "$(printf 'x\033[2J')" --runtime-dir "$R"
check "says it, quoted, without the escape" python3 -c "
e = open('$TMP/err', encoding='utf-8').read()
assert \"'x\\\\x1b[2J' is not an offer number\" in e and '\x1b' not in e, e"
check "nearby with an argument" wf 2 nearby "$(printf 'a\033b')" --runtime-dir "$R"
check "unexpected argument, quoted" python3 -c "
e = open('$TMP/err', encoding='utf-8').read()
assert \"unexpected argument 'a\\\\x1bb'\" in e and '\x1b' not in e, e"

echo "1..$n"
[ "$failed" -eq 0 ]
