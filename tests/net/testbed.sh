#!/bin/bash
# testbed.sh: a simulated LAN for multi-host tests, with real avahi (DESIGN.md, "Testing on
# these machines"). Source it from a bash test script:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/testbed.sh"
#   tb_init mytest                  # skips (exit 77) when the machine cannot do it
#   tb_host h1 || tb_bail "h1 did not come up"
#   tb_host h2 || tb_bail "h2 did not come up"
#   tb_spawn h1 "$TB_DIR/pub.log" avahi-publish -s x _wallflower._tcp 4000 v=1
#   tb_check "h2 sees x" tb_wait 10 tb_on h2 sh -c 'avahi-browse -rtp _wallflower._tcp | grep -q "^=.*;x;"'
#   tb_done
#
# The layout. A "switch" namespace holds one bridge per subnet (br<subnet>). Each host is a
# network namespace with a veth eth0 (10.<subnet>.0.<n>/24) whose peer sits in the switch
# namespace, enslaved to its subnet's bridge. A router (tb_router) has a leg on two subnets,
# forwards between them and runs avahi as a reflector (or, with --no-reflector, does not);
# tb_isolate turns on client isolation.
# A holder process per host owns a mount namespace with a private tmpfs on /run, so each host
# has its own /run/dbus and /run/avahi-daemon; in it run the host's own dbus-daemon --system
# and avahi-daemon. Nothing is ever created in, or moved into, the root network namespace, so
# no multicast leaves the machine.
#
# Rules for callers: run tb_init and tb_host in the main shell (not in $(...)); do not replace
# the EXIT/INT/TERM traps (if you need your own, call tb_cleanup from it); CMD given to tb_on
# and tb_spawn is a program, not a shell function. TB_KEEP=1 keeps the work dir (logs).

# Globals the tests may read.
TB_DIR=           # work dir: pids, logs, and one dir per host ($TB_DIR/NAME)
TB_PREFIX=        # prefix of every namespace this run creates, e.g. wf1234-
TB_SWITCH=        # the switch namespace
TB_LASTPID=       # PID of the process tb_spawn started last
TB_SUBNET=42      # default second octet of host addresses
TB_TESTS=0        # TAP counters
TB_FAILED=0
_TB_CLEANED=

_tb_say() { echo "testbed: $*" >&2; }
_tb_skip() { echo "SKIP: $*" >&2; exit 77; }

# tb_require CMD PACKAGE: skip the test when CMD is missing, naming the Debian package.
tb_require() {
	command -v "$1" >/dev/null 2>&1 || _tb_skip "$1 not found (apt-get install $2)"
}

