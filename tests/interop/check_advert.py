#!/usr/bin/env python3
"""A second, independent implementation of the wallflower advert, version 2
(proto/txt.md), checked against the examples the specification gives and against records
built here by hand.

Written from proto/txt.md alone, not from src/lib: the reading rules of section 5, a
publisher that applies them to its own record (sections 2 and 3), the event tag of
section 4, and the recognition tag of section 6 (computing it, 6.1, and recognising it
through a table of lookups, 6.2). Its hashes are Python's hashlib, so every example of the
specification is recomputed by code that shares nothing with the C.

Usage: check_advert.py [SOURCE_ROOT]   (the argument is accepted for symmetry and unused)
Exit status: 0 when every case passes, 1 otherwise. Standard library only, except that the
text rules come from check_cards.py (which needs nothing outside it for them).
"""

import base64
import hashlib
import hmac
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import check_cards as cards  # noqa: E402  (text rules of proto/card.md section 8)

# ---------------------------------------------------------------------------------------
# Limits (sections 2 and 3)

RECORD_MAX = 200
HANDLE_MAX = 32
TOPICS_MAX = 116
TOPIC_MAX = 48
EVENT_TAG_LEN = 8
RECOG_TAG_LEN = 16
EVENT_NAME_MAX = 128
EVENT_CONTEXT = b"wallflower-event-v2"
RECOGNISE_CONTEXT = b"wallflower-recognise-v2"
PRESENCE_CONTEXT = b"wallflower-presence-v2"
EPOCH_SECONDS = 900
SLOTS = 8
HEX_LOWER = re.compile(rb"[0-9a-f]{8}\Z")
BASE64URL = re.compile(rb"[A-Za-z0-9_-]{16}\Z")
STATUSES = (b"open", b"quiet")

# ---------------------------------------------------------------------------------------
# Reading a record (section 5)


class Refused(Exception):
    """The record is refused (section 5): not shown, one log line says why."""


class NotV2(Exception):
    """The record is not a version-2 advert (5.7): ignored."""


def split_strings(record):
    """Rules 1 to 3: the record's non-empty strings, in order."""
    if len(record) > RECORD_MAX:
        raise Refused(f"record of {len(record)} bytes")
    out, pos = [], 0
    while pos < len(record):
        n = record[pos]
        pos += 1
        if n > len(record) - pos:
            raise Refused("a string runs past the end of the record")
        if n:
            out.append(record[pos:pos + n])
        pos += n
    return out


def read_record(record):
    """Section 5 in order. Returns {"h": str, "s": str, "t": [str], "e": str, "r": str}
    with only the keys shown, or raises Refused or NotV2."""
    first = {}  # lowered key -> value (None for a bare key): the first occurrence only
    for string in split_strings(record):
        key, eq, value = string.partition(b"=")
        # Rule 4: an empty key, or a byte outside printable US-ASCII, refuses the record.
        if not key or any(not 0x20 <= b <= 0x7E for b in key):
            raise Refused(f"bad key {key!r}")
        lowered = key.lower()  # ASCII only: every byte of the key is ASCII here
        if lowered not in first:  # rule 5: the first occurrence counts
            first[lowered] = value if eq else None
    # Rule 7: v must be exactly "2" (a bare v, like a missing one, is not version 2).
    if first.get(b"v") != b"2":
        raise NotV2(f"v is {first.get(b'v')!r}")
    out = {}
    # Rule 8; rule 6: a bare key (None) is ignored, like an unknown one.
    h = first.get(b"h")
    if h is not None:
        verdict = cards.text_verdict(h, HANDLE_MAX, allow_lf=False)
        if verdict:
            raise Refused(f"h: {verdict}")
        out["h"] = h.decode()
    s = first.get(b"s")
    if s in STATUSES:  # any other value: no status shown (a later version may add one)
        out["s"] = s.decode()
    t = first.get(b"t")
    if t is not None:
        if not 1 <= len(t) <= TOPICS_MAX:
            raise Refused(f"t of {len(t)} bytes")
        topics = t.split(b",")
        for topic in topics:
            verdict = cards.text_verdict(topic, TOPIC_MAX, allow_lf=False)
            if verdict:
                raise Refused(f"topic {topic!r}: {verdict}")
        out["t"] = [x.decode() for x in topics]
    e = first.get(b"e")
    if e is not None:
        if not HEX_LOWER.match(e):
            raise Refused(f"e {e!r} is not 8 lower-case hex digits")
        out["e"] = e.decode()
    r = first.get(b"r")
    if r is not None:
        if not BASE64URL.match(r):
            raise Refused(f"r {r!r} is not 16 characters of base64url")
        out["r"] = r.decode()
    return out


