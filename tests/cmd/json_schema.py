#!/usr/bin/env python3
"""Every --json output matches its table in docs/json.md.

Runs each reporting command with --json over real runs and traces (an ok
run, an invariant violation, a dump, a damaged dump, an identical replay,
a diverging replay, a replay --at), parses the one line it prints, and
checks it against the `## gmpsim.<doc>/<v>` table of docs/json.md: every
key present is documented, every key not marked *optional* is present,
every value has the documented type.  Also checks that the schema member
comes first and that every documented document was exercised.

usage: json_schema.py GMPSIM DOCS/JSON.MD WORKDIR
"""
import json
import os
import re
import struct
import subprocess
import sys

ROW = re.compile(r"^\| `([^`]+)` \| ((?:[^|\\]|\\\|)+?) \| (.*)\|$")


def tables(path):
    """{section title: {key: (types, optional)}} from the Markdown tables."""
    out, cur = {}, None
    for line in open(path, encoding="utf-8"):
        if line.startswith("## "):
            cur = line[3:].strip()
            out[cur] = {}
            continue
        m = ROW.match(line.rstrip("\n"))
        if cur and m:
            types = m.group(2).replace("\\|", "|").strip().split("|")
            out[cur][m.group(1)] = (types, "*optional*" in m.group(3))
    return out


def has_type(v, t, docs):
    if t == "null":
        return v is None
    if t == "string":
        return isinstance(v, str)
    if t == "int":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "bool":
        return isinstance(v, bool)
    if t == "hex":
        return isinstance(v, str) and re.fullmatch(r"[0-9a-f]{16}", v) is not None
    if t == "object":
        return isinstance(v, dict)
    if t == "array":
        return isinstance(v, list)
    if t in docs:   # a document of its own (event)
        return isinstance(v, dict) and not check(v, docs[t], docs, t)
    raise SystemExit(f"docs/json.md: unknown type {t}")


def check(doc, table, docs, where):
    """Problems of doc against table, as strings."""
    bad = []

    def walk(obj, prefix):
        for k, v in obj.items():
            key = prefix + k
            if key not in table:
                bad.append(f"{where}: key {key} is not in docs/json.md")
                continue
            types, _ = table[key]
            if not any(has_type(v, t, docs) for t in types):
                bad.append(f"{where}: {key}={json.dumps(v)[:80]} is not {'|'.join(types)}")
                continue
            if isinstance(v, dict) and any(x.startswith(key + ".") for x in table):
                walk(v, key + ".")
            if isinstance(v, list) and any(x.startswith(key + "[].") for x in table):
                for el in v:
                    walk(el, key + "[].")

    walk(doc, "")
    for key, (_, optional) in table.items():
        if optional or "." in key:
            continue
        if key not in doc:
            bad.append(f"{where}: documented key {key} is missing")
    return bad


def xxh32(data, seed=0):
    P1, P2, P3, P4, P5 = 2654435761, 2246822519, 3266489917, 668265263, 374761393
    M = 0xFFFFFFFF
    rotl = lambda x, r: ((x << r) | (x >> (32 - r))) & M
    n, i = len(data), 0
    if n >= 16:
        v = [(seed + P1 + P2) & M, (seed + P2) & M, seed, (seed - P1) & M]
        while i + 16 <= n:
            for j in range(4):
                lane = struct.unpack_from("<I", data, i + 4 * j)[0]
                v[j] = (rotl((v[j] + lane * P2) & M, 13) * P1) & M
            i += 16
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & M
    else:
        h = (seed + P5) & M
    h = (h + n) & M
    while i + 4 <= n:
        h = (rotl((h + struct.unpack_from("<I", data, i)[0] * P3) & M, 17) * P4) & M
        i += 4
    while i < n:
        h = (rotl((h + data[i] * P5) & M, 11) * P1) & M
        i += 1
    h ^= h >> 15
    h = (h * P2) & M
    h ^= h >> 13
    h = (h * P3) & M
    return h ^ (h >> 16)


