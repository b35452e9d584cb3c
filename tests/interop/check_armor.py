#!/usr/bin/env python3
"""A second reader of armored cards and introductions, written from proto/card.md section
16.1 and proto/introduction.md section 9 alone, replays proto/vectors/armor.json: every
block's line, label, verdict, line at fault and bytes. It also
armors the card vector "minimal" as an encoder must and finds the specification's own
example in proto/card.md. Argument: the source root."""
import base64
import binascii
import json
import re
import sys

BEGIN = "-----BEGIN WALLFLOWER CARD-----"
END = "-----END WALLFLOWER CARD-----"
# The label of each BEGIN and END line: a block ends only at its own label's END.
BEGINS = {BEGIN: "card", "-----BEGIN WALLFLOWER INTRODUCTION-----": "introduction"}
ENDS = {END: "card", "-----END WALLFLOWER INTRODUCTION-----": "introduction"}
MAX_BYTES = 4096
MAX_LINE = 76
ALPHABET = re.compile(r"^[A-Za-z0-9+/=]*$")


def strip(line):
    """A line without its quote prefix (spaces, tabs, '>') and trailing blanks (and CR)."""
    return line.rstrip(" \t\r").lstrip(" \t>")


def decode_b64(s):
    """Strict standard base64: canonical, padded; None when refused."""
    if len(s) % 4 != 0 or not s:
        return None
    try:
        data = base64.b64decode(s, validate=True)
    except binascii.Error:
        return None
    return data if base64.b64encode(data).decode() == s else None


def read(text):
    blocks, cur = [], None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for no, raw in enumerate(lines, 1):
        line = strip(raw)
        if line in BEGINS:
            if cur is not None and cur["fault"] is None:
                cur["fault"], cur["fault_line"] = "no-end", no
            cur = {"line": no, "label": BEGINS[line], "fault": None, "fault_line": 0, "b64": ""}
            blocks.append(cur)
            continue
        if cur is None:
            continue
        if line in ENDS and ENDS[line] != cur["label"]:
            if cur["fault"] is None:
                cur["fault"], cur["fault_line"] = "no-end", no
            cur = None
            continue
        if line in ENDS:
            if cur["fault"] is None:
                if not cur["b64"]:
                    cur["fault"], cur["fault_line"] = "empty", no
                else:
                    data = decode_b64(cur["b64"])
                    if data is None:
                        cur["fault"], cur["fault_line"] = "padding", no - 1
                    elif len(data) > MAX_BYTES:
                        cur["fault"], cur["fault_line"] = "too-big", no - 1
                    else:
                        cur["data"] = data
            cur = None
            continue
        if cur["fault"] is not None:
            continue
        if not line:
            cur["fault"], cur["fault_line"] = "blank-line", no
        elif len(line) > MAX_LINE:
            cur["fault"], cur["fault_line"] = "long-line", no
        elif not ALPHABET.match(line):
            cur["fault"], cur["fault_line"] = "bad-char", no
        else:
            cur["b64"] += line
    if cur is not None and cur["fault"] is None:
        cur["fault"], cur["fault_line"] = "no-end", len(lines)
    return blocks


def main(root):
    doc = json.load(open(root + "/proto/vectors/armor.json"))
    bad = 0
    for v in doc["vectors"]:
        got = []
        for b in read(v["text"]):
            g = {"line": b["line"]}
            if b["label"] != "card":
                g["label"] = b["label"]
            if b["fault"] is None:
                g.update({"verdict": "ok", "data": b["data"].hex()})
            else:
                g.update({"verdict": b["fault"], "fault_line": b["fault_line"]})
            got.append(g)
        if got != v["blocks"]:
            print("not ok: %s: got %s" % (v["name"], got))
            bad = 1
    env = bytes.fromhex(json.load(open(root + "/proto/vectors/cards.json"))["vectors"][0]["envelope"])
    b = base64.b64encode(env).decode()
    armored = "\n".join([BEGIN] + [b[i:i + 64] for i in range(0, len(b), 64)] + [END]) + "\n"
    if "```\n" + armored + "```" not in open(root + "/proto/card.md").read():
        print("not ok: proto/card.md's armored example is not the vector armored")
        bad = 1
    print("%d armor vectors replayed" % len(doc["vectors"]))
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
