#!/usr/bin/env python3
"""A second, independent implementation of the wallflower session protocol
(proto/session.md), replaying proto/vectors/session-transcripts.json.

Written from the specification alone, not from src/lib: Noise_XX_25519_ChaChaPoly_BLAKE2b
(hashlib BLAKE2b, hmac, and X25519 / ChaCha20-Poly1305 from `cryptography`), the framing,
the hello and the application messages. For every transcript it plays the initiator and
then the responder with the recorded keys, and requires every frame it writes to equal
the recorded one and every recorded frame of the other side to be accepted. Cards are
checked with the decoder of check_cards.py, so both specifications are exercised together.

Usage: check_session.py [SOURCE_ROOT]
Exit status: 0 when every transcript passes in both roles, 1 otherwise, 77 (skip) without
cryptography.
"""

import hashlib
import hmac
import json
import os
import sys

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
SESSION_PROLOGUE = b"wallflower/1"
PEERMSG_MAX = 4608
SESSION_FRAME_MAX = 4624
NOISE_TAG = 16
HASHLEN = 64
IDENTITY_BINDING_TAG = b"wallflower-noise-static-v1"
PEERMSG_ID_TAG = b"wallflower-offer-id-v1"
PEERMSG_KEYS_MAX = 16
PEERMSG_KEY_MAX = 16
PEERMSG_DEPTH_MAX = 4
PEERMSG_NOTE_MAX = 280
PEERMSG_TEXT_MAX = 200
CARD_BYTES_MAX = 4096
NONCE_RESERVED = 2**64 - 1  # 5.4: never used; a cipher state that reaches it is spent

# Section 13 names the id of the offer made in `offer-ack`; the `card-ack` transcript must
# carry it in `re`. Checked against our own computation of 7.4.
SPEC_OFFER_ID = bytes.fromhex("9e22468025136ab541519bcb80443efc0ed57bc53cdfcb1215b68513a4e28cb3")


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
    """7.4: BLAKE2b with a 32-byte output (not a truncated 64-byte one)."""
    return hashlib.blake2b(PEERMSG_ID_TAG + envelope, digest_size=32).digest()


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
    """One side of XX: -> e; <- e, ee, s, es; -> s, se."""

    MSG2_MIN = 32 + 48 + NOISE_TAG  # e, encrypted s, tag of the payload
    MSG3_MIN = 48 + NOISE_TAG

    def __init__(self, static_secret, ephemeral_secret, prologue=SESSION_PROLOGUE):
        self.sym = SymmetricState(prologue)
        self.s = static_secret
        self.s_pub = x25519_public(static_secret)
        self.e = ephemeral_secret
        self.e_pub = x25519_public(ephemeral_secret)
        self.re = None
        self.rs = None

    # initiator

    def write_message_1(self):
        self.sym.mix_hash(self.e_pub)
        return self.e_pub + self.sym.encrypt_and_hash(b"")  # MixHash of the empty payload

    def read_message_2(self, msg):
        """Return the responder's hello (payload); self.rs is then authenticated."""
        if len(msg) < self.MSG2_MIN:
            raise SessionError("message 2 too short")
        self.re = msg[:32]
        self.sym.mix_hash(self.re)
        self.sym.mix_key(dh(self.e, self.re))  # ee
        self.rs = self.sym.decrypt_and_hash(msg[32:80])
        self.sym.mix_key(dh(self.e, self.rs))  # es
        return self.sym.decrypt_and_hash(msg[80:])

    def write_message_3(self, payload):
        c_s = self.sym.encrypt_and_hash(self.s_pub)
        self.sym.mix_key(dh(self.s, self.re))  # se
        return c_s + self.sym.encrypt_and_hash(payload)

    # responder

    def read_message_1(self, msg):
        if len(msg) < 32:
            raise SessionError("message 1 too short")
        if len(msg) > 32:  # 6.1: the payload of message 1 must be empty
            raise SessionError("message 1 carries a payload")
        self.re = msg[:32]
        self.sym.mix_hash(self.re)
        self.sym.decrypt_and_hash(b"")

    def write_message_2(self, payload):
        self.sym.mix_hash(self.e_pub)
        self.sym.mix_key(dh(self.e, self.re))  # ee: a small-order initiator e fails here
        c_s = self.sym.encrypt_and_hash(self.s_pub)
        self.sym.mix_key(dh(self.s, self.re))  # es
        return self.e_pub + c_s + self.sym.encrypt_and_hash(payload)

    def read_message_3(self, msg):
        """Return the initiator's hello; self.rs is then authenticated."""
        if len(msg) < self.MSG3_MIN:
            raise SessionError("message 3 too short")
        self.rs = self.sym.decrypt_and_hash(msg[:48])
        self.sym.mix_key(dh(self.e, self.rs))  # se
        return self.sym.decrypt_and_hash(msg[48:])

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

    def require_message(self):
        message = self.next_message()
        if message is None:
            raise SessionError("frame incomplete")
        return message


