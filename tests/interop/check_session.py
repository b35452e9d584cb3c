#!/usr/bin/env python3
"""A second, independent implementation of the wallflower session protocol, version 2
(proto/session.md), replaying proto/vectors/session-transcripts.json.

Written from the specification alone, not from src/lib: Noise_XX_25519_ChaChaPoly_BLAKE2b
between presence keys (hashlib BLAKE2b, hmac, and X25519 / ChaCha20-Poly1305 from
`cryptography`), the framing, the handover signature and the application messages. For
every transcript it plays the initiator and then the responder with the recorded keys, as
section 13 says, and requires every frame it writes to equal the recorded one and every
recorded frame of the other side to be accepted. Cards are checked with the decoder of
check_cards.py, so both specifications are exercised together. A few refusals that the
transcripts make possible to build (a relayed request, someone else's card, a handshake
message with a payload, an unexpected responder) are checked too.

The net tests' hostile peers (tests/net) import this module: Handshake, Inbox, frame,
make_request, check_request, make_card and the encoders are meant for that.

Usage: check_session.py [SOURCE_ROOT]
Exit status: 0 when every transcript passes in both roles, 1 otherwise, 77 (skip) without
cryptography.
"""

import hashlib
import hmac
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # importing check_cards must not litter the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # however we were started

import check_cards as cards  # noqa: E402  (after the line above, on purpose)
from check_cards import Bin, Map, Str, WalkError  # noqa: E402

try:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
except ImportError:  # check_cards.require_cryptography() reports it
    pass

# ---------------------------------------------------------------------------------------
# Constants (section 2)

NOISE_PROTOCOL = b"Noise_XX_25519_ChaChaPoly_BLAKE2b"
SESSION_PROLOGUE = b"wallflower/2"
PEERMSG_MAX = 4608
SESSION_FRAME_MAX = 4624
NOISE_TAG = 16
HASHLEN = 64
SESSION_HANDOVER_TAG = b"wallflower-handover-v2"
PEERMSG_ID_TAG = b"wallflower-offer-id-v2"
PEERMSG_SIG_LEN = 64
PEERMSG_RK_LEN = 32
PEERMSG_ID_LEN = 32
PEERMSG_KEYS_MAX = 16
PEERMSG_KEY_MAX = 16
PEERMSG_DEPTH_MAX = 4
PEERMSG_NOTE_MAX = 280
PEERMSG_TEXT_MAX = 200
CARD_BYTES_MAX = 4096
CARD_SIGN_TAG = b"wallflower-card-v1"  # proto/card.md section 5
PEERMSG_KEY_LEN = 32  # a verify's or verify-nonce's key (an identity)
SAS_NONCE = 32  # a verification nonce, and a commitment to one (9.7)
SAS_ID_I_TAG = b"wallflower-verify-initiator-v2"  # a verify's signature
SAS_ID_R_TAG = b"wallflower-verify-responder-v2"  # a verify-nonce's signature
SAS_COMMIT_TAG = b"wallflower-verify-commit-v2"  # the commitment
SAS_CODE_TAG = b"wallflower-verify-code-v2"  # the code
NONCE_RESERVED = 2**64 - 1  # 5.4: never used; a cipher state that reaches it is spent

# Section 5.3: every handshake payload is empty, so every handshake message has one length.
MSG1_LEN = 32
MSG2_LEN = 32 + 48 + NOISE_TAG
MSG3_LEN = 48 + NOISE_TAG

# Section 8: error codes.
MALFORMED, UNSUPPORTED, BAD_CARD, NOT_YOURS, BUSY, INTERNAL = 1, 2, 3, 4, 5, 6
NOT_WAITING, BAD_COMMIT = 7, 8  # 9.7
CODE_NAMES = {1: "malformed", 2: "unsupported", 3: "bad-card", 4: "not-yours", 5: "busy",
              6: "internal", 7: "not-waiting", 8: "bad-commit"}


class SessionError(Exception):
    """A violation that moves a side to FAILED (section 10.2)."""


# ---------------------------------------------------------------------------------------
# Primitives (section 5.2)


def hash64(data):
    """HASH: unkeyed BLAKE2b with a 64-byte output."""
    return hashlib.blake2b(data, digest_size=HASHLEN).digest()


def hmac_hash(key, data):
    """HMAC-HASH: RFC 2104 HMAC over BLAKE2b (block 128), not BLAKE2b's keyed mode."""
    return hmac.new(key, data, hashlib.blake2b).digest()


def hkdf(chaining_key, ikm):
    """Noise's HKDF with two outputs."""
    temp = hmac_hash(chaining_key, ikm)
    out1 = hmac_hash(temp, b"\x01")
    out2 = hmac_hash(temp, out1 + b"\x02")
    return out1, out2


def _raw(public_key):
    # public_bytes_raw() is newer than Debian's cryptography 38; this spelling works on both.
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def x25519_public(secret):
    return _raw(X25519PrivateKey.from_private_bytes(secret).public_key())


def dh(secret, public):
    """X25519, failing on an all-zero output (a small-order peer key, 5.5)."""
    try:
        out = X25519PrivateKey.from_private_bytes(secret).exchange(
            X25519PublicKey.from_public_bytes(public))
    except ValueError:  # OpenSSL refuses an all-zero result itself
        raise SessionError("DH output is zero (small-order key)") from None
    if out == bytes(32):
        raise SessionError("DH output is zero (small-order key)")
    return out


def ed25519_public(seed):
    return _raw(Ed25519PrivateKey.from_private_bytes(seed).public_key())


def ed25519_sign(seed, message):
    return Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def offer_id(envelope):
    """7.4: BLAKE2b with a 32-byte output (not a truncated 64-byte one) over the tag and
    the card envelope's bytes."""
    return hashlib.blake2b(PEERMSG_ID_TAG + envelope, digest_size=PEERMSG_ID_LEN).digest()


