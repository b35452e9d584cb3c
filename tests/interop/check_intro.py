#!/usr/bin/env python3
"""A second, independent implementation of introductions, version 1 (proto/introduction.md),
replaying proto/vectors/introduction.json.

Written from the specification alone, not from src/lib: the envelope and its signature
over "wallflower-intro-v1" || payload (section 2), the id BLAKE2b-256("wallflower-intro-id-v1"
|| envelope), the payload's rules (section 3), the checks of sections 4 and 5 with the
verdict tokens of section 7 (an intro's consent checked as an inner object at `now`, a
reply's intro checked without a clock), an encoder that follows section 3's key order and
shortest forms, and the armored text of section 9 (the rules of proto/card.md 16.1 with the
label WALLFLOWER INTRODUCTION). Cards, the msgpack walk, the text rules and Ed25519 with
libsodium's extra rejections are check_cards.py's; the msgpack encoders and card maker are
check_session.py's.

For every vector it requires our verdict to equal the expected one, and for valid ones the
id, kind, signer and introduced key; it re-encodes every valid object, and every object
inside one, from its decoded fields and requires the same bytes (re-signed with the seeds
of the file's `_meta.parties` when it has them: Ed25519 is deterministic), except objects
whose payload no encoder of section 3 writes (unknown keys, another order, longer forms),
which it names. It then builds its own objects from keys derived from fixed seeds (a whole
ask, intro and reply, an intro made from `fwd`, and some sixty that the specification
refuses), hostile variants of the vectors' valid objects (re-signed by a wrong key,
re-addressed, checked by another recipient, an ask forwarded by a hub it was not sent to,
a card without `fwd` passed on, expired, not yet), and with the parties' keys the rest of
each ask's story (its hub's intro, another hub's, the recipient's reply and the wrong
ones), and requires the verdict the specification names. Finally it reads armored
objects back (section 9) from a text that also holds a card.

Usage: check_intro.py [SOURCE_ROOT]
Exit status: 0 when everything passes, 1 otherwise, 77 (skip) without cryptography.
"""

import base64
import hashlib
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # importing check_cards must not litter the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # however we were started

import check_cards as cards  # noqa: E402  (after the line above, on purpose)
import check_session as cs  # noqa: E402
from check_cards import Array, Bin, Map, Str, WalkError  # noqa: E402
from check_session import enc_bin, enc_bool, enc_map, enc_str, enc_uint  # noqa: E402

# ---------------------------------------------------------------------------------------
# Constants (section 1)

INTRO_MAX = 4096
INTRO_VERSION = 1
INTRO_SIGN_TAG = b"wallflower-intro-v1"
INTRO_ID_TAG = b"wallflower-intro-id-v1"
INTRO_KEYS_MAX = 16
INTRO_KEY_MAX = 16
INTRO_DEPTH_MAX = 4
INTRO_FOR_MAX = 200
INTRO_NOTE_MAX = 280
INTRO_TTL_MAX = 2592000
INTRO_SKEW = 600
INTRO_TTL = 1209600
UINT_MAX = 2**63 - 1
KINDS = ("ask", "intro", "reply")

# Section 7, in the specification's order.
VERDICTS = ("ok", "too-big", "malformed", "unknown-version", "unknown-kind", "bad-card",
            "bad-signature", "not-for-you", "not-yet", "expired", "no-consent", "mismatch")


class IntroError(Exception):
    def __init__(self, verdict, why=""):
        super().__init__(f"{verdict}: {why}" if why else verdict)
        self.verdict = verdict


def object_id(envelope):
    """Section 2: BLAKE2b with a 32-byte output, no key, over the tag and the envelope."""
    return hashlib.blake2b(INTRO_ID_TAG + bytes(envelope), digest_size=32).digest()


class Obj:
    """An object that passed steps 1 to 5: its envelope, payload, fields (decoded values
    by key name, for the known fields of its kind), the signer's card."""

    def __init__(self, envelope, payload, sig, kind, fields, signer_card):
        self.envelope = envelope
        self.payload = payload
        self.sig = sig
        self.kind = kind
        self.fields = fields
        self.card = signer_card
        self.signer = signer_card.key
        self.to = fields["to"]
        self.issued = fields["issued"]
        self.expires = fields["expires"]
        self.id = object_id(envelope)
        self.introduced = None  # an intro's introduced card's key, set by section 5.2
        self.consent = None  # an intro's consent, checked (an Obj)


# ---------------------------------------------------------------------------------------
# Steps 1 to 3 (sections 2 and 3)


def _malformed(why):
    return IntroError("malformed", why)


def split_envelope(data):
    """Steps 1 and 2: (payload, sig)."""
    if len(data) > INTRO_MAX:
        raise IntroError("too-big")
    try:
        cards.walk(data, INTRO_DEPTH_MAX)
    except WalkError as e:
        raise _malformed(f"envelope: {e.token}") from None
    env = cards.decode(data)
    if not (isinstance(env, Array) and len(env) == 2 and isinstance(env[0], Bin)
            and isinstance(env[1], Bin) and len(env[1]) == 64):
        raise _malformed("not [bin, bin(64)]")
    return bytes(env[0]), bytes(env[1])


def _bin(entries, key, low, high, required=True):
    if key not in entries:
        if required:
            raise _malformed(f"no {key}")
        return None
    value = entries[key]
    if not isinstance(value, Bin) or not low <= len(value) <= high:
        raise _malformed(f"{key}: not a byte string of {low} to {high} bytes")
    return bytes(value)


def _text(entries, key, limit, required):
    if key not in entries:
        if required:
            raise _malformed(f"no {key}")
        return None
    value = entries[key]
    if not isinstance(value, Str):
        raise _malformed(f"{key}: not a string")
    verdict = cards.text_verdict(value, limit, allow_lf=False)
    if verdict:
        raise _malformed(f"{key}: {verdict}")
    return bytes(value).decode("utf-8")


def _uint(entries, key):
    if key not in entries:
        raise _malformed(f"no {key}")
    value = entries[key]
    if not cards.is_uint(value):
        raise _malformed(f"{key}: not a uint")
    return value


