#!/bin/bash
# wallflower-ui from the outside (docs/ui.md, "Every request"): a client written with
# Python's http.client, not a browser, sends what a hostile page or program would: no
# token, a foreign Host (DNS rebinding), a foreign Origin (a cross-site POST), a GET for a
# state change, a wrong content type, an oversized body; and checks that the headers every
# answer carries are there, that the cookie is HttpOnly and SameSite=Strict, that the
# server listens on 127.0.0.1 only, and that /api/inbox is the daemon's own reply. Runs in
# a fresh network namespace with only a loopback (tests/net/lo.sh). Prints TAP.
#
# Usage: test_ui.sh BUILD_DIR (WF_KEEP=1 keeps the work dir, with the logs)
set -u

BUILD=${1:?usage: test_ui.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
LO_CRYPTO=0
. "$(dirname "${BASH_SOURCE[0]}")/lo.sh"
UI=$BUILD/src/ui/wallflower-ui
[ -x "$UI" ] || lo_skip "no wallflower-ui in $BUILD"
lo_enter ui "$BUILD"
S=$T/state
R=$T/run
export WALLFLOWER=$WF

status_ok() { "$WF" status --runtime-dir "$R" >/dev/null 2>&1; }
"$WF" --state-dir "$S" init --name "Ada Lovelace" >/dev/null || bail "wallflower init"
spawn "$T/wfd.log" "$WFD" -d --state-dir "$S" --runtime-dir "$R"
waitfor 5 status_ok || { cat "$T/wfd.log"; bail "wallflowerd did not answer"; }

spawn "$T/ui.out" "$UI" --runtime-dir "$R" --state-dir "$S"
UIPID=$LASTPID
waitfor 5 grep -q '^http://' "$T/ui.out" || { cat "$T/ui.out"; bail "wallflower-ui printed no URL"; }
URL=$(head -n1 "$T/ui.out")
check "the URL is http://127.0.0.1:PORT/?token=64 hex" \
	sh -c "echo '$URL' | grep -Eqx 'http://127\\.0\\.0\\.1:[0-9]+/\\?token=[0-9a-f]{64}'"
check "ui.json is 0600 and names the same port and token" python3 - "$R/ui.json" "$URL" <<'PY'
import json, os, stat, sys
st = os.stat(sys.argv[1])
assert stat.S_IMODE(st.st_mode) == 0o600, oct(st.st_mode)
j = json.load(open(sys.argv[1]))
assert sys.argv[2] == "http://127.0.0.1:%d/?token=%s" % (j["port"], j["token"]), j
PY

cat >"$T/probe.py" <<'PY'
# python3 probe.py URL RUNTIME_DIR: one line "ok DESC" or "not ok DESC: why" per rule.
import http.client, json, socket, struct, sys, urllib.parse

u = urllib.parse.urlsplit(sys.argv[1])
PORT, TOKEN = u.port, urllib.parse.parse_qs(u.query)["token"][0]
HOST = "127.0.0.1:%d" % PORT
ORIGIN = "http://" + HOST
COOKIE = "wf_token=" + TOKEN
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
FAILED = 0

def req(method, path, headers=None, body=None, host=HOST):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    h = {"Host": host} if host is not None else {}
    h.update(headers or {})
    if body is not None:
        h.setdefault("Content-Length", str(len(body)))
    for k, v in h.items():
        c.putheader(k, v)
    c.endheaders(body)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data

def check(desc, cond, why=""):
    global FAILED
    if cond:
        print("ok " + desc)
    else:
        FAILED += 1
        print("not ok %s: %s" % (desc, why))

def status(desc, want, *a, **kw):
    try:
        r, data = req(*a, **kw)
    except Exception as e:  # a refusal by closing counts as a failure: we want the status
        check(desc, False, repr(e))
        return None, None
    check(desc, r.status == want, "got %d %r" % (r.status, data[:80]))
    return r, data

def post(path, origin=ORIGIN, ctype="application/json", body=b'{"id": 1}', cookie=COOKIE):
    h = {"Cookie": cookie, "Content-Type": ctype}
    if origin is not None:
        h["Origin"] = origin
    return ("POST", path, h, body)

# the token
status("no token: 403", 403, "GET", "/api/inbox")
status("no token on /: 403", 403, "GET", "/")
status("a wrong token: 403", 403, "GET", "/api/inbox", {"Cookie": "wf_token=" + "0" * 64})
status("the token in upper case: 403", 403, "GET", "/api/inbox",
       {"Cookie": "wf_token=" + TOKEN.upper()})
status("a truncated token: 403", 403, "GET", "/api/inbox", {"Cookie": COOKIE[:-1]})
status("the token in the query of an API path: 403", 403, "GET", "/api/inbox?token=" + TOKEN)
r, _ = status("GET /?token= answers 303", 303, "GET", "/?token=" + TOKEN)
if r is not None:
    sc = r.getheader("Set-Cookie") or ""
    check("the cookie is HttpOnly, SameSite=Strict, Path=/",
          sc == COOKIE + "; HttpOnly; SameSite=Strict; Path=/", sc)
    check("303 goes to /", r.getheader("Location") == "/", r.getheader("Location"))
r, page = status("the cookie opens the page", 200, "GET", "/", {"Cookie": COOKIE})

# Host
status("a foreign Host: 421", 421, "GET", "/", {"Cookie": COOKIE}, host="evil.example:%d" % PORT)
status("a rebinding name: 421", 421, "GET", "/", {"Cookie": COOKIE},
       host="127.0.0.1.nip.io:%d" % PORT)
status("localhost. (trailing dot): 421", 421, "GET", "/", {"Cookie": COOKIE},
       host="localhost.:%d" % PORT)
status("another port: 421", 421, "GET", "/", {"Cookie": COOKIE}, host="127.0.0.1:%d" % (PORT + 1))
status("no Host: 421", 421, "GET", "/", {"Cookie": COOKIE}, host=None)
status("localhost:PORT is ours: 200", 200, "GET", "/", {"Cookie": COOKIE},
       host="localhost:%d" % PORT)

# method, Origin, body
for p in ("/api/accept", "/api/decline", "/api/block"):
    r, _ = status("GET %s: 405" % p, 405, "GET", p, {"Cookie": COOKIE})
    if r is not None:
        check("405 for %s says Allow: POST" % p, r.getheader("Allow") == "POST", r.getheader("Allow"))
status("POST without Origin: 403", 403, *post("/api/decline", origin=None))
status("POST from a foreign Origin: 403", 403, *post("/api/decline", origin="http://evil.example"))
status("POST from Origin null: 403", 403, *post("/api/decline", origin="null"))
status("POST without the token: 403", 403, *post("/api/decline", cookie="a=b"))
status("POST as a form: 415", 415, *post("/api/decline", ctype="application/x-www-form-urlencoded"))
status("POST as text/plain: 415", 415, *post("/api/decline", ctype="text/plain"))
status("POST of 4097 bytes: 413", 413, *post("/api/decline", body=b" " * 4097))

def chunked(n):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    c.request("POST", "/api/decline", body=iter([b" " * n]), encode_chunked=True,
              headers={"Host": HOST, "Origin": ORIGIN, "Cookie": COOKIE,
                       "Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    r = c.getresponse()
    r.read()
    c.close()
    return r.status

try:
    got = chunked(5000)
except Exception as e:
    got = repr(e)
check("POST of 5000 bytes without a length (chunked): 413", got == 413, got)
status("POST that is not {id}: 400", 400, *post("/api/decline", body=b'{"id": "x"}'))
r, data = status("POST decline of an offer nobody made: the daemon's answer", 200,
                 *post("/api/decline", body=b'{"id": 999}'))
if data is not None:
    check("... which is not-found", json.loads(data).get("error") == "not-found", data)
status("PUT /: 405", 405, "PUT", "/", {"Cookie": COOKIE})
status("an unknown path: 404", 404, "GET", "/etc/passwd", {"Cookie": COOKIE})

# headers on every answer, the refusals included
for desc, args, kw in (("the page", ("GET", "/", {"Cookie": COOKIE}), {}),
                       ("a 403", ("GET", "/api/inbox"), {}),
                       ("a 421", ("GET", "/", {"Cookie": COOKIE}), {"host": "evil.example"}),
                       ("app.js", ("GET", "/app.js", {"Cookie": COOKIE}), {})):
    r, data = req(*args, **kw)
    want = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
            "X-Frame-Options": "DENY"}
    bad = {k: r.getheader(k) for k, v in want.items() if r.getheader(k) != v}
    check("%s carries CSP, nosniff, no-referrer, no-store, DENY" % desc, not bad, bad)
    if desc == "a 403":
        check("a refusal holds no page", b"<html" not in data.lower() and len(data) < 64, data)

# No external asset: nothing in the page, its script or its style names another origin
# (a scheme, a protocol-relative //host, or a CSS url() or @import of anything).
import re
assets = [page or b""]
for path in ("/app.js", "/style.css"):
    assets.append(req("GET", path, {"Cookie": COOKIE})[1] or b"")
code = b"\n".join(re.sub(rb"(?m)^\s*//.*$", b"", a) for a in assets)
offsite = re.findall(rb"https?:|[\"'(=]\s*//[^/\s]|url\(|@import", code)
check("neither the page nor its script and style names another origin", not offsite,
      repr(offsite[:3]))

# /api/inbox is the daemon's reply
def ctl(cmd):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[2] + "/ctl")
    body = json.dumps({"cmd": cmd}).encode()
    s.sendall(struct.pack(">I", len(body)) + body)
    n = struct.unpack(">I", s.recv(4, socket.MSG_WAITALL))[0]
    data = s.recv(n, socket.MSG_WAITALL)
    s.close()
    return json.loads(data)

r, data = status("GET /api/inbox: 200", 200, "GET", "/api/inbox", {"Cookie": COOKIE})
if data is not None:
    check("/api/inbox is the daemon's inbox reply", json.loads(data) == ctl("inbox"), data[:200])
    check("/api/inbox is application/json", r.getheader("Content-Type") == "application/json",
          r.getheader("Content-Type"))

# listening on 127.0.0.1 only: the same port on another loopback address is closed
try:
    socket.create_connection(("127.0.0.2", PORT), timeout=2).close()
    check("nothing listens on 127.0.0.2", False, "connected")
except OSError:
    check("nothing listens on 127.0.0.2", True)
sys.exit(1 if FAILED else 0)
PY

python3 "$T/probe.py" "$URL" "$R" >"$T/probe.out" 2>&1
while IFS= read -r line; do
	case $line in
	"ok "*) ok 0 "${line#ok }" ;;
	"not ok "*) ok 1 "${line#not ok }" ;;
	*) diag "$line" ;;
	esac
