#!/bin/bash
# discovery.sh: discovery at scale (issue 7, part 2). On a simulated LAN (tests/net/testbed.sh,
# real avahi in network namespaces, nothing in the root namespace), host "pub" publishes N
# wallflower adverts from one avahi client (bench/publish). Host "att" then discovers them
# twice per round, from the same starting point each time: the adverts are already on the
# LAN (published and announced), and att's avahi-daemon has just been restarted, so its
# cache is cold and nothing it heard before counts.
#   - wallflower: from `wallflower start --hidden` (a running wallflowerd, already connected
#     to avahi, begins to browse) until the daemon has all N peers in its table (the Nth
#     peer-appeared event on the control socket); then `wallflower nearby --json` must list
#     all N.
#   - avahi-browse: `avahi-browse -rtp _wallflower._tcp`, from its start until it exits (-t:
#     once the browse is "all for now" and every resolve answered); its '=' lines must
#     name all N.
# The order alternates between rounds; the figures are the medians over the rounds, and the
# ratio is of the medians. Why from browse start and not from the moment publishing
# completes: from then on both would be timing pub's probes and announcements and att's
# passive caching of them, and only the first of the two could start from a cold cache.
# People arriving at an event where others are already there is the case that matters.
#
# RSS: wallflowerd's VmRSS (and RssAnon) before `start`, and its peak RSS (VmHWM) once all N
# peers are in its table (before any `nearby`), and again after a `nearby --json` of them
# all (whose JSON is freed, but counts in the peak); RssAnon, which has no peak, is current.
#
# Avahi's limits. pub: objects-per-client-max (default 1024; one entry group per advert, as
# N separate daemons would have). att: objects-per-client-max, because wallflowerd keeps
# one resolver per peer alive (and avahi-browse holds up to N at once), and
# cache-entries-max (default 4096 per interface; an advert is 3 records: PTR, SRV, TXT).
# Each is set only when N needs more than the default: N + 64 objects (the browser, our
# advert, a doctor probe, with room to spare), 4N + 64 cache entries.
#
# Prints "# ..." lines per round, then one result line:
#   discovery peers=N rounds=R wallflower_s=.. browse_s=.. ratio=.. rss_per_peer_b=.. ...
# and "target ... missed" lines (exit 1) when the ratio is over 1.25 or the RSS growth per
# peer over 2 KiB. Exit 77 (SKIP) when the machine cannot run the testbed.
#
# N is at most the daemon's table (PEERTAB_MAX, 256, issue 11): past it, adverts wait parked
# without a resolver and are not listed, so "all N in the table" would never come.
#
# Usage: bench/discovery.sh BUILD_DIR [N [ROUNDS]]    (default 256 adverts, 5 rounds)
# TB_KEEP=1 keeps the work dir (all logs).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../tests/net/testbed.sh"

BUILD=${1:?usage: discovery.sh BUILD_DIR [N [ROUNDS]]}
BUILD=$(cd "$BUILD" && pwd) || exit 2
N=${2:-256}
ROUNDS=${3:-5}
WF=$BUILD/src/cli/wallflower
WFD=$BUILD/src/daemon/wallflowerd
PUBLISH=$BUILD/bench/publish
for f in "$WF" "$WFD" "$PUBLISH"; do
	[ -x "$f" ] || { echo "discovery.sh: $f is missing: build first" >&2; exit 2; }
done
# The machine gives us only root; the daemon refuses root unless told this is a test rig.
export WALLFLOWER_ALLOW_ROOT=1 WALLFLOWERD=$WFD

tb_require python3 python3
tb_require avahi-browse avahi-utils
tb_init discovery

# ---- helpers ----