def parse_payload(payload):
    """Step 3: (kind, fields)."""
    try:
        cards.walk(payload, INTRO_DEPTH_MAX)  # an empty payload is truncated: malformed
    except WalkError as e:
        raise _malformed(f"payload: {e.token}") from None
    doc = cards.decode(payload)
    if not isinstance(doc, Map):
        raise _malformed("payload is not a map")
    if len(doc) > INTRO_KEYS_MAX:
        raise _malformed("more than 16 entries")
    entries = {}
    for key, value in doc:
        if not isinstance(key, Str) or cards.text_verdict(key, INTRO_KEY_MAX, False):
            raise _malformed("bad key")
        name = bytes(key).decode("utf-8")
        if name in entries:
            raise _malformed("duplicate key")
        entries[name] = value
    # AMBIGUITY (report): the order of malformed, unknown-version and unknown-kind within
    # step 3. We read v (presence, type), then k (presence, type), as card.md 9 step 4
    # does for its v, and only then the other fields, which depend on the kind.
    if "v" not in entries or not cards.is_uint(entries["v"]):
        raise _malformed("v absent or not a uint")
    if entries["v"] != INTRO_VERSION:
        raise IntroError("unknown-version")
    if "k" not in entries or not isinstance(entries["k"], Str):
        raise _malformed("k absent or not a string")
    kind = bytes(entries["k"])
    if kind not in (b"ask", b"intro", b"reply"):
        raise IntroError("unknown-kind")
    kind = kind.decode()
    f = {"v": 1, "k": kind}
    f["from"] = _bin(entries, "from", 1, 4096)
    f["to"] = _bin(entries, "to", 32, 32)
    f["issued"] = _uint(entries, "issued")
    if f["issued"] > UINT_MAX:
        raise _malformed("issued above 2^63 - 1")
    f["expires"] = _uint(entries, "expires")
    if not f["issued"] < f["expires"] <= min(f["issued"] + INTRO_TTL_MAX, UINT_MAX):
        raise _malformed("expires not in (issued, issued + 30 days] or above 2^63 - 1")
    note = _text(entries, "note", INTRO_NOTE_MAX, required=False)
    if note is not None:
        f["note"] = note
    if kind == "ask":
        f["for"] = _text(entries, "for", INTRO_FOR_MAX, required=True)
        if "reply" not in entries or not cards.is_bool(entries["reply"]):
            raise _malformed("reply absent or not a boolean")
        f["reply"] = entries["reply"]
        # The spec at b391a86 was silent on an rk with reply false; h16-A's 0e8cdf3 says
        # it is checked like any present field of the kind (an encoder does not write it).
        rk = _bin(entries, "rk", 32, 32, required=f["reply"])
        if rk is not None:
            f["rk"] = rk
    elif kind == "intro":
        consent = _bin(entries, "consent", 1, 4096, required=False)
        card = _bin(entries, "card", 1, 4096, required=False)
        if (consent is None) == (card is None):
            raise _malformed("an intro needs exactly one of consent and card")
        if consent is not None:
            f["consent"] = consent
        else:
            f["card"] = card
    else:
        f["rk"] = _bin(entries, "rk", 32, 32)
        f["re"] = _bin(entries, "re", 1, 4096)
    return kind, f


# ---------------------------------------------------------------------------------------
# Steps 1 to 5, and the whole check of section 4


def steps_1_to_5(data, now):
    """Steps 1 to 5 at `now` (None: without a clock, cards are not judged expired)."""
    data = bytes(data)
    payload, sig = split_envelope(data)
    kind, fields = parse_payload(payload)
    try:
        card = cards.decode_card(fields["from"], now)
    except cards.CardError as e:
        raise IntroError("bad-card", f"from: {e.verdict}") from None
    if not cards.ed25519_verify(card.key, INTRO_SIGN_TAG + payload, sig):
        raise IntroError("bad-signature")
    return Obj(data, payload, sig, kind, fields, card)


def check_kind(obj, now):
    """Step 8, section 5, at `now` (None: without a clock)."""
    if obj.kind == "ask":
        if obj.signer == obj.to:
            raise IntroError("mismatch", "an ask to oneself")
    elif obj.kind == "intro":
        if "consent" in obj.fields:
            try:
                consent = steps_1_to_5(obj.fields["consent"], now)
                if now is not None and consent.expires <= now:
                    raise IntroError("expired", "consent")
                if consent.kind != "ask":
                    raise IntroError("no-consent", "the consent is not an ask")
                if consent.to != obj.signer:
                    raise IntroError("no-consent", "the ask was sent to someone else")
                # AMBIGUITY (report): section 4 says inner objects go through step 8 too;
                # 5.2.1 lists steps 1 to 5 only. For an ask, step 8 is 5.1 (asker is not
                # its recipient); a failure there is a verdict in the consent: no-consent.
                check_kind(consent, now)
            except IntroError as e:
                raise IntroError("no-consent", f"consent: {e}") from None
            if obj.expires > consent.expires:
                raise IntroError("mismatch", "the intro outlives its consent")
            obj.consent = consent
            obj.introduced = consent.signer
        else:
            try:
                card = cards.decode_card(obj.fields["card"], now)
            except cards.CardError as e:
                raise IntroError("bad-card", f"card: {e.verdict}") from None
            if card.fields.get("fwd") is not True:
                raise IntroError("no-consent", "the card does not say fwd")
            obj.introduced = card.key
        if obj.introduced in (obj.signer, obj.to):
            raise IntroError("mismatch", "introduced to or by themself")
    else:
        try:
            intro = steps_1_to_5(obj.fields["re"], None)
            if intro.kind != "intro":
                raise IntroError("mismatch", "re is not an intro")
            check_kind(intro, None)
        except IntroError as e:
            raise IntroError("mismatch", f"re: {e}") from None
        if intro.consent is None:
            raise IntroError("no-consent", "the intro was made from fwd")
        if intro.consent.fields["reply"] is not True:
            raise IntroError("no-consent", "the ask wanted no reply")
        if intro.to != obj.signer:
            raise IntroError("mismatch", "the intro was not to the replier")
        if intro.introduced != obj.to:
            raise IntroError("mismatch", "the reply is not to the introduced person")
        obj.consent = intro  # for a reply: the intro it answers
    return obj


def check_object(data, self_id, now):
    """Section 4 for an outer object: returns the Obj or raises IntroError."""
    obj = steps_1_to_5(data, now)
    if obj.to != bytes(self_id):
        raise IntroError("not-for-you")
    if obj.issued > now + INTRO_SKEW:
        raise IntroError("not-yet")
    if obj.expires <= now:
        raise IntroError("expired")
    return check_kind(obj, now)


def verdict_of(data, self_id, now):
    try:
        return "ok", check_object(data, self_id, now)
    except IntroError as e:
        return e.verdict, None


