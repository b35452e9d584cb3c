#!/bin/sh
# End-to-end tests of what every command shares: only init creates a store (the daemon
# too refuses to), failed output fails the command, arguments come back escaped in
# messages, help, did-you-mean and the version. TAP output.
# Arguments: the wallflower binary, the source root, the wallflowerd binary.
set -u
WF=$1
SRC=$2
WFD=$3
GOLDEN=$SRC/tests/cli/golden
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfplumb.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset WALLFLOWER_STATE_DIR XDG_DATA_HOME WALLFLOWER_RUNTIME_DIR
export HOME="$TMP/home" LC_ALL=C.UTF-8
n=0
failed=0

. "$(dirname "$0")/tap.sh"
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# err_is TEXT: stderr is that one line, exactly.
err_is() { printf '%s\n' "$1" | diff -u - "$TMP/err"; }
golden_err() { diff -u "$GOLDEN/$1" "$TMP/err"; }
golden_out() { diff -u "$GOLDEN/$1" "$TMP/out"; }

# ---- only init creates a store ----

E=$TMP/empty
mkdir -m 700 "$E"
NOSTORE="wallflower: no wallflower store in $E; run 'wallflower init'"
# Every command that reads the store, on a state directory without one. A verb that is
# still a stub ("not built yet") is skipped, so that this list need not change when it
# is built.
for v in "contacts" "contacts --json" "show ada" "note ada hello" "followup list" \
	"followup ada --in 2d call" "graph stats" "graph hubs" "export --format csv" \
	"export --format json" "profile show" "profile list" "profile set name Ada" \
	"topics" "events" "blocked" "sent" "met ada --event X" "forget ada --yes" "unblock ada"; do
	# shellcheck disable=SC2086 # the words of $v are the arguments
	"$WF" --state-dir "$E" $v >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if grep -q "not built yet" "$TMP/err"; then
		skip "no store: $v" "the verb is a stub"
		continue
	fi
	check "no store: $v exits 1 with the message" sh -c \
		"[ $rc -eq 1 ] && printf '%s\n' \"$NOSTORE\" | diff -u - '$TMP/err'"
	check "no store: $v creates nothing" sh -c "[ -z \"\$(ls -A '$E')\" ]"
done
# A state directory that does not exist is not made either.
check "no state dir: contacts exits 1" wf 1 --state-dir "$TMP/nowhere/state" contacts
check "no state dir: the message" err_is \
	"wallflower: no wallflower store in $TMP/nowhere/state; run 'wallflower init'"
check "no state dir: nothing made" test ! -e "$TMP/nowhere"
# The environment's state directory, as --state-dir.
check "WALLFLOWER_STATE_DIR without a store" sh -c \
	"! WALLFLOWER_STATE_DIR='$E' '$WF' contacts 2>'$TMP/err' && grep -qF \"$NOSTORE\" '$TMP/err' && [ ! -e '$E/wallflower.db' ]"
# A command that needs the identity first names init too.
check "no identity: card exits 1" wf 1 --state-dir "$E" card -o "$TMP/x.card"
check "no identity: it names init, and nothing is made" sh -c \
	"grep -q \"'wallflower init'\" '$TMP/err' && [ -z \"\$(ls -A '$E')\" ] && [ ! -e '$TMP/x.card' ]"

# init makes the store; with an identity but no store, init makes only the store.
S=$TMP/state
check "init creates identity and store" wf 0 --state-dir "$S" init --name "Ada Lovelace"
check "the store is there, 0600" test "$(stat -c %a "$S/wallflower.db")" = 600
check "contacts works after init" wf 0 --state-dir "$S" contacts
cp "$S/identity.key" "$TMP/key.before"
rm -f "$S/wallflower.db" "$S/wallflower.db-wal" "$S/wallflower.db-shm"
check "store removed: profile show refuses" wf 1 --state-dir "$S" profile show
check "store removed: the message" err_is "wallflower: no wallflower store in $S; run 'wallflower init'"
check "store removed: still none" test ! -e "$S/wallflower.db"
check "init then makes the store, keeping the identity" wf 0 --state-dir "$S" init
check "init says it kept the identity" grep -q "^Kept your identity" "$TMP/out"
check "the identity is unchanged" cmp -s "$S/identity.key" "$TMP/key.before"
check "the new store is 0600" test "$(stat -c %a "$S/wallflower.db")" = 600
check "profile show works again" wf 0 --state-dir "$S" profile show
check "init with both present still refuses" wf 1 --state-dir "$S" init
check "the refusal" grep -q "refusing to overwrite" "$TMP/err"
rm -f "$S/wallflower.db" "$S/wallflower.db-wal" "$S/wallflower.db-shm"
check "init --name with an identity but no store" wf 0 --state-dir "$S" init --name "Ada L"
check "the name is in the new store" sh -c "'$WF' --state-dir '$S' profile show | grep -q 'Ada L'"