def handover_sign(seed, handshake_hash):
    """6.3: Ed25519 by the card's key over "wallflower-handover-v2" || h (86 bytes)."""
    return ed25519_sign(seed, SESSION_HANDOVER_TAG + handshake_hash)


def handover_verify(key, handshake_hash, sig):
    """6.3, with the verification rules of proto/card.md section 5."""
    return cards.ed25519_verify(key, SESSION_HANDOVER_TAG + handshake_hash, sig)


# ---------------------------------------------------------------------------------------
# Noise (sections 5.3 and 5.4)


class CipherState:
    """A ChaCha20-Poly1305 key and its nonce counter; without a key it passes bytes on,
    which is how message 1's empty payload is "encrypted" (5.3, step 2)."""

    def __init__(self, key=None):
        self.key = key
        self.n = 0

    def _nonce(self):
        if self.n >= NONCE_RESERVED:
            raise SessionError("cipher state spent")
        return bytes(4) + self.n.to_bytes(8, "little")

    def encrypt(self, ad, plaintext):
        if self.key is None:
            return plaintext
        out = ChaCha20Poly1305(self.key).encrypt(self._nonce(), plaintext, ad)
        self.n += 1
        return out

    def decrypt(self, ad, ciphertext):
        if self.key is None:
            return ciphertext
        if len(ciphertext) < NOISE_TAG:
            raise SessionError("encrypted part shorter than its tag")
        try:
            out = ChaCha20Poly1305(self.key).decrypt(self._nonce(), ciphertext, ad)
        except InvalidTag:
            raise SessionError("does not authenticate") from None
        self.n += 1
        return out


class SymmetricState:
    """Noise's h, ck and handshake cipher state."""

    def __init__(self, prologue):
        # The name (33 bytes) is shorter than HASHLEN, so it is padded, not hashed.
        self.h = NOISE_PROTOCOL.ljust(HASHLEN, b"\x00")
        self.ck = self.h
        self.cipher = CipherState()
        self.mix_hash(prologue)

    def mix_hash(self, data):
        self.h = hash64(self.h + data)

    def mix_key(self, ikm):
        self.ck, temp = hkdf(self.ck, ikm)
        self.cipher = CipherState(temp[:32])

    def encrypt_and_hash(self, plaintext):
        ciphertext = self.cipher.encrypt(self.h, plaintext)
        self.mix_hash(ciphertext)
        return ciphertext

    def decrypt_and_hash(self, ciphertext):
        plaintext = self.cipher.decrypt(self.h, ciphertext)
        self.mix_hash(ciphertext)
        return plaintext

    def split(self):
        k1, k2 = hkdf(self.ck, b"")
        return CipherState(k1[:32]), CipherState(k2[:32])


class Handshake:
    """One side of XX between presence keys: -> e; <- e, ee, s, es; -> s, se. Every
    payload is empty (5.3), so every message has exactly one length (5.5)."""

    def __init__(self, presence_secret, ephemeral_secret, prologue=SESSION_PROLOGUE):
        self.sym = SymmetricState(prologue)
        self.s = presence_secret
        self.s_pub = x25519_public(presence_secret)
        self.e = ephemeral_secret
        self.e_pub = x25519_public(ephemeral_secret)
        self.re = None
        self.rs = None  # the peer's presence key, once authenticated

    # initiator

    def write_message_1(self):
        self.sym.mix_hash(self.e_pub)
        return self.e_pub + self.sym.encrypt_and_hash(b"")  # MixHash of the empty payload

    def read_message_2(self, msg, expected_rs=None):
        """Reads message 2; self.rs is then the responder's authenticated presence key. With
        expected_rs (6.2, a known key), a different key fails before message 3."""
        if len(msg) != MSG2_LEN:
            raise SessionError(f"message 2 is {len(msg)} bytes, not {MSG2_LEN}")
        self.re = msg[:32]
        self.sym.mix_hash(self.re)
        self.sym.mix_key(dh(self.e, self.re))  # ee
        rs = self.sym.decrypt_and_hash(msg[32:80])
        self.sym.mix_key(dh(self.e, rs))  # es
        if self.sym.decrypt_and_hash(msg[80:]) != b"":
            raise SessionError("message 2 carries a payload")  # cannot happen at 96 bytes
        self.rs = rs
        if expected_rs is not None and not hmac.compare_digest(rs, expected_rs):
            raise SessionError("the responder is not the expected presence key")

    def write_message_3(self):
        c_s = self.sym.encrypt_and_hash(self.s_pub)
        self.sym.mix_key(dh(self.s, self.re))  # se
        return c_s + self.sym.encrypt_and_hash(b"")

    # responder

    def read_message_1(self, msg):
        if len(msg) != MSG1_LEN:
            raise SessionError(f"message 1 is {len(msg)} bytes, not {MSG1_LEN}")
        self.re = msg[:32]
        self.sym.mix_hash(self.re)
        self.sym.decrypt_and_hash(b"")

    def write_message_2(self):
        self.sym.mix_hash(self.e_pub)
        self.sym.mix_key(dh(self.e, self.re))  # ee: a small-order initiator e fails here
        c_s = self.sym.encrypt_and_hash(self.s_pub)
        self.sym.mix_key(dh(self.s, self.re))  # es
        return self.e_pub + c_s + self.sym.encrypt_and_hash(b"")

    def read_message_3(self, msg):
        """Reads message 3; self.rs is then the initiator's authenticated presence key."""
        if len(msg) != MSG3_LEN:
            raise SessionError(f"message 3 is {len(msg)} bytes, not {MSG3_LEN}")
        rs = self.sym.decrypt_and_hash(msg[:48])
        self.sym.mix_key(dh(self.e, rs))  # se
        self.sym.decrypt_and_hash(msg[48:])
        self.rs = rs

    def split(self):
        """(initiator->responder, responder->initiator) cipher states, the handshake hash;
        the secrets are dropped (5.4)."""
        out = self.sym.split()
        handshake_hash = self.sym.h
        self.s = self.e = None
        self.sym.ck = None
        self.sym.cipher = None
        return out[0], out[1], handshake_hash


