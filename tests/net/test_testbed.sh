#!/bin/bash
# Smoke test of testbed.sh: two simulated hosts, each with its own dbus and avahi, see each
# other's adverts through real mDNS; avahi can be stopped and restarted on one of them; and
# the testbed leaves no namespace or process behind, whether the test ends normally, fails
# under set -e, or is killed. Prints TAP.
# shellcheck disable=SC2317 # the helpers are called through tb_check and tb_wait
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIB=$HERE/testbed.sh
# shellcheck source=testbed.sh
. "$LIB" || { echo "Bail out! cannot load $LIB"; exit 1; }

tb_init testbed
tb_require avahi-publish avahi-utils
tb_require avahi-browse avahi-utils
tb_require avahi-resolve avahi-utils
tb_require timeout coreutils

# sees HOST NAME ADDR TXT: HOST's avahi-browse resolves the _wallflower._tcp service NAME at
# ADDR port 4000 with the TXT item TXT. Resolved lines of -p output are
# =;iface;proto;name;type;domain;host;address;port;"txt" "txt"...
sees() {
	tb_on "$1" timeout 10 avahi-browse -rtp _wallflower._tcp 2>/dev/null |
		awk -F';' -v n="$2" -v a="$3" -v t="\"$4\"" '
			$1 == "=" && $3 == "IPv4" && $4 == n && $8 == a && $9 == 4000 &&
			index(" " $10 " ", " " t " ") { found = 1 }
			END { exit !found }'
}
gone() { ! sees "$@"; }
# resolves HOST NAME ADDR: HOST resolves the mDNS host name NAME to ADDR.
resolves() { tb_on "$1" timeout 5 avahi-resolve -4 -n "$2" | grep -q "[[:space:]]$3\$"; }
# stopped PID START: that process is no longer running.
stopped() { ! _tb_alive "$1" "$2"; }
# pids_gone FILE: none of the processes listed in FILE (lines "PID START LABEL") still runs.
pids_gone() {
	local pid st label
	while read -r pid st label; do
		[ "$st" = gone ] && continue
		if _tb_alive "$pid" "$st"; then echo "still running: $pid $label"; return 1; fi
	done <"$1"
}
# no_ns PREFIX: no network namespace named PREFIX* is left.
no_ns() { ! ip netns list | grep "^$1"; }

t0=$EPOCHREALTIME
tb_host h1 || tb_bail "h1 did not come up"
tb_host h2 || tb_bail "h2 did not come up"
tb_diag "two hosts up in $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }") s"
A1=$(tb_addr h1)
A2=$(tb_addr h2)

tb_check "h1 has its address on eth0" \
	sh -c "ip -n '$(tb_ns h1)' -4 -o addr show dev eth0 | grep -q ' inet $A1/24 '"
tb_check "addresses differ" test "$A1" != "$A2"
tb_check "h1 has a private /run" tb_on h1 sh -c 'test -S /run/dbus/system_bus_socket && test ! -e /run/netns'
# shellcheck disable=SC2016 # expanded on the host
tb_check "h1 has its own environment" tb_on h1 sh -c \
	'test "$WALLFLOWER_STATE_DIR" = "$HOME/state" && test "$WALLFLOWER_RUNTIME_DIR" = "$HOME/run" &&
	 test "$(stat -c %a "$WALLFLOWER_STATE_DIR") $(stat -c %a "$WALLFLOWER_RUNTIME_DIR")" = "700 700"'
tb_on h1 sh -c 'exit 3'
tb_check "tb_on returns the command's status" test $? = 3
tb_check "h2 resolves h1.local to h1's address" tb_wait 5 resolves h2 h1.local "$A1"

t0=$EPOCHREALTIME
tb_spawn h1 "$TB_DIR/pub1.log" avahi-publish -s test1 _wallflower._tcp 4000 v=1 h=x
PUB=$TB_LASTPID
PUBST=$(_tb_starttime "$PUB")
tb_check "h2 sees test1 from h1 with v=1" tb_wait 15 sees h2 test1 "$A1" v=1
tb_diag "seen after $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }") s"

t0=$EPOCHREALTIME
tb_check "avahi stops on h1" tb_avahi_stop h1
tb_check "the publisher on h1 exits with its daemon" tb_wait 5 stopped "$PUB" "$PUBST"
tb_check "h2 forgets test1 (avahi's goodbye)" tb_wait 10 gone h2 test1 "$A1" v=1
tb_check "avahi starts again on h1" tb_avahi_start h1
tb_spawn h1 "$TB_DIR/pub2.log" avahi-publish -s test1 _wallflower._tcp 4000 v=1 h=y
tb_check "h2 sees test1 again, as published after the restart" tb_wait 15 sees h2 test1 "$A1" h=y
tb_diag "avahi restart cycle took $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }") s"

# A test that dies half way must still clean up. The child prints its prefix and its records,
# then fails: once under set -e, once by SIGTERM while it waits.
child() {
	cat <<-EOF
	. '$LIB'
	tb_init testbed-child
	tb_host c1 || exit 3
	echo "\$TB_PREFIX"
	echo "\$TB_DIR"
	cp "\$TB_DIR/pids" '$TB_DIR/child.pids'
	echo ready
	EOF
}
cleaned_up() {   # OUTFILE: the child's namespaces, processes and work dir are gone
	local prefix dir
	prefix=$(sed -n 1p "$1")
	dir=$(sed -n 2p "$1")
	[ -n "$prefix" ] && [ -n "$dir" ] && no_ns "$prefix" && pids_gone "$TB_DIR/child.pids" &&
		test ! -e "$dir"
}

bash -c "set -e; $(child); false; echo not reached" >"$TB_DIR/child1.out" 2>"$TB_DIR/child1.err"
rc=$?
tb_check "a child failing under set -e exits 1" test "$rc" = 1
tb_check "and leaves nothing behind" cleaned_up "$TB_DIR/child1.out"
tb_check "and is not reached past the failure" sh -c "! grep -q 'not reached' '$TB_DIR/child1.out'"

bash -c "$(child); tb_wait 60 false" >"$TB_DIR/child2.out" 2>"$TB_DIR/child2.err" &
CHILD=$!
_tb_record "$CHILD" "child2"   # so that our own cleanup stops it if we die first
# A bound on a stall, not a speed: a loaded machine takes a while to make a host.
if tb_wait 60 grep -q ready "$TB_DIR/child2.out"; then
	kill -TERM "$CHILD"
	wait "$CHILD"
	rc=$?
else
	rc=timeout
	sed 's/^/# child: /' "$TB_DIR/child2.err"   # why it never got ready
fi
tb_check "a child killed by SIGTERM exits 143" test "$rc" = 143
tb_check "and leaves nothing behind" cleaned_up "$TB_DIR/child2.out"

# Our own cleanup, explicitly; the EXIT trap then runs it again, which must be harmless.
pids=$(cat "$TB_DIR/pids")
dir=$TB_DIR
tb_cleanup
tb_check "cleanup deletes every namespace" no_ns "$TB_PREFIX"
tb_check "cleanup stops every process" pids_gone <(echo "$pids")
tb_check "cleanup removes the work dir" test ! -e "$dir"
tb_check "cleanup is idempotent" tb_cleanup
tb_done
