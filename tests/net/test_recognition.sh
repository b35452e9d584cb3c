#!/bin/bash
# Recognition (proto/txt.md 6, docs/privacy.md), with real avahi in a testbed: Ada and Grace
# exchange cards at one event (Grace accepts after a restart of her own, so her card goes
# back with the presence key she had kept with the offer); restarted at another, each one's `nearby` names the other,
# while a third host (Eve, also running wallflower) sees nothing that links their adverts
# across the two starts and recognises nobody. Eve then copies Grace's tag into an advert of
# her own: Ada sees it as Grace, but a send to it stops before Ada's card leaves. Grace
# rotates her recognition key: Ada no longer recognises her, until Grace hands the new key
# over with her next card. Prints TAP.
#
# Usage: test_recognition.sh BUILD_DIR
set -u
. "$(dirname "${BASH_SOURCE[0]}")/testbed.sh"

BUILD=${1:?usage: test_recognition.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
WF=$BUILD/src/cli/wallflower
WFD=$BUILD/src/daemon/wallflowerd
export WALLFLOWER_ALLOW_ROOT=1 WALLFLOWERD=$WFD

tb_require python3 python3
tb_require bridge iproute2
tb_require avahi-browse avahi-utils
tb_require avahi-publish avahi-utils
tb_init recognition
. "$(dirname "${BASH_SOURCE[0]}")/wf.sh"

declare -A WFD_PID

# daemon HOST: (re)starts HOST's wallflowerd and waits for it to answer.
daemon() {
	tb_spawn "$1" "$TB_DIR/$1/wfd.log" "$WFD" -d
	WFD_PID[$1]=$TB_LASTPID
	tb_wait 5 tb_on "$1" "$WF" status >/dev/null || tb_bail "wallflowerd on $1 did not answer"
}

# person HOST NAME: a host with an identity and a card, no handle and no topics shown, so
# that nothing in the advert is chosen to stay the same.
person() {
	tb_host "$1" 42 || tb_bail "$1 did not come up"
	tb_on "$1" "$WF" init --name "$2" >/dev/null || tb_bail "init on $1"
	daemon "$1"
}

# start HOST EVENT [ARGS...]
start() {
	local h=$1 e=$2
	shift 2
	tb_on "$h" "$WF" start --event "$e" --no-topics "$@" >/dev/null || tb_bail "start on $h"
}

# restart HOST EVENT: stop the daemon (the advert goes), start a new one at EVENT.
restart() {
	tb_on "$1" "$WF" stop >/dev/null
	tb_kill "${WFD_PID[$1]}"
	daemon "$1"
	start "$1" "$2"
}

# peer_id HOST PYEXPR: the id of the one peer in HOST's `nearby` for which PYEXPR (p) holds.
peer_id() {
	tb_on "$1" "$WF" nearby --json | python3 -c '
import json, sys
hits = [p["id"] for p in json.load(sys.stdin)["peers"] if eval(sys.argv[1])]
print(hits[0] if len(hits) == 1 else "")' "$2"
}

# view FILE: what Eve, the third host, sees of every wallflower advert: one JSON object per
# advert with the instance name, host name, port and TXT record (avahi-browse, resolved).
view() {
	tb_on eve avahi-browse -rpt _wallflower._tcp 2>/dev/null | python3 -c '
import json, sys
out = []
for line in sys.stdin:
    f = line.rstrip("\n").split(";")
    if f[0] != "=" or f[2] != "IPv4":
        continue
    txt = dict(s.strip("\"").split("=", 1) for s in f[9].split("\" \"") if "=" in s)
    out.append({"instance": f[3], "host": f[6], "addr": f[7], "port": f[8], "txt": txt})
json.dump(out, sys.stdout)' >"$1"
}

# instance HOST: the instance name of HOST's current advert.
instance() {
	tb_on "$1" "$WF" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["instance"])'
}

# two_adverts FILE: Eve's view, once it holds Ada's and Grace's current adverts and no other
# from their addresses (the adverts of a start before are gone from Eve's cache).
two_adverts() {
	view "$1"
	python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
ours = [a for a in v if a["addr"] in sys.argv[2:4]]
sys.exit(0 if sorted(a["instance"] for a in ours) == sorted(sys.argv[4:6]) else 1)' \
		"$1" "$ADA" "$GRACE" "$(instance ada)" "$(instance grace)"
}

