#!/usr/bin/env python3
"""Every command block of README.md and docs/*.md runs as written.

A command block is a fenced block tagged `sh` or `console`:

  - `sh`: every line is a command (a trailing backslash continues it);
    lines starting with "#   " right after a command are its expected
    output; other lines starting with "#" are comments.
  - `console`: lines starting with "$ " are commands; the lines after one,
    up to the next "$ ", are its expected output.

Expected output lines must appear in the command's output (stdout and
stderr together), in order, each matching a whole line.  Placeholders:
`<NAME>` (capitals, digits, _) matches one word (no spaces), `...`
matches any text.

Markers, an HTML comment on the line right before the opening fence
(several may be stacked):

  <!-- doc-test: skip REASON -->   do not run this block (say why)
  <!-- doc-test: file NAME -->     write this block to NAME in the work
                                   directory (a C file a later block builds)
  <!-- doc-test: placeholders -->  informative: the output uses placeholders

How it runs: each file gets a fresh work directory holding symlinks to the
source tree's top-level entries (so `examples/...` works) and `build/default`
pointing at the build; `gmpsim` is on PATH; `/tmp/` in a command becomes the
work directory's tmp/; `pkg-config --cflags gmpsim` gives the source tree's
include/.  A block runs as one shell script (so `cd` carries over), each
command under a 120 s budget for the block.  A command must exit 0, or, if
it is a gmpsim command, with one of gmpsim's outcome codes 2..12 (a run that
finds a bug is a valid example); 64 (usage) and anything else fail.

Also: an untagged block whose first line looks like a command (cmake,
scripts/, tests/, build/, python3, cc) fails: tag it `sh`, and mark it
skip if it must not run.

usage: doctest.py SRC_DIR BUILD_DIR WORK_DIR
"""
import glob
import os
import re
import shutil
import subprocess
import sys

FENCE = re.compile(r"^```(\S*)\s*$")
MARK = re.compile(r"^<!-- doc-test: (\w+)\s*(.*?)\s*-->\s*$")
LOOKS_LIKE_COMMAND = re.compile(r"^(cmake |scripts/|tests/|build/|python3 |cc |\$ )")
BUDGET_S = 120


