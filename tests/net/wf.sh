#!/bin/bash
# wf.sh: wallflower checks for the net tests, on top of testbed.sh. Source it after
# testbed.sh and after setting WF (the wallflower binary). Each helper succeeds or fails, so
# that tb_check and tb_wait can use it.

# json HOST ARGS... -- PYEXPR: runs `wallflower ARGS --json` on HOST and evaluates PYEXPR
# (Python) with the result as j; succeeds when PYEXPR is true.
json() {
	local host=$1 args=() expr
	shift
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	expr=$2
	tb_on "$host" "$WF" "${args[@]}" --json 2>/dev/null |
		python3 -c 'import json,sys; j=json.load(sys.stdin); sys.exit(0 if eval(sys.argv[1]) else 1)' "$expr"
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