# ---------------------------------------------------------------------------------------
# Framing (section 4)


def frame(message):
    if not 1 <= len(message) <= SESSION_FRAME_MAX:
        raise SessionError("frame length out of range")
    return len(message).to_bytes(2, "big") + message


class Inbox:
    """Bytes received so far, split into frames one at a time; bytes of a following frame
    stay for the next step (section 4)."""

    def __init__(self):
        self.buf = b""

    def feed(self, data):
        self.buf += data

    def next_message(self):
        """The next whole message, or None until all its bytes are here."""
        if len(self.buf) < 2:
            return None
        length = int.from_bytes(self.buf[:2], "big")
        # Judged on the two length bytes alone, before any body byte is awaited.
        if not 1 <= length <= SESSION_FRAME_MAX:
            raise SessionError("frame length out of range")
        if len(self.buf) < 2 + length:
            return None
        message, self.buf = self.buf[2:2 + length], self.buf[2 + length:]
        return message

    def receive(self, sock, timeout, got=None):
        """The next message read from sock within timeout seconds (for live peers, not the
        transcripts); each chunk read is also appended to got when given. SessionError when
        none comes in time or the peer closes first."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.next_message()
            if message is not None:
                return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise SessionError("no frame within %.0f s" % timeout)
            sock.settimeout(left)
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                data = b""
            if not data:
                raise SessionError("the peer closed the connection without a frame")
            if got is not None:
                got.append(data)
            self.feed(data)

    def require_message(self):
        message = self.next_message()
        if message is None:
            raise SessionError("frame incomplete")
        return message


# ---------------------------------------------------------------------------------------
# Application messages (section 7)


class MessageError(Exception):
    """outcome is 'malformed' (code 1) or 'unsupported' (code 2)."""

    def __init__(self, outcome, why):
        super().__init__(f"{outcome}: {why}")
        self.outcome = outcome
        self.code = MALFORMED if outcome == "malformed" else UNSUPPORTED


def _malformed(why):
    return MessageError("malformed", why)


def _text_field(entries, key, limit, required):
    """A text field without line feed of 1 to limit bytes; returns str or None."""
    if key not in entries:
        if required:
            raise _malformed(f"{key} missing")
        return None
    value = entries[key]
    if not isinstance(value, Str) or cards.text_verdict(value, limit, allow_lf=False):
        raise _malformed(f"{key} is not text of 1 to {limit} bytes")
    return value.decode("utf-8")


def _bin_field(entries, key, low, high):
    value = entries.get(key)
    if not isinstance(value, Bin) or not low <= len(value) <= high:
        size = f"{low}" if low == high else f"{low} to {high}"
        raise _malformed(f"{key} is not a byte string of {size} bytes")
    return bytes(value)


def _uint_field(entries, key, low, high):
    value = entries.get(key)
    if not cards.is_uint(value) or not low <= value <= high:
        raise _malformed(f"{key} is not a uint of {low} to {high}")
    return value


def _request_fields(entries):
    """card, sig and rk, common to offer and card (7.2): shape only."""
    return {"card": _bin_field(entries, "card", 1, CARD_BYTES_MAX),
            "sig": _bin_field(entries, "sig", PEERMSG_SIG_LEN, PEERMSG_SIG_LEN),
            "rk": _bin_field(entries, "rk", PEERMSG_RK_LEN, PEERMSG_RK_LEN)}


def _offer_fields(entries):
    out = _request_fields(entries)
    note = _text_field(entries, "note", PEERMSG_NOTE_MAX, required=False)
    if note is not None:
        out["note"] = note
    if not cards.is_bool(entries.get("reply")):
        raise _malformed("reply is not a boolean")
    out["reply"] = entries["reply"]
    if out["reply"]:  # with reply false, port is ignored like an unknown key
        out["port"] = _uint_field(entries, "port", 1, 65535)
    return out


def _card_msg_fields(entries):
    out = _request_fields(entries)
    out["re"] = _bin_field(entries, "re", PEERMSG_ID_LEN, PEERMSG_ID_LEN)
    return out


def _error_fields(entries):
    out = {"code": _uint_field(entries, "code", 1, 65535)}
    msg = _text_field(entries, "msg", PEERMSG_TEXT_MAX, required=False)
    if msg is not None:
        out["msg"] = msg
    return out


def _verify_fields(entries):
    """verify (7.2): key, sig and commit, shape only; sig is checked by the session (9.7)."""
    return {"key": _bin_field(entries, "key", PEERMSG_KEY_LEN, PEERMSG_KEY_LEN),
            "sig": _bin_field(entries, "sig", PEERMSG_SIG_LEN, PEERMSG_SIG_LEN),
            "commit": _bin_field(entries, "commit", SAS_NONCE, SAS_NONCE)}


def _verify_nonce_fields(entries):
    return {"key": _bin_field(entries, "key", PEERMSG_KEY_LEN, PEERMSG_KEY_LEN),
            "sig": _bin_field(entries, "sig", PEERMSG_SIG_LEN, PEERMSG_SIG_LEN),
            "nonce": _bin_field(entries, "nonce", SAS_NONCE, SAS_NONCE)}


def _verify_open_fields(entries):
    return {"nonce": _bin_field(entries, "nonce", SAS_NONCE, SAS_NONCE)}


FIELD_CHECKS = {
    "offer": _offer_fields,
    "card": _card_msg_fields,
    "ack": lambda entries: {},
    "error": _error_fields,
    "verify": _verify_fields,
    "verify-nonce": _verify_nonce_fields,
    "verify-open": _verify_open_fields,
}


def _message_entries(plaintext):
    """Steps 1 to 5 of 7.1: the map's entries as {key: value}."""
    if len(plaintext) > PEERMSG_MAX:
        raise _malformed("plaintext too long")
    try:
        cards.walk(plaintext, PEERMSG_DEPTH_MAX)
    except WalkError as e:
        raise _malformed(e.token) from None
    doc = cards.decode(plaintext)
    if not isinstance(doc, Map):
        raise _malformed("not a map")
    if len(doc) > PEERMSG_KEYS_MAX:
        raise _malformed("too many entries")
    entries = {}
    for key, value in doc:
        if not isinstance(key, Str) or cards.text_verdict(key, PEERMSG_KEY_MAX, False):
            raise _malformed("bad key")
        name = key.decode("utf-8")
        if name in entries:
            raise _malformed("duplicate key")
        entries[name] = value
    return entries