# ---------------------------------------------------------------------------------------
# Making objects (sections 2 and 3)


def encode_payload(f):
    """Section 3's order and shortest forms, from fields as parse_payload returns them."""
    kind = f["k"]
    entries = [(b"v", enc_uint(f.get("v", 1))), (b"k", enc_str(kind.encode())),
               (b"from", enc_bin(f["from"])), (b"to", enc_bin(f["to"])),
               (b"issued", enc_uint(f["issued"])), (b"expires", enc_uint(f["expires"]))]
    if f.get("note") is not None:
        entries.append((b"note", enc_str(f["note"].encode())))
    if kind == "ask":
        entries += [(b"for", enc_str(f["for"].encode())), (b"reply", enc_bool(f["reply"]))]
        if f["reply"]:
            entries.append((b"rk", enc_bin(f["rk"])))
    elif kind == "intro":
        if "consent" in f:
            entries.append((b"consent", enc_bin(f["consent"])))
        else:
            entries.append((b"card", enc_bin(f["card"])))
    elif kind == "reply":
        entries += [(b"rk", enc_bin(f["rk"])), (b"re", enc_bin(f["re"]))]
    return enc_map(entries)


def envelope(payload, sig):
    """Section 2: 92, the payload as bin8 or bin16, c4 40 and the signature."""
    out = b"\x92" + enc_bin(payload) + b"\xc4\x40" + sig
    if len(out) > INTRO_MAX:
        raise ValueError("object larger than 4096 bytes")
    return out


def sign_payload(seed, payload):
    return envelope(payload, cs.ed25519_sign(seed, INTRO_SIGN_TAG + payload))


def make_object(seed, kind, from_card, to, issued, expires=None, **fields):
    f = dict(fields, k=kind, to=to, issued=issued,
             expires=issued + INTRO_TTL if expires is None else expires)
    f["from"] = from_card
    return sign_payload(seed, encode_payload(f))


# ---------------------------------------------------------------------------------------
# Armored text (section 9, with proto/card.md 16.1)

LABELS = ("WALLFLOWER CARD", "WALLFLOWER INTRODUCTION")
ARMOR_LINE_MAX = 76
B64_ALPHABET = re.compile(r"^[A-Za-z0-9+/=]*$")


def armor(data, label="WALLFLOWER INTRODUCTION"):
    b = base64.b64encode(data).decode()
    return "\n".join([f"-----BEGIN {label}-----"] + [b[i:i + 64] for i in range(0, len(b), 64)]
                     + [f"-----END {label}-----"]) + "\n"


def _b64_canonical(s):
    if not s or len(s) % 4:
        return None
    try:
        data = base64.b64decode(s, validate=True)
    except ValueError:
        return None
    return data if base64.b64encode(data).decode() == s else None


def read_armor(text):
    """Every block of either label: dicts with label, line, verdict and data or
    fault_line. A BEGIN of either label inside a block ends it as another BEGIN would
    (no-end, card.md 16.1). The END of the other label ends it too, refused at that line
    (no-end): the rule h16-A's 4d640ac adds to section 9; at b391a86 it was silent."""
    begins = {f"-----BEGIN {label}-----": label for label in LABELS}
    ends = {f"-----END {label}-----": label for label in LABELS}
    blocks, cur = [], None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    def fault(token, line):
        cur["verdict"], cur["fault_line"] = token, line

    for no, raw in enumerate(lines, 1):
        line = raw.rstrip(" \t\r").lstrip(" \t>")
        if line in begins:
            if cur is not None and cur["verdict"] is None:
                fault("no-end", no)
            cur = {"label": begins[line], "line": no, "verdict": None, "b64": ""}
            blocks.append(cur)
            continue
        if cur is None:
            continue
        if line in ends and ends[line] != cur["label"]:
            if cur["verdict"] is None:
                fault("no-end", no)
            cur = None
            continue
        if ends.get(line) == cur["label"]:
            if cur["verdict"] is None:
                data = _b64_canonical(cur["b64"]) if cur["b64"] else None
                if not cur["b64"]:
                    fault("empty", no)
                elif data is None:
                    fault("padding", no - 1)
                elif len(data) > INTRO_MAX:
                    fault("too-big", no - 1)
                else:
                    cur["verdict"], cur["data"] = "ok", data
            cur = None
            continue
        if cur["verdict"] is not None:
            continue
        if not line:
            fault("blank-line", no)
        elif len(line) > ARMOR_LINE_MAX:
            fault("long-line", no)
        elif not B64_ALPHABET.match(line):
            fault("bad-char", no)
        else:
            cur["b64"] += line
    if cur is not None and cur["verdict"] is None:
        fault("no-end", len(lines))
    for b in blocks:
        b.pop("b64", None)
    return blocks


# ---------------------------------------------------------------------------------------
# Keys and a world of our own, from fixed seeds


def seed(name):
    return hashlib.sha256(b"check_intro.py seed " + name.encode()).digest()


class Person:
    def __init__(self, name, issued, fwd=False, card_expires=None):
        self.name = name
        self.seed = seed(name)
        self.key = cs.ed25519_public(self.seed)
        self.rk = hashlib.sha256(b"check_intro.py rk " + name.encode()).digest()
        extra = []
        if fwd:
            extra.append((b"fwd", enc_bool(True)))
        if card_expires is not None:
            extra.append((b"expires", enc_uint(card_expires)))
        self.card = cs.make_card(self.seed, name, issued, rev=issued, extra=extra)

    def make(self, kind, to, issued, expires=None, **fields):
        to = to.key if isinstance(to, Person) else to
        return make_object(self.seed, kind, self.card, to, issued, expires, **fields)


# ---------------------------------------------------------------------------------------
# The checks


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def expect(self, name, want, data, self_id, now, **more):
        got, obj = verdict_of(data, self_id, now)
        problems = []
        if got != want:
            why = ""
            try:
                check_object(data, self_id, now)
            except IntroError as e:
                why = f" ({e})"
            problems.append(f"verdict: expected {want!r}, got {got!r}{why}")
        elif obj is not None:
            for what, value in more.items():
                have = {"id": obj.id, "kind": obj.kind, "signer": obj.signer,
                        "introduced": obj.introduced}[what]
                if have != value:
                    problems.append(f"{what}: expected {_show(value)}, got {_show(have)}")
        self.record(name, problems)
        return obj

    def record(self, name, problems):
        for p in problems:
            print(f"intro: {name}: {p}")
        if problems:
            self.failed += 1
        else:
            self.passed += 1


