#!/usr/bin/env python3
"""Instrument a copy of Go 1.19's runtime for the cost probes.

    patch_runtime.py GOROOT OUTDIR

Copies runtime2.go, proc.go, lock_futex.go and mgcscavenge.go from GOROOT/src/runtime to
OUTDIR, inserts a few timing records (our own lines; Go's code is left
as it is), and writes OUTDIR/overlay.json for `go build -overlay`.  The
records go into runtime.calibLog, which probe_costs.go reads through
go:linkname:

    kind 1  futex wake latency: notewakeup until the sleeper's notesleep or
            notetsleep returns (only when the sleeper really slept)
    kind 2  thread start: newm1 calling newosproc until mstart1 runs on the
            new thread
    kind 3  sysmon's usleep(20): how long it really slept (timer slack)
    kind 4  runtime.main's doInit(&runtime_inittask): the runtime's own
            package initialisers, run before gcenable
    kind 5  runtime.main's doInit(&main_inittask): the program's packages'
            initialisers (os, fmt, ... for a program that imports them)
    kind 6  bgscavenge's scavenger.init(), before it tells gcenable it started

Each insertion is anchored on a line of Go 1.19's source; a missing anchor
is an error, so a different Go version fails loudly instead of measuring
something else.
"""
import json
import os
import sys


def patch(text, anchor, insert, after=True):
    if text.count(anchor) != 1:
        sys.exit("patch_runtime.py: anchor not found exactly once: %r" % anchor)
    if after:
        return text.replace(anchor, anchor + insert)
    return text.replace(anchor, insert + anchor)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: patch_runtime.py GOROOT OUTDIR")
    src = os.path.join(sys.argv[1], "src", "runtime")
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    files = {}
    for name in ("runtime2.go", "proc.go", "lock_futex.go", "mgcscavenge.go"):
        with open(os.path.join(src, name)) as f:
            files[name] = f.read()

    r2 = files["runtime2.go"]
    r2 = patch(r2, "type note struct {\n", "\tcalibWake int64 // calibration: when notewakeup ran\n")
    r2 = patch(r2, "type m struct {\n", "\tcalibStart int64 // calibration: when newm1 asked for the thread\n")
    files["runtime2.go"] = r2

    pr = files["proc.go"]
    pr = pr + '''
// ---- calibration records (tests/calibration/patch_runtime.py) ----
var calibLog [16384]int64
var calibN uint32

//go:nosplit
func calibRecord(kind, v int64) {
	i := atomic.Xadd(&calibN, 1) - 1
	if i < 8192 {
		calibLog[2*i] = kind
		calibLog[2*i+1] = v
	}
}
'''
    pr = patch(pr, "func mstart1() {\n\t_g_ := getg()\n\n",
               "\tif s := _g_.m.calibStart; s != 0 {\n\t\tcalibRecord(2, nanotime()-s)\n\t\t_g_.m.calibStart = 0\n\t}\n")
    pr = patch(pr, "\texecLock.rlock() // Prevent process clone.\n\tnewosproc(mp)\n",
               "\tmp.calibStart = nanotime()\n", after=False)
    pr = patch(pr, "\t\tusleep(delay)\n", "\t\tcalibT0 := nanotime()\n", after=False)
    pr = patch(pr, "\t\tusleep(delay)\n",
               "\t\tif delay == 20 {\n\t\t\tcalibRecord(3, nanotime()-calibT0)\n\t\t}\n")
    pr = patch(pr, "\tdoInit(&runtime_inittask) // Must be before defer.\n", "\tcalibInit := nanotime()\n", after=False)
    pr = patch(pr, "\tdoInit(&runtime_inittask) // Must be before defer.\n", "\tcalibRecord(4, nanotime()-calibInit)\n")
    pr = patch(pr, "\tdoInit(&main_inittask)\n", "\tcalibInit = nanotime()\n", after=False)
    pr = patch(pr, "\tdoInit(&main_inittask)\n", "\tcalibRecord(5, nanotime()-calibInit)\n")
    files["proc.go"] = pr

    sc = files["mgcscavenge.go"]
    sc = patch(sc, "func bgscavenge(c chan int) {\n\tscavenger.init()\n",
               "\tcalibRecord(6, nanotime()-calibSc)\n")
    sc = patch(sc, "func bgscavenge(c chan int) {\n", "\tcalibSc := nanotime()\n")
    files["mgcscavenge.go"] = sc

    lf = files["lock_futex.go"]
    lf = patch(lf, "\told := atomic.Xchg(key32(&n.key), 1)\n", "\tn.calibWake = nanotime()\n", after=False)
    lf = patch(lf, "\tfor atomic.Load(key32(&n.key)) == 0 {\n\t\tgp.m.blocked = true\n\t\tfutexsleep(key32(&n.key), 0, ns)\n",
               "\t\tif w := n.calibWake; w != 0 && atomic.Load(key32(&n.key)) != 0 {\n"
               "\t\t\tcalibRecord(1, nanotime()-w)\n\t\t}\n")
    files["lock_futex.go"] = lf

    replace = {}
    for name, text in files.items():
        path = os.path.join(out, name)
        with open(path, "w") as f:
            f.write(text)
        replace[os.path.join(src, name)] = path
    with open(os.path.join(out, "overlay.json"), "w") as f:
        json.dump({"Replace": replace}, f, indent=1)


main()
