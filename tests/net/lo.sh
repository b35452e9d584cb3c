#!/bin/bash
# lo.sh: the harness of the net tests that need one daemon and nothing but a loopback
# (test_abuse_conn.sh, test_abuse_intake.sh). Source it after setting BUILD; then
# `lo_enter NAME "$@"` re-executes the test in a fresh network and mount namespace whose
# only link is lo, with a private tmpfs on /run (so no system bus and no avahi: nothing can
# multicast, nothing leaves the namespace), or skips (exit 77) when it is not root or
# unshare is not permitted. Inside, it makes the work dir $T (kept with WF_KEEP=1), and
# cleans up every process started through spawn or started, by PID and start time, on
# every way out.
#
# TAP: ok RC DESC, check DESC CMD..., check_say DESC CMD..., same DESC GOT WANT, diag, bail.
# Before sourcing: LO_COMMANDS, more commands the test needs; LO_CRYPTO=0 when it needs no
# python3-cryptography (the peers of tests/interop need it).

LO_SELF=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)/$(basename "${BASH_SOURCE[1]}")
INTEROP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../interop" && pwd)
WF=$BUILD/src/cli/wallflower
WFD=$BUILD/src/daemon/wallflowerd
export WALLFLOWER_ALLOW_ROOT=1 # the daemon refuses root otherwise; this machine has only root

lo_skip() {
	echo "SKIP: $*" >&2
	echo "1..0 # SKIP $*"
	exit 77
}

# ---- TAP ----

TESTS=0
FAILED=0
ok() {
	TESTS=$((TESTS + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TESTS - $2"
	else
		FAILED=$((FAILED + 1))
		echo "not ok $TESTS - $2"
	fi
}
# check DESCRIPTION CMD...: "ok" when CMD succeeds, else "not ok" and CMD's output.
check() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	ok "$rc" "$desc"
	[ "$rc" -eq 0 ] || [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
	return 0
}
# check_say DESCRIPTION CMD...: as check, and CMD's output is shown in any case.
check_say() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	ok "$rc" "$desc"
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
	return 0
}
# same DESCRIPTION GOT WANT: "ok" when the two strings are equal.
same() {
	[ "$2" = "$3" ]
	ok $? "$1"
	[ "$2" = "$3" ] || printf '# got:  %s\n# want: %s\n' "$2" "$3"
}
diag() { echo "# $*"; }
bail() {
	echo "Bail out! $*"
	exit 1
}
# lo_done: the plan line and the exit status; call last.
lo_done() {
	diag "took $((SECONDS - LO_START)) s"
	echo "1..$TESTS"
	[ "$FAILED" -eq 0 ] || diag "$FAILED of $TESTS failed"
	[ "$FAILED" -eq 0 ]
	exit
}

# ---- processes: only ours are signalled, and only while they are the same process ----

# A PID is known with its start time (field 22 of /proc/PID/stat).
declare -A STARTED=()
_STAT=()
_stat() {
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 1
	read -ra _STAT <<<"${s##*) }"
}
starttime() { _stat "$1" && echo "${_STAT[19]}"; }
started() { STARTED[$1]=$(starttime "$1") || STARTED[$1]=gone; }
alive() { _stat "$1" && [ "${_STAT[0]}" != Z ] && [ "${_STAT[19]}" = "${STARTED[$1]:-}" ]; }
stop() { alive "$1" && kill "-${2:-TERM}" "$1" 2>/dev/null; }
# spawn LOG CMD...: runs CMD in the background, its output to LOG; its PID in LASTPID.
LASTPID=
spawn() {
	local log=$1
	shift
	"$@" </dev/null >"$log" 2>&1 &
	LASTPID=$!
	started "$LASTPID"
}
# waitfor SECONDS CMD...: until CMD succeeds, trying every 0.1 s; CMD's last status.
waitfor() {
	local n=$(($1 * 10))
	shift
	while ((n-- > 0)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}
T=
lo_cleanup() {
	local pid i left
	set +e
	trap '' INT TERM
	for pid in "${!STARTED[@]}"; do stop "$pid" TERM; done
	for ((i = 0; i < 30; i++)); do
		left=0
		for pid in "${!STARTED[@]}"; do alive "$pid" && left=1; done
		[ "$left" = 0 ] && break
		sleep 0.1
	done
	for pid in "${!STARTED[@]}"; do stop "$pid" KILL; done
	wait 2>/dev/null
	if [ -n "$T" ] && [ "${WF_KEEP:-}" = 1 ]; then
		echo "# work dir kept: $T"
	elif [ -n "$T" ]; then
		rm -rf "$T"
	fi
}

# ---- the namespace ----

# lo_enter NAME ARGS...: outside, checks what the test needs and re-executes it (with ARGS)
# in the namespace; inside, sets the namespace up and makes $T.
lo_enter() {
	local name=$1 err c
	shift
	if [ "${WF_LO_INSIDE:-}" != 1 ]; then
		[ "$(id -u)" = 0 ] || lo_skip "needs root (a private network and mount namespace)"
		for c in unshare mount ip python3 ${LO_COMMANDS:-}; do
			command -v "$c" >/dev/null 2>&1 || lo_skip "$c not found"
		done
		[ -x "$WF" ] && [ -x "$WFD" ] || lo_skip "no wallflower or wallflowerd in $BUILD"
		[ "${LO_CRYPTO:-1}" = 0 ] || python3 -c 'import cryptography' 2>/dev/null ||
			lo_skip "python3-cryptography not installed"
		if ! err=$(unshare --net --mount --propagation private \
			sh -c 'mount -t tmpfs tmpfs /run && ip link set lo up' 2>&1); then
			lo_skip "unshare or mount not permitted here: ${err%%$'\n'*}"
		fi
		export WF_LO_INSIDE=1
		exec unshare --net --mount --propagation private bash "$LO_SELF" "$@"
	fi
	LO_START=$SECONDS
	trap lo_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	unset DBUS_SYSTEM_BUS_ADDRESS DBUS_SESSION_BUS_ADDRESS
	mount -t tmpfs -o mode=0755 tmpfs /run || bail "cannot mount a private /run"
	[ ! -e /run/dbus/system_bus_socket ] || bail "a system bus is reachable"
	ip link set lo up || bail "cannot bring lo up"
	[ "$(ip -o link show | wc -l)" = 1 ] || bail "the namespace has more than a loopback"
	case ${TMPDIR:-/tmp} in /run | /run/*) TMPDIR=/tmp ;; esac
	T=$(mktemp -d "${TMPDIR:-/tmp}/wf-$name.XXXXXX") || bail "cannot make a work dir"
}