def _show(v):
    return v.hex() if isinstance(v, (bytes, bytearray)) else repr(v)


def parties_of(doc):
    """The vectors' fixed keys (_meta.parties): {name: (seed, key)}, each key checked
    against its seed."""
    out = {}
    for name, p in doc.get("_meta", {}).get("parties", {}).items():
        seed_ = bytes.fromhex(p["seed"])
        if cs.ed25519_public(seed_) != bytes.fromhex(p["key"]):
            raise ValueError(f"party {name}: key is not the seed's")
        out[name] = (seed_, bytes.fromhex(p["key"]))
    return out


def replay_vectors(doc, checks, seeds):
    """Section 11: each entry gives object (hex), self (hex), now and verdict; valid ones
    also id, kind, signer and, for an intro, introduced. Our verdict must be the same, and
    for valid ones the four values; then our encoder must give the same bytes. Returns
    [(entry, Obj)] of the valid ones."""
    valid = []
    for entry in doc["vectors"]:
        name = entry["name"]
        want = entry["verdict"]
        if want not in VERDICTS:
            checks.record(f"vector {name}", [f"verdict {want!r} is not a token of section 7"])
            continue
        more = {}
        if want == "ok":
            more = {"id": bytes.fromhex(entry["id"]), "kind": entry["kind"],
                    "signer": bytes.fromhex(entry["signer"]),
                    "introduced": (bytes.fromhex(entry["introduced"])
                                   if entry["kind"] == "intro" else None)}
        obj = checks.expect(f"vector {name}", want, bytes.fromhex(entry["object"]),
                            bytes.fromhex(entry["self"]), entry["now"], **more)
        if want == "ok" and obj is not None:
            valid.append((entry, obj))
            checks.record(f"vector {name} re-encoded", reencode_problems(obj, seeds))
    return valid


def _inner_objects(obj):
    """The object and every object inside it that passed the checks: an intro's consent,
    a reply's intro and that intro's consent."""
    out = [obj]
    if obj.consent is not None:
        out += _inner_objects(obj.consent)
    return out


CANONICAL_ORDER = {
    "ask": ["v", "k", "from", "to", "issued", "expires", "note", "for", "reply", "rk"],
    "intro": ["v", "k", "from", "to", "issued", "expires", "note", "consent", "card"],
    "reply": ["v", "k", "from", "to", "issued", "expires", "note", "rk", "re"],
}


def _shortest(value):
    """The shortest encoding of a decoded scalar, or None for anything else."""
    if type(value) is bool:
        return enc_bool(value)
    if type(value) is int and value >= 0:
        return enc_uint(value)
    if isinstance(value, Str):
        return enc_str(bytes(value))
    if isinstance(value, Bin):
        return enc_bin(bytes(value))
    return None


def why_not_canonical(obj):
    """Why the object's payload could not come from an encoder of section 3 (keys it does
    not write, another order, a longer form), or None when it could."""
    buf = obj.payload
    count, _, pos = cards._container_header(buf, 1, buf[0])
    if buf[:pos] != enc_map([(b"x", b"")] * count)[:pos]:
        return "a longer map header"
    names = []
    for _ in range(count):
        end = cards._walk_value(buf, pos, 2, INTRO_DEPTH_MAX)
        name = bytes(cards.decode(buf[pos:end])).decode()
        if buf[pos:end] != enc_str(name.encode()):
            return "a key in a longer form"
        pos, end = end, cards._walk_value(buf, end, 2, INTRO_DEPTH_MAX)
        if name not in CANONICAL_ORDER[obj.kind] or (obj.kind == "ask" and name == "rk"
                                                     and not obj.fields["reply"]):
            return f"the key {name!r}, which an encoder does not write"
        if buf[pos:end] != _shortest(cards.decode(buf[pos:end])):
            return f"{name} in a longer form"
        names.append(name)
        pos = end
    if names != sorted(names, key=CANONICAL_ORDER[obj.kind].index):
        return "keys in another order"
    return None


def reencode_problems(obj, seeds=None):
    """Our encoder, given the decoded fields (and the signature: we do not hold the
    signer's key), must give back the same envelope, for the object and its inner ones.
    A payload with entries that are not fields of its kind cannot come from an encoder of
    section 3 and is only reported."""
    problems = []
    for o in _inner_objects(obj):
        what = "the object" if o is obj else f"its inner {o.kind}"
        why = why_not_canonical(o)
        if why:
            print(f"intro: note: {what} has {why}: not compared with our encoder")
            continue
        payload = encode_payload(o.fields)
        seed_ = (seeds or {}).get(o.signer)
        # With the signer's seed (the vectors' _meta.parties) we sign too: Ed25519 is
        # deterministic, so the whole envelope must come out the same.
        again = sign_payload(seed_, payload) if seed_ else envelope(payload, o.sig)
        if again != o.envelope:
            problems.append(f"{what} re-encoded{' and re-signed' if seed_ else ''} differs: "
                            f"{again.hex()} instead of {o.envelope.hex()}")
    return problems