# The daemon: no store, no start, nothing made. It stops before the control socket,
# avahi or any listener; timeout bounds a daemon that would go on all the same.
R=$TMP/run
check "wallflowerd -d without a store exits 1" sh -c \
	"WALLFLOWER_ALLOW_ROOT=1 timeout 10 '$WFD' -d --state-dir '$E' --runtime-dir '$R' 2>'$TMP/err'; [ \$? -eq 1 ]"
check "wallflowerd -d names the store and init" grep -qF "no wallflower store in $E; run 'wallflower init'" "$TMP/err"
check "wallflowerd made no store" sh -c "[ -z \"\$(ls -A '$E')\" ]"
check "wallflowerd left no control socket" test ! -e "$R/ctl"
# Without -d it logs to syslog, and says it on stderr too when that is a pipe (as for
# wallflower start): the CLI's message, word for word.
check "wallflowerd without -d: the same message through a pipe" sh -c \
	"WALLFLOWER_ALLOW_ROOT=1 timeout 10 '$WFD' --state-dir '$E' --runtime-dir '$R' 2>&1 | cat >'$TMP/err'; grep -qxF \"wallflowerd: no wallflower store in $E; run 'wallflower init'\" '$TMP/err'"
check "still no store" sh -c "[ -z \"\$(ls -A '$E')\" ]"
# wallflower start passes the daemon's reason on. With an identity but no store it gets
# as far as starting the daemon, which says why it cannot.
I=$TMP/identity-only
"$WF" --state-dir "$I" init >/dev/null && rm -f "$I/wallflower.db" "$I/wallflower.db-wal" "$I/wallflower.db-shm"
check "start without a store: exit 1" sh -c \
	"WALLFLOWER_ALLOW_ROOT=1 WALLFLOWERD='$WFD' timeout 30 '$WF' --state-dir '$I' start --runtime-dir '$TMP/run2' 2>'$TMP/err'; [ \$? -eq 1 ]"
check "start without a store: the daemon's reason" grep -qF \
	"wallflower: wallflowerd did not start: no wallflower store in $I; run 'wallflower init'" "$TMP/err"
check "start without a store: none made" test ! -e "$I/wallflower.db"

# ---- output that cannot be written fails the command ----

export WALLFLOWER_STATE_DIR="$S"
"$WF" profile add topics "intranets" >/dev/null
for v in "--help" "help" "--version" "id" "id --json" "profile show" "profile show --json" \
	"profile list" "graph stats" "graph stats --json" "help contacts"; do
	# shellcheck disable=SC2086
	check "/dev/full: $v exits 1" sh -c "'$WF' $v >/dev/full 2>'$TMP/err'; [ \$? -eq 1 ]"
	check "/dev/full: $v says why, once" sh -c \
		"[ \$(wc -l <'$TMP/err') -eq 1 ] && grep -q 'No space left on device' '$TMP/err'"
done
# A reader that is gone: the command ends quietly and not with 0 (SIGPIPE, as for cat),
# even when our parent ignores SIGPIPE.
epipe() { # IGNORE(0|1) ARGS...
	python3 - "$WF" "$@" <<'PY'
import os, signal, subprocess, sys
wf, ignore, args = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
r, w = os.pipe()
os.close(r)
pre = (lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN)) if ignore else None
p = subprocess.run([wf] + args, stdout=w, stderr=subprocess.PIPE, preexec_fn=pre)
os.close(w)
assert p.returncode != 0, "exit 0 with nobody reading"
assert p.stderr == b"", p.stderr
PY
}
check "closed pipe: help fails quietly" epipe 0 help
check "closed pipe: profile show fails quietly" epipe 0 profile show
check "closed pipe, SIGPIPE ignored by the parent: still quiet, still non-zero" epipe 1 profile show --json