def blocks(path):
    """(line number, tag, body lines, {marker: argument}) of each fenced block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        marks, k = {}, i - 1
        while k >= 0 and MARK.match(lines[k]):
            mm = MARK.match(lines[k])
            marks[mm.group(1)] = mm.group(2)
            k -= 1
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        yield i + 1, m.group(1), lines[i + 1:j], marks
        i = j + 1


def commands(tag, body):
    """[(command, [expected output lines])] of a block."""
    out = []
    if tag == "console":
        for line in body:
            if line.startswith("$ "):
                out.append([line[2:], []])
            elif out:
                out[-1][1].append(line)
        return out
    pending = ""
    for line in body:
        if line.startswith("#   ") and out and not pending:
            out[-1][1].append(line[4:])
            continue
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        out.append([pending + line, []])
        pending = ""
    return out


def pattern(expected):
    parts = re.split(r"(<[A-Z][A-Z0-9_]*>|\.\.\.)", expected)
    rx = ""
    for p in parts:
        rx += r"\S+" if re.fullmatch(r"<[A-Z][A-Z0-9_]*>", p) else ".*" if p == "..." else re.escape(p)
    return re.compile(rx)


def matches(expected, output):
    """The first expected line not found (in order), or None."""
    lines = output.split("\n")
    at = 0
    for e in expected:
        rx = pattern(e.rstrip())
        while at < len(lines) and not rx.fullmatch(lines[at].rstrip()):
            at += 1
        if at == len(lines):
            return e
        at += 1
    return None


def is_gmpsim(cmd):
    return re.match(r"^\s*(\S+=\S+\s+)*(build/default/cmd/)?gmpsim\s", cmd + " ") is not None


def workdir(src, build, root, name):
    w = os.path.join(root, name)
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(os.path.join(w, "tmp"))
    os.makedirs(os.path.join(w, "home"))
    os.makedirs(os.path.join(w, "build"))
    for e in os.listdir(src):
        if e not in ("build", ".git"):
            os.symlink(os.path.join(src, e), os.path.join(w, e))
    os.symlink(build, os.path.join(w, "build", "default"))
    pc = os.path.join(w, "pkgconfig")
    os.makedirs(pc)
    with open(os.path.join(pc, "gmpsim.pc"), "w") as f:
        f.write(f"Name: gmpsim\nDescription: doc-test\nVersion: 0\nCflags: -I{src}/include\n")
    return w


def run_block(w, build, cmds):
    """Run the commands as one script; [(rc, output)] per command."""
    script = ""
    for i, (cmd, _) in enumerate(cmds):
        cmd = cmd.replace("/tmp/", w + "/tmp/")
        script += f"printf '\\n@@doc-test-begin {i}\\n'\n{cmd}\nprintf '\\n@@doc-test-rc {i} %d\\n' $?\n"
    env = dict(os.environ)
    env["PATH"] = os.path.join(build, "cmd") + os.pathsep + env.get("PATH", "")
    env["HOME"] = os.path.join(w, "home")
    env["PKG_CONFIG_PATH"] = os.path.join(w, "pkgconfig")
    env["GMPSIM"] = os.path.join(build, "cmd", "gmpsim")
    try:
        p = subprocess.run(["sh", "-c", script], cwd=w, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace", timeout=BUDGET_S)
        text = p.stdout
    except subprocess.TimeoutExpired as e:
        text = (e.stdout or b"").decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        text += "\n(timed out)"
    results = []
    for i in range(len(cmds)):
        m = re.search(rf"\n@@doc-test-begin {i}\n(.*?)\n@@doc-test-rc {i} (\d+)\n", text, re.S)
        results.append((int(m.group(2)), m.group(1)) if m else (None, text[-2000:]))
    return results


def main():
    src, build, root = (os.path.abspath(a) for a in sys.argv[1:4])
    files = [os.path.join(src, "README.md")] + sorted(glob.glob(os.path.join(src, "docs", "*.md")))
    bad, ran, skipped = [], 0, 0
    for path in files:
        rel = os.path.relpath(path, src)
        w = None
        for line, tag, body, marks in blocks(path):
            where = f"{rel}:{line}"
            if "file" in marks:
                w = w or workdir(src, build, root, rel.replace("/", "_"))
                with open(os.path.join(w, marks["file"]), "w") as f:
                    f.write("\n".join(body) + "\n")
                continue
            if tag == "" and body and LOOKS_LIKE_COMMAND.match(body[0]):
                bad.append(f"{where}: an untagged block of commands; tag it sh (and mark it "
                           f"'<!-- doc-test: skip REASON -->' if it must not run)")
                continue
            if tag not in ("sh", "console"):
                continue
            if "skip" in marks:
                if not marks["skip"]:
                    bad.append(f"{where}: doc-test: skip needs a reason")
                skipped += 1
                continue
            cmds = commands(tag, body)
            if not cmds:
                continue
            w = w or workdir(src, build, root, rel.replace("/", "_"))
            for (cmd, expected), (rc, out) in zip(cmds, run_block(w, build, cmds)):
                ran += 1
                ok_rc = rc == 0 or (rc is not None and is_gmpsim(cmd) and 2 <= rc <= 12)
                if not ok_rc:
                    bad.append(f"{where}: `{cmd}` exited {rc}:\n{out[-1500:]}")
                    continue
                miss = matches(expected, out)
                if miss is not None:
                    bad.append(f"{where}: `{cmd}` does not print the line the doc shows:\n  {miss}\n"
                               f"it printed:\n{out[-1500:]}")
    for b in bad:
        print("FAIL:", b)
    print(f"doc-test: {ran} commands run, {skipped} blocks skipped (marked), {len(bad)} failures")
    sys.exit(1 if bad else 0)


main()