def own_world(checks):
    """A whole introduction made by our encoder, and what the specification refuses."""
    T = 1780000000
    ada = Person("Ada Lovelace", T - 1000)
    grace = Person("Grace Hopper", T - 1000)
    linus = Person("Linus Torvalds", T - 1000)
    mallory = Person("Mallory", T - 1000)
    fwdy = Person("Fwd Person", T - 1000, fwd=True)
    x = checks.expect

    ask = ada.make("ask", grace, T, note="hello", reply=True, rk=ada.rk,
                   **{"for": "people who build looms"})
    x("own ask", "ok", ask, grace.key, T + 10, kind="ask", signer=ada.key, id=object_id(ask))
    intro = grace.make("intro", linus, T + 100, expires=T + INTRO_TTL, consent=ask, note="meet Ada")
    x("own intro", "ok", intro, linus.key, T + 200, kind="intro", signer=grace.key,
      introduced=ada.key)
    reply = linus.make("reply", ada, T + 300, rk=linus.rk, re=intro)
    x("own reply", "ok", reply, ada.key, T + 400, kind="reply", signer=linus.key)
    # The reply's intro is checked without a clock: still valid once the intro expired.
    x("own reply after the intro expired", "ok", reply, ada.key, T + INTRO_TTL + 10)
    fintro = grace.make("intro", linus, T, card=fwdy.card)
    x("own intro from fwd", "ok", fintro, linus.key, T + 1, introduced=fwdy.key)

    # Structure (section 3)
    noreply_ask = ada.make("ask", grace, T, reply=False, **{"for": "anyone"})
    x("ask without reply and rk", "ok", noreply_ask, grace.key, T)
    f = {"k": "ask", "from": ada.card, "to": grace.key, "issued": T, "expires": T + 1,
         "for": "x", "reply": True, "rk": ada.rk}
    x("expires = issued + 1", "ok", sign_payload(ada.seed, encode_payload(f)), grace.key, T)
    for label, change in (("expires = issued", {"expires": T}),
                          ("expires past 30 days", {"expires": T + INTRO_TTL_MAX + 1}),
                          ("to of 31 bytes", {"to": grace.key[:31]}),
                          ("empty for", {"for": ""}),
                          ("blank for", {"for": "   "}),
                          ("for of 201 bytes", {"for": "a" * 201}),
                          ("for with a line feed", {"for": "a\nb"}),
                          ("note of 281 bytes", {"note": "a" * 281}),
                          ("rk of 31 bytes", {"rk": ada.rk[:31]})):
        g = dict(f, **change)
        x(f"ask: {label}", "malformed", sign_payload(ada.seed, encode_payload(g)), grace.key, T)
    g = dict(f, expires=T + INTRO_TTL_MAX)
    x("ask: expires at exactly 30 days", "ok", sign_payload(ada.seed, encode_payload(g)),
      grace.key, T)
    x("note of 280 bytes", "ok", sign_payload(ada.seed, encode_payload(dict(f, note="a" * 280))),
      grace.key, T)

    def raw_payload(entries):
        """A payload from (key bytes, encoded value) pairs, as given."""
        return enc_map(entries)

    base = [(b"v", enc_uint(1)), (b"k", enc_str(b"ask")), (b"from", enc_bin(ada.card)),
            (b"to", enc_bin(grace.key)), (b"issued", enc_uint(T)),
            (b"expires", enc_uint(T + 100)), (b"for", enc_str(b"x")),
            (b"reply", enc_bool(False))]

    def signed(entries):
        return sign_payload(ada.seed, raw_payload(entries))

    x("unknown key ignored", "ok", signed(base + [(b"zz", enc_str(b"whatever"))]), grace.key, T)
    x("rk of an ask with reply false, checked", "malformed",
      signed(base + [(b"rk", enc_str(b"x"))]), grace.key, T)
    x("rk of an ask with reply false, 32 bytes", "ok",
      signed(base + [(b"rk", enc_bin(ada.rk))]), grace.key, T)
    x("field of another kind ignored", "ok", signed(base + [(b"re", enc_uint(7))]), grace.key, T)
    x("keys in another order", "ok", signed(list(reversed(base))), grace.key, T)
    longer = [(b"v", b"\xcc\x01")] + base[1:4] + [(b"issued", b"\xcf" + T.to_bytes(8, "big")),
                                                   (b"expires", b"\xd3" + (T + 100).to_bytes(8, "big")),
                                                   (b"for", b"\xd9\x01x"), base[7]]
    x("longer forms accepted", "ok", signed(longer), grace.key, T)
    pad = [(b"u%d" % i, enc_uint(0)) for i in range(8)]
    x("16 entries", "ok", signed(base + pad), grace.key, T)
    x("17 entries", "malformed", signed(base + pad + [(b"u9", enc_uint(0))]), grace.key, T)
    x("key of 16 bytes", "ok", signed(base + [(b"k" * 16, enc_uint(0))]), grace.key, T)
    x("key of 17 bytes", "malformed", signed(base + [(b"k" * 17, enc_uint(0))]), grace.key, T)
    x("empty key", "malformed", signed(base + [(b"", enc_uint(0))]), grace.key, T)
    x("duplicate key", "malformed", signed(base + [(b"for", enc_str(b"y"))]), grace.key, T)
    x("binary key", "malformed", sign_payload(ada.seed, bytes([0x80 | len(base) + 1]) + b"".join(
        enc_str(k) + v for k, v in base) + enc_bin(b"zz") + enc_uint(0)), grace.key, T)
    x("depth 4 in an unknown value", "ok", signed(base + [(b"d", b"\x91\x91\x91\x01")]),
      grace.key, T)
    x("depth 5 in an unknown value", "malformed", signed(base + [(b"d", b"\x91\x91\x91\x91\x01")]),
      grace.key, T)
    x("v = 2", "unknown-version", signed([(b"v", enc_uint(2))] + base[1:]), grace.key, T)
    x("v = 2 without from", "unknown-version",
      signed([(b"v", enc_uint(2))] + base[1:2] + base[3:]), grace.key, T)
    x("v as a string", "malformed", signed([(b"v", enc_str(b"1"))] + base[1:]), grace.key, T)
    x("no v", "malformed", signed(base[1:]), grace.key, T)
    x("k = offer", "unknown-kind", signed(base[:1] + [(b"k", enc_str(b"offer"))] + base[2:]),
      grace.key, T)
    x("k = offer without for or reply", "unknown-kind",
      signed(base[:1] + [(b"k", enc_str(b"offer"))] + base[2:6]), grace.key, T)
    x("k as a byte string", "malformed", signed(base[:1] + [(b"k", enc_bin(b"ask"))] + base[2:]),
      grace.key, T)
    x("reply as 0", "malformed", signed(base[:7] + [(b"reply", enc_uint(0))]), grace.key, T)
    x("negative issued", "malformed", signed(base[:4] + [(b"issued", b"\xff")] + base[5:]),
      grace.key, T)
    x("issued 2^63", "malformed",
      signed(base[:4] + [(b"issued", enc_uint(2**63)), (b"expires", enc_uint(2**63 + 5))]
             + base[6:]), grace.key, T)
    # Section 3 bounds expires by 2^63 - 1 too, whatever issued + 30 days would allow.
    top = UINT_MAX
    x("issued 2^63 - 2, expires 2^63, read at 2^63 - 2", "malformed",
      signed(base[:4] + [(b"issued", enc_uint(top - 1)), (b"expires", enc_uint(top + 1))]
             + base[6:]), grace.key, top - 1)
    x("issued 2^63 - 2, expires 2^63 - 1, read at 2^63 - 2", "ok",
      signed(base[:4] + [(b"issued", enc_uint(top - 1)), (b"expires", enc_uint(top))]
             + base[6:]), grace.key, top - 1)
    x("from empty", "malformed", signed(base[:2] + [(b"from", enc_bin(b""))] + base[3:]),
      grace.key, T)

    both = grace.make("intro", linus, T, expires=T + 100, consent=ask)
    pl = split_envelope(both)[0]
    both_pl = bytes([pl[0] + 1]) + pl[1:] + enc_str(b"card") + enc_bin(fwdy.card)
    x("intro with consent and card", "malformed", sign_payload(grace.seed, both_pl), linus.key, T)
    neither = raw_payload([(b"v", enc_uint(1)), (b"k", enc_str(b"intro")),
                           (b"from", enc_bin(grace.card)), (b"to", enc_bin(linus.key)),
                           (b"issued", enc_uint(T)), (b"expires", enc_uint(T + 100))])
    x("intro with neither", "malformed", sign_payload(grace.seed, neither), linus.key, T)

    # Envelope (steps 1, 2)
    x("trailing byte", "malformed", ask + b"\x00", grace.key, T)
    x("truncated", "malformed", ask[:-1], grace.key, T)
    x("empty input", "malformed", b"", grace.key, T)
    x("signature of 63 bytes", "malformed",
      b"\x92" + enc_bin(split_envelope(ask)[0]) + enc_bin(split_envelope(ask)[1][:63]),
      grace.key, T)
    pads = [(b"pad%d" % i, enc_bin(b"p" * 500)) for i in range(8)]
    big_pl = raw_payload(base + pads)
    big = b"\x92" + enc_bin(big_pl) + b"\xc4\x40" + cs.ed25519_sign(ada.seed, INTRO_SIGN_TAG + big_pl)
    x(f"an envelope of {len(big)} bytes", "too-big", big, grace.key, T)
    x("4097 bytes", "too-big", ask + b"\x00" * (4097 - len(ask)), grace.key, T)
    fit = raw_payload(base + [(b"pad", enc_bin(b"p" * (4096 - len(signed(base)) - 8)))])
    x("an envelope of exactly 4096 bytes", "ok", sign_payload(ada.seed, fit), grace.key, T)

    # Steps 4 to 7
    old = Person("Old Card", T - 1000, card_expires=T - 1)
    x("signer's card expired", "bad-card", old.make("ask", grace, T, reply=False, **{"for": "x"}),
      grace.key, T)
    damaged = bytearray(ada.card)
    damaged[-1] ^= 1
    x("signer's card damaged", "bad-card",
      make_object(ada.seed, "ask", bytes(damaged), grace.key, T, reply=False, **{"for": "x"}),
      grace.key, T)
    x("signed by another key", "bad-signature",
      make_object(mallory.seed, "ask", ada.card, grace.key, T, reply=False, **{"for": "x"}),
      grace.key, T)
    x("for someone else", "not-for-you", ask, linus.key, T)
    x("issued 600 s ahead", "ok", ask, grace.key, T - 600)
    x("issued 601 s ahead", "not-yet", ask, grace.key, T - 601)
    e = T + INTRO_TTL
    x("one second before expires", "ok", ask, grace.key, e - 1)
    x("at expires", "expired", ask, grace.key, e)

    # Kinds (section 5)
    x("ask to oneself", "mismatch", ada.make("ask", ada, T, reply=False, **{"for": "x"}),
      ada.key, T)
    other_hub_ask = ada.make("ask", mallory, T, reply=True, rk=ada.rk, **{"for": "x"})
    x("intro forwarding an ask to another hub", "no-consent",
      grace.make("intro", linus, T, expires=T + 100, consent=other_hub_ask), linus.key, T)
    x("intro by the hub the ask was sent to", "ok",
      mallory.make("intro", linus, T, expires=T + 100, consent=other_hub_ask), linus.key, T)
    x("intro whose consent is an intro", "no-consent",
      grace.make("intro", linus, T, expires=T + 100, consent=fintro), linus.key, T)
    # An intro cannot outlive its consent, so the consent's own expiry (5.2.1) shows only in
    # an intro that breaks that rule too: checked after the consent expired, the consent
    # decides first (no-consent); before, the rule on expires does (mismatch).
    late = grace.make("intro", linus, T + 200, expires=e + 100, consent=ask)
    x("intro outliving its consent, after the consent expired", "no-consent", late, linus.key,
      e + 50)
    x("intro outliving its consent", "mismatch",
      grace.make("intro", linus, T + 200, expires=e + 1, consent=ask), linus.key, T + 200)
    x("intro expiring with its consent", "ok",
      grace.make("intro", linus, T + 200, expires=e, consent=ask), linus.key, T + 200)
    x("intro whose consent is damaged", "no-consent",
      grace.make("intro", linus, T, expires=T + 100, consent=ask[:-1] + bytes([ask[-1] ^ 1])),
      linus.key, T)
    future_ask = ada.make("ask", grace, T + 5000, reply=False, **{"for": "x"})
    # AMBIGUITY (report): 5.2.1 checks the consent with steps 1 to 5 and expiry, not step 7's
    # not-yet: a consent issued in the future is taken.
    x("intro whose consent is issued in the future", "ok",
      grace.make("intro", linus, T, expires=T + 100, consent=future_ask), linus.key, T)
    x("intro introducing the recipient to themself", "mismatch",
      grace.make("intro", ada, T, expires=T + 100, consent=ask), ada.key, T)
    gask = grace.make("ask", ada, T, reply=False, **{"for": "x"})
    x("intro introducing its introducer (ask to another)", "no-consent",
      grace.make("intro", linus, T, expires=T + 100, consent=gask), linus.key, T)
    # AMBIGUITY (report): with step 8 on the consent (section 4), an introducer's ask to
    # herself fails inside the consent (5.1) and is no-consent; with steps 1 to 5 only
    # (5.2.1), 5.2.3 would decide: mismatch.
    self_ask = grace.make("ask", grace, T, reply=False, **{"for": "x"})
    x("intro introducing its introducer (her ask to herself)", "no-consent",
      grace.make("intro", linus, T, expires=T + 100, consent=self_ask), linus.key, T)
    x("intro of a card without fwd", "no-consent",
      grace.make("intro", linus, T, card=ada.card), linus.key, T)
    x("intro of an expired fwd card", "bad-card",
      grace.make("intro", linus, T, card=Person("Old Fwd", T - 9, fwd=True, card_expires=T).card),
      linus.key, T)
    x("intro of a fwd card to its owner", "mismatch",
      grace.make("intro", fwdy, T, card=fwdy.card), fwdy.key, T)
    fgrace = Person("Grace Hopper", T - 1000, fwd=True)
    x("intro of the introducer's own fwd card", "mismatch",
      grace.make("intro", linus, T, card=fgrace.card), linus.key, T)

    x("reply to an fwd intro", "no-consent",
      linus.make("reply", fwdy, T, rk=linus.rk, re=fintro), fwdy.key, T)
    nintro = grace.make("intro", linus, T, expires=T + 100, consent=noreply_ask)
    x("reply to an ask that wanted none", "no-consent",
      linus.make("reply", ada, T, rk=linus.rk, re=nintro), ada.key, T)
    x("reply by someone the intro was not to", "mismatch",
      mallory.make("reply", ada, T, rk=mallory.rk, re=intro), ada.key, T)
    x("reply to someone other than the asker", "mismatch",
      linus.make("reply", mallory, T, rk=linus.rk, re=intro), mallory.key, T)
    x("reply whose re is an ask", "mismatch",
      linus.make("reply", ada, T, rk=linus.rk, re=ask), ada.key, T)
    x("reply whose re is damaged", "mismatch",
      linus.make("reply", ada, T, rk=linus.rk, re=intro[:-1] + bytes([intro[-1] ^ 1])), ada.key, T)
    bad_intro = grace.make("intro", linus, T, expires=T + 100, consent=other_hub_ask)
    x("reply whose intro lacks consent", "mismatch",
      linus.make("reply", ada, T, rk=linus.rk, re=bad_intro), ada.key, T)
    x("reply copied to another recipient", "not-for-you", reply, mallory.key, T + 400)
    # Cards inside a reply's intro are not judged expired (5.3.1).
    short = Person("Short Card", T - 1000, card_expires=T + 50)
    s_ask = short.make("ask", grace, T, expires=T + 40, reply=True, rk=short.rk, **{"for": "x"})
    s_intro = grace.make("intro", linus, T + 1, expires=T + 40, consent=s_ask)
    x("intro whose asker's card is valid", "ok", s_intro, linus.key, T + 2)
    s_reply = linus.make("reply", short, T + 30, rk=linus.rk, re=s_intro)
    x("reply when the asker's card in the consent has expired", "ok", s_reply, short.key, T + 60)
    return {"ada": ada, "grace": grace, "linus": linus, "mallory": mallory, "fwdy": fwdy,
            "ask": ask, "intro": intro, "reply": reply, "T": T}


