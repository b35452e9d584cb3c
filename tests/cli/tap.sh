# The TAP helpers every CLI test script shares (sourced, never run). The script sets WF (the
# wallflower binary), TMP (its scratch dir), n=0 and failed=0 first.
# ok/not_ok DESCRIPTION: a TAP line (not_ok adds $TMP/check.log as comments).
# check DESCRIPTION CMD...: ok when CMD succeeds. wf WANT ARGS...: wallflower ARGS into
# $TMP/out and $TMP/err, succeeding when it exits WANT. has/err_has TEXT: in $TMP/out, $TMP/err.
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$TMP/check.log"; }
check() { d=$1; shift; if "$@" >"$TMP/check.log" 2>&1; then ok "$d"; else not_ok "$d"; fi; }
wf() { want=$1; shift; "$WF" "$@" >"$TMP/out" 2>"$TMP/err"; got=$?; [ "$got" -eq "$want" ] || { echo "# exit $got, want $want: wallflower $*"; sed 's/^/# /' "$TMP/err"; return 1; }; }
has() { grep -q -- "$1" "$TMP/out" || { sed 's/^/# /' "$TMP/out"; return 1; }; }
err_has() { grep -q -- "$1" "$TMP/err" || { sed 's/^/# /' "$TMP/err"; return 1; }; }
