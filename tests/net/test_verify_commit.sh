#!/bin/bash
# A verification in person against wallflowerd from the outside (proto/session.md 9.7),
# with an initiator written on the independent implementation in tests/interop
# (check_verify.py): while nobody waits, a verify is answered not-waiting; while the
# user waits, an initiator that opens another nonce than the one it committed to is
# answered bad-commit, and the waiting user is told the verification did not complete (no
# code); an honest initiator then gets the same code the waiting user sees. Everything runs
# in a fresh network namespace with only a loopback (tests/net/lo.sh): no avahi, nothing
# leaves it. Skips (exit 77) when not root. Prints TAP.
#
# Usage: test_verify_commit.sh BUILD_DIR (WF_KEEP=1 keeps the work dir, with the logs)
set -u

BUILD=${1:?usage: test_verify_commit.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/lo.sh"
lo_enter verify-commit "$BUILD"
S=$T/state
R=$T/run
PEER=$T/verifier.py
PORT=7441

cat >"$PEER" <<'PY'
# python3 verifier.py INTEROP_DIR PORT MODE: one verify as the initiator, on loopback.
# MODE honest: prints "code NNN NNN" once the daemon acks the opening; cheat: opens another
# nonce and prints "error N" (what the daemon answered); either prints "error N" when the
# daemon answers the verify itself with an error.
import hashlib, os, socket, sys

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import check_session as cs  # noqa: E402
import check_verify as cv  # noqa: E402

PORT, MODE = int(sys.argv[2]), sys.argv[3]
SEED = hashlib.sha256(b"test_verify_commit identity").digest()

class Cheat(cv.Initiator):
    """Commits to one nonce and opens another: what someone searching for a code does."""
    def send(self, kind, fields):
        if kind == "verify-open":
            fields = dict(fields, nonce=bytes(b ^ 0xff for b in fields["nonce"]))
        return super().send(kind, fields)

side = (Cheat if MODE == "cheat" else cv.Initiator)(SEED, os.urandom(32), os.urandom(32),
                                                    os.urandom(32))
s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
s.sendall(side.start())
while side.state not in ("DONE", "FAILED"):
    data = s.recv(65536)
    if not data:
        break
    out = side.feed(data)
    if out:
        s.sendall(out)
s.close()
if side.error is not None:
    print("error %d" % side.error)
elif side.code is not None:
    print("code %s" % cv.code_text(side.code))
else:
    print("nothing")
PY
verifier() { timeout 30 python3 "$PEER" "$INTEROP" "$PORT" "$1"; }

status_ok() { "$WF" status --runtime-dir "$R" >/dev/null 2>&1; }
"$WF" --state-dir "$S" init --name "Wendy Waiting" >/dev/null || bail "wallflower init"
spawn "$T/wfd.log" "$WFD" -d --state-dir "$S" --runtime-dir "$R" --port "$PORT"
waitfor 5 status_ok || { cat "$T/wfd.log"; bail "wallflowerd did not answer"; }
"$WF" --state-dir "$S" start --hidden --runtime-dir "$R" >/dev/null || bail "wallflower start"

# wait_verify OUT ANSWER: the user waits to verify (background), answering ANSWER.
WAITER=
wait_verify() {
	local before
	before=$(grep -c "to verify in person" "$T/wfd.log")
	spawn "$1" sh -c "printf '$2\\n' | '$WF' --state-dir '$S' verify --wait --timeout 20 --json --runtime-dir '$R'"
	WAITER=$LASTPID
	waitfor 5 sh -c "[ \$(grep -c 'to verify in person' '$T/wfd.log') -gt $before ]"
}
ended() { ! kill -0 "$WAITER" 2>/dev/null; }

check "nobody waiting: the verify is answered not-waiting (7)" \
	sh -c "[ \"\$(timeout 30 python3 '$PEER' '$INTEROP' '$PORT' honest)\" = 'error 7' ]"

wait_verify "$T/cheated.out" y
check "an opening of another nonce is answered bad-commit (8)" \
	sh -c "[ \"\$(timeout 30 python3 '$PEER' '$INTEROP' '$PORT' cheat)\" = 'error 8' ]"
waitfor 10 ended
check "the waiting user is told it did not complete" \
	grep -q "did not complete" "$T/cheated.out"
check "and is shown no code" sh -c "! grep -q code '$T/cheated.out'"
check "nothing was recorded" sh -c "! grep -q '\"verified\": true' '$T/cheated.out'"

wait_verify "$T/honest.out" n
CODE=$(verifier honest)
waitfor 10 ended
diag "the initiator's $CODE; the waiting user's: $(grep -o '"code": "[0-9 ]*"' "$T/honest.out")"
check "an honest initiator gets a code" sh -c "echo '$CODE' | grep -Eqx 'code [0-9]{3} [0-9]{3}'"
check "the same code the waiting user sees" grep -q "\"code\": \"${CODE#code }\"" "$T/honest.out"

lo_done
