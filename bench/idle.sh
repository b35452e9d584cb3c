#!/bin/bash
# idle.sh: idle cost (issue 7, part 3). On a simulated LAN (tests/net/testbed.sh, real avahi
# in network namespaces, nothing in the root namespace), host "pub" publishes N wallflower
# adverts from one avahi client (bench/publish); on host "att", wallflowerd is started at an
# event (advertising, and browsing) and sees all N. Once it has settled, it is left alone
# for a minute, measured over that same minute together with att's avahi-daemon:
#   - CPU: utime + stime from /proc/PID/stat (clock ticks), and the time on CPU from
#     /proc/PID/schedstat (nanoseconds, finer);
#   - wakeups and syscalls: strace -f -tt on each for the minute; a wakeup is a return of
#     the process's wait (epoll_wait, poll, ppoll, or the restart of one strace interrupted
#     when it attached). A return with no event is a timer the process set itself; after a
#     return with events, the first read says which file woke it (the D-Bus socket, mDNS);
#   - RSS: the peak, VmHWM, at the end of the minute (over the process's life: its start,
#     the discovery of the N peers, the minute).
# Nothing talks to the daemon during the minute: no status, no nearby.
#
# Prints "# ..." lines (each process's wakeups by cause and its syscalls), then one result
# line:
#   idle peers=N seconds=S wfd_cpu_s=.. avahi_cpu_s=.. wfd_wakeups=.. wfd_timer_wakeups=..
#        avahi_wakeups=.. wfd_syscalls=.. avahi_syscalls=.. wfd_rss_kib=.. avahi_rss_kib=..
# and "target ... missed" lines (exit 1) when wallflowerd woke up by a timer of its own, used
# more CPU than avahi-daemon, or its peak RSS was over 8 MiB. Exit 77 (SKIP) when the machine
# cannot run the testbed (or strace is missing: apt-get install strace).
#
# Usage: bench/idle.sh BUILD_DIR [N [SECONDS [SETTLE]]]   (default 50 peers, 60 s, settle 5 s)
# TB_KEEP=1 keeps the work dir (the strace logs are there).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../tests/net/testbed.sh"

BUILD=${1:?usage: idle.sh BUILD_DIR [N [SECONDS [SETTLE]]]}
BUILD=$(cd "$BUILD" && pwd) || exit 2
N=${2:-50}
DUR=${3:-60}
SETTLE=${4:-5}
WF=$BUILD/src/cli/wallflower
WFD=$BUILD/src/daemon/wallflowerd
PUBLISH=$BUILD/bench/publish
for f in "$WF" "$WFD" "$PUBLISH"; do
	[ -x "$f" ] || { echo "idle.sh: $f is missing: build first" >&2; exit 2; }
done
export WALLFLOWER_ALLOW_ROOT=1 WALLFLOWERD=$WFD

tb_require python3 python3
tb_require strace strace
tb_require timeout coreutils
tb_init idle

json_ok() {
	local host=$1 expr=$2
	shift 2
	tb_on "$host" "$WF" "$@" --json 2>/dev/null |
		python3 -c 'import json,sys; j=json.load(sys.stdin); sys.exit(0 if eval(sys.argv[1]) else 1)' "$expr" 2>/dev/null
}
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
oncpu() { awk '{ print $1 }' "/proc/$1/schedstat"; }
rss_kib() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$1/status"; }
HZ=$(getconf CLK_TCK)

# fdmap PID: "FD WHAT" for each open file of PID, WHAT one word: the socket's kind (udp, tcp,
# netlink, unix:PATH, or unix for an unnamed one: the D-Bus connection), or what the link
# names (anon_inode:[signalfd], pipe:[..]).
fdmap() {
	local pid=$1 net fd link ino what
	net=/proc/$(_tb_holder att)/net
	for fd in /proc/"$pid"/fd/*; do
		link=$(readlink "$fd") || continue
		what=$link
		if [[ $link == socket:* ]]; then
			ino=${link//[!0-9]/}
			what=$(awk -v i="$ino" '
				FILENAME ~ /udp$/ && $10 == i { print "udp"; exit }
				FILENAME ~ /tcp6?$/ && $10 == i { print "tcp"; exit }
				FILENAME ~ /netlink$/ && $NF == i { print "netlink"; exit }
				FILENAME ~ /unix$/ && $7 == i { print ($8 == "" ? "unix" : "unix:" $8); exit }
				' "$net/udp" "$net/tcp" "$net/tcp6" "$net/netlink" "$net/unix" 2>/dev/null)
			[ -n "$what" ] || what=socket
		fi
		echo "${fd##*/} $what"
	done
}