def reseed(src, dst):
    """A copy of trace src whose CONF says another seed (same length), with
    the header checksum recomputed: replaying it by seed diverges."""
    b = bytearray(open(src, "rb").read())
    nsec = struct.unpack_from("<H", b, 10)[0]
    off = 12
    for _ in range(nsec):
        sid, ln = struct.unpack_from("<II", b, off)
        if sid.to_bytes(4, "little") == b"CONF":
            body = bytes(b[off + 8:off + 8 + ln])
            assert body.startswith(b"seed=1\n"), body[:20]
            b[off + 8:off + 8 + 7] = b"seed=2\n"
        off += 8 + ln
    struct.pack_into("<I", b, off, xxh32(bytes(b[:off])))
    open(dst, "wb").write(b)


def main():
    gmpsim, docpath, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    docs = tables(docpath)
    trace = os.path.join(work, "t.gmt")
    cut = os.path.join(work, "cut.gmt")
    other = os.path.join(work, "other.gmt")
    subprocess.run([gmpsim, "run", "builtin:worker_pool", "--procs", "3", "--trace", trace],
                   check=True, capture_output=True)
    data = open(trace, "rb").read()
    open(cut, "wb").write(data[:len(data) - 7])
    reseed(trace, other)
    trace2 = os.path.join(work, "t2.gmt")
    subprocess.run([gmpsim, "run", "builtin:worker_pool", "--procs", "2", "--trace", trace2],
                   check=True, capture_output=True)
    cases = [
        (["run", "builtin:pingpong"], 0),
        (["run", "builtin:spawn_storm", "--check", "--mutant", "runqputslow-forgets-g"], 3),
        (["dump", trace, "--kind", "gopark,execute", "--to", "200"], 0),
        (["dump", cut, "--prefix"], 8),
        (["replay", trace], 0),
        (["replay", other, "--seed-only"], 9),
        (["replay", trace, "--at", "40"], 0),
        (["diff", trace, trace2], 1),
        (["version"], 0),
        (["mutants"], 0),
        (["builtins"], 0),
        (["sweep", "--seeds", "1", "--vary"], 0),
        (["export", trace, "--html", os.path.join(work, "t.html"), "--to", "300"], 0),
        (["campaign", "--runs", "20", "--jobs", "1", "--scenario", "builtin:spawn_storm", "--mutant",
          "runqputslow-forgets-g", "--out", os.path.join(work, "campaign")], 3),
    ]
    bad, seen = [], set()
    for args, code in cases:
        p = subprocess.run([gmpsim] + args + ["--json"], capture_output=True, text=True)
        where = "gmpsim " + " ".join(args) + " --json"
        if p.returncode != code:
            bad.append(f"{where}: exit {p.returncode}, want {code}: {p.stderr.strip()}")
            continue
        lines = p.stdout.splitlines()
        if len(lines) != 1:
            bad.append(f"{where}: {len(lines)} lines of output, want one JSON line")
            continue
        doc = json.loads(lines[0])
        schema = doc.get("schema", "")
        if next(iter(doc), None) != "schema" or schema not in docs:
            bad.append(f"{where}: schema {schema!r} first and documented in docs/json.md")
            continue
        seen.add(schema)
        bad += check(doc, docs[schema], docs, where)
        if args[0] == "replay" and code == 9:
            if doc["outcome"] != "diverged" or doc["recorded"] == doc["re_run"]:
                bad.append(f"{where}: a divergence names two different events")
    for title in docs:
        if title.startswith("gmpsim.") and title not in seen:
            bad.append(f"docs/json.md documents {title} but no case produced it")
    for b in bad:
        print("FAIL:", b)
    if bad:
        sys.exit(1)
    print(f"json schema: {len(cases)} outputs match docs/json.md ({', '.join(sorted(seen))})")


main()