# ---- one event: Ada and Grace exchange cards ----

person ada "Ada Lovelace"
person grace "Grace Hopper"
person eve "Eve Listener"
ADA=$(tb_addr ada) GRACE=$(tb_addr grace)
start ada "Intranet Now 2025"
start grace "Intranet Now 2025"
start eve "Intranet Now 2025" --hidden

tb_check "Ada sees Grace" tb_wait 20 nearby_count ada 1
tb_check "before any exchange, Ada recognises nobody" json ada nearby -- "all('contact' not in p for p in j)"
gid=$(peer_id ada "True")
tb_check "Ada offers her card to Grace" says ada "^Delivered" send "#$gid"
tb_check "it waits in Grace's inbox" tb_wait 5 json grace inbox -- "len(j) == 1"
# Grace decides only after a restart: her presence key is new, but the card back goes with
# the one that took the offer, kept with it (proto/session.md 9.4).
restart grace "Intranet Now 2025"
tb_check "after Grace's restart the offer still waits" json grace inbox -- "len(j) == 1"
oid=$(tb_on grace "$WF" inbox --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["offers"][0]["id"])')
tb_check "Grace accepts, and her card goes back" tb_on grace "$WF" accept "$oid"
tb_check "Grace's card reaches Ada" tb_wait 10 json ada contacts -- "any(c['fields'].get('name') == 'Grace Hopper' for c in j)"
tb_check "while the two are still here, Grace recognises Ada" \
	tb_wait 10 json grace nearby -- "any(p.get('contact', {}).get('name') == 'Ada Lovelace' for p in j)"
tb_check "and Ada recognises Grace" \
	tb_wait 10 json ada nearby -- "any(p.get('contact', {}).get('name') == 'Grace Hopper' for p in j)"
tb_check "Eve sees both adverts" tb_wait 20 two_adverts "$TB_DIR/view1.json"

# ---- another event: both restarted ----

restart ada "Second Event"
restart grace "Second Event"
tb_check "after the restarts Eve sees both new adverts" tb_wait 20 two_adverts "$TB_DIR/view2.json"
# By the advert of this start (its instance name), not one left from the last.
gi=$(instance grace) ai=$(instance ada)
tb_check "Ada's nearby names Grace, and where they met" \
	tb_wait 20 json ada nearby -- "any(p['instance'] == '$gi' and p.get('contact', {}).get('name') == 'Grace Hopper' and p['contact'].get('event') == 'Intranet Now 2025' for p in j)"
tb_check "Grace's nearby names Ada" \
	tb_wait 20 json grace nearby -- "any(p['instance'] == '$ai' and p.get('contact', {}).get('name') == 'Ada Lovelace' for p in j)"
tb_check "the text listing says so too" says ada "you know them: Grace Hopper .*met at Intranet Now 2025" nearby
tb_check "Eve, a stranger to both, recognises nobody" \
	tb_wait 10 json eve nearby -- "len(j) >= 2 and all('contact' not in p for p in j)"

# Nothing in the two views links one person's advert of the first start to theirs of the
# second: no instance name, host name, port or TXT value is shared, except v, the status and
# the event tag (which differs here too, another event). The port is never the same even by
# chance: the daemon avoids its previous start's.
unlinkable() {
	python3 - "$TB_DIR/view1.json" "$TB_DIR/view2.json" "$ADA" "$GRACE" <<'EOF'
import json, sys
one, two = (json.load(open(p)) for p in sys.argv[1:3])
ours = set(sys.argv[3:5])
def values(a):
    out = {("instance", a["instance"]), ("host", a["host"]), ("port", a["port"])}
    out |= {("txt", k, v) for k, v in a["txt"].items() if k not in ("v", "s", "e")}
    return out
bad = []
for a in (x for x in one if x["addr"] in ours):
    for b in (y for y in two if y["addr"] == a["addr"]):
        bad += sorted(map(str, values(a) & values(b)))
if bad:
    print("# shared across the starts: " + ", ".join(bad))
sys.exit(1 if bad else 0)
EOF
}
tb_check "across the two starts, Eve sees no shared value but v, s and e" unlinkable
tb_check "every advert carries a recognition tag" \
	python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); sys.exit(0 if v and all(len(a["txt"].get("r", "")) == 16 for a in v) else 1)' "$TB_DIR/view2.json"
