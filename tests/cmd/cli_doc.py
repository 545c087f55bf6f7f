#!/usr/bin/env python3
"""docs/cli.md's flag tables are generated from the parser's tables.

Each block between
    <!-- generated: gmpsim help --markdown CMD -->
    <!-- end generated -->
must be exactly what `gmpsim help --markdown CMD` prints, and every command
`gmpsim help` lists must have one.  With --update, rewrite the blocks
(scripts/update-cli-doc.sh) instead of checking them.

usage: cli_doc.py GMPSIM DOCS/CLI.MD [--update]
"""
import re
import subprocess
import sys

BEGIN = re.compile(r"<!-- generated: gmpsim help --markdown (\S+) -->\n(.*?)<!-- end generated -->", re.S)


def generated(gmpsim, cmd):
    args = [gmpsim, "help", "--markdown"] + ([cmd] if cmd != "common" else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    if cmd == "common":   # the last section of the full listing
        out = out.split("### flags of every command\n\n", 1)[1]
    return out


def commands(gmpsim):
    out = subprocess.run([gmpsim, "help"], check=True, capture_output=True, text=True).stdout
    block = out.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines()]


def main():
    gmpsim, path = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv[3:]
    text = open(path, encoding="utf-8").read()
    bad = []

    def fix(m):
        want = generated(gmpsim, m.group(1))
        if m.group(2) != want:
            bad.append(m.group(1))
        return "<!-- generated: gmpsim help --markdown %s -->\n%s<!-- end generated -->" % (m.group(1), want)

    new = BEGIN.sub(fix, text)
    documented = set(BEGIN.findall(text) and [m[0] for m in BEGIN.findall(text)])
    missing = [c for c in commands(gmpsim) if c not in documented]
    if update:
        if new != text:
            open(path, "w", encoding="utf-8").write(new)
        print("updated %d block(s)%s" % (len(bad), "; no block for: " + " ".join(missing) if missing else ""))
        return 0
    if bad or missing:
        for c in bad:
            print("docs/cli.md: the flag table of `%s` differs from `gmpsim help --markdown %s`" % (c, c))
        for c in missing:
            print("docs/cli.md: no generated block for command `%s`" % c)
        print("run scripts/update-cli-doc.sh (after adding a marker for new commands)")
        return 1
    print("docs/cli.md: %d generated blocks match" % len(documented))
    return 0


if __name__ == "__main__":
    sys.exit(main())