# ---- what the user typed comes back escaped ----

ESC=$(printf '\033')
RLO=$(printf '\342\200\256') # U+202E RIGHT-TO-LEFT OVERRIDE
BAD="x${ESC}[31my${RLO}z"
# raw_free: stderr holds neither the raw ESC nor the raw bidi control, but the escapes.
raw_free() {
	! grep -q "$ESC" "$TMP/err" && ! grep -q "$RLO" "$TMP/err" &&
		grep -qF "x\\x1b[31my\\u{202e}z'" "$TMP/err" || { od -c "$TMP/err" | sed 's/^/# /'; return 1; }
}
check "unknown command: exit 2" wf 2 "$BAD"
check "unknown command: escaped" raw_free
check "unknown global option: exit 2" wf 2 "--$BAD"
check "unknown global option: escaped" sh -c "! grep -q '$ESC' '$TMP/err' && ! grep -q '$RLO' '$TMP/err' && grep -qF '\\x1b' '$TMP/err'"
check "unknown command option: exit 2" wf 2 id "--$BAD"
check "unknown command option: escaped" sh -c "! grep -q '$ESC' '$TMP/err' && ! grep -q '$RLO' '$TMP/err' && grep -qF '\\x1b' '$TMP/err'"
check "an unknown short option inside a cluster is named" wf 2 id --json -xq
check "as -x" err_is "wallflower: unknown option, or an option without its value: '-x' (see 'wallflower id --help')"
check "a long option without its value is named" wf 2 init --name
check "as typed" err_is "wallflower: unknown option, or an option without its value: '--name' (see 'wallflower init --help')"
for v in "init" "id" "profile" "profile unset" "graph" "export --format" "export --since" \
	"card --persona" "profile --persona" "doctor" "help"; do
	# shellcheck disable=SC2086
	check "$v '<ESC and RLO>': a usage error" wf 2 $v "$BAD"
	check "$v '<ESC and RLO>': escaped" raw_free
done
check "wallflowerd: an unexpected argument is a usage error" sh -c \
	"'$WFD' '$BAD' 2>'$TMP/err'; [ \$? -eq 2 ]"
check "wallflowerd: escaped" raw_free
check "wallflowerd: an unknown option is escaped" sh -c \
	"'$WFD' '--$BAD' 2>'$TMP/err'; [ \$? -eq 2 ] && ! grep -q '$ESC' '$TMP/err' && grep -qF '\\x1b' '$TMP/err'"
check "card verify of a file with ESC in its name: exit 1" sh -c \
	"printf junk >'$TMP/$BAD'; '$WF' card verify '$TMP/$BAD' >/dev/null 2>'$TMP/err'; [ \$? -eq 1 ]"
check "card verify: the file name is escaped" raw_free
# raw_free_path: the same for a path, which is shown without quotes.
raw_free_path() {
	! grep -q "$ESC" "$TMP/err" && ! grep -q "$RLO" "$TMP/err" &&
		grep -qF "x\\x1b[31my\\u{202e}z" "$TMP/err" || { od -c "$TMP/err" | sed 's/^/# /'; return 1; }
}
check "import of a file with ESC in its name: exit 1" sh -c \
	"'$WF' --state-dir '$TMP/esc-store' init --name Esc >/dev/null && '$WF' --state-dir '$TMP/esc-store' import '$TMP/$BAD' >/dev/null 2>'$TMP/err'; [ \$? -eq 1 ]"
check "import: the file name is escaped" raw_free_path
check "a state directory with ESC in its name: exit 1" sh -c \
	"'$WF' --state-dir '$TMP/$BAD' contacts >/dev/null 2>'$TMP/err'; [ \$? -eq 1 ]"
check "the directory is escaped" raw_free_path
check "a CONTACT with ESC: exit 1" sh -c \
	"'$WF' --state-dir '$TMP/esc-store' show '$BAD' >/dev/null 2>'$TMP/err'; [ \$? -eq 1 ]"