def verdict_of(record):
    """("ok", fields), ("refused", why) or ("ignored", why)."""
    try:
        return "ok", read_record(record)
    except Refused as e:
        return "refused", str(e)
    except NotV2 as e:
        return "ignored", str(e)


# ---------------------------------------------------------------------------------------
# Writing a record (section 3: v first, then the keys shown in the order of the table)


def string(data):
    if len(data) > 255:
        raise ValueError("a TXT string holds at most 255 bytes")
    return bytes([len(data)]) + data


def build_record(h=None, s=None, t=None, e=None, r=None):
    out = string(b"v=2")
    for key, value in ((b"h", h), (b"s", s), (b"t", ",".join(t) if t is not None else None),
                       (b"e", e), (b"r", r)):
        if value is not None:
            out += string(key + b"=" + value.encode())
    # A publisher applies every rule of section 5 to its own record.
    read_record(out)
    return out


# ---------------------------------------------------------------------------------------
# The event tag (section 4)


def ascii_lower(data):
    return bytes(b + 32 if 0x41 <= b <= 0x5A else b for b in data)


def event_tag(name):
    raw = name.encode()
    if cards.text_verdict(raw, EVENT_NAME_MAX, allow_lf=False):
        raise ValueError("not an event name")
    return hashlib.blake2b(EVENT_CONTEXT + ascii_lower(raw), digest_size=32).digest()[:4].hex()


# ---------------------------------------------------------------------------------------
# The recognition tag (section 6)


def epoch_of(unix_time):
    return unix_time // EPOCH_SECONDS


def _mac(rk, message):
    """BLAKE2b keyed with the 32-byte rk, 32-byte output (6.1)."""
    return hashlib.blake2b(message, key=rk, digest_size=32).digest()


def lookup(rk, epoch, slot):
    return _mac(rk, RECOGNISE_CONTEXT + epoch.to_bytes(8, "big") + bytes([slot]))[:6]


def binding(rk, epoch, slot, presence_pk):
    return _mac(rk, PRESENCE_CONTEXT + epoch.to_bytes(8, "big") + bytes([slot]) + presence_pk)[:6]


def recognition_tag(rk, presence_pk, unix_time, slot):
    if len(rk) != 32 or len(presence_pk) != 32 or not 0 <= slot < SLOTS:
        raise ValueError("bad recognition input")
    epoch = epoch_of(unix_time)
    raw = lookup(rk, epoch, slot) + binding(rk, epoch, slot, presence_pk)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Recogniser:
    """6.2: a table from L to (contact, E, S) for the epochs before, at and after now, for
    all slots; refreshed by computing only the new epoch."""

    def __init__(self, contacts, unix_time):
        self.contacts = contacts  # name -> rk
        self.table = {}
        self.epoch = None
        self.refresh(unix_time)

    def _add(self, epoch):
        for name, rk in self.contacts.items():
            for slot in range(SLOTS):
                self.table[lookup(rk, epoch, slot)] = (name, epoch, slot)

    def refresh(self, unix_time):
        now = epoch_of(unix_time)
        if self.epoch is None:
            for epoch in (now - 1, now, now + 1):
                self._add(epoch)
        else:
            for epoch in range(max(self.epoch + 2, now - 1), now + 2):
                self._add(epoch)  # only the epochs not yet computed
        self.table = {k: v for k, v in self.table.items() if abs(v[1] - now) <= 1}
        self.epoch = now

    def recognise(self, tag):
        """(contact, E, S) or None for a stranger."""
        raw = base64.urlsafe_b64decode(tag + "=" * (-len(tag) % 4))
        return self.table.get(raw[:6])

    def presence_ok(self, tag, match, rs):
        """After message 2: B' over the responder's presence key rs, in constant time."""
        name, epoch, slot = match
        raw = base64.urlsafe_b64decode(tag + "=" * (-len(tag) % 4))
        return hmac.compare_digest(binding(self.contacts[name], epoch, slot, rs), raw[6:])


