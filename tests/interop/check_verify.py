#!/usr/bin/env python3
"""A second, independent implementation of verifying in person (proto/session.md 9.7),
replaying proto/vectors/verify-transcripts.json.

Written from the specification alone, not from src/lib: the messages `verify`,
`verify-nonce` and `verify-open` (their rules are in check_session.py's decoder and
encoder, 7.1 to 7.3), the signatures over "wallflower-verify-initiator-v2" || h and
"wallflower-verify-responder-v2" || h, the commitment C, the six-digit code, and the
states of section 10 that a verify adds (I_WAIT_FINAL, R_WAIT_OPEN). The Noise handshake,
the framing and Ed25519 are check_session.py's and check_cards.py's.

As section 13 says, it plays `verify-ack` as initiator and then as responder with the
recorded keys and nonces: every frame it writes must equal the recorded one, every recorded
frame of the other side must be accepted, and its commitment and code must equal `commit`,
`code` and `code_text`. From `relay` it recomputes both of Mo's sessions, by running its
own initiator against its own responder, and compares both handshake hashes and codes. It
then builds, from the transcript, what its responder must refuse (an opening of another
nonce, a verify signed by another key or over another hash, a verify while nobody waits,
...) and what must end its initiator (a verify-nonce with a bad signature, ...).

Usage: check_verify.py [SOURCE_ROOT]
Exit status: 0 when everything passes, 1 otherwise, 77 (skip) without cryptography.
"""

import hashlib
import hmac
import json
import os
import sys

sys.dont_write_bytecode = True  # importing check_session must not litter the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # however we were started

import check_cards as cards  # noqa: E402  (after the line above, on purpose)
import check_session as cs  # noqa: E402
from check_session import (BAD_COMMIT, MALFORMED, NOT_WAITING, NOT_YOURS,  # noqa: E402
                           SAS_CODE_TAG, SAS_COMMIT_TAG, SAS_ID_I_TAG, SAS_ID_R_TAG,
                           SAS_NONCE, UNSUPPORTED, MessageError, SessionError)

CODE_MOD = 1000000  # 9.7, step 5: six decimal digits


# ---------------------------------------------------------------------------------------
# The commitment, the signatures and the code (9.7)


def blake2b_256(data):
    """BLAKE2b with a 32-byte output and no key (7.4), not a truncated 64-byte one."""
    return hashlib.blake2b(data, digest_size=32).digest()


def commitment(handshake_hash, nonce):
    """C = BLAKE2b-256("wallflower-verify-commit-v2" || h || N_i)."""
    return blake2b_256(SAS_COMMIT_TAG + handshake_hash + nonce)


def verify_sign(tag, seed, handshake_hash):
    """Ed25519 by the identity over tag || h (94 bytes)."""
    return cs.ed25519_sign(seed, tag + handshake_hash)


def verify_check(tag, key, handshake_hash, sig):
    """The verification rules of proto/card.md section 5, as for the handover signature."""
    return cards.ed25519_verify(key, tag + handshake_hash, sig)


def code_of(handshake_hash, k_i, k_r, n_i, n_r):
    """d = BLAKE2b-256("wallflower-verify-code-v2" || h || K_i || K_r || N_i || N_r); the
    first 8 bytes of d, big-endian, modulo one million."""
    d = blake2b_256(SAS_CODE_TAG + handshake_hash + k_i + k_r + n_i + n_r)
    return int.from_bytes(d[:8], "big") % CODE_MOD


def code_text(code):
    """Six digits with leading zeros, in two groups of three: `042 917`."""
    digits = f"{code:06d}"
    return digits[:3] + " " + digits[3:]


# ---------------------------------------------------------------------------------------
# The two sides of a verify, as state machines of section 10 (bytes in, bytes out)


class Failed(Exception):
    """The side moved to FAILED (10.2); error is the code it answered with, or None when
    it closed without a word."""

    def __init__(self, why, error=None):
        super().__init__(why if error is None else f"{cs.CODE_NAMES.get(error, error)}: {why}")
        self.error = error


class Side:
    """What both sides share: the handshake, the inbox, the cipher states, the state."""

    def __init__(self, sign_seed, presence_secret, ephemeral, nonce):
        self.seed = sign_seed
        self.key = cs.ed25519_public(sign_seed)
        self.nonce = nonce
        self.hs = cs.Handshake(presence_secret, ephemeral)
        self.inbox = cs.Inbox()
        self.state = None
        self.tx = self.rx = None
        self.h = None
        self.peer_key = None  # the peer's identity, from its verify or verify-nonce
        self.peer_nonce = None  # N_r for the initiator, N_i (once opened) for the responder
        self.commit = None  # C: made by the initiator, received by the responder
        self.code = None
        self.error = None  # the error code of the exchange, if it ended in one

    def fail(self, why, error=None):
        self.state = "FAILED"
        self.tx = self.rx = None  # 10.2: every key of the session is discarded
        raise Failed(why, error)

    def send(self, kind, fields):
        """A transport frame of one application message (7.3, 5.4)."""
        return cs.frame(self.tx.encrypt(b"", cs.encode_message(kind, fields)))

    def receive(self):
        """The next plaintext, or None until its frame is whole; a frame that does not
        decrypt fails the session without a word (10.2)."""
        try:
            message = self.inbox.next_message()
            if message is None:
                return None
            return self.rx.decrypt(b"", message)
        except SessionError as e:
            self.fail(str(e))

    def feed(self, data):
        """Bytes from the peer in; the bytes to send back out (possibly none)."""
        if self.state == "FAILED":
            raise Failed("input after failing")
        if self.state == "DONE":
            self.fail("a byte after the exchange is done")
        self.inbox.feed(data)
        out = b""
        try:
            while self.state not in ("DONE", "FAILED"):
                got = self.step()
                if got is None:
                    break
                out += got
        except SessionError as e:
            self.fail(str(e))
        if self.state == "DONE" and self.inbox.buf:
            self.fail("a byte after the exchange is done")
        return out


