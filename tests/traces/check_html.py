#!/usr/bin/env python3
"""tests/traces/check_html.py: the HTML export, opened in headless Chromium,
draws the lanes, slices, instants and flows of the sample timeline.

usage: check_html.py EXPORT_SAMPLE_BINARY
Exits 77 (ctest SKIP_RETURN_CODE) when no Chromium is installed, except
under CI (the CI environment variable set), where that is a failure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
# Offline, no profile state, no background traffic; root needs --no-sandbox.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1200,600"]


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def main():
    browser = find_chromium()
    if browser is None:
        if "CI" in os.environ:
            sys.exit("CI: chromium is not installed (scripts/deps.sh installs it); this test may not be skipped")
        print("chromium not installed: skipped")
        sys.exit(SKIP)
    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as profile:
        out = subprocess.run([sys.argv[1], d], check=True, capture_output=True, text=True).stdout
        want = dict(zip(("lanes", "slices", "instants", "flows"),
                        map(int, re.search(r"lanes=(\d+) slices=(\d+) instants=(\d+) flows=(\d+)", out).groups())))
        dom = subprocess.run([browser] + FLAGS + ["--user-data-dir=" + profile, "--dump-dom",
                                                  "file://" + d + "/sample.html"],
                             check=True, capture_output=True, text=True, timeout=120).stdout
    body = re.search(r"<body([^>]*)>", dom)
    if body is None:
        sys.exit("no <body> in the dumped DOM:\n" + dom[:2000])
    attrs = dict(re.findall(r'data-(\w+)="([^"]*)"', body.group(1)))
    problems = []
    if attrs.get("drawn") != "1":
        problems.append("the page did not finish drawing: %r" % attrs)
    for key, n in want.items():
        if attrs.get(key) != str(n):
            problems.append("data-%s=%r, want %d" % (key, attrs.get(key), n))
    lanes = re.findall(r'<div class="lane [a-z]+" data-lane="([^"]+)">', dom)
    if lanes != ["P0", "P1", "M0", "M1", "driver"]:
        problems.append("lane labels: %r" % lanes)
    if problems:
        sys.exit("\n".join(problems))
    print("html export ok:", attrs)


main()
