#!/usr/bin/env python3
"""Pictures for tests/cli/test_handover.sh (python3-pil, python3-vobject).

  qrtool.py halfblock TEXT PNG        half-block terminal text (ANSI colours) as a picture
  qrtool.py svg SVG PNG               our SVG's path drawn as a picture
  qrtool.py photo PNG JPEG            a photo-like JPEG: scaled, rotated, blurred, on grey
  qrtool.py pair A.png B.png PNG      two pictures side by side
  qrtool.py invert PNG OUT.png        light on dark, as a dark terminal draws a code
  qrtool.py vcard VCF NAME ORG EMAIL  parses a vCard with vobject and checks those fields
"""
import re
import sys
import xml.etree.ElementTree as ET

from PIL import Image, ImageFilter

SCALE = 8


def halfblock(text, png):
    rows = []
    for line in open(text, encoding="utf-8").read().split("\n"):
        line = re.sub(r"\x1b\[[0-9;]*m", "", line)
        if not line:
            continue
        top, bottom = [], []
        for ch in line:
            t, b = {" ": (0, 0), "\u2584": (0, 1), "\u2580": (1, 0), "\u2588": (1, 1)}[ch]
            top.append(t)
            bottom.append(b)
        rows += [top, bottom]
    draw(rows, png)


def draw(rows, png):
    w, h = max(len(r) for r in rows), len(rows)
    img = Image.new("L", (w * SCALE, h * SCALE), 255)
    for y, r in enumerate(rows):
        for x, dark in enumerate(r):
            if dark:
                img.paste(0, (x * SCALE, y * SCALE, (x + 1) * SCALE, (y + 1) * SCALE))
    img.save(png)


def svg(path, png):
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
    side = int(root.get("viewBox").split()[2])
    rows = [[0] * side for _ in range(side)]
    d = root.find("{http://www.w3.org/2000/svg}path").get("d")
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", d):
        for i in range(int(run)):
            rows[int(y)][int(x) + i] = 1
    draw(rows, png)


def photo(png, jpeg):
    img = Image.open(png).convert("L")
    img = img.resize((img.width * 3 // 4, img.height * 3 // 4), Image.BILINEAR)
    img = img.rotate(7, resample=Image.BICUBIC, expand=True, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    canvas = Image.new("L", (img.width + 300, img.height + 200), 150)
    canvas.paste(img, (170, 60))
    canvas.convert("RGB").save(jpeg, "JPEG", quality=70)


def pair(a, b, png):
    a, b = Image.open(a).convert("L"), Image.open(b).convert("L")
    img = Image.new("L", (a.width + b.width, max(a.height, b.height)), 255)
    img.paste(a, (0, 0))
    img.paste(b, (a.width, 0))
    img.save(png)


def invert(png, out):
    from PIL import ImageOps

    ImageOps.invert(Image.open(png).convert("L")).save(out)


def vcard(path, name, org, email):
    import vobject

    v = vobject.readOne(open(path, encoding="utf-8").read())
    assert v.fn.value == name, v.fn.value
    assert v.org.value == [org], v.org.value
    assert v.email.value == email, v.email.value
    assert v.version.value == "3.0", v.version.value


if __name__ == "__main__":
    {"halfblock": halfblock, "svg": svg, "photo": photo, "pair": pair, "invert": invert, "vcard": vcard}[
        sys.argv[1]
    ](*sys.argv[2:])