class Initiator(Side):
    """I_WAIT_MSG2 -> I_WAIT_ANSWER -> I_WAIT_FINAL -> DONE. The initiator never sends an
    error: on any failure it closes (10.2)."""

    def start(self):
        self.state = "I_WAIT_MSG2"
        return cs.frame(self.hs.write_message_1())

    def step(self):
        if self.state == "I_WAIT_MSG2":
            message = self.inbox.next_message()
            if message is None:
                return None
            self.hs.read_message_2(message)
            out = cs.frame(self.hs.write_message_3())
            self.tx, self.rx, self.h = self.hs.split()
            self.commit = commitment(self.h, self.nonce)
            out += self.send("verify", {"key": self.key,
                                        "sig": verify_sign(SAS_ID_I_TAG, self.seed, self.h),
                                        "commit": self.commit})
            self.state = "I_WAIT_ANSWER"
            return out
        plaintext = self.receive()
        if plaintext is None:
            return None
        if self.inbox.buf:  # the responder sends nothing more before its next turn
            self.fail("bytes after the responder's message")
        try:
            kind, fields = cs.decode_message(plaintext)
        except MessageError as e:
            self.fail(f"answer refused: {e}")
        if kind == "error":
            self.error = fields["code"]
            self.state = "DONE"
            return b""
        if self.state == "I_WAIT_ANSWER":
            if kind != "verify-nonce":
                self.fail(f"{kind} is no answer to a verify")
            if not verify_check(SAS_ID_R_TAG, fields["key"], self.h, fields["sig"]):
                self.fail("the verify-nonce's sig does not verify under its key over h")
            self.peer_key, self.peer_nonce = fields["key"], fields["nonce"]
            self.state = "I_WAIT_FINAL"
            return self.send("verify-open", {"nonce": self.nonce})
        if kind != "ack":  # I_WAIT_FINAL
            self.fail(f"{kind} is no final answer to a verify")
        self.code = code_of(self.h, self.key, self.peer_key, self.nonce, self.peer_nonce)
        self.state = "DONE"
        return b""


class Responder(Side):
    """R_WAIT_MSG1 -> R_WAIT_MSG3 -> R_WAIT_REQUEST -> (R_ANSWERING) -> R_WAIT_OPEN -> DONE.
    waiting: whether its user waits to verify (9.7); the application's answer is given at
    once, so R_ANSWERING lasts no longer than the call that reaches it."""

    def __init__(self, *args, waiting=True):
        super().__init__(*args)
        self.waiting = waiting
        self.state = "R_WAIT_MSG1"

    def refuse(self, code, why):
        """10.2: an error written (to the initiator, with the next nonce), then FAILED."""
        self.refusal = self.send("error", {"code": code})
        self.error = code
        self.fail(why, code)

    def step(self):
        if self.state in ("R_WAIT_MSG1", "R_WAIT_MSG3"):
            message = self.inbox.next_message()
            if message is None:
                return None
            if self.state == "R_WAIT_MSG1":
                self.hs.read_message_1(message)
                self.state = "R_WAIT_MSG3"
                return cs.frame(self.hs.write_message_2())
            self.hs.read_message_3(message)
            self.rx, self.tx, self.h = self.hs.split()
            self.state = "R_WAIT_REQUEST"
            return b""
        plaintext = self.receive()
        if plaintext is None:
            return None
        # 9.1: a request or an opening followed by anything (even in the same read) is not
        # taken; the session ends without an answer.
        if self.inbox.buf:
            self.fail("bytes after the " + ("request" if self.state == "R_WAIT_REQUEST"
                                            else "verify-open"))
        try:
            kind, fields = cs.decode_message(plaintext)
        except MessageError as e:
            self.refuse(e.code, str(e))
        if self.state == "R_WAIT_REQUEST":
            if kind in ("offer", "card"):
                # Not a verify: check_session.py's responder has the rules of 9.2; here we
                # only need the verify's, so anything else is taken as check_request says.
                try:
                    cs.check_request(plaintext, self.h)
                except cs.Refusal as e:
                    self.refuse(e.code, str(e))
                self.state = "DONE"
                return self.send("ack", {})
            if kind != "verify":  # 9.1: not a request
                self.refuse(UNSUPPORTED, f"{kind} is not a request")
            if not verify_check(SAS_ID_I_TAG, fields["key"], self.h, fields["sig"]):
                self.refuse(NOT_YOURS, "the verify's sig does not verify under its key over h")
            self.peer_key, self.commit = fields["key"], fields["commit"]
            self.state = "R_ANSWERING"
            if not self.waiting:  # the application's answer (8, 9.7)
                self.error = NOT_WAITING
                self.state = "DONE"
                return self.send("error", {"code": NOT_WAITING})
            self.waiting = False  # one verification, whatever the opening brings (9.7)
            self.state = "R_WAIT_OPEN"
            return self.send("verify-nonce", {"key": self.key,
                                              "sig": verify_sign(SAS_ID_R_TAG, self.seed, self.h),
                                              "nonce": self.nonce})
        # R_WAIT_OPEN
        if kind != "verify-open":
            self.refuse(UNSUPPORTED, f"{kind} is not a verify-open")
        if not hmac.compare_digest(commitment(self.h, fields["nonce"]), self.commit):
            self.refuse(BAD_COMMIT, "the opened nonce does not match the commitment")
        self.peer_nonce = fields["nonce"]
        self.code = code_of(self.h, self.peer_key, self.key, self.peer_nonce, self.nonce)
        self.state = "DONE"
        return self.send("ack", {})


