#!/usr/bin/env python3
"""The timeline points at the failure, as a person sees it.

Records a run that violates an invariant (a seeded bug), exports it with
`gmpsim export --html --perfetto`, opens the page in headless Chromium,
and checks:
  - the page says it drew the failure inside the canvas (data-failure-visible);
  - a screenshot shows the red failure line: a column of pure red pixels
    (#ff0000, used for nothing else) down the lanes, where the page says;
  - every P and M has a lane;
  - the Perfetto file has the same failure, as a global instant with the
    same text as the page's banner;
  - the controls, driven through the URL (#event=N&search=Q&lanes=g): the
    jump selects event N, the search for "gopark" finds as many events as
    `gmpsim dump --kind gopark` lists, and the lanes become one per G.

usage: check_timeline_failure.py GMPSIM WORKDIR
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1200,700", "--force-device-scale-factor=1"]
LABELS_PX = 70   # the lane-name column left of the canvas (viewer.html #labels)


def png_rgb(path):
    """(width, height, rows of (r, g, b) bytes) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat, w = 8, b"", 0
    while at < len(data):
        n, typ = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + n]
        if typ == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "PNG colour type %d depth %d" % (ctype, depth)
            bpp = 3 if ctype == 2 else 4
        elif typ == b"IDAT":
            idat += body
        at += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[i] for k in range(w) for i in (k * bpp, k * bpp + 1, k * bpp + 2)))
        prev = line
    return w, h, rows


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    sys.exit("chromium is not installed (scripts/deps.sh installs it)")


def main():
    gmpsim, w = sys.argv[1], sys.argv[2]
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(w)
    trace, html, pf = (os.path.join(w, n) for n in ("t.gmt", "t.html", "t.json"))
    r = subprocess.run([gmpsim, "run", "builtin:spawn_storm", "--procs", "2", "--check", "--mutant",
                        "runqputslow-forgets-g", "--trace", trace], capture_output=True, text=True)
    if r.returncode != 3:
        sys.exit("the seeded bug was not caught (exit %d): %s" % (r.returncode, r.stdout[:300]))
    subprocess.run([gmpsim, "export", trace, "--html", html, "--perfetto", pf], check=True, capture_output=True)
    browser, profile = chromium(), os.path.join(w, "profile")
    dom = subprocess.run([browser] + FLAGS + ["--user-data-dir=" + profile, "--dump-dom", "file://" + html],
                         check=True, capture_output=True, text=True, timeout=120).stdout
    shot = os.path.join(w, "shot.png")
    subprocess.run([browser] + FLAGS + ["--user-data-dir=" + profile, "--screenshot=" + shot, "file://" + html],
                   check=True, capture_output=True, timeout=120)
    body = dict(re.findall(r'data-([\w-]+)="([^"]*)"', re.search(r"<body([^>]*)>", dom).group(1)))
    problems = []
    if body.get("drawn") != "1" or body.get("failure-visible") != "1":
        problems.append("the page did not draw the failure in view: %r" % body)
    lanes = re.findall(r'<div class="lane [a-z]+" data-lane="([^"]+)">', dom)
    if not {"P0", "P1", "M0"} <= set(lanes):
        problems.append("lanes %r: every P and M must have one" % lanes)
    banner = re.search(r'<div id="failure"[^>]*>([^<]*)</div>', dom)
    if banner is None or "FAILURE: invariant" not in banner.group(1):
        problems.append("no failure banner: %r" % (banner.group(0) if banner else dom[:300]))
    width, height, rows = png_rgb(shot)
    x_page = LABELS_PX + int(body.get("failure-x", "-1000"))
    red_cols = {}
    for y in range(height):
        row = rows[y]
        for x in range(width):
            if row[3 * x:3 * x + 3] == b"\xff\x00\x00":
                red_cols[x] = red_cols.get(x, 0) + 1
    tall = [x for x, n in red_cols.items() if n >= 3 * 22]   # as tall as three lanes
    if not any(abs(x - x_page) <= 3 for x in tall):
        problems.append("no red failure line near x=%d in the screenshot (tall red columns: %r)" % (x_page, tall[:10]))
    events = json.load(open(pf))["traceEvents"]
    marks = [e for e in events if e.get("cat") == "failure" and e.get("s") == "g"]
    if len(marks) != 1:
        problems.append("Perfetto: %d global failure instants, want 1" % len(marks))
    elif banner is not None and marks[0]["name"] not in banner.group(1):
        problems.append("Perfetto names the failure %r, the page %r" % (marks[0]["name"], banner.group(1)))
    fseq = int(re.search(r'FAILURE: .* at event #(\d+)', banner.group(1)).group(1)) if banner else 0
    dumped = subprocess.run([gmpsim, "dump", trace, "--kind", "gopark", "--json"], check=True,
                            capture_output=True, text=True).stdout
    nparks = len(json.loads(dumped)["shown"])
    dom2 = subprocess.run([browser] + FLAGS + ["--user-data-dir=" + profile, "--dump-dom",
                                               "file://" + html + "#event=%d&search=gopark&lanes=g" % fseq],
                          check=True, capture_output=True, text=True, timeout=120).stdout
    body2 = dict(re.findall(r'data-([\w-]+)="([^"]*)"', re.search(r"<body([^>]*)>", dom2).group(1)))
    glanes = re.findall(r'<div class="lane g" data-lane="(G\d+)">', dom2)
    if body2.get("selected") != str(fseq):
        problems.append("#event=%d selected %r" % (fseq, body2.get("selected")))
    if body2.get("matches") != str(nparks) or nparks == 0:
        problems.append("search gopark: %r matches, dump lists %d" % (body2.get("matches"), nparks))
    if len(glanes) < 2 or body2.get("lanes") != str(len(glanes)):
        problems.append("lanes=g: %d G lanes, data-lanes %r" % (len(glanes), body2.get("lanes")))
    if problems:
        sys.exit("\n".join(problems))
    print("timeline failure marker ok: x=%d, %d tall red columns, lanes %s; jump, search (%d gopark), %d G lanes"
          % (x_page, len(tall), " ".join(lanes), nparks, len(glanes)))


main()
