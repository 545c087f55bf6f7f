#!/usr/bin/env python3
"""tests/traces/check_perfetto.py: the Perfetto export parses as JSON and
has the tracks, slices, instants and flows of the sample timeline.

usage: check_perfetto.py EXPORT_SAMPLE_BINARY
"""
import json
import re
import subprocess
import sys
import tempfile


def expected(out):
    m = re.search(r"expect lanes=(\d+) slices=(\d+) instants=(\d+) flows=(\d+)", out)
    if not m:
        sys.exit("export_sample printed no expectations:\n" + out)
    return dict(zip(("lanes", "slices", "instants", "flows"), map(int, m.groups())))


def main():
    with tempfile.TemporaryDirectory() as d:
        out = subprocess.run([sys.argv[1], d], check=True, capture_output=True, text=True).stdout
        want = expected(out)
        with open(d + "/sample.json") as f:
            doc = json.load(f)
    events = doc["traceEvents"]
    by_ph = {}
    for e in events:
        by_ph.setdefault(e["ph"], []).append(e)
    threads = sorted(e["args"]["name"] for e in by_ph["M"] if e["name"] == "thread_name")
    problems = []
    if threads != sorted(["P0", "P1", "M0", "M1", "driver"]):
        problems.append("thread names: %r" % threads)
    if len(threads) != want["lanes"]:
        problems.append("lanes: %d, want %d" % (len(threads), want["lanes"]))
    for ph, key in (("X", "slices"), ("i", "instants"), ("s", "flows"), ("f", "flows")):
        if len(by_ph.get(ph, [])) != want[key]:
            problems.append("%s events: %d, want %d" % (ph, len(by_ph.get(ph, [])), want[key]))
    for e in by_ph.get("X", []):
        if not isinstance(e["ts"], float) or e["dur"] < 0 or not e["name"].startswith("G"):
            problems.append("bad slice %r" % e)
    starts = {e["id"] for e in by_ph.get("s", [])}
    ends = {e["id"] for e in by_ph.get("f", [])}
    if starts != ends:
        problems.append("flow ids do not pair: %r %r" % (starts, ends))
    if not any(e["name"] == "gopark chan receive" for e in by_ph.get("i", [])):
        problems.append("no 'gopark chan receive' instant")
    if problems:
        sys.exit("\n".join(problems))
    print("perfetto export ok: %d trace events" % len(events))


main()