# ---------------------------------------------------------------------------------------
# Replaying verify-ack (section 13)


class Party:
    """One side's recorded keys: those of a session transcript, with nonce for rk."""

    NAMES = ("sign_seed", "presence_secret", "ephemeral", "nonce", "sign_pk", "presence_pk",
             "ephemeral_pk")

    def __init__(self, keys):
        for name in self.NAMES:
            setattr(self, name, bytes.fromhex(keys[name]))

    def side(self, cls, **kw):
        return cls(self.sign_seed, self.presence_secret, self.ephemeral, self.nonce, **kw)

    def problems(self, who):
        out = []
        for what, got, want in (
                ("sign_pk", cs.ed25519_public(self.sign_seed), self.sign_pk),
                ("presence_pk", cs.x25519_public(self.presence_secret), self.presence_pk),
                ("ephemeral_pk", cs.x25519_public(self.ephemeral), self.ephemeral_pk),
                ("nonce length", len(self.nonce), SAS_NONCE)):
            if got != want:
                out.append(f"{who}'s {what}: expected {_show(want)}, got {_show(got)}")
        return out


def _show(value):
    return value.hex() if isinstance(value, (bytes, bytearray)) else repr(value)


STEPS = [("initiator", "handshake-1"), ("responder", "handshake-2"), ("initiator", "handshake-3"),
         ("initiator", "verify"), ("responder", "verify-nonce"), ("initiator", "verify-open"),
         ("responder", "ack")]


class Replay:
    def __init__(self, transcript, role):
        self.t = transcript
        self.role = role
        self.problems = []
        self.steps = [dict(s, frame=bytes.fromhex(s["frame"]), payload=bytes.fromhex(s["payload"]))
                      for s in transcript["steps"]]
        self.ini, self.res = Party(transcript["initiator"]), Party(transcript["responder"])

    def expect(self, what, got, want):
        if got != want:
            self.problems.append(f"{what}: expected {_show(want)}, got {_show(got)}")

    def frames(self, *indices):
        return b"".join(self.steps[i]["frame"] for i in indices)

    def check_payloads(self, indices):
        """Each recorded plaintext of indices decodes (7.1, 7.2) as its step's kind and is
        what 7.3 encodes from its fields."""
        for i in indices:
            s = self.steps[i]
            try:
                kind, fields = cs.decode_message(s["payload"])
            except MessageError as e:
                self.problems.append(f"step {i + 1} payload refused: {e}")
                continue
            self.expect(f"step {i + 1} type", kind, s["kind"])
            self.expect(f"step {i + 1} re-encoded per 7.3", cs.encode_message(kind, fields),
                        s["payload"])

    def check_end(self, side, peer):
        t = self.t
        self.expect("handshake hash", side.h, bytes.fromhex(t["handshake_hash"]))
        self.expect("peer's presence key", side.hs.rs, peer.presence_pk)
        self.expect("peer's identity", side.peer_key, peer.sign_pk)
        self.expect("state", side.state, "DONE")
        self.expect("commitment", side.commit, bytes.fromhex(t["commit"]))
        self.expect("code", side.code, t["code"])
        if side.code is not None:
            self.expect("code_text", code_text(side.code), t["code_text"])

    def run_initiator(self):
        me = self.ini.side(Initiator)
        self.expect("handshake-1 frame", me.start(), self.steps[0]["frame"])
        out = me.feed(self.steps[1]["frame"])
        self.expect("handshake-3 and verify frames", out, self.frames(2, 3))
        # The payload: decrypt what we sent with the responder's keys is not ours to do;
        # rebuild the plaintext instead, which is what we encrypted.
        verify = cs.encode_message("verify", {"key": me.key,
                                              "sig": verify_sign(SAS_ID_I_TAG, me.seed, me.h),
                                              "commit": me.commit})
        self.expect("verify payload", verify, self.steps[3]["payload"])
        self.expect("peer's identity before the verify-nonce", me.peer_key, None)
        out = me.feed(self.steps[4]["frame"])
        self.expect("peer's identity (the verify-nonce's key)", me.peer_key, self.res.sign_pk)
        self.expect("peer's nonce", me.peer_nonce, self.res.nonce)
        self.expect("verify-open frame", out, self.steps[5]["frame"])
        self.expect("verify-open payload", cs.encode_message("verify-open", {"nonce": me.nonce}),
                    self.steps[5]["payload"])
        self.expect("code before the ack", me.code, None)
        out = me.feed(self.steps[6]["frame"])
        self.expect("bytes after the ack", out, b"")
        self.check_end(me, self.res)

    def run_responder(self):
        me = self.res.side(Responder, waiting=True)
        out = me.feed(self.steps[0]["frame"])
        self.expect("handshake-2 frame", out, self.steps[1]["frame"])
        # Message 3 and the verify arrive together, as they usually do on the wire (4).
        out = me.feed(self.frames(2, 3))
        self.expect("peer's identity (the verify's key)", me.peer_key, self.ini.sign_pk)
        self.expect("the commitment received", me.commit, bytes.fromhex(self.t["commit"]))
        self.expect("verify-nonce frame", out, self.steps[4]["frame"])
        self.expect("verify-nonce payload", cs.encode_message(
            "verify-nonce", {"key": me.key, "sig": verify_sign(SAS_ID_R_TAG, me.seed, me.h),
                             "nonce": me.nonce}), self.steps[4]["payload"])
        self.expect("still waiting after a verify-nonce", me.waiting, False)
        out = me.feed(self.steps[5]["frame"])
        self.expect("ack frame", out, self.steps[6]["frame"])
        self.expect("ack payload", cs.encode_message("ack", {}), self.steps[6]["payload"])
        self.check_end(me, self.ini)


