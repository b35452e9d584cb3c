#!/usr/bin/env python3
"""columns.py FILE [--max N] [--skip K] GROUP...: checks that a text table lines up on a
terminal. Each GROUP is the comma-separated values of one column; every line of FILE
(after the first K) must hold exactly one value of each group, and that value must start at
the same display column on every line. Display width as a terminal draws it, with
Python's own Unicode data (not the C library's): East Asian wide and fullwidth characters
count two columns, combining marks none. --max N: no line is wider than N columns.
Prints what is wrong and exits 1; exits 0 when the table lines up."""
import sys
import unicodedata


def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


args = sys.argv[1:]
path = args.pop(0)
limit = None
skip = 0
while args and args[0].startswith("--"):
    opt = args.pop(0)
    if opt == "--max":
        limit = int(args.pop(0))
    elif opt == "--skip":
        skip = int(args.pop(0))
    else:
        sys.exit("columns.py: unknown option " + opt)
groups = [g.split(",") for g in args]
lines = open(path, encoding="utf-8").read().splitlines()[skip:]
bad = []
if not lines:
    bad.append("no lines")
for g in groups:
    starts = {}
    for n, line in enumerate(lines):
        hits = [v for v in g if v in line]
        if len(hits) != 1:
            bad.append("line %d has %d of %s: %r" % (n + 1 + skip, len(hits), g, line))
            continue
        starts[n] = width(line[: line.index(hits[0])])
    if len(set(starts.values())) > 1:
        bad.append("column %s starts at display columns %s" % (g, sorted(starts.items())))
if limit is not None:
    for n, line in enumerate(lines):
        if width(line) > limit:
            bad.append("line %d is %d columns wide, more than %d: %r"
                       % (n + 1 + skip, width(line), limit, line))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