def decode_message(plaintext):
    """7.1 in order: return (type, fields) or raise MessageError."""
    entries = _message_entries(plaintext)
    kind = entries.get("t")
    if not isinstance(kind, Str):
        raise _malformed("t missing or not a string")
    kind = bytes(kind)
    names = {name.encode(): name for name in FIELD_CHECKS}
    if kind not in names:  # exact bytes: no case folding, no normalisation
        raise MessageError("unsupported", "unknown t")
    kind = names[kind]
    return kind, FIELD_CHECKS[kind](entries)


# Encoding (7.3): the shortest forms, the fixed key order.


def enc_str(data):
    n = len(data)
    if n < 32:
        return bytes([0xA0 | n]) + data
    if n < 256:
        return b"\xd9" + bytes([n]) + data
    return b"\xda" + n.to_bytes(2, "big") + data


def enc_bin(data):
    n = len(data)
    if n < 256:
        return b"\xc4" + bytes([n]) + data
    return b"\xc5" + n.to_bytes(2, "big") + data


def enc_uint(n):
    """The shortest msgpack form of an unsigned integer (any 64-bit value)."""
    if n < 128:
        return bytes([n])
    if n < 256:
        return b"\xcc" + bytes([n])
    if n < 65536:
        return b"\xcd" + n.to_bytes(2, "big")
    if n < 2**32:
        return b"\xce" + n.to_bytes(4, "big")
    return b"\xcf" + n.to_bytes(8, "big")


def enc_bool(value):
    return b"\xc3" if value else b"\xc2"


def enc_map(entries):
    """A map of (key bytes, encoded value) in the given order, in its shortest form (a
    message of 7.3 is always a fixmap; hostile peers make longer ones)."""
    n = len(entries)
    head = bytes([0x80 | n]) if n < 16 else b"\xde" + n.to_bytes(2, "big")
    return head + b"".join(enc_str(k) + v for k, v in entries)


def encode_message(kind, fields):
    """Keys of the type only, t first, in the order of 7.3. fields holds the values as
    decode_message returns them."""
    entries = [(b"t", enc_str(kind.encode()))]
    if kind in ("offer", "card"):
        entries += [(b"card", enc_bin(fields["card"])), (b"sig", enc_bin(fields["sig"])),
                    (b"rk", enc_bin(fields["rk"]))]
    if kind == "offer":
        if "note" in fields:
            entries.append((b"note", enc_str(fields["note"].encode())))
        entries.append((b"reply", enc_bool(fields["reply"])))
        if fields["reply"]:
            entries.append((b"port", enc_uint(fields["port"])))
    elif kind == "card":
        entries.append((b"re", enc_bin(fields["re"])))
    elif kind == "error":
        entries.append((b"code", enc_uint(fields["code"])))
        if "msg" in fields:
            entries.append((b"msg", enc_str(fields["msg"].encode())))
    elif kind == "verify":
        entries += [(b"key", enc_bin(fields["key"])), (b"sig", enc_bin(fields["sig"])),
                    (b"commit", enc_bin(fields["commit"]))]
    elif kind == "verify-nonce":
        entries += [(b"key", enc_bin(fields["key"])), (b"sig", enc_bin(fields["sig"])),
                    (b"nonce", enc_bin(fields["nonce"]))]
    elif kind == "verify-open":
        entries.append((b"nonce", enc_bin(fields["nonce"])))
    return enc_map(entries)


def make_request(kind, sign_seed, handshake_hash, card, rk, **fields):
    """An `offer` or `card` plaintext, signed for this session (6.3, 9.1): fields are note,
    reply and port for an offer, re for a card."""
    fields = dict(fields, card=card, rk=rk, sig=handover_sign(sign_seed, handshake_hash))
    return encode_message(kind, fields)


class Refusal(Exception):
    """A request the responder answers with an error (10.2): code is that of section 8."""

    def __init__(self, code, why):
        super().__init__(f"{CODE_NAMES.get(code, code)}: {why}")
        self.code = code


def check_request(plaintext, handshake_hash, now=None):
    """What a responder checks of a request that carries a card, in the order of 7.1, 7.2
    and 9.2. Returns (kind, fields, identity, card) or raises Refusal with the code to
    answer. A `verify` is refused here as not carrying a card: check_verify.py's responder
    takes it (9.7)."""
    try:
        kind, fields = decode_message(plaintext)
    except MessageError as e:
        raise Refusal(e.code, str(e)) from None
    if kind not in ("offer", "card"):
        raise Refusal(UNSUPPORTED, f"{kind} is not a request")
    try:
        card = cards.decode_card(fields["card"], now)
    except cards.CardError as e:
        raise Refusal(BAD_CARD, e.verdict) from None
    if not handover_verify(card.key, handshake_hash, fields["sig"]):
        raise Refusal(NOT_YOURS, "sig does not verify under the card's key over h")
    return kind, fields, card.key, card


def make_card(seed, name, issued, rev=1, extra=()):
    """A card envelope (proto/card.md 4, 5, 7.4): v, key, rev, issued, name, then extra
    (key bytes, encoded value) pairs, which the caller gives in canonical order."""
    entries = [(b"v", enc_uint(1)), (b"key", enc_bin(ed25519_public(seed))),
               (b"rev", enc_uint(rev)), (b"issued", enc_uint(issued)),
               (b"name", enc_str(name.encode()))] + list(extra)
    payload = enc_map(entries)
    return b"\x92" + enc_bin(payload) + enc_bin(ed25519_sign(seed, CARD_SIGN_TAG + payload))