def replay(transcript, role):
    try:
        r = Replay(transcript, role)
    except (KeyError, ValueError, TypeError) as e:
        return [f"cannot read the transcript: {e!r}"]
    r.problems += r.ini.problems("initiator") + r.res.problems("responder")
    r.expect("prologue", bytes.fromhex(transcript["prologue"]), cs.SESSION_PROLOGUE)
    r.expect("steps", [(s["from"], s["kind"]) for s in r.steps], STEPS)
    if len(r.steps) != len(STEPS):
        return r.problems
    for s in r.steps[:3]:
        r.expect(f"{s['kind']} payload", s["payload"], b"")
    r.check_payloads(range(3, 7))
    try:
        (r.run_initiator if role == "initiator" else r.run_responder)()
    except (Failed, SessionError, MessageError) as e:
        r.problems.append(f"session failed: {e!r}")
    return r.problems


# ---------------------------------------------------------------------------------------
# The relay (section 13): Ada verifies Mo, Mo verifies Bo


def run_verify(ini, res):
    """My initiator against my responder, frame by frame; returns both sides."""
    i, r = ini.side(Initiator), res.side(Responder, waiting=True)
    to_res = i.start()
    while to_res:
        to_ini = r.feed(to_res)
        to_res = i.feed(to_ini) if to_ini else b""
    return i, r


def check_relay(doc):
    t = doc["transcripts"][0]
    relay = doc["relay"]
    ada, bo, mo = Party(t["initiator"]), Party(t["responder"]), Party(relay["middle"])
    problems = mo.problems("Mo")

    def expect(what, got, want):
        if got != want:
            problems.append(f"{what}: expected {_show(want)}, got {_show(got)}")

    # Section 13: "Ada verifies Mo (session 1) ... and Mo verifies Bo (session 2)". Each
    # party uses its own recorded keys and nonce: Mo his own `nonce` in both sessions. The
    # section says "using Ada's nonce as his own initiator nonce and Bo's as his responder
    # nonce", which the file does not bear out (the literal reading is computed below).
    for n, (ini, res) in ((1, (ada, mo)), (2, (mo, bo))):
        i, r = run_verify(ini, res)
        expect(f"session {n}: initiator's state", i.state, "DONE")
        expect(f"session {n}: responder's state", r.state, "DONE")
        expect(f"session {n}: the two sides' codes", i.code, r.code)
        expect(f"session {n}: handshake hash", i.h, bytes.fromhex(relay[f"handshake_hash_{n}"]))
        expect(f"session {n}: code", i.code, relay[f"code_{n}"])
        expect(f"session {n}: identities", (i.peer_key, r.peer_key), (res.sign_pk, ini.sign_pk))
    if relay["code_1"] == relay["code_2"]:
        problems.append("the relay's two codes are equal")
    # What section 13's sentence says, taken literally: Mo's initiator nonce is Ada's and his
    # responder nonce Bo's. Recorded here only as a note when it does not give the codes.
    h1, h2 = (bytes.fromhex(relay[f"handshake_hash_{n}"]) for n in (1, 2))
    literal = (code_of(h1, ada.sign_pk, mo.sign_pk, ada.nonce, bo.nonce),
               code_of(h2, mo.sign_pk, bo.sign_pk, ada.nonce, bo.nonce))
    if literal == (relay["code_1"], relay["code_2"]):
        problems.append("the relay's codes use Ada's and Bo's nonces for Mo, not his own")
    # The two codes as each person sees them: Ada's screen (session 1) and Bo's (session 2).
    if code_text(relay["code_1"]) == code_text(relay["code_2"]):
        problems.append("Ada and Bo would read the same code")
    return problems