# The reading of an strace -f -tt log: syscalls by name, and wakeups by cause. A wakeup is
# the return of a wait that could sleep (a poll with a zero timeout does not count): with no
# event it was a timer; else poll names the files that were ready, and for epoll the next
# read does. Arguments: LOG FDMAP LABEL. Prints one "# " line and, on the last line,
# "WAKEUPS TIMER_WAKEUPS SYSCALLS".
ANALYSE='
import collections, re, sys
log, fdmap, label = sys.argv[1:4]
names = dict(l.split(" ", 1) for l in open(fdmap).read().splitlines() if " " in l)
calls = collections.Counter()
causes = collections.Counter()
wakeups = timer = 0
waiting = False
WAITS = ("epoll_wait", "epoll_pwait", "epoll_pwait2", "poll", "ppoll", "select", "pselect6")
READS = ("read", "recvmsg", "recvfrom", "recv", "recvmmsg")
def fd_name(fd):
    return "fd %s (%s)" % (fd, names.get(fd, "?"))
for line in open(log):
    line = re.sub(r"^(\[pid +)?\d+\]? +", "", line.rstrip())
    line = re.sub(r"^\d\d:\d\d:\d\d\.\d+ +", "", line)
    if line.startswith(("+++", "---")) or "unfinished ..." in line:
        continue
    blocked = True  # a resumed call had been waiting
    m = re.match(r"<\.\.\. (\w+) resumed>", line)
    if m:
        name = m.group(1)
    else:
        m = re.match(r"(\w+)\(", line)
        if not m:
            continue
        name = m.group(1)
        if name in WAITS:
            # The timeout is the last argument: 0 (or a zero timespec) polls without waiting.
            t = re.search(r"(\{tv_sec=0, tv_nsec=0\}|, 0)(, NULL, \d+)?\) +=", line)
            blocked = t is None
    if name == "restart_syscall":
        inner = re.search(r"resuming interrupted (\w+)", line)
        name = inner.group(1) if inner else name
    r = re.search(r"\) += (-?\d+)", line)
    if not r:
        continue  # still blocked when strace detached
    calls[name] += 1
    if name in WAITS:
        waiting = False
        if not blocked:
            continue
        wakeups += 1
        if int(r.group(1)) == 0:
            timer += 1
            causes["a timer"] += 1
        else:
            ready = re.findall(r"\{fd=(\d+), revents", line)  # poll says which
            for fd in ready:
                causes[fd_name(fd)] += 1
            waiting = not ready  # epoll does not: the next read does
    elif waiting and name in READS:
        fd = re.match(r"\w+\((\d+)", line)
        causes[fd_name(fd.group(1) if fd else "?")] += 1
        waiting = False
total = sum(calls.values())
print("# %s: %d wakeups (%d by a timer of its own); woken by: %s; %d syscalls: %s" % (
    label, wakeups, timer,
    ", ".join("%s x%d" % kv for kv in causes.most_common()) or "nothing", total,
    ", ".join("%s %d" % kv for kv in calls.most_common()) or "none"))
print(wakeups, timer, total)
'

# ---- the LAN ----

tb_host pub || tb_bail "pub did not come up"
tb_host att || tb_bail "att did not come up"
if [ "$N" -gt 1000 ]; then
	sed -i "s/^\[server\]\$/[server]\nobjects-per-client-max=$((N + 64))/" \
		"$TB_DIR/pub/avahi.conf" "$TB_DIR/att/avahi.conf"
	for h in pub att; do
		tb_avahi_stop "$h" || tb_bail "avahi on $h did not stop"
		tb_avahi_start "$h" || tb_bail "avahi on $h did not restart"
	done
fi
tb_spawn pub "$TB_DIR/pub/publish.log" "$PUBLISH" "$N"
tb_wait 60 grep -q '^established' "$TB_DIR/pub/publish.log" ||
	{ cat "$TB_DIR/pub/publish.log" >&2; tb_bail "publish did not establish $N adverts"; }