# Microseconds since the epoch, and a decimal number of seconds in microseconds, for timeouts
# finer than bash's $SECONDS.
_tb_now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }
_tb_us() {
	local i=${1%%.*} f=
	[[ $1 == *.* ]] && f=${1#*.}
	f=${f}000000
	echo $((10#${i:-0} * 1000000 + 10#${f:0:6}))
}

# tb_wait TIMEOUT_SECONDS CMD...: retries CMD every 0.2 s until it succeeds (returns 0) or
# TIMEOUT_SECONDS (may be decimal) have passed (returns 1). CMD runs at least once.
tb_wait() {
	local deadline
	deadline=$(($(_tb_now_us) + $(_tb_us "$1")))
	shift
	while :; do
		if "$@"; then return 0; fi
		if (($(_tb_now_us) >= deadline)); then return 1; fi
		sleep 0.2
	done
}

# A process is identified by its PID and its start time (field 22 of /proc/PID/stat), so that
# a PID the kernel has recycled for someone else's process is never killed.
# _tb_stat PID: sets _TB_STAT to the fields of /proc/PID/stat after the command name (which
# may hold spaces): _TB_STAT[0] is field 3 (the state), _TB_STAT[19] field 22 (start time).
_TB_STAT=()
_tb_stat() {
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 1
	read -ra _TB_STAT <<<"${s##*) }"
}
_tb_starttime() { _tb_stat "$1" && echo "${_TB_STAT[19]}"; }
# _tb_alive PID START: the process still runs (a zombie counts as gone).
_tb_alive() { _tb_stat "$1" && [ "${_TB_STAT[0]}" != Z ] && [ "${_TB_STAT[19]}" = "$2" ]; }
# _tb_record PID LABEL: remembers a process for tb_cleanup. One line "PID START LABEL".
_tb_record() {
	local st
	st=$(_tb_starttime "$1") || st=gone   # already exited: nothing to kill later
	echo "$1 $st $2" >>"$TB_DIR/pids"
}
# _tb_stop TIMEOUT PID START...: SIGTERM to each live one, up to TIMEOUT seconds for them to
# go, then SIGKILL. Reaps our own children so bash prints no "Terminated" notices.
_TB_STOPPING=()
_tb_none_alive() {
	local j
	for ((j = 0; j < ${#_TB_STOPPING[@]}; j += 2)); do
		_tb_alive "${_TB_STOPPING[j]}" "${_TB_STOPPING[j + 1]}" && return 1
	done
	return 0
}
_tb_stop() {
	local timeout=$1 j
	shift
	_TB_STOPPING=("$@")
	for ((j = 0; j < $#; j += 2)); do
		if _tb_alive "${_TB_STOPPING[j]}" "${_TB_STOPPING[j + 1]}"; then
			kill -TERM "${_TB_STOPPING[j]}" 2>/dev/null || :
		fi
	done
	if ! tb_wait "$timeout" _tb_none_alive; then
		for ((j = 0; j < $#; j += 2)); do
			if _tb_alive "${_TB_STOPPING[j]}" "${_TB_STOPPING[j + 1]}"; then
				_tb_say "pid ${_TB_STOPPING[j]} ignored SIGTERM, sending SIGKILL"
				kill -KILL "${_TB_STOPPING[j]}" 2>/dev/null || :
			fi
		done
		tb_wait 2 _tb_none_alive || _tb_say "processes still alive after SIGKILL"
	fi
	for ((j = 0; j < $#; j += 2)); do
		if ! _tb_alive "${_TB_STOPPING[j]}" "${_TB_STOPPING[j + 1]}"; then
			wait "${_TB_STOPPING[j]}" 2>/dev/null || :
		fi
	done
	return 0
}

# tb_init [NAME]: checks the machine can run the testbed (else exit 77 with "SKIP: why"),
# makes the work dir and the switch, and installs the cleanup traps.
tb_init() {
	local name=${1:-testbed} c probe err
	[ "$(id -u)" = 0 ] || _tb_skip "needs root (network and mount namespaces)"
	tb_require ip iproute2
	tb_require sysctl procps
	tb_require nsenter util-linux
	tb_require unshare util-linux
	tb_require dbus-daemon dbus
	tb_require avahi-daemon avahi-daemon
	getent passwd avahi >/dev/null || _tb_skip "no avahi system user (apt-get install avahi-daemon)"
	getent passwd messagebus >/dev/null || _tb_skip "no messagebus system user (apt-get install dbus)"
	# Clients on the hosts must use the host's own bus at the default path, not one the
	# caller's environment points to.
	unset DBUS_SYSTEM_BUS_ADDRESS DBUS_SESSION_BUS_ADDRESS

	# Our PID makes the prefix unique among live runs; a namespace left by a dead run with the
	# same PID (killed with SIGKILL) is not ours to delete, so pick another letter.
	TB_PREFIX=wf$$-
	for c in a b c d e f g h; do
		ip netns list 2>/dev/null | grep -q "^$TB_PREFIX" || break
		TB_PREFIX=wf$$$c-
	done
	case ${TMPDIR:-/tmp} in /run | /run/*) TMPDIR=/tmp ;; esac   # /run is private on hosts
	TB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || _tb_skip "cannot make a work dir"
	: >"$TB_DIR/pids"
	_TB_CLEANED=
	# exit from the INT/TERM traps runs the EXIT trap, so cleanup runs once on every way out.
	trap tb_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM

	# Probe everything a host needs, in a throwaway namespace (deleted by prefix on exit).
	probe=${TB_PREFIX}probe
	err=$TB_DIR/probe.err
	ip netns add "$probe" 2>"$err" ||
		_tb_skip "cannot create network namespaces: $(head -n1 "$err")"
	ip -n "$probe" link add br0 type bridge 2>"$err" ||
		_tb_skip "cannot create a bridge: $(head -n1 "$err")"
	ip -n "$probe" link add eth0 type veth peer name eth1 2>"$err" ||
		_tb_skip "cannot create a veth pair: $(head -n1 "$err")"
	ip netns exec "$probe" unshare -m --propagation private \
		sh -c 'mount -t tmpfs tmpfs /run' 2>"$err" ||
		_tb_skip "cannot mount a private /run: $(head -n1 "$err")"
	ip netns del "$probe"

	TB_SWITCH=${TB_PREFIX}sw
	ip netns add "$TB_SWITCH" || return 1
	_tb_no_ipv6 "$TB_SWITCH"
}

# _tb_bridge OCTET: the bridge of subnet 10.OCTET.0.0/24 (br<OCTET> in the switch namespace),
# made on first use. Each subnet is its own link: multicast does not cross between them.
_tb_bridge() {
	local br=br$1
	ip -n "$TB_SWITCH" link show "$br" >/dev/null 2>&1 && return 0
	# Snooping off: the bridge floods all multicast, as a dumb switch does.
	ip -n "$TB_SWITCH" link add "$br" type bridge mcast_snooping 0 &&
		ip -n "$TB_SWITCH" link set "$br" up
}

# _tb_port NS IFACE PORTNAME OCTET ADDR: a veth IFACE in NS with ADDR/24, whose peer PORTNAME
# is a port of the subnet's bridge.
_tb_port() {
	_tb_bridge "$4" &&
		ip -n "$1" link add "$2" type veth peer name "$3" netns "$TB_SWITCH" &&
		ip -n "$TB_SWITCH" link set "$3" master "br$4" up &&
		ip -n "$1" addr add "$5/24" dev "$2" &&
		ip -n "$1" link set "$2" up
}

# IPv6 off in a namespace: avahi runs IPv4 only, and this spares the DAD wait and the
# router solicitations. Missing keys (a kernel without IPv6) are fine.
_tb_no_ipv6() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || :
}

# _tb_holder NAME: prints the PID of the host's holder (the target of nsenter).
_tb_holder() {
	[ -r "$TB_DIR/$1/holder.pid" ] || { _tb_say "no host $1"; return 1; }
	echo "$(<"$TB_DIR/$1/holder.pid")"
}

# _tb_bg NAME LOGFILE LABEL CMD...: CMD in the background on host NAME, stdin from /dev/null,
# output to LOGFILE. nsenter (and env) exec CMD, so $! is CMD's own PID. Sets TB_LASTPID.
_tb_bg() {
	local name=$1 log=$2 label=$3 holder
	shift 3
	holder=$(_tb_holder "$name") || return 1
	nsenter -t "$holder" -m -n --wd="$PWD" -- "$@" </dev/null >>"$log" 2>&1 &
	TB_LASTPID=$!
	_tb_record "$TB_LASTPID" "$name $label"
}

# _tb_env NAME: sets _TB_ENV to the env(1) prefix of commands run on a host: its own state
# and runtime dirs, and home.
_TB_ENV=()
_tb_env() {
	local d=$TB_DIR/$1
	_TB_ENV=(env "WALLFLOWER_STATE_DIR=$d/state" "WALLFLOWER_RUNTIME_DIR=$d/run" "HOME=$d")
}

# tb_host NAME [SUBNET_OCTET]: a new host NAME (lower case letters and digits, avahi host name
# NAME.local) at the next free address 10.SUBNET_OCTET.0.n/24 (each subnet its own bridge),
# with a private /run, its own dbus-daemon and avahi-daemon. Returns once avahi has finished
# starting up; 1 on failure.
tb_host() {
	local name=$1 octet=${2:-$TB_SUBNET} d=$TB_DIR/$1 n addr
	_tb_new "$name" || return 1
	n=$(($(cat "$TB_DIR/next.$octet" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$TB_DIR/next.$octet"
	addr=10.$octet.0.$n
	echo "$addr" >"$d/addr"
	echo "$octet" >"$d/subnet"
	# eth0 is made inside the host and its peer ("v" + NAME, the 15-byte interface name
	# limit allows it) goes straight into the switch namespace. The default route points
	# at the subnet's router (.254), used when tb_router joins two subnets.
	_tb_port "$TB_PREFIX$name" eth0 "v$name" "$octet" "$addr" &&
		ip -n "$TB_PREFIX$name" route add default via "10.$octet.0.254" || return 1
	_tb_services "$name" eth0 ""
}

# tb_router NAME OCTET_A OCTET_B [--no-reflector]: a host on two subnets (10.A.0.254 and
# 10.B.0.254) that forwards between them and runs avahi as a reflector
# (enable-reflector=yes), as a venue's router does when it joins two Wi-Fi networks. With
# --no-reflector it routes but its avahi reflects nothing, as most routers do: unicast
# crosses, mDNS does not.
tb_router() {
	local name=$1 a=$2 b=$3 ns=$TB_PREFIX$1 d=$TB_DIR/$1 reflect=yes
	case ${4:-} in
	"") ;;
	--no-reflector) reflect=no ;;
	*) _tb_say "tb_router: unknown option $4"; return 1 ;;
	esac
	_tb_new "$name" || return 1
	echo "10.$a.0.254" >"$d/addr"
	_tb_port "$ns" eth0 "v${name}a" "$a" "10.$a.0.254" &&
		_tb_port "$ns" eth1 "v${name}b" "$b" "10.$b.0.254" &&
		ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 || return 1
	_tb_services "$name" eth0,eth1 "[reflector]
enable-reflector=$reflect"
}

# tb_isolate NAME...: client isolation, as Wi-Fi access points do it: the hosts' switch ports
# become "isolated", so they cannot reach each other (multicast included), only the others.
tb_isolate() {
	local name
	for name in "$@"; do
		bridge -n "$TB_SWITCH" link set dev "v$name" isolated on || return 1
	done
}

# _tb_new NAME: the host's directories and network namespace (lo up, IPv6 off).
_tb_new() {
	local name=$1 d=$TB_DIR/$1
	[[ $name =~ ^[a-z][a-z0-9]{0,11}$ ]] || { _tb_say "bad host name '$name'"; return 1; }
	[ ! -e "$d" ] || { _tb_say "host $name exists"; return 1; }
	mkdir -m 0700 "$d" "$d/state" "$d/run" || return 1
	ip netns add "$TB_PREFIX$name" || return 1
	_tb_no_ipv6 "$TB_PREFIX$name"
	ip -n "$TB_PREFIX$name" link set lo up
}

# _tb_services NAME IFACES EXTRA: the host's holder (private /run), dbus-daemon and
# avahi-daemon on IFACES (comma-separated), with EXTRA appended to avahi's configuration.
_tb_services() {
	local name=$1 ifaces=$2 extra=$3 ns=$TB_PREFIX$1 d=$TB_DIR/$1 holder i
	# avahi picks up a late interface, but would then report startup complete before it
	# joined the group: wait for carrier first.
	for i in ${ifaces//,/ }; do
		tb_wait 20 _tb_carrier "$ns" "$i" || { _tb_say "$name: $i has no carrier"; return 1; }
	done

	# The holder: ip and unshare exec, and sh execs sleep once /run is mounted, so $! is the
	# holder, and it is "sleep" exactly when /run is ready.
	ip netns exec "$ns" unshare -m --propagation private sh -c \
		'mount -t tmpfs -o mode=0755 tmpfs /run && mkdir -p /run/dbus /run/avahi-daemon &&
		 exec sleep infinity' </dev/null >"$d/holder.log" 2>&1 &
	holder=$!
	_tb_record "$holder" "$name holder"
	echo "$holder" >"$d/holder.pid"
	if ! tb_wait 20 _tb_is_sleeping "$holder"; then
		_tb_say "$name: private /run failed"
		cat "$d/holder.log" >&2
		return 1
	fi

	# dbus: avahi-daemon needs the system bus when it starts. The socket appears when dbus
	# listens; a connection made then waits in the backlog, which is enough.
	_tb_bg "$name" "$d/dbus.log" dbus-daemon dbus-daemon --system --nofork --nopidfile || return 1
	if ! tb_wait 20 test -S "/proc/$holder/root/run/dbus/system_bus_socket"; then
		_tb_say "$name: dbus-daemon did not start"
		cat "$d/dbus.log" >&2
		return 1
	fi

	cat >"$d/avahi.conf" <<-EOF
	[server]
	host-name=$name
	use-ipv4=yes
	use-ipv6=no
	allow-interfaces=$ifaces
	ratelimit-interval-usec=1000000
	ratelimit-burst=1000
	[wide-area]
	enable-wide-area=no
	[publish]
	publish-hinfo=no
	publish-workstation=no
	$extra
	EOF
	tb_avahi_start "$name"
}

# tb_ipv6 NAME: turns IPv6 on in host NAME (duplicate address detection off, so its addresses
# are usable at once; eth0 gets its link-local address) and restarts its avahi-daemon with
# use-ipv6=yes. Hosts are IPv4 only until this is called.
tb_ipv6() {
	local name=$1 ns=$TB_PREFIX$1 d=$TB_DIR/$1 k
	[ -r "$d/avahi.conf" ] || { _tb_say "no host $name"; return 1; }
	for k in all default eth0; do
		ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$k.accept_dad=0" || return 1
	done
	for k in all default lo eth0; do
		ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$k.disable_ipv6=0" || return 1
	done
	tb_wait 20 _tb_has_ll "$ns" || { _tb_say "$name: no IPv6 link-local address"; return 1; }
	sed -i 's/^use-ipv6=no$/use-ipv6=yes/' "$d/avahi.conf" &&
		tb_avahi_stop "$name" && tb_avahi_start "$name"
}
_tb_has_ll() { ip -n "$1" -6 -o addr show dev eth0 scope link | grep -q fe80; }

_tb_carrier() { ip -n "$1" -o link show "${2:-eth0}" | grep -q 'LOWER_UP'; }
_tb_is_sleeping() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = sleep ]; }

# tb_addr NAME: prints the host's IPv4 address.
tb_addr() {
	[ -r "$TB_DIR/$1/addr" ] || { _tb_say "no host $1"; return 1; }
	echo "$(<"$TB_DIR/$1/addr")"
}

# tb_ns NAME: prints the host's network namespace, for `ip -n` (e.g. to pull its cable).
tb_ns() { echo "$TB_PREFIX$1"; }

# tb_on NAME CMD...: runs CMD on host NAME in the foreground, in the current directory, with
# the host's environment (WALLFLOWER_STATE_DIR, WALLFLOWER_RUNTIME_DIR, HOME); returns its
# exit status. stdin, stdout and stderr are the caller's.
tb_on() {
	local name=$1 holder
	shift
	holder=$(_tb_holder "$name") || return 1
	_tb_env "$name"
	nsenter -t "$holder" -m -n --wd="$PWD" -- "${_TB_ENV[@]}" "$@"
}

# tb_spawn NAME LOGFILE CMD...: the same in the background, output appended to LOGFILE, stdin
# from /dev/null. Its PID is in TB_LASTPID (not printed, so that TAP output stays clean) and
# tb_cleanup stops it.
tb_spawn() {
	local name=$1 log=$2
	shift 2
	_tb_env "$name"
	_tb_bg "$name" "$log" "$1" "${_TB_ENV[@]}" "$@"
}

# tb_kill PID [TIMEOUT]: SIGTERM, then SIGKILL after TIMEOUT seconds (default 5), to one
# process this run started (e.g. $TB_LASTPID); waits until it is gone.
tb_kill() {
	local st
	st=$(_tb_starttime "$1") || return 0
	_tb_stop "${2:-5}" "$1" "$st"
}

# tb_avahi_start NAME: (re)starts the host's avahi-daemon and waits (10 s at most) for its
# "Server startup complete", i.e. its host name is probed and announced.
tb_avahi_start() {
	local name=$1 d=$TB_DIR/$1 holder before pid st
	holder=$(_tb_holder "$name") || return 1
	# A daemon that died without cleaning up leaves its pid file, and the next one refuses
	# to start.
	rm -f "/proc/$holder/root/run/avahi-daemon/pid"
	before=$(grep -c 'Server startup complete' "$d/avahi.log" 2>/dev/null) || before=0
	_tb_bg "$name" "$d/avahi.log" avahi-daemon \
		avahi-daemon --no-drop-root --no-chroot --no-rlimits -f "$d/avahi.conf" || return 1
	pid=$TB_LASTPID
	st=$(_tb_starttime "$pid") || st=gone
	echo "$pid $st" >"$d/avahi.pid"
	tb_wait 10 _tb_avahi_up "$pid" "$st" "$d/avahi.log" "$before" || :
	if [ "$(grep -c 'Server startup complete' "$d/avahi.log")" -le "$before" ]; then
		_tb_say "$name: avahi-daemon did not start; its log:"
		tail -n 20 "$d/avahi.log" >&2
		return 1
	fi
}

# _tb_avahi_up PID START LOG N: more than N startups in LOG, or the daemon died (no use
# waiting longer).
_tb_avahi_up() {
	[ "$(grep -c 'Server startup complete' "$3")" -gt "$4" ] || ! _tb_alive "$1" "$2"
}

# tb_avahi_stop NAME: stops the host's avahi-daemon (SIGTERM, SIGKILL after 5 s). On SIGTERM
# avahi sends goodbye packets, so the other hosts forget its services.
tb_avahi_stop() {
	local d=$TB_DIR/$1 holder pid st
	holder=$(_tb_holder "$1") || return 1
	read -r pid st <"$d/avahi.pid" || return 1
	_tb_stop 5 "$pid" "$st"
	rm -f "/proc/$holder/root/run/avahi-daemon/pid"
}

# tb_cleanup: stops every process this run started (SIGTERM, 3 s, SIGKILL; newest first),
# then anything else still inside our namespaces, deletes the namespaces and the work dir
# (kept if TB_KEEP=1). Idempotent; signals are held off while it runs.
tb_cleanup() {
	local - pid st label ns args=() lines=()
	set +e +u
	[ -z "$_TB_CLEANED" ] || return 0
	trap '' HUP INT TERM
	if [ -n "$TB_DIR" ] && [ -r "$TB_DIR/pids" ]; then
		mapfile -t lines < <(tac "$TB_DIR/pids")
		for pid in "${lines[@]}"; do
			read -r pid st label <<<"$pid"
			[ "$st" = gone ] || args+=("$pid" "$st")
		done
		[ ${#args[@]} -eq 0 ] || _tb_stop 3 "${args[@]}"
	fi
	if [ -n "$TB_PREFIX" ]; then
		for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$TB_PREFIX"); do
			# A process some test started that forked away from our records: it is in a
			# namespace this run made, so it is ours.
			for pid in $(ip netns pids "$ns" 2>/dev/null); do
				_tb_say "killing stray pid $pid in $ns"
				kill -KILL "$pid" 2>/dev/null
			done
			ip netns del "$ns" || _tb_say "could not delete namespace $ns"
		done
	fi
	if [ -n "$TB_DIR" ] && [ -d "$TB_DIR" ]; then
		if [ "${TB_KEEP:-}" = 1 ]; then _tb_say "work dir kept: $TB_DIR"; else rm -rf "$TB_DIR"; fi
	fi
	_TB_CLEANED=1
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# TAP. tb_ok STATUS DESCRIPTION: "ok" when STATUS is 0. tb_check DESCRIPTION CMD...: runs
# CMD (in this shell), "ok" when it succeeds, else "not ok" followed by CMD's output as
# comments. tb_diag: a comment line. tb_done: the plan, then exit 1 if anything failed.
# tb_bail: abandon the test (set-up failed).
tb_ok() {
	TB_TESTS=$((TB_TESTS + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TB_TESTS - $2"
	else
		TB_FAILED=$((TB_FAILED + 1))
		echo "not ok $TB_TESTS - $2"
	fi
}
tb_check() {
	local desc=$1 out rc=0
	shift
	out=$(mktemp) || return 1
	"$@" >"$out" 2>&1 || rc=$?
	tb_ok "$rc" "$desc"
	[ "$rc" -eq 0 ] || sed 's/^/# /' "$out"
	rm -f "$out"
	return 0
}
tb_diag() { echo "# $*"; }
tb_done() {
	echo "1..$TB_TESTS"
	[ "$TB_FAILED" -eq 0 ] || { tb_diag "$TB_FAILED of $TB_TESTS failed"; exit 1; }
	exit 0
}
tb_bail() {
	echo "Bail out! $*"
	exit 1
}