# The names avahi gives the machines (the testbed names each host's avahi after it), and the
# machine's own.
hostnames="ada grace $(hostname)"
# Compared as whole labels and words (a two-letter name like "vm" turns up by chance inside
# random values: the tag is random base64), and as substrings from six characters on.
tb_check "no machine host name appears in any record" \
	python3 -c '
import json, re, sys
names = [n.lower() for n in sys.argv[3].split()]
v = json.load(open(sys.argv[1])) + json.load(open(sys.argv[2]))
seen = []
for a in v:
    values = [a["instance"], a["host"]] + list(a["txt"].values())
    words = {w for x in values for w in re.split(r"[^0-9a-z]+", x.lower()) if w}
    for n in names:
        if n in words or (len(n) >= 6 and any(n in x.lower() for x in values)):
            seen.append((a["host"], n))
print("".join("# %s shows %s\n" % s for s in seen), end="")
sys.exit(1 if seen else 0)' \
	"$TB_DIR/view1.json" "$TB_DIR/view2.json" "$hostnames"

# ---- sending to a recognised contact ----

gid=$(peer_id ada "p.get('contact', {}).get('name') == 'Grace Hopper'")
tb_check "Ada sends to the Grace she recognises, and it goes through" says ada "^Delivered" send "#$gid"

# ---- a copied tag ----

gtag=$(python3 -c 'import json,sys; print([a["txt"]["r"] for a in json.load(open(sys.argv[1])) if a["addr"] == sys.argv[2]][0])' "$TB_DIR/view2.json" "$GRACE")
# Eve's own daemon answers on the copy's port: a real session, with Eve's presence key.
eport=$(tb_on eve "$WF" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["port"])')
tb_spawn eve "$TB_DIR/eve-pub.log" avahi-publish -s "copycat" _wallflower._tcp "$eport" v=2 s=open "r=$gtag"
tb_check "Ada sees Eve's copy of Grace's tag as Grace" \
	tb_wait 20 json ada nearby -- "any(p['instance'] == 'copycat' and p.get('contact', {}).get('name') == 'Grace Hopper' for p in j)"
cid=$(peer_id ada "p['instance'] == 'copycat'")
out=$(tb_on ada "$WF" send "#$cid" 2>&1)
tb_diag "send to the copy: $out"
tb_check "a send to the copy stops before the card leaves" \
	grep -q "does not hold the key its advert claims" <<<"$out"
tb_check "and Eve, who answered, has nothing in her inbox" json eve inbox -- "len(j) == 0"
tb_check "Ada's daemon gave the offer up, saying why" \
	grep -q "giving up delivering offer .*key its advert claims" "$TB_DIR/ada/wfd.log"

# ---- rotation ----

tb_check "Grace rotates her recognition key" says grace "New recognition key" id rotate-recognition
tb_check "Ada no longer recognises Grace" \
	tb_wait 20 json ada nearby -- "any(p['addr'] == '$GRACE' for p in j) and all(p.get('contact', {}).get('name') != 'Grace Hopper' for p in j if p['addr'] == '$GRACE')"
aid=$(peer_id grace "p.get('contact', {}).get('name') == 'Ada Lovelace'")
tb_check "Grace, who still recognises Ada, sends her card again" says grace "^Delivered" send "#$aid"
tb_check "and with it the new key: Ada recognises Grace again" \
	tb_wait 20 json ada nearby -- "any(p['addr'] == '$GRACE' and p.get('contact', {}).get('name') == 'Grace Hopper' for p in j)"

# ---- forgetting ----

# The daemon runs while the CLI forgets: it is told, and stops naming Grace at once.
tb_check "Ada forgets Grace while her daemon runs" says ada "^Forgot Grace Hopper" forget "Grace Hopper" --yes
tb_check "Ada's nearby no longer names Grace" \
	json ada nearby -- "any(p['addr'] == '$GRACE' for p in j) and all('contact' not in p for p in j if p['addr'] == '$GRACE')"
tb_check "and Grace is not among Ada's contacts" json ada contacts -- "all(c['fields']['name'] != 'Grace Hopper' for c in j)"

tb_done