tb_on att "$WF" init >/dev/null 2>&1 || tb_bail "wallflower init on att"
tb_on att "$WF" profile add topics topic-7 >/dev/null || tb_bail "profile on att"
tb_spawn att "$TB_DIR/att/wfd.log" "$WFD" -d
WPID=$TB_LASTPID
read -r APID _ <"$TB_DIR/att/avahi.pid"
tb_wait 10 json_ok att "j['avahi'] == 'running'" status ||
	tb_bail "wallflowerd on att did not connect to avahi"
tb_on att "$WF" start --event "Bench Idle" --handle bench-self >/dev/null ||
	tb_bail "wallflower start on att"
tb_wait 60 json_ok att "j['nearby'] == $N and j['advert'] == 'established'" status ||
	tb_bail "wallflowerd did not see $N peers and establish its advert"
sleep "$SETTLE"

# ---- the minute ----

echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
fdmap "$WPID" >"$TB_DIR/wfd.fds"
fdmap "$APID" >"$TB_DIR/avahi.fds"
timeout -s INT "$DUR" strace -f -tt -o "$TB_DIR/wfd.strace" -p "$WPID" 2>"$TB_DIR/wfd.strace.err" &
S1=$!
_tb_record "$S1" "strace wallflowerd"
timeout -s INT "$DUR" strace -f -tt -o "$TB_DIR/avahi.strace" -p "$APID" 2>"$TB_DIR/avahi.strace.err" &
S2=$!
_tb_record "$S2" "strace avahi-daemon"
wt0=$(ticks "$WPID") wn0=$(oncpu "$WPID") at0=$(ticks "$APID") an0=$(oncpu "$APID")
wait "$S1" "$S2"
wt1=$(ticks "$WPID") wn1=$(oncpu "$WPID") at1=$(ticks "$APID") an1=$(oncpu "$APID")
wrss=$(rss_kib "$WPID") arss=$(rss_kib "$APID")
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
json_ok att "j['nearby'] == $N" status || tb_bail "wallflowerd no longer sees $N peers"

wa=$(python3 -c "$ANALYSE" "$TB_DIR/wfd.strace" "$TB_DIR/wfd.fds" wallflowerd) ||
	tb_bail "cannot read the strace log of wallflowerd"
aa=$(python3 -c "$ANALYSE" "$TB_DIR/avahi.strace" "$TB_DIR/avahi.fds" avahi-daemon) ||
	tb_bail "cannot read the strace log of avahi-daemon"
echo "${wa%$'\n'*}"
echo "${aa%$'\n'*}"
read -r w_wake w_timer w_calls <<<"${wa##*$'\n'}"
read -r a_wake _ a_calls <<<"${aa##*$'\n'}"
printf '# CPU over %s s: wallflowerd %d ticks, %.6f s on CPU; avahi-daemon %d ticks, %.6f s on CPU (ticks of 1/%s s)\n' \
	"$DUR" $((wt1 - wt0)) "$(echo "($wn1 - $wn0) / 10^9" | bc -l)" $((at1 - at0)) \
	"$(echo "($an1 - $an0) / 10^9" | bc -l)" "$HZ"
wcpu=$(echo "($wn1 - $wn0) / 10^9" | bc -l)
acpu=$(echo "($an1 - $an0) / 10^9" | bc -l)
printf 'idle peers=%d seconds=%d wfd_cpu_s=%.6f avahi_cpu_s=%.6f wfd_wakeups=%d wfd_timer_wakeups=%d avahi_wakeups=%d wfd_syscalls=%d avahi_syscalls=%d wfd_rss_kib=%d avahi_rss_kib=%d\n' \
	"$N" "$DUR" "$wcpu" "$acpu" "$w_wake" "$w_timer" "$a_wake" "$w_calls" "$a_calls" "$wrss" "$arss"

missed=0
if [ "$w_timer" -gt 0 ]; then
	echo "target idle-wakeups missed: wallflowerd woke $w_timer times by a timer of its own"
	missed=1
fi
if [ "$(echo "$wcpu > $acpu" | bc -l)" -eq 1 ]; then
	printf 'target idle-cpu missed: wallflowerd %.6f s > avahi-daemon %.6f s\n' "$wcpu" "$acpu"
	missed=1
fi
if [ "$wrss" -gt 8192 ]; then
	echo "target idle-rss missed: wallflowerd $wrss KiB > 8 MiB"
	missed=1
fi
exit "$missed"