done <"$T/probe.out"

# /events relays the watch stream: open it, make the daemon say something (a start, with
# no avahi in the namespace, brings an "avahi" event), and read it as server-sent events.
cat >"$T/events.py" <<'PY'
import http.client, subprocess, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
token = urllib.parse.parse_qs(u.query)["token"][0]
c = http.client.HTTPConnection("127.0.0.1", u.port, timeout=10)
c.request("GET", "/events", headers={"Host": "127.0.0.1:%d" % u.port,
                                     "Cookie": "wf_token=" + token})
r = c.getresponse()
assert r.status == 200, r.status
assert r.getheader("Content-Type") == "text/event-stream", r.getheader("Content-Type")
subprocess.run(sys.argv[2:], check=True, stdout=subprocess.DEVNULL)
ev = r.readline().decode()
data = r.readline().decode()
assert ev.startswith("event: ") and data.startswith("data: {"), (ev, data)
print(ev.strip(), data.strip())
PY
check_say "/events relays the daemon's events" timeout 20 python3 "$T/events.py" "$URL" \
	"$WF" --state-dir "$S" start --hidden --runtime-dir "$R"
COOKIE="wf_token=${URL##*=}"
HOSTPORT=${URL#http://}
HOSTPORT=${HOSTPORT%%/*}
# getsvg PATH: the answer is an SVG picture (image/svg+xml).
getsvg() {
	python3 - "$HOSTPORT" "$COOKIE" "$1" <<'PY'
import http.client, sys
host, cookie, path = sys.argv[1:]
c = http.client.HTTPConnection(host, timeout=30)
c.request("GET", "/" + path, headers={"Host": host, "Cookie": cookie})
r = c.getresponse()
body = r.read()
assert r.status == 200 and r.getheader("Content-Type") == "image/svg+xml", r.status
assert b"<svg" in body[:4096], body[:200]
PY
}
check "/card.svg is the CLI's QR code" getsvg card.svg
check "/map.svg is the CLI's map" getsvg map.svg

# ---- wallflower ui, which finds this server and opens the page ----
# A stand-in xdg-open keeps its arguments: the token must not be among them, since any
# user can read a command line (and a browser it started keeps it in its own).
mkdir -p "$T/bin"
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/xdg.args"\n' "$T" >"$T/bin/xdg-open"
chmod +x "$T/bin/xdg-open"
DISPLAY=:7 PATH="$T/bin:$PATH" "$WF" --state-dir "$S" ui --runtime-dir "$R" >"$T/ui2.out" 2>&1
check "wallflower ui prints the running server's address" test "$(cat "$T/ui2.out")" = "$URL"
check "and opens ui.html, not the address" test "$(cat "$T/xdg.args" 2>/dev/null)" = "$R/ui.html"
check "no token on xdg-open's command line" sh -c "! grep -Eq '[0-9a-f]{64}' '$T/xdg.args'"
check "ui.html is 0600 and leads to the address" python3 - "$R/ui.html" "$URL" <<'PY'
import os, stat, sys
assert stat.S_IMODE(os.stat(sys.argv[1]).st_mode) == 0o600
assert 'url=%s"' % sys.argv[2] in open(sys.argv[1]).read()
PY
check "a second server for the same runtime directory refuses to start" \
	sh -c "! '$UI' --runtime-dir '$R' --state-dir '$S' >'$T/ui3.out' 2>&1 && grep -q 'already running (pid $UIPID)' '$T/ui3.out'"

# A run of the CLI that hangs is killed after UI_CLI_TIMEOUT_MS (30 s, src/ui/ui.h), and
# the request is answered: a second server, for another runtime directory, whose
# "wallflower" never ends.
mkdir -m 700 "$T/run2"
printf '#!/bin/sh\necho $$ >"%s/hang.pid"\nexec sleep 600\n' "$T" >"$T/bin/hang"
chmod +x "$T/bin/hang"
spawn "$T/ui5.out" env WALLFLOWER="$T/bin/hang" "$UI" --runtime-dir "$T/run2" --state-dir "$S"
HUNGUI=$LASTPID
waitfor 5 grep -q '^http://' "$T/ui5.out" || { cat "$T/ui5.out"; bail "the second wallflower-ui printed no URL"; }
python3 - "$(head -n1 "$T/ui5.out")" >"$T/hang.out" 2>&1 <<'PY' &
import http.client, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
token = urllib.parse.parse_qs(u.query)["token"][0]
c = http.client.HTTPConnection("127.0.0.1", u.port, timeout=90)
t0 = time.monotonic()
c.request("GET", "/api/contacts", headers={"Host": "127.0.0.1:%d" % u.port,
                                           "Cookie": "wf_token=" + token})
r = c.getresponse()
print(r.status, round(time.monotonic() - t0, 1), r.read().decode())
PY
ASKER=$!
waitfor 5 test -s "$T/hang.pid"
HANG=$(cat "$T/hang.pid" 2>/dev/null)
[ -n "$HANG" ] && started "$HANG"
check "the hung CLI run is running" alive "${HANG:-0}"
wait "$ASKER"
check "its request is answered after 30 s, with an error" python3 -c '
import json, sys
s, t, body = sys.argv[1].split(" ", 2)
assert s == "500" and 29 <= float(t) < 60 and json.loads(body)["ok"] is False, sys.argv[1]' "$(cat "$T/hang.out")"
check "and the run was killed" waitfor 5 sh -c "! kill -0 ${HANG:-0} 2>/dev/null"
stop "$HUNGUI" TERM
waitfor 5 sh -c "! kill -0 $HUNGUI 2>/dev/null"

stop "$UIPID" TERM
waitfor 5 sh -c "! kill -0 $UIPID 2>/dev/null"
check "ui.json is gone after SIGTERM" test ! -e "$R/ui.json"
check "and ui.html" test ! -e "$R/ui.html"

# A ui.json left by a server that was killed, whose pid now names another live process
# (here this shell): not trusted, since that process does not hold the server's lock.
printf '{"pid": %d, "port": 1, "token": "%s"}' $$ "$(printf 'ab%.0s' {1..32})" >"$R/ui.json"
chmod 600 "$R/ui.json"
WALLFLOWER_UI=$UI "$WF" --state-dir "$S" ui --no-open --runtime-dir "$R" >"$T/ui4.out" 2>&1
NEWURL=$(head -n1 "$T/ui4.out")
check "a stale ui.json naming a live process is not trusted: a new server starts" \
	sh -c "echo '$NEWURL' | grep -Eqx 'http://127\\.0\\.0\\.1:[0-9]+/\\?token=[0-9a-f]{64}' && [ '$NEWURL' != '$URL' ]"
NEWPID=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["pid"])' "$R/ui.json" 2>/dev/null)
if [ -n "$NEWPID" ]; then
	started "$NEWPID"
	"$WF" stop --runtime-dir "$R" >"$T/stop.out" 2>&1
	waitfor 5 sh -c "! kill -0 $NEWPID 2>/dev/null"
	check "wallflower stop ends it" sh -c "cat '$T/stop.out'; ! kill -0 $NEWPID 2>/dev/null"
fi

lo_done
