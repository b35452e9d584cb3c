#!/usr/bin/env python3
"""A second, independent decoder of wallflower contact cards (proto/card.md).

It is written from the specification alone, not from src/lib: if it and the C decoder
agree on every vector of proto/vectors/cards.json, the specification is enough to build an
interoperable decoder. It therefore has its own msgpack walk and decoder (section 6) and
its own text rules (section 8); only Ed25519 comes from a library (`cryptography`), with
the extra checks of section 5 applied here because OpenSSL does not make all of them.

Usage: check_cards.py [SOURCE_ROOT]
Exit status: 0 when every vector passes, 1 when one fails, 77 (skip) without cryptography.

check_session.py imports this module for walk(), decode(), text_verdict(),
ed25519_verify() and decode_card().
"""

import json
import os
import struct
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    HAVE_CRYPTOGRAPHY = True
except ImportError:  # reported by require_cryptography(), so that importing never exits
    HAVE_CRYPTOGRAPHY = False

SKIP = 77  # meson's exit code for a skipped test


def require_cryptography():
    """Exit with meson's skip code when the one non-stdlib dependency is missing."""
    if not HAVE_CRYPTOGRAPHY:
        sys.stderr.write("SKIP: python3-cryptography is not installed\n")
        sys.exit(SKIP)


# ---------------------------------------------------------------------------------------
# Constants (section 2)

CARD_ENVELOPE_MAX = 4096
CARD_VERSION = 1
CARD_SIGN_TAG = b"wallflower-card-v1"
CARD_KEYS_MAX = 64
CARD_KEYNAME_MAX = 64
CARD_DEPTH_MAX = 8

# The fields of 7.1 in table order, which is also the order step 7.4 checks them in.
TEXT_LIMITS = {
    "name": 128,
    "pronouns": 32,
    "title": 128,
    "org": 128,
    "location": 128,
    "note": 1024,
}
LIST_LIMITS = {  # field: (most items, most bytes per item)
    "email": (8, 254),
    "phone": (8, 32),
    "url": (8, 256),
    "topics": (16, 48),
    "offers": (16, 96),
    "seeks": (16, 96),
}
CHECK_ORDER = list(TEXT_LIMITS) + list(LIST_LIMITS)
KNOWN_KEYS = ["v", "key", "rev", "issued"] + CHECK_ORDER + ["fwd", "expires"]


# ---------------------------------------------------------------------------------------
# msgpack, section 6: the bounded walk, then a decoder that only ever sees walked input.


class WalkError(Exception):
    """The walk of section 6 failed; token is truncated, malformed, too-deep or
    trailing-bytes."""

    def __init__(self, token):
        super().__init__(token)
        self.token = token


# Type byte -> bytes that follow it (step 4; fixext sizes include their type byte).
FIXED_SIZES = {
    0xCA: 4, 0xCB: 8,
    0xCC: 1, 0xD0: 1, 0xCD: 2, 0xD1: 2, 0xCE: 4, 0xD2: 4, 0xCF: 8, 0xD3: 8,
    0xD4: 2, 0xD5: 3, 0xD6: 5, 0xD7: 9, 0xD8: 17,
}
# Type byte -> (width of the big-endian length field, extra bytes after the length) for
# bin, str and ext (step 5). Ext carries one type byte beyond its announced length.
SIZED = {
    0xC4: (1, 0), 0xC5: (2, 0), 0xC6: (4, 0),
    0xD9: (1, 0), 0xDA: (2, 0), 0xDB: (4, 0),
    0xC7: (1, 1), 0xC8: (2, 1), 0xC9: (4, 1),
}
# Type byte -> (width of the count field, is a map) for array16/32 and map16/32 (step 6).
LONG_CONTAINERS = {0xDC: (2, False), 0xDD: (4, False), 0xDE: (2, True), 0xDF: (4, True)}


def _read_be(buf, pos, width):
    """A big-endian length or count; truncated when it does not fit."""
    if width > len(buf) - pos:
        raise WalkError("truncated")
    return int.from_bytes(buf[pos:pos + width], "big")


def _skip(buf, pos, n):
    """Skip n bytes of data; truncated when fewer remain."""
    if n > len(buf) - pos:
        raise WalkError("truncated")
    return pos + n