# ---------------------------------------------------------------------------------------
# Refusals built from the transcript (9.7, 10.2)


class RawInitiator:
    """An initiator that says what it is told: the recorded keys, a real handshake, then
    whatever plaintexts the test gives, encrypted in turn."""

    def __init__(self, party):
        self.hs = cs.Handshake(party.presence_secret, party.ephemeral)
        self.party = party

    def handshake(self, responder):
        out = responder.feed(cs.frame(self.hs.write_message_1()))
        self.hs.read_message_2(out[2:])
        m3 = cs.frame(self.hs.write_message_3())
        self.tx, self.rx, self.h = self.hs.split()
        return m3

    def seal(self, plaintext):
        return cs.frame(self.tx.encrypt(b"", plaintext))

    def open(self, frames):
        """The plaintexts of the responder's frames."""
        inbox, out = cs.Inbox(), []
        inbox.feed(frames)
        while inbox.buf:
            out.append(self.rx.decrypt(b"", inbox.require_message()))
        return out


class RawResponder:
    """A responder that says what it is told, for the initiator's refusals."""

    def __init__(self, party):
        self.hs = cs.Handshake(party.presence_secret, party.ephemeral)

    def handshake(self, initiator):
        self.hs.read_message_1(initiator.start()[2:])
        out = initiator.feed(cs.frame(self.hs.write_message_2()))
        inbox = cs.Inbox()
        inbox.feed(out)
        self.hs.read_message_3(inbox.require_message())
        self.rx, self.tx, self.h = self.hs.split()
        self.verify = self.rx.decrypt(b"", inbox.require_message())
        return cs.decode_message(self.verify)[1]

    def seal(self, plaintext):
        return cs.frame(self.tx.encrypt(b"", plaintext))


def _flip(data):
    return data[:-1] + bytes([data[-1] ^ 1])