def hostile_from_vectors(valid, world, checks):
    """Our own hostile variants of the vectors' valid objects."""
    x = checks.expect
    mallory = world["mallory"]
    outsider = Person("Outsider", 1000)
    for entry, obj in valid:
        name = entry.get("name", "?")
        now = entry["now"]
        me = obj.to
        # Re-signed by a wrong key.
        x(f"{name}: re-signed by another key", "bad-signature",
          sign_payload(mallory.seed, obj.payload), me, now)
        # Addressed to another recipient: the same payload with another `to` (same sig).
        moved = dict(obj.fields, to=outsider.key)
        x(f"{name}: payload re-addressed, old signature", "bad-signature",
          envelope(encode_payload(moved), obj.sig), me, now)
        # A copy checked by another recipient.
        x(f"{name}: checked by another recipient", "not-for-you", obj.envelope, outsider.key, now)
        # Expired, not yet.
        card_end = obj.card.expires
        want = "bad-card" if card_end is not None and card_end <= obj.expires else "expired"
        x(f"{name}: checked at its expires", want, obj.envelope, me, obj.expires)
        x(f"{name}: checked 601 s before issued", "not-yet", obj.envelope, me,
          obj.issued - INTRO_SKEW - 1)
        # A flipped signature byte, a flipped payload byte.
        flip = bytearray(obj.envelope)
        flip[-1] ^= 0x01
        x(f"{name}: a signature byte flipped", "bad-signature", bytes(flip), me, now)
        # Every ask in the object (itself, an intro's consent, the consent in a reply's
        # intro) that is still valid at now, forwarded in an intro by a hub it was not
        # addressed to; and its asker's card, passed on as a card when it lacks fwd.
        asks = [obj] if obj.kind == "ask" else []
        if obj.kind == "intro" and obj.consent is not None:
            asks.append(obj.consent)
        if obj.kind == "reply" and obj.consent.consent is not None:
            asks.append(obj.consent.consent)
        for ask in asks:
            if ask.expires <= now or (ask.card.expires is not None and ask.card.expires <= now):
                continue
            t = max(ask.issued, now - 10)
            x(f"{name}: its ask forwarded by a hub it was not sent to", "no-consent",
              mallory.make("intro", outsider, t, expires=min(ask.expires, t + 100),
                           consent=ask.envelope), outsider.key, now)
            if ask.card.fields.get("fwd") is not True:
                x(f"{name}: its asker's card (no fwd) passed on as a card", "no-consent",
                  mallory.make("intro", outsider, now, card=ask.card.envelope),
                  outsider.key, now)
        if obj.kind == "intro":
            # The intro is a copy a third person got: the recipient's reply is not theirs.
            wanted = obj.consent is not None and obj.consent.fields["reply"] is True
            x(f"{name}: answered by someone it was not to", "mismatch" if wanted else "no-consent",
              mallory.make("reply", obj.introduced, now, rk=mallory.rk, re=obj.envelope),
              obj.introduced, now)
            for card_env in [obj.fields.get("card"), obj.consent and obj.consent.card.envelope]:
                if card_env:
                    c = cards.decode_card(card_env)
                    x(f"{name}: its introduced card passed on by another", "ok"
                      if c.fields.get("fwd") is True else "no-consent",
                      mallory.make("intro", outsider, now, card=card_env), outsider.key, now)
        if obj.kind == "reply":
            x(f"{name}: copy checked by the hub", "not-for-you", obj.envelope,
              obj.consent.signer, now)