# ---------------------------------------------------------------------------------------
# The hello (section 6)


def encode_hello(identity, binding):
    """6.2: fixmap of 2, id first, fixstr keys, bin8 values: 108 bytes."""
    return b"\x82\xa2id\xc4\x20" + identity + b"\xa3sig\xc4\x40" + binding


def make_hello(sign_seed, static_public):
    binding = ed25519_sign(sign_seed, IDENTITY_BINDING_TAG + static_public)
    return encode_hello(ed25519_public(sign_seed), binding)


def check_hello(payload, rs):
    """6.1: return the peer's identity, or raise."""
    try:
        cards.walk(payload, max_depth=1)  # the map itself is depth 1: nothing nests in it
    except WalkError as e:
        raise SessionError(f"hello: {e.token}") from None
    doc = cards.decode(payload)
    if not isinstance(doc, Map) or len(doc) != 2:
        raise SessionError("hello is not a map of two entries")
    entries = {}
    for key, value in doc:
        if not isinstance(key, Str) or not isinstance(value, Bin):
            raise SessionError("hello key or value of the wrong type")
        entries[bytes(key)] = bytes(value)
    # Two entries and exactly these two keys: a repeated or third key cannot pass.
    if set(entries) != {b"id", b"sig"} or len(entries[b"id"]) != 32 or len(entries[b"sig"]) != 64:
        raise SessionError("hello lacks id (32 bytes) or sig (64 bytes)")
    if not cards.ed25519_verify(entries[b"id"], IDENTITY_BINDING_TAG + rs, entries[b"sig"]):
        raise SessionError("hello binding does not verify")
    return entries[b"id"]


# ---------------------------------------------------------------------------------------
# Application messages (section 7)


class MessageError(Exception):
    """outcome is 'malformed' (code 1) or 'unsupported' (code 2)."""

    def __init__(self, outcome, why):
        super().__init__(f"{outcome}: {why}")
        self.outcome = outcome


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


def _card_field(entries):
    value = entries.get("card")
    if not isinstance(value, Bin) or not 1 <= len(value) <= CARD_BYTES_MAX:
        raise _malformed("card is not a byte string of 1 to 4096 bytes")
    return bytes(value)


def _uint_field(entries, key, low, high):
    value = entries.get(key)
    if not cards.is_uint(value) or not low <= value <= high:
        raise _malformed(f"{key} is not a uint of {low} to {high}")
    return value


def _offer_fields(entries):
    out = {"card": _card_field(entries)}
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
    re = entries.get("re")
    if not isinstance(re, Bin) or len(re) != 32:
        raise _malformed("re is not a byte string of 32 bytes")
    return {"card": _card_field(entries), "re": bytes(re)}


def _error_fields(entries):
    out = {"code": _uint_field(entries, "code", 1, 65535)}
    msg = _text_field(entries, "msg", PEERMSG_TEXT_MAX, required=False)
    if msg is not None:
        out["msg"] = msg
    return out