class Refusals:
    def __init__(self, doc):
        t = doc["transcripts"][0]
        self.ada, self.bo = Party(t["initiator"]), Party(t["responder"])
        self.mo = Party(doc["relay"]["middle"])
        self.other_h = bytes.fromhex(doc["relay"]["handshake_hash_1"])
        self.problems = []

    def responder_refuses(self, what, messages, want, waiting=True, together=False,
                          initiator=None):
        """Bo as my responder; a raw Ada runs the handshake and then sends messages, each a
        function of the raw initiator (its h) giving a plaintext. The last one must be
        refused with error want (a code), or end the session without a word (want None)."""
        bo = self.bo.side(Responder, waiting=waiting)
        raw = RawInitiator(initiator or self.ada)
        m3 = raw.handshake(bo)
        bo.feed(m3)
        got, sent = None, b""
        try:
            plaintexts = [m(raw) for m in messages]
            if together:  # the last two in one read
                for p in plaintexts[:-2]:
                    sent += bo.feed(raw.seal(p))
                sent += bo.feed(raw.seal(plaintexts[-2]) + raw.seal(plaintexts[-1]))
            else:
                for p in plaintexts:
                    sent += bo.feed(raw.seal(p))
        except Failed as e:
            got = e
        if got is None:
            self.problems.append(f"{what}: accepted")
            return
        if got.error != want:
            self.problems.append(f"{what}: ended with {got.error}, wanted {want} ({got})")
            return
        try:  # what was written reads as such, the error (if any) last
            answers = [cs.decode_message(p) for p in raw.open(sent + getattr(bo, "refusal", b""))]
            if want is None:
                self.expect(f"{what}: no error written", [k for k, _ in answers if k == "error"], [])
            else:
                self.expect(f"{what}: the error frame", answers[-1:], [("error", {"code": want})])
        except (SessionError, MessageError) as e:
            self.problems.append(f"{what}: the frames written: {e!r}")
        if bo.code is not None:
            self.problems.append(f"{what}: a code was shown")

    def initiator_fails(self, what, answers):
        """Ada as my initiator; a raw Bo reads her verify and answers with the plaintexts
        answers (functions of the raw responder and the verify's fields). Ada must fail
        without sending anything."""
        ada = self.ada.side(Initiator)
        raw = RawResponder(self.bo)
        try:
            verify = raw.handshake(ada)
            out = b""
            for answer in answers:
                out = ada.feed(raw.seal(answer(raw, verify)))
        except Failed:
            if ada.code is not None:
                self.problems.append(f"{what}: a code was shown")
            return
        self.problems.append(f"{what}: accepted (sent {len(out)} bytes, state {ada.state})")

    def expect(self, what, got, want):
        if got != want:
            self.problems.append(f"{what}: expected {_show(want)}, got {_show(got)}")

    def verify(self, seed=None, key=None, h=None, tag=SAS_ID_I_TAG, nonce=None):
        """A verify plaintext from Ada (by default honest) for the raw initiator's h."""
        ada = self.ada

        def make(raw):
            hh = raw.h if h is None else h
            return cs.encode_message("verify", {
                "key": key or ada.sign_pk,
                "sig": cs.ed25519_sign(seed or ada.sign_seed, tag + hh),
                "commit": commitment(raw.h, nonce or ada.nonce)})
        return make

    @staticmethod
    def open_(nonce):
        return lambda raw: cs.encode_message("verify-open", {"nonce": nonce})

    def run(self):
        ada, bo, mo = self.ada, self.bo, self.mo
        R = self.responder_refuses
        # The honest exchange through the raw initiator first: the harness itself works.
        honest = self.bo.side(Responder)
        raw = RawInitiator(ada)
        honest.feed(raw.handshake(honest))
        nonce_frame = honest.feed(raw.seal(self.verify()(raw)))
        ack = honest.feed(raw.seal(self.open_(ada.nonce)(raw)))
        self.expect("raw initiator, honest: answers",
                    [k for k, _ in map(cs.decode_message, raw.open(nonce_frame + ack))],
                    ["verify-nonce", "ack"])
        # 9.7 step 4: an opening of another nonce: bad-commit (8), no code.
        R("an opening of another nonce (Bo's)", [self.verify(), self.open_(bo.nonce)], BAD_COMMIT)
        R("an opening of the nonce with its last bit flipped",
          [self.verify(), self.open_(_flip(ada.nonce))], BAD_COMMIT)
        R("a commitment to another nonce, opened with the recorded one",
          [self.verify(nonce=mo.nonce), self.open_(ada.nonce)], BAD_COMMIT)
        # 9.7 step 2 / 10.2: a verify signed by another key, or over another h: not-yours.
        R("a verify with Ada's key signed by Mo", [self.verify(seed=mo.sign_seed)], NOT_YOURS)
        R("a verify with Mo's key signed by Ada", [self.verify(key=mo.sign_pk)], NOT_YOURS)
        R("a verify signed over the relay's session 1 hash (relayed)",
          [self.verify(h=self.other_h)], NOT_YOURS)
        R("a verify signed with the responder's tag", [self.verify(tag=SAS_ID_R_TAG)], NOT_YOURS)
        R("a verify signed with the handover tag", [self.verify(tag=cs.SESSION_HANDOVER_TAG)],
          NOT_YOURS)
        R("a verify signed over h alone", [self.verify(tag=b"")], NOT_YOURS)
        # 7.2 checks only a key's length; a key that is no usable Ed25519 key (here the
        # small-order point 32 zero bytes) fails the signature check: not-yours (a guess,
        # section 9.7 does not say whether it is malformed instead).
        R("a verify whose key is 32 zero bytes", [self.verify(key=bytes(32))], NOT_YOURS)
        R("a verify with the sig's last bit flipped",
          [lambda raw: cs.encode_message("verify", dict(
              cs.decode_message(self.verify()(raw))[1],
              sig=_flip(cs.decode_message(self.verify()(raw))[1]["sig"])))], NOT_YOURS)
        # 9.7 "Why the commitment", 12: Mo passes Ada's verify of session 1 (Ada to Mo) on
        # to Bo in session 2 (Mo to Bo): its sig covers h1, so Bo answers not-yours.
        ada_side, raw_mo = self.ada.side(Initiator), RawResponder(mo)
        ada_verify = raw_mo.handshake(ada_side)
        self.expect("session 1's hash", raw_mo.h, self.other_h)
        R("Ada's verify of session 1 relayed by Mo into session 2",
          [lambda raw: cs.encode_message("verify", ada_verify)], NOT_YOURS, initiator=mo)
        # 9.7 step 2, section 8: nobody waiting: not-waiting (7), but the sig comes first.
        bo_idle = self.bo.side(Responder, waiting=False)
        raw = RawInitiator(ada)
        bo_idle.feed(raw.handshake(bo_idle))
        answer = raw.open(bo_idle.feed(raw.seal(self.verify()(raw))))
        self.expect("a verify while nobody waits", [cs.decode_message(p) for p in answer],
                    [("error", {"code": NOT_WAITING})])
        self.expect("a verify while nobody waits: state", bo_idle.state, "DONE")
        R("a verify by another key while nobody waits", [self.verify(seed=mo.sign_seed)],
          NOT_YOURS, waiting=False)
        # 7.2: a verify's fields of the wrong size, or missing: malformed (1).
        for what, fields in (("a commit of 31 bytes", {"commit": bytes(31)}),
                             ("a key of 33 bytes", {"key": bytes(33)}),
                             ("a sig of 63 bytes", {"sig": bytes(63)})):
            def bad(raw, fields=fields):
                good = cs.decode_message(self.verify()(raw))[1]
                return cs.encode_message("verify", dict(good, **fields))
            R(f"a verify with {what}", [bad], MALFORMED)
        R("a verify without commit", [lambda raw: cs.enc_map([
            (b"t", cs.enc_str(b"verify")), (b"key", cs.enc_bin(ada.sign_pk)),
            (b"sig", cs.enc_bin(cs.ed25519_sign(ada.sign_seed, SAS_ID_I_TAG + raw.h)))])],
          MALFORMED)
        # 9.1: a verify-open or verify-nonce is no request: unsupported (2).
        R("a verify-open as the request", [self.open_(ada.nonce)], UNSUPPORTED)
        R("a verify-nonce as the request", [lambda raw: cs.encode_message("verify-nonce", {
            "key": ada.sign_pk, "sig": cs.ed25519_sign(ada.sign_seed, SAS_ID_R_TAG + raw.h),
            "nonce": ada.nonce})], UNSUPPORTED)
        # 10.2, R_WAIT_OPEN: not a verify-open: unsupported (2); broken: malformed (1).
        R("a second verify instead of the opening", [self.verify(), self.verify()], UNSUPPORTED)
        R("an ack instead of the opening", [self.verify(), lambda raw: cs.encode_message(
            "ack", {})], UNSUPPORTED)
        R("an opening of 31 bytes", [self.verify(), self.open_(ada.nonce[:31])], MALFORMED)
        R("an opening with an unknown t", [self.verify(), lambda raw: cs.enc_map([
            (b"t", cs.enc_str(b"verify-opened")), (b"nonce", cs.enc_bin(ada.nonce))])],
          UNSUPPORTED)
        # 10.2: any byte after a verify-open, even in the same read: no answer at all.
        R("a byte after the opening", [self.verify(), self.open_(ada.nonce),
                                        lambda raw: b"\xc0"], None, together=True)

        # 9.7 step 3 / 10.2: a verify-nonce with a bad signature ends my initiator.
        def nonce_msg(seed=None, key=None, h=None, tag=SAS_ID_R_TAG, flip=False):
            def make(raw, verify):
                sig = cs.ed25519_sign(seed or bo.sign_seed, tag + (raw.h if h is None else h))
                return cs.encode_message("verify-nonce", {
                    "key": key or bo.sign_pk, "sig": _flip(sig) if flip else sig,
                    "nonce": bo.nonce})
            return make
        F = self.initiator_fails
        F("a verify-nonce with the sig's last bit flipped", [nonce_msg(flip=True)])
        F("a verify-nonce with Bo's key signed by Mo", [nonce_msg(seed=mo.sign_seed)])
        F("a verify-nonce signed over another hash", [nonce_msg(h=self.other_h)])
        F("a verify-nonce signed with the initiator's tag", [nonce_msg(tag=SAS_ID_I_TAG)])
        F("a verify-nonce whose key is 32 zero bytes", [nonce_msg(key=bytes(32))])
        # The verify's own sig reflected back as the verify-nonce's: the tags differ.
        F("a verify-nonce that reflects the initiator's key and sig", [
            lambda raw, v: cs.encode_message("verify-nonce", {
                "key": v["key"], "sig": v["sig"], "nonce": bo.nonce})])
        # 10.2, I_WAIT_ANSWER and I_WAIT_FINAL: answers that are not allowed there.
        F("an ack as the answer to a verify", [lambda raw, v: cs.encode_message("ack", {})])
        F("a verify-nonce after the opening", [nonce_msg(), nonce_msg()])
        F("a verify-open from the responder", [lambda raw, v: cs.encode_message(
            "verify-open", {"nonce": bo.nonce})])
        F("a verify-nonce with a nonce of 31 bytes", [lambda raw, v: cs.enc_map([
            (b"t", cs.enc_str(b"verify-nonce")), (b"key", cs.enc_bin(bo.sign_pk)),
            (b"sig", cs.enc_bin(cs.ed25519_sign(bo.sign_seed, SAS_ID_R_TAG + raw.h))),
            (b"nonce", cs.enc_bin(bo.nonce[:31]))])])
        # An error, to the verify or to the opening, ends the exchange in DONE, no code.
        for n, codes in ((1, [NOT_WAITING]), (2, [BAD_COMMIT])):
            ada_side = self.ada.side(Initiator)
            raw = RawResponder(bo)
            try:
                raw.handshake(ada_side)
                if n == 2:
                    ada_side.feed(raw.seal(nonce_msg()(raw, None)))
                ada_side.feed(raw.seal(cs.encode_message("error", {"code": codes[0]})))
                self.expect(f"error {codes[0]} as answer {n}: state and code",
                            (ada_side.state, ada_side.error, ada_side.code),
                            ("DONE", codes[0], None))
            except (Failed, SessionError) as e:
                self.problems.append(f"error {codes[0]} as answer {n}: {e!r}")
        return self.problems