def hostile_with_parties(valid, parties, checks):
    """With the vectors' own keys (_meta.parties): objects re-made by the real people,
    and what the specification says of each."""
    x = checks.expect
    by_key = {key: (name, seed_) for name, (seed_, key) in parties.items()}

    def card_of(key, issued):
        name, seed_ = by_key[key]
        return cs.make_card(seed_, name.title(), issued - 86400, rev=issued - 86400)

    def made(by, kind, to, issued, expires=None, **fields):
        return make_object(by_key[by][1], kind, card_of(by, issued), to, issued, expires,
                           **fields)

    seen_asks = set()
    for entry, obj in valid:
        name, now = entry["name"], entry["now"]
        others = [k for k in by_key if k not in (obj.signer, obj.to, obj.introduced)]
        if obj.signer in by_key and others:
            p = others[0]
            moved = sign_payload(by_key[obj.signer][1], encode_payload(dict(obj.fields, to=p)))
            x(f"{name}: re-addressed by its signer, read by the first recipient", "not-for-you",
              moved, obj.to, now)
            want = "mismatch" if obj.kind == "reply" else "ok"
            x(f"{name}: re-addressed by its signer, read by the new one", want, moved, p, now)
            x(f"{name}: signed by {by_key[p][0]} instead", "bad-signature",
              sign_payload(by_key[p][1], obj.payload), obj.to, now)
        # Every ask in it, still valid at now, whose hub we hold: introduced by the hub
        # (valid), by someone else (no-consent), then answered (5.3).
        asks = [o for o in _inner_objects(obj) if o.kind == "ask"]
        for ask in asks:
            if (ask.id in seen_asks or ask.expires <= now or ask.to not in by_key
                    or (ask.card.expires is not None and ask.card.expires <= now)):
                continue
            seen_asks.add(ask.id)
            hub, asker = ask.to, ask.signer
            rest = [k for k in by_key if k not in (hub, asker)]
            if len(rest) < 2:
                continue
            rcpt, third = rest[0], rest[1]
            t, end = now, min(ask.expires, now + INTRO_TTL)
            good = made(hub, "intro", rcpt, t, end, consent=ask.envelope)
            x(f"{name}: its ask introduced by its hub", "ok", good, rcpt, now, introduced=asker)
            x(f"{name}: its ask introduced by another hub", "no-consent",
              made(third, "intro", rcpt, t, end, consent=ask.envelope), rcpt, now)
            x(f"{name}: its ask introduced to its own asker", "mismatch",
              made(hub, "intro", asker, t, end, consent=ask.envelope), asker, now)
            x(f"{name}: its ask's intro outliving it", "mismatch",
              made(hub, "intro", rcpt, t, ask.expires + 1, consent=ask.envelope), rcpt, now)
            x(f"{name}: the intro read by the introducer's other contact", "not-for-you",
              good, third, now)
            wanted = ask.fields["reply"] is True
            rk = hashlib.sha256(b"rk" + rcpt).digest()
            reply = made(rcpt, "reply", asker, now, rk=rk, re=good)
            x(f"{name}: the recipient's reply", "ok" if wanted else "no-consent", reply, asker,
              now, signer=rcpt)
            late = made(rcpt, "reply", asker, end + INTRO_TTL_MAX, rk=rk, re=good)
            x(f"{name}: the recipient's reply, made after the intro and the ask expired",
              "ok" if wanted else "no-consent", late, asker, end + INTRO_TTL_MAX + 1)
            x(f"{name}: a reply by someone the intro was not to",
              "mismatch" if wanted else "no-consent",
              made(third, "reply", asker, now, rk=rk, re=good), asker, now)
            x(f"{name}: the reply sent to the hub", "mismatch" if wanted else "no-consent",
              made(rcpt, "reply", hub, now, rk=rk, re=good), hub, now)
            x(f"{name}: the reply read by the hub", "not-for-you", reply, hub, now)