# avahi_set HOST SECTION KEY VALUE: sets KEY in [SECTION] of the host's avahi.conf (the
# section is added when missing). Takes effect at the next tb_avahi_start.
avahi_set() {
	local conf=$TB_DIR/$1/avahi.conf
	sed -i "/^$3=/d" "$conf"
	grep -q "^\[$2\]\$" "$conf" || printf '[%s]\n' "$2" >>"$conf"
	sed -i "s/^\[$2\]\$/[$2]\n$3=$4/" "$conf"
}
avahi_restart() { tb_avahi_stop "$1" && tb_avahi_start "$1"; }
max() { if [ "$1" -gt "$2" ]; then echo "$1"; else echo "$2"; fi; }
# rss PID FIELD: a field of /proc/PID/status (VmRSS, RssAnon) in bytes.
rss() { awk -v f="$2:" '$1 == f { print $2 * 1024 }' "/proc/$1/status"; }
# What a measurement costs the LAN. snap: one line of counters: att's and pub's UDP
# datagrams sent and dropped for a full socket buffer, and the CPU ticks of att's
# avahi-daemon, att's dbus-daemon and pub's avahi-daemon. cost "BEFORE" "AFTER": in words.
udp() { awk '/^Udp:/ { getline; print $5, $6 }' "/proc/$(_tb_holder "$1")/net/snmp"; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
avahi_pid() { awk '{ print $1 }' "$TB_DIR/$1/avahi.pid"; }
HZ=$(getconf CLK_TCK)
snap() {
	echo "$(udp att) $(udp pub) $(ticks "$(avahi_pid att)") $(ticks "$ATT_DBUS")" \
		"$(ticks "$(avahi_pid pub)")"
}
cost() {
	local b a
	read -ra b <<<"$1"
	read -ra a <<<"$2"
	printf 'att sent %d, dropped %d; pub sent %d, dropped %d; CPU s: att avahi %.2f, att dbus %.2f, pub avahi %.2f' \
		$((a[0] - b[0])) $((a[1] - b[1])) $((a[2] - b[2])) $((a[3] - b[3])) \
		"$(echo "(${a[4]} - ${b[4]}) / $HZ" | bc -l)" "$(echo "(${a[5]} - ${b[5]}) / $HZ" | bc -l)" \
		"$(echo "(${a[6]} - ${b[6]}) / $HZ" | bc -l)"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# json_ok HOST PYEXPR ARGS...: `wallflower ARGS --json` on HOST, PYEXPR true of it (as j).
json_ok() {
	local host=$1 expr=$2
	shift 2
	tb_on "$host" "$WF" "$@" --json 2>/dev/null |
		python3 -c 'import json,sys; j=json.load(sys.stdin); sys.exit(0 if eval(sys.argv[1]) else 1)' "$expr" 2>/dev/null
}

# The watcher: a control-socket client (proto/control.md: frames of a 4-byte big-endian
# length and a JSON object) that asks for events, touches OUT.ready once the daemon has
# acknowledged, then stamps each new peer and, once N are in, writes to OUT the times
# (epoch seconds) of the first, 10%, 50%, 90% and last, and exits.
WATCHER='
import json, socket, struct, sys, time
path, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_UNIX)
s.connect(path)
buf = b""
def recv():
    global buf
    while True:
        if len(buf) >= 4:
            k = struct.unpack(">I", buf[:4])[0]
            if len(buf) >= 4 + k:
                m, buf = buf[4:4 + k], buf[4 + k:]
                return json.loads(m)
        d = s.recv(1 << 20)
        if not d:
            sys.exit("watcher: the daemon closed the connection")
        buf += d
req = json.dumps({"cmd": "watch"}).encode()
s.sendall(struct.pack(">I", len(req)) + req)
if not recv().get("ok"):
    sys.exit("watcher: watch refused")
open(out + ".ready", "w").close()
here, stamps = set(), []
while len(here) < n:
    e = recv()
    p = e.get("peer", {}).get("instance")
    if e.get("event") == "peer-appeared" and p not in here:
        here.add(p)
        stamps.append(time.time())
    elif e.get("event") == "peer-left":
        here.discard(p)
q = lambda f: stamps[min(len(stamps) - 1, int(f * len(stamps)))]
with open(out + ".tmp", "w") as f:
    f.write("%.6f %.6f %.6f %.6f %.6f\n" % (stamps[0], q(0.1), q(0.5), q(0.9), stamps[-1]))
import os
os.rename(out + ".tmp", out)
'

# The same stamps for avahi-browse -p output: each first "=" line of a name.
STAMPER='
import sys, time
seen, stamps = set(), []
for line in sys.stdin:
    if line.startswith("="):
        name = line.split(";")[3]
        if name not in seen:
            seen.add(name)
            stamps.append(time.time())
if not stamps:
    stamps = [0.0]
q = lambda f: stamps[min(len(stamps) - 1, int(f * len(stamps)))]
print(len(seen), "%.6f %.6f %.6f %.6f %.6f" % (stamps[0], q(0.1), q(0.5), q(0.9), stamps[-1]))
'

# curve T0 "FIRST Q10 Q50 Q90 LAST": the stamps as seconds after T0.
curve() {
	awk -v t0="$1" '{ printf "first=%.2f q10=%.2f q50=%.2f q90=%.2f last=%.2f", $1 - t0, $2 - t0, $3 - t0, $4 - t0, $5 - t0 }' <<<"$2"
}

# ---- the LAN ----

tb_host pub || tb_bail "pub did not come up"
tb_host att || tb_bail "att did not come up"
if [ "$N" -gt 1000 ]; then
	avahi_set pub server objects-per-client-max $((N + 64))
	avahi_restart pub || tb_bail "avahi on pub did not restart"
fi
avahi_set att server objects-per-client-max "$(max 1024 $((N + 64)))"
avahi_set att server cache-entries-max "$(max 4096 $((4 * N + 64)))"
avahi_restart att || tb_bail "avahi on att did not restart"
ATT_DBUS=$(awk '$3 == "att" && $4 == "dbus-daemon" { print $1 }' "$TB_DIR/pids")
tb_on att "$WF" init >/dev/null 2>&1 || tb_bail "wallflower init on att"
tb_on att "$WF" profile add topics topic-7 >/dev/null || tb_bail "profile on att"

t0=$EPOCHREALTIME
tb_spawn pub "$TB_DIR/pub/publish.log" "$PUBLISH" "$N"
PUB_PID=$TB_LASTPID
tb_wait 120 grep -q '^established' "$TB_DIR/pub/publish.log" ||
	{ cat "$TB_DIR/pub/publish.log" >&2; tb_bail "publish did not establish $N adverts"; }
echo "# pub: $N adverts established in $(echo "$EPOCHREALTIME - $t0" | bc -l | xargs printf %.2f) s"
# Once a group is established avahi announces its records 3 times, 0, 1 and 3 s later
# (avahi-core/announce.c): let that finish, so that no announcement falls in a measurement.
sleep 10

# ---- one round of each ----

WF_S=() BR_S=() RSS_B=() ANON_B=() RSS_JSON_B=() NEARBY_S=()

measure_wallflower() {
	local r=$1 d=$TB_DIR/att out pid rss0 anon0 rss1 anon1 rss2 t0 t1 stamps n before c0 lan
	out=$d/watch.$r
	avahi_restart att || tb_bail "avahi on att did not restart"
	tb_spawn att "$d/wfd.$r.log" "$WFD" -d
	pid=$TB_LASTPID
	tb_wait 10 json_ok att "j['avahi'] == 'running'" status ||
		tb_bail "wallflowerd on att did not connect to avahi"
	rss0=$(rss "$pid" VmRSS)
	anon0=$(rss "$pid" RssAnon)
	tb_spawn att "$d/watch.$r.log" python3 -c "$WATCHER" "$d/run/ctl" "$N" "$out"
	tb_wait 10 test -e "$out.ready" || tb_bail "the watcher did not connect"

	before=$(snap)
	c0=$(ticks "$pid")
	t0=$EPOCHREALTIME
	tb_on att "$WF" start --hidden >/dev/null || tb_bail "wallflower start on att"
	if ! tb_wait 300 test -e "$out"; then
		n=$(tb_on att "$WF" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nearby"])')
		tb_bail "wallflowerd found $n of $N peers in 300 s"
	fi
	stamps=$(<"$out")
	t1=${stamps##* }
	rss1=$(rss "$pid" VmHWM)
	anon1=$(rss "$pid" RssAnon)
	lan="$(cost "$before" "$(snap)"), wallflowerd $(echo "($(ticks "$pid") - $c0) / $HZ" | bc -l | xargs printf %.2f)"
	local j0 j1
	j0=$EPOCHREALTIME
	tb_on att "$WF" nearby --json >"$d/nearby.$r.json" || tb_bail "nearby --json on att"
	j1=$EPOCHREALTIME
	n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["peers"]))' "$d/nearby.$r.json")
	[ "$n" = "$N" ] || tb_bail "nearby --json lists $n peers, not $N"
	rss2=$(rss "$pid" VmHWM)
	tb_kill "$pid"

	WF_S+=("$(echo "$t1 - $t0" | bc -l)")
	RSS_B+=("$(((rss1 - rss0) / N))")
	ANON_B+=("$(((anon1 - anon0) / N))")
	RSS_JSON_B+=("$(((rss2 - rss0) / N))")
	NEARBY_S+=("$(echo "$j1 - $j0" | bc -l)")
	printf '# round %s wallflower: %.3f s (%s; %s); RSS %d -> peak %d KiB, anon %d -> %d KiB, peak %d KiB after nearby --json (%.3f s)\n' \
		"$r" "${WF_S[-1]}" "$(curve "$t0" "$stamps")" "$lan" $((rss0 / 1024)) \
		$((rss1 / 1024)) $((anon0 / 1024)) $((anon1 / 1024)) $((rss2 / 1024)) "${NEARBY_S[-1]}"
}

measure_browse() {
	local r=$1 d=$TB_DIR/att t0 t1 res n before lan
	avahi_restart att || tb_bail "avahi on att did not restart"
	before=$(snap)
	t0=$EPOCHREALTIME
	# stdbuf: one line at a time into the pipe, so the stamps are when avahi-browse printed.
	# The shell around it reads avahi-browse's CPU time from its own cutime and cstime.
	res=$(tb_on att sh -c 'stdbuf -oL avahi-browse -rtp _wallflower._tcp 2>"$1.err"
		awk "{ print \$16 + \$17 }" /proc/$$/stat >"$1.cpu"' sh "$d/browse.$r" |
		python3 -c "$STAMPER")
	t1=$EPOCHREALTIME
	lan="$(cost "$before" "$(snap)"), avahi-browse $(echo "$(<"$d/browse.$r.cpu") / $HZ" | bc -l | xargs printf %.2f)"
	n=${res%% *}
	[ "$n" = "$N" ] || tb_bail "avahi-browse resolved $n adverts, not $N"
	BR_S+=("$(echo "$t1 - $t0" | bc -l)")
	printf '# round %s avahi-browse: %.3f s (%s; %s)\n' "$r" "${BR_S[-1]}" \
		"$(curve "$t0" "${res#* }")" "$lan"
}

# These machines are shared: the load says how much else was running.
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
for ((r = 1; r <= ROUNDS; r++)); do
	if ((r % 2)); then
		measure_wallflower "$r"
		sleep 2
		measure_browse "$r"
	else
		measure_browse "$r"
		sleep 2
		measure_wallflower "$r"
	fi
	sleep 2
done
tb_kill "$PUB_PID"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

wf=$(printf '%s\n' "${WF_S[@]}" | median)
br=$(printf '%s\n' "${BR_S[@]}" | median)
ratio=$(echo "$wf / $br" | bc -l)
rss_pp=$(printf '%s\n' "${RSS_B[@]}" | median)
anon_pp=$(printf '%s\n' "${ANON_B[@]}" | median)
json_pp=$(printf '%s\n' "${RSS_JSON_B[@]}" | median)
nearby_s=$(printf '%s\n' "${NEARBY_S[@]}" | median)
printf 'discovery peers=%d rounds=%d wallflower_s=%.3f browse_s=%.3f ratio=%.2f rss_per_peer_b=%.0f anon_per_peer_b=%.0f rss_per_peer_after_nearby_b=%.0f nearby_json_s=%.3f\n' \
	"$N" "$ROUNDS" "$wf" "$br" "$ratio" "$rss_pp" "$anon_pp" "$json_pp" "$nearby_s"

missed=0
if [ "$(echo "$ratio > 1.25" | bc -l)" -eq 1 ]; then
	printf 'target discovery-ratio missed: %.2f > 1.25\n' "$ratio"
	missed=1
fi
if [ "$(echo "$rss_pp > 2048" | bc -l)" -eq 1 ]; then
	echo "target discovery-rss missed: $rss_pp B per peer > 2048"
	missed=1
fi
exit "$missed"
