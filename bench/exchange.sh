#!/bin/bash
# The exchange benchmark (issues 7 and 11). Its figures, from one run:
#
#   mode=floor   the crypto floor: handshakes and card checks in one process, and each
#                side's share of it (bench/exchange floor), once a round
#   mode=daemon  N full exchanges against one wallflowerd over loopback (bench/exchange
#                daemon), in ROUNDS alternating rounds against three stores, each a fresh
#                copy made before the round:
#                  store=empty  a new store on disk
#                  store=big    100,000 contacts and 10,000 offers waiting (bench/mkstore),
#                               on disk
#                  store=tmpfs  a new store on a tmpfs, where fdatasync costs nothing
#                with the daemon's CPU time per exchange, its peak RSS (VmHWM) from its
#                start to the load and under the load, and its RSS after the load (heap
#                and mapped store)
#   (each of these and mode=commit: one line per round, round=R, then one line with the
#   medians, rounds=R; the peaks are the highest over the rounds)
#   mode=commit  durable commits of the intake on the same disk and on the tmpfs, one offer
#                to a transaction and CONCURRENCY to one (bench/commit): the store's side
#                of grouping commits
#   mode=ratio   big / empty, tmpfs / empty, daemon / each floor, and the estimate of what
#                grouping commits would give (not a measured feature)
#   mode=tls     OpenSSL TLS 1.3 full handshakes on loopback, CONCURRENCY `s_time -new`
#                processes at once against one s_server, X25519 and an Ed25519
#                certificate: what a user would pick instead
#
# One line of key=value pairs each on standard output; the rest goes to standard error.
# Exits non-zero when a figure cannot be had (errors, a "busy" answer, an offer not
# stored), never on a figure itself: bench/run judges the targets.
#
# Everything runs in a network namespace of its own, with a private /run: the daemon finds
# no D-Bus and no avahi, and nothing leaves loopback (nothing may multicast on the host's
# network). It re-executes itself there with unshare(1), so it needs root (or a user
# namespace that allows it).
#
#   bench/exchange.sh BUILD_DIR [N [CONCURRENCY [TLS_SECONDS [ROUNDS]]]]
#                                                           (defaults: 2000 8 10 5)
set -eu

# The daemon's admission limits, lifted so that every offer of the load is kept: the
# benchmark measures the cost of an offer, not the limits. One identity sends one offer,
# but all of them come from 8 addresses, and the inbox holds 10,000 + N. When the daemon's
# options are renamed or new limits are added, this is the one line to change; a limit
# left in force shows as "busy" answers, which fail the run.
WFD_LIMITS=(--inbox-max 0 --inbox-per-sender 0 --inbox-per-address 0 --inbox-keys-per-address 0)
# The big store: contacts, their edges (the shape of bench/run's graph store), offers waiting.
# WF_EXCHANGE_BIG="PEOPLE EDGES OFFERS" makes another (for a quick try of the script).
read -r BIG_PEOPLE BIG_EDGES BIG_OFFERS <<<"${WF_EXCHANGE_BIG:-100000 1000000 10000}"
# No exchange starts later than this into a round (those in flight finish), so that a slow
# daemon costs a bounded time; the round's n= says how many were made.
ROUND_SECONDS=15

if [ "${WF_EXCHANGE_NS:-}" != 1 ]; then
	exec unshare --net --mount --propagation private env WF_EXCHANGE_NS=1 \
		bash "$(readlink -f "$0")" "$@"
fi

USAGE="usage: bench/exchange.sh BUILD_DIR [N [CONCURRENCY [TLS_SECONDS [ROUNDS]]]]"
BUILD=$(readlink -f "${1:?$USAGE}")
N=${2:-2000}
CONC=${3:-8}
TLS_SECONDS=${4:-10}
ROUNDS=${5:-5}
WF=$BUILD/src/cli/wallflower
WFD=$BUILD/src/daemon/wallflowerd
EX=$BUILD/bench/exchange
MK=$BUILD/bench/mkstore
COMMIT=$BUILD/bench/commit
PORT=7400     # the daemon's; the namespace is ours, so fixed ports are free
TLS_PORT=4433 # s_server's

bail() {
	echo "exchange.sh: $*" >&2
	exit 1
}
say() { echo "exchange.sh: $*" >&2; }

# No avahi, no bus: /run is ours and empty, and no bus address comes from outside.
unset DBUS_SYSTEM_BUS_ADDRESS DBUS_SESSION_BUS_ADDRESS
mount -t tmpfs -o mode=0755 tmpfs /run || bail "cannot mount a private /run"
ip link set lo up || bail "cannot bring lo up"