# ---------------------------------------------------------------------------------------
# Sections 2, 7.3 and 13


def check_constants():
    problems = []
    for what, got, want in (
            ("SAS_ID_I_TAG length (2)", len(SAS_ID_I_TAG), 30),
            ("SAS_ID_R_TAG length (2)", len(SAS_ID_R_TAG), 30),
            ("SAS_COMMIT_TAG length (2)", len(SAS_COMMIT_TAG), 27),
            ("SAS_CODE_TAG length (2)", len(SAS_CODE_TAG), 25),
            ("PEERMSG_KEY_LEN (2)", cs.PEERMSG_KEY_LEN, 32),
            ("SAS_NONCE (2)", SAS_NONCE, 32),
            ("a commitment is SAS_NONCE bytes (2)", len(commitment(bytes(64), bytes(32))),
             SAS_NONCE),
            ("error 7's name (8)", cs.CODE_NAMES.get(7), "not-waiting"),
            ("error 8's name (8)", cs.CODE_NAMES.get(8), "bad-commit"),
            ("code_text of 42917 (9.7)", code_text(42917), "042 917"),
            ("verify-open plaintext length (7.3)",
             len(cs.encode_message("verify-open", {"nonce": bytes(32)})), 1 + 2 + 12 + 6 + 34),
            ("verify plaintext length (7.3)", len(cs.encode_message(
                "verify", {"key": bytes(32), "sig": bytes(64), "commit": bytes(32)})),
             1 + 2 + 7 + 4 + 34 + 4 + 66 + 7 + 34)):
        if got != want:
            problems.append(f"{what}: expected {_show(want)}, got {_show(got)}")
    # 7.1 step 7: the three types are known; a wrong field is malformed, not unsupported.
    for kind in ("verify", "verify-nonce", "verify-open"):
        try:
            cs.decode_message(cs.enc_map([(b"t", cs.enc_str(kind.encode()))]))
            problems.append(f"{kind} without its fields: accepted")
        except MessageError as e:
            if e.code != MALFORMED:
                problems.append(f"{kind} without its fields: {e}, wanted malformed")
    return problems