def _container_header(buf, pos, b):
    """For a container type byte b: (count, is_map, position after the header)."""
    if 0x90 <= b <= 0x9F:
        return b & 0x0F, False, pos
    if 0x80 <= b <= 0x8F:
        return b & 0x0F, True, pos
    width, is_map = LONG_CONTAINERS[b]
    return _read_be(buf, pos, width), is_map, pos + width


def _walk_value(buf, pos, depth, max_depth):
    """Walk one value at pos at the given depth; return the position after it."""
    if pos >= len(buf):
        raise WalkError("truncated")
    b = buf[pos]
    pos += 1
    if b <= 0x7F or b >= 0xE0 or b in (0xC0, 0xC2, 0xC3):
        return pos
    if b == 0xC1:
        raise WalkError("malformed")
    if b in FIXED_SIZES:
        return _skip(buf, pos, FIXED_SIZES[b])
    if 0xA0 <= b <= 0xBF:
        return _skip(buf, pos, b & 0x1F)
    if b in SIZED:
        width, extra = SIZED[b]
        n = _read_be(buf, pos, width) + extra
        return _skip(buf, pos + width, n)
    count, is_map, pos = _container_header(buf, pos, b)
    # Depth is judged after the count is read but before the count is believed: the
    # order of step 6, which decides between too-deep and truncated.
    if depth > max_depth:
        raise WalkError("too-deep")
    elements = 2 * count if is_map else count
    # Every element takes at least one byte, so a larger count cannot be honest; this is
    # what keeps a declared count from ever sizing anything.
    if elements > len(buf) - pos:
        raise WalkError("truncated")
    for _ in range(elements):
        pos = _walk_value(buf, pos, depth + 1, max_depth)
    return pos


def walk(buf, max_depth):
    """Check that buf is exactly one msgpack value nested at most max_depth deep."""
    end = _walk_value(buf, 0, 1, max_depth)
    if end != len(buf):
        raise WalkError("trailing-bytes")


# Decoded values. Strings and byte strings keep their raw bytes (text rules judge bytes,
# and the two families must never be confused); containers keep encoded order, and maps
# keep repeated keys, because the duplicate rules need to see them.


class Str(bytes):
    """A msgpack str value, as its raw bytes."""


class Bin(bytes):
    """A msgpack bin value."""


class Array(list):
    """A msgpack array."""


class Map(list):
    """A msgpack map, as (key, value) pairs in encoded order."""


class Ext(tuple):
    """A msgpack extension value: (type, data)."""


def _decode_map(buf, pos, count):
    out = Map()
    for _ in range(count):
        key, pos = _decode_value(buf, pos)
        value, pos = _decode_value(buf, pos)
        out.append((key, value))
    return out, pos


def _decode_array(buf, pos, count):
    out = Array()
    for _ in range(count):
        value, pos = _decode_value(buf, pos)
        out.append(value)
    return out, pos


INT_FORMATS = {  # type byte: (struct format, size)
    0xCC: (">B", 1), 0xCD: (">H", 2), 0xCE: (">I", 4), 0xCF: (">Q", 8),
    0xD0: (">b", 1), 0xD1: (">h", 2), 0xD2: (">i", 4), 0xD3: (">q", 8),
    0xCA: (">f", 4), 0xCB: (">d", 8),
}
FIXEXT_SIZES = {0xD4: 1, 0xD5: 2, 0xD6: 4, 0xD7: 8, 0xD8: 16}


def _decode_value(buf, pos):
    """Decode one value of input that walk() has accepted: no bounds checks needed."""
    b = buf[pos]
    pos += 1
    if b <= 0x7F:
        return b, pos
    if b >= 0xE0:
        return b - 0x100, pos
    if b <= 0x8F:
        return _decode_map(buf, pos, b & 0x0F)
    if b <= 0x9F:
        return _decode_array(buf, pos, b & 0x0F)
    if b <= 0xBF:
        n = b & 0x1F
        return Str(buf[pos:pos + n]), pos + n
    if b in (0xC0, 0xC2, 0xC3):
        return {0xC0: None, 0xC2: False, 0xC3: True}[b], pos
    if b in INT_FORMATS:
        fmt, size = INT_FORMATS[b]
        return struct.unpack(fmt, buf[pos:pos + size])[0], pos + size
    if b in FIXEXT_SIZES:
        n = FIXEXT_SIZES[b]
        return Ext((struct.unpack(">b", buf[pos:pos + 1])[0], bytes(buf[pos + 1:pos + 1 + n]))), pos + 1 + n
    if b in SIZED:
        width, extra = SIZED[b]
        n = int.from_bytes(buf[pos:pos + width], "big")
        pos += width
        if extra:  # ext: a type byte, then n bytes of data
            ext_type = struct.unpack(">b", buf[pos:pos + 1])[0]
            return Ext((ext_type, bytes(buf[pos + 1:pos + 1 + n]))), pos + 1 + n
        data = buf[pos:pos + n]
        return (Bin(data) if b in (0xC4, 0xC5, 0xC6) else Str(data)), pos + n
    count, is_map, pos = _container_header(buf, pos, b)
    return (_decode_map if is_map else _decode_array)(buf, pos, count)


