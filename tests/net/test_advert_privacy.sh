#!/bin/bash
# What our advert tells a bystander (tests/net/testbed.sh): a third host browses and resolves
# _wallflower._tcp while a daemon that shows no handle starts, stops and starts again. The
# SRV record must name a random host of ours ("wf-" + 12 hex digits), never the machine's
# host name, and that name must resolve to the daemon's addresses (we publish its A record,
# and its AAAA record for the IPv6 link-local address, but no reverse record);
# the host name, instance name, port and every changing TXT value are new at each start; a
# withdrawn advert takes its host name with it; an offer still arrives through the random
# host name; and when the daemon's address changes, the advert follows. Prints TAP.
#
# Usage: test_advert_privacy.sh BUILD_DIR
set -u
. "$(dirname "${BASH_SOURCE[0]}")/testbed.sh"

BUILD=${1:?usage: test_advert_privacy.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
WF=$BUILD/src/cli/wallflower
WFD=$BUILD/src/daemon/wallflowerd
export WALLFLOWER_ALLOW_ROOT=1 WALLFLOWERD=$WFD

tb_require python3 python3
tb_require avahi-browse avahi-utils
tb_require avahi-resolve avahi-utils
tb_init advert-privacy
. "$(dirname "${BASH_SOURCE[0]}")/wf.sh"

# The daemon's host. Its name is avahi's host name in its namespace (testbed.sh sets it), and
# long enough, with letters that are no hex digits, that finding it inside a record means it
# leaked rather than that random hex happened to spell it.
D=daemonhost
O=observer # the bystander: avahi only, no wallflower
S=sender
EVENT="Privacy Con"

# ---- helpers ----

# view INSTANCE OUT: the observer browses and resolves _wallflower._tcp once and writes what
# it saw of INSTANCE to OUT as JSON: instance, host, addr, port, txt (key -> value) from its
# IPv4 answer, and the raw lines of every answer. Fails when INSTANCE was not resolved.
view() {
	tb_on "$O" avahi-browse -rpt _wallflower._tcp 2>/dev/null >"$2.raw" || return 1
	python3 - "$1" "$2.raw" "$2" <<-'PY'
	import json, re, sys
	inst, raw, out = sys.argv[1:]
	lines = [l.rstrip("\n") for l in open(raw) if l.startswith("=;")]
	mine = [l for l in lines if l.split(";")[3] == inst]
	v4 = [l for l in mine if l.split(";")[2] == "IPv4"]
	if not v4:
	    sys.exit(1)
	f = v4[0].split(";", 9)
	txt = {}
	for item in re.findall(r'"((?:[^"\\]|\\.)*)"', f[9]):
	    k, _, v = item.partition("=")
	    txt[k] = v
	json.dump({"instance": f[3], "host": f[6], "addr": f[7], "port": int(f[8]), "txt": txt,
	           "lines": mine}, open(out, "w"))
	PY
}
# field FILE KEY: one field of a recorded view.
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# is_random_host NAME: "wf-" + 12 lower-case hex digits + ".local".
is_random_host() { [[ $1 =~ ^wf-[0-9a-f]{12}\.local$ ]]; }

# resolves_to NAME ADDR: the observer resolves host NAME (over mDNS) to ADDR.
resolves_to() {
	local got
	got=$(tb_on "$O" avahi-resolve -4 -n "$1" 2>/dev/null) || return 1
	echo "$got"
	[ "$(echo "$got" | awk '{print $2}')" = "$2" ]
}
# reverse_is ADDR NAME: the observer's reverse lookup of ADDR gives NAME.
reverse_is() { [ "$(tb_on "$O" avahi-resolve -4 -a "$1" 2>/dev/null | awk '{print $2}')" = "$2" ]; }
# resolves6_to NAME ADDR: the same over IPv6.
resolves6_to() {
	local got
	got=$(tb_on "$O" avahi-resolve -6 -n "$1" 2>/dev/null) || return 1
	echo "$got"
	[ "$(echo "$got" | awk '{print $2}')" = "$2" ]
}
# resolves_not NAME: the observer cannot resolve NAME.
resolves_not() { ! tb_on "$O" timeout 5 avahi-resolve -4 -n "$1" 2>/dev/null | grep -q .; }

# no_machine_name FILE NAME...: none of the names is in the recorded view, in any case, as a
# whole label or token; names of 6 characters or more not even inside a longer string.
no_machine_name() {
	local f=$1
	shift
	python3 - "$f" "$@" <<-'PY'
	import json, re, sys
	v = json.load(open(sys.argv[1]))
	text = "\n".join(v["lines"]).lower()
	tokens = set(re.split(r"[^a-z0-9-]+", text))
	bad = 0
	for name in sys.argv[2:]:
	    name = name.lower().strip()
	    if not name:
	        continue
	    if name in tokens or name + ".local" in text or (len(name) >= 6 and name in text):
	        print("machine name %r found in: %s" % (name, v["lines"]))
	        bad = 1
	sys.exit(bad)
	PY
}

# txt_all_new A B: every TXT key other than v, s and e that both views carry has a new value.
txt_all_new() {
	python3 - "$1" "$2" <<-'PY'
	import json, sys
	a, b = (json.load(open(p))["txt"] for p in sys.argv[1:])
	same = [k for k in a if k in b and k not in ("v", "s", "e") and a[k] == b[k]]
	print("compared:", sorted(k for k in a if k in b and k not in ("v", "s", "e")))
	if same:
	    print("unchanged across starts:", {k: a[k] for k in same})
	sys.exit(1 if same else 0)
	PY
}

# lookup_new A B: both views carry r=, and its first 8 characters (L, the half a contact
# looks up: proto/txt.md 6.1) differ. The other half binds the presence key, new at every
# start anyway; L is new only because the slot is never the last advert's (or the epoch
# moved on), which is what keeps two starts within 15 minutes apart.
lookup_new() {
	python3 - "$1" "$2" <<-'PY'
	import json, sys
	a, b = (json.load(open(p))["txt"].get("r", "") for p in sys.argv[1:])
	print("r:", a, b)
	sys.exit(0 if len(a) == 16 and len(b) == 16 and a[:8] != b[:8] else 1)
	PY
}

instance_of() { tb_on "$1" "$WF" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["instance"])'; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# daemon_up HOST: a daemon on HOST (PID in $TB_DIR/HOST/wfd.pid) that answers.
daemon_up() {
	tb_spawn "$1" "$TB_DIR/$1/wfd.log" "$WFD" -d
	echo "$TB_LASTPID" >"$TB_DIR/$1/wfd.pid"
	tb_wait 5 tb_on "$1" "$WF" status >/dev/null || tb_bail "wallflowerd on $1 did not answer"
}

# start_private: the daemon's host starts, showing no handle and no topics.
start_private() {
	daemon_up "$D"
	tb_on "$D" "$WF" start --event "$EVENT" --no-topics >/dev/null || tb_bail "start on $D"
	tb_wait 10 json "$D" status -- "j['advert'] == 'established'" ||
		tb_bail "the advert on $D was not established"
}

# ---- the hosts ----

tb_host "$D" || tb_bail "$D did not come up"
tb_host "$O" || tb_bail "$O did not come up"
tb_host "$S" || tb_bail "$S did not come up"
# The daemon's host and the observer also speak IPv6, link-local only: the daemon publishes
# that address too, on its own interface.
tb_ipv6 "$D" || tb_bail "no IPv6 on $D"
tb_ipv6 "$O" || tb_bail "no IPv6 on $O"
daddr=$(tb_addr "$D")
dll=$(tb_on "$D" ip -6 -o addr show dev eth0 scope link | awk '{print $4}')
dll=${dll%/*}
machine=$(uname -n)
tb_on "$D" "$WF" init >/dev/null && tb_on "$D" "$WF" profile set name "Dee Private" >/dev/null ||
	tb_bail "profile on $D"
# What avahi in the daemon's namespace publishes as the machine's name.
avahi_name=$(tb_on "$O" avahi-resolve -4 -a "$daddr" 2>/dev/null | awk '{print $2}')
tb_check "avahi names the daemon's host $D.local" test "$avahi_name" = "$D.local"
tb_diag "machine host name: '$machine'; avahi's: '$avahi_name'"

# ---- the first start ----

# The daemon's host draws from two ports only: Linux then gives a listener the same port at
# every start, so a new port below is the daemon's doing (it avoids its last start's).
tb_on "$D" sysctl -qw net.ipv4.ip_local_port_range="40000 40001" ||
	tb_bail "cannot narrow the port range on $D"

start_private
inst1=$(instance_of "$D")
tb_check "the observer resolves the first advert" tb_wait 15 view "$inst1" "$TB_DIR/view1"
tb_diag "first view: $(field "$TB_DIR/view1" lines)"
host1=$(field "$TB_DIR/view1" host)
tb_check "its SRV host is random: $host1" is_random_host "$host1"
tb_check "no machine host name in the first view" \
	no_machine_name "$TB_DIR/view1" "$D" "${avahi_name%.local}" "$machine"
tb_check "the random host resolves to the daemon's address" tb_wait 10 resolves_to "$host1" "$daddr"
tb_check "and to its IPv6 link-local address ($dll)" tb_wait 10 resolves6_to "$host1" "$dll"
tb_check "the advert's address is the daemon's" test "$(field "$TB_DIR/view1" addr)" = "$daddr"
tb_check "we publish no reverse record: the address still names avahi's host" \
	reverse_is "$daddr" "$avahi_name"

# ---- the second start ----

pid=$(cat "$TB_DIR/$D/wfd.pid")
tb_check "the daemon stops" says "$D" "^Stopped" stop
tb_check "and is gone" tb_wait 5 gone "$pid"
tb_check "the withdrawn advert's host name no longer resolves" tb_wait 10 resolves_not "$host1"
start_private
inst2=$(instance_of "$D")
tb_check "the observer resolves the second advert" tb_wait 15 view "$inst2" "$TB_DIR/view2"
tb_diag "second view: $(field "$TB_DIR/view2" lines)"
host2=$(field "$TB_DIR/view2" host)
tb_check "its SRV host is random: $host2" is_random_host "$host2"
tb_check "no machine host name in the second view" \
	no_machine_name "$TB_DIR/view2" "$D" "${avahi_name%.local}" "$machine"
tb_check "the new random host resolves to the daemon's address" \
	tb_wait 10 resolves_to "$host2" "$daddr"
tb_check "the host name is new" test "$host1" != "$host2"
tb_check "the instance name is new" test "$inst1" != "$inst2"
tb_check "the port is new, though the system would draw the same" test "$(field "$TB_DIR/view1" port)" != "$(field "$TB_DIR/view2" port)"
tb_check "every TXT value but v, s and e is new or absent" \
	txt_all_new "$TB_DIR/view1" "$TB_DIR/view2"
tb_check "both adverts carry a recognition tag, and its lookup half is new too" \
	lookup_new "$TB_DIR/view1" "$TB_DIR/view2"

# ---- an offer across the random host name ----

tb_on "$S" "$WF" init >/dev/null && tb_on "$S" "$WF" profile set name "Sam Sender" >/dev/null ||
	tb_bail "profile on $S"
daemon_up "$S"
tb_on "$S" "$WF" start --event "$EVENT" --handle sam >/dev/null || tb_bail "start on $S"
# peer_at HOST INSTANCE ADDR: HOST lists INSTANCE, resolved to ADDR.
peer_at() { json "$1" nearby -- "any(p['instance'] == '$2' and p['addr'] == '$3' for p in j)"; }
peer_id() {
	tb_on "$S" "$WF" nearby --json |
		python3 -c 'import json,sys; print([p["id"] for p in json.load(sys.stdin)["peers"] if p["instance"] == sys.argv[1]][0])' "$1"
}
tb_check "the sender sees the advert at the daemon's address" tb_wait 15 peer_at "$S" "$inst2" "$daddr"
tb_check "an offer is delivered" says "$S" "^Delivered" send "#$(peer_id "$inst2")" --no-reply
tb_check "and is in the daemon's inbox" tb_wait 5 json "$D" inbox -- "len(j) == 1"

# ---- the address changes; the advert follows ----

# A new address on the same link, then the old one goes: the kernel keeps the new one
# (promoted from secondary) and the daemon's listener, on the wildcard address, is reached
# at it.
newaddr=${daddr%.*}.200
tb_on "$D" sysctl -qw net.ipv4.conf.eth0.promote_secondaries=1 &&
	tb_on "$D" ip addr add "$newaddr/24" dev eth0 &&
	tb_on "$D" ip addr del "$daddr/24" dev eth0 || tb_bail "cannot move $D to $newaddr"
tb_check "the host name now resolves to the new address" tb_wait 15 resolves_to "$host2" "$newaddr"
# view_at INSTANCE ADDR OUT: the observer resolves INSTANCE at ADDR.
view_at() { view "$1" "$3" && [ "$(field "$3" addr)" = "$2" ]; }
tb_check "the observer resolves the same advert at the new address" \
	tb_wait 15 view_at "$inst2" "$newaddr" "$TB_DIR/view3"
tb_check "under the same host name" test "$(field "$TB_DIR/view3" host)" = "$host2"
tb_check "the sender finds the advert at the new address" \
	tb_wait 20 peer_at "$S" "$inst2" "$newaddr"
tb_check "a second offer is delivered there" says "$S" "^Delivered" send "#$(peer_id "$inst2")" --no-reply
tb_check "and is in the daemon's inbox" tb_wait 5 json "$D" inbox -- "len(j) == 2"
tb_check "the daemon logged that it followed the change" \
	grep -q "addresses changed" "$TB_DIR/$D/wfd.log"

tb_done
