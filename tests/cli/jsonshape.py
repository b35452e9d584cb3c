#!/usr/bin/env python3
"""jsonshape.py: checks JSON documents against the shapes docs/json.md declares.

docs/json.md gives each document's shape in ```text blocks, one entry a line (lines that
start with spaces go on with the entry before): a name (the command, or a shape others
use) and, after two spaces or on the next line, its members:

    note CONTACT --json       {"schema", "notes": [{"id", "date", "at", "text"}]}

Its section "Reading the shapes" is the notation's definition. Usage:

    jsonshape.py names DOC              the names of DOC's shapes, one a line
    jsonshape.py check DOC NAME FILE [--empty-ok]
                                        FILE is one document of shape NAME
    jsonshape.py lines DOC NAME FILE    each line of FILE is one compact document of NAME
    jsonshape.py tables DOC             each member table names the members its
                                        section's first shape has

check and lines also want "schema": 1 first, and at least one item in every array of
objects the shape declares (else nothing would check the items' members), unless
--empty-ok. Exit status 0
when all holds; else 1, with what differs on standard error."""
import json
import re
import sys

TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool}


class ShapeError(Exception):
    pass


def blocks(text):
    """The ```text blocks of text: a list of (heading, [entry lines joined])."""
    out, heading, inside, entries = [], "", False, None
    for line in text.splitlines():
        if not inside and line.startswith("#"):
            heading = line.lstrip("#").strip()
        if line.startswith("```"):
            if not inside and line.strip() == "```text":
                inside, entries = True, []
            elif inside:
                inside = False
                out.append((heading, entries))
            continue
        if inside:
            if line[:1].isspace() and entries:
                entries[-1] += "  " + line.strip()
            elif line.strip():
                entries.append(line.rstrip())
    return out


TOKEN = re.compile(r'\s*(\.\.\.|[{}\[\],:?]|"[^"]*"|[A-Za-z][\w-]*)')


def tokens(s):
    pos, out = 0, []
    s = s.rstrip()
    while pos < len(s):
        m = TOKEN.match(s, pos)
        if m is None:
            raise ShapeError("cannot read the shape at %r" % s[pos:])
        out.append(m.group(1))
        pos = m.end()
    return out


def parse(s):
    t = tokens(s)
    v, i = value(t, 0)
    if i != len(t):
        raise ShapeError("more after the shape: %r" % t[i:])
    return v


def value(t, i):
    if i >= len(t):
        raise ShapeError("a shape ends too soon")
    if t[i] == "{":
        return obj(t, i + 1)
    if t[i] == "[":
        v, i = value(t, i + 1)
        if i >= len(t) or t[i] != "]":
            raise ShapeError("no ] after an array's item")
        return ("arr", v), i + 1
    if re.fullmatch(r"[A-Za-z][\w-]*", t[i]):
        return ("ref", t[i]), i + 1
    raise ShapeError("unexpected %r" % t[i])


def obj(t, i):
    members, is_open = [], False
    while i < len(t) and t[i] != "}":
        if t[i] == "...":
            if i + 1 < len(t) and re.fullmatch(r"[A-Za-z][\w-]*", t[i + 1]):
                members.append(("...", t[i + 1]))
                i += 2
            else:
                is_open = True
                i += 1
        elif t[i].startswith('"'):
            name, opt, spec = t[i][1:-1], False, None
            i += 1
            if i < len(t) and t[i] == "?":
                opt, i = True, i + 1
            if i < len(t) and t[i] == ":":
                spec, i = value(t, i + 1)
            members.append((name, opt, spec))
        else:
            raise ShapeError("unexpected %r in an object" % t[i])
        if i < len(t) and t[i] == ",":
            i += 1
        elif i < len(t) and t[i] != "}":
            raise ShapeError("no comma before %r" % t[i])
    if i >= len(t):
        raise ShapeError("no } at the end of an object")
    return ("obj", members, is_open), i + 1


def load(path):
    shapes, order = {}, []
    for heading, entries in blocks(open(path, encoding="utf-8").read()):
        for e in entries:
            m = re.match(r"^(.*?)(?:\s{2,}|$)([{\[].*)?$", e)
            name, shape = m.group(1).strip(), m.group(2)
            if shape is None:
                raise ShapeError("%s: no shape for %r" % (heading, name))
            if name in shapes:
                raise ShapeError("%r is declared twice" % name)
            try:
                shapes[name] = parse(shape)
            except ShapeError as err:
                raise ShapeError("%s: %s" % (name, err)) from None
            order.append((heading, name))
    for name, s in shapes.items():
        for ref in refs(s):
            if ref not in shapes and ref not in TYPES:
                raise ShapeError("%s: no shape or type named %r" % (name, ref))
    return shapes, order


def refs(s):
    if s is None:
        return
    if s[0] == "ref":
        yield s[1]
    elif s[0] == "arr":
        yield from refs(s[1])
    else:
        for m in s[1]:
            if m[0] == "...":
                yield m[1]
            else:
                yield from refs(m[2])


