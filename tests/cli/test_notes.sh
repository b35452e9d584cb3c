#!/bin/sh
# End-to-end tests of notes and follow-ups: listing, correcting and deleting them, and the
# days people type (tomorrow, weekday names, --in, --past), in a fixed time zone that is not
# UTC. Text and JSON output are compared with golden files after the parts that vary from
# run to run (today's date, fingerprints, creation times) are replaced with placeholders.
# TAP output. Arguments: the wallflower binary, the source root.
set -u
WF=$1
GOLDEN=$2/tests/cli/golden
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfnotes.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset WALLFLOWER_STATE_DIR XDG_DATA_HOME
# Asia/Kolkata as a POSIX rule (no tzdata needed): 5:30 ahead of UTC, so that a local day
# and a UTC day differ for five and a half hours of each.
export HOME=$TMP/home LC_ALL=C.UTF-8 TZ=IST-5:30
n=0
failed=0

. "$(dirname "$0")/tap.sh"
says() { grep -qF -- "$1" "$TMP/err" || { sed 's/^/# /' "$TMP/err"; return 1; }; }
# The output with what varies replaced (see subst below), against a golden file; with
# WF_GOLDEN_OUT set, the replaced output is also written there (to make new golden files).
golden() { subst <"$TMP/$2" >"$TMP/norm"; [ -n "${WF_GOLDEN_OUT:-}" ] && cp "$TMP/norm" "$WF_GOLDEN_OUT/$1"; if diff -u "$GOLDEN/$1" "$TMP/norm"; then return 0; else return 1; fi; }