# The stores go where a user's would, on disk: not on /run, a tmpfs where fsync is free.
case ${TMPDIR:-/tmp} in /run | /run/*) TMPDIR=/tmp ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/wf-exchange.XXXXXX") || bail "cannot make a work dir"
MEM=/run/wf-exchange-mem # the tmpfs store's place (this namespace's /run)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	umount "$MEM" 2>/dev/null || true
	rm -rf "$T" "$MEM"
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
# field LINE KEY: the value of KEY=... in a key=value line.
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# median: the median of the numbers on standard input, one a line.
median() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# calc EXPR: bc's answer to EXPR, with 1 decimal.
calc() { printf '%.1f' "$(echo "$1" | bc -l)"; }
calc2() { printf '%.2f' "$(echo "$1" | bc -l)"; }

export WALLFLOWER_ALLOW_ROOT=1 # the machine may give us root; the daemon refuses it otherwise

# ---- the stores ----

started=$(date +%s)
mkdir -m 700 "$T/empty" "$MEM"
mount -t tmpfs -o mode=0700 tmpfs "$MEM" || bail "cannot mount a tmpfs for the store"
"$WF" --state-dir "$T/empty" init --name "Exchange benchmark" >/dev/null
made=$("$MK" "$T/big" "$BIG_PEOPLE" "$BIG_EDGES" "$BIG_OFFERS") || bail "mkstore failed"
"$WF" --state-dir "$T/big" init --name "Exchange benchmark" >/dev/null
say "big store: $made, $(du -sh "$T/big" | cut -f1), made in $(($(date +%s) - started)) s"
# The offers each store holds before a round.
declare -A BASE=([empty]=0 [tmpfs]=0)
BASE[big]=$(sqlite3 "$T/big/wallflower.db" "SELECT count(*) FROM inbox WHERE expires > unixepoch()")
[ "${BASE[big]}" = "$BIG_OFFERS" ] ||
	bail "the big store holds ${BASE[big]} offers, not $BIG_OFFERS"

# ---- the daemon ----

# daemon_round KIND ROUND: a fresh copy of the KIND store, a daemon on it, N exchanges.
daemon_round() {
	local kind=$1 round=$2 base s r line cpu0 cpu1 hwm0 hwm anon file stored strangers n
	case $kind in
	tmpfs) s=$MEM/state && cp -a "$T/empty" "$s" ;;
	*) s=$T/state && cp -a "$T/$kind" "$s" ;;
	esac
	r=$T/run
	mkdir -m 700 "$r"
	sync # the copy's writeback is not the round's
	"$WFD" -d --state-dir "$s" --runtime-dir "$r" --port "$PORT" "${WFD_LIMITS[@]}" \
		</dev/null 2>"$T/wallflowerd.log" &
	WFD_PID=$!
	PIDS=("$WFD_PID")
	waitfor 20 "$WF" status --runtime-dir "$r" >/dev/null || {
		tail -n 5 "$T/wallflowerd.log" >&2
		bail "wallflowerd did not start (its options: ${WFD_LIMITS[*]})"
	}
	# The listener opens on start; hidden, it advertises nothing (and there is no avahi).
	WALLFLOWERD=$WFD "$WF" --state-dir "$s" start --hidden --runtime-dir "$r" >/dev/null ||
		bail "wallflower start failed"
	listening "$PORT" || bail "wallflowerd does not listen on $PORT"
	# WF_EXCHANGE_PERF=FILE: a profile of the daemon under the load (perf record -g), kept;
	# the last round's.
	if [ -n "${WF_EXCHANGE_PERF:-}" ]; then
		perf record -q -g -o "$WF_EXCHANGE_PERF.$kind" -p "$WFD_PID" 2>/dev/null &
		PERF_PID=$!
		PIDS+=("$PERF_PID")
		sleep 0.5
	fi
	# Its peak RSS so far (start, the status queries), then the peak reset (clear_refs 5),
	# so that the peak after the load is the load's; and its CPU time (utime + stime, in
	# clock ticks) around the load.
	hwm0=$(awk '/^VmHWM:/ {print $2}' "/proc/$WFD_PID/status")
	echo 5 >"/proc/$WFD_PID/clear_refs" || bail "cannot reset the daemon's peak RSS"
	cpu0=$(awk '{print $14 + $15}' "/proc/$WFD_PID/stat")
	if ! line=$("$EX" daemon 127.0.0.1 "$PORT" "$N" "$CONC" "$ROUND_SECONDS"); then
		echo "$line" >&2
		tail -n 5 "$T/wallflowerd.log" >&2
		case $(field "$line" busy) in
		'' | 0) bail "the daemon run failed" ;;
		*) bail "wallflowerd answered busy: its limits were not lifted (${WFD_LIMITS[*]})" ;;
		esac
	fi
	cpu1=$(awk '{print $14 + $15}' "/proc/$WFD_PID/stat")
	hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$WFD_PID/status")
	# Of the RSS after the load, what is the heap's and what is the store's mapped pages.
	anon=$(awk '/^RssAnon:/ {print $2}' "/proc/$WFD_PID/status")
	file=$(awk '/^RssFile:/ {print $2}' "/proc/$WFD_PID/status")
	if [ -n "${WF_EXCHANGE_PERF:-}" ]; then
		kill -INT "$PERF_PID"
		wait "$PERF_PID" || true
	fi
	kill "$WFD_PID"
	wait "$WFD_PID" || bail "wallflowerd did not stop cleanly"
	PIDS=()
	# Every offer kept, none of them from a contact (which would be an update instead).
	base=${BASE[$kind]}
	n=$(field "$line" n)
	stored=$(sqlite3 "$s/wallflower.db" "SELECT count(*) FROM inbox")
	[ "$stored" = "$((base + n))" ] ||
		bail "the $kind store's inbox holds $stored offers, not $((base + n))"
	strangers=$(sqlite3 "$s/wallflower.db" \
		"SELECT count(*) FROM inbox WHERE key IN (SELECT key FROM person)")
	[ "$strangers" = 0 ] || bail "$strangers offers in the $kind store come from contacts"
	rm -rf "$s" "$r"
	echo "mode=daemon store=$kind round=$round ${line#mode=daemon } start_vmhwm_kib=$hwm0" \
		"vmhwm_kib=$hwm rss_anon_kib=$anon rss_file_kib=$file" \
		"cpu_us_per_exchange=$(((cpu1 - cpu0) * 1000000 / $(getconf CLK_TCK) / n))"
}

# commit_round ROUND: durable commits of N offers on the disk and on the tmpfs, one offer to
# a transaction and CONCURRENCY to one.
commit_round() {
	local where group d line
	for where in disk tmpfs; do
		for group in 1 "$CONC"; do
			case $where in disk) d=$T/commit ;; tmpfs) d=$MEM/commit ;; esac
			line=$("$COMMIT" "$d" "$N" "$group") || bail "the commit run failed"
			rm -rf "$d"
			echo "mode=commit fs=$where round=$1 ${line#mode=commit }"
		done
	done
}

# Alternating rounds, the order turned each round, so that drift in the machine's load
# falls on every store alike.
for round in $(seq "$ROUNDS"); do
	if ((round % 2)); then order="empty big tmpfs"; else order="tmpfs big empty"; fi
	for kind in $order; do
		daemon_round "$kind" "$round" >>"$T/rounds"
		tail -n 1 "$T/rounds"
	done
	commit_round "$round" >>"$T/rounds"
	tail -n 4 "$T/rounds"
	line=$("$EX" floor "$N") || bail "the floor run failed"
	echo "mode=floor round=$round ${line#mode=floor }" | tee -a "$T/rounds"
done
# m KEY, top KEY: the median and the highest of KEY over the lines in $rows.
m() { echo "$rows" | tr ' ' '\n' | sed -n "s/^$1=//p" | median; }
top() { echo "$rows" | tr ' ' '\n' | sed -n "s/^$1=//p" | sort -n | tail -n 1; }
declare -A RATE MS # each store's median rate; each file system's and group's ms a commit
for kind in empty big tmpfs; do
	rows=$(grep "^mode=daemon store=$kind " "$T/rounds")
	echo "mode=daemon store=$kind rounds=$ROUNDS n=$(m n) concurrency=$CONC" \
		"rate=$(calc "$(m rate)") p50_ms=$(calc2 "$(m p50_ms)") p99_ms=$(calc2 "$(m p99_ms)")" \
		"cpu_us_per_exchange=$(printf %.0f "$(m cpu_us_per_exchange)")" \
		"start_vmhwm_kib=$(top start_vmhwm_kib) vmhwm_kib=$(top vmhwm_kib)" \
		"rss_anon_kib=$(top rss_anon_kib) rss_file_kib=$(top rss_file_kib)" \
		"errors=0 busy=0"
	RATE[$kind]=$(m rate)
done
rows=$(grep "^mode=floor round=" "$T/rounds")
floor="mode=floor rounds=$ROUNDS n=$N rate=$(calc "$(m rate)")"
floor="$floor initiator_rate=$(calc "$(m initiator_rate)")"
floor="$floor responder_rate=$(calc "$(m responder_rate)") card_bytes=$(m card_bytes) errors=0"
echo "$floor"
for where in disk tmpfs; do
	for group in 1 "$CONC"; do
		rows=$(grep "^mode=commit fs=$where round=[0-9]* n=[0-9]* group=$group " "$T/rounds")
		echo "mode=commit fs=$where rounds=$ROUNDS n=$N group=$group" \
			"commits_per_s=$(calc "$(m commits_per_s)")" \
			"offers_per_s=$(calc "$(m offers_per_s)")" \
			"ms_per_commit=$(printf %.3f "$(m ms_per_commit)")"
		MS[$where$group]=$(m ms_per_commit)
	done
done

# What the fdatasync of a commit costs (its time on disk less its time on the tmpfs), one
# offer to a commit and CONCURRENCY to one; and the estimate for grouping (not a measured
# feature). The daemon's time per exchange on disk less its time on the tmpfs is what
# durability costs it, under the same load; grouping would shrink that part by the
# fdatasync share each offer has of a grouped commit against a commit of its own (at most
# 1). The daemon on the tmpfs is the ceiling.
sync1=$(echo "${MS[disk1]} - ${MS[tmpfs1]}" | bc -l)
syncg=$(echo "${MS[disk$CONC]} - ${MS[tmpfs$CONC]}" | bc -l)
shrink=$(echo "s = ($syncg / $CONC) / $sync1; if (s > 1) s = 1; if (s < 0) s = 0; s" | bc -l)
t_disk=$(echo "1000 / ${RATE[empty]}" | bc -l)
t_mem=$(echo "1000 / ${RATE[tmpfs]}" | bc -l)
if [ "$(echo "$t_disk < $t_mem" | bc -l)" = 1 ]; then t_disk=$t_mem; fi
group_est=$(calc "1000 / ($t_mem + ($t_disk - $t_mem) * $shrink)")
# The ratios of stores: the median over the rounds of each round's ratio, whose two runs
# were next to each other in time.
# round_ratio KIND: the median of KIND's rate / the empty store's, round by round.
round_ratio() {
	for round in $(seq "$ROUNDS"); do
		a=$(grep "^mode=daemon store=$1 round=$round " "$T/rounds")
		b=$(grep "^mode=daemon store=empty round=$round " "$T/rounds")
		echo "$(field "$a" rate) / $(field "$b" rate)" | bc -l
	done | median
}
echo "mode=ratio big_empty=$(calc2 "$(round_ratio big)")" \
	"tmpfs_empty=$(calc2 "$(round_ratio tmpfs)")" \
	"daemon_floor=$(calc2 "${RATE[empty]} / $(field "$floor" rate)")" \
	"daemon_responder_floor=$(calc2 "${RATE[empty]} / $(field "$floor" responder_rate)")" \
	"sync_ms=$(printf '%.3f' "$sync1") sync_group_ms=$(printf '%.3f' "$syncg")" \
	"group_shrink=$(calc2 "$shrink")" \
	"group_commit_estimate=$group_est"

# ---- TLS 1.3, CONCURRENCY clients at once ----

openssl genpkey -algorithm ED25519 -out "$T/tls.key" 2>/dev/null
openssl req -x509 -new -key "$T/tls.key" -subj /CN=localhost -days 1 -out "$T/tls.crt" \
	2>/dev/null
openssl s_server -accept "127.0.0.1:$TLS_PORT" -cert "$T/tls.crt" -key "$T/tls.key" \
	-tls1_3 -groups X25519 -quiet </dev/null >"$T/s_server.log" 2>&1 &
PIDS=($!)
waitfor 10 listening "$TLS_PORT" || bail "openssl s_server did not start"
# s_time says its time in whole seconds; the wall clock around them all is finer.
start=$(date +%s.%N)
clients=()
for k in $(seq "$CONC"); do
	openssl s_time -connect "127.0.0.1:$TLS_PORT" -new -tls1_3 -time "$TLS_SECONDS" \
		>"$T/s_time.$k" 2>&1 &
	clients+=($!)
done
PIDS+=("${clients[@]}")
for p in "${clients[@]}"; do
	wait "$p" || bail "openssl s_time failed: $(cat "$T"/s_time.*)"
done
end=$(date +%s.%N)
conns=0
for k in $(seq "$CONC"); do
	c=$(sed -n 's/^\([0-9]*\) connections in [0-9]* real seconds.*/\1/p' "$T/s_time.$k")
	[ -n "$c" ] && [ "$c" -gt 0 ] || bail "no connections from s_time $k: $(cat "$T/s_time.$k")"
	conns=$((conns + c))
done
rate=$(echo "$conns / ($end - $start)" | bc -l)
printf 'mode=tls concurrency=%s n=%s rate=%.1f seconds=%.2f\n' "$CONC" "$conns" "$rate" \
	"$(echo "$end - $start" | bc -l)"