# ---------------------------------------------------------------------------------------
# Replaying a transcript (section 13)


class Party:
    """One side's recorded keys."""

    def __init__(self, keys):
        for name in ("sign_seed", "presence_secret", "ephemeral", "rk", "sign_pk",
                     "presence_pk", "ephemeral_pk"):
            setattr(self, name, bytes.fromhex(keys[name]))


class Replay:
    """Collects the mismatches of one transcript in one role."""

    def __init__(self, transcript, role):
        self.transcript = transcript
        self.role = role
        self.problems = []
        self.steps = [dict(s, frame=bytes.fromhex(s["frame"]), payload=bytes.fromhex(s["payload"]))
                      for s in transcript["steps"]]
        self.me = Party(transcript[role])
        self.peer = Party(transcript["responder" if role == "initiator" else "initiator"])

    def expect(self, what, got, want):
        if got != want:
            self.problems.append(f"{what}: expected {_show(want)}, got {_show(got)}")

    def step(self, index, sender, kinds):
        """The recorded step at index, which must come from sender with one of kinds."""
        if index >= len(self.steps):
            raise SessionError(f"transcript has no step {index + 1}")
        s = self.steps[index]
        if s["from"] != sender or s["kind"] not in kinds:
            raise SessionError(f"step {index + 1} is {s['from']} {s['kind']}, "
                               f"expected {sender} {'/'.join(kinds)}")
        return s

    def check_keys(self):
        """The recorded public keys must derive from the recorded secrets."""
        for who, party in (("my", self.me), ("peer's", self.peer)):
            self.expect(f"{who} sign_pk", ed25519_public(party.sign_seed), party.sign_pk)
            self.expect(f"{who} presence_pk", x25519_public(party.presence_secret),
                        party.presence_pk)
            self.expect(f"{who} ephemeral_pk", x25519_public(party.ephemeral), party.ephemeral_pk)
            self.expect(f"{who} rk length", len(party.rk), PEERMSG_RK_LEN)
        self.expect("prologue", bytes.fromhex(self.transcript["prologue"]), SESSION_PROLOGUE)

    def check_end(self, handshake_hash, rs):
        self.expect("handshake hash", handshake_hash, bytes.fromhex(self.transcript["handshake_hash"]))
        self.expect("peer's presence key", rs, self.peer.presence_pk)
        # 9.1: nothing may follow the answer.
        self.expect("steps after the answer", len(self.steps), 5)


def _show(value):
    return value.hex() if isinstance(value, (bytes, bytearray)) else repr(value)


class Offers:
    """The offers of the transcripts that ask for a card back, as each side keeps them
    (9.4): the id, the offerer's identity and presence key, and the receiver's identity
    and the presence key that received it."""

    def __init__(self, transcripts):
        self.made = []
        for t in transcripts:
            for s in t["steps"]:
                if s["kind"] != "offer":
                    continue
                _, fields = decode_message(bytes.fromhex(s["payload"]))
                if not fields["reply"]:
                    continue
                self.made.append({
                    "id": offer_id(fields["card"]),
                    "offerer": bytes.fromhex(t["initiator"]["sign_pk"]),
                    "offerer_presence": bytes.fromhex(t["initiator"]["presence_pk"]),
                    "receiver": bytes.fromhex(t["responder"]["sign_pk"]),
                    "receiver_presence": bytes.fromhex(t["responder"]["presence_pk"]),
                })

    def received_by(self, identity):
        """What the receiver keeps: the offers it received (in the order made)."""
        return [o for o in self.made if o["receiver"] == identity]

    def made_by(self, identity):
        """What the offerer keeps: the offers it made."""
        return [o for o in self.made if o["offerer"] == identity]


def build_request(replay, handshake_hash, answering):
    """The request the initiator sends: the card and the offer's note, reply and port are
    given (13: taken from the recorded plaintext); sig, rk and a card's re are ours."""
    recorded = replay.step(3, "initiator", ("offer", "card"))
    kind, fields = decode_message(recorded["payload"])
    card = cards.decode_card(fields["card"])
    replay.expect("my card's key", card.key, replay.me.sign_pk)
    extra = {k: fields[k] for k in ("note", "reply", "port") if k in fields}
    if kind == "card":
        extra = {"re": answering["id"]} if answering else {"re": fields["re"]}
    return kind, make_request(kind, replay.me.sign_seed, handshake_hash, fields["card"],
                              replay.me.rk, **extra)


def run_initiator(replay, offers):
    me = replay.me
    hs = Handshake(me.presence_secret, me.ephemeral)
    inbox = Inbox()
    kind = replay.step(3, "initiator", ("offer", "card"))["kind"]

    # A card answers an offer this side received (9.4): it is sent with the presence key
    # that received it, to the offerer's presence key and nobody else.
    answering = None
    if kind == "card":
        received = [o for o in offers.received_by(me.sign_pk) if o["offerer"] == replay.peer.sign_pk]
        if len(received) != 1:
            raise SessionError(f"card request: {len(received)} offers from the peer to answer")
        answering = received[0]
        replay.expect("my presence key is the one that received the offer (9.4)",
                      me.presence_pk, answering["receiver_presence"])

    s = replay.step(0, "initiator", ("handshake-1",))
    replay.expect("handshake-1 frame", frame(hs.write_message_1()), s["frame"])
    replay.expect("handshake-1 payload", s["payload"], b"")

    s = replay.step(1, "responder", ("handshake-2",))
    replay.expect("handshake-2 payload", s["payload"], b"")
    inbox.feed(s["frame"])
    hs.read_message_2(inbox.require_message(),
                      answering["offerer_presence"] if answering else None)

    s = replay.step(2, "initiator", ("handshake-3",))
    replay.expect("handshake-3 payload", s["payload"], b"")
    replay.expect("handshake-3 frame", frame(hs.write_message_3()), s["frame"])
    to_responder, from_responder, handshake_hash = hs.split()

    kind, request = build_request(replay, handshake_hash, answering)
    s = replay.step(3, "initiator", (kind,))
    replay.expect(f"{kind} payload", request, s["payload"])
    replay.expect(f"{kind} frame", frame(to_responder.encrypt(b"", request)), s["frame"])

    s = replay.step(4, "responder", ("ack",))
    inbox.feed(s["frame"])
    answer = from_responder.decrypt(b"", inbox.require_message())
    replay.expect("ack payload", answer, s["payload"])
    try:
        got, _ = decode_message(answer)
        replay.expect("answer type", got, "ack")
    except MessageError as e:
        replay.problems.append(f"answer refused: {e}")
    replay.expect("answer re-encoded per 7.3", encode_message("ack", {}), answer)
    replay.expect("bytes left after the answer", inbox.buf, b"")
    replay.check_end(handshake_hash, hs.rs)


