#!/usr/bin/env python3
"""fakewfd.py DIR REPLIES.json: a stand-in for wallflowerd's control socket, for testing
how the CLI prints what the daemon says. Listens on DIR/ctl (proto/control.md: frames of a
4-byte big-endian length and one JSON object) and answers each request with the reply
REPLIES.json has under the request's "cmd" ({"ok": false, ...} when it has none). Writes
DIR/ready once listening; serves until killed. Loopback only: a Unix socket."""
import json
import os
import socket
import struct
import sys

rundir, replies = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
path = os.path.join(rundir, "ctl")
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(4)
open(os.path.join(rundir, "ready"), "w").close()


def read_exact(c, n):
    b = b""
    while len(b) < n:
        chunk = c.recv(n - len(b))
        if not chunk:
            return None
        b += chunk
    return b


while True:
    conn, _ = srv.accept()
    with conn:
        while True:
            head = read_exact(conn, 4)
            if head is None:
                break
            (n,) = struct.unpack(">I", head)
            if n == 0 or n > 16384:
                break
            body = read_exact(conn, n)
            if body is None:
                break
            cmd = json.loads(body).get("cmd")
            reply = replies.get(cmd, {"ok": False, "error": "unknown-command",
                                      "msg": "fakewfd: no reply for %s" % cmd})
            out = json.dumps(reply, ensure_ascii=False).encode()
            conn.sendall(struct.pack(">I", len(out)) + out)