def members(shapes, s):
    """An object shape's members, with ...name spliced in."""
    out = []
    for m in s[1]:
        if m[0] == "...":
            out += members(shapes, shapes[m[1]])
        else:
            out.append(m)
    return out


class Checker:
    def __init__(self, shapes):
        self.shapes, self.errors, self.lists, self.seen = shapes, [], set(), set()

    def fail(self, path, msg):
        self.errors.append("%s: %s" % (path or "(document)", msg))

    def check(self, v, s, path, spath):
        if s is None:
            return
        if s[0] == "ref":
            if s[1] in TYPES:
                if not isinstance(v, TYPES[s[1]]) or isinstance(v, bool) != (s[1] == "boolean"):
                    self.fail(path, "%r is not a %s" % (v, s[1]))
                return
            return self.check(v, self.shapes[s[1]], path, spath)
        if s[0] == "arr":
            if not isinstance(v, list):
                return self.fail(path, "not an array")
            item = s[1]
            while item[0] == "ref" and item[1] in self.shapes:
                item = self.shapes[item[1]]
            if item[0] == "obj":
                self.lists.add(spath)
                if v:
                    self.seen.add(spath)
            for i, x in enumerate(v):
                self.check(x, s[1], "%s[%d]" % (path, i), spath + "[]")
            return
        if not isinstance(v, dict):
            return self.fail(path, "not an object")
        mem = members(self.shapes, s)
        names = [m[0] for m in mem]
        got = list(v)
        extra = [k for k in got if k not in names]
        if extra and not s[2]:
            self.fail(path, "members docs/json.md does not declare: %s" % ", ".join(extra))
        missing = [m[0] for m in mem if not m[1] and m[0] not in v]
        if missing:
            self.fail(path, "declared members missing: %s" % ", ".join(missing))
        known = [k for k in got if k in names]
        if known != [n for n in names if n in v]:
            self.fail(path, "members in the order %s, declared %s" % (known, names))
        if s[2] and got[: len(known)] != known:
            self.fail(path, "declared members not first: %s" % got)
        for name, _, spec in mem:
            if name in v:
                self.check(v[name], spec, "%s.%s" % (path, name) if path else name,
                           "%s.%s" % (spath, name))


def check_doc(shapes, name, doc, where, empty_ok=False):
    c = Checker(shapes)
    if not isinstance(doc, dict) or list(doc)[:1] != ["schema"] or doc["schema"] != 1:
        c.fail("", '"schema": 1 is not the first member')
    c.check(doc, shapes[name], "", "")
    for spath in sorted(c.lists - c.seen) if not empty_ok else ():
        c.fail(spath.lstrip("."), "an empty array: nothing checked its items' members")
    for e in c.errors:
        print("%s: %s: %s" % (where, name, e), file=sys.stderr)
    return not c.errors


def tables(path):
    """Each member table (| member | ...) lists exactly the members of the first shape of
    its section, or of its items when it is a listing; "schema" aside unless the table
    has it."""
    shapes, order = load(path)
    first = {}
    for heading, name in order:
        first.setdefault(heading, name)
    ok, heading, rows = True, "", None
    for line in open(path, encoding="utf-8").read().splitlines() + [""]:
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if line.startswith("| member |"):
            rows = []
            continue
        if rows is not None and line.startswith("|"):
            if not line.startswith("|---"):
                rows += re.findall(r"`([^`]+)`", line.split("|")[1])
            continue
        if rows is not None:
            s = shapes[first[heading]]
            # A listing's table is about its items: {"schema", "list": [item]}.
            mem = [m for m in members(shapes, s) if m[0] != "schema"]
            if len(mem) == 1 and mem[0][2] is not None and mem[0][2][0] == "arr":
                s = mem[0][2][1]
                while s[0] == "ref" and s[1] in shapes:
                    s = shapes[s[1]]
            want = [m[0] for m in members(shapes, s)]
            if "schema" not in rows:
                want = [m for m in want if m != "schema"]
            if rows != want:
                print("%s: the table lists %s, the shape %s has %s" % (heading, rows,
                      first[heading], want), file=sys.stderr)
                ok = False
            rows = None
    return ok


def main(argv):
    try:
        if argv[1] == "names":
            for _, name in load(argv[2])[1]:
                print(name)
            return 0
        if argv[1] == "tables":
            return 0 if tables(argv[2]) else 1
        shapes = load(argv[2])[0]
        name, path = argv[3], argv[4]
        if name not in shapes:
            print("docs/json.md declares no %r" % name, file=sys.stderr)
            return 1
        text = open(path, encoding="utf-8").read()
        if argv[1] == "check":
            empty_ok = argv[5:] == ["--empty-ok"]
            return 0 if check_doc(shapes, name, json.loads(text), path, empty_ok) else 1
        if argv[1] == "lines":
            lines = text.splitlines()
            good = bool(lines)
            for i, line in enumerate(lines):
                good &= check_doc(shapes, name, json.loads(line), "%s:%d" % (path, i + 1))
            return 0 if good else 1
    except (ShapeError, ValueError, OSError) as err:
        print("jsonshape: %s" % err, file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