def decode(buf):
    """Decode a document that walk() has accepted."""
    value, _ = _decode_value(bytes(buf), 0)
    return value


def is_uint(value):
    """Section 7.2: any integer format holding a value >= 0 (bool is not an integer)."""
    return type(value) is int and value >= 0


def is_bool(value):
    return type(value) is bool


# ---------------------------------------------------------------------------------------
# Text, section 8


def is_control(cp):
    """Section 8.2 control characters (LF included; callers allow it where it may be)."""
    return cp <= 0x1F or 0x7F <= cp <= 0x9F or cp in (0x2028, 0x2029)


def is_format(cp):
    """Section 8.2 forbidden format characters, invisible characters and noncharacters."""
    return (
        cp in (0x00AD, 0x061C, 0x115F, 0x1160, 0x180E, 0x200B, 0x200E, 0x200F, 0x3164,
               0xFFA0, 0xFEFF)
        or 0x202A <= cp <= 0x202E
        or 0x2060 <= cp <= 0x2064  # word joiner, invisible operators
        or 0x2066 <= cp <= 0x206F  # isolates 2066-2069 and deprecated 206A-206F
        or 0xFFF9 <= cp <= 0xFFFB
        or 0xE0000 <= cp <= 0xE007F  # tags
        or 0xFDD0 <= cp <= 0xFDEF
        or (cp & 0xFFFE) == 0xFFFE  # U+xFFFE and U+xFFFF of every plane
    )


def is_space(cp):
    """Section 8.2 space characters (Zs), of which blank text is made."""
    return cp in (0x20, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000) or 0x2000 <= cp <= 0x200A


def text_verdict(raw, limit, allow_lf):
    """The verdict of 8.3 for the bytes of a string, or None when it is text.

    Python's strict UTF-8 codec implements exactly the well-formedness of Unicode table
    3-7 (no overlongs, surrogates, values above U+10FFFF, truncated sequences or stray
    continuation bytes), so it decides bad-utf8 for the whole string before any character
    is judged, as 8.3 requires.
    """
    if len(raw) == 0:
        return "empty"
    if len(raw) > limit:
        return "too-long"
    try:
        text = bytes(raw).decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return "bad-utf8"
    for ch in text:
        cp = ord(ch)
        if cp == 0x0A and allow_lf:
            continue
        if is_control(cp):
            return "control-char"
        if is_format(cp):
            return "format-char"
    if all(is_space(ord(ch)) for ch in text):
        return "empty"  # 8.3 step 5: blank
    return None


# ---------------------------------------------------------------------------------------
# Ed25519 with libsodium's extra rules, section 5

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, -1, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
IDENTITY = (0, 1)


def decode_point(enc):
    """RFC 8032 5.1.3: the affine point of a 32-byte encoding, or None when the encoding
    is not canonical (y >= p) or names no point of the curve."""
    n = int.from_bytes(enc, "little")
    sign = n >> 255
    y = n & ((1 << 255) - 1)
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, -1, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y)


def _point_add(a, b):
    """Twisted Edwards addition (a = -1); complete on edwards25519, so it also doubles."""
    x1, y1 = a
    x2, y2 = b
    t = D * x1 * x2 * y1 * y2 % P
    x3 = (x1 * y2 + y1 * x2) * pow(1 + t, -1, P) % P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, -1, P) % P
    return (x3, y3)


def has_small_order(point):
    """True for a point of order 1, 2, 4 or 8: exactly those that [8] sends to the
    neutral point."""
    for _ in range(3):
        point = _point_add(point, point)
    return point == IDENTITY


