#!/bin/bash
# The exchange benchmark (issue 7, part 1), its three figures from one run:
#
#   mode=floor   the crypto floor: handshakes and card checks in one process (bench/exchange)
#   mode=daemon  N full exchanges against one wallflowerd over loopback (bench/exchange)
#   mode=tls     OpenSSL TLS 1.3 full handshakes on loopback (s_server and s_time -new),
#                X25519 and an Ed25519 certificate: what a user would pick instead
#
# One line of key=value pairs each on standard output; the rest goes to standard error.
# Exits non-zero when a figure cannot be had (errors, an offer not stored), never on a
# figure itself: bench/run judges the targets.
#
# Everything runs in a network namespace of its own, with a private /run: the daemon finds
# no D-Bus and no avahi, and nothing leaves loopback (nothing may multicast on the host's
# network). It re-executes itself there with unshare(1), so it needs root (or a user
# namespace that allows it).
#
#   bench/exchange.sh BUILD_DIR [N [CONCURRENCY [TLS_SECONDS]]]   (defaults: 2000 8 10)
set -eu

if [ "${WF_EXCHANGE_NS:-}" != 1 ]; then
	exec unshare --net --mount --propagation private env WF_EXCHANGE_NS=1 \
		bash "$(readlink -f "$0")" "$@"
fi

BUILD=$(readlink -f "${1:?usage: bench/exchange.sh BUILD_DIR [N [CONCURRENCY [TLS_SECONDS]]]}")
N=${2:-2000}
CONC=${3:-8}
TLS_SECONDS=${4:-10}
WF=$BUILD/src/cli/wallflower
WFD=$BUILD/src/daemon/wallflowerd
EX=$BUILD/bench/exchange
PORT=7400     # the daemon's; the namespace is ours, so fixed ports are free
TLS_PORT=4433 # s_server's

bail() {
	echo "exchange.sh: $*" >&2
	exit 1
}

# No avahi, no bus: /run is ours and empty, and no bus address comes from outside.
unset DBUS_SYSTEM_BUS_ADDRESS DBUS_SESSION_BUS_ADDRESS
mount -t tmpfs -o mode=0755 tmpfs /run || bail "cannot mount a private /run"
ip link set lo up || bail "cannot bring lo up"

# The store goes where a user's would, on disk: not on /run, a tmpfs where fsync is free.
case ${TMPDIR:-/tmp} in /run | /run/*) TMPDIR=/tmp ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/wf-exchange.XXXXXX") || bail "cannot make a work dir"
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# waitfor SECONDS CMD...: retries CMD every 0.1 s until it succeeds or time is up.
waitfor() {
	local n=$(($1 * 10))
	shift
	while ((n-- > 0)); do
		"$@" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---- the floor ----

"$EX" floor "$N" || bail "the floor run failed"

# ---- the daemon ----

export WALLFLOWER_ALLOW_ROOT=1 # the machine may give us root; the daemon refuses it otherwise
S=$T/state
R=$T/run
mkdir -m 700 "$S" "$R"
"$WF" --state-dir "$S" init --name "Exchange benchmark" >/dev/null
# Every offer must be kept: the total and per-address limits lifted, the per-sender one (4)
# left as it is (bench/exchange sends at most 4 per sender).
"$WFD" -d --state-dir "$S" --runtime-dir "$R" --port "$PORT" --inbox-max 1000000 \
	--inbox-per-address 1000000 </dev/null 2>"$T/wallflowerd.log" &
PIDS+=($!)
WFD_PID=$!
waitfor 10 "$WF" status --runtime-dir "$R" >/dev/null || bail "wallflowerd did not start"
# The listener opens on start; hidden, it advertises nothing (and there is no avahi).
WALLFLOWERD=$WFD "$WF" --state-dir "$S" start --hidden --runtime-dir "$R" >/dev/null ||
	bail "wallflower start failed"
listening "$PORT" || bail "wallflowerd does not listen on $PORT"
# WF_EXCHANGE_PERF=FILE: a profile of the daemon under the load (perf record -g), kept.
if [ -n "${WF_EXCHANGE_PERF:-}" ]; then
	perf record -q -g -o "$WF_EXCHANGE_PERF" -p "$WFD_PID" 2>/dev/null &
	PERF_PID=$!
	PIDS+=("$PERF_PID")
	sleep 0.5
fi
# The daemon's CPU time (utime + stime, in clock ticks) around the run, for standard error.
cpu0=$(awk '{print $14 + $15}' "/proc/$WFD_PID/stat")
if ! "$EX" daemon 127.0.0.1 "$PORT" "$N" "$CONC"; then
	tail -n 5 "$T/wallflowerd.log" >&2
	bail "the daemon run failed"
fi
cpu1=$(awk '{print $14 + $15}' "/proc/$WFD_PID/stat")
echo "wallflowerd used $(((cpu1 - cpu0) * 1000 / $(getconf CLK_TCK))) ms of CPU" >&2
if [ -n "${WF_EXCHANGE_PERF:-}" ]; then
	kill -INT "$PERF_PID"
	wait "$PERF_PID" || true
fi
stored=$(sqlite3 "$S/wallflower.db" "SELECT count(*) FROM inbox")
[ "$stored" = "$N" ] || bail "the inbox holds $stored offers, not $N"
kill "$WFD_PID"
wait "$WFD_PID" || bail "wallflowerd did not stop cleanly"
PIDS=()

# ---- TLS 1.3 ----

openssl genpkey -algorithm ED25519 -out "$T/tls.key" 2>/dev/null
openssl req -x509 -new -key "$T/tls.key" -subj /CN=localhost -days 1 -out "$T/tls.crt" \
	2>/dev/null
openssl s_server -accept "127.0.0.1:$TLS_PORT" -cert "$T/tls.crt" -key "$T/tls.key" \
	-tls1_3 -groups X25519 -quiet </dev/null >"$T/s_server.log" 2>&1 &
PIDS+=($!)
waitfor 10 listening "$TLS_PORT" || bail "openssl s_server did not start"
# s_time says its time in whole seconds; the wall clock around it is finer.
start=$(date +%s.%N)
out=$(openssl s_time -connect "127.0.0.1:$TLS_PORT" -new -tls1_3 -time "$TLS_SECONDS" 2>&1) ||
	bail "openssl s_time failed: $out"
end=$(date +%s.%N)
conns=$(echo "$out" | sed -n 's/^\([0-9]*\) connections in [0-9]* real seconds.*/\1/p')
if [ -z "$conns" ] || [ "$conns" -eq 0 ]; then
	bail "no connections from s_time: $out"
fi
rate=$(echo "$conns / ($end - $start)" | bc -l)
printf 'mode=tls n=%s rate=%.1f seconds=%.2f\n' "$conns" "$rate" "$(echo "$end - $start" | bc -l)"