def check_armor(valid, world, checks):
    objs = [o.envelope for _, o in valid] or [world["intro"]]
    text = "Hello,\n\n" + "".join("> " + line + "  \r\n" for line in armor(objs[0]).splitlines())
    text += "\nand a card:\n" + armor(world["ada"].card, "WALLFLOWER CARD")
    big = world["reply"]
    text += "--\n" + armor(big)
    blocks = read_armor(text)
    problems = []
    got = [(b["label"], b["verdict"], b.get("data")) for b in blocks]
    want = [("WALLFLOWER INTRODUCTION", "ok", objs[0]), ("WALLFLOWER CARD", "ok", world["ada"].card),
            ("WALLFLOWER INTRODUCTION", "ok", big)]
    if got != want:
        problems.append(f"blocks: {got!r}")
    else:
        if verdict_of(blocks[2]["data"], world["ada"].key, world["T"] + 400)[0] != "ok":
            problems.append("the reply read back does not check")
    if armor(big).count("\n") != 2 + (len(base64.b64encode(big)) + 63) // 64:
        problems.append("lines of 64 characters")
    checks.record("armor round trip", problems)
    bad = armor(big).replace("-----END WALLFLOWER INTRODUCTION-----", "-----END WALLFLOWER CARD-----")
    b = read_armor(bad)
    checks.record("armor: an END of the other label", [] if [(x["verdict"], x.get("fault_line"))
                                                              for x in b] == [("no-end", bad.count("\n"))]
                  else [f"got {b!r}"])
    b = read_armor(armor(b"\x00" * 4097))
    checks.record("armor: 4097 bytes", [] if [x["verdict"] for x in b] == ["too-big"] else [f"got {b!r}"])


def replay_armor_vectors(root, checks):
    """proto/vectors/armor.json with our reader of both labels: its blocks give "label":
    "introduction" for this label and no label for a card."""
    path = os.path.join(root, "proto", "vectors", "armor.json")
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    for v in doc["vectors"]:
        got = []
        for b in read_armor(v["text"]):
            out = {"line": b["line"]}
            if b["label"] == "WALLFLOWER INTRODUCTION":
                out["label"] = "introduction"
            out["verdict"] = b["verdict"]
            if b["verdict"] == "ok":
                out["data"] = b["data"].hex()
            else:
                out["fault_line"] = b["fault_line"]
            got.append(out)
        checks.record(f"armor vector {v['name']}", [] if got == v["blocks"] else
                      [f"blocks: expected {v['blocks']!r}, got {got!r}"])


def main(argv):
    cards.require_cryptography()
    root = cards.source_root(argv)
    checks = Checks()
    world = own_world(checks)
    path = os.path.join(root, "proto", "vectors", "introduction.json")
    valid = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        parties = parties_of(doc)
        seeds = {key: seed_ for seed_, key in parties.values()}
        valid = replay_vectors(doc, checks, seeds)
        hostile_from_vectors(valid, world, checks)
        hostile_with_parties(valid, parties, checks)
    else:
        print(f"intro: {path} is missing")
        checks.failed += 1
    check_armor(valid, world, checks)
    replay_armor_vectors(root, checks)
    print(f"intro: {checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