def ed25519_verify(public_key, message, signature):
    """Section 5: RFC 8032 verification plus the rejections of libsodium's verifier.

    OpenSSL (behind `cryptography`) checks the cofactorless equation by comparing
    encodings, but accepts small-order keys and small-order R, so those are refused here
    first. S < L and the canonical key are checked here too rather than trusting any
    particular OpenSSL version to do it.
    """
    if len(public_key) != 32 or len(signature) != 64:
        return False
    if int.from_bytes(signature[32:], "little") >= L:
        return False
    r_point = decode_point(signature[:32])
    # An R that does not decode canonically can never equal the canonical encoding of the
    # computed R, so the equation below rejects it; only decodable R need this check.
    if r_point is not None and has_small_order(r_point):
        return False
    a_point = decode_point(public_key)
    if a_point is None or has_small_order(a_point):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes(public_key)).verify(bytes(signature), bytes(message))
    except (InvalidSignature, ValueError):
        return False
    return True


# ---------------------------------------------------------------------------------------
# The card decoder, section 9


class CardError(Exception):
    """A verdict other than ok, with the field and item of section 9.1."""

    def __init__(self, verdict, field=None, item=None):
        super().__init__(verdict, field, item)
        self.verdict = verdict
        self.field = field
        self.item = item


class Card:
    """The result of a successful decode (end of section 9). `fields` holds the text
    fields as str, the list fields as lists of str and `fwd` as bool, absent ones left
    out: the shape of the vectors' `fields`."""

    def __init__(self, key, rev, issued, expires, fields, unknown_keys, envelope):
        self.key = key
        self.rev = rev
        self.issued = issued
        self.expires = expires
        self.fields = fields
        self.unknown_keys = unknown_keys
        self.envelope = envelope


def _walk_or_fail(buf):
    try:
        walk(buf, CARD_DEPTH_MAX)
    except WalkError as e:
        raise CardError(e.token) from None


def _check_envelope(data):
    """Steps 1 and 2: return (payload bytes, signature)."""
    if len(data) > CARD_ENVELOPE_MAX:
        raise CardError("too-big")
    _walk_or_fail(data)
    env = decode(data)
    if not (isinstance(env, Array) and len(env) == 2 and isinstance(env[0], Bin)
            and isinstance(env[1], Bin) and len(env[1]) == 64):
        raise CardError("bad-envelope")
    return bytes(env[0]), bytes(env[1])


def _check_payload_map(payload):
    """Step 3: return the payload's entries as {key name: value}."""
    _walk_or_fail(payload)  # an empty payload is truncated here
    doc = decode(payload)
    if not isinstance(doc, Map):
        raise CardError("payload-not-map")
    if len(doc) > CARD_KEYS_MAX:
        raise CardError("too-many-keys")
    entries = {}
    for key, value in doc:
        if not isinstance(key, Str) or text_verdict(key, CARD_KEYNAME_MAX, False) is not None:
            raise CardError("bad-key")
        name = key.decode("utf-8")  # safe: the key passed the text rules
        if name in entries:  # equal str <=> equal UTF-8 bytes, so this is byte equality
            raise CardError("duplicate-key", name if name in KNOWN_KEYS else None)
        entries[name] = value
    return entries


def _check_version_and_key(entries):
    """Steps 4 and 5: return the 32-byte key."""
    if "v" not in entries:
        raise CardError("missing-field", "v")
    if not is_uint(entries["v"]):
        raise CardError("wrong-type", "v")
    if entries["v"] != CARD_VERSION:
        raise CardError("unknown-version", "v")
    if "key" not in entries:
        raise CardError("missing-field", "key")
    key = entries["key"]
    if not (isinstance(key, Bin) and len(key) == 32):
        raise CardError("wrong-type", "key")
    return bytes(key)


UINT_MAX = 2**63 - 1  # section 7.2: rev, issued and expires


def _required_uint(entries, name):
    if name not in entries:
        raise CardError("missing-field", name)
    if not is_uint(entries[name]):
        raise CardError("wrong-type", name)
    if entries[name] > UINT_MAX:
        raise CardError("out-of-range", name)
    return entries[name]


def _check_text_field(name, value):
    if not isinstance(value, Str):
        raise CardError("wrong-type", name)
    verdict = text_verdict(value, TEXT_LIMITS[name], allow_lf=(name == "note"))
    if verdict:
        raise CardError(verdict, name)
    return value.decode("utf-8")