# ---------------------------------------------------------------------------------------
# The cases


class Checker:
    def __init__(self):
        self.passed = self.failed = 0

    def same(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failed += 1
            print(f"advert: {what}: expected {want!r}, got {got!r}")


def s(text):
    """A TXT string from str or bytes."""
    return string(text.encode() if isinstance(text, str) else text)


def check_spec_examples(c):
    # Section 4: the context is 19 bytes; the example; only ASCII letters are lowered.
    c.same("event context length (4)", len(EVENT_CONTEXT), 19)
    c.same("event tag of 'Intranet Now' (4)", event_tag("Intranet Now"), "8eb01f67")
    c.same("event tag ignores ASCII case", event_tag("INTRANET now"), "8eb01f67")
    c.same("event tag: 'Zoë' and 'ZOË' differ", event_tag("Zoë") != event_tag("ZOË"), True)
    c.same("event tag: 'Zoë' and 'zoë' agree", event_tag("Zoë"), event_tag("zoë"))
    c.same("event tag of 'ZOË' hashes 'zoË'", event_tag("ZOË"),
           hashlib.blake2b(EVENT_CONTEXT + "zoË".encode(), digest_size=32).digest()[:4].hex())

    # Section 6.1: the context lengths and the worked example.
    c.same("recognise context length (6.1)", len(RECOGNISE_CONTEXT), 23)
    c.same("presence context length (6.1)", len(PRESENCE_CONTEXT), 22)
    rk, pk, now, slot = bytes(range(0x40, 0x60)), bytes(range(0xA0, 0xC0)), 1964000000, 3
    c.same("6.1 example: E", epoch_of(now), 2182222)
    c.same("6.1 example: E as 8 bytes", epoch_of(now).to_bytes(8, "big").hex(), "0000000000214c4e")
    c.same("6.1 example: L", lookup(rk, epoch_of(now), slot).hex(), "8004fb45643c")
    c.same("6.1 example: B", binding(rk, epoch_of(now), slot, pk).hex(), "ccfbaf75e15d")
    c.same("6.1 example: r", recognition_tag(rk, pk, now, slot), "gAT7RWQ8zPuvdeFd")

    # Section 2: the longest record is 4 + 35 + 8 + 119 + 11 + 19 = 196 bytes.
    longest = build_record(h="H" * HANDLE_MAX, s="quiet", t=["t" * 48, "u" * 48, "w" * 18],
                           e="8eb01f67", r="gAT7RWQ8zPuvdeFd")
    c.same("the longest record (2)", len(longest), 196)
    c.same("the longest record reads back", verdict_of(longest)[0], "ok")


def check_records(c):
    full = build_record(h="Ada", s="open", t=["intranets", "wikis"], e="8eb01f67",
                        r="gAT7RWQ8zPuvdeFd")
    want = {"h": "Ada", "s": "open", "t": ["intranets", "wikis"], "e": "8eb01f67",
            "r": "gAT7RWQ8zPuvdeFd"}
    pad = s("x=" + "y" * 100)
    cases = [
        ("a full record", full, ("ok", want)),
        ("v=2 alone", s("v=2"), ("ok", {})),
        ("keys in another order", s("r=gAT7RWQ8zPuvdeFd") + s("h=Ada") + s("v=2"),
         ("ok", {"h": "Ada", "r": "gAT7RWQ8zPuvdeFd"})),
        ("empty strings are skipped", b"\x00" + s("v=2") + b"\x00" + s("h=Ada") + b"\x00",
         ("ok", {"h": "Ada"})),
        # Rule 1.
        ("200 bytes", s("v=2") + pad + s("z=" + "y" * (200 - 4 - 103 - 3)), ("ok", {})),
        ("201 bytes", s("v=2") + pad + s("z=" + "y" * (201 - 4 - 103 - 3)), "refused"),
        # Rule 2.
        ("a length past the end", s("v=2") + b"\x09h=Ada", "refused"),
        ("a length byte alone at the end", s("v=2") + b"\x01", "refused"),
        # Rule 4.
        ("an empty key", s("v=2") + s("=x"), "refused"),
        ("a key of '=' alone", s("v=2") + s("="), "refused"),
        ("a key with DEL", s("v=2") + s(b"a\x7f=1"), "refused"),
        ("a key with a control byte", s("v=2") + s(b"a\x1f=1"), "refused"),
        ("a key with a UTF-8 byte", s("v=2") + s("é=1"), "refused"),
        ("a bare key with a byte above 7e", s("v=2") + s(b"\xff"), "refused"),
        ("a key with a space is a key", s("v=2") + s("a b=1"), ("ok", {})),
        ("a value may hold '='", s("v=2") + s("h=a=b"), ("ok", {"h": "a=b"})),
        # Rule 4 (case) and 5 (first wins).
        ("V=2 is v=2", s("V=2") + s("H=Ada"), ("ok", {"h": "Ada"})),
        ("first h wins", s("v=2") + s("h=Ada") + s("h=Bo"), ("ok", {"h": "Ada"})),
        ("first h wins, without case", s("v=2") + s("H=Ada") + s("h=Bo"), ("ok", {"h": "Ada"})),
        ("a later bad h is ignored", s("v=2") + s("h=Ada") + s("h=" + "x" * 40), ("ok", {"h": "Ada"})),
        ("first v wins: v=2 then v=1", s("v=2") + s("v=1"), ("ok", {})),
        ("first v wins: v=1 then v=2", s("v=1") + s("v=2"), "ignored"),
        ("first r wins", s("v=2") + s("r=gAT7RWQ8zPuvdeFd") + s("R=bad"),
         ("ok", {"r": "gAT7RWQ8zPuvdeFd"})),
        # Rule 6.
        ("unknown keys are ignored", s("v=2") + s("k=anything") + s("zz"), ("ok", {})),
        ("a bare h is ignored", s("v=2") + s("h"), ("ok", {})),
        # A bare key is its first occurrence (RFC 6763 6.4: present, with no value), so a
        # later h=... is ignored too. txt.md does not say so in as many words.
        ("a bare h, then h=Ada", s("v=2") + s("h") + s("h=Ada"), ("ok", {})),
        # Rule 7.
        ("v=1 is not version 2", s("v=1") + s("h=Ada"), "ignored"),
        ("no v", s("h=Ada"), "ignored"),
        ("a bare v", s("v") + s("h=Ada"), "ignored"),
        ("v=02", s("v=02"), "ignored"),
        ("v=2 with a space", s("v=2 "), "ignored"),
        ("an empty record", b"", "ignored"),
        # Rule 8: h.
        ("h=", s("v=2") + s("h="), "refused"),
        ("h of 32 bytes", s("v=2") + s("h=" + "x" * 32), ("ok", {"h": "x" * 32})),
        ("h of 33 bytes", s("v=2") + s("h=" + "x" * 33), "refused"),
        ("h blank", s("v=2") + s("h=   "), "refused"),
        ("h with a bidi override", s("v=2") + s("h=Ada\u202e"), "refused"),
        ("h with a line feed", s("v=2") + s("h=Ada\nBo"), "refused"),
        ("h of bad UTF-8", s("v=2") + s(b"h=Ad\xc3"), "refused"),
        ("h with ZWJ (allowed by card.md 8.2)", s("v=2") + s("h=a\u200db"), ("ok", {"h": "a\u200db"})),
        # Rule 8: t.
        ("t with a space after the comma", s("v=2") + s("t=a, b"), ("ok", {"t": ["a", " b"]})),
        ("t=", s("v=2") + s("t="), "refused"),
        ("t with an empty topic", s("v=2") + s("t=a,,b"), "refused"),
        ("t ending in a comma", s("v=2") + s("t=a,"), "refused"),
        ("t with a blank topic", s("v=2") + s("t=a, "), "refused"),
        ("a topic of 48 bytes", s("v=2") + s("t=" + "x" * 48), ("ok", {"t": ["x" * 48]})),
        ("a topic of 49 bytes", s("v=2") + s("t=" + "x" * 49), "refused"),
        ("t of 116 bytes", s("v=2") + s("t=" + ",".join(["x" * 38] * 3)),
         ("ok", {"t": ["x" * 38] * 3})),
        ("t of 117 bytes", s("v=2") + s("t=" + ",".join(["x" * 38] * 3) + "x"), "refused"),
        # Rule 8: e.
        ("e upper-case", s("v=2") + s("e=8EB01F67"), "refused"),
        ("e of 7 digits", s("v=2") + s("e=8eb01f6"), "refused"),
        ("e of 9 digits", s("v=2") + s("e=8eb01f678"), "refused"),
        ("e not hex", s("v=2") + s("e=8eb01f6g"), "refused"),
        # Rule 8: r.
        ("r of 15 characters", s("v=2") + s("r=gAT7RWQ8zPuvdeF"), "refused"),
        ("r of 17 characters", s("v=2") + s("r=gAT7RWQ8zPuvdeFdA"), "refused"),
        ("r with '=' padding", s("v=2") + s("r=gAT7RWQ8zPuvde=="), "refused"),
        ("r with '+' (base64, not base64url)", s("v=2") + s("r=gAT7RWQ8zPuvde+d"), "refused"),
        ("r with '/'", s("v=2") + s("r=gAT7RWQ8zPuvde/d"), "refused"),
        ("r with '-' and '_'", s("v=2") + s("r=gAT7RWQ8zPuvde-_"), ("ok", {"r": "gAT7RWQ8zPuvde-_"})),
        ("r=", s("v=2") + s("r="), "refused"),
        # Rule 8: s.
        ("s=quiet", s("v=2") + s("s=quiet"), ("ok", {"s": "quiet"})),
        ("s=busy is no status", s("v=2") + s("s=busy"), ("ok", {})),
        ("s=OPEN is no status", s("v=2") + s("s=OPEN"), ("ok", {})),
    ]
    for name, record, want in cases:
        got = verdict_of(record)
        if isinstance(want, str):
            c.same(f"record '{name}'", got[0], want)
        else:
            c.same(f"record '{name}'", got, want)


def check_recognition(c):
    t0 = 1964000000
    ada_rk, bo_rk = bytes(range(0x40, 0x60)), bytes(range(0x60, 0x80))
    ada_pk, other_pk = bytes(range(0xA0, 0xC0)), bytes(range(0xC0, 0xE0))
    me = Recogniser({"Ada": ada_rk, "Bo": bo_rk}, t0)
    c.same("table size: 2 contacts x 3 epochs x 8 slots", len(me.table), 48)
    for dt, want in ((0, True), (-900, True), (900, True), (-1800, False), (1800, False)):
        tag = recognition_tag(ada_rk, ada_pk, t0 + dt, 5)
        match = me.recognise(tag)
        c.same(f"Ada's tag {dt:+d} s away recognised", match is not None, want)
        if match:
            c.same(f"as Ada, slot 5, {dt:+d} s", (match[0], match[1] - epoch_of(t0), match[2]),
                   ("Ada", dt // 900, 5))
    stranger = recognition_tag(bytes(32), ada_pk, t0, 5)
    c.same("a stranger's tag is not recognised", me.recognise(stranger), None)
    tag = recognition_tag(ada_rk, ada_pk, t0, 2)
    match = me.recognise(tag)
    c.same("B' over the published presence key passes", me.presence_ok(tag, match, ada_pk), True)
    c.same("B' over another presence key fails (copied tag)",
           me.presence_ok(tag, match, other_pk), False)
    c.same("slots give different tags",
           len({recognition_tag(ada_rk, ada_pk, t0, k) for k in range(SLOTS)}), SLOTS)
    c.same("epochs give different tags",
           recognition_tag(ada_rk, ada_pk, t0, 2) != recognition_tag(ada_rk, ada_pk, t0 + 900, 2), True)
    c.same("a tag reads as a record's r",
           verdict_of(build_record(r=tag))[1], {"r": tag})
    # Refreshing to the next epoch computes one new epoch and drops the oldest.
    me.refresh(t0 + 900)
    c.same("after the refresh, still 48 entries", len(me.table), 48)
    c.same("after the refresh, +1800 s is recognised",
           me.recognise(recognition_tag(ada_rk, ada_pk, t0 + 1800, 1)) is not None, True)
    c.same("after the refresh, -900 s is not",
           me.recognise(recognition_tag(ada_rk, ada_pk, t0 - 900, 1)), None)


def main(argv):
    c = Checker()
    check_spec_examples(c)
    check_records(c)
    check_recognition(c)
    print(f"advert: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
