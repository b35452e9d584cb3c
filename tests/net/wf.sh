#!/bin/bash
# wf.sh: wallflower checks for the net tests, on top of testbed.sh. Source it after
# testbed.sh and after setting WF (the wallflower binary). Each helper succeeds or fails, so
# that tb_check and tb_wait can use it.

# json HOST ARGS... -- PYEXPR: runs `wallflower ARGS --json` on HOST and evaluates PYEXPR
# (Python) with j the document, or for a listing (nearby, inbox, contacts) the document's
# list (docs/json.md); succeeds when PYEXPR is true. Fails, too, when the output is not a
# document of schema 1 (an object whose first member is "schema": 1).
json() {
	local host=$1 args=() expr
	shift
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	expr=$2
	tb_on "$host" "$WF" "${args[@]}" --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
if list(d)[:1] != ["schema"] or d["schema"] != 1:
    sys.exit("not a schema 1 document: %.200r" % d)
lists = {"nearby": "peers", "inbox": "offers", "contacts": "contacts"}
j = d[lists[sys.argv[2]]] if sys.argv[2] in lists else d
sys.exit(0 if eval(sys.argv[1]) else 1)' "$expr" "${args[0]}"
}

# says HOST TEXT ARGS...: `wallflower ARGS` on HOST prints TEXT (stdout or stderr).
says() {
	local host=$1 text=$2
	shift 2
	tb_on "$host" "$WF" "$@" 2>&1 | grep -q -- "$text"
}

# HOST lists, or does not list, a peer with handle H in `nearby`; exactly N peers.
sees() { json "$1" nearby -- "any(p.get('handle') == '$2' for p in j)"; }
sees_not() { json "$1" nearby -- "all(p.get('handle') != '$2' for p in j)"; }
nearby_count() { json "$1" nearby -- "len(j) == $2"; }