def check_section_13(doc):
    """The file holds what section 13 says: Ada verifies Bo, their seeds, the nonces from
    each party's base + 70, Mo's seed from base 40, the same keys as the session
    transcripts."""
    problems = []

    def expect(what, got, want):
        if got != want:
            problems.append(f"{what}: expected {_show(want)}, got {_show(got)}")

    def run(base, n=32):
        return bytes((base + i) % 256 for i in range(n))

    expect("transcripts", [t["name"] for t in doc["transcripts"]], ["verify-ack"])
    t = doc["transcripts"][0]
    for role, base in (("initiator", 0x00), ("responder", 0x80)):
        expect(f"{role}'s seed", bytes.fromhex(t[role]["sign_seed"]), run(base))
        expect(f"{role}'s nonce (base + 70)", bytes.fromhex(t[role]["nonce"]), run(base + 0x70))
        expect(f"{role} has no rk", "rk" in t[role], False)
    mo = doc["relay"]["middle"]
    expect("Mo's seed (base 40)", bytes.fromhex(mo["sign_seed"]), run(0x40))
    expect("Mo's nonce (base 40 + 70)", bytes.fromhex(mo["nonce"]), run(0x40 + 0x70))
    # "in the same way": the other keys at the offsets Ada's and Bo's have.
    expect("Mo's presence secret (base + 20, as Ada's and Bo's)",
           bytes.fromhex(mo["presence_secret"]), run(0x40 + 0x20))
    expect("Mo's ephemeral (base + 40, as Ada's and Bo's)", bytes.fromhex(mo["ephemeral"]),
           run(0x40 + 0x40))
    for role, base in (("initiator", 0x00), ("responder", 0x80)):
        expect(f"{role}'s presence secret (base + 20)", bytes.fromhex(t[role]["presence_secret"]),
               run(base + 0x20))
        expect(f"{role}'s ephemeral (base + 40)", bytes.fromhex(t[role]["ephemeral"]),
               run(base + 0x40))
    try:
        with open(os.path.join(ROOT, "proto", "vectors", "session-transcripts.json"),
                  encoding="utf-8") as f:
            sessions = {x["name"]: x for x in json.load(f)["transcripts"]}
        offer = sessions["offer-ack"]
        for role in ("initiator", "responder"):
            for key in ("sign_seed", "presence_secret", "ephemeral"):
                expect(f"{role}'s {key} as in offer-ack", t[role][key], offer[role][key])
    except (OSError, KeyError, ValueError) as e:
        problems.append(f"cannot read the session transcripts: {e!r}")
    expect("code_text is code as shown", code_text(t["code"]), t["code_text"])
    meta = doc.get("_meta", {})
    problems += [f"_meta lacks {k}" for k in ("description", "generator", "licence")
                 if k not in meta]
    return problems


ROOT = "."


def main(argv):
    global ROOT
    cards.require_cryptography()
    ROOT = cards.source_root(argv)
    path = os.path.join(ROOT, "proto", "vectors", "verify-transcripts.json")
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    passed = failed = 0

    def count(name, fn):
        nonlocal passed, failed
        try:
            problems = fn()
        except (Failed, SessionError, MessageError, cards.CardError, KeyError, ValueError,
                IndexError, TypeError) as e:
            problems = [f"could not run: {e!r}"]
        for problem in problems:
            print(f"verify: {name}: {problem}")
        if problems:
            failed += 1
        else:
            passed += 1

    count("constants", check_constants)
    count("section 13", lambda: check_section_13(doc))
    for transcript in doc["transcripts"]:
        for role in ("initiator", "responder"):
            count(f"{transcript['name']} as {role}",
                  lambda t=transcript, r=role: replay(t, r))
    count("relay", lambda: check_relay(doc))
    count("refusals", lambda: Refusals(doc).run())
    print(f"verify: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