check "the CONTACT is escaped" raw_free
check "a backslash and a quote are escaped too" wf 2 "a\\x1b'b"
check "they read back one way" grep -qF "unknown command 'a\\\\x1b\\'b'" "$TMP/err"
LONG=$(printf '%0200d' 0)
check "a long argument is cut" wf 2 "$LONG"
check "to 80 bytes and ..." grep -qF "'$(printf '%080d' 0)...'" "$TMP/err"

# ---- help, did you mean, version ----

check "wallflower --help" wf 0 --help
check "usage matches golden" golden_out usage.txt
cp "$TMP/out" "$TMP/usage"
check "wallflower help" wf 0 help
check "help is --help" cmp "$TMP/out" "$TMP/usage"
check "wallflower -h" sh -c "'$WF' -h | cmp - '$TMP/usage'"
check "no command: the usage on stderr, exit 2" sh -c "'$WF' 2>&1 >/dev/null | cmp - '$TMP/usage'; [ \$? -eq 0 ] && ! '$WF' 2>/dev/null"
for c in init id profile card import contacts show note followup graph export start stop \
	status nearby send inbox accept decline block watch doctor; do
	check "help $c is $c --help" sh -c \
		"'$WF' help $c >'$TMP/a' && '$WF' $c --help >'$TMP/b' && cmp '$TMP/a' '$TMP/b' && grep -q '^usage: wallflower $c' '$TMP/a'"
done
check "help profile set is profile --help" sh -c "'$WF' help profile set | cmp - \"\$('$WF' profile --help >'$TMP/b'; echo '$TMP/b')\""
check "help help is the usage" sh -c "'$WF' help help | cmp - '$TMP/usage'"
check "help of an unknown command: exit 2" wf 2 help contcts
check "help of an unknown command: did you mean" err_is "wallflower: unknown command 'contcts'; did you mean 'contacts'?"
check "contcts: exit 2" wf 2 contcts
check "contcts: did you mean 'contacts'" golden_err didyoumean-contcts.txt
check "sohw: a swap" wf 2 sohw
check "sohw: did you mean 'show'" err_is "wallflower: unknown command 'sohw'; did you mean 'show'?"
check "blocke: exit 2" wf 2 blocke
check "blocke: two candidates" err_is "wallflower: unknown command 'blocke'; did you mean 'block' or 'blocked'?"
check "foll: a prefix" wf 2 foll
check "foll: did you mean 'followup'" err_is "wallflower: unknown command 'foll'; did you mean 'followup'?"
check "frobnicate: exit 2" wf 2 frobnicate
check "frobnicate: no guess, a hint to --help" err_is "wallflower: unknown command 'frobnicate' (see 'wallflower --help')"
check "profile sett" wf 2 profile sett
check "profile sett: did you mean 'set'" err_is "wallflower: unknown verb 'sett'; did you mean 'set'?"
check "profile set nmae" wf 2 profile set nmae Ada
check "profile set nmae: did you mean 'name'" err_is "wallflower: unknown field 'nmae'; did you mean 'name'?"
check "graph hbus" wf 2 graph hbus
check "graph hbus: did you mean 'hubs'" err_is "wallflower: unknown verb 'hbus'; did you mean 'hubs'?"
check "export --format vcrad" wf 2 export --format vcrad
check "export --format vcrad: did you mean 'vcard'" err_is "wallflower: unknown format 'vcrad'; did you mean 'vcard'?"
check "wallflower --version" wf 0 --version
check "the version line" grep -qxE 'wallflower [0-9]+\.[0-9]+\.[0-9]+' "$TMP/out"
cp "$TMP/out" "$TMP/version"
check "wallflower -V is --version" sh -c "'$WF' -V | cmp - '$TMP/version'"
check "the version is the project's" sh -c \
	"grep -qF \"version : '\$(sed 's/^wallflower //' '$TMP/version')'\" '$SRC/meson.build'"
check "wallflowerd --version" sh -c "'$WFD' --version >'$TMP/out' && sed 's/^wallflowerd /wallflower /' '$TMP/out' | cmp - '$TMP/version'"
check "wallflowerd -V" sh -c "'$WFD' -V | cmp - '$TMP/out'"
check "wallflowerd --help names every option" sh -c "'$WFD' --help | grep -q -- '--inbox-keys-per-address'"

echo "1..$n"
[ "$failed" -eq 0 ]