def _check_list_field(name, value):
    most_items, most_bytes = LIST_LIMITS[name]
    if not isinstance(value, Array):
        raise CardError("wrong-type", name)
    if len(value) > most_items:
        raise CardError("too-many-items", name)
    if not value:
        raise CardError("empty", name)
    seen = set()
    for position, item in enumerate(value, start=1):
        if not isinstance(item, Str):
            raise CardError("wrong-type", name, position)
        verdict = text_verdict(item, most_bytes, allow_lf=False)
        if verdict:
            raise CardError(verdict, name, position)
        if bytes(item) in seen:
            raise CardError("duplicate-item", name, position)
        seen.add(bytes(item))
    return [bytes(item).decode("utf-8") for item in value]


def _check_fields(entries):
    """Step 7: return (rev, issued, expires or None, fields)."""
    rev = _required_uint(entries, "rev")
    issued = _required_uint(entries, "issued")
    if "name" not in entries:
        raise CardError("missing-field", "name")
    fields = {}
    for name in CHECK_ORDER:  # table order, whatever the order in the payload
        if name not in entries:
            continue
        if name in TEXT_LIMITS:
            fields[name] = _check_text_field(name, entries[name])
        else:
            fields[name] = _check_list_field(name, entries[name])
    if "fwd" in entries:
        if not is_bool(entries["fwd"]):
            raise CardError("wrong-type", "fwd")
        fields["fwd"] = entries["fwd"]
    expires = entries.get("expires")
    if "expires" in entries and not is_uint(expires):
        raise CardError("wrong-type", "expires")
    if "expires" in entries and expires > UINT_MAX:
        raise CardError("out-of-range", "expires")
    return rev, issued, expires, fields


def decode_card(data, now=None):
    """Decode and check a card envelope (section 9). With `now`, also judge its expiry
    (11.3); without, stop at structural validity, as a session does (session.md 9.2).
    Raises CardError with the verdict; returns a Card."""
    data = bytes(data)
    payload, sig = _check_envelope(data)
    entries = _check_payload_map(payload)
    key = _check_version_and_key(entries)
    if not ed25519_verify(key, CARD_SIGN_TAG + payload, sig):
        raise CardError("bad-signature")
    # Only now may field values be examined (step 6).
    rev, issued, expires, fields = _check_fields(entries)
    if now is not None and expires is not None and expires <= now:
        raise CardError("expired", "expires")
    unknown = sum(1 for name in entries if name not in KNOWN_KEYS)
    return Card(key, rev, issued, expires, fields, unknown, data)


# ---------------------------------------------------------------------------------------
# Running the vectors (section 14)


def _judge(envelope_hex, now):
    """(verdict, field, item, card or None) for one vector's envelope."""
    try:
        card = decode_card(bytes.fromhex(envelope_hex), now)
    except CardError as e:
        return e.verdict, e.field, e.item, None
    return "ok", None, None, card


def check_vector(vector, now):
    """The mismatches between our judgement of one vector and what it expects."""
    verdict, field, item, card = _judge(vector["envelope"], now)
    problems = []
    for what, got, want in (("verdict", verdict, vector["verdict"]),
                            ("field", field, vector.get("field")),
                            ("item", item, vector.get("item"))):
        if got != want:
            problems.append(f"{what}: expected {want!r}, got {got!r}")
    if card is not None and vector["verdict"] == "ok":
        for what, got, want in (("key", card.key.hex(), vector["key"]),
                                ("rev", card.rev, vector["rev"]),
                                ("issued", card.issued, vector["issued"]),
                                ("expires", card.expires, vector.get("expires")),
                                ("unknown_keys", card.unknown_keys, vector["unknown_keys"]),
                                ("fields", card.fields, vector["fields"])):
            if got != want:
                problems.append(f"{what}: expected {want!r}, got {got!r}")
    return problems


def source_root(argv):
    """The source root from the command line, or the one this file sits in."""
    if len(argv) > 1:
        return argv[1]
    return os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def main(argv):
    require_cryptography()
    path = os.path.join(source_root(argv), "proto", "vectors", "cards.json")
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    now = doc["_meta"]["now"]
    passed = failed = 0
    for vector in doc["vectors"]:
        problems = check_vector(vector, now)
        for problem in problems:
            print(f"cards: {vector['name']}: {problem}")
        if problems:
            failed += 1
        else:
            passed += 1
    print(f"cards: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