FIELD_CHECKS = {
    "offer": _offer_fields,
    "card": _card_msg_fields,
    "ack": lambda entries: {},
    "error": _error_fields,
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


def encode_message(kind, fields):
    """Keys of the type only, t first, in the order of 7.3."""
    entries = [(b"t", enc_str(kind.encode()))]
    if kind == "offer":
        entries.append((b"card", enc_bin(fields["card"])))
        if "note" in fields:
            entries.append((b"note", enc_str(fields["note"].encode())))
        entries.append((b"reply", enc_bool(fields["reply"])))
        if fields["reply"]:
            entries.append((b"port", enc_uint(fields["port"])))
    elif kind == "card":
        entries += [(b"card", enc_bin(fields["card"])), (b"re", enc_bin(fields["re"]))]
    elif kind == "error":
        entries.append((b"code", enc_uint(fields["code"])))
        if "msg" in fields:
            entries.append((b"msg", enc_str(fields["msg"].encode())))
    out = bytes([0x80 | len(entries)])  # at most 5 entries: always a fixmap
    for key, value in entries:
        out += enc_str(key) + value
    return out


# ---------------------------------------------------------------------------------------
# Replaying a transcript (section 13)


class Party:
    """One side's recorded keys."""

    def __init__(self, keys):
        self.sign_seed = bytes.fromhex(keys["sign_seed"])
        self.dh_secret = bytes.fromhex(keys["dh_secret"])
        self.ephemeral = bytes.fromhex(keys["ephemeral"])
        self.sign_pk = bytes.fromhex(keys["sign_pk"])
        self.dh_pk = bytes.fromhex(keys["dh_pk"])
        self.ephemeral_pk = bytes.fromhex(keys["ephemeral_pk"])


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
            self.expect(f"{who} dh_pk", x25519_public(party.dh_secret), party.dh_pk)
            self.expect(f"{who} ephemeral_pk", x25519_public(party.ephemeral), party.ephemeral_pk)
        self.expect("prologue", bytes.fromhex(self.transcript["prologue"]), SESSION_PROLOGUE)

    def check_end(self, handshake_hash):
        self.expect("handshake hash", handshake_hash, bytes.fromhex(self.transcript["handshake_hash"]))
        # 9.1: nothing may follow the answer.
        self.expect("steps after the answer", len(self.steps), 5)


def _show(value):
    return value.hex() if isinstance(value, (bytes, bytearray)) else repr(value)


def build_request(replay, offers):
    """The request the initiator sends: its fields taken from the recorded plaintext
    (13: the initiator is given it), except that a `card`'s `re` is computed from the
    offer it answers. Returned encoded by us, per 7.3."""
    recorded = replay.step(3, "initiator", ("offer", "card"))
    kind, fields = decode_message(recorded["payload"])
    if kind == "card":
        made = offers.get((replay.peer.sign_pk, replay.me.sign_pk), [])
        if len(made) == 1:
            fields = dict(fields, re=made[0])
        else:
            replay.problems.append(f"card request: {len(made)} offers from the peer to answer")
    return kind, encode_message(kind, fields)


def check_request(replay, plaintext, peer_identity, offers):
    """What the responder checks of a request (7.1, 7.2, 9.2, 9.4), as mismatches."""
    try:
        kind, fields = decode_message(plaintext)
    except MessageError as e:
        replay.problems.append(f"request refused: {e}")
        return
    replay.expect("request type", kind in ("offer", "card"), True)
    if kind not in ("offer", "card"):
        return
    replay.expect("request re-encoded per 7.3", encode_message(kind, fields), plaintext)
    try:
        card = cards.decode_card(fields["card"])  # 9.2: no expiry check in a session
    except cards.CardError as e:
        replay.problems.append(f"request card: bad-card ({e.verdict})")
        return
    replay.expect("request card key (not-yours)", card.key, peer_identity)
    if kind == "card":
        # 9.4: the card answers an offer only if I (the responder) made that offer to
        # the identity that is now my peer.
        made = offers.get((replay.me.sign_pk, peer_identity), [])
        replay.expect("card re names an offer made to the peer", fields["re"] in made, True)
        replay.expect("card re is the offer id of section 13", fields["re"], SPEC_OFFER_ID)


def check_answer(replay, plaintext):
    try:
        kind, _ = decode_message(plaintext)
    except MessageError as e:
        replay.problems.append(f"answer refused: {e}")
        return
    replay.expect("answer type", kind, "ack")
    replay.expect("answer re-encoded per 7.3", encode_message(kind, {}), plaintext)


def run_initiator(replay, offers):
    me = replay.me
    hs = Handshake(me.dh_secret, me.ephemeral)
    inbox = Inbox()

    s = replay.step(0, "initiator", ("handshake-1",))
    replay.expect("handshake-1 frame", frame(hs.write_message_1()), s["frame"])
    replay.expect("handshake-1 payload", b"", s["payload"])

    s = replay.step(1, "responder", ("handshake-2",))
    inbox.feed(s["frame"])
    hello = hs.read_message_2(inbox.require_message())
    replay.expect("handshake-2 hello", hello, s["payload"])
    peer_identity = check_hello(hello, hs.rs)
    # 6.3: with an expected identity, a wrong responder means no message 3 at all.
    if peer_identity != replay.peer.sign_pk:
        raise SessionError("responder is not the expected identity")

    s = replay.step(2, "initiator", ("handshake-3",))
    my_hello = make_hello(me.sign_seed, hs.s_pub)
    replay.expect("handshake-3 hello", my_hello, s["payload"])
    replay.expect("handshake-3 frame", frame(hs.write_message_3(my_hello)), s["frame"])
    to_responder, from_responder, handshake_hash = hs.split()

    kind, request = build_request(replay, offers)
    s = replay.step(3, "initiator", (kind,))
    replay.expect(f"{kind} payload", request, s["payload"])
    replay.expect(f"{kind} frame", frame(to_responder.encrypt(b"", request)), s["frame"])

    s = replay.step(4, "responder", ("ack",))
    inbox.feed(s["frame"])
    answer = from_responder.decrypt(b"", inbox.require_message())
    replay.expect("ack payload", answer, s["payload"])
    check_answer(replay, answer)
    replay.expect("bytes left after the answer", inbox.buf, b"")
    replay.check_end(handshake_hash)


def run_responder(replay, offers):
    me = replay.me
    hs = Handshake(me.dh_secret, me.ephemeral)
    inbox = Inbox()

    s = replay.step(0, "initiator", ("handshake-1",))
    inbox.feed(s["frame"])
    hs.read_message_1(inbox.require_message())

    s = replay.step(1, "responder", ("handshake-2",))
    my_hello = make_hello(me.sign_seed, hs.s_pub)
    replay.expect("handshake-2 hello", my_hello, s["payload"])
    replay.expect("handshake-2 frame", frame(hs.write_message_2(my_hello)), s["frame"])

    # Message 3 and the request arrive together, as they usually do on the wire (4).
    s3 = replay.step(2, "initiator", ("handshake-3",))
    s4 = replay.step(3, "initiator", ("offer", "card"))
    inbox.feed(s3["frame"] + s4["frame"])
    hello = hs.read_message_3(inbox.require_message())
    replay.expect("handshake-3 hello", hello, s3["payload"])
    peer_identity = check_hello(hello, hs.rs)
    replay.expect("initiator identity", peer_identity, replay.peer.sign_pk)
    from_initiator, to_initiator, handshake_hash = hs.split()

    request = from_initiator.decrypt(b"", inbox.require_message())
    replay.expect(f"{s4['kind']} payload", request, s4["payload"])
    check_request(replay, request, peer_identity, offers)
    replay.expect("bytes left after the request", inbox.buf, b"")

    s = replay.step(4, "responder", ("ack",))
    answer = encode_message("ack", {})
    replay.expect("ack payload", answer, s["payload"])
    replay.expect("ack frame", frame(to_initiator.encrypt(b"", answer)), s["frame"])
    replay.check_end(handshake_hash)


def collect_offers(transcripts):
    """{(offerer identity, recipient identity): [offer ids]} of the offers that ask for
    a card back, as the offerer keeps them (9.4)."""
    offers = {}
    for t in transcripts:
        for s in t["steps"]:
            if s["kind"] != "offer":
                continue
            _, fields = decode_message(bytes.fromhex(s["payload"]))
            if fields["reply"]:
                pair = (bytes.fromhex(t["initiator"]["sign_pk"]), bytes.fromhex(t["responder"]["sign_pk"]))
                offers.setdefault(pair, []).append(offer_id(fields["card"]))
    return offers


def replay_transcript(transcript, role, offers):
    replay = Replay(transcript, role)
    try:
        replay.check_keys()
        (run_initiator if role == "initiator" else run_responder)(replay, offers)
    except (SessionError, MessageError) as e:
        replay.problems.append(f"session failed: {e}")
    return replay.problems


def main(argv):
    cards.require_cryptography()
    path = os.path.join(cards.source_root(argv), "proto", "vectors", "session-transcripts.json")
    with open(path, encoding="utf-8") as f:
        transcripts = json.load(f)["transcripts"]
    offers = collect_offers(transcripts)
    passed = failed = 0
    for transcript in transcripts:
        for role in ("initiator", "responder"):
            problems = replay_transcript(transcript, role, offers)
            for problem in problems:
                print(f"session: {transcript['name']} as {role}: {problem}")
            if problems:
                failed += 1
            else:
                passed += 1
    print(f"session: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