def run_responder(replay, offers):
    me = replay.me
    hs = Handshake(me.presence_secret, me.ephemeral)
    inbox = Inbox()

    s = replay.step(0, "initiator", ("handshake-1",))
    inbox.feed(s["frame"])
    hs.read_message_1(inbox.require_message())

    s = replay.step(1, "responder", ("handshake-2",))
    replay.expect("handshake-2 frame", frame(hs.write_message_2()), s["frame"])

    # Message 3 and the request arrive together, as they usually do on the wire (4).
    s3 = replay.step(2, "initiator", ("handshake-3",))
    s4 = replay.step(3, "initiator", ("offer", "card"))
    inbox.feed(s3["frame"] + s4["frame"])
    hs.read_message_3(inbox.require_message())
    from_initiator, to_initiator, handshake_hash = hs.split()

    request = from_initiator.decrypt(b"", inbox.require_message())
    replay.expect(f"{s4['kind']} payload", request, s4["payload"])
    replay.expect("bytes left after the request", inbox.buf, b"")
    try:
        kind, fields, identity, _ = check_request(request, handshake_hash)
    except Refusal as e:
        replay.problems.append(f"request refused: {e}")
        return
    replay.expect("request type", kind, s4["kind"])
    replay.expect("request re-encoded per 7.3", encode_message(kind, fields), request)
    replay.expect("initiator identity (the card's key)", identity, replay.peer.sign_pk)
    replay.expect("initiator rk", fields["rk"], replay.peer.rk)
    if kind == "card":
        # 9.4: taken as the answer to an offer only if I made an offer whose id is re, and
        # the initiator's presence key is the one that received it.
        mine = [o for o in offers.made_by(me.sign_pk) if o["id"] == fields["re"]]
        replay.expect("card re names an offer I made", len(mine), 1)
        if mine:
            replay.expect("card comes from the presence key that received the offer",
                          hs.rs, mine[0]["receiver_presence"])
            replay.expect("card comes from the identity the offer went to",
                          identity, mine[0]["receiver"])

    s = replay.step(4, "responder", ("ack",))
    answer = encode_message("ack", {})
    replay.expect("ack payload", answer, s["payload"])
    replay.expect("ack frame", frame(to_initiator.encrypt(b"", answer)), s["frame"])
    replay.check_end(handshake_hash, hs.rs)


def replay_transcript(transcript, role, offers):
    try:
        replay = Replay(transcript, role)
    except (KeyError, ValueError, TypeError) as e:
        return [f"cannot read the transcript: {e!r}"]
    try:
        replay.check_keys()
        (run_initiator if role == "initiator" else run_responder)(replay, offers)
    except (SessionError, MessageError, cards.CardError) as e:
        replay.problems.append(f"session failed: {e!r}")
    return replay.problems


# ---------------------------------------------------------------------------------------
# Refusals built from the transcripts (sections 5.5, 6.2, 6.3, 9.2)


def _refused(what, fn, want_code=None):
    """fn must raise: Refusal with want_code, or SessionError when want_code is None."""
    try:
        fn()
    except Refusal as e:
        if want_code is not None and e.code == want_code:
            return []
        return [f"{what}: refused with {e.code}, wanted {want_code}"]
    except SessionError:
        if want_code is None:
            return []
        return [f"{what}: session failed, wanted a refusal with {want_code}"]
    return [f"{what}: accepted"]