# Days are computed here, in the same time zone, and become placeholders of the same width
# in the output (today....., tomorrow.., week......, month.....); a unix time of a local
# midnight becomes TODAY_T, TOMORROW_T, WEEK_T or MONTH_T. A
# run that starts just before midnight waits for it, so that "today" holds throughout.
left=$((86400 - $(date +%s) % 86400 - 19800))
left=$(((left + 86400) % 86400))
[ "$left" -lt 120 ] && sleep $((left + 2))
TODAY=$(date +%F)
TOMORROW=$(date -d "$TODAY +1 day" +%F)
# Today's weekday name means the same day next week: never today, tomorrow or a month on,
# so that no two placeholders fall on one day, whatever day the test runs.
WEEKDAY=$(date -d "$TODAY" +%A | tr a-z A-Z)
WEEK=$(date -d "$TODAY +7 day" +%F)
# A calendar month on: the same day of the month, or the month's last day.
MONTH=$(python3 -c "
import calendar, datetime
t = datetime.date.fromisoformat('$TODAY')
y, m = (t.year + 1, 1) if t.month == 12 else (t.year, t.month + 1)
print(t.replace(year=y, month=m, day=min(t.day, calendar.monthrange(y, m)[1])))")
midnight() { date -d "$1" +%s; } # the unix time of a local day's start
subst() {
	sed -e "s/\"fingerprint\": \"[a-z0-9-]*\"/\"fingerprint\": \"FPR\"/" \
	    -e "s/\"created\": [0-9]*/\"created\": CREATED/" \
	    -e "s/\"at\": [0-9]*/\"at\": AT/" \
	    -e "s/\"due\": $(midnight "$TOMORROW")\([,}]\)/\"due\": TOMORROW_T\1/" \
	    -e "s/\"due\": $(midnight "$WEEK")\([,}]\)/\"due\": WEEK_T\1/" \
	    -e "s/\"due\": $(midnight "$MONTH")\([,}]\)/\"due\": MONTH_T\1/" \
	    -e "s/\"due\": $(midnight "$TODAY")\([,}]\)/\"due\": TODAY_T\1/" \
	    -e "s/$WEEK/week....../g" -e "s/$MONTH/month...../g" \
	    -e "s/$TOMORROW/tomorrow../g" -e "s/$TODAY/today...../g"
}

# Two people make cards; "me" imports them.
person() { # DIR NAME
	"$WF" --state-dir "$TMP/$1" init --name "$2" >/dev/null &&
	"$WF" --state-dir "$TMP/$1" card -o "$TMP/$1.card" >/dev/null
}
check "Ada makes a card" person ada "Ada Lovelace"
check "Grace makes a card" person grace "Grace Hopper"
export WALLFLOWER_STATE_DIR=$TMP/me
check "I start" wf 0 init --name "Me Myself"
check "import Ada" wf 0 import "$TMP/ada.card"
check "import Grace" wf 0 import "$TMP/grace.card"

# ---- notes ----
check "note --help shows the verbs" sh -c "'$WF' note --help | grep -q 'note edit N TEXT'"
check "no notes yet: an empty listing" wf 0 note Ada
check "nothing listed" test ! -s "$TMP/out"
check "no notes yet: an empty JSON listing" wf 0 note Ada --json
check "the JSON listing is an empty list" sh -c "tr -d ' \n' <'$TMP/out' | grep -qx '{\"schema\":1,\"notes\":\[\]}'"
check "a note" wf 0 note Ada "wants the slides"
check "says its number" has "^Note #1 for Ada Lovelace\.$"
check "a note about someone else" wf 0 note Grace "COBOL stories"
check "a note of several lines" wf 0 note Ada "$(printf 'to read:\n  - the notes on the engine\n\nand tea')"
check "says its number" has "^Note #3 for Ada Lovelace\.$"
check "note CONTACT lists them" wf 0 note Ada
check "the listing matches golden, indents kept" golden notes-list.txt out
check "note CONTACT --json" wf 0 note Ada --json
check "the JSON listing matches golden" golden notes-list.json out
check "the days are local days" sh -c "'$WF' note Ada --json | grep -q '\"date\": \"$TODAY\"'"
check "note edit" wf 0 note edit 1 "wants the slides and the notes"
check "says so" has "^Note #1 changed\.$"
check "the edit shows" sh -c "'$WF' note Ada | grep -q '^#1  $TODAY  wants the slides and the notes\$'"
check "note edit takes '#N' too" wf 0 note edit '#1' "wants the slides, and the notes"
check "note edit with refused text" wf 2 note edit 1 "$(printf 'x\033[2J')"
check "says why" says "a note is 1 to 4096 bytes"
check "the note is as it was" sh -c "'$WF' note Ada | grep -q '^#1  $TODAY  wants the slides, and the notes\$'"
check "note edit of no note" wf 1 note edit 99 "x"
check "says there is none" says "there is no note #99"
check "note edit of a word" wf 2 note edit first "x"
check "quotes it" says "not 'first'"
check "note edit needs TEXT" wf 2 note edit 1
check "note delete" wf 0 note delete 1
check "says so" has "^Note #1 deleted\.$"
check "note delete again" wf 1 note delete 1
check "says there is none" says "there is no note #1"
check "note delete of a negative number" wf 2 note delete -- -1
check "Grace's note stays" sh -c "'$WF' note Grace | grep -q '^#2  $TODAY  COBOL stories\$'"
check "Ada's other note stays" sh -c "'$WF' note Ada --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert [x[\"id\"] for x in d[\"notes\"]] == [3], d'"
check "--json goes with the listing" wf 2 note Ada "x" --json
check "note of nobody" wf 1 note zzz
check "the quoted control character in an echoed number" wf 2 note delete "$(printf '1\033')"
check "is escaped" says "not '1\\x1b'"

# ---- days people type ----
check "--in 1m is ambiguous" wf 2 followup Ada --in 1m "x"
check "says what to say" says "--in '1m' is ambiguous: say 1min for minutes or 1mo for months"
check "--in 1M too" wf 2 followup Ada --in 1M "x"
check "--in 11y is too far" wf 2 followup Ada --in 11y "x"
check "--in 3q means nothing" wf 2 followup Ada --in 3q "x"
check "an --on in the past is refused" wf 2 followup Ada --on 2020-01-01 "long overdue"
check "says add --past" says "--on '2020-01-01' is in the past; add --past if you mean it"
check "yesterday is in the past too" wf 2 followup Ada --on yesterday "x"
check "--past goes with --on" wf 2 followup Ada --in 1d --past "x"
check "--in and --on: one of them" wf 2 followup Ada --in 1d --on tomorrow "x"
check "a day that does not exist" wf 2 followup Ada --on 2026-02-30 "x"
check "a day name that is not one" wf 2 followup Ada --on "next friday" "x"
check "nothing was added by all that" sh -c "'$WF' followup list --json | grep -q '\"followups\": \[\]'"
check "--on with --past" wf 0 followup Grace --on 2020-01-01 --past "long overdue"
check "says the day" has "^Follow-up #1: Grace Hopper, by 2020-01-01\.$"
check "--in 1d" wf 0 followup Ada --in 1d "send the slides"
check "is due tomorrow" has "^Follow-up #2: Ada Lovelace, by $TOMORROW\.$"
check "--on tomorrow" wf 0 followup Grace --on tomorrow "call"
check "is the same day" has "by $TOMORROW\.$"
check "--on a weekday, any case: today's is a week on" wf 0 followup Ada --on "$WEEKDAY" "coffee"
check "is a week on" has "by $WEEK\.$"
check "--on a three-letter weekday" wf 0 followup Ada --on "$(echo "$WEEKDAY" | cut -c1-3 | tr A-Z a-z)" "tea"
check "is the same day" has "by $WEEK\.$"
check "delete that one" wf 0 followup delete 5
check "--in 1mo: a calendar month" wf 0 followup Grace --in 1mo "ask about the talk"
check "is a month on" has "by $MONTH\.$"
check "--on today" wf 0 followup Ada --on today "write"
check "is today" has "by $TODAY\.$"
check "followup list" wf 0 followup list
check "the list matches golden" golden followups-list.txt out
check "followup list --json" wf 0 followup list --json
check "the JSON list matches golden (due: local midnights)" golden followups-list.json out
check "followup list --due" wf 0 followup list --due --json
check "due: the past one and today's" sh -c "python3 -c 'import json,sys; d=json.load(sys.stdin); assert [f[\"id\"] for f in d[\"followups\"]] == [1, 7], d' <'$TMP/out'"

# ---- done, undo, edit, delete ----
check "followup done" wf 0 followup done 1
check "says so" has "^Follow-up #1 done\.$"
check "followup undo" wf 0 followup undo 1
check "says so" has "^Follow-up #1 open again\.$"
check "it is due again" sh -c "'$WF' followup list --due --json | grep -q '\"id\": 1,'"
check "undo of an open one" wf 1 followup undo 1
check "says it was open" says "follow-up #1 was already open"
check "undo of none" wf 1 followup undo 99
check "says there is none" says "there is no follow-up #99"
check "followup edit: the day" wf 0 followup edit 2 --on "$WEEKDAY"
check "says the new day" has "^Follow-up #2: Ada Lovelace, by $WEEK\.$"
check "followup edit: the text" wf 0 followup edit 2 "send the slides and the paper"
check "the day stays" has "by $WEEK\.$"
check "followup edit: both" wf 0 followup edit 3 --in 1w "call back"
check "followup edit to a past day" wf 2 followup edit 3 --on 2020-01-02
check "is refused without --past" says "add --past"
check "followup edit to a past day, --past" wf 0 followup edit 3 --on 2020-01-02 --past
check "followup edit with nothing to change" wf 2 followup edit 3
check "followup edit of none" wf 1 followup edit 99 "x"
check "says there is none" says "there is no follow-up #99"
check "followup edit with two lines" wf 2 followup edit 3 "$(printf 'a\nb')"
check "says why" says "a follow-up is one line"
check "followup edit --in 1m" wf 2 followup edit 3 --in 1m
check "followup delete" wf 0 followup delete 4
check "says so" has "^Follow-up #4 deleted\.$"
check "followup delete again" wf 1 followup delete 4
check "followup done of a deleted one" wf 1 followup done 4
check "followup delete of a word" wf 2 followup delete four
check "--on goes with adding and edit" wf 2 followup delete 5 --on today
check "a done one" wf 0 followup done 3
check "followup list after the changes: done ones last" wf 0 followup list
check "matches golden" golden followups-changed.txt out
check "followup list --json after the changes" wf 0 followup list --json
check "matches golden" golden followups-changed.json out
check "show has the local due days" sh -c "'$WF' show Ada | grep -q '#2 due $WEEK'"


# ---- a running daemon is told, and never holds the change up ----

# After a change, the CLI tells a running daemon (proto/control.md 10.13). Whatever the
# daemon does, the change is made and said, nothing more is printed, and one that never
# answers is waited for at most about a second (CLI_COURTESY_WAIT_MS), not 10 s.
R=$TMP/run
mkdir -m 700 "$R"
cat >"$TMP/mute.py" <<'PY'
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(os.path.join(sys.argv[1], "ctl"))
s.listen(4)
open(os.path.join(sys.argv[1], "ready"), "w").close()
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # read nothing, answer nothing
PY
python3 "$TMP/mute.py" "$R" &
MUTE=$!
trap 'kill "$MUTE" 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
i=0; while [ ! -e "$R/ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
quick_and_quiet() {
	t0=$(date +%s%N)
	WALLFLOWER_RUNTIME_DIR=$R "$WF" note Ada "told a daemon that never answers" >"$TMP/out" 2>"$TMP/err" || return 1
	t=$((($(date +%s%N) - t0) / 1000000))
	echo "# took $t ms"
	grep -q '^Note #[0-9]* for Ada Lovelace\.$' "$TMP/out" && [ ! -s "$TMP/err" ] && [ "$t" -lt 5000 ]
}
check "a note with a daemon that never answers: made, said, nothing else, within 5 s" quick_and_quiet
sed -n 's/^# took/# took/p' "$TMP/check.log"
kill "$MUTE" 2>/dev/null
wait "$MUTE" 2>/dev/null
# A daemon that refuses (the stand-in answers every request "unknown-command").
rm -f "$R/ctl" "$R/ready"
echo '{}' >"$TMP/replies.json"
python3 "$(dirname "$0")/fakewfd.py" "$R" "$TMP/replies.json" &
FAKE=$!
trap 'kill "$FAKE" 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
i=0; while [ ! -e "$R/ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
refused_quietly() {
	WALLFLOWER_RUNTIME_DIR=$R "$WF" followup Ada --in 2d "told a daemon that refuses" >"$TMP/out" 2>"$TMP/err" &&
		grep -q '^Follow-up #[0-9]*: Ada Lovelace' "$TMP/out" && [ ! -s "$TMP/err" ]
}
check "a follow-up with a daemon that refuses: made, said, nothing else" refused_quietly
kill "$FAKE" 2>/dev/null
wait "$FAKE" 2>/dev/null

echo "1..$n"
[ "$failed" -eq 0 ]