def check_refusals(transcripts):
    """Mismatches, as a list, of what a responder and an initiator must refuse."""
    problems = []
    for t in transcripts:
        ini, res = Party(t["initiator"]), Party(t["responder"])
        h = bytes.fromhex(t["handshake_hash"])
        request = bytes.fromhex(t["steps"][3]["payload"])
        kind, fields = decode_message(request)
        others = [o for o in transcripts if o is not t]

        # 6.3 / 12: a request relayed into another session (another h) is not-yours.
        for o in others:
            other_h = bytes.fromhex(o["handshake_hash"])
            problems += _refused(f"{t['name']}: request relayed into {o['name']}'s session",
                                 lambda: check_request(request, other_h), NOT_YOURS)
        # 9.2: someone else's valid card, signed over this h by the sender: not-yours.
        for o in others:
            other_card = decode_message(bytes.fromhex(o["steps"][3]["payload"]))[1]["card"]
            if cards.decode_card(other_card).key == ini.sign_pk:
                continue
            forged = encode_message(kind, dict(fields, card=other_card,
                                               sig=handover_sign(ini.sign_seed, h)))
            problems += _refused(f"{t['name']}: someone else's card",
                                 lambda: check_request(forged, h), NOT_YOURS)
        # The sig's last bit flipped: not-yours. A card byte flipped: bad-card.
        def flip(data):
            return data[:-1] + bytes([data[-1] ^ 1])
        name = t["name"]
        bad_sig = encode_message(kind, dict(fields, sig=flip(fields["sig"])))
        problems += _refused(f"{name}: sig flipped", lambda: check_request(bad_sig, h), NOT_YOURS)
        bad_card = encode_message(kind, dict(fields, card=flip(fields["card"])))
        problems += _refused(f"{name}: card flipped", lambda: check_request(bad_card, h), BAD_CARD)
        # 9.2 step 3: a sig over h without the tag is no handover signature.
        untagged = encode_message(kind, dict(fields, sig=ed25519_sign(ini.sign_seed, h)))
        problems += _refused(f"{name}: sig without the tag",
                             lambda: check_request(untagged, h), NOT_YOURS)
        # 7.2: a request without rk, or with an rk of 31 bytes: malformed.
        for what, entries in (("without rk", {k: v for k, v in fields.items() if k != "rk"}),
                              ("rk of 31 bytes", dict(fields, rk=fields["rk"][:31]))):
            def enc(entries=entries):
                out = [(b"t", enc_str(kind.encode()))]
                for k, v in entries.items():
                    out.append((k.encode(), enc_bool(v) if isinstance(v, bool) else
                                enc_uint(v) if isinstance(v, int) else
                                enc_str(v.encode()) if isinstance(v, str) else enc_bin(v)))
                return enc_map(out)
            problems += _refused(f"{t['name']}: {what}", lambda: check_request(enc(), h), MALFORMED)
        # 9.1: an ack is not a request.
        problems += _refused(f"{t['name']}: ack as a request",
                             lambda: check_request(encode_message("ack", {}), h), UNSUPPORTED)

        # 5.5: message 2 with one byte more (a payload) fails the initiator; message 1 with
        # a byte more fails the responder; the version-1 prologue fails on message 2.
        def msg2_with(extra, expected=None, prologue=SESSION_PROLOGUE):
            hs = Handshake(ini.presence_secret, ini.ephemeral, prologue)
            hs.write_message_1()
            hs.read_message_2(bytes.fromhex(t["steps"][1]["frame"])[2:] + extra, expected)
        problems += _refused(f"{t['name']}: message 2 with a payload byte", lambda: msg2_with(b"\x00"))
        problems += _refused(f"{t['name']}: message 2 under prologue wallflower/1",
                             lambda: msg2_with(b"", prologue=b"wallflower/1"))
        # 6.2: an expected responder other than the one that answers: no message 3.
        problems += _refused(f"{t['name']}: unexpected responder",
                             lambda: msg2_with(b"", expected=ini.presence_pk))

        def msg1_with(extra):
            hs = Handshake(res.presence_secret, res.ephemeral)
            hs.read_message_1(bytes.fromhex(t["steps"][0]["frame"])[2:] + extra)
        problems += _refused(f"{t['name']}: message 1 with a payload byte", lambda: msg1_with(b"\x00"))
    # 5.5: a small-order initiator ephemeral fails the responder's message 2.
    t = transcripts[0]
    res = Party(t["responder"])

    def small_order():
        hs = Handshake(res.presence_secret, res.ephemeral)
        hs.read_message_1(bytes(32))
        hs.write_message_2()
    problems += _refused("a small-order (zero) ephemeral", small_order)
    return problems


def _topics(items):
    return bytes([0x90 | len(items)]) + b"".join(enc_str(t.encode()) for t in items)


def check_section_13(transcripts):
    """The transcripts are the exchanges section 13 describes: who, with which card, note,
    reply and port, and each party with the same keys in both."""
    problems = []

    def expect(what, got, want):
        if got != want:
            problems.append(f"{what}: expected {_show(want)}, got {_show(got)}")

    by_name = {t["name"]: t for t in transcripts}
    if set(by_name) != {"offer-ack", "card-ack"}:
        return [f"expected the transcripts offer-ack and card-ack, got {sorted(by_name)}"]
    ada_seed, bo_seed = bytes(range(0x00, 0x20)), bytes(range(0x80, 0xA0))
    offer, back = by_name["offer-ack"], by_name["card-ack"]
    for t, ini, res in ((offer, ada_seed, bo_seed), (back, bo_seed, ada_seed)):
        expect(f"{t['name']}: initiator's seed", bytes.fromhex(t["initiator"]["sign_seed"]), ini)
        expect(f"{t['name']}: responder's seed", bytes.fromhex(t["responder"]["sign_seed"]), res)
        expect(f"{t['name']}: step kinds", [(s["from"], s["kind"]) for s in t["steps"]],
               [("initiator", "handshake-1"), ("responder", "handshake-2"),
                ("initiator", "handshake-3"),
                ("initiator", "offer" if t is offer else "card"), ("responder", "ack")])
    for who, a, b in (("Ada", offer["initiator"], back["responder"]),
                      ("Bo", offer["responder"], back["initiator"])):
        for key in ("presence_secret", "ephemeral", "rk"):
            expect(f"{who}'s {key} in both transcripts", a[key], b[key])

    kind, fields = decode_message(bytes.fromhex(offer["steps"][3]["payload"]))
    expect("offer-ack: note", fields.get("note"), "Enjoyed your question about wikis")
    expect("offer-ack: reply", fields.get("reply"), True)
    expect("offer-ack: port", fields.get("port"), 47001)
    # Ada's card is fully described (name, topics, rev and issued), so card.md 7.4 and
    # deterministic Ed25519 make it byte for byte.
    ada_card = make_card(ada_seed, "Ada Lovelace", 1790000000, rev=1790000000,
                         extra=[(b"topics", _topics(["intranets"]))])
    expect("offer-ack: Ada's card, made from section 13's description", fields["card"], ada_card)
    _, fields = decode_message(bytes.fromhex(back["steps"][3]["payload"]))
    card = cards.decode_card(fields["card"])
    expect("card-ack: Bo's card", card.fields, {"name": "Bo Bartlett",
                                                "topics": ["knowledge management"]})
    expect("card-ack: re is the id of Ada's offer", fields["re"], offer_id(ada_card))
    return problems


def check_section_14(transcripts):
    """The bytes the worked example of section 14 shows, found in `offer-ack`: each shown
    excerpt (start ... end) must be where the text says, so that the example cannot drift
    from the file again."""
    t = {x["name"]: x for x in transcripts}.get("offer-ack")
    if t is None:
        return ["no offer-ack transcript"]
    frames = [bytes.fromhex(s["frame"]) for s in t["steps"]]
    m1, m2, m3 = (f[2:] for f in frames[:3])
    request = bytes.fromhex(t["steps"][3]["payload"])
    h = bytes.fromhex(t["handshake_hash"])
    problems = []

    def shown(what, data, text):
        """text is "aa bb ... cc dd" (head and tail) or whole bytes."""
        head, _, tail = text.partition(" ... ")
        head, tail = bytes.fromhex(head), bytes.fromhex(tail)
        if not (data.startswith(head) and data.endswith(tail)):
            problems.append(f"{what}: section 14 shows {text}, the file has {data.hex(' ')}")

    try:
        _, fields = decode_message(request)
        key = cards.decode_card(fields["card"]).key
    except (MessageError, cards.CardError) as e:
        return [f"offer-ack's request: {e!r}"]
    for what, got, want in (("frame lengths (34, 98, 66, 364, 25)", [len(f) for f in frames],
                             [34, 98, 66, 364, 25]),
                            ("offer plaintext length (346)", len(request), 346),
                            ("card length (168)", len(fields["card"]), 168)):
        if got != want:
            problems.append(f"{what}: the file has {got}")
    shown("message 1", frames[0], "00 20 79 a6 31 ee de 1b f9 c9 8f 12 03 2c de ad d0 e7 a0 79 "
          "39 8f c7 86 b8 8c c8 46 ec 89 af 85 a5 1a")
    shown("message 2: e", m2[:32], "dc 2c ca 31 ... 30 c3 5d 44")
    shown("message 2: s", m2[32:80], "6f d6 eb d0 ... 8c 3e 77 78")
    shown("message 2: tag", m2[80:], "8f 71 3e 9b ... 30 08 aa ab")
    shown("Bo's presence key", bytes.fromhex(t["responder"]["presence_pk"]),
          "60 5a 72 5d ... f8 05 d2 3c")
    shown("message 3: s", m3[:48], "3d 33 2d c0 ... 63 09 35 d7")
    shown("handshake hash", h, "23 3b 3d 62 ... a8 bb cd")
    shown("request start", request[:8], "87 a1 74 a5 6f 66 66 65")
    shown("sig", fields["sig"][:3], "c2 be 14")
    shown("rk", fields["rk"][:4], "60 61 62 63")
    shown("card start", fields["card"][:3], "92 c4 63")
    shown("Ada's identity", key[:4], "03 a1 07 bf")
    shown("request frame start", frames[3][:2], "01 6a")
    shown("ack frame", frames[4], "00 17 68 a6 20 37 0b ac f5 ca 00 99 d2 9f 67 2e e5 e5 a3 a7 "
          "b3 4c 82 27 64")
    return problems


def check_constants():
    """The lengths and bytes that sections 2, 5.3, 7.3 and 12 state, recomputed."""
    problems = []
    for what, got, want in (
            ("NOISE_PROTOCOL length (2)", len(NOISE_PROTOCOL), 33),
            ("SESSION_PROLOGUE bytes (2)", SESSION_PROLOGUE.hex(), "77616c6c666c6f7765722f32"),
            ("SESSION_HANDOVER_TAG length (2)", len(SESSION_HANDOVER_TAG), 22),
            ("PEERMSG_ID_TAG length (2)", len(PEERMSG_ID_TAG), 22),
            ("handover message length (6.3)", len(SESSION_HANDOVER_TAG + bytes(HASHLEN)), 86),
            ("SESSION_FRAME_MAX (2)", SESSION_FRAME_MAX, PEERMSG_MAX + NOISE_TAG),
            ("handshake frames on the wire (12)", [2 + MSG1_LEN, 2 + MSG2_LEN, 2 + MSG3_LEN],
             [34, 98, 66]),
            ("ack (7.3)", encode_message("ack", {}).hex(), "81a174a361636b"),
            ("error 5 (7.3)", encode_message("error", {"code": 5}).hex(),
             "82a174a56572726f72a4636f646505"),
            ("ack frame on the wire (12)", 2 + len(encode_message("ack", {})) + NOISE_TAG, 25)):
        if got != want:
            problems.append(f"{what}: expected {_show(want)}, got {_show(got)}")
    return problems


def main(argv):
    cards.require_cryptography()
    path = os.path.join(cards.source_root(argv), "proto", "vectors", "session-transcripts.json")
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    transcripts = doc["transcripts"]
    passed = failed = 0

    def count(name, problems):
        nonlocal passed, failed
        for problem in problems:
            print(f"session: {name}: {problem}")
        if problems:
            failed += 1
        else:
            passed += 1

    count("constants", check_constants())
    meta = doc.get("_meta", {})
    count("_meta", [f"_meta lacks {k}" for k in ("description", "generator", "licence")
                    if k not in meta])
    try:
        count("section 14", check_section_14(transcripts))
    except (KeyError, ValueError, IndexError) as e:
        count("section 14", [f"cannot read the transcripts: {e!r}"])
    try:
        count("section 13", check_section_13(transcripts))
    except (MessageError, cards.CardError, KeyError, ValueError, IndexError) as e:
        count("section 13", [f"cannot read the transcripts: {e!r}"])
    try:
        offers = Offers(transcripts)
    except (MessageError, KeyError, ValueError) as e:
        count("offers", [f"cannot read the offers: {e!r}"])
        offers = Offers([])
    for transcript in transcripts:
        for role in ("initiator", "responder"):
            count(f"{transcript['name']} as {role}", replay_transcript(transcript, role, offers))
    try:
        count("refusals", check_refusals(transcripts))
    except (SessionError, MessageError, cards.CardError, KeyError, ValueError) as e:
        count("refusals", [f"could not build them: {e!r}"])
    print(f"session: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
